//! A plain list of counts, one per line, all on `--plan`
//! (`seq 0 1000 50000 | ctbill batch --plan connect-10k`).
//!
//! This is the fast path: lines are cut out of one reused buffer, a count
//! of plain digits is parsed without allocating ([`usage::parse_digits`]),
//! and CSV rows are priced in integer minor units by [`Quick`], falling
//! back to the engine whenever a value would not fit. JSON Lines always use
//! the engine.
//!
//! Lines are cut by [`Input`]: CR, LF and CRLF each end one, and a line
//! longer than 1 MiB is a bad row, skipped unread. Surrounding spaces and
//! the quotes a spreadsheet puts around a value are ignored. Every line is
//! a row: a blank one is a bad row (no count), so the output lines up with
//! the input. The output's input column is named after the plan's unit (`sent`
//! or `conversations`) and holds the value as read.

use std::io::Read;

use super::quick::Quick;
use super::sink::Sink;
use super::split::{Input, Line, LongRow};
use super::{Format, Options, RowError, Tally, refusal, write_outcome};
use crate::catalog::{self, Catalog};
use crate::error::Error;
use crate::plan::{Plan, Unit};
use crate::usage::{self, MetaUsage, Usage};

/// A line without the double quotes a spreadsheet may put around a count
/// (`"15,000"`); the value is what is echoed and counted.
fn unquote(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
        .unwrap_or(line)
}

/// A count as written on a line, other than plain digits.
fn count(text: &[u8]) -> Result<u64, String> {
    let text = std::str::from_utf8(text)
        .map_err(|_| "the line is not UTF-8 text; expected a count such as 15000".to_owned())?;
    usage::parse_count(text).map_err(|m| {
        refusal(
            text,
            m,
            "a count; expected a whole number such as 15000 or 15,000",
        )
    })
}

/// The error of a line too long to read.
pub(super) fn too_long(long: &LongRow, what: &str) -> String {
    format!(
        "the {what} is {} bytes long, more than the {} bytes (1 MiB) a row may hold, and was skipped; it starts with `{}`",
        long.bytes,
        super::split::MAX_ROW_BYTES,
        crate::shown::shown_bytes(&long.start)
    )
}

/// The CSV row of a line without a count, written without formatting:
/// the same on every such line but for the row number, and a long run of
/// blank lines is common (a spreadsheet's trailing rows).
struct Blank {
    /// The empty input cell, the empty amounts and the error's start.
    head: Vec<u8>,
    /// The error after the row number, with the row's end.
    tail: Vec<u8>,
}

impl Blank {
    /// `None` when the error would need quotes escaped (it never does).
    fn new(column: &str, added_columns: usize) -> Option<Self> {
        let message = count(b"").err()?;
        let tail = format!(", column {column}: {message}\"\n");
        if tail[..tail.len() - 2].contains(['"', '\r', '\n']) {
            return None;
        }
        let mut head = vec![b','; added_columns];
        head.extend_from_slice(b"\"row ");
        Some(Self {
            head,
            tail: tail.into_bytes(),
        })
    }

    fn row(&self, sink: &mut Sink<'_>, tally: &mut Tally) -> Result<(), Error> {
        let row = tally.next_row();
        tally.bad_with(|| {
            let tail = String::from_utf8_lossy(&self.tail);
            format!("row {row}{}", tail.trim_end_matches("\"\n"))
        });
        sink.raw(&self.head);
        sink.minor(row, 0);
        sink.raw(&self.tail);
        sink.row_done()
    }
}

/// One row priced by the engine (JSON Lines, or a line the fast path does
/// not take), or refused with `refused`.
struct Slow<'a, 'c> {
    catalog: &'c Catalog,
    options: &'a Options<'c>,
    plan: &'c Plan,
    column: &'static str,
    names: [String; 1],
}

impl Slow<'_, '_> {
    fn row(
        &self,
        sink: &mut Sink<'_>,
        tally: &mut Tally,
        text: &[u8],
        counted: Result<u64, String>,
    ) -> Result<(), Error> {
        let row = tally.next_row();
        if self.options.format == Format::Csv {
            sink.field(text);
        }
        let usage = counted.map(|count| Usage {
            unit: None,
            count,
            meta: MetaUsage::None,
            markup_percent: None,
            month: self.options.month,
            phone_numbers: crate::usage::DEFAULT_PHONE_NUMBERS,
        });
        let priced = usage.and_then(|u| {
            catalog::price(self.catalog, self.plan, &u)
                .map(|bill| (bill, u))
                .map_err(|e| e.to_string())
        });
        let format = self.options.format;
        let column_error = |message: String| RowError {
            row,
            column: Some(self.column.to_owned()),
            message,
        };
        let outcome =
            priced
                .map_err(column_error)
                .and_then(|(bill, usage)| match self.options.vs {
                    None => Ok((bill, None)),
                    Some(vs) => vs
                        .price(self.catalog, self.plan, &usage)
                        .map(|vs_bill| (bill, Some(vs_bill)))
                        .map_err(|e| super::vs_row_error(vs, row, e)),
                });
        match &outcome {
            Ok((bill, vs)) => write_outcome(
                sink,
                tally,
                format,
                &self.names,
                &[text],
                Ok((bill, vs.as_ref())),
            ),
            Err(error) => write_outcome(sink, tally, format, &self.names, &[text], Err(error)),
        }
        sink.end_row()
    }
}

