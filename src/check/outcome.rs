//! What a run found: each file's findings or error, and the problems outside any one file.

use std::path::PathBuf;
use std::sync::Arc;

use crate::catalogue::apis::ObjectKind;
use crate::check::error::FileError;
use crate::lints::diagnostic::Diagnostic;
use crate::policy::baseline::{self, Baseline, FileFindings};
use crate::project::package::Package;
use crate::scan::source::{ByteSpan, SourceFile};

/// The outcome for one file: its findings, or why it could not be checked.
#[derive(Debug)]
pub struct FileReport {
    pub file: SourceFile,
    pub absolute_path: PathBuf,
    pub package: Arc<Package>,
    pub diagnostics: Vec<Diagnostic>,
    pub error: Option<FileError>,
    /// The known names this file's creations and openers use, for `--fix`.
    pub uses: Vec<NameUse>,
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

    /// Every finding of this run, as a baseline records them.
    pub fn to_baseline(&self) -> Baseline {
        Baseline::of(
            &self.root,
            self.files
                .iter()
                .map(|file| (file.absolute_path.as_path(), file.diagnostics.as_slice())),
        )
    }

    /// Removes the findings `baseline` lists, and records what that did in `self.baseline`.
    pub fn apply_baseline(&mut self, baseline: &Baseline) {
        let files = self.files.iter_mut().map(|file| FileFindings {
            path: &file.absolute_path,
            checked: file.error.is_none(),
            diagnostics: &mut file.diagnostics,
        });
        self.baseline = Some(baseline.apply(&self.root, files));
    }

    /// Whether objlint could not do its whole job.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.files.iter().any(|file| file.error.is_some())
    }
}

/// A known name used by a creation or an opener, with the literals it is written in.
#[derive(Debug, Clone)]
pub struct NameUse {
    pub kind: ObjectKind,
    /// Whether the call opens an existing object rather than creating one.
    pub opens: bool,
    pub value: String,
    /// Whether the name is exactly one literal (nothing composed at run time).
    pub single_literal: bool,
    /// Each literal a rename may edit (not those a crate function completes every caller's
    /// name with): the path of its file (as the run shows it) and its span.
    pub literals: Vec<(PathBuf, ByteSpan)>,
}
