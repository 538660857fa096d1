//! A file's suppressions as data (what each covers, which findings it hides) and the problems
//! found while reading them: the leaf the comment and attribute readers both record into.

use std::ops::RangeInclusive;

use crate::lints::diagnostic::Diagnostic;
use crate::lints::{self, Lint};
use crate::scan::source::{ByteSpan, SourceFile};

/// The suppressions of one file, and the problems found while reading them.
#[derive(Debug, Default)]
pub struct Suppressions {
    pub entries: Vec<Suppression>,
    /// Unknown lint names and unreadable `objlint:` comments, already as findings.
    pub problems: Vec<Diagnostic>,
}

#[derive(Debug)]
pub struct Suppression {
    pub lint: &'static Lint,
    pub scope: Scope,
    /// Where the lint's name is written in the comment or attribute.
    pub span: ByteSpan,
    pub has_reason: bool,
}

#[derive(Debug)]
pub enum Scope {
    File,
    /// 1-based lines, inclusive.
    Lines(RangeInclusive<usize>),
    /// The bytes of the node an attribute is on.
    Node(ByteSpan),
}

/// The indices of the suppressions of `diagnostic`'s lint that cover its primary span.
pub fn covering(entries: &[Suppression], diagnostic: &Diagnostic, file: &SourceFile) -> Vec<usize> {
    let span = diagnostic.primary.span;
    let line = file.line_number(span.start);
    entries
        .iter()
        .enumerate()
        .filter(|(_, suppression)| suppression.lint == diagnostic.lint)
        .filter(|(_, suppression)| match &suppression.scope {
            Scope::File => true,
            Scope::Lines(lines) => lines.contains(&line),
            Scope::Node(node) => node.contains(span),
        })
        .map(|(index, _)| index)
        .collect()
}

/// Records a suppression of lint `name`, or an unknown-lint finding.
pub fn add(
    suppressions: &mut Suppressions,
    name: &str,
    span: ByteSpan,
    scope: Scope,
    has_reason: bool,
) {
    match lints::by_name(name) {
        Some(lint) => suppressions.entries.push(Suppression {
            lint,
            scope,
            span,
            has_reason,
        }),
        None => suppressions.problems.push(
            Diagnostic::new(
                &lints::UNUSED_SUPPRESSION,
                span,
                format!("unknown lint `{name}` in a suppression"),
                "objlint has no lint of this name".to_owned(),
            )
            .with_help(
                format!(
                    "a misspelt name suppresses nothing; {}",
                    lints::unknown_lint_hint(name)
                ),
                None,
            ),
        ),
    }
}

pub fn unreadable(span: ByteSpan, label: &str) -> Diagnostic {
    Diagnostic::new(
        &lints::UNUSED_SUPPRESSION,
        span,
        "objlint cannot read this suppression".to_owned(),
        label.to_owned(),
    )
    .with_help(
        "write `// objlint: allow(<lint>, …) -- <reason>`, `// objlint: allow-file(<lint>) -- \
         <reason>` or `#[cfg_attr(objlint, allow(objlint::<lint>, reason = \"…\"))]`"
            .to_owned(),
        None,
    )
}
