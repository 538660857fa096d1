//! A file of a package as the stages see it: read once, its text dropped when no stage can
//! want it and read again when one does, and parsed for what a stage looks for — stage 1, the
//! catalogued APIs, as soon as it is read.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::catalogue::apis::{Api, Matcher};
use crate::catalogue::Catalogue;
use crate::check::error::FileError;
use crate::check::outcome::NameUse;
use crate::check::parse::{parse_selected, Parsed};
use crate::creations::result_flow::CallerFailure;
use crate::creations::{self, FoundCreation};
use crate::lints::diagnostic::Diagnostic;
use crate::names::{FileId, ItemIndex, NameIr};
use crate::project::crates::{self, Crates, FilePlace};
use crate::project::package::Package;
use crate::scan::mentions::{Mentions, WordSearch};
use crate::scan::read;
use crate::scan::source::SourceFile;

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
    /// Whether the file is a workspace member's, read as context for a package that depends on
    /// it (see [`PackageFile::read_member`]); the member is checked as a package of its own.
    pub member: bool,
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
            member: false,
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

    /// The file at `path` of a member, a package that the package depends on by path, as its
    /// context at `place` (see [`crates::member_place`]), from what [`member_text`] read.
    pub fn read_member(
        shown_path: PathBuf,
        path: &Path,
        place: FilePlace,
        read: Result<Option<String>, FileError>,
    ) -> Self {
        let mut file = match read {
            Ok(Some(text)) => Self::new(SourceFile::new(shown_path, text), place, None),
            Ok(None) => Self {
                dropped_from: Some(path.to_owned()),
                ..Self::new(SourceFile::new(shown_path, String::new()), place, None)
            },
            Err(error) => Self::new(
                SourceFile::new(shown_path, String::new()),
                place,
                Some(error),
            ),
        };
        file.context = true;
        file.member = true;
        file
    }

    /// Whether stage 1 found a creation in the file (or has not scanned it yet).
    pub fn may_create(&self) -> bool {
        self.first_scan
            .as_ref()
            .is_none_or(|scan| !scan.contribution.creations.is_empty())
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

/// Stage 1 for every file of a package (done already for the files a run over paths read):
/// what parsing the files that mention a catalogued API found, added to `found` and `items`;
/// how far each file is parsed, and the checks on callers' failures.
pub fn scan_for_apis(
    files: &mut [PackageFile],
    catalogue: &Catalogue,
    prefilter: &Prefilter,
    found: &mut Vec<FoundCreation>,
    items: &mut ItemIndex<'_>,
) -> (Vec<Parsed>, Vec<(FileId, CallerFailure)>) {
    use rayon::prelude::*;
    files
        .par_iter_mut()
        .enumerate()
        .for_each(|(index, file)| file.scan_for_apis(index, catalogue, prefilter));
    let mut parsed = Vec::with_capacity(files.len());
    let mut caller_failures = Vec::new();
    for file in files.iter_mut() {
        let first_scan = file
            .first_scan
            .take()
            .expect("every file went through stage 1");
        parsed.push(first_scan.parsed);
        caller_failures.extend(first_scan.contribution.add_to(found, items));
    }
    (parsed, caller_failures)
}

/// The functions that make a security descriptor let others open its object.
const DESCRIPTOR_FUNCTIONS: [&str; 3] = [
    "ConvertStringSecurityDescriptorToSecurityDescriptorW",
    "ConvertStringSecurityDescriptorToSecurityDescriptorA",
    "SetSecurityDescriptorDacl",
];

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

/// The text of a member's file if it mentions a word `prefilter` keeps texts for (`None`:
/// the text is dropped), for [`PackageFile::read_member`].
pub fn member_text(path: &Path, prefilter: &Prefilter) -> Result<Option<String>, FileError> {
    read::text_if_mentions(path, &prefilter.kept).map_err(FileError::from)
}

impl Prefilter {
    pub fn new(catalogue: &Catalogue) -> Self {
        let mut words = catalogue.keywords();
        // A function that makes a security descriptor may publish a creation's object (see
        // `creations::security`): it is parsed wherever the creation's is, in a file read item
        // by item too. Win32 functions, so the bindings' own mentions are none.
        let mut win32_functions = catalogue.win32_functions();
        for function in DESCRIPTOR_FUNCTIONS {
            words.push(function.to_owned());
            win32_functions.insert(function.to_owned());
        }
        let apis = WordSearch::new(&words);
        words.push("objlint".to_owned());
        Self {
            apis,
            win32_functions,
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

/// A function of the package that passes its parameter to a creation, as an API.
pub struct CrateFunction {
    /// The crate that defines it: only code of the crates that reach it can call it.
    pub crate_key: String,
    pub api: Arc<Api>,
    /// The creation it ends in, by its index among the package's creations.
    pub inner: usize,
    /// The name it gives that creation, from its parameters: what its callers' names are.
    pub composition: Arc<NameIr>,
}

/// What a scan matches calls against.
#[derive(Clone, Copy)]
pub enum Apis<'a> {
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

/// What parsing one file (or some of its items) contributed.
#[derive(Debug, Default)]
struct Contribution {
    creations: Vec<FoundCreation>,
    items: Vec<(Vec<String>, crate::names::ItemValue)>,
    once_sets: Vec<crate::names::OnceSet>,
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
        for set in self.once_sets {
            items.add_once_set(set);
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
/// `static` matters only when a name refers to it, which [`read_referenced_items`](crate::check::crate_functions::read_referenced_items) finds by the
/// same selection over the items not parsed yet. Each item keeps its line and column (see
/// [`SourceFile::masked_parse_text`]), so spans need no translation.
pub fn scan(
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
                once_sets: facts.once_sets,
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
pub enum Dropped<'a> {
    /// Passes over it: the words are the catalogue's, which the first read looked for.
    Skip,
    /// Reads it again, in case it mentions one of the words; it is a file of this package.
    ReadAgain(&'a Package),
}
