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

/// A market of a card, found from what the user wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedMarket {
    /// The market's name as the card writes it.
    pub market: String,
    /// How a country was mapped, for `--explain`: e.g. `IN (India) is
    /// billed as India since 2025-07-01`; `None` when a market was named.
    pub note: Option<String>,
}

/// The form names are compared in: lowercase, accents dropped (`Türkiye`
/// is `turkiye`), `&` read as `and`, apostrophes dropped and any other
/// punctuation read as a space, whitespace collapsed.
pub(super) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = true;
    for c in name.chars().flat_map(char::to_lowercase) {
        let folded = fold(c);
        let text: &str = match (c, folded) {
            (_, Some(ascii)) => ascii,
            ('&', _) => " and ",
            ('\'' | '\u{2019}' | '`', _) => "",
            _ if c.is_alphanumeric() => {
                out.push(c);
                space = false;
                continue;
            }
            _ => " ",
        };
        for b in text.chars() {
            if b == ' ' {
                if !space {
                    out.push(' ');
                    space = true;
                }
            } else {
                out.push(b);
                space = false;
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The plain letters of an accented Latin lowercase letter.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' => "d",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ß' => "ss",
        'ś' | 'ŝ' | 'ş' | 'š' => "s",
        'ţ' | 'ť' | 'ŧ' => "t",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
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

/// The ISO alpha-2 code and a display name of a country, however it is
/// named: ISO alpha-2 or alpha-3 code, ISO short, official or common name,
/// an everyday alias, or the mapping's own spelling.
pub(super) fn country(mapping: Option<&MarketMapping>, input: &str) -> Option<(String, String)> {
    if let Some(found) = super::countries::find(input) {
        return Some((found.alpha2.to_owned(), found.name().to_owned()));
    }
    let code = mapping?.code_for_name(input)?;
    let name =
        super::countries::by_alpha2(code).map_or_else(|| input.to_owned(), |c| c.name().to_owned());
    Some((code.to_owned(), name))
}

/// The market row of `card` named after the country `iso2` (Kazakhstan on
/// the 2026-10-01 card), under any of the country's names.
fn own_row<'c>(
    card: &'c RateCard,
    mapping: Option<&MarketMapping>,
    iso2: &str,
) -> Option<&'c super::Market> {
    let iso = super::countries::by_alpha2(iso2);
    let names = iso.map_or(&[][..], |c| c.names);
    let mapped = mapping
        .into_iter()
        .flat_map(|m| m.rows.iter())
        .filter(|r| r.iso2.eq_ignore_ascii_case(iso2))
        .map(|r| r.country.as_str());
    names
        .iter()
        .copied()
        .chain(mapped)
        .find_map(|n| card.market(n))
}

pub(super) fn resolve(
    mapping: Option<&MarketMapping>,
    card: &RateCard,
    text: &str,
) -> Result<ResolvedMarket, MetaError> {
    let input = text.trim();
    let date = card.effective();
    let Some((code, name)) = country(mapping, input) else {
        // Not a country: a market of the card (`Rest of Africa`, `Other`).
        if let Some(m) = card.market(input) {
            return Ok(ResolvedMarket {
                market: m.name().to_owned(),
                note: None,
            });
        }
        if let Some(what) = card.partial_rates() {
            let known = normalize(input) == "other"
                || mapping.is_some_and(|m| {
                    m.rows
                        .iter()
                        .any(|r| normalize(&r.market) == normalize(input))
                });
            if known {
                return Err(MetaError::NotOnPartialCard {
                    input: input.to_owned(),
                    market: input.to_owned(),
                    card: format!("{} card is partial ({what})", card.name()),
                });
            }
        }
        let markets = card.markets().iter().map(super::Market::name);
        let countries = mapping
            .into_iter()
            .flat_map(|m| m.rows.iter())
            .filter(|r| r.iso2 != "*")
            .map(|r| r.country.as_str());
        return Err(MetaError::UnknownMarket {
            input: input.to_owned(),
            card: card.name(),
            suggestions: suggest(input, markets.chain(countries)),
        });
    };
    // A country: the same market whichever way it was named. Meta's dated
    // table first; else the card's own row for the country; else the
    // catch-all, as Meta bills countries its table does not list.
    let (market, note) = if let Some(row) = mapping.and_then(|m| m.lookup_code(&code, date)) {
        (
            row.market.clone(),
            format!(
                "{} ({}) is billed as {} since {}",
                row.iso2, row.country, row.market, row.effective_from
            ),
        )
    } else if let Some(row) = own_row(card, mapping, &code) {
        (
            row.name().to_owned(),
            format!("{name} ({code}) has its own row on the {date} card"),
        )
    } else if let Some(mapping) = mapping {
        let market = mapping.catch_all(date).to_owned();
        (
            market.clone(),
            format!(
                "{name} ({code}) is not in Meta's country table for the {date} card; billed as {market}"
            ),
        )
    } else {
        return Err(MetaError::NoMapping {
            input: input.to_owned(),
            card: card.name(),
        });
    };
    match card.market(&market) {
        Some(m) => Ok(ResolvedMarket {
            market: m.name().to_owned(),
            note: Some(note),
        }),
        None if card.partial_rates().is_some() => Err(MetaError::NotOnPartialCard {
            input: input.to_owned(),
            market,
            card: format!(
                "{} card is partial ({})",
                card.name(),
                card.partial_rates().unwrap_or_default()
            ),
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
