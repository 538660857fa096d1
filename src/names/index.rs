//! The package's index of items a name can be read through: every `const`, `static` and
//! function whose value could be lowered, by absolute path.

use std::collections::{HashMap, HashSet};

use crate::names::globs::ModuleUses;
use crate::names::ir::{BindingKind, Cfg, FileId, ItemPath, NameIr, OnceSet, RustString};
use crate::project::crates::Crates;
use crate::scan::source::ByteSpan;

/// Every `const` and `static` of a package whose value could be lowered, by absolute path (its
/// crate's key first: see [`crate::project::crates`]).
#[derive(Debug)]
pub struct ItemIndex<'a> {
    by_path: HashMap<Vec<String>, ItemValue>,
    by_ident: HashMap<String, Vec<Vec<String>>>,
    /// Each function's return type as a Rust string (see [`ItemIndex::string_type`]).
    string_types: HashMap<Vec<String>, Option<RustString>>,
    crates: &'a Crates,
    /// Every call found that may set a `OnceCell`/`OnceLock` static, once each.
    once_sets: Vec<OnceSet>,
    set_calls: HashSet<(FileId, ByteSpan)>,
    /// Every path an item is declared at, its value known or not: a glob import does not
    /// reach past a module's own item.
    declared: HashSet<Vec<String>>,
    /// The `use`s of the modules whose files were read for them (see [`ItemIndex::add_uses`]).
    modules: HashMap<Vec<String>, ModuleUses>,
}

/// What following a module's glob imports found for a name.
enum Through<'i> {
    /// No glob of a module read so far brings the name in, or an explicit `use` of it
    /// shadows them: the index's other rules decide.
    Nothing,
    One(&'i ItemValue),
    /// Two globs bring different items of that name in (Rust rejects the name as ambiguous),
    /// or one brings in an item whose value is unknown.
    Unresolved,
}

/// How many glob imports deep a name is followed (`pub use inner::*` re-exported again).
pub const MAX_GLOB_DEPTH: usize = 4;

/// What the index knows of one item.
#[derive(Debug, Clone)]
pub struct ItemValue {
    pub kind: BindingKind,
    /// Its value; a function's may refer to its parameters.
    pub value: NameIr,
    /// For a function: its name's place, which a finding labels.
    pub defined_at: Option<(FileId, ByteSpan)>,
    /// The `#[cfg]` the item is declared under; of several items at one path, the `cfg`s of
    /// those merged into its value as [`NameIr::Alternatives`].
    pub cfgs: Vec<Cfg>,
    /// For a function: its return type as a Rust string, if it is one (`String`, `&str`),
    /// which the index keeps apart (see [`ItemIndex::string_type`]).
    pub string_type: Option<RustString>,
}

impl<'a> ItemIndex<'a> {
    /// An empty index of the package whose crates are `crates`.
    pub fn new(crates: &'a Crates) -> Self {
        Self {
            by_path: HashMap::new(),
            by_ident: HashMap::new(),
            string_types: HashMap::new(),
            crates,
            once_sets: Vec::new(),
            set_calls: HashSet::new(),
            declared: HashSet::new(),
            modules: HashMap::new(),
        }
    }

