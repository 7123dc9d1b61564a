//! Meta's WhatsApp rate cards: loading them, choosing the one in force, and
//! pricing message counts against it.
//!
//! This module owns everything between "the text of Meta's CSV files" and
//! "the exact, unrounded Meta charge for N messages of one category to one
//! market":
//!
//! - [`parse_card_file`] reads one file and tells what it is: Meta's own
//!   rates or volume-tiers CSV *as downloaded* (title row with currency and
//!   effective date, note rows, multi-line header cells, `n/a`, `--`,
//!   thousands separators, blank market cells continuing the row above), the
//!   same data normalized to one row per market (or tier) with `#` comment
//!   lines on top, or the country-to-market mapping. File names do not
//!   matter, so next quarter's pair of files can be dropped in as they are.
//! - [`RateBook::from_files`] pairs rates and tiers files into [`RateCard`]s
//!   by currency and effective date and reports *every* problem it finds.
//! - [`RateBook::card_for`] picks the newest card effective on or before the
//!   first day of a billing month; [`RateBook::resolve_market`] turns a
//!   market name, an ISO country code or a country name into a market of
//!   that card.
//! - [`RateCard::price`] prices a count, marginally across volume tiers
//!   (each tier's rate applies only to the messages inside it), and returns
//!   the exact amount with its breakdown. Rounding is the caller's job
//!   ([`crate::money::round_line`], once per line).
//!
//! Nothing here reads files or prints: callers pass `(label, contents)`
//! pairs, and the label (usually the path) appears in every error, with the
//! line (or, in an Excel workbook, the sheet and cell: see `xlsx`).

mod cells;
mod countries;
mod detect;
mod files;
mod mapping;
mod market;
mod names;
mod normalized;
mod original;
mod rates;
pub mod rules;
mod tiers;
mod xlsx;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::calendar::{Date, Month};
use crate::money::{self, Currency};

pub use detect::parse_card_file;
pub use files::{CardFile, MarketRates, RatesFile, SourceFormat, TierSet, TiersFile};
pub use mapping::{MappingRow, MarketMapping};
pub use market::ResolvedMarket;
pub use xlsx::is_workbook;

/// A pricing category of Meta's per-message model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Marketing templates.
    Marketing,
    /// Utility templates (volume tiers apply).
    Utility,
    /// Authentication templates (volume tiers apply).
    Authentication,
    /// Authentication templates at the authentication-international rate
    /// (volume tiers apply where Meta publishes them).
    AuthenticationInternational,
    /// Service (non-template) messages, charged only on cards that price them.
    Service,
}

impl Category {
    /// Every category, in the column order of Meta's rates file.
    pub const ALL: [Self; 5] = [
        Self::Marketing,
        Self::Utility,
        Self::Authentication,
        Self::AuthenticationInternational,
        Self::Service,
    ];

    /// The kebab-case name used on the command line and in output.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Marketing => "marketing",
            Self::Utility => "utility",
            Self::Authentication => "authentication",
            Self::AuthenticationInternational => "authentication-international",
            Self::Service => "service",
        }
    }

    /// Whether Meta publishes volume tiers for this category: utility and
    /// authentication, and authentication-international (Meta's tiers file
    /// has a block for it). Marketing and service are never tiered.
    #[must_use]
    pub fn has_volume_tiers(self) -> bool {
        matches!(
            self,
            Self::Utility | Self::Authentication | Self::AuthenticationInternational
        )
    }

    fn index(self) -> usize {
        match self {
            Self::Marketing => 0,
            Self::Utility => 1,
            Self::Authentication => 2,
            Self::AuthenticationInternational => 3,
            Self::Service => 4,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown category name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a Meta pricing category; use one of marketing, utility, authentication, authentication-international, service"
)]
pub struct UnknownCategory(pub String);

impl FromStr for Category {
    type Err = UnknownCategory;

