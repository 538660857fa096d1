//! Reading a file and the lexical passes before parsing: the prefilter and spans.

pub mod mentions;
pub mod read;
pub mod source;
