//! What blocks a rename: the name written where objlint cannot prove it is the object, or
//! the new name already in use.

use std::fs;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use walkdir::WalkDir;

use super::rename::{Blocker, FixPlan};
use super::texts::{place, Places, Texts};

/// Text files objlint looks through for other mentions of a renamed name.
const MAX_SCANNED_FILE: u64 = 8 * 1024 * 1024;

/// Finds every mention of each renamed name, in every text file of the workspace, that no edit
/// covers: a string, a test or a document objlint cannot prove names the same object.
///
/// All names are searched for together, in one pass over each file, and the places are
/// counted as the search goes: the cost is the bytes of the workspace once, whatever the
/// number of names and mentions (each mention used to count lines from the file's start:
/// 800 KB of logs naming the object took 50 s).
pub(super) fn find_blockers(plan: &mut FixPlan, root: &Path, texts: &Texts) {
    block_prefix_only_names(plan, texts);
    let Some(search) = NameSearch::new(plan) else {
        return;
    };
    for entry in text_files(root) {
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
        search.block_in(plan, &shown, text);
    }
}

/// The files of the workspace at `root` a name may be written in: every file but those of
/// hidden directories and `target/`, of a temporary file and of a file too large to scan.
fn text_files(root: &Path) -> impl Iterator<Item = walkdir::DirEntry> {
    WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !skipped(entry))
        .filter_map(Result::ok)
        .filter(|entry| {
            // A temporary file a killed `--fix` left is a copy of a file being rewritten, not
            // another use of the name.
            entry.file_type().is_file()
                && !crate::write::is_temporary(entry.file_name().as_encoded_bytes())
                && entry
                    .metadata()
                    .is_ok_and(|meta| meta.len() <= MAX_SCANNED_FILE)
        })
}

/// Every rename's names, searched for together.
struct NameSearch {
    /// What each pattern of `names` is: the index of its rename, and which of its names.
    searched: Vec<(usize, Searched)>,
    names: AhoCorasick,
}

impl NameSearch {
    /// Each rename's old name (when there is one to search for) and its new name: the new
    /// name already in use means renaming would make two objects one (or clash with an object
    /// of another kind). `None` when there is nothing to search for.
    fn new(plan: &FixPlan) -> Option<Self> {
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
            return None;
        }
        let names = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .ok()?;
        Some(NameSearch { searched, names })
    }

    /// Adds a blocker to `plan` for each mention of a name in `text`, the file shown as
    /// `shown`, that none of its edits covers.
    fn block_in(&self, plan: &mut FixPlan, shown: &Path, text: &str) {
        // The literals this file's edits rewrite, per name, sorted.
        let covered: Vec<Vec<(usize, usize)>> = self
            .searched
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
        for found in self.names.find_overlapping_iter(text) {
            let (offset, end) = (found.start(), found.end());
            let whole_word =
                !text[..offset].ends_with(is_name_char) && !text[end..].starts_with(is_name_char);
            if !whole_word {
                continue;
            }
            let (index, searched) = self.searched[found.pattern().as_usize()];
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
                path: shown.to_owned(),
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

/// What a pattern of a [`NameSearch`] is.
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
