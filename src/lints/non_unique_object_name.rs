//! `non_unique_object_name`: a named kernel object whose name has no unique part.

use crate::catalogue::apis::ObjectKind;
use crate::creations::Creation;
use crate::lints::diagnostic::{quoted, Applicability, Diagnostic, Suggestion};
use crate::lints::labels;
use crate::lints::lint::{Level, Lint, LintContext, Subject};
use crate::lints::pipes;
use crate::names::unique;
use crate::names::{mandated, KnownName, Literal, ObjectName};

pub static LINT: Lint = Lint {
    name: "non_unique_object_name",
    default_level: Level::Deny,
    summary: "named kernel object with a name another program may already use",
    docs: include_str!("../../lints/non_unique_object_name.md"),
    subject: Subject::Name,
};

pub fn check(creation: &Creation, context: &LintContext, acc: &mut Vec<Diagnostic>) {
    let ObjectName::Known(name) = &creation.name else {
        return;
    };
    let (_, name_proper) = unique::split_object_name(creation.api.kind, &name.value);
    if unique::contains_guid(name_proper) {
        return;
    }
    // Another program defines this name: a unique one would not reach it.
    if mandated::find(creation.api.kind, &name.value).is_some() {
        return;
    }
    // A later instance of a pipe another server of its program claims: no squatter can have
    // created the pipe before it without making that claim fail first, so the risk and the fix
    // are the claiming creation's, whose finding names the pipe. A probe's claim counts: the
    // probe's finding names the pipe, and the race after it is `pipe_first_instance_missing`'s.
    if pipes::claimed_by_another(creation, context) {
        return;
    }
    let noun = creation.api.kind.noun();
    let mut diagnostic = Diagnostic::new(
        &LINT,
        creation.name_arg,
        format!("{noun} name {} has no unique part", quoted(&name.value)),
        "another program may already use this name".to_owned(),
    )
    .with_object_name(name.value.clone());
    diagnostic = labels::label_literals(diagnostic, creation, context, name);
    diagnostic = labels::label_returned(diagnostic, creation, context, name);
    diagnostic = labels::label_set_by(diagnostic, creation, context, name);
    diagnostic = labels::label_via(diagnostic, creation, context);
    diagnostic = with_fix(diagnostic, creation, context, name).with_help(
        "if another program defines this name, list it in `shared-names` in objlint.toml \
         (`--explain non_unique_object_name`)"
            .to_owned(),
        None,
    );
    if !name.predictable.is_empty() {
        diagnostic = diagnostic.with_note(format!(
            "the name's computed parts are predictable too: {}",
            name.predictable.join(", ")
        ));
    }
    // The creator means other programs to open the object by name: the name is an interface,
    // and the finding is capped at warn (see `policy::finish`).
    if let Some((at, why)) = creation.published() {
        diagnostic = diagnostic.with_secondary(
            at,
            format!("the object's security descriptor is made here, with {why}"),
        );
        diagnostic.published = true;
    }
    acc.push(diagnostic.with_note(consequence(creation)));
}

/// What happens when another program created the name first.
fn consequence(creation: &Creation) -> String {
    // Through the crate's own function, it is the creation that function ends in that opens,
    // with the arguments it passes.
    let called = creation.via.as_ref().map_or(&creation.api, |via| &via.api);
    let api = &called.name;
    let reference = &creation.api.reference;
    match (creation.api.kind, creation.first_pipe_instance) {
        (ObjectKind::NamedPipe, Some(true)) => format!(
            "if another program created a pipe of this name first, `{api}` fails (it claims the \
             first instance) and this server cannot start: anyone can cause that by picking the \
             same name (see {reference})"
        ),
        (ObjectKind::NamedPipe, Some(false)) => format!(
            "if another program created a pipe of this name first, `{api}` adds an instance to it: \
             {} (see {reference})",
            called.kept_from_existing(None)
        ),
        // The arguments that would say whether the call claims the first instance are not
        // literals (a `dwOpenMode` variable, `.first_pipe_instance(claim)`).
        (ObjectKind::NamedPipe, None) => format!(
            "if another program created a pipe of this name first, `{api}` either fails, if its \
             arguments claim the first instance, and this server cannot start, or adds an \
             instance to it: {} (see {reference})",
            called.kept_from_existing(None)
        ),
        (kind, _) => format!(
            "if another program created {} of this name first, `{api}` opens it instead: {} \
             (see {reference})",
            kind.with_article(),
            called.kept_from_existing(creation.initially_owned)
        ),
    }
}

/// The help with the suggested name: the last literal of the name gets `-<GUID>` appended, in
/// the same form (prefix, escapes, terminator).
fn with_fix(
    diagnostic: Diagnostic,
    creation: &Creation,
    context: &LintContext,
    name: &KnownName,
) -> Diagnostic {
    let help = "append a GUID so that no other program picks the same name";
    let guid = unique::suggested_guid(context.package, &name.value);
    let Some(literal) = name
        .fix_literal()
        .filter(|literal| literal.file == creation.file)
    else {
        return diagnostic.with_help(format!("{help}, such as `-{guid}`"), None);
    };
    let Some(replacement) =
        unique::append_to_literal(context.file.slice(literal.span), &format!("-{guid}"))
    else {
        return diagnostic.with_help(format!("{help}, such as `-{guid}`"), None);
    };
    let shown = shown_replacement(creation, context, literal, &replacement);
    diagnostic.with_help(
        format!("{help}: {}", quoted(&shown)),
        Some(Suggestion {
            span: literal.span,
            replacement,
            // Every other use of the name (its openers) must change with it.
            applicability: Applicability::MaybeIncorrect,
        }),
    )
}

/// The code around the literal as it would read after the fix: the name argument when the
/// literal is written inside it, else the string macro holding it (`w!("Name-…")`), else the
/// new literal alone.
fn shown_replacement(
    creation: &Creation,
    context: &LintContext,
    literal: &Literal,
    replacement: &str,
) -> String {
    let around = if creation.name_arg.contains(literal.span) {
        creation.name_arg
    } else {
        match literal.macro_call {
            Some(macro_call) if macro_call.contains(literal.span) => macro_call,
            _ => literal.span,
        }
    };
    let text = context.file.slice(around);
    let start = literal.span.start - around.start;
    let end = literal.span.end - around.start;
    format!("{}{replacement}{}", &text[..start], &text[end..])
}
