//! The command line: arguments, what runs for them, and the exit status.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};

use crate::check::outcome::Report;
use crate::lints::{self, Level, Lint};
use crate::policy::baseline::Baseline;
use crate::policy::config::Config;
use crate::report::{self, Counts};

/// Finds Win32 named kernel objects (file mappings, mutexes, events) whose name another program may
/// already use, and creations whose ERROR_ALREADY_EXISTS outcome goes unchecked.
///
/// With no PATHS, checks every `.rs` file of the Cargo workspace enclosing the current directory
/// (or the current directory outside any Cargo project). objlint reads source text only: it never
/// builds or runs the code it checks.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-objlint",
    bin_name = "cargo objlint",
    version,
    max_term_width = 100
)]
#[allow(clippy::struct_excessive_bools)] // Command-line switches are bools by nature.
#[command(group = clap::ArgGroup::new("fixing").args(["fix", "fix_unsafe"]).multiple(true))]
pub struct Args {
    /// Files and directories to check instead of the whole workspace.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Output format: `human` (rustc style, stderr), `short` (`path:line:col: level[lint]:
    /// message`, stderr), `json` (cargo's `compiler-message` lines, stdout), `sarif` (SARIF
    /// 2.1.0, stdout), `github` (GitHub Actions annotations, stdout), `gitlab` (GitLab
    /// code-quality report, stdout).
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        conflicts_with = "message_format",
        help_heading = "Output"
    )]
    pub format: Option<Format>,

    /// Cargo's name for --format, with cargo's values.
    #[arg(long, value_enum, value_name = "FMT", help_heading = "Output")]
    pub message_format: Option<MessageFormat>,

    /// When to colour the human output.
    #[arg(
        long,
        value_enum,
        default_value_t = ColorChoice::Auto,
        value_name = "WHEN",
        help_heading = "Output"
    )]
    pub color: ColorChoice,

    /// Set a lint to allow: `objlint::<lint>` (or just `<lint>`), or `warnings` for every
    /// warning. Repeatable; the last flag for a lint wins, and flags win over the configuration.
    #[arg(
        short = 'A',
        long = "allow",
        value_name = "LINT",
        help_heading = "Levels"
    )]
    pub allow: Vec<String>,

    /// Set a lint to warn (see --allow).
    #[arg(
        short = 'W',
        long = "warn",
        value_name = "LINT",
        help_heading = "Levels"
    )]
    pub warn: Vec<String>,

    /// Set a lint to deny (see --allow); `-D warnings` makes every warning an error.
    #[arg(
        short = 'D',
        long = "deny",
        value_name = "LINT",
        help_heading = "Levels"
    )]
    pub deny: Vec<String>,

    /// Report every finding as a warning and exit 0 unless objlint could not do its job: a
    /// trial run.
    #[arg(long, help_heading = "Levels")]
    pub warn_only: bool,

    /// Report findings at their levels but exit 0 unless objlint could not do its job.
    #[arg(long, help_heading = "Levels")]
    pub exit_zero: bool,

    /// Read the configuration from FILE (in `objlint.toml` format) instead of looking for one.
    #[arg(long, value_name = "FILE", help_heading = "Configuration")]
    pub config: Option<PathBuf>,

    /// Do not read ignore files: `.gitignore`, `.ignore`, `.git/info/exclude` and git's global
    /// excludes (as `rg --no-ignore`). Hidden directories and cargo's build directories are
    /// still skipped.
    #[arg(long, help_heading = "Configuration")]
    pub no_ignore: bool,

    /// Report only findings that are not in the baseline FILE, and list its stale entries.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "write_baseline",
        help_heading = "Baseline"
    )]
    pub baseline: Option<PathBuf>,

    /// Record every finding in the baseline FILE (TOML) instead of reporting them, and exit 0.
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Rename every object whose name has no unique part to its suggested name, in every file
    /// of the workspace that uses the name; renames objlint cannot prove safe are skipped.
    #[arg(long, help_heading = "Fixes")]
    pub fix: bool,

    /// Like `--fix`, and also apply renames of names that appear elsewhere (other strings,
    /// tests, documents) objlint cannot prove are the same object.
    #[arg(long, help_heading = "Fixes")]
    pub fix_unsafe: bool,

    /// With `--fix`: print a unified diff of the changes instead of writing them.
    #[arg(long, alias = "dry-run", requires = "fixing", help_heading = "Fixes")]
    pub diff: bool,

    /// Print the documentation of a lint, with its level, and exit.
    #[arg(long, value_name = "LINT", conflicts_with_all = ["paths", "list"])]
    pub explain: Option<String>,

    /// Print every lint with its level and summary, and exit.
    #[arg(long)]
    pub list: bool,

    /// Read and check files on N threads (default, or 0: one per core; at most 256).
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_JOBS)
    )]
    pub jobs: Option<usize>,
}

/// The most threads `-j` starts. Each has a large stack (see [`crate::check::pool::PARSER_STACK`]) and
/// the work is I/O and parsing: tens of thousands of threads thrash for minutes, then abort.
const MAX_JOBS: u64 = 256;

