//! Parsing a file, whole or only the items a stage wants, within the depth the parser
//! threads' stacks hold; and the errors of a file that does not parse.

use std::str::FromStr as _;

use crate::check::error::FileError;
use crate::scan::lexer::{code_words, is_use_item};
use crate::scan::mentions::Mentions;
use crate::scan::skeleton::{Item, Piece, MAX_NESTING};
use crate::scan::source::{ByteSpan, SourceFile};

/// A file larger than this is parsed item by item (see [`scan`](crate::check::file::scan)), unless nearly all of it is
/// selected. Generated bindings (the `windows` crate's are megabytes per file) mention every
/// API once each, in one small function among thousands; and in a wrapper crate's source the
/// items that name its type are often half the file or less. The lexical pass that finds the
/// items runs about a hundred times faster than syn, so below this size it is not worth it.
const SPLIT_FILES_FROM: usize = 8 * 1024;

/// A file whose selected items are more than this share of it (in tenths) is parsed whole:
/// the later stages then have nothing left to select in it.
const WHOLE_FROM_TENTHS: usize = 9;

/// How far a file has been parsed.
#[derive(Debug, Clone, Default)]
pub enum Parsed {
    #[default]
    No,
    /// Some of its top-level items; the `use` items are parsed with every selection.
    /// `too_deep` is the error the whole file would give.
    Items {
        items: Vec<Item>,
        done: Vec<bool>,
        too_deep: Option<FileError>,
    },
    Whole,
}

impl Parsed {
    pub fn merge(&mut self, other: Parsed) {
        match (&mut *self, other) {
            (Parsed::Whole, _) | (_, Parsed::No) => {}
            (Parsed::Items { done, .. }, Parsed::Items { done: more, .. }) => {
                for (done, more) in done.iter_mut().zip(more) {
                    *done |= more;
                }
            }
            (this, other) => *this = other,
        }
    }
}

/// Parses the part of `source` that `words` selects and `parsed` says is not parsed yet;
/// `None` when nothing is selected.
pub fn parse_selected(
    source: &SourceFile,
    parsed: &mut Parsed,
    words: Mentions<'_>,
) -> Option<Result<syn::File, FileError>> {
    match parsed {
        Parsed::Whole => None,
        Parsed::No => {
            if !words.may_be_in(source.parse_text()) {
                return None;
            }
            let skeleton = source.skeleton();
            let too_deep = too_deep(skeleton.depth, skeleton.deepest);
            if skeleton.unbalanced {
                *parsed = Parsed::Whole;
                return Some(parse_whole(source, too_deep));
            }
            // The later stages look for words few items name (a crate function, a constant):
            // there, even a small file is parsed item by item.
            let split_from = match words {
                Mentions::Calls { .. } => SPLIT_FILES_FROM,
                Mentions::Any(_) | Mentions::Declarations(_) => 0,
            };
            if source.text.len() < split_from {
                let mentioned = skeleton
                    .items
                    .iter()
                    .any(|item| words.in_item(source.slice(item.span)));
                if !mentioned {
                    return None;
                }
                *parsed = Parsed::Whole;
                return Some(parse_whole(source, too_deep));
            }
            // A block that mentions nothing is not split: nothing in it is selected now, and a
            // later stage that wants something in it parses it whole.
            let items = source.split_blocks(skeleton.items, |block| words.in_item(block));
            let mut done = vec![false; items.len()];
            let selection = select_items(source, &items, &mut done, words);
            let selected: usize = selection
                .iter()
                .map(|item| item.span.end - item.span.start)
                .sum();
            if selected * 10 > source.text.len() * WHOLE_FROM_TENTHS {
                *parsed = Parsed::Whole;
                return Some(parse_whole(source, too_deep));
            }
            let any_selected = done.contains(&true);
            *parsed = Parsed::Items {
                items,
                done,
                too_deep: too_deep.clone(),
            };
            // `use` items alone hold no call and no constant.
            any_selected.then(|| parse_masked(source, &selection, too_deep))
        }
        Parsed::Items {
            items,
            done,
            too_deep,
        } => {
            let before = done.iter().filter(|&&done| done).count();
            let selection = select_items(source, items, done, words);
            if done.iter().filter(|&&done| done).count() == before {
                return None;
            }
            Some(parse_masked(source, &selection, too_deep.clone()))
        }
    }
}

/// Marks the items not done yet that mention one of `words` as done, and returns them with
/// every `use` item, in order. An item inside a split block (see [`SourceFile::split_blocks`])
/// comes with the block's opening and closing pieces and the block's `use` items; inside a
/// block whose opening names a word (`impl NamedLock {`), `Self` is that word.
fn select_items(
    source: &SourceFile,
    items: &[Item],
    done: &mut [bool],
    words: Mentions<'_>,
) -> Vec<Item> {
    let mut chosen = vec![false; items.len()];
    let mut open_names_word = false;
    for (index, item) in items.iter().enumerate() {
        let text = source.slice(item.span);
        match item.piece {
            Piece::Whole => {
                if !done[index] && words.in_item(text) {
                    done[index] = true;
                    chosen[index] = true;
                } else {
                    chosen[index] = is_use_item(text);
                }
            }
            Piece::Open => open_names_word = words.in_item(text),
            Piece::Inner { open } => {
                if !done[index]
                    && (words.in_item(text)
                        || open_names_word && code_words(text).any(|word| word == "Self"))
                {
                    done[index] = true;
                    chosen[index] = true;
                    chosen[open] = true;
                }
            }
            Piece::Close { .. } => {}
        }
    }
    // The pieces that hold each chosen inner item together.
    for (index, item) in items.iter().enumerate() {
        match item.piece {
            Piece::Inner { open } if chosen[open] && !chosen[index] => {
                chosen[index] = is_use_item(source.slice(item.span));
            }
            Piece::Close { open } => chosen[index] = chosen[open],
            _ => {}
        }
    }
    items
        .iter()
        .zip(chosen)
        .filter_map(|(item, chosen)| chosen.then_some(*item))
        .collect()
}

