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

/// What a cheap lexical pass sees in a file: where its top-level items are, how deeply a parser
/// would recurse into it, and whether its tokens are balanced. Comments, strings, raw strings and
/// character literals are skipped; nothing is allocated per token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Skeleton {
    /// Each top-level item (its attributes included, doc comments not), in order.
    pub items: Vec<Item>,
    /// The largest nesting estimate of the file (see [`Item::depth`]), and where it is reached.
    pub depth: usize,
    pub deepest: usize,
    /// A delimiter, comment or literal that is not closed or not matched: the parser will
    /// report it, so nothing should be inferred from `items`.
    pub unbalanced: bool,
}

impl SourceFile {
    /// The whole text a parser should see: [`SourceFile::parse_text`] with its comments
    /// blanked (see [`push_blanking_comments`]).
    pub fn code_parse_text(&self) -> String {
        let mut out = String::with_capacity(self.parse_text().len());
        push_blanking_comments(&mut out, self.parse_text());
        out
    }

    /// The file's [`Skeleton`], in byte offsets of the real text.
    pub fn skeleton(&self) -> Skeleton {
        let mut skeleton = skeleton(self.parse_text());
        for item in &mut skeleton.items {
            item.span.start += self.bom_len;
            item.span.end += self.bom_len;
        }
        skeleton.deepest += self.bom_len;
        skeleton
    }

    /// The text a parser should see when only `keep` (sorted, disjoint spans of this file) are
    /// wanted: everything else becomes nothing but its line breaks, plus spaces up to the first
    /// kept character on a line, so every kept token keeps its line and character column; and
    /// comments are blanked (see [`push_blanking_comments`]).
    pub fn masked_parse_text(&self, keep: impl IntoIterator<Item = ByteSpan>) -> String {
        let text = self.parse_text();
        let mut out = String::new();
        let mut position = 0;
        for span in keep {
            let start = span.start - self.bom_len;
            mask_into(&mut out, &text[position..start]);
            push_blanking_comments(&mut out, &text[start..span.end - self.bom_len]);
            position = span.end - self.bom_len;
        }
        // The tail is dropped except for its line count, which no span can point into anyway.
        push_newlines(&mut out, &text[position..]);
        out
    }
}

fn mask_into(out: &mut String, masked: &str) {
    match memchr::memrchr(b'\n', masked.as_bytes()) {
        Some(last) => {
            push_newlines(out, masked);
            out.extend(masked[last + 1..].chars().map(|_| ' '));
        }
        None => out.extend(masked.chars().map(|_| ' ')),
    }
}

/// Appends as many line breaks as `masked` holds.
fn push_newlines(out: &mut String, masked: &str) {
    let count = memchr::memchr_iter(b'\n', masked.as_bytes()).count();
    out.extend(std::iter::repeat_n('\n', count));
}

/// A top-level item of a [`Skeleton`], or a piece of one (see [`SourceFile::split_blocks`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item {
    pub span: ByteSpan,
    /// An upper estimate of how deeply a recursive-descent parser nests inside the item: the
    /// largest, over its tokens, of the sum over enclosing delimiters of one for the delimiter
    /// plus the tokens since the last `;` or `,` (or the end of a block statement) at its level.
    /// A chain like `!!!!x`, `|| || x` or `a = b = c` nests with its length, as syn recurses.
    pub depth: usize,
    pub piece: Piece,
}

/// What part of a top-level item an [`Item`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    Whole,
    /// An `impl`, `mod` or `trait` block up to and with its `{`.
    Open,
    /// An item inside the block opened by the [`Piece::Open`] at index `open`.
    Inner {
        open: usize,
    },
    /// The block's `}`.
    Close {
        open: usize,
    },
}

/// A block item at least this long is split into its inner items by
/// [`SourceFile::split_blocks`]: a wrapper type's `impl` holds many documented methods, of
/// which a few create something.
const SPLIT_BLOCKS_FROM: usize = 2 * 1024;

