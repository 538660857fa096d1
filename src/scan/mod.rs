//! Reading a file and the lexical passes before parsing: text and spans (`source`, a leaf),
//! the lexer, the item skeleton, and the prefilter (`mentions`).

pub mod lexer;
pub mod mentions;
pub mod read;
pub mod skeleton;
pub mod source;
