//! The Win32 functions that create or open named kernel objects, as catalogue entries.
//!
//! Argument positions are those of the Win32 signatures (Microsoft's API reference), which the
//! `windows` crate (0.48 to 0.62), `windows-sys` and `winapi` all keep: the Rust bindings only
//! change the types, never the order. Where `windows` folds a pointer and a count into one slice
//! (`CreateFileMapping2`'s extended parameters) the fold comes after the name, so the name's
//! index is unchanged.

use std::borrow::Cow;

use super::apis::{Api, Matcher, ObjectKind, Origin, OwnershipArg};

use ObjectKind::{Event, FileMapping, JobObject, Mutex, NamedPipe, Semaphore, WaitableTimer};
use OwnershipArg::{Flags, InitialOwner};

macro_rules! doc {
    ($page:literal) => {
        concat!("https://learn.microsoft.com/windows/win32/api/", $page)
    };
}

impl Api {
    const fn win32(
        name: &'static str,
        kind: ObjectKind,
        name_arg: usize,
        reference: &'static str,
    ) -> Api {
        let mut api = Api::new(
            name,
            Matcher::Function(Cow::Borrowed(name)),
            kind,
            name_arg,
            reference,
            Origin::Win32,
        );
        // Every creating function takes its `SECURITY_ATTRIBUTES` first, but those of a file
        // mapping (after the file) and `CreateNamedPipe` (last).
        api.security_arg = Some(match kind {
            FileMapping => 1,
            NamedPipe => 7,
            _ => 0,
        });
        api
    }

    const fn owned_by(mut self, ownership: OwnershipArg) -> Api {
        self.ownership = ownership;
        self
    }

    const fn opener(mut self) -> Api {
        self.opens_existing = true;
        self.security_arg = None;
        self
    }

    const fn open_mode(mut self, index: usize) -> Api {
        self.open_mode_arg = Some(index);
        self
    }
}

/// Every Win32 creating function objlint knows, by exact (case-sensitive) name.
pub static WIN32_APIS: &[Api] = &[
    // CreateFileMapping(hFile, lpAttributes, flProtect, dwMaximumSizeHigh, dwMaximumSizeLow, lpName)
    Api::win32(
        "CreateFileMappingA",
        FileMapping,
        5,
        doc!("winbase/nf-winbase-createfilemappinga"),
    ),
    Api::win32(
        "CreateFileMappingW",
        FileMapping,
        5,
        doc!("memoryapi/nf-memoryapi-createfilemappingw"),
    ),
    // CreateFileMappingNuma(…, dwMaximumSizeLow, lpName, nndPreferred)
    Api::win32(
        "CreateFileMappingNumaA",
        FileMapping,
        5,
        doc!("winbase/nf-winbase-createfilemappingnumaa"),
    ),
    Api::win32(
        "CreateFileMappingNumaW",
        FileMapping,
        5,
        doc!("memoryapi/nf-memoryapi-createfilemappingnumaw"),
    ),
    // CreateFileMapping2(File, SecurityAttributes, DesiredAccess, PageProtection,
    //                    AllocationAttributes, MaximumSize, Name, ExtendedParameters, ParameterCount)
    Api::win32(
        "CreateFileMapping2",
        FileMapping,
        6,
        doc!("memoryapi/nf-memoryapi-createfilemapping2"),
    ),
    // CreateFileMappingFromApp(hFile, SecurityAttributes, PageProtection, MaximumSize, Name)
    Api::win32(
        "CreateFileMappingFromApp",
        FileMapping,
        4,
        doc!("memoryapi/nf-memoryapi-createfilemappingfromapp"),
    ),
    // CreateMutex(lpMutexAttributes, bInitialOwner, lpName)
    Api::win32(
        "CreateMutexA",
        Mutex,
        2,
        doc!("synchapi/nf-synchapi-createmutexa"),
    )
    .owned_by(InitialOwner(1)),
    Api::win32(
        "CreateMutexW",
        Mutex,
        2,
        doc!("synchapi/nf-synchapi-createmutexw"),
    )
    .owned_by(InitialOwner(1)),
    // CreateMutexEx(lpMutexAttributes, lpName, dwFlags, dwDesiredAccess)
    Api::win32(
        "CreateMutexExA",
        Mutex,
        1,
        doc!("synchapi/nf-synchapi-createmutexexa"),
    )
    .owned_by(Flags(2)),
    Api::win32(
        "CreateMutexExW",
        Mutex,
        1,
        doc!("synchapi/nf-synchapi-createmutexexw"),
    )
    .owned_by(Flags(2)),
    // CreateEvent(lpEventAttributes, bManualReset, bInitialState, lpName)
    Api::win32(
        "CreateEventA",
        Event,
        3,
        doc!("synchapi/nf-synchapi-createeventa"),
    ),
    Api::win32(
        "CreateEventW",
        Event,
        3,
        doc!("synchapi/nf-synchapi-createeventw"),
    ),
    // CreateEventEx(lpEventAttributes, lpName, dwFlags, dwDesiredAccess)
    Api::win32(
        "CreateEventExA",
        Event,
        1,
        doc!("synchapi/nf-synchapi-createeventexa"),
    ),
    Api::win32(
        "CreateEventExW",
        Event,
        1,
        doc!("synchapi/nf-synchapi-createeventexw"),
    ),
    // CreateSemaphore(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName)
    Api::win32(
        "CreateSemaphoreA",
        Semaphore,
        3,
        doc!("winbase/nf-winbase-createsemaphorea"),
    ),
    Api::win32(
        "CreateSemaphoreW",
        Semaphore,
        3,
        doc!("synchapi/nf-synchapi-createsemaphorew"),
    ),
    // CreateSemaphoreEx(lpSemaphoreAttributes, lInitialCount, lMaximumCount, lpName, dwFlags, dwDesiredAccess)
    Api::win32(
        "CreateSemaphoreExA",
        Semaphore,
        3,
        doc!("winbase/nf-winbase-createsemaphoreexa"),
    ),
    Api::win32(
        "CreateSemaphoreExW",
        Semaphore,
        3,
        doc!("synchapi/nf-synchapi-createsemaphoreexw"),
    ),
    // CreateWaitableTimer(lpTimerAttributes, bManualReset, lpTimerName)
    Api::win32(
        "CreateWaitableTimerA",
        WaitableTimer,
        2,
        doc!("winbase/nf-winbase-createwaitabletimera"),
    ),
    Api::win32(
        "CreateWaitableTimerW",
        WaitableTimer,
        2,
        doc!("synchapi/nf-synchapi-createwaitabletimerw"),
    ),
    // CreateWaitableTimerEx(lpTimerAttributes, lpTimerName, dwFlags, dwDesiredAccess)
    Api::win32(
        "CreateWaitableTimerExA",
        WaitableTimer,
        1,
        doc!("winbase/nf-winbase-createwaitabletimerexa"),
    ),
    Api::win32(
        "CreateWaitableTimerExW",
        WaitableTimer,
        1,
        doc!("synchapi/nf-synchapi-createwaitabletimerexw"),
    ),
    // CreateJobObject(lpJobAttributes, lpName)
    Api::win32(
        "CreateJobObjectA",
        JobObject,
        1,
        doc!("winbase/nf-winbase-createjobobjecta"),
    ),
    Api::win32(
        "CreateJobObjectW",
        JobObject,
        1,
        doc!("jobapi2/nf-jobapi2-createjobobjectw"),
    ),
    // CreateNamedPipe(lpName, dwOpenMode, dwPipeMode, nMaxInstances, nOutBufferSize,
    //                 nInBufferSize, nDefaultTimeOut, lpSecurityAttributes)
    Api::win32(
        "CreateNamedPipeA",
        NamedPipe,
        0,
        doc!("winbase/nf-winbase-createnamedpipea"),
    )
    .open_mode(1),
    Api::win32(
        "CreateNamedPipeW",
        NamedPipe,
        0,
        doc!("namedpipeapi/nf-namedpipeapi-createnamedpipew"),
    )
    .open_mode(1),
];

