//! Lowering: a syn name expression, read in its file and function, to a [`NameIr`].

use std::collections::HashMap;

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit};

use super::mutations::{Mutation, MutationKind};
use super::{Binding, BindingKind, Cfg, FileId, FunctionCall, ItemPath, Literal, NameIr};
use crate::project::crates::Library;
use crate::scan::source::SourceFile;

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

/// The `cfg` predicate of an item's or statement's attributes (`all(…)` of several), spaces
/// normalised: `#[cfg(not(test))]` gives `not(test)`.
pub fn cfg_of(attrs: &[syn::Attribute]) -> Option<Cfg> {
    let predicates: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .filter_map(|attr| attr.meta.require_list().ok())
        .map(|list| normalise_cfg(&list.tokens.to_string()))
        .collect();
    match predicates.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(format!("all({})", many.join(", "))),
    }
}

/// `not (test)` → `not(test)`, `any (a , b)` → `any(a, b)`: the text as people write it.
fn normalise_cfg(tokens: &str) -> String {
    tokens
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
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

/// Where a name expression is written.
pub struct Site<'a> {
    pub file: &'a SourceFile,
    pub file_id: FileId,
    pub lets: &'a [&'a LetBinding],
    /// The enclosing function's parameter names (receiver excluded), in order.
    pub params: &'a [String],
    pub module_path: &'a [String],
    pub self_type: Option<&'a str>,
    pub uses: &'a UseMap,
    /// The enclosing function, whose own `const`s shadow the module's.
    pub function: Option<&'a str>,
    /// Byte offset where the expression is evaluated: a binding's changes before it apply.
    pub at: usize,
    /// How many loops and closures enclose the expression.
    pub loop_depth: usize,
}

/// The path segment under which a function's own items are indexed. A function body lies in
/// one file, and the file is part of the scope: two files objlint places at one module path
/// (`ipc.rs` beside a stale `ipc/mod.rs`) keep their functions' items apart.
pub fn function_scope(function: &str, file: FileId) -> String {
    format!("{function}()@{file}")
}

/// How deep lowering follows wrappers and `let`s; real code needs fewer than ten.
const MAX_DEPTH: usize = 24;

/// Methods that pass a string through unchanged.
const TRANSPARENT_METHODS: &[&str] = &[
    "as_bytes",
    "as_bytes_with_nul",
    "as_c_str",
    "as_os_str",
    "as_pcstr",
    "as_pcwstr",
    "as_ref",
    "as_slice",
    "as_str",
    "as_wide",
    "borrow",
    "cast",
    "cast_const",
    "cast_mut",
    "clone",
    "cloned",
    "copied",
    "expect",
    "into",
    "into_raw",
    "into_vec",
    "iter",
    "to_fs_name",
    "to_ns_name",
    "to_os_string",
    "to_owned",
    "to_string",
    "to_vec",
    "unwrap",
];

/// Types whose `new(|| …)` makes a static initialised on first use: std's `LazyLock` and
/// `LazyCell`, `once_cell`'s `sync::Lazy` and `unsync::Lazy`.
const LAZY_TYPES: &[&str] = &["LazyLock", "LazyCell", "Lazy"];

/// The prelude's types, whose associated functions a path names without a `use`.
const PRELUDE_TYPES: &[&str] = &["String", "Vec", "Box", "Option", "Result", "ToString"];

/// Methods that hand out a raw pointer to the buffer: the API then reads up to a NUL.
const POINTER_METHODS: &[&str] = &["as_ptr", "as_mut_ptr"];

/// Methods that turn a string into a UTF-16 sequence without a terminator.
const UTF16_METHODS: &[&str] = &["encode_utf16", "encode_wide"];

/// Methods that add the terminator to a UTF-16 sequence (`.chain(once(0))`) or are the
/// `collect` that keeps whatever was there.
const TERMINATING_METHODS: &[&str] = &["chain", "push"];

