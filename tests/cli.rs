//! The built `cargo-objlint` binary end to end, as ripgrep's `rgtest!` tests `rg`: each test
//! writes a small tree of files into a temporary directory, runs the binary there (directly, or
//! through cargo as `cargo objlint`), and checks the exit status and the output.

use std::fmt;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::{json, Value};
use tempfile::TempDir;

use crate::support::repo_root;

// ---------------------------------------------------------------------------------------------
// Inputs.

/// The issue's example: one file mapping with a literal name and no check, so both lints fire.
pub(crate) const CLASH_MAIN: &str = r#"fn main() {
    let _mapping = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, w!("MyFileMapping")) };
}
"#;

/// The line of the call in [`CLASH_MAIN`].
pub(crate) const CLASH_CALL_LINE: u64 = 2;

/// [`CLASH_MAIN`] fixed as the lints ask: a GUID in the name and a check of ERROR_ALREADY_EXISTS.
pub(crate) const CLASH_FIXED: &str = r#"fn main() {
    let _mapping = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, w!("MyFileMapping-9c5b1d3e-7a4f-4e2b-8c6d-0f1e2d3c4b5a")) };
    if GetLastError() == ERROR_ALREADY_EXISTS {
        panic!("another program created MyFileMapping first");
    }
}
"#;

/// A file syn cannot parse: an expression is missing before the `;` on line 2. It mentions a
/// creating API, so objlint must parse it (files that mention none are only scanned).
const UNPARSABLE: &str =
    "fn ok() {}\nfn worse() { let x = ; CreateMutexW(None, true, w!(\"Lock\")); }\n";

/// Where syn stops in [`UNPARSABLE`]: line and column (1-based, in chars) of the `;`.
fn unparsable_place() -> (u64, u64) {
    line_column(
        UNPARSABLE,
        UNPARSABLE.find("= ;").expect("the `;` is there") + 2,
    )
}

/// A file with both findings for a mapping named `name`: tests tell files apart by that name.
pub(crate) fn mapping_named(name: &str) -> String {
    format!(
        "pub fn open() {{\n    let _mapping = unsafe {{ CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, w!(\"{name}\")) }};\n}}\n"
    )
}

/// How the non-unique-name finding for `name` starts its message.
pub(crate) fn name_finding(name: &str) -> String {
    format!("file mapping name `{name}` has no unique part")
}

pub(crate) fn manifest(package: &str) -> String {
    format!("[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
}

/// A virtual workspace's manifest with these members.
fn workspace_manifest(members: &[&str]) -> String {
    let members: Vec<String> = members.iter().map(|member| format!("{member:?}")).collect();
    format!(
        "[workspace]\nmembers = [{}]\nresolver = \"2\"\n",
        members.join(", ")
    )
}

// ---------------------------------------------------------------------------------------------
// Harness.

/// A tree of files in a temporary directory, removed when dropped.
pub(crate) struct Tree {
    _dir: TempDir,
    /// The canonical root: the binary sees its current directory canonicalized, and so must the
    /// paths the tests expect.
    pub(crate) root: PathBuf,
}

impl Tree {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let root = dir
            .path()
            .canonicalize()
            .expect("canonicalize the temporary directory");
        Tree { _dir: dir, root }
    }

    /// A package `name`, version 0.1.0, edition 2021.
    pub(crate) fn package(name: &str) -> Self {
        Tree::new().file("Cargo.toml", manifest(name))
    }

    /// Writes `contents` at `relative`, creating directories as needed.
    pub(crate) fn file(self, relative: &str, contents: impl AsRef<[u8]>) -> Self {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().expect("a file has a parent directory"))
            .unwrap_or_else(|error| panic!("create the directory of {}: {error}", path.display()));
        fs::write(&path, contents)
            .unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
        self
    }

    pub(crate) fn dir(self, relative: &str) -> Self {
        fs::create_dir_all(self.root.join(relative)).expect("create a directory");
        self
    }

    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub(crate) fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).expect("read back a written file")
    }
}

/// What one run of a command did.
pub(crate) struct Run {
    pub(crate) command: String,
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn of(command: &mut Command) -> Run {
        let description = format!("{command:?}");
        let Output {
            status,
            stdout,
            stderr,
        } = command
            .output()
            .unwrap_or_else(|error| panic!("could not run {description}: {error}"));
        Run {
            command: description,
            code: status.code(),
            stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
        }
    }

