//! A plain list of counts, one per line, all on `--plan`
//! (`seq 0 1000 50000 | ctbill batch --plan connect-10k`).
//!
//! This is the fast path: lines are cut out of one reused buffer, a count
//! of plain digits is parsed without allocating ([`usage::parse_digits`]),
//! and CSV rows are priced in integer minor units by [`Quick`], falling
//! back to the engine whenever a value would not fit. JSON Lines always use
//! the engine.
//!
//! Line ends may be LF or CRLF; surrounding spaces and the quotes a
//! spreadsheet puts around a value are ignored. Every line is a row: a
//! blank one is a bad row (no count), so the output lines up with the
//! input. The output's input column is named after the plan's unit (`sent`
//! or `conversations`) and holds the value as read.

use std::io::{self, Read};
use std::ops::Range;

use super::quick::Quick;
use super::sink::Sink;
use super::{Format, Options, RowError, Tally, write_outcome};
use crate::catalog::{self, Catalog};
use crate::error::Error;
use crate::plan::{Plan, Unit};
use crate::usage::{self, MetaUsage, Usage};

/// Bytes read from the input at a time.
pub(super) const CHUNK: usize = 1 << 16;

/// Lines cut from a reader through one reused buffer.
struct Lines<R> {
    input: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> Lines<R> {
    fn new(mut start: Vec<u8>, input: R) -> Self {
        let end = start.len();
        start.resize(end.max(CHUNK), 0);
        Self {
            input,
            buf: start,
            start: 0,
            end,
            eof: false,
        }
    }

    /// The next line when it is 1 to 19 ASCII digits and its `\n` is
    /// buffered: the count and where the digits are. `None`, consuming
    /// nothing, for anything else. Splitting and parsing in one pass is the
    /// fast path of `seq ... | ctbill batch`.
    fn next_digits(&mut self) -> Option<(u64, Range<usize>)> {
        let mut count = 0u64;
        for (i, &b) in self.buf[self.start..self.end].iter().enumerate() {
            let digit = b.wrapping_sub(b'0');
            if digit <= 9 && i < 19 {
                count = count * 10 + u64::from(digit);
                continue;
            }
            if b == b'\n' && i > 0 {
                let line = self.start..self.start + i;
                self.start += i + 1;
                return Some((count, line));
            }
            return None;
        }
        None
    }

    /// The next line without its `\n`, or `None` at the end.
    fn next_line(&mut self) -> io::Result<Option<&[u8]>> {
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                let line = self.start..self.start + i;
                self.start += i + 1;
                return Ok(Some(&self.buf[line]));
            }
            if self.eof {
                if self.start == self.end {
                    return Ok(None);
                }
                let line = self.start..self.end;
                self.start = self.end;
                return Ok(Some(&self.buf[line]));
            }
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            if self.end == self.buf.len() {
                // One line longer than the buffer: grow for it.
                self.buf.resize(self.buf.len() * 2, 0);
            }
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// A count as written on a line, other than plain digits.
/// A line without the double quotes a spreadsheet may put around a count
/// (`"15,000"`); the value is what is echoed and counted.
fn unquote(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
        .unwrap_or(line)
}

fn count(text: &[u8]) -> Result<u64, String> {
    let text = std::str::from_utf8(text)
        .map_err(|_| "the line is not UTF-8 text; expected a count such as 15000".to_owned())?;
    usage::parse_count(text)
}

/// Streams a plain list through `plan`.
pub(super) fn run<R: Read>(
    catalog: &Catalog,
    options: &Options<'_>,
    plan: &Plan,
    start: Vec<u8>,
    input: R,
    sink: &mut Sink<'_>,
) -> Result<Tally, Error> {
    let column = plan.unit().map_or("sent", Unit::column);
    let names = [column.to_owned()];
    if options.format == Format::Csv {
        sink.header(&names)?;
    }
    let quick = match options.format {
        Format::Csv => Quick::new(plan),
        Format::Jsonl => None,
    };
    // The base fee is the same on every row: its cell is written once.
    let base = quick.as_ref().map(|_| {
        format!(
            ",{},",
            crate::money::round_line(plan.base_fee, plan.currency)
        )
    });
    let mut tally = Tally::default();
    let mut lines = Lines::new(start, input);
    loop {
        let fast = match quick {
            Some(_) => lines.next_digits(),
            None => None,
        };
        let text = match &fast {
            Some((_, digits)) => &lines.buf[digits.clone()],
            None => match lines.next_line().map_err(|source| Error::Io {
                context: "cannot read the input".to_owned(),
                source,
            })? {
                Some(line) => unquote(line.trim_ascii()),
                None => break,
            },
        };
        let row = tally.next_row();
        let fast = fast
            .map(|(count, _)| count)
            .or_else(|| usage::parse_digits(text));
        let plain_digits = fast.is_some();
        let count = fast.map_or_else(|| count(text), Ok);
        if let (Ok(n), Some(quick), Some(base)) = (&count, &quick, &base) {
            if let Some(amounts) = quick.price(*n) {
                let scale = quick.minor_units;
                if plain_digits {
                    sink.raw(text);
                } else {
                    sink.field(text); // e.g. `15,000`: quoted
                }
                // The columns of `Sink::amounts`, written from integers.
                sink.raw(base.as_bytes());
                sink.minor(amounts.overage, scale);
                sink.comma();
                if let Some(fair) = amounts.fair_use_overage {
                    sink.minor(fair, scale);
                }
                sink.raw(b",,,");
                sink.minor(amounts.total, scale);
                sink.raw(b",\n");
                sink.row_done()?;
                continue;
            }
        }
        if options.format == Format::Csv {
            sink.field(text);
        }
        let usage = count.map(|count| Usage {
            unit: None,
            count,
            meta: MetaUsage::None,
            markup_percent: None,
            month: options.month,
            phone_numbers: crate::usage::DEFAULT_PHONE_NUMBERS,
        });
        let bill = usage.and_then(|u| catalog::price(catalog, plan, &u).map_err(|e| e.to_string()));
        match &bill {
            Ok(bill) => write_outcome(sink, &mut tally, options.format, &names, &[text], Ok(bill)),
            Err(message) => {
                let error = RowError {
                    row,
                    column: Some(column.to_owned()),
                    message: message.clone(),
                };
                write_outcome(
                    sink,
                    &mut tally,
                    options.format,
                    &names,
                    &[text],
                    Err(&error),
                );
            }
        }
        sink.end_row()?;
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(text: &[u8], first: usize) -> Vec<Vec<u8>> {
        let mut lines = Lines::new(text[..first].to_vec(), &text[first..]);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            out.push(line.to_vec());
        }
        out
    }

    #[test]
    fn cuts_lines_across_reads_with_or_without_a_final_newline() {
        let text = b"1\r\n22\n\n333";
        for first in 0..text.len() {
            assert_eq!(
                all_lines(text, first),
                vec![
                    b"1\r".to_vec(),
                    b"22".to_vec(),
                    b"".to_vec(),
                    b"333".to_vec()
                ]
            );
        }
    }

    #[test]
    fn digit_lines_split_and_parse_in_one_pass() {
        let mut lines = Lines::new(
            b"15000\n7\n15,000\n12\r\n\n99999999999999999999\n42".to_vec(),
            &b""[..],
        );
        let mut seen = Vec::new();
        loop {
            if let Some((count, range)) = lines.next_digits() {
                let text = String::from_utf8_lossy(&lines.buf[range]).into_owned();
                seen.push(format!("fast {count} {text:?}"));
            } else if let Some(line) = lines.next_line().unwrap() {
                seen.push(format!("line {:?}", String::from_utf8_lossy(line)));
            } else {
                break;
            }
        }
        // Plain digits are parsed on the fast path; anything else (a
        // separator, a CR, a blank line, a count past u64) comes back as a line.
        let expected = [
            r#"fast 15000 "15000""#,
            r#"fast 7 "7""#,
            r#"line "15,000""#,
            r#"line "12\r""#,
            r#"line """#,
            r#"line "99999999999999999999""#,
            r#"line "42""#,
        ];
        assert_eq!(seen, expected);
    }

    #[test]
    fn long_lines_grow_the_buffer() {
        let long = vec![b'7'; CHUNK * 3];
        let mut text = long.clone();
        text.extend_from_slice(b"\n8\n");
        assert_eq!(all_lines(&text, 0), vec![long, b"8".to_vec()]);
    }

    #[test]
    fn counts_on_a_line() {
        assert_eq!(count(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(count(b"15000"), Ok(15_000));
        assert_eq!(count(b"15,000"), Ok(15_000));
        assert!(count(b"-5").unwrap_err().contains("negative"));
        assert!(count(b"\xff").unwrap_err().contains("UTF-8"));
    }
}
