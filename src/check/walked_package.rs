//! One package of a run over paths, once its walked files are read: the files it needs as
//! context (the rest of the package when only some of its files were given, the library files
//! of the members it depends on), its stages, and each checked file's report.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::file::PackageFile;
use crate::check::members::{self, MemberLibrary};
use crate::check::outcome::FileReport;
use crate::check::package;
use crate::check::paths::display_path;
use crate::check::run::{Place, Run, Settings};
use crate::lints::diagnostic::Diagnostic;
use crate::policy::finish::finish;
use crate::project::crates;
use crate::project::discover::{self, Found, Next, PathKinds, WalkOptions};
use crate::project::package::Package;
use crate::scan::source::SourceFile;

/// The later stages of one package whose files have all been read, then each file's findings
/// through [`finish`].
pub fn check(
    package: &Arc<Package>,
    settings: &Settings,
    files: Vec<(usize, Place, PathBuf, PackageFile)>,
    members: Vec<(usize, Place, PathBuf, PackageFile)>,
) -> Vec<(Place, FileReport)> {
    use rayon::prelude::*;
    let with_context = files.iter().any(|(.., file)| file.context) || !members.is_empty();
    let files = in_package_order(files, members, settings);
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
        .map(|((place, absolute_path), mut file)| {
            let diagnostics = finish(
                &file.source,
                std::mem::take(&mut file.diagnostics),
                &settings.config,
            );
            // A report keeps the text of a file only where it shows or edits something in it,
            // so that the run's memory does not grow with the tree.
            let keep_text = !diagnostics.is_empty()
                || file.error.is_some()
                || literal_files.contains(file.source.path());
            (
                place,
                file_report(package, absolute_path, diagnostics, file, keep_text),
            )
        })
        .collect()
}

/// The package's own `files` in the walk's order, whatever order the reads finished in, then
/// the `members`' files, each through stage 1 at its index.
fn in_package_order(
    mut files: Vec<(usize, Place, PathBuf, PackageFile)>,
    members: Vec<(usize, Place, PathBuf, PackageFile)>,
    settings: &Settings,
) -> Vec<(usize, Place, PathBuf, PackageFile)> {
    use rayon::prelude::*;
    let own_context = files.iter().any(|(.., file)| file.context);
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
    files
}

/// The files of `package` the walk did not find (`walked`), to be read as context: every `.rs`
/// file a walk of its directory finds in a target's directory (a file outside them, such as a
/// test fixture, is a crate of its own that no other reaches), but for other packages' and
/// excluded ones. Read and
/// scanned as walked files are (most are dropped after the prefilter); their place is never
/// used, as they are not reported.
pub fn context_files(
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
    // Each file's index among all the package's files (see [`check`]), so that stage 1
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
pub fn member_files(
    package: &Package,
    settings: &Settings,
    own_files: &[(usize, Place, PathBuf, PackageFile)],
    run: &Run,
) -> Vec<(usize, Place, PathBuf, PackageFile)> {
    if package.path_dependencies.is_empty() {
        return Vec::new();
    }
    let Ok(tree) = std::fs::canonicalize(&run.root) else {
        return Vec::new();
    };
    let own = package.manifest_path.parent();
    // Under the run's settings, a member reads the same for every package that depends on
    // it: it is read once.
    let shared = std::ptr::eq(settings, Arc::as_ptr(&run.settings));
    let libraries: Vec<Arc<MemberLibrary>> = package
        .path_dependencies
        .iter()
        .filter(|dependency| Some(dependency.directory.as_path()) != own)
        .filter_map(|dependency| {
            let directory = &dependency.directory;
            let read =
                || members::read_library(directory, &tree, &settings.config, &settings.prefilter);
            if shared {
                run.members.get_or_read(directory, read)
            } else {
                read().map(Arc::new)
            }
        })
        .collect();
    // A member's files matter only for a creation: the package's own, whose name may read a
    // member's item, or a member's, which its name-passing functions lead to. Most packages of
    // a large workspace have neither.
    let member_creates = libraries.iter().any(|library| library.may_create());
    if !member_creates && !own_files.iter().any(|(.., file)| file.may_create()) {
        return Vec::new();
    }
    let count = own_files.len();
    let mut files = Vec::new();
    for member_file in libraries.iter().flat_map(|library| &library.files) {
        let shown = display_path(&member_file.path, run.cwd);
        let path = &member_file.path;
        let place = member_file.place.clone();
        let mut file = PackageFile::read_member(shown, path, place, member_file.read.clone());
        let index = count + files.len();
        file.scan_for_apis(index, &settings.catalogue, &settings.prefilter);
        files.push((index, (usize::MAX, 0), path.clone(), file));
    }
    files
}

/// [`check`]'s reports when some files were read as context: only the checked files
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
                let moved = package::shown_at_literal(
                    diagnostic,
                    &file.source,
                    &shown_in.source,
                    file.member,
                );
                shown[target].push(moved);
            }
        }
    }
    places
        .into_iter()
        .zip(files)
        .zip(shown)
        .filter_map(|((place, file), shown)| Some(((place, file?), shown)))
        .map(|(((place, absolute_path), mut file), shown)| {
            let mut diagnostics = finish(
                &file.source,
                std::mem::take(&mut file.diagnostics),
                &settings.config,
            );
            diagnostics.extend(shown);
            diagnostics.sort_by_key(|diagnostic| diagnostic.primary.span.start);
            (
                place,
                file_report(package, absolute_path, diagnostics, file, true),
            )
        })
        .collect()
}

/// The report of `file` with its `diagnostics`; without its text unless `keep_text`.
fn file_report(
    package: &Arc<Package>,
    absolute_path: PathBuf,
    diagnostics: Vec<Diagnostic>,
    file: PackageFile,
    keep_text: bool,
) -> FileReport {
    let source = if keep_text {
        file.source
    } else {
        SourceFile::new(file.source.path, String::new())
    };
    FileReport {
        file: source,
        absolute_path,
        package: Arc::clone(package),
        diagnostics,
        error: file.error,
        uses: file.uses,
    }
}
