//! CSV input with a header: one account per row.
//!
//! Known columns (matched case-insensitively, surrounding spaces ignored):
//! `plan`, `sent`, `conversations`, `meta_amount`, `markup`, `month`, and
//! Meta message counts as `CATEGORY:MARKET` (any column with a `:`). Every
//! other column is carried through unchanged.
//!
//! Per row: a non-empty `plan` cell wins over `--plan`, which fills empty
//! or missing cells. The count is in `sent` or `conversations` (one of the
//! two, in the plan's unit). Empty `meta_amount`, `markup`, `month` and
//! Meta cells mean "not given". A row with more or fewer fields than the
//! header is a bad row; its output keeps the header's width (missing cells
//! empty, extra cells dropped).
//!
//! The header is fatal when wrong (exit 2): a column named twice, no count
//! column, no `plan` column without `--plan`, or a malformed Meta column.
//!
//! An input column named like an output column (`markup` is both; a
//! previous run's `total`) is carried through, and stderr warns that the
//! output header then has that name twice, saying which is which. Refusing
//! it would refuse `markup`, a documented input column, and renaming either
//! would break the names the contract fixes and scripts rely on; a warning
//! keeps every run working and tells the script author where to look.
//!
//! Records are read by [`Input::next_record`] into one reused [`Record`]
//! (a record too long, whose quote never closes, or with text after a
//! closing quote is a bad row). The common rows are priced and written by
//! the integer fast path ([`super::fastrow`]); every other row, and every
//! row it is not sure of, by [`catalog::price`] — with the same output,
//! byte for byte.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Read;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::fastrow::{self, Columns, Fast, FastRows};
use super::sink::Sink;
use super::split::{Flaw, Input, Record};
use super::{AMOUNT_COLUMNS, Format, Options, RowError, Tally, VS_COLUMNS, refusal, write_outcome};
use crate::bill::BillError;
use crate::calendar::Month;
use crate::catalog::{self, Catalog};
use crate::error::Error;
use crate::meta::Category;
use crate::plan::{Plan, Unit};
use crate::shown::shown;
use crate::usage::{self, MetaCount, MetaUsage, Usage};
use crate::vs::VsPricing;

/// What the columns of the header are.
#[derive(Debug, Default, Clone)]
struct Header {
    /// The column names as written.
    names: Vec<String>,
    plan: Option<usize>,
    sent: Option<usize>,
    conversations: Option<usize>,
    meta_amount: Option<usize>,
    markup: Option<usize>,
    month: Option<usize>,
    phone_numbers: Option<usize>,
    /// `(column, category, market)` of each Meta count column.
    meta: Vec<(usize, Category, Arc<str>)>,
}

/// A `CATEGORY:MARKET` column of Meta counts, `None` for any other column
/// (`crm:id` is carried through like an account id).
///
/// # Errors
///
/// A column that looks like a misspelt Meta category (`marketting:IN`):
/// carrying it through would silently leave its messages unpriced.
fn meta_column(name: &str) -> Result<Option<(Category, Arc<str>)>, Error> {
    let Some((category, _)) = name.split_once(':') else {
        return Ok(None);
    };
    let quoted = shown(name);
    let parsed = usage::parse_meta_key(name);
    match parsed {
        // A market name never holds control characters.
        Ok(meta) if quoted == name => Ok(Some(meta)),
        Ok(_) => Err(header_error(format!(
            "column `{quoted}` is not a Meta count column (its market holds control characters); write CATEGORY:MARKET, e.g. marketing:IN"
        ))),
        Err(m)
            if crate::suggest::closest(category.trim(), Category::ALL.map(Category::name))
                .is_some() =>
        {
            let m = refusal(name, m, "CATEGORY:MARKET");
            Err(header_error(format!(
                "column `{quoted}` is not a Meta count column ({m}); write CATEGORY:MARKET, e.g. marketing:IN"
            )))
        }
        Err(_) => Ok(None),
    }
}

fn header_error(message: impl Into<String>) -> Error {
    Error::Input(format!("input header: {}", message.into()))
}

