//! What `--fix` plans: each object's rename, the literals it edits and what blocks it.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Everything `--fix` would do.
#[derive(Debug, Default)]
pub struct FixPlan {
    pub renames: Vec<Rename>,
}

/// One object's new name and where it is written.
#[derive(Debug)]
pub struct Rename {
    pub old: String,
    /// What the name is searched for elsewhere: the name after its namespace or pipe prefix.
    pub proper: String,
    pub new: String,
    pub edits: Vec<Edit>,
    /// Places the old name appears that objlint cannot prove are this object: while any
    /// remain, the rename is unsafe.
    pub blockers: Vec<Blocker>,
}

impl Rename {
    pub fn is_safe(&self) -> bool {
        self.blockers.is_empty()
    }
}

/// Replace the bytes of `span` in the file at `path` (a literal) with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub path: PathBuf,
    pub start: usize,
    pub end: usize,
    /// The literal as it was written, checked again before the file is rewritten.
    pub original: String,
    pub replacement: String,
}

/// A place the name appears that no planned edit covers.
#[derive(Debug, Clone)]
pub struct Blocker {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub why: String,
}

/// The edits to apply: those of safe renames, and of unsafe ones too with `allow_unsafe`.
pub fn chosen_edits(plan: &FixPlan, allow_unsafe: bool) -> BTreeMap<PathBuf, Vec<Edit>> {
    let mut by_file: BTreeMap<PathBuf, Vec<Edit>> = BTreeMap::new();
    for rename in plan
        .renames
        .iter()
        .filter(|rename| allow_unsafe || rename.is_safe())
    {
        for edit in &rename.edits {
            let edits = by_file.entry(edit.path.clone()).or_default();
            if !edits.contains(edit) {
                edits.push(edit.clone());
            }
        }
    }
    by_file
}
