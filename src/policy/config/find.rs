//! Finding a run's or a package's configuration (`objlint.toml`, `.objlint.toml`, the
//! manifests' `metadata.objlint` tables) and reading it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::policy::config::raw::{toml_error, RawConfig};
use crate::policy::config::{Config, ConfigError, Origin, FILE_NAMES};

impl Config {
    /// Finds the configuration for a run started in `cwd` inside the workspace rooted at
    /// `root`: the first of `objlint.toml` or `.objlint.toml` from `cwd` up to `root`, then
    /// `[workspace.metadata.objlint]` of the root manifest, then `[package.metadata.objlint]`
    /// of the nearest package manifest. No configuration gives the defaults.
    pub fn discover(cwd: &Path, root: &Path) -> Result<Config, ConfigError> {
        Ok(Config::find(cwd, root)?.unwrap_or_default())
    }

    /// The configuration for the package in `package` (a directory) of the workspace rooted at
    /// `root`, when it is not this run's: the same search as [`Config::discover`], from the
    /// package's directory (from `cwd` when the run starts inside the package) up to its
    /// workspace root, as ruff finds the nearest `pyproject.toml` for each file. `None` when
    /// this configuration applies: nothing is found there and this one was found at or above
    /// that root (a repository's `objlint.toml` above a workspace in `rust/`), or it was given
    /// with `--config`. Nothing found for a package anywhere gives the defaults. The command
    /// line's flags apply on top of whichever configuration a package gets.
    pub fn for_package(
        &self,
        package: &Path,
        root: &Path,
        cwd: &Path,
    ) -> Result<Option<Config>, ConfigError> {
        if !self.per_package {
            return Ok(None);
        }
        let start = if cwd.starts_with(package) {
            cwd
        } else {
            package
        };
        let found = Config::find(start, root)?;
        let mut config = match found {
            Some(found) if Some(&found.origin) == Some(&self.origin) => return Ok(None),
            Some(found) => found,
            None => {
                let applies_above = self.origin.as_ref().is_none_or(|origin| {
                    origin
                        .path
                        .parent()
                        .is_some_and(|directory| root.starts_with(directory))
                });
                if applies_above {
                    return Ok(None);
                }
                Config::default()
            }
        };
        for (level, name) in &self.level_flags {
            config
                .set_level_from_command_line(name, *level)
                .expect("the flags were accepted for the run");
        }
        config.warn_only = self.warn_only;
        config.no_ignore = self.no_ignore;
        config.per_package = true;
        Ok(Some(config))
    }

    /// What [`Config::discover`] finds; `None` when no configuration is there.
    fn find(cwd: &Path, root: &Path) -> Result<Option<Config>, ConfigError> {
        let directories: Vec<&Path> = if cwd.starts_with(root) {
            cwd.ancestors()
                .take_while(|directory| directory.starts_with(root))
                .collect()
        } else {
            vec![cwd]
        };
        for directory in &directories {
            let found: Vec<PathBuf> = FILE_NAMES
                .iter()
                .map(|name| directory.join(name))
                .filter(|path| path.is_file())
                .collect();
            match &found[..] {
                [] => {}
                [path] => {
                    refuse_link(path)?;
                    return Config::load(path).map(Some);
                }
                [first, ..] => {
                    return Err(ConfigError {
                        path: first.clone(),
                        line_column: None,
                        message: format!(
                            "both {} and {} are here; keep one",
                            FILE_NAMES[0], FILE_NAMES[1]
                        ),
                    })
                }
            }
        }
        let root_manifest = root.join("Cargo.toml");
        if root_manifest.is_file() {
            refuse_link(&root_manifest)?;
            if let Some(config) = Config::from_manifest(&root_manifest, MetadataTable::Workspace)? {
                return Ok(Some(config));
            }
        }
        for directory in &directories {
            let manifest = directory.join("Cargo.toml");
            if manifest.is_file() {
                refuse_link(&manifest)?;
                if let Some(config) = Config::from_manifest(&manifest, MetadataTable::Package)? {
                    return Ok(Some(config));
                }
            }
        }
        Ok(None)
    }

    /// Reads a configuration file of its own (`objlint.toml`, or the file given with
    /// `--config`).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = read(path)?;
        Config::parse(&text, path)
    }

    /// Parses the text of a configuration file of its own; `path` names it in errors and its
    /// directory is where `exclude` globs start.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|error| toml_error(path, text, &error))?;
        let origin = Origin {
            path: path.to_owned(),
            table: None,
        };
        raw.validate(text, origin)
    }

    /// The configuration in `table` of the manifest at `path`, if it has one. A manifest that
    /// is not TOML, or has no such table where one would be, holds none: the walk reports a
    /// broken manifest with its place, as it reports any other, and checks the rest of the
    /// tree. Only a configuration table that is there is validated here.
    fn from_manifest(path: &Path, table: MetadataTable) -> Result<Option<Config>, ConfigError> {
        let text = read(path)?;
        // Most manifests have no configuration, and some are large (the `windows` crate lists
        // thousands of features): a package's is read for each package checked.
        if !text.contains("objlint") {
            return Ok(None);
        }
        let has_table = toml::from_str::<toml::Table>(&text).is_ok_and(|manifest| {
            let outer = match table {
                MetadataTable::Workspace => "workspace",
                MetadataTable::Package => "package",
            };
            manifest
                .get(outer)
                .and_then(|outer| outer.get("metadata"))
                .and_then(|metadata| metadata.get("objlint"))
                .is_some()
        });
        if !has_table {
            return Ok(None);
        }
        let manifest: Manifest =
            toml::from_str(&text).map_err(|error| toml_error(path, &text, &error))?;
        let raw = match table {
            MetadataTable::Workspace => manifest.workspace.and_then(|table| table.metadata),
            MetadataTable::Package => manifest.package.and_then(|table| table.metadata),
        }
        .and_then(|metadata| metadata.objlint);
        let Some(raw) = raw else { return Ok(None) };
        let origin = Origin {
            path: path.to_owned(),
            table: Some(table.name()),
        };
        raw.validate(&text, origin).map(Some)
    }
}

#[derive(Clone, Copy)]
enum MetadataTable {
    Workspace,
    Package,
}

impl MetadataTable {
    fn name(self) -> &'static str {
        match self {
            MetadataTable::Workspace => "workspace.metadata.objlint",
            MetadataTable::Package => "package.metadata.objlint",
        }
    }
}

/// The parts of a `Cargo.toml` that may hold a configuration; everything else is ignored.
#[derive(Deserialize)]
struct Manifest {
    workspace: Option<ManifestSection>,
    package: Option<ManifestSection>,
}

#[derive(Deserialize)]
struct ManifestSection {
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    objlint: Option<RawConfig>,
}

/// Refuses a configuration file found in the checked tree that is a symbolic link leading out
/// of its directory (see `manifest::leads_out_of_its_directory`).
fn refuse_link(path: &Path) -> Result<(), ConfigError> {
    if crate::project::manifest::leads_out_of_its_directory(path) {
        return Err(ConfigError {
            path: path.to_owned(),
            line_column: None,
            message: "not read: a symbolic link to a file outside its directory".to_owned(),
        });
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|error| ConfigError {
        path: path.to_owned(),
        line_column: None,
        message: format!("failed to read this configuration: {error}"),
    })
}
