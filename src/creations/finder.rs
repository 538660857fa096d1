//! The creation finder: a syn visitor over a whole file that keeps what a call's name and
//! `ERROR_ALREADY_EXISTS` check depend on — the `let`s in scope, the enclosing function and
//! item, the module path and `Self` type — and hands each call to the catalogue matcher.

use std::collections::{HashMap, HashSet};

use syn::visit::{self, Visit};
use syn::Expr;

use super::already_exists::already_exists_checks;
use super::creation::{FnSignature, FoundCreation, WorldDescriptor};
use super::descriptors::{FileDescriptors, Reach};
use super::items::type_name;
use super::result_flow::views::{self, Views};
use super::result_flow::{self, CallerFailure, FrameBody, TrackedCall};
use crate::catalogue::apis::{Api, BindingCrate, ObjectKind, Origin};
use crate::catalogue::Catalogue;
use crate::names::mutations::BlockChanges;
use crate::names::scope::{
    bound_identifier, cfg_of, parameter_names, pattern_identifiers, LetBinding, UseMap,
};
use crate::names::strings::string_type;
use crate::names::unwrap::{tuple_elements, unwrapped_binding};
use crate::names::{FileId, NameIr, OnceSet, RustString};
use crate::scan::source::{ByteSpan, SourceFile};

/// A function's signature as its frame keeps it: the signature, the parameter names and their
/// types as Rust strings.
pub type FrameSignature = (FnSignature, Vec<String>, Vec<Option<RustString>>);

/// The body of a function or initialiser: where a check of `ERROR_ALREADY_EXISTS` after a
/// creation is looked for. Closures are not frames of their own: a closure is often called at
/// once (`try_seh(|| CreateFileMappingA(…))?`) and its result checked by the code after it.
pub struct Frame {
    /// The creations found in it, as indices into [`CreationFinder::creations`].
    pub creations: Vec<usize>,
    /// Parameter names of the function (receiver excluded).
    pub params: Vec<String>,
    /// Their declared types as Rust strings, where they are ones (`String`, `&str`).
    pub param_types: Vec<Option<RustString>>,
    pub signature: Option<FnSignature>,
    /// Method calls on `let`-bound values, in order: `options.first_pipe_instance(true);`.
    pub method_calls: Vec<(String, String, Option<Expr>, usize)>,
    /// The descriptors made to let others open their objects, by the binding each fills in,
    /// and what each creation's security attributes reach (see `security.rs`).
    pub descriptors: Vec<(String, WorldDescriptor<NameIr>)>,
    pub security_args: Vec<(usize, Reach)>,
}

/// The second pass over a file: every call of a catalogued API, recorded with the scopes
/// around it. Matching and recording a call is in `calls.rs`, macro bodies in `macros.rs`.
pub struct CreationFinder<'a> {
    pub file: &'a SourceFile,
    pub file_id: FileId,
    pub catalogue: &'a Catalogue,
    /// The words a macro's tokens must name for a creation to be among them (see
    /// `visit_macro_body`).
    pub macro_words: HashSet<String>,
    /// `use … as alias` renames of catalogued functions: alias → function name.
    pub aliases: HashMap<String, String>,
    pub uses: UseMap,
    pub module_path: Vec<String>,
    pub self_type: Option<String>,
    /// `let` bindings by block, innermost last.
    pub scopes: Vec<Vec<LetBinding>>,
    /// How many loops and closures enclose the code being visited.
    pub loop_depth: usize,
    pub frames: Vec<Frame>,
    /// Names of the enclosing items, outermost first.
    pub item_path: Vec<String>,
    pub creations: Vec<FoundCreation>,
    /// `NAME.set(value)` calls, which may fill a `OnceCell` static.
    pub once_sets: Vec<OnceSet>,
    /// `ERROR_ALREADY_EXISTS` checks on the failure of calls to functions that are not
    /// creations: the caller's side of a creation passed on with `?`.
    pub caller_failures: Vec<CallerFailure>,
    /// The views of each file mapping created in a function, by the creation's index: judged
    /// once the file's `impl`s can be read for views through the field a handle is stored in.
    pub mapping_views: Vec<(usize, Views)>,
    /// Whether the file names `ERROR_ALREADY_EXISTS` (or `AlreadyExists`) at all, looked for
    /// when a function that creates nothing is left.
    pub mentions_already_exists: std::cell::OnceCell<bool>,
    /// The file's binding crate, judged once, when its first creation is found (judging it
    /// per creation read the whole file again for each: 40,000 creations took 39 s).
    pub binding_crate: Option<BindingCrate>,
    pub returned_descriptors: FileDescriptors,
}

