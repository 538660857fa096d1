//! What the command line writes: the report in the chosen format, lines on stderr, and a
//! closed pipe told from a failure.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use super::args::{ColorChoice, Format};
use crate::check::outcome::Report;
use crate::report;

/// Writes a line on stderr. A closed stderr is no reason to stop (and `eprintln!` would panic
/// on it): the exit status still tells the caller what happened.
pub(super) fn say(line: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `written`, but a reader that closed the pipe (`objlint … | head -1`) is not an error: the
/// rest of the output is dropped and the exit status is the one computed, as in ripgrep, so
/// that `set -o pipefail` still sees the findings.
pub(super) fn unless_closed(written: anyhow::Result<()>) -> anyhow::Result<()> {
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

/// Writes the report in `format`: human and short on stderr, the machine formats on stdout with
/// stale-baseline warnings on stderr.
pub(super) fn render(
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
