//! `cargo bench`: objlint's throughput (MB/s and files/s) on a corpus of real crate sources.
//!
//! The corpus is built on first use by `benches/make-corpus.sh`: `cargo vendor` of the crates in
//! `benches/corpus-manifest.toml` (windows 0.34 and 0.62, windows-sys, winapi, tokio,
//! interprocess, shared_memory and their dependencies, pinned by `benches/corpus.lock`) into
//! `target/bench-corpus`, about 400 MB of `.rs`. The benchmark runs the release-profile binary
//! cargo builds for it on the whole corpus, several times, and reports the median.
//!
//! `OBJLINT_BENCH_RUNS` sets the number of runs (default 5), `OBJLINT_BENCH_JOBS` the `--jobs`
//! passed to objlint when it has that option (default: objlint's own default). The side-by-side
//! comparison with ripgrep is `benches/vs-ripgrep.sh`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = build_corpus(root);
    let (files, bytes) = rust_files(&corpus);
    let runs: usize = std::env::var("OBJLINT_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(5);

    let objlint = Path::new(env!("CARGO_BIN_EXE_cargo-objlint"));
    let mut args: Vec<String> = vec![
        "--format".into(),
        "short".into(),
        "--color".into(),
        "never".into(),
    ];
    if let Ok(jobs) = std::env::var("OBJLINT_BENCH_JOBS") {
        if has_jobs_option(objlint) {
            args.extend(["--jobs".into(), jobs]);
        } else {
            eprintln!("bench: this objlint has no --jobs option; OBJLINT_BENCH_JOBS is ignored");
        }
    }

    println!(
        "corpus: {} ({files} .rs files, {:.1} MB)",
        corpus.display(),
        megabytes(bytes)
    );
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| time_run(objlint, &args, &corpus))
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let seconds = median.as_secs_f64();
    println!(
        "objlint {}: median {:.3} s of {runs} runs (min {:.3} s, max {:.3} s)",
        args.join(" "),
        seconds,
        times[0].as_secs_f64(),
        times[times.len() - 1].as_secs_f64(),
    );
    println!(
        "throughput: {:.1} MB/s, {:.0} files/s",
        megabytes(bytes) / seconds,
        count(files) / seconds
    );
}

/// Vendors the corpus on first use and returns its directory.
fn build_corpus(root: &Path) -> PathBuf {
    let output = Command::new("bash")
        .arg(root.join("benches/make-corpus.sh"))
        .stderr(Stdio::inherit())
        .output()
        .expect("bash runs benches/make-corpus.sh");
    assert!(output.status.success(), "benches/make-corpus.sh failed");
    PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
}

/// The number of `.rs` files under `dir` and their total size in bytes.
fn rust_files(dir: &Path) -> (u64, u64) {
    let mut files = 0;
    let mut bytes = 0;
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|ext| ext == "rs") {
            files += 1;
            bytes += entry.metadata().map_or(0, |metadata| metadata.len());
        }
    }
    (files, bytes)
}

fn has_jobs_option(objlint: &Path) -> bool {
    Command::new(objlint)
        .arg("--help")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains("--jobs"))
}

/// One run's wall time. Exit status 1 (findings) is expected on this corpus; 2 is reported,
/// since a file objlint cannot parse is still part of a normal run.
fn time_run(objlint: &Path, args: &[String], corpus: &Path) -> Duration {
    let start = Instant::now();
    let status = Command::new(objlint)
        .args(args)
        .arg(corpus)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the objlint binary runs");
    let elapsed = start.elapsed();
    if status.code() == Some(2) {
        eprintln!("bench: objlint exited with 2 (a file could not be checked); timing kept");
    }
    elapsed
}

#[expect(
    clippy::cast_precision_loss,
    reason = "sizes here are far below 2^52, where converting to f64 would lose precision"
)]
fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

#[expect(
    clippy::cast_precision_loss,
    reason = "file counts here are far below 2^52, where converting to f64 would lose precision"
)]
fn count(files: u64) -> f64 {
    files as f64
}
