//! Cargo packages and targets, read from `Cargo.toml` files without running cargo: the package a
//! file belongs to (its name seeds suggested GUIDs) and the target JSON output names, as cargo
//! writes them in `compiler-message` lines.

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use toml::Table;

/// A package, or a stand-in for files that belong to none.
#[derive(Debug)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// Absolute path of `Cargo.toml` (for a stand-in, where it would be).
    pub manifest_path: PathBuf,
    pub targets: Vec<Target>,
    /// The packages its `[dependencies]` and `[dev-dependencies]` take by `path`, whose
    /// libraries its code may name (see [`crate::project::crates::member_key`]).
    pub path_dependencies: Vec<PathDependency>,
}

/// A dependency taken by `path`: the crate name code writes it by (the dependency's key, with
/// `-` as `_`; a `package = "…"` rename changes the package, not this name), and its directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathDependency {
    pub crate_name: String,
    pub directory: PathBuf,
}

/// A cargo target (`lib`, `bin`, `example`, `test`, `bench`, `custom-build`).
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub kind: Vec<String>,
    pub crate_types: Vec<String>,
    pub src_path: PathBuf,
    pub edition: String,
    pub doc: bool,
    pub doctest: bool,
    pub test: bool,
}

impl Package {
    /// The package ID in cargo's current format, `path+file:///dir#name@version`.
    pub fn id(&self) -> String {
        let directory = self.manifest_path.parent().unwrap_or(Path::new("/"));
        format!(
            "path+{}#{}@{}",
            file_url(directory),
            self.name,
            self.version
        )
    }

    /// The target a source file is compiled in ([`crate::project::crates::target_of`]), else the
    /// library, else the first target.
    pub fn target_for(&self, file: &Path) -> &Target {
        crate::project::crates::target_of(self, file)
            .or_else(|| self.targets.iter().find(|target| target.is_library()))
            .or_else(|| self.targets.first())
            .expect("every package has a target")
    }
}

fn is_library_kind(kind: &str) -> bool {
    matches!(
        kind,
        "lib" | "rlib" | "dylib" | "cdylib" | "staticlib" | "proc-macro"
    )
}

/// `file:///…` for an absolute path, percent-encoding what a URL cannot hold.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            url.push(byte as char);
        } else {
            let _ = write!(url, "%{byte:02X}");
        }
    }
    url
}

/// Finds and caches the package of each directory.
#[derive(Default)]
pub struct Packages {
    /// Keyed by the path's bytes: hashing a `Path` walks its components.
    by_directory: HashMap<OsString, Option<Arc<Package>>>,
    /// The directory of the file asked about last, and its package: the walk gives a
    /// directory's files one after another.
    last: Option<(PathBuf, Arc<Package>)>,
    /// Directories being walked, as bytes: the walk lists every directory under them, and
    /// [`Packages::listed_manifest`] is told of each `Cargo.toml` it lists.
    walked: Vec<Vec<u8>>,
    /// The directories under `walked` that the walk found a `Cargo.toml` in.
    listed_manifests: HashSet<OsString>,
    /// Directories outside the walk already looked up, with the `Cargo.toml` read in each
    /// (`None` when there is none; see [`look_up`]).
    looked_up: HashMap<OsString, Option<Result<Option<Package>>>>,
    /// Manifests that could not be read, reported once each.
    pub errors: Vec<(PathBuf, anyhow::Error)>,
}

impl Packages {
    /// The package owning `file` (an absolute path); a stand-in package named after the
    /// file's directory when no `Cargo.toml` with a `[package]` is above it.
    pub fn for_file(&mut self, file: &Path) -> Arc<Package> {
        let directory = file.parent().unwrap_or(Path::new("/"));
        if let Some((last, package)) = &self.last {
            if last.as_os_str() == directory.as_os_str() {
                return Arc::clone(package);
            }
        }
        let package = self
            .for_directory(directory)
            .unwrap_or_else(|| Arc::new(stand_in(file)));
        self.last = Some((directory.to_owned(), Arc::clone(&package)));
        package
    }

