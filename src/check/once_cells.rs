//! Stage 2c of a package: the `OnceCell`/`OnceLock` statics its creations read through `get`
//! hold what the package's `set` calls give them; a `set` of a function's parameter gives what
//! that function's callers pass, found as the calls of a name-passing function are.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::catalogue::apis::{Api, ObjectKind, OnExisting, Origin, OwnershipArg};
use crate::catalogue::Catalogue;
use crate::check::crate_functions::{function_matcher, read_referenced_items};
use crate::check::file::{scan, Apis, CrateFunction, Dropped, PackageFile};
use crate::check::parse::Parsed;
use crate::creations::{FnSignature, FoundCreation};
use crate::names::{
    FileId, ItemIndex, ItemPath, NameIr, ObjectName, OnceSet, PackageFacts, Resolver, SetCall,
    MAX_FUNCTION_LEVELS,
};
use crate::project::crates::is_member_key;
use crate::project::package::Package;
use crate::scan::mentions::{Mentions, WordSearch};
use crate::scan::source::ByteSpan;

/// Gives each `OnceCell` static a creation reads through `get` its values: those of the calls
/// that set it, a function's parameter standing for what the function's callers pass, up to
/// [`MAX_FUNCTION_LEVELS`] functions deep. A value objlint cannot read, or a parameter whose
/// callers are not followed (a method's), leaves the static unknown.
pub fn follow_once_cells(
    package: &Package,
    files: &mut [PackageFile],
    facts: &PackageFacts,
    parsed: &mut [Parsed],
    found: &mut Vec<FoundCreation>,
    items: &mut ItemIndex<'_>,
    searched: &mut HashSet<String>,
) {
    if !found.iter().any(|creation| reads_once_cell(&creation.name)) {
        return;
    }
    // The statics' declarations (and those of the items that lead to one), then every item that
    // names them, for their `set` calls.
    read_referenced_items(package, files, parsed, found, items, searched);
    let (read, kind) = cells_read(found, items);
    if read.is_empty() {
        return;
    }
    let words: Vec<String> = read
        .iter()
        .filter_map(|path| path.segments.last().cloned())
        .collect();
    rescan(
        package,
        files,
        parsed,
        found,
        items,
        Apis::Catalogue(&Catalogue::default()),
        &words,
    );
    let cells: HashMap<Vec<String>, ItemPath> = read
        .into_iter()
        .filter(|path| {
            items
                .lookup(path)
                .is_some_and(|item| item.kind == crate::names::BindingKind::OnceCell)
        })
        .filter_map(|path| Some((items.lookup_key(&path)?, path)))
        .collect();
    if cells.is_empty() {
        return;
    }
    let mut state = Followed::default();
    for _ in 0..MAX_FUNCTION_LEVELS {
        let (functions, set_cells) = state.setters(files, facts, items, &cells, kind);
        if functions.is_empty() {
            break;
        }
        let mut catalogue = Catalogue::default();
        for function in &functions {
            catalogue.insert(Arc::clone(&function.api));
        }
        let words = catalogue.keywords();
        let before = found.len();
        let crates = items.crates();
        rescan(
            package,
            files,
            parsed,
            found,
            items,
            Apis::CrateFunctions(&functions, crates),
            &words,
        );
        add_setter_calls(
            found.drain(before..).collect(),
            files,
            &functions,
            &set_cells,
            items,
        );
    }
    state.give_values(facts, items, &cells);
}

/// Adds the `calls` found of the setter `functions` as calls that set their statics
/// (`set_cells`): they are no creations.
fn add_setter_calls(
    calls: Vec<FoundCreation>,
    files: &[PackageFile],
    functions: &[CrateFunction],
    set_cells: &[(ItemPath, FnSignature)],
    items: &mut ItemIndex<'_>,
) {
    for call in calls {
        let Some(at) = functions
            .iter()
            .position(|function| Arc::ptr_eq(&function.api, &call.api))
        else {
            continue;
        };
        let (function, (cell, signature)) = (&functions[at], &set_cells[at]);
        if call.in_test_code {
            continue;
        }
        // The value the function sets, its parameters read as the call's arguments.
        let mut value = call.name;
        if let NameIr::Composed(composition) = &mut value {
            composition.name = Arc::clone(&function.composition);
        }
        // A call is matched by its function's name: one that a function of the same name
        // (a facade) found a round earlier is this function's, the later round's, but for
        // the call inside this function itself.
        let inside = call.enclosing_fn.as_ref() == Some(signature);
        let set = OnceSet {
            cell: cell.clone(),
            value,
            call: SetCall {
                function: Some(function.api.name.to_string()),
                file: call.file,
                call: call.callee,
                cfg: call.compiled_under,
                in_member: files
                    .get(call.file)
                    .is_some_and(|file| is_member_key(file.place.crate_key())),
            },
            enclosing_fn: call.enclosing_fn,
        };
        if inside {
            items.add_once_set(set);
        } else {
            items.replace_once_set(set);
        }
    }
}

