//! The fast path of a CSV batch row: the common rows (a plan, a count,
//! Meta message counts or a Meta amount, perhaps a markup, month and
//! phone numbers, every cell plain digits) priced in integer minor units
//! ([`super::quick`]) and written without building a [`crate::bill::Bill`].
//!
//! It never decides anything the engine would decide differently: any cell
//! it cannot read as plain digits, any plan, card or market it has not
//! resolved cleanly, any rule that reaches across lines (service messages
//! and their free tier, the shared authentication counter, counts of one
//! market in two columns) and any value near the bounds of exact
//! arithmetic make it answer [`Fast::Slow`], and the row goes through
//! [`crate::catalog::price`] as before. A market the card refuses is the
//! engine's own message, made once per card and column.
//!
//! What it remembers is per run and small: the plans met (by id as
//! written), the months met (by text), and per rate card in force the
//! resolution of each Meta column of the header, with the words a JSON
//! bill shows for it. For JSON Lines it also keeps the lines of the row
//! last priced, for [`json`] to write.

pub(super) mod json;

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::quick::{self, Ladder, LinePrice, Part, Quick};
use crate::calendar::Month;
use crate::catalog::Catalog;
use crate::meta::{Category, RateBook, RateCard};
use crate::money::Currency;
use crate::plan::{Plan, Product, Unit};
use crate::usage;

/// Plans, months and cards remembered, at most, each.
const REMEMBERED: usize = 64;

/// The columns the fast path reads, from the header.
#[derive(Debug, Clone, Default)]
pub(super) struct Columns {
    pub plan: Option<usize>,
    pub sent: Option<usize>,
    pub conversations: Option<usize>,
    pub meta_amount: Option<usize>,
    pub markup: Option<usize>,
    pub month: Option<usize>,
    pub phone_numbers: Option<usize>,
    /// `(column, category, market as written)` of each Meta count column.
    pub meta: Vec<(usize, Category, Arc<str>)>,
}

/// One row's amounts, in minor units of `currency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Amounts {
    pub currency: Currency,
    pub base: u64,
    pub overage: u64,
    pub fair_use_overage: Option<u64>,
    /// The Meta subtotal and the markup on it, when Meta charges were given.
    pub meta: Option<(u64, u64)>,
    pub total: u64,
    /// Whether the plan has example prices.
    pub example: bool,
}

/// What the fast path made of a row.
#[derive(Debug)]
pub(super) enum Fast {
    /// Priced; with `--vs-month`, the vs bill's amounts too.
    Priced(Amounts, Option<Amounts>),
    /// The card refuses the market of a Meta column, the first such
    /// column ([`FastRows::refusal`] says it as the engine does).
    Refused(Refusal),
    /// Not for the fast path: price the row with the engine.
    Slow,
}

/// A market a card refuses, on a row.
#[derive(Debug, Clone, Copy)]
pub(super) struct Refusal {
    /// The column of the input (from 0).
    pub column: usize,
    card: usize,
    meta: usize,
}

/// Why the fast path could not price a row's Meta charges.
enum Miss {
    /// `card` refuses the market of Meta column `column`.
    Refused { card: usize, column: usize },
    /// The engine must price the row.
    Slow,
}

/// A plan met in the input, ready for integer pricing.
struct FastPlan<'c> {
    plan: &'c Plan,
    quick: Quick,
    /// Its fixed JSON, made when JSON Lines first needs it.
    json: Option<json::PlanJson>,
    /// Which of [`FastRows`]' heads and tails its bills use, by month and
    /// by what follows the total.
    heads: Vec<(Month, usize)>,
    tails: Vec<(json::TailKey, usize)>,
    /// The card in force (an index into [`FastRows`]' cards) by month.
    cards: Vec<(Month, Option<usize>)>,
}

/// A Meta column priced on a card: its schedule and what its line says.
#[derive(Debug)]
struct Priced {
    ladder: Ladder,
    /// As JSON, per step of the ladder: its rate (`"0.0118"`), and the
    /// middle of a tier's object (`","rate":…,"unit_price":…,"exact":`).
    rates: Vec<(Vec<u8>, Vec<u8>)>,
    /// The rate a line of no messages shows, as JSON.
    zero_rate: Vec<u8>,
    /// The line's description, as JSON, priced on one tier or on several.
    description: [Vec<u8>; 2],
    /// The note the line adds to the bill (a list rate where the card
    /// publishes other markets' tiers), and as JSON.
    note: Option<(String, Vec<u8>)>,
}

/// What a Meta column is on one card.
#[derive(Debug)]
enum Column {
    Unresolved,
    /// Priced on this schedule.
    Ladder(Box<Priced>),
    /// The card refuses the market: the engine's message, and as JSON
    /// string content (escaped, without quotes).
    Refused(String, Vec<u8>),
    /// Priced by the engine only (service messages, a rule across lines,
    /// a rate the card lacks).
    Slow,
}

/// One rate card in force, and what each Meta column is on it.
struct FastCard<'c> {
    key: (Currency, Month),
    /// `None` when the engine must say why there is no card.
    card: Option<&'c RateCard>,
    columns: Vec<Column>,
    /// Per column: the category group and market it resolved to, to find
    /// two columns that meet on one line or one counter.
    markets: Vec<Option<(u8, Rc<str>)>>,
    /// How bills name the card, as JSON.
    description: Vec<u8>,
    /// The notes a bill priced on the card carries for the month, and
    /// each as JSON.
    notes: Vec<(Cow<'static, str>, Vec<u8>)>,
}

/// One bill's Meta lines priced by the fast path, for JSON Lines.
#[derive(Debug, Default)]
struct Lines {
    /// The card (an index into `cards`) when messages were priced.
    card: Option<usize>,
    /// `(Meta column, messages, price, its parts as a range of parts)`.
    meta: Vec<(usize, u64, LinePrice, std::ops::Range<usize>)>,
    parts: Vec<Part>,
}

/// The fast path's memory for one run (one per thread).
pub(super) struct FastRows<'c> {
    catalog: &'c Catalog,
    columns: Columns,
    default_plan: Option<&'c Plan>,
    default_month: Month,
    vs_month: Option<Month>,
    /// Plans by id as written; `None` for one the fast path leaves alone.
    plans: Vec<(Written, Option<FastPlan<'c>>)>,
    months: Vec<(Written, Month)>,
    cards: Vec<FastCard<'c>>,
    /// The row's Meta counts, `(index into columns.meta, count)`, reused.
    counts: Vec<(usize, u64)>,
    /// Keep the lines of each row priced, for JSON Lines.
    json: bool,
    /// The row last priced and its Meta lines (the bill's, the vs bill's).
    last: Option<Row<'c>>,
    lines: [Lines; 2],
    /// Markup descriptions met, as JSON, by percentage.
    markups: Vec<(Decimal, Vec<u8>)>,
    /// What JSON Lines writes before each input cell: `"input":{"account":`,
    /// then `,"plan":` and so on.
    input_keys: Vec<Vec<u8>>,
    /// The same for cells that need no escaping, with the quotes around
    /// them: `"input":{"account":"`, then `","plan":"` and so on.
    plain_input_keys: Vec<Vec<u8>>,
    /// Each column's name, trimmed, as JSON string content.
    names: Vec<Vec<u8>>,
    /// [`crate::bill::EXAMPLE_NOTE`] and [`crate::bill::NO_META_NOTE`] as JSON.
    fixed_notes: [Vec<u8>; 2],
    /// JSON made once and reused: a bill's fields up to its count, per
    /// plan and month, and after its total (`meta_card` and `notes`), per
    /// card, plan and Meta columns given.
    heads: Vec<Vec<u8>>,
    tails: Vec<Vec<u8>>,
    /// Which of `heads` and `tails` the last row's bill and vs bill use.
    pieces: [(usize, usize); 2],
}