    #[track_caller]
    pub(crate) fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "expected exit status {expected}\n{self}"
        );
        self
    }

    #[track_caller]
    pub(crate) fn assert_stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "expected stderr to contain {needle:?}\n{self}"
        );
        self
    }

    #[track_caller]
    pub(crate) fn assert_stderr_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stderr.contains(needle),
            "expected stderr not to contain {needle:?}\n{self}"
        );
        self
    }

    #[track_caller]
    pub(crate) fn assert_stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "expected stdout to contain {needle:?}\n{self}"
        );
        self
    }

    /// Stdout as JSON lines: every line one object, the last `build-finished`.
    #[track_caller]
    pub(crate) fn json(&self) -> Vec<Value> {
        let lines: Vec<Value> = self
            .stdout
            .lines()
            .map(|line| {
                let value: Value = serde_json::from_str(line)
                    .unwrap_or_else(|error| panic!("not a JSON line ({error}): {line}\n{self}"));
                assert!(value.is_object(), "not a JSON object: {line}\n{self}");
                value
            })
            .collect();
        let last = lines
            .last()
            .unwrap_or_else(|| panic!("no JSON output\n{self}"));
        assert_eq!(
            last["reason"], "build-finished",
            "the last line must be build-finished\n{self}"
        );
        lines
    }

    /// Asserts that the JSON output ends with `build-finished` and its `success`.
    #[track_caller]
    pub(crate) fn assert_json_build_finished(&self, success: bool) -> &Self {
        assert_eq!(
            self.json().last(),
            Some(&json!({"reason": "build-finished", "success": success})),
            "{self}"
        );
        self
    }

    /// The JSON `compiler-message` whose message text contains `needle`.
    #[track_caller]
    pub(crate) fn json_message(&self, needle: &str) -> Value {
        self.json()
            .into_iter()
            .find(|line| {
                line["reason"] == "compiler-message"
                    && line["message"]["message"]
                        .as_str()
                        .is_some_and(|message| message.contains(needle))
            })
            .unwrap_or_else(|| panic!("no compiler-message containing {needle:?}\n{self}"))
    }

    /// The JSON `compiler-message`s of lint `code` (e.g. `objlint::non_unique_object_name`).
    pub(crate) fn json_findings(&self, code: &str) -> Vec<Value> {
        self.json()
            .into_iter()
            .filter(|line| line["message"]["code"]["code"] == code)
            .collect()
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--- command: {}\n--- exit status: {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.command, self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the built binary in `dir`, as a user runs `cargo-objlint ARGS`.
pub(crate) fn objlint(dir: &Path, args: &[&str]) -> Run {
    Run::of(
        Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
            .args(args)
            .current_dir(dir)
            .env_remove("NO_COLOR"),
    )
}

/// Runs `cargo objlint ARGS` in `dir`, with the built binary's directory first on PATH so that
/// cargo finds it as an external subcommand.
fn cargo_objlint(dir: &Path, args: &[&str]) -> Run {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_cargo-objlint"))
        .parent()
        .expect("the binary has a directory");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(
        std::iter::once(bin_dir.to_owned()).chain(std::env::split_paths(&path)),
    )
    .expect("PATH entries can be joined");
    Run::of(
        Command::new("cargo")
            .arg("objlint")
            .args(args)
            .current_dir(dir)
            .env("PATH", path),
    )
}

/// Whether `text` is a GUID in 8-4-4-4-12 hexadecimal form.
fn is_guid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(index, c)| match index {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Whether `haystack` holds `before`, a GUID, then `after`.
fn has_guid_between(haystack: &str, before: &str, after: &str) -> bool {
    haystack.match_indices(before).any(|(index, _)| {
        let rest = &haystack[index + before.len()..];
        rest.get(..36).is_some_and(is_guid) && rest[36..].starts_with(after)
    })
}

/// Compares each JSON pointer's value in `value` to the expected one, and reports every mismatch.
#[track_caller]
pub(crate) fn assert_fields(value: &Value, expected: &[(&str, Value)]) {
    let mismatches: Vec<String> = expected
        .iter()
        .filter(|(pointer, expected)| value.pointer(pointer) != Some(expected))
        .map(|(pointer, expected)| {
            format!(
                "  {pointer}: expected {expected}, found {}",
                value
                    .pointer(pointer)
                    .map_or_else(|| "nothing".to_owned(), Value::to_string)
            )
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "JSON fields differ:\n{}\nin {value:#}",
        mismatches.join("\n")
    );
}

/// 1-based line and column (in chars) of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let column = before[line_start..].chars().count() + 1;
    (line as u64, column as u64)
}

// ---------------------------------------------------------------------------------------------
// A Cargo package, checked with no PATHS.

#[test]
fn crate_with_a_clash_reports_both_findings_and_fails() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    let run = objlint(&tree.root, &[]);
    run.assert_code(1)
        .assert_stderr_has("error[objlint::non_unique_object_name]")
        .assert_stderr_has("error[objlint::unchecked_already_exists]")
        .assert_stderr_has(&format!("src/main.rs:{CLASH_CALL_LINE}:"))
        .assert_stderr_has("objlint: 2 errors, 0 warnings in 1 file checked (");
    assert!(
        run.stderr
            .lines()
            .any(|line| line.trim_start().starts_with("= help:")
                && has_guid_between(line, "w!(\"MyFileMapping-", "\")")),
        "expected a help line suggesting w!(\"MyFileMapping-<guid>\")\n{run}"
    );
    assert!(run.stdout.is_empty(), "human output goes to stderr\n{run}");
}

#[test]
fn crate_with_a_unique_checked_name_passes() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_FIXED);
    objlint(&tree.root, &[])
        .assert_code(0)
        .assert_stderr_lacks("error[")
        .assert_stderr_has("objlint: no findings in 1 file checked (");
}

#[test]
fn cargo_subcommand_reports_findings() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    cargo_objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_has("error[objlint::non_unique_object_name]")
        .assert_stderr_has("error[objlint::unchecked_already_exists]");

    let run = cargo_objlint(&tree.root, &["--message-format", "json"]);
    run.assert_code(1);
    assert_eq!(
        run.json_findings("objlint::non_unique_object_name").len(),
        1,
        "{run}"
    );
    assert_eq!(
        run.json_findings("objlint::unchecked_already_exists").len(),
        1,
        "{run}"
    );
    run.assert_json_build_finished(false);
}

#[test]
fn cargo_subcommand_help() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    cargo_objlint(&tree.root, &["--help"])
        .assert_code(0)
        .assert_stdout_has("Usage: cargo objlint");
}

// ---------------------------------------------------------------------------------------------
// Which files are checked.

/// A workspace of two members, `a` (a library) and `b` (a binary), with files in places that must
/// be skipped (build output, a directory cargo tagged as one, `.git`, hidden directories) and
/// one that must not (a module named `target`).
fn workspace() -> Tree {
    Tree::new()
        .file("Cargo.toml", workspace_manifest(&["a", "b"]))
        .file("a/Cargo.toml", manifest("a"))
        .file("a/src/lib.rs", mapping_named("MemberA"))
        // A module directory named `target` is source, not cargo's build output.
        .file("a/src/target/mod.rs", mapping_named("ModuleNamedTarget"))
        .file("b/Cargo.toml", manifest("b"))
        .file("b/src/main.rs", mapping_named("MemberB"))
        .file(
            "target/debug/build/out.rs",
            mapping_named("WorkspaceTargetDir"),
        )
        .file("a/target/debug/out.rs", mapping_named("MemberTargetDir"))
        .file(".git/hooks/hook.rs", mapping_named("GitDir"))
        .file("b/.hidden/stash.rs", mapping_named("HiddenDir"))
        // A build directory elsewhere (`CARGO_TARGET_DIR=build-out`), which cargo tags; its
        // file sorts before the tag.
        .file(
            "build-out/CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n",
        )
        .file("build-out/A.rs", mapping_named("TaggedDirFile"))
        .file("build-out/debug/out.rs", mapping_named("TaggedDir"))
}

