//! The targets of a package, as cargo finds them: declared in the manifest's target tables,
//! or by cargo's conventional layout.

use std::fs;
use std::path::{Path, PathBuf};

use toml::Table;

use crate::project::package::Target;

impl Target {
    fn new(
        name: String,
        kind: &str,
        crate_types: Vec<String>,
        src_path: PathBuf,
        edition: &str,
    ) -> Self {
        Target {
            name,
            kind: if kind == "lib" {
                crate_types.clone()
            } else {
                vec![kind.to_owned()]
            },
            crate_types,
            src_path,
            edition: edition.to_owned(),
            doc: matches!(kind, "lib" | "bin"),
            doctest: kind == "lib",
            test: matches!(kind, "lib" | "bin" | "test"),
        }
    }
}

/// The targets cargo would build, from the manifest's target tables and cargo's conventional
/// layout (`src/lib.rs`, `src/main.rs`, `src/bin/`, `examples/`, `tests/`, `benches/`, `build.rs`).
pub(crate) fn discover_targets(
    directory: &Path,
    package_name: &str,
    edition: &str,
    manifest: &Table,
) -> Vec<Target> {
    let library = Library::of(directory, package_name, manifest);
    let mut targets = Vec::new();
    if library.table.is_some() || library.path.is_file() {
        targets.push(Target::new(
            library.name.clone(),
            "lib",
            library.crate_types(),
            library.path.clone(),
            edition,
        ));
    }
    for (section, kind, folder) in [
        ("bin", "bin", "src/bin"),
        ("example", "example", "examples"),
        ("test", "test", "tests"),
        ("bench", "bench", "benches"),
    ] {
        let found = section_targets(directory, package_name, manifest, (section, kind, folder));
        for (name, path) in found {
            // Paths are compared as bytes: they are all joined to `directory` the same way,
            // and comparing `Path`s component by component made this quadratic loop slow on
            // packages with hundreds of tests (tokio).
            if !targets
                .iter()
                .any(|target| target.src_path.as_os_str() == path.as_os_str())
            {
                targets.push(Target::new(
                    name,
                    kind,
                    vec!["bin".to_owned()],
                    path,
                    edition,
                ));
            }
        }
    }
    let build_script = manifest
        .get("package")
        .and_then(|package| package.get("build"))
        .and_then(toml::Value::as_str)
        .map_or_else(|| directory.join("build.rs"), |path| directory.join(path));
    if build_script.is_file() {
        let name = "build-script-build".to_owned();
        targets.push(Target::new(
            name,
            "custom-build",
            vec!["bin".to_owned()],
            build_script,
            edition,
        ));
    }
    if targets.is_empty() {
        targets.push(Target::new(
            library.name,
            "lib",
            vec!["lib".to_owned()],
            library.path,
            edition,
        ));
    }
    targets
}

/// The package's library as its manifest declares it, or as cargo would find it.
struct Library<'m> {
    /// `[lib]`, if the manifest has one.
    table: Option<&'m Table>,
    /// `lib.path`, else `src/lib.rs`.
    path: PathBuf,
    /// `lib.name`, else the package's name with `-` as `_`.
    name: String,
}

impl<'m> Library<'m> {
    fn of(directory: &Path, package_name: &str, manifest: &'m Table) -> Self {
        let table = manifest.get("lib").and_then(toml::Value::as_table);
        let path = table
            .and_then(|lib| lib.get("path"))
            .and_then(toml::Value::as_str)
            .map_or_else(|| directory.join("src/lib.rs"), |path| directory.join(path));
        let name = table
            .and_then(|lib| lib.get("name"))
            .and_then(toml::Value::as_str)
            .map_or_else(|| package_name.replace('-', "_"), str::to_owned);
        Self { table, path, name }
    }

    /// `lib.crate-type`, else `lib`.
    fn crate_types(&self) -> Vec<String> {
        self.table
            .and_then(|lib| lib.get("crate-type"))
            .and_then(toml::Value::as_array)
            .map_or_else(
                || vec!["lib".to_owned()],
                |types| {
                    types
                        .iter()
                        .filter_map(|value| Some(value.as_str()?.to_owned()))
                        .collect()
                },
            )
    }
}

/// The targets of one kind — `(section, kind, folder)`, as `("bin", "bin", "src/bin")` — with
/// their paths, in cargo's order and possibly repeated: those the manifest declares, the
/// package's `src/main.rs` for binaries, then those the folder holds by convention.
fn section_targets(
    directory: &Path,
    package_name: &str,
    manifest: &Table,
    (section, kind, folder): (&str, &str, &str),
) -> Vec<(String, PathBuf)> {
    let mut found = declared_targets(manifest, directory, section, |name| {
        if kind == "bin" && name == package_name {
            directory.join("src/main.rs")
        } else {
            directory.join(folder).join(format!("{name}.rs"))
        }
    });
    if kind == "bin" && directory.join("src/main.rs").is_file() {
        found.push((package_name.to_owned(), directory.join("src/main.rs")));
    }
    found.extend(conventional_targets(&directory.join(folder)));
    found
}

/// The `[[bin]]`/`[[example]]`/… entries of a manifest, with their paths (or cargo's default).
fn declared_targets(
    manifest: &Table,
    directory: &Path,
    section: &str,
    default_path: impl Fn(&str) -> PathBuf,
) -> Vec<(String, PathBuf)> {
    let Some(entries) = manifest.get(section).and_then(toml::Value::as_array) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| {
            let name = entry.get("name")?.as_str()?.to_owned();
            let path = entry
                .get("path")
                .and_then(toml::Value::as_str)
                .map_or_else(|| default_path(&name), |path| directory.join(path));
            Some((name, path))
        })
        .collect()
}

/// `folder/*.rs` and `folder/*/main.rs`, by name.
fn conventional_targets(folder: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            // The listing tells a file from a directory; only a link needs asking.
            let (is_file, is_dir) = match entry.file_type() {
                Ok(kind) if !kind.is_symlink() => (kind.is_file(), kind.is_dir()),
                _ => (path.is_file(), path.is_dir()),
            };
            if path.extension().is_some_and(|extension| extension == "rs") && is_file {
                Some((path.file_stem()?.to_string_lossy().into_owned(), path))
            } else if is_dir && path.join("main.rs").is_file() {
                Some((
                    entry.file_name().to_string_lossy().into_owned(),
                    path.join("main.rs"),
                ))
            } else {
                None
            }
        })
        .collect();
    found.sort();
    found
}
