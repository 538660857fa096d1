//! `--fix` end to end: renames that keep creators and openers agreeing, across the crates of a
//! workspace, without touching any other byte of a file.

use std::os::unix::fs::PermissionsExt as _;

use serde_json::Value;

use crate::cli::{manifest, objlint, Tree};

const GUID_SUFFIX_LEN: usize = 37;

/// A workspace of two crates: one creates `MyFileMapping` (with a BOM and CRLF line endings),
/// the other opens it.
fn two_crates() -> Tree {
    let creator = "\u{feff}use windows::core::w;\r\nuse windows::Win32::Foundation::*;\r\nuse windows::Win32::System::Memory::*;\r\n\r\npub fn create() {\r\n    let _m = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, w!(\"MyFileMapping\")) };\r\n    if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS {\r\n        return;\r\n    }\r\n}\r\n";
    let opener = "use windows::core::w;\nuse windows::Win32::System::Memory::{OpenFileMappingW, FILE_MAP_READ};\n\nfn main() {\n    let _m = unsafe { OpenFileMappingW(FILE_MAP_READ.0, false, w!(\"MyFileMapping\")) };\n}\n";
    Tree::new()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"creator\", \"opener\"]\n",
        )
        .file("creator/Cargo.toml", manifest("creator"))
        .file("creator/src/lib.rs", creator)
        .file("opener/Cargo.toml", manifest("opener"))
        .file("opener/src/main.rs", opener)
}

