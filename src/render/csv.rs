//! CSV output of a single bill (one row per line, then the total) and of
//! listings, written with the `csv` crate so quoting is always right.

use std::collections::HashMap;

use crate::advice::{Comparison, Reach, Tier};
use crate::bill::{Bill, LineKind};
use crate::plan::Plan;
use crate::report::table::{Align, Table};
use crate::report::{self, Report, comparison, rates};

/// A report as CSV.
#[must_use]
pub fn write(report: &Report<'_>) -> String {
    match report {
        Report::Bill { bill: b, .. } => bill(b),
        Report::BillDiff { diff, .. } => bill_diff(diff),
        Report::Plans(list) => plans(list),
        Report::Plan(plan) => plans(std::slice::from_ref(*plan)),
        Report::Comparison(c) => comparison(c),
        Report::RateCards(cards) => table(&rates::cards_table(cards)),
        Report::RateCard(shown) => table(&rates::rates_table(shown.card, shown.markets)),
        Report::Quote { quote: q, .. } => quote(q),
        Report::RatesDiff(diff) => rates_diff(diff),
    }
}

/// A quote as CSV: `month,plan,currency,count,clevertap,meta,discounts,taxes,total`,
/// one row per month with raw values, then a `total` row (its `month`
/// cell `total`, only `total` filled).
#[must_use]
pub fn quote(q: &crate::quote::Quote<'_>) -> String {
    let header = vec![
        "month",
        "plan",
        "currency",
        "count",
        "clevertap",
        "meta",
        "discounts",
        "taxes",
        "total",
    ];
    let (plan, currency) = (q.plan.id.as_str(), q.currency().code());
    let rows: Vec<Vec<String>> = q
        .months
        .iter()
        .map(|b| {
            let mut row = vec![
                b.month.map(|m| m.to_string()).unwrap_or_default(),
                b.count.to_string(),
            ];
            row.extend(
                crate::report::quote::month_figures(b)
                    .iter()
                    .map(ToString::to_string),
            );
            row
        })
        .collect();
    let total = q.total.to_string();
    write_rows(
        std::iter::once(header)
            .chain(rows.iter().map(|r| {
                let mut row = vec![r[0].as_str(), plan, currency];
                row.extend(r[1..].iter().map(String::as_str));
                row
            }))
            .chain(std::iter::once(vec![
                "total", plan, currency, "", "", "", "", "", &total,
            ])),
    )
}

