//! Tier advice: every tier of one product priced side by side, the volumes
//! where the next tier becomes cheaper (break-even), and how far a budget
//! goes on each tier. Pure: no I/O, no printing.
//!
//! # The structure this module relies on
//!
//! For a fixed Meta usage, a tier's *billed* total at `n` units is
//!
//! ```text
//! T(n) = base + R(overage_rate × overage_units(n)) + R(fair_use_rate × fair_use_units(n)) + extra
//! ```
//!
//! where `R` is the one rounding rule ([`money::round_line`]) and `extra`
//! (the rounded Meta lines and the plan's markup on them) does not depend
//! on `n`. Split at the plan's `included` and fair-use limit, each piece is
//! `constant + R(rate × (n − start))`: a straight line, rounded.
//!
//! # Break-even
//!
//! The break-even from tier A to tier B is the smallest `n` from which
//! `T_B(n) < T_A(n)` for every larger count (PRODUCT.md), that is one past
//! the *last* `n` where `D(n) = T_A(n) − T_B(n) ≤ 0`. The breakpoints of both
//! plans cut the counts into segments on which
//! `D(n) = K + R(a₀ + a·x) − R(b₀ + b·x)` with `x = n − start`. Its exact,
//! unrounded counterpart `E(n) = E₀ + (a − b)·x` is a line, and
//! `|D − E| ≤ one minor unit` (each rounding moves a line by at most half a
//! unit). So, working from the last segment (linear to infinity: the sign
//! of the slope decides) backwards, the last `n` with `D(n) ≤ 0` lies in a
//! window of counts where `|E(n)| ≤ one minor unit`, found analytically;
//! only that window is settled on the billed (rounded) totals, computed by
//! the engine itself. Rounding to the minor unit makes `D − E` periodic
//! (period: the denominator of `rate / minor unit`), so a long window is
//! settled from one period of counts with exact steps of `slope × period`.
//!
//! # Budget
//!
//! A billed total never falls as the count grows, so the largest count
//! within a budget is found piece by piece: on `constant + R(r·x)`,
//! `R(r·x) ≤ B` (with `B` on the minor unit) exactly when `r·x < B + ½ unit`.

use std::cmp::Ordering;

use std::borrow::Cow;

use rust_decimal::Decimal;

use std::rc::Rc;

use crate::bill::{self, Bill, BillError, LineKind};
use crate::calendar::Month;
use crate::money::{self, Currency};
use crate::plan::{Band, Plan, Product, Unit};

/// The most counts settled one by one for a single break-even. Only rates
/// with many decimals that differ by almost nothing come near it.
pub const MAX_SETTLE: u64 = 2_000_000;

/// Why advice cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdviceError {
    /// The engine refused (an overflow, typically).
    #[error(transparent)]
    Bill(#[from] BillError),
    /// Two tiers' rates are so close, with so many decimals, that settling
    /// the break-even on rounded totals would take too long.
    #[error(
        "cannot settle the break-even between `{from}` and `{to}`: their rates differ by too little, \
         with too many decimals, to check the rounded totals count by count"
    )]
    Unsettled {
        /// The smaller tier.
        from: String,
        /// The larger tier.
        to: String,
    },
}

/// One tier as compared: a plan and what it adds on top of its platform
/// fee for the fixed Meta usage (the rounded Meta lines and markup).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier<'p> {
    /// The plan.
    pub plan: &'p Plan,
    /// Meta lines plus this plan's markup on them, rounded; zero without Meta usage.
    pub extra: Decimal,
}

impl<'p> Tier<'p> {
    /// The tier of a bill: the bill's total less its platform lines.
    #[must_use]
    pub fn from_bill(bill: &Bill<'p>) -> Self {
        // Both are parts of the bill's checked total, so their sum fits.
        let extra = bill
            .amount_of(LineKind::Meta)
            .saturating_add(bill.amount_of(LineKind::Markup));
        Self {
            plan: bill.plan,
            extra,
        }
    }

    /// The billed total at `count` units, computed by the engine.
    ///
    /// # Errors
    ///
    /// [`BillError::Overflow`].
    pub fn total(&self, count: u64) -> Result<Decimal, BillError> {
        bill::platform_lines(self.plan, count)?
            .iter()
            .try_fold(self.extra, |sum, line| sum.checked_add(line.amount))
            .ok_or(BillError::Overflow("total"))
    }
}