impl SourceFile {
    /// `items` (a [`Skeleton`]'s) with each large `impl`, `mod` or `trait` block for which
    /// `worth_splitting` holds split into the piece that opens it, its inner items and its
    /// `}`, so that a parser can be given only the inner items that matter, inside their block.
    pub fn split_blocks(
        &self,
        items: Vec<Item>,
        worth_splitting: impl Fn(&str) -> bool,
    ) -> Vec<Item> {
        let mut split = Vec::with_capacity(items.len());
        for item in items {
            let pieces = (item.span.end - item.span.start >= SPLIT_BLOCKS_FROM
                && worth_splitting(self.slice(item.span)))
            .then(|| self.block_pieces(item))
            .flatten();
            let Some((open, inner, close)) = pieces else {
                split.push(item);
                continue;
            };
            let open_index = split.len();
            split.push(open);
            split.extend(inner.into_iter().map(|inner| Item {
                piece: Piece::Inner { open: open_index },
                ..inner
            }));
            split.push(Item {
                piece: Piece::Close { open: open_index },
                ..close
            });
        }
        split
    }

    /// The pieces of `item` when it is a block item whose body reads as items.
    fn block_pieces(&self, item: Item) -> Option<(Item, Vec<Item>, Item)> {
        let text = self.slice(item.span);
        if !matches!(leading_keyword(text), Some("impl" | "mod" | "trait")) {
            return None;
        }
        let (open_brace, close_brace) = outer_braces(text)?;
        if close_brace + 1 != text.len() {
            // The `{` of a const generic argument, or a block that does not end the item.
            return None;
        }
        let body_start = item.span.start + open_brace + 1;
        let inner = skeleton(&text[open_brace + 1..close_brace]);
        if inner.unbalanced {
            return None;
        }
        let piece = |start, end, depth| Item {
            span: ByteSpan::new(start, end),
            depth,
            piece: Piece::Open,
        };
        let inner = inner
            .items
            .into_iter()
            .map(|inner| {
                piece(
                    body_start + inner.span.start,
                    body_start + inner.span.end,
                    inner.depth + 1,
                )
            })
            .collect();
        Some((
            piece(item.span.start, body_start, 1),
            inner,
            piece(item.span.end - 1, item.span.end, 1),
        ))
    }
}

/// Whether `item` is a `use` declaration: those are parsed with every selection of items, for
/// the paths they import.
pub(crate) fn is_use_item(item: &str) -> bool {
    leading_keyword(item) == Some("use")
}

/// The keyword that says what an item is: its first word after attributes, visibility and
/// the qualifiers `unsafe`, `default` and `auto`.
fn leading_keyword(item: &str) -> Option<&str> {
    item_head(item).find(|word| !matches!(*word, "pub" | "unsafe" | "default" | "auto"))
}

/// The tokens that say what `item` (text that starts in code) is: its tokens outside comments,
/// literals, attributes (`#[…]`, `#![…]`) and parentheses (`pub(crate)`), in order — `pub`,
/// `unsafe`, `fn`, its name, … An unmatched `)` or `]` ends them.
pub(crate) fn item_head(item: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0usize;
    code_tokens(item)
        .map_while(move |(_, token)| {
            match token {
                "[" | "(" => depth += 1,
                "]" | ")" => depth = depth.checked_sub(1)?,
                _ if depth == 0 && !matches!(token, "#" | "!") => return Some(Some(token)),
                _ => {}
            }
            Some(None)
        })
        .flatten()
}

/// The offsets of the first `{` of `text` and of the `}` that closes it.
fn outer_braces(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut open = None;
    for (at, token) in code_tokens(text) {
        match token {
            "{" => {
                open.get_or_insert(at);
                depth += 1;
            }
            "}" => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some((open?, at));
                }
            }
            _ => {}
        }
    }
    None
}

/// The tokens of `text`, which starts in code, with their offsets: each word, and each other
/// byte or character that is not whitespace, outside comments and literals.
fn code_tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut position = 0;
    std::iter::from_fn(move || {
        while position < text.len() {
            let start = position;
            let (end, lexeme) = lexeme_at(text, start);
            position = end;
            if lexeme == Lexeme::Code && !text.as_bytes()[start].is_ascii_whitespace() {
                let token = &text[start..end];
                // A raw identifier is its identifier: `r#CreateEventW` names `CreateEventW`.
                return Some((start, token.strip_prefix("r#").unwrap_or(token)));
            }
        }
        None
    })
}

