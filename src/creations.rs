//! Finds every call that creates a named kernel object, anywhere in a file, and records it as a
//! [`Creation`]: the facts the lints need, with the name already resolved.
//!
//! The visitor walks all code regardless of `cfg` (objlint must see Windows code on any host),
//! parses macro bodies whose tokens form expressions, statements or items, and keeps the
//! `let`s in scope and the enclosing function so that names and `ERROR_ALREADY_EXISTS` checks
//! can be resolved.

use std::collections::HashMap;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

use crate::apis::{self, Api, OwnershipArg};
use crate::names::{BindingKind, FileItems, LetBinding, ObjectName, Scope};
use crate::source::{ByteSpan, SourceFile};

/// One call that creates a (possibly) named kernel object.
#[derive(Debug)]
pub struct Creation {
    pub api: &'static Api,
    /// The called function's name, as written (an alias, or the last segment of a path).
    pub callee: ByteSpan,
    /// The whole call expression.
    pub call: ByteSpan,
    /// The name argument.
    pub name_arg: ByteSpan,
    pub name: ObjectName,
    /// For mutexes: `Some(true)` when the call provably asks for initial ownership.
    pub initially_owned: Option<bool>,
    /// Whether the enclosing function or closure mentions `ERROR_ALREADY_EXISTS` (or an
    /// equivalent) after the call.
    pub already_exists_checked: bool,
    /// The item the call is in, such as `fn main` or `impl Shared::fn open`.
    pub enclosing_item: String,
}

/// Every creation in a parsed file, in source order.
pub fn find(file: &SourceFile, syntax: &syn::File) -> Vec<Creation> {
    let mut collector = ItemCollector::default();
    collector.visit_file(syntax);
    let mut finder = CreationFinder {
        file,
        items: collector.items,
        aliases: collector.aliases,
        scopes: vec![Vec::new()],
        frames: Vec::new(),
        item_path: Vec::new(),
        creations: Vec::new(),
    };
    finder.visit_file(syntax);
    finder.creations.sort_by_key(|creation| creation.call.start);
    finder.creations
}

/// First pass: the file's `const`/`static` items and its `use … as alias` renames of APIs.
#[derive(Default)]
struct ItemCollector {
    items: FileItems,
    aliases: HashMap<String, &'static Api>,
    module_path: Vec<String>,
}

impl<'ast> Visit<'ast> for ItemCollector {
    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        self.module_path.push(node.ident.to_string());
        visit::visit_item_mod(self, node);
        self.module_path.pop();
    }

    fn visit_item_const(&mut self, node: &'ast syn::ItemConst) {
        let ident = node.ident.to_string();
        let value = (*node.expr).clone();
        self.items
            .insert(&self.module_path, ident, BindingKind::Const, value);
        visit::visit_item_const(self, node);
    }

    fn visit_item_static(&mut self, node: &'ast syn::ItemStatic) {
        let ident = node.ident.to_string();
        let value = (*node.expr).clone();
        self.items
            .insert(&self.module_path, ident, BindingKind::Static, value);
        visit::visit_item_static(self, node);
    }

    fn visit_impl_item_const(&mut self, node: &'ast syn::ImplItemConst) {
        let value = node.expr.clone();
        self.items.insert(
            &self.module_path,
            node.ident.to_string(),
            BindingKind::Const,
            value,
        );
        visit::visit_impl_item_const(self, node);
    }

    fn visit_use_rename(&mut self, node: &'ast syn::UseRename) {
        if let Some(api) = apis::lookup(&node.ident.to_string()) {
            self.aliases.insert(node.rename.to_string(), api);
        }
    }
}

/// The body of a function or initialiser: where a check of `ERROR_ALREADY_EXISTS` after a
/// creation is looked for. Closures are not frames of their own: a closure is often called at
/// once (`try_seh(|| CreateFileMappingA(…))?`) and its result checked by the code after it.
struct Frame {
    creations: Vec<usize>,
}

struct CreationFinder<'a> {
    file: &'a SourceFile,
    items: FileItems,
    aliases: HashMap<String, &'static Api>,
    /// `let` bindings by block, innermost last.
    scopes: Vec<Vec<LetBinding>>,
    frames: Vec<Frame>,
    /// Names of the enclosing items, outermost first.
    item_path: Vec<String>,
    creations: Vec<Creation>,
}