/// A cell's text as written, found again by a fingerprint first: its
/// length and its first and last eight bytes (which are the whole text up
/// to 16 bytes, the common case of plan ids and months).
#[derive(Debug)]
struct Written {
    fingerprint: (usize, u64, u64),
    text: Box<[u8]>,
}

impl Written {
    fn new(text: &[u8]) -> Self {
        Self {
            fingerprint: fingerprint(text),
            text: text.into(),
        }
    }

    /// Whether this is `text`, whose fingerprint is `print`.
    fn is(&self, print: (usize, u64, u64), text: &[u8]) -> bool {
        self.fingerprint == print && (text.len() <= 16 || *self.text == *text)
    }
}

fn fingerprint(text: &[u8]) -> (usize, u64, u64) {
    let word = |bytes: &[u8]| {
        bytes
            .iter()
            .enumerate()
            .fold(0_u64, |word, (i, &b)| word | u64::from(b) << (8 * i))
    };
    let n = text.len();
    (
        n,
        word(&text[..n.min(8)]),
        word(&text[n.saturating_sub(8)..]),
    )
}

/// A cell without surrounding ASCII blanks; empty when absent.
fn cell(record: &super::split::Record, column: Option<usize>) -> &[u8] {
    column
        .and_then(|i| record.get(i))
        .map_or(&[][..], <[u8]>::trim_ascii)
}

/// `15000`: plain digits (what [`usage::parse_count`] reads first).
fn digits(cell: &[u8]) -> Option<u64> {
    usage::parse_digits(cell)
}

/// `1250.40`: digits with at most one point between digits, up to 18 of
/// them; the exact value (what [`usage::parse_amount`] reads it as).
fn plain_amount(cell: &[u8]) -> Option<Decimal> {
    let (whole, fraction) = match cell.iter().position(|&b| b == b'.') {
        Some(point) => (&cell[..point], &cell[point + 1..]),
        None => (cell, &[][..]),
    };
    if whole.is_empty() || whole.len() + fraction.len() > 18 {
        return None;
    }
    if cell.contains(&b'.') && fraction.is_empty() {
        return None;
    }
    let mut mantissa = digits(whole)?;
    for &b in fraction {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(digit);
    }
    #[allow(clippy::cast_possible_truncation)] // at most 18 digits
    Some(Decimal::from_i128_with_scale(
        i128::from(mantissa),
        fraction.len() as u32,
    ))
}

/// Authentication and authentication-international messages to one
/// market share one counter: one group; every other category its own.
fn group(category: Category) -> u8 {
    match category {
        Category::Marketing => 0,
        Category::Utility => 1,
        Category::Authentication | Category::AuthenticationInternational => 2,
        Category::Service => 3,
    }
}

