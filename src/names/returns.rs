//! What a function body can return: its tail and its `return`s, each with the `let`s in scope
//! there, from which the function's value is lowered.

use std::collections::HashSet;

use syn::visit::{self, Visit};
use syn::{Expr, Stmt};

use crate::names::forms::tail;
use crate::names::ir::{Cfg, NameIr};
use crate::names::mutations::BlockChanges;
use crate::names::scope::{cfg_of, parameter_names, pattern_identifiers, LetBinding};
use crate::names::sid::{sid_values, SID};
use crate::names::unwrap::{diverges, unwrapped_binding};
use crate::scan::source::SourceFile;

/// What a function body can return, with the `let`s in scope at each value: the place a
/// function's value is lowered from.
#[derive(Debug)]
pub struct ReturnedValues {
    pub function: String,
    /// The parameter names (receiver excluded), in order.
    pub params: Vec<String>,
    /// Each `return`ed value and the tail, in order.
    pub values: Vec<(Vec<LetBinding>, Expr)>,
    /// Where each value is written (a byte offset): the changes to a `let mut` before it
    /// apply to it.
    pub value_at: Vec<usize>,
    /// For each value: the `#[cfg]` of the body's statement it is in, and whether that
    /// statement is the `return` itself, which ends the body wherever its `cfg` holds.
    gates: Vec<Gate>,
    /// For each value: whether it is the text of a SID the body converts (see `names::sid`).
    sid: Vec<bool>,
}

#[derive(Debug, Clone, Default)]
struct Gate {
    cfg: Option<Cfg>,
    ends_body: bool,
}

impl ReturnedValues {
    /// `None` when the body can return without a value, or ends in none (a `loop`, a panic).
    pub fn of(sig: &syn::Signature, block: &syn::Block, file: &SourceFile) -> Option<Self> {
        let mut finder = ReturnFinder {
            scopes: vec![Vec::new()],
            values: Vec::new(),
            value_at: Vec::new(),
            bare_return: false,
            file,
        };
        let mut gates = Vec::new();
        let first_tail = first_tail(block);
        let changes = finder.changes(&block.stmts);
        for (index, stmt) in block.stmts.iter().enumerate() {
            finder.visit_stmt(stmt);
            finder.follow_changes(changes.as_ref(), index, stmt);
            let cfg = statement_cfg(stmt);
            let ends_body = matches!(stmt, syn::Stmt::Expr(Expr::Return(_), _));
            gates.resize(
                finder.values.len(),
                Gate {
                    cfg: cfg.clone(),
                    ends_body,
                },
            );
            // The body's tail, or one of the tails of the programs its `cfg`s select.
            let written = match stmt {
                syn::Stmt::Expr(written, None) if index >= first_tail => written,
                _ => continue,
            };
            // A block at the end with no value of its own (`{ return …; }`) gives none: it
            // returns.
            if let Expr::Block(inner) = written {
                if tail(&inner.block).is_none() {
                    continue;
                }
            }
            let values = finder.branch_values(finder.scopes.concat(), written);
            let count = values.len();
            // Each value inside the blocks, after their `let`s.
            for (_, value) in &values {
                finder
                    .value_at
                    .push(file.byte_span(syn::spanned::Spanned::span(value)).start);
            }
            finder.values.extend(values);
            for _ in 0..count {
                gates.push(Gate {
                    cfg: cfg.clone(),
                    ends_body: false,
                });
            }
            if let Some(last) = gates.last_mut() {
                last.ends_body = true;
            }
        }
        if finder.bare_return || finder.values.is_empty() {
            return None;
        }
        let params = parameter_names(sig);
        let sid = sid_values(block, &finder.values);
        Some(Self {
            function: sig.ident.to_string(),
            params,
            values: finder.values,
            value_at: finder.value_at,
            gates,
            sid,
        })
    }

    /// How many elements the tuples the body returns have (`Ok((config, name))`), if it
    /// returns one.
    pub fn tuple_arity(&self) -> Option<usize> {
        self.values
            .iter()
            .find_map(|(_, value)| tuple_of(value))
            .map(|tuple| tuple.elems.len())
    }

    /// The values of element `index` of the tuples the body returns: an `Err(…)` stays what it
    /// is, and any other value is one objlint does not read.
    pub fn element(&self, index: usize) -> Self {
        let values = self
            .values
            .iter()
            .map(|(lets, value)| {
                let element = match tuple_of(value) {
                    _ if is_error(value) => Some(value.clone()),
                    Some(tuple) => tuple.elems.iter().nth(index).cloned(),
                    None => None,
                };
                let unread = || Expr::Verbatim(proc_macro2::TokenStream::new());
                (lets.clone(), element.unwrap_or_else(unread))
            })
            .collect();
        Self {
            function: self.function.clone(),
            params: self.params.clone(),
            values,
            value_at: self.value_at.clone(),
            gates: self.gates.clone(),
            // An element is never the SID's text, which is no tuple.
            sid: vec![false; self.values.len()],
        }
    }

