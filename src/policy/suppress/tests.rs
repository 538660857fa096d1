//! Suppressions on their own: source text and findings in, the findings left out. The lints
//! are not run; each finding is placed by hand on a piece of the text, so each test says which
//! code a suppression covers. End-to-end behaviour is in `fixtures/unused_suppression/` and
//! `tests/suppressions.rs`.

use super::collect;
use crate::lints::diagnostic::Diagnostic;
use crate::lints::{self, Lint};
use crate::scan::source::{ByteSpan, SourceFile};

/// The findings left after the suppressions of `source`, each as `lint@line` (with its message
/// for those the suppressions make). Each of `findings` is a lint's finding on the first
/// occurrence of its text in `source`.
fn left(source: &str, findings: &[(&'static Lint, &str)], require_reason: bool) -> Vec<String> {
    let file = SourceFile::new("suppressed.rs", source.to_owned());
    let diagnostics: Vec<Diagnostic> = findings
        .iter()
        .map(|&(lint, on)| {
            let start = source
                .find(on)
                .unwrap_or_else(|| panic!("`{on}` is not in the source"));
            let span = ByteSpan::new(start, start + on.len());
            Diagnostic::new(lint, span, "found".to_owned(), String::new())
        })
        .collect();
    collect(&file, &diagnostics)
        .apply(diagnostics, &file, require_reason)
        .iter()
        .map(|diagnostic| {
            let line = file.line_number(diagnostic.primary.span.start);
            match diagnostic.message.as_str() {
                "found" => format!("{}@{line}", diagnostic.lint.name),
                message => format!("{}@{line}: {message}", diagnostic.lint.name),
            }
        })
        .collect()
}

const NON_UNIQUE: &Lint = &lints::NON_UNIQUE_OBJECT_NAME;
const UNCHECKED: &Lint = &lints::UNCHECKED_ALREADY_EXISTS;

#[test]
fn a_trailing_comment_covers_the_statement_its_line_ends() {
    let source = "fn open() {\n    let event = create(\n        \"Shared\",\n    ); // objlint: allow(non_unique_object_name)\n    let other = create(\"Other\");\n}\n";
    assert_eq!(
        left(
            source,
            &[(NON_UNIQUE, "\"Shared\""), (NON_UNIQUE, "\"Other\"")],
            false
        ),
        ["non_unique_object_name@5"]
    );
}

#[test]
fn a_comment_on_its_own_line_covers_the_whole_next_statement_past_stacked_comments() {
    let source = "fn open() {\n    // objlint: allow(non_unique_object_name) -- shared with the service\n    // objlint: allow(unchecked_already_exists) -- the service made it\n    // (a plain comment between)\n    let event = create(\n        \"Shared\",\n    );\n    let other = create(\"Other\");\n}\n";
    assert_eq!(
        left(
            source,
            &[
                (NON_UNIQUE, "\"Shared\""),
                (UNCHECKED, "create(\n"),
                (NON_UNIQUE, "\"Other\""),
            ],
            false,
        ),
        ["non_unique_object_name@8"]
    );
}

#[test]
fn a_blank_line_after_a_comment_leaves_it_covering_nothing() {
    let source = "fn open() {\n    // objlint: allow(non_unique_object_name)\n\n    let event = create(\"Shared\");\n}\n";
    assert_eq!(
        left(source, &[(NON_UNIQUE, "\"Shared\"")], false),
        [
            "non_unique_object_name@4",
            "unused_suppression@2: the suppression of `objlint::non_unique_object_name` suppresses nothing",
        ]
    );
}

#[test]
fn allow_file_covers_every_finding_of_its_lints_only() {
    let source = "// objlint: allow-file(non_unique_object_name) -- names from the vendor's SDK\nfn a() { create(\"A\"); }\nfn b() { create(\"B\"); }\n";
    assert_eq!(
        left(
            source,
            &[
                (NON_UNIQUE, "\"A\""),
                (NON_UNIQUE, "\"B\""),
                (UNCHECKED, "create(\"B\")")
            ],
            false,
        ),
        ["unchecked_already_exists@3"]
    );
}

#[test]
fn a_suppression_of_another_lint_hides_nothing_and_is_unused() {
    let source =
        "fn open() {\n    create(\"Shared\"); // objlint: allow(unchecked_already_exists)\n}\n";
    assert_eq!(
        left(source, &[(NON_UNIQUE, "\"Shared\"")], false),
        [
            "non_unique_object_name@2",
            "unused_suppression@2: the suppression of `objlint::unchecked_already_exists` suppresses nothing",
        ]
    );
}

#[test]
fn unknown_lints_and_unreadable_comments_are_findings() {
    let source = "fn open() {\n    create(\"A\"); // objlint: allow(non_unique_object_nam)\n    create(\"B\"); // objlint: allow non_unique_object_name\n    create(\"C\"); // objlint: allow(non_unique_object_name) because\n}\n";
    assert_eq!(
        left(source, &[(NON_UNIQUE, "\"A\"")], false),
        [
            "non_unique_object_name@2",
            "unused_suppression@2: unknown lint `non_unique_object_nam` in a suppression",
            "unused_suppression@3: objlint cannot read this suppression",
            "unused_suppression@4: objlint cannot read this suppression",
        ]
    );
}

#[test]
fn only_real_line_comments_are_suppressions() {
    // In a string, a block comment or a doc comment, `objlint:` is text.
    let source = "/// objlint: allow(non_unique_object_name)\nfn open() {\n    /* // objlint: allow(non_unique_object_name) */\n    create(\"// objlint: allow(non_unique_object_name)\");\n}\n";
    assert_eq!(
        left(source, &[(NON_UNIQUE, "\"// objlint")], false),
        ["non_unique_object_name@4"]
    );
}

#[test]
fn an_attribute_covers_the_node_it_is_on() {
    let source = "#[cfg_attr(objlint, allow(objlint::non_unique_object_name, reason = \"shared\"))]\nfn covered() {\n    create(\"A\");\n}\n\nfn open() {\n    #[cfg_attr(objlint, allow(objlint::unchecked_already_exists))]\n    let b = create(\"B\");\n    let c = create(\"C\");\n}\n";
    assert_eq!(
        left(
            source,
            &[
                (NON_UNIQUE, "\"A\""),
                (UNCHECKED, "create(\"B\")"),
                (UNCHECKED, "create(\"C\")"),
            ],
            false,
        ),
        ["unchecked_already_exists@9"]
    );
}

#[test]
fn an_attribute_on_code_without_findings_is_unused() {
    let source = "fn open() {\n    create(\"A\");\n}\n\n#[cfg_attr(objlint, allow(objlint::non_unique_object_name))]\nfn quiet() {}\n";
    assert_eq!(
        left(source, &[(NON_UNIQUE, "\"A\"")], false),
        [
            "non_unique_object_name@2",
            "unused_suppression@5: the suppression of `objlint::non_unique_object_name` suppresses nothing",
        ]
    );
}

#[test]
fn an_inner_attribute_at_the_top_covers_the_file() {
    let source = "#![cfg_attr(objlint, allow(objlint::non_unique_object_name))]\n\nfn a() { create(\"A\"); }\n";
    assert!(left(source, &[(NON_UNIQUE, "\"A\"")], false).is_empty());
}

#[test]
fn a_required_reason_keeps_findings_of_reasonless_suppressions() {
    let source = "fn open() {\n    create(\"A\"); // objlint: allow(non_unique_object_name)\n    create(\"B\"); // objlint: allow(non_unique_object_name) -- the service's name\n}\n";
    let findings = [(NON_UNIQUE, "\"A\""), (NON_UNIQUE, "\"B\"")];
    assert!(left(source, &findings, false).is_empty());
    assert_eq!(left(source, &findings, true), ["non_unique_object_name@2"]);
}

#[test]
fn unused_suppression_findings_can_be_suppressed_by_name() {
    let source = "// objlint: allow-file(unused_suppression) -- kept for the next release\nfn open() {\n    create(\"A\"); // objlint: allow(non_unique_object_name, no_such_lint)\n}\n";
    assert!(left(source, &[(NON_UNIQUE, "\"A\"")], false).is_empty());
}

#[test]
fn a_file_without_suppressions_keeps_every_finding() {
    let source = "fn open() {\n    create(\"A\");\n}\n";
    assert_eq!(
        left(
            source,
            &[(NON_UNIQUE, "\"A\""), (UNCHECKED, "create")],
            false
        ),
        ["non_unique_object_name@2", "unchecked_already_exists@2"]
    );
}
