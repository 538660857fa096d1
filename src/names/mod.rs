//! Name resolution: what string does a name argument really denote, and where is its literal?
//!
//! Resolution runs in two steps. While a file is parsed, [`lower`] turns the name expression
//! into a [`NameIr`]: plain data, free of syn and of proc-macro2 spans, in which the forms real
//! code uses (`w!`, NUL-terminated pointers, `CString`, UTF-16 conversions, wrappers, helpers,
//! `let`s, `format!`, `concat!`, `env!`) are already understood and only paths to `const`s and
//! `static`s remain. Once every file of a package is read, [`Resolver`] follows those paths
//! through the package's [`ItemIndex`] and yields an [`ObjectName`].
//!
//! The resolver never guesses: whatever it cannot prove is [`ObjectName::Unknown`], which gives
//! no name finding.

pub(crate) mod build_time;
pub(crate) mod cfg;
mod fields;
pub(crate) mod forms;
pub(crate) mod globs;
mod hashes;
pub(crate) mod index;
pub(crate) mod ir;
pub(crate) mod let_values;
pub(crate) mod lower;
pub mod mandated;
pub(crate) mod mutations;
mod parts;
pub(crate) mod paths;
pub(crate) mod resolve;
pub(crate) mod returns;
pub(crate) mod scope;
pub(crate) mod sid;
pub(crate) mod strings;
pub mod unique;
pub(crate) mod unwrap;

#[cfg(test)]
mod tests;

pub use cfg::{Alternative, Build, CfgAlternative};
pub use globs::ModuleUses;
pub use index::{ItemIndex, ItemValue};
pub use ir::{
    Binding, BindingKind, Cfg, Composition, FileId, FnSignature, FunctionCall, ItemPath, KnownName,
    Literal, NameIr, ObjectName, OnceSet, ReturnedBy, RustString, SetCall, StrPointer,
    WRITTEN_GUID,
};
pub use resolve::{PackageFacts, Resolver, MAX_FUNCTION_LEVELS};
