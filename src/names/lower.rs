//! Lowering: a syn name expression, read in its file and function, to a [`NameIr`].

mod macros;

use syn::spanned::Spanned;
use syn::{Expr, Lit};

use crate::names::build_time::build_time_match;
use crate::names::forms::{
    is_empty_string, is_zero, lacks_terminator, map_literals, passes_through, tail, LAZY_TYPES,
    LOCK_READS, POINTER_METHODS, PRELUDE_TYPES, TERMINATING_CONSTRUCTORS, TERMINATING_METHODS,
    TRANSPARENT_METHODS, UTF16_METHODS,
};
use crate::names::ir::{Binding, FileId, FunctionCall, ItemPath, Literal, NameIr, RustString};
use crate::names::scope::{absolute_path, function_scope, path_segments, LetBinding, UseMap};
use crate::names::unwrap;
use crate::scan::source::SourceFile;

/// Where a name expression is written.
pub struct Site<'a> {
    pub file: &'a SourceFile,
    pub file_id: FileId,
    pub lets: &'a [&'a LetBinding],
    /// The enclosing function's parameter names (receiver excluded), in order, and their
    /// types as Rust strings where they are ones (`String`, `&str`).
    pub params: &'a [String],
    pub param_types: &'a [Option<RustString>],
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

/// How deep lowering follows wrappers and `let`s; real code needs fewer than ten.
pub(crate) const MAX_DEPTH: usize = 24;
impl Site<'_> {
    pub fn lower(&self, expr: &Expr) -> NameIr {
        self.lower_at(expr, 0, None)
    }

    pub(crate) fn lower_at(&self, expr: &Expr, depth: usize, binding: Option<&Binding>) -> NameIr {
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
            // An `async fn`'s value is what its body returns.
            Expr::Await(inner) => next(&inner.base),
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
            Expr::Match(matched) => match build_time_match(matched, &next) {
                // `match f() { Ok(path) => path, Err(e) => return … }`: the value inside.
                NameIr::Unknown => {
                    unwrap::unwrapped_by_match(matched).map_or(NameIr::Unknown, next)
                }
                known => known,
            },
            Expr::Call(call) => self
                .hash_value(expr, depth)
                .unwrap_or_else(|| self.call(call, depth, binding)),
            Expr::MethodCall(call) => self
                .hash_value(expr, depth)
                .unwrap_or_else(|| self.method_call(call, depth, binding)),
            Expr::Path(path) => self.path(&path.path, depth),
            Expr::Field(field) => match &field.member {
                syn::Member::Unnamed(index) => self.element(&field.base, index.index, depth),
                syn::Member::Named(member) => self.field(&field.base, member, depth),
            },
            Expr::Binary(binary) if matches!(binary.op, syn::BinOp::Add(_)) => {
                NameIr::Concat(vec![
                    self.part(&binary.left, depth + 1, binding),
                    self.part(&binary.right, depth + 1, binding),
                ])
            }
            _ => NameIr::Unknown,
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
        // Empty text is no name only when it is the whole name: the resolver decides.
        let value = value.trim_end_matches('\0');
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
            completed_by: None,
        })
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
        // `String::new()`, `OsString::with_capacity(n)`: empty text that a name is built on by
        // the changes that follow (`name.push_str(PREFIX)`).
        if is_empty_string(&segments, call.args.len()) {
            return NameIr::Literal(Literal {
                value: String::new(),
                file: self.file_id,
                span: self.file.byte_span(call.span()),
                macro_call: None,
                binding: binding.cloned(),
                terminated: Some(false),
                unterminated_pointer: false,
                completed_by: None,
            });
        }
        if let Some(directory) = self.directory_call(call) {
            return directory;
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
        let helper = segments.len() == 1
            && !matches!(last, "Some" | "Ok" | "PCWSTR" | "PCSTR" | "PWSTR" | "PSTR");
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
        // `NAME.read()` on a lock static: the value it holds (see [`NameIr::Locked`]).
        if LOCK_READS.contains(&method) && call.args.is_empty() {
            return match receiver() {
                NameIr::Item(path) => NameIr::Locked(path),
                _ => NameIr::Unknown,
            };
        }
        if TRANSPARENT_METHODS.contains(&method)
            || method == "collect"
            || unwrap::keeps_success(method)
        {
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
        // `NAME.get()` on a `OnceLock`/`OnceCell` static: what its `set` calls give it.
        if method == "get" && call.args.is_empty() {
            return match receiver() {
                NameIr::Item(path) => NameIr::OnceValue(path),
                _ => NameIr::Unknown,
            };
        }
        if let Some(path) = self.path_method(call, depth, binding) {
            return path;
        }
        // `self.pipe_name()`: a method of the `impl` being read, which the crate defines.
        if let Expr::Path(receiver) = &*call.receiver {
            if receiver.path.is_ident("self") && self.self_type.is_some() {
                let path: syn::Path = syn::parse_quote!(Self::#method_ident);
                return self.function_call(&path, &call.args, depth);
            }
        }
        // `path.unwrap_or("Default")`: when the caller gives no name, the default is it. A
        // known name stays itself: the default is taken only when making it failed
        // (`CString::new(NAME).unwrap_or_default()`, `NAME` without a NUL).
        if matches!(method, "unwrap_or" | "unwrap_or_else" | "unwrap_or_default") {
            return match (receiver(), call.args.first()) {
                (NameIr::Unknown | NameIr::Param(_), Some(default)) if method == "unwrap_or" => {
                    self.lower_at(default, depth + 1, binding)
                }
                (known, _) => known,
            };
        }
        NameIr::Unknown
    }

    /// `value.1`: an element of a tuple written there, or of the tuple one of the crate's
    /// functions returns (`let (config, name) = setup()?;` reads `setup()?.1`).
    fn element(&self, base: &Expr, index: u32, depth: usize) -> NameIr {
        let mut tuple = base;
        loop {
            tuple = match tuple {
                Expr::Try(inner) => &inner.expr,
                Expr::Await(inner) => &inner.base,
                Expr::Paren(inner) => &inner.expr,
                Expr::MethodCall(call)
                    if matches!(call.method.to_string().as_str(), "unwrap" | "expect")
                        || unwrap::keeps_success(&call.method.to_string()) =>
                {
                    &call.receiver
                }
                _ => break,
            };
        }
        match tuple {
            Expr::Tuple(tuple) => tuple
                .elems
                .iter()
                .nth(index as usize)
                .map_or(NameIr::Unknown, |element| {
                    self.lower_at(element, depth + 1, None)
                }),
            Expr::Call(call) => match &*call.func {
                Expr::Path(function) => match self.function_call(&function.path, &call.args, depth)
                {
                    NameIr::Call(mut call) => {
                        call.function = call.function.element(index);
                        NameIr::Call(call)
                    }
                    _ => NameIr::Unknown,
                },
                _ => NameIr::Unknown,
            },
            _ => NameIr::Unknown,
        }
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

    pub(crate) fn path(&self, path: &syn::Path, depth: usize) -> NameIr {
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
                return self.local_value(position, init, depth, Self::lower_at);
            }
            if let Some(index) = self.params.iter().position(|param| param == ident) {
                return NameIr::Param(index);
            }
        }
        self.item_path(path)
    }

    /// A path to an item of the crate, from where it is written: a `const` of the enclosing
    /// function first, else the path made absolute.
    pub(super) fn item_path(&self, path: &syn::Path) -> NameIr {
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
