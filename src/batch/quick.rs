//! The fast path of `batch`: a bill's amounts in exact integer arithmetic
//! on minor units, for the common rows, with the engine as the fallback.
//!
//! - [`Quick`]: the platform lines of one plan (base, overage, fair-use
//!   overage);
//! - [`Ladder`]: one market × category of Meta messages on one card, at its
//!   list rate or across its volume tiers;
//! - [`amount_in_minor_units`] and [`markup`]: a Meta amount passed
//!   through, and the markup on the Meta subtotal.
//!
//! A rate `m × 10⁻ˢ` times `n` units is `n × m` at scale `s`; the line is
//! that value rounded to the currency's `k` decimals, half away from zero
//! (all values are non-negative, so half up): `n × m × 10^(k−s)` when
//! `s ≤ k`, else `⌊(n × m) / 10^(s−k)⌋`, plus one when the remainder is at
//! least half of `10^(s−k)`. Every step is checked; when a value does not
//! fit, or could come near the 28 significant digits the engine's `Decimal`
//! holds, these return `None` and the caller falls back to the engine.
//! Below those bounds the engine's arithmetic is exact too, so both give
//! the same amounts (tested below against [`crate::bill::bill`] and
//! [`crate::catalog::price`]).

use rust_decimal::Decimal;

use crate::meta::Tier;
use crate::money;
use crate::plan::{Band, Plan};

/// The largest exact value (in units of the rate's last decimal) the fast
/// path works with: far below `Decimal`'s 96-bit mantissa (about 7.9 ×
/// 10²⁸), so the engine computes every such value exactly as well.
const MAX_EXACT: u128 = 10u128.pow(26);

/// The most decimals a `Decimal` holds: an exact value at more is not
/// what the engine holds.
const MAX_SCALE: u32 = 28;

/// `value` (a count of `10^-scale`) rounded half up to `minor_units`
/// decimals, as [`money::round_line`] rounds it; `None` past `u64`.
fn to_minor_units(value: u128, scale: u32, minor_units: u32) -> Option<u64> {
    if value > MAX_EXACT {
        return None;
    }
    let minor = if scale <= minor_units {
        value.checked_mul(10u128.checked_pow(minor_units - scale)?)?
    } else {
        money::round_scaled_minor_units(value, 10u128.checked_pow(scale - minor_units)?)
    };
    u64::try_from(minor).ok()
}

/// A rate as an integer mantissa and how to bring `count × mantissa` to
/// minor units.
#[derive(Debug, Clone, Copy)]
struct Rate {
    mantissa: u64,
    shift: Shift,
}

#[derive(Debug, Clone, Copy)]
enum Shift {
    /// The rate has no more decimals than the currency: multiply.
    Up(u64),
    /// The rate has more decimals: divide, rounding half up.
    Down(u64),
}

impl Rate {
    fn new(rate: Decimal, minor_units: u32) -> Option<Self> {
        let mantissa = u64::try_from(rate.mantissa()).ok()?;
        let scale = rate.scale();
        let shift = if scale <= minor_units {
            Shift::Up(10u64.checked_pow(minor_units - scale)?)
        } else {
            Shift::Down(10u64.checked_pow(scale - minor_units)?)
        };
        Some(Self { mantissa, shift })
    }

    /// `units × rate`, rounded half up to minor units.
    fn times(self, units: u64) -> Option<u64> {
        let exact = units.checked_mul(self.mantissa)?;
        match self.shift {
            Shift::Up(factor) => exact.checked_mul(factor),
            Shift::Down(divisor) => u64::try_from(money::round_scaled_minor_units(
                exact.into(),
                divisor.into(),
            ))
            .ok(),
        }
    }
}

/// One plan's platform lines, precomputed for integer pricing.
#[derive(Debug, Clone)]
pub struct Quick {
    /// Decimals of the currency's minor unit.
    pub minor_units: u32,
    /// The base fee in minor units.
    pub base: u64,
    /// The plan's bands ([`Plan::bands`]) with their rates as integers.
    overage: (Band, Rate),
    fair_use: Option<(Band, Rate)>,
}

