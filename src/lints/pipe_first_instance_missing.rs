//! `pipe_first_instance_missing`: a named-pipe server's first instance created without asking
//! to be the first, so a process that created the pipe before it gets its clients.

use crate::catalogue::apis::{Api, ObjectKind, Origin};
use crate::creations::Creation;
use crate::lints::diagnostic::Diagnostic;
use crate::lints::labels;
use crate::lints::lint::{Level, Lint, LintContext, Subject};
use crate::lints::pipes;
use crate::names::{ObjectName, WRITTEN_GUID};

pub static LINT: Lint = Lint {
    name: "pipe_first_instance_missing",
    default_level: Level::Deny,
    summary: "named pipe server created without FILE_FLAG_FIRST_PIPE_INSTANCE / first_pipe_instance(true)",
    docs: include_str!("../../lints/pipe_first_instance_missing.md"),
    subject: Subject::Call,
};

pub fn check(creation: &Creation, context: &LintContext, acc: &mut Vec<Diagnostic>) {
    if creation.api.kind != ObjectKind::NamedPipe || creation.first_pipe_instance != Some(false) {
        return;
    }
    let probe = pipes::dropped_claim(creation, context);
    // Only a name nobody can learn exempts the pipe: a GUID written in the program can be read
    // from the binary by a squatter who means it. A name objlint cannot follow may be such a
    // name (a UUID made by the caller, random bytes filled through an out-parameter), so it
    // cannot decide, and reports nothing — unless the program probes whether the name is
    // free: then it expects another process to hold it.
    match &creation.name {
        ObjectName::Unique(what) if what != WRITTEN_GUID => return,
        ObjectName::Unknown | ObjectName::Param(_)
            if probe.is_none() || named_by_callers(creation, context) =>
        {
            return;
        }
        _ => {}
    }
    // A server that made its first instance with the claim creates the later ones without it,
    // while that instance is open.
    if pipes::held_by_another(creation, context) {
        return;
    }
    // Without any claim, only the program's first creation of a pipe is reported: the later
    // ones are its further instances, which must not claim it. The library's creations come
    // before a program's own (the library's first is reported with the library's code).
    // A probe, which claims the pipe, is no earlier unclaimed instance.
    let earlier_unclaimed = pipes::servers_in_program(creation, context).any(|other| {
        other.first_pipe_instance != Some(true)
            && (!context.in_program_of(other, creation)
                || (other.file, other.call.start) < (creation.file, creation.call.start))
    });
    if earlier_unclaimed {
        return;
    }
    // Through the crate's own function, it is the creation that function ends in that joins
    // the pipe, with the arguments it passes, and where the claim goes.
    let called = creation.via.as_ref().map_or(&creation.api, |via| &via.api);
    let (help, limit) = claim_help(called, creating_function(creation));
    let mut diagnostic = Diagnostic::new(
        &LINT,
        creation.callee,
        "named pipe server created without claiming the first instance".to_owned(),
        "joins an existing pipe of this name instead of failing".to_owned(),
    )
    .with_help(help, None)
    .with_note(format!(
        "if another process created the pipe first, `{}` succeeds as one more instance: {} (see {})",
        called.name,
        called.kept_from_existing(None),
        called.reference
    ));
    diagnostic = labels::label_via(diagnostic, creation, context);
    if let Some(probe) = probe {
        diagnostic = probe_note(diagnostic, creation, probe, context);
    }
    if creation.one_instance_limit {
        // Wine's conformance test `test_CreateNamedPipe_instances_must_match`, which passes on
        // Windows, creates a second instance with a different `nMaxInstances`.
        diagnostic = diagnostic.with_note(format!(
            "{limit} is no claim: only the first creator's instance limit counts, so a pipe \
             created first with a larger one (`PIPE_UNLIMITED_INSTANCES`) takes this call as \
             one more instance"
        ));
    }
    acc.push(diagnostic);
}

/// Whether `creation`, in one of the crate's functions that passes its name on, is reported
/// at the calls that give the name (see `labels::label_via`): a call whose name objlint reads.
fn named_by_callers(creation: &Creation, context: &LintContext) -> bool {
    context.creations.iter().any(|call| {
        call.via
            .as_ref()
            .is_some_and(|via| via.file == creation.file && via.callee == creation.callee)
            && matches!(call.name, ObjectName::Known(_) | ObjectName::Unique(_))
    })
}

/// Points at the probe: its claim is real, but ends with the statement that drops it.
fn probe_note(
    diagnostic: Diagnostic,
    creation: &Creation,
    probe: &Creation,
    context: &LintContext,
) -> Diagnostic {
    let Some(file) = context.files.get(probe.file) else {
        return diagnostic;
    };
    let line = file.line_column(probe.callee.start).line;
    let place = if probe.file == creation.file {
        format!("line {line}")
    } else {
        format!("{}:{line}", file.path().display())
    };
    let diagnostic = if probe.file == creation.file {
        diagnostic.with_secondary(
            probe.callee,
            "claims the pipe, then drops the server at once".to_owned(),
        )
    } else {
        diagnostic
    };
    diagnostic
        .with_help(
            "or keep the probe's server open until this instance is made: this one is then a \
             later instance of the pipe the probe claimed"
                .to_owned(),
            None,
        )
        .with_note(format!(
            "the claimed instance at {place} is dropped at once, so it does not hold the pipe: \
             Windows destroys a pipe when its last instance closes, and another process can \
             create it before this call"
        ))
}

/// Through a chain of the crate's functions, the last of them: the one that creates the pipe.
fn creating_function(creation: &Creation) -> Option<&str> {
    let via = creation.via.as_ref()?;
    let chain: Vec<&str> = std::iter::once(via.api_name.as_str())
        .chain(via.further.iter().map(|(_, _, name)| name.as_str()))
        .collect();
    chain.len().checked_sub(2).map(|last| chain[last])
}

/// The help saying where `called` takes the claim — a flag in `dwOpenMode`, or a builder
/// method — and how its instance limit of one is written.
fn claim_help(called: &Api, creating_function: Option<&str>) -> (String, &'static str) {
    // Two functions of the crate deep or more, `called` is one of them: the claim goes where
    // the last one creates the pipe.
    if called.origin == Origin::Derived {
        return (
            format!("claim the first instance where `{}` creates the pipe, and treat its error as \"someone else owns this pipe\"", creating_function.unwrap_or(&called.name)),
            "an instance limit of one",
        );
    }
    if called.open_mode_arg.is_some() {
        return (
            "add `FILE_FLAG_FIRST_PIPE_INSTANCE` to `dwOpenMode` when creating the first instance, and treat `ERROR_ACCESS_DENIED` as \"someone else owns this pipe\"".to_owned(),
            "`nMaxInstances` 1",
        );
    }
    let method = called
        .first_instance_method
        .unwrap_or("first_pipe_instance");
    let claim = if called.first_pipe_instance == Some(true) {
        format!(
            "leave out `.{method}(false)` for the first instance (its options claim it by default)"
        )
    } else {
        format!("call `.{method}(true)` on the options of the first instance")
    };
    (
        format!("{claim}, and treat its error as \"someone else owns this pipe\""),
        "`.max_instances(1)`",
    )
}
