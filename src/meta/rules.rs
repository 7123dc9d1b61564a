//! Meta's billing rules that reach across lines of a bill, decided from
//! monthly totals because the order of the messages is unknown:
//!
//! - the **free monthly tier of service messages** (from 2026-10-01): each
//!   business phone number's first 1,000 delivered service messages of the
//!   month are free (`reference/meta/meta-rules-2026-10.md`, section A);
//! - the **shared authentication counter**: authentication and
//!   authentication-international messages to one market accrue on one
//!   volume-tier counter (Meta's "Example 2", section C).
//!
//! Both rules depend on the order in which messages were delivered, which a
//! monthly estimate does not know. ctbill takes, each time, the reading that
//! costs the most, so a quote is never below what Meta could bill: the free
//! messages are the cheapest ones, and international messages take the
//! counter positions where they cost the most over domestic ones.
//!
//! Pure functions: no I/O, no rounding (each Meta line is still rounded once,
//! in `money`).

use rust_decimal::Decimal;

use crate::calendar::Month;
use crate::money;

use super::card::Tier;

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

/// The first billing month of Meta's free service tier.
pub const FREE_SERVICE_TIER_FROM: Month = Month::of(2026, 10);

/// The first billing month in which Meta charges service messages
/// (`meta-rules-2026-10.md`, section B): a card from before has none, and
/// its service messages were free.
pub const SERVICE_CHARGED_FROM: Month = FREE_SERVICE_TIER_FROM;

/// Free delivered service messages per business phone number and month.
pub const FREE_SERVICE_MESSAGES_PER_NUMBER: u64 = 1_000;

/// Whether Meta's free service tier applies in `month`.
#[must_use]
pub fn free_service_tier_applies(month: Month) -> bool {
    month >= FREE_SERVICE_TIER_FROM
}

/// The month's free service allowance for `phone_numbers` business phone
/// numbers: exact, since `u64::MAX` numbers × 1,000 fits in a `u128`.
#[must_use]
pub fn free_service_allowance(phone_numbers: u64) -> u128 {
    u128::from(phone_numbers) * u128::from(FREE_SERVICE_MESSAGES_PER_NUMBER)
}

/// Shares a free allowance among service lines, given as `(rate, count)`:
/// the lowest-rate messages are made free first (ties in the order given),
/// so the bill is the highest Meta could charge. Returns the free messages
/// of each line, in the order given.
///
/// ```
/// # use ctbill::meta::rules::share_free_service;
/// # use rust_decimal::Decimal;
/// // 600 at 0.0300 and 700 at 0.0040, 1,000 free: the 700 cheap ones go
/// // first, then 300 of the dear ones.
/// let free = share_free_service(&[(Decimal::new(300, 4), 600), (Decimal::new(40, 4), 700)], 1_000);
/// assert_eq!(free, vec![300, 700]);
/// ```
#[must_use]
pub fn share_free_service(lines: &[(Decimal, u64)], allowance: u128) -> Vec<u64> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    // A stable sort keeps the given order among equal rates.
    order.sort_by_key(|&i| lines[i].0);
    let mut free = vec![0; lines.len()];
    let mut left = allowance;
    for i in order {
        // At most the line's count, so it fits in a u64.
        let take = u64::try_from(left.min(u128::from(lines[i].1))).unwrap_or(lines[i].1);
        free[i] = take;
        left -= u128::from(take);
    }
    free
}

/// One stretch of a volume counter priced at one rate: the positions
/// `(previous end, end]`, `end` `None` for the open top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    /// Last counter position of the band, inclusive; `None` = no end.
    pub end: Option<u64>,
    /// Price per message in the band.
    pub rate: Decimal,
}

/// A category's price schedule on a market: its volume tiers, or one open
/// band at the list rate when the card publishes none.
#[must_use]
pub fn schedule(list_rate: Decimal, tiers: &[Tier]) -> Vec<Band> {
    if tiers.is_empty() {
        return vec![Band {
            end: None,
            rate: list_rate,
        }];
    }
    tiers
        .iter()
        .map(|t| Band {
            end: t.to,
            rate: t.rate,
        })
        .collect()
}

/// The rate of a schedule at counter position `position` (1-based).
fn rate_at(schedule: &[Band], position: u64) -> Decimal {
    schedule
        .iter()
        .find(|b| b.end.is_none_or(|end| position <= end))
        .or(schedule.last())
        .map_or(Decimal::ZERO, |b| b.rate)
}

/// How domestic and international authentication messages to one market
/// are priced on their shared counter: the parts of each, and the exact
/// amount of each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SharedCounter {
    /// The authentication messages, one part per stretch of the counter.
    pub domestic: Vec<TierPart>,
    /// The authentication-international messages, likewise.
    pub international: Vec<TierPart>,
}

