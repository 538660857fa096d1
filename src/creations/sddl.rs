//! Reading a security descriptor string (SDDL) for what lets other users and programs open the
//! object it protects: a null DACL, an allow ACE for a group every user is in, or a low or
//! untrusted integrity label.
//!
//! The format is Microsoft's "Security Descriptor String Format"
//! (<https://learn.microsoft.com/windows/win32/secauthz/security-descriptor-string-format>),
//! its ACEs are "ACE Strings" (`…/secauthz/ace-strings`) and its trustees "SID Strings"
//! (`…/secauthz/sid-strings`).

/// The groups whose allow ACE opens the object to other users or to other programs of any
/// user: each as its SDDL alias, its SID and its name.
const WORLD_TRUSTEES: [(&str, &str, &str); 6] = [
    ("WD", "S-1-1-0", "Everyone"),
    ("AN", "S-1-5-7", "Anonymous Logon"),
    ("AU", "S-1-5-11", "Authenticated Users"),
    ("BU", "S-1-5-32-545", "Users"),
    ("IU", "S-1-5-4", "Interactive Users"),
    // Every AppContainer process: a descriptor grants it to let sandboxed programs in.
    ("AC", "S-1-15-2-1", "All Application Packages"),
];

/// The integrity labels below the medium level of a user's programs: a process at that level
/// (a sandboxed browser, a plugin host) may then open the object too.
const LOW_LABELS: [(&str, &str); 3] = [
    ("LW", "a low"),
    ("S-1-16-4096", "a low"),
    ("S-1-16-0", "an untrusted"),
];

/// What in `sddl` lets other users or programs open the object, said as a note says it (`an
/// allow ACE for Everyone (`WD`)`), or `None` when it grants nothing of the kind. An allow ACE
/// counts whatever rights it grants: even read access is access by name.
pub fn world_access(sddl: &str) -> Option<String> {
    let sections = sections(sddl);
    let dacl = sections.iter().find(|(tag, _)| *tag == 'D');
    if let Some((_, dacl)) = dacl {
        let flags = &dacl[..dacl.find('(').unwrap_or(dacl.len())];
        if flags.to_ascii_uppercase().contains("NO_ACCESS_CONTROL") {
            return Some("a null DACL (`NO_ACCESS_CONTROL`), which lets anyone open it".to_owned());
        }
        for ace in aces(dacl) {
            let allows = matches!(ace.kind.as_str(), "A" | "OA" | "XA" | "ZA");
            let trustee = WORLD_TRUSTEES
                .iter()
                .find(|(alias, sid, _)| ace.trustee == *alias || ace.trustee == *sid);
            if let (true, Some((_, _, name))) = (allows, trustee) {
                return Some(format!("an allow ACE for {name} (`{}`)", ace.trustee));
            }
        }
    }
    let sacl = sections.iter().find(|(tag, _)| *tag == 'S');
    for ace in sacl.map(|(_, sacl)| aces(sacl)).unwrap_or_default() {
        let label = LOW_LABELS.iter().find(|(sid, _)| ace.trustee == *sid);
        if let (true, Some((_, level))) = (ace.kind == "ML", label) {
            return Some(format!("{level} integrity label (`{}`)", ace.trustee));
        }
    }
    None
}

/// One ACE's type and trustee, upper-cased.
struct Ace {
    kind: String,
    trustee: String,
}

/// The `O:`, `G:`, `D:` and `S:` components of `sddl`, each with its text after the colon.
/// A tag is a letter and a colon outside parentheses (a SID is `S-…`, never `S:`).
fn sections(sddl: &str) -> Vec<(char, &str)> {
    let bytes = sddl.as_bytes();
    let mut starts = Vec::new();
    let mut depth = 0_usize;
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b':' if depth == 0 && at > 0 => {
                let tag = char::from(bytes[at - 1]).to_ascii_uppercase();
                if matches!(tag, 'O' | 'G' | 'D' | 'S') {
                    starts.push((tag, at - 1));
                }
            }
            _ => {}
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(index, &(tag, start))| {
            let end = starts.get(index + 1).map_or(sddl.len(), |&(_, next)| next);
            (tag, sddl[start + 2..end].trim())
        })
        .collect()
}

/// The ACEs of an ACL component: `(type;flags;rights;object;inherited object;trustee)`.
fn aces(acl: &str) -> Vec<Ace> {
    let mut found = Vec::new();
    let mut rest = acl;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        let fields: Vec<&str> = rest[open + 1..open + close].split(';').collect();
        if let (Some(kind), Some(trustee)) = (fields.first(), fields.get(5)) {
            found.push(Ace {
                kind: kind.trim().to_ascii_uppercase(),
                trustee: trustee.trim().to_ascii_uppercase(),
            });
        }
        rest = &rest[open + close + 1..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::world_access;

    #[test]
    fn groups_every_user_is_in_and_low_labels_open_the_object() {
        for (sddl, why) in [
            ("D:(A;;GA;;;WD)", "an allow ACE for Everyone (`WD`)"),
            (
                "D:P(A;;GA;;;SY)(A;;GR;;;AU)",
                "an allow ACE for Authenticated Users (`AU`)",
            ),
            (
                "D:(A;OICI;GA;;;S-1-1-0)",
                "an allow ACE for Everyone (`S-1-1-0`)",
            ),
            ("d:(a;;ga;;;bu)", "an allow ACE for Users (`BU`)"),
            (
                "O:BAD:(A;;GA;;;AN)",
                "an allow ACE for Anonymous Logon (`AN`)",
            ),
            (
                "D:(A;;GA;;;BA)S:(ML;;NW;;;LW)",
                "a low integrity label (`LW`)",
            ),
            (
                "S:(ML;;NW;;;S-1-16-0)",
                "an untrusted integrity label (`S-1-16-0`)",
            ),
        ] {
            assert_eq!(world_access(sddl).as_deref(), Some(why), "{sddl}");
        }
        assert!(world_access("D:NO_ACCESS_CONTROL").is_some());
    }

    #[test]
    fn the_owner_system_and_administrators_do_not() {
        for sddl in [
            "D:P(A;;GA;;;SY)(A;;GA;;;BA)",
            "D:(A;;GA;;;OW)",
            "D:",
            "D:(D;;GA;;;WD)(A;;GA;;;SY)",
            "O:WDG:WD",
            "D:(A;;GA;;;BA)S:(ML;;NW;;;ME)",
            "D:(A;;GA;;;S-1-5-21-1-2-3-1001)",
            "",
            "not an SDDL string",
        ] {
            assert_eq!(world_access(sddl), None, "{sddl}");
        }
    }
}
