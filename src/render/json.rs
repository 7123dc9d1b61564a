//! JSON output. The shape of one bill is part of the contract
//! (PRODUCT.md): `{"plan", "currency", "month", "example", "lines":
//! [{"kind", "description", "quantity", "unit_price", "amount"}], "total"}`,
//! amounts and rates as strings holding exact decimals so no reader turns
//! them into floats. Fields may be added, never removed: `name`, `product`,
//! `usage`, each line's `exact` value (and `tiers` for Meta message lines,
//! `free_messages` for service messages free under Meta's free tier,
//! `formula` with `--explain`), `meta_subtotal`, `meta_card` and `notes`.
//!
//! On every line with a unit price, `quantity × unit_price` is the line's
//! `exact` amount, digit for digit. The markup's quantity is the Meta
//! subtotal and its unit price the percentage as a fraction, with the
//! digits written (10% → `"0.10"`, 12.5% → `"0.125"`). A Meta line priced on
//! more than one volume tier has `"unit_price": null`; its `tiers` give each
//! tier's `quantity`, `rate` and `exact` amount (`unit_price` repeats the
//! rate), and they add up to the line's quantity and exact amount.

use std::borrow::Cow;

use serde::Serialize;

use crate::advice::{Comparison, CurrencyChoice};
use crate::bill::{Bill, Detail, Line, LineKind};
use crate::meta::{Category, RateCard};
use crate::plan::Plan;
use crate::report::{self, CardRates, Report, comparison, rates};

/// A report as pretty JSON.
#[must_use]
pub fn write(report: &Report<'_>) -> String {
    match report {
        Report::Bill { bill: b, explain } => bill(b, *explain),
        Report::BillDiff { diff, explain } => pretty(&BillDiffJson::new(diff, *explain)),
        Report::Plans(list) => plans(list),
        Report::Plan(plan) => pretty(&PlanJson::new(plan)),
        Report::Comparison(c) => comparison(c),
        Report::RateCards(cards) => rate_cards(cards),
        Report::RateCard(shown) => card_rates(shown),
        Report::Quote { quote: q, explain } => quote(q, *explain),
        Report::RatesDiff(diff) => rates_diff(diff),
    }
}

/// A quote, as serialized: `{"customer", "plan", "currency", "example",
/// "months": [bill, ...], "total", "cheapest": {"plan", "total", "saving"}}`
/// and more fields (`prepared_by`, `date`, `valid_until`, `start`,
/// `growth_percent`, `meta_cards`, `notes`).
#[derive(Debug, Serialize)]
struct QuoteJson<'a> {
    customer: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    prepared_by: Option<&'a str>,
    date: String,
    valid_until: Option<String>,
    plan: &'a str,
    name: &'a str,
    product: &'static str,
    currency: &'static str,
    example: bool,
    start: String,
    growth_percent: String,
    months: Vec<BillJson<'a>>,
    total: String,
    cheapest: Option<CheapestJson<'a>>,
    #[serde(skip_serializing_if = "<[&str]>::is_empty")]
    meta_cards: Vec<&'a str>,
    notes: Vec<String>,
}

#[derive(Debug, Serialize)]
struct CheapestJson<'a> {
    plan: &'a str,
    total: String,
    saving: String,
}

fn quote(q: &crate::quote::Quote<'_>, explain: bool) -> String {
    let deal = &q.deal;
    pretty(&QuoteJson {
        customer: &deal.customer,
        prepared_by: deal.prepared_by.as_deref(),
        date: deal.date.to_string(),
        valid_until: deal.valid_until.map(|d| d.to_string()),
        plan: &q.plan.id,
        name: &q.plan.name,
        product: q.plan.product.as_str(),
        currency: q.currency().code(),
        example: q.plan.example,
        start: deal.start.to_string(),
        growth_percent: deal.growth_percent.to_string(),
        months: q.months.iter().map(|b| BillJson::new(b, explain)).collect(),
        total: q.total.to_string(),
        cheapest: q.cheapest.as_ref().map(|c| CheapestJson {
            plan: &c.plan.id,
            total: c.total.to_string(),
            saving: c.saving.to_string(),
        }),
        meta_cards: q.cards.iter().map(AsRef::as_ref).collect(),
        notes: crate::report::quote::notes(q),
    })
}

/// One bill, as serialized.
#[derive(Debug, Serialize)]
pub struct BillJson<'a> {
    plan: &'a str,
    name: &'a str,
    product: &'static str,
    currency: &'static str,
    /// The billing month, `YYYY-MM`; null only for a bill made without one.
    month: Option<String>,
    /// Whether the plan's prices are examples, not a contract.
    example: bool,
    usage: UsageJson,
    lines: Vec<LineJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta_subtotal: Option<String>,
    total: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta_card: Option<&'a str>,
    #[serde(skip_serializing_if = "<[Cow<str>]>::is_empty")]
    notes: &'a [Cow<'static, str>],
}