/// Orders tiers by size: included units, then base fee, then id.
pub fn sort_by_size(tiers: &mut [Tier<'_>]) {
    tiers.sort_by(|a, b| {
        (a.plan.included, a.plan.base_fee, &a.plan.id).cmp(&(
            b.plan.included,
            b.plan.base_fee,
            &b.plan.id,
        ))
    });
}

/// How the currency of a comparison was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurrencyChoice {
    /// Given with `--currency`.
    Given,
    /// The only currency the product's plans use.
    Only,
    /// The currency with the most plans of the product; `others` lists the rest.
    MostPlans {
        /// The other currencies, alphabetically.
        others: Vec<Currency>,
    },
}

/// The default currency for a product: the one with the most plans (a
/// tie goes to USD, then alphabetically). `None` when there are no plans.
#[must_use]
pub fn default_currency(plans: &[&Plan]) -> Option<(Currency, CurrencyChoice)> {
    let mut counts: Vec<(Currency, usize)> = Vec::new();
    for plan in plans {
        match counts.iter_mut().find(|(c, _)| *c == plan.currency) {
            Some((_, n)) => *n += 1,
            None => counts.push((plan.currency, 1)),
        }
    }
    counts.sort_by(|(a, na), (b, nb)| {
        nb.cmp(na)
            .then_with(|| (b.code() == "USD").cmp(&(a.code() == "USD")))
            .then_with(|| a.code().cmp(b.code()))
    });
    let (first, _) = *counts.first()?;
    let mut others: Vec<Currency> = counts.iter().skip(1).map(|&(c, _)| c).collect();
    others.sort_by_key(|c| c.code());
    let choice = if others.is_empty() {
        CurrencyChoice::Only
    } else {
        CurrencyChoice::MostPlans { others }
    };
    Some((first, choice))
}

/// One tier priced at the quoted count.
#[derive(Debug, Clone)]
pub struct Quote<'p> {
    /// The bill.
    pub bill: Bill<'p>,
    /// Its total less the cheapest total (zero for the cheapest).
    pub difference: Decimal,
    /// Whether this is the tier to recommend (the first of the cheapest).
    pub cheapest: bool,
}

/// Where `to` becomes cheaper than `from`, for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakEven<'p> {
    /// The smaller tier.
    pub from: &'p Plan,
    /// The next larger tier.
    pub to: &'p Plan,
    /// The smallest count from which `to` is billed strictly less, and
    /// stays so; `None` when there is no such count.
    pub at: Option<u64>,
}

/// How far a budget goes on one tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The total at zero units is already above the budget.
    NotEvenBase,
    /// The largest count whose billed total is within the budget.
    UpTo(u64),
    /// The marginal rate is zero from some count on: any volume fits.
    Unlimited,
}

/// A budget and its reach on each tier (in size order).
#[derive(Debug, Clone)]
pub struct Budget<'p> {
    /// The budget, as given.
    pub amount: Decimal,
    /// Each tier and its reach.
    pub reach: Vec<(&'p Plan, Reach)>,
}

/// A full comparison of the tiers of one product and currency.
#[derive(Debug, Clone)]
pub struct Comparison<'p> {
    /// The product compared.
    pub product: Product,
    /// Its unit.
    pub unit: Unit,
    /// The currency of every tier compared.
    pub currency: Currency,
    /// How that currency was chosen.
    pub currency_choice: CurrencyChoice,
    /// The quoted count, if any.
    pub count: Option<u64>,
    /// The tiers, by size.
    pub tiers: Vec<Tier<'p>>,
    /// The tiers priced at the count, cheapest first (empty without a count).
    pub quotes: Vec<Quote<'p>>,
    /// One entry per adjacent pair of tiers by size.
    pub break_evens: Vec<BreakEven<'p>>,
    /// The budget's reach, when a budget was given.
    pub budget: Option<Budget<'p>>,
    /// The billing month the tiers were priced for, when known.
    pub month: Option<Month>,
    /// The Meta rate card the Meta counts were priced on, if any.
    pub meta_card: Option<Rc<str>>,
    /// The plans compared whose prices are examples, by size.
    pub examples: Vec<&'p Plan>,
    /// The bills' notes, each once (e.g. Meta charges not given), the
    /// example-prices note first, naming the example plans.
    pub notes: Vec<Cow<'static, str>>,
}

