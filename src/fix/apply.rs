//! Applying the edits: each file rewritten atomically where it really is, or shown as a diff.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::rename::Edit;

/// A file's text after `edits` (byte ranges of the original text), or why it cannot change.
pub fn apply_to_text(text: &str, edits: &[Edit]) -> Result<String, String> {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|edit| edit.start);
    let mut out = String::with_capacity(text.len() + edits.len() * 40);
    let mut at = 0;
    for edit in edits {
        if edit.start < at || text.get(edit.start..edit.end) != Some(edit.original.as_str()) {
            return Err(format!(
                "the literal {} at byte {} changed since it was checked",
                edit.original, edit.start
            ));
        }
        out.push_str(&text[at..edit.start]);
        out.push_str(&edit.replacement);
        at = edit.end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// How many distinct lines holding an edit are, in the written files, longer than rustfmt's
/// default `max_width` (100): each GUID makes its literal 37 characters longer.
pub fn lines_past_rustfmt_width(
    edits: &BTreeMap<PathBuf, Vec<Edit>>,
    written: &[PathBuf],
) -> usize {
    const RUSTFMT_MAX_WIDTH: usize = 100;
    let mut count = 0;
    for path in written {
        let (Some(edits), Ok(text)) = (edits.get(path), fs::read_to_string(path)) else {
            continue;
        };
        // Each edit moves the ones after it by the length it adds.
        let mut starts: Vec<usize> = Vec::new();
        let mut shift = 0;
        let mut sorted: Vec<&Edit> = edits.iter().collect();
        sorted.sort_by_key(|edit| edit.start);
        for edit in sorted {
            starts.push(edit.start + shift);
            shift += edit.replacement.len();
            shift -= edit.end - edit.start;
        }
        // One pass over the text: the line holding each start (the starts are sorted), its
        // width counted once however many edits it holds.
        let bytes = text.as_bytes();
        let mut previous: Option<usize> = None;
        for start in starts.into_iter().filter(|&start| start <= bytes.len()) {
            // A start on the line of the one before (no newline between them) adds nothing.
            if let Some(previous) = previous {
                if memchr::memchr(b'\n', &bytes[previous..start]).is_none() {
                    continue;
                }
            }
            previous = Some(start);
            let line_start = memchr::memrchr(b'\n', &bytes[..start]).map_or(0, |at| at + 1);
            let line_end =
                memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |at| start + at);
            let line = String::from_utf8_lossy(&bytes[line_start..line_end]);
            if line.trim_end_matches('\r').chars().count() > RUSTFMT_MAX_WIDTH {
                count += 1;
            }
        }
    }
    count
}

/// What applying the edits to one file did.
#[derive(Debug)]
pub enum FileOutcome {
    Rewritten,
    /// Left alone on purpose (a link to a file outside the workspace), and why.
    Skipped(String),
    Failed(String),
}

/// Rewrites each file: only the literals' bytes change (line endings, BOM and every other byte
/// stay), the new text must parse before it replaces the old, and it replaces it atomically
/// with the original's permissions and owner (see [`crate::write`]).
///
/// A file is edited where it really is, and only inside the workspace `root`: a link to a file
/// in the tree has its target edited, a link out of it is skipped, and a file reached through
/// a linked directory outside the tree is refused. A file with several hard links (rewriting
/// it would split them) or that its owner may not write is refused, whoever runs objlint.
pub fn apply(edits: &BTreeMap<PathBuf, Vec<Edit>>, root: &Path) -> Vec<(PathBuf, FileOutcome)> {
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    let mut outcomes = Vec::new();
    // One file reached by two paths (a link, `src/../src/lib.rs`) is rewritten once, with the
    // edits of both.
    let mut by_real: BTreeMap<PathBuf, (&Path, Vec<&Edit>)> = BTreeMap::new();
    for (path, edits) in edits {
        match writable(path, &root) {
            Ok(real) => {
                let (_, all) = by_real.entry(real).or_insert((path, Vec::new()));
                for edit in edits {
                    if !all.iter().any(|known| same_place(known, edit)) {
                        all.push(edit);
                    }
                }
            }
            Err(outcome) => outcomes.push((path.clone(), outcome)),
        }
    }
    for (real, (path, edits)) in by_real {
        let edits: Vec<Edit> = edits.into_iter().cloned().collect();
        let outcome = match rewrite(&real, &edits) {
            Ok(()) => FileOutcome::Rewritten,
            Err(message) => FileOutcome::Failed(message),
        };
        outcomes.push((path.to_owned(), outcome));
    }
    outcomes.sort_by(|(a, _), (b, _)| a.cmp(b));
    outcomes
}

