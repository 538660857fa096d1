//! Fixture tests: one test per fixture, named for its path (`fixtures::<lint>::<file>`), so
//! `cargo test helper_functions` runs one. Each `fixtures/**/*.rs` file is checked as objlint
//! checks any file; every finding must be announced on its line by a comment, and the rendered
//! output must equal the `.stderr` golden beside the file.
//!
//! An expectation is `//~ ERROR objlint::<lint>` (or `WARN`) at the end of the line the finding's
//! primary span starts on, or `//~^ …` on a later line, one `^` per line up. A file that cannot
//! be parsed is announced with `//~ ERROR parse` on the line syn reports.
//!
//! This is its own test binary with `libtest-mimic` as the harness (`harness = false` in
//! `Cargo.toml`): the tests are found on disk, so a new fixture is a one-file change.

mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Trial};
use objlint::lints::Level;
use objlint::report::human;

use crate::support::{blessing, repo_root, rust_files};

fn main() -> std::process::ExitCode {
    let arguments = Arguments::from_args();
    let fixtures = fixtures();
    assert!(fixtures.len() > 10, "the fixtures are missing");
    let mut trials: Vec<Trial> = fixtures
        .into_iter()
        .map(|path| Trial::test(test_name(&path), move || Ok(check_fixture(&path)?)))
        .collect();
    trials.push(Trial::test("fixtures::goldens_have_fixtures", || {
        Ok(goldens_have_fixtures()?)
    }));
    libtest_mimic::run(&arguments, trials).exit_code()
}

/// `fixtures/non_unique_object_name/helper_functions.rs` → `fixtures::non_unique_object_name::helper_functions`.
fn test_name(path: &Path) -> String {
    let relative = path
        .strip_prefix(repo_root())
        .expect("fixtures live in the repository")
        .with_extension("");
    let parts: Vec<String> = relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("::")
}

/// (line, level, code) → how many times.
type Expectations = BTreeMap<(usize, String, String), usize>;

fn expectations(text: &str) -> Expectations {
    let mut expected = Expectations::new();
    for (index, line) in text.lines().enumerate() {
        let Some(at) = line.find("//~") else { continue };
        let rest = &line[at + 3..];
        let carets = rest.chars().take_while(|&c| c == '^').count();
        let mut words = rest[carets..].split_whitespace();
        let (Some(level), Some(code)) = (words.next(), words.next()) else {
            panic!(
                "line {}: an expectation reads `//~ ERROR objlint::<lint>`",
                index + 1
            );
        };
        let line_number = index + 1 - carets;
        *expected
            .entry((line_number, level.to_owned(), code.to_owned()))
            .or_default() += 1;
    }
    expected
}

fn actual(report: &objlint::FileReport) -> Expectations {
    let mut actual = Expectations::new();
    if let Some(error) = &report.error {
        let line = error
            .span()
            .map_or(1, |span| report.file.line_column(span.start).line);
        *actual
            .entry((line, "ERROR".to_owned(), "parse".to_owned()))
            .or_default() += 1;
    }
    for diagnostic in &report.diagnostics {
        let line = report.file.line_column(diagnostic.primary.span.start).line;
        let level = match diagnostic.level {
            Level::Deny => "ERROR",
            Level::Warn | Level::Allow => "WARN",
        };
        *actual
            .entry((line, level.to_owned(), diagnostic.code()))
            .or_default() += 1;
    }
    actual
}

fn describe(entries: &Expectations) -> String {
    let mut out = String::new();
    for ((line, level, code), count) in entries {
        let _ = writeln!(out, "    line {line}: {level} {code} ×{count}");
    }
    out
}

/// The configuration a fixture is checked under: the defaults, with the lint its folder is
/// named for raised to warn if it is allow-by-default (as Clippy's pedantic tests enable their
/// lint), so its fixtures show its findings and no other folder's goldens change.
fn config_for(relative: &Path) -> objlint::policy::config::Config {
    let mut config = objlint::policy::config::Config::default();
    let folder = relative
        .components()
        .nth(1)
        .map(|component| component.as_os_str().to_string_lossy().into_owned());
    if let Some(lint) = folder.as_deref().and_then(objlint::lints::by_name) {
        if lint.default_level == Level::Allow {
            config
                .set_level_from_command_line(lint.name, Level::Warn)
                .expect("a registered lint");
        }
    }
    config
}

