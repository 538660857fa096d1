//! Where the result of a creation (or of an `Open…` call) goes inside one function body: the
//! code that runs only on its failure (`Err` arms, `if let Err`, `.map_err(|e| …)`,
//! `.or_else`), whether it leaves the function with `?`, and whether a creation is the
//! fallback of an open whose handle the code then uses.
//!
//! The check search ([`crate::creations`]) asks this for two reasons. With the `windows` crate
//! (and the wrappers that report success the same way), opening an existing object is `Ok`:
//! a comparison with `ERROR_ALREADY_EXISTS` that only the `Err` reaches can never be true
//! (windows-rs issue 2710). And code that opens the object first and creates it only when the
//! open fails, then uses whichever handle it got, uses an existing object knowingly.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat};

mod dropped;
mod patterns;
pub mod views;

use self::patterns::{
    assigns_to, block_returns, catches_every_success, collect_idents, is_failure_pattern,
    plain_binding, success_binding, yields, Success,
};
use super::already_exists::already_exists_checks;
use super::creation::FnSignature;
use crate::scan::source::{ByteSpan, SourceFile};

/// A call the flow is followed for.
#[derive(Debug, Clone, Copy)]
pub struct TrackedCall {
    /// The whole call expression.
    pub call: ByteSpan,
    /// Whether it opens an existing object (`OpenMutexW`) rather than creating one.
    pub opens: bool,
}

/// What the body does with one tracked call's result.
#[derive(Debug, Default, Clone)]
pub struct CallFlow {
    /// Places of code that runs only when the call failed: `ERROR_ALREADY_EXISTS` checks found
    /// there test the failure, never an existing object.
    pub failure_code: Vec<ByteSpan>,
    /// The result leaves the function: `call?`, `return call`, or the body's value.
    pub propagated: bool,
    /// The call creates the object only when an open of it failed, and the code uses the
    /// opened handle when the open succeeded.
    pub open_fallback: bool,
    /// The code lets the call's value go at once: the statement at whose end nothing holds it
    /// (see [`dropped`]).
    pub dropped: Option<ByteSpan>,
}

/// `ERROR_ALREADY_EXISTS` checks in code that runs only when a call of a function not tracked
/// here failed: `match helper() { Err(e) if … }`. A creation whose result `helper` passes on
/// with `?` is judged by them (see `analysis::judge_by_callers`).
#[derive(Debug, Clone)]
pub struct CallerFailure {
    /// The called function's name (the last segment of its path, or the method).
    pub callee: String,
    /// Whether it is called as a method.
    pub method: bool,
    /// The type it is called through (`Mapping::create`, `Self::create`).
    pub through: Option<String>,
    pub failure_code: Vec<ByteSpan>,
}

impl CallerFailure {
    /// Whether the failing call may be a call of the function `signature`: the same name, the
    /// same syntax (method or path), and no other type in its path (`File::create` is not the
    /// crate's free `create`).
    pub fn calls(&self, signature: &FnSignature) -> bool {
        self.callee == signature.name
            && self.method == signature.has_receiver
            && match &self.through {
                None => true,
                Some(through) if through == "Self" => signature.self_type.is_some(),
                Some(through) => signature.self_type.as_ref() == Some(through),
            }
    }
}

/// The flow of every tracked call's result in `body`, in the order of `calls`, and the failure
/// code of calls to other functions.
pub fn follow(
    file: &SourceFile,
    body: FrameBody<'_>,
    calls: &[TrackedCall],
) -> (Vec<CallFlow>, Vec<CallerFailure>) {
    let mut flow = Flow {
        file,
        calls,
        bound: Vec::new(),
        statements: Vec::new(),
        flows: vec![CallFlow::default(); calls.len()],
        callers: Vec::new(),
    };
    match body {
        FrameBody::Block(block) => {
            if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
                flow.propagate(tail);
            }
            flow.visit_block(block);
        }
        FrameBody::Expr(expr) => flow.visit_expr(expr),
        FrameBody::None => {}
    }
    (flow.flows, flow.callers)
}

