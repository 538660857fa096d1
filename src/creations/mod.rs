//! Finds every call that creates a named kernel object, anywhere in a file, and records it as a
//! [`FoundCreation`]: the facts the lints need, with the name lowered to a [`NameIr`].
//!
//! The visitor walks all code regardless of `cfg` (objlint must see Windows code on any host),
//! parses macro bodies whose tokens form expressions, statements or items, and keeps the
//! `let`s in scope, the enclosing function and the module path, so that names and
//! `ERROR_ALREADY_EXISTS` checks can be resolved.

mod already_exists;
mod arguments;
mod calls;
mod creation;
mod finder;
mod items;
mod macros;
pub mod result_flow;

use syn::visit::Visit;

pub use self::creation::{Creation, FnSignature, FoundCreation, Via};
use self::finder::CreationFinder;
use self::result_flow::CallerFailure;
use crate::catalogue::Catalogue;
use crate::names::{FileId, ItemValue};
use crate::project::crates::FilePlace;
use crate::scan::source::SourceFile;

/// What one file contributes: its creations, and its `const`/`static` items by absolute path.
#[derive(Debug, Default)]
pub struct FileFacts {
    pub creations: Vec<FoundCreation>,
    pub items: Vec<(Vec<String>, ItemValue)>,
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
    finder.creations.sort_by_key(|creation| creation.call.start);
    FileFacts {
        creations: finder.creations,
        items: items.items,
        caller_failures: finder
            .caller_failures
            .into_iter()
            .map(|failure| (file_id, failure))
            .collect(),
    }
}
