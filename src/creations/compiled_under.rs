//! The `#[cfg]` a call is compiled under: the predicates of the items, statements and
//! expressions around it. Two calls that set one `OnceCell` static under `#[cfg(feature = "x")]`
//! and `#[cfg(not(feature = "x"))]` are alternative programs, as two `#[cfg]` consts are.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use crate::names::scope::cfg_of;
use crate::names::Cfg;
use crate::scan::source::{ByteSpan, SourceFile};

/// The nodes of `syntax` under a `#[cfg]`, each with its predicate, outer ones first.
pub struct CfgCode {
    spans: Vec<(ByteSpan, Cfg)>,
}

impl CfgCode {
    pub fn of(file: &SourceFile, syntax: &syn::File) -> Self {
        let mut finder = CfgFinder {
            file,
            spans: Vec::new(),
        };
        finder.visit_file(syntax);
        Self {
            spans: finder.spans,
        }
    }

    /// The `cfg` of the code `call` is in: `all(…)` of every predicate around it, outer first;
    /// `None` when none is.
    pub fn around(&self, call: ByteSpan) -> Option<Cfg> {
        let predicates: Vec<&str> = self
            .spans
            .iter()
            .filter(|(span, _)| span.contains(call))
            .map(|(_, cfg)| cfg.as_str())
            .collect();
        match predicates.as_slice() {
            [] => None,
            [one] => Some((*one).to_owned()),
            many => Some(format!("all({})", many.join(", "))),
        }
    }
}

struct CfgFinder<'a> {
    file: &'a SourceFile,
    spans: Vec<(ByteSpan, Cfg)>,
}

/// For each node that can hold a call and carries attributes: its span and predicate when it
/// has a `#[cfg]`, then the nodes inside it.
macro_rules! record_cfg {
    ($($method:ident($node:ty) => $walk:path;)*) => {
        $(
            fn $method(&mut self, node: &'ast $node) {
                if let Some(cfg) = cfg_of(&node.attrs) {
                    self.spans.push((self.file.byte_span(node.span()), cfg));
                }
                $walk(self, node);
            }
        )*
    };
}

impl<'ast> Visit<'ast> for CfgFinder<'_> {
    record_cfg! {
        visit_item_fn(syn::ItemFn) => visit::visit_item_fn;
        visit_item_mod(syn::ItemMod) => visit::visit_item_mod;
        visit_item_impl(syn::ItemImpl) => visit::visit_item_impl;
        visit_item_trait(syn::ItemTrait) => visit::visit_item_trait;
        visit_item_const(syn::ItemConst) => visit::visit_item_const;
        visit_item_static(syn::ItemStatic) => visit::visit_item_static;
        visit_item_macro(syn::ItemMacro) => visit::visit_item_macro;
        visit_impl_item_fn(syn::ImplItemFn) => visit::visit_impl_item_fn;
        visit_impl_item_const(syn::ImplItemConst) => visit::visit_impl_item_const;
        visit_impl_item_macro(syn::ImplItemMacro) => visit::visit_impl_item_macro;
        visit_trait_item_fn(syn::TraitItemFn) => visit::visit_trait_item_fn;
        visit_local(syn::Local) => visit::visit_local;
        visit_stmt_macro(syn::StmtMacro) => visit::visit_stmt_macro;
        visit_arm(syn::Arm) => visit::visit_arm;
        visit_expr_if(syn::ExprIf) => visit::visit_expr_if;
        visit_expr_block(syn::ExprBlock) => visit::visit_expr_block;
        visit_expr_unsafe(syn::ExprUnsafe) => visit::visit_expr_unsafe;
        visit_expr_async(syn::ExprAsync) => visit::visit_expr_async;
        visit_expr_closure(syn::ExprClosure) => visit::visit_expr_closure;
        visit_expr_call(syn::ExprCall) => visit::visit_expr_call;
        visit_expr_method_call(syn::ExprMethodCall) => visit::visit_expr_method_call;
        visit_expr_macro(syn::ExprMacro) => visit::visit_expr_macro;
        visit_expr_assign(syn::ExprAssign) => visit::visit_expr_assign;
        visit_expr_await(syn::ExprAwait) => visit::visit_expr_await;
        visit_expr_try(syn::ExprTry) => visit::visit_expr_try;
        visit_expr_match(syn::ExprMatch) => visit::visit_expr_match;
        visit_expr_for_loop(syn::ExprForLoop) => visit::visit_expr_for_loop;
        visit_expr_loop(syn::ExprLoop) => visit::visit_expr_loop;
        visit_expr_while(syn::ExprWhile) => visit::visit_expr_while;
        visit_expr_return(syn::ExprReturn) => visit::visit_expr_return;
        visit_field_value(syn::FieldValue) => visit::visit_field_value;
    }
}
