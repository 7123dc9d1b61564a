//! Quotes: a deal over months (PRODUCT.md, "Quote files"). A [`Deal`] read
//! from a quote file ([`file::parse`]) is projected month by month with
//! compounding growth, each month priced on the plan by the catalog (the
//! rate card in force that month, Meta's tiers and free tier afresh each
//! month), then the deal's terms are added as lines: discounts, the
//! commitment true-up, taxes. Every line is rounded once by
//! [`money::round_line`]; a month's total is the sum of its lines, the
//! quote's the sum of its months. No I/O.

pub mod file;
#[cfg(test)]
mod tests;

use std::rc::Rc;

use rust_decimal::Decimal;

use crate::bill::{Bill, Detail, Line, LineKind, MetaCharges};
use crate::calendar::{Date, Month};
use crate::catalog::{self, Catalog};
use crate::error::Error;
use crate::money::{self, Currency};
use crate::plan::{Plan, Unit};
use crate::usage::{Amount, MetaCount, MetaUsage, Usage};

/// The kinds a discount is on when the quote file does not say.
pub const DEFAULT_DISCOUNT_ON: [LineKind; 3] =
    [LineKind::Base, LineKind::Overage, LineKind::FairUseOverage];

/// A deal as the quote file gives it, validated.
#[derive(Debug, Clone)]
pub struct Deal {
    /// The quote file, as the user named it.
    pub label: String,
    /// The customer.
    pub customer: String,
    /// Who prepared the quote.
    pub prepared_by: Option<String>,
    /// The quote's date.
    pub date: Date,
    /// Until when the quote holds.
    pub valid_until: Option<Date>,
    /// The plan id, as written.
    pub plan: String,
    /// Where `plan` is written (`file:line:column`).
    pub plan_at: String,
    /// The first billing month.
    pub start: Month,
    /// How many months, 1 to 60.
    pub months: u32,
    /// Month-over-month growth in percent.
    pub growth_percent: Decimal,
    /// Business phone numbers, for Meta's free service tier.
    pub phone_numbers: u64,
    /// The first month's platform count, and its unit when written.
    pub count: (Option<Unit>, u64),
    /// The first month's Meta usage.
    pub meta: MetaUsage,
    /// Where the Meta amount is written, for its currency error.
    pub meta_at: String,
    /// Overrides the plan's markup.
    pub markup_percent: Option<Decimal>,
    /// Discounts, in the order written.
    pub discounts: Vec<Discount>,
    /// The monthly minimum commitment.
    pub commitment: Option<Decimal>,
    /// Taxes, in the order written.
    pub taxes: Vec<Tax>,
}

/// A discount: a percentage or an amount per month, on some kinds of line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discount {
    /// Its name.
    pub name: Rc<str>,
    /// Percent of the lines it is on, or an amount.
    pub value: DiscountValue,
    /// The kinds of line it reduces.
    pub on: Rc<[LineKind]>,
}

/// How much a discount takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscountValue {
    /// Percent of the sum of the lines it is on (0 to 100).
    Percent(Decimal),
    /// An amount per month, never more than the lines it is on.
    Amount(Decimal),
}

/// A tax: percent of every line above it, or of the kinds it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tax {
    /// Its name (`GST`).
    pub name: Rc<str>,
    /// The percentage.
    pub percent: Decimal,
    /// The kinds it is on; empty for every line above the taxes.
    pub on: Rc<[LineKind]>,
}

/// The cheapest plan over the whole period.
#[derive(Debug, Clone)]
pub struct Cheapest<'p> {
    /// The plan.
    pub plan: &'p Plan,
    /// Its total over the period.
    pub total: Decimal,
    /// The quoted total less this one (zero when the quoted plan is cheapest).
    pub saving: Decimal,
}

/// A priced quote.
#[derive(Debug, Clone)]
pub struct Quote<'p> {
    /// The deal.
    pub deal: Deal,
    /// The plan quoted.
    pub plan: &'p Plan,
    /// One bill per month, with the terms' lines.
    pub months: Vec<Bill<'p>>,
    /// The sum of the months' totals.
    pub total: Decimal,
    /// The plan of the same product and currency with the lowest total.
    pub cheapest: Option<Cheapest<'p>>,
    /// The rate cards used, in the order first used.
    pub cards: Vec<Rc<str>>,
}

