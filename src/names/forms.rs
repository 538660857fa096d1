//! What lowering reads from a form's words and literals alone: the methods, constructors and
//! macros it knows, NUL terminators, `format!` templates, and run-time values classified by
//! the words their expression uses.

use syn::{Expr, Lit};

use crate::names::ir::{Literal, NameIr, WRITTEN_GUID};

/// Methods that pass a string through unchanged.
pub const TRANSPARENT_METHODS: &[&str] = &[
    "as_bytes",
    "as_bytes_with_nul",
    "as_c_str",
    "as_os_str",
    "as_pcstr",
    "as_pcwstr",
    "as_ref",
    "as_slice",
    "as_path",
    "as_str",
    "as_wide",
    "borrow",
    "cast",
    "cast_const",
    "cast_mut",
    "clone",
    "cloned",
    "copied",
    // `path.display().to_string()`: the path's text.
    "display",
    "expect",
    "into",
    "into_os_string",
    "into_owned",
    "into_raw",
    "into_string",
    "into_vec",
    "iter",
    "to_fs_name",
    "to_ns_name",
    "to_os_string",
    "to_owned",
    "to_path_buf",
    "to_string",
    "to_str",
    "to_string_lossy",
    "to_vec",
    "unwrap",
];

/// Types whose `new(|| …)` makes a static initialised on first use: std's `LazyLock` and
/// `LazyCell`, `once_cell`'s `sync::Lazy` and `unsync::Lazy`.
pub const LAZY_TYPES: &[&str] = &["LazyLock", "LazyCell", "Lazy"];

/// Types whose `new()` makes a static that is empty until a `set` call fills it once: std's
/// `OnceLock`, `once_cell`'s `sync::OnceCell` (and tokio's, made by `const_new()`).
pub const ONCE_TYPES: &[&str] = &["OnceLock", "OnceCell"];

/// Whether `expr` makes an empty `OnceLock`/`OnceCell` (`OnceLock::new()`).
pub fn is_empty_once_cell(expr: &syn::Expr) -> bool {
    let syn::Expr::Call(call) = expr else {
        return false;
    };
    let syn::Expr::Path(function) = &*call.func else {
        return false;
    };
    let segments = &function.path.segments;
    call.args.is_empty()
        && segments.len() >= 2
        && ONCE_TYPES
            .iter()
            .any(|ty| segments[segments.len() - 2].ident == ty)
        && ["new", "const_new"]
            .iter()
            .any(|new| segments[segments.len() - 1].ident == new)
}

/// Types whose constructor puts a value behind a lock or an atomically swapped pointer: std's
/// and tokio's `RwLock` and `Mutex`, `parking_lot`'s and `spin`'s, and `arc_swap`'s `ArcSwap`.
const LOCK_TYPES: &[&str] = &[
    "RwLock",
    "Mutex",
    "ReentrantMutex",
    "FairMutex",
    "ArcSwap",
    "ArcSwapAny",
];

/// The constructors of [`LOCK_TYPES`] that take the initial value.
const LOCK_CONSTRUCTORS: &[&str] = &["new", "const_new", "from", "from_pointee"];

/// `parking_lot`'s `const fn`s that make a lock of their argument.
const LOCK_FUNCTIONS: &[&str] = &[
    "const_rwlock",
    "const_mutex",
    "const_reentrant_mutex",
    "const_fair_mutex",
];

/// Types that share the value they are made of, with no lock: seen through to a lock inside
/// (`Arc::new(RwLock::new(…))`).
const SHARING_TYPES: &[&str] = &["Arc", "Rc", "Box"];

/// Methods that hand out a guard of a lock's value (`read().unwrap()`, parking_lot's `read()`,
/// tokio's `read().await`) or, for an `ArcSwap`, the value itself (`load()`).
pub const LOCK_READS: &[&str] = &[
    "read",
    "write",
    "lock",
    "try_read",
    "try_write",
    "try_lock",
    "blocking_read",
    "blocking_lock",
    "read_recursive",
    "upgradable_read",
    "load",
    "load_full",
];

