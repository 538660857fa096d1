//! Name resolution from source text: a file's items are lowered and indexed, the argument its
//! `main` passes to `create(…)` is lowered where it is written, and the resolver says what name
//! it is. Only the names stage runs (the creation finder is not involved): the file's top-level
//! `const`s, `static`s and functions are indexed as the finder's first pass indexes them, and
//! `main`'s `let`s before the call are in scope.

use std::path::Path;

use syn::spanned::Spanned;

use crate::names::index::{ItemIndex, ItemValue};
use crate::names::ir::{BindingKind, NameIr, ObjectName};
use crate::names::lower::Site;
use crate::names::resolve::{PackageFacts, Resolver};
use crate::names::returns::ReturnedValues;
use crate::names::scope::{cfg_of, LetBinding, UseMap};
use crate::project::crates::{self, Crates};
use crate::project::package::stand_in;
use crate::scan::source::SourceFile;

/// Where `source` stands: the only file of a package named `app`, version 1.2.3.
const FILE: &str = "app/src/lib.rs";

/// The names the argument of `create(…)` in `source`'s `fn main` can be, each as
/// `cfg => name` (`cfg` empty when the name has no alternatives); a name objlint cannot read
/// is shown as its `ObjectName`.
fn resolved(source: &str) -> Vec<String> {
    let file = SourceFile::new(FILE, source.to_owned());
    let syntax = syn::parse_file(file.parse_text()).expect("the test's source parses");
    let package = stand_in(Path::new(FILE));
    let crates = Crates::of(&package);
    let place = crates::place_of(&package, Path::new(FILE));
    let uses = UseMap::new(place.library.clone(), place.members.clone());
    let here = Written {
        file: &file,
        module_path: &place.module_path,
        uses: &uses,
    };
    let mut index = ItemIndex::new(&crates);
    let mut name = None;
    for item in &syntax.items {
        match item {
            syn::Item::Fn(main) if main.sig.ident == "main" => name = Some(here.argument(main)),
            item => {
                if let Some((path, value)) = here.item(item) {
                    index.insert(path, value);
                }
            }
        }
    }
    let name = name.expect("the test's source has a `fn main`");
    let facts = PackageFacts {
        name: "app".to_owned(),
        version: "1.2.3".to_owned(),
    };
    let resolver = Resolver {
        items: &index,
        package: &facts,
    };
    resolver
        .resolve_all(&name)
        .into_iter()
        .map(|alternative| {
            let cfg = alternative.predicate().unwrap_or_default();
            match alternative.name {
                ObjectName::Known(known) => format!("{cfg} => {}", known.value),
                other => format!("{cfg} => {other:?}"),
            }
        })
        .collect()
}

/// The file and module a name is written in.
struct Written<'a> {
    file: &'a SourceFile,
    module_path: &'a [String],
    uses: &'a UseMap,
}

impl Written<'_> {
    /// `expr` lowered where it is written: in `function` (with its `params`) at byte `at`,
    /// with `lets` in scope.
    fn lower(
        &self,
        expr: &syn::Expr,
        lets: &[&LetBinding],
        params: &[String],
        function: Option<&str>,
        at: usize,
    ) -> NameIr {
        Site {
            file: self.file,
            file_id: 0,
            lets,
            params,
            param_types: &[],
            module_path: self.module_path,
            self_type: None,
            uses: self.uses,
            function,
            at,
            loop_depth: 0,
        }
        .lower(expr)
    }

    /// A top-level `const`, `static` or function, lowered and at its path in the index.
    fn item(&self, item: &syn::Item) -> Option<(Vec<String>, ItemValue)> {
        let (attrs, ident, kind, value, defined_at) = match item {
            syn::Item::Const(item) => {
                let value = self.lower(&item.expr, &[], &[], None, usize::MAX);
                (&item.attrs, &item.ident, BindingKind::Const, value, None)
            }
            syn::Item::Static(item) => {
                let value = self.lower(&item.expr, &[], &[], None, usize::MAX);
                (&item.attrs, &item.ident, BindingKind::Static, value, None)
            }
            syn::Item::Fn(item) => {
                let value = self.returned(item);
                let defined_at = Some((0, self.file.byte_span(item.sig.ident.span())));
                let ident = &item.sig.ident;
                (&item.attrs, ident, BindingKind::Fn, value, defined_at)
            }
            _ => return None,
        };
        let mut path = self.module_path.to_vec();
        path.push(ident.to_string());
        let value = ItemValue {
            kind,
            value,
            defined_at,
            cfgs: cfg_of(attrs).into_iter().collect(),
            string_type: None,
        };
        Some((path, value))
    }

    /// What a function returns, each value lowered with the `let`s in scope where it is.
    fn returned(&self, function: &syn::ItemFn) -> NameIr {
        let returned = ReturnedValues::of(&function.sig, &function.block, self.file)
            .expect("the test's functions return a value");
        let values: Vec<NameIr> = returned
            .values
            .iter()
            .zip(&returned.value_at)
            .map(|((lets, value), &at)| {
                let lets: Vec<&LetBinding> = lets.iter().collect();
                let function = Some(returned.function.as_str());
                self.lower(value, &lets, &returned.params, function, at)
            })
            .collect();
        returned.value(&values)
    }

    /// The argument `main` passes to its call, lowered with `main`'s `let`s before it.
    fn argument(&self, main: &syn::ItemFn) -> NameIr {
        let mut lets = Vec::new();
        let mut call = None;
        for stmt in &main.block.stmts {
            match stmt {
                syn::Stmt::Local(local) => {
                    let syn::Pat::Ident(name) = &local.pat else {
                        panic!("the test's `let`s bind one name");
                    };
                    lets.push(LetBinding {
                        name: name.ident.to_string(),
                        init: local.init.as_ref().map(|init| (*init.expr).clone()),
                        local_key: false,
                        cfg: cfg_of(&local.attrs),
                        at: self.file.byte_span(local.span()).start,
                        loop_depth: 0,
                        mutations: Vec::new(),
                    });
                }
                syn::Stmt::Expr(syn::Expr::Call(found), _) => call = Some(found),
                _ => {}
            }
        }
        let call = call.expect("`main` calls `create(…)`");
        let lets: Vec<&LetBinding> = lets.iter().collect();
        let at = self.file.byte_span(call.span()).start;
        self.lower(&call.args[0], &lets, &[], Some("main"), at)
    }
}

