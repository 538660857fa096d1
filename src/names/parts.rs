//! A composed name's parts (`format!` arguments, `+` operands, appended text): what lowering
//! cannot read of one is judged by the words of the run-time value it is.

use syn::Expr;

use crate::names::forms::{classify_runtime_value, TRANSPARENT_METHODS};
use crate::names::ir::{Binding, NameIr};
use crate::names::lower::{Site, MAX_DEPTH};
use crate::names::sid::SID;

impl Site<'_> {
    /// A part of a composed name: what lowering cannot read is classified by what it calls —
    /// random values are unique, process ids and user names are predictable (a hash is read
    /// by `names::hashes`, as its input is) — or stays unknown. A whole name is never classified so: a name that is only the user name
    /// may as well be a path the user chose.
    pub(crate) fn part(&self, expr: &Expr, depth: usize, binding: Option<&Binding>) -> NameIr {
        // A SID converted where the name is built (`{ ConvertSidToStringSidW(sid, &mut text);
        // text.to_string()? }`): lowering reads the out-pointer's null initialiser, not the text.
        if let NameIr::Predictable(what) = classify_runtime_value(expr) {
            if what == SID {
                return NameIr::Predictable(what);
            }
        }
        let lowered = match self.local_part(expr, depth) {
            Some(value) => value,
            None => self.lower_at(expr, depth, binding),
        };
        match lowered {
            NameIr::Unknown => match (classify_runtime_value(expr), rewritten(expr)) {
                (NameIr::Unknown, Some(receiver)) => {
                    NameIr::Rewritten(Box::new(self.part(receiver, depth + 1, binding)))
                }
                (classified, _) => classified,
            },
            // A function the crate does not define (or whose value is unknown) is judged by
            // its words, as any run-time value.
            NameIr::Call(mut call) if call.otherwise == NameIr::Unknown => {
                call.otherwise = classify_runtime_value(expr);
                NameIr::Call(call)
            }
            known => known,
        }
    }

    /// A part that is a `let` binding (`format!("app-{user}")`, `name.push_str(&user)`): its
    /// initialiser is a part too, classified the same way when lowering cannot read it, and
    /// the binding's later changes apply as usual. `None` for anything else, or a binding read
    /// some other way (under a `cfg`, a `thread_local!`'s `with`).
    fn local_part(&self, expr: &Expr, depth: usize) -> Option<NameIr> {
        if depth > MAX_DEPTH {
            return None;
        }
        let ident = binding_read(expr)?;
        let position = self
            .lets
            .iter()
            .rposition(|local| local.name == ident && local.at < self.at)?;
        let local = self.lets[position];
        if local.cfg.is_some() || local.local_key {
            return None;
        }
        let init = local.init.as_ref()?;
        Some(self.local_value(position, init, depth, Self::part))
    }
}

/// Methods that change a text's characters but not what it is: the result of one on a
/// predictable value is as predictable, and on a random one as unique.
const REWRITING_METHODS: &[&str] = &[
    "replace",
    "replacen",
    "to_lowercase",
    "to_uppercase",
    "to_ascii_lowercase",
    "to_ascii_uppercase",
    "trim",
    "trim_start",
    "trim_end",
];

/// The receiver of a rewriting method whose arguments are all written in place
/// (`sid.replace('-', "_")`).
fn rewritten(expr: &Expr) -> Option<&Expr> {
    let Expr::MethodCall(call) = expr else {
        return None;
    };
    let written = call.args.iter().all(|arg| matches!(arg, Expr::Lit(_)));
    (written && REWRITING_METHODS.contains(&call.method.to_string().as_str()))
        .then_some(&*call.receiver)
}

/// The binding an expression reads as it is (`user`, `&user`, `user.clone()`, `user.as_str()`).
fn binding_read(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
        Expr::Reference(inner) => binding_read(&inner.expr),
        Expr::Paren(inner) => binding_read(&inner.expr),
        Expr::Group(inner) => binding_read(&inner.expr),
        Expr::MethodCall(call)
            if call.args.is_empty()
                && TRANSPARENT_METHODS.contains(&call.method.to_string().as_str()) =>
        {
            binding_read(&call.receiver)
        }
        _ => None,
    }
}
