//! The configuration of a run: the first configuration source found (`objlint.toml`,
//! `.objlint.toml`, `[workspace.metadata.objlint]`, `[package.metadata.objlint]`, or the file
//! given with `--config`), then the command line's `-A`/`-W`/`-D` on top.
//!
//! A configuration file is validated as a whole before anything is checked: an unknown key, a
//! bad level, glob or regex, or a bad `[[api]]` entry is an error naming the file, the line and
//! the key, never silently ignored.

use crate::catalogue::apis::ObjectKind;
/// `[[api]]` entries parse into the catalogue's own declaration.
pub use crate::catalogue::ApiDecl;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::{RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::lints::{self, Level, Lint};

/// The configuration files looked for in each directory from the current one up to the
/// workspace root.
pub const FILE_NAMES: [&str; 2] = ["objlint.toml", ".objlint.toml"];

/// Everything that changes what a run reports, from the configuration file and the command line.
#[derive(Debug, Default, Clone)]
#[allow(clippy::struct_excessive_bools)] // Switches from the file and the command line are bools by nature.
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// A configuration as written, every value with its place in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    /// Values are read as any TOML value so that a top-level key written below `[lints]` (TOML
    /// puts every key after a table header into that table) gets its own message.
    #[serde(default)]
    lints: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    unique_name_patterns: Vec<Spanned<String>>,
    #[serde(default)]
    shared_names: Vec<Spanned<toml::Value>>,
    #[serde(default)]
    require_suppression_reason: bool,
    #[serde(default)]
    api: Vec<Spanned<RawApi>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawApi {
    path: Spanned<String>,
    name_arg: Spanned<i64>,
    kind: Spanned<String>,
    #[serde(default)]
    checks_already_exists: bool,
}

/// Where a raw configuration came from, to place its errors.
struct Place<'a> {
    text: &'a str,
    path: &'a Path,
    /// `package.metadata.objlint.` inside a manifest, empty in a file of its own.
    prefix: String,
}

impl Place<'_> {
    fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        ConfigError {
            path: self.path.to_owned(),
            line_column: Some(line_column(self.text, span.start)),
            message,
        }
    }
}

impl RawConfig {
    fn validate(self, text: &str, origin: Origin) -> Result<Config, ConfigError> {
        let place = Place {
            text,
            path: &origin.path,
            prefix: origin
                .table
                .map_or_else(String::new, |table| format!("{table}.")),
        };
        let levels = levels(&place, self.lints)?;
        let exclude = exclude(&place, &self.exclude)?;
        let unique_name_patterns =
            regexes(&place, "unique-name-patterns", &self.unique_name_patterns)?;
        let shared_names = shared_names(&place, &self.shared_names)?;
        let apis = self
            .api
            .into_iter()
            .map(|entry| api(&place, entry))
            .collect::<Result<_, _>>()?;
        Ok(Config {
            origin: Some(origin),
            levels,
            warnings: None,
            warn_only: false,
            exclude,
            unique_name_patterns,
            shared_names,
            require_suppression_reason: self.require_suppression_reason,
            apis,
            ..Config::default()
        })
    }
}

/// The keys of [`RawConfig`] other than `lints`, as written.
const TOP_LEVEL_KEYS: &[&str] = &[
    "exclude",
    "unique-name-patterns",
    "require-suppression-reason",
    "api",
];