impl CreationFinder<'_> {
    /// Visits a function or initialiser; `body` gives its tokens, asked for only when
    /// a creation inside needs its `ERROR_ALREADY_EXISTS` check looked for.
    fn in_frame(
        &mut self,
        item: Option<&str>,
        body: impl FnOnce() -> TokenStream,
        visit: impl FnOnce(&mut Self),
    ) {
        if let Some(item) = item {
            self.item_path.push(item.to_owned());
        }
        self.frames.push(Frame {
            creations: Vec::new(),
        });
        self.scopes.push(Vec::new());
        visit(self);
        self.scopes.pop();
        let frame = self.frames.pop().expect("frames are balanced");
        if item.is_some() {
            self.item_path.pop();
        }
        if frame.creations.is_empty() {
            return;
        }
        let checks = already_exists_checks(self.file, body());
        for index in frame.creations {
            let creation = &mut self.creations[index];
            creation.already_exists_checked = checks.iter().any(|&at| at >= creation.call.end);
        }
    }

    /// The API a call's function path names, unless the call is inside a binding of it: a
    /// function named like the API, or like its family without the suffix (`CreateFileMapping`
    /// forwarding to `CreateFileMappingFromApp`), is how binding crates (`windows`, `winsafe`,
    /// `win-sys`) wrap the API, and its caller is the one that creates the object.
    fn called_api(&self, function: &syn::Path) -> Option<&'static Api> {
        let ident = function.segments.last()?.ident.to_string();
        let api = self
            .aliases
            .get(&ident)
            .copied()
            .or_else(|| apis::lookup(&ident))?;
        let inside_own_binding = self
            .item_path
            .iter()
            .filter_map(|item| item.strip_prefix("fn "))
            .any(|function| api.name.starts_with(function) && function.starts_with("Create"));
        (!inside_own_binding).then_some(api)
    }

    fn record(&mut self, api: &'static Api, call: &syn::ExprCall) {
        let Some(name_expr) = call.args.iter().nth(api.name_arg) else {
            // Fewer arguments than the Win32 signature: some other function of that name.
            return;
        };
        let lets: Vec<&LetBinding> = self.scopes.iter().flatten().collect();
        let scope = Scope {
            file: self.file,
            items: &self.items,
            lets: &lets,
        };
        let name = scope.resolve(name_expr);
        let initially_owned = match api.ownership {
            OwnershipArg::None => None,
            OwnershipArg::InitialOwner(index) => call.args.iter().nth(index).and_then(truth_value),
            OwnershipArg::Flags(index) => call.args.iter().nth(index).and_then(owner_flag),
        };
        let index = self.creations.len();
        self.creations.push(Creation {
            api,
            callee: self.file.byte_span(call.func.span()),
            call: self.file.byte_span(call.span()),
            name_arg: self.file.byte_span(name_expr.span()),
            name,
            initially_owned,
            already_exists_checked: false,
            enclosing_item: self.item_path.join("::"),
        });
        if let Some(frame) = self.frames.last_mut() {
            frame.creations.push(index);
        } else {
            // A creation outside any function (a macro at item level): its own tokens are all
            // that can follow it.
            let checks = already_exists_checks(self.file, call.to_token_stream());
            self.creations[index].already_exists_checked = !checks.is_empty();
        }
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

impl<'ast> Visit<'ast> for CreationFinder<'_> {
    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        let item = format!("fn {}", node.sig.ident);
        self.in_frame(
            Some(&item),
            || node.block.to_token_stream(),
            |this| {
                visit::visit_item_fn(this, node);
            },
        );
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        let item = format!("fn {}", node.sig.ident);
        self.in_frame(
            Some(&item),
            || node.block.to_token_stream(),
            |this| {
                visit::visit_impl_item_fn(this, node);
            },
        );
    }

    fn visit_trait_item_fn(&mut self, node: &'ast syn::TraitItemFn) {
        let item = format!("fn {}", node.sig.ident);
        self.in_frame(
            Some(&item),
            || node.default.to_token_stream(),
            |this| {
                visit::visit_trait_item_fn(this, node);
            },
        );
    }

    fn visit_item_impl(&mut self, node: &'ast syn::ItemImpl) {
        let self_ty = node.self_ty.to_token_stream().to_string().replace(' ', "");
        self.item_path.push(format!("impl {self_ty}"));
        visit::visit_item_impl(self, node);
        self.item_path.pop();
    }

    fn visit_item_trait(&mut self, node: &'ast syn::ItemTrait) {
        self.item_path.push(format!("trait {}", node.ident));
        visit::visit_item_trait(self, node);
        self.item_path.pop();
    }

    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        self.item_path.push(format!("mod {}", node.ident));
        visit::visit_item_mod(self, node);
        self.item_path.pop();
    }

    fn visit_item_const(&mut self, node: &'ast syn::ItemConst) {
        let item = format!("const {}", node.ident);
        self.in_frame(
            Some(&item),
            || node.expr.to_token_stream(),
            |this| {
                visit::visit_item_const(this, node);
            },
        );
    }

    fn visit_item_static(&mut self, node: &'ast syn::ItemStatic) {
        let item = format!("static {}", node.ident);
        self.in_frame(
            Some(&item),
            || node.expr.to_token_stream(),
            |this| {
                visit::visit_item_static(this, node);
            },
        );
    }

    fn visit_block(&mut self, node: &'ast syn::Block) {
        self.scopes.push(Vec::new());
        visit::visit_block(self, node);
        self.scopes.pop();
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        // The initialiser runs before the binding exists.
        visit::visit_local(self, node);
        let Some(init) = &node.init else { return };
        if let Some(name) = bound_identifier(&node.pat) {
            let binding = LetBinding {
                name,
                init: (*init.expr).clone(),
            };
            self.scopes
                .last_mut()
                .expect("a scope is open")
                .push(binding);
        }
    }

    fn visit_expr_call(&mut self, node: &'ast syn::ExprCall) {
        if let Expr::Path(function) = &*node.func {
            if let Some(api) = self.called_api(&function.path) {
                self.record(api, node);
            }
        }
        visit::visit_expr_call(self, node);
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
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
        self.visit_macro_tokens(node.tokens.clone());
    }
}

