//! What a function does to a `let mut` binding after making it: `addr.push(name)`,
//! `name.push_str("-x")`, `name += …`, `name = …`, or anything objlint cannot follow.
//!
//! A name built in steps (`let mut addr = OsString::from(r"\\.\pipe\"); addr.push(name);`) is not
//! its initial literal: reading the `let` alone would report the bare prefix. The steps written
//! as statements of the binding's own block, in straight-line order, are kept to be applied by
//! lowering; any other change (in a branch, a loop, a closure, through `&mut`, `write!`, an
//! unknown method) makes the binding's value unknown from that point on. A block of such steps
//! under a `#[cfg]` makes two alternative programs, one with the steps and one without.

use std::collections::HashSet;

use syn::visit::Visit;
use syn::{Expr, Stmt};

use crate::names::cfg::cfg_of;
use crate::names::ir::Cfg;
use crate::scan::source::SourceFile;

/// One change to a binding, where it is written.
#[derive(Clone, Debug)]
pub struct Mutation {
    /// Byte offset of the statement (or expression) that makes the change.
    pub at: usize,
    pub kind: MutationKind,
}

#[derive(Clone, Debug)]
pub enum MutationKind {
    /// `name.push_str(x)`, `name += x`: `x` is appended.
    Append(Expr),
    /// `name.push(x)`: `x` is appended, after a separator when `name` is a `PathBuf`.
    Push(Expr),
    /// `name = x`.
    Assign(Expr),
    /// `x.hash(&mut name)`, `name.write(x)`, `name.update(x)`: `x` is fed to a hasher. Any
    /// other binding is unknown after it, as after [`MutationKind::Opaque`].
    Feed(Expr),
    /// A change objlint does not follow: the value is unknown after it.
    Opaque,
    /// `#[cfg(feature = "x")] { name.push_str(…); }`: these changes in the programs the `cfg`
    /// selects, none in the others: two alternative programs.
    Under(Cfg, Vec<Mutation>),
}

/// Methods of strings, paths and buffers that leave the receiver as it is. Any other method
/// called on a `let mut` binding may change it.
const READ_ONLY_METHODS: &[&str] = &[
    "as_bytes",
    "as_bytes_with_nul",
    "as_c_str",
    "as_os_str",
    "as_path",
    "as_pcstr",
    "as_pcwstr",
    "as_ptr",
    "as_ref",
    "as_slice",
    "as_str",
    "as_wide",
    "borrow",
    "bytes",
    "capacity",
    "chars",
    "clone",
    "contains",
    "display",
    "encode_utf16",
    "encode_wide",
    "ends_with",
    "eq",
    "find",
    // A hasher's result, which leaves the hasher as it is (or consumes it).
    "finalize",
    "finish",
    "first",
    "get",
    "is_empty",
    "iter",
    "last",
    "len",
    "split",
    "starts_with",
    "to_lowercase",
    "to_os_string",
    "to_owned",
    "to_str",
    "to_string",
    "to_string_lossy",
    "to_uppercase",
    "to_vec",
    "trim",
];

/// Methods that append their one argument to the receiver.
const APPENDING_METHODS: &[&str] = &["push", "push_str"];

/// The changes each statement of a block makes to the block's `let mut` bindings, found in one
/// pass over the block whatever the number of bindings.
pub struct BlockChanges {
    statements: Vec<StatementChanges>,
}

struct StatementChanges {
    at: usize,
    /// The bindings a `let` here makes anew: later changes are to the new one.
    shadows: Vec<String>,
    changes: Vec<(String, MutationKind)>,
}

impl BlockChanges {
    /// The changes `stmts` make to the bindings `names`.
    pub fn new(stmts: &[Stmt], names: &HashSet<String>, file: &SourceFile) -> Self {
        let statements = stmts
            .iter()
            .map(|stmt| statement_changes(stmt, names, file))
            .collect();
        Self { statements }
    }

    /// The changes to the binding `name` made after the statement at `index`, up to a `let` of
    /// the same name that shadows it.
    pub fn of(&self, name: &str, index: usize) -> Vec<Mutation> {
        self.after(name, index + 1)
    }

    /// The changes to the binding `name` from the statement at `start` on.
    fn after(&self, name: &str, start: usize) -> Vec<Mutation> {
        let mut mutations = Vec::new();
        for statement in self.statements.iter().skip(start) {
            mutations.extend(
                statement
                    .changes
                    .iter()
                    .filter(|(changed, _)| changed == name)
                    .map(|(_, kind)| Mutation {
                        at: statement.at,
                        kind: kind.clone(),
                    }),
            );
            if statement.shadows.iter().any(|shadowed| shadowed == name) {
                break;
            }
        }
        mutations
    }
}