fn levels(
    place: &Place,
    lints: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
) -> Result<HashMap<&'static Lint, Level>, ConfigError> {
    let prefix = &place.prefix;
    let mut levels = HashMap::new();
    for (name, level) in lints {
        if TOP_LEVEL_KEYS.contains(&name.get_ref().as_str()) {
            let table = if prefix.is_empty() {
                "[lints]".to_owned()
            } else {
                format!("[{prefix}lints]")
            };
            return Err(place.error(
                name.span(),
                format!(
                    "`{}` belongs at the top level, above `{table}`: every key after a table's header is in that table",
                    name.get_ref()
                ),
            ));
        }
        let Some(lint) = lints::by_name(name.get_ref()) else {
            return Err(place.error(
                name.span(),
                format!(
                    "`{prefix}lints.{}`: no lint of that name; {}",
                    name.get_ref(),
                    lints::unknown_lint_hint(name.get_ref())
                ),
            ));
        };
        let Some(level) = level.get_ref().as_str().and_then(parse_level) else {
            return Err(place.error(
                level.span(),
                format!(
                    "`{prefix}lints.{}`: unknown level `{}`; expected \"allow\", \"warn\" or \"deny\"",
                    name.get_ref(),
                    level.get_ref()
                ),
            ));
        };
        levels.insert(lint, level);
    }
    Ok(levels)
}

fn exclude(place: &Place, patterns: &[Spanned<String>]) -> Result<Option<Exclude>, ConfigError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let prefix = &place.prefix;
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let written = pattern.get_ref();
        let normalized = written.trim_start_matches("./").trim_end_matches('/');
        let glob = GlobBuilder::new(normalized)
            .literal_separator(true)
            .build()
            .map_err(|error| {
                place.error(
                    pattern.span(),
                    format!("`{prefix}exclude`: bad glob `{written}`: {}", error.kind()),
                )
            })?;
        builder.add(glob);
    }
    let globs = builder.build().map_err(|error| ConfigError {
        path: place.path.to_owned(),
        line_column: None,
        message: format!("`{prefix}exclude`: {error}"),
    })?;
    let base =
        crate::project::discover::lexically_normal(place.path.parent().unwrap_or(Path::new("")))
            .into_owned();
    Ok(Some(Exclude { base, globs }))
}

/// How much compiled program all of `unique-name-patterns` may take together: the `regex`
/// crate's default limit for one pattern. Each pattern alone may compile to that much, so
/// without a shared budget a few hundred short patterns in a pull request took gigabytes.
const PATTERNS_SIZE_LIMIT: usize = 10 << 20;

fn regexes(
    place: &Place,
    key: &str,
    patterns: &[Spanned<String>],
) -> Result<RegexSet, ConfigError> {
    for pattern in patterns {
        // A limit of zero stops at the first compiled state: a syntax error is found by the
        // parser, before anything is compiled, and a pattern that merely compiles to
        // something is not built here (the set below builds all of them once).
        let Err(error @ regex::Error::Syntax(_)) =
            RegexBuilder::new(pattern.get_ref()).size_limit(0).build()
        else {
            continue;
        };
        return Err(place.error(
            pattern.span(),
            format!(
                "`{}{key}`: bad regex `{}`: {}",
                place.prefix,
                pattern.get_ref(),
                regex_reason(&error)
            ),
        ));
    }
    RegexSetBuilder::new(patterns.iter().map(Spanned::get_ref))
        .size_limit(PATTERNS_SIZE_LIMIT)
        .dfa_size_limit(PATTERNS_SIZE_LIMIT)
        .build()
        .map_err(|error| {
            let first = patterns.first().map_or(0..0, Spanned::span);
            let reason = match error {
                regex::Error::CompiledTooBig(_) => format!(
                    "the {} patterns together compile to more than objlint's budget of {} MiB; \
                     use fewer or simpler patterns (a bounded repetition such as `\\w{{100}}` \
                     is compiled as 100 copies)",
                    patterns.len(),
                    PATTERNS_SIZE_LIMIT >> 20
                ),
                other => other.to_string(),
            };
            place.error(first, format!("`{}{key}`: {reason}", place.prefix))
        })
}

/// The last line of the regex crate's message, which spans several lines with a caret diagram.
fn regex_reason(error: &regex::Error) -> String {
    let reason = error.to_string();
    let reason = reason.lines().last().unwrap_or_default().trim();
    reason.trim_start_matches("error:").trim_start().to_owned()
}

