//! The vocabulary of name resolution: a name expression after lowering ([`NameIr`], plain data
//! free of syn and of proc-macro2 spans) and what it denotes once resolved ([`ObjectName`]).

use std::sync::Arc;

use crate::scan::source::ByteSpan;

/// Index of a file in its package's file list.
pub type FileId = usize;

/// A name expression after lowering: what is known of it from its own file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameIr {
    /// A null name (`None`, a null pointer): the object is unnamed. Empty text is a
    /// [`NameIr::Literal`], which may be a part of a longer name; a name whose text is empty as
    /// a whole resolves to [`ObjectName::Unnamed`].
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
    /// The value a lock static (`RwLock`, `Mutex`, `ArcSwap`) holds, read through its guard
    /// (`NAME.read().unwrap().clone()`): the item must be one, and its value is its initial one.
    Locked(ItemPath),
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
    /// A hash by this hasher (`DefaultHasher`, `Sha256`, `blake3`) of these values, fed in
    /// order, with keys that are fixed: every process computes the same hash of the same input,
    /// so it is as predictable as its input (see `names::hashes`).
    Hash(String, Vec<NameIr>),
    /// A part's text changed by a method that keeps what it is (`sid.replace('-', "_")`,
    /// `user.to_lowercase()`): as predictable, or as unique, as the part itself; anything else
    /// is unknown, as the change is not applied to the text objlint reads.
    Rewritten(Box<NameIr>),
    /// A call of one of the crate's own functions (`mutex_key()`, `Self::pipe_name()`,
    /// `key(APP)`): the name is what the function returns, its parameters being `args`.
    Call(Box<FunctionCall>),
    /// Every value a function body can return (its tail and its `return`s): the name is known
    /// only when they all agree.
    Returns(Vec<NameIr>),
    /// A call of one of the crate's functions that passes a name on to a creation: the name that
    /// function completes from its parameters (`format!("Global\\{id}")`), which are `args`.
    Composed(Box<Composition>),
    /// `NAME.get()` on a `OnceCell`/`OnceLock` static: the value its `set` calls give it (the
    /// static's indexed value, [`NameIr::SetValues`]).
    OnceValue(ItemPath),
    /// The values the `set` calls of a `OnceCell`/`OnceLock` static give it, each with the call:
    /// the name is known only when every one is, one name per distinct value.
    SetValues(Vec<(SetCall, NameIr)>),
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

/// A call of one of the crate's functions that passes a name on to a creation, lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composition {
    /// The function as the call names it (`single_instance`, `Instance::create`), for messages.
    pub function: String,
    /// The name the function hands its creation, lowered in the function's own file: its
    /// parameters stand for `args`. Shared by every call of the function.
    pub name: Arc<NameIr>,
    /// The call's arguments, lowered where the call is written.
    pub args: Vec<NameIr>,
}

impl NameIr {
    /// Calls `visit` with every item path in the name.
    pub fn item_paths(&self, visit: &mut impl FnMut(&ItemPath)) {
        match self {
            NameIr::Item(path)
            | NameIr::LocalKey(path)
            | NameIr::OnceValue(path)
            | NameIr::Locked(path) => visit(path),
            NameIr::SetValues(values) => {
                for (_, value) in values {
                    value.item_paths(visit);
                }
            }
            NameIr::Concat(parts) | NameIr::Returns(parts) | NameIr::Hash(_, parts) => {
                for part in parts {
                    part.item_paths(visit);
                }
            }
            NameIr::Alternatives(alternatives) => {
                for (_, alternative) in alternatives {
                    alternative.item_paths(visit);
                }
            }
            NameIr::Rewritten(inner) => inner.item_paths(visit),
            NameIr::Call(call) => {
                visit(&call.function);
                for arg in &call.args {
                    arg.item_paths(visit);
                }
                call.otherwise.item_paths(visit);
            }
            NameIr::Composed(composition) => {
                composition.name.item_paths(visit);
                for arg in &composition.args {
                    arg.item_paths(visit);
                }
            }
            _ => {}
        }
    }
}

