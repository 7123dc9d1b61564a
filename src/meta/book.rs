//! The rate book: every loaded card plus the market mapping. Pairs rates
//! and tiers files into cards, lays a plans directory's cards over the
//! built-in ones, picks the card in force for a month and resolves markets.

use std::collections::BTreeMap;

use super::card::{Market, RateCard, Trust};
use super::category::Category;
use super::detect;
use super::error::{CardError, MetaError};
use super::files::{self, CardFile, RatesFile, TiersFile};
use super::mapping::MarketMapping;
use super::market::{self, ResolvedMarket};
use super::names;
use super::price::MetaCharge;
use crate::calendar::{Date, Month};
use crate::money::Currency;

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
    // Service messages were free until Meta began charging them; a card from
    // then on that lists no service rate has a gap, not a free category.
    let service_free = rates.effective.month() < super::rules::SERVICE_CHARGED_FROM
        && markets.iter().all(|m| m.rate(Category::Service).is_none());
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
