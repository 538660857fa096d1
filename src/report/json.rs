//! `--message-format json`: cargo's `compiler-message` lines carrying rustc diagnostics, exactly
//! the shape cargo writes for Clippy, so tools built on `cargo_metadata` read them unchanged.

use std::path::Path;

use serde_json::{json, Value};

use crate::check::outcome::{FileReport, Report};
use crate::lints::diagnostic::Diagnostic;
use crate::lints::Level;
use crate::project::package::{stand_in, Package, Target};
use crate::report::human;
use crate::scan::source::{ByteSpan, SourceFile};

/// A file as JSON names it: relative to the workspace root, as cargo runs rustc from there.
struct JsonFile<'a> {
    source: &'a SourceFile,
    file_name: String,
}

/// One JSON document per line: a `compiler-message` per finding or error, then `build-finished`.
pub fn render(report: &Report, success: bool) -> String {
    let mut out = String::new();
    for (path, message) in &report.errors {
        let text = format!("{}: {message}", path.display());
        let diagnostic = json!({
            "$message_type": "diagnostic",
            "message": text,
            "code": null,
            "level": "error",
            "spans": [],
            "children": [],
            "rendered": format!("error: {text}\n"),
        });
        // Tools built on cargo_metadata drop messages without a package and target.
        let package = stand_in(&report.root.join(path));
        push_line(&mut out, &wrap(&package, &package.targets[0], &diagnostic));
    }
    for file in report.files_shown() {
        for message in file_messages(file, &report.root) {
            push_line(&mut out, &message);
        }
    }
    push_line(
        &mut out,
        &json!({ "reason": "build-finished", "success": success }),
    );
    out
}

fn push_line(out: &mut String, value: &Value) {
    out.push_str(&value.to_string());
    out.push('\n');
}

fn wrap(package: &Package, target: &Target, message: &Value) -> Value {
    json!({
        "reason": "compiler-message",
        "package_id": package.id(),
        "manifest_path": package.manifest_path.to_string_lossy(),
        "target": target_json(target),
        "message": message,
    })
}

/// The `compiler-message` lines of one file; `root` is the workspace root file names are
/// relative to.
fn file_messages(report: &FileReport, root: &Path) -> Vec<Value> {
    let target = report.package.target_for(&report.absolute_path);
    let file_name = report
        .absolute_path
        .strip_prefix(root)
        .unwrap_or(&report.absolute_path)
        .to_string_lossy()
        .into_owned();
    let file = JsonFile {
        source: &report.file,
        file_name,
    };
    let wrap = |message: Value| wrap(&report.package, target, &message);
    let mut messages = Vec::new();
    if let Some(error) = &report.error {
        let spans = error
            .span()
            .map(|span| vec![span_json(&file, span, true, None, None)])
            .unwrap_or_default();
        messages.push(wrap(json!({
            "$message_type": "diagnostic",
            "message": format!("{}: {}", report.file.path.display(), error.message()),
            "code": null,
            "level": "error",
            "spans": spans,
            "children": [],
            "rendered": human::render_error(&report.file, error),
        })));
    }
    messages.extend(
        report
            .diagnostics
            .iter()
            .map(|diagnostic| wrap(diagnostic_json(&file, diagnostic))),
    );
    messages
}

fn target_json(target: &Target) -> Value {
    json!({
        "kind": target.kind,
        "crate_types": target.crate_types,
        "name": target.name,
        "src_path": target.src_path.to_string_lossy(),
        "edition": target.edition,
        "doc": target.doc,
        "doctest": target.doctest,
        "test": target.test,
    })
}

