//! The syn nodes that can hold a call and carry attributes: the list the visitors that
//! mark code by its attributes (`#[cfg(test)]`, `#[cfg(unix)]`, any `#[cfg]`) each walk.

/// Hands `$apply!` one `visit_method(Node) => walk;` line for each node that can hold a call
/// and carries attributes, `if` expressions left out (each visitor reads their conditions in
/// its own way).
macro_rules! for_attributed_nodes {
    ($apply:ident) => {
        $apply! {
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
    };
}

pub(crate) use for_attributed_nodes;
