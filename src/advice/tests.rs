//! Break-even and budget: hand-worked figures, then brute force over
//! random tier ladders.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::plan::FairUse;

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

fn plan(id: &str, product: Product, base: &str, included: u64, rate: &str) -> Plan {
    Plan {
        id: id.into(),
        name: id.into(),
        product,
        currency: Currency::from_code("USD").unwrap(),
        base_fee: dec(base),
        included,
        overage_rate: dec(rate),
        fair_use: None,
        markup_percent: None,
        example: false,
        origin: "test".into(),
    }
}

fn connect(id: &str, base: &str, included: u64, rate: &str) -> Plan {
    plan(id, Product::Connect, base, included, rate)
}

fn direct(id: &str, base: &str, included: u64, rate: &str, limit: u64, fair: &str) -> Plan {
    let mut p = plan(id, Product::Direct, base, included, rate);
    p.fair_use = Some(FairUse {
        limit,
        rate: dec(fair),
    });
    p
}

fn tier(plan: &Plan) -> Tier<'_> {
    Tier {
        plan,
        extra: Decimal::ZERO,
    }
}

fn with_extra<'p>(plan: &'p Plan, extra: &str) -> Tier<'p> {
    Tier {
        plan,
        extra: dec(extra),
    }
}

/// The shipped Connect ladder (plans/connect.toml).
fn connect_ladder() -> [Plan; 5] {
    [
        connect("connect-10k", "30.00", 10_000, "0.0070"),
        connect("connect-25k", "110.00", 25_000, "0.0060"),
        connect("connect-50k", "200.00", 50_000, "0.0050"),
        connect("connect-100k", "350.00", 100_000, "0.0045"),
        connect("connect-250k", "800.00", 250_000, "0.0040"),
    ]
}

/// The shipped USD Direct ladder (plans/direct.toml), markups left out.
fn direct_ladder() -> [Plan; 4] {
    [
        direct("direct-25k", "250.00", 25_000, "0.0120", 100_000, "0.0200"),
        direct("direct-50k", "450.00", 50_000, "0.0100", 200_000, "0.0180"),
        direct(
            "direct-100k",
            "800.00",
            100_000,
            "0.0090",
            400_000,
            "0.0150",
        ),
        direct(
            "direct-250k",
            "1800.00",
            250_000,
            "0.0080",
            1_000_000,
            "0.0120",
        ),
    ]
}

#[test]
fn connect_break_evens_worked_by_hand() {
    let ladder = connect_ladder();
    // 10k → 25k: 30 + R(0.0070·(n − 10,000)) > 110 needs 0.0070·x ≥ 80.005,
    // x ≥ 11,429.3: x = 11,429 gives 80.003 → 80.00 (a tie, not lower), so
    // x = 11,430, n = 21,430 (the contract's example).
    // 25k → 50k: 110 + R(0.0060·x) > 200: x = 15,000 gives exactly 90.00 (tie);
    // x = 15,001 gives 90.006 → 90.01, n = 40,001.
    // 50k → 100k: 200 + R(0.0050·x) > 350: x = 30,000 gives 150.00; x = 30,001
    // gives 150.005, a half cent rounded away from zero to 150.01, n = 80,001.
    // 100k → 250k: 350 + R(0.0045·x) > 800: x = 100,001 gives 450.0045 → 450.00;
    // x = 100,002 gives 450.009 → 450.01, n = 200,002.
    // Past each larger tier's quota the smaller tier's rate is higher, so
    // the larger tier stays cheaper.
    let expected = [21_430, 40_001, 80_001, 200_002];
    assert_break_evens(&ladder, &expected);
}

/// Each adjacent pair of `ladder` breaks even at the count `expected` gives.
fn assert_break_evens(ladder: &[Plan], expected: &[u64]) {
    assert_eq!(ladder.len(), expected.len() + 1);
    for (pair, &at) in ladder.windows(2).zip(expected) {
        assert_eq!(
            break_even(&tier(&pair[0]), &tier(&pair[1])),
            Ok(Some(at)),
            "{} → {}",
            pair[0].id,
            pair[1].id
        );
    }
}

