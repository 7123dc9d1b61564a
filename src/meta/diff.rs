//! Comparing two rate cards (`ctbill rates diff`): every market × category
//! whose list rate differs, the markets one card has and the other lacks,
//! and the volume tiers that changed where both cards publish them.
//!
//! `card` is the card of `--month`, `vs` the card of `--vs-month`: a
//! change is `rate − vs_rate`, so a rise is positive whichever card is
//! newer. Pure: no files, no printing.
//!
//! Two choices, stated once:
//!
//! - **Service on a card that charges none** (every card before
//!   2026-10-01): Meta charged nothing for service messages, so such a card's
//!   service rate is `0` (free), not "none": a market that went from free to
//!   charged shows `vs_rate` `0` and the change, and its percentage is null
//!   (a change from zero has none).
//! - **Partial cards** (a `# Partial:` line, e.g. India only): a market the
//!   partial card lacks is not compared, nor listed as added or removed;
//!   the card says nothing about it.

use rust_decimal::{Decimal, RoundingStrategy};

use super::card::{Market, RateCard, Tier, tiers_complete};
use super::category::Category;

/// How a percentage change is rounded: to one decimal place, half away
/// from zero (`10.25` → `10.3`, `-10.25` → `-10.3`).
pub const PERCENT_PLACES: u32 = 1;

/// The percentage change `change / vs_rate × 100`, rounded to
/// [`PERCENT_PLACES`] decimals half away from zero; `None` when `vs_rate` is
/// zero (a change from nothing has no percentage).
///
/// ```
/// use ctbill::meta::percent_change;
/// use rust_decimal::Decimal;
///
/// // India marketing, INR: 0.7846 → 0.8631 is +0.0785 = +10.005…% → 10.0
/// let p = percent_change("0.0785".parse().unwrap(), "0.7846".parse().unwrap());
/// assert_eq!(p.unwrap().to_string(), "10.0");
/// assert_eq!(percent_change(Decimal::ONE, Decimal::ZERO), None);
/// ```
#[must_use]
pub fn percent_change(change: Decimal, vs_rate: Decimal) -> Option<Decimal> {
    if vs_rate.is_zero() {
        return None;
    }
    let exact = change
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(vs_rate)?;
    let mut rounded =
        exact.round_dp_with_strategy(PERCENT_PLACES, RoundingStrategy::MidpointAwayFromZero);
    // Always the same number of places: `50.0`, not `50`.
    rounded.rescale(PERCENT_PLACES);
    Some(rounded)
}

/// One market × category whose rate differs between the two cards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateChange {
    /// The market as the card of `--month` writes it, or as the other card
    /// does when only that one has it.
    pub market: String,
    /// The market on the other card when it is another one (a country that
    /// moved market between the cards: `Kazakhstan` vs `Rest of Central &
    /// Eastern Europe`).
    pub vs_market: Option<String>,
    /// The category.
    pub category: Category,
    /// The rate on the card of `--month`; `None` where it has none.
    pub rate: Option<Decimal>,
    /// The rate on the card of `--vs-month`; `None` where it has none.
    pub vs_rate: Option<Decimal>,
}

impl RateChange {
    /// `rate − vs_rate`, exact; `None` unless both cards have a rate.
    #[must_use]
    pub fn change(&self) -> Option<Decimal> {
        self.rate?.checked_sub(self.vs_rate?)
    }

    /// The change as a percentage of `vs_rate` ([`percent_change`]).
    #[must_use]
    pub fn percent(&self) -> Option<Decimal> {
        percent_change(self.change()?, self.vs_rate?)
    }
}

/// A market × category whose volume tiers differ, both cards publishing
/// tiers for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierChange {
    /// The market on the card of `--month`.
    pub market: String,
    /// The market on the other card when it is another one.
    pub vs_market: Option<String>,
    /// The category.
    pub category: Category,
    /// The tiers on the card of `--month`.
    pub tiers: Vec<Tier>,
    /// The tiers on the card of `--vs-month`.
    pub vs_tiers: Vec<Tier>,
}

/// What changed from one card to another.
#[derive(Debug, Clone)]
pub struct CardDiff<'a> {
    /// The card of `--month`.
    pub card: &'a RateCard,
    /// The card of `--vs-month`.
    pub vs_card: &'a RateCard,
    /// Every market × category whose rate differs, in the card's market
    /// order (markets only on the other card last), then category order.
    pub changes: Vec<RateChange>,
    /// Markets on `card` but not on `vs_card` (a market that became
    /// standalone).
    pub markets_added: Vec<String>,
    /// Markets on `vs_card` but not on `card` (a region that lost it).
    pub markets_removed: Vec<String>,
    /// Volume tiers that changed, where both cards publish them.
    pub tier_changes: Vec<TierChange>,
    /// Markets × categories with tiers on one card only (not compared);
    /// `true` when on `card`, `false` when on `vs_card`.
    pub tiers_one_side: Vec<(String, Category, bool)>,
    /// Markets × categories whose tiers one card publishes in part (with
    /// gaps), the same where both cards publish a tier.
    pub tiers_same_in_part: Vec<(String, Category)>,
}

