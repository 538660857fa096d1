//! Suppressions beyond what the fixtures show: reasons required by configuration, and the
//! `cfg_attr(objlint, …)` form compiling cleanly with the `check-cfg` the README prescribes.

use std::path::Path;
use std::process::Command;

use objlint::policy::config::Config;
use objlint::scan::source::SourceFile;

use crate::cli::{manifest, objlint, Run, Tree};

/// An event with a name that has no unique part, suppressed by `suppression` on the line above.
fn suppressed_event(suppression: &str) -> String {
    format!(
        "pub fn open() {{\n    {suppression}\n    let _event = unsafe {{ CreateEventW(None, true, false, w!(\"SharedEvent\")) }};\n}}\n"
    )
}

/// The lint codes `check_source_with` reports for `source` under `config`.
fn codes(source: &str, config: &Config) -> Vec<String> {
    let file = SourceFile::new("suppressed.rs", source.to_owned());
    objlint::check_source_with(&file, "suppressed", config)
        .unwrap_or_else(|error| panic!("does not parse: {error}\n{source}"))
        .iter()
        .map(objlint::lints::diagnostic::Diagnostic::code)
        .collect()
}

#[test]
fn a_required_reason_makes_reasonless_suppressions_hide_nothing() {
    let required = Config::parse(
        "require-suppression-reason = true\n",
        Path::new("objlint.toml"),
    )
    .expect("a valid configuration");
    // (suppression, whether the finding remains by default, and when a reason is required)
    let cases: &[(&str, bool, bool)] = &[
        (
            "// objlint: allow(non_unique_object_name) -- the service opens it by this name",
            false,
            false,
        ),
        ("// objlint: allow(non_unique_object_name)", false, true),
        ("// objlint: allow(non_unique_object_name) --   ", false, true),
        (
            "#[cfg_attr(objlint, allow(objlint::non_unique_object_name, reason = \"the service opens it\"))]",
            false,
            false,
        ),
        (
            "#[cfg_attr(objlint, allow(objlint::non_unique_object_name))]",
            false,
            true,
        ),
    ];
    let finding = |remains: bool| {
        if remains {
            vec!["objlint::non_unique_object_name".to_owned()]
        } else {
            Vec::new()
        }
    };
    for &(suppression, by_default, when_required) in cases {
        let source = suppressed_event(suppression);
        assert_eq!(
            codes(&source, &Config::default()),
            finding(by_default),
            "by default: {suppression}"
        );
        assert_eq!(
            codes(&source, &required),
            finding(when_required),
            "with require-suppression-reason: {suppression}"
        );
    }
}

#[test]
fn a_finding_kept_for_want_of_a_reason_says_why() {
    let tree = Tree::package("reasons")
        .file(
            "src/main.rs",
            suppressed_event("// objlint: allow(non_unique_object_name)"),
        )
        .file("objlint.toml", "require-suppression-reason = true\n");
    objlint(&tree.root, &[])
        .assert_code(1)
        .assert_stderr_has("error[objlint::non_unique_object_name]")
        .assert_stderr_has("the suppression on line 2 gives no reason")
        .assert_stderr_lacks("unused_suppression");
}

#[test]
fn command_line_allow_does_not_make_a_suppression_unused() {
    let tree = Tree::package("allowed").file(
        "src/main.rs",
        suppressed_event("// objlint: allow(non_unique_object_name) -- shared on purpose"),
    );
    objlint(&tree.root, &["-A", "objlint::non_unique_object_name"])
        .assert_code(0)
        .assert_stderr_has("no findings");
}

/// A crate whose only function carries the suppression attribute, built with warnings denied.
fn build_with_attribute(lints_table: &str) -> Run {
    let source = "#[cfg_attr(objlint, allow(objlint::non_unique_object_name, reason = \"shared with the service\"))]\npub fn open() {}\n";
    let tree = Tree::new()
        .file(
            "Cargo.toml",
            format!("{}{lints_table}", manifest("cfg_objlint")),
        )
        .file("src/lib.rs", source);
    let target = tree.path("target");
    Run::of(
        Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--offline"])
            .current_dir(&tree.root)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", "-D warnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS"),
    )
}

#[test]
fn cfg_attr_suppressions_compile_with_warnings_denied_given_check_cfg() {
    build_with_attribute(
        "\n[lints.rust]\nunexpected_cfgs = { level = \"warn\", check-cfg = ['cfg(objlint)'] }\n",
    )
    .assert_code(0);
    // Without it rustc's `unexpected_cfgs` rejects the unknown cfg, as the README warns.
    build_with_attribute("")
        .assert_code(101)
        .assert_stderr_has("unexpected `cfg` condition name: `objlint`");
}

#[test]
fn findings_are_in_the_order_of_the_file() {
    // The suppression problem on line 1 is found after the creation on line 3.
    let source = "// objlint: allow(no_such_lint)\npub fn open() {\n    let _event = unsafe { CreateEventW(None, true, false, w!(\"SharedEvent\")) };\n}\n";
    let file = SourceFile::new("ordered.rs", source.to_owned());
    let lines: Vec<usize> = objlint::check_source_with(&file, "ordered", &Config::default())
        .unwrap_or_else(|error| panic!("does not parse: {error}"))
        .iter()
        .map(|diagnostic| file.line_column(diagnostic.primary.span.start).line)
        .collect();
    assert_eq!(lines, [1, 3]);
}