/// The identifiers (and keywords) of `text`, which starts in code, outside its comments and
/// literals.
pub(crate) fn code_words(text: &str) -> impl Iterator<Item = &str> {
    code_tokens(text)
        .map(|(_, token)| token)
        .filter(|token| is_word_byte(token.as_bytes()[0]))
}

/// One open delimiter of the scan: its closing byte and the tokens counted at its level.
struct Level {
    close: u8,
    tokens: usize,
}

// One loop over the bytes with one arm per kind of token reads better than helpers that would
// each need most of its state.
#[allow(clippy::too_many_lines)]
fn skeleton(text: &str) -> Skeleton {
    let bytes = text.as_bytes();
    let mut out = Skeleton::default();
    // The open delimiters; level 0 (the file) is implicit and counts in `top_tokens`.
    let mut levels: Vec<Level> = Vec::new();
    let mut top_tokens = 0usize;
    // The sum over `levels` of (1 + tokens), plus `top_tokens`.
    let mut running = 0usize;
    let mut item_start: Option<usize> = None;
    let mut item_depth = 0usize;
    // A `}` just closed a group at the top level: the item ends there unless an operator or
    // `;` follows (`const X: T = T { … };`).
    let mut closed_block_at: Option<usize> = None;
    // A `}` just closed a group inside a block: the statement ends unless `else` follows.
    let mut statement_closed = false;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte.is_ascii_whitespace() {
            index += 1;
            while bytes.get(index).is_some_and(u8::is_ascii_whitespace) {
                index += 1;
            }
            continue;
        }
        if byte == b'/' && bytes.get(index + 1) == Some(&b'/') {
            index = memchr_newline(bytes, index);
            continue;
        }
        if byte == b'/' && bytes.get(index + 1) == Some(&b'*') {
            let Some(end) = block_comment_end(bytes, index) else {
                out.unbalanced = true;
                break;
            };
            index = end;
            continue;
        }
        let token_start = index;
        // Top-level bookkeeping before the token is consumed.
        if levels.is_empty() {
            if let Some(end) = closed_block_at.take() {
                let continues =
                    byte.is_ascii_punctuation() && byte != b'#' && byte != b'"' && byte != b'\'';
                if !continues {
                    if let Some(start) = item_start.take() {
                        push_item(&mut out, start, end, &mut item_depth);
                    }
                    running -= top_tokens;
                    top_tokens = 0;
                }
            }
            item_start.get_or_insert(token_start);
        } else if std::mem::take(&mut statement_closed) && !starts_word(bytes, index, b"else") {
            let level = levels.last_mut().expect("inside a group");
            running -= level.tokens;
            level.tokens = 0;
        }
        let next = match byte {
            b'"' => {
                let Some(end) = string_end(bytes, index + 1) else {
                    out.unbalanced = true;
                    break;
                };
                end
            }
            b'\'' => quote_end(bytes, index),
            b'(' | b'[' | b'{' => {
                count_token(&mut levels, &mut top_tokens, &mut running);
                levels.push(Level {
                    close: match byte {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    },
                    tokens: 0,
                });
                running += 1;
                item_depth = item_depth.max(running);
                if running > out.depth {
                    out.depth = running;
                    out.deepest = index;
                }
                index += 1;
                continue;
            }
            b')' | b']' | b'}' => {
                let Some(level) = levels.pop() else {
                    out.unbalanced = true;
                    break;
                };
                if level.close != byte {
                    out.unbalanced = true;
                    break;
                }
                running -= 1 + level.tokens;
                if byte == b'}' {
                    if levels.is_empty() {
                        closed_block_at = Some(index + 1);
                    } else {
                        statement_closed = true;
                    }
                }
                index += 1;
                continue;
            }
            b';' | b',' => {
                if let Some(level) = levels.last_mut() {
                    running -= level.tokens;
                    level.tokens = 0;
                } else {
                    running -= top_tokens;
                    top_tokens = 0;
                    if byte == b';' {
                        if let Some(start) = item_start.take() {
                            push_item(&mut out, start, index + 1, &mut item_depth);
                        }
                    }
                }
                index += 1;
                continue;
            }
            _ if is_word_byte(byte) => match word_token(bytes, index) {
                WordToken::Word(end) | WordToken::Literal(end) => end,
                WordToken::Unclosed => {
                    out.unbalanced = true;
                    break;
                }
            },
            _ if byte < 0x80 => index + 1,
            _ => index + text[index..].chars().next().map_or(1, char::len_utf8),
        };
        count_token(&mut levels, &mut top_tokens, &mut running);
        item_depth = item_depth.max(running);
        if running > out.depth {
            out.depth = running;
            out.deepest = token_start;
        }
        index = next;
    }
    if !levels.is_empty() {
        out.unbalanced = true;
    }
    if !out.unbalanced {
        if let Some(start) = item_start {
            let end = closed_block_at.unwrap_or(bytes.len());
            push_item(&mut out, start, end, &mut item_depth);
        }
    }
    out
}