#[derive(Debug, Serialize)]
struct UsageJson {
    unit: &'static str,
    count: String,
}

#[derive(Debug, Serialize)]
struct LineJson {
    kind: &'static str,
    description: String,
    quantity: String,
    unit_price: Option<String>,
    amount: String,
    exact: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    tiers: Option<Vec<TierJson>>,
    /// Service messages delivered free under Meta's free tier, not in
    /// `quantity`; only on lines that had some.
    #[serde(skip_serializing_if = "Option::is_none")]
    free_messages: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    formula: Option<String>,
}

#[derive(Debug, Serialize)]
struct TierJson {
    quantity: String,
    rate: String,
    unit_price: String,
    exact: String,
}

impl<'a> BillJson<'a> {
    /// The serializable view of a bill; `explain` adds each line's formula.
    #[must_use]
    pub fn new(bill: &'a Bill<'a>, explain: bool) -> Self {
        let formulas = explain.then(|| report::bill::explain(bill));
        let lines = bill
            .lines
            .iter()
            .enumerate()
            .map(|(i, line)| LineJson {
                kind: line.kind.as_str(),
                description: report::bill::describe(line, bill.plan),
                quantity: line.quantity.to_string(),
                unit_price: report::bill::unit_price_value(line),
                amount: line.amount.to_string(),
                exact: line.exact.to_string(),
                tiers: match &line.detail {
                    Detail::MetaMessages(m) => Some(
                        m.parts
                            .iter()
                            .map(|p| TierJson {
                                quantity: p.count.to_string(),
                                rate: p.rate.to_string(),
                                unit_price: p.rate.to_string(),
                                exact: p.exact.to_string(),
                            })
                            .collect(),
                    ),
                    _ => None,
                },
                free_messages: match &line.detail {
                    Detail::MetaMessages(m) if m.free > 0 => Some(m.free.to_string()),
                    _ => None,
                },
                formula: formulas
                    .as_ref()
                    .and_then(|f| f.get(i))
                    .map(|(_, text)| text.clone()),
            })
            .collect();
        Self {
            plan: &bill.plan.id,
            name: &bill.plan.name,
            product: bill.plan.product.as_str(),
            currency: bill.currency().code(),
            month: bill.month.map(|m| m.to_string()),
            example: bill.plan.example,
            usage: UsageJson {
                unit: bill.plan.unit().map_or("units", |u| u.plural()),
                count: bill.count.to_string(),
            },
            lines,
            meta_subtotal: bill.meta_subtotal.map(|s| s.to_string()),
            total: bill.total.to_string(),
            meta_card: bill.meta_card.as_deref(),
            notes: &bill.notes,
        }
    }
}

/// Writes the fields of [`BillJson`] (explain off) as compact JSON, without
/// the enclosing braces: `"plan":...,"total":...` exactly as `serde_json`
/// writes them (same keys, order, escapes and decimals), but straight into
/// `out` with no intermediate values. `batch --format jsonl` writes a
/// row per bill through this; a test holds it to the serde path.
pub fn write_bill_fields(out: &mut Vec<u8>, bill: &Bill<'_>) {
    write_bill_fields_with(out, bill, &mut Descriptions::default());
}

/// The descriptions of bill lines that depend on the plan alone (base
/// fee, overage, fair-use overage: "Base fee (includes 10,000
/// notifications)"), made once per plan for a writer of many bills.
/// Plans are told apart by address, so every plan described must outlive
/// the cache (a batch's plans live in its catalogs for the whole run).
#[derive(Debug, Default)]
pub struct Descriptions {
    known: Vec<(usize, LineKind, String)>,
}

impl Descriptions {
    /// [`report::bill::describe`], remembered for the plan's own lines.
    fn describe(&mut self, line: &Line, plan: &Plan) -> Cow<'_, str> {
        if !matches!(
            line.kind,
            LineKind::Base | LineKind::Overage | LineKind::FairUseOverage
        ) {
            return Cow::Owned(report::bill::describe(line, plan));
        }
        let key = (std::ptr::from_ref(plan).addr(), line.kind);
        let index = if let Some(i) = self.known.iter().position(|k| (k.0, k.1) == key) {
            i
        } else {
            // A batch names a handful of plans; many more is an unusual
            // input, not worth a larger cache.
            if self.known.len() >= 64 {
                self.known.clear();
            }
            self.known
                .push((key.0, key.1, report::bill::describe(line, plan)));
            self.known.len() - 1
        };
        Cow::Borrowed(&self.known[index].2)
    }
}

