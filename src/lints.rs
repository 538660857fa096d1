//! The lint registry: one line per lint. A lint is a pure function from the facts about one
//! creation to diagnostics; it does no I/O and cannot fail.

mod non_unique_object_name;
mod unchecked_already_exists;

use crate::creations::Creation;
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// Every lint objlint has, in the order `--list` shows them.
pub static LINTS: &[&Lint] = &[
    &non_unique_object_name::LINT,
    &unchecked_already_exists::LINT,
];

/// A lint's declaration; its prose lives in `lints/<name>.md`.
#[derive(Debug)]
pub struct Lint {
    pub name: &'static str,
    pub default_level: Level,
    /// One line, shown by `--list`.
    pub summary: &'static str,
    /// The Markdown documentation, printed by `--explain`.
    pub docs: &'static str,
    pub check: fn(&Creation, &LintContext, &mut Vec<Diagnostic>),
}

/// How much a lint's findings matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// What a lint may know besides the creation: the file it is in and the package that owns it.
pub struct LintContext<'a> {
    pub file: &'a SourceFile,
    /// The package name, which seeds suggested GUIDs.
    pub package: &'a str,
}

/// The lint registered under `name`.
pub fn by_name(name: &str) -> Option<&'static Lint> {
    let name = name.strip_prefix("objlint::").unwrap_or(name);
    LINTS.iter().copied().find(|lint| lint.name == name)
}

/// Runs every lint on every creation of a file.
pub fn check_all(creations: &[Creation], context: &LintContext) -> Vec<Diagnostic> {
    let mut acc = Vec::new();
    for creation in creations {
        for lint in LINTS {
            (lint.check)(creation, context, &mut acc);
        }
    }
    acc
}
