//! Finds every call that creates a named kernel object, anywhere in a file, and records it as a
//! [`FoundCreation`]: the facts the lints need, with the name lowered to a [`NameIr`].
//!
//! The visitor walks all code regardless of `cfg` (objlint must see Windows code on any host),
//! parses macro bodies whose tokens form expressions, statements or items, and keeps the
//! `let`s in scope, the enclosing function and the module path, so that names and
//! `ERROR_ALREADY_EXISTS` checks can be resolved.

pub mod result_flow;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

use self::result_flow::{CallerFailure, FrameBody, TrackedCall};
use crate::catalogue::apis::{Api, BindingCrate, Matcher, ObjectKind, OnExisting, OwnershipArg};
use crate::catalogue::Catalogue;
use crate::names::lower::{
    absolute_path, bound_identifier, cfg_of, function_scope, parameter_names, path_segments,
    pattern_identifiers, LetBinding, ReturnedValues, Site, UseMap,
};
use crate::names::mutations::BlockChanges;
use crate::names::{BindingKind, Cfg, FileId, ItemValue, NameIr};
use crate::project::crates::FilePlace;
use crate::scan::source::{code_words, ByteSpan, SourceFile};

/// One call that creates a (possibly) named kernel object, as found in its file.
#[derive(Debug, Clone)]
pub struct FoundCreation {
    pub api: Arc<Api>,
    pub file: FileId,
    /// The called function's name, as written (an alias, or the last segment of a path).
    pub callee: ByteSpan,
    /// The whole call expression.
    pub call: ByteSpan,
    /// The name argument.
    pub name_arg: ByteSpan,
    pub name: NameIr,
    /// For mutexes: `Some(true)` when the call provably asks for initial ownership.
    pub initially_owned: Option<bool>,
    /// For pipe servers: whether the call provably asks (or provably does not ask) to be the
    /// pipe's first instance.
    pub first_pipe_instance: Option<bool>,
    /// For pipe servers: whether the call asks for at most one instance (`nMaxInstances` 1,
    /// `.max_instances(1)`), which limits only a pipe the call creates first.
    pub one_instance_limit: bool,
    /// Whether the enclosing function mentions `ERROR_ALREADY_EXISTS` (or an equivalent) after
    /// the call, where it can see an existing object, or creates the object only as the
    /// fallback of an open whose handle it uses.
    pub already_exists_checked: bool,
    /// What this call reports when the object already exists, for the binding it is made
    /// through (never [`OnExisting::ByBinding`]).
    pub on_existing: OnExisting,
    /// `ERROR_ALREADY_EXISTS` checks that only a failure of this call reaches, where
    /// `on_existing` says no failure ever carries it: they can never be true.
    pub dead_checks: Vec<(FileId, ByteSpan)>,
    /// Whether the call's result leaves its function (`call?`, `return call`, the body's value).
    pub propagated: bool,
    /// The item the call is in, such as `fn main` or `impl Shared::fn open`.
    pub enclosing_item: String,
    /// The function the call is in, when it is one whose callers could pass the name.
    pub enclosing_fn: Option<FnSignature>,
    /// For a call of one of the crate's own functions that passes its parameter to a creation:
    /// that creation.
    pub via: Option<Via>,
    /// The binding crate the file calls Win32 through, for the check the help shows.
    pub binding_crate: BindingCrate,
}

/// One creation with its name resolved: the facts every lint sees.
#[derive(Debug, Clone)]
pub struct Creation {
    pub api: Arc<Api>,
    /// Index of the file in the package's file list.
    pub file: usize,
    pub callee: ByteSpan,
    pub call: ByteSpan,
    pub name_arg: ByteSpan,
    pub name: crate::names::ObjectName,
    pub initially_owned: Option<bool>,
    pub first_pipe_instance: Option<bool>,
    pub one_instance_limit: bool,
    pub already_exists_checked: bool,
    pub on_existing: OnExisting,
    pub dead_checks: Vec<(FileId, ByteSpan)>,
    pub enclosing_item: String,
    pub via: Option<Via>,
    /// The binding crate the file calls Win32 through, for the check the help shows.
    pub binding_crate: BindingCrate,
    /// For one of a name's `cfg` alternatives: the `cfg` predicate under which it is the name.
    pub cfg: Option<String>,
}

/// A function of the checked crate, as callers name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FnSignature {
    pub name: String,
    /// The `impl` type, for an associated function.
    pub self_type: Option<String>,
    /// Whether it takes `self` (then callers use method syntax).
    pub has_receiver: bool,
}

/// The creation inside a crate function that a call of that function ends in.
#[derive(Debug, Clone)]
pub struct Via {
    pub file: FileId,
    pub callee: ByteSpan,
    pub api_name: String,
    /// The API of that creation, whose arguments the notes describe.
    pub api: Arc<Api>,
}

