//! Names another program mandates: the kernel objects and pipes a protocol, an SDK or a tool
//! defines by name, so that every program speaking it must use exactly that name.
//!
//! A GUID appended to such a name breaks the program, so a creation whose name is in this
//! registry gets no `non_unique_object_name` and no `unchecked_already_exists` finding: sharing
//! the object with the other program is the point. Each entry names who mandates it and the
//! public source that says so; `lints/non_unique_object_name.md` lists them (a generated section,
//! checked by `tests/consistency.rs`), and `fixtures/non_unique_object_name/mandated_names.rs`
//! creates each entry's example.
//!
//! How a written name is compared with an entry:
//! - The kind must be one of the entry's kinds: a `MumbleLink` mutex is not Mumble's mapping.
//! - A kernel object name is compared as written, case-sensitively (object names are case
//!   sensitive: `CreateMutexW`'s documentation), except that no prefix and `Local\` are the same
//!   namespace: a process in a user's session creates an unprefixed name in its session's
//!   namespace, which `Local\` names explicitly ("Kernel object namespaces"). `Global\` is another
//!   namespace and another object.
//! - A pipe is compared by its name after `\\.\pipe\` (or `\\?\pipe\`, `//./pipe/`), ignoring
//!   case: pipe names are not case-sensitive ("Pipe Names").

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use crate::catalogue::apis::ObjectKind;
use crate::names::unique;

/// One name another program defines.
#[derive(Debug)]
pub struct MandatedName {
    /// The name as the other program uses it.
    pub name: Name,
    /// The kinds of object it names.
    pub kinds: &'static [ObjectKind],
    /// Who defines it (the program or protocol, and what it is for).
    pub mandated_by: &'static str,
    /// Public pages that state the name: a protocol's documentation, an SDK's header, or a
    /// reference implementation.
    pub sources: &'static [&'static str],
    /// A concrete name this entry covers, created in the registry's fixture.
    pub example: &'static str,
}

/// An entry's name: one name, or a family of names with a varying part.
#[derive(Debug)]
pub enum Name {
    Exact(&'static str),
    Pattern {
        /// How the documentation shows it, the varying part in `{…}`.
        shown: &'static str,
        /// A regex for the whole compared name: for a kernel object, the name without a
        /// `Local\` prefix; for a pipe, the name after `\\.\pipe\`, in lowercase.
        regex: &'static str,
    },
}

impl Name {
    /// The name as the documentation of the registry shows it.
    pub fn shown(&self) -> &'static str {
        match self {
            Name::Exact(name) => name,
            Name::Pattern { shown, .. } => shown,
        }
    }
}

const FILE_MAPPING: &[ObjectKind] = &[ObjectKind::FileMapping];
const MUTEX: &[ObjectKind] = &[ObjectKind::Mutex];
const EVENT: &[ObjectKind] = &[ObjectKind::Event];
const NAMED_PIPE: &[ObjectKind] = &[ObjectKind::NamedPipe];

const ASSETTO_CORSA: &str = "Assetto Corsa and Assetto Corsa Competizione (Kunos Simulazioni): \
                             the telemetry shared memory the game writes";
const ASSETTO_CORSA_SOURCE: &[&str] = &["https://github.com/mdjarv/assettocorsasharedmemory/blob/3723947a84d30d83e0961ce495fa5c68882df4eb/AssettoCorsa.cs"];
const IRACING: &str = "iRacing's telemetry SDK (irsdk): the simulator's live data and its \
                       data-ready signal";
const IRACING_SOURCE: &[&str] = &[
    "https://github.com/vipoo/irsdk/blob/c21261e7d36db4bf5cb83c210b5e22f78053a245/irsdk_defines.h",
];
const HWINFO_SOURCE: &[&str] = &[
    "https://github.com/robertroessler/rxmdocklet/blob/e408303de4e8b8f7f35c5dc80b4ac2259734f609/hwisenssm2.h",
    "https://github.com/Lacro59/playnite-gameactivity-plugin/blob/master/Commons/HWiNFODumper.cs",
];
const FREETRACK: &str = "the FreeTrack head-tracking protocol (opentrack, TrackIR emulation): \
                         the head pose a tracker writes and games read, and its mutex";