impl<'p> Comparison<'p> {
    /// Compares tiers: `bills` holds one bill per tier (all of one product
    /// and currency, at the quoted count, or at zero without a count).
    ///
    /// # Errors
    ///
    /// An overflow, or a break-even that cannot be settled.
    pub fn new(
        bills: Vec<Bill<'p>>,
        count: Option<u64>,
        (currency, currency_choice): (Currency, CurrencyChoice),
        budget: Option<Decimal>,
    ) -> Result<Self, AdviceError> {
        let product = bills.first().map_or(Product::Connect, |b| b.plan.product);
        let month = bills.first().and_then(|b| b.month);
        let meta_card = bills.iter().find_map(|b| b.meta_card.clone());
        let unit = product.unit().unwrap_or(Unit::Notifications);
        let mut tiers: Vec<Tier<'p>> = bills.iter().map(Tier::from_bill).collect();
        sort_by_size(&mut tiers);
        let examples: Vec<&Plan> = tiers.iter().map(|t| t.plan).filter(|p| p.example).collect();
        let mut notes: Vec<Cow<'static, str>> = Vec::new();
        if !examples.is_empty() {
            notes.push(example_note(&examples, tiers.len()).into());
        }
        let mut seen = std::collections::HashSet::new();
        for note in bills.iter().flat_map(|b| &b.notes) {
            if note != bill::EXAMPLE_NOTE && seen.insert(note) {
                notes.push(note.clone());
            }
        }
        let break_evens = tiers
            .windows(2)
            .map(|pair| {
                Ok(BreakEven {
                    from: pair[0].plan,
                    to: pair[1].plan,
                    at: break_even(&pair[0], &pair[1])?,
                })
            })
            .collect::<Result<Vec<_>, AdviceError>>()?;
        let budget = budget
            .map(|amount| {
                Ok::<_, AdviceError>(Budget {
                    amount,
                    reach: tiers
                        .iter()
                        .map(|t| Ok((t.plan, reach(t, amount)?)))
                        .collect::<Result<Vec<_>, AdviceError>>()?,
                })
            })
            .transpose()?;
        let quotes = if count.is_some() {
            rank(bills, &tiers)
        } else {
            Vec::new()
        };
        Ok(Self {
            product,
            unit,
            currency,
            currency_choice,
            count,
            tiers,
            quotes,
            break_evens,
            budget,
            month,
            meta_card,
            examples,
            notes,
        })
    }

    /// The recommended tier at the quoted count.
    #[must_use]
    pub fn cheapest(&self) -> Option<&Quote<'p>> {
        self.quotes.iter().find(|q| q.cheapest)
    }

    /// The volume a cost-curve chart must show: the quoted count, the last
    /// break-even and the farthest budget reach; without any of them the
    /// largest quota (at least 1,000).
    #[must_use]
    pub fn volume_of_interest(&self) -> u64 {
        let mut target = self.count.unwrap_or(0);
        for b in &self.break_evens {
            target = target.max(b.at.unwrap_or(0));
        }
        if let Some(budget) = &self.budget {
            for (_, reach) in &budget.reach {
                if let Reach::UpTo(n) = reach {
                    target = target.max(*n);
                }
            }
        }
        if target == 0 {
            target = self
                .tiers
                .iter()
                .map(|t| t.plan.included)
                .max()
                .unwrap_or(0)
                .max(1_000);
        }
        target
    }

    /// Each tier's cost curve up to `end`, in the tiers' order: its billed
    /// total at every count where its line bends (zero, its quota, its
    /// fair-use limit) and at `end`. Between those counts a tier's total is
    /// a straight line (see the module docs), so these points are the
    /// whole curve.
    ///
    /// # Errors
    ///
    /// An overflow while computing a total.
    pub fn cost_curves(&self, end: Decimal) -> Result<Vec<CostCurve>, BillError> {
        self.tiers
            .iter()
            .map(|t| {
                bends(t, end)
                    .into_iter()
                    .map(|n| {
                        let count = u64::try_from(n).unwrap_or(u64::MAX);
                        Ok((n, t.total(count)?))
                    })
                    .collect()
            })
            .collect()
    }

    /// The break-evens inside `(0, end]` as points on the cheaper tier's
    /// curve: which break-even, which tier, the count and its total.
    ///
    /// # Errors
    ///
    /// An overflow while computing a total.
    pub fn break_even_points(&self, end: Decimal) -> Result<Vec<BreakEvenPoint>, BillError> {
        let mut points = Vec::new();
        for (index, b) in self.break_evens.iter().enumerate() {
            let Some(at) = b.at.filter(|&n| n > 0 && Decimal::from(n) <= end) else {
                continue;
            };
            let Some(tier) = self.tiers.iter().position(|t| t.plan.id == b.to.id) else {
                continue;
            };
            points.push(BreakEvenPoint {
                break_even: index,
                tier,
                at,
                total: self.tiers[tier].total(at)?,
            });
        }
        Ok(points)
    }
}

