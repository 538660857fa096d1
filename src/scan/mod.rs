//! Reading a file and the lexical passes before parsing: text and spans (`source`, a leaf),
//! the lexer, the item skeleton, and the prefilter (`mentions`).

pub(crate) mod lexer;
pub(crate) mod mentions;
pub(crate) mod read;
pub(crate) mod skeleton;
pub mod source;
