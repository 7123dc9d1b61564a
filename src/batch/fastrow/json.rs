//! JSON Lines rows of the fast path: the bytes
//! [`crate::render::json::write_bill_fields_with`] writes for the same bill
//! (a test holds them together), from integer amounts, the words made once
//! per plan, card, column and markup, and count cells copied where they
//! already read as JSON writes the count.

use rust_decimal::Decimal;

use super::super::fastjson::{bad_row_start, input_of, push_cell, row_number};
use super::super::split::Record;
use super::{Amounts, FastRows, Lines, Row};
use crate::bill::{self, EXAMPLE_NOTE, LineKind, NO_META_NOTE};
use crate::plan::{BandKind, Plan, Product};
use crate::render::json::{
    push_decimal, push_line, push_line_start, push_month, push_plan_fields, push_scaled, push_str,
    push_u128, push_usage_start,
};
use crate::report::bill::describe;

/// A piece of JSON made once and copied on every row. It is kept with
/// [`PAD`] bytes of padding, so a short piece is copied as one block of
/// fixed size (which needs no call to `memcpy`) and cut back to its length.
#[derive(Debug, Clone, Default)]
pub(super) struct Piece {
    padded: Vec<u8>,
    len: usize,
}

/// The padding of a [`Piece`], and the longest piece copied as one block.
const PAD: usize = 64;

impl Piece {
    /// Appends the piece to `out`.
    #[inline]
    pub(super) fn put(&self, out: &mut Vec<u8>) {
        match self.padded.first_chunk::<PAD>() {
            Some(block) if self.len <= PAD => {
                let start = out.len();
                out.extend_from_slice(block);
                out.truncate(start + self.len);
            }
            _ => out.extend_from_slice(self.bytes()),
        }
    }

    /// The piece's bytes.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.padded[..self.len]
    }
}

impl From<Vec<u8>> for Piece {
    fn from(mut bytes: Vec<u8>) -> Self {
        let len = bytes.len();
        bytes.resize(len + PAD, 0);
        Self { padded: bytes, len }
    }
}

/// `parts` one after the other, as a piece.
pub(super) fn joined(parts: &[&[u8]]) -> Piece {
    parts.concat().into()
}

/// A markup line's JSON from its description to its quantity, and from
/// its unit price to its amount: `"Service markup 10% …","quantity":` and
/// `,"unit_price":"0.10","amount":`.
pub(super) fn markup_pieces(percent: Decimal) -> [Piece; 2] {
    let description = text(&crate::report::bill::markup_description(percent));
    let mut unit_price = Vec::new();
    push_scaled(
        &mut unit_price,
        percent.mantissa().unsigned_abs(),
        percent.scale() + 2,
    );
    [
        joined(&[&description, b",\"quantity\":"]),
        joined(&[b",\"unit_price\":", &unit_price, b",\"amount\":"]),
    ]
}

/// `text` as a JSON string.
pub(super) fn text(text: &str) -> Vec<u8> {
    let mut json = Vec::with_capacity(text.len() + 2);
    push_str(&mut json, text);
    json
}

/// What a JSON bill of one plan writes the same on every row.
#[derive(Debug)]
pub(in crate::batch) struct PlanJson {
    /// `"plan":…,"name":…,"product":…,"currency":…,"month":`
    head: Vec<u8>,
    /// `,"example":…,"usage":{"unit":…,"count":"`
    usage: Vec<u8>,
    /// The end of the usage and the base fee's line, whole:
    /// `"},"lines":[{"kind":"base",…}`.
    base: Piece,
    /// Per band (overage, fair-use overage): the line up to its quantity
    /// (from the comma before it), its unit price up to its amount, and
    /// the rest of the line when no units fall in the band (its quantity,
    /// amount and exact amount all zero).
    bands: Vec<(Piece, Piece, Piece)>,
}

impl PlanJson {
    /// A bill's fields up to its count: `"plan":…,"month":…,"count":"`.
    pub(super) fn head(&self, month: crate::calendar::Month) -> Piece {
        let mut text = self.head.clone();
        push_month(&mut text, month);
        text.extend_from_slice(&self.usage);
        text.into()
    }

