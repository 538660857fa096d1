//! Name resolution: what string does a name argument really denote, and where is its literal?
//!
//! Resolution runs in two steps. While a file is parsed, [`lower`] turns the name expression
//! into a [`NameIr`]: plain data, free of syn and of proc-macro2 spans, in which the forms real
//! code uses (`w!`, NUL-terminated pointers, `CString`, UTF-16 conversions, wrappers, helpers,
//! `let`s, `format!`, `concat!`, `env!`) are already understood and only paths to `const`s and
//! `static`s remain. Once every file of a package is read, [`Resolver`] follows those paths
//! through the package's [`ItemIndex`] and yields an [`ObjectName`].
//!
//! The resolver never guesses: whatever it cannot prove is [`ObjectName::Unknown`], which gives
//! no name finding.

pub mod unique;

pub mod lower;
pub mod mandated;
pub mod mutations;

use std::collections::HashMap;

use crate::project::crates::Crates;
use crate::scan::source::ByteSpan;

/// Index of a file in its package's file list.
pub type FileId = usize;

/// A name expression after lowering: what is known of it from its own file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameIr {
    /// A null or empty name: the object is unnamed.
    Unnamed,
    /// Computed at run time from something objlint cannot classify.
    Unknown,
    /// The enclosing function's parameter at this index (receiver excluded).
    Param(usize),
    /// Text written in the source.
    Literal(Literal),
    /// A path to a `const`/`static`, made absolute within the package (`["<lib>", "ipc", "NAME"]`).
    Item(ItemPath),
    /// The value a `thread_local!` static hands to `NAME.with(|name| …)`: the item must be one.
    LocalKey(ItemPath),
    /// `env!("VAR")`.
    Env(String),
    /// Text a wrapper adds in front of the caller's name (`Global\`).
    Added(String),
    /// A run-time value anyone can guess ("the process id").
    Predictable(String),
    /// A run-time value nobody can guess ("a random value").
    Unique(String),
    /// Parts joined in order (`concat!`, `format!`, `+`).
    Concat(Vec<NameIr>),
    /// A call of one of the crate's own functions (`mutex_key()`, `Self::pipe_name()`,
    /// `key(APP)`): the name is what the function returns, its parameters being `args`.
    Call(Box<FunctionCall>),
    /// Every value a function body can return (its tail and its `return`s): the name is known
    /// only when they all agree.
    Returns(Vec<NameIr>),
    /// Alternative programs: the value under each `cfg` (`#[cfg(test)] let name = …;` after
    /// `#[cfg(not(test))] let name = …;`, or two `#[cfg]` consts of one name). Each is a name
    /// of its own, never one in place of the other.
    Alternatives(Vec<(Cfg, NameIr)>),
}

/// A `cfg` predicate as written (`test`, `not(test)`, `feature = "x"`), spaces normalised.
pub type Cfg = String;

/// A call of one of the crate's own functions, lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionCall {
    pub function: ItemPath,
    /// The arguments, lowered where the call is written.
    pub args: Vec<NameIr>,
    /// What the call is when no function of the crate answers to `function`: the run-time value
    /// its words say (a random value, the process id), else unknown.
    pub otherwise: NameIr,
}

impl NameIr {
    /// Calls `visit` with every item path in the name.
    pub fn item_paths(&self, visit: &mut impl FnMut(&ItemPath)) {
        match self {
            NameIr::Item(path) | NameIr::LocalKey(path) => visit(path),
            NameIr::Concat(parts) | NameIr::Returns(parts) => {
                for part in parts {
                    part.item_paths(visit);
                }
            }
            NameIr::Alternatives(alternatives) => {
                for (_, alternative) in alternatives {
                    alternative.item_paths(visit);
                }
            }
            NameIr::Call(call) => {
                visit(&call.function);
                for arg in &call.args {
                    arg.item_paths(visit);
                }
                call.otherwise.item_paths(visit);
            }
            _ => {}
        }
    }
}