impl Quote<'_> {
    /// The currency of every amount.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.plan.currency
    }
}

fn overflow(what: &str) -> Error {
    Error::Input(format!(
        "the quote's {what} cannot be computed exactly: it needs more than the 28 significant digits ctbill keeps; check the counts, growth and rates"
    ))
}

/// Percent to fraction by moving the point, keeping the digits written.
fn fraction(percent: Decimal) -> Result<Decimal, Error> {
    Decimal::try_from_i128_with_scale(percent.mantissa(), percent.scale() + 2)
        .map_err(|_| overflow("percentage"))
}

/// `previous × (1 + growth/100)` rounded half away from zero to `places`.
fn grow(previous: Decimal, factor: Decimal, places: u32) -> Result<Decimal, Error> {
    let exact = money::exact_mul(previous, factor).ok_or_else(|| overflow("growth"))?;
    let mut grown = exact.round_dp_with_strategy(places, money::LINE_ROUNDING);
    grown.rescale(places);
    Ok(grown)
}

fn grow_count(previous: u64, factor: Decimal) -> Result<u64, Error> {
    u64::try_from(grow(Decimal::from(previous), factor, 0)?).map_err(|_| overflow("growth"))
}

/// The usage of each month: month 1 as written, each later month's counts
/// the previous month's (rounded) times `1 + growth/100`, rounded half
/// away from zero to a whole count; a Meta amount the same, rounded to the
/// currency's minor unit.
///
/// # Errors
///
/// A count or amount that grows past what can be held.
pub fn project(deal: &Deal, currency: Currency) -> Result<Vec<Usage>, Error> {
    let factor = Decimal::ONE
        .checked_add(fraction(deal.growth_percent)?)
        .ok_or_else(|| overflow("growth"))?;
    let mut usage = Usage {
        unit: deal.count.0,
        count: deal.count.1,
        meta: deal.meta.clone(),
        markup_percent: deal.markup_percent,
        month: deal.start,
        phone_numbers: deal.phone_numbers,
    };
    let mut months = Vec::with_capacity(deal.months as usize);
    for i in 0..deal.months {
        if i > 0 {
            usage.count = grow_count(usage.count, factor)?;
            usage.month = next_month(usage.month)?;
            usage.meta = match &usage.meta {
                MetaUsage::None => MetaUsage::None,
                MetaUsage::Amount(a) => MetaUsage::Amount(Amount {
                    value: grow(a.value, factor, currency.minor_units())?,
                    currency: a.currency,
                }),
                MetaUsage::Messages(counts) => MetaUsage::Messages(
                    counts
                        .iter()
                        .map(|c| {
                            Ok(MetaCount {
                                count: grow_count(c.count, factor)?,
                                ..c.clone()
                            })
                        })
                        .collect::<Result<_, Error>>()?,
                ),
            };
        }
        months.push(usage.clone());
    }
    Ok(months)
}

fn next_month(month: Month) -> Result<Month, Error> {
    let (y, m) = (month.year(), month.number());
    let next = if m == 12 {
        Month::new(y + 1, 1)
    } else {
        Month::new(y, m + 1)
    };
    next.ok_or_else(|| {
        Error::Input(format!(
            "the quote runs past the last month ctbill knows ({month})"
        ))
    })
}

fn sum<'a>(mut lines: impl Iterator<Item = &'a Line>, what: &str) -> Result<Decimal, Error> {
    lines.try_fold(Decimal::ZERO, |s, l| {
        money::exact_add(s, l.amount).ok_or_else(|| overflow(what))
    })
}

