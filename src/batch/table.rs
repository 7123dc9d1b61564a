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
//! column, no `plan` column without `--plan`, a malformed Meta column, or a
//! column named like an output column.
//!
//! Records are read into one reused [`csv::ByteRecord`]; plans are looked up
//! through a small cache of the plans seen, and every bill is priced by
//! [`catalog::price`].

use std::io::Read;

use std::sync::Arc;

use csv::ByteRecord;
use rust_decimal::Decimal;

use super::sink::Sink;
use super::{AMOUNT_COLUMNS, Format, Options, RowError, Tally, write_outcome};
use crate::bill::BillError;
use crate::calendar::Month;
use crate::catalog::{self, Catalog};
use crate::error::Error;
use crate::meta::Category;
use crate::plan::{Plan, Unit};
use crate::usage::{self, MetaCount, MetaUsage, Usage};

/// What the columns of the header are.
#[derive(Debug, Default)]
struct Header {
    /// The column names as written.
    names: Vec<String>,
    plan: Option<usize>,
    sent: Option<usize>,
    conversations: Option<usize>,
    meta_amount: Option<usize>,
    markup: Option<usize>,
    month: Option<usize>,
    /// `(column, category, market)` of each Meta count column.
    meta: Vec<(usize, Category, Arc<str>)>,
    /// Remarks for stderr about columns carried through.
    notes: Vec<String>,
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
    match usage::parse_meta_key(name) {
        Ok(meta) => Ok(Some(meta)),
        Err(m)
            if crate::suggest::closest(category.trim(), Category::ALL.map(Category::name))
                .is_some() =>
        {
            Err(header_error(format!(
                "column `{name}` is not a Meta count column ({m}); write CATEGORY:MARKET, e.g. marketing:IN"
            )))
        }
        Err(_) => Ok(None),
    }
}

fn header_error(message: impl Into<String>) -> Error {
    Error::Input(format!("input header: {}", message.into()))
}

impl Header {
    fn parse(record: &ByteRecord, default_plan: Option<&Plan>) -> Result<Self, Error> {
        let mut header = Header::default();
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
                if header
                    .meta
                    .iter()
                    .any(|&(j, _, _)| header.names[j].trim().eq_ignore_ascii_case(name.trim()))
                {
                    return Err(header_error(format!(
                        "column `{}` appears twice; name each Meta count column once",
                        name.trim()
                    )));
                }
                header.meta.push((i, meta.0, meta.1));
            } else if AMOUNT_COLUMNS.contains(&key.as_str()) {
                header.notes.push(format!(
                    "input column `{}` is carried through unchanged; ctbill's own `{key}` follows the input columns",
                    name.trim()
                ));
            }
            header.names.push(name.to_owned());
        }
        if header.sent.is_none() && header.conversations.is_none() {
            return Err(header_error(format!(
                "no `sent` or `conversations` column among `{}`; the first line must name the columns, e.g. account,plan,sent",
                header.names.join(",")
            )));
        }
        if header.plan.is_none() && default_plan.is_none() {
            return Err(header_error(
                "no `plan` column: add one, or give the plan of every row with --plan ID",
            ));
        }
        Ok(header)
    }
}

/// One row's cell as text, trimmed; empty when absent.
fn cell(record: &ByteRecord, column: Option<usize>) -> Result<&str, String> {
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
}

