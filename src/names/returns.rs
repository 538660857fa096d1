//! What a function body can return: its tail and its `return`s, each with the `let`s in scope
//! there, from which the function's value is lowered.

use syn::visit::{self, Visit};
use syn::Expr;

use crate::names::forms::tail;
use crate::names::scope::{cfg_of, parameter_names, pattern_identifiers, LetBinding};

/// What a function body can return, with the `let`s in scope at each value: the place a
/// function's value is lowered from.
#[derive(Debug)]
pub struct ReturnedValues {
    pub function: String,
    /// The parameter names (receiver excluded), in order.
    pub params: Vec<String>,
    /// Each `return`ed value and the tail, in order.
    pub values: Vec<(Vec<LetBinding>, Expr)>,
}

impl ReturnedValues {
    /// `None` when the body can return without a value, or ends in none (a `loop`, a panic).
    pub fn of(sig: &syn::Signature, block: &syn::Block) -> Option<Self> {
        let mut finder = ReturnFinder {
            scopes: vec![Vec::new()],
            values: Vec::new(),
            bare_return: false,
        };
        for stmt in &block.stmts {
            finder.visit_stmt(stmt);
        }
        if let Some(tail) = tail(block) {
            let lets = finder.scopes.concat();
            finder.values.push((lets, tail.clone()));
        }
        if finder.bare_return || finder.values.is_empty() {
            return None;
        }
        let params = parameter_names(sig);
        Some(Self {
            function: sig.ident.to_string(),
            params,
            values: finder.values,
        })
    }
}

/// Collects a body's `return`s with the `let`s visible at each. A `let mut` may change before
/// the return, and a binding made by a pattern is not followed: both hold no known value.
struct ReturnFinder {
    scopes: Vec<Vec<LetBinding>>,
    values: Vec<(Vec<LetBinding>, Expr)>,
    bare_return: bool,
}

impl<'ast> Visit<'ast> for ReturnFinder {
    fn visit_block(&mut self, node: &'ast syn::Block) {
        self.scopes.push(Vec::new());
        visit::visit_block(self, node);
        self.scopes.pop();
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        visit::visit_local(self, node);
        let simple = match &node.pat {
            syn::Pat::Ident(ident) => ident.mutability.is_none() && ident.by_ref.is_none(),
            syn::Pat::Type(typed) => matches!(&*typed.pat, syn::Pat::Ident(ident)
                if ident.mutability.is_none() && ident.by_ref.is_none()),
            _ => false,
        };
        let init = node
            .init
            .as_ref()
            .filter(|init| simple && init.diverge.is_none())
            .map(|init| (*init.expr).clone());
        let mut names = Vec::new();
        pattern_identifiers(&node.pat, &mut names);
        let scope = self.scopes.last_mut().expect("a scope is open");
        for name in names {
            scope.push(LetBinding {
                name,
                init: init.clone(),
                local_key: false,
                cfg: cfg_of(&node.attrs),
                // Only bindings without `mut` keep their value: none is changed later.
                at: 0,
                loop_depth: 0,
                mutations: Vec::new(),
            });
        }
    }

    fn visit_expr_return(&mut self, node: &'ast syn::ExprReturn) {
        match &node.expr {
            Some(value) => {
                self.values.push((self.scopes.concat(), (**value).clone()));
                self.visit_expr(value);
            }
            None => self.bare_return = true,
        }
    }

    // A closure's, an async block's or a nested item's `return`s are their own.
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}
