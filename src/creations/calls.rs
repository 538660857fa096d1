//! Matching a call against the catalogue and recording it: function and path calls, methods,
//! builder chains (also on a `let`-bound builder), with the facts their arguments give.

use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Token};

use super::already_exists::already_exists_checks;
use super::arguments::{initially_owned, is_one, pipe_instances, truth_value};
use super::creation::FoundCreation;
use super::finder::CreationFinder;
use crate::catalogue::apis::{Api, BindingCrate, Matcher, Origin};
use crate::names::lower::Site;
use crate::names::scope::{absolute_path, path_segments, LetBinding};
use crate::names::{Composition, NameIr, OnceSet, SetCall, StrPointer};

impl CreationFinder<'_> {
    /// Records `node` if it calls a catalogued API.
    pub fn find_call(&mut self, node: &Expr) {
        match node {
            Expr::Call(call) => self.find_path_call(node, call),
            Expr::MethodCall(call) => self.find_method_call(node, call),
            _ => {}
        }
    }

    /// A call of a function or associated function by its path (or a `use … as` alias).
    fn find_path_call(&mut self, node: &Expr, call: &syn::ExprCall) {
        let Expr::Path(function) = &*call.func else {
            return;
        };
        let segments = path_segments(&function.path);
        let ident = segments.last().cloned().unwrap_or_default();
        self.record_descriptor(&ident, call);
        let resolved = self.aliases.get(&ident).cloned();
        let absolute = absolute_path(
            &self.module_path,
            self.self_type.as_deref(),
            &segments,
            Some(&self.uses),
        );
        let api = self.catalogue.for_path(
            &segments,
            &absolute,
            resolved.as_deref(),
            self.self_type.as_deref(),
        );
        let Some(api) = api else {
            return;
        };
        let callee = function
            .path
            .segments
            .last()
            .map_or_else(|| call.func.span(), |s| s.ident.span());
        let callee = if segments.len() > 1 && !matches!(api.matcher, Matcher::Function(_)) {
            call.func.span()
        } else {
            callee
        };
        self.record(&api, &Call::new(callee, call.span(), &call.args, node));
    }

    /// A method call: the end of a builder chain, or a method distinctive enough to match
    /// alone. A method called on a `let`-bound value is remembered for the builder chains.
    fn find_method_call(&mut self, node: &Expr, call: &syn::ExprMethodCall) {
        let method = call.method.to_string();
        if matches!(method.as_str(), "set" | "get_or_init") {
            self.record_once_set(call);
        }
        if let Some(builder) = self.builder_call(call) {
            // tokio's `create_with_security_attributes_raw(addr, attributes)`.
            let security_arg = (method == "create_with_security_attributes_raw")
                .then(|| call.args.get(1))
                .flatten();
            let found = Call {
                name_from_chain: builder.name_from_chain.as_ref(),
                security_arg,
                first_pipe_instance: builder.first_pipe_instance,
                one_instance_limit: builder.one_instance_limit,
                ..Call::new(call.method.span(), call.span(), &call.args, node)
            };
            self.record(&builder.api, &found);
        } else if let Some(api) = self
            .catalogue
            .for_method(&method)
            .or_else(|| self.self_method(call, &method))
        {
            let found = Call::new(call.method.span(), call.span(), &call.args, node);
            self.record(&api, &found);
        }
        // `options.first_pipe_instance(true);` on a `let`-bound builder, or further along a
        // chain on it (`options.reject_remote_clients(true).first_pipe_instance(true);`): a
        // builder's methods return it.
        if let Expr::Path(receiver) = chain_root(&call.receiver) {
            if let (Some(ident), Some(frame)) = (receiver.path.get_ident(), self.frames.last_mut())
            {
                let position = call.span().start().line;
                frame.method_calls.push((
                    ident.to_string(),
                    method,
                    call.args.first().cloned(),
                    position,
                ));
            }
        }
    }

    /// `self.open_instance(name)` inside an `impl` of the type whose method passes the name on.
    fn self_method(&self, call: &syn::ExprMethodCall, method: &str) -> Option<Arc<Api>> {
        let Expr::Path(receiver) = &*call.receiver else {
            return None;
        };
        if !receiver.path.is_ident("self") {
            return None;
        }
        self.catalogue
            .for_self_method(self.self_type.as_deref()?, method)
    }

    fn record(&mut self, api: &Arc<Api>, call: &Call<'_>) {
        if self.inside_binding_of(api) {
            return;
        }
        let name_expr = match call.name_from_chain {
            Some(expr) => Some(expr),
            None => call.args.get(api.name_arg).copied(),
        };
        let Some(name_expr) = name_expr else {
            // Fewer arguments than the signature: some other function of that name, or a
            // builder given no name (which then makes up a unique one itself).
            return;
        };
        let mut name = self.lower_name(api, call, name_expr);
        let str_pointer = self.str_pointer(api, call, name_expr);
        if matches!(api.origin, Origin::Derived | Origin::Setter) {
            name = self.composed_name(api, call, name);
        }
        let initially_owned = initially_owned(api.ownership, &call.args);
        let (first_pipe_instance, one_instance_limit) = pipe_instances(
            api,
            &call.args,
            (call.first_pipe_instance, call.one_instance_limit),
        );
        let binding_crate = *self
            .binding_crate
            .get_or_insert_with(|| BindingCrate::of(self.file.parse_text()));
        let index = self.creations.len();
        self.creations.push(FoundCreation {
            api: Arc::clone(api),
            file: self.file_id,
            callee: self.file.byte_span(call.callee),
            call: self.file.byte_span(call.whole),
            name_arg: self.file.byte_span(name_expr.span()),
            name,
            initially_owned,
            first_pipe_instance,
            one_instance_limit,
            already_exists_checked: false,
            views_bounded: false,
            on_existing: api.on_existing.through(binding_crate),
            dead_checks: Vec::new(),
            propagated: false,
            dropped: None,
            enclosing_item: self.item_path.join("::"),
            enclosing_fn: self.frames.last().and_then(|frame| frame.signature.clone()),
            via: None,
            binding_crate,
            name_shape: None,
            cfg: None,
            compiled_under: None,
            in_test_code: false,
            str_pointer,
            descriptors: Vec::new(),
        });
        let security_arg = call.security_arg.or_else(|| {
            api.security_arg
                .and_then(|index| call.args.get(index).copied())
        });
        if let Some(arg) = security_arg {
            self.record_security_arg(index, arg);
        }
        if let Some(frame) = self.frames.last_mut() {
            frame.creations.push(index);
        } else {
            // A creation outside any function (a macro at item level): its own tokens are all
            // that can follow it.
            let checks = already_exists_checks(self.file, call.tokens());
            self.creations[index].already_exists_checked = !checks.is_empty();
        }
    }

    /// The name `name_expr` gives a call of `api`, lowered where the call stands, with the
    /// namespace the API adds in front.
    fn lower_name(&self, api: &Api, call: &Call<'_>, name_expr: &Expr) -> NameIr {
        let name = self.at_call(call, |site| site.lower(name_expr));
        if api.added_prefix.is_empty() {
            name
        } else {
            NameIr::Concat(vec![NameIr::Added(api.added_prefix.to_string()), name])
        }
    }

    /// A raw pointer to a Rust string's bytes given to a Win32 function as its name (see
    /// [`StrPointer`]). Its `…A` functions read bytes, the others UTF-16.
    fn str_pointer(&self, api: &Api, call: &Call<'_>, name_expr: &Expr) -> Option<StrPointer> {
        if api.origin != Origin::Win32 || api.opens_existing {
            return None;
        }
        let wide = !api.name.ends_with('A');
        self.at_call(call, |site| site.str_pointer(name_expr, wide))
    }

    /// What `read` makes of an expression written in `call`'s arguments, with what it sees
    /// there: the `let`s in scope, the function's parameters, the module and `Self` type.
    fn at_call<T>(&self, call: &Call<'_>, read: impl FnOnce(&Site<'_>) -> T) -> T {
        self.at_byte(self.file.byte_span(call.whole).start, read)
    }

    /// What `read` makes of an expression written at byte `at`, with what it sees there.
    pub(super) fn at_byte<T>(&self, at: usize, read: impl FnOnce(&Site<'_>) -> T) -> T {
        let lets: Vec<&LetBinding> = self.scopes.iter().flatten().collect();
        let (params, param_types) = self.frames.last().map_or((&[][..], &[][..]), |frame| {
            (frame.params.as_slice(), frame.param_types.as_slice())
        });
        let site = Site {
            file: self.file,
            file_id: self.file_id,
            lets: &lets,
            params,
            param_types,
            module_path: &self.module_path,
            self_type: self.self_type.as_deref(),
            uses: &self.uses,
            function: self
                .frames
                .iter()
                .rev()
                .find_map(|frame| frame.signature.as_ref())
                .map(|signature| signature.name.as_str()),
            at,
            loop_depth: self.loop_depth,
        };
        read(&site)
    }

    /// `NAME.set(value)` (or `NAME.get_or_init(|| value)`) where `NAME` is a path: the value
    /// it may give a `OnceCell` static (whether `NAME` is one is known once the package's items
    /// are).
    fn record_once_set(&mut self, call: &syn::ExprMethodCall) {
        if !matches!(&*call.receiver, Expr::Path(_)) || call.args.len() != 1 {
            return;
        }
        let value = match &call.args[0] {
            Expr::Closure(closure) if call.method == "get_or_init" => {
                if !closure.inputs.is_empty() {
                    return;
                }
                &*closure.body
            }
            value if call.method == "set" => value,
            _ => return,
        };
        let whole = self.file.byte_span(call.span());
        let NameIr::Item(path) = self.at_byte(whole.start, |site| site.lower(&call.receiver))
        else {
            return;
        };
        let value = self.at_byte(whole.start, |site| site.lower(value));
        self.once_sets.push(OnceSet {
            cell: path,
            value,
            call: SetCall {
                function: None,
                file: self.file_id,
                call: whole,
                // Both known once the file's tree has been walked (see `creations::find`).
                cfg: None,
                in_member: false,
            },
            enclosing_fn: self.frames.last().and_then(|frame| frame.signature.clone()),
        });
    }

    /// The name a call of one of the crate's functions that passes a name on gives: the name
    /// argument, until the stage that follows those functions puts the function's own
    /// composition around it (see [`NameIr::Composed`]); every argument is lowered, for the
    /// composition may read any of them.
    fn composed_name(&self, api: &Api, call: &Call<'_>, name: NameIr) -> NameIr {
        let mut args: Vec<NameIr> = call
            .args
            .iter()
            .enumerate()
            .map(|(index, arg)| {
                if index == api.name_arg {
                    NameIr::Unknown
                } else {
                    self.lower_name(api, call, arg)
                }
            })
            .collect();
        if let Some(arg) = args.get_mut(api.name_arg) {
            *arg = name;
        }
        NameIr::Composed(Box::new(Composition {
            function: api.name.to_string(),
            name: Arc::new(NameIr::Param(api.name_arg)),
            args,
        }))
    }

    /// A builder chain that ends in `method`, if it starts at one of the catalogue's builder
    /// roots: the API, the expression that names the object and the pipe's first-instance
    /// option, read from the chain and from method calls on the `let`-bound builder.
    fn builder_call(&self, node: &syn::ExprMethodCall) -> Option<BuilderCall> {
        let method = node.method.to_string();
        let (root_call, mut chain) = self.builder_root(node)?;
        let Expr::Path(function) = &*root_call.func else {
            return None;
        };
        let root_path = path_segments(&function.path);
        // The root's own argument names the object in some crates (`PipeOptions::new(name)`).
        if let Some(root) = root_path.last() {
            chain.push((root.clone(), root_call.args.first().cloned()));
        }
        // The first builder whose naming method the chain calls.
        let (api, name_from_chain) =
            self.catalogue
                .builders(&root_path, &method)
                .find_map(|api| match &api.matcher {
                    Matcher::Builder {
                        name_method: Some(name_method),
                        ..
                    } => chain
                        .iter()
                        .find(|(name, _)| name == name_method)
                        .and_then(|(_, argument)| argument.clone())
                        .map(|argument| (Arc::clone(api), Some(argument))),
                    _ => Some((Arc::clone(api), None)),
                })?;
        let (first_pipe_instance, one_instance_limit) = chain_pipe_instances(&api, &chain);
        Some(BuilderCall {
            api,
            name_from_chain,
            first_pipe_instance,
            one_instance_limit,
        })
    }

    /// The call a builder chain ending at `node` starts at, and the methods called on the way
    /// with their first argument: the chain's own, innermost last, then for a `let`-bound
    /// builder those of its initialiser and those called on the binding before.
    fn builder_root<'e>(
        &'e self,
        node: &'e syn::ExprMethodCall,
    ) -> Option<(&'e syn::ExprCall, Chain)> {
        let mut chain = Chain::new();
        let mut receiver = &*node.receiver;
        loop {
            match receiver {
                Expr::MethodCall(inner) => {
                    chain.push((inner.method.to_string(), inner.args.first().cloned()));
                    receiver = &inner.receiver;
                }
                Expr::Paren(inner) => receiver = &inner.expr,
                Expr::Reference(inner) => receiver = &inner.expr,
                _ => break,
            }
        }
        let root_call = match receiver {
            Expr::Call(call) => call,
            // `let mut options = ServerOptions::new(); …; options.create(name)`.
            Expr::Path(path) => {
                let ident = path.path.get_ident()?.to_string();
                let local = self
                    .scopes
                    .iter()
                    .flatten()
                    .rev()
                    .find(|local| local.name == ident)?;
                let mut init = local.init.as_ref()?;
                while let Expr::MethodCall(inner) = init {
                    chain.push((inner.method.to_string(), inner.args.first().cloned()));
                    init = &inner.receiver;
                }
                if let Some(frame) = self.frames.last() {
                    for (target, method, argument, _) in &frame.method_calls {
                        if *target == ident {
                            chain.push((method.clone(), argument.clone()));
                        }
                    }
                }
                let Expr::Call(call) = init else { return None };
                call
            }
            _ => return None,
        };
        Some((root_call, chain))
    }
}