/// Functions that build a NUL-terminated string from their one argument.
const TERMINATING_CONSTRUCTORS: &[&str] = &[
    "CString",
    "HSTRING",
    "U16CString",
    "WideCString",
    "U16CStr",
    "CStr",
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

/// Macros that read their first literal as a `format!` template.
const FORMAT_MACROS: &[&str] = &["format", "format_args"];

impl Site<'_> {
    pub fn lower(&self, expr: &Expr) -> NameIr {
        self.lower_at(expr, 0, None)
    }

    #[allow(clippy::too_many_lines)]
    fn lower_at(&self, expr: &Expr, depth: usize, binding: Option<&Binding>) -> NameIr {
        if depth > MAX_DEPTH {
            return NameIr::Unknown;
        }
        let next = |inner: &Expr| self.lower_at(inner, depth + 1, binding);
        match expr {
            Expr::Lit(lit) => self.literal(&lit.lit, binding, None),
            Expr::Paren(inner) => next(&inner.expr),
            Expr::Group(inner) => next(&inner.expr),
            Expr::Reference(inner) => next(&inner.expr),
            Expr::Try(inner) => next(&inner.expr),
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => next(&unary.expr),
            // `0 as _`, `0 as *const u16`: a null pointer.
            Expr::Cast(cast) if is_zero(&cast.expr) => NameIr::Unnamed,
            Expr::Cast(cast) => next(&cast.expr),
            Expr::Block(block) => tail(&block.block).map_or(NameIr::Unknown, next),
            Expr::Unsafe(block) => tail(&block.block).map_or(NameIr::Unknown, next),
            // `thread_local!`'s `static NAME: T = const { … }`.
            Expr::Const(block) => tail(&block.block).map_or(NameIr::Unknown, next),
            Expr::Return(ret) => ret.expr.as_deref().map_or(NameIr::Unknown, next),
            Expr::Macro(mac) => self.macro_name(&mac.mac, depth, binding),
            Expr::Call(call) => self.call(call, depth, binding),
            Expr::MethodCall(call) => self.method_call(call, depth, binding),
            Expr::Path(path) => self.path(&path.path, depth),
            Expr::Binary(binary) if matches!(binary.op, syn::BinOp::Add(_)) => {
                NameIr::Concat(vec![
                    self.part(&binary.left, depth + 1, binding),
                    self.part(&binary.right, depth + 1, binding),
                ])
            }
            _ => NameIr::Unknown,
        }
    }

    /// A part of a composed name (`format!` argument, `+` operand): what lowering cannot read
    /// is classified by what it calls — random and hashed values are unique, process ids and
    /// user names are predictable — or stays unknown.
    fn part(&self, expr: &Expr, depth: usize, binding: Option<&Binding>) -> NameIr {
        match self.lower_at(expr, depth, binding) {
            NameIr::Unknown => classify_runtime_value(expr),
            // A function the crate does not define (or whose value is unknown) is judged by
            // its words, as any run-time value.
            NameIr::Call(mut call) => {
                call.otherwise = classify_runtime_value(expr);
                NameIr::Call(call)
            }
            known => known,
        }
    }

    fn literal(
        &self,
        lit: &Lit,
        binding: Option<&Binding>,
        macro_call: Option<&syn::Macro>,
    ) -> NameIr {
        let (value, nul_written) = match lit {
            Lit::Str(lit) => {
                let value = lit.value();
                let nul = value.ends_with('\0');
                (value, Some(nul))
            }
            Lit::ByteStr(lit) => {
                let value = String::from_utf8_lossy(&lit.value()).into_owned();
                let nul = value.ends_with('\0');
                (value, Some(nul))
            }
            Lit::CStr(lit) => (lit.value().to_string_lossy().into_owned(), Some(true)),
            // `name.push('-')`: a character appended to a name.
            Lit::Char(lit) => {
                let value = lit.value();
                (value.to_string(), Some(value == '\0'))
            }
            _ => return NameIr::Unknown,
        };
        let value = value.trim_end_matches('\0');
        if value.is_empty() {
            return NameIr::Unnamed;
        }
        NameIr::Literal(Literal {
            value: value.to_owned(),
            file: self.file_id,
            span: self.file.byte_span(lit.span()),
            macro_call: macro_call.map(|mac| self.file.byte_span(mac.span())),
            binding: binding.cloned(),
            // `w!`/`s!`/`h!` and the like add the terminator themselves.
            terminated: if macro_call.is_some() {
                Some(true)
            } else {
                nul_written
            },
            unterminated_pointer: false,
        })
    }

    fn macro_name(&self, mac: &syn::Macro, depth: usize, binding: Option<&Binding>) -> NameIr {
        let Some(name) = mac
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string())
        else {
            return NameIr::Unknown;
        };
        match name.as_str() {
            "env" => {
                return match mac.parse_body::<syn::LitStr>() {
                    Ok(variable) => NameIr::Env(variable.value()),
                    Err(_) => NameIr::Unknown,
                }
            }
            "concat" => return self.concat(mac, depth, binding),
            _ if FORMAT_MACROS.contains(&name.as_str()) => return self.format(mac, depth, binding),
            _ if NON_LITERAL_MACROS.contains(&name.as_str()) => return NameIr::Unknown,
            _ => {}
        }
        match mac.parse_body::<Lit>() {
            Ok(lit) => self.literal(&lit, binding, Some(mac)),
            // `w!(concat!(…))`: the string macro's argument is itself an expression.
            Err(_) => match mac.parse_body::<Expr>() {
                Ok(inner @ Expr::Macro(_)) => self.lower_at(&inner, depth + 1, binding),
                _ => NameIr::Unknown,
            },
        }
    }

    fn concat(&self, mac: &syn::Macro, depth: usize, binding: Option<&Binding>) -> NameIr {
        let Ok(args) = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        else {
            return NameIr::Unknown;
        };
        NameIr::Concat(
            args.iter()
                .map(|arg| self.lower_at(arg, depth + 1, binding))
                .collect(),
        )
    }

    /// `format!("Global\\{}-{pid}", NAME)`: the template's text pieces are literals (all with the
    /// template's span, so a fix appends to the template), its placeholders the arguments.
    fn format(&self, mac: &syn::Macro, depth: usize, binding: Option<&Binding>) -> NameIr {
        let Ok(args) = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        else {
            return NameIr::Unknown;
        };
        let mut args = args.into_iter();
        let Some(Expr::Lit(syn::ExprLit {
            lit: Lit::Str(template),
            ..
        })) = args.next()
        else {
            return NameIr::Unknown;
        };
        let mut positional = Vec::new();
        let mut named = HashMap::new();
        for arg in args {
            match arg {
                Expr::Assign(assign) => {
                    if let Expr::Path(path) = &*assign.left {
                        if let Some(ident) = path.path.get_ident() {
                            named.insert(ident.to_string(), *assign.right);
                        }
                    }
                }
                other => positional.push(other),
            }
        }
        let Some(pieces) = template_pieces(&template.value()) else {
            return NameIr::Unknown;
        };
        let span = self.file.byte_span(template.span());
        let mut parts = Vec::new();
        let mut next_positional = 0;
        for piece in pieces {
            match piece {
                TemplatePiece::Text(text) => parts.push(NameIr::Literal(Literal {
                    // The `String` ends where the template's text does: a NUL only if written.
                    terminated: Some(text.contains('\0')),
                    value: text,
                    file: self.file_id,
                    span,
                    macro_call: None,
                    binding: binding.cloned(),
                    unterminated_pointer: false,
                })),
                TemplatePiece::Placeholder(reference) => {
                    let argument = if reference.is_empty() {
                        next_positional += 1;
                        positional.get(next_positional - 1).cloned()
                    } else if let Ok(index) = reference.parse::<usize>() {
                        positional.get(index).cloned()
                    } else if let Some(expr) = named.get(&reference) {
                        Some(expr.clone())
                    } else {
                        // An inline capture: `{name}` reads the variable `name`.
                        syn::parse_str::<syn::Ident>(&reference).ok().map(|ident| {
                            Expr::Path(syn::ExprPath {
                                attrs: Vec::new(),
                                qself: None,
                                path: ident.into(),
                            })
                        })
                    };
                    let Some(argument) = argument else {
                        return NameIr::Unknown;
                    };
                    parts.push(self.part(&argument, depth + 1, binding));
                }
            }
        }
        NameIr::Concat(parts)
    }

    fn call(&self, call: &syn::ExprCall, depth: usize, binding: Option<&Binding>) -> NameIr {
        let Expr::Path(function) = &*call.func else {
            return NameIr::Unknown;
        };
        let segments = path_segments(&function.path);
        let last = segments.last().map_or("", String::as_str);
        // `ptr::null()`, `null_mut()`, `PCWSTR::null()`: a null name.
        if call.args.is_empty() && matches!(last, "null" | "null_mut") {
            return NameIr::Unnamed;
        }
        if call.args.len() != 1 {
            return self.function_call(&function.path, &call.args, depth);
        }
        // `LazyLock::new(|| …)`, `Lazy::new(|| …)`: the static's value is what the closure returns.
        if segments.len() >= 2 && LAZY_TYPES.contains(&segments[segments.len() - 2].as_str()) {
            return match &call.args[0] {
                Expr::Closure(closure) if closure.inputs.is_empty() => {
                    self.lower_at(&closure.body, depth + 1, binding)
                }
                _ => NameIr::Unknown,
            };
        }
        if !passes_through(&segments) {
            return self.function_call(&function.path, &call.args, depth);
        }
        // A one-argument conversion passes its name through: `Some(…)`, `PCWSTR(…)`,
        // `CString::new(…)`, `HSTRING::from(…)`, `OsStr::new(…)`, a helper like `to_wide(…)`.
        let inner = self.lower_at(&call.args[0], depth + 1, binding);
        let terminates = segments.len() >= 2
            && TERMINATING_CONSTRUCTORS.contains(&segments[segments.len() - 2].as_str());
        let helper =
            segments.len() == 1 && !matches!(last, "Some" | "PCWSTR" | "PCSTR" | "PWSTR" | "PSTR");
        map_literals(inner, |literal| {
            if terminates {
                literal.terminated = Some(true);
            } else if helper {
                // A helper's buffer is its own business.
                literal.terminated = None;
            }
        })
    }

    fn method_call(
        &self,
        call: &syn::ExprMethodCall,
        depth: usize,
        binding: Option<&Binding>,
    ) -> NameIr {
        let method_ident = &call.method;
        let method = call.method.to_string();
        let method = method.as_str();
        let receiver = || self.lower_at(&call.receiver, depth + 1, binding);
        if TRANSPARENT_METHODS.contains(&method) || method == "collect" {
            return receiver();
        }
        if UTF16_METHODS.contains(&method) {
            // The UTF-16 sequence keeps a NUL only if the text had one.
            return receiver();
        }
        if TERMINATING_METHODS.contains(&method) {
            return map_literals(receiver(), |literal| literal.terminated = Some(true));
        }
        if POINTER_METHODS.contains(&method) {
            let buffer = receiver();
            if !lacks_terminator(&buffer) {
                return buffer;
            }
            return map_literals(buffer, |literal| literal.unterminated_pointer = true);
        }
        // `NAME.get_or_init(|| …)` on a `OnceLock`/`OnceCell`: the value the closure makes is the
        // one every call sees once set here (a `set` elsewhere is not followed).
        if method == "get_or_init" {
            return match call.args.first() {
                Some(Expr::Closure(closure)) if closure.inputs.is_empty() => {
                    self.lower_at(&closure.body, depth + 1, binding)
                }
                _ => NameIr::Unknown,
            };
        }
        // `self.pipe_name()`: a method of the `impl` being read, which the crate defines.
        if let Expr::Path(receiver) = &*call.receiver {
            if receiver.path.is_ident("self") && self.self_type.is_some() {
                let path: syn::Path = syn::parse_quote!(Self::#method_ident);
                return self.function_call(&path, &call.args, depth);
            }
        }
        // `path.unwrap_or("Default")`: when the caller gives no name, the default is it.
        if matches!(method, "unwrap_or" | "unwrap_or_else") {
            if let Some(default) = call.args.first() {
                return match receiver() {
                    NameIr::Unknown | NameIr::Param(_) if method == "unwrap_or" => {
                        self.lower_at(default, depth + 1, binding)
                    }
                    known => known,
                };
            }
        }
        NameIr::Unknown
    }

    /// The `let`s of `ident` under `#[cfg]`s, latest (at `position`) first, back to the last one
    /// without a `cfg`, or to what `ident` means before them all: each the value in the
    /// programs its `cfg` selects. An earlier one under the same `cfg` as a later one is
    /// shadowed in every program.
    fn cfg_alternatives(
        &self,
        path: &syn::Path,
        ident: &str,
        position: usize,
        depth: usize,
    ) -> NameIr {
        let mut alternatives: Vec<(Cfg, NameIr)> = Vec::new();
        let mut later: Vec<Cfg> = Vec::new();
        let otherwise = |later: &[Cfg]| match later {
            [one] => format!("not({one})"),
            many => format!("not(any({}))", many.join(", ")),
        };
        for (at, local) in self.lets[..=position].iter().enumerate().rev() {
            if local.name != ident {
                continue;
            }
            let one = Site {
                lets: &self.lets[..=at],
                ..*self
            };
            let Some(cfg) = &local.cfg else {
                // Unconditional: the value wherever none of the later `cfg`s holds.
                alternatives.push((otherwise(&later), one.path_without_cfg(path, depth + 1)));
                return NameIr::Alternatives(alternatives);
            };
            if later.contains(cfg) {
                continue;
            }
            alternatives.push((cfg.clone(), one.path_without_cfg(path, depth + 1)));
            later.push(cfg.clone());
            // `#[cfg(x)]` after `#[cfg(not(x))]`: every program has one of them.
            if later.contains(&format!("not({cfg})"))
                || cfg
                    .strip_prefix("not(")
                    .and_then(|rest| rest.strip_suffix(')'))
                    .is_some_and(|negated| later.iter().any(|other| other == negated))
            {
                return NameIr::Alternatives(alternatives);
            }
        }
        // Before every `let`: the parameter or item of that name, if any.
        let before = Site {
            lets: &self.lets[..self
                .lets
                .iter()
                .position(|local| local.name == ident)
                .unwrap_or(0)],
            ..*self
        };
        alternatives.push((otherwise(&later), before.path(path, depth + 1)));
        NameIr::Alternatives(alternatives)
    }

    /// The path read with the latest `let` of its name taken as it is, `cfg` or not.
    fn path_without_cfg(&self, path: &syn::Path, depth: usize) -> NameIr {
        let Some(local) = self.lets.last() else {
            return NameIr::Unknown;
        };
        let unconditional = LetBinding {
            cfg: None,
            ..(*local).clone()
        };
        let mut lets = self.lets[..self.lets.len() - 1].to_vec();
        lets.push(&unconditional);
        Site {
            lets: &lets,
            ..*self
        }
        .path(path, depth)
    }

    /// A call of a function by its path with these arguments: maybe one of the crate's own,
    /// whose returned value the resolver reads (see [`NameIr::Call`]).
    fn function_call(
        &self,
        function: &syn::Path,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
        depth: usize,
    ) -> NameIr {
        let NameIr::Item(mut path) = self.item_path(function) else {
            return NameIr::Unknown;
        };
        // A function of another crate (`std::env::var`, a `use`d `uuid::Uuid::new_v4`) or of the
        // prelude's types (`String::new`) is none of the crate's: not looked for in its files.
        let segments = path.fallback.as_ref().unwrap_or(&path.segments);
        let in_package = segments.first().is_some_and(|key| key.starts_with('<'));
        let prelude = function
            .segments
            .first()
            .is_some_and(|first| PRELUDE_TYPES.contains(&first.ident.to_string().as_str()));
        if !in_package || (prelude && function.segments.len() > 1) {
            return NameIr::Unknown;
        }
        path.called = true;
        NameIr::Call(Box::new(FunctionCall {
            function: path,
            args: args
                .iter()
                .map(|arg| self.lower_at(arg, depth + 1, None))
                .collect(),
            otherwise: NameIr::Unknown,
        }))
    }

    fn path(&self, path: &syn::Path, depth: usize) -> NameIr {
        let segments = path_segments(path);
        if let [ident] = segments.as_slice() {
            if ident == "None" {
                return NameIr::Unnamed;
            }
            // The latest `let` of that name is the one in scope at the call; its initialiser
            // sees only the `let`s before it (`let name = to_wide(name);` reads the parameter).
            if let Some(position) = self
                .lets
                .iter()
                .rposition(|local| &local.name == ident && local.at < self.at)
            {
                if self.lets[position].cfg.is_some() {
                    return self.cfg_alternatives(path, ident, position, depth);
                }
                let local = self.lets[position];
                let Some(init) = &local.init else {
                    return NameIr::Unknown;
                };
                if local.local_key {
                    return match self.lower_at(init, depth + 1, None) {
                        NameIr::Item(path) => NameIr::LocalKey(path),
                        _ => NameIr::Unknown,
                    };
                }
                let binding = Binding {
                    kind: BindingKind::Let,
                    name: local.name.clone(),
                };
                let before = Site {
                    lets: &self.lets[..position],
                    at: local.at,
                    loop_depth: local.loop_depth,
                    ..*self
                };
                let initial = before.lower_at(init, depth + 1, Some(&binding));
                return self.mutated(local, initial, depth, &binding);
            }
            if let Some(index) = self.params.iter().position(|param| param == ident) {
                return NameIr::Param(index);
            }
        }
        self.item_path(path)
    }

    /// A path to an item of the crate, from where it is written: a `const` of the enclosing
    /// function first, else the path made absolute.
    fn item_path(&self, path: &syn::Path) -> NameIr {
        let segments = path_segments(path);
        if segments.is_empty() {
            return NameIr::Unknown;
        }
        let absolute = absolute_path(self.module_path, self.self_type, &segments, Some(self.uses));
        let local = match (segments.as_slice(), self.function) {
            ([ident], Some(function)) => {
                let mut local = self.module_path.to_vec();
                local.push(function_scope(function, self.file_id));
                local.push(ident.clone());
                Some(local)
            }
            _ => None,
        };
        let written = segments.join("::");
        NameIr::Item(match local {
            Some(local) => ItemPath {
                segments: local,
                fallback: Some(absolute),
                written,
                called: false,
            },
            None => ItemPath {
                segments: absolute,
                fallback: None,
                written,
                called: false,
            },
        })
    }
}

