//! Reading a quote file: strict TOML, read through `toml`'s span-keeping
//! layer like plan files (`load.rs`), so amounts keep the digits written
//! and every problem has `file:line:column`. All problems are collected.

use std::ops::Range;
use std::rc::Rc;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{DEFAULT_DISCOUNT_ON, Deal, Discount, DiscountValue, Tax};
use crate::bill::LineKind;
use crate::calendar::Date;
use crate::load::Problem;
use crate::money;
use crate::plan::Unit;
use crate::shown::shown;
use crate::tomlread::{self, Field, number_text};
use crate::usage::{self, MetaCount, MetaUsage};

/// The top-level keys of a quote file.
pub const QUOTE_KEYS: [&str; 13] = [
    "customer",
    "prepared_by",
    "date",
    "valid_until",
    "plan",
    "start",
    "months",
    "growth_percent",
    "phone_numbers",
    "usage",
    "discount",
    "commitment",
    "tax",
];
const USAGE_KEYS: [&str; 5] = [
    "sent",
    "conversations",
    "meta",
    "meta_amount",
    "markup_percent",
];
const DISCOUNT_KEYS: [&str; 4] = ["name", "percent", "amount", "on"];
const TAX_KEYS: [&str; 3] = ["name", "percent", "on"];
const COMMITMENT_KEYS: [&str; 1] = ["minimum"];

/// The most months a quote runs.
pub const MAX_MONTHS: u32 = 60;

/// Walks a quote file's TOML tree, collecting problems with their spans.
struct Reader<'a> {
    read: tomlread::Reader<'a>,
}

/// Parses a quote file. `today` gives the default date and start month.
///
/// # Errors
///
/// Every problem found, with `file:line:column`.
pub fn parse(label: &str, text: &str, today: Date) -> Result<Deal, Vec<Problem>> {
    let document = tomlread::document(label, text).map_err(|problem| vec![problem])?;
    let mut r = Reader {
        read: tomlread::Reader::new(label, text),
    };
    let root = document.get_ref();
    let whole = 0..0;
    r.read.unknown_keys(root, &QUOTE_KEYS, Some("a quote file"));
    let get = |k: &str| root.get(k);
    let customer = r.string(get("customer"), "customer", &whole, true);
    let prepared_by = r.string(get("prepared_by"), "prepared_by", &whole, false);
    let date = r
        .read
        .date(get("date"), "date")
        .ok()
        .map(|d| d.unwrap_or(today));
    let valid_until = r.read.date(get("valid_until"), "valid_until").ok();
    let plan = r.string(get("plan"), "plan", &whole, true);
    let plan_at = get("plan").map_or(0, |v| v.span().start);
    let start = get("start").map_or(Some(today.month()), |v| r.read.month(v, "start"));
    let months = get("months").map_or(Some(1), |v| r.months(v));
    let growth_percent = match get("growth_percent") {
        None => Some(Decimal::ZERO),
        Some(v) => r.percent(v, "growth_percent", None),
    };
    let phone_numbers = match get("phone_numbers") {
        None => Some(usage::DEFAULT_PHONE_NUMBERS),
        Some(v) => r.count(Some(v), "phone_numbers"),
    };
    let usage = r.usage_table(get("usage"));
    let discounts = r.tables(get("discount"), "discount", |r, t, span| {
        r.discount(t, span)
    });
    let taxes = r.tables(get("tax"), "tax", Reader::tax);
    let commitment = r.commitment(get("commitment")).ok();
    if r.read.problem_count() > 0 {
        return Err(r.read.into_problems());
    }
    let (Some(customer), Some(date), Some(valid_until), Some(plan), Some(start), Some(months)) =
        (customer, date, valid_until, plan, start, months)
    else {
        return Err(vec![Problem::file(label, "incomplete quote")]);
    };
    let (
        Some(growth_percent),
        Some(phone_numbers),
        Some((count, meta, meta_at, markup)),
        Some(discounts),
        Some(taxes),
        Some(commitment),
    ) = (
        growth_percent,
        phone_numbers,
        usage,
        discounts,
        taxes,
        commitment,
    )
    else {
        return Err(vec![Problem::file(label, "incomplete quote")]);
    };
    let locate = |offset: usize| r.read.location(offset);
    Ok(Deal {
        label: label.to_owned(),
        customer: customer.0,
        prepared_by: prepared_by.map(|p| p.0),
        date,
        valid_until,
        plan: plan.0,
        plan_at: locate(plan_at),
        start,
        months,
        growth_percent,
        phone_numbers,
        count,
        meta,
        meta_at: locate(meta_at),
        markup_percent: markup,
        discounts,
        commitment,
        taxes,
    })
}

