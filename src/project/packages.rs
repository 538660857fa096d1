//! The package of each file a run checks, found from the walk's listing and cached by
//! directory, and looked up ahead of the walk on the thread pool.

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::project::manifest::{read_package, ManifestError};
use crate::project::package::{stand_in, Package};

/// Finds and caches the package of each directory.
#[derive(Default)]
pub struct Packages {
    /// Keyed by the path's bytes: hashing a `Path` walks its components.
    by_directory: HashMap<OsString, Option<Arc<Package>>>,
    /// The directory of the file asked about last, and its package: the walk gives a
    /// directory's files one after another.
    last: Option<(PathBuf, Arc<Package>)>,
    /// Directories being walked, as bytes: the walk lists every directory under them, and
    /// [`Packages::listed_manifest`] is told of each `Cargo.toml` it lists.
    walked: Vec<Vec<u8>>,
    /// The directories under `walked` that the walk found a `Cargo.toml` in.
    listed_manifests: HashSet<OsString>,
    /// Directories outside the walk already looked up, with the `Cargo.toml` read in each
    /// (`None` when there is none; see [`look_up`]).
    looked_up: HashMap<OsString, Option<Result<Option<Package>, ManifestError>>>,
    /// Manifests that could not be read, reported once each.
    pub errors: Vec<(PathBuf, ManifestError)>,
}

impl Packages {
    /// The package owning `file` (an absolute path); a stand-in package named after the
    /// file's directory when no `Cargo.toml` with a `[package]` is above it.
    pub fn for_file(&mut self, file: &Path) -> Arc<Package> {
        let directory = file.parent().unwrap_or(Path::new("/"));
        if let Some((last, package)) = &self.last {
            if last.as_os_str() == directory.as_os_str() {
                return Arc::clone(package);
            }
        }
        let package = self
            .for_directory(directory)
            .unwrap_or_else(|| Arc::new(stand_in(file)));
        self.last = Some((directory.to_owned(), Arc::clone(&package)));
        package
    }

    /// The walk is about to list every directory under `root` (an absolute path): whether
    /// they hold a `Cargo.toml` is known from the walk, not asked of the file system.
    pub fn walking(&mut self, root: &Path) {
        self.walked
            .push(root.as_os_str().as_encoded_bytes().to_vec());
    }

    /// The walk listed this `Cargo.toml` (an absolute path), before the rest of its directory.
    pub fn listed_manifest(&mut self, manifest: &Path) {
        if let Some(directory) = manifest.parent() {
            self.listed_manifests
                .insert(directory.as_os_str().to_owned());
        }
    }

    /// Whether the walk listed a `Cargo.toml` in `directory` (under a walked path).
    pub fn lists_manifest(&self, directory: &Path) -> bool {
        self.listed_manifests.contains(directory.as_os_str())
    }

    /// Keeps what [`look_up`] found, for the walk to use.
    pub fn add_looked_up(&mut self, looked_up: LookedUp) {
        self.looked_up.extend(
            looked_up
                .into_iter()
                .map(|(directory, package)| (directory.as_os_str().to_owned(), package)),
        );
    }

    fn for_directory(&mut self, directory: &Path) -> Option<Arc<Package>> {
        if let Some(known) = self.by_directory.get(directory.as_os_str()) {
            return known.clone();
        }
        let manifest = directory.join("Cargo.toml");
        let package = if self.is_walked(directory) {
            self.listed_manifests
                .contains(directory.as_os_str())
                .then(|| read_package(&manifest))
        } else if let Some(package) = self.looked_up.remove(directory.as_os_str()) {
            package
        } else {
            manifest.is_file().then(|| read_package(&manifest))
        };
        let found = if let Some(package) = package {
            match package {
                Ok(Some(package)) => Some(Arc::new(package)),
                Ok(None) => directory
                    .parent()
                    .and_then(|parent| self.for_directory(parent)),
                Err(error) => {
                    self.errors.push((manifest, error));
                    None
                }
            }
        } else {
            directory
                .parent()
                .and_then(|parent| self.for_directory(parent))
        };
        self.by_directory
            .insert(directory.as_os_str().to_owned(), found.clone());
        found
    }

    /// Whether the walk lists `directory`: it is one of the walked roots or under one.
    fn is_walked(&self, directory: &Path) -> bool {
        let directory = directory.as_os_str().as_encoded_bytes();
        self.walked.iter().any(|root| {
            directory.starts_with(root)
                && (directory.len() == root.len()
                    || directory.get(root.len()).is_some_and(|&byte| byte == b'/')
                    || root.last() == Some(&b'/'))
        })
    }
}

/// What [`look_up`] found: each directory it asked about, with the `Cargo.toml` read in it
/// (`None` when there is none).
pub(crate) type LookedUp<'p> = Vec<(&'p Path, Option<Result<Option<Package>, ManifestError>>)>;

/// Looks up, on the thread pool, the packages of the files and directories `paths`
/// (absolute): which of their ancestors hold a `Cargo.toml`, up to the nearest package, and
/// reads those; directories in `asked` are skipped, and those it asks about are added. A
/// pre-commit hook passes thousands of files from as many directories, and the walk, which
/// hands out one file at a time, would otherwise stop at each to ask the file system while
/// the other threads wait. It takes no [`Packages`], so that it can run beside the walk.
pub(crate) fn look_up<'p>(paths: &[&'p Path], asked: &mut HashSet<&'p OsStr>) -> LookedUp<'p> {
    use rayon::prelude::*;
    // Each directory is asked about once, by the first task to reach it, which goes on up to
    // the nearest package unless another task has taken the directory above: no task waits
    // for another, as rounds of one level each would.
    let taken = Mutex::new(std::mem::take(asked));
    let found = paths
        .par_iter()
        .flat_map_iter(|path| {
            let mut found = Vec::new();
            for directory in path.ancestors().skip(1) {
                if !taken
                    .lock()
                    .expect("no task panicked")
                    .insert(directory.as_os_str())
                {
                    break;
                }
                let manifest = directory.join("Cargo.toml");
                let package = manifest.is_file().then(|| read_package(&manifest));
                // Up from a directory without a package (no manifest, or a workspace's).
                let go_on = matches!(package, None | Some(Ok(None)));
                found.push((directory, package));
                if !go_on {
                    break;
                }
            }
            found
        })
        .collect();
    *asked = taken.into_inner().expect("no task panicked");
    found
}
