//! Helpers shared by the test modules.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The repository root (where `Cargo.toml` is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether goldens should be rewritten instead of compared (`cargo bless`).
/// A tool the tests run: `executable` from `PATH`, else the copy installed at `installed` by an
/// earlier test run; `None` when neither exists (the caller installs it).
pub fn tool(executable: &str, installed: &Path) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|directory| directory.join(executable))
        .find(|path| path.is_file())
        .or_else(|| installed.is_file().then(|| installed.to_owned()))
}

pub fn blessing() -> bool {
    std::env::var_os("OBJLINT_BLESS").is_some_and(|value| value == "1")
}

/// Every `.rs` file under `dir`, sorted.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir(dir)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .collect();
    files.sort();
    files
}

/// Every file under `dir`, recursively.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    walkdir(dir)
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Compares `actual` with the golden file at `path`, or rewrites it when blessing. An empty
/// `actual` means the golden must not exist.
pub fn check_golden(path: &Path, actual: &str) -> Result<(), String> {
    if blessing() {
        if actual.is_empty() {
            let _ = std::fs::remove_file(path);
        } else {
            std::fs::write(path, actual).map_err(|error| format!("{}: {error}", path.display()))?;
        }
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return Ok(());
    }
    Err(format!(
        "{} differs from the output (rerun with `cargo bless` and review the diff):\n{}",
        path.display(),
        line_diff(&expected, actual)
    ))
}

/// A small line diff for failure messages: `-` expected, `+` actual.
fn line_diff(expected: &str, actual: &str) -> String {
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let mut out = String::new();
    for index in 0..expected.len().max(actual.len()) {
        match (expected.get(index), actual.get(index)) {
            (Some(left), Some(right)) if left == right => {}
            (left, right) => {
                if let Some(left) = left {
                    let _ = writeln!(out, "{:>4} - {left}", index + 1);
                }
                if let Some(right) = right {
                    let _ = writeln!(out, "{:>4} + {right}", index + 1);
                }
            }
        }
    }
    out
}
