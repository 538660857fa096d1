//! Findings as data: what a lint reports, independent of how it is rendered.

use crate::lints::lint::{Level, Lint};
use crate::names::CfgAlternative;
use crate::scan::source::ByteSpan;

/// One finding of one lint in one file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub lint: &'static Lint,
    pub level: Level,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub helps: Vec<Help>,
    pub notes: Vec<String>,
    /// The name of the object the finding is about, when it is known: `unique-name-patterns`
    /// are matched against it, and it keys baseline entries and SARIF fingerprints.
    pub object_name: Option<String>,
    /// The item the finding is in (`fn main`, `impl Shared::fn open`): with the lint, the file
    /// and the object name, it identifies a finding without its line number.
    pub enclosing_item: Option<String>,
    /// The function the finding's creation calls (`CreateMutexW`): it keys the baseline entries
    /// of lints whose subject is the call.
    pub called: Option<String>,
    /// For a finding in a file read only as context (a run over some files of a package): the
    /// checked file (its index in the package) and the span of the name's literal where it is
    /// shown instead, since editing that literal changes it (see
    /// `check::package::shown_at_literal`).
    pub shown_at: Option<(usize, ByteSpan)>,
    /// Whether the finding is in test-only code, where its level is capped at
    /// `test-code-level` (see [`crate::policy::finish`]).
    pub in_test_code: bool,
    /// For a finding about one `cfg` alternative of its creation's name, which the other
    /// alternatives do not share: that alternative. Findings about several alternatives of one
    /// call become one (see [`crate::policy::alternatives`]), and one about an alternative only
    /// development builds compile is capped as test code's is.
    pub alternative: Option<CfgAlternative>,
    /// The other alternatives merged into this finding, with their names: its notes list
    /// them, and `--fix` renames them too.
    pub other_alternatives: Vec<OtherAlternative>,
    /// Whether the finding is about the name of an object its creator publishes, with a
    /// security descriptor that lets other users and programs open it: a name they open by
    /// name, whose finding is capped at warn (see [`crate::policy::finish`]).
    pub published: bool,
}

/// Another `cfg` alternative of a name, whose finding was merged into one about the name.
#[derive(Clone, Debug)]
pub struct OtherAlternative {
    pub cfg: CfgAlternative,
    pub object_name: Option<String>,
}

/// A span with the short text printed under it.
#[derive(Clone, Debug)]
pub struct Label {
    pub span: ByteSpan,
    pub message: String,
}

/// A `help:` line, with the edit it proposes if it proposes one.
#[derive(Clone, Debug)]
pub struct Help {
    pub message: String,
    pub suggestion: Option<Suggestion>,
}

/// Replace the bytes of `span` by `replacement`.
#[derive(Clone, Debug)]
pub struct Suggestion {
    pub span: ByteSpan,
    pub replacement: String,
    pub applicability: Applicability,
}

/// How sure a suggestion is, in rustc's terms (rustfix applies only `MachineApplicable`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    MachineApplicable,
    MaybeIncorrect,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::MachineApplicable => "MachineApplicable",
            Applicability::MaybeIncorrect => "MaybeIncorrect",
        }
    }
}

impl Diagnostic {
    /// Every finding is made here, at the lint's default level.
    pub fn new(lint: &'static Lint, span: ByteSpan, message: String, label: String) -> Self {
        Self {
            lint,
            level: lint.default_level,
            message,
            primary: Label {
                span,
                message: label,
            },
            secondary: Vec::new(),
            helps: Vec::new(),
            notes: Vec::new(),
            object_name: None,
            enclosing_item: None,
            called: None,
            shown_at: None,
            in_test_code: false,
            alternative: None,
            other_alternatives: Vec::new(),
            published: false,
        }
    }

    #[must_use]
    pub fn with_object_name(mut self, name: String) -> Self {
        self.object_name = Some(name);
        self
    }

    #[must_use]
    pub fn with_secondary(mut self, span: ByteSpan, message: String) -> Self {
        self.secondary.push(Label { span, message });
        self
    }

    #[must_use]
    pub fn with_help(mut self, message: String, suggestion: Option<Suggestion>) -> Self {
        self.helps.push(Help {
            message,
            suggestion,
        });
        self
    }

    #[must_use]
    pub fn with_note(mut self, note: String) -> Self {
        self.notes.push(note);
        self
    }

    /// `objlint::<lint>`, the code printed and matched on.
    pub fn code(&self) -> String {
        format!("objlint::{}", self.lint.name)
    }
}

/// A string from the scanned source, made safe to print inside backticks: control characters
/// (terminal escapes, line breaks) are shown as escapes instead of acting on the reader's
/// terminal, and a name longer than a reader can take in is shown by its two ends, so a
/// megabyte-long name is not copied into every message.
pub fn quoted(text: &str) -> String {
    const SHOWN: usize = 160;
    let characters = text.chars().count();
    if characters <= SHOWN {
        return format!("`{}`", escaped(text));
    }
    let head: String = text.chars().take(SHOWN - 40).collect();
    let tail: String = text.chars().skip(characters - 40).collect();
    format!(
        "`{}…{}` ({characters} characters)",
        escaped(&head),
        escaped(&tail)
    )
}

/// A string from the scanned tree (a name, a path, a message quoting either) with its control
/// characters escaped: every text objlint prints on a terminal goes through here (or
/// [`escaped_line`]), so nothing from the tree can write terminal escapes or start a line.
pub fn escaped(text: &str) -> String {
    escape_controls(text, |_| false)
}

/// A line of the scanned source as a diff shows it: escaped as [`escaped`] escapes, but for
/// tabs and a line ending (`\n`, `\r\n`), which belong to the line.
pub fn escaped_line(line: &str) -> String {
    let (content, ending) = match line.strip_suffix("\r\n") {
        Some(content) => (content, "\r\n"),
        None => match line.strip_suffix('\n') {
            Some(content) => (content, "\n"),
            None => (line, ""),
        },
    };
    let mut out = escape_controls(content, |character| character == '\t');
    out.push_str(ending);
    out
}

fn escape_controls(text: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_control() && !keep(character) {
            out.extend(character.escape_default());
        } else {
            out.push(character);
        }
    }
    out
}
