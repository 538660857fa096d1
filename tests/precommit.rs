//! `.pre-commit-hooks.yaml` under the real pre-commit (from PyPI, installed into `target/tools` when
//! absent): `pre-commit try-repo` and a `git commit` configured by the README's example both fail
//! for a bad file and pass for a good one, in temporary git repositories.
//!
//! pre-commit builds the hook with `cargo install`, which takes a minute or two on a cold machine, so
//! one test covers every case, and all its builds share one cargo target directory under `target/`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::cli::Run;
use crate::support::repo_root;

// ---------------------------------------------------------------------------------------------
// Inputs.

/// The issue's example: a file mapping with a literal name and no check, so both lints fire.
const BAD_MAIN: &str = r#"fn main() {
    let _mapping = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, w!("MyFileMapping")) };
}
"#;

/// A second bad file, so that a commit hands the hook two files.
const BAD_SHM: &str = r#"pub fn open() {
    let _mapping = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 4096, w!("SharedFrames")) };
}
"#;

/// [`BAD_MAIN`] fixed as the lints ask: a GUID in the name and a check of ERROR_ALREADY_EXISTS.
const GOOD_MAIN: &str = r#"fn main() {
    let _mapping = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, w!("MyFileMapping-9c5b1d3e-7a4f-4e2b-8c6d-0f1e2d3c4b5a")) };
    if GetLastError() == ERROR_ALREADY_EXISTS {
        return;
    }
}
"#;

const MANIFEST: &str = "[package]\nname = \"clash\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

/// The repository URL in the README's example, which the test points at its copy of objlint.
const README_REPO_URL: &str = "https://github.com/objlint/objlint";

// ---------------------------------------------------------------------------------------------
// The test.

#[test]
fn pre_commit_hook_fails_a_bad_commit_and_passes_a_good_one() {
    let pre_commit = pre_commit();
    let sandbox = Sandbox::new();
    let config = readme_pre_commit_config();
    let hooks_repo = sandbox.released_copy_of_this_repository(&config_rev(&config));
    let config = config.replace(
        README_REPO_URL,
        hooks_repo.to_str().expect("a UTF-8 temporary path"),
    );

    let bad = sandbox.repository(
        "bad",
        &[("Cargo.toml", MANIFEST), ("src/main.rs", BAD_MAIN)],
    );
    let good = sandbox.repository(
        "good",
        &[("Cargo.toml", MANIFEST), ("src/main.rs", GOOD_MAIN)],
    );
    let committed = sandbox.repository(
        "committed",
        &[
            (".pre-commit-config.yaml", &config),
            ("Cargo.toml", MANIFEST),
            ("src/main.rs", BAD_MAIN),
            ("src/shm.rs", BAD_SHM),
        ],
    );

    let try_repo = |project: &Path| {
        sandbox.run(
            Command::new(&pre_commit)
                .arg("try-repo")
                .arg(&hooks_repo)
                .arg("objlint")
                .current_dir(project),
        )
    };
    // The three runs that build the hook start together: cargo's lock on the shared target
    // directory lets one build while the others wait, and their clones of the hook repository,
    // made before that build ends, are then older than its output, so cargo finds nothing to redo.
    let [bad_try, good_try, install] = std::thread::scope(|scope| {
        let runs = [
            scope.spawn(|| try_repo(&bad)),
            scope.spawn(|| try_repo(&good)),
            scope.spawn(|| {
                sandbox.run(
                    Command::new(&pre_commit)
                        .args(["install", "--install-hooks"])
                        .current_dir(&committed),
                )
            }),
        ];
        runs.map(|run| run.join().expect("a pre-commit run panicked"))
    });

    // `try-repo` runs the hook on the staged files, as a commit would.
    bad_try
        .assert_code(1)
        .assert_output_has("- hook id: objlint")
        .assert_output_has("- exit code: 1")
        .assert_output_has("error[objlint::non_unique_object_name]")
        .assert_output_has("error[objlint::unchecked_already_exists]")
        .assert_output_has("file mapping name `MyFileMapping` has no unique part")
        .assert_output_has("src/main.rs:2:")
        .assert_hook_result("Failed");
    good_try.assert_code(0).assert_hook_result("Passed");
    install.assert_code(0);

    // The README's configuration as the commit hook. Both bad files go to one objlint call.
    let commit = |message: &str| {
        sandbox.run(
            Command::new("git")
                .args(["commit", "--quiet", "--message", message])
                .current_dir(&committed),
        )
    };
    let rejected = commit("bad");
    rejected
        .assert_code(1)
        .assert_output_has("file mapping name `MyFileMapping` has no unique part")
        .assert_output_has("file mapping name `SharedFrames` has no unique part")
        .assert_hook_result("Failed");
    assert_eq!(
        rejected.output().matches(" in 2 files checked (").count(),
        1,
        "expected one objlint call checking both files\n{rejected}"
    );
    assert!(
        sandbox.head(&committed).is_none(),
        "the bad commit was made\n{rejected}"
    );

    fs::write(committed.join("src/main.rs"), GOOD_MAIN).expect("write the fixed file");
    sandbox.git(&committed, &["rm", "--quiet", "--force", "src/shm.rs"]);
    sandbox.git(&committed, &["add", "src/main.rs"]);
    commit("good").assert_code(0).assert_hook_result("Passed");
    assert!(
        sandbox.head(&committed).is_some(),
        "the good commit was not made"
    );
}