/// A string literal (or one piece of a `format!` template) and how it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    /// The decoded text, without a trailing NUL terminator.
    pub value: String,
    pub file: FileId,
    /// The literal token, quotes and prefixes included: where a fix rewrites the name.
    pub span: ByteSpan,
    /// The string macro the literal is written in (`w!("…")`), shown around a suggestion.
    pub macro_call: Option<ByteSpan>,
    /// The `let` or item the name was read through.
    pub binding: Option<Binding>,
    /// Whether the buffer handed to the API ends in a NUL, where that is known: `false` for a
    /// raw pointer to a Rust string or a collected UTF-16 buffer with no terminator.
    pub terminated: Option<bool>,
    /// Set when a raw pointer is taken of a buffer known to lack its terminator.
    pub unterminated_pointer: bool,
}

/// An absolute path to an item, as `lower` could determine it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ItemPath {
    /// The crate's key and module path, followed by the item's identifier (for a name used
    /// inside a function, the function's own scope first).
    pub segments: Vec<String>,
    /// Where to look when `segments` names nothing: the module's item of that name.
    pub fallback: Option<Vec<String>>,
    /// The path as written, for messages.
    pub written: String,
    /// Whether the path names a function that is called: a path through a re-export or a glob
    /// import is then followed only to a function of the same type (`Config::name`).
    pub called: bool,
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
    /// A `static`, or a lazily initialised one (`lazy_static!`, `LazyLock`, `once_cell`'s `Lazy`).
    Static,
    /// A `thread_local!` static: its value is reached through `with`, never by its path alone.
    ThreadLocal,
    /// A function of the crate, whose value is what it returns.
    Fn,
}

impl std::fmt::Display for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keyword = match self.kind {
            BindingKind::Let => "let",
            BindingKind::Const => "const",
            BindingKind::Static | BindingKind::ThreadLocal => "static",
            BindingKind::Fn => return write!(f, "`{}()`", self.name),
        };
        write!(f, "`{keyword} {}`", self.name)
    }
}

/// Every `const` and `static` of a package whose value could be lowered, by absolute path (its
/// crate's key first: see [`crate::project::crates`]).
#[derive(Debug)]
pub struct ItemIndex<'a> {
    by_path: HashMap<Vec<String>, ItemValue>,
    by_ident: HashMap<String, Vec<Vec<String>>>,
    crates: &'a Crates,
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
}

impl<'a> ItemIndex<'a> {
    /// An empty index of the package whose crates are `crates`.
    pub fn new(crates: &'a Crates) -> Self {
        Self {
            by_path: HashMap::new(),
            by_ident: HashMap::new(),
            crates,
        }
    }

    /// The package's crates.
    pub fn crates(&self) -> &'a Crates {
        self.crates
    }

    /// Adds an item. Items at one path under different `#[cfg]`s are alternatives, each kept;
    /// otherwise (a file read twice) the first is kept.
    pub fn insert(&mut self, path: Vec<String>, mut item: ItemValue) {
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

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// Whether the index can resolve `path`.
    pub fn contains(&self, path: &ItemPath) -> bool {
        self.lookup(path).is_some()
    }

    fn lookup(&self, path: &ItemPath) -> Option<&ItemValue> {
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

/// What [`ObjectName::Unique`] says of a UUID or GUID built from a literal of the program.
pub const WRITTEN_GUID: &str = "a GUID written in the program";

/// What a name argument denotes, once resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectName {
    /// A null or empty name: the object is unnamed and cannot collide with anyone's.
    Unnamed,
    /// A name objlint can read, to the letter or with predictable run-time parts.
    Known(KnownName),
    /// A name with a part nobody can guess (a random value, a UUID, a hash): what it is.
    /// [`WRITTEN_GUID`] is a GUID written in the program, which nobody guesses but anyone can
    /// read from the binary.
    Unique(String),
    /// The enclosing function's parameter at this index: the callers decide the name.
    Param(usize),
    /// A name computed at run time, or in a form objlint does not follow.
    Unknown,
}

/// A name whose text objlint knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownName {
    /// The text; predictable run-time parts appear as `{the process id}`.
    pub value: String,
    /// The literals the name is made of, in order.
    pub literals: Vec<Literal>,
    /// Run-time parts anyone can guess, described ("the process id", "the package name").
    pub predictable: Vec<String>,
    /// The crate's functions that return the name (or a part of it), outermost first.
    pub returned_by: Vec<ReturnedBy>,
}

