//! The creation fact: one call that creates a (possibly) named kernel object, as the finder
//! records it and, its name resolved, as every lint sees it.

use std::sync::Arc;

use crate::catalogue::apis::{Api, BindingCrate, ObjectKind, OnExisting};
use crate::names::paths;
use crate::names::unique::pipe_prefix_len;
pub use crate::names::FnSignature;
use crate::names::{Cfg, CfgAlternative, FileId, NameIr, ObjectName, StrPointer};
use crate::scan::source::ByteSpan;

/// One call that creates (or opens) a (possibly) named kernel object. The finder records it
/// with its name lowered from its own file ([`FoundCreation`]); once the package's items are
/// known, the name is resolved, and a name with `cfg` alternatives gives one `Creation` per
/// distinct name: the facts every lint sees.
#[derive(Debug, Clone)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent facts about one call, each read by its own lint"
)]
pub struct Creation<Name = ObjectName> {
    pub api: Arc<Api>,
    /// Index of the file in the package's file list.
    pub file: FileId,
    /// The called function's name, as written (an alias, or the last segment of a path).
    pub callee: ByteSpan,
    /// The whole call expression.
    pub call: ByteSpan,
    /// The name argument.
    pub name_arg: ByteSpan,
    pub name: Name,
    /// For mutexes: `Some(true)` when the call provably asks for initial ownership.
    pub initially_owned: Option<bool>,
    /// For pipe servers: whether the call provably asks (or provably does not ask) to be the
    /// pipe's first instance.
    pub first_pipe_instance: Option<bool>,
    /// For pipe servers: whether the call asks for at most one instance (`nMaxInstances` 1,
    /// `.max_instances(1)`), which limits only a pipe the call creates first.
    pub one_instance_limit: bool,
    /// Whether the enclosing function mentions `ERROR_ALREADY_EXISTS` (or an equivalent) after
    /// the call, where it can see an existing object, or creates the object only as the
    /// fallback of an open whose handle it uses.
    pub already_exists_checked: bool,
    /// For a file mapping: every view the code maps of the returned handle (in its function,
    /// or through the struct field it is stored in) asks for an explicit size and handles its
    /// failure, so an existing, smaller mapping makes the view fail instead of being used
    /// whole (see [`crate::creations::result_flow::views`]).
    pub views_bounded: bool,
    /// What this call reports when the object already exists, for the binding it is made
    /// through (never [`OnExisting::ByBinding`]).
    pub on_existing: OnExisting,
    /// `ERROR_ALREADY_EXISTS` checks that only a failure of this call reaches, where
    /// `on_existing` says no failure ever carries it: they can never be true.
    pub dead_checks: Vec<(FileId, ByteSpan)>,
    /// Whether the call's result leaves its function (`call?`, `return call`, the body's value).
    pub propagated: bool,
    /// For a call whose value closes the object when dropped (a wrapper's server): the
    /// statement at whose end the code lets it go, when it keeps it no longer (`let _ =`, a
    /// `match` with only `Ok(_)`, `.is_ok()`). Such a pipe server is a probe: its claim ends
    /// there.
    pub dropped: Option<ByteSpan>,
    /// The item the call is in, such as `fn main` or `impl Shared::fn open`.
    pub enclosing_item: String,
    /// The function the call is in, when it is one whose callers could pass the name.
    pub enclosing_fn: Option<FnSignature>,
    /// For a call of one of the crate's own functions that passes its parameter to a creation:
    /// that creation.
    pub via: Option<Via>,
    /// The binding crate the file calls Win32 through, for the check the help shows.
    pub binding_crate: BindingCrate,
    /// For a name objlint cannot read whole: how it is built (see [`NameIr::shape`]).
    pub name_shape: Option<String>,
    /// For one of a name's `cfg` alternatives: the `cfg` predicate under which it is the name,
    /// and the builds that compile it (`None` until the name is resolved).
    pub cfg: Option<CfgAlternative>,
    /// For a call of a function that sets a `OnceCell` static from its parameter (a setter):
    /// the `#[cfg]` of the code the call is in, which the value set holds under.
    pub compiled_under: Option<Cfg>,
    /// Whether the call is in test-only code (see [`crate::creations::test_code`]), or in a
    /// file of a test or bench target.
    pub in_test_code: bool,
    /// A raw pointer to a Rust string's bytes given as the name, as found; once resolved, kept
    /// only when the API reads past the string's end (or reads it as UTF-16), and on the first
    /// of the name's `cfg` alternatives alone: it is a fact of the call, not of each name.
    pub str_pointer: Option<StrPointer>,
    /// The security descriptors the code visibly gives the call that may let other users and
    /// programs open the object (see `creations::security`); resolved with the name.
    pub descriptors: Vec<WorldDescriptor<Name>>,
}