#[test]
fn direct_break_evens_worked_by_hand() {
    let ladder = direct_ladder();
    // 25k → 50k: 250 + R(0.0120·x) > 450: x = 16,667 gives 200.004 → 200.00;
    // x = 16,668 gives 200.016 → 200.02; n = 25,000 + 16,668 = 41,668.
    // 50k → 100k: 450 + R(0.0100·x) > 800: x = 35,001 (350.01), n = 85,001.
    // 100k → 250k: 800 + R(0.0090·x) > 1,800: x = 111,111 gives 999.999 →
    // 1,000.00; x = 111,112 gives 1,000.008 → 1,000.01; n = 211,112.
    // Every later band (fair use included) keeps the smaller tier's rate higher.
    let expected = [41_668, 85_001, 211_112];
    assert_break_evens(&ladder, &expected);
}

#[test]
fn direct_break_evens_move_with_the_markup_on_meta() {
    // Meta 1,000.00: with 10% markup the extra is 1,100.00, with 8% 1,080.00,
    // with 5% 1,050.00.
    let ladder = direct_ladder();
    // 50k → 100k: 450 + 1,100 + R(0.0100·x) > 800 + 1,080 ⟺ R(0.01·x) > 330:
    // x = 33,001, n = 83,001.
    let from = with_extra(&ladder[1], "1100.00");
    let to = with_extra(&ladder[2], "1080.00");
    assert_eq!(break_even(&from, &to), Ok(Some(83_001)));
    // 100k → 250k: 800 + 1,080 + R(0.0090·x) > 1,800 + 1,050 ⟺ R(0.009·x) > 970:
    // x = 107,778 gives 970.002 → 970.00; x = 107,779 gives 970.011; n = 207,779.
    let from = with_extra(&ladder[2], "1080.00");
    let to = with_extra(&ladder[3], "1050.00");
    assert_eq!(break_even(&from, &to), Ok(Some(207_779)));
}

#[test]
fn never_when_the_larger_tier_ends_up_dearer_or_equal() {
    // The larger tier's overage rate is higher: far enough out it costs more.
    let small = connect("a", "30.00", 10_000, "0.0070");
    let steep = connect("b", "110.00", 25_000, "0.0080");
    assert_eq!(break_even(&tier(&small), &tier(&steep)), Ok(None));
    // The same prices: never strictly lower.
    let twin = connect("c", "30.00", 10_000, "0.0070");
    assert_eq!(break_even(&tier(&small), &tier(&twin)), Ok(None));
}

#[test]
fn zero_when_the_larger_tier_is_always_cheaper() {
    // 40.00 < 50.00 at zero, and the larger tier's rate is lower throughout.
    let small = connect("a", "50.00", 1_000, "0.0100");
    let large = connect("b", "40.00", 2_000, "0.0050");
    assert_eq!(break_even(&tier(&small), &tier(&large)), Ok(Some(0)));
}

#[test]
fn equal_slopes_settle_on_the_rounding_pattern() {
    // Same rate, bases 0.01 apart, quotas equal: from 0 the larger tier is
    // 0.01 cheaper at every count (the overage lines are identical).
    let small = connect("a", "10.01", 100, "0.0050");
    let large = connect("b", "10.00", 100, "0.0050");
    assert_eq!(break_even(&tier(&small), &tier(&large)), Ok(Some(0)));
    // Same rate 0.0050, the larger quota shifted by one count: the smaller
    // tier's overage R(0.005·(n − 100)) and the larger's R(0.005·(n − 101))
    // are equal whenever n − 100 is even (x and x − 1 round the same when x
    // is even: 0.005·x is a whole cent), so the larger tier is never lower for good.
    let small = connect("a", "10.00", 100, "0.0050");
    let large = connect("b", "10.00", 101, "0.0050");
    assert_eq!(break_even(&tier(&small), &tier(&large)), Ok(None));
}

