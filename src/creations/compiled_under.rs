//! The `#[cfg]` a call is compiled under: the predicates of the items, statements and
//! expressions around it. Two calls that set one `OnceCell` static under `#[cfg(feature = "x")]`
//! and `#[cfg(not(feature = "x"))]` are alternative programs, as two `#[cfg]` consts are.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::attributed_nodes::for_attributed_nodes;
use crate::names::scope::cfg_of;
use crate::names::Cfg;
use crate::scan::source::{ByteSpan, SourceFile};

/// The nodes of `syntax` under a `#[cfg]`, each with its predicate, outer ones first.
pub struct CfgCode {
    spans: Vec<(ByteSpan, Cfg)>,
}

impl CfgCode {
    pub fn of(file: &SourceFile, syntax: &syn::File) -> Self {
        let mut finder = CfgFinder {
            file,
            spans: Vec::new(),
        };
        finder.visit_file(syntax);
        Self {
            spans: finder.spans,
        }
    }

    /// The `cfg` of the code `call` is in: `all(…)` of every predicate around it, outer first;
    /// `None` when none is.
    pub fn around(&self, call: ByteSpan) -> Option<Cfg> {
        let predicates: Vec<&str> = self
            .spans
            .iter()
            .filter(|(span, _)| span.contains(call))
            .map(|(_, cfg)| cfg.as_str())
            .collect();
        match predicates.as_slice() {
            [] => None,
            [one] => Some((*one).to_owned()),
            many => Some(format!("all({})", many.join(", "))),
        }
    }
}

struct CfgFinder<'a> {
    file: &'a SourceFile,
    spans: Vec<(ByteSpan, Cfg)>,
}

/// For each node that can hold a call and carries attributes: its span and predicate when it
/// has a `#[cfg]`, then the nodes inside it.
macro_rules! record_cfg {
    ($($method:ident($node:ty) => $walk:path;)*) => {
        $(
            fn $method(&mut self, node: &'ast $node) {
                if let Some(cfg) = cfg_of(&node.attrs) {
                    self.spans.push((self.file.byte_span(node.span()), cfg));
                }
                $walk(self, node);
            }
        )*
    };
}

impl<'ast> Visit<'ast> for CfgFinder<'_> {
    record_cfg! {
        visit_expr_if(syn::ExprIf) => visit::visit_expr_if;
    }

    for_attributed_nodes!(record_cfg);
}