impl Site<'_> {
    /// A binding's value at this site: its initial value with the changes made before the
    /// site applied in order. A change objlint cannot follow, or any change after the site when
    /// a loop or closure around the site may run it again, makes the value unknown.
    fn mutated(
        &self,
        local: &LetBinding,
        initial: NameIr,
        depth: usize,
        binding: &Binding,
    ) -> NameIr {
        let repeated = self.loop_depth > local.loop_depth;
        let mut value = initial;
        for mutation in &local.mutations {
            if mutation.at >= self.at {
                if repeated {
                    return NameIr::Unknown;
                }
                continue;
            }
            // What the change reads, it reads as things stand where it is written.
            let there = Site {
                at: mutation.at,
                loop_depth: local.loop_depth,
                ..*self
            };
            value = match &mutation.kind {
                MutationKind::Opaque => return NameIr::Unknown,
                MutationKind::Assign(expr) => there.lower_at(expr, depth + 1, Some(binding)),
                // A name read up to its first NUL: text appended after one is not part of it.
                MutationKind::Append(_) if has_terminator(&value) => return NameIr::Unknown,
                MutationKind::Append(expr) if is_terminator(expr) => {
                    map_literals(value, |literal| literal.terminated = Some(true))
                }
                MutationKind::Append(expr) => {
                    NameIr::Concat(vec![value, there.part(expr, depth + 1, Some(binding))])
                }
            };
        }
        value
    }
}