/// The changes one statement makes to the bindings `names`.
fn statement_changes(stmt: &Stmt, names: &HashSet<String>, file: &SourceFile) -> StatementChanges {
    let at = file.byte_span(syn::spanned::Spanned::span(stmt)).start;
    let mut shadows = Vec::new();
    let mut changes = Vec::new();
    match stmt {
        // `let _ = write!(name, …);` writes as the statement would.
        Stmt::Local(local) if matches!(local.pat, syn::Pat::Wild(_)) && local.init.is_some() => {
            if let Some(init) = &local.init {
                straight_line_changes(names, &init.expr, &mut changes);
            }
        }
        Stmt::Local(local) => {
            // The initialiser still reads the old binding.
            if let Some(init) = &local.init {
                opaque_changes(names, &init.expr, &mut changes);
            }
            shadows.extend(names.iter().filter(|name| binds(&local.pat, name)).cloned());
        }
        Stmt::Expr(Expr::Block(block), _) if cfg_of(&block.attrs).is_some() => {
            let cfg = cfg_of(&block.attrs).unwrap_or_default();
            let inner = BlockChanges::new(&block.block.stmts, names, file);
            changes.extend(names.iter().filter_map(|name| {
                let under = inner.after(name, 0);
                (!under.is_empty()).then(|| (name.clone(), MutationKind::Under(cfg.clone(), under)))
            }));
        }
        Stmt::Expr(expr, _) => straight_line_changes(names, expr, &mut changes),
        Stmt::Item(_) => {}
        Stmt::Macro(mac) => {
            if let Some((name, text)) = written_into(&mac.mac, names) {
                opaque_changes(names, &text, &mut changes);
                if !changes.iter().any(|(changed, _)| *changed == name) {
                    changes.push((name, MutationKind::Append(text)));
                }
            } else {
                let mut finder = Finder::new(names);
                finder.visit_macro(&mac.mac);
                changes.extend(
                    finder
                        .found
                        .into_iter()
                        .map(|name| (name, MutationKind::Opaque)),
                );
            }
        }
    }
    StatementChanges {
        at,
        shadows,
        changes,
    }
}

/// The changes an expression statement makes: one lowering can follow, or opaque ones.
fn straight_line_changes(
    names: &HashSet<String>,
    expr: &Expr,
    changes: &mut Vec<(String, MutationKind)>,
) {
    let Some((name, kind)) = straight_line(names, expr) else {
        opaque_changes(names, expr, changes);
        return;
    };
    let before = changes.len();
    if let MutationKind::Append(rest)
    | MutationKind::Push(rest)
    | MutationKind::Assign(rest)
    | MutationKind::Feed(rest) = &kind
    {
        opaque_changes(names, rest, changes);
    }
    // What is appended or assigned may itself change the binding.
    if !changes[before..]
        .iter()
        .any(|(changed, _)| *changed == name)
    {
        changes.push((name, kind));
    }
}

fn opaque_changes(names: &HashSet<String>, expr: &Expr, changes: &mut Vec<(String, MutationKind)>) {
    let mut finder = Finder::new(names);
    finder.visit_expr(expr);
    changes.extend(
        finder
            .found
            .into_iter()
            .map(|name| (name, MutationKind::Opaque)),
    );
}

/// A statement that changes one of the bindings in a form lowering can follow: the binding
/// and the change.
fn straight_line(names: &HashSet<String>, expr: &Expr) -> Option<(String, MutationKind)> {
    match expr {
        Expr::MethodCall(call)
            if call.args.len() == 1
                && APPENDING_METHODS.contains(&call.method.to_string().as_str()) =>
        {
            let name = binding(&call.receiver, names)?;
            let appended = call.args[0].clone();
            let kind = if call.method == "push" {
                MutationKind::Push(appended)
            } else {
                MutationKind::Append(appended)
            };
            Some((name, kind))
        }
        Expr::Assign(assign) => {
            let name = binding(&assign.left, names)?;
            Some((name, MutationKind::Assign((*assign.right).clone())))
        }
        Expr::Binary(binary) if matches!(binary.op, syn::BinOp::AddAssign(_)) => {
            let name = binding(&binary.left, names)?;
            Some((name, MutationKind::Append((*binary.right).clone())))
        }
        // `write!(name, …)` fails only when a `Display` impl does, which leaves the text
        // written so far: `.unwrap()`, `.expect(…)`, `?` and `.ok()` on it change nothing.
        Expr::Macro(mac) => {
            let (name, text) = written_into(&mac.mac, names)?;
            Some((name, MutationKind::Append(text)))
        }
        Expr::Try(inner) => straight_line(names, &inner.expr).filter(|(_, kind)| is_write(kind)),
        Expr::MethodCall(call)
            if matches!(call.method.to_string().as_str(), "unwrap" | "expect" | "ok") =>
        {
            straight_line(names, &call.receiver).filter(|(_, kind)| is_write(kind))
        }
        _ => fed(names, expr),
    }
}

