//! The output formats besides human and JSON (which `cli` covers): `short`, `sarif` (validated
//! against the official SARIF 2.1.0 schema in `tests/data/`), `github` (workflow commands that
//! no scanned string can break out of) and `gitlab` (code-quality issues with every field GitLab
//! reads), and the cargo-style `--message-format` aliases.

use std::collections::BTreeSet;

use objlint::lints::{Level, LINTS};
use objlint::report::github::{escape_data, escape_property};
use serde_json::Value;

use crate::cli::{line_column, mapping_named, name_finding, objlint, Tree, CLASH_MAIN};
use crate::support::repo_root;

// ---------------------------------------------------------------------------------------------
// short

#[test]
fn short_format_is_one_line_per_finding() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    let name_at = line_column(
        CLASH_MAIN,
        CLASH_MAIN.find("w!(").expect("the name argument"),
    );
    let call_at = line_column(
        CLASH_MAIN,
        CLASH_MAIN.find("CreateFileMappingW").expect("the call"),
    );
    // In the order of the file: the call starts before its name argument.
    let expected = format!(
        "src/main.rs:{}:{}: error[objlint::unchecked_already_exists]: `CreateFileMappingW` may return an existing file mapping, and `ERROR_ALREADY_EXISTS` is never checked\n\
         src/main.rs:{}:{}: error[objlint::non_unique_object_name]: file mapping name `MyFileMapping` has no unique part\n",
        call_at.0, call_at.1, name_at.0, name_at.1
    );
    for args in [["--format", "short"], ["--message-format", "short"]] {
        let run = objlint(&tree.root, &args);
        run.assert_code(1);
        assert!(
            run.stderr.starts_with(&expected),
            "expected these lines first:\n{expected}\n{run}"
        );
        assert!(run.stdout.is_empty(), "short output goes to stderr\n{run}");
    }
}

#[test]
fn message_format_json_is_format_json_and_the_two_flags_conflict() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    let alias = objlint(&tree.root, &["--message-format", "json"]);
    let format = objlint(&tree.root, &["--format", "json"]);
    alias.assert_code(1);
    format.assert_code(1);
    assert_eq!(alias.json(), format.json());
    objlint(
        &tree.root,
        &["--format", "sarif", "--message-format", "json"],
    )
    .assert_code(2)
    .assert_stderr_has("cannot be used with");
}

// ---------------------------------------------------------------------------------------------
// sarif

fn sarif(run: &crate::cli::Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|error| panic!("not JSON ({error})\n{run}"))
}

/// Every message the official schema has about `log`.
pub(crate) fn schema_errors(log: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/data/sarif-schema-2.1.0.json"))
            .expect("read the SARIF schema"),
    )
    .expect("the schema is JSON");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    validator
        .iter_errors(log)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

