//! What makes an object name unique, and the unique name objlint suggests instead.

use std::sync::LazyLock;

use regex::Regex;
use uuid::Uuid;

use crate::catalogue::apis::ObjectKind;

/// A GUID in 8-4-4-4-12 form, braces optional, any case.
static GUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
        .expect("the GUID pattern is valid")
});

/// The kernel object namespaces a name may start with. They are part of the path the object
/// manager resolves, not of the name, so a GUID must be in what follows them; and they are
/// case-sensitive ("Kernel object namespaces", Microsoft's Win32 documentation).
const NAMESPACE_PREFIXES: &[&str] = &["Global\\", "Local\\"];

/// objlint's own UUIDv5 namespace: every suggested GUID is derived inside it.
const OBJLINT_NAMESPACE: Uuid = Uuid::from_u128(0x6f62_6a6c_696e_7400_8000_6f62_6a6c_696e);

/// Splits a name into its namespace prefix (`Global\`, `Local\`, or `Session\<n>\`) and the rest.
pub fn split_namespace(name: &str) -> (&str, &str) {
    for prefix in NAMESPACE_PREFIXES {
        if let Some(rest) = name.strip_prefix(prefix) {
            return name.split_at(name.len() - rest.len());
        }
    }
    if let Some(rest) = name.strip_prefix("Session\\") {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with('\\') {
            return name.split_at("Session\\".len() + digits + 1);
        }
    }
    ("", name)
}

/// Splits an object's name into what locates it and the name proper: the namespace prefix of a
/// kernel object name, or the pipe prefix of a pipe path (see [`pipe_prefix_len`]).
pub fn split_object_name(kind: ObjectKind, name: &str) -> (&str, &str) {
    if kind == ObjectKind::NamedPipe {
        // The prefix is ASCII, so its end is a character boundary.
        return name.split_at(pipe_prefix_len(name));
    }
    split_namespace(name)
}

/// The length of a pipe path's `\\.\pipe\` prefix, or 0 when it has none ("Pipe Names",
/// Microsoft's Win32 documentation: the pipe name is what follows it). A pipe path may start
/// `\\?\pipe\` too: both `\\.\` and `\\?\` lead to the NT namespace's `Global??` directory,
/// where `pipe` is the named-pipe device ("Naming Files, Paths, and Namespaces": Win32 File and
/// Device Namespaces). Forward slashes are separators as well (`//./pipe/app`): the Windows API
/// converts `/` to `\` while normalising a path, except in one that starts exactly `\\?\`,
/// which is passed on unparsed ("Naming Files, Paths, and Namespaces"; .NET's "File path formats
/// on Windows systems", "Canonicalize separators" and "Skip normalization"). After `\\?\`,
/// `pipe/` names no device, so only `\\?\pipe\` is that form's prefix.
pub fn pipe_prefix_len(name: &str) -> usize {
    let bytes = name.as_bytes();
    if bytes.len() < 9 || !bytes[4..8].eq_ignore_ascii_case(b"pipe") {
        return 0;
    }
    let separator = |index: usize| matches!(bytes[index], b'\\' | b'/');
    let prefix = if is_verbatim(name) {
        bytes[8] == b'\\'
    } else {
        [0, 1, 3, 8].into_iter().all(separator) && matches!(bytes[2], b'.' | b'?')
    };
    if prefix {
        9
    } else {
        0
    }
}

