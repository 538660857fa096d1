//! Suppressions written in the checked source, and the findings they hide.
//!
//! Three forms, all read from the same parsed file the lints ran on:
//!
//! - `// objlint: allow(<lint>, …) -- reason` at the end of a line covers the innermost statement
//!   or item that line belongs to; on a line of its own it covers the statement or item that
//!   starts on the next line that is not a comment (so several such comments can be stacked);
//! - `// objlint: allow-file(<lint>, …) -- reason` anywhere covers the whole file;
//! - `#[cfg_attr(objlint, allow(objlint::<lint>, reason = "…"))]` covers the item, `impl`,
//!   statement, expression, match arm or field it is on (an inner `#![…]` its whole module or
//!   file).
//!
//! A suppression is used when it covers a finding of its lint before levels apply. One that
//! covers nothing, names an unknown lint or cannot be read is an `unused_suppression` finding.

use std::ops::RangeInclusive;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit, Meta, Token};

use crate::diagnostic::Diagnostic;
use crate::lints::{self, unused_suppression, Lint};
use crate::source::{ByteSpan, SourceFile};

/// The suppressions of one file, and the problems found while reading them.
#[derive(Debug, Default)]
pub struct Suppressions {
    entries: Vec<Suppression>,
    /// Unknown lint names and unreadable `objlint:` comments, already as findings.
    problems: Vec<Diagnostic>,
}

#[derive(Debug)]
struct Suppression {
    lint: &'static Lint,
    scope: Scope,
    /// Where the lint's name is written in the comment or attribute.
    span: ByteSpan,
    has_reason: bool,
}

#[derive(Debug)]
enum Scope {
    File,
    /// 1-based lines, inclusive.
    Lines(RangeInclusive<usize>),
    /// The bytes of the node an attribute is on.
    Node(ByteSpan),
}

/// Reads every suppression of a parsed file.
pub fn collect(file: &SourceFile, syntax: &syn::File) -> Suppressions {
    let mut collector = Collector {
        file,
        owners: Vec::new(),
        nodes: Vec::new(),
        suppressions: Suppressions::default(),
    };
    collector.visit_file(syntax);
    let Collector {
        nodes,
        mut suppressions,
        ..
    } = collector;
    if file.text.contains("objlint:") {
        let literals = literal_spans(file, syntax);
        read_comments(file, &literals, &nodes, &mut suppressions);
    }
    suppressions
}

impl Suppressions {
    /// Drops the findings a suppression covers, and adds an `unused_suppression` finding for
    /// every suppression that covered none. With `require_reason`, a suppression without a
    /// reason hides nothing: the finding stays, with a note saying why.
    pub fn apply(
        self,
        diagnostics: Vec<Diagnostic>,
        file: &SourceFile,
        require_reason: bool,
    ) -> Vec<Diagnostic> {
        let Suppressions { entries, problems } = self;
        let mut used = vec![false; entries.len()];
        let mut kept = Vec::with_capacity(diagnostics.len());
        for diagnostic in diagnostics {
            let covering = covering(&entries, &diagnostic, file);
            if covering.is_empty() {
                kept.push(diagnostic);
                continue;
            }
            for &index in &covering {
                used[index] = true;
            }
            if !require_reason || covering.iter().any(|&index| entries[index].has_reason) {
                continue;
            }
            let line = file.line_column(entries[covering[0]].span.start).line;
            kept.push(diagnostic.with_note(format!(
                "the suppression on line {line} gives no reason, and this project requires one \
                 (`require-suppression-reason`): add `-- <reason>` to the comment, or \
                 `reason = \"…\"` to the attribute"
            )));
        }

        let mut unused = problems;
        for (suppression, used) in entries.iter().zip(&used) {
            if *used || suppression.lint.name == unused_suppression::LINT.name {
                continue;
            }
            let code = format!("objlint::{}", suppression.lint.name);
            let label = match suppression.scope {
                Scope::File => format!("no `{code}` finding in this file"),
                Scope::Lines(_) => format!("no `{code}` finding in the code it covers"),
                Scope::Node(_) => format!("no `{code}` finding in the code this attribute is on"),
            };
            unused.push(
                Diagnostic::new(
                    &unused_suppression::LINT,
                    suppression.span,
                    format!("the suppression of `{code}` suppresses nothing"),
                    label,
                )
                .with_help(format!("remove `{}` from it", suppression.lint.name), None),
            );
        }
        // `unused_suppression` findings can be suppressed too, by name.
        unused.retain(|diagnostic| {
            covering(&entries, diagnostic, file)
                .iter()
                .all(|&index| require_reason && !entries[index].has_reason)
        });
        unused.sort_by_key(|diagnostic| diagnostic.primary.span);
        kept.extend(unused);
        kept
    }
}

