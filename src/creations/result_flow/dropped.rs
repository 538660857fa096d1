//! Creations whose object the code lets go at once: a server bound to `_`, matched only as
//! `Ok(_)`, asked only `.is_ok()`, or made by a statement whose value nobody takes. Such a call
//! tests whether the object can be created (a probe of a pipe's name); it holds nothing after
//! the statement that made it.

use syn::spanned::Spanned;
use syn::{Expr, Pat};

use super::patterns::is_failure_pattern;
use super::Flow;

/// Methods that hand on the value they are called on (or its success), so the object still
/// goes where their result goes: `call?`, `call.unwrap()`, `call.map_err(…)?`.
const HANDS_ON: &[&str] = &[
    "unwrap",
    "expect",
    "map_err",
    "context",
    "with_context",
    "wrap_err",
    "wrap_err_with",
    "inspect_err",
    "ok",
];

/// Tests that read whether the value succeeded and let the value itself go.
const TESTS: &[&str] = &["is_ok", "is_err", "is_some", "is_none"];

impl Flow<'_> {
    /// The tracked call whose object `expr` is, with nothing on the way that could keep it (a
    /// `let` binding keeps it to the end of its block, so a bound value is never followed).
    fn created_by(&self, expr: &Expr) -> Option<usize> {
        match expr {
            Expr::Paren(inner) => self.created_by(&inner.expr),
            Expr::Group(inner) => self.created_by(&inner.expr),
            Expr::Try(inner) => self.created_by(&inner.expr),
            Expr::Await(inner) => self.created_by(&inner.base),
            Expr::MethodCall(call) if HANDS_ON.contains(&call.method.to_string().as_str()) => self
                .tracked(expr)
                .or_else(|| self.created_by(&call.receiver)),
            Expr::Call(_) | Expr::MethodCall(_) => self.tracked(expr),
            _ => None,
        }
    }

    /// Marks the tracked call `expr` makes as dropped at the end of the statement being visited.
    fn dropped(&mut self, expr: &Expr) {
        let (Some(index), Some(&statement)) = (self.created_by(expr), self.statements.last())
        else {
            return;
        };
        self.flows[index].dropped.get_or_insert(statement);
    }

    /// `call;` and `let _ = call;`: nothing takes the value.
    pub(super) fn dropped_by_statement(&mut self, stmt: &syn::Stmt) {
        match stmt {
            syn::Stmt::Expr(expr, Some(_)) => self.dropped(expr),
            syn::Stmt::Local(local) if local.init.is_some() && keeps_nothing(&local.pat) => {
                if let Some(init) = &local.init {
                    self.dropped(&init.expr);
                }
            }
            _ => {}
        }
    }

    /// `call.is_ok()`: only whether it succeeded is read.
    pub(super) fn dropped_by_test(&mut self, node: &syn::ExprMethodCall) {
        if TESTS.contains(&node.method.to_string().as_str()) {
            self.dropped(&node.receiver);
        }
    }

    /// `match call { Ok(_) => …, Err(_) => … }` and `if let Ok(_) = call`: no arm binds the
    /// object. It lives to the end of the `match`, inside the statement holding it.
    pub(super) fn dropped_by_patterns<'p>(
        &mut self,
        scrutinee: &Expr,
        mut patterns: impl Iterator<Item = &'p Pat>,
    ) {
        if patterns.all(keeps_nothing) {
            self.dropped(scrutinee);
        }
    }

    /// Pushes the statement `stmt` for the calls inside it.
    pub(super) fn enter_statement(&mut self, stmt: &syn::Stmt) {
        let span = self.file.byte_span(stmt.span());
        self.statements.push(span);
    }
}

/// Whether a pattern binds nothing of a success: `_`, `Ok(_)`, `Some(_)`, `Err(e)`, `None`.
fn keeps_nothing(pattern: &Pat) -> bool {
    match pattern {
        Pat::Wild(_) => true,
        Pat::Type(typed) => keeps_nothing(&typed.pat),
        Pat::Or(or) => or.cases.iter().all(keeps_nothing),
        Pat::TupleStruct(tuple) => {
            is_failure_pattern(pattern)
                || tuple.path.segments.last().is_some_and(|segment| {
                    (segment.ident == "Ok" || segment.ident == "Some")
                        && tuple.elems.iter().all(|elem| matches!(elem, Pat::Wild(_)))
                })
        }
        _ => is_failure_pattern(pattern),
    }
}

#[cfg(test)]
mod tests {
    use super::keeps_nothing;

    fn pattern(text: &str) -> syn::Pat {
        let arm: syn::Arm = syn::parse_str(&format!("{text} => ()")).expect("a pattern");
        arm.pat
    }

    #[test]
    fn patterns_that_keep_no_success() {
        for text in [
            "_",
            "Ok(_)",
            "Some(_)",
            "Err(_)",
            "Err(error)",
            "None",
            "Ok(_) | Err(_)",
        ] {
            assert!(keeps_nothing(&pattern(text)), "{text}");
        }
        for text in [
            "Ok(server)",
            "Ok(_server)",
            "result",
            "Some(x)",
            "Ok(_) | Ok(s)",
        ] {
            assert!(!keeps_nothing(&pattern(text)), "{text}");
        }
    }
}