/// Whether a path starts exactly `\\?\`: the Windows API passes it on without normalising it.
pub fn is_verbatim(path: &str) -> bool {
    path.starts_with(r"\\?\")
}

/// What identifies a pipe among others: its name proper with the separators the API normalises
/// made backslashes, in lowercase (pipe names are not case-sensitive, "Pipe Names"). A name
/// without a pipe prefix (a wrapper's, which adds it) is taken whole.
pub fn pipe_identity(path: &str) -> String {
    let proper = split_object_name(ObjectKind::NamedPipe, path).1;
    let proper = if is_verbatim(path) {
        proper.to_owned()
    } else {
        proper.replace('/', "\\")
    };
    proper.to_lowercase()
}

/// Whether a name proper (after [`split_object_name`]) holds a GUID.
pub fn contains_guid(name_proper: &str) -> bool {
    GUID.is_match(name_proper)
}

/// The stable GUID objlint appends to `name`: a UUIDv5 of the package and the name after its
/// namespace prefix, so every run and every use of the name in one package agree on it.
pub fn suggested_guid(package: &str, name: &str) -> Uuid {
    let base = split_namespace(name).1;
    Uuid::new_v5(&OBJLINT_NAMESPACE, format!("{package}\0{base}").as_bytes())
}

/// Rewrites the source text of a string literal so that its value gets `-<guid>` appended,
/// keeping its form: prefix (`b`, `c`, `r#`), escapes and a trailing `\0` terminator.
/// Returns `None` for text that is not a string literal objlint can rewrite.
pub fn append_to_literal(literal: &str, suffix: &str) -> Option<String> {
    let open = literal.find('"')?;
    let close = literal.rfind('"')?;
    if close <= open {
        return None;
    }
    let (head, tail) = (&literal[..=open], &literal[close..]);
    let body = &literal[open + 1..close];
    let is_raw = literal[..open].contains('r');
    let terminator = if is_raw {
        body.len() - body.trim_end_matches('\0').len()
    } else {
        ["\\0", "\\x00", "\\u{0}", "\\u{00}", "\\u{000}", "\\u{0000}"]
            .iter()
            .find(|terminator| body.ends_with(*terminator))
            .map_or(0, |terminator| terminator.len())
    };
    let (content, nul) = body.split_at(body.len() - terminator);
    Some(format!("{head}{content}{suffix}{nul}{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_guid(name: &str) -> bool {
        contains_guid(split_namespace(name).1)
    }

    #[test]
    fn guid_after_the_prefix() {
        assert!(has_guid(
            "Global\\app-{6F9619FF-8B86-D011-B42D-00C04FC964FF}"
        ));
        assert!(has_guid("6f9619ff-8b86-d011-b42d-00c04fc964ff"));
        assert!(!has_guid("Global\\MyFileMapping"));
        assert!(!has_guid("6f9619ff8b86d011b42d00c04fc964ff"));
    }

    #[test]
    fn pipe_names_follow_the_pipe_prefix() {
        assert_eq!(
            split_object_name(ObjectKind::NamedPipe, r"\\.\PIPE\x"),
            (r"\\.\PIPE\", "x")
        );
        assert_eq!(
            split_object_name(ObjectKind::NamedPipe, r"\\?\pipe\x"),
            (r"\\?\pipe\", "x")
        );
        assert_eq!(
            split_object_name(ObjectKind::NamedPipe, r"\\?\pipes\x"),
            ("", r"\\?\pipes\x")
        );
        assert_eq!(
            split_object_name(ObjectKind::NamedPipe, "\\\\.\\pipé"),
            ("", "\\\\.\\pipé")
        );
        assert_eq!(
            split_object_name(ObjectKind::NamedPipe, "//./pipe/x"),
            ("//./pipe/", "x")
        );
        assert_eq!(
            split_object_name(ObjectKind::NamedPipe, r"\\./PIPE/x"),
            (r"\\./PIPE/", "x")
        );
        assert_eq!(
            split_object_name(ObjectKind::NamedPipe, "//?/pipe/x"),
            ("//?/pipe/", "x")
        );
        // Not normalised: `pipe/` is no device after `\\?\`.
        assert_eq!(
            split_object_name(ObjectKind::NamedPipe, r"\\?\pipe/x"),
            ("", r"\\?\pipe/x")
        );
        assert_eq!(
            split_object_name(ObjectKind::NamedPipe, "/./pipe/x"),
            ("", "/./pipe/x")
        );
        assert_eq!(
            split_object_name(ObjectKind::Mutex, r"Global\x"),
            (r"Global\", "x")
        );
    }

    #[test]
    fn one_pipe_whatever_its_separators() {
        assert_eq!(pipe_identity(r"\\.\pipe\App\Ctl"), r"app\ctl");
        assert_eq!(pipe_identity("//./pipe/App/Ctl"), r"app\ctl");
        assert_eq!(pipe_identity(r"\\?\pipe\App/Ctl"), "app/ctl");
    }

    #[test]
    fn namespace_prefixes() {
        assert_eq!(split_namespace("Local\\X"), ("Local\\", "X"));
        assert_eq!(split_namespace("Session\\2\\X"), ("Session\\2\\", "X"));
        assert_eq!(split_namespace("global\\X"), ("", "global\\X"));
    }

    #[test]
    fn literal_rewrites_keep_their_form() {
        assert_eq!(append_to_literal(r#""A\0""#, "-g").unwrap(), r#""A-g\0""#);
        assert_eq!(
            append_to_literal(r##"r#"A\B"#"##, "-g").unwrap(),
            r##"r#"A\B-g"#"##
        );
        assert_eq!(
            append_to_literal(r#"b"A\x00""#, "-g").unwrap(),
            r#"b"A-g\x00""#
        );
        assert_eq!(append_to_literal(r#"c"A""#, "-g").unwrap(), r#"c"A-g""#);
    }

    #[test]
    fn suggestions_are_stable_per_package_and_name() {
        let first = suggested_guid("app", "Global\\X");
        assert_eq!(first, suggested_guid("app", "Local\\X"));
        assert_ne!(first, suggested_guid("other", "X"));
    }
}
