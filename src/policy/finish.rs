//! What happens to a file's findings after the lints: the configuration's names, the file's
//! suppressions, one finding for a name's `cfg` alternatives, and the levels.

use crate::lints::diagnostic::Diagnostic;
use crate::lints::{self, Level};
use crate::policy::alternatives;
use crate::policy::config::Config;
use crate::policy::suppress;
use crate::scan::source::SourceFile;

/// What happens to a file's findings after the lints: names the configuration accepts as unique
/// or declares shared with another program (`shared-names`) are dropped, then the suppressions
/// written in the file hide what they cover (and report themselves when they cover nothing),
/// then the findings about a call's `cfg` alternatives become one, then each finding gets its
/// level, at most `test-code-level` in test-only code and about names only development builds
/// compile, at most warn about the name of an object published to other users, and those at
/// allow are dropped.
pub fn finish(
    file: &SourceFile,
    mut diagnostics: Vec<Diagnostic>,
    config: &Config,
) -> Vec<Diagnostic> {
    diagnostics.retain(|diagnostic| {
        let name = diagnostic.object_name.as_deref();
        let lint = diagnostic.lint;
        let accepted = if *lint == lints::NON_UNIQUE_OBJECT_NAME {
            name.is_some_and(|name| config.accepts_as_unique(name) || config.is_shared_name(name))
        } else if *lint == lints::UNCHECKED_ALREADY_EXISTS
            || *lint == lints::SHARED_OBJECT_UNCHECKED
        {
            name.is_some_and(|name| config.is_shared_name(name))
        } else {
            false
        };
        !accepted
    });
    // A file can hold a suppression only if it says `objlint`; reading them parses at most the
    // items holding a finding (see `suppress::collect`), never a whole large file.
    if file.text.contains("objlint") {
        let suppressions = suppress::collect(file, &diagnostics);
        diagnostics = suppressions.apply(diagnostics, file, config.require_suppression_reason);
    }
    // After the names: each alternative's name is accepted or not on its own.
    diagnostics = alternatives::merge(diagnostics);
    let test_code_level = config.test_code_level();
    for diagnostic in &mut diagnostics {
        diagnostic.level = config.finding_level(diagnostic.lint);
        // The caps come last, after `-D`/`-W`/`-A`, `-D warnings` and `--warn-only`, and only
        // ever lower a level: a CI that runs with `-D warnings` does not fail on them.
        for (cap, note) in caps(diagnostic, test_code_level) {
            if diagnostic.level > cap {
                diagnostic.level = cap;
                if cap != Level::Allow {
                    diagnostic.notes.push(note);
                }
            }
        }
    }
    diagnostics.retain(|diagnostic| diagnostic.level != Level::Allow);
    // Findings come from several passes (creations, then the crate's name-passing functions,
    // then suppressions); a reader expects them in the order of the file, as rustc prints.
    diagnostics.sort_by_key(|diagnostic| diagnostic.primary.span.start);
    diagnostics
}

/// The highest levels a finding may have, each with the note that says why. A test's names
/// are the developers' (a name only tests or debug builds compile is development code as test
/// code is: a merged finding names a release build's alternative whenever one has the flaw
/// too), so at most `test-code-level`. A published object's name is one other programs open
/// by name: its creator chose it for them, and renaming it breaks them, so at most a warning.
fn caps(diagnostic: &Diagnostic, test_code_level: Level) -> Vec<(Level, String)> {
    let mut caps = Vec::new();
    let development_name = diagnostic
        .alternative
        .as_ref()
        .is_some_and(|alternative| alternative.build.is_development());
    if diagnostic.in_test_code || development_name {
        let what = if diagnostic.in_test_code {
            "this is test code"
        } else {
            "this name is development code"
        };
        caps.push((
            test_code_level,
            format!(
                "{what}: its findings are at most `{}` (`test-code-level`)",
                test_code_level.as_str()
            ),
        ));
    }
    if diagnostic.published {
        caps.push((
            Level::Warn,
            "the object is published: its security descriptor lets other users and programs \
             open it, so its name is one they open by name and this finding is at most a \
             warning; if the name must stay as it is, list it in `shared-names`"
                .to_owned(),
        ));
    }
    caps
}