    /// Case-insensitive; `-`, `_` and spaces are interchangeable, and
    /// `auth`, `auth-intl` and `authentication-intl` are accepted as short
    /// forms.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let key: String = text
            .trim()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match key.as_str() {
            "marketing" => Ok(Self::Marketing),
            "utility" => Ok(Self::Utility),
            "authentication" | "auth" => Ok(Self::Authentication),
            "authenticationinternational"
            | "authintl"
            | "authinternational"
            | "authenticationintl" => Ok(Self::AuthenticationInternational),
            "service" => Ok(Self::Service),
            _ => Err(UnknownCategory(text.to_owned())),
        }
    }
}

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
    fn at(file: &str, line: u64, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: Some(line),
            cell: None,
            message: message.into(),
        }
    }

    fn file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: None,
            cell: None,
            message: message.into(),
        }
    }

    /// The same problem, pinned to one cell of its record.
    fn in_cell(self, cell: usize) -> Self {
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
enum Trust {
    /// Meta's own files.
    Primary,
    /// A third party's copy of Meta's figures.
    Secondary,
}

/// Whether tiers cover every count: from 0, contiguous, ending open.
fn tiers_complete(tiers: &[Tier]) -> bool {
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
    name: String,
    /// `name` normalized for lookups (see `market::normalize`).
    key: String,
    rates: [Option<Decimal>; 5],
    tiers: BTreeMap<Category, Vec<Tier>>,
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
    currency: Currency,
    effective: Date,
    markets: Vec<Market>,
    has_volume_tiers: bool,
    service_free: bool,
    sources: Vec<String>,
    provenance: Vec<String>,
    /// What the rates file says it lacks (its `# Partial: ...` line).
    partial_rates: Option<String>,
    /// What the tiers file says it lacks (its `# Partial: ...` line).
    partial_tiers: Option<String>,
    /// Whether every file of the card is Meta's own.
    trust: Trust,
    /// Whether the card came from the data built into ctbill.
    built_in: bool,
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
    fn list_rate_note(&self, row: &Market, category: Category) -> Option<String> {
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

    /// Prices `count` messages of `category` to `market` (a market name on
    /// this card; see [`RateBook::resolve_market`] for countries).
    ///
    /// Volume tiers are marginal: with tiers `0..=100,000 @ 0.0260` and
    /// `100,001.. @ 0.0247`, 150,000 messages cost
    /// `100,000 × 0.0260 + 50,000 × 0.0247 = 3835.0000`. The amount is exact
    /// and unrounded.
    ///
    /// # Errors
    ///
    /// [`MetaError::UnknownMarket`] when the market is not on the card,
    /// [`MetaError::NoRate`] when the card has no rate for the category
    /// there (service on a card that prices service elsewhere, say), and
    /// [`MetaError::Overflow`] when the amount does not fit.
    pub fn price(
        &self,
        category: Category,
        market: &str,
        count: u64,
    ) -> Result<MetaCharge, MetaError> {
        let Some(row) = self.market(market) else {
            return Err(MetaError::UnknownMarket {
                input: market.to_owned(),
                card: self.name(),
                suggestions: names::suggest(market, self.markets.iter().map(|m| m.name.as_str())),
            });
        };
        let mut charge = MetaCharge {
            category,
            market: row.name.clone(),
            count,
            free: 0,
            parts: Vec::new(),
            exact_total: Decimal::ZERO,
            note: None,
        };
        if category == Category::Service && self.service_free {
            charge.note = Some(format!(
                "service messages are free on the {} card",
                self.effective
            ));
            return Ok(charge);
        }
        let Some(list_rate) = row.rate(category) else {
            return Err(MetaError::NoRate {
                card: self.name(),
                category,
                market: row.name.clone(),
            });
        };
        let overflow = || MetaError::Overflow {
            category,
            market: row.name.clone(),
            count,
        };
        let tiers = row.tiers(category);
        charge.note = self.list_rate_note(row, category);
        if count == 0 {
            // No messages: the line still shows the rate they would cost,
            // so quantity × unit price (0 × rate) is its amount.
            charge
                .parts
                .push(TierPart::none(tiers.first().map_or(list_rate, |t| t.rate)));
            return Ok(charge);
        }
        if tiers.is_empty() {
            if count > 0 {
                let exact =
                    money::exact_mul(list_rate, Decimal::from(count)).ok_or_else(overflow)?;
                charge.parts.push(TierPart {
                    count,
                    rate: list_rate,
                    exact,
                });
                charge.exact_total = exact;
            }
            return Ok(charge);
        }
        // Tier i holds the messages numbered (previous tier's `to`, own `to`];
        // the first tier starts after message 0.
        let mut below = 0_u64;
        let mut open = false;
        let not_published = |below: u64| MetaError::TiersNotPublished {
            card: self.name(),
            category,
            market: row.name.clone(),
            published: below,
            count,
        };
        for tier in tiers {
            if count <= below {
                break;
            }
            if tier.from > below.saturating_add(1) {
                // A partial card: the tiers between are not published.
                return Err(not_published(below));
            }
            let top = tier.to.map_or(count, |to| to.min(count));
            let inside = top.saturating_sub(below);
            if inside > 0 {
                let exact =
                    money::exact_mul(tier.rate, Decimal::from(inside)).ok_or_else(overflow)?;
                charge.exact_total =
                    money::exact_add(charge.exact_total, exact).ok_or_else(overflow)?;
                charge.parts.push(TierPart {
                    count: inside,
                    rate: tier.rate,
                    exact,
                });
            }
            if let Some(to) = tier.to {
                below = to;
            } else {
                open = true;
                break;
            }
        }
        if !open && count > below {
            return Err(not_published(below));
        }
        Ok(charge)
    }
}

/// One market × category of a month's Meta usage, to be priced together
/// with the rest of the month by [`RateCard::price_month`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthCount<'a> {
    /// The category.
    pub category: Category,
    /// The market, as this card writes it.
    pub market: &'a str,
    /// Messages delivered in the month.
    pub count: u64,
}

impl RateCard {
    /// Prices a month of Meta usage, one market × category each (already
    /// added up), by the rules that reach across lines ([`rules`]): the
    /// month's `free_service` allowance of service messages goes to the
    /// lowest-rate service messages, and authentication and
    /// authentication-international messages to one market share one
    /// volume counter, placed in the order that costs most. Both readings
    /// are the highest Meta could bill for these monthly totals, so a quote
    /// is never below the real bill.
    ///
    /// # Errors
    ///
    /// The index of the count that cannot be priced, and why.
    pub fn price_month(
        &self,
        counts: &[MonthCount<'_>],
        free_service: u64,
    ) -> Result<Vec<MetaCharge>, (usize, MetaError)> {
        let mut charges = counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                self.price(c.category, c.market, c.count)
                    .map_err(|e| (i, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.share_authentication_counters(counts, &mut charges)?;
        if free_service > 0 && !self.service_free {
            self.give_free_service(counts, &mut charges, free_service)?;
        }
        Ok(charges)
    }

    /// Re-prices each market's authentication and authentication-
    /// international messages on their one counter (Meta's "Example 2").
    fn share_authentication_counters(
        &self,
        counts: &[MonthCount<'_>],
        charges: &mut [MetaCharge],
    ) -> Result<(), (usize, MetaError)> {
        let is = |i: usize, category| counts[i].category == category && counts[i].count > 0;
        for domestic in (0..counts.len()).filter(|&i| is(i, Category::Authentication)) {
            let Some(international) = (0..counts.len()).find(|&j| {
                is(j, Category::AuthenticationInternational)
                    && charges[j].market == charges[domestic].market
            }) else {
                continue;
            };
            let (d, n) = (counts[domestic].count, counts[international].count);
            let market = charges[domestic].market.clone();
            let Some(row) = self.market(&market) else {
                continue;
            };
            // Both categories must be priceable up to the shared count: the
            // plain pricing of the whole counter checks published tiers.
            let together = d.checked_add(n).ok_or((
                international,
                MetaError::Overflow {
                    category: Category::AuthenticationInternational,
                    market: market.clone(),
                    count: n,
                },
            ))?;
            for (i, category) in [
                (domestic, Category::Authentication),
                (international, Category::AuthenticationInternational),
            ] {
                self.price(category, &market, together)
                    .map_err(|e| (i, e))?;
            }
            let schedule = |category| {
                rules::schedule(row.rate(category).unwrap_or_default(), row.tiers(category))
            };
            let shared = rules::share_counter(
                d,
                n,
                &schedule(Category::Authentication),
                &schedule(Category::AuthenticationInternational),
            )
            .ok_or((
                international,
                MetaError::Overflow {
                    category: Category::AuthenticationInternational,
                    market: market.clone(),
                    count: n,
                },
            ))?;
            let note = format!(
                "authentication and authentication-international messages to {market} share one \
                 volume counter ({} in all); the order of delivery is unknown, so they are billed \
                 in the order that costs most",
                group(together)
            );
            for (i, parts) in [
                (domestic, shared.domestic),
                (international, shared.international),
            ] {
                let charge = &mut charges[i];
                charge.exact_total = rules::parts_total(&parts).ok_or((
                    i,
                    MetaError::Overflow {
                        category: charge.category,
                        market: market.clone(),
                        count: charge.count,
                    },
                ))?;
                charge.parts = parts;
                charge.note = Some(match charge.note.take() {
                    Some(old) => format!("{old}; {note}"),
                    None => note.clone(),
                });
            }
        }
        Ok(())
    }

    /// Takes the free service messages off the lowest-rate service lines.
    fn give_free_service(
        &self,
        counts: &[MonthCount<'_>],
        charges: &mut [MetaCharge],
        allowance: u64,
    ) -> Result<(), (usize, MetaError)> {
        let service: Vec<usize> = (0..counts.len())
            .filter(|&i| counts[i].category == Category::Service && counts[i].count > 0)
            .collect();
        let lines: Vec<(Decimal, u64)> = service
            .iter()
            .map(|&i| {
                (
                    charges[i].parts.first().map_or(Decimal::ZERO, |p| p.rate),
                    counts[i].count,
                )
            })
            .collect();
        let free = rules::share_free_service(&lines, allowance);
        let given: u64 = free.iter().sum();
        for (&i, free) in service.iter().zip(free) {
            if free == 0 {
                continue;
            }
            let billed = counts[i].count - free;
            let mut charge = self
                .price(Category::Service, counts[i].market, billed)
                .map_err(|e| (i, e))?;
            charge.free = free;
            charge.note = Some(format!(
                "{} of {} service messages to {} are free: Meta's free tier gives each business \
                 phone number 1,000 service messages a month ({} in all this month, {} used), \
                 taken from the lowest-rate messages",
                group(free),
                group(counts[i].count),
                charge.market,
                group(allowance),
                group(given),
            ));
            charges[i] = charge;
        }
        Ok(())
    }
}

/// A count with thousands separators, as bills show them.
fn group(n: u64) -> String {
    crate::money::group_thousands(Decimal::from(n))
}

/// The Meta charge for one market × category: exact, unrounded, with one
/// part per volume tier the count reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaCharge {
    /// The category priced.
    pub category: Category,
    /// The market, as the card writes it.
    pub market: String,
    /// Messages billed (delivered, less those free under Meta's free tier).
    pub count: u64,
    /// Messages delivered free under Meta's free monthly tier of service
    /// messages (see [`rules`]); not part of `count`.
    pub free: u64,
    /// One part per tier reached (one part at list rate when untiered;
    /// none for a count of 0 or a free category).
    pub parts: Vec<TierPart>,
    /// Sum of the parts' exact amounts, unrounded.
    pub exact_total: Decimal,
    /// A remark for the bill, e.g. "service messages are free on the
    /// 2026-04-01 card".
    pub note: Option<String>,
}

/// The messages of one charge that fall inside one tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierPart {
    /// Messages inside this tier.
    pub count: u64,
    /// The tier's rate, at the scale Meta wrote it (`0.0260`).
    pub rate: Decimal,
    /// `count × rate`, exact.
    pub exact: Decimal,
}

impl TierPart {
    /// No messages at `rate`: what a line of zero messages shows.
    #[must_use]
    pub fn none(rate: Decimal) -> Self {
        Self {
            count: 0,
            rate,
            exact: Decimal::ZERO,
        }
    }
}

/// Every loaded rate card, plus the country-to-market mapping.
#[derive(Debug, Clone, Default)]
pub struct RateBook {
    cards: Vec<RateCard>,
    mapping: Option<MarketMapping>,
}

impl RateBook {
    /// Builds the book from `(label, text)` pairs: rates files, tiers files
    /// and at most one market mapping, in any order and with any names.
    ///
    /// Rates and tiers files pair up by currency and effective date.
    ///
    /// # Example
    ///
    /// ```
    /// use ctbill::meta::{Category, RateBook};
    /// use ctbill::money::{round_line, Currency};
    ///
    /// let book = RateBook::from_files([
    ///     ("USD_rates.csv", include_str!("../../plans/meta/USD_rates_2026-04-01.csv")),
    ///     ("USD_tiers.csv", include_str!("../../plans/meta/USD_volume_tiers_2026-04-01.csv")),
    ///     ("mapping.csv", include_str!("../../plans/meta/market-mapping.csv")),
    /// ])
    /// .expect("cards load");
    /// let usd = Currency::from_code("USD").unwrap();
    /// let charge = book
    ///     .price(usd, "2026-05".parse().unwrap(), Category::Utility, "AR", 150_000)
    ///     .unwrap();
    /// assert_eq!(charge.exact_total.to_string(), "3835.0000");
    /// assert_eq!(round_line(charge.exact_total, usd).to_string(), "3835.00");
    /// ```
    ///
    /// Each file's contents are its bytes: Meta's Excel workbook (told by
    /// its content, whatever its name) or UTF-8 text.
    ///
    /// # Errors
    ///
    /// Every problem found, in every file: unreadable files, two rates (or
    /// two tiers) files for one currency and date, a tiers file without a
    /// rates file, tiers for a market the rates file does not have, a first
    /// tier whose rate is not the list rate, two mapping files.
    pub fn from_files<'a, I, D>(files: I) -> Result<Self, Vec<CardError>>
    where
        I: IntoIterator<Item = (&'a str, &'a D)>,
        D: AsRef<[u8]> + ?Sized + 'a,
    {
        let mut errors = Vec::new();
        let mut rates: BTreeMap<(Currency, Date), RatesFile> = BTreeMap::new();
        let mut tiers: BTreeMap<(Currency, Date), TiersFile> = BTreeMap::new();
        let mut mapping: Option<MarketMapping> = None;
        // A workbook may hold more than one card sheet (list rates and
        // volume tiers).
        let parsed = files.into_iter().flat_map(|(label, data)| {
            detect::parse_data(label, data.as_ref())
                .into_iter()
                .map(move |file| (label, file))
        });
        for (label, parsed) in parsed {
            match parsed {
                Err(mut errs) => errors.append(&mut errs),
                Ok(CardFile::Rates(file)) => {
                    let key = (file.currency, file.effective);
                    if let Some(other) = rates.get(&key) {
                        errors.push(CardError::file(
                            label,
                            format!(
                                "a second {} rates file for the card effective {}; {} has it already: keep one",
                                key.0, key.1, other.label
                            ),
                        ));
                    } else {
                        rates.insert(key, file);
                    }
                }
                Ok(CardFile::Tiers(file)) => {
                    let key = (file.currency, file.effective);
                    if let Some(other) = tiers.get(&key) {
                        errors.push(CardError::file(
                            label,
                            format!(
                                "a second {} volume-tiers file for the card effective {}; {} has it already: keep one",
                                key.0, key.1, other.label
                            ),
                        ));
                    } else {
                        tiers.insert(key, file);
                    }
                }
                Ok(CardFile::Mapping(file)) => {
                    if let Some(other) = &mapping {
                        errors.push(CardError::file(
                            label,
                            format!(
                                "a second country-to-market mapping; {} is one already: keep one",
                                other.label
                            ),
                        ));
                    } else {
                        mapping = Some(file);
                    }
                }
            }
        }
        for ((currency, effective), file) in &tiers {
            if !rates.contains_key(&(*currency, *effective)) {
                errors.push(CardError::file(
                    &file.label,
                    format!(
                        "volume tiers for a {currency} card effective {effective}, but no rates file for that card is loaded; add Meta's {currency} rates CSV of the same date"
                    ),
                ));
            }
        }
        let mut cards = Vec::new();
        for (key, file) in rates {
            match build_card(&file, tiers.get(&key)) {
                Ok(card) => cards.push(card),
                Err(mut errs) => errors.append(&mut errs),
            }
        }
        if errors.is_empty() {
            Ok(Self { cards, mapping })
        } else {
            Err(errors)
        }
    }

    /// Builds the book of a plans directory on top of the data built into
    /// ctbill: built-in data fills the gaps. Every card of `own` is kept; a
    /// built-in card is added when `own` has none of the same currency and
    /// effective date (a card in the directory wins); the built-in market
    /// mapping is used when `own` has none.
    ///
    /// # Errors
    ///
    /// Every problem in `own` (and in `built_in`, which has none unless
    /// ctbill was built with broken data).
    pub fn layered<'a, 'b, I, J, D, E>(own: I, built_in: J) -> Result<Self, Vec<CardError>>
    where
        I: IntoIterator<Item = (&'a str, &'a D)>,
        J: IntoIterator<Item = (&'b str, &'b E)>,
        D: AsRef<[u8]> + ?Sized + 'a,
        E: AsRef<[u8]> + ?Sized + 'b,
    {
        let own = Self::from_files(own);
        let base = Self::from_files(built_in).map(Self::built_in);
        let (mut book, base) = match (own, base) {
            (Ok(own), Ok(base)) => (own, base),
            (Err(mut a), Err(mut b)) => {
                a.append(&mut b);
                return Err(a);
            }
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        for card in base.cards {
            let key = (card.currency, card.effective);
            if !book.cards.iter().any(|c| (c.currency, c.effective) == key) {
                book.cards.push(card);
            }
        }
        book.cards.sort_by_key(|c| (c.currency, c.effective));
        if book.mapping.is_none() {
            book.mapping = base.mapping;
        }
        Ok(book)
    }

    /// Marks every card as built into ctbill.
    #[must_use]
    pub fn built_in(mut self) -> Self {
        for card in &mut self.cards {
            card.built_in = true;
        }
        self
    }

    /// The cards, ordered by currency, then effective date.
    #[must_use]
    pub fn cards(&self) -> &[RateCard] {
        &self.cards
    }

    /// The country-to-market mapping, if one was loaded.
    #[must_use]
    pub fn mapping(&self) -> Option<&MarketMapping> {
        self.mapping.as_ref()
    }

    /// The card in force for a billing month: the newest card in `currency`
    /// effective on or before the month's first day.
    ///
    /// # Errors
    ///
    /// [`MetaError::NoCard`], listing the cards that are loaded.
    pub fn card_for(&self, currency: Currency, month: Month) -> Result<&RateCard, MetaError> {
        let day = month.first_day();
        self.cards
            .iter()
            .filter(|c| c.currency == currency && c.effective <= day)
            .max_by_key(|c| c.effective)
            .ok_or_else(|| MetaError::NoCard {
                currency,
                month,
                available: self
                    .cards
                    .iter()
                    .map(|c| (c.currency, c.effective))
                    .collect(),
            })
    }

    /// Turns what a user wrote into a market of `card`: a market name
    /// (`India`, `rest of latin america`, `Other`), an ISO alpha-2 code
    /// (`IN`) or a country name (`Argentina`), case-insensitively. Countries
    /// go through the mapping as of the card's effective date; a two-letter
    /// code the mapping does not list is billed as `Other`, as Meta does.
    ///
    /// # Errors
    ///
    /// [`MetaError::UnknownMarket`] with close names, [`MetaError::NoMapping`]
    /// when a country is named but no mapping is loaded, and
    /// [`MetaError::MarketNotOnCard`] when the mapping and card disagree.
    pub fn resolve_market(&self, card: &RateCard, text: &str) -> Result<ResolvedMarket, MetaError> {
        market::resolve(self.mapping.as_ref(), card, text)
    }

    /// Resolves `market` on the card in force for `month` and prices it:
    /// [`RateBook::card_for`], [`RateBook::resolve_market`] and
    /// [`RateCard::price`] in one call.
    ///
    /// # Errors
    ///
    /// Any error of those three.
    pub fn price(
        &self,
        currency: Currency,
        month: Month,
        category: Category,
        market: &str,
        count: u64,
    ) -> Result<MetaCharge, MetaError> {
        let card = self.card_for(currency, month)?;
        let resolved = self.resolve_market(card, market)?;
        card.price(category, &resolved.market, count)
    }
}

/// Joins a rates file and its (optional) tiers file into a card, checking
/// that the tiers belong to the card.
fn build_card(rates: &RatesFile, tiers: Option<&TiersFile>) -> Result<RateCard, Vec<CardError>> {
    let mut errors = Vec::new();
    let mut markets: Vec<Market> = rates
        .markets
        .iter()
        .map(|m| Market {
            name: m.name.clone(),
            key: names::normalize(&m.name),
            rates: Category::ALL.map(|c| m.rate(c)),
            tiers: BTreeMap::new(),
        })
        .collect();
    let service_free = markets.iter().all(|m| m.rate(Category::Service).is_none());
    let mut sources = vec![rates.label.clone()];
    let mut provenance = rates.provenance.clone();
    let has_volume_tiers = tiers.is_some();
    let partial_rates = files::partial_note(&rates.provenance).map(str::to_owned);
    let mut partial_tiers = None;
    let mut primary = files::is_primary(rates.format, &rates.provenance);
    if partial_rates.is_none() && !markets.iter().any(|m| m.key == "other") {
        // Meta's cards always end with "Other", the market of every country
        // they do not list; a card without it is cut short or partial.
        let (last, name) = rates
            .markets
            .last()
            .map_or((0, ""), |m| (m.line, m.name.as_str()));
        errors.push(CardError::at(
            &rates.label,
            last,
            format!(
                "the card ends after {} markets (the last is {}) without an `Other` row, so it cannot price the countries it does not list; \
                 the file looks cut short: use Meta's complete file, or, if the card is knowingly partial, say what it lacks \
                 in a `# Partial: ...` comment line above the header",
                rates.markets.len(),
                crate::shown::shown(name)
            ),
        ));
    }
    if let Some(tiers) = tiers {
        for set in &tiers.sets {
            let wanted = names::normalize(&set.market);
            let Some(row) = markets.iter_mut().find(|m| m.key == wanted) else {
                errors.push(CardError::at(
                    &tiers.label,
                    set.first_line,
                    format!(
                        "volume tiers for market `{}`, which the rates file {} does not have",
                        set.market, rates.label
                    ),
                ));
                continue;
            };
            let list = row.rate(set.category);
            let first = set.tiers.first().map(|t| t.rate);
            if list != first {
                errors.push(CardError::at(
                    &tiers.label,
                    set.first_line,
                    format!(
                        "{} {} first tier rate is {}, but the list rate in {} is {}; the first tier must be the list rate",
                        row.name,
                        set.category,
                        first.map_or_else(|| "missing".to_owned(), |r| r.to_string()),
                        rates.label,
                        list.map_or_else(|| "n/a".to_owned(), |r| r.to_string()),
                    ),
                ));
                continue;
            }
            row.tiers.insert(set.category, set.tiers.clone());
        }
        sources.push(tiers.label.clone());
        provenance.extend(tiers.provenance.iter().cloned());
        partial_tiers = files::partial_note(&tiers.provenance).map(str::to_owned);
        primary &= files::is_primary(tiers.format, &tiers.provenance);
    }
    if errors.is_empty() {
        Ok(RateCard {
            currency: rates.currency,
            effective: rates.effective,
            markets,
            has_volume_tiers,
            service_free,
            sources,
            provenance,
            partial_rates,
            partial_tiers,
            trust: if primary {
                Trust::Primary
            } else {
                Trust::Secondary
            },
            built_in: false,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests;
