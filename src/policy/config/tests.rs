//! The configuration on its own: text in, levels, names and errors out. How a run finds and
//! applies it end to end is tested in `tests/config.rs`.

use std::path::Path;

use super::{Config, ConfigError};
use crate::lints::{self, Level};

fn parsed(text: &str) -> Config {
    Config::parse(text, Path::new("/w/objlint.toml"))
        .unwrap_or_else(|error| panic!("{error}\nin:\n{text}"))
}

/// The error for `text`, as `line:column: message`.
fn error(text: &str) -> String {
    let error: ConfigError =
        Config::parse(text, Path::new("/w/objlint.toml")).expect_err("an invalid configuration");
    let (line, column) = error.line_column.expect("an error with a place");
    format!("{line}:{column}: {}", error.message)
}

#[test]
fn lints_not_configured_keep_their_default_level() {
    let config = parsed("[lints]\nnon_unique_object_name = \"warn\"\n");
    assert_eq!(
        config.lint_level(&lints::NON_UNIQUE_OBJECT_NAME),
        Level::Warn
    );
    assert_eq!(
        config.lint_level(&lints::UNCHECKED_ALREADY_EXISTS),
        lints::UNCHECKED_ALREADY_EXISTS.default_level
    );
}

#[test]
fn a_lint_is_configured_with_or_without_its_tool_prefix() {
    let config = parsed("[lints]\n\"objlint::unused_suppression\" = \"deny\"\n");
    assert_eq!(config.lint_level(&lints::UNUSED_SUPPRESSION), Level::Deny);
}

#[test]
fn warnings_flags_change_warnings_and_warn_only_lowers_denials() {
    let mut config =
        parsed("[lints]\nunused_suppression = \"warn\"\ninvalid_object_name = \"allow\"\n");
    let warned = &lints::UNUSED_SUPPRESSION;
    let denied = &lints::NON_UNIQUE_OBJECT_NAME;
    let allowed = &lints::INVALID_OBJECT_NAME;
    assert_eq!(denied.default_level, Level::Deny);

    config.warnings = Some(Level::Deny);
    assert_eq!(config.finding_level(warned), Level::Deny);
    assert_eq!(config.finding_level(allowed), Level::Allow);

    config.warnings = Some(Level::Allow);
    assert_eq!(config.finding_level(warned), Level::Allow);
    assert_eq!(config.finding_level(denied), Level::Deny);

    config.warnings = None;
    config.warn_only = true;
    assert_eq!(config.finding_level(denied), Level::Warn);
    assert_eq!(config.finding_level(warned), Level::Warn);
    assert_eq!(config.finding_level(allowed), Level::Allow);
}

#[test]
fn command_line_levels_are_recorded_in_order_and_unknown_lints_refused() {
    let mut config = Config::default();
    config
        .set_level_from_command_line("objlint::non_unique_object_name", Level::Warn)
        .expect("a lint");
    config
        .set_level_from_command_line("warnings", Level::Deny)
        .expect("`warnings`");
    assert_eq!(
        config.lint_level(&lints::NON_UNIQUE_OBJECT_NAME),
        Level::Warn
    );
    assert_eq!(config.warnings, Some(Level::Deny));
    assert_eq!(
        config.level_flags,
        [
            (Level::Warn, "objlint::non_unique_object_name".to_owned()),
            (Level::Deny, "warnings".to_owned()),
        ]
    );

    let refused = config
        .set_level_from_command_line("non_unique_object_nam", Level::Allow)
        .expect_err("no such lint");
    assert!(
        refused.starts_with(
            "unknown lint `non_unique_object_nam`; did you mean `objlint::non_unique_object_name`?"
        ),
        "{refused}"
    );
    assert_eq!(
        config.level_flags.len(),
        2,
        "a refused flag is not recorded"
    );
}

#[test]
fn bad_levels_and_lints_are_errors_at_their_place() {
    assert_eq!(
        error("[lints]\nnon_unique_object_name = \"forbid\"\n"),
        "2:26: `lints.non_unique_object_name`: unknown level `\"forbid\"`; \
         expected \"allow\", \"warn\" or \"deny\""
    );
    let unknown = error("\n[lints]\nno_such_lint = \"allow\"\n");
    assert!(
        unknown.starts_with("3:1: `lints.no_such_lint`: no lint of that name; "),
        "{unknown}"
    );
}

#[test]
fn a_top_level_key_written_below_lints_says_where_it_belongs() {
    let misplaced = error("[lints]\nnon_unique_object_name = \"warn\"\nexclude = [\"gen\"]\n");
    assert!(
        misplaced.starts_with("3:1: `exclude` belongs at the top level, above `[lints]`"),
        "{misplaced}"
    );
}

#[test]
fn shape_errors_name_the_key_they_are_on() {
    let unknown = error("require-suppression-reason = true\nexlude = [\"gen\"]\n");
    assert!(unknown.starts_with("2:1: "), "{unknown}");
    assert!(unknown.contains("exlude"), "{unknown}");
    let wrong_type = error("exclude = 3\n");
    assert!(wrong_type.starts_with("1:11: `exclude`: "), "{wrong_type}");
}

#[test]
fn unique_name_patterns_match_the_name_with_or_without_its_namespace() {
    let config = parsed("unique-name-patterns = [\"^MyApp-[0-9a-f]+$\"]\n");
    for accepted in [
        "MyApp-1f",
        "Global\\MyApp-1f",
        "Local\\MyApp-00",
        "Session\\2\\MyApp-a",
    ] {
        assert!(config.accepts_as_unique(accepted), "{accepted}");
    }
    for refused in [
        "MyApp-",
        "Global\\Other",
        "Other\\MyApp-1f",
        "MyApp-1f-suffix",
    ] {
        assert!(!config.accepts_as_unique(refused), "{refused}");
    }
}

