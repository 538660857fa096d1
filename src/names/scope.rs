//! What a name expression can see where it is written: the `let`s before it, the `use`s of its
//! file, paths made absolute within the package, the `cfg` it is written under, and the names
//! its function's parameters and patterns bind.

use std::collections::HashMap;

use syn::Expr;

pub use crate::names::cfg::cfg_of;
use crate::names::ir::{Cfg, FileId};
use crate::names::mutations::Mutation;
use crate::project::crates::Library;

/// A local binding visible at the call, in the order the function declares them.
#[derive(Clone, Debug)]
pub struct LetBinding {
    pub name: String,
    /// The `let`'s initialiser; `None` for a binding whose value is not known at the call: a
    /// closure's parameter, or what a `for`, `match` arm, `if let` or `while let` pattern binds.
    pub init: Option<Expr>,
    /// Whether the binding is the parameter of a closure handed to a `thread_local!` static's
    /// `with` (`NAME.with(|name| …)`), `init` being the static's path: it holds the static's value.
    pub local_key: bool,
    /// The `#[cfg(…)]` the `let` is written under: with another `let` of the name before it,
    /// the two are alternative programs.
    pub cfg: Option<Cfg>,
    /// Byte offset of the binding: code before it cannot read it.
    pub at: usize,
    /// How many loops and closures enclose the binding.
    pub loop_depth: usize,
    /// What the code does to a `let mut` binding after its `let`, in order.
    pub mutations: Vec<Mutation>,
}

/// The `use` declarations of a file: for each module, the identifiers it imports and the
/// absolute paths they stand for; and the package's library, which the file's crate may name
/// in any module, as an extern crate.
#[derive(Debug, Default, Clone)]
pub struct UseMap {
    imports: HashMap<(Vec<String>, String), Vec<String>>,
    library: Option<Library>,
    /// The libraries of the members the package depends on by path.
    members: Vec<Library>,
}

impl UseMap {
    /// The `use`s of a file whose crate names the package's library as `library` (`None` in
    /// the library itself and in the build script), and its path dependencies' as `members`.
    pub fn new(library: Option<Library>, members: Vec<Library>) -> Self {
        Self {
            imports: HashMap::new(),
            library,
            members,
        }
    }

    /// Records `use <path> [as ident]` declared in `module_path`.
    pub fn insert(&mut self, module_path: &[String], ident: String, path: &[String]) {
        let absolute = self
            .in_library(path)
            .unwrap_or_else(|| absolute_path(module_path, None, path, None));
        self.imports.insert((module_path.to_vec(), ident), absolute);
    }

    fn get(&self, module_path: &[String], ident: &str) -> Option<&Vec<String>> {
        self.imports.get(&(module_path.to_vec(), ident.to_owned()))
    }

    /// `my_pkg::ipc::NAME` as a path in the library's crate, when `my_pkg` is the library (or
    /// the library of a member the package depends on by path).
    fn in_library(&self, segments: &[String]) -> Option<Vec<String>> {
        let (first, rest) = segments.split_first()?;
        let library = self
            .library
            .iter()
            .chain(&self.members)
            .find(|library| *first == library.name)?;
        Some(
            std::iter::once(library.key.clone())
                .chain(rest.iter().cloned())
                .collect(),
        )
    }

    /// The identifiers imported under a name of their own (`use a::B as C` gives `C`).
    pub fn renames(&self) -> impl Iterator<Item = &str> {
        self.imports
            .iter()
            .filter(|((_, ident), path)| path.last() != Some(ident))
            .map(|((_, ident), _)| ident.as_str())
    }
}

/// The identifiers of a path's segments (`windows::core::w` → `["windows", "core", "w"]`).
pub fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments
        .iter()
        .map(|segment| segment.ident.to_string())
        .collect()
}

