//! The views a program maps of a file mapping it created: whether each asks for an explicit
//! size and handles its failure. Then an existing, smaller mapping of the same name makes the
//! view fail instead of being used whole, and the size harm `unchecked_already_exists` names
//! cannot happen.
//!
//! MapViewOfFile's documentation, on `dwNumberOfBytesToMap`: "All bytes must be within the
//! maximum size specified by CreateFileMapping. If this parameter is 0 (zero), the mapping
//! extends from the specified offset to the end of the file mapping." A view of 1 MiB of
//! someone else's 4 KiB mapping fails; a view of size 0 maps the 4 KiB and the program
//! believes it has 1 MiB.
//!
//! The views of a created handle are looked for in the function that creates it (through the
//! `let`s that hold it, `?`, `unwrap` and the error-wrapping methods) and, when that function
//! stores the handle in a field of a struct (`Ok(Self { handle, size })`), in every method of
//! that type's `impl`s in the file, through `self.<field>`.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::Expr;

use super::patterns::{plain_binding, success_binding, yields, Success};
use super::FrameBody;
use crate::creations::already_exists::{flatten, FlatKind, FlatToken};
use crate::creations::items::type_name;
use crate::scan::source::{ByteSpan, SourceFile};

/// What the code does with one created handle's views.
#[derive(Debug, Default, Clone)]
pub struct Views {
    /// How many views of the handle the code maps.
    pub seen: usize,
    /// How many of them map the whole mapping (size 0) or use the view unchecked.
    pub unbounded: usize,
    /// The struct field the handle is stored in: the struct's type and the field's name.
    pub stored_in: Option<(String, String)>,
}

impl Views {
    /// Whether views are seen and each asks for an explicit size and handles its failure.
    pub fn all_bounded(&self) -> bool {
        self.seen > 0 && self.unbounded == 0
    }
}

/// The views of each created file mapping in `body`, in the order of `created` (the whole
/// creation calls). `self_type` is the type of the enclosing `impl`, which `Self { … }` builds.
pub fn follow(
    file: &SourceFile,
    body: FrameBody<'_>,
    created: &[ByteSpan],
    self_type: Option<&str>,
) -> Vec<Views> {
    let handles: Vec<Handle> = created.iter().copied().map(Handle::Created).collect();
    let mut finder = ViewFinder::new(file, &handles, self_type);
    finder.visit_body(body);
    let tokens = (!finder.bound_views.is_empty()).then(|| body.tokens());
    finder.finish(tokens)
}

/// The creations (indices into `tallies`' first elements) whose views are all bounded, once
/// the views through the struct fields they are stored in are counted: those in the methods
/// of every `impl` of the field's type in `syntax`.
pub fn bounded(file: &SourceFile, syntax: &syn::File, tallies: Vec<(usize, Views)>) -> Vec<usize> {
    let fields: Vec<(String, String)> = tallies
        .iter()
        .filter_map(|(_, views)| views.stored_in.clone())
        .collect();
    let through_fields = if fields.is_empty() {
        HashMap::new()
    } else {
        field_views(file, syntax, &fields)
    };
    tallies
        .into_iter()
        .filter_map(|(index, mut views)| {
            if let Some(field) = views.stored_in.as_ref().and_then(|f| through_fields.get(f)) {
                views.seen += field.seen;
                views.unbounded += field.unbounded;
            }
            views.all_bounded().then_some(index)
        })
        .collect()
}

/// The view functions and the index of their size argument (`dwNumberOfBytesToMap`,
/// `NumberOfBytesToMap` or `ViewSize`); the mapping's handle is the first argument of each.
const VIEW_FUNCTIONS: &[(&str, usize)] = &[
    ("MapViewOfFile", 4),
    ("MapViewOfFileEx", 4),
    ("MapViewOfFileExNuma", 4),
    ("MapViewOfFileFromApp", 3),
    ("MapViewOfFile2", 4),
    ("MapViewOfFileNuma2", 4),
    ("MapViewOfFile3", 4),
    ("MapViewOfFile3FromApp", 4),
];

