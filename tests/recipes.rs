//! The README's CI recipes, run: each YAML block after a `<!-- recipe:<name> -->` marker is parsed,
//! every command in it that runs `cargo objlint` is run exactly as written (with the built binary
//! for `cargo objlint`) on a crate with a finding, and the artifacts the CI service would pick up
//! are checked, as is the wiring between the steps: the upload names the file the command wrote.
//!
//! GitHub and GitLab runners are not available to tests, so this is as close as the recipes get to
//! running: the commands are theirs, the shell is bash, and the environment has the variable each
//! service sets to the checkout (`GITHUB_WORKSPACE`, `CI_PROJECT_DIR`).

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

use crate::cli::{Run, Tree, CLASH_MAIN};
use crate::output::schema_errors;
use crate::support::repo_root;

// ---------------------------------------------------------------------------------------------
// The recipes.

#[test]
fn github_actions_recipe_uploads_sarif_and_annotates() {
    let workflow = recipe("github");
    assert_eq!(
        workflow["permissions"]["security-events"], "write",
        "the SARIF upload needs `security-events: write`:\n{workflow:#}"
    );
    let jobs = workflow["jobs"].as_object().expect("jobs");
    assert_eq!(jobs.len(), 1, "one job:\n{workflow:#}");
    let steps = jobs.values().next().expect("the job")["steps"]
        .as_array()
        .expect("steps")
        .clone();
    let position = |what: &str, found: &dyn Fn(&Value) -> bool| {
        steps
            .iter()
            .position(found)
            .unwrap_or_else(|| panic!("no step that {what}:\n{workflow:#}"))
    };
    let install = position("installs objlint", &|step| {
        run_of(step).starts_with("cargo install")
    });
    assert_installs_objlint(run_of(&steps[install]), &workflow["env"]);
    assert_binary_cached_before(install, &steps, &workflow);
    // Code scanning reads the workflow run in a private repository.
    assert_eq!(workflow["permissions"]["actions"], "read", "{workflow:#}");
    let sarif = position("writes SARIF", &|step| {
        run_of(step).contains("--format sarif")
    });
    let upload = position("uploads SARIF", &|step| {
        step["uses"]
            .as_str()
            .is_some_and(|uses| uses.starts_with("github/codeql-action/upload-sarif@"))
    });
    let annotate = position("annotates", &|step| {
        run_of(step).contains("--format github")
    });
    assert!(
        install < sarif && sarif < upload,
        "install, write SARIF, then upload it"
    );
    assert_upload_is_current_and_guarded(&steps[upload]);
    let sarif_file = redirect_target(run_of(&steps[sarif]));
    assert_eq!(
        steps[upload]["with"]["sarif_file"], sarif_file,
        "the upload names the file the objlint step writes"
    );
    // A step that must run even when an earlier one failed (objlint exits 2 when it cannot check
    // a file) says so.
    for index in [upload, annotate] {
        let condition = steps[index]["if"].as_str().unwrap_or_default();
        assert!(
            condition.contains("!cancelled()") || condition.contains("always()"),
            "step {index} is skipped after a failure: {:#}",
            steps[index]
        );
    }

    let commands: Vec<&str> = steps
        .iter()
        .map(run_of)
        .filter(|run| invokes_objlint(run))
        .collect();
    assert_eq!(commands.len(), 2, "{commands:?}");
    let tree = crate_with_a_finding();
    let sarif_run = run_in(&tree, run_of(&steps[sarif]), "GITHUB_WORKSPACE");
    sarif_run.assert_code(0);
    let log: Value = serde_json::from_str(&tree.read(sarif_file))
        .unwrap_or_else(|error| panic!("{sarif_file} is not JSON ({error})\n{sarif_run}"));
    let errors = schema_errors(&log);
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    let rules: Vec<&Value> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|result| &result["ruleId"])
        .collect();
    assert_eq!(
        rules,
        [
            "objlint::unchecked_already_exists",
            "objlint::non_unique_object_name"
        ]
    );

    let annotations = run_in(&tree, run_of(&steps[annotate]), "GITHUB_WORKSPACE");
    // A deny-level finding fails the job.
    annotations.assert_code(1);
    let lines: Vec<&str> = annotations.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{annotations}");
    for line in lines {
        assert!(
            line.starts_with("::error file=src/main.rs,line=2,"),
            "not an annotation of src/main.rs: {line}\n{annotations}"
        );
    }
}