/// What one file contributes: its creations, and its `const`/`static` items by absolute path.
#[derive(Debug, Default)]
pub struct FileFacts {
    pub creations: Vec<FoundCreation>,
    pub items: Vec<(Vec<String>, ItemValue)>,
    /// Checks on the failure of calls of functions that are not creations.
    pub caller_failures: Vec<(FileId, CallerFailure)>,
}

/// Every creation in a parsed file, in source order, with the file's items. `place` is where
/// the file stands in its package (`["<lib>", "ipc"]` for `src/ipc.rs`).
pub fn find(
    file: &SourceFile,
    file_id: FileId,
    place: &FilePlace,
    syntax: &syn::File,
    catalogue: &Catalogue,
) -> FileFacts {
    let module_path = place.module_path.as_slice();
    let mut collector = ItemCollector {
        file,
        file_id,
        module_path: module_path.to_vec(),
        function: None,
        self_type: None,
        uses: UseMap::new(place.library.clone(), place.members.clone()),
        consts: Vec::new(),
        aliases: HashMap::new(),
        catalogue,
    };
    collector.visit_file(syntax);
    let items = collector.lower_items();
    let mut macro_words: HashSet<String> = catalogue.keywords().into_iter().collect();
    macro_words.extend(
        catalogue
            .builder_methods()
            .into_iter()
            .chain(["Self"])
            .chain(collector.aliases.keys().map(String::as_str))
            .chain(collector.uses.renames())
            .map(str::to_owned),
    );
    let mut finder = CreationFinder {
        file,
        file_id,
        catalogue,
        macro_words,
        aliases: collector.aliases,
        uses: collector.uses,
        module_path: module_path.to_vec(),
        self_type: None,
        scopes: vec![Vec::new()],
        loop_depth: 0,
        frames: Vec::new(),
        item_path: Vec::new(),
        creations: Vec::new(),
        caller_failures: Vec::new(),
        mentions_already_exists: std::cell::OnceCell::new(),
        binding_crate: None,
    };
    finder.visit_file(syntax);
    finder.creations.sort_by_key(|creation| creation.call.start);
    FileFacts {
        creations: finder.creations,
        items,
        caller_failures: finder
            .caller_failures
            .into_iter()
            .map(|failure| (file_id, failure))
            .collect(),
    }
}

/// How an item is declared: its attributes, its name and the `impl` type it belongs to.
struct Declared<'a> {
    attrs: &'a [syn::Attribute],
    ident: &'a syn::Ident,
    owner: Option<String>,
}

/// An item to lower once every `use` of the file is known.
struct PendingItem {
    path: Vec<String>,
    kind: BindingKind,
    value: PendingValue,
    /// The module it is in and the `Self` type around it.
    module_path: Vec<String>,
    self_type: Option<String>,
    defined_at: Option<(FileId, ByteSpan)>,
    /// The `#[cfg]` it is declared under.
    cfg: Option<Cfg>,
}

enum PendingValue {
    /// A `const`'s or `static`'s initialiser.
    Init(Expr),
    /// What a function returns.
    Returned(ReturnedValues),
}

/// First pass: the file's `use` declarations, its `const`/`static` items and its
/// `use … as alias` renames of APIs.
struct ItemCollector<'a> {
    file: &'a SourceFile,
    file_id: FileId,
    module_path: Vec<String>,
    /// The function being visited: its `const`s are indexed in its own scope.
    function: Option<String>,
    self_type: Option<String>,
    uses: UseMap,
    /// Items to lower once every `use` is known.
    consts: Vec<PendingItem>,
    aliases: HashMap<String, String>,
    catalogue: &'a Catalogue,
}

