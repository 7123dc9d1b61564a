//! What changed between two bills of the same usage (`--vs-month`,
//! `--vs-plans`): line by line, with the change of each line and of the
//! total, and why each changed line changed (the rate, the tiers, the card,
//! the plan). Pure: two bills in, a [`BillDiff`] out; nothing is priced
//! again and nothing rounded again (a change is the difference of two
//! rounded amounts, so the changes add up to the change of the total).
//!
//! Lines are matched by kind and, for Meta message lines, by category ×
//! market. A line on one side only (a market a card added, a fair-use band
//! a plan revision introduced) is kept, with zero on the other side.

use rust_decimal::Decimal;

use crate::bill::{Bill, Detail, Line, LineKind};
use crate::money::{group_count, group_thousands};

/// Which side(s) of the comparison a line is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// On both bills.
    Both,
    /// On this bill only ("only now").
    OnlyThis,
    /// On the vs bill only ("only before").
    OnlyVs,
}

/// One line of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChange<'b> {
    /// The line as present on either side (this bill's when on both).
    shown: &'b Line,
    /// The line on this bill, if any.
    pub this: Option<&'b Line>,
    /// The line on the vs bill, if any.
    pub vs: Option<&'b Line>,
    /// This amount minus the vs amount (a missing line counts as zero).
    pub change: Decimal,
    /// Why the line changed, in a reader's words; empty when it did not.
    pub why: Vec<String>,
}

impl LineChange<'_> {
    /// Which side(s) the line is on.
    #[must_use]
    pub fn presence(&self) -> Presence {
        match (self.this, self.vs) {
            (Some(_), None) => Presence::OnlyThis,
            (None, Some(_)) => Presence::OnlyVs,
            _ => Presence::Both,
        }
    }

    /// The line as present on either side (this one first).
    #[must_use]
    pub fn line(&self) -> &Line {
        self.shown
    }
}

/// Two bills of the same usage, compared.
#[derive(Debug, Clone)]
pub struct BillDiff<'b> {
    /// The bill of the run's own month and plans.
    pub this: &'b Bill<'b>,
    /// The bill it is compared with.
    pub vs: &'b Bill<'b>,
    /// What the vs bill was priced under, e.g. "month 2026-07" or
    /// "plans in old-plans".
    pub vs_label: String,
    /// Every line of either bill, this bill's in order, then the lines
    /// only the vs bill has.
    pub lines: Vec<LineChange<'b>>,
    /// `this.total − vs.total`.
    pub change: Decimal,
}

/// The key two lines are matched by: the kind, and for Meta message lines
/// the category and market.
fn key(line: &Line) -> (LineKind, Option<(crate::meta::Category, &str)>) {
    match &line.detail {
        Detail::MetaMessages(m) => (line.kind, Some((m.category, m.market.as_str()))),
        _ => (line.kind, None),
    }
}

/// The place of a kind of line on a bill.
fn rank(kind: LineKind) -> u8 {
    match kind {
        LineKind::Base => 0,
        LineKind::Overage => 1,
        LineKind::FairUseOverage => 2,
        LineKind::Meta => 3,
        LineKind::Markup => 4,
        LineKind::Discount => 5,
        LineKind::Commitment => 6,
        LineKind::Tax => 7,
    }
}

/// A change written with its sign: `+2.50`, `-1.10`, `0.00`.
#[must_use]
pub fn signed(change: Decimal) -> String {
    if change > Decimal::ZERO {
        format!("+{change}")
    } else {
        change.to_string()
    }
}

/// [`signed`] with thousands grouped, for tables.
#[must_use]
pub fn signed_grouped(change: Decimal) -> String {
    if change > Decimal::ZERO {
        format!("+{}", group_thousands(change))
    } else {
        group_thousands(change)
    }
}

