//! Resolving what a user wrote (`India`, `IN`, `argentina`, `Rest of
//! Africa`) to a market row of a card, through the country table and the
//! dated mapping (see `mapping`).

use super::card::{Market, RateCard};
use super::error::MetaError;
use super::mapping::MarketMapping;
use super::names::{normalize, suggest};

/// A market of a card, found from what the user wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedMarket {
    /// The market's name as the card writes it.
    pub market: String,
    /// How a country was mapped, for `--explain`: e.g. `IN (India) is
    /// billed as India since 2025-07-01`; `None` when a market was named.
    pub note: Option<String>,
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
) -> Option<&'c Market> {
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
        let markets = card.markets().iter().map(Market::name);
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
