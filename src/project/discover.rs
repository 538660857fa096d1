//! Which files to check: the only place that walks directories.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
    /// A path given as a file by its name (`*.rs`), not asked of the file system (a pre-commit
    /// hook passes thousands): if reading it fails, whoever reads it must ask whether it is
    /// a file after all (see [`PathKinds::ByName`]).
    NamedFile(PathBuf),
    /// A path that could not be walked, and why.
    Error(PathBuf, String),
}

/// What the walk honours besides the paths.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// `--no-ignore`: `.gitignore`, `.ignore`, `.git/info/exclude` and the global git excludes
    /// are not read.
    pub no_ignore: bool,
    /// Real paths a symbolic link met in the walk may lead into (besides the walked path): the
    /// run's workspace root. A link that leads elsewhere is not followed.
    pub trees: Vec<PathBuf>,
}

/// What the walk does after a [`Found::Manifest`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Goes on into the manifest's directory.
    Continue,
    /// Leaves the manifest's directory: a package that is not a member of the workspace being
    /// walked (never the walked path itself).
    SkipDirectory,
}

/// `path` with its `..` components resolved by dropping the component before each, as the
/// words read (`src/../src/lib.rs` is `src/lib.rs`), without asking the file system; `.` and
/// doubled separators are dropped too. Two spellings of one path then compare equal, and
/// `exclude` globs match however a path was written. A `..` that would go above a relative
/// path's start, or that follows another `..`, is kept.
pub fn lexically_normal(path: &Path) -> std::borrow::Cow<'_, Path> {
    use std::path::Component;
    let has_parent = path
        .as_os_str()
        .as_encoded_bytes()
        .windows(2)
        .any(|pair| pair == b"..");
    if !has_parent {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match normal.components().next_back() {
                Some(Component::Normal(_)) => {
                    normal.pop();
                }
                // Above the root is the root.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir | Component::CurDir) | None => normal.push(".."),
            },
            other => normal.push(other),
        }
    }
    std::borrow::Cow::Owned(normal)
}