const FREETRACK_SOURCE: &[&str] = &["https://github.com/opentrack/opentrack/blob/29bf7f94eab413e25914c3939d7ff19ef0cd4c48/freetrackclient/fttypes.h"];
const DEBUG_OUTPUT: &str = "`OutputDebugString`'s protocol with debug-output viewers \
                            (DBMON, DebugView): a viewer creates these, every process writes to them";
const DBMON_SOURCE: &str = "https://library.thedatadungeon.com/msdn-1998-06/Code0x07/devdoc/good/code/sdktools/winnt/dbmon/c5586_8x86.content.htm";

/// Every name objlint knows another program to mandate, in the order the documentation lists
/// them. Add one only with a public source that states the exact name.
pub static MANDATED_NAMES: &[MandatedName] = &[
    MandatedName {
        name: Name::Exact("MumbleLink"),
        kinds: FILE_MAPPING,
        mandated_by: "Mumble's Link plugin: a game's positional-audio data for Mumble",
        sources: &["https://www.mumble.info/documentation/developer/positional-audio/link-plugin/"],
        example: "MumbleLink",
    },
    MandatedName {
        name: Name::Pattern {
            shown: r"\\.\pipe\discord-ipc-{0-9}",
            regex: r"discord-ipc-[0-9]",
        },
        kinds: NAMED_PIPE,
        mandated_by: "Discord's RPC over IPC: the pipes the Discord client (or a bridge standing \
                      in for it) serves to games and Rich Presence clients",
        sources: &["https://docs.discord.com/developers/topics/rpc"],
        example: r"\\.\pipe\discord-ipc-0",
    },
    MandatedName {
        name: Name::Exact(r"Global\_MSIExecute"),
        kinds: MUTEX,
        mandated_by: "Windows Installer: held while an installation runs its execute sequence",
        sources: &[
            "https://learn.microsoft.com/windows/win32/msi/-msiexecute-mutex",
            "https://powershellgallery.com/packages/PSAppDeployToolkit/4.0.1-beta2/Content/Public%5CTest-ADTMutexAvailability.ps1",
        ],
        example: r"Global\_MSIExecute",
    },
    MandatedName {
        name: Name::Exact("DBWIN_BUFFER"),
        kinds: FILE_MAPPING,
        mandated_by: DEBUG_OUTPUT,
        sources: &["https://www.safaribooksonline.com/library/view/beginning-c-programming/9781787124943/9da3ed9a-aeaa-4c83-a283-c0b14675a2e3.xhtml"],
        example: "DBWIN_BUFFER",
    },
    MandatedName {
        name: Name::Exact("DBWIN_BUFFER_READY"),
        kinds: EVENT,
        mandated_by: DEBUG_OUTPUT,
        sources: &[DBMON_SOURCE],
        example: "DBWIN_BUFFER_READY",
    },
    MandatedName {
        name: Name::Exact("DBWIN_DATA_READY"),
        kinds: EVENT,
        mandated_by: DEBUG_OUTPUT,
        sources: &[DBMON_SOURCE],
        example: "DBWIN_DATA_READY",
    },
    MandatedName {
        name: Name::Exact("DBWinMutex"),
        kinds: MUTEX,
        mandated_by: DEBUG_OUTPUT,
        sources: &["https://dev-lib.ru/info/315512/in-delphi-is-outputdebugstring-thread-safe"],
        example: "DBWinMutex",
    },
    MandatedName {
        name: Name::Exact("RTSSSharedMemoryV2"),
        kinds: FILE_MAPPING,
        mandated_by: "RivaTuner Statistics Server's SDK: the on-screen display and frame-rate \
                      statistics shared with RTSS",
        sources: &["https://github.com/icaros7/RTSS_SDK_for_GC/blob/master/RTSSSharedMemorySampleDlg.cpp"],
        example: "RTSSSharedMemoryV2",
    },
    MandatedName {
        name: Name::Exact(r"Global\HWiNFO_SENS_SM2"),
        kinds: FILE_MAPPING,
        mandated_by: "HWiNFO's shared memory support: its sensor readings",
        sources: HWINFO_SOURCE,
        example: r"Global\HWiNFO_SENS_SM2",
    },
    MandatedName {
        name: Name::Exact(r"Global\HWiNFO_SM2_MUTEX"),
        kinds: MUTEX,
        mandated_by: "HWiNFO's shared memory support: held while its sensor readings are accessed",
        sources: HWINFO_SOURCE,
        example: r"Global\HWiNFO_SM2_MUTEX",
    },
    MandatedName {
        name: Name::Exact("FT_SharedMem"),
        kinds: FILE_MAPPING,
        mandated_by: FREETRACK,
        sources: FREETRACK_SOURCE,
        example: "FT_SharedMem",
    },
    MandatedName {
        name: Name::Exact("FT_Mutext"),
        kinds: MUTEX,
        mandated_by: FREETRACK,
        sources: FREETRACK_SOURCE,
        example: "FT_Mutext",
    },
    MandatedName {
        name: Name::Exact(r"Local\IRSDKMemMapFileName"),
        kinds: FILE_MAPPING,
        mandated_by: IRACING,
        sources: IRACING_SOURCE,
        example: r"Local\IRSDKMemMapFileName",
    },
    MandatedName {
        name: Name::Exact(r"Local\IRSDKDataValidEvent"),
        kinds: EVENT,
        mandated_by: IRACING,
        sources: IRACING_SOURCE,
        example: r"Local\IRSDKDataValidEvent",
    },
    MandatedName {
        name: Name::Exact(r"Local\acpmf_physics"),
        kinds: FILE_MAPPING,
        mandated_by: ASSETTO_CORSA,
        sources: ASSETTO_CORSA_SOURCE,
        example: r"Local\acpmf_physics",
    },
    MandatedName {
        name: Name::Exact(r"Local\acpmf_graphics"),
        kinds: FILE_MAPPING,
        mandated_by: ASSETTO_CORSA,
        sources: ASSETTO_CORSA_SOURCE,
        example: "acpmf_graphics",
    },
    MandatedName {
        name: Name::Exact(r"Local\acpmf_static"),
        kinds: FILE_MAPPING,
        mandated_by: ASSETTO_CORSA,
        sources: ASSETTO_CORSA_SOURCE,
        example: r"Local\acpmf_static",
    },
    MandatedName {
        name: Name::Exact("$R3E"),
        kinds: FILE_MAPPING,
        mandated_by: "RaceRoom Racing Experience's shared memory API (Sector3 Studios)",
        sources: &["https://github.com/sector3studios/r3e-api/blob/master/sample-c/src/r3e.h"],
        example: "$R3E",
    },
    MandatedName {
        name: Name::Pattern {
            shown: r"$rFactor2SMMP_{buffer}$, $rFactor2SMMP_{buffer}${pid}, Global\$rFactor2SMMP_{buffer}$",
            regex: r"(?:Global\\)?\$rFactor2SMMP_[A-Za-z0-9]+\$[0-9]*",
        },
        kinds: FILE_MAPPING,
        mandated_by: "rFactor 2's Shared Memory Map Plugin (also used by Le Mans Ultimate tools): \
                      one mapping per buffer (telemetry, scoring, rules, …)",
        sources: &["https://github.com/TheIronWolfModding/rF2SharedMemoryMapPlugin"],
        example: "$rFactor2SMMP_Telemetry$",
    },
];