/// The body of a function or initialiser.
#[derive(Clone, Copy)]
pub enum FrameBody<'a> {
    Block(&'a syn::Block),
    Expr(&'a Expr),
    None,
}

impl FrameBody<'_> {
    pub fn tokens(self) -> TokenStream {
        match self {
            FrameBody::Block(block) => block.to_token_stream(),
            FrameBody::Expr(expr) => expr.to_token_stream(),
            FrameBody::None => TokenStream::new(),
        }
    }
}

/// Methods of `Result` (and `Option`, after `.ok()`) that keep the failure of the value they are
/// called on: `call.map(…)` fails when `call` does. The ones that take the value out
/// (`unwrap_or_default`) keep the handle an open gave, invalid when it failed.
const KEEPS_FAILURE: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_default",
    "as_ref",
    "as_mut",
    "map",
    "map_err",
    "inspect",
    "inspect_err",
    "context",
    "with_context",
    "wrap_err",
    "wrap_err_with",
    "ok",
];

/// Methods whose closure argument runs only on failure: its index among the arguments.
fn failure_closure(method: &str) -> Option<usize> {
    match method {
        "map_err" | "or_else" | "unwrap_or_else" | "inspect_err" | "is_err_and" | "map_or_else" => {
            Some(0)
        }
        _ => None,
    }
}

/// Where a value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    /// A tracked call, by its index.
    Tracked(usize),
    /// A call of some other function: its name, whether it is called as a method, and the
    /// type it is called through (`Mapping::create`).
    Other(String, bool, Option<String>),
}

struct Flow<'a> {
    file: &'a SourceFile,
    calls: &'a [TrackedCall],
    /// `let` bindings in scope that hold a tracked call's result, innermost last; `None`
    /// shadows an outer one.
    bound: Vec<(String, Option<Source>)>,
    /// The statements around the code being visited, innermost last.
    statements: Vec<ByteSpan>,
    flows: Vec<CallFlow>,
    callers: Vec<CallerFailure>,
}

