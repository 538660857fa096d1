//! Resolution: following a [`NameIr`]'s paths through the package's [`ItemIndex`], and the
//! calls of its functions, to the [`ObjectName`] it denotes, under each `cfg` alternative.

use crate::names::build_time::at_build_time;
use crate::names::cfg::{set_under, Alternative, Choices};
use crate::names::hashes::hashed_input;
use crate::names::index::ItemIndex;
use crate::names::ir::{
    Binding, BindingKind, Composition, FunctionCall, ItemPath, KnownName, Literal, NameIr,
    ObjectName, ReturnedBy, SetCall, WRITTEN_GUID,
};
use crate::project::crates::is_member_key;

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

/// How many of the crate's own functions that return a name are followed, one inside the
/// other. A wrapper of a wrapper of a wrapper is as far as real code goes. (The functions that
/// pass a name on are bounded by the rounds that find them, in `check::crate_functions`.)
pub const MAX_FUNCTION_LEVELS: usize = 3;

/// The arguments of the function calls being followed, innermost first: what the function's
/// parameters stand for.
struct CallFrame<'f> {
    args: &'f [NameIr],
    outer: Option<&'f CallFrame<'f>>,
    /// How many functions deep this frame is (1 for the outermost call).
    level: usize,
    /// The function completing the name where the call's arguments are written, if any (see
    /// [`Parts::completing`]).
    caller_completing: Option<String>,
}

