//! The resolver on hand-made lowered names: parameters, levels, agreeing returns, `cfg`s.

use super::*;
use crate::names::index::ItemValue;
use crate::project::crates::Crates;
use crate::scan::source::ByteSpan;

fn literal(value: &str) -> NameIr {
    NameIr::Literal(Literal {
        value: value.to_owned(),
        file: 0,
        span: ByteSpan::new(0, 0),
        macro_call: None,
        binding: None,
        terminated: None,
        unterminated_pointer: false,
        completed_by: None,
    })
}

fn item(ident: &str) -> ItemPath {
    ItemPath {
        segments: vec!["<lib>".to_owned(), ident.to_owned()],
        fallback: None,
        written: ident.to_owned(),
        called: false,
    }
}

fn function(value: NameIr) -> ItemValue {
    ItemValue {
        kind: BindingKind::Fn,
        value,
        defined_at: None,
        cfgs: Vec::new(),
        string_type: None,
    }
}

fn call(ident: &str, args: Vec<NameIr>) -> NameIr {
    NameIr::Call(Box::new(FunctionCall {
        function: ItemPath {
            called: true,
            ..item(ident)
        },
        args,
        otherwise: NameIr::Unknown,
    }))
}

/// Each name `resolve_all` gives, with its `cfg` predicate.
fn names(index: &ItemIndex, name: &NameIr) -> Vec<(Option<String>, String)> {
    let package = PackageFacts::default();
    let resolver = Resolver {
        items: index,
        package: &package,
    };
    resolver
        .resolve_all(name)
        .into_iter()
        .map(|alternative| {
            let shown = match &alternative.name {
                ObjectName::Known(known) => known.value.clone(),
                other => format!("{other:?}"),
            };
            (alternative.predicate(), shown)
        })
        .collect()
}

fn check(items: Vec<(&str, ItemValue)>, name: &NameIr, expected: &[(Option<&str>, &str)]) {
    let crates = Crates::of(&crate::project::package::stand_in(std::path::Path::new(
        "lib.rs",
    )));
    let mut index = ItemIndex::new(&crates);
    for (ident, value) in items {
        index.insert(item(ident).segments, value);
    }
    let expected: Vec<(Option<String>, String)> = expected
        .iter()
        .map(|(cfg, name)| (cfg.map(str::to_owned), (*name).to_owned()))
        .collect();
    assert_eq!(names(&index, name), expected, "resolving {name:?}");
}

#[test]
fn arguments_stand_for_parameters_and_levels_are_bounded() {
    let keyed = NameIr::Concat(vec![literal("Local\\"), NameIr::Param(0)]);
    let items = || {
        vec![
            ("keyed", function(keyed.clone())),
            ("one", function(call("two", vec![]))),
            ("two", function(call("three", vec![]))),
            ("three", function(call("four", vec![]))),
            ("four", function(literal("Deep"))),
        ]
    };
    check(
        items(),
        &call("keyed", vec![literal("App")]),
        &[(None, "Local\\App")],
    );
    // The caller's own parameter stays a parameter: the caller passes the name on.
    check(
        items(),
        &call("keyed", vec![NameIr::Param(1)]),
        &[(None, "Param(1)")],
    );
    check(items(), &call("two", vec![]), &[(None, "Deep")]);
    check(items(), &call("one", vec![]), &[(None, "Unknown")]);
}

#[test]
fn returns_must_agree() {
    let agreeing = NameIr::Returns(vec![literal("Same"), literal("Same")]);
    let disagreeing = NameIr::Returns(vec![literal("One"), literal("Other")]);
    check(vec![], &agreeing, &[(None, "Same")]);
    check(vec![], &disagreeing, &[(None, "Unknown")]);
}

#[test]
fn cfg_alternatives_are_each_a_name() {
    let cfg_item = |cfg: &str, value: &str| ItemValue {
        kind: BindingKind::Const,
        value: literal(value),
        defined_at: None,
        cfgs: vec![cfg.to_owned()],
        string_type: None,
    };
    let items = || {
        vec![
            ("NAME", cfg_item("test", "TestName")),
            ("NAME", cfg_item("not(test)", "AppName")),
            ("OTHER", cfg_item("test", "T")),
            ("OTHER", cfg_item("not(test)", "A")),
        ]
    };
    check(
        items(),
        &NameIr::Item(item("NAME")),
        &[(Some("test"), "TestName"), (Some("not(test)"), "AppName")],
    );
    // Two alternatives met twice: `test` with `not(test)` is no program.
    let both = NameIr::Concat(vec![NameIr::Item(item("NAME")), NameIr::Item(item("NAME"))]);
    check(
        items(),
        &both,
        &[
            (Some("test"), "TestNameTestName"),
            (Some("not(test)"), "AppNameAppName"),
        ],
    );
    // A name for Unix is none of a Win32 call's.
    let platforms = NameIr::Alternatives(vec![
        ("windows".to_owned(), literal(r"\\.\pipe\app")),
        ("unix".to_owned(), literal("/tmp/app.sock")),
        ("not(any(windows, unix))".to_owned(), NameIr::Unknown),
    ]);
    check(vec![], &platforms, &[(None, r"\\.\pipe\app")]);
    let linux = NameIr::Alternatives(vec![
        ("target_os = \"linux\"".to_owned(), literal("LinuxName")),
        (
            "all(test, not(target_family = \"windows\"))".to_owned(),
            literal("Other"),
        ),
    ]);
    check(vec![], &linux, &[(None, "Unknown")]);
    // Alternatives that make one name are that name, under no `cfg`.
    let same = NameIr::Alternatives(vec![
        ("test".to_owned(), literal("Same")),
        ("not(test)".to_owned(), literal("Same")),
    ]);
    check(vec![], &same, &[(None, "Same")]);
}