impl<'c> Pricer<'c, '_> {
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
        record: &'r ByteRecord,
        row: u64,
        column: Option<usize>,
    ) -> Result<&'r str, RowError> {
        cell(record, column).map_err(|m| {
            let name = column.map_or("", |i| self.header.names[i].trim());
            Self::error(row, name, m)
        })
    }

    /// The header name of the `index`-th non-empty Meta count cell of a row.
    fn meta_column(&self, record: &ByteRecord, index: usize) -> Option<String> {
        self.header
            .meta
            .iter()
            .filter(|(i, _, _)| {
                record
                    .get(*i)
                    .is_some_and(|cell| !cell.trim_ascii().is_empty())
            })
            .nth(index)
            .map(|(i, _, _)| self.header.names[*i].trim().to_owned())
    }

    fn usage(&mut self, record: &ByteRecord, row: u64) -> Result<(&'c Plan, Usage), RowError> {
        let h = &self.header;
        if record.len() != h.names.len() {
            return Err(RowError {
                row,
                column: None,
                message: format!(
                    "has {} fields, but the header has {}; quote cells that contain commas",
                    record.len(),
                    h.names.len()
                ),
            });
        }
        let id = self.text(record, row, h.plan)?;
        let plan = if id.is_empty() {
            self.options.default_plan.ok_or_else(|| {
                Self::error(row, "plan", "the plan is empty; give a plan id such as connect-10k, or --plan ID for rows without one")
            })?
        } else {
            self.catalog
                .plan(id)
                .map_err(|e| Self::error(row, "plan", e.to_string()))?
        };
        let (unit, count) = self.count(record, row, plan)?;
        let meta = self.meta(record, row)?;
        let h = &self.header;
        let markup = self.text(record, row, h.markup)?;
        let markup_percent: Option<Decimal> = if markup.is_empty() {
            None
        } else {
            // `Markup::warning` says when to warn (once per batch, not per row).
            Some(
                usage::parse_markup(markup)
                    .map_err(|m| Self::error(row, "markup", m))?
                    .percent,
            )
        };
        let month = self.text(record, row, h.month)?;
        let month = if month.is_empty() {
            self.options.month
        } else {
            month
                .parse::<Month>()
                .map_err(|e| Self::error(row, "month", e.to_string()))?
        };
        Ok((
            plan,
            Usage {
                unit: Some(unit),
                count,
                meta,
                markup_percent,
                month,
                phone_numbers: crate::usage::DEFAULT_PHONE_NUMBERS,
            },
        ))
    }

    /// The count, in the unit of the column it came from, checked against the plan.
    fn count(&self, record: &ByteRecord, row: u64, plan: &Plan) -> Result<(Unit, u64), RowError> {
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
        let count = usage::parse_count(text).map_err(|m| Self::error(row, unit.column(), m))?;
        Ok((unit, count))
    }

    /// Meta's charges: an amount, message counts, or none.
    fn meta(&self, record: &ByteRecord, row: u64) -> Result<MetaUsage, RowError> {
        let h = &self.header;
        let meta_amount = self.text(record, row, h.meta_amount)?;
        let mut meta = if meta_amount.is_empty() {
            MetaUsage::None
        } else {
            MetaUsage::Amount(
                usage::parse_amount(meta_amount).map_err(|m| Self::error(row, "meta_amount", m))?,
            )
        };
        for (i, category, market) in &h.meta {
            let text = self.text(record, row, Some(*i))?;
            if text.is_empty() {
                continue;
            }
            let name = h.names[*i].trim();
            let count = usage::parse_count(text).map_err(|m| Self::error(row, name, m))?;
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

/// Streams CSV rows; the first record is the header.
pub(super) fn run<R: Read>(
    catalog: &Catalog,
    options: &Options<'_>,
    input: R,
    sink: &mut Sink<'_>,
) -> Result<Tally, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(super::plain::CHUNK)
        .from_reader(input);
    let read_error = |e: csv::Error| Error::Input(format!("cannot read the input as CSV: {e}"));
    let mut record = ByteRecord::new();
    if !reader.read_byte_record(&mut record).map_err(read_error)? {
        return Err(header_error("the input has no header line"));
    }
    let mut header = Header::parse(&record, options.default_plan)?;
    if options.format == Format::Csv {
        sink.header(&header.names)?;
    }
    let mut tally = Tally {
        notes: std::mem::take(&mut header.notes),
        ..Tally::default()
    };
    let width = header.names.len();
    let mut pricer = Pricer {
        options,
        catalog,
        header,
    };
    while reader.read_byte_record(&mut record).map_err(read_error)? {
        let row = tally.next_row();
        if options.format == Format::Csv {
            for i in 0..width {
                if i > 0 {
                    sink.comma();
                }
                sink.field(record.get(i).unwrap_or_default());
            }
        }
        let outcome = pricer.usage(&record, row).and_then(|(plan, usage)| {
            catalog::price(catalog, plan, &usage).map_err(|e| match e {
                // The usage holds one count per non-empty Meta cell, in column order.
                Error::Meta { index, source, .. } => RowError {
                    row,
                    column: pricer.meta_column(&record, index),
                    message: source.to_string(),
                },
                other => RowError {
                    row,
                    column: None,
                    message: other.to_string(),
                },
            })
        });
        let cells: Vec<&[u8]> = match options.format {
            Format::Csv => Vec::new(),
            Format::Jsonl => (0..width)
                .map(|i| record.get(i).unwrap_or_default())
                .collect(),
        };
        let names = &pricer.header.names;
        write_outcome(
            sink,
            &mut tally,
            options.format,
            names,
            &cells,
            outcome.as_ref(),
        );
        sink.end_row()?;
    }
    Ok(tally)
}