impl ItemCollector<'_> {
    fn add(&mut self, declared: Declared<'_>, kind: BindingKind, value: &Expr) {
        let item = PendingItem {
            path: self.item_path(declared.ident, declared.owner),
            kind,
            value: PendingValue::Init(value.clone()),
            module_path: self.module_path.clone(),
            self_type: self.self_type.clone(),
            defined_at: None,
            cfg: cfg_of(declared.attrs),
        };
        self.consts.push(item);
    }

    /// The absolute path of an item declared here: in the enclosing function's scope, if any,
    /// and under its `impl` type (`owner`).
    fn item_path(&self, ident: &syn::Ident, owner: Option<String>) -> Vec<String> {
        let mut path = self.module_path.clone();
        path.extend(
            self.function
                .as_deref()
                .map(|function| function_scope(function, self.file_id)),
        );
        path.extend(owner);
        path.push(ident.to_string());
        path
    }

    /// A function whose returned values may be a name: indexed like a `const`, its value what
    /// it returns (see [`NameIr::Call`]).
    fn add_function(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        block: &syn::Block,
        owner: Option<String>,
    ) {
        if matches!(sig.output, syn::ReturnType::Default) {
            return;
        }
        let Some(returned) = ReturnedValues::of(sig, block) else {
            return;
        };
        // Most functions return no name: only those that may are kept (the `use`s read so far
        // change which paths a value names, not whether it is one).
        if self.lower_returned(&returned, &self.module_path, self.self_type.as_deref())
            == NameIr::Unknown
        {
            return;
        }
        let item = PendingItem {
            path: self.item_path(&sig.ident, owner),
            kind: BindingKind::Fn,
            value: PendingValue::Returned(returned),
            module_path: self.module_path.clone(),
            self_type: self.self_type.clone(),
            defined_at: Some((self.file_id, self.file.byte_span(sig.ident.span()))),
            cfg: cfg_of(attrs),
        };
        self.consts.push(item);
    }

    fn lower_returned(
        &self,
        returned: &ReturnedValues,
        module_path: &[String],
        self_type: Option<&str>,
    ) -> NameIr {
        let mut values = Vec::with_capacity(returned.values.len());
        for (lets, value) in &returned.values {
            let lets: Vec<&LetBinding> = lets.iter().collect();
            let site = Site {
                file: self.file,
                file_id: self.file_id,
                lets: &lets,
                params: &returned.params,
                module_path,
                self_type,
                uses: &self.uses,
                function: Some(&returned.function),
                // A `return`'s `let`s are those in scope where it is written, none changed.
                at: usize::MAX,
                loop_depth: 0,
            };
            match site.lower(value) {
                NameIr::Unknown => return NameIr::Unknown,
                lowered => values.push(lowered),
            }
        }
        match <[NameIr; 1]>::try_from(values) {
            Ok([only]) => only,
            Err(values) => NameIr::Returns(values),
        }
    }

    fn lower_items(&mut self) -> Vec<(Vec<String>, ItemValue)> {
        let consts = std::mem::take(&mut self.consts);
        let mut items = Vec::new();
        for pending in consts {
            let lowered = match &pending.value {
                PendingValue::Init(value) => Site {
                    file: self.file,
                    file_id: self.file_id,
                    lets: &[],
                    params: &[],
                    module_path: &pending.module_path,
                    self_type: pending.self_type.as_deref(),
                    uses: &self.uses,
                    function: None,
                    at: usize::MAX,
                    loop_depth: 0,
                }
                .lower(value),
                PendingValue::Returned(returned) => self.lower_returned(
                    returned,
                    &pending.module_path,
                    pending.self_type.as_deref(),
                ),
            };
            if lowered != NameIr::Unknown {
                let value = ItemValue {
                    kind: pending.kind,
                    value: lowered,
                    defined_at: pending.defined_at,
                    cfgs: pending.cfg.into_iter().collect(),
                };
                items.push((pending.path, value));
            }
        }
        items
    }

    fn record_use(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.record_use(prefix, &path.tree);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let ident = name.ident.to_string();
                let mut full = prefix.clone();
                full.push(ident.clone());
                if ident != "self" {
                    self.uses.insert(&self.module_path, ident, &full);
                } else if let Some(last) = prefix.last() {
                    self.uses.insert(&self.module_path, last.clone(), prefix);
                }
            }
            syn::UseTree::Rename(rename) => {
                let ident = rename.ident.to_string();
                if self.catalogue.is_function_name(&ident) {
                    self.aliases
                        .insert(rename.rename.to_string(), ident.clone());
                }
                let mut full = prefix.clone();
                full.push(ident);
                self.uses
                    .insert(&self.module_path, rename.rename.to_string(), &full);
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.record_use(prefix, tree);
                }
            }
            syn::UseTree::Glob(_) => {}
        }
    }
}

impl<'ast> Visit<'ast> for ItemCollector<'_> {
    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        self.module_path.push(node.ident.to_string());
        visit::visit_item_mod(self, node);
        self.module_path.pop();
    }

    fn visit_item_impl(&mut self, node: &'ast syn::ItemImpl) {
        let previous = self.self_type.replace(type_name(&node.self_ty));
        visit::visit_item_impl(self, node);
        self.self_type = previous;
    }

    fn visit_item_use(&mut self, node: &'ast syn::ItemUse) {
        self.record_use(&mut Vec::new(), &node.tree);
    }

    fn visit_item_const(&mut self, node: &'ast syn::ItemConst) {
        let declared = Declared {
            attrs: &node.attrs,
            ident: &node.ident,
            owner: None,
        };
        self.add(declared, BindingKind::Const, &node.expr);
        visit::visit_item_const(self, node);
    }

    fn visit_item_static(&mut self, node: &'ast syn::ItemStatic) {
        let declared = Declared {
            attrs: &node.attrs,
            ident: &node.ident,
            owner: None,
        };
        self.add(declared, BindingKind::Static, &node.expr);
        visit::visit_item_static(self, node);
    }

    fn visit_impl_item_const(&mut self, node: &'ast syn::ImplItemConst) {
        let declared = Declared {
            attrs: &node.attrs,
            ident: &node.ident,
            owner: self.self_type.clone(),
        };
        self.add(declared, BindingKind::Const, &node.expr);
        visit::visit_impl_item_const(self, node);
    }

    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        self.add_function(&node.attrs, &node.sig, &node.block, None);
        // A `const` inside a function body is in scope there only.
        let previous = self.function.replace(node.sig.ident.to_string());
        visit::visit_item_fn(self, node);
        self.function = previous;
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        let owner = self.self_type.clone();
        self.add_function(&node.attrs, &node.sig, &node.block, owner);
        let previous = self.function.replace(node.sig.ident.to_string());
        visit::visit_impl_item_fn(self, node);
        self.function = previous;
    }

    /// `lazy_static! { static ref NAME: T = …; }` and `thread_local! { static NAME: T = …; }`
    /// declare statics whose initialiser is the value, as a `static`'s is.
    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        let kind = match node.path.segments.last() {
            Some(last) if last.ident == "lazy_static" => BindingKind::Static,
            Some(last) if last.ident == "thread_local" => BindingKind::ThreadLocal,
            _ => return,
        };
        let Ok(MacroStatics(statics)) = node.parse_body::<MacroStatics>() else {
            return;
        };
        for (attrs, ident, init) in statics {
            let declared = Declared {
                attrs: &attrs,
                ident: &ident,
                owner: None,
            };
            self.add(declared, kind, &init);
        }
    }
}

