//! The shape of `src/`, held as a test so it cannot drift: modules depend one way (no cycle
//! between any two of them), no file is past [`MAX_FILE_LINES`] lines and no function past
//! [`MAX_FUNCTION_LINES`]. A module is a file; an edge is a path one file writes to another
//! (`use crate::…`, `super::…`, a child module's name), never a `mod` declaration, and code
//! under `#[cfg(test)]` does not count.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::support::{repo_root, rust_files};

/// Past this a file usually holds two ideas (STYLE.md §1).
const MAX_FILE_LINES: usize = 600;
/// Past this a function usually does two things (STYLE.md §1).
const MAX_FUNCTION_LINES: usize = 80;

/// A module's path from the crate root, `[]` for `lib.rs`.
type ModulePath = Vec<String>;

struct Module {
    file: PathBuf,
    syntax: syn::File,
    text: String,
}

/// Every module of the library, by path.
fn library_modules() -> BTreeMap<ModulePath, Module> {
    let src = repo_root().join("src");
    rust_files(&src)
        .into_iter()
        .filter(|file| file.file_name().is_some_and(|name| name != "main.rs"))
        .map(|file| {
            let text = std::fs::read_to_string(&file).expect("src is readable");
            let syntax = syn::parse_file(&text)
                .unwrap_or_else(|error| panic!("{} does not parse: {error}", file.display()));
            let module = module_path(&src, &file);
            (module, Module { file, syntax, text })
        })
        .collect()
}

fn module_path(src: &Path, file: &Path) -> ModulePath {
    let relative = file.strip_prefix(src).expect("under src");
    let mut path: ModulePath = relative
        .iter()
        .map(|part| part.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(path.last().map(String::as_str), Some("mod" | "lib")) {
        path.pop();
    }
    path
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Meta>()
                .is_ok_and(|meta| meta.path().is_ident("test"))
    })
}

/// The paths a file writes, each as its segments, `use` trees expanded.
#[derive(Default)]
struct WrittenPaths {
    paths: Vec<Vec<String>>,
}

impl WrittenPaths {
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(prefix, &path.tree);
                prefix.pop();
            }
            syn::UseTree::Name(name) => self.push_with(prefix, &name.ident),
            syn::UseTree::Rename(rename) => self.push_with(prefix, &rename.ident),
            syn::UseTree::Glob(_) => self.paths.push(prefix.clone()),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }

    fn push_with(&mut self, prefix: &[String], last: &syn::Ident) {
        let mut path = prefix.to_vec();
        path.push(last.to_string());
        self.paths.push(path);
    }
}

impl<'ast> Visit<'ast> for WrittenPaths {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Mod(item) => &item.attrs,
            syn::Item::Fn(item) => &item.attrs,
            syn::Item::Impl(item) => &item.attrs,
            syn::Item::Use(item) => &item.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if !is_cfg_test(attrs) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    // `pub(crate)` and `pub(super)` say who may use an item, not what the file uses.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.paths.push(
            path.segments
                .iter()
                .map(|segment| segment.ident.to_string())
                .collect(),
        );
        syn::visit::visit_path(self, path);
    }
}

