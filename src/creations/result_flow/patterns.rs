//! What a pattern or an expression says about a call's result: which patterns take its
//! success or its failure, which values hand its handle on, and where it is stored.

use proc_macro2::TokenStream;
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

/// Whether a block ends in `return` of the handle `name` (or of a value wrapping it).
pub fn block_returns(block: &syn::Block, name: &str) -> bool {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(last @ Expr::Return(_), _)) => yields(last, name),
        _ => false,
    }
}

/// Whether a success pattern takes every success: `Ok(h)`, `Ok(_)`, `Some(h)`.
pub fn catches_every_success(pattern: &Pat) -> bool {
    matches!(pattern, Pat::TupleStruct(tuple)
        if tuple.elems.len() == 1
            && matches!(&tuple.elems[0], Pat::Wild(_) | Pat::Ident(syn::PatIdent { subpat: None, .. })))
}

/// What a success pattern binds.
pub enum Success {
    /// `Ok(h)`, `Some(h)`: the handle.
    Binding(String),
    /// `Ok(_)`, `Ok(Foo { .. })`.
    Other,
}

/// For `Ok(p)` / `Some(p)`: what `p` binds.
pub fn success_binding(pattern: &Pat) -> Option<Success> {
    let Pat::TupleStruct(tuple) = pattern else {
        return None;
    };
    let name = tuple.path.segments.last()?.ident.to_string();
    if name != "Ok" && name != "Some" {
        return None;
    }
    Some(
        tuple
            .elems
            .first()
            .and_then(plain_binding)
            .map_or(Success::Other, Success::Binding),
    )
}

pub fn is_failure_pattern(pattern: &Pat) -> bool {
    match pattern {
        Pat::TupleStruct(tuple) => tuple
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "Err"),
        Pat::Path(path) => path.path.is_ident("None"),
        Pat::Ident(ident) => ident.ident == "None" && ident.subpat.is_none(),
        Pat::Or(or) => or.cases.iter().all(is_failure_pattern),
        Pat::Paren(inner) => is_failure_pattern(&inner.pat),
        _ => false,
    }
}

/// The identifier `x`, `mut x`, `x: T` or `ref x` binds.
pub fn plain_binding(pattern: &Pat) -> Option<String> {
    match pattern {
        Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.to_string()),
        Pat::Type(typed) => plain_binding(&typed.pat),
        _ => None,
    }
}

/// Whether the value of `expr` is (or wraps) the handle `name`, and `expr` does not leave:
/// `h`, `Ok(h)`, `{ log(); h }`, `Handle(h)`. A branch that returns, exits or panics uses
/// nothing.
pub fn yields(expr: &Expr, name: &str) -> bool {
    match expr {
        Expr::Block(block) => match block.block.stmts.last() {
            Some(syn::Stmt::Expr(tail, None)) => yields(tail, name),
            _ => false,
        },
        Expr::Unsafe(block) => match block.block.stmts.last() {
            Some(syn::Stmt::Expr(tail, None)) => yields(tail, name),
            _ => false,
        },
        // `return Ok(h)`: the opened handle is the function's value.
        Expr::Return(value) => value.expr.as_ref().is_some_and(|value| yields(value, name)),
        Expr::Call(call) => {
            let exits = matches!(&*call.func, Expr::Path(path)
                if path.path.segments.last().is_some_and(|segment| segment.ident == "exit"));
            !exits && call.args.iter().any(|arg| yields(arg, name))
        }
        Expr::Path(path) => path.path.is_ident(name),
        Expr::Paren(inner) => yields(&inner.expr, name),
        Expr::MethodCall(call) => yields(&call.receiver, name),
        Expr::Struct(value) => value.fields.iter().any(|field| yields(&field.expr, name)),
        Expr::Tuple(tuple) => tuple.elems.iter().any(|elem| yields(elem, name)),
        Expr::Field(field) => yields(&field.base, name),
        _ => false,
    }
}

/// Whether `expr` stores into `name`: `name = …` anywhere in it.
pub fn assigns_to(expr: &Expr, name: &str) -> bool {
    struct Finder<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_expr_assign(&mut self, node: &'ast syn::ExprAssign) {
            if matches!(&*node.left, Expr::Path(path) if path.path.is_ident(self.name)) {
                self.found = true;
            }
            visit::visit_expr_assign(self, node);
        }
    }
    let mut finder = Finder { name, found: false };
    finder.visit_expr(expr);
    finder.found
}

pub fn collect_idents(tokens: TokenStream, out: &mut Vec<String>) {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(ident) => out.push(ident.to_string()),
            proc_macro2::TokenTree::Group(group) => collect_idents(group.stream(), out),
            _ => {}
        }
    }
}
