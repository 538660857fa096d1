//! The package's index of items a name can be read through: every `const`, `static` and
//! function whose value could be lowered, by absolute path.

use std::collections::{HashMap, HashSet};

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
}

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

    /// How many paths have an item: it grows as files are read for the items a name needs.
    pub fn item_count(&self) -> usize {
        self.by_path.len()
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

    /// The item at `path`; else the item at the same module path in the crates whose modules
    /// the path's crate shares (see [`Crates::modules_of`]), when exactly one has it; else the
    /// only item of that identifier in the crates the path's crate reaches (a path through a
    /// re-export or a glob import that objlint does not follow) — for a called path of two
    /// segments or more, only one of the same type or module (`Config::name` is no `Other::name`,
    /// nor `String::new` the crate's own `new`). Two items where a path could mean either
    /// resolve to nothing: objlint does not guess.
    fn get(&self, path: &[String], owner: Option<&str>) -> Option<&ItemValue> {
        if let Some(item) = self.by_path.get(path) {
            return Some(item);
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