    /// The fixed JSON of `plan`'s bills, from the engine's own lines and
    /// words; `None` for a plan the engine cannot bill.
    pub(in crate::batch) fn new(plan: &Plan) -> Option<Self> {
        let lines = bill::platform_lines(plan, 0).ok()?;
        let mut head = Vec::new();
        push_plan_fields(&mut head, plan);
        let mut usage = Vec::new();
        push_usage_start(&mut usage, plan);
        let mut base = b"\"},\"lines\":[".to_vec();
        let mut bands = Vec::new();
        let mut rates = plan.bands().into_iter().flatten().map(|band| band.rate);
        for line in &lines {
            let description = describe(line, plan);
            if line.kind == LineKind::Base {
                push_line(&mut base, line, &description);
            } else {
                let mut start = b",".to_vec();
                push_line_start(&mut start, line.kind, &description);
                let mut price = b",\"unit_price\":".to_vec();
                push_decimal(&mut price, line.unit_price?);
                price.extend_from_slice(b",\"amount\":");
                // As `bill_fields` writes a band of no units.
                let mut none = b"\"0\"".to_vec();
                none.extend_from_slice(&price);
                push_scaled(&mut none, 0, plan.currency.minor_units());
                none.extend_from_slice(b",\"exact\":");
                push_scaled(&mut none, 0, rates.next()?.scale());
                none.push(b'}');
                bands.push((start.into(), price.into(), none.into()));
            }
        }
        Some(Self {
            head,
            usage,
            base: base.into(),
            bands,
        })
    }
}

/// What a bill's JSON after its total depends on: the card, the plan's
/// example prices, whether a Direct bill was given no Meta usage, and
/// which Meta columns have lines (a bit each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TailKey {
    card: Option<usize>,
    example: bool,
    no_meta: bool,
    columns: u64,
}

impl TailKey {
    /// The key of `row`'s bill with Meta `lines`; `None` past 64 columns.
    pub(super) fn of(row: &Row<'_>, lines: &Lines) -> Option<Self> {
        let mut columns = 0_u64;
        for (column, ..) in &lines.meta {
            columns |= 1_u64.checked_shl(u32::try_from(*column).ok()?)?;
        }
        Some(Self {
            card: lines.card,
            example: row.plan.example,
            no_meta: no_meta(row, lines),
            columns,
        })
    }
}

/// A Direct bill given no Meta usage (which says so in a note).
fn no_meta(row: &Row<'_>, lines: &Lines) -> bool {
    row.plan.product == Product::Direct && row.meta_amount.is_none() && lines.card.is_none()
}

/// A bill's fields after its total: `"meta_card"` and `"notes"`.
pub(super) fn tail(fast: &FastRows<'_>, row: &Row<'_>, lines: &Lines) -> Piece {
    let mut out = Vec::new();
    let card = lines.card.map(|i| &fast.cards[i]);
    if let Some(card) = card {
        out.extend_from_slice(b",\"meta_card\":");
        out.extend_from_slice(&card.description);
    }
    notes(&mut out, fast, row, card.map(|c| (c, lines)));
    out.into()
}

/// A priced row: `{"row":N,<the bill>[,"vs":{…},"change":…],"input":{…}}`,
/// as [`super::super::fastjson::bill_row`] writes the engine's bill.
/// `None` (having written part of it) when the words of the row's plan
/// were not made: the caller then has the engine write the row.
pub(in crate::batch) fn bill_row(
    out: &mut Vec<u8>,
    fast: &FastRows<'_>,
    number: u64,
    amounts: &Amounts,
    vs: Option<&Amounts>,
    names: &[String],
    record: &Record,
) -> Option<()> {
    let row = fast.last.as_ref()?;
    row_number(out, number);
    bill_fields(out, fast, row, record, 0, amounts.meta, amounts.total)?;
    out.push(b',');
    if let Some(vs) = vs {
        out.extend_from_slice(b"\"vs\":{");
        bill_fields(out, fast, row, record, 1, vs.meta, vs.total)?;
        out.extend_from_slice(b"},\"change\":");
        let scale = amounts.currency.minor_units();
        if vs.total > amounts.total {
            push_decimal(
                out,
                -Decimal::from_i128_with_scale(i128::from(vs.total - amounts.total), scale),
            );
        } else {
            push_scaled(out, u128::from(amounts.total - vs.total), scale);
        }
        out.push(b',');
    }
    input(out, fast, names, record);
    out.push(b'}');
    Some(())
}

/// A row the card refuses, as [`super::super::fastjson::bad_row`] writes
/// it: `{"row":N,"column":…,"error":"row N, column …: …","input":{…}}`,
/// its input written with the fast path's keys.
pub(in crate::batch) fn bad_row(
    out: &mut Vec<u8>,
    fast: &FastRows<'_>,
    number: u64,
    (column, error): (&str, &str),
    names: &[String],
    record: &Record,
) {
    bad_row_start(out, number, Some(column), error);
    input(out, fast, names, record);
    out.push(b'}');
}