/// The spans of the suggestions `non_unique_object_name` makes in JSON output.
fn suggestion_spans(tree: &Tree) -> Vec<Value> {
    objlint(&tree.root, &["--message-format", "json"])
        .json_findings("objlint::non_unique_object_name")
        .iter()
        .flat_map(|line| {
            line["message"]["children"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .flat_map(|child| child["spans"].as_array().cloned().unwrap_or_default())
        .collect()
}

/// The name a literal `w!("MyFileMapping…")` now holds in `text`.
fn mapping_name(text: &str) -> String {
    let start = text
        .find("w!(\"MyFileMapping")
        .expect("the literal is still there")
        + 4;
    let end = start + text[start..].find('"').expect("a closing quote");
    text[start..end].to_owned()
}

#[test]
fn fix_renames_creator_and_opener_alike_and_keeps_every_other_byte() {
    let tree = two_crates();
    let creator_path = tree.path("creator/src/lib.rs");
    std::fs::set_permissions(&creator_path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let creator_before = std::fs::read(&creator_path).unwrap();

    objlint(&tree.root, &["--fix"])
        .assert_code(0)
        .assert_stderr_has("objlint: renamed 1 name(s) in 2 file(s)")
        .assert_stderr_has("no findings in 2 files checked");

    let creator_after = std::fs::read(&creator_path).unwrap();
    let creator_text = String::from_utf8(creator_after.clone()).unwrap();
    let opener_text = tree.read("opener/src/main.rs");
    let new_name = mapping_name(&creator_text);
    assert_eq!(
        new_name.len(),
        "MyFileMapping".len() + GUID_SUFFIX_LEN,
        "{new_name}"
    );
    assert_eq!(
        mapping_name(&opener_text),
        new_name,
        "the opener must follow the creator"
    );
    // Only the literal's bytes changed: the BOM, the CRLF line endings and everything else stay.
    let replaced = String::from_utf8(creator_before)
        .unwrap()
        .replace("\"MyFileMapping\"", &format!("\"{new_name}\""));
    assert_eq!(creator_text, replaced);
    assert!(creator_text.starts_with('\u{feff}') && creator_text.matches("\r\n").count() == 10);
    assert_eq!(
        std::fs::metadata(&creator_path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o640
    );
    for text in [
        creator_text.trim_start_matches('\u{feff}'),
        opener_text.as_str(),
    ] {
        syn::parse_file(text).expect("the fixed workspace still parses");
    }
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(tree.path("creator/src"))
        .unwrap()
        .collect();
    assert_eq!(leftovers.len(), 1);

    // A second run is clean and changes nothing.
    objlint(&tree.root, &["--fix"])
        .assert_code(0)
        .assert_stderr_has("objlint: renamed 0 name(s) in 0 file(s)")
        .assert_stderr_lacks("non_unique_object_name");
    assert_eq!(std::fs::read(&creator_path).unwrap(), creator_after);
    assert_eq!(tree.read("opener/src/main.rs"), opener_text);
}

#[test]
fn diff_prints_the_changes_and_writes_nothing() {
    let tree = two_crates();
    let before = tree.read("opener/src/main.rs");
    let run = objlint(&tree.root, &["--fix", "--diff"]);
    run.assert_code(1)
        .assert_stdout_has("--- a/opener/src/main.rs")
        .assert_stdout_has("+++ b/opener/src/main.rs")
        .assert_stdout_has("-    let _m = unsafe { OpenFileMappingW(FILE_MAP_READ.0, false, w!(\"MyFileMapping\")) };")
        .assert_stdout_has("+    let _m = unsafe { OpenFileMappingW(FILE_MAP_READ.0, false, w!(\"MyFileMapping-");
    assert_eq!(tree.read("opener/src/main.rs"), before);
    objlint(&tree.root, &["--diff"]).assert_code(2);
}

/// A mention objlint cannot prove is the same object makes the rename unsafe: `--fix` skips
/// it and says where; `--fix-unsafe` applies it; JSON says which suggestions are safe.
#[test]
fn names_mentioned_elsewhere_are_renamed_only_with_fix_unsafe() {
    let tree = two_crates().file(
        "docs/protocol.md",
        "The viewer opens the mapping `MyFileMapping`.\n",
    );
    let before = tree.read("creator/src/lib.rs");
    let applicability: Vec<Value> = suggestion_spans(&tree)
        .iter()
        .map(|span| span["suggestion_applicability"].clone())
        .collect();
    assert_eq!(applicability, vec![Value::from("MaybeIncorrect")]);

    objlint(&tree.root, &["--fix"])
        .assert_code(1)
        .assert_stderr_has(
            "warning: not renaming `MyFileMapping`: run with --fix-unsafe to rename it anyway",
        )
        .assert_stderr_has("docs/protocol.md:1:31: the name also appears here");
    assert_eq!(tree.read("creator/src/lib.rs"), before);

    objlint(&tree.root, &["--fix-unsafe"]).assert_code(0);
    assert_ne!(tree.read("creator/src/lib.rs"), before);
    assert_eq!(
        tree.read("docs/protocol.md"),
        "The viewer opens the mapping `MyFileMapping`.\n"
    );
}

#[test]
fn json_marks_safe_renames_machine_applicable() {
    let tree = two_crates();
    let spans = suggestion_spans(&tree);
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0]["suggestion_applicability"], "MachineApplicable");
    assert!(spans[0]["suggested_replacement"]
        .as_str()
        .unwrap()
        .starts_with("\"MyFileMapping-"));
}

/// A file that does not parse is never rewritten, even when it mentions the name.
#[test]
fn unparseable_files_are_never_rewritten() {
    let broken = "fn broken( { OpenFileMappingW(FILE_MAP_READ.0, false, w!(\"MyFileMapping\"))\n";
    let tree = two_crates().file("opener/src/broken.rs", broken);
    objlint(&tree.root, &["--fix-unsafe"]).assert_code(2);
    assert_eq!(tree.read("opener/src/broken.rs"), broken);
}

/// A pipe's name is what follows `\\.\pipe\`: a mention of that part elsewhere makes the rename
/// unsafe, however the path is written.
#[test]
fn a_pipe_name_mentioned_elsewhere_blocks_its_rename() {
    let server = "use tokio::net::windows::named_pipe::ServerOptions;\n\npub fn serve() {\n    let _ = ServerOptions::new().first_pipe_instance(true).create(r\"\\\\.\\pipe\\Telemetry\");\n}\n";
    let tree = Tree::package("pipes")
        .file("src/lib.rs", server)
        .file("README.md", "Clients connect to the `Telemetry` pipe.\n");
    objlint(&tree.root, &["--fix"])
        .assert_code(1)
        .assert_stderr_has("not renaming")
        .assert_stderr_has("README.md:1:25: the name also appears here");
    assert_eq!(tree.read("src/lib.rs"), server);
}

/// A checked file with no finding of its own still counts: a test that spells the name in a
/// string makes the rename unsafe.
#[test]
fn a_name_in_another_checked_file_blocks_its_rename() {
    let tree = two_crates().file(
        "opener/tests/names.rs",
        "#[test]\nfn name() {\n    assert_eq!(\"MyFileMapping\".len(), 13);\n}\n",
    );
    objlint(&tree.root, &["--fix"])
        .assert_code(1)
        .assert_stderr_has("opener/tests/names.rs:3:17: the name also appears here");
}

/// A name composed at run time is renamed in its template's literal, placeholders kept, only
/// with `--fix-unsafe`, and only what was written is counted.
#[test]
fn a_composed_name_gets_the_guid_in_its_template_with_fix_unsafe() {
    let source = "fn main() {\n    let name = format!(\"Local\\\\CoolApp-{}\", env!(\"CARGO_PKG_VERSION\"));\n    let _m = unsafe { CreateMutexW(None, false, &HSTRING::from(name)) };\n}\n";
    let tree = Tree::package("cool").file("src/main.rs", source);
    objlint(&tree.root, &["--fix"])
        .assert_code(1)
        .assert_stderr_has("warning: not renaming `Local\\CoolApp-0.1.0`")
        .assert_stderr_has("the name is composed at run time")
        .assert_stderr_has("objlint: renamed 0 name(s) in 0 file(s)");
    assert_eq!(
        tree.read("src/main.rs"),
        source,
        "--fix changed a composed name"
    );

    objlint(&tree.root, &["--fix-unsafe"])
        .assert_code(0)
        .assert_stderr_has("objlint: renamed 1 name(s) in 1 file(s)")
        .assert_stderr_has(
            "renamed line(s) are now longer than rustfmt's 100 columns: run `cargo fmt`",
        )
        .assert_stderr_has("objlint: no findings");
    let fixed = tree.read("src/main.rs");
    let template = fixed
        .lines()
        .nth(1)
        .expect("the format! line")
        .split('"')
        .nth(1)
        .expect("the template");
    assert!(
        template.starts_with("Local\\\\CoolApp-{}-")
            && template.len() == "Local\\\\CoolApp-{}".len() + GUID_SUFFIX_LEN,
        "the GUID goes after the template's placeholder: {fixed}"
    );
}

/// A name a function of the crate completes around its caller's part is renamed in the caller's
/// literal: the function's own literal completes every caller's name, and stays.
#[test]
fn a_name_completed_by_a_crate_function_gets_the_guid_at_the_caller() {
    let source = "fn user_lock(user: &str) {\n    let mut name = String::from(user);\n    name.push_str(\"-lock\");\n    let _m = unsafe { CreateMutexW(None, false, &HSTRING::from(name)) };\n    if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS {\n        return;\n    }\n}\n\nfn main() {\n    user_lock(\"admin\");\n}\n";
    let tree = Tree::package("locks").file("src/main.rs", source);
    objlint(&tree.root, &["--fix-unsafe"])
        .assert_code(0)
        .assert_stderr_has("objlint: renamed 1 name(s) in 1 file(s)")
        .assert_stderr_has("objlint: no findings");
    let fixed = tree.read("src/main.rs");
    let caller = fixed.lines().nth(10).expect("the caller's line");
    assert!(
        caller.starts_with("    user_lock(\"admin-")
            && caller.len() == "    user_lock(\"admin\");".len() + GUID_SUFFIX_LEN,
        "the GUID goes into the caller's literal: {fixed}"
    );
    assert_eq!(
        fixed.replace(caller, "    user_lock(\"admin\");"),
        source,
        "only the caller's literal changes"
    );
}

/// A finding about a name's `cfg` alternatives renames each of them: no build keeps a name
/// without a unique part.
#[test]
fn every_cfg_alternative_of_a_name_is_renamed() {
    let source = "#[cfg(debug_assertions)]\nconst LOCK: &str = \"Local\\\\GardenDebugLock\";\n#[cfg(not(debug_assertions))]\nconst LOCK: &str = \"Local\\\\GardenLock\";\n\nfn main() {\n    let _m = unsafe { CreateMutexW(None, false, &HSTRING::from(LOCK)) };\n    if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS {\n        return;\n    }\n}\n";
    let tree = Tree::package("garden").file("src/main.rs", source);
    objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_has("objlint: 1 error, 0 warnings");
    objlint(&tree.root, &["--fix"])
        .assert_code(0)
        .assert_stderr_has("objlint: renamed 2 name(s) in 1 file(s)")
        .assert_stderr_has("objlint: no findings");
    let fixed = tree.read("src/main.rs");
    for (line, name) in [(1, "GardenDebugLock"), (3, "GardenLock")] {
        let text = fixed.lines().nth(line).expect("the const's line");
        assert!(
            text.len() == source.lines().nth(line).unwrap().len() + GUID_SUFFIX_LEN
                && text.contains(&format!("{name}-")),
            "{name} gets its GUID: {fixed}"
        );
    }
}

/// Calls that set a member's `OnceLock` static under a feature's `#[cfg]`s are one finding, shown
/// where the default build sets the name; `--fix` renames both calls' literals.
#[test]
fn every_setter_call_of_a_features_alternatives_is_renamed() {
    let member = "use std::sync::OnceLock;\n\nstatic SLOT: OnceLock<String> = OnceLock::new();\n\npub fn reserve(name: &str) {\n    SLOT.set(name.to_owned()).unwrap();\n}\n\npub fn hold() {\n    let _m = unsafe { CreateMutexW(None, false, &HSTRING::from(SLOT.get().unwrap().as_str())) };\n    if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS {\n        return;\n    }\n}\n";
    let app = "fn main() {\n    #[cfg(feature = \"nightly\")]\n    slot::reserve(\"Local\\\\OrchardNightly\");\n    #[cfg(not(feature = \"nightly\"))]\n    slot::reserve(\"Local\\\\Orchard\");\n    slot::hold();\n}\n";
    let tree = Tree::new()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"app\", \"slot\"]\nresolver = \"2\"\n",
        )
        .file(
            "app/Cargo.toml",
            format!(
                "{}[features]\nnightly = []\n\n[dependencies]\nslot = {{ path = \"../slot\" }}\n",
                manifest("app")
            ),
        )
        .file("app/src/main.rs", app)
        .file("slot/Cargo.toml", manifest("slot"))
        .file("slot/src/lib.rs", member);
    objlint(&tree.root, &["--format", "short"])
        .assert_code(1)
        .assert_stderr_has("app/src/main.rs:5:19: error[objlint::non_unique_object_name]")
        .assert_stderr_has("objlint: 1 error, 0 warnings");
    objlint(&tree.root, &["--fix"])
        .assert_code(0)
        .assert_stderr_has("objlint: renamed 2 name(s) in 1 file(s)")
        .assert_stderr_has("objlint: no findings");
    let fixed = tree.read("app/src/main.rs");
    for (line, name) in [(2, "OrchardNightly"), (4, "Orchard")] {
        let text = fixed.lines().nth(line).expect("the call's line");
        assert!(
            text.len() == app.lines().nth(line).unwrap().len() + GUID_SUFFIX_LEN
                && text.contains(&format!("{name}-")),
            "{name} gets its GUID: {fixed}"
        );
    }
}

/// A name with no literal objlint can rewrite is said to be so, and is not counted.
#[test]
fn a_name_without_a_literal_is_never_counted_as_renamed() {
    let source = "fn main() {\n    let _m = unsafe { CreateMutexW(None, false, &HSTRING::from(env!(\"CARGO_PKG_NAME\"))) };\n}\n";
    let tree = Tree::package("plain").file("src/main.rs", source);
    objlint(&tree.root, &["--fix-unsafe"])
        .assert_code(1)
        .assert_stderr_has(
            "warning: cannot rename `plain`: objlint found no literal of it to rewrite",
        )
        .assert_stderr_has("objlint: renamed 0 name(s) in 0 file(s)");
    assert_eq!(tree.read("src/main.rs"), source);
}

/// A committed baseline that records a finding about the name does not block its rename.
#[test]
fn a_baseline_naming_the_object_is_no_use_of_it() {
    let source = "pub fn open() {\n    let _mapping = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, w!(\"Legacy\")) };\n    if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS {\n        return;\n    }\n}\n";
    let tree = Tree::package("legacy").file("src/lib.rs", source);
    objlint(&tree.root, &["--write-baseline", "objlint-baseline.toml"]).assert_code(0);
    assert!(tree
        .read("objlint-baseline.toml")
        .contains("name = \"Legacy\""));
    objlint(&tree.root, &["--fix"])
        .assert_code(0)
        .assert_stderr_lacks("not renaming")
        .assert_stderr_has("objlint: renamed 1 name(s) in 1 file(s)");
}
