//! objlint finds Win32 named kernel objects (file mappings, mutexes, events) whose name another
//! program may already use, and creations whose `ERROR_ALREADY_EXISTS` outcome goes unchecked.
//!
//! The pipeline, one module per stage: [`discover`] → parse (syn) → [`creations`] (calls to the
//! [`apis`] catalogue, names resolved by [`names`]) → [`lints`] → [`report`].
//! objlint reads source text only; it never builds or runs the code it checks.

pub mod apis;
pub mod cli;
pub mod creations;
pub mod diagnostic;
pub mod discover;
pub mod lints;
pub mod names;
pub mod report;
pub mod source;
pub mod unique;
pub mod workspace;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::lints::LintContext;
use crate::source::{ByteSpan, SourceFile};
use crate::workspace::{Package, Packages};

pub use crate::cli::run;

/// A file that could not be checked, with the place in it where syn gave one.
#[derive(Debug, Clone)]
pub struct FileError {
    pub message: String,
    pub span: Option<ByteSpan>,
}

/// Checks one source text as a file of package `package`: the whole pipeline but discovery.
pub fn check_source(file: &SourceFile, package: &str) -> Result<Vec<Diagnostic>, FileError> {
    let syntax = syn::parse_file(file.parse_text()).map_err(|error| parse_error(file, &error))?;
    let creations = creations::find(file, &syntax);
    let context = LintContext { file, package };
    Ok(lints::check_all(&creations, &context))
}

fn parse_error(file: &SourceFile, error: &syn::Error) -> FileError {
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

/// Checks the given paths (files or directories); `cwd` makes printed paths relative.
pub fn check_paths(paths: &[PathBuf], cwd: &Path) -> Report {
    let discovery = discover::discover(paths);
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
    for path in discovery.files {
        let absolute_path = absolute(&path, cwd);
        let package = packages.for_file(&absolute_path);
        report
            .files
            .push(check_file(&path, absolute_path, package, cwd));
    }
    report.errors.extend(
        packages
            .errors
            .into_iter()
            .map(|(path, error)| (display_path(&path, cwd), format!("{error:#}"))),
    );
    report
}

fn check_file(
    path: &Path,
    absolute_path: PathBuf,
    package: Arc<Package>,
    cwd: &Path,
) -> FileReport {
    let shown_path = display_path(path, cwd);
    let (file, outcome) = match read_source(path) {
        Ok(text) => {
            let file = SourceFile::new(shown_path, text);
            let outcome = check_source(&file, &package.name);
            (file, outcome)
        }
        Err(error) => (SourceFile::new(shown_path, String::new()), Err(error)),
    };
    // proc-macro2 keeps every parsed file's source map per thread until told otherwise.
    proc_macro2::extra::invalidate_current_thread_spans();
    let (diagnostics, error) = match outcome {
        Ok(diagnostics) => (diagnostics, None),
        Err(error) => (Vec::new(), Some(error)),
    };
    FileReport {
        file,
        absolute_path,
        package,
        diagnostics,
        error,
    }
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
