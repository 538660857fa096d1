//! Stages 2 and 3 of a package: its own functions that pass a name to a creation become APIs
//! whose calls are found in turn, the callers of functions that pass a creation's result on
//! are read for their checks, and the files that declare the items names refer to are read.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use crate::catalogue::apis::{Api, Matcher, OnExisting, Origin, OwnershipArg};
use crate::catalogue::Catalogue;
use crate::check::file::{scan, Apis, CrateFunction, Dropped, PackageFile};
use crate::check::module_uses::read_module_uses;
use crate::check::parse::Parsed;
use crate::creations::result_flow::CallerFailure;
use crate::creations::{self, FnSignature, FoundCreation, Via};
use crate::names::index::MAX_GLOB_DEPTH;
use crate::names::ir::declared_identifier;
use crate::names::{FileId, ItemIndex, NameIr, ObjectName, PackageFacts, Resolver};
use crate::project::package::Package;
use crate::scan::mentions::{Mentions, WordSearch};
use crate::scan::source::ByteSpan;

/// How many rounds of "a crate function that passes its parameter to a creation" are
/// followed, each a search of the package's files for the calls of the functions the last one
/// found. A service's entry point, a dispatcher with a block per platform, the platform's
/// server loop and the function that creates each instance are four; a round runs only where
/// the one before found a function passing the name on: on lintcheck's sources a fourth round
/// runs in five packages (kftray's helper and four of wezterm's).
const MAX_DERIVED_ROUNDS: usize = 4;

/// Turns the package's functions that pass a parameter to a creation into APIs of their own,
/// and finds their calls, to a few levels.
pub fn follow_crate_functions(
    package: &Package,
    files: &mut [PackageFile],
    facts: &PackageFacts,
    parsed: &mut [Parsed],
    found: &mut Vec<FoundCreation>,
    items: &mut ItemIndex<'_>,
    searched: &mut HashSet<String>,
) -> Vec<(FileId, CallerFailure)> {
    let mut caller_failures = Vec::new();
    let mut derived_names = HashSet::new();
    for _ in 0..MAX_DERIVED_ROUNDS {
        // A name a function of the crate returns may be its caller's parameter
        // (`CreateMutexW(…, &HSTRING::from(key(id)))`): the functions must be read first, in
        // whichever file they are.
        read_referenced_items(package, files, parsed, found, items, searched);
        let resolver = Resolver {
            items,
            package: facts,
        };
        // Each function with the key of the crate that defines it, and the creation it ends in.
        let mut derived = Vec::new();
        for (inner, creation) in found.iter().enumerate() {
            if let (ObjectName::Param(index), Some(signature)) =
                (resolver.resolve(&creation.name), &creation.enclosing_fn)
            {
                let crate_key = files
                    .get(creation.file)
                    .map_or("", |file| file.place.crate_key());
                // A method is followed where it is called on `self`, whose type is known.
                if (signature.has_receiver && signature.self_type.is_none())
                    || !derived_names.insert((crate_key.to_owned(), signature.clone()))
                {
                    continue;
                }
                let mut api = derived_api(creation, signature, index);
                api.called_through = Some(called_through(files, creation, crate_key));
                let api = Arc::new(api);
                derived.push(CrateFunction {
                    crate_key: crate_key.to_owned(),
                    api,
                    inner,
                    composition: Arc::new(creation.name.clone()),
                });
            }
        }
        if derived.is_empty() {
            break;
        }
        // Files already parsed are parsed again for the calls of the new APIs (only the
        // items that mention them, in a large file).
        let mut rescanned = vec![Parsed::No; files.len()];
        let before = found.len();
        let mut all = Catalogue::default();
        for function in &derived {
            all.insert(Arc::clone(&function.api));
        }
        let words = WordSearch::new(&all.keywords());
        let crates = items.crates();
        caller_failures.extend(scan(
            files,
            Apis::CrateFunctions(&derived, crates),
            &mut rescanned,
            found,
            items,
            Mentions::Any(&words),
            Dropped::ReadAgain(package),
        ));
        for (was_parsed, now) in parsed.iter_mut().zip(rescanned) {
            was_parsed.merge(now);
        }
        drop_known_calls(found, before);
        mark_delegated(found, before, &derived);
    }
    caller_failures
}