impl Flow<'_> {
    /// The tracked call whose result `expr` is (through blocks, references, `unsafe` and the
    /// methods that keep a failure), or the untracked function called.
    fn origin(&self, expr: &Expr) -> Option<Source> {
        match expr {
            Expr::Paren(inner) => self.origin(&inner.expr),
            Expr::Reference(inner) => self.origin(&inner.expr),
            Expr::Group(inner) => self.origin(&inner.expr),
            Expr::Unsafe(syn::ExprUnsafe { block, .. })
            | Expr::Block(syn::ExprBlock { block, .. }) => match block.stmts.as_slice() {
                [syn::Stmt::Expr(tail, None)] => self.origin(tail),
                _ => None,
            },
            Expr::Path(path) => {
                let ident = path.path.get_ident()?.to_string();
                let (_, source) = self.bound.iter().rev().find(|(name, _)| *name == ident)?;
                source.clone()
            }
            Expr::Call(_) | Expr::MethodCall(_) => {
                if let Some(index) = self.tracked(expr) {
                    return Some(Source::Tracked(index));
                }
                if let Expr::MethodCall(call) = expr {
                    let method = call.method.to_string();
                    if KEEPS_FAILURE.contains(&method.as_str()) {
                        return self.origin(&call.receiver);
                    }
                    return Some(Source::Other(method, true, None));
                }
                let Expr::Call(call) = expr else { return None };
                let Expr::Path(function) = &*call.func else {
                    return None;
                };
                let segments = &function.path.segments;
                let name = segments.last()?.ident.to_string();
                let through = segments
                    .len()
                    .checked_sub(2)
                    .map(|index| segments[index].ident.to_string())
                    .filter(|segment| segment.starts_with(|c: char| c.is_ascii_uppercase()));
                // `Ok(…)`, `Some(…)`, `Box::new(…)` wrap a value; a Win32 function is tracked
                // or is not a creation.
                if name.starts_with(|c: char| c.is_ascii_uppercase()) || name == "new" {
                    return None;
                }
                Some(Source::Other(name, false, through))
            }
            _ => None,
        }
    }

    fn tracked(&self, expr: &Expr) -> Option<usize> {
        let span = self.file.byte_span(expr.span());
        self.calls.iter().position(|call| call.call == span)
    }

    /// Records code that runs only when the value from `origin` failed.
    fn failure_code(&mut self, origin: &Source, code: TokenStream) {
        let checks = already_exists_checks(self.file, code);
        if checks.is_empty() {
            return;
        }
        match origin {
            Source::Tracked(index) => self.flows[*index].failure_code.extend(checks),
            Source::Other(callee, method, through) => self.callers.push(CallerFailure {
                callee: callee.clone(),
                method: *method,
                through: through.clone(),
                failure_code: checks,
            }),
        }
    }

    /// Marks the tracked call `expr` comes from as leaving the function.
    fn propagate(&mut self, expr: &Expr) {
        if let Some(Source::Tracked(index)) = self.origin(expr) {
            self.flows[index].propagated = true;
        }
    }

    /// Marks every tracked creation inside `span` as the fallback of an open.
    fn fallback_within(&mut self, span: ByteSpan) {
        for (call, flow) in self.calls.iter().zip(&mut self.flows) {
            if !call.opens && span.start <= call.call.start && call.call.end <= span.end {
                flow.open_fallback = true;
            }
        }
    }

    fn is_opener(&self, origin: &Source) -> bool {
        matches!(origin, Source::Tracked(index) if self.calls[*index].opens)
    }
}