/// The statics a `lazy_static!` or `thread_local!` invocation declares: `[attributes] [pub]
/// static [ref] NAME: T = init;`, each with its initialiser.
struct MacroStatics(Vec<(Vec<syn::Attribute>, syn::Ident, Expr)>);

impl syn::parse::Parse for MacroStatics {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let mut statics = Vec::new();
        while !input.is_empty() {
            let attrs = input.call(syn::Attribute::parse_outer)?;
            input.parse::<syn::Visibility>()?;
            input.parse::<Token![static]>()?;
            if input.peek(Token![ref]) {
                input.parse::<Token![ref]>()?;
            }
            let ident: syn::Ident = input.parse()?;
            input.parse::<Token![:]>()?;
            input.parse::<syn::Type>()?;
            input.parse::<Token![=]>()?;
            let init: Expr = input.parse()?;
            statics.push((attrs, ident, init));
            if !input.is_empty() {
                input.parse::<Token![;]>()?;
            }
        }
        Ok(Self(statics))
    }
}

/// The body of a function or initialiser: where a check of `ERROR_ALREADY_EXISTS` after a
/// creation is looked for. Closures are not frames of their own: a closure is often called at
/// once (`try_seh(|| CreateFileMappingA(…))?`) and its result checked by the code after it.
struct Frame {
    creations: Vec<usize>,
    /// Parameter names of the function (receiver excluded).
    params: Vec<String>,
    signature: Option<FnSignature>,
    /// Method calls on `let`-bound values, in order: `options.first_pipe_instance(true);`.
    method_calls: Vec<(String, String, Option<Expr>, usize)>,
}

struct CreationFinder<'a> {
    file: &'a SourceFile,
    file_id: FileId,
    catalogue: &'a Catalogue,
    /// The words a macro's tokens must name for a creation to be among them (see
    /// [`CreationFinder::visit_macro`]).
    macro_words: HashSet<String>,
    /// `use … as alias` renames of catalogued functions: alias → function name.
    aliases: HashMap<String, String>,
    uses: UseMap,
    module_path: Vec<String>,
    self_type: Option<String>,
    /// `let` bindings by block, innermost last.
    scopes: Vec<Vec<LetBinding>>,
    /// How many loops and closures enclose the code being visited.
    loop_depth: usize,
    frames: Vec<Frame>,
    /// Names of the enclosing items, outermost first.
    item_path: Vec<String>,
    creations: Vec<FoundCreation>,
    /// `ERROR_ALREADY_EXISTS` checks on the failure of calls to functions that are not
    /// creations: the caller's side of a creation passed on with `?`.
    caller_failures: Vec<CallerFailure>,
    /// Whether the file names `ERROR_ALREADY_EXISTS` (or `AlreadyExists`) at all, looked for
    /// when a function that creates nothing is left.
    mentions_already_exists: std::cell::OnceCell<bool>,
    /// The file's binding crate, judged once, when its first creation is found (judging it
    /// per creation read the whole file again for each: 40,000 creations took 39 s).
    binding_crate: Option<BindingCrate>,
}

