//! The code inside macro invocations: tried as expressions, statements and items, or piece
//! by piece, when the macro's tokens name a word a creation is found by.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Expr, Token};

use super::finder::CreationFinder;
use crate::scan::lexer::code_words;

impl CreationFinder<'_> {
    /// Visits the code a macro invocation holds, unless it names no word of a creation or
    /// asserts a failure.
    pub fn visit_macro_body(&mut self, node: &syn::Macro) {
        // Trying a macro's tokens as code means parsing them again, up to three ways; a macro
        // that names none of the words a creation is found by (the catalogue's, the builder
        // chains' methods, `Self`, and the file's renames) holds none.
        let body = self
            .file
            .slice(self.file.byte_span(node.delimiter.span().join()));
        if !code_words(body).any(|word| self.macro_words.contains(word)) {
            return;
        }
        if node.path.is_ident("macro_rules") {
            // A macro definition's body is patterns and templates with `$` fragments; its
            // templates are still tried piece by piece below, like any other tokens.
            for tree in node.tokens.clone() {
                if let TokenTree::Group(group) = tree {
                    self.visit_macro_tokens(group.stream());
                }
            }
            return;
        }
        if expects_failure(node) {
            return;
        }
        self.visit_macro_tokens(node.tokens.clone());
    }

    /// Visits the code inside a macro invocation, whatever the macro: its tokens are tried as
    /// comma-separated expressions (`vec!`, `assert!`, `println!`), then as statements and items
    /// (`thread_local!`), then piece by piece (`lazy_static!`'s `static ref X: T = expr;`).
    fn visit_macro_tokens(&mut self, tokens: TokenStream) {
        if let Ok(exprs) = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(tokens.clone()) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
            return;
        }
        if let Ok(stmts) = syn::Block::parse_within.parse2(tokens.clone()) {
            for stmt in &stmts {
                self.visit_stmt(stmt);
            }
            return;
        }
        for piece in split_top_level(tokens) {
            if let Ok(expr) = syn::parse2::<Expr>(piece.clone()) {
                self.visit_expr(&expr);
                continue;
            }
            for tree in piece {
                if let TokenTree::Group(group) = tree {
                    if group.delimiter() != Delimiter::None || !group.stream().is_empty() {
                        self.visit_macro_tokens(group.stream());
                    }
                }
            }
        }
    }
}

/// Macros that assert something about their arguments.
const ASSERTING_MACROS: &[&str] = &[
    "assert",
    "debug_assert",
    "assert_eq",
    "assert_ne",
    "assert_matches",
    "matches",
];

/// Whether a macro asserts that what it holds fails (`assert!(matches!(create(…), Err(_)))`,
/// `assert!(create(…).is_err())`): a test of the failure path creates nothing.
fn expects_failure(mac: &syn::Macro) -> bool {
    let Some(name) = mac.path.segments.last() else {
        return false;
    };
    ASSERTING_MACROS.contains(&name.ident.to_string().as_str())
        && mentions_failure(mac.tokens.clone())
}

fn mentions_failure(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == "Err" || ident == "is_err",
        TokenTree::Group(group) => mentions_failure(group.stream()),
        _ => false,
    })
}

/// Splits a token stream at its top-level `;` and `,`, and keeps what follows a top-level `=`
/// of each piece (the initialiser of `static ref X: T = expr`).
fn split_top_level(tokens: TokenStream) -> Vec<TokenStream> {
    let mut pieces = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    for tree in tokens {
        let after_joint = matches!(
            current.last(),
            Some(TokenTree::Punct(previous)) if previous.spacing() == proc_macro2::Spacing::Joint
        );
        match &tree {
            TokenTree::Punct(punct) if matches!(punct.as_char(), ';' | ',') => {
                pieces.push(std::mem::take(&mut current));
            }
            // A lone `=` (not the end of `==`, `<=`, `!=`) ends a declaration's left side.
            TokenTree::Punct(punct)
                if punct.as_char() == '='
                    && punct.spacing() == proc_macro2::Spacing::Alone
                    && !after_joint
                    && !current.is_empty() =>
            {
                pieces.push(std::mem::take(&mut current));
            }
            _ => current.push(tree),
        }
    }
    pieces.push(current);
    pieces
        .into_iter()
        .filter(|piece| !piece.is_empty())
        .map(|piece| piece.into_iter().collect())
        .collect()
}