#[test]
fn workspace_is_checked_from_a_member_subdirectory_skipping_build_and_hidden_dirs() {
    let tree = workspace();
    let run = objlint(&tree.path("a/src"), &[]);
    run.assert_code(1);
    for checked in ["MemberA", "MemberB", "ModuleNamedTarget"] {
        run.assert_stderr_has(&name_finding(checked));
    }
    for skipped in [
        "WorkspaceTargetDir",
        "MemberTargetDir",
        "TaggedDirFile",
        "TaggedDir",
        "GitDir",
        "HiddenDir",
    ] {
        run.assert_stderr_lacks(&name_finding(skipped));
    }
    run.assert_stderr_has("in 3 files checked");
}

#[test]
fn paths_are_printed_from_the_current_directory_even_in_a_sibling_crate() {
    let tree = workspace();
    let run = objlint(&tree.path("a"), &["--format", "short"]);
    run.assert_code(1);
    for expected in [
        "\nsrc/lib.rs:2:",
        "\nsrc/target/mod.rs:2:",
        "\n../b/src/main.rs:2:",
    ] {
        assert!(
            format!("\n{}", run.stderr).contains(expected),
            "expected a line starting {:?}\n{run}",
            expected.trim_start()
        );
    }
}

#[test]
fn a_tagged_build_directory_given_as_the_path_is_checked() {
    let tree = workspace();
    objlint(&tree.root, &["build-out"])
        .assert_code(1)
        .assert_stderr_has(&name_finding("TaggedDirFile"))
        .assert_stderr_has(&name_finding("TaggedDir"))
        .assert_stderr_has("in 2 files checked");
}

#[test]
fn explicit_paths_check_exactly_those() {
    let tree = Tree::package("clash")
        .file("src/main.rs", mapping_named("NotGiven"))
        .file("src/one.rs", mapping_named("GivenFile"))
        .file("src/two/inner.rs", mapping_named("GivenDir"))
        .file("src/three.rs", mapping_named("AlsoNotGiven"));
    objlint(&tree.root, &["src/one.rs", "src/two"])
        .assert_code(1)
        .assert_stderr_has(&name_finding("GivenFile"))
        .assert_stderr_has(&name_finding("GivenDir"))
        .assert_stderr_lacks(&name_finding("NotGiven"))
        .assert_stderr_lacks(&name_finding("AlsoNotGiven"))
        .assert_stderr_has("in 2 files checked");
}

#[test]
fn a_directory_named_like_a_source_file_is_walked_in_its_place() {
    // A path named `*.rs` is taken as a file without asking the file system; this one is a
    // directory, found out when it cannot be read, and the run starts again asking.
    let tree = Tree::package("clash")
        .file("src/first.rs", mapping_named("BeforeIt"))
        .file("src/odd.rs/inner.rs", mapping_named("InsideIt"))
        .file("src/last.rs", mapping_named("AfterIt"));
    let run = objlint(&tree.root, &["src/first.rs", "src/odd.rs", "src/last.rs"]);
    run.assert_code(1)
        .assert_stderr_lacks("failed to read")
        .assert_stderr_has("in 3 files checked");
    let place = |name: &str| {
        run.stderr
            .find(&name_finding(name))
            .unwrap_or_else(|| panic!("no finding for {name}:\n{}", run.stderr))
    };
    assert!(
        place("BeforeIt") < place("InsideIt") && place("InsideIt") < place("AfterIt"),
        "not in the order of the paths:\n{}",
        run.stderr
    );
}

#[test]
fn the_findings_do_not_depend_on_the_order_of_the_paths() {
    // Of two servers of one pipe that claim no first instance, only the first the walk reaches
    // is reported: the walk, not the order of the arguments, decides which.
    let server = |function: &str| {
        format!(
            "use tokio::net::windows::named_pipe::ServerOptions;\n\npub fn {function}() {{\n    let _server = ServerOptions::new().create(r\"\\\\.\\pipe\\shared-pipe\");\n}}\n"
        )
    };
    let tree = Tree::package("pipes")
        .file("src/one.rs", server("one"))
        .file("src/two.rs", server("two"));
    let first_instance = |paths: &[&str]| -> Vec<String> {
        let mut args = vec!["--format", "short", "--color", "never"];
        args.extend(paths);
        let run = objlint(&tree.root, &args);
        run.assert_code(1);
        run.stderr
            .lines()
            .filter(|line| line.contains("pipe_first_instance_missing"))
            .map(str::to_owned)
            .collect()
    };
    let forward = first_instance(&["src/one.rs", "src/two.rs"]);
    assert_eq!(forward.len(), 1, "{forward:?}");
    assert_eq!(forward, first_instance(&["src/two.rs", "src/one.rs"]));
    assert_eq!(forward, first_instance(&["src"]));
}

/// Package `a`, whose `src/lib.rs` creates a mapping named by a constant in `src/names.rs`
/// (`SharedAcrossFiles`).
fn package_a_naming_its_mapping_in_another_file(tree: Tree) -> Tree {
    tree.file("a/Cargo.toml", manifest("a"))
        .file(
            "a/src/lib.rs",
            "pub mod names;\npub fn open() {\n    let _mapping = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, crate::names::SHARED) };\n}\n",
        )
        .file("a/src/names.rs", "pub const SHARED: PCWSTR = w!(\"SharedAcrossFiles\");\n")
}

#[test]
fn a_package_given_in_pieces_is_checked_as_one() {
    // The name is a constant in another file of the crate, and another package's file comes
    // between the two, as in the argument lists pre-commit passes.
    let tree = package_a_naming_its_mapping_in_another_file(
        Tree::new().file("Cargo.toml", workspace_manifest(&["a", "b"])),
    )
    .file("b/Cargo.toml", manifest("b"))
    .file("b/src/main.rs", mapping_named("MemberB"));
    objlint(
        &tree.root,
        &["a/src/lib.rs", "b/src/main.rs", "a/src/names.rs"],
    )
    .assert_code(1)
    .assert_stderr_has(&name_finding("SharedAcrossFiles"))
    .assert_stderr_has(&name_finding("MemberB"))
    .assert_stderr_has("in 3 files checked");
}

