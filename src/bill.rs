//! The billing engine: a [`Plan`] and a month's usage in, an itemized
//! [`Bill`] out. Pure: no I/O, no printing, no clock.
//!
//! The rules, from the vendor's pricing page and PRODUCT.md:
//! - Connect: base fee covering `included` notifications, plus overage per
//!   notification above `included`.
//! - Direct: base fee covering `included` conversations, consumption
//!   overage per conversation above `included` up to the fair-use limit,
//!   fair-use overage per conversation above it; Meta's charges passed
//!   through (one line per market × category, or one amount); a service
//!   markup on the Meta subtotal as shown.
//! - Free: nothing can be sent, so estimating usage is an error.
//!
//! Each line is computed exactly and rounded once by
//! [`money::round_line`]; the total is the sum of the rounded lines. All
//! arithmetic is checked: an overflow is an error, never a wrapped number.

use std::borrow::Cow;
use std::rc::Rc;

use rust_decimal::Decimal;

use crate::calendar::Month;
use crate::meta::MetaCharge;
use crate::money::{self, Currency};
use crate::plan::{BandKind, Plan, Product, Unit};

/// What a bill line is for; the `kind` field of the JSON shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// The monthly base (platform) fee.
    Base,
    /// Units above the included quota, at the (consumption) overage rate.
    Overage,
    /// Units above the fair-use limit, at the fair-use rate.
    FairUseOverage,
    /// Meta's WhatsApp charges, passed through.
    Meta,
    /// The service markup over Meta's charges.
    Markup,
    /// A quote's discount (a negative amount).
    Discount,
    /// A quote's minimum-commitment true-up.
    Commitment,
    /// A quote's tax.
    Tax,
}

impl LineKind {
    /// The contract's name: `base`, `overage`, `fair_use_overage`, `meta`, `markup`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Base => "base",
            LineKind::Overage => "overage",
            LineKind::FairUseOverage => "fair_use_overage",
            LineKind::Meta => "meta",
            LineKind::Markup => "markup",
            LineKind::Discount => "discount",
            LineKind::Commitment => "commitment",
            LineKind::Tax => "tax",
        }
    }

    /// Every kind, in the order a bill lists them.
    pub const ALL: [LineKind; 8] = [
        LineKind::Base,
        LineKind::Overage,
        LineKind::FairUseOverage,
        LineKind::Meta,
        LineKind::Markup,
        LineKind::Discount,
        LineKind::Commitment,
        LineKind::Tax,
    ];

    /// The kind named `name` in the contract (`fair_use_overage`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Meta's charges for the month, as the engine receives them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MetaCharges {
    /// None on this bill.
    #[default]
    None,
    /// An amount read off WhatsApp Manager, passed through as is.
    Amount(Decimal),
    /// Message counts already priced against a rate card.
    Priced {
        /// The card used, e.g. `Meta USD rate card effective 2026-04-01 (with volume tiers)`.
        card: Rc<str>,
        /// What a reader of the bill must know about the card: its known
        /// gaps (list rates only, a secondary source, a partial card). Each
        /// becomes a note of the bill, shown in every format.
        card_notes: Vec<Cow<'static, str>>,
        /// One entry per market × category.
        lines: Vec<MetaCharge>,
    },
}

/// How a line's amount was reached, for `--explain` and line descriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// Base, overage or fair-use overage: `quantity × unit_price`.
    Platform,
    /// A Meta amount passed through.
    MetaAmount,
    /// Meta messages of one market × category.
    MetaMessages(MetaCharge),
    /// The markup: `subtotal × percent / 100`.
    Markup {
        /// The markup percentage applied.
        percent: Decimal,
    },
    /// A quote's term: a discount, the commitment true-up or a tax. With a
    /// percentage, the quantity is the sum the term is on and the unit
    /// price the fraction (negative for a discount); without, the quantity
    /// is 1 and the unit price the amount.
    Term {
        /// The term's name as written in the quote file (`GST`).
        name: Rc<str>,
        /// The percentage, when the term is one.
        percent: Option<Decimal>,
        /// The kinds of line the term is on, as the quote file names them.
        on: Rc<[LineKind]>,
    },
}

