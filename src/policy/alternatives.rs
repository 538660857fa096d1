//! One finding for the `cfg` alternatives of a call's name: the same flaw at the same place,
//! with the same fix, reported under the name a release build uses and the others in notes.

use std::collections::HashMap;

use crate::lints::diagnostic::{escaped, quoted, Diagnostic, OtherAlternative};
use crate::names::{Build, CfgAlternative};
use crate::scan::source::ByteSpan;

/// The findings of one lint at one place about different `cfg` alternatives of the name, made
/// one: it names the alternative a release build with the package's default features compiles
/// outside tests (else one options objlint does not know decide, else one other features
/// compile, else a development build's; the first written among equals),
/// and a note gives each other alternative's `cfg` and name. The rest stay as they are, in
/// their order.
pub fn merge(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    type Place = (&'static str, ByteSpan, Option<usize>);
    let mut slots: Vec<Vec<Diagnostic>> = Vec::with_capacity(diagnostics.len());
    let mut slot_of: HashMap<Place, usize> = HashMap::new();
    for diagnostic in diagnostics {
        if diagnostic.alternative.is_some() {
            // A context file's findings shown in a checked file (at each alternative's
            // literal, such as two `#[cfg]` calls that set a `OnceCell` static) are one too,
            // shown at the literal of the alternative the finding names.
            let place = (
                diagnostic.lint.name,
                diagnostic.primary.span,
                diagnostic.shown_at.map(|(file, _)| file),
            );
            if let Some(&slot) = slot_of.get(&place) {
                slots[slot].push(diagnostic);
                continue;
            }
            slot_of.insert(place, slots.len());
        }
        slots.push(vec![diagnostic]);
    }
    slots.into_iter().filter_map(merged).collect()
}

/// The findings of one slot as one.
fn merged(mut findings: Vec<Diagnostic>) -> Option<Diagnostic> {
    let build = |finding: &Diagnostic| finding.alternative.as_ref().map(|cfg| cfg.build);
    let shown = (0..findings.len()).min_by_key(|&at| build(&findings[at]))?;
    let mut diagnostic = findings.remove(shown);
    if let Some(own) = &diagnostic.alternative {
        if let Some(note) = own_note(own) {
            diagnostic.notes.push(note);
        }
    }
    for other in findings {
        let Some(cfg) = other.alternative else {
            continue;
        };
        let predicate = escaped(&cfg.predicate);
        diagnostic.notes.push(match &other.object_name {
            Some(name) => format!("in builds with `{predicate}` the name is {}", quoted(name)),
            None => format!("the same holds in builds with `{predicate}`"),
        });
        diagnostic.other_alternatives.push(OtherAlternative {
            cfg,
            object_name: other.object_name,
        });
    }
    Some(diagnostic)
}

/// What a finding about one `cfg` alternative says of it: nothing for the release build's
/// name, the program users run.
fn own_note(own: &CfgAlternative) -> Option<String> {
    let predicate = escaped(&own.predicate);
    let which = match own.build {
        Build::Release => return None,
        Build::Undecided => "; each `cfg` alternative is checked",
        Build::OtherFeatures => ", which a build with the default features does not compile",
        Build::Debug => ", which release builds do not compile",
        Build::Test => ", which only tests compile",
    };
    Some(format!(
        "this is the name under `#[cfg({predicate})]`{which}"
    ))
}

#[cfg(test)]
mod tests {
    use super::merge;
    use crate::lints::diagnostic::Diagnostic;
    use crate::lints::NON_UNIQUE_OBJECT_NAME;
    use crate::names::CfgAlternative;
    use crate::scan::source::ByteSpan;

    fn finding(name: &str, cfg: Option<&str>, at: usize) -> Diagnostic {
        let mut diagnostic = Diagnostic::new(
            &NON_UNIQUE_OBJECT_NAME,
            ByteSpan::new(at, at + 4),
            format!("name `{name}`"),
            String::new(),
        )
        .with_object_name(name.to_owned());
        diagnostic.alternative = cfg.map(|cfg| CfgAlternative::new(cfg.to_owned(), None));
        diagnostic
    }

    /// Each merged finding's message and notes, in order.
    fn shown(diagnostics: &[Diagnostic]) -> Vec<(String, Vec<String>)> {
        diagnostics
            .iter()
            .map(|diagnostic| (diagnostic.message.clone(), diagnostic.notes.clone()))
            .collect()
    }

    #[test]
    fn alternatives_at_one_place_are_one_finding_naming_the_release_one() {
        let merged = merge(vec![
            finding("App.test", Some("test"), 10),
            finding("App.dev", Some("debug_assertions"), 10),
            finding("Other", None, 20),
            finding("App", Some("not(any(test, debug_assertions))"), 10),
            finding("Elsewhere", Some("test"), 30),
        ]);
        assert_eq!(
            shown(&merged),
            [
                (
                    "name `App`".to_owned(),
                    vec![
                        "in builds with `test` the name is `App.test`".to_owned(),
                        "in builds with `debug_assertions` the name is `App.dev`".to_owned(),
                    ]
                ),
                ("name `Other`".to_owned(), vec![]),
                (
                    "name `Elsewhere`".to_owned(),
                    vec![
                        "this is the name under `#[cfg(test)]`, which only tests compile"
                            .to_owned()
                    ]
                ),
            ]
        );
        assert_eq!(merged[0].other_alternatives.len(), 2);
    }
}
