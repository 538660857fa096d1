//! The `use`s of the modules a name is looked up in, read for their glob imports and the
//! names they shadow: only a module's top-level `use` items are parsed, never the rest of
//! its file.

use std::collections::BTreeSet;

use crate::check::file::PackageFile;
use crate::names::scope::UseMap;
use crate::names::{ItemIndex, ModuleUses};
use crate::project::crates::{self, FilePlace};
use crate::project::package::Package;
use crate::scan::skeleton::{Piece, MAX_NESTING};
use crate::scan::source::SourceFile;

/// Reads the `use`s of the files at the module paths `modules` into `items`; a module no file
/// holds is marked read all the same, so it is not looked for again.
pub fn read_module_uses(
    package: &Package,
    files: &mut [PackageFile],
    modules: &BTreeSet<Vec<String>>,
    items: &mut ItemIndex<'_>,
) {
    for file in files.iter_mut() {
        if file.error.is_some() {
            continue;
        }
        // A file whose text was dropped after its first read has no place yet.
        if let (true, Some(path)) = (file.place.module_path.is_empty(), &file.dropped_from) {
            file.place = crates::place_of(package, path);
        }
        if !modules.contains(&file.place.module_path) {
            continue;
        }
        let uses = match &file.dropped_from {
            None => module_uses(&file.source, &file.place),
            // Read again for this alone: the text is not kept.
            Some(path) => match std::fs::read_to_string(path) {
                Ok(text) => module_uses(&SourceFile::new(path.clone(), text), &file.place),
                Err(_) => continue,
            },
        };
        items.add_uses(file.place.module_path.clone(), uses);
    }
    for module in modules {
        items.uses_read(module.clone());
    }
}

/// What the top-level `use` items of `source` import, as far as globs are concerned (see
/// [`ModuleUses`]). An item that does not parse imports nothing: parsing the file reports it.
fn module_uses(source: &SourceFile, place: &FilePlace) -> ModuleUses {
    let mut found = ModuleUses::default();
    let skeleton = source.skeleton();
    if skeleton.unbalanced {
        return found;
    }
    let uses = UseMap::new(place.library.clone(), place.members.clone());
    for item in &skeleton.items {
        let text = source.slice(item.span);
        if item.piece != Piece::Whole || item.depth > MAX_NESTING || !is_use_item(text) {
            continue;
        }
        if let Ok(item) = syn::parse_str::<syn::ItemUse>(text) {
            found.add(&item, &place.module_path, &uses);
        }
    }
    found
}

/// Whether an item's text (attributes first) may be a `use` item that imports an explicit
/// name or a glob: `use` as a word before its first `{` or `;`.
fn is_use_item(text: &str) -> bool {
    let head = text.split(['{', ';']).next().unwrap_or(text);
    head.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == "use")
}
