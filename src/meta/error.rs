//! Errors of the rate-card layer: [`CardError`] for a file (with its line,
//! or sheet and cell), [`MetaError`] for choosing a card and a market and
//! for pricing.

use std::fmt;

use super::category::Category;
use crate::calendar::{Date, Month};
use crate::money::{self, Currency};

/// A problem in one rate-card or mapping file, with where it is: the
/// caller's label for the file and, when it concerns one record, the
/// 1-based line the record starts on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct CardError {
    /// The caller's label for the file, usually its path.
    pub file: String,
    /// 1-based physical line where the offending CSV record starts.
    pub line: Option<u64>,
    /// 0-based index of the offending cell within its record, when the
    /// problem is one cell (a workbook's errors name the cell, `D12`).
    pub cell: Option<usize>,
    /// What is wrong and, where possible, what would be right.
    pub message: String,
}

impl CardError {
    pub(super) fn at(file: &str, line: u64, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: Some(line),
            cell: None,
            message: message.into(),
        }
    }

    pub(super) fn file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: None,
            cell: None,
            message: message.into(),
        }
    }

    /// The same problem, pinned to one cell of its record.
    pub(super) fn in_cell(self, cell: usize) -> Self {
        Self {
            cell: Some(cell),
            ..self
        }
    }
}

impl fmt::Display for CardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A problem choosing a card, resolving a market or pricing a count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetaError {
    /// No card in the currency is effective for the month.
    #[error(
        "no {currency} Meta rate card is in force in {month}; {}",
        list_cards(*currency, available)
    )]
    NoCard {
        /// The currency asked for.
        currency: Currency,
        /// The billing month asked for.
        month: Month,
        /// The cards that are loaded, as `(currency, effective date)`.
        available: Vec<(Currency, Date)>,
    },
    /// The text names no market of the card and no known country.
    #[error(
        "`{}` is not a market on the {card} card, a country in Meta's country table, or an ISO country code{}",
        crate::shown::Shown(input),
        did_you_mean(suggestions)
    )]
    UnknownMarket {
        /// What the user wrote.
        input: String,
        /// The card's name, e.g. `2026-04-01 USD`.
        card: String,
        /// Close market or country names.
        suggestions: Vec<String>,
    },
    /// The mapping sends a country to a market this card does not have.
    #[error(
        "`{}` is billed as market {market} (Meta's country table), but the {card} card has no {market} row; the card and the mapping do not match",
        crate::shown::Shown(input)
    )]
    MarketNotOnCard {
        /// What the user wrote.
        input: String,
        /// The market the mapping gives.
        market: String,
        /// The card's name.
        card: String,
    },
    /// A country was named but no country-to-market mapping is loaded.
    #[error(
        "`{}` is not a market on the {card} card, and no country-to-market mapping is loaded to look it up; name a market of the card (e.g. India, Rest of Africa, Other) or add meta-market-mapping.csv",
        crate::shown::Shown(input)
    )]
    NoMapping {
        /// What the user wrote.
        input: String,
        /// The card's name.
        card: String,
    },
    /// Service messages in a month when Meta charges them, priced on a
    /// card from before then, which has no service rates.
    #[error(
        "Meta charges service messages from 2026-10-01, but the {card} card in force here for {month} predates that and has no service rates; drop a newer {currency} card into plans/meta/, or give the charges with --meta-amount"
    )]
    ServiceChargedSince {
        /// The card's name.
        card: String,
        /// Its currency.
        currency: crate::money::Currency,
        /// The billing month.
        month: crate::calendar::Month,
    },
    /// The card has no rate for this market and category.
    #[error("the {card} card has no {category} rate for {market}")]
    NoRate {
        /// The card's name.
        card: String,
        /// The category asked for.
        category: Category,
        /// The market asked for.
        market: String,
    },
    /// A partial card has no row for the market a country or name bills as.
    #[error(
        "the {card}: it has no {} row, where `{}` is billed, so ctbill cannot price it; price it on a complete card (--month) or add the complete card to plans/meta/",
        crate::shown::Shown(market),
        crate::shown::Shown(input)
    )]
    NotOnPartialCard {
        /// What the user wrote.
        input: String,
        /// The market it bills as.
        market: String,
        /// The card and what it covers, e.g. `2026-10-01 INR card is
        /// partial (India only)`.
        card: String,
    },
    /// A count reaches volume tiers a partial card does not publish.
    #[error(
        "the {card} card publishes {market} {category} volume tiers only up to {} messages; {} messages reach tiers it does not publish, and ctbill will not guess their rates; add the complete tiers file to plans/meta/",
        money::group_count(*published),
        money::group_count(*count)
    )]
    TiersNotPublished {
        /// The card's name.
        card: String,
        /// The category asked for.
        category: Category,
        /// The market asked for.
        market: String,
        /// The last message count the published tiers cover.
        published: u64,
        /// The count asked for.
        count: u64,
    },
    /// The amount does not fit in a decimal.
    #[error(
        "{count} {category} messages to {market} overflow the largest amount ctbill can compute"
    )]
    Overflow {
        /// The category asked for.
        category: Category,
        /// The market asked for.
        market: String,
        /// The count asked for.
        count: u64,
    },
}

fn list_cards(currency: Currency, cards: &[(Currency, Date)]) -> String {
    if cards.is_empty() {
        return "no Meta rate cards are loaded".to_owned();
    }
    let same: Vec<String> = cards
        .iter()
        .filter(|(c, _)| *c == currency)
        .map(|(_, d)| d.to_string())
        .collect();
    if same.is_empty() {
        let mut others: Vec<&str> = cards.iter().map(|(c, _)| c.code()).collect();
        others.dedup();
        return format!(
            "no {currency} card is loaded at all (cards loaded in {}); add Meta's {currency} rate card to plans/meta/",
            others.join(", ")
        );
    }
    format!(
        "the {currency} cards loaded take effect {}; pick a month from the earliest, or add an older card to plans/meta/",
        same.join(", ")
    )
}

fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => "; name a market of the card (e.g. India, Rest of Africa), a country (Estonia, EE) or Other".to_owned(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean one of {}?", many.join(", ")),
    }
}
