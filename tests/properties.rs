//! Properties of the engine and the plan loader over random plans, counts
//! and files: bills add up, never fall as usage grows, sit on the minor
//! unit; valid plan files load exactly; broken ones fail without panicking.

use ctbill::bill::{MetaCharges, bill};
use ctbill::load::parse_plan_file;
use ctbill::money::{Currency, round_line};
use ctbill::plan::{FairUse, Plan, Product};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// A decimal with up to `scale` places from a mantissa.
fn decimal(max: i64, scale: u32) -> impl Strategy<Value = Decimal> {
    (0..=max).prop_map(move |m| Decimal::new(m, scale))
}

fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(vec!["USD", "EUR", "INR", "JPY", "KRW", "BHD", "CLP"])
        .prop_map(|c| Currency::from_code(c).unwrap())
}

prop_compose! {
    fn any_plan()(
        direct in any::<bool>(),
        currency in currency(),
        base_fee in decimal(10_000_000, 2),
        included in 0u64..1_000_000,
        overage_rate in decimal(100_000, 5),
        fair_use in prop::option::of((0u64..1_000_000, decimal(100_000, 5))),
        markup in decimal(5_000, 1),
    ) -> Plan {
        let fair_use = fair_use
            .filter(|_| direct)
            .map(|(above, rate)| FairUse { limit: included + above, rate });
        Plan {
            id: "p".into(),
            name: "p".into(),
            product: if direct { Product::Direct } else { Product::Connect },
            currency,
            base_fee,
            included,
            overage_rate,
            fair_use,
            markup_percent: direct.then_some(markup),
            example: false,
            origin: "generated".into(),
        }
    }
}

fn meta_for(plan: &Plan, amount: Decimal) -> MetaCharges {
    if plan.product == Product::Direct {
        MetaCharges::Amount(amount)
    } else {
        MetaCharges::None
    }
}

proptest! {
    #[test]
    fn total_is_the_sum_of_the_rounded_lines(plan in any_plan(), count in 0u64..10_000_000, meta in decimal(1_000_000_000, 3)) {
        let bill = bill(&plan, count, None, meta_for(&plan, meta)).unwrap();
        let sum: Decimal = bill.lines.iter().map(|l| l.amount).sum();
        prop_assert_eq!(bill.total, sum);
        // Independently of how the engine adds: each line is off its exact
        // value by at most half a minor unit, so the total is off the exact
        // sum by at most that many halves (the markup is exact on the shown
        // Meta subtotal, which is itself within the Meta lines' halves).
        let exact: Decimal = bill.lines.iter().map(|l| l.exact).sum();
        let half = Decimal::new(5, plan.currency.minor_units() + 1);
        let lines = Decimal::from(bill.lines.len());
        prop_assert!((bill.total - exact).abs() <= half * lines, "{} vs {}", bill.total, exact);
    }

    #[test]
    fn every_amount_sits_on_the_minor_unit(plan in any_plan(), count in 0u64..10_000_000, meta in decimal(1_000_000_000, 3)) {
        let bill = bill(&plan, count, None, meta_for(&plan, meta)).unwrap();
        for line in &bill.lines {
            prop_assert_eq!(line.amount.scale(), plan.currency.minor_units());
            prop_assert_eq!(round_line(line.amount, plan.currency), line.amount);
            // Rounded once from the exact value, never more than half a minor unit away.
            let half = Decimal::new(5, plan.currency.minor_units() + 1);
            prop_assert!((line.amount - line.exact).abs() <= half);
        }
    }

    #[test]
    fn total_never_falls_as_usage_grows(plan in any_plan(), count in 0u64..10_000_000, more in 0u64..1_000_000) {
        let smaller = bill(&plan, count, None, MetaCharges::None).unwrap();
        let larger = bill(&plan, count + more, None, MetaCharges::None).unwrap();
        prop_assert!(larger.total >= smaller.total, "{} then {}", smaller.total, larger.total);
    }

    #[test]
    fn valid_plan_files_load_exactly(plan in any_plan(), bare in any::<bool>()) {
        let amount = |d: Decimal| if bare && d.scale() > 0 { d.to_string() } else { format!("\"{d}\"") };
        let mut text = format!(
            "[[plan]]\nid = \"p\"\nname = \"p\"\nproduct = \"{}\"\ncurrency = \"{}\"\nbase_fee = {}\nincluded = {}\noverage_rate = {}\n",
            plan.product, plan.currency, amount(plan.base_fee), plan.included, amount(plan.overage_rate)
        );
        if let Some(f) = &plan.fair_use {
            let _ = write!(text, "fair_use_limit = {}\nfair_use_rate = {}\n", f.limit, amount(f.rate));
        }
        if let Some(m) = plan.markup_percent {
            let _ = writeln!(text, "markup_percent = {}", amount(m));
        }
        let (plans, problems) = parse_plan_file("p.toml", &text);
        prop_assert!(problems.is_empty(), "{problems:?}\n{text}");
        let loaded = &plans[0];
        prop_assert_eq!(loaded.base_fee.to_string(), plan.base_fee.to_string());
        prop_assert_eq!(loaded.overage_rate.to_string(), plan.overage_rate.to_string());
        prop_assert_eq!(&loaded.fair_use, &plan.fair_use);
        prop_assert_eq!(loaded.markup_percent, plan.markup_percent);
    }

    #[test]
    fn broken_plan_files_give_located_errors_never_panics(
        cut in 0usize..400,
        junk in "[\\[\\]=\"a-z0-9._ \n-]{0,40}",
    ) {
        let valid = "[[plan]]\nid = \"connect-10k\"\nproduct = \"connect\"\ncurrency = \"USD\"\nbase_fee = 30.00\nincluded = 10000\noverage_rate = 0.0070\n";
        let cut = cut.min(valid.len());
        let text = format!("{}{junk}", &valid[..cut]);
        let (plans, problems) = parse_plan_file("p.toml", &text);
        // Either it still parses to a plan, or every problem is located in the file.
        prop_assert!(!plans.is_empty() || !problems.is_empty());
        for p in &problems {
            prop_assert!(p.line >= 1 && p.line <= text.lines().count().max(1) + 1, "{p}");
        }
    }

    #[test]
    fn arbitrary_text_never_panics_the_loader(text in "\\PC{0,200}") {
        let _ = parse_plan_file("p.toml", &text);
    }
}