/// Methods whose value is the handle their receiver holds (or the receiver's success): the
/// `Result` and `Option` unwrapping and error-wrapping methods, and `clone`.
const KEEPS_HANDLE: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_default",
    "into_diagnostic",
    "wrap_err",
    "wrap_err_with",
    "context",
    "with_context",
    "map_err",
    "ok",
    "ok_or",
    "ok_or_else",
    "clone",
];

/// Methods on a view's value that test its failure.
const TESTS_FAILURE: &[&str] = &["is_null", "is_err", "is_none", "unwrap", "expect"];

/// A handle whose views are followed.
enum Handle {
    /// The value of a creation: the whole call expression.
    Created(ByteSpan),
    /// `self.<field>` in a method of the type the field belongs to.
    Field(String),
}

/// One view of a followed handle.
struct View {
    handle: usize,
    call: ByteSpan,
    sized: bool,
}

struct ViewFinder<'a> {
    file: &'a SourceFile,
    handles: &'a [Handle],
    self_type: Option<&'a str>,
    /// `let` bindings in scope that hold a followed handle, innermost last; `None` shadows.
    bound: Vec<(String, Option<usize>)>,
    views: Vec<View>,
    /// View calls whose failure the code around them tests (`?`, `.is_null()`, `NonNull::new`).
    tested: Vec<ByteSpan>,
    /// View calls bound by a `let`, and the binding: tested when a later test names it.
    bound_views: Vec<(ByteSpan, String, usize)>,
    stored: Vec<Option<(String, String)>>,
}

impl<'a> ViewFinder<'a> {
    fn new(file: &'a SourceFile, handles: &'a [Handle], self_type: Option<&'a str>) -> Self {
        ViewFinder {
            file,
            handles,
            self_type,
            bound: Vec::new(),
            views: Vec::new(),
            tested: Vec::new(),
            bound_views: Vec::new(),
            stored: vec![None; handles.len()],
        }
    }

    fn visit_body(&mut self, body: FrameBody<'_>) {
        match body {
            FrameBody::Block(block) => self.visit_block(block),
            FrameBody::Expr(expr) => self.visit_expr(expr),
            FrameBody::None => {}
        }
    }

    /// Each handle's views: a view counts as bounded when it asks for an explicit size and its
    /// failure is tested where it is made or on the binding that holds it.
    fn finish(self, body: Option<TokenStream>) -> Vec<Views> {
        let named_tests = body.map_or_else(HashMap::new, |body| failure_tests(self.file, body));
        let mut tallies = vec![Views::default(); self.handles.len()];
        for view in &self.views {
            let tested = self.tested.contains(&view.call)
                || self.bound_views.iter().any(|(call, name, after)| {
                    *call == view.call && tested_after(&named_tests, name, *after)
                });
            let tally = &mut tallies[view.handle];
            tally.seen += 1;
            if !(view.sized && tested) {
                tally.unbounded += 1;
            }
        }
        for (tally, stored) in tallies.iter_mut().zip(self.stored) {
            tally.stored_in = stored;
        }
        tallies
    }

