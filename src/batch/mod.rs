//! `ctbill batch`: one bill per input row, streamed, for scripts.
//!
//! Input is either a CSV with a header (see `table.rs`) or a plain list of
//! counts, one per line, priced on `--plan` (see `plain.rs`). The input is a
//! plain list when its first non-blank line has no letters (a header names
//! its columns; `-5` or `"15,000"` is a count, good or bad).
//!
//! The contract kept here:
//! - every input row yields exactly one output row, in input order; a bad
//!   row carries its error (`row 7, column sent: ...`) instead of amounts;
//!   rows are numbered from 1, not counting the header;
//! - in a plain list every line is a row, a blank one too (a bad row: its
//!   count is missing), so the output lines up with a parallel file of
//!   account ids; in a CSV, blank lines are not records (RFC 4180);
//! - rows are processed as they arrive and never collected: memory stays
//!   flat whatever the input size;
//! - a summary goes to stderr; the exit code is 1 when any row was bad, 2
//!   when the command line, `--plan` or the header is wrong (nothing is
//!   written to stdout then).

mod plain;
pub mod quick;
mod sink;
mod table;

use std::fmt;
use std::fmt::Write as _;
use std::io::Read;

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::app::Output;
use crate::bill;
use crate::calendar::{Date, Month};
use crate::catalog::Catalog;
use crate::error::{Error, exit};
use crate::plan::Plan;

use sink::Sink;

/// Output format of `batch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// The input columns, then `base,overage,fair_use_overage,meta,markup,total,error`.
    #[default]
    Csv,
    /// JSON Lines: one `estimate --format json` bill per line, with `row` and
    /// `input` (the row's cells by column name); `row`, `error` and `input`
    /// on a bad row.
    Jsonl,
}

/// The columns `batch` adds after the input columns, in order.
pub const AMOUNT_COLUMNS: [&str; 7] = [
    "base",
    "overage",
    "fair_use_overage",
    "meta",
    "markup",
    "total",
    "error",
];

/// Settings of one batch run, validated.
#[derive(Debug, Clone)]
pub struct Options<'c> {
    /// `--plan`: for a plain list, and for rows without a `plan` cell.
    pub default_plan: Option<&'c Plan>,
    /// Output format.
    pub format: Format,
    /// Billing month for rows without a `month` cell.
    pub month: Month,
}

impl<'c> Options<'c> {
    /// Checks `--plan` against the catalog.
    ///
    /// # Errors
    ///
    /// An unknown plan (with the closest id) or the free plan, which can
    /// price no row.
    pub fn new(catalog: &'c Catalog, plan: Option<&str>, format: Format) -> Result<Self, Error> {
        let default_plan = plan.map(|id| catalog.plan(id)).transpose()?;
        if let Some(plan) = default_plan {
            bill::check_unit(plan, None)?;
        }
        Ok(Self {
            default_plan,
            format,
            month: Date::today_utc().month(),
        })
    }
}

/// What went wrong on one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowError {
    row: u64,
    column: Option<String>,
    message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "row {}, column {column}: {}", self.row, self.message),
            None => write!(f, "row {}: {}", self.row, self.message),
        }
    }
}

/// Rows seen and rows bad, for the summary.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    rows: u64,
    bad: u64,
    first_bad: Option<String>,
    /// Things about the input worth a word on stderr (e.g. a carried
    /// column named like an output column).
    notes: Vec<String>,
}

impl Tally {
    /// Counts a new row and returns its number (from 1).
    fn next_row(&mut self) -> u64 {
        self.rows += 1;
        self.rows
    }

    fn bad(&mut self, error: &RowError) -> String {
        self.bad += 1;
        let text = error.to_string();
        if self.first_bad.is_none() {
            self.first_bad = Some(text.clone());
        }
        text
    }

    fn summary(&self) -> String {
        let rows = if self.rows == 1 { "row" } else { "rows" };
        let mut text = String::new();
        for note in &self.notes {
            let _ = writeln!(text, "ctbill: batch: note: {note}");
        }
        let _ = match &self.first_bad {
            Some(first) => writeln!(
                text,
                "ctbill: batch: {} {rows}, {} bad (first: {first})",
                self.rows, self.bad
            ),
            None => writeln!(text, "ctbill: batch: {} {rows}, 0 bad", self.rows),
        };
        text
    }
}

/// A row's input cells by column name, for JSON Lines (`"input": {...}`).
/// Missing cells are empty strings; bytes that are not UTF-8 are replaced.
struct InputJson<'a> {
    names: &'a [String],
    cells: &'a [&'a [u8]],
}

impl Serialize for InputJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.names.len()))?;
        for (i, name) in self.names.iter().enumerate() {
            let cell = self.cells.get(i).copied().unwrap_or_default();
            map.serialize_entry(name, &String::from_utf8_lossy(cell))?;
        }
        map.end()
    }
}

/// A priced row in JSON Lines: the bill exactly as `estimate --format json`
/// writes it, plus `row` and `input`.
#[derive(Serialize)]
struct BillRow<'a> {
    row: u64,
    #[serde(flatten)]
    bill: crate::render::json::BillJson<'a>,
    input: InputJson<'a>,
}

/// A bad row in JSON Lines.
#[derive(Serialize)]
struct BadRow<'a> {
    row: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<&'a str>,
    error: &'a str,
    input: InputJson<'a>,
}