    /// The walk is about to list every directory under `root` (an absolute path): whether
    /// they hold a `Cargo.toml` is known from the walk, not asked of the file system.
    pub fn walking(&mut self, root: &Path) {
        self.walked
            .push(root.as_os_str().as_encoded_bytes().to_vec());
    }

    /// The walk listed this `Cargo.toml` (an absolute path), before the rest of its directory.
    pub fn listed_manifest(&mut self, manifest: &Path) {
        if let Some(directory) = manifest.parent() {
            self.listed_manifests
                .insert(directory.as_os_str().to_owned());
        }
    }

    /// Whether the walk listed a `Cargo.toml` in `directory` (under a walked path).
    pub fn lists_manifest(&self, directory: &Path) -> bool {
        self.listed_manifests.contains(directory.as_os_str())
    }

    /// Keeps what [`look_up`] found, for the walk to use.
    pub fn add_looked_up(&mut self, looked_up: LookedUp) {
        self.looked_up.extend(
            looked_up
                .into_iter()
                .map(|(directory, package)| (directory.as_os_str().to_owned(), package)),
        );
    }

    fn for_directory(&mut self, directory: &Path) -> Option<Arc<Package>> {
        if let Some(known) = self.by_directory.get(directory.as_os_str()) {
            return known.clone();
        }
        let manifest = directory.join("Cargo.toml");
        let package = if self.is_walked(directory) {
            self.listed_manifests
                .contains(directory.as_os_str())
                .then(|| read_package(&manifest))
        } else if let Some(package) = self.looked_up.remove(directory.as_os_str()) {
            package
        } else {
            manifest.is_file().then(|| read_package(&manifest))
        };
        let found = if let Some(package) = package {
            match package {
                Ok(Some(package)) => Some(Arc::new(package)),
                Ok(None) => directory
                    .parent()
                    .and_then(|parent| self.for_directory(parent)),
                Err(error) => {
                    self.errors.push((manifest, error));
                    None
                }
            }
        } else {
            directory
                .parent()
                .and_then(|parent| self.for_directory(parent))
        };
        self.by_directory
            .insert(directory.as_os_str().to_owned(), found.clone());
        found
    }

    /// Whether the walk lists `directory`: it is one of the walked roots or under one.
    fn is_walked(&self, directory: &Path) -> bool {
        let directory = directory.as_os_str().as_encoded_bytes();
        self.walked.iter().any(|root| {
            directory.starts_with(root)
                && (directory.len() == root.len()
                    || directory.get(root.len()).is_some_and(|&byte| byte == b'/')
                    || root.last() == Some(&b'/'))
        })
    }
}

/// The stand-in for a file outside any package: named after its directory, one `lib` target.
pub fn stand_in(file: &Path) -> Package {
    let directory = file.parent().unwrap_or(Path::new("/"));
    let name = directory.file_name().map_or_else(
        || "root".to_owned(),
        |name| name.to_string_lossy().into_owned(),
    );
    let target_name = file.file_stem().map_or_else(
        || name.clone(),
        |stem| stem.to_string_lossy().replace('-', "_"),
    );
    Package {
        name,
        version: "0.0.0".to_owned(),
        manifest_path: directory.join("Cargo.toml"),
        targets: vec![Target {
            name: target_name,
            kind: vec!["lib".to_owned()],
            crate_types: vec!["lib".to_owned()],
            src_path: file.to_owned(),
            edition: "2021".to_owned(),
            doc: false,
            doctest: false,
            test: false,
        }],
        path_dependencies: Vec::new(),
    }
}

/// The tables of a manifest objlint reads: the package and its targets, and the workspace.
pub(crate) fn read_manifest(manifest: &Path) -> Result<Table> {
    read_manifest_tables(manifest, READ_TABLES)
}

