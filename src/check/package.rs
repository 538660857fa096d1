//! Checking one package: the stages between reading its files and reporting.
//!
//! A file is parsed only when it can matter: when it mentions a catalogued API (a byte-level
//! prefilter over the API names), when it calls one of the package's own functions that pass
//! a name to a creation, or when it declares a `const`/`static` a name refers to. Everything a
//! later stage needs is kept as plain data ([`FoundCreation`], [`NameIr`]), never as syntax
//! trees, so memory stays bounded by what was found.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalogue::apis::{Api, Matcher, ObjectKind, OnExisting, Origin, OwnershipArg};
use crate::catalogue::Catalogue;
use crate::check::error::FileError;
use crate::check::parse::{parse_selected, Parsed};
use crate::creations::result_flow::CallerFailure;
use crate::creations::{self, Creation, FnSignature, FoundCreation, Via};
use crate::lints::diagnostic::Diagnostic;
use crate::lints::{self, Lint, LintContext};
use crate::names::{FileId, ItemIndex, ObjectName, PackageFacts, Resolver};
use crate::project::crates::{self, Crates, FilePlace};
use crate::project::package::Package;
use crate::scan::mentions::{Mentions, WordSearch};
use crate::scan::read;
use crate::scan::source::{ByteSpan, SourceFile};

/// A file of the package, and what checking it produced.
#[derive(Debug)]
pub struct PackageFile {
    /// Its text is empty while `dropped_from` is set.
    pub source: SourceFile,
    /// Where its text is read again from, when its first read found nothing to keep it for: a
    /// later stage that looks for other words scans it again (see [`PackageFile::load_if`]).
    pub dropped_from: Option<PathBuf>,
    /// Where it stands in its package: its crate and module path (see [`crates::place_of`]).
    pub place: FilePlace,
    pub error: Option<FileError>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every known name a creation or opener in this file uses: what `--fix` renames.
    pub uses: Vec<NameUse>,
    /// Stage 1, once done: in a run over paths, as soon as the file is read.
    first_scan: Option<FirstScan>,
    /// Whether the file is read only as context for the checked files of its package (a run
    /// over some of its files): its items and creations are seen, its findings are not
    /// reported, but those about a name written in a checked file are shown there (see
    /// [`Diagnostic::shown_at`]).
    pub context: bool,
}

impl PackageFile {
    /// A file to check; `error` is set when it could not be read.
    pub fn new(source: SourceFile, place: FilePlace, error: Option<FileError>) -> Self {
        Self {
            source,
            dropped_from: None,
            place,
            error,
            diagnostics: Vec::new(),
            uses: Vec::new(),
            first_scan: None,
            context: false,
        }
    }

    /// Stage 1 for this file, the one at `index` in its package: parses what mentions a
    /// catalogued API. It needs nothing from the package's other files, so a run over paths
    /// does it as soon as the file is read.
    /// Done again if the file's index changed since (context files came in before it).
    pub fn scan_for_apis(&mut self, index: usize, catalogue: &Catalogue, prefilter: &Prefilter) {
        if self
            .first_scan
            .as_ref()
            .is_some_and(|scan| scan.index == index)
        {
            return;
        }
        let mut parsed = Parsed::No;
        let contribution = scan_file(
            self,
            index,
            Apis::Catalogue(catalogue),
            &mut parsed,
            prefilter.calls(),
            Dropped::Skip,
        );
        self.first_scan = Some(FirstScan {
            index,
            parsed,
            contribution: contribution.unwrap_or_default(),
        });
    }

    /// Reads the file of `package` at `path` (absolute), shown as `shown_path`, through
    /// `read_path` (the same file, by the path the process can open it by with the fewest
    /// lookups); its text is kept only when `prefilter` says the run may need it.
    pub fn read(
        shown_path: PathBuf,
        read_path: &Path,
        path: PathBuf,
        package: &Package,
        prefilter: &Prefilter,
    ) -> Self {
        match read::text_if_mentions(read_path, &prefilter.kept) {
            Ok(Some(text)) => Self::new(
                SourceFile::new(shown_path, text),
                crates::place_of(package, &path),
                None,
            ),
            // The place is worked out when the text is read again, if ever.
            Ok(None) => Self {
                dropped_from: Some(path),
                ..Self::new(
                    SourceFile::new(shown_path, String::new()),
                    FilePlace::default(),
                    None,
                )
            },
            Err(error) => Self::new(
                SourceFile::new(shown_path, String::new()),
                FilePlace::default(),
                Some(error.into()),
            ),
        }
    }