    /// The function's value from its values lowered in order: the one value, or all of them
    /// ([`NameIr::Returns`]); where statements of the body are under `#[cfg]`s, the values of
    /// each `cfg`'s program as [`NameIr::Alternatives`] (`#[cfg(unix)] return …;` then
    /// `#[cfg(windows)] return …;`), up to the first `return` statement that ends the body.
    pub fn value(&self, lowered: &[NameIr]) -> NameIr {
        let mut cfgs: Vec<&Cfg> = Vec::new();
        for cfg in self.gates.iter().filter_map(|gate| gate.cfg.as_ref()) {
            if !cfgs.contains(&cfg) {
                cfgs.push(cfg);
            }
        }
        // An `Err(…)` is no name: a caller takes the name out of the `Ok` (`?`, `unwrap`), and
        // the error never reaches a creation.
        let program = |cfg: Option<&Cfg>| {
            let mut values = Vec::new();
            let read = self.gates.iter().zip(lowered).zip(&self.values);
            for (((gate, value), (_, expr)), &sid) in read.zip(&self.sid) {
                if gate.cfg.is_none() || gate.cfg.as_ref() == cfg {
                    if !is_error(expr) {
                        // The conversion's output is the SID whatever lowering makes of the
                        // calls that carry it (`String::from_utf16_lossy(…)`).
                        values.push(if sid {
                            NameIr::Predictable(SID.to_owned())
                        } else {
                            value.clone()
                        });
                    }
                    if gate.ends_body {
                        break;
                    }
                }
            }
            values
        };
        if cfgs.is_empty() {
            return one_or_all(program(None));
        }
        let mut alternatives: Vec<(Cfg, NameIr)> = cfgs
            .iter()
            .map(|cfg| ((*cfg).clone(), one_or_all(program(Some(cfg)))))
            .collect();
        // Where none of the `cfg`s holds: the values under none, if the body has any.
        let otherwise = program(None);
        if !otherwise.is_empty() {
            let joined: Vec<&str> = cfgs.iter().map(|cfg| cfg.as_str()).collect();
            let cfg = match joined.as_slice() {
                [one] => format!("not({one})"),
                many => format!("not(any({}))", many.join(", ")),
            };
            alternatives.push((cfg, one_or_all(otherwise)));
        }
        if alternatives
            .iter()
            .all(|(_, value)| *value == NameIr::Unknown)
        {
            return NameIr::Unknown;
        }
        NameIr::Alternatives(alternatives)
    }
}

/// The one value, or all of them; unknown if any is, or if there is none.
fn one_or_all(values: Vec<NameIr>) -> NameIr {
    if values.is_empty() || values.contains(&NameIr::Unknown) {
        return NameIr::Unknown;
    }
    match <[NameIr; 1]>::try_from(values) {
        Ok([only]) => only,
        Err(values) => NameIr::Returns(values),
    }
}

/// The index of the body's first statement that can be its tail: the last statement, or
/// where the body ends in statements under `#[cfg]`s with no `;` (`#[cfg(unix)] { … }` then
/// `#[cfg(windows)] { … }`), the first of them: each is the tail of the programs its `cfg`
/// selects, once the others are left out.
fn first_tail(block: &syn::Block) -> usize {
    let gated_tails = block
        .stmts
        .iter()
        .rev()
        .take_while(|stmt| {
            matches!(stmt, syn::Stmt::Expr(_, None)) && statement_cfg(stmt).is_some()
        })
        .count();
    block.stmts.len() - gated_tails.max(1)
}