/// The tables `tables` of a manifest (see [`read_tables`]).
///
/// A manifest reached through a symbolic link is read only when the link leads inside its own
/// directory: a checked tree is untrusted, and `Cargo.toml -> /proc/self/environ` (or a home
/// directory's dot file) must not be read, let alone quoted. A parse error gives its place and
/// a short reason, never the text it failed on, for the same reason.
fn read_manifest_tables(manifest: &Path, tables: &[&str]) -> Result<Table> {
    if leads_out_of_its_directory(manifest) {
        anyhow::bail!(
            "not reading {}: a symbolic link to a file outside its directory",
            manifest.display()
        );
    }
    let text = fs::read_to_string(manifest)
        .with_context(|| format!("failed to read {}", manifest.display()))?;
    // Large manifests are mostly features and dependencies (the `windows` crate lists
    // thousands of features), which objlint never reads: it parses the rest. Should that
    // not parse (a section boundary misread), the whole text is parsed, for its own error.
    read_tables(&text, tables)
        .parse::<Table>()
        .or_else(|_| text.parse::<Table>())
        .map_err(|error| {
            let place = error.span().map_or_else(String::new, |span| {
                let before = &text.as_bytes()[..span.start.min(text.len())];
                let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
                let column = before
                    .iter()
                    .rev()
                    .take_while(|&&byte| byte != b'\n')
                    .count()
                    + 1;
                format!("line {line}, column {column}: ")
            });
            anyhow::anyhow!(
                "failed to parse {}: {place}{}",
                manifest.display(),
                short_reason(error.message())
            )
        })
}

/// Whether `path` is a symbolic link whose target is not inside the link's own directory (or
/// cannot be resolved).
pub(crate) fn leads_out_of_its_directory(path: &Path) -> bool {
    let is_link = fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_symlink());
    if !is_link {
        return false;
    }
    let directory = path.parent().unwrap_or(Path::new("/"));
    match (fs::canonicalize(path), fs::canonicalize(directory)) {
        (Ok(target), Ok(directory)) => !target.starts_with(directory),
        _ => true,
    }
}

/// The first line of a TOML parser's message with anything it quotes from the text left out
/// (a duplicate key's name, an unexpected token), but for a single punctuation character the
/// grammar expects: the text may be any file a link led to.
fn short_reason(message: &str) -> String {
    let first_line = message.lines().next().unwrap_or_default().trim();
    let mut reason = String::new();
    for (index, piece) in first_line.split('`').enumerate() {
        let quoted = index % 2 == 1;
        if !quoted {
            reason.push_str(piece);
        } else if piece.len() == 1 && piece.bytes().all(|byte| byte.is_ascii_punctuation()) {
            reason.push('`');
            reason.push_str(piece);
            reason.push('`');
        } else {
            reason.push('…');
        }
    }
    reason.retain(|character| !character.is_control() && character != '"' && character != '\'');
    reason
}

/// The top-level tables objlint reads from a manifest.
const READ_TABLES: &[&str] = &[
    "package",
    "workspace",
    "lib",
    "bin",
    "example",
    "test",
    "bench",
    "dependencies",
    "dev-dependencies",
];

/// The tables that say which packages belong to a workspace: `[workspace]`, and the path
/// dependencies of a root package, which cargo makes members.
const WORKSPACE_TABLES: &[&str] = &[
    "package",
    "workspace",
    "dependencies",
    "dev-dependencies",
    "build-dependencies",
    "target",
];

/// `text` without the sections of tables objlint does not read: the keys before the first
/// header, then each `[table]` or `[[table]]` (and its sub-tables) named in `tables`.
fn read_tables(text: &str, tables: &[&str]) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut keeping = true;
    let mut in_multiline_string = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !in_multiline_string && trimmed.starts_with('[') {
            let first_key = trimmed
                .trim_start_matches('[')
                .split(['.', ']'])
                .next()
                .unwrap_or_default()
                .trim()
                .trim_matches(['"', '\'']);
            keeping = tables.contains(&first_key);
        }
        if keeping {
            kept.push_str(line);
        }
        // A header-like line inside a multi-line string is text, not a header.
        if (line.matches(r#"""""#).count() + line.matches("'''").count()) % 2 == 1 {
            in_multiline_string = !in_multiline_string;
        }
    }
    kept
}

/// Which workspace each package belongs to, decided as cargo decides, from the manifests
/// alone; shared by the tasks of a run, each manifest read once.
#[derive(Default)]
pub struct Workspaces {
    /// By directory: what its `Cargo.toml` says about workspaces (`None`: no manifest, or one
    /// that cannot be read).
    facts: Mutex<HashMap<PathBuf, Option<Arc<WorkspaceFacts>>>>,
}

