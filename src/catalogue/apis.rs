//! What the catalogue knows of a function that creates (or opens) a named kernel object: the
//! object's kind, which argument carries the name, how ownership and the pipe mode are asked
//! for, and what the call reports on an existing object. The entries themselves are data in
//! [`super::win32`] and [`super::wrappers`]; `[[api]]` entries are built by
//! [`super::Catalogue::new`].

use std::borrow::Cow;
use std::sync::Arc;

/// The kind of kernel object a function creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    FileMapping,
    Mutex,
    Event,
    Semaphore,
    WaitableTimer,
    JobObject,
    NamedPipe,
}

impl ObjectKind {
    /// The noun with its indefinite article: "a file mapping", "an event".
    pub fn with_article(self) -> String {
        let noun = self.noun();
        let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {noun}")
    }

    pub fn noun(self) -> &'static str {
        match self {
            ObjectKind::FileMapping => "file mapping",
            ObjectKind::Mutex => "mutex",
            ObjectKind::Event => "event",
            ObjectKind::Semaphore => "semaphore",
            ObjectKind::WaitableTimer => "waitable timer",
            ObjectKind::JobObject => "job object",
            ObjectKind::NamedPipe => "named pipe",
        }
    }

    /// The name of the kind in `objlint.toml` (`kind = "file-mapping"`).
    pub fn config_name(self) -> &'static str {
        match self {
            ObjectKind::FileMapping => "file-mapping",
            ObjectKind::Mutex => "mutex",
            ObjectKind::Event => "event",
            ObjectKind::Semaphore => "semaphore",
            ObjectKind::WaitableTimer => "waitable-timer",
            ObjectKind::JobObject => "job-object",
            ObjectKind::NamedPipe => "named-pipe",
        }
    }

    /// Every kind, in the order documentation lists them.
    pub const ALL: [ObjectKind; 7] = [
        ObjectKind::FileMapping,
        ObjectKind::Mutex,
        ObjectKind::Event,
        ObjectKind::Semaphore,
        ObjectKind::WaitableTimer,
        ObjectKind::JobObject,
        ObjectKind::NamedPipe,
    ];

    /// The kind a configuration name denotes.
    pub fn from_config_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.config_name() == name)
    }

    /// What the existing object keeps when a create call finds one, per the Remarks of the
    /// creating functions in Microsoft's API reference; [`Api::kept_from_existing`] adds what
    /// the call's own arguments lose.
    pub fn kept_by_existing(self) -> &'static str {
        match self {
            ObjectKind::FileMapping => {
                "the existing mapping keeps its own size, contents and security descriptor"
            }
            ObjectKind::Mutex => "the existing mutex keeps its owner and security descriptor",
            ObjectKind::Event => {
                "the existing event keeps its state, reset mode and security descriptor"
            }
            ObjectKind::Semaphore => {
                "the existing semaphore keeps its count, maximum count and security descriptor"
            }
            ObjectKind::WaitableTimer => {
                "the existing timer keeps its state, its schedule and its security descriptor, \
                 and whoever created it can set or cancel it"
            }
            ObjectKind::JobObject => {
                "the existing job keeps its limits, processes and security descriptor, \
                 and limits set afterwards apply to the other program's job"
            }
            ObjectKind::NamedPipe => {
                "the pipe's existing instances keep their security descriptor and instance limit, \
                 and clients may connect to the other program's server instead of this one"
            }
        }
    }
}

/// How a mutex-creating function is told to take ownership of the new mutex.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnershipArg {
    /// Not a mutex, or ownership is not an argument.
    None,
    /// `bInitialOwner`: a `BOOL` argument at this index.
    InitialOwner(usize),
    /// `dwFlags` at this index, where `CREATE_MUTEX_INITIAL_OWNER` (1) asks for ownership.
    Flags(usize),
    /// The wrapper always creates the mutex owned.
    Always,
}

/// What a creating call reports when the named object already exists: where a check of
/// `ERROR_ALREADY_EXISTS` can see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnExisting {
    /// Whatever the binding crate makes of the Win32 call: the `windows` crate returns
    /// `Ok(handle)` ([`OnExisting::Succeeds`]), `windows-sys`, `winapi` and hand-written
    /// `extern` declarations return the raw handle ([`OnExisting::LastError`]).
    ByBinding,
    /// A raw handle, with `GetLastError()` set to `ERROR_ALREADY_EXISTS`: there is no `Err`.
    LastError,
    /// Success (`Ok`) with the existing object: no `Err` of the call ever carries
    /// `ERROR_ALREADY_EXISTS`, and only `GetLastError()` right after it (or the wrapper's own
    /// value) tells.
    Succeeds,
    /// An error that carries or stands for `ERROR_ALREADY_EXISTS`: the `Err` is the check.
    Fails,
    /// An error, but `ERROR_ACCESS_DENIED`: a named pipe whose first instance is taken, when
    /// the call asks for it (`FILE_FLAG_FIRST_PIPE_INSTANCE`, per `CreateNamedPipeW`'s page).
    FailsWithAccessDenied,
}

