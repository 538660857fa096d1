//! A part rewritten by a method that keeps what it is ([`NameIr::Rewritten`]).

use super::{CallFrame, Parts};
use crate::names::cfg::Choices;
use crate::names::ir::{NameIr, ObjectName};
use crate::names::Resolver;

impl Resolver<'_> {
    /// A part's text rewritten (`sid.replace('-', "_")`): a value nobody can guess stays one,
    /// and predictable values stay predictable, shown as they were. Written text is not
    /// rewritten here, so a part with any is unknown.
    pub(super) fn collect_rewritten(
        &self,
        inner: &NameIr,
        parts: &mut Parts,
        depth: usize,
        frame: Option<&CallFrame<'_>>,
        choices: &mut Choices,
    ) -> Result<(), ObjectName> {
        let mut own = Parts {
            completing: parts.completing.clone(),
            ..Parts::default()
        };
        match self.collect(inner, &mut own, depth + 1, None, frame, choices) {
            Err(ObjectName::Unnamed) => return Err(ObjectName::Unknown),
            collected => collected?,
        }
        if let Some(unique) = own.unique {
            parts.unique.get_or_insert(unique);
            return Ok(());
        }
        // Only predictable values, each shown as `{…}`: no text the change would alter.
        let shown = own
            .predictable
            .iter()
            .fold(String::new(), |mut shown, what| {
                shown.push('{');
                shown.push_str(what);
                shown.push('}');
                shown
            });
        if own.predictable.is_empty() || own.value != shown || !own.set_by.is_empty() {
            return Err(ObjectName::Unknown);
        }
        parts.value.push_str(&own.value);
        parts.predictable.extend(own.predictable);
        parts.returned_by.extend(own.returned_by);
        Ok(())
    }
}
