//! `shared_object_unchecked` (allow by default): a named event, unowned mutex, semaphore or
//! waitable timer created with no `ERROR_ALREADY_EXISTS` check, for code that must know whether
//! it made the object or joined someone else's.

use crate::catalogue::apis::ObjectKind;
use crate::creations::Creation;
use crate::lints::diagnostic::Diagnostic;
use crate::lints::labels;
use crate::lints::lint::{Level, Lint, LintContext, Subject};
use crate::names::{mandated, ObjectName};

pub static LINT: Lint = Lint {
    name: "shared_object_unchecked",
    default_level: Level::Allow,
    summary: "named event, unowned mutex, semaphore or waitable timer created without checking ERROR_ALREADY_EXISTS",
    docs: include_str!("../../lints/shared_object_unchecked.md"),
    subject: Subject::Call,
};

pub fn check(creation: &Creation, context: &LintContext, acc: &mut Vec<Diagnostic>) {
    // The same check fact `unchecked_already_exists` reads, so both lints agree on what a
    // check is.
    if creation.already_exists_checked || !creation.api.caller_checks() {
        return;
    }
    // Only a name objlint can read is one another program can have created first; an unnamed
    // object, a name nobody can guess and a name objlint cannot follow stay quiet.
    let ObjectName::Known(name) = &creation.name else {
        return;
    };
    // A name another program defines is created to share that program's object.
    if mandated::find(creation.api.kind, &name.value).is_some() {
        return;
    }
    // An owned mutex is `unchecked_already_exists`'s.
    let consequence = match creation.api.kind {
        ObjectKind::Event => "whose state and reset mode are someone else's",
        ObjectKind::Mutex if creation.initially_owned != Some(true) => {
            "that someone else may hold or have abandoned"
        }
        ObjectKind::Semaphore => "whose count and maximum are someone else's",
        ObjectKind::WaitableTimer => "whose schedule someone else sets",
        _ => return,
    };
    let noun = creation.api.kind.noun();
    let api = &creation.api.name;
    let diagnostic = Diagnostic::new(
        &LINT,
        creation.callee,
        format!("`{api}` may open an existing {noun}, and `ERROR_ALREADY_EXISTS` is never checked"),
        format!("returns an existing {noun} {consequence}"),
    );
    let diagnostic = labels::label_via(diagnostic, creation, context);
    acc.push(
        diagnostic
            .with_help(
                format!(
                    "if this program must be the {noun}'s creator, check right after the call: {}",
                    crate::lints::unchecked_already_exists::check_for(creation.binding_crate)
                ),
                None,
            )
            .with_note(format!(
                "if the {noun} already exists, the call succeeds and {kept} (see {reference})",
                kept = creation.api.kept_from_existing(creation.initially_owned),
                reference = creation.api.reference,
            )),
    );
}