/// A statement that feeds a value to one of the bindings, a hasher: `x.hash(&mut name)`,
/// `Hash::hash(&x, &mut name)`, `name.write(x)`, `name.write_u32(x)`, `name.update(x)`.
fn fed(names: &HashSet<String>, expr: &Expr) -> Option<(String, MutationKind)> {
    let (name, value) = match expr {
        Expr::MethodCall(call) if call.args.len() == 1 && call.method == "hash" => {
            (binding_or_borrow(&call.args[0], names)?, &*call.receiver)
        }
        Expr::MethodCall(call) if call.args.len() == 1 && feeds(&call.method.to_string()) => {
            (binding_or_borrow(&call.receiver, names)?, &call.args[0])
        }
        Expr::Call(call) if call.args.len() == 2 => match &*call.func {
            Expr::Path(function)
                if function
                    .path
                    .segments
                    .last()
                    .is_some_and(|last| last.ident == "hash") =>
            {
                (binding_or_borrow(&call.args[1], names)?, &call.args[0])
            }
            _ => return None,
        },
        _ => return None,
    };
    Some((name, MutationKind::Feed(value.clone())))
}

/// Methods of `Hasher` and of the digest crates that feed their one argument to the hasher.
fn feeds(method: &str) -> bool {
    matches!(method, "write" | "update" | "input" | "consume") || method.starts_with("write_")
}

/// Whether a change is what `write!` makes (a `format!` appended).
fn is_write(kind: &MutationKind) -> bool {
    matches!(kind, MutationKind::Append(Expr::Macro(mac)) if mac.mac.path.is_ident("format"))
}

/// `write!(name, "…{}", x)` or `write!(&mut name, …)` on one of the bindings: the binding, and
/// the text appended as the `format!` of the same arguments. `writeln!` adds a line break no
/// object name holds: not followed.
fn written_into(mac: &syn::Macro, names: &HashSet<String>) -> Option<(String, Expr)> {
    use proc_macro2::TokenTree;
    let write = mac.path.segments.last()?;
    if write.ident != "write" {
        return None;
    }
    let tokens: Vec<TokenTree> = mac.tokens.clone().into_iter().collect();
    let comma = tokens
        .iter()
        .position(|token| matches!(token, TokenTree::Punct(punct) if punct.as_char() == ','))?;
    let target = match &tokens[..comma] {
        [TokenTree::Ident(ident)] => ident,
        [TokenTree::Punct(and), TokenTree::Ident(mutable), TokenTree::Ident(ident)]
            if and.as_char() == '&' && mutable == "mut" =>
        {
            ident
        }
        _ => return None,
    };
    let name = target.to_string();
    if !names.contains(&name) {
        return None;
    }
    let format = syn::Ident::new("format", write.ident.span());
    let text = syn::Macro {
        path: format.into(),
        bang_token: mac.bang_token,
        delimiter: mac.delimiter.clone(),
        tokens: tokens[comma + 1..].iter().cloned().collect(),
    };
    Some((
        name,
        Expr::Macro(syn::ExprMacro {
            attrs: Vec::new(),
            mac: text,
        }),
    ))
}

/// The binding among `names` that `expr` is, written as a path (`name`, `(name)`).
fn binding(expr: &Expr, names: &HashSet<String>) -> Option<String> {
    match expr {
        Expr::Path(path) if path.qself.is_none() => path
            .path
            .get_ident()
            .map(ToString::to_string)
            .filter(|ident| names.contains(ident)),
        Expr::Paren(inner) => binding(&inner.expr, names),
        _ => None,
    }
}

/// `(&mut name)`, `&mut name`, `name`, `name.field`: the binding a method call's receiver is
/// or is part of.
fn binding_or_borrow(expr: &Expr, names: &HashSet<String>) -> Option<String> {
    match expr {
        Expr::Reference(reference) => binding_or_borrow(&reference.expr, names),
        Expr::Paren(inner) => binding_or_borrow(&inner.expr, names),
        _ => binding_or_part(expr, names),
    }
}