impl Workspaces {
    /// The root of the workspace the package (or virtual manifest) in `directory` belongs to:
    /// `directory` itself when its manifest has a `[workspace]`; the root its
    /// `package.workspace` names; else the nearest ancestor with a `[workspace]` that does not
    /// `exclude` it (as cargo looks) — if that workspace's members list it (`members`, globs
    /// included, or a path dependency of the root package). A package that workspace does not
    /// list, which cargo refuses to build ("believes it's in a workspace when it's not"), is
    /// its own root: a workspace above a checkout, or a sibling project's, is never adopted.
    pub fn root_of(&self, directory: &Path) -> PathBuf {
        if let Some(own) = self.facts(directory) {
            if own.workspace.is_some() {
                return directory.to_owned();
            }
            if let Some(named) = &own.named_root {
                return named.clone();
            }
        }
        for ancestor in directory.ancestors().skip(1) {
            let Some(facts) = self.facts(ancestor) else {
                continue;
            };
            let Some(workspace) = &facts.workspace else {
                continue;
            };
            if workspace.excludes(ancestor, directory) {
                continue;
            }
            return if workspace.has_member(ancestor, directory) {
                ancestor.to_owned()
            } else {
                directory.to_owned()
            };
        }
        directory.to_owned()
    }

    /// Whether the `Cargo.toml` in `directory` can be read and parsed.
    pub fn reads_manifest(&self, directory: &Path) -> bool {
        self.facts(directory).is_some()
    }

    fn facts(&self, directory: &Path) -> Option<Arc<WorkspaceFacts>> {
        if let Some(known) = self.lock().get(directory) {
            return known.clone();
        }
        let manifest = directory.join("Cargo.toml");
        let facts = manifest
            .is_file()
            .then(|| read_manifest_tables(&manifest, WORKSPACE_TABLES).ok())
            .flatten()
            .map(|table| Arc::new(WorkspaceFacts::of(directory, &table)));
        self.lock().insert(directory.to_owned(), facts.clone());
        facts
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Option<Arc<WorkspaceFacts>>>> {
        self.facts
            .lock()
            .expect("no task panicked while holding it")
    }
}

/// What one manifest says about workspaces.
struct WorkspaceFacts {
    workspace: Option<WorkspaceTable>,
    /// `package.workspace`: the root the package names, as an absolute path.
    named_root: Option<PathBuf>,
}

/// A `[workspace]` table: which packages under its root belong to it.
struct WorkspaceTable {
    /// `members` written as plain paths (absolute), which `exclude` cannot take back.
    member_paths: Vec<PathBuf>,
    /// `members` with glob characters, relative to the root.
    member_globs: Vec<globset::GlobMatcher>,
    /// `exclude`, as absolute paths.
    exclude: Vec<PathBuf>,
    /// The root package's path dependencies, which cargo makes members.
    path_dependencies: Vec<PathBuf>,
}

impl WorkspaceFacts {
    fn of(directory: &Path, manifest: &Table) -> Self {
        let strings = |value: Option<&toml::Value>| -> Vec<String> {
            value
                .and_then(toml::Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|entry| Some(entry.as_str()?.to_owned()))
                .collect()
        };
        let workspace = manifest
            .get("workspace")
            .and_then(toml::Value::as_table)
            .map(|workspace| {
                let mut member_paths = Vec::new();
                let mut member_globs = Vec::new();
                for member in strings(workspace.get("members")) {
                    let member = member.trim_start_matches("./").trim_end_matches('/');
                    if member.contains(['*', '?', '[', '{']) {
                        let glob = globset::GlobBuilder::new(member)
                            .literal_separator(true)
                            .build();
                        member_globs.extend(glob.map(|glob| glob.compile_matcher()));
                    } else {
                        member_paths.push(lexically_clean(&directory.join(member)));
                    }
                }
                let exclude = strings(workspace.get("exclude"))
                    .iter()
                    .map(|path| lexically_clean(&directory.join(path)))
                    .collect();
                WorkspaceTable {
                    member_paths,
                    member_globs,
                    exclude,
                    path_dependencies: path_dependencies(directory, manifest),
                }
            });
        let named_root = manifest
            .get("package")
            .and_then(|package| package.get("workspace"))
            .and_then(toml::Value::as_str)
            .map(|root| lexically_clean(&directory.join(root)));
        WorkspaceFacts {
            workspace,
            named_root,
        }
    }
}

impl WorkspaceTable {
    /// Whether `exclude` takes the package in `package` out, as cargo's `is_excluded`: under
    /// an excluded path and not under a member written as a plain path.
    fn excludes(&self, _root: &Path, package: &Path) -> bool {
        let package = lexically_clean(package);
        self.exclude.iter().any(|path| package.starts_with(path))
            && !self
                .member_paths
                .iter()
                .any(|path| package.starts_with(path))
    }

