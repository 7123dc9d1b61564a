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
//! - every input line belongs to exactly one row (`split.rs`): CR, LF and
//!   CRLF each end a line; a quote that never closes, a row over 1 MiB
//!   and a quoted cell with text after its closing quote are bad rows that
//!   say so, never lines silently merged, dropped or altered;
//! - rows are processed as they arrive and never collected, and no row is
//!   held past 1 MiB: memory stays flat whatever the input;
//! - an error quotes input only through [`crate::shown`];
//! - the CSV output says each row's currency, and a summary goes to stderr
//!   (with the sum of `total` per currency); the exit code is 1 when any row
//!   was bad, 2 when the command line, `--plan` or the header is wrong
//!   (nothing is written to stdout then).

mod fastjson;
mod fastrow;
mod parallel;
mod plain;
pub mod quick;
mod sink;
mod split;
mod table;

use std::fmt;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::Path;

#[cfg(test)]
use serde::Serialize;
#[cfg(test)]
use serde::ser::SerializeMap;

use crate::bill;
use crate::calendar::Month;
use crate::catalog::Catalog;
use crate::error::{Error, exit};
use crate::money::Currency;
use crate::plan::Plan;
use crate::shown::{shown, shown_bytes};
use crate::vs::{VsError, VsPricing};

use sink::Sink;

/// Output format of `batch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// The input columns, then
    /// `currency,base,overage,fair_use_overage,meta,markup,total,error`.
    #[default]
    Csv,
    /// JSON Lines: one `estimate --format json` bill per line, with `row` and
    /// `input` (the row's cells by column name); `row`, `error` and `input`
    /// on a bad row.
    Jsonl,
}

/// The columns `--vs-month` / `--vs-plans` add between `total` and `error`.
pub const VS_COLUMNS: [&str; 2] = ["vs_total", "change"];

/// The columns `batch` adds after the input columns, in order (with
/// [`VS_COLUMNS`] before `error` when comparing).
pub const AMOUNT_COLUMNS: [&str; 8] = [
    "currency",
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
    /// `--vs-month` / `--vs-plans`: every row priced a second time, with
    /// `vs_total` and `change` in the output and a summary of the changes.
    pub vs: Option<&'c VsPricing>,
    /// The input as error messages name it.
    input_name: String,
    /// Price on several threads ([`parallel`]): a large regular file.
    parallel: bool,
    /// Price the common CSV rows on the integer fast path ([`fastrow`]);
    /// off, every row goes through the engine (the tests hold the two
    /// outputs equal byte for byte).
    fast_path: bool,
}

impl<'c> Options<'c> {
    /// Checks `--plan` against the catalog; `month` is the billing month
    /// of rows without a `month` cell.
    ///
    /// # Errors
    ///
    /// An unknown plan (with the closest id) or the free plan, which can
    /// price no row.
    pub fn new(
        catalog: &'c Catalog,
        plan: Option<&str>,
        format: Format,
        month: Month,
    ) -> Result<Self, Error> {
        let default_plan = plan
            .map(|id| {
                // The catalog's message repeats the id as typed: quote it
                // safely when it holds control characters or is long.
                catalog.plan(id).map_err(|e| {
                    if shown(id) == id {
                        e
                    } else {
                        Error::Input(format!(
                            "--plan: `{}` is not a plan id; plan ids are lowercase letters, digits and `-` (run `ctbill plans` to list them)",
                            shown(id)
                        ))
                    }
                })
            })
            .transpose()?;
        if let Some(plan) = default_plan {
            bill::check_unit(plan, None)?;
        }
        Ok(Self {
            default_plan,
            format,
            month,
            vs: None,
            input_name: "standard input".to_owned(),
            parallel: false,
            fast_path: true,
        })
    }

    /// These settings with every row priced by the engine, never by the
    /// integer fast path: the baseline the benchmarks measure the fast
    /// path against (the output is the same byte for byte).
    #[must_use]
    pub fn engine_only(self) -> Self {
        Self {
            fast_path: false,
            ..self
        }
    }

