//! The first pass over a file: its `use` declarations, its `const`/`static` items (and
//! `lazy_static!`/`thread_local!` statics), the functions whose returned value may be a name,
//! and the `use … as alias` renames of catalogued functions.

use std::collections::HashMap;

use quote::ToTokens;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

use crate::catalogue::Catalogue;
use crate::names::forms::{is_empty_once_cell, lock_initial};
use crate::names::lower::Site;
use crate::names::returns::ReturnedValues;
use crate::names::scope::{cfg_of, function_scope, LetBinding, UseMap};
use crate::names::strings::string_type;
use crate::names::{BindingKind, Cfg, FileId, ItemValue, NameIr, RustString};
use crate::project::crates::FilePlace;
use crate::scan::source::{ByteSpan, SourceFile};

/// What the first pass learns of a file.
pub struct FileItems {
    /// The `const`s, `static`s and name-returning functions, by absolute path, lowered.
    pub items: Vec<(Vec<String>, ItemValue)>,
    pub uses: UseMap,
    /// `use … as alias` renames of catalogued functions: alias → function name.
    pub aliases: HashMap<String, String>,
}

/// Reads the items of a parsed file standing at `place` in its package.
pub fn collect(
    file: &SourceFile,
    file_id: FileId,
    place: &FilePlace,
    syntax: &syn::File,
    catalogue: &Catalogue,
) -> FileItems {
    let mut collector = ItemCollector {
        file,
        file_id,
        module_path: place.module_path.clone(),
        function: None,
        self_type: None,
        uses: UseMap::new(place.library.clone(), place.members.clone()),
        consts: Vec::new(),
        aliases: HashMap::new(),
        catalogue,
    };
    collector.visit_file(syntax);
    let items = collector.lower_items();
    FileItems {
        items,
        uses: collector.uses,
        aliases: collector.aliases,
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
    /// For a function: its return type as a Rust string.
    string_type: Option<RustString>,
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
        // A static holding a lock (`RwLock::new("…".to_owned())`) is read through its guard,
        // and what it holds until the program writes another is the lock's initial value.
        let (kind, value) = match lock_initial(value) {
            Some(initial) if kind == BindingKind::Static => (BindingKind::Lock, initial),
            _ => (kind, value),
        };
        let item = PendingItem {
            path: self.item_path(declared.ident, declared.owner),
            kind,
            value: PendingValue::Init(value.clone()),
            module_path: self.module_path.clone(),
            self_type: self.self_type.clone(),
            defined_at: None,
            cfg: cfg_of(declared.attrs),
            string_type: None,
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

    /// A function whose returned values may be a name, or that returns a Rust string: indexed
    /// like a `const`, its value what it returns (see [`NameIr::Call`]); a function that
    /// returns a tuple, each element as an item of its own (`setup.1`, see
    /// [`crate::names::ItemPath::element`]).
    fn add_function(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        block: &syn::Block,
        owner: Option<String>,
    ) {
        let syn::ReturnType::Type(_, output) = &sig.output else {
            return;
        };
        let Some(returned) = ReturnedValues::of(sig, block, self.file) else {
            return;
        };
        let Some(arity) = returned.tuple_arity() else {
            let string_type = string_type(output);
            self.add_returned(attrs, sig, owner, returned, (None, string_type));
            return;
        };
        // Each element copies the body's values: a longer tuple than std's traits take (12) is
        // not read, so a generated one costs nothing (`benches/hostile.rs`).
        if arity > 12 {
            return;
        }
        for index in 0..arity {
            let element = returned.element(index);
            self.add_returned(attrs, sig, owner.clone(), element, (Some(index), None));
        }
    }

    /// Indexes what a function returns, or the element of its tuples at `element.0`;
    /// `element.1` is the Rust string type it returns, if any.
    fn add_returned(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        owner: Option<String>,
        returned: ReturnedValues,
        (element, string_type): (Option<usize>, Option<RustString>),
    ) {
        // Most functions return no name: only those that may are kept (the `use`s read so far
        // change which paths a value names, not whether it is one), and those returning a
        // `String` or `&str`, whose type tells a raw pointer to their value has no terminator.
        if string_type.is_none()
            && self.lower_returned(&returned, &self.module_path, self.self_type.as_deref())
                == NameIr::Unknown
        {
            return;
        }
        let mut path = self.item_path(&sig.ident, owner);
        if let (Some(last), Some(index)) = (path.last_mut(), element) {
            *last = format!("{last}.{index}");
        }
        let item = PendingItem {
            path,
            kind: BindingKind::Fn,
            value: PendingValue::Returned(returned),
            module_path: self.module_path.clone(),
            self_type: self.self_type.clone(),
            defined_at: Some((self.file_id, self.file.byte_span(sig.ident.span()))),
            cfg: cfg_of(attrs),
            string_type,
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
        for ((lets, value), &at) in returned.values.iter().zip(&returned.value_at) {
            let lets: Vec<&LetBinding> = lets.iter().collect();
            let site = Site {
                file: self.file,
                file_id: self.file_id,
                lets: &lets,
                params: &returned.params,
                param_types: &[],
                module_path,
                self_type,
                uses: &self.uses,
                function: Some(&returned.function),
                // A `return`'s `let`s are those in scope where it is written, with the changes
                // made before it.
                at,
                loop_depth: 0,
            };
            values.push(site.lower(value));
        }
        returned.value(&values)
    }

    fn lower_items(&mut self) -> Vec<(Vec<String>, ItemValue)> {
        let consts = std::mem::take(&mut self.consts);
        let mut items = Vec::new();
        for pending in consts {
            let lowered = match &pending.value {
                // Its values are the `set` calls', found once the package's calls are.
                PendingValue::Init(_) if pending.kind == BindingKind::OnceCell => {
                    NameIr::SetValues(Vec::new())
                }
                PendingValue::Init(value) => Site {
                    file: self.file,
                    file_id: self.file_id,
                    lets: &[],
                    params: &[],
                    param_types: &[],
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
            if lowered != NameIr::Unknown || pending.string_type.is_some() {
                let value = ItemValue {
                    kind: pending.kind,
                    value: lowered,
                    defined_at: pending.defined_at,
                    cfgs: pending.cfg.into_iter().collect(),
                    string_type: pending.string_type,
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
        // `static NAME: OnceLock<T> = OnceLock::new();` holds what its `set` calls give it.
        let kind = if is_empty_once_cell(&node.expr) {
            BindingKind::OnceCell
        } else {
            BindingKind::Static
        };
        self.add(declared, kind, &node.expr);
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

/// The name of an `impl`'s type without generics: `Foo` for `impl<T> Foo<T>`.
pub fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .map_or_else(String::new, |segment| segment.ident.to_string()),
        other => other.to_token_stream().to_string().replace(' ', ""),
    }
}
