//! Baselines: `--write-baseline` records today's findings, `--baseline` reports only new ones,
//! entries survive unrelated edits because they hold no line numbers, and fixed findings leave
//! stale entries that are reported.

use crate::cli::{mapping_named, name_finding, objlint, Tree};

const BASELINE: &str = "objlint-baseline.toml";

/// A package whose `src/main.rs` is `source`, with a baseline of it written.
fn baselined(source: &str) -> Tree {
    let tree = Tree::package("legacy").file("src/main.rs", source);
    objlint(&tree.root, &["--write-baseline", BASELINE])
        .assert_code(0)
        .assert_stderr_has(&format!("to {BASELINE}"))
        .assert_stderr_lacks("error[");
    tree
}

#[test]
fn a_baseline_hides_the_findings_it_records() {
    let tree = baselined(&mapping_named("Legacy"));
    objlint(&tree.root, &["--baseline", BASELINE])
        .assert_code(0)
        .assert_stderr_lacks("error[")
        .assert_stderr_has("objlint: no findings in 1 file checked")
        .assert_stderr_has("objlint: 2 findings hidden by the baseline; 0 stale baseline entries");
    // Without it, everything is reported again.
    objlint(&tree.root, &[]).assert_code(1);
}

#[test]
fn the_baseline_file_keys_entries_by_lint_file_item_and_name_not_line() {
    let tree = baselined(&mapping_named("Legacy"));
    let text = tree.read(BASELINE);
    for expected in [
        "version = 1",
        "[[finding]]",
        "lint = \"non_unique_object_name\"",
        "lint = \"unchecked_already_exists\"",
        "file = \"src/main.rs\"",
        "item = \"fn open\"",
        "name = \"Legacy\"",
        "count = 1",
    ] {
        assert!(
            text.contains(expected),
            "baseline lacks {expected:?}:\n{text}"
        );
    }
    assert!(
        !text.contains("line =") && !text.contains("column"),
        "baseline holds line numbers:\n{text}"
    );
}

#[test]
fn unrelated_edits_keep_entries_and_new_findings_are_reported() {
    let tree = baselined(&mapping_named("Legacy"));
    // Lines inserted above move the old finding; a new function adds a new one.
    let edited = format!(
        "// A comment\n\n// and another.\n{}\n{}",
        mapping_named("Legacy"),
        mapping_named("Fresh").replace("fn open", "fn fresh")
    );
    let tree = tree.file("src/main.rs", edited);
    objlint(&tree.root, &["--baseline", BASELINE])
        .assert_code(1)
        .assert_stderr_has(&name_finding("Fresh"))
        .assert_stderr_lacks(&name_finding("Legacy"))
        .assert_stderr_has("objlint: 2 findings hidden by the baseline; 0 stale");
}

#[test]
fn findings_about_the_call_survive_the_rename_the_name_finding_asks_for() {
    let tree = baselined(&mapping_named("Legacy"));
    let text = tree.read(BASELINE);
    assert!(
        text.contains("call = \"CreateFileMappingW\""),
        "the unchecked finding is keyed by its call:\n{text}"
    );
    // The GUID non_unique_object_name asks for: the unchecked result is the same finding.
    let renamed = mapping_named("Legacy-6f1c9a52-3d4b-4e8a-9b7c-2a5d8e0f1b3c");
    std::fs::write(tree.path("src/main.rs"), renamed).expect("rename the object");
    objlint(&tree.root, &["--baseline", BASELINE])
        .assert_code(0)
        .assert_stderr_lacks("error[")
        .assert_stderr_has("objlint: 1 finding hidden by the baseline; 1 stale baseline entry")
        .assert_stderr_has(
            "objlint::non_unique_object_name in src/main.rs, fn open, name `Legacy`",
        );
}

#[test]
fn entries_written_before_calls_were_recorded_still_match_by_name() {
    let tree = baselined(&mapping_named("Legacy"));
    let legacy = tree
        .read(BASELINE)
        .replace("call = \"CreateFileMappingW\"", "name = \"Legacy\"");
    std::fs::write(tree.path(BASELINE), legacy).expect("write a baseline of the first format");
    objlint(&tree.root, &["--baseline", BASELINE])
        .assert_code(0)
        .assert_stderr_has("2 findings hidden by the baseline; 0 stale baseline entries");
}

#[test]
fn a_second_identical_finding_is_new() {
    let tree = baselined(&mapping_named("Twice"));
    let doubled = mapping_named("Twice").replace(
        "    let _mapping",
        "    let _first = unsafe { CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 65536, w!(\"Twice\")) };\n    let _mapping",
    );
    let tree = tree.file("src/main.rs", doubled);
    objlint(&tree.root, &["--baseline", BASELINE])
        .assert_code(1)
        .assert_stderr_has("objlint: 2 errors")
        .assert_stderr_has("objlint: 2 findings hidden by the baseline");
}

#[test]
fn fixed_findings_leave_stale_entries_that_are_reported() {
    let tree = baselined(&mapping_named("Legacy"));
    let checked = mapping_named("Legacy").replace(
        "}\n",
        "    if GetLastError() == ERROR_ALREADY_EXISTS {\n        return;\n    }\n}\n",
    );
    let tree = tree.file("src/main.rs", checked);
    objlint(&tree.root, &["--baseline", BASELINE])
        // The name is still not unique, and still baselined.
        .assert_code(0)
        .assert_stderr_has(
            "warning: stale baseline entry, no longer found: objlint::unchecked_already_exists in src/main.rs, fn open, call `CreateFileMappingW`",
        )
        .assert_stderr_has("objlint: 1 finding hidden by the baseline; 1 stale baseline entry");
    // Machine formats keep stdout clean and warn on stderr.
    let run = objlint(&tree.root, &["--baseline", BASELINE, "--format", "json"]);
    run.assert_code(0)
        .assert_stderr_has("warning: stale baseline entry");
    run.json();
    // Rewriting the baseline drops the stale entry.
    objlint(&tree.root, &["--write-baseline", BASELINE]).assert_code(0);
    assert!(!tree.read(BASELINE).contains("unchecked_already_exists"));
}

#[test]
fn entries_of_files_not_checked_are_not_stale() {
    let tree = Tree::package("partial")
        .file("src/main.rs", mapping_named("Main"))
        .file("src/other.rs", mapping_named("Other"));
    objlint(&tree.root, &["--write-baseline", BASELINE]).assert_code(0);
    objlint(&tree.root, &["--baseline", BASELINE, "src/main.rs"])
        .assert_code(0)
        .assert_stderr_has("0 stale baseline entries");
}

#[test]
fn no_baseline_is_written_when_a_file_cannot_be_checked() {
    let tree = Tree::package("broken")
        .file("src/main.rs", mapping_named("Legacy"))
        .file("src/broken.rs", "fn broken( { CreateEventW\n");
    objlint(&tree.root, &["--write-baseline", BASELINE])
        .assert_code(2)
        .assert_stderr_has("not writing the baseline");
    assert!(!tree.path(BASELINE).exists());
}

#[test]
fn a_bad_baseline_is_an_error() {
    let tree = Tree::package("bad")
        .file("src/main.rs", mapping_named("Legacy"))
        .file(BASELINE, "version = 1\n[[finding]]\nlint = \"x\"\n");
    objlint(&tree.root, &["--baseline", BASELINE])
        .assert_code(2)
        .assert_stderr_has(&format!("{BASELINE}:2: not an objlint baseline"));
    objlint(&tree.root, &["--baseline", "missing.toml"])
        .assert_code(2)
        .assert_stderr_has("missing.toml");
}
