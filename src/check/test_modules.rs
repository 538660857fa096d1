//! Files of modules declared under a test-only `#[cfg]` in their parent module's file
//! (`#[cfg(test)] mod tests;` in `src/lib.rs` for `src/tests.rs`, in `src/ipc.rs` for
//! `src/ipc/tests.rs`): all their code is test code. The parent is the file at the parent
//! module path (see [`crates::place_of`]); `#[path]` attributes and modules declared inside
//! inline modules are not followed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::check::file::PackageFile;
use crate::creations::{test_code, Creation};
use crate::project::crates;
use crate::project::package::Package;
use crate::scan::source::SourceFile;

/// How many module levels up a declaration is looked for.
const MAX_LEVELS: usize = 8;

/// The files with a creation outside test code (`by_file`: each file's creations) whose module,
/// or a module above it, is declared test-only in its parent's file: their findings are in test
/// code too.
pub fn declared(
    package: &Package,
    files: &[PackageFile],
    by_file: &[Vec<&Creation>],
) -> HashSet<usize> {
    let wanted: Vec<usize> = (0..by_file.len())
        .filter(|&index| by_file[index].iter().any(|creation| !creation.in_test_code))
        .collect();
    if wanted.is_empty() {
        return HashSet::new();
    }
    // Only a file in a directory holding a wanted file, or above one, can be the file of a
    // module above it: the others' places are not worked out (a binding crate has thousands).
    let wanted_directories: Vec<&Path> = wanted
        .iter()
        .filter_map(|&index| file_path(&files[index]).parent())
        .collect();
    let paths: Vec<Option<Vec<String>>> = files
        .iter()
        .map(|file| {
            let directory = file_path(file).parent()?;
            if !wanted_directories
                .iter()
                .any(|wanted| wanted.starts_with(directory))
            {
                return None;
            }
            // A file dropped after its first read has its place worked out here.
            Some(match &file.dropped_from {
                Some(path) if file.place.module_path.is_empty() => {
                    crates::place_of(package, path).module_path
                }
                _ => file.place.module_path.clone(),
            })
        })
        .collect();
    // Each module path's file (the first of several).
    let mut by_module: HashMap<&[String], usize> = HashMap::new();
    for (index, path) in paths.iter().enumerate() {
        if let Some(path) = path {
            by_module.entry(path.as_slice()).or_insert(index);
        }
    }
    wanted
        .into_iter()
        .filter(|&index| {
            paths[index]
                .as_deref()
                .is_some_and(|path| declared_test_only(files, &by_module, path))
        })
        .collect()
}

/// The path the file is shown with, the same for a dropped file as for a kept one.
fn file_path(file: &PackageFile) -> &Path {
    file.source.path()
}

/// Whether the module at `path`, or a module above it, is declared under a test-only `#[cfg]`
/// in its parent module's file.
fn declared_test_only(
    files: &[PackageFile],
    by_module: &HashMap<&[String], usize>,
    path: &[String],
) -> bool {
    let mut path = path;
    for _ in 0..MAX_LEVELS {
        let [parent @ .., module] = path else {
            return false;
        };
        if parent.is_empty() {
            return false;
        }
        let Some(&parent_index) = by_module.get(parent) else {
            return false;
        };
        match declares(&files[parent_index], module) {
            Some(true) => return true,
            Some(false) => path = parent,
            None => return false,
        }
    }
    false
}

/// Whether `parent` declares `module` test-only (`None`: it does not declare it), read again if
/// its text was dropped. A file that cannot be read declares nothing.
fn declares(parent: &PackageFile, module: &str) -> Option<bool> {
    if parent.error.is_some() {
        return None;
    }
    match &parent.dropped_from {
        Some(path) => {
            let text = std::fs::read_to_string(path).ok()?;
            test_code::declares_module(&SourceFile::new(parent.source.path(), text), module)
        }
        None => test_code::declares_module(&parent.source, module),
    }
}
