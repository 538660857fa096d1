//! A run over paths, as a stream: the walk hands each file to the thread pool as it finds it;
//! the file is read and scanned at once (and its text dropped unless it mentions something
//! objlint looks for); and each package goes through the later stages as soon as the walk has
//! left it and the last of its files has been read. No stage waits for the whole tree, and
//! memory follows the files that matter.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::catalogue::Catalogue;
use crate::check::file::{PackageFile, Prefilter};
use crate::check::outcome::{FileReport, Report};
use crate::check::package;
use crate::lints::diagnostic::Diagnostic;
use crate::policy::config::Config;
use crate::policy::finish::finish;
use crate::project::crates;
use crate::project::discover::{self, Found, Next, PathKinds, WalkOptions};
use crate::project::package::Package;
use crate::project::packages::{self, Packages};
use crate::project::workspace::{self, Workspaces};
use crate::scan::source::SourceFile;

/// What every task of a run shares.
struct Run<'a> {
    cwd: &'a Path,
    /// Whether `cwd` is the process's current directory: then a file is opened by the path
    /// the walk gave, which the kernel resolves from there, not from the root (a pre-commit
    /// hook's relative paths cost fewer lookups).
    cwd_is_current: bool,
    /// The run's configuration, with what is built from it.
    settings: Arc<Settings>,
    /// The root of the workspace the run is in (or `cwd`).
    root: PathBuf,
    workspaces: Workspaces,
    /// Each checked file with its [`Place`].
    checked: Mutex<Vec<(Place, FileReport)>>,
    /// Whether a path taken as a file by its name ([`Found::NamedFile`]) is not one.
    misnamed: AtomicBool,
}

/// What a package is checked with: its configuration (the run's, or the one found for its
/// workspace; see [`Config::for_package`]) and the catalogue and prefilter built from it.
struct Settings {
    config: Config,
    catalogue: Catalogue,
    prefilter: Prefilter,
}

impl Settings {
    fn new(config: Config) -> Self {
        let catalogue = Catalogue::new(&config.apis);
        let prefilter = Prefilter::new(&catalogue);
        Settings {
            config,
            catalogue,
            prefilter,
        }
    }
}

/// Where a file comes in the report: the index of the path it was found under, as the paths
/// were given, and its place in that path's walk.
type Place = (usize, usize);

/// Checks `paths` on the current thread pool; see the module documentation.
pub fn check_paths(paths: &[PathBuf], cwd: &Path, config: &Config) -> Report {
    check_paths_as(paths, cwd, config, PathKinds::ByName).unwrap_or_else(|| {
        // A path taken as a file by its name is not one (a directory named `*.rs`, a missing
        // file): the run starts again, asking what every path is.
        check_paths_as(paths, cwd, config, PathKinds::Asked)
            .expect("no path is taken by its name when every path is asked")
    })
}

