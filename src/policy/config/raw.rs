//! A configuration as written ([`RawConfig`], every value with its place) and its validation
//! into a [`Config`]: each bad key, level, glob, regex or `[[api]]` entry an error with its
//! line.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::Path;

use globset::{GlobBuilder, GlobSetBuilder};
use regex::{RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::catalogue::apis::ObjectKind;
use crate::lints::{self, Level, Lint};
use crate::policy::config::{
    parse_level, ApiDecl, Config, ConfigError, Exclude, Origin, SharedNames,
};

/// A configuration as written, every value with its place in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawConfig {
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
    test_code_level: Option<Spanned<toml::Value>>,
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
    pub(super) fn validate(self, text: &str, origin: Origin) -> Result<Config, ConfigError> {
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
        let test_code_level = self
            .test_code_level
            .map(|level| test_code_level(&place, &level))
            .transpose()?;
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
            test_code_level,
            apis,
            ..Config::default()
        })
    }
}

/// The keys of [`RawConfig`] other than `lints`, as written.
const TOP_LEVEL_KEYS: &[&str] = &[
    "exclude",
    "unique-name-patterns",
    "shared-names",
    "require-suppression-reason",
    "test-code-level",
    "api",
];

/// The level `test-code-level` sets, as written.
fn test_code_level(place: &Place, level: &Spanned<toml::Value>) -> Result<Level, ConfigError> {
    level
        .get_ref()
        .as_str()
        .and_then(parse_level)
        .ok_or_else(|| {
            place.error(
                level.span(),
                format!(
                "`{}test-code-level`: unknown level `{}`; expected \"allow\", \"warn\" or \"deny\"",
                place.prefix,
                level.get_ref()
            ),
            )
        })
}

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

/// A TOML or shape error (an unknown key, a value of the wrong type) as a one-line message with
/// its place, naming the key when the message does not.
pub(super) fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
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
