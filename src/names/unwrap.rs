//! The forms that take a name out of the `Result` or `Option` a function wrapped it in:
//! `match f() { Ok(path) => path, Err(e) => return … }`, `let Ok(path) = f() else { … }`,
//! `if let Some(path) = f() { … }`. The value bound inside is the name `f()` gives (`Ok(…)` and
//! `Some(…)` pass their name through, as `?`, `.unwrap()` and `.expect(…)` do, and the adapters
//! that change only the error side on the way: `.map_err(…)?`, `.context(…)?`, `.ok()?`).

use syn::{Expr, Pat, Stmt};

use crate::names::forms::tail;
use crate::names::scope::pattern_identifiers;

/// Methods of `Result` and `Option`, and of the error crates' extension traits (anyhow's and
/// eyre's `context`, eyre's `wrap_err`, snafu's `whatever_context`, error-stack's
/// `change_context`), that change only the error or the `None` side: the success value, which
/// `?` or `unwrap` takes out, is the receiver's. `CString::new(NAME).map_err(…)?` is `NAME`.
/// Methods that change the success value (`map`, `and_then`, `or_else`) or give the error
/// (`err`, `unwrap_err`, `expect_err`) are not among them.
pub const ERROR_SIDE_ADAPTERS: &[&str] = &[
    "map_err",
    "inspect_err",
    "inspect",
    "ok",
    "ok_or",
    "ok_or_else",
    "context",
    "with_context",
    "wrap_err",
    "wrap_err_with",
    "whatever_context",
    "with_whatever_context",
    "change_context",
    "attach_printable",
    "attach_printable_lazy",
    "err_into",
];

/// Whether a method call only changes the error side of its receiver (see
/// [`ERROR_SIDE_ADAPTERS`]).
pub fn keeps_success(method: &str) -> bool {
    ERROR_SIDE_ADAPTERS.contains(&method)
}

/// The identifier an `Ok(x)` or `Some(x)` pattern binds to the value inside. A `mut` binding
/// may be changed later, which is not followed.
pub fn unwrapped_binding(pattern: &Pat) -> Option<String> {
    let Pat::TupleStruct(wrapped) = pattern else {
        return None;
    };
    let last = wrapped.path.segments.last()?;
    if !(last.ident == "Ok" || last.ident == "Some") {
        return None;
    }
    match wrapped.elems.iter().collect::<Vec<_>>().as_slice() {
        [Pat::Ident(inner)] if inner.subpat.is_none() && inner.mutability.is_none() => {
            Some(inner.ident.to_string())
        }
        _ => None,
    }
}

/// `let (config, name) = init;`: each identifier the tuple pattern binds, with the element of
/// `init` it holds (`(init).1`). Elements after a `..`, and those bound by patterns of their
/// own or with `mut`, are left out.
pub fn tuple_elements(pattern: &Pat, init: &Expr) -> Vec<(String, Expr)> {
    let tuple = match pattern {
        Pat::Tuple(tuple) => tuple,
        Pat::Type(typed) => return tuple_elements(&typed.pat, init),
        _ => return Vec::new(),
    };
    let mut elements = Vec::new();
    for (index, element) in tuple.elems.iter().enumerate() {
        match element {
            Pat::Rest(_) => break,
            Pat::Ident(bound)
                if bound.subpat.is_none()
                    && bound.mutability.is_none()
                    && bound.by_ref.is_none() =>
            {
                let index = syn::Index::from(index);
                elements.push((bound.ident.to_string(), syn::parse_quote!((#init).#index)));
            }
            _ => {}
        }
    }
    elements
}

/// For `match value { Ok(x) => x, Err(e) => return … }`: `value`, whose success is the
/// match's value, when one arm gives back what its `Ok(x)` or `Some(x)` pattern binds (alone,
/// or as the tail of its block) and every other arm diverges.
pub fn unwrapped_by_match(matched: &syn::ExprMatch) -> Option<&Expr> {
    let mut value = None;
    for arm in &matched.arms {
        if diverges(&arm.body) {
            continue;
        }
        let name = unwrapped_binding(&arm.pat)?;
        if value.is_some() || arm.guard.is_some() || !gives_back(&arm.body, &name) {
            return None;
        }
        value = Some(&*matched.expr);
    }
    value
}

/// Whether an arm's body is the value its pattern bound to `name`.
fn gives_back(body: &Expr, name: &str) -> bool {
    match body {
        Expr::Path(path) => path.path.is_ident(name),
        Expr::Paren(inner) => gives_back(&inner.expr, name),
        Expr::Block(block) => {
            // A `let` of the same name in the block gives back another value.
            let rebinds = block.block.stmts.iter().any(|stmt| match stmt {
                Stmt::Local(local) => {
                    let mut bound = Vec::new();
                    pattern_identifiers(&local.pat, &mut bound);
                    bound.iter().any(|bound| bound == name)
                }
                _ => false,
            });
            !rebinds && tail(&block.block).is_some_and(|tail| gives_back(tail, name))
        }
        _ => false,
    }
}

/// Macros that never give a value: they panic, or return an error (`anyhow`'s and `eyre`'s
/// `bail!`).
const DIVERGING_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented", "bail"];

/// Whether evaluating `expr` never gives a value: it returns, breaks out, continues, panics or
/// ends the process, itself or in a statement of its block.
pub fn diverges(expr: &Expr) -> bool {
    match expr {
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => true,
        Expr::Macro(mac) => diverging_macro(&mac.mac),
        Expr::Call(call) => matches!(&*call.func, Expr::Path(function)
            if function.path.segments.last().is_some_and(|last| last.ident == "exit" || last.ident == "abort")
                && function.path.segments.len() >= 2),
        Expr::Paren(inner) => diverges(&inner.expr),
        Expr::Block(block) => block.block.stmts.iter().any(|stmt| match stmt {
            Stmt::Expr(expr, _) => diverges(expr),
            Stmt::Macro(mac) => diverging_macro(&mac.mac),
            _ => false,
        }),
        _ => false,
    }
}

fn diverging_macro(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|last| DIVERGING_MACROS.contains(&last.ident.to_string().as_str()))
}

#[cfg(test)]
mod tests {
    use super::unwrapped_by_match;

    fn unwraps(source: &str) -> bool {
        let matched: syn::ExprMatch = syn::parse_str(source).expect("a match");
        unwrapped_by_match(&matched).is_some()
    }

    #[test]
    fn a_match_unwraps_when_every_other_arm_diverges() {
        for source in [
            "match f() { Ok(path) => path, Err(e) => return Err(e) }",
            "match f() { Some(p) => { log(); p } None => { eprintln!(\"none\"); return; } }",
            "match f() { Ok(p) => p, Err(_) => std::process::exit(1) }",
            "match f() { Err(e) => panic!(\"{e}\"), Ok(p) => (p) }",
            "match f() { Ok(p) => p, Err(_) => continue }",
        ] {
            assert!(unwraps(source), "`{source}` gives the value inside");
        }
        for source in [
            "match f() { Ok(p) => p, Err(_) => default() }",
            "match f() { Ok(p) => p.len(), Err(_) => return }",
            "match f() { Ok(p) => { let p = other(); p } Err(_) => return }",
            "match f() { Ok(p) if p.ok() => p, _ => return }",
            "match f() { Ok(mut p) => p, Err(_) => return }",
            "match f() { Ok(p) => p, Err(_) => { if x { return; } q } }",
            "match f() { x => x }",
        ] {
            assert!(!unwraps(source), "`{source}` may give another value");
        }
    }
}