/// The run, or `None` if a path taken as a file by its name turns out not to be one.
fn check_paths_as(
    paths: &[PathBuf],
    cwd: &Path,
    config: &Config,
    kinds: PathKinds,
) -> Option<Report> {
    // The paths are walked sorted: what lies under one directory is then one stretch of the
    // walk, so each package is complete as soon as the walk leaves it, and which file of a
    // package comes first (which some lints ask) does not depend on the order the paths were
    // given in. The report keeps that order. A pre-commit hook's thousands of paths are
    // sorted while the catalogue's searches are built.
    let (settings, (absolute_paths, walk_order)) = rayon::join(
        || Settings::new(config.clone()),
        || {
            use rayon::prelude::*;
            let absolute_paths: Vec<PathBuf> =
                paths.par_iter().map(|path| absolute(path, cwd)).collect();
            let mut walk_order: Vec<usize> = (0..paths.len()).collect();
            walk_order
                .par_sort_by_key(|&given| absolute_paths[given].as_os_str().as_encoded_bytes());
            // One path given twice (`src/lib.rs src/../src/lib.rs`) is walked once, under its
            // first spelling: the sort is stable, and absolute paths are read as written.
            walk_order.dedup_by_key(|given| &absolute_paths[*given]);
            (absolute_paths, walk_order)
        },
    );
    let workspaces = Workspaces::default();
    let root = workspace::workspace_root(cwd, &workspaces).unwrap_or_else(|| cwd.to_owned());
    let options = WalkOptions {
        no_ignore: config.no_ignore,
        trees: std::fs::canonicalize(&root).into_iter().collect(),
    };
    let run = Run {
        cwd,
        cwd_is_current: std::env::current_dir().is_ok_and(|current| current == cwd),
        settings: Arc::new(settings),
        root: root.clone(),
        workspaces,
        checked: Mutex::new(Vec::new()),
        misnamed: AtomicBool::new(false),
    };
    let mut report = Report {
        root,
        ..Report::default()
    };
    let walked: Vec<&Path> = walk_order.iter().map(|&given| &*paths[given]).collect();
    let absolute_walked: Vec<&Path> = walk_order
        .iter()
        .map(|&given| &*absolute_paths[given])
        .collect();
    let mut walk = Walk {
        run: &run,
        given: &walk_order,
        within: (usize::MAX, 0),
        packages: Packages::default(),
        open: OpenPackages::new(&absolute_walked),
        settings: std::collections::HashMap::new(),
        root: PathBuf::new(),
        path_errors: Vec::new(),
    };
    rayon::in_place_scope(|scope| {
        // Which directories above the paths hold a package is asked on the pool, a stretch of
        // paths ahead of the walk: the first stretch before the walk starts, each next one
        // while the walk hands out the files of the one before.
        let mut asked = HashSet::new();
        let mut stretches = stretches(&walked)
            .zip(stretches(&absolute_walked))
            .peekable();
        let first_stretch = stretches.peek().map_or(&[][..], |(_, absolute)| absolute);
        let mut ahead = packages::look_up(first_stretch, &mut asked);
        let mut first = 0;
        while let Some((stretch, _)) = stretches.next() {
            walk.packages.add_looked_up(ahead);
            let next_stretch = stretches.peek().map_or(&[][..], |(_, absolute)| absolute);
            let walk = &mut walk;
            (ahead, ()) = rayon::join(
                || packages::look_up(next_stretch, &mut asked),
                || {
                    discover::discover(stretch, kinds, &options, &mut |argument, found| {
                        walk.found(scope, first + argument, found)
                    });
                },
            );
            first += stretch.len();
        }
        for (work, _) in std::mem::take(&mut walk.open.packages) {
            let run = &run;
            scope.spawn(move |_| work.walk_done(run));
        }
    });
    let Walk {
        packages,
        mut path_errors,
        ..
    } = walk;
    if run.misnamed.into_inner() {
        return None;
    }
    let mut checked = run
        .checked
        .into_inner()
        .expect("no task panicked while holding it");
    checked.sort_by_key(|(place, _)| *place);
    report.files = checked.into_iter().map(|(_, file)| file).collect();
    path_errors.sort_by_key(|(place, _)| *place);
    report
        .errors
        .extend(path_errors.into_iter().map(|(_, error)| error));
    report.errors.extend(
        packages
            .errors
            .into_iter()
            .map(|(path, error)| (display_path(&path, cwd), format!("{error:#}"))),
    );
    Some(report)
}

/// How many paths are looked up at a time ahead of the walk (see [`packages::look_up`]):
/// enough to keep the pool busy; the first stretch, which the walk waits for, is shorter.
const LOOK_AHEAD: usize = 256;
const FIRST_LOOK_AHEAD: usize = 32;

/// `paths` in the stretches they are looked up in.
fn stretches<'a, 'p>(paths: &'a [&'p Path]) -> impl Iterator<Item = &'a [&'p Path]> {
    let first = paths.len().min(FIRST_LOOK_AHEAD);
    std::iter::once(&paths[..first]).chain(paths[first..].chunks(LOOK_AHEAD))
}

/// The walk's side of a run: where each file it finds goes.
struct Walk<'r> {
    run: &'r Run<'r>,
    /// The index of each walked path among the paths as given.
    given: &'r [usize],
    /// The place of the next file found under the path being walked.
    within: Place,
    packages: Packages,
    open: OpenPackages<'r>,
    /// Each package's settings, by its manifest's path (`None`: its configuration could not
    /// be used, which is reported, and its files are not checked).
    settings: std::collections::HashMap<PathBuf, Option<Arc<Settings>>>,
    /// The directory path being walked (absolute).
    root: PathBuf,
    path_errors: Vec<(Place, (PathBuf, String))>,
}