/// The initial value of a static whose initialiser makes a lock (`RwLock::new(value)`), maybe
/// shared (`Arc::new(Mutex::new(value))`) or made on first use (`LazyLock::new(|| …)`).
pub fn lock_initial(expr: &Expr) -> Option<&Expr> {
    match expr {
        Expr::Paren(inner) => lock_initial(&inner.expr),
        Expr::Group(inner) => lock_initial(&inner.expr),
        Expr::Block(block) => tail(&block.block).and_then(lock_initial),
        Expr::Call(call) if call.args.len() == 1 => {
            let Expr::Path(function) = &*call.func else {
                return None;
            };
            let segments: Vec<String> = function
                .path
                .segments
                .iter()
                .map(|segment| segment.ident.to_string())
                .collect();
            let (last, owner) = match segments.as_slice() {
                [.., owner, last] => (last.as_str(), owner.as_str()),
                [last] => (last.as_str(), ""),
                [] => return None,
            };
            let arg = &call.args[0];
            if LAZY_TYPES.contains(&owner) && last == "new" {
                return match arg {
                    Expr::Closure(closure) if closure.inputs.is_empty() => {
                        lock_initial(&closure.body)
                    }
                    _ => None,
                };
            }
            if SHARING_TYPES.contains(&owner) && matches!(last, "new" | "from") {
                return lock_initial(arg);
            }
            let made = (LOCK_TYPES.contains(&owner) && LOCK_CONSTRUCTORS.contains(&last))
                || LOCK_FUNCTIONS.contains(&last);
            made.then_some(arg)
        }
        _ => None,
    }
}

/// The prelude's types, whose associated functions a path names without a `use`.
pub const PRELUDE_TYPES: &[&str] = &["String", "Vec", "Box", "Option", "Result", "ToString"];

/// Methods that hand out a raw pointer to the buffer: the API then reads up to a NUL.
pub const POINTER_METHODS: &[&str] = &["as_ptr", "as_mut_ptr"];

/// Methods that turn a string into a UTF-16 sequence without a terminator.
pub const UTF16_METHODS: &[&str] = &["encode_utf16", "encode_wide"];

/// Methods that add the terminator to a UTF-16 sequence (`.chain(once(0))`) or are the
/// `collect` that keeps whatever was there.
pub const TERMINATING_METHODS: &[&str] = &["chain", "push"];

/// Functions that build a NUL-terminated string from their one argument.
pub const TERMINATING_CONSTRUCTORS: &[&str] = &[
    "CString",
    "HSTRING",
    "U16CString",
    "WideCString",
    "U16CStr",
    "CStr",
];

/// Macros whose single string-literal argument is not the string they produce.
pub const NON_LITERAL_MACROS: &[&str] = &[
    "env",
    "option_env",
    "include",
    "include_str",
    "include_bytes",
    "stringify",
    "compile_error",
    "panic",
    "todo",
    "unimplemented",
    "unreachable",
];

/// Macros that read their first literal as a `format!` template.
pub const FORMAT_MACROS: &[&str] = &["format", "format_args"];

/// Whether a buffer is known to hold no NUL at all: every piece is text written without one,
/// or a run-time value that never holds one (a process id, a user name, the package name). A
/// `const` is not resolved yet when this is asked, so a name reading one is not known.
pub fn lacks_terminator(name: &NameIr) -> bool {
    match name {
        NameIr::Literal(literal) => literal.terminated == Some(false),
        NameIr::Concat(parts) => {
            parts
                .iter()
                .any(|part| matches!(part, NameIr::Literal(_) | NameIr::Concat(_)))
                && parts.iter().all(|part| match part {
                    NameIr::Predictable(_) | NameIr::Env(_) => true,
                    other => lacks_terminator(other),
                })
        }
        _ => false,
    }
}

/// Whether a lowered name has a NUL written in it (its terminator, known to be there).
pub fn has_terminator(name: &NameIr) -> bool {
    match name {
        NameIr::Literal(literal) => literal.terminated == Some(true),
        NameIr::Concat(parts) => parts.iter().any(has_terminator),
        _ => false,
    }
}

