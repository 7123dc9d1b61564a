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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::RateBook;
    use crate::money::Currency;

    /// Every card and mapping built into ctbill.
    fn built_in() -> RateBook {
        let files = crate::load::SourceFiles::embedded();
        RateBook::from_files(
            files
                .cards
                .iter()
                .map(|f| (f.label.as_str(), f.text.as_ref())),
        )
        .unwrap_or_else(|errors| panic!("built-in cards do not load: {errors:#?}"))
    }

    fn card<'a>(book: &'a RateBook, currency: &str, month: &str) -> &'a RateCard {
        let currency = Currency::from_code(currency).unwrap();
        book.card_for(currency, month.parse().unwrap()).unwrap()
    }

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    /// `(rate, vs_rate, change, percent)` of one change, as strings.
    fn row(diff: &CardDiff<'_>, market: &str, category: Category) -> [Option<String>; 4] {
        let found = diff
            .changes
            .iter()
            .find(|c| c.market == market && c.category == category)
            .unwrap_or_else(|| panic!("no change for {market} {category}"));
        [found.rate, found.vs_rate, found.change(), found.percent()]
            .map(|d| d.map(|d| d.to_string()))
    }

    fn some(values: [&str; 4]) -> [Option<String>; 4] {
        values.map(|v| (!v.is_empty()).then(|| v.to_owned()))
    }

    #[test]
    fn percentages_round_half_away_from_zero_to_one_place() {
        // 0.0041 / 0.0400 × 100 = 10.25 exactly: the midpoint.
        assert_eq!(
            percent_change(dec("0.0041"), dec("0.0400")),
            Some(dec("10.3"))
        );
        assert_eq!(
            percent_change(dec("-0.0041"), dec("0.0400")),
            Some(dec("-10.3"))
        );
        // 0.0001 / 0.0400 × 100 = 0.25 → 0.3; 0.0049 / 0.0400 × 100 = 12.25 → 12.3
        assert_eq!(
            percent_change(dec("0.0001"), dec("0.0400")),
            Some(dec("0.3"))
        );
        assert_eq!(
            percent_change(dec("0.0049"), dec("0.0400")),
            Some(dec("12.3"))
        );
        // Always one place: 0.0050 / 0.0100 × 100 = 50 → "50.0".
        let fifty = percent_change(dec("0.0050"), dec("0.0100")).unwrap();
        assert_eq!(fifty.to_string(), "50.0");
        // From zero (a free rate) there is no percentage.
        assert_eq!(percent_change(dec("0.0014"), Decimal::ZERO), None);
    }

    /// USD 2026-10-01 against 2026-07-01, worked from the shipped files:
    /// - Mexico marketing 0.0397 vs 0.0305: +0.0092; 0.0092 / 0.0305 × 100
    ///   = 30.1639… → +30.2%.
    /// - Pakistan utility 0.0150 vs 0.0100: +0.0050, +50.0%.
    /// - India service 0.0014 vs free (0): +0.0014, no percentage; India
    ///   marketing 0.0118 on both: no row.
    /// - Bangladesh is a market of its own from 2026-10-01: marketing 0.0732
    ///   vs none.
    #[test]
    fn october_against_july_by_hand() {
        let book = built_in();
        let (oct, jul) = (card(&book, "USD", "2026-10"), card(&book, "USD", "2026-07"));
        let diff = diff_cards(oct, jul, None);
        assert!(!diff.same_card());
        assert_eq!(
            row(&diff, "Mexico", Category::Marketing),
            some(["0.0397", "0.0305", "0.0092", "30.2"])
        );
        assert_eq!(
            row(&diff, "Pakistan", Category::Utility),
            some(["0.0150", "0.0100", "0.0050", "50.0"])
        );
        assert_eq!(
            row(&diff, "India", Category::Service),
            some(["0.0014", "0", "0.0014", ""])
        );
        assert!(
            !diff
                .changes
                .iter()
                .any(|c| c.market == "India" && c.category == Category::Marketing)
        );
        assert_eq!(
            row(&diff, "Bangladesh", Category::Marketing),
            some(["0.0732", "", "", ""])
        );
        assert_eq!(
            diff.markets_added,
            [
                "Bangladesh",
                "Iraq",
                "Kazakhstan",
                "Kuwait",
                "Morocco",
                "Nepal",
                "Oman",
                "Sri Lanka",
                "Ukraine"
            ]
        );
        assert!(diff.markets_removed.is_empty());
        // Tiers: Saudi Arabia and UAE on July's card, Rest of Africa and
        // Rest of CEE on October's: none published on both.
        assert!(diff.tier_changes.is_empty());
        assert_eq!(diff.tiers_one_side.len(), 6);

        // The other way round: Mexico 0.0305 vs 0.0397 is −0.0092, and
        // −0.0092 / 0.0397 × 100 = −23.1738… → −23.2%; the nine markets are
        // removed.
        let back = diff_cards(jul, oct, None);
        assert_eq!(
            row(&back, "Mexico", Category::Marketing),
            some(["0.0305", "0.0397", "-0.0092", "-23.2"])
        );
        assert_eq!(back.markets_removed, diff.markets_added);
        assert!(back.markets_added.is_empty());
    }

    /// Kazakhstan bills as Other on the July card and has its own row on
    /// October's: utility 0.0180 vs 0.0077 = +0.0103, and 0.0103 / 0.0077
    /// × 100 = 133.766… → +133.8%; marketing 0.0604 on both: no row.
    #[test]
    fn a_country_that_moved_market_compares_its_two_markets() {
        let book = built_in();
        let (oct, jul) = (card(&book, "USD", "2026-10"), card(&book, "USD", "2026-07"));
        let diff = diff_cards(oct, jul, Some(("Kazakhstan", "Other")));
        assert_eq!(
            row(&diff, "Kazakhstan", Category::Utility),
            some(["0.0180", "0.0077", "0.0103", "133.8"])
        );
        assert!(
            diff.changes
                .iter()
                .all(|c| c.vs_market.as_deref() == Some("Other"))
        );
        assert!(
            !diff
                .changes
                .iter()
                .any(|c| c.category == Category::Marketing)
        );
        assert_eq!(diff.markets_added, ["Kazakhstan"]);
        assert!(diff.markets_removed.is_empty());
    }

    /// INR 2026-01-01 (India only) against 2025-10-01: India marketing
    /// 0.8631 vs 0.7846 = +0.0785, 0.0785 / 0.7846 × 100 = 10.0051 → +10.0%;
    /// the other markets of the 2025 card are not compared (the 2026 card
    /// is partial), nor listed as removed. 2026-01 against 2026-04: the same
    /// India rates, no change.
    #[test]
    fn a_partial_card_compares_only_what_it_has() {
        let book = built_in();
        let jan = card(&book, "INR", "2026-01");
        let diff = diff_cards(jan, card(&book, "INR", "2025-10"), None);
        assert_eq!(
            row(&diff, "India", Category::Marketing),
            some(["0.8631", "0.7846", "0.0785", "10.0"])
        );
        assert!(diff.changes.iter().all(|c| c.market == "India"));
        assert!(diff.markets_removed.is_empty() && diff.markets_added.is_empty());
        let april = diff_cards(card(&book, "INR", "2026-04"), jan, None);
        assert!(april.changes.is_empty() && !april.same_card());
    }

    /// Every pair of built-in cards of a currency: each change is
    /// `rate − vs_rate` and lists only rates that differ; comparing the
    /// other way round negates every change and swaps the markets added and
    /// removed; a card against itself changes nothing.
    #[test]
    fn every_pair_of_built_in_cards_is_antisymmetric() {
        let book = built_in();
        let cards = book.cards();
        for a in cards {
            let same = diff_cards(a, a, None);
            assert!(same.same_card() && same.changes.is_empty() && same.tier_changes.is_empty());
            for b in cards.iter().filter(|b| b.currency() == a.currency()) {
                if a.effective() == b.effective() {
                    continue;
                }
                let (ab, ba) = (diff_cards(a, b, None), diff_cards(b, a, None));
                assert_eq!(
                    ab.changes.len(),
                    ba.changes.len(),
                    "{} {}",
                    a.name(),
                    b.name()
                );
                for c in &ab.changes {
                    assert_ne!(c.rate, c.vs_rate);
                    if let (Some(r), Some(v)) = (c.rate, c.vs_rate) {
                        assert_eq!(c.change(), Some(r - v));
                    } else {
                        assert_eq!((c.change(), c.percent()), (None, None));
                    }
                    let back = ba
                        .changes
                        .iter()
                        .find(|d| d.market == c.market && d.category == c.category)
                        .unwrap();
                    assert_eq!((back.rate, back.vs_rate), (c.vs_rate, c.rate));
                    assert_eq!(back.change(), c.change().map(|d| -d));
                }
                assert_eq!(ab.markets_added, {
                    let mut m = ba.markets_removed.clone();
                    m.sort_by_key(|name| a.markets().iter().position(|x| x.name() == name));
                    m
                });
                assert_eq!(ab.tier_changes.len(), ba.tier_changes.len());
            }
        }
    }
}