    /// The followed handle `expr`'s value is, through casts, references, blocks, `?`, the
    /// methods that keep a handle, a newtype (`HANDLE(h)`), its field `.0`, and a `match`
    /// whose success arm is the handle.
    fn handle_of(&self, expr: &Expr) -> Option<usize> {
        let span = self.file.byte_span(expr.span());
        if let Some(index) = self
            .handles
            .iter()
            .position(|handle| matches!(handle, Handle::Created(call) if *call == span))
        {
            return Some(index);
        }
        match expr {
            Expr::Paren(inner) => self.handle_of(&inner.expr),
            Expr::Group(inner) => self.handle_of(&inner.expr),
            Expr::Reference(inner) => self.handle_of(&inner.expr),
            Expr::Cast(inner) => self.handle_of(&inner.expr),
            Expr::Try(inner) => self.handle_of(&inner.expr),
            Expr::Unary(syn::ExprUnary {
                op: syn::UnOp::Deref(_),
                expr,
                ..
            }) => self.handle_of(expr),
            Expr::Unsafe(syn::ExprUnsafe { block, .. })
            | Expr::Block(syn::ExprBlock { block, .. }) => match block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => self.handle_of(tail),
                _ => None,
            },
            Expr::MethodCall(call) if KEEPS_HANDLE.contains(&call.method.to_string().as_str()) => {
                self.handle_of(&call.receiver)
            }
            Expr::Call(call) if call.args.len() == 1 && is_newtype(&call.func) => {
                self.handle_of(&call.args[0])
            }
            Expr::Field(field) => match &field.member {
                syn::Member::Unnamed(index) if index.index == 0 => self.handle_of(&field.base),
                syn::Member::Named(name) if is_self(&field.base) => self
                    .handles
                    .iter()
                    .position(|handle| matches!(handle, Handle::Field(field) if name == field)),
                _ => None,
            },
            Expr::Path(path) => {
                let ident = path.path.get_ident()?.to_string();
                let (_, handle) = self.bound.iter().rev().find(|(name, _)| *name == ident)?;
                *handle
            }
            Expr::Match(node) => {
                let handle = self.handle_of(&node.expr)?;
                node.arms
                    .iter()
                    .any(|arm| {
                        matches!(success_binding(&arm.pat),
                            Some(Success::Binding(name)) if yields(&arm.body, &name))
                    })
                    .then_some(handle)
            }
            _ => None,
        }
    }

    /// Records a `let` of a followed handle (`let h = create()?`, `let Ok(h) = create() else`),
    /// or a shadowing one.
    fn bind(&mut self, pattern: &syn::Pat, value: &Expr) {
        let handle = self.handle_of(value);
        let name = plain_binding(pattern).or_else(|| match success_binding(pattern) {
            Some(Success::Binding(name)) => Some(name),
            _ => None,
        });
        if let Some(name) = name {
            self.bound.push((name, handle));
        }
    }

    /// Records that the struct `path` built here stores a followed handle in a field.
    fn store(&mut self, type_path: &syn::Path, field: &syn::Member, value: &Expr) {
        let (Some(handle), syn::Member::Named(field)) = (self.handle_of(value), field) else {
            return;
        };
        let Some(last) = type_path.segments.last() else {
            return;
        };
        let type_name = if last.ident == "Self" {
            match self.self_type {
                Some(self_type) => self_type.to_owned(),
                None => return,
            }
        } else {
            last.ident.to_string()
        };
        if matches!(self.handles[handle], Handle::Created(_)) {
            self.stored[handle] = Some((type_name, field.to_string()));
        }
    }

    /// Marks the view call `expr` is (through the forms a view's value takes) as tested.
    fn tests(&mut self, expr: &Expr) {
        if let Some(call) = view_call(expr) {
            let span = self.file.byte_span(call.span());
            self.tested.push(span);
        }
    }
}