impl<'c> FastRows<'c> {
    pub(super) fn new(
        catalog: &'c Catalog,
        columns: Columns,
        default_plan: Option<&'c Plan>,
        default_month: Month,
        vs_month: Option<Month>,
        names: Option<&[String]>,
    ) -> Self {
        let json = names.is_some();
        let input_keys: Vec<Vec<u8>> = names
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut key = if i == 0 {
                    b"\"input\":{".to_vec()
                } else {
                    b",".to_vec()
                };
                key.extend_from_slice(&json::text(name));
                key.push(b':');
                key
            })
            .collect();
        let plain_input_keys = input_keys
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let mut plain = if i == 0 { Vec::new() } else { b"\"".to_vec() };
                plain.extend_from_slice(key);
                plain.push(b'"');
                plain
            })
            .collect();
        let names_json = names
            .unwrap_or_default()
            .iter()
            .map(|name| {
                let quoted = json::text(name.trim());
                quoted[1..quoted.len() - 1].to_vec()
            })
            .collect();
        Self {
            names: names_json,
            heads: Vec::new(),
            tails: Vec::new(),
            pieces: [(0, 0); 2],
            input_keys,
            plain_input_keys,
            fixed_notes: [crate::bill::EXAMPLE_NOTE, crate::bill::NO_META_NOTE].map(json::text),
            catalog,
            columns,
            default_plan,
            default_month,
            vs_month,
            plans: Vec::new(),
            months: Vec::new(),
            cards: Vec::new(),
            counts: Vec::new(),
            json,
            last: None,
            lines: [Lines::default(), Lines::default()],
            markups: Vec::new(),
        }
    }

    /// Prices a record whose shape (no flaw, the header's width) the
    /// caller has checked.
    pub(super) fn price(&mut self, record: &super::split::Record) -> Fast {
        self.last = None;
        match self.read(record) {
            Some(row) => self.price_row(row),
            None => Fast::Slow,
        }
    }

    /// The plan, count and settings of a row, when every cell is plain.
    fn read(&mut self, record: &super::split::Record) -> Option<Row<'c>> {
        let c = &self.columns;
        let id = cell(record, c.plan);
        let (sent, conversations) = (cell(record, c.sent), cell(record, c.conversations));
        let meta_amount = cell(record, c.meta_amount);
        let markup = cell(record, c.markup);
        let month = cell(record, c.month);
        let phone_numbers = cell(record, c.phone_numbers);
        let plan_index = self.plan(id)?;
        let known = self.plans[plan_index].1.as_ref()?;
        let (plan, quick) = (known.plan, &known.quick);
        let (unit, count) = match (sent.is_empty(), conversations.is_empty()) {
            (false, true) => (Unit::Notifications, sent),
            (true, false) => (Unit::Conversations, conversations),
            _ => return None,
        };
        if plan.unit() != Some(unit) {
            return None;
        }
        let count = digits(count)?;
        let (base, platform) = (quick.base, quick.price(count)?);
        if !phone_numbers.is_empty() {
            digits(phone_numbers)?;
        }
        let markup = if markup.is_empty() {
            None
        } else {
            Some(Decimal::from(digits(markup)?))
        };
        let meta_amount = if meta_amount.is_empty() {
            None
        } else {
            Some(plain_amount(meta_amount)?)
        };
        self.counts.clear();
        for (j, (column, _, _)) in self.columns.meta.iter().enumerate() {
            let text = cell(record, Some(*column));
            if !text.is_empty() {
                self.counts.push((j, digits(text)?));
            }
        }
        let direct = plan.product == Product::Direct;
        let meta_given = meta_amount.is_some() || !self.counts.is_empty();
        if (meta_amount.is_some() && !self.counts.is_empty())
            || (!direct && (meta_given || markup.is_some()))
        {
            return None;
        }
        let month = if month.is_empty() {
            self.default_month
        } else {
            self.month(month)?
        };
        Some(Row {
            plan,
            plan_index,
            count,
            base,
            overage: platform.overage,
            fair_use_overage: platform.fair_use_overage,
            platform_total: platform.total,
            meta_amount,
            markup: markup.or(plan.markup_percent),
            month,
        })
    }

    fn price_row(&mut self, row: Row<'c>) -> Fast {
        let meta = match self.meta(&row, row.month, 0) {
            Ok(meta) => meta,
            Err(Miss::Refused { card, column }) => {
                return Fast::Refused(Refusal {
                    column: self.columns.meta[column].0,
                    card,
                    meta: column,
                });
            }
            Err(Miss::Slow) => return Fast::Slow,
        };
        let Some(amounts) = row.amounts(meta) else {
            return Fast::Slow;
        };
        let vs = match self.vs_month {
            None => None,
            Some(month) => match self.meta(&row, month, 1).ok().and_then(|m| row.amounts(m)) {
                Some(vs) => Some(vs),
                None => return Fast::Slow,
            },
        };
        if self.json && !self.prepare_json(&row, amounts.meta, vs.and_then(|v| v.meta)) {
            return Fast::Slow;
        }
        self.last = Some(row);
        Fast::Priced(amounts, vs)
    }

    /// The message of a refusal, as the engine words it, and as JSON
    /// string content (escaped, without quotes).
    pub(super) fn refusal(&self, refusal: Refusal) -> (&str, &[u8]) {
        match &self.cards[refusal.card].columns[refusal.meta] {
            Column::Refused(message, json) => (message, json),
            _ => ("", &[]),
        }
    }

    /// Makes what JSON Lines writes of the row's plan, cards and markup
    /// once; `false` when the row must go through the engine.
    fn prepare_json(
        &mut self,
        row: &Row<'c>,
        meta: Option<(u64, u64)>,
        vs_meta: Option<(u64, u64)>,
    ) -> bool {
        let Some((_, Some(plan))) = self.plans.get_mut(row.plan_index) else {
            return false;
        };
        if plan.json.is_none() {
            match json::PlanJson::new(plan.plan) {
                Some(made) => plan.json = Some(made),
                None => return false,
            }
        }
        if meta.is_some() || vs_meta.is_some() {
            let percent = row.markup.unwrap_or(Decimal::ZERO);
            if !self.markups.iter().any(|(p, _)| *p == percent) {
                if self.markups.len() >= REMEMBERED {
                    return false;
                }
                let text = json::text(&crate::report::bill::markup_description(percent));
                self.markups.push((percent, text));
            }
        }
        let bills = if self.vs_month.is_some() { 2 } else { 1 };
        for bill in 0..bills {
            let month = match bill {
                0 => row.month,
                _ => self.vs_month.unwrap_or(row.month),
            };
            let Some(key) = json::TailKey::of(row, &self.lines[bill]) else {
                return false;
            };
            // Looked up among the plan's own, a handful.
            let Some((_, Some(plan))) = self.plans.get(row.plan_index) else {
                return false;
            };
            let head = plan.heads.iter().find(|(m, _)| *m == month).map(|h| h.1);
            let tail = plan.tails.iter().find(|(k, _)| *k == key).map(|t| t.1);
            let head = match head {
                Some(i) => i,
                None if self.heads.len() < REMEMBERED * 4 => {
                    let Some(text) = &plan.json else {
                        return false;
                    };
                    self.heads.push(text.head(month));
                    let i = self.heads.len() - 1;
                    if let Some((_, Some(plan))) = self.plans.get_mut(row.plan_index) {
                        plan.heads.push((month, i));
                    }
                    i
                }
                None => return false,
            };
            let tail = match tail {
                Some(i) => i,
                None if self.tails.len() < REMEMBERED * 4 => {
                    let text = json::tail(self, row, &self.lines[bill]);
                    self.tails.push(text);
                    let i = self.tails.len() - 1;
                    if let Some((_, Some(plan))) = self.plans.get_mut(row.plan_index) {
                        plan.tails.push((key, i));
                    }
                    i
                }
                None => return false,
            };
            self.pieces[bill] = (head, tail);
        }
        true
    }

    /// The Meta subtotal and markup of a row in `month`, `None` when it
    /// has no Meta charges.
    /// `bill` is 0 for the bill, 1 for the vs bill (whose lines JSON
    /// Lines writes).
    fn meta(
        &mut self,
        row: &Row<'c>,
        month: Month,
        bill: usize,
    ) -> Result<Option<(u64, u64)>, Miss> {
        let minor_units = row.plan.currency.minor_units();
        let lines = &mut self.lines[bill];
        lines.card = None;
        lines.meta.clear();
        lines.parts.clear();
        let subtotal = if let Some(amount) = row.meta_amount {
            quick::amount_in_minor_units(amount, minor_units).ok_or(Miss::Slow)?
        } else if self.counts.is_empty() {
            return Ok(None);
        } else {
            let card = self.plan_card(row.plan_index, month).ok_or(Miss::Slow)?;
            // The engine resolves every market before pricing any: the
            // first refused market is the row's error.
            for i in 0..self.counts.len() {
                let column = self.counts[i].0;
                self.resolve(card, column);
                if matches!(self.cards[card].columns[column], Column::Refused(..)) {
                    return Err(Miss::Refused { card, column });
                }
            }
            let mut subtotal = 0_u64;
            let lines = &mut self.lines[bill];
            lines.card = Some(card);
            for &(j, count) in &self.counts {
                let Column::Ladder(priced) = &self.cards[card].columns[j] else {
                    return Err(Miss::Slow);
                };
                let amount = if self.json {
                    let start = lines.parts.len();
                    let price = priced
                        .ladder
                        .price_parts(count, &mut lines.parts)
                        .ok_or(Miss::Slow)?;
                    lines.meta.push((j, count, price, start..lines.parts.len()));
                    price.amount
                } else {
                    priced.ladder.price(count).ok_or(Miss::Slow)?
                };
                subtotal = subtotal.checked_add(amount).ok_or(Miss::Slow)?;
            }
            subtotal
        };
        let percent = row.markup.unwrap_or(Decimal::ZERO);
        let markup = quick::markup(subtotal, percent, minor_units).ok_or(Miss::Slow)?;
        Ok(Some((subtotal, markup)))
    }

    /// The plan of the id as written (the default plan when empty), its
    /// place in `plans` and its platform pricing; `None` for the engine to
    /// price or refuse.
    fn plan(&mut self, id: &[u8]) -> Option<usize> {
        let print = fingerprint(id);
        let known = self
            .plans
            .iter()
            .position(|(written, _)| written.is(print, id));
        if let Some(index) = known {
            return self.plans[index].1.as_ref().map(|_| index);
        }
        // Only plans of the catalog are remembered, so what is kept stays
        // small whatever the input holds (an unknown id is the engine's
        // to refuse).
        let plan = if id.is_empty() {
            self.default_plan
        } else {
            std::str::from_utf8(id)
                .ok()
                .and_then(|id| self.catalog.plans.iter().find(|p| p.id == id))
        }?;
        if self.plans.len() >= REMEMBERED {
            return None;
        }
        let known = Quick::new(plan).map(|quick| FastPlan {
            plan,
            quick,
            json: None,
            heads: Vec::new(),
            tails: Vec::new(),
            cards: Vec::new(),
        });
        self.plans.push((Written::new(id), known));
        let index = self.plans.len() - 1;
        self.plans[index].1.as_ref().map(|_| index)
    }

    /// The month written `text`, when it is one.
    fn month(&mut self, text: &[u8]) -> Option<Month> {
        let print = fingerprint(text);
        if let Some((_, month)) = self.months.iter().find(|(t, _)| t.is(print, text)) {
            return Some(*month);
        }
        let month: Month = std::str::from_utf8(text).ok()?.parse().ok()?;
        if self.months.len() < REMEMBERED {
            self.months.push((Written::new(text), month));
        }
        Some(month)
    }

    /// [`FastRows::card_index`] for the plan at `plan_index` (its
    /// currency), remembered with the plan by month.
    fn plan_card(&mut self, plan_index: usize, month: Month) -> Option<usize> {
        let plan = self.plans.get(plan_index)?.1.as_ref()?;
        if let Some((_, card)) = plan.cards.iter().find(|(m, _)| *m == month) {
            return *card;
        }
        let currency = plan.plan.currency;
        let card = self.card_index(currency, month);
        if let Some((_, Some(plan))) = self.plans.get_mut(plan_index) {
            if plan.cards.len() < REMEMBERED {
                plan.cards.push((month, card));
            }
        }
        card
    }

    /// The index of the card in force for `currency` in `month`, once
    /// looked up; `None` past [`REMEMBERED`] cards.
    fn card_index(&mut self, currency: Currency, month: Month) -> Option<usize> {
        let key = (currency, month);
        if let Some(i) = self.cards.iter().position(|c| c.key == key) {
            return self.cards[i].card.map(|_| i);
        }
        if self.cards.len() >= REMEMBERED {
            return None;
        }
        let card = self
            .catalog
            .rate_book()
            .ok()
            .and_then(|book| book.card_for(currency, month).ok());
        let n = self.columns.meta.len();
        let description = card.map_or_else(Vec::new, |card| json::text(&card.describe()));
        self.cards.push(FastCard {
            key,
            card,
            columns: (0..n).map(|_| Column::Unresolved).collect(),
            markets: vec![None; n],
            description,
            notes: card
                .map_or_else(Vec::new, |card| crate::catalog::card_notes(card, month))
                .into_iter()
                .map(|note| {
                    let text = json::text(&note);
                    (note, text)
                })
                .collect(),
        });
        card.map(|_| self.cards.len() - 1)
    }

    /// Resolves Meta column `j` on card `i`, once.
    fn resolve(&mut self, i: usize, j: usize) {
        let fast = &mut self.cards[i];
        if !matches!(fast.columns[j], Column::Unresolved) {
            return;
        }
        let (Some(card), Ok(book)) = (fast.card, self.catalog.rate_book()) else {
            fast.columns[j] = Column::Slow;
            return;
        };
        let (_, category, market) = &self.columns.meta[j];
        let (column, resolved) = resolution(book, card, *category, market);
        // Two columns on one line or one shared counter: the engine adds
        // them up or shares the counter.
        let column = match &resolved {
            Some(key) if fast.markets.iter().flatten().any(|k| k == key) => Column::Slow,
            _ => column,
        };
        fast.markets[j] = resolved;
        fast.columns[j] = column;
    }
}

