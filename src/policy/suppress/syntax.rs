//! `#[cfg_attr(objlint, allow(…))]` attributes and the lines of statements and items, read from
//! the items that hold a finding (parsed again, as the lints parsed them) and, for attributes
//! elsewhere, from each attribute alone.

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit, Meta, Token};

use crate::policy::suppress::suppression::{add, unreadable, Scope, Suppressions};
use crate::scan::lexer::{group_end, is_word_byte, push_blanking_comments, CodeCursor};
use crate::scan::skeleton::MAX_NESTING;
use crate::scan::skeleton::{Item, Piece};
use crate::scan::source::{ByteSpan, SourceFile};

/// What suppressions need from the syntax of the items that were parsed: the lines of every
/// statement and item (the skeleton's for the items that were not), and the spans parsed
/// (whose attributes have been read already).
pub struct SyntaxFacts {
    pub nodes: Vec<(usize, usize)>,
    pub parsed: Vec<ByteSpan>,
}

impl SyntaxFacts {
    pub fn read(
        file: &SourceFile,
        finding_starts: &[usize],
        sites: &[usize],
        suppressions: &mut Suppressions,
    ) -> Self {
        let items = items_to_read(file, finding_starts);
        let lines: Vec<(usize, usize)> = items
            .iter()
            .map(|item| {
                (
                    file.line_number(item.span.start),
                    file.line_number(item.span.end.saturating_sub(1).max(item.span.start)),
                )
            })
            .collect();
        let chosen = chosen_items(&items, &lines, finding_starts, sites);
        let mut facts = SyntaxFacts {
            nodes: Vec::new(),
            parsed: Vec::new(),
        };
        let selection: Vec<Item> = items
            .iter()
            .zip(&chosen)
            .filter_map(|(item, &chosen)| chosen.then_some(*item))
            .collect();
        if !selection.is_empty() {
            facts.parse(file, &selection, suppressions);
        }
        // The items not parsed cover their own lines; no finding is on them.
        for (index, item) in items.iter().enumerate() {
            if chosen[index] {
                continue;
            }
            match item.piece {
                Piece::Whole | Piece::Inner { .. } => facts.nodes.push(lines[index]),
                Piece::Open => {
                    let close = items[index..]
                        .iter()
                        .position(|other| other.piece == Piece::Close { open: index })
                        .map_or(index, |offset| index + offset);
                    facts.nodes.push((lines[index].0, lines[close].1));
                }
                Piece::Close { .. } => {}
            }
        }
        facts.parsed.sort_unstable();
        facts
    }

    /// Parses `selection` (items, and blocks with the inner items chosen) and reads it; if that
    /// text does not parse, each item or block alone, skipping those that do not.
    fn parse(&mut self, file: &SourceFile, selection: &[Item], suppressions: &mut Suppressions) {
        let read = |group: &[Item], this: &mut Self, suppressions: &mut Suppressions| {
            let parsed =
                syn::parse_file(&file.masked_parse_text(group.iter().map(|item| item.span)));
            let ok = if let Ok(syntax) = parsed {
                let mut collector = Collector {
                    file,
                    owners: Vec::new(),
                    nodes: std::mem::take(&mut this.nodes),
                    suppressions: std::mem::take(suppressions),
                };
                collector.visit_file(&syntax);
                this.nodes = collector.nodes;
                *suppressions = collector.suppressions;
                this.parsed.extend(group.iter().map(|item| item.span));
                true
            } else {
                false
            };
            proc_macro2::extra::invalidate_current_thread_spans();
            ok
        };
        if read(selection, self, suppressions) || selection.len() == 1 {
            return;
        }
        // The groups: a whole item, or a block's opening, chosen inner items and closing.
        let mut start = 0;
        while start < selection.len() {
            let end = if selection[start].piece == Piece::Open {
                selection[start..]
                    .iter()
                    .position(|item| matches!(item.piece, Piece::Close { .. }))
                    .map_or(selection.len(), |offset| start + offset + 1)
            } else {
                start + 1
            };
            read(&selection[start..end], self, suppressions);
            start = end;
        }
    }
}

/// Whether `span` holds one of the `sorted` offsets.
fn holds(sorted: &[usize], span: ByteSpan) -> bool {
    let index = sorted.partition_point(|&offset| offset < span.start);
    sorted.get(index).is_some_and(|&offset| offset < span.end)
}

/// The file's items as the lints split it: the skeleton's items, with the large blocks that
/// hold a finding in pieces.
fn items_to_read(file: &SourceFile, finding_starts: &[usize]) -> Vec<Item> {
    let skeleton = file.skeleton();
    if skeleton.unbalanced {
        // The lints parsed such a file whole (it has findings only if that parse worked).
        return vec![Item {
            span: ByteSpan::new(file.bom_len(), file.text.len()),
            depth: skeleton.depth,
            piece: Piece::Whole,
        }];
    }
    let base = file.text.as_ptr() as usize;
    file.split_blocks(skeleton.items, |block| {
        let start = block.as_ptr() as usize - base;
        holds(finding_starts, ByteSpan::new(start, start + block.len()))
    })
}