/// The output formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Short,
    Json,
    Sarif,
    Github,
    Gitlab,
}

/// The values cargo's `--message-format` takes that objlint writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Short,
    Json,
}

impl Args {
    /// The format chosen with `--format` or its alias `--message-format`.
    pub fn output_format(&self) -> Format {
        match (self.format, self.message_format) {
            (Some(format), _) => format,
            (None, Some(MessageFormat::Human) | None) => Format::Human,
            (None, Some(MessageFormat::Short)) => Format::Short,
            (None, Some(MessageFormat::Json)) => Format::Json,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

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
    let (args, level_flags) = match parse(args) {
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

/// The arguments, and the `-A`/`-W`/`-D` flags in order.
fn parse(mut args: Vec<OsString>) -> Result<(Args, Vec<(Level, String)>), clap::Error> {
    let command = Args::command();
    let paths = take_paths(&command, &mut args);
    // The flags' order is read first: `from_arg_matches_mut` takes the values out.
    let mut matches = command.try_get_matches_from(args)?;
    let level_flags = level_flags(&matches);
    let mut args = Args::from_arg_matches_mut(&mut matches)?;
    if let Some(paths) = paths {
        args.paths = paths;
    }
    Ok((args, level_flags))
}

/// Takes the paths out of `args`, but for the first, which clap still sees so that its rules
/// about paths (`--explain` takes none) hold; `None`, with `args` untouched, where an argument
/// is one this reading does not know (`--help`, a misspelt flag), so that clap reads them all
/// and says what is wrong.
///
/// A pre-commit hook passes thousands of paths, and clap keeps three copies of each value
/// (the argument, its parsed form and a boxed one), which took longer than checking the files
/// named by a quarter of them. This reads the arguments as clap does for this command: a
/// long flag with its value after `=` or in the next argument, a cluster of short flags whose
/// first flag taking a value takes the rest of the cluster or the next argument, `--` before
/// paths only.
fn take_paths(command: &clap::Command, args: &mut Vec<OsString>) -> Option<Vec<PathBuf>> {
    // Whether the flag takes a value; `None` for a flag this reading does not know.
    let takes_value = |arg: Option<&clap::Arg>| {
        let arg = arg?;
        let one_value = arg
            .get_num_args()
            .is_none_or(|range| range.min_values() == 1 && range.max_values() == 1);
        match (arg.get_action().takes_values(), one_value) {
            (false, _) => Some(false),
            (true, true) => Some(true),
            (true, false) => None,
        }
    };
    let long = |name: &str| {
        takes_value(command.get_arguments().find(|arg| {
            arg.get_long() == Some(name)
                || arg
                    .get_all_aliases()
                    .is_some_and(|aliases| aliases.contains(&name))
        }))
    };
    let short = |flag: char| {
        takes_value(
            command
                .get_arguments()
                .find(|arg| arg.get_short() == Some(flag)),
        )
    };
    let mut is_path = vec![false; args.len()];
    let mut index = 1;
    while index < args.len() {
        let bytes = args[index].as_encoded_bytes();
        if bytes == b"--" {
            is_path[index + 1..].fill(true);
            break;
        }
        let value_follows = if let Some(flag) = bytes.strip_prefix(b"--") {
            let name = flag.split(|&byte| byte == b'=').next().unwrap_or(flag);
            long(std::str::from_utf8(name).ok()?)? && !flag.contains(&b'=')
        } else if let Some(cluster) = bytes.strip_prefix(b"-").filter(|rest| !rest.is_empty()) {
            let mut value_follows = false;
            for (at, &flag) in cluster.iter().enumerate() {
                if !flag.is_ascii() {
                    return None;
                }
                if short(char::from(flag))? {
                    value_follows = at + 1 == cluster.len();
                    break;
                }
            }
            value_follows
        } else {
            is_path[index] = true;
            false
        };
        if value_follows {
            // A value that looks like a flag is left to clap to judge.
            if args.get(index + 1)?.as_encoded_bytes().starts_with(b"-") {
                return None;
            }
            index += 1;
        }
        index += 1;
    }
    let mut paths = Vec::new();
    let mut index = 0;
    args.retain_mut(|arg| {
        let keep = !is_path[index] || paths.is_empty();
        if is_path[index] {
            paths.push(PathBuf::from(if keep {
                arg.clone()
            } else {
                std::mem::take(arg)
            }));
        }
        index += 1;
        keep
    });
    Some(paths)
}

/// The `-A`/`-W`/`-D` flags in command-line order, so that a later flag overrides an earlier one
/// as in rustc.
fn level_flags(matches: &ArgMatches) -> Vec<(Level, String)> {
    let mut flags: Vec<(usize, Level, String)> = Vec::new();
    for (id, level) in [
        ("allow", Level::Allow),
        ("warn", Level::Warn),
        ("deny", Level::Deny),
    ] {
        let (Some(indices), Some(values)) =
            (matches.indices_of(id), matches.get_many::<String>(id))
        else {
            continue;
        };
        flags.extend(
            indices
                .zip(values)
                .map(|(index, value)| (index, level, value.clone())),
        );
    }
    flags.sort_by_key(|(index, _, _)| *index);
    flags
        .into_iter()
        .map(|(_, level, name)| (level, name))
        .collect()
}

/// Writes a line on stderr. A closed stderr is no reason to stop (and `eprintln!` would panic
/// on it): the exit status still tells the caller what happened.
pub(crate) fn say(line: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `written`, but a reader that closed the pipe (`objlint … | head -1`) is not an error: the
/// rest of the output is dropped and the exit status is the one computed, as in ripgrep, so
/// that `set -o pipefail` still sees the findings.
fn unless_closed(written: anyhow::Result<()>) -> anyhow::Result<()> {
    match written {
        Err(error) if is_broken_pipe(&error) => Ok(()),
        other => other,
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|error| error.kind() == std::io::ErrorKind::BrokenPipe)
    })
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

/// Writes the report in `format`: human and short on stderr, the machine formats on stdout with
/// stale-baseline warnings on stderr.
fn render(
    report: &Report,
    format: Format,
    color: ColorChoice,
    started: Instant,
    stdout: &mut impl Write,
    success: bool,
) -> anyhow::Result<()> {
    let mut stderr = std::io::stderr().lock();
    let elapsed = started.elapsed();
    match format {
        Format::Human => {
            let color = match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stderr().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                        && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
                }
            };
            stderr.write_all(&report::human::render(report, elapsed, color))?;
            return Ok(());
        }
        Format::Short => {
            stderr.write_all(report::short::render(report).as_bytes())?;
        }
        Format::Json => {
            stdout.write_all(report::json::render(report, success).as_bytes())?;
        }
        Format::Sarif => {
            let base = report::repository_root(report);
            stdout.write_all(report::sarif::render(report, &base).as_bytes())?;
        }
        Format::Github => {
            let base = report::repository_root(report);
            stdout.write_all(report::github::render(report, &base).as_bytes())?;
        }
        Format::Gitlab => {
            let base = report::checkout_root(report, "CI_PROJECT_DIR");
            stdout.write_all(report::gitlab::render(report, &base).as_bytes())?;
        }
    }
    for warning in report::human::stale_warnings(report) {
        writeln!(stderr, "warning: {warning}")?;
    }
    if format != Format::Json {
        stderr.write_all(report::human::summary(report, elapsed).as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{level_flags, parse, Args};
    use clap::{CommandFactory, FromArgMatches};
    use std::ffi::OsString;

    /// What clap alone makes of `args`: the arguments as `Debug` text, or the error's text.
    fn clap_alone(args: &[OsString]) -> String {
        let parsed = Args::command()
            .try_get_matches_from(args)
            .and_then(|mut matches| {
                let level_flags = level_flags(&matches);
                Ok((Args::from_arg_matches_mut(&mut matches)?, level_flags))
            });
        match parsed {
            Ok(parsed) => format!("{parsed:?}"),
            Err(error) => format!("{:?}: {error}", error.kind()),
        }
    }

    fn parsed(args: &[OsString]) -> String {
        match parse(args.to_vec()) {
            Ok(parsed) => format!("{parsed:?}"),
            Err(error) => format!("{:?}: {error}", error.kind()),
        }
    }

    fn arguments(words: &[&str]) -> Vec<OsString> {
        std::iter::once("cargo-objlint")
            .chain(words.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn paths_are_read_as_clap_reads_them() {
        for words in [
            &["a.rs", "-D", "warnings", "b.rs", "-j2", "src"][..],
            &["--config", "c.toml", "a.rs", "--format=json", "b.rs"],
            &[
                "-Dwarnings",
                "-A",
                "objlint::pipe_first_instance_missing",
                "a.rs",
            ],
            &["--explain", "non_unique_object_name", "a.rs", "b.rs"],
            &["a.rs", "--", "-D", "--fix"],
            &["a.rs", "-", "b.rs"],
            &["--dry-run", "a.rs", "b.rs"],
            &["--fix", "--diff", "a.rs", "b.rs"],
            &["a.rs", "--bogus", "b.rs"],
            &["-j", "-D", "a.rs"],
            &["a.rs", "b.rs", "--help"],
        ] {
            let args = arguments(words);
            assert_eq!(parsed(&args), clap_alone(&args), "{words:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_arguments_are_read_as_clap_reads_them(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "a.rs", "src", "b", "-", "--", "x=y", "-D", "warnings", "-Dwarnings", "-A",
                "-W", "--deny", "--deny=warnings", "-j", "2", "-j2", "-jD", "--jobs", "--jobs=2",
                "--format", "short", "--format=json", "--message-format", "--explain",
                "non_unique_object_name", "--list", "--fix", "--fix-unsafe", "--diff",
                "--dry-run", "--warn-only", "--config", "--baseline", "--write-baseline",
                "--color=never", "-x", "--bogus", "-h", "-V", "--version", "-Dé", "--",
            ]), 0..12),
        ) {
            let args = arguments(&words);
            proptest::prop_assert_eq!(parsed(&args), clap_alone(&args));
        }
    }
}
