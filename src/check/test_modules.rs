//! Files of modules declared under a test-only `#[cfg]` in their parent module's file
//! (`#[cfg(test)] mod tests;` in `src/lib.rs` for `src/tests.rs`, in `src/ipc.rs` for
//! `src/ipc/tests.rs`): all their code is test code; and of modules declared under a `#[cfg]`
//! no Windows program is built with (`#[cfg(target_os = "linux")] mod linux;`): their code
//! creates no Windows object. The parent is the file at the parent module path (see
//! [`crates::place_of`]); `#[path]` attributes and modules declared inside inline modules are
//! not followed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::check::file::PackageFile;
use crate::creations::test_code::{self, ModuleCfg};
use crate::creations::Creation;
use crate::project::crates;
use crate::project::package::Package;
use crate::scan::source::SourceFile;

/// How many module levels up a declaration is looked for.
const MAX_LEVELS: usize = 8;

/// The files whose module, or a module above it, is declared in its parent's file under a
/// `#[cfg]` the lints care about.
#[derive(Default)]
pub struct DeclaredModules {
    /// Declared test-only: their findings are in test code too.
    pub test_only: HashSet<usize>,
    /// Declared for other systems than Windows: their creations are no Windows objects.
    pub not_windows: HashSet<usize>,
}

/// The declared modules of the files with a creation (`by_file`: each file's creations).
pub fn declared(
    package: &Package,
    files: &[PackageFile],
    by_file: &[Vec<&Creation>],
) -> DeclaredModules {
    let wanted: Vec<usize> = (0..by_file.len())
        .filter(|&index| !by_file[index].is_empty())
        .collect();
    if wanted.is_empty() {
        return DeclaredModules::default();
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
    let mut declared = DeclaredModules::default();
    for index in wanted {
        let Some(path) = paths[index].as_deref() else {
            continue;
        };
        let cfg = declared_under(files, &by_module, path);
        if cfg.test_only {
            declared.test_only.insert(index);
        }
        if cfg.not_windows {
            declared.not_windows.insert(index);
        }
    }
    declared
}

/// The path the file is shown with, the same for a dropped file as for a kept one.
fn file_path(file: &PackageFile) -> &Path {
    file.source.path()
}

/// The `#[cfg]`s the module at `path`, and the modules above it, are declared under in their
/// parents' files: test-only or not on Windows if any of them is.
fn declared_under(
    files: &[PackageFile],
    by_module: &HashMap<&[String], usize>,
    path: &[String],
) -> ModuleCfg {
    let mut found = ModuleCfg::default();
    let mut path = path;
    for _ in 0..MAX_LEVELS {
        let [parent @ .., module] = path else {
            break;
        };
        if parent.is_empty() {
            break;
        }
        let Some(&parent_index) = by_module.get(parent) else {
            break;
        };
        let Some(cfg) = declares(&files[parent_index], module) else {
            break;
        };
        found.test_only |= cfg.test_only;
        found.not_windows |= cfg.not_windows;
        path = parent;
    }
    found
}

/// The `#[cfg]` `parent` declares `module` under (`None`: it does not declare it), read again
/// if its text was dropped. A file that cannot be read declares nothing.
fn declares(parent: &PackageFile, module: &str) -> Option<ModuleCfg> {
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
