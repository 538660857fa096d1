//! The packages a run over paths is reading: which the walk may still find files of, and
//! each one's files as they are read, until the last read checks the package.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::check::file::PackageFile;
use crate::check::paths::{display_path, is_plain};
use crate::check::run::{Place, Run, Settings};
use crate::check::walked_package;
use crate::project::package::Package;

/// The packages whose files the walk may still find.
///
/// The walk goes through its paths in order, and through each directory depth first, never
/// coming back to a directory it has left. So a package is complete once the walk is past the
/// last path that can hold its files and, within that path, outside the package's directory.
pub struct OpenPackages<'p> {
    /// Each open package, with the index of the last path that can hold its files.
    pub packages: Vec<(Arc<PackageWork>, usize)>,
    /// The paths, absolute, as bytes; `None` when one is not written plainly (`.`, `..`, a
    /// doubled separator), where comparing bytes could tell a path apart from itself — then
    /// every package waits for the end of the walk.
    pub paths: Option<Vec<&'p [u8]>>,
    /// The paths, absolute, sorted by their bytes: whether one of them holds a whole package.
    pub walked: Vec<&'p Path>,
}

impl<'p> OpenPackages<'p> {
    /// `paths` are absolute, sorted by their bytes (the walk's order).
    pub fn new(paths: &[&'p Path]) -> Self {
        use rayon::prelude::*;
        debug_assert!(paths.is_sorted_by_key(|path| path.as_os_str().as_encoded_bytes()));
        let walked = paths.to_vec();
        let paths = paths
            .par_iter()
            .map(|path| is_plain(path).then_some(path.as_os_str().as_encoded_bytes()))
            .collect();
        Self {
            packages: Vec::new(),
            paths,
            walked,
        }
    }

    /// Takes out the packages that the walk, now at `file` of the path at `argument`, has left
    /// for good.
    pub fn left_for(&mut self, argument: usize, file: &Path) -> Vec<Arc<PackageWork>> {
        let (left, still_open): (Vec<_>, Vec<_>) = std::mem::take(&mut self.packages)
            .into_iter()
            .partition(|(work, last)| {
                argument > *last
                    || (argument == *last
                        && !work
                            .package
                            .manifest_path
                            .parent()
                            .is_some_and(|directory| file.starts_with(directory)))
            });
        self.packages = still_open;
        left.into_iter().map(|(work, _)| work).collect()
    }

    pub fn work_for(&mut self, package: Arc<Package>, settings: Arc<Settings>) -> Arc<PackageWork> {
        if let Some((work, _)) = self
            .packages
            .iter()
            .find(|(work, _)| Arc::ptr_eq(&work.package, &package))
        {
            return Arc::clone(work);
        }
        let last = self.last_path_holding(&package);
        let whole = package
            .manifest_path
            .parent()
            .is_some_and(|directory| self.walks_all_of(directory));
        let work = Arc::new(PackageWork {
            whole,
            package,
            settings,
            files: Mutex::new(Vec::new()),
            found: AtomicUsize::new(0),
            pending: AtomicUsize::new(1),
        });
        self.packages.push((Arc::clone(&work), last));
        work
    }

    /// Whether the walk goes through all of `directory`: it, or a directory around it, is one
    /// of the paths. Otherwise (a pre-commit hook's files) its package's other files are read
    /// as context ([`context_files`](crate::check::walked_package::context_files)).
    fn walks_all_of(&self, directory: &Path) -> bool {
        directory.ancestors().any(|ancestor| {
            let bytes = ancestor.as_os_str().as_encoded_bytes();
            self.walked
                .binary_search_by(|path| path.as_os_str().as_encoded_bytes().cmp(bytes))
                .is_ok()
        })
    }

    /// The index of the last path that can hold files of `package`: one inside its directory,
    /// or a directory around it.
    fn last_path_holding(&self, package: &Package) -> usize {
        match (&self.paths, package.manifest_path.parent()) {
            (Some(paths), Some(directory)) => {
                last_holding(paths, directory.as_os_str().as_encoded_bytes())
            }
            _ => usize::MAX,
        }
    }
}

/// The index of the last of `paths` (plain) that is `directory` (plain), inside it, or a
/// directory around it; `usize::MAX` if none is.
fn last_holding(paths: &[&[u8]], directory: &[u8]) -> usize {
    let separator =
        |byte: Option<&u8>| byte.is_some_and(|&byte| std::path::is_separator(char::from(byte)));
    let holds = |path: &[u8]| {
        let inside = path.starts_with(directory)
            && (separator(directory.last()) || separator(path.get(directory.len())));
        let around =
            !path.is_empty() && directory.starts_with(path) && separator(directory.get(path.len()));
        path == directory || inside || around
    };
    paths
        .iter()
        .rposition(|path| holds(path))
        .unwrap_or(usize::MAX)
}

/// A package whose files are being read.
pub struct PackageWork {
    pub package: Arc<Package>,
    /// Whether the walk goes through the package's whole directory; if not, the package's
    /// other files are read as context when it is checked.
    pub whole: bool,
    pub settings: Arc<Settings>,
    /// Each file read so far: its index in the package, its [`Place`], its absolute path, and
    /// the file.
    pub files: Mutex<Vec<(usize, Place, PathBuf, PackageFile)>>,
    /// How many of its files the walk has found: the next one's index in the package (the
    /// stages see the files in the walk's order).
    pub found: AtomicUsize,
    /// Reads not finished yet, plus one while the walk may find more files of the package.
    /// Whoever brings it to zero checks the package.
    pub pending: AtomicUsize,
}

/// A file the walk found, on its way to be read.
pub struct FoundFile {
    pub place: Place,
    /// Its place among its package's files, in the walk's order.
    pub index: usize,
    /// As the walk gave it.
    pub path: PathBuf,
    pub absolute_path: PathBuf,
    /// Whether it was taken as a file by its name ([`Found::NamedFile`](crate::project::discover::Found::NamedFile)).
    pub by_name: bool,
}

impl PackageWork {
    /// The first read of `found`, and its stage 1.
    pub fn read(&self, run: &Run, found: FoundFile) {
        let read_path = if run.cwd_is_current {
            &found.path
        } else {
            &found.absolute_path
        };
        let mut file = PackageFile::read(
            display_path(&found.path, run.cwd),
            read_path,
            found.absolute_path.clone(),
            &self.package,
            &self.settings.prefilter,
        );
        // What asking would have said of the path (see `discover::discover`): a file, whose
        // read error stands, or not.
        if found.by_name
            && file.error.is_some()
            && !std::fs::metadata(read_path).is_ok_and(|metadata| metadata.is_file())
        {
            run.misnamed.store(true, Ordering::Relaxed);
        }
        file.scan_for_apis(
            found.index,
            &self.settings.catalogue,
            &self.settings.prefilter,
        );
        self.files
            .lock()
            .expect("no task panicked while holding it")
            .push((found.index, found.place, found.absolute_path, file));
        self.one_done(run);
    }

