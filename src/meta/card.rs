//! One dated rate card: its markets, list rates and volume tiers, where
//! its figures came from, and what a bill must say about it.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::category::Category;
use super::names;
use crate::calendar::{Date, Month};
use crate::money::Currency;

/// One volume tier: the messages numbered `from..=to` in a calendar month
/// (Meta writes the first tier as `From 0`), priced at `rate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    /// First message count of the tier as Meta writes it (0 for the first).
    pub from: u64,
    /// Last message count of the tier, inclusive; `None` = open (`--`).
    pub to: Option<u64>,
    /// Price per message, at the scale Meta wrote it (`0.0247`).
    pub rate: Decimal,
    /// Meta's "vs. List rate" column as printed (`-5%`), if given.
    pub discount_vs_list: Option<String>,
}

/// How far a card's figures can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Trust {
    /// Meta's own files.
    Primary,
    /// A third party's copy of Meta's figures.
    Secondary,
}

/// Whether tiers cover every count: from 0, contiguous, ending open.
pub(super) fn tiers_complete(tiers: &[Tier]) -> bool {
    let mut next = 0_u64;
    for tier in tiers {
        if tier.from > next {
            return false;
        }
        match tier.to {
            Some(to) => next = to.saturating_add(1),
            None => return true,
        }
    }
    false
}

/// One market row of a card: its name and a rate per category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Market {
    pub(super) name: String,
    /// `name` normalized for lookups (see `market::normalize`).
    pub(super) key: String,
    pub(super) rates: [Option<Decimal>; 5],
    pub(super) tiers: BTreeMap<Category, Vec<Tier>>,
}

impl Market {
    /// The market's name as the card writes it (`Rest of Latin America`).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The list rate for a category, `None` when the card has none (`n/a`).
    #[must_use]
    pub fn rate(&self, category: Category) -> Option<Decimal> {
        self.rates[category.index()]
    }

    /// The volume tiers for a category, empty when none are published.
    #[must_use]
    pub fn tiers(&self, category: Category) -> &[Tier] {
        self.tiers.get(&category).map_or(&[], Vec::as_slice)
    }
}

/// One dated Meta rate card in one currency, with its volume tiers if a
/// tiers file was loaded for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateCard {
    pub(super) currency: Currency,
    pub(super) effective: Date,
    pub(super) markets: Vec<Market>,
    pub(super) has_volume_tiers: bool,
    pub(super) service_free: bool,
    pub(super) sources: Vec<String>,
    pub(super) provenance: Vec<String>,
    /// What the rates file says it lacks (its `# Partial: ...` line).
    pub(super) partial_rates: Option<String>,
    /// What the tiers file says it lacks (its `# Partial: ...` line).
    pub(super) partial_tiers: Option<String>,
    /// Whether every file of the card is Meta's own.
    pub(super) trust: Trust,
    /// Whether the card came from the data built into ctbill.
    pub(super) built_in: bool,
}

impl RateCard {
    /// The billing currency.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The date the card took effect.
    #[must_use]
    pub fn effective(&self) -> Date {
        self.effective
    }

    /// How a bill names the card: `Meta USD rate card effective 2026-04-01
    /// (with volume tiers)`, or `(list rates, no volume tiers published)`
    /// when no tiers file came with it. A partial card says so and what it
    /// covers: `(partial: India only; list rates, no volume tiers
    /// published)`, or `(volume tiers for Saudi Arabia, United Arab
    /// Emirates utility only; other markets at list rates)`.
    #[must_use]
    pub fn describe(&self) -> String {
        let tiers = if !self.has_volume_tiers {
            "list rates, no volume tiers published".to_owned()
        } else if self.tiers_partial() {
            format!(
                "volume tiers for {} only; other markets at list rates",
                self.tiered_summary()
            )
        } else {
            "with volume tiers".to_owned()
        };
        let rows = self
            .partial_rates
            .as_ref()
            .map_or_else(String::new, |what| format!("partial: {what}; "));
        format!(
            "Meta {} rate card effective {} ({rows}{tiers})",
            self.currency, self.effective
        )
    }

    /// A note for a bill of `month` when the card is stale: Meta changes
    /// rates on the first day of a quarter, so a card that took effect a
    /// quarter or more before the billing month has most likely been
    /// replaced by a card ctbill does not have. `None` while the card is
    /// current (and for a card newer than the month, which is never in
    /// force for it).
    #[must_use]
    pub fn staleness(&self, month: Month) -> Option<String> {
        let age = month.months_since(self.effective.month());
        (age >= 3).then(|| {
            format!(
                "the newest {} card here is {}, {age} months before {month}; Meta publishes new cards quarterly, so these rates may be out of date: drop newer files into plans/meta/",
                self.currency, self.effective
            )
        })
    }