/// The identifier a `let` pattern binds, for `x`, `mut x` and `x: T`.
fn bound_identifier(pattern: &syn::Pat) -> Option<String> {
    match pattern {
        syn::Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.to_string()),
        syn::Pat::Type(typed) => bound_identifier(&typed.pat),
        _ => None,
    }
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

/// Whether a `BOOL`/`bool` argument is provably true (`Some(true)`) or false.
fn truth_value(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Bool(value) => Some(value.value),
            syn::Lit::Int(int) => int.base10_parse::<i64>().ok().map(|value| value != 0),
            _ => None,
        },
        Expr::Path(path) => match path.path.segments.last()?.ident.to_string().as_str() {
            "TRUE" => Some(true),
            "FALSE" => Some(false),
            _ => None,
        },
        Expr::Paren(inner) => truth_value(&inner.expr),
        Expr::Cast(cast) => truth_value(&cast.expr),
        // `BOOL(1)`, `BOOL::from(true)`, `true.into()`.
        Expr::Call(call) if call.args.len() == 1 => truth_value(&call.args[0]),
        Expr::MethodCall(call) if call.method == "into" => truth_value(&call.receiver),
        _ => None,
    }
}

/// Whether `CreateMutexEx`'s flags provably include `CREATE_MUTEX_INITIAL_OWNER` (1).
fn owner_flag(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Int(int) => int.base10_parse::<u64>().ok().map(|value| value & 1 == 1),
            _ => None,
        },
        Expr::Path(path) => {
            (path.path.segments.last()?.ident == "CREATE_MUTEX_INITIAL_OWNER").then_some(true)
        }
        Expr::Binary(binary) if matches!(binary.op, syn::BinOp::BitOr(_)) => {
            match (owner_flag(&binary.left), owner_flag(&binary.right)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            }
        }
        Expr::Paren(inner) => owner_flag(&inner.expr),
        Expr::Cast(cast) => owner_flag(&cast.expr),
        // `CREATE_MUTEX_FLAGS(1)`, `CREATE_MUTEX_INITIAL_OWNER.0`.
        Expr::Call(call) if call.args.len() == 1 => owner_flag(&call.args[0]),
        Expr::Field(field) => owner_flag(&field.base),
        _ => None,
    }
}

/// Byte offsets in a body where `ERROR_ALREADY_EXISTS` is checked: the constant named under any
/// path, `io::ErrorKind::AlreadyExists`, or the raw code 183 (`0xB7`) next to a comparison.
fn already_exists_checks(file: &SourceFile, body: TokenStream) -> Vec<usize> {
    let mut tokens = Vec::new();
    flatten(body, &mut tokens);
    let mut checks = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let is_check = match &token.kind {
            FlatKind::Ident(ident) => ident == "ERROR_ALREADY_EXISTS" || ident == "AlreadyExists",
            FlatKind::Literal(literal) => {
                is_already_exists_code(literal) && compared(&tokens, index)
            }
            FlatKind::Punct(_) => false,
        };
        if is_check {
            checks.push(file.byte_span(token.span).start);
        }
    }
    checks
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

struct FlatToken {
    kind: FlatKind,
    span: proc_macro2::Span,
    in_comparing_macro: bool,
}

enum FlatKind {
    Ident(String),
    Literal(String),
    Punct(String),
}

/// The tokens of a stream in order with groups opened, joint punctuation glued (`==`).
fn flatten(stream: TokenStream, out: &mut Vec<FlatToken>) {
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