#[test]
fn many_paths_are_checked_as_their_directory_is() {
    // More paths than objlint looks up at a time ahead of the walk, in reverse order: package
    // `a`'s constant and its use are hundreds of paths apart, and a package nested in `a`
    // comes between them.
    let filler = "pub fn nothing() {}\n";
    let mut tree = package_a_naming_its_mapping_in_another_file(
        Tree::new().file("Cargo.toml", workspace_manifest(&["a", "a/nested", "b"])),
    )
    .file("a/nested/Cargo.toml", manifest("nested"))
    .file("a/nested/src/main.rs", mapping_named("Nested"))
    .file("b/Cargo.toml", manifest("b"))
    .file("b/src/main.rs", mapping_named("MemberB"));
    let mut paths = vec![
        "a/src/lib.rs".to_owned(),
        "a/src/names.rs".to_owned(),
        "a/nested/src/main.rs".to_owned(),
        "b/src/main.rs".to_owned(),
    ];
    for index in 0..700 {
        let path = format!(
            "{}/src/m{index:03}.rs",
            if index % 2 == 0 { "a" } else { "b" }
        );
        tree = match index {
            200 | 401 => tree.file(&path, mapping_named(&format!("In{index}"))),
            _ => tree.file(&path, filler),
        };
        paths.push(path);
    }
    paths.sort();
    paths.reverse();
    let json_lines = |args: &[&str]| {
        let mut all = vec!["--message-format", "json"];
        all.extend(args);
        let run = objlint(&tree.root, &all);
        run.assert_code(1);
        let mut lines: Vec<String> = run.stdout.lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    let given = json_lines(&paths.iter().map(String::as_str).collect::<Vec<_>>());
    for name in ["SharedAcrossFiles", "Nested", "MemberB", "In200", "In401"] {
        assert!(
            given.iter().any(|line| line.contains(&name_finding(name))),
            "no finding for {name}: {given:#?}"
        );
    }
    assert_eq!(given, json_lines(&["."]));
    // The report keeps the order the paths were given in.
    let mut short = vec!["--format", "short", "--color", "never"];
    short.extend(paths.iter().map(String::as_str));
    let run = objlint(&tree.root, &short);
    let mut files: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.contains(": error["))
        .filter_map(|line| line.split_once(':').map(|(file, _)| file))
        .collect();
    files.dedup();
    assert_eq!(
        files,
        [
            "b/src/main.rs",
            "b/src/m401.rs",
            "a/src/m200.rs",
            "a/src/lib.rs",
            "a/nested/src/main.rs"
        ],
        "{run}"
    );
}

/// The issue's two-file cases in one package: `src/main.rs` creates an event named by a
/// `const` of `src/names.rs` and calls `helper::lock`, which passes its parameter to
/// `CreateMutexW` in `src/helper.rs`.
pub(crate) fn package_reaching_into_other_files() -> Tree {
    Tree::package("split")
        .file(
            "src/main.rs",
            "mod helper;\nmod names;\nuse windows::core::HSTRING;\nuse windows::Win32::System::Threading::CreateEventW;\n\nfn main() {\n    let _event = unsafe { CreateEventW(None, true, false, &HSTRING::from(names::READY)) };\n    let _lock = helper::lock(\"Writer\");\n}\n",
        )
        .file("src/names.rs", "pub const READY: &str = \"Ready\";\n")
        .file(
            "src/helper.rs",
            "use windows::core::HSTRING;\nuse windows::Win32::System::Threading::CreateMutexW;\n\npub fn lock(name: &str) -> windows::core::Result<HANDLE> {\n    unsafe { CreateMutexW(None, false, &HSTRING::from(name)) }\n}\n",
        )
}

/// The short findings of a run over `args` in `dir`, with the exit status.
fn short_findings(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut all = vec!["--format", "short", "--color", "never"];
    all.extend(args);
    let run = objlint(dir, &all);
    let findings = run
        .stderr
        .lines()
        .filter(|line| line.contains(": error[") || line.contains(": warning["))
        .map(str::to_owned)
        .collect();
    (run.code, findings)
}

#[test]
fn a_file_given_alone_sees_a_const_declared_in_another_file() {
    let tree = package_reaching_into_other_files();
    let (code, findings) = short_findings(&tree.root, &["src/main.rs"]);
    assert_eq!(code, Some(1), "{findings:#?}");
    assert!(
        findings.contains(
            &"src/main.rs:7:59: error[objlint::non_unique_object_name]: event name `Ready` has no unique part".to_owned()
        ),
        "{findings:#?}"
    );
}

#[test]
fn a_file_given_alone_sees_a_helper_declared_in_another_file() {
    let tree = package_reaching_into_other_files();
    let (code, findings) = short_findings(&tree.root, &["src/main.rs"]);
    assert_eq!(code, Some(1), "{findings:#?}");
    assert!(
        findings.contains(
            &"src/main.rs:8:30: error[objlint::non_unique_object_name]: mutex name `Writer` has no unique part".to_owned()
        ),
        "{findings:#?}"
    );
    // What a run over the whole package reports for the file, no more.
    let (_, whole) = short_findings(&tree.root, &[]);
    let whole_in_main: Vec<String> = whole
        .into_iter()
        .filter(|line| line.starts_with("src/main.rs:"))
        .collect();
    assert_eq!(findings, whole_in_main);
}

#[test]
fn a_commit_of_only_the_consts_file_shows_the_finding_at_the_const() {
    // The call is in `src/main.rs`, not given: its finding about the name is shown at the
    // literal the given file sets, and says where the call is.
    let tree = package_reaching_into_other_files();
    let (code, findings) = short_findings(&tree.root, &["src/names.rs"]);
    assert_eq!(code, Some(1), "{findings:#?}");
    assert_eq!(
        findings,
        ["src/names.rs:1:25: error[objlint::non_unique_object_name]: event name `Ready` has no unique part"],
    );
    objlint(&tree.root, &["--color", "never", "src/names.rs"])
        .assert_stderr_has("used by the call in src/main.rs:7:59")
        .assert_stderr_has("in 1 file checked");
    // A file that sets no name of a creation elsewhere still reports nothing.
    assert_eq!(
        short_findings(&tree.root, &["src/helper.rs"]),
        (Some(0), Vec::new())
    );
}

#[test]
fn missing_path_is_an_error_naming_it() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_FIXED);
    objlint(&tree.root, &["src/main.rs", "src/nowhere.rs"])
        .assert_code(2)
        .assert_stderr_has("src/nowhere.rs");
}