/// Places `domestic` authentication and `international`
/// authentication-international messages on one counter of
/// `domestic + international` positions, each category priced by its own
/// schedule at the position a message takes, choosing the placement that
/// costs the most: international messages take the positions where their
/// premium over a domestic message is largest (earliest first among equal
/// premiums), and domestic messages the rest.
///
/// Returns `None` when an amount does not fit in a `Decimal` exactly.
#[must_use]
pub fn share_counter(
    domestic: u64,
    international: u64,
    domestic_schedule: &[Band],
    international_schedule: &[Band],
) -> Option<SharedCounter> {
    let total = domestic.checked_add(international)?;
    // The counter cut where either schedule changes rate: within a stretch
    // both rates are constant.
    let mut ends: Vec<u64> = domestic_schedule
        .iter()
        .chain(international_schedule)
        .filter_map(|b| b.end)
        .filter(|&end| end < total)
        .collect();
    ends.push(total);
    ends.sort_unstable();
    ends.dedup();
    let mut stretches = Vec::with_capacity(ends.len());
    let mut start = 0_u64;
    for end in ends {
        if end > start {
            let domestic_rate = rate_at(domestic_schedule, start + 1);
            let international_rate = rate_at(international_schedule, start + 1);
            stretches.push((end - start, domestic_rate, international_rate));
        }
        start = end;
    }
    // International messages fill the stretches with the largest premium.
    let mut by_premium: Vec<usize> = (0..stretches.len()).collect();
    by_premium.sort_by(|&a, &b| {
        let premium = |i: usize| stretches[i].2 - stretches[i].1;
        premium(b).cmp(&premium(a))
    });
    let mut international_in = vec![0_u64; stretches.len()];
    let mut left = international;
    for i in by_premium {
        let take = left.min(stretches[i].0);
        international_in[i] = take;
        left -= take;
    }
    let mut shared = SharedCounter::default();
    for ((size, domestic_rate, international_rate), intl) in
        stretches.into_iter().zip(international_in)
    {
        push_part(&mut shared.domestic, size - intl, domestic_rate)?;
        push_part(&mut shared.international, intl, international_rate)?;
    }
    Some(shared)
}

/// Adds `count` messages at `rate`, joining the previous part when it has
/// the same rate (two stretches of one tier).
fn push_part(parts: &mut Vec<TierPart>, count: u64, rate: Decimal) -> Option<()> {
    if count == 0 {
        return Some(());
    }
    if let Some(last) = parts.last_mut().filter(|p| p.rate == rate) {
        last.count = last.count.checked_add(count)?;
        last.exact = money::exact_mul(rate, Decimal::from(last.count))?;
    } else {
        parts.push(TierPart {
            count,
            rate,
            exact: money::exact_mul(rate, Decimal::from(count))?,
        });
    }
    Some(())
}

