//! Test-only code in a parsed file: items and statements under a `#[cfg]` that requires
//! `test`, and functions with a test attribute (`#[test]`, `#[tokio::test]`). A finding there
//! is capped at `test-code-level` (see [`crate::policy::finish`]): test code never ships.
//! Also the code of other systems: items, statements, expressions, match arms and closures
//! under a `#[cfg]` no Windows target satisfies (`unix`, `not(windows)`), which creates no
//! Windows object.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::attributed_nodes::for_attributed_nodes;
use crate::names::cfg::{excludes_windows_attrs, requires_test, runtime_cfg_on_windows};
use crate::names::scope::cfg_of;
use crate::scan::lexer::code_words;
use crate::scan::source::{ByteSpan, SourceFile};

/// The spans of `syntax`'s test-only code, outermost only, in source order.
pub fn spans(file: &SourceFile, syntax: &syn::File) -> Vec<ByteSpan> {
    // `#![cfg(test)]` at the top of a module's file: how a file whose declaration objlint
    // does not find (`#[path]`, an inline parent module) says it is test code. Read from the
    // text too, as a file parsed item by item may leave the file's attributes out of `syntax`.
    if is_test_only(&syntax.attrs) || is_test_only(&leading_inner_attributes(file.parse_text())) {
        return vec![ByteSpan::new(0, file.text.len())];
    }
    marked_spans(file, syntax, is_test_only)
}

/// The spans of `syntax`'s code for other systems than Windows, outermost only, in source
/// order: a `#![cfg(unix)]` file whole, or each node under such a `#[cfg]`.
pub fn other_systems_spans(file: &SourceFile, syntax: &syn::File) -> Vec<ByteSpan> {
    if excludes_windows_attrs(&syntax.attrs)
        || excludes_windows_attrs(&leading_inner_attributes(file.parse_text()))
    {
        return vec![ByteSpan::new(0, file.text.len())];
    }
    let mut finder = MarkedCode {
        file,
        marked: excludes_windows_attrs,
        spans: Vec::new(),
        runtime_cfg: true,
    };
    finder.visit_file(syntax);
    finder.spans
}

/// The spans of the outermost nodes of `syntax` whose attributes are `marked`.
fn marked_spans(
    file: &SourceFile,
    syntax: &syn::File,
    marked: fn(&[syn::Attribute]) -> bool,
) -> Vec<ByteSpan> {
    let mut finder = MarkedCode {
        file,
        marked,
        spans: Vec::new(),
        runtime_cfg: false,
    };
    finder.visit_file(syntax);
    finder.spans
}

/// The `#[cfg]` a module is declared under, as far as the lints care.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModuleCfg {
    /// The module is test code whole.
    pub test_only: bool,
    /// No Windows program has the module (`#[cfg(unix)] mod unix;`): it creates no Windows
    /// object, whatever it calls.
    pub not_windows: bool,
}

/// Whether `parent` (a module's file) declares its child module `module` with `mod module;`,
/// and if so under which `#[cfg]`.
pub fn declares_module(parent: &SourceFile, module: &str) -> Option<ModuleCfg> {
    if !parent.text.contains(module) {
        return None;
    }
    let skeleton = parent.skeleton();
    if skeleton.unbalanced {
        return None;
    }
    skeleton.items.iter().find_map(|item| {
        let text = parent.slice(item.span);
        if !code_words(text).any(|word| word == "mod") {
            return None;
        }
        if !text.trim_end().ends_with(';') {
            return declared_in_cfg_if(text, module);
        }
        let declared = syn::parse_str::<syn::ItemMod>(text).ok()?;
        declared_cfg(&declared, module, &[])
    })
}

/// The `#[cfg]` of `module` declared by `declared`, whose enclosing `cfg`s are `outer`.
fn declared_cfg(
    declared: &syn::ItemMod,
    module: &str,
    outer: &[syn::Attribute],
) -> Option<ModuleCfg> {
    if declared.ident != module || declared.content.is_some() {
        return None;
    }
    let mut attrs = outer.to_vec();
    attrs.extend(declared.attrs.iter().cloned());
    Some(ModuleCfg {
        test_only: is_test_only(&attrs),
        not_windows: excludes_windows_attrs(&attrs),
    })
}

