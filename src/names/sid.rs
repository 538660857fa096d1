//! The text of a SID (`ConvertSidToStringSidW`'s output) returned by a function of the crate: a
//! SID is per user but public — any user of the machine can look up another account's — so a
//! name built from it is as predictable as one built from the user name.
//!
//! Only a value that is the conversion's output is read so: the out-pointer the call writes, or a
//! `let` holding it, through conversions that keep the text (`String::from_utf16`,
//! `PWSTR::to_string`, `U16CStr::to_string_lossy`, `Ok`, `?`). A function that calls the
//! conversion and returns something else (a random value, the SID with another value) is not
//! the SID.

use proc_macro2::{TokenStream, TokenTree};
use syn::Expr;

use crate::names::scope::LetBinding;

/// How a SID reads in a name.
pub const SID: &str = "the user's SID";

/// The functions that write a SID's text to their last argument, an out-pointer.
const CONVERSIONS: &[&str] = &["ConvertSidToStringSidW", "ConvertSidToStringSidA"];

/// Methods that give their receiver's text in another form.
const KEEPING_METHODS: &[&str] = &[
    "to_string",
    "to_string_lossy",
    "into_string",
    "to_owned",
    "into_owned",
    "into",
    "clone",
    "to_str",
    "as_str",
    "to_os_string",
    "ok",
    "unwrap",
    "expect",
    "context",
    "with_context",
    "map_err",
];

/// How many `let`s a value is followed through to the out-pointer.
const MAX_LETS: usize = 8;

/// For each value of a body, whether it is the text a SID conversion in `body` wrote.
pub fn sid_values(body: &syn::Block, values: &[(Vec<LetBinding>, Expr)]) -> Vec<bool> {
    let mut written = Vec::new();
    out_pointers(quote::ToTokens::to_token_stream(body), &mut written);
    values
        .iter()
        .map(|(lets, value)| !written.is_empty() && is_sid_text(value, lets, &written, 0))
        .collect()
}

/// The bindings the SID conversions in `tokens` write (`&mut text` as their last argument),
/// read from the tokens, as the call is often inside a macro (`ensure!(…)`).
fn out_pointers(tokens: TokenStream, written: &mut Vec<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (at, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) if CONVERSIONS.iter().any(|name| ident == name) => {
                if let Some(TokenTree::Group(args)) = trees.get(at + 1) {
                    written.extend(out_pointer(args.stream()));
                }
            }
            TokenTree::Group(group) => out_pointers(group.stream(), written),
            _ => {}
        }
    }
}

/// The binding a call's last argument points to, when it is `&mut binding` (maybe cast).
fn out_pointer(args: TokenStream) -> Option<String> {
    let trees: Vec<TokenTree> = args.into_iter().collect();
    let last = trees
        .split(|tree| matches!(tree, TokenTree::Punct(punct) if punct.as_char() == ','))
        .rfind(|arg| !arg.is_empty())?;
    match last {
        [TokenTree::Punct(and), TokenTree::Ident(mutable), TokenTree::Ident(binding), ..]
            if and.as_char() == '&' && mutable == "mut" =>
        {
            Some(binding.to_string())
        }
        _ => None,
    }
}

/// A block's value (not `names::forms::tail`, which depends on this module for [`SID`]).
fn tail(block: &syn::Block) -> Option<&Expr> {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(tail, None)) => Some(tail),
        _ => None,
    }
}

/// Whether `expr` is the text of one of the `written` out-pointers, in a form that keeps it.
fn is_sid_text(expr: &Expr, lets: &[LetBinding], written: &[String], depth: usize) -> bool {
    let again = |inner: &Expr| is_sid_text(inner, lets, written, depth);
    match expr {
        Expr::Path(path) => {
            let Some(ident) = path.path.get_ident().map(ToString::to_string) else {
                return false;
            };
            if written.contains(&ident) {
                return true;
            }
            // The last `let` of the name in scope, unchanged since.
            let Some(binding) = lets.iter().rev().find(|binding| binding.name == ident) else {
                return false;
            };
            depth < MAX_LETS
                && binding.mutations.is_empty()
                && binding
                    .init
                    .as_ref()
                    .is_some_and(|init| is_sid_text(init, lets, written, depth + 1))
        }
        Expr::Paren(inner) => again(&inner.expr),
        Expr::Group(inner) => again(&inner.expr),
        Expr::Reference(inner) => again(&inner.expr),
        Expr::Try(inner) => again(&inner.expr),
        Expr::Cast(inner) => again(&inner.expr),
        // A `PWSTR`'s pointer (`text.0`).
        Expr::Field(inner) => again(&inner.base),
        Expr::Unsafe(inner) => tail(&inner.block).is_some_and(again),
        Expr::Block(inner) => tail(&inner.block).is_some_and(again),
        Expr::MethodCall(call) => {
            KEEPING_METHODS.contains(&call.method.to_string().as_str()) && again(&call.receiver)
        }
        // `Ok(text)`, `String::from_utf16(…)`, `U16CStr::from_ptr_str(…)`,
        // `slice::from_raw_parts(text, length)`: the text is the first argument.
        Expr::Call(call) => {
            let Expr::Path(function) = &*call.func else {
                return false;
            };
            let Some(last) = function.path.segments.last() else {
                return false;
            };
            let name = last.ident.to_string();
            let keeps =
                matches!(name.as_str(), "Ok" | "Some" | "from") || name.starts_with("from_");
            keeps && call.args.first().is_some_and(again)
        }
        _ => false,
    }
}