/// `"input":{…}`, as [`super::super::fastjson::bill_row`] writes it.
fn input(out: &mut Vec<u8>, fast: &FastRows<'_>, names: &[String], record: &Record) {
    if fast.input_keys.len() != names.len() || names.is_empty() {
        input_of(out, names, |i| record.get(i));
        return;
    }
    // A line of printable ASCII (checked once) has cells to copy as
    // they are; any other is escaped cell by cell.
    let plain = record.as_written().is_some_and(|line| {
        #[allow(clippy::needless_bitwise_bool)] // no branch per byte
        let special = line.iter().fold(false, |seen, &b| {
            seen | !(0x20..0x7f).contains(&b) | (b == b'"') | (b == b'\\')
        });
        !special
    });
    if plain {
        // Each key comes with the quotes around it: `","plan":"`.
        for (i, key) in fast.plain_input_keys.iter().enumerate() {
            key.put(out);
            match record.cell_block(i) {
                // A short cell: one block of fixed size, cut back.
                Some((block, len)) => {
                    let start = out.len();
                    out.extend_from_slice(block);
                    out.truncate(start + len);
                }
                None => out.extend_from_slice(record.get(i).unwrap_or_default()),
            }
        }
        out.extend_from_slice(b"\"}");
        return;
    }
    for (i, key) in fast.input_keys.iter().enumerate() {
        key.put(out);
        push_cell(out, record.get(i).unwrap_or_default());
    }
    out.push(b'}');
}

/// The fields of one bill (0: the bill, 1: the vs bill), as
/// `write_bill_fields_with` writes them.
fn bill_fields(
    out: &mut Vec<u8>,
    fast: &FastRows<'_>,
    row: &Row<'_>,
    record: &Record,
    bill: usize,
    meta: Option<(u64, u64)>,
    total: u64,
) -> Option<()> {
    let Some((_, Some(plan))) = fast.plans.get(row.plan_index) else {
        return None;
    };
    let text = plan.json.as_ref()?;
    let lines = &fast.lines[bill];
    let (head, tail) = fast.pieces[bill];
    let scale = row.plan.currency.minor_units();
    fast.heads[head].put(out);
    push_count(out, record, row.count_column, row.count);
    text.base.put(out);
    let bands = row.plan.bands();
    for ((start, price, none), band) in text.bands.iter().zip(bands.iter().flatten()) {
        let units = band.units(row.count);
        start.put(out);
        if units == 0 {
            // Usage within what is included, or short of the band.
            none.put(out);
            continue;
        }
        push_scaled(out, u128::from(units), 0);
        price.put(out);
        let amount = match band.kind {
            BandKind::Overage => row.overage,
            BandKind::FairUse => row.fair_use_overage.unwrap_or_default(),
        };
        push_scaled(out, u128::from(amount), scale);
        out.extend_from_slice(b",\"exact\":");
        let rate = band.rate;
        push_scaled(
            out,
            u128::from(units) * rate.mantissa().unsigned_abs(),
            rate.scale(),
        );
        out.push(b'}');
    }
    let card = lines.card.map(|i| &fast.cards[i]);
    if let Some((subtotal, markup)) = meta {
        match (card, row.meta_amount) {
            (Some(card), _) => meta_lines(out, fast, card, lines, record, scale)?,
            (None, Some(amount)) => {
                out.extend_from_slice(b",{\"kind\":\"meta\",\"description\":\"Meta WhatsApp charges (from WhatsApp Manager)\",\"quantity\":\"1\",\"unit_price\":");
                push_decimal(out, amount);
                out.extend_from_slice(b",\"amount\":");
                push_scaled(out, u128::from(subtotal), scale);
                out.extend_from_slice(b",\"exact\":");
                push_decimal(out, amount);
                out.push(b'}');
            }
            (None, None) => {}
        }
        let percent = row.markup.unwrap_or(Decimal::ZERO);
        let [start, unit_price] = fast.markup_json(percent)?;
        out.extend_from_slice(b",{\"kind\":\"markup\",\"description\":");
        start.put(out);
        let quantity = out.len();
        push_scaled(out, u128::from(subtotal), scale);
        let quantity = quantity..out.len();
        unit_price.put(out);
        let (mantissa, places) = (percent.mantissa().unsigned_abs(), percent.scale() + 2);
        push_scaled(out, u128::from(markup), scale);
        out.extend_from_slice(b",\"exact\":");
        push_scaled(out, u128::from(subtotal) * mantissa, scale + places);
        // The Meta subtotal is the markup's quantity.
        out.extend_from_slice(b"}],\"meta_subtotal\":");
        out.extend_from_within(quantity);
    } else {
        out.push(b']');
    }
    out.extend_from_slice(b",\"total\":");
    push_scaled(out, u128::from(total), scale);
    fast.tails[tail].put(out);
    Some(())
}

