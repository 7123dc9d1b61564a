//! The fast path of `batch`: the platform lines of one plan (base, overage,
//! fair-use overage) in exact integer arithmetic on minor units.
//!
//! A rate `m × 10⁻ˢ` times `n` units is `n × m` at scale `s`; the line is
//! that value rounded to the currency's `k` decimals, half away from zero
//! (all values are non-negative, so half up): `n × m × 10^(k−s)` when
//! `s ≤ k`, else `⌊(n × m) / 10^(s−k)⌋`, plus one when the remainder is at
//! least half of `10^(s−k)`. Every step is checked in `u64`; when a value
//! does not fit, [`Quick::price`] returns `None` and the caller falls back
//! to the engine. Within `u64` the engine's `Decimal` arithmetic is exact
//! too, so both give the same amounts (tested below against
//! [`crate::bill::bill`]).

use rust_decimal::Decimal;

use crate::money;
use crate::plan::{Band, Plan};

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
            Shift::Down(divisor) => Some(money::round_scaled_minor_units(exact, divisor)),
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
}