/// The `objlint-system` hook runs the `cargo-objlint` on the PATH and builds nothing: the
/// README's configuration with that id, and the built binary first on the PATH.
#[test]
fn pre_commit_system_hook_runs_the_installed_binary() {
    let pre_commit = pre_commit();
    let sandbox = Sandbox::new();
    let config = readme_pre_commit_config();
    let hooks_repo = sandbox.released_copy_of_this_repository(&config_rev(&config));
    let config = config
        .replace(
            README_REPO_URL,
            hooks_repo.to_str().expect("a UTF-8 temporary path"),
        )
        .replace("- id: objlint\n", "- id: objlint-system\n");
    assert!(config.contains("id: objlint-system"), "{config}");
    let committed = sandbox.repository(
        "committed",
        &[
            (".pre-commit-config.yaml", &config),
            ("Cargo.toml", MANIFEST),
            ("src/main.rs", BAD_MAIN),
        ],
    );
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_cargo-objlint"));
    let path = std::env::join_paths(
        std::iter::once(binary.parent().expect("the binary's directory").to_owned()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ),
    )
    .expect("a PATH");
    let run = |args: &[&str]| {
        sandbox.run(
            Command::new(&pre_commit)
                .args(args)
                .current_dir(&committed)
                .env("PATH", &path),
        )
    };
    run(&["run"])
        .assert_code(1)
        .assert_output_has("- hook id: objlint-system")
        .assert_output_has("file mapping name `MyFileMapping` has no unique part")
        .assert_hook_result("Failed");
    fs::write(committed.join("src/main.rs"), GOOD_MAIN).expect("write the fixed file");
    sandbox.git(&committed, &["add", "src/main.rs"]);
    run(&["run"]).assert_code(0).assert_hook_result("Passed");
}

