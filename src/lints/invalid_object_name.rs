//! `invalid_object_name`: a literal name that cannot work as intended.

use crate::catalogue::apis::{ObjectKind, Origin};
use crate::creations::Creation;
use crate::lints::diagnostic::{quoted, Diagnostic};
use crate::lints::labels;
use crate::lints::lint::{Level, Lint, LintContext, Subject};
use crate::names::unique;
use crate::names::{KnownName, ObjectName, StrPointer};

pub static LINT: Lint = Lint {
    name: "invalid_object_name",
    default_level: Level::Deny,
    summary: "object name that cannot work: misspelled namespace, backslash, too long, no NUL, or two kinds",
    docs: include_str!("../../lints/invalid_object_name.md"),
    subject: Subject::Name,
};

/// `MAX_PATH`: the longest name the object manager accepts for these objects.
const MAX_PATH: usize = 260;

pub fn check(creation: &Creation, context: &LintContext, acc: &mut Vec<Diagnostic>) {
    if let Some(pointer) = &creation.str_pointer {
        acc.push(str_pointer_finding(creation, context, pointer));
        return;
    }
    let ObjectName::Known(name) = &creation.name else {
        return;
    };
    let Some(problem) = problem(creation, context, name) else {
        return;
    };
    let diagnostic = Diagnostic::new(
        &LINT,
        creation.name_arg,
        format!(
            "{} name {} {problem}",
            creation.api.kind.noun(),
            quoted(&name.value)
        ),
        "this name does not work as intended".to_owned(),
    )
    .with_object_name(name.value.clone());
    let diagnostic = labels::label_literals(diagnostic, creation, context, name);
    acc.push(
        labels::label_via(diagnostic, creation, context).with_note(format!(
            "see \"Kernel object namespaces\" and {}",
            creation.api.reference
        )),
    );
}

fn problem(creation: &Creation, context: &LintContext, name: &KnownName) -> Option<String> {
    if name.missing_terminator() {
        return Some(
            "is passed as a raw pointer to a buffer without a NUL terminator: the API reads past \
             its end (add `\\0`, or `.chain(Some(0))` before `collect`)"
                .to_owned(),
        );
    }
    if name.value.chars().count() > MAX_PATH {
        return Some(format!(
            "is longer than MAX_PATH ({MAX_PATH} characters): the call fails"
        ));
    }
    if creation.api.kind == ObjectKind::NamedPipe {
        return pipe_problem(creation, name);
    }
    if let Some(problem) = namespace_problem(&name.value, creation, context) {
        return Some(problem);
    }
    other_kind(creation, context, name)
}

/// A raw pointer to a Rust string's bytes as the name: whatever the string holds, nothing ends
/// it where its text does (and a UTF-16 read garbles it), so the finding stands for a name
/// objlint cannot read as well.
fn str_pointer_finding(
    creation: &Creation,
    context: &LintContext,
    pointer: &StrPointer,
) -> Diagnostic {
    let noun = creation.api.kind.noun();
    let subject = match &creation.name {
        ObjectName::Known(name) => format!("{noun} name {}", quoted(&name.value)),
        _ => format!("{noun} name"),
    };
    let problem = if pointer.wide {
        format!(
            "is a Rust string's bytes passed as a UTF-16 pointer: `{}` reads its UTF-8 as \
             UTF-16 characters, which garbles the name, and no 16-bit NUL ends it (pass an \
             `HSTRING`, or `encode_utf16()` with `.chain(once(0))`)",
            creation.api.name
        )
    } else {
        "is a raw pointer to a Rust string's bytes, which no NUL ends: the API reads past its \
         end, so the object is named by whatever bytes follow, or the call fails (pass a \
         `CString`, or write `\\0` into the string)"
            .to_owned()
    };
    let mut diagnostic = Diagnostic::new(
        &LINT,
        creation.name_arg,
        format!("{subject} {problem}"),
        "this name has no NUL terminator".to_owned(),
    );
    if let ObjectName::Known(name) = &creation.name {
        diagnostic = labels::label_literals(
            diagnostic.with_object_name(name.value.clone()),
            creation,
            context,
            name,
        );
    }
    labels::label_via(diagnostic, creation, context).with_note(format!(
        "a `String` or `&str` holds its text alone, with no terminator after it (see {})",
        creation.api.reference
    ))
}