/// One tier's cost curve: (count, billed total) at each bend.
pub type CostCurve = Vec<(Decimal, Decimal)>;

/// A break-even on a cost-curve chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakEvenPoint {
    /// Its index in [`Comparison::break_evens`].
    pub break_even: usize,
    /// The index in [`Comparison::tiers`] of the tier cheaper from here.
    pub tier: usize,
    /// The count.
    pub at: u64,
    /// That tier's billed total at the count.
    pub total: Decimal,
}

/// The counts where a tier's line bends, up to `end`.
fn bends(tier: &Tier<'_>, end: Decimal) -> Vec<Decimal> {
    let mut points = vec![Decimal::ZERO];
    points.extend(
        tier.plan
            .bands()
            .into_iter()
            .flatten()
            .map(|band| Decimal::from(band.after)),
    );
    points.retain(|p| *p < end);
    points.push(end);
    points.sort();
    points.dedup();
    points
}

/// The note of a comparison that prices example plans: which ones.
fn example_note(examples: &[&Plan], compared: usize) -> String {
    const LISTED: usize = 6;
    let which = if examples.len() == compared {
        "every plan compared has".to_owned()
    } else {
        let mut ids: Vec<&str> = examples
            .iter()
            .take(LISTED)
            .map(|p| p.id.as_str())
            .collect();
        let more = examples.len().saturating_sub(LISTED);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        let last = if more.is_empty() && ids.len() > 1 {
            ids.pop().map(|id| format!(" and {id}")).unwrap_or_default()
        } else {
            String::new()
        };
        let verb = if examples.len() == 1 { "has" } else { "have" };
        format!("{}{last}{more} {verb}", ids.join(", "))
    };
    format!(
        "example prices: {which} example prices, not a contract's; \
         replace them with the customer's contract prices before sending this to a customer"
    )
}

/// Sorts bills by total (ties: the smaller tier first) and marks the cheapest.
fn rank<'p>(mut bills: Vec<Bill<'p>>, by_size: &[Tier<'p>]) -> Vec<Quote<'p>> {
    let size_rank: std::collections::HashMap<&str, usize> = by_size
        .iter()
        .enumerate()
        .map(|(i, t)| (t.plan.id.as_str(), i))
        .collect();
    let rank_of = |plan: &Plan| size_rank.get(plan.id.as_str()).copied();
    bills.sort_by(|a, b| {
        a.total
            .cmp(&b.total)
            .then_with(|| rank_of(a.plan).cmp(&rank_of(b.plan)))
    });
    let lowest = bills.first().map_or(Decimal::ZERO, |b| b.total);
    bills
        .into_iter()
        .enumerate()
        .map(|(i, bill)| Quote {
            difference: bill.total - lowest,
            cheapest: i == 0,
            bill,
        })
        .collect()
}

/// A straight, rounded piece of a tier's total:
/// `T(n) = constant + R(rate × (n − start))` for `start ≤ n ≤ end`.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: u64,
    /// Inclusive; `None` runs to infinity.
    end: Option<u64>,
    /// The rounded lines that do not change on this piece, with the extra.
    constant: Decimal,
    rate: Decimal,
}

