//! Checking one package: the stages between reading its files and reporting.
//!
//! A file is parsed only when it can matter: when it mentions a catalogued API (a byte-level
//! prefilter over the API names), when it calls one of the package's own functions that pass
//! a name to a creation, or when it declares a `const`/`static` a name refers to. Everything a
//! later stage needs is kept as plain data ([`FoundCreation`], [`NameIr`](crate::names::NameIr)), never as syntax
//! trees, so memory stays bounded by what was found.

use std::cell::OnceCell;
use std::collections::HashSet;

use crate::catalogue::Catalogue;
use crate::creations::{Creation, FoundCreation, WorldDescriptor};
use crate::lints::diagnostic::Diagnostic;
use crate::lints::{self, Lint, LintContext};
use crate::names::strings::reads_past_end;
use crate::names::{ItemIndex, ObjectName, PackageFacts, Resolver};
use crate::project::crates::Crates;
use crate::project::manifest::read_default_features;
use crate::project::package::Package;
use crate::scan::source::SourceFile;

use crate::check::crate_functions::{
    follow_crate_functions, judge_by_callers, read_referenced_items,
};
use crate::check::file::{scan_for_apis, PackageFile, Prefilter};
use crate::check::once_cells::follow_once_cells;
use crate::check::outcome::NameUse;
use crate::check::test_modules;

/// Checks every file of one package; `files` come with their read errors already set.
pub fn check_package(
    package: &Package,
    files: &mut [PackageFile],
    catalogue: &Catalogue,
    prefilter: &Prefilter,
) {
    let facts = PackageFacts {
        name: package.name.clone(),
        version: package.version.clone(),
    };
    let mut found = Vec::new();
    let crates = Crates::of(package);
    let mut items = ItemIndex::new(&crates);
    // Stage 1: files that mention a catalogued API (done already for files read from a path).
    let (mut parsed, mut caller_failures) =
        scan_for_apis(files, catalogue, prefilter, &mut found, &mut items);
    // Stage 2: the package's own functions that pass a parameter to a creation, and their callers.
    let mut searched = HashSet::new();
    caller_failures.extend(follow_crate_functions(
        package,
        files,
        &facts,
        &mut parsed,
        &mut found,
        &mut items,
        &mut searched,
    ));
    // Stage 2b: the callers of functions that pass a creation's result on with `?`.
    judge_by_callers(
        package,
        files,
        &mut parsed,
        &mut found,
        &mut items,
        caller_failures,
    );
    // Stage 2c: the values of the `OnceCell` statics names read, from their `set` calls.
    follow_once_cells(
        package,
        files,
        &facts,
        &mut parsed,
        &mut found,
        &mut items,
        &mut searched,
    );
    // Stage 3: the `const`s, `static`s and functions names refer to, in files not read yet.
    read_referenced_items(
        package,
        files,
        &mut parsed,
        &found,
        &mut items,
        &mut searched,
    );
    // Stage 4: resolve and lint.
    let mut creations = resolve(found, &items, &facts, package);
    let declared = declared_modules(package, files, &creations);
    // A module only other systems build (`#[cfg(unix)] mod unix;`) creates no Windows object,
    // and is no other creation's earlier instance or claim either.
    creations.retain(|creation| !declared.not_windows.contains(&creation.file));
    lint(package, &crates, files, &creations, &declared.test_only);
    record_uses(files, &creations);
}

/// The files of `creations` whose modules are declared under a `#[cfg]` the lints care about.
fn declared_modules(
    package: &Package,
    files: &[PackageFile],
    creations: &[Creation],
) -> test_modules::DeclaredModules {
    let mut by_file: Vec<Vec<&Creation>> = vec![Vec::new(); files.len()];
    for creation in creations {
        if let Some(own) = by_file.get_mut(creation.file) {
            own.push(creation);
        }
    }
    test_modules::declared(package, files, &by_file)
}

