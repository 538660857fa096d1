//! The project agrees with itself: every lint has its doc and fixtures, each doc's examples
//! behave as they say, the README's generated parts are current, and so is the list of names
//! another program defines in `non_unique_object_name`'s doc.

use std::fmt::Write as _;

use objlint::lints::{Level, LINTS};
use objlint::names::mandated::MANDATED_NAMES;
use objlint::scan::source::SourceFile;

use crate::support::{blessing, repo_root, rust_files};

#[test]
fn every_lint_has_a_doc_and_fixtures_and_nothing_is_orphaned() {
    let root = repo_root();
    for lint in LINTS {
        let doc = root.join("lints").join(format!("{}.md", lint.name));
        assert!(doc.is_file(), "{} has no doc", doc.display());
        let fixtures = rust_files(&root.join("fixtures").join(lint.name));
        let announced = fixtures.iter().any(|path| {
            std::fs::read_to_string(path)
                .unwrap()
                .contains(&format!("objlint::{}", lint.name))
        });
        assert!(
            announced,
            "no fixture in fixtures/{}/ expects objlint::{}",
            lint.name, lint.name
        );
    }
    for entry in std::fs::read_dir(root.join("lints")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            LINTS.iter().any(|lint| lint.name == name),
            "{} documents no registered lint",
            path.display()
        );
    }
}

/// The first ```rust block after `marker` in a lint doc.
fn code_block_after<'a>(doc: &'a str, marker: &str) -> &'a str {
    let after = &doc[doc.find(marker).unwrap_or_else(|| panic!("no `{marker}`"))..];
    let start = after.find("```rust\n").expect("a rust code block") + "```rust\n".len();
    let end = after[start..].find("```").expect("a closed code block");
    &after[start..start + end]
}

#[test]
fn doc_examples_fire_and_their_fixes_do_not() {
    for lint in LINTS {
        let code = format!("objlint::{}", lint.name);
        let fires = |source: &str| {
            let file = SourceFile::new(format!("{}.md", lint.name), source.to_owned());
            // An allow-by-default lint's examples are checked with it turned on, as its
            // documentation tells users to.
            let mut config = objlint::policy::config::Config::default();
            config
                .set_level_from_command_line(lint.name, Level::Warn)
                .unwrap();
            let diagnostics = objlint::check_source_with(&file, "docs", &config)
                .unwrap_or_else(|error| panic!("{} example does not parse: {}", lint.name, error));
            diagnostics
                .iter()
                .any(|diagnostic| diagnostic.code() == code)
        };
        assert!(
            fires(code_block_after(lint.docs, "\n## Example\n")),
            "{}'s example does not fire",
            lint.name
        );
        assert!(
            !fires(code_block_after(lint.docs, "\nUse instead:\n")),
            "{}'s fix still fires",
            lint.name
        );
    }
}

/// Replaces the text between `<!-- name:start -->` and `<!-- name:end -->` in the README, or
/// checks that it is already there.
fn check_generated_section(name: &str, content: &str) {
    check_generated_section_in("README.md", name, content);
}

/// [`check_generated_section`] in another file of the repository.
fn check_generated_section_in(file: &str, name: &str, content: &str) {
    let path = repo_root().join(file);
    let readme = std::fs::read_to_string(&path).unwrap();
    let start_marker = format!("<!-- {name}:start -->\n");
    let end_marker = format!("<!-- {name}:end -->");
    let start = readme
        .find(&start_marker)
        .unwrap_or_else(|| panic!("{file} has no {start_marker}"))
        + start_marker.len();
    let end = readme
        .find(&end_marker)
        .unwrap_or_else(|| panic!("{file} has no {end_marker}"));
    if &readme[start..end] == content {
        return;
    }
    if blessing() {
        std::fs::write(
            &path,
            format!("{}{content}{}", &readme[..start], &readme[end..]),
        )
        .unwrap();
    } else {
        panic!("{file}'s `{name}` section is out of date: run `cargo bless`\nexpected:\n{content}");
    }
}

