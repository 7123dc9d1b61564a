//! Chart tests: the SVG parses, has one series per tier, and its axes,
//! ticks and labels match figures worked by hand.

use rust_decimal::Decimal;

use super::*;
use crate::advice::{Comparison, CurrencyChoice};
use crate::bill::{MetaCharges, bill};
use crate::money::Currency;
use crate::plan::{Plan, Product};

fn connect(id: &str, base: i64, included: u64, rate: i64) -> Plan {
    Plan {
        id: id.into(),
        name: format!("Connect {id} <&>"),
        product: Product::Connect,
        currency: Currency::from_code("USD").unwrap(),
        base_fee: Decimal::new(base, 0),
        included,
        overage_rate: Decimal::new(rate, 4),
        fair_use: None,
        markup_percent: None,
        example: false,
        origin: "test".into(),
    }
}

fn ladder() -> Vec<Plan> {
    vec![
        connect("connect-10k", 30, 10_000, 70),
        connect("connect-25k", 110, 25_000, 60),
        connect("connect-50k", 200, 50_000, 50),
    ]
}

fn chart(plans: &[Plan], count: Option<u64>, budget: Option<Decimal>) -> String {
    let bills = plans
        .iter()
        .map(|p| bill(p, count.unwrap_or(0), None, MetaCharges::None).unwrap())
        .collect();
    let usd = Currency::from_code("USD").unwrap();
    let c = Comparison::new(bills, count, (usd, CurrencyChoice::Only), budget).unwrap();
    svg(&c).unwrap()
}

fn texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_owned))
        .collect()
}

#[test]
fn the_chart_is_xml_with_one_series_per_tier() {
    let text = chart(&ladder(), Some(15_000), None);
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses as XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let series: Vec<&str> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("series"))
        .filter_map(|n| n.attribute("data-plan"))
        .collect();
    assert_eq!(series, ["connect-10k", "connect-25k", "connect-50k"]);
    let labels = texts(&doc);
    // Break-evens worked by hand in the advice tests: 21,430 and 40,001.
    for expected in ["21,430", "40,001", "quoted 15,000", "cheapest at the quote"] {
        assert!(
            labels.iter().any(|l| l == expected),
            "{expected} in {labels:?}"
        );
    }
    // Axis labels carry the currency and thousands separators.
    assert!(labels.iter().any(|l| l == "10,000"), "{labels:?}");
    // Totals run to connect-10k's at 60,000: 30 + 0.0070 × 50,000 = 380, in
    // steps of 100 (the nice step above 380 / 5 = 76): up to USD 400.
    assert!(labels.iter().any(|l| l == "USD 400"), "{labels:?}");
    assert!(labels.iter().any(|l| l == "Total per month (USD)"));
    assert!(labels.iter().any(|l| l == "Notifications per month"));
}

#[test]
fn the_volume_axis_runs_well_past_the_last_break_even() {
    // The last break-even is 40,001: × 1.25 = 50,001.25, in steps of 20,000
    // (the nice step above 50,001.25 / 5) that is 60,000; ticks every
    // 10,000 (the nice step above 60,000 / 8 = 7,500).
    let text = chart(&ladder(), Some(15_000), None);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let labels = texts(&doc);
    assert!(labels.iter().any(|l| l == "60,000"), "{labels:?}");
    assert!(labels.iter().any(|l| l == "50,000"), "{labels:?}");
    assert!(!labels.iter().any(|l| l == "70,000"), "{labels:?}");
}

#[test]
fn a_budget_only_chart_draws_the_budget() {
    let text = chart(&ladder(), None, Some(Decimal::new(500, 0)));
    let doc = roxmltree::Document::parse(&text).unwrap();
    let labels = texts(&doc);
    assert!(labels.iter().any(|l| l == "budget USD 500"));
    // Reaches 77,143, 90,000 and 110,000 (advice tests): 110,000 × 1.25 =
    // 137,500, in ticks of 20,000 (the nice step above 137,500 / 8 =
    // 17,187.5): the volume axis ends at 140,000. connect-10k costs
    // 30 + 0.0070 × 130,000 = 940 there; in steps of 200 (above 188) the
    // money axis ends at USD 1,000.
    for expected in ["140,000", "USD 1,000", "USD 800"] {
        assert!(
            labels.iter().any(|l| l == expected),
            "{expected} in {labels:?}"
        );
    }
    assert_eq!(
        doc.descendants()
            .filter(|n| n.attribute("class") == Some("series"))
            .count(),
        3
    );
}

