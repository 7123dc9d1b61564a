//! Markdown output, written by hand: right-aligned number columns
//! (`---:`) and `|` escaped inside cells, so a table pasted into an email
//! or an issue renders as it should.

use std::fmt::Write as _;

use super::table::{Align, Table};
use crate::bill::Bill;

/// Escapes what would break a table cell.
#[must_use]
pub fn escape(cell: &str) -> String {
    cell.replace('\\', "\\\\")
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
        super::usage_text(bill),
        super::month_text(bill)
    );
    if let Some(card) = &bill.meta_card {
        let _ = writeln!(out, "Meta rates: {}\n", escape(card));
    }
    out.push_str(&table(&super::table::bill_table(bill)));
    for note in &bill.notes {
        let _ = write!(out, "\n_Note: {}_\n", escape(note));
    }
    if explain {
        out.push_str("\nHow each line was computed:\n\n");
        for (kind, text) in super::explain(bill) {
            let _ = writeln!(out, "- **{kind}**: {}", escape(&text));
        }
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