    /// Reads the file at `path` of `member`, a package that `package` depends on by path, as
    /// context of `package`: `None` for a file outside the member's library (see
    /// [`crates::member_place`]), which `package` cannot name.
    pub fn read_member(
        shown_path: PathBuf,
        path: &Path,
        member: &Package,
        key: &str,
        prefilter: &Prefilter,
    ) -> Option<Self> {
        let place = crates::member_place(member, path, key)?;
        let mut file = match read::text_if_mentions(path, &prefilter.kept) {
            Ok(Some(text)) => Self::new(SourceFile::new(shown_path, text), place, None),
            Ok(None) => Self {
                dropped_from: Some(path.to_owned()),
                ..Self::new(SourceFile::new(shown_path, String::new()), place, None)
            },
            Err(error) => Self::new(
                SourceFile::new(shown_path, String::new()),
                place,
                Some(error.into()),
            ),
        };
        file.context = true;
        Some(file)
    }

    /// Whether the file can mention one of `words`: a dropped text is read again, and kept
    /// if it does.
    fn load_if(&mut self, words: &WordSearch, package: &Package) -> bool {
        let Some(path) = &self.dropped_from else {
            return self.error.is_none();
        };
        match read::text_if_mentions(path, words) {
            Ok(Some(text)) => {
                // A member's file was given its place when first read (see
                // [`PackageFile::read_member`]).
                if self.place.module_path.is_empty() {
                    self.place = crates::place_of(package, path);
                }
                self.source = SourceFile::new(std::mem::take(&mut self.source.path), text);
                self.dropped_from = None;
                true
            }
            Ok(None) => false,
            // It changed since the first read.
            Err(error) => {
                self.error = Some(error.into());
                false
            }
        }
    }
}

/// The byte-level scans of a run, built once from its catalogue: every file is scanned once
/// by `kept` as it is read, and the few it keeps by `apis`.
pub struct Prefilter {
    /// Every word of the catalogue: a file or item that mentions none (as [`Mentions::Calls`]
    /// counts them) is not parsed.
    apis: WordSearch,
    win32_functions: HashSet<String>,
    /// The same words and `objlint`, which suppressions start with ([`crate::policy::finish`] parses
    /// for them): a file that mentions none of them has its text dropped after the first read.
    kept: WordSearch,
}

impl Prefilter {
    pub fn new(catalogue: &Catalogue) -> Self {
        let mut words = catalogue.keywords();
        let apis = WordSearch::new(&words);
        words.push("objlint".to_owned());
        Self {
            apis,
            win32_functions: catalogue.win32_functions(),
            kept: WordSearch::new(&words),
        }
    }