#[test]
fn path_without_rust_files_is_an_error_naming_it() {
    let tree = Tree::package("clash")
        .file("src/main.rs", CLASH_FIXED)
        .file("docs/notes.md", "# notes\n")
        .dir("empty");
    objlint(&tree.root, &["docs"])
        .assert_code(2)
        .assert_stderr_has("docs");
    objlint(&tree.root, &["empty"])
        .assert_code(2)
        .assert_stderr_has("empty");
}

#[test]
fn outside_any_cargo_project_the_current_directory_is_checked() {
    let tree = Tree::new()
        .file("tool.rs", mapping_named("LooseFile"))
        .file("nested/helper.rs", mapping_named("NestedLooseFile"));
    assert!(
        tree.root
            .ancestors()
            .all(|directory| !directory.join("Cargo.toml").exists()),
        "test precondition: {} must lie outside any Cargo project",
        tree.root.display()
    );
    objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_has(&name_finding("LooseFile"))
        .assert_stderr_has(&name_finding("NestedLooseFile"))
        .assert_stderr_has("in 2 files checked");
}

// ---------------------------------------------------------------------------------------------
// Files that cannot be checked: reported with their place, and the run goes on.

/// Only files that mention a creating API are parsed (the rest are scanned for the names and
/// skipped), so a broken file that mentions none cannot hold a finding and is not an error.
#[test]
fn unparsable_file_without_any_api_is_only_scanned() {
    let tree = Tree::package("clash")
        .file("src/main.rs", CLASH_FIXED)
        .file("src/notes.rs", "fn half_written( {\n");
    objlint(&tree.root, &[])
        .assert_code(0)
        .assert_stderr_has("in 2 files checked");
}

#[test]
fn unparsable_file_is_reported_with_its_place_and_others_are_still_checked() {
    let tree = Tree::package("clash")
        .file("src/main.rs", CLASH_MAIN)
        .file("src/broken.rs", "fn broken( { CreateEventW\n")
        .file("src/worse.rs", UNPARSABLE);
    let (line, column) = unparsable_place();
    objlint(&tree.root, &[])
        .assert_code(2)
        .assert_stderr_has("src/broken.rs:1:")
        .assert_stderr_has(&format!("src/worse.rs:{line}:{column}"))
        .assert_stderr_has("error[objlint::non_unique_object_name]")
        .assert_stderr_has("error[objlint::unchecked_already_exists]")
        .assert_stderr_has("2 paths could not be checked");
}

#[test]
fn unparsable_file_in_json_mode() {
    let tree = Tree::package("clash")
        .file("src/main.rs", CLASH_MAIN)
        .file("src/worse.rs", UNPARSABLE);
    let run = objlint(&tree.root, &["--message-format", "json"]);
    run.assert_code(2);
    let error = run.json_message("src/worse.rs");
    let (line, column) = unparsable_place();
    assert_eq!((line, column), (2, 22), "the test's own arithmetic");
    assert_fields(
        &error,
        &[
            ("/message/level", json!("error")),
            ("/message/spans/0/file_name", json!("src/worse.rs")),
            ("/message/spans/0/line_start", json!(line)),
            ("/message/spans/0/column_start", json!(column)),
        ],
    );
    assert!(
        error["package_id"].is_string() && error["target"].is_object(),
        "a file error still names its package and target: {error:#}"
    );
    assert_eq!(
        run.json_findings("objlint::non_unique_object_name").len(),
        1,
        "{run}"
    );
    run.assert_json_build_finished(false);
}

#[test]
fn non_utf8_file_is_reported_and_others_are_still_checked() {
    let tree = Tree::package("clash")
        .file("src/main.rs", CLASH_MAIN)
        .file("src/latin1.rs", b"fn f() {}\n// caf\xe9\n");
    objlint(&tree.root, &[])
        .assert_code(2)
        .assert_stderr_has("src/latin1.rs")
        .assert_stderr_has("UTF-8")
        .assert_stderr_has("error[objlint::non_unique_object_name]")
        .assert_stderr_has("error[objlint::unchecked_already_exists]");
}

// ---------------------------------------------------------------------------------------------
// JSON output: cargo's `compiler-message` lines, field by field.

/// The JSON run of the issue's example crate and its one `non_unique_object_name` finding.
fn clash_json_finding(tree: &Tree) -> Value {
    clash_json_finding_of(tree, &[])
}

/// The one finding of `tree`'s clash, with `paths` given.
fn clash_json_finding_of(tree: &Tree, paths: &[&str]) -> Value {
    let mut args = vec!["--message-format", "json"];
    args.extend(paths);
    let run = objlint(&tree.root, &args);
    run.assert_code(1);
    run.assert_json_build_finished(false);
    let [finding] = &run.json_findings("objlint::non_unique_object_name")[..] else {
        panic!("expected one non_unique_object_name finding\n{run}");
    };
    finding.clone()
}

#[test]
fn json_finding_names_its_package_and_target_as_cargo_does() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    assert_package_and_target(&tree.root, &clash_json_finding(&tree));
}

#[test]
fn json_package_paths_have_no_dot_whatever_path_is_given() {
    // A member below the directory given as `.` is walked as `./member/…`; cargo writes its
    // paths without the `.`.
    let tree = Tree::new()
        .file("Cargo.toml", workspace_manifest(&["clash"]))
        .file("clash/Cargo.toml", manifest("clash"))
        .file("clash/src/main.rs", CLASH_MAIN);
    for paths in [&[][..], &["."], &["./clash"], &["./clash/src/main.rs"]] {
        assert_package_and_target(&tree.path("clash"), &clash_json_finding_of(&tree, paths));
    }
}

/// `finding` names the package at `package_root`, named `clash`, and its binary.
fn assert_package_and_target(package_root: &Path, finding: &Value) {
    let utf8 = |relative: &str| {
        package_root
            .join(relative)
            .to_str()
            .expect("a UTF-8 path")
            .to_owned()
    };
    assert_fields(
        finding,
        &[
            ("/reason", json!("compiler-message")),
            (
                "/package_id",
                json!(format!(
                    "path+file://{}#clash@0.1.0",
                    package_root.to_str().expect("a UTF-8 path")
                )),
            ),
            ("/manifest_path", json!(utf8("Cargo.toml"))),
            ("/target/name", json!("clash")),
            ("/target/kind", json!(["bin"])),
            ("/target/crate_types", json!(["bin"])),
            ("/target/src_path", json!(utf8("src/main.rs"))),
            ("/target/edition", json!("2021")),
            (
                "/message/code/code",
                json!("objlint::non_unique_object_name"),
            ),
            ("/message/level", json!("error")),
        ],
    );
}

