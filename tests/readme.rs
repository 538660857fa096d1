//! The examples of the README and of the reference pages in `docs/`, as a user copies them:
//! every TOML and YAML block parses, every configuration and baseline block is accepted by
//! objlint, and every `cargo objlint …` line of a shell block runs, in order, on a workspace with
//! findings, without a usage or configuration error. The CI recipes and the pre-commit block are
//! run in full by `recipes` and `precommit`; here every block is held to at least parsing, so none
//! can be left out by a marker. And every relative link of those pages leads to a file, and to a
//! heading where it names one.

use std::process::Command;

use crate::cli::{mapping_named, Run, Tree, CLASH_MAIN};
use crate::support::repo_root;

/// One fenced block of a page: the page, its language, first line number and text.
struct Block {
    page: String,
    language: String,
    line: usize,
    text: String,
}

/// The README and the pages of `docs/`, each with its path from the repository root.
pub(crate) fn pages() -> Vec<(String, String)> {
    let root = repo_root();
    let mut names = vec!["README.md".to_owned()];
    let mut docs: Vec<String> = std::fs::read_dir(root.join("docs"))
        .expect("read docs/")
        .map(|entry| entry.expect("a docs/ entry").file_name())
        .map(|name| format!("docs/{}", name.to_string_lossy()))
        .filter(|name| {
            std::path::Path::new(name)
                .extension()
                .is_some_and(|extension| extension == "md")
        })
        .collect();
    docs.sort();
    names.extend(docs);
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(root.join(&name))
                .unwrap_or_else(|error| panic!("read {name}: {error}"));
            (name, text)
        })
        .collect()
}

fn blocks() -> Vec<Block> {
    let mut blocks = Vec::new();
    for (page, text) in pages() {
        let mut open: Option<Block> = None;
        for (index, line) in text.lines().enumerate() {
            let fence = line.trim_start();
            match (&mut open, fence.strip_prefix("```")) {
                (None, Some(language)) => {
                    open = Some(Block {
                        page: page.clone(),
                        language: language.trim().to_owned(),
                        line: index + 1,
                        text: String::new(),
                    });
                }
                (Some(_), Some(_)) => blocks.extend(open.take()),
                (Some(block), None) => {
                    block.text.push_str(line);
                    block.text.push('\n');
                }
                (None, None) => {}
            }
        }
        assert!(open.is_none(), "a code block of {page} is not closed");
    }
    blocks
}

fn blocks_in(language: &str) -> Vec<Block> {
    let blocks: Vec<Block> = blocks()
        .into_iter()
        .filter(|block| block.language == language)
        .collect();
    assert!(!blocks.is_empty(), "no page has a {language} block");
    blocks
}

/// A workspace that the README's commands can run on as written: findings in `src/main.rs`, a
/// module `src/ipc.rs` and a member `crates/shm` (the paths the README's examples name).
fn workspace() -> Tree {
    Tree::new()
        .file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\"]\n\n[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("src/main.rs", CLASH_MAIN)
        .file("src/ipc.rs", mapping_named("Ipc"))
        .file(
            "crates/shm/Cargo.toml",
            "[package]\nname = \"shm\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .file("crates/shm/src/lib.rs", mapping_named("Frames"))
}

/// Runs `command` with bash in `tree`, `cargo objlint` being the built binary.
fn run_in(tree: &Tree, command: &str) -> Run {
    let binary = env!("CARGO_BIN_EXE_cargo-objlint");
    assert!(!binary.contains('\''), "a binary path bash can quote");
    let command = command.replace("cargo objlint", &format!("'{binary}'"));
    Run::of(
        Command::new("bash")
            .args(["-e", "-o", "pipefail", "-c", &command])
            .current_dir(&tree.root),
    )
}

#[test]
fn every_toml_block_parses_and_objlint_accepts_its_configurations_and_baselines() {
    for block in blocks_in("toml") {
        let parsed: Result<toml::Table, _> = toml::from_str(&block.text);
        if let Err(error) = parsed {
            panic!(
                "{}:{}: the TOML block does not parse: {error}\n{}",
                block.page, block.line, block.text
            );
        }
        let (file, command) = if block.text.contains("[[finding]]") {
            (
                "objlint-baseline.toml",
                "cargo objlint --baseline objlint-baseline.toml",
            )
        } else if block.text.starts_with("# objlint.toml") {
            ("objlint.toml", "cargo objlint")
        } else {
            // Another tool's configuration (Cargo's `[lints.rust]`): parsing is all we can hold it to.
            continue;
        };
        let tree = workspace().file(file, &block.text);
        let run = run_in(&tree, command);
        assert!(
            matches!(run.code, Some(0 | 1)),
            "{}:{}: objlint does not accept this block\n{}\n{run}",
            block.page,
            block.line,
            block.text
        );
    }
}

#[test]
fn every_yaml_block_parses() {
    for block in blocks_in("yaml") {
        let parsed: Result<serde_json::Value, _> = serde_yaml_ng::from_str(&block.text);
        if let Err(error) = parsed {
            panic!(
                "{}:{}: the YAML block does not parse: {error}\n{}",
                block.page, block.line, block.text
            );
        }
    }
}

#[test]
fn every_cargo_objlint_line_of_a_shell_block_runs_as_written() {
    let mut commands = 0;
    for block in blocks_in("sh") {
        // One workspace per block: a block's lines build on each other (a baseline written,
        // then read).
        let tree = workspace();
        for (offset, line) in block.text.lines().enumerate() {
            let command = line.trim();
            if !command.starts_with("cargo objlint") {
                continue;
            }
            commands += 1;
            let run = run_in(&tree, command);
            assert!(
                matches!(run.code, Some(0 | 1)) && !run.stderr.starts_with("error:"),
                "{}:{}: `{command}` fails as written\n{run}",
                block.page,
                block.line + 1 + offset
            );
        }
    }
    assert!(
        commands > 0,
        "the pages' shell blocks run no `cargo objlint`"
    );
}

/// Every relative link of the README and the `docs/` pages leads to a file of the repository,
/// and a `#fragment` to a heading of its page, so moving a section cannot leave a link behind.
#[test]
fn every_relative_link_leads_somewhere() {
    let root = repo_root();
    let link = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let mut broken = Vec::new();
    for (page, text) in pages() {
        for found in link.captures_iter(&text) {
            let target = &found[1];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = target.split_once('#').unwrap_or((target, ""));
            let base = std::path::Path::new(&page)
                .parent()
                .unwrap_or(std::path::Path::new(""));
            let file = if path.is_empty() {
                root.join(&page)
            } else {
                root.join(base).join(path)
            };
            if !file.exists() {
                broken.push(format!("{page}: {target}: no {}", file.display()));
                continue;
            }
            if !fragment.is_empty() {
                let heading_text = std::fs::read_to_string(&file).unwrap_or_default();
                if !headings(&heading_text).any(|slug| slug == fragment) {
                    broken.push(format!("{page}: {target}: no heading #{fragment}"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// The anchors GitHub gives a page's headings: lowercase, spaces to `-`, other punctuation gone.
fn headings(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .filter(|line| line.starts_with('#'))
        .map(|line| {
            line.trim_start_matches('#')
                .trim()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    '-' | '_' => Some(c),
                    c if c.is_alphanumeric() => Some(c.to_ascii_lowercase()),
                    _ => None,
                })
                .collect()
        })
}