/// [`write_bill_fields`] with descriptions remembered in `descriptions`.
pub fn write_bill_fields_with(out: &mut Vec<u8>, bill: &Bill<'_>, descriptions: &mut Descriptions) {
    push_plan_fields(out, bill.plan);
    match bill.month {
        Some(month) => push_month(out, month),
        None => out.extend_from_slice(b"null"),
    }
    push_usage_start(out, bill.plan);
    push_u128(out, u128::from(bill.count));
    out.extend_from_slice(b"\"},\"lines\":[");
    for (i, line) in bill.lines.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_line(out, line, &descriptions.describe(line, bill.plan));
    }
    out.push(b']');
    if let Some(subtotal) = bill.meta_subtotal {
        out.extend_from_slice(b",\"meta_subtotal\":");
        push_decimal(out, subtotal);
    }
    out.extend_from_slice(b",\"total\":");
    push_decimal(out, bill.total);
    if let Some(card) = bill.meta_card.as_deref() {
        out.extend_from_slice(b",\"meta_card\":");
        push_str(out, card);
    }
    if !bill.notes.is_empty() {
        out.extend_from_slice(b",\"notes\":[");
        for (i, note) in bill.notes.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_str(out, note);
        }
        out.push(b']');
    }
}

/// A bill's fields before its month: `"plan":…,"name":…,"product":…,
/// "currency":…,"month":`.
pub fn push_plan_fields(out: &mut Vec<u8>, plan: &Plan) {
    out.extend_from_slice(b"\"plan\":");
    push_str(out, &plan.id);
    out.extend_from_slice(b",\"name\":");
    push_str(out, &plan.name);
    out.extend_from_slice(b",\"product\":");
    push_str(out, plan.product.as_str());
    out.extend_from_slice(b",\"currency\":");
    push_str(out, plan.currency.code());
    out.extend_from_slice(b",\"month\":");
}

/// A bill's fields after its month, up to its count's digits:
/// `,"example":…,"usage":{"unit":…,"count":"`.
pub fn push_usage_start(out: &mut Vec<u8>, plan: &Plan) {
    out.extend_from_slice(if plan.example {
        b",\"example\":true"
    } else {
        b",\"example\":false"
    });
    out.extend_from_slice(b",\"usage\":{\"unit\":");
    push_str(out, plan.unit().map_or("units", |u| u.plural()));
    out.extend_from_slice(b",\"count\":\"");
}

/// The start of a bill line's JSON object, up to its quantity:
/// `{"kind":…,"description":…,"quantity":`.
pub fn push_line_start(out: &mut Vec<u8>, kind: LineKind, description: &str) {
    out.extend_from_slice(b"{\"kind\":");
    push_str(out, kind.as_str());
    out.extend_from_slice(b",\"description\":");
    push_str(out, description);
    out.extend_from_slice(b",\"quantity\":");
}

/// One bill line as a JSON object, as `estimate --format json` writes it
/// (with its volume tiers and free messages when it is a Meta line).
pub fn push_line(out: &mut Vec<u8>, line: &Line, description: &str) {
    push_line_start(out, line.kind, description);
    push_decimal(out, line.quantity);
    out.extend_from_slice(b",\"unit_price\":");
    match line.unit_price {
        Some(price) => push_decimal(out, price),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"amount\":");
    push_decimal(out, line.amount);
    out.extend_from_slice(b",\"exact\":");
    push_decimal(out, line.exact);
    if let Detail::MetaMessages(m) = &line.detail {
        out.extend_from_slice(b",\"tiers\":[");
        for (j, part) in m.parts.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"quantity\":\"");
            push_u128(out, u128::from(part.count));
            out.extend_from_slice(b"\",\"rate\":");
            push_decimal(out, part.rate);
            out.extend_from_slice(b",\"unit_price\":");
            push_decimal(out, part.rate);
            out.extend_from_slice(b",\"exact\":");
            push_decimal(out, part.exact);
            out.push(b'}');
        }
        out.push(b']');
        if m.free > 0 {
            out.extend_from_slice(b",\"free_messages\":\"");
            push_u128(out, u128::from(m.free));
            out.push(b'"');
        }
    }
    out.push(b'}');
}

/// A month as a JSON string, as its `Display` writes it (`"2026-11"`):
/// ASCII digits and `-`, nothing to escape.
pub fn push_month(out: &mut Vec<u8>, month: crate::calendar::Month) {
    match u32::try_from(month.year()) {
        Ok(year) if year <= 9999 => {
            let mut text = *b"\"0000-00\"";
            put_digits(&mut text, 5, u64::from(year));
            put_digits(&mut text, 8, u64::from(month.number()));
            out.extend_from_slice(&text);
        }
        _ => {
            let _ = std::io::Write::write_fmt(out, format_args!("\"{month}\""));
        }
    }
}