impl CreationFinder<'_> {
    /// Visits a function or initialiser; its `body` is read again only when a creation inside
    /// needs its `ERROR_ALREADY_EXISTS` check looked for.
    fn in_frame(
        &mut self,
        item: &str,
        signature: Option<(FnSignature, Vec<String>)>,
        body: FrameBody<'_>,
        visit: impl FnOnce(&mut Self),
    ) {
        self.item_path.push(item.to_owned());
        let (signature, params) = signature.map_or((None, Vec::new()), |(signature, params)| {
            (Some(signature), params)
        });
        self.frames.push(Frame {
            creations: Vec::new(),
            params,
            signature,
            method_calls: Vec::new(),
        });
        self.scopes.push(Vec::new());
        visit(self);
        self.scopes.pop();
        let frame = self.frames.pop().expect("frames are balanced");
        self.item_path.pop();
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
        for (index, flow) in frame.creations.into_iter().zip(flows) {
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
        }
    }

    fn signature_of(&self, sig: &syn::Signature) -> (FnSignature, Vec<String>) {
        let has_receiver = sig.receiver().is_some();
        let params = parameter_names(sig);
        let signature = FnSignature {
            name: sig.ident.to_string(),
            self_type: self.self_type.clone(),
            has_receiver,
        };
        (signature, params)
    }

    /// Whether a call of `api` here is inside a binding of it: a function named like the API,
    /// or like its family without the suffix (`CreateFileMapping` forwarding to
    /// `CreateFileMappingFromApp`), is how binding crates (`windows`, `winsafe`, `win-sys`)
    /// wrap the API, and its caller is the one that creates the object. A crate's own function
    /// is never a use of itself either.
    fn inside_binding_of(&self, api: &Api) -> bool {
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
        let lets: Vec<&LetBinding> = self.scopes.iter().flatten().collect();
        let params = self
            .frames
            .last()
            .map_or(&[][..], |frame| frame.params.as_slice());
        let site = Site {
            file: self.file,
            file_id: self.file_id,
            lets: &lets,
            params,
            module_path: &self.module_path,
            self_type: self.self_type.as_deref(),
            uses: &self.uses,
            function: self
                .frames
                .iter()
                .rev()
                .find_map(|frame| frame.signature.as_ref())
                .map(|signature| signature.name.as_str()),
            at: self.file.byte_span(call.whole).start,
            loop_depth: self.loop_depth,
        };
        let mut name = site.lower(name_expr);
        if !api.added_prefix.is_empty() {
            name = NameIr::Concat(vec![NameIr::Added(api.added_prefix.to_string()), name]);
        }
        let initially_owned = match api.ownership {
            OwnershipArg::None => None,
            OwnershipArg::Always => Some(true),
            OwnershipArg::InitialOwner(index) => {
                call.args.get(index).and_then(|arg| truth_value(arg))
            }
            OwnershipArg::Flags(index) => call.args.get(index).and_then(|arg| owner_flag(arg)),
        };
        // `nMaxInstances` (the argument after the pipe mode) is no claim: only the first
        // creator's limit counts, so a pipe created first with a larger one takes this call as
        // one more instance.
        let (first_pipe_instance, one_instance_limit) = if api.kind != ObjectKind::NamedPipe {
            (None, false)
        } else if api.sets_first_pipe_instance {
            (Some(true), false)
        } else if let Some(index) = api.open_mode_arg {
            let flag = call
                .args
                .get(index)
                .and_then(|arg| first_instance_flag(arg));
            (
                flag,
                call.args.get(index + 2).is_some_and(|arg| is_one(arg)),
            )
        } else {
            (call.first_pipe_instance, call.one_instance_limit)
        };
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
            on_existing: api.on_existing.through(binding_crate),
            dead_checks: Vec::new(),
            propagated: false,
            enclosing_item: self.item_path.join("::"),
            enclosing_fn: self.frames.last().and_then(|frame| frame.signature.clone()),
            via: None,
            binding_crate,
        });
        if let Some(frame) = self.frames.last_mut() {
            frame.creations.push(index);
        } else {
            // A creation outside any function (a macro at item level): its own tokens are all
            // that can follow it.
            let checks = already_exists_checks(self.file, call.tokens());
            self.creations[index].already_exists_checked = !checks.is_empty();
        }
    }

    /// A builder chain that ends in `method`, if it starts at one of the catalogue's builder
    /// roots: the API, the expression that names the object and the pipe's first-instance
    /// option, read from the chain and from method calls on the `let`-bound builder.
    fn builder_call(&self, node: &syn::ExprMethodCall) -> Option<BuilderCall> {
        let method = node.method.to_string();
        let mut chain: Vec<(String, Option<Expr>)> = Vec::new();
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
        // tokio's `first_pipe_instance` defaults to false; interprocess's equivalent is named
        // in the catalogue. `max_instances(1)` is no claim (see `record`).
        let one_instance_limit = chain.iter().any(|(name, argument)| {
            name == "max_instances" && argument.as_ref().is_some_and(is_one)
        });
        let first_pipe_instance = chain
            .iter()
            .find(|(name, _)| name == "first_pipe_instance")
            .map_or(Some(false), |(_, argument)| {
                argument.as_ref().and_then(truth_value)
            });
        Some(BuilderCall {
            api,
            name_from_chain,
            first_pipe_instance,
            one_instance_limit,
        })
    }
}

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
    first_pipe_instance: Option<bool>,
    one_instance_limit: bool,
    node: &'e Expr,
}