#[test]
fn json_finding_primary_span_is_the_name_argument() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    let finding = clash_json_finding(&tree);
    let source = tree.read("src/main.rs");
    let name_argument = r#"w!("MyFileMapping")"#;
    let byte_start = source
        .find(name_argument)
        .expect("the call is in the source");
    let (line, column) = line_column(&source, byte_start);
    assert_eq!(line, CLASH_CALL_LINE, "the test's own arithmetic");
    assert_fields(
        &finding,
        &[
            ("/message/spans/0/file_name", json!("src/main.rs")),
            ("/message/spans/0/byte_start", json!(byte_start)),
            (
                "/message/spans/0/byte_end",
                json!(byte_start + name_argument.len()),
            ),
            ("/message/spans/0/line_start", json!(line)),
            ("/message/spans/0/line_end", json!(line)),
            ("/message/spans/0/column_start", json!(column)),
            (
                "/message/spans/0/column_end",
                json!(column + name_argument.len() as u64),
            ),
            ("/message/spans/0/is_primary", json!(true)),
            ("/message/spans/0/text/0/highlight_start", json!(column)),
        ],
    );
    assert!(
        finding["message"]["spans"][0]["label"]
            .as_str()
            .is_some_and(|label| !label.is_empty()),
        "the primary span has a label: {finding:#}"
    );
}

#[test]
fn json_finding_has_a_suggestion_a_note_and_its_rendering() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    let finding = clash_json_finding(&tree);
    let source = tree.read("src/main.rs");
    let children = finding["message"]["children"].as_array().expect("children");
    let help = children
        .iter()
        .find(|child| child["level"] == "help")
        .unwrap_or_else(|| panic!("a help child: {finding:#}"));
    let suggestion = &help["spans"][0];
    let replacement = suggestion["suggested_replacement"]
        .as_str()
        .unwrap_or_default();
    assert!(
        has_guid_between(replacement, "\"MyFileMapping-", "\"")
            && replacement.len() == "\"MyFileMapping-\"".len() + 36,
        "the help suggests the literal with a GUID appended: {help:#}"
    );
    assert!(
        suggestion["suggestion_applicability"].is_string(),
        "the suggestion has an applicability: {help:#}"
    );
    let (start, end) = (
        suggestion["byte_start"].as_u64().expect("byte_start") as usize,
        suggestion["byte_end"].as_u64().expect("byte_end") as usize,
    );
    assert_eq!(
        &source[start..end],
        "\"MyFileMapping\"",
        "the suggestion replaces the literal: {help:#}"
    );
    assert!(
        children.iter().any(|child| child["level"] == "note"),
        "a note child: {finding:#}"
    );

    let rendered = finding["message"]["rendered"].as_str().unwrap_or_default();
    assert!(
        rendered.starts_with("error[objlint::non_unique_object_name]: ")
            && rendered.contains(&format!("src/main.rs:{CLASH_CALL_LINE}:")),
        "message.rendered holds the human rendering: {rendered}"
    );
    // The human rendering of the same finding, from a human run, is what JSON carries.
    let human = objlint(&tree.root, &[]);
    assert!(
        human.stderr.contains(rendered),
        "message.rendered matches the human output\n--- rendered:\n{rendered}\n{human}"
    );
}

#[test]
fn json_columns_count_chars_not_bytes() {
    // A tab and multi-byte chars before the name on its line, and inside the name.
    let source = "fn main() {\n\t/* café */ let _lock = unsafe { CreateMutexW(None, true, w!(\"Caché\")) };\n}\n";
    let tree = Tree::package("clash").file("src/main.rs", source);
    let run = objlint(&tree.root, &["--message-format", "json"]);
    let [finding] = &run.json_findings("objlint::non_unique_object_name")[..] else {
        panic!("expected one non_unique_object_name finding\n{run}");
    };
    let name_argument = "w!(\"Caché\")";
    let byte_start = source
        .find(name_argument)
        .expect("the call is in the source");
    let (line, column) = line_column(source, byte_start);
    assert_eq!((line, column), (2, 59), "the test's own arithmetic");
    assert_fields(
        finding,
        &[
            ("/message/spans/0/byte_start", json!(byte_start)),
            (
                "/message/spans/0/byte_end",
                json!(byte_start + name_argument.len()),
            ),
            ("/message/spans/0/line_start", json!(line)),
            ("/message/spans/0/column_start", json!(column)),
            (
                "/message/spans/0/column_end",
                json!(column + name_argument.chars().count() as u64),
            ),
            ("/message/spans/0/text/0/highlight_start", json!(column)),
            (
                "/message/spans/0/text/0/highlight_end",
                json!(column + name_argument.chars().count() as u64),
            ),
        ],
    );
    let [mutex] = &run.json_findings("objlint::unchecked_already_exists")[..] else {
        panic!("expected one unchecked_already_exists finding for the owned mutex\n{run}");
    };
    let call_start = source
        .find("CreateMutexW")
        .expect("the call is in the source");
    assert_fields(
        mutex,
        &[
            ("/message/spans/0/byte_start", json!(call_start)),
            (
                "/message/spans/0/column_start",
                json!(line_column(source, call_start).1),
            ),
        ],
    );
}

#[test]
fn json_file_names_are_relative_to_the_workspace_root_as_cargo_writes_them() {
    // cargo runs rustc from the workspace root, so its `file_name`s (and the SARIF URIs made from
    // them) are relative to that root wherever `cargo clippy` was started.
    let tree = workspace();
    let run = objlint(&tree.path("a/src"), &["--message-format", "json"]);
    for (name, file_name) in [
        ("MemberA", "a/src/lib.rs"),
        ("ModuleNamedTarget", "a/src/target/mod.rs"),
        ("MemberB", "b/src/main.rs"),
    ] {
        assert_fields(
            &run.json_message(&name_finding(name)),
            &[("/message/spans/0/file_name", json!(file_name))],
        );
    }
}

