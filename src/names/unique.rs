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
/// kernel object name, or the `\\.\pipe\` of a pipe path ("Pipe Names", Microsoft's Win32
/// documentation: the pipe name is what follows it). A pipe path may start `\\?\pipe\` too:
/// both `\\.\` and `\\?\` lead to the NT namespace's `Global??` directory, where `pipe` is the
/// named-pipe device ("Naming Files, Paths, and Namespaces": Win32 File and Device Namespaces).
pub fn split_object_name(kind: ObjectKind, name: &str) -> (&str, &str) {
    if kind == ObjectKind::NamedPipe {
        let bytes = name.as_bytes();
        let local = bytes.len() >= 9
            && (bytes[..4] == *br"\\.\" || bytes[..4] == *br"\\?\")
            && bytes[4..9].eq_ignore_ascii_case(br"pipe\");
        // The prefix is ASCII, so byte 9 is a character boundary.
        return if local { name.split_at(9) } else { ("", name) };
    }
    split_namespace(name)
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
            split_object_name(ObjectKind::Mutex, r"Global\x"),
            (r"Global\", "x")
        );
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