#[test]
fn sarif_of_the_fixtures_validates_against_the_schema() {
    // The fixtures hold every lint's findings, suppressions and an unparsable file; the
    // allow-by-default lints are turned on, as their fixtures are.
    let enabled: Vec<String> = LINTS
        .iter()
        .filter(|lint| lint.default_level == Level::Allow)
        .map(|lint| format!("objlint::{}", lint.name))
        .collect();
    // The defaults, not the repository's objlint.toml, which excludes the fixtures from the
    // plain `cargo objlint` run on objlint's own sources.
    let defaults = tempfile::NamedTempFile::new().expect("an empty configuration file");
    let defaults = defaults.path().to_str().expect("a UTF-8 temporary path");
    let with = |format: &'static str| {
        let mut args = vec!["--config", defaults, "--format", format, "fixtures"];
        for lint in &enabled {
            args.extend(["-W", lint.as_str()]);
        }
        args
    };
    let run = objlint(&repo_root(), &with("sarif"));
    run.assert_code(2);
    let log = sarif(&run);
    let errors = schema_errors(&log);
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );

    let sarif_run = &log["runs"][0];
    let results = sarif_run["results"].as_array().expect("results");
    // Every finding the JSON output has is a result, with the same rule.
    let json = objlint(&repo_root(), &with("json"));
    let json_codes: Vec<String> = json
        .json()
        .iter()
        .filter_map(|line| line["message"]["code"]["code"].as_str().map(str::to_owned))
        .collect();
    let sarif_codes: Vec<String> = results
        .iter()
        .map(|result| result["ruleId"].as_str().expect("ruleId").to_owned())
        .collect();
    assert_eq!(sarif_codes, json_codes);
    let seen: BTreeSet<&str> = sarif_codes.iter().map(String::as_str).collect();
    for lint in LINTS {
        assert!(
            seen.contains(format!("objlint::{}", lint.name).as_str()),
            "the fixtures give no SARIF result of {}",
            lint.name
        );
    }
    // The unparsable fixture is a notification, and the run says it was not fully successful.
    let invocation = &sarif_run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(
        invocation["toolExecutionNotifications"]
            .as_array()
            .expect("notifications")
            .iter()
            .any(
                |notification| notification["locations"][0]["physicalLocation"]["artifactLocation"]
                    ["uri"]
                    == "fixtures/errors/unparseable.rs"
            ),
        "no notification for the unparsable fixture:\n{invocation:#}"
    );
}

#[test]
fn sarif_rules_come_from_the_registry_and_the_docs() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    let log = sarif(objlint(&tree.root, &["--format", "sarif"]).assert_code(1));
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "objlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), LINTS.len());
    for (rule, lint) in rules.iter().zip(LINTS) {
        assert_eq!(rule["id"], format!("objlint::{}", lint.name));
        assert_eq!(rule["shortDescription"]["text"], lint.summary);
        let full = rule["fullDescription"]["text"]
            .as_str()
            .expect("fullDescription");
        assert!(
            !full.is_empty() && lint.docs.contains(full),
            "{}: fullDescription is not the doc's What it does: {full}",
            lint.name
        );
        assert_eq!(rule["help"]["markdown"], lint.docs);
        let level = match lint.default_level {
            Level::Deny => "error",
            Level::Warn => "warning",
            Level::Allow => "none",
        };
        assert_eq!(
            rule["defaultConfiguration"]["level"], level,
            "{}",
            lint.name
        );
        assert!(rule["properties"]["tags"].is_array(), "{}", lint.name);
    }
    let severity = |name: &str| {
        rules
            .iter()
            .find(|rule| rule["name"] == name)
            .map(|rule| rule["properties"]["security-severity"].clone())
            .expect("the rule")
    };
    assert_eq!(severity("non_unique_object_name"), "7.5");
    assert_eq!(severity("unused_suppression"), Value::Null);
}

#[test]
fn sarif_results_locate_the_finding_and_carry_the_fix() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    let log = sarif(objlint(&tree.root, &["--format", "sarif"]).assert_code(1));
    let results = log["runs"][0]["results"].as_array().expect("results");
    let result = results
        .iter()
        .find(|result| result["ruleId"] == "objlint::non_unique_object_name")
        .expect("the name finding");
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["ruleIndex"],
        LINTS
            .iter()
            .position(|lint| lint.name == "non_unique_object_name")
            .expect("registered")
    );
    let literal_start = CLASH_MAIN.find("\"MyFileMapping\"").expect("the literal");
    let literal_end = literal_start + "\"MyFileMapping\"".len();
    let (start_line, start_column) = line_column(CLASH_MAIN, literal_start);
    let (end_line, end_column) = line_column(CLASH_MAIN, literal_end);
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/main.rs");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let name_arg = CLASH_MAIN.find("w!(").expect("the name argument");
    let (line, column) = line_column(CLASH_MAIN, name_arg);
    assert_eq!(location["region"]["startLine"], line);
    assert_eq!(location["region"]["startColumn"], column);
    let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(
        replacement["deletedRegion"],
        serde_json::json!({
            "startLine": start_line,
            "startColumn": start_column,
            "endLine": end_line,
            "endColumn": end_column,
        })
    );
    let inserted = replacement["insertedContent"]["text"]
        .as_str()
        .expect("inserted text");
    assert!(
        inserted.starts_with("\"MyFileMapping-")
            && inserted.len() == "\"MyFileMapping-\"".len() + 36,
        "the fix inserts the name with a GUID: {inserted}"
    );
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", tree.root.display())
    );
}