/// A discount cut to `room`, what is left of the lines it reduces after
/// the discounts before it: written as an amount (quantity 1, unit price
/// the amount, so quantity × unit price is still the line), and named so.
fn capped(room: Decimal, currency: Currency, discount: &Discount) -> Line {
    let exact = Decimal::ZERO - room;
    Line::new(
        LineKind::Discount,
        Decimal::ONE,
        Some(exact),
        exact,
        currency,
        Detail::Term {
            name: format!("{} (capped at the lines it reduces)", discount.name).into(),
            percent: None,
            on: Rc::clone(&discount.on),
        },
    )
}

/// The deal's discounts on the month's first `billed` lines: each on the
/// lines as billed before any discount, together never more than them.
fn add_discounts(
    bill: &mut Bill<'_>,
    deal: &Deal,
    billed: usize,
    currency: Currency,
) -> Result<(), Error> {
    // What each discount took, with the kinds it is on: discounts together
    // never take more than the lines they reduce ("never below zero").
    let mut taken: Vec<(Rc<[LineKind]>, Decimal)> = Vec::new();
    for discount in &deal.discounts {
        let base = sum(
            bill.lines[..billed]
                .iter()
                .filter(|l| discount.on.contains(&l.kind)),
            "discount",
        )?;
        let detail = |percent| Detail::Term {
            name: discount.name.clone(),
            percent,
            on: discount.on.clone(),
        };
        // Room left on these lines after the discounts before that share a
        // kind with this one.
        let before: Decimal = taken
            .iter()
            .filter(|(on, _)| on.iter().any(|k| discount.on.contains(k)))
            .map(|(_, amount)| *amount)
            .sum();
        let room = (base - before).max(Decimal::ZERO);
        let line = match discount.value {
            DiscountValue::Percent(p)
                if money::exact_mul(base, fraction(p)?)
                    .is_some_and(|d| money::round_line(d, currency) > room) =>
            {
                capped(room, currency, discount)
            }
            DiscountValue::Amount(a) if a > room => capped(room, currency, discount),
            DiscountValue::Percent(p) => {
                // 0 − rate, not −rate: a discount of 0% is 0, never −0.
                let rate = Decimal::ZERO - fraction(p)?;
                let exact = money::exact_mul(base, rate).ok_or_else(|| overflow("discount"))?;
                Line::new(
                    LineKind::Discount,
                    base,
                    Some(rate),
                    exact,
                    currency,
                    detail(Some(p)),
                )
            }
            DiscountValue::Amount(a) => {
                let exact = Decimal::ZERO - a;
                Line::new(
                    LineKind::Discount,
                    Decimal::ONE,
                    Some(exact),
                    exact,
                    currency,
                    detail(None),
                )
            }
        };
        taken.push((Rc::clone(&discount.on), -line.amount));
        bill.lines.push(line);
    }
    Ok(())
}

/// Adds the deal's terms to one month's bill: each discount on the lines
/// as billed before any discount, the commitment true-up, then each tax on
/// every line above the taxes (or the kinds it is on), not compounding.
/// The bill's total becomes the sum of all its lines.
///
/// # Errors
///
/// An overflow.
pub fn apply_terms(bill: &mut Bill<'_>, deal: &Deal) -> Result<(), Error> {
    let currency = bill.currency();
    let billed = bill.lines.len();
    add_discounts(bill, deal, billed, currency)?;
    if let Some(minimum) = deal.commitment {
        let charges = sum(
            bill.lines.iter().filter(|l| l.kind != LineKind::Meta),
            "commitment",
        )?;
        if charges < minimum {
            let exact =
                money::exact_add(minimum, -charges).ok_or_else(|| overflow("commitment"))?;
            bill.lines.push(Line::new(
                LineKind::Commitment,
                Decimal::ONE,
                Some(exact),
                exact,
                currency,
                Detail::Term {
                    name: format!("Minimum commitment of {minimum} a month").into(),
                    percent: None,
                    on: Rc::from([]),
                },
            ));
        }
    }
    let above = bill.lines.len();
    for tax in &deal.taxes {
        let base = sum(
            bill.lines[..above]
                .iter()
                .filter(|l| tax.on.is_empty() || tax.on.contains(&l.kind)),
            "tax",
        )?;
        // A tax is never a credit: on lines that add up below zero (a tax
        // `on` discounts only) it is 0.
        let base = base.max(Decimal::ZERO);
        let rate = fraction(tax.percent)?;
        let exact = money::exact_mul(base, rate).ok_or_else(|| overflow("tax"))?;
        bill.lines.push(Line::new(
            LineKind::Tax,
            base,
            Some(rate),
            exact,
            currency,
            Detail::Term {
                name: tax.name.clone(),
                percent: Some(tax.percent),
                on: tax.on.clone(),
            },
        ));
    }
    bill.total = sum(bill.lines.iter(), "total")?;
    Ok(())
}