impl<'r> Walk<'r> {
    /// Takes what the walk found under the walked path at `argument`: a file is read on the
    /// pool at once.
    fn found<'s>(&mut self, scope: &rayon::Scope<'s>, argument: usize, found: Found) -> Next
    where
        'r: 's,
    {
        let (run, cwd) = (self.run, self.run.cwd);
        let given = self.given[argument];
        if self.within.0 != given {
            self.within = (given, 0);
        }
        let place = self.within;
        self.within.1 += 1;
        let (path, by_name) = match found {
            Found::File(path) => (path, false),
            Found::NamedFile(path) => (path, true),
            Found::Root(path) => {
                let root = absolute(&path, cwd);
                self.packages.walking(&root);
                self.root = root;
                return Next::Continue;
            }
            Found::Manifest(path) => {
                let manifest = absolute(&path, cwd);
                let is_root = manifest.parent() == Some(&*self.root);
                if !is_root && !self.is_member_of_enclosing_workspace(&manifest) {
                    return Next::SkipDirectory;
                }
                self.packages.listed_manifest(&manifest);
                return Next::Continue;
            }
            Found::Error(path, message) => {
                let error = (display_path(&path, cwd), message);
                self.path_errors.push((place, error));
                return Next::Continue;
            }
        };
        let absolute_path = absolute(&path, cwd);
        let package = self.packages.for_file(&absolute_path);
        let Some(settings) = self.settings_for(&package, place) else {
            return Next::Continue;
        };
        if settings.config.is_excluded(&absolute_path) {
            return Next::Continue;
        }
        // On the pool: the package may be checked at once, and the walk goes on.
        for left in self.open.left_for(argument, &absolute_path) {
            scope.spawn(move |_| left.walk_done(run));
        }
        let work = self.open.work_for(package, settings);
        work.pending.fetch_add(1, Ordering::AcqRel);
        let file = FoundFile {
            place,
            index: work.found.fetch_add(1, Ordering::Relaxed),
            path,
            absolute_path,
            by_name,
        };
        scope.spawn(move |_| work.read(run, file));
        Next::Continue
    }

    /// Whether the package (or workspace) of `manifest`, which the walk met below the walked
    /// path, belongs to the workspace of the nearest manifest the walk met above it, as cargo
    /// decides: a vendored copy, a nested workspace or an excluded package does not, and is
    /// checked only when the path given is (or is inside) it, or holds it with no other
    /// manifest from there down to it (`cargo objlint fixtures/` checks the packages there).
    fn is_member_of_enclosing_workspace(&self, manifest: &Path) -> bool {
        let Some(directory) = manifest.parent() else {
            return true;
        };
        let Some(enclosing) = directory
            .ancestors()
            .skip(1)
            .take_while(|ancestor| ancestor.starts_with(&self.root))
            .find(|ancestor| self.packages.lists_manifest(ancestor))
        else {
            return true;
        };
        let workspaces = &self.run.workspaces;
        // A manifest that cannot be read is walked, so that its package reports it.
        !workspaces.reads_manifest(directory)
            || workspaces.root_of(directory) == workspaces.root_of(enclosing)
    }

    /// The settings `package` is checked with; `None`, reported once, when the configuration
    /// found for it cannot be used.
    fn settings_for(&mut self, package: &Package, place: Place) -> Option<Arc<Settings>> {
        if let Some(known) = self.settings.get(&package.manifest_path) {
            return known.clone();
        }
        let run = self.run;
        let directory = package.manifest_path.parent().unwrap_or(Path::new("/"));
        // A stand-in (no manifest) has no workspace of its own: the run's root stands for it.
        let root = if package.manifest_path.is_file() {
            run.workspaces.root_of(directory)
        } else {
            run.root.clone()
        };
        let settings = match run.settings.config.for_package(directory, &root, run.cwd) {
            Ok(None) => Some(Arc::clone(&run.settings)),
            Ok(Some(config)) => Some(Arc::new(Settings::new(config))),
            Err(error) => {
                let mut error = error;
                if let Ok(relative) = error.path.strip_prefix(run.cwd) {
                    error.path = relative.to_owned();
                }
                let message = error.to_string();
                let reported = self
                    .path_errors
                    .iter()
                    .any(|(_, (_, known))| *known == message);
                if !reported {
                    self.path_errors
                        .push((place, (error.path.clone(), message)));
                }
                None
            }
        };
        self.settings
            .insert(package.manifest_path.clone(), settings.clone());
        settings
    }
}

/// The packages whose files the walk may still find.
///
/// The walk goes through its paths in order, and through each directory depth first, never
/// coming back to a directory it has left. So a package is complete once the walk is past the
/// last path that can hold its files and, within that path, outside the package's directory.
struct OpenPackages<'p> {
    /// Each open package, with the index of the last path that can hold its files.
    packages: Vec<(Arc<PackageWork>, usize)>,
    /// The paths, absolute, as bytes; `None` when one is not written plainly (`.`, `..`, a
    /// doubled separator), where comparing bytes could tell a path apart from itself — then
    /// every package waits for the end of the walk.
    paths: Option<Vec<&'p [u8]>>,
    /// The paths, absolute, sorted by their bytes: whether one of them holds a whole package.
    walked: Vec<&'p Path>,
}