/// Fingerprints of the results in a SARIF log, in order.
fn fingerprints(log: &Value) -> Vec<String> {
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| {
            result["partialFingerprints"]["objlint/v1"]
                .as_str()
                .expect("a fingerprint")
                .to_owned()
        })
        .collect()
}

#[test]
fn sarif_fingerprints_survive_line_moves_and_tell_findings_apart() {
    let tree = Tree::package("moves").file("src/main.rs", mapping_named("Moving"));
    let before = fingerprints(&sarif(&objlint(&tree.root, &["--format", "sarif"])));
    let tree = tree.file(
        "src/main.rs",
        format!("// moved\n\n\n{}", mapping_named("Moving")),
    );
    let after = fingerprints(&sarif(&objlint(&tree.root, &["--format", "sarif"])));
    assert_eq!(before.len(), 2);
    assert_eq!(before, after, "a line move changed the fingerprints");
    let tree = tree.file("src/main.rs", mapping_named("Renamed"));
    let renamed = fingerprints(&sarif(&objlint(&tree.root, &["--format", "sarif"])));
    assert!(
        before
            .iter()
            .all(|fingerprint| !renamed.contains(fingerprint)),
        "another name must give other fingerprints"
    );
    // Two identical creations in one function are two alerts.
    let twice = mapping_named("Twice").replace(
        "    let _mapping",
        "    let _first = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, w!(\"Twice\")) };\n    let _mapping",
    );
    let tree = tree.file("src/main.rs", twice);
    let twice = fingerprints(&sarif(&objlint(&tree.root, &["--format", "sarif"])));
    let distinct: BTreeSet<&String> = twice.iter().collect();
    assert_eq!(distinct.len(), 4, "{twice:?}");
}

// ---------------------------------------------------------------------------------------------
// github

#[test]
fn github_escaping_is_the_actions_toolkits() {
    // The cases of @actions/core's command tests, plus each character on its own.
    assert_eq!(escape_data("%"), "%25");
    assert_eq!(escape_data("\r"), "%0D");
    assert_eq!(escape_data("\n"), "%0A");
    assert_eq!(escape_data(":,"), ":,");
    assert_eq!(
        escape_data("percent % percent % cr \r cr \r lf \n lf \n"),
        "percent %25 percent %25 cr %0D cr %0D lf %0A lf %0A"
    );
    assert_eq!(
        escape_property("prop1 %, \r\n: end"),
        "prop1 %25%2C %0D%0A%3A end"
    );
    // `%` first, so an escape already in the text is not taken for one.
    assert_eq!(escape_data("%0A"), "%250A");
}

#[test]
fn github_annotations_locate_each_finding() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    let run = objlint(&tree.root, &["--format", "github"]);
    run.assert_code(1);
    let name_start = CLASH_MAIN.find("w!(").expect("the name argument");
    let name_end = CLASH_MAIN.find("\"))").expect("its end") + 2;
    let (line, column) = line_column(CLASH_MAIN, name_start);
    let (end_line, end_column) = line_column(CLASH_MAIN, name_end);
    let expected = format!(
        "::error file=src/main.rs,line={line},col={column},endLine={end_line},endColumn={end_column},title=objlint%3A%3Anon_unique_object_name::file mapping name `MyFileMapping` has no unique part%0Ahelp: append a GUID"
    );
    assert!(
        run.stdout
            .lines()
            .any(|annotation| annotation.starts_with(&expected)),
        "no annotation starts with {expected}\n{run}"
    );
    assert_eq!(run.stdout.lines().count(), 2, "{run}");
}