/// A count's digits as JSON writes them: the cell's own text when it is
/// that (then copied as one block of fixed size), else formatted. `column`
/// is the cell the count was read from.
fn push_count(out: &mut Vec<u8>, record: &Record, column: usize, count: u64) {
    match record.cell_block(column) {
        Some((block, len)) if is_count_as_json_writes_it(&block[..len]) => {
            let start = out.len();
            out.extend_from_slice(block);
            out.truncate(start + len);
        }
        _ => push_u128(out, u128::from(count)),
    }
}

/// Whether a cell read as a count (digits once trimmed) is the count as
/// JSON writes it: a digit at both ends (nothing was trimmed) and no zero
/// in front.
fn is_count_as_json_writes_it(cell: &[u8]) -> bool {
    match cell {
        [b'0'] => true,
        [first, .., last] => first.is_ascii_digit() && *first != b'0' && last.is_ascii_digit(),
        [only] => only.is_ascii_digit(),
        [] => false,
    }
}

/// The Meta lines priced on `card`.
fn meta_lines(
    out: &mut Vec<u8>,
    fast: &FastRows<'_>,
    card: &super::FastCard<'_>,
    lines: &Lines,
    record: &Record,
    scale: u32,
) -> Option<()> {
    for (column, count, price, parts) in &lines.meta {
        let super::Column::Ladder(priced) = &card.columns[*column] else {
            return None;
        };
        let parts = &lines.parts[parts.clone()];
        // `,{…,"quantity":`, the quantity, `,"unit_price":…,"amount":`, the
        // amount, then the exact amount and the tiers.
        out.extend_from_slice(b",{\"kind\":\"meta\",\"description\":");
        priced.start[usize::from(parts.len() > 1)].put(out);
        let quantity = out.len();
        out.push(b'"');
        push_count(out, record, fast.columns.meta[*column].0, *count);
        out.push(b'"');
        let quantity = quantity..out.len();
        match parts {
            [] => priced.zero.0.put(out),
            [one] => priced.rates[one.step].0.put(out),
            _ => out.extend_from_slice(b",\"unit_price\":null,\"amount\":"),
        }
        push_scaled(out, u128::from(price.amount), scale);
        out.extend_from_slice(b",\"exact\":");
        let exact = out.len();
        push_scaled(out, price.exact.0, price.exact.1);
        let exact = exact..out.len();
        match parts {
            // No messages: one part of none at the first rate.
            [] => priced.zero.1.put(out),
            // One part: its quantity and exact amount are the line's.
            [one] => {
                out.extend_from_slice(b",\"tiers\":[{\"quantity\":");
                out.extend_from_within(quantity);
                priced.rates[one.step].2.put(out);
                out.extend_from_within(exact);
                out.extend_from_slice(b"}]}");
            }
            _ => {
                out.extend_from_slice(b",\"tiers\":[");
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    let rate = priced.ladder.steps()[part.step].rate;
                    out.extend_from_slice(b"{\"quantity\":\"");
                    push_u128(out, u128::from(part.count));
                    priced.rates[part.step].1.put(out);
                    push_scaled(
                        out,
                        u128::from(part.count) * rate.mantissa().unsigned_abs(),
                        rate.scale(),
                    );
                    out.push(b'}');
                }
                out.extend_from_slice(b"]}");
            }
        }
    }
    Some(())
}

/// `"notes":[…]` as the engine gathers them: the example note, then no
/// Meta usage on a Direct plan, or the card's notes and each line's,
/// each once.
fn notes(
    out: &mut Vec<u8>,
    fast: &FastRows<'_>,
    row: &Row<'_>,
    priced: Option<(&super::FastCard<'_>, &Lines)>,
) {
    // (the note, as JSON)
    let mut notes: Vec<(&str, &[u8])> = Vec::with_capacity(8);
    if row.plan.example {
        notes.push((EXAMPLE_NOTE, &fast.fixed_notes[0]));
    }
    match priced {
        Some((card, lines)) => {
            let of_lines =
                lines
                    .meta
                    .iter()
                    .filter_map(|(column, ..)| match &card.columns[*column] {
                        super::Column::Ladder(priced) => priced.note.as_ref(),
                        _ => None,
                    });
            let of_card = card.notes.iter().map(|(note, json)| (note.as_ref(), json));
            for (note, json) in of_card.chain(of_lines.map(|(note, json)| (note.as_str(), json))) {
                if !notes.iter().any(|(seen, _)| *seen == note) {
                    notes.push((note, json));
                }
            }
        }
        None if no_meta(row, priced.map_or(&Lines::default(), |p| p.1)) => {
            notes.push((NO_META_NOTE, &fast.fixed_notes[1]));
        }
        None => {}
    }
    if notes.is_empty() {
        return;
    }
    out.extend_from_slice(b",\"notes\":[");
    for (i, (_, json)) in notes.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(json);
    }
    out.push(b']');
}
