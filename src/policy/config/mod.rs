//! The configuration of a run: the first configuration source found (`objlint.toml`,
//! `.objlint.toml`, `[workspace.metadata.objlint]`, `[package.metadata.objlint]`, or the file
//! given with `--config`), then the command line's `-A`/`-W`/`-D` on top.
//!
//! A configuration file is validated as a whole before anything is checked: an unknown key, a
//! bad level, glob or regex, or a bad `[[api]]` entry is an error naming the file, the line and
//! the key, never silently ignored.
//!
//! This file holds the configuration as data and what it answers; `find.rs` finds and reads
//! it, `raw.rs` validates what is written.

mod find;
mod raw;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::GlobSet;
use regex::RegexSet;

/// `[[api]]` entries parse into the catalogue's own declaration.
pub use crate::catalogue::ApiDecl;
use crate::lints::{self, Level, Lint};

/// The configuration files looked for in each directory from the current one up to the
/// workspace root.
pub const FILE_NAMES: [&str; 2] = ["objlint.toml", ".objlint.toml"];

/// Everything that changes what a run reports, from the configuration file and the command line.
#[derive(Debug, Default, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "switches from the file and the command line are bools by nature"
)]
pub struct Config {
    /// Where the file part came from; `None` when no configuration was found.
    pub origin: Option<Origin>,
    /// Levels set for single lints; the command line's are applied after the file's.
    pub levels: HashMap<&'static Lint, Level>,
    /// `-D warnings` (every warning becomes an error) or `-A warnings` (warnings are dropped).
    pub warnings: Option<Level>,
    /// `--warn-only`: every finding is reported as a warning.
    pub warn_only: bool,
    /// Files not to check.
    pub exclude: Option<Exclude>,
    /// Names matching one of these are accepted as unique: `non_unique_object_name` does not
    /// report them.
    pub unique_name_patterns: RegexSet,
    /// Names the team's programs share with another program that defines them (`shared-names`):
    /// creating them is no `non_unique_object_name`, `unchecked_already_exists` or
    /// `shared_object_unchecked` finding.
    pub shared_names: SharedNames,
    /// Whether a suppression needs a reason (`-- reason`, `reason = "…"`) to take effect.
    pub require_suppression_reason: bool,
    /// `test-code-level`: the highest level of a finding in test-only code (`None`: warn).
    pub test_code_level: Option<Level>,
    /// Extra APIs that create named objects, from the `[[api]]` tables.
    pub apis: Vec<ApiDecl>,
    /// `--no-ignore`: the walk reads no ignore files (`.gitignore`, `.ignore`, git's excludes).
    pub no_ignore: bool,
    /// Whether each checked package gets the configuration found for its workspace (see
    /// [`Config::for_package`]); off with `--config`, which applies everywhere.
    pub per_package: bool,
    /// The command line's `-A`/`-W`/`-D` flags, in order, applied again on top of any
    /// configuration found for a package.
    pub level_flags: Vec<(Level, String)>,
}

/// The `shared-names` entries: names as written in the code, and regexes the whole name
/// matches, compiled together under one budget as `unique-name-patterns` are.
#[derive(Debug, Clone, Default)]
pub struct SharedNames {
    exact: Vec<String>,
    patterns: Option<RegexSet>,
}

impl SharedNames {
    /// Whether `name`, as the code writes it (namespace prefix included), is one of them.
    pub fn matches(&self, name: &str) -> bool {
        self.exact.iter().any(|exact| exact == name)
            || self
                .patterns
                .as_ref()
                .is_some_and(|patterns| patterns.is_match(name))
    }
}

/// Where a configuration was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    pub path: PathBuf,
    /// The table inside a `Cargo.toml` (`workspace.metadata.objlint`), or `None` for a
    /// configuration file of its own.
    pub table: Option<&'static str>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.table {
            Some(table) => write!(f, "{} [{table}]", self.path.display()),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// A configuration that could not be used, with the place in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a place.
    pub line_column: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line_column {
            Some((line, column)) => write!(
                f,
                "{}:{line}:{column}: {}",
                self.path.display(),
                self.message
            ),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The globs of `exclude`, matched against paths relative to the configuration's directory.
#[derive(Debug, Clone)]
pub struct Exclude {
    base: PathBuf,
    globs: GlobSet,
}

impl Exclude {
    /// Whether `path` (absolute) or one of its directories below the base matches a glob. The
    /// path is read as written (`src/../src/gen.rs` is `src/gen.rs`), as the base was.
    pub fn matches(&self, path: &Path) -> bool {
        let path = crate::project::discover::lexically_normal(path);
        let Ok(relative) = path.strip_prefix(&self.base) else {
            return false;
        };
        relative
            .ancestors()
            .filter(|prefix| !prefix.as_os_str().is_empty())
            .any(|prefix| self.globs.is_match(prefix))
    }
}

impl Config {
    /// The level of `lint`'s findings before `-D warnings` and `--warn-only`: the configured
    /// one, else the default.
    pub fn lint_level(&self, lint: &Lint) -> Level {
        self.levels.get(lint).copied().unwrap_or(lint.default_level)
    }

    /// The level a finding of `lint` is reported at, after `-D warnings` and `--warn-only`.
    pub fn finding_level(&self, lint: &Lint) -> Level {
        let mut level = self.lint_level(lint);
        if level == Level::Warn {
            level = self.warnings.unwrap_or(Level::Warn);
        }
        if self.warn_only && level == Level::Deny {
            level = Level::Warn;
        }
        level
    }

    /// The highest level a finding in test-only code is reported at (`test-code-level`, warn
    /// by default): test code never ships, and `cargo clippy` without `--all-targets` does not
    /// lint it at all. Applied after every other level rule, so it only ever lowers a level.
    pub fn test_code_level(&self) -> Level {
        self.test_code_level.unwrap_or(Level::Warn)
    }

    /// Whether `path` (absolute) is excluded from checking.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|exclude| exclude.matches(path))
    }

    /// Whether the team accepts `name` as unique: a pattern matches the whole name or the name
    /// after its namespace prefix (`Global\`, `Local\`, `Session\<n>\`).
    pub fn accepts_as_unique(&self, name: &str) -> bool {
        let (_, unprefixed) = crate::names::unique::split_namespace(name);
        self.unique_name_patterns.is_match(name) || self.unique_name_patterns.is_match(unprefixed)
    }

    /// Whether the team declared `name` as one another program defines (`shared-names`).
    pub fn is_shared_name(&self, name: &str) -> bool {
        self.shared_names.matches(name)
    }

    /// Applies a command-line level flag (`-A`, `-W`, `-D`) for `name`: a lint name with or
    /// without `objlint::`, or `warnings`.
    pub fn set_level_from_command_line(&mut self, name: &str, level: Level) -> Result<(), String> {
        if name == "warnings" {
            self.warnings = Some(level);
            self.level_flags.push((level, name.to_owned()));
            return Ok(());
        }
        let lint = lints::by_name(name)
            .ok_or_else(|| format!("unknown lint `{name}`; {}", lints::unknown_lint_hint(name)))?;
        self.levels.insert(lint, level);
        self.level_flags.push((level, name.to_owned()));
        Ok(())
    }
}

/// Parses a level as written in a configuration file.
pub fn parse_level(text: &str) -> Option<Level> {
    match text {
        "allow" => Some(Level::Allow),
        "warn" => Some(Level::Warn),
        "deny" => Some(Level::Deny),
        _ => None,
    }
}