#[test]
fn github_annotations_cannot_be_injected_from_the_scanned_source() {
    // A name with an escaped line break, one with a real line break inside the literal, and a
    // file whose very name holds a line break and a workflow command.
    let escaped = "pub fn escaped() {\n    let _m = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 1, w!(\"a\\n::error::pwned\")) };\n}\n";
    let raw = "pub fn raw() {\n    let _m = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 1, w!(\"b\n::error::pwned\n\")) };\n}\n";
    let tree = Tree::package("inject")
        .file("src/main.rs", format!("{escaped}{raw}"))
        .file("src/x\n::error::pwned,%0A.rs", mapping_named("InPath"));
    let run = objlint(&tree.root, &["--format", "github"]);
    run.assert_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "one line per finding\n{run}");
    for line in &lines {
        assert!(
            line.starts_with("::error file=") && !line.contains('\r'),
            "a line that is not one annotation: {line:?}\n{run}"
        );
        let (properties, _message) = line["::error ".len()..]
            .split_once("::")
            .expect("properties, then the message");
        // Properties are comma-separated `key=value` pairs: nothing from the source adds one.
        let keys: Vec<&str> = properties
            .split(',')
            .map(|pair| pair.split_once('=').expect("key=value").0)
            .collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"],
            "{line}"
        );
    }
    assert!(
        run.stdout
            .contains("file=src/x%0A%3A%3Aerror%3A%3Apwned%2C%250A.rs,"),
        "the file name is escaped as a property\n{run}"
    );
}

#[test]
fn github_paths_are_relative_to_the_checkout() {
    let tree = Tree::new()
        .file("crates/Cargo.toml", crate::cli::manifest("nested"))
        .file("crates/src/main.rs", CLASH_MAIN);
    let run = crate::cli::Run::of(
        std::process::Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
            .args(["--format", "github"])
            .current_dir(tree.path("crates"))
            .env("GITHUB_WORKSPACE", &tree.root),
    );
    run.assert_code(1)
        .assert_stdout_has("::error file=crates/src/main.rs,");
}

// ---------------------------------------------------------------------------------------------
// gitlab

/// The issues of a GitLab code-quality report on stdout.
fn gitlab(run: &crate::cli::Run) -> Vec<Value> {
    let report: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error})\n{run}"));
    report
        .as_array()
        .unwrap_or_else(|| panic!("not a JSON array\n{run}"))
        .clone()
}

#[test]
fn gitlab_issues_have_every_field_gitlab_reads() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    let run = objlint(&tree.root, &["--format", "gitlab"]);
    run.assert_code(1);
    let issues = gitlab(&run);
    assert_eq!(issues.len(), 2, "{run}");
    let (line, _) = line_column(CLASH_MAIN, CLASH_MAIN.find("w!(").expect("the name"));
    let issue = issues
        .iter()
        .find(|issue| issue["check_name"] == "objlint::non_unique_object_name")
        .expect("the name finding");
    let keys: BTreeSet<&str> = issue
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "description",
            "check_name",
            "fingerprint",
            "severity",
            "location"
        ])
    );
    assert_eq!(issue["description"], name_finding("MyFileMapping"));
    assert_eq!(issue["severity"], "major");
    assert_eq!(
        issue["location"],
        serde_json::json!({ "path": "src/main.rs", "lines": { "begin": line, "end": line } })
    );
    // The fingerprints are SARIF's, finding by finding.
    let sarif_fingerprints = fingerprints(&sarif(&objlint(&tree.root, &["--format", "sarif"])));
    let gitlab_fingerprints: Vec<&str> = issues
        .iter()
        .map(|issue| issue["fingerprint"].as_str().expect("a fingerprint"))
        .collect();
    assert_eq!(gitlab_fingerprints, sarif_fingerprints);
    // A warning is minor.
    let run = objlint(
        &tree.root,
        &[
            "--format",
            "gitlab",
            "-W",
            "objlint::non_unique_object_name",
        ],
    );
    let warned = gitlab(&run);
    let severities: Vec<(&Value, &Value)> = warned
        .iter()
        .map(|issue| (&issue["check_name"], &issue["severity"]))
        .collect();
    assert_eq!(
        severities,
        [
            (
                &Value::from("objlint::unchecked_already_exists"),
                &Value::from("major")
            ),
            (
                &Value::from("objlint::non_unique_object_name"),
                &Value::from("minor")
            ),
        ]
    );
}