/// Whether a buffer is known to hold no NUL at all: every piece is text written without one,
/// or a run-time value that never holds one (a process id, a user name, the package name). A
/// `const` is not resolved yet when this is asked, so a name reading one is not known.
fn lacks_terminator(name: &NameIr) -> bool {
    match name {
        NameIr::Literal(literal) => literal.terminated == Some(false),
        NameIr::Concat(parts) => {
            parts
                .iter()
                .any(|part| matches!(part, NameIr::Literal(_) | NameIr::Concat(_)))
                && parts.iter().all(|part| match part {
                    NameIr::Predictable(_) | NameIr::Env(_) => true,
                    other => lacks_terminator(other),
                })
        }
        _ => false,
    }
}

/// Whether a lowered name has a NUL written in it (its terminator, known to be there).
fn has_terminator(name: &NameIr) -> bool {
    match name {
        NameIr::Literal(literal) => literal.terminated == Some(true),
        NameIr::Concat(parts) => parts.iter().any(has_terminator),
        _ => false,
    }
}

/// Whether an appended value is the NUL terminator alone: `0`, `0u16`, `'\0'`, `"\0"`,
/// `&[0]`, `once(0)`.
fn is_terminator(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(syn::ExprLit { lit, .. }) => match lit {
            Lit::Int(int) => int.base10_digits() == "0",
            Lit::Char(character) => character.value() == '\0',
            Lit::Str(text) => !text.value().is_empty() && text.value().chars().all(|c| c == '\0'),
            _ => false,
        },
        Expr::Paren(inner) => is_terminator(&inner.expr),
        Expr::Reference(inner) => is_terminator(&inner.expr),
        Expr::Cast(cast) => is_terminator(&cast.expr),
        Expr::Array(array) => array.elems.len() == 1 && is_terminator(&array.elems[0]),
        _ => false,
    }
}

