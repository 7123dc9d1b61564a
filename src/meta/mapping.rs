//! The country-to-market mapping file: which market each country is
//! billed as, from which date.
//!
//! The mapping is long format, one row per change:
//! `iso2,country,calling_code,effective_from,market`. A country's market on
//! a card is the row with the newest `effective_from` on or before the
//! card's effective date. A country the mapping does not list is billed as
//! the catch-all market (`*` row, else `Other`), as Meta does.

use std::collections::HashMap;

use super::cells::Row;
use super::error::CardError;
use super::names::normalize;
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
    /// The row that says which market the country with ISO alpha-2 code
    /// `iso2` is billed as on `date`; `None` when the mapping does not
    /// list the country on that date.
    #[must_use]
    pub fn lookup_code(&self, iso2: &str, date: Date) -> Option<&MappingRow> {
        self.rows
            .iter()
            .filter(|r| r.iso2 != "*" && r.effective_from <= date)
            .filter(|r| r.iso2.eq_ignore_ascii_case(iso2))
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

    /// The ISO code of a country named as the mapping spells it
    /// (`Swaziland`, `Ivory Coast`), ignoring case and accents.
    #[must_use]
    pub fn code_for_name(&self, text: &str) -> Option<&str> {
        let wanted = normalize(text);
        self.rows
            .iter()
            .find(|r| r.iso2 != "*" && normalize(&r.country) == wanted)
            .map(|r| r.iso2.as_str())
    }
}

pub(super) fn is_code(text: &str) -> bool {
    text.len() == 2 && text.bytes().all(|b| b.is_ascii_alphabetic())
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
