//! Pricing on one card: a count of one category to one market
//! ([`RateCard::price`]), marginally across volume tiers, and a month of
//! counts by the rules that reach across lines ([`RateCard::price_month`],
//! see [`rules`]). Exact and unrounded; rounding is the caller's job.

use crate::money::group_count;
use rust_decimal::Decimal;

use super::card::RateCard;
use super::category::Category;
use super::error::MetaError;
use super::names;
use super::rules::{self, TierPart};
use crate::money;

impl RateCard {
    /// Prices `count` messages of `category` to `market` (a market name on
    /// this card; see `RateBook::resolve_market` for countries).
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
        let mut total = money::ExactSum::default();
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
                total.add(exact);
                if total.overflowed() {
                    return Err(overflow());
                }
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
        charge.exact_total = total.value().ok_or_else(overflow)?;
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
        free_service: u128,
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
            let overflow = || {
                (
                    international,
                    MetaError::Overflow {
                        category: Category::AuthenticationInternational,
                        market: market.clone(),
                        count: n,
                    },
                )
            };
            let together = d.checked_add(n).ok_or_else(overflow)?;
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
            .ok_or_else(overflow)?;
            let note = format!(
                "authentication and authentication-international messages to {market} share one \
                 volume counter ({} in all); the order of delivery is unknown, so they are billed \
                 in the order that costs most",
                group_count(together)
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
        allowance: u128,
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
        let given: u128 = free.iter().map(|&f| u128::from(f)).sum();
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
                group_count(free),
                group_count(counts[i].count),
                charge.market,
                group_wide(allowance),
                group_wide(given),
            ));
            charges[i] = charge;
        }
        Ok(())
    }
}

/// [`group_count`] for a count past `u64` (a free allowance of many numbers);
/// one past `Decimal` too is written without separators.
fn group_wide(n: u128) -> String {
    i128::try_from(n)
        .ok()
        .and_then(|n| Decimal::try_from_i128_with_scale(n, 0).ok())
        .map_or_else(|| n.to_string(), crate::money::group_thousands)
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
