//! `ctbill compare` output: the tiers side by side, break-even volumes and
//! a budget's reach, as a terminal table, Markdown, JSON or CSV.
//!
//! JSON (PRODUCT.md fixes `currency`, `plans[].plan`, `plans[].total`,
//! `cheapest` and `break_even[]`; the rest is added):
//!
//! ```json
//! {"product": "connect", "unit": "notifications", "currency": "USD",
//!  "currency_choice": "only", "month": "2026-11", "example": true, "count": 15000,
//!  "plans": [{"plan": "connect-10k", "name": "...", "included": 10000, "example": true,
//!             "total": "65.00", "difference": "0.00", "cheapest": true,
//!             "lines": [{"kind": "base", "amount": "30.00"}, ...]}, ...],
//!  "cheapest": "connect-10k",
//!  "break_even": [{"from": "connect-10k", "to": "connect-25k", "at": 21430}, ...],
//!  "budget": {"amount": "500", "plans": [{"plan": "connect-10k", "reach": "up_to", "count": 77143},
//!             {"plan": "connect-250k", "reach": "not_even_base", "count": null, "minimum": "800.00"}]},
//!  "notes": ["example prices: every plan compared has example prices, ..."]}
//! ```
//!
//! Without a count, `count` and `cheapest` are null and the plans carry no
//! totals; `budget` is there only with `--budget`; `meta_card` (after
//! `count`) only when Meta message counts were priced. `example` is true
//! when any tier compared has example prices.

use std::borrow::Cow;

use std::fmt::Write as _;

use serde::Serialize;

use super::table::{Align, Table, prose};
use super::{fair_use_text, markdown};
use crate::advice::{BreakEven, Comparison, CurrencyChoice, Reach, Tier};
use crate::bill::LineKind;
use crate::money::group_count;
use crate::money::group_thousands;
use crate::plan::Product;

/// "WhatsApp Connect" or "WhatsApp Direct".
fn product_name(product: Product) -> &'static str {
    match product {
        Product::Connect => "WhatsApp Connect",
        Product::Direct => "WhatsApp Direct",
        Product::Free => "Free",
    }
}

/// The heading: what is compared, at what volume, in which currency and why.
#[must_use]
pub fn title(c: &Comparison<'_>) -> String {
    let volume = c
        .count
        .map(|n| format!(" at {}", c.unit.count_text(n)))
        .unwrap_or_default();
    let currency = match &c.currency_choice {
        CurrencyChoice::Given => format!("in {}", c.currency),
        CurrencyChoice::Only => format!(
            "in {} (the only currency of {} plans)",
            c.currency, c.product
        ),
        CurrencyChoice::MostPlans { others } => {
            let others: Vec<&str> = others.iter().map(|o| o.code()).collect();
            format!(
                "in {}, the currency of most {} plans (also priced in {}: pick with --currency)",
                c.currency,
                c.product,
                others.join(", ")
            )
        }
    };
    let month = c
        .month
        .map(|m| format!(", billing month {m}"))
        .unwrap_or_default();
    format!(
        "{} tiers{volume}, {currency}{month}",
        product_name(c.product)
    )
}

/// "Meta rates: Meta USD rate card effective ..." when Meta counts were priced.
fn card_text(c: &Comparison<'_>) -> Option<String> {
    c.meta_card
        .as_ref()
        .map(|card| format!("Meta rates: {card}"))
}

/// "connect-25k is cheaper than connect-10k from 21,430 notifications".
#[must_use]
pub fn break_even_text(b: &BreakEven<'_>, unit: &str) -> String {
    match b.at {
        Some(0) => format!("{} is cheaper than {} at every volume", b.to.id, b.from.id),
        Some(at) => format!(
            "{} is cheaper than {} from {} {unit}",
            b.to.id,
            b.from.id,
            group_count(at)
        ),
        None => format!(
            "{} never becomes cheaper than {} for good",
            b.to.id, b.from.id
        ),
    }
}

