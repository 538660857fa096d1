//! The skeleton of a file: where its top-level items are, how deeply a parser would recurse
//! into each, whether its tokens are balanced, and large blocks split into their inner items.

use crate::scan::lexer::{
    block_comment_end, code_tokens, is_word_byte, leading_keyword, memchr_newline, quote_end,
    starts_word, string_end, word_token, WordToken,
};
use crate::scan::source::{ByteSpan, SourceFile};

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
}
