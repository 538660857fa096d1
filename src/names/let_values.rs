//! A `let`'s value where a name reads it: each of its `#[cfg]` alternatives, and the changes
//! made to a `let mut` before the site (a block of them under a `#[cfg]`: two alternatives).

use crate::names::forms::{has_terminator, is_terminator, map_literals};
use crate::names::ir::{Binding, BindingKind, Cfg, NameIr};
use crate::names::lower::Site;
use crate::names::mutations::{Mutation, MutationKind};
use crate::names::paths::starts_with_directory;
use crate::names::scope::LetBinding;

impl Site<'_> {
    /// The `let`s of `ident` under `#[cfg]`s, latest (at `position`) first, back to the last one
    /// without a `cfg`, or to what `ident` means before them all: each the value in the
    /// programs its `cfg` selects. An earlier one under the same `cfg` as a later one is
    /// shadowed in every program.
    pub(crate) fn cfg_alternatives(
        &self,
        path: &syn::Path,
        ident: &str,
        position: usize,
        depth: usize,
    ) -> NameIr {
        let mut alternatives: Vec<(Cfg, NameIr)> = Vec::new();
        let mut later: Vec<Cfg> = Vec::new();
        let otherwise = |later: &[Cfg]| match later {
            [one] => format!("not({one})"),
            many => format!("not(any({}))", many.join(", ")),
        };
        for (at, local) in self.lets[..=position].iter().enumerate().rev() {
            if local.name != ident {
                continue;
            }
            let one = Site {
                lets: &self.lets[..=at],
                ..*self
            };
            let Some(cfg) = &local.cfg else {
                // Unconditional: the value wherever none of the later `cfg`s holds.
                alternatives.push((otherwise(&later), one.path_without_cfg(path, depth + 1)));
                return NameIr::Alternatives(alternatives);
            };
            if later.contains(cfg) {
                continue;
            }
            alternatives.push((cfg.clone(), one.path_without_cfg(path, depth + 1)));
            later.push(cfg.clone());
            // `#[cfg(x)]` after `#[cfg(not(x))]`: every program has one of them.
            if later.contains(&format!("not({cfg})"))
                || cfg
                    .strip_prefix("not(")
                    .and_then(|rest| rest.strip_suffix(')'))
                    .is_some_and(|negated| later.iter().any(|other| other == negated))
            {
                return NameIr::Alternatives(alternatives);
            }
        }
        // Before every `let`: the parameter or item of that name, if any.
        let before = Site {
            lets: &self.lets[..self
                .lets
                .iter()
                .position(|local| local.name == ident)
                .unwrap_or(0)],
            ..*self
        };
        alternatives.push((otherwise(&later), before.path(path, depth + 1)));
        NameIr::Alternatives(alternatives)
    }

    /// The path read with the latest `let` of its name taken as it is, `cfg` or not.
    fn path_without_cfg(&self, path: &syn::Path, depth: usize) -> NameIr {
        let Some(local) = self.lets.last() else {
            return NameIr::Unknown;
        };
        let unconditional = LetBinding {
            cfg: None,
            ..(*local).clone()
        };
        let mut lets = self.lets[..self.lets.len() - 1].to_vec();
        lets.push(&unconditional);
        Site {
            lets: &lets,
            ..*self
        }
        .path(path, depth)
    }

    /// The value at this site of the `let` at `position`, whose initialiser `read` reads as
    /// things stand where it is written (as a whole name, or as a part of one).
    pub(crate) fn local_value(
        &self,
        position: usize,
        init: &syn::Expr,
        depth: usize,
        read: impl Fn(&Self, &syn::Expr, usize, Option<&Binding>) -> NameIr,
    ) -> NameIr {
        let local = self.lets[position];
        let binding = Binding {
            kind: BindingKind::Let,
            name: local.name.clone(),
        };
        let before = Site {
            lets: &self.lets[..position],
            at: local.at,
            loop_depth: local.loop_depth,
            ..*self
        };
        let initial = read(&before, init, depth + 1, Some(&binding));
        self.mutated(local, initial, depth, &binding)
    }

    /// A binding's value at this site: its initial value with the changes made before the
    /// site applied in order. A change objlint cannot follow, or any change after the site when
    /// a loop or closure around the site may run it again, makes the value unknown.
    fn mutated(
        &self,
        local: &LetBinding,
        initial: NameIr,
        depth: usize,
        binding: &Binding,
    ) -> NameIr {
        self.changed(&local.mutations, local, initial, depth, binding)
            .unwrap_or(NameIr::Unknown)
    }

    /// `value` with `mutations` applied; `None` once it is unknown.
    fn changed(
        &self,
        mutations: &[Mutation],
        local: &LetBinding,
        initial: NameIr,
        depth: usize,
        binding: &Binding,
    ) -> Option<NameIr> {
        let repeated = self.loop_depth > local.loop_depth;
        let mut value = initial;
        for mutation in mutations {
            if mutation.at >= self.at {
                if repeated {
                    return None;
                }
                continue;
            }
            // What the change reads, it reads as things stand where it is written.
            let there = Site {
                at: mutation.at,
                loop_depth: local.loop_depth,
                ..*self
            };
            value = match &mutation.kind {
                // Only a hasher is fed (see `names::hashes`).
                MutationKind::Opaque | MutationKind::Feed(_) => return None,
                MutationKind::Assign(expr) => there.lower_at(expr, depth + 1, Some(binding)),
                // A name read up to its first NUL: text appended after one is not part of it.
                MutationKind::Append(_) | MutationKind::Push(_) if has_terminator(&value) => {
                    return None
                }
                MutationKind::Append(expr) | MutationKind::Push(expr) if is_terminator(expr) => {
                    map_literals(value, |literal| literal.terminated = Some(true))
                }
                // `PathBuf::push` on a path in the user's directories: the part after a separator.
                MutationKind::Push(expr) if starts_with_directory(&value) => {
                    there.joined(value, expr, depth, Some(binding))
                }
                MutationKind::Append(expr) | MutationKind::Push(expr) => {
                    NameIr::Concat(vec![value, there.part(expr, depth + 1, Some(binding))])
                }
                // Read inside the block, the name is in its `cfg`'s programs only: not followed.
                MutationKind::Under(_, changes) if changes.iter().any(|c| c.at >= self.at) => {
                    return None
                }
                // Two programs: one without the block's changes (the name written first), one
                // with them.
                MutationKind::Under(cfg, changes) => {
                    let with = self
                        .changed(changes, local, value.clone(), depth, binding)
                        .unwrap_or(NameIr::Unknown);
                    NameIr::Alternatives(vec![(format!("not({cfg})"), value), (cfg.clone(), with)])
                }
            };
        }
        Some(value)
    }
}