/// "up to 77,143 notifications", "unlimited", "not even the base fee";
/// with Meta usage, the charges billed whatever the count are the base
/// fee, the Meta charges and the markup, and the text says so.
fn reach_text(reach: Reach, tier: Option<&Tier<'_>>, unit: &str) -> String {
    match reach {
        Reach::UpTo(n) => format!("up to {} {unit}", group_count(n)),
        Reach::Unlimited => format!(
            "unlimited (nothing charged per {})",
            unit.trim_end_matches('s')
        ),
        Reach::NotEvenBase => match tier.and_then(|t| Some((t, t.total(0).ok()?))) {
            Some((tier, floor)) if tier.extra.is_zero() => {
                format!("not even the base fee ({} a month)", group_thousands(floor))
            }
            Some((tier, floor)) => format!(
                "not even the base fee plus the Meta charges and markup \
                 (base {} + Meta and markup {} = {} a month)",
                group_thousands(floor - tier.extra),
                group_thousands(tier.extra),
                group_thousands(floor)
            ),
            None => "not even the base fee".to_owned(),
        },
    }
}

/// The tier of a budget's `index`-th reach: the budget lists the tiers in
/// the comparison's order, so this is a direct look-up (a search only
/// should the orders ever differ).
fn reach_tier<'a, 'p>(c: &'a Comparison<'p>, index: usize, id: &str) -> Option<&'a Tier<'p>> {
    c.tiers
        .get(index)
        .filter(|t| t.plan.id == id)
        .or_else(|| tier_of(c, id))
}

fn tier_of<'a, 'p>(c: &'a Comparison<'p>, id: &str) -> Option<&'a Tier<'p>> {
    c.tiers.iter().find(|t| t.plan.id == id)
}

fn has_fair_use(c: &Comparison<'_>) -> bool {
    c.tiers.iter().any(|t| t.plan.fair_use.is_some())
}

fn has_meta(c: &Comparison<'_>) -> bool {
    c.quotes
        .iter()
        .any(|q| q.bill.lines.iter().any(|l| l.kind == LineKind::Meta))
}

/// The tiers priced at the count, cheapest first.
#[must_use]
pub fn quote_table(c: &Comparison<'_>) -> Table {
    let (fair, meta) = (has_fair_use(c), has_meta(c));
    let total_header = format!("Total ({})", c.currency);
    let mut columns = vec![
        ("Plan", Align::Left),
        ("Included", Align::Right),
        ("Base fee", Align::Right),
        ("Overage", Align::Right),
    ];
    if fair {
        columns.push(("Fair-use overage", Align::Right));
    }
    if meta {
        columns.push(("Meta", Align::Right));
        columns.push(("Markup", Align::Right));
    }
    columns.push((&total_header, Align::Right));
    columns.push(("vs cheapest", Align::Left));
    let mut table = Table::new(&columns).short_headers(&[
        ("Included", "Incl."),
        ("Fair-use overage", "Fair use"),
        ("vs cheapest", "vs best"),
    ]);
    for q in &c.quotes {
        let amount = |kind| group_thousands(q.bill.amount_of(kind));
        let mut row = vec![
            q.bill.plan.id.clone(),
            group_count(q.bill.plan.included),
            amount(LineKind::Base),
            amount(LineKind::Overage),
        ];
        if fair {
            row.push(amount(LineKind::FairUseOverage));
        }
        if meta {
            row.push(amount(LineKind::Meta));
            row.push(amount(LineKind::Markup));
        }
        row.push(group_thousands(q.bill.total));
        row.push(if q.cheapest {
            "cheapest".to_owned()
        } else {
            format!("+{}", group_thousands(q.difference))
        });
        table.row(row);
    }
    table
}

/// The tiers' prices by size, for a comparison without a count.
#[must_use]
pub fn prices_table(c: &Comparison<'_>) -> Table {
    let fair = has_fair_use(c);
    let mut columns = vec![
        ("Plan", Align::Left),
        ("Included", Align::Right),
        ("Base fee", Align::Right),
        ("Overage rate", Align::Right),
    ];
    if fair {
        columns.push(("Fair use", Align::Right));
    }
    let mut table = Table::new(&columns);
    for t in &c.tiers {
        let mut row = vec![
            t.plan.id.clone(),
            group_count(t.plan.included),
            group_thousands(t.plan.base_fee),
            t.plan.overage_rate.to_string(),
        ];
        if fair {
            row.push(fair_use_text(t.plan));
        }
        table.row(row);
    }
    table
}

