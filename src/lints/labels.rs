//! The labels and notes several lints add to a finding: where the literals of a name are set,
//! which functions return it, which function a call passes it on to.

use std::collections::HashSet;

use crate::creations::Creation;
use crate::lints::diagnostic::Diagnostic;
use crate::lints::lint::LintContext;
use crate::names::{BindingKind, KnownName};
use crate::scan::source::ByteSpan;

/// Labels the literals a name is made of where they are not inside the name argument (a
/// `const`, a `let`), or names their place when they are in another file.
pub fn label_literals(
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
        let item = literal
            .binding
            .as_ref()
            .filter(|binding| binding.kind != BindingKind::Let);
        let set_by = match (&literal.completed_by, &literal.binding) {
            // Text a function of the crate writes around its caller's part of the name (an
            // item's text keeps the item's name: that is where to read it).
            (Some(function), _) if item.is_none() => format!("`{function}` completes the name"),
            // A lock's value until the program writes another (see [`BindingKind::Lock`]).
            (_, Some(binding)) if binding.kind == BindingKind::Lock => {
                format!("the initial name of {binding} is set")
            }
            (_, Some(binding)) => format!("the name of {binding} is set"),
            (_, None) => "the name is set".to_owned(),
        };
        // A literal inside the name argument needs no label of its own.
        if literal.file != creation.file || !creation.name_arg.contains(literal.span) {
            diagnostic = point_at(
                diagnostic,
                creation,
                context,
                (literal.file, literal.span),
                &set_by,
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
pub fn label_returned(
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

/// Points at the calls that set the `OnceCell` statics the name is read from
/// (`prepare("…")` for a static `prepare` sets from its parameter).
pub fn label_set_by(
    mut diagnostic: Diagnostic,
    creation: &Creation,
    context: &LintContext,
    name: &KnownName,
) -> Diagnostic {
    let mut seen = HashSet::new();
    for (cell, call) in &name.set_by {
        if !seen.insert((call.file, call.call)) {
            continue;
        }
        // `NAME.set("…")` around the name's literal: the literal's label names the static.
        let around_literal = name
            .literals
            .iter()
            .any(|literal| literal.file == call.file && call.call.contains(literal.span));
        if call.function.is_none() && around_literal {
            continue;
        }
        let message = match &call.function {
            Some(function) => format!("`static {cell}` is set by the call of `{function}`"),
            None => format!("`static {cell}` is set"),
        };
        diagnostic = point_at(
            diagnostic,
            creation,
            context,
            (call.file, call.call),
            &message,
        );
    }
    diagnostic
}

/// Points at the creation inside the crate function a call passes its name to.
/// Further down a chain of such functions, each call the name is passed on by.
pub fn label_via(
    mut diagnostic: Diagnostic,
    creation: &Creation,
    context: &LintContext,
) -> Diagnostic {
    let Some(via) = &creation.via else {
        return diagnostic;
    };
    let first = (via.file, via.callee, via.api_name.clone());
    for (file, callee, api_name) in std::iter::once(&first).chain(&via.further) {
        diagnostic = point_at(
            diagnostic,
            creation,
            context,
            (*file, *callee),
            &format!("the name is passed on to `{api_name}`"),
        );
    }
    diagnostic
}
