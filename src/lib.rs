//! objlint finds Win32 named kernel objects (file mappings, mutexes, events) whose name another
//! program may already use, and creations whose `ERROR_ALREADY_EXISTS` outcome goes unchecked.
//!
//! The pipeline, one module per stage: [`discover`] → parse (syn) → [`creations`] (calls to the
//! [`apis`] catalogue, names resolved by [`names`]) → [`lints`] → [`suppress`]ions and levels
//! ([`config`]) → [`baseline`] → [`report`].
//! objlint reads source text only; it never builds or runs the code it checks.

pub mod catalogue;
pub mod check;
pub mod cli;
pub mod creations;
pub mod fix;
pub mod lints;
pub mod names;
pub mod policy;
pub mod project;
pub mod report;
pub mod scan;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::catalogue::Catalogue;
use crate::check::package::PackageFile;
use crate::check::{package, pipeline};
use crate::lints::diagnostic::Diagnostic;
use crate::lints::Level;
use crate::policy::config::Config;
use crate::policy::{baseline, suppress};
use crate::project::workspace::Package;
use crate::project::{crates, workspace};
use crate::scan::source::{ByteSpan, SourceFile};

pub use crate::cli::run;

/// The stack of each thread that parses: syn parses by recursive descent, and this holds
/// [`package::MAX_NESTING`] levels of its most stack-hungry construct several times over even
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
        crates::place_of(&stand_in, file.path()),
        None,
    )];
    let catalogue = Catalogue::for_config(config);
    let prefilter = package::Prefilter::new(&catalogue);
    package::check_package(&stand_in, &mut files, &catalogue, &prefilter);
    let [checked] = <[PackageFile; 1]>::try_from(files).expect("one file in, one file out");
    match checked.error {
        Some(error) => Err(error),
        None => Ok(finish(file, checked.diagnostics, config)),
    }
}

/// What happens to a file's findings after the lints: names the configuration accepts as unique
/// or declares shared with another program (`shared-names`) are dropped, then the suppressions written in the file hide what they cover (and report
/// themselves when they cover nothing), then each finding gets its level and those at allow
/// are dropped.
fn finish(file: &SourceFile, mut diagnostics: Vec<Diagnostic>, config: &Config) -> Vec<Diagnostic> {
    diagnostics.retain(|diagnostic| {
        let name = diagnostic.object_name.as_deref();
        let accepted = match diagnostic.lint.name {
            "non_unique_object_name" => name
                .is_some_and(|name| config.accepts_as_unique(name) || config.is_shared_name(name)),
            "unchecked_already_exists" | "shared_object_unchecked" => {
                name.is_some_and(|name| config.is_shared_name(name))
            }
            _ => false,
        };
        !accepted
    });
    // A file can hold a suppression only if it says `objlint`; reading them parses at most the
    // items holding a finding (see `suppress::collect`), never a whole large file.
    if file.text.contains("objlint") {
        let suppressions = suppress::collect(file, &diagnostics);
        diagnostics = suppressions.apply(diagnostics, file, config.require_suppression_reason);
    }
    for diagnostic in &mut diagnostics {
        diagnostic.level = config.finding_level(diagnostic.lint);
    }
    diagnostics.retain(|diagnostic| diagnostic.level != Level::Allow);
    // Findings come from several passes (creations, then the crate's name-passing functions,
    // then suppressions); a reader expects them in the order of the file, as rustc prints.
    diagnostics.sort_by_key(|diagnostic| diagnostic.primary.span.start);
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
    pub uses: Vec<package::NameUse>,
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
    /// The files with something to show: a finding or an error (a run over a tree checks
    /// thousands of files that have neither).
    pub fn files_shown(&self) -> impl Iterator<Item = &FileReport> {
        self.files
            .iter()
            .filter(|file| file.error.is_some() || !file.diagnostics.is_empty())
    }

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
    pool().install(|| pipeline::check_paths(paths, cwd, config))
}