/// The tuple a returned value is, alone or in `Ok(…)` or `Some(…)`.
fn tuple_of(value: &Expr) -> Option<&syn::ExprTuple> {
    match value {
        Expr::Tuple(tuple) => Some(tuple),
        Expr::Paren(inner) => tuple_of(&inner.expr),
        Expr::Call(call) if call.args.len() == 1 => match &*call.func {
            Expr::Path(function)
                if function
                    .path
                    .segments
                    .last()
                    .is_some_and(|last| last.ident == "Ok" || last.ident == "Some") =>
            {
                tuple_of(&call.args[0])
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether a returned value is an error or nothing (`Err(…)`, `None`, alone or as its block's
/// tail).
fn is_error(expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => matches!(&*call.func, Expr::Path(function)
            if function.path.segments.last().is_some_and(|last| last.ident == "Err")),
        Expr::Path(path) => path.path.is_ident("None"),
        Expr::Block(inner) => tail(&inner.block).is_some_and(is_error),
        Expr::Paren(inner) => is_error(&inner.expr),
        _ => false,
    }
}

/// The `#[cfg]` written on a statement of the body (an expression statement's attributes are
/// its expression's).
fn statement_cfg(stmt: &syn::Stmt) -> Option<Cfg> {
    let attrs = match stmt {
        syn::Stmt::Local(local) => &local.attrs,
        syn::Stmt::Macro(mac) => &mac.attrs,
        syn::Stmt::Expr(expr, _) => match expr {
            Expr::Return(inner) => &inner.attrs,
            Expr::Block(inner) => &inner.attrs,
            Expr::If(inner) => &inner.attrs,
            Expr::Match(inner) => &inner.attrs,
            Expr::Unsafe(inner) => &inner.attrs,
            _ => return None,
        },
        syn::Stmt::Item(_) => return None,
    };
    cfg_of(attrs)
}

/// Collects a body's `return`s with the `let`s visible at each. A `let mut` holds its value
/// with the changes straight-line statements of its block make (`buffer.push(0)`), as at a
/// creation; a binding made by a pattern is not followed: it holds no known value.
struct ReturnFinder<'f> {
    scopes: Vec<Vec<LetBinding>>,
    values: Vec<(Vec<LetBinding>, Expr)>,
    value_at: Vec<usize>,
    bare_return: bool,
    file: &'f SourceFile,
}

impl ReturnFinder<'_> {
    /// The changes `stmts` make to their block's `let mut` bindings, if it has any.
    fn changes(&self, stmts: &[Stmt]) -> Option<BlockChanges> {
        let mutable: HashSet<String> = stmts
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Local(local) => mutable_identifier(&local.pat),
                _ => None,
            })
            .collect();
        (!mutable.is_empty()).then(|| BlockChanges::new(stmts, &mutable, self.file))
    }

    /// After the statement at `index` of a block: a `let mut` it makes holds its initialiser
    /// and the changes the block's later statements make to it.
    fn follow_changes(&mut self, changes: Option<&BlockChanges>, index: usize, stmt: &Stmt) {
        let (Some(changes), Stmt::Local(local)) = (changes, stmt) else {
            return;
        };
        let Some(name) = mutable_identifier(&local.pat) else {
            return;
        };
        let Some(init) = local.init.as_ref().filter(|init| init.diverge.is_none()) else {
            return;
        };
        if let Some(binding) = self
            .scopes
            .last_mut()
            .and_then(|scope| scope.last_mut())
            .filter(|binding| binding.name == name)
        {
            binding.init = Some((*init.expr).clone());
            binding.mutations = changes.of(&name, index);
        }
    }

    /// A tail value with the `let`s in scope where its value is written: a block's tail sees
    /// the block's own `let`s (`{ let name = …; Ok(name) }`), as an `unsafe` block's does.
    fn tail_value(
        &mut self,
        mut lets: Vec<LetBinding>,
        mut tail: &Expr,
    ) -> (Vec<LetBinding>, Expr) {
        // An `unsafe` block is a block (`unsafe { let result = f(token); result }`).
        while let Expr::Block(syn::ExprBlock { block, .. })
        | Expr::Unsafe(syn::ExprUnsafe { block, .. }) = tail
        {
            let Some((value, stmts)) = block.stmts.split_last() else {
                break;
            };
            let syn::Stmt::Expr(value, None) = value else {
                break;
            };
            // Only the block's `let`s are wanted here: its `return`s were found already.
            let mut inside = ReturnFinder {
                scopes: vec![lets],
                values: Vec::new(),
                value_at: Vec::new(),
                bare_return: false,
                file: self.file,
            };
            let changes = inside.changes(&block.stmts);
            for (index, stmt) in stmts.iter().enumerate() {
                inside.visit_stmt(stmt);
                inside.follow_changes(changes.as_ref(), index, stmt);
            }
            lets = inside.scopes.concat();
            tail = value;
        }
        (lets, tail.clone())
    }
}

