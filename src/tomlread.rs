//! What a strict TOML reader of ctbill's input files owns: parsing a
//! document through `toml`'s span-keeping layer ([`DeTable`]), locating a
//! span as `file:line:column` with a line index, collecting every problem
//! instead of stopping at the first, and reading the fields every input file
//! has: strings, whole numbers, exact decimals (the digits written, never
//! through `f64`), true/false flags, dates and months, unknown keys (with a
//! did-you-mean) and missing keys.
//!
//! Plan files (`load.rs`) and quote files (`quote/file.rs`) build their own
//! validation on it: what a plan or a quote needs stays with them, and so do
//! the examples their messages give.

use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::calendar::{Date, Month};
use crate::error::Problem;
use crate::money;
use crate::shown::shown;

/// A field of a table, `None` when the key is absent.
pub(crate) type Field<'v, 'i> = Option<&'v Spanned<DeValue<'i>>>;

/// Parses `text` as a TOML document; a syntax error is one located problem.
pub(crate) fn document<'t>(label: &str, text: &'t str) -> Result<Spanned<DeTable<'t>>, Problem> {
    DeTable::parse(text).map_err(|err| {
        let offset = err.span().map_or(0, |s| s.start);
        let message = format!("invalid TOML: {}", err.message().trim_end());
        Problem::at(label, text, offset, message)
    })
}

/// The text a number was written with: a quoted string, a float or a
/// decimal integer, exactly as in the file. `None` for anything else
/// (including `0x10`-style integers).
pub(crate) fn number_text<'v>(value: &'v Spanned<DeValue<'_>>) -> Option<&'v str> {
    match value.get_ref() {
        DeValue::String(s) => Some(s),
        DeValue::Float(f) => Some(f.as_str()),
        DeValue::Integer(i) if i.radix() == 10 => Some(i.as_str()),
        _ => None,
    }
}

/// Reads one file's TOML tree, collecting problems located by their spans.
pub(crate) struct Reader<'a> {
    label: &'a str,
    lines: Lines<'a>,
    problems: Vec<Problem>,
}

impl<'a> Reader<'a> {
    /// A reader of `text`, reported as `label`.
    pub(crate) fn new(label: &'a str, text: &'a str) -> Self {
        Self {
            label,
            lines: Lines::new(text),
            problems: Vec::new(),
        }
    }

    /// Records a problem at the start of `span`.
    pub(crate) fn problem(&mut self, span: Range<usize>, message: impl Into<String>) {
        let (line, column) = self.lines.locate(span.start);
        self.problems.push(Problem {
            file: self.label.to_owned(),
            line,
            column,
            message: message.into(),
        });
    }

    /// How many problems have been recorded so far.
    pub(crate) fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// `file:line:column` of a byte offset.
    pub(crate) fn location(&self, offset: usize) -> String {
        let (line, column) = self.lines.locate(offset);
        format!("{}:{line}:{column}", self.label)
    }

    /// Every problem recorded, in the order they stand in the file.
    pub(crate) fn into_problems(self) -> Vec<Problem> {
        let mut problems = self.problems;
        problems.sort_by_key(|p| (p.line, p.column));
        problems
    }

    /// Reports the keys of `table` that are not `known`, suggesting the
    /// closest; `place` (e.g. `[usage]`) says where, when the table is not
    /// obvious.
    pub(crate) fn unknown_keys(
        &mut self,
        table: &DeTable<'_>,
        known: &[&str],
        place: Option<&str>,
    ) {
        for key in table.keys() {
            let name: &str = key.get_ref().as_ref();
            if !known.contains(&name) {
                let hint = crate::suggest::closest(name, known.iter().copied())
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                let place = place.map(|p| format!(" in {p}")).unwrap_or_default();
                self.problem(
                    key.span(),
                    format!(
                        "unknown key `{}`{place}; {hint}known keys: {}",
                        shown(name),
                        known.join(", ")
                    ),
                );
            }
        }
    }

    /// Reports `key` missing from the table at `table`, with an example
    /// value; `place` (e.g. `this [[plan]]`) says which table.
    pub(crate) fn missing(
        &mut self,
        table: &Range<usize>,
        key: &str,
        place: Option<&str>,
        example: &str,
    ) {
        let place = place.map(|p| format!(" in {p}")).unwrap_or_default();
        self.problem(
            table.clone(),
            format!("missing `{key}`{place}; add e.g. `{key} = {example}`"),
        );
    }