impl<'ast> Visit<'ast> for ViewFinder<'_> {
    fn visit_block(&mut self, node: &'ast syn::Block) {
        let depth = self.bound.len();
        visit::visit_block(self, node);
        self.bound.truncate(depth);
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        visit::visit_local(self, node);
        let Some(init) = &node.init else { return };
        if let (Some(call), Some(name)) = (view_call(&init.expr), plain_binding(&node.pat)) {
            let span = self.file.byte_span(call.span());
            let after = self.file.byte_span(node.span()).end;
            self.bound_views.push((span, name, after));
        }
        self.bind(&node.pat, &init.expr);
    }

    fn visit_expr_if(&mut self, node: &'ast syn::ExprIf) {
        let Expr::Let(condition) = &*node.cond else {
            visit::visit_expr_if(self, node);
            return;
        };
        // `if let Ok(h) = create() { … }`: `h` is the handle in the `then` branch only.
        self.visit_expr(&condition.expr);
        let depth = self.bound.len();
        self.bind(&condition.pat, &condition.expr);
        self.visit_block(&node.then_branch);
        self.bound.truncate(depth);
        if let Some((_, otherwise)) = &node.else_branch {
            self.visit_expr(otherwise);
        }
    }

    fn visit_expr_call(&mut self, node: &'ast syn::ExprCall) {
        if let Some(size_index) = view_function(&node.func) {
            let handle = node.args.first().and_then(|handle| self.handle_of(handle));
            if let (Some(handle), Some(size)) = (handle, node.args.iter().nth(size_index)) {
                self.views.push(View {
                    handle,
                    call: self.file.byte_span(node.span()),
                    sized: !is_zero(size),
                });
            }
        }
        // `NonNull::new(view)`: the `Option` must be unpacked before the view is used.
        if path_ends_with(&node.func, &["NonNull", "new"]) && node.args.len() == 1 {
            self.tests(&node.args[0]);
        }
        visit::visit_expr_call(self, node);
    }

    fn visit_expr_try(&mut self, node: &'ast syn::ExprTry) {
        self.tests(&node.expr);
        visit::visit_expr_try(self, node);
    }

    fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
        if TESTS_FAILURE.contains(&node.method.to_string().as_str()) {
            self.tests(&node.receiver);
        }
        visit::visit_expr_method_call(self, node);
    }

    fn visit_expr_binary(&mut self, node: &'ast syn::ExprBinary) {
        if matches!(node.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
            self.tests(&node.left);
            self.tests(&node.right);
        }
        visit::visit_expr_binary(self, node);
    }

    fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
        for field in &node.fields {
            self.store(&node.path, &field.member, &field.expr);
        }
        visit::visit_expr_struct(self, node);
    }

    fn visit_expr_assign(&mut self, node: &'ast syn::ExprAssign) {
        // `self.handle = create()`: stored in the field of the `impl`'s own type.
        if let Expr::Field(field) = &*node.left {
            if is_self(&field.base) {
                let this: syn::Path = syn::parse_quote!(Self);
                self.store(&this, &field.member, &node.right);
            }
        }
        visit::visit_expr_assign(self, node);
    }

    // Items inside a body are bodies of their own.
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The views through `self.<field>` in the methods of every `impl` of the field's type in
/// `syntax` (inside modules too), for each stored field.
fn field_views(
    file: &SourceFile,
    syntax: &syn::File,
    fields: &[(String, String)],
) -> HashMap<(String, String), Views> {
    let mut tallies = HashMap::new();
    let mut items: Vec<&syn::Item> = syntax.items.iter().collect();
    while let Some(item) = items.pop() {
        match item {
            syn::Item::Mod(module) => {
                items.extend(module.content.iter().flat_map(|(_, inner)| inner));
            }
            syn::Item::Impl(block) => {
                let self_type = type_name(&block.self_ty);
                let handles: Vec<Handle> = fields
                    .iter()
                    .filter(|(of, _)| *of == self_type)
                    .map(|(_, field)| Handle::Field(field.clone()))
                    .collect();
                if handles.is_empty() {
                    continue;
                }
                for method in &block.items {
                    let syn::ImplItem::Fn(method) = method else {
                        continue;
                    };
                    let mut finder = ViewFinder::new(file, &handles, Some(&self_type));
                    finder.visit_block(&method.block);
                    let tokens =
                        (!finder.bound_views.is_empty()).then(|| method.block.to_token_stream());
                    for (handle, views) in handles.iter().zip(finder.finish(tokens)) {
                        let Handle::Field(field) = handle else {
                            continue;
                        };
                        let tally: &mut Views = tallies
                            .entry((self_type.clone(), field.clone()))
                            .or_default();
                        tally.seen += views.seen;
                        tally.unbounded += views.unbounded;
                    }
                }
            }
            _ => {}
        }
    }
    tallies
}

