//! The lint docs (`lints/<name>.md`, what `--explain` prints) have the sections Clippy's and
//! ruff's have, in one order, say the level and the version that added the lint as the code and
//! CHANGELOG.md do, and their Rust examples are Rust files a user can paste: each parses, and
//! every name it uses is imported, declared or in Rust's prelude. That each `## Example` fires and
//! each `Use instead:` does not is `consistency::doc_examples_fire_and_their_fixes_do_not`.

use std::collections::BTreeSet;

use objlint::lints::LINTS;
use syn::visit::Visit;

use crate::support::repo_root;

/// The sections every lint doc has, in this order (other sections may come between them).
const SECTIONS: [&str; 8] = [
    "\n## What it does\n",
    "\n## Why is this bad?\n",
    "\n## Known problems\n",
    "\n## Configuration\n",
    "\n## Fix safety\n",
    "\n## Example\n",
    "\nUse instead:\n",
    "\n## References\n",
];

#[test]
fn lint_docs_have_every_section_in_order() {
    for lint in LINTS {
        let header = format!(
            "# {}\n\nDefault level: {}.\n",
            lint.name,
            lint.default_level.as_str()
        );
        assert!(
            lint.docs.starts_with(&header),
            "lints/{}.md does not start with\n{header}",
            lint.name
        );
        let mut from = 0;
        for section in SECTIONS {
            let Some(at) = lint.docs[from..].find(section) else {
                panic!(
                    "lints/{}.md has no {:?} after the sections before it ({SECTIONS:?})",
                    lint.name,
                    section.trim()
                );
            };
            from += at + section.len();
        }
    }
}

/// The version a doc says added its lint: the oldest section of CHANGELOG.md that names the lint
/// (`Unreleased` until a release moves its entries under a version).
#[test]
fn lint_docs_name_the_version_that_added_the_lint() {
    let changelog =
        std::fs::read_to_string(repo_root().join("CHANGELOG.md")).expect("read CHANGELOG.md");
    let sections: Vec<(&str, &str)> = changelog
        .split("\n## [")
        .skip(1)
        .filter_map(|section| section.split_once(']'))
        .collect();
    for lint in LINTS {
        let named = format!("`{}`", lint.name);
        let Some((version, _)) = sections
            .iter()
            .rev()
            .find(|(_, text)| text.contains(&named))
        else {
            panic!("CHANGELOG.md never names {named}");
        };
        let stated = format!("\nAdded in: {}.\n", version.to_lowercase());
        assert!(
            lint.docs.contains(&stated),
            "lints/{}.md lacks the line `{}`: CHANGELOG.md first names it under [{version}]",
            lint.name,
            stated.trim()
        );
    }
}

#[test]
fn lint_doc_examples_are_rust_files_with_their_imports() {
    let mut examples = 0;
    let mut failures = Vec::new();
    for lint in LINTS {
        for (index, block) in lint.docs.split("```rust\n").skip(1).enumerate() {
            let code = &block[..block.find("```").expect("a closed code block")];
            let place = format!("lints/{}.md, Rust block {}", lint.name, index + 1);
            examples += 1;
            match syn::parse_file(code) {
                Err(error) => failures.push(format!("{place} is not a Rust file: {error}")),
                Ok(file) => {
                    let undeclared = undeclared_names(&file);
                    if !undeclared.is_empty() {
                        failures.push(format!(
                            "{place} uses names it neither imports nor declares: {undeclared:?}"
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(examples >= 2 * LINTS.len(), "{examples} examples");
}

/// Names from Rust's prelude and the standard macros, which need no import.
const PRELUDE: &[&str] = &[
    "Ok", "Err", "Some", "None", "Result", "Option", "String", "Vec", "Box", "Self", "Default",
    "From", "Into", "bool", "char", "str", "u8", "u16", "u32", "u64", "usize", "i32", "i64",
    "isize", "f32", "f64", "println", "eprintln", "format", "vec", "concat", "env", "assert",
    "matches", "panic", "write", "writeln",
];

/// The names a file uses but neither imports (`use`) nor declares: functions called by a bare
/// name, bare uppercase paths (constants, unit structs, variants), the first segment of an
/// uppercase multi-segment path (`HSTRING::from`), bare type names and bare macro names.
/// Lowercase bare paths are local variables, and lowercase first segments are crates.
fn undeclared_names(file: &syn::File) -> BTreeSet<String> {
    #[derive(Default)]
    struct Names {
        declared: BTreeSet<String>,
        used: BTreeSet<String>,
    }
    impl Names {
        fn use_path(&mut self, path: &syn::Path, called: bool) {
            let Some(first) = path.segments.first() else {
                return;
            };
            let name = first.ident.to_string();
            let bare = path.segments.len() == 1 && path.leading_colon.is_none();
            if (bare && called) || name.starts_with(|c: char| c.is_ascii_uppercase()) {
                self.used.insert(name);
            }
        }
        fn declare_tree(&mut self, tree: &syn::UseTree) {
            match tree {
                syn::UseTree::Path(path) => self.declare_tree(&path.tree),
                syn::UseTree::Name(name) => {
                    self.declared.insert(name.ident.to_string());
                }
                syn::UseTree::Rename(rename) => {
                    self.declared.insert(rename.rename.to_string());
                }
                syn::UseTree::Group(group) => group.items.iter().for_each(|tree| {
                    self.declare_tree(tree);
                }),
                // A glob hides what it brings in: an example names its imports.
                syn::UseTree::Glob(_) => {
                    self.used.insert("*".to_owned());
                }
            }
        }
    }
    impl<'ast> Visit<'ast> for Names {
        fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
            self.declare_tree(&item.tree);
        }
        fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
            self.declared.insert(item.sig.ident.to_string());
            syn::visit::visit_item_fn(self, item);
        }
        fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
            self.declared.insert(item.ident.to_string());
            syn::visit::visit_item_const(self, item);
        }
        fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
            self.declared.insert(item.ident.to_string());
            syn::visit::visit_item_static(self, item);
        }
        fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
            self.declared.insert(item.ident.to_string());
            syn::visit::visit_item_struct(self, item);
        }
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let syn::Expr::Path(function) = &*call.func {
                self.use_path(&function.path, true);
                call.args.iter().for_each(|arg| self.visit_expr(arg));
            } else {
                syn::visit::visit_expr_call(self, call);
            }
        }
        fn visit_expr_path(&mut self, expr: &'ast syn::ExprPath) {
            self.use_path(&expr.path, false);
            syn::visit::visit_expr_path(self, expr);
        }
        fn visit_pat_tuple_struct(&mut self, pat: &'ast syn::PatTupleStruct) {
            self.use_path(&pat.path, true);
            syn::visit::visit_pat_tuple_struct(self, pat);
        }
        fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
            self.use_path(&ty.path, true);
            syn::visit::visit_type_path(self, ty);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            self.use_path(&mac.path, true);
            // A macro's arguments are expressions in every example (`w!("…")`, `println!`).
            if let Ok(arguments) = mac.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            ) {
                arguments.iter().for_each(|arg| self.visit_expr(arg));
            }
        }
    }
    let mut names = Names::default();
    names.visit_file(file);
    names
        .used
        .into_iter()
        .filter(|name| !names.declared.contains(name) && !PRELUDE.contains(&name.as_str()))
        .collect()
}