impl OnExisting {
    /// This outcome for a call made through `binding`.
    #[must_use]
    pub fn through(self, binding: BindingCrate) -> OnExisting {
        match (self, binding) {
            (OnExisting::ByBinding, BindingCrate::Windows) => OnExisting::Succeeds,
            (OnExisting::ByBinding, _) => OnExisting::LastError,
            (outcome, _) => outcome,
        }
    }

    /// Whether a comparison with `ERROR_ALREADY_EXISTS` on the call's `Err` can never be true.
    pub fn already_exists_never_in_err(self) -> bool {
        matches!(
            self,
            OnExisting::Succeeds | OnExisting::FailsWithAccessDenied
        )
    }
}

/// The crate a file reaches Win32 through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingCrate {
    Windows,
    WindowsSys,
    Winapi,
    /// None of them: the check is written with `std::io::Error::last_os_error`.
    Std,
}

impl BindingCrate {
    /// Judged by the paths the file mentions; `windows-sys` and `winapi` first, since a file
    /// using them may also mention `windows` in other words.
    pub fn of(text: &str) -> Self {
        if text.contains("windows_sys::") {
            BindingCrate::WindowsSys
        } else if text.contains("winapi::") {
            BindingCrate::Winapi
        } else if text.contains("windows::") {
            BindingCrate::Windows
        } else {
            BindingCrate::Std
        }
    }
}

/// How a call to the API is recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Matcher {
    /// A function called by this exact name, under any path or `use … as` alias.
    Function(Cow<'static, str>),
    /// A function or associated function whose path ends with these segments
    /// (`["SingleInstance", "new"]`); `Self::new` inside the type's `impl` matches too.
    Path(Cow<'static, [Cow<'static, str>]>),
    /// A builder: a chain (or a `let`-bound value) that starts at `root` (`ServerOptions::new`)
    /// and ends in one of the `create` methods. The name is the create method's argument, or,
    /// with `name_method`, the argument of that method in the chain (the root's own last
    /// segment names the root's argument: `PipeOptions::new(name)`).
    Builder {
        root: &'static [&'static str],
        create: &'static [&'static str],
        name_method: Option<&'static str>,
    },
    /// A method called by this exact name on any receiver (`hfile.CreateFileMapping(…)`).
    Method(&'static str),
    /// A method of one of the crate's types (`["Listener", "open_instance"]`), called on
    /// `self` inside an `impl` of that type: the only receiver whose type objlint knows.
    SelfMethod(Cow<'static, [Cow<'static, str>]>),
}

/// Where the catalogue entry comes from, for notes and for `--list`-style explanations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Win32,
    /// A crate that wraps a Win32 call; the version its source was read from.
    Crate {
        name: &'static str,
        version: &'static str,
    },
    /// An `[[api]]` entry of the user's configuration.
    Config,
    /// One of the checked crate's own functions that passes its parameter to a creation.
    Derived,
    /// One of the checked crate's own functions that sets a `OnceCell` static from its
    /// parameter: its calls are found for the values they give the static, and are no creations.
    Setter,
}

