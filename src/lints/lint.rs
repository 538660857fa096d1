//! The vocabulary every lint shares, a leaf of `lints/`: a lint's declaration ([`Lint`], whose
//! address is its identity), its [`Level`], and what it may know besides the creation
//! ([`LintContext`]). A lint file imports this, never the registry in `lints/mod.rs`.
//!
//! A declaration is data only, as rustc's `Lint` is: a finding names its lint, and a lint's
//! check makes findings, so holding the check here would make this file and
//! [`crate::lints::diagnostic`] each need the other. The registry pairs each lint with its check.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use crate::catalogue::apis::ObjectKind;
use crate::creations::Creation;
use crate::names::ObjectName;
use crate::project::crates::Crates;
use crate::scan::lexer::code_words;
use crate::scan::source::SourceFile;

/// A lint's declaration; its prose lives in `lints/<name>.md`.
#[derive(Debug)]
pub struct Lint {
    pub name: &'static str,
    pub default_level: Level,
    /// One line, shown by `--list`.
    pub summary: &'static str,
    /// The Markdown documentation, printed by `--explain`.
    pub docs: &'static str,
    /// What a finding is about, which decides what identifies it in a baseline.
    pub subject: Subject,
}

/// A lint is identified by its address: each is one `static`, and every `&'static Lint` to it
/// (from [`crate::lints::LINTS`], a diagnostic, a suppression, the configuration) points there.
/// Comparing identities rather than names leaves the name to users and documentation.
impl PartialEq for Lint {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Lint {}

impl Hash for Lint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(self, state);
    }
}

/// What a lint's findings are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The object's name: renaming the object fixes the finding (or makes it another one).
    Name,
    /// The call, whatever the name: an unchecked result or a missing flag stays the same finding
    /// when the name changes, so a baseline keys it by the function called.
    Call,
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

/// What a lint may know besides the creation: its file, the package's other files and
/// creations, and the package name.
pub struct LintContext<'a> {
    /// The file the creation is in.
    pub file: &'a SourceFile,
    /// Every file of the package, by [`crate::names::FileId`].
    pub files: &'a [&'a SourceFile],
    /// The package name, which seeds suggested GUIDs.
    pub package: &'a str,
    /// Every creation of the package, for lints that compare creations with each other.
    pub creations: &'a [Creation],
    /// The package's crates, and the key of each file's (see [`crate::project::crates`]), by
    /// [`crate::names::FileId`].
    pub crates: &'a Crates,
    pub file_crates: &'a [&'a str],
    /// What lints would otherwise work out again for each creation.
    pub facts: &'a PackageFacts<'a>,
}

/// Facts of the whole package a lint compares each creation with, computed once per package:
/// worked out per creation, they made a file of 40,000 creations take 39 s.
pub struct PackageFacts<'a> {
    /// The first creation (not an opener, not a pipe) of each known name, in package order.
    first_created: HashMap<&'a str, &'a Creation>,
    /// The crates (their keys) with a file whose code names `PrivateNamespace`
    /// (`CreatePrivateNamespace`, `OpenPrivateNamespace`): in their programs an alias may stand
    /// before a backslash in a name.
    pub private_namespace_crates: Vec<&'a str>,
}

impl<'a> PackageFacts<'a> {
    /// `file_crates` is each file's crate key.
    pub fn of(files: &[&SourceFile], file_crates: &[&'a str], creations: &'a [Creation]) -> Self {
        let mut first_created = HashMap::new();
        for creation in creations {
            if let ObjectName::Known(name) = &creation.name {
                if !creation.api.opens_existing && creation.api.kind != ObjectKind::NamedPipe {
                    first_created.entry(name.value.as_str()).or_insert(creation);
                }
            }
        }
        Self {
            first_created,
            private_namespace_crates: files
                .iter()
                .zip(file_crates)
                .filter(|(file, _)| {
                    file.text.contains("PrivateNamespace")
                        && code_words(&file.text).any(|word| word.contains("PrivateNamespace"))
                })
                .map(|(_, &crate_key)| crate_key)
                .collect(),
        }
    }

    /// The first creation (not an opener, not a pipe) of the object named `name`.
    pub fn first_created(&self, name: &str) -> Option<&'a Creation> {
        self.first_created.get(name).copied()
    }
}

impl LintContext<'_> {
    /// Whether `other` can be part of the program `creation` is in: it is in the same crate,
    /// or in one that crate links or may declare as modules (see [`Crates::reaches`]). Each
    /// example, test and binary is a program of its own.
    pub fn in_program_of(&self, creation: &Creation, other: &Creation) -> bool {
        let (Some(own), Some(theirs)) = (
            self.file_crates.get(creation.file),
            self.file_crates.get(other.file),
        ) else {
            return false;
        };
        self.crates.reaches(own, theirs)
    }
}

#[cfg(test)]
mod tests {
    use super::{Level, Lint, Subject};
    use crate::lints::{self, LINTS};

    #[test]
    fn a_lint_is_its_static_not_its_name() {
        static NAMESAKE: Lint = Lint {
            name: "non_unique_object_name",
            default_level: Level::Deny,
            summary: "",
            docs: "",
            subject: Subject::Name,
        };
        assert_ne!(NAMESAKE, lints::NON_UNIQUE_OBJECT_NAME);
        let registered = lints::by_name("non_unique_object_name").expect("registered");
        assert_eq!(*registered, lints::NON_UNIQUE_OBJECT_NAME);
    }

    #[test]
    fn every_registered_lint_is_a_different_identity() {
        let distinct: std::collections::HashSet<&Lint> = LINTS.iter().copied().collect();
        assert_eq!(distinct.len(), LINTS.len());
    }
}