    /// What stage 1 counts as a mention.
    fn calls(&self) -> Mentions<'_> {
        Mentions::Calls {
            words: &self.apis,
            win32_functions: &self.win32_functions,
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
/// followed: as many as functions returning a name are followed into each other.
const MAX_DERIVED_ROUNDS: usize = crate::names::MAX_FUNCTION_LEVELS;

/// Checks every file of one package; `files` come with their read errors already set.
pub fn check_package(
    package: &Package,
    files: &mut [PackageFile],
    catalogue: &Catalogue,
    prefilter: &Prefilter,
) {
    use rayon::prelude::*;
    let facts = PackageFacts {
        name: package.name.clone(),
        version: package.version.clone(),
    };
    let mut found = Vec::new();
    let crates = Crates::of(package);
    let mut items = ItemIndex::new(&crates);
    let mut caller_failures = Vec::new();
    // Stage 1: files that mention a catalogued API (done already for files read from a path).
    files
        .par_iter_mut()
        .enumerate()
        .for_each(|(index, file)| file.scan_for_apis(index, catalogue, prefilter));
    let mut parsed = Vec::with_capacity(files.len());
    for file in files.iter_mut() {
        let first_scan = file
            .first_scan
            .take()
            .expect("every file went through stage 1");
        parsed.push(first_scan.parsed);
        caller_failures.extend(first_scan.contribution.add_to(&mut found, &mut items));
    }
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
    let resolver = Resolver {
        items: &items,
        package: &facts,
    };
    // A name with `cfg` alternatives is a creation per distinct name, one after the other.
    let creations: Vec<Creation> = found
        .into_iter()
        .flat_map(|found| {
            resolver
                .resolve_all(&found.name)
                .into_iter()
                .map(move |alternative| {
                    let cfg = alternative.predicate();
                    found.resolved(alternative.name, cfg)
                })
        })
        .collect();
    lint(package, &crates, files, &creations);
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
                if signature.has_receiver
                    || !derived_names.insert((crate_key.to_owned(), signature.clone()))
                {
                    continue;
                }
                let api = Arc::new(derived_api(creation, signature, index));
                derived.push(CrateFunction {
                    crate_key: crate_key.to_owned(),
                    api,
                    inner,
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
fn judge_by_callers(
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

/// A function of the package that passes its parameter to a creation, as an API.
struct CrateFunction {
    /// The crate that defines it: only code of the crates that reach it can call it.
    crate_key: String,
    api: Arc<Api>,
    /// The creation it ends in, by its index among the package's creations.
    inner: usize,
}

/// What a scan matches calls against.
#[derive(Clone, Copy)]
enum Apis<'a> {
    /// The same catalogue for every file.
    Catalogue(&'a Catalogue),
    /// The package's own name-passing functions: a file's calls are matched against those of
    /// the crates its own crate reaches (see [`Crates::reaches`]), its own crate's first, so
    /// that two examples' `fn lock`s are two APIs.
    CrateFunctions(&'a [CrateFunction], &'a Crates),
}

impl<'a> Apis<'a> {
    /// The catalogue for a file of the crate `crate_key`.
    fn for_crate(self, crate_key: &str) -> Cow<'a, Catalogue> {
        let (functions, crates) = match self {
            Apis::Catalogue(catalogue) => return Cow::Borrowed(catalogue),
            Apis::CrateFunctions(functions, crates) => (functions, crates),
        };
        let own = functions
            .iter()
            .filter(|function| function.crate_key == crate_key);
        let reached = functions.iter().filter(|function| {
            function.crate_key != crate_key && crates.reaches(crate_key, &function.crate_key)
        });
        let mut catalogue = Catalogue::default();
        for function in own.chain(reached) {
            // A function of the crate's own shadows one of the same name it reaches.
            if let Matcher::Function(name) = &function.api.matcher {
                if catalogue.is_function_name(name) {
                    continue;
                }
            }
            catalogue.insert(Arc::clone(&function.api));
        }
        Cow::Owned(catalogue)
    }
}

/// Parses the files that declare the items names refer to, until every reference is found or
/// nothing new turns up. A word in `searched` was looked for in every file already: what
/// mentions it is parsed, and it is not looked for again.
fn read_referenced_items(
    package: &Package,
    files: &mut [PackageFile],
    parsed: &mut [Parsed],
    found: &[FoundCreation],
    items: &mut ItemIndex<'_>,
    searched: &mut HashSet<String>,
) {
    for _ in 0..4 {
        let words: Vec<String> = wanted_items(found, items)
            .into_iter()
            .filter(|word| searched.insert(word.clone()))
            .collect();
        if words.is_empty() {
            return;
        }
        let matcher = WordSearch::new(&words);
        let before = items.item_count();
        scan(
            files,
            Apis::Catalogue(&Catalogue::default()),
            parsed,
            &mut Vec::new(),
            items,
            Mentions::Declarations(&matcher),
            Dropped::ReadAgain(package),
        );
        if items.item_count() == before {
            return;
        }
    }
}

/// Runs the lints over each file's creations, with the whole package as context.
fn lint(package: &Package, crates: &Crates, files: &mut [PackageFile], creations: &[Creation]) {
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
/// call's file are left out (their spans are the call file's).
pub fn shown_at_literal(
    mut diagnostic: Diagnostic,
    origin: &SourceFile,
    shown_in: &SourceFile,
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
    diagnostic.notes.push(
        "the call is in a file not checked in this run; the finding is shown where this file \
         sets its name"
            .to_owned(),
    );
    diagnostic
}

/// What parsing one file (or some of its items) contributed.
#[derive(Debug, Default)]
struct Contribution {
    creations: Vec<FoundCreation>,
    items: Vec<(Vec<String>, crate::names::ItemValue)>,
    caller_failures: Vec<(FileId, CallerFailure)>,
}

impl Contribution {
    /// Adds the creations and items; the checks on callers' failures are handed back.
    fn add_to(
        self,
        found: &mut Vec<FoundCreation>,
        items: &mut ItemIndex<'_>,
    ) -> Vec<(FileId, CallerFailure)> {
        found.extend(self.creations);
        for (path, item) in self.items {
            items.insert(path, item);
        }
        self.caller_failures
    }
}

/// Stage 1 for one file: what its items that mention a catalogued API hold.
#[derive(Debug)]
pub struct FirstScan {
    /// The file's index in its package when it was scanned: its creations carry it.
    index: usize,
    parsed: Parsed,
    contribution: Contribution,
}

/// Parses what `words` selects and was not parsed yet — whole files that mention one of them,
/// or, in a large file, only its top-level items that do, with its `use` items — on the thread
/// pool, and collects their creations and items in file order.
///
/// Selecting items keeps results identical to parsing the whole file: a creation is found only
/// in an item that names its API (or a `use` that renames it, kept too), and a `const` or
/// `static` matters only when a name refers to it, which [`read_referenced_items`] finds by the
/// same selection over the items not parsed yet. Each item keeps its line and column (see
/// [`SourceFile::masked_parse_text`]), so spans need no translation.
fn scan(
    files: &mut [PackageFile],
    apis: Apis<'_>,
    parsed: &mut [Parsed],
    found: &mut Vec<FoundCreation>,
    items: &mut ItemIndex<'_>,
    words: Mentions<'_>,
    dropped: Dropped<'_>,
) -> Vec<(FileId, CallerFailure)> {
    use rayon::prelude::*;
    let contributions: Vec<Option<Contribution>> = files
        .par_iter_mut()
        .zip(parsed.par_iter_mut())
        .enumerate()
        .map(|(index, (file, parsed))| scan_file(file, index, apis, parsed, words, dropped))
        .collect();
    let mut caller_failures = Vec::new();
    for contribution in contributions.into_iter().flatten() {
        caller_failures.extend(contribution.add_to(found, items));
    }
    caller_failures
}

/// [`scan`] for the file at `index` of the package.
fn scan_file(
    file: &mut PackageFile,
    index: usize,
    apis: Apis<'_>,
    parsed: &mut Parsed,
    words: Mentions<'_>,
    dropped: Dropped<'_>,
) -> Option<Contribution> {
    let loaded = match dropped {
        Dropped::Skip => file.dropped_from.is_none() && file.error.is_none(),
        Dropped::ReadAgain(package) => file.load_if(words.words(), package),
    };
    if !loaded {
        return None;
    }
    let outcome = parse_selected(&file.source, parsed, words)?;
    let contribution = match outcome {
        Ok(syntax) => {
            let catalogue = apis.for_crate(file.place.crate_key());
            let facts = creations::find(&file.source, index, &file.place, &syntax, &catalogue);
            Some(Contribution {
                creations: facts.creations,
                items: facts.items,
                caller_failures: facts.caller_failures,
            })
        }
        Err(error) => {
            file.error = Some(error);
            None
        }
    };
    // proc-macro2 keeps every parsed file's source map per thread until told otherwise;
    // everything kept from the syntax tree is plain data by now (spans are `ByteSpan`s).
    proc_macro2::extra::invalidate_current_thread_spans();
    contribution
}

/// What [`scan`] does with a file whose text was dropped after its first read.
#[derive(Clone, Copy)]
enum Dropped<'a> {
    /// Passes over it: the words are the catalogue's, which the first read looked for.
    Skip,
    /// Reads it again, in case it mentions one of the words; it is a file of this package.
    ReadAgain(&'a Package),
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
        // The function's callers see the creation's own result only when it passes it on.
        on_existing: if creation.propagated {
            creation.on_existing
        } else {
            OnExisting::LastError
        },
        sets_first_pipe_instance: creation.first_pipe_instance == Some(true),
        opens_existing: creation.api.opens_existing,
        reference: creation.api.reference.clone(),
        origin: Origin::Derived,
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
/// inside it; that inner creation's `ERROR_ALREADY_EXISTS` check is then owed by the callers.
fn mark_delegated(found: &mut [FoundCreation], first: usize, functions: &[CrateFunction]) {
    let (inner, outer) = found.split_at_mut(first);
    for call in outer.iter_mut() {
        let Some(function) = functions
            .iter()
            .find(|function| Arc::ptr_eq(&function.api, &call.api))
        else {
            continue;
        };
        let creation = &mut inner[function.inner];
        call.via = Some(Via {
            file: creation.file,
            callee: creation.callee,
            api_name: creation.api.name.to_string(),
            api: Arc::clone(&creation.api),
        });
        creation.already_exists_checked = true;
    }
}

/// Identifiers of items that names refer to, directly or through other items, and the index
/// does not hold yet.
fn wanted_items(found: &[FoundCreation], items: &ItemIndex) -> BTreeSet<String> {
    let mut roots = Vec::new();
    for creation in found {
        creation
            .name
            .item_paths(&mut |path| roots.push(path.clone()));
    }
    let mut wanted = BTreeSet::new();
    items.missing_paths(roots, &mut |path| {
        if let Some(ident) = path.segments.last() {
            wanted.insert(ident.clone());
        }
    });
    wanted
}
