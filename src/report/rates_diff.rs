//! `ctbill rates diff`: what changed between two rate cards, as the words
//! and [`Table`]s every format shares. The comparison itself is
//! [`crate::meta::diff_cards`]; this only words it.

use rust_decimal::Decimal;

use super::table::{Align, Table};
use crate::calendar::Month;
use crate::meta::{CardDiff, Category, RateCard, Tier};
use crate::money::group_count;

/// `rates diff`: the comparison, the months asked for, and its notes.
#[derive(Debug, Clone)]
pub struct RatesDiff<'a> {
    /// The comparison.
    pub diff: CardDiff<'a>,
    /// The month of `--month`.
    pub month: Month,
    /// The month of `--vs-month`.
    pub vs_month: Month,
    /// What a reader must know: the same card twice, free service, partial
    /// cards, tiers on one card only, how `--market` resolved.
    pub notes: Vec<String>,
}

impl<'a> RatesDiff<'a> {
    /// The report of `diff`, with notes; `market_notes` say how `--market`
    /// resolved on each card.
    #[must_use]
    pub fn new(
        diff: CardDiff<'a>,
        month: Month,
        vs_month: Month,
        market_notes: Vec<String>,
    ) -> Self {
        let (card, vs) = (diff.card, diff.vs_card);
        let mut notes = market_notes;
        if diff.same_card() {
            notes.push(format!(
                "{month} and {vs_month} both resolve to the card effective {}: nothing changed",
                card.effective()
            ));
        } else {
            for c in [card, vs] {
                let free_side = |ch: &crate::meta::RateChange| {
                    if std::ptr::eq(c, card) {
                        ch.rate
                    } else {
                        ch.vs_rate
                    }
                };
                if c.service_free()
                    && diff
                        .changes
                        .iter()
                        .any(|ch| ch.category == Category::Service && free_side(ch).is_some())
                {
                    notes.push(format!(
                        "the {} card charges nothing for service messages: its service rates show as free (0 in JSON and CSV), and a change from free has no percentage",
                        c.effective()
                    ));
                }
                if let Some(what) = c.partial_rates() {
                    notes.push(format!(
                        "the {} card is partial ({what}): markets it lacks are not compared",
                        c.name()
                    ));
                }
            }
            for (side, c) in [(true, card), (false, vs)] {
                let list: Vec<String> = diff
                    .tiers_one_side
                    .iter()
                    .filter(|(_, _, on)| *on == side)
                    .map(|(m, c, _)| format!("{m} {c}"))
                    .collect();
                if !list.is_empty() {
                    notes.push(format!(
                        "volume tiers published on the {} card only, not compared: {}",
                        c.effective(),
                        abridged(&list)
                    ));
                }
            }
            if !diff.tiers_same_in_part.is_empty() {
                let list: Vec<String> = diff
                    .tiers_same_in_part
                    .iter()
                    .map(|(m, c)| format!("{m} {c}"))
                    .collect();
                notes.push(format!(
                    "volume tiers published in part on one card, the same where both cards publish a tier: {}",
                    abridged(&list)
                ));
            }
            if diff.changes.is_empty() && diff.tier_changes.is_empty() {
                notes.push("no rate differs between the two cards".to_owned());
            }
        }
        Self {
            diff,
            month,
            vs_month,
            notes,
        }
    }

    /// The heading: which card is which, and what a change means.
    #[must_use]
    pub fn heading(&self) -> String {
        let (card, vs) = (self.diff.card, self.diff.vs_card);
        format!(
            "{}, in force in {}\nvs. {}, in force in {}\n{} per delivered message; change = {} rate − {} rate",
            card.describe(),
            self.month,
            vs.describe(),
            self.vs_month,
            card.currency(),
            card.effective(),
            vs.effective()
        )
    }

    /// The markets added and removed, as sentences (none when neither).
    #[must_use]
    pub fn market_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.diff.markets_added.is_empty() {
            lines.push(format!(
                "Markets added on the {} card (on it, not on the {} card): {}",
                self.diff.card.effective(),
                self.diff.vs_card.effective(),
                self.diff.markets_added.join(", ")
            ));
        }
        if !self.diff.markets_removed.is_empty() {
            lines.push(format!(
                "Markets removed on the {} card (on the {} card, not on it): {}",
                self.diff.card.effective(),
                self.diff.vs_card.effective(),
                self.diff.markets_removed.join(", ")
            ));
        }
        lines
    }
}

