//! `--format gitlab`: a GitLab code-quality report, the subset of the Code Climate issue format
//! that GitLab reads from a job's `artifacts:reports:codequality` file and shows in merge requests.
//!
//! GitLab's "Code Quality report format" (docs.gitlab.com, `ci/testing/code_quality`) requires
//! every issue to have `description`, `check_name`, `fingerprint`, `severity` (`info`, `minor`,
//! `major`, `critical` or `blocker`), `location.path` (relative to the repository, without `./`)
//! and `location.lines.begin`; it ignores the other Code Climate fields. Fingerprints are the SARIF
//! ones, so a finding keeps its identity across line moves here too.

use std::path::Path;

use serde_json::{json, Value};

use crate::check::outcome::Report;
use crate::lints::Level;
use crate::project::discover::relative_path;
use crate::report::sarif;

/// The whole report, a JSON array of issues; file names are relative to `base`, the repository
/// root (`CI_PROJECT_DIR` in a GitLab job).
pub fn render(report: &Report, base: &Path) -> String {
    let mut issues = Vec::new();
    for (path, message) in &report.errors {
        let path = path.to_string_lossy();
        issues.push(not_checked(&path, 1, message));
    }
    for file in report.files_shown() {
        let path = relative_path(base, &file.absolute_path);
        if let Some(error) = &file.error {
            let line = error
                .span()
                .map_or(1, |span| file.file.line_column(span.start).line);
            issues.push(not_checked(&path, line, &error.message()));
        }
        let fingerprints = sarif::fingerprints(base, file);
        for (diagnostic, fingerprint) in file.diagnostics.iter().zip(fingerprints) {
            let begin = file.file.line_column(diagnostic.primary.span.start).line;
            let end = file.file.line_column(diagnostic.primary.span.end).line;
            issues.push(json!({
                "description": diagnostic.message,
                "check_name": diagnostic.code(),
                "fingerprint": fingerprint,
                "severity": severity(diagnostic.level),
                "location": {
                    "path": path,
                    "lines": { "begin": begin, "end": end },
                },
            }));
        }
    }
    let mut out =
        serde_json::to_string_pretty(&Value::Array(issues)).expect("JSON values serialize");
    out.push('\n');
    out
}

/// GitLab's severity of a finding: deny-level findings are `major`, above the `minor` warnings,
/// and leave `critical` and `blocker` for files objlint could not check at all.
fn severity(level: Level) -> &'static str {
    match level {
        Level::Deny => "major",
        Level::Warn => "minor",
        Level::Allow => "info",
    }
}

/// A file (or path) objlint could not check: `critical`, since it may hide any number of findings.
fn not_checked(path: &str, line: usize, message: &str) -> Value {
    json!({
        "description": format!("file not checked: {message}"),
        "check_name": "objlint",
        "fingerprint": sarif::fingerprint(&format!("not checked\u{0}{path}\u{0}{message}")),
        "severity": "critical",
        "location": {
            "path": path,
            "lines": { "begin": line },
        },
    })
}