/// A creation whose function passes its result on (`?`, `return`) is judged by that function's
/// callers too: with the `windows` crate, an `ERROR_ALREADY_EXISTS` check on the `Err` of the
/// call is as dead as one on the creation's own. The items that name such a function, in any
/// file of the package, are parsed for those checks.
pub fn judge_by_callers(
    package: &Package,
    files: &mut [PackageFile],
    parsed: &mut [Parsed],
    found: &mut Vec<FoundCreation>,
    items: &mut ItemIndex<'_>,
    mut caller_failures: Vec<(FileId, CallerFailure)>,
) {
    let passing: Vec<(usize, FnSignature)> = found
        .iter()
        .enumerate()
        .filter(|(_, creation)| {
            // A function that checks on success may turn an existing object into its own
            // `ERROR_ALREADY_EXISTS` error: its callers' checks are then live.
            creation.propagated
                && !creation.already_exists_checked
                && !creation.api.opens_existing
                && creation.on_existing.already_exists_never_in_err()
        })
        .filter_map(|(index, creation)| Some((index, creation.enclosing_fn.clone()?)))
        .collect();
    if passing.is_empty() {
        return;
    }
    // A call of an associated function names its type (`Guard::create()`, or `Self::create()`
    // inside the type's `impl`, which selects like the type): the type is the rarer word.
    let names: Vec<String> = passing
        .iter()
        .map(|(_, signature)| match &signature.self_type {
            Some(self_type) if !signature.has_receiver => self_type.clone(),
            _ => signature.name.clone(),
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let words = WordSearch::new(&names);
    let before = found.len();
    caller_failures.extend(scan(
        files,
        Apis::Catalogue(&Catalogue::default()),
        parsed,
        found,
        items,
        Mentions::Any(&words),
        Dropped::ReadAgain(package),
    ));
    debug_assert_eq!(found.len(), before, "an empty catalogue finds no creation");
    for (index, signature) in passing {
        let checks = caller_failures
            .iter()
            .filter(|(_, failure)| failure.calls(&signature))
            .flat_map(|(file, failure)| failure.failure_code.iter().map(|&check| (*file, check)));
        found[index].dead_checks.extend(checks);
    }
}

/// Parses the files that declare the items names refer to, until every reference is found or
/// nothing new turns up. A word in `searched` was looked for in every file already: what
/// mentions it is parsed, and it is not looked for again.
pub fn read_referenced_items(
    package: &Package,
    files: &mut [PackageFile],
    parsed: &mut [Parsed],
    found: &[FoundCreation],
    items: &mut ItemIndex<'_>,
    searched: &mut HashSet<String>,
) {
    for _ in 0..4 {
        let before = items.item_count();
        // The modules a lookup follows globs through are read first, each import leading to
        // the next, so that the words wanted are those the globs do not resolve.
        for _ in 0..=MAX_GLOB_DEPTH {
            let (_, modules) = wanted_items(found, items);
            if modules.is_empty() {
                break;
            }
            read_module_uses(package, files, &modules, items);
        }
        let (words, _) = wanted_items(found, items);
        let words: Vec<String> = words
            .into_iter()
            .filter(|word| searched.insert(word.clone()))
            .collect();
        if !words.is_empty() {
            let matcher = WordSearch::new(&words);
            scan(
                files,
                Apis::Catalogue(&Catalogue::default()),
                parsed,
                &mut Vec::new(),
                items,
                Mentions::Declarations(&matcher),
                Dropped::ReadAgain(package),
            );
        }
        if items.item_count() == before {
            return;
        }
    }
}

/// The API a crate function becomes when it passes its parameter `index` to a creation.
fn derived_api(creation: &FoundCreation, signature: &creations::FnSignature, index: usize) -> Api {
    let (name, matcher) = function_matcher(signature);
    Api {
        name: name.into(),
        matcher,
        kind: creation.api.kind,
        name_arg: index,
        ownership: if creation.initially_owned == Some(true) {
            OwnershipArg::Always
        } else {
            OwnershipArg::None
        },
        open_mode_arg: None,
        security_arg: None,
        added_prefix: "",
        // The creation's name, prefix included, is what the function's callers complete.
        drops_at_sign: creation.api.drops_at_sign,
        // A mapping whose views are all sized and checked leaves its callers nothing to check.
        checks_already_exists: creation.already_exists_checked
            || creation.views_bounded
            || !creation.api.caller_checks(),
        // The function's callers see the creation's own result only when it passes it on.
        on_existing: if creation.propagated {
            creation.on_existing
        } else {
            OnExisting::LastError
        },
        // What the creation asked for, its callers ask for: they cannot change it.
        first_pipe_instance: creation.first_pipe_instance,
        first_instance_method: None,
        opens_existing: creation.api.opens_existing,
        reference: creation.api.reference.clone(),
        origin: Origin::Derived,
        called_through: None,
    }
}

/// The segments a path may end in before the name of a crate function that `creation` is in
/// (see [`Api::called_through`]): the modules of the package's files (the function's own,
/// and any that may re-export it), the inline modules around it, and the names the
/// package's crates write its crate by. A qualifier that is none of them is another crate's.
fn called_through(
    files: &[PackageFile],
    creation: &FoundCreation,
    crate_key: &str,
) -> Arc<[String]> {
    let mut names = BTreeSet::from([crate_key.to_owned()]);
    for file in files {
        names.extend(file.place.module_path.iter().skip(1).cloned());
        let libraries = file.place.library.iter().chain(&file.place.members);
        names.extend(
            libraries
                .filter(|library| library.key == crate_key)
                .map(|library| library.name.clone()),
        );
    }
    let inline = creation.enclosing_item.split("::");
    names.extend(inline.filter_map(|item| item.strip_prefix("mod ").map(str::to_owned)));
    names.into_iter().collect()
}

/// The name a function of the crate is shown by (`Type::name` for an associated function),
/// and how its calls are matched.
pub fn function_matcher(signature: &creations::FnSignature) -> (String, Matcher) {
    match &signature.self_type {
        Some(self_type) if signature.has_receiver => (
            format!("{self_type}::{}", signature.name),
            Matcher::SelfMethod(
                vec![self_type.clone().into(), signature.name.clone().into()].into(),
            ),
        ),
        Some(self_type) => (
            format!("{self_type}::{}", signature.name),
            Matcher::Path(vec![self_type.clone().into(), signature.name.clone().into()].into()),
        ),
        None => (
            signature.name.clone(),
            Matcher::Function(signature.name.clone().into()),
        ),
    }
}

/// Drops the calls found from index `first` on that an earlier stage found already: a wrapper
/// crate's own examples call its entry point both as a catalogued wrapper and as a function of
/// the crate that passes the name on.
fn drop_known_calls(found: &mut Vec<FoundCreation>, first: usize) {
    let known: HashSet<(usize, ByteSpan)> = found[..first]
        .iter()
        .map(|creation| (creation.file, creation.call))
        .collect();
    let mut index = 0;
    found.retain(|creation| {
        index += 1;
        index <= first || !known.contains(&(creation.file, creation.call))
    });
}

/// Creations found through a crate function (from index `first` on) point at the creation
/// inside it, and their names are the one it completes from their arguments; that inner
/// creation's `ERROR_ALREADY_EXISTS` check is then owed by the callers.
fn mark_delegated(found: &mut [FoundCreation], first: usize, functions: &[CrateFunction]) {
    let (inner, outer) = found.split_at_mut(first);
    for call in outer.iter_mut() {
        let Some(function) = functions
            .iter()
            .find(|function| Arc::ptr_eq(&function.api, &call.api))
        else {
            continue;
        };
        if let NameIr::Composed(composition) = &mut call.name {
            composition.name = Arc::clone(&function.composition);
        }
        let creation = &mut inner[function.inner];
        // The function's server is let go inside it (a probe), or by the caller only when the
        // function hands on a server that closes when dropped.
        if creation.dropped.is_some() {
            call.dropped = Some(call.call);
        } else if !(creation.propagated && matches!(creation.api.origin, Origin::Crate { .. })) {
            call.dropped = None;
        }
        let further = creation.via.as_ref().map_or_else(Vec::new, |via| {
            std::iter::once((via.file, via.callee, via.api_name.clone()))
                .chain(via.further.iter().cloned())
                .collect()
        });
        call.via = Some(Via {
            file: creation.file,
            callee: creation.callee,
            api_name: creation.api.name.to_string(),
            api: Arc::clone(&creation.api),
            further,
        });
        creation.already_exists_checked = true;
    }
}

/// Identifiers of items that names refer to, directly or through other items, and the index
/// does not hold yet; and the modules whose `use`s their lookups follow, not read yet.
fn wanted_items(
    found: &[FoundCreation],
    items: &ItemIndex,
) -> (BTreeSet<String>, BTreeSet<Vec<String>>) {
    let mut roots = Vec::new();
    for creation in found {
        creation
            .name
            .item_paths(&mut |path| roots.push(path.clone()));
        // An SDDL string kept in a `const` decides whether the object is published.
        for sddl in creation.descriptors.iter().filter_map(|d| d.sddl.as_ref()) {
            sddl.item_paths(&mut |path| roots.push(path.clone()));
        }
    }
    let mut wanted = BTreeSet::new();
    let mut modules = BTreeSet::new();
    items.missing_paths(roots, &mut |path| {
        if let Some(ident) = path.segments.last() {
            wanted.insert(declared_identifier(ident).to_owned());
        }
        let mut renamed = Vec::new();
        items.unread_modules(
            path,
            &mut |module| {
                modules.insert(module);
            },
            // A renamed import's item is declared by its own name.
            &mut |target| renamed.extend(target.last().cloned()),
        );
        wanted.extend(renamed);
    });
    (wanted, modules)
}