/// Each tier and how far the budget goes on it, by size.
#[must_use]
pub fn budget_table(c: &Comparison<'_>) -> Option<Table> {
    let budget = c.budget.as_ref()?;
    let header = format!(
        "Within {} {} a month",
        c.currency,
        group_thousands(budget.amount)
    );
    let mut table = Table::new(&[("Plan", Align::Left), (&header, Align::Left)]);
    for (i, (plan, reach)) in budget.reach.iter().enumerate() {
        table.row(vec![
            plan.id.clone(),
            reach_text(*reach, reach_tier(c, i, &plan.id), c.unit.plural()),
        ]);
    }
    Some(table)
}

fn cheapest_text(c: &Comparison<'_>) -> Option<String> {
    let q = c.cheapest()?;
    Some(format!(
        "Cheapest at {}: {} ({} {}).",
        c.unit.count_text(q.bill.count),
        q.bill.plan.id,
        c.currency,
        group_thousands(q.bill.total)
    ))
}

const BREAK_EVEN_HEADING: &str =
    "Break-even volumes (the larger tier is billed less from there on, for good):";

/// The comparison for a terminal; with a `width` every line fits it.
#[must_use]
pub fn table(c: &Comparison<'_>, width: Option<usize>) -> String {
    let mut out = String::new();
    prose(&mut out, &title(c), width, "", "  ");
    if let Some(card) = card_text(c) {
        prose(&mut out, &card, width, "", "  ");
    }
    out.push('\n');
    if c.quotes.is_empty() {
        out.push_str(&prices_table(c).render_to(width));
    } else {
        out.push_str(&quote_table(c).render_to(width));
        if let Some(text) = cheapest_text(c) {
            out.push('\n');
            prose(&mut out, &text, width, "", "");
        }
    }
    if !c.break_evens.is_empty() {
        out.push('\n');
        prose(&mut out, BREAK_EVEN_HEADING, width, "", "");
        for b in &c.break_evens {
            prose(&mut out, &break_even_text(b, c.unit.plural()), width, "  ", "    ");
        }
    }
    if let Some(budget) = budget_table(c) {
        out.push('\n');
        out.push_str(&budget.render_to(width));
    }
    for note in &c.notes {
        out.push('\n');
        prose(&mut out, &format!("note: {note}"), width, "", "      ");
    }
    out
}

/// The comparison as Markdown, ready to paste into an email.
#[must_use]
pub fn markdown(c: &Comparison<'_>) -> String {
    let mut out = format!("**{}**\n\n", markdown::escape(&title(c)));
    if let Some(card) = card_text(c) {
        let _ = writeln!(out, "{}\n", markdown::escape(&card));
    }
    if c.quotes.is_empty() {
        out.push_str(&markdown::table(&prices_table(c)));
    } else {
        out.push_str(&markdown::table(&quote_table(c)));
        if let Some(text) = cheapest_text(c) {
            let _ = writeln!(out, "\n{}", markdown::escape(&text));
        }
    }
    if !c.break_evens.is_empty() {
        let _ = writeln!(out, "\n{BREAK_EVEN_HEADING}\n");
        for b in &c.break_evens {
            let _ = writeln!(out, "- {}", break_even_text(b, c.unit.plural()));
        }
    }
    if let Some(budget) = budget_table(c) {
        out.push('\n');
        out.push_str(&markdown::table(&budget));
    }
    for note in &c.notes {
        let _ = write!(out, "\n_Note: {}_\n", markdown::escape(note));
    }
    out
}

#[derive(Serialize)]
struct ComparisonJson<'a> {
    product: &'static str,
    unit: &'static str,
    currency: &'static str,
    currency_choice: &'static str,
    /// The billing month, `YYYY-MM`.
    month: Option<String>,
    /// Whether any plan compared has example prices.
    example: bool,
    count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta_card: Option<&'a str>,
    plans: Vec<PlanJson<'a>>,
    cheapest: Option<&'a str>,
    break_even: Vec<BreakEvenJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget: Option<BudgetJson<'a>>,
    notes: &'a [Cow<'static, str>],
}

#[derive(Serialize)]
struct PlanJson<'a> {
    plan: &'a str,
    name: &'a str,
    included: u64,
    example: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    difference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cheapest: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<Vec<LineJson>>,
}

#[derive(Serialize)]
struct LineJson {
    kind: &'static str,
    amount: String,
}

#[derive(Serialize)]
struct BreakEvenJson<'a> {
    from: &'a str,
    to: &'a str,
    at: Option<u64>,
}

