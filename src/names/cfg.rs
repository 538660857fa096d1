//! The `cfg` alternatives of a name: which combination a resolution takes next, which
//! combinations no Windows program can be built under, the names a resolution gives under
//! them, and which builds compile each one.

use std::collections::HashSet;

use crate::names::ir::{Cfg, ObjectName, SetCall};

/// The features a package's default build enables (`[features] default`, with the features
/// those enable), as its manifest says.
pub type DefaultFeatures = HashSet<String>;

/// One `cfg` alternative of a name: the predicate under which it is the name, as written in
/// `#[cfg(…)]`, and the builds that compile it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfgAlternative {
    pub predicate: Cfg,
    pub build: Build,
}

impl CfgAlternative {
    /// The alternative under `predicate`, in a package whose default build enables `features`
    /// (`None`: unknown, as for a file outside any package).
    pub fn new(predicate: Cfg, features: Option<&DefaultFeatures>) -> Self {
        let build = Build::of(&predicate, features);
        Self { predicate, build }
    }
}

/// One name of a creation, and the `cfg`s under which it is the name: each list is one
/// combination, all of whose `cfg`s hold. No `cfg` at all when the name has no alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub cfgs: Vec<Vec<Cfg>>,
    pub name: ObjectName,
    /// Whether one of `cfgs` is written in a workspace member (see [`Choices::member_cfg`]).
    pub member_cfg: bool,
}