/// The `shared-names` entries: a string is an exact name, `{ regex = "…" }` a regex the whole
/// name must match (it is anchored, so `MumbleLink` does not cover `MumbleLinkX`); the regexes
/// are compiled together, under the budget `unique-name-patterns` have.
fn shared_names(
    place: &Place,
    entries: &[Spanned<toml::Value>],
) -> Result<SharedNames, ConfigError> {
    let key = format!("{}shared-names", place.prefix);
    let mut names = SharedNames::default();
    let mut patterns = Vec::new();
    for entry in entries {
        match entry.get_ref() {
            toml::Value::String(name) => names.exact.push(name.clone()),
            toml::Value::Table(table) => match (table.get("regex"), table.len()) {
                (Some(toml::Value::String(pattern)), 1) => patterns.push(Spanned::new(
                    entry.span(),
                    format!("^(?:{pattern})$"),
                )),
                _ => {
                    return Err(place.error(
                        entry.span(),
                        format!("`{key}`: a table entry is `{{ regex = \"…\" }}` and nothing else"),
                    ))
                }
            },
            other => {
                return Err(place.error(
                    entry.span(),
                    format!(
                        "`{key}`: expected a name (\"MumbleLink\") or `{{ regex = \"…\" }}`, found a {}",
                        other.type_str()
                    ),
                ))
            }
        }
    }
    if !patterns.is_empty() {
        names.patterns = Some(regexes(place, "shared-names", &patterns)?);
    }
    Ok(names)
}

fn api(place: &Place, entry: Spanned<RawApi>) -> Result<ApiDecl, ConfigError> {
    let prefix = &place.prefix;
    let line = line_column(place.text, entry.span().start).0;
    let entry = entry.into_inner();
    let api_path = entry.path.get_ref();
    if syn::parse_str::<syn::Path>(api_path).is_err() {
        return Err(place.error(
            entry.path.span(),
            format!(
                "`{prefix}api.path`: `{api_path}` is not a Rust path such as `shm::create_shared`"
            ),
        ));
    }
    let Ok(name_arg) = usize::try_from(*entry.name_arg.get_ref()) else {
        return Err(place.error(
            entry.name_arg.span(),
            format!(
                "`{prefix}api.name-arg`: {} is not an argument index (0 is the first argument)",
                entry.name_arg.get_ref()
            ),
        ));
    };
    let written_kind = entry.kind.get_ref();
    let Some(kind) = ObjectKind::from_config_name(written_kind) else {
        let expected: Vec<String> = ObjectKind::ALL
            .iter()
            .map(|kind| format!("\"{}\"", kind.config_name()))
            .collect();
        return Err(place.error(
            entry.kind.span(),
            format!(
                "`{prefix}api.kind`: unknown kind `{written_kind}`; expected one of {}",
                expected.join(", ")
            ),
        ));
    };
    Ok(ApiDecl {
        path: api_path.clone(),
        name_arg,
        kind,
        checks_already_exists: entry.checks_already_exists,
        line,
    })
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

/// A TOML or shape error (an unknown key, a value of the wrong type) as a one-line message with
/// its place, naming the key when the message does not.
fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
    let mut message = error.message().trim().replace('\n', "; ");
    if let Some(span) = error.span() {
        let key = key_at(text, span.start);
        if !key.is_empty() && !message.contains(&format!("`{key}`")) {
            message = format!("`{key}`: {message}");
        }
    }
    ConfigError {
        path: path.to_owned(),
        line_column: error.span().map(|span| line_column(text, span.start)),
        message,
    }
}

/// The key written at the start of the line holding `offset`, if the line is `key = …`.
fn key_at(text: &str, offset: usize) -> String {
    let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
    let line = &text[line_start..];
    let line = line.lines().next().unwrap_or_default();
    match line.split_once('=') {
        Some((key, _)) if !key.trim_start().starts_with('[') => key.trim().to_owned(),
        _ => String::new(),
    }
}

/// 1-based line and character column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    (line, before[line_start..].chars().count() + 1)
}