    fn has_member(&self, root: &Path, package: &Path) -> bool {
        let package = lexically_clean(package);
        let root = lexically_clean(root);
        package == root
            || self.member_paths.contains(&package)
            || self.path_dependencies.contains(&package)
            || package
                .strip_prefix(&root)
                .is_ok_and(|relative| self.member_globs.iter().any(|glob| glob.is_match(relative)))
    }
}

/// The directories of the path dependencies a manifest declares, in any dependency table.
fn path_dependencies(directory: &Path, manifest: &Table) -> Vec<PathBuf> {
    const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let mut tables: Vec<&toml::Value> = KINDS
        .iter()
        .filter_map(|kind| manifest.get(*kind))
        .collect();
    if let Some(targets) = manifest.get("target").and_then(toml::Value::as_table) {
        for target in targets.values() {
            tables.extend(KINDS.iter().filter_map(|kind| target.get(*kind)));
        }
    }
    tables.extend(
        manifest
            .get("workspace")
            .and_then(|workspace| workspace.get("dependencies")),
    );
    tables
        .into_iter()
        .filter_map(toml::Value::as_table)
        .flat_map(toml::Table::values)
        .filter_map(|dependency| dependency.get("path")?.as_str())
        .map(|path| lexically_clean(&directory.join(path)))
        .collect()
}

/// `path` with `.` and `..` components resolved by name, as cargo joins manifest paths.
fn lexically_clean(path: &Path) -> PathBuf {
    crate::project::discover::lexically_normal(path).into_owned()
}

/// What [`look_up`] found: each directory it asked about, with the `Cargo.toml` read in it
/// (`None` when there is none).
pub(crate) type LookedUp<'p> = Vec<(&'p Path, Option<Result<Option<Package>>>)>;

/// Looks up, on the thread pool, the packages of the files and directories `paths`
/// (absolute): which of their ancestors hold a `Cargo.toml`, up to the nearest package, and
/// reads those; directories in `asked` are skipped, and those it asks about are added. A
/// pre-commit hook passes thousands of files from as many directories, and the walk, which
/// hands out one file at a time, would otherwise stop at each to ask the file system while
/// the other threads wait. It takes no [`Packages`], so that it can run beside the walk.
pub(crate) fn look_up<'p>(paths: &[&'p Path], asked: &mut HashSet<&'p OsStr>) -> LookedUp<'p> {
    use rayon::prelude::*;
    // Each directory is asked about once, by the first task to reach it, which goes on up to
    // the nearest package unless another task has taken the directory above: no task waits
    // for another, as rounds of one level each would.
    let taken = Mutex::new(std::mem::take(asked));
    let found = paths
        .par_iter()
        .flat_map_iter(|path| {
            let mut found = Vec::new();
            for directory in path.ancestors().skip(1) {
                if !taken
                    .lock()
                    .expect("no task panicked")
                    .insert(directory.as_os_str())
                {
                    break;
                }
                let manifest = directory.join("Cargo.toml");
                let package = manifest.is_file().then(|| read_package(&manifest));
                // Up from a directory without a package (no manifest, or a workspace's).
                let go_on = matches!(package, None | Some(Ok(None)));
                found.push((directory, package));
                if !go_on {
                    break;
                }
            }
            found
        })
        .collect();
    *asked = taken.into_inner().expect("no task panicked");
    found
}