/// A tier's total as pieces, following the engine's bands exactly.
fn pieces(tier: &Tier<'_>) -> Result<Vec<Piece>, BillError> {
    let plan = tier.plan;
    let currency = plan.currency;
    let mut constant = money::round_line(plan.base_fee, currency)
        .checked_add(tier.extra)
        .ok_or(BillError::Overflow("total"))?;
    let bands: Vec<Band> = plan.bands().into_iter().flatten().collect();
    let mut out = Vec::with_capacity(3);
    // The units the base fee covers, up to the first band.
    out.push(Piece {
        start: 0,
        end: Some(bands.iter().map(|b| b.after).min().unwrap_or(plan.included)),
        constant,
        rate: Decimal::ZERO,
    });
    for band in bands {
        if band.up_to.is_some_and(|end| end <= band.after) {
            continue; // an empty band
        }
        out.push(Piece {
            start: band.after,
            end: band.up_to,
            constant,
            rate: band.rate,
        });
        if let Some(end) = band.up_to {
            // Past a closed band, its whole amount is billed (rounded) on top.
            let full = Decimal::from(end - band.after)
                .checked_mul(band.rate)
                .ok_or(BillError::Overflow("overage"))?;
            constant = constant
                .checked_add(money::round_line(full, currency))
                .ok_or(BillError::Overflow("total"))?;
        }
    }
    Ok(out)
}

/// The piece of `pieces` that covers `[lo, hi]`.
fn piece_at(pieces: &[Piece], lo: u64) -> Piece {
    pieces
        .iter()
        .rev()
        .find(|p| p.start <= lo)
        .copied()
        .unwrap_or(pieces[0])
}

/// The smallest count from which `to` is billed strictly less than `from`
/// for every larger count, or `None` when there is none.
///
/// # Errors
///
/// An overflow, or [`AdviceError::Unsettled`].
///
/// # Example
///
/// connect-10k ($30.00 including 10,000, then $0.0070) against connect-25k
/// ($110.00 including 25,000): `30 + (n − 10,000) × 0.0070` first exceeds
/// 110.00 once rounded at 21,430 (21,429 gives 110.003 → 110.00, a tie).
///
/// ```
/// # use ctbill::{advice::{break_even, Tier}, plan::*, money::Currency};
/// # use rust_decimal::Decimal;
/// # let plan = |id: &str, base, included, rate| Plan {
/// #     id: id.into(), name: id.into(), product: Product::Connect,
/// #     currency: Currency::from_code("USD").unwrap(), base_fee: Decimal::new(base, 2),
/// #     included, overage_rate: Decimal::new(rate, 4), fair_use: None,
/// #     markup_percent: None, example: false, origin: "doc".into(),
/// # };
/// let small = plan("connect-10k", 3000, 10_000, 70);
/// let large = plan("connect-25k", 11000, 25_000, 60);
/// let at = break_even(
///     &Tier { plan: &small, extra: Decimal::ZERO },
///     &Tier { plan: &large, extra: Decimal::ZERO },
/// );
/// assert_eq!(at, Ok(Some(21_430)));
/// ```
pub fn break_even(from: &Tier<'_>, to: &Tier<'_>) -> Result<Option<u64>, AdviceError> {
    let (pa, pb) = (pieces(from)?, pieces(to)?);
    let mut cuts: Vec<u64> = pa.iter().chain(&pb).map(|p| p.start).collect();
    cuts.sort_unstable();
    cuts.dedup();
    let unit = minor_unit(from.plan.currency);
    let unsettled = || AdviceError::Unsettled {
        from: from.plan.id.clone(),
        to: to.plan.id.clone(),
    };
    // From the last segment (to infinity) back to the first.
    for (i, &lo) in cuts.iter().enumerate().rev() {
        let hi = cuts.get(i + 1).copied();
        let (a, b) = (piece_at(&pa, lo), piece_at(&pb, lo));
        let segment = Segment::new(lo, hi, a, b, unit)?;
        let d = |n: u64| -> Result<Decimal, AdviceError> {
            Ok(from
                .total(n)?
                .checked_sub(to.total(n)?)
                .ok_or(BillError::Overflow("difference"))?)
        };
        match segment.last_not_lower(d, &unsettled)? {
            Last::Unbounded => return Ok(None),
            Last::At(n) => return Ok(n.checked_add(1)),
            Last::None => {}
        }
    }
    Ok(Some(0))
}