impl CardDiff<'_> {
    /// Whether both months resolve to the same card.
    #[must_use]
    pub fn same_card(&self) -> bool {
        std::ptr::eq(self.card, self.vs_card)
            || (self.card.currency(), self.card.effective())
                == (self.vs_card.currency(), self.vs_card.effective())
    }
}

/// A card's rate for a category on one of its markets: the list rate, `0`
/// for service on a card that charges none, `None` where the card has none.
fn side_rate(card: &RateCard, market: Option<&Market>, category: Category) -> Option<Decimal> {
    let market = market?;
    match market.rate(category) {
        None if category == Category::Service && card.service_free() => Some(Decimal::ZERO),
        rate => rate,
    }
}

/// Whether two lists of tiers agree: all of them when both are complete;
/// else (a card publishing some tiers only) every tier starting at the same
/// count on both.
fn same_tiers(a: &[Tier], b: &[Tier]) -> bool {
    let key = |t: &Tier| (t.from, t.to, t.rate);
    if tiers_complete(a) && tiers_complete(b) {
        return a.len() == b.len() && a.iter().zip(b).all(|(x, y)| key(x) == key(y));
    }
    a.iter().all(|x| {
        b.iter()
            .find(|y| y.from == x.from)
            .is_none_or(|y| key(x) == key(y))
    })
}

/// Compares two cards. `pair` restricts the comparison to one market on
/// each card (`--market`, resolved on each card: the names differ for a
/// country that moved market); `None` compares every market by name.
#[must_use]
pub fn diff_cards<'a>(
    card: &'a RateCard,
    vs_card: &'a RateCard,
    pair: Option<(&str, &str)>,
) -> CardDiff<'a> {
    let mut diff = CardDiff {
        card,
        vs_card,
        changes: Vec::new(),
        markets_added: Vec::new(),
        markets_removed: Vec::new(),
        tier_changes: Vec::new(),
        tiers_one_side: Vec::new(),
        tiers_same_in_part: Vec::new(),
    };
    if diff.same_card() {
        return diff;
    }
    let pairs: Vec<(Option<&Market>, Option<&Market>)> = match pair {
        Some((mine, theirs)) => vec![(card.market(mine), vs_card.market(theirs))],
        None => card
            .markets()
            .iter()
            .map(|m| (Some(m), vs_card.market(m.name())))
            .chain(
                vs_card
                    .markets()
                    .iter()
                    .filter(|m| card.market(m.name()).is_none())
                    .map(|m| (None, Some(m))),
            )
            .collect(),
    };
    for (mine, theirs) in pairs {
        // A partial card says nothing about the markets it lacks.
        if (mine.is_none() && card.partial_rates().is_some())
            || (theirs.is_none() && vs_card.partial_rates().is_some())
        {
            continue;
        }
        let Some(name) = mine.or(theirs).map(Market::name) else {
            continue;
        };
        match (mine, theirs) {
            (Some(m), _) if vs_card.market(m.name()).is_none() => {
                diff.markets_added.push(m.name().to_owned());
            }
            _ => {}
        }
        match (mine, theirs) {
            (_, Some(t)) if card.market(t.name()).is_none() => {
                diff.markets_removed.push(t.name().to_owned());
            }
            _ => {}
        }
        let vs_market = match (mine, theirs) {
            (Some(m), Some(t)) if m.name() != t.name() => Some(t.name().to_owned()),
            _ => None,
        };
        for category in Category::ALL {
            let rate = side_rate(card, mine, category);
            let vs_rate = side_rate(vs_card, theirs, category);
            if rate != vs_rate {
                diff.changes.push(RateChange {
                    market: name.to_owned(),
                    vs_market: vs_market.clone(),
                    category,
                    rate,
                    vs_rate,
                });
            }
            let (Some(m), Some(t)) = (mine, theirs) else {
                continue;
            };
            match (m.tiers(category), t.tiers(category)) {
                ([], []) => {}
                ([], _) => diff.tiers_one_side.push((name.to_owned(), category, false)),
                (_, []) => diff.tiers_one_side.push((name.to_owned(), category, true)),
                (a, b) if !same_tiers(a, b) => diff.tier_changes.push(TierChange {
                    market: name.to_owned(),
                    vs_market: vs_market.clone(),
                    category,
                    tiers: a.to_vec(),
                    vs_tiers: b.to_vec(),
                }),
                (a, b) if !tiers_complete(a) || !tiers_complete(b) => {
                    diff.tiers_same_in_part.push((name.to_owned(), category));
                }
                _ => {}
            }
        }
    }
    diff
}