/// What a Meta column is on `card`, and the category group and market it
/// resolved to.
fn resolution(
    book: &RateBook,
    card: &RateCard,
    category: Category,
    market: &str,
) -> (Column, Option<(u8, Rc<str>)>) {
    let resolved = match book.resolve_market(card, market) {
        Ok(resolved) => resolved.market,
        Err(refusal) => {
            let message = refusal.to_string();
            let quoted = json::text(&message);
            let json = quoted[1..quoted.len() - 1].to_vec();
            return (Column::Refused(message, json), None);
        }
    };
    let key = Some((group(category), Rc::from(resolved.as_str())));
    let Some(row) = card.market(&resolved) else {
        return (Column::Slow, key);
    };
    if category == Category::Service {
        return (Column::Slow, key);
    }
    let Some(ladder) = row
        .rate(category)
        .and_then(|rate| Ladder::new(rate, row.tiers(category), card.currency().minor_units()))
    else {
        return (Column::Slow, key);
    };
    // The line's note and words, as the engine makes them for any count.
    let Ok(charge) = card.price(category, &resolved, 0) else {
        return (Column::Slow, key);
    };
    let description = [1, 2].map(|parts| {
        json::text(&crate::report::bill::meta_description(
            category,
            &charge.market,
            parts,
            0,
        ))
    });
    let rate_json = |rate: Decimal| {
        let mut text = Vec::new();
        crate::render::json::push_decimal(&mut text, rate);
        text
    };
    let rates = ladder
        .steps()
        .iter()
        .map(|step| {
            let rate = rate_json(step.rate);
            let mut middle = b"\",\"rate\":".to_vec();
            middle.extend_from_slice(&rate);
            middle.extend_from_slice(b",\"unit_price\":");
            middle.extend_from_slice(&rate);
            middle.extend_from_slice(b",\"exact\":");
            (rate, middle)
        })
        .collect();
    let priced = Priced {
        zero_rate: rate_json(ladder.zero_rate()),
        rates,
        ladder,
        description,
        note: charge.note.map(|note| {
            let text = json::text(&note);
            (note, text)
        }),
    };
    (Column::Ladder(Box::new(priced)), key)
}

/// A row read by the fast path.
#[derive(Debug, Clone, Copy)]
struct Row<'c> {
    plan: &'c Plan,
    /// Where the plan is in [`FastRows::plans`].
    plan_index: usize,
    /// Units used.
    count: u64,
    base: u64,
    overage: u64,
    fair_use_overage: Option<u64>,
    platform_total: u64,
    meta_amount: Option<Decimal>,
    /// The markup percentage of the row, or the plan's.
    markup: Option<Decimal>,
    month: Month,
}

