//! rustc-style diagnostics through codespan-reporting, and the summary line.

use std::fmt::Write as _;
use std::ops::Range;
use std::time::Duration;

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity};
use codespan_reporting::files::{self, Files, SimpleFile};
use codespan_reporting::term::termcolor::{Buffer, WriteColor};
use codespan_reporting::term::{self, Config, Styles, StylesWriter};

use crate::check::error::FileError;
use crate::check::outcome::{FileReport, Report};
use crate::lints::diagnostic::Diagnostic;
use crate::lints::Level;
use crate::report::Counts;
use crate::scan::source::{ByteSpan, SourceFile};

/// Renders every finding and error of a run, then the summary line.
pub fn render(report: &Report, elapsed: Duration, color: bool) -> Vec<u8> {
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    for (path, message) in &report.errors {
        emit_plain_error(
            &mut buffer,
            &format!(
                "{}: {}",
                shown(path),
                crate::lints::diagnostic::escaped(message)
            ),
        );
    }
    for file in report.files_shown() {
        render_file_into(&mut buffer, file);
    }
    for warning in stale_warnings(report) {
        emit_plain(&mut buffer, &Rendered::warning().with_message(warning));
    }
    let _ = std::io::Write::write_all(&mut buffer, summary(report, elapsed).as_bytes());
    buffer.into_inner()
}

/// One warning per stale baseline entry, without the `warning: ` prefix.
pub fn stale_warnings(report: &Report) -> Vec<String> {
    report
        .baseline
        .iter()
        .flat_map(|outcome| &outcome.stale)
        .map(|entry| {
            format!(
                "stale baseline entry, no longer found: {}; remove it or rewrite the baseline with --write-baseline",
                entry.describe()
            )
        })
        .collect()
}

/// The summary line every text format ends with.
pub fn summary(report: &Report, elapsed: Duration) -> String {
    let counts = Counts::of(report);
    let failed = report
        .files
        .iter()
        .filter(|file| file.error.is_some())
        .count()
        + report.errors.len();
    let mut line = summary_line(counts, report.files.len(), failed, elapsed);
    if let Some(outcome) = &report.baseline {
        let stale = outcome
            .stale
            .iter()
            .fold(0_usize, |sum, entry| sum.saturating_add(entry.count));
        let entries = if stale == 1 { "entry" } else { "entries" };
        let _ = writeln!(
            line,
            "objlint: {} hidden by the baseline; {stale} stale baseline {entries}",
            plural(outcome.baselined, "finding"),
        );
    }
    line
}

/// One file's findings (or its error) as plain text: what the fixture goldens hold.
pub fn render_file(file: &FileReport) -> String {
    let mut buffer = Buffer::no_color();
    render_file_into(&mut buffer, file);
    String::from_utf8(buffer.into_inner()).expect("codespan writes UTF-8")
}

/// One diagnostic as plain text, for the `rendered` field of JSON output.
pub fn render_diagnostic(file: &SourceFile, diagnostic: &Diagnostic) -> String {
    let mut buffer = Buffer::no_color();
    emit(&mut buffer, file, &to_codespan(file, diagnostic));
    String::from_utf8(buffer.into_inner()).expect("codespan writes UTF-8")
}

/// A file error as plain text, for the `rendered` field of JSON output.
pub fn render_error(file: &SourceFile, error: &FileError) -> String {
    let mut buffer = Buffer::no_color();
    emit(&mut buffer, file, &error_to_codespan(file, error));
    String::from_utf8(buffer.into_inner()).expect("codespan writes UTF-8")
}

fn render_file_into(buffer: &mut Buffer, file: &FileReport) {
    if let Some(error) = &file.error {
        emit(buffer, &file.file, &error_to_codespan(&file.file, error));
    }
    for diagnostic in &file.diagnostics {
        emit(buffer, &file.file, &to_codespan(&file.file, diagnostic));
    }
}

/// A span as a range of the text codespan is given, which starts after any byte-order mark:
/// codespan would otherwise count the invisible mark as a column.
fn range(file: &SourceFile, span: ByteSpan) -> Range<usize> {
    let bom = file.bom_len();
    span.start.saturating_sub(bom)..span.end.saturating_sub(bom)
}