    /// What a worker thread needs to rebuild these settings on its own
    /// copy of the catalog (see [`Seed::options`]).
    fn seed(&self) -> Seed {
        Seed {
            plan: self.default_plan.map(|plan| plan.id.clone()),
            format: self.format,
            month: self.month,
            vs: self.vs.map(|vs| match vs {
                VsPricing::Month(month) => SeedVs::Month(*month),
                VsPricing::Plans { catalog, dir } => {
                    SeedVs::Plans(catalog.source.clone(), dir.clone())
                }
            }),
            input_name: self.input_name.clone(),
            fast_path: self.fast_path,
        }
    }

    /// The error of a failed read, naming the input.
    fn read_error(&self, source: std::io::Error) -> Error {
        Error::Io {
            context: format!("cannot read {}", self.input_name),
            source,
        }
    }
}

/// [`Options`] without references into a catalog, to share with threads.
struct Seed {
    plan: Option<String>,
    format: Format,
    month: Month,
    vs: Option<SeedVs>,
    input_name: String,
    fast_path: bool,
}

/// [`VsPricing`] to rebuild: its month, or the other plans' source.
enum SeedVs {
    Month(Month),
    Plans(crate::load::Source, String),
}

impl Seed {
    /// The other catalog of `--vs-plans`, loaded afresh (`None` otherwise).
    fn vs_pricing(&self) -> Result<Option<VsPricing>, Error> {
        Ok(match &self.vs {
            None => None,
            Some(SeedVs::Month(month)) => Some(VsPricing::Month(*month)),
            Some(SeedVs::Plans(source, dir)) => Some(VsPricing::Plans {
                catalog: Box::new(Catalog::load(source.clone())?),
                dir: dir.clone(),
            }),
        })
    }

    /// The settings on `catalog` and `vs` (from [`Seed::vs_pricing`]).
    fn options<'d>(
        &self,
        catalog: &'d Catalog,
        vs: Option<&'d VsPricing>,
    ) -> Result<Options<'d>, Error> {
        Ok(Options {
            default_plan: self
                .plan
                .as_deref()
                .map(|id| catalog.plan(id))
                .transpose()?,
            format: self.format,
            month: self.month,
            vs,
            input_name: self.input_name.clone(),
            parallel: true,
            fast_path: self.fast_path,
        })
    }
}