/// The creations `found`, each with its name resolved: a name with `cfg` alternatives is a
/// creation per distinct name, one after the other. The package's default features, which
/// tell which alternative of a `feature` the default build has, are read only for such names.
fn resolve(
    found: Vec<FoundCreation>,
    items: &ItemIndex<'_>,
    facts: &PackageFacts,
    package: &Package,
) -> Vec<Creation> {
    let resolver = Resolver {
        items,
        package: facts,
    };
    let default_features = OnceCell::new();
    let features = || {
        default_features
            .get_or_init(|| read_default_features(&package.manifest_path))
            .as_ref()
    };
    let mut creations = Vec::with_capacity(found.len());
    for mut found in found {
        let str_pointer = found
            .str_pointer
            .take()
            .filter(|pointer| reads_past_end(&resolver, pointer));
        let descriptors: Vec<WorldDescriptor<ObjectName>> = std::mem::take(&mut found.descriptors)
            .into_iter()
            .map(|descriptor| WorldDescriptor {
                at: descriptor.at,
                sddl: descriptor.sddl.map(|sddl| resolver.resolve(&sddl)),
            })
            .collect();
        for (index, alternative) in resolver.resolve_all(&found.name).into_iter().enumerate() {
            let cfg = alternative.cfg(features);
            let mut creation = found.resolved(alternative.name, cfg);
            creation.descriptors.clone_from(&descriptors);
            if index == 0 {
                creation.str_pointer.clone_from(&str_pointer);
            }
            creations.push(creation);
        }
    }
    creations
}

/// Hands every known name to the file of the call that uses it.
fn record_uses(files: &mut [PackageFile], creations: &[Creation]) {
    for creation in creations {
        let ObjectName::Known(name) = &creation.name else {
            continue;
        };
        // A literal a crate function completes every caller's name with is not this use's
        // to rename (see [`crate::names::KnownName::fix_literal`]).
        let literals = name
            .literals
            .iter()
            .filter(|literal| literal.span.start < literal.span.end)
            .filter(|literal| literal.completed_by.is_none())
            .filter_map(|literal| {
                Some((
                    files.get(literal.file)?.source.path().to_owned(),
                    literal.span,
                ))
            })
            .collect();
        // A context file is not reported, nor its uses: one whose name a checked file writes
        // (a workspace member's call, its name set by this package) goes with that file's
        // report, as its finding does, so that `--fix` renames it there.
        let holder = match files.get(creation.file) {
            Some(file) if file.context => name
                .literals
                .iter()
                .find(|literal| files.get(literal.file).is_some_and(|file| !file.context))
                .map_or(creation.file, |literal| literal.file),
            _ => creation.file,
        };
        let use_ = NameUse {
            kind: creation.api.kind,
            opens: creation.api.opens_existing,
            value: name.value.clone(),
            single_literal: name.is_single_literal(),
            literals,
        };
        if let Some(file) = files.get_mut(holder) {
            file.uses.push(use_);
        }
    }
}

/// Runs the lints over each file's creations, with the whole package as context; the findings
/// of the files in `test_modules` are in test code.
fn lint(
    package: &Package,
    crates: &Crates,
    files: &mut [PackageFile],
    creations: &[Creation],
    test_modules: &HashSet<usize>,
) {
    let sources: Vec<&SourceFile> = files.iter().map(|file| &file.source).collect();
    let file_crates: Vec<&str> = files.iter().map(|file| file.place.crate_key()).collect();
    let facts = lints::PackageFacts::of(&sources, &file_crates, creations);
    let mut by_file: Vec<Vec<&Creation>> = vec![Vec::new(); files.len()];
    for creation in creations {
        if let Some(own) = by_file.get_mut(creation.file) {
            own.push(creation);
        }
    }
    let per_file: Vec<Vec<Diagnostic>> = by_file
        .into_iter()
        .enumerate()
        .map(|(index, own)| {
            if own.is_empty() {
                return Vec::new();
            }
            let context = LintContext {
                file: sources[index],
                files: &sources,
                package: &package.name,
                creations,
                crates,
                file_crates: &file_crates,
                facts: &facts,
            };
            let mut diagnostics = lints::check_all(&own, &context);
            if files[index].context {
                diagnostics.extend(shown_in_checked_files(&own, &context, files));
            }
            if test_modules.contains(&index) {
                for diagnostic in &mut diagnostics {
                    diagnostic.in_test_code = true;
                }
            }
            diagnostics
        })
        .collect();
    for (file, diagnostics) in files.iter_mut().zip(per_file) {
        file.diagnostics = diagnostics;
    }
}

