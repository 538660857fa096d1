//! Hostile input (issue 6): whatever a tree holds, objlint reports it with its path (and place),
//! keeps checking every other file, exits 2 when it could not check something, never panics,
//! never runs anything from the tree, and prints nothing that acts on the reader's terminal or
//! CI. Each test builds its tree and runs the built binary, as `cli` does.

use std::fmt::Write as _;
use std::fs;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::{symlink, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cli::{manifest, mapping_named, name_finding, objlint, Run, Tree, CLASH_MAIN};

/// The real finding every mixed tree holds, and that must always be reported.
fn assert_real_finding(run: &Run) {
    run.assert_stderr_has("src/main.rs:")
        .assert_stderr_has(&name_finding("MyFileMapping"));
}

/// No run may end in a panic or a signal, whatever the input.
#[track_caller]
fn assert_no_crash(run: &Run) {
    assert!(run.code.is_some(), "killed by a signal\n{run}");
    assert!(!run.stderr.contains("panicked"), "panicked\n{run}");
    assert!(!run.stderr.contains("stack overflow"), "overflowed\n{run}");
}

/// A file that mentions an API inside `depth` nested `open`…`close` pairs.
fn nested(depth: usize, open: &str, close: &str) -> String {
    format!(
        "fn deep() {{ let _ = unsafe {{ CreateMutexW(None, true, w!(\"Lock\")) }}; let _ = {}0{}; }}\n",
        open.repeat(depth),
        close.repeat(depth)
    )
}

#[test]
fn a_tree_mixing_every_hostile_input_reports_the_real_finding_and_exits_2() {
    let tree = Tree::package("hostile")
        .file("src/main.rs", CLASH_MAIN)
        .file("src/latin1.rs", b"fn f() { CreateMutexW }\n// caf\xe9\n")
        .file("src/bom.rs", "\u{feff}fn f() {}\n")
        .file("src/empty.rs", "")
        .file("src/crlf.rs", "fn f() {\r\n}\n\r\n")
        .file("src/broken.rs", "fn broken( { CreateEventW\n")
        .file(
            "src/newer.rs",
            "fn f() { let _ = gen { yield CreateEventW(); }; }\n",
        )
        .file("src/parens.rs", nested(100_000, "(", ")"))
        .file("src/blocks.rs", nested(100_000, "{", "}"))
        .file(
            "src/nots.rs",
            format!("fn f() {{ CreateEventW({}x); }}\n", "!".repeat(100_000)),
        )
        .file(
            "src/binary.rs",
            b"\x7fELF\x02\x01\x01\0\0\0\0\0\xff\xfe CreateMutexW\0\0",
        )
        .file("src/nul.rs", "fn f() {}\0\0\0 CreateMutexW\n")
        .dir("src/x.rs");
    symlink("loop", tree.path("src/loop")).expect("make a symlink loop");
    symlink("missing.rs", tree.path("src/dangling.rs")).expect("make a dangling symlink");
    symlink(".", tree.path("src/self")).expect("make a directory loop");
    let run = objlint(&tree.root, &[]);
    assert_no_crash(&run);
    run.assert_code(2);
    assert_real_finding(&run);
    for (path, why) in [
        (
            "src/latin1.rs",
            "not valid UTF-8 (invalid byte at line 2, column 7)",
        ),
        ("src/broken.rs", "could not parse this file"),
        ("src/parens.rs", "nests deeper than objlint parses"),
        ("src/blocks.rs", "nests deeper than objlint parses"),
        ("src/nots.rs", "nests deeper than objlint parses"),
        ("src/binary.rs", "not valid UTF-8"),
        ("src/nul.rs", "could not parse this file"),
        ("src/dangling.rs", "No such file or directory"),
    ] {
        let reported = run
            .stderr
            .lines()
            .any(|line| line.contains(path) && line.contains(why));
        assert!(
            reported,
            "expected `{path}` to be reported with `{why}`\n{run}"
        );
    }
    // Links that cannot be followed and are not named like a source file hide no Rust, and a
    // link back to a directory the walk is in hides nothing new: neither is reported.
    for quiet in ["src/loop", "src/self"] {
        assert!(
            !run.stderr.lines().any(|line| line.contains(quiet)),
            "`{quiet}` hides nothing and is not reported\n{run}"
        );
    }
    // Each error has its place.
    for place in [
        "src/broken.rs:1:",
        "src/parens.rs:1:",
        "src/blocks.rs:1:",
        "src/nots.rs:1:",
        "src/nul.rs:1:",
    ] {
        run.assert_stderr_has(place);
    }
    // A walk that loops is reported once where it loops, and the walk goes on; a directory
    // named like a Rust file is walked, not read.
    run.assert_stderr_lacks("src/self/self")
        .assert_stderr_lacks("src/x.rs:");
    assert!(
        !run.stderr.contains('\u{0}'),
        "a NUL from the source reached the terminal\n{run}"
    );
}

#[test]
fn each_hostile_input_alone_says_what_is_wrong_and_where() {
    let cases: Vec<(&str, Vec<u8>, i32, &str)> = vec![
        ("empty.rs", Vec::new(), 0, "in 1 file checked"),
        ("bom-only.rs", "\u{feff}".into(), 0, "in 1 file checked"),
        (
            "latin1.rs",
            b"// caf\xe9\nfn f() {}\n".to_vec(),
            2,
            "latin1.rs: this file is not valid UTF-8 (invalid byte at line 1, column 7)",
        ),
        (
            "broken.rs",
            b"fn f() { let x = ; CreateMutexW(); }\n".to_vec(),
            2,
            "broken.rs:1:18",
        ),
        ("deep.rs", nested(100_000, "[", "]").into(), 2, "deep.rs:1:"),
        (
            "closures.rs",
            format!("fn f() {{ CreateEventW({}0); }}\n", "|| ".repeat(100_000)).into(),
            2,
            "nests deeper",
        ),
        (
            "else.rs",
            format!(
                "fn f() {{ CreateEventW(); if a {{}}{} }}\n",
                " else if a {}".repeat(100_000)
            )
            .into(),
            2,
            "nests deeper",
        ),
    ];
    for (name, contents, code, needle) in cases {
        let tree = Tree::new().file(name, &contents);
        let run = objlint(&tree.root, &[name]);
        assert_no_crash(&run);
        run.assert_code(code).assert_stderr_has(needle);
    }
}

#[test]
fn deeply_nested_files_without_an_api_are_only_scanned() {
    // Nothing in them can be a finding, so they are not parsed, deep or not; one that holds a
    // suppression comment is not parsed for it either.
    let tree = Tree::new()
        .file(
            "blocks.rs",
            format!("fn f() {}{}", "{".repeat(100_000), "}".repeat(100_000)),
        )
        .file(
            "noted.rs",
            format!(
                "// objlint: allow-file(non_unique_object_name)\nfn f() {}{}",
                "(".repeat(100_000),
                ")".repeat(100_000)
            ),
        );
    let run = objlint(&tree.root, &["blocks.rs", "noted.rs"]);
    assert_no_crash(&run);
    run.assert_code(0).assert_stderr_has("in 2 files checked");
}

#[test]
fn nesting_real_code_reaches_is_parsed_in_full() {
    // 300 levels: deeper than any file of the vendored crates measured, well under the limit.
    let tree = Tree::package("nested").file(
        "src/main.rs",
        format!(
            "fn main() {{ let _ = {}unsafe {{ CreateMutexW(None, true, w!(\"Lock\")) }}{}; }}\n",
            "(".repeat(300),
            ")".repeat(300)
        ),
    );
    let run = objlint(&tree.root, &[]);
    run.assert_code(1)
        .assert_stderr_has("mutex name `Lock` has no unique part");
}

#[test]
fn library_callers_on_small_stacks_survive_deep_input() {
    // The test harness's threads have 2 MiB stacks; parsing happens on objlint's own threads.
    let text = nested(100_000, "(", ")");
    let file = objlint::scan::source::SourceFile::new("deep.rs", text);
    let error = objlint::check_source(&file, "deep").expect_err("too deep to parse");
    assert!(error.message().contains("nests deeper"), "{error}");
    assert!(error.span().is_some(), "the error has a place");
}

#[test]
fn a_fifty_megabyte_file_is_checked_and_its_one_finding_reported() {
    let mut text = String::with_capacity(52 << 20);
    let mut index = 0usize;
    while text.len() < 25 << 20 {
        let _ = writeln!(
            text,
            "pub fn filler_{index}(x: u32) -> u32 {{ x.wrapping_mul({index}) }}"
        );
        index += 1;
    }
    text.push_str(CLASH_MAIN);
    while text.len() < 50 << 20 {
        let _ = writeln!(
            text,
            "pub const FILLER_{index}: &str = \"not a name {index}\";"
        );
        index += 1;
    }
    let tree = Tree::new().file("huge.rs", &text);
    let started = Instant::now();
    let run = objlint(&tree.root, &["huge.rs"]);
    assert_no_crash(&run);
    run.assert_code(1)
        .assert_stderr_has(&name_finding("MyFileMapping"))
        .assert_stderr_has("huge.rs:");
    // Generous for a debug build on a busy machine; whole-file parsing took minutes.
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn columns_count_characters_after_tabs_wide_characters_and_mixed_line_endings() {
    let source = "// 漢字 and 🦀\r\nfn a() {}\n\r\nfn main() {\r\n\t/* 🦀🦀 */ let _m = unsafe { CreateMutexW(None, true, w!(\"Lock\")) };\r\n}\r\n";
    let tree = Tree::package("columns").file("src/main.rs", source);
    let run = objlint(&tree.root, &["--message-format", "json"]);
    let finding = run.json_message("mutex name `Lock`");
    let span = &finding["message"]["spans"][0];
    let line = source.split('\n').nth(4).expect("line 5");
    let column = line[..line.find("w!").expect("the name")].chars().count() + 1;
    assert_eq!(span["line_start"], 5, "{finding:#}");
    assert_eq!(
        span["column_start"].as_u64(),
        Some(column as u64),
        "{finding:#}"
    );
    let human = objlint(&tree.root, &["--color", "never"]);
    human.assert_stderr_has(&format!("src/main.rs:5:{column}"));
}

#[test]
fn a_non_utf8_file_name_is_reported_and_json_stays_valid() {
    let tree = Tree::package("names");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.rs");
    fs::create_dir_all(tree.path("src")).expect("src");
    fs::write(tree.path("src").join(name), CLASH_MAIN).expect("write a non-UTF-8 file name");
    let run = objlint(&tree.root, &[]);
    assert_no_crash(&run);
    run.assert_code(1).assert_stderr_has("src/caf\u{fffd}.rs:");
    let json = objlint(&tree.root, &["--message-format", "json"]);
    json.assert_code(1);
    assert!(
        !json
            .json_findings("objlint::non_unique_object_name")
            .is_empty(),
        "{json}"
    );
    let sarif = objlint(&tree.root, &["--format", "sarif"]);
    serde_json::from_str::<Value>(&sarif.stdout).expect("SARIF is JSON");
}

#[test]
fn permission_denied_is_reported_and_the_rest_checked() {
    let tree = Tree::package("locked")
        .file("src/main.rs", CLASH_MAIN)
        .file("src/secret.rs", "fn f() {}\n")
        .dir("src/sealed")
        .file("src/sealed/inner.rs", "fn f() {}\n");
    fs::set_permissions(
        tree.path("src/secret.rs"),
        fs::Permissions::from_mode(0o000),
    )
    .expect("chmod");
    fs::set_permissions(tree.path("src/sealed"), fs::Permissions::from_mode(0o000)).expect("chmod");
    let run = if is_root() {
        // Root reads anything: run objlint as `nobody` (std drops the supplementary groups with
        // the user), who must be able to reach the tree. No skip: a tree `nobody` cannot reach is
        // a failure that says how to run the test.
        let mut ancestor = tree.root.as_path();
        fs::set_permissions(ancestor, fs::Permissions::from_mode(0o755)).expect("chmod the tree");
        while let Some(parent) = ancestor.parent() {
            ancestor = parent;
            let mode = fs::metadata(ancestor).map_or(0, |metadata| metadata.permissions().mode());
            assert!(
                mode & 0o001 != 0,
                "as root this test runs objlint as `nobody`, who cannot reach {}: set TMPDIR to a \
                 directory every user can traverse (such as /tmp)",
                ancestor.display()
            );
        }
        for path in ["Cargo.toml", "src/main.rs"] {
            fs::set_permissions(tree.path(path), fs::Permissions::from_mode(0o644)).expect("chmod");
        }
        fs::set_permissions(tree.path("src"), fs::Permissions::from_mode(0o755)).expect("chmod");
        Run::of(
            Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
                .uid(NOBODY)
                .gid(NOBODY)
                .current_dir(&tree.root),
        )
    } else {
        objlint(&tree.root, &[])
    };
    fs::set_permissions(tree.path("src/sealed"), fs::Permissions::from_mode(0o755))
        .expect("restore");
    assert_no_crash(&run);
    run.assert_code(2)
        .assert_stderr_has("src/secret.rs: failed to read this file: Permission denied")
        .assert_stderr_has("src/sealed: Permission denied");
    assert_real_finding(&run);
}

/// The user and group id of `nobody` on Linux and the BSDs.
const NOBODY: u32 = 65534;

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.trim_ascii() == b"0")
}

