//! Baselines: today's findings recorded in a file (`--write-baseline`), so that a later run
//! (`--baseline`) reports only the findings that are not in it.
//!
//! A finding is identified by its lint, its file (relative to the workspace root), the item it
//! is in and its subject — never by its line — so unrelated edits keep entries valid. The subject
//! is the object's name for lints about the name, and the function called for lints about the
//! call (an unchecked result, a missing flag): giving the object the unique name one finding asks
//! for must not turn an accepted finding about the same call into a new one. An entry counts how
//! many findings share its key. Entries that match nothing any more are reported as stale, so that
//! the file shrinks as findings are fixed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::lints::diagnostic::Diagnostic;
use crate::project::discover::relative_path;

/// The first line of every baseline objlint writes: `--fix` tells its own files by it, since a
/// baseline naming an object is no use of the object.
pub const HEADER: &str =
    "# objlint baseline: findings accepted for now, written by `cargo objlint --write-baseline`.";

/// The only format version so far; a file of another version is refused.
const VERSION: u32 = 1;

/// A baseline file's contents.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    #[serde(default, rename = "finding")]
    pub findings: Vec<Entry>,
}

/// Findings that share one key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The lint's name, without `objlint::`.
    pub lint: String,
    /// The file, relative to the workspace root, with `/` between components.
    pub file: String,
    /// The enclosing item, such as `fn main` or `impl Shared::fn open` (empty when none).
    #[serde(default)]
    pub item: String,
    /// The object's name, when objlint knows it, for lints about the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The function called, for lints about the call. An entry with neither (written before
    /// calls were recorded) is matched by its name, as it was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    /// How many findings have this key.
    pub count: usize,
}

/// What applying a baseline did.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// Findings hidden because the baseline has them.
    pub baselined: usize,
    /// Entries (with the count still unmatched) that no finding matches any more, in files this
    /// run checked.
    pub stale: Vec<Entry>,
}

/// What identifies a finding: lint, file, item and subject.
type Key = (String, String, String, Subject);

/// What a finding is about, as a baseline records it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Subject {
    Name(Option<String>),
    Call(String),
}

impl Entry {
    fn of(((lint, file, item, subject), count): (Key, usize)) -> Self {
        let (name, call) = match subject {
            Subject::Name(name) => (name, None),
            Subject::Call(call) => (None, Some(call)),
        };
        Entry {
            lint,
            file,
            item,
            name,
            call,
            count,
        }
    }

    fn key(&self) -> Key {
        let subject = match &self.call {
            Some(call) => Subject::Call(call.clone()),
            None => Subject::Name(self.name.clone()),
        };
        (
            self.lint.clone(),
            self.file.clone(),
            self.item.clone(),
            subject,
        )
    }
}

/// One file of a run, as a baseline sees it.
pub struct FileFindings<'a> {
    /// The file's absolute path.
    pub path: &'a Path,
    /// Whether the file was checked (read and parsed): only such a file proves an entry stale.
    pub checked: bool,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