/// A security descriptor that reaches a creation's security attributes and is made to let
/// others open the object: by an SDDL string (which does when it grants a group every user is
/// in, see [`crate::creations::sddl`]) or with a null DACL (which always does).
#[derive(Debug, Clone)]
pub struct WorldDescriptor<Name> {
    /// The function called to make it (`ConvertStringSecurityDescriptorToSecurityDescriptorW`,
    /// `SetSecurityDescriptorDacl`), in the creation's file.
    pub at: ByteSpan,
    /// The SDDL string it is made from; `None` for a null DACL.
    pub sddl: Option<Name>,
}

impl Creation {
    /// Where the code makes the object's security descriptor let other users and programs
    /// open it, and what in it does: the object is published, its name an interface.
    pub fn published(&self) -> Option<(ByteSpan, String)> {
        self.descriptors
            .iter()
            .find_map(|descriptor| match &descriptor.sddl {
                None => Some((
                    descriptor.at,
                    "a null DACL, which lets anyone open it".to_owned(),
                )),
                Some(ObjectName::Known(sddl)) => {
                    super::sddl::world_access(&sddl.value).map(|why| (descriptor.at, why))
                }
                Some(_) => None,
            })
    }
}

/// interprocess 1.x's "@ syntax": a name written as text that starts with `@` is the pipe
/// `\\.\pipe\<name>` without the `@`. The literal keeps it: a fix renames what is written.
fn drop_at_sign(name: &mut ObjectName) {
    let ObjectName::Known(known) = name else {
        return;
    };
    let at = pipe_prefix_len(&known.value);
    if known.value[at..].starts_with('@') {
        known.value.remove(at);
    }
}

/// A pipe server given a file path in the user's directories as its whole pipe path creates
/// nothing on Windows (the path is no pipe path, and the call fails): code that means a Unix
/// socket there. interprocess 1.x makes a pipe of any path, its prefix in front.
fn no_file_path(name: &mut ObjectName) {
    if matches!(name, ObjectName::Known(known) if paths::is_file_path(&known.value)) {
        *name = ObjectName::Unknown;
    }
}

/// A creation as found in its file, its name not yet resolved.
pub type FoundCreation = Creation<NameIr>;

impl FoundCreation {
    /// This creation under one resolved name, which it has under the `cfg` alternative `cfg`.
    pub fn resolved(&self, mut name: ObjectName, cfg: Option<CfgAlternative>) -> Creation {
        if self.api.drops_at_sign {
            drop_at_sign(&mut name);
        }
        if self.api.kind == ObjectKind::NamedPipe {
            no_file_path(&mut name);
        }
        // Only a pipe's servers are matched by how their names are built.
        let name_shape = match name {
            ObjectName::Unknown | ObjectName::Param(_)
                if self.api.kind == ObjectKind::NamedPipe =>
            {
                self.name.shape()
            }
            _ => None,
        };
        Creation {
            api: Arc::clone(&self.api),
            file: self.file,
            callee: self.callee,
            call: self.call,
            name_arg: self.name_arg,
            name,
            initially_owned: self.initially_owned,
            first_pipe_instance: self.first_pipe_instance,
            one_instance_limit: self.one_instance_limit,
            already_exists_checked: self.already_exists_checked,
            views_bounded: self.views_bounded,
            on_existing: self.on_existing,
            dead_checks: self.dead_checks.clone(),
            propagated: self.propagated,
            dropped: self.dropped,
            enclosing_item: self.enclosing_item.clone(),
            enclosing_fn: self.enclosing_fn.clone(),
            via: self.via.clone(),
            binding_crate: self.binding_crate,
            name_shape,
            cfg,
            compiled_under: self.compiled_under.clone(),
            in_test_code: self.in_test_code,
            str_pointer: self.str_pointer.clone(),
            // The SDDL strings are names of their own, resolved by the caller.
            descriptors: Vec::new(),
        }
    }
}

/// The creation inside a crate function that a call of that function ends in.
#[derive(Debug, Clone)]
pub struct Via {
    pub file: FileId,
    pub callee: ByteSpan,
    pub api_name: String,
    /// The API of that creation, whose arguments the notes describe.
    pub api: Arc<Api>,
    /// Where that creation passes the name on in turn, when it is itself a call of the crate's
    /// functions: each call further down, to the creation the chain ends in, with the
    /// function or API it calls.
    pub further: Vec<(FileId, ByteSpan, String)>,
}
