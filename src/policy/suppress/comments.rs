//! `// objlint: allow(…)` and `// objlint: allow-file(…)` comments: found lexically, read,
//! and given the lines they cover.

use std::ops::RangeInclusive;

use crate::policy::suppress::suppression::{add, unreadable, Scope, Suppressions};
use crate::scan::lexer::CodeCursor;
use crate::scan::source::{ByteSpan, SourceFile};

/// A real `//` line comment saying `objlint:` (doc comments are documentation, not
/// directives).
pub struct LineComment {
    /// Where the `//` is, in the file.
    at: usize,
    line_end: usize,
    pub line_number: usize,
    is_trailing: bool,
    /// For a comment on a line of its own, the next line that is not a comment (past the
    /// last line when there is none); for a trailing comment, its own line.
    pub target_line: usize,
}

/// Every real line comment that says `objlint:`, read lexically: only lines holding the word
/// are looked at, and a `//` counts only where the lexer would start a comment.
pub fn line_comments(file: &SourceFile) -> Vec<LineComment> {
    let text = file.parse_text();
    let base = file.bom_len();
    let bytes = text.as_bytes();
    let mut cursor = CodeCursor::new(text);
    let mut comments: Vec<LineComment> = Vec::new();
    let mut searched_to = 0;
    // Stacked comments share their target: the lines up to it are known to be comments.
    let mut known_target: Option<(usize, usize)> = None;
    for hit in memchr::memmem::find_iter(bytes, b"objlint:") {
        if hit < searched_to {
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[..hit]).map_or(0, |at| at + 1);
        let line_end = memchr::memchr(b'\n', &bytes[hit..]).map_or(bytes.len(), |at| hit + at);
        searched_to = line_end;
        let line = text[line_start..line_end].trim_end_matches('\r');
        let Some(comment_at) = memchr::memmem::find_iter(line.as_bytes(), b"//")
            .find(|&at| cursor.is_code(line_start + at))
        else {
            continue;
        };
        let comment = &line[comment_at + 2..];
        if comment.starts_with(['/', '!']) || !comment.trim_start().starts_with("objlint:") {
            continue;
        }
        let line_number = file.line_number(base + line_start);
        let is_trailing = !line[..comment_at].trim().is_empty();
        let target_line = if is_trailing {
            line_number
        } else {
            match known_target {
                Some((from, target)) if from < line_number && line_number < target => target,
                _ => {
                    let target = next_code_line(text, line_end, line_number);
                    known_target = Some((line_number, target));
                    target
                }
            }
        };
        comments.push(LineComment {
            at: base + line_start + comment_at,
            line_end: base + line_start + line.len(),
            line_number,
            is_trailing,
            target_line,
        });
    }
    comments
}

/// The first line after the one ending at `line_end` (line `line_number`) that is not a
/// comment; one past the last line when there is none.
fn next_code_line(text: &str, line_end: usize, line_number: usize) -> usize {
    let mut number = line_number;
    let mut start = line_end + 1;
    while start <= text.len() {
        number += 1;
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |at| start + at);
        if !text[start..end].trim_start().starts_with("//") {
            return number;
        }
        start = end + 1;
    }
    number + 1
}

/// Reads every `// objlint: …` line comment.
pub fn read_comments(
    file: &SourceFile,
    comments: &[LineComment],
    nodes: &[(usize, usize)],
    suppressions: &mut Suppressions,
) {
    for comment in comments {
        let text = &file.text[comment.at + 2..comment.line_end];
        let directive = text
            .trim_start()
            .strip_prefix("objlint:")
            .expect("read as a directive");
        let directive_at = comment.line_end - directive.len();
        let comment_span = ByteSpan::new(comment.at, comment.line_end);
        let Some(parsed) = parse_directive(directive) else {
            suppressions.problems.push(unreadable(
                comment_span,
                "not `allow(<lint>, …)` or `allow-file(<lint>, …)`, with an optional `-- <reason>`",
            ));
            continue;
        };
        let lines_covered = if parsed.whole_file {
            None
        } else if comment.is_trailing {
            Some(innermost_containing(nodes, comment.line_number))
        } else {
            Some(following_statement(nodes, comment.target_line))
        };
        for (name, at) in parsed.names {
            let scope = lines_covered.clone().map_or(Scope::File, Scope::Lines);
            let span = ByteSpan::new(directive_at + at, directive_at + at + name.len());
            add(suppressions, name, span, scope, parsed.has_reason);
        }
    }
}

/// A parsed `allow(…) -- reason` or `allow-file(…) -- reason`: the lint names with their
/// offsets in the directive text.
struct Directive<'a> {
    whole_file: bool,
    names: Vec<(&'a str, usize)>,
    has_reason: bool,
}

fn parse_directive(directive: &str) -> Option<Directive<'_>> {
    let rest = directive.trim_start();
    let (whole_file, rest) = if let Some(rest) = rest.strip_prefix("allow-file") {
        (true, rest)
    } else {
        (false, rest.strip_prefix("allow")?)
    };
    let rest = rest.trim_start().strip_prefix('(')?;
    let close = rest.find(')')?;
    let list_at = directive.len() - rest.len();
    let mut names = Vec::new();
    let mut item_at = 0;
    for item in rest[..close].split(',') {
        let trimmed = item.trim();
        let name = trimmed.strip_prefix("objlint::").unwrap_or(trimmed);
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let at = list_at + item_at + item.find(name)?;
        names.push((name, at));
        item_at += item.len() + 1;
    }
    let after = rest[close + 1..].trim();
    let has_reason = match after.strip_prefix("--") {
        Some(reason) => !reason.trim().is_empty(),
        None if after.is_empty() => false,
        None => return None,
    };
    Some(Directive {
        whole_file,
        names,
        has_reason,
    })
}

/// For a comment at the end of `line`: the lines of the innermost statement or item holding it.
fn innermost_containing(nodes: &[(usize, usize)], line: usize) -> RangeInclusive<usize> {
    nodes
        .iter()
        .filter(|&&(first, last)| first <= line && line <= last)
        .min_by_key(|&&(first, last)| last - first)
        .map_or(line..=line, |&(first, last)| first..=last)
}

/// For a comment on a line of its own: the next line that is not a comment (`target`), with
/// the whole of the outermost statement or item starting there. A blank line ends the search,
/// so a comment separated from the code by one covers nothing.
fn following_statement(nodes: &[(usize, usize)], target: usize) -> RangeInclusive<usize> {
    let last = nodes
        .iter()
        .filter(|&&(first, _)| first == target)
        .map(|&(_, last)| last)
        .max()
        .unwrap_or(target);
    target..=last
}