/// The value a chain of method calls starts from (`options` in `options.a(1).b(2)`).
fn chain_root(mut expr: &Expr) -> &Expr {
    loop {
        match expr {
            Expr::MethodCall(inner) => expr = &inner.receiver,
            Expr::Paren(inner) => expr = &inner.expr,
            _ => return expr,
        }
    }
}

/// What a builder chain asks of a pipe: its first instance, through the builder's method for
/// it (tokio's `first_pipe_instance` defaults to false, named_pipe's `first` to true), and a
/// limit of one instance (`max_instances(1)`, no claim: see [`pipe_instances`]).
fn chain_pipe_instances(api: &Api, chain: &[(String, Option<Expr>)]) -> (Option<bool>, bool) {
    let one_instance_limit = chain
        .iter()
        .any(|(name, argument)| name == "max_instances" && argument.as_ref().is_some_and(is_one));
    let first_pipe_instance = api
        .first_instance_method
        .and_then(|method| chain.iter().find(|(name, _)| name == method))
        .map_or(api.first_pipe_instance, |(_, argument)| {
            argument.as_ref().and_then(truth_value)
        });
    (first_pipe_instance, one_instance_limit)
}

/// The methods a builder chain calls, each with its first argument.
type Chain = Vec<(String, Option<Expr>)>;

