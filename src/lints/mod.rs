//! The lint registry: one line per lint. A lint is a pure function from the facts about one
//! creation to diagnostics; it does no I/O and cannot fail.

mod already_exists_in_err;
pub mod diagnostic;
mod global_file_mapping_needs_privilege;
mod global_namespace_squatting;
mod invalid_object_name;
mod non_unique_object_name;
mod pipe_first_instance_missing;
mod shared_object_unchecked;
mod unchecked_already_exists;
pub(crate) mod unused_suppression;

use std::collections::{HashMap, HashSet};

use crate::catalogue::apis::ObjectKind;
use crate::creations::Creation;
use crate::lints::diagnostic::Diagnostic;
use crate::names::{KnownName, ObjectName};
use crate::project::crates::Crates;
use crate::scan::lexer::code_words;
use crate::scan::source::{ByteSpan, SourceFile};

/// Every lint objlint has, in the order `--list` shows them.
pub static LINTS: &[&Lint] = &[
    &non_unique_object_name::LINT,
    &unchecked_already_exists::LINT,
    &already_exists_in_err::LINT,
    &pipe_first_instance_missing::LINT,
    &invalid_object_name::LINT,
    &global_namespace_squatting::LINT,
    &global_file_mapping_needs_privilege::LINT,
    &shared_object_unchecked::LINT,
    &unused_suppression::LINT,
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
    /// What a finding is about, which decides what identifies it in a baseline.
    pub subject: Subject,
    pub check: fn(&Creation, &LintContext, &mut Vec<Diagnostic>),
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

/// The lint registered under `name`.
pub fn by_name(name: &str) -> Option<&'static Lint> {
    let name = name.strip_prefix("objlint::").unwrap_or(name);
    LINTS.iter().copied().find(|lint| lint.name == name)
}

/// What to tell a user who wrote `name`, which names no lint: the lint they most likely meant,
/// as clap suggests a misspelt flag, or where the list of lints is.
pub fn unknown_lint_hint(name: &str) -> String {
    let written = name.strip_prefix("objlint::").unwrap_or(name);
    let closest = LINTS
        .iter()
        .map(|lint| (strsim::jaro(written, lint.name), lint.name))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        // clap's threshold for its own suggestions.
        Some((confidence, lint)) if confidence > 0.7 => {
            format!("did you mean `objlint::{lint}`?")
        }
        _ => "`cargo objlint --list` shows them all".to_owned(),
    }
}

/// Runs every lint on every creation of a file. Each finding is tagged with its creation's
/// enclosing item and, when a lint did not set it, the object's name: baselines and SARIF
/// fingerprints identify findings by them.
pub fn check_all(creations: &[&Creation], context: &LintContext) -> Vec<Diagnostic> {
    let mut acc = Vec::new();
    // Openers are facts for `--fix` only: opening an existing object is not a finding.
    let creations: Vec<&Creation> = creations
        .iter()
        .copied()
        .filter(|creation| !creation.api.opens_existing)
        .collect();
    // A call whose name has `cfg` alternatives comes as one creation per alternative, in a row.
    for group in creations.chunk_by(|one, other| one.file == other.file && one.call == other.call) {
        let per_alternative: Vec<Vec<Diagnostic>> = group
            .iter()
            .map(|creation| check_one(creation, context))
            .collect();
        let in_every = |diagnostic: &Diagnostic| {
            per_alternative.iter().all(|others| {
                others.iter().any(|other| {
                    other.lint.name == diagnostic.lint.name
                        && other.primary.span == diagnostic.primary.span
                        && other.message == diagnostic.message
                })
            })
        };
        for (index, (creation, diagnostics)) in group.iter().zip(&per_alternative).enumerate() {
            for diagnostic in diagnostics {
                // A finding every alternative shares is reported once, as for any call.
                let shared = group.len() > 1 && in_every(diagnostic);
                if shared && index > 0 {
                    continue;
                }
                let mut diagnostic = diagnostic.clone();
                if let (Some(cfg), false) = (&creation.cfg, shared) {
                    diagnostic = diagnostic.with_note(format!(
                        "this is the name under `#[cfg({cfg})]`; each `cfg` alternative is checked"
                    ));
                }
                acc.push(diagnostic);
            }
        }
    }
    acc
}