/// A pipe path with no pipe prefix, where the API is given the path itself.
fn pipe_problem(creation: &Creation, name: &KnownName) -> Option<String> {
    // Through the crate's own functions, the pipe is the one their creation makes.
    let called = creation.via.as_ref().map_or(&creation.api, |via| &via.api);
    let raw_path =
        matches!(called.origin, Origin::Win32) || called.name.starts_with("ServerOptions");
    let (prefix, _) = unique::split_object_name(ObjectKind::NamedPipe, &name.value);
    if !(raw_path && prefix.is_empty() && name.predictable.is_empty()) {
        return None;
    }
    // `\\?\` turns normalisation off, so a `/` after it is a character of the name.
    let verbatim_slash = unique::is_verbatim(&name.value)
        && name
            .value
            .get(4..9)
            .is_some_and(|device| device.eq_ignore_ascii_case("pipe/"));
    Some(if verbatim_slash {
        "is not a pipe path: a path starting `\\\\?\\` is not normalised, so its `/` is no \
         separator: write `\\\\?\\pipe\\` (or `\\\\.\\pipe\\`, `//./pipe/`)"
            .to_owned()
    } else {
        "is not a pipe path: it must start with `\\\\.\\pipe\\` (or `\\\\?\\pipe\\`)".to_owned()
    })
}

/// A misspelled or wrong-case namespace prefix, or a backslash in the name proper.
fn namespace_problem(value: &str, creation: &Creation, context: &LintContext) -> Option<String> {
    let (prefix, rest) = unique::split_namespace(value);
    if let Some((first, _)) = rest.split_once('\\') {
        if prefix.is_empty() {
            for namespace in ["Global", "Local", "Session"] {
                if first != namespace
                    && (first.eq_ignore_ascii_case(namespace)
                        || edit_distance(first, namespace) == 1)
                {
                    return Some(format!(
                        "starts with `{first}\\`, which is not the namespace `{namespace}\\` (prefixes are case-sensitive): the object is created in the session namespace under a name with a backslash, or the call fails"
                    ));
                }
            }
        }
        // A private namespace's alias is written before a backslash too: code of the creation's
        // program (or of a program using its crate) that calls `CreatePrivateNamespace` or
        // `OpenPrivateNamespace`; a word in a string or a comment says nothing.
        let own_crate = context
            .file_crates
            .get(creation.file)
            .copied()
            .unwrap_or("");
        let uses_private_namespaces = context.facts.private_namespace_crates.iter().any(|other| {
            context.crates.reaches(own_crate, other) || context.crates.reaches(other, own_crate)
        });
        if !uses_private_namespaces {
            return Some(format!(
                "has a backslash after {}: object names may not contain one (ERROR_PATH_NOT_FOUND)",
                if prefix.is_empty() {
                    "its start".to_owned()
                } else {
                    format!("the `{prefix}` prefix")
                }
            ));
        }
    }
    None
}

/// The same name used for an object of another kind earlier in the package: the second create
/// fails with `ERROR_INVALID_HANDLE`. Unlike a pipe's instances, this is not judged per program:
/// names are the machine's, and a package's binaries and examples often run side by side.
fn other_kind(creation: &Creation, context: &LintContext, name: &KnownName) -> Option<String> {
    let first = context.facts.first_created(&name.value)?;
    if first.api.kind == creation.api.kind {
        return None;
    }
    let file = context.files.get(first.file)?;
    let place = file.line_column(first.name_arg.start);
    Some(format!(
        "is also the name of {} created at {}:{}:{}: objects of different kinds cannot share a name, and this create fails with ERROR_INVALID_HANDLE",
        first.api.kind.with_article(),
        file.path().display(),
        place.line,
        place.column
    ))
}

/// Levenshtein distance, for short namespace words.
fn edit_distance(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (i, left_char) in left.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, right_char) in right.iter().enumerate() {
            let substitution = previous[j] + usize::from(left_char != *right_char);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[right.len()]
}
