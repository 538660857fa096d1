//! The package of each file a run checks, found from the walk's listing and cached by
//! directory.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

    fn for_directory(&mut self, directory: &Path) -> Option<Arc<Package>> {
        if let Some(known) = self.by_directory.get(directory.as_os_str()) {
            return known.clone();
        }
        let manifest = directory.join("Cargo.toml");
        let package = if self.is_walked(directory) {
            self.listed_manifests
                .contains(directory.as_os_str())
                .then(|| read_package(&manifest))
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
