//! `unchecked_already_exists`: a creation whose `ERROR_ALREADY_EXISTS` case breaks the program's
//! own assumption, with no check of it afterwards.

use crate::catalogue::apis::{BindingCrate, ObjectKind};
use crate::creations::Creation;
use crate::lints::diagnostic::Diagnostic;
use crate::lints::labels;
use crate::lints::lint::{Level, Lint, LintContext, Subject};
use crate::names::{mandated, ObjectName};

pub static LINT: Lint = Lint {
    name: "unchecked_already_exists",
    default_level: Level::Deny,
    summary:
        "file mapping, owned mutex or job object created without checking ERROR_ALREADY_EXISTS",
    docs: include_str!("../../lints/unchecked_already_exists.md"),
    subject: Subject::Call,
};

pub fn check(creation: &Creation, context: &LintContext, acc: &mut Vec<Diagnostic>) {
    if creation.already_exists_checked || !creation.api.caller_checks() {
        return;
    }
    // Every view of the mapping asks for its size and handles its failure: an existing,
    // smaller mapping makes the view fail, and is never used as a larger one.
    if creation.views_bounded {
        return;
    }
    // Nobody else can have created an unnamed object or one with a name nobody can guess.
    if matches!(creation.name, ObjectName::Unnamed | ObjectName::Unique(_)) {
        return;
    }
    // A name another program defines is created to share that program's object: an existing
    // one is the expected case.
    if let ObjectName::Known(name) = &creation.name {
        if mandated::find(creation.api.kind, &name.value).is_some() {
            return;
        }
    }
    // Events, semaphores, timers and unowned mutexes are meant to be shared by create-or-open;
    // a file mapping's size, an owned mutex's ownership and a job's limits are assumptions an
    // existing object breaks.
    let consequence = match creation.api.kind {
        ObjectKind::FileMapping => "with its own size, not the requested one",
        ObjectKind::Mutex if creation.initially_owned == Some(true) => {
            "without giving this thread ownership"
        }
        ObjectKind::JobObject => "whose limits and processes are someone else's",
        _ => return,
    };
    let noun = creation.api.kind.noun();
    let api = &creation.api.name;
    let diagnostic = Diagnostic::new(
        &LINT,
        creation.callee,
        format!(
            "`{api}` may return an existing {noun}, and `ERROR_ALREADY_EXISTS` is never checked"
        ),
        format!("returns an existing {noun} {consequence}"),
    );
    let diagnostic = labels::label_via(diagnostic, creation, context);
    acc.push(
        diagnostic
            .with_help(
                format!(
                    "right after the call, check for an existing {noun} and refuse it (or use it \
                     knowingly): {}",
                    check_for(creation.binding_crate)
                ),
                None,
            )
            .with_note(format!(
                "if the {noun} already exists, the call succeeds and {kept} (see {reference})",
                kept = creation.api.kept_from_existing(creation.initially_owned),
                reference = creation.api.reference,
            )),
    );
}

/// The lines that check `ERROR_ALREADY_EXISTS` with the binding the file uses.
pub fn check_for(binding: BindingCrate) -> &'static str {
    match binding {
        BindingCrate::Windows => {
            "`use windows::Win32::Foundation::{GetLastError, ERROR_ALREADY_EXISTS};` then \
             `if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS { … }`"
        }
        BindingCrate::WindowsSys => {
            "`use windows_sys::Win32::Foundation::{GetLastError, ERROR_ALREADY_EXISTS};` then \
             `if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS { … }`"
        }
        BindingCrate::Winapi => {
            "`use winapi::um::errhandlingapi::GetLastError; use winapi::shared::winerror::ERROR_ALREADY_EXISTS;` \
             then `if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS { … }`"
        }
        BindingCrate::Std => {
            "`if std::io::Error::last_os_error().raw_os_error() == Some(183) { … }` \
             (183 is ERROR_ALREADY_EXISTS)"
        }
    }
}