/// A token that starts with an identifier byte, as the lexical passes read it.
enum WordToken {
    /// An identifier, keyword or number (a raw identifier `r#ident` included), ending here.
    Word(usize),
    /// A literal behind a prefix — `r"…"`, `br#"…"#`, `b"…"`, `c"…"`, `b'x'` — ending here:
    /// the prefix and its literal are one token.
    Literal(usize),
    /// A prefixed literal that does not close.
    Unclosed,
}

/// The token that starts with the identifier byte at `start`.
fn word_token(bytes: &[u8], start: usize) -> WordToken {
    let end = word_end(bytes, start);
    let word = &bytes[start..end];
    if matches!(word, b"r" | b"br" | b"cr") && matches!(bytes.get(end), Some(b'"' | b'#')) {
        match raw_string_end(bytes, end) {
            Some(raw_end) => WordToken::Literal(raw_end),
            None if bytes.get(end) == Some(&b'#') => WordToken::Word(word_end(bytes, end + 1)),
            None => WordToken::Unclosed,
        }
    } else if bytes.get(end) == Some(&b'"') {
        string_end(bytes, end + 1).map_or(WordToken::Unclosed, WordToken::Literal)
    } else if bytes.get(end) == Some(&b'\'') && word == b"b" {
        WordToken::Literal(quote_end(bytes, end))
    } else {
        WordToken::Word(end)
    }
}

/// What a stretch of text starting in code is, as [`lexeme_at`] reads it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lexeme {
    /// A token, or a byte between tokens.
    Code,
    Comment,
    /// A string, character or byte literal, or a lifetime.
    Literal,
    /// A comment or string that does not close: it runs to the end of the text.
    Unclosed,
}

/// The lexeme starting at `start` (in code) and where it ends.
fn lexeme_at(text: &str, start: usize) -> (usize, Lexeme) {
    let bytes = text.as_bytes();
    let byte = bytes[start];
    let closed =
        |end: Option<usize>, kind| end.map_or((bytes.len(), Lexeme::Unclosed), |end| (end, kind));
    match byte {
        b'/' if bytes.get(start + 1) == Some(&b'/') => {
            (memchr_newline(bytes, start), Lexeme::Comment)
        }
        b'/' if bytes.get(start + 1) == Some(&b'*') => {
            closed(block_comment_end(bytes, start), Lexeme::Comment)
        }
        b'"' => closed(string_end(bytes, start + 1), Lexeme::Literal),
        b'\'' => (quote_end(bytes, start), Lexeme::Literal),
        _ if is_word_byte(byte) => match word_token(bytes, start) {
            WordToken::Word(end) => (end, Lexeme::Code),
            WordToken::Literal(end) => (end, Lexeme::Literal),
            WordToken::Unclosed => (bytes.len(), Lexeme::Unclosed),
        },
        _ if byte < 0x80 => (start + 1, Lexeme::Code),
        _ => (
            start + text[start..].chars().next().map_or(1, char::len_utf8),
            Lexeme::Code,
        ),
    }
}

