//! Argument readers: what a creating call's own arguments provably ask for (initial ownership
//! of a mutex, a pipe's first instance, a limit of one instance), read from literals and flag
//! constants; anything else is unknown (`None`).

use syn::Expr;

use crate::catalogue::apis::{Api, ObjectKind, OwnershipArg};

/// For a mutex: whether the call provably asks for initial ownership (`Some(true)`) or
/// provably does not.
pub fn initially_owned(ownership: OwnershipArg, args: &[&Expr]) -> Option<bool> {
    match ownership {
        OwnershipArg::None => None,
        OwnershipArg::Always => Some(true),
        OwnershipArg::InitialOwner(index) => args.get(index).and_then(|arg| truth_value(arg)),
        OwnershipArg::Flags(index) => args.get(index).and_then(|arg| owner_flag(arg)),
    }
}

/// For a pipe server: whether the call provably asks (or provably does not ask) to be the
/// pipe's first instance, and whether it asks for at most one instance. `from_chain` is what
/// a builder chain around the call asked for.
///
/// `nMaxInstances` (the argument after the pipe mode) is no claim: only the first creator's
/// limit counts, so a pipe created first with a larger one takes this call as one more
/// instance.
pub fn pipe_instances(
    api: &Api,
    args: &[&Expr],
    from_chain: (Option<bool>, bool),
) -> (Option<bool>, bool) {
    if api.kind != ObjectKind::NamedPipe {
        (None, false)
    } else if let Some(index) = api.open_mode_arg {
        let flag = args.get(index).and_then(|arg| first_instance_flag(arg));
        (flag, args.get(index + 2).is_some_and(|arg| is_one(arg)))
    } else if api.first_instance_method.is_some() {
        from_chain
    } else {
        (api.first_pipe_instance, false)
    }
}

pub fn is_one(expr: &Expr) -> bool {
    matches!(expr, Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(int), .. }) if int.base10_digits() == "1")
}

/// Whether `CreateNamedPipe`'s `dwOpenMode` provably includes `FILE_FLAG_FIRST_PIPE_INSTANCE`
/// (0x0008_0000): `Some(false)` when the flags are all known and it is not among them.
fn first_instance_flag(expr: &Expr) -> Option<bool> {
    const FIRST_PIPE_INSTANCE: u64 = 0x0008_0000;
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Int(int) => int
                .base10_parse::<u64>()
                .ok()
                .map(|value| value & FIRST_PIPE_INSTANCE != 0),
            _ => None,
        },
        Expr::Path(path) => {
            let ident = path.path.segments.last()?.ident.to_string();
            if ident == "FILE_FLAG_FIRST_PIPE_INSTANCE" {
                Some(true)
            } else if ident
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                // Another flag constant (`PIPE_ACCESS_DUPLEX`, `FILE_FLAG_OVERLAPPED`).
                Some(false)
            } else {
                None
            }
        }
        Expr::Binary(binary) if matches!(binary.op, syn::BinOp::BitOr(_)) => {
            match (
                first_instance_flag(&binary.left),
                first_instance_flag(&binary.right),
            ) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            }
        }
        Expr::Paren(inner) => first_instance_flag(&inner.expr),
        Expr::Cast(cast) => first_instance_flag(&cast.expr),
        Expr::Field(field) => first_instance_flag(&field.base),
        Expr::Call(call) if call.args.len() == 1 => first_instance_flag(&call.args[0]),
        _ => None,
    }
}

/// Whether a `BOOL`/`bool` argument is provably true (`Some(true)`) or false.
pub fn truth_value(expr: &Expr) -> Option<bool> {
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
