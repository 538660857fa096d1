//! Running the stages: a stream of files over paths, and one package stage by stage.

pub mod package;
pub(crate) mod pipeline;
