//! Names made from file-system paths: each user's well-known directories, which anyone on the
//! machine can work out, and the path building that puts a file name after them
//! (`dirs::data_local_dir()?.join("app.sock")`).

use syn::{Expr, Lit};

use crate::names::ir::{Binding, NameIr};
use crate::names::lower::Site;
use crate::names::scope::{absolute_path, path_segments, LetBinding};

/// What `Path::join` puts between a directory and what follows it on Windows.
const SEPARATOR: &str = "\\";

/// The functions and methods that give one of the user's directories, by their last segment.
/// The `dirs`/`dirs-next` functions, `directories`' `ProjectDirs` and `BaseDirs` methods, and
/// std's `env::temp_dir()` and `env::home_dir()` all read the user's profile (the Known Folders
/// `LocalAppData`, `RoamingAppData`, the profile itself, or `%TEMP%`, which is under it): the
/// user name and the program's own names make all of it, so another user of the machine can
/// write the path out.
const DIRECTORIES: &[(&str, &str)] = &[
    ("data_local_dir", "the user's local data directory"),
    ("data_dir", "the user's data directory"),
    ("config_dir", "the user's configuration directory"),
    (
        "config_local_dir",
        "the user's local configuration directory",
    ),
    ("preference_dir", "the user's configuration directory"),
    ("cache_dir", "the user's cache directory"),
    ("home_dir", "the user's home directory"),
    ("temp_dir", "the user's temporary directory"),
];

/// The crates and std modules whose free functions of those names are the user's directories:
/// `dirs::data_dir()`, `dirs_next::cache_dir()`, `home::home_dir()`, `std::env::temp_dir()`.
const DIRECTORY_MODULES: &[&str] = &["dirs", "dirs_next", "dirs2", "home", "env"];

/// The environment variables Windows sets to the user's directories.
const DIRECTORY_VARIABLES: &[(&str, &str)] = &[
    ("APPDATA", "the user's data directory"),
    ("LOCALAPPDATA", "the user's local data directory"),
    ("TEMP", "the user's temporary directory"),
    ("TMP", "the user's temporary directory"),
    ("USERPROFILE", "the user's home directory"),
    ("HOME", "the user's home directory"),
];

/// The methods of `Option` and `Result` that hand a closure the value inside.
const MAPPING_METHODS: &[&str] = &["map", "and_then"];

/// Whether a name's text is a file path in one of the user's directories
/// (`{the user's data directory}\\app.sock`): no pipe path, which a pipe server given the whole
/// path (CreateNamedPipeW, tokio's `ServerOptions`, interprocess 2.x's file-path names) fails to
/// create on Windows.
pub fn is_file_path(value: &str) -> bool {
    DIRECTORIES
        .iter()
        .map(|(_, what)| what)
        .chain(DIRECTORY_VARIABLES.iter().map(|(_, what)| what))
        .any(|what| {
            value
                .strip_prefix('{')
                .and_then(|rest| rest.strip_prefix(what))
                .is_some_and(|rest| rest.starts_with('}'))
        })
}

fn directory(name: &str) -> Option<NameIr> {
    DIRECTORIES
        .iter()
        .find(|(function, _)| *function == name)
        .map(|(_, what)| NameIr::Predictable((*what).to_owned()))
}

