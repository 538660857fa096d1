//! Properties over generated and padded sources: every reported span lies inside its file, on
//! character boundaries, and renders; JSON and SARIF output always parse; parsing a large file
//! item by item finds exactly what parsing it whole finds.

use std::fmt::Write as _;

use objlint::lints::diagnostic::Diagnostic;
use objlint::scan::source::SourceFile;
use proptest::prelude::*;
use serde_json::Value;

use crate::support::{repo_root, rust_files};

/// Everything about a finding that rendering shows, with spans moved back by `shift` bytes when
/// they lie after `from`.
fn summary(diagnostics: &[Diagnostic], from: usize, shift: usize) -> Vec<String> {
    let back = |offset: usize| {
        if offset >= from {
            offset - shift
        } else {
            offset
        }
    };
    diagnostics
        .iter()
        .map(|diagnostic| {
            let mut line = format!(
                "{} {} {}..{} {}",
                diagnostic.level.as_str(),
                diagnostic.lint.name,
                back(diagnostic.primary.span.start),
                back(diagnostic.primary.span.end),
                diagnostic.message
            );
            for label in &diagnostic.secondary {
                let _ = write!(
                    line,
                    " | {}..{} {}",
                    back(label.span.start),
                    back(label.span.end),
                    label.message
                );
            }
            for help in &diagnostic.helps {
                let _ = write!(line, " | help: {}", help.message);
            }
            line
        })
        .collect()
}

/// The length of the file's leading comment lines (and byte-order mark).
fn header_len(text: &str) -> usize {
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        let code = line.trim_start_matches('\u{feff}').trim();
        if !(code.is_empty() || code.starts_with("//")) {
            break;
        }
        end += line.len();
    }
    end
}

/// Items that mention no API, enough to make any file large enough to be parsed item by item.
fn filler() -> String {
    let mut text = String::new();
    let mut index = 0;
    while text.len() < 200 * 1024 {
        let _ = writeln!(
            text,
            "/// Filler {index}.\npub fn filler_{index}(value: u32) -> u32 {{\n\tvalue.wrapping_mul({index}) // 漢字\r\n}}\nimpl Filler{index} {{ const LIMIT: u32 = {index}; }}"
        );
        index += 1;
    }
    text
}

#[test]
fn a_files_own_cfg_test_holds_when_its_first_items_are_not_parsed() {
    // Parsed item by item, the items between `#![cfg(test)]` and the creation are left out of
    // the parse: the file is test code all the same.
    let text = format!(
        "#![cfg(test)]\n{}\nfn helper() {{\n    let _ = unsafe {{ CreateEventW(None, true, false, w!(\"Local\\\\Helper\")) }};\n}}\n",
        filler()
    );
    let found = objlint::check_source(&SourceFile::new("tests.rs", text), "fixture")
        .expect("the file parses");
    let levels: Vec<&str> = found.iter().map(|found| found.level.as_str()).collect();
    assert_eq!(levels, ["warn"], "{}", summary(&found, 0, 0).join("\n"));
}