/// The `#[cfg]` of `module` declared inside a `cfg_if!` invocation (`text`): its own, and its
/// branch's (`if #[cfg(unix)] { mod unix; } else { mod windows; }`, an `else` branch holding
/// where no earlier branch's does).
fn declared_in_cfg_if(text: &str, module: &str) -> Option<ModuleCfg> {
    let invocation = syn::parse_str::<syn::ItemMacro>(text).ok()?;
    if invocation
        .mac
        .path
        .segments
        .last()
        .is_none_or(|last| last.ident != "cfg_if")
    {
        return None;
    }
    let CfgIfBranches(branches) = invocation.mac.parse_body().ok()?;
    let mut earlier: Vec<syn::Attribute> = Vec::new();
    for (predicate, items) in branches {
        let mut outer = earlier.clone();
        if let Some(predicate) = &predicate {
            outer.push(syn::parse_quote!(#[cfg(#predicate)]));
        }
        let found = items.iter().find_map(|item| match item {
            syn::Item::Mod(declared) => declared_cfg(declared, module, &outer),
            _ => None,
        });
        if found.is_some() {
            return found;
        }
        let Some(predicate) = predicate else { break };
        earlier.push(syn::parse_quote!(#[cfg(not(#predicate))]));
    }
    None
}

/// The branches of a `cfg_if!` invocation: each `cfg` predicate (`None` for the final `else`)
/// and the items under it.
struct CfgIfBranches(Vec<(Option<proc_macro2::TokenStream>, Vec<syn::Item>)>);

impl syn::parse::Parse for CfgIfBranches {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let mut branches = Vec::new();
        loop {
            let predicate = if input.peek(syn::Token![if]) {
                input.parse::<syn::Token![if]>()?;
                let attrs = input.call(syn::Attribute::parse_outer)?;
                let [attr] = attrs.as_slice() else {
                    return Err(input.error("one `#[cfg]` per branch"));
                };
                Some(attr.meta.require_list()?.tokens.clone())
            } else {
                None
            };
            let content;
            syn::braced!(content in input);
            let mut items = Vec::new();
            while !content.is_empty() {
                items.push(content.parse::<syn::Item>()?);
            }
            let last = predicate.is_none();
            branches.push((predicate, items));
            if last || !input.peek(syn::Token![else]) {
                return Ok(Self(branches));
            }
            input.parse::<syn::Token![else]>()?;
        }
    }
}

/// Whether `attrs` make what they are on test-only code: a `#[cfg]` that holds only in tests,
/// or a test attribute, any path whose last segment is `test` (`#[test]`, `#[tokio::test]`,
/// `#[sqlx::test]`), as test frameworks name theirs.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    cfg_of(attrs).is_some_and(|cfg| requires_test(&cfg))
        || attrs.iter().any(|attr| {
            attr.path()
                .segments
                .last()
                .is_some_and(|segment| segment.ident == "test")
        })
}

/// The inner attributes (`#![…]`) a file's text starts with, after comments.
fn leading_inner_attributes(text: &str) -> Vec<syn::Attribute> {
    let mut rest = text;
    let mut attrs = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(comment) = rest.strip_prefix("//") {
            rest = comment.split_once('\n').map_or("", |(_, after)| after);
            continue;
        }
        if let Some(comment) = rest.strip_prefix("/*") {
            rest = comment.split_once("*/").map_or("", |(_, after)| after);
            continue;
        }
        let Some(end) = rest
            .strip_prefix("#!")
            .and_then(|after| Some(2 + bracketed_len(after)?))
        else {
            return attrs;
        };
        let Ok(parsed) = syn::parse::Parser::parse_str(syn::Attribute::parse_inner, &rest[..end])
        else {
            return attrs;
        };
        attrs.extend(parsed);
        rest = &rest[end..];
    }
}

/// The length of the `[…]` `text` starts with (after spaces), up to its closing bracket.
fn bracketed_len(text: &str) -> Option<usize> {
    let start = text.len() - text.trim_start().len();
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for (at, character) in text[start..].char_indices() {
        match character {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(start + at + 1);
                }
            }
            _ if at == 0 => return None,
            _ => {}
        }
    }
    None
}

struct MarkedCode<'a> {
    file: &'a SourceFile,
    marked: fn(&[syn::Attribute]) -> bool,
    spans: Vec<ByteSpan>,
    /// Whether the branch of an `if cfg!(…)` no Windows target takes is marked too: code for
    /// other systems is often chosen at run time (`if cfg!(unix) { … }`), which the compiler
    /// keeps but a Windows program never runs.
    runtime_cfg: bool,
}

impl MarkedCode<'_> {
    /// Marks the branch of `node` a Windows program never takes, when its condition is a
    /// `cfg!(…)` of the target alone; whether `node` was handled so.
    fn runtime_cfg_branch(&mut self, node: &syn::ExprIf) -> bool {
        let Some(on_windows) = self.runtime_cfg.then(|| runtime_cfg_on_windows(&node.cond)) else {
            return false;
        };
        match (on_windows, &node.else_branch) {
            (Some(false), else_branch) => {
                self.spans
                    .push(self.file.byte_span(node.then_branch.span()));
                if let Some((_, otherwise)) = else_branch {
                    self.visit_expr(otherwise);
                }
                true
            }
            (Some(true), Some((_, otherwise))) => {
                self.visit_block(&node.then_branch);
                self.spans.push(self.file.byte_span(otherwise.span()));
                true
            }
            _ => false,
        }
    }
}

/// For each node that can hold a call and carries attributes: its span when they are
/// `marked` (nothing inside needs visiting then), else the nodes inside it.
macro_rules! span_when_marked {
    ($($method:ident($node:ty) => $walk:path;)*) => {
        $(
            fn $method(&mut self, node: &'ast $node) {
                if (self.marked)(&node.attrs) {
                    self.spans.push(self.file.byte_span(node.span()));
                } else {
                    $walk(self, node);
                }
            }
        )*
    };
}

impl<'ast> Visit<'ast> for MarkedCode<'_> {
    fn visit_expr_if(&mut self, node: &'ast syn::ExprIf) {
        if (self.marked)(&node.attrs) {
            self.spans.push(self.file.byte_span(node.span()));
        } else if !self.runtime_cfg_branch(node) {
            visit::visit_expr_if(self, node);
        }
    }

    for_attributed_nodes!(span_when_marked);
}
