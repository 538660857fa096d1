//! A module's `use` declarations as the index needs them to follow glob imports: the names
//! it imports one by one, which shadow any glob, and the modules it imports with `*`.

use std::collections::HashMap;

use crate::names::cfg::{cfg_of, excludes_windows, requires_test};
use crate::names::scope::{absolute_path, UseMap};

/// What one module's top-level `use` declarations import, as far as a glob lookup cares.
#[derive(Debug, Default, Clone)]
pub struct ModuleUses {
    /// The identifiers imported by name (`use a::b;`, `use a::b as c;`) and the absolute paths
    /// they stand for: Rust lets these, like the module's own items, shadow any glob.
    pub explicit: HashMap<String, Vec<String>>,
    /// The absolute paths of the modules imported with `*`, in the order written.
    pub globs: Vec<Vec<String>>,
    /// The modules imported with `*` under a `cfg` no Windows program has: a name only they
    /// bring in is not the name a Windows program reads.
    pub other_systems: Vec<Vec<String>>,
}

impl ModuleUses {
    /// Adds what `item` imports into the module at `module_path`. A `use` no Windows program
    /// compiles (`#[cfg(unix)]`), or only tests do, imports nothing: a name written for
    /// Windows does not see it.
    pub fn add(&mut self, item: &syn::ItemUse, module_path: &[String], uses: &UseMap) {
        if cfg_of(&item.attrs).is_some_and(|cfg| excludes_windows(&cfg) || requires_test(&cfg)) {
            let mut excluded = ModuleUses::default();
            excluded.add_tree(&mut Vec::new(), &item.tree, module_path, uses);
            self.other_systems.extend(excluded.globs);
            return;
        }
        self.add_tree(&mut Vec::new(), &item.tree, module_path, uses);
    }

    /// Adds what another file at the same module path imports.
    pub fn merge(&mut self, other: ModuleUses) {
        for (ident, path) in other.explicit {
            self.explicit.entry(ident).or_insert(path);
        }
        for glob in other.globs {
            if !self.globs.contains(&glob) {
                self.globs.push(glob);
            }
        }
        self.other_systems.extend(other.other_systems);
    }

    fn add_tree(
        &mut self,
        prefix: &mut Vec<String>,
        tree: &syn::UseTree,
        module_path: &[String],
        uses: &UseMap,
    ) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.add_tree(prefix, &path.tree, module_path, uses);
                prefix.pop();
            }
            syn::UseTree::Name(name) if name.ident == "self" => {
                if let Some(last) = prefix.last() {
                    let target = absolute_path(module_path, None, prefix, Some(uses));
                    self.explicit.insert(last.clone(), target);
                }
            }
            syn::UseTree::Name(name) => {
                prefix.push(name.ident.to_string());
                let target = absolute_path(module_path, None, prefix, Some(uses));
                self.explicit.insert(name.ident.to_string(), target);
                prefix.pop();
            }
            syn::UseTree::Rename(rename) => {
                prefix.push(rename.ident.to_string());
                let target = absolute_path(module_path, None, prefix, Some(uses));
                self.explicit.insert(rename.rename.to_string(), target);
                prefix.pop();
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.add_tree(prefix, tree, module_path, uses);
                }
            }
            // `use *;` globs the prelude of an edition long gone: nothing the index holds.
            syn::UseTree::Glob(_) if prefix.is_empty() => {}
            syn::UseTree::Glob(_) => {
                let target = absolute_path(module_path, None, prefix, Some(uses));
                if target.as_slice() != module_path && !self.globs.contains(&target) {
                    self.globs.push(target);
                }
            }
        }
    }
}
