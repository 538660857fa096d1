//! The catalogue a run matches calls against: the Win32 functions, the wrapper crates, the
//! user's `[[api]]` entries and the crate's own functions that pass a name through — with the
//! words a file must contain to possibly call any of them.

pub mod apis;
pub(crate) mod win32;
pub(crate) mod wrappers;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use self::apis::{Api, Matcher, ObjectKind, OnExisting, Origin, OwnershipArg};

/// One `[[api]]` entry: a function (often a project's own wrapper) that creates a named object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiDecl {
    /// The function's path as code calls it, such as `shm::create_shared` or `CreateBoundaryW`;
    /// a call matches when its path ends with these segments.
    pub path: String,
    /// 0-based index of the argument that carries the name.
    pub name_arg: usize,
    /// The kind of object (written `"file-mapping"`, `"mutex"`, `"event"`, `"semaphore"`,
    /// `"waitable-timer"`, `"job-object"` or `"named-pipe"`).
    pub kind: ObjectKind,
    /// Whether the function itself deals with `ERROR_ALREADY_EXISTS` (fails or reports an
    /// existing object), so that callers need not check it.
    pub checks_already_exists: bool,
    /// The line of the entry's `[[api]]` header in its file, for messages about it.
    pub line: usize,
}

/// Every API calls are matched against, indexed by how calls name it.
#[derive(Debug, Default, Clone)]
pub struct Catalogue {
    functions: HashMap<String, Arc<Api>>,
    paths: Vec<Arc<Api>>,
    builders: Vec<Arc<Api>>,
    methods: HashMap<String, Arc<Api>>,
    self_methods: Vec<Arc<Api>>,
}

impl Catalogue {
    /// The Win32 functions and the wrapper crates.
    pub fn standard() -> Self {
        let mut catalogue = Catalogue::default();
        let creators = win32::WIN32_APIS.iter().chain(wrappers::WRAPPERS);
        let openers = win32::WIN32_OPENERS.iter().chain(wrappers::WRAPPER_OPENERS);
        for api in creators.chain(openers) {
            catalogue.add(api.clone());
        }
        catalogue
    }

    /// The standard catalogue and the configuration's `[[api]]` entries.
    pub fn new(declared_apis: &[ApiDecl]) -> Self {
        let mut catalogue = Self::standard();
        for declared in declared_apis {
            let segments: Vec<Cow<'static, str>> = declared
                .path
                .split("::")
                .map(|segment| Cow::Owned(segment.to_owned()))
                .collect();
            let matcher = match segments.as_slice() {
                [function] => Matcher::Function(function.clone()),
                _ => Matcher::Path(segments.into()),
            };
            catalogue.add(Api {
                name: Cow::Owned(declared.path.clone()),
                matcher,
                kind: declared.kind,
                name_arg: declared.name_arg,
                ownership: OwnershipArg::None,
                open_mode_arg: None,
                security_arg: None,
                added_prefix: "",
                drops_at_sign: false,
                checks_already_exists: declared.checks_already_exists,
                // What a declared function returns is not known: only a raw handle is sure
                // to have no `Err` objlint would call dead.
                on_existing: OnExisting::LastError,
                first_pipe_instance: None,
                first_instance_method: None,
                opens_existing: false,
                reference: Cow::Borrowed("objlint.toml [[api]]"),
                origin: Origin::Config,
                called_through: None,
            });
        }
        catalogue
    }

    pub fn add(&mut self, api: Api) {
        self.insert(Arc::new(api));
    }

    /// Adds an API shared with other catalogues: a call found through it holds this very `Arc`.
    pub fn insert(&mut self, api: Arc<Api>) {
        match &api.matcher {
            Matcher::Function(name) => {
                self.functions.insert(name.to_string(), api);
            }
            Matcher::Path(_) => self.paths.push(api),
            Matcher::Builder {
                root,
                create,
                name_method,
            } if create.len() > 1 => {
                // One entry per creating method, named for it: a finding names the call that
                // was made (`ListenerOptions::create_tokio`), never a sibling method.
                let owner = api
                    .name
                    .rsplit_once("::")
                    .map_or(&*api.name, |(owner, _)| owner);
                for method in *create {
                    self.builders.push(Arc::new(Api {
                        name: Cow::Owned(format!("{owner}::{method}")),
                        matcher: Matcher::Builder {
                            root,
                            create: std::slice::from_ref(method),
                            name_method: *name_method,
                        },
                        ..(*api).clone()
                    }));
                }
            }
            Matcher::Builder { .. } => self.builders.push(api),
            Matcher::Method(name) => {
                self.methods.insert((*name).to_owned(), api);
            }
            Matcher::SelfMethod(_) => self.self_methods.push(api),
        }
    }

    /// Whether `ident` names a function of the catalogue (for `use … as alias`).
    pub fn is_function_name(&self, ident: &str) -> bool {
        self.functions.contains_key(ident)
    }