/// The end (past the closing delimiter) of the group whose opening `(`, `[` or `{` is at
/// `open` in `text`, skipping comments and literals; `None` when it does not close.
pub(crate) fn group_end(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut position = open;
    while position < text.len() {
        let (end, lexeme) = lexeme_at(text, position);
        match (lexeme, text.as_bytes()[position]) {
            (Lexeme::Unclosed, _) => return None,
            (Lexeme::Code, b'(' | b'[' | b'{') => depth += 1,
            (Lexeme::Code, b')' | b']' | b'}') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(end);
                }
            }
            _ => {}
        }
        position = end;
    }
    None
}

/// Tells, for offsets asked in increasing order, which are in code rather than inside a
/// comment or a string, character or byte literal, by reading the text (a file, or one of its
/// top-level items: text that starts in code) the way [`skeleton`] does, once, up to the last
/// offset asked.
pub(crate) struct CodeCursor<'a> {
    text: &'a str,
    /// Where reading stopped: the start of a lexeme, or the end of the text.
    position: usize,
    /// The end of the comment or literal the last offset asked was inside.
    skipped_to: usize,
    /// A comment or literal that does not close: what follows is taken as code, so that the
    /// parser sees the file and reports it.
    unclosed: bool,
}

impl<'a> CodeCursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            position: 0,
            skipped_to: 0,
            unclosed: false,
        }
    }

    /// Whether `at`, the start of a token, is in code; never less than an offset asked before.
    pub(crate) fn is_code(&mut self, at: usize) -> bool {
        if at < self.skipped_to {
            return false;
        }
        let bytes = self.text.as_bytes();
        while !self.unclosed && self.position < at {
            // Only a `/`, `"` or `'` starts a comment or literal (with the word right before
            // it, for a prefixed literal: `r#"…"#`, `b'x'`): the code up to the next one is
            // passed over unread, and the lexemes are read from that word on. Reading resumes
            // at the start of the words and `#`s around a place, where a lexeme starts: `at`
            // may be inside one (the second `r` of `r#r#""#` ends the raw identifier `r#r`,
            // and read from there would start a raw string).
            let candidate = memchr::memchr3(b'/', b'"', b'\'', &bytes[self.position..at])
                .map(|found| self.position + found);
            self.position = bytes[self.position..candidate.unwrap_or(at)]
                .iter()
                .rposition(|&byte| !is_word_byte(byte) && byte != b'#')
                .map_or(self.position, |before| self.position + before + 1);
            let Some(candidate) = candidate else {
                break;
            };
            while !self.unclosed && self.position <= candidate {
                let (end, lexeme) = lexeme_at(self.text, self.position);
                self.position = end;
                match lexeme {
                    Lexeme::Unclosed => self.unclosed = true,
                    Lexeme::Comment | Lexeme::Literal if end > at => {
                        self.skipped_to = end;
                        return false;
                    }
                    Lexeme::Code | Lexeme::Comment | Lexeme::Literal => {}
                }
            }
        }
        true
    }
}

/// Appends `text` (which starts in code) to `out` with each character of its comments, doc
/// comments included, turned into a space, line breaks kept: every token keeps its line and
/// character column. Doc comments become attributes in syn, and nothing objlint looks for is
/// in them; in documented code they are most of what the parser would read.
pub(crate) fn push_blanking_comments(out: &mut String, text: &str) {
    let mut copied = 0;
    let mut position = 0;
    while position < text.len() {
        let (end, lexeme) = lexeme_at(text, position);
        if lexeme == Lexeme::Comment {
            out.push_str(&text[copied..position]);
            out.extend(
                text[position..end]
                    .chars()
                    .map(|c| if c == '\n' { '\n' } else { ' ' }),
            );
            copied = end;
        }
        position = end;
    }
    out.push_str(&text[copied..]);
}

fn push_item(out: &mut Skeleton, start: usize, end: usize, depth: &mut usize) {
    out.items.push(Item {
        span: ByteSpan::new(start, end),
        depth: std::mem::take(depth),
        piece: Piece::Whole,
    });
}