#[test]
fn a_bad_unique_name_pattern_is_an_error_at_the_pattern() {
    let bad = error("unique-name-patterns = [\"ok\", \"(unclosed\"]\n");
    assert!(
        bad.starts_with("1:31: `unique-name-patterns`: bad regex `(unclosed`: "),
        "{bad}"
    );
}

#[test]
fn shared_names_are_exact_names_or_whole_name_regexes() {
    let config = parsed("shared-names = [\"MumbleLink\", { regex = \"Vendor[0-9]+\" }]\n");
    for shared in ["MumbleLink", "Vendor1", "Vendor42"] {
        assert!(config.is_shared_name(shared), "{shared}");
    }
    for other in [
        "MumbleLinkX",
        "mumblelink",
        "Vendor",
        "Vendor1X",
        "XVendor1",
    ] {
        assert!(!config.is_shared_name(other), "{other}");
    }
}

#[test]
fn a_shared_names_entry_is_a_string_or_a_regex_table_only() {
    let table = error("shared-names = [{ regex = \"A\", exact = true }]\n");
    assert!(
        table.starts_with("1:17: `shared-names`: a table entry is `{ regex = \"…\" }`"),
        "{table}"
    );
    let number = error("shared-names = [\"A\", 3]\n");
    assert!(
        number.starts_with("1:22: `shared-names`: expected a name")
            && number.ends_with("found a integer"),
        "{number}"
    );
}

#[test]
fn exclude_globs_match_paths_below_the_configuration_as_written() {
    let config = parsed("exclude = [\"./gen/\", \"src/*.generated.rs\"]\n");
    for excluded in [
        "/w/gen",
        "/w/gen/a.rs",
        "/w/gen/deep/b.rs",
        "/w/src/x.generated.rs",
        "/w/src/../gen/a.rs",
    ] {
        assert!(config.is_excluded(Path::new(excluded)), "{excluded}");
    }
    for kept in [
        "/w/src/lib.rs",
        "/w/src/sub/x.generated.rs",
        "/w/other/gen/a.rs",
        "/elsewhere/gen/a.rs",
    ] {
        assert!(!config.is_excluded(Path::new(kept)), "{kept}");
    }
    assert!(!Config::default().is_excluded(Path::new("/w/gen/a.rs")));
}

#[test]
fn a_bad_exclude_glob_is_an_error_at_the_glob() {
    let bad = error("exclude = [\"src/[\"]\n");
    assert!(
        bad.starts_with("1:12: `exclude`: bad glob `src/[`: "),
        "{bad}"
    );
}

#[test]
fn api_tables_are_declarations_with_their_line() {
    let config = parsed(
        "[[api]]\npath = \"shm::create\"\nname-arg = 1\nkind = \"file-mapping\"\n\n\
         [[api]]\npath = \"sync::named_mutex\"\nname-arg = 0\nkind = \"mutex\"\n\
         checks-already-exists = true\n",
    );
    let declared: Vec<(&str, usize, bool, usize)> = config
        .apis
        .iter()
        .map(|api| {
            (
                api.path.as_str(),
                api.name_arg,
                api.checks_already_exists,
                api.line,
            )
        })
        .collect();
    assert_eq!(
        declared,
        [
            ("shm::create", 1, false, 1),
            ("sync::named_mutex", 0, true, 6)
        ]
    );
}

#[test]
fn bad_api_tables_are_errors_at_the_bad_value() {
    let api = |fields: &str| error(&format!("[[api]]\n{fields}\n"));
    let path = api("path = \"not a path\"\nname-arg = 0\nkind = \"mutex\"");
    assert!(
        path.starts_with("2:8: `api.path`: `not a path` is not a Rust path"),
        "{path}"
    );
    let index = api("path = \"a::b\"\nname-arg = -1\nkind = \"mutex\"");
    assert!(
        index.starts_with("3:12: `api.name-arg`: -1 is not an argument index"),
        "{index}"
    );
    let kind = api("path = \"a::b\"\nname-arg = 0\nkind = \"spinlock\"");
    assert!(
        kind.starts_with(
            "4:8: `api.kind`: unknown kind `spinlock`; expected one of \"file-mapping\""
        ),
        "{kind}"
    );
}

#[test]
fn a_configuration_file_names_its_origin() {
    let config = parsed("require-suppression-reason = true\n");
    assert!(config.require_suppression_reason);
    let origin = config.origin.expect("read from a file");
    assert_eq!(origin.to_string(), "/w/objlint.toml");
}

#[test]
fn a_manifest_table_is_found_and_named_in_errors() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"app\"\n\n[package.metadata.objlint.lints]\nnon_unique_object_name = \"warn\"\n",
    )
    .expect("writable");
    let config = Config::discover(root, root).expect("a valid table");
    assert_eq!(
        config.lint_level(&lints::NON_UNIQUE_OBJECT_NAME),
        Level::Warn
    );
    let origin = config.origin.expect("found in the manifest");
    assert_eq!(origin.table, Some("package.metadata.objlint"));

    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"app\"\n\n[package.metadata.objlint.lints]\nnon_unique_object_name = \"loud\"\n",
    )
    .expect("writable");
    let bad = Config::discover(root, root).expect_err("a bad level");
    assert_eq!(bad.line_column, Some((5, 26)));
    assert!(
        bad.message
            .starts_with("`package.metadata.objlint.lints.non_unique_object_name`: unknown level"),
        "{}",
        bad.message
    );
}

#[test]
fn no_configuration_gives_the_defaults() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"app\"\n").expect("writable");
    let config = Config::discover(dir.path(), dir.path()).expect("nothing to refuse");
    assert!(config.origin.is_none());
    assert!(config.levels.is_empty());
}