#[test]
fn a_literal_is_its_text() {
    assert_eq!(
        resolved(r#"fn main() { create(w!("Local\\App")) }"#),
        [r" => Local\App"]
    );
}

#[test]
fn consts_and_statics_are_followed_through_each_other() {
    let source = r#"
        const PREFIX: &str = "Global\\";
        static NAME: &str = concat!(PREFIX, "App");
        fn main() { create(NAME) }
    "#;
    assert_eq!(resolved(source), [r" => Global\App"]);
}

#[test]
fn a_let_and_a_format_are_read_with_their_run_time_parts() {
    let source = r#"
        const APP: &str = "App";
        fn main() {
            let name = format!("Local\\{APP}-{}", std::process::id());
            create(&name)
        }
    "#;
    assert_eq!(resolved(source), [r" => Local\App-{the process id}"]);
}

#[test]
fn a_function_returns_its_argument_in_its_name() {
    let source = r#"
        fn key(app: &str) -> String { format!("Local\\{app}.lock") }
        fn main() { create(key("Tool")) }
    "#;
    assert_eq!(resolved(source), [r" => Local\Tool.lock"]);
}

#[test]
fn env_reads_the_package() {
    let source = r#"
        fn main() { create(concat!("Local\\", env!("CARGO_PKG_NAME"), "-", env!("CARGO_PKG_VERSION"))) }
    "#;
    assert_eq!(resolved(source), [r" => Local\app-1.2.3"]);
}

#[test]
fn each_cfg_alternative_is_a_name() {
    let source = r#"
        #[cfg(test)]
        const NAME: &str = "Local\\Test";
        #[cfg(not(test))]
        const NAME: &str = "Local\\App";
        fn main() { create(NAME) }
    "#;
    assert_eq!(
        resolved(source),
        [r"test => Local\Test", r"not(test) => Local\App"]
    );
}

#[test]
fn a_random_part_makes_the_name_unique() {
    let source = r#"
        fn main() { create(&format!("Local\\App-{}", uuid::Uuid::new_v4())) }
    "#;
    assert_eq!(resolved(source), [r#" => Unique("a UUID")"#]);
}

#[test]
fn what_objlint_cannot_prove_is_unknown() {
    // A value read at run time, and consts that name each other.
    let source = r"
        fn main() {
            let name = std::env::args().nth(1).unwrap();
            create(&name)
        }
    ";
    assert_eq!(resolved(source), [" => Unknown"]);
    let source = r"
        const A: &str = B;
        const B: &str = A;
        fn main() { create(A) }
    ";
    assert_eq!(resolved(source), [" => Unknown"]);
}

/// How the argument `main` passes to `create(…)` in `source` is built (see `NameIr::shape`).
fn shape(source: &str) -> Option<String> {
    let file = SourceFile::new(FILE, source.to_owned());
    let syntax = syn::parse_file(file.parse_text()).expect("the test's source parses");
    let package = stand_in(Path::new(FILE));
    let place = crates::place_of(&package, Path::new(FILE));
    let uses = UseMap::new(place.library.clone(), place.members.clone());
    let here = Written {
        file: &file,
        module_path: &place.module_path,
        uses: &uses,
    };
    let main = syntax.items.iter().find_map(|item| match item {
        syn::Item::Fn(main) if main.sig.ident == "main" => Some(main),
        _ => None,
    });
    here.argument(main.expect("the test's source has a `fn main`"))
        .shape()
}

#[test]
fn names_built_alike_have_one_shape() {
    let probe = r#"
        const PREFIX: &str = "\\\\.\\pipe\\lane-";
        fn main() { let lane = next(); let name = format!("{}{}", PREFIX, lane); create(&name) }
    "#;
    let server = r#"
        const PREFIX: &str = "\\\\.\\pipe\\lane-";
        fn main() { let slot = read(); create(&format!("{PREFIX}{slot}")) }
    "#;
    assert_eq!(shape(probe), shape(server));
    assert!(shape(probe).is_some());
    let other =
        r#"fn main() { let slot = read(); create(&format!("\\\\.\\pipe\\route-{}", slot)) }"#;
    assert_ne!(shape(probe), shape(other));
}

#[test]
fn a_shape_needs_a_written_part_and_no_unique_one() {
    assert_eq!(
        shape(r"fn main() { let name = read(); create(&name) }"),
        None
    );
    let random = r#"fn main() { create(&format!("\\\\.\\pipe\\x-{}-{}", uuid::Uuid::new_v4(), std::process::id())) }"#;
    assert_eq!(shape(random), None);
}