fn to_codespan(file: &SourceFile, diagnostic: &Diagnostic) -> Rendered<()> {
    let severity = match diagnostic.level {
        Level::Deny => Severity::Error,
        Level::Warn | Level::Allow => Severity::Warning,
    };
    let primary = &diagnostic.primary;
    let mut labels = vec![
        Label::primary((), range(file, primary.span)).with_message(printable(&primary.message))
    ];
    labels.extend(diagnostic.secondary.iter().map(|label| {
        Label::secondary((), range(file, label.span)).with_message(printable(&label.message))
    }));
    let mut notes: Vec<String> = diagnostic
        .helps
        .iter()
        .map(|help| format!("help: {}", printable(&help.message)))
        .collect();
    notes.extend(
        diagnostic
            .notes
            .iter()
            .map(|note| format!("note: {}", printable(note))),
    );
    Rendered::new(severity)
        .with_code(diagnostic.code())
        .with_message(printable(&diagnostic.message))
        .with_labels(labels)
        .with_notes(notes)
}

fn error_to_codespan(file: &SourceFile, error: &FileError) -> Rendered<()> {
    let rendered = Rendered::error().with_message(format!(
        "{}: {}",
        shown(&file.path),
        crate::lints::diagnostic::escaped(&error.message())
    ));
    match error.span() {
        Some(span) => rendered.with_labels(vec![Label::primary((), range(file, span))]),
        None => rendered,
    }
}

fn emit(buffer: &mut Buffer, file: &SourceFile, diagnostic: &Rendered<()>) {
    let mut diagnostic = diagnostic.clone();
    let window = Window::around(file, &mut diagnostic.labels);
    let styles = Styles::default();
    let mut writer = StylesWriter::new(buffer as &mut dyn WriteColor, &styles);
    term::emit_to_write_style(&mut writer, &Config::default(), &window, &diagnostic)
        .expect("spans lie inside their file");
}

/// The lines of a file one diagnostic shows, as codespan reads them: only those lines (codespan
/// would otherwise index the whole file for every finding), each long line cut down to the text
/// around its labels' ends with `…` for the rest, so a 10 MB line is never printed whole.
/// Line numbers stay the file's own.
struct Window {
    name: String,
    source: String,
    /// The 0-based index, in the file, of the window's first line.
    first_line: usize,
    /// Where each of the window's lines starts in `source`.
    line_starts: Vec<usize>,
}

impl Window {
    /// The window for `labels`, whose ranges (in the file's text after any byte-order mark)
    /// are moved to the window's text.
    fn around(file: &SourceFile, labels: &mut [Label<()>]) -> Window {
        let text = file.parse_text();
        let bytes = text.as_bytes();
        let low = labels
            .iter()
            .map(|label| label.range.start)
            .min()
            .unwrap_or(0);
        let high = labels
            .iter()
            .map(|label| label.range.end)
            .max()
            .unwrap_or(0);
        let low = low.min(text.len());
        let high = high.clamp(low, text.len());
        let start = memchr::memrchr(b'\n', &bytes[..low]).map_or(0, |at| at + 1);
        let end = memchr::memchr(b'\n', &bytes[high..]).map_or(text.len(), |at| high + at + 1);
        let first_line = file.line_column(start + file.bom_len()).line - 1;
        // Where labels start and end: a long line keeps the text around each.
        let mut marks: Vec<usize> = labels
            .iter()
            .flat_map(|label| [label.range.start, label.range.end])
            .collect();
        marks.sort_unstable();
        // Kept pieces of the original text, as (start, end, start in the window).
        let mut kept: Vec<(usize, usize, usize)> = Vec::new();
        let mut source = String::with_capacity((end - start).min(4 * super::LONG_LINE));
        let mut line_starts = Vec::new();
        let mut line_start = start;
        while line_start < end {
            let line_end = memchr::memchr(b'\n', &bytes[line_start..end])
                .map_or(end, |at| line_start + at + 1);
            line_starts.push(source.len());
            if line_end - line_start <= super::LONG_LINE {
                kept.push((line_start, line_end, source.len()));
                source.push_str(&text[line_start..line_end]);
            } else {
                let pieces = super::pieces_around(text, line_start, line_end, &marks);
                let mut at = line_start;
                for (piece_start, piece_end) in pieces {
                    if piece_start > at {
                        source.push('…');
                    }
                    kept.push((piece_start, piece_end, source.len()));
                    source.push_str(&text[piece_start..piece_end]);
                    at = piece_end;
                }
                if at < line_end {
                    source.push('…');
                    if text[..line_end].ends_with('\n') {
                        source.push('\n');
                    }
                }
            }
            line_start = line_end;
        }
        let moved = |offset: usize| {
            kept.iter()
                .find(|(piece_start, piece_end, _)| (*piece_start..=*piece_end).contains(&offset))
                .map_or(0, |(piece_start, _, window_start)| {
                    window_start + (offset - piece_start)
                })
        };
        for label in labels.iter_mut() {
            label.range = moved(label.range.start)..moved(label.range.end);
        }
        Window {
            name: shown(&file.path),
            source: inert(&source).into_owned(),
            first_line,
            line_starts,
        }
    }
}