impl Call<'_> {
    fn tokens(&self) -> TokenStream {
        self.node.to_token_stream()
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
        self.with_pattern_bindings(node.inputs.iter(), |finder| {
            finder.visit_expr(&node.body);
        });
        self.loop_depth -= 1;
    }

    fn visit_expr_for_loop(&mut self, node: &'ast syn::ExprForLoop) {
        self.visit_expr(&node.expr);
        self.loop_depth += 1;
        self.with_pattern_bindings([&*node.pat], |finder| finder.visit_block(&node.body));
        self.loop_depth -= 1;
    }

    fn visit_expr_loop(&mut self, node: &'ast syn::ExprLoop) {
        self.loop_depth += 1;
        visit::visit_expr_loop(self, node);
        self.loop_depth -= 1;
    }

    fn visit_arm(&mut self, node: &'ast syn::Arm) {
        self.with_pattern_bindings([&node.pat], |finder| {
            if let Some((_, guard)) = &node.guard {
                finder.visit_expr(guard);
            }
            finder.visit_expr(&node.body);
        });
    }

    fn visit_expr_if(&mut self, node: &'ast syn::ExprIf) {
        let Expr::Let(condition) = &*node.cond else {
            visit::visit_expr_if(self, node);
            return;
        };
        self.visit_expr(&condition.expr);
        self.with_pattern_bindings([&*condition.pat], |finder| {
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
            self.with_pattern_bindings([&*condition.pat], |finder| finder.visit_block(&node.body));
        } else {
            visit::visit_expr_while(self, node);
        }
        self.loop_depth -= 1;
    }

    fn visit_local(&mut self, node: &'ast syn::Local) {
        // The initialiser runs before the binding exists.
        visit::visit_local(self, node);
        let Some(init) = &node.init else { return };
        if let Some(name) = bound_identifier(&node.pat) {
            let binding = LetBinding {
                name,
                init: Some((*init.expr).clone()),
                local_key: false,
                cfg: cfg_of(&node.attrs),
                at: self.file.byte_span(node.let_token.span).start,
                loop_depth: self.loop_depth,
                mutations: Vec::new(),
            };
            self.scopes
                .last_mut()
                .expect("a scope is open")
                .push(binding);
        }
    }

    fn visit_expr(&mut self, node: &'ast Expr) {
        if self.visit_local_key_closure(node) {
            return;
        }
        match node {
            Expr::Call(call) => {
                if let Expr::Path(function) = &*call.func {
                    let segments = path_segments(&function.path);
                    let ident = segments.last().cloned().unwrap_or_default();
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
                    if let Some(api) = api {
                        let callee = function
                            .path
                            .segments
                            .last()
                            .map_or_else(|| call.func.span(), |s| s.ident.span());
                        let callee =
                            if segments.len() > 1 && !matches!(api.matcher, Matcher::Function(_)) {
                                call.func.span()
                            } else {
                                callee
                            };
                        self.record(
                            &api,
                            &Call {
                                callee,
                                whole: call.span(),
                                args: call.args.iter().collect(),
                                name_from_chain: None,
                                first_pipe_instance: None,
                                one_instance_limit: false,
                                node,
                            },
                        );
                    }
                }
            }
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                if let Some(builder) = self.builder_call(call) {
                    self.record(
                        &builder.api,
                        &Call {
                            callee: call.method.span(),
                            whole: call.span(),
                            args: call.args.iter().collect(),
                            name_from_chain: builder.name_from_chain.as_ref(),
                            first_pipe_instance: builder.first_pipe_instance,
                            one_instance_limit: builder.one_instance_limit,
                            node,
                        },
                    );
                } else if let Some(api) = self.catalogue.for_method(&method) {
                    self.record(
                        &api,
                        &Call {
                            callee: call.method.span(),
                            whole: call.span(),
                            args: call.args.iter().collect(),
                            name_from_chain: None,
                            first_pipe_instance: None,
                            one_instance_limit: false,
                            node,
                        },
                    );
                }
                // `options.first_pipe_instance(true);` on a `let`-bound builder.
                if let Expr::Path(receiver) = &*call.receiver {
                    if let (Some(ident), Some(frame)) =
                        (receiver.path.get_ident(), self.frames.last_mut())
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
            _ => {}
        }
        visit::visit_expr(self, node);
    }

    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        // Trying a macro's tokens as code means parsing them again, up to three ways; a macro
        // that names none of the words a creation is found by (the catalogue's, the builder
        // chains' methods, `Self`, and the file's renames) holds none.
        let body = self
            .file
            .slice(self.file.byte_span(node.delimiter.span().join()));
        if !code_words(body).any(|word| self.macro_words.contains(word)) {
            return;
        }
        if node.path.is_ident("macro_rules") {
            // A macro definition's body is patterns and templates with `$` fragments; its
            // templates are still tried piece by piece below, like any other tokens.
            for tree in node.tokens.clone() {
                if let TokenTree::Group(group) = tree {
                    self.visit_macro_tokens(group.stream());
                }
            }
            return;
        }
        if expects_failure(node) {
            return;
        }
        self.visit_macro_tokens(node.tokens.clone());
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
    /// unknown: a name read from one of them is no constant to look for.
    fn with_pattern_bindings<'p>(
        &mut self,
        patterns: impl IntoIterator<Item = &'p syn::Pat>,
        visit: impl FnOnce(&mut Self),
    ) {
        let mut bindings = Vec::new();
        let loop_depth = self.loop_depth;
        for pattern in patterns {
            pattern_identifiers(pattern, &mut bindings);
        }
        self.scopes.push(
            bindings
                .into_iter()
                .map(|name| LetBinding {
                    name,
                    init: None,
                    local_key: false,
                    cfg: None,
                    at: 0,
                    loop_depth,
                    mutations: Vec::new(),
                })
                .collect(),
        );
        visit(self);
        self.scopes.pop();
    }

    /// Visits the code inside a macro invocation, whatever the macro: its tokens are tried as
    /// comma-separated expressions (`vec!`, `assert!`, `println!`), then as statements and items
    /// (`thread_local!`), then piece by piece (`lazy_static!`'s `static ref X: T = expr;`).
    fn visit_macro_tokens(&mut self, tokens: TokenStream) {
        if let Ok(exprs) = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(tokens.clone()) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
            return;
        }
        if let Ok(stmts) = syn::Block::parse_within.parse2(tokens.clone()) {
            for stmt in &stmts {
                self.visit_stmt(stmt);
            }
            return;
        }
        for piece in split_top_level(tokens) {
            if let Ok(expr) = syn::parse2::<Expr>(piece.clone()) {
                self.visit_expr(&expr);
                continue;
            }
            for tree in piece {
                if let TokenTree::Group(group) = tree {
                    if group.delimiter() != Delimiter::None || !group.stream().is_empty() {
                        self.visit_macro_tokens(group.stream());
                    }
                }
            }
        }
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

fn is_one(expr: &Expr) -> bool {
    matches!(expr, Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(int), .. }) if int.base10_digits() == "1")
}

