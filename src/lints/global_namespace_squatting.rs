//! `global_namespace_squatting`: an object in `Global\` whose name any user can predict, so a
//! process of another session or a lower privilege can create it first.

use crate::catalogue::apis::ObjectKind;
use crate::creations::Creation;
use crate::lints::diagnostic::{quoted, Diagnostic};
use crate::lints::labels;
use crate::lints::lint::{Level, Lint, LintContext, Subject};
use crate::names::ObjectName;

pub static LINT: Lint = Lint {
    name: "global_namespace_squatting",
    default_level: Level::Warn,
    summary: "object in Global\\ with a predictable name, which any user can create first",
    docs: include_str!("../../lints/global_namespace_squatting.md"),
    subject: Subject::Name,
};

pub fn check(creation: &Creation, context: &LintContext, acc: &mut Vec<Diagnostic>) {
    let ObjectName::Known(name) = &creation.name else {
        return;
    };
    // Pipes have no `Global\`; creating a file mapping there from any session but 0 needs
    // `SeCreateGlobalPrivilege` (Microsoft's "Kernel object namespaces"), so no low-privilege
    // user can squat one (`global_file_mapping_needs_privilege` reports the privilege).
    if matches!(
        creation.api.kind,
        ObjectKind::NamedPipe | ObjectKind::FileMapping
    ) || !name.value.starts_with("Global\\")
    {
        return;
    }
    let diagnostic = Diagnostic::new(
        &LINT,
        creation.name_arg,
        format!(
            "{} in the global namespace has a name any user can predict",
            quoted(&name.value)
        ),
        "any process of any session can create this name first".to_owned(),
    )
    .with_object_name(name.value.clone());
    let diagnostic = labels::label_literals(diagnostic, creation, context, name);
    acc.push(
        diagnostic
            .with_help(
                "create the object in a private namespace (`CreateBoundaryDescriptor`, \
                 `CreatePrivateNamespace`) or use a name only authorised users can learn"
                    .to_owned(),
                None,
            )
            .with_note(format!(
                "a name compiled into the program, GUID or not, can be read from it: creating \
                 {} in `Global\\` needs no privilege, so a low-privilege user in another session \
                 can create it before yours and hold it, a denial of service Microsoft's \
                 CreateMutex remarks describe (see \
                 https://learn.microsoft.com/windows/win32/sync/object-namespaces)",
                creation.api.kind.with_article()
            )),
    );
}
