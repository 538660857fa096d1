//! Reading source files. Most files of a tree mention nothing objlint looks for, so a file is
//! first streamed through the prefilter in small chunks — the way ripgrep reads — and its whole
//! text is read (again, from the page cache) only when it mentions one of the words. A file
//! that is only scanned costs no allocation, and its bytes pass through a buffer that stays in
//! the CPU's cache.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;

use crate::scan::mentions::WordSearch;

/// How many bytes one `read` asks for while scanning (ripgrep's buffer size).
const CHUNK: usize = 64 * 1024;

/// The longest UTF-8 sequence less one: an incomplete character at a chunk's end is carried
/// into the next chunk whole.
const UTF8_CARRY: usize = 3;

thread_local! {
    static CHUNK_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The text of the file at `path` when it mentions one of `words` (`None` when it does not),
/// or why it cannot be read: an I/O error, or the place of the first byte that is not UTF-8.
pub fn text_if_mentions(path: &Path, words: &WordSearch) -> Result<Option<String>, ReadError> {
    let mentions = scan(path, words).map_err(|error| match error {
        ScanError::Io(error) => read_error(error),
        ScanError::NotUtf8 => match std::fs::read(path) {
            Ok(bytes) => not_utf8(&bytes),
            Err(error) => read_error(error),
        },
    })?;
    if !mentions {
        return Ok(None);
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|error| not_utf8(error.as_bytes()))
}

/// Why a file's text could not be had.
#[derive(Debug, Clone)]
pub enum ReadError {
    /// The operating system's error.
    Io(Arc<io::Error>),
    /// The file is not UTF-8: the 1-based line and character column of its first invalid byte.
    NotUtf8 { line: usize, column: usize },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "failed to read this file: {error}"),
            ReadError::NotUtf8 { line, column } => write!(
                f,
                "this file is not valid UTF-8 (invalid byte at line {line}, column {column})"
            ),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io(error) => Some(&**error),
            ReadError::NotUtf8 { .. } => None,
        }
    }
}

enum ScanError {
    Io(io::Error),
    NotUtf8,
}

/// Whether the file mentions one of `words`, read chunk by chunk. Each chunk is searched with
/// the last bytes of the one before (a word cut in two is found whole) and checked to be UTF-8
/// to its end (a character cut in two is checked with the next chunk).
fn scan(path: &Path, words: &WordSearch) -> Result<bool, ScanError> {
    let mut file = open_regular(path).map_err(ScanError::Io)?;
    // A word cut by the chunk's end is found in the next window, and so is the byte after it.
    let overlap = words.longest().max(UTF8_CARRY);
    CHUNK_BUFFER.with_borrow_mut(|buffer| {
        buffer.resize(overlap + CHUNK, 0);
        // Bytes at the start of `buffer` carried from the chunk before, and how many of them
        // are not yet known to be valid UTF-8 (an incomplete last character).
        let mut carried = 0;
        let mut unchecked = 0;
        loop {
            let read = match file.read(&mut buffer[carried..carried + CHUNK]) {
                Ok(read) => read,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(ScanError::Io(error)),
            };
            if read == 0 {
                return if unchecked == 0 {
                    Ok(false)
                } else {
                    Err(ScanError::NotUtf8)
                };
            }
            let end = carried + read;
            let window = &buffer[..end];
            unchecked = match simdutf8::compat::from_utf8(&window[carried - unchecked..]) {
                Ok(_) => 0,
                Err(error) if error.error_len().is_none() => {
                    window.len() - (carried - unchecked) - error.valid_up_to()
                }
                Err(_) => return Err(ScanError::NotUtf8),
            };
            if words.is_in(window) {
                return Ok(true);
            }
            carried = overlap.min(end);
            buffer.copy_within(end - carried..end, 0);
        }
    })
}

/// Opens the file at `path` for reading if it is a regular file. A path given by its name
/// (see [`crate::project::discover::PathKinds::ByName`]) is not asked what it is before it is read: it
/// is opened without blocking, so a FIFO cannot stop the run, and the open file is asked (no
/// path lookup), so a device such as `/dev/zero` is never read.
fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other(crate::project::discover::NOT_REGULAR));
    }
    Ok(file)
}

fn read_error(error: io::Error) -> ReadError {
    ReadError::Io(Arc::new(error))
}

/// The error for `bytes`, which are not UTF-8: where the first invalid byte is.
fn not_utf8(bytes: &[u8]) -> ReadError {
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => bytes,
        Err(error) => &bytes[..error.valid_up_to()],
    };
    let line = memchr::memchr_iter(b'\n', valid).count() + 1;
    let line_start = memchr::memrchr(b'\n', valid).map_or(0, |index| index + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count()
        + 1;
    ReadError::NotUtf8 { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> WordSearch {
        WordSearch::new(&["CreateEventW".to_owned(), "HEVENT".to_owned()])
    }

    /// The file holding `text`, read as objlint reads it.
    fn read(text: &[u8]) -> Result<Option<String>, ReadError> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        text_if_mentions(file.path(), &words())
    }

    /// Filler of `length` bytes that mentions nothing: blank lines, which cut anywhere leave no
    /// identifier to run into what follows.
    fn filler(length: usize) -> String {
        "          \n".repeat(length / 11 + 1)[..length].to_owned()
    }

    #[test]
    fn a_word_cut_between_two_chunks_is_found() {
        for cut in 1.."CreateEventW".len() {
            let text = format!("{}CreateEventW(a);", filler(CHUNK - cut));
            assert_eq!(
                read(text.as_bytes()).unwrap(),
                Some(text),
                "cut after {cut} bytes"
            );
        }
    }

    #[test]
    fn part_of_a_longer_identifier_is_no_mention() {
        let text = format!(
            "const DISPID_ONATTACHEVENT: u32 = 1;\n{}",
            filler(3 * CHUNK)
        );
        assert_eq!(read(text.as_bytes()).unwrap(), None);
        assert!(read(b"fn f() -> HEVENT {}").unwrap().is_some());
        assert!(read(b"let e = CreateEventW;").unwrap().is_some());
    }

    #[test]
    fn a_character_cut_between_two_chunks_is_valid() {
        for cut in 1..4 {
            let text = format!("{}\u{10348}{}", filler(CHUNK - cut), filler(100));
            assert_eq!(
                read(text.as_bytes()).unwrap(),
                None,
                "cut after {cut} bytes"
            );
        }
    }

    #[test]
    fn an_invalid_byte_is_placed_by_line_and_column_in_any_chunk() {
        let mut text = filler(2 * CHUNK + 7).into_bytes();
        let line = text.iter().filter(|&&byte| byte == b'\n').count() + 1;
        let column = text.len() - text.iter().rposition(|&byte| byte == b'\n').unwrap();
        text.extend_from_slice(b"\xff rest");
        let error = read(&text).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("this file is not valid UTF-8 (invalid byte at line {line}, column {column})")
        );
        // A file that ends inside a character.
        let mut truncated = filler(CHUNK + 5).into_bytes();
        truncated.extend_from_slice(&"\u{10348}".as_bytes()[..2]);
        assert!(read(&truncated).is_err());
    }
}