/// The rounded platform lines of one bill, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuickAmounts {
    /// Units above the quota at the overage rate.
    pub overage: u64,
    /// Units above the fair-use limit (plans with fair use only).
    pub fair_use_overage: Option<u64>,
    /// Base + overage + fair-use overage.
    pub total: u64,
}

impl Quick {
    /// Precomputes a plan, or `None` when its amounts do not fit the
    /// integer path (the engine then prices every row).
    #[must_use]
    pub fn new(plan: &Plan) -> Option<Self> {
        plan.unit()?;
        let minor_units = plan.currency.minor_units();
        let base = money::round_line(plan.base_fee, plan.currency);
        if base.scale() != minor_units {
            return None;
        }
        let [overage, fair_use] = plan.bands();
        let with_rate = |band: Band| Rate::new(band.rate, minor_units).map(|rate| (band, rate));
        Some(Self {
            minor_units,
            base: u64::try_from(base.mantissa()).ok()?,
            overage: with_rate(overage?)?,
            fair_use: match fair_use {
                Some(band) => Some(with_rate(band)?),
                None => None,
            },
        })
    }

    /// The platform lines for `count` units, exactly as the engine rounds
    /// them, or `None` when a value would not fit in `u64`.
    #[must_use]
    pub fn price(&self, count: u64) -> Option<QuickAmounts> {
        let (band, rate) = &self.overage;
        let overage = rate.times(band.units(count))?;
        let mut total = self.base.checked_add(overage)?;
        let fair_use_overage = match &self.fair_use {
            Some((band, rate)) => {
                let amount = rate.times(band.units(count))?;
                total = total.checked_add(amount)?;
                Some(amount)
            }
            None => None,
        };
        Some(QuickAmounts {
            overage,
            fair_use_overage,
            total,
        })
    }
}

/// A Meta amount passed through (`meta_amount`), rounded to minor units
/// as the engine rounds its line; `None` when negative or too large.
#[must_use]
pub fn amount_in_minor_units(amount: Decimal, minor_units: u32) -> Option<u64> {
    if amount.is_sign_negative() {
        return None;
    }
    to_minor_units(
        amount.mantissa().unsigned_abs(),
        amount.scale(),
        minor_units,
    )
}

/// The markup line: `percent` % of the Meta `subtotal` (in minor units),
/// rounded to minor units; `None` when negative or too large.
#[must_use]
pub fn markup(subtotal: u64, percent: Decimal, minor_units: u32) -> Option<u64> {
    // subtotal × 10^-k × m × 10^-(p+2): a count of 10^-(k+p+2). Past 28
    // decimals the engine's exact product drops trailing zeros to fit a
    // `Decimal` (its JSON shows fewer decimals) or cannot be held at all
    // (the row is an error): the engine's to price.
    let scale = minor_units + percent.scale() + 2;
    if percent.is_sign_negative() || scale > MAX_SCALE {
        return None;
    }
    let exact = u128::from(subtotal).checked_mul(percent.mantissa().unsigned_abs())?;
    to_minor_units(exact, scale, minor_units)
}

/// One market × category of Meta messages on one card: its volume tiers
/// (or its list rate as one open tier), as integers at one scale.
#[derive(Debug, Clone)]
pub struct Ladder {
    steps: Vec<Step>,
    /// The rate a count of zero shows (the first tier's, or the list rate).
    zero_rate: Decimal,
    /// The last message count the published tiers reach; `None` when the
    /// last tier is open. Past it the engine refuses the count.
    published: Option<u64>,
    /// The decimals every step's `mantissa` is at: the most of any rate.
    scale: u32,
    minor_units: u32,
}

/// One tier of a [`Ladder`].
#[derive(Debug, Clone)]
pub struct Step {
    /// The last message of the tier, inclusive; `None` when open.
    to: Option<u64>,
    /// The rate as the card writes it.
    pub rate: Decimal,
    /// The rate at the ladder's scale.
    mantissa: u128,
}

