//! CSV output of a single bill (one row per line, then the total) and of
//! listings, written with the `csv` crate so quoting is always right.

use crate::bill::Bill;

use super::table::Table;

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
                super::describe(l, bill.plan),
                l.quantity.to_string(),
                super::unit_price_value(l).unwrap_or_default(),
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

/// Plans as CSV with raw values (no thousands separators), for scripts.
#[must_use]
pub fn plans(plans: &[crate::plan::Plan]) -> String {
    // The columns are the plan file keys, so a CSV round-trips to TOML by name.
    let header = crate::load::PLAN_KEYS.to_vec();
    let rows: Vec<Vec<String>> = plans
        .iter()
        .map(|p| {
            let paid = p.unit().is_some();
            let when_paid = |text: String| if paid { text } else { String::new() };
            vec![
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
                super::optional(p.markup_percent),
                p.example.to_string(),
            ]
        })
        .collect();
    write_rows(
        std::iter::once(header).chain(rows.iter().map(|r| r.iter().map(String::as_str).collect())),
    )
}
