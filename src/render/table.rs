//! Plain-text tables for the terminal: columns padded to their widest cell,
//! numbers right-aligned, a rule under the header and above totals.

use std::fmt::Write as _;

use crate::bill::Bill;
use crate::money::group_thousands;
use crate::plan::Plan;

/// Column alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// A table under construction: a header, body rows, optional footer rows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
    footer: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers and alignments.
    #[must_use]
    pub fn new(columns: &[(&str, Align)]) -> Self {
        Self {
            columns: columns.iter().map(|&(h, a)| (h.to_owned(), a)).collect(),
            ..Self::default()
        }
    }

    /// Adds a body row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Adds a footer row, set off by a rule (totals).
    pub fn footer(&mut self, cells: Vec<String>) {
        self.footer.push(cells);
    }

    /// Whether the table has no rows at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.footer.is_empty()
    }

    /// The columns' header texts.
    #[must_use]
    pub fn headers(&self) -> Vec<&str> {
        self.columns.iter().map(|(h, _)| h.as_str()).collect()
    }

    /// Body rows then footer rows, for renderers of other formats.
    pub fn all_rows(&self) -> impl Iterator<Item = (&Vec<String>, bool)> {
        self.rows
            .iter()
            .map(|r| (r, false))
            .chain(self.footer.iter().map(|r| (r, true)))
    }

    /// The columns' alignments.
    #[must_use]
    pub fn alignments(&self) -> Vec<Align> {
        self.columns.iter().map(|&(_, a)| a).collect()
    }

    /// Renders with two spaces between columns.
    #[must_use]
    pub fn render(&self) -> String {
        let width = |cell: &str| cell.chars().count();
        let mut widths: Vec<usize> = self.columns.iter().map(|(h, _)| width(h)).collect();
        for (row, _) in self.all_rows() {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let rule = "─".repeat(widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1));
        let format_row = |cells: &[String]| {
            let mut text = String::new();
            for ((cell, &w), (_, align)) in cells.iter().zip(&widths).zip(&self.columns) {
                if !text.is_empty() {
                    text.push_str("  ");
                }
                let pad = " ".repeat(w.saturating_sub(width(cell)));
                match align {
                    Align::Left => {
                        text.push_str(cell);
                        text.push_str(&pad);
                    }
                    Align::Right => {
                        text.push_str(&pad);
                        text.push_str(cell);
                    }
                }
            }
            text.trim_end().to_owned()
        };
        let headers: Vec<String> = self.columns.iter().map(|(h, _)| h.clone()).collect();
        let mut out = String::new();
        let _ = writeln!(out, "{}", format_row(&headers));
        let _ = writeln!(out, "{rule}");
        for row in &self.rows {
            let _ = writeln!(out, "{}", format_row(row));
        }
        if !self.footer.is_empty() {
            let _ = writeln!(out, "{rule}");
            for row in &self.footer {
                let _ = writeln!(out, "{}", format_row(row));
            }
        }
        out
    }
}

/// The bill as a table: title, usage, one row per line, the total, notes,
/// and with `explain` each line's formula.
#[must_use]
pub fn bill(bill: &Bill<'_>, explain: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}), {}{}",
        bill.plan.name,
        bill.plan.id,
        super::usage_text(bill),
        super::month_text(bill)
    );
    if let Some(card) = &bill.meta_card {
        let _ = writeln!(out, "Meta rates: {card}");
    }
    out.push('\n');
    out.push_str(&bill_table(bill).render());
    for note in &bill.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if explain {
        out.push_str("\nHow each line was computed:\n");
        let rows = super::explain(bill);
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (kind, text) in rows {
            let _ = writeln!(out, "  {kind:<width$}  {text}");
        }
    }
    out
}

/// The bill's lines as a [`Table`], shared with the Markdown renderer.
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
            super::describe(line, bill.plan),
            group_thousands(line.quantity),
            super::unit_price_text(line),
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
            super::fair_use_text(plan),
            super::markup_text(plan),
            if plan.example && paid { "yes" } else { "" }.to_owned(),
        ]);
    }
    table
}

/// One plan, field by field (`plans show ID`).
#[must_use]
pub fn plan_card(plan: &Plan) -> String {
    let mut out = format!("{} ({})\n", plan.name, plan.id);
    let mut field = |name: &str, value: String| {
        if !value.is_empty() {
            let _ = writeln!(out, "  {name:<16} {value}");
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
        super::markup_text(plan).replace('%', "% over Meta's charges"),
    );
    if plan.example {
        field(
            "example",
            "yes: example prices, not a contract; replace them with contract prices".to_owned(),
        );
    }
    field("defined at", plan.origin.clone());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_left_and_right_aligned_columns() {
        let mut table = Table::new(&[("Item", Align::Left), ("Amount", Align::Right)]);
        table.row(vec!["Base fee".into(), "30.00".into()]);
        table.row(vec!["Overage".into(), "1,035.00".into()]);
        table.footer(vec!["Total".into(), "1,065.00".into()]);
        let expected = "\
Item        Amount
──────────────────
Base fee     30.00
Overage   1,035.00
──────────────────
Total     1,065.00
";
        assert_eq!(table.render(), expected);
    }
}
