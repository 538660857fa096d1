//! `--format sarif`: one SARIF 2.1.0 log, as GitHub code scanning and other SARIF viewers read it.
//!
//! The rules come from the lint registry and `lints/*.md`; each result names its file relative to
//! `%SRCROOT%` (the repository root), carries a fingerprint that survives line moves, and the
//! suggested edit as a SARIF `fix`. Columns are counted in characters (`columnKind`
//! `unicodeCodePoints`), as everywhere in objlint.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{json, Value};
use uuid::Uuid;

use crate::check::outcome::{FileReport, Report};
use crate::lints::diagnostic::Diagnostic;
use crate::lints::{self, Level, Lint};
use crate::report::doc_section;
use crate::scan::source::{ByteSpan, SourceFile};

/// The JSON schema URL GitHub's documentation uses for SARIF 2.1.0.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base id every location is relative to.
const SRCROOT: &str = "%SRCROOT%";

/// Namespace of the fingerprints (a UUIDv5 of `objlint-fingerprint`), so that they never equal
/// another tool's.
const FINGERPRINT_KEY: &str = "objlint/v1";

/// The whole log; `base` is the repository root file names are relative to.
pub fn render(report: &Report, base: &Path) -> String {
    let rules: Vec<Value> = lints::LINTS.iter().map(|lint| rule(lint)).collect();
    let mut results = Vec::new();
    for file in report.files_shown() {
        let uri = location_uri(base, &file.absolute_path);
        for (diagnostic, fingerprint) in file.diagnostics.iter().zip(fingerprints(base, file)) {
            results.push(result(&file.file, &uri, diagnostic, &fingerprint));
        }
    }

    let mut notifications = Vec::new();
    for (path, message) in &report.errors {
        notifications.push(json!({
            "level": "error",
            "message": { "text": format!("{}: {message}", path.display()) },
        }));
    }
    for file in &report.files {
        let Some(error) = &file.error else { continue };
        let uri = location_uri(base, &file.absolute_path);
        let mut location = json!({ "artifactLocation": artifact(&uri) });
        if let Some(span) = error.span() {
            location["region"] = region(&file.file, span);
        }
        notifications.push(json!({
            "level": "error",
            "message": { "text": format!("{}: {}", file.file.path.display(), error.message()) },
            "locations": [{ "physicalLocation": location }],
        }));
    }
    if let Some(outcome) = &report.baseline {
        for entry in &outcome.stale {
            notifications.push(json!({
                "level": "warning",
                "message": { "text": format!("stale baseline entry, no longer found: {}", entry.describe()) },
            }));
        }
    }

    let mut base_uri = file_url(base);
    if !base_uri.ends_with('/') {
        base_uri.push('/');
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "objlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": !report.has_errors(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": { SRCROOT: { "uri": base_uri } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("JSON values serialize");
    out.push('\n');
    out
}

/// A rule of the driver: the lint's summary, the "What it does" section, the whole doc as help,
/// its default level, and the tags and severity GitHub code scanning sorts by.
fn rule(lint: &Lint) -> Value {
    let full = doc_section(lint.docs, "What it does").unwrap_or(lint.summary);
    let level = sarif_level(lint.default_level);
    let mut properties = json!({
        "tags": tags(lint),
        "problem.severity": if lint.default_level == Level::Deny { "error" } else { "warning" },
    });
    if let Some(severity) = security_severity(lint) {
        properties["security-severity"] = json!(severity);
    }
    json!({
        "id": format!("objlint::{}", lint.name),
        "name": lint.name,
        "shortDescription": { "text": lint.summary },
        "fullDescription": { "text": full },
        "help": { "text": lint.docs, "markdown": lint.docs },
        "helpUri": format!("{}/blob/main/lints/{}.md", env!("CARGO_PKG_REPOSITORY"), lint.name),
        "defaultConfiguration": { "level": level },
        "properties": properties,
    })
}

/// Lints about the suppressions themselves are housekeeping; every other lint is a finding about
/// a named kernel object another program can squat or share, which is a security matter.
fn is_security(lint: &Lint) -> bool {
    *lint != crate::lints::UNUSED_SUPPRESSION
}

fn tags(lint: &Lint) -> Vec<&'static str> {
    if is_security(lint) {
        vec!["security", "windows", "named-kernel-object"]
    } else {
        vec!["maintainability"]
    }
}

/// GitHub's `security-severity` (0.0 to 10.0; 7.0 and above shows as high): a deny-by-default
/// lint finds an object another program can take over, a warn-by-default one a weaker risk.
fn security_severity(lint: &Lint) -> Option<&'static str> {
    if !is_security(lint) {
        return None;
    }
    Some(match lint.default_level {
        Level::Deny => "7.5",
        Level::Warn | Level::Allow => "5.0",
    })
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "none",
    }
}