#[test]
fn readme_lint_table_is_current() {
    let mut table = String::from("| Lint | Default | What it finds |\n|---|---|---|\n");
    for lint in LINTS {
        let _ = writeln!(
            table,
            "| [`objlint::{name}`](lints/{name}.md) | {level} | {summary} |",
            name = lint.name,
            level = lint.default_level.as_str(),
            summary = lint.summary
        );
    }
    check_generated_section("lints", &table);
}

/// `--explain non_unique_object_name` lists the names another program defines, from the registry.
#[test]
fn mandated_names_list_is_current() {
    let mut table = String::from("| Name | Kind | Defined by | Source |\n|---|---|---|---|\n");
    for entry in MANDATED_NAMES {
        let kinds: Vec<&str> = entry.kinds.iter().map(|kind| kind.noun()).collect();
        let sources: Vec<String> = entry
            .sources
            .iter()
            .map(|source| format!("<{source}>"))
            .collect();
        let _ = writeln!(
            table,
            "| `{}` | {} | {} | {} |",
            entry.name.shown().replace('|', "\\|"),
            kinds.join(", "),
            entry.mandated_by,
            sources.join(", ")
        );
    }
    check_generated_section_in("lints/non_unique_object_name.md", "mandated-names", &table);
}

/// Each registry entry's example is created in the registry's fixture, where it must stay quiet.
#[test]
fn every_mandated_name_has_a_fixture() {
    let fixture = "fixtures/non_unique_object_name/mandated_names.rs";
    let text = std::fs::read_to_string(repo_root().join(fixture)).unwrap();
    for entry in MANDATED_NAMES {
        assert!(
            text.contains(&format!("\"{}\")", entry.example)),
            "{fixture} does not create `{}`, the example of the registry's `{}`",
            entry.example,
            entry.name.shown()
        );
    }
}

#[test]
fn usage_page_is_current() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
        .arg("--help")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    check_generated_section_in("docs/usage.md", "usage", &format!("```text\n{help}```\n"));
}

/// The README's sample output is what objlint prints on the demo, the time aside.
#[test]
fn readme_demo_output_is_current() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
        .args(["demo/webcam-clash", "--color", "never"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "the demo has deny-level findings"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    let timing = regex::Regex::new(r"\(\d+\.\d\ds\)").unwrap();
    let stderr = timing.replace(&stderr, "(0.00s)");
    check_generated_section("demo", &format!("```text\n{stderr}```\n"));
}

/// The package is ready to publish: `cargo package` ships the tool, its lint docs, the README,
/// the changelog and both licence texts the manifest declares, and none of the fixtures,
/// benches, lintcheck sources or tests.
#[test]
fn the_published_package_holds_the_tool_and_its_licences_only() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(repo_root())
        .output()
        .expect("run cargo package --list");
    assert!(
        output.status.success(),
        "cargo package --list failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let listed = String::from_utf8_lossy(&output.stdout);
    let files: Vec<&str> = listed.lines().collect();
    for required in [
        "Cargo.toml",
        "README.md",
        "CHANGELOG.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "src/main.rs",
        "src/lib.rs",
    ] {
        assert!(
            files.contains(&required),
            "{required} is not packaged:\n{listed}"
        );
    }
    for lint in LINTS {
        let doc = format!("lints/{}.md", lint.name);
        assert!(files.contains(&doc.as_str()), "{doc} is not packaged");
    }
    for left_out in [
        "fixtures/",
        "benches/",
        "lintcheck/",
        "tests/",
        "fuzz/",
        "demo/",
    ] {
        assert!(
            !files.iter().any(|file| file.starts_with(left_out)),
            "{left_out} is packaged:\n{listed}"
        );
    }
}

/// `cargo objlint` with no arguments is clean on objlint's own repository (its `objlint.toml`
/// excludes the fixtures), as `.ci/run` checks by running it.
#[test]
fn objlint_is_clean_on_its_own_repository() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-objlint"))
        .args(["--color", "never"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("objlint: no findings in "), "{stderr}");
}
