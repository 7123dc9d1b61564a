//! What a rate-card file holds once read, whichever layout it came in:
//! the [`CardFile`] kinds, the parse context shared by the layouts, and
//! what a file's provenance says about it (partial, primary or not).

use rust_decimal::Decimal;

use super::card::Tier;
use super::category::Category;
use super::cells::Row;
use super::error::CardError;
use super::mapping::MarketMapping;
use crate::calendar::Date;
use crate::money::Currency;

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

pub(super) struct Ctx<'a> {
    pub(super) label: &'a str,
    pub(super) format: SourceFormat,
    /// From the title row; `None` for normalized files (read from rows).
    pub(super) currency: Option<Currency>,
    pub(super) effective: Date,
    pub(super) provenance: Vec<String>,
}

/// Checks a row's Currency cell against the card's currency, or sets the
/// card's currency from the first row of a normalized file.
pub(super) fn check_currency(
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
