//! Which files to check: the only place that walks directories.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// The files to check, and the paths that could not be walked.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<PathBuf>,
    pub errors: Vec<(PathBuf, String)>,
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

/// Every `.rs` file under each path (a file path is taken as it is), sorted within each
/// directory; `target/` of a package, `.git/` and hidden directories are skipped. An explicit
/// path that holds no Rust file is an error.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut discovery = Discovery::default();
    for path in paths {
        let before = discovery.files.len();
        let errors_before = discovery.errors.len();
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk(path, &mut discovery),
            Ok(_) => discovery.files.push(path.clone()),
            Err(error) => discovery.errors.push((path.clone(), error.to_string())),
        }
        if discovery.files.len() == before && discovery.errors.len() == errors_before {
            discovery.errors.push((
                path.clone(),
                "no Rust source file (`*.rs`) in this path".to_owned(),
            ));
        }
    }
    discovery
}

fn walk(root: &Path, discovery: &mut Discovery) {
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
                    discovery.files.push(entry.into_path());
                }
            }
            Err(error) => {
                let path = error.path().unwrap_or(root).to_owned();
                let message = error
                    .io_error()
                    .map_or_else(|| error.to_string(), ToString::to_string);
                discovery.errors.push((path, message));
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
