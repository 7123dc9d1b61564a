//! Pricing: one month's usage on one plan, with Meta message counts
//! priced on the rate card in force, into a [`Bill`]. No I/O.

use std::borrow::Cow;
use std::rc::Rc;

use super::loading::Catalog;
use crate::bill::{self, Bill, BillError, MetaCharges};
use crate::calendar::Month;
use crate::error::Error;
use crate::meta::{Category, MetaError, MonthCount, RateBook, RateCard, rules};
use crate::plan::{Plan, Product};
use crate::usage::{MetaCount, MetaUsage, Usage};

/// Prices one usage on one plan, resolving Meta message counts against the
/// rate card in force for the usage's month in the plan's currency.
///
/// # Errors
///
/// Wrong unit, free plan, Meta usage that cannot be priced ([`Error::Meta`]
/// names the usage as written), overflow.
pub fn price<'p>(catalog: &Catalog, plan: &'p Plan, usage: &Usage) -> Result<Bill<'p>, Error> {
    let meta = meta_charges(catalog, plan, usage)?;
    price_with(plan, usage, meta)
}

/// The Meta charges of `usage` on `plan`: the same for every plan of the
/// same product and currency, so a caller pricing one usage on several
/// such plans ([`crate::quote`]) prices them once and hands them to
/// [`price_with`].
///
/// # Errors
///
/// As [`price`].
pub fn meta_charges(catalog: &Catalog, plan: &Plan, usage: &Usage) -> Result<MetaCharges, Error> {
    bill::check_unit(plan, usage.unit)?;
    let direct = plan.product == Product::Direct;
    // A spreadsheet that fills unused cells with 0 gives a zero Meta amount,
    // zero message counts or a zero markup on Connect rows: that is no Meta
    // usage, not an error. Anything non-zero there still is one.
    Ok(match &usage.meta {
        MetaUsage::None => MetaCharges::None,
        MetaUsage::Amount(amount) if !direct && amount.is_zero() => MetaCharges::None,
        MetaUsage::Amount(amount) => MetaCharges::Amount(
            amount
                .in_currency(plan.currency)
                .map_err(|m| Error::Input(format!("Meta amount: {m}")))?,
        ),
        MetaUsage::Messages(counts) if !direct && counts.iter().all(|c| c.count == 0) => {
            MetaCharges::None
        }
        MetaUsage::Messages(counts) if direct => {
            price_messages(catalog, catalog.rate_book()?, plan, usage, counts)?
        }
        MetaUsage::Messages(_) => {
            return Err(BillError::NotDirect {
                plan: plan.id.clone(),
                product: plan.product,
                what: "Meta charges",
            }
            .into());
        }
    })
}

/// [`price`] with the Meta charges already priced by [`meta_charges`]
/// (on this plan or one of the same product and currency).
///
/// # Errors
///
/// As [`price`].
pub fn price_with<'p>(plan: &'p Plan, usage: &Usage, meta: MetaCharges) -> Result<Bill<'p>, Error> {
    bill::check_unit(plan, usage.unit)?;
    let direct = plan.product == Product::Direct;
    let markup = usage.markup_percent.filter(|m| direct || !m.is_zero());
    let mut bill = bill::bill(plan, usage.count, markup, meta)?;
    bill.month = Some(usage.month);
    Ok(bill)
}

/// Prices Meta message counts on the card in force: counts of the same
/// category and market are added up first (volume tiers count the whole
/// month), then the month is priced by Meta's rules
/// ([`RateCard::price_month`]), each market × category on one line.
fn price_messages(
    catalog: &Catalog,
    book: &RateBook,
    plan: &Plan,
    usage: &Usage,
    counts: &[MetaCount],
) -> Result<MetaCharges, Error> {
    let month = usage.month;
    let spec = |c: &MetaCount| {
        format!(
            "{}:{}={}",
            c.category,
            crate::shown::Shown(&c.market),
            c.count
        )
    };
    let card = book
        .card_for(plan.currency, month)
        .map_err(|source| Error::Input(source.to_string()))?;
    // One entry per market × category: (category, market, total count, first usage as given).
    let mut merged: Vec<(Category, Rc<str>, u64, usize)> = Vec::with_capacity(counts.len());
    for (index, count) in counts.iter().enumerate() {
        let category = count.category;
        let market = catalog
            .memo
            .resolve_market(book, card, &count.market)
            .map_err(|source| Error::Meta {
                index,
                spec: spec(count),
                source,
            })?;
        match merged
            .iter_mut()
            .find(|(c, m, _, _)| *c == category && *m == market)
        {
            Some((_, _, total, _)) => {
                *total = total.checked_add(count.count).ok_or_else(|| {
                    Error::Input(format!(
                        "{}: the message counts for {market} add up past {}",
                        spec(count),
                        u64::MAX
                    ))
                })?;
            }
            None => merged.push((category, market, count.count, index)),
        }
    }
    let month_counts: Vec<MonthCount<'_>> = merged
        .iter()
        .map(|(category, market, count, _)| MonthCount {
            category: *category,
            market,
            count: *count,
        })
        .collect();
    // The first service count given, as the usage wrote it.
    let service_given = merged
        .iter()
        .find(|(category, _, count, _)| *category == Category::Service && *count > 0)
        .map(|m| m.3);
    if let Some(index) =
        service_given.filter(|_| card.service_free() && month >= rules::SERVICE_CHARGED_FROM)
    {
        return Err(Error::Meta {
            index,
            spec: spec(&counts[index]),
            source: MetaError::ServiceChargedSince {
                card: card.name(),
                currency: card.currency(),
                month,
            },
        });
    }
    let free_service = if rules::free_service_tier_applies(month) {
        rules::free_service_allowance(usage.phone_numbers)
    } else {
        0
    };
    let lines = card
        .price_month(&month_counts, free_service)
        .map_err(|(i, source)| {
            let index = merged[i].3;
            Error::Meta {
                index,
                spec: spec(&counts[index]),
                source,
            }
        })?;
    Ok(MetaCharges::Priced {
        card: catalog.memo.card_description(card),
        card_notes: catalog
            .memo
            .card_notes(card, month, || card_notes(card, month)),
        lines,
    })
}

/// What a bill of `month` priced on `card` must say about the card: that
/// it is stale, a secondary source, partial, or list rates only.
#[must_use]
pub fn card_notes(card: &RateCard, month: Month) -> Vec<Cow<'static, str>> {
    let name = format!("the Meta {} card of {}", card.currency(), card.effective());
    let mut notes: Vec<Cow<'static, str>> = Vec::new();
    if let Some(stale) = card.staleness(month) {
        notes.push(stale.into());
    }
    if !card.is_primary() {
        notes.push(
            format!(
                "{name} is a secondary source (a third party's copy of Meta's figures, not Meta's \
                 own file): check the rates against Meta's published card before sending this"
            )
            .into(),
        );
    }
    if let Some(covers) = card.partial_rates() {
        notes.push(
            format!("{name} is partial ({covers}): markets it lacks are refused, never guessed")
                .into(),
        );
    }
    if !card.has_volume_tiers() {
        notes.push(
            format!(
                "{name} gives list rates only (no volume tiers were published with it): \
                 every message is priced at list rate, which can be above what Meta bills at high volumes"
            )
            .into(),
        );
    }
    notes
}
