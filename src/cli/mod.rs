//! The command line: arguments, what runs for them, and the exit status.

mod args;
mod fix;
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
use args::{Args, Format};
use fix::{run_fixes, FixRun};
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

/// What a run does, chosen by the arguments: one function each.
#[derive(Debug, Clone, Copy)]
enum Mode<'a> {
    /// `--explain LINT`: print its documentation.
    Explain(&'a str),
    /// `--list`: print every lint.
    List,
    /// `--write-baseline FILE`: check, and record every finding in FILE.
    WriteBaseline(&'a Path),
    /// `--fix` or `--fix-unsafe`: check, rename, then report what remains.
    Fix,
    /// Check and report.
    Check,
}

impl<'a> Mode<'a> {
    fn of(args: &'a Args) -> Self {
        if let Some(name) = &args.explain {
            Mode::Explain(name)
        } else if args.list {
            Mode::List
        } else if let Some(path) = &args.write_baseline {
            Mode::WriteBaseline(path)
        } else if args.fix || args.fix_unsafe {
            Mode::Fix
        } else {
            Mode::Check
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
    let root_only = [root];
    let run = Run {
        args,
        cwd: &cwd,
        config: &config,
        paths: if args.paths.is_empty() {
            &root_only
        } else {
            &args.paths
        },
        started,
    };
    match Mode::of(args) {
        Mode::Explain(name) => explain(name, &config),
        Mode::List => list(&config),
        Mode::WriteBaseline(path) => write_baseline(&run, path),
        Mode::Fix => fix(&run),
        Mode::Check => check(&run),
    }
}

/// What the modes that check files work with.
struct Run<'a> {
    args: &'a Args,
    cwd: &'a Path,
    config: &'a Config,
    /// The paths to check: those given, or the workspace root.
    paths: &'a [PathBuf],
    started: Instant,
}

impl Run<'_> {
    /// Checks the paths on `--jobs` threads.
    fn check(&self) -> Report {
        crate::check::pool::set_jobs(self.args.jobs.unwrap_or(0));
        crate::check::check_paths_with(self.paths, self.cwd, self.config)
    }

    /// Checks the paths, leaving out the findings `--baseline` holds.
    fn check_against_baseline(&self) -> anyhow::Result<Report> {
        let mut report = self.check();
        if let Some(path) = &self.args.baseline {
            report.apply_baseline(&Baseline::load(&self.cwd.join(path))?);
        }
        Ok(report)
    }
}

/// `--explain LINT`: its documentation, with the level it has here.
fn explain(name: &str, config: &Config) -> anyhow::Result<ExitStatus> {
    let Some(lint) = lints::by_name(name) else {
        anyhow::bail!("no lint named `{name}`; {}", lints::unknown_lint_hint(name));
    };
    let mut stdout = std::io::stdout().lock();
    let written = writeln!(
        stdout,
        "objlint::{}: {}\n",
        lint.name,
        level_text(config, lint)
    )
    .and_then(|()| stdout.write_all(lint.docs.as_bytes()))
    .and_then(|()| stdout.flush());
    // A reader that closed the pipe early (`--explain … | head -1`) read what it wanted.
    unless_closed(written.map_err(anyhow::Error::from))?;
    Ok(ExitStatus::Success)
}

/// `--list`: every lint with its level and summary, one line each.
fn list(config: &Config) -> anyhow::Result<ExitStatus> {
    let mut stdout = std::io::stdout().lock();
    let written = lints::LINTS
        .iter()
        .try_for_each(|lint| {
            writeln!(
                stdout,
                "objlint::{:<28} {:<5} {}",
                lint.name,
                config.lint_level(lint).as_str(),
                lint.summary
            )
        })
        .and_then(|()| stdout.flush());
    // A reader that closed the pipe early (`--list | head -1`) read what it wanted.
    unless_closed(written.map_err(anyhow::Error::from))?;
    Ok(ExitStatus::Success)
}

/// `--write-baseline FILE`: records every finding, unless some path could not be checked.
fn write_baseline(run: &Run, path: &Path) -> anyhow::Result<ExitStatus> {
    let report = run.check();
    if report.has_errors() {
        let mut stdout = std::io::stdout().lock();
        let format = run.args.output_format();
        unless_closed(render(
            &report,
            format,
            run.args.color,
            run.started,
            &mut stdout,
            false,
        ))?;
        anyhow::bail!(
            "not writing the baseline {}: some paths could not be checked",
            path.display()
        );
    }
    let baseline = report.to_baseline();
    baseline.write(&run.cwd.join(path))?;
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
    Ok(ExitStatus::Success)
}

/// `--fix`: applies the renames and reports what remains as the tree now is; with `--diff`,
/// prints the diff instead, and fails if it shows a change.
fn fix(run: &Run) -> anyhow::Result<ExitStatus> {
    let report = run.check_against_baseline()?;
    let mut stdout = std::io::stdout().lock();
    match run_fixes(run.args, &report, &mut stdout)? {
        FixRun::Diffed(changes) => {
            unless_closed(stdout.flush().map_err(anyhow::Error::from))?;
            Ok(if changes {
                ExitStatus::Failure
            } else {
                ExitStatus::Success
            })
        }
        FixRun::Applied { failed } => {
            let mut report = run.check_against_baseline()?;
            if failed {
                report.errors.push((
                    PathBuf::from("--fix"),
                    "some files could not be rewritten".to_owned(),
                ));
            }
            report_findings(run, report, &mut stdout)
        }
    }
}

/// Checks and reports.
fn check(run: &Run) -> anyhow::Result<ExitStatus> {
    let report = run.check_against_baseline()?;
    report_findings(run, report, &mut std::io::stdout().lock())
}

/// Writes the report in the chosen format; the status is what its findings and errors make.
fn report_findings(
    run: &Run,
    mut report: Report,
    stdout: &mut impl Write,
) -> anyhow::Result<ExitStatus> {
    let format = run.args.output_format();
    if matches!(format, Format::Json | Format::Sarif) {
        let plan = crate::fix::plan(&report);
        crate::fix::mark_applicability(&mut report, &plan);
    }
    let counts = Counts::of(&report);
    let status = if report.has_errors() {
        ExitStatus::Error
    } else if counts.errors > 0 && !run.args.exit_zero && !run.args.warn_only {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    unless_closed(
        render(
            &report,
            format,
            run.args.color,
            run.started,
            stdout,
            status == ExitStatus::Success,
        )
        .and_then(|()| Ok(stdout.flush()?)),
    )?;
    // The process ends here: freeing a large run's reports one allocation at a time would
    // only delay the exit.
    std::mem::forget(report);
    Ok(status)
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