/// What following the `set` calls found so far: the calls whose value a function's callers
/// pass (they stand for it), and the statics left unknown.
#[derive(Default)]
struct Followed {
    by_callers: HashSet<(FileId, ByteSpan)>,
    unknown: HashSet<Vec<String>>,
}

impl Followed {
    /// The functions whose parameter a `set` call of one of `cells` gives, not followed yet,
    /// each as an API and with the static it sets. Functions of one name that set one static
    /// alike (each platform's `prepare`) are one API, as their calls are matched by name; of two
    /// that do not (a facade and the function it calls), one is followed a round later.
    fn setters(
        &mut self,
        files: &[PackageFile],
        facts: &PackageFacts,
        items: &ItemIndex<'_>,
        cells: &HashMap<Vec<String>, ItemPath>,
        kind: ObjectKind,
    ) -> (Vec<CrateFunction>, Vec<(ItemPath, FnSignature)>) {
        let resolver = Resolver {
            items,
            package: facts,
        };
        let (mut setters, mut set_cells) = (Vec::new(), Vec::<(ItemPath, FnSignature)>::new());
        // Each API's name, with its crate, parameter and static.
        let mut names: HashMap<String, (String, usize, Vec<String>)> = HashMap::new();
        for set in items.once_sets() {
            let Some(key) = items
                .lookup_key(&set.cell)
                .filter(|key| cells.contains_key(key))
            else {
                continue;
            };
            let call = (set.call.file, set.call.call);
            if self.by_callers.contains(&call) {
                continue;
            }
            let ObjectName::Param(index) = resolver.resolve(&set.value) else {
                continue;
            };
            let Some(signature) = set.enclosing_fn.as_ref().filter(|sig| !sig.has_receiver) else {
                // A method's callers are not followed: the value may be anything.
                self.unknown.insert(key);
                continue;
            };
            let api = setter_api(signature, index, kind);
            let crate_key = files
                .get(set.call.file)
                .map_or("", |file| file.place.crate_key())
                .to_owned();
            let group = (crate_key.clone(), index, key.clone());
            match names.get(&*api.name) {
                Some(taken) if *taken != group => continue,
                Some(_) => {
                    self.by_callers.insert(call);
                    let same = setters.iter().zip(&set_cells).any(|(function, (cell, _))| {
                        let function: &CrateFunction = function;
                        function.api.name == api.name
                            && items.lookup_key(cell).as_ref() == Some(&key)
                            && *function.composition == set.value
                    });
                    if !same {
                        // A call may reach either function: the value may be either's.
                        self.unknown.insert(key);
                    }
                    continue;
                }
                None => {}
            }
            names.insert(api.name.to_string(), group);
            self.by_callers.insert(call);
            setters.push(CrateFunction {
                crate_key,
                api: Arc::new(api),
                inner: 0,
                composition: Arc::new(set.value.clone()),
            });
            set_cells.push((cells[&key].clone(), signature.clone()));
        }
        (setters, set_cells)
    }

    /// Sets each static's value: every `set` call's that no callers stand for, or unknown when
    /// one of them is still a parameter (its callers were not followed).
    fn give_values(
        mut self,
        facts: &PackageFacts,
        items: &mut ItemIndex<'_>,
        cells: &HashMap<Vec<String>, ItemPath>,
    ) {
        let mut values: HashMap<Vec<String>, Vec<(SetCall, NameIr)>> = HashMap::new();
        {
            let resolver = Resolver {
                items,
                package: facts,
            };
            for set in items.once_sets() {
                let Some(key) = items
                    .lookup_key(&set.cell)
                    .filter(|key| cells.contains_key(key))
                else {
                    continue;
                };
                if self.by_callers.contains(&(set.call.file, set.call.call)) {
                    continue;
                }
                if matches!(resolver.resolve(&set.value), ObjectName::Param(_)) {
                    self.unknown.insert(key);
                    continue;
                }
                values
                    .entry(key)
                    .or_default()
                    .push((set.call.clone(), set.value.clone()));
            }
        }
        for (key, path) in cells {
            let value = if self.unknown.contains(key) {
                NameIr::Unknown
            } else {
                NameIr::SetValues(values.remove(key).unwrap_or_default())
            };
            items.set_value(path, value);
        }
    }
}