impl Header {
    /// The columns the fast path reads.
    fn columns(&self) -> Columns {
        Columns {
            plan: self.plan,
            sent: self.sent,
            conversations: self.conversations,
            meta_amount: self.meta_amount,
            markup: self.markup,
            month: self.month,
            phone_numbers: self.phone_numbers,
            meta: self.meta.clone(),
        }
    }

    fn parse(record: &Record, default_plan: Option<&Plan>) -> Result<Self, Error> {
        let mut header = Header::default();
        // The Meta columns seen, by their name in lower case.
        let mut meta_names = HashSet::new();
        for (i, raw) in record.iter().enumerate() {
            let name = std::str::from_utf8(raw)
                .map_err(|_| header_error(format!("column {} is not UTF-8 text", i + 1)))?;
            let key = name.trim().to_ascii_lowercase();
            let slot = match key.as_str() {
                "plan" => Some(&mut header.plan),
                "sent" => Some(&mut header.sent),
                "conversations" => Some(&mut header.conversations),
                "meta_amount" => Some(&mut header.meta_amount),
                "markup" => Some(&mut header.markup),
                "month" => Some(&mut header.month),
                "phone_numbers" => Some(&mut header.phone_numbers),
                _ => None,
            };
            if let Some(slot) = slot {
                if slot.is_some() {
                    return Err(header_error(format!(
                        "column `{key}` appears twice; name each column once"
                    )));
                }
                *slot = Some(i);
            } else if let Some(meta) = meta_column(name.trim())? {
                if !meta_names.insert(key) {
                    return Err(header_error(format!(
                        "column `{}` appears twice; name each Meta count column once",
                        shown(name.trim())
                    )));
                }
                header.meta.push((i, meta.0, meta.1));
            }
            header.names.push(name.to_owned());
        }
        if header.sent.is_none() && header.conversations.is_none() {
            return Err(header_error(format!(
                "no `sent` or `conversations` column among `{}`; the first line must name the columns, e.g. account,plan,sent",
                shown(&header.names.join(","))
            )));
        }
        if header.plan.is_none() && default_plan.is_none() {
            return Err(header_error(
                "no `plan` column: add one, or give the plan of every row with --plan ID",
            ));
        }
        Ok(header)
    }

    /// Warnings for the output header: each input column named like one
    /// of ctbill's output columns makes that name appear twice.
    /// With `vs`, the output has [`VS_COLUMNS`] before `error`.
    fn collisions(&self, vs: bool) -> Vec<String> {
        let width = self.names.len();
        let (amounts, error) = AMOUNT_COLUMNS.split_at(AMOUNT_COLUMNS.len() - 1);
        let vs: &[&str] = if vs { &VS_COLUMNS } else { &[] };
        let added: Vec<&str> = amounts.iter().chain(vs).chain(error).copied().collect();
        let mut notes = Vec::new();
        for (i, name) in self.names.iter().enumerate() {
            let key = name.trim().to_ascii_lowercase();
            if let Some(j) = added.iter().position(|c| *c == key) {
                notes.push(format!(
                    "the output has two columns named `{}`: the input's (column {}), carried through unchanged, and ctbill's `{}` (column {}); a script that reads columns by name may get either, so read ctbill's by position",
                    shown(name.trim()),
                    i + 1,
                    added[j],
                    width + j + 1
                ));
            }
        }
        notes
    }
}

/// One row's cell as text, trimmed; empty when absent.
fn cell(record: &Record, column: Option<usize>) -> Result<&str, String> {
    let Some(bytes) = column.and_then(|i| record.get(i)) else {
        return Ok("");
    };
    std::str::from_utf8(bytes)
        .map(str::trim)
        .map_err(|_| "the cell is not UTF-8 text".to_owned())
}

struct Pricer<'c, 'o> {
    options: &'o Options<'c>,
    catalog: &'c Catalog,
    header: Header,
    /// The integer fast path ([`fastrow`]), for CSV and JSON Lines;
    /// `None` when every row goes through the engine.
    fast: Option<FastRows<'c>>,
    /// A bad row's error text, reused.
    error_text: String,
    /// Rows whose markup is a fraction below 1 without `%` (`0.10`, read
    /// as a tenth of a percent), and the warning for the first of them:
    /// one warning for the batch, not one per row.
    unmarked_markups: std::cell::Cell<u64>,
    first_unmarked_markup: std::cell::OnceCell<String>,
}

