//! The lint registry: one line per lint. A lint is a pure function from the facts about one
//! creation to diagnostics; it does no I/O and cannot fail.

mod already_exists_in_err;
pub mod diagnostic;
mod global_file_mapping_needs_privilege;
mod global_namespace_squatting;
mod invalid_object_name;
mod labels;
mod lint;
mod non_unique_object_name;
mod pipe_first_instance_missing;
mod pipes;
mod shared_object_unchecked;
mod unchecked_already_exists;
mod unused_suppression;

use crate::creations::Creation;
use crate::lints::diagnostic::Diagnostic;

pub use crate::lints::lint::{Level, Lint, LintContext, PackageFacts, Subject};

/// What a lint does with one creation: push its findings onto the accumulator.
type Check = fn(&Creation, &LintContext, &mut Vec<Diagnostic>);

/// Declares the registry from one line per lint (its file, the name other stages know its
/// identity by): [`LINTS`], each lint's `static` under that name, and the checks in the same order.
macro_rules! registry {
    ($($file:ident => $identity:ident,)*) => {
        $(pub use $file::LINT as $identity;)*

        /// Every lint objlint has, in the order `--list` shows them.
        pub static LINTS: &[&Lint] = &[$(&$file::LINT),*];

        /// Each lint's check, in the order of [`LINTS`].
        static CHECKS: &[Check] = &[$($file::check),*];
    };
}

registry! {
    non_unique_object_name => NON_UNIQUE_OBJECT_NAME,
    unchecked_already_exists => UNCHECKED_ALREADY_EXISTS,
    already_exists_in_err => ALREADY_EXISTS_IN_ERR,
    pipe_first_instance_missing => PIPE_FIRST_INSTANCE_MISSING,
    invalid_object_name => INVALID_OBJECT_NAME,
    global_namespace_squatting => GLOBAL_NAMESPACE_SQUATTING,
    global_file_mapping_needs_privilege => GLOBAL_FILE_MAPPING_NEEDS_PRIVILEGE,
    shared_object_unchecked => SHARED_OBJECT_UNCHECKED,
    unused_suppression => UNUSED_SUPPRESSION,
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
                    other.lint == diagnostic.lint
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
                // The others are told apart by their alternative, and become one finding
                // once the configuration has had its say on each name (`policy::finish`).
                if !shared {
                    diagnostic.alternative.clone_from(&creation.cfg);
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
    for check in CHECKS {
        check(creation, context, &mut acc);
    }
    for diagnostic in &mut acc {
        diagnostic.enclosing_item = Some(creation.enclosing_item.clone());
        diagnostic.called = Some(creation.api.name.to_string());
        diagnostic.in_test_code = creation.in_test_code;
        if let (None, crate::names::ObjectName::Known(name)) =
            (&diagnostic.object_name, &creation.name)
        {
            diagnostic.object_name = Some(name.value.clone());
        }
    }
    acc
}