/// Compares `this` with `vs`. Amounts are the bills' own rounded amounts;
/// a difference of two amounts never overflows (both are non-negative
/// and fit), and saturates if it ever would.
#[must_use]
pub fn compare<'b>(this: &'b Bill<'b>, vs: &'b Bill<'b>, vs_label: String) -> BillDiff<'b> {
    let mut used = vec![false; vs.lines.len()];
    let mut lines = Vec::with_capacity(this.lines.len() + vs.lines.len());
    for line in &this.lines {
        let found = vs
            .lines
            .iter()
            .enumerate()
            .find(|(i, l)| !used[*i] && key(l) == key(line))
            .map(|(i, l)| {
                used[i] = true;
                l
            });
        lines.push(change(this, vs, line, Some(line), found));
    }
    // A line only the vs bill has goes after the lines of its kind (or of
    // an earlier kind), so the order stays base, overage, fair use, Meta,
    // markup.
    for (i, line) in vs.lines.iter().enumerate() {
        if !used[i] {
            let at = lines
                .iter()
                .rposition(|c: &LineChange<'_>| rank(c.line().kind) <= rank(line.kind))
                .map_or(0, |p| p + 1);
            lines.insert(at, change(this, vs, line, None, Some(line)));
        }
    }
    BillDiff {
        this,
        vs,
        vs_label,
        lines,
        change: this.total.saturating_sub(vs.total),
    }
}

fn change<'b>(
    this_bill: &Bill<'_>,
    vs_bill: &Bill<'_>,
    shown: &'b Line,
    this: Option<&'b Line>,
    vs: Option<&'b Line>,
) -> LineChange<'b> {
    let amount = |l: Option<&Line>| l.map_or(Decimal::ZERO, |l| l.amount);
    let change = amount(this).saturating_sub(amount(vs));
    let why = match (this, vs) {
        (Some(a), Some(b)) if a.amount != b.amount || a.exact != b.exact => {
            reasons(this_bill, vs_bill, a, b)
        }
        (Some(line), None) => vec![one_side(line, this_bill, vs_bill)],
        (None, Some(line)) => vec![one_side(line, vs_bill, this_bill)],
        _ => Vec::new(),
    };
    LineChange {
        shown,
        this,
        vs,
        change,
        why,
    }
}

/// Why `line`, on `has` only, is not on `lacks`: a Meta market on one
/// card only, or a line one plan has and the other does not.
fn one_side(line: &Line, has: &Bill<'_>, lacks: &Bill<'_>) -> String {
    match &line.detail {
        Detail::MetaMessages(m) => format!(
            "the card: {} bills these messages under {}, {} does not",
            card_name(has.meta_card.as_deref()),
            m.market,
            card_name(lacks.meta_card.as_deref())
        ),
        _ if has.plan.origin != lacks.plan.origin => format!(
            "the plan: {} has this line, {} does not",
            has.plan.origin, lacks.plan.origin
        ),
        _ => "the usage or the month: the line is on one bill only".to_owned(),
    }
}

/// A card's name without what it says of its volume tiers: "Meta USD
/// rate card effective 2026-07-01".
fn card_name(card: Option<&str>) -> &str {
    match card {
        Some(card) => card.split(" (").next().unwrap_or(card),
        None => "none",
    }
}

