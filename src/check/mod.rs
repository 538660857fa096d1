//! Running the stages: a stream of files over paths, and one package stage by stage, on a
//! pool of threads with stacks deep enough for syn.
//!
//! - `pipeline`: a run over paths; the walk hands each file to the pool as it finds it.
//!   `run` is what its tasks share, `open_packages` the packages being read,
//!   `walked_package` one of them once read (its context files, stages and reports),
//!   `paths` how paths are compared and shown.
//! - `package`: the stages of one package over its files; `file` is a file of it and stage
//!   1 (the catalogued APIs), `crate_functions` stages 2 and 3 (the package's own functions
//!   that pass a name on, and the items names refer to), `once_cells` the values `OnceCell`
//!   statics are set to, `parse` parsing a file whole or by items.
//! - `outcome`: what a run found ([`Report`]); `error`: why a file was not checked;
//!   `pool`: the threads.
//! - `test_modules`: files of modules declared `#[cfg(test)] mod …;`, test code whole.

mod crate_functions;
pub mod error;
mod file;
mod members;
mod module_uses;
mod once_cells;
mod open_packages;
pub mod outcome;
mod package;
pub mod parse;
mod paths;
mod pipeline;
pub mod pool;
mod run;
mod test_modules;
mod walked_package;

use std::path::{Path, PathBuf};

use crate::catalogue::Catalogue;
use crate::check::error::FileError;
use crate::check::file::{PackageFile, Prefilter};
use crate::check::outcome::Report;
use crate::check::pool::pool;
use crate::lints::diagnostic::Diagnostic;
use crate::policy::config::Config;
use crate::policy::finish::finish;
use crate::project::{crates, package as project_package};
use crate::scan::source::SourceFile;

/// Checks one source text as the only file of package `package` with the default
/// configuration: the whole pipeline but discovery, suppressions in the text included.
pub fn check_source(file: &SourceFile, package: &str) -> Result<Vec<Diagnostic>, FileError> {
    check_source_with(file, package, &Config::default())
}

/// Checks one source text as the only file of package `package` under `config`.
pub fn check_source_with(
    file: &SourceFile,
    package: &str,
    config: &Config,
) -> Result<Vec<Diagnostic>, FileError> {
    // Parsing needs a parser thread's stack, whichever thread calls.
    pool().install(|| check_source_on_pool(file, package, config))
}

fn check_source_on_pool(
    file: &SourceFile,
    package: &str,
    config: &Config,
) -> Result<Vec<Diagnostic>, FileError> {
    let mut stand_in = project_package::stand_in(file.path());
    package.clone_into(&mut stand_in.name);
    let mut files = vec![PackageFile::new(
        SourceFile::new(file.path(), file.text.clone()),
        crates::place_of(&stand_in, file.path()),
        None,
    )];
    let catalogue = Catalogue::new(&config.apis);
    let prefilter = Prefilter::new(&catalogue);
    package::check_package(&stand_in, &mut files, &catalogue, &prefilter);
    let [checked] = <[PackageFile; 1]>::try_from(files).expect("one file in, one file out");
    match checked.error {
        Some(error) => Err(error),
        None => Ok(finish(file, checked.diagnostics, config)),
    }
}

/// Checks the given paths (files or directories) with the default configuration; `cwd` makes
/// printed paths relative.
pub fn check_paths(paths: &[PathBuf], cwd: &Path) -> Report {
    check_paths_with(paths, cwd, &Config::default())
}

/// Checks the given paths (files or directories) under `config`, skipping the files it
/// excludes; `cwd` makes printed paths relative.
pub fn check_paths_with(paths: &[PathBuf], cwd: &Path, config: &Config) -> Report {
    pool().install(|| pipeline::check_paths(paths, cwd, config))
}
