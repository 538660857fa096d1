//! Raw pointers to a Rust string's bytes handed to an API as a name: told by the type of the
//! expression the pointer is taken of, which lowering reads from its form (`format!`,
//! `to_string()`, a `String` parameter, a crate function returning `String`), and judged once
//! the package's items are known (see [`StrPointer`]).

use syn::{Expr, Lit};

use crate::names::forms::POINTER_METHODS;
use crate::names::ir::{NameIr, RustString, StrPointer};
use crate::names::lower::Site;
use crate::names::mutations::MutationKind;
use crate::names::resolve::Resolver;
use crate::names::scope::path_segments;
use crate::names::ObjectName;

/// How deep a string's expression is followed through `let`s and methods.
const MAX_DEPTH: usize = 12;

/// A declared type as a Rust string: `String` (also `&String`, `Box<str>`) is owned, `&str`
/// (also `Cow<str>`, `Rc<str>`, `Arc<str>`) borrowed; any other type is none.
pub fn string_type(ty: &syn::Type) -> Option<RustString> {
    match ty {
        syn::Type::Reference(reference) => string_type(&reference.elem),
        syn::Type::Paren(inner) => string_type(&inner.elem),
        syn::Type::Group(inner) => string_type(&inner.elem),
        syn::Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            let of_str = || match &last.arguments {
                syn::PathArguments::AngleBracketed(arguments) => {
                    arguments.args.iter().any(|argument| {
                        matches!(argument, syn::GenericArgument::Type(syn::Type::Path(inner))
                            if inner.path.is_ident("str"))
                    })
                }
                _ => false,
            };
            match last.ident.to_string().as_str() {
                "String" => Some(RustString::Owned),
                "str" => Some(RustString::Borrowed),
                "Box" if of_str() => Some(RustString::Owned),
                "Cow" | "Rc" | "Arc" if of_str() => Some(RustString::Borrowed),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether an appended expression is text whose NUL objlint would see: a literal, a binding, a
/// field, `format!`, or `to_string()` of one. A call (`char::from(0)`) or a cast may be a NUL.
fn readable_text(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) | Expr::Path(_) | Expr::Field(_) => true,
        Expr::Paren(inner) => readable_text(&inner.expr),
        Expr::Reference(inner) => readable_text(&inner.expr),
        Expr::Macro(mac) => mac.mac.path.is_ident("format") && literal_template(&mac.mac),
        Expr::MethodCall(call) => {
            matches!(
                call.method.to_string().as_str(),
                "to_string" | "as_str" | "to_owned" | "clone"
            ) && readable_text(&call.receiver)
        }
        _ => false,
    }
}

/// Whether a `format!` call's template is a string literal.
fn literal_template(mac: &syn::Macro) -> bool {
    mac.parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        .is_ok_and(|args| {
            matches!(
                args.first(),
                Some(Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(_),
                    ..
                }))
            )
        })
}

/// How a pointer type reads the characters it points to: as UTF-16 (`true`), as bytes
/// (`false`), or as the API it is passed to (`None`: `_`, `*const _`, an unknown type).
fn reads_utf16(ty: &syn::Type) -> Option<bool> {
    match ty {
        syn::Type::Ptr(pointer) => reads_utf16(&pointer.elem),
        syn::Type::Paren(inner) => reads_utf16(&inner.elem),
        syn::Type::Path(path) => {
            let last = path.path.segments.last()?.ident.to_string();
            match last.as_str() {
                "u16" | "WCHAR" | "wchar_t" | "PCWSTR" | "PWSTR" | "LPCWSTR" | "LPWSTR" => {
                    Some(true)
                }
                "u8" | "i8" | "c_char" | "CHAR" | "PCSTR" | "PSTR" | "LPCSTR" | "LPSTR" => {
                    Some(false)
                }
                _ => None,
            }
        }
        _ => None,
    }
}

