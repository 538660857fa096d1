//! Which workspace each package belongs to, decided as cargo decides it from the manifests
//! alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use toml::Table;

use crate::project::manifest::{lexically_clean, read_manifest_tables, WORKSPACE_TABLES};

/// The root of the Cargo workspace enclosing `start`: that of the nearest `Cargo.toml` at or
/// above it, as cargo decides it ([`Workspaces::root_of`]); `None` outside any project.
pub fn workspace_root(start: &Path, workspaces: &Workspaces) -> Option<PathBuf> {
    let nearest = start
        .ancestors()
        .find(|directory| directory.join("Cargo.toml").is_file())?;
    Some(workspaces.root_of(nearest))
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
