//! The README's examples, as a user copies them: every TOML and YAML block parses, every
//! configuration and baseline block is accepted by objlint, and every `cargo objlint …` line of a
//! shell block runs, in order, on a workspace with findings, without a usage or configuration
//! error. The CI recipes and the pre-commit block are run in full by `recipes` and `precommit`;
//! here every block is held to at least parsing, so none can be left out by a marker.

use std::process::Command;

use crate::cli::{mapping_named, Run, Tree, CLASH_MAIN};
use crate::support::repo_root;

/// One fenced block of the README: its language, first line number and text.
struct Block {
    language: String,
    line: usize,
    text: String,
}

fn readme_blocks() -> Vec<Block> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("read README.md");
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for (index, line) in readme.lines().enumerate() {
        let fence = line.trim_start();
        match (&mut open, fence.strip_prefix("```")) {
            (None, Some(language)) => {
                open = Some(Block {
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
    assert!(open.is_none(), "a code block of the README is not closed");
    blocks
}

fn blocks_in(language: &str) -> Vec<Block> {
    let blocks: Vec<Block> = readme_blocks()
        .into_iter()
        .filter(|block| block.language == language)
        .collect();
    assert!(!blocks.is_empty(), "the README has no {language} block");
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
                "README.md:{}: the TOML block does not parse: {error}\n{}",
                block.line, block.text
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
            "README.md:{}: objlint does not accept this block\n{}\n{run}",
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
                "README.md:{}: the YAML block does not parse: {error}\n{}",
                block.line, block.text
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
                "README.md:{}: `{command}` fails as written\n{run}",
                block.line + 1 + offset
            );
        }
    }
    assert!(
        commands > 0,
        "the README's shell blocks run no `cargo objlint`"
    );
}
