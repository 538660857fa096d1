//! A Cargo package and its targets as objlint knows them: read from `Cargo.toml`
//! ([`super::manifest`]), or a stand-in for files that belong to none. The target is what JSON
//! output names, as cargo writes it in `compiler-message` lines.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A package, or a stand-in for files that belong to none.
#[derive(Debug)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// Absolute path of `Cargo.toml` (for a stand-in, where it would be).
    pub manifest_path: PathBuf,
    pub targets: Vec<Target>,
    /// The packages its `[dependencies]` and `[dev-dependencies]` take by `path`, whose
    /// libraries its code may name (see `crates::member_key`).
    pub path_dependencies: Vec<PathDependency>,
}

/// A dependency taken by `path`: the crate name code writes it by (the dependency's key, with
/// `-` as `_`; a `package = "…"` rename changes the package, not this name), and its directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathDependency {
    pub crate_name: String,
    pub directory: PathBuf,
}

/// A cargo target (`lib`, `bin`, `example`, `test`, `bench`, `custom-build`).
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub kind: Vec<String>,
    pub crate_types: Vec<String>,
    pub src_path: PathBuf,
    pub edition: String,
    pub doc: bool,
    pub doctest: bool,
    pub test: bool,
}

impl Package {
    /// The package ID in cargo's current format, `path+file:///dir#name@version`.
    pub fn id(&self) -> String {
        let directory = self.manifest_path.parent().unwrap_or(Path::new("/"));
        format!(
            "path+{}#{}@{}",
            file_url(directory),
            self.name,
            self.version
        )
    }
}

fn is_library_kind(kind: &str) -> bool {
    matches!(
        kind,
        "lib" | "rlib" | "dylib" | "cdylib" | "staticlib" | "proc-macro"
    )
}

/// `file:///…` for an absolute path, percent-encoding what a URL cannot hold.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            url.push(byte as char);
        } else {
            let _ = write!(url, "%{byte:02X}");
        }
    }
    url
}

/// The stand-in for a file outside any package: named after its directory, one `lib` target.
pub fn stand_in(file: &Path) -> Package {
    let directory = file.parent().unwrap_or(Path::new("/"));
    let name = directory.file_name().map_or_else(
        || "root".to_owned(),
        |name| name.to_string_lossy().into_owned(),
    );
    let target_name = file.file_stem().map_or_else(
        || name.clone(),
        |stem| stem.to_string_lossy().replace('-', "_"),
    );
    Package {
        name,
        version: "0.0.0".to_owned(),
        manifest_path: directory.join("Cargo.toml"),
        targets: vec![Target {
            name: target_name,
            kind: vec!["lib".to_owned()],
            crate_types: vec!["lib".to_owned()],
            src_path: file.to_owned(),
            edition: "2021".to_owned(),
            doc: false,
            doctest: false,
            test: false,
        }],
        path_dependencies: Vec::new(),
    }
}

impl Target {
    /// Whether this is the package's library (of any crate type).
    pub fn is_library(&self) -> bool {
        self.kind.iter().any(|kind| is_library_kind(kind))
    }
}
