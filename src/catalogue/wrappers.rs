//! The Rust crates that wrap the creating Win32 calls: which of the caller's arguments becomes
//! the object's name, what the crate adds to it, and whether it handles `ERROR_ALREADY_EXISTS`
//! itself, and what it returns when the object already exists (an `Ok` no `Err` check can see,
//! or an error). Each entry was read from the crate's source at the version its comment names.

use std::borrow::Cow;

use crate::catalogue::apis::{Api, Matcher, ObjectKind, OnExisting, Origin, OwnershipArg};

/// `path!("Type", "function")`: a matcher for calls whose path ends with these segments.
macro_rules! path {
    ($($segment:literal),+) => {
        Matcher::Path(Cow::Borrowed(&[$(Cow::Borrowed($segment)),+]))
    };
}

const fn wrapper(
    crate_name: &'static str,
    version: &'static str,
    name: &'static str,
    matcher: Matcher,
    kind: ObjectKind,
    name_arg: usize,
    reference: &'static str,
) -> Api {
    Api::new(
        name,
        matcher,
        kind,
        name_arg,
        reference,
        Origin::Crate {
            name: crate_name,
            version,
        },
    )
}

/// What the entry point returns when the object already exists, read from its source: every
/// wrapper says it (see [`OnExisting`]).
const fn on_existing(mut api: Api, outcome: OnExisting) -> Api {
    api.on_existing = outcome;
    api
}

const fn handles_already_exists(mut api: Api) -> Api {
    api.checks_already_exists = true;
    api
}

const fn adds_prefix(mut api: Api, prefix: &'static str) -> Api {
    api.added_prefix = prefix;
    api
}

const fn drops_at_sign(mut api: Api) -> Api {
    api.drops_at_sign = true;
    api
}

/// The pipe path prefix interprocess 1.x puts in front of every name (its
/// `os::windows::named_pipe::convert_path`, with the local host `.`).
const INTERPROCESS_1_PIPE_PREFIX: &str = r"\\.\pipe\";

const fn owned(mut api: Api) -> Api {
    api.ownership = OwnershipArg::Always;
    api
}

const fn opener(mut api: Api) -> Api {
    api.opens_existing = true;
    api
}

const fn first_instance(mut api: Api) -> Api {
    api.first_pipe_instance = Some(true);
    api
}

/// A builder whose `method(bool)` says whether to claim the first instance, `by_default` when
/// the chain does not call it.
const fn first_instance_by(mut api: Api, method: &'static str, by_default: bool) -> Api {
    api.first_pipe_instance = Some(by_default);
    api.first_instance_method = Some(method);
    api
}

const INTERPROCESS_PIPE_CREATORS: &[&str] = &[
    "create",
    "create_duplex",
    "create_recv_only",
    "create_send_only",
    "create_tokio",
    "create_tokio_duplex",
    "create_tokio_recv_only",
    "create_tokio_send_only",
];

