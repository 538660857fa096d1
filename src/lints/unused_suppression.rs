//! `unused_suppression`: an `objlint: allow(…)` comment or `allow(objlint::…)` attribute that
//! suppresses nothing, names no lint objlint has, or cannot be read.
//!
//! The findings are made by the suppression pass ([`crate::policy::suppress`]), which alone knows which
//! suppressions were used; the lint has nothing to check on a creation.

use crate::creations::Creation;
use crate::lints::diagnostic::Diagnostic;
use crate::lints::lint::{Level, Lint, LintContext, Subject};

pub static LINT: Lint = Lint {
    name: "unused_suppression",
    default_level: Level::Warn,
    summary: "suppression that suppresses nothing, names an unknown lint, or cannot be read",
    docs: include_str!("../../lints/unused_suppression.md"),
    subject: Subject::Name,
};

pub fn check(_creation: &Creation, _context: &LintContext, _acc: &mut Vec<Diagnostic>) {}
