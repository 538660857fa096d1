//! The command line as clap reads it.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};

use crate::lints::Level;

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
#[expect(
    clippy::struct_excessive_bools,
    reason = "command-line switches are bools by nature"
)]
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

/// The arguments, and the `-A`/`-W`/`-D` flags in order.
pub(super) fn parse(args: Vec<OsString>) -> Result<(Args, Vec<(Level, String)>), clap::Error> {
    // The flags' order is read first: `from_arg_matches_mut` takes the values out.
    let mut matches = Args::command().try_get_matches_from(args)?;
    let level_flags = level_flags(&matches);
    let args = Args::from_arg_matches_mut(&mut matches)?;
    Ok((args, level_flags))
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