impl<'p> OpenPackages<'p> {
    /// `paths` are absolute, sorted by their bytes (the walk's order).
    fn new(paths: &[&'p Path]) -> Self {
        use rayon::prelude::*;
        debug_assert!(paths.is_sorted_by_key(|path| path.as_os_str().as_encoded_bytes()));
        let walked = paths.to_vec();
        let paths = paths
            .par_iter()
            .map(|path| is_plain(path).then_some(path.as_os_str().as_encoded_bytes()))
            .collect();
        Self {
            packages: Vec::new(),
            paths,
            walked,
        }
    }

    /// Takes out the packages that the walk, now at `file` of the path at `argument`, has left
    /// for good.
    fn left_for(&mut self, argument: usize, file: &Path) -> Vec<Arc<PackageWork>> {
        let (left, still_open): (Vec<_>, Vec<_>) = std::mem::take(&mut self.packages)
            .into_iter()
            .partition(|(work, last)| {
                argument > *last
                    || (argument == *last
                        && !work
                            .package
                            .manifest_path
                            .parent()
                            .is_some_and(|directory| file.starts_with(directory)))
            });
        self.packages = still_open;
        left.into_iter().map(|(work, _)| work).collect()
    }

    fn work_for(&mut self, package: Arc<Package>, settings: Arc<Settings>) -> Arc<PackageWork> {
        if let Some((work, _)) = self
            .packages
            .iter()
            .find(|(work, _)| Arc::ptr_eq(&work.package, &package))
        {
            return Arc::clone(work);
        }
        let last = self.last_path_holding(&package);
        let whole = package
            .manifest_path
            .parent()
            .is_some_and(|directory| self.walks_all_of(directory));
        let work = Arc::new(PackageWork {
            whole,
            package,
            settings,
            files: Mutex::new(Vec::new()),
            found: AtomicUsize::new(0),
            pending: AtomicUsize::new(1),
        });
        self.packages.push((Arc::clone(&work), last));
        work
    }

    /// Whether the walk goes through all of `directory`: it, or a directory around it, is one
    /// of the paths. Otherwise (a pre-commit hook's files) its package's other files are read
    /// as context ([`context_files`]).
    fn walks_all_of(&self, directory: &Path) -> bool {
        directory.ancestors().any(|ancestor| {
            let bytes = ancestor.as_os_str().as_encoded_bytes();
            self.walked
                .binary_search_by(|path| path.as_os_str().as_encoded_bytes().cmp(bytes))
                .is_ok()
        })
    }

    /// The index of the last path that can hold files of `package`: one inside its directory,
    /// or a directory around it.
    fn last_path_holding(&self, package: &Package) -> usize {
        match (&self.paths, package.manifest_path.parent()) {
            (Some(paths), Some(directory)) => {
                last_holding(paths, directory.as_os_str().as_encoded_bytes())
            }
            _ => usize::MAX,
        }
    }
}

/// The index of the last of `paths` (plain, sorted by their bytes) that is `directory` (plain),
/// inside it, or a directory around it; `usize::MAX` if none is.
///
/// Searched, not scanned: pre-commit passes thousands of paths, and a run meets a package per
/// crate. Sorted by bytes, the paths inside `directory` are one stretch (those starting with
/// it and a separator), and each other path that can hold its files is `directory` itself or
/// one of its ancestors, which plain paths write as a prefix ending before a separator.
fn last_holding(paths: &[&[u8]], directory: &[u8]) -> usize {
    let separator = |byte: &u8| std::path::is_separator(char::from(*byte));
    // The last index of a path equal to `bytes` (the same path may be given twice).
    let last_equal = |bytes: &[u8]| {
        let after = paths.partition_point(|&path| path <= bytes);
        (after > 0 && paths[after - 1] == bytes).then(|| after - 1)
    };
    let mut inside = directory.to_vec();
    if !directory.last().is_some_and(separator) {
        inside.push(std::path::MAIN_SEPARATOR as u8);
    }
    let first_inside = paths.partition_point(|&path| path < inside.as_slice());
    let inside_count = paths[first_inside..].partition_point(|path| path.starts_with(&inside));
    let last_inside = (inside_count > 0).then(|| first_inside + inside_count - 1);
    let ends_of_ancestors = directory
        .iter()
        .enumerate()
        .filter(|&(at, byte)| at > 0 && separator(byte))
        .map(|(at, _)| at);
    ends_of_ancestors
        .chain([directory.len()])
        .filter_map(|end| last_equal(&directory[..end]))
        .chain(last_inside)
        .max()
        .unwrap_or(usize::MAX)
}

/// A package whose files are being read.
struct PackageWork {
    package: Arc<Package>,
    /// Whether the walk goes through the package's whole directory; if not, the package's
    /// other files are read as context when it is checked.
    whole: bool,
    settings: Arc<Settings>,
    /// Each file read so far: its index in the package, its [`Place`], its absolute path, and
    /// the file.
    files: Mutex<Vec<(usize, Place, PathBuf, PackageFile)>>,
    /// How many of its files the walk has found: the next one's index in the package (the
    /// stages see the files in the walk's order).
    found: AtomicUsize,
    /// Reads not finished yet, plus one while the walk may find more files of the package.
    /// Whoever brings it to zero checks the package.
    pending: AtomicUsize,
}

/// A file the walk found, on its way to be read.
struct FoundFile {
    place: Place,
    /// Its place among its package's files, in the walk's order.
    index: usize,
    /// As the walk gave it.
    path: PathBuf,
    absolute_path: PathBuf,
    /// Whether it was taken as a file by its name ([`Found::NamedFile`]).
    by_name: bool,
}

impl PackageWork {
    /// The first read of `found`, and its stage 1.
    fn read(&self, run: &Run, found: FoundFile) {
        let read_path = if run.cwd_is_current {
            &found.path
        } else {
            &found.absolute_path
        };
        let mut file = PackageFile::read(
            display_path(&found.path, run.cwd),
            read_path,
            found.absolute_path.clone(),
            &self.package,
            &self.settings.prefilter,
        );
        // What asking would have said of the path (see `discover::discover`): a file, whose
        // read error stands, or not.
        if found.by_name
            && file.error.is_some()
            && !std::fs::metadata(read_path).is_ok_and(|metadata| metadata.is_file())
        {
            run.misnamed.store(true, Ordering::Relaxed);
        }
        file.scan_for_apis(
            found.index,
            &self.settings.catalogue,
            &self.settings.prefilter,
        );
        self.files
            .lock()
            .expect("no task panicked while holding it")
            .push((found.index, found.place, found.absolute_path, file));
        self.one_done(run);
    }