/// Checks one fixture: a `.rs` file, or a directory with a `Cargo.toml` (a small package whose
/// files are checked together, for names that cross files). Each file's expectations and
/// golden are its own.
fn check_fixture(path: &Path) -> Result<(), String> {
    let root = repo_root();
    let relative = path
        .strip_prefix(&root)
        .expect("fixtures live in the repository");
    let report = objlint::check_paths_with(&[relative.to_owned()], &root, &config_for(relative));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    if report.files.is_empty() {
        return Err(format!("{}: no file was checked", relative.display()));
    }
    let mut failures: Vec<String> = report
        .files
        .iter()
        .filter_map(|file| check_file(file).err())
        .collect();
    let fixed = path.with_extension("fixed");
    if fixed.is_file() {
        failures.extend(check_fixed(&report, relative, &fixed).err());
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}

fn check_file(file: &objlint::FileReport) -> Result<(), String> {
    // Read from disk: a report keeps the text only of a file it shows or edits, so a file whose
    // expected findings went missing has none in the report.
    let text = std::fs::read_to_string(&file.absolute_path)
        .map_err(|error| format!("{}: {error}", file.absolute_path.display()))?;
    let expected = expectations(&text);
    let actual = actual(file);
    if expected != actual {
        let missing: Expectations = expected
            .iter()
            .filter(|(key, count)| actual.get(*key) != Some(*count))
            .map(|(key, count)| (key.clone(), *count))
            .collect();
        let unexpected: Expectations = actual
            .iter()
            .filter(|(key, count)| expected.get(*key) != Some(*count))
            .map(|(key, count)| (key.clone(), *count))
            .collect();
        return Err(format!(
            "{}: findings differ from the `//~` expectations\n  expected but not reported:\n{}  reported but not expected:\n{}\n{}",
            file.file.path().display(),
            describe(&missing),
            describe(&unexpected),
            human::render_file(file),
        ));
    }
    check_golden(
        &file.absolute_path.with_extension("stderr"),
        &human::render_file(file),
    )
}

/// A fixture with a `.fixed` file beside it: `--fix` (all renames, safe or not) must turn the
/// fixture into exactly that text, which must still parse.
fn check_fixed(report: &objlint::Report, relative: &Path, fixed: &Path) -> Result<(), String> {
    let plan = objlint::fix::plan(report);
    let edits = objlint::fix::chosen_edits(&plan, true);
    let file = &report.files[0];
    let text = match edits.get(relative) {
        Some(edits) => objlint::fix::apply_to_text(&file.file.text, edits)?,
        None => file.file.text.clone(),
    };
    syn::parse_file(text.trim_start_matches('\u{feff}')).map_err(|error| {
        format!(
            "{}: the fixed text does not parse: {error}",
            fixed.display()
        )
    })?;
    check_golden(fixed, &text)
}

/// The fixtures: directories with a `Cargo.toml`, and every `.rs` file outside them.
fn fixtures() -> Vec<PathBuf> {
    let root = repo_root().join("fixtures");
    let packages: Vec<PathBuf> = all_files(&root)
        .into_iter()
        .filter(|path| path.file_name().is_some_and(|name| name == "Cargo.toml"))
        .filter_map(|manifest| manifest.parent().map(Path::to_path_buf))
        .collect();
    let mut units: Vec<PathBuf> = rust_files(&root)
        .into_iter()
        .filter(|file| !packages.iter().any(|package| file.starts_with(package)))
        .collect();
    units.extend(packages);
    units.sort();
    units
}

/// Every file under `dir`, recursively.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

fn goldens_have_fixtures() -> Result<(), String> {
    let orphans: Vec<String> = all_files(&repo_root().join("fixtures"))
        .into_iter()
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "stderr")
        })
        .filter(|path| !path.with_extension("rs").is_file())
        .map(|path| path.display().to_string())
        .collect();
    if orphans.is_empty() {
        Ok(())
    } else {
        Err(format!("goldens without a fixture: {orphans:?}"))
    }
}

/// Compares `actual` with the golden file at `path`, or rewrites it when blessing. An empty
/// `actual` means the golden must not exist.
fn check_golden(path: &Path, actual: &str) -> Result<(), String> {
    if blessing() {
        if actual.is_empty() {
            let _ = std::fs::remove_file(path);
        } else {
            std::fs::write(path, actual).map_err(|error| format!("{}: {error}", path.display()))?;
        }
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string();
    Err(format!(
        "{} differs from the output (rerun with `cargo bless` and review the diff):\n{diff}",
        path.display(),
    ))
}
