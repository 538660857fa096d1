//! The `ERROR_ALREADY_EXISTS` check search: where a body compares an error with
//! `ERROR_ALREADY_EXISTS` (under any path), `io::ErrorKind::AlreadyExists` or the code 183.

use proc_macro2::{TokenStream, TokenTree};

use crate::scan::source::{ByteSpan, SourceFile};

/// Places in a body where `ERROR_ALREADY_EXISTS` is checked: the constant named under any
/// path, `io::ErrorKind::AlreadyExists`, or the raw code 183 (`0xB7`) next to a comparison.
pub fn already_exists_checks(file: &SourceFile, body: TokenStream) -> Vec<ByteSpan> {
    let mut tokens = Vec::new();
    flatten(body, &mut tokens);
    let mut checks = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let is_check = match &token.kind {
            FlatKind::Ident(ident) => {
                ident == "ERROR_ALREADY_EXISTS"
                    || ident == "AlreadyExists"
                    // winsafe's `co::ERROR::ALREADY_EXISTS`.
                    || (ident == "ALREADY_EXISTS" && follows_error_type(&tokens[..index]))
                    || (ident == "GetLastError" && refuses_any_error(&tokens[index + 1..]))
            }
            FlatKind::Literal(literal) => {
                is_already_exists_code(literal) && compared(&tokens, index)
            }
            FlatKind::Punct(_) => false,
        };
        if is_check {
            checks.push(file.byte_span(token.span));
        }
    }
    checks
}

/// Whether the tokens before end in `ERROR::`.
fn follows_error_type(before: &[FlatToken]) -> bool {
    matches!(
        before,
        [.., FlatToken { kind: FlatKind::Ident(error), .. }, FlatToken { kind: FlatKind::Punct(path), .. }]
            if error == "ERROR" && path == "::"
    )
}

/// Whether the tokens after `GetLastError` refuse every error code, 183 among them:
/// `GetLastError().is_err()`, `GetLastError() != ERROR_SUCCESS`, `GetLastError() != 0`.
fn refuses_any_error(after: &[FlatToken]) -> bool {
    let mut words = after.iter().take(4).map(|token| match &token.kind {
        FlatKind::Ident(text) | FlatKind::Literal(text) | FlatKind::Punct(text) => text.as_str(),
    });
    matches!(
        (words.next(), words.next()),
        (Some("."), Some("is_err")) | (Some("!="), Some("ERROR_SUCCESS" | "NO_ERROR" | "0"))
    )
}

/// Whether an integer literal (any base, separators or suffix) is 183, `ERROR_ALREADY_EXISTS`.
fn is_already_exists_code(literal: &str) -> bool {
    syn::parse_str::<syn::LitInt>(literal)
        .and_then(|int| int.base10_parse::<u64>())
        .is_ok_and(|value| value == 183)
}

/// Whether a literal stands in a comparison: a `==`, `!=`, `=>` or `|` among the three tokens on
/// either side, or anywhere in the arguments of a comparing macro (`matches!`, `assert_eq!`, …).
fn compared(tokens: &[FlatToken], index: usize) -> bool {
    if tokens[index].in_comparing_macro {
        return true;
    }
    let window = tokens[index.saturating_sub(3)..tokens.len().min(index + 4)].iter();
    window.into_iter().any(|token| {
        matches!(&token.kind, FlatKind::Punct(op) if matches!(op.as_str(), "==" | "!=" | "=>" | "|"))
    })
}

/// Macros whose arguments are compared with each other.
const COMPARING_MACROS: &[&str] = &[
    "matches",
    "assert_eq",
    "assert_ne",
    "debug_assert_eq",
    "debug_assert_ne",
    "assert_matches",
];

pub(super) struct FlatToken {
    pub(super) kind: FlatKind,
    pub(super) span: proc_macro2::Span,
    in_comparing_macro: bool,
}

pub(super) enum FlatKind {
    Ident(String),
    Literal(String),
    Punct(String),
}

/// The tokens of a stream in order with groups opened, joint punctuation glued (`==`).
pub(super) fn flatten(stream: TokenStream, out: &mut Vec<FlatToken>) {
    flatten_into(stream, false, out);
}

fn flatten_into(stream: TokenStream, in_comparing_macro: bool, out: &mut Vec<FlatToken>) {
    let mut pending_punct: Option<(String, proc_macro2::Span)> = None;
    for tree in stream {
        if let TokenTree::Punct(punct) = &tree {
            let (mut text, span) = pending_punct
                .take()
                .unwrap_or((String::new(), punct.span()));
            text.push(punct.as_char());
            if punct.spacing() == proc_macro2::Spacing::Joint {
                pending_punct = Some((text, span));
            } else {
                out.push(FlatToken {
                    kind: FlatKind::Punct(text),
                    span,
                    in_comparing_macro,
                });
            }
            continue;
        }
        if let Some((text, span)) = pending_punct.take() {
            out.push(FlatToken {
                kind: FlatKind::Punct(text),
                span,
                in_comparing_macro,
            });
        }
        match tree {
            TokenTree::Group(group) => {
                // `matches!(…)`: the tokens before the group are the macro's name and `!`.
                let macro_call = matches!(
                    &out[out.len().saturating_sub(2)..],
                    [FlatToken { kind: FlatKind::Ident(name), .. }, FlatToken { kind: FlatKind::Punct(bang), .. }]
                        if bang == "!" && COMPARING_MACROS.contains(&name.as_str())
                );
                flatten_into(group.stream(), in_comparing_macro || macro_call, out);
            }
            TokenTree::Ident(ident) => out.push(FlatToken {
                kind: FlatKind::Ident(ident.to_string()),
                span: ident.span(),
                in_comparing_macro,
            }),
            TokenTree::Literal(literal) => out.push(FlatToken {
                kind: FlatKind::Literal(literal.to_string()),
                span: literal.span(),
                in_comparing_macro,
            }),
            TokenTree::Punct(_) => unreachable!("handled above"),
        }
    }
    if let Some((text, span)) = pending_punct {
        out.push(FlatToken {
            kind: FlatKind::Punct(text),
            span,
            in_comparing_macro,
        });
    }
}