/// The indices of the suppressions of `diagnostic`'s lint that cover its primary span.
fn covering(entries: &[Suppression], diagnostic: &Diagnostic, file: &SourceFile) -> Vec<usize> {
    let span = diagnostic.primary.span;
    let line = file.line_column(span.start).line;
    entries
        .iter()
        .enumerate()
        .filter(|(_, suppression)| suppression.lint.name == diagnostic.lint.name)
        .filter(|(_, suppression)| match &suppression.scope {
            Scope::File => true,
            Scope::Lines(lines) => lines.contains(&line),
            Scope::Node(node) => node.contains(span),
        })
        .map(|(index, _)| index)
        .collect()
}

/// Walks the file once for the two syntax facts suppressions need: the lines of every
/// statement and item (which a comment covers), and the `cfg_attr(objlint, allow(…))`
/// attributes with the node each is on.
struct Collector<'a> {
    file: &'a SourceFile,
    /// The nodes being visited that can carry attributes, innermost last: when syn visits an
    /// attribute, the last one is the node the attribute belongs to.
    owners: Vec<ByteSpan>,
    /// First and last line of every statement, item and match arm.
    nodes: Vec<(usize, usize)>,
    suppressions: Suppressions,
}

impl Collector<'_> {
    fn enter(&mut self, node: &impl Spanned, is_statement: bool) {
        let span = self.file.byte_span(node.span());
        if is_statement {
            let first = self.file.line_column(span.start).line;
            let last = self.file.line_column(span.end).line;
            self.nodes.push((first, last));
        }
        self.owners.push(span);
    }

    fn leave(&mut self) {
        self.owners.pop();
    }
}

macro_rules! owner_visits {
    ($($method:ident($type:ty) => $walk:path, $is_statement:expr;)*) => {
        $(
            fn $method(&mut self, node: &'ast $type) {
                self.enter(node, $is_statement);
                $walk(self, node);
                self.leave();
            }
        )*
    };
}

impl<'ast> Visit<'ast> for Collector<'_> {
    owner_visits! {
        visit_item(syn::Item) => visit::visit_item, true;
        visit_impl_item(syn::ImplItem) => visit::visit_impl_item, true;
        visit_trait_item(syn::TraitItem) => visit::visit_trait_item, true;
        visit_foreign_item(syn::ForeignItem) => visit::visit_foreign_item, true;
        visit_stmt(syn::Stmt) => visit::visit_stmt, true;
        visit_arm(syn::Arm) => visit::visit_arm, true;
        visit_expr(syn::Expr) => visit::visit_expr, false;
        visit_field(syn::Field) => visit::visit_field, false;
        visit_field_value(syn::FieldValue) => visit::visit_field_value, false;
        visit_variant(syn::Variant) => visit::visit_variant, false;
    }

    fn visit_attribute(&mut self, attribute: &'ast syn::Attribute) {
        let scope = self
            .owners
            .last()
            .map_or(Scope::File, |&node| Scope::Node(node));
        read_attribute(self.file, attribute, &scope, &mut self.suppressions);
    }
}

