//! Markdown output, written by hand: right-aligned number columns
//! (`---:`) and `|` escaped inside cells, so a table pasted into an email
//! or an issue renders as it should.

use std::fmt::Write as _;

use crate::advice::Comparison;
use crate::bill::Bill;
use crate::report::table::{Align, Table};
use crate::report::{self, CardRates, Report, comparison, rates};

/// A report as Markdown.
#[must_use]
pub fn write(report: &Report<'_>) -> String {
    match report {
        Report::Bill { bill: b, explain } => bill(b, *explain),
        Report::BillDiff { diff, explain } => bill_diff(diff, *explain),
        Report::Plans(plans) => table(&report::plans::plans_table(plans)),
        Report::Plan(plan) => table(&report::plans::plans_table(std::slice::from_ref(*plan))),
        Report::Comparison(c) => comparison(c),
        Report::RateCards(cards) => table(&rates::cards_table(cards)),
        Report::RateCard(shown) => card_rates(shown),
        Report::Quote { quote: q, explain } => quote(q, *explain),
        Report::RatesDiff(diff) => rates_diff(diff),
    }
}

/// A quote as Markdown: the same as the table (heading, months, total,
/// advice, the first month itemized or every month with `explain`, notes).
#[must_use]
pub fn quote(q: &crate::quote::Quote<'_>, explain: bool) -> String {
    use crate::report::quote as model;
    // Markdown passes inline HTML through: a customer named `<script>`
    // must stay text.
    let text = |t: &str| escape(t);
    let mut out = format!(
        "**{}**\n\n{}\n\n",
        text(&model::title(q)),
        text(&model::dated(q))
    );
    out.push_str(&table(&model::months_table(q)));
    if let Some(advice) = model::advice(q) {
        let _ = write!(out, "\n{}\n", escape(&advice));
    }
    let shown = if explain { q.months.len() } else { 1 };
    for month in q.months.iter().take(shown) {
        let _ = write!(
            out,
            "\n**{}**: {}\n\n",
            month.month.map(|m| m.to_string()).unwrap_or_default(),
            report::bill::usage_text(month)
        );
        out.push_str(&table(&report::bill::bill_table(month)));
        if explain {
            out.push('\n');
            for (kind, text) in report::bill::explain(month) {
                let _ = writeln!(out, "- **{}**: {}", escape(&kind), escape(&text));
            }
        }
    }
    for note in model::notes(q) {
        let _ = write!(out, "\n_Note: {}_\n", escape(&note));
    }
    out
}

