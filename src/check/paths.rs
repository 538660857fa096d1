//! Paths as a run reads and shows them: absolute and plain for comparing, relative to the
//! current directory for showing.

use std::path::{Path, PathBuf};

use crate::project::discover;

/// Whether the absolute `path` is written as its components would write it: no `.` or `..`,
/// no doubled or trailing separator, only the main separator. Read as bytes: pre-commit
/// passes thousands of paths.
pub fn is_plain(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    let separator = |byte: &u8| std::path::is_separator(char::from(*byte));
    let main_separator_only = bytes
        .iter()
        .all(|&byte| !separator(&byte) || char::from(byte) == std::path::MAIN_SEPARATOR);
    main_separator_only
        && bytes
            .split(separator)
            .skip(1)
            .all(|part| !part.is_empty() && part != b"." && part != b"..")
}

/// `path` from `cwd`, without a leading `.` (`cargo objlint .` walks `./src/…`): cargo writes
/// none in its manifest paths and package ids, and packages are told apart from the paths by
/// their bytes (see [`OpenPackages`](crate::check::open_packages::OpenPackages)). A `..` is resolved as written
/// ([`discover::lexically_normal`]), so two spellings of one path are one path.
pub fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    let joined = joined(path, cwd);
    match discover::lexically_normal(&joined) {
        std::borrow::Cow::Borrowed(_) => joined,
        std::borrow::Cow::Owned(normal) => normal,
    }
}

fn joined(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_owned();
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let from_dot = bytes.first() == Some(&b'.')
        && bytes
            .get(1)
            .is_none_or(|&byte| std::path::is_separator(char::from(byte)));
    if !from_dot {
        return cwd.join(path);
    }
    match path.strip_prefix(".") {
        Ok(rest) if rest.as_os_str().is_empty() => cwd.to_owned(),
        Ok(rest) => cwd.join(rest),
        Err(_) => cwd.join(path),
    }
}

/// The path as the user should read it: relative to the current directory when inside it.
pub fn display_path(path: &Path, cwd: &Path) -> PathBuf {
    let path = path.strip_prefix("./").unwrap_or(path);
    match path.strip_prefix(cwd) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.to_owned(),
        _ => up_from(path, cwd).unwrap_or_else(|| path.to_owned()),
    }
}

/// An absolute `path` beside `cwd`, written from `cwd` with `..` (`../b/src/lib.rs` from a sibling
/// crate of the workspace, whose walk starts at the workspace root), as a user would type it.
/// Paths that share nothing with `cwd` but the root stay absolute.
fn up_from(path: &Path, cwd: &Path) -> Option<PathBuf> {
    if !path.is_absolute() || !cwd.is_absolute() {
        return None;
    }
    let common = path
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .count();
    // The root alone (`/`, or `C:\` as two components) is no shared directory.
    let root_components = cwd
        .components()
        .take_while(|component| {
            matches!(
                component,
                std::path::Component::Prefix(_) | std::path::Component::RootDir
            )
        })
        .count();
    if common <= root_components {
        return None;
    }
    let ups = cwd.components().count() - common;
    let mut relative: PathBuf = std::iter::repeat_n("..", ups).collect();
    relative.extend(path.components().skip(common));
    Some(relative)
}

#[cfg(test)]
mod tests {
    use super::{absolute, is_plain};
    use std::path::Path;

    #[cfg(unix)]
    #[test]
    fn a_path_from_the_current_directory_has_no_dot_nor_dot_dot() {
        let cwd = Path::new("/work/crate");
        for (given, expected) in [
            (".", "/work/crate"),
            ("./src/lib.rs", "/work/crate/src/lib.rs"),
            ("src/lib.rs", "/work/crate/src/lib.rs"),
            ("../other", "/work/other"),
            ("src/../src/lib.rs", "/work/crate/src/lib.rs"),
            (".hidden.rs", "/work/crate/.hidden.rs"),
            ("/elsewhere/a.rs", "/elsewhere/a.rs"),
        ] {
            assert_eq!(
                absolute(Path::new(given), cwd),
                Path::new(expected),
                "{given}"
            );
        }
        assert!(is_plain(&absolute(Path::new("./src/lib.rs"), cwd)));
    }

    #[cfg(unix)]
    #[test]
    fn a_path_is_plain_when_its_components_write_it_the_same() {
        assert!(is_plain(Path::new("/work/crate/src/lib.rs")));
        assert!(is_plain(Path::new("/work/crate/src")));
        for unplain in [
            "/work/./crate/src",
            "/work/crate/../crate/src",
            "/work//crate",
            "/work/crate/",
            "/work/crate/.",
        ] {
            assert!(!is_plain(Path::new(unplain)), "{unplain} taken as plain");
        }
    }
}
