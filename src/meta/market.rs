//! Country to pricing market: the dated mapping file and resolving what a
//! user wrote (`India`, `IN`, `argentina`, `Rest of Africa`) to a market row
//! of a card.
//!
//! The mapping is long format, one row per change:
//! `iso2,country,calling_code,effective_from,market`. A country's market on
//! a card is the row with the newest `effective_from` on or before the
//! card's effective date. A country the mapping does not list is billed as
//! the catch-all market (`*` row, else `Other`), as Meta does.

use std::collections::HashMap;

use super::parse::Row;
use super::{CardError, MetaError, RateCard};
use crate::calendar::Date;

/// One row of the mapping: from `effective_from`, the country is billed as
/// `market`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingRow {
    /// ISO 3166 alpha-2 code, upper case; `*` for the catch-all.
    pub iso2: String,
    /// Country name as written.
    pub country: String,
    /// Calling code as written (`91`, `1 (809 829 849)`), may be empty.
    pub calling_code: String,
    /// The date the assignment took effect.
    pub effective_from: Date,
    /// The pricing market, as the cards write it.
    pub market: String,
    /// Line of the row.
    pub line: u64,
}

/// The parsed country-to-market mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketMapping {
    /// The caller's label for the file.
    pub label: String,
    /// The `#` comment lines on top.
    pub provenance: Vec<String>,
    /// Every row, in file order.
    pub rows: Vec<MappingRow>,
}

impl MarketMapping {
    /// The market a country (by ISO code or name) is billed as on `date`,
    /// with the row that says so; `None` when the mapping does not list the
    /// country on that date.
    #[must_use]
    pub fn lookup(&self, text: &str, date: Date) -> Option<&MappingRow> {
        let input = text.trim();
        let wanted = normalize(input);
        let is_code = is_code(input);
        self.rows
            .iter()
            .filter(|r| r.iso2 != "*" && r.effective_from <= date)
            .filter(|r| {
                if is_code {
                    r.iso2.eq_ignore_ascii_case(input)
                } else {
                    normalize(&r.country) == wanted
                }
            })
            .max_by_key(|r| r.effective_from)
    }

    /// The market for countries the mapping does not list on `date`: the
    /// newest `*` row, else `Other`.
    #[must_use]
    pub fn catch_all(&self, date: Date) -> &str {
        self.rows
            .iter()
            .filter(|r| r.iso2 == "*" && r.effective_from <= date)
            .max_by_key(|r| r.effective_from)
            .map_or("Other", |r| r.market.as_str())
    }

    fn knows_country(&self, text: &str) -> bool {
        let wanted = normalize(text);
        self.rows
            .iter()
            .any(|r| r.iso2 != "*" && normalize(&r.country) == wanted)
    }
}

/// A market of a card, found from what the user wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedMarket {
    /// The market's name as the card writes it.
    pub market: String,
    /// How a country was mapped, for `--explain`: e.g. `IN (India) is
    /// billed as India since 2025-07-01`; `None` when a market was named.
    pub note: Option<String>,
}