/// `path` (absolute) relative to `base`, with `/` separators on every platform; the whole path
/// when it is outside `base`.
pub fn relative_path(base: &Path, path: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(relative) => relative
            .components()
            .map(|component| component.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

/// Why a path that is neither a directory nor a regular file is not read.
pub const NOT_REGULAR: &str = "not a regular file (a FIFO, a device or a socket); not read";

/// How [`discover`] learns what each of its paths is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathKinds {
    /// A path named `*.rs` is taken as a file ([`Found::NamedFile`]) and any other is asked
    /// of the file system: asking costs a path lookup per file, and a directory or a missing
    /// file named `*.rs` is rare, and is found when the file cannot be read.
    /// Saves 4-8 ms of CPU (2-4%) on the 5,000-file case of `benches/vs-ripgrep.sh`.
    ByName,
    /// Every path is asked of the file system.
    Asked,
}

/// Hands `found` every `.rs` file under each path (a file path is taken as it is) as the walk
/// reaches it, with the index of the path: path by path, sorted within each directory, depth
/// first; `target/` of a package, cargo's tagged build directories, `.git/` and hidden
/// directories are skipped. An explicit path that holds no Rust file is an error.
pub fn discover(
    paths: &[&Path],
    kinds: PathKinds,
    options: &WalkOptions,
    found: &mut impl FnMut(usize, Found) -> Next,
) {
    enum Kind {
        Directory,
        File,
        NamedFile,
        Error(std::io::Error),
    }
    // Asked on the thread pool: a pre-commit hook passes thousands of paths.
    let kinds: Vec<Kind> = {
        use rayon::prelude::*;
        paths
            .par_iter()
            .map(|path| {
                if kinds == PathKinds::ByName && is_source_file_name(path) {
                    return Kind::NamedFile;
                }
                match std::fs::metadata(path) {
                    Ok(metadata) if metadata.is_dir() => Kind::Directory,
                    Ok(metadata) if metadata.is_file() => Kind::File,
                    // The walk skips these too: a FIFO would block the read, a device such as
                    // `/dev/zero` would never end.
                    Ok(_) => Kind::Error(std::io::Error::other(NOT_REGULAR)),
                    Err(error) => Kind::Error(error),
                }
            })
            .collect()
    };
    for ((index, &path), kind) in paths.iter().enumerate().zip(kinds) {
        let mut any = false;
        let mut found_here = |item: Found| {
            any |= matches!(
                item,
                Found::File(_) | Found::NamedFile(_) | Found::Error(..)
            );
            found(index, item)
        };
        match kind {
            Kind::Directory => {
                found_here(Found::Root(path.to_owned()));
                walk(path, options, &mut found_here);
            }
            Kind::File => {
                found_here(Found::File(path.to_owned()));
            }
            Kind::NamedFile => {
                found_here(Found::NamedFile(path.to_owned()));
            }
            Kind::Error(error) => {
                found_here(Found::Error(path.to_owned(), error.to_string()));
            }
        }
        if !any {
            let _ = found(
                index,
                Found::Error(
                    path.to_owned(),
                    "no Rust source file (`*.rs`) in this path".to_owned(),
                ),
            );
        }
    }
}

fn walk(root: &Path, options: &WalkOptions, found: &mut impl FnMut(Found) -> Next) {
    // The directory whose remaining entries the walk leaves (a build directory at its tag, a
    // package outside the workspace at its manifest): the listing is sorted with both first,
    // so nothing else in it has been handed out yet.
    let leaving: Arc<Mutex<Option<Vec<u8>>>> = Arc::default();
    let mut trees = options.trees.clone();
    trees.extend(std::fs::canonicalize(root));
    let filter = {
        let leaving = Arc::clone(&leaving);
        move |entry: &ignore::DirEntry| {
            entry.depth() == 0
                || !(leaving
                    .lock()
                    .expect("the walk does not panic")
                    .as_deref()
                    .is_some_and(|directory| parent_bytes(entry.path()) == directory)
                    || is_skipped_directory(entry)
                    || (entry.path_is_symlink() && !leads_into(entry.path(), &trees)))
        }
    };
    // Links are followed, as cargo follows them to modules, but only into the checked tree: a
    // dangling link named like a source file is reported with its path, and the walk goes on
    // (`nothing_to_check` says which link errors are not reported). Ignore files
    // are read as ripgrep reads them (the `ignore` crate); hidden directories are skipped by
    // `filter`, hidden files are not.
    let entries = ignore::WalkBuilder::new(root)
        .follow_links(true)
        .hidden(false)
        .ignore(!options.no_ignore)
        .git_ignore(!options.no_ignore)
        .git_global(!options.no_ignore)
        .git_exclude(!options.no_ignore)
        .parents(!options.no_ignore)
        .sort_by_file_path(|a, b| listing_order(a).cmp(&listing_order(b)))
        .filter_entry(filter)
        .build();
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_type().is_some_and(|kind| kind.is_file()) => {
                let name = file_name(entry.path());
                let leave = if name == CACHEDIR_TAG.as_bytes() {
                    true
                } else if name == b"Cargo.toml" {
                    found(Found::Manifest(entry.path().to_owned())) == Next::SkipDirectory
                } else {
                    if is_source_name(name) {
                        found(Found::File(entry.into_path()));
                    }
                    continue;
                };
                if leave && entry.depth() > 1 {
                    *leaving.lock().expect("the walk does not panic") =
                        Some(parent_bytes(entry.path()).to_vec());
                }
            }
            Ok(_) => {}
            Err(error) if nothing_to_check(&error) => {}
            Err(error) => {
                let (path, message) = walk_error(&error);
                found(Found::Error(path.unwrap_or(root).to_owned(), message));
            }
        }
    }
}

