//! The crates of a package. Each cargo target — the library, each binary, example, integration
//! test and bench, the build script — is a crate of its own, with its own root and items: two
//! examples' top-level `const PIPE_NAME`s are two items, and two examples are two programs.
//!
//! objlint does not follow `mod` declarations, so a file's crate is told by where it lies: the
//! target whose root directory holds it most specifically. Where several targets' roots share
//! that directory (`tests/common/mod.rs` beside `tests/a.rs` and `tests/b.rs`; `src/ipc.rs` when
//! both `src/lib.rs` and `src/main.rs` exist), the file is a module any of them may declare: it
//! gets a crate of its own, *shared modules*, whose paths reach those targets' items only where
//! exactly one of them has the item, and whose items those targets reach at their own paths.
//!
//! Every item path starts with its crate's key (see [`place_of`]), so paths of different crates
//! never meet in the package's [`crate::names::ItemIndex`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::project::package::{Package, Target};

impl Package {
    /// The target a source file is compiled in ([`target_of`]), else the library, else the
    /// first target.
    pub fn target_for(&self, file: &Path) -> &Target {
        target_of(self, file)
            .or_else(|| self.targets.iter().find(|target| target.is_library()))
            .or_else(|| self.targets.first())
            .expect("every package has a target")
    }
}

/// Where a file stands in its package: its module path, its crate's key first, and the library
/// as the file's code names it (`my_pkg::…`), when its crate links the library.
#[derive(Debug, Clone, Default)]
pub struct FilePlace {
    pub module_path: Vec<String>,
    pub library: Option<Library>,
    /// The libraries of the workspace members the package depends on by path, as its code
    /// names them (`shared::…`), each with its [`member_key`].
    pub members: Vec<Library>,
    /// Whether the file is compiled only into test and bench targets (`tests/`, `benches/`,
    /// `[[test]]`, `[[bench]]`): all of it is test code.
    pub in_test_target: bool,
}

impl FilePlace {
    /// The key of the file's crate.
    pub fn crate_key(&self) -> &str {
        self.module_path.first().map_or("", String::as_str)
    }
}

/// The package's library crate: the name other targets write it by, and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    pub name: String,
    pub key: String,
}

/// The place of `file` (an absolute path) in `package`: `["<lib>"]` for the library's root,
/// `["<lib>", "ipc"]` for `src/ipc.rs` or `src/ipc/mod.rs` of a package whose only target in
/// `src/` is the library, `["<example alpha>"]` for `examples/alpha.rs`.
pub fn place_of(package: &Package, file: &Path) -> FilePlace {
    let (key, links_library, module_path, in_test_target) = if let Some(target) = package
        .targets
        .iter()
        .find(|target| target.src_path == file)
    {
        (
            target_key(target),
            links_library(target),
            Vec::new(),
            is_test_or_bench(target),
        )
    } else if let Some(root) = root_directory(package, file) {
        let module_path = modules_below(root, file);
        let targets = targets_rooted_in(package, root);
        let in_test_target =
            !targets.is_empty() && targets.iter().all(|target| is_test_or_bench(target));
        match targets.as_slice() {
            [only] => (
                target_key(only),
                links_library(only),
                module_path,
                in_test_target,
            ),
            _ => (shared_key(package, root), true, module_path, in_test_target),
        }
    } else {
        let relative = file
            .strip_prefix(package_directory(package))
            .unwrap_or(file);
        (
            format!("<file {}>", relative.display()),
            true,
            Vec::new(),
            false,
        )
    };
    let library = package
        .targets
        .iter()
        .find(|target| target.is_library())
        .filter(|_| links_library)
        .map(|library| Library {
            name: library.name.replace('-', "_"),
            key: target_key(library),
        });
    let members = package
        .path_dependencies
        .iter()
        .map(|dependency| Library {
            name: dependency.crate_name.clone(),
            key: member_key(&dependency.directory),
        })
        .collect();
    FilePlace {
        module_path: std::iter::once(key).chain(module_path).collect(),
        library,
        members,
        in_test_target,
    }
}

/// Whether `target` is an integration test or a bench: test code, which never ships. Examples
/// and build scripts do ship, as programs of their own or as part of the build.
fn is_test_or_bench(target: &Target) -> bool {
    target
        .kind
        .iter()
        .any(|kind| kind == "test" || kind == "bench")
}

/// The key of the library of the package in `directory`, as the crates of a package that
/// depends on it by path see it: distinct from every key of the package's own crates.
pub fn member_key(directory: &Path) -> String {
    format!("<member {}>", directory.display())
}

/// Whether `key` is the key of a member's library (see [`member_key`]).
pub fn is_member_key(key: &str) -> bool {
    key.starts_with("<member ")
}

