//! objlint finds Win32 named kernel objects (file mappings, mutexes, events) whose name another
//! program may already use, and creations whose `ERROR_ALREADY_EXISTS` outcome goes unchecked.
//!
//! The pipeline, one module per stage: [`discover`] → parse (syn) → [`creations`] (calls to the
//! [`apis`] catalogue, names resolved by [`names`]) → [`lints`] → [`suppress`]ions and levels
//! ([`config`]) → [`baseline`] → [`report`].
//! objlint reads source text only; it never builds or runs the code it checks.

pub mod analysis;
pub mod apis;
pub mod baseline;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod creations;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod lints;
pub mod names;
pub mod report;
pub mod source;
pub mod suppress;
pub mod unique;
pub mod workspace;
pub mod wrappers;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::analysis::PackageFile;
use crate::catalogue::Catalogue;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::lints::Level;
use crate::source::{ByteSpan, SourceFile};
use crate::workspace::{Package, Packages};

pub use crate::cli::run;

/// The stack of each thread that parses: syn parses by recursive descent, and this holds
/// [`analysis::MAX_NESTING`] levels of its most stack-hungry construct several times over even
/// in a debug build. It is address space, not memory: pages are touched only by deep files.
pub const PARSER_STACK: usize = 256 << 20;

static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();

/// Sets how many threads read and check files (0: one per core, the default). Only the first
/// call before any check has an effect; it returns whether this one did.
pub fn set_jobs(jobs: usize) -> bool {
    let mut built = false;
    POOL.get_or_init(|| {
        built = true;
        thread_pool(jobs)
    });
    built
}

/// The threads every file is read, scanned and parsed on.
fn pool() -> &'static rayon::ThreadPool {
    POOL.get_or_init(|| thread_pool(0))
}

fn thread_pool(jobs: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(PARSER_STACK)
        .thread_name(|index| format!("objlint-{index}"))
        .build()
        .expect("the operating system starts threads")
}

/// A file that could not be checked, with the place in it where syn gave one.
#[derive(Debug, Clone)]
pub struct FileError {
    pub message: String,
    pub span: Option<ByteSpan>,
}

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
    let mut stand_in = workspace::stand_in(file.path());
    package.clone_into(&mut stand_in.name);
    let mut files = vec![PackageFile::new(
        SourceFile::new(file.path(), file.text.clone()),
        Vec::new(),
        None,
    )];
    analysis::check_package(&stand_in, &mut files, &Catalogue::for_config(config));
    let [checked] = <[PackageFile; 1]>::try_from(files).expect("one file in, one file out");
    match checked.error {
        Some(error) => Err(error),
        None => Ok(finish(file, checked.diagnostics, config)),
    }
}

/// What happens to a file's findings after the lints: names the configuration accepts as unique
/// are dropped, then the suppressions written in the file hide what they cover (and report
/// themselves when they cover nothing), then each finding gets its level and those at allow
/// are dropped.
fn finish(file: &SourceFile, mut diagnostics: Vec<Diagnostic>, config: &Config) -> Vec<Diagnostic> {
    diagnostics.retain(|diagnostic| {
        !(diagnostic.lint.name == "non_unique_object_name"
            && diagnostic
                .object_name
                .as_deref()
                .is_some_and(|name| config.accepts_as_unique(name)))
    });
    // The lints keep no syntax tree, and most files are never parsed; a file can hold a
    // suppression only if it says `objlint`, and only such a file is parsed (again) here. One
    // that does not parse was reported by the lints if it mattered, and suppresses nothing.
    if file.text.contains("objlint") && file.skeleton().depth <= analysis::MAX_NESTING {
        if let Ok(syntax) = syn::parse_file(file.parse_text()) {
            let suppressions = suppress::collect(file, &syntax);
            diagnostics = suppressions.apply(diagnostics, file, config.require_suppression_reason);
        }
        proc_macro2::extra::invalidate_current_thread_spans();
    }
    for diagnostic in &mut diagnostics {
        diagnostic.level = config.finding_level(diagnostic.lint);
    }
    diagnostics.retain(|diagnostic| diagnostic.level != Level::Allow);
    diagnostics
}

pub(crate) fn parse_error(file: &SourceFile, error: &syn::Error) -> FileError {
    let syn_message = error.to_string();
    // proc-macro2's lexer says only this; its span points at the offending token.
    let message = match syn_message.as_str() {
        "cannot parse string into token stream" => "unbalanced delimiter or invalid token",
        other => other,
    };
    // syn reports a truncated file at the call site, which has no place in the text.
    let span = if message.contains("unexpected end of input") {
        ByteSpan::new(file.text.len(), file.text.len())
    } else {
        file.byte_span(error.span())
    };
    FileError {
        message: format!("could not parse this file: {message}"),
        span: Some(span),
    }
}

/// The outcome for one file: its findings, or why it could not be checked.
#[derive(Debug)]
pub struct FileReport {
    pub file: SourceFile,
    pub absolute_path: PathBuf,
    pub package: Arc<Package>,
    pub diagnostics: Vec<Diagnostic>,
    pub error: Option<FileError>,
    /// The known names this file's creations and openers use, for `--fix`.
    pub uses: Vec<analysis::NameUse>,
}