/// Whether an appended value is the NUL terminator alone: `0`, `0u16`, `'\0'`, `"\0"`,
/// `&[0]`, `once(0)`.
pub fn is_terminator(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(syn::ExprLit { lit, .. }) => match lit {
            Lit::Int(int) => int.base10_digits() == "0",
            Lit::Char(character) => character.value() == '\0',
            Lit::Str(text) => !text.value().is_empty() && text.value().chars().all(|c| c == '\0'),
            _ => false,
        },
        Expr::Paren(inner) => is_terminator(&inner.expr),
        Expr::Reference(inner) => is_terminator(&inner.expr),
        Expr::Cast(cast) => is_terminator(&cast.expr),
        Expr::Array(array) => array.elems.len() == 1 && is_terminator(&array.elems[0]),
        _ => false,
    }
}

/// Whether a one-argument function returns its argument in another form, judged by its name:
/// a constructor (`CString::new`, `HSTRING::from`), a pointer wrapper (`PCWSTR(…)`, `Some(…)`),
/// the success of a `Result` (`Ok(…)`, whose caller takes the name out with `?` or `unwrap`),
/// or a helper named for a string conversion (`to_wide`, `to_utf16_nul`). Other functions of one
/// string — `env::var("NAME")`, `get_arg("server")` — return something else entirely.
pub fn passes_through(segments: &[String]) -> bool {
    let Some(last) = segments.last() else {
        return false;
    };
    if matches!(
        last.as_str(),
        "Some" | "Ok" | "PCWSTR" | "PCSTR" | "PWSTR" | "PSTR" | "BSTR"
    ) {
        return true;
    }
    let is_type = |segment: &String| segment.starts_with(|c: char| c.is_ascii_uppercase());
    let constructor = matches!(
        last.as_str(),
        "new"
            | "from"
            | "from_str"
            | "from_raw"
            | "from_vec"
            | "from_os_str"
            | "from_utf8"
            | "from_ptr"
    );
    if constructor && segments.len() >= 2 && is_type(&segments[segments.len() - 2]) {
        return true;
    }
    let lower = last.to_lowercase();
    [
        "wide",
        "utf16",
        "wstr",
        "wstring",
        "cstr",
        "cstring",
        "pcwstr",
        "pcstr",
        "hstring",
        "encode",
        "nul",
        "zero_term",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// Whether a call of the path `segments` with `arg_count` arguments makes an empty string
/// (`String::new()`, `OsString::with_capacity(n)`). Only the owned strings whose `push`
/// appends text as it is: a `PathBuf`'s adds a separator first.
pub fn is_empty_string(segments: &[String], arg_count: usize) -> bool {
    let [.., owner, constructor] = segments else {
        return false;
    };
    let empty = match constructor.as_str() {
        "new" => arg_count == 0,
        "with_capacity" => arg_count == 1,
        _ => false,
    };
    empty && matches!(owner.as_str(), "String" | "OsString")
}

pub fn tail(block: &syn::Block) -> Option<&Expr> {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(tail, None)) => Some(tail),
        _ => None,
    }
}

pub fn is_zero(expr: &Expr) -> bool {
    matches!(expr, Expr::Lit(syn::ExprLit { lit: Lit::Int(int), .. }) if int.base10_digits() == "0")
}

/// Applies `change` to every literal in a lowered name.
pub fn map_literals(name: NameIr, change: impl Fn(&mut Literal) + Copy) -> NameIr {
    match name {
        NameIr::Literal(mut literal) => {
            change(&mut literal);
            NameIr::Literal(literal)
        }
        NameIr::Concat(parts) => NameIr::Concat(
            parts
                .into_iter()
                .map(|part| map_literals(part, change))
                .collect(),
        ),
        other => other,
    }
}

pub enum TemplatePiece {
    Text(String),
    /// The argument reference inside `{…}`, before any `:` format spec.
    Placeholder(String),
}

