//! `--fix` on the command line: what is said about the plan, and its edits applied or shown.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::Args;
use super::output::{say, unless_closed};
use crate::check::outcome::Report;
use crate::fix::{Edit, FileOutcome, FixPlan};
use crate::lints::diagnostic::{escaped, quoted};

/// What `--fix` did.
pub(super) enum FixRun {
    /// `--diff`: printed the diff; whether it shows any change.
    Diffed(bool),
    /// Rewrote the files; whether any could not be rewritten.
    Applied { failed: bool },
}

/// Plans the renames, says which are skipped and why, and applies (or diffs) the rest.
pub(super) fn run_fixes(
    args: &Args,
    report: &Report,
    stdout: &mut impl Write,
) -> anyhow::Result<FixRun> {
    let plan = crate::fix::plan(report);
    say_skipped(&plan, args.fix_unsafe);
    let edits = crate::fix::chosen_edits(&plan, args.fix_unsafe);
    if args.diff {
        let diff = crate::fix::diff(&edits);
        unless_closed(
            stdout
                .write_all(diff.as_bytes())
                .map_err(anyhow::Error::from),
        )?;
        return Ok(FixRun::Diffed(!diff.is_empty()));
    }
    let (rewritten, failed) = apply(&edits, &report.root);
    // A rename counts once every file it edits was written.
    let renamed = plan
        .renames
        .iter()
        .filter(|rename| args.fix_unsafe || rename.is_safe())
        .filter(|rename| {
            !rename.edits.is_empty()
                && rename
                    .edits
                    .iter()
                    .all(|edit| rewritten.contains(&edit.path))
        })
        .count();
    say(format_args!(
        "objlint: renamed {renamed} name(s) in {} file(s)",
        rewritten.len()
    ));
    let long_lines = crate::fix::lines_past_rustfmt_width(&edits, &rewritten);
    if long_lines > 0 {
        say(format_args!(
            "note: {long_lines} renamed line(s) are now longer than rustfmt's 100 columns: run `cargo fmt`"
        ));
    }
    Ok(FixRun::Applied { failed })
}

/// Says which renames have nothing to rewrite, and which are unsafe (skipped, or applied with
/// `--fix-unsafe`) and where their blockers are.
fn say_skipped(plan: &FixPlan, fix_unsafe: bool) {
    for rename in plan.renames.iter().filter(|rename| rename.edits.is_empty()) {
        say(format_args!(
            "warning: cannot rename {}: objlint found no literal of it to rewrite",
            quoted(&rename.old),
        ));
    }
    for rename in plan
        .renames
        .iter()
        .filter(|rename| !rename.is_safe() && !rename.edits.is_empty())
    {
        let verb = if fix_unsafe {
            "renaming anyway"
        } else {
            "not renaming"
        };
        say(format_args!(
            "warning: {verb} {}: {}",
            quoted(&rename.old),
            if fix_unsafe {
                "--fix-unsafe was given"
            } else {
                "run with --fix-unsafe to rename it anyway"
            }
        ));
        for blocker in &rename.blockers {
            say(format_args!(
                "  --> {}:{}:{}: {}",
                escaped(&blocker.path.display().to_string()),
                blocker.line,
                blocker.column,
                escaped(&blocker.why)
            ));
        }
    }
}

/// Rewrites the files, saying which were not fixed and why: the files rewritten, and whether
/// any could not be.
fn apply(
    edits: &std::collections::BTreeMap<PathBuf, Vec<Edit>>,
    root: &Path,
) -> (Vec<PathBuf>, bool) {
    let mut failed = false;
    let mut rewritten = Vec::new();
    for (path, outcome) in crate::fix::apply(edits, root) {
        match outcome {
            FileOutcome::Rewritten => rewritten.push(path),
            FileOutcome::Skipped(message) => say(format_args!(
                "note: {}: not fixed: {}",
                escaped(&path.display().to_string()),
                escaped(&message)
            )),
            FileOutcome::Failed(message) => {
                failed = true;
                say(format_args!(
                    "error: {}: not fixed: {}",
                    escaped(&path.display().to_string()),
                    escaped(&message)
                ));
            }
        }
    }
    (rewritten, failed)
}