/// Every wrapper entry point objlint knows.
pub static WRAPPERS: &[Api] = &[
    // single-instance 0.3.3, src/lib.rs: `SingleInstance::new(name)` calls CreateMutexW(null,
    // FALSE, name) and keeps ERROR_ALREADY_EXISTS for `is_single()`.
    // On an existing mutex: `Ok`, with `is_single()` false.
    on_existing(
    handles_already_exists(wrapper(
        "single-instance",
        "0.3.3",
        "SingleInstance::new",
        path!("SingleInstance", "new"),
        ObjectKind::Mutex,
        0,
        "https://docs.rs/single-instance/latest/single_instance/struct.SingleInstance.html",
    )),
        OnExisting::Succeeds,
    ),
    // named-lock 0.4.1, src/lib.rs: `NamedLock::create(name)` prepends `Global\` and calls
    // CreateMutexW unowned; an existing mutex is shared on purpose (it is a lock).
    // On an existing mutex: `Ok`, the same lock.
    on_existing(
    adds_prefix(
        wrapper(
            "named-lock",
            "0.4.1",
            "NamedLock::create",
            path!("NamedLock", "create"),
            ObjectKind::Mutex,
            0,
            "https://docs.rs/named-lock/latest/named_lock/struct.NamedLock.html",
        ),
        "Global\\",
    ),
        OnExisting::Succeeds,
    ),
    // winctx 0.0.20, src/named_mutex.rs: `NamedMutex::create_acquired(name)` calls
    // CreateMutexW(null, TRUE, name) and returns `Ok(None)` on ERROR_ALREADY_EXISTS.
    // On an existing mutex: `Ok(None)`.
    on_existing(
    handles_already_exists(owned(wrapper(
        "winctx",
        "0.0.20",
        "NamedMutex::create_acquired",
        path!("NamedMutex", "create_acquired"),
        ObjectKind::Mutex,
        0,
        "https://docs.rs/winctx/latest/winctx/struct.NamedMutex.html",
    ))),
        OnExisting::Succeeds,
    ),
    // shared_memory 0.12.4, src/lib.rs and src/windows.rs: `ShmemConf::new().os_id(id)…create()`
    // maps a file-backed CreateFileMappingW named `id` (without `os_id` the name is random). It
    // means to refuse an existing mapping; only the name is reported.
    // On an existing mapping: `Err(ShmemError::MappingIdExists)`.
    on_existing(
    handles_already_exists(wrapper(
        "shared_memory",
        "0.12.4",
        "ShmemConf::create",
        Matcher::Builder {
            root: &["ShmemConf", "new"],
            create: &["create"],
            name_method: Some("os_id"),
        },
        ObjectKind::FileMapping,
        0,
        "https://docs.rs/shared_memory/latest/shared_memory/struct.ShmemConf.html",
    )),
        OnExisting::Fails,
    ),
    // winmmf 0.6.2, src/mmf.rs: `MemoryMappedFile::new(size, name, namespace, large_pages)`
    // calls CreateFileMappingW with the namespace's prefix and `name`, and turns code 183 into
    // an error.
    // On an existing mapping: an error of its own for code 183.
    on_existing(
    handles_already_exists(wrapper(
        "winmmf",
        "0.6.2",
        "MemoryMappedFile::new",
        path!("MemoryMappedFile", "new"),
        ObjectKind::FileMapping,
        1,
        "https://docs.rs/winmmf/latest/winmmf/struct.MemoryMappedFile.html",
    )),
        OnExisting::Fails,
    ),
    // winsafe 0.0.29, src/kernel/handles/hevent.rs: `HEVENT::CreateEvent(sa, manual_reset,
    // initial_state, name: Option<&str>)` and `HEVENT::CreateEventEx(sa, name, flags, access)`.
    // On an existing event: `Ok`; `SysResult`'s `Err` comes only from a null handle
    // (`to_sysresult_handle`, src/kernel/privs.rs, read at commit 1c0ba29).
    on_existing(
    wrapper(
        "winsafe",
        "0.0.29",
        "HEVENT::CreateEvent",
        path!("HEVENT", "CreateEvent"),
        ObjectKind::Event,
        3,
        "https://docs.rs/winsafe/latest/winsafe/struct.HEVENT.html",
    ),
        OnExisting::Succeeds,
    ),
    // On an existing event: `Ok`, as `CreateEvent`.
    on_existing(
    wrapper(
        "winsafe",
        "0.0.29",
        "HEVENT::CreateEventEx",
        path!("HEVENT", "CreateEventEx"),
        ObjectKind::Event,
        1,
        "https://docs.rs/winsafe/latest/winsafe/struct.HEVENT.html",
    ),
        OnExisting::Succeeds,
    ),
    // winsafe 0.0.29, src/kernel/handles/hfile.rs: `hfile.CreateFileMapping(sa, protect,
    // max_size, name: Option<&str>)` calls CreateFileMappingFromApp; the name is argument 3
    // of the method (4 with the receiver).
    // On an existing mapping: `Ok`, through the same `to_sysresult_handle`.
    on_existing(
    wrapper(
        "winsafe",
        "0.0.29",
        "HFILE::CreateFileMapping",
        Matcher::Method("CreateFileMapping"),
        ObjectKind::FileMapping,
        3,
        "https://docs.rs/winsafe/latest/winsafe/struct.HFILE.html",
    ),
        OnExisting::Succeeds,
    ),
    // interprocess 2.4.7, src/os/windows/named_pipe/listener/options.rs:
    // `PipeListenerOptions::new().path(p)….create*()` calls CreateNamedPipeW with `p` as the
    // whole path, FILE_FLAG_FIRST_PIPE_INSTANCE on the first instance; a taken name fails.
    // On a taken name: the OS error of the first instance, `ERROR_ACCESS_DENIED`.
    on_existing(
    handles_already_exists(first_instance(wrapper(
        "interprocess",
        "2.4.7",
        "PipeListenerOptions::create",
        Matcher::Builder {
            root: &["PipeListenerOptions", "new"],
            create: INTERPROCESS_PIPE_CREATORS,
            name_method: Some("path"),
        },
        ObjectKind::NamedPipe,
        0,
        "https://docs.rs/interprocess/latest/interprocess/os/windows/named_pipe/struct.PipeListenerOptions.html",
    ))),
        OnExisting::FailsWithAccessDenied,
    ),
    // interprocess 2.4.7, src/local_socket/listener/options.rs: `ListenerOptions::new().name(n)
    // .create_sync()` (or `create_tokio()`); on Windows a named pipe `\\.\pipe\<n>` with the
    // same first-instance flag.
    // On a taken name: `ERROR_ACCESS_DENIED`, as `PipeListenerOptions`.
    on_existing(
    handles_already_exists(first_instance(wrapper(
        "interprocess",
        "2.4.7",
        "ListenerOptions::create_sync",
        Matcher::Builder {
            root: &["ListenerOptions", "new"],
            create: &["create_sync", "create_tokio"],
            name_method: Some("name"),
        },
        ObjectKind::NamedPipe,
        0,
        "https://docs.rs/interprocess/latest/interprocess/local_socket/struct.ListenerOptions.html",
    ))),
        OnExisting::FailsWithAccessDenied,
    ),
    // interprocess 1.2.1, src/os/windows/named_pipe/listener.rs: the 1.x builder names the
    // pipe with `.name(n)`; `create()` and `create_tokio()` call CreateNamedPipeW on
    // `\\.\pipe\<n>` (`convert_path` in named_pipe/mod.rs puts the prefix in front of `n`,
    // whatever `n` is) with FILE_FLAG_FIRST_PIPE_INSTANCE for the first instance; a taken name
    // fails.
    // On a taken name: the OS error of the first instance, `ERROR_ACCESS_DENIED`.
    on_existing(
    adds_prefix(handles_already_exists(first_instance(wrapper(
        "interprocess",
        "1.2.1",
        "PipeListenerOptions::create",
        Matcher::Builder {
            root: &["PipeListenerOptions", "new"],
            create: &["create", "create_tokio"],
            name_method: Some("name"),
        },
        ObjectKind::NamedPipe,
        0,
        "https://docs.rs/interprocess/1.2.1/interprocess/os/windows/named_pipe/struct.PipeListenerOptions.html",
    ))), INTERPROCESS_1_PIPE_PREFIX),
        OnExisting::FailsWithAccessDenied,
    ),
    // interprocess 1.2.1, src/os/windows/local_socket/listener.rs (and tokio/listener.rs):
    // `LocalSocketListener::bind(name)` is that builder with `.name(name)`, so the same pipe
    // `\\.\pipe\<name>` with the same first-instance flag. The name is the text of a path
    // (`Path`, `PathBuf`: a file path becomes `\\.\pipe\C:\Users\…`), or of a string, whose
    // leading `@` is dropped (local_socket/to_name.rs, the "@ syntax").
    // On a taken name: `ERROR_ACCESS_DENIED`, as the builder.
    on_existing(
    drops_at_sign(adds_prefix(handles_already_exists(first_instance(wrapper(
        "interprocess",
        "1.2.1",
        "LocalSocketListener::bind",
        path!("LocalSocketListener", "bind"),
        ObjectKind::NamedPipe,
        0,
        "https://docs.rs/interprocess/1.2.1/interprocess/local_socket/struct.LocalSocketListener.html",
    ))), INTERPROCESS_1_PIPE_PREFIX)),
        OnExisting::FailsWithAccessDenied,
    ),
    // parity-tokio-ipc 0.9.0, src/win.rs: `Endpoint::new(path)` keeps the path, and
    // `incoming()` creates the pipe through tokio's `ServerOptions` with
    // `first_pipe_instance(true)` for the first instance; a taken name fails. `Endpoint` is a
    // common type name, so the crate's path is part of the match; the entry is named for the
    // call that fails on a taken name.
    // On a taken name: `incoming()` fails with tokio's `ERROR_ACCESS_DENIED`.
    on_existing(
    handles_already_exists(first_instance(wrapper(
        "parity-tokio-ipc",
        "0.9.0",
        "Endpoint::incoming",
        path!("parity_tokio_ipc", "Endpoint", "new"),
        ObjectKind::NamedPipe,
        0,
        "https://docs.rs/parity-tokio-ipc/latest/parity_tokio_ipc/struct.Endpoint.html",
    ))),
        OnExisting::FailsWithAccessDenied,
    ),
    // named_pipe 0.4.1, src/lib.rs: `PipeOptions::new(name)` keeps the whole pipe path;
    // `single()` and `multiple(n)` call CreateNamedPipeW with FILE_FLAG_FIRST_PIPE_INSTANCE
    // on the first instance unless `.first(false)` was set (`first` defaults to true); a taken
    // name fails.
    // On a taken name: the OS error, `ERROR_ACCESS_DENIED`.
    on_existing(
    handles_already_exists(first_instance_by(wrapper(
        "named_pipe",
        "0.4.1",
        "PipeOptions::single",
        Matcher::Builder {
            root: &["PipeOptions", "new"],
            create: &["single", "multiple"],
            name_method: Some("new"),
        },
        ObjectKind::NamedPipe,
        0,
        "https://docs.rs/named_pipe/0.4.1/named_pipe/struct.PipeOptions.html",
    ), "first", true)),
        OnExisting::FailsWithAccessDenied,
    ),
    // tokio 1.54.1, src/net/windows/named_pipe.rs: `ServerOptions::new()….create(addr)` calls
    // CreateNamedPipeW with `addr` as the whole pipe path; `first_pipe_instance` defaults to false.
    // On an existing pipe: `Ok` (one more instance), or with `first_pipe_instance(true)`
    // `ERROR_ACCESS_DENIED`: never `ERROR_ALREADY_EXISTS`.
    on_existing(
    first_instance_by(wrapper(
        "tokio",
        "1.54.1",
        "ServerOptions::create",
        Matcher::Builder {
            root: &["ServerOptions", "new"],
            create: &["create", "create_with_security_attributes_raw"],
            name_method: None,
        },
        ObjectKind::NamedPipe,
        0,
        "https://docs.rs/tokio/latest/tokio/net/windows/named_pipe/struct.ServerOptions.html",
    ), "first_pipe_instance", false),
        OnExisting::Succeeds,
    ),
];