#[test]
fn large_files_parsed_item_by_item_report_exactly_what_whole_files_do() {
    let filler = filler();
    let mut checked = 0;
    for path in rust_files(&repo_root().join("fixtures")) {
        let text = std::fs::read_to_string(&path).expect("read a fixture");
        let name = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let whole = objlint::check_source(&SourceFile::new(&name, text.clone()), "fixture");
        let after = objlint::check_source(
            &SourceFile::new(&name, format!("{text}\n{filler}")),
            "fixture",
        );
        // The filler goes after the leading comments (inner doc comments, `allow-file`), which
        // belong at the top of a file.
        let header = header_len(&text);
        let shift = filler.len() + 1;
        let before = objlint::check_source(
            &SourceFile::new(
                &name,
                format!("{}{filler}\n{}", &text[..header], &text[header..]),
            ),
            "fixture",
        );
        match (whole, after, before) {
            (Ok(whole), Ok(after), Ok(before)) => {
                assert_eq!(
                    summary(&whole, 0, 0),
                    summary(&after, 0, 0),
                    "{} with items after it",
                    path.display()
                );
                // Messages that name a place (`created at names.rs:33:39`) move with the lines.
                let places = |summary: Vec<String>| -> Vec<String> {
                    summary
                        .iter()
                        .map(|line| line.split(' ').take(3).collect::<Vec<_>>().join(" "))
                        .collect()
                };
                assert_eq!(
                    places(summary(&whole, 0, 0)),
                    places(summary(&before, header + shift, shift)),
                    "{} with items before it",
                    path.display()
                );
            }
            (Err(_), Err(_), Err(_)) => {}
            (whole, after, before) => panic!(
                "{}: whole {:?}, with items after {:?}, before {:?}",
                path.display(),
                whole.map(|found| found.len()),
                after.map(|found| found.len()),
                before.map(|found| found.len())
            ),
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} fixtures found");
}

/// Pieces a generated source is made of: calls of several APIs with generated names, `const`s
/// they refer to, nesting, comments, strings, wide characters and every kind of line ending.
fn piece() -> impl Strategy<Value = String> {
    let name = "[a-zA-Z0-9 _\\\\/\u{1b}\u{7}\r\n\t\"漢🦀-]{0,12}";
    prop_oneof![
        name.prop_map(|name| format!("CreateMutexW(None, true, w!({name:?}))")),
        name.prop_map(|name| format!(
            "CreateFileMappingW(INVALID_HANDLE_VALUE, None, PAGE_READWRITE, 0, 4096, {name:?})"
        )),
        name.prop_map(|name| format!("CreateEventA(None, true, false, s!({name:?}))")),
        name.prop_map(|name| format!("const NAME: &str = {name:?};")),
        Just("CreateMutexW(None, false, NAME)".to_owned()),
        Just("if GetLastError() == ERROR_ALREADY_EXISTS { return; }".to_owned()),
        Just("fn f() {".to_owned()),
        Just("}".to_owned()),
        Just("(".to_owned()),
        Just(")".to_owned()),
        Just("let x = ".to_owned()),
        Just(";".to_owned()),
        Just("// objlint: allow(non_unique_object_name)".to_owned()),
        Just("/* 🦀 */".to_owned()),
        Just("'a'".to_owned()),
        Just("r#\"raw\"#".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n".to_owned()),
        Just("\t".to_owned()),
        Just("漢字".to_owned()),
        Just("unsafe {".to_owned()),
    ]
}

fn source() -> impl Strategy<Value = String> {
    (any::<bool>(), prop::collection::vec(piece(), 0..40)).prop_map(|(wrap, pieces)| {
        let body = pieces.join(" ");
        if wrap {
            format!("fn main() {{ {body} }}\n")
        } else {
            body
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_span_lies_inside_its_file_and_renders(text in source()) {
        let file = SourceFile::new("generated.rs", text);
        match objlint::check_source(&file, "generated") {
            Ok(diagnostics) => {
                for diagnostic in &diagnostics {
                    let spans = std::iter::once(diagnostic.primary.span)
                        .chain(diagnostic.secondary.iter().map(|label| label.span))
                        .chain(diagnostic.helps.iter().filter_map(|help| help.suggestion.as_ref()).map(|suggestion| suggestion.span));
                    for span in spans {
                        prop_assert!(span.start <= span.end && span.end <= file.text.len(), "{span:?} outside {} bytes", file.text.len());
                        prop_assert!(file.text.is_char_boundary(span.start) && file.text.is_char_boundary(span.end));
                        let start = file.line_column(span.start);
                        prop_assert!(start.line >= 1 && start.column >= 1);
                    }
                    let rendered = objlint::report::human::render_diagnostic(&file, diagnostic);
                    prop_assert!(!rendered.contains('\u{1b}'), "an escape reached the rendering: {rendered}");
                }
            }
            Err(error) => {
                if let Some(span) = error.span() {
                    prop_assert!(span.start <= span.end && span.end <= file.text.len());
                }
                objlint::report::human::render_error(&file, &error);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn json_and_sarif_output_always_parse(text in source(), file_name in "[a-z\u{1b}\n:, 漢]{1,8}") {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join(format!("{file_name}.rs"));
        std::fs::write(&path, &text).expect("write the generated file");
        let report = objlint::check_paths(std::slice::from_ref(&path), dir.path());
        let json = objlint::report::json::render(&report, !report.has_errors());
        for line in json.lines() {
            let value: Value = serde_json::from_str(line).map_err(|error| TestCaseError::fail(format!("{error}: {line}")))?;
            prop_assert!(value.is_object());
        }
        let sarif = objlint::report::sarif::render(&report, dir.path());
        prop_assert!(serde_json::from_str::<Value>(&sarif).is_ok(), "SARIF does not parse: {sarif}");
    }
}
