//! Name resolution: what string does a name argument really denote, and where is its literal?
//!
//! The resolver follows the forms real code uses to build a Win32 name — the `windows` crate's
//! `w!`/`s!`/`h!`, NUL-terminated literals turned into pointers, `CString`, UTF-16 conversions,
//! `PCWSTR(…)` wrappers, one-literal helpers like `to_wide("…")`, earlier `let` bindings and
//! `const`/`static` items of the same file — and stops with [`ObjectName::Unknown`] at anything
//! it cannot prove, so that an unknown name never produces a finding.

use std::collections::HashMap;

use syn::{Expr, Lit};

use syn::spanned::Spanned;

use crate::source::{ByteSpan, SourceFile};

/// What a name argument denotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectName {
    /// A null or empty name: the object is unnamed and cannot collide with anyone's.
    Unnamed,
    /// A name objlint could read to the letter.
    Literal(NameLiteral),
    /// A name computed at run time, or in a form objlint does not follow.
    Unknown,
}

/// A name that comes from one string literal in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameLiteral {
    /// The decoded value, without any trailing NUL terminator.
    pub value: String,
    /// The literal token, quotes and prefixes included: where a fix rewrites the name.
    pub span: ByteSpan,
    /// The binding the resolver went through to reach the literal, if any.
    pub binding: Option<Binding>,
    /// The string macro the literal is written in (`w!("…")`), shown around the suggested name.
    pub macro_call: Option<ByteSpan>,
}

/// A `let` or item the name was read through, named in the diagnostic's secondary label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub kind: BindingKind,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingKind {
    Let,
    Const,
    Static,
}

impl std::fmt::Display for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keyword = match self.kind {
            BindingKind::Let => "let",
            BindingKind::Const => "const",
            BindingKind::Static => "static",
        };
        write!(f, "`{keyword} {}`", self.name)
    }
}

/// A `let` binding visible at the call, in the order the function declares them.
#[derive(Clone, Debug)]
pub struct LetBinding {
    pub name: String,
    pub init: Expr,
}

/// Every `const` and `static` item of one file, by identifier, with the module path that leads to
/// it inside the file.
#[derive(Debug, Default)]
pub struct FileItems {
    items: HashMap<String, Vec<ConstItem>>,
}

#[derive(Debug)]
struct ConstItem {
    module_path: Vec<String>,
    kind: BindingKind,
    value: Expr,
}

impl FileItems {
    pub fn insert(
        &mut self,
        module_path: &[String],
        ident: String,
        kind: BindingKind,
        value: Expr,
    ) {
        self.items.entry(ident).or_default().push(ConstItem {
            module_path: module_path.to_vec(),
            kind,
            value,
        });
    }

    /// The item a path names. `crate`, `self`, `super` and `Self` are dropped and the remaining
    /// module segments must end the item's module path; an ambiguous path resolves to nothing.
    fn lookup(&self, segments: &[String]) -> Option<&ConstItem> {
        let (ident, modules) = segments.split_last()?;
        let modules: Vec<&String> = modules
            .iter()
            .filter(|segment| !matches!(segment.as_str(), "crate" | "self" | "super" | "Self"))
            .collect();
        let mut candidates = self.items.get(ident)?.iter().filter(|item| {
            item.module_path.len() >= modules.len()
                && item.module_path[item.module_path.len() - modules.len()..]
                    .iter()
                    .zip(&modules)
                    .all(|(have, want)| have == *want)
        });
        let first = candidates.next()?;
        candidates.next().is_none().then_some(first)
    }
}

/// What the resolver may look at: the call's file, its items and the `let`s in scope.
pub struct Scope<'a> {
    pub file: &'a SourceFile,
    pub items: &'a FileItems,
    pub lets: &'a [&'a LetBinding],
}

/// How deep the resolver follows bindings and wrappers before giving up; real code needs fewer
/// than ten, and a cycle of consts must not loop.
const MAX_DEPTH: usize = 24;

/// Methods that pass a string through unchanged: conversions to pointers, UTF-16, `CString`s
/// and the `windows` crate's string types.
const TRANSPARENT_METHODS: &[&str] = &[
    "as_bytes",
    "as_bytes_with_nul",
    "as_c_str",
    "as_mut_ptr",
    "as_os_str",
    "as_pcstr",
    "as_pcwstr",
    "as_ptr",
    "as_ref",
    "as_slice",
    "as_str",
    "as_wide",
    "cast",
    "cast_const",
    "cast_mut",
    "chain",
    "clone",
    "cloned",
    "collect",
    "copied",
    "encode_utf16",
    "encode_wide",
    "expect",
    "into",
    "into_raw",
    "into_vec",
    "iter",
    "to_owned",
    "to_string",
    "to_vec",
    "unwrap",
];

