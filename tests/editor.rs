//! Editor integration: rust-analyzer shows a checker's findings inline when
//! `rust-analyzer.check.overrideCommand` runs it with `--message-format=json`, reading stdout with
//! `cargo_metadata`'s `Message` parser. Every line objlint prints in that mode must parse there into
//! a `CompilerMessage` whose spans and suggestions are the ones the human output shows.

use cargo_metadata::diagnostic::DiagnosticSpan;
use cargo_metadata::Message;

use crate::cli::{objlint, Tree, CLASH_MAIN};

/// The human output's places (`┌─ file:line:column`) and suggested code (the last backquoted
/// part of each `help:` line), in order.
fn human_places_and_suggestions(stderr: &str) -> (Vec<String>, Vec<String>) {
    let places = stderr
        .lines()
        .filter_map(|line| line.split_once("┌─ ").map(|(_, place)| place.to_owned()))
        .collect();
    let suggestions = stderr
        .lines()
        .filter(|line| line.contains("= help:"))
        .filter_map(|line| {
            let end = line.rfind('`')?;
            let start = line[..end].rfind('`')?;
            Some(line[start + 1..end].to_owned())
        })
        .collect();
    (places, suggestions)
}

fn primary(spans: &[DiagnosticSpan]) -> &DiagnosticSpan {
    spans
        .iter()
        .find(|span| span.is_primary)
        .expect("a primary span")
}

#[test]
fn every_json_line_parses_as_rust_analyzer_reads_it_and_matches_the_human_output() {
    let tree = Tree::package("clash").file("src/main.rs", CLASH_MAIN);
    // The command the README's editor settings run.
    let json = objlint(&tree.root, &["--message-format=json"]);
    json.assert_code(1);
    let human = objlint(&tree.root, &["--color", "never"]);
    let (places, suggestions) = human_places_and_suggestions(&human.stderr);

    let mut compiler_messages = Vec::new();
    for message in Message::parse_stream(json.stdout.as_bytes()) {
        match message.expect("a line rust-analyzer can read") {
            Message::CompilerMessage(message) => compiler_messages.push(message),
            Message::BuildFinished(_) => {}
            other => panic!("a line rust-analyzer does not expect: {other:?}\n{json}"),
        }
    }
    assert_eq!(compiler_messages.len(), 2, "{json}");
    assert_eq!(places.len(), compiler_messages.len(), "{human}");

    let mut suggested = Vec::new();
    for (message, place) in compiler_messages.iter().zip(&places) {
        let span = primary(&message.message.spans);
        assert_eq!(
            format!(
                "{}:{}:{}",
                span.file_name, span.line_start, span.column_start
            ),
            *place,
            "the JSON places the finding where the human output does\n{json}"
        );
        assert!(
            message
                .message
                .code
                .as_ref()
                .is_some_and(|code| code.code.starts_with("objlint::")),
            "{message:?}"
        );
        for child in &message.message.children {
            suggested.extend(
                child
                    .spans
                    .iter()
                    .filter_map(|span| span.suggested_replacement.clone()),
            );
        }
    }
    assert!(
        !suggested.is_empty(),
        "the name finding suggests a name\n{json}"
    );
    for replacement in &suggested {
        // The human output shows the edit inside the expression it changes (`w!("…")`).
        assert!(
            suggestions
                .iter()
                .any(|suggestion| suggestion.contains(replacement.as_str())),
            "the JSON suggests {replacement:?}, which the human output does not show\n{human}"
        );
    }
}

/// Every editor setting in `docs/editors.md` runs the command the test above reads.
#[test]
fn every_editor_setting_runs_objlint_with_json_messages() {
    let page = std::fs::read_to_string(crate::support::repo_root().join("docs/editors.md"))
        .expect("read docs/editors.md");
    let settings: Vec<&str> = page
        .split("```")
        .skip(1)
        .step_by(2)
        .filter(|block| block.contains("overrideCommand"))
        .collect();
    assert!(settings.len() >= 3, "VS Code, Neovim and Helix:\n{page}");
    for setting in settings {
        assert!(
            setting.contains("cargo objlint --message-format=json"),
            "a setting that does not run `cargo objlint --message-format=json`:\n{setting}"
        );
    }
}
