//! A run over paths, as a stream: the walk hands each file to the thread pool as it finds it;
//! the file is read and scanned at once (and its text dropped unless it mentions something
//! objlint looks for); and each package goes through the later stages as soon as the walk has
//! left it and the last of its files has been read. No stage waits for the whole tree, and
//! memory follows the files that matter.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::check::members::MemberLibraries;
use crate::check::open_packages::{FoundFile, OpenPackages};
use crate::check::outcome::Report;
use crate::check::paths::{absolute, display_path};
use crate::check::run::{Place, Run, Settings};
use crate::policy::config::{Config, Origin};
use crate::project::discover::{self, Found, Next, PathKinds, WalkOptions};
use crate::project::package::Package;
use crate::project::packages::Packages;
use crate::project::workspace::{self, Workspaces};

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
    // A pre-commit hook's thousands of paths are sorted while the catalogue's searches are
    // built.
    let (settings, (absolute_paths, walk_order)) =
        rayon::join(|| Settings::new(config.clone()), || walk_order(paths, cwd));
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
        members: MemberLibraries::default(),
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
        settings_by_origin: std::collections::HashMap::new(),
        root: PathBuf::new(),
        path_errors: Vec::new(),
    };
    rayon::in_place_scope(|scope| {
        walk.walk_all(scope, &walked, kinds, &options);
    });
    let Walk {
        packages,
        path_errors,
        ..
    } = walk;
    if run.misnamed.load(Ordering::Relaxed) {
        return None;
    }
    Some(report(run, root, path_errors, packages))
}

/// The paths, absolute, and the order they are walked in (indices into `paths`).
///
/// The paths are walked sorted: what lies under one directory is then one stretch of the
/// walk, so each package is complete as soon as the walk leaves it, and which file of a
/// package comes first (which some lints ask) does not depend on the order the paths were
/// given in. The report keeps that order.
fn walk_order(paths: &[PathBuf], cwd: &Path) -> (Vec<PathBuf>, Vec<usize>) {
    use rayon::prelude::*;
    let absolute_paths: Vec<PathBuf> = paths.par_iter().map(|path| absolute(path, cwd)).collect();
    let mut walk_order: Vec<usize> = (0..paths.len()).collect();
    walk_order.par_sort_by_key(|&given| absolute_paths[given].as_os_str().as_encoded_bytes());
    // One path given twice (`src/lib.rs src/../src/lib.rs`) is walked once, under its
    // first spelling: the sort is stable, and absolute paths are read as written.
    walk_order.dedup_by_key(|given| &absolute_paths[*given]);
    (absolute_paths, walk_order)
}

/// What the run found, once the walk and every package's check are done: the checked files in
/// the order of the paths as given, then the errors of the paths and of the packages.
fn report(
    run: Run,
    root: PathBuf,
    mut path_errors: Vec<(Place, (PathBuf, String))>,
    packages: Packages,
) -> Report {
    let mut checked = run
        .checked
        .into_inner()
        .expect("no task panicked while holding it");
    checked.sort_by_key(|(place, _)| *place);
    let mut report = Report {
        root,
        files: checked.into_iter().map(|(_, file)| file).collect(),
        ..Report::default()
    };
    path_errors.sort_by_key(|(place, _)| *place);
    report
        .errors
        .extend(path_errors.into_iter().map(|(_, error)| error));
    report.errors.extend(
        packages
            .errors
            .into_iter()
            .map(|(path, error)| (display_path(&path, run.cwd), format!("{error:#}"))),
    );
    report
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
    /// The settings made for packages whose configuration is not the run's, by where that
    /// configuration was read from (`None`: nothing found, the defaults): the packages of one
    /// workspace, and every package outside the run's configuration, share one catalogue and
    /// prefilter instead of building their own.
    settings_by_origin: std::collections::HashMap<Option<Origin>, Arc<Settings>>,
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

    /// Walks `walked`, then hands the packages
    /// still open to the pool: the walk has left them all.
    fn walk_all<'s>(
        &mut self,
        scope: &rayon::Scope<'s>,
        walked: &[&Path],
        kinds: PathKinds,
        options: &WalkOptions,
    ) where
        'r: 's,
    {
        discover::discover(walked, kinds, options, &mut |argument, found| {
            self.found(scope, argument, found)
        });
        let run = self.run;
        for (work, _) in std::mem::take(&mut self.open.packages) {
            scope.spawn(move |_| work.walk_done(run));
        }
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
            Ok(Some(config)) => Some(Arc::clone(
                self.settings_by_origin
                    .entry(config.origin.clone())
                    .or_insert_with(|| Arc::new(Settings::new(config))),
            )),
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