/// Wrapper calls that open an existing object: renamed with it by `--fix`, never reported.
pub static WRAPPER_OPENERS: &[Api] = &[
    // tokio 1.54.1: `ClientOptions::new()….open(addr)` opens the pipe with CreateFileW.
    opener(wrapper(
        "tokio",
        "1.54.1",
        "ClientOptions::open",
        Matcher::Builder {
            root: &["ClientOptions", "new"],
            create: &["open"],
            name_method: None,
        },
        ObjectKind::NamedPipe,
        0,
        "https://docs.rs/tokio/latest/tokio/net/windows/named_pipe/struct.ClientOptions.html",
    )),
    // shared_memory 0.12.4: `ShmemConf::new().os_id(id).open()` opens the mapping `id`.
    opener(wrapper(
        "shared_memory",
        "0.12.4",
        "ShmemConf::open",
        Matcher::Builder {
            root: &["ShmemConf", "new"],
            create: &["open"],
            name_method: Some("os_id"),
        },
        ObjectKind::FileMapping,
        0,
        "https://docs.rs/shared_memory/latest/shared_memory/struct.ShmemConf.html",
    )),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A wrapper's contract is its own, not a binding crate's: each entry records it.
    #[test]
    fn every_wrapper_says_what_it_returns_on_an_existing_object() {
        for api in WRAPPERS {
            assert_ne!(api.on_existing, OnExisting::ByBinding, "{}", api.name);
        }
    }
}