/// One line of a bill.
///
/// Wherever there is a unit price, `quantity × unit_price` is exactly
/// `exact`: for the markup, the quantity is the Meta subtotal and the unit
/// price the percentage as a fraction with the digits written (10% is
/// `0.10`). A Meta line priced on more than one volume tier has no single
/// unit price (`None`); its tiers, in [`Detail::MetaMessages`], add up to
/// the quantity and the exact amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// What the line is for.
    pub kind: LineKind,
    /// Units, messages or (for the markup) the Meta subtotal.
    pub quantity: Decimal,
    /// Price per unit at the precision written (a fraction for the
    /// markup); `None` for a Meta line priced on several volume tiers.
    pub unit_price: Option<Decimal>,
    /// The exact, unrounded amount.
    pub exact: Decimal,
    /// The billed amount: `exact` rounded once to the minor unit.
    pub amount: Decimal,
    /// How the amount was reached.
    pub detail: Detail,
}

impl Line {
    /// A line from its exact amount, rounded by the one rule.
    pub(crate) fn new(
        kind: LineKind,
        quantity: Decimal,
        unit_price: Option<Decimal>,
        exact: Decimal,
        currency: Currency,
        detail: Detail,
    ) -> Self {
        Self {
            kind,
            quantity,
            unit_price,
            exact,
            amount: money::round_line(exact, currency),
            detail,
        }
    }
}

/// An itemized bill for one plan and one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill<'p> {
    /// The plan billed.
    pub plan: &'p Plan,
    /// The billing month priced, set by whoever knows it (the catalog,
    /// which picks the Meta rate card for it); `None` only for bills made
    /// by the engine alone.
    pub month: Option<Month>,
    /// Units used (notifications or conversations).
    pub count: u64,
    /// The lines, in order: base, overage, fair-use overage, Meta, markup.
    pub lines: Vec<Line>,
    /// Sum of the Meta lines as shown (rounded), when there are any.
    pub meta_subtotal: Option<Decimal>,
    /// Sum of the rounded lines.
    pub total: Decimal,
    /// The Meta rate card used, when messages were priced.
    pub meta_card: Option<Rc<str>>,
    /// Things the reader should know, shown by every format: example
    /// prices, the rate card's known gaps, Meta charges not given, ...
    pub notes: Vec<Cow<'static, str>>,
}

/// The note on a Direct bill given no Meta usage.
pub const NO_META_NOTE: &str = "Meta's WhatsApp charges are not included: no Meta usage was given";

/// The note on every bill of a plan marked `example = true`.
pub const EXAMPLE_NOTE: &str = "example prices: this plan's prices are examples, not a contract; \
     replace them with the customer's contract prices before sending this to a customer";

impl Bill<'_> {
    /// The currency of every amount on the bill.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.plan.currency
    }

    /// Sum of the rounded amounts of the lines of one kind; zero, written
    /// to the minor unit (`0.00`), when there are none. The amounts are
    /// non-negative and their checked total exists, so no subset overflows.
    #[must_use]
    pub fn amount_of(&self, kind: LineKind) -> Decimal {
        let zero = Decimal::new(0, self.currency().minor_units());
        self.lines
            .iter()
            .filter(|l| l.kind == kind)
            .fold(zero, |sum, l| sum.saturating_add(l.amount))
    }
}

/// Why a bill cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BillError {
    /// The free plan cannot send campaigns or journeys.
    #[error(
        "plan `{0}` is the free plan: campaigns, journeys and conversations cannot be sent on it; \
         estimate a WhatsApp Connect or Direct add-on plan instead (see `ctbill plans`)"
    )]
    FreePlan(String),
    /// The count is in the other product's unit.
    #[error(
        "plan `{plan}` is a {product} plan and bills {}, not {}",
        .expected.plural(),
        .given.plural()
    )]
    WrongUnit {
        /// The plan id.
        plan: String,
        /// The plan's product.
        product: Product,
        /// The plan's unit.
        expected: Unit,
        /// The unit given.
        given: Unit,
    },
    /// Meta charges or a markup on a plan that does not pass Meta through.
    #[error("plan `{plan}` is a {product} plan: {what} only apply to WhatsApp Direct plans")]
    NotDirect {
        /// The plan id.
        plan: String,
        /// The plan's product.
        product: Product,
        /// What was given: "Meta charges" or "a markup".
        what: &'static str,
    },
    /// An amount grew past what can be represented exactly.
    #[error(
        "the {0} cannot be computed exactly: it needs more than the 28 significant digits ctbill keeps; check the counts and rates"
    )]
    Overflow(&'static str),
}