    /// The walk will find no more files of the package.
    pub fn walk_done(&self, run: &Run) {
        self.one_done(run);
    }

    fn one_done(&self, run: &Run) {
        if self.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            let files = std::mem::take(&mut *self.files.lock().expect("no task panicked"));
            let mut files = files;
            if !self.whole {
                files.extend(walked_package::context_files(
                    &self.package,
                    &self.settings,
                    &files,
                    run,
                ));
            }
            let members = walked_package::member_files(&self.package, &self.settings, &files, run);
            let reports = walked_package::check(&self.package, &self.settings, files, members);
            run.checked
                .lock()
                .expect("no task panicked while holding it")
                .extend(reports);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::last_holding;

    #[cfg(unix)]
    #[test]
    fn the_last_path_holding_a_package() {
        let paths: Vec<&[u8]> = [
            "/w/a",
            "/w/a-b/x.rs",
            "/w/a.rs",
            "/w/a/src/lib.rs",
            "/w/a/src/lib.rs",
            "/w/a0/y.rs",
            "/w/b/c/d.rs",
        ]
        .iter()
        .map(|path| path.as_bytes())
        .collect();
        for (directory, expected) in [
            ("/w/a", 4),
            ("/w/a/src", 4),
            ("/w/a-b", 1),
            ("/w/b", 6),
            ("/w/b/c/e", usize::MAX),
            ("/w/c", usize::MAX),
            ("/w/a/src/deep", 0),
            ("/w", 6),
        ] {
            assert_eq!(
                last_holding(&paths, directory.as_bytes()),
                expected,
                "{directory}"
            );
        }
    }
}