/// The module a written path reaches, seen from `from`: the longest prefix that is a module.
fn target_module(
    from: &ModulePath,
    path: &[String],
    modules: &BTreeMap<ModulePath, Module>,
) -> Option<ModulePath> {
    let (mut base, rest): (ModulePath, &[String]) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (from.clone(), &path[1..]),
        Some("super") => {
            let mut base = from.clone();
            let mut rest = path;
            while rest.first().is_some_and(|segment| segment == "super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        // A child module named without a prefix (`apis::Api` in `catalogue/mod.rs`).
        Some(first) => {
            let mut child = from.clone();
            child.push(first.to_owned());
            if !modules.contains_key(&child) {
                return None;
            }
            (from.clone(), path)
        }
        None => return None,
    };
    let mut found = modules.contains_key(&base).then(|| base.clone());
    for segment in rest {
        base.push(segment.clone());
        if !modules.contains_key(&base) {
            break;
        }
        found = Some(base.clone());
    }
    found.filter(|module| module != from)
}

fn dependency_graph(
    modules: &BTreeMap<ModulePath, Module>,
) -> BTreeMap<ModulePath, BTreeSet<ModulePath>> {
    modules
        .iter()
        .map(|(from, module)| {
            let mut written = WrittenPaths::default();
            written.visit_file(&module.syntax);
            let targets = written
                .paths
                .iter()
                .filter_map(|path| target_module(from, path, modules))
                .collect();
            (from.clone(), targets)
        })
        .collect()
}

/// The strongly connected components with more than one module (Tarjan's algorithm).
fn cycles(graph: &BTreeMap<ModulePath, BTreeSet<ModulePath>>) -> Vec<Vec<ModulePath>> {
    struct Tarjan<'a> {
        graph: &'a BTreeMap<ModulePath, BTreeSet<ModulePath>>,
        index: BTreeMap<&'a ModulePath, usize>,
        low: BTreeMap<&'a ModulePath, usize>,
        stack: Vec<&'a ModulePath>,
        on_stack: BTreeSet<&'a ModulePath>,
        components: Vec<Vec<ModulePath>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, node: &'a ModulePath) {
            let next = self.index.len();
            self.index.insert(node, next);
            self.low.insert(node, next);
            self.stack.push(node);
            self.on_stack.insert(node);
            for target in self.graph.get(node).into_iter().flatten() {
                let Some((target, _)) = self.graph.get_key_value(target) else {
                    continue;
                };
                if !self.index.contains_key(target) {
                    self.visit(target);
                    let low = self.low[node].min(self.low[target]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(target) {
                    let low = self.low[node].min(self.index[target]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack.remove(member);
                    component.push(member.clone());
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.components.push(component);
                }
            }
        }
    }
    let mut tarjan = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for node in graph.keys() {
        if !tarjan.index.contains_key(node) {
            tarjan.visit(node);
        }
    }
    tarjan.components
}

fn shown(module: &ModulePath) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

#[test]
fn modules_depend_one_way() {
    let modules = library_modules();
    let graph = dependency_graph(&modules);
    let mut report = String::new();
    for component in cycles(&graph) {
        let names: BTreeSet<&ModulePath> = component.iter().collect();
        report.push_str("cycle:\n");
        for module in &component {
            let inside: Vec<String> = graph[module]
                .iter()
                .filter(|target| names.contains(target))
                .map(shown)
                .collect();
            writeln!(report, "  {} -> {}", shown(module), inside.join(", "))
                .expect("a String takes any text");
        }
    }
    assert!(
        report.is_empty(),
        "modules that depend on each other:\n{report}"
    );
}

/// Every function, method and associated function, with its name and its length in lines.
#[derive(Default)]
struct Functions {
    found: Vec<(String, usize, usize)>,
}

impl Functions {
    fn push(&mut self, name: &syn::Ident, spanned: &impl Spanned) {
        let span = spanned.span();
        let lines = span.end().line - span.start().line + 1;
        self.found
            .push((name.to_string(), span.start().line, lines));
    }
}

impl<'ast> Visit<'ast> for Functions {
    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.push(&item.sig.ident, item);
        syn::visit::visit_item_fn(self, item);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.push(&item.sig.ident, item);
        syn::visit::visit_impl_item_fn(self, item);
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if item.default.is_some() {
            self.push(&item.sig.ident, item);
        }
        syn::visit::visit_trait_item_fn(self, item);
    }
}

#[test]
fn files_and_functions_fit_in_a_head() {
    let mut report = String::new();
    for module in library_modules().values() {
        let file = module
            .file
            .strip_prefix(repo_root())
            .unwrap_or(&module.file);
        let lines = module.text.lines().count();
        if lines > MAX_FILE_LINES {
            writeln!(
                report,
                "{}: {lines} lines (at most {MAX_FILE_LINES})",
                file.display()
            )
            .expect("a String takes any text");
        }
        let mut functions = Functions::default();
        functions.visit_file(&module.syntax);
        for (name, line, lines) in functions.found {
            if lines > MAX_FUNCTION_LINES {
                writeln!(
                    report,
                    "{}:{line}: fn {name} is {lines} lines (at most {MAX_FUNCTION_LINES})",
                    file.display()
                )
                .expect("a String takes any text");
            }
        }
    }
    assert!(report.is_empty(), "too long to read at once:\n{report}");
}