/// One function that creates a (possibly) named kernel object.
#[derive(Clone, Debug)]
pub struct Api {
    /// The name shown in diagnostics (`CreateMutexW`, `SingleInstance::new`).
    pub name: Cow<'static, str>,
    pub matcher: Matcher,
    pub kind: ObjectKind,
    /// 0-based index of the name among the call's arguments (without a method's receiver).
    pub name_arg: usize,
    pub ownership: OwnershipArg,
    /// `CreateNamedPipe`'s `dwOpenMode` argument, where `FILE_FLAG_FIRST_PIPE_INSTANCE` goes.
    pub open_mode_arg: Option<usize>,
    /// The argument carrying the object's `SECURITY_ATTRIBUTES`, whose security descriptor
    /// may publish the object to other users and programs.
    pub security_arg: Option<usize>,
    /// A namespace the function adds in front of the caller's name (`Global\`).
    pub added_prefix: &'static str,
    /// Whether a name that starts with `@` after `added_prefix` loses the `@`: interprocess
    /// 1.x's "@ syntax", by which a name written as text names the namespace, not a file.
    pub drops_at_sign: bool,
    /// Whether the function already handles `ERROR_ALREADY_EXISTS` (so only the name is reported).
    pub checks_already_exists: bool,
    /// What the call reports when the object already exists.
    pub on_existing: OnExisting,
    /// For pipe servers: whether the function itself claims the first instance (`Some(true)`),
    /// provably does not (`Some(false)`: a crate function passing its name to a server that
    /// does not), or leaves it to its arguments (`None`: `dwOpenMode`); with
    /// `first_instance_method`, what the builder does unless that method says otherwise.
    pub first_pipe_instance: Option<bool>,
    /// For builder pipe servers: the builder's method that says whether to claim the first
    /// instance (tokio's `first_pipe_instance(bool)`, named_pipe's `first(bool)`).
    pub first_instance_method: Option<&'static str>,
    /// Whether the function opens an existing object instead of creating one (`OpenMutexW`):
    /// no lint reports it, but `--fix` renames its name together with the creator's.
    pub opens_existing: bool,
    /// The page of Microsoft's API reference (or the crate's docs) that documents the function.
    pub reference: Cow<'static, str>,
    pub origin: Origin,
    /// For one of the crate's own functions: the last segments a path may have before its
    /// name to call it (its modules, the package's modules, its crate's names); `None` for
    /// an API whose name alone says which function it is.
    pub called_through: Option<Arc<[String]>>,
}

impl Api {
    /// An entry with no ownership, pipe-mode or prefix facts: the builders below add them.
    pub const fn new(
        name: &'static str,
        matcher: Matcher,
        kind: ObjectKind,
        name_arg: usize,
        reference: &'static str,
        origin: Origin,
    ) -> Api {
        Api {
            name: Cow::Borrowed(name),
            matcher,
            kind,
            name_arg,
            ownership: OwnershipArg::None,
            open_mode_arg: None,
            security_arg: None,
            added_prefix: "",
            drops_at_sign: false,
            checks_already_exists: false,
            on_existing: OnExisting::ByBinding,
            first_pipe_instance: None,
            first_instance_method: None,
            opens_existing: false,
            reference: Cow::Borrowed(reference),
            origin,
            called_through: None,
        }
    }

    /// Whether the creation of this API's object can be checked for `ERROR_ALREADY_EXISTS`
    /// by its caller (a wrapper that handles it itself cannot).
    pub fn caller_checks(&self) -> bool {
        !self.checks_already_exists
    }

    /// What a create call through this API gets when the object already exists: what the
    /// existing object keeps, and which of the call's arguments are ignored, named as this API
    /// takes them. `initially_owned` is the mutex ownership the call asked for, if known.
    pub fn kept_from_existing(&self, initially_owned: Option<bool>) -> String {
        let kept = self.kind.kept_by_existing();
        let win32 = self.origin == Origin::Win32;
        let ex = win32 && (self.name.ends_with("ExA") || self.name.ends_with("ExW"));
        let ignored = match self.kind {
            ObjectKind::FileMapping => Some("the requested size is ignored"),
            // Ownership a call did not ask for is not lost.
            ObjectKind::Mutex if initially_owned == Some(false) => None,
            ObjectKind::Mutex if ex => Some("`CREATE_MUTEX_INITIAL_OWNER` in `dwFlags` is ignored"),
            ObjectKind::Mutex if win32 => Some("`bInitialOwner` is ignored"),
            ObjectKind::Mutex => Some("the ownership asked for is ignored"),
            ObjectKind::Event if ex => {
                Some("`CREATE_EVENT_MANUAL_RESET` and `CREATE_EVENT_INITIAL_SET` in `dwFlags` are ignored")
            }
            ObjectKind::Event if win32 => Some("`bManualReset` and `bInitialState` are ignored"),
            ObjectKind::Event => Some("the reset mode and initial state asked for are ignored"),
            ObjectKind::Semaphore if win32 => {
                Some("`lInitialCount` and `lMaximumCount` are ignored")
            }
            ObjectKind::Semaphore => Some("the counts asked for are ignored"),
            ObjectKind::WaitableTimer | ObjectKind::JobObject | ObjectKind::NamedPipe => None,
        };
        match ignored {
            Some(ignored) => format!("{kept}, and {ignored}"),
            None => kept.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_configuration_names() {
        for kind in ObjectKind::ALL {
            assert_eq!(ObjectKind::from_config_name(kind.config_name()), Some(kind));
        }
    }
}