/// The currency's minor unit as an amount: 0.01 for USD, 1 for JPY.
fn minor_unit(currency: Currency) -> Decimal {
    Decimal::new(1, currency.minor_units())
}

/// Where, on a segment, `D(n) = T_from(n) − T_to(n)` was last `≤ 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Nowhere on the segment.
    None,
    /// At this count, and not after it on the segment.
    At(u64),
    /// For arbitrarily large counts.
    Unbounded,
}

/// One segment between breakpoints, where both totals are single pieces.
struct Segment {
    lo: u64,
    /// Inclusive end; `None` runs to infinity.
    hi: Option<u64>,
    /// `E(lo)`: the difference of the totals with the sloped lines unrounded.
    e0: Decimal,
    /// Slope of `E`: `rate_from − rate_to`.
    slope: Decimal,
    /// `D(n + period) − D(n) = slope × period`; `None` when too large to use.
    period: Option<u64>,
    unit: Decimal,
}

impl Segment {
    fn new(lo: u64, hi: Option<u64>, a: Piece, b: Piece, unit: Decimal) -> Result<Self, BillError> {
        let overflow = || BillError::Overflow("break-even");
        let exact_at = |p: Piece| {
            Decimal::from(lo - p.start)
                .checked_mul(p.rate)
                .and_then(|v| v.checked_add(p.constant))
                .ok_or_else(overflow)
        };
        let e0 = exact_at(a)?
            .checked_sub(exact_at(b)?)
            .ok_or_else(overflow)?;
        let slope = a.rate.checked_sub(b.rate).ok_or_else(overflow)?;
        let period = period_of(a.rate, unit)
            .zip(period_of(b.rate, unit))
            .and_then(|(x, y)| lcm(x, y))
            .and_then(|p| u64::try_from(p).ok());
        Ok(Self {
            lo,
            hi,
            e0,
            slope,
            period,
            unit,
        })
    }

    /// `lo + floor(q)` (or `ceil`), clamped to the counts; `None` below `lo`.
    fn offset(&self, q: Decimal, up: bool) -> Option<u64> {
        let q = if up { q.ceil() } else { q.floor() };
        if q.is_sign_negative() && !q.is_zero() {
            return None;
        }
        let q = u64::try_from(q).unwrap_or(u64::MAX);
        Some(self.lo.saturating_add(q))
    }