#[test]
fn byte_order_mark_is_not_a_column() {
    let source = "\u{feff}fn main() { let _ = unsafe { CreateEventW(None, true, false, w!(\"Ready\")) }; }\n";
    let tree = Tree::package("clash").file("src/main.rs", source);
    let name_argument = "w!(\"Ready\")";
    let byte_start = source
        .find(name_argument)
        .expect("the call is in the source");
    // rustc and syn skip the BOM: the first character after it is column 1.
    let column = source["\u{feff}".len()..byte_start].chars().count() + 1;
    objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_has(&format!("src/main.rs:1:{column}"));
    let run = objlint(&tree.root, &["--message-format", "json"]);
    let [finding] = &run.json_findings("objlint::non_unique_object_name")[..] else {
        panic!("expected one non_unique_object_name finding\n{run}");
    };
    // Byte offsets index the file as it is on disk (BOM included), as src/source.rs documents.
    assert_fields(
        finding,
        &[
            ("/message/spans/0/byte_start", json!(byte_start)),
            (
                "/message/spans/0/byte_end",
                json!(byte_start + name_argument.len()),
            ),
            ("/message/spans/0/column_start", json!(column)),
        ],
    );
}

#[test]
fn json_target_of_a_library_is_lib() {
    let tree = Tree::package("clash").file("src/lib.rs", mapping_named("LibMapping"));
    let run = objlint(&tree.root, &["--message-format", "json"]);
    let finding = run.json_message(&name_finding("LibMapping"));
    assert_fields(
        &finding,
        &[
            ("/target/name", json!("clash")),
            ("/target/kind", json!(["lib"])),
            ("/target/crate_types", json!(["lib"])),
            (
                "/target/src_path",
                json!(tree.path("src/lib.rs").to_str().expect("a UTF-8 path")),
            ),
        ],
    );
}

#[test]
fn json_target_of_an_integration_test_is_test() {
    let tree = Tree::package("clash")
        .file("src/lib.rs", "")
        .file("tests/shared.rs", mapping_named("TestMapping"));
    let run = objlint(&tree.root, &["--message-format", "json"]);
    let finding = run.json_message(&name_finding("TestMapping"));
    assert_fields(
        &finding,
        &[
            ("/target/name", json!("shared")),
            ("/target/kind", json!(["test"])),
            ("/message/spans/0/file_name", json!("tests/shared.rs")),
            (
                "/target/src_path",
                json!(tree.path("tests/shared.rs").to_str().expect("a UTF-8 path")),
            ),
        ],
    );
}

#[test]
fn json_target_of_a_module_shared_by_examples_is_an_example() {
    // `examples/common/mod.rs` is compiled in the examples that declare it, never in the
    // library: JSON names the first example, as objlint's crates do.
    let tree = Tree::package("clash")
        .file("src/lib.rs", "")
        .file("examples/alpha.rs", "mod common;\nfn main() {}\n")
        .file("examples/beta.rs", "mod common;\nfn main() {}\n")
        .file("examples/common/mod.rs", mapping_named("ExampleMapping"));
    let run = objlint(&tree.root, &["--message-format", "json"]);
    let finding = run.json_message(&name_finding("ExampleMapping"));
    assert_fields(
        &finding,
        &[
            ("/target/name", json!("alpha")),
            ("/target/kind", json!(["example"])),
            (
                "/message/spans/0/file_name",
                json!("examples/common/mod.rs"),
            ),
        ],
    );
}

