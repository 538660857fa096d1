//! The integration test binary (the fixtures have their own, `tests/fixtures.rs`): the
//! built CLI end to end, configuration, suppressions, baselines, the output formats, the
//! pre-commit hook under the real pre-commit, the README's CI recipes run, and the consistency of
//! lints, docs, fixtures and README.

mod baseline;
mod cli;
mod config;
mod consistency;
mod editor;
mod fix;
mod hostile;
mod lint_docs;
mod output;
mod precommit;
mod properties;
mod readme;
mod recipes;
mod structure;
mod support;
mod suppressions;