/// A rustc diagnostic: message, code, level, spans, children (helps with their suggestions,
/// notes) and the human rendering.
fn diagnostic_json(file: &JsonFile, diagnostic: &Diagnostic) -> Value {
    let mut spans = vec![span_json(
        file,
        diagnostic.primary.span,
        true,
        Some(&diagnostic.primary.message),
        None,
    )];
    spans.extend(
        diagnostic
            .secondary
            .iter()
            .map(|label| span_json(file, label.span, false, Some(&label.message), None)),
    );
    let mut children: Vec<Value> = diagnostic
        .helps
        .iter()
        .map(|help| {
            let spans: Vec<Value> = help
                .suggestion
                .iter()
                .map(|suggestion| {
                    span_json(
                        file,
                        suggestion.span,
                        true,
                        None,
                        Some((&suggestion.replacement, suggestion.applicability.as_str())),
                    )
                })
                .collect();
            child_json(&help.message, "help", &spans)
        })
        .collect();
    children.extend(
        diagnostic
            .notes
            .iter()
            .map(|note| child_json(note, "note", &[])),
    );
    let level = match diagnostic.level {
        Level::Deny => "error",
        Level::Warn | Level::Allow => "warning",
    };
    json!({
        "$message_type": "diagnostic",
        "message": diagnostic.message,
        "code": { "code": diagnostic.code(), "explanation": null },
        "level": level,
        "spans": spans,
        "children": children,
        "rendered": human::render_diagnostic(file.source, diagnostic),
    })
}

fn child_json(message: &str, level: &str, spans: &[Value]) -> Value {
    json!({
        "$message_type": "diagnostic",
        "message": message,
        "code": null,
        "level": level,
        "spans": spans,
        "children": [],
        "rendered": null,
    })
}

fn span_json(
    json_file: &JsonFile,
    span: ByteSpan,
    is_primary: bool,
    label: Option<&str>,
    suggestion: Option<(&str, &str)>,
) -> Value {
    let file = json_file.source;
    let start = file.line_column(span.start);
    let end = file.line_column(span.end);
    // A span over many lines quotes its first and last few, and a long line is quoted around
    // the span's ends only: the output stays proportional to the findings, not to the input.
    let lines = (start.line..=end.line)
        .filter(|line| line - start.line < QUOTED_LINES || end.line - line < QUOTED_LINES);
    let text: Vec<Value> = lines
        .map(|line| {
            let line_text = file.line_text(line);
            let highlight_start = if line == start.line { start.column } else { 1 };
            let highlight_end = if line == end.line {
                end.column
            } else {
                line_text.chars().count() + 1
            };
            if line_text.len() <= super::LONG_LINE {
                return json!({
                    "text": line_text,
                    "highlight_start": highlight_start,
                    "highlight_end": highlight_end,
                });
            }
            let (text, highlight_start, highlight_end) = excerpt(&file.text, line_text, span);
            json!({
                "text": text,
                "highlight_start": highlight_start,
                "highlight_end": highlight_end,
            })
        })
        .collect();
    json!({
        "file_name": json_file.file_name,
        "byte_start": span.start,
        "byte_end": span.end,
        "line_start": start.line,
        "line_end": end.line,
        "column_start": start.column,
        "column_end": end.column,
        "is_primary": is_primary,
        "text": text,
        "label": label,
        "suggested_replacement": suggestion.map(|(replacement, _)| replacement),
        "suggestion_applicability": suggestion.map(|(_, applicability)| applicability),
        "expansion": null,
    })
}

/// How many lines at each end of a span its JSON quotes.
const QUOTED_LINES: usize = 8;

/// A long line of `text` cut down to the text around `span`'s ends, with `…` for the rest, and
/// where the span's part of it starts and ends in it (1-based columns, in characters).
fn excerpt(text: &str, line: &str, span: ByteSpan) -> (String, usize, usize) {
    // `line` is a slice of `text`: its offset there is the distance between their starts.
    let line_start = line.as_ptr() as usize - text.as_ptr() as usize;
    let line_end = line_start + line.len();
    let marks = [
        span.start.clamp(line_start, line_end),
        span.end.clamp(line_start, line_end),
    ];
    let mut out = String::new();
    let (mut highlight_start, mut highlight_end) = (None, None);
    let mut at = line_start;
    for (piece_start, piece_end) in super::pieces_around(text, line_start, line_end, &marks) {
        if piece_start > at {
            out.push('…');
        }
        for (offset, character) in text[piece_start..piece_end].char_indices() {
            let offset = piece_start + offset;
            if offset == marks[0] {
                highlight_start.get_or_insert(out.chars().count() + 1);
            }
            if offset == marks[1] {
                highlight_end.get_or_insert(out.chars().count() + 1);
            }
            out.push(character);
        }
        at = piece_end;
    }
    let after = out.chars().count() + 1;
    if at < line_end {
        out.push('…');
    }
    (
        out,
        highlight_start.unwrap_or(1),
        highlight_end.unwrap_or(after),
    )
}