/// Prices the deal's months on one plan.
fn price_months<'p>(
    plan: &'p Plan,
    deal: &Deal,
    usages: &[Usage],
    metas: &[MetaCharges],
) -> Result<(Vec<Bill<'p>>, Decimal), Error> {
    let mut months = Vec::with_capacity(usages.len());
    let mut total = Decimal::ZERO;
    for (usage, meta) in usages.iter().zip(metas) {
        let mut bill = catalog::price_with(plan, usage, meta.clone())?;
        apply_terms(&mut bill, deal)?;
        total = money::exact_add(total, bill.total).ok_or_else(|| overflow("total"))?;
        months.push(bill);
    }
    Ok((months, total))
}

/// Prices a deal: its months on its plan, and the same usage and terms on
/// every plan of the same product and currency, for the cheapest.
///
/// # Errors
///
/// An unknown plan (with where it is written), a free plan, a Meta amount
/// in another currency, usage that cannot be priced, an overflow.
pub fn price(catalog: &Catalog, deal: Deal) -> Result<Quote<'_>, Error> {
    let at = |e: Error| match e {
        Error::Meta { spec, source, .. } => {
            Error::Input(format!("{}: [usage] meta {spec}: {source}", deal.meta_at))
        }
        Error::Input(m) if m.starts_with("Meta amount") => Error::Input(format!(
            "{}: [usage] {}",
            deal.meta_at,
            m.replacen("Meta amount", "meta_amount", 1)
        )),
        other => other,
    };
    let plan = catalog.plan(&deal.plan).map_err(|e| match e {
        Error::UnknownPlan { .. } => Error::Input(format!("{}: {e}", deal.plan_at)),
        other => other,
    })?;
    crate::bill::check_unit(plan, deal.count.0).map_err(|e| {
        let hint = match &e {
            crate::bill::BillError::WrongUnit { expected, .. } => match expected {
                Unit::Notifications => "; in [usage], write `sent = N`",
                Unit::Conversations => "; in [usage], write `conversations = N`",
            },
            _ => "",
        };
        Error::Input(format!("{}: {e}{hint}", deal.plan_at))
    })?;
    let usages = project(&deal, plan.currency)?;
    // Each month's Meta charges are the same on every plan compared below
    // (same product and currency): priced once.
    let metas = usages
        .iter()
        .map(|usage| catalog::meta_charges(catalog, plan, usage))
        .collect::<Result<Vec<_>, _>>()
        .map_err(at)?;
    let (months, total) = price_months(plan, &deal, &usages, &metas).map_err(at)?;
    let mut cheapest: Option<Cheapest<'_>> = None;
    for other in catalog
        .plans
        .iter()
        .filter(|p| p.product == plan.product && p.currency == plan.currency)
    {
        let other_total = if other.id == plan.id {
            total
        } else {
            match price_months(other, &deal, &usages, &metas) {
                Ok((_, t)) => t,
                Err(_) => continue,
            }
        };
        let better = cheapest.as_ref().is_none_or(|c| {
            other_total < c.total || (other_total == c.total && other.id == plan.id)
        });
        if better {
            cheapest = Some(Cheapest {
                plan: other,
                total: other_total,
                saving: total - other_total,
            });
        }
    }
    let mut cards: Vec<Rc<str>> = Vec::new();
    for card in months.iter().filter_map(|b| b.meta_card.clone()) {
        if !cards.contains(&card) {
            cards.push(card);
        }
    }
    Ok(Quote {
        deal,
        plan,
        months,
        total,
        cheapest,
        cards,
    })
}