impl<'a> CreationFinder<'a> {
    /// A finder for one file, given what the first pass learnt of its `use`s and aliases.
    pub fn new(
        file: &'a SourceFile,
        file_id: FileId,
        module_path: &[String],
        catalogue: &'a Catalogue,
        aliases: HashMap<String, String>,
        uses: UseMap,
    ) -> Self {
        let mut macro_words: HashSet<String> = catalogue.keywords().into_iter().collect();
        macro_words.extend(
            catalogue
                .builder_methods()
                .into_iter()
                .chain(["Self"])
                .chain(aliases.keys().map(String::as_str))
                .chain(uses.renames())
                .map(str::to_owned),
        );
        CreationFinder {
            file,
            file_id,
            catalogue,
            macro_words,
            aliases,
            uses,
            module_path: module_path.to_vec(),
            self_type: None,
            scopes: vec![Vec::new()],
            loop_depth: 0,
            frames: Vec::new(),
            item_path: Vec::new(),
            creations: Vec::new(),
            once_sets: Vec::new(),
            caller_failures: Vec::new(),
            mapping_views: Vec::new(),
            mentions_already_exists: std::cell::OnceCell::new(),
            binding_crate: None,
            returned_descriptors: FileDescriptors::default(),
        }
    }
}

impl CreationFinder<'_> {
    /// Visits a function or initialiser; its `body` is read again only when a creation inside
    /// needs its `ERROR_ALREADY_EXISTS` check looked for.
    pub fn in_frame(
        &mut self,
        item: &str,
        signature: Option<FrameSignature>,
        body: FrameBody<'_>,
        visit: impl FnOnce(&mut Self),
    ) {
        self.item_path.push(item.to_owned());
        let (signature, params, param_types) = signature.map_or_else(
            || (None, Vec::new(), Vec::new()),
            |(signature, params, param_types)| (Some(signature), params, param_types),
        );
        self.frames.push(Frame {
            creations: Vec::new(),
            params,
            param_types,
            signature,
            method_calls: Vec::new(),
            descriptors: Vec::new(),
            security_args: Vec::new(),
        });
        self.scopes.push(Vec::new());
        visit(self);
        self.scopes.pop();
        let frame = self.frames.pop().expect("frames are balanced");
        self.item_path.pop();
        self.follow_descriptors(&frame, body);
        if frame.creations.is_empty() {
            // A function that creates nothing may still look for `ERROR_ALREADY_EXISTS` in the
            // failure of a function that passes a creation's result on.
            if *self.mentions_already_exists.get_or_init(|| {
                ["ALREADY_EXISTS", "AlreadyExists"]
                    .iter()
                    .any(|word| self.file.parse_text().contains(word))
            }) {
                let (_, callers) = result_flow::follow(self.file, body, &[]);
                self.caller_failures.extend(callers);
            }
            return;
        }
        let checks = already_exists_checks(self.file, body.tokens());
        let tracked: Vec<TrackedCall> = frame
            .creations
            .iter()
            .map(|&index| TrackedCall {
                call: self.creations[index].call,
                opens: self.creations[index].api.opens_existing,
            })
            .collect();
        let (flows, callers) = result_flow::follow(self.file, body, &tracked);
        self.caller_failures.extend(callers);
        for (&index, flow) in frame.creations.iter().zip(flows) {
            let creation = &mut self.creations[index];
            let dead: &[ByteSpan] = if creation.on_existing.already_exists_never_in_err() {
                &flow.failure_code
            } else {
                &[]
            };
            creation.already_exists_checked = flow.open_fallback
                || checks
                    .iter()
                    .any(|check| check.start >= creation.call.end && !dead.contains(check));
            creation.dead_checks = dead.iter().map(|&check| (self.file_id, check)).collect();
            creation.propagated = flow.propagated;
            // A raw `HANDLE` is closed by `CloseHandle`, never by going out of scope: only a
            // wrapper's value (tokio's `NamedPipeServer`) lets the object go when dropped. A
            // call of the crate's own function is judged by what its creation returns (see
            // `check::crate_functions`).
            if matches!(creation.api.origin, Origin::Crate { .. } | Origin::Derived) {
                creation.dropped = flow.dropped;
            }
        }
        self.follow_views(&frame.creations, body);
    }

    /// Follows the views of the file mappings among `creations` (a frame's) in `body`.
    fn follow_views(&mut self, creations: &[usize], body: FrameBody<'_>) {
        let mappings: Vec<usize> = creations
            .iter()
            .copied()
            .filter(|&index| self.creations[index].api.kind == ObjectKind::FileMapping)
            .collect();
        if mappings.is_empty() {
            return;
        }
        let calls: Vec<ByteSpan> = mappings
            .iter()
            .map(|&index| self.creations[index].call)
            .collect();
        let tallies = views::follow(self.file, body, &calls, self.self_type.as_deref());
        self.mapping_views.extend(mappings.into_iter().zip(tallies));
    }

    fn signature_of(&self, sig: &syn::Signature) -> FrameSignature {
        let has_receiver = sig.receiver().is_some();
        let params = parameter_names(sig);
        let param_types = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => Some(string_type(&typed.ty)),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let signature = FnSignature {
            name: sig.ident.to_string(),
            self_type: self.self_type.clone(),
            has_receiver,
        };
        (signature, params, param_types)
    }

    /// Whether a call of `api` here is inside a binding of it: a function named like the API,
    /// or like its family without the suffix (`CreateFileMapping` forwarding to
    /// `CreateFileMappingFromApp`), is how binding crates (`windows`, `winsafe`, `win-sys`)
    /// wrap the API, and its caller is the one that creates the object. A crate's own function
    /// is never a use of itself either. A function that sets a `OnceCell` static is called by
    /// a facade of the same name (`pub fn prepare(id) { platform::prepare(id) }`): a caller.
    pub fn inside_binding_of(&self, api: &Api) -> bool {
        if api.origin == Origin::Setter {
            return false;
        }
        self.frames
            .iter()
            .filter_map(|frame| frame.signature.as_ref())
            .any(|signature| {
                let function = signature.name.as_str();
                (function.starts_with("Create") && api.name.starts_with(function))
                    || api.name == function
                    || api.name.ends_with(&format!("::{function}"))
            })
    }
}