/// Reads `#[cfg_attr(objlint, allow(objlint::<lint>, …, reason = "…"))]`; any other attribute
/// is not a suppression.
fn read_attribute(
    file: &SourceFile,
    attribute: &syn::Attribute,
    scope: &Scope,
    suppressions: &mut Suppressions,
) {
    if !attribute.path().is_ident("cfg_attr") {
        return;
    }
    let Ok(arguments) = attribute.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
    else {
        return;
    };
    let mut arguments = arguments.into_iter();
    if !arguments
        .next()
        .is_some_and(|predicate| predicate.path().is_ident("objlint"))
    {
        return;
    }
    for argument in arguments {
        let Meta::List(list) = argument else { continue };
        if !list.path.is_ident("allow") {
            continue;
        }
        let Ok(items) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
        else {
            suppressions.problems.push(unreadable(
                file.byte_span(list.span()),
                "this `allow(…)` is not a list of lints",
            ));
            continue;
        };
        let has_reason = items.iter().any(|item| match item {
            Meta::NameValue(pair) if pair.path.is_ident("reason") => matches!(
                &pair.value,
                Expr::Lit(syn::ExprLit { lit: Lit::Str(reason), .. }) if !reason.value().trim().is_empty()
            ),
            _ => false,
        });
        for item in &items {
            let Meta::Path(path) = item else { continue };
            let mut segments = path
                .segments
                .iter()
                .map(|segment| segment.ident.to_string());
            if segments.next().as_deref() != Some("objlint") {
                continue;
            }
            let name = segments.collect::<Vec<_>>().join("::");
            let span = file.byte_span(path.span());
            add(suppressions, &name, span, clone_scope(scope), has_reason);
        }
    }
}

fn clone_scope(scope: &Scope) -> Scope {
    match scope {
        Scope::File => Scope::File,
        Scope::Lines(lines) => Scope::Lines(lines.clone()),
        Scope::Node(node) => Scope::Node(*node),
    }
}

/// Records a suppression of lint `name`, or an unknown-lint finding.
fn add(
    suppressions: &mut Suppressions,
    name: &str,
    span: ByteSpan,
    scope: Scope,
    has_reason: bool,
) {
    match lints::by_name(name) {
        Some(lint) => suppressions.entries.push(Suppression {
            lint,
            scope,
            span,
            has_reason,
        }),
        None => suppressions.problems.push(
            Diagnostic::new(
                &unused_suppression::LINT,
                span,
                format!("unknown lint `{name}` in a suppression"),
                "objlint has no lint of this name".to_owned(),
            )
            .with_help(
                format!(
                    "a misspelt name suppresses nothing; {}",
                    lints::unknown_lint_hint(name)
                ),
                None,
            ),
        ),
    }
}

fn unreadable(span: ByteSpan, label: &str) -> Diagnostic {
    Diagnostic::new(
        &unused_suppression::LINT,
        span,
        "objlint cannot read this suppression".to_owned(),
        label.to_owned(),
    )
    .with_help(
        "write `// objlint: allow(<lint>, …) -- <reason>`, `// objlint: allow-file(<lint>) -- \
         <reason>` or `#[cfg_attr(objlint, allow(objlint::<lint>, reason = \"…\"))]`"
            .to_owned(),
        None,
    )
}

/// The byte spans of every literal token: a `//` inside one starts no comment.
fn literal_spans(file: &SourceFile, syntax: &syn::File) -> Vec<ByteSpan> {
    fn walk(tokens: TokenStream, file: &SourceFile, acc: &mut Vec<ByteSpan>) {
        for token in tokens {
            match token {
                TokenTree::Literal(literal) => acc.push(file.byte_span(literal.span())),
                TokenTree::Group(group) => walk(group.stream(), file, acc),
                TokenTree::Ident(_) | TokenTree::Punct(_) => {}
            }
        }
    }
    let mut acc = Vec::new();
    walk(syntax.to_token_stream(), file, &mut acc);
    acc.sort_unstable();
    acc
}

fn inside_literal(literals: &[ByteSpan], offset: usize) -> bool {
    let index = literals.partition_point(|span| span.start <= offset);
    index > 0 && offset < literals[index - 1].end
}