    /// The API a path call names. `alias_target` is what a `use … as` alias stands for;
    /// `absolute` is the path made absolute through the file's `use`s.
    pub fn for_path(
        &self,
        segments: &[String],
        absolute: &[String],
        alias_target: Option<&str>,
        self_type: Option<&str>,
    ) -> Option<Arc<Api>> {
        let last = segments.last()?;
        if let Some(api) = self.functions.get(alias_target.unwrap_or(last)) {
            // A crate function is called through its module, never through a type: `Foo::lock`
            // is some other `lock`.
            let through_type = segments.len() >= 2
                && segments[segments.len() - 2].starts_with(|c: char| c.is_ascii_uppercase());
            let qualified = segments.len() >= 2 || alias_target.is_some();
            if !(api.origin == Origin::Derived && through_type)
                && (!qualified || is_called_through(api, segments, absolute))
            {
                return Some(Arc::clone(api));
            }
        }
        self.paths
            .iter()
            .find(|api| {
                let Matcher::Path(wanted) = &api.matcher else {
                    return false;
                };
                let ends_with = |path: &[String]| {
                    path.len() >= wanted.len()
                        && path[path.len() - wanted.len()..]
                            .iter()
                            .zip(wanted.iter())
                            .all(|(have, want)| have == want)
                };
                let through_self = segments.len() == 2
                    && segments[0] == "Self"
                    && wanted.len() >= 2
                    && self_type == Some(&*wanted[wanted.len() - 2])
                    && segments[1] == wanted[wanted.len() - 1];
                ends_with(segments) || ends_with(absolute) || through_self
            })
            .cloned()
    }

    /// The API a call of `method` on `self` inside an `impl` of `self_type` is.
    pub fn for_self_method(&self, self_type: &str, method: &str) -> Option<Arc<Api>> {
        self.self_methods
            .iter()
            .find(|api| match &api.matcher {
                Matcher::SelfMethod(wanted) => {
                    matches!(&wanted[..], [owner, name] if owner == self_type && name == method)
                }
                _ => false,
            })
            .cloned()
    }

    /// The API a method call by this name is, for methods distinctive enough to match alone.
    pub fn for_method(&self, method: &str) -> Option<Arc<Api>> {
        self.methods.get(method).cloned()
    }

    /// The builder APIs whose chain starts at `root` and creates with `method`, in catalogue
    /// order (two versions of a crate may share both and differ in the naming method).
    pub fn builders<'s>(
        &'s self,
        root: &'s [String],
        method: &'s str,
    ) -> impl Iterator<Item = &'s Arc<Api>> + 's {
        self.builders.iter().filter(move |api| {
            let Matcher::Builder {
                root: wanted,
                create,
                ..
            } = &api.matcher
            else {
                return false;
            };
            create.contains(&method)
                && root.len() >= wanted.len()
                && root[root.len() - wanted.len()..]
                    .iter()
                    .zip(wanted.iter())
                    .all(|(have, want)| have == want)
        })
    }

    /// The words that name a Win32 function (each the function's own name).
    pub fn win32_functions(&self) -> std::collections::HashSet<String> {
        self.functions
            .iter()
            .filter(|(word, api)| api.origin == Origin::Win32 && api.name == word.as_str())
            .map(|(word, _)| word.clone())
            .collect()
    }

    /// Words at least one of which a file must contain to call anything in the catalogue.
    pub fn keywords(&self) -> Vec<String> {
        let mut words: Vec<String> = self.functions.keys().cloned().collect();
        words.extend(self.methods.keys().cloned());
        for api in self
            .paths
            .iter()
            .chain(&self.builders)
            .chain(&self.self_methods)
        {
            match &api.matcher {
                // A call through a type (`NamedLock::create`) names the type in the file: in
                // the call, in the `use` that imports or renames it, or in the `impl` around a
                // `Self::create`. The type is the exact word; `create` or `new` would select
                // nearly every file.
                Matcher::Path(segments) | Matcher::SelfMethod(segments) => words.extend(
                    match &segments[..] {
                        [.., owner, _] if owner.starts_with(|c: char| c.is_ascii_uppercase()) => {
                            Some(owner)
                        }
                        _ => segments.last(),
                    }
                    .map(ToString::to_string),
                ),
                Matcher::Builder { root, .. } => {
                    words.extend(root.first().map(|segment| (*segment).to_owned()));
                }
                Matcher::Function(_) | Matcher::Method(_) => {}
            }
        }
        words.sort();
        words.dedup();
        words
    }

    /// The methods of the catalogue's builder chains: the ones that create, the one that
    /// names, and those that make a pipe the first instance. A chain on a `let`-bound builder
    /// (`options.create(name)`) names no catalogue word where these methods are called.
    pub fn builder_methods(&self) -> Vec<&'static str> {
        let mut methods = vec!["max_instances"];
        for api in &self.builders {
            methods.extend(api.first_instance_method);
            if let Matcher::Builder {
                root,
                create,
                name_method,
            } = &api.matcher
            {
                methods.extend(create.iter().copied());
                // A name given to the root (`PipeOptions::new(name)`) is found through the
                // root's type, already a word of the catalogue.
                methods.extend(name_method.filter(|method| root.last() != Some(method)));
            }
        }
        methods.sort_unstable();
        methods.dedup();
        methods
    }
}

/// Whether a path (or the path a `use` alias stands for) can name the crate function `api`:
/// the segment before the name is `crate`, `self`, `super`, one of the crate's modules or one
/// of the crate's names. `windows_service::service_dispatcher::start` is another crate's
/// `start`, whatever functions of that name the checked crate has.
fn is_called_through(api: &Api, segments: &[String], absolute: &[String]) -> bool {
    let Some(allowed) = &api.called_through else {
        return true;
    };
    let qualifier = |path: &[String]| {
        path.len()
            .checked_sub(2)
            .and_then(|index| path.get(index))
            .is_some_and(|segment| {
                matches!(segment.as_str(), "crate" | "self" | "super")
                    || allowed.iter().any(|name| name == segment)
            })
    };
    qualifier(segments) || qualifier(absolute)
}