/// Escapes what would break a table cell, and markup: Markdown shows raw
/// HTML, so a name from a file (`<script>`, `</td><a href=…>`) is written
/// as text.
#[must_use]
pub fn escape(cell: &str) -> String {
    cell.replace('\\', "\\\\")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// A [`Table`] as a Markdown table; footer rows are set in bold.
#[must_use]
pub fn table(table: &Table) -> String {
    let mut out = String::new();
    let headers: Vec<String> = table.headers().iter().map(|h| escape(h)).collect();
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let markers: Vec<&str> = table
        .alignments()
        .iter()
        .map(|a| match a {
            Align::Left => ":---",
            Align::Right => "---:",
        })
        .collect();
    let _ = writeln!(out, "| {} |", markers.join(" | "));
    for (row, footer) in table.all_rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match (footer, c.is_empty()) {
                (true, false) => format!("**{}**", escape(c)),
                _ => escape(c),
            })
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// The bill as Markdown: a title line, the table, notes and, with
/// `explain`, each line's formula.
#[must_use]
pub fn bill(bill: &Bill<'_>, explain: bool) -> String {
    let mut out = format!(
        "**{}** (`{}`): {}{}\n\n",
        escape(&bill.plan.name),
        bill.plan.id,
        report::bill::usage_text(bill),
        report::bill::month_text(bill)
    );
    if let Some(card) = &bill.meta_card {
        let _ = writeln!(out, "Meta rates: {}\n", escape(card));
    }
    out.push_str(&table(&report::bill::bill_table(bill)));
    for note in &bill.notes {
        let _ = write!(out, "\n_Note: {}_\n", escape(note));
    }
    if explain {
        out.push_str("\nHow each line was computed:\n\n");
        for (kind, text) in report::bill::explain(bill) {
            let _ = writeln!(out, "- **{kind}**: {}", escape(&text));
        }
    }
    out
}

/// A bill beside the same usage priced another way, as Markdown: the
/// heading, both amounts and the change per line, the notes and, with
/// `explain`, why each line changed.
#[must_use]
pub fn bill_diff(diff: &crate::diff::BillDiff<'_>, explain: bool) -> String {
    let mut out = format!("**{}**\n\n", escape(&report::diff::title(diff)));
    if let Some(cards) = report::diff::cards_text(diff) {
        let _ = writeln!(out, "{}\n", escape(&cards));
    }
    out.push_str(&table(&report::diff::diff_table(diff)));
    for note in report::diff::notes(diff) {
        let _ = write!(out, "\n_Note: {}_\n", escape(&note));
    }
    if explain {
        out.push_str("\nWhy each line changed:\n\n");
        for (label, text) in report::diff::explain(diff) {
            let _ = writeln!(out, "- **{label}**: {}", escape(&text));
        }
    }
    out
}

/// The comparison as Markdown, ready to paste into an email.
#[must_use]
pub fn comparison(c: &Comparison<'_>) -> String {
    let mut out = format!("**{}**\n\n", escape(&comparison::title(c)));
    if let Some(card) = comparison::card_text(c) {
        let _ = writeln!(out, "{}\n", escape(&card));
    }
    if c.quotes.is_empty() {
        out.push_str(&table(&comparison::prices_table(c)));
    } else {
        out.push_str(&table(&comparison::quote_table(c)));
        if let Some(text) = comparison::cheapest_text(c) {
            let _ = writeln!(out, "\n{}", escape(&text));
        }
    }
    if !c.break_evens.is_empty() {
        let _ = writeln!(out, "\n{}\n", comparison::BREAK_EVEN_HEADING);
        for b in &c.break_evens {
            let _ = writeln!(out, "- {}", comparison::break_even_text(b, c.unit.plural()));
        }
    }
    if let Some(budget) = comparison::budget_table(c) {
        out.push('\n');
        out.push_str(&table(&budget));
    }
    for note in &c.notes {
        let _ = write!(out, "\n_Note: {}_\n", escape(note));
    }
    out
}

/// `ctbill rates show`: the heading in bold, the rates and, for one
/// market with volume tiers, its tiers.
#[must_use]
pub fn card_rates(shown: &CardRates<'_>) -> String {
    let mut out = format!("**{}**\n\n", escape(shown.heading));
    out.push_str(&table(&rates::rates_table(shown.card, shown.markets)));
    if let Some(market) = shown.single_market() {
        let tiers = rates::tiers_table(market);
        if !tiers.is_empty() {
            let _ = writeln!(out, "\n{}\n", rates::TIERS_HEADING);
            out.push_str(&table(&tiers));
        }
    }
    out
}

/// `rates diff`: the heading in bold, the changed rates, the markets
/// added and removed, the changed volume tiers and the notes.
#[must_use]
pub fn rates_diff(report: &report::rates_diff::RatesDiff<'_>) -> String {
    let heading: Vec<String> = report.heading().lines().map(escape).collect();
    let mut out = format!("**{}**\n\n", heading.join("**  \n**"));
    let changes = report::rates_diff::changes_table(report);
    if !changes.is_empty() {
        out.push_str(&table(&changes));
    }
    for line in report.market_lines() {
        let _ = write!(out, "\n{}\n", escape(&line));
    }
    let tiers = report::rates_diff::tier_changes_table(report);
    if !tiers.is_empty() {
        let _ = writeln!(out, "\n{}\n", report::rates_diff::TIERS_HEADING);
        out.push_str(&table(&tiers));
    }
    for note in &report.notes {
        let _ = write!(out, "\n_Note: {}_\n", escape(note));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_pipes_and_aligns_numbers() {
        let mut t = Table::new(&[("Item", Align::Left), ("Amount", Align::Right)]);
        t.row(vec!["a | b".into(), "1.00".into()]);
        t.footer(vec!["Total".into(), "1.00".into()]);
        assert_eq!(
            table(&t),
            "| Item | Amount |\n| :--- | ---: |\n| a \\| b | 1.00 |\n| **Total** | **1.00** |\n"
        );
    }
}
