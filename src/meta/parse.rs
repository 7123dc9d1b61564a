//! Parsers for the four rate-card file kinds and format detection.
//!
//! Meta's own files start with a title row (`Cost per message in USD on the
//! WhatsApp Business Platform, effective April 1, 2026`); normalized files
//! start with `#` comment lines, one of which is `# Effective date:
//! YYYY-MM-DD`. Which of rates, tiers or mapping a file holds is read from
//! its header row. Every cell is read as a string and numbers are parsed
//! exactly.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::market::{self, MarketMapping};
use super::{CardError, Category, Tier, xlsx};
use crate::calendar::Date;
use crate::money::{self, Currency};

/// Which layout a file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Meta's CSV exactly as downloaded (title row, notes, `n/a`, `--`).
    MetaOriginal,
    /// One row per market or tier, `#` comment lines on top.
    Normalized,
}

/// One parsed file, of whichever kind it turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardFile {
    /// List rates per market and category.
    Rates(RatesFile),
    /// Volume tiers per market and category.
    Tiers(TiersFile),
    /// Country to market, dated.
    Mapping(MarketMapping),
}

/// A parsed rates file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatesFile {
    /// The caller's label for the file.
    pub label: String,
    /// Which layout it was in.
    pub format: SourceFormat,
    /// Billing currency of the card.
    pub currency: Currency,
    /// Effective date of the card.
    pub effective: Date,
    /// Comment lines, or Meta's title and note rows.
    pub provenance: Vec<String>,
    /// One entry per market row, in file order.
    pub markets: Vec<MarketRates>,
}

/// One market row of a rates file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketRates {
    /// The market's name as written.
    pub name: String,
    /// Rates in [`Category::ALL`] order; `None` = `n/a` or empty.
    pub rates: [Option<Decimal>; 5],
    /// Line of the row.
    pub line: u64,
}

impl MarketRates {
    /// The rate for one category.
    #[must_use]
    pub fn rate(&self, category: Category) -> Option<Decimal> {
        self.rates[category.index()]
    }
}

/// A parsed volume-tiers file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TiersFile {
    /// The caller's label for the file.
    pub label: String,
    /// Which layout it was in.
    pub format: SourceFormat,
    /// Billing currency of the card.
    pub currency: Currency,
    /// Effective date of the card.
    pub effective: Date,
    /// Comment lines, or Meta's title and note rows.
    pub provenance: Vec<String>,
    /// One set per market × category, in order of first appearance.
    pub sets: Vec<TierSet>,
}

/// The tiers of one market × category, validated: the first starts at 0,
/// each starts right after the previous one ends, only the last is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierSet {
    /// The market's name as written.
    pub market: String,
    /// The category.
    pub category: Category,
    /// The tiers, lowest first.
    pub tiers: Vec<Tier>,
    /// Line of the first tier.
    pub first_line: u64,
}

/// Reads one file and tells what it is: Meta's rates or volume-tiers CSV as
/// downloaded, a normalized rates or tiers file, or the market mapping.
///
/// # Errors
///
/// The first problem found, with the file label and line. Use
/// [`super::RateBook::from_files`] to get all of them.
pub fn parse_card_file(label: &str, text: &str) -> Result<CardFile, CardError> {
    parse_all(label, text).map_err(|errors| {
        errors
            .into_iter()
            .next()
            .unwrap_or_else(|| CardError::file(label, "the file could not be read as a rate card"))
    })
}

/// Reads one file's bytes: Meta's Excel workbook (told by its content,
/// see [`xlsx`]), which may hold more than one card sheet, or a text file
/// for [`parse_all`]. Never returns an empty list.
pub(super) fn parse_data(label: &str, data: &[u8]) -> Vec<Result<CardFile, Vec<CardError>>> {
    if xlsx::is_workbook(data) {
        return xlsx::parse_workbook(label, data);
    }
    match std::str::from_utf8(data) {
        Ok(text) => vec![parse_all(label, text)],
        Err(_) => vec![Err(vec![CardError::file(
            label,
            "is neither UTF-8 text nor an Excel workbook (.xlsx); expected Meta's rates or volume-tiers file as downloaded (CSV or .xlsx), or the market mapping",
        )])],
    }
}

/// A CSV record and the line it starts on.
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) cells: Vec<String>,
}