/// Streams a plain list through `plan`; the input's first `blank` lines
/// were blank (each a row without a count).
pub(super) fn run<R: Read>(
    catalog: &Catalog,
    options: &Options<'_>,
    plan: &Plan,
    blank: u64,
    lines: &mut Input<R>,
    sink: &mut Sink<'_>,
) -> Result<Tally, Error> {
    let column = plan.unit().map_or("sent", Unit::column);
    let slow = Slow {
        catalog,
        options,
        plan,
        column,
        names: [column.to_owned()],
    };
    if options.format == Format::Csv {
        sink.header(&slow.names)?;
    }
    // Comparing (`--vs-month`, `--vs-plans`) prices every row twice
    // through the engine.
    let quick = match (options.format, options.vs) {
        (Format::Csv, None) => Quick::new(plan),
        _ => None,
    };
    // The currency and base fee are the same on every row: their cells
    // are written once.
    let base = quick.as_ref().map(|_| {
        format!(
            ",{},{},",
            plan.currency,
            crate::money::round_line(plan.base_fee, plan.currency)
        )
    });
    let mut tally = super::new_tally(options);
    let blank_row = match options.format {
        Format::Csv => Blank::new(column, sink.added_columns()),
        Format::Jsonl => None,
    };
    for _ in 0..blank {
        match &blank_row {
            Some(blank_row) => blank_row.row(sink, &mut tally)?,
            None => slow.row(sink, &mut tally, b"", count(b""))?,
        }
    }
    // Totals of the rows priced on the fast path, in minor units.
    let (mut quick_total, mut quick_rows) = (0u128, 0u64);
    loop {
        let fast = match quick {
            Some(_) => lines.next_digits(),
            None => None,
        };
        let text = match &fast {
            Some((_, digits)) => &lines.buf[digits.clone()],
            None => match {
                sink.before_read(lines.drained())?;
                lines.next_line()
            }
            .map_err(|source| options.read_error(source))?
            {
                Some(Line::Text(line)) => unquote(line.trim_ascii()),
                Some(Line::TooLong(long)) => {
                    slow.row(sink, &mut tally, b"", Err(too_long(&long, "line")))?;
                    continue;
                }
                None => break,
            },
        };
        if let (true, Some(blank_row)) = (text.is_empty(), &blank_row) {
            blank_row.row(sink, &mut tally)?;
            continue;
        }
        let fast = fast
            .map(|(count, _)| count)
            .or_else(|| usage::parse_digits(text));
        let plain_digits = fast.is_some();
        let counted = fast.map_or_else(|| count(text), Ok);
        if let (Ok(n), Some(quick), Some(base)) = (&counted, &quick, &base) {
            if let Some(amounts) = quick.price(*n) {
                tally.next_row();
                quick_total += u128::from(amounts.total);
                quick_rows += 1;
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
        slow.row(sink, &mut tally, text, counted)?;
    }
    if let Some(quick) = &quick {
        tally.add_minor_units(plan.currency, quick_total, quick.minor_units, quick_rows);
        if plan.example {
            tally.example_rows += quick_rows;
        }
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_on_a_line() {
        assert_eq!(count(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(count(b"15000"), Ok(15_000));
        assert_eq!(count(b"15,000"), Ok(15_000));
        assert!(count(b"-5").unwrap_err().contains("negative"));
        assert!(count(b"\xff").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn refused_counts_are_quoted_safely() {
        // The parser's message would repeat the value raw.
        let error = count(b"1\x1b]0;pwned\x07").unwrap_err();
        assert_eq!(
            error,
            "`1\\u{1b}]0;pwned\\u{7}` is not a count; expected a whole number such as 15000 or 15,000"
        );
        let error = count("9x".repeat(1000).as_bytes()).unwrap_err();
        assert!(error.contains("… (2000 characters)"), "{error}");
        assert!(error.len() < 200, "{error}");
    }
}