/// Which of `items` (whose first and last lines are `lines`) to parse: those holding a
/// finding, those holding a suppression (a line of `sites`) on a line shared with an item
/// holding a finding, and the blocks around the inner items chosen.
fn chosen_items(
    items: &[Item],
    lines: &[(usize, usize)],
    finding_starts: &[usize],
    sites: &[usize],
) -> Vec<bool> {
    let has_finding: Vec<bool> = items
        .iter()
        .map(|item| holds(finding_starts, item.span))
        .collect();
    let shares_a_line = |index: usize, other: Option<usize>| {
        other.is_some_and(|other| {
            other < items.len()
                && has_finding[other]
                && lines[index].0 <= lines[other].1
                && lines[other].0 <= lines[index].1
        })
    };
    let mut chosen: Vec<bool> = (0..items.len())
        .map(|index| {
            let (first, last) = lines[index];
            let holds_site = {
                let at = sites.partition_point(|&line| line < first);
                sites.get(at).is_some_and(|&line| line <= last)
            };
            items[index].depth <= MAX_NESTING
                && (has_finding[index]
                    || holds_site
                        && (shares_a_line(index, index.checked_sub(1))
                            || shares_a_line(index, Some(index + 1))))
        })
        .collect();
    // An inner item is parsed inside its block, as the lints parsed it.
    for index in 0..items.len() {
        match items[index].piece {
            Piece::Inner { open } if chosen[index] => chosen[open] = true,
            _ => {}
        }
    }
    for index in 0..items.len() {
        if let Piece::Close { open } = items[index].piece {
            chosen[index] = chosen[open];
        }
    }
    chosen
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

/// Every `#[cfg_attr(…)]` and `#![cfg_attr(…)]` in code, with whether it is inner: found
/// lexically, so that those in items not parsed can be read alone.
pub fn attribute_spans(file: &SourceFile) -> Vec<(ByteSpan, bool)> {
    let text = file.parse_text();
    let bytes = text.as_bytes();
    let mut cursor = CodeCursor::new(text);
    let mut acc = Vec::new();
    let mut searched_to = 0;
    for hit in memchr::memmem::find_iter(bytes, b"cfg_attr") {
        if hit < searched_to
            || hit
                .checked_sub(1)
                .is_some_and(|before| is_word_byte(bytes[before]))
            || bytes.get(hit + 8).is_some_and(|&after| is_word_byte(after))
            || !cursor.is_code(hit)
        {
            continue;
        }
        let before = text[..hit].trim_end();
        let Some(before) = before.strip_suffix('[') else {
            continue;
        };
        let open = before.len();
        let before = before.trim_end();
        let (before, inner) = match before.strip_suffix('!') {
            Some(before) => (before.trim_end(), true),
            None => (before, false),
        };
        let Some(before) = before.strip_suffix('#') else {
            continue;
        };
        let Some(end) = group_end(text, open) else {
            continue;
        };
        searched_to = end;
        let base = file.bom_len();
        acc.push((ByteSpan::new(base + before.len(), base + end), inner));
    }
    acc
}

/// Reads the attributes outside the parsed items, each alone. An inner attribute before the
/// file's first item covers the file; any other covers an item with no finding.
pub fn read_lone_attributes(
    file: &SourceFile,
    attributes: &[(ByteSpan, bool)],
    parsed: &[ByteSpan],
    suppressions: &mut Suppressions,
) {
    let mut file_level_to = file.bom_len();
    for &(span, inner) in attributes {
        let between = &file.text[file_level_to.min(span.start)..span.start];
        let mut code = String::new();
        push_blanking_comments(&mut code, between);
        let file_level = inner && file_level_to <= span.start && code.trim().is_empty();
        if file_level {
            file_level_to = span.end;
        }
        let index = parsed.partition_point(|parsed| parsed.start <= span.start);
        if index > 0 && parsed[index - 1].contains(span) {
            continue;
        }
        // The attribute alone, as if it started the text: its spans are moved back after.
        let alone = SourceFile::new(file.path(), file.text[span.start..span.end].to_owned());
        let parser = if inner {
            syn::Attribute::parse_inner
        } else {
            syn::Attribute::parse_outer
        };
        let Ok(attributes) = syn::parse::Parser::parse_str(parser, alone.parse_text()) else {
            continue;
        };
        let scope = if file_level {
            Scope::File
        } else {
            Scope::Node(span)
        };
        let mut read = Suppressions::default();
        for attribute in &attributes {
            read_attribute(&alone, attribute, &scope, &mut read);
        }
        proc_macro2::extra::invalidate_current_thread_spans();
        let moved = |at: ByteSpan| ByteSpan::new(span.start + at.start, span.start + at.end);
        for mut entry in read.entries {
            entry.span = moved(entry.span);
            suppressions.entries.push(entry);
        }
        for mut problem in read.problems {
            problem.primary.span = moved(problem.primary.span);
            suppressions.problems.push(problem);
        }
    }
}