/// The messages of a line inside one step, as [`Ladder::price_parts`]
/// reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// Index of the step.
    pub step: usize,
    /// Messages inside it.
    pub count: u64,
}

/// A Meta line priced on a [`Ladder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinePrice {
    /// The line's amount in minor units.
    pub amount: u64,
    /// The exact amount as the engine holds it: a count of `10^-scale`,
    /// `scale` the most decimals of the rates reached (0 for no messages).
    pub exact: (u128, u32),
}

impl Ladder {
    /// The schedule of `list_rate` and `tiers` (as `RateCard::price` walks
    /// them), or `None` when a rate is negative or too precise to use.
    #[must_use]
    pub fn new(list_rate: Decimal, tiers: &[Tier], minor_units: u32) -> Option<Self> {
        let rates: Vec<(Option<u64>, Decimal)> = if tiers.is_empty() {
            vec![(None, list_rate)]
        } else {
            tiers.iter().map(|t| (t.to, t.rate)).collect()
        };
        let zero_rate = rates[0].1;
        let scale = rates.iter().map(|(_, r)| r.scale()).max()?;
        if scale > 12 {
            return None;
        }
        let mut steps = Vec::with_capacity(rates.len());
        for (to, rate) in rates {
            if rate.is_sign_negative() {
                return None;
            }
            let mantissa = rate
                .mantissa()
                .unsigned_abs()
                .checked_mul(10u128.pow(scale - rate.scale()))?;
            if mantissa > 10u128.pow(12) {
                return None;
            }
            steps.push(Step { to, rate, mantissa });
        }
        // Where the published tiers end: at a gap (a partial card) or at
        // a last tier that is closed.
        let mut published = None;
        let mut below = 0_u64;
        for (i, tier) in tiers.iter().enumerate() {
            if tier.from > below.saturating_add(1) {
                published = Some(below);
                steps.truncate(i);
                break;
            }
            match tier.to {
                Some(to) => below = to,
                None => break,
            }
            if i + 1 == tiers.len() {
                published = Some(below);
            }
        }
        Some(Self {
            steps,
            zero_rate,
            published,
            scale,
            minor_units,
        })
    }

    /// The steps, for the rates a line shows.
    #[must_use]
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The rate a line of no messages shows.
    #[must_use]
    pub fn zero_rate(&self) -> Decimal {
        self.zero_rate
    }

    /// `count` messages, priced marginally across the steps and rounded
    /// once to minor units; `None` past the published tiers or when the
    /// amount is too large for the fast path.
    #[must_use]
    pub fn price(&self, count: u64) -> Option<u64> {
        self.walk(count, |_| {}).map(|line| line.amount)
    }

    /// [`Ladder::price`], with the steps reached pushed onto `parts`.
    pub fn price_parts(&self, count: u64, parts: &mut Vec<Part>) -> Option<LinePrice> {
        self.walk(count, |part| parts.push(part))
    }