/// A function of the crate whose returned value the name is read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnedBy {
    /// The function's name as the call writes it (`mutex_key`, `Self::pipe_name`).
    pub function: String,
    pub file: FileId,
    /// The function's name in its signature.
    pub span: ByteSpan,
}

impl KnownName {
    /// The literal a fix appends the GUID to: the last one written.
    pub fn fix_literal(&self) -> Option<&Literal> {
        self.literals.last()
    }

    /// Whether the name is exactly one literal, with nothing computed around it.
    pub fn is_single_literal(&self) -> bool {
        self.literals.len() == 1
            && self.predictable.is_empty()
            && self.value == self.literals[0].value
    }

    /// Whether a raw pointer to the name lacks its NUL terminator.
    pub fn missing_terminator(&self) -> bool {
        self.literals
            .iter()
            .any(|literal| literal.unterminated_pointer)
    }
}

/// Facts about the package that `env!` reads.
#[derive(Debug, Clone, Default)]
pub struct PackageFacts {
    pub name: String,
    pub version: String,
}

/// Follows item paths through a package's index.
pub struct Resolver<'a> {
    pub items: &'a ItemIndex<'a>,
    pub package: &'a PackageFacts,
}

/// How deep the resolver follows items before giving up; a cycle of consts must not loop.
const MAX_DEPTH: usize = 16;

/// How many of the crate's own functions are followed, one inside the other: for functions
/// that pass a name on to a creation, and for functions that return one. A wrapper of a
/// wrapper of a wrapper is as far as real code goes.
pub const MAX_FUNCTION_LEVELS: usize = 3;

/// The arguments of the function calls being followed, innermost first: what the function's
/// parameters stand for.
struct CallFrame<'f> {
    args: &'f [NameIr],
    outer: Option<&'f CallFrame<'f>>,
    /// How many functions deep this frame is (1 for the outermost call).
    level: usize,
}

/// How many combinations of `cfg` alternatives one name is followed through; past that it is
/// unknown.
const MAX_ALTERNATIVES: usize = 16;

/// The `cfg` alternatives a resolution takes, and those it meets.
#[derive(Default)]
struct Choices {
    /// The option to take at each [`NameIr::Alternatives`] met, in order; past its end, the first.
    planned: Vec<usize>,
    /// How many options each one met had, in order.
    met: Vec<usize>,
    /// The `cfg`s of the options taken.
    cfgs: Vec<Cfg>,
}

impl Choices {
    fn take(&mut self, options: usize) -> usize {
        let choice = self.planned.get(self.met.len()).copied().unwrap_or(0);
        self.met.push(options);
        choice
    }

    /// The plan for the next combination, after this one (`None`: every one was taken).
    fn next(&self) -> Option<Vec<usize>> {
        let taken: Vec<usize> = (0..self.met.len())
            .map(|at| self.planned.get(at).copied().unwrap_or(0))
            .collect();
        let last = (0..taken.len())
            .rev()
            .find(|&at| taken[at] + 1 < self.met[at])?;
        let mut next = taken[..last].to_vec();
        next.push(taken[last] + 1);
        Some(next)
    }

    /// Whether the `cfg`s taken cannot all hold in a Windows program, the only one a Win32
    /// name is used in: `test` with `not(test)`, or `unix`.
    fn contradictory(&self) -> bool {
        self.cfgs.iter().any(|cfg| {
            let negated = format!("not({cfg})");
            self.cfgs.contains(&negated) || excludes_windows(cfg)
        })
    }
}

/// Whether a `cfg` predicate is false on every Windows target: `unix`, `not(windows)`,
/// `target_os = "linux"`, and `all`/`any`/`not` of such. What it cannot decide is taken as
/// possible.
fn excludes_windows(cfg: &str) -> bool {
    fn holds_on_windows(cfg: &str) -> Option<bool> {
        let cfg = cfg.trim();
        let inner = |prefix: &str| {
            cfg.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(')'))
                .map(split_predicates)
        };
        if let Some(parts) = inner("not(") {
            return match parts.as_slice() {
                [one] => holds_on_windows(one).map(|holds| !holds),
                _ => None,
            };
        }
        // `all` is decided by one part that does not hold, `any` by one that does; otherwise
        // only when every part is known.
        for (combinator, decisive) in [("all(", false), ("any(", true)] {
            if let Some(parts) = inner(combinator) {
                let values: Vec<Option<bool>> =
                    parts.iter().map(|part| holds_on_windows(part)).collect();
                if values.contains(&Some(decisive)) {
                    return Some(decisive);
                }
                return values
                    .iter()
                    .all(|value| *value == Some(!decisive))
                    .then_some(!decisive);
            }
        }
        let (key, value) = match cfg.split_once('=') {
            Some((key, value)) => (key.trim(), Some(value.trim().trim_matches('"'))),
            None => (cfg, None),
        };
        match (key, value) {
            ("windows", None) => Some(true),
            ("unix" | "wasm", None) | ("target_vendor", Some("apple")) => Some(false),
            ("target_os", Some(os)) => Some(os == "windows"),
            ("target_family", Some(family)) => Some(family == "windows"),
            _ => None,
        }
    }
    holds_on_windows(cfg) == Some(false)
}