impl Site<'_> {
    /// The name argument `expr` as a raw pointer to a Rust string's bytes, if it is one:
    /// `name.as_ptr()` under casts (`as *const i8`, `.cast()`) and pointer wrappers
    /// (`PCSTR(…)`, `PCSTR::from_raw(…)`), `name` an expression whose form says it is a
    /// `String` or `&str`. `wide_api` says whether the API reads its name as UTF-16.
    pub fn str_pointer(&self, expr: &Expr, wide_api: bool) -> Option<StrPointer> {
        let mut wide = None;
        let mut expr = expr;
        let receiver = loop {
            match expr {
                Expr::Paren(inner) => expr = &inner.expr,
                Expr::Group(inner) => expr = &inner.expr,
                Expr::Cast(cast) => {
                    wide = wide.or(reads_utf16(&cast.ty));
                    expr = &cast.expr;
                }
                Expr::Call(call) if call.args.len() == 1 => {
                    let Expr::Path(function) = &*call.func else {
                        return None;
                    };
                    let segments = path_segments(&function.path);
                    let wrapper = match segments.as_slice() {
                        [.., ty, from_raw] if from_raw == "from_raw" => ty,
                        [.., last] => last,
                        [] => return None,
                    };
                    if wrapper != "Some" {
                        let ty: syn::Type = syn::parse_str(wrapper).ok()?;
                        wide = wide.or(Some(reads_utf16(&ty)?));
                    }
                    expr = &call.args[0];
                }
                Expr::MethodCall(call)
                    if matches!(
                        call.method.to_string().as_str(),
                        "cast" | "cast_const" | "cast_mut"
                    ) =>
                {
                    if let Some(syn::GenericArgument::Type(ty)) = call
                        .turbofish
                        .as_ref()
                        .and_then(|turbofish| turbofish.args.first())
                    {
                        wide = wide.or(reads_utf16(ty));
                    }
                    expr = &call.receiver;
                }
                Expr::MethodCall(call)
                    if call.args.is_empty()
                        && POINTER_METHODS.contains(&call.method.to_string().as_str()) =>
                {
                    break &*call.receiver;
                }
                _ => return None,
            }
        };
        let string = self.rust_string(receiver, 0)?;
        let borrowed_params = (0..self.params.len())
            .filter(|&index| {
                matches!(
                    self.param_types.get(index),
                    Some(Some(RustString::Borrowed))
                )
            })
            .collect();
        Some(StrPointer {
            wide: wide.unwrap_or(wide_api),
            string,
            value: self.lower(receiver),
            borrowed_params,
        })
    }

    /// What kind of Rust string `expr` is, judged by its form; `None` when the form does not
    /// say (a field, a `CString`, a buffer built some other way).
    fn rust_string(&self, expr: &Expr, depth: usize) -> Option<RustString> {
        if depth > MAX_DEPTH {
            return None;
        }
        let next = |inner: &Expr| self.rust_string(inner, depth + 1);
        match expr {
            Expr::Paren(inner) => next(&inner.expr),
            Expr::Group(inner) => next(&inner.expr),
            Expr::Reference(inner) => next(&inner.expr),
            Expr::Lit(lit) => {
                matches!(lit.lit, Lit::Str(_) | Lit::ByteStr(_)).then_some(RustString::Written)
            }
            Expr::Macro(mac) => match mac.mac.path.segments.last()?.ident.to_string().as_str() {
                // Only a template written as a literal shows every NUL the string can hold
                // (`format!(concat!("…", "\0"), …)` hides it).
                "format" => literal_template(&mac.mac).then_some(RustString::Owned),
                "concat" => Some(RustString::Written),
                _ => None,
            },
            Expr::MethodCall(call) => match call.method.to_string().as_str() {
                // `ToString` always makes a `String`, and `to_string_lossy` a `Cow<str>` of
                // the text alone.
                "to_string" | "to_string_lossy" if call.args.is_empty() => Some(RustString::Owned),
                "to_owned" | "clone" | "as_str" | "as_bytes" if call.args.is_empty() => {
                    next(&call.receiver)
                }
                _ => self.returned_by_method(call),
            },
            Expr::Call(call) => {
                let Expr::Path(function) = &*call.func else {
                    return None;
                };
                let segments = path_segments(&function.path);
                match segments.as_slice() {
                    [.., ty, constructor]
                        if ty == "String"
                            && matches!(
                                constructor.as_str(),
                                "from" | "new" | "with_capacity" | "from_utf8_lossy"
                            ) =>
                    {
                        Some(RustString::Owned)
                    }
                    _ => match self.item_path(&function.path) {
                        NameIr::Item(path) => Some(RustString::ReturnedBy(path)),
                        _ => None,
                    },
                }
            }
            Expr::Path(path) => self.named_string(&path.path, depth),
            // `String + &str`: a new `String`, ending where the added text does.
            Expr::Binary(binary) if matches!(binary.op, syn::BinOp::Add(_)) => {
                next(&binary.left).map(|_| RustString::Owned)
            }
            _ => None,
        }
    }

    /// `self.name()`: a method of the `impl` being read, one of the crate's functions.
    fn returned_by_method(&self, call: &syn::ExprMethodCall) -> Option<RustString> {
        let Expr::Path(receiver) = &*call.receiver else {
            return None;
        };
        if !receiver.path.is_ident("self") || self.self_type.is_none() {
            return None;
        }
        let method = &call.method;
        let path: syn::Path = syn::parse_quote!(Self::#method);
        match self.item_path(&path) {
            NameIr::Item(path) => Some(RustString::ReturnedBy(path)),
            _ => None,
        }
    }

    /// A path: the `let` of that name in scope (its initialiser's kind, unless the code
    /// changes it in a way objlint does not follow), a parameter (its declared type), or a
    /// `const`/`static`, judged by its value.
    fn named_string(&self, path: &syn::Path, depth: usize) -> Option<RustString> {
        let segments = path_segments(path);
        let [ident] = segments.as_slice() else {
            return Some(RustString::Written);
        };
        if let Some(position) = self
            .lets
            .iter()
            .rposition(|local| &local.name == ident && local.at < self.at)
        {
            let local = self.lets[position];
            // A change objlint does not follow, or text appended that it cannot read
            // (`push(char::from(0))`), may be the terminator.
            let unread = local
                .mutations
                .iter()
                .any(|mutation| mutation.at < self.at && unread_change(&mutation.kind));
            if local.cfg.is_some() || local.local_key || unread {
                return None;
            }
            let before = Site {
                lets: &self.lets[..position],
                at: local.at,
                ..*self
            };
            return before.rust_string(local.init.as_ref()?, depth + 1);
        }
        if let Some(index) = self.params.iter().position(|param| param == ident) {
            return self.param_types.get(index).cloned().flatten();
        }
        Some(RustString::Written)
    }
}