impl Row {
    pub(super) fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", |c| c.trim())
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Like [`parse_card_file`], but reports every problem in the file. Never
/// returns an empty error list.
pub(super) fn parse_all(label: &str, text: &str) -> Result<CardFile, Vec<CardError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
        return Err(vec![CardError::file(
            label,
            "the file is empty; expected a Meta rates or volume-tiers CSV, or the market mapping",
        )]);
    };
    if first.trim_start().starts_with('#') {
        let comments: Vec<(u64, String)> = (1_u64..)
            .zip(text.lines().map(str::trim))
            .take_while(|(_, l)| l.is_empty() || l.starts_with('#'))
            .filter(|(_, l)| !l.is_empty())
            .map(|(n, l)| (n, l.trim_start_matches('#').trim().to_owned()))
            .collect();
        let rows = read_rows(label, text, true).map_err(|e| vec![e])?;
        return parse_normalized(label, &rows, comments);
    }
    let rows = read_rows(label, text, false).map_err(|e| vec![e])?;
    let Some(head) = rows.first() else {
        return Err(vec![CardError::file(label, "the file has no CSV records")]);
    };
    if head
        .cell(0)
        .to_ascii_lowercase()
        .contains("cost per message")
    {
        return parse_original(label, &rows);
    }
    if is_normalized_header(head) {
        return parse_normalized(label, &rows, Vec::new());
    }
    Err(vec![CardError::at(
        label,
        head.line,
        format!(
            "cannot tell what this file is: expected Meta's title row (\"Cost per message in USD on the WhatsApp Business Platform, effective April 1, 2026\"), \
             or `#` comment lines followed by a header such as `market,currency,marketing,utility,authentication,authentication_international,service`; found `{}`",
            head.cells.join(",")
        ),
    )])
}

