//! What the user decides about findings: the configuration, suppressions and baselines.

pub(crate) mod alternatives;
pub(crate) mod baseline;
pub mod config;
pub(crate) mod finish;
pub(crate) mod suppress;
