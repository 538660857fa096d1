//! The lexical passes over Rust text that starts in code: where comments, strings, raw strings
//! and character literals start and end, read without allocating, and the text a parser is
//! given with comments blanked. The skeleton pass (`super::skeleton`) is built on them.

use crate::scan::source::{ByteSpan, SourceFile};

impl SourceFile {
    /// The whole text a parser should see: [`SourceFile::parse_text`] with its comments
    /// blanked (see [`push_blanking_comments`]).
    pub fn code_parse_text(&self) -> String {
        let mut out = String::with_capacity(self.parse_text().len());
        push_blanking_comments(&mut out, self.parse_text());
        out
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
            let start = span.start - self.bom_len();
            mask_into(&mut out, &text[position..start]);
            push_blanking_comments(&mut out, &text[start..span.end - self.bom_len()]);
            position = span.end - self.bom_len();
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

/// Whether `item` is a `use` declaration: those are parsed with every selection of items, for
/// the paths they import.
pub(crate) fn is_use_item(item: &str) -> bool {
    leading_keyword(item) == Some("use")
}

/// The keyword that says what an item is: its first word after attributes, visibility and
/// the qualifiers `unsafe`, `default` and `auto`.
pub(crate) fn leading_keyword(item: &str) -> Option<&str> {
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

/// The tokens of `text`, which starts in code, with their offsets: each word, and each other
/// byte or character that is not whitespace, outside comments and literals.
pub(crate) fn code_tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
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

/// A token that starts with an identifier byte, as the lexical passes read it.
pub(crate) enum WordToken {
    /// An identifier, keyword or number (a raw identifier `r#ident` included), ending here.
    Word(usize),
    /// A literal behind a prefix — `r"…"`, `br#"…"#`, `b"…"`, `c"…"`, `b'x'` — ending here:
    /// the prefix and its literal are one token.
    Literal(usize),
    /// A prefixed literal that does not close.
    Unclosed,
}

/// The token that starts with the identifier byte at `start`.
pub(crate) fn word_token(bytes: &[u8], start: usize) -> WordToken {
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
/// top-level items: text that starts in code) the way [`SourceFile::skeleton`] does, once, up to the last
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

pub(crate) fn starts_word(bytes: &[u8], index: usize, word: &[u8]) -> bool {
    bytes[index..].starts_with(word)
        && bytes
            .get(index + word.len())
            .is_none_or(|&byte| !is_word_byte(byte))
}

pub(crate) fn memchr_newline(bytes: &[u8], index: usize) -> usize {
    memchr::memchr(b'\n', &bytes[index..]).map_or(bytes.len(), |offset| index + offset + 1)
}

/// The end of the (nested) block comment opening at `index`.
pub(crate) fn block_comment_end(bytes: &[u8], index: usize) -> Option<usize> {
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
pub(crate) fn string_end(bytes: &[u8], index: usize) -> Option<usize> {
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
pub(crate) fn quote_end(bytes: &[u8], index: usize) -> usize {
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
}
