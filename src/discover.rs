//! Which files to check: the only place that walks directories.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// What the walk reaches, in order.
#[derive(Debug)]
pub enum Found {
    /// A file to check.
    File(PathBuf),
    /// A path that could not be walked, and why.
    Error(PathBuf, String),
}

/// The root of the Cargo workspace enclosing `start`: the first ancestor whose `Cargo.toml` has a
/// `[workspace]` table, else the nearest `Cargo.toml`'s directory; `None` outside any project.
pub fn workspace_root(start: &Path) -> Option<PathBuf> {
    let nearest = start
        .ancestors()
        .find(|directory| directory.join("Cargo.toml").is_file())?;
    let workspace = nearest.ancestors().find(|directory| {
        crate::workspace::read_manifest(&directory.join("Cargo.toml"))
            .is_ok_and(|manifest| manifest.contains_key("workspace"))
    });
    Some(workspace.unwrap_or(nearest).to_owned())
}

/// Hands `found` every `.rs` file under each path (a file path is taken as it is) as the walk
/// reaches it, with the index of the path: path by path, sorted within each directory, depth
/// first; `target/` of a package, `.git/` and hidden directories are skipped. An explicit path
/// that holds no Rust file is an error.
pub fn discover(paths: &[PathBuf], found: &mut impl FnMut(usize, Found)) {
    for (index, path) in paths.iter().enumerate() {
        let mut any = false;
        let mut found_here = |item: Found| {
            any = true;
            found(index, item);
        };
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk(path, &mut found_here),
            Ok(_) => found_here(Found::File(path.clone())),
            Err(error) => found_here(Found::Error(path.clone(), error.to_string())),
        }
        if !any {
            found(
                index,
                Found::Error(
                    path.clone(),
                    "no Rust source file (`*.rs`) in this path".to_owned(),
                ),
            );
        }
    }
}

fn walk(root: &Path, found: &mut impl FnMut(Found)) {
    // Links are followed, as cargo follows them to modules: a loop or a dangling link is
    // reported with its path, and the walk goes on.
    let entries = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_skipped_directory(entry));
    for entry in entries {
        match entry {
            Ok(entry) => {
                let is_rust = entry
                    .path()
                    .extension()
                    .is_some_and(|extension| extension == "rs");
                if is_rust && entry.file_type().is_file() {
                    found(Found::File(entry.into_path()));
                }
            }
            Err(error) => {
                let path = error.path().unwrap_or(root).to_owned();
                let message = error
                    .io_error()
                    .map_or_else(|| error.to_string(), ToString::to_string);
                found(Found::Error(path, message));
            }
        }
    }
}

fn is_skipped_directory(entry: &walkdir::DirEntry) -> bool {
    if !entry.file_type().is_dir() {
        return false;
    }
    let name = entry.file_name().to_string_lossy();
    if name.starts_with('.') {
        return true;
    }
    // A directory named `target` is cargo's build output only beside a manifest (or when cargo
    // tagged it); elsewhere it may be a source module.
    name == "target"
        && entry
            .path()
            .parent()
            .is_some_and(|parent| parent.join("Cargo.toml").is_file())
        || entry.path().join("CACHEDIR.TAG").is_file()
}