type UsageParts = ((Option<Unit>, u64), MetaUsage, usize, Option<Decimal>);

impl Reader<'_> {
    /// `[commitment]`: `Ok(None)` when absent, `Err` when bad (reported).
    fn commitment(&mut self, value: Field<'_, '_>) -> Result<Option<Decimal>, ()> {
        match value.map(|v| (v.get_ref(), v.span())) {
            None => Ok(None),
            Some((DeValue::Table(t), span)) => {
                self.read
                    .unknown_keys(t, &COMMITMENT_KEYS, Some("[commitment]"));
                if let Some(v) = t.get("minimum") {
                    self.amount(v, "minimum").map(Some).ok_or(())
                } else {
                    self.read
                        .missing(&span, "minimum", Some("[commitment]"), "\"1500.00\"");
                    Err(())
                }
            }
            Some((_, span)) => {
                self.read
                    .problem(span, "`commitment` must be a table: write [commitment]");
                Err(())
            }
        }
    }

    fn months(&mut self, v: &Spanned<DeValue<'_>>) -> Option<u32> {
        let n = self.count(Some(v), "months")?;
        match u32::try_from(n) {
            Ok(n) if (1..=MAX_MONTHS).contains(&n) => Some(n),
            _ => {
                self.read.problem(
                    v.span(),
                    format!("`months` is {n}; a quote runs 1 to {MAX_MONTHS} months"),
                );
                None
            }
        }
    }

    fn usage_table(&mut self, value: Field<'_, '_>) -> Option<UsageParts> {
        match value.map(|v| (v.get_ref(), v.span())) {
            Some((DeValue::Table(t), span)) => self.usage(t, span),
            Some((_, span)) => {
                self.read
                    .problem(span, "`usage` must be a table: write [usage]");
                None
            }
            None => {
                self.read.problem(
                    0..0,
                    "missing [usage]; add e.g. `[usage]` with `conversations = 60000`",
                );
                None
            }
        }
    }

    /// A string in quotes, not blank.
    fn string(
        &mut self,
        value: Field<'_, '_>,
        key: &str,
        table: &Range<usize>,
        required: bool,
    ) -> Option<(String, Range<usize>)> {
        let Some(value) = value else {
            if required {
                self.read.missing(table, key, None, "\"...\"");
            }
            return None;
        };
        let (s, span) = self.read.string(value, key)?;
        if s.trim().is_empty() {
            self.read.problem(span, format!("`{key}` is empty"));
            return None;
        }
        Some((s, span))
    }

    fn count(&mut self, value: Field<'_, '_>, key: &str) -> Option<u64> {
        let value = value?;
        self.read
            .count(value, key, &format!("a whole number, e.g. {key} = 12"))
    }

    /// An exact, non-negative amount as written.
    fn amount(&mut self, value: &Spanned<DeValue<'_>>, key: &str) -> Option<Decimal> {
        let expected = format!("a decimal amount, e.g. {key} = \"50.00\"");
        self.read.amount(value, key, &expected)
    }

    /// A percentage, `10` or `10%`, zero or more and at most `max`.
    fn percent(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        max: Option<u32>,
    ) -> Option<Decimal> {
        let Some(raw) = number_text(value) else {
            self.read.problem(
                value.span(),
                format!("`{key}` must be a percentage, e.g. {key} = \"10\" (ten percent)"),
            );
            return None;
        };
        let number = raw.trim().strip_suffix('%').unwrap_or(raw);
        match money::parse_exact(number) {
            Ok(p) if p.is_sign_negative() && !p.is_zero() => {
                self.read.problem(
                    value.span(),
                    format!(
                        "`{key}` is negative ({}); a percentage here is zero or more",
                        shown(raw)
                    ),
                );
                None
            }
            Ok(p) if max.is_some_and(|m| p > Decimal::from(m)) => {
                self.read.problem(
                    value.span(),
                    format!(
                        "`{key}` is {}; it can be at most {}",
                        shown(raw),
                        max.unwrap_or(0)
                    ),
                );
                None
            }
            Ok(p) => Some(p),
            Err(m) => {
                self.read.problem(
                    value.span(),
                    format!("`{key}`: {m}; expected a percentage such as 10 or 10%"),
                );
                None
            }
        }
    }

    fn usage(&mut self, t: &DeTable<'_>, span: Range<usize>) -> Option<UsageParts> {
        self.read.unknown_keys(t, &USAGE_KEYS, Some("[usage]"));
        let count = match (t.get("sent"), t.get("conversations")) {
            (Some(s), Some(c)) => {
                self.read.problem(
                    c.span(),
                    "[usage] gives both `sent` and `conversations`; give the one the plan counts",
                );
                let _ = s;
                None
            }
            (Some(s), None) => self
                .count(Some(s), "sent")
                .map(|n| (Some(Unit::Notifications), n)),
            (None, Some(c)) => self
                .count(Some(c), "conversations")
                .map(|n| (Some(Unit::Conversations), n)),
            (None, None) => {
                // A quote of no platform usage is never meant: billing 0
                // conversations silently would hide a forgotten key.
                self.read.problem(
                    span,
                    "[usage] gives no count: add `sent = ...` (Connect) or `conversations = ...` (Direct), 0 if none",
                );
                None
            }
        };
        let markup = match t.get("markup_percent") {
            None => Some(None),
            Some(v) => self.percent(v, "markup_percent", None).map(Some),
        };
        let (meta, at) = match (t.get("meta"), t.get("meta_amount")) {
            (Some(_), Some(a)) => {
                self.read.problem(
                    a.span(),
                    "[usage] gives both `meta` and `meta_amount`; give Meta's charges one way",
                );
                (None, 0)
            }
            (None, Some(a)) => {
                let parsed = if let Some(raw) = number_text(a) {
                    usage::parse_amount(raw)
                        .map_err(|m| self.read.problem(a.span(), format!("`meta_amount`: {m}")))
                        .ok()
                } else {
                    self.read.problem(
                        a.span(),
                        "`meta_amount` must be an amount, e.g. meta_amount = \"1000.00\"",
                    );
                    None
                };
                (parsed.map(MetaUsage::Amount), a.span().start)
            }
            (Some(m), None) => (self.meta(m), m.span().start),
            (None, None) => (Some(MetaUsage::None), 0),
        };
        Some((count?, meta?, at, markup?))
    }

    fn meta(&mut self, value: &Spanned<DeValue<'_>>) -> Option<MetaUsage> {
        let DeValue::Table(t) = value.get_ref() else {
            self.read.problem(
                value.span(),
                "`meta` must be a table of counts, e.g. meta = { \"marketing:IN\" = 2000000 }",
            );
            return None;
        };
        let before = self.read.problem_count();
        let mut counts = Vec::new();
        for (key, v) in t {
            let name: &str = key.get_ref().as_ref();
            let parsed = usage::parse_meta_key(name)
                .map_err(|m| {
                    self.read
                        .problem(key.span(), format!("`meta` key `{}`: {m}", shown(name)));
                })
                .ok();
            let count = self.count(Some(v), name);
            if let (Some((category, market)), Some(count)) = (parsed, count) {
                counts.push(MetaCount {
                    category,
                    market,
                    count,
                });
            }
        }
        (self.read.problem_count() == before).then_some(MetaUsage::Messages(counts))
    }

    fn tables<T>(
        &mut self,
        value: Field<'_, '_>,
        key: &str,
        mut each: impl FnMut(&mut Self, &DeTable<'_>, Range<usize>) -> Option<T>,
    ) -> Option<Vec<T>> {
        let Some(value) = value else {
            return Some(Vec::new());
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.read.problem(
                value.span(),
                format!("`{key}` must be an array of tables: write [[{key}]]"),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for item in &**items {
            if let DeValue::Table(t) = item.get_ref() {
                match each(self, t, item.span()) {
                    Some(v) => out.push(v),
                    None => ok = false,
                }
            } else {
                self.read.problem(
                    item.span(),
                    format!("each `{key}` must be a table: write [[{key}]]"),
                );
                ok = false;
            }
        }
        ok.then_some(out)
    }

    fn kinds(
        &mut self,
        value: Field<'_, '_>,
        allowed: &[LineKind],
        default: &[LineKind],
    ) -> Option<Rc<[LineKind]>> {
        let Some(value) = value else {
            return Some(Rc::from(default));
        };
        let names: Vec<&str> = allowed.iter().map(|k| k.as_str()).collect();
        let DeValue::Array(items) = value.get_ref() else {
            self.read.problem(value.span(), format!("`on` must be a list of line kinds, e.g. on = [\"base\", \"overage\"]; kinds: {}", names.join(", ")));
            return None;
        };
        let mut kinds = Vec::new();
        let before = self.read.problem_count();
        for item in &**items {
            match item.get_ref() {
                DeValue::String(s) => {
                    match LineKind::from_name(s).filter(|k| allowed.contains(k)) {
                        Some(k) if !kinds.contains(&k) => kinds.push(k),
                        Some(_) => {}
                        None => self.read.problem(
                            item.span(),
                            format!(
                                "`on`: `{}` is not a kind of line this term can be on; kinds: {}",
                                shown(s),
                                names.join(", ")
                            ),
                        ),
                    }
                }
                _ => self.read.problem(
                    item.span(),
                    "`on` lists line kinds in quotes, e.g. \"base\"",
                ),
            }
        }
        if kinds.is_empty() && self.read.problem_count() == before {
            self.read.problem(
                value.span(),
                format!(
                    "`on` is empty; list the kinds of line it is on: {}",
                    names.join(", ")
                ),
            );
        }
        (self.read.problem_count() == before).then(|| Rc::from(kinds))
    }

    fn discount(&mut self, t: &DeTable<'_>, span: Range<usize>) -> Option<Discount> {
        self.read
            .unknown_keys(t, &DISCOUNT_KEYS, Some("[[discount]]"));
        let name = self.string(t.get("name"), "name", &span, true);
        let value = match (t.get("percent"), t.get("amount")) {
            (Some(_), Some(a)) => {
                self.read.problem(a.span(), "[[discount]] gives both `percent` and `amount`; a discount is one or the other");
                None
            }
            (Some(p), None) => self
                .percent(p, "percent", Some(100))
                .map(DiscountValue::Percent),
            (None, Some(a)) => self.amount(a, "amount").map(DiscountValue::Amount),
            (None, None) => {
                self.read.problem(span.clone(), "[[discount]] needs `percent` (e.g. percent = \"10\") or `amount` (e.g. amount = \"50.00\", per month)");
                None
            }
        };
        let allowed = &LineKind::ALL[..5];
        let on = self.kinds(t.get("on"), allowed, &DEFAULT_DISCOUNT_ON)?;
        Some(Discount {
            name: name?.0.into(),
            value: value?,
            on,
        })
    }

    fn tax(&mut self, t: &DeTable<'_>, span: Range<usize>) -> Option<Tax> {
        self.read.unknown_keys(t, &TAX_KEYS, Some("[[tax]]"));
        let name = self.string(t.get("name"), "name", &span, true);
        let percent = if let Some(p) = t.get("percent") {
            self.percent(p, "percent", None)
        } else {
            self.read
                .missing(&span, "percent", Some("this [[tax]]"), "\"18\"");
            None
        };
        let on = self.kinds(t.get("on"), &LineKind::ALL[..7], &[])?;
        Some(Tax {
            name: name?.0.into(),
            percent: percent?,
            on,
        })
    }
}
