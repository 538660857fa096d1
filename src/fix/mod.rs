//! `--fix`: renames every object whose name has no unique part — at each literal the name is
//! written in, and at every other creation and opener of the same name in the workspace — and
//! rewrites files so that nothing but those literals' bytes changes.
//!
//! A rename is *safe* when every place the name appears is one objlint proved to be a use of
//! the object (a creation or an opener whose name is that literal). Where the name also appears
//! elsewhere — another string, a test, a document — objlint cannot know whether it is the same
//! object, so the rename is applied only with `--fix-unsafe`, as ruff separates unsafe fixes.
//! So is a rename whose new name already appears: it would make two objects one.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use walkdir::WalkDir;

use crate::catalogue::apis::ObjectKind;
use crate::check::outcome::NameUse;
use crate::check::outcome::Report;
use crate::lints::diagnostic::Applicability;
use crate::lints::{self, Level};
use crate::names::unique;

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

/// Plans the renames for every `non_unique_object_name` finding the report shows.
pub fn plan(report: &Report) -> FixPlan {
    let mut targets: Vec<(String, String)> = Vec::new();
    for file in &report.files {
        for diagnostic in &file.diagnostics {
            let Some(name) = &diagnostic.object_name else {
                continue;
            };
            if *diagnostic.lint == lints::NON_UNIQUE_OBJECT_NAME
                && diagnostic.level != Level::Allow
                && !targets.iter().any(|(known, _)| known == name)
            {
                targets.push((name.clone(), file.package.name.clone()));
            }
        }
    }
    let uses: Vec<&NameUse> = report.files.iter().flat_map(|file| &file.uses).collect();
    let texts = Texts::of(report);
    let renames: Vec<Rename> = targets
        .into_iter()
        .map(|(old, package)| plan_rename(&old, &package, &uses, &texts))
        .collect();
    let mut plan = FixPlan { renames };
    find_blockers(&mut plan, &report.root, &texts);
    plan
}

/// Sets each `non_unique_object_name` suggestion's applicability from the plan: machine
/// applicable when its rename is safe.
pub fn mark_applicability(report: &mut Report, plan: &FixPlan) {
    for file in &mut report.files {
        for diagnostic in &mut file.diagnostics {
            let Some(name) = &diagnostic.object_name else {
                continue;
            };
            let safe = plan
                .renames
                .iter()
                .any(|rename| &rename.old == name && rename.is_safe());
            for help in &mut diagnostic.helps {
                if let Some(suggestion) = &mut help.suggestion {
                    suggestion.applicability = if safe {
                        Applicability::MachineApplicable
                    } else {
                        Applicability::MaybeIncorrect
                    };
                }
            }
        }
    }
}

/// The texts the report kept (of files with findings or edited literals), by the path the run
/// shows, and every checked file's shown path by its absolute path as the walk spells it
/// (`src/../src/lib.rs` given on the command line is the walk's `src/lib.rs`).
struct Texts<'a> {
    by_path: BTreeMap<&'a Path, &'a str>,
    shown: BTreeMap<std::borrow::Cow<'a, Path>, &'a Path>,
    cwd: Option<PathBuf>,
}

impl<'a> Texts<'a> {
    fn of(report: &'a Report) -> Self {
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

    fn get(&self, path: &Path) -> Option<&'a str> {
        self.by_path.get(path).copied()
    }

