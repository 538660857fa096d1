//! A field of a struct a `let` makes in the same function (`let endpoint = Endpoint { path: name
//! };` then `endpoint.path`): the value the struct literal gives the field.

use syn::Expr;

use crate::names::ir::NameIr;
use crate::names::lower::{Site, MAX_DEPTH};

impl Site<'_> {
    /// `base.member` where `base` is a `let` of a struct literal that names `member`. A field
    /// is known only when the binding never changes after its `let`: changes through a field
    /// (`endpoint.path.push_str(…)`) count as changes of the binding. A struct made anywhere
    /// else (another function, `Default`, a deserialiser) is not followed: unknown.
    pub(crate) fn field(&self, base: &Expr, member: &syn::Ident, depth: usize) -> NameIr {
        if depth > MAX_DEPTH {
            return NameIr::Unknown;
        }
        let base = match base {
            Expr::Paren(inner) => &*inner.expr,
            Expr::Reference(inner) => &*inner.expr,
            other => other,
        };
        let Expr::Path(path) = base else {
            return NameIr::Unknown;
        };
        let Some(ident) = path.path.get_ident() else {
            return NameIr::Unknown;
        };
        let Some(position) = self
            .lets
            .iter()
            .rposition(|local| *ident == local.name && local.at < self.at)
        else {
            return NameIr::Unknown;
        };
        let local = self.lets[position];
        if local.cfg.is_some() || local.local_key || !local.mutations.is_empty() {
            return NameIr::Unknown;
        }
        let Some(Expr::Struct(literal)) = &local.init else {
            return NameIr::Unknown;
        };
        let value = literal
            .fields
            .iter()
            .find(|field| matches!(&field.member, syn::Member::Named(named) if named == member));
        match value {
            Some(value) => self.local_value(position, &value.expr, depth, Self::lower_at),
            None => NameIr::Unknown,
        }
    }
}