impl NameIr {
    /// How a name objlint cannot read whole is built: its written parts (literals, and the
    /// items they are read from) in order, `{}` for each run-time part. `None` when nothing is
    /// written (no evidence of what the name is), when a part is a value nobody can guess, or
    /// when the name is what a function returns or completes, or has `cfg` alternatives. Two
    /// names of one shape are built the same way, from values objlint cannot follow:
    /// `format!("{PREFIX}{slot}")` and `format!("{PREFIX}{n}")`.
    pub fn shape(&self) -> Option<String> {
        let mut shape = String::new();
        self.write_shape(&mut shape)?;
        // Only the run-time parts: nothing shows how the name is built.
        (shape.chars().any(|c| c != '{' && c != '}')).then_some(shape)
    }

    fn write_shape(&self, shape: &mut String) -> Option<()> {
        match self {
            NameIr::Unknown
            | NameIr::Param(_)
            | NameIr::Predictable(_)
            | NameIr::Env(_)
            | NameIr::Rewritten(_)
            | NameIr::Hash(..) => {
                shape.push_str("{}");
            }
            NameIr::Literal(literal) => shape.push_str(&literal.value),
            NameIr::Added(text) => shape.push_str(text),
            // A module's item, however the path to it is written in each function.
            NameIr::Item(path) | NameIr::LocalKey(path) | NameIr::Locked(path) => {
                let segments = path.fallback.as_ref().unwrap_or(&path.segments);
                shape.push('{');
                shape.push_str(&segments.join("::"));
                shape.push('}');
            }
            NameIr::Concat(parts) => {
                for part in parts {
                    part.write_shape(shape)?;
                }
            }
            // A function of the crate whose value objlint could not read; a call its words say
            // is random (`Uuid::new_v4()`) is a value nobody guesses.
            NameIr::Call(call) if !matches!(call.otherwise, NameIr::Unique(_)) => {
                shape.push_str("{}");
            }
            NameIr::Unnamed
            | NameIr::Unique(_)
            | NameIr::Call(_)
            | NameIr::Returns(_)
            | NameIr::Composed(_)
            | NameIr::OnceValue(_)
            | NameIr::SetValues(_)
            | NameIr::Alternatives(_) => return None,
        }
        Some(())
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
    /// Once resolved: the crate function that wrote this literal around its caller's part of
    /// the name (see [`NameIr::Composed`]), as the call names it. A fix never rewrites it: the
    /// function completes every caller's name with it.
    pub completed_by: Option<String>,
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

impl ItemPath {
    /// The path of element `index` of the tuple the function at this path returns, which the
    /// index holds as an item of its own (`setup.1`: no identifier has a dot).
    #[must_use]
    pub fn element(mut self, index: u32) -> Self {
        for segments in std::iter::once(&mut self.segments).chain(self.fallback.as_mut()) {
            if let Some(last) = segments.last_mut() {
                *last = format!("{last}.{index}");
            }
        }
        self
    }
}

/// The identifier an item is declared with: a tuple element's (`setup.1`) is its function's.
pub fn declared_identifier(segment: &str) -> &str {
    segment
        .split_once('.')
        .map_or(segment, |(function, _)| function)
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
    /// A `static` `OnceCell`/`OnceLock`, made empty: its value is what its `set` calls give it,
    /// reached through `get` (see [`NameIr::OnceValue`]).
    OnceCell,
    /// A `static` whose value a lock holds (`RwLock::new(…)`, `Mutex::new(…)`, `ArcSwap`), maybe
    /// made on first use: its value is the lock's initial one, reached through its guard (see
    /// [`NameIr::Locked`]). The program may write another; the initial one is the name of the
    /// program as built, and anyone can read it.
    Lock,
}

impl std::fmt::Display for Binding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keyword = match self.kind {
            BindingKind::Let => "let",
            BindingKind::Const => "const",
            BindingKind::Static
            | BindingKind::ThreadLocal
            | BindingKind::OnceCell
            | BindingKind::Lock => "static",
            BindingKind::Fn => return write!(f, "`{}()`", self.name),
        };
        write!(f, "`{keyword} {}`", self.name)
    }
}