/// A JSON string as `serde_json` writes it: `"` and `\` escaped, the
/// control characters below U+0020 as `\b \t \n \f \r` or `\u00XX`,
/// everything else (non-ASCII and DEL included) as it is.
pub fn push_str(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = text.as_bytes();
    // Most text needs no escape: one pass without early exit (which the
    // compiler vectorizes), then one copy.
    // Bitwise on purpose: no branch per byte, so the loop vectorizes.
    #[allow(clippy::needless_bitwise_bool)]
    let plain = !bytes.iter().fold(false, |seen, &b| {
        seen | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    while let Some(at) = bytes[start..]
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
    {
        let i = start + at;
        let b = bytes[i];
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// `00`, `01`, ... `99`.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes `value`'s digits into `text`, ending just before `end`, two at a
/// time; the zeros in front, when the place is wider, are the buffer's.
fn put_digits(text: &mut [u8], end: usize, mut value: u64) {
    let mut at = end;
    while value >= 10 {
        #[allow(clippy::cast_possible_truncation)] // < 100
        let pair = (value % 100) as usize * 2;
        value /= 100;
        at -= 2;
        text[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if value > 0 {
        #[allow(clippy::cast_possible_truncation)] // < 10
        let digit = value as u8;
        text[at - 1] = b'0' + digit;
    }
}

/// A whole number's digits, at least `min` of them (zeros in front).
fn push_digits(out: &mut Vec<u8>, value: u128, min: usize) {
    let mut digits = [b'0'; 48];
    let end = digits.len();
    let mut at = end;
    if let Ok(rest) = u64::try_from(value) {
        put_digits(&mut digits, end, rest);
        at -= rest.checked_ilog10().map_or(1, |d| d as usize + 1);
    } else {
        let mut rest = value;
        while rest > 0 {
            at -= 1;
            #[allow(clippy::cast_possible_truncation)] // < 10
            let digit = (rest % 10) as u8;
            digits[at] = b'0' + digit;
            rest /= 10;
        }
    }
    // `digits` starts as zeros: padding is moving the start back.
    let at = at.min(digits.len() - min.min(digits.len()));
    out.extend_from_slice(&digits[at..]);
}

/// A whole number's digits.
pub fn push_u128(out: &mut Vec<u8>, value: u128) {
    match u64::try_from(value) {
        Ok(value) => {
            // In place, as in `push_scaled`.
            let len = value.checked_ilog10().map_or(1, |d| d as usize + 1);
            let start = out.len();
            out.extend_from_slice(&[b'0'; 20]);
            put_digits(&mut out[start..start + len], len, value);
            out.truncate(start + len);
        }
        Err(_) => push_digits(out, value, 1),
    }
}

/// A decimal as a JSON string, written as its `Display` writes it (`"65.00"`,
/// `"0.005"`).
pub fn push_decimal(out: &mut Vec<u8>, value: rust_decimal::Decimal) {
    match u128::try_from(value.mantissa()) {
        Ok(mantissa) if !value.is_sign_negative() => push_scaled(out, mantissa, value.scale()),
        _ => {
            out.push(b'"');
            let _ = std::io::Write::write_fmt(out, format_args!("{value}"));
            out.push(b'"');
        }
    }
}

/// `mantissa × 10^-scale` as a JSON string, as [`push_decimal`] writes the
/// decimal of that mantissa and scale (`(6500, 2)` → `"65.00"`).
pub fn push_scaled(out: &mut Vec<u8>, mantissa: u128, scale: u32) {
    const WIDTH: usize = 48;
    let (Ok(mut rest), true) = (u64::try_from(mantissa), scale <= 19) else {
        // Past u64 or 19 decimals: rare, and written the long way.
        out.push(b'"');
        push_digits(out, mantissa, scale as usize + 1);
        if scale > 0 {
            out.insert(out.len() - scale as usize, b'.');
        }
        out.push(b'"');
        return;
    };
    let scale = scale as usize;
    let digits = rest.checked_ilog10().map_or(1, |d| d as usize + 1);
    // At least one digit before the point: `0.005`.
    let whole = digits.saturating_sub(scale).max(1);
    let len = 2 + whole + if scale > 0 { scale + 1 } else { 0 };
    // Room of a fixed width (a fixed-size write needs no call), the
    // digits written in place, then cut back to the text.
    let start = out.len();
    out.extend_from_slice(&[b'0'; WIDTH]);
    let text = &mut out[start..start + len];
    text[0] = b'"';
    text[len - 1] = b'"';
    // Right to left, dividing by constants only: the fraction's digits,
    // the point, then the whole digits (a zero is the buffer's own).
    let mut at = len - 1;
    for _ in 0..scale {
        at -= 1;
        #[allow(clippy::cast_possible_truncation)] // < 10
        let digit = (rest % 10) as u8;
        text[at] = b'0' + digit;
        rest /= 10;
    }
    if scale > 0 {
        at -= 1;
        text[at] = b'.';
    }
    put_digits(text, at, rest);
    out.truncate(start + len);
}

/// A bill compared with the same usage priced another way: the bill as
/// `estimate --format json` writes it, plus `vs` (the other bill, the same
/// shape), `change` (`total − vs.total`), `vs_basis` (what `vs` was priced
/// under) and `changes`: one entry per line of either bill, matched by kind
/// and (Meta lines) category × market, with `amount` or `vs_amount` null
/// on the side the line is not on, the `change` and `why` it changed.
#[derive(Debug, Serialize)]
pub struct BillDiffJson<'a> {
    #[serde(flatten)]
    bill: BillJson<'a>,
    vs_basis: &'a str,
    vs: BillJson<'a>,
    change: String,
    changes: Vec<LineChangeJson>,
}

#[derive(Debug, Serialize)]
struct LineChangeJson {
    kind: &'static str,
    description: String,
    amount: Option<String>,
    vs_amount: Option<String>,
    change: String,
    why: Vec<String>,
}

impl<'a> BillDiffJson<'a> {
    /// The serializable view of a comparison; `explain` adds each line's
    /// formula to both bills.
    #[must_use]
    pub fn new(diff: &'a crate::diff::BillDiff<'a>, explain: bool) -> Self {
        Self {
            bill: BillJson::new(diff.this, explain),
            vs_basis: &diff.vs_label,
            vs: BillJson::new(diff.vs, explain),
            change: diff.change.to_string(),
            changes: diff
                .lines
                .iter()
                .map(|c| LineChangeJson {
                    kind: c.line().kind.as_str(),
                    description: report::diff::describe(diff, c),
                    amount: c.this.map(|l| l.amount.to_string()),
                    vs_amount: c.vs.map(|l| l.amount.to_string()),
                    change: c.change.to_string(),
                    why: c.why.clone(),
                })
                .collect(),
        }
    }
}

/// The bill as pretty JSON with a final newline.
#[must_use]
pub fn bill(bill: &Bill<'_>, explain: bool) -> String {
    pretty(&BillJson::new(bill, explain))
}

/// One plan, as serialized by `plans --format json`.
#[derive(Debug, Serialize)]
pub struct PlanJson<'a> {
    id: &'a str,
    name: &'a str,
    product: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_fee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    included: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    overage_rate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fair_use_limit: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fair_use_rate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    markup_percent: Option<String>,
    example: bool,
    source: &'a str,
}

impl<'a> PlanJson<'a> {
    /// The serializable view of a plan.
    #[must_use]
    pub fn new(plan: &'a Plan) -> Self {
        let paid = plan.unit().is_some();
        Self {
            id: &plan.id,
            name: &plan.name,
            product: plan.product.as_str(),
            currency: paid.then(|| plan.currency.code()),
            base_fee: paid.then(|| plan.base_fee.to_string()),
            included: paid.then_some(plan.included),
            overage_rate: paid.then(|| plan.overage_rate.to_string()),
            fair_use_limit: plan.fair_use.as_ref().map(|f| f.limit),
            fair_use_rate: plan.fair_use.as_ref().map(|f| f.rate.to_string()),
            markup_percent: plan.markup_percent.map(|p| p.to_string()),
            example: plan.example,
            source: &plan.origin,
        }
    }
}

/// Plans wrapped in an object, `{"plans": [...]}`, so fields can be added.
#[must_use]
pub fn plans(plans: &[Plan]) -> String {
    #[derive(Serialize)]
    struct Plans<'a> {
        plans: Vec<PlanJson<'a>>,
    }
    pretty(&Plans {
        plans: plans.iter().map(PlanJson::new).collect(),
    })
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
    plans: Vec<ComparisonPlanJson<'a>>,
    cheapest: Option<&'a str>,
    break_even: Vec<BreakEvenJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget: Option<BudgetJson<'a>>,
    notes: &'a [Cow<'static, str>],
}

#[derive(Serialize)]
struct ComparisonPlanJson<'a> {
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
    lines: Option<Vec<AmountJson>>,
}

#[derive(Serialize)]
struct AmountJson {
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

/// The comparison as pretty JSON:
///
/// JSON (PRODUCT.md fixes `currency`, `plans[].plan`, `plans[].total`,
/// `cheapest` and `break_even[]`; the rest is added):
///
/// ```json
/// {"product": "connect", "unit": "notifications", "currency": "USD",
///  "currency_choice": "only", "month": "2026-11", "example": true, "count": 15000,
///  "plans": [{"plan": "connect-10k", "name": "...", "included": 10000, "example": true,
///             "total": "65.00", "difference": "0.00", "cheapest": true,
///             "lines": [{"kind": "base", "amount": "30.00"}, ...]}, ...],
///  "cheapest": "connect-10k",
///  "break_even": [{"from": "connect-10k", "to": "connect-25k", "at": 21430}, ...],
///  "budget": {"amount": "500", "plans": [{"plan": "connect-10k", "reach": "up_to", "count": 77143},
///             {"plan": "connect-250k", "reach": "not_even_base", "count": null, "minimum": "800.00"}]},
///  "notes": ["example prices: every plan compared has example prices, ..."]}
/// ```
///
/// Without a count, `count` and `cheapest` are null and the plans carry no
/// totals; `budget` is there only with `--budget`; `meta_card` (after
/// `count`) only when Meta message counts were priced. `example` is true
/// when any tier compared has example prices.
#[must_use]
pub fn comparison(c: &Comparison<'_>) -> String {
    let plans = if c.quotes.is_empty() {
        c.tiers
            .iter()
            .map(|t| ComparisonPlanJson {
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
            .map(|q| ComparisonPlanJson {
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
                        .map(|l| AmountJson {
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
                    let (reach, count) = comparison::reach_json(*reach);
                    let minimum = (reach == "not_even_base")
                        .then(|| comparison::budget_minimum(c, i, &plan.id))
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
    pretty(&value)
}

#[derive(Serialize)]
struct CardJson<'a> {
    currency: &'static str,
    effective: String,
    markets: usize,
    volume_tiers: bool,
    /// The markets × categories with published tiers, when only some have.
    #[serde(skip_serializing_if = "Option::is_none")]
    tiered: Option<String>,
    service_charged: bool,
    /// `primary` (Meta's own file) or `secondary` (a third party's copy).
    data: &'static str,
    /// `complete` or `partial`.
    coverage: &'static str,
    /// What a partial card's rates file says it lacks.
    #[serde(skip_serializing_if = "Option::is_none")]
    partial: Option<&'a str>,
    /// `built-in`, or the files the card was read from.
    source: String,
    built_in: bool,
    sources: &'a [String],
}

impl<'a> CardJson<'a> {
    fn new(card: &'a RateCard) -> Self {
        Self {
            currency: card.currency().code(),
            effective: card.effective().to_string(),
            markets: card.markets().len(),
            volume_tiers: card.has_volume_tiers(),
            tiered: card.tiers_partial().then(|| card.tiered_summary()),
            service_charged: !card.service_free(),
            data: rates::trust_text(card),
            coverage: rates::coverage_text(card),
            partial: card.partial_rates(),
            source: rates::source_text(card),
            built_in: card.is_built_in(),
            sources: card.sources(),
        }
    }
}

#[derive(Serialize)]
struct MarketJson<'a> {
    market: &'a str,
    rates: std::collections::BTreeMap<&'static str, Option<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tiers: Vec<RateTierJson>,
}

#[derive(Serialize)]
struct RateTierJson {
    category: &'static str,
    from: u64,
    to: Option<u64>,
    rate: String,
}

/// `ctbill rates`: every card loaded, `{"cards": [...]}`.
#[must_use]
pub fn rate_cards(cards: &[RateCard]) -> String {
    #[derive(Serialize)]
    struct Cards<'a> {
        cards: Vec<CardJson<'a>>,
    }
    pretty(&Cards {
        cards: cards.iter().map(CardJson::new).collect(),
    })
}

/// `ctbill rates show`: the card, its provenance and each market's rates
/// and volume tiers.
#[must_use]
pub fn card_rates(shown: &CardRates<'_>) -> String {
    #[derive(Serialize)]
    struct Shown<'a> {
        #[serde(flatten)]
        card: CardJson<'a>,
        provenance: &'a [String],
        rates: Vec<MarketJson<'a>>,
    }
    let rates = shown
        .markets
        .iter()
        .map(|m| MarketJson {
            market: m.name(),
            rates: Category::ALL
                .iter()
                .map(|&c| (c.name(), m.rate(c).map(|r| r.to_string())))
                .collect(),
            tiers: Category::ALL
                .iter()
                .flat_map(|&c| {
                    m.tiers(c).iter().map(move |t| RateTierJson {
                        category: c.name(),
                        from: t.from,
                        to: t.to,
                        rate: t.rate.to_string(),
                    })
                })
                .collect(),
        })
        .collect();
    pretty(&Shown {
        card: CardJson::new(shown.card),
        provenance: shown.card.provenance(),
        rates,
    })
}

/// `ctbill rates diff`: `{"currency", "card", "vs_card", "changes":
/// [{"market", "category", "rate", "vs_rate", "change", "percent"}]}`, a
/// rate null where a card has none (`change` and `percent` null then),
/// `percent` null from a zero rate; `rate` is the card of `--month`, and
/// `change` is `rate − vs_rate`. Also `month`, `vs_month`, `same_card`,
/// `vs_market` on a change whose country moved market, `markets_added`,
/// `markets_removed`, `tier_changes` and `notes`.
#[must_use]
pub fn rates_diff(report: &report::rates_diff::RatesDiff<'_>) -> String {
    #[derive(Serialize)]
    struct ChangeJson<'a> {
        market: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        vs_market: Option<&'a str>,
        category: &'static str,
        rate: Option<String>,
        vs_rate: Option<String>,
        change: Option<String>,
        percent: Option<String>,
    }
    #[derive(Serialize)]
    struct TierChange<'a> {
        market: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        vs_market: Option<&'a str>,
        category: &'static str,
        tiers: Vec<RateTierJson>,
        vs_tiers: Vec<RateTierJson>,
    }
    #[derive(Serialize)]
    struct Diff<'a> {
        currency: &'static str,
        card: String,
        vs_card: String,
        month: String,
        vs_month: String,
        card_description: String,
        vs_card_description: String,
        same_card: bool,
        changes: Vec<ChangeJson<'a>>,
        markets_added: &'a [String],
        markets_removed: &'a [String],
        tier_changes: Vec<TierChange<'a>>,
        notes: &'a [String],
    }
    let text = |d: Option<rust_decimal::Decimal>| d.map(|d| d.to_string());
    let tiers = |category: Category, tiers: &[crate::meta::Tier]| {
        tiers
            .iter()
            .map(|t| RateTierJson {
                category: category.name(),
                from: t.from,
                to: t.to,
                rate: t.rate.to_string(),
            })
            .collect()
    };
    let diff = &report.diff;
    pretty(&Diff {
        currency: diff.card.currency().code(),
        card: diff.card.effective().to_string(),
        vs_card: diff.vs_card.effective().to_string(),
        month: report.month.to_string(),
        vs_month: report.vs_month.to_string(),
        card_description: diff.card.describe(),
        vs_card_description: diff.vs_card.describe(),
        same_card: diff.same_card(),
        changes: diff
            .changes
            .iter()
            .map(|c| ChangeJson {
                market: &c.market,
                vs_market: c.vs_market.as_deref(),
                category: c.category.name(),
                rate: text(c.rate),
                vs_rate: text(c.vs_rate),
                change: text(c.change()),
                percent: text(c.percent()),
            })
            .collect(),
        markets_added: &diff.markets_added,
        markets_removed: &diff.markets_removed,
        tier_changes: diff
            .tier_changes
            .iter()
            .map(|t| TierChange {
                market: &t.market,
                vs_market: t.vs_market.as_deref(),
                category: t.category.name(),
                tiers: tiers(t.category, &t.tiers),
                vs_tiers: tiers(t.category, &t.vs_tiers),
            })
            .collect(),
        notes: &report.notes,
    })
}

/// Pretty JSON with a final newline. Serializing these plain structs
/// cannot fail; were it to, the error text is returned as a JSON string
/// rather than a panic.
#[must_use]
pub fn pretty<T: Serialize>(value: &T) -> String {
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use serde_json::Value;

    use crate::bill::tests::{connect, direct};
    use crate::bill::{MetaCharges, bill};
    use crate::meta::{Category, MetaCharge, TierPart};

    fn dec(value: &Value) -> Decimal {
        Decimal::from_str(value.as_str().expect("a string")).expect("a decimal")
    }

    /// Meta counts priced on one to three tiers, as the rate card would.
    fn charge(market: usize, tiers: &[(u32, i64)]) -> MetaCharge {
        let parts: Vec<TierPart> = tiers
            .iter()
            .map(|&(count, rate)| {
                let rate = Decimal::new(rate, 4);
                TierPart {
                    count: count.into(),
                    rate,
                    exact: rate * Decimal::from(count),
                }
            })
            .collect();
        MetaCharge {
            category: Category::Utility,
            market: format!("Market {market}"),
            count: parts.iter().map(|p| p.count).sum(),
            free: 0,
            exact_total: parts.iter().map(|p| p.exact).sum(),
            parts,
            note: None,
        }
    }

    proptest! {
        /// On every line of the JSON bill, quantity × unit_price is the
        /// exact amount; a line without a unit price (several volume tiers)
        /// lists tiers that add up to its quantity and exact amount, each
        /// tier's quantity × rate being its exact amount.
        #[test]
        fn quantity_times_unit_price_is_the_exact_amount(
            count in 0u64..2_000_000,
            on_direct in any::<bool>(),
            markup in proptest::option::of((0i64..100_000, 0u32..4)),
            amount in proptest::option::of(0i64..10_000_000),
            meta in proptest::collection::vec(
                proptest::collection::vec((0u32..500_000, 1i64..2_000), 1..4),
                0..4,
            ),
        ) {
            let plan = if on_direct { direct() } else { connect("30.00", 10_000, "0.0070", "USD") };
            let (meta, markup) = match (on_direct, amount) {
                (false, _) => (MetaCharges::None, None),
                (true, Some(cents)) => (MetaCharges::Amount(Decimal::new(cents, 3)), markup),
                (true, None) if meta.is_empty() => (MetaCharges::None, markup),
                (true, None) => (
                    MetaCharges::Priced {
                        card: "test card".into(),
                        card_notes: Vec::new(),
                        lines: meta.iter().enumerate().map(|(i, t)| charge(i, t)).collect(),
                    },
                    markup,
                ),
            };
            let markup = markup.map(|(m, scale)| Decimal::new(m, scale));
            let bill = bill(&plan, count, markup, meta).unwrap();
            let json: Value = serde_json::from_str(&super::bill(&bill, false)).unwrap();
            let lines = json["lines"].as_array().unwrap();
            prop_assert_eq!(lines.len(), bill.lines.len());
            for line in lines {
                let (quantity, exact) = (dec(&line["quantity"]), dec(&line["exact"]));
                match &line["unit_price"] {
                    Value::Null => {
                        let tiers = line["tiers"].as_array().unwrap();
                        prop_assert!(tiers.len() > 1, "{line}");
                        let mut sum = (Decimal::ZERO, Decimal::ZERO);
                        for tier in tiers {
                            let (q, rate, e) = (dec(&tier["quantity"]), dec(&tier["rate"]), dec(&tier["exact"]));
                            prop_assert_eq!(q * rate, e, "{}", tier);
                            sum = (sum.0 + q, sum.1 + e);
                        }
                        prop_assert_eq!(sum, (quantity, exact), "{}", line);
                    }
                    price => prop_assert_eq!(quantity * dec(price), exact, "{}", line),
                }
                prop_assert_eq!(
                    dec(&line["amount"]),
                    crate::money::round_line(exact, bill.currency()),
                    "{}", line
                );
            }
        }
    }

    #[test]
    fn the_markup_unit_price_is_the_fraction_with_the_digits_written() {
        // 10% of 100.00 = 100.00 × 0.10 = 10.0000; 12.5% = 100.00 × 0.125 = 12.50000.
        let plan = direct();
        for (percent, unit_price, exact) in
            [("10", "0.10", "10.0000"), ("12.5", "0.125", "12.50000")]
        {
            let percent = Decimal::from_str(percent).unwrap();
            let bill = bill(
                &plan,
                0,
                Some(percent),
                MetaCharges::Amount(Decimal::ONE_HUNDRED),
            )
            .unwrap();
            let json: Value = serde_json::from_str(&super::bill(&bill, false)).unwrap();
            let markup = &json["lines"][4];
            assert_eq!(markup["kind"], "markup");
            // The quantity is the Meta subtotal as shown: 100 rounded to 100.00.
            assert_eq!(markup["quantity"], "100.00");
            assert_eq!(markup["unit_price"], unit_price);
            assert_eq!(markup["exact"], exact);
        }
    }

    proptest! {
        /// The direct writer's decimals are `Display`'s, quoted.
        #[test]
        fn direct_decimals_are_display(lo in any::<u64>(), hi in any::<u32>(), wide in any::<bool>(), negative in any::<bool>(), scale in 0u32..=28) {
            let mantissa = if wide { i128::from(lo) | (i128::from(hi) << 64) } else { i128::from(lo % 1_000_000) };
            let mut value = Decimal::from_i128_with_scale(mantissa, scale);
            value.set_sign_negative(negative);
            let mut out = Vec::new();
            super::push_decimal(&mut out, value);
            prop_assert_eq!(String::from_utf8(out).unwrap(), format!("\"{value}\""));
        }
    }
}