/// A builder chain that ends in a creating method.
struct BuilderCall {
    api: Arc<Api>,
    name_from_chain: Option<Expr>,
    first_pipe_instance: Option<bool>,
    one_instance_limit: bool,
}

/// The parts of a call `record` needs, whatever its syntax.
struct Call<'e> {
    callee: proc_macro2::Span,
    whole: proc_macro2::Span,
    args: Vec<&'e Expr>,
    /// For a builder whose name is set by a method of the chain (`.os_id(name)`).
    name_from_chain: Option<&'e Expr>,
    /// The call's `SECURITY_ATTRIBUTES`, where the API's own index does not say.
    security_arg: Option<&'e Expr>,
    first_pipe_instance: Option<bool>,
    one_instance_limit: bool,
    node: &'e Expr,
}

impl<'e> Call<'e> {
    /// A call whose arguments say all there is (no builder chain around it).
    fn new(
        callee: proc_macro2::Span,
        whole: proc_macro2::Span,
        args: &'e Punctuated<Expr, Token![,]>,
        node: &'e Expr,
    ) -> Self {
        Call {
            callee,
            whole,
            args: args.iter().collect(),
            name_from_chain: None,
            security_arg: None,
            first_pipe_instance: None,
            one_instance_limit: false,
            node,
        }
    }

    fn tokens(&self) -> TokenStream {
        self.node.to_token_stream()
    }
}