impl<'c, 'o> Pricer<'c, 'o> {
    fn new(options: &'o Options<'c>, catalog: &'c Catalog, header: Header) -> Self {
        // The fast path prices the vs bill of --vs-month too; with
        // --vs-plans the engine prices every row.
        let vs_month = match options.vs {
            Some(VsPricing::Month(month)) => Some(*month),
            _ => None,
        };
        let fast_path = options.fast_path && !matches!(options.vs, Some(VsPricing::Plans { .. }));
        let fast = fast_path.then(|| {
            FastRows::new(
                catalog,
                header.columns(),
                options.default_plan,
                options.month,
                vs_month,
                (options.format == Format::Jsonl).then_some(header.names.as_slice()),
            )
        });
        Self {
            options,
            catalog,
            header,
            fast,
            error_text: String::new(),
            unmarked_markups: std::cell::Cell::new(0),
            first_unmarked_markup: std::cell::OnceCell::new(),
        }
    }

    /// Prices one record and writes its output row, without its newline.
    fn row(&mut self, record: &Record, sink: &mut Sink<'_>, tally: &mut Tally) {
        let (options, catalog) = (self.options, self.catalog);
        let width = self.header.names.len();
        let row = tally.next_row();
        if options.format == Format::Csv {
            match record.as_written() {
                Some(line) if record.len() == width => sink.raw(line),
                _ => {
                    for i in 0..width {
                        if i > 0 {
                            sink.comma();
                        }
                        sink.field(record.get(i).unwrap_or_default());
                    }
                }
            }
        }
        if self.fast_row(record, row, sink, tally) {
            return;
        }
        let outcome = self.usage(record, row).and_then(|(plan, usage)| {
            let bill = catalog::price(catalog, plan, &usage).map_err(|e| match e {
                // The usage holds one count per non-empty Meta cell, in column order.
                Error::Meta { index, source, .. } => RowError {
                    row,
                    column: self.meta_column(record, index),
                    message: source.to_string(),
                },
                other => RowError {
                    row,
                    column: None,
                    message: other.to_string(),
                },
            })?;
            match options.vs {
                None => Ok((bill, None)),
                Some(vs) => vs
                    .price(catalog, plan, &usage)
                    .map(|vs_bill| (bill, Some(vs_bill)))
                    .map_err(|e| super::vs_row_error(vs, row, e)),
            }
        });
        let cells: Vec<&[u8]> = match options.format {
            Format::Csv => Vec::new(),
            Format::Jsonl => (0..width)
                .map(|i| record.get(i).unwrap_or_default())
                .collect(),
        };
        write_outcome(
            sink,
            tally,
            options.format,
            &self.header.names,
            &cells,
            outcome.as_ref().map(|(bill, vs)| (bill, vs.as_ref())),
        );
    }

    /// Prices a row on the fast path and writes its amounts (after the
    /// input cells, in CSV) or its error; `false` when the engine must
    /// price it.
    fn fast_row(
        &mut self,
        record: &Record,
        row: u64,
        sink: &mut Sink<'_>,
        tally: &mut Tally,
    ) -> bool {
        let Self {
            fast: Some(fast),
            header,
            error_text,
            options,
            ..
        } = self
        else {
            return false;
        };
        if record.flaw.is_some() || record.len() != header.names.len() {
            return false;
        }
        let (amounts, vs) = match fast.price(record) {
            Fast::Slow => return false,
            Fast::Priced(amounts, vs) => (amounts, vs),
            Fast::Refused(refusal) => {
                let message = fast.refusal(refusal);
                error_text.clear();
                let name = header.names[refusal.column].trim();
                let _ = write!(error_text, "row {row}, column {name}: {message}");
                tally.bad_with(|| error_text.clone());
                match options.format {
                    Format::Csv => sink.error(error_text),
                    Format::Jsonl => fastrow::json::bad_row(
                        sink.buf(),
                        fast,
                        row,
                        (name, error_text),
                        &header.names,
                        record,
                    ),
                }
                return true;
            }
        };
        match options.format {
            Format::Csv => sink.minor_amounts(&amounts, vs.map(|vs| vs.total)),
            Format::Jsonl => {
                let start = sink.buf().len();
                let written = fastrow::json::bill_row(
                    sink.buf(),
                    fast,
                    row,
                    &amounts,
                    vs.as_ref(),
                    &header.names,
                    record,
                );
                if written.is_none() {
                    // Nothing of the row is kept: the engine writes it.
                    sink.buf().truncate(start);
                    return false;
                }
            }
        }
        let scale = amounts.currency.minor_units();
        let decimal = |v: u64| Decimal::from_i128_with_scale(i128::from(v), scale);
        tally.priced(
            amounts.currency,
            decimal(amounts.total),
            amounts.example,
            vs.map(|vs| decimal(vs.total)),
        );
        true
    }

