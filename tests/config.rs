//! Configuration: where it is found and which source wins, what each key does, the command
//! line's levels over it, and the errors a bad file gives (file, line and key; exit 2).

use std::path::Path;

use objlint::catalogue::apis::ObjectKind;
use objlint::policy::config::{ApiDecl, Config};

use crate::cli::{manifest, mapping_named, name_finding, objlint, Tree, CLASH_MAIN};

/// The level `--list` shows for `non_unique_object_name` when run in `dir`.
#[track_caller]
fn listed_level(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["--list"];
    all.extend_from_slice(args);
    let run = objlint(dir, &all);
    run.assert_code(0);
    let line = run
        .stdout
        .lines()
        .find(|line| line.starts_with("objlint::non_unique_object_name "))
        .unwrap_or_else(|| panic!("--list lacks the lint\n{run}"));
    line.split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

fn levels(level: &str) -> String {
    format!("[lints]\nnon_unique_object_name = \"{level}\"\n")
}

fn metadata(table: &str, level: &str) -> String {
    format!("\n[{table}.metadata.objlint.lints]\nnon_unique_object_name = \"{level}\"\n")
}

/// A workspace with one member, `member/`, where the runs start.
fn member_workspace(root_manifest_extra: &str, member_manifest_extra: &str) -> Tree {
    Tree::new()
        .file(
            "Cargo.toml",
            format!("[workspace]\nmembers = [\"member\"]\n{root_manifest_extra}"),
        )
        .file(
            "member/Cargo.toml",
            format!("{}{member_manifest_extra}", manifest("member")),
        )
        .file("member/src/lib.rs", CLASH_MAIN)
}

#[test]
fn the_first_source_found_wins() {
    // Each case: the winning source says "allow", the one it beats says "warn".
    let cases: Vec<(&str, Tree)> = vec![
        (
            "[package.metadata.objlint] alone",
            member_workspace("", &metadata("package", "allow")),
        ),
        (
            "[workspace.metadata.objlint] over [package.metadata.objlint]",
            member_workspace(
                &metadata("workspace", "allow"),
                &metadata("package", "warn"),
            ),
        ),
        (
            ".objlint.toml at the root over [workspace.metadata.objlint]",
            member_workspace(&metadata("workspace", "warn"), "")
                .file(".objlint.toml", levels("allow")),
        ),
        (
            "objlint.toml in the current directory over one at the root",
            member_workspace("", "")
                .file("objlint.toml", levels("warn"))
                .file("member/objlint.toml", levels("allow")),
        ),
    ];
    for (case, tree) in cases {
        assert_eq!(
            listed_level(&tree.path("member"), &[]),
            "allow",
            "case: {case}"
        );
    }
}

#[test]
fn a_config_above_the_workspace_root_is_not_read() {
    let tree = Tree::new()
        .file("objlint.toml", levels("allow"))
        .file("project/Cargo.toml", manifest("project"))
        .file("project/src/main.rs", CLASH_MAIN);
    assert_eq!(listed_level(&tree.path("project"), &[]), "deny");
}

#[test]
fn config_flag_overrides_every_file() {
    let tree = member_workspace(&metadata("workspace", "warn"), "")
        .file("member/objlint.toml", levels("warn"))
        .file("ci/objlint-strict.toml", levels("allow"));
    assert_eq!(
        listed_level(
            &tree.path("member"),
            &["--config", "../ci/objlint-strict.toml"]
        ),
        "allow"
    );
}

#[test]
fn both_file_names_in_one_directory_is_an_error() {
    let tree = Tree::package("both")
        .file("src/main.rs", CLASH_MAIN)
        .file("objlint.toml", levels("warn"))
        .file(".objlint.toml", levels("allow"));
    objlint(&tree.root, &[])
        .assert_code(2)
        .assert_stderr_has("both objlint.toml and .objlint.toml");
}

#[test]
fn configured_levels_decide_findings_and_exit_status() {
    let tree = Tree::package("levels")
        .file("src/main.rs", CLASH_MAIN)
        .file(
            "objlint.toml",
            "[lints]\nnon_unique_object_name = \"warn\"\n\"objlint::unchecked_already_exists\" = \"allow\"\n",
        );
    objlint(&tree.root, &[])
        .assert_code(0)
        .assert_stderr_has("warning[objlint::non_unique_object_name]")
        .assert_stderr_lacks("unchecked_already_exists")
        .assert_stderr_has("objlint: 0 errors, 1 warning in 1 file checked");
}

#[test]
fn command_line_levels_override_the_file_and_the_last_flag_wins() {
    let tree = Tree::package("flags")
        .file("src/main.rs", CLASH_MAIN)
        .file("objlint.toml", levels("allow"));
    // (flags, level --list shows)
    let cases: &[(&[&str], &str)] = &[
        (&[], "allow"),
        (&["-D", "objlint::non_unique_object_name"], "deny"),
        (&["-W", "non_unique_object_name"], "warn"),
        (&["--deny", "non_unique_object_name"], "deny"),
        (
            &[
                "-D",
                "objlint::non_unique_object_name",
                "-A",
                "objlint::non_unique_object_name",
            ],
            "allow",
        ),
        (
            &[
                "-A",
                "objlint::non_unique_object_name",
                "-W",
                "objlint::non_unique_object_name",
            ],
            "warn",
        ),
    ];
    for (flags, expected) in cases {
        assert_eq!(
            listed_level(&tree.root, flags),
            *expected,
            "flags: {flags:?}"
        );
    }
    objlint(&tree.root, &["-W", "objlint::non_unique_object_name"])
        .assert_code(1)
        .assert_stderr_has("warning[objlint::non_unique_object_name]")
        .assert_stderr_has("error[objlint::unchecked_already_exists]");
}

#[test]
fn deny_warnings_makes_every_warning_an_error() {
    let tree = Tree::package("warnings").file("src/main.rs", CLASH_MAIN);
    let all_warn = [
        "-W",
        "objlint::non_unique_object_name",
        "-W",
        "objlint::unchecked_already_exists",
    ];
    objlint(&tree.root, &all_warn)
        .assert_code(0)
        .assert_stderr_lacks("error[");
    let mut with_deny = all_warn.to_vec();
    with_deny.extend(["-D", "warnings"]);
    objlint(&tree.root, &with_deny)
        .assert_code(1)
        .assert_stderr_has("error[objlint::non_unique_object_name]")
        .assert_stderr_has("error[objlint::unchecked_already_exists]");
}

#[test]
fn unknown_lint_on_the_command_line_is_an_error() {
    let tree = Tree::package("unknown").file("src/main.rs", CLASH_MAIN);
    objlint(&tree.root, &["-D", "objlint::no_such_lint"])
        .assert_code(2)
        .assert_stderr_has("-D objlint::no_such_lint")
        .assert_stderr_has("unknown lint");
}

#[test]
fn a_misspelt_lint_name_gets_the_closest_lint_suggested_everywhere() {
    let tree = Tree::package("typo").file("src/main.rs", CLASH_MAIN);
    let suggestion = "did you mean `objlint::unchecked_already_exists`?";
    objlint(&tree.root, &["-A", "objlint::uncheked_already_exist"])
        .assert_code(2)
        .assert_stderr_has(suggestion);
    objlint(&tree.root, &["--explain", "uncheked_already_exists"])
        .assert_code(2)
        .assert_stderr_has(suggestion);
    let configured = Tree::package("typo").file("src/main.rs", CLASH_MAIN).file(
        "objlint.toml",
        "[lints]
unchecked_already_exist = \"warn\"\n",
    );
    objlint(&configured.root, &[])
        .assert_code(2)
        .assert_stderr_has(suggestion);
    let suppressed = Tree::package("typo").file(
        "src/main.rs",
        CLASH_MAIN.replacen(
            "fn main() {",
            "fn main() {\n    // objlint: allow(unchecked_already_exist) -- checked by the caller",
            1,
        ),
    );
    objlint(&suppressed.root, &[])
        .assert_code(1)
        .assert_stderr_has(suggestion);
    // A name close to no lint is not guessed at.
    objlint(&tree.root, &["-A", "objlint::frobnicate"])
        .assert_code(2)
        .assert_stderr_has("`cargo objlint --list` shows them all")
        .assert_stderr_lacks("did you mean");
}

#[test]
fn a_top_level_key_below_lints_says_where_it_belongs() {
    let tree = Tree::package("misplaced")
        .file("src/main.rs", CLASH_MAIN)
        .file(
            "objlint.toml",
            "[lints]\nunchecked_already_exists = \"warn\"\n\nexclude = [\"vendor\"]\n",
        );
    objlint(&tree.root, &[])
        .assert_code(2)
        .assert_stderr_has("objlint.toml:4:1: `exclude` belongs at the top level, above `[lints]`");
    let manifest = Tree::new()
        .file(
            "Cargo.toml",
            format!(
                "{}\n[package.metadata.objlint.lints]\nrequire-suppression-reason = true\n",
                manifest("misplaced")
            ),
        )
        .file("src/main.rs", CLASH_MAIN);
    objlint(&manifest.root, &[]).assert_code(2).assert_stderr_has(
        "`require-suppression-reason` belongs at the top level, above `[package.metadata.objlint.lints]`",
    );
}

/// A package whose only findings are in test code: a `#[cfg(test)]` module of the library
/// and an integration test, one name each.
fn test_code_package(config: &str) -> Tree {
    let unit_test = format!(
        "#[cfg(test)]\nmod tests {{\n{}}}\n",
        mapping_named("UnitTestMapping")
    );
    Tree::new()
        .file("Cargo.toml", format!("{}{config}", manifest("tested")))
        .file("src/lib.rs", unit_test)
        .file("tests/it.rs", mapping_named("IntegrationMapping"))
}

#[test]
fn test_code_level_caps_findings_in_test_code() {
    let tree = test_code_package("");
    // By default a finding in test code is a warning, whatever the command line raises.
    for flags in [
        &[][..],
        &["-D", "warnings"],
        &["-D", "non_unique_object_name"],
    ] {
        objlint(&tree.root, flags)
            .assert_code(0)
            .assert_stderr_has(&format!(
                "warning[objlint::non_unique_object_name]: {}",
                name_finding("UnitTestMapping")
            ))
            .assert_stderr_has(&name_finding("IntegrationMapping"))
            .assert_stderr_has(
                "this is test code: its findings are at most `warn` (`test-code-level`)",
            )
            .assert_stderr_lacks("error[")
            .assert_stderr_has("objlint: 0 errors, 4 warnings in 2 files checked");
    }
    let json = objlint(&tree.root, &["--format", "json"]);
    let findings = json.json_findings("objlint::non_unique_object_name");
    assert_eq!(findings.len(), 2, "{json}");
    for finding in findings {
        assert_eq!(finding["message"]["level"], "warning", "{json}");
    }
    let sarif = objlint(&tree.root, &["--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 4, "{sarif}");
    assert!(
        results.iter().all(|result| result["level"] == "warning"),
        "{sarif}"
    );
    // "deny" keeps each lint's own level; "allow" drops the findings; -A still applies.
    let deny = test_code_package("\n[package.metadata.objlint]\ntest-code-level = \"deny\"\n");
    objlint(&deny.root, &[])
        .assert_code(1)
        .assert_stderr_has("objlint: 4 errors, 0 warnings in 2 files checked")
        .assert_stderr_lacks("this is test code");
    objlint(&deny.root, &["-A", "non_unique_object_name"])
        .assert_code(1)
        .assert_stderr_lacks("non_unique_object_name]")
        .assert_stderr_has("objlint: 2 errors, 0 warnings");
    let allow = test_code_package("").file("objlint.toml", "test-code-level = \"allow\"\n");
    objlint(&allow.root, &["-D", "warnings"])
        .assert_code(0)
        .assert_stderr_lacks("[objlint::");
}

#[test]
fn warn_only_and_exit_zero_are_trial_runs_that_still_fail_on_errors() {
    let tree = Tree::package("trial").file("src/main.rs", CLASH_MAIN);
    objlint(&tree.root, &["--warn-only"])
        .assert_code(0)
        .assert_stderr_has("warning[objlint::non_unique_object_name]")
        .assert_stderr_lacks("error[");
    objlint(&tree.root, &["--exit-zero"])
        .assert_code(0)
        .assert_stderr_has("error[objlint::non_unique_object_name]");
    let broken = Tree::package("trial").file("src/main.rs", "fn main( { CreateEventW\n");
    objlint(&broken.root, &["--exit-zero"]).assert_code(2);
    objlint(&broken.root, &["--warn-only"]).assert_code(2);
}

#[test]
fn bad_configurations_name_the_file_line_and_key() {
    // (file contents, the line the error names, text the message must hold)
    let cases: &[(&str, usize, &str)] = &[
        ("exclude = []\nexclud = [\"x\"]\n", 2, "exclud"),
        ("[lints]\nnon_unique_object_name = \"warning\"\n", 2, "warning"),
        ("[lints]\nno_such_lint = \"warn\"\n", 2, "no_such_lint"),
        ("\nunique-name-patterns = [\"ok\", \"(unclosed\"]\n", 2, "unique-name-patterns"),
        ("exclude = [\"src/[a\"]\n", 1, "exclude"),
        ("require-suppression-reason = \"yes\"\n", 1, "require-suppression-reason"),
        (
            "[[api]]\npath = \"shm::create\"\nname-arg = 0\nkind = \"file-mapping\"\n\n[[api]]\npath = \"shm::open\"\nname-arg = 1\nkind = \"mutant\"\n",
            9,
            "kind",
        ),
        ("[[api]]\npath = \"shm::create\"\nname-arg = -1\nkind = \"mutex\"\n", 3, "name-arg"),
        ("[[api]]\npath = \"not a path\"\nname-arg = 0\nkind = \"mutex\"\n", 2, "path"),
        ("[[api]]\npath = \"shm::create\"\nname-arg = 0\nkind = \"mutex\"\nflavour = 1\n", 5, "flavour"),
        ("[[api]]\npath = \"shm::create\"\nkind = \"mutex\"\n", 1, "name-arg"),
        ("[lints\n", 1, ""),
        ("shared-names = [\"ok\", { regex = \"(unclosed\" }]\n", 1, "shared-names"),
        ("\nshared-names = [\n  \"ok\",\n  { pattern = \"x\" },\n]\n", 4, "shared-names"),
        ("shared-names = [\"ok\", 42]\n", 1, "shared-names"),
        ("\ntest-code-level = \"error\"\n", 2, "test-code-level"),
        ("test-code-level = 1\n", 1, "test-code-level"),
    ];
    for (contents, line, key) in cases {
        let tree = Tree::package("bad")
            .file("src/main.rs", CLASH_MAIN)
            .file("objlint.toml", contents);
        let run = objlint(&tree.root, &[]);
        run.assert_code(2)
            .assert_stderr_has(&format!("objlint.toml:{line}:"))
            .assert_stderr_has(key);
        assert!(
            !run.stderr.contains("error[objlint::"),
            "nothing is checked with a bad configuration\n{run}"
        );
    }
}

#[test]
fn bad_metadata_tables_name_the_manifest_line_and_key() {
    let tree = Tree::new()
        .file(
            "Cargo.toml",
            format!(
                "{}\n[package.metadata.objlint]\nunique-name-pattern = [\"x\"]\n",
                manifest("bad")
            ),
        )
        .file("src/main.rs", CLASH_MAIN);
    objlint(&tree.root, &[])
        .assert_code(2)
        .assert_stderr_has("Cargo.toml:7:")
        .assert_stderr_has("unique-name-pattern");
}

#[test]
fn excluded_files_and_directories_are_not_checked() {
    let tree = Tree::package("exclude")
        .file("src/main.rs", mapping_named("Kept"))
        .file("src/generated/bindings.rs", mapping_named("Generated"))
        .file("src/legacy.rs", mapping_named("Legacy"))
        .file("vendor/lib.rs", mapping_named("Vendored"))
        .file(
            "objlint.toml",
            "exclude = [\"src/generated/**\", \"src/legacy.rs\", \"vendor\"]\n",
        );
    let run = objlint(&tree.root, &[]);
    run.assert_code(1)
        .assert_stderr_has(&name_finding("Kept"))
        .assert_stderr_lacks("Generated")
        .assert_stderr_lacks("Legacy")
        .assert_stderr_lacks("Vendored")
        .assert_stderr_has("in 1 file checked");
    // Files given on the command line are excluded too, as pre-commit passes them.
    objlint(&tree.root, &["src/legacy.rs"])
        .assert_code(0)
        .assert_stderr_has("in 0 files checked");
}

#[test]
fn names_matching_a_unique_name_pattern_are_accepted() {
    let tree = Tree::package("patterns")
        .file(
            "src/main.rs",
            format!(
                "{}{}",
                mapping_named("Local\\\\com.acme.frames"),
                mapping_named("Shared").replace("fn open", "fn other")
            ),
        )
        .file(
            "objlint.toml",
            "unique-name-patterns = ['^com\\.acme\\.[a-z]+$']\n",
        );
    objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_lacks("com.acme.frames` has no unique part")
        .assert_stderr_has(&name_finding("Shared"))
        // Only the name finding is dropped: the unchecked creation is still reported, twice.
        .assert_stderr_has("objlint: 3 errors");
}

#[test]
fn shared_names_are_neither_non_unique_nor_unchecked() {
    let mappings = [
        ("shared", "VendorTelemetry"),
        ("by_regex", "Local\\\\vendor-ipc-7"),
        ("near_miss", "VendorTelemetryX"),
        ("other_namespace", "Local\\\\VendorTelemetry"),
        ("regex_is_anchored", "Local\\\\vendor-ipc-7-old"),
    ];
    let main: String = mappings
        .iter()
        .map(|(function, name)| mapping_named(name).replace("fn open", &format!("fn {function}")))
        .collect();
    let tree = Tree::package("shared").file("src/main.rs", main).file(
        "objlint.toml",
        "shared-names = ['VendorTelemetry', { regex = 'Local\\\\vendor-ipc-[0-9]+' }]\n",
    );
    objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_lacks("`VendorTelemetry` has no unique part")
        .assert_stderr_lacks("`Local\\vendor-ipc-7` has no unique part")
        // A name matches as written: the prefix is part of it, and the regex spans the whole name.
        .assert_stderr_has(&name_finding("VendorTelemetryX"))
        .assert_stderr_has(&name_finding("Local\\VendorTelemetry"))
        .assert_stderr_has(&name_finding("Local\\vendor-ipc-7-old"))
        // Both findings of each of the three remaining creations, none of the first two's.
        .assert_stderr_has("objlint: 6 errors");
}

/// A name a template ends with its own NUL (`format!("Local\\{name}\0")`) is the text before the
/// NUL, as the API reads it: shown so, and matched so against `shared-names`.
#[test]
fn a_written_terminator_ends_the_name_shown_and_matched() {
    let main = "fn acquire(name: &str) {\n    let wide: Vec<u16> = format!(\"Local\\\\{name}\\0\").encode_utf16().collect();\n    let _mutex = unsafe { CreateMutexW(None, true, PCWSTR(wide.as_ptr())) };\n    if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS {\n        return;\n    }\n}\n\nfn main() {\n    acquire(\"VendorLedger\");\n}\n";
    let tree = Tree::package("ledger").file("src/main.rs", main);
    objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_has(
            "error[objlint::non_unique_object_name]: mutex name `Local\\VendorLedger` has no unique part",
        )
        .assert_stderr_has("objlint: 1 error, 0 warnings");
    let shared = tree.file("objlint.toml", "shared-names = ['Local\\VendorLedger']\n");
    objlint(&shared.root, &[])
        .assert_code(0)
        .assert_stderr_has("objlint: no findings");
}

/// The configuration accepts each `cfg` alternative of a name on its own: the release build's
/// name listed as shared leaves the debug build's, which is development code.
#[test]
fn shared_names_accept_each_cfg_alternative_on_its_own() {
    let main = "#[cfg(debug_assertions)]\nconst LINK: &str = \"VendorLink.debug\";\n#[cfg(not(debug_assertions))]\nconst LINK: &str = \"VendorLink\";\n\nfn main() {\n    let _mapping = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 4096, &HSTRING::from(LINK)) };\n    if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS {\n        return;\n    }\n}\n";
    let tree = Tree::package("linked").file("src/main.rs", main);
    objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_has(&format!(
            "error[objlint::non_unique_object_name]: {}",
            name_finding("VendorLink")
        ))
        .assert_stderr_has("in builds with `debug_assertions` the name is `VendorLink.debug`")
        .assert_stderr_has("objlint: 1 error, 0 warnings");
    let shared = tree.file("objlint.toml", "shared-names = ['VendorLink']\n");
    objlint(&shared.root, &[])
        .assert_code(0)
        .assert_stderr_has(&format!(
            "warning[objlint::non_unique_object_name]: {}",
            name_finding("VendorLink.debug")
        ))
        .assert_stderr_has("this name is development code: its findings are at most `warn`")
        .assert_stderr_has("objlint: 0 errors, 1 warning");
}

#[test]
fn shared_names_also_quiet_the_opt_in_lint_for_shared_objects() {
    let main = "pub fn open() {\n    let _ready = unsafe { CreateEventW(None, true, false, w!(\"VendorReady\")) };\n    let _other = unsafe { CreateEventW(None, true, false, w!(\"OtherReady\")) };\n}\n";
    let tree = Tree::package("events")
        .file("src/main.rs", main)
        .file("objlint.toml", "shared-names = ['VendorReady']\n");
    objlint(&tree.root, &["-W", "shared_object_unchecked"])
        .assert_code(1)
        .assert_stderr_lacks("VendorReady")
        .assert_stderr_has("`OtherReady` has no unique part")
        .assert_stderr_has("warning[objlint::shared_object_unchecked]");
}

/// The configuration page's example configuration is a valid one.
/// The full `objlint.toml` example of `docs/configuration.md`.
fn configuration_page_example() -> String {
    let page =
        std::fs::read_to_string(crate::support::repo_root().join("docs/configuration.md")).unwrap();
    let start = page
        .find("```toml\n# objlint.toml")
        .expect("docs/configuration.md shows an objlint.toml");
    let body = &page[start + "```toml\n".len()..];
    body[..body.find("```").expect("the block ends")].to_owned()
}

#[test]
fn the_configuration_page_example_parses() {
    let example = configuration_page_example();
    let config = Config::parse(&example, Path::new("objlint.toml"))
        .unwrap_or_else(|error| panic!("docs/configuration.md's example does not parse: {error}"));
    assert!(config.is_shared_name("Global\\AcmeDriverInstall"));
    assert!(config.is_shared_name(r"\\.\pipe\acme-ipc-12"));
    assert!(!config.is_shared_name(r"\\.\pipe\acme-ipc-12x"));
}

/// TOML puts every key after a table's header into that table, so a top-level key written below
/// `[lints]` must be told apart from a misspelt lint: every key the documented example sets at
/// the top level gets the message that says where it belongs.
#[test]
fn every_documented_top_level_key_below_lints_says_where_it_belongs() {
    let example: toml::Table = configuration_page_example()
        .parse()
        .expect("the example is TOML");
    let keys: Vec<&String> = example
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "lints" | "api"))
        .map(|(key, _)| key)
        .collect();
    assert!(
        keys.len() >= 4,
        "the example sets its top-level keys: {keys:?}"
    );
    for key in keys {
        let text = format!(
            "[lints]\nunchecked_already_exists = \"warn\"\n{key} = {}\n",
            example[key]
        );
        let error = Config::parse(&text, Path::new("objlint.toml"))
            .err()
            .unwrap_or_else(|| panic!("`{key}` below [lints] was accepted"))
            .to_string();
        assert!(
            error.contains(&format!(
                "`{key}` belongs at the top level, above `[lints]`"
            )),
            "{key}: {error}"
        );
    }
}

#[test]
fn api_tables_are_parsed_with_their_lines() {
    let text = r#"
[[api]]
path = "shm::create_shared"
name-arg = 0
kind = "file-mapping"

[[api]]
path = "CreateBoundaryDescriptorW"
name-arg = 1
kind = "named-pipe"
checks-already-exists = true
"#;
    let config = Config::parse(text, Path::new("objlint.toml")).expect("a valid configuration");
    assert_eq!(
        config.apis,
        vec![
            ApiDecl {
                path: "shm::create_shared".to_owned(),
                name_arg: 0,
                kind: ObjectKind::FileMapping,
                checks_already_exists: false,
                line: 2,
            },
            ApiDecl {
                path: "CreateBoundaryDescriptorW".to_owned(),
                name_arg: 1,
                kind: ObjectKind::NamedPipe,
                checks_already_exists: true,
                line: 7,
            },
        ]
    );
}

/// A declared API is a creation like the Win32 ones: called by full path or after `use`, its
/// name argument is resolved and both lints apply (or not, as `checks-already-exists` says).
#[test]
fn declared_apis_are_found_as_creations() {
    let config = r#"
[[api]]
path = "my_ipc::create_shared"
name-arg = 0
kind = "file-mapping"

[[api]]
path = "my_ipc::exclusive_lock"
name-arg = 1
kind = "mutex"
checks-already-exists = true
"#;
    let main = r#"use my_ipc::exclusive_lock;

fn main() {
    let _frames = my_ipc::create_shared("Frames", 1 << 20);
    let _lock = exclusive_lock(3, "Writer");
    let _other = other::create_shared("NotDeclared", 4096);
}
"#;
    let tree = Tree::package("declared")
        .file("objlint.toml", config)
        .file("src/main.rs", main);
    objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_has("file mapping name `Frames` has no unique part")
        .assert_stderr_has("`my_ipc::create_shared` may return an existing file mapping")
        .assert_stderr_has("mutex name `Writer` has no unique part")
        .assert_stderr_has("3 errors, 0 warnings");
}

#[test]
fn explain_shows_the_level_in_force() {
    let tree = Tree::package("explain").file("objlint.toml", levels("warn"));
    objlint(&tree.root, &["--explain", "non_unique_object_name"])
        .assert_code(0)
        .assert_stdout_has(
            "objlint::non_unique_object_name: warn (default: deny)\n\n# non_unique_object_name\n",
        );
    objlint(
        &tree.root,
        &["--explain", "objlint::unchecked_already_exists"],
    )
    .assert_code(0)
    .assert_stdout_has("objlint::unchecked_already_exists: deny (the default)\n");
}

/// A repository whose Cargo workspace lives in `rust/`, with one member `app` holding the
/// issue's finding, and `root_extra` added to `rust/Cargo.toml`.
fn workspace_in_a_subdirectory(root_extra: &str) -> Tree {
    Tree::new()
        .file(
            "rust/Cargo.toml",
            format!("[workspace]\nmembers = [\"app\"]\n{root_extra}"),
        )
        .file("rust/app/Cargo.toml", manifest("app"))
        .file("rust/app/src/main.rs", CLASH_MAIN)
}

const ALLOW_BOTH: &str =
    "[lints]\nnon_unique_object_name = \"allow\"\nunchecked_already_exists = \"allow\"\n";

#[test]
fn a_workspace_in_a_subdirectory_keeps_its_configuration_when_run_from_the_repository_root() {
    let cases = [
        (
            "rust/objlint.toml",
            workspace_in_a_subdirectory("").file("rust/objlint.toml", ALLOW_BOTH),
        ),
        (
            "[workspace.metadata.objlint]",
            workspace_in_a_subdirectory(
                "[workspace.metadata.objlint.lints]\nnon_unique_object_name = \"allow\"\nunchecked_already_exists = \"allow\"\n",
            ),
        ),
    ];
    for (case, tree) in cases {
        // The whole repository, and the file as a pre-commit hook passes it, from the root.
        for args in [&[][..], &["rust/app/src/main.rs"]] {
            let run = objlint(&tree.root, args);
            assert_eq!(
                run.code,
                Some(0),
                "{case}, {args:?}: the configuration was lost\n{run}"
            );
        }
        // The command line still wins over the configuration found.
        objlint(&tree.root, &["-D", "non_unique_object_name"])
            .assert_code(1)
            .assert_stderr_has(&name_finding("MyFileMapping"));
    }
}

#[test]
fn each_package_gets_its_own_workspace_configuration_and_config_overrides_all() {
    // A repository-level `objlint.toml` above the workspaces applies where a workspace has
    // none of its own; `rust/`'s own configuration wins for its packages.
    let tree = workspace_in_a_subdirectory("")
        .file("rust/objlint.toml", levels("warn"))
        .file("objlint.toml", ALLOW_BOTH)
        .file("tools/Cargo.toml", manifest("tools"))
        .file("tools/src/lib.rs", mapping_named("ToolsMapping"));
    let run = objlint(&tree.root, &["--format", "short"]);
    run.assert_code(1)
        .assert_stderr_has(
            "warning[objlint::non_unique_object_name]: file mapping name `MyFileMapping`",
        )
        .assert_stderr_lacks("ToolsMapping");
    // `--config` is the one configuration of every package.
    let run = objlint(
        &tree.root,
        &["--format", "short", "--config", "rust/objlint.toml"],
    );
    run.assert_stderr_has(
        "warning[objlint::non_unique_object_name]: file mapping name `ToolsMapping`",
    );
}

#[test]
fn a_config_file_linked_out_of_the_tree_is_not_read() {
    let outside = tempfile::tempdir().expect("a directory outside the tree");
    std::fs::write(outside.path().join("objlint.toml"), ALLOW_BOTH).expect("write outside");
    let tree = Tree::package("linked").file("src/main.rs", CLASH_MAIN);
    std::os::unix::fs::symlink(
        outside.path().join("objlint.toml"),
        tree.path("objlint.toml"),
    )
    .expect("link the configuration");
    objlint(&tree.root, &[])
        .assert_code(2)
        .assert_stderr_has("a symbolic link to a file outside its directory");
}