/// Whether a one-argument function returns its argument in another form, judged by its name:
/// a constructor (`CString::new`, `HSTRING::from`), a pointer wrapper (`PCWSTR(…)`, `Some(…)`),
/// or a helper named for a string conversion (`to_wide`, `to_utf16_nul`). Other functions of one
/// string — `env::var("NAME")`, `get_arg("server")` — return something else entirely.
fn passes_through(segments: &[String]) -> bool {
    let Some(last) = segments.last() else {
        return false;
    };
    if matches!(
        last.as_str(),
        "Some" | "PCWSTR" | "PCSTR" | "PWSTR" | "PSTR" | "BSTR"
    ) {
        return true;
    }
    let is_type = |segment: &String| segment.starts_with(|c: char| c.is_ascii_uppercase());
    let constructor = matches!(
        last.as_str(),
        "new"
            | "from"
            | "from_str"
            | "from_raw"
            | "from_vec"
            | "from_os_str"
            | "from_utf8"
            | "from_ptr"
    );
    if constructor && segments.len() >= 2 && is_type(&segments[segments.len() - 2]) {
        return true;
    }
    let lower = last.to_lowercase();
    [
        "wide",
        "utf16",
        "wstr",
        "wstring",
        "cstr",
        "cstring",
        "pcwstr",
        "pcstr",
        "hstring",
        "encode",
        "nul",
        "zero_term",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// What a function body can return, with the `let`s in scope at each value: the place a
/// function's value is lowered from.
#[derive(Debug)]
pub struct ReturnedValues {
    pub function: String,
    /// The parameter names (receiver excluded), in order.
    pub params: Vec<String>,
    /// Each `return`ed value and the tail, in order.
    pub values: Vec<(Vec<LetBinding>, Expr)>,
}

impl ReturnedValues {
    /// `None` when the body can return without a value, or ends in none (a `loop`, a panic).
    pub fn of(sig: &syn::Signature, block: &syn::Block) -> Option<Self> {
        let mut finder = ReturnFinder {
            scopes: vec![Vec::new()],
            values: Vec::new(),
            bare_return: false,
        };
        for stmt in &block.stmts {
            finder.visit_stmt(stmt);
        }
        if let Some(tail) = tail(block) {
            let lets = finder.scopes.concat();
            finder.values.push((lets, tail.clone()));
        }
        if finder.bare_return || finder.values.is_empty() {
            return None;
        }
        let params = parameter_names(sig);
        Some(Self {
            function: sig.ident.to_string(),
            params,
            values: finder.values,
        })
    }
}

/// Collects a body's `return`s with the `let`s visible at each. A `let mut` may change before
/// the return, and a binding made by a pattern is not followed: both hold no known value.
struct ReturnFinder {
    scopes: Vec<Vec<LetBinding>>,
    values: Vec<(Vec<LetBinding>, Expr)>,
    bare_return: bool,
}

impl<'ast> Visit<'ast> for ReturnFinder {
    fn visit_block(&mut self, node: &'ast syn::Block) {
        self.scopes.push(Vec::new());
        visit::visit_block(self, node);
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
        let init = node
            .init
            .as_ref()
            .filter(|init| simple && init.diverge.is_none())
            .map(|init| (*init.expr).clone());
        let mut names = Vec::new();
        pattern_identifiers(&node.pat, &mut names);
        let scope = self.scopes.last_mut().expect("a scope is open");
        for name in names {
            scope.push(LetBinding {
                name,
                init: init.clone(),
                local_key: false,
                cfg: cfg_of(&node.attrs),
                // Only bindings without `mut` keep their value: none is changed later.
                at: 0,
                loop_depth: 0,
                mutations: Vec::new(),
            });
        }
    }

    fn visit_expr_return(&mut self, node: &'ast syn::ExprReturn) {
        match &node.expr {
            Some(value) => {
                self.values.push((self.scopes.concat(), (**value).clone()));
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

fn tail(block: &syn::Block) -> Option<&Expr> {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(tail, None)) => Some(tail),
        _ => None,
    }
}

fn is_zero(expr: &Expr) -> bool {
    matches!(expr, Expr::Lit(syn::ExprLit { lit: Lit::Int(int), .. }) if int.base10_digits() == "0")
}

/// Applies `change` to every literal in a lowered name.
fn map_literals(name: NameIr, change: impl Fn(&mut Literal) + Copy) -> NameIr {
    match name {
        NameIr::Literal(mut literal) => {
            change(&mut literal);
            NameIr::Literal(literal)
        }
        NameIr::Concat(parts) => NameIr::Concat(
            parts
                .into_iter()
                .map(|part| map_literals(part, change))
                .collect(),
        ),
        other => other,
    }
}

enum TemplatePiece {
    Text(String),
    /// The argument reference inside `{…}`, before any `:` format spec.
    Placeholder(String),
}

/// Splits a `format!` template into text and placeholders; `None` if it is malformed.
fn template_pieces(template: &str) -> Option<Vec<TemplatePiece>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(character) = chars.next() {
        match character {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut inside = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        other => inside.push(other),
                    }
                }
                if !text.is_empty() {
                    pieces.push(TemplatePiece::Text(std::mem::take(&mut text)));
                }
                let reference = inside
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                pieces.push(TemplatePiece::Placeholder(reference));
            }
            other => text.push(other),
        }
    }
    if !text.is_empty() {
        pieces.push(TemplatePiece::Text(text));
    }
    Some(pieces)
}

