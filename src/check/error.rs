//! Why a file could not be checked.

use std::fmt;

use crate::scan::read::ReadError;
use crate::scan::source::ByteSpan;

/// A file that could not be checked, with the place in it where there is one.
#[derive(Debug, Clone)]
pub enum FileError {
    /// The file could not be read, or is not UTF-8.
    Read(ReadError),
    /// proc-macro2 cannot split the text into tokens: a delimiter without its match, or a
    /// character no token starts with; `at` is where it stopped.
    Tokens { at: ByteSpan },
    /// syn cannot parse the tokens as a file; `message` is syn's (shown, never matched on).
    Syntax { message: String, at: ByteSpan },
    /// The text nests deeper than `limit` at `at`: parsing it could overflow the stack.
    TooDeep { limit: usize, at: ByteSpan },
}

impl FileError {
    /// The place in the file the error points at, when it has one.
    pub fn span(&self) -> Option<ByteSpan> {
        match self {
            FileError::Read(_) => None,
            FileError::Tokens { at }
            | FileError::Syntax { at, .. }
            | FileError::TooDeep { at, .. } => Some(*at),
        }
    }

    /// The error as a sentence, as every output format shows it.
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Read(error) => error.fmt(f),
            FileError::Tokens { .. } => {
                f.write_str("could not parse this file: unbalanced delimiter or invalid token")
            }
            FileError::Syntax { message, .. } => write!(f, "could not parse this file: {message}"),
            FileError::TooDeep { limit, .. } => write!(
                f,
                "could not parse this file: it nests deeper than objlint parses ({limit} levels of delimiters and operator chains)"
            ),
        }
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FileError::Read(error) => Some(error),
            _ => None,
        }
    }
}

impl From<ReadError> for FileError {
    fn from(error: ReadError) -> Self {
        FileError::Read(error)
    }
}