/// Everything one run found.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    /// Problems outside any one file's text: a path that could not be walked, a manifest
    /// that could not be read.
    pub errors: Vec<(PathBuf, String)>,
    /// The workspace root (or, outside any Cargo project, the current directory): JSON output
    /// names files relative to it, as cargo does.
    pub root: PathBuf,
    /// What a `--baseline` did, when one was given.
    pub baseline: Option<baseline::Outcome>,
}

impl Report {
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.iter().flat_map(|file| &file.diagnostics)
    }

    /// Whether objlint could not do its whole job.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.files.iter().any(|file| file.error.is_some())
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
    pool().install(|| check_paths_on_pool(paths, cwd, config))
}

fn check_paths_on_pool(paths: &[PathBuf], cwd: &Path, config: &Config) -> Report {
    use rayon::prelude::*;
    let mut discovery = discover::discover(paths);
    discovery
        .files
        .retain(|path| !config.is_excluded(&absolute(path, cwd)));
    let mut packages = Packages::default();
    let mut report = Report {
        root: discover::workspace_root(cwd).unwrap_or_else(|| cwd.to_owned()),
        errors: discovery
            .errors
            .into_iter()
            .map(|(path, message)| (display_path(&path, cwd), message))
            .collect(),
        ..Report::default()
    };
    // Files are checked package by package (a name may live in another file of the crate) and
    // reported in the order they were discovered.
    let mut by_package: Vec<(Arc<Package>, Vec<DiscoveredFile>)> = Vec::new();
    for (order, path) in discovery.files.into_iter().enumerate() {
        let absolute_path = absolute(&path, cwd);
        let package = packages.for_file(&absolute_path);
        match by_package
            .iter_mut()
            .find(|(known, _)| Arc::ptr_eq(known, &package))
        {
            Some((_, files)) => files.push((order, path, absolute_path)),
            None => by_package.push((package, vec![(order, path, absolute_path)])),
        }
    }
    let catalogue = Catalogue::for_config(config);
    // Packages are checked in parallel, and within a package files are read and parsed in
    // parallel; the order of the report does not depend on it.
    let mut checked: Vec<(usize, FileReport)> = by_package
        .into_par_iter()
        .flat_map_iter(|(package, paths)| {
            check_package_files(&package, paths, &catalogue, cwd, config)
        })
        .collect();
    checked.sort_by_key(|(order, _)| *order);
    report.files = checked.into_iter().map(|(_, file)| file).collect();
    report.errors.extend(
        packages
            .errors
            .into_iter()
            .map(|(path, error)| (display_path(&path, cwd), format!("{error:#}"))),
    );
    report
}

/// A file to check: its place in discovery order, its path as given, and its absolute path.
type DiscoveredFile = (usize, PathBuf, PathBuf);

fn check_package_files(
    package: &Arc<Package>,
    paths: Vec<DiscoveredFile>,
    catalogue: &Catalogue,
    cwd: &Path,
    config: &Config,
) -> Vec<(usize, FileReport)> {
    use rayon::prelude::*;
    let mut files: Vec<PackageFile> = paths
        .par_iter()
        .map(|(_, path, absolute_path)| {
            let shown_path = display_path(path, cwd);
            let (text, error) = match read_source(path) {
                Ok(text) => (text, None),
                Err(error) => (String::new(), Some(error)),
            };
            PackageFile::new(
                SourceFile::new(shown_path, text),
                analysis::module_path_of(package, absolute_path),
                error,
            )
        })
        .collect();
    analysis::check_package(package, &mut files, catalogue);
    // Files a name's literal lies in, which `--fix` edits.
    let literal_files: std::collections::HashSet<PathBuf> = files
        .iter()
        .flat_map(|file| &file.uses)
        .flat_map(|name_use| name_use.literals.iter().map(|(path, _)| path.clone()))
        .collect();
    paths
        .into_par_iter()
        .zip(files)
        .map(|((order, _, absolute_path), file)| {
            let diagnostics = finish(&file.source, file.diagnostics, config);
            // A report keeps the text of a file only where it shows or edits something in it,
            // so that the run's memory does not grow with the tree.
            let keep_text = !diagnostics.is_empty()
                || file.error.is_some()
                || literal_files.contains(file.source.path());
            let source = if keep_text {
                file.source
            } else {
                SourceFile::new(file.source.path, String::new())
            };
            let report = FileReport {
                file: source,
                absolute_path,
                package: Arc::clone(package),
                diagnostics,
                error: file.error,
                uses: file.uses,
            };
            (order, report)
        })
        .collect()
}

fn read_source(path: &Path) -> Result<String, FileError> {
    let bytes = std::fs::read(path).map_err(|error| FileError {
        message: format!("failed to read this file: {error}"),
        span: None,
    })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&byte| byte == b'\n').count() + 1;
        let line_start = valid
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |index| index + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        FileError {
            message: format!(
                "this file is not valid UTF-8 (invalid byte at line {line}, column {column})"
            ),
            span: None,
        }
    })
}

fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_owned()
    } else {
        cwd.join(path)
    }
}

/// The path as the user should read it: relative to the current directory when inside it.
fn display_path(path: &Path, cwd: &Path) -> PathBuf {
    let path = path.strip_prefix("./").unwrap_or(path);
    match path.strip_prefix(cwd) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.to_owned(),
        _ => path.to_owned(),
    }
}