impl Site<'_> {
    /// `dirs::data_local_dir()`, `std::env::temp_dir()`, a `use`d `home_dir()`, or
    /// `env::var("LOCALAPPDATA")`: one of the user's directories. `None` for anything else.
    pub(crate) fn directory_call(&self, call: &syn::ExprCall) -> Option<NameIr> {
        let Expr::Path(function) = &*call.func else {
            return None;
        };
        let written = path_segments(&function.path);
        let absolute = absolute_path(self.module_path, None, &written, Some(self.uses));
        let segments = if written.len() == 1 {
            &absolute
        } else {
            &written
        };
        let [.., module, last] = segments.as_slice() else {
            return None;
        };
        if !DIRECTORY_MODULES.contains(&module.as_str()) {
            return None;
        }
        match call.args.iter().collect::<Vec<_>>().as_slice() {
            [] => directory(last),
            [Expr::Lit(syn::ExprLit {
                lit: Lit::Str(variable),
                ..
            })] if module == "env" && matches!(last.as_str(), "var" | "var_os") => {
                let variable = variable.value();
                DIRECTORY_VARIABLES
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(&variable))
                    .map(|(_, what)| NameIr::Predictable((*what).to_owned()))
            }
            _ => None,
        }
    }

    /// A method that builds a path, or hands a closure the path inside an `Option` or `Result`:
    /// `project.data_local_dir()`, `dir.join("app.sock")`, `path.with_extension("lock")`,
    /// `dir.map(|dir| dir.join("app.sock"))`. `None` for any other method.
    pub(crate) fn path_method(
        &self,
        call: &syn::ExprMethodCall,
        depth: usize,
        binding: Option<&Binding>,
    ) -> Option<NameIr> {
        let method = call.method.to_string();
        let args: Vec<&Expr> = call.args.iter().collect();
        let receiver = || self.lower_at(&call.receiver, depth + 1, binding);
        match (method.as_str(), args.as_slice()) {
            // `self.cache_dir()` is the crate's own method, read as such.
            (_, []) if !is_self(&call.receiver) => directory(&method),
            ("join", [part]) => Some(self.joined(receiver(), part, depth, binding)),
            ("with_extension", [extension]) => {
                Some(self.with_extension(receiver(), extension, depth, binding))
            }
            (mapping, [Expr::Closure(closure)]) if MAPPING_METHODS.contains(&mapping) => {
                self.mapped(&call.receiver, closure, depth, binding)
            }
            _ => None,
        }
    }

    /// `dir.join(part)` on Windows: `part` after a separator, or `part` alone when it is an
    /// absolute path, which replaces the directory. A directory objlint cannot read makes an
    /// unknown path (a slice's `join` reads as one too).
    pub(crate) fn joined(
        &self,
        dir: NameIr,
        part: &Expr,
        depth: usize,
        binding: Option<&Binding>,
    ) -> NameIr {
        if dir == NameIr::Unknown {
            return NameIr::Unknown;
        }
        let part = self.part(part, depth + 1, binding);
        if let Some(text) = first_text(&part) {
            let absolute = text.starts_with(['\\', '/']) || text.get(1..2) == Some(":");
            if absolute {
                return part;
            }
        }
        if last_text(&dir).is_some_and(|text| text.ends_with(['\\', '/'])) {
            return NameIr::Concat(vec![dir, part]);
        }
        NameIr::Concat(vec![dir, NameIr::Added(SEPARATOR.to_owned()), part])
    }

    /// `path.with_extension(extension)` on a path whose file name has no extension yet (a
    /// leading dot starts none: `.app`): the extension after a dot. A file name that has one,
    /// or that objlint cannot read, makes an unknown path.
    fn with_extension(
        &self,
        path: NameIr,
        extension: &Expr,
        depth: usize,
        binding: Option<&Binding>,
    ) -> NameIr {
        let file_name = last_text(&path).map(|text| text.rsplit(['\\', '/']).next().unwrap_or(""));
        match file_name {
            Some(name) if name.get(1..).is_some_and(|rest| !rest.contains('.')) => {
                NameIr::Concat(vec![
                    path,
                    NameIr::Added(".".to_owned()),
                    self.part(extension, depth + 1, binding),
                ])
            }
            _ => NameIr::Unknown,
        }
    }

    /// `value.map(|dir| dir.join("app.sock"))`: the closure's value, its parameter standing for
    /// the value inside `value`, read as a `let` of it would be.
    fn mapped(
        &self,
        value: &Expr,
        closure: &syn::ExprClosure,
        depth: usize,
        binding: Option<&Binding>,
    ) -> Option<NameIr> {
        let [syn::Pat::Ident(parameter)] = closure.inputs.iter().collect::<Vec<_>>().as_slice()
        else {
            return None;
        };
        if parameter.by_ref.is_some() || parameter.subpat.is_some() {
            return None;
        }
        let inside = LetBinding {
            name: parameter.ident.to_string(),
            init: Some(value.clone()),
            local_key: false,
            cfg: None,
            at: self.at.saturating_sub(1),
            loop_depth: self.loop_depth,
            mutations: Vec::new(),
        };
        let mut lets = self.lets.to_vec();
        lets.push(&inside);
        let site = Site {
            lets: &lets,
            ..*self
        };
        Some(site.lower_at(&closure.body, depth + 1, binding))
    }
}

/// Whether a lowered name starts with one of the user's directories: a `PathBuf`, whose
/// `push` puts a separator first.
pub fn starts_with_directory(name: &NameIr) -> bool {
    match name {
        NameIr::Predictable(what) => DIRECTORIES
            .iter()
            .chain(DIRECTORY_VARIABLES)
            .any(|(_, directory)| directory == what),
        NameIr::Concat(parts) => parts.first().is_some_and(starts_with_directory),
        _ => false,
    }
}

fn is_self(expr: &Expr) -> bool {
    matches!(expr, Expr::Path(path) if path.path.is_ident("self"))
}

/// The text a lowered name starts with, when it starts with text written in the source.
fn first_text(name: &NameIr) -> Option<&str> {
    match name {
        NameIr::Literal(literal) => Some(&literal.value),
        NameIr::Concat(parts) => parts.first().and_then(first_text),
        _ => None,
    }
}

/// The text a lowered name ends with, when it ends with text written in the source or added.
fn last_text(name: &NameIr) -> Option<&str> {
    match name {
        NameIr::Literal(literal) => Some(&literal.value),
        NameIr::Added(text) => Some(text),
        NameIr::Concat(parts) => parts.last().and_then(last_text),
        _ => None,
    }
}