#[test]
fn gitlab_ci_recipe_writes_the_code_quality_report_it_declares() {
    let pipeline = recipe("gitlab");
    let jobs = pipeline.as_object().expect("a mapping of jobs");
    assert_eq!(jobs.len(), 1, "one job:\n{pipeline:#}");
    let job = jobs.values().next().expect("the job");
    let commands = |key: &str| -> Vec<String> {
        job[key]
            .as_array()
            .map(|commands| {
                commands
                    .iter()
                    .map(|command| command.as_str().expect("a command").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let install = commands("before_script");
    assert_eq!(install.len(), 1, "{install:?}");
    let (installed_already, install_command) = install[0]
        .split_once(" || ")
        .unwrap_or_else(|| panic!("install only when the cache has no binary: {install:?}"));
    assert_installs_objlint(install_command, &job["variables"]);
    let cargo_home = job["variables"]["CARGO_HOME"]
        .as_str()
        .expect("CARGO_HOME inside the checkout, where GitLab caches");
    let cached_binary = format!(
        "{}/bin/cargo-objlint",
        cargo_home
            .strip_prefix("$CI_PROJECT_DIR/")
            .expect("CARGO_HOME under $CI_PROJECT_DIR")
    );
    assert_eq!(
        job["cache"]["paths"].as_array().map(Vec::as_slice),
        Some([Value::from(cached_binary)].as_slice()),
        "the cache keeps the binary cargo installs:\n{pipeline:#}"
    );
    assert!(
        job["cache"]["key"]
            .as_str()
            .is_some_and(|key| key.contains("$OBJLINT_VERSION")),
        "the cache is keyed by the version installed:\n{pipeline:#}"
    );
    let script = commands("script");
    let objlint: Vec<&String> = script
        .iter()
        .filter(|command| invokes_objlint(command))
        .collect();
    assert_eq!(objlint.len(), 1, "{script:?}");
    let report_file = redirect_target(objlint[0]);
    let artifacts = &job["artifacts"];
    assert_eq!(
        artifacts["reports"]["codequality"], report_file,
        "the artifact is the file the script writes"
    );
    assert_eq!(
        artifacts["when"], "always",
        "the report is kept when findings fail the job"
    );

    let tree = crate_with_a_finding();
    // With the binary in place (a cache hit), the check before the install succeeds.
    run_in(&tree, installed_already, "CI_PROJECT_DIR").assert_code(0);
    let run = run_in(&tree, objlint[0], "CI_PROJECT_DIR");
    run.assert_code(1);
    let report: Value = serde_json::from_str(&tree.read(report_file))
        .unwrap_or_else(|error| panic!("{report_file} is not JSON ({error})\n{run}"));
    let issues = report.as_array().expect("a JSON array of issues");
    assert_eq!(issues.len(), 2, "{report:#}");
    let mut fingerprints = BTreeSet::new();
    for issue in issues {
        // The fields GitLab requires of every issue.
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(
                issue[field].as_str().is_some_and(|value| !value.is_empty()),
                "no {field}: {issue:#}"
            );
        }
        assert!(
            issue["check_name"]
                .as_str()
                .is_some_and(|name| name.starts_with("objlint::")),
            "{issue:#}"
        );
        assert_eq!(issue["severity"], "major", "{issue:#}");
        assert_eq!(issue["location"]["path"], "src/main.rs", "{issue:#}");
        assert_eq!(issue["location"]["lines"]["begin"], 2, "{issue:#}");
        fingerprints.insert(issue["fingerprint"].as_str().expect("fingerprint"));
    }
    assert_eq!(fingerprints.len(), 2, "fingerprints are unique");
}

#[test]
fn ci_recipes_point_to_the_pre_commit_recipe() {
    let readme = readme();
    let recipes = section(&readme, "### CI recipes\n");
    assert!(
        recipes.contains("](#use-with-pre-commit)"),
        "the CI recipes link to the pre-commit section"
    );
    assert!(
        readme.contains("\n### Use with pre-commit\n"),
        "the README has the pre-commit section the CI recipes link to"
    );
}

// ---------------------------------------------------------------------------------------------
// Helpers.

fn readme() -> String {
    std::fs::read_to_string(repo_root().join("README.md")).expect("read README.md")
}

/// `text` from `heading` to the next heading of the same or a higher level.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("the README has no {heading:?}"));
    let rest = &text[start + heading.len()..];
    let end = ["\n## ", "\n### "]
        .iter()
        .filter_map(|next| rest.find(next))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The YAML block after `<!-- recipe:{name} -->` in the README, parsed.
fn recipe(name: &str) -> Value {
    let readme = readme();
    let marker = format!("<!-- recipe:{name} -->\n```yaml\n");
    let start = readme
        .find(&marker)
        .unwrap_or_else(|| panic!("the README has no {marker:?}"))
        + marker.len();
    let end = readme[start..]
        .find("```")
        .unwrap_or_else(|| panic!("the {name} recipe's block is not closed"));
    let yaml = &readme[start..start + end];
    serde_yaml_ng::from_str(yaml)
        .unwrap_or_else(|error| panic!("the {name} recipe is not YAML ({error}):\n{yaml}"))
}

/// The command of a GitHub step, empty for a step that `uses:` an action.
fn run_of(step: &Value) -> &str {
    step["run"].as_str().unwrap_or_default()
}

fn invokes_objlint(command: &str) -> bool {
    command.contains("cargo objlint")
}

/// A GitHub step before `install` restores the installed binary from the cache, keyed by the
/// version installed, and the install runs only when it found none.
fn assert_binary_cached_before(install: usize, steps: &[Value], workflow: &Value) {
    let cache = steps
        .iter()
        .position(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|uses| uses.starts_with("actions/cache@"))
        })
        .unwrap_or_else(|| panic!("no step caches the installed binary:\n{workflow:#}"));
    assert!(cache < install, "the cache is restored before the install");
    assert_eq!(
        steps[cache]["with"]["path"], "~/.cargo/bin/cargo-objlint",
        "the cache keeps the binary cargo installs:\n{workflow:#}"
    );
    assert!(
        steps[cache]["with"]["key"]
            .as_str()
            .is_some_and(|key| key.contains("${{ env.OBJLINT_VERSION }}")),
        "the cache is keyed by the version installed:\n{workflow:#}"
    );
    let cache_id = steps[cache]["id"]
        .as_str()
        .expect("the cache step has an id");
    assert_eq!(
        steps[install]["if"].as_str().map(str::trim),
        Some(format!("steps.{cache_id}.outputs.cache-hit != 'true'").as_str()),
        "objlint is built only when the cache has no binary:\n{workflow:#}"
    );
}

/// The SARIF upload uses a current major version of the action, and is skipped where the token
/// is read-only (pull requests from forks and from Dependabot), so that findings, not
/// permissions, decide the job.
fn assert_upload_is_current_and_guarded(upload: &Value) {
    let action = upload["uses"].as_str().expect("uses");
    let major: u32 = action
        .rsplit_once("@v")
        .and_then(|(_, version)| version.parse().ok())
        .unwrap_or_else(|| panic!("the upload action pins a major version: {action}"));
    // v3 reached its announced deprecation in December 2026.
    assert!(major >= 4, "a current upload-sarif: {action}");
    let condition = upload["if"].as_str().unwrap_or_default();
    for guard in [
        "github.event.pull_request.head.repo.full_name == github.repository",
        "github.actor != 'dependabot[bot]'",
    ] {
        assert!(
            condition.contains(guard),
            "the upload is not guarded by `{guard}`: {condition}"
        );
    }
}

/// The install command installs this version of package `objlint` from crates.io, the version
/// named by the recipe's `OBJLINT_VERSION` (which its cache key names too).
fn assert_installs_objlint(command: &str, variables: &Value) {
    assert_eq!(
        command,
        format!(
            "cargo install --locked {} --version \"$OBJLINT_VERSION\"",
            env!("CARGO_PKG_NAME")
        ),
        "not an install of the released objlint"
    );
    assert_eq!(
        variables["OBJLINT_VERSION"].as_str().map(str::to_owned),
        Some(env!("CARGO_PKG_VERSION").to_owned()),
        "the recipe installs this version: {variables:#}"
    );
}

/// The file a command's stdout is redirected to (`… > FILE`).
fn redirect_target(command: &str) -> &str {
    let (_, target) = command
        .rsplit_once('>')
        .unwrap_or_else(|| panic!("no redirection in {command:?}"));
    let target = target.trim();
    assert!(
        !target.is_empty() && !target.contains(char::is_whitespace),
        "one file name after `>` in {command:?}"
    );
    target
}

/// A package whose `src/main.rs` has both findings on line 2, as a fresh checkout.
fn crate_with_a_finding() -> Tree {
    Tree::package("clash").file("src/main.rs", CLASH_MAIN)
}

/// Runs `command` with bash, as both services run a step, in the checkout `tree`, with
/// `checkout_variable` set to it as the service sets it; `cargo objlint` is the built binary.
fn run_in(tree: &Tree, command: &str, checkout_variable: &str) -> Run {
    let binary = env!("CARGO_BIN_EXE_cargo-objlint");
    assert!(!binary.contains('\''), "a binary path bash can quote");
    let command = command.replace("cargo objlint", &format!("'{binary}'"));
    Run::of(
        Command::new("bash")
            .args(["-e", "-c", &command])
            .current_dir(&tree.root)
            .env(checkout_variable, &tree.root)
            .env_remove("NO_COLOR"),
    )
}
