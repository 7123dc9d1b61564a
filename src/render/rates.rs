//! Meta rate cards for people: the list of cards (`ctbill rates`) and one
//! card's rates and volume tiers (`ctbill rates show`), in every format.

use serde::Serialize;

use super::Format;
use super::table::{Align, Table, prose};
use crate::meta::{Category, Market, RateCard};
use crate::money::group_count;

/// Where a card came from, as `ctbill rates` shows it: `built-in`, or the
/// files it was read from.
fn source_text(card: &RateCard) -> String {
    if card.is_built_in() {
        "built-in".to_owned()
    } else {
        card.sources().join(", ")
    }
}

fn tiers_text(card: &RateCard) -> &'static str {
    if !card.has_volume_tiers() {
        "no (list rates)"
    } else if card.tiers_partial() {
        "some markets"
    } else {
        "yes"
    }
}

fn trust_text(card: &RateCard) -> &'static str {
    if card.is_primary() {
        "primary"
    } else {
        "secondary"
    }
}

fn coverage_text(card: &RateCard) -> &'static str {
    if card.is_partial() {
        "partial"
    } else {
        "complete"
    }
}

/// The list of cards as a table (also used for Markdown and CSV).
fn cards_table(cards: &[RateCard]) -> Table {
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

#[derive(Serialize)]
struct CardJson<'a> {
    currency: &'static str,
    effective: String,
    markets: usize,
    volume_tiers: bool,
    /// The markets × categories with published tiers, when only some have.
    #[serde(skip_serializing_if = "Option::is_none")]
    tiered: Option<String>,
    service_charged: bool,
    /// `primary` (Meta's own file) or `secondary` (a third party's copy).
    data: &'static str,
    /// `complete` or `partial`.
    coverage: &'static str,
    /// What a partial card's rates file says it lacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    partial: Option<&'a str>,
    /// `built-in`, or the files the card was read from.
    source: String,
    built_in: bool,
    sources: &'a [String],
}

impl<'a> CardJson<'a> {
    fn new(card: &'a RateCard) -> Self {
        Self {
            currency: card.currency().code(),
            effective: card.effective().to_string(),
            markets: card.markets().len(),
            volume_tiers: card.has_volume_tiers(),
            tiered: card.tiers_partial().then(|| card.tiered_summary()),
            service_charged: !card.service_free(),
            data: trust_text(card),
            coverage: coverage_text(card),
            partial: card.partial_rates(),
            source: source_text(card),
            built_in: card.is_built_in(),
            sources: card.sources(),
        }
    }
}

/// `ctbill rates`: every card loaded.
#[must_use]
pub fn cards(cards: &[RateCard], format: Format, width: Option<usize>) -> String {
    #[derive(Serialize)]
    struct Cards<'a> {
        cards: Vec<CardJson<'a>>,
    }
    match format {
        Format::Table => cards_table(cards).render_to(width),
        Format::Markdown => super::markdown::table(&cards_table(cards)),
        Format::Csv => super::csv::table(&cards_table(cards)),
        Format::Json => super::json::pretty(&Cards {
            cards: cards.iter().map(CardJson::new).collect(),
        }),
    }
}

/// A rate as shown: as written, `free` for service on a card that does not
/// charge it, `n/a` where the card has none.
fn rate_text(card: &RateCard, market: &Market, category: Category) -> String {
    match market.rate(category) {
        Some(rate) => rate.to_string(),
        None if category == Category::Service && card.service_free() => "free".to_owned(),
        None => "n/a".to_owned(),
    }
}

fn rates_table(card: &RateCard, markets: &[&Market]) -> Table {
    let mut columns = vec![("Market", Align::Left)];
    columns.extend(Category::ALL.iter().map(|c| (c.name(), Align::Right)));
    let mut table = Table::new(&columns)
        .short_headers(&[("authentication-international", "authentication-\ninternational")]);
    for market in markets {
        let mut row = vec![market.name().to_owned()];
        row.extend(Category::ALL.iter().map(|&c| rate_text(card, market, c)));
        table.row(row);
    }
    table
}

fn tiers_table(market: &Market) -> Table {
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

#[derive(Serialize)]
struct MarketJson<'a> {
    market: &'a str,
    rates: std::collections::BTreeMap<&'static str, Option<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tiers: Vec<TierJson>,
}

#[derive(Serialize)]
struct TierJson {
    category: &'static str,
    from: u64,
    to: Option<u64>,
    rate: String,
}

/// `ctbill rates show`: one card's rates, for every market or one market
/// with its volume tiers. `heading` says which card and why it was chosen.
#[must_use]
pub fn card(
    card: &RateCard,
    markets: &[&Market],
    heading: &str,
    format: Format,
    width: Option<usize>,
) -> String {
    let one_market = markets.len() == 1;
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct Shown<'a> {
                #[serde(flatten)]
                card: CardJson<'a>,
                provenance: &'a [String],
                rates: Vec<MarketJson<'a>>,
            }
            let rates = markets
                .iter()
                .map(|m| MarketJson {
                    market: m.name(),
                    rates: Category::ALL
                        .iter()
                        .map(|&c| (c.name(), m.rate(c).map(|r| r.to_string())))
                        .collect(),
                    tiers: Category::ALL
                        .iter()
                        .flat_map(|&c| {
                            m.tiers(c).iter().map(move |t| TierJson {
                                category: c.name(),
                                from: t.from,
                                to: t.to,
                                rate: t.rate.to_string(),
                            })
                        })
                        .collect(),
                })
                .collect();
            super::json::pretty(&Shown {
                card: CardJson::new(card),
                provenance: card.provenance(),
                rates,
            })
        }
        Format::Csv => super::csv::table(&rates_table(card, markets)),
        Format::Markdown => {
            let mut out = format!("**{}**\n\n", super::markdown::escape(heading));
            out.push_str(&super::markdown::table(&rates_table(card, markets)));
            if one_market && !tiers_table(markets[0]).is_empty() {
                out.push_str(
                    "\nVolume tiers (each rate applies only to the messages inside its tier):\n\n",
                );
                out.push_str(&super::markdown::table(&tiers_table(markets[0])));
            }
            out
        }
        Format::Table => {
            let mut out = String::new();
            prose(&mut out, heading, width, "", "  ");
            out.push('\n');
            out.push_str(&rates_table(card, markets).render_to(width));
            if one_market {
                let tiers = tiers_table(markets[0]);
                if tiers.is_empty() {
                    out.push('\n');
                    prose(&mut out, "No volume tiers: every message at the list rate.", width, "", "");
                } else {
                    out.push('\n');
                    prose(
                        &mut out,
                        "Volume tiers (each rate applies only to the messages inside its tier):",
                        width,
                        "",
                        "",
                    );
                    out.push('\n');
                    out.push_str(&tiers.render_to(width));
                }
            }
            out
        }
    }
}
