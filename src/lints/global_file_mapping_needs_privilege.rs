//! `global_file_mapping_needs_privilege`: a file mapping created in `Global\`, which fails with
//! `ERROR_ACCESS_DENIED` for a process without `SeCreateGlobalPrivilege` — every standard user's
//! and non-elevated administrator's program outside session 0.

use crate::catalogue::apis::ObjectKind;
use crate::creations::Creation;
use crate::lints::diagnostic::{quoted, Diagnostic};
use crate::lints::labels;
use crate::lints::lint::{Level, Lint, LintContext, Subject};
use crate::names::ObjectName;

pub static LINT: Lint = Lint {
    name: "global_file_mapping_needs_privilege",
    default_level: Level::Warn,
    summary:
        "file mapping created in Global\\, which needs SeCreateGlobalPrivilege outside session 0",
    docs: include_str!("../../lints/global_file_mapping_needs_privilege.md"),
    // Moving the name out of `Global\` fixes it.
    subject: Subject::Name,
};

/// Words of a Windows service's entry point: a service runs in session 0 with the privilege.
const SERVICE_MARKERS: &[&str] = &[
    "StartServiceCtrlDispatcher",
    "service_dispatcher",
    "define_windows_service",
];

pub fn check(creation: &Creation, context: &LintContext, acc: &mut Vec<Diagnostic>) {
    if creation.api.kind != ObjectKind::FileMapping {
        return;
    }
    let ObjectName::Known(name) = &creation.name else {
        return;
    };
    if !name.value.starts_with("Global\\") {
        return;
    }
    let text = context.file.parse_text();
    if SERVICE_MARKERS.iter().any(|marker| text.contains(marker)) {
        return;
    }
    let diagnostic = Diagnostic::new(
        &LINT,
        creation.name_arg,
        format!(
            "file mapping {} is created in the global namespace, which needs \
             `SeCreateGlobalPrivilege`",
            quoted(&name.value)
        ),
        format!(
            "`{}` fails with ERROR_ACCESS_DENIED here for standard users and non-elevated \
             administrators",
            creation.api.name
        ),
    )
    .with_object_name(name.value.clone());
    let diagnostic = labels::label_literals(diagnostic, creation, context, name);
    acc.push(
        diagnostic
            .with_help(
                "create the mapping in `Local\\` if one session is enough, or create it in a \
                 service (session 0) and only open it from user programs"
                    .to_owned(),
                None,
            )
            .with_note(
                "creating a file mapping in the global namespace from a session other than 0 is \
                 a privileged operation; opening an existing one is not (see \
                 https://learn.microsoft.com/windows/win32/termserv/kernel-object-namespaces)"
                    .to_owned(),
            ),
    );
}
