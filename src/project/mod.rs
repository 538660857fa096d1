//! Which files and packages a run checks: the walk, manifests, workspaces and crates.
//! `package` is the vocabulary; `manifest` and `targets` read it from `Cargo.toml`,
//! `workspace` and `packages` find the package of a directory, `crates` the crate of a file.

pub mod crates;
pub mod discover;
pub mod manifest;
pub mod package;
pub mod packages;
pub mod targets;
pub mod workspace;
