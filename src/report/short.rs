//! `--format short`: one line per finding, `path:line:col: level[lint]: message`, as rustc's
//! `--error-format short` writes them (on stderr, like the human format). Every part is
//! escaped, so a record is one line whatever the tree holds.

use std::fmt::Write as _;

use crate::check::outcome::{FileReport, Report};
use crate::lints::diagnostic::{escaped, Diagnostic};
use crate::lints::Level;

/// Every finding and error of a run, one line each; the caller adds the summary line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for (path, message) in &report.errors {
        let _ = writeln!(
            out,
            "{}: error: {}",
            escaped(&path.display().to_string()),
            escaped(message)
        );
    }
    for file in report.files_shown() {
        render_file_into(&mut out, file);
    }
    out
}

fn render_file_into(out: &mut String, file: &FileReport) {
    let path = escaped(&file.file.path.display().to_string());
    if let Some(error) = &file.error {
        match error.span() {
            Some(span) => {
                let start = file.file.line_column(span.start);
                let _ = writeln!(
                    out,
                    "{path}:{}:{}: error: {}",
                    start.line,
                    start.column,
                    escaped(&error.message())
                );
            }
            None => {
                let _ = writeln!(out, "{path}: error: {}", escaped(&error.message()));
            }
        }
    }
    for diagnostic in &file.diagnostics {
        let start = file.file.line_column(diagnostic.primary.span.start);
        let _ = writeln!(
            out,
            "{path}:{}:{}: {}[{}]: {}",
            start.line,
            start.column,
            level_word(diagnostic),
            diagnostic.code(),
            escaped(&diagnostic.message)
        );
    }
}

fn level_word(diagnostic: &Diagnostic) -> &'static str {
    match diagnostic.level {
        Level::Deny => "error",
        Level::Warn | Level::Allow => "warning",
    }
}
