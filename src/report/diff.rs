//! A bill compared with the same usage priced another way (`estimate
//! --vs-month`, `--vs-plans`): the words and the [`Table`] every format
//! shows. Nothing here prices: the [`BillDiff`] holds every figure.

use super::table::{Align, Table};
use crate::diff::{BillDiff, LineChange, Presence, signed_grouped};
use crate::money::group_thousands;

/// The heading: what was priced, for which month, compared with what:
/// "..., billing month 2026-10 vs 2026-07" or "..., billing month 2026-10
/// vs the plans in old-plans".
#[must_use]
pub fn title(diff: &BillDiff<'_>) -> String {
    let (this, vs) = (diff.this, diff.vs);
    let month = |b: &crate::bill::Bill<'_>| b.month.map(|m| m.to_string()).unwrap_or_default();
    let against = if this.month == vs.month && diff.vs_label.starts_with("month ") {
        "vs the same month".to_owned()
    } else if this.month == vs.month {
        format!("vs the {}", diff.vs_label)
    } else {
        format!("vs {}", month(vs))
    };
    format!(
        "{} ({}), {}: billing month {} {against}",
        this.plan.name,
        this.plan.id,
        super::bill::usage_text(this),
        month(this),
    )
}

/// The rate cards of both bills, when either priced Meta messages.
#[must_use]
pub fn cards_text(diff: &BillDiff<'_>) -> Option<String> {
    match (&diff.this.meta_card, &diff.vs.meta_card) {
        (None, None) => None,
        (a, b) if a == b => Some(format!("Meta rates: {} (both)", a.as_deref().unwrap_or(""))),
        (a, b) => Some(format!(
            "Meta rates: {} (this); {} (vs)",
            a.as_deref().unwrap_or("none"),
            b.as_deref().unwrap_or("none")
        )),
    }
}

/// A line's words, with "(only now)" or "(only before)" when it is on one
/// bill only.
#[must_use]
pub fn describe(diff: &BillDiff<'_>, change: &LineChange<'_>) -> String {
    let plan = match change.presence() {
        Presence::OnlyVs => diff.vs.plan,
        _ => diff.this.plan,
    };
    let text = super::bill::describe(change.line(), plan);
    match change.presence() {
        Presence::Both => text,
        Presence::OnlyThis => format!("{text} (only now)"),
        Presence::OnlyVs => format!("{text} (only before)"),
    }
}

/// The notes of both bills, each once (this bill's first).
#[must_use]
pub fn notes(diff: &BillDiff<'_>) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    for (side, bill) in [("", diff.this), ("vs: ", diff.vs)] {
        for note in &bill.notes {
            if !diff.this.notes.contains(note) || side.is_empty() {
                let text = format!("{side}{note}");
                if !notes.contains(&text) {
                    notes.push(text);
                }
            }
        }
    }
    notes
}

/// `--explain`: each changed line, labelled, with why it changed.
#[must_use]
pub fn explain(diff: &BillDiff<'_>) -> Vec<(String, String)> {
    diff.lines
        .iter()
        .filter(|c| !c.why.is_empty())
        .map(|c| {
            let plan = match c.presence() {
                Presence::OnlyVs => diff.vs.plan,
                _ => diff.this.plan,
            };
            (
                super::bill::line_label(c.line(), plan),
                format!("{} ({})", c.why.join("; "), signed_grouped(c.change)),
            )
        })
        .collect()
}

/// Both bills side by side: item, this amount, vs amount, change; then
/// the totals. A line on one bill only shows `—` on the other.
#[must_use]
pub fn diff_table(diff: &BillDiff<'_>) -> Table {
    let currency = diff.this.currency();
    let this_header = format!("This ({currency})");
    let vs_header = format!("Vs ({currency})");
    let mut table = Table::new(&[
        ("Item", Align::Left),
        (&this_header, Align::Right),
        (&vs_header, Align::Right),
        ("Change", Align::Right),
    ]);
    let amount = |l: Option<&crate::bill::Line>| {
        l.map_or_else(|| "—".to_owned(), |l| group_thousands(l.amount))
    };
    for change in &diff.lines {
        table.row(vec![
            describe(diff, change),
            amount(change.this),
            amount(change.vs),
            signed_grouped(change.change),
        ]);
    }
    table.footer(vec![
        "Total".to_owned(),
        format!("{currency} {}", group_thousands(diff.this.total)),
        format!("{} {}", diff.vs.currency(), group_thousands(diff.vs.total)),
        signed_grouped(diff.change),
    ]);
    table
}