    /// Moves the markups seen without `%` into `tally`.
    fn settle(&self, tally: &mut Tally) {
        tally.unmarked_markups += self.unmarked_markups.take();
        if let Some(first) = self.first_unmarked_markup.get() {
            tally
                .first_unmarked_markup
                .get_or_insert_with(|| first.clone());
        }
    }

    fn error(row: u64, column: &str, message: impl Into<String>) -> RowError {
        RowError {
            row,
            column: Some(column.to_owned()),
            message: message.into(),
        }
    }

    /// The named cell, or a row error naming its column.
    fn text<'r>(
        &self,
        record: &'r Record,
        row: u64,
        column: Option<usize>,
    ) -> Result<&'r str, RowError> {
        cell(record, column).map_err(|m| {
            let name = column.map_or("", |i| self.header.names[i].trim());
            Self::error(row, name, m)
        })
    }

    /// The header name of the `index`-th non-empty Meta count cell of a row.
    /// Empty as [`Pricer::meta`] reads it: blank once trimmed as text, so
    /// a cell of a no-break space (or a vertical tab) is empty here too.
    fn meta_column(&self, record: &Record, index: usize) -> Option<String> {
        self.header
            .meta
            .iter()
            .filter(|(i, _, _)| {
                record.get(*i).is_some_and(|cell| {
                    std::str::from_utf8(cell).is_ok_and(|t| !t.trim().is_empty())
                })
            })
            .nth(index)
            .map(|(i, _, _)| self.header.names[*i].trim().to_owned())
    }

    /// The error of a record that could not be read as written.
    fn flaw(&self, record: &Record, row: u64) -> Option<RowError> {
        let name = |column: usize| self.header.names.get(column).map(|n| n.trim().to_owned());
        let (column, message) = match record.flaw.as_ref()? {
            Flaw::Unclosed { column, line } => {
                let lines = record.last_line - record.first_line + 1;
                let cell = name(*column).map_or_else(
                    || format!("cell {}", column + 1),
                    |n| format!("column `{}`", shown(&n)),
                );
                (
                    None,
                    format!(
                        "the quote that opens {cell} on line {line} never closes, so this row ran over {lines} lines (lines {} to {}, the end of the input); close the quote, or double each quote inside a quoted cell (\"\")",
                        record.first_line, record.last_line
                    ),
                )
            }
            Flaw::AfterQuote { column } => (
                name(*column),
                format!(
                    "`{}` has text after its closing quote; quote the whole cell and double each quote inside it (\"\"), or write it without quotes",
                    crate::shown::shown_bytes(record.get(*column).unwrap_or_default())
                ),
            ),
            Flaw::TooLong(long) => {
                let what = if record.first_line == record.last_line {
                    "row".to_owned()
                } else {
                    format!("row (lines {} to {})", record.first_line, record.last_line)
                };
                (None, super::plain::too_long(long, &what))
            }
        };
        Some(RowError {
            row,
            column,
            message,
        })
    }

    fn usage(&mut self, record: &Record, row: u64) -> Result<(&'c Plan, Usage), RowError> {
        if let Some(error) = self.flaw(record, row) {
            return Err(error);
        }
        let h = &self.header;
        if record.len() != h.names.len() {
            return Err(RowError {
                row,
                column: None,
                message: {
                    let (n, want) = (record.len(), h.names.len());
                    let fields = if n == 1 { "field" } else { "fields" };
                    let fix = if n > want {
                        "quote cells that contain commas"
                    } else {
                        "give every column a cell, an empty one if need be (a,,c)"
                    };
                    format!("has {n} {fields}, but the header has {want}; {fix}")
                },
            });
        }
        let id = self.text(record, row, h.plan)?;
        let plan = if id.is_empty() {
            self.options.default_plan.ok_or_else(|| {
                Self::error(row, "plan", "the plan is empty; give a plan id such as connect-10k, or --plan ID for rows without one")
            })?
        } else {
            self.catalog.plan(id).map_err(|e| {
                let message = refusal(
                    id,
                    e.to_string(),
                    "a plan id; plan ids are lowercase letters, digits and `-` (run `ctbill plans` to list them)",
                );
                Self::error(row, "plan", message)
            })?
        };
        let (unit, count) = self.count(record, row, plan)?;
        let meta = self.meta(record, row)?;
        let h = &self.header;
        let markup = self.text(record, row, h.markup)?;
        let markup_percent: Option<Decimal> = if markup.is_empty() {
            None
        } else {
            let parsed = usage::parse_markup(markup).map_err(|m| {
                let m = refusal(markup, m, "a percentage; expected one such as 10 or 10%");
                Self::error(row, "markup", m)
            })?;
            if let Some(warning) = parsed.warning(&format!("column markup, row {row}:")) {
                self.unmarked_markups.set(self.unmarked_markups.get() + 1);
                let _ = self.first_unmarked_markup.set(warning);
            }
            Some(parsed.percent)
        };
        let month = self.text(record, row, h.month)?;
        let month = if month.is_empty() {
            self.options.month
        } else {
            month.parse::<Month>().map_err(|e| {
                let m = refusal(
                    month,
                    e.to_string(),
                    "a month; expected YYYY-MM, e.g. 2026-11",
                );
                Self::error(row, "month", m)
            })?
        };
        let phone_numbers = self.text(record, row, h.phone_numbers)?;
        let phone_numbers = if phone_numbers.is_empty() {
            usage::DEFAULT_PHONE_NUMBERS
        } else {
            usage::parse_count(phone_numbers).map_err(|m| {
                let m = refusal(phone_numbers, m, COUNT);
                Self::error(row, "phone_numbers", m)
            })?
        };
        Ok((
            plan,
            Usage {
                unit: Some(unit),
                count,
                meta,
                markup_percent,
                month,
                phone_numbers,
            },
        ))
    }

    /// The count, in the unit of the column it came from, checked against the plan.
    fn count(&self, record: &Record, row: u64, plan: &Plan) -> Result<(Unit, u64), RowError> {
        let h = &self.header;
        let sent = self.text(record, row, h.sent)?;
        let conversations = self.text(record, row, h.conversations)?;
        let (unit, text) = match (sent.is_empty(), conversations.is_empty()) {
            (false, false) => {
                return Err(RowError {
                    row,
                    column: None,
                    message: "both sent and conversations are given; give the count in one of them"
                        .to_owned(),
                });
            }
            (false, true) => (Unit::Notifications, sent),
            (true, false) => (Unit::Conversations, conversations),
            (true, true) => {
                // Name the column the plan reads, when the header has it.
                let unit = match plan.unit() {
                    Some(Unit::Conversations) if h.conversations.is_some() => Unit::Conversations,
                    _ if h.sent.is_some() => Unit::Notifications,
                    _ => Unit::Conversations,
                };
                (unit, "")
            }
        };
        crate::bill::check_unit(plan, Some(unit)).map_err(|e| match e {
            e @ BillError::WrongUnit { expected, .. } => Self::error(
                row,
                unit.column(),
                format!(
                    "{e}; use {} instead of {}",
                    expected.column(),
                    unit.column()
                ),
            ),
            other => Self::error(row, "plan", other.to_string()),
        })?;
        let count = usage::parse_count(text).map_err(|m| {
            let m = refusal(text, m, COUNT);
            Self::error(row, unit.column(), m)
        })?;
        Ok((unit, count))
    }

    /// Meta's charges: an amount, message counts, or none.
    fn meta(&self, record: &Record, row: u64) -> Result<MetaUsage, RowError> {
        let h = &self.header;
        let meta_amount = self.text(record, row, h.meta_amount)?;
        let mut meta = if meta_amount.is_empty() {
            MetaUsage::None
        } else {
            MetaUsage::Amount(usage::parse_amount(meta_amount).map_err(|m| {
                let m = refusal(meta_amount, m, "an amount; expected one such as 1250.40");
                Self::error(row, "meta_amount", m)
            })?)
        };
        for (i, category, market) in &h.meta {
            let text = self.text(record, row, Some(*i))?;
            if text.is_empty() {
                continue;
            }
            let name = h.names[*i].trim();
            let count = usage::parse_count(text).map_err(|m| {
                let m = refusal(text, m, COUNT);
                Self::error(row, name, m)
            })?;
            let entry = MetaCount {
                category: *category,
                market: Arc::clone(market),
                count,
            };
            match &mut meta {
                // A zero meta_amount (a spreadsheet's filler) yields to the counts,
                // and zero counts to an amount.
                MetaUsage::None => meta = MetaUsage::Messages(vec![entry]),
                MetaUsage::Amount(amount) if amount.is_zero() => {
                    meta = MetaUsage::Messages(vec![entry]);
                }
                MetaUsage::Messages(counts) => counts.push(entry),
                MetaUsage::Amount(_) if count == 0 => {}
                MetaUsage::Amount(_) => {
                    return Err(Self::error(
                        row,
                        name,
                        "Meta charges are given both as meta_amount and as message counts; give one of the two",
                    ));
                }
            }
        }
        Ok(meta)
    }
}