/// Macros that assert something about their arguments.
const ASSERTING_MACROS: &[&str] = &[
    "assert",
    "debug_assert",
    "assert_eq",
    "assert_ne",
    "assert_matches",
    "matches",
];

/// Whether a macro asserts that what it holds fails (`assert!(matches!(create(…), Err(_)))`,
/// `assert!(create(…).is_err())`): a test of the failure path creates nothing.
fn expects_failure(mac: &syn::Macro) -> bool {
    let Some(name) = mac.path.segments.last() else {
        return false;
    };
    ASSERTING_MACROS.contains(&name.ident.to_string().as_str())
        && mentions_failure(mac.tokens.clone())
}

fn mentions_failure(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == "Err" || ident == "is_err",
        TokenTree::Group(group) => mentions_failure(group.stream()),
        _ => false,
    })
}

/// The name of an `impl`'s type without generics: `Foo` for `impl<T> Foo<T>`.
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map_or_else(String::new, |segment| segment.ident.to_string()),
        other => other.to_token_stream().to_string().replace(' ', ""),
    }
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

/// Splits a token stream at its top-level `;` and `,`, and keeps what follows a top-level `=`
/// of each piece (the initialiser of `static ref X: T = expr`).
fn split_top_level(tokens: TokenStream) -> Vec<TokenStream> {
    let mut pieces = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    for tree in tokens {
        let after_joint = matches!(
            current.last(),
            Some(TokenTree::Punct(previous)) if previous.spacing() == proc_macro2::Spacing::Joint
        );
        match &tree {
            TokenTree::Punct(punct) if matches!(punct.as_char(), ';' | ',') => {
                pieces.push(std::mem::take(&mut current));
            }
            // A lone `=` (not the end of `==`, `<=`, `!=`) ends a declaration's left side.
            TokenTree::Punct(punct)
                if punct.as_char() == '='
                    && punct.spacing() == proc_macro2::Spacing::Alone
                    && !after_joint
                    && !current.is_empty() =>
            {
                pieces.push(std::mem::take(&mut current));
            }
            _ => current.push(tree),
        }
    }
    pieces.push(current);
    pieces
        .into_iter()
        .filter(|piece| !piece.is_empty())
        .map(|piece| piece.into_iter().collect())
        .collect()
}

/// Whether a `BOOL`/`bool` argument is provably true (`Some(true)`) or false.
fn truth_value(expr: &Expr) -> Option<bool> {
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

/// Places in a body where `ERROR_ALREADY_EXISTS` is checked: the constant named under any
/// path, `io::ErrorKind::AlreadyExists`, or the raw code 183 (`0xB7`) next to a comparison.
pub(crate) fn already_exists_checks(file: &SourceFile, body: TokenStream) -> Vec<ByteSpan> {
    let mut tokens = Vec::new();
    flatten(body, &mut tokens);
    let mut checks = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let is_check = match &token.kind {
            FlatKind::Ident(ident) => {
                ident == "ERROR_ALREADY_EXISTS"
                    || ident == "AlreadyExists"
                    // winsafe's `co::ERROR::ALREADY_EXISTS`.
                    || (ident == "ALREADY_EXISTS" && follows_error_type(&tokens[..index]))
                    || (ident == "GetLastError" && refuses_any_error(&tokens[index + 1..]))
            }
            FlatKind::Literal(literal) => {
                is_already_exists_code(literal) && compared(&tokens, index)
            }
            FlatKind::Punct(_) => false,
        };
        if is_check {
            checks.push(file.byte_span(token.span));
        }
    }
    checks
}

