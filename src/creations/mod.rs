//! Finds every call that creates a named kernel object, anywhere in a file, and records it as a
//! [`FoundCreation`]: the facts the lints need, with the name lowered to a [`NameIr`].
//!
//! The visitor walks all code regardless of `cfg` (objlint must see Windows code on any host),
//! parses macro bodies whose tokens form expressions, statements or items, and keeps the
//! `let`s in scope, the enclosing function and the module path, so that names and
//! `ERROR_ALREADY_EXISTS` checks can be resolved. The calls in code only other systems compile
//! (`#[cfg(unix)]`) are dropped afterwards: they create no Windows object.

mod already_exists;
mod arguments;
mod attributed_nodes;
mod calls;
mod compiled_under;
mod creation;
mod descriptors;
mod finder;
mod items;
mod macros;
pub mod result_flow;
pub mod sddl;
mod security;
pub mod test_code;

use syn::visit::Visit;

pub use self::creation::{Creation, FnSignature, FoundCreation, Via, WorldDescriptor};
use self::finder::CreationFinder;
use self::result_flow::CallerFailure;
use crate::catalogue::apis::Origin;
use crate::catalogue::Catalogue;
use crate::names::{FileId, ItemValue, OnceSet};
use crate::project::crates::{is_member_key, FilePlace};
use crate::scan::source::{ByteSpan, SourceFile};

/// What one file contributes: its creations, and its `const`/`static` items by absolute path.
#[derive(Debug, Default)]
pub struct FileFacts {
    pub creations: Vec<FoundCreation>,
    pub items: Vec<(Vec<String>, ItemValue)>,
    /// The calls that may set a `OnceCell` static, outside test code: a value only a test sets
    /// is no name of the program.
    pub once_sets: Vec<OnceSet>,
    /// Checks on the failure of calls of functions that are not creations.
    pub caller_failures: Vec<(FileId, CallerFailure)>,
}

