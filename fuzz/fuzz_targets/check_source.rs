//! Fuzz target: "check one source text" must never panic, hang or overflow its stack, whatever
//! the bytes, and every span it reports must lie inside the text and render.
#![no_main]

use libfuzzer_sys::fuzz_target;
use objlint::scan::source::SourceFile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = SourceFile::new("fuzz.rs", text.to_owned());
    match objlint::check_source(&file, "fuzz") {
        Ok(diagnostics) => {
            for diagnostic in &diagnostics {
                for span in std::iter::once(diagnostic.primary.span)
                    .chain(diagnostic.secondary.iter().map(|label| label.span))
                {
                    assert!(span.start <= span.end && span.end <= file.text.len());
                    assert!(file.text.is_char_boundary(span.start) && file.text.is_char_boundary(span.end));
                }
                let _ = objlint::report::human::render_diagnostic(&file, diagnostic);
            }
        }
        Err(error) => {
            if let Some(span) = error.span {
                assert!(span.start <= span.end && span.end <= file.text.len());
            }
            let _ = objlint::report::human::render_error(&file, &error);
        }
    }
});