impl<'ast> Visit<'ast> for CreationFinder<'_> {
    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        let item = format!("fn {}", node.sig.ident);
        let signature = self.signature_of(&node.sig);
        self.in_frame(
            &item,
            Some(signature),
            FrameBody::Block(&node.block),
            |this| {
                visit::visit_item_fn(this, node);
            },
        );
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        let item = format!("fn {}", node.sig.ident);
        let signature = self.signature_of(&node.sig);
        self.in_frame(
            &item,
            Some(signature),
            FrameBody::Block(&node.block),
            |this| {
                visit::visit_impl_item_fn(this, node);
            },
        );
    }

    fn visit_trait_item_fn(&mut self, node: &'ast syn::TraitItemFn) {
        let item = format!("fn {}", node.sig.ident);
        let signature = self.signature_of(&node.sig);
        self.in_frame(
            &item,
            Some(signature),
            node.default
                .as_ref()
                .map_or(FrameBody::None, FrameBody::Block),
            |this| {
                visit::visit_trait_item_fn(this, node);
            },
        );
    }

    fn visit_item_impl(&mut self, node: &'ast syn::ItemImpl) {
        let self_type = type_name(&node.self_ty);
        self.item_path.push(format!("impl {self_type}"));
        let previous = self.self_type.replace(self_type);
        visit::visit_item_impl(self, node);
        self.self_type = previous;
        self.item_path.pop();
    }

    fn visit_item_trait(&mut self, node: &'ast syn::ItemTrait) {
        self.item_path.push(format!("trait {}", node.ident));
        visit::visit_item_trait(self, node);
        self.item_path.pop();
    }

    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        self.item_path.push(format!("mod {}", node.ident));
        self.module_path.push(node.ident.to_string());
        visit::visit_item_mod(self, node);
        self.module_path.pop();
        self.item_path.pop();
    }

    fn visit_item_const(&mut self, node: &'ast syn::ItemConst) {
        let item = format!("const {}", node.ident);
        self.in_frame(&item, None, FrameBody::Expr(&node.expr), |this| {
            visit::visit_item_const(this, node);
        });
    }

    fn visit_item_static(&mut self, node: &'ast syn::ItemStatic) {
        let item = format!("static {}", node.ident);
        self.in_frame(&item, None, FrameBody::Expr(&node.expr), |this| {
            visit::visit_item_static(this, node);
        });
    }

    fn visit_block(&mut self, node: &'ast syn::Block) {
        // The block's `let mut` bindings, whose later changes are read from the rest of it.
        let mutable: HashSet<String> = node
            .stmts
            .iter()
            .filter_map(|stmt| match stmt {
                syn::Stmt::Local(local) => mutable_identifier(&local.pat),
                _ => None,
            })
            .collect();
        let changes =
            (!mutable.is_empty()).then(|| BlockChanges::new(&node.stmts, &mutable, self.file));
        self.scopes.push(Vec::new());
        for (index, stmt) in node.stmts.iter().enumerate() {
            self.visit_stmt(stmt);
            let (syn::Stmt::Local(local), Some(changes)) = (stmt, &changes) else {
                continue;
            };
            let Some(name) = mutable_identifier(&local.pat) else {
                continue;
            };
            if let Some(binding) = self
                .scopes
                .last_mut()
                .and_then(|scope| scope.last_mut())
                .filter(|binding| binding.name == name && binding.init.is_some())
            {
                binding.mutations = changes.of(&name, index);
            }
        }
        self.scopes.pop();
    }

    fn visit_expr_closure(&mut self, node: &'ast syn::ExprClosure) {
        self.loop_depth += 1;
        self.with_pattern_bindings(node.inputs.iter(), None, |finder| {
            finder.visit_expr(&node.body);
        });
        self.loop_depth -= 1;
    }

    fn visit_expr_for_loop(&mut self, node: &'ast syn::ExprForLoop) {
        self.visit_expr(&node.expr);
        self.loop_depth += 1;
        self.with_pattern_bindings([&*node.pat], None, |finder| finder.visit_block(&node.body));
        self.loop_depth -= 1;
    }

    fn visit_expr_loop(&mut self, node: &'ast syn::ExprLoop) {
        self.loop_depth += 1;
        visit::visit_expr_loop(self, node);
        self.loop_depth -= 1;
    }

    fn visit_expr_match(&mut self, node: &'ast syn::ExprMatch) {
        self.visit_expr(&node.expr);
        for arm in &node.arms {
            let scrutinee = (&*node.expr, node.match_token.span);
            self.with_pattern_bindings([&arm.pat], Some(scrutinee), |finder| {
                if let Some((_, guard)) = &arm.guard {
                    finder.visit_expr(guard);
                }
                finder.visit_expr(&arm.body);
            });
        }
    }

    fn visit_expr_if(&mut self, node: &'ast syn::ExprIf) {
        let Expr::Let(condition) = &*node.cond else {
            visit::visit_expr_if(self, node);
            return;
        };
        self.visit_expr(&condition.expr);
        let scrutinee = (&*condition.expr, node.if_token.span);
        self.with_pattern_bindings([&*condition.pat], Some(scrutinee), |finder| {
            finder.visit_block(&node.then_branch);
        });
        if let Some((_, otherwise)) = &node.else_branch {
            self.visit_expr(otherwise);
        }
    }

    fn visit_expr_while(&mut self, node: &'ast syn::ExprWhile) {
        self.loop_depth += 1;
        if let Expr::Let(condition) = &*node.cond {
            self.visit_expr(&condition.expr);
            self.with_pattern_bindings([&*condition.pat], None, |finder| {
                finder.visit_block(&node.body);
            });
        } else {
            visit::visit_expr_while(self, node);
        }
        self.loop_depth -= 1;
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        // The initialiser runs before the binding exists.
        visit::visit_local(self, node);
        let Some(init) = &node.init else { return };
        let at = self.file.byte_span(node.let_token.span).start;
        let mut bindings = Vec::new();
        if let Some(name) = bound_identifier(&node.pat) {
            bindings.push((name, Some((*init.expr).clone())));
        } else {
            let elements = tuple_elements(&node.pat, &init.expr);
            // `let Ok(path) = f() else { return … };`: the value inside, as `f()?` gives it.
            let unwrapped = unwrapped_binding(&node.pat).filter(|_| init.diverge.is_some());
            let mut names = Vec::new();
            pattern_identifiers(&node.pat, &mut names);
            // Any other binding holds a value objlint does not follow, which still hides what
            // its name meant before.
            for name in names {
                let element = elements.iter().find(|(bound, _)| *bound == name);
                let init = match element {
                    Some((_, element)) => Some(element.clone()),
                    None if unwrapped.as_ref() == Some(&name) => Some((*init.expr).clone()),
                    None => None,
                };
                bindings.push((name, init));
            }
        }
        let scope = self.scopes.last_mut().expect("a scope is open");
        for (name, init) in bindings {
            scope.push(LetBinding {
                name,
                init,
                local_key: false,
                cfg: cfg_of(&node.attrs),
                at,
                loop_depth: self.loop_depth,
                mutations: Vec::new(),
            });
        }
    }

    fn visit_expr(&mut self, node: &'ast Expr) {
        if self.visit_local_key_closure(node) {
            return;
        }
        self.find_call(node);
        visit::visit_expr(self, node);
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        self.visit_macro_body(node);
    }
}