/// A list for a note: up to six items, then how many more.
fn abridged(items: &[String]) -> String {
    const SHOWN: usize = 6;
    if items.len() <= SHOWN {
        items.join(", ")
    } else {
        format!(
            "{} and {} more",
            items[..SHOWN].join(", "),
            items.len() - SHOWN
        )
    }
}

/// A decimal with its sign: `+0.0011`, `-0.0011`, `0`.
#[must_use]
pub fn signed(value: Decimal) -> String {
    if value.is_sign_positive() && !value.is_zero() {
        format!("+{value}")
    } else {
        value.to_string()
    }
}

/// A rate as the table shows it: as written, `free` for service on a card
/// that charges none, `n/a` where the card has none.
#[must_use]
pub fn rate_text(card: &RateCard, category: Category, rate: Option<Decimal>) -> String {
    match rate {
        Some(r) if r.is_zero() && category == Category::Service && card.service_free() => {
            "free".to_owned()
        }
        Some(r) => r.to_string(),
        None => "n/a".to_owned(),
    }
}

/// The market column: the market, and the other card's market when a
/// country moved between the cards.
#[must_use]
pub fn market_text(market: &str, vs_market: Option<&str>) -> String {
    match vs_market {
        Some(vs) => format!("{market} (vs. {vs})"),
        None => market.to_owned(),
    }
}

/// Every changed rate, a row per market × category.
#[must_use]
pub fn changes_table(report: &RatesDiff<'_>) -> Table {
    let (card, vs) = (report.diff.card, report.diff.vs_card);
    let rate = format!("Rate {}", card.effective());
    let vs_rate = format!("Rate {}", vs.effective());
    let mut table = Table::new(&[
        ("Market", Align::Left),
        ("Category", Align::Left),
        (&rate, Align::Right),
        (&vs_rate, Align::Right),
        ("Change", Align::Right),
        ("Change %", Align::Right),
    ])
    .short_headers(&[
        (&rate, &card.effective().to_string()),
        (&vs_rate, &vs.effective().to_string()),
        ("Change %", "%"),
    ]);
    for change in &report.diff.changes {
        table.row(vec![
            market_text(&change.market, change.vs_market.as_deref()),
            change.category.name().to_owned(),
            rate_text(card, change.category, change.rate),
            rate_text(vs, change.category, change.vs_rate),
            change.change().map_or_else(|| "n/a".to_owned(), signed),
            change
                .percent()
                .map_or_else(|| "n/a".to_owned(), |p| format!("{}%", signed(p))),
        ]);
    }
    table
}

/// Tiers in one line: `0–100,000 at 0.0107; 100,001 and above at 0.0102`,
/// with the gaps a partial card leaves (`100,001–40,000,000 not published`).
#[must_use]
pub fn tiers_text(tiers: &[Tier]) -> String {
    let mut parts = Vec::new();
    for (i, t) in tiers.iter().enumerate() {
        let range = t.to.map_or_else(
            || format!("{} and above", group_count(t.from)),
            |to| format!("{}–{}", group_count(t.from), group_count(to)),
        );
        parts.push(format!("{range} at {}", t.rate));
        let next = tiers.get(i + 1).map(|n| n.from);
        if let Some(to) = t.to
            && next.is_none_or(|from| from > to.saturating_add(1))
        {
            let gap = next.map_or_else(
                || format!("{} and above", group_count(to.saturating_add(1))),
                |from| {
                    format!(
                        "{}–{}",
                        group_count(to.saturating_add(1)),
                        group_count(from.saturating_sub(1))
                    )
                },
            );
            parts.push(format!("{gap} not published"));
        }
    }
    parts.join("; ")
}

/// The volume tiers that changed: two rows per market × category, one per
/// card.
#[must_use]
pub fn tier_changes_table(report: &RatesDiff<'_>) -> Table {
    let mut table = Table::new(&[
        ("Market", Align::Left),
        ("Category", Align::Left),
        ("Card", Align::Left),
        ("Tiers", Align::Left),
    ]);
    let (card, vs) = (report.diff.card, report.diff.vs_card);
    for change in &report.diff.tier_changes {
        let market = market_text(&change.market, change.vs_market.as_deref());
        table.row(vec![
            market.clone(),
            change.category.name().to_owned(),
            card.effective().to_string(),
            tiers_text(&change.tiers),
        ]);
        table.row(vec![
            market,
            change.category.name().to_owned(),
            vs.effective().to_string(),
            tiers_text(&change.vs_tiers),
        ]);
    }
    table
}

/// The heading above the changed volume tiers.
pub const TIERS_HEADING: &str = "Volume tiers that changed (both cards publish them):";
