//! The command line: arguments, what runs for them, and the exit status.

mod args;
mod output;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::check::outcome::Report;
use crate::lints::{self, Level, Lint};
use crate::policy::baseline::Baseline;
use crate::policy::config::Config;
use crate::report::Counts;
pub use args::{Args, ColorChoice, Format, MessageFormat};
use output::{render, say, unless_closed};

/// What the process exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No deny-level finding.
    Success,
    /// At least one deny-level finding.
    Failure,
    /// objlint could not do its whole job.
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// Parses the process arguments (as `cargo objlint …` or `cargo-objlint …`) and runs.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitStatus {
    let mut args: Vec<OsString> = args.into_iter().collect();
    // cargo runs a subcommand as `cargo-objlint objlint …`.
    if args.get(1).is_some_and(|arg| arg == "objlint") {
        args.remove(1);
    }
    let (args, level_flags) = match args::parse(args) {
        Ok(parsed) => parsed,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Success
            };
        }
    };
    match execute(&args, &level_flags) {
        Ok(status) => status,
        // A closed output never means success: a closed pipe the status was computed for is
        // handled where the output is written (see `unless_closed`).
        Err(error) => {
            // Configuration errors echo keys, globs and regexes from the tree.
            say(format_args!(
                "error: {}",
                crate::lints::diagnostic::escaped(&format!("{error:#}"))
            ));
            ExitStatus::Error
        }
    }
}

fn execute(args: &Args, level_flags: &[(Level, String)]) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let cwd = std::env::current_dir()?;
    let workspaces = crate::project::workspace::Workspaces::default();
    let root =
        crate::project::workspace::workspace_root(&cwd, &workspaces).unwrap_or_else(|| cwd.clone());
    let config = load_config(args, level_flags, &cwd, &root)?;

    let mut stdout = std::io::stdout().lock();
    if args.explain.is_some() || args.list {
        // A reader that closed the pipe early (`--list | head -1`) read what it wanted.
        unless_closed(print_lints(args, &config, &mut stdout))?;
        return Ok(ExitStatus::Success);
    }

    let root_only = [root.clone()];
    let paths: &[PathBuf] = if args.paths.is_empty() {
        &root_only
    } else {
        &args.paths
    };
    crate::check::pool::set_jobs(args.jobs.unwrap_or(0));
    let mut report = crate::check::check_paths_with(paths, &cwd, &config);
    let format = args.output_format();

    if let Some(path) = &args.write_baseline {
        if report.has_errors() {
            unless_closed(render(
                &report,
                format,
                args.color,
                started,
                &mut stdout,
                false,
            ))?;
            anyhow::bail!(
                "not writing the baseline {}: some paths could not be checked",
                path.display()
            );
        }
        let baseline = report.to_baseline();
        baseline.write(&cwd.join(path))?;
        let findings: usize = baseline.findings.iter().map(|entry| entry.count).sum();
        say(format_args!(
            "objlint: wrote {findings} finding(s) in {} entr{} to {}",
            baseline.findings.len(),
            if baseline.findings.len() == 1 {
                "y"
            } else {
                "ies"
            },
            crate::lints::diagnostic::escaped(&path.display().to_string())
        ));
        return Ok(if report.has_errors() {
            ExitStatus::Error
        } else {
            ExitStatus::Success
        });
    }
    if let Some(path) = &args.baseline {
        report.apply_baseline(&Baseline::load(&cwd.join(path))?);
    }
    if args.fix || args.fix_unsafe {
        if let Some(status) =
            fix_then_recheck(args, &mut report, paths, &cwd, &config, &mut stdout)?
        {
            return Ok(status);
        }
    }
    if matches!(format, Format::Json | Format::Sarif) {
        let plan = crate::fix::plan(&report);
        crate::fix::mark_applicability(&mut report, &plan);
    }

    let counts = Counts::of(&report);
    let status = if report.has_errors() {
        ExitStatus::Error
    } else if counts.errors > 0 && !args.exit_zero && !args.warn_only {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    unless_closed(
        render(
            &report,
            format,
            args.color,
            started,
            &mut stdout,
            status == ExitStatus::Success,
        )
        .and_then(|()| Ok(stdout.flush()?)),
    )?;
    // The process ends here: freeing a large run's reports one allocation at a time would
    // only delay the exit.
    std::mem::forget(report);
    Ok(status)
}

/// `--explain LINT` (its documentation) or `--list` (every lint, one line each).
fn print_lints(args: &Args, config: &Config, stdout: &mut impl Write) -> anyhow::Result<()> {
    if let Some(name) = &args.explain {
        let Some(lint) = lints::by_name(name) else {
            anyhow::bail!("no lint named `{name}`; {}", lints::unknown_lint_hint(name));
        };
        writeln!(
            stdout,
            "objlint::{}: {}\n",
            lint.name,
            level_text(config, lint)
        )?;
        stdout.write_all(lint.docs.as_bytes())?;
    } else {
        for lint in lints::LINTS {
            writeln!(
                stdout,
                "objlint::{:<28} {:<5} {}",
                lint.name,
                config.lint_level(lint).as_str(),
                lint.summary
            )?;
        }
    }
    Ok(stdout.flush()?)
}

