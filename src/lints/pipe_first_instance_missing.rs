//! `pipe_first_instance_missing`: a named-pipe server's first instance created without asking
//! to be the first, so a process that created the pipe before it gets its clients.

use crate::catalogue::apis::ObjectKind;
use crate::creations::Creation;
use crate::lints::diagnostic::Diagnostic;
use crate::lints::lint::{Level, Lint, LintContext, Subject};
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
    // Only a name nobody can learn exempts the pipe: a GUID written in the program can be read
    // from the binary by a squatter who means it. A name objlint cannot follow may be such a
    // name (a UUID made by the caller, random bytes filled through an out-parameter), so it
    // cannot decide, and reports nothing.
    match &creation.name {
        ObjectName::Unique(what) if what != WRITTEN_GUID => return,
        ObjectName::Unknown | ObjectName::Param(_) => return,
        _ => {}
    }
    // Each example, test and binary is a program of its own, which the library is part of.
    let mut servers_in_program = context.creations.iter().filter(|other| {
        !other.api.opens_existing
            && other.api.kind == ObjectKind::NamedPipe
            && context.in_program_of(creation, other)
            && same_pipe(other, creation, context)
    });
    // A server that made its first instance with the flag creates the later ones without it.
    let later_instance = servers_in_program
        .clone()
        .any(|other| other.first_pipe_instance == Some(true));
    // Without any claim, only the program's first creation of a pipe is reported: the later
    // ones are its further instances, which must not claim it. The library's creations come
    // before a program's own (the library's first is reported with the library's code).
    let earlier_unclaimed = servers_in_program.any(|other| {
        !context.in_program_of(other, creation)
            || (other.file, other.call.start) < (creation.file, creation.call.start)
    });
    if later_instance || earlier_unclaimed {
        return;
    }
    // The claim is made where the call takes it: a flag in `dwOpenMode`, or a builder method.
    let (help, limit) = if creation.api.open_mode_arg.is_some() {
        (
            "add `FILE_FLAG_FIRST_PIPE_INSTANCE` to `dwOpenMode` when creating the first instance, and treat `ERROR_ACCESS_DENIED` as \"someone else owns this pipe\"",
            "`nMaxInstances` 1",
        )
    } else {
        (
            "call `.first_pipe_instance(true)` on the options of the first instance, and treat its error as \"someone else owns this pipe\"",
            "`.max_instances(1)`",
        )
    };
    let mut diagnostic = Diagnostic::new(
        &LINT,
        creation.callee,
        "named pipe server created without claiming the first instance".to_owned(),
        "joins an existing pipe of this name instead of failing".to_owned(),
    )
    .with_help(help.to_owned(), None)
    .with_note(format!(
        "if another process created the pipe first, `{}` succeeds as one more instance: {} (see {})",
        creation.api.name,
        creation.api.kept_from_existing(None),
        creation.api.reference
    ));
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

/// Whether two creations name the same pipe: the same resolved name, or the same value in the
/// argument — the same text once borrows, `self.` and conversions are left out, so a server
/// that stores the name its first instance claimed (`addr` in `new`, `&self.addr` in `accept`)
/// is one pipe.
fn same_pipe(one: &Creation, other: &Creation, context: &LintContext) -> bool {
    if let (ObjectName::Known(left), ObjectName::Known(right)) = (&one.name, &other.name) {
        return left.value == right.value;
    }
    let text = |creation: &Creation| {
        context.files.get(creation.file).map(|file| {
            let text: String = file.slice(creation.name_arg).split_whitespace().collect();
            value_of(&text).to_owned()
        })
    };
    text(one).is_some() && text(one) == text(other)
}

/// A name argument's text without what does not change the value: leading `&` and `self.`,
/// and trailing borrowing conversions.
fn value_of(mut text: &str) -> &str {
    const CONVERSIONS: &[&str] = &[
        ".as_str()",
        ".as_os_str()",
        ".as_ref()",
        ".as_path()",
        ".clone()",
        ".to_owned()",
    ];
    loop {
        let before = text;
        text = text.trim_start_matches('&').trim_start_matches("self.");
        for conversion in CONVERSIONS {
            text = text.strip_suffix(conversion).unwrap_or(text);
        }
        if text == before {
            return text;
        }
    }
}
