//! Planning the renames: the literals each name is written in, and which renames are safe.

use std::collections::HashSet;

use super::blockers::find_blockers;
use super::rename::{Blocker, Edit, FixPlan, Rename};
use super::texts::{place, Texts};
use crate::catalogue::apis::ObjectKind;
use crate::check::outcome::NameUse;
use crate::check::outcome::Report;
use crate::lints::diagnostic::Applicability;
use crate::lints::{self, Level};
use crate::names::unique;

/// Plans the renames for every `non_unique_object_name` finding the report shows.
pub fn plan(report: &Report) -> FixPlan {
    let mut targets: Vec<(String, String)> = Vec::new();
    for file in &report.files {
        for diagnostic in &file.diagnostics {
            if *diagnostic.lint != lints::NON_UNIQUE_OBJECT_NAME || diagnostic.level == Level::Allow
            {
                continue;
            }
            // A finding about a name's `cfg` alternatives is about each of their names: all
            // are renamed, so that no build keeps a name without a unique part.
            let alternatives = diagnostic
                .other_alternatives
                .iter()
                .filter_map(|other| other.object_name.as_ref());
            for name in diagnostic.object_name.iter().chain(alternatives) {
                if !targets.iter().any(|(known, _)| known == name) {
                    targets.push((name.clone(), file.package.name.clone()));
                }
            }
        }
    }
    let uses: Vec<&NameUse> = report.files.iter().flat_map(|file| &file.uses).collect();
    let texts = Texts::of(report);
    let renames: Vec<Rename> = targets
        .into_iter()
        .map(|(old, package)| plan_rename(&old, &package, &uses, &texts))
        .collect();
    let mut plan = FixPlan { renames };
    find_blockers(&mut plan, &report.root, &texts);
    plan
}

/// Sets each `non_unique_object_name` suggestion's applicability from the plan: machine
/// applicable when its rename is safe.
pub fn mark_applicability(report: &mut Report, plan: &FixPlan) {
    for file in &mut report.files {
        for diagnostic in &mut file.diagnostics {
            let Some(name) = &diagnostic.object_name else {
                continue;
            };
            let safe = plan
                .renames
                .iter()
                .any(|rename| &rename.old == name && rename.is_safe());
            for help in &mut diagnostic.helps {
                if let Some(suggestion) = &mut help.suggestion {
                    suggestion.applicability = if safe {
                        Applicability::MachineApplicable
                    } else {
                        Applicability::MaybeIncorrect
                    };
                }
            }
        }
    }
}

fn plan_rename(old: &str, package: &str, uses: &[&NameUse], texts: &Texts) -> Rename {
    let guid = unique::suggested_guid(package, old);
    let suffix = format!("-{guid}");
    let kind = uses
        .iter()
        .find(|use_| use_.value == old)
        .map_or(ObjectKind::Mutex, |use_| use_.kind);
    let mut rename = Rename {
        old: old.to_owned(),
        proper: unique::split_object_name(kind, old).1.to_owned(),
        new: format!("{old}{suffix}"),
        edits: Vec::new(),
        blockers: Vec::new(),
    };
    let mut seen = HashSet::new();
    for use_ in uses.iter().filter(|use_| use_.value == old) {
        let Some((path, span)) = use_.literals.last() else {
            continue;
        };
        // A name composed at run time (`format!("Local\\App-{}", …)`) gets the GUID in the
        // literal part the suggestion names, its template, and the placeholders stay: the name
        // then holds a GUID whatever the rest is. Whether every other use of the name is
        // composed the same way objlint cannot prove, so the rename is unsafe.
        if !use_.single_literal {
            let (line, column) = place(texts.get(path).unwrap_or_default(), span.start);
            rename.blockers.push(Blocker {
                path: path.clone(),
                line,
                column,
                why: "the name is composed at run time: the GUID goes into this literal, and objlint cannot prove that every other use of the name is composed the same way".to_owned(),
            });
        }
        if !seen.insert((path.clone(), span.start)) {
            continue;
        }
        let Some(text) = texts.get(path) else {
            continue;
        };
        let original = &text[span.start..span.end];
        let Some(replacement) = unique::append_to_literal(original, &suffix) else {
            continue;
        };
        rename.edits.push(Edit {
            path: path.clone(),
            start: span.start,
            end: span.end,
            original: original.to_owned(),
            replacement,
        });
    }
    rename
}