/// The binding `expr` is or is a part of (`name`, `name.path`, `name.0`, `name[1]`): a change
/// to a part changes the binding.
fn binding_or_part(expr: &Expr, names: &HashSet<String>) -> Option<String> {
    match expr {
        Expr::Field(field) => binding_or_part(&field.base, names),
        Expr::Index(index) => binding_or_part(&index.expr, names),
        Expr::Paren(inner) => binding_or_part(&inner.expr, names),
        _ => binding(expr, names),
    }
}

fn binds(pattern: &syn::Pat, name: &str) -> bool {
    match pattern {
        syn::Pat::Ident(ident) => {
            ident.ident == name
                || ident
                    .subpat
                    .as_ref()
                    .is_some_and(|(_, inner)| binds(inner, name))
        }
        syn::Pat::Type(typed) => binds(&typed.pat, name),
        syn::Pat::Tuple(tuple) => tuple.elems.iter().any(|elem| binds(elem, name)),
        syn::Pat::TupleStruct(tuple) => tuple.elems.iter().any(|elem| binds(elem, name)),
        syn::Pat::Reference(reference) => binds(&reference.pat, name),
        syn::Pat::Slice(slice) => slice.elems.iter().any(|elem| binds(elem, name)),
        syn::Pat::Struct(strukt) => strukt.fields.iter().any(|field| binds(&field.pat, name)),
        _ => false,
    }
}

/// Finds any change to the bindings: a mutating method, `&mut`, an assignment, or a macro
/// that may write into one (`write!(name, …)`, `&mut name` among its tokens).
struct Finder<'n> {
    names: &'n HashSet<String>,
    found: Vec<String>,
}

impl<'n> Finder<'n> {
    fn new(names: &'n HashSet<String>) -> Self {
        Self {
            names,
            found: Vec::new(),
        }
    }

    fn found(&mut self, name: Option<String>) {
        if let Some(name) = name {
            if !self.found.contains(&name) {
                self.found.push(name);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if !READ_ONLY_METHODS.contains(&call.method.to_string().as_str()) {
            let name = binding_or_borrow(&call.receiver, self.names);
            self.found(name);
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_reference(&mut self, reference: &'ast syn::ExprReference) {
        if reference.mutability.is_some() {
            let name = binding_or_part(&reference.expr, self.names);
            self.found(name);
        }
        syn::visit::visit_expr_reference(self, reference);
    }

    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        let name = binding_or_part(&assign.left, self.names);
        self.found(name);
        syn::visit::visit_expr_assign(self, assign);
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        let assigns = matches!(
            binary.op,
            syn::BinOp::AddAssign(_)
                | syn::BinOp::SubAssign(_)
                | syn::BinOp::MulAssign(_)
                | syn::BinOp::DivAssign(_)
                | syn::BinOp::RemAssign(_)
                | syn::BinOp::BitXorAssign(_)
                | syn::BinOp::BitAndAssign(_)
                | syn::BinOp::BitOrAssign(_)
                | syn::BinOp::ShlAssign(_)
                | syn::BinOp::ShrAssign(_)
        );
        if assigns {
            let name = binding_or_part(&binary.left, self.names);
            self.found(name);
        }
        syn::visit::visit_expr_binary(self, binary);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let tokens: Vec<String> = mac
            .tokens
            .clone()
            .into_iter()
            .map(|tree| tree.to_string())
            .collect();
        let writes = mac
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "write" || segment.ident == "writeln");
        for name in self.names {
            // A macro's tokens are not parsed here: one that may write into the binding
            // (`write!(name, …)`, `&mut name` at any depth) counts as a change.
            let written = writes && tokens.iter().take(3).any(|token| token == name);
            if written || group_borrows_mut(mac.tokens.clone(), name) {
                self.found(Some(name.clone()));
            }
        }
    }
}

fn group_borrows_mut(stream: proc_macro2::TokenStream, name: &str) -> bool {
    let trees: Vec<proc_macro2::TokenTree> = stream.into_iter().collect();
    let words: Vec<String> = trees.iter().map(ToString::to_string).collect();
    words
        .windows(3)
        .any(|window| window[0] == "&" && window[1] == "mut" && window[2] == name)
        || trees.into_iter().any(|tree| match tree {
            proc_macro2::TokenTree::Group(group) => group_borrows_mut(group.stream(), name),
            _ => false,
        })
}