/// How many combinations of `cfg` alternatives one name is followed through; past that it is
/// unknown.
const MAX_ALTERNATIVES: usize = 16;

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
            let mut choices = Choices::planned(planned);
            let mut parts = Parts::default();
            let resolved = match self.collect(name, &mut parts, 0, None, None, &mut choices) {
                Err(stop) => stop,
                Ok(()) => parts.into_name(),
            };
            if !choices.contradictory() {
                let cfgs = std::mem::take(&mut choices.cfgs);
                let member_cfg = choices.member_cfg;
                match found
                    .iter_mut()
                    .find(|seen| same_name(&seen.name, &resolved))
                {
                    Some(seen) => {
                        seen.cfgs.push(cfgs);
                        seen.member_cfg |= member_cfg;
                    }
                    None => found.push(Alternative {
                        cfgs: vec![cfgs],
                        name: resolved,
                        member_cfg,
                    }),
                }
            }
            let Some(next) = choices.next() else {
                match found.as_mut_slice() {
                    // No alternative of a Windows program: nothing to read.
                    [] => found.push(Alternative {
                        cfgs: Vec::new(),
                        name: ObjectName::Unknown,
                        member_cfg: false,
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
            member_cfg: false,
        }]
    }

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
                choices.take_cfg(cfg);
                self.collect(value, parts, depth + 1, binding, frame, choices)
            }
            NameIr::Unnamed => Err(ObjectName::Unnamed),
            NameIr::Unknown => Err(ObjectName::Unknown),
            NameIr::Param(index) => self.collect_param(*index, parts, depth, frame, choices),
            // Empty text adds nothing to a name, nor a literal a fix could lengthen: a `const`
            // that is empty may be a whole name elsewhere, which a GUID would make named.
            NameIr::Literal(literal) if literal.value.is_empty() => Ok(()),
            NameIr::Literal(literal) => {
                parts.value.push_str(&literal.value);
                let mut literal = literal.clone();
                if literal.binding.is_none() {
                    literal.binding = binding.cloned();
                }
                literal.completed_by.clone_from(&parts.completing);
                parts.literals.push(literal);
                Ok(())
            }
            NameIr::Item(path) => self.collect_item(path, Read::Path, parts, depth, choices),
            NameIr::LocalKey(path) => self.collect_item(path, Read::With, parts, depth, choices),
            NameIr::OnceValue(path) => self.collect_item(path, Read::Get, parts, depth, choices),
            NameIr::Locked(path) => self.collect_item(path, Read::Guard, parts, depth, choices),
            NameIr::SetValues(values) => {
                self.collect_set_values(values, parts, depth, binding, choices)
            }
            NameIr::Call(call) => self.collect_call(call, parts, depth, frame, choices),
            NameIr::Composed(composition) => {
                self.collect_composed(composition, parts, depth, frame, choices)
            }
            NameIr::Returns(values) => {
                self.collect_agreed(values, parts, depth, binding, frame, choices)
            }
            NameIr::Env(variable) => {
                self.collect_env(variable, parts);
                Ok(())
            }
            NameIr::Added(text) => {
                parts.value.push_str(text);
                Ok(())
            }
            NameIr::Predictable(what) => {
                parts.push_predictable(what);
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
            NameIr::Hash(hasher, input) => {
                self.collect_hash(hasher, input, parts, depth, frame, choices)
            }
            NameIr::Rewritten(inner) => self.collect_rewritten(inner, parts, depth, frame, choices),
        }
    }

    /// A hash by a hasher with fixed keys: as predictable as what it hashes, shown as what the
    /// input is (`{the DefaultHasher hash of the user name}`, see [`hashed_input`]). A hash of a value nobody can guess is one too, and a hash of a GUID written in
    /// the program is as readable from the binary as the GUID. An input objlint cannot read
    /// leaves the hash unknown, and one that is a parameter leaves the name to the callers.
    fn collect_hash(
        &self,
        hasher: &str,
        input: &[NameIr],
        parts: &mut Parts,
        depth: usize,
        frame: Option<&CallFrame<'_>>,
        choices: &mut Choices,
    ) -> Result<(), ObjectName> {
        let mut what: Vec<String> = Vec::new();
        for value in input {
            let mut own = Parts::default();
            match self.collect(value, &mut own, depth + 1, None, frame, choices) {
                Err(ObjectName::Unnamed) => return Err(ObjectName::Unknown),
                collected => collected?,
            }
            if own.unique.is_none() && crate::names::unique::contains_guid(&own.value) {
                own.unique = Some(WRITTEN_GUID.to_owned());
            }
            if let Some(unique) = own.unique {
                parts.unique.get_or_insert(unique);
                return Ok(());
            }
            what.extend(hashed_input(&own.literals, &own.predictable));
        }
        let what = match what.as_slice() {
            [] => format!("the {hasher} hash of nothing"),
            _ => format!("the {hasher} hash of {}", what.join(" and ")),
        };
        parts.push_predictable(&what);
        Ok(())
    }

    /// The parameter at `index` of the function being followed: the caller's argument, read
    /// where it is written; outside any followed function, the parameter itself.
    fn collect_param(
        &self,
        index: usize,
        parts: &mut Parts,
        depth: usize,
        frame: Option<&CallFrame<'_>>,
        choices: &mut Choices,
    ) -> Result<(), ObjectName> {
        let Some(frame) = frame else {
            return Err(ObjectName::Param(index));
        };
        let arg = frame.args.get(index).ok_or(ObjectName::Unknown)?;
        let inside = std::mem::replace(&mut parts.completing, frame.caller_completing.clone());
        let collected = self.collect(arg, parts, depth + 1, None, frame.outer, choices);
        parts.completing = inside;
        collected
    }

    /// A `const` or `static` of the package, read as `read` says (only its `with` hands out a
    /// `thread_local!` static's value, only its `get` a `OnceCell`'s, only its guard a lock's):
    /// what its value is, wherever it is read.
    fn collect_item(
        &self,
        path: &ItemPath,
        read: Read,
        parts: &mut Parts,
        depth: usize,
        choices: &mut Choices,
    ) -> Result<(), ObjectName> {
        let item = self.items.lookup(path).ok_or(ObjectName::Unknown)?;
        let readable = match read {
            Read::Path => matches!(item.kind, BindingKind::Const | BindingKind::Static),
            Read::With => item.kind == BindingKind::ThreadLocal,
            Read::Get => item.kind == BindingKind::OnceCell,
            Read::Guard => item.kind == BindingKind::Lock,
        };
        if !readable {
            return Err(ObjectName::Unknown);
        }
        let binding = Binding {
            kind: item.kind,
            name: path.segments.last().cloned().unwrap_or_default(),
        };
        let member = self
            .items
            .lookup_key(path)
            .and_then(|key| key.into_iter().next())
            .is_some_and(|key| is_member_key(&key));
        let outside = choices.in_member;
        choices.in_member |= member;
        let collected = self.collect_item_value(&item.value, read, &binding, parts, depth, choices);
        choices.in_member = outside;
        collected
    }

    /// An item's value, read as `read` says: it does not depend on any caller's arguments.
    fn collect_item_value(
        &self,
        value: &NameIr,
        read: Read,
        binding: &Binding,
        parts: &mut Parts,
        depth: usize,
        choices: &mut Choices,
    ) -> Result<(), ObjectName> {
        if read != Read::Guard {
            return self.collect(value, parts, depth + 1, Some(binding), None, choices);
        }
        // A lock made empty (`Mutex::new(None)`, `RwLock::new(String::new())`) is written before
        // it names anything: its name is unknown, not missing.
        let mut own = Parts {
            completing: parts.completing.clone(),
            ..Parts::default()
        };
        self.collect(value, &mut own, depth + 1, Some(binding), None, choices)
            .map_err(|_| ObjectName::Unknown)?;
        if own.value.is_empty() && own.unique.is_none() {
            return Err(ObjectName::Unknown);
        }
        parts.append(own);
        Ok(())
    }

    /// The values the `set` calls of a `OnceCell` static (`binding`) give it: each must be known,
    /// for one the resolver cannot read may be any name; the one name they agree on, else each
    /// distinct one as an alternative of its own.
    fn collect_set_values(
        &self,
        values: &[(SetCall, NameIr)],
        parts: &mut Parts,
        depth: usize,
        binding: Option<&Binding>,
        choices: &mut Choices,
    ) -> Result<(), ObjectName> {
        let cell = binding
            .map(|binding| binding.name.clone())
            .unwrap_or_default();
        // Each distinct value, with the calls that set it.
        let mut distinct: Vec<(Parts, Vec<&SetCall>)> = Vec::new();
        let outside = choices.in_member;
        for (call, value) in values {
            let mut own = Parts {
                completing: parts.completing.clone(),
                ..Parts::default()
            };
            // A value set does not depend on the arguments of the function reading it, and
            // is written where the call is.
            choices.in_member = call.in_member;
            let collected = self.collect(value, &mut own, depth + 1, binding, None, choices);
            choices.in_member = outside;
            collected.map_err(|_| ObjectName::Unknown)?;
            own.set_by.push((cell.clone(), call.clone()));
            match distinct.iter_mut().find(|(seen, _)| seen.same_name(&own)) {
                Some((seen, calls)) => {
                    seen.set_by.append(&mut own.set_by);
                    calls.push(call);
                }
                None => distinct.push((own, vec![call])),
            }
        }
        let choice = match distinct.len() {
            0 => return Err(ObjectName::Unknown),
            1 => 0,
            many => choices.take(many),
        };
        if choice >= distinct.len() {
            return Err(ObjectName::Unknown);
        }
        let several = distinct.len() > 1;
        let (chosen, calls) = distinct.swap_remove(choice);
        // Values set under different `#[cfg]`s are alternative programs: the one taken holds
        // under the `cfg` of the calls that set it (any of them), unless one is under none.
        if let Some((cfg, in_member)) = set_under(&calls).filter(|_| several) {
            choices.in_member = in_member;
            choices.take_cfg(&cfg);
            choices.in_member = outside;
        }
        parts.append(chosen);
        Ok(())
    }

    /// `env!(variable)`: a variable cargo sets from the manifest is its value there; any other
    /// is set by the build, its value as fixed, and as readable from the binary.
    fn collect_env(&self, variable: &str, parts: &mut Parts) {
        let (value, what) = self.env(variable).map_or_else(
            || {
                let what = at_build_time(variable);
                (format!("{{{what}}}"), what)
            },
            |(value, what)| (value, what.to_owned()),
        );
        parts.value.push_str(&value);
        parts.predictable.push(what);
    }

    /// The value of `env!(variable)` and what it is, for the variables cargo sets from the
    /// package's manifest.
    fn env(&self, variable: &str) -> Option<(String, &'static str)> {
        match variable {
            "CARGO_PKG_NAME" => Some((self.package.name.clone(), "the package name")),
            "CARGO_CRATE_NAME" => Some((self.package.name.replace('-', "_"), "the crate name")),
            "CARGO_PKG_VERSION" => Some((self.package.version.clone(), "the package version")),
            _ => None,
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
            caller_completing: parts.completing.clone(),
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

    /// A call of a crate function that passes a name on: the name it completes, its parameters
    /// read as the call's arguments, its own literals marked as its (see [`Parts::completing`]).
    fn collect_composed(
        &self,
        composition: &Composition,
        parts: &mut Parts,
        depth: usize,
        frame: Option<&CallFrame<'_>>,
        choices: &mut Choices,
    ) -> Result<(), ObjectName> {
        let caller_completing = parts.completing.replace(composition.function.clone());
        let inner = CallFrame {
            args: &composition.args,
            outer: frame,
            // No level of its own: that counts functions whose returned value is read, and the
            // functions passing a name on are bounded by the rounds that find them.
            level: frame.map_or(0, |frame| frame.level),
            caller_completing: caller_completing.clone(),
        };
        let collected = self.collect(
            &composition.name,
            parts,
            depth + 1,
            None,
            Some(&inner),
            choices,
        );
        parts.completing = caller_completing;
        collected
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
            let mut own = Parts {
                completing: parts.completing.clone(),
                ..Parts::default()
            };
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

/// How a `static` is read: by its path, through a `thread_local!`'s `with`, through a
/// `OnceCell`'s `get`, or through a lock's guard (`read()`, `lock()`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    Path,
    With,
    Get,
    Guard,
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
    set_by: Vec<(String, SetCall)>,
    /// While a crate function's composition is collected: that function (see
    /// [`NameIr::Composed`]). Its literals are marked with it; its caller's are not.
    completing: Option<String>,
}

impl Parts {
    fn push_predictable(&mut self, what: &str) {
        self.value.push('{');
        self.value.push_str(what);
        self.value.push('}');
        self.predictable.push(what.to_owned());
    }

    fn into_name(self) -> ObjectName {
        if let Some(unique) = self.unique {
            return ObjectName::Unique(unique);
        }
        // The API reads the name up to the first NUL written in it (`format!("{name}\0")`):
        // that is the name shown, compared and matched against `shared-names`.
        let mut value = self.value;
        value.truncate(value.find('\0').unwrap_or(value.len()));
        if value.is_empty() {
            return ObjectName::Unnamed;
        }
        ObjectName::Known(KnownName {
            value,
            literals: self.literals,
            predictable: self.predictable,
            returned_by: self.returned_by,
            set_by: self.set_by,
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
        self.set_by.extend(other.set_by);
    }
}

mod rewritten;
#[cfg(test)]
mod tests;
