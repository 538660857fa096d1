//! The command line as clap reads it: the flags, and the paths taken out before clap reads them.

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

/// The arguments, and the `-A`/`-W`/`-D` flags in order.
pub(super) fn parse(mut args: Vec<OsString>) -> Result<(Args, Vec<(Level, String)>), clap::Error> {
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
