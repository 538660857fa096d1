//! The catalogue of Win32 functions that create named kernel objects: which object each creates
//! and which argument carries the name.
//!
//! Argument positions are those of the Win32 signatures (Microsoft's API reference), which the
//! `windows` crate (0.48 to 0.62), `windows-sys` and `winapi` all keep: the Rust bindings only
//! change the types, never the order. Where `windows` folds a pointer and a count into one slice
//! (`CreateFileMapping2`'s extended parameters) the fold comes after the name, so the name's
//! index is unchanged.

/// The kind of kernel object a function creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    FileMapping,
    Mutex,
    Event,
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
        }
    }

    /// What a create call gets when the object already exists, per the Remarks of the
    /// creating functions in Microsoft's API reference.
    pub fn kept_from_existing(self) -> &'static str {
        match self {
            ObjectKind::FileMapping => {
                "the existing mapping keeps its own size, contents and security descriptor, \
                 and the requested size is ignored"
            }
            ObjectKind::Mutex => {
                "the existing mutex keeps its owner and security descriptor, \
                 and `bInitialOwner` is ignored"
            }
            ObjectKind::Event => {
                "the existing event keeps its state, reset mode and security descriptor, \
                 and `bManualReset` and `bInitialState` are ignored"
            }
        }
    }
}

/// How a mutex-creating function is told to take ownership of the new mutex.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnershipArg {
    /// Not a mutex.
    None,
    /// `bInitialOwner`: a `BOOL` argument at this index.
    InitialOwner(usize),
    /// `dwFlags` at this index, where `CREATE_MUTEX_INITIAL_OWNER` (1) asks for ownership.
    Flags(usize),
}

/// One Win32 function that creates a (possibly) named kernel object.
#[derive(Debug)]
pub struct Api {
    pub name: &'static str,
    pub kind: ObjectKind,
    /// 0-based index of the `lpName`/`Name` argument.
    pub name_arg: usize,
    pub ownership: OwnershipArg,
    /// The page of Microsoft's API reference that documents the function.
    pub reference: &'static str,
}

const fn api(
    name: &'static str,
    kind: ObjectKind,
    name_arg: usize,
    ownership: OwnershipArg,
    reference: &'static str,
) -> Api {
    Api {
        name,
        kind,
        name_arg,
        ownership,
        reference,
    }
}

use ObjectKind::{Event, FileMapping, Mutex};
use OwnershipArg::{Flags, InitialOwner, None as NotMutex};

const FILE_MAPPING_DOC: &str =
    "https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-createfilemappinga";
const FILE_MAPPING_NUMA_DOC: &str =
    "https://learn.microsoft.com/windows/win32/api/winbase/nf-winbase-createfilemappingnumaa";
const MUTEX_DOC: &str =
    "https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-createmutexw";
const MUTEX_EX_DOC: &str =
    "https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-createmutexexw";
const EVENT_DOC: &str =
    "https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-createeventw";
const EVENT_EX_DOC: &str =
    "https://learn.microsoft.com/windows/win32/api/synchapi/nf-synchapi-createeventexw";

/// Every creating function objlint knows, by exact (case-sensitive) Win32 name.
pub static APIS: &[Api] = &[
    // CreateFileMapping(hFile, lpAttributes, flProtect, dwMaximumSizeHigh, dwMaximumSizeLow, lpName)
    api("CreateFileMappingA", FileMapping, 5, NotMutex, FILE_MAPPING_DOC),
    api("CreateFileMappingW", FileMapping, 5, NotMutex, FILE_MAPPING_DOC),
    // CreateFileMappingNuma(…, dwMaximumSizeLow, lpName, nndPreferred)
    api("CreateFileMappingNumaA", FileMapping, 5, NotMutex, FILE_MAPPING_NUMA_DOC),
    api("CreateFileMappingNumaW", FileMapping, 5, NotMutex, FILE_MAPPING_NUMA_DOC),
    // CreateFileMapping2(File, SecurityAttributes, DesiredAccess, PageProtection,
    //                    AllocationAttributes, MaximumSize, Name, ExtendedParameters, ParameterCount)
    api(
        "CreateFileMapping2",
        FileMapping,
        6,
        NotMutex,
        "https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-createfilemapping2",
    ),
    // CreateFileMappingFromApp(hFile, SecurityAttributes, PageProtection, MaximumSize, Name)
    api(
        "CreateFileMappingFromApp",
        FileMapping,
        4,
        NotMutex,
        "https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-createfilemappingfromapp",
    ),
    // CreateMutex(lpMutexAttributes, bInitialOwner, lpName)
    api("CreateMutexA", Mutex, 2, InitialOwner(1), MUTEX_DOC),
    api("CreateMutexW", Mutex, 2, InitialOwner(1), MUTEX_DOC),
    // CreateMutexEx(lpMutexAttributes, lpName, dwFlags, dwDesiredAccess)
    api("CreateMutexExA", Mutex, 1, Flags(2), MUTEX_EX_DOC),
    api("CreateMutexExW", Mutex, 1, Flags(2), MUTEX_EX_DOC),
    // CreateEvent(lpEventAttributes, bManualReset, bInitialState, lpName)
    api("CreateEventA", Event, 3, NotMutex, EVENT_DOC),
    api("CreateEventW", Event, 3, NotMutex, EVENT_DOC),
    // CreateEventEx(lpEventAttributes, lpName, dwFlags, dwDesiredAccess)
    api("CreateEventExA", Event, 1, NotMutex, EVENT_EX_DOC),
    api("CreateEventExW", Event, 1, NotMutex, EVENT_EX_DOC),
];

/// The catalogue entry for a function name, if it is one of the creating functions.
pub fn lookup(name: &str) -> Option<&'static Api> {
    APIS.iter().find(|api| api.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_are_not_apis() {
        for name in [
            "CreateMutexWrapper",
            "create_mutex",
            "CreateEventLog",
            "OpenMutexW",
        ] {
            assert!(lookup(name).is_none(), "{name}");
        }
        assert_eq!(lookup("CreateMutexExW").unwrap().name_arg, 1);
    }
}
