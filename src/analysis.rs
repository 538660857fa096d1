//! Checking one package: the stages between reading its files and reporting.
//!
//! A file is parsed only when it can matter: when it mentions a catalogued API (a byte-level
//! prefilter over the API names), when it calls one of the package's own functions that pass
//! a name to a creation, or when it declares a `const`/`static` a name refers to. Everything a
//! later stage needs is kept as plain data ([`FoundCreation`], [`NameIr`]), never as syntax
//! trees, so memory stays bounded by what was found.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;

use crate::apis::{Api, Matcher, ObjectKind, Origin, OwnershipArg};
use crate::catalogue::Catalogue;
use crate::creations::{self, Creation, FoundCreation, Via};
use crate::lints::{self, LintContext};
use crate::names::{ItemIndex, NameIr, ObjectName, PackageFacts, Resolver};
use crate::source::{ByteSpan, SourceFile};
use crate::workspace::Package;
use crate::{diagnostic::Diagnostic, FileError};

/// A file of the package, and what checking it produced.
#[derive(Debug)]
pub struct PackageFile {
    pub source: SourceFile,
    /// Its crate-relative module path (`["ipc"]` for `src/ipc.rs`).
    pub module_path: Vec<String>,
    pub error: Option<FileError>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every known name a creation or opener in this file uses: what `--fix` renames.
    pub uses: Vec<NameUse>,
}

impl PackageFile {
    /// A file to check; `error` is set when it could not be read.
    pub fn new(source: SourceFile, module_path: Vec<String>, error: Option<FileError>) -> Self {
        Self {
            source,
            module_path,
            error,
            diagnostics: Vec::new(),
            uses: Vec::new(),
        }
    }
}

/// A known name used by a creation or an opener, with the literals it is written in.
#[derive(Debug, Clone)]
pub struct NameUse {
    pub kind: ObjectKind,
    /// Whether the call opens an existing object rather than creating one.
    pub opens: bool,
    pub value: String,
    /// Whether the name is exactly one literal (nothing composed at run time).
    pub single_literal: bool,
    /// Each literal: the path of its file (as the run shows it) and its span.
    pub literals: Vec<(PathBuf, ByteSpan)>,
}

/// How many rounds of "a crate function that passes its parameter to a creation" are
/// followed: a wrapper of a wrapper of a wrapper is as far as real code goes.
const MAX_DERIVED_ROUNDS: usize = 3;

/// Checks every file of one package; `files` come with their read errors already set.
pub fn check_package(package: &Package, files: &mut [PackageFile], catalogue: &Catalogue) {
    let facts = PackageFacts {
        name: package.name.clone(),
        version: package.version.clone(),
    };
    let mut found = Vec::new();
    let mut items = ItemIndex::default();
    let mut parsed = vec![false; files.len()];
    // Stage 1: files that mention a catalogued API.
    scan(
        files,
        catalogue,
        &mut parsed,
        &mut found,
        &mut items,
        |_| true,
    );
    // Stage 2: the package's own functions that pass a parameter to a creation, and their callers.
    follow_crate_functions(files, &facts, &mut parsed, &mut found, &mut items);
    // Stage 3: the `const`s and `static`s names refer to, in files not read yet.
    read_referenced_items(files, &mut parsed, &found, &mut items);
    // Stage 4: resolve and lint.
    let resolver = Resolver {
        items: &items,
        package: &facts,
    };
    let creations: Vec<Creation> = found
        .into_iter()
        .map(|found| Creation {
            name: resolver.resolve(&found.name),
            api: found.api,
            file: found.file,
            callee: found.callee,
            call: found.call,
            name_arg: found.name_arg,
            initially_owned: found.initially_owned,
            first_pipe_instance: found.first_pipe_instance,
            already_exists_checked: found.already_exists_checked,
            enclosing_item: found.enclosing_item,
            via: found.via,
            binding_crate: found.binding_crate,
        })
        .collect();
    lint(package, files, &creations);
    record_uses(files, &creations);
}

