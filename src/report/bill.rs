//! A bill's report: the words, unit prices and formulas every format shows
//! for a bill (`estimate`, and each row of `batch`), and its lines as a
//! [`Table`]. Nothing here prices: the bill holds every figure.

use rust_decimal::Decimal;

use super::table::{Align, Table};
use crate::bill::{Bill, Detail, Line, LineKind};
use crate::meta::Category;
use crate::money::{group_count, group_thousands};
use crate::plan::{Band, BandKind, Plan, Product};

/// The words on a bill line, e.g. "Overage: notifications above 10,000".
#[must_use]
pub fn describe(line: &Line, plan: &Plan) -> String {
    let unit = plan.unit().map_or("units", |u| u.plural());
    match (&line.detail, line.kind) {
        (_, LineKind::Base) => format!("Base fee (includes {} {unit})", group_count(plan.included)),
        (_, LineKind::Overage | LineKind::FairUseOverage) => {
            let (kind, label) = match (line.kind, plan.product) {
                (LineKind::Overage, Product::Direct) => (BandKind::Overage, "Consumption overage"),
                (LineKind::Overage, _) => (BandKind::Overage, "Overage"),
                _ => (BandKind::FairUse, "Fair-usage overage"),
            };
            match plan.bands().into_iter().flatten().find(|b| b.kind == kind) {
                Some(Band {
                    after,
                    up_to: Some(end),
                    ..
                }) => format!(
                    "{label}: {unit} {}–{}",
                    group_count(after.saturating_add(1)),
                    group_count(end)
                ),
                Some(band) => format!("{label}: {unit} above {}", group_count(band.after)),
                None => label.to_owned(),
            }
        }
        (Detail::MetaMessages(m), _) => {
            meta_description(m.category, &m.market, m.parts.len(), m.free)
        }
        (Detail::Markup { percent }, _) => markup_description(*percent),
        (Detail::Term { name, percent, on }, kind) => describe_term(kind, name, *percent, on),
        _ => "Meta WhatsApp charges (from WhatsApp Manager)".to_owned(),
    }
}

/// The words on a Meta line of `category` messages to `market`, priced in
/// `parts` volume tiers, `free` of them free: "Meta utility messages,
/// Argentina, volume tiers".
#[must_use]
pub fn meta_description(category: Category, market: &str, parts: usize, free: u64) -> String {
    let tiered = if parts > 1 { ", volume tiers" } else { "" };
    let free = if free > 0 {
        format!(" (+{} free)", group_count(free))
    } else {
        String::new()
    };
    format!("Meta {category} messages, {market}{tiered}{free}")
}

/// The words on the markup line: "Service markup 10% on Meta charges".
#[must_use]
pub fn markup_description(percent: Decimal) -> String {
    format!("Service markup {}% on Meta charges", percent.normalize())
}

/// The words on a quote's term line: "Discount Annual commitment: 10% of
/// base, overage", "Minimum commitment true-up", "GST 18%".
fn describe_term(kind: LineKind, name: &str, percent: Option<Decimal>, on: &[LineKind]) -> String {
    let kinds: Vec<&str> = on
        .iter()
        .map(|k| match k {
            LineKind::Base => "base fee",
            LineKind::Overage => "overage",
            LineKind::FairUseOverage => "fair-usage overage",
            LineKind::Meta => "Meta charges",
            LineKind::Markup => "markup",
            LineKind::Discount => "discounts",
            LineKind::Commitment => "commitment",
            LineKind::Tax => "taxes",
        })
        .collect();
    let of = if on.is_empty() {
        "every line above".to_owned()
    } else {
        kinds.join(", ")
    };
    match (kind, percent) {
        (LineKind::Commitment, _) => format!("{name}: true-up"),
        (LineKind::Discount, Some(p)) => format!("Discount {name}: {}% of {of}", p.normalize()),
        (LineKind::Discount, None) => format!("Discount {name} on {of}"),
        (_, Some(p)) => format!("{name} {}% of {of}", p.normalize()),
        (_, None) => name.to_owned(),
    }
}

/// A unit price as written (`0.0070`); the markup as a percentage;
/// `tiered` for a Meta line priced on several volume tiers.
#[must_use]
pub fn unit_price_text(line: &Line) -> String {
    match (&line.detail, line.unit_price) {
        (Detail::Markup { percent }, _) => format!("{}%", percent.normalize()),
        (
            Detail::Term {
                percent: Some(p), ..
            },
            _,
        ) if line.kind == LineKind::Discount => format!("-{}%", p.normalize()),
        (
            Detail::Term {
                percent: Some(p), ..
            },
            _,
        ) => format!("{}%", p.normalize()),
        (_, Some(price)) => price.to_string(),
        (_, None) => "tiered".to_owned(),
    }
}

/// A unit price for JSON and CSV: the exact decimal with the digits
/// written (the markup as a fraction, 10% → `0.10`, so that quantity ×
/// unit price is the exact amount); `None` for a tiered Meta line.
#[must_use]
pub fn unit_price_value(line: &Line) -> Option<String> {
    line.unit_price.map(|p| p.to_string())
}