/// The lints whose findings are about a creation's name rather than its call: editing the name
/// changes them, wherever the creation is.
static NAME_LINTS: &[&Lint] = &[
    &lints::NON_UNIQUE_OBJECT_NAME,
    &lints::INVALID_OBJECT_NAME,
    &lints::GLOBAL_NAMESPACE_SQUATTING,
    &lints::GLOBAL_FILE_MAPPING_NEEDS_PRIVILEGE,
];

/// The findings about the names of a context file's creations (`own`) whose literal is written in
/// a checked file (a `const` a commit edits): each marked to be shown at that literal
/// ([`Diagnostic::shown_at`]). Each creation is linted on its own here, to know which literal a
/// finding belongs to; the file's own findings are never reported.
fn shown_in_checked_files(
    own: &[&Creation],
    context: &LintContext,
    files: &[PackageFile],
) -> Vec<Diagnostic> {
    let mut shown = Vec::new();
    for creation in own {
        let ObjectName::Known(name) = &creation.name else {
            continue;
        };
        let Some(literal) = name.literals.iter().find(|literal| {
            literal.span.start < literal.span.end
                && files.get(literal.file).is_some_and(|file| !file.context)
        }) else {
            continue;
        };
        for mut diagnostic in lints::check_all(&[*creation], context) {
            if NAME_LINTS.contains(&diagnostic.lint) {
                diagnostic.shown_at = Some((literal.file, literal.span));
                shown.push(diagnostic);
            }
        }
    }
    shown
}

/// A context file's finding marked by [`shown_in_checked_files`], as it is shown at its name's
/// literal in `shown_in` (a checked file): the call is in `origin`, which is not reported, so
/// the finding points at the literal and says where the call is. Labels and suggestions in the
/// call's file are left out (their spans are the call file's). A workspace member's file
/// (`member`) is checked as its own package too, but without this package's calls.
pub fn shown_at_literal(
    mut diagnostic: Diagnostic,
    origin: &SourceFile,
    shown_in: &SourceFile,
    member: bool,
) -> Diagnostic {
    let Some((_, span)) = diagnostic.shown_at.take() else {
        return diagnostic;
    };
    let call = origin.line_column(diagnostic.primary.span.start);
    let literal = shown_in.line_column(span.start);
    let literal_place = format!(
        "{}:{}:{}",
        shown_in.path().display(),
        literal.line,
        literal.column
    );
    diagnostic.primary.span = span;
    diagnostic.primary.message = format!(
        "used by the call in {}:{}:{}",
        origin.path().display(),
        call.line,
        call.column
    );
    diagnostic.secondary.clear();
    for help in &mut diagnostic.helps {
        help.suggestion = None;
    }
    // The note that points at this very literal.
    diagnostic
        .notes
        .retain(|note| !note.ends_with(&format!(" is set in {literal_place}")));
    let note = if member {
        "the call is in a workspace member this package depends on, which cannot see the \
         name: the finding is shown where this package sets it"
    } else {
        "the call is in a file not checked in this run; the finding is shown where this file \
         sets its name"
    };
    diagnostic.notes.push(note.to_owned());
    diagnostic
}