/// A parser's refusal of `text`, safe to show: when `text` holds control
/// characters or is long, the parser's message (which repeats it whole) is
/// replaced by one that quotes it through [`shown`] and says it is not
/// `expected` (e.g. "a count; expected a whole number such as 15000").
pub(crate) fn refusal(text: &str, message: String, expected: &str) -> String {
    let quoted = shown(text.trim());
    if quoted == text.trim() {
        message
    } else {
        format!("`{quoted}` is not {expected}")
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
    /// Things about the input worth a word on stderr (e.g. an input
    /// column named like an output column).
    notes: Vec<String>,
    /// The totals of the priced rows, one per currency, in the order met.
    totals: Vec<Total>,
    /// Priced rows whose plan has example prices, not a contract's: the
    /// CSV's columns are fixed, so the summary says it for them.
    example_rows: u64,
    /// Rows whose markup is a fraction below 1 without `%`, and the
    /// warning for the first of them (one note for the whole batch).
    unmarked_markups: u64,
    first_unmarked_markup: Option<String>,
    /// With `--vs-month` / `--vs-plans`: what the vs bills were priced
    /// under, and the changes per currency, in the order met.
    vs: Option<(String, Vec<Changes>)>,
}

/// The changes of one currency's rows under `--vs-month` / `--vs-plans`.
#[derive(Debug)]
struct Changes {
    currency: Currency,
    /// Sum of the totals; `None` once it overflowed.
    total: Option<rust_decimal::Decimal>,
    /// Sum of the vs totals; `None` once it overflowed.
    vs_total: Option<rust_decimal::Decimal>,
    up: u64,
    down: u64,
    same: u64,
}

/// The sum of the `total` column over the rows of one currency, exact:
/// an integer count of `10^-scale` (the currency's minor unit, unless an
/// amount had more decimals).
#[derive(Debug)]
struct Total {
    currency: Currency,
    /// `None` once the sum does not fit in an `i128`.
    sum: Option<i128>,
    scale: u32,
    rows: u64,
}

impl Total {
    /// Adds `mantissa × 10^-scale`.
    fn add(&mut self, mantissa: i128, scale: u32) {
        if scale > self.scale {
            let up = 10i128.checked_pow(scale - self.scale);
            self.sum = self.sum.zip(up).and_then(|(s, up)| s.checked_mul(up));
            self.scale = scale;
        }
        let up = 10i128.checked_pow(self.scale - scale);
        let amount = up.and_then(|up| mantissa.checked_mul(up));
        self.sum = self.sum.zip(amount).and_then(|(s, a)| s.checked_add(a));
    }

    /// The sum as a decimal text (`1750.44`), `None` when it overflowed.
    fn text(&self) -> Option<String> {
        let sum = self.sum?;
        let unit = 10u128.checked_pow(self.scale)?;
        let (whole, fraction) = (sum.unsigned_abs() / unit, sum.unsigned_abs() % unit);
        let sign = if sum < 0 { "-" } else { "" };
        Some(if self.scale == 0 {
            format!("{sign}{whole}")
        } else {
            format!(
                "{sign}{whole}.{fraction:0width$}",
                width = self.scale as usize
            )
        })
    }
}

impl Tally {
    /// Adds the summary of the rows after those counted so far (a chunk
    /// priced on another thread).
    fn absorb(&mut self, part: Tally) {
        self.rows = self.rows.max(part.rows);
        self.bad += part.bad;
        if self.first_bad.is_none() {
            self.first_bad = part.first_bad;
        }
        self.notes.extend(part.notes);
        for total in part.totals {
            let mine = self.total(total.currency);
            match total.sum {
                Some(sum) => mine.add(sum, total.scale),
                None => mine.sum = None,
            }
            mine.rows += total.rows;
        }
        self.example_rows += part.example_rows;
        if let (Some((_, mine)), Some((_, theirs))) = (&mut self.vs, part.vs) {
            for change in theirs {
                match mine.iter_mut().find(|c| c.currency == change.currency) {
                    Some(c) => {
                        c.total = c
                            .total
                            .zip(change.total)
                            .and_then(|(a, b)| a.checked_add(b));
                        c.vs_total = c
                            .vs_total
                            .zip(change.vs_total)
                            .and_then(|(a, b)| a.checked_add(b));
                        c.up += change.up;
                        c.down += change.down;
                        c.same += change.same;
                    }
                    None => mine.push(change),
                }
            }
        }
        self.unmarked_markups += part.unmarked_markups;
        if self.first_unmarked_markup.is_none() {
            self.first_unmarked_markup = part.first_unmarked_markup;
        }
    }

    /// The note on markups written below 1 without `%`, once all rows are in.
    fn markup_note(&mut self) {
        if let Some(first) = &self.first_unmarked_markup {
            let n = self.unmarked_markups;
            let rows = if n == 1 { "row" } else { "rows" };
            self.notes.push(format!(
                "{first} ({n} {rows} had a markup below 1 written without %)"
            ));
        }
    }

    /// Counts a new row and returns its number (from 1).
    fn next_row(&mut self) -> u64 {
        self.rows += 1;
        self.rows
    }

    /// Counts a bad row whose error `text` makes only when it is the first.
    fn bad_with(&mut self, text: impl FnOnce() -> String) {
        self.bad += 1;
        if self.first_bad.is_none() {
            self.first_bad = Some(text());
        }
    }

    fn bad(&mut self, error: &RowError) -> String {
        self.bad += 1;
        let text = error.to_string();
        if self.first_bad.is_none() {
            self.first_bad = Some(text.clone());
        }
        text
    }

    /// Adds `rows` priced rows of `currency` whose totals sum to `amount`.
    /// The running total of `currency`.
    fn total(&mut self, currency: Currency) -> &mut Total {
        let index = if let Some(i) = self.totals.iter().position(|t| t.currency == currency) {
            i
        } else {
            self.totals.push(Total {
                currency,
                sum: Some(0),
                scale: currency.minor_units(),
                rows: 0,
            });
            self.totals.len() - 1
        };
        &mut self.totals[index]
    }

    /// Counts a priced row: its total, whether its plan has example
    /// prices, and with `--vs-month` / `--vs-plans` its change against the
    /// vs bill's total.
    fn priced(
        &mut self,
        currency: Currency,
        total: rust_decimal::Decimal,
        example: bool,
        vs_total: Option<rust_decimal::Decimal>,
    ) {
        self.add(currency, total);
        if example {
            self.example_rows += 1;
        }
        if let Some(vs_total) = vs_total {
            self.add_change(currency, total, vs_total);
        }
    }

    /// Adds a priced row's total.
    fn add(&mut self, currency: Currency, amount: rust_decimal::Decimal) {
        let total = self.total(currency);
        total.add(amount.mantissa(), amount.scale());
        total.rows += 1;
    }

    /// Adds `rows` rows whose totals sum to `minor` minor units (`scale`
    /// decimals) of `currency`.
    fn add_minor_units(&mut self, currency: Currency, minor: u128, scale: u32, rows: u64) {
        if rows == 0 {
            return;
        }
        let total = self.total(currency);
        match i128::try_from(minor) {
            Ok(minor) => total.add(minor, scale),
            Err(_) => total.sum = None,
        }
        total.rows += rows;
    }

    /// Adds a priced row's total and vs total (`--vs-month`, `--vs-plans`).
    fn add_change(
        &mut self,
        currency: Currency,
        total: rust_decimal::Decimal,
        vs_total: rust_decimal::Decimal,
    ) {
        let Some((_, changes)) = &mut self.vs else {
            return;
        };
        let index = if let Some(i) = changes.iter().position(|c| c.currency == currency) {
            i
        } else {
            let zero = rust_decimal::Decimal::new(0, currency.minor_units());
            changes.push(Changes {
                currency,
                total: Some(zero),
                vs_total: Some(zero),
                up: 0,
                down: 0,
                same: 0,
            });
            changes.len() - 1
        };
        let c = &mut changes[index];
        c.total = c.total.and_then(|t| t.checked_add(total));
        c.vs_total = c.vs_total.and_then(|t| t.checked_add(vs_total));
        match total.cmp(&vs_total) {
            std::cmp::Ordering::Greater => c.up += 1,
            std::cmp::Ordering::Less => c.down += 1,
            std::cmp::Ordering::Equal => c.same += 1,
        }
    }

    /// The summary lines of the changes: per currency, the total, the vs
    /// total, the change and how many accounts went up, down or stayed.
    fn changes_summary(&self, text: &mut String) {
        let Some((label, changes)) = &self.vs else {
            return;
        };
        for c in changes {
            let sums = c.total.zip(c.vs_total).and_then(|(t, v)| {
                t.checked_sub(v)
                    .map(|change| (t, v, crate::diff::signed(change)))
            });
            let counts = format!("{} up, {} down, {} same", c.up, c.down, c.same);
            let _ = match sums {
                Some((total, vs_total, change)) => writeln!(
                    text,
                    "ctbill: batch: total {cur} {total}; vs ({label}) {cur} {vs_total}; change {change}; {counts}",
                    cur = c.currency
                ),
                None => writeln!(
                    text,
                    "ctbill: batch: vs ({label}) {}: too large to add up; {counts}",
                    c.currency
                ),
            };
        }
    }

    fn summary(&self) -> String {
        let rows = if self.rows == 1 { "row" } else { "rows" };
        let mut text = String::new();
        for note in &self.notes {
            let _ = writeln!(text, "ctbill: batch: warning: {note}");
        }
        let _ = match &self.first_bad {
            Some(first) => writeln!(
                text,
                "ctbill: batch: {} {rows}, {} bad (first: {first})",
                self.rows, self.bad
            ),
            None => writeln!(text, "ctbill: batch: {} {rows}, 0 bad", self.rows),
        };
        if self.example_rows > 0 {
            let rows = if self.example_rows == 1 {
                "row is"
            } else {
                "rows are"
            };
            let _ = writeln!(
                text,
                "ctbill: batch: {} {rows} priced on plans with example prices, not a contract's; replace them with the customer's contract prices before sending these bills",
                self.example_rows
            );
        }
        // One sum per currency: USD and INR totals never add up together.
        for total in &self.totals {
            let rows = if total.rows == 1 { "row" } else { "rows" };
            let _ = match total.text() {
                Some(sum) => writeln!(
                    text,
                    "ctbill: batch: total {} {sum} ({} {rows})",
                    total.currency, total.rows
                ),
                None => writeln!(
                    text,
                    "ctbill: batch: total {}: too large to add up ({} {rows})",
                    total.currency, total.rows
                ),
            };
        }
        self.changes_summary(&mut text);
        text
    }
}

#[cfg(test)]
/// A row's input cells by column name, for JSON Lines (`"input": {...}`).
/// Missing cells are empty strings; bytes that are not UTF-8 are replaced.
struct InputJson<'a> {
    names: &'a [String],
    cells: &'a [&'a [u8]],
}