/// Makes a written path absolute within the package: `crate::`, `self::`, `super::` and
/// `Self::` are applied to the module the path is written in (whose first segment is its
/// crate's key, see [`crate::project::crates`]); a first segment imported by `use` is replaced by what it
/// imports, and the library's crate name by the library's key; anything else is taken as
/// relative to the current module.
pub fn absolute_path(
    module_path: &[String],
    self_type: Option<&str>,
    segments: &[String],
    uses: Option<&UseMap>,
) -> Vec<String> {
    let Some((first, rest)) = segments.split_first() else {
        return Vec::new();
    };
    // The crate's root: `super` never leaves it.
    let root = module_path.len().min(1);
    let mut base: Vec<String> = match first.as_str() {
        "crate" => module_path[..root].to_vec(),
        "self" => module_path.to_vec(),
        "super" => {
            let mut parent = module_path.to_vec();
            parent.truncate(parent.len().saturating_sub(1).max(root));
            let mut rest = rest;
            while rest.first().is_some_and(|segment| segment == "super") {
                parent.truncate(parent.len().saturating_sub(1).max(root));
                rest = &rest[1..];
            }
            return parent.into_iter().chain(rest.iter().cloned()).collect();
        }
        "Self" => {
            let mut base = module_path.to_vec();
            base.extend(self_type.map(str::to_owned));
            base
        }
        _ => {
            if let Some(imported) = uses.and_then(|uses| uses.get(module_path, first)) {
                return imported.iter().chain(rest).cloned().collect();
            }
            if let Some(in_library) = uses.and_then(|uses| uses.in_library(segments)) {
                return in_library;
            }
            let mut base = module_path.to_vec();
            base.push(first.clone());
            base
        }
    };
    base.extend(rest.iter().cloned());
    base
}

/// The path segment under which a function's own items are indexed. A function body lies in
/// one file, and the file is part of the scope: two files objlint places at one module path
/// (`ipc.rs` beside a stale `ipc/mod.rs`) keep their functions' items apart.
pub fn function_scope(function: &str, file: FileId) -> String {
    format!("{function}()@{file}")
}

/// The names a function's parameters bind, in order, without a method's receiver; a parameter
/// whose pattern binds no single name is an empty string, so indices still match arguments.
pub fn parameter_names(sig: &syn::Signature) -> Vec<String> {
    sig.inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) => Some(bound_identifier(&typed.pat).unwrap_or_default()),
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// The identifier a `let` pattern binds, for `x`, `mut x` and `x: T`.
pub fn bound_identifier(pattern: &syn::Pat) -> Option<String> {
    match pattern {
        syn::Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.to_string()),
        syn::Pat::Type(typed) => bound_identifier(&typed.pat),
        _ => None,
    }
}

/// The identifiers `pattern` binds. An identifier written in capitals is a constant the
/// pattern compares with (`MAX => …`), not a binding.
pub fn pattern_identifiers(pattern: &syn::Pat, out: &mut Vec<String>) {
    use syn::Pat;
    match pattern {
        Pat::Ident(ident) => {
            let name = ident.ident.to_string();
            if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
                out.push(name);
            }
            if let Some((_, inner)) = &ident.subpat {
                pattern_identifiers(inner, out);
            }
        }
        Pat::Or(or) => or
            .cases
            .iter()
            .for_each(|case| pattern_identifiers(case, out)),
        Pat::Paren(inner) => pattern_identifiers(&inner.pat, out),
        Pat::Reference(inner) => pattern_identifiers(&inner.pat, out),
        Pat::Type(typed) => pattern_identifiers(&typed.pat, out),
        Pat::Slice(syn::PatSlice { elems, .. })
        | Pat::Tuple(syn::PatTuple { elems, .. })
        | Pat::TupleStruct(syn::PatTupleStruct { elems, .. }) => {
            elems.iter().for_each(|elem| pattern_identifiers(elem, out));
        }
        Pat::Struct(fields) => fields
            .fields
            .iter()
            .for_each(|field| pattern_identifiers(&field.pat, out)),
        _ => {}
    }
}