/// Whether a change to a binding may write a terminator objlint cannot see: one it does not
/// follow, or text appended that it cannot read (`push(char::from(0))`), also in a `#[cfg]`
/// block of changes.
fn unread_change(kind: &MutationKind) -> bool {
    match kind {
        MutationKind::Opaque | MutationKind::Feed(_) => true,
        MutationKind::Append(appended) | MutationKind::Push(appended) => !readable_text(appended),
        MutationKind::Assign(_) => false,
        MutationKind::Under(_, changes) => changes.iter().any(|change| unread_change(&change.kind)),
    }
}

/// Whether the API reads past the end of the string `pointer` points to (or, reading UTF-16,
/// garbles it): always for a wide read of a string known by its type; for a `String` made at
/// run time unless a NUL is written into it; for any other string when its value is known
/// text, written without a NUL.
pub fn reads_past_end(resolver: &Resolver<'_>, pointer: &StrPointer) -> bool {
    let string = match &pointer.string {
        RustString::ReturnedBy(path) => {
            let Some(declared) = resolver.items.string_type(path) else {
                return false;
            };
            declared
        }
        other => other.clone(),
    };
    match string {
        RustString::Owned | RustString::Borrowed if pointer.wide => true,
        // A `String` that ends with the caller's `&str` ends as the caller's text does, which
        // may be a NUL (`open("Local\\app\0")`).
        RustString::Owned => {
            !nul_written(resolver, &pointer.value, 0)
                && !ends_with_callers_text(resolver, pointer, &pointer.value, None, 0)
        }
        _ => known_text_without_nul(resolver, &pointer.value),
    }
}