impl Row<'_> {
    fn amounts(&self, meta: Option<(u64, u64)>) -> Option<Amounts> {
        let mut total = self.platform_total;
        if let Some((subtotal, markup)) = meta {
            total = total.checked_add(subtotal)?.checked_add(markup)?;
        }
        Some(Amounts {
            currency: self.plan.currency,
            base: self.base,
            overage: self.overage,
            fair_use_overage: self.fair_use_overage,
            meta,
            total,
            example: self.plan.example,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use proptest::prelude::*;

    use super::super::{Format, Options, run};
    use crate::calendar::Month;
    use crate::catalog::Catalog;
    use crate::load::Source;
    use crate::vs::VsPricing;

    /// Cells of each kind: plain ones the fast path prices, and the
    /// spellings, mistakes and rules it must leave to the engine.
    const PLANS: [&str; 9] = [
        "connect-10k",
        "connect-250k",
        "direct-25k",
        "direct-100k",
        "direct-in-25k",
        "",
        " direct-50k ",
        "nope",
        "free",
    ];
    const COUNTS: [&str; 12] = [
        "",
        "0",
        "15000",
        "104729",
        "1200000",
        "15,000",
        " 7 ",
        "-5",
        "1.5",
        "007",
        "18446744073709551615",
        "99999999999999999999",
    ];
    const AMOUNTS: [&str; 10] = [
        "",
        "0",
        "37.01",
        "1250.4",
        "0.005",
        "$5",
        "12.",
        ".5",
        "1e3",
        "123456789012.345678",
    ];
    const MARKUPS: [&str; 7] = ["", "10", "0", "12.5", "0.10", "10%", "x"];
    const MONTHS: [&str; 8] = [
        "", "2026-11", "2026-10", "2026-04", "2025-10", "2027-01", "2026-13", " 2026-07",
    ];
    const PHONES: [&str; 4] = ["", "1", "0", "x"];
    /// Meta columns: markets by code, name and alias, on one line twice,
    /// sharing a counter, service, a market no card has.
    const META: [&str; 9] = [
        "marketing:IN",
        "utility:BR",
        "marketing:India",
        "authentication:IN",
        "authentication_international:IN",
        "service:IN",
        "utility:KZ",
        "marketing:Atlantis",
        "utility:AR",
    ];

    fn batch(
        catalog: &Catalog,
        input: &str,
        format: Format,
        fast: bool,
        vs: Option<&VsPricing>,
    ) -> (u8, String, String) {
        let mut options =
            Options::new(catalog, Some("direct-25k"), format, Month::of(2026, 11)).unwrap();
        options.fast_path = fast;
        options.vs = vs;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = run(catalog, &options, input.as_bytes(), &mut out, &mut err).unwrap();
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    fn pick<'a>(list: &[&'a str], i: usize) -> &'a str {
        list[i % list.len()]
    }

    /// Mostly one of the first `plain` of `list`, now and then any.
    fn mostly<'a>(list: &[&'a str], plain: usize, i: usize) -> &'a str {
        if i % 8 == 0 {
            pick(list, i / 8)
        } else {
            pick(&list[..plain], i / 8)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Every row the fast path prices or refuses comes out exactly as
        /// the engine writes it, summary included: amounts, vs totals and
        /// changes, errors, row counts and totals per currency.
        #[test]
        fn fast_rows_are_engine_rows(
            columns in prop::sample::subsequence(META.to_vec(), 0..=META.len()),
            rows in prop::collection::vec(
                (any::<usize>(), any::<usize>(), any::<bool>(), any::<usize>(), any::<usize>(),
                 any::<usize>(), any::<usize>(), prop::collection::vec((any::<usize>(), 0u64..400_000), 9)),
                1..40),
            vs in prop::option::of(prop::sample::select(vec![Month::of(2026, 7), Month::of(2026, 4), Month::of(2027, 1)])),
        ) {
            let catalog = Catalog::load(Source::Embedded).unwrap();
            let mut text = String::from("account,plan,sent,conversations,meta_amount,markup,month,phone_numbers");
            for c in &columns {
                text.push(',');
                text.push_str(c);
            }
            text.push('\n');
            for (i, (plan, count, sent, amount, markup, month, phones, meta)) in rows.iter().enumerate() {
                let count = pick(&COUNTS, *count);
                let (sent, conversations) = if *sent { (count, "") } else { ("", count) };
                let amount = if amount % 3 == 0 { pick(&AMOUNTS, amount / 3) } else { "" };
                let mut line = format!(
                    "acct-{i},{},{sent},{conversations},\"{amount}\",{},{},{}",
                    pick(&PLANS, *plan), pick(&MARKUPS, *markup), pick(&MONTHS, *month), pick(&PHONES, *phones)
                );
                for (j, _) in columns.iter().enumerate() {
                    let (kind, n) = meta[j];
                    line.push(',');
                    match kind % 4 {
                        0 => {}
                        1 | 2 => line.push_str(&n.to_string()),
                        _ => line.push_str(pick(&COUNTS, kind / 4)),
                    }
                }
                text.push_str(&line);
                text.push('\n');
            }
            let vs = vs.map(VsPricing::Month);
            for format in [Format::Csv, Format::Jsonl] {
                let engine = batch(&catalog, &text, format, false, vs.as_ref());
                let fast = batch(&catalog, &text, format, true, vs.as_ref());
                prop_assert_eq!(fast, engine, "input:\n{}", text);
            }
        }
    }

    #[test]
    fn the_bench_rows_take_the_fast_path_and_agree() {
        // Rows as bench/batch.sh writes them: Connect counts, and Direct
        // rows with India marketing and Brazil utility counts over three
        // months (the INR plan's card refuses Brazil).
        let catalog = Catalog::load(Source::Embedded).unwrap();
        let mut text =
            String::from("account,plan,sent,conversations,marketing:IN,utility:BR,month\n");
        let direct = [
            "direct-25k",
            "direct-50k",
            "direct-100k",
            "direct-250k",
            "direct-in-25k",
        ];
        for i in 0..2_000u64 {
            let plan = direct[(i / 2 % 5) as usize];
            let _ = writeln!(
                text,
                "acct-{i},{plan},,{},{},{},2026-{:02}",
                i * 104_729 % 1_200_000,
                i * 37 % 100_000,
                i * 13 % 300_000,
                10 + i % 3
            );
        }
        let vs = VsPricing::Month(Month::of(2026, 7));
        for format in [Format::Csv, Format::Jsonl] {
            for vs in [None, Some(&vs)] {
                let fast = batch(&catalog, &text, format, true, vs);
                let engine = batch(&catalog, &text, format, false, vs);
                for (fast, engine) in fast.1.lines().zip(engine.1.lines()) {
                    assert_eq!(fast, engine);
                }
                assert_eq!(fast, engine);
            }
        }
    }

    /// Plans in currencies of every card shipped (CLP has no minor unit),
    /// and in currencies no card has (KWD, JPY), with fractional markups,
    /// fair use and rates finer than the minor unit: the shipped plans
    /// beside them, in a directory of their own.
    const MORE_PLANS: &str = r#"
[[plan]]
id = "direct-clp"
name = "Direct CLP"
product = "direct"
currency = "CLP"
base_fee = "15000"
included = 1000
overage_rate = "12.5"
fair_use_limit = 5000
fair_use_rate = "20.25"
markup_percent = "12.5"

[[plan]]
id = "connect-clp"
name = "Connect CLP"
product = "connect"
currency = "CLP"
base_fee = "9990"
included = 100
overage_rate = "0.5"

[[plan]]
id = "direct-brl"
name = "Direct BRL"
product = "direct"
currency = "BRL"
base_fee = "99.90"
included = 1000
overage_rate = "0.045"
markup_percent = "10.0"

[[plan]]
id = "direct-idr"
name = "Direct IDR"
product = "direct"
currency = "IDR"
base_fee = "1500000.00"
included = 1000
overage_rate = "150.5"
markup_percent = "0"

[[plan]]
id = "direct-eur"
name = "Direct EUR"
product = "direct"
currency = "EUR"
base_fee = "200"
included = 0
overage_rate = "0.01"
markup_percent = "7.25"
example = true