#[test]
fn files_deleted_or_truncated_during_the_run_are_reported_never_a_panic() {
    // The race is real: a thread deletes and truncates files while objlint reads them. Whatever
    // it wins, each file is either checked or reported as unreadable, and the run ends normally.
    for round in 0..5 {
        let mut tree = Tree::package("racy").file("src/main.rs", CLASH_MAIN);
        for index in 0..400 {
            tree = tree.file(&format!("src/m{index}.rs"), format!("fn f() {{ let _ = unsafe {{ CreateMutexW(None, true, w!(\"Lock{index}\")) }}; }}\n"));
        }
        let root = tree.root.clone();
        let vandal = std::thread::spawn(move || {
            for index in (0..400).rev() {
                let path = root.join(format!("src/m{index}.rs"));
                if index % 2 == 0 {
                    let _ = fs::remove_file(path);
                } else {
                    let _ = fs::write(path, "fn f() { Create");
                }
            }
        });
        let run = objlint(&tree.root, &["--jobs", "2"]);
        vandal.join().expect("the vandal thread finishes");
        assert_no_crash(&run);
        assert!(matches!(run.code, Some(1 | 2)), "round {round}\n{run}");
        assert_real_finding(&run);
        for line in run
            .stderr
            .lines()
            .filter(|line| line.contains("failed to read"))
        {
            assert!(
                line.contains("src/m"),
                "an unreadable file is named: {line}\n{run}"
            );
        }
    }
}