/// A raw pointer to a Rust string's bytes handed to the API as its name (`name.as_ptr()`,
/// `PCSTR(name.as_ptr())`, `name.as_ptr() as *const i8`): a `String` or `&str` holds no NUL
/// after its text, so the API reads on past it, whatever the text is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrPointer {
    /// Whether the API reads the bytes as UTF-16 (a `*const u16` cast, `PCWSTR(…)`, a `…W`
    /// function): the UTF-8 text is then garbled as well.
    pub wide: bool,
    /// What the string is, as far as its expression says.
    pub string: RustString,
    /// The string's value, lowered: a NUL written in it (`format!("…\0")`, `push('\0')`)
    /// ends the name after all.
    pub value: NameIr,
    /// The indices of the enclosing function's `&str` parameters: a `String` ending with one
    /// ends as the caller's text does.
    pub borrowed_params: Vec<usize>,
}

/// What kind of Rust string a pointer is taken of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RustString {
    /// A `String` made at run time (`format!`, `to_string()`, `String::from`, a `String`
    /// parameter): its bytes end where its text does, unless the code writes a NUL into it.
    Owned,
    /// A `&str` parameter: its text is the caller's, so only a wide read is known to be
    /// wrong, or a value known to be text without a NUL.
    Borrowed,
    /// Text written in the program (a literal, a `const`): wrong when its known value has no NUL.
    Written,
    /// What one of the crate's functions returns: its declared return type says which of the
    /// above it is.
    ReturnedBy(ItemPath),
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
    /// The text up to its first NUL, as the API reads it; predictable run-time parts appear as
    /// `{the process id}`.
    pub value: String,
    /// The literals the name is made of, in order.
    pub literals: Vec<Literal>,
    /// Run-time parts anyone can guess, described ("the process id", "the package name").
    pub predictable: Vec<String>,
    /// The crate's functions that return the name (or a part of it), outermost first.
    pub returned_by: Vec<ReturnedBy>,
    /// The calls that set the `OnceCell`/`OnceLock` statics the name is read from, with each
    /// static's name.
    pub set_by: Vec<(String, SetCall)>,
}

/// A call that sets a `OnceCell`/`OnceLock` static: `NAME.set(…)` itself, or a call of a
/// function of the crate that sets it from its parameter (`prepare("…")`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetCall {
    /// The function called, as the call writes it; `None` for `NAME.set(…)`.
    pub function: Option<String>,
    pub file: FileId,
    pub call: ByteSpan,
    /// The `#[cfg]` of the code the call is in, if any: calls that set different values under
    /// different ones are alternative programs.
    pub cfg: Option<Cfg>,
    /// Whether the call is in a workspace member's file: its `feature`s are the member's, whose
    /// default build this package's manifest does not tell.
    pub in_member: bool,
}

/// A call that may set a `OnceCell`/`OnceLock` static, as found: `NAME.set(value)` where
/// `NAME` is a path, or a call of a function that sets one from its parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnceSet {
    /// The static, as the call's function names it.
    pub cell: ItemPath,
    /// The value set, lowered where the call is (a function's call: its composition).
    pub value: NameIr,
    pub call: SetCall,
    /// The function the call is in, whose callers may pass the value.
    pub enclosing_fn: Option<FnSignature>,
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
    /// The literal a fix appends the GUID to: the last one the caller writes (not one a crate
    /// function completes every caller's name with).
    pub fn fix_literal(&self) -> Option<&Literal> {
        self.literals
            .iter()
            .rev()
            .find(|literal| literal.completed_by.is_none())
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