/// The usage line under a bill's title, e.g. "15,000 notifications".
#[must_use]
pub fn usage_text(bill: &Bill<'_>) -> String {
    bill.plan
        .unit()
        .map_or_else(|| group_count(bill.count), |u| u.count_text(bill.count))
}

/// The billing month for a bill's heading, ", billing month 2026-11"
/// (empty for a bill made without one).
#[must_use]
pub fn month_text(bill: &Bill<'_>) -> String {
    bill.month
        .map(|m| format!(", billing month {m}"))
        .unwrap_or_default()
}

/// What a line is, in a customer's words, for `--explain`: "Base fee",
/// "Overage", "Meta marketing messages to India", "Service markup".
#[must_use]
pub fn line_label(line: &Line, plan: &Plan) -> String {
    match (&line.detail, line.kind) {
        (_, LineKind::Base) => "Base fee".to_owned(),
        (_, LineKind::Overage) if plan.product == Product::Direct => {
            "Consumption overage".to_owned()
        }
        (_, LineKind::Overage) => "Overage".to_owned(),
        (_, LineKind::FairUseOverage) => "Fair-usage overage".to_owned(),
        (Detail::MetaMessages(m), _) => format!("Meta {} messages to {}", m.category, m.market),
        (_, LineKind::Markup) => "Service markup".to_owned(),
        (Detail::Term { name, .. }, LineKind::Discount) => {
            format!("Discount {name}")
        }
        (Detail::Term { name, .. }, _) => name.to_string(),
        _ => "Meta charges".to_owned(),
    }
}

/// `--explain`: each line's label (in a customer's words), its formula,
/// exact value and rounding; then the total and the rounding rule.
#[must_use]
pub fn explain(bill: &Bill<'_>) -> Vec<(String, String)> {
    let currency = bill.currency();
    let mut rows: Vec<(String, String)> = bill
        .lines
        .iter()
        .map(|line| {
            let formula = match &line.detail {
                Detail::Platform => format!(
                    "{} × {}",
                    group_thousands(line.quantity),
                    line.unit_price.unwrap_or_default()
                ),
                Detail::MetaAmount => format!("{} as given", group_thousands(line.exact)),
                Detail::MetaMessages(m) => {
                    let parts: Vec<String> = m
                        .parts
                        .iter()
                        .map(|p| format!("{} × {}", group_count(p.count), p.rate))
                        .collect();
                    match parts.len() {
                        0 if m.count > 0 => format!("{} × 0 (not charged)", group_count(m.count)),
                        0 => "0".to_owned(),
                        1 => parts.join(""),
                        _ => format!("volume tiers {}", parts.join(" + ")),
                    }
                }
                Detail::Markup { percent } => {
                    format!(
                        "{}% of the Meta charges of {}",
                        percent.normalize(),
                        group_thousands(line.quantity),
                    )
                }
                Detail::Term {
                    percent: Some(p), ..
                } => {
                    let sign = if line.kind == LineKind::Discount {
                        "minus "
                    } else {
                        ""
                    };
                    format!(
                        "{sign}{}% of {}",
                        p.normalize(),
                        group_thousands(line.quantity)
                    )
                }
                Detail::Term { .. } if line.kind == LineKind::Commitment => {
                    "the monthly minimum less the month's CleverTap charges (every line but Meta)"
                        .to_owned()
                }
                Detail::Term { .. } => {
                    "the agreed amount, at most the sum of the lines it is on".to_owned()
                }
            };
            let text = format!(
                "{formula} = {} → {}",
                group_thousands(line.exact),
                group_thousands(line.amount)
            );
            (line_label(line, bill.plan), text)
        })
        .collect();
    let sum: Vec<String> = bill
        .lines
        .iter()
        .map(|l| group_thousands(l.amount))
        .collect();
    rows.push((
        "Total".to_owned(),
        format!("{} = {}", sum.join(" + "), group_thousands(bill.total)),
    ));
    rows.push((
        "Rounding".to_owned(),
        format!(
            "each line once, to {} decimal place{} ({} minor unit), half away from zero; the total adds the rounded lines",
            currency.minor_units(),
            if currency.minor_units() == 1 { "" } else { "s" },
            currency.code()
        ),
    ));
    rows
}

/// The bill's lines as a [`Table`]: item, quantity, unit price and amount,
/// then the total.
#[must_use]
pub fn bill_table(bill: &Bill<'_>) -> Table {
    let amount_header = format!("Amount ({})", bill.currency());
    let mut table = Table::new(&[
        ("Item", Align::Left),
        ("Quantity", Align::Right),
        ("Unit price", Align::Right),
        (&amount_header, Align::Right),
    ]);
    for line in &bill.lines {
        table.row(vec![
            describe(line, bill.plan),
            group_thousands(line.quantity),
            unit_price_text(line),
            group_thousands(line.amount),
        ]);
    }
    table.footer(vec![
        "Total".to_owned(),
        String::new(),
        String::new(),
        format!("{} {}", bill.currency(), group_thousands(bill.total)),
    ]);
    table
}
