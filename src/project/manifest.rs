//! Reading `Cargo.toml` files without running cargo: only the tables objlint reads, never
//! through a link that leads out of the manifest's directory, into a [`Package`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::{fmt, fs, io};

use toml::Table;

use crate::project::package::{Package, PathDependency};
use crate::project::targets::discover_targets;

/// Why a manifest gives no package, each message naming the manifest.
#[derive(Debug)]
pub enum ManifestError {
    /// A symbolic link that leads out of its directory, not followed.
    OutsideLink(PathBuf),
    Read(PathBuf, io::Error),
    /// Not TOML: where (`line 3, column 7: `, or nothing), and why, in the parser's words
    /// without anything it quotes from the text.
    Parse {
        manifest: PathBuf,
        place: String,
        reason: String,
    },
    /// A `[package]` without its `name`.
    MissingName(PathBuf),
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutsideLink(manifest) => write!(
                f,
                "not reading {}: a symbolic link to a file outside its directory",
                manifest.display()
            ),
            Self::Read(manifest, error) => {
                write!(f, "failed to read {}: {error}", manifest.display())
            }
            Self::Parse {
                manifest,
                place,
                reason,
            } => write!(f, "failed to parse {}: {place}{reason}", manifest.display()),
            Self::MissingName(manifest) => {
                write!(f, "{}: `package.name` is missing", manifest.display())
            }
        }
    }
}

impl std::error::Error for ManifestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Read(_, error) => Some(error),
            _ => None,
        }
    }
}

/// The tables of a manifest objlint reads: the package and its targets, and the workspace.
pub(crate) fn read_manifest(manifest: &Path) -> Result<Table, ManifestError> {
    read_manifest_tables(manifest, READ_TABLES)
}

/// The tables `tables` of a manifest (see [`read_tables`]).
///
/// A manifest reached through a symbolic link is read only when the link leads inside its own
/// directory: a checked tree is untrusted, and `Cargo.toml -> /proc/self/environ` (or a home
/// directory's dot file) must not be read, let alone quoted. A parse error gives its place and
/// a short reason, never the text it failed on, for the same reason.
pub(crate) fn read_manifest_tables(
    manifest: &Path,
    tables: &[&str],
) -> Result<Table, ManifestError> {
    if leads_out_of_its_directory(manifest) {
        return Err(ManifestError::OutsideLink(manifest.to_owned()));
    }
    let text = fs::read_to_string(manifest)
        .map_err(|error| ManifestError::Read(manifest.to_owned(), error))?;
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
            ManifestError::Parse {
                manifest: manifest.to_owned(),
                place,
                reason: short_reason(error.message()),
            }
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
    "target",
];

/// The tables that say which packages belong to a workspace: `[workspace]`, and the path
/// dependencies of a root package, which cargo makes members.
pub(crate) const WORKSPACE_TABLES: &[&str] = &[
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

/// The features a `cargo build` of the package enables: `[features] default`, and the features
/// each enabled one enables in turn (an optional dependency's `dep/feature` enables the
/// dependency's own feature `dep`; `dep?/feature` and `dep:dep` enable none of the package's).
/// `None` when the manifest cannot be read. Read only when a name's `cfg` alternatives depend
/// on a feature: the table is left out of every other read (see [`read_manifest_tables`]).
pub(crate) fn read_default_features(manifest: &Path) -> Option<HashSet<String>> {
    let table = read_manifest_tables(manifest, &["features"]).ok()?;
    let features = table.get("features").and_then(toml::Value::as_table);
    let enabled_by = |feature: &str| -> Vec<String> {
        let listed = features
            .and_then(|features| features.get(feature))
            .and_then(toml::Value::as_array);
        listed
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
            .filter(|entry| !entry.starts_with("dep:"))
            .filter_map(|entry| match entry.split_once('/') {
                None => Some(entry.to_owned()),
                Some((dependency, _)) if !dependency.ends_with('?') => Some(dependency.to_owned()),
                Some(_) => None,
            })
            .collect()
    };
    let mut enabled = HashSet::new();
    let mut pending = enabled_by("default");
    while let Some(feature) = pending.pop() {
        if enabled.insert(feature.clone()) {
            pending.extend(enabled_by(&feature));
        }
    }
    Some(enabled)
}

/// Reads a package manifest; `Ok(None)` for a virtual workspace manifest.
pub(crate) fn read_package(manifest: &Path) -> Result<Option<Package>, ManifestError> {
    let table = read_manifest(manifest)?;
    let Some(package) = table.get("package").and_then(toml::Value::as_table) else {
        return Ok(None);
    };
    let directory = manifest.parent().unwrap_or(Path::new("/"));
    let name = package
        .get("name")
        .and_then(toml::Value::as_str)
        .ok_or_else(|| ManifestError::MissingName(manifest.to_owned()))?
        .to_owned();
    // The workspace's root manifest is read at most once, and only when a key inherits.
    let workspace = std::cell::OnceCell::new();
    let workspace = || {
        workspace
            .get_or_init(|| workspace_of(directory, package))
            .as_ref()
    };
    let inherited = |key: &str| {
        let (_, table) = workspace()?;
        Some(table.get("package")?.get(key)?.as_str()?.to_owned())
    };
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
        path_dependencies: crate_path_dependencies(directory, &table, &workspace),
    }))
}

