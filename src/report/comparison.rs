//! The comparison's report (`ctbill compare`): its heading, the tiers
//! side by side as a [`Table`] (quoted, or by price without a count),
//! break-even sentences and a budget's reach. Every figure comes from
//! [`Comparison`]; the writers only lay these out.

use rust_decimal::Decimal;

use super::plans::fair_use_text;
use super::table::{Align, Table};
use crate::advice::{BreakEven, Comparison, CurrencyChoice, Reach, Tier};
use crate::bill::LineKind;
use crate::money::{group_count, group_thousands};

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
        c.product.display_name()
    )
}

/// "Meta rates: Meta USD rate card effective ..." when Meta counts were priced.
#[must_use]
pub fn card_text(c: &Comparison<'_>) -> Option<String> {
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
#[must_use]
pub fn reach_tier<'a, 'p>(c: &'a Comparison<'p>, index: usize, id: &str) -> Option<&'a Tier<'p>> {
    c.tiers
        .get(index)
        .filter(|t| t.plan.id == id)
        .or_else(|| tier_of(c, id))
}

#[must_use]
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

/// "Cheapest at 15,000 notifications: connect-10k (USD 65.00)."
#[must_use]
pub fn cheapest_text(c: &Comparison<'_>) -> Option<String> {
    let q = c.cheapest()?;
    Some(format!(
        "Cheapest at {}: {} ({} {}).",
        c.unit.count_text(q.bill.count),
        q.bill.plan.id,
        c.currency,
        group_thousands(q.bill.total)
    ))
}

/// The heading of the break-even list.
pub const BREAK_EVEN_HEADING: &str =
    "Break-even volumes (the larger tier is billed less from there on, for good):";

/// What the tier of the budget's `index`-th reach bills at no units at
/// all (the base fee, plus the Meta charges and markup when given).
#[must_use]
pub fn budget_minimum(c: &Comparison<'_>, index: usize, id: &str) -> Option<Decimal> {
    reach_tier(c, index, id).and_then(|t| t.total(0).ok())
}

/// A reach as JSON and CSV name it (`up_to`, `unlimited`,
/// `not_even_base`) with its count, for `up_to`.
#[must_use]
pub fn reach_json(reach: Reach) -> (&'static str, Option<u64>) {
    match reach {
        Reach::UpTo(n) => ("up_to", Some(n)),
        Reach::Unlimited => ("unlimited", None),
        Reach::NotEvenBase => ("not_even_base", None),
    }
}