/// The place of `file` (an absolute path) of `member`, a package another depends on by path
/// and whose library is `key` (see [`member_key`]) there: `None` for a file outside that
/// library, which the other package cannot name. Its own path dependencies are not followed.
pub fn member_place(member: &Package, file: &Path, key: &str) -> Option<FilePlace> {
    let library = member.targets.iter().find(|target| target.is_library())?;
    let mut place = place_of(member, file);
    if place.crate_key() != target_key(library) {
        return None;
    }
    key.clone_into(&mut place.module_path[0]);
    place.members = Vec::new();
    Some(place)
}

/// The target `file` (an absolute path) is compiled in, as [`place_of`] tells its crate: the
/// target it is the root of, or whose root directory holds it; of several targets sharing that
/// directory, any of which may declare it, the first. `None` for a file in no target's
/// directory.
pub fn target_of<'p>(package: &'p Package, file: &Path) -> Option<&'p Target> {
    if let Some(target) = package
        .targets
        .iter()
        .find(|target| target.src_path == file)
    {
        return Some(target);
    }
    let root = root_directory(package, file)?;
    targets_rooted_in(package, root).first().copied()
}

/// The crates of one package and what each one's code can reach.
#[derive(Debug, Default)]
pub struct Crates {
    /// By key; a file outside every target's directory is a crate missing here, which links
    /// the library and nothing else.
    crates: HashMap<String, Links>,
    library: Option<String>,
}

#[derive(Debug, Default)]
struct Links {
    /// The crates whose items a path of this one may also name at the same module path: for a
    /// target, the shared modules it may declare; for shared modules, the targets that may
    /// declare them.
    modules: Vec<String>,
    links_library: bool,
}

impl Crates {
    pub fn of(package: &Package) -> Self {
        let library = package
            .targets
            .iter()
            .find(|target| target.is_library())
            .map(target_key);
        let mut crates: HashMap<String, Links> = package
            .targets
            .iter()
            .map(|target| {
                let links = Links {
                    modules: Vec::new(),
                    links_library: links_library(target),
                };
                (target_key(target), links)
            })
            .collect();
        let mut directories: Vec<&Path> = package
            .targets
            .iter()
            .filter_map(|target| target.src_path.parent())
            .collect();
        directories.sort();
        directories.dedup();
        for directory in directories {
            let sharing = targets_rooted_in(package, directory);
            if sharing.len() < 2 {
                continue;
            }
            let shared = shared_key(package, directory);
            let keys: Vec<String> = sharing.iter().map(|target| target_key(target)).collect();
            for key in &keys {
                if let Some(links) = crates.get_mut(key) {
                    links.modules.push(shared.clone());
                }
            }
            let links = Links {
                modules: keys,
                links_library: library.is_some(),
            };
            crates.insert(shared, links);
        }
        Self { crates, library }
    }

    /// The crates whose items stand at `key`'s paths too (see [`Links::modules`]): a path of
    /// `key` that names nothing in its own crate names the item there when exactly one of them
    /// has it.
    pub fn modules_of(&self, key: &str) -> &[String] {
        self.crates
            .get(key)
            .map_or(&[], |links| links.modules.as_slice())
    }

    /// Whether code of crate `other` can be part of the program crate `key` is in: `key`
    /// itself, the shared modules it may declare (or for shared modules, the targets that may
    /// declare them), and the library with its shared modules, when `key` links it. The
    /// library reaches no other target; examples, tests and binaries do not reach each other.
    pub fn reaches(&self, key: &str, other: &str) -> bool {
        // `other` is this crate or one of its modules.
        let within =
            |key: &str| key == other || self.modules_of(key).iter().any(|module| module == other);
        let links_library = self.crates.get(key).is_none_or(|links| links.links_library);
        within(key)
            || links_library && self.library.as_deref().is_some_and(within)
            || is_member_key(other)
    }
}

/// Whether a target's code can use the package's library: every target but the library itself
/// and the build script does.
fn links_library(target: &Target) -> bool {
    !target.is_library() && !target.kind.iter().any(|kind| kind == "custom-build")
}

/// A target's key: its kind and name, in a form no identifier takes (`<example alpha>`).
fn target_key(target: &Target) -> String {
    let kind = if target.is_library() {
        "lib"
    } else {
        target.kind.first().map_or("bin", String::as_str)
    };
    format!("<{kind} {}>", target.name)
}

/// The key of the shared modules in `directory` (`<modules of tests>`).
fn shared_key(package: &Package, directory: &Path) -> String {
    let relative = directory
        .strip_prefix(package_directory(package))
        .unwrap_or(directory);
    format!("<modules of {}>", relative.display())
}

fn package_directory(package: &Package) -> &Path {
    package.manifest_path.parent().unwrap_or(Path::new("/"))
}