/// However pre-commit splits the files over calls, the hook finds what one run over the whole
/// package finds: with file names long enough that the arguments pass pre-commit's 128 KiB
/// limit for one command line, it makes several calls (of files it shuffles), and a `const`'s
/// file lands in another call than the creation that uses it. A call that has the creation
/// reports it there; a call that has only the `const`'s file shows the finding at the `const`.
#[test]
fn pre_commit_split_over_calls_finds_what_one_run_finds() {
    const PAIRS: usize = 20;
    let pre_commit = pre_commit();
    let sandbox = Sandbox::new();
    let config = readme_pre_commit_config();
    let hooks_repo = sandbox.released_copy_of_this_repository(&config_rev(&config));
    let config = config
        .replace(
            README_REPO_URL,
            hooks_repo.to_str().expect("a UTF-8 temporary path"),
        )
        .replace(
            "- id: objlint\n",
            "- id: objlint-system\n        args: [--format, short, --color, never]\n",
        );
    assert!(config.contains("args: [--format, short"), "{config}");
    let mut files: Vec<(String, String)> = vec![
        (".pre-commit-config.yaml".to_owned(), config),
        ("Cargo.toml".to_owned(), MANIFEST.to_owned()),
    ];
    let mut main = String::new();
    for pair in 0..PAIRS {
        writeln!(
            main,
            "mod names_{pair};\nmod user_{pair};\nmod lock_{pair};"
        )
        .expect("a String takes any text");
        files.push((
            format!("src/names_{pair}.rs"),
            format!("pub const READY: &str = \"Ready{pair}\";\n"),
        ));
        files.push((
            format!("src/lock_{pair}.rs"),
            format!("use windows::core::HSTRING;\n\npub fn lock_{pair}(name: &str) {{\n    let _mutex = unsafe {{ CreateMutexW(None, false, &HSTRING::from(name)) }};\n}}\n"),
        ));
        files.push((
            format!("src/user_{pair}.rs"),
            format!("use windows::core::HSTRING;\n\npub fn open() {{\n    let _event = unsafe {{ CreateEventW(None, true, false, &HSTRING::from(crate::names_{pair}::READY)) }};\n    crate::lock_{pair}::lock_{pair}(\"Writer{pair}\");\n}}\n"),
        ));
    }
    main.push_str("fn main() {}\n");
    files.push(("src/main.rs".to_owned(), main));
    let long = "x".repeat(200);
    for filler in 0..700 {
        files.push((
            format!("src/filler_{filler:03}_{long}.rs"),
            "pub fn nothing() {}\n".to_owned(),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    let committed = sandbox.repository("split", &files);
    let findings = |output: &str| -> Vec<String> {
        output
            .lines()
            .filter(|line| line.contains(": error[") || line.contains(": warning["))
            .map(str::to_owned)
            .collect()
    };
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_cargo-objlint"));
    let whole = Run::of(
        Command::new(&binary)
            .args(["--format", "short", "--color", "never"])
            .current_dir(&committed),
    );
    whole.assert_code(1);
    let whole = findings(&whole.stderr);
    assert_eq!(whole.len(), 2 * PAIRS, "{whole:#?}");
    let path = std::env::join_paths(
        std::iter::once(binary.parent().expect("the binary's directory").to_owned()).chain(
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
        ),
    )
    .expect("a PATH");
    let split = sandbox.run(
        Command::new(&pre_commit)
            .args(["run", "--all-files"])
            .current_dir(&committed)
            .env("PATH", &path),
    );
    split.assert_code(1).assert_hook_result("Failed");
    let split = findings(&split.output());
    // Every finding of the whole run, at its place.
    for finding in &whole {
        assert!(split.contains(finding), "missing {finding}: {split:#?}");
    }
    // Anything else is one of them shown at its `const`, by a call that had the `const`'s file
    // and not the creation's.
    let message = |line: &str| line.split_once(": ").map(|(_, rest)| rest.to_owned());
    let whole_messages: Vec<Option<String>> = whole.iter().map(|line| message(line)).collect();
    let shown_at_const: Vec<&String> = split.iter().filter(|line| !whole.contains(line)).collect();
    for line in &shown_at_const {
        assert!(
            line.starts_with("src/names_") && whole_messages.contains(&message(line)),
            "not a finding of the whole run: {line}"
        );
    }
    assert!(
        !shown_at_const.is_empty(),
        "pre-commit did not split a `const`'s file from its use: {split:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Harness.

/// The `yaml` block of the README's "Use with pre-commit" section.
fn readme_pre_commit_config() -> String {
    let readme = fs::read_to_string(repo_root().join("README.md")).expect("read README.md");
    let section = readme
        .find("# Use with pre-commit\n")
        .map(|start| &readme[start..])
        .expect("README.md has a \"Use with pre-commit\" section");
    let start = section
        .find("```yaml\n")
        .expect("a yaml block in the README's \"Use with pre-commit\" section")
        + "```yaml\n".len();
    let end = section[start..].find("```").expect("a closed yaml block");
    let config = &section[start..start + end];
    assert!(
        config.contains(README_REPO_URL),
        "the README's configuration names {README_REPO_URL}:\n{config}"
    );
    config.to_owned()
}

/// The `rev:` of a one-repository configuration, without its comment.
fn config_rev(config: &str) -> String {
    config
        .lines()
        .find_map(|line| line.trim().strip_prefix("rev:"))
        .and_then(|value| value.split('#').next())
        .map(|value| value.trim().to_owned())
        .filter(|rev| !rev.is_empty())
        .unwrap_or_else(|| panic!("no `rev:` in the README's configuration:\n{config}"))
}

/// Temporary git repositories, and the environment every command in them gets: a fixed git
/// identity and no user or system git configuration (a fresh CI machine has neither, and a
/// developer's `commit.gpgsign` or `core.hooksPath` must not change the result), pre-commit's
/// store inside the sandbox, and the shared cargo target directory.
struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        fs::write(dir.path().join("gitconfig"), "").expect("write an empty git configuration");
        Sandbox { dir }
    }

    fn run(&self, command: &mut Command) -> Run {
        for variable in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "SKIP"] {
            command.env_remove(variable);
        }
        command
            .env("GIT_CONFIG_GLOBAL", self.dir.path().join("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "objlint test")
            .env("GIT_AUTHOR_EMAIL", "test@objlint.invalid")
            .env("GIT_COMMITTER_NAME", "objlint test")
            .env("GIT_COMMITTER_EMAIL", "test@objlint.invalid")
            .env("PRE_COMMIT_HOME", self.dir.path().join("pre-commit-home"))
            .env(
                "CARGO_TARGET_DIR",
                repo_root().join("target/tools/pre-commit-build"),
            );
        Run::of(command)
    }

    /// Runs `git ARGS` in `dir` and insists that it succeeds.
    fn git(&self, dir: &Path, args: &[&str]) {
        self.run(Command::new("git").args(args).current_dir(dir))
            .assert_code(0);
    }

    /// The commit at HEAD of the repository at `dir`, if there is one.
    fn head(&self, dir: &Path) -> Option<String> {
        let run = self.run(
            Command::new("git")
                .args(["rev-parse", "--verify", "--quiet", "HEAD"])
                .current_dir(dir),
        );
        (run.code == Some(0)).then(|| run.stdout.trim().to_owned())
    }

    /// A new git repository `name` holding `files`, all staged.
    fn repository(&self, name: &str, files: &[(&str, &str)]) -> PathBuf {
        let root = self.dir.path().join(name);
        for (relative, contents) in files {
            let path = root.join(relative);
            fs::create_dir_all(path.parent().expect("a file has a parent directory"))
                .unwrap_or_else(|error| {
                    panic!("create the directory of {}: {error}", path.display())
                });
            fs::write(&path, contents)
                .unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
        }
        fs::create_dir_all(&root).expect("create a repository directory");
        self.git(&root, &["init", "--quiet"]);
        self.git(&root, &["add", "--all"]);
        root
    }

    /// This repository as its working tree stands (tracked and untracked files, not ignored
    /// ones), committed once in a new repository and tagged by the documented release step
    /// (`.ci/tag-release`, see CONTRIBUTING.md), which must make the tag `rev` the README pins:
    /// pre-commit needs a commit of the hook repository, and the work in progress has none.
    fn released_copy_of_this_repository(&self, rev: &str) -> PathBuf {
        let files = Run::of(
            Command::new("git")
                .args([
                    "ls-files",
                    "-z",
                    "--cached",
                    "--others",
                    "--exclude-standard",
                ])
                .current_dir(repo_root()),
        );
        files.assert_code(0);
        let root = self.dir.path().join("objlint");
        for relative in files.stdout.split('\0').filter(|path| !path.is_empty()) {
            let source = repo_root().join(relative);
            // A file deleted in the working tree but not yet in the index.
            if !source.is_file() {
                continue;
            }
            let target = root.join(relative);
            fs::create_dir_all(target.parent().expect("a file has a parent directory"))
                .expect("create a directory in the copy");
            fs::copy(&source, &target)
                .unwrap_or_else(|error| panic!("copy {}: {error}", source.display()));
        }
        self.git(&root, &["init", "--quiet"]);
        self.git(&root, &["add", "--all"]);
        self.git(&root, &["commit", "--quiet", "--message", "objlint"]);
        self.run(Command::new("bash").arg(root.join(".ci/tag-release")))
            .assert_code(0);
        let tag = format!("refs/tags/{rev}");
        self.git(&root, &["rev-parse", "--verify", "--quiet", &tag]);
        root
    }
}

/// Reading pre-commit's and git's output, which a hook's findings reach on either stream.
trait PreCommitOutput {
    fn output(&self) -> String;
    fn assert_output_has(&self, needle: &str) -> &Self;
    fn assert_hook_result(&self, result: &str) -> &Self;
}

impl PreCommitOutput for Run {
    /// Stdout and stderr together: pre-commit prints a hook's output on stdout, and git prints a
    /// commit hook's output on stderr.
    fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    #[track_caller]
    fn assert_output_has(&self, needle: &str) -> &Self {
        assert!(
            self.output().contains(needle),
            "expected the output to contain {needle:?}\n{self}"
        );
        self
    }

    /// pre-commit's status line for the hook: `objlint....Passed` or `objlint (installed)...Passed`
    /// (not `Skipped`, which would mean no file reached the hook).
    #[track_caller]
    fn assert_hook_result(&self, result: &str) -> &Self {
        assert!(
            self.output()
                .lines()
                .any(|line| line.starts_with("objlint") && line.ends_with(result)),
            "expected pre-commit's `objlint....{result}` line\n{self}"
        );
        self
    }
}

// ---------------------------------------------------------------------------------------------
// The tool.

/// `pre-commit` from PATH or from the virtual environment `target/tools/venv`, which is made and
/// filled from PyPI when neither has it.
fn pre_commit() -> PathBuf {
    let executable = format!("pre-commit{}", std::env::consts::EXE_SUFFIX);
    let venv = repo_root().join("target/tools/venv");
    let installed = venv
        .join(if cfg!(windows) { "Scripts" } else { "bin" })
        .join(&executable);
    if let Some(found) = crate::cli::tool(&executable, &installed) {
        return found;
    }
    eprintln!(
        "note: installing pre-commit into {} (once; this takes a minute)",
        venv.display()
    );
    let python = if cfg!(windows) { "python" } else { "python3" };
    Run::of(Command::new(python).arg("-m").arg("venv").arg(&venv)).assert_code(0);
    let venv_python = venv
        .join(if cfg!(windows) { "Scripts" } else { "bin" })
        .join(format!("python{}", std::env::consts::EXE_SUFFIX));
    Run::of(Command::new(venv_python).args(["-m", "pip", "install", "--quiet", "pre-commit"]))
        .assert_code(0);
    assert!(
        installed.is_file(),
        "pip installed pre-commit but {} is missing",
        installed.display()
    );
    installed
}