fn result(file: &SourceFile, uri: &str, diagnostic: &Diagnostic, fingerprint: &str) -> Value {
    let rule_index = lints::LINTS
        .iter()
        .position(|&lint| lint == diagnostic.lint)
        .expect("every finding's lint is registered");
    let mut text = diagnostic.message.clone();
    for help in &diagnostic.helps {
        let _ = write!(text, "\nhelp: {}", help.message);
    }
    let related: Vec<Value> = diagnostic
        .secondary
        .iter()
        .enumerate()
        .map(|(index, label)| {
            json!({
                "id": index + 1,
                "message": { "text": label.message },
                "physicalLocation": {
                    "artifactLocation": artifact(uri),
                    "region": region(file, label.span),
                },
            })
        })
        .collect();
    let fixes: Vec<Value> = diagnostic
        .helps
        .iter()
        .filter_map(|help| {
            let suggestion = help.suggestion.as_ref()?;
            Some(json!({
                "description": { "text": help.message },
                "artifactChanges": [{
                    "artifactLocation": artifact(uri),
                    "replacements": [{
                        "deletedRegion": region(file, suggestion.span),
                        "insertedContent": { "text": suggestion.replacement },
                    }],
                }],
            }))
        })
        .collect();
    let mut result = json!({
        "ruleId": diagnostic.code(),
        "ruleIndex": rule_index,
        "level": sarif_level(diagnostic.level),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact(uri),
                "region": region(file, diagnostic.primary.span),
            },
            "message": { "text": diagnostic.primary.message },
        }],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint },
    });
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    if !fixes.is_empty() {
        result["fixes"] = json!(fixes);
    }
    result
}

/// A file's URI: relative to `%SRCROOT%` when it is inside `base`, else absolute.
fn location_uri(base: &Path, path: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(relative) => {
            let mut bytes = Vec::new();
            for (index, component) in relative.components().enumerate() {
                if index > 0 {
                    bytes.push(b'/');
                }
                bytes.extend_from_slice(&path_bytes(Path::new(component.as_os_str())));
            }
            uri_reference(&bytes)
        }
        Err(_) => file_url(path),
    }
}

fn artifact(uri: &str) -> Value {
    if uri.starts_with("file:") {
        json!({ "uri": uri })
    } else {
        json!({ "uri": uri, "uriBaseId": SRCROOT })
    }
}

/// A region in 1-based lines and character columns; `endColumn` is the column after the last
/// character, as SARIF (and rustc) count it.
fn region(file: &SourceFile, span: ByteSpan) -> Value {
    let start = file.line_column(span.start);
    let end = file.line_column(span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// The fingerprints of a file's findings, in order: a hash of each finding's identity (lint,
/// file, enclosing item, object name and how many such findings precede it in the file), the same
/// on every run and after unrelated edits move the finding to another line. `base` is the
/// repository root file names are relative to. The GitLab report uses the same fingerprints, so a
/// finding is one alert wherever it is shown.
pub(super) fn fingerprints(base: &Path, file: &FileReport) -> Vec<String> {
    let uri = location_uri(base, &file.absolute_path);
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    file.diagnostics
        .iter()
        .map(|diagnostic| {
            let identity = format!(
                "{}\u{0}{uri}\u{0}{}\u{0}{}",
                diagnostic.lint.name,
                diagnostic.enclosing_item.as_deref().unwrap_or_default(),
                diagnostic.object_name.as_deref().unwrap_or_default(),
            );
            let occurrence = occurrences.entry(identity.clone()).or_default();
            *occurrence += 1;
            fingerprint(&format!("{identity}\u{0}{occurrence}"))
        })
        .collect()
}

/// The fingerprint of an identity string (see [`fingerprints`]).
pub(super) fn fingerprint(identity: &str) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"objlint-fingerprint");
    Uuid::new_v5(&namespace, identity.as_bytes())
        .simple()
        .to_string()
}

/// A relative path as a URI reference: every byte outside the unreserved set and `/` is
/// percent-encoded.
fn uri_reference(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    for &byte in path {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// `file:///…` for an absolute directory.
fn file_url(path: &Path) -> String {
    let path = path_bytes(path);
    let mut bytes = Vec::with_capacity(path.len() + 1);
    if !path.starts_with(b"/") {
        bytes.push(b'/');
    }
    bytes.extend_from_slice(&path);
    format!("file://{}", uri_reference(&bytes))
}

/// A path's bytes as a URI holds them before percent-encoding. On Unix these are the path's
/// own bytes: a `\` is a character of a name, and a name that is not UTF-8 keeps its bytes
/// (a lossy conversion would name another file). On Windows, `\` separates components.
fn path_bytes(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        std::borrow::Cow::Borrowed(path.as_os_str().as_encoded_bytes())
    }
    #[cfg(not(unix))]
    {
        std::borrow::Cow::Owned(path.to_string_lossy().replace('\\', "/").into_bytes())
    }
}