/// The error for text that nests `depth` deep (at byte `deepest`), when that is more than
/// [`MAX_NESTING`]: parsing it could overflow the stack.
fn too_deep(depth: usize, deepest: usize) -> Option<FileError> {
    (depth > MAX_NESTING).then(|| FileError::TooDeep {
        limit: MAX_NESTING,
        at: ByteSpan::new(deepest, deepest),
    })
}

/// Parses the whole file, unless it nests too deep (`too_deep`).
fn parse_whole(source: &SourceFile, too_deep: Option<FileError>) -> Result<syn::File, FileError> {
    if let Some(error) = too_deep {
        return Err(error);
    }
    let text = source.code_parse_text();
    syn::parse_file(&text).map_err(|error| parse_error(source, &text, &error))
}

/// Parses only `selection`; if that text does not parse, the whole file is parsed instead, so
/// that an error is reported exactly as without the selection.
fn parse_masked(
    source: &SourceFile,
    selection: &[Item],
    too_deep_whole: Option<FileError>,
) -> Result<syn::File, FileError> {
    if let Some(deepest) = selection.iter().find(|item| item.depth > MAX_NESTING) {
        return Err(too_deep(deepest.depth, deepest.span.start).expect("deeper than the limit"));
    }
    let masked = source.masked_parse_text(selection.iter().map(|item| item.span));
    match syn::parse_file(&masked) {
        Ok(syntax) => Ok(syntax),
        Err(_) => parse_whole(source, too_deep_whole),
    }
}

/// The error for a file syn cannot parse, at the place syn gives. The text is lexed again
/// (only for a file that failed) to tell a text that is not even tokens from one that is not
/// Rust. syn gives the end of the file as the call site, which has no place in the text: the
/// error is placed at the file's end; the end of a group is its closing delimiter.
fn parse_error(file: &SourceFile, text: &str, error: &syn::Error) -> FileError {
    if let Err(lex) = proc_macro2::TokenStream::from_str(after_shebang(text)) {
        return FileError::Tokens {
            at: file.byte_span(lex.span()),
        };
    }
    let at = if error.span().byte_range() == (0..0) {
        ByteSpan::new(file.text.len(), file.text.len())
    } else {
        file.byte_span(error.span())
    };
    FileError::Syntax {
        message: error.to_string(),
        at,
    }
}

/// `text` without the shebang line syn skips (a first line `#!` not followed by `[`), its line
/// break kept so lines keep their numbers.
fn after_shebang(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("#!") else {
        return text;
    };
    if rest.trim_start().starts_with('[') {
        return text;
    }
    text.find('\n').map_or("", |end| &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error for `text`, parsed whole, and the text it points at (to the end of the line).
    fn error_of(text: &str) -> (FileError, String) {
        let source = SourceFile::new("broken.rs", text.to_owned());
        let error = parse_whole(&source, None).expect_err("does not parse");
        let at = error.span().expect("a parse error has a place").start;
        let pointed = text[at..].lines().next().unwrap_or("").to_owned();
        (error, pointed)
    }

    #[test]
    fn text_that_is_not_tokens_is_placed_where_the_lexer_stopped() {
        let (error, pointed) = error_of("fn f() {}\nfn g( {\n}\n");
        assert!(matches!(error, FileError::Tokens { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            "could not parse this file: unbalanced delimiter or invalid token"
        );
        assert_eq!(pointed, "( {");
    }

    #[test]
    fn a_syntax_error_is_placed_at_its_token_with_syns_words() {
        let (error, pointed) = error_of("fn f() {}\nstruct 3;\n");
        assert!(matches!(error, FileError::Syntax { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            "could not parse this file: expected identifier"
        );
        assert_eq!(pointed, "3;");
    }

    #[test]
    fn a_file_that_ends_early_is_pointed_at_its_end() {
        // Whether syn's words say so (`unexpected end of input`) or not (`expected `;``).
        for text in ["fn f() {}\nfn g()", "fn f() {}\nuse std::io"] {
            let (error, pointed) = error_of(text);
            assert!(
                matches!(error, FileError::Syntax { .. }),
                "{text}: {error:?}"
            );
            assert_eq!(
                error.span().map(|span| span.start),
                Some(text.len()),
                "{text}: {error}"
            );
            assert_eq!(pointed, "");
        }
    }

    #[test]
    fn a_group_that_ends_early_is_pointed_at_its_closing_delimiter() {
        for (text, closing) in [
            ("fn f() {\n    let x = \n}\n", "}"),
            ("const C: u8 = (1 + );\n", ");"),
        ] {
            let (error, pointed) = error_of(text);
            assert!(
                matches!(error, FileError::Syntax { .. }),
                "{text}: {error:?}"
            );
            assert_eq!(pointed, closing, "{text}: {error}");
        }
    }

    #[test]
    fn a_shebang_line_is_not_read_as_tokens() {
        let (error, pointed) = error_of("#!/usr/bin/env -S cargo \"script\nstruct 3;\n");
        assert!(matches!(error, FileError::Syntax { .. }), "{error:?}");
        assert_eq!(pointed, "3;");
    }
}