fn count_token(levels: &mut [Level], top_tokens: &mut usize, running: &mut usize) {
    match levels.last_mut() {
        Some(level) => level.tokens += 1,
        None => *top_tokens += 1,
    }
    *running += 1;
}

/// Whether each byte value can be part of an identifier, keyword or number; a table, since
/// identifiers are most of the bytes the skeleton pass reads.
static WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        byte += 1;
    }
    table
};

pub(crate) fn is_word_byte(byte: u8) -> bool {
    WORD_BYTES[usize::from(byte)]
}

/// The end of the identifier, keyword or number starting at `index` (non-ASCII characters
/// are taken as identifier characters: the parser judges them).
fn word_end(bytes: &[u8], index: usize) -> usize {
    bytes[index..]
        .iter()
        .position(|&byte| !is_word_byte(byte))
        .map_or(bytes.len(), |offset| index + offset)
}

fn starts_word(bytes: &[u8], index: usize, word: &[u8]) -> bool {
    bytes[index..].starts_with(word)
        && bytes
            .get(index + word.len())
            .is_none_or(|&byte| !is_word_byte(byte))
}

fn memchr_newline(bytes: &[u8], index: usize) -> usize {
    memchr::memchr(b'\n', &bytes[index..]).map_or(bytes.len(), |offset| index + offset + 1)
}

/// The end of the (nested) block comment opening at `index`.
fn block_comment_end(bytes: &[u8], index: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut position = index;
    while position + 1 < bytes.len() {
        match (bytes[position], bytes[position + 1]) {
            (b'/', b'*') => {
                depth += 1;
                position += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                position += 2;
                if depth == 0 {
                    return Some(position);
                }
            }
            _ => position += 1,
        }
    }
    None
}

/// The end of a string whose contents start at `index` (after the opening quote).
fn string_end(bytes: &[u8], index: usize) -> Option<usize> {
    let mut position = index;
    while position < bytes.len() {
        position += memchr::memchr2(b'\\', b'"', &bytes[position..])?;
        match bytes[position] {
            b'\\' => position += 2,
            _ => return Some(word_end(bytes, position + 1)),
        }
    }
    None
}

/// The end of a raw string whose `#`s or quote start at `index`; `None` if it is not one.
fn raw_string_end(bytes: &[u8], index: usize) -> Option<usize> {
    let hashes = bytes[index..]
        .iter()
        .take_while(|&&byte| byte == b'#')
        .count();
    if bytes.get(index + hashes) != Some(&b'"') {
        return None;
    }
    let mut position = index + hashes + 1;
    while position < bytes.len() {
        if bytes[position] == b'"'
            && bytes[position + 1..]
                .iter()
                .take(hashes)
                .filter(|&&byte| byte == b'#')
                .count()
                == hashes
            && bytes.len() >= position + 1 + hashes
        {
            return Some(word_end(bytes, position + 1 + hashes));
        }
        position += 1;
    }
    None
}