impl<'ast> Visit<'ast> for Flow<'_> {
    fn visit_block(&mut self, node: &'ast syn::Block) {
        let depth = self.bound.len();
        for (index, stmt) in node.stmts.iter().enumerate() {
            self.visit_stmt(stmt);
            // `if let Ok(h) = open() { return Ok(h); }`: what follows runs only when the
            // open failed, and the opened handle is the function's value.
            if let (syn::Stmt::Expr(expr, _), Some(last)) = (stmt, node.stmts.last()) {
                if index + 1 < node.stmts.len() && self.returns_opened(expr) {
                    let start = self.file.byte_span(node.stmts[index + 1].span()).start;
                    let end = self.file.byte_span(last.span()).end;
                    self.fallback_within(ByteSpan { start, end });
                }
            }
        }
        self.bound.truncate(depth);
    }

    fn visit_stmt(&mut self, node: &'ast syn::Stmt) {
        self.enter_statement(node);
        self.dropped_by_statement(node);
        visit::visit_stmt(self, node);
        self.statements.pop();
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        visit::visit_local(self, node);
        let Some(init) = &node.init else { return };
        let origin = self.origin(&init.expr);
        if let Some((_, otherwise)) = &init.diverge {
            // `let Ok(h) = call else { … }`: the `else` runs on failure.
            if let Some(origin) = &origin {
                if success_binding(&node.pat).is_some() {
                    self.failure_code(origin, otherwise.to_token_stream());
                }
            }
        }
        if let Some(name) = plain_binding(&node.pat) {
            self.bound.push((name, origin));
        }
    }

    fn visit_expr_match(&mut self, node: &'ast syn::ExprMatch) {
        self.dropped_by_patterns(&node.expr, node.arms.iter().map(|arm| &arm.pat));
        if let Some(origin) = self.origin(&node.expr) {
            let mut success_seen = false;
            let mut uses_opened = false;
            for arm in &node.arms {
                if let Some(bound) = success_binding(&arm.pat) {
                    // `_` after `Ok(h) if cond` also takes the `Ok`s the guard refuses.
                    success_seen |= arm.guard.is_none() && catches_every_success(&arm.pat);
                    uses_opened |=
                        matches!(bound, Success::Binding(name) if yields(&arm.body, &name));
                    continue;
                }
                let on_failure = is_failure_pattern(&arm.pat)
                    || (success_seen && matches!(arm.pat, Pat::Wild(_) | Pat::Ident(_)));
                if !on_failure {
                    continue;
                }
                // `Err(co::ERROR::ALREADY_EXISTS) =>` compares in the pattern.
                let mut code = arm.pat.to_token_stream();
                if let Some((_, guard)) = &arm.guard {
                    guard.to_tokens(&mut code);
                }
                arm.body.to_tokens(&mut code);
                self.failure_code(&origin, code);
            }
            if uses_opened && self.is_opener(&origin) {
                for arm in &node.arms {
                    if success_binding(&arm.pat).is_none() {
                        let span = self.file.byte_span(arm.body.span());
                        self.fallback_within(span);
                    }
                }
            }
        }
        visit::visit_expr_match(self, node);
    }

    fn visit_expr_if(&mut self, node: &'ast syn::ExprIf) {
        let otherwise = node.else_branch.as_ref().map(|(_, expr)| &**expr);
        if let Expr::Let(condition) = &*node.cond {
            self.dropped_by_patterns(&condition.expr, std::iter::once(&*condition.pat));
            if let Some(origin) = self.origin(&condition.expr) {
                let opener = self.is_opener(&origin);
                if is_failure_pattern(&condition.pat) {
                    let mut code = condition.pat.to_token_stream();
                    node.then_branch.to_tokens(&mut code);
                    self.failure_code(&origin, code);
                } else if let Some(bound) = success_binding(&condition.pat) {
                    if let Some(otherwise) = otherwise {
                        self.failure_code(&origin, otherwise.to_token_stream());
                        let then_value = Expr::Block(syn::ExprBlock {
                            attrs: Vec::new(),
                            label: None,
                            block: node.then_branch.clone(),
                        });
                        if opener
                            && matches!(bound, Success::Binding(name) if yields(&then_value, &name))
                        {
                            let span = self.file.byte_span(otherwise.span());
                            self.fallback_within(span);
                        }
                    }
                }
            }
        } else {
            self.failure_test(node, otherwise);
            self.handle_test(node, otherwise);
        }
        visit::visit_expr_if(self, node);
    }

    fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
        self.dropped_by_test(node);
        let method = node.method.to_string();
        if let Some(argument) = failure_closure(&method) {
            if let (Some(origin), Some(closure)) =
                (self.origin(&node.receiver), node.args.iter().nth(argument))
            {
                let opener = self.is_opener(&origin);
                self.failure_code(&origin, closure.to_token_stream());
                // `open().or_else(|_| create())`: the opened handle is the value on success.
                if opener && matches!(method.as_str(), "or_else" | "unwrap_or_else") {
                    let span = self.file.byte_span(closure.span());
                    self.fallback_within(span);
                }
            }
        }
        visit::visit_expr_method_call(self, node);
    }

    fn visit_expr_try(&mut self, node: &'ast syn::ExprTry) {
        self.propagate(&node.expr);
        visit::visit_expr_try(self, node);
    }

    fn visit_expr_return(&mut self, node: &'ast syn::ExprReturn) {
        if let Some(expr) = &node.expr {
            self.propagate(expr);
        }
        visit::visit_expr_return(self, node);
    }

    // A closure's `?` and `return` leave the closure, not the function.
    fn visit_expr_closure(&mut self, node: &'ast syn::ExprClosure) {
        let flows: Vec<bool> = self.flows.iter().map(|flow| flow.propagated).collect();
        visit::visit_expr_closure(self, node);
        for (flow, was) in self.flows.iter_mut().zip(flows) {
            flow.propagated = was;
        }
    }

    // Items inside a body are bodies of their own.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