/// Reads every record as strings. Lines are physical lines of `text`,
/// counted from the record's byte offset (the csv crate does not count line
/// breaks inside quoted cells, such as Meta's two-line header cells).
fn read_rows(label: &str, text: &str, comments: bool) -> Result<Vec<Row>, CardError> {
    let breaks: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let bytes = text.as_bytes();
    let line_at = |byte: u64| -> u64 {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX);
        // After a CRLF record the csv crate reports the `\n` as the start
        // of the next record: step over line terminators.
        // Skipped `#` comment lines are reported the same way.
        loop {
            match bytes.get(byte) {
                Some(b'\r' | b'\n') => byte += 1,
                Some(b'#') if comments => {
                    byte = bytes[byte..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(bytes.len(), |at| byte + at);
                }
                _ => break,
            }
        }
        // Line breaks strictly before the offset, plus one.
        u64::try_from(breaks.partition_point(|&b| b < byte)).map_or(u64::MAX, |n| n + 1)
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(comments.then_some(b'#'))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CardError {
            file: label.to_owned(),
            line: e.position().map(|p| line_at(p.byte())),
            cell: None,
            message: format!("not valid CSV: {e}"),
        })?;
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        rows.push(Row {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    Ok(rows)
}

/// A header cell reduced to lowercase letters and digits, so that
/// `"Authentication-\nInternational"`, `authentication_international` and
/// `Authentication-International` compare equal.
pub(super) fn key(cell: &str) -> String {
    cell.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whitespace (including line breaks) collapsed to single spaces.
fn squash(cell: &str) -> String {
    cell.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_market_key(k: &str) -> bool {
    k.starts_with("market") && !k.starts_with("marketing")
}

fn is_normalized_header(row: &Row) -> bool {
    let first = key(row.cell(0));
    first == "market" || first == "iso2"
}

fn is_na(cell: &str) -> bool {
    cell.is_empty() || cell.eq_ignore_ascii_case("n/a")
}

/// Finds a column by its key; the first match wins.
fn column(header: &Row, name: &str) -> Option<usize> {
    header.cells.iter().position(|c| key(c) == name)
}

// ---------------------------------------------------------------- numbers

/// Strips thousands separators, accepting only well-formed groups
/// (`1,000,000`, not `1,00,0`).
fn ungroup(text: &str) -> Option<String> {
    if !text.contains(',') {
        return Some(text.to_owned());
    }
    let (int, frac) = text
        .split_once('.')
        .map_or((text, None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |rest| ("-", rest));
    let mut groups = digits.split(',');
    let first = groups.next()?;
    let ok_first = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
    let ok_rest = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if !(ok_first && ok_rest) {
        return None;
    }
    let mut out = format!("{sign}{}", digits.replace(',', ""));
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

/// A message count: digits, optionally grouped (`"100,001"`).
fn parse_count(label: &str, line: u64, what: &str, cell: &str) -> Result<u64, CardError> {
    ungroup(cell)
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| {
            CardError::at(
                label,
                line,
                format!("{what} `{cell}` is not a message count; write a whole number such as 100000 or \"100,000\""),
            )
        })
}

/// A rate cell: `None` for `n/a` or empty, else an exact non-negative
/// decimal at the scale written.
fn parse_rate(
    label: &str,
    line: u64,
    what: &str,
    cell: &str,
) -> Result<Option<Decimal>, CardError> {
    if is_na(cell) {
        return Ok(None);
    }
    let bad = |why: String| CardError::at(label, line, format!("{what}: {why}"));
    let plain = ungroup(cell).ok_or_else(|| {
        bad(format!(
            "`{cell}` has misplaced thousands separators; write e.g. 1,234.5678 or 1234.5678"
        ))
    })?;
    let rate = money::parse_exact(&plain).map_err(|e| bad(e.replace(&plain, cell)))?;
    if rate.is_sign_negative() && !rate.is_zero() {
        return Err(bad(format!(
            "`{cell}` is negative; rates cannot be negative"
        )));
    }
    Ok(Some(rate))
}

// ---------------------------------------------------------------- Meta's own files

/// Currency and effective date from Meta's title row.
fn parse_title(label: &str, row: &Row) -> Result<(Currency, Date), CardError> {
    let title = squash(row.cell(0));
    let lower = title.to_ascii_lowercase();
    let example = "expected a title like \"Cost per message in USD on the WhatsApp Business Platform, effective April 1, 2026\"";
    let currency_text = lower
        .find("cost per message in ")
        .and_then(|at| {
            title[at + "cost per message in ".len()..]
                .split_whitespace()
                .next()
        })
        .ok_or_else(|| {
            CardError::at(
                label,
                row.line,
                format!("no currency in the title row `{title}`; {example}"),
            )
        })?;
    let currency = Currency::from_code(currency_text).ok_or_else(|| {
        CardError::at(
            label,
            row.line,
            format!(
                "`{currency_text}` in the title row is not an ISO 4217 currency code; {example}"
            ),
        )
    })?;
    let date_text = lower
        .find("effective ")
        .map(|at| &title[at + "effective ".len()..])
        .map(|rest| {
            rest.split(" - ")
                .next()
                .unwrap_or(rest)
                .trim()
                .trim_end_matches('.')
        })
        .ok_or_else(|| {
            CardError::at(
                label,
                row.line,
                format!("no effective date in the title row `{title}`; {example}"),
            )
        })?;
    let effective = Date::parse_long(date_text).ok_or_else(|| {
        CardError::at(
            label,
            row.line,
            format!(
                "`{date_text}` in the title row is not a date like \"April 1, 2026\"; {example}"
            ),
        )
    })?;
    Ok((currency, effective))
}

/// Meta's own layout: `rows[0]` is the title row.
pub(super) fn parse_original(label: &str, rows: &[Row]) -> Result<CardFile, Vec<CardError>> {
    let (currency, effective) = parse_title(label, &rows[0]).map_err(|e| vec![e.in_cell(0)])?;
    let Some(header_at) = rows.iter().position(|r| is_market_key(&key(r.cell(0)))) else {
        return Err(vec![CardError::file(
            label,
            "no header row starting with `Market` after the title; the file looks truncated",
        )]);
    };
    let header = &rows[header_at];
    // The title and Meta's notes (first cell filled); the tiers file's
    // category and sub-header rows start with an empty cell and are left out.
    let provenance: Vec<String> = rows[..header_at]
        .iter()
        .filter(|r| !r.cell(0).is_empty())
        .map(|r| {
            r.cells
                .iter()
                .map(|c| squash(c))
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let data: Vec<&Row> = rows[header_at + 1..]
        .iter()
        .filter(|r| !r.is_blank())
        .collect();
    if data.is_empty() {
        return Err(vec![CardError::at(
            label,
            header.line,
            "no data rows after the header; the file looks truncated",
        )]);
    }
    let ctx = Ctx {
        label,
        format: SourceFormat::MetaOriginal,
        currency: Some(currency),
        effective,
        provenance,
    };
    if column(header, "from").is_some() {
        parse_original_tiers(&ctx, &rows[1..header_at], header, &data)
    } else if column(header, "marketing").is_some() {
        parse_rates(ctx, header, &data)
    } else {
        Err(vec![CardError::at(
            label,
            header.line,
            "the header has neither rate columns (Marketing, Utility, ...) nor tier columns (From, To, Rate)",
        )])
    }
}

struct Ctx<'a> {
    label: &'a str,
    format: SourceFormat,
    /// From the title row; `None` for normalized files (read from rows).
    currency: Option<Currency>,
    effective: Date,
    provenance: Vec<String>,
}

/// Checks a row's Currency cell against the card's currency, or sets the
/// card's currency from the first row of a normalized file.
fn check_currency(
    label: &str,
    row: &Row,
    index: usize,
    currency: &mut Option<Currency>,
    origin: &str,
) -> Result<(), CardError> {
    let cell = row.cell(index);
    let result = match currency {
        Some(expected) if expected.code().eq_ignore_ascii_case(cell) => Ok(()),
        Some(expected) => Err(CardError::at(
            label,
            row.line,
            format!(
                "currency `{cell}` differs from the card's {expected} ({origin}); one file holds one currency"
            ),
        )),
        None => {
            *currency = Some(Currency::from_code(cell).ok_or_else(|| {
                CardError::at(
                    label,
                    row.line,
                    format!("currency `{cell}` is not an ISO 4217 code such as USD or INR"),
                )
            })?);
            Ok(())
        }
    };
    result.map_err(|e| e.in_cell(index))
}

fn parse_original_tiers(
    ctx: &Ctx<'_>,
    notes: &[Row],
    header: &Row,
    data: &[&Row],
) -> Result<CardFile, Vec<CardError>> {
    let label = ctx.label;
    // The category row names each block above its first column.
    let categories: Vec<(usize, Category)> = notes
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .enumerate()
                .skip(1)
                .filter_map(|(i, c)| Category::from_str(c.trim()).ok().map(|cat| (i, cat)))
                .collect::<Vec<_>>()
        })
        .find(|found| !found.is_empty())
        .unwrap_or_default();
    if categories.is_empty() {
        return Err(vec![CardError::at(
            label,
            header.line,
            "no category row (Utility, Authentication, Authentication-International) above the header",
        )]);
    }
    let keys: Vec<String> = header.cells.iter().map(|c| key(c)).collect();
    let Some(currency_col) = keys.iter().position(|k| k == "currency") else {
        return Err(vec![CardError::at(
            label,
            header.line,
            "the header has no Currency column",
        )]);
    };
    let blocks = tier_blocks(label, header.line, &keys, &categories)?;
    let mut errors = Vec::new();
    let mut currency = ctx.currency;
    let mut collector = TierCollector::default();
    let mut market: Option<String> = None;
    for row in data {
        let name = row.cell(0);
        if !name.is_empty() {
            market = Some(name.to_owned());
        }
        let Some(market) = &market else {
            errors.push(
                CardError::at(label, row.line, "the first tier row has no market name").in_cell(0),
            );
            continue;
        };
        if let Err(e) = check_currency(
            label,
            row,
            currency_col,
            &mut currency,
            "from the title row",
        ) {
            errors.push(e);
            continue;
        }
        for &(category, cols) in &blocks {
            let cells = [cols.from, cols.to, cols.rate].map(|i| row.cell(i));
            if cells.iter().all(|c| is_na(c)) {
                continue;
            }
            let what = format!("{market} {category}");
            match tier_from_row(label, row, &what, cols) {
                Ok(tier) => collector.push(market, category, row.line, None, tier),
                Err(e) => errors.push(e),
            }
        }
    }
    finish_tiers(ctx, collector, errors)
}

/// One side-by-side block of Meta's tiers file: its category and the
/// columns of From, To, Rate and (optionally) "vs. List rate".
type Block = (Category, TierColumns);

/// Finds the blocks of the header: each `From` column starts one, whose
/// category is the nearest category cell at or left of it.
fn tier_blocks(
    label: &str,
    line: u64,
    keys: &[String],
    categories: &[(usize, Category)],
) -> Result<Vec<Block>, Vec<CardError>> {
    let mut blocks = Vec::new();
    let mut errors = Vec::new();
    for (from_col, _) in keys.iter().enumerate().filter(|(_, k)| *k == "from") {
        let next_from = keys
            .iter()
            .enumerate()
            .skip(from_col + 1)
            .find(|(_, k)| *k == "from")
            .map_or(keys.len(), |(i, _)| i);
        let find =
            |pred: &dyn Fn(&str) -> bool| (from_col + 1..next_from).find(|&i| pred(&keys[i]));
        let category = categories
            .iter()
            .rev()
            .find(|(col, _)| *col <= from_col)
            .map(|(_, c)| *c);
        let (Some(category), Some(to), Some(rate)) =
            (category, find(&|k| k == "to"), find(&|k| k == "rate"))
        else {
            errors.push(CardError::at(
                label,
                line,
                format!(
                    "the From column {} has no category above it, or no To and Rate columns after it",
                    from_col + 1
                ),
            ));
            continue;
        };
        if !category.has_volume_tiers() {
            errors.push(CardError::at(
                label,
                line,
                format!("{category} messages have no volume tiers"),
            ));
            continue;
        }
        let discount = find(&|k| k.starts_with("vslist"));
        blocks.push((
            category,
            TierColumns {
                from: from_col,
                to,
                rate,
                discount,
            },
        ));
    }
    if errors.is_empty() {
        Ok(blocks)
    } else {
        Err(errors)
    }
}

/// Where one tier's cells are: From, To, Rate and, optionally, Meta's
/// "vs. List rate".
#[derive(Clone, Copy)]
struct TierColumns {
    from: usize,
    to: usize,
    rate: usize,
    discount: Option<usize>,
}

/// Parses one tier from its cells; `what` names the market and category.
fn tier_from_row(label: &str, row: &Row, what: &str, cols: TierColumns) -> Result<Tier, CardError> {
    let line = row.line;
    let from = parse_count(label, line, &format!("{what} From"), row.cell(cols.from))
        .map_err(|e| e.in_cell(cols.from))?;
    let to = match row.cell(cols.to) {
        "" | "--" => None,
        to => Some(
            parse_count(label, line, &format!("{what} To"), to).map_err(|e| e.in_cell(cols.to))?,
        ),
    };
    let rate = parse_rate(label, line, &format!("{what} Rate"), row.cell(cols.rate))
        .and_then(|rate| {
            rate.ok_or_else(|| {
                CardError::at(
                    label,
                    line,
                    format!("{what}: the tier has bounds but its rate is n/a"),
                )
            })
        })
        .map_err(|e| e.in_cell(cols.rate))?;
    let discount_vs_list = cols
        .discount
        .map(|i| row.cell(i))
        .filter(|d| !is_na(d))
        .map(str::to_owned);
    Ok(Tier {
        from,
        to,
        rate,
        discount_vs_list,
    })
}

/// Where a tier came from: its line and, in normalized files, its `tier`
/// number.
type TierOrigin = (u64, Option<u64>);

/// Tiers grouped by market × category in order of first appearance.
#[derive(Default)]
struct TierCollector {
    index: HashMap<(String, Category), usize>,
    /// Each set with, per tier, its line and its `tier` number.
    sets: Vec<(TierSet, Vec<TierOrigin>)>,
}

impl TierCollector {
    /// Adds a tier; `ordinal` is the normalized file's `tier` number.
    fn push(
        &mut self,
        market: &str,
        category: Category,
        line: u64,
        ordinal: Option<u64>,
        tier: Tier,
    ) {
        let k = (market::normalize(market), category);
        let at = *self.index.entry(k).or_insert_with(|| {
            self.sets.push((
                TierSet {
                    market: market.to_owned(),
                    category,
                    tiers: Vec::new(),
                    first_line: line,
                },
                Vec::new(),
            ));
            self.sets.len() - 1
        });
        let (set, meta) = &mut self.sets[at];
        set.tiers.push(tier);
        meta.push((line, ordinal));
    }
}

fn finish_tiers(
    ctx: &Ctx<'_>,
    collector: TierCollector,
    mut errors: Vec<CardError>,
) -> Result<CardFile, Vec<CardError>> {
    let label = ctx.label;
    let mut sets = Vec::new();
    for (mut set, mut meta) in collector.sets {
        // Normalized files number their tiers; order by that number and
        // insist on 0, 1, 2, ...
        if meta.iter().all(|(_, o)| o.is_some()) {
            let mut paired: Vec<_> = meta.into_iter().zip(set.tiers).collect();
            paired.sort_by_key(|((_, o), _)| *o);
            let mut numbering_ok = true;
            for (expected, ((line, ordinal), _)) in (0_u64..).zip(&paired) {
                if *ordinal != Some(expected) {
                    errors.push(CardError::at(
                        label,
                        *line,
                        format!(
                            "{} {} tier number {} is out of sequence; tiers are numbered 0, 1, 2, ... (expected {expected})",
                            set.market,
                            set.category,
                            ordinal.unwrap_or_default()
                        ),
                    ));
                    numbering_ok = false;
                    break;
                }
            }
            (meta, set.tiers) = paired.into_iter().unzip();
            if !numbering_ok {
                continue;
            }
        }
        set.first_line = meta.first().map_or(set.first_line, |(l, _)| *l);
        let lines: Vec<u64> = meta.iter().map(|(l, _)| *l).collect();
        match validate_tiers(label, &set, &lines, partial_note(&ctx.provenance).is_some()) {
            Ok(()) => sets.push(set),
            Err(e) => errors.push(e),
        }
    }
    if sets.is_empty() && errors.is_empty() {
        errors.push(CardError::file(
            label,
            "no tiers in the file; it looks truncated",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(currency) = ctx.currency else {
        return Err(vec![CardError::file(label, "no currency found")]);
    };
    Ok(CardFile::Tiers(TiersFile {
        label: label.to_owned(),
        format: ctx.format,
        currency,
        effective: ctx.effective,
        provenance: ctx.provenance.clone(),
        sets,
    }))
}

/// What a normalized file says it lacks, from its `# Partial: ...` comment
/// line; `None` for a complete file (and for Meta's own files, which are).
#[must_use]
pub fn partial_note(provenance: &[String]) -> Option<&str> {
    provenance.iter().find_map(|line| {
        line.get(..8)
            .filter(|head| head.eq_ignore_ascii_case("partial:"))
            .map(|_| line[8..].trim())
    })
}

/// Whether a file is Meta's own (primary) or a third party's copy
/// (secondary): Meta's CSV as downloaded is primary, and so is a normalized
/// file whose `# TRUST:` line says PRIMARY; any other normalized file is
/// secondary.
#[must_use]
pub fn is_primary(format: SourceFormat, provenance: &[String]) -> bool {
    format == SourceFormat::MetaOriginal
        || provenance.iter().any(|line| {
            let upper = line.to_ascii_uppercase();
            upper.starts_with("TRUST:") && upper[6..].trim_start().starts_with("PRIMARY")
        })
}

/// The first tier starts at 0, each next one right after the previous one
/// ends, only the last is open and the last must be open. A file that says
/// it is partial (`# Partial: ...`) may leave gaps and end closed: the
/// tiers it does not publish are refused when a count reaches them.
fn validate_tiers(
    label: &str,
    set: &TierSet,
    lines: &[u64],
    partial: bool,
) -> Result<(), CardError> {
    let what = format!("{} {}", set.market, set.category);
    let mut previous_to: Option<u64> = None;
    for (i, (tier, &line)) in set.tiers.iter().zip(lines).enumerate() {
        if i == 0 {
            if tier.from != 0 {
                return Err(CardError::at(
                    label,
                    line,
                    format!(
                        "{what} tiers must start at 0 (Meta writes the first tier From 0); this one starts at {}",
                        tier.from
                    ),
                ));
            }
        } else {
            let Some(prev) = previous_to else {
                return Err(CardError::at(
                    label,
                    lines[i - 1],
                    format!(
                        "{what}: only the last tier may be open (To `--`), but another tier follows this one"
                    ),
                ));
            };
            let expected = prev.saturating_add(1);
            if tier.from < expected {
                return Err(CardError::at(
                    label,
                    line,
                    format!(
                        "{what} tier From {} overlaps the previous tier, which ends at {prev}; it should start at {expected}",
                        tier.from
                    ),
                ));
            }
            if tier.from > expected && !partial {
                return Err(CardError::at(
                    label,
                    line,
                    format!(
                        "{what} tier From {} leaves a gap after the previous tier, which ends at {prev}; it should start at {expected}",
                        tier.from
                    ),
                ));
            }
        }
        if let Some(to) = tier.to
            && to < tier.from
        {
            return Err(CardError::at(
                label,
                line,
                format!(
                    "{what} tier ends (To {to}) before it starts (From {})",
                    tier.from
                ),
            ));
        }
        previous_to = tier.to;
    }
    if previous_to.is_some() && !partial {
        return Err(CardError::at(
            label,
            lines.last().copied().unwrap_or_default(),
            format!(
                "{what}: the last tier must be open (To `--` or empty) so that every count has a rate; \
                 a file that knowingly lacks tiers says so in a `# Partial: ...` comment line"
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------- rates (both layouts)

/// The Market and Currency columns and one optional column per category
/// (marketing, utility and authentication are required).
type RateColumns = (usize, usize, [Option<usize>; 5]);

fn rate_columns(label: &str, header: &Row) -> Result<RateColumns, Vec<CardError>> {
    let Some(market) = header.cells.iter().position(|c| is_market_key(&key(c))) else {
        return Err(vec![CardError::at(
            label,
            header.line,
            "the header has no Market column",
        )]);
    };
    let [currency, marketing, utility, authentication] = required_columns(
        label,
        header,
        ["currency", "marketing", "utility", "authentication"],
    )?;
    let optional = |name| column(header, name);
    Ok((
        market,
        currency,
        [
            Some(marketing),
            Some(utility),
            Some(authentication),
            optional("authenticationinternational"),
            optional("service"),
        ],
    ))
}

/// The rate cells of one market row; bad cells go to `errors`.
fn row_rates(
    label: &str,
    row: &Row,
    name: &str,
    cols: &[Option<usize>; 5],
    errors: &mut Vec<CardError>,
) -> [Option<Decimal>; 5] {
    let mut rates = [None; 5];
    for (slot, (category, col)) in rates.iter_mut().zip(Category::ALL.iter().zip(cols)) {
        let Some(col) = col else { continue };
        let what = format!("{name} {category} rate");
        match parse_rate(label, row.line, &what, row.cell(*col)).map_err(|e| e.in_cell(*col)) {
            Ok(rate) => *slot = rate,
            Err(e) => errors.push(e),
        }
    }
    rates
}

fn parse_rates(ctx: Ctx<'_>, header: &Row, data: &[&Row]) -> Result<CardFile, Vec<CardError>> {
    let label = ctx.label;
    let (market_col, currency_col, cols) = rate_columns(label, header)?;
    let width = cols
        .iter()
        .flatten()
        .copied()
        .chain([market_col, currency_col])
        .max()
        .unwrap_or(0)
        + 1;
    let origin = match ctx.format {
        SourceFormat::MetaOriginal => "from the title row",
        SourceFormat::Normalized => "from the first data row",
    };
    let mut currency = ctx.currency;
    let mut errors = Vec::new();
    let mut markets: Vec<MarketRates> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in data {
        let name = row.cell(market_col);
        if name.is_empty() {
            errors.push(
                CardError::at(label, row.line, "the row has no market name").in_cell(market_col),
            );
            continue;
        }
        if row.cells.len() < width {
            errors.push(CardError::at(
                label,
                row.line,
                format!(
                    "{name}: the row has {} cells, the header {width}; the row looks cut short",
                    row.cells.len()
                ),
            ));
            continue;
        }
        if let Some(first) = seen.insert(market::normalize(name), row.line) {
            errors.push(
                CardError::at(
                    label,
                    row.line,
                    format!("market {name} appears twice (also on line {first})"),
                )
                .in_cell(market_col),
            );
            continue;
        }
        if let Err(e) = check_currency(label, row, currency_col, &mut currency, origin) {
            errors.push(e);
            continue;
        }
        let rates = row_rates(label, row, name, &cols, &mut errors);
        markets.push(MarketRates {
            name: name.to_owned(),
            rates,
            line: row.line,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(currency) = currency else {
        return Err(vec![CardError::file(
            label,
            "no data rows; the file looks truncated",
        )]);
    };
    Ok(CardFile::Rates(RatesFile {
        label: label.to_owned(),
        format: ctx.format,
        currency,
        effective: ctx.effective,
        provenance: ctx.provenance,
        markets,
    }))
}

// ---------------------------------------------------------------- normalized files

fn parse_normalized(
    label: &str,
    rows: &[Row],
    comments: Vec<(u64, String)>,
) -> Result<CardFile, Vec<CardError>> {
    let Some(header_at) = rows.iter().position(|r| !r.is_blank()) else {
        return Err(vec![CardError::file(
            label,
            "only comments, no header row; the file looks truncated",
        )]);
    };
    let header = &rows[header_at];
    let data: Vec<&Row> = rows[header_at + 1..]
        .iter()
        .filter(|r| !r.is_blank())
        .collect();
    let keys: Vec<String> = header.cells.iter().map(|c| key(c)).collect();
    let has = |k: &str| keys.iter().any(|c| c == k);
    let kind = if has("iso2") && has("effectivefrom") {
        let comments = comments.into_iter().map(|(_, c)| c).collect();
        return market::parse_mapping(label, header, &data, comments).map(CardFile::Mapping);
    } else if has("category") && has("from") {
        "tiers"
    } else if has("marketing") {
        "rates"
    } else {
        return Err(vec![CardError::at(
            label,
            header.line,
            format!(
                "unrecognised header `{}`; expected `market,currency,marketing,utility,authentication,authentication_international,service`, \
                 `market,currency,category,tier,from,to,rate,discount_vs_list` or `iso2,country,calling_code,effective_from,market`",
                header.cells.join(",")
            ),
        )]);
    };
    if data.is_empty() {
        return Err(vec![CardError::at(
            label,
            header.line,
            "no data rows after the header; the file looks truncated",
        )]);
    }
    let effective = effective_from_comments(label, &comments).map_err(|e| vec![e])?;
    let comments: Vec<String> = comments.into_iter().map(|(_, c)| c).collect();
    let ctx = Ctx {
        label,
        format: SourceFormat::Normalized,
        currency: None,
        effective,
        provenance: comments,
    };
    if kind == "rates" {
        parse_rates(ctx, header, &data)
    } else {
        parse_normalized_tiers(ctx, header, &data)
    }
}

fn effective_from_comments(label: &str, comments: &[(u64, String)]) -> Result<Date, CardError> {
    let found = comments.iter().find_map(|(line, c)| {
        c.to_ascii_lowercase()
            .starts_with("effective date:")
            .then(|| (*line, c["effective date:".len()..].trim()))
    });
    let Some((line, rest)) = found else {
        return Err(CardError::file(
            label,
            "no `# Effective date: YYYY-MM-DD` comment line; add one above the header",
        ));
    };
    let token = rest
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_end_matches(['.', ',', ';']);
    token.parse().map_err(|e| {
        CardError::at(
            label,
            line,
            format!("in the `# Effective date:` comment: {e}"),
        )
    })
}

/// Finds required columns by name, or says which are missing.
fn required_columns<const N: usize>(
    label: &str,
    header: &Row,
    names: [&str; N],
) -> Result<[usize; N], Vec<CardError>> {
    let cols = names.map(|n| column(header, n));
    let missing: Vec<&str> = names
        .iter()
        .zip(&cols)
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| *n)
        .collect();
    if missing.is_empty() {
        Ok(cols.map(Option::unwrap_or_default))
    } else {
        Err(vec![CardError::at(
            label,
            header.line,
            format!("the header has no {} column", missing.join(", ")),
        )])
    }
}

/// A tiered category named in a cell.
fn tier_category(label: &str, line: u64, cell: &str) -> Result<Category, CardError> {
    match Category::from_str(cell) {
        Ok(c) if c.has_volume_tiers() => Ok(c),
        Ok(c) => Err(CardError::at(
            label,
            line,
            format!(
                "{c} messages have no volume tiers; tiers are for utility, authentication and authentication-international"
            ),
        )),
        Err(e) => Err(CardError::at(label, line, e.to_string())),
    }
}

fn parse_normalized_tiers(
    ctx: Ctx<'_>,
    header: &Row,
    data: &[&Row],
) -> Result<CardFile, Vec<CardError>> {
    let label = ctx.label;
    let [market_col, currency_col, category_col, from, to, rate] = required_columns(
        label,
        header,
        ["market", "currency", "category", "from", "to", "rate"],
    )?;
    let tier_col = column(header, "tier");
    let cols = TierColumns {
        from,
        to,
        rate,
        discount: column(header, "discountvslist"),
    };
    let mut currency = None;
    let mut errors = Vec::new();
    let mut collector = TierCollector::default();
    for row in data {
        let market = row.cell(market_col);
        let parsed = (|| {
            if market.is_empty() {
                return Err(CardError::at(label, row.line, "the row has no market name"));
            }
            check_currency(
                label,
                row,
                currency_col,
                &mut currency,
                "from the first data row",
            )?;
            let category = tier_category(label, row.line, row.cell(category_col))?;
            let what = format!("{market} {category}");
            let ordinal = tier_col
                .map(|c| parse_count(label, row.line, &format!("{what} tier number"), row.cell(c)))
                .transpose()?;
            let tier = tier_from_row(label, row, &what, cols)?;
            Ok((category, ordinal, tier))
        })();
        match parsed {
            Ok((category, ordinal, tier)) => {
                collector.push(market, category, row.line, ordinal, tier);
            }
            Err(e) => errors.push(e),
        }
    }
    let ctx = Ctx { currency, ..ctx };
    finish_tiers(&ctx, collector, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ungroups_thousands() {
        assert_eq!(ungroup("100,001").as_deref(), Some("100001"));
        assert_eq!(ungroup("1,000,000").as_deref(), Some("1000000"));
        assert_eq!(ungroup("1,234.5678").as_deref(), Some("1234.5678"));
        assert_eq!(ungroup("0.0260").as_deref(), Some("0.0260"));
        assert_eq!(ungroup("1,00,000"), None);
        assert_eq!(ungroup(",100"), None);
        assert_eq!(ungroup("1000,"), None);
    }

    #[test]
    fn keys_ignore_case_punctuation_and_line_breaks() {
        assert_eq!(
            key("Authentication-\nInternational"),
            "authenticationinternational"
        );
        assert_eq!(
            key("authentication_international"),
            "authenticationinternational"
        );
        assert!(is_market_key(&key("Market\n(per rate card)")));
        assert!(!is_market_key(&key("Marketing")));
    }

    #[test]
    fn rates_keep_their_scale_and_reject_bad_cells() {
        let rate = parse_rate("f", 3, "x", "0.0260").unwrap().unwrap();
        assert_eq!(rate.to_string(), "0.0260");
        assert_eq!(parse_rate("f", 3, "x", "n/a").unwrap(), None);
        assert_eq!(parse_rate("f", 3, "x", "N/A").unwrap(), None);
        assert_eq!(parse_rate("f", 3, "x", "").unwrap(), None);
        let err = parse_rate("f", 3, "India utility rate", "0.0o14").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("India utility rate"), "{err}");
        assert!(err.message.contains("`0.0o14`"), "{err}");
        assert!(parse_rate("f", 3, "x", "-0.01").is_err());
        assert!(parse_count("f", 1, "x", "1.5").is_err());
        assert!(parse_count("f", 1, "x", "-1").is_err());
        assert_eq!(
            parse_count("f", 1, "x", "\"100,001\"".trim_matches('"')).unwrap(),
            100_001
        );
    }
}