/// Macros whose single string-literal argument is not the string they produce.
const NON_LITERAL_MACROS: &[&str] = &[
    "env",
    "option_env",
    "include",
    "include_str",
    "include_bytes",
    "stringify",
    "compile_error",
    "panic",
    "todo",
    "unimplemented",
    "unreachable",
];

/// Macros that read their literal as a `format!` template.
const FORMAT_MACROS: &[&str] = &["format", "format_args"];

/// Whether a format template has a `{…}` placeholder (`{{` is an escaped brace).
fn has_placeholder(template: &str) -> bool {
    template.replace("{{", "").contains('{')
}

impl Scope<'_> {
    pub fn resolve(&self, expr: &Expr) -> ObjectName {
        self.resolve_at(expr, 0, None)
    }

    fn resolve_at(&self, expr: &Expr, depth: usize, binding: Option<&Binding>) -> ObjectName {
        if depth > MAX_DEPTH {
            return ObjectName::Unknown;
        }
        let next = |inner: &Expr| self.resolve_at(inner, depth + 1, binding);
        match expr {
            Expr::Lit(lit) => self.literal(&lit.lit, binding),
            Expr::Paren(inner) => next(&inner.expr),
            Expr::Group(inner) => next(&inner.expr),
            Expr::Reference(inner) => next(&inner.expr),
            Expr::Try(inner) => next(&inner.expr),
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => next(&unary.expr),
            // `0 as _`, `0 as *const u16`: a null pointer.
            Expr::Cast(cast) if is_zero(&cast.expr) => ObjectName::Unnamed,
            Expr::Cast(cast) => next(&cast.expr),
            Expr::Block(block) => match block.block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => next(tail),
                _ => ObjectName::Unknown,
            },
            Expr::Unsafe(block) => match block.block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => next(tail),
                _ => ObjectName::Unknown,
            },
            Expr::Macro(mac) => match self.macro_name(&mac.mac, binding) {
                ObjectName::Literal(literal) => ObjectName::Literal(NameLiteral {
                    macro_call: Some(self.file.byte_span(mac.span())),
                    ..literal
                }),
                other => other,
            },
            Expr::Call(call) => self.call(call, depth, binding),
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                if TRANSPARENT_METHODS.contains(&method.as_str()) {
                    return next(&call.receiver);
                }
                // `path.unwrap_or("Default")`: when the caller gives no name, the default is it.
                match (method.as_str(), call.args.first()) {
                    ("unwrap_or", Some(default)) => match next(&call.receiver) {
                        ObjectName::Unknown => next(default),
                        known => known,
                    },
                    _ => ObjectName::Unknown,
                }
            }
            Expr::Path(path) => self.path(path, depth),
            _ => ObjectName::Unknown,
        }
    }

    fn literal(&self, lit: &Lit, binding: Option<&Binding>) -> ObjectName {
        let value = match lit {
            Lit::Str(lit) => lit.value(),
            Lit::ByteStr(lit) => String::from_utf8_lossy(&lit.value()).into_owned(),
            Lit::CStr(lit) => lit.value().to_string_lossy().into_owned(),
            _ => return ObjectName::Unknown,
        };
        let value = value.trim_end_matches('\0');
        if value.is_empty() {
            return ObjectName::Unnamed;
        }
        ObjectName::Literal(NameLiteral {
            value: value.to_owned(),
            span: self.file.byte_span(lit.span()),
            binding: binding.cloned(),
            macro_call: None,
        })
    }

    /// `w!("…")`, `s!("…")`, `h!("…")` and any other string macro given one literal.
    fn macro_name(&self, mac: &syn::Macro, binding: Option<&Binding>) -> ObjectName {
        let Some(name) = mac
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string())
        else {
            return ObjectName::Unknown;
        };
        if NON_LITERAL_MACROS.contains(&name.as_str()) {
            return ObjectName::Unknown;
        }
        match mac.parse_body::<Lit>() {
            // `format!("{name}")` captures variables: its text is a template, not the name.
            Ok(Lit::Str(template))
                if FORMAT_MACROS.contains(&name.as_str()) && has_placeholder(&template.value()) =>
            {
                ObjectName::Unknown
            }
            Ok(lit) => self.literal(&lit, binding),
            Err(_) => ObjectName::Unknown,
        }
    }

    fn call(&self, call: &syn::ExprCall, depth: usize, binding: Option<&Binding>) -> ObjectName {
        let Expr::Path(function) = &*call.func else {
            return ObjectName::Unknown;
        };
        let Some(last) = function.path.segments.last() else {
            return ObjectName::Unknown;
        };
        // `ptr::null()`, `null_mut()`, `PCWSTR::null()`: a null name.
        if call.args.is_empty() && matches!(last.ident.to_string().as_str(), "null" | "null_mut") {
            return ObjectName::Unnamed;
        }
        // A one-argument call passes its literal through: `Some(…)`, `PCWSTR(…)`,
        // `CString::new(…)`, `HSTRING::from(…)`, `OsStr::new(…)`, a helper like `to_wide(…)`.
        match call.args.len() {
            1 => self.resolve_at(&call.args[0], depth + 1, binding),
            _ => ObjectName::Unknown,
        }
    }

    fn path(&self, path: &syn::ExprPath, depth: usize) -> ObjectName {
        let segments: Vec<String> = path
            .path
            .segments
            .iter()
            .map(|segment| segment.ident.to_string())
            .collect();
        if segments.len() == 1 {
            if segments[0] == "None" {
                return ObjectName::Unnamed;
            }
            // The latest `let` of that name is the one in scope at the call.
            if let Some(local) = self
                .lets
                .iter()
                .rev()
                .find(|local| local.name == segments[0])
            {
                let binding = Binding {
                    kind: BindingKind::Let,
                    name: local.name.clone(),
                };
                return self.resolve_at(&local.init, depth + 1, Some(&binding));
            }
        }
        let Some(item) = self.items.lookup(&segments) else {
            return ObjectName::Unknown;
        };
        let binding = Binding {
            kind: item.kind,
            name: segments.last().cloned().unwrap_or_default(),
        };
        self.resolve_at(&item.value, depth + 1, Some(&binding))
    }
}