#[test]
fn absurd_amounts_give_a_bounded_chart_not_a_hang() {
    // A budget of 10^26 dollars: every axis still gets at most MAX_TICKS + 1
    // ticks (the tick step used to stop growing at 10^19).
    let svg = chart(
        &ladder(),
        Some(1),
        Some(Decimal::from_i128_with_scale(10_i128.pow(26), 0)),
    );
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let grid_lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("grid"))
        .flat_map(|g| g.children().filter(|n| n.has_tag_name("line")))
        .count();
    assert!(
        grid_lines <= 2 * (MAX_TICKS as usize + 1),
        "{grid_lines} grid lines"
    );
    assert!(svg.len() < 100_000, "{} bytes", svg.len());
}

#[test]
fn nice_steps_are_one_two_two_and_a_half_or_five_times_a_power_of_ten() {
    let d = |v: i64| Decimal::new(v, 0);
    assert_eq!(nice_step(d(10_000), Decimal::ONE), d(10_000));
    assert_eq!(nice_step(d(10_001), Decimal::ONE), d(20_000));
    assert_eq!(nice_step(d(230), Decimal::ONE), d(250));
    assert_eq!(nice_step(d(260), Decimal::ONE), d(500));
    assert_eq!(nice_step(Decimal::new(3, 1), Decimal::ONE), d(1));
}

#[test]
fn the_title_names_the_month_and_example_prices() {
    let mut plans = ladder();
    let plain = chart(&plans, Some(15_000), None);
    assert!(!plain.contains("example prices"), "{plain}");
    assert!(!plain.contains("Example prices"), "{plain}");
    plans[1].example = true;
    let bills = plans
        .iter()
        .map(|p| {
            let mut b = bill(p, 15_000, None, MetaCharges::None).unwrap();
            b.month = crate::calendar::Month::new(2026, 11);
            b
        })
        .collect();
    let usd = Currency::from_code("USD").unwrap();
    let c = Comparison::new(bills, Some(15_000), (usd, CurrencyChoice::Only), None).unwrap();
    let text = svg(&c).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses as XML");
    let heading = "WhatsApp Connect: monthly total by volume (USD), billing month 2026-11";
    assert!(
        texts(&doc).iter().any(|l| l == heading),
        "{:?}",
        texts(&doc)
    );
    // The mark sits under the legend (the title line has no room for it),
    // and the SVG's title carries it too.
    let mark: String = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("example"))
        .flat_map(|n| {
            n.descendants()
                .filter(roxmltree::Node::is_text)
                .filter_map(|t| t.text())
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(mark, "Example prices, not a contract");
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text());
    assert_eq!(
        title,
        Some(&*format!("{heading} (example prices, not a contract)"))
    );
}

#[test]
fn a_break_even_label_near_both_axes_stays_clear_of_the_amounts() {
    // The shipped Connect ladder: the last break-even, 200,002, puts the
    // volume axis at 300,000 (200,002 × 1.25 = 250,002.5, in steps of
    // 50,000), so 21,430 sits 21,430 / 300,000 × 660 ≈ 47 px right of the
    // axis, on the 110.00 level, near the volume axis: a label set to the
    // left of its dot ("21,430", about 45 px) would run over "USD 0".
    let mut plans = ladder();
    plans.push(connect("connect-100k", 350, 100_000, 45));
    plans.push(connect("connect-250k", 800, 250_000, 40));
    let text = chart(&plans, Some(15_000), None);
    let doc = roxmltree::Document::parse(&text).expect("the SVG parses as XML");
    let labels: Vec<(f64, &str, &str)> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("break-even"))
        .filter_map(|g| g.children().find(|n| n.has_tag_name("text")))
        .map(|t| {
            (
                t.attribute("x").unwrap().parse().unwrap(),
                t.attribute("text-anchor").unwrap(),
                t.text().unwrap(),
            )
        })
        .collect();
    assert_eq!(labels.len(), 4, "{labels:?}");
    for (x, anchor, label) in labels {
        let width = 7.5 * f64::from(u32::try_from(label.len()).unwrap());
        let left = if anchor == "end" { x - width } else { x };
        assert!(left >= LEFT, "{label} starts at {left}, left of the plot");
    }
}
