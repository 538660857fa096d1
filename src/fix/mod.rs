//! `--fix`: renames every object whose name has no unique part — at each literal the name is
//! written in, and at every other creation and opener of the same name in the workspace — and
//! rewrites files so that nothing but those literals' bytes changes.
//!
//! A rename is *safe* when every place the name appears is one objlint proved to be a use of
//! the object (a creation or an opener whose name is that literal). Where the name also appears
//! elsewhere — another string, a test, a document — objlint cannot know whether it is the same
//! object, so the rename is applied only with `--fix-unsafe`, as ruff separates unsafe fixes.
//! So is a rename whose new name already appears: it would make two objects one.

mod apply;
mod blockers;
mod plan;
mod rename;
mod texts;

pub use apply::{apply, apply_to_text, diff, lines_past_rustfmt_width, FileOutcome};
pub use plan::{mark_applicability, plan};
pub use rename::{chosen_edits, Blocker, Edit, FixPlan, Rename};