fn is_zero(expr: &Expr) -> bool {
    matches!(expr, Expr::Lit(syn::ExprLit { lit: Lit::Int(int), .. }) if int.base10_digits() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(source: &str, expr: &str) -> ObjectName {
        let file = SourceFile::new("t.rs", format!("{source}\nfn f() {{ let _ = {expr}; }}"));
        let parsed = syn::parse_file(file.parse_text()).unwrap();
        let mut items = FileItems::default();
        for item in &parsed.items {
            if let syn::Item::Const(item) = item {
                items.insert(
                    &[],
                    item.ident.to_string(),
                    BindingKind::Const,
                    (*item.expr).clone(),
                );
            }
        }
        let syn::Item::Fn(function) = parsed.items.last().unwrap() else {
            unreachable!()
        };
        let syn::Stmt::Local(syn::Local {
            init: Some(init), ..
        }) = &function.block.stmts[0]
        else {
            unreachable!()
        };
        let expr = &init.expr;
        Scope {
            file: &file,
            items: &items,
            lets: &[],
        }
        .resolve(expr)
    }

    fn value(name: ObjectName) -> String {
        match name {
            ObjectName::Literal(literal) => literal.value,
            other => panic!("expected a literal, got {other:?}"),
        }
    }

    #[test]
    fn decodes_escapes_and_drops_the_terminator() {
        assert_eq!(value(resolve("", r#"w!("Global\\Name")"#)), r"Global\Name");
        assert_eq!(value(resolve("", r#""Name\0".as_ptr()"#)), "Name");
        assert_eq!(value(resolve("", r##"r#"Local\Raw"#"##)), r"Local\Raw");
        assert_eq!(value(resolve("", r#"c"Name".as_ptr()"#)), "Name");
    }

    #[test]
    fn follows_consts_and_wrappers() {
        let name = resolve(r#"const NAME: &str = "Shared\0";"#, "PCSTR(NAME.as_ptr())");
        assert_eq!(value(name), "Shared");
    }

    #[test]
    fn null_and_runtime_names() {
        assert_eq!(resolve("", "PCWSTR::null()"), ObjectName::Unnamed);
        assert_eq!(resolve("", "0 as _"), ObjectName::Unnamed);
        assert_eq!(resolve("", "None"), ObjectName::Unnamed);
        assert_eq!(resolve("", "name.as_ptr()"), ObjectName::Unknown);
        assert_eq!(resolve("", r#"env!("NAME")"#), ObjectName::Unknown);
    }
}