#[test]
fn budgets_worked_by_hand() {
    let ladder = connect_ladder();
    let budget = dec("500");
    // 10k: 30 + R(0.0070·x) ≤ 500 while 0.0070·x < 470.005, x < 67,143.6:
    // x = 67,143 (470.001 → 470.00), n = 77,143.
    // 25k: 110 + R(0.0060·x) ≤ 500 while 0.006·x < 390.005, x ≤ 65,000; n = 90,000.
    // 50k: 200 + R(0.0050·x) ≤ 500 while 0.005·x < 300.005: x = 60,001 is the
    // half cent 300.005 → 300.01, too much; x = 60,000, n = 110,000.
    // 100k: 350 + R(0.0045·x) ≤ 500 while 0.0045·x < 150.005, x < 33,334.4:
    // x = 33,334 (150.003 → 150.00), n = 133,334.
    // 250k: the base fee 800 is over 500.
    let expected = [
        Reach::UpTo(77_143),
        Reach::UpTo(90_000),
        Reach::UpTo(110_000),
        Reach::UpTo(133_334),
        Reach::NotEvenBase,
    ];
    for (plan, want) in ladder.iter().zip(expected) {
        assert_eq!(reach(&tier(plan), budget), Ok(want), "{}", plan.id);
    }
    // Exactly the base fee: only the quota (0.0070·x < 0.005 ⟹ x = 0).
    assert_eq!(reach(&tier(&ladder[0]), dec("30")), Ok(Reach::UpTo(10_000)));
    assert_eq!(
        reach(&tier(&ladder[0]), dec("29.99")),
        Ok(Reach::NotEvenBase)
    );
    // A budget below a cent is cut to whole cents: 30.009 carries what 30.00 does.
    assert_eq!(
        reach(&tier(&ladder[0]), dec("30.009")),
        Ok(Reach::UpTo(10_000))
    );
}

#[test]
fn budgets_cross_into_fair_use_and_can_be_unlimited() {
    let ladder = direct_ladder();
    // direct-25k with 2,000: the whole overage band costs 250 + 0.012·75,000 =
    // 1,150; then R(0.02·y) ≤ 850 while 0.02·y < 850.005, y ≤ 42,500;
    // n = 100,000 + 42,500 = 142,500.
    assert_eq!(
        reach(&tier(&ladder[0]), dec("2000")),
        Ok(Reach::UpTo(142_500))
    );
    // Meta extra counts against the budget: 250 + 1,100 = 1,350 leaves 650 for
    // overage at 0.012: R(0.012·x) ≤ 650 while 0.012·x < 650.005, x < 54,167.08;
    // x = 54,167 gives 650.004 → 650.00, so n = 25,000 + 54,167 = 79,167.
    assert_eq!(
        reach(&with_extra(&ladder[0], "1100.00"), dec("2000")),
        Ok(Reach::UpTo(79_167))
    );
    let flat = connect("flat", "99.00", 1_000, "0");
    assert_eq!(reach(&tier(&flat), dec("100")), Ok(Reach::Unlimited));
    assert_eq!(reach(&tier(&flat), dec("98")), Ok(Reach::NotEvenBase));
}

#[test]
fn the_default_currency_has_the_most_plans_then_usd_then_alphabetical() {
    let usd = connect("a", "1", 1, "0");
    let mut inr = connect("b", "1", 1, "0");
    inr.currency = Currency::from_code("INR").unwrap();
    let mut eur = connect("c", "1", 1, "0");
    eur.currency = Currency::from_code("EUR").unwrap();
    let code = |plans: &[&Plan]| default_currency(plans).map(|(c, _)| c.code());
    assert_eq!(code(&[&usd, &inr, &usd]), Some("USD"));
    assert_eq!(code(&[&inr, &inr, &usd]), Some("INR"));
    assert_eq!(code(&[&inr, &usd]), Some("USD"));
    assert_eq!(code(&[&inr, &eur]), Some("EUR"));
    assert_eq!(code(&[]), None);
    assert_eq!(
        default_currency(&[&usd]).map(|(_, how)| how),
        Some(CurrencyChoice::Only)
    );
}

#[test]
fn periods_follow_the_rate_in_minor_units() {
    let cent = dec("0.01");
    // 0.0070 per unit is 7/10 cent: 10 units make a whole number of cents.
    assert_eq!(period_of(dec("0.0070"), cent), Some(10));
    assert_eq!(period_of(dec("0.0050"), cent), Some(2));
    assert_eq!(period_of(dec("0.0045"), cent), Some(20));
    assert_eq!(period_of(dec("0.25"), cent), Some(1));
    assert_eq!(period_of(dec("0"), cent), Some(1));
    assert_eq!(period_of(dec("0.5"), Decimal::ONE), Some(2));
}

// ---------------------------------------------------------------------------
// Brute force: every count in 0..=N, on the engine's billed totals.

/// The counts scanned.
const N: u64 = 30_000;
/// With rates on a grid of 0.00025 (in USD; scaled for other currencies)
/// two different slopes differ by at least that much, so the rounding
/// noise window `2 × unit / slope` is at most 80 counts.
const MARGIN: u64 = 200;

