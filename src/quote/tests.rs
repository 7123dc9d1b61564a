//! Quotes worked by hand: every expected figure is computed in the
//! comment above it, from the plans in `tests/fixtures/quote-plans` and
//! the rate cards built into ctbill.

use std::path::PathBuf;

use rust_decimal::Decimal;

use super::*;
use crate::calendar::Date;
use crate::catalog::Catalog;
use crate::load::Source;

/// The fixture catalog, kept for the test's life (quotes borrow its plans).
fn fixture() -> &'static Catalog {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quote-plans");
    Box::leak(Box::new(Catalog::load(Source::Dir(dir)).unwrap()))
}

fn today() -> Date {
    Date::new(2026, 11, 26).unwrap()
}

fn deal(text: &str) -> Deal {
    match file::parse("q.toml", text, today()) {
        Ok(deal) => deal,
        Err(problems) => panic!("{problems:?}"),
    }
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

/// (kind, amount) of every line of a month.
fn lines(bill: &Bill<'_>) -> Vec<(&'static str, String)> {
    bill.lines
        .iter()
        .map(|l| (l.kind.as_str(), l.amount.to_string()))
        .collect()
}

fn errors(text: &str) -> Vec<String> {
    match file::parse("q.toml", text, today()) {
        Ok(_) => panic!("parsed: {text}"),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn growth_compounds_on_the_rounded_count_in_jpy() {
    // 50% growth from 3: 3 × 1.5 = 4.5 → 5 (half away from zero);
    // 5 × 1.5 = 7.5 → 8 (on the exact 6.75 it would be 7); 8 × 1.5 = 12.
    // JPY has no minor unit: overage 3 × 0.75 = 2.25 → 2, 5 × 0.75 = 3.75
    // → 4, 8 × 0.75 = 6, 12 × 0.75 = 9; totals 3,002 + 3,004 + 3,006 +
    // 3,009 = 12,021.
    let q = price(
        fixture(),
        deal(
            r#"customer = "K.K."
plan = "connect-jpy"
start = "2027-01"
months = 4
growth_percent = "50"
[usage]
sent = 3
"#,
        ),
    )
    .unwrap();
    let counts: Vec<u64> = q.months.iter().map(|b| b.count).collect();
    assert_eq!(counts, [3, 5, 8, 12]);
    let totals: Vec<String> = q.months.iter().map(|b| b.total.to_string()).collect();
    assert_eq!(totals, ["3002", "3004", "3006", "3009"]);
    assert_eq!(q.total.to_string(), "12021");
    let months: Vec<String> = q
        .months
        .iter()
        .filter_map(|b| b.month)
        .map(|m| m.to_string())
        .collect();
    assert_eq!(months, ["2027-01", "2027-02", "2027-03", "2027-04"]);
}

#[test]
fn a_meta_amount_grows_rounded_to_the_minor_unit() {
    // 100.05 × 1.10 = 110.055 → 110.06; 110.06 × 1.10 = 121.066 → 121.07.
    let d = deal(
        r#"customer = "A"
plan = "direct-usd"
months = 3
growth_percent = "10%"
[usage]
conversations = 0
meta_amount = "100.05"
"#,
    );
    let usages = project(&d, Currency::from_code("USD").unwrap()).unwrap();
    let amounts: Vec<String> = usages
        .iter()
        .map(|u| match &u.meta {
            MetaUsage::Amount(a) => a.value.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(amounts, ["100.05", "110.06", "121.07"]);
}

#[test]
fn a_percentage_discount_is_rounded_once_half_away_from_zero() {
    // connect-usd, 1,500 sent: base 100.00, overage 500 × 0.0500 = 25.00.
    // 12.5% of 125.00 = 15.625 → -15.63; total 125.00 - 15.63 = 109.37.
    let q = price(
        fixture(),
        deal(
            r#"customer = "A"
plan = "connect-usd"
[usage]
sent = 1500
[[discount]]
name = "Launch"
percent = "12.5"
"#,
        ),
    )
    .unwrap();
    assert_eq!(
        lines(&q.months[0]),
        [
            ("base", "100.00".into()),
            ("overage", "25.00".into()),
            ("discount", "-15.63".into())
        ]
    );
    assert_eq!(q.months[0].lines[2].exact, dec("-15.625"));
    assert_eq!(q.total.to_string(), "109.37");
}

#[test]
fn an_amount_discount_is_capped_and_discounts_do_not_stack() {
    // Overage 25.00: an amount of 200.00 on it is capped at -25.00. A 10%
    // discount on the base is 10% of 100.00 as billed = -10.00 (not of a
    // discounted figure). Total 125.00 - 25.00 - 10.00 = 90.00.
    let q = price(
        fixture(),
        deal(
            r#"customer = "A"
plan = "connect-usd"
[usage]
sent = 1500
[[discount]]
name = "Overage waiver"
amount = "200.00"
on = ["overage"]
[[discount]]
name = "Base"
percent = 10
on = ["base"]
"#,
        ),
    )
    .unwrap();
    let got = lines(&q.months[0]);
    assert_eq!(got[2], ("discount", "-25.00".into()));
    assert_eq!(got[3], ("discount", "-10.00".into()));
    assert_eq!(q.total.to_string(), "90.00");
}

#[test]
fn discounts_together_never_take_more_than_their_lines() {
    // connect-usd at 1,500 sent: base 100.00 + overage 25.00 = 125.00 on the
    // default kinds. The first 60% takes 75.00; the second 60% would take
    // 75.00 too, but only 125.00 - 75.00 = 50.00 is left: capped at -50.00.
    // A 10% tax on the discounts alone would be a credit: it is 0.00.
    // Total 125.00 - 75.00 - 50.00 + 0.00 = 0.00, never below zero.
    let q = price(
        fixture(),
        deal(
            r#"customer = "A"
plan = "connect-usd"
[usage]
sent = 1500
[[discount]]
name = "One"
percent = "60"
[[discount]]
name = "Two"
percent = "60"
[[tax]]
name = "Odd"
percent = "10"
on = ["discount"]
"#,
        ),
    )
    .unwrap();
    let got = lines(&q.months[0]);
    assert_eq!(got[2], ("discount", "-75.00".into()));
    assert_eq!(got[3], ("discount", "-50.00".into()));
    assert_eq!(got[4], ("tax", "0.00".into()));
    assert_eq!(q.total.to_string(), "0.00");
    // The capped line says so, and still multiplies out: 1 × -50.00.
    let capped = &q.months[0].lines[3];
    assert_eq!(capped.quantity * capped.unit_price.unwrap(), capped.exact);
}

#[test]
fn a_zero_discount_is_zero_not_minus_zero() {
    let q = price(
        fixture(),
        deal(
            r#"customer = "A"
plan = "connect-usd"
[usage]
sent = 1500
[[discount]]
name = "None"
percent = "0"
[[discount]]
name = "Nothing"
amount = "0"
"#,
        ),
    )
    .unwrap();
    let got = lines(&q.months[0]);
    assert_eq!(got[2], ("discount", "0.00".into()));
    assert_eq!(got[3], ("discount", "0.00".into()));
}

#[test]
fn a_usage_without_a_count_is_an_error() {
    let found = errors("customer = \"A\"\nplan = \"connect-usd\"\n[usage]\nmeta_amount = \"10\"\n");
    assert!(
        found.iter().any(|e| e.contains("[usage] gives no count")),
        "{found:?}"
    );
}

#[test]
fn a_commitment_tops_up_to_the_minimum_and_is_taxed() {
    // 500 sent: base 100.00, no overage; 10% off = -10.00; CleverTap
    // charges 90.00 < 150.00 → commitment 60.00. GST 18% of every line
    // above (100.00 - 10.00 + 60.00 = 150.00) = 27.00. Total 177.00.
    let q = price(
        fixture(),
        deal(
            r#"customer = "A"
plan = "connect-usd"
[usage]
sent = 500
[[discount]]
name = "Annual"
percent = "10"
[commitment]
minimum = "150.00"
[[tax]]
name = "GST"
percent = "18"
"#,
        ),
    )
    .unwrap();
    assert_eq!(
        lines(&q.months[0]),
        [
            ("base", "100.00".into()),
            ("overage", "0.00".into()),
            ("discount", "-10.00".into()),
            ("commitment", "60.00".into()),
            ("tax", "27.00".into())
        ]
    );
    assert_eq!(q.total.to_string(), "177.00");
    // Above the minimum, no true-up: 5,000 sent = 100.00 + 200.00 = 300.00,
    // less 30.00 = 270.00 ≥ 150.00.
    let q = price(
        fixture(),
        deal(
            r#"customer = "A"
plan = "connect-usd"
[usage]
sent = 5000
[[discount]]
name = "Annual"
percent = "10"
[commitment]
minimum = "150.00"
"#,
        ),
    )
    .unwrap();
    assert!(
        q.months[0]
            .lines
            .iter()
            .all(|l| l.kind != LineKind::Commitment)
    );
    assert_eq!(q.total.to_string(), "270.00");
}

#[test]
fn taxes_on_chosen_kinds_do_not_compound() {
    // 1,500 sent: base 100.00, overage 25.00. Tax A 10% on the overage =
    // 2.50; VAT 20% of every line above the taxes (125.00) = 25.00, not of
    // tax A. Total 125.00 + 2.50 + 25.00 = 152.50.
    let q = price(
        fixture(),
        deal(
            r#"customer = "A"
plan = "connect-usd"
[usage]
sent = 1500
[[tax]]
name = "Levy"
percent = "10"
on = ["overage"]
[[tax]]
name = "VAT"
percent = "20"
"#,
        ),
    )
    .unwrap();
    let got = lines(&q.months[0]);
    assert_eq!(got[2], ("tax", "2.50".into()));
    assert_eq!(got[3], ("tax", "25.00".into()));
    assert_eq!(q.total.to_string(), "152.50");
}

#[test]
fn a_projection_crosses_a_meta_card_change() {
    // direct-usd, 0 conversations: base 250.00. India marketing 10,000 ×
    // 0.0118 = 118.00 on both cards. Service 5,000: the 2026-07-01 card
    // prices no India service (Aug, Sep: 0.00); the 2026-10-01 card does,
    // 0.0014, with 1,000 free for one phone number: 4,000 × 0.0014 = 5.60.
    // Markup 10%: 11.80 (Aug, Sep), 123.60 × 10% = 12.36 (Oct).
    // Totals 379.80, 379.80, 250.00 + 123.60 + 12.36 = 385.96; 1,145.56.
    let q = price(
        fixture(),
        deal(
            r#"customer = "A"
plan = "direct-usd"
start = "2026-08"
months = 3
[usage]
conversations = 0
meta = { "marketing:IN" = 10000, "service:IN" = 5000 }
"#,
        ),
    )
    .unwrap();
    let totals: Vec<String> = q.months.iter().map(|b| b.total.to_string()).collect();
    assert_eq!(totals, ["379.80", "379.80", "385.96"]);
    assert_eq!(q.total.to_string(), "1145.56");
    let cards: Vec<&str> = q
        .months
        .iter()
        .filter_map(|b| b.meta_card.as_deref())
        .collect();
    assert!(
        cards[0].contains("2026-07-01") && cards[1].contains("2026-07-01"),
        "{cards:?}"
    );
    assert!(cards[2].contains("2026-10-01"), "{cards:?}");
    assert_eq!(q.cards.len(), 2);
    let october = &q.months[2];
    let service = october
        .lines
        .iter()
        .find_map(|l| match &l.detail {
            Detail::MetaMessages(m) if m.category == crate::meta::Category::Service => Some(m),
            _ => None,
        })
        .unwrap();
    assert_eq!((service.count, service.free), (4000, 1000));
}

#[test]
fn the_cheapest_plan_is_the_minimum_over_every_plan_priced_alone() {
    let catalog = Catalog::load(Source::Embedded).unwrap();
    let text = r#"customer = "A"
plan = "direct-25k"
start = "2026-11"
months = 6
growth_percent = "15"
[usage]
conversations = 60000
meta_amount = "1000.00"
[[discount]]
name = "Annual"
percent = "10"
[commitment]
minimum = "900.00"
[[tax]]
name = "GST"
percent = "18"
"#;
    let q = price(&catalog, deal(text)).unwrap();
    let d = deal(text);
    let usages = project(&d, q.plan.currency).unwrap();
    // Brute force: every Direct USD plan, each month priced and termed on its own.
    let mut totals: Vec<(String, Decimal)> = Vec::new();
    for plan in catalog
        .plans
        .iter()
        .filter(|p| p.product == q.plan.product && p.currency == q.plan.currency)
    {
        let mut total = Decimal::ZERO;
        for usage in &usages {
            let mut bill = crate::catalog::price(&catalog, plan, usage).unwrap();
            apply_terms(&mut bill, &d).unwrap();
            let lines: Decimal = bill.lines.iter().map(|l| l.amount).sum();
            assert_eq!(lines, bill.total);
            total += bill.total;
        }
        totals.push((plan.id.clone(), total));
    }
    assert!(totals.len() >= 3, "{totals:?}");
    let min = totals.iter().map(|(_, t)| *t).min().unwrap();
    let cheapest = q.cheapest.as_ref().unwrap();
    assert_eq!(cheapest.total, min, "{totals:?}");
    assert!(
        totals
            .iter()
            .any(|(id, t)| *id == cheapest.plan.id && *t == min)
    );
    assert_eq!(cheapest.saving, q.total - min);
    assert_ne!(cheapest.plan.id, "direct-25k", "{totals:?}");
}

#[test]
fn bad_quote_files_are_located() {
    let base = "customer = \"A\"\nplan = \"connect-usd\"\n[usage]\nsent = 1\n";
    let e = errors(&base.replace("[usage]", "colour = \"red\"\n[usage]"));
    assert!(
        e[0].starts_with("q.toml:3:1: unknown key `colour`"),
        "{e:?}"
    );
    let e = errors(&format!("months = 0\n{base}"));
    assert_eq!(
        e,
        ["q.toml:1:10: `months` is 0; a quote runs 1 to 60 months"]
    );
    let e = errors(&format!("months = 61\n{base}"));
    assert_eq!(
        e,
        ["q.toml:1:10: `months` is 61; a quote runs 1 to 60 months"]
    );
    let e = errors(&format!("date = \"2026-02-30\"\n{base}"));
    assert!(
        e[0].starts_with("q.toml:1:8: `date`: `2026-02-30` is not a valid date"),
        "{e:?}"
    );
    let e = errors(&format!(
        "{base}[[discount]]\nname = \"D\"\npercent = \"10\"\namount = \"5\"\n"
    ));
    assert_eq!(
        e,
        [
            "q.toml:8:10: [[discount]] gives both `percent` and `amount`; a discount is one or the other"
        ]
    );
    let e = errors(&format!(
        "{base}[[discount]]\nname = \"D\"\npercent = \"120\"\n"
    ));
    assert!(
        e[0].starts_with("q.toml:7:11: `percent` is 120; it can be at most 100"),
        "{e:?}"
    );
    let e = errors(&format!(
        "{base}[[tax]]\nname = \"T\"\npercent = \"5\"\non = [\"bsae\"]\n"
    ));
    assert!(
        e[0].starts_with("q.toml:8:7: `on`: `bsae` is not a kind"),
        "{e:?}"
    );
    let e = errors("plan = \"connect-usd\"\n[usage]\nsent = 1\n");
    assert!(e[0].starts_with("q.toml:1:1: missing `customer`"), "{e:?}");
    let e = errors(&format!("start = \"2027-13\"\n{base}"));
    assert!(
        e[0].starts_with("q.toml:1:9: `start`: `2027-13` is not a valid month"),
        "{e:?}"
    );
}

#[test]
fn defaults_come_from_today() {
    let d = deal("customer = \"<script>\"\nplan = \"connect-usd\"\n[usage]\nsent = 1\n");
    assert_eq!(d.date, today());
    assert_eq!(d.start, today().month());
    assert_eq!((d.months, d.phone_numbers), (1, 1));
    assert_eq!(d.customer, "<script>");
}

proptest::proptest! {
    /// The quote's total is the sum of its months, each month's total the
    /// sum of its lines, whatever the usage and terms.
    #[test]
    fn totals_add_up(
        sent in 0u64..200_000,
        months in 1u32..=12,
        growth in 0u32..=300,
        percent in 0u32..=1000,
        amount in 0u32..=50_000,
        minimum in 0u32..=100_000,
        tax in 0u32..=300,
        jpy in proptest::bool::ANY,
    ) {
        let catalog = fixture();
        let text = format!(
            "customer = \"P\"\nplan = \"{}\"\nmonths = {months}\ngrowth_percent = \"{}\"\n\
             [usage]\nsent = {sent}\n[[discount]]\nname = \"P\"\npercent = \"{}\"\n\
             [[discount]]\nname = \"A\"\namount = \"{}\"\non = [\"overage\"]\n\
             [commitment]\nminimum = \"{}\"\n[[tax]]\nname = \"T\"\npercent = \"{}\"\n",
            if jpy { "connect-jpy" } else { "connect-usd" },
            Decimal::new(i64::from(growth), 1),
            Decimal::new(i64::from(percent), 1),
            Decimal::new(i64::from(amount), 2),
            Decimal::new(i64::from(minimum), 2),
            Decimal::new(i64::from(tax), 1),
        );
        let q = price(catalog, deal(&text)).unwrap();
        let mut sum = Decimal::ZERO;
        for bill in &q.months {
            let lines: Decimal = bill.lines.iter().map(|l| l.amount).sum();
            proptest::prop_assert_eq!(lines, bill.total);
            // A discount never takes more than the lines it is on.
            proptest::prop_assert!(bill.lines.iter().filter(|l| l.kind != LineKind::Tax).map(|l| l.amount).sum::<Decimal>() >= Decimal::ZERO);
            sum += bill.total;
        }
        proptest::prop_assert_eq!(sum, q.total);
        proptest::prop_assert_eq!(q.months.len(), months as usize);
    }
}