/// Splits a `format!` template into text and placeholders; `None` if it is malformed.
pub fn template_pieces(template: &str) -> Option<Vec<TemplatePiece>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(character) = chars.next() {
        match character {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut inside = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        other => inside.push(other),
                    }
                }
                if !text.is_empty() {
                    pieces.push(TemplatePiece::Text(std::mem::take(&mut text)));
                }
                let reference = inside
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
                pieces.push(TemplatePiece::Placeholder(reference));
            }
            other => text.push(other),
        }
    }
    if !text.is_empty() {
        pieces.push(TemplatePiece::Text(text));
    }
    Some(pieces)
}

/// Words in a run-time expression that make the value impossible to guess. A hash is not
/// among them: it is as predictable as what it hashes, unless its keys are random
/// (`names::hashes` reads the forms it knows; any other hash is unknown).
const UNIQUE_MARKERS: &[(&str, &str)] = &[
    ("uuid", "a UUID"),
    ("guid", "a GUID"),
    ("getrandom", "a random value"),
    ("rand", "a random value"),
    ("random", "a random value"),
    ("nanoid", "a random value"),
    ("ulid", "a random value"),
];

/// Words of an expression that makes a new UUID or GUID at run time.
const RANDOM_GUID_MARKERS: &[&str] = &[
    "new_v4",
    "new_v7",
    "now_v7",
    "now_v1",
    "new_v1",
    "cocreateguid",
    "uuidcreate",
    "getrandom",
    "rand",
    "random",
];

/// Words in a run-time expression that anyone on the machine can guess.
const PREDICTABLE_MARKERS: &[(&str, &str)] = &[
    ("process::id", "the process id"),
    ("getcurrentprocessid", "the process id"),
    ("pid", "the process id"),
    ("username", "the user name"),
    ("user_name", "the user name"),
    ("whoami", "the user name"),
    ("current_exe", "the executable path"),
    ("hostname", "the computer name"),
    ("computername", "the computer name"),
    ("session_id", "the session id"),
    ("getcurrentthreadid", "the thread id"),
    // A SID is per user but public: anyone can look up another account's (see `names::sid`).
    ("convertsidtostringsidw", crate::names::sid::SID),
    ("convertsidtostringsida", crate::names::sid::SID),
    // Tauri's `Config::identifier` (the bundle identifier of `tauri.conf.json`,
    // `com.example.app`) and `PackageInfo::name`: the same for every install. Matched on the
    // method chain only, as the bare words are far too common to mean anything.
    (".config().identifier", "the app identifier"),
    (".package_info().name", "the app name"),
];

/// Classifies a run-time value by the words its expression uses.
pub fn classify_runtime_value(expr: &Expr) -> NameIr {
    let text = quote::ToTokens::to_token_stream(expr)
        .to_string()
        .to_lowercase()
        .replace(' ', "");
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .filter(|word| !word.is_empty())
        .collect();
    let has_word = |marker: &str| {
        if marker.starts_with('.') {
            has_chain(&text, marker)
        } else if marker.contains("::") {
            text.contains(marker)
        } else {
            words
                .iter()
                .any(|word| word.split("::").any(|segment| segment == marker))
        }
    };
    // A UUID or GUID built from a literal (`Uuid::parse_str("…")`, `GUID::from_u128(0x…)`) is
    // as unguessable as one written in the name, and as readable from the binary.
    let from_literal = text.contains('"') || words.iter().any(|word| word.starts_with("0x"));
    if (has_word("uuid") || has_word("guid"))
        && from_literal
        && !RANDOM_GUID_MARKERS.iter().any(|marker| has_word(marker))
    {
        return NameIr::Unique(WRITTEN_GUID.to_owned());
    }
    if let Some((_, what)) = UNIQUE_MARKERS.iter().find(|(marker, _)| has_word(marker)) {
        return NameIr::Unique((*what).to_owned());
    }
    if let Some((_, what)) = PREDICTABLE_MARKERS
        .iter()
        .find(|(marker, _)| has_word(marker))
    {
        return NameIr::Predictable((*what).to_owned());
    }
    NameIr::Unknown
}

/// Whether `text` (an expression's tokens, without spaces) reads `chain` (`.config().identifier`)
/// and no longer field or method after it (`.config().identifier_prefix`).
fn has_chain(text: &str, chain: &str) -> bool {
    text.match_indices(chain).any(|(at, _)| {
        !text[at + chain.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    })
}