    /// The path the run shows for a file found by the walk (absolute), else the walk's path
    /// relative to the current directory, as the run shows paths.
    fn shown_path(&self, path: &Path) -> PathBuf {
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

fn plan_rename(old: &str, package: &str, uses: &[&NameUse], texts: &Texts) -> Rename {
    let guid = unique::suggested_guid(package, old);
    let suffix = format!("-{guid}");
    let kind = uses
        .iter()
        .find(|use_| use_.value == old)
        .map_or(ObjectKind::Mutex, |use_| use_.kind);
    let mut rename = Rename {
        old: old.to_owned(),
        proper: unique::split_object_name(kind, old).1.to_owned(),
        new: format!("{old}{suffix}"),
        edits: Vec::new(),
        blockers: Vec::new(),
    };
    let mut seen = HashSet::new();
    for use_ in uses.iter().filter(|use_| use_.value == old) {
        let Some((path, span)) = use_.literals.last() else {
            continue;
        };
        // A name composed at run time (`format!("Local\\App-{}", …)`) gets the GUID in the
        // literal part the suggestion names, its template, and the placeholders stay: the name
        // then holds a GUID whatever the rest is. Whether every other use of the name is
        // composed the same way objlint cannot prove, so the rename is unsafe.
        if !use_.single_literal {
            let (line, column) = place(texts.get(path).unwrap_or_default(), span.start);
            rename.blockers.push(Blocker {
                path: path.clone(),
                line,
                column,
                why: "the name is composed at run time: the GUID goes into this literal, and objlint cannot prove that every other use of the name is composed the same way".to_owned(),
            });
        }
        if !seen.insert((path.clone(), span.start)) {
            continue;
        }
        let Some(text) = texts.get(path) else {
            continue;
        };
        let original = &text[span.start..span.end];
        let Some(replacement) = unique::append_to_literal(original, &suffix) else {
            continue;
        };
        rename.edits.push(Edit {
            path: path.clone(),
            start: span.start,
            end: span.end,
            original: original.to_owned(),
            replacement,
        });
    }
    rename
}

/// Text files objlint looks through for other mentions of a renamed name.
const MAX_SCANNED_FILE: u64 = 8 * 1024 * 1024;

/// Finds every mention of each renamed name, in every text file of the workspace, that no edit
/// covers: a string, a test or a document objlint cannot prove names the same object.
///
/// All names are searched for together, in one pass over each file, and the places are
/// counted as the search goes: the cost is the bytes of the workspace once, whatever the
/// number of names and mentions (each mention used to count lines from the file's start:
/// 800 KB of logs naming the object took 50 s).
fn find_blockers(plan: &mut FixPlan, root: &Path, texts: &Texts) {
    block_prefix_only_names(plan, texts);
    // Each rename's old name (when there is one to search for) and its new name: the new
    // name already in use means renaming would make two objects one (or clash with an object
    // of another kind).
    let mut searched: Vec<(usize, Searched)> = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    for (index, rename) in plan.renames.iter().enumerate() {
        if !rename.proper.is_empty() {
            searched.push((index, Searched::Old));
            patterns.push(rename.proper.clone());
        }
        searched.push((index, Searched::New));
        patterns.push(format!(
            "{}{}",
            rename.proper,
            &rename.new[rename.old.len()..]
        ));
    }
    if searched.is_empty() {
        return;
    }
    let Ok(names) = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(&patterns)
    else {
        return;
    };
    let walker = WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !skipped(entry));
    for entry in walker.filter_map(Result::ok) {
        // A temporary file a killed `--fix` left is a copy of a file being rewritten, not
        // another use of the name.
        if !entry.file_type().is_file()
            || crate::write::is_temporary(entry.file_name().as_encoded_bytes())
            || entry
                .metadata()
                .map_or(true, |meta| meta.len() > MAX_SCANNED_FILE)
        {
            continue;
        }
        let path = entry.path();
        let shown = texts.shown_path(path);
        let owned;
        let text = if let Some(text) = texts.get(&shown) {
            text
        } else {
            let Ok(read) = fs::read_to_string(path) else {
                continue;
            };
            owned = read;
            &owned
        };
        // A baseline records findings about the name; it is not a use of the object, and a
        // rename leaves its entry stale, which the next `--baseline` run reports.
        if text.starts_with(crate::policy::baseline::HEADER) {
            continue;
        }
        // A NUL byte makes it a binary file, which no rename rewrites or is read by name.
        if memchr::memchr(0, text.as_bytes()).is_some() {
            continue;
        }
        // The literals this file's edits rewrite, per name, sorted.
        let covered: Vec<Vec<(usize, usize)>> = searched
            .iter()
            .map(|&(index, _)| {
                let mut spans: Vec<(usize, usize)> = plan.renames[index]
                    .edits
                    .iter()
                    .filter(|edit| edit.path == shown)
                    .map(|edit| (edit.start, edit.end))
                    .collect();
                spans.sort_unstable();
                spans
            })
            .collect();
        let mut places = Places::new(text);
        for found in names.find_overlapping_iter(text) {
            let (offset, end) = (found.start(), found.end());
            let whole_word =
                !text[..offset].ends_with(is_name_char) && !text[end..].starts_with(is_name_char);
            if !whole_word {
                continue;
            }
            let (index, searched) = searched[found.pattern().as_usize()];
            let why = match searched {
                Searched::Old => {
                    let spans = &covered[found.pattern().as_usize()];
                    let before = spans.partition_point(|&(start, _)| start <= offset);
                    if before > 0 && end <= spans[before - 1].1 {
                        continue;
                    }
                    "the name also appears here, and objlint cannot prove it is the same object"
                }
                Searched::New => {
                    "the new name already appears here: the rename would make two objects one"
                }
            };
            let (line, column) = places.of(offset);
            plan.renames[index].blockers.push(Blocker {
                path: shown.clone(),
                line,
                column,
                why: why.to_owned(),
            });
        }
    }
}

/// A name that is only a prefix (`Global\`) has nothing to search for: it would be found at
/// every byte, and no mention of it can be told from another. Such a rename is never safe.
fn block_prefix_only_names(plan: &mut FixPlan, texts: &Texts) {
    for rename in &mut plan.renames {
        if !rename.proper.is_empty() {
            continue;
        }
        let (path, line, column) = rename.edits.first().map_or_else(
            || (PathBuf::new(), 0, 0),
            |edit| {
                let (line, column) = place(texts.get(&edit.path).unwrap_or_default(), edit.start);
                (edit.path.clone(), line, column)
            },
        );
        rename.blockers.push(Blocker {
            path,
            line,
            column,
            why: "the name is only a namespace prefix: objlint cannot tell where else it is used"
                .to_owned(),
        });
    }
}

/// What a pattern of [`find_blockers`]'s search is.
#[derive(Clone, Copy)]
enum Searched {
    /// The name renamed: a mention no edit covers blocks the rename.
    Old,
    /// The name it would get: any mention blocks it.
    New,
}

fn is_name_char(character: char) -> bool {
    character.is_alphanumeric() || character == '_' || character == '-'
}

fn skipped(entry: &walkdir::DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    entry.file_type().is_dir() && (name.starts_with('.') || name == "target")
}

/// 1-based line and character column of a byte offset.
fn place(text: &str, offset: usize) -> (usize, usize) {
    Places::new(text).of(offset)
}

/// Lines and columns of offsets asked mostly in increasing order, counted from the last one
/// asked rather than from the start of the text.
struct Places<'a> {
    text: &'a str,
    /// The start of the line of the last offset asked, and its 1-based number.
    line_start: usize,
    line: usize,
    /// The last offset asked and its 0-based character column.
    offset: usize,
    column: usize,
}

impl<'a> Places<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            line_start: 0,
            line: 1,
            offset: 0,
            column: 0,
        }
    }

    fn of(&mut self, offset: usize) -> (usize, usize) {
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
