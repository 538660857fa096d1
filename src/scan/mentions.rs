//! What counts as a file (or item) mentioning a word, before anything is parsed.
//!
//! The words are identifiers, and a mention is a whole one: `HEVENT` inside
//! `DISPID_ONATTACHEVENT` is no mention, as no call, path, constant or suppression can be.
//! Stage 1 looks for calls, so it counts only the mentions that can be one: not the
//! declaration of a foreign function (`fn CreateEventW(…);` in an `extern` block or a `link!`),
//! and not a Win32 function mentioned inside the function that binds it (`pub unsafe fn
//! CreateEventW(…)` calling its own `extern` declaration). The finder skips those as well (see
//! `CreationFinder::inside_binding_of`), so leaving them out changes no result; it spares the
//! parser the generated binding crates (`windows`, `windows-sys`), which mention every API that
//! way and nowhere else.

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use crate::scan::lexer::{is_word_byte, item_head, CodeCursor};

/// Words that share a prefix at least this long are searched for by that prefix (their stem).
const MIN_STEM: usize = 8;

/// Patterns longer than this in all are searched with an NFA rather than a DFA (see
/// [`WordSearch::new`]); the catalogue's words are about a tenth of it.
const DFA_PATTERN_BYTES: usize = 8 * 1024;

/// A search for whole-identifier mentions of words, built to run over every byte of a tree.
///
/// aho-corasick's fastest searcher (SIMD "Teddy") handles up to 32 patterns at full speed and
/// slows down past that, and the catalogue has about 50 words, most of them `A`/`W`/`Ex`
/// variants of a few functions. So the search looks for their stems (`CreateEvent` for
/// `CreateEventA`, `CreateEventExW`, …), about half as many, and where a stem starts an
/// identifier, for the longest word at that place — about a third faster on the benchmark
/// corpus, for the same mentions.
#[derive(Debug)]
pub struct WordSearch {
    stems: AhoCorasick,
    /// Anchored at a stem, leftmost-longest: `CreateFileMappingW`, not `CreateFileMapping`.
    words: AhoCorasick,
    longest: usize,
}

/// A mention: where the word is.
#[derive(Clone, Copy, Debug)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
}