/// Whether a walk error hides nothing objlint would check: a link back to a directory the walk
/// is inside (its files are walked anyway; repositories commit such loops in test fixtures), or
/// a link that cannot be followed (dangling, or a link to itself) and is not named like a source
/// file (an install path, a corpus not in the repository). Neither is objlint failing to do its job, so neither makes the run fail;
/// ripgrep, which follows no link by default, never meets them.
fn nothing_to_check(error: &ignore::Error) -> bool {
    match error {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithDepth { err, .. } => nothing_to_check(err),
        ignore::Error::WithPath { path, err } => {
            err.io_error().is_some()
                && std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink())
                && !is_source_file_name(path)
        }
        _ => false,
    }
}

/// Where a walk error happened, and what it was (the I/O error's own words when it has one).
fn walk_error(error: &ignore::Error) -> (Option<&Path>, String) {
    match error {
        ignore::Error::WithPath { path, err } => (Some(path), walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        ignore::Error::Loop { child, .. } => (Some(child), error.to_string()),
        _ => (
            None,
            error
                .io_error()
                .map_or_else(|| error.to_string(), ToString::to_string),
        ),
    }
}

/// Whether the symbolic link at `path` leads inside one of `trees` (real paths). One that
/// cannot be resolved (dangling, a loop) is left to the walk, which reports it.
fn leads_into(path: &Path, trees: &[PathBuf]) -> bool {
    std::fs::canonicalize(path).map_or(true, |target| {
        trees.iter().any(|tree| target.starts_with(tree))
    })
}

fn is_source_name(name: &[u8]) -> bool {
    name.len() > 3 && name.ends_with(b".rs")
}

fn is_source_file_name(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| is_source_name(name.as_encoded_bytes()))
}

/// The file cargo (and other tools) put in a build directory, so that tools leave it alone.
const CACHEDIR_TAG: &str = "CACHEDIR.TAG";

/// Where an entry comes in its directory's listing: by name, but the two names the walk
/// decides on come first — a build directory's tag, so the walk leaves it before reading
/// anything else in it, and `Cargo.toml`, so a package's files come after its manifest.
/// Neither is a `.rs` file, so the order of the files checked is the order of their names.
/// Names compare as the paths' bytes: siblings share everything before their names.
fn listing_order(path: &Path) -> (bool, &[u8]) {
    let name = file_name(path);
    (
        name != CACHEDIR_TAG.as_bytes() && name != b"Cargo.toml",
        path.as_os_str().as_encoded_bytes(),
    )
}

/// The entry's name, as bytes: what follows the last separator of its path (`Path::file_name`
/// parses the whole path, for every comparison of a sort).
fn file_name(path: &Path) -> &[u8] {
    let path = path.as_os_str().as_encoded_bytes();
    let start = path
        .iter()
        .rposition(|&byte| std::path::is_separator(char::from(byte)))
        .map_or(0, |separator| separator + 1);
    &path[start..]
}

/// The path's directory, as bytes: all before the separator ahead of its name (compared for
/// every entry after a directory was left, so not parsed into components).
fn parent_bytes(path: &Path) -> &[u8] {
    let bytes = path.as_os_str().as_encoded_bytes();
    let directory = &bytes[..bytes.len() - file_name(path).len()];
    match directory.split_last() {
        Some((&last, rest)) if std::path::is_separator(char::from(last)) => rest,
        _ => directory,
    }
}

fn is_skipped_directory(entry: &ignore::DirEntry) -> bool {
    if !entry.file_type().is_some_and(|kind| kind.is_dir()) {
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

#[cfg(test)]
mod tests {
    use super::lexically_normal;
    use std::path::Path;

    #[test]
    fn parent_components_are_resolved_as_written() {
        for (written, normal) in [
            ("src/../src/lib.rs", "src/lib.rs"),
            ("/w/sub/../src/./gen.rs", "/w/src/gen.rs"),
            ("../src", "../src"),
            ("a/../../b", "../b"),
            ("/..", "/"),
            ("src/lib.rs", "src/lib.rs"),
            ("x..y/lib.rs", "x..y/lib.rs"),
        ] {
            assert_eq!(
                lexically_normal(Path::new(written)),
                Path::new(normal),
                "{written}"
            );
        }
    }
}
