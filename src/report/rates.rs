//! The Meta rate cards' report: the list of cards (`ctbill rates`), and
//! one card's rates and a market's volume tiers (`ctbill rates show`), as
//! [`Table`]s, through [`RateCard`]'s public API only.

use super::table::{Align, Table};
use crate::meta::{Category, Market, RateCard};
use crate::money::group_count;

/// Where a card came from, as `ctbill rates` shows it: `built-in`, or the
/// files it was read from.
#[must_use]
pub fn source_text(card: &RateCard) -> String {
    if card.is_built_in() {
        "built-in".to_owned()
    } else {
        card.sources().join(", ")
    }
}

/// Whether a card has volume tiers: `yes`, `some markets` or `no (list rates)`.
#[must_use]
pub fn tiers_text(card: &RateCard) -> &'static str {
    if !card.has_volume_tiers() {
        "no (list rates)"
    } else if card.tiers_partial() {
        "some markets"
    } else {
        "yes"
    }
}

/// `primary` (Meta's own file) or `secondary` (a third party's copy).
#[must_use]
pub fn trust_text(card: &RateCard) -> &'static str {
    if card.is_primary() {
        "primary"
    } else {
        "secondary"
    }
}

/// `complete` or `partial`.
#[must_use]
pub fn coverage_text(card: &RateCard) -> &'static str {
    if card.is_partial() {
        "partial"
    } else {
        "complete"
    }
}

/// The list of cards as a table (`ctbill rates`).
#[must_use]
pub fn cards_table(cards: &[RateCard]) -> Table {
    let mut table = Table::new(&[
        ("Currency", Align::Left),
        ("Effective", Align::Left),
        ("Markets", Align::Right),
        ("Volume tiers", Align::Left),
        ("Service", Align::Left),
        ("Data", Align::Left),
        ("Coverage", Align::Left),
        ("Source", Align::Left),
    ])
    .short_headers(&[("Currency", "Cur."), ("Markets", "Mkts")]);
    for card in cards {
        table.row(vec![
            card.currency().to_string(),
            card.effective().to_string(),
            card.markets().len().to_string(),
            tiers_text(card).to_owned(),
            if card.service_free() {
                "free"
            } else {
                "charged"
            }
            .to_owned(),
            trust_text(card).to_owned(),
            coverage_text(card).to_owned(),
            source_text(card),
        ]);
    }
    table
}

/// A rate as shown: as written, `free` for service on a card that does not
/// charge it, `n/a` where the card has none.
#[must_use]
pub fn rate_text(card: &RateCard, market: &Market, category: Category) -> String {
    match market.rate(category) {
        Some(rate) => rate.to_string(),
        None if category == Category::Service && card.service_free() => "free".to_owned(),
        None => "n/a".to_owned(),
    }
}

/// One card's list rates, a row per market, a column per category.
#[must_use]
pub fn rates_table(card: &RateCard, markets: &[&Market]) -> Table {
    let mut columns = vec![("Market", Align::Left)];
    columns.extend(Category::ALL.iter().map(|c| (c.name(), Align::Right)));
    let mut table = Table::new(&columns).short_headers(&[(
        "authentication-international",
        "authentication-\ninternational",
    )]);
    for market in markets {
        let mut row = vec![market.name().to_owned()];
        row.extend(Category::ALL.iter().map(|&c| rate_text(card, market, c)));
        table.row(row);
    }
    table
}

/// One market's volume tiers, with the gaps a partial card leaves.
#[must_use]
pub fn tiers_table(market: &Market) -> Table {
    let mut table = Table::new(&[
        ("Category", Align::Left),
        ("From", Align::Right),
        ("To", Align::Right),
        ("Rate", Align::Right),
        ("vs. list", Align::Right),
    ]);
    for category in Category::ALL {
        let tiers = market.tiers(category);
        for (i, tier) in tiers.iter().enumerate() {
            table.row(vec![
                category.name().to_owned(),
                group_count(tier.from),
                tier.to.map_or_else(|| "and above".to_owned(), group_count),
                tier.rate.to_string(),
                tier.discount_vs_list.clone().unwrap_or_default(),
            ]);
            // A partial card's tiers may leave a gap or stop short: say so.
            let next = tiers.get(i + 1).map(|t| t.from);
            if let Some(to) = tier.to
                && next.is_none_or(|from| from > to.saturating_add(1))
            {
                table.row(vec![
                    category.name().to_owned(),
                    group_count(to.saturating_add(1)),
                    next.map_or_else(
                        || "and above".to_owned(),
                        |from| group_count(from.saturating_sub(1)),
                    ),
                    "not published".to_owned(),
                    String::new(),
                ]);
            }
        }
    }
    table
}

/// The heading above one market's volume tiers.
pub const TIERS_HEADING: &str =
    "Volume tiers (each rate applies only to the messages inside its tier):";

/// What `rates show` says for one market without volume tiers.
pub const NO_TIERS: &str = "No volume tiers: every message at the list rate.";