#[test]
fn control_characters_in_names_and_paths_never_reach_the_terminal_or_ci_raw() {
    let evil_name = "Bad\u{1b}]0;pwned\u{7}\u{1b}[2J\r\n::error::injected";
    let source = format!(
        "fn main() {{ let _ = unsafe {{ CreateMutexW(None, true, w!(\"{}\")) }}; }}\n",
        evil_name.escape_default()
    );
    let raw_source = "fn main() { let _ = unsafe { CreateEventW(None, true, false, w!(\"Raw\u{1b}[31mRed\")) }; }\n";
    let tree = Tree::package("evil")
        .file("src/main.rs", &source)
        .file("src/raw.rs", raw_source);
    let path_name = std::ffi::OsStr::from_bytes(b"ev\x1b[31mil\n::error::x.rs");
    fs::write(tree.path("src").join(path_name), &source).expect("write a file named with escapes");
    for format in ["human", "short"] {
        let run = objlint(&tree.root, &["--format", format, "--color", "never"]);
        assert_no_crash(&run);
        run.assert_code(1);
        assert!(
            !run.stderr.contains('\u{1b}')
                && !run.stderr.contains('\u{7}')
                && !run.stderr.contains('\r'),
            "raw control characters in {format} output\n{run}"
        );
        run.assert_stderr_has("Bad\\u{1b}]0;pwned\\u{7}")
            .assert_stderr_has("ev\\u{1b}[31mil\\n::error::x.rs");
    }
    let json = objlint(&tree.root, &["--message-format", "json"]);
    assert!(
        json.json_findings("objlint::non_unique_object_name").len() >= 3,
        "{json}"
    );
    let sarif = objlint(&tree.root, &["--format", "sarif"]);
    serde_json::from_str::<Value>(&sarif.stdout).expect("SARIF is JSON");
    let gitlab = objlint(&tree.root, &["--format", "gitlab"]);
    serde_json::from_str::<Value>(&gitlab.stdout).expect("the GitLab report is JSON");
    let github = objlint(&tree.root, &["--format", "github"]);
    for line in github.stdout.lines() {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "a line that is not one of objlint's commands: {line:?}\n{github}"
        );
    }
    assert!(
        github.stdout.contains("il%0A%3A%3Aerror%3A%3Ax.rs,"),
        "a line feed in a file name is escaped as the Actions toolkit does\n{github}"
    );
}

