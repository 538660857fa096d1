//! Suppressions written in the checked source, and the findings they hide.
//!
//! Three forms, read from the text (comments) and from the items the lints parsed (attributes):
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

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit, Meta, Token};

use crate::check::package::MAX_NESTING;
use crate::lints::diagnostic::Diagnostic;
use crate::lints::{self, Lint};
use crate::scan::lexer::{group_end, is_word_byte, push_blanking_comments, CodeCursor};
use crate::scan::skeleton::{Item, Piece};
use crate::scan::source::{ByteSpan, SourceFile};

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

/// Reads every suppression of `file`, whose lints found `diagnostics`.
///
/// Comments are found by reading the text as the lexer does, so a `//` inside a block comment
/// or a literal starts none. Nothing is parsed but the items that hold a finding (the lints
/// parsed them already) and the few that share a line with one and hold a suppression: what a
/// suppression covers matters only where there is a finding to cover, and elsewhere every
/// suppression is unused whatever its reach. A syntax error in any other item, or a file of
/// any size, changes nothing.
pub fn collect(file: &SourceFile, diagnostics: &[Diagnostic]) -> Suppressions {
    let mut suppressions = Suppressions::default();
    let comments = line_comments(file);
    let attributes = attribute_spans(file);
    if comments.is_empty() && attributes.is_empty() {
        return suppressions;
    }
    let mut sites: Vec<usize> = comments
        .iter()
        .flat_map(|comment| [comment.line_number, comment.target_line])
        .collect();
    sites.sort_unstable();
    let mut finding_starts: Vec<usize> = diagnostics
        .iter()
        .map(|diagnostic| diagnostic.primary.span.start)
        .collect();
    finding_starts.sort_unstable();
    let syntax = SyntaxFacts::read(file, &finding_starts, &sites, &mut suppressions);
    read_comments(file, &comments, &syntax.nodes, &mut suppressions);
    read_lone_attributes(file, &attributes, &syntax.parsed, &mut suppressions);
    suppressions
}

/// What suppressions need from the syntax of the items that were parsed: the lines of every
/// statement and item (the skeleton's for the items that were not), and the spans parsed
/// (whose attributes have been read already).
struct SyntaxFacts {
    nodes: Vec<(usize, usize)>,
    parsed: Vec<ByteSpan>,
}

