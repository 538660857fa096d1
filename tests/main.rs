//! The one integration test binary: fixtures with inline expectations and golden output, the
//! built CLI end to end, and the consistency of lints, docs, fixtures and README.

mod cli;
mod consistency;
mod fixtures;
mod support;
