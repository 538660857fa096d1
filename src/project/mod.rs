//! Which files and packages a run checks: the walk, manifests, workspaces and crates.

pub mod crates;
pub mod discover;
pub mod workspace;