impl WordSearch {
    pub fn new(words: &[String]) -> Self {
        let mut sorted: Vec<&str> = words.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut stems: Vec<&str> = Vec::new();
        for word in &sorted {
            if let Some(stem) = stems.last_mut() {
                let common = stem
                    .bytes()
                    .zip(word.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                if common >= MIN_STEM {
                    *stem = &stem[..common];
                    continue;
                }
            }
            stems.push(word);
        }
        let build = |patterns: &[&str], kind, start| {
            // A DFA is the fastest searcher, but building one costs time and memory with the
            // patterns' length times their byte classes: an identifier of 150,000 characters
            // (a constant naming an object) took a minute. Long patterns get an NFA, built in
            // time linear in their length.
            let automaton = (patterns.iter().map(|pattern| pattern.len()).sum::<usize>()
                > DFA_PATTERN_BYTES)
                .then_some(AhoCorasickKind::ContiguousNFA);
            AhoCorasick::builder()
                .match_kind(kind)
                .start_kind(start)
                .kind(automaton)
                .build(patterns)
                .expect("identifiers make a valid automaton")
        };
        Self {
            // Leftmost matching is what puts Teddy in front (the default, standard semantics
            // fall back to a byte-at-a-time automaton, ten times slower here).
            stems: build(&stems, MatchKind::LeftmostFirst, StartKind::Unanchored),
            words: build(&sorted, MatchKind::LeftmostLongest, StartKind::Anchored),
            longest: sorted.iter().map(|word| word.len()).max().unwrap_or(0),
        }
    }

    /// The length of the longest word.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// Every mention in `text`, in order. Where a byte next to a word lies outside `text` (a
    /// chunk of a file being read), it is taken as the end of the identifier.
    pub fn find_iter<'t>(&'t self, text: &'t [u8]) -> impl Iterator<Item = Mention> + 't {
        self.stems.find_iter(text).filter_map(move |stem| {
            let start = stem.start();
            if text[..start].last().is_some_and(|&byte| is_word_byte(byte)) {
                return None;
            }
            let word = self
                .words
                .find(Input::new(text).range(start..).anchored(Anchored::Yes))?;
            let end = word.end();
            (!text.get(end).is_some_and(|&byte| is_word_byte(byte)))
                .then_some(Mention { start, end })
        })
    }

    /// Whether `text` mentions a word.
    pub fn is_in(&self, text: &[u8]) -> bool {
        self.find_iter(text).next().is_some()
    }
}

/// How a stage decides that a text mentions what it looks for.
#[derive(Clone, Copy)]
pub enum Mentions<'a> {
    /// Any mention of a word.
    Any(&'a WordSearch),
    /// A word where an item is declared by that name: right after `fn`, `const`, `static`, or
    /// `static ref`/`static mut` (`lazy_static!`). An item a name refers to is looked for
    /// where it is declared, not where it is used: a function's callers are many.
    Declarations(&'a WordSearch),
    /// The mentions that can be calls (stage 1); `win32_functions` are the words that name a
    /// Win32 function.
    Calls {
        words: &'a WordSearch,
        win32_functions: &'a HashSet<String>,
    },
}

impl<'a> Mentions<'a> {
    /// The words either rule looks for.
    pub fn words(self) -> &'a WordSearch {
        match self {
            Mentions::Any(words)
            | Mentions::Declarations(words)
            | Mentions::Calls { words, .. } => words,
        }
    }

    /// Whether a file may mention a word as [`Mentions::in_item`] counts it: the same test
    /// without the rule that needs to know the enclosing item. Cheap enough for a whole file,
    /// it spares a large file whose words are only declarations the lexical pass that finds
    /// its items.
    pub fn may_be_in(self, text: &str) -> bool {
        self.any_in_code(text, |found| match self {
            Mentions::Any(_) => true,
            Mentions::Declarations(_) => declares(text, found.start),
            Mentions::Calls { .. } => !follows_fn(text, found.start),
        })
    }

    /// Whether `item` — one top-level item of a file, or text that can be no more than one —
    /// mentions a word. A word in a comment or a literal is no mention: it can be no call, no
    /// path and no constant.
    pub fn in_item(self, item: &str) -> bool {
        match self {
            Mentions::Any(_) => self.any_in_code(item, |_| true),
            Mentions::Declarations(_) => {
                self.any_in_code(item, |found| declares(item, found.start))
            }
            Mentions::Calls {
                win32_functions, ..
            } => {
                let own_function = declared_fn_name(item);
                self.any_in_code(item, |found| {
                    let word = &item[found.start..found.end];
                    !follows_fn(item, found.start)
                        && !own_function.is_some_and(|function| {
                            win32_functions.contains(word) && binds(function, word)
                        })
                })
            }
        }
    }

    /// Whether `text` holds, in code, a mention that `counts`; `counts` is asked first, the
    /// cheaper test.
    fn any_in_code(self, text: &str, counts: impl Fn(Mention) -> bool) -> bool {
        let mut code = CodeCursor::new(text);
        self.words()
            .find_iter(text.as_bytes())
            .any(|found| counts(found) && code.is_code(found.start))
    }
}

/// Whether a function named `function` is the binding of the Win32 function `api`: it has its
/// name, or is the `Create…` family it belongs to (`CreateFileMapping` for
/// `CreateFileMappingFromApp`) — the rule of `CreationFinder::inside_binding_of`.
fn binds(function: &str, api: &str) -> bool {
    api == function || (function.starts_with("Create") && api.starts_with(function))
}

/// Whether the keyword `fn` comes right before `at` (the name of a declared function).
fn follows_fn(text: &str, at: usize) -> bool {
    follows_keyword(text, at, "fn")
}

/// Whether the identifier at `at` is the name an item is declared by (see
/// [`Mentions::Declarations`]).
fn declares(text: &str, at: usize) -> bool {
    ["fn", "const", "static", "ref", "mut"]
        .iter()
        .any(|keyword| follows_keyword(text, at, keyword))
}

/// Whether `keyword`, as a whole word, comes right before `at`.
fn follows_keyword(text: &str, at: usize, keyword: &str) -> bool {
    let before = text[..at].trim_end();
    before.strip_suffix(keyword).is_some_and(|rest| {
        !rest
            .as_bytes()
            .last()
            .is_some_and(|&byte| is_word_byte(byte))
    })
}

/// The name of the function `item` defines, when it is a function item: after its attributes,
/// comments and qualifiers (`pub(…)`, `const`, `async`, `unsafe`, `safe`, `default`,
/// `extern "abi"`) comes `fn` and the name. `None` for any other item.
pub fn declared_fn_name(item: &str) -> Option<&str> {
    let mut head = item_head(item).skip_while(|word| {
        matches!(
            *word,
            "pub" | "const" | "async" | "unsafe" | "safe" | "default" | "extern"
        )
    });
    (head.next() == Some("fn"))
        .then(|| head.next())
        .flatten()
        .filter(|name| is_word_byte(name.as_bytes()[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(words: &[&str]) -> WordSearch {
        WordSearch::new(&words.iter().map(ToString::to_string).collect::<Vec<_>>())
    }

    fn calls(text: &str) -> bool {
        let words = search(&[
            "CreateEventW",
            "CreateFileMapping",
            "CreateFileMappingFromApp",
            "NamedLock",
        ]);
        let win32_functions: HashSet<String> = ["CreateEventW", "CreateFileMappingFromApp"]
            .into_iter()
            .map(String::from)
            .collect();
        Mentions::Calls {
            words: &words,
            win32_functions: &win32_functions,
        }
        .in_item(text)
    }

    #[test]
    fn calls_count_and_bindings_do_not() {
        assert!(calls(
            "fn main() { CreateEventW(None, true, false, name); }"
        ));
        assert!(calls(
            "use windows::Win32::System::Threading::CreateEventW as make;"
        ));
        assert!(calls("fn helper() { let _ = NamedLock::create(\"x\"); }"));
        // Another function of the same item calls the API.
        assert!(calls(
            "impl X { fn CreateEventW() {} fn other() { CreateEventW(); } }"
        ));
        assert!(!calls(
            "extern \"system\" { pub fn CreateEventW(a: *const u8) -> isize; }"
        ));
        assert!(!calls(
            "::windows_targets::link!(\"kernel32.dll\" \"system\" fn CreateEventW(a: u32) -> HANDLE);"
        ));
        assert!(!calls(
            "#[doc = \"*Required [features]*\"]\n#[inline]\npub unsafe fn CreateEventW<P0>(a: P0) -> HANDLE {\n    windows_link::link!(\"kernel32.dll\" \"system\" fn CreateEventW(a: u32) -> HANDLE);\n    unsafe { CreateEventW(a) }\n}"
        ));
        assert!(!calls(
            "pub fn CreateFileMapping(h: u32) { CreateFileMappingFromApp(h) }"
        ));
        assert!(!calls("fn CreateEventWrapper() { let CreateEventWx = 1; }"));
    }

    #[test]
    fn words_in_comments_and_literals_are_no_mentions() {
        assert!(!calls(
            "/// Made with [`NamedLock::create`].\nfn helper() {}"
        ));
        assert!(!calls(
            "fn helper() { /* CreateEventW */ let s = \"CreateEventW\"; let r = r#\"NamedLock\"#; }"
        ));
        assert!(calls(
            "fn helper() { let url = \"http://x\"; CreateEventW(); }"
        ));
        let words = search(&["NamedLock"]);
        assert!(!Mentions::Any(&words).may_be_in("// NamedLock\nfn f() {}"));
        assert!(Mentions::Any(&words).may_be_in("// NamedLock\nfn f() { NamedLock::create() }"));
    }

    #[test]
    fn the_file_level_test_keeps_every_item_that_counts() {
        let words = search(&["CreateEventW", "HEVENT"]);
        let win32_functions = HashSet::from(["CreateEventW".to_owned()]);
        let calls = Mentions::Calls {
            words: &words,
            win32_functions: &win32_functions,
        };
        assert!(!calls.may_be_in(
            "pub const DISPID_ONATTACHEVENT: u32 = 1;\nextern \"system\" { fn CreateEventW(); }"
        ));
        assert!(calls.may_be_in("fn f() -> HEVENT { todo!() }"));
        // A binding passes the file-level test; only the item-level one knows it is one.
        let binding = "pub unsafe fn CreateEventW() { CreateEventW() }";
        assert!(calls.may_be_in(binding) && !calls.in_item(binding));
    }

    #[test]
    fn stems_find_the_longest_whole_word() {
        let words = search(&[
            "CreateFileMapping",
            "CreateFileMappingA",
            "CreateFileMappingW",
            "CreateEventW",
            "HEVENT",
        ]);
        let found = |text: &'static str| -> Vec<&'static str> {
            words
                .find_iter(text.as_bytes())
                .map(|found| &text[found.start..found.end])
                .collect()
        };
        assert_eq!(
            found("CreateFileMappingW(x); CreateFileMapping(y); CreateFileMappingX(z)"),
            ["CreateFileMappingW", "CreateFileMapping"]
        );
        assert_eq!(
            found("CreateEvent(a); xCreateEventW(); HEVENT; ATTACHEVENT"),
            ["HEVENT"]
        );
        assert_eq!(found("r#CreateEventW"), ["CreateEventW"]);
        assert!(!WordSearch::new(&[]).is_in(b"anything"));
    }

    #[test]
    fn function_names_are_read_past_attributes_and_qualifiers() {
        assert_eq!(
            declared_fn_name("/// doc\n#[cfg(all(windows, feature = \"a]\"))]\npub(crate) const unsafe extern \"system\" fn Name() {}"),
            Some("Name")
        );
        assert_eq!(declared_fn_name("const NAME: &str = \"fn x\";"), None);
        assert_eq!(declared_fn_name("impl X { fn y() {} }"), None);
    }
}
