//! Every file objlint writes (a baseline, a fixed source file) is written here: whole, to a
//! temporary file beside the destination, then renamed into place, and never through a
//! symbolic link. The tree being checked may come from a stranger's pull request, and a link
//! committed where objlint writes (`objlint-baseline.toml -> ~/.bashrc`) must not make it write
//! outside the tree.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// What the name of every temporary file objlint writes holds; the blocker search of `--fix`
/// skips such files, so one left by a killed run is never mistaken for a use of a name.
pub const TEMPORARY_MARK: &str = ".objlint-tmp.";

/// Whether `file_name` is one of objlint's temporary files (or one of the `.objlint-fix.` files
/// earlier versions wrote).
pub fn is_temporary(file_name: &[u8]) -> bool {
    let contains = |needle: &[u8]| {
        file_name
            .windows(needle.len())
            .any(|window| window == needle)
    };
    contains(TEMPORARY_MARK.as_bytes()) || contains(b".objlint-fix.")
}

/// Replaces the file at `path` (or creates it) with `contents`, atomically: a reader sees the
/// old file or the new one, never a part. A destination that is a symbolic link or not a
/// regular file is refused. An existing file keeps its permissions and its owner and group.
pub fn replace(path: &Path, contents: &[u8]) -> io::Result<()> {
    let existing = match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            return Err(io::Error::other(
                "it is a symbolic link, and objlint does not write through links",
            ));
        }
        Ok(metadata) if !metadata.is_file() => {
            return Err(io::Error::other("it is not a regular file"));
        }
        Ok(metadata) => Some(metadata),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };
    let (temporary, mut file) = create_temporary(path)?;
    let written = (|| {
        file.write_all(contents)?;
        if let Some(existing) = &existing {
            keep_identity(&file, existing)?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written
}

/// A new file beside `path`, named after it with [`TEMPORARY_MARK`] and this process's id;
/// `create_new` never opens an existing file or follows a link.
fn create_temporary(path: &Path) -> io::Result<(PathBuf, fs::File)> {
    let directory = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map_or_else(|| "file".into(), |name| name.to_string_lossy());
    let process = std::process::id();
    let mut attempt = 0;
    loop {
        let temporary = directory.join(format!(".{file_name}{TEMPORARY_MARK}{process}.{attempt}"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
        {
            Ok(file) => return Ok((temporary, file)),
            // A name the tree already holds (committed, or left by a killed run).
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

/// How many names (hard links) the file has; 1 where the platform does not say.
pub fn hard_links(metadata: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        metadata.nlink()
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        1
    }
}

/// Whether the file's owner may write it, from its mode bits (not from whether this process
/// may: run as root, objlint would otherwise rewrite a file marked read-only).
pub fn owner_may_write(metadata: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        metadata.permissions().mode() & 0o200 != 0
    }
    #[cfg(not(unix))]
    {
        !metadata.permissions().readonly()
    }
}

/// Gives the new file the owner, group and permissions of the one it replaces.
fn keep_identity(file: &fs::File, existing: &fs::Metadata) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        // The owner first: changing it clears the set-user-ID bits the mode restores.
        std::os::unix::fs::fchown(file, Some(existing.uid()), Some(existing.gid()))?;
        file.set_permissions(fs::Permissions::from_mode(existing.mode() & 0o7777))
    }
    #[cfg(not(unix))]
    {
        file.set_permissions(existing.permissions())
    }
}