/// Reads every `// objlint: …` line comment.
fn read_comments(
    file: &SourceFile,
    literals: &[ByteSpan],
    nodes: &[(usize, usize)],
    suppressions: &mut Suppressions,
) {
    let lines: Vec<(usize, &str)> = file
        .text
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line.trim_end_matches(['\n', '\r'])))
        })
        .collect();
    for (line_index, &(line_start, line)) in lines.iter().enumerate() {
        let Some(comment_at) = line
            .match_indices("//")
            .map(|(at, _)| at)
            .find(|&at| !inside_literal(literals, line_start + at))
        else {
            continue;
        };
        let comment = &line[comment_at + 2..];
        // Doc comments are documentation, not directives.
        if comment.starts_with(['/', '!']) {
            continue;
        }
        let Some(directive) = comment.trim_start().strip_prefix("objlint:") else {
            continue;
        };
        let directive_at = line_start + line.len() - directive.len();
        let line_number = line_index + 1;
        let is_trailing = !line[..comment_at].trim().is_empty();
        let comment_span = ByteSpan::new(line_start + comment_at, line_start + line.len());
        let Some(parsed) = parse_directive(directive) else {
            suppressions.problems.push(unreadable(
                comment_span,
                "not `allow(<lint>, …)` or `allow-file(<lint>, …)`, with an optional `-- <reason>`",
            ));
            continue;
        };
        let lines_covered = if parsed.whole_file {
            None
        } else if is_trailing {
            Some(innermost_containing(nodes, line_number))
        } else {
            Some(following_statement(&lines, nodes, line_index))
        };
        for (name, at) in parsed.names {
            let scope = lines_covered.clone().map_or(Scope::File, Scope::Lines);
            let span = ByteSpan::new(directive_at + at, directive_at + at + name.len());
            add(suppressions, name, span, scope, parsed.has_reason);
        }
    }
}

/// A parsed `allow(…) -- reason` or `allow-file(…) -- reason`: the lint names with their
/// offsets in the directive text.
struct Directive<'a> {
    whole_file: bool,
    names: Vec<(&'a str, usize)>,
    has_reason: bool,
}

fn parse_directive(directive: &str) -> Option<Directive<'_>> {
    let rest = directive.trim_start();
    let (whole_file, rest) = if let Some(rest) = rest.strip_prefix("allow-file") {
        (true, rest)
    } else {
        (false, rest.strip_prefix("allow")?)
    };
    let rest = rest.trim_start().strip_prefix('(')?;
    let close = rest.find(')')?;
    let list_at = directive.len() - rest.len();
    let mut names = Vec::new();
    let mut item_at = 0;
    for item in rest[..close].split(',') {
        let trimmed = item.trim();
        let name = trimmed.strip_prefix("objlint::").unwrap_or(trimmed);
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let at = list_at + item_at + item.find(name)?;
        names.push((name, at));
        item_at += item.len() + 1;
    }
    let after = rest[close + 1..].trim();
    let has_reason = match after.strip_prefix("--") {
        Some(reason) => !reason.trim().is_empty(),
        None if after.is_empty() => false,
        None => return None,
    };
    Some(Directive {
        whole_file,
        names,
        has_reason,
    })
}

/// For a comment at the end of `line`: the lines of the innermost statement or item holding it.
fn innermost_containing(nodes: &[(usize, usize)], line: usize) -> RangeInclusive<usize> {
    nodes
        .iter()
        .filter(|&&(first, last)| first <= line && line <= last)
        .min_by_key(|&&(first, last)| last - first)
        .map_or(line..=line, |&(first, last)| first..=last)
}

/// For a comment on a line of its own: the next line that is not a comment, with the whole of
/// the outermost statement or item starting there. A blank line ends the search, so a comment
/// separated from the code by one covers nothing.
fn following_statement(
    lines: &[(usize, &str)],
    nodes: &[(usize, usize)],
    comment_index: usize,
) -> RangeInclusive<usize> {
    let target = lines[comment_index + 1..]
        .iter()
        .position(|(_, text)| !text.trim_start().starts_with("//"))
        .map_or(lines.len() + 1, |offset| comment_index + 1 + offset + 1);
    let last = nodes
        .iter()
        .filter(|&&(first, _)| first == target)
        .map(|&(_, last)| last)
        .max()
        .unwrap_or(target);
    target..=last
}