    /// The last `n` on the segment with `d(n) ≤ 0`, settled on the billed
    /// totals `d` inside the window the exact line `E` leaves open.
    fn last_not_lower(
        &self,
        d: impl Fn(u64) -> Result<Decimal, AdviceError>,
        unsettled: &dyn Fn() -> AdviceError,
    ) -> Result<Last, AdviceError> {
        let u = self.unit;
        let overflow = || AdviceError::Bill(BillError::Overflow("break-even"));
        let hi = self.hi.unwrap_or(u64::MAX);
        match self.slope.cmp(&Decimal::ZERO) {
            Ordering::Greater => {
                // D ≤ 0 needs E ≤ u: n − lo ≤ (u − E₀)/s. Division may round
                // in the 28th digit, so widen by one count.
                let q = u
                    .checked_sub(self.e0)
                    .and_then(|x| x.checked_div(self.slope))
                    .ok_or_else(overflow)?;
                let Some(top) = self.offset(q, false) else {
                    return Ok(Last::None);
                };
                let top = top.saturating_add(1).min(hi);
                // E ≤ −u guarantees D ≤ 0: n − lo ≤ (−u − E₀)/s, less one for safety.
                let q = (-u)
                    .checked_sub(self.e0)
                    .and_then(|x| x.checked_div(self.slope))
                    .ok_or_else(overflow)?;
                let sure = self
                    .offset(q, false)
                    .and_then(|n| n.checked_sub(1))
                    .filter(|&n| n >= self.lo);
                if sure.is_some_and(|sure| sure >= top) {
                    return Ok(Last::At(top));
                }
                let bottom = sure.unwrap_or(self.lo);
                self.settle_rising(&d, bottom, top, unsettled)
            }
            Ordering::Equal => {
                if self.e0 > u {
                    return Ok(Last::None);
                }
                if self.e0 <= -u {
                    return Ok(self.hi.map_or(Last::Unbounded, Last::At));
                }
                // D is periodic: one period of counts says it all (the top
                // period of a finite segment; any period of an endless one).
                let width = (hi - self.lo).saturating_add(1);
                let width = self.period.map_or(width, |p| p.min(width));
                if width > MAX_SETTLE {
                    return Err(unsettled());
                }
                for k in 0..width {
                    match self.hi {
                        Some(hi) if d(hi - k)? <= Decimal::ZERO => return Ok(Last::At(hi - k)),
                        None if d(self.lo + k)? <= Decimal::ZERO => return Ok(Last::Unbounded),
                        _ => {}
                    }
                }
                Ok(Last::None)
            }
            Ordering::Less => {
                let Some(hi) = self.hi else {
                    // Falling to infinity: `to` ends up dearer for good.
                    return Ok(Last::Unbounded);
                };
                let e_hi = Decimal::from(hi - self.lo)
                    .checked_mul(self.slope)
                    .and_then(|x| x.checked_add(self.e0))
                    .ok_or_else(overflow)?;
                if e_hi <= -u {
                    return Ok(Last::At(hi));
                }
                if e_hi > u {
                    return Ok(Last::None);
                }
                // Candidates have E ≤ u: n − lo ≥ (u − E₀)/s (s < 0), less one for safety.
                let q = u
                    .checked_sub(self.e0)
                    .and_then(|x| x.checked_div(self.slope))
                    .ok_or_else(overflow)?;
                let bottom = self
                    .offset(q, true)
                    .map_or(self.lo, |n| n.saturating_sub(1).max(self.lo));
                // D(n − P) = D(n) − s·P > D(n): nothing below the top period beats it.
                let width = (hi - bottom).saturating_add(1);
                let width = self.period.map_or(width, |p| p.min(width));
                if width > MAX_SETTLE {
                    return Err(unsettled());
                }
                for k in 0..width {
                    if d(hi - k)? <= Decimal::ZERO {
                        return Ok(Last::At(hi - k));
                    }
                }
                Ok(Last::None)
            }
        }
    }

    /// Rising difference: the last `n` in `[bottom, top]` with `d(n) ≤ 0`,
    /// where `d(bottom) ≤ 0` is known only when `bottom` came from `E ≤ −u`.
    fn settle_rising(
        &self,
        diff: &impl Fn(u64) -> Result<Decimal, AdviceError>,
        bottom: u64,
        top: u64,
        unsettled: &dyn Fn() -> AdviceError,
    ) -> Result<Last, AdviceError> {
        let width = top - bottom + 1;
        match self.period.filter(|&p| p < width) {
            None => {
                if width > MAX_SETTLE {
                    return Err(unsettled());
                }
                for k in 0..width {
                    if diff(top - k)? <= Decimal::ZERO {
                        return Ok(Last::At(top - k));
                    }
                }
                Ok(Last::None)
            }
            Some(period) => {
                if period > MAX_SETTLE {
                    return Err(unsettled());
                }
                // D(n − j·P) = D(n) − j·s·P on the segment: from each count
                // of the top period, step down whole periods to D ≤ 0.
                let step = self
                    .slope
                    .checked_mul(Decimal::from(period))
                    .ok_or(AdviceError::Bill(BillError::Overflow("break-even")))?;
                let mut best: Option<u64> = None;
                for k in 0..period {
                    let count = top - k;
                    if best.is_some_and(|b| b >= count) {
                        break;
                    }
                    let dn = diff(count)?;
                    if dn <= Decimal::ZERO {
                        best = Some(best.map_or(count, |b| b.max(count)));
                        break;
                    }
                    let Some(periods) = dn.checked_div(step).map(|x| x.ceil()) else {
                        continue;
                    };
                    let Some(back) = u64::try_from(periods)
                        .ok()
                        .and_then(|p| p.checked_mul(period))
                    else {
                        continue;
                    };
                    let Some(mut below) = count.checked_sub(back).filter(|&c| c >= self.lo) else {
                        continue;
                    };
                    // Settle the step on the billed totals (the division may round).
                    while diff(below)? > Decimal::ZERO {
                        match below.checked_sub(period).filter(|&x| x >= self.lo) {
                            Some(x) => below = x,
                            None => break,
                        }
                    }
                    if diff(below)? > Decimal::ZERO {
                        continue;
                    }
                    while below + period < count && diff(below + period)? <= Decimal::ZERO {
                        below += period;
                    }
                    best = Some(best.map_or(below, |b| b.max(below)));
                }
                Ok(best.map_or(Last::None, Last::At))
            }
        }
    }
}