/// The registry entry `name` (as written in the code) falls under for an object of `kind`.
pub fn find(kind: ObjectKind, name: &str) -> Option<&'static MandatedName> {
    let compared = compared_form(kind, name)?;
    MANDATED_NAMES
        .iter()
        .zip(PATTERNS.iter())
        .find(|(entry, pattern)| {
            entry.kinds.contains(&kind)
                && match (&entry.name, pattern) {
                    (Name::Exact(exact), _) => {
                        compared_form(kind, exact).is_some_and(|exact| exact == compared)
                    }
                    (Name::Pattern { .. }, Some(pattern)) => pattern.is_match(&compared),
                    (Name::Pattern { .. }, None) => false,
                }
        })
        .map(|(entry, _)| entry)
}

/// Each entry's regex, anchored to the whole compared name; `None` for exact names.
static PATTERNS: LazyLock<Vec<Option<Regex>>> = LazyLock::new(|| {
    MANDATED_NAMES
        .iter()
        .map(|entry| match entry.name {
            Name::Exact(_) => None,
            Name::Pattern { regex, .. } => Some(
                Regex::new(&format!("^(?:{regex})$")).expect("the registry's regexes are valid"),
            ),
        })
        .collect()
});

/// What a name is compared by: a kernel object name without a `Local\` prefix (the session
/// namespace an unprefixed name is created in), or a pipe's name after its `\\.\pipe\` prefix
/// (in any of its spellings, see [`unique::pipe_prefix_len`]) in lowercase. `None` for a pipe
/// path that is not a local pipe.
fn compared_form(kind: ObjectKind, name: &str) -> Option<Cow<'_, str>> {
    if kind == ObjectKind::NamedPipe {
        let local = unique::pipe_prefix_len(name) > 0;
        return local.then(|| Cow::Owned(unique::pipe_identity(name)));
    }
    Some(Cow::Borrowed(name.strip_prefix(r"Local\").unwrap_or(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_covers_its_example_and_has_a_source() {
        for entry in MANDATED_NAMES {
            let kind = entry.kinds[0];
            let found = find(kind, entry.example).map(|found| found.name.shown());
            assert_eq!(found, Some(entry.name.shown()), "{}", entry.example);
            assert!(
                entry
                    .sources
                    .iter()
                    .all(|source| source.starts_with("https://")),
                "{} needs a public source",
                entry.name.shown()
            );
            assert!(!entry.sources.is_empty(), "{}", entry.name.shown());
        }
    }

    #[test]
    fn unprefixed_and_local_are_one_namespace_and_global_another() {
        let mapping = ObjectKind::FileMapping;
        assert!(find(mapping, "MumbleLink").is_some());
        assert!(find(mapping, r"Local\MumbleLink").is_some());
        assert!(find(mapping, r"Global\MumbleLink").is_none());
        assert!(find(mapping, "acpmf_physics").is_some());
        assert!(find(mapping, r"Global\acpmf_physics").is_none());
        assert!(find(mapping, r"Global\$rFactor2SMMP_Scoring$").is_some());
        assert!(find(mapping, "$rFactor2SMMP_Scoring$4242").is_some());
    }

    #[test]
    fn near_names_and_other_kinds_are_not_covered() {
        assert!(find(ObjectKind::FileMapping, "MumbleLinkX").is_none());
        assert!(find(ObjectKind::FileMapping, "mumblelink").is_none());
        assert!(find(ObjectKind::Mutex, "MumbleLink").is_none());
        assert!(find(ObjectKind::NamedPipe, r"\\.\pipe\discord-ipc-10").is_none());
        assert!(find(ObjectKind::NamedPipe, "discord-ipc-0").is_none());
        assert!(find(ObjectKind::FileMapping, "$rFactor2SMMP_$").is_none());
    }

    #[test]
    fn pipe_names_ignore_case_and_the_prefix_form() {
        let pipe = ObjectKind::NamedPipe;
        assert!(find(pipe, r"\\.\pipe\discord-ipc-3").is_some());
        assert!(find(pipe, r"\\?\PIPE\Discord-IPC-9").is_some());
    }
}
