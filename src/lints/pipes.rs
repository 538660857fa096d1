//! Which creations of a package are servers of one pipe in one program: the lints judge a pipe
//! by its first instance, and a server's later instances by the first.

use crate::catalogue::apis::ObjectKind;
use crate::creations::Creation;
use crate::lints::lint::LintContext;
use crate::names::unique;
use crate::names::{ObjectName, WRITTEN_GUID};

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
/// A probe's claim counts (see [`held_by_another`] for whether it still holds the pipe).
pub fn claimed_by_another(creation: &Creation, context: &LintContext) -> bool {
    claimed_where(creation, context, |_| true)
}

/// Whether another server of the pipe `creation` creates, in its program, claims the first
/// instance and is still open when `creation` is made.
///
/// A claimed server the code drops at once (a probe) holds the pipe only inside the statement
/// that drops it: "the pipe exists as long as a server or client process has an open handle to
/// the pipe" (`DisconnectNamedPipe`, Microsoft's Win32 documentation), so an instance made after
/// it is a first instance again, unclaimed.
pub fn held_by_another(creation: &Creation, context: &LintContext) -> bool {
    claimed_where(creation, context, |claim| open_at(claim, creation))
}

fn claimed_where(
    creation: &Creation,
    context: &LintContext,
    holds: impl Fn(&Creation) -> bool,
) -> bool {
    is_server(creation)
        && creation.first_pipe_instance != Some(true)
        && context.creations.iter().any(|other| {
            // The cheap tests first: a package can hold thousands of creations.
            other.first_pipe_instance == Some(true)
                && holds(other)
                && is_server(other)
                && context.in_program_of(creation, other)
                && same_pipe(other, creation, context)
        })
}

/// A server of the pipe `creation` creates, in its program, that claims the first instance
/// and is dropped at once: a probe whose claim has ended when `creation` joins the pipe. Names
/// objlint cannot read whole are the same pipe only when built the same way (see
/// [`crate::names::NameIr::shape`]), never by their argument's text alone: the program's
/// probe is then what says the name is not one nobody can guess.
pub fn dropped_claim<'a>(
    creation: &Creation,
    context: &'a LintContext<'a>,
) -> Option<&'a Creation> {
    context
        .creations
        .iter()
        .filter(|other| {
            other.first_pipe_instance == Some(true)
                && other.dropped.is_some()
                && !open_at(other, creation)
                && is_server(other)
                && context.in_program_of(creation, other)
                && same_probed_pipe(other, creation, context)
        })
        .min_by_key(|other| (other.file, other.call.start))
}

fn same_probed_pipe(probe: &Creation, creation: &Creation, context: &LintContext) -> bool {
    let unread = |name: &ObjectName| matches!(name, ObjectName::Unknown | ObjectName::Param(_));
    if unread(&probe.name) || unread(&creation.name) {
        return probe.name_shape.is_some() && probe.name_shape == creation.name_shape;
    }
    match &probe.name {
        ObjectName::Unnamed => false,
        ObjectName::Unique(what) if what != WRITTEN_GUID => false,
        _ => same_pipe(probe, creation, context),
    }
}

/// Whether the claimed server `claim` is still open where `creation` is made: a server kept
/// in a variable, or one dropped at once whose statement holds `creation`.
fn open_at(claim: &Creation, creation: &Creation) -> bool {
    claim
        .dropped
        .is_none_or(|statement| claim.file == creation.file && statement.contains(creation.call))
}

fn is_server(creation: &Creation) -> bool {
    creation.api.kind == ObjectKind::NamedPipe && !creation.api.opens_existing
}

/// Whether two creations name the same pipe: the same resolved name, or, when neither name is
/// resolved, the same value in the argument — the same text once borrows, `self.` and
/// conversions are left out, so a server that stores the name its first instance claimed
/// (`addr` in `new`, `&self.addr` in `accept`) is one pipe. A resolved name is compared with
/// resolved names only: a caller's `start(path)` that gives the name to a chain of the crate's
/// functions is not the same pipe as the `serve(path)` inside one of them, whose name is its
/// parameter, because both arguments are called `path`.
fn same_pipe(one: &Creation, other: &Creation, context: &LintContext) -> bool {
    match (&one.name, &other.name) {
        (ObjectName::Known(left), ObjectName::Known(right)) => {
            return unique::pipe_identity(&left.value) == unique::pipe_identity(&right.value);
        }
        (ObjectName::Known(_), _) | (_, ObjectName::Known(_)) => return false,
        _ => {}
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