/// Whether two edits change the same bytes the same way, whatever path names their file.
fn same_place(a: &Edit, b: &Edit) -> bool {
    (a.start, a.end, &a.original, &a.replacement) == (b.start, b.end, &b.original, &b.replacement)
}

/// The real path of the file at `path`, if `--fix` may rewrite it.
fn writable(path: &Path, root: &Path) -> Result<PathBuf, FileOutcome> {
    let failed = |message: String| FileOutcome::Failed(message);
    let link = fs::symlink_metadata(path)
        .map_err(|error| failed(format!("failed to read it again: {error}")))?;
    let real = fs::canonicalize(path)
        .map_err(|error| failed(format!("failed to resolve its real path: {error}")))?;
    if !real.starts_with(root) {
        let real = crate::lints::diagnostic::escaped(&real.display().to_string());
        return Err(if link.file_type().is_symlink() {
            FileOutcome::Skipped(format!(
                "it is a symbolic link to {real}, outside the workspace; the target was left alone"
            ))
        } else {
            failed(format!(
                "it is really {real}, outside the workspace (through a linked directory); objlint writes only inside it"
            ))
        });
    }
    let metadata =
        fs::metadata(&real).map_err(|error| failed(format!("failed to read it again: {error}")))?;
    let links = crate::write::hard_links(&metadata);
    if links > 1 {
        return Err(failed(format!(
            "it has {links} hard links, and rewriting it would split them"
        )));
    }
    if !crate::write::owner_may_write(&metadata) {
        return Err(failed(
            "it is read-only; make it writable to fix it".to_owned(),
        ));
    }
    Ok(real)
}

fn rewrite(path: &Path, edits: &[Edit]) -> Result<(), String> {
    let bytes = fs::read(path).map_err(|error| format!("failed to read it again: {error}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "it is no longer valid UTF-8".to_owned())?;
    let fixed = apply_to_text(&text, edits)?;
    let parsed = fixed.strip_prefix('\u{feff}').unwrap_or(&fixed);
    if let Err(error) = syn::parse_file(parsed) {
        return Err(format!(
            "the rewritten file would not parse ({error}); it was left as it was"
        ));
    }
    crate::write::replace(path, fixed.as_bytes())
        .map_err(|error| format!("failed to write it: {error}"))
}

/// A unified diff of what the edits would change, file by file, with control characters
/// escaped (see [`crate::lints::diagnostic::escaped_line`]).
pub fn diff(edits: &BTreeMap<PathBuf, Vec<Edit>>) -> String {
    let mut out = String::new();
    for (path, edits) in edits {
        let Ok(text) = fs::read_to_string(path) else {
            continue;
        };
        let Ok(fixed) = apply_to_text(&text, edits) else {
            continue;
        };
        let shown = path.display().to_string();
        let diff = similar::TextDiff::from_lines(&text, &fixed)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{shown}"), &format!("b/{shown}"))
            .to_string();
        // File names and source lines come from the tree: each line is escaped, so none can
        // write terminal escapes or forge another line.
        for line in diff.split_inclusive('\n') {
            out.push_str(&crate::lints::diagnostic::escaped_line(line));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, original: &str, replacement: &str) -> Edit {
        Edit {
            path: PathBuf::from("a.rs"),
            start,
            end: start + original.len(),
            original: original.to_owned(),
            replacement: replacement.to_owned(),
        }
    }

    #[test]
    fn only_the_literals_change() {
        let text = "\u{feff}a(\"X\");\r\nb(\"Y\");\r\n";
        let x = text.find("\"X\"").unwrap();
        let y = text.find("\"Y\"").unwrap();
        let fixed = apply_to_text(
            text,
            &[edit(y, "\"Y\"", "\"Y-1\""), edit(x, "\"X\"", "\"X-1\"")],
        )
        .unwrap();
        assert_eq!(fixed, "\u{feff}a(\"X-1\");\r\nb(\"Y-1\");\r\n");
    }

    #[test]
    fn a_literal_that_changed_is_not_overwritten() {
        let error = apply_to_text("a(\"Z\");", &[edit(2, "\"X\"", "\"X-1\"")]).unwrap_err();
        assert!(error.contains("changed since it was checked"), "{error}");
    }
}
