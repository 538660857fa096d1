//! `already_exists_in_err`: an `ERROR_ALREADY_EXISTS` check that only the failure of a creation
//! reaches, where an existing object is a success: the check can never be true.

use crate::catalogue::apis::{ObjectKind, OnExisting, Origin};
use crate::creations::Creation;
use crate::lints::diagnostic::Diagnostic;
use crate::lints::labels;
use crate::lints::lint::{Level, Lint, LintContext, Subject};
use crate::names::ObjectName;

pub static LINT: Lint = Lint {
    name: "already_exists_in_err",
    default_level: Level::Deny,
    summary: "ERROR_ALREADY_EXISTS looked for in the Err of a creation that returns an existing object as Ok",
    docs: include_str!("../../lints/already_exists_in_err.md"),
    // The dead check stays the same finding when the name changes.
    subject: Subject::Call,
};

pub fn check(creation: &Creation, context: &LintContext, acc: &mut Vec<Diagnostic>) {
    if creation.dead_checks.is_empty() {
        return;
    }
    // Nobody can have created an unnamed object first: the check is dead, but nothing is missed.
    if matches!(creation.name, ObjectName::Unnamed) {
        return;
    }
    let kind = creation.api.kind;
    let noun = kind.noun();
    let api = &creation.api.name;
    let outcome = match creation.on_existing {
        OnExisting::FailsWithAccessDenied => "fails with `ERROR_ACCESS_DENIED`".to_owned(),
        _ if kind == ObjectKind::NamedPipe => {
            "is `Ok` or fails with `ERROR_ACCESS_DENIED`".to_owned()
        }
        _ => "is `Ok`".to_owned(),
    };
    let mut diagnostic = Diagnostic::new(
        &LINT,
        creation.callee,
        format!(
            "`{api}` never fails with `ERROR_ALREADY_EXISTS`: this check on its `Err` can never be true"
        ),
        format!("an existing {noun} {outcome}, never this error"),
    );
    for &(file, check) in &creation.dead_checks {
        if file == creation.file {
            diagnostic = diagnostic.with_secondary(
                check,
                "reached only when the call failed, never for an existing object".to_owned(),
            );
        } else if let Some(file) = context.files.get(file) {
            let place = file.line_column(check.start);
            diagnostic = diagnostic.with_note(format!(
                "the check on the `Err` is in {}:{}:{}",
                file.path().display(),
                place.line,
                place.column
            ));
        }
    }
    let diagnostic = labels::label_via(diagnostic, creation, context);
    acc.push(
        diagnostic
            .with_help(working_form(creation), None)
            .with_note(format!(
                "an existing {noun} is not an error: the call returns it and only the last error, \
                 read right after the call, says `ERROR_ALREADY_EXISTS` (see {})",
                creation.api.reference
            )),
    );
}

/// The check that works, for the API and binding in use.
fn working_form(creation: &Creation) -> String {
    let api = &creation.api.name;
    if creation.api.kind == ObjectKind::NamedPipe {
        return "to refuse an existing pipe, ask for the first instance \
                (`FILE_FLAG_FIRST_PIPE_INSTANCE`, or `first_pipe_instance(true)`) and compare \
                the failure with `ERROR_ACCESS_DENIED`"
            .to_owned();
    }
    match &creation.api.origin {
        Origin::Win32 => format!(
            "check on success, right after the call: `let handle = unsafe {{ {api}(…) }}?;` then \
             `if unsafe {{ GetLastError() }} == ERROR_ALREADY_EXISTS {{ … }}` \
             (`use windows::Win32::Foundation::{{GetLastError, ERROR_ALREADY_EXISTS}};`)"
        ),
        Origin::Derived | Origin::Setter => match &creation.via {
            Some(via) => format!(
                "check `GetLastError()` for `ERROR_ALREADY_EXISTS` right after `{}` succeeds, \
                 inside `{api}`, before its result is passed on",
                via.api_name
            ),
            None => format!(
                "check `GetLastError()` for `ERROR_ALREADY_EXISTS` inside `{api}`, right after \
                 its creation succeeds"
            ),
        },
        Origin::Crate { name, .. } => format!(
            "`{name}` returns an existing {} as `Ok`: tell it from the `Ok` value, or from the \
             last error right after the call (see {})",
            creation.api.kind.noun(),
            creation.api.reference
        ),
        Origin::Config => format!(
            "tell an existing {} from the success of `{api}`, not from its error",
            creation.api.kind.noun()
        ),
    }
}