/// The end of a character literal or lifetime whose quote is at `index`.
fn quote_end(bytes: &[u8], index: usize) -> usize {
    let after = index + 1;
    if bytes.get(after) == Some(&b'\\') {
        // An escaped character: up to the closing quote.
        let mut position = after + 2;
        while position < bytes.len() && bytes[position] != b'\'' && bytes[position] != b'\n' {
            position += 1;
        }
        return (position + 1).min(bytes.len());
    }
    // `'x'` (x possibly several bytes long), else a lifetime or label `'a`.
    let width = match bytes.get(after) {
        Some(&byte) if byte < 0x80 => 1,
        Some(&byte) if byte >= 0xf0 => 4,
        Some(&byte) if byte >= 0xe0 => 3,
        Some(_) => 2,
        None => return bytes.len(),
    };
    if bytes.get(after + width) == Some(&b'\'') {
        after + width + 1
    } else {
        word_end(bytes, after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_blocks_are_split_into_their_inner_items() {
        use std::fmt::Write as _;
        let mut methods = String::new();
        for n in 0..60 {
            let _ = writeln!(
                methods,
                "    /// Doc {{ with a brace.\n    fn m{n}(&self) -> u32 {{ {n} }}"
            );
        }
        let text = format!(
            "use a::b;\n#[cfg(windows)]\npub(crate) unsafe impl<T> X<T> {{\n{methods}}}\nimpl Small {{ fn f() {{}} }}\nimpl<const N: usize> Y<{{ N }}> {{\n{methods}}}\n"
        );
        let file = SourceFile::new("a.rs", text);
        let items = file.split_blocks(file.skeleton().items, |_| true);
        let pieces: Vec<Piece> = items.iter().map(|item| item.piece).collect();
        // `use`, the split `impl` (its opening, 60 methods, its `}`), the small `impl` and the
        // one whose first `{` is a const generic argument, whole.
        assert_eq!(pieces.len(), 1 + 1 + 60 + 1 + 2);
        assert_eq!(pieces[1], Piece::Open);
        assert!(pieces[2..62]
            .iter()
            .all(|piece| *piece == Piece::Inner { open: 1 }));
        assert_eq!(pieces[62], Piece::Close { open: 1 });
        // Doc comments are not part of an item (the parser is not given them).
        assert_eq!(file.slice(items[2].span), "fn m0(&self) -> u32 { 0 }");
        assert!(file.slice(items[1].span).ends_with("impl<T> X<T> {"));
        assert_eq!(file.slice(items[62].span), "}");
        assert_eq!(&pieces[63..], [Piece::Whole, Piece::Whole]);
    }

    #[test]
    fn the_code_cursor_tells_code_from_comments_and_literals() {
        let text = "a /* b */ c // d\n\"e // f\" g r#\"h\"# i 'j' b'k' 'l: m /* /* n */ o */ p";
        let mut code = CodeCursor::new(text);
        let answers: Vec<(char, bool)> = "abcdefghijklmnop"
            .chars()
            .filter_map(|letter| text.find(letter).map(|at| (letter, code.is_code(at))))
            .collect();
        let in_code: String = answers
            .iter()
            .filter(|(_, is_code)| *is_code)
            .map(|(letter, _)| *letter)
            .collect();
        // A label (`'l`) is no more a mention than a character literal.
        assert_eq!(in_code, "acgimp");
        // A literal that does not close leaves the rest to the parser, which reports it.
        let mut code = CodeCursor::new("x \"y z");
        assert!(code.is_code(3) && code.is_code(5));
    }

    /// The cursor as it read every lexeme, before it passed over code unread.
    fn is_code_lexeme_by_lexeme(text: &str, at: usize) -> bool {
        let mut position = 0;
        while position < at {
            let (end, lexeme) = lexeme_at(text, position);
            match lexeme {
                Lexeme::Unclosed => return true,
                Lexeme::Comment | Lexeme::Literal if end > at => return false,
                Lexeme::Code | Lexeme::Comment | Lexeme::Literal => position = end,
            }
        }
        true
    }

    proptest::proptest! {
        #[test]
        fn the_code_cursor_reads_as_the_lexer_does(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "a", "r", "b", "br", "cr", "c", "r#", "#", "##", "x1", "é", " ", "\n", "/", "//",
                "/*", "*/", "\"", "\\", "'", "'a", "'\\n'", "b'", "r\"", "r#\"", "\"#",
                "(", ")", "{", "}", ";", "<", ">", ".", "CreateFile", "1.0e5",
            ]), 0..40)
        ) {
            let text: String = pieces.concat();
            let bytes = text.as_bytes();
            let starts: Vec<usize> = (0..bytes.len())
                .filter(|&at| text.is_char_boundary(at))
                .filter(|&at| is_word_byte(bytes[at]) && (at == 0 || !is_word_byte(bytes[at - 1])))
                .collect();
            let mut code = CodeCursor::new(&text);
            for at in starts {
                proptest::prop_assert_eq!(
                    code.is_code(at),
                    is_code_lexeme_by_lexeme(&text, at),
                    "at {} in {:?}",
                    at,
                    text
                );
            }
        }
    }

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