/// Where the body tests a failure on a binding, by name: `v.is_null()`, `v.Value.is_null()`,
/// `v == ptr::null_mut()`, `NonNull::new(v)`, inside macros too (`ensure!(!v.is_null(), …)`).
fn failure_tests(file: &SourceFile, body: TokenStream) -> HashMap<String, Vec<usize>> {
    let mut tokens = Vec::new();
    flatten(body, &mut tokens);
    let mut tests: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, token) in tokens.iter().enumerate() {
        let FlatKind::Ident(name) = &token.kind else {
            continue;
        };
        let mut next = index + 1;
        // The windows crate's `MEMORY_MAPPED_VIEW_ADDRESS { Value }`, or a newtype's `.0`.
        if token_text(tokens.get(next)) == "."
            && matches!(token_text(tokens.get(next + 1)), "Value" | "0")
        {
            next += 2;
        }
        let tested_method = token_text(tokens.get(next)) == "."
            && TESTS_FAILURE.contains(&token_text(tokens.get(next + 1)));
        let compared = matches!(token_text(tokens.get(next)), "==" | "!=")
            || matches!(
                token_text(index.checked_sub(1).and_then(|at| tokens.get(at))),
                "==" | "!="
            );
        let non_null = index >= 3
            && token_text(tokens.get(index - 3)) == "NonNull"
            && token_text(tokens.get(index - 2)) == "::"
            && token_text(tokens.get(index - 1)) == "new";
        if tested_method || compared || non_null {
            let at = file.byte_span(token.span).start;
            tests.entry(name.clone()).or_default().push(at);
        }
    }
    tests
}

fn tested_after(tests: &HashMap<String, Vec<usize>>, name: &str, after: usize) -> bool {
    tests
        .get(name)
        .is_some_and(|places| places.iter().any(|&at| at >= after))
}

/// The view call `expr` is the value of: the call itself, or its address (`.Value`, `.0`),
/// cast, or in a block.
fn view_call(expr: &Expr) -> Option<&syn::ExprCall> {
    match expr {
        Expr::Call(call) => view_function(&call.func).map(|_| call),
        Expr::Paren(inner) => view_call(&inner.expr),
        Expr::Group(inner) => view_call(&inner.expr),
        Expr::Cast(inner) => view_call(&inner.expr),
        Expr::Field(field) => match &field.member {
            syn::Member::Named(name) if name == "Value" => view_call(&field.base),
            syn::Member::Unnamed(index) if index.index == 0 => view_call(&field.base),
            _ => None,
        },
        Expr::MethodCall(call)
            if matches!(call.method.to_string().as_str(), "cast" | "cast_mut") =>
        {
            view_call(&call.receiver)
        }
        Expr::Unsafe(syn::ExprUnsafe { block, .. }) | Expr::Block(syn::ExprBlock { block, .. }) => {
            match block.stmts.as_slice() {
                [syn::Stmt::Expr(tail, None)] => view_call(tail),
                _ => None,
            }
        }
        _ => None,
    }
}

/// For a call of a view function: the index of its size argument.
fn view_function(func: &Expr) -> Option<usize> {
    let Expr::Path(path) = func else { return None };
    let name = path.path.segments.last()?.ident.to_string();
    VIEW_FUNCTIONS
        .iter()
        .find(|(function, _)| *function == name)
        .map(|&(_, size)| size)
}

/// Whether a size argument is the literal 0 (in any base, with a suffix or a cast).
fn is_zero(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(inner) => is_zero(&inner.expr),
        Expr::Group(inner) => is_zero(&inner.expr),
        Expr::Cast(inner) => is_zero(&inner.expr),
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) => int.base10_parse::<u64>().is_ok_and(|value| value == 0),
        _ => false,
    }
}

/// `HANDLE(h)`, `Some(h)`: a tuple struct or variant wrapping the value.
fn is_newtype(func: &Expr) -> bool {
    matches!(func, Expr::Path(path) if path.path.segments.last().is_some_and(|segment| {
        segment.ident.to_string().starts_with(|c: char| c.is_ascii_uppercase())
    }))
}

fn is_self(expr: &Expr) -> bool {
    matches!(expr, Expr::Path(path) if path.path.is_ident("self"))
}

fn path_ends_with(func: &Expr, tail: &[&str]) -> bool {
    let Expr::Path(path) = func else { return false };
    let segments = &path.path.segments;
    segments.len() >= tail.len()
        && segments
            .iter()
            .skip(segments.len() - tail.len())
            .zip(tail)
            .all(|(segment, name)| segment.ident == name)
}

/// The text of a token, or nothing past the end.
fn token_text(token: Option<&FlatToken>) -> &str {
    match token.map(|token| &token.kind) {
        Some(FlatKind::Ident(text) | FlatKind::Literal(text) | FlatKind::Punct(text)) => {
            text.as_str()
        }
        None => "",
    }
}
