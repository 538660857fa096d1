//! Renderers, one per output format. Only this module knows codespan-reporting and the JSON
//! shapes other tools read.

pub mod github;
pub(crate) mod gitlab;
pub mod human;
pub mod json;
pub mod sarif;
pub(crate) mod short;

use std::path::PathBuf;

use crate::check::outcome::Report;
use crate::lints::Level;

/// The directory that GitHub (annotations, code scanning) resolves file names against: the
/// checkout, `GITHUB_WORKSPACE`, when the Cargo workspace is inside it, else the workspace root.
pub fn repository_root(report: &Report) -> PathBuf {
    checkout_root(report, "GITHUB_WORKSPACE")
}

/// The directory a CI service resolves file names against: the checkout named by the environment
/// `variable` (`GITHUB_WORKSPACE`, GitLab's `CI_PROJECT_DIR`) when the Cargo workspace is inside
/// it, else the workspace root.
pub fn checkout_root(report: &Report, variable: &str) -> PathBuf {
    std::env::var_os(variable)
        .map(PathBuf::from)
        .filter(|checkout| checkout.is_absolute() && report.root.starts_with(checkout))
        .unwrap_or_else(|| report.root.clone())
}

/// The text of section `## {heading}` of a lint's documentation, up to the next section.
pub fn doc_section<'a>(docs: &'a str, heading: &str) -> Option<&'a str> {
    let marker = format!("## {heading}\n");
    let start = docs.find(&marker)? + marker.len();
    let end = docs[start..]
        .find("\n## ")
        .map_or(docs.len(), |end| start + end);
    Some(docs[start..end].trim())
}

/// Counts of findings by level, for the summary line and the exit status.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub fn of(report: &Report) -> Self {
        let mut counts = Counts::default();
        for diagnostic in report.diagnostics() {
            match diagnostic.level {
                Level::Deny => counts.errors += 1,
                Level::Warn => counts.warnings += 1,
                Level::Allow => {}
            }
        }
        counts
    }
}

/// A quoted source line longer than this is shown only around the places spans start and end
/// (a hostile file's 10 MB line would otherwise be copied into every finding of every format).
pub(crate) const LONG_LINE: usize = 1024;
/// How much of a long line is kept on each side of a span's start or end.
const KEPT_AROUND: usize = 60;

/// The pieces of the long line `line_start..line_end` to keep: the text within
/// [`KEPT_AROUND`] bytes of each mark on it, merged where they meet, on character boundaries.
pub(crate) fn pieces_around(
    text: &str,
    line_start: usize,
    line_end: usize,
    marks: &[usize],
) -> Vec<(usize, usize)> {
    let floor = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let ceil = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at += 1;
        }
        at
    };
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let first = marks.partition_point(|&mark| mark < line_start);
    for &mark in marks[first..].iter().take_while(|&&mark| mark <= line_end) {
        let start = floor(mark.saturating_sub(KEPT_AROUND).max(line_start));
        let end = ceil((mark + KEPT_AROUND).min(line_end));
        match pieces.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => pieces.push((start, end)),
        }
    }
    pieces
}