    /// The walk will find no more files of the package.
    fn walk_done(&self, run: &Run) {
        self.one_done(run);
    }

    fn one_done(&self, run: &Run) {
        if self.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            let files = std::mem::take(&mut *self.files.lock().expect("no task panicked"));
            let mut files = files;
            if !self.whole {
                files.extend(context_files(&self.package, &self.settings, &files, run));
            }
            let members = member_files(&self.package, &self.settings, files.len(), run);
            let reports = check_package(&self.package, &self.settings, files, members);
            run.checked
                .lock()
                .expect("no task panicked while holding it")
                .extend(reports);
        }
    }
}

/// The later stages of one package whose files have all been read, then each file's findings
/// through [`finish`].
fn check_package(
    package: &Arc<Package>,
    settings: &Settings,
    mut files: Vec<(usize, Place, PathBuf, PackageFile)>,
    members: Vec<(usize, Place, PathBuf, PackageFile)>,
) -> Vec<(Place, FileReport)> {
    use rayon::prelude::*;
    // The stages see the files in the walk's order, whatever order the reads finished in.
    let own_context = files.iter().any(|(.., file)| file.context);
    let with_context = own_context || !members.is_empty();
    if own_context {
        // As a walk of the whole package would find them: every file's index (and so its
        // creations' stage 1) is that of a run over the package.
        files.sort_by(|(.., one, _), (.., other, _)| one.cmp(other));
        files
            .par_iter_mut()
            .enumerate()
            .for_each(|(index, (.., file))| {
                file.scan_for_apis(index, &settings.catalogue, &settings.prefilter);
            });
    } else {
        files.sort_by_key(|(index, ..)| *index);
    }
    // The members' files come after the package's own, in the order they were read (their
    // stage 1 was done at those indices).
    let own = files.len();
    files.extend(members);
    files[own..]
        .par_iter_mut()
        .enumerate()
        .for_each(|(index, (.., file))| {
            file.scan_for_apis(own + index, &settings.catalogue, &settings.prefilter);
        });
    let (places, mut files): (Vec<(Place, PathBuf)>, Vec<PackageFile>) = files
        .into_iter()
        .map(|(_, place, absolute_path, file)| ((place, absolute_path), file))
        .unzip();
    package::check_package(
        package,
        &mut files,
        &settings.catalogue,
        &settings.prefilter,
    );
    if with_context {
        return checked_files_only(package, settings, places, files);
    }
    // Files a name's literal lies in, which `--fix` edits.
    let literal_files: std::collections::HashSet<PathBuf> = files
        .iter()
        .flat_map(|file| &file.uses)
        .flat_map(|name_use| name_use.literals.iter().map(|(path, _)| path.clone()))
        .collect();
    places
        .into_par_iter()
        .zip(files)
        .map(|((place, absolute_path), file)| {
            let diagnostics = finish(&file.source, file.diagnostics, &settings.config);
            // A report keeps the text of a file only where it shows or edits something in it,
            // so that the run's memory does not grow with the tree.
            let keep_text = !diagnostics.is_empty()
                || file.error.is_some()
                || literal_files.contains(file.source.path());
            let source = if keep_text {
                file.source
            } else {
                SourceFile::new(file.source.path, String::new())
            };
            let report = FileReport {
                file: source,
                absolute_path,
                package: Arc::clone(package),
                diagnostics,
                error: file.error,
                uses: file.uses,
            };
            (place, report)
        })
        .collect()
}