    #[inline]
    fn walk(&self, count: u64, mut reached: impl FnMut(Part)) -> Option<LinePrice> {
        if count > 1_000_000_000_000_000 || self.published.is_some_and(|end| count > end) {
            return None;
        }
        let mut below = 0_u64;
        let mut exact = 0_u128;
        let mut scale = 0;
        for (step, tier) in self.steps.iter().enumerate() {
            if count <= below {
                break;
            }
            let top = tier.to.map_or(count, |to| to.min(count));
            let inside = top.saturating_sub(below);
            if inside > 0 {
                exact += u128::from(inside) * tier.mantissa;
                scale = scale.max(tier.rate.scale());
                reached(Part {
                    step,
                    count: inside,
                });
            }
            match tier.to {
                Some(to) => below = to,
                None => break,
            }
        }
        let amount = to_minor_units(exact, self.scale, self.minor_units)?;
        // The engine adds the parts at the most decimals among them.
        let exact = exact / 10u128.pow(self.scale - scale);
        Some(LinePrice {
            amount,
            exact: (exact, scale),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bill::tests::{connect, dec, direct};
    use crate::bill::{self, LineKind, MetaCharges};
    use crate::plan::FairUse;
    use proptest::prelude::*;

    /// Both paths as the text batch writes: (base, overage, fair use, total).
    fn both(plan: &Plan, count: u64) -> (Option<[String; 4]>, Option<[String; 4]>) {
        let engine = bill::bill(plan, count, None, MetaCharges::None)
            .ok()
            .map(|b| {
                let fair = if plan.fair_use.is_some() {
                    b.amount_of(LineKind::FairUseOverage).to_string()
                } else {
                    String::new()
                };
                [
                    b.amount_of(LineKind::Base).to_string(),
                    b.amount_of(LineKind::Overage).to_string(),
                    fair,
                    b.total.to_string(),
                ]
            });
        let quick = Quick::new(plan).and_then(|q| {
            let a = q.price(count)?;
            let text = |v: u64| Decimal::from_i128_with_scale(i128::from(v), q.minor_units);
            Some([
                text(q.base).to_string(),
                text(a.overage).to_string(),
                a.fair_use_overage
                    .map(|v| text(v).to_string())
                    .unwrap_or_default(),
                text(a.total).to_string(),
            ])
        });
        (engine, quick)
    }

    fn plans() -> Vec<Plan> {
        let catalog = crate::catalog::Catalog::load(crate::load::Source::Embedded).unwrap();
        let mut plans: Vec<Plan> = catalog
            .plans
            .into_iter()
            .filter(|p| p.unit().is_some())
            .collect();
        plans.extend([
            direct(),
            // Ties: 0.005 per unit in USD, 0.5 per unit in JPY.
            connect("30.00", 10_000, "0.005", "USD"),
            connect("3000", 1_000, "0.5", "JPY"),
            connect("0", 0, "0.0000001", "KWD"),
            connect("12.345", 0, "1.23456789", "USD"),
            connect("1", 0, "18446744073709", "USD"),
            Plan {
                fair_use: Some(FairUse {
                    limit: 20_000,
                    rate: dec("0.015"),
                }),
                ..connect("10", 10_000, "0.0125", "EUR")
            },
        ]);
        plans
    }

    #[test]
    fn vendor_example_in_minor_units() {
        // $30 + (15,000 − 10,000) × 0.0070 = 30.00 + 35.00 = 65.00.
        let quick = Quick::new(&connect("30.00", 10_000, "0.0070", "USD")).unwrap();
        assert_eq!(
            quick.price(15_000),
            Some(QuickAmounts {
                overage: 3500,
                fair_use_overage: None,
                total: 6500
            })
        );
        // 10,001 sent: 1 × 0.0070 = 0.007 → 0.01 (half up from 0.7 cent).
        assert_eq!(quick.price(10_001).unwrap().overage, 1);
    }

    #[test]
    fn agrees_with_the_engine_at_the_edges() {
        for plan in plans() {
            for count in [
                0,
                1,
                plan.included.saturating_sub(1),
                plan.included,
                plan.included + 1,
                100_000,
                100_001,
                1_000_000_007,
                u64::MAX / 1000,
                u64::MAX - 1,
                u64::MAX,
            ] {
                let (engine, quick) = both(&plan, count);
                if let Some(quick) = quick {
                    assert_eq!(Some(quick), engine, "{} at {count}", plan.id);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_engine(count in prop_oneof![0u64..2_000_000, any::<u64>()], which in 0usize..100) {
            let plans = plans();
            let plan = &plans[which % plans.len()];
            let (engine, quick) = both(plan, count);
            if let Some(quick) = quick {
                prop_assert_eq!(Some(quick), engine);
            }
        }
    }

    #[test]
    fn shipped_plans_take_the_fast_path() {
        // The shipped plans come first in `plans()`; at real volumes every
        // one of them is priced on the integer path, so the agreement tests
        // above compare rather than skip.
        for plan in plans().iter().take(10) {
            let quick = Quick::new(plan);
            assert!(quick.is_some(), "{}", plan.id);
            for count in [0, plan.included, plan.included + 1, 1_000_000_007] {
                assert!(
                    quick.as_ref().and_then(|q| q.price(count)).is_some(),
                    "{} at {count}",
                    plan.id
                );
            }
        }
    }

    /// Every market × category of every built-in card, at the tier
    /// bounds and in between: the ladder's amount is the engine's line
    /// (`RateCard::price`, rounded by `money::round_line`) wherever the
    /// ladder gives one, and it gives one wherever the engine prices.
    #[test]
    fn ladders_agree_with_the_cards() {
        use crate::meta::Category;
        let catalog = crate::catalog::Catalog::load(crate::load::Source::Embedded).unwrap();
        let book = catalog.rate_book().unwrap();
        let mut compared = 0;
        for card in book.cards() {
            let currency = card.currency();
            for market in card.markets() {
                for category in Category::ALL {
                    if category == Category::Service {
                        continue;
                    }
                    let Some(rate) = market.rate(category) else {
                        continue;
                    };
                    let tiers = market.tiers(category);
                    let ladder = Ladder::new(rate, tiers, currency.minor_units()).unwrap();
                    let mut counts = vec![
                        0,
                        1,
                        2,
                        999,
                        150_000,
                        7_654_321,
                        10u64.pow(12),
                        10u64.pow(18) + 1,
                    ];
                    for tier in tiers {
                        counts.extend([tier.from, tier.from + 1]);
                        counts.extend(tier.to.map(|to| [to - 1, to, to + 1]).into_iter().flatten());
                    }
                    for count in counts {
                        let engine = card
                            .price(category, market.name(), count)
                            .ok()
                            .map(|c| money::round_line(c.exact_total, currency));
                        let quick = ladder.price(count).map(|minor| {
                            Decimal::from_i128_with_scale(i128::from(minor), currency.minor_units())
                        });
                        if count <= 10u64.pow(12) {
                            assert_eq!(
                                quick,
                                engine,
                                "{} {category} {} at {count}",
                                card.name(),
                                market.name()
                            );
                            compared += 1;
                        } else if let Some(quick) = quick {
                            assert_eq!(Some(quick), engine);
                        }
                    }
                }
            }
        }
        assert!(compared > 1000, "{compared}");
    }

    #[test]
    fn markups_and_amounts_round_as_the_engine() {
        // 10% of 0.53 = 0.053 → 0.05; 10% of 0.55 = 0.055 → 0.06 (half up);
        // 12.5% of 1.00 = 0.125 → 0.13; 0% of 5.00 = 0.00.
        let pct = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(markup(53, pct("10"), 2), Some(5));
        assert_eq!(markup(55, pct("10"), 2), Some(6));
        assert_eq!(markup(100, pct("12.5"), 2), Some(13));
        assert_eq!(markup(500, pct("0"), 2), Some(0));
        assert_eq!(markup(500, pct("-1"), 2), None);
        // Past 28 decimals (2 + 25 + 2 here) the engine's product is not
        // exact at that scale: not for the integer path.
        assert_eq!(markup(1, pct("0.0000000000000000000000001"), 2), None);
        assert_eq!(markup(1, pct("0.000000000000000000000001"), 2), Some(0));
        // 37.01 → 3701 cents; 0.005 → 0.01; 0.0049 → 0.00; JPY 12.5 → 13.
        assert_eq!(amount_in_minor_units(pct("37.01"), 2), Some(3701));
        assert_eq!(amount_in_minor_units(pct("0.005"), 2), Some(1));
        assert_eq!(amount_in_minor_units(pct("0.0049"), 2), Some(0));
        assert_eq!(amount_in_minor_units(pct("12.5"), 0), Some(13));
        assert_eq!(amount_in_minor_units(pct("-1"), 2), None);
    }
}