impl Flow<'_> {
    /// Whether `expr` returns the handle an open gave when the open succeeded: `if let Ok(h) =
    /// open() { return Ok(h); }`, `if !h.is_invalid() { return h; }` for a handle `h` from an
    /// open, `match open() { Ok(h) => return Ok(h), Err(_) => {} }`.
    fn returns_opened(&self, expr: &Expr) -> bool {
        match expr {
            Expr::If(node) => {
                if let Expr::Let(condition) = &*node.cond {
                    let Some(origin) = self.origin(&condition.expr) else {
                        return false;
                    };
                    let Some(Success::Binding(name)) = success_binding(&condition.pat) else {
                        return false;
                    };
                    self.is_opener(&origin) && block_returns(&node.then_branch, &name)
                } else {
                    let mut idents = Vec::new();
                    collect_idents(node.cond.to_token_stream(), &mut idents);
                    idents.iter().any(|ident| {
                        self.opened_handle(ident) && block_returns(&node.then_branch, ident)
                    })
                }
            }
            Expr::Match(node) => {
                let Some(origin) = self.origin(&node.expr) else {
                    return false;
                };
                self.is_opener(&origin)
                    && node.arms.iter().any(|arm| {
                        let Some(Success::Binding(name)) = success_binding(&arm.pat) else {
                            return false;
                        };
                        match &*arm.body {
                            Expr::Block(block) => block_returns(&block.block, &name),
                            body @ Expr::Return(_) => yields(body, &name),
                            _ => false,
                        }
                    })
            }
            _ => false,
        }
    }

    /// Whether `ident` is a `let` binding in scope that holds an open's result.
    fn opened_handle(&self, ident: &str) -> bool {
        self.bound
            .iter()
            .rev()
            .find(|(name, _)| name == ident)
            .is_some_and(|(_, source)| source.as_ref().is_some_and(|source| self.is_opener(source)))
    }

    /// `if call.is_err() { … }` and `if call.is_ok() { … } else { … }`.
    fn failure_test(&mut self, node: &syn::ExprIf, otherwise: Option<&Expr>) {
        let (receiver, negated) = match &*node.cond {
            Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Not(_),
                expr,
                ..
            }) => (&**expr, true),
            other => (other, false),
        };
        let Expr::MethodCall(test) = receiver else {
            return;
        };
        let Some(origin) = self.origin(&test.receiver) else {
            return;
        };
        let fails = match test.method.to_string().as_str() {
            "is_err" | "is_none" => true,
            "is_ok" | "is_some" => false,
            _ => return,
        };
        if fails != negated {
            self.failure_code(&origin, node.then_branch.to_token_stream());
        } else if let Some(otherwise) = otherwise {
            self.failure_code(&origin, otherwise.to_token_stream());
        }
    }

    /// A raw handle from an open, tested and replaced by a creation when the open failed:
    /// `if h.is_invalid() { h = create() }`, `if h == 0 { create() } else { h }`. Which way the
    /// test goes is not read: what matters is that the creation's branch stores into the
    /// handle, or the other branch's value is the handle.
    fn handle_test(&mut self, node: &syn::ExprIf, otherwise: Option<&Expr>) {
        let mut handles = Vec::new();
        collect_idents(node.cond.to_token_stream(), &mut handles);
        let Some(handle) = handles.into_iter().find(|ident| self.opened_handle(ident)) else {
            return;
        };
        let then_value = Expr::Block(syn::ExprBlock {
            attrs: Vec::new(),
            label: None,
            block: node.then_branch.clone(),
        });
        let branches = [Some(&then_value), otherwise];
        for (index, branch) in branches.iter().enumerate() {
            let Some(branch) = branch else { continue };
            let other = branches[1 - index];
            if assigns_to(branch, &handle) || other.is_some_and(|other| yields(other, &handle)) {
                let span = self.file.byte_span(branch.span());
                self.fallback_within(span);
            }
        }
    }
}
