//! The command line: arguments, what runs for them, and the exit status.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::{Parser, ValueEnum};

use crate::lints::{self, Level};
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
pub struct Args {
    /// Files and directories to check instead of the whole workspace.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Output format: rustc-style text, or cargo's JSON `compiler-message` lines on stdout.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human, value_name = "FMT")]
    pub message_format: MessageFormat,

    /// When to colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print the documentation of a lint and exit.
    #[arg(long, value_name = "LINT", conflicts_with_all = ["paths", "list"])]
    pub explain: Option<String>,

    /// Print every lint with its default level and summary, and exit.
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
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
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Success
            };
        }
    };
    match execute(&args) {
        Ok(status) => status,
        Err(error) if is_broken_pipe(&error) => ExitStatus::Success,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitStatus::Error
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|error| error.kind() == std::io::ErrorKind::BrokenPipe)
}

fn execute(args: &Args) -> anyhow::Result<ExitStatus> {
    let mut stdout = std::io::stdout().lock();
    if let Some(name) = &args.explain {
        let Some(lint) = lints::by_name(name) else {
            anyhow::bail!("no lint named `{name}`; `cargo objlint --list` shows them all");
        };
        stdout.write_all(lint.docs.as_bytes())?;
        return Ok(ExitStatus::Success);
    }
    if args.list {
        for lint in lints::LINTS {
            writeln!(
                stdout,
                "objlint::{:<28} {:<5} {}",
                lint.name,
                lint.default_level.as_str(),
                lint.summary
            )?;
        }
        return Ok(ExitStatus::Success);
    }

    let started = Instant::now();
    let cwd = std::env::current_dir()?;
    let paths = if args.paths.is_empty() {
        vec![crate::discover::workspace_root(&cwd).unwrap_or_else(|| cwd.clone())]
    } else {
        args.paths.clone()
    };
    let report = crate::check_paths(&paths, &cwd);
    let counts = Counts::of(&report);
    let status = if report.has_errors() {
        ExitStatus::Error
    } else if counts.errors > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    debug_assert!(lints::LINTS
        .iter()
        .all(|lint| lint.default_level != Level::Allow));
    match args.message_format {
        MessageFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stderr().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                        && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
                }
            };
            let rendered = report::human::render(&report, started.elapsed(), color);
            std::io::stderr().lock().write_all(&rendered)?;
        }
        MessageFormat::Json => {
            let rendered = report::json::render(&report, status == ExitStatus::Success);
            stdout.write_all(rendered.as_bytes())?;
        }
    }
    stdout.flush()?;
    Ok(status)
}
