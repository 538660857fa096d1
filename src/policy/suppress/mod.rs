//! Suppressions written in the checked source, and the findings they hide.
//!
//! Three forms, read from the text (comments) and from the items the lints parsed (attributes):
//!
//! - `// objlint: allow(<lint>, …) -- reason` at the end of a line covers the innermost statement
//!   or item that line belongs to; on a line of its own it covers the statement or item that
//!   starts on the next line that is not a comment (so several such comments can be stacked);
//! - `// objlint: allow-file(<lint>, …) -- reason` anywhere covers the whole file;
//! - `#[cfg_attr(objlint, allow(objlint::<lint>, reason = "…"))]` covers the item, `impl`,
//!   statement, expression, match arm or field it is on (an inner `#![…]` its whole module or
//!   file).
//!
//! A suppression is used when it covers a finding of its lint before levels apply. One that
//! covers nothing, names an unknown lint or cannot be read is an `unused_suppression` finding.

mod comments;
mod suppression;
mod syntax;
#[cfg(test)]
mod tests;

use crate::lints;
use crate::lints::diagnostic::Diagnostic;
use crate::policy::suppress::comments::{line_comments, read_comments};
use crate::policy::suppress::suppression::{covering, Scope};
use crate::policy::suppress::syntax::{attribute_spans, read_lone_attributes, SyntaxFacts};
use crate::scan::source::SourceFile;

pub use crate::policy::suppress::suppression::Suppressions;

/// Reads every suppression of `file`, whose lints found `diagnostics`.
///
/// Comments are found by reading the text as the lexer does, so a `//` inside a block comment
/// or a literal starts none. Nothing is parsed but the items that hold a finding (the lints
/// parsed them already) and the few that share a line with one and hold a suppression: what a
/// suppression covers matters only where there is a finding to cover, and elsewhere every
/// suppression is unused whatever its reach. A syntax error in any other item, or a file of
/// any size, changes nothing.
pub fn collect(file: &SourceFile, diagnostics: &[Diagnostic]) -> Suppressions {
    let mut suppressions = Suppressions::default();
    let comments = line_comments(file);
    let attributes = attribute_spans(file);
    if comments.is_empty() && attributes.is_empty() {
        return suppressions;
    }
    let mut sites: Vec<usize> = comments
        .iter()
        .flat_map(|comment| [comment.line_number, comment.target_line])
        .collect();
    sites.sort_unstable();
    let mut finding_starts: Vec<usize> = diagnostics
        .iter()
        .map(|diagnostic| diagnostic.primary.span.start)
        .collect();
    finding_starts.sort_unstable();
    let syntax = SyntaxFacts::read(file, &finding_starts, &sites, &mut suppressions);
    read_comments(file, &comments, &syntax.nodes, &mut suppressions);
    read_lone_attributes(file, &attributes, &syntax.parsed, &mut suppressions);
    suppressions
}

impl Suppressions {
    /// Drops the findings a suppression covers, and adds an `unused_suppression` finding for
    /// every suppression that covered none. With `require_reason`, a suppression without a
    /// reason hides nothing: the finding stays, with a note saying why.
    pub fn apply(
        self,
        diagnostics: Vec<Diagnostic>,
        file: &SourceFile,
        require_reason: bool,
    ) -> Vec<Diagnostic> {
        let Suppressions { entries, problems } = self;
        let mut used = vec![false; entries.len()];
        let mut kept = Vec::with_capacity(diagnostics.len());
        for diagnostic in diagnostics {
            let covering = covering(&entries, &diagnostic, file);
            if covering.is_empty() {
                kept.push(diagnostic);
                continue;
            }
            for &index in &covering {
                used[index] = true;
            }
            if !require_reason || covering.iter().any(|&index| entries[index].has_reason) {
                continue;
            }
            let line = file.line_column(entries[covering[0]].span.start).line;
            kept.push(diagnostic.with_note(format!(
                "the suppression on line {line} gives no reason, and this project requires one \
                 (`require-suppression-reason`): add `-- <reason>` to the comment, or \
                 `reason = \"…\"` to the attribute"
            )));
        }

        let mut unused = problems;
        for (suppression, used) in entries.iter().zip(&used) {
            if *used || *suppression.lint == lints::UNUSED_SUPPRESSION {
                continue;
            }
            let code = format!("objlint::{}", suppression.lint.name);
            let label = match suppression.scope {
                Scope::File => format!("no `{code}` finding in this file"),
                Scope::Lines(_) => format!("no `{code}` finding in the code it covers"),
                Scope::Node(_) => format!("no `{code}` finding in the code this attribute is on"),
            };
            unused.push(
                Diagnostic::new(
                    &lints::UNUSED_SUPPRESSION,
                    suppression.span,
                    format!("the suppression of `{code}` suppresses nothing"),
                    label,
                )
                .with_help(format!("remove `{}` from it", suppression.lint.name), None),
            );
        }
        // `unused_suppression` findings can be suppressed too, by name.
        unused.retain(|diagnostic| {
            covering(&entries, diagnostic, file)
                .iter()
                .all(|&index| require_reason && !entries[index].has_reason)
        });
        unused.sort_by_key(|diagnostic| diagnostic.primary.span);
        kept.extend(unused);
        kept
    }
}
