//! Helpers shared by both test binaries (`tests/main.rs` and the fixture harness
//! `tests/fixtures.rs`).

use std::path::{Path, PathBuf};

/// The repository root (where `Cargo.toml` is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether goldens and generated sections should be rewritten instead of compared
/// (`cargo bless`).
pub fn blessing() -> bool {
    std::env::var_os("OBJLINT_BLESS").is_some_and(|value| value == "1")
}

/// Every `.rs` file under `dir`, sorted; none when `dir` does not exist.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
        .collect()
}
