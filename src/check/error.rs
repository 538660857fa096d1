//! Why a file could not be checked.

use crate::scan::source::ByteSpan;

/// A file that could not be checked, with the place in it where syn gave one.
#[derive(Debug, Clone)]
pub struct FileError {
    pub message: String,
    pub span: Option<ByteSpan>,
}