impl CreationFinder<'_> {
    /// `NAME.with(|name| …)`: inside the closure, `name` is the `thread_local!` static's value.
    /// Returns whether `node` was such a call, visited.
    fn visit_local_key_closure(&mut self, node: &Expr) -> bool {
        let Some((name, call, closure)) = local_key_closure(node) else {
            return false;
        };
        self.visit_expr(&call.receiver);
        self.scopes.push(vec![LetBinding {
            name,
            init: Some((*call.receiver).clone()),
            local_key: true,
            cfg: None,
            at: 0,
            loop_depth: self.loop_depth,
            mutations: Vec::new(),
        }]);
        self.visit_expr(&closure.body);
        self.scopes.pop();
        true
    }

    /// Visits what `visit` visits with the identifiers `patterns` bind in scope, their values
    /// unknown: a name read from one of them is no constant to look for. Where the patterns
    /// match a scrutinee (with the span of the `match` or `if` before it), the one an `Ok(x)` or
    /// `Some(x)` binds is the value inside it.
    fn with_pattern_bindings<'p>(
        &mut self,
        patterns: impl IntoIterator<Item = &'p syn::Pat>,
        scrutinee: Option<(&Expr, proc_macro2::Span)>,
        visit: impl FnOnce(&mut Self),
    ) {
        let loop_depth = self.loop_depth;
        // The scrutinee is read after every `let` before its `match` or `if`.
        let at = scrutinee.map_or(0, |(_, keyword)| self.file.byte_span(keyword).start);
        let mut scope = Vec::new();
        for pattern in patterns {
            let mut bindings = Vec::new();
            pattern_identifiers(pattern, &mut bindings);
            let unwrapped = scrutinee.and(unwrapped_binding(pattern));
            scope.extend(bindings.into_iter().map(|name| {
                LetBinding {
                    init: scrutinee
                        .filter(|_| unwrapped.as_ref() == Some(&name))
                        .map(|(expr, _)| expr.clone()),
                    name,
                    local_key: false,
                    cfg: None,
                    at,
                    loop_depth,
                    mutations: Vec::new(),
                }
            }));
        }
        self.scopes.push(scope);
        visit(self);
        self.scopes.pop();
    }
}

/// For `NAME.with(|name| …)` (or `with_borrow`, for a `RefCell` inside), where `NAME` is a
/// path: the closure's parameter, the call and the closure.
fn local_key_closure(expr: &Expr) -> Option<(String, &syn::ExprMethodCall, &syn::ExprClosure)> {
    let Expr::MethodCall(call) = expr else {
        return None;
    };
    if !matches!(call.method.to_string().as_str(), "with" | "with_borrow")
        || !matches!(&*call.receiver, Expr::Path(_))
        || call.args.len() != 1
    {
        return None;
    }
    let Expr::Closure(closure) = &call.args[0] else {
        return None;
    };
    match closure.inputs.iter().collect::<Vec<_>>().as_slice() {
        [input] => Some((bound_identifier(input)?, call, closure)),
        _ => None,
    }
}

/// The identifier a `let mut name` or `let mut name: T` pattern binds.
fn mutable_identifier(pattern: &syn::Pat) -> Option<String> {
    match pattern {
        syn::Pat::Ident(ident) if ident.subpat.is_none() && ident.mutability.is_some() => {
            Some(ident.ident.to_string())
        }
        syn::Pat::Type(typed) => mutable_identifier(&typed.pat),
        _ => None,
    }
}