impl ReturnFinder<'_> {
    /// A tail's values: where it is a `match` on an `Option` or `Result`, or an `if … else`,
    /// the value of each branch that gives one (`match dirs() { Some(dirs) => Some(dirs.path()),
    /// None => None }`), each with the `let`s in scope in its branch. What a `Some(x)` or `Ok(x)`
    /// pattern binds is the value inside the one matched; any other binding of a pattern holds
    /// no known value.
    fn branch_values(
        &mut self,
        lets: Vec<LetBinding>,
        tail: &Expr,
    ) -> Vec<(Vec<LetBinding>, Expr)> {
        let (lets, tail) = self.tail_value(lets, tail);
        match &tail {
            Expr::Match(matched) if on_option_or_result(matched) => {
                let mut values = Vec::new();
                for arm in matched.arms.iter().filter(|arm| !diverges(&arm.body)) {
                    let mut inside = lets.clone();
                    self.bind(&mut inside, &arm.pat, &matched.expr);
                    values.extend(self.branch_values(inside, &arm.body));
                }
                values
            }
            Expr::If(branch) => {
                let Some((_, otherwise)) = &branch.else_branch else {
                    return vec![(lets, tail)];
                };
                let mut then_lets = lets.clone();
                if let Expr::Let(condition) = &*branch.cond {
                    self.bind(&mut then_lets, &condition.pat, &condition.expr);
                }
                let then = Expr::Block(syn::ExprBlock {
                    attrs: Vec::new(),
                    label: None,
                    block: branch.then_branch.clone(),
                });
                let mut values = Vec::new();
                for (branch_lets, value) in [(then_lets, &then), (lets, &**otherwise)] {
                    if !diverges(value) {
                        values.extend(self.branch_values(branch_lets, value));
                    }
                }
                values
            }
            _ => vec![(lets, tail)],
        }
    }

    /// The bindings a branch's pattern makes on `matched`, as `let`s.
    fn bind(&mut self, lets: &mut Vec<LetBinding>, pattern: &syn::Pat, matched: &Expr) {
        let unwrapped = unwrapped_binding(pattern);
        let mut names = Vec::new();
        pattern_identifiers(pattern, &mut names);
        let at = self
            .file
            .byte_span(syn::spanned::Spanned::span(pattern))
            .start;
        for name in names {
            let init = (unwrapped.as_ref() == Some(&name)).then(|| matched.clone());
            lets.push(LetBinding {
                name,
                init,
                local_key: false,
                cfg: None,
                at,
                loop_depth: 0,
                mutations: Vec::new(),
            });
        }
    }
}

/// Whether a `match` tells `Some` from `None` or `Ok` from `Err` (and the value it matches is
/// not fixed when the program is built, which lowering reads whole: `option_env!`).
fn on_option_or_result(matched: &syn::ExprMatch) -> bool {
    let variant = |pattern: &syn::Pat| {
        let path = match pattern {
            syn::Pat::TupleStruct(wrapped) => &wrapped.path,
            syn::Pat::Path(path) => &path.path,
            syn::Pat::Ident(ident) => return ident.ident == "None",
            syn::Pat::Wild(_) => return true,
            _ => return false,
        };
        path.segments.last().is_some_and(|last| {
            ["Some", "None", "Ok", "Err"]
                .iter()
                .any(|v| last.ident == v)
        })
    };
    !matches!(&*matched.expr, Expr::Macro(_)) && matched.arms.iter().all(|arm| variant(&arm.pat))
}

impl<'ast> Visit<'ast> for ReturnFinder<'_> {
    fn visit_block(&mut self, node: &'ast syn::Block) {
        self.scopes.push(Vec::new());
        let changes = self.changes(&node.stmts);
        for (index, stmt) in node.stmts.iter().enumerate() {
            self.visit_stmt(stmt);
            self.follow_changes(changes.as_ref(), index, stmt);
        }
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
        // `let Ok(name) = f() else { return … };`: the value inside, as `f()?` gives it.
        let unwrapped = unwrapped_binding(&node.pat);
        let init = node
            .init
            .as_ref()
            .filter(|init| {
                (simple && init.diverge.is_none())
                    || (unwrapped.is_some() && init.diverge.is_some())
            })
            .map(|init| (*init.expr).clone());
        let mut names = Vec::new();
        pattern_identifiers(&node.pat, &mut names);
        let at = self.file.byte_span(node.let_token.span).start;
        let scope = self.scopes.last_mut().expect("a scope is open");
        for name in names {
            scope.push(LetBinding {
                name,
                init: init.clone(),
                local_key: false,
                cfg: cfg_of(&node.attrs),
                // A `let mut` gets its value and changes once its statement is seen whole.
                at,
                loop_depth: 0,
                mutations: Vec::new(),
            });
        }
    }

    fn visit_expr_return(&mut self, node: &'ast syn::ExprReturn) {
        match &node.expr {
            Some(value) => {
                self.values.push((self.scopes.concat(), (**value).clone()));
                self.value_at
                    .push(self.file.byte_span(syn::spanned::Spanned::span(node)).start);
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

/// The identifier a `let mut name` pattern binds (`let mut name: String`).
fn mutable_identifier(pattern: &syn::Pat) -> Option<String> {
    match pattern {
        syn::Pat::Ident(ident)
            if ident.subpat.is_none() && ident.mutability.is_some() && ident.by_ref.is_none() =>
        {
            Some(ident.ident.to_string())
        }
        syn::Pat::Type(typed) => mutable_identifier(&typed.pat),
        _ => None,
    }
}