/// Reads a package manifest; `Ok(None)` for a virtual workspace manifest.
pub(crate) fn read_package(manifest: &Path) -> Result<Option<Package>> {
    let table = read_manifest(manifest)?;
    let Some(package) = table.get("package").and_then(toml::Value::as_table) else {
        return Ok(None);
    };
    let directory = manifest.parent().unwrap_or(Path::new("/"));
    let name = package
        .get("name")
        .and_then(toml::Value::as_str)
        .with_context(|| format!("{}: `package.name` is missing", manifest.display()))?
        .to_owned();
    let inherited = |key: &str| inherited_package_key(directory, key);
    let version =
        string_or_inherited(package, "version", &inherited).unwrap_or_else(|| "0.0.0".to_owned());
    let edition =
        string_or_inherited(package, "edition", &inherited).unwrap_or_else(|| "2015".to_owned());
    let targets = discover_targets(directory, &name, &edition, &table);
    Ok(Some(Package {
        name,
        version,
        manifest_path: manifest.to_owned(),
        targets,
        path_dependencies: crate_path_dependencies(directory, &table),
    }))
}

/// The dependencies of `[dependencies]` and `[dev-dependencies]` written with a `path`.
fn crate_path_dependencies(directory: &Path, manifest: &Table) -> Vec<PathDependency> {
    ["dependencies", "dev-dependencies"]
        .iter()
        .filter_map(|kind| manifest.get(*kind)?.as_table())
        .flat_map(toml::Table::iter)
        .filter_map(|(key, dependency)| {
            let path = dependency.get("path")?.as_str()?;
            Some(PathDependency {
                crate_name: key.replace('-', "_"),
                directory: lexically_clean(&directory.join(path)),
            })
        })
        .collect()
}

/// `key = "…"`, or `key.workspace = true` resolved from the workspace's `[workspace.package]`.
fn string_or_inherited(
    package: &Table,
    key: &str,
    inherited: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    match package.get(key)? {
        toml::Value::String(value) => Some(value.clone()),
        toml::Value::Table(table)
            if table.get("workspace") == Some(&toml::Value::Boolean(true)) =>
        {
            inherited(key)
        }
        _ => None,
    }
}

fn inherited_package_key(package_directory: &Path, key: &str) -> Option<String> {
    package_directory.ancestors().skip(1).find_map(|directory| {
        let manifest = directory.join("Cargo.toml");
        let table = read_manifest(&manifest).ok()?;
        let workspace = table.get("workspace")?.as_table()?;
        Some(workspace.get("package")?.get(key)?.as_str()?.to_owned())
    })
}

impl Target {
    /// Whether this is the package's library (of any crate type).
    pub fn is_library(&self) -> bool {
        self.kind.iter().any(|kind| is_library_kind(kind))
    }

    fn new(
        name: String,
        kind: &str,
        crate_types: Vec<String>,
        src_path: PathBuf,
        edition: &str,
    ) -> Self {
        Target {
            name,
            kind: if kind == "lib" {
                crate_types.clone()
            } else {
                vec![kind.to_owned()]
            },
            crate_types,
            src_path,
            edition: edition.to_owned(),
            doc: matches!(kind, "lib" | "bin"),
            doctest: kind == "lib",
            test: matches!(kind, "lib" | "bin" | "test"),
        }
    }
}