/// Words in a run-time expression that make the value impossible to guess.
const UNIQUE_MARKERS: &[(&str, &str)] = &[
    ("uuid", "a UUID"),
    ("guid", "a GUID"),
    ("getrandom", "a random value"),
    ("rand", "a random value"),
    ("random", "a random value"),
    ("nanoid", "a random value"),
    ("ulid", "a random value"),
    ("hash", "a hash"),
    ("hasher", "a hash"),
    ("digest", "a hash"),
    ("sha256", "a hash"),
    ("blake3", "a hash"),
];

/// Words of an expression that makes a new UUID or GUID at run time.
const RANDOM_GUID_MARKERS: &[&str] = &[
    "new_v4",
    "new_v7",
    "now_v7",
    "now_v1",
    "new_v1",
    "cocreateguid",
    "uuidcreate",
    "getrandom",
    "rand",
    "random",
];

/// Words in a run-time expression that anyone on the machine can guess.
const PREDICTABLE_MARKERS: &[(&str, &str)] = &[
    ("process::id", "the process id"),
    ("getcurrentprocessid", "the process id"),
    ("pid", "the process id"),
    ("username", "the user name"),
    ("user_name", "the user name"),
    ("whoami", "the user name"),
    ("current_exe", "the executable path"),
    ("hostname", "the computer name"),
    ("computername", "the computer name"),
    ("session_id", "the session id"),
    ("getcurrentthreadid", "the thread id"),
];