impl SyntaxFacts {
    fn read(
        file: &SourceFile,
        finding_starts: &[usize],
        sites: &[usize],
        suppressions: &mut Suppressions,
    ) -> Self {
        let holds = |sorted: &[usize], span: ByteSpan| {
            let index = sorted.partition_point(|&offset| offset < span.start);
            sorted.get(index).is_some_and(|&offset| offset < span.end)
        };
        let skeleton = file.skeleton();
        let items = if skeleton.unbalanced {
            // The lints parsed such a file whole (it has findings only if that parse worked).
            vec![Item {
                span: ByteSpan::new(file.bom_len(), file.text.len()),
                depth: skeleton.depth,
                piece: Piece::Whole,
            }]
        } else {
            let base = file.text.as_ptr() as usize;
            file.split_blocks(skeleton.items, |block| {
                let start = block.as_ptr() as usize - base;
                holds(finding_starts, ByteSpan::new(start, start + block.len()))
            })
        };
        let lines: Vec<(usize, usize)> = items
            .iter()
            .map(|item| {
                (
                    file.line_number(item.span.start),
                    file.line_number(item.span.end.saturating_sub(1).max(item.span.start)),
                )
            })
            .collect();
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
            if *used || *suppression.lint == lints::UNUSED_SUPPRESSION {
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
                    &lints::UNUSED_SUPPRESSION,
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
    let line = file.line_number(span.start);
    entries
        .iter()
        .enumerate()
        .filter(|(_, suppression)| suppression.lint == diagnostic.lint)
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
                &lints::UNUSED_SUPPRESSION,
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
        &lints::UNUSED_SUPPRESSION,
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

/// A real `//` line comment saying `objlint:` (doc comments are documentation, not
/// directives).
struct LineComment {
    /// Where the `//` is, in the file.
    at: usize,
    line_end: usize,
    line_number: usize,
    is_trailing: bool,
    /// For a comment on a line of its own, the next line that is not a comment (past the
    /// last line when there is none); for a trailing comment, its own line.
    target_line: usize,
}

/// Every real line comment that says `objlint:`, read lexically: only lines holding the word
/// are looked at, and a `//` counts only where the lexer would start a comment.
fn line_comments(file: &SourceFile) -> Vec<LineComment> {
    let text = file.parse_text();
    let base = file.bom_len();
    let bytes = text.as_bytes();
    let mut cursor = CodeCursor::new(text);
    let mut comments: Vec<LineComment> = Vec::new();
    let mut searched_to = 0;
    // Stacked comments share their target: the lines up to it are known to be comments.
    let mut known_target: Option<(usize, usize)> = None;
    for hit in memchr::memmem::find_iter(bytes, b"objlint:") {
        if hit < searched_to {
            continue;
        }
        let line_start = memchr::memrchr(b'\n', &bytes[..hit]).map_or(0, |at| at + 1);
        let line_end = memchr::memchr(b'\n', &bytes[hit..]).map_or(bytes.len(), |at| hit + at);
        searched_to = line_end;
        let line = text[line_start..line_end].trim_end_matches('\r');
        let Some(comment_at) = memchr::memmem::find_iter(line.as_bytes(), b"//")
            .find(|&at| cursor.is_code(line_start + at))
        else {
            continue;
        };
        let comment = &line[comment_at + 2..];
        if comment.starts_with(['/', '!']) || !comment.trim_start().starts_with("objlint:") {
            continue;
        }
        let line_number = file.line_number(base + line_start);
        let is_trailing = !line[..comment_at].trim().is_empty();
        let target_line = if is_trailing {
            line_number
        } else {
            match known_target {
                Some((from, target)) if from < line_number && line_number < target => target,
                _ => {
                    let target = next_code_line(text, line_end, line_number);
                    known_target = Some((line_number, target));
                    target
                }
            }
        };
        comments.push(LineComment {
            at: base + line_start + comment_at,
            line_end: base + line_start + line.len(),
            line_number,
            is_trailing,
            target_line,
        });
    }
    comments
}

/// The first line after the one ending at `line_end` (line `line_number`) that is not a
/// comment; one past the last line when there is none.
fn next_code_line(text: &str, line_end: usize, line_number: usize) -> usize {
    let mut number = line_number;
    let mut start = line_end + 1;
    while start <= text.len() {
        number += 1;
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |at| start + at);
        if !text[start..end].trim_start().starts_with("//") {
            return number;
        }
        start = end + 1;
    }
    number + 1
}

/// Reads every `// objlint: …` line comment.
fn read_comments(
    file: &SourceFile,
    comments: &[LineComment],
    nodes: &[(usize, usize)],
    suppressions: &mut Suppressions,
) {
    for comment in comments {
        let text = &file.text[comment.at + 2..comment.line_end];
        let directive = text
            .trim_start()
            .strip_prefix("objlint:")
            .expect("read as a directive");
        let directive_at = comment.line_end - directive.len();
        let comment_span = ByteSpan::new(comment.at, comment.line_end);
        let Some(parsed) = parse_directive(directive) else {
            suppressions.problems.push(unreadable(
                comment_span,
                "not `allow(<lint>, …)` or `allow-file(<lint>, …)`, with an optional `-- <reason>`",
            ));
            continue;
        };
        let lines_covered = if parsed.whole_file {
            None
        } else if comment.is_trailing {
            Some(innermost_containing(nodes, comment.line_number))
        } else {
            Some(following_statement(nodes, comment.target_line))
        };
        for (name, at) in parsed.names {
            let scope = lines_covered.clone().map_or(Scope::File, Scope::Lines);
            let span = ByteSpan::new(directive_at + at, directive_at + at + name.len());
            add(suppressions, name, span, scope, parsed.has_reason);
        }
    }
}

/// Every `#[cfg_attr(…)]` and `#![cfg_attr(…)]` in code, with whether it is inner: found
/// lexically, so that those in items not parsed can be read alone.
fn attribute_spans(file: &SourceFile) -> Vec<(ByteSpan, bool)> {
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
fn read_lone_attributes(
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

/// For a comment on a line of its own: the next line that is not a comment (`target`), with
/// the whole of the outermost statement or item starting there. A blank line ends the search,
/// so a comment separated from the code by one covers nothing.
fn following_statement(nodes: &[(usize, usize)], target: usize) -> RangeInclusive<usize> {
    let last = nodes
        .iter()
        .filter(|&&(first, _)| first == target)
        .map(|&(_, last)| last)
        .max()
        .unwrap_or(target);
    target..=last
}