    /// The package's crates.
    pub fn crates(&self) -> &'a Crates {
        self.crates
    }

    /// Adds an item. Items at one path under different `#[cfg]`s are alternatives, each kept;
    /// otherwise (a file read twice) the first is kept.
    pub fn insert(&mut self, path: Vec<String>, mut item: ItemValue) {
        if item.kind == BindingKind::Fn {
            self.insert_string_type(&path, item.string_type.clone());
        }
        self.declared.insert(path.clone());
        // A function kept for its return type alone is no value a name can be read from.
        if item.value == NameIr::Unknown {
            return;
        }
        if let Some(existing) = self.by_path.get_mut(&path) {
            let (Some(cfg), false) = (item.cfgs.pop(), existing.cfgs.is_empty()) else {
                return;
            };
            if existing.cfgs.contains(&cfg) || existing.kind != item.kind {
                return;
            }
            if let [only] = existing.cfgs.as_slice() {
                let first = std::mem::replace(&mut existing.value, NameIr::Unknown);
                existing.value = NameIr::Alternatives(vec![(only.clone(), first)]);
            }
            if let NameIr::Alternatives(alternatives) = &mut existing.value {
                alternatives.push((cfg.clone(), item.value));
            }
            existing.cfgs.push(cfg);
            return;
        }
        if let Some(ident) = path.last() {
            self.by_ident
                .entry(ident.clone())
                .or_default()
                .push(path.clone());
        }
        self.by_path.insert(path, item);
    }

    /// Records a function's return type as a Rust string; of functions at one path under
    /// different `#[cfg]`s, only a type they all declare is kept.
    fn insert_string_type(&mut self, path: &[String], string_type: Option<RustString>) {
        match self.string_types.get_mut(path) {
            Some(existing) if *existing != string_type => *existing = None,
            Some(_) => {}
            None => {
                self.string_types.insert(path.to_vec(), string_type);
            }
        }
    }

    /// The return type, as a Rust string, of the function `path` names (by its path, not
    /// through a re-export: see [`ItemIndex::lookup`] for names).
    pub fn string_type(&self, path: &ItemPath) -> Option<RustString> {
        let fallback = path.fallback.as_ref();
        self.string_types
            .get(&path.segments)
            .or_else(|| fallback.and_then(|fallback| self.string_types.get(fallback)))
            .cloned()
            .flatten()
    }

    /// Adds a call that may set a `OnceCell` static (a file parsed again gives it again).
    pub fn add_once_set(&mut self, set: OnceSet) {
        if self.set_calls.insert((set.call.file, set.call.call)) {
            self.once_sets.push(set);
        }
    }

    /// Adds a call that may set a `OnceCell` static, in place of what was found of it before.
    pub fn replace_once_set(&mut self, set: OnceSet) {
        let call = (set.call.file, set.call.call);
        if self.set_calls.insert(call) {
            self.once_sets.push(set);
        } else if let Some(known) = self
            .once_sets
            .iter_mut()
            .find(|known| (known.call.file, known.call.call) == call)
        {
            *known = set;
        }
    }

    /// The calls found that may set a `OnceCell` static, in the order they were found.
    pub fn once_sets(&self) -> &[OnceSet] {
        &self.once_sets
    }

    /// Sets the value of the item `path` names, if any (a `OnceCell` static's, once its `set`
    /// calls are known).
    pub fn set_value(&mut self, path: &ItemPath, value: NameIr) {
        let Some(key) = self.lookup_key(path) else {
            return;
        };
        if let Some(item) = self.by_path.get_mut(&key) {
            item.value = value;
        }
    }

    /// The absolute path of the item `path` names, as [`ItemIndex::lookup`] finds it.
    pub fn lookup_key(&self, path: &ItemPath) -> Option<Vec<String>> {
        let found = self.lookup(path)?;
        if let Some((key, _)) = self.by_path.get_key_value(&path.segments) {
            return Some(key.clone());
        }
        let ident = path.fallback.as_deref().unwrap_or(&path.segments).last()?;
        self.by_ident.get(ident)?.iter().find_map(|key| {
            self.by_path
                .get(key)
                .is_some_and(|item| std::ptr::eq(item, found))
                .then(|| key.clone())
        })
    }

    /// How many paths have an item, and how many modules' `use`s are known: both grow as
    /// files are read for what a name needs.
    pub fn item_count(&self) -> usize {
        self.by_path.len() + self.modules.len()
    }

    /// Records the `use`s of the module at `module` (a file read for them). Two files objlint
    /// places at one module path add up.
    pub fn add_uses(&mut self, module: Vec<String>, uses: ModuleUses) {
        self.modules.entry(module).or_default().merge(uses);
    }

    /// Marks the module at `module` as read for its `use`s, whether or not a file holds it.
    pub fn uses_read(&mut self, module: Vec<String>) {
        self.modules.entry(module).or_default();
    }

    /// Calls `visit` with each module whose `use`s a lookup of `path` would follow and that
    /// were not read yet: the path's own module (or a module its crate shares), then the
    /// modules its globs import, a few levels deep; and with each path a `use` on the way
    /// imports the name from (`use a::b as c;` gives `a::b`, whose `b` is to be read).
    pub fn unread_modules(
        &self,
        path: &ItemPath,
        visit: &mut impl FnMut(Vec<String>),
        imported: &mut impl FnMut(&[String]),
    ) {
        let segments = path.fallback.as_deref().unwrap_or(&path.segments);
        self.unread_modules_of(segments, 0, visit, imported);
    }

    fn unread_modules_of(
        &self,
        path: &[String],
        depth: usize,
        visit: &mut impl FnMut(Vec<String>),
        imported: &mut impl FnMut(&[String]),
    ) {
        let Some((ident, module)) = path.split_last() else {
            return;
        };
        if depth > MAX_GLOB_DEPTH || module.is_empty() {
            return;
        }
        for module in self.sharing(module) {
            let Some(uses) = self.modules.get(&module) else {
                visit(module);
                continue;
            };
            let targets: Vec<Vec<String>> = match uses.explicit.get(ident) {
                Some(target) => vec![target.clone()],
                None => uses
                    .globs
                    .iter()
                    .map(|glob| {
                        let mut target = glob.clone();
                        target.push(ident.clone());
                        target
                    })
                    .collect(),
            };
            for target in targets {
                let shared = self.sharing(&target);
                if !shared.iter().any(|path| self.by_path.contains_key(path)) {
                    if target.last() != Some(ident) {
                        imported(&target);
                    }
                    self.unread_modules_of(&target, depth + 1, visit, imported);
                }
            }
        }
    }

    /// `path`, and the same path in the crates whose modules its crate shares (a shared module
    /// is indexed under its directory's key, not under the crate that declares it).
    fn sharing(&self, module: &[String]) -> Vec<Vec<String>> {
        let mut all = vec![module.to_vec()];
        if let Some((key, rest)) = module.split_first() {
            for other in self.crates.modules_of(key) {
                let mut shared = Vec::with_capacity(module.len());
                shared.push(other.clone());
                shared.extend_from_slice(rest);
                all.push(shared);
            }
        }
        all
    }

    /// The item the `use`s of `path`'s module bring in under its identifier (see [`Through`]):
    /// the one it imports by name, else the one its glob imports agree on. The module's own
    /// item was looked for already; an explicit `use` shadows the globs, as in Rust.
    fn through_globs(&self, path: &[String], depth: usize) -> Through<'_> {
        let Some((ident, module)) = path.split_last() else {
            return Through::Nothing;
        };
        let mut found: Vec<&ItemValue> = Vec::new();
        let mut other_systems = false;
        for module in self.sharing(module) {
            let Some(uses) = self.modules.get(&module) else {
                continue;
            };
            if let Some(target) = uses.explicit.get(ident) {
                return self.imported(target, depth);
            }
            for glob in &uses.globs {
                let mut target = glob.clone();
                target.push(ident.clone());
                let item = match self.imported(&target, depth) {
                    Through::One(item) => item,
                    Through::Unresolved => return Through::Unresolved,
                    Through::Nothing => continue,
                };
                if !found.iter().any(|known| std::ptr::eq(*known, item)) {
                    found.push(item);
                }
            }
            other_systems |= uses.other_systems.iter().any(|glob| {
                let mut target = glob.clone();
                target.push(ident.clone());
                !matches!(self.imported(&target, depth), Through::Nothing)
            });
        }
        match found.as_slice() {
            [] if other_systems => Through::Unresolved,
            [] => Through::Nothing,
            [only] => Through::One(only),
            _ => Through::Unresolved,
        }
    }

    /// The item at `target`, a path a `use` imports: indexed there (or in a crate sharing the
    /// module), declared there with an unknown value, or brought in by its module's `use`s.
    fn imported(&self, target: &[String], depth: usize) -> Through<'_> {
        let shared = self.sharing(target);
        if let Some(item) = shared.iter().find_map(|path| self.by_path.get(path)) {
            return Through::One(item);
        }
        if shared.iter().any(|path| self.declared.contains(path)) {
            return Through::Unresolved;
        }
        if depth < MAX_GLOB_DEPTH {
            return self.through_globs(target, depth + 1);
        }
        Through::Nothing
    }

    /// The item `path` names, as `get` finds it, through its fallback when the
    /// path itself names nothing.
    pub fn lookup(&self, path: &ItemPath) -> Option<&ItemValue> {
        if let Some(item) = self.by_path.get(&path.segments) {
            return Some(item);
        }
        let segments = path.fallback.as_deref().unwrap_or(&path.segments);
        let owner = (path.called && path.written.contains("::"))
            .then(|| {
                segments
                    .len()
                    .checked_sub(2)
                    .map(|at| segments[at].as_str())
            })
            .flatten();
        self.get(segments, owner)
    }

    /// Calls `visit` with every path the index cannot resolve yet that `roots` lead to, directly
    /// or through the values of indexed items. Items nothing leads to are not followed: a
    /// crate's other constants cost nothing.
    pub fn missing_paths(&self, roots: Vec<ItemPath>, visit: &mut impl FnMut(&ItemPath)) {
        let mut seen = std::collections::HashSet::new();
        let mut to_visit = roots;
        while let Some(path) = to_visit.pop() {
            if !seen.insert(path.clone()) {
                continue;
            }
            match self.lookup(&path) {
                Some(item) => item
                    .value
                    .item_paths(&mut |next| to_visit.push(next.clone())),
                None => visit(&path),
            }
        }
    }

    /// The item at `path`; else, unless an item of unknown value is declared there, the one
    /// item the module's glob imports bring in (nothing when two do, as Rust rejects the name);
    /// else the item at the same module path in the crates whose modules
    /// the path's crate shares (see [`Crates::modules_of`]), when exactly one has it; else the
    /// only item of that identifier in the crates the path's crate reaches (a path through a
    /// re-export, or a glob import of a module not read) — for a called path of two
    /// segments or more, only one of the same type or module (`Config::name` is no `Other::name`,
    /// nor `String::new` the crate's own `new`). Two items where a path could mean either
    /// resolve to nothing: objlint does not guess.
    fn get(&self, path: &[String], owner: Option<&str>) -> Option<&ItemValue> {
        if let Some(item) = self.by_path.get(path) {
            return Some(item);
        }
        // An item declared at the path shadows every glob; its value is unknown.
        if self.declared.contains(path) {
            return None;
        }
        match self.through_globs(path, 0) {
            Through::One(item) => return Some(item),
            Through::Unresolved => return None,
            Through::Nothing => {}
        }
        let (key, rest) = path.split_first()?;
        let mut shared = self.crates.modules_of(key).iter().filter_map(|other| {
            let mut path = Vec::with_capacity(path.len());
            path.push(other.clone());
            path.extend_from_slice(rest);
            self.by_path.get(&path)
        });
        if let Some(item) = shared.next() {
            return shared.next().is_none().then_some(item);
        }
        let mut reached = self.by_ident.get(path.last()?)?.iter().filter(|other| {
            let same_owner =
                owner.is_none_or(|owner| other.len() >= 2 && other[other.len() - 2] == owner);
            same_owner
                && other
                    .first()
                    .is_some_and(|crate_key| self.crates.reaches(key, crate_key))
        });
        match (reached.next(), reached.next()) {
            (Some(only), None) => self.by_path.get(only),
            _ => None,
        }
    }
}