/// Checks that a count given in `unit` fits the plan.
///
/// # Errors
///
/// [`BillError::FreePlan`] or [`BillError::WrongUnit`].
pub fn check_unit(plan: &Plan, unit: Option<Unit>) -> Result<Unit, BillError> {
    let expected = plan
        .unit()
        .ok_or_else(|| BillError::FreePlan(plan.id.clone()))?;
    match unit {
        Some(given) if given != expected => Err(BillError::WrongUnit {
            plan: plan.id.clone(),
            product: plan.product,
            expected,
            given,
        }),
        _ => Ok(expected),
    }
}

fn mul(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal, BillError> {
    money::exact_mul(a, b).ok_or(BillError::Overflow(what))
}

fn add(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal, BillError> {
    money::exact_add(a, b).ok_or(BillError::Overflow(what))
}

/// Base, overage and fair-use overage: the platform fee for `count` units.
/// Units above the quota are billed at the overage rate up to the fair-use
/// limit, and at the fair-use rate beyond it.
///
/// # Errors
///
/// [`BillError::Overflow`].
pub fn platform_lines(plan: &Plan, count: u64) -> Result<Vec<Line>, BillError> {
    let currency = plan.currency;
    let mut lines = Vec::with_capacity(5);
    lines.push(Line::new(
        LineKind::Base,
        Decimal::ONE,
        Some(plan.base_fee),
        plan.base_fee,
        currency,
        Detail::Platform,
    ));
    for band in plan.bands().into_iter().flatten() {
        let (kind, what) = match band.kind {
            BandKind::Overage => (LineKind::Overage, "overage"),
            BandKind::FairUse => (LineKind::FairUseOverage, "fair-use overage"),
        };
        let units = Decimal::from(band.units(count));
        let exact = mul(units, band.rate, what)?;
        lines.push(Line::new(
            kind,
            units,
            Some(band.rate),
            exact,
            currency,
            Detail::Platform,
        ));
    }
    Ok(lines)
}

/// One market × category of Meta messages as a bill line, rounded once
/// after summing its tiers. The unit price is the one rate the messages
/// were priced at (zero when none were, or they were free); several
/// volume tiers have no single unit price.
fn meta_line(priced: MetaCharge, currency: Currency) -> Line {
    let unit_price = match priced.parts.as_slice() {
        [] => Some(Decimal::ZERO),
        [one] => Some(one.rate),
        _ => None,
    };
    Line::new(
        LineKind::Meta,
        Decimal::from(priced.count),
        unit_price,
        priced.exact_total,
        currency,
        Detail::MetaMessages(priced),
    )
}

/// Adds the markup line on the Meta lines from `first_meta` on, when there
/// are any: `percent` of their subtotal as shown (the rounded lines).
/// Returns that subtotal.
fn markup_line(
    lines: &mut Vec<Line>,
    first_meta: usize,
    percent: Option<Decimal>,
    currency: Currency,
) -> Result<Option<Decimal>, BillError> {
    let meta_lines = &lines[first_meta..];
    if meta_lines.is_empty() {
        return Ok(None);
    }
    let subtotal = meta_lines
        .iter()
        .try_fold(Decimal::ZERO, |sum, l| add(sum, l.amount, "Meta subtotal"))?;
    let percent = percent.unwrap_or(Decimal::ZERO);
    // Percent to fraction by moving the point, exactly, keeping the
    // digits written (10 → 0.10, 12.5 → 0.125).
    let fraction = Decimal::try_from_i128_with_scale(percent.mantissa(), percent.scale() + 2)
        .map_err(|_| BillError::Overflow("markup"))?;
    let exact = mul(subtotal, fraction, "markup")?;
    lines.push(Line::new(
        LineKind::Markup,
        subtotal,
        Some(fraction),
        exact,
        currency,
        Detail::Markup { percent },
    ));
    Ok(Some(subtotal))
}

/// Prices one month on a plan.
///
/// `markup_override` replaces the plan's markup percentage. Meta charges
/// and markups are only accepted on Direct plans.
///
/// # Errors
///
/// The free plan, Meta charges or a markup on a non-Direct plan, or an
/// overflow.
///
/// # Example
///
/// The vendor's worked example: $30 including 10,000 notifications, $0.0070
/// per notification above; 15,000 sent → $30.00 + $35.00 = $65.00.
///
/// ```
/// # use ctbill::{bill::{bill, MetaCharges}, plan::*, money::Currency};
/// # use rust_decimal::Decimal;
/// let plan = Plan {
///     id: "connect-10k".into(), name: "WhatsApp Connect 10K".into(),
///     product: Product::Connect, currency: Currency::from_code("USD").unwrap(),
///     base_fee: Decimal::new(3000, 2), included: 10_000,
///     overage_rate: Decimal::new(70, 4), fair_use: None, markup_percent: None,
///     example: false, origin: "plans/connect.toml:1:1".into(),
/// };
/// let bill = bill(&plan, 15_000, None, MetaCharges::None).unwrap();
/// assert_eq!(bill.total.to_string(), "65.00");
/// ```
pub fn bill(
    plan: &Plan,
    count: u64,
    markup_override: Option<Decimal>,
    meta: MetaCharges,
) -> Result<Bill<'_>, BillError> {
    check_unit(plan, None)?;
    let currency = plan.currency;
    let not_direct = |what| BillError::NotDirect {
        plan: plan.id.clone(),
        product: plan.product,
        what,
    };
    if plan.product != Product::Direct {
        if meta != MetaCharges::None {
            return Err(not_direct("Meta charges"));
        }
        if markup_override.is_some() {
            return Err(not_direct("markups"));
        }
    }
    let mut lines = platform_lines(plan, count)?;
    let mut notes: Vec<Cow<'static, str>> = Vec::new();
    if plan.example {
        notes.push(Cow::Borrowed(EXAMPLE_NOTE));
    }
    let mut meta_card = None;
    let platform = lines.len();
    match meta {
        MetaCharges::None => {
            if plan.product == Product::Direct {
                notes.push(Cow::Borrowed(NO_META_NOTE));
            }
        }
        MetaCharges::Amount(amount) => lines.push(Line::new(
            LineKind::Meta,
            Decimal::ONE,
            Some(amount),
            amount,
            currency,
            Detail::MetaAmount,
        )),
        MetaCharges::Priced {
            card,
            card_notes,
            lines: priced,
        } => {
            meta_card = Some(card);
            for note in card_notes {
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
            lines.reserve(priced.len() + 1);
            for charge in priced {
                if let Some(note) = &charge.note {
                    if !notes.iter().any(|n| n == note) {
                        notes.push(Cow::Owned(note.clone()));
                    }
                }
                lines.push(meta_line(charge, currency));
            }
        }
    }
    let meta_subtotal = markup_line(
        &mut lines,
        platform,
        markup_override.or(plan.markup_percent),
        currency,
    )?;
    let total = lines
        .iter()
        .try_fold(Decimal::ZERO, |sum, l| add(sum, l.amount, "total"))?;
    // Every amount is shown to its currency's minor unit; one too large to
    // carry it within 28 significant digits (a markup of 1e28 percent) is
    // refused rather than shown without its cents.
    let minor = currency.minor_units();
    if let Some(line) = lines.iter().find(|l| l.amount.scale() < minor) {
        return Err(BillError::Overflow(match line.kind {
            LineKind::Base => "base fee",
            LineKind::Overage => "overage",
            LineKind::FairUseOverage => "fair-usage overage",
            LineKind::Meta => "Meta charge",
            LineKind::Markup => "markup",
            LineKind::Discount => "discount",
            LineKind::Commitment => "commitment",
            LineKind::Tax => "tax",
        }));
    }
    if total.scale() < minor {
        return Err(BillError::Overflow("total"));
    }
    Ok(Bill {
        plan,
        month: None,
        count,
        lines,
        meta_subtotal,
        total,
        meta_card,
        notes,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::meta::{Category, TierPart};
    use crate::plan::FairUse;

    pub(crate) fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    pub(crate) fn connect(base: &str, included: u64, rate: &str, currency: &str) -> Plan {
        Plan {
            id: "connect-test".into(),
            name: "Connect test".into(),
            product: Product::Connect,
            currency: Currency::from_code(currency).unwrap(),
            base_fee: dec(base),
            included,
            overage_rate: dec(rate),
            fair_use: None,
            markup_percent: None,
            example: false,
            origin: "test".into(),
        }
    }

    pub(crate) fn direct() -> Plan {
        // Platform fee $500 for 25,000 conversations, $0.0200 consumption
        // overage up to 100,000, $0.0300 fair-use overage above; 10% markup.
        Plan {
            id: "direct-test".into(),
            name: "Direct test".into(),
            product: Product::Direct,
            fair_use: Some(FairUse {
                limit: 100_000,
                rate: dec("0.0300"),
            }),
            markup_percent: Some(dec("10")),
            ..connect("500.00", 25_000, "0.0200", "USD")
        }
    }

    fn amounts(bill: &Bill<'_>) -> Vec<(&'static str, String)> {
        bill.lines
            .iter()
            .map(|l| (l.kind.as_str(), l.amount.to_string()))
            .collect()
    }

    #[test]
    fn vendor_worked_example_is_65_dollars() {
        // $30 base + 5,000 × $0.0070 = $30 + $35 = $65.00 (vendor pricing page).
        let plan = connect("30.00", 10_000, "0.0070", "USD");
        let bill = bill(&plan, 15_000, None, MetaCharges::None).unwrap();
        assert_eq!(
            amounts(&bill),
            [("base", "30.00".into()), ("overage", "35.00".into())]
        );
        assert_eq!(bill.lines[1].quantity, Decimal::from(5_000));
        assert_eq!(
            bill.lines[1].unit_price.map(|p| p.to_string()).as_deref(),
            Some("0.0070")
        );
        assert_eq!(bill.lines[1].exact.to_string(), "35.0000");
        assert_eq!(bill.total.to_string(), "65.00");
    }

    #[test]
    fn quota_edges() {
        let plan = connect("30.00", 10_000, "0.0070", "USD");
        // (sent, overage, total): nothing over the quota costs the base only;
        // one over costs 1 × 0.0070 = 0.0070 → 0.01.
        for (sent, overage, total) in [
            (0, "0.00", "30.00"),
            (10_000, "0.00", "30.00"),
            (10_001, "0.01", "30.01"),
            (9_999, "0.00", "30.00"),
        ] {
            let bill = bill(&plan, sent, None, MetaCharges::None).unwrap();
            assert_eq!(bill.lines[1].amount.to_string(), overage, "{sent}");
            assert_eq!(bill.total.to_string(), total, "{sent}");
        }
    }

    #[test]
    fn overage_midpoints_round_away_from_zero() {
        // 15 × 0.0070 = 0.105 → 0.11 (banker's would say 0.10).
        let plan = connect("30.00", 10_000, "0.0070", "USD");
        let bill = bill(&plan, 10_015, None, MetaCharges::None).unwrap();
        assert_eq!(bill.lines[1].exact.to_string(), "0.1050");
        assert_eq!(bill.lines[1].amount.to_string(), "0.11");
        assert_eq!(bill.total.to_string(), "30.11");
    }

    #[test]
    fn zero_decimal_currencies_round_to_whole_units() {
        // JPY: ¥4,500 base, 10,000 included, ¥0.5 over: 3 × 0.5 = 1.5 → ¥2.
        let plan = connect("4500", 10_000, "0.5", "JPY");
        let bill = bill(&plan, 10_003, None, MetaCharges::None).unwrap();
        assert_eq!(
            amounts(&bill),
            [("base", "4500".into()), ("overage", "2".into())]
        );
        assert_eq!(bill.total.to_string(), "4502");
    }

    #[test]
    fn inr_plan() {
        // ₹2,499 base, 10,000 included, ₹0.58 over: 2,345 × 0.58 = 1,360.10.
        let plan = connect("2499", 10_000, "0.58", "INR");
        let bill = bill(&plan, 12_345, None, MetaCharges::None).unwrap();
        assert_eq!(
            amounts(&bill),
            [("base", "2499.00".into()), ("overage", "1360.10".into())]
        );
        assert_eq!(bill.total.to_string(), "3859.10");
    }

    #[test]
    fn huge_counts_stay_exact() {
        // (2^64 − 1 − 10,000) × 0.0070 = 18,446,744,073,709,541,615 × 0.0070
        //   = 129,127,208,515,966,791.3050 → 129,127,208,515,966,791.31
        let plan = connect("30.00", 10_000, "0.0070", "USD");
        let bill = bill(&plan, u64::MAX, None, MetaCharges::None).unwrap();
        assert_eq!(bill.lines[1].amount.to_string(), "129127208515966791.31");
        assert_eq!(bill.total.to_string(), "129127208515966821.31");
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let plan = connect("30.00", 0, "79228162514264337593543950335", "USD");
        assert_eq!(
            bill(&plan, 2, None, MetaCharges::None),
            Err(BillError::Overflow("overage"))
        );
    }

    #[test]
    fn an_amount_too_large_to_show_its_cents_is_refused() {
        // A markup of 1e28 percent on Meta's 100.00: 100.00 × 10^26 = 10^28,
        // exact, but 10^28 with two decimals needs 31 significant digits, so
        // it would be shown without its cents.
        let plan = direct();
        let markup = Decimal::from_scientific("1e28").unwrap();
        assert_eq!(
            bill(&plan, 0, Some(markup), MetaCharges::Amount(dec("100"))),
            Err(BillError::Overflow("markup"))
        );
        // Decimal::MAX is 79,228,162,514,264,337,593,543,950,335 (in units
        // of 10^-scale): 792,281,625,142,643,375,935,439,504.00 is past it,
        // so this Meta amount has no room for its cents.
        let huge = dec("792281625142643375935439504");
        assert_eq!(
            bill(&plan, 0, Some(Decimal::ZERO), MetaCharges::Amount(huge)),
            Err(BillError::Overflow("Meta charge"))
        );
        // One less fits with cents, but the total (plus the 500.00 base fee)
        // does not.
        let huge = dec("792281625142643375935439503");
        assert_eq!(
            bill(&plan, 0, Some(Decimal::ZERO), MetaCharges::Amount(huge)),
            Err(BillError::Overflow("total"))
        );
        // 26 whole digits and cents fit in 28 digits: billed to the cent.
        let large = dec("12345678901234567890123456");
        let bill = bill(&plan, 0, Some(Decimal::ZERO), MetaCharges::Amount(large)).unwrap();
        assert_eq!(
            bill.amount_of(LineKind::Meta).to_string(),
            "12345678901234567890123456.00"
        );
        assert_eq!(bill.total.to_string(), "12345678901234567890123956.00");
    }

    #[test]
    fn direct_bands_meta_and_markup() {
        // 130,000 conversations on the test Direct plan:
        //   base 500.00; consumption overage (100,000 − 25,000) × 0.0200 = 1,500.00;
        //   fair-use overage (130,000 − 100,000) × 0.0300 = 900.00;
        //   Meta amount 1,234.565 → 1,234.57; markup 10% × 1,234.57 = 123.457 → 123.46;
        //   total 500 + 1,500 + 900 + 1,234.57 + 123.46 = 4,258.03.
        let plan = direct();
        let bill = bill(&plan, 130_000, None, MetaCharges::Amount(dec("1234.565"))).unwrap();
        assert_eq!(
            amounts(&bill),
            [
                ("base", "500.00".into()),
                ("overage", "1500.00".into()),
                ("fair_use_overage", "900.00".into()),
                ("meta", "1234.57".into()),
                ("markup", "123.46".into()),
            ]
        );
        assert_eq!(bill.meta_subtotal, Some(dec("1234.57")));
        assert_eq!(bill.total.to_string(), "4258.03");
    }

    #[test]
    fn markup_override_and_below_fair_use() {
        // 50,000 conversations: overage 25,000 × 0.02 = 500.00, fair use 0;
        // Meta 100.00 with a 12.5% markup = 12.50. Total 500 + 500 + 0 + 100 + 12.50.
        let plan = direct();
        let bill = bill(
            &plan,
            50_000,
            Some(dec("12.5")),
            MetaCharges::Amount(dec("100")),
        )
        .unwrap();
        assert_eq!(bill.amount_of(LineKind::FairUseOverage).to_string(), "0.00");
        assert_eq!(bill.amount_of(LineKind::Markup).to_string(), "12.50");
        assert_eq!(bill.total.to_string(), "1112.50");
    }

    #[test]
    fn markup_is_on_the_subtotal_as_shown() {
        // Two Meta lines of 0.005 each round to 0.01 + 0.01 = 0.02 shown;
        // 50% markup is on 0.02 (= 0.01), not on the exact 0.010 (= 0.005 → 0.01 too),
        // so use 150%: 0.02 × 1.5 = 0.03 (exact sum would give 0.015 → 0.02).
        let plan = direct();
        let part = |market: &str| MetaCharge {
            category: Category::Marketing,
            market: market.into(),
            count: 1,
            free: 0,
            parts: vec![TierPart {
                count: 1,
                rate: dec("0.005"),
                exact: dec("0.005"),
            }],
            exact_total: dec("0.005"),
            note: None,
        };
        let meta = MetaCharges::Priced {
            card: "test".into(),
            card_notes: Vec::new(),
            lines: vec![part("A"), part("B")],
        };
        let bill = bill(&plan, 0, Some(dec("150")), meta).unwrap();
        assert_eq!(bill.meta_subtotal, Some(dec("0.02")));
        assert_eq!(bill.amount_of(LineKind::Markup).to_string(), "0.03");
        assert_eq!(bill.total.to_string(), "500.05");
    }

    #[test]
    fn example_plans_and_card_gaps_are_noted_once() {
        // An example plan's bill says so first; each card note once.
        let mut plan = direct();
        plan.example = true;
        let gap: Cow<'static, str> = "list rates only".into();
        let meta = MetaCharges::Priced {
            card: "test card".into(),
            card_notes: vec![gap.clone(), gap.clone()],
            lines: Vec::new(),
        };
        let bill = bill(&plan, 0, None, meta).unwrap();
        assert_eq!(bill.notes, [Cow::Borrowed(EXAMPLE_NOTE), gap]);
        assert_eq!(bill.meta_card.as_deref(), Some("test card"));
        plan.example = false;
        let bill = super::bill(&plan, 0, None, MetaCharges::Amount(Decimal::ONE)).unwrap();
        assert!(bill.notes.is_empty(), "{:?}", bill.notes);
    }

    #[test]
    fn free_plans_and_wrong_units_are_refused() {
        let free = Plan {
            product: Product::Free,
            ..connect("0", 0, "0", "USD")
        };
        assert!(matches!(
            bill(&free, 1, None, MetaCharges::None),
            Err(BillError::FreePlan(_))
        ));
        let err = check_unit(&direct(), Some(Unit::Notifications)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "plan `direct-test` is a direct plan and bills conversations, not notifications"
        );
        let plan = connect("30.00", 10_000, "0.0070", "USD");
        assert!(matches!(
            bill(&plan, 1, None, MetaCharges::Amount(Decimal::ONE)),
            Err(BillError::NotDirect { .. })
        ));
        assert!(matches!(
            bill(&plan, 1, Some(Decimal::TEN), MetaCharges::None),
            Err(BillError::NotDirect { .. })
        ));
    }
}