/// Whether a name may read a `OnceCell` static through `get`: directly, or through an item
/// (a `const`, a function returning `NAME.get()`).
fn reads_once_cell(name: &NameIr) -> bool {
    let mut paths = false;
    name.item_paths(&mut |_| paths = true);
    paths
}

/// The `OnceCell` statics the creations' names read through `get`, directly or through the
/// items they name, and the kind of object the first of those creations makes (what the
/// setters' APIs say, never reported).
fn cells_read(found: &[FoundCreation], items: &ItemIndex<'_>) -> (Vec<ItemPath>, ObjectKind) {
    let mut read = Vec::new();
    let mut kind = None;
    let mut seen = HashSet::new();
    for creation in found {
        let before = read.len();
        once_values(&creation.name, items, &mut seen, &mut read);
        if read.len() > before {
            kind.get_or_insert(creation.api.kind);
        }
    }
    (read, kind.unwrap_or(ObjectKind::Mutex))
}

/// Every `NAME.get()` a name reads, in it or in the items it names (each item once).
fn once_values(
    name: &NameIr,
    items: &ItemIndex<'_>,
    seen: &mut HashSet<ItemPath>,
    acc: &mut Vec<ItemPath>,
) {
    let mut paths = Vec::new();
    name.item_paths(&mut |path| paths.push(path.clone()));
    let mut direct = Vec::new();
    direct_once_values(name, &mut direct);
    for path in direct {
        if !acc.contains(&path) {
            acc.push(path);
        }
    }
    for path in paths {
        if !seen.insert(path.clone()) {
            continue;
        }
        if let Some(item) = items.lookup(&path) {
            once_values(&item.value, items, seen, acc);
        }
    }
}

/// Every `NAME.get()` written in a name itself.
fn direct_once_values(name: &NameIr, acc: &mut Vec<ItemPath>) {
    match name {
        NameIr::OnceValue(path) => acc.push(path.clone()),
        NameIr::Concat(parts) | NameIr::Returns(parts) | NameIr::Hash(_, parts) => {
            for part in parts {
                direct_once_values(part, acc);
            }
        }
        NameIr::Alternatives(alternatives) => {
            for (_, alternative) in alternatives {
                direct_once_values(alternative, acc);
            }
        }
        NameIr::Call(call) => {
            for arg in &call.args {
                direct_once_values(arg, acc);
            }
        }
        NameIr::Composed(composition) => {
            direct_once_values(&composition.name, acc);
            for arg in &composition.args {
                direct_once_values(arg, acc);
            }
        }
        NameIr::Rewritten(inner) => direct_once_values(inner, acc),
        _ => {}
    }
}

/// Parses the items of the package's files that mention `words` (again, for what a new
/// catalogue of `apis` finds in them).
fn rescan(
    package: &Package,
    files: &mut [PackageFile],
    parsed: &mut [Parsed],
    found: &mut Vec<FoundCreation>,
    items: &mut ItemIndex<'_>,
    apis: Apis<'_>,
    words: &[String],
) {
    let words = WordSearch::new(words);
    let mut rescanned = vec![Parsed::No; files.len()];
    scan(
        files,
        apis,
        &mut rescanned,
        found,
        items,
        Mentions::Any(&words),
        Dropped::ReadAgain(package),
    );
    for (was_parsed, now) in parsed.iter_mut().zip(rescanned) {
        was_parsed.merge(now);
    }
}

/// The API a function becomes when it sets a `OnceCell` static from its parameter `index`:
/// its calls are found for their argument, never reported.
fn setter_api(signature: &FnSignature, index: usize, kind: ObjectKind) -> Api {
    let (name, matcher) = function_matcher(signature);
    Api {
        name: name.into(),
        matcher,
        kind,
        name_arg: index,
        ownership: OwnershipArg::None,
        open_mode_arg: None,
        security_arg: None,
        added_prefix: "",
        drops_at_sign: false,
        checks_already_exists: true,
        on_existing: OnExisting::LastError,
        first_pipe_instance: None,
        first_instance_method: None,
        opens_existing: false,
        reference: "".into(),
        origin: Origin::Setter,
        called_through: None,
    }
}