/// The files of `package` the walk did not find (`walked`), to be read as context: every `.rs`
/// file a walk of its directory finds in a target's directory (a file outside them, such as a
/// test fixture, is a crate of its own that no other reaches), but for other packages' and
/// excluded ones. Read and
/// scanned as walked files are (most are dropped after the prefilter); their place is never
/// used, as they are not reported.
fn context_files(
    package: &Package,
    settings: &Settings,
    walked: &[(usize, Place, PathBuf, PackageFile)],
    run: &Run,
) -> Vec<(usize, Place, PathBuf, PackageFile)> {
    use rayon::prelude::*;
    // A file outside any package stands alone (see `package::stand_in`): its directory is
    // no crate.
    let Some(directory) = package
        .manifest_path
        .parent()
        .filter(|_| package.manifest_path.is_file())
    else {
        return Vec::new();
    };
    let walked: HashSet<&Path> = walked.iter().map(|(_, _, path, _)| &**path).collect();
    let mut paths = Vec::new();
    // Walked as the run walks: the same ignore files, links followed within the workspace.
    let options = WalkOptions {
        no_ignore: settings.config.no_ignore,
        trees: std::fs::canonicalize(&run.root).into_iter().collect(),
    };
    discover::discover(
        &[directory],
        PathKinds::Asked,
        &options,
        &mut |_, found| match found {
            // Another package's files are not this one's.
            Found::Manifest(manifest) if manifest != package.manifest_path => Next::SkipDirectory,
            Found::File(path)
                if !walked.contains(&*path)
                    && crates::target_of(package, &path).is_some()
                    && !settings.config.is_excluded(&path) =>
            {
                paths.push(path);
                Next::Continue
            }
            _ => Next::Continue,
        },
    );
    // Each file's index among all the package's files (see `check_package`), so that stage 1
    // runs as each context file is read.
    let mut all: Vec<&Path> = walked
        .iter()
        .copied()
        .chain(paths.iter().map(|path| &**path))
        .collect();
    all.sort_unstable();
    let index_of = |path: &Path| all.binary_search(&path).unwrap_or_default();
    paths
        .par_iter()
        .map(|path| {
            let mut file = PackageFile::read(
                display_path(path, run.cwd),
                path,
                path.clone(),
                package,
                &settings.prefilter,
            );
            file.context = true;
            let index = index_of(path);
            file.scan_for_apis(index, &settings.catalogue, &settings.prefilter);
            (index, (usize::MAX, 0), path.clone(), file)
        })
        .collect()
}

/// The library files of the workspace members `package` depends on by path, read as context
/// (after its `count` files): the name-passing functions and the `const`s its code names there
/// are followed as its own. Only members inside the run's tree are read, and not their own path
/// dependencies.
fn member_files(
    package: &Package,
    settings: &Settings,
    count: usize,
    run: &Run,
) -> Vec<(usize, Place, PathBuf, PackageFile)> {
    let Ok(tree) = std::fs::canonicalize(&run.root) else {
        return Vec::new();
    };
    let own = package.manifest_path.parent();
    let mut files = Vec::new();
    for dependency in &package.path_dependencies {
        let directory = &dependency.directory;
        let inside = std::fs::canonicalize(directory).is_ok_and(|real| real.starts_with(&tree));
        if !inside || Some(directory.as_path()) == own {
            continue;
        }
        let Ok(Some(member)) =
            crate::project::manifest::read_package(&directory.join("Cargo.toml"))
        else {
            continue;
        };
        let key = crates::member_key(directory);
        let options = WalkOptions {
            no_ignore: settings.config.no_ignore,
            trees: vec![tree.clone()],
        };
        let mut paths = Vec::new();
        discover::discover(
            &[directory.as_path()],
            PathKinds::Asked,
            &options,
            &mut |_, found| match found {
                Found::Manifest(manifest) if manifest != member.manifest_path => {
                    Next::SkipDirectory
                }
                Found::File(path) if !settings.config.is_excluded(&path) => {
                    paths.push(path);
                    Next::Continue
                }
                _ => Next::Continue,
            },
        );
        paths.sort();
        for path in paths {
            let shown = display_path(&path, run.cwd);
            let Some(mut file) =
                PackageFile::read_member(shown, &path, &member, &key, &settings.prefilter)
            else {
                continue;
            };
            let index = count + files.len();
            file.scan_for_apis(index, &settings.catalogue, &settings.prefilter);
            files.push((index, (usize::MAX, 0), path, file));
        }
    }
    files
}