/// Lowercase, `&` read as `and`, whitespace collapsed: the form names are
/// compared in.
pub(super) fn normalize(name: &str) -> String {
    name.to_lowercase()
        .replace('&', " and ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_code(text: &str) -> bool {
    text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Up to three candidates close to `input`, closest first: within a few
/// edits (about one in four characters, at least two), or starting with
/// what was typed.
/// Close market or country names, for did-you-mean.
pub(super) fn suggest<'a>(input: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    crate::suggest::close_matches(input, candidates, 3)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

pub(super) fn resolve(
    mapping: Option<&MarketMapping>,
    card: &RateCard,
    text: &str,
) -> Result<ResolvedMarket, MetaError> {
    let input = text.trim();
    if let Some(m) = card.market(input) {
        return Ok(ResolvedMarket {
            market: m.name().to_owned(),
            note: None,
        });
    }
    let markets = card.markets().iter().map(super::Market::name);
    let Some(mapping) = mapping else {
        let suggestions = suggest(input, markets);
        return Err(if suggestions.is_empty() && !input.is_empty() {
            MetaError::NoMapping {
                input: input.to_owned(),
                card: card.name(),
            }
        } else {
            MetaError::UnknownMarket {
                input: input.to_owned(),
                card: card.name(),
                suggestions,
            }
        });
    };
    let date = card.effective();
    let (market, note) = if let Some(row) = mapping.lookup(input, date) {
        (
            row.market.clone(),
            format!(
                "{} ({}) is billed as {} since {}",
                row.iso2, row.country, row.market, row.effective_from
            ),
        )
    } else if mapping.knows_country(input) || super::countries::find(input).is_some() {
        // A real country that Meta's table does not list (for this date): Meta bills it as Other.
        let market = mapping.catch_all(date).to_owned();
        let who = super::countries::find(input).map_or_else(
            || input.to_uppercase(),
            |(code, name)| format!("{name} ({code})"),
        );
        (
            market.clone(),
            format!("{who} is not in Meta's country table for the {date} card; billed as {market}"),
        )
    } else {
        let countries = mapping
            .rows
            .iter()
            .filter(|r| r.iso2 != "*")
            .map(|r| r.country.as_str());
        return Err(MetaError::UnknownMarket {
            input: input.to_owned(),
            card: card.name(),
            suggestions: suggest(input, markets.chain(countries)),
        });
    };
    match card.market(&market) {
        Some(m) => Ok(ResolvedMarket {
            market: m.name().to_owned(),
            note: Some(note),
        }),
        None => Err(MetaError::MarketNotOnCard {
            input: input.to_owned(),
            market,
            card: card.name(),
        }),
    }
}

/// Parses the rows of a mapping file (header already found).
pub(super) fn parse_mapping(
    label: &str,
    header: &Row,
    data: &[&Row],
    comments: Vec<String>,
) -> Result<MarketMapping, Vec<CardError>> {
    let col = |name: &str| {
        header
            .cells
            .iter()
            .position(|c| c.trim().eq_ignore_ascii_case(name))
    };
    let (Some(iso2), Some(country), Some(from), Some(market)) = (
        col("iso2"),
        col("country"),
        col("effective_from"),
        col("market"),
    ) else {
        return Err(vec![CardError::at(
            label,
            header.line,
            "the mapping header needs iso2, country, effective_from and market columns (calling_code is optional)",
        )]);
    };
    let calling = col("calling_code");
    if data.is_empty() {
        return Err(vec![CardError::at(
            label,
            header.line,
            "no data rows after the header; the file looks truncated",
        )]);
    }
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, Date), u64> = HashMap::new();
    for row in data {
        let code = row.cell(iso2).to_ascii_uppercase();
        if !(code == "*" || is_code(&code)) {
            errors.push(CardError::at(
                label,
                row.line,
                format!("iso2 `{code}` is not a two-letter ISO 3166 code (or `*` for all other countries)"),
            ));
            continue;
        }
        let effective_from = match row.cell(from).parse::<Date>() {
            Ok(d) => d,
            Err(e) => {
                errors.push(CardError::at(
                    label,
                    row.line,
                    format!("effective_from: {e}"),
                ));
                continue;
            }
        };
        let name = row.cell(market);
        if name.is_empty() {
            errors.push(CardError::at(
                label,
                row.line,
                format!("{code} has no market"),
            ));
            continue;
        }
        if let Some(first) = seen.insert((code.clone(), effective_from), row.line) {
            errors.push(CardError::at(
                label,
                row.line,
                format!("{code} has two rows effective {effective_from} (also line {first})"),
            ));
            continue;
        }
        rows.push(MappingRow {
            iso2: code,
            country: row.cell(country).to_owned(),
            calling_code: calling.map(|c| row.cell(c).to_owned()).unwrap_or_default(),
            effective_from,
            market: name.to_owned(),
            line: row.line,
        });
    }
    if errors.is_empty() {
        Ok(MarketMapping {
            label: label.to_owned(),
            provenance: comments,
            rows,
        })
    } else {
        Err(errors)
    }
}