/// Hands every known name to the file of the call that uses it.
fn record_uses(files: &mut [PackageFile], creations: &[Creation]) {
    for creation in creations {
        let ObjectName::Known(name) = &creation.name else {
            continue;
        };
        let literals = name
            .literals
            .iter()
            .filter(|literal| literal.span.start < literal.span.end)
            .filter_map(|literal| {
                Some((
                    files.get(literal.file)?.source.path().to_owned(),
                    literal.span,
                ))
            })
            .collect();
        let use_ = NameUse {
            kind: creation.api.kind,
            opens: creation.api.opens_existing,
            value: name.value.clone(),
            single_literal: name.is_single_literal(),
            literals,
        };
        if let Some(file) = files.get_mut(creation.file) {
            file.uses.push(use_);
        }
    }
}

/// Turns the package's functions that pass a parameter to a creation into APIs of their own,
/// and finds their calls, to a few levels.
fn follow_crate_functions(
    files: &mut [PackageFile],
    facts: &PackageFacts,
    parsed: &mut [bool],
    found: &mut Vec<FoundCreation>,
    items: &mut ItemIndex,
) {
    let mut derived_names = HashSet::new();
    for _ in 0..MAX_DERIVED_ROUNDS {
        let resolver = Resolver {
            items,
            package: facts,
        };
        let mut derived = Catalogue::default();
        for creation in found.iter() {
            if let (ObjectName::Param(index), Some(signature)) =
                (resolver.resolve(&creation.name), &creation.enclosing_fn)
            {
                if signature.has_receiver || !derived_names.insert(signature.clone()) {
                    continue;
                }
                derived.add(derived_api(creation, signature, index));
            }
        }
        if derived.is_empty() {
            return;
        }
        let mut rescanned = vec![false; files.len()];
        let before = found.len();
        scan(files, &derived, &mut rescanned, found, items, |_| true);
        for (was_parsed, now) in parsed.iter_mut().zip(rescanned) {
            *was_parsed |= now;
        }
        mark_delegated(found, before);
    }
}

/// Parses the files that declare the items names refer to, until every reference is found or
/// nothing new turns up.
fn read_referenced_items(
    files: &mut [PackageFile],
    parsed: &mut [bool],
    found: &[FoundCreation],
    items: &mut ItemIndex,
) {
    for _ in 0..4 {
        let words: Vec<String> = wanted_items(found, items).into_iter().collect();
        if words.is_empty() {
            return;
        }
        let Ok(matcher) = AhoCorasick::new(&words) else {
            return;
        };
        let before = items.len();
        scan(
            files,
            &Catalogue::default(),
            parsed,
            &mut Vec::new(),
            items,
            |text| matcher.is_match(text),
        );
        if items.len() == before {
            return;
        }
    }
}

/// Runs the lints over each file's creations, with the whole package as context.
fn lint(package: &Package, files: &mut [PackageFile], creations: &[Creation]) {
    let sources: Vec<&SourceFile> = files.iter().map(|file| &file.source).collect();
    let per_file: Vec<Vec<Diagnostic>> = (0..files.len())
        .map(|index| {
            let own: Vec<&Creation> = creations
                .iter()
                .filter(|creation| creation.file == index)
                .collect();
            if own.is_empty() {
                return Vec::new();
            }
            let context = LintContext {
                file: sources[index],
                files: &sources,
                package: &package.name,
                creations,
            };
            lints::check_all(&own, &context)
        })
        .collect();
    for (file, diagnostics) in files.iter_mut().zip(per_file) {
        file.diagnostics = diagnostics;
    }
}

/// Parses the files not parsed yet that `catalogue`'s prefilter (and `also`) selects, and
/// collects their creations and items.
fn scan(
    files: &mut [PackageFile],
    catalogue: &Catalogue,
    parsed: &mut [bool],
    found: &mut Vec<FoundCreation>,
    items: &mut ItemIndex,
    also: impl Fn(&str) -> bool,
) {
    let keywords = catalogue.keywords();
    let prefilter = (!keywords.is_empty())
        .then(|| AhoCorasick::new(&keywords).expect("API names make a valid automaton"));
    for (index, file) in files.iter_mut().enumerate() {
        if parsed[index] || file.error.is_some() {
            continue;
        }
        let text = file.source.parse_text();
        let mentions_api = prefilter
            .as_ref()
            .is_some_and(|prefilter| prefilter.is_match(text));
        if !(mentions_api || keywords.is_empty()) || !also(text) {
            continue;
        }
        parsed[index] = true;
        match syn::parse_file(text) {
            Ok(syntax) => {
                let facts =
                    creations::find(&file.source, index, &file.module_path, &syntax, catalogue);
                found.extend(facts.creations);
                for (path, kind, value) in facts.items {
                    items.insert(path, kind, value);
                }
            }
            Err(error) => file.error = Some(crate::parse_error(&file.source, &error)),
        }
        // proc-macro2 keeps every parsed file's source map per thread until told otherwise;
        // nothing parsed is kept past this point.
        proc_macro2::extra::invalidate_current_thread_spans();
    }
}