/// [`check_package`]'s reports when some files were read as context: only the checked files
/// are reported, with the context files' findings that are shown at a checked file's literal
/// ([`package::shown_at_literal`]), after the context file's own suppressions and levels.
fn checked_files_only(
    package: &Arc<Package>,
    settings: &Settings,
    places: Vec<(Place, PathBuf)>,
    files: Vec<PackageFile>,
) -> Vec<(Place, FileReport)> {
    let mut shown: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
    let mut files: Vec<Option<PackageFile>> = files.into_iter().map(Some).collect();
    for index in 0..files.len() {
        let Some(file) = files[index].take_if(|file| file.context) else {
            continue;
        };
        for diagnostic in finish(&file.source, file.diagnostics, &settings.config) {
            let Some((target, _)) = diagnostic.shown_at else {
                continue;
            };
            if let Some(Some(shown_in)) = files.get(target) {
                let moved = package::shown_at_literal(diagnostic, &file.source, &shown_in.source);
                shown[target].push(moved);
            }
        }
    }
    places
        .into_iter()
        .zip(files)
        .zip(shown)
        .filter_map(|((place, file), shown)| Some(((place, file?), shown)))
        .map(|(((place, absolute_path), file), shown)| {
            let mut diagnostics = finish(&file.source, file.diagnostics, &settings.config);
            diagnostics.extend(shown);
            diagnostics.sort_by_key(|diagnostic| diagnostic.primary.span.start);
            let report = FileReport {
                file: file.source,
                absolute_path,
                package: Arc::clone(package),
                diagnostics,
                error: file.error,
                uses: file.uses,
            };
            (place, report)
        })
        .collect()
}

/// Whether the absolute `path` is written as its components would write it: no `.` or `..`,
/// no doubled or trailing separator, only the main separator. Read as bytes: pre-commit
/// passes thousands of paths.
fn is_plain(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    let separator = |byte: &u8| std::path::is_separator(char::from(*byte));
    let main_separator_only = bytes
        .iter()
        .all(|&byte| !separator(&byte) || char::from(byte) == std::path::MAIN_SEPARATOR);
    main_separator_only
        && bytes
            .split(separator)
            .skip(1)
            .all(|part| !part.is_empty() && part != b"." && part != b"..")
}

/// `path` from `cwd`, without a leading `.` (`cargo objlint .` walks `./src/…`): cargo writes
/// none in its manifest paths and package ids, and packages are told apart from the paths by
/// their bytes (see [`OpenPackages`]). A `..` is resolved as written
/// ([`discover::lexically_normal`]), so two spellings of one path are one path.
fn absolute(path: &Path, cwd: &Path) -> PathBuf {
    let joined = joined(path, cwd);
    match discover::lexically_normal(&joined) {
        std::borrow::Cow::Borrowed(_) => joined,
        std::borrow::Cow::Owned(normal) => normal,
    }
}

fn joined(path: &Path, cwd: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_owned();
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let from_dot = bytes.first() == Some(&b'.')
        && bytes
            .get(1)
            .is_none_or(|&byte| std::path::is_separator(char::from(byte)));
    if !from_dot {
        return cwd.join(path);
    }
    match path.strip_prefix(".") {
        Ok(rest) if rest.as_os_str().is_empty() => cwd.to_owned(),
        Ok(rest) => cwd.join(rest),
        Err(_) => cwd.join(path),
    }
}

/// The path as the user should read it: relative to the current directory when inside it.
fn display_path(path: &Path, cwd: &Path) -> PathBuf {
    let path = path.strip_prefix("./").unwrap_or(path);
    match path.strip_prefix(cwd) {
        Ok(relative) if !relative.as_os_str().is_empty() => relative.to_owned(),
        _ => up_from(path, cwd).unwrap_or_else(|| path.to_owned()),
    }
}

