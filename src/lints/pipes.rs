//! Which creations of a package are servers of one pipe in one program: the lints judge a pipe
//! by its first instance, and a server's later instances by the first.

use crate::catalogue::apis::ObjectKind;
use crate::creations::Creation;
use crate::lints::lint::LintContext;
use crate::names::unique;
use crate::names::ObjectName;

/// The creations (servers, not openers) of the pipe `creation` creates that can be part of its
/// program, `creation` itself among them. Each example, test and binary is a program of its
/// own, which the library is part of.
pub fn servers_in_program<'a>(
    creation: &'a Creation,
    context: &'a LintContext<'a>,
) -> impl Iterator<Item = &'a Creation> + 'a {
    context.creations.iter().filter(move |other| {
        is_server(other)
            && context.in_program_of(creation, other)
            && same_pipe(other, creation, context)
    })
}

/// Whether another server of the pipe `creation` creates, in its program, claims the first
/// instance: then `creation`, which does not, is one of that server's later instances (a
/// server that made its first instance with the claim creates the later ones without it).
pub fn claimed_by_another(creation: &Creation, context: &LintContext) -> bool {
    is_server(creation)
        && creation.first_pipe_instance != Some(true)
        && context.creations.iter().any(|other| {
            // The cheap tests first: a package can hold thousands of creations.
            other.first_pipe_instance == Some(true)
                && is_server(other)
                && context.in_program_of(creation, other)
                && same_pipe(other, creation, context)
        })
}

fn is_server(creation: &Creation) -> bool {
    creation.api.kind == ObjectKind::NamedPipe && !creation.api.opens_existing
}

/// Whether two creations name the same pipe: the same resolved name, or the same value in the
/// argument — the same text once borrows, `self.` and conversions are left out, so a server
/// that stores the name its first instance claimed (`addr` in `new`, `&self.addr` in `accept`)
/// is one pipe.
fn same_pipe(one: &Creation, other: &Creation, context: &LintContext) -> bool {
    if let (ObjectName::Known(left), ObjectName::Known(right)) = (&one.name, &other.name) {
        return pipe_name(&left.value).eq_ignore_ascii_case(pipe_name(&right.value));
    }
    let text = |creation: &Creation| {
        context.files.get(creation.file).map(|file| {
            let text: String = file.slice(creation.name_arg).split_whitespace().collect();
            value_of(&text).to_owned()
        })
    };
    text(one).is_some() && text(one) == text(other)
}

/// The pipe's name after its `\\.\pipe\` (or `\\?\pipe\`): the two forms name one pipe, and
/// pipe names are not case-sensitive ("Pipe Names", Microsoft's Win32 documentation).
fn pipe_name(path: &str) -> &str {
    unique::split_object_name(ObjectKind::NamedPipe, path).1
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