/// Writes rows as CSV text; writing into memory cannot fail, and a
/// failure would show as a truncated text rather than a panic.
fn write_rows<'a>(rows: impl IntoIterator<Item = Vec<&'a str>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        if writer.write_record(&row).is_err() {
            break;
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The bill as CSV:
/// `plan,currency,month,kind,description,quantity,unit_price,amount`, one
/// row per line, then the total; then a `meta_card` row naming the Meta
/// rate card used, if any, and one `note` row per note (example prices,
/// the card's known gaps, ...), the text in `description`. `unit_price` is
/// empty for a Meta line priced on several volume tiers, and the markup's
/// is the fraction (10% → `0.10`), so quantity × unit price is the exact
/// amount.
#[must_use]
pub fn bill(bill: &Bill<'_>) -> String {
    let header = vec![
        "plan",
        "currency",
        "month",
        "kind",
        "description",
        "quantity",
        "unit_price",
        "amount",
    ];
    let lines: Vec<[String; 5]> = bill
        .lines
        .iter()
        .map(|l| {
            [
                l.kind.as_str().to_owned(),
                report::bill::describe(l, bill.plan),
                l.quantity.to_string(),
                report::bill::unit_price_value(l).unwrap_or_default(),
                l.amount.to_string(),
            ]
        })
        .collect();
    let total = bill.total.to_string();
    let month = bill.month.map(|m| m.to_string()).unwrap_or_default();
    let (plan, currency) = (bill.plan.id.as_str(), bill.currency().code());
    let remark = |kind, text| vec![plan, currency, month.as_str(), kind, text, "", "", ""];
    write_rows(
        std::iter::once(header)
            .chain(lines.iter().map(|l| {
                let mut row = vec![plan, currency, month.as_str()];
                row.extend(l.iter().map(String::as_str));
                row
            }))
            .chain(std::iter::once(vec![
                plan,
                currency,
                month.as_str(),
                "total",
                "Total",
                "",
                "",
                &total,
            ]))
            .chain(bill.meta_card.iter().map(|c| remark("meta_card", c)))
            .chain(bill.notes.iter().map(|n| remark("note", n))),
    )
}

/// A bill beside the same usage priced another way, as CSV:
/// `plan,currency,month,vs_month,kind,description,amount,vs_amount,change,why`,
/// one row per line (an amount empty on the side the line is not on), then
/// the total; `why` says why a line changed (the rate, the tiers, the card,
/// the plan), joined by `; `. Then `meta_card`, `vs_meta_card` and `note`
/// rows, the text in `description`.
#[must_use]
pub fn bill_diff(diff: &crate::diff::BillDiff<'_>) -> String {
    let header = vec![
        "plan",
        "currency",
        "month",
        "vs_month",
        "kind",
        "description",
        "amount",
        "vs_amount",
        "change",
        "why",
    ];
    let month = |b: &Bill<'_>| b.month.map(|m| m.to_string()).unwrap_or_default();
    let (this_month, vs_month) = (month(diff.this), month(diff.vs));
    let amount = |l: Option<&crate::bill::Line>| l.map_or(String::new(), |l| l.amount.to_string());
    let lines: Vec<[String; 6]> = diff
        .lines
        .iter()
        .map(|c| {
            [
                c.line().kind.as_str().to_owned(),
                report::diff::describe(diff, c),
                amount(c.this),
                amount(c.vs),
                c.change.to_string(),
                c.why.join("; "),
            ]
        })
        .collect();
    let total = [
        "total".to_owned(),
        "Total".to_owned(),
        diff.this.total.to_string(),
        diff.vs.total.to_string(),
        diff.change.to_string(),
        String::new(),
    ];
    let mut remarks: Vec<[String; 6]> = Vec::new();
    let remark = |kind: &str, text: String| {
        [
            kind.to_owned(),
            text,
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]
    };
    if let Some(card) = &diff.this.meta_card {
        remarks.push(remark("meta_card", card.to_string()));
    }
    if let Some(card) = &diff.vs.meta_card {
        remarks.push(remark("vs_meta_card", card.to_string()));
    }
    for note in report::diff::notes(diff) {
        remarks.push(remark("note", note));
    }
    let (plan, currency) = (diff.this.plan.id.as_str(), diff.this.currency().code());
    write_rows(
        std::iter::once(header).chain(
            lines
                .iter()
                .chain(std::iter::once(&total))
                .chain(&remarks)
                .map(|cells| {
                    let mut row = vec![plan, currency, this_month.as_str(), vs_month.as_str()];
                    row.extend(cells.iter().map(String::as_str));
                    row
                }),
        ),
    )
}

/// A [`Table`] as CSV (header, then every row; footer rows included).
#[must_use]
pub fn table(table: &Table) -> String {
    write_rows(
        std::iter::once(table.headers()).chain(
            table
                .all_rows()
                .map(|(row, _)| row.iter().map(String::as_str).collect()),
        ),
    )
}

/// Plans as CSV with raw values (no thousands separators), for scripts;
/// the columns are the plan file's keys, so a CSV round-trips to TOML by
/// name.
#[must_use]
pub fn plans(plans: &[Plan]) -> String {
    table(&report::plans::plan_records(plans))
}

/// The comparison as CSV, one row per tier (cheapest first when there is
/// a count, else by size): raw amounts, no separators. `cheaper_from` is
/// where the tier becomes cheaper than the next smaller one (`never`, or
/// empty for the smallest); `budget_reach` is a count, `unlimited` or
/// `not_even_base`. `month`, `meta_card` and `notes` (joined by ` | `) are
/// the comparison's, on every row; `example` says whether the tier's
/// prices are examples.
#[must_use]
pub fn comparison(c: &Comparison<'_>) -> String {
    let columns = [
        "plan",
        "currency",
        "month",
        "unit",
        "count",
        "included",
        "example",
        "base",
        "overage",
        "fair_use_overage",
        "meta",
        "markup",
        "total",
        "difference",
        "cheapest",
        "cheaper_than",
        "cheaper_from",
        "budget",
        "budget_reach",
        "meta_card",
        "notes",
    ];
    let mut rows = Table::new(&columns.map(|h| (h, Align::Left)));
    // Looked up by id once per row: maps keep a comparison of many tiers linear.
    let tiers: HashMap<&str, &Tier<'_>> = c.tiers.iter().map(|t| (t.plan.id.as_str(), t)).collect();
    let quotes: HashMap<&str, _> = c
        .quotes
        .iter()
        .map(|q| (q.bill.plan.id.as_str(), q))
        .collect();
    let into: HashMap<&str, _> = c
        .break_evens
        .iter()
        .map(|b| (b.to.id.as_str(), b))
        .collect();
    let reaches: HashMap<&str, Reach> = c
        .budget
        .iter()
        .flat_map(|b| &b.reach)
        .map(|(p, r)| (p.id.as_str(), *r))
        .collect();
    let ids: Vec<&str> = if c.quotes.is_empty() {
        c.tiers.iter().map(|t| t.plan.id.as_str()).collect()
    } else {
        c.quotes.iter().map(|q| q.bill.plan.id.as_str()).collect()
    };
    let month = c.month.map(|m| m.to_string()).unwrap_or_default();
    let card = c.meta_card.as_deref().unwrap_or_default();
    let notes: Vec<&str> = c.notes.iter().map(AsRef::as_ref).collect();
    let notes = notes.join(" | ");
    for id in ids {
        let quote = quotes.get(id);
        let amount = |kind| {
            quote
                // Absent lines show as zero at the currency's scale (0.00).
                .map(|q| q.bill.amount_of(kind).to_string())
                .unwrap_or_default()
        };
        let into = into.get(id);
        let reach = reaches
            .get(id)
            .map(|r| match comparison::reach_json(*r) {
                (_, Some(n)) => n.to_string(),
                (name, None) => name.to_owned(),
            })
            .unwrap_or_default();
        let tier = tiers.get(id);
        rows.row(vec![
            id.to_owned(),
            c.currency.code().to_owned(),
            month.clone(),
            c.unit.plural().to_owned(),
            c.count.map(|n| n.to_string()).unwrap_or_default(),
            tier.map_or(0, |t| t.plan.included).to_string(),
            tier.is_some_and(|t| t.plan.example).to_string(),
            amount(LineKind::Base),
            amount(LineKind::Overage),
            amount(LineKind::FairUseOverage),
            amount(LineKind::Meta),
            amount(LineKind::Markup),
            quote.map(|q| q.bill.total.to_string()).unwrap_or_default(),
            quote.map(|q| q.difference.to_string()).unwrap_or_default(),
            quote.map(|q| q.cheapest.to_string()).unwrap_or_default(),
            into.map(|b| b.from.id.clone()).unwrap_or_default(),
            into.map(|b| b.at.map_or("never".to_owned(), |n| n.to_string()))
                .unwrap_or_default(),
            c.budget
                .as_ref()
                .map(|b| b.amount.to_string())
                .unwrap_or_default(),
            reach,
            card.to_owned(),
            notes.clone(),
        ]);
    }
    table(&rows)
}
/// `rates diff` as CSV: one row per changed rate,
/// `currency,card,vs_card,market,vs_market,category,rate,vs_rate,change,percent`;
/// a rate a card lacks, and the change and percentage then, are empty.
/// Markets added or removed show as rows with one rate empty; the volume
/// tiers that changed are in the other formats.
#[must_use]
pub fn rates_diff(report: &report::rates_diff::RatesDiff<'_>) -> String {
    let diff = &report.diff;
    let (card, vs) = (
        diff.card.effective().to_string(),
        diff.vs_card.effective().to_string(),
    );
    let currency = diff.card.currency().code();
    let text = |d: Option<rust_decimal::Decimal>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows: Vec<[String; 10]> = diff
        .changes
        .iter()
        .map(|c| {
            [
                currency.to_owned(),
                card.clone(),
                vs.clone(),
                c.market.clone(),
                c.vs_market.clone().unwrap_or_default(),
                c.category.name().to_owned(),
                text(c.rate),
                text(c.vs_rate),
                text(c.change()),
                text(c.percent()),
            ]
        })
        .collect();
    let header = vec![
        "currency",
        "card",
        "vs_card",
        "market",
        "vs_market",
        "category",
        "rate",
        "vs_rate",
        "change",
        "percent",
    ];
    write_rows(
        std::iter::once(header).chain(rows.iter().map(|r| r.iter().map(String::as_str).collect())),
    )
}
