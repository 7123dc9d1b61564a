//! The plans' report: the `plans` listing as a [`Table`], one plan's
//! fields (`plans show`), and the column names of the machine-readable
//! listing.

use rust_decimal::Decimal;

use super::table::{Align, Table};
use crate::money::{group_count, group_thousands};
use crate::plan::{PLAN_KEYS, Plan};

/// An optional amount as text (empty when absent).
#[must_use]
pub fn optional(amount: Option<Decimal>) -> String {
    amount.map(|a| a.to_string()).unwrap_or_default()
}

/// Plan prices for listings: fair use as "100,000 @ 0.0200".
#[must_use]
pub fn fair_use_text(plan: &Plan) -> String {
    plan.fair_use
        .as_ref()
        .map(|f| format!("{} @ {}", group_count(f.limit), f.rate))
        .unwrap_or_default()
}

/// The markup as "10%".
#[must_use]
pub fn markup_text(plan: &Plan) -> String {
    plan.markup_percent
        .map(|p| format!("{}%", p.normalize()))
        .unwrap_or_default()
}

/// Plans as a [`Table`] (the `plans` listing).
#[must_use]
pub fn plans_table(plans: &[Plan]) -> Table {
    let mut table = Table::new(&[
        ("Id", Align::Left),
        ("Name", Align::Left),
        ("Product", Align::Left),
        ("Currency", Align::Left),
        ("Base fee", Align::Right),
        ("Included", Align::Right),
        ("Overage", Align::Right),
        ("Fair use", Align::Right),
        ("Markup", Align::Right),
        ("Example", Align::Left),
    ])
    .short_headers(&[
        ("Currency", "Cur."),
        ("Included", "Incl."),
        ("Overage", "Over."),
        ("Markup", "Mkup"),
        ("Example", "Ex."),
    ]);
    for plan in plans {
        let paid = plan.unit().is_some();
        let when_paid = |text: String| if paid { text } else { String::new() };
        table.row(vec![
            plan.id.clone(),
            plan.name.clone(),
            plan.product.to_string(),
            if paid {
                plan.currency.to_string()
            } else {
                String::new()
            },
            when_paid(group_thousands(plan.base_fee)),
            when_paid(crate::money::group_count(plan.included)),
            when_paid(plan.overage_rate.to_string()),
            fair_use_text(plan),
            markup_text(plan),
            if plan.example && paid { "yes" } else { "" }.to_owned(),
        ]);
    }
    table
}

/// One plan, field by field (`plans show ID`): each field's name and
/// value, leaving out empty ones.
#[must_use]
pub fn plan_fields(plan: &Plan) -> Vec<(&'static str, String)> {
    let mut fields = Vec::new();
    let mut field = |name: &'static str, value: String| {
        if !value.is_empty() {
            fields.push((name, value));
        }
    };
    field("product", plan.product.to_string());
    if let Some(unit) = plan.unit() {
        field("currency", plan.currency.to_string());
        field(
            "base fee",
            format!("{} per month", group_thousands(plan.base_fee)),
        );
        field("included", unit.count_text(plan.included));
        field(
            "overage rate",
            format!("{} per {}", plan.overage_rate, unit.singular()),
        );
        if let Some(f) = &plan.fair_use {
            field(
                "fair use",
                format!(
                    "{} per {} above {}",
                    f.rate,
                    unit.singular(),
                    crate::money::group_count(f.limit)
                ),
            );
        }
    } else {
        field(
            "prices",
            "none: campaigns and journeys need an add-on".to_owned(),
        );
    }
    field(
        "markup",
        markup_text(plan).replace('%', "% over Meta's charges"),
    );
    if plan.example {
        field(
            "example",
            "yes: example prices, not a contract; replace them with contract prices".to_owned(),
        );
    }
    field("defined at", plan.origin.clone());
    fields
}

/// Plans with raw values (no thousands separators), one row each under
/// [`PLAN_KEYS`]; prices are empty for a plan without them.
#[must_use]
pub fn plan_records(plans: &[Plan]) -> Table {
    let mut table = Table::new(&PLAN_KEYS.map(|key| (key, Align::Left)));
    for p in plans {
        let paid = p.unit().is_some();
        let when_paid = |text: String| if paid { text } else { String::new() };
        table.row(vec![
            p.id.clone(),
            p.name.clone(),
            p.product.to_string(),
            when_paid(p.currency.to_string()),
            when_paid(p.base_fee.to_string()),
            when_paid(p.included.to_string()),
            when_paid(p.overage_rate.to_string()),
            p.fair_use
                .as_ref()
                .map(|f| f.limit.to_string())
                .unwrap_or_default(),
            p.fair_use
                .as_ref()
                .map(|f| f.rate.to_string())
                .unwrap_or_default(),
            optional(p.markup_percent),
            p.example.to_string(),
        ]);
    }
    table
}