/// Why line `now` (this bill) differs from line `before` (the vs bill).
fn reasons(this: &Bill<'_>, vs: &Bill<'_>, now: &Line, before: &Line) -> Vec<String> {
    let mut why = Vec::new();
    match (&now.detail, &before.detail) {
        (Detail::MetaMessages(m), Detail::MetaMessages(old)) => {
            let rates = |parts: &[crate::meta::TierPart]| {
                if parts.is_empty() {
                    return "not charged".to_owned();
                }
                parts
                    .iter()
                    .map(|p| format!("{} × {}", group_count(p.count), p.rate))
                    .collect::<Vec<_>>()
                    .join(" + ")
            };
            match (m.parts.as_slice(), old.parts.as_slice()) {
                ([part], [was]) if part.rate != was.rate => {
                    why.push(format!("the rate: {} → {}", was.rate, part.rate));
                }
                ([part], []) => why.push(format!("the rate: not charged → {}", part.rate)),
                ([], [was]) => why.push(format!("the rate: {} → not charged", was.rate)),
                (parts, was) if (parts.len() > 1 || was.len() > 1) && parts != was => {
                    why.push(format!("the tiers: {} → {}", rates(was), rates(parts)));
                }
                _ => {}
            }
            if m.free != old.free {
                why.push(format!(
                    "the free service tier: {} → {} messages free",
                    group_count(old.free),
                    group_count(m.free)
                ));
            }
            if this.meta_card != vs.meta_card {
                why.push(format!(
                    "the card: {} → {}",
                    card_name(vs.meta_card.as_deref()),
                    card_name(this.meta_card.as_deref())
                ));
            }
        }
        (Detail::Markup { percent: p }, Detail::Markup { percent: q }) => {
            if p != q {
                why.push(format!(
                    "the plan: markup {}% ({}) → {}% ({})",
                    q.normalize(),
                    vs.plan.origin,
                    p.normalize(),
                    this.plan.origin
                ));
            }
            if now.quantity != before.quantity {
                why.push(format!(
                    "the Meta charges it is on: {} → {}",
                    group_thousands(before.quantity),
                    group_thousands(now.quantity)
                ));
            }
        }
        (Detail::MetaAmount, Detail::MetaAmount) => {
            why.push(format!(
                "the Meta amount: {} → {}",
                group_thousands(before.exact),
                group_thousands(now.exact)
            ));
        }
        _ => {
            if now.unit_price != before.unit_price {
                let price =
                    |line: &Line| line.unit_price.map_or("none".to_owned(), |p| p.to_string());
                let what = if now.kind == LineKind::Base {
                    "base fee"
                } else {
                    "rate"
                };
                why.push(format!(
                    "the plan: {what} {} ({}) → {} ({})",
                    price(before),
                    vs.plan.origin,
                    price(now),
                    this.plan.origin
                ));
            }
            if now.quantity != before.quantity {
                why.push(format!(
                    "the plan: quantity {} ({}) → {} ({})",
                    group_thousands(before.quantity),
                    vs.plan.origin,
                    group_thousands(now.quantity),
                    this.plan.origin
                ));
            }
        }
    }
    if why.is_empty() {
        why.push(format!(
            "{} → {}",
            group_thousands(before.amount),
            group_thousands(now.amount)
        ));
    }
    why
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bill::{MetaCharges, bill};
    use crate::plan::Plan;

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn direct(fair_use: bool) -> Plan {
        let mut plan = crate::bill::tests::direct();
        if !fair_use {
            plan.fair_use = None;
            plan.origin = "revised.toml:1:1".into();
        }
        plan
    }

    #[test]
    fn lines_match_by_kind_and_one_sided_lines_keep_their_place() {
        // 130,000 conversations, Meta 100.00:
        //   this (no fair use): 500.00; 105,000 × 0.0200 = 2,100.00; Meta 100.00;
        //     markup 10.00 → 2,710.00
        //   vs (fair use above 100,000): 500.00; 75,000 × 0.0200 = 1,500.00;
        //     30,000 × 0.0300 = 900.00; 100.00; 10.00 → 3,010.00
        let (revised, shipped) = (direct(false), direct(true));
        let meta = || MetaCharges::Amount(dec("100.00"));
        let this = bill(&revised, 130_000, None, meta()).unwrap();
        let vs = bill(&shipped, 130_000, None, meta()).unwrap();
        let diff = compare(&this, &vs, "plans in old".into());
        let rows: Vec<(&str, Presence, String)> = diff
            .lines
            .iter()
            .map(|c| (c.line().kind.as_str(), c.presence(), c.change.to_string()))
            .collect();
        assert_eq!(
            rows,
            [
                ("base", Presence::Both, "0.00".to_owned()),
                ("overage", Presence::Both, "600.00".to_owned()),
                ("fair_use_overage", Presence::OnlyVs, "-900.00".to_owned()),
                ("meta", Presence::Both, "0.00".to_owned()),
                ("markup", Presence::Both, "0.00".to_owned()),
            ]
        );
        assert_eq!(diff.change, dec("-300.00"));
        // The line changes add up to the change of the total.
        let sum: Decimal = diff.lines.iter().map(|c| c.change).sum();
        assert_eq!(sum, diff.change);
        assert!(diff.lines[1].why[0].starts_with("the plan: quantity 75,000 (test) → 105,000"));
        assert_eq!(
            diff.lines[2].why,
            ["the plan: test has this line, revised.toml:1:1 does not"]
        );
        assert!(diff.lines[0].why.is_empty());
    }

    #[test]
    fn a_bill_against_itself_changes_nothing() {
        let plan = direct(true);
        let one = bill(&plan, 130_000, None, MetaCharges::Amount(dec("1.005"))).unwrap();
        let diff = compare(&one, &one, "month 2026-11".into());
        assert!(diff.change.is_zero());
        assert!(
            diff.lines
                .iter()
                .all(|c| c.change.is_zero() && c.why.is_empty())
        );
        assert_eq!(diff.lines.len(), one.lines.len());
    }

    #[test]
    fn changes_carry_their_sign() {
        assert_eq!(signed(dec("2.50")), "+2.50");
        assert_eq!(signed(dec("-2.50")), "-2.50");
        assert_eq!(signed(dec("0.00")), "0.00");
        assert_eq!(signed_grouped(dec("1570.00")), "+1,570.00");
    }
}