/// What a count cell should hold, for a refusal.
const COUNT: &str = "a count; expected a whole number such as 15000 or 15,000";

/// Streams CSV rows; the first record is the header.
pub(super) fn run<R: Read>(
    catalog: &Catalog,
    options: &Options<'_>,
    input: &mut Input<R>,
    sink: &mut Sink<'_>,
) -> Result<Tally, Error> {
    let mut record = Record::default();
    let read = |input: &mut Input<R>, record: &mut Record| {
        input.next_record(record).map_err(|e| options.read_error(e))
    };
    if !read(input, &mut record)? {
        return Err(header_error("the input has no header line"));
    }
    if let Some(flaw) = &record.flaw {
        let why = match flaw {
            Flaw::Unclosed { line, .. } => {
                format!("a quote opened on line {line} never closes")
            }
            Flaw::AfterQuote { .. } => "a quoted name has text after its closing quote".to_owned(),
            Flaw::TooLong(long) => format!("it is {} bytes long, more than 1 MiB", long.bytes),
        };
        return Err(header_error(format!(
            "cannot read the first line as the column names: {why}; write the names separated by commas, e.g. account,plan,sent"
        )));
    }
    let header = Header::parse(&record, options.default_plan)?;
    let mut tally = super::new_tally(options);
    if options.format == Format::Csv {
        sink.header(&header.names)?;
        tally.notes = header.collisions(options.vs.is_some());
    }
    if options.parallel {
        let (header, source, seed) = (&header, &catalog.source, options.seed());
        let seed = &seed;
        super::parallel::run(input, options, sink, &mut tally, |mut jobs| {
            let catalog = super::parallel::own_catalog(source)?;
            let vs = seed.vs_pricing()?;
            let options = seed.options(&catalog, vs.as_ref())?;
            let mut pricer = Pricer::new(&options, &catalog, header.clone());
            let mut nowhere = std::io::sink();
            let mut sink = Sink::holding(&mut nowhere, options.vs.is_some());
            while let Some(mut job) = jobs.next() {
                let (records, tally) = job.parts();
                for record in records {
                    pricer.row(record, &mut sink, tally);
                    sink.end_row()?;
                }
                pricer.settle(job.parts().1);
                jobs.done(job, &mut sink);
            }
            Ok(())
        })?;
    } else {
        let mut pricer = Pricer::new(options, catalog, header);
        while {
            sink.before_read(input.drained())?;
            read(input, &mut record)?
        } {
            pricer.row(&record, sink, &mut tally);
            sink.end_row()?;
        }
        pricer.settle(&mut tally);
    }
    tally.markup_note();
    Ok(tally)
}