/// Whether the tokens before end in `ERROR::`.
fn follows_error_type(before: &[FlatToken]) -> bool {
    matches!(
        before,
        [.., FlatToken { kind: FlatKind::Ident(error), .. }, FlatToken { kind: FlatKind::Punct(path), .. }]
            if error == "ERROR" && path == "::"
    )
}

/// Whether the tokens after `GetLastError` refuse every error code, 183 among them:
/// `GetLastError().is_err()`, `GetLastError() != ERROR_SUCCESS`, `GetLastError() != 0`.
fn refuses_any_error(after: &[FlatToken]) -> bool {
    let mut words = after.iter().take(4).map(|token| match &token.kind {
        FlatKind::Ident(text) | FlatKind::Literal(text) | FlatKind::Punct(text) => text.as_str(),
    });
    matches!(
        (words.next(), words.next()),
        (Some("."), Some("is_err")) | (Some("!="), Some("ERROR_SUCCESS" | "NO_ERROR" | "0"))
    )
}

/// Whether an integer literal (any base, separators or suffix) is 183, `ERROR_ALREADY_EXISTS`.
fn is_already_exists_code(literal: &str) -> bool {
    syn::parse_str::<syn::LitInt>(literal)
        .and_then(|int| int.base10_parse::<u64>())
        .is_ok_and(|value| value == 183)
}

/// Whether a literal stands in a comparison: a `==`, `!=`, `=>` or `|` among the three tokens on
/// either side, or anywhere in the arguments of a comparing macro (`matches!`, `assert_eq!`, …).
fn compared(tokens: &[FlatToken], index: usize) -> bool {
    if tokens[index].in_comparing_macro {
        return true;
    }
    let window = tokens[index.saturating_sub(3)..tokens.len().min(index + 4)].iter();
    window.into_iter().any(|token| {
        matches!(&token.kind, FlatKind::Punct(op) if matches!(op.as_str(), "==" | "!=" | "=>" | "|"))
    })
}

/// Macros whose arguments are compared with each other.
const COMPARING_MACROS: &[&str] = &[
    "matches",
    "assert_eq",
    "assert_ne",
    "debug_assert_eq",
    "debug_assert_ne",
    "assert_matches",
];

struct FlatToken {
    kind: FlatKind,
    span: proc_macro2::Span,
    in_comparing_macro: bool,
}

enum FlatKind {
    Ident(String),
    Literal(String),
    Punct(String),
}

/// The tokens of a stream in order with groups opened, joint punctuation glued (`==`).
fn flatten(stream: TokenStream, out: &mut Vec<FlatToken>) {
    flatten_into(stream, false, out);
}

fn flatten_into(stream: TokenStream, in_comparing_macro: bool, out: &mut Vec<FlatToken>) {
    let mut pending_punct: Option<(String, proc_macro2::Span)> = None;
    for tree in stream {
        if let TokenTree::Punct(punct) = &tree {
            let (mut text, span) = pending_punct
                .take()
                .unwrap_or((String::new(), punct.span()));
            text.push(punct.as_char());
            if punct.spacing() == proc_macro2::Spacing::Joint {
                pending_punct = Some((text, span));
            } else {
                out.push(FlatToken {
                    kind: FlatKind::Punct(text),
                    span,
                    in_comparing_macro,
                });
            }
            continue;
        }
        if let Some((text, span)) = pending_punct.take() {
            out.push(FlatToken {
                kind: FlatKind::Punct(text),
                span,
                in_comparing_macro,
            });
        }
        match tree {
            TokenTree::Group(group) => {
                // `matches!(…)`: the tokens before the group are the macro's name and `!`.
                let macro_call = matches!(
                    &out[out.len().saturating_sub(2)..],
                    [FlatToken { kind: FlatKind::Ident(name), .. }, FlatToken { kind: FlatKind::Punct(bang), .. }]
                        if bang == "!" && COMPARING_MACROS.contains(&name.as_str())
                );
                flatten_into(group.stream(), in_comparing_macro || macro_call, out);
            }
            TokenTree::Ident(ident) => out.push(FlatToken {
                kind: FlatKind::Ident(ident.to_string()),
                span: ident.span(),
                in_comparing_macro,
            }),
            TokenTree::Literal(literal) => out.push(FlatToken {
                kind: FlatKind::Literal(literal.to_string()),
                span: literal.span(),
                in_comparing_macro,
            }),
            TokenTree::Punct(_) => unreachable!("handled above"),
        }
    }
    if let Some((text, span)) = pending_punct {
        out.push(FlatToken {
            kind: FlatKind::Punct(text),
            span,
            in_comparing_macro,
        });
    }
}