/// An absolute `path` beside `cwd`, written from `cwd` with `..` (`../b/src/lib.rs` from a sibling
/// crate of the workspace, whose walk starts at the workspace root), as a user would type it.
/// Paths that share nothing with `cwd` but the root stay absolute.
fn up_from(path: &Path, cwd: &Path) -> Option<PathBuf> {
    if !path.is_absolute() || !cwd.is_absolute() {
        return None;
    }
    let common = path
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .count();
    // The root alone (`/`, or `C:\` as two components) is no shared directory.
    let root_components = cwd
        .components()
        .take_while(|component| {
            matches!(
                component,
                std::path::Component::Prefix(_) | std::path::Component::RootDir
            )
        })
        .count();
    if common <= root_components {
        return None;
    }
    let ups = cwd.components().count() - common;
    let mut relative: PathBuf = std::iter::repeat_n("..", ups).collect();
    relative.extend(path.components().skip(common));
    Some(relative)
}

#[cfg(test)]
mod tests {
    use super::{absolute, is_plain, last_holding};
    use std::path::Path;

    /// The rule [`last_holding`] searches for, read from every path.
    fn last_holding_scanned(paths: &[&[u8]], directory: &[u8]) -> usize {
        let within = |inner: &[u8], outer: &[u8]| {
            inner.starts_with(outer)
                && (inner.len() == outer.len() || inner.get(outer.len()) == Some(&b'/'))
        };
        paths
            .iter()
            .rposition(|path| within(path, directory) || within(directory, path))
            .unwrap_or(usize::MAX)
    }

    #[cfg(unix)]
    #[test]
    fn the_last_path_holding_a_package_is_found_by_searching() {
        let paths: Vec<&[u8]> = [
            "/w/a",
            "/w/a-b/x.rs",
            "/w/a.rs",
            "/w/a/src/lib.rs",
            "/w/a/src/lib.rs",
            "/w/a0/y.rs",
            "/w/b/c/d.rs",
        ]
        .iter()
        .map(|path| path.as_bytes())
        .collect();
        for (directory, expected) in [
            ("/w/a", 4),
            ("/w/a/src", 4),
            ("/w/a-b", 1),
            ("/w/b", 6),
            ("/w/b/c/e", usize::MAX),
            ("/w/c", usize::MAX),
            ("/w/a/src/deep", 0),
            ("/w", 6),
        ] {
            assert_eq!(
                last_holding(&paths, directory.as_bytes()),
                expected,
                "{directory}"
            );
        }
    }

    #[cfg(unix)]
    proptest::proptest! {
        #[test]
        fn searching_for_the_last_path_holding_a_package_finds_what_scanning_finds(
            mut paths in proptest::collection::vec("(/[ab.-]{1,2}){1,4}", 0..40),
            directory in "(/[ab.-]{1,2}){1,3}",
        ) {
            let plain = |path: &String| path.split('/').skip(1).all(|part| part != "." && part != "..");
            paths.retain(plain);
            proptest::prop_assume!(plain(&directory));
            let mut paths: Vec<&[u8]> = paths.iter().map(String::as_bytes).collect();
            paths.sort_unstable();
            proptest::prop_assert_eq!(
                last_holding(&paths, directory.as_bytes()),
                last_holding_scanned(&paths, directory.as_bytes())
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_path_from_the_current_directory_has_no_dot_nor_dot_dot() {
        let cwd = Path::new("/work/crate");
        for (given, expected) in [
            (".", "/work/crate"),
            ("./src/lib.rs", "/work/crate/src/lib.rs"),
            ("src/lib.rs", "/work/crate/src/lib.rs"),
            ("../other", "/work/other"),
            ("src/../src/lib.rs", "/work/crate/src/lib.rs"),
            (".hidden.rs", "/work/crate/.hidden.rs"),
            ("/elsewhere/a.rs", "/elsewhere/a.rs"),
        ] {
            assert_eq!(
                absolute(Path::new(given), cwd),
                Path::new(expected),
                "{given}"
            );
        }
        assert!(is_plain(&absolute(Path::new("./src/lib.rs"), cwd)));
    }

    #[cfg(unix)]
    #[test]
    fn a_path_is_plain_when_its_components_write_it_the_same() {
        assert!(is_plain(Path::new("/work/crate/src/lib.rs")));
        assert!(is_plain(Path::new("/work/crate/src")));
        for unplain in [
            "/work/./crate/src",
            "/work/crate/../crate/src",
            "/work//crate",
            "/work/crate/",
            "/work/crate/.",
        ] {
            assert!(!is_plain(Path::new(unplain)), "{unplain} taken as plain");
        }
    }
}