/// The dependencies of `[dependencies]` and `[dev-dependencies]` (also under `[target.…]`)
/// taken by `path`: written in the manifest, or inherited with `workspace = true` from the
/// workspace's `[workspace.dependencies]`, whose `path` is relative to the workspace root. As
/// cargo reads them, the crate name is the member's key in either case: an inherited
/// dependency is looked up by that key, and a `package` beside `workspace = true` is ignored
/// (rust-lang/cargo#12546); the workspace's own `package = "…"` renames the package only.
fn crate_path_dependencies<'w>(
    directory: &Path,
    manifest: &Table,
    workspace: &dyn Fn() -> Option<&'w (PathBuf, Table)>,
) -> Vec<PathDependency> {
    const KINDS: [&str; 2] = ["dependencies", "dev-dependencies"];
    let mut tables: Vec<&toml::Value> = KINDS
        .iter()
        .filter_map(|kind| manifest.get(*kind))
        .collect();
    if let Some(targets) = manifest.get("target").and_then(toml::Value::as_table) {
        for target in targets.values() {
            tables.extend(KINDS.iter().filter_map(|kind| target.get(*kind)));
        }
    }
    tables
        .into_iter()
        .filter_map(toml::Value::as_table)
        .flat_map(toml::Table::iter)
        .filter_map(|(key, dependency)| {
            let inherits = dependency.get("workspace") == Some(&toml::Value::Boolean(true));
            let directory = if inherits {
                let (root, table) = workspace()?;
                let path = table.get("dependencies")?.get(key)?.get("path")?.as_str()?;
                root.join(path)
            } else {
                directory.join(dependency.get("path")?.as_str()?)
            };
            // `a/./b` is `a/b`, as a path and as shown.
            let directory: PathBuf = directory.components().collect();
            Some(PathDependency {
                crate_name: key.replace('-', "_"),
                directory: lexically_clean(&directory),
            })
        })
        .collect()
}

/// The root directory and `[workspace]` table of the workspace whose keys the package in
/// `directory` inherits: the root its `package.workspace` names, else the nearest ancestor
/// whose manifest has a `[workspace]`.
fn workspace_of(directory: &Path, package: &Table) -> Option<(PathBuf, Table)> {
    let workspace_table = |root: &Path| {
        let mut table = read_manifest(&root.join("Cargo.toml")).ok()?;
        match table.remove("workspace")? {
            toml::Value::Table(workspace) => Some((root.to_owned(), workspace)),
            _ => None,
        }
    };
    if let Some(named) = package.get("workspace").and_then(toml::Value::as_str) {
        return workspace_table(&lexically_clean(&directory.join(named)));
    }
    directory.ancestors().find_map(workspace_table)
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

/// `path` with `.` and `..` components resolved by name, as cargo joins manifest paths.
pub(crate) fn lexically_clean(path: &Path) -> PathBuf {
    crate::project::discover::lexically_normal(path).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_features_are_those_default_enables_in_turn() {
        let directory = tempfile::tempdir().unwrap();
        let manifest = directory.path().join("Cargo.toml");
        let text = r#"[package]
name = "a"
[features]
default = ["tray", "sync/fast", "log?/std", "dep:zip"]
tray = ["icons"]
icons = ["tray"]
beta = []
"#;
        fs::write(&manifest, text).unwrap();
        let mut features: Vec<String> = read_default_features(&manifest)
            .unwrap()
            .into_iter()
            .collect();
        features.sort();
        assert_eq!(features, ["icons", "sync", "tray"]);
        fs::write(&manifest, "[package]\nname = \"a\"\n").unwrap();
        assert_eq!(read_default_features(&manifest), Some(HashSet::new()));
        assert_eq!(read_default_features(&directory.path().join("none")), None);
    }

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
        assert_eq!(keys, ["bin", "cargo-features", "lib", "package", "target"]);
        assert_eq!(
            table["package"]["description"].as_str(),
            Some("[features]\n")
        );
    }
}
