//! objlint finds Win32 named kernel objects (file mappings, mutexes, events) whose name another
//! program may already use, and creations whose `ERROR_ALREADY_EXISTS` outcome goes unchecked.
//!
//! The pipeline, one module per stage: [`project`] (discovery) → [`scan`] (read, prefilter)
//! → parse (syn) → [`creations`] (calls to the [`catalogue`]'s APIs, names resolved by
//! [`names`]) → [`lints`] → [`policy`] (suppressions, levels, baselines) → [`report`]; [`check`]
//! runs the stages over files and packages.
//! objlint reads source text only; it never builds or runs the code it checks.
//!
//! This file is the façade the binary and the tests call; no module of the crate imports it.

pub mod catalogue;
pub(crate) mod check;
pub(crate) mod cli;
pub(crate) mod creations;
pub mod fix;
pub mod lints;
pub mod names;
pub mod policy;
pub(crate) mod project;
pub mod report;
pub mod scan;
pub(crate) mod write;

pub use crate::check::error::FileError;
pub use crate::check::outcome::{FileReport, Report};
pub use crate::check::pool::{set_jobs, PARSER_STACK};
pub use crate::check::{check_paths, check_paths_with, check_source, check_source_with};
pub use crate::cli::run;
