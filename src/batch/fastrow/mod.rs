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
use crate::usage::parse_digits;

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
    /// As JSON, per step of the ladder: a line's unit price at its rate
    /// (`,"unit_price":"0.0118","amount":`), and the middle of a tier's
    /// object after its quantity's digits (`","rate":…,"unit_price":…,
    /// "exact":`) and after its closing quote.
    rates: Vec<(json::Piece, json::Piece, json::Piece)>,
    /// A line of no messages as JSON: its unit price (as in `rates`), and
    /// its tiers to the line's end (one part of none at the first rate).
    zero: (json::Piece, json::Piece),
    /// The line's description as JSON, to its quantity, priced on one tier
    /// or on several: `"Meta marketing messages, India","quantity":`.
    start: [json::Piece; 2],
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
    /// The card refuses the market: the engine's message.
    Refused(String),
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
    /// Markup lines' words met, as JSON, by percentage
    /// ([`json::markup_pieces`]).
    markups: Vec<(Decimal, [json::Piece; 2])>,
    /// What JSON Lines writes before each input cell: `"input":{"account":`,
    /// then `,"plan":` and so on.
    input_keys: Vec<json::Piece>,
    /// The same for cells that need no escaping, with the quotes around
    /// them: `"input":{"account":"`, then `","plan":"` and so on.
    plain_input_keys: Vec<json::Piece>,
    /// [`crate::bill::EXAMPLE_NOTE`] and [`crate::bill::NO_META_NOTE`] as JSON.
    fixed_notes: [Vec<u8>; 2],
    /// JSON made once and reused: a bill's fields up to its count, per
    /// plan and month, and after its total (`meta_card` and `notes`), per
    /// card, plan and Meta columns given.
    heads: Vec<json::Piece>,
    tails: Vec<json::Piece>,
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

/// `1250.40`: digits with at most one point between digits, up to 18 of
/// them; the exact value (what [`crate::usage::parse_amount`] reads it as).
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
    let mut mantissa = parse_digits(whole)?;
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
                plain.into()
            })
            .collect();
        let input_keys = input_keys.into_iter().map(json::Piece::from).collect();
        Self {
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

    /// The JSON of a markup line of `percent`, once made: found by the
    /// percentage as written (`10` and `10.0` are one value, but the unit
    /// price shows `0.10` and `0.100`).
    fn markup_json(&self, percent: Decimal) -> Option<&[json::Piece; 2]> {
        let written =
            |p: &Decimal| p.mantissa() == percent.mantissa() && p.scale() == percent.scale();
        self.markups
            .iter()
            .find(|(p, _)| written(p))
            .map(|(_, pieces)| pieces)
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
        let (unit, count, count_column) = match (sent.is_empty(), conversations.is_empty()) {
            (false, true) => (Unit::Notifications, sent, self.columns.sent?),
            (true, false) => (
                Unit::Conversations,
                conversations,
                self.columns.conversations?,
            ),
            _ => return None,
        };
        if plan.unit() != Some(unit) {
            return None;
        }
        let count = parse_digits(count)?;
        let (base, platform) = (quick.base, quick.price(count)?);
        if !phone_numbers.is_empty() {
            parse_digits(phone_numbers)?;
        }
        let markup = if markup.is_empty() {
            None
        } else {
            Some(Decimal::from(parse_digits(markup)?))
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
                self.counts.push((j, parse_digits(text)?));
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
            count_column,
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

    /// The message of a refusal, as the engine words it.
    pub(super) fn refusal(&self, refusal: Refusal) -> &str {
        match &self.cards[refusal.card].columns[refusal.meta] {
            Column::Refused(message) => message,
            _ => "",
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
            if self.markup_json(percent).is_none() {
                if self.markups.len() >= REMEMBERED {
                    return false;
                }
                self.markups.push((percent, json::markup_pieces(percent)));
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
        Err(refusal) => return (Column::Refused(refusal.to_string()), None),
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
    let start = [1, 2].map(|parts| {
        let description = crate::report::bill::meta_description(category, &charge.market, parts, 0);
        json::joined(&[&json::text(&description), b",\"quantity\":"])
    });
    let rate_json = |rate: Decimal| {
        let mut text = Vec::new();
        crate::render::json::push_decimal(&mut text, rate);
        text
    };
    let unit_price = |rate: &[u8]| json::joined(&[b",\"unit_price\":", rate, b",\"amount\":"]);
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
            let after_quote = middle[1..].to_vec();
            (unit_price(&rate), middle.into(), after_quote.into())
        })
        .collect();
    let zero_rate = rate_json(ladder.zero_rate());
    let zero_tiers = json::joined(&[
        b",\"tiers\":[{\"quantity\":\"0\",\"rate\":",
        &zero_rate,
        b",\"unit_price\":",
        &zero_rate,
        b",\"exact\":\"0\"}]}",
    ]);
    let priced = Priced {
        zero: (unit_price(&zero_rate), zero_tiers),
        rates,
        ladder,
        start,
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
    /// Units used, and the column that says so.
    count: u64,
    count_column: usize,
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
mod tests;