impl Alternative {
    /// The `cfg` predicate under which this is the name, as written in `#[cfg(…)]`.
    pub fn predicate(&self) -> Option<String> {
        let all = |cfgs: &Vec<Cfg>| match cfgs.as_slice() {
            [one] => one.clone(),
            many => format!("all({})", many.join(", ")),
        };
        // A name some combination gives without any `cfg` (one of the values a `OnceCell`
        // static is set to) is the name whatever the `cfg`s.
        if self.cfgs.iter().any(Vec::is_empty) {
            return None;
        }
        match self.cfgs.as_slice() {
            [] => None,
            [one] => Some(all(one)),
            many => Some(format!(
                "any({})",
                many.iter().map(all).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// The `cfg` alternative this is, with the builds that compile it, in a package whose
    /// default build enables `features` (asked for only when a `feature` can decide it).
    pub fn cfg<'f>(
        &self,
        features: impl FnOnce() -> Option<&'f DefaultFeatures>,
    ) -> Option<CfgAlternative> {
        let predicate = self.predicate()?;
        // A member's features are those its dependents enable, which its own default set
        // does not tell either.
        let features = if predicate.contains("feature") && !self.member_cfg {
            features()
        } else {
            None
        };
        Some(CfgAlternative::new(predicate, features))
    }
}

/// Which builds of a Windows program compile code under a `cfg` predicate, as far as the
/// predicate tells. Ordered from the program users run to the one only tests build: the first
/// of several alternatives is the one a finding about them all names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Build {
    /// A release build outside tests, what users run: the predicate holds without `test` and
    /// `debug_assertions` (`not(debug_assertions)`, `not(test)`, `windows`).
    Release,
    /// Options objlint does not know decide it (an architecture, a feature of a package whose
    /// default features it does not know): it may be what users run.
    Undecided,
    /// Only builds with other features than the package's default ones (`feature = "dev"`
    /// where `dev` is not a default feature): builds that may ship, but not the default one.
    OtherFeatures,
    /// Only builds with `debug_assertions` (cargo's `dev` profile, tests included), which
    /// developers run: `debug_assertions`, `any(test, debug_assertions)`.
    Debug,
    /// Only tests (see [`requires_test`]).
    Test,
}

impl Build {
    /// The builds that compile code under `predicate`, in a package whose default build
    /// enables `features` (`None`: unknown). A feature decides only with the default ones
    /// known: code that a default release build leaves out but another choice of features
    /// compiles is [`Build::OtherFeatures`].
    pub fn of(predicate: &str, features: Option<&DefaultFeatures>) -> Self {
        let in_release = |key: &str, value: Option<&str>| match (key, value) {
            ("test" | "debug_assertions", None) => Some(false),
            _ => on_windows(key, value),
        };
        let in_default_release = |key: &str, value: Option<&str>| match (key, value, features) {
            ("feature", Some(feature), Some(features)) => Some(features.contains(feature)),
            _ => in_release(key, value),
        };
        match evaluate(predicate, &in_default_release) {
            Some(true) => Build::Release,
            None => Build::Undecided,
            Some(false) if evaluate(predicate, &in_release) != Some(false) => Build::OtherFeatures,
            Some(false) if requires_test(predicate) => Build::Test,
            Some(false) => Build::Debug,
        }
    }

    /// Whether only what developers build compiles it, never a release build: development
    /// code, whose findings are capped as test code's are.
    pub fn is_development(self) -> bool {
        matches!(self, Build::Debug | Build::Test)
    }
}

/// The `cfg` alternatives a resolution takes, and those it meets.
#[derive(Default)]
pub struct Choices {
    /// The option to take at each [`NameIr::Alternatives`] met, in order; past its end, the first.
    planned: Vec<usize>,
    /// How many options each one met had, in order.
    met: Vec<usize>,
    /// The `cfg`s of the options taken.
    pub cfgs: Vec<Cfg>,
    /// Whether the resolution is inside a workspace member's item now, whose `feature`s are
    /// the member's.
    pub in_member: bool,
    /// Whether a `cfg` taken is a workspace member's: the package's default features do not
    /// decide it.
    pub member_cfg: bool,
}

impl Choices {
    /// Choices that take the options `planned`, in order, then the first of each.
    pub fn planned(planned: Vec<usize>) -> Self {
        Self {
            planned,
            ..Self::default()
        }
    }

    /// Takes `cfg`, the one of the option taken.
    pub fn take_cfg(&mut self, cfg: &Cfg) {
        if !self.cfgs.contains(cfg) {
            self.cfgs.push(cfg.clone());
        }
        self.member_cfg |= self.in_member;
    }

    pub fn take(&mut self, options: usize) -> usize {
        let choice = self.planned.get(self.met.len()).copied().unwrap_or(0);
        self.met.push(options);
        choice
    }

    /// The plan for the next combination, after this one (`None`: every one was taken).
    pub fn next(&self) -> Option<Vec<usize>> {
        let taken: Vec<usize> = (0..self.met.len())
            .map(|at| self.planned.get(at).copied().unwrap_or(0))
            .collect();
        let last = (0..taken.len())
            .rev()
            .find(|&at| taken[at] + 1 < self.met[at])?;
        let mut next = taken[..last].to_vec();
        next.push(taken[last] + 1);
        Some(next)
    }

    /// Whether the `cfg`s taken cannot all hold in a Windows program, the only one a Win32
    /// name is used in: `test` with `not(test)`, or `unix`.
    pub fn contradictory(&self) -> bool {
        self.cfgs.iter().any(|cfg| {
            let negated = format!("not({cfg})");
            self.cfgs.contains(&negated) || excludes_windows(cfg)
        })
    }
}

/// The `cfg` under which `calls` set a value (`any(…)` of theirs), and whether one of
/// them is in a workspace member; `None` when one is under no `cfg`.
pub fn set_under(calls: &[&SetCall]) -> Option<(Cfg, bool)> {
    let mut cfgs: Vec<&Cfg> = Vec::new();
    let mut in_member = false;
    for call in calls {
        let cfg = call.cfg.as_ref()?;
        if !cfgs.contains(&cfg) {
            cfgs.push(cfg);
        }
        in_member |= call.in_member;
    }
    let cfg = match cfgs.as_slice() {
        [] => return None,
        [one] => (*one).clone(),
        many => format!(
            "any({})",
            many.iter()
                .map(|cfg| cfg.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some((cfg, in_member))
}

/// Whether a `cfg` predicate is false on every Windows target: `unix`, `not(windows)`,
/// `target_os = "linux"`, and `all`/`any`/`not` of such. What it cannot decide is taken as
/// possible.
pub fn excludes_windows(cfg: &str) -> bool {
    evaluate(cfg, &on_windows) == Some(false)
}

/// Whether no Windows program compiles what `attrs` are on: its `#[cfg]` (all of them) is
/// false on every Windows target. Calls there create no Windows object.
pub fn excludes_windows_attrs(attrs: &[syn::Attribute]) -> bool {
    cfg_of(attrs).is_some_and(|cfg| excludes_windows(&cfg))
}

/// The value of a `cfg!(…)` condition on every Windows target, read from the macro's tokens
/// (`!` in front negates it): `Some(false)` for `cfg!(unix)`, `Some(true)` for `!cfg!(unix)`,
/// `None` when it depends on more than the target (`cfg!(feature = "x")`).
pub fn runtime_cfg_on_windows(condition: &syn::Expr) -> Option<bool> {
    match condition {
        syn::Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Not(_)) => {
            runtime_cfg_on_windows(&unary.expr).map(|value| !value)
        }
        syn::Expr::Paren(paren) => runtime_cfg_on_windows(&paren.expr),
        syn::Expr::Macro(mac) if mac.mac.path.is_ident("cfg") => {
            evaluate(&normalise_cfg(&mac.mac.tokens.to_string()), &on_windows)
        }
        _ => None,
    }
}

/// The value of a `cfg` option on every Windows target (`None`: it depends on more).
fn on_windows(key: &str, value: Option<&str>) -> Option<bool> {
    match (key, value) {
        ("windows", None) => Some(true),
        ("unix" | "wasm", None)
        | ("target_vendor", Some("apple"))
        | ("target_arch", Some("wasm32" | "wasm64")) => Some(false),
        ("target_os", Some(os)) => Some(os == "windows"),
        ("target_family", Some(family)) => Some(family == "windows"),
        _ => None,
    }
}

/// Whether code under the `cfg` predicate is compiled only in tests: the predicate is false
/// whenever `test` is (`test`, `all(test, windows)`, `all(not(miri), test)`), whatever the
/// other options are.
pub fn requires_test(cfg: &str) -> bool {
    let without_test =
        |key: &str, value: Option<&str>| (key == "test" && value.is_none()).then_some(false);
    evaluate(cfg, &without_test) == Some(false)
}

/// The value of a `cfg` predicate where `option` gives the options it knows (`None`: unknown),
/// `all`/`any`/`not` of them included; `None` when the known options do not decide it.
fn evaluate(cfg: &str, option: &dyn Fn(&str, Option<&str>) -> Option<bool>) -> Option<bool> {
    let cfg = cfg.trim();
    let inner = |prefix: &str| {
        cfg.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(')'))
            .map(split_predicates)
    };
    if let Some(parts) = inner("not(") {
        return match parts.as_slice() {
            [one] => evaluate(one, option).map(|holds| !holds),
            _ => None,
        };
    }
    // `all` is decided by one part that does not hold, `any` by one that does; otherwise
    // only when every part is known.
    for (combinator, decisive) in [("all(", false), ("any(", true)] {
        if let Some(parts) = inner(combinator) {
            let values: Vec<Option<bool>> =
                parts.iter().map(|part| evaluate(part, option)).collect();
            if values.contains(&Some(decisive)) {
                return Some(decisive);
            }
            return values
                .iter()
                .all(|value| *value == Some(!decisive))
                .then_some(!decisive);
        }
    }
    let (key, value) = match cfg.split_once('=') {
        Some((key, value)) => (key.trim(), Some(value.trim().trim_matches('"'))),
        None => (cfg, None),
    };
    option(key, value)
}

/// The comma-separated predicates inside `all(…)`, `any(…)` or `not(…)`, nested ones whole.
fn split_predicates(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start, mut quoted) = (0usize, 0, false);
    for (at, character) in list.char_indices() {
        match character {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                parts.push(&list[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts.retain(|part| !part.trim().is_empty());
    parts
}

/// The `cfg` predicate of an item's or statement's attributes (`all(…)` of several), spaces
/// normalised: `#[cfg(not(test))]` gives `not(test)`.
pub fn cfg_of(attrs: &[syn::Attribute]) -> Option<Cfg> {
    let predicates: Vec<String> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .filter_map(|attr| attr.meta.require_list().ok())
        .map(|list| normalise_cfg(&list.tokens.to_string()))
        .collect();
    match predicates.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(format!("all({})", many.join(", "))),
    }
}

/// `not (test)` → `not(test)`, `any (a , b)` → `any(a, b)`: the text as people write it.
fn normalise_cfg(tokens: &str) -> String {
    tokens
        .replace(" (", "(")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
}

#[cfg(test)]
mod tests {
    use super::{excludes_windows, requires_test, Build, DefaultFeatures};

    #[test]
    fn other_systems_cfgs_exclude_windows() {
        for cfg in [
            "unix",
            "not(windows)",
            "target_os = \"linux\"",
            "target_family = \"wasm\"",
            "target_arch = \"wasm32\"",
            "any(target_os = \"macos\", target_os = \"ios\")",
            "all(unix, feature = \"ipc\")",
            "not(any(windows, feature = \"ipc\"))",
        ] {
            assert!(excludes_windows(cfg), "`{cfg}` never holds on Windows");
        }
        for cfg in [
            "windows",
            "any(windows, unix)",
            "feature = \"ipc\"",
            "not(unix)",
            "target_arch = \"x86_64\"",
            "any(unix, feature = \"ipc\")",
        ] {
            assert!(!excludes_windows(cfg), "`{cfg}` may hold on Windows");
        }
    }

    #[test]
    fn each_predicate_belongs_to_the_builds_that_compile_it() {
        for (cfg, build) in [
            ("not(debug_assertions)", Build::Release),
            ("not(test)", Build::Release),
            ("all(windows, not(debug_assertions))", Build::Release),
            ("not(any(test, debug_assertions))", Build::Release),
            ("feature = \"beta\"", Build::Undecided),
            ("not(feature = \"beta\")", Build::Undecided),
            ("any(debug_assertions, feature = \"dev\")", Build::Undecided),
            ("debug_assertions", Build::Debug),
            ("any(test, debug_assertions)", Build::Debug),
            ("all(debug_assertions, feature = \"dev\")", Build::Debug),
            ("test", Build::Test),
            ("all(test, debug_assertions)", Build::Test),
            ("all(test, windows)", Build::Test),
        ] {
            assert_eq!(Build::of(cfg, None), build, "`{cfg}`");
        }
    }

    #[test]
    fn the_default_features_decide_which_build_is_the_release_one() {
        let features: DefaultFeatures = ["tray".to_owned()].into();
        for (cfg, build) in [
            ("not(feature = \"beta\")", Build::Release),
            ("feature = \"tray\"", Build::Release),
            ("all(windows, feature = \"tray\")", Build::Release),
            ("feature = \"beta\"", Build::OtherFeatures),
            ("not(feature = \"tray\")", Build::OtherFeatures),
            (
                "any(debug_assertions, feature = \"beta\")",
                Build::OtherFeatures,
            ),
            (
                "all(feature = \"tray\", target_arch = \"x86\")",
                Build::Undecided,
            ),
            ("all(debug_assertions, feature = \"beta\")", Build::Debug),
            ("all(test, feature = \"tray\")", Build::Test),
        ] {
            assert_eq!(Build::of(cfg, Some(&features)), build, "`{cfg}`");
        }
    }

    #[test]
    fn test_only_cfgs_are_those_false_without_test() {
        for cfg in [
            "test",
            "all(test, windows)",
            "all(not(miri), test)",
            "all(any(test, doc), test)",
        ] {
            assert!(requires_test(cfg), "`{cfg}` holds only in tests");
        }
        for cfg in [
            "not(test)",
            "any(test, debug_assertions)",
            "windows",
            "all(windows, not(test))",
            "test = \"x\"",
        ] {
            assert!(!requires_test(cfg), "`{cfg}` can hold outside tests");
        }
    }
}
