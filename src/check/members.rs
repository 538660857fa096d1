//! The libraries of the workspace members packages take by path, each read once per run: a
//! member many packages depend on (a workspace's `core` crate) is listed and scanned once, not
//! once for each of them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::check::error::FileError;
use crate::check::file::{member_text, Prefilter};
use crate::policy::config::Config;
use crate::project::crates::{self, FilePlace};
use crate::project::discover::{self, Found, Next, PathKinds, WalkOptions};
use crate::project::manifest::read_package;

/// The member libraries a run has read, by the member's directory (`None`: not read, being
/// outside the run's tree or without a readable package).
#[derive(Default)]
pub struct MemberLibraries {
    libraries: Mutex<HashMap<PathBuf, Option<Arc<MemberLibrary>>>>,
}

/// A member's library files, in path order.
pub struct MemberLibrary {
    pub files: Vec<MemberFile>,
}

/// A file of a member's library: its place as the packages depending on the member see it,
/// and its text if it mentions a word (`None`: dropped), or why it could not be read.
pub struct MemberFile {
    pub path: PathBuf,
    pub place: FilePlace,
    pub read: Result<Option<String>, FileError>,
}

impl MemberLibrary {
    /// Whether a file of the library may hold a creation: one that mentions a word, or that
    /// could not be read.
    pub fn may_create(&self) -> bool {
        self.files.iter().any(|file| !matches!(file.read, Ok(None)))
    }
}

impl MemberLibraries {
    /// The library in `directory`, read by `read` the first time it is asked for.
    pub fn get_or_read(
        &self,
        directory: &Path,
        read: impl FnOnce() -> Option<MemberLibrary>,
    ) -> Option<Arc<MemberLibrary>> {
        if let Some(known) = self.lock().get(directory) {
            return known.clone();
        }
        // Read outside the lock: two packages asking at once both read, and one is kept.
        let library = read().map(Arc::new);
        self.lock()
            .entry(directory.to_owned())
            .or_insert(library)
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Option<Arc<MemberLibrary>>>> {
        self.libraries
            .lock()
            .expect("no task panicked while holding it")
    }
}

/// Reads the library of the member in `directory`, if it is inside `tree` (the run's, made
/// canonical): every file of its directory but those of packages nested in it and those
/// `config` excludes, which its library holds.
pub fn read_library(
    directory: &Path,
    tree: &Path,
    config: &Config,
    prefilter: &Prefilter,
) -> Option<MemberLibrary> {
    let inside = std::fs::canonicalize(directory).is_ok_and(|real| real.starts_with(tree));
    if !inside {
        return None;
    }
    let Ok(Some(member)) = read_package(&directory.join("Cargo.toml")) else {
        return None;
    };
    let key = crates::member_key(directory);
    let options = WalkOptions {
        no_ignore: config.no_ignore,
        trees: vec![tree.to_owned()],
    };
    let mut paths = Vec::new();
    discover::discover(
        &[directory],
        PathKinds::Asked,
        &options,
        &mut |_, found| match found {
            Found::Manifest(manifest) if manifest != member.manifest_path => Next::SkipDirectory,
            Found::File(path) if !config.is_excluded(&path) => {
                paths.push(path);
                Next::Continue
            }
            _ => Next::Continue,
        },
    );
    paths.sort();
    let files = paths
        .into_iter()
        .filter_map(|path| {
            let place = crates::member_place(&member, &path, &key)?;
            let read = member_text(&path, prefilter);
            Some(MemberFile { path, place, read })
        })
        .collect();
    Some(MemberLibrary { files })
}