/// Applies `--fix` and checks the tree again into `report`; with `--diff`, prints the diff and
/// returns the exit status at once.
fn fix_then_recheck(
    args: &Args,
    report: &mut Report,
    paths: &[PathBuf],
    cwd: &Path,
    config: &Config,
    stdout: &mut impl Write,
) -> anyhow::Result<Option<ExitStatus>> {
    match run_fixes(args, report, stdout)? {
        FixRun::Diffed(changes) => {
            unless_closed(stdout.flush().map_err(anyhow::Error::from))?;
            Ok(Some(if changes {
                ExitStatus::Failure
            } else {
                ExitStatus::Success
            }))
        }
        FixRun::Applied { failed } => {
            // Report what remains after the fixes, as the tree now is.
            *report = crate::check::check_paths_with(paths, cwd, config);
            if let Some(path) = &args.baseline {
                report.apply_baseline(&Baseline::load(&cwd.join(path))?);
            }
            if failed {
                report.errors.push((
                    PathBuf::from("--fix"),
                    "some files could not be rewritten".to_owned(),
                ));
            }
            Ok(None)
        }
    }
}

/// What `--fix` did.
enum FixRun {
    /// `--diff`: printed the diff; whether it shows any change.
    Diffed(bool),
    /// Rewrote the files; whether any could not be rewritten.
    Applied { failed: bool },
}

/// Plans the renames, says which are skipped and why, and applies (or diffs) the rest.
fn run_fixes(args: &Args, report: &Report, stdout: &mut impl Write) -> anyhow::Result<FixRun> {
    let plan = crate::fix::plan(report);
    for rename in plan.renames.iter().filter(|rename| rename.edits.is_empty()) {
        say(format_args!(
            "warning: cannot rename {}: objlint found no literal of it to rewrite",
            crate::lints::diagnostic::quoted(&rename.old),
        ));
    }
    for rename in plan
        .renames
        .iter()
        .filter(|rename| !rename.is_safe() && !rename.edits.is_empty())
    {
        let verb = if args.fix_unsafe {
            "renaming anyway"
        } else {
            "not renaming"
        };
        say(format_args!(
            "warning: {verb} {}: {}",
            crate::lints::diagnostic::quoted(&rename.old),
            if args.fix_unsafe {
                "--fix-unsafe was given"
            } else {
                "run with --fix-unsafe to rename it anyway"
            }
        ));
        for blocker in &rename.blockers {
            say(format_args!(
                "  --> {}:{}:{}: {}",
                crate::lints::diagnostic::escaped(&blocker.path.display().to_string()),
                blocker.line,
                blocker.column,
                crate::lints::diagnostic::escaped(&blocker.why)
            ));
        }
    }
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
    let mut failed = false;
    let mut rewritten = Vec::new();
    for (path, outcome) in crate::fix::apply(&edits, &report.root) {
        match outcome {
            crate::fix::FileOutcome::Rewritten => rewritten.push(path),
            crate::fix::FileOutcome::Skipped(message) => say(format_args!(
                "note: {}: not fixed: {}",
                crate::lints::diagnostic::escaped(&path.display().to_string()),
                crate::lints::diagnostic::escaped(&message)
            )),
            crate::fix::FileOutcome::Failed(message) => {
                failed = true;
                say(format_args!(
                    "error: {}: not fixed: {}",
                    crate::lints::diagnostic::escaped(&path.display().to_string()),
                    crate::lints::diagnostic::escaped(&message)
                ));
            }
        }
    }
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

/// The configuration found (or given with `--config`), with the command line's levels on top.
fn load_config(
    args: &Args,
    level_flags: &[(Level, String)],
    cwd: &Path,
    root: &Path,
) -> anyhow::Result<Config> {
    let mut config = match &args.config {
        Some(path) => Config::load(&cwd.join(path)),
        None => Config::discover(cwd, root),
    }
    .map_err(|mut error| {
        // Name the file as the user would, relative to where they are.
        if let Ok(relative) = error.path.strip_prefix(cwd) {
            error.path = relative.to_owned();
        }
        error
    })?;
    for (level, name) in level_flags {
        let flag = match level {
            Level::Allow => "-A",
            Level::Warn => "-W",
            Level::Deny => "-D",
        };
        config
            .set_level_from_command_line(name, *level)
            .map_err(|message| anyhow::anyhow!("{flag} {name}: {message}"))?;
    }
    config.warn_only = args.warn_only;
    config.no_ignore = args.no_ignore;
    config.per_package = args.config.is_none();
    Ok(config)
}

/// The level line `--explain` prints: the level in force here, and the default when it differs.
fn level_text(config: &Config, lint: &Lint) -> String {
    let level = config.lint_level(lint);
    if level == lint.default_level {
        format!("{} (the default)", level.as_str())
    } else {
        format!(
            "{} (default: {})",
            level.as_str(),
            lint.default_level.as_str()
        )
    }
}