impl<'a> Files<'a> for Window {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, files::Error> {
        Ok(&self.source)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, files::Error> {
        let local = self
            .line_starts
            .partition_point(|&start| start <= byte_index);
        Ok(self.first_line + local.saturating_sub(1))
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, files::Error> {
        // Lines outside the window are never labelled; codespan may still ask for a neighbour.
        let Some(local) = line_index.checked_sub(self.first_line) else {
            return Ok(0..0);
        };
        let start = self
            .line_starts
            .get(local)
            .copied()
            .unwrap_or(self.source.len());
        let end = self
            .line_starts
            .get(local + 1)
            .copied()
            .unwrap_or(self.source.len());
        Ok(start..end)
    }
}

/// The source text as codespan quotes it: every control character but line feeds and tabs
/// replaced by a character of the same UTF-8 length (`?`, or `¿` for the two-byte C1 controls),
/// so that byte offsets still hold and a crafted file cannot write terminal escapes.
fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    let is_active = |character: char| character.is_control() && !matches!(character, '\n' | '\t');
    if !text.contains(is_active) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut characters = text.chars().peekable();
    let mut out = String::with_capacity(text.len());
    while let Some(character) = characters.next() {
        out.push(match character {
            // A line ending, which codespan handles; a lone carriage return would overwrite.
            '\r' if characters.peek() == Some(&'\n') => '\r',
            _ if !is_active(character) => character,
            _ if character.len_utf8() == 1 => '?',
            _ => '¿',
        });
    }
    std::borrow::Cow::Owned(out)
}

/// A message as printed: its text may quote the scanned source (a suggested literal), so its
/// control characters are escaped too; its line breaks are its own.
fn printable(message: &str) -> String {
    message
        .split('\n')
        .map(crate::lints::diagnostic::escaped)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A path as printed: a file name from the checked tree can hold control characters too.
fn shown(path: &std::path::Path) -> String {
    crate::lints::diagnostic::escaped(&path.display().to_string())
}

fn emit_plain_error(buffer: &mut Buffer, message: &str) {
    emit_plain(buffer, &Rendered::error().with_message(message));
}

fn emit_plain(buffer: &mut Buffer, diagnostic: &Rendered<()>) {
    let files = SimpleFile::new(String::new(), "");
    let styles = Styles::default();
    let mut writer = StylesWriter::new(buffer as &mut dyn WriteColor, &styles);
    term::emit_to_write_style(&mut writer, &Config::default(), &files, diagnostic)
        .expect("a diagnostic without labels renders");
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn summary_line(counts: Counts, files: usize, failed: usize, elapsed: Duration) -> String {
    let findings = if counts.errors + counts.warnings == 0 {
        "no findings".to_owned()
    } else {
        format!(
            "{}, {}",
            plural(counts.errors, "error"),
            plural(counts.warnings, "warning")
        )
    };
    let failed = if failed == 0 {
        String::new()
    } else {
        format!("; {} could not be checked", plural(failed, "path"))
    };
    format!(
        "objlint: {findings} in {} checked{failed} ({:.2}s)\n",
        plural(files, "file"),
        elapsed.as_secs_f64()
    )
}