#[test]
fn json_file_outside_any_package_gets_a_synthetic_package_and_target() {
    let tree = Tree::new().file("tool.rs", mapping_named("LooseFile"));
    let run = objlint(&tree.root, &["--message-format", "json"]);
    run.assert_code(1);
    let finding = run.json_message(&name_finding("LooseFile"));
    let package_id = finding["package_id"].as_str().unwrap_or_default();
    assert!(
        package_id.starts_with("path+file://") && package_id.contains('#'),
        "a package_id in cargo's format: {finding:#}"
    );
    assert!(
        finding["target"]["name"]
            .as_str()
            .is_some_and(|name| !name.is_empty())
            && finding["target"]["kind"]
                .as_array()
                .is_some_and(|kind| !kind.is_empty())
            && finding["target"]["crate_types"].is_array()
            && finding["target"]["edition"].is_string(),
        "a complete target: {finding:#}"
    );
    assert_fields(
        &finding,
        &[
            (
                "/target/src_path",
                json!(tree.path("tool.rs").to_str().expect("a UTF-8 path")),
            ),
            ("/message/spans/0/file_name", json!("tool.rs")),
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Flags.

#[test]
fn help_and_version() {
    let tree = Tree::new();
    objlint(&tree.root, &["--help"])
        .assert_code(0)
        .assert_stdout_has("Usage: cargo objlint")
        .assert_stdout_has("--message-format");
    objlint(&tree.root, &["--version"])
        .assert_code(0)
        .assert_stdout_has(&format!("cargo-objlint {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let tree = Tree::new();
    objlint(&tree.root, &["--no-such-flag"])
        .assert_code(2)
        .assert_stderr_has("--no-such-flag");
}

#[test]
fn explain_prints_the_lint_doc() {
    let tree = Tree::new();
    let doc = fs::read_to_string(repo_root().join("lints/non_unique_object_name.md"))
        .expect("read the lint doc");
    let run = objlint(&tree.root, &["--explain", "non_unique_object_name"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains(&doc),
        "--explain prints lints/non_unique_object_name.md\n{run}"
    );
}

#[test]
fn explain_of_an_unknown_lint_is_an_error() {
    let tree = Tree::new();
    objlint(&tree.root, &["--explain", "nope"])
        .assert_code(2)
        .assert_stderr_has("nope");
}

#[test]
fn list_shows_every_lint() {
    let tree = Tree::new();
    objlint(&tree.root, &["--list"])
        .assert_code(0)
        .assert_stdout_has("objlint::non_unique_object_name")
        .assert_stdout_has("objlint::unchecked_already_exists");
}

// ---------------------------------------------------------------------------------------------
// Tools built on cargo_metadata read the JSON: clippy-sarif, as GitHub code scanning runs it.

/// `clippy-sarif` from PATH or `target/tools`, installed there once when absent.
fn clippy_sarif() -> &'static Path {
    static TOOL: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match TOOL.get_or_init(find_or_install_clippy_sarif) {
        Ok(path) => path,
        Err(error) => panic!("{error}"),
    }
}

/// A tool the tests run: `executable` from `PATH`, else the copy installed at `installed` by an
/// earlier test run; `None` when neither exists (the caller installs it).
pub(crate) fn tool(executable: &str, installed: &Path) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|directory| directory.join(executable))
        .find(|path| path.is_file())
        .or_else(|| installed.is_file().then(|| installed.to_owned()))
}

fn find_or_install_clippy_sarif() -> Result<PathBuf, String> {
    let executable = format!("clippy-sarif{}", std::env::consts::EXE_SUFFIX);
    let root = repo_root().join("target/tools");
    let installed = root.join("bin").join(&executable);
    if let Some(found) = tool(&executable, &installed) {
        return Ok(found);
    }
    eprintln!(
        "note: installing clippy-sarif into {} (once; this takes a minute or two)",
        root.display()
    );
    let output = Command::new("cargo")
        .args(["install", "clippy-sarif", "--locked", "--root"])
        .arg(&root)
        .output()
        .map_err(|error| format!("could not run `cargo install clippy-sarif`: {error}"))?;
    if !output.status.success() || !installed.is_file() {
        return Err(format!(
            "`cargo install clippy-sarif --locked --root {}` failed ({}):\n{}",
            root.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(installed)
}

#[test]
fn clippy_sarif_reads_the_findings() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    let run = objlint(&tree.root, &["--message-format", "json"]);
    run.assert_code(1);

    let mut child = Command::new(clippy_sarif())
        .current_dir(&tree.root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start clippy-sarif");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(run.stdout.as_bytes())
        .expect("write objlint's JSON to clippy-sarif");
    let output = child.wait_with_output().expect("wait for clippy-sarif");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "clippy-sarif failed: {stderr}\n{run}"
    );
    let sarif: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("clippy-sarif wrote no JSON ({error}): {stderr}"));

    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for rule in [
        "objlint::non_unique_object_name",
        "objlint::unchecked_already_exists",
    ] {
        let found = results.iter().any(|result| {
            let location = &result["locations"][0]["physicalLocation"];
            result["ruleId"] == rule
                && location["artifactLocation"]["uri"]
                    .as_str()
                    .is_some_and(|uri| uri.ends_with("src/main.rs"))
                && location["region"]["startLine"] == CLASH_CALL_LINE
        });
        assert!(
            found,
            "SARIF lacks a {rule} result at src/main.rs:{CLASH_CALL_LINE}:\n{sarif:#}\n{run}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Which files a run checks: ignore files, nested packages and workspaces (issue 14, 15).

/// A package whose `src/main.rs` has the finding `Checked`, with a file of the finding `name`
/// at each of `others`.
fn package_with_others(others: &[(&str, &str)]) -> Tree {
    let mut tree = Tree::package("walked").file("src/main.rs", mapping_named("Checked"));
    for (path, name) in others {
        tree = tree.file(path, mapping_named(name));
    }
    tree
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .stdout(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

#[test]
fn ignore_files_are_honoured_as_ripgrep_honours_them_and_no_ignore_turns_them_off() {
    let tree = package_with_others(&[
        ("src/generated/out.rs", "InGitignore"),
        ("src/local/scratch.rs", "InInfoExclude"),
        ("src/copied/copy.rs", "InDotIgnore"),
        ("src/global/global.rs", "InGlobalExcludes"),
    ])
    .file(".gitignore", "/src/generated/\n")
    .file(".ignore", "copied/\n")
    .file(".config/git/ignore", "global/\n");
    git(&tree.root, &["init", "-q"]);
    fs::write(tree.path(".git/info/exclude"), "scratch.rs\n").expect("write the exclude file");
    let run_with = |args: &[&str]| {
        Run::of(
            Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
                .args(args)
                .current_dir(&tree.root)
                .env("HOME", &tree.root)
                .env("XDG_CONFIG_HOME", tree.path(".config")),
        )
    };
    let ignored = [
        "InGitignore",
        "InInfoExclude",
        "InDotIgnore",
        "InGlobalExcludes",
    ];
    let run = run_with(&[]);
    run.assert_code(1)
        .assert_stderr_has(&name_finding("Checked"));
    for name in ignored {
        run.assert_stderr_lacks(name);
    }
    // From a subdirectory, the rules of the directories above still apply.
    run_with(&["src"]).assert_stderr_lacks("InGitignore");
    let run = run_with(&["--no-ignore"]);
    for name in ignored {
        run.assert_stderr_has(&name_finding(name));
    }
    // A file given as a path is checked whatever the ignore files say.
    run_with(&["src/generated/out.rs"])
        .assert_code(1)
        .assert_stderr_has(&name_finding("InGitignore"));
}

#[test]
fn nested_packages_outside_the_workspace_are_checked_only_when_given() {
    let tree = Tree::new()
        .file(
            "Cargo.toml",
            workspace_manifest(&["crates/*"]) + "exclude = [\"crates/excluded\"]\n",
        )
        .file("crates/a/Cargo.toml", manifest("a"))
        .file("crates/a/src/lib.rs", mapping_named("MemberA"))
        .file("crates/excluded/Cargo.toml", manifest("excluded"))
        .file("crates/excluded/src/lib.rs", mapping_named("Excluded"))
        .file("vendor/copy/Cargo.toml", manifest("copy"))
        .file("vendor/copy/src/lib.rs", mapping_named("VendoredCopy"))
        .file(
            "crates/a/nested/Cargo.toml",
            "[workspace]\n[package]\nname = \"nested\"\nversion = \"0.1.0\"\n",
        )
        .file(
            "crates/a/nested/src/lib.rs",
            mapping_named("NestedWorkspace"),
        );
    let run = objlint(&tree.root, &[]);
    run.assert_code(1)
        .assert_stderr_has(&name_finding("MemberA"));
    for foreign in ["Excluded", "VendoredCopy", "NestedWorkspace"] {
        run.assert_stderr_lacks(foreign);
    }
    // Given as a path, each is checked; run inside it, it alone is.
    for (path, name) in [
        ("vendor/copy", "VendoredCopy"),
        ("crates/excluded", "Excluded"),
        ("crates/a/nested", "NestedWorkspace"),
    ] {
        objlint(&tree.root, &[path]).assert_stderr_has(&name_finding(name));
        let inside = objlint(&tree.path(path), &[]);
        inside
            .assert_code(1)
            .assert_stderr_has(&name_finding(name))
            .assert_stderr_lacks("MemberA")
            .assert_stderr_has("in 1 file checked");
    }
}