/// Classifies a run-time value by the words its expression uses.
fn classify_runtime_value(expr: &Expr) -> NameIr {
    let text = quote::ToTokens::to_token_stream(expr)
        .to_string()
        .to_lowercase()
        .replace(' ', "");
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .filter(|word| !word.is_empty())
        .collect();
    let has_word = |marker: &str| {
        if marker.contains("::") {
            text.contains(marker)
        } else {
            words
                .iter()
                .any(|word| word.split("::").any(|segment| segment == marker))
        }
    };
    // A UUID or GUID built from a literal (`Uuid::parse_str("…")`, `GUID::from_u128(0x…)`) is
    // as unguessable as one written in the name, and as readable from the binary.
    let from_literal = text.contains('"') || words.iter().any(|word| word.starts_with("0x"));
    if (has_word("uuid") || has_word("guid"))
        && from_literal
        && !RANDOM_GUID_MARKERS.iter().any(|marker| has_word(marker))
    {
        return NameIr::Unique(super::WRITTEN_GUID.to_owned());
    }
    if let Some((_, what)) = UNIQUE_MARKERS.iter().find(|(marker, _)| has_word(marker)) {
        return NameIr::Unique((*what).to_owned());
    }
    if let Some((_, what)) = PREDICTABLE_MARKERS
        .iter()
        .find(|(marker, _)| has_word(marker))
    {
        return NameIr::Predictable((*what).to_owned());
    }
    NameIr::Unknown
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