/// Every creation in a parsed file, in source order, with the file's items. `place` is where
/// the file stands in its package (`["<lib>", "ipc"]` for `src/ipc.rs`).
pub fn find(
    file: &SourceFile,
    file_id: FileId,
    place: &FilePlace,
    syntax: &syn::File,
    catalogue: &Catalogue,
) -> FileFacts {
    let items = items::collect(file, file_id, place, syntax, catalogue);
    let mut finder = CreationFinder::new(
        file,
        file_id,
        &place.module_path,
        catalogue,
        items.aliases,
        items.uses,
    );
    finder.visit_file(syntax);
    finder.follow_returned_descriptors();
    let mapping_views = std::mem::take(&mut finder.mapping_views);
    for index in result_flow::views::bounded(file, syntax, mapping_views) {
        finder.creations[index].views_bounded = true;
    }
    finder.creations.sort_by_key(|creation| creation.call.start);
    // Most parsed files and items create nothing: their tree is not walked again.
    let creates = !finder.creations.is_empty() || !finder.once_sets.is_empty();
    // Code only other systems compile (`#[cfg(unix)]`) creates no Windows object: it is not
    // reported, passes no name on, and is no pipe's claim or later instance.
    let other_systems = if creates {
        test_code::other_systems_spans(file, syntax)
    } else {
        Vec::new()
    };
    let for_windows = |call: ByteSpan| !other_systems.iter().any(|span| span.contains(call));
    finder
        .creations
        .retain(|creation| for_windows(creation.call));
    finder.once_sets.retain(|set| for_windows(set.call.call));
    let test_code =
        if (finder.creations.is_empty() && finder.once_sets.is_empty()) || place.in_test_target {
            Vec::new()
        } else {
            test_code::spans(file, syntax)
        };
    for creation in &mut finder.creations {
        creation.in_test_code =
            place.in_test_target || test_code.iter().any(|span| span.contains(creation.call));
    }
    let in_test_code =
        |call: ByteSpan| place.in_test_target || test_code.iter().any(|span| span.contains(call));
    finder.once_sets.retain(|set| !in_test_code(set.call.call));
    let sets = |creation: &FoundCreation| creation.api.origin == Origin::Setter;
    if !finder.once_sets.is_empty() || finder.creations.iter().any(sets) {
        // The value a call sets holds under the `#[cfg]` around the call.
        let cfg_code = compiled_under::CfgCode::of(file, syntax);
        let in_member = is_member_key(place.crate_key());
        for set in &mut finder.once_sets {
            set.call.cfg = cfg_code.around(set.call.call);
            set.call.in_member = in_member;
        }
        for creation in finder
            .creations
            .iter_mut()
            .filter(|creation| sets(creation))
        {
            creation.compiled_under = cfg_code.around(creation.call);
        }
    }
    FileFacts {
        creations: finder.creations,
        once_sets: finder.once_sets,
        items: items.items,
        caller_failures: finder
            .caller_failures
            .into_iter()
            .map(|failure| (file_id, failure))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::NameIr;

    /// What the finder records of each creation in `source` (a library's root file), in a
    /// line a test can compare: the API, where it is, its name and the facts the lints read
    /// most.
    fn found(source: &str) -> Vec<String> {
        let file = SourceFile::new("src/lib.rs", source.to_owned());
        let syntax = syn::parse_file(file.parse_text()).expect("the test source parses");
        let place = FilePlace {
            module_path: vec!["<lib>".to_owned()],
            ..FilePlace::default()
        };
        let facts = find(&file, 0, &place, &syntax, &Catalogue::standard());
        facts
            .creations
            .iter()
            .map(|creation| {
                format!(
                    "{} in {}: {}{}{}{}",
                    creation.api.name,
                    creation.enclosing_item,
                    shown(&creation.name),
                    match creation.initially_owned {
                        Some(owned) => format!(", owned {owned}"),
                        None => String::new(),
                    },
                    match creation.first_pipe_instance {
                        Some(first) => format!(", first instance {first}"),
                        None => String::new(),
                    },
                    if creation.already_exists_checked {
                        ", checked"
                    } else {
                        ""
                    },
                )
            })
            .collect()
    }

    fn shown(name: &NameIr) -> String {
        match name {
            NameIr::Literal(literal) => format!("{:?}", literal.value),
            NameIr::Item(path) => format!("item {}", path.written),
            NameIr::Param(index) => format!("parameter {index}"),
            NameIr::Added(prefix) => format!("{prefix:?}"),
            NameIr::Concat(parts) => parts.iter().map(shown).collect::<Vec<_>>().join(" + "),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_win32_call_with_its_literal_name_and_ownership() {
        let source = r#"
            fn main() {
                let _mutex = unsafe { CreateMutexW(None, true, w!("AppMutex")) };
            }
        "#;
        assert_eq!(
            found(source),
            [r#"CreateMutexW in fn main: "AppMutex", owned true"#]
        );
    }

    #[test]
    fn a_check_counts_only_after_the_call() {
        let checked = r#"
            fn open() {
                let _event = unsafe { CreateEventW(None, true, false, w!("Ready")) };
                if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS {
                    return;
                }
            }
        "#;
        assert_eq!(
            found(checked),
            [r#"CreateEventW in fn open: "Ready", checked"#]
        );
        let before = r#"
            fn open() {
                if unsafe { GetLastError() } == ERROR_ALREADY_EXISTS {
                    return;
                }
                let _event = unsafe { CreateEventW(None, true, false, w!("Ready")) };
            }
        "#;
        assert_eq!(found(before), [r#"CreateEventW in fn open: "Ready""#]);
    }

    #[test]
    fn names_through_lets_consts_and_parameters() {
        let source = r#"
            const SHARED: PCWSTR = w!("Shared");
            impl Slots {
                fn open(name: PCWSTR) {
                    let local = w!("Local");
                    unsafe { CreateSemaphoreW(None, 0, 1, local) };
                    unsafe { CreateSemaphoreW(None, 0, 1, SHARED) };
                    unsafe { CreateSemaphoreW(None, 0, 1, name) };
                }
            }
        "#;
        assert_eq!(
            found(source),
            [
                r#"CreateSemaphoreW in impl Slots::fn open: "Local""#,
                "CreateSemaphoreW in impl Slots::fn open: item SHARED",
                "CreateSemaphoreW in impl Slots::fn open: parameter 0",
            ]
        );
    }

    #[test]
    fn aliases_macro_bodies_and_builder_chains() {
        let source = r#"
            use windows::Win32::System::Threading::CreateMutexW as make_mutex;
            fn main() {
                let _m = unsafe { make_mutex(None, false, w!("Aliased")) };
                println!("{:?}", unsafe { CreateEventW(None, true, false, w!("InMacro")) });
                let mut options = ServerOptions::new();
                options.first_pipe_instance(true);
                let _server = options.create(r"\\.\pipe\app");
            }
        "#;
        assert_eq!(
            found(source),
            [
                r#"CreateMutexW in fn main: "Aliased", owned false"#,
                r#"CreateEventW in fn main: "InMacro""#,
                r#"ServerOptions::create in fn main: "\\\\.\\pipe\\app", first instance true"#,
            ]
        );
    }

    #[test]
    fn look_alikes_bindings_and_expected_failures_are_no_creations() {
        let source = r#"
            fn main() {
                CreateMutexWrapper(None, false, w!("NotAnApi"));
                assert!(unsafe { CreateMutexW(None, false, w!("MustFail")) }.is_err());
            }
            // A binding crate's own wrapper: its caller is the one that creates the object.
            pub unsafe fn CreateMutexW(attributes: Option<*const u8>, owner: bool, name: PCWSTR) {
                CreateMutexW(attributes, owner, name)
            }
        "#;
        assert_eq!(found(source), Vec::<String>::new());
    }
}