    /// Whether the card lacks markets or categories, or some volume tiers:
    /// it prices what it has and refuses the rest.
    #[must_use]
    pub fn is_partial(&self) -> bool {
        self.partial_rates.is_some() || self.partial_tiers.is_some() || self.tiers_partial()
    }

    /// What the rates file says it lacks (its `# Partial:` line), e.g.
    /// `India row only`.
    #[must_use]
    pub fn partial_rates(&self) -> Option<&str> {
        self.partial_rates.as_deref()
    }

    /// Whether volume tiers are published for some tiered markets ×
    /// categories only (or with gaps).
    #[must_use]
    pub fn tiers_partial(&self) -> bool {
        self.has_volume_tiers
            && self.markets.iter().any(|m| {
                [Category::Utility, Category::Authentication]
                    .into_iter()
                    .any(|c| m.rate(c).is_some() && m.tiers(c).is_empty())
                    || m.tiers.values().any(|t| !tiers_complete(t))
            })
    }

    /// The markets × categories with published tiers, e.g. `Saudi Arabia
    /// utility, authentication (in part); United Arab Emirates utility`
    /// (`in part`: some tiers of that market × category are not published).
    #[must_use]
    pub fn tiered_summary(&self) -> String {
        let parts: Vec<String> = self
            .markets
            .iter()
            .filter(|m| !m.tiers.is_empty())
            .map(|m| {
                let cats: Vec<String> = m
                    .tiers
                    .iter()
                    .map(|(c, tiers)| {
                        if tiers_complete(tiers) {
                            c.name().to_owned()
                        } else {
                            format!("{c} (in part)")
                        }
                    })
                    .collect();
                format!("{} {}", m.name, cats.join(", "))
            })
            .collect();
        parts.join("; ")
    }

    /// Whether every file of the card is Meta's own file (primary), rather
    /// than a third party's copy (secondary).
    #[must_use]
    pub fn is_primary(&self) -> bool {
        self.trust == Trust::Primary
    }

    /// Whether the card is the one built into ctbill (else it was read from
    /// the plans directory: see [`RateCard::sources`]).
    #[must_use]
    pub fn is_built_in(&self) -> bool {
        self.built_in
    }

    /// A short name for messages: `2026-04-01 USD`.
    #[must_use]
    pub fn name(&self) -> String {
        format!("{} {}", self.effective, self.currency)
    }

    /// The markets, in the card's order.
    #[must_use]
    pub fn markets(&self) -> &[Market] {
        &self.markets
    }

    /// Looks a market up by its exact name, ignoring case and spacing.
    #[must_use]
    pub fn market(&self, name: &str) -> Option<&Market> {
        // The name exactly as the card writes it is the common case (a
        // market already resolved): no need to normalize.
        if let Some(exact) = self.markets.iter().find(|m| m.name == name) {
            return Some(exact);
        }
        let wanted = names::normalize(name);
        self.markets.iter().find(|m| m.key == wanted)
    }

    /// Whether a volume-tiers file was loaded for this card. When not,
    /// every category is priced at list rates.
    #[must_use]
    pub fn has_volume_tiers(&self) -> bool {
        self.has_volume_tiers
    }

    /// Whether service messages are free on this card (no market has a
    /// service rate).
    #[must_use]
    pub fn service_free(&self) -> bool {
        self.service_free
    }

    /// Labels of the files the card was built from (rates first).
    #[must_use]
    pub fn sources(&self) -> &[String] {
        &self.sources
    }

    /// Where the data came from: the `#` comment lines of a normalized file,
    /// or the title and note rows of Meta's own file.
    #[must_use]
    pub fn provenance(&self) -> &[String] {
        &self.provenance
    }

    /// Why a category on a market is billed at list rate on a card that
    /// publishes volume tiers for other markets, if it is.
    pub(super) fn list_rate_note(&self, row: &Market, category: Category) -> Option<String> {
        (row.tiers(category).is_empty()
            && self.has_volume_tiers
            && category.has_volume_tiers()
            && self.tiers_partial())
        .then(|| {
            format!(
                "the {} card publishes no {} {category} volume tiers: billed at the list rate",
                self.name(),
                row.name
            )
        })
    }
}