    /// A string in quotes, with its span.
    pub(crate) fn string(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
    ) -> Option<(String, Range<usize>)> {
        if let DeValue::String(s) = value.get_ref() {
            // Names end up on terminals, in Markdown, JSON and HTML: a
            // control character (an ESC sequence, a bidi override) is never
            // meant and could drive the user's terminal, so it is refused.
            if let Some(c) = s.chars().find(|&c| crate::shown::needs_escape(c)) {
                self.problem(
                    value.span(),
                    format!(
                        "`{key}` holds a control character (`{}`) in `{}`; write it as plain text",
                        crate::shown::shown(&c.to_string()),
                        crate::shown::shown(s)
                    ),
                );
                return None;
            }
            Some((s.to_string(), value.span()))
        } else {
            self.problem(value.span(), format!("`{key}` must be a string in quotes"));
            None
        }
    }

    /// An optional `true`/`false` flag; absent means false.
    pub(crate) fn boolean(&mut self, value: Field<'_, '_>, key: &str) -> Option<bool> {
        match value.map(|v| (v.get_ref(), v.span())) {
            None => Some(false),
            Some((DeValue::Boolean(b), _)) => Some(*b),
            Some((_, span)) => {
                self.problem(
                    span,
                    format!("`{key}` must be true or false, without quotes, e.g. `{key} = true`"),
                );
                None
            }
        }
    }

    /// A whole, non-negative number, bare or quoted; anything else is
    /// reported as "`key` must be `expected`".
    pub(crate) fn count(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        expected: &str,
    ) -> Option<u64> {
        let raw: &str = match value.get_ref() {
            DeValue::Integer(i) if i.radix() == 10 => i.as_str(),
            DeValue::String(s) => s,
            _ => {
                self.problem(value.span(), format!("`{key}` must be {expected}"));
                return None;
            }
        };
        crate::usage::parse_count(raw)
            .map_err(|message| self.problem(value.span(), format!("`{key}`: {message}")))
            .ok()
    }

    /// A money amount or percentage: a quoted or bare number, exactly as
    /// written, not negative; anything else is reported as "`key` must be
    /// `expected`".
    pub(crate) fn amount(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        expected: &str,
    ) -> Option<Decimal> {
        let Some(raw) = number_text(value) else {
            self.problem(value.span(), format!("`{key}` must be {expected}"));
            return None;
        };
        match money::parse_exact(raw) {
            Ok(amount) if amount.is_sign_negative() && !amount.is_zero() => {
                self.problem(
                    value.span(),
                    format!(
                        "`{key}` is negative ({}); amounts are zero or more",
                        shown(raw)
                    ),
                );
                None
            }
            Ok(amount) => Some(amount),
            Err(message) => {
                self.problem(value.span(), format!("`{key}`: {message}"));
                None
            }
        }
    }

    /// An optional date, quoted or a bare TOML date: `Ok(None)` when
    /// absent, `Err` when bad (reported).
    pub(crate) fn date(&mut self, value: Field<'_, '_>, key: &str) -> Result<Option<Date>, ()> {
        let Some(value) = value else {
            return Ok(None);
        };
        let text = match value.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Datetime(d) => d.to_string(),
            _ => String::new(),
        };
        match text.parse::<Date>() {
            Ok(d) => Ok(Some(d)),
            Err(e) => {
                let why = if text.is_empty() {
                    format!("`{key}` must be a date, e.g. {key} = \"2026-11-26\"")
                } else {
                    format!(
                        "`{key}`: {}",
                        e.to_string()
                            .replace(&format!("`{text}`"), &format!("`{}`", shown(&text)))
                    )
                };
                self.problem(value.span(), why);
                Err(())
            }
        }
    }

    /// A month in quotes, `YYYY-MM`.
    pub(crate) fn month(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<Month> {
        if let DeValue::String(s) = value.get_ref() {
            s.parse::<Month>()
                .map_err(|e| self.problem(value.span(), format!("`{key}`: {e}")))
                .ok()
        } else {
            self.problem(
                value.span(),
                format!("`{key}` must be a month in quotes, e.g. {key} = \"2027-01\""),
            );
            None
        }
    }
}

/// Where each line of a text starts, so that locating an offset costs a
/// binary search and a scan of its own line, not a scan from the top of
/// the file: a file of many plans is located in linear time.
struct Lines<'a> {
    text: &'a str,
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset; the same
    /// as [`crate::error::line_column`].
    fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // The number of line starts at or before `offset` is the line number.
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::line_column;

    #[test]
    fn the_line_index_locates_every_offset_as_a_scan_would() {
        // Every offset of a text with empty lines, a final newline and a
        // two-byte character, against the scan from the top.
        let text = "ab\n\ncé x\n\nlast\n";
        let lines = Lines::new(text);
        for offset in 0..=text.len() + 2 {
            if !text.is_char_boundary(offset.min(text.len())) {
                continue; // spans never start inside a character
            }
            assert_eq!(lines.locate(offset), line_column(text, offset), "{offset}");
        }
        assert_eq!(lines.locate(4), (3, 1)); // the `c` after two newlines
        assert_eq!(Lines::new("").locate(3), (1, 1));
    }
}
