//! `non_unique_object_name`: a named kernel object whose name has no unique part.

use crate::creations::Creation;
use crate::diagnostic::{quoted, Applicability, Diagnostic, Suggestion};
use crate::lints::{Level, Lint, LintContext};
use crate::names::{NameLiteral, ObjectName};
use crate::unique;

pub(crate) static LINT: Lint = Lint {
    name: "non_unique_object_name",
    default_level: Level::Deny,
    summary: "named kernel object with a name another program may already use",
    docs: include_str!("../../lints/non_unique_object_name.md"),
    check,
};

fn check(creation: &Creation, context: &LintContext, acc: &mut Vec<Diagnostic>) {
    let ObjectName::Literal(name) = &creation.name else {
        return;
    };
    if unique::has_guid(&name.value) {
        return;
    }
    let noun = creation.api.kind.noun();
    let mut diagnostic = Diagnostic::new(
        &LINT,
        creation.name_arg,
        format!("{noun} name {} has no unique part", quoted(&name.value)),
        "another program may already use this name".to_owned(),
    );
    if !creation.name_arg.contains(name.span) {
        let defined_by = name.binding.as_ref().map_or_else(
            || "the name".to_owned(),
            |binding| format!("the name of {binding}"),
        );
        diagnostic = diagnostic.with_secondary(name.span, format!("{defined_by} is set here"));
    }
    let guid = unique::suggested_guid(context.package, &name.value);
    let literal = context.file.slice(name.span);
    let help = "append a GUID so that no other program picks the same name".to_owned();
    diagnostic = match unique::append_to_literal(literal, &format!("-{guid}")) {
        Some(replacement) => diagnostic.with_help(
            format!(
                "{help}: `{}`",
                shown_replacement(creation, context, name, &replacement)
            ),
            Some(Suggestion {
                span: name.span,
                replacement,
                // Every other use of the name (its openers) must change with it.
                applicability: Applicability::MaybeIncorrect,
            }),
        ),
        None => diagnostic.with_help(format!("{help}, such as `-{guid}`"), None),
    };
    acc.push(diagnostic.with_note(format!(
        "if another program created {object} of this name first, `{api}` opens it instead: {kept} \
         (see {reference})",
        object = creation.api.kind.with_article(),
        api = creation.api.name,
        kept = creation.api.kind.kept_from_existing(),
        reference = creation.api.reference,
    )));
}

/// The code around the literal as it would read after the fix: the name argument when the
/// literal is written inside it, else the string macro holding it (`w!("Name-…")`), else the
/// new literal alone.
fn shown_replacement(
    creation: &Creation,
    context: &LintContext,
    name: &NameLiteral,
    replacement: &str,
) -> String {
    let around = if creation.name_arg.contains(name.span) {
        creation.name_arg
    } else {
        match name.macro_call {
            Some(macro_call) if macro_call.contains(name.span) => macro_call,
            _ => name.span,
        }
    };
    let text = context.file.slice(around);
    let start = name.span.start - around.start;
    let end = name.span.end - around.start;
    format!("{}{replacement}{}", &text[..start], &text[end..])
}
