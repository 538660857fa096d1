//! `--format github`: GitHub Actions workflow commands (`::error file=…,line=…::message`) that
//! the runner turns into annotations on the pull request.
//!
//! Every value is escaped exactly as the Actions toolkit's `@actions/core` escapes it
//! (`escapeData` and `escapeProperty` in `command.ts`): no object name, message or path from the
//! scanned repository can end the command early or start a new one on a line of its own.

use std::fmt::Write as _;

use std::path::Path;

use crate::check::outcome::Report;
use crate::lints::Level;
use crate::project::discover::relative_path;

/// One workflow command per finding and per error; file names are relative to `base`, the
/// repository root the runner resolves them against.
pub fn render(report: &Report, base: &Path) -> String {
    let mut out = String::new();
    for (path, message) in &report.errors {
        command(
            &mut out,
            "error",
            &[
                ("file", path.to_string_lossy().into_owned()),
                ("title", "objlint".to_owned()),
            ],
            message,
        );
    }
    for file in report.files_shown() {
        let path = relative_path(base, &file.absolute_path);
        if let Some(error) = &file.error {
            let mut properties = vec![("file", path.clone())];
            if let Some(span) = error.span() {
                let start = file.file.line_column(span.start);
                properties.push(("line", start.line.to_string()));
                properties.push(("col", start.column.to_string()));
            }
            properties.push(("title", "objlint: file not checked".to_owned()));
            command(&mut out, "error", &properties, &error.message());
        }
        for diagnostic in &file.diagnostics {
            let start = file.file.line_column(diagnostic.primary.span.start);
            let end = file.file.line_column(diagnostic.primary.span.end);
            let mut message = diagnostic.message.clone();
            for help in &diagnostic.helps {
                let _ = write!(message, "\nhelp: {}", help.message);
            }
            for note in &diagnostic.notes {
                let _ = write!(message, "\nnote: {note}");
            }
            let level = match diagnostic.level {
                Level::Deny => "error",
                Level::Warn | Level::Allow => "warning",
            };
            command(
                &mut out,
                level,
                &[
                    ("file", path.clone()),
                    ("line", start.line.to_string()),
                    ("col", start.column.to_string()),
                    ("endLine", end.line.to_string()),
                    ("endColumn", end.column.to_string()),
                    ("title", diagnostic.code()),
                ],
                &message,
            );
        }
    }
    if let Some(outcome) = &report.baseline {
        for entry in &outcome.stale {
            command(
                &mut out,
                "warning",
                &[
                    ("file", relative_path(base, &report.root.join(&entry.file))),
                    ("title", "objlint: stale baseline entry".to_owned()),
                ],
                &format!(
                    "stale baseline entry, no longer found: {}; remove it or rewrite the baseline with --write-baseline",
                    entry.describe()
                ),
            );
        }
    }
    out
}

fn command(out: &mut String, name: &str, properties: &[(&str, String)], message: &str) {
    out.push_str("::");
    out.push_str(name);
    for (index, (key, value)) in properties.iter().enumerate() {
        out.push(if index == 0 { ' ' } else { ',' });
        out.push_str(key);
        out.push('=');
        out.push_str(&escape_property(value));
    }
    out.push_str("::");
    out.push_str(&escape_data(message));
    out.push('\n');
}

/// `escapeData` of `@actions/core`: the message after `::`. Other control characters (an ESC
/// starting a terminal sequence in the log viewer) are written as `%XX` too: the runner decodes
/// only the toolkit's escapes, so they show as text and act on nothing.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            control if control.is_control() && u32::from(control) < 0x80 => {
                let _ = write!(out, "%{:02X}", u32::from(control));
            }
            // C1 controls (U+0080–U+009F) act like ESC sequences on some terminals.
            control if control.is_control() => {
                let _ = write!(out, "%u{:04X}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out
}

/// `escapeProperty` of `@actions/core`: a `key=value` property, where `:` and `,` end values.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