#[test]
fn gitlab_report_is_json_whatever_the_names() {
    // Names and file names with quotes, backslashes, line breaks, control characters and
    // non-ASCII text must all come out as JSON strings, each path exactly the file's name.
    let hostile_name = r#"q\"uo\\te\n\t\u{1}ü"#;
    let paths = [
        "src/q\"uote.rs",
        "src/back\\slash.rs",
        "src/line\nbreak],{\".rs",
        "src/ctl\u{1}\u{7f}.rs",
        "src/ünï cødé.rs",
    ];
    let mut tree = Tree::package("hostile").file(
        "src/main.rs",
        format!(
            "fn main() {{\n    let _m = unsafe {{ CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 1, w!(\"{hostile_name}\")) }};\n}}\n"
        ),
    );
    for path in paths {
        tree = tree.file(path, mapping_named("Plain"));
    }
    let run = objlint(&tree.root, &["--format", "gitlab"]);
    run.assert_code(1);
    let issues = gitlab(&run);
    let count = |path: &str| {
        issues
            .iter()
            .filter(|issue| issue["location"]["path"] == path)
            .count()
    };
    for path in paths {
        assert_eq!(count(path), 2, "two issues for {path:?}\n{run}");
    }
    // The hostile name (with a backslash, so also an invalid name) gives its findings too.
    assert!(count("src/main.rs") >= 2, "{run}");
    assert_eq!(
        issues.len(),
        2 * paths.len() + count("src/main.rs"),
        "every issue has one of the files' paths\n{run}"
    );
    let fingerprints: BTreeSet<&str> = issues
        .iter()
        .map(|issue| issue["fingerprint"].as_str().expect("a fingerprint"))
        .collect();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints are unique");
}

#[test]
fn gitlab_paths_are_relative_to_the_project_dir_and_unchecked_files_are_issues() {
    let unparsable =
        "fn ok() {}\nfn worse() { let x = ; CreateMutexW(None, true, w!(\"Lock\")); }\n";
    let tree = Tree::new()
        .file("crates/Cargo.toml", crate::cli::manifest("nested"))
        .file("crates/src/main.rs", CLASH_MAIN)
        .file("crates/src/bad.rs", unparsable);
    let run = crate::cli::Run::of(
        std::process::Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
            .args(["--format", "gitlab"])
            .current_dir(tree.path("crates"))
            .env("CI_PROJECT_DIR", &tree.root),
    );
    run.assert_code(2);
    let issues = gitlab(&run);
    let not_checked = issues
        .iter()
        .find(|issue| issue["check_name"] == "objlint")
        .unwrap_or_else(|| panic!("no issue for the unparsable file\n{run}"));
    assert_eq!(not_checked["severity"], "critical");
    assert_eq!(not_checked["location"]["path"], "crates/src/bad.rs");
    assert_eq!(not_checked["location"]["lines"]["begin"], 2);
    assert!(
        not_checked["description"]
            .as_str()
            .is_some_and(|description| description.starts_with("file not checked: ")),
        "{not_checked:#}"
    );
    assert!(
        issues
            .iter()
            .filter(|issue| issue["check_name"] != "objlint")
            .all(|issue| issue["location"]["path"] == "crates/src/main.rs"),
        "{run}"
    );
}