#[derive(Debug, Clone)]
struct Spec {
    base_cents: i64,
    included: u64,
    rate_steps: i64,
    fair_use: Option<(u64, i64)>,
    extra_cents: i64,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0i64..=800,
        0u64..=3_000,
        0i64..=80,
        proptest::option::of((0u64..=4_000, 0i64..=80)),
        prop_oneof![Just(0i64), 0i64..=500],
    )
        .prop_map(
            |(base_cents, included, rate_steps, fair_use, extra_cents)| Spec {
                base_cents,
                included,
                rate_steps,
                fair_use,
                extra_cents,
            },
        )
}

/// A plan from a spec in a currency; `scale` keeps rates meaningful for
/// currencies with another minor unit (JPY: amounts × 100).
fn build(id: &str, spec: &Spec, code: &str) -> Plan {
    let currency = Currency::from_code(code).unwrap();
    let scale = if currency.minor_units() == 0 {
        Decimal::ONE_HUNDRED
    } else {
        Decimal::ONE
    };
    let step = dec("0.00025") * scale;
    Plan {
        id: id.into(),
        name: id.into(),
        product: Product::Direct,
        currency,
        base_fee: Decimal::new(spec.base_cents, 2) * scale,
        included: spec.included,
        overage_rate: step * Decimal::from(spec.rate_steps),
        fair_use: spec.fair_use.map(|(above, steps)| FairUse {
            limit: spec.included + above,
            rate: step * Decimal::from(steps),
        }),
        markup_percent: None,
        example: false,
        origin: "proptest".into(),
    }
}

fn extra(spec: &Spec, plan: &Plan) -> Decimal {
    let scale = if plan.currency.minor_units() == 0 {
        Decimal::ONE_HUNDRED
    } else {
        Decimal::ONE
    };
    Decimal::new(spec.extra_cents, 2) * scale
}

fn at(totals: &[Decimal], n: u64) -> Decimal {
    totals[usize::try_from(n).unwrap()]
}