#[cfg(test)]
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

#[cfg(test)]
/// A priced row in JSON Lines: the bill exactly as `estimate --format json`
/// writes it, plus `row` and `input`.
#[derive(Serialize)]
struct BillRow<'a> {
    row: u64,
    #[serde(flatten)]
    bill: crate::render::json::BillJson<'a>,
    /// With `--vs-month` / `--vs-plans`: the row priced the second time.
    #[serde(skip_serializing_if = "Option::is_none")]
    vs: Option<crate::render::json::BillJson<'a>>,
    /// `total − vs.total`, with `vs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<String>,
    input: InputJson<'a>,
}

#[cfg(test)]
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
    outcome: Result<(&bill::Bill<'_>, Option<&bill::Bill<'_>>), &RowError>,
) {
    if let Ok((bill, vs)) = outcome {
        tally.priced(
            bill.currency(),
            bill.total,
            bill.plan.example,
            vs.map(|vs| vs.total),
        );
    }
    match (format, outcome) {
        (Format::Csv, Ok((bill, vs))) => sink.amounts(bill, vs),
        (Format::Csv, Err(error)) => {
            let text = tally.bad(error);
            sink.error(&text);
        }
        (Format::Jsonl, Ok((bill, vs))) => {
            fastjson::bill_row(sink.json(), tally.rows, bill, vs, names, cells);
        }
        (Format::Jsonl, Err(error)) => {
            let text = tally.bad(error);
            fastjson::bad_row(
                sink.buf(),
                error.row,
                error.column.as_deref(),
                &text,
                names,
                cells,
            );
        }
    }
}