/// The comma-separated predicates inside `all(…)`, `any(…)` or `not(…)`, nested ones whole.
fn split_predicates(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start, mut quoted) = (0usize, 0, false);
    for (at, character) in list.char_indices() {
        match character {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                parts.push(&list[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts.retain(|part| !part.trim().is_empty());
    parts
}

/// One name of a creation, and the `cfg`s under which it is the name: each list is one
/// combination, all of whose `cfg`s hold. No `cfg` at all when the name has no alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub cfgs: Vec<Vec<Cfg>>,
    pub name: ObjectName,
}

impl Alternative {
    /// The `cfg` predicate under which this is the name, as written in `#[cfg(…)]`.
    pub fn predicate(&self) -> Option<String> {
        let all = |cfgs: &Vec<Cfg>| match cfgs.as_slice() {
            [one] => one.clone(),
            many => format!("all({})", many.join(", ")),
        };
        match self.cfgs.as_slice() {
            [] => None,
            [one] if one.is_empty() => None,
            [one] => Some(all(one)),
            many => Some(format!(
                "any({})",
                many.iter().map(all).collect::<Vec<_>>().join(", ")
            )),
        }
    }
}

impl Resolver<'_> {
    /// The name, or under `cfg` alternatives the first of them (see [`Resolver::resolve_all`]).
    pub fn resolve(&self, name: &NameIr) -> ObjectName {
        self.resolve_all(name)
            .into_iter()
            .next()
            .map_or(ObjectName::Unknown, |alternative| alternative.name)
    }

    /// Every name the expression can be, one per distinct name, with the `cfg`s under which it
    /// is that name: one with no `cfg` when there are no alternatives, or when all agree.
    pub fn resolve_all(&self, name: &NameIr) -> Vec<Alternative> {
        let mut found: Vec<Alternative> = Vec::new();
        let mut planned = Vec::new();
        for _ in 0..MAX_ALTERNATIVES {
            let mut choices = Choices {
                planned,
                ..Choices::default()
            };
            let mut parts = Parts::default();
            let resolved = match self.collect(name, &mut parts, 0, None, None, &mut choices) {
                Err(stop) => stop,
                Ok(()) => parts.into_name(),
            };
            if !choices.contradictory() {
                let cfgs = std::mem::take(&mut choices.cfgs);
                match found
                    .iter_mut()
                    .find(|seen| same_name(&seen.name, &resolved))
                {
                    Some(seen) => seen.cfgs.push(cfgs),
                    None => found.push(Alternative {
                        cfgs: vec![cfgs],
                        name: resolved,
                    }),
                }
            }
            let Some(next) = choices.next() else {
                match found.as_mut_slice() {
                    // No alternative of a Windows program: nothing to read.
                    [] => found.push(Alternative {
                        cfgs: Vec::new(),
                        name: ObjectName::Unknown,
                    }),
                    [only] => only.cfgs.clear(),
                    _ => {}
                }
                return found;
            };
            planned = next;
        }
        // Too many combinations to follow: unknown rather than a guess.
        vec![Alternative {
            cfgs: Vec::new(),
            name: ObjectName::Unknown,
        }]
    }

    #[allow(clippy::too_many_arguments)]
    fn collect(
        &self,
        name: &NameIr,
        parts: &mut Parts,
        depth: usize,
        binding: Option<&Binding>,
        frame: Option<&CallFrame<'_>>,
        choices: &mut Choices,
    ) -> Result<(), ObjectName> {
        if depth > MAX_DEPTH {
            return Err(ObjectName::Unknown);
        }
        match name {
            NameIr::Alternatives(alternatives) => {
                let choice = choices.take(alternatives.len());
                let (cfg, value) = alternatives.get(choice).ok_or(ObjectName::Unknown)?;
                if !choices.cfgs.contains(cfg) {
                    choices.cfgs.push(cfg.clone());
                }
                self.collect(value, parts, depth + 1, binding, frame, choices)
            }
            NameIr::Unnamed => Err(ObjectName::Unnamed),
            NameIr::Unknown => Err(ObjectName::Unknown),
            NameIr::Param(index) => match frame {
                // Inside a followed function: the caller's argument, read where it is written.
                Some(frame) => {
                    let arg = frame.args.get(*index).ok_or(ObjectName::Unknown)?;
                    self.collect(arg, parts, depth + 1, None, frame.outer, choices)
                }
                None => Err(ObjectName::Param(*index)),
            },
            NameIr::Literal(literal) => {
                parts.value.push_str(&literal.value);
                let mut literal = literal.clone();
                if literal.binding.is_none() {
                    literal.binding = binding.cloned();
                }
                parts.literals.push(literal);
                Ok(())
            }
            NameIr::Item(path) | NameIr::LocalKey(path) => {
                let item = self.items.lookup(path).ok_or(ObjectName::Unknown)?;
                // A `thread_local!` static is a `LocalKey`: only `with` hands out its value.
                let through_with = matches!(name, NameIr::LocalKey(_));
                if through_with != (item.kind == BindingKind::ThreadLocal)
                    || item.kind == BindingKind::Fn
                {
                    return Err(ObjectName::Unknown);
                }
                let binding = Binding {
                    kind: item.kind,
                    name: path.segments.last().cloned().unwrap_or_default(),
                };
                // An item's value does not depend on any caller's arguments.
                self.collect(&item.value, parts, depth + 1, Some(&binding), None, choices)
            }
            NameIr::Call(call) => self.collect_call(call, parts, depth, frame, choices),
            NameIr::Returns(values) => {
                self.collect_agreed(values, parts, depth, binding, frame, choices)
            }
            NameIr::Env(variable) => {
                let (value, what) = match variable.as_str() {
                    "CARGO_PKG_NAME" => (self.package.name.clone(), "the package name"),
                    "CARGO_CRATE_NAME" => (self.package.name.replace('-', "_"), "the crate name"),
                    "CARGO_PKG_VERSION" => (self.package.version.clone(), "the package version"),
                    _ => return Err(ObjectName::Unknown),
                };
                parts.value.push_str(&value);
                parts.predictable.push(what.to_owned());
                Ok(())
            }
            NameIr::Added(text) => {
                parts.value.push_str(text);
                Ok(())
            }
            NameIr::Predictable(what) => {
                parts.value.push('{');
                parts.value.push_str(what);
                parts.value.push('}');
                parts.predictable.push(what.clone());
                Ok(())
            }
            NameIr::Unique(what) => {
                parts.unique.get_or_insert_with(|| what.clone());
                Ok(())
            }
            NameIr::Concat(items) => {
                for item in items {
                    self.collect(item, parts, depth + 1, binding, frame, choices)?;
                }
                Ok(())
            }
        }
    }

    /// A call of one of the crate's functions: what its body returns, its parameters read as
    /// the call's arguments; a call of anything else is what its words say it is.
    fn collect_call(
        &self,
        call: &FunctionCall,
        parts: &mut Parts,
        depth: usize,
        frame: Option<&CallFrame<'_>>,
        choices: &mut Choices,
    ) -> Result<(), ObjectName> {
        let function = self
            .items
            .lookup(&call.function)
            .filter(|item| item.kind == BindingKind::Fn);
        let Some(function) = function else {
            return self.collect(&call.otherwise, parts, depth + 1, None, frame, choices);
        };
        let level = frame.map_or(1, |frame| frame.level + 1);
        if level > MAX_FUNCTION_LEVELS {
            return Err(ObjectName::Unknown);
        }
        let name = call.function.written.clone();
        if let Some((file, span)) = function.defined_at {
            parts.returned_by.push(ReturnedBy {
                function: name.clone(),
                file,
                span,
            });
        }
        let binding = Binding {
            kind: BindingKind::Fn,
            name,
        };
        let inner = CallFrame {
            args: &call.args,
            outer: frame,
            level,
        };
        self.collect(
            &function.value,
            parts,
            depth + 1,
            Some(&binding),
            Some(&inner),
            choices,
        )
    }

    /// The values a function can return, which must all be one name: anything else (two
    /// different names, one of them unknown) is unknown.
    fn collect_agreed(
        &self,
        values: &[NameIr],
        parts: &mut Parts,
        depth: usize,
        binding: Option<&Binding>,
        frame: Option<&CallFrame<'_>>,
        choices: &mut Choices,
    ) -> Result<(), ObjectName> {
        let mut agreed: Option<Result<Parts, ObjectName>> = None;
        for value in values {
            let mut own = Parts::default();
            let outcome = self
                .collect(value, &mut own, depth + 1, binding, frame, choices)
                .map(|()| own);
            agreed = match (agreed, outcome) {
                (None, outcome) => Some(outcome),
                (Some(Ok(first)), Ok(other)) if first.same_name(&other) => Some(Ok(first)),
                (Some(Err(first)), Err(other)) if first == other => Some(Err(first)),
                _ => return Err(ObjectName::Unknown),
            };
        }
        match agreed {
            Some(Ok(own)) => {
                parts.append(own);
                Ok(())
            }
            Some(Err(stop)) => Err(stop),
            None => Err(ObjectName::Unknown),
        }
    }
}

/// Whether two resolutions are the same name (wherever their literals are written).
fn same_name(one: &ObjectName, other: &ObjectName) -> bool {
    match (one, other) {
        (ObjectName::Known(one), ObjectName::Known(other)) => one.value == other.value,
        _ => one == other,
    }
}

#[derive(Default)]
struct Parts {
    value: String,
    literals: Vec<Literal>,
    predictable: Vec<String>,
    unique: Option<String>,
    returned_by: Vec<ReturnedBy>,
}

impl Parts {
    fn into_name(self) -> ObjectName {
        if let Some(unique) = self.unique {
            return ObjectName::Unique(unique);
        }
        if self.value.trim_end_matches('\0').is_empty() {
            return ObjectName::Unnamed;
        }
        ObjectName::Known(KnownName {
            value: self.value,
            literals: self.literals,
            predictable: self.predictable,
            returned_by: self.returned_by,
        })
    }

    /// Whether two sets of parts make the same name.
    fn same_name(&self, other: &Parts) -> bool {
        self.value == other.value && self.unique.is_some() == other.unique.is_some()
    }

    fn append(&mut self, other: Parts) {
        self.value.push_str(&other.value);
        self.literals.extend(other.literals);
        self.predictable.extend(other.predictable);
        if self.unique.is_none() {
            self.unique = other.unique;
        }
        self.returned_by.extend(other.returned_by);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(value: &str) -> NameIr {
        NameIr::Literal(Literal {
            value: value.to_owned(),
            file: 0,
            span: ByteSpan::new(0, 0),
            macro_call: None,
            binding: None,
            terminated: None,
            unterminated_pointer: false,
        })
    }

    fn item(ident: &str) -> ItemPath {
        ItemPath {
            segments: vec!["<lib>".to_owned(), ident.to_owned()],
            fallback: None,
            written: ident.to_owned(),
            called: false,
        }
    }

    fn function(value: NameIr) -> ItemValue {
        ItemValue {
            kind: BindingKind::Fn,
            value,
            defined_at: None,
            cfgs: Vec::new(),
        }
    }

    fn call(ident: &str, args: Vec<NameIr>) -> NameIr {
        NameIr::Call(Box::new(FunctionCall {
            function: ItemPath {
                called: true,
                ..item(ident)
            },
            args,
            otherwise: NameIr::Unknown,
        }))
    }

    /// Each name `resolve_all` gives, with its `cfg` predicate.
    fn names(index: &ItemIndex, name: &NameIr) -> Vec<(Option<String>, String)> {
        let package = PackageFacts::default();
        let resolver = Resolver {
            items: index,
            package: &package,
        };
        resolver
            .resolve_all(name)
            .into_iter()
            .map(|alternative| {
                let shown = match &alternative.name {
                    ObjectName::Known(known) => known.value.clone(),
                    other => format!("{other:?}"),
                };
                (alternative.predicate(), shown)
            })
            .collect()
    }

    fn check(items: Vec<(&str, ItemValue)>, name: &NameIr, expected: &[(Option<&str>, &str)]) {
        let crates = Crates::of(&crate::project::package::stand_in(std::path::Path::new(
            "lib.rs",
        )));
        let mut index = ItemIndex::new(&crates);
        for (ident, value) in items {
            index.insert(item(ident).segments, value);
        }
        let expected: Vec<(Option<String>, String)> = expected
            .iter()
            .map(|(cfg, name)| (cfg.map(str::to_owned), (*name).to_owned()))
            .collect();
        assert_eq!(names(&index, name), expected, "resolving {name:?}");
    }

    #[test]
    fn arguments_stand_for_parameters_and_levels_are_bounded() {
        let keyed = NameIr::Concat(vec![literal("Local\\"), NameIr::Param(0)]);
        let items = || {
            vec![
                ("keyed", function(keyed.clone())),
                ("one", function(call("two", vec![]))),
                ("two", function(call("three", vec![]))),
                ("three", function(call("four", vec![]))),
                ("four", function(literal("Deep"))),
            ]
        };
        check(
            items(),
            &call("keyed", vec![literal("App")]),
            &[(None, "Local\\App")],
        );
        // The caller's own parameter stays a parameter: the caller passes the name on.
        check(
            items(),
            &call("keyed", vec![NameIr::Param(1)]),
            &[(None, "Param(1)")],
        );
        check(items(), &call("two", vec![]), &[(None, "Deep")]);
        check(items(), &call("one", vec![]), &[(None, "Unknown")]);
    }

    #[test]
    fn returns_must_agree() {
        let agreeing = NameIr::Returns(vec![literal("Same"), literal("Same")]);
        let disagreeing = NameIr::Returns(vec![literal("One"), literal("Other")]);
        check(vec![], &agreeing, &[(None, "Same")]);
        check(vec![], &disagreeing, &[(None, "Unknown")]);
    }

    #[test]
    fn cfg_alternatives_are_each_a_name() {
        let cfg_item = |cfg: &str, value: &str| ItemValue {
            kind: BindingKind::Const,
            value: literal(value),
            defined_at: None,
            cfgs: vec![cfg.to_owned()],
        };
        let items = || {
            vec![
                ("NAME", cfg_item("test", "TestName")),
                ("NAME", cfg_item("not(test)", "AppName")),
                ("OTHER", cfg_item("test", "T")),
                ("OTHER", cfg_item("not(test)", "A")),
            ]
        };
        check(
            items(),
            &NameIr::Item(item("NAME")),
            &[(Some("test"), "TestName"), (Some("not(test)"), "AppName")],
        );
        // Two alternatives met twice: `test` with `not(test)` is no program.
        let both = NameIr::Concat(vec![NameIr::Item(item("NAME")), NameIr::Item(item("NAME"))]);
        check(
            items(),
            &both,
            &[
                (Some("test"), "TestNameTestName"),
                (Some("not(test)"), "AppNameAppName"),
            ],
        );
        // A name for Unix is none of a Win32 call's.
        let platforms = NameIr::Alternatives(vec![
            ("windows".to_owned(), literal(r"\\.\pipe\app")),
            ("unix".to_owned(), literal("/tmp/app.sock")),
            ("not(any(windows, unix))".to_owned(), NameIr::Unknown),
        ]);
        check(vec![], &platforms, &[(None, r"\\.\pipe\app")]);
        let linux = NameIr::Alternatives(vec![
            ("target_os = \"linux\"".to_owned(), literal("LinuxName")),
            (
                "all(test, not(target_family = \"windows\"))".to_owned(),
                literal("Other"),
            ),
        ]);
        check(vec![], &linux, &[(None, "Unknown")]);
        // Alternatives that make one name are that name, under no `cfg`.
        let same = NameIr::Alternatives(vec![
            ("test".to_owned(), literal("Same")),
            ("not(test)".to_owned(), literal("Same")),
        ]);
        check(vec![], &same, &[(None, "Same")]);
    }
}