/// Writes one row's outcome in the chosen format; `cells` are the input
/// cells (already written for CSV by the caller).
fn write_outcome(
    sink: &mut Sink<'_>,
    tally: &mut Tally,
    format: Format,
    names: &[String],
    cells: &[&[u8]],
    outcome: Result<&bill::Bill<'_>, &RowError>,
) {
    let input = || InputJson { names, cells };
    match (format, outcome) {
        (Format::Csv, Ok(bill)) => sink.amounts(bill),
        (Format::Csv, Err(error)) => {
            let text = tally.bad(error);
            sink.error(&text);
        }
        (Format::Jsonl, Ok(bill)) => sink.json(&BillRow {
            row: tally.rows,
            bill: crate::render::json::BillJson::new(bill, false),
            input: input(),
        }),
        (Format::Jsonl, Err(error)) => {
            let text = tally.bad(error);
            sink.json(&BadRow {
                row: error.row,
                column: error.column.as_deref(),
                error: &text,
                input: input(),
            });
        }
    }
}

/// Reads until the first non-blank line is complete (or the input ends),
/// and drops a UTF-8 byte-order mark.
fn read_start(input: &mut impl Read) -> Result<Vec<u8>, Error> {
    let mut buf = Vec::new();
    // Single reads, so a slow producer's first line is not held back.
    let mut chunk = vec![0; plain::CHUNK];
    loop {
        let read = match input.read(&mut chunk) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(Error::Io {
                    context: "cannot read the input".to_owned(),
                    source,
                });
            }
        };
        let begin = buf.len();
        buf.extend_from_slice(&chunk[..read]);
        let start = buf.iter().position(|b| !b.is_ascii_whitespace());
        let complete = start.is_some_and(|s| buf[s.max(begin)..].contains(&b'\n'));
        if read == 0 || complete {
            break;
        }
    }
    if buf.starts_with(b"\xEF\xBB\xBF") {
        buf.drain(..3);
    }
    Ok(buf)
}

/// The kind of input, from its first non-blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Empty,
    Plain,
    Csv,
}

/// A CSV header names its columns, so it has letters; a count (even a bad
/// one such as `-5`, `1.5` or a quoted `"15,000"`) has none.
fn detect(start: &[u8]) -> Kind {
    let first = start
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .find(|line| !line.is_empty());
    match first {
        None => Kind::Empty,
        Some(line)
            if String::from_utf8_lossy(line)
                .chars()
                .any(char::is_alphabetic) =>
        {
            Kind::Csv
        }
        Some(_) => Kind::Plain,
    }
}

/// Runs a batch: reads `input`, writes one row per input row to stdout and
/// a summary to stderr. Returns the exit code: 0, or 1 when a row was bad.
///
/// # Errors
///
/// An input that cannot be read, a header that cannot be used, a plain
/// list without `--plan`, or an output that cannot be written (a closed
/// pipe included; the caller treats that as a quiet end).
pub fn run<R: Read>(
    catalog: &Catalog,
    options: &Options<'_>,
    mut input: R,
    out: &mut Output<'_>,
) -> Result<u8, Error> {
    let start = read_start(&mut input)?;
    let mut sink = Sink::new(out.stdout);
    let tally = match (detect(&start), options.default_plan) {
        (Kind::Plain | Kind::Empty, Some(plan)) => {
            plain::run(catalog, options, plan, start, input, &mut sink)?
        }
        (Kind::Plain, None) => {
            let first = start
                .split(|&b| b == b'\n')
                .map(<[u8]>::trim_ascii)
                .find(|l| !l.is_empty())
                .unwrap_or_default();
            return Err(Error::Input(format!(
                "the input is a plain list of counts (first line `{}`): give the plan with --plan ID, or start the input with a CSV header such as `plan,sent`",
                String::from_utf8_lossy(first)
            )));
        }
        (Kind::Empty, None) => {
            return Err(Error::Input(
                "the input is empty: expected a CSV header such as `plan,sent` and one row per account, or counts one per line with --plan ID".to_owned(),
            ));
        }
        (Kind::Csv, _) => table::run(
            catalog,
            options,
            std::io::Cursor::new(start).chain(input),
            &mut sink,
        )?,
    };
    sink.finish()?;
    let _ = out.stderr.write_all(tally.summary().as_bytes());
    Ok(if tally.bad > 0 {
        exit::BAD_ROWS
    } else {
        exit::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_plain_lists_by_their_first_non_blank_line() {
        assert_eq!(detect(b""), Kind::Empty);
        assert_eq!(detect(b" \r\n\n"), Kind::Empty);
        assert_eq!(detect(b"15000\n"), Kind::Plain);
        assert_eq!(detect(b"\n\n15,000\n"), Kind::Plain);
        assert_eq!(detect(b"-5\n"), Kind::Plain);
        assert_eq!(detect(b"plan,sent\n"), Kind::Csv);
        assert_eq!(detect(b"\"sent\"\n"), Kind::Csv);
        // A header whose first column starts with a digit is still a header;
        // a quoted count is still a count.
        assert_eq!(detect(b"2026 accounts,plan,sent\n"), Kind::Csv);
        assert_eq!(detect(b"\"15,000\"\n"), Kind::Plain);
        assert_eq!(detect(b"1.5\n"), Kind::Plain);
    }

    #[test]
    fn reads_past_leading_blank_lines_and_drops_a_bom() {
        let text = b"\xEF\xBB\xBFplan,sent\r\nconnect-10k,1\r\n";
        let start = read_start(&mut &text[..]).unwrap();
        assert!(start.starts_with(b"plan,sent"));
    }

    #[test]
    fn row_errors_name_row_and_column() {
        let error = RowError {
            row: 7,
            column: Some("sent".into()),
            message: "`-5` is negative; a count is zero or more".into(),
        };
        assert_eq!(
            error.to_string(),
            "row 7, column sent: `-5` is negative; a count is zero or more"
        );
    }
}
