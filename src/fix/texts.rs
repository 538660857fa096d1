//! The texts a fix reads (those the report kept, else the file's), and the lines and columns
//! of places in them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::check::outcome::Report;

/// The texts the report kept (of files with findings or edited literals), by the path the run
/// shows, and every checked file's shown path by its absolute path as the walk spells it
/// (`src/../src/lib.rs` given on the command line is the walk's `src/lib.rs`).
pub(super) struct Texts<'a> {
    by_path: BTreeMap<&'a Path, &'a str>,
    shown: BTreeMap<std::borrow::Cow<'a, Path>, &'a Path>,
    cwd: Option<PathBuf>,
}

impl<'a> Texts<'a> {
    pub(super) fn of(report: &'a Report) -> Self {
        let by_path = report
            .files
            .iter()
            // The report drops the texts of files it shows nothing in; an empty text is read
            // again from disk when needed.
            .filter(|file| file.error.is_none() && !file.file.text.is_empty())
            .map(|file| (file.file.path(), file.file.text.as_str()))
            .collect();
        let shown = report
            .files
            .iter()
            .map(|file| {
                (
                    crate::project::discover::lexically_normal(&file.absolute_path),
                    file.file.path(),
                )
            })
            .collect();
        Texts {
            by_path,
            shown,
            cwd: std::env::current_dir().ok(),
        }
    }

    pub(super) fn get(&self, path: &Path) -> Option<&'a str> {
        self.by_path.get(path).copied()
    }

    /// The path the run shows for a file found by the walk (absolute), else the walk's path
    /// relative to the current directory, as the run shows paths.
    pub(super) fn shown_path(&self, path: &Path) -> PathBuf {
        if let Some(shown) = self.shown.get(path) {
            return (*shown).to_owned();
        }
        self.cwd
            .as_deref()
            .and_then(|cwd| path.strip_prefix(cwd).ok())
            .unwrap_or(path)
            .to_owned()
    }
}

/// 1-based line and character column of a byte offset.
pub(super) fn place(text: &str, offset: usize) -> (usize, usize) {
    Places::new(text).of(offset)
}

/// Lines and columns of offsets asked mostly in increasing order, counted from the last one
/// asked rather than from the start of the text.
pub(super) struct Places<'a> {
    text: &'a str,
    /// The start of the line of the last offset asked, and its 1-based number.
    line_start: usize,
    line: usize,
    /// The last offset asked and its 0-based character column.
    offset: usize,
    column: usize,
}

impl<'a> Places<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            line_start: 0,
            line: 1,
            offset: 0,
            column: 0,
        }
    }

    pub(super) fn of(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.line_start {
            *self = Self::new(self.text);
        }
        let bytes = &self.text.as_bytes()[self.line_start..offset];
        if let Some(last) = memchr::memrchr(b'\n', bytes) {
            self.line += memchr::memchr_iter(b'\n', bytes).count();
            self.line_start += last + 1;
            self.offset = self.line_start;
            self.column = 0;
        }
        if offset < self.offset {
            self.offset = self.line_start;
            self.column = 0;
        }
        self.column += self.text[self.offset..offset].chars().count();
        self.offset = offset;
        (self.line, self.column + 1)
    }
}
