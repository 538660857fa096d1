//! What the user decides about findings: the configuration, suppressions and baselines.

pub mod baseline;
pub mod config;
pub mod finish;
pub mod suppress;