/// The kind of input, from its first non-blank line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Empty,
    Plain,
    Csv,
}

/// A CSV header names its columns, so it has letters; a count (even a bad
/// one such as `-5`, `1.5` or a quoted `"15,000"`) has none. `first` is the
/// first non-blank line.
fn detect(first: &[u8]) -> Kind {
    if first.trim_ascii().is_empty() {
        Kind::Empty
    } else if String::from_utf8_lossy(first)
        .chars()
        .any(char::is_alphabetic)
    {
        Kind::Csv
    } else {
        Kind::Plain
    }
}

/// The row error of a failed second pricing.
pub(crate) fn vs_row_error(pricing: &VsPricing, row: u64, err: VsError) -> RowError {
    RowError {
        row,
        column: None,
        message: match err {
            VsError::Plan(message) => message,
            VsError::Price(e) => format!("{}: {e}", pricing.flag()),
        },
    }
}

/// A tally for a run, ready to count changes when comparing.
fn new_tally(options: &Options<'_>) -> Tally {
    Tally {
        vs: options.vs.map(|vs| (vs.label(), Vec::new())),
        ..Tally::default()
    }
}

/// Runs a batch: reads `input`, writes one row per input row to `stdout`
/// and a summary to `stderr`. Returns the exit code: 0, or 1 when a row was bad.
///
/// # Errors
///
/// An input that cannot be read, a header that cannot be used, a plain
/// list without `--plan`, or an output that cannot be written (a closed
/// pipe included; the caller treats that as a quiet end).
pub fn run<R: Read>(
    catalog: &Catalog,
    options: &Options<'_>,
    input: R,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Error> {
    let mut lines = split::Input::new(input);
    let (blank, first) = lines.begin().map_err(|e| options.read_error(e))?;
    let kind = detect(first);
    let first = first.trim_ascii();
    let first = if kind == Kind::Plain && options.default_plan.is_none() {
        shown_bytes(first)
    } else {
        String::new()
    };
    let mut sink = Sink::new(stdout, options.vs.is_some());
    let tally = match (kind, options.default_plan) {
        (Kind::Plain | Kind::Empty, Some(plan)) => {
            plain::run(catalog, options, plan, blank, &mut lines, &mut sink)?
        }
        (Kind::Plain, None) => {
            return Err(Error::Input(format!(
                "the input is a plain list of counts (first line `{first}`): give the plan with --plan ID, or start the input with a CSV header such as `plan,sent`"
            )));
        }
        (Kind::Empty, None) => {
            return Err(Error::Input(
                "the input is empty: expected a CSV header such as `plan,sent` and one row per account, or counts one per line with --plan ID".to_owned(),
            ));
        }
        (Kind::Csv, _) => table::run(catalog, options, &mut lines, &mut sink)?,
    };
    sink.finish()?;
    let _ = stderr.write_all(tally.summary().as_bytes());
    Ok(if tally.bad > 0 {
        exit::BAD_ROWS
    } else {
        exit::SUCCESS
    })
}

/// Runs a batch on the file at `path` (see [`run`]); errors name the file.
///
/// # Errors
///
/// As [`run`], and a file that cannot be opened or is a directory.
pub fn run_file(
    catalog: &Catalog,
    options: &Options<'_>,
    path: &Path,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Error> {
    let name = shown(&path.to_string_lossy());
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        context: format!("cannot read `{name}`"),
        source,
    })?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Error::Input(format!(
            "`{name}` is a directory; give the CSV file or list of counts to price, or - for standard input"
        )));
    }
    let options = Options {
        input_name: format!("`{name}`"),
        parallel: worth_threads(&file),
        ..options.clone()
    };
    run(catalog, &options, file, stdout, stderr)
}

