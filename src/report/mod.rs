//! Renderers, one per output format. Only this module knows codespan-reporting and the JSON
//! shapes other tools read.

pub mod human;
pub mod json;

use crate::lints::Level;
use crate::Report;

/// Counts of findings by level, for the summary line and the exit status.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

impl Counts {
    pub fn of(report: &Report) -> Self {
        let mut counts = Counts::default();
        for diagnostic in report.diagnostics() {
            match diagnostic.level {
                Level::Deny => counts.errors += 1,
                Level::Warn => counts.warnings += 1,
                Level::Allow => {}
            }
        }
        counts
    }
}
