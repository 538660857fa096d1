//! `cargo-objlint`: run as `cargo objlint` or directly.

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(objlint::run(std::env::args_os()).code())
}