/// Whether a value ends with one of the `&str` parameters of the function the call is in
/// (`args` are those of the crate function whose value is being read, if any).
fn ends_with_callers_text(
    resolver: &Resolver<'_>,
    pointer: &StrPointer,
    value: &NameIr,
    args: Option<&[NameIr]>,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let ends =
        |inner: &NameIr, args| ends_with_callers_text(resolver, pointer, inner, args, depth + 1);
    match value {
        NameIr::Param(index) => match args {
            None => pointer.borrowed_params.contains(index),
            Some(args) => args.get(*index).is_some_and(|arg| ends(arg, None)),
        },
        NameIr::Concat(parts) => parts.last().is_some_and(|last| ends(last, args)),
        NameIr::Alternatives(alternatives) => alternatives
            .iter()
            .any(|(_, alternative)| ends(alternative, args)),
        // One function deep: its arguments are written where the call is.
        NameIr::Call(call) if args.is_none() => resolver
            .items
            .lookup(&call.function)
            .is_some_and(|function| ends(&function.value, Some(&call.args))),
        _ => false,
    }
}

/// Whether every name the value can be is known text, written in the program (not through a
/// conversion that adds a terminator), with no NUL in it.
fn known_text_without_nul(resolver: &Resolver<'_>, value: &NameIr) -> bool {
    resolver
        .resolve_all(value)
        .iter()
        .all(|alternative| match &alternative.name {
            // The name's value ends at a NUL: the literals say whether one is written.
            ObjectName::Known(name) => name
                .literals
                .iter()
                .all(|literal| literal.terminated == Some(false) && !literal.value.contains('\0')),
            _ => false,
        })
}

/// Whether a NUL is written anywhere in a value objlint can see: a literal holding one (or a
/// terminating conversion around it), or an empty or NUL-only part. What objlint cannot see
/// (a run-time value) is taken to hold none: text made at run time rarely carries its own
/// terminator.
fn nul_written(resolver: &Resolver<'_>, value: &NameIr, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    let nested = |inner: &NameIr| nul_written(resolver, inner, depth + 1);
    match value {
        NameIr::Literal(literal) => {
            literal.terminated != Some(false) || literal.value.contains('\0')
        }
        NameIr::Unnamed => true,
        NameIr::Concat(parts) | NameIr::Returns(parts) => parts.iter().any(nested),
        NameIr::Alternatives(alternatives) => alternatives.iter().any(|(_, inner)| nested(inner)),
        NameIr::Item(path)
        | NameIr::LocalKey(path)
        | NameIr::OnceValue(path)
        | NameIr::Locked(path) => resolver
            .items
            .lookup(path)
            .is_some_and(|item| nested(&item.value)),
        NameIr::SetValues(values) => values.iter().any(|(_, inner)| nested(inner)),
        NameIr::Call(call) => {
            call.args.iter().any(nested)
                || resolver
                    .items
                    .lookup(&call.function)
                    .is_some_and(|item| nested(&item.value))
        }
        NameIr::Composed(composition) => {
            nested(&composition.name) || composition.args.iter().any(nested)
        }
        NameIr::Rewritten(inner) => nested(inner),
        NameIr::Unknown
        | NameIr::Param(_)
        | NameIr::Env(_)
        | NameIr::Added(_)
        | NameIr::Predictable(_)
        | NameIr::Unique(_)
        // A hash is written as digits.
        | NameIr::Hash(..) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(ty: &str) -> Option<RustString> {
        string_type(&syn::parse_str(ty).expect("a type"))
    }

    #[test]
    fn declared_string_types() {
        assert_eq!(kind("String"), Some(RustString::Owned));
        assert_eq!(kind("&mut std::string::String"), Some(RustString::Owned));
        assert_eq!(kind("Box<str>"), Some(RustString::Owned));
        assert_eq!(kind("&'static str"), Some(RustString::Borrowed));
        assert_eq!(kind("Cow<'_, str>"), Some(RustString::Borrowed));
        assert_eq!(kind("CString"), None);
        assert_eq!(kind("&[u8]"), None);
        assert_eq!(kind("Box<[u16]>"), None);
    }

    #[test]
    fn pointer_casts_say_how_characters_are_read() {
        let reads = |ty: &str| reads_utf16(&syn::parse_str(ty).expect("a type"));
        assert_eq!(reads("*const u16"), Some(true));
        assert_eq!(reads("PCWSTR"), Some(true));
        assert_eq!(reads("*const i8"), Some(false));
        assert_eq!(reads("*const std::ffi::c_char"), Some(false));
        assert_eq!(reads("*const _"), None);
        assert_eq!(reads("_"), None);
    }
}