[[plan]]
id = "direct-gbp"
name = "Direct GBP"
product = "direct"
currency = "GBP"
base_fee = "0.005"
included = 10
overage_rate = "0.0000001"
markup_percent = "0.0"

[[plan]]
id = "direct-sar"
name = "Direct SAR"
product = "direct"
currency = "SAR"
base_fee = "100"
included = 10
overage_rate = "0.1"
markup_percent = "100"

[[plan]]
id = "direct-aed"
name = "Direct AED"
product = "direct"
currency = "AED"
base_fee = "100.00"
included = 10
overage_rate = "0.10"
markup_percent = "0.5"

[[plan]]
id = "direct-kwd"
name = "Direct KWD"
product = "direct"
currency = "KWD"
base_fee = "10.000"
included = 10
overage_rate = "0.0015"
markup_percent = "3"

[[plan]]
id = "direct-jpy"
name = "Direct JPY"
product = "direct"
currency = "JPY"
base_fee = "3000"
included = 10
overage_rate = "0.5"
fair_use_limit = 10
fair_use_rate = "1.5"
markup_percent = "10"

[[plan]]
id = "direct-usd-frac"
name = "Direct USD \"fractional\""
product = "direct"
currency = "USD"
base_fee = "0"
included = 0
overage_rate = "0.00005"
fair_use_limit = 0
fair_use_rate = "0.015"
markup_percent = "12.50"
"#;

    fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.is_dir() {
                copy_dir(&path, &to.join(entry.file_name()));
            } else {
                std::fs::copy(&path, to.join(entry.file_name())).unwrap();
            }
        }
    }

    fn more_catalog() -> Catalog {
        catalog_with(MORE_PLANS)
    }

    /// Both paths on `input`; the outputs, when they differ.
    fn differ(
        catalog: &Catalog,
        input: &[u8],
        plan: Option<&str>,
        month: Month,
        vs: Option<&VsPricing>,
    ) -> Option<String> {
        for format in [Format::Csv, Format::Jsonl] {
            let run_one = |fast: bool| {
                let mut options = Options::new(catalog, plan, format, month).unwrap();
                options.fast_path = fast;
                options.vs = vs;
                let (mut out, mut err) = (Vec::new(), Vec::new());
                let code =
                    run(catalog, &options, input, &mut out, &mut err).map_err(|e| e.to_string());
                (
                    code,
                    String::from_utf8_lossy(&out).into_owned(),
                    String::from_utf8_lossy(&err).into_owned(),
                )
            };
            let (engine, fast) = (run_one(false), run_one(true));
            if engine != fast {
                let mut text = format!("{format:?}: ");
                if engine.0 != fast.0 {
                    let _ = write!(text, "exit {:?} vs {:?}; ", fast.0, engine.0);
                }
                for (which, f, e) in [
                    ("stdout", &fast.1, &engine.1),
                    ("stderr", &fast.2, &engine.2),
                ] {
                    for (i, (f, e)) in f.lines().zip(e.lines()).enumerate() {
                        if f != e {
                            let _ = write!(text, "{which} line {i}:\n fast:   {f}\n engine: {e}\n");
                            break;
                        }
                    }
                    if f.lines().count() != e.lines().count() {
                        let _ = writeln!(text, "{which}: line counts differ");
                    }
                }
                return Some(text);
            }
        }
        None
    }

    const MORE_PLAN_IDS: [&str; 20] = [
        "direct-clp",
        "connect-clp",
        "direct-brl",
        "direct-idr",
        "direct-eur",
        "direct-gbp",
        "direct-sar",
        "direct-aed",
        "direct-kwd",
        "direct-jpy",
        "direct-usd-frac",
        "direct-25k",
        "direct-in-25k",
        "connect-10k",
        "",
        "Direct-25k",
        "direct-25k\u{a0}",
        "\tdirect-clp",
        "free",
        "direct-100k",
    ];
    const MORE_COUNTS: [&str; 24] = [
        "",
        "0",
        "00",
        "1",
        "9",
        "10",
        "11",
        "999",
        "1000",
        "1001",
        "5000",
        "250000",
        "250001",
        "500000",
        "500001",
        "1000000000000",
        "+5",
        "-0",
        " 42\t",
        "42\u{a0}",
        "\u{b}42",
        "9999999999999999999",
        "18446744073709551615",
        "1_000",
    ];
    const MORE_AMOUNTS: [&str; 18] = [
        "",
        "0",
        "0.0",
        "00.50",
        "0.005",
        "0.0049999",
        "0.5",
        "1.5",
        "2.5",
        "123456789012345678",
        "12345678901234567.8",
        "0.000000000000000001",
        "99999999999999999",
        " 7.125 ",
        "5.",
        ".5",
        "$5",
        "5 BRL",
    ];
    const MORE_MARKUPS: [&str; 14] = [
        "",
        "0",
        "00",
        "100",
        "007",
        "9999999999999999999",
        "1000000",
        " 3 ",
        "0.0",
        "12.5",
        "1%",
        "0.5",
        "+3",
        "3\u{a0}",
    ];
    const MORE_MONTHS: [&str; 20] = [
        "",
        "2026-11",
        "2026-10",
        "2026-09",
        "2026-07",
        "2026-06",
        "2026-04",
        "2026-03",
        "2026-01",
        "2025-10",
        "2025-09",
        "2027-01",
        "2030-12",
        "2100-02",
        "2026-1",
        " 2026-11 ",
        "2026-11\u{a0}",
        "1999-12",
        "0001-01",
        "9999-12",
    ];
    const MORE_PHONES: [&str; 6] = ["", "0", "1", "5", "+1", "1.0"];
    const MORE_META: [&str; 24] = [
        "marketing:CL",
        "utility:Chile",
        "utility:BR",
        "authentication:BR",
        "marketing:Brazil",
        "utility:ID",
        "authentication:ID",
        "utility:Indonesia",
        "marketing:SA",
        "utility:AE",
        "marketing:DE",
        "marketing:FR",
        "utility:GB",
        "marketing:IN",
        "utility:IN",
        "authentication:IN",
        "authentication_international:IN",
        "marketing:US",
        "utility:US",
        "authentication:US",
        "marketing:Other",
        "service:BR",
        "marketing: in",
        "utility:Rest of Latin America",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// [`fast_rows_are_engine_rows`] on plans in every card's currency
        /// and in currencies no card has, cells written every way, line
        /// ends of each kind, rows of the wrong width and quoted cells.
        #[test]
        fn fast_rows_are_engine_rows_in_every_currency(
            columns in prop::sample::subsequence(MORE_META.to_vec(), 0..=6),
            order in any::<u64>(),
            rows in prop::collection::vec(
                (any::<[usize; 8]>(), prop::collection::vec((any::<usize>(), 0u64..2_000_000), 6)),
                1..30),
            vs in prop::option::of(0usize..MORE_MONTHS.len()),
            month in 0usize..MORE_MONTHS.len(),
            default in 0usize..4,
            ends in 0usize..4,
        ) {
            let catalog = more_catalog();
            let mut names = vec!["account", "plan", "sent", "conversations", "meta_amount", "markup", "month", "phone_numbers"];
            names.extend(columns.iter().copied());
            // Some headers in another order.
            if order % 3 == 0 {
                let n = names.len();
                names.rotate_left((order / 3) as usize % n);
            }
            let end = ["\n", "\r\n", "\r", "\n"][ends];
            let mut text = names.join(",");
            text.push_str(end);
            for (i, (picks, meta)) in rows.iter().enumerate() {
                let count = mostly(&MORE_COUNTS, 16, picks[1]);
                let plan = mostly(&MORE_PLAN_IDS, 15, picks[0]);
                // Mostly in the plan's own unit.
                let connect = plan.contains("connect") || (plan.is_empty() && default == 3);
                let (sent, conversations) = if connect == (picks[7] % 9 == 0) { ("", count) } else { (count, "") };
                let amount = if picks[2] % 3 == 0 { mostly(&MORE_AMOUNTS, 14, picks[2] / 3) } else { "" };
                let markup = if picks[3] % 2 == 0 { mostly(&MORE_MARKUPS, 8, picks[3] / 2) } else { "" };
                let mut cells: Vec<String> = names.iter().map(|name| match *name {
                    "account" => format!("acct-{i}"),
                    "plan" => plan.to_owned(),
                    "sent" => sent.to_owned(),
                    "conversations" => conversations.to_owned(),
                    "meta_amount" => amount.to_owned(),
                    "markup" => markup.to_owned(),
                    "month" => mostly(&MORE_MONTHS, 14, picks[4]).to_owned(),
                    "phone_numbers" => mostly(&MORE_PHONES, 4, picks[5]).to_owned(),
                    _ => String::new(),
                }).collect();
                let mut m = 0;
                for (name, cell) in names.iter().zip(cells.iter_mut()) {
                    if name.contains(':') {
                        let (kind, n) = meta[m % meta.len()];
                        m += 1;
                        *cell = match kind % 5 {
                            0 => String::new(),
                            1 | 2 => n.to_string(),
                            3 => (n % 3).to_string(),
                            _ => mostly(&MORE_COUNTS, 16, kind / 5).to_owned(),
                        };
                    }
                }
                // Quoted cells, a row short or long by one.
                match picks[6] % 48 {
                    0 => cells[0] = format!("\"{}\"", cells[0]),
                    1 => cells[1] = format!("\"{}\"", cells[1]),
                    2 => { cells.pop(); }
                    3 => cells.push("extra".to_owned()),
                    4 => cells[0] = "\"a,\"\"b\"\"\"".to_owned(),
                    5 => cells[0] = "é\u{1}\\".to_owned(),
                    _ => {}
                }
                text.push_str(&cells.join(","));
                text.push_str(if picks[7] % 11 == 3 { "\r\n" } else { end });
            }
            let plan = [None, Some("direct-25k"), Some("direct-clp"), Some("connect-clp")][default];
            let vs = vs.and_then(|v| MORE_MONTHS[v].parse::<Month>().ok()).map(VsPricing::Month);
            let month = MORE_MONTHS[month].parse::<Month>().unwrap_or(Month::of(2026, 11));
            if let Some(diff) = differ(&catalog, text.as_bytes(), plan, month, vs.as_ref()) {
                prop_assert!(false, "{}\ninput:\n{}", diff, text);
            }
        }
    }

    /// A catalog of the shipped plans and `extra` (TOML plan tables),
    /// read from a directory made for it and removed once read.
    fn catalog_with(extra: &str) -> Catalog {
        static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("ctbill-fastrow-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"),
            &dir,
        );
        std::fs::write(dir.join("extra.toml"), extra).unwrap();
        let catalog = Catalog::load(Source::Dir(dir.clone()));
        let _ = std::fs::remove_dir_all(&dir);
        let catalog = catalog.unwrap();
        // Every file is read by now: the rate cards parse from memory.
        catalog.rate_book().unwrap();
        catalog
    }

    #[test]
    fn markups_of_many_decimals_are_the_engines() {
        let catalog = catalog_with(
            r#"
[[plan]]
id = "direct-fine"
name = "Direct fine markup"
product = "direct"
currency = "USD"
base_fee = "10.00"
included = 10
overage_rate = "0.01"
markup_percent = "0.0000000000000000000000001"

[[plan]]
id = "direct-finer"
name = "Direct finer markup"
product = "direct"
currency = "USD"
base_fee = "10.00"
included = 10
overage_rate = "0.01"
markup_percent = "0.000000000000000000000000001"
"#,
        );
        let input = "account,plan,conversations,meta_amount,marketing:IN\n\
            a,direct-fine,5,0.01,\n\
            b,direct-fine,5,0.10,\n\
            c,direct-finer,5,0.10,\n\
            d,direct-fine,5,,100\n\
            e,direct-finer,5,,7\n";
        let diff = differ(&catalog, input.as_bytes(), None, Month::of(2026, 11), None);
        assert!(diff.is_none(), "{}", diff.unwrap_or_default());
    }

    /// Every Meta column on a plan of each card's currency, in each
    /// card's month and the months around, at every tier bound of every
    /// card (and one either side), with `--vs-month` on another card.
    #[test]
    fn every_tier_bound_of_every_card_agrees() {
        let catalog = more_catalog();
        let book = catalog.rate_book().unwrap();
        let mut counts: Vec<u64> = vec![
            0,
            1,
            2,
            999_999_999_999,
            1_000_000_000_000_000,
            1_000_000_000_000_001,
        ];
        let mut months: Vec<Month> = Vec::new();
        for card in book.cards() {
            months.push(card.effective().month());
            for market in card.markets() {
                for category in crate::meta::Category::ALL {
                    for tier in market.tiers(category) {
                        counts.extend([tier.from.saturating_sub(1), tier.from, tier.from + 1]);
                        if let Some(to) = tier.to {
                            counts.extend([to - 1, to, to + 1]);
                        }
                    }
                }
            }
        }
        counts.sort_unstable();
        counts.dedup();
        months.sort_unstable();
        months.dedup();
        let plans = [
            "direct-25k",
            "direct-in-25k",
            "direct-clp",
            "direct-brl",
            "direct-idr",
            "direct-eur",
            "direct-gbp",
            "direct-sar",
            "direct-aed",
            "direct-usd-frac",
        ];
        let mut text = String::from("account,plan,conversations,markup,month");
        for c in MORE_META {
            text.push(',');
            text.push_str(c);
        }
        text.push('\n');
        let mut row = 0;
        // Each count in three columns a turn (all of them make a test
        // too slow to run each time), a fourth column now and then.
        let n = MORE_META.len();
        for (p, plan) in plans.iter().enumerate() {
            for (m, month) in months.iter().enumerate() {
                for (c, &count) in counts.iter().enumerate() {
                    for j in [0, n / 3, 2 * n / 3].map(|k| (k + c + 5 * p + 3 * m) % n) {
                        row += 1;
                        let markup = ["", "0", "15", "100"][row % 4];
                        let _ = write!(
                            text,
                            "r{row},{plan},{},{markup},{month}",
                            row * 7919 % 300_000
                        );
                        for k in 0..MORE_META.len() {
                            text.push(',');
                            if k == j {
                                let _ = write!(text, "{count}");
                            } else if row % 5 == 0 && k == (j + 7) % n {
                                let _ = write!(text, "{}", row % 1000);
                            }
                        }
                        text.push('\n');
                    }
                }
            }
        }
        for vs in [None, Some(VsPricing::Month(Month::of(2026, 10)))] {
            let diff = differ(
                &catalog,
                text.as_bytes(),
                None,
                Month::of(2026, 11),
                vs.as_ref(),
            );
            assert!(diff.is_none(), "{}", diff.unwrap_or_default());
        }
    }

    /// Inputs written to trip the fast path, each compared whole.
    #[test]
    fn odd_inputs_agree() {
        let catalog = more_catalog();
        let inputs: [&[u8]; 16] = [
            b"account,plan,conversations,month\na,direct-25k,5,2026-1\nb,direct-25k,5, 2026-11 \nc,direct-25k,5,\x0c2026-11\x0c\nd,direct-25k,5,\x0b2026-11\n",
            b"account,plan,conversations,marketing:IN,marketing:India\na,direct-25k,30000,5,\nb,direct-25k,30000,,5\nc,direct-25k,30000,5,5\nd,direct-25k,30000,5,\n",
            b"account,plan,conversations,authentication:IN,authentication_international:IN\na,direct-25k,1,5,\nb,direct-25k,1,,5\nc,direct-25k,1,5,5\nd,direct-25k,1,0,5\n",
            b"account,plan,sent,conversations,meta_amount,markup,utility:BR\na,connect-10k,5,,0,0,0\nb,connect-10k,5,,,,0\nc,connect-10k,5,,0,,\nd,connect-10k,5,,,0,\ne,connect-10k,5,,,,1\n",
            b"account,plan,conversations,meta_amount,utility:US\na,direct-25k,5,0,0\nb,direct-25k,5,0,\nc,direct-25k,5,,0\nd,direct-25k,5,0.00,7\ne,direct-25k,5,3,0\n",
            b"account,plan,conversations\na\x00b,direct-25k,5\n\xff\xfe,direct-25k,5\nc,direct-25k,5\xff\n\xc3\xa9,direct-25k,5\n\x7f,direct-25k,5\n",
            b"account,plan,conversations,utility:US\ra,direct-25k,5,6\rb,direct-25k,7,8\r\nc,direct-25k,9,10\n\rd,direct-25k,1,2",
            b"account,plan,conversations,utility:US\na,direct-25k,5\nb,direct-25k,5,6,7\nc,direct-25k,5,6,\nd,,5,6\n,,,\n",
            b"account,plan,sent,conversations\na,,5,\nb,,,5\nc, ,5,\nd,Direct-25k,,5\ne,DIRECT-25K,,5\nf,direct-25k ,,5\n",
            b"account,plan,sent,conversations\na,connect-10k,18446744073709551615,\nb,connect-10k,9999999999999999999,\nc,direct-usd-frac,,9999999999999999999\nd,direct-clp,,9999999999999999999\ne,direct-gbp,,9999999999999999999\n",
            b"account,plan,conversations,meta_amount,markup\na,direct-25k,5,99999999999999999,9999999999999999999\nb,direct-25k,5,0.000000000000000001,5\nc,direct-25k,5,184467440737095516.15,\nd,direct-clp,5,0.5,\ne,direct-clp,5,1.5,\nf,direct-kwd,5,0.0005,\n",
            b"account,plan,conversations,marketing:IN,utility:BR,marketing:DE\na,direct-in-25k,5,5,5,\nb,direct-in-25k,5,,5,\nc,direct-in-25k,5,5,,\nd,direct-in-25k,5,,,5\ne,direct-eur,5,5,5,5\n",
            b"account,plan,conversations,month,utility:BR,authentication:BR,utility:ID\na,direct-brl,5,2026-10,500001,,\nb,direct-brl,5,2026-10,,500001,\nc,direct-brl,5,2026-10,,500000,\nd,direct-idr,5,2026-04,,,99999999\ne,direct-idr,5,2026-07,,,1\n",
            b"\xef\xbb\xbfaccount,plan,conversations,marketing:US\n\n\na,direct-25k,5,5\n   \nb,direct-25k,5,5\n",
            b"account,\"plan\",conversations,\" marketing:US \"\na,\"direct-25k\",\" 5 \",\"5\"\nb,direct-25k,\"5\",\"\"\nc,direct-25k,5,\"5\"x\n\"d\ne\",direct-25k,5,5\n",
            b"account,plan,conversations,phone_numbers,service:BR,marketing:BR\na,direct-25k,5,0,,5\nb,direct-25k,5,2,5,5\nc,direct-25k,5,,0,5\nd,direct-25k,5,99999999999999999999,,5\n",
        ];
        for input in inputs {
            for (plan, vs) in [
                (None, None),
                (
                    Some("direct-25k"),
                    Some(VsPricing::Month(Month::of(2026, 7))),
                ),
                (
                    Some("direct-clp"),
                    Some(VsPricing::Month(Month::of(2025, 1))),
                ),
            ] {
                let diff = differ(&catalog, input, plan, Month::of(2026, 11), vs.as_ref());
                assert!(
                    diff.is_none(),
                    "{}\ninput:\n{}",
                    diff.unwrap_or_default(),
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    /// Past what the fast path remembers: more than 64 Meta columns (a
    /// bill's lines are a bit each), months, cards and markups, and every
    /// row on another plan.
    #[test]
    fn past_what_is_remembered_agrees() {
        let catalog = more_catalog();
        let book = catalog.rate_book().unwrap();
        let usd = crate::money::Currency::from_code("USD").unwrap();
        let card = book.card_for(usd, Month::of(2026, 10)).unwrap();
        let mut columns = Vec::new();
        for market in card.markets() {
            for category in ["marketing", "utility", "authentication"] {
                columns.push(format!("{category}:{}", market.name()));
            }
        }
        assert!(columns.len() > 64, "{}", columns.len());
        let mut text = format!(
            "account,plan,conversations,markup,month,{}\n",
            columns.join(",")
        );
        let plans = [
            "direct-25k",
            "direct-50k",
            "direct-100k",
            "direct-250k",
            "direct-usd-frac",
            "direct-in-25k",
        ];
        for row in 0..400_usize {
            let month = Month::of(
                2026 + i16::try_from(row / 12 % 9).unwrap(),
                i8::try_from(row % 12).unwrap() + 1,
            );
            let _ = write!(
                text,
                "r{row},{},{},{},{month}",
                plans[row % plans.len()],
                row * 7919 % 300_000,
                if row % 3 == 0 {
                    String::new()
                } else {
                    (row % 97).to_string()
                }
            );
            for k in 0..columns.len() {
                text.push(',');
                if k == row * 7 % columns.len()
                    || (row % 4 == 0 && k == columns.len() - 1 - row % 5)
                {
                    let _ = write!(text, "{}", row * 104_729 % 2_000_000);
                }
            }
            text.push('\n');
        }
        for vs in [None, Some(VsPricing::Month(Month::of(2026, 4)))] {
            let diff = differ(
                &catalog,
                text.as_bytes(),
                None,
                Month::of(2026, 11),
                vs.as_ref(),
            );
            assert!(diff.is_none(), "{}", diff.unwrap_or_default());
        }
    }
}