#[derive(Serialize)]
struct BudgetJson<'a> {
    amount: String,
    plans: Vec<ReachJson<'a>>,
}

#[derive(Serialize)]
struct ReachJson<'a> {
    plan: &'a str,
    /// `up_to`, `unlimited` or `not_even_base`.
    reach: &'static str,
    /// The largest count within the budget, for `up_to`.
    count: Option<u64>,
    /// For `not_even_base`: what the tier bills at no units at all (the
    /// base fee, plus the Meta charges and markup when given).
    #[serde(skip_serializing_if = "Option::is_none")]
    minimum: Option<String>,
}

fn reach_json(reach: Reach) -> (&'static str, Option<u64>) {
    match reach {
        Reach::UpTo(n) => ("up_to", Some(n)),
        Reach::Unlimited => ("unlimited", None),
        Reach::NotEvenBase => ("not_even_base", None),
    }
}

/// The comparison as pretty JSON.
#[must_use]
pub fn json(c: &Comparison<'_>) -> String {
    let plans = if c.quotes.is_empty() {
        c.tiers
            .iter()
            .map(|t| PlanJson {
                plan: &t.plan.id,
                name: &t.plan.name,
                included: t.plan.included,
                example: t.plan.example,
                total: None,
                difference: None,
                cheapest: None,
                lines: None,
            })
            .collect()
    } else {
        c.quotes
            .iter()
            .map(|q| PlanJson {
                plan: &q.bill.plan.id,
                name: &q.bill.plan.name,
                included: q.bill.plan.included,
                example: q.bill.plan.example,
                total: Some(q.bill.total.to_string()),
                difference: Some(q.difference.to_string()),
                cheapest: Some(q.cheapest),
                lines: Some(
                    q.bill
                        .lines
                        .iter()
                        .map(|l| LineJson {
                            kind: l.kind.as_str(),
                            amount: l.amount.to_string(),
                        })
                        .collect(),
                ),
            })
            .collect()
    };
    let value = ComparisonJson {
        product: c.product.as_str(),
        unit: c.unit.plural(),
        currency: c.currency.code(),
        currency_choice: match c.currency_choice {
            CurrencyChoice::Given => "given",
            CurrencyChoice::Only => "only",
            CurrencyChoice::MostPlans { .. } => "most_plans",
        },
        month: c.month.map(|m| m.to_string()),
        example: !c.examples.is_empty(),
        count: c.count,
        meta_card: c.meta_card.as_deref(),
        plans,
        cheapest: c.cheapest().map(|q| q.bill.plan.id.as_str()),
        break_even: c
            .break_evens
            .iter()
            .map(|b| BreakEvenJson {
                from: &b.from.id,
                to: &b.to.id,
                at: b.at,
            })
            .collect(),
        budget: c.budget.as_ref().map(|b| BudgetJson {
            amount: b.amount.to_string(),
            plans: b
                .reach
                .iter()
                .enumerate()
                .map(|(i, (plan, reach))| {
                    let (reach, count) = reach_json(*reach);
                    let minimum = (reach == "not_even_base")
                        .then(|| reach_tier(c, i, &plan.id).and_then(|t| t.total(0).ok()))
                        .flatten()
                        .map(|m| m.to_string());
                    ReachJson {
                        plan: &plan.id,
                        reach,
                        count,
                        minimum,
                    }
                })
                .collect(),
        }),
        notes: &c.notes,
    };
    super::json::pretty(&value)
}

/// The comparison as CSV, one row per tier (cheapest first when there is
/// a count, else by size): raw amounts, no separators. `cheaper_from` is
/// where the tier becomes cheaper than the next smaller one (`never`, or
/// empty for the smallest); `budget_reach` is a count, `unlimited` or
/// `not_even_base`. `month`, `meta_card` and `notes` (joined by ` | `) are
/// the comparison's, on every row; `example` says whether the tier's
/// prices are examples.
#[must_use]
pub fn csv(c: &Comparison<'_>) -> String {
    use std::collections::HashMap;

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
    let mut table = Table::new(&columns.map(|h| (h, Align::Left)));
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
            .map(|r| match reach_json(*r) {
                (_, Some(n)) => n.to_string(),
                (name, None) => name.to_owned(),
            })
            .unwrap_or_default();
        let tier = tiers.get(id);
        table.row(vec![
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
    super::csv::table(&table)
}