/// The API a crate function becomes when it passes its parameter `index` to a creation.
fn derived_api(creation: &FoundCreation, signature: &creations::FnSignature, index: usize) -> Api {
    let (name, matcher) = match &signature.self_type {
        Some(self_type) => (
            format!("{self_type}::{}", signature.name),
            Matcher::Path(vec![self_type.clone().into(), signature.name.clone().into()].into()),
        ),
        None => (
            signature.name.clone(),
            Matcher::Function(signature.name.clone().into()),
        ),
    };
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
        added_prefix: "",
        checks_already_exists: creation.already_exists_checked || !creation.api.caller_checks(),
        sets_first_pipe_instance: creation.first_pipe_instance == Some(true),
        opens_existing: creation.api.opens_existing,
        reference: creation.api.reference.clone(),
        origin: Origin::Derived,
    }
}

/// Creations found through a crate function (from index `first` on) point at the creation
/// inside it; that inner creation's `ERROR_ALREADY_EXISTS` check is then owed by the callers.
fn mark_delegated(found: &mut [FoundCreation], first: usize) {
    let (inner, outer) = found.split_at_mut(first);
    for call in outer.iter_mut() {
        let Some(creation) = inner.iter_mut().find(|creation| {
            creation
                .enclosing_fn
                .as_ref()
                .is_some_and(|signature| match &signature.self_type {
                    Some(self_type) => call.api.name == format!("{self_type}::{}", signature.name),
                    None => call.api.name == signature.name,
                })
        }) else {
            continue;
        };
        call.via = Some(Via {
            file: creation.file,
            callee: creation.callee,
            api_name: creation.api.name.to_string(),
        });
        creation.already_exists_checked = true;
    }
}

/// Identifiers of items that names refer to and the index does not hold yet.
fn wanted_items(found: &[FoundCreation], items: &ItemIndex) -> BTreeSet<String> {
    let mut wanted = BTreeSet::new();
    for creation in found {
        creation.name.item_paths(&mut |path| {
            if !items.contains(path) {
                if let Some(ident) = path.segments.last() {
                    wanted.insert(ident.clone());
                }
            }
        });
    }
    items.unresolved_paths(&mut |path| {
        if let Some(ident) = path.segments.last() {
            wanted.insert(ident.clone());
        }
    });
    wanted
}

/// The crate-relative module path of a file of `package`: `[]` for a target's root file,
/// `["ipc"]` for `src/ipc.rs` or `src/ipc/mod.rs`, `["ipc", "names"]` for `src/ipc/names.rs`.
pub fn module_path_of(package: &Package, file: &Path) -> Vec<String> {
    if package.targets.iter().any(|target| target.src_path == file) {
        return Vec::new();
    }
    let root = package
        .targets
        .iter()
        .filter_map(|target| target.src_path.parent())
        .filter(|directory| file.starts_with(directory))
        .max_by_key(|directory| directory.components().count());
    let Some(root) = root else { return Vec::new() };
    let Ok(relative) = file.strip_prefix(root) else {
        return Vec::new();
    };
    let mut segments: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect();
    if segments.last().is_some_and(|last| last == "mod") {
        segments.pop();
    }
    segments
}

impl NameIr {
    /// Calls `visit` with every item path in the name.
    pub fn item_paths(&self, visit: &mut impl FnMut(&crate::names::ItemPath)) {
        match self {
            NameIr::Item(path) => visit(path),
            NameIr::Concat(parts) => {
                for part in parts {
                    part.item_paths(visit);
                }
            }
            _ => {}
        }
    }
}