fn totals(tier: &Tier<'_>) -> Vec<Decimal> {
    (0..=N).map(|n| tier.total(n).unwrap()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn break_even_and_budget_match_brute_force(
        a in spec(),
        b in spec(),
        code in prop_oneof![Just("USD"), Just("JPY"), Just("BHD")],
        budget_cents in 0i64..=6_000,
    ) {
        let (pa, pb) = (build("a", &a, code), build("b", &b, code));
        let ta = Tier { plan: &pa, extra: extra(&a, &pa) };
        let tb = Tier { plan: &pb, extra: extra(&b, &pb) };
        let (sa, sb) = (totals(&ta), totals(&tb));

        // Break-even: one past the last count where b is not strictly lower.
        let last_not_lower = (0..=N).rev().find(|&n| at(&sb, n) >= at(&sa, n));
        let analytic = break_even(&ta, &tb).unwrap();
        match analytic {
            Some(at) if at + MARGIN <= N => {
                prop_assert_eq!(Some(at), Some(last_not_lower.map_or(0, |n| n + 1)));
            }
            Some(at) => {
                // Near or beyond the end of the scan: check the answer directly.
                let lower = |n: u64| tb.total(n).unwrap() < ta.total(n).unwrap();
                prop_assert!(at == 0 || !lower(at - 1), "{} is not the first", at);
                for n in at..at + 2 * MARGIN {
                    prop_assert!(lower(n), "not lower at {} after {}", n, at);
                }
            }
            None => {
                // Never: b is not lower near the end of the scan (a periodic
                // pattern or a tie), or not lower far beyond it (b's rate ends
                // higher; with these prices the lines cross before 10⁶).
                let far = [1_000_000, 10_000_000, 100_000_000]
                    .iter()
                    .any(|&n| tb.total(n).unwrap() >= ta.total(n).unwrap());
                prop_assert!(
                    last_not_lower.is_some_and(|n| n + MARGIN >= N) || far,
                    "never, but brute last not lower {:?}", last_not_lower
                );
            }
        }

        // Budget: the largest count within it (totals never fall).
        let scale = if pa.currency.minor_units() == 0 { 100 } else { 1 };
        let budget = Decimal::new(budget_cents * scale, 2);
        for (tier, totals) in [(&ta, &sa), (&tb, &sb)] {
            let brute = totals.iter().rposition(|t| *t <= budget);
            match reach(tier, budget).unwrap() {
                Reach::NotEvenBase => prop_assert!(totals[0] > budget),
                Reach::UpTo(n) if n < N => {
                    prop_assert_eq!(brute, Some(usize::try_from(n).unwrap()));
                }
                Reach::UpTo(_) | Reach::Unlimited => {
                    prop_assert!(at(totals, N) <= budget);
                }
            }
        }
    }
}

#[test]
fn a_comparison_names_its_example_plans_once_and_its_month_and_card() {
    // Three tiers, two with example prices; the bills' own example notes
    // give way to one note naming them; month and card come from the bills.
    let mut small = connect("c-10k", "30.00", 10_000, "0.0070");
    small.example = true;
    let mut large = connect("c-50k", "200.00", 50_000, "0.0050");
    large.example = true;
    let contract = connect("c-25k", "110.00", 25_000, "0.0060");
    let month = Month::new(2026, 11);
    let bills: Vec<Bill<'_>> = [&small, &contract, &large]
        .into_iter()
        .map(|p| {
            let mut b = bill::bill(p, 15_000, None, bill::MetaCharges::None).unwrap();
            b.month = month;
            b
        })
        .collect();
    assert!(bills[0].notes.iter().any(|n| n == bill::EXAMPLE_NOTE));
    let currency = (small.currency, CurrencyChoice::Only);
    let c = Comparison::new(bills, Some(15_000), currency, None).unwrap();
    assert_eq!(c.month, month);
    assert_eq!(c.meta_card, None);
    assert_eq!(
        c.examples.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["c-10k", "c-50k"]
    );
    assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
    assert!(
        c.notes[0]
            .starts_with("example prices: c-10k and c-50k have example prices, not a contract's;"),
        "{:?}",
        c.notes
    );
}

#[test]
fn the_example_note_lists_a_few_plans_and_counts_the_rest() {
    let plans: Vec<Plan> = (1..=8)
        .map(|i| connect(&format!("c-{i}"), "30.00", i * 1000, "0.0070"))
        .collect();
    let refs: Vec<&Plan> = plans.iter().collect();
    assert!(example_note(&refs[..1], 8).starts_with("example prices: c-1 has example prices"));
    assert!(example_note(&refs[..7], 8).starts_with(
        "example prices: c-1, c-2, c-3, c-4, c-5, c-6 and 1 more have example prices"
    ));
    assert!(example_note(&refs, 8).starts_with("example prices: every plan compared has"));
}

#[test]
fn cost_curves_are_billed_totals_at_each_bend() {
    // connect-10k: 30.00 including 10,000, 0.0070 above; connect-25k:
    // 110.00 including 25,000, 0.0060 above. Up to 30,000:
    //   10k: 30.00 at 0 and at 10,000; 30.00 + 20,000 × 0.0070 = 170.00 at 30,000
    //   25k: 110.00 at 0 and at 25,000; 110.00 + 5,000 × 0.0060 = 140.00 at 30,000
    // The break-even is 21,430 (PRODUCT.md's worked example), on the 25k
    // line, still inside its quota: 110.00.
    let ladder = connect_ladder();
    let bills: Vec<Bill<'_>> = ladder[..2]
        .iter()
        .map(|p| bill::bill(p, 15_000, None, bill::MetaCharges::None).unwrap())
        .collect();
    let currency = (ladder[0].currency, CurrencyChoice::Only);
    let c = Comparison::new(bills, Some(15_000), currency, None).unwrap();
    assert_eq!(c.volume_of_interest(), 21_430);
    let n = |v: u64| Decimal::from(v);
    assert_eq!(
        c.cost_curves(n(30_000)).unwrap(),
        vec![
            vec![
                (n(0), dec("30.00")),
                (n(10_000), dec("30.00")),
                (n(30_000), dec("170.00"))
            ],
            vec![
                (n(0), dec("110.00")),
                (n(25_000), dec("110.00")),
                (n(30_000), dec("140.00"))
            ],
        ]
    );
    assert_eq!(
        c.break_even_points(n(30_000)).unwrap(),
        vec![BreakEvenPoint {
            break_even: 0,
            tier: 1,
            at: 21_430,
            total: dec("110.00"),
        }]
    );
    assert_eq!(c.break_even_points(n(20_000)).unwrap(), vec![]);
}