/// Whether `file` is worth pricing on several threads: a regular file
/// (never a pipe or terminal, whose rows must come out as they arrive)
/// large enough to repay starting them, on a machine with cores to spare.
fn worth_threads(file: &std::fs::File) -> bool {
    file.metadata()
        .is_ok_and(|m| m.is_file() && m.len() >= parallel::MIN_BYTES)
        && parallel::workers().is_some()
}

/// Runs a batch on standard input (see [`run`]); a large regular file
/// redirected to it (`< big.csv`) is priced on several threads, a pipe row
/// by row as it arrives.
///
/// # Errors
///
/// As [`run`].
pub fn run_stdin(
    catalog: &Catalog,
    options: &Options<'_>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8, Error> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let file = std::io::stdin()
            .as_fd()
            .try_clone_to_owned()
            .map(std::fs::File::from);
        if let Ok(file) = file
            && worth_threads(&file)
        {
            let options = Options {
                parallel: true,
                ..options.clone()
            };
            return run(catalog, &options, file, stdout, stderr);
        }
    }
    run(catalog, options, std::io::stdin().lock(), stdout, stderr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &[u8]) -> Kind {
        let mut input = split::Input::new(text);
        detect(input.begin().unwrap().1)
    }

    #[test]
    fn detects_plain_lists_by_their_first_non_blank_line() {
        assert_eq!(kind(b""), Kind::Empty);
        assert_eq!(kind(b" \r\n\n"), Kind::Empty);
        assert_eq!(kind(b"15000\n"), Kind::Plain);
        assert_eq!(kind(b"\n\n15,000\n"), Kind::Plain);
        assert_eq!(kind(b"-5\n"), Kind::Plain);
        assert_eq!(kind(b"plan,sent\n"), Kind::Csv);
        assert_eq!(kind(b"\"sent\"\n"), Kind::Csv);
        // A header whose first column starts with a digit is still a header;
        // a quoted count is still a count.
        assert_eq!(kind(b"2026 accounts,plan,sent\n"), Kind::Csv);
        assert_eq!(kind(b"\"15,000\"\n"), Kind::Plain);
        assert_eq!(kind(b"1.5\n"), Kind::Plain);
        // Only the first line decides, whatever ends it: a count then a
        // word on the next line (CR-only line ends) is a plain list.
        assert_eq!(kind(b"15000\rabc\r"), Kind::Plain);
    }

    #[test]
    fn reads_past_leading_blank_lines_and_drops_a_bom() {
        let text = b"\xEF\xBB\xBF\r\n \n\rplan,sent\r\nconnect-10k,1\r\n";
        let mut input = split::Input::new(&text[..]);
        let (blank, first) = input.begin().unwrap();
        assert_eq!((blank, first), (3, &b"plan,sent"[..]));
    }

    #[test]
    fn a_refused_market_names_its_own_column_past_blank_cells() {
        // The cell of marketing:IN holds only a no-break space, or a
        // vertical tab: no count, as the row reads it; the error is
        // marketing:Atlantis's.
        let catalog = crate::catalog::Catalog::load(crate::load::Source::Embedded).unwrap();
        let input = "account,plan,conversations,marketing:IN,marketing:Atlantis\n\
                     a,direct-25k,5,\u{a0},7\nb,direct-25k,5,\u{b},7\n";
        let options = Options::new(&catalog, None, Format::Csv, Month::of(2026, 11)).unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        run(&catalog, &options, input.as_bytes(), &mut out, &mut err).unwrap();
        let out = String::from_utf8(out).unwrap();
        for row in 1..=2 {
            assert!(
                out.contains(&format!("row {row}, column marketing:Atlantis: `Atlantis`")),
                "{out}"
            );
        }
    }

    #[test]
    fn totals_add_exactly_per_currency() {
        let usd: Currency = "USD".parse().unwrap();
        let jpy: Currency = "JPY".parse().unwrap();
        let mut tally = Tally::default();
        // 65.00 + 1685.44 + 0.5 (an amount with fewer decimals) = 1750.94 USD.
        tally.add(usd, rust_decimal::Decimal::new(6500, 2));
        tally.add(jpy, rust_decimal::Decimal::new(3000, 0));
        tally.add(usd, rust_decimal::Decimal::new(168_544, 2));
        tally.add(usd, rust_decimal::Decimal::new(5, 1));
        // Two fast-path rows of 18446744073709551615 minor units each (past
        // u64 together): 36893488147419103230 cents = 368934881474191032.30;
        // with the 1750.94 above, 368934881474192783.24.
        tally.add_minor_units(usd, 2 * u128::from(u64::MAX), 2, 2);
        // 0.001, one more decimal than the cent: 368934881474192783.241.
        tally.add(usd, rust_decimal::Decimal::new(1, 3));
        let summary = tally.summary();
        assert!(
            summary.contains("total USD 368934881474192783.241 (6 rows)\n"),
            "{summary}"
        );
        assert!(summary.contains("total JPY 3000 (1 row)\n"), "{summary}");
        let usd_first = summary.find("USD").unwrap() < summary.find("JPY").unwrap();
        assert!(usd_first, "currencies in the order met: {summary}");
        tally.add_minor_units(jpy, u128::MAX, 0, 1);
        assert!(
            tally
                .summary()
                .contains("total JPY: too large to add up (2 rows)")
        );
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
