//! `cargo bench --bench hostile`: objlint on the inputs of issue 17's "bounded work" items, each
//! generated into a temporary directory, with its size and the wall time of one run.
//!
//! Each case is an input a stranger's pull request can hold, and used to take seconds to
//! minutes (or gigabytes); each must now take time linear in its size. `OBJLINT_BENCH_SCALE`
//! multiplies the sizes (default 1); `OBJLINT_BENCH_BIN` runs another objlint binary (an older
//! build, for a before-and-after) instead of the one cargo builds for the bench.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const MANIFEST: &str = "[package]\nname = \"hostile\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

/// A creation whose name has no unique part: one finding in every case.
const FINDING: &str = "pub fn open() {\n    let _m = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, w!(\"MyFileMapping\")) };\n}\n";

struct Case {
    name: &'static str,
    /// What the input is, for the report.
    what: String,
    files: Vec<(String, String)>,
    args: Vec<&'static str>,
}

fn main() {
    let scale: usize = std::env::var("OBJLINT_BENCH_SCALE")
        .ok()
        .and_then(|scale| scale.parse().ok())
        .unwrap_or(1);
    let objlint = std::env::var_os("OBJLINT_BENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_cargo-objlint")),
        PathBuf::from,
    );
    let only = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    for case in cases(scale) {
        if only
            .as_deref()
            .is_some_and(|only| !case.name.contains(only))
        {
            continue;
        }
        let dir = std::env::temp_dir().join(format!(
            "objlint-bench-hostile-{}-{}",
            case.name,
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        let mut bytes = 0;
        for (path, text) in &case.files {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().expect("a file in a directory"))
                .expect("create the case's directories");
            fs::write(&path, text).expect("write the case's files");
            bytes += text.len();
        }
        let (seconds, output, code) = run(&objlint, &case.args, &dir);
        println!(
            "{:<24} {:>8.3} s  exit {code:?}  {:>10} bytes in, {:>10} bytes out  ({})",
            case.name, seconds, bytes, output, case.what
        );
        let _ = fs::remove_dir_all(&dir);
    }
}

fn run(objlint: &Path, args: &[&str], dir: &Path) -> (f64, usize, Option<i32>) {
    let started = Instant::now();
    let output = Command::new(objlint)
        .args(args)
        .args(["--color", "never"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("the objlint binary runs");
    (
        started.elapsed().as_secs_f64(),
        output.stdout.len() + output.stderr.len(),
        output.status.code(),
    )
}

/// Items that mention no API, about `bytes` long.
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

fn package(files: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut all = vec![("Cargo.toml".to_owned(), MANIFEST.to_owned())];
    all.extend(files);
    all
}

fn file(path: &str, text: String) -> (String, String) {
    (path.to_owned(), text)
}

fn cases(scale: usize) -> Vec<Case> {
    let megabytes = 20 * scale;
    let suppressed = format!(
        "// objlint: allow-file(unused_suppression) -- a suppression comment\n{}{FINDING}{}",
        filler(megabytes << 19),
        filler(megabytes << 19)
    );
    let mut logs = String::new();
    for index in 0..20_000 * scale {
        let _ = writeln!(logs, "{index} opened MyFileMapping");
    }
    let identifier = "N".repeat(150_000 * scale);
    let literals = 50_000 * scale;
    let concat = format!(
        "pub fn open() {{ let _m = unsafe {{ CreateMutexW(None, true, w!(concat!({}))) }}; }}\n",
        vec!["\"a\""; literals].join(", ")
    );
    let creations = 40_000 * scale;
    let mut many = String::new();
    for index in 0..creations {
        let _ = writeln!(many, "pub fn open_{index}() {{ let _m = unsafe {{ CreateMutexW(None, true, w!(\"Lock{index}\")) }}; }}");
    }
    let patterns: Vec<String> = (0..300)
        .map(|index| format!("'\\w{{30}}[a-z]{{9}}{index}'"))
        .collect();
    let long_line = format!(
        "pub fn open() {{ let _m = unsafe {{ CreateMutexW(None, true, w!(\"Lock\")) }}; }} // {}\n",
        "x".repeat(10_000_000 * scale)
    );
    vec![
        Case {
            name: "suppressions",
            what: format!("a {megabytes} MB file with suppression comments (item 8)"),
            files: package(vec![file("src/lib.rs", suppressed)]),
            args: vec![],
        },
        Case {
            name: "rename-blockers",
            what: format!("{} KB of logs naming the object, --format json (item 9)", logs.len() >> 10),
            files: package(vec![
                file("src/lib.rs", FINDING.to_owned()),
                file("logs/run.log", logs),
            ]),
            args: vec!["--format", "json"],
        },
        Case {
            name: "prefix-only-name",
            what: "a name that is only `Global\\`, with the logs, --format sarif (item 9)".to_owned(),
            files: package(vec![
                file("src/lib.rs", FINDING.replace("MyFileMapping", "Global\\\\")),
                file("logs/run.log", "Global\\ ".repeat(100_000 * scale)),
            ]),
            args: vec!["--format", "sarif"],
        },
        Case {
            name: "long-identifier",
            what: format!("a constant named by a {}-character identifier (item 10)", identifier.len()),
            files: package(vec![file(
                "src/lib.rs",
                format!("pub const {identifier}: PCWSTR = w!(\"Lock\");\npub fn open() {{ let _m = unsafe {{ CreateMutexW(None, true, {identifier}) }}; }}\n"),
            )]),
            args: vec![],
        },
        Case {
            name: "concat-literals",
            what: format!("{literals} literals in one concat! on one line (item 10)"),
            files: package(vec![file("src/lib.rs", concat)]),
            args: vec![],
        },
        Case {
            name: "many-creations",
            what: format!("{creations} creations in one file (item 10)"),
            files: package(vec![file("src/lib.rs", many)]),
            args: vec!["--format", "short"],
        },
        Case {
            name: "many-patterns",
            what: "300 unique-name-patterns (item 11)".to_owned(),
            files: package(vec![
                file("objlint.toml", format!("unique-name-patterns = [{}]\n", patterns.join(", "))),
                file("src/lib.rs", FINDING.to_owned()),
            ]),
            args: vec![],
        },
        Case {
            name: "long-line",
            what: format!("a finding on a {} MB line, --format json (item 12)", long_line.len() >> 20),
            files: package(vec![file("src/lib.rs", long_line)]),
            args: vec!["--format", "json"],
        },
    ]
}
