//! The skeleton of a file: where its top-level items are, how deeply a parser would recurse
//! into each, whether its tokens are balanced, and large blocks split into their inner items.

use crate::scan::lexer::{
    block_comment_end, code_tokens, is_word_byte, leading_keyword, memchr_newline, quote_end,
    starts_word, string_end, word_token, WordToken,
};
use crate::scan::source::{ByteSpan, SourceFile};

/// The deepest nesting (as [`Item::depth`] estimates it) objlint parses. syn parses by
/// recursive descent and its trees are visited and dropped recursively; parsing threads have
/// [`crate::check::pool::PARSER_STACK`] bytes of stack, which holds this many levels of the most
/// stack-hungry construct with room to spare, even in a debug build. Real code stays far below:
/// the deepest file of the 825 MB of vendored crates measured in ARCHITECTURE.md reaches about
/// 300. Parsing (`check::parse`) and suppressions (`policy::suppress`) both keep to it.
pub const MAX_NESTING: usize = 3_000;

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
    /// The file's [`Skeleton`], in byte offsets of the real text.
    pub fn skeleton(&self) -> Skeleton {
        let mut skeleton = skeleton(self.parse_text());
        for item in &mut skeleton.items {
            item.span.start += self.bom_len();
            item.span.end += self.bom_len();
        }
        skeleton.deepest += self.bom_len();
        skeleton
    }
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

/// One open delimiter of the scan: its closing byte and the tokens counted at its level.
struct Level {
    close: u8,
    tokens: usize,
}

/// The [`skeleton`] pass between two tokens: the skeleton so far and the nesting count.
#[derive(Default)]
struct Scan {
    out: Skeleton,
    /// The open delimiters; level 0 (the file) is implicit and counts in `top_tokens`.
    levels: Vec<Level>,
    top_tokens: usize,
    /// The sum over `levels` of (1 + tokens), plus `top_tokens`.
    running: usize,
    item_start: Option<usize>,
    item_depth: usize,
    /// A `}` just closed a group at the top level: the item ends there unless an operator or
    /// `;` follows (`const X: T = T { … };`).
    closed_block_at: Option<usize>,
    /// A `}` just closed a group inside a block: the statement ends unless `else` follows.
    statement_closed: bool,
}

/// One loop over the bytes with one arm per kind of token; the bookkeeping each kind needs is a
/// method of [`Scan`].
fn skeleton(text: &str) -> Skeleton {
    let bytes = text.as_bytes();
    let mut scan = Scan::default();
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
                scan.out.unbalanced = true;
                break;
            };
            index = end;
            continue;
        }
        scan.before_token(bytes, index);
        let next = match byte {
            b'"' => string_end(bytes, index + 1),
            b'\'' => Some(quote_end(bytes, index)),
            b'(' | b'[' | b'{' => {
                scan.open(byte, index);
                index += 1;
                continue;
            }
            b')' | b']' | b'}' => {
                if !scan.close(byte, index) {
                    break;
                }
                index += 1;
                continue;
            }
            b';' | b',' => {
                scan.separator(byte, index);
                index += 1;
                continue;
            }
            _ if is_word_byte(byte) => match word_token(bytes, index) {
                WordToken::Word(end) | WordToken::Literal(end) => Some(end),
                WordToken::Unclosed => None,
            },
            _ if byte < 0x80 => Some(index + 1),
            _ => Some(index + text[index..].chars().next().map_or(1, char::len_utf8)),
        };
        let Some(next) = next else {
            scan.out.unbalanced = true;
            break;
        };
        scan.count(index);
        index = next;
    }
    scan.finish(bytes.len())
}

impl Scan {
    /// Top-level bookkeeping before the token at `index` is consumed.
    fn before_token(&mut self, bytes: &[u8], index: usize) {
        let byte = bytes[index];
        if self.levels.is_empty() {
            if let Some(end) = self.closed_block_at.take() {
                let continues =
                    byte.is_ascii_punctuation() && byte != b'#' && byte != b'"' && byte != b'\'';
                if !continues {
                    if let Some(start) = self.item_start.take() {
                        self.push_item(start, end);
                    }
                    self.running -= self.top_tokens;
                    self.top_tokens = 0;
                }
            }
            self.item_start.get_or_insert(index);
        } else if std::mem::take(&mut self.statement_closed) && !starts_word(bytes, index, b"else")
        {
            let level = self.levels.last_mut().expect("inside a group");
            self.running -= level.tokens;
            level.tokens = 0;
        }
    }

    /// The opening delimiter `byte` at `index`.
    fn open(&mut self, byte: u8, index: usize) {
        self.count_token();
        self.levels.push(Level {
            close: match byte {
                b'(' => b')',
                b'[' => b']',
                _ => b'}',
            },
            tokens: 0,
        });
        self.running += 1;
        self.reached(index);
    }

    /// The closing delimiter `byte` at `index`; false when it closes nothing it matches.
    fn close(&mut self, byte: u8, index: usize) -> bool {
        let Some(level) = self.levels.pop().filter(|level| level.close == byte) else {
            self.out.unbalanced = true;
            return false;
        };
        self.running -= 1 + level.tokens;
        if byte == b'}' {
            if self.levels.is_empty() {
                self.closed_block_at = Some(index + 1);
            } else {
                self.statement_closed = true;
            }
        }
        true
    }

    /// A `;` or `,` at `index`: the count starts again at its level, and a `;` at the top
    /// ends the item.
    fn separator(&mut self, byte: u8, index: usize) {
        if let Some(level) = self.levels.last_mut() {
            self.running -= level.tokens;
            level.tokens = 0;
        } else {
            self.running -= self.top_tokens;
            self.top_tokens = 0;
            if byte == b';' {
                if let Some(start) = self.item_start.take() {
                    self.push_item(start, index + 1);
                }
            }
        }
    }

    /// Any other token, starting at `index`.
    fn count(&mut self, index: usize) {
        self.count_token();
        self.reached(index);
    }

    fn count_token(&mut self) {
        match self.levels.last_mut() {
            Some(level) => level.tokens += 1,
            None => self.top_tokens += 1,
        }
        self.running += 1;
    }

    /// The nesting estimate now holds at `index`.
    fn reached(&mut self, index: usize) {
        self.item_depth = self.item_depth.max(self.running);
        if self.running > self.out.depth {
            self.out.depth = self.running;
            self.out.deepest = index;
        }
    }

    fn push_item(&mut self, start: usize, end: usize) {
        self.out.items.push(Item {
            span: ByteSpan::new(start, end),
            depth: std::mem::take(&mut self.item_depth),
            piece: Piece::Whole,
        });
    }

    /// The skeleton of a text `len` bytes long, read to its end or to the first unbalanced
    /// token.
    fn finish(mut self, len: usize) -> Skeleton {
        if !self.levels.is_empty() {
            self.out.unbalanced = true;
        }
        if !self.out.unbalanced {
            if let Some(start) = self.item_start {
                let end = self.closed_block_at.unwrap_or(len);
                self.push_item(start, end);
            }
        }
        self.out
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
            "use a::b;\n#[cfg(windows)]\npub unsafe impl<T> X<T> {{\n{methods}}}\nimpl Small {{ fn f() {{}} }}\nimpl<const N: usize> Y<{{ N }}> {{\n{methods}}}\n"
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
}