impl Baseline {
    /// Every finding of a run whose workspace root is `root`: each file's absolute path with
    /// its findings.
    pub fn of<'a>(
        root: &Path,
        files: impl IntoIterator<Item = (&'a Path, &'a [Diagnostic])>,
    ) -> Baseline {
        let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
        for (path, diagnostics) in files {
            let file = relative_path(root, path);
            for diagnostic in diagnostics {
                *counts.entry(key(&file, diagnostic)).or_default() += 1;
            }
        }
        Baseline {
            version: VERSION,
            findings: counts.into_iter().map(Entry::of).collect(),
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: path.to_owned(),
            source,
        })?;
        let baseline: Baseline = toml::from_str(&text).map_err(|error| {
            let line = error
                .span()
                .map_or(1, |span| text[..span.start].matches('\n').count() + 1);
            BaselineError::NotABaseline {
                path: path.to_owned(),
                line,
                message: error.message().trim().to_owned(),
            }
        })?;
        if baseline.version != VERSION {
            return Err(BaselineError::Version {
                path: path.to_owned(),
                version: baseline.version,
            });
        }
        Ok(baseline)
    }

    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let body = toml::to_string(self).map_err(BaselineError::Serialize)?;
        let text = format!(
            "{HEADER}\n\
             # `cargo objlint --baseline <this file>` reports only findings not listed here.\n\
             # Entries are keyed by lint, file, enclosing item and the object's name or the call, not by line.\n\n{body}"
        );
        crate::write::replace(path, text.as_bytes()).map_err(|source| BaselineError::Write {
            path: path.to_owned(),
            source,
        })
    }

    /// Removes from `files` (a run's, whose workspace root is `root`) the findings the
    /// baseline lists, and says what it did.
    pub fn apply<'a>(
        &self,
        root: &Path,
        files: impl IntoIterator<Item = FileFindings<'a>>,
    ) -> Outcome {
        let mut remaining: BTreeMap<Key, usize> = BTreeMap::new();
        for entry in &self.findings {
            // The file may come with the tree: counts add up without wrapping.
            let count = remaining.entry(entry.key()).or_default();
            *count = count.saturating_add(entry.count);
        }
        let mut baselined = 0;
        // Only files this run checked can prove an entry stale.
        let mut checked: Vec<String> = Vec::new();
        for file in files {
            let relative = relative_path(root, file.path);
            file.diagnostics.retain(|diagnostic| {
                let key = key(&relative, diagnostic);
                // A finding about a call is also matched by its name, as entries written before
                // calls were recorded keyed it.
                let by_name = matches!(key.3, Subject::Call(_)).then(|| {
                    let (lint, file, item, _) = key.clone();
                    (
                        lint,
                        file,
                        item,
                        Subject::Name(diagnostic.object_name.clone()),
                    )
                });
                for key in std::iter::once(key).chain(by_name) {
                    if let Some(count) = remaining.get_mut(&key).filter(|count| **count > 0) {
                        *count -= 1;
                        baselined += 1;
                        return false;
                    }
                }
                true
            });
            if file.checked {
                checked.push(relative);
            }
        }
        let stale = remaining
            .into_iter()
            .filter(|((_, file, _, _), count)| *count > 0 && checked.contains(file))
            .map(Entry::of)
            .collect();
        Outcome { baselined, stale }
    }
}

impl Entry {
    /// One line describing the entry, for the stale-entry warning: the baseline file may come
    /// with the tree, so every field is escaped.
    pub fn describe(&self) -> String {
        let escaped = crate::lints::diagnostic::escaped;
        let mut text = format!(
            "objlint::{} in {}",
            escaped(&self.lint),
            escaped(&self.file)
        );
        if !self.item.is_empty() {
            let _ = write!(text, ", {}", escaped(&self.item));
        }
        if let Some(name) = &self.name {
            let _ = write!(text, ", name {}", crate::lints::diagnostic::quoted(name));
        }
        if let Some(call) = &self.call {
            let _ = write!(text, ", call {}", crate::lints::diagnostic::quoted(call));
        }
        if self.count > 1 {
            let _ = write!(text, " (×{})", self.count);
        }
        text
    }
}

/// The key of `diagnostic`, a finding in `file` (relative to the workspace root).
fn key(file: &str, diagnostic: &Diagnostic) -> Key {
    let subject = match (diagnostic.lint.subject, &diagnostic.called) {
        (crate::lints::Subject::Call, Some(call)) => Subject::Call(call.clone()),
        _ => Subject::Name(diagnostic.object_name.clone()),
    };
    (
        diagnostic.lint.name.to_owned(),
        file.to_owned(),
        diagnostic.enclosing_item.clone().unwrap_or_default(),
        subject,
    )
}

/// Why a baseline could not be read or written.
#[derive(Debug)]
pub enum BaselineError {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    NotABaseline {
        path: PathBuf,
        line: usize,
        message: String,
    },
    Version {
        path: PathBuf,
        version: u32,
    },
    Serialize(toml::ser::Error),
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl std::fmt::Display for BaselineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BaselineError::Read { path, .. } => {
                write!(f, "failed to read the baseline {}", path.display())
            }
            BaselineError::NotABaseline {
                path,
                line,
                message,
            } => write!(
                f,
                "{}:{line}: not an objlint baseline: {message}",
                path.display()
            ),
            BaselineError::Version { path, version } => write!(
                f,
                "{}: baseline version {version} is not supported (this objlint writes version \
                 {VERSION})",
                path.display()
            ),
            BaselineError::Serialize(_) => f.write_str("failed to serialize the baseline"),
            BaselineError::Write { path, .. } => {
                write!(f, "failed to write the baseline {}", path.display())
            }
        }
    }
}

impl std::error::Error for BaselineError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BaselineError::Read { source, .. } | BaselineError::Write { source, .. } => {
                Some(source)
            }
            BaselineError::Serialize(error) => Some(error),
            BaselineError::NotABaseline { .. } | BaselineError::Version { .. } => None,
        }
    }
}