/// The targets cargo would build, from the manifest's target tables and cargo's conventional
/// layout (`src/lib.rs`, `src/main.rs`, `src/bin/`, `examples/`, `tests/`, `benches/`, `build.rs`).
fn discover_targets(
    directory: &Path,
    package_name: &str,
    edition: &str,
    manifest: &Table,
) -> Vec<Target> {
    let lib_table = manifest.get("lib").and_then(toml::Value::as_table);
    let lib_path = lib_table
        .and_then(|lib| lib.get("path"))
        .and_then(toml::Value::as_str)
        .map_or_else(|| directory.join("src/lib.rs"), |path| directory.join(path));
    let lib_name = lib_table
        .and_then(|lib| lib.get("name"))
        .and_then(toml::Value::as_str)
        .map_or_else(|| package_name.replace('-', "_"), str::to_owned);
    let mut targets = Vec::new();
    if lib_table.is_some() || lib_path.is_file() {
        let crate_types = lib_table
            .and_then(|lib| lib.get("crate-type"))
            .and_then(toml::Value::as_array)
            .map_or_else(
                || vec!["lib".to_owned()],
                |types| {
                    types
                        .iter()
                        .filter_map(|value| Some(value.as_str()?.to_owned()))
                        .collect()
                },
            );
        targets.push(Target::new(
            lib_name.clone(),
            "lib",
            crate_types,
            lib_path.clone(),
            edition,
        ));
    }
    for (section, kind, folder) in [
        ("bin", "bin", "src/bin"),
        ("example", "example", "examples"),
        ("test", "test", "tests"),
        ("bench", "bench", "benches"),
    ] {
        let mut found = declared_targets(manifest, directory, section, |name| {
            if kind == "bin" && name == package_name {
                directory.join("src/main.rs")
            } else {
                directory.join(folder).join(format!("{name}.rs"))
            }
        });
        if kind == "bin" && directory.join("src/main.rs").is_file() {
            found.push((package_name.to_owned(), directory.join("src/main.rs")));
        }
        found.extend(conventional_targets(&directory.join(folder)));
        for (name, path) in found {
            // Paths are compared as bytes: they are all joined to `directory` the same way,
            // and comparing `Path`s component by component made this quadratic loop slow on
            // packages with hundreds of tests (tokio).
            if !targets
                .iter()
                .any(|target| target.src_path.as_os_str() == path.as_os_str())
            {
                targets.push(Target::new(
                    name,
                    kind,
                    vec!["bin".to_owned()],
                    path,
                    edition,
                ));
            }
        }
    }
    let build_script = manifest
        .get("package")
        .and_then(|package| package.get("build"))
        .and_then(toml::Value::as_str)
        .map_or_else(|| directory.join("build.rs"), |path| directory.join(path));
    if build_script.is_file() {
        let name = "build-script-build".to_owned();
        targets.push(Target::new(
            name,
            "custom-build",
            vec!["bin".to_owned()],
            build_script,
            edition,
        ));
    }
    if targets.is_empty() {
        targets.push(Target::new(
            lib_name,
            "lib",
            vec!["lib".to_owned()],
            lib_path,
            edition,
        ));
    }
    targets
}

/// The `[[bin]]`/`[[example]]`/… entries of a manifest, with their paths (or cargo's default).
fn declared_targets(
    manifest: &Table,
    directory: &Path,
    section: &str,
    default_path: impl Fn(&str) -> PathBuf,
) -> Vec<(String, PathBuf)> {
    let Some(entries) = manifest.get(section).and_then(toml::Value::as_array) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| {
            let name = entry.get("name")?.as_str()?.to_owned();
            let path = entry
                .get("path")
                .and_then(toml::Value::as_str)
                .map_or_else(|| default_path(&name), |path| directory.join(path));
            Some((name, path))
        })
        .collect()
}

/// `folder/*.rs` and `folder/*/main.rs`, by name.
fn conventional_targets(folder: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            // The listing tells a file from a directory; only a link needs asking.
            let (is_file, is_dir) = match entry.file_type() {
                Ok(kind) if !kind.is_symlink() => (kind.is_file(), kind.is_dir()),
                _ => (path.is_file(), path.is_dir()),
            };
            if path.extension().is_some_and(|extension| extension == "rs") && is_file {
                Some((path.file_stem()?.to_string_lossy().into_owned(), path))
            } else if is_dir && path.join("main.rs").is_file() {
                Some((
                    entry.file_name().to_string_lossy().into_owned(),
                    path.join("main.rs"),
                ))
            } else {
                None
            }
        })
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_tables_objlint_reads_are_parsed() {
        let manifest = r#"cargo-features = ["x"]
[package]
name = "a"
description = """
[features]
"""
[features]
big = [
  "one",
]
[[bin]]
name = "b"
[target.'cfg(windows)'.dependencies]
windows = "1"
[ "lib" ]
path = "src/l.rs"
"#;
        let table: Table = read_tables(manifest, READ_TABLES).parse().unwrap();
        let keys: Vec<&String> = table.keys().collect();
        assert_eq!(keys, ["bin", "cargo-features", "lib", "package"]);
        assert_eq!(
            table["package"]["description"].as_str(),
            Some("[features]\n")
        );
    }
}