/// The deepest directory of a target's root that holds `file`.
fn root_directory<'a>(package: &'a Package, file: &Path) -> Option<&'a Path> {
    package
        .targets
        .iter()
        .filter_map(|target| target.src_path.parent())
        .filter(|directory| file.starts_with(directory))
        .max_by_key(|directory| directory.components().count())
}

fn targets_rooted_in<'a>(package: &'a Package, directory: &Path) -> Vec<&'a Target> {
    package
        .targets
        .iter()
        .filter(|target| target.src_path.parent() == Some(directory))
        .collect()
}

/// The module path of `file` below its crate's root directory `root`: `["ipc"]` for
/// `ipc.rs` or `ipc/mod.rs`, `["ipc", "names"]` for `ipc/names.rs`.
fn modules_below(root: &Path, file: &Path) -> Vec<String> {
    let Ok(relative) = file.strip_prefix(root) else {
        return Vec::new();
    };
    let mut segments: Vec<String> = PathBuf::from(relative)
        .with_extension("")
        .components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect();
    if segments.last().is_some_and(|last| last == "mod") {
        segments.pop();
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package() -> Package {
        let target = |kind: &str, name: &str, path: &str| Target {
            name: name.to_owned(),
            kind: vec![kind.to_owned()],
            crate_types: Vec::new(),
            src_path: Path::new("/p").join(path),
            edition: "2021".to_owned(),
            doc: false,
            doctest: false,
            test: false,
        };
        Package {
            name: "my-pkg".to_owned(),
            version: "0.1.0".to_owned(),
            manifest_path: PathBuf::from("/p/Cargo.toml"),
            path_dependencies: Vec::new(),
            targets: vec![
                target("lib", "my_pkg", "src/lib.rs"),
                target("bin", "my-pkg", "src/main.rs"),
                target("bin", "tool", "src/bin/tool/main.rs"),
                target("example", "alpha", "examples/alpha.rs"),
                target("example", "beta", "examples/beta/main.rs"),
                target("test", "a", "tests/a.rs"),
                target("test", "b", "tests/b.rs"),
                target("custom-build", "build-script-build", "build.rs"),
            ],
        }
    }

    #[test]
    fn a_file_belongs_to_the_target_whose_root_directory_holds_it_most_specifically() {
        let package = package();
        let cases = [
            ("src/lib.rs", "<lib my_pkg>", false),
            ("src/main.rs", "<bin my-pkg>", true),
            // Both `src/lib.rs` and `src/main.rs` may declare it.
            ("src/ipc/mod.rs", "<modules of src> ipc", true),
            ("src/bin/tool/args.rs", "<bin tool> args", true),
            ("examples/alpha.rs", "<example alpha>", true),
            ("examples/beta/pipes.rs", "<example beta> pipes", true),
            ("tests/common/mod.rs", "<modules of tests> common", true),
            ("build.rs", "<custom-build build-script-build>", false),
            (
                "helpers/gen.rs",
                "<custom-build build-script-build> helpers gen",
                false,
            ),
        ];
        for (file, expected, links_library) in cases {
            let place = place_of(&package, &Path::new("/p").join(file));
            assert_eq!(place.module_path.join(" "), expected, "{file}");
            let library = place.library.map(|library| (library.name, library.key));
            let expected_library =
                links_library.then(|| ("my_pkg".to_owned(), "<lib my_pkg>".to_owned()));
            assert_eq!(library, expected_library, "{file}");
        }
        let outside = Package {
            targets: package.targets[..1].to_vec(),
            ..package
        };
        assert_eq!(
            place_of(&outside, Path::new("/p/helpers/gen.rs")).module_path,
            ["<file helpers/gen.rs>"]
        );
    }

    #[test]
    fn programs_reach_the_library_and_their_modules_and_no_other_target() {
        let crates = Crates::of(&package());
        let cases = [
            ("<example alpha>", "<lib my_pkg>", true),
            ("<example alpha>", "<modules of src>", true),
            ("<example alpha>", "<example beta>", false),
            ("<lib my_pkg>", "<modules of src>", true),
            ("<lib my_pkg>", "<bin my-pkg>", false),
            ("<modules of src>", "<bin my-pkg>", true),
            ("<test a>", "<modules of tests>", true),
            ("<test a>", "<test b>", false),
            ("<custom-build build-script-build>", "<lib my_pkg>", false),
            ("<file helpers/gen.rs>", "<lib my_pkg>", true),
        ];
        for (key, other, reaches) in cases {
            assert_eq!(crates.reaches(key, other), reaches, "{key} → {other}");
        }
        assert_eq!(
            crates.modules_of("<modules of tests>"),
            ["<test a>", "<test b>"]
        );
    }
}