/// Functions that open an existing named object. They create nothing; `--fix` renames their
/// names together with the creator's. `CreateFile` opens the client end of a named pipe when
/// given a `\\.\pipe\` path.
pub static WIN32_OPENERS: &[Api] = &[
    // OpenFileMapping(dwDesiredAccess, bInheritHandle, lpName), and the same order for the others.
    Api::win32(
        "OpenFileMappingA",
        FileMapping,
        2,
        doc!("winbase/nf-winbase-openfilemappinga"),
    )
    .opener(),
    Api::win32(
        "OpenFileMappingW",
        FileMapping,
        2,
        doc!("memoryapi/nf-memoryapi-openfilemappingw"),
    )
    .opener(),
    Api::win32(
        "OpenMutexA",
        Mutex,
        2,
        doc!("synchapi/nf-synchapi-openmutexw"),
    )
    .opener(),
    Api::win32(
        "OpenMutexW",
        Mutex,
        2,
        doc!("synchapi/nf-synchapi-openmutexw"),
    )
    .opener(),
    Api::win32(
        "OpenEventA",
        Event,
        2,
        doc!("synchapi/nf-synchapi-openeventa"),
    )
    .opener(),
    Api::win32(
        "OpenEventW",
        Event,
        2,
        doc!("synchapi/nf-synchapi-openeventw"),
    )
    .opener(),
    Api::win32(
        "OpenSemaphoreA",
        Semaphore,
        2,
        doc!("winbase/nf-winbase-opensemaphorea"),
    )
    .opener(),
    Api::win32(
        "OpenSemaphoreW",
        Semaphore,
        2,
        doc!("synchapi/nf-synchapi-opensemaphorew"),
    )
    .opener(),
    Api::win32(
        "OpenWaitableTimerA",
        WaitableTimer,
        2,
        doc!("winbase/nf-winbase-openwaitabletimera"),
    )
    .opener(),
    Api::win32(
        "OpenWaitableTimerW",
        WaitableTimer,
        2,
        doc!("synchapi/nf-synchapi-openwaitabletimerw"),
    )
    .opener(),
    Api::win32(
        "OpenJobObjectA",
        JobObject,
        2,
        doc!("winbase/nf-winbase-openjobobjecta"),
    )
    .opener(),
    Api::win32(
        "OpenJobObjectW",
        JobObject,
        2,
        doc!("jobapi2/nf-jobapi2-openjobobjectw"),
    )
    .opener(),
    // CreateFile(lpFileName, …): a pipe client when the path is `\\.\pipe\…`.
    Api::win32(
        "CreateFileA",
        NamedPipe,
        0,
        doc!("fileapi/nf-fileapi-createfilea"),
    )
    .opener(),
    Api::win32(
        "CreateFileW",
        NamedPipe,
        0,
        doc!("fileapi/nf-fileapi-createfilew"),
    )
    .opener(),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn win32(name: &str) -> Option<&'static Api> {
        WIN32_APIS.iter().find(|api| api.name == name)
    }

    #[test]
    fn look_alikes_are_not_apis() {
        for name in [
            "CreateMutexWrapper",
            "create_mutex",
            "CreateEventLog",
            "OpenMutexW",
        ] {
            assert!(win32(name).is_none(), "{name}");
        }
        assert_eq!(win32("CreateMutexExW").unwrap().name_arg, 1);
        assert_eq!(win32("CreateNamedPipeW").unwrap().open_mode_arg, Some(1));
    }
}
