//! Values fixed when the program is built: `option_env!`, and the `match` a `const` gives such
//! a value a default with. Each is a predictable part of a name: every copy of the program
//! holds the same value, and anyone can read it from the binary.

use syn::Expr;

use crate::names::ir::NameIr;

/// What a part fixed when the program is built is called after its variable's name.
pub const BUILD_TIME: &str = " at build time";

/// `VERSION at build time`: the value of an environment variable when the program is built,
/// which every copy of the program holds and anyone can read from its binary.
pub fn at_build_time(variable: &str) -> String {
    format!("{variable}{BUILD_TIME}")
}

/// `option_env!("VAR")`: the variable's value when the program is built.
pub(super) fn option_env(mac: &syn::Macro) -> NameIr {
    match mac.parse_body::<syn::LitStr>() {
        Ok(variable) => NameIr::Predictable(at_build_time(&variable.value())),
        Err(_) => NameIr::Unknown,
    }
}

/// `match option_env!("VERSION") { Some(version) => version, None => "0.0.0" }`, the form a
/// `const` takes a build-time value with a default in: the variable's value when the program
/// is built, whichever arm gives it, as long as the other arms are written text. `lower`
/// lowers an expression where the `match` is written.
pub fn build_time_match(matched: &syn::ExprMatch, lower: &dyn Fn(&Expr) -> NameIr) -> NameIr {
    let scrutinee = lower(&matched.expr);
    let NameIr::Predictable(what) = &scrutinee else {
        return NameIr::Unknown;
    };
    if !what.ends_with(BUILD_TIME) {
        return NameIr::Unknown;
    }
    let passes_value = |arm: &syn::Arm| match (&arm.pat, &*arm.body) {
        (syn::Pat::TupleStruct(some), Expr::Path(body)) => {
            some.path.is_ident("Some")
                && matches!(some.elems.first(), Some(syn::Pat::Ident(bound))
                    if some.elems.len() == 1 && body.path.is_ident(&bound.ident))
        }
        _ => false,
    };
    let written = |arm: &syn::Arm| matches!(lower(&arm.body), NameIr::Literal(_));
    let all_known = matched
        .arms
        .iter()
        .all(|arm| passes_value(arm) || written(arm));
    if all_known && matched.arms.iter().any(passes_value) {
        scrutinee
    } else {
        NameIr::Unknown
    }
}
