//! How an error message quotes what the user gave: control characters
//! escaped, long values shortened. A cell of a CSV file or a line of standard
//! input can never drive the user's terminal (an ESC sequence that retitles
//! or clears it, a NUL, a carriage return that overwrites the message), and a
//! megabyte-long line is not echoed back whole (PRODUCT.md, "Errors").
//!
//! Every message that repeats input goes through [`shown`]; nothing else in
//! the crate escapes input for display.

use std::fmt::{self, Write as _};

/// The most characters of a value an error message repeats; longer values
/// keep their start and say how long they were.
pub const MAX_SHOWN_CHARS: usize = 60;

/// A value as an error message may quote it: see [`shown`].
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(pub &'a str);

/// Quotes `value` for an error message: control characters (C0, DEL, C1)
/// and Unicode bidirectional controls are escaped as `\u{..}` (`\t`, `\n`,
/// `\r` and `\0` by name), and a value longer than [`MAX_SHOWN_CHARS`]
/// characters is cut to its start with `… (N characters)`.
///
/// ```
/// use ctbill::shown::shown;
/// assert_eq!(shown("a\u{1b}]0;pwned\u{7}b"), "a\\u{1b}]0;pwned\\u{7}b");
/// assert_eq!(shown(&"9".repeat(100)).chars().count() < 100, true);
/// ```
#[must_use]
pub fn shown(value: &str) -> String {
    Shown(value).to_string()
}

/// Quotes raw bytes that may not be UTF-8: invalid sequences become U+FFFD
/// before [`shown`] applies.
#[must_use]
pub fn shown_bytes(value: &[u8]) -> String {
    // Cut before decoding so a huge line costs no more than its start.
    let cut = &value[..value.len().min(MAX_SHOWN_CHARS * 4 + 4)];
    let text = String::from_utf8_lossy(cut);
    let chars = text.chars().count();
    if value.len() > cut.len() || chars > MAX_SHOWN_CHARS {
        let mut out = String::new();
        for c in text.chars().take(MAX_SHOWN_CHARS) {
            push_escaped(&mut out, c);
        }
        let _ = write!(out, "… ({} bytes)", value.len());
        out
    } else {
        shown(&text)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.0.chars().count();
        let mut out = String::new();
        for c in self.0.chars().take(MAX_SHOWN_CHARS) {
            push_escaped(&mut out, c);
        }
        f.write_str(&out)?;
        if total > MAX_SHOWN_CHARS {
            write!(f, "… ({total} characters)")?;
        }
        Ok(())
    }
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\0' => out.push_str("\\0"),
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

/// Characters a terminal would act on rather than show: C0 and C1 controls,
/// DEL, and the bidirectional overrides that reorder what is displayed.
#[must_use]
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(shown("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(shown("a\0b\r\n"), "a\\0b\\r\\n");
        assert_eq!(shown("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(shown("\u{202e}gpj.exe"), "\\u{202e}gpj.exe");
        assert_eq!(shown("Türkiye ₹100"), "Türkiye ₹100");
    }

    #[test]
    fn shortens_long_values_and_says_how_long() {
        let long = "x".repeat(1_000_000);
        let quoted = shown(&long);
        assert_eq!(quoted, format!("{}… (1000000 characters)", "x".repeat(60)));
        let quoted = shown_bytes(long.as_bytes());
        assert_eq!(quoted, format!("{}… (1000000 bytes)", "x".repeat(60)));
        // Exactly the limit is not shortened.
        assert_eq!(shown(&"y".repeat(60)), "y".repeat(60));
    }

    #[test]
    fn invalid_utf8_is_replaced_not_echoed() {
        assert_eq!(shown_bytes(b"ab\xff\x1b"), "ab\u{fffd}\\u{1b}");
    }
}
