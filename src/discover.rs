//! Which files to check: the only place that walks directories.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// What the walk reaches, in order.
#[derive(Debug)]
pub enum Found {
    /// A directory path about to be walked: every directory under it is listed by the walk.
    Root(PathBuf),
    /// A `Cargo.toml` file of a listed directory, reached before anything else in that
    /// directory, so a directory whose files come without one has none.
    Manifest(PathBuf),
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
/// first; `target/` of a package, cargo's tagged build directories, `.git/` and hidden
/// directories are skipped. An explicit path that holds no Rust file is an error.
pub fn discover(paths: &[PathBuf], found: &mut impl FnMut(usize, Found)) {
    // What each path is, asked on the thread pool: a pre-commit hook passes thousands.
    let kinds: Vec<std::io::Result<std::fs::Metadata>> = {
        use rayon::prelude::*;
        paths.par_iter().map(std::fs::metadata).collect()
    };
    for ((index, path), kind) in paths.iter().enumerate().zip(kinds) {
        let mut any = false;
        let mut found_here = |item: Found| {
            any |= matches!(item, Found::File(_) | Found::Error(..));
            found(index, item);
        };
        match kind {
            Ok(metadata) if metadata.is_dir() => {
                found_here(Found::Root(path.clone()));
                walk(path, &mut found_here);
            }
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
    let mut entries = WalkDir::new(root)
        .follow_links(true)
        .sort_by(|a, b| listing_order(a).cmp(&listing_order(b)))
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_skipped_directory(entry));
    while let Some(entry) = entries.next() {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let name = file_name(&entry);
                if name == CACHEDIR_TAG.as_bytes() && entry.depth() > 1 {
                    entries.skip_current_dir();
                } else if name == b"Cargo.toml" {
                    found(Found::Manifest(entry.into_path()));
                } else if name.len() > 3 && name.ends_with(b".rs") {
                    found(Found::File(entry.into_path()));
                }
            }
            Ok(_) => {}
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

/// The file cargo (and other tools) put in a build directory, so that tools leave it alone.
const CACHEDIR_TAG: &str = "CACHEDIR.TAG";

/// Where an entry comes in its directory's listing: by name, but the two names the walk
/// decides on come first — a build directory's tag, so the walk leaves it before reading
/// anything else in it, and `Cargo.toml`, so a package's files come after its manifest.
/// Neither is a `.rs` file, so the order of the files checked is the order of their names.
/// Names compare as the paths' bytes: siblings share everything before their names.
fn listing_order(entry: &walkdir::DirEntry) -> (bool, &[u8]) {
    let name = file_name(entry);
    (
        name != CACHEDIR_TAG.as_bytes() && name != b"Cargo.toml",
        entry.path().as_os_str().as_encoded_bytes(),
    )
}

/// The entry's name, as bytes: what follows the last separator of its path (`Path::file_name`
/// parses the whole path, for every comparison of a sort).
fn file_name(entry: &walkdir::DirEntry) -> &[u8] {
    let path = entry.path().as_os_str().as_encoded_bytes();
    let start = path
        .iter()
        .rposition(|&byte| std::path::is_separator(char::from(byte)))
        .map_or(0, |separator| separator + 1);
    &path[start..]
}

fn is_skipped_directory(entry: &walkdir::DirEntry) -> bool {
    if !entry.file_type().is_dir() {
        return false;
    }
    let name = entry.file_name().to_string_lossy();
    if name.starts_with('.') {
        return true;
    }
    // A directory named `target` is cargo's build output only beside a manifest (a tagged one
    // is left when the walk reaches its tag); elsewhere it may be a source module.
    name == "target"
        && entry
            .path()
            .parent()
            .is_some_and(|parent| parent.join("Cargo.toml").is_file())
}