#[test]
fn nothing_from_the_checked_repository_runs() {
    // A build script, a proc macro and a `cargo`/`rustc` first on PATH would each leave a
    // marker if objlint ran them.
    let marker =
        |tool: &str| format!("#!/bin/sh\ntouch \"$(dirname \"$0\")/../ran-{tool}\"\nexit 1\n");
    let tree = Tree::new()
        .file("Cargo.toml", format!("{}build = \"build.rs\"\n\n[lib]\nproc-macro = true\n", manifest("runs")))
        .file("build.rs", "fn main() { std::fs::write(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/ran-build\"), \"\").unwrap(); }\n")
        .file("src/lib.rs", CLASH_MAIN)
        .file(".cargo/config.toml", "[build]\nrustc-wrapper = \"bin/rustc\"\n[alias]\nobjlint = \"run --bin evil\"\n")
        .file("bin/cargo", marker("cargo"))
        .file("bin/rustc", marker("rustc"));
    for tool in ["cargo", "rustc"] {
        fs::set_permissions(
            tree.path(&format!("bin/{tool}")),
            fs::Permissions::from_mode(0o755),
        )
        .expect("chmod");
    }
    let path = format!(
        "{}:{}",
        tree.path("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for args in [&[][..], &["--message-format", "json"], &["--fix", "--diff"]] {
        let run = Run::of(
            Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
                .args(args)
                .current_dir(&tree.root)
                .env("PATH", &path),
        );
        assert_no_crash(&run);
        assert!(run.code == Some(1), "{run}");
    }
    for tool in ["build", "cargo", "rustc"] {
        assert!(
            !tree.path(&format!("ran-{tool}")).exists(),
            "objlint ran the repository's {tool}"
        );
    }
}

#[test]
fn configured_regexes_run_in_linear_time() {
    // `(a*)*b` backtracks exponentially in a backtracking engine; the `regex` crate guarantees
    // time linear in the pattern and the input.
    let name = "a".repeat(50_000);
    let tree = Tree::package("regex")
        .file(
            "objlint.toml",
            "unique-name-patterns = [\"(a*)*b\", \"^(a|aa)+$x\"]\n",
        )
        .file(
            "src/main.rs",
            format!(
                "fn main() {{ let _ = unsafe {{ CreateMutexW(None, true, w!(\"{name}\")) }}; }}\n"
            ),
        );
    let started = Instant::now();
    let run = objlint(&tree.root, &[]);
    assert_no_crash(&run);
    run.assert_code(1);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn jobs_do_not_change_the_report() {
    let mut tree = Tree::package("jobs").file("src/main.rs", CLASH_MAIN);
    for index in 0..50 {
        tree = tree.file(&format!("src/m{index}.rs"), format!("fn f() {{ let _ = unsafe {{ CreateMutexW(None, true, w!(\"Lock{index}\")) }}; }}\n"));
    }
    let strip_time = |run: &Run| {
        run.stderr
            .rsplit_once(" (")
            .map(|(before, _)| before.to_owned())
            .unwrap_or_default()
    };
    let one = objlint(&tree.root, &["--jobs", "1", "--color", "never"]);
    let many = objlint(&tree.root, &["-j", "4", "--color", "never"]);
    one.assert_code(1);
    assert_eq!(
        strip_time(&one),
        strip_time(&many),
        "--jobs changed the report"
    );
}

#[test]
fn hostile_paths_given_on_the_command_line_are_errors_with_their_path() {
    let tree = Tree::new().dir("dir.rs").file("ok.rs", "fn f() {}\n");
    symlink("nowhere.rs", tree.path("dangling.rs")).expect("symlink");
    let run = objlint(&tree.root, &["dir.rs", "dangling.rs", "ok.rs"]);
    assert_no_crash(&run);
    run.assert_code(2)
        .assert_stderr_has("dir.rs: no Rust source file")
        .assert_stderr_has("dangling.rs: No such file or directory")
        .assert_stderr_has("in 1 file checked");
}

/// Which of the binary's outputs a run finds closed by its reader.
#[derive(Clone, Copy, Debug)]
enum Closed {
    Stdout,
    Stderr,
}

/// Runs the binary in `dir` with `closed` a pipe whose reader has gone (`objlint … | head -0`),
/// and returns its exit status and the output it could write on the other stream.
fn objlint_with_closed(dir: &std::path::Path, args: &[&str], closed: Closed) -> Run {
    // The write end of a pipe whose reader has exited without reading.
    let mut reader = Command::new("true")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("run true");
    let writer = reader.stdin.take().expect("the pipe's write end");
    reader.wait().expect("true exits");
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-objlint"));
    command.args(args).current_dir(dir);
    match closed {
        Closed::Stdout => command.stdout(writer),
        Closed::Stderr => command.stderr(writer),
    };
    Run::of(&mut command)
}

#[test]
fn a_closed_pipe_never_turns_findings_into_success() {
    let tree = Tree::package("pipe").file("src/main.rs", CLASH_MAIN);
    for (format, closed) in [
        ("human", Closed::Stderr),
        ("short", Closed::Stderr),
        ("json", Closed::Stdout),
        ("sarif", Closed::Stdout),
        ("github", Closed::Stdout),
        ("gitlab", Closed::Stdout),
    ] {
        let run = objlint_with_closed(&tree.root, &["--format", format], closed);
        assert_no_crash(&run);
        assert_eq!(
            run.code,
            Some(1),
            "--format {format}, {closed:?} closed\n{run}"
        );
    }
    // `--fix --diff` exits 1 when there is something to change, as `rustfmt --check` does.
    let run = objlint_with_closed(&tree.root, &["--fix", "--diff"], Closed::Stdout);
    assert_no_crash(&run);
    run.assert_code(1);
}

#[test]
fn a_closed_stderr_is_never_a_panic() {
    let tree = Tree::package("stderr").file("src/main.rs", CLASH_MAIN);
    for (args, code) in [
        (&["--write-baseline", "objlint-baseline.toml"][..], 0),
        (&["--config", "missing.toml"], 2),
        (&["--baseline", "missing.toml"], 2),
    ] {
        let run = objlint_with_closed(&tree.root, args, Closed::Stderr);
        assert_eq!(run.code, Some(code), "{args:?} with stderr closed\n{run}");
    }
    // The unchecked result stays a finding after the rename: exit 1.
    let tree = Tree::package("stderr").file("src/main.rs", CLASH_MAIN);
    let run = objlint_with_closed(&tree.root, &["--fix"], Closed::Stderr);
    assert_eq!(run.code, Some(1), "--fix with stderr closed\n{run}");
    assert!(
        tree.read("src/main.rs").contains("MyFileMapping-"),
        "--fix must apply its renames though it cannot say so"
    );
}

#[test]
fn absurd_job_counts_are_refused_with_a_reason() {
    let tree = Tree::package("jobs").file("src/main.rs", CLASH_MAIN);
    objlint(&tree.root, &["-j", "40000"])
        .assert_code(2)
        .assert_stderr_has("invalid value '40000' for '--jobs <N>': 40000 is not in 0..=256");
    objlint(&tree.root, &["-j", "256"]).assert_code(1);
}

#[test]
fn the_baseline_is_never_written_through_a_committed_symlink() {
    let outside = Tree::new().file("bashrc", "export PS1='$ '\n");
    let tree = Tree::package("linked").file(
        "src/main.rs",
        CLASH_MAIN.replace("MyFileMapping", "$(touch PWNED)\\\"\\nx = 1"),
    );
    symlink(outside.path("bashrc"), tree.path("objlint-baseline.toml")).expect("symlink");
    objlint(&tree.root, &["--write-baseline", "objlint-baseline.toml"])
        .assert_code(2)
        .assert_stderr_has("objlint-baseline.toml: it is a symbolic link");
    assert_eq!(
        outside.read("bashrc"),
        "export PS1='$ '\n",
        "the link's target was written"
    );

    // Written in place of the link's removal, the file holds the name as a TOML string, read
    // back as it was, and no temporary file is left beside it.
    fs::remove_file(tree.path("objlint-baseline.toml")).expect("remove the link");
    objlint(&tree.root, &["--write-baseline", "objlint-baseline.toml"]).assert_code(0);
    let written: toml::Table = toml::from_str(&tree.read("objlint-baseline.toml")).expect("TOML");
    assert_eq!(
        written["finding"][0]["name"].as_str(),
        Some("$(touch PWNED)\"\nx = 1"),
        "{written}"
    );
    let left: Vec<_> = fs::read_dir(&tree.root)
        .expect("list the tree")
        .map(|entry| entry.expect("an entry").file_name())
        .collect();
    assert_eq!(left.len(), 3, "{left:?}");
}

#[test]
fn fix_keeps_to_the_tree_and_to_each_files_identity() {
    use std::os::unix::fs::MetadataExt as _;
    let outside = Tree::new()
        .file("linked.rs", mapping_named("LinkedOut"))
        .file("dir/ext.rs", mapping_named("ThroughDir"));
    let tree = Tree::package("identity")
        .file("src/main.rs", mapping_named("Owned"))
        .file(".shared/target.rs", mapping_named("LinkedIn"))
        .file("src/hard.rs", mapping_named("HardLinked"))
        .file("src/ro.rs", mapping_named("ReadOnly"));
    symlink("../.shared/target.rs", tree.path("src/alias.rs")).expect("symlink in the tree");
    symlink(outside.path("linked.rs"), tree.path("src/out.rs")).expect("symlink out");
    symlink(outside.path("dir"), tree.path("src/ext")).expect("directory symlink out");
    fs::create_dir(tree.path(".links")).expect("mkdir");
    fs::hard_link(tree.path("src/hard.rs"), tree.path(".links/hard.rs")).expect("hard link");
    fs::set_permissions(tree.path("src/ro.rs"), fs::Permissions::from_mode(0o444)).expect("chmod");
    // Run as root, objlint could give a file to root; as another user it could not keep a
    // foreign owner at all. The owner is checked by number, whoever runs the test.
    let main = tree.path("src/main.rs");
    std::os::unix::fs::chown(&main, Some(4321), Some(4322)).expect("chown (tests run as root)");
    fs::set_permissions(&main, fs::Permissions::from_mode(0o640)).expect("chmod");

    let run = objlint(&tree.root, &["--fix"]);
    assert_no_crash(&run);
    // Links that lead out of the tree are not followed by the walk (issue 17, item 1), so
    // what lies behind them is neither read nor fixed.
    run.assert_code(2)
        .assert_stderr_lacks("LinkedOut")
        .assert_stderr_lacks("ThroughDir")
        .assert_stderr_has("src/hard.rs: not fixed: it has 2 hard links")
        .assert_stderr_has("src/ro.rs: not fixed: it is read-only");

    // Outside the tree, nothing changed and nothing was put there.
    assert_eq!(outside.read("linked.rs"), mapping_named("LinkedOut"));
    assert_eq!(outside.read("dir/ext.rs"), mapping_named("ThroughDir"));
    assert_eq!(fs::read_dir(outside.path("dir")).expect("list").count(), 1);
    // Refused files are as they were.
    assert_eq!(tree.read("src/hard.rs"), mapping_named("HardLinked"));
    assert_eq!(tree.read("src/ro.rs"), mapping_named("ReadOnly"));
    // A link inside the tree stays a link, and its target is edited.
    assert!(fs::symlink_metadata(tree.path("src/alias.rs"))
        .expect("stat")
        .file_type()
        .is_symlink());
    assert!(
        tree.read(".shared/target.rs").contains("LinkedIn-"),
        "the link's target was not fixed"
    );
    // The rewritten file keeps its owner, group and mode.
    assert!(
        tree.read("src/main.rs").contains("Owned-"),
        "src/main.rs was not fixed"
    );
    let metadata = fs::metadata(&main).expect("stat");
    assert_eq!((metadata.uid(), metadata.gid()), (4321, 4322));
    assert_eq!(metadata.mode() & 0o7777, 0o640);
}

#[test]
fn fix_never_renames_into_a_name_already_in_use() {
    let taken = format!(
        "AppLock-{}",
        objlint::names::unique::suggested_guid("merge", "AppLock")
    );
    let mutex = |name: &str| {
        format!("pub fn lock() {{\n    let _m = unsafe {{ CreateMutexW(None, true, w!(\"{name}\")) }};\n}}\n")
    };
    let tree = Tree::package("merge")
        .file("src/a.rs", mutex("AppLock"))
        .file("src/b.rs", mutex(&taken));
    let column = mutex(&taken)
        .lines()
        .nth(1)
        .and_then(|line| line.find(&taken))
        .expect("the name")
        + 1;
    objlint(&tree.root, &["--fix"])
        .assert_code(1)
        .assert_stderr_has("warning: not renaming `AppLock`: run with --fix-unsafe")
        .assert_stderr_has(&format!(
            "--> src/b.rs:2:{column}: the new name already appears here: the rename would make two objects one"
        ));
    assert_eq!(
        tree.read("src/a.rs"),
        mutex("AppLock"),
        "the two mutexes were merged"
    );
}

/// No terminal escape, bell or carriage return in `text`.
#[track_caller]
fn assert_inert(text: &str, what: &str, run: &Run) {
    assert!(
        !text.contains(['\u{1b}', '\u{7}', '\r']),
        "raw control characters in {what}\n{run}"
    );
}

#[test]
fn every_message_from_the_tree_is_escaped_before_it_reaches_a_terminal() {
    const ESCAPES: &str = "\u{1b}]0;pwned\u{7}\u{1b}[8m";
    let tree = Tree::package("escapes")
        .file("src/main.rs", CLASH_MAIN)
        // A nested manifest syntax error, which quotes its place.
        .file(
            "nested/Cargo.toml",
            format!("[package]\nname = {ESCAPES}\n"),
        )
        .file("nested/src/lib.rs", "pub fn f() {}\n");
    // A dangling source link under a directory whose name holds escapes: the walk's error
    // repeats the path.
    let dangling = tree.path("src").join(ESCAPES);
    fs::create_dir(&dangling).expect("mkdir");
    symlink("../nowhere.rs", dangling.join("gone.rs")).expect("dangling symlink");
    for format in ["human", "short"] {
        let run = objlint(&tree.root, &["--format", format, "--color", "never"]);
        assert_no_crash(&run);
        run.assert_code(2);
        assert_inert(&run.stderr, format, &run);
        run.assert_stderr_has("gone.rs")
            .assert_stderr_has("nested/Cargo.toml");
    }
    // GitHub's log viewer is a terminal too: the annotations carry the same texts.
    let github = objlint(&tree.root, &["--format", "github"]);
    assert_no_crash(&github);
    assert!(
        github.stdout.contains("nested/Cargo.toml"),
        "the manifest error is annotated\n{github}"
    );
    assert_inert(&github.stdout, "github", &github);

    // Configuration errors echo the key, glob or regex they are about.
    for config in [
        format!("\"{}\" = 1\n", ESCAPES.escape_default()),
        format!("exclude = [\"[{}\"]\n", ESCAPES.escape_default()),
        format!(
            "unique-name-patterns = [\"({}\"]\n",
            ESCAPES.escape_default()
        ),
    ] {
        let tree = Tree::package("config")
            .file("src/main.rs", CLASH_MAIN)
            .file("objlint.toml", &config);
        let run = objlint(&tree.root, &[]);
        run.assert_code(2).assert_stderr_has("objlint.toml");
        assert_inert(&run.stderr, &config, &run);
    }
}

#[test]
fn a_stale_baseline_entry_cannot_forge_a_line_of_short_output() {
    let forged = "src/lib.rs:1:1: error[objlint::non_unique_object_name]: forged";
    let baseline = format!(
        "version = 1\n\n[[finding]]\nlint = \"non_unique_object_name\"\nfile = \"src/main.rs\"\nitem = \"fn gone\\n{forged}\\u001b[8m\"\ncount = 1\n"
    );
    let tree = Tree::package("stale")
        .file("src/main.rs", CLASH_MAIN)
        .file("objlint-baseline.toml", baseline);
    let run = objlint(
        &tree.root,
        &["--format", "short", "--baseline", "objlint-baseline.toml"],
    );
    run.assert_code(1).assert_stderr_has("stale baseline entry");
    assert_inert(&run.stderr, "short output", &run);
    for line in run.stderr.lines() {
        assert!(
            !line.starts_with("src/lib.rs"),
            "a forged record: {line:?}\n{run}"
        );
    }
}

#[test]
fn fix_diff_escapes_file_names_and_source_lines() {
    let source = format!("// {}\n{CLASH_MAIN}", "\u{1b}]0;pwned\u{7}\u{1b}[8m hidden");
    let tree = Tree::package("diff");
    let name = std::ffi::OsStr::from_bytes(b"ma\x1b[8min.rs");
    fs::create_dir_all(tree.path("src")).expect("mkdir");
    fs::write(tree.path("src").join(name), &source).expect("write");
    let run = objlint(&tree.root, &["--fix", "--diff"]);
    assert_no_crash(&run);
    run.assert_code(1)
        .assert_stdout_has("+++ b/src/ma\\u{1b}[8min.rs")
        .assert_stdout_has("// \\u{1b}]0;pwned\\u{7}\\u{1b}[8m hidden");
    assert_inert(&run.stdout, "the diff", &run);
}

#[test]
fn exclude_holds_however_the_paths_are_spelt() {
    let tree = Tree::package("spelt")
        .file("objlint.toml", "exclude = [\"src/gen.rs\"]\n")
        .file("src/main.rs", CLASH_MAIN)
        .file("src/gen.rs", mapping_named("Generated"))
        .dir("sub");
    let sub = tree.path("sub");
    for (dir, args) in [
        (&tree.root, &["src/../src"][..]),
        (&sub, &["../src"]),
        (&sub, &["--config", "../objlint.toml"]),
        (
            &sub,
            &[
                "--config",
                "../objlint.toml",
                "../src/./gen.rs",
                "../src/main.rs",
            ],
        ),
    ] {
        let run = objlint(dir, args);
        run.assert_code(1)
            .assert_stderr_has(&name_finding("MyFileMapping"))
            .assert_stderr_lacks("Generated");
    }
    // `--fix` leaves an excluded file alone, however the path was spelt.
    objlint(&tree.root, &["--fix", "src/../src"]).assert_code(1);
    assert!(
        tree.read("src/main.rs").contains("MyFileMapping-"),
        "src/main.rs was not fixed"
    );
    assert_eq!(tree.read("src/gen.rs"), mapping_named("Generated"));
}

/// Runs the binary as [`objlint`] does, but fails (killing it) if it has not ended in `limit`.
fn objlint_within(dir: &std::path::Path, args: &[&str], limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the binary");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("{args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("collect the output");
    Run {
        command: format!("{args:?}"),
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8"),
    }
}

#[test]
fn a_fifo_or_a_device_given_as_a_path_is_not_read() {
    let tree = Tree::package("special").file("src/main.rs", CLASH_MAIN);
    let made = Command::new("mkfifo")
        .arg(tree.path("src/pipe.rs"))
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    symlink("/dev/zero", tree.path("src/zero.rs")).expect("symlink");
    for args in [
        &["src/main.rs", "src/pipe.rs", "src/zero.rs", "/dev/zero"][..],
        &["src/pipe.rs", "src/main.rs", "src/zero.rs"],
        &["src"],
    ] {
        let run = objlint_within(&tree.root, args, Duration::from_secs(60));
        assert_no_crash(&run);
        assert_real_finding(&run);
        if args.len() > 1 {
            if args.contains(&"/dev/zero") {
                run.assert_stderr_has("/dev/zero: not a regular file");
            }
            run.assert_code(2)
                .assert_stderr_has("src/pipe.rs: not a regular file")
                .assert_stderr_has("src/zero.rs: not a regular file");
        } else {
            // The walk skips them without a word, as it always has.
            run.assert_code(1);
        }
    }
}

#[test]
fn one_file_given_under_two_spellings_is_checked_and_fixed_once() {
    let tree = Tree::package("twice").file("src/main.rs", CLASH_MAIN);
    let spellings = ["src/main.rs", "src/../src/main.rs", "./src//main.rs"];
    let run = objlint(
        &tree.root,
        &[&["--format", "short"][..], &spellings].concat(),
    );
    run.assert_code(1)
        .assert_stderr_has("2 errors, 0 warnings in 1 file checked");
    objlint(&tree.root, &[&["--fix"][..], &spellings].concat())
        .assert_code(1)
        .assert_stderr_has("objlint: renamed 1 name(s) in 1 file(s)")
        .assert_stderr_lacks("not fixed");
}

#[test]
fn a_malformed_root_manifest_is_reported_and_the_run_goes_on() {
    for manifest in [
        "[package\nname = \"broken\"\n",
        "[package]\nname = \"a\nb\"\n",
    ] {
        let tree = Tree::new()
            .file("Cargo.toml", manifest)
            .file("src/main.rs", CLASH_MAIN);
        let run = objlint(&tree.root, &["--format", "short"]);
        assert_no_crash(&run);
        run.assert_code(2)
            .assert_stderr_has("Cargo.toml: error: ")
            .assert_stderr_has(&format!(
                "src/main.rs:2:102: error[objlint::non_unique_object_name]: {}",
                name_finding("MyFileMapping")
            ));
    }
}

#[test]
fn sarif_uris_keep_backslashes_and_bytes_that_are_not_utf8() {
    let outer = Tree::new();
    let root = outer.root.join(std::ffi::OsStr::from_bytes(b"we\\ird\xff"));
    fs::create_dir_all(root.join("src\\x")).expect("mkdir");
    fs::write(root.join("Cargo.toml"), manifest("weird")).expect("write");
    fs::write(root.join("src\\x/main.rs"), CLASH_MAIN).expect("write");
    let run = Run::of(
        Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
            .args(["--format", "sarif"])
            .current_dir(&root)
            .env_remove("GITHUB_WORKSPACE"),
    );
    run.assert_code(1);
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let base = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("a base URI");
    assert!(base.ends_with("/we%5Cird%FF/"), "{base}");
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .expect("a URI");
    assert_eq!(uri, "src%5Cx/main.rs");
}

#[test]
fn temporaries_left_by_a_killed_fix_do_not_block_the_next_one() {
    let tree = Tree::package("killed")
        .file("src/main.rs", CLASH_MAIN)
        // As a run killed between writing its temporary file and renaming it leaves them.
        .file("src/.main.rs.objlint-tmp.4242.0", CLASH_MAIN)
        .file("src/.main.rs.objlint-fix.4242", CLASH_MAIN);
    objlint(&tree.root, &["--fix"])
        .assert_code(1)
        .assert_stderr_lacks("not renaming")
        .assert_stderr_has("objlint: renamed 1 name(s) in 1 file(s)");
}

#[test]
fn baseline_counts_never_wrap() {
    let entry = |item: &str| {
        format!("[[finding]]\nlint = \"non_unique_object_name\"\nfile = \"src/main.rs\"\nitem = \"{item}\"\nname = \"MyFileMapping\"\ncount = {}\n\n", i64::MAX)
    };
    let baseline = format!(
        "version = 1\n\n{}",
        [
            entry("fn main"),
            entry("fn main"),
            entry("fn main"),
            entry("fn gone"),
            entry("fn gone"),
            entry("fn gone")
        ]
        .concat()
    );
    let tree = Tree::package("counts")
        .file("src/main.rs", CLASH_MAIN)
        .file("objlint-baseline.toml", baseline);
    let run = objlint(&tree.root, &["--baseline", "objlint-baseline.toml"]);
    assert_no_crash(&run);
    run.assert_code(1)
        .assert_stderr_lacks(&name_finding("MyFileMapping"))
        .assert_stderr_has(&format!(
            "objlint: 1 finding hidden by the baseline; {} stale baseline entries",
            usize::MAX
        ));
}
/// Runs the built binary in `dir` with one more environment variable, as a CI runner holds its
/// secrets.
fn objlint_with_secret(dir: &std::path::Path, args: &[&str], secret: &str) -> Run {
    Run::of(
        Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
            .args(args)
            .current_dir(dir)
            .env("OBJLINT_TEST_TOKEN", secret),
    )
}

#[test]
fn a_manifest_linked_out_of_the_tree_is_never_read_nor_quoted() {
    let secret = "ghp_secret-token-of-the-runner";
    let outside = tempfile::tempdir().expect("a directory outside the tree");
    let outside_file = outside.path().join("notes.txt");
    fs::write(&outside_file, format!("{secret} is not TOML\n")).expect("write outside");
    let tree = Tree::package("hostile")
        .file("src/main.rs", CLASH_MAIN)
        .file("evil/x.rs", "fn x() {}\n")
        .file("leak/y.rs", "fn y() {}\n");
    symlink("/proc/self/environ", tree.path("evil/Cargo.toml")).expect("link the environment");
    symlink(&outside_file, tree.path("leak/Cargo.toml")).expect("link a file outside");
    for format in ["human", "short", "json", "sarif", "github", "gitlab"] {
        for paths in [&[][..], &["evil/x.rs", "leak/y.rs", "src/main.rs"]] {
            let mut args = vec!["--format", format];
            args.extend_from_slice(paths);
            let run = objlint_with_secret(&tree.root, &args, secret);
            assert_no_crash(&run);
            assert!(
                !run.stdout.contains(secret) && !run.stderr.contains(secret),
                "a file behind a link was quoted ({format}, {paths:?})\n{run}"
            );
            assert!(
                !run.stdout.contains("OBJLINT_TEST_TOKEN")
                    && !run.stderr.contains("OBJLINT_TEST_TOKEN"),
                "the environment was quoted ({format}, {paths:?})\n{run}"
            );
        }
    }
    // Walked, the links are not followed and the real finding stands; given as paths, their
    // manifests are refused with a reason.
    let walked = objlint(&tree.root, &[]);
    walked.assert_code(1);
    assert_real_finding(&walked);
    let given = objlint(&tree.root, &["evil/x.rs", "src/main.rs"]);
    given
        .assert_code(2)
        .assert_stderr_has("a symbolic link to a file outside its directory");
    assert_real_finding(&given);
}

#[test]
fn a_manifest_parse_error_gives_its_place_never_the_text() {
    let tree = Tree::new()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"app\", \"broken\"]\n",
        )
        .file("app/Cargo.toml", manifest("app"))
        .file("app/src/main.rs", CLASH_MAIN)
        .file(
            "broken/Cargo.toml",
            "[package]\nname = \"broken\"\nAWS_SECRET=wJalrXUtnFEMI secret value\n",
        )
        .file("broken/src/lib.rs", "fn f() {}\n");
    for format in ["human", "short", "json", "sarif", "github", "gitlab"] {
        let run = objlint(&tree.root, &["--format", format]);
        assert_no_crash(&run);
        run.assert_code(2);
        for quoted in ["wJalrXUtnFEMI", "AWS_SECRET", "secret value"] {
            assert!(
                !run.stdout.contains(quoted) && !run.stderr.contains(quoted),
                "the manifest's text was quoted ({format})\n{run}"
            );
        }
    }
    objlint(&tree.root, &["--format", "short"])
        .assert_stderr_has("failed to parse")
        .assert_stderr_has("line 3, column");
}

/// The layout: `/x/Cargo.toml` a workspace with no members, `/x/objlint.toml` allowing
/// every lint, the run in `/x/proj`, and a sibling project beside it.
fn foreign_ancestor(workspace: &str) -> Tree {
    Tree::new()
        .file("Cargo.toml", workspace)
        .file(
            "objlint.toml",
            "[lints]\nnon_unique_object_name = \"allow\"\nunchecked_already_exists = \"allow\"\n",
        )
        .file("proj/Cargo.toml", manifest("proj"))
        .file("proj/src/main.rs", CLASH_MAIN)
        .file("sibling/Cargo.toml", manifest("sibling"))
        .file(
            "sibling/src/lib.rs",
            crate::cli::mapping_named("SiblingMapping"),
        )
}

#[test]
fn a_workspace_above_that_does_not_list_the_package_is_not_adopted() {
    for workspace in [
        "[workspace]\n",
        "[workspace]\nmembers = [\"sibling\"]\n",
        "[workspace]\nmembers = [\"*\"]\nexclude = [\"proj\"]\n",
    ] {
        let tree = foreign_ancestor(workspace);
        let run = objlint(&tree.path("proj"), &[]);
        run.assert_code(1)
            .assert_stderr_has(&name_finding("MyFileMapping"))
            .assert_stderr_lacks("SiblingMapping")
            .assert_stderr_has("in 1 file checked");
        let fixed = objlint(&tree.path("proj"), &["--fix"]);
        assert_no_crash(&fixed);
        assert!(
            tree.read("sibling/src/lib.rs")
                .contains("\"SiblingMapping\""),
            "--fix rewrote a sibling project ({workspace:?})\n{fixed}"
        );
    }
    // A workspace whose members list the package, by name or by glob, is its workspace.
    for workspace in [
        "[workspace]\nmembers = [\"proj\"]\n",
        "[workspace]\nmembers = [\"pro*\", \"sibling\"]\n",
    ] {
        let tree = foreign_ancestor(workspace);
        objlint(&tree.path("proj"), &[]).assert_code(0);
    }
}

// Issue 17: a stranger's pull request cannot make a run do unbounded work.

#[test]
fn unique_name_patterns_share_one_compile_budget() {
    // Each of these compiles to a few megabytes alone; 300 of them took half a gigabyte and
    // seconds (3.5 GB with longer repetitions). Together they are refused, with a reason.
    let patterns: Vec<String> = (0..300)
        .map(|index| format!("\"\\\\w{{30}}[a-z]{{9}}{index}\""))
        .collect();
    let tree = Tree::package("patterns")
        .file(
            "objlint.toml",
            format!("unique-name-patterns = [{}]\n", patterns.join(", ")),
        )
        .file("src/main.rs", CLASH_MAIN);
    let run = objlint(&tree.root, &[]);
    assert_no_crash(&run);
    run.assert_code(2)
        .assert_stderr_has("objlint.toml:1:")
        .assert_stderr_has("the 300 patterns together compile to more than objlint's budget");
    // `shared-names` regexes share a budget of their own the same way.
    let shared: Vec<String> = (0..300)
        .map(|index| format!("{{ regex = \"\\\\w{{30}}[a-z]{{9}}{index}\" }}"))
        .collect();
    let tree = Tree::package("patterns")
        .file(
            "objlint.toml",
            format!("shared-names = [{}]\n", shared.join(", ")),
        )
        .file("src/main.rs", CLASH_MAIN);
    let run = objlint(&tree.root, &[]);
    assert_no_crash(&run);
    run.assert_code(2).assert_stderr_has(
        "`shared-names`: the 300 patterns together compile to more than objlint's budget",
    );
    // A realistic list still works as before: the name is accepted as unique.
    let tree = Tree::package("patterns")
        .file(
            "objlint.toml",
            "unique-name-patterns = ['^MyFile\\w+$', '^com\\.acme\\.[a-z]+$', '\\d{4}']\n",
        )
        .file("src/main.rs", CLASH_MAIN);
    objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_lacks(&name_finding("MyFileMapping"));
}

/// The lint codes `check_source` reports for `source`, which must parse.
fn codes(source: &str) -> Vec<String> {
    let file = objlint::scan::source::SourceFile::new("large.rs", source.to_owned());
    objlint::check_source(&file, "large")
        .unwrap_or_else(|error| panic!("does not parse: {error}"))
        .iter()
        .map(objlint::lints::diagnostic::Diagnostic::code)
        .collect()
}

/// Items that mention no API, `bytes` long in all.
fn filler(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 64);
    let mut index = 0;
    while text.len() < bytes {
        let _ = writeln!(
            text,
            "pub fn filler_{index}(x: u32) -> u32 {{ x ^ {index} }}"
        );
        index += 1;
    }
    text
}

const SUPPRESSED_EVENT: &str = "pub fn open() {\n    // objlint: allow(non_unique_object_name) -- opened by name by the service\n    let _event = unsafe { CreateEventW(None, true, false, w!(\"SharedEvent\")) };\n}\n";

#[test]
fn a_syntax_error_elsewhere_in_a_large_file_keeps_its_suppressions() {
    // The broken item mentions nothing, so it is never parsed and, as for a file that mentions
    // nothing, not reported; the suppressions used to be read from a parse of the whole file,
    // which it made fail.
    for broken in ["fn broken() { let = ; }\n", "struct Broken { field: }\n"] {
        for (before, after) in [(broken, ""), ("", broken)] {
            let source = format!("{before}{}{SUPPRESSED_EVENT}{after}", filler(10_000));
            assert_eq!(
                codes(&source),
                Vec::<String>::new(),
                "with `{broken}` {}",
                if before.is_empty() { "after" } else { "before" }
            );
            let whole_file = source.replace(
                "    // objlint: allow(non_unique_object_name) -- opened by name by the service\n",
                "",
            )
                + "// objlint: allow-file(non_unique_object_name) -- opened by name\n";
            assert_eq!(codes(&whole_file), Vec::<String>::new());
        }
    }
}

#[test]
fn only_real_line_comments_suppress() {
    let finding = "pub fn open() {\n    let _event = unsafe { CreateEventW(None, true, false, w!(\"SharedEvent\")) };\n}\n";
    for (size, filler_text) in [("small", String::new()), ("large", filler(10_000))] {
        for hidden in [
            "/* // objlint: allow-file(non_unique_object_name) */\n",
            "/*\n// objlint: allow-file(non_unique_object_name)\n*/\n",
            "/* /* nested */ // objlint: allow-file(non_unique_object_name)\n */\n",
            "const NOTE: &str = \"\n// objlint: allow-file(non_unique_object_name)\n\";\n",
            "const NOTE: &str = r#\"// objlint: allow-file(non_unique_object_name)\"#;\n",
            "/// // objlint: allow-file(non_unique_object_name)\nconst DOCUMENTED: u8 = 0;\n",
        ] {
            let source = format!("{hidden}{filler_text}{finding}");
            assert_eq!(
                codes(&source),
                ["objlint::non_unique_object_name"],
                "a {size} file with {hidden:?}"
            );
        }
        // The same directive as a real comment after a literal holding `//` is one.
        let source = format!(
            "const URL: &str = \"http://x\"; // objlint: allow-file(non_unique_object_name)\n{filler_text}{finding}"
        );
        assert_eq!(codes(&source), Vec::<String>::new(), "a {size} file");
    }
}

#[test]
fn attributes_in_items_without_findings_are_read_without_parsing_them() {
    // A broken item with an attribute naming an unknown lint: the attribute alone is read, so
    // the unknown name is still reported; and a file-level inner attribute covers the file.
    let source = format!(
        "#![cfg_attr(objlint, allow(objlint::non_unique_object_name, reason = \"by name\"))]\n\
         #[cfg_attr(objlint, allow(objlint::no_such_lint))]\nfn broken() {{ let = ; }}\n{}{}",
        filler(10_000),
        SUPPRESSED_EVENT.replace(
            "    // objlint: allow(non_unique_object_name) -- opened by name by the service\n",
            ""
        )
    );
    assert_eq!(codes(&source), ["objlint::unused_suppression"]);
}

#[test]
fn suppressions_in_a_large_file_are_read_without_parsing_it() {
    // Reading them used to parse the whole file when it said `objlint` anywhere: 50 MB took
    // 54 s and 6.8 GB. Now the comments are read lexically and only the item with the finding
    // is parsed. 20 MB: 11 s in a debug build, as long as without the word (the release build
    // of the old code took 33 s and 2.4 GB).
    let mut text = String::from("// objlint: allow-file(unused_suppression) -- test\n");
    text.push_str(&filler(10 << 20));
    text.push_str(SUPPRESSED_EVENT);
    text.push_str(&filler(10 << 20));
    let tree = Tree::new().file("large.rs", &text);
    let started = Instant::now();
    let run = objlint(&tree.root, &["large.rs"]);
    assert_no_crash(&run);
    run.assert_code(0).assert_stderr_has("in 1 file checked");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

/// Checks `source` as a one-file package with the built binary, `args` added; returns the run
/// and how long it took.
fn timed_run(source: &str, args: &[&str]) -> (Run, Duration) {
    let tree = Tree::package("timed").file("src/lib.rs", source);
    let started = Instant::now();
    let run = objlint(&tree.root, args);
    let elapsed = started.elapsed();
    assert_no_crash(&run);
    (run, elapsed)
}

#[test]
fn long_names_and_many_pieces_take_linear_time() {
    // Each took 20 s to a minute in a release build (quadratic): an automaton built for a
    // 150,000-character identifier, 50,000 literals on one line each counted from the line's
    // start and compared with every other, 20,000 creations each rescanning the file and
    // every other creation. Now each is well under a second in a release build; the ceilings
    // are for a debug build on a busy machine.
    let identifier = "N".repeat(150_000);
    let cases = [
        (
            "a 150,000-character identifier",
            format!("pub const {identifier}: PCWSTR = w!(\"Lock\");\npub fn open() {{ let _m = unsafe {{ CreateMutexW(None, true, {identifier}) }}; }}\n"),
            2,
        ),
        (
            "50,000 literals on one line",
            format!(
                "pub fn open() {{ let _m = unsafe {{ CreateMutexW(None, true, w!(concat!({}))) }}; }}\n",
                vec!["\"a\""; 50_000].join(", ")
            ),
            // The name is also longer than an object name may be.
            3,
        ),
        (
            "20,000 creations",
            (0..20_000).fold(String::new(), |mut acc, index| {
                let _ = writeln!(acc, "pub fn open_{index}() {{ let _m = unsafe {{ CreateMutexW(None, true, w!(\"Lock{index}\")) }}; }}");
                acc
            }),
            40_000,
        ),
    ];
    for (what, source, findings) in cases {
        let (run, elapsed) = timed_run(&source, &["--format", "short"]);
        run.assert_code(1);
        let reported = run
            .stderr
            .lines()
            .filter(|line| line.contains(": error[objlint::"))
            .count();
        assert_eq!(reported, findings, "{what}: exit {:?}", run.code);
        eprintln!("{what}: {elapsed:?}");
        assert!(elapsed < Duration::from_secs(60), "{what} took {elapsed:?}");
    }
}

#[test]
fn rename_blockers_are_found_in_one_pass_with_their_places() {
    // Each mention's place used to be counted from the start of its file, and a name that is
    // only a namespace prefix was searched for as the empty string: found at every byte.
    let mut logs = String::from("é MyFileMapping\n\n  x MyFileMapping, MyFileMappingX\n");
    for index in 0..20_000 {
        let _ = writeln!(logs, "{index} opened MyFileMapping");
    }
    let tree = Tree::package("blockers")
        .file("src/main.rs", CLASH_MAIN)
        .file("logs/run.log", &logs)
        .file("logs/binary.bin", b"MyFileMapping\0\x01")
        .file(
            "src/prefix.rs",
            "pub fn open() { let _m = unsafe { CreateMutexW(None, true, w!(\"Global\\\\\")) }; }\n",
        );
    let started = Instant::now();
    let run = objlint(&tree.root, &["--fix", "--diff"]);
    let elapsed = started.elapsed();
    assert_no_crash(&run);
    let blockers: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.starts_with("  --> "))
        .collect();
    assert_eq!(
        blockers[..3],
        [
            "  --> logs/run.log:1:3: the name also appears here, and objlint cannot prove it is the same object",
            "  --> logs/run.log:3:5: the name also appears here, and objlint cannot prove it is the same object",
            "  --> logs/run.log:4:10: the name also appears here, and objlint cannot prove it is the same object",
        ],
        "{}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    // One per log line, one for the prefix-only name; none in the binary file.
    assert_eq!(blockers.len(), 20_003, "{}", blockers[blockers.len() - 1]);
    assert_eq!(
        blockers
            .iter()
            .filter(|line| line.contains("only a namespace prefix"))
            .count(),
        1
    );
    assert!(!run.stderr.contains("binary.bin"));
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

/// Links committed in a repository that lead back into a directory the walk is inside, or to
/// nothing that could be Rust, hide no file objlint would check: they are no failure (exit 1
/// for the finding, not 2) and print nothing. A dangling link named like a source file is.
#[test]
fn link_loops_and_dangling_links_to_non_sources_are_not_failures() {
    let tree = Tree::package("links").file("src/main.rs", CLASH_MAIN);
    fs::create_dir_all(tree.path("fixtures/modules/a")).expect("mkdir");
    symlink("../../modules", tree.path("fixtures/modules/a/loop")).expect("loop");
    symlink("/nonexistent/install/path", tree.path("dist-link")).expect("dangling");
    let run = objlint(&tree.root, &["--format", "short"]);
    assert_no_crash(&run);
    run.assert_code(1)
        .assert_stderr_lacks("error:")
        .assert_stderr_lacks("could not be checked");
    symlink("/nonexistent/module.rs", tree.path("src/gone.rs")).expect("dangling source");
    objlint(&tree.root, &["--format", "short"])
        .assert_code(2)
        .assert_stderr_has("gone.rs");
}

/// A finding on a 4 MB line, with a 1 MB name on another finding: every format quotes the lines
/// and names around the spans only, so the output stays small whatever the input's lines are.
#[test]
fn long_lines_and_names_are_quoted_around_the_finding_only() {
    let filler = "x".repeat(4 << 20);
    let long_name = "N".repeat(1 << 20);
    let source = format!(
        "pub fn long_line() {{ let _filler = \"{filler}\"; let _m = unsafe {{ CreateMutexW(None, true, w!(\"Shared\")) }}; let _after = \"{filler}\"; }}\n\
         pub fn long_name() {{ let _e = unsafe {{ CreateEventW(None, true, false, w!(\"{long_name}\")) }}; }}\n"
    );
    let tree = Tree::package("long").file("src/lib.rs", source);
    for format in ["human", "short", "json", "sarif", "github", "gitlab"] {
        let run = objlint(&tree.root, &["--format", format, "--color", "never"]);
        assert_no_crash(&run);
        run.assert_code(1);
        let printed = run.stdout.len() + run.stderr.len();
        // The suggested name carries the 1 MB name once per suggestion, which a fix must write.
        let ceiling = if format == "json" || format == "sarif" {
            2 << 20
        } else {
            64 << 10
        };
        assert!(
            printed < ceiling,
            "{format}: {printed} bytes printed for a 9 MB file"
        );
        assert!(
            run.stdout.contains("Shared") || run.stderr.contains("Shared"),
            "{format}: the finding on the long line is reported"
        );
    }
}