/// The smallest `P > 0` with `rate × P` a whole number of minor units.
fn period_of(rate: Decimal, unit: Decimal) -> Option<u128> {
    let ratio = rate.checked_div(unit)?.normalize();
    let scale = ratio.scale();
    if scale == 0 {
        return Some(1);
    }
    let denominator = 10u128.checked_pow(scale)?;
    let numerator = ratio.mantissa().unsigned_abs();
    Some(denominator / gcd(numerator, denominator))
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn lcm(a: u128, b: u128) -> Option<u128> {
    (a / gcd(a, b)).checked_mul(b)
}

/// The largest count whose billed total on `tier` is within `budget`.
///
/// # Errors
///
/// An overflow.
///
/// # Example
///
/// connect-10k with $500: `30 + R(0.0070 × x) ≤ 500` while
/// `0.0070 × x < 470.005`, so `x ≤ 67,143` and the reach is 77,143.
///
/// ```
/// # use ctbill::{advice::{reach, Reach, Tier}, plan::*, money::Currency};
/// # use rust_decimal::Decimal;
/// # let plan = Plan {
/// #     id: "connect-10k".into(), name: "x".into(), product: Product::Connect,
/// #     currency: Currency::from_code("USD").unwrap(), base_fee: Decimal::new(3000, 2),
/// #     included: 10_000, overage_rate: Decimal::new(70, 4), fair_use: None,
/// #     markup_percent: None, example: false, origin: "doc".into(),
/// # };
/// let tier = Tier { plan: &plan, extra: Decimal::ZERO };
/// assert_eq!(reach(&tier, Decimal::new(500, 0)), Ok(Reach::UpTo(77_143)));
/// ```
pub fn reach(tier: &Tier<'_>, budget: Decimal) -> Result<Reach, AdviceError> {
    let currency = tier.plan.currency;
    let unit = minor_unit(currency);
    // Totals are whole minor units: T ≤ budget ⟺ T ≤ budget rounded down to one.
    let budget = budget
        .checked_div(unit)
        .map(|b| b.floor() * unit)
        .ok_or(BillError::Overflow("budget"))?;
    let half = unit / Decimal::TWO;
    for piece in pieces(tier)? {
        let room = budget - piece.constant;
        if room.is_sign_negative() && !room.is_zero() {
            // Only possible on the first piece: later pieces start where the
            // previous one ended within the budget.
            return Ok(Reach::NotEvenBase);
        }
        if piece.rate.is_zero() {
            match piece.end {
                None => return Ok(Reach::Unlimited),
                Some(_) => continue,
            }
        }
        // R(rate × x) ≤ room ⟺ rate × x < room + ½ unit.
        let limit = room
            .checked_add(half)
            .and_then(|x| x.checked_div(piece.rate))
            .ok_or(BillError::Overflow("budget"))?;
        let x = limit.ceil() - Decimal::ONE;
        // The division may round in its last digit: settle on the line itself.
        let fits = |x: Decimal| {
            x.checked_mul(piece.rate)
                .is_some_and(|v| money::round_line(v, currency) <= room)
        };
        let mut x = x.max(Decimal::ZERO);
        while !fits(x) && x > Decimal::ZERO {
            x -= Decimal::ONE;
        }
        while let Some(next) = x.checked_add(Decimal::ONE).filter(|&next| fits(next)) {
            x = next;
        }
        let n = u64::try_from(x)
            .ok()
            .and_then(|x| piece.start.checked_add(x))
            .unwrap_or(u64::MAX);
        match piece.end {
            Some(end) if n >= end => {}
            _ => return Ok(Reach::UpTo(n)),
        }
    }
    Ok(Reach::Unlimited)
}

#[cfg(test)]
mod tests;
