//! Lowering the macros a name is written with: string macros (`w!`, `s!`, `h!`), `env!`,
//! `option_env!`, `concat!` and `format!` templates.

use std::collections::HashMap;

use syn::{Expr, Lit};

use crate::names::build_time::option_env;
use crate::names::forms::{template_pieces, TemplatePiece, FORMAT_MACROS, NON_LITERAL_MACROS};
use crate::names::ir::{Binding, Literal, NameIr};
use crate::names::lower::Site;

impl Site<'_> {
    pub(super) fn macro_name(
        &self,
        mac: &syn::Macro,
        depth: usize,
        binding: Option<&Binding>,
    ) -> NameIr {
        let Some(name) = mac
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string())
        else {
            return NameIr::Unknown;
        };
        match name.as_str() {
            "env" => {
                return match mac.parse_body::<syn::LitStr>() {
                    Ok(variable) => NameIr::Env(variable.value()),
                    Err(_) => NameIr::Unknown,
                }
            }
            "option_env" => return option_env(mac),
            "concat" => return self.concat(mac, depth, binding),
            _ if FORMAT_MACROS.contains(&name.as_str()) => return self.format(mac, depth, binding),
            _ if NON_LITERAL_MACROS.contains(&name.as_str()) => return NameIr::Unknown,
            _ => {}
        }
        match mac.parse_body::<Lit>() {
            Ok(lit) => self.literal(&lit, binding, Some(mac)),
            // `w!(concat!(…))`: the string macro's argument is itself an expression.
            Err(_) => match mac.parse_body::<Expr>() {
                Ok(inner @ Expr::Macro(_)) => self.lower_at(&inner, depth + 1, binding),
                _ => NameIr::Unknown,
            },
        }
    }

    fn concat(&self, mac: &syn::Macro, depth: usize, binding: Option<&Binding>) -> NameIr {
        let Ok(args) = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        else {
            return NameIr::Unknown;
        };
        NameIr::Concat(
            args.iter()
                .map(|arg| self.lower_at(arg, depth + 1, binding))
                .collect(),
        )
    }

    /// `format!("Global\\{}-{pid}", NAME)`: the template's text pieces are literals (all with the
    /// template's span, so a fix appends to the template), its placeholders the arguments.
    fn format(&self, mac: &syn::Macro, depth: usize, binding: Option<&Binding>) -> NameIr {
        let Ok(args) = mac
            .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        else {
            return NameIr::Unknown;
        };
        let mut args = args.into_iter();
        let Some(Expr::Lit(syn::ExprLit {
            lit: Lit::Str(template),
            ..
        })) = args.next()
        else {
            return NameIr::Unknown;
        };
        let mut positional = Vec::new();
        let mut named = HashMap::new();
        for arg in args {
            match arg {
                Expr::Assign(assign) => {
                    if let Expr::Path(path) = &*assign.left {
                        if let Some(ident) = path.path.get_ident() {
                            named.insert(ident.to_string(), *assign.right);
                        }
                    }
                }
                other => positional.push(other),
            }
        }
        let Some(pieces) = template_pieces(&template.value()) else {
            return NameIr::Unknown;
        };
        let span = self.file.byte_span(template.span());
        let mut parts = Vec::new();
        let mut next_positional = 0;
        for piece in pieces {
            match piece {
                TemplatePiece::Text(text) => parts.push(NameIr::Literal(Literal {
                    // The `String` ends where the template's text does: a NUL only if written.
                    terminated: Some(text.contains('\0')),
                    value: text,
                    file: self.file_id,
                    span,
                    macro_call: None,
                    binding: binding.cloned(),
                    unterminated_pointer: false,
                    completed_by: None,
                })),
                TemplatePiece::Placeholder(reference) => {
                    let argument = if reference.is_empty() {
                        next_positional += 1;
                        positional.get(next_positional - 1).cloned()
                    } else if let Ok(index) = reference.parse::<usize>() {
                        positional.get(index).cloned()
                    } else if let Some(expr) = named.get(&reference) {
                        Some(expr.clone())
                    } else {
                        // An inline capture: `{name}` reads the variable `name`.
                        syn::parse_str::<syn::Ident>(&reference).ok().map(|ident| {
                            Expr::Path(syn::ExprPath {
                                attrs: Vec::new(),
                                qself: None,
                                path: ident.into(),
                            })
                        })
                    };
                    let Some(argument) = argument else {
                        return NameIr::Unknown;
                    };
                    parts.push(self.part(&argument, depth + 1, binding));
                }
            }
        }
        NameIr::Concat(parts)
    }
}