/// Every lint's findings for one creation, each tagged with its creation's enclosing item and,
/// when the lint did not set it, the object's name.
fn check_one(creation: &Creation, context: &LintContext) -> Vec<Diagnostic> {
    let mut acc = Vec::new();
    for lint in LINTS {
        (lint.check)(creation, context, &mut acc);
    }
    for diagnostic in &mut acc {
        diagnostic.enclosing_item = Some(creation.enclosing_item.clone());
        diagnostic.called = Some(creation.api.name.to_string());
        if let (None, crate::names::ObjectName::Known(name)) =
            (&diagnostic.object_name, &creation.name)
        {
            diagnostic.object_name = Some(name.value.clone());
        }
    }
    acc
}

/// Labels the literals a name is made of where they are not inside the name argument (a
/// `const`, a `let`), or names their place when they are in another file.
fn label_literals(
    mut diagnostic: Diagnostic,
    creation: &Creation,
    context: &LintContext,
    name: &KnownName,
) -> Diagnostic {
    // A set: a name can be 50,000 literals (one `concat!`), and a list made this quadratic.
    let mut seen = HashSet::new();
    for literal in &name.literals {
        if literal.span.start == literal.span.end || !seen.insert((literal.file, literal.span)) {
            continue;
        }
        let set_by = literal.binding.as_ref().map_or_else(
            || "the name".to_owned(),
            |binding| format!("the name of {binding}"),
        );
        // A literal inside the name argument needs no label of its own.
        if literal.file != creation.file || !creation.name_arg.contains(literal.span) {
            diagnostic = point_at(
                diagnostic,
                creation,
                context,
                (literal.file, literal.span),
                &format!("{set_by} is set"),
            );
        }
    }
    diagnostic
}

/// Points at `span` of file `file` with `message`: a label (`… here`) in the creation's own file,
/// a note with the place (`… in src/names.rs:3:20`) in another.
fn point_at(
    diagnostic: Diagnostic,
    creation: &Creation,
    context: &LintContext,
    (file, span): (usize, ByteSpan),
    message: &str,
) -> Diagnostic {
    if file == creation.file {
        return diagnostic.with_secondary(span, format!("{message} here"));
    }
    let Some(file) = context.files.get(file) else {
        return diagnostic;
    };
    let place = file.line_column(span.start);
    diagnostic.with_note(format!(
        "{message} in {}:{}:{}",
        file.path().display(),
        place.line,
        place.column
    ))
}

/// Points at the crate's functions the name is returned by (`fn mutex_key() -> String`).
fn label_returned(
    mut diagnostic: Diagnostic,
    creation: &Creation,
    context: &LintContext,
    name: &KnownName,
) -> Diagnostic {
    let mut seen = Vec::new();
    for returned in &name.returned_by {
        if seen.contains(&(returned.file, returned.span)) {
            continue;
        }
        seen.push((returned.file, returned.span));
        diagnostic = point_at(
            diagnostic,
            creation,
            context,
            (returned.file, returned.span),
            &format!("the name is returned by `{}`", returned.function),
        );
    }
    diagnostic
}

/// Points at the creation inside the crate function a call passes its name to.
fn label_via(diagnostic: Diagnostic, creation: &Creation, context: &LintContext) -> Diagnostic {
    let Some(via) = &creation.via else {
        return diagnostic;
    };
    point_at(
        diagnostic,
        creation,
        context,
        (via.file, via.callee),
        &format!("the name is passed on to `{}`", via.api_name),
    )
}