/// The exact sum of some parts.
#[must_use]
pub fn parts_total(parts: &[TierPart]) -> Option<Decimal> {
    parts
        .iter()
        .try_fold(Decimal::ZERO, |sum, p| money::exact_add(sum, p.exact))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    fn band(end: Option<u64>, rate: &str) -> Band {
        Band {
            end,
            rate: dec(rate),
        }
    }

    /// India on Meta's 2026-04-01 USD tiers (reference
    /// `meta-original-USD_volume_tiers-2026-04-01.csv`): authentication
    /// 0–750,000 at 0.0014, then 0.0013 to 15,000,000; authentication-
    /// international 0–750,000 at 0.0304, then 0.0286.
    fn india() -> (Vec<Band>, Vec<Band>) {
        (
            vec![
                band(Some(750_000), "0.0014"),
                band(Some(15_000_000), "0.0013"),
                band(None, "0.0012"),
            ],
            vec![
                band(Some(750_000), "0.0304"),
                band(Some(15_000_000), "0.0286"),
                band(None, "0.0268"),
            ],
        )
    }

    #[test]
    fn shared_counter_bills_the_dearest_order() {
        // 600,000 domestic + 300,000 international = 900,000 on one counter.
        // Premiums: 0.0290 in the first 750,000, 0.0273 after, so the
        // international messages take positions 1–300,000:
        //   international 300,000 × 0.0304           = 9,120.0000
        //   domestic      450,000 × 0.0014 (to 750k) =   630.0000
        //               + 150,000 × 0.0013           =   195.0000
        // total 9,945.00. (Domestic first would bill 840 + 4,560 + 4,290 =
        // 9,690.00; two separate counters 840 + 9,120 = 9,960.00, which no
        // order of delivery can produce.)
        let (domestic, international) = india();
        let shared = share_counter(600_000, 300_000, &domestic, &international).unwrap();
        assert_eq!(
            shared.international,
            vec![TierPart {
                count: 300_000,
                rate: dec("0.0304"),
                exact: dec("9120.0000"),
            }]
        );
        assert_eq!(
            shared.domestic,
            vec![
                TierPart {
                    count: 450_000,
                    rate: dec("0.0014"),
                    exact: dec("630.0000"),
                },
                TierPart {
                    count: 150_000,
                    rate: dec("0.0013"),
                    exact: dec("195.0000"),
                },
            ]
        );
        let total =
            parts_total(&shared.domestic).unwrap() + parts_total(&shared.international).unwrap();
        assert_eq!(total, dec("9945.0000"));
    }

    #[test]
    fn one_category_alone_is_its_own_tiers() {
        // Only domestic: 900,000 = 750,000 × 0.0014 + 150,000 × 0.0013.
        let (domestic, international) = india();
        let shared = share_counter(900_000, 0, &domestic, &international).unwrap();
        assert!(shared.international.is_empty());
        assert_eq!(parts_total(&shared.domestic), Some(dec("1245.0000")));
    }

    #[test]
    fn untiered_schedules_are_list_rates() {
        let shared = share_counter(
            10,
            5,
            &schedule(dec("0.0014"), &[]),
            &schedule(dec("0.0304"), &[]),
        )
        .unwrap();
        assert_eq!(parts_total(&shared.domestic), Some(dec("0.0140")));
        assert_eq!(parts_total(&shared.international), Some(dec("0.1520")));
    }

    #[test]
    fn free_service_goes_to_the_cheapest_messages() {
        // 2 phone numbers: 2,000 free. Lines at 0.0300 (500), 0.0040 (1,200),
        // 0.0040 (900): the two 0.0040 lines take 1,200 then 800.
        let free = share_free_service(
            &[
                (dec("0.0300"), 500),
                (dec("0.0040"), 1_200),
                (dec("0.0040"), 900),
            ],
            free_service_allowance(2),
        );
        assert_eq!(free, vec![0, 1_200, 800]);
        assert_eq!(share_free_service(&[(dec("0.01"), 5)], 0), vec![0]);
    }

    #[test]
    fn huge_allowances_do_not_saturate() {
        // u64::MAX phone numbers × 1,000 free messages is more than two lines
        // of u64::MAX messages: both are wholly free.
        let all = free_service_allowance(u64::MAX);
        assert_eq!(all, u128::from(u64::MAX) * 1_000);
        let free = share_free_service(&[(dec("0.0014"), u64::MAX), (dec("0.0068"), u64::MAX)], all);
        assert_eq!(free, vec![u64::MAX, u64::MAX]);
    }

    #[test]
    fn free_tier_starts_in_october_2026() {
        assert!(!free_service_tier_applies(Month::of(2026, 9)));
        assert!(free_service_tier_applies(Month::of(2026, 10)));
    }

    proptest::proptest! {
        /// On small counters, brute force over every placement of the
        /// international messages: the shared counter bills the maximum,
        /// and accounts for every message.
        #[test]
        fn shared_counter_is_the_costliest_placement(
            domestic in 0_u64..6,
            international in 0_u64..6,
            ends in proptest::collection::vec(1_u64..12, 0..3),
            rates in proptest::collection::vec(1_i64..60, 6),
        ) {
            let mut ends = ends;
            ends.sort_unstable();
            ends.dedup();
            let make = |offset: usize| -> Vec<Band> {
                let mut bands: Vec<Band> = ends
                    .iter()
                    .enumerate()
                    .map(|(i, &end)| Band { end: Some(end), rate: Decimal::new(rates[(i + offset) % 6], 4) })
                    .collect();
                bands.push(Band { end: None, rate: Decimal::new(rates[(ends.len() + offset) % 6], 4) });
                bands
            };
            let (dom, intl) = (make(0), make(3));
            let shared = share_counter(domestic, international, &dom, &intl).unwrap();
            let count = |parts: &[TierPart]| parts.iter().map(|p| p.count).sum::<u64>();
            proptest::prop_assert_eq!(count(&shared.domestic), domestic);
            proptest::prop_assert_eq!(count(&shared.international), international);
            let got = parts_total(&shared.domestic).unwrap() + parts_total(&shared.international).unwrap();
            let n = domestic + international;
            let mut best = Decimal::MIN;
            for mask in 0_u32..(1 << n) {
                if u64::from(mask.count_ones()) != international {
                    continue;
                }
                let cost: Decimal = (1..=n)
                    .map(|pos| {
                        if mask & (1 << (pos - 1)) != 0 { rate_at(&intl, pos) } else { rate_at(&dom, pos) }
                    })
                    .sum();
                best = best.max(cost);
            }
            proptest::prop_assert_eq!(got, best);
        }
    }
}
