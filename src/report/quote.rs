//! A quote's report: the heading, one row per month (usage, CleverTap
//! charges, Meta, discounts, taxes, total), the advice and the notes that
//! every format shows. Nothing here prices: the quote holds every figure.

use rust_decimal::Decimal;

use super::table::{Align, Table};
use crate::bill::{Bill, LineKind};
use crate::money::group_thousands;
use crate::quote::Quote;

/// A month's figures: CleverTap charges (every line but Meta, discounts
/// and taxes), Meta, discounts, taxes, total. They add up to the total.
#[must_use]
pub fn month_figures(bill: &Bill<'_>) -> [Decimal; 5] {
    let of = |kinds: &[LineKind]| {
        let zero = Decimal::new(0, bill.currency().minor_units());
        bill.lines
            .iter()
            .filter(|l| kinds.contains(&l.kind))
            .fold(zero, |s, l| s.saturating_add(l.amount))
    };
    [
        of(&[
            LineKind::Base,
            LineKind::Overage,
            LineKind::FairUseOverage,
            LineKind::Markup,
            LineKind::Commitment,
        ]),
        of(&[LineKind::Meta]),
        of(&[LineKind::Discount]),
        of(&[LineKind::Tax]),
        bill.total,
    ]
}

/// The usage of a month in words: "60,000 conversations".
#[must_use]
pub fn usage_text(bill: &Bill<'_>) -> String {
    super::bill::usage_text(bill)
}

/// One row per month, then the total.
#[must_use]
pub fn months_table(quote: &Quote<'_>) -> Table {
    let total_header = format!("Total ({})", quote.currency());
    let mut table = Table::new(&[
        ("Month", Align::Left),
        ("Usage", Align::Left),
        ("CleverTap", Align::Right),
        ("Meta", Align::Right),
        ("Discounts", Align::Right),
        ("Taxes", Align::Right),
        (&total_header, Align::Right),
    ]);
    for bill in &quote.months {
        let mut row = vec![
            bill.month.map(|m| m.to_string()).unwrap_or_default(),
            usage_text(bill),
        ];
        row.extend(month_figures(bill).iter().map(|a| group_thousands(*a)));
        table.row(row);
    }
    table.footer(vec![
        "Total".to_owned(),
        match quote.months.len() {
            1 => "1 month".to_owned(),
            n => format!("{n} months"),
        },
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        format!("{} {}", quote.currency(), group_thousands(quote.total)),
    ]);
    table
}

/// The heading: "Quote for Acme Retail: WhatsApp Direct 50K (direct-50k),
/// 12 months from 2027-01".
#[must_use]
pub fn title(quote: &Quote<'_>) -> String {
    let n = quote.months.len();
    format!(
        "Quote for {}: {} ({}), {n} month{} from {}",
        quote.deal.customer,
        quote.plan.name,
        quote.plan.id,
        if n == 1 { "" } else { "s" },
        quote.deal.start
    )
}

/// "Dated 2026-11-26, valid until 2026-12-31, prepared by CleverTap Sales".
#[must_use]
pub fn dated(quote: &Quote<'_>) -> String {
    use std::fmt::Write as _;
    let mut out = format!("Dated {}", quote.deal.date);
    if let Some(until) = quote.deal.valid_until {
        let _ = write!(out, ", valid until {until}");
    }
    if let Some(by) = &quote.deal.prepared_by {
        let _ = write!(out, ", prepared by {by}");
    }
    if !quote.deal.growth_percent.is_zero() {
        let _ = write!(
            out,
            "; usage grows {}% a month",
            quote.deal.growth_percent.normalize()
        );
    }
    out
}

/// The cheapest-plan advice in words.
#[must_use]
pub fn advice(quote: &Quote<'_>) -> Option<String> {
    let c = quote.cheapest.as_ref()?;
    let currency = quote.currency();
    Some(if c.plan.id == quote.plan.id {
        format!(
            "Cheapest plan: {} is the cheapest {} {currency} plan for this usage over the period",
            c.plan.id, quote.plan.product
        )
    } else {
        format!(
            "Cheapest plan: {} would cost {currency} {} over the period, saving {currency} {}",
            c.plan.id,
            group_thousands(c.total),
            group_thousands(c.saving)
        )
    })
}

/// The notes: each month's notes once, the rate cards used, the rounding.
#[must_use]
pub fn notes(quote: &Quote<'_>) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    // A card that is stale for one month is staler each month after: the
    // last month's staleness note says it for the whole quote.
    let stale = |n: &str| n.starts_with("the newest ");
    let last_stale = quote
        .months
        .iter()
        .rev()
        .flat_map(|b| b.notes.iter())
        .find(|n| stale(n));
    for bill in &quote.months {
        for note in &bill.notes {
            let note = if stale(note) {
                last_stale.unwrap_or(note)
            } else {
                note
            };
            if !notes.iter().any(|n| n == note.as_ref()) {
                notes.push(note.to_string());
            }
        }
    }
    if !quote.cards.is_empty() {
        let cards: Vec<&str> = quote.cards.iter().map(AsRef::as_ref).collect();
        notes.push(format!(
            "Meta rates: each month is priced on the card in force that month: {}",
            cards.join("; ")
        ));
    }
    let currency = quote.currency();
    notes.push(format!(
        "rounding: each line once, to {} decimal place{} ({currency}), half away from zero; \
         each month's total adds its rounded lines, and the quote's total adds the months",
        currency.minor_units(),
        if currency.minor_units() == 1 { "" } else { "s" },
    ));
    notes
}
