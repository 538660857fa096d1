//! A file's text and the arithmetic between byte offsets, proc-macro2 spans and rustc-style
//! line/column positions (1-based, columns counted in characters).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const BOM: &str = "\u{feff}";

/// Lines at least this long (in bytes) get character checkpoints; shorter ones are counted.
const INDEXED_LINES_FROM: usize = 1024;
const CHARS_PER_CHECKPOINT: usize = 64;

/// A half-open byte range into a [`SourceFile`]'s text (the real file bytes, BOM included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ByteSpan {
    pub start: usize,
    pub end: usize,
}

impl ByteSpan {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub fn contains(self, other: ByteSpan) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// A position as rustc reports it: both numbers 1-based, the column counted in `char`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// One Rust source file: its path as the user should see it and its whole text.
#[derive(Debug)]
pub struct SourceFile {
    /// The path shown in diagnostics (relative to the current directory where possible).
    pub path: PathBuf,
    pub text: String,
    /// Byte offset at which each line starts, for the text after any BOM; made when first
    /// needed, since most files are only scanned.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// The character checkpoints of long lines (see [`SourceFile::checkpoints`]), by line index.
    long_lines: Mutex<HashMap<usize, Arc<Vec<usize>>>>,
    /// 3 when the file starts with a UTF-8 byte-order mark, else 0. syn and rustc both skip the
    /// BOM, so spans and columns are counted from after it while byte offsets include it.
    bom_len: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let bom_len = if text.starts_with(BOM) { BOM.len() } else { 0 };
        Self {
            path: path.into(),
            text,
            line_starts: std::sync::OnceLock::new(),
            long_lines: Mutex::default(),
            bom_len,
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut line_starts = vec![self.bom_len];
            line_starts.extend(
                memchr::memchr_iter(b'\n', &self.text.as_bytes()[self.bom_len..])
                    .map(|index| self.bom_len + index + 1),
            );
            line_starts
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The length of the byte-order mark the file starts with (0 without one).
    pub fn bom_len(&self) -> usize {
        self.bom_len
    }

    /// The text syn parses: everything after the byte-order mark.
    pub fn parse_text(&self) -> &str {
        &self.text[self.bom_len..]
    }

    pub fn slice(&self, span: ByteSpan) -> &str {
        &self.text[span.start..span.end]
    }

    /// Converts a proc-macro2 span (1-based line, 0-based char column) to bytes of this file.
    pub fn byte_span(&self, span: proc_macro2::Span) -> ByteSpan {
        let start = span.start();
        let end = span.end();
        ByteSpan::new(
            self.offset_of(start.line, start.column),
            self.offset_of(end.line, end.column),
        )
    }

    fn offset_of(&self, line: usize, char_column: usize) -> usize {
        let Some(&line_start) = self.line_starts().get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let (from, skipped) = match self.checkpoints(line.saturating_sub(1)) {
            Some(checkpoints) => {
                let index = (char_column / CHARS_PER_CHECKPOINT).min(checkpoints.len() - 1);
                (
                    line_start + checkpoints[index],
                    index * CHARS_PER_CHECKPOINT,
                )
            }
            None => (line_start, 0),
        };
        self.text[from..]
            .char_indices()
            .nth(char_column - skipped)
            .map_or(self.text.len(), |(offset, _)| from + offset)
    }

    /// For a long line (0-based `line_index`), the byte offset from its start of every
    /// [`CHARS_PER_CHECKPOINT`]th character, made once: a span's column is counted in
    /// characters, and counting from the line's start for each of 50,000 literals on one line
    /// took 22 s.
    fn checkpoints(&self, line_index: usize) -> Option<Arc<Vec<usize>>> {
        let line_starts = self.line_starts();
        let start = *line_starts.get(line_index)?;
        let end = line_starts
            .get(line_index + 1)
            .map_or(self.text.len(), |&next| next);
        if end - start < INDEXED_LINES_FROM {
            return None;
        }
        let mut long_lines = self
            .long_lines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let checkpoints = long_lines.entry(line_index).or_insert_with(|| {
            Arc::new(
                self.text[start..end]
                    .char_indices()
                    .step_by(CHARS_PER_CHECKPOINT)
                    .map(|(offset, _)| offset)
                    .collect(),
            )
        });
        Some(Arc::clone(checkpoints))
    }

    /// The 1-based line of a byte offset.
    pub fn line_number(&self, offset: usize) -> usize {
        let offset = offset.clamp(self.bom_len, self.text.len());
        self.line_starts().partition_point(|&start| start <= offset)
    }

    /// The 1-based line and character column of a byte offset, as rustc prints them.
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let offset = offset.clamp(self.bom_len, self.text.len());
        let line_index = self.line_starts().partition_point(|&start| start <= offset) - 1;
        let line_start = self.line_starts()[line_index];
        let (from, skipped) = match self.checkpoints(line_index) {
            Some(checkpoints) => {
                let index = checkpoints.partition_point(|&at| line_start + at <= offset) - 1;
                (
                    line_start + checkpoints[index],
                    index * CHARS_PER_CHECKPOINT,
                )
            }
            None => (line_start, 0),
        };
        let column = skipped + self.text[from..offset].chars().count() + 1;
        LineColumn {
            line: line_index + 1,
            column,
        }
    }

    /// The whole text of the 1-based line `line`, without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts()[line - 1];
        let end = self
            .line_starts()
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_skip_the_bom() {
        let file = SourceFile::new("a.rs", "\u{feff}é = 1;\r\nx\t= \"ü\";\n".to_owned());
        let equals = file.text.find('=').unwrap();
        assert_eq!(file.line_column(equals), LineColumn { line: 1, column: 3 });
        let quote = file.text.find('"').unwrap();
        assert_eq!(file.line_column(quote), LineColumn { line: 2, column: 5 });
        assert_eq!(file.line_text(1), "é = 1;");
    }
}
