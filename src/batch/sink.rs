//! Where batch rows go: one reused output buffer, written to stdout in large
//! chunks that always end on a row boundary. CSV fields are escaped here
//! (RFC 4180: quoted when they hold `,`, `"`, CR or LF; `"` doubled), and
//! amounts are written without allocating.

use std::io::Write;

use rust_decimal::Decimal;

use super::fastrow::Amounts;
use super::{AMOUNT_COLUMNS, VS_COLUMNS};
use crate::bill::{Bill, LineKind};
use crate::error::Error;
use crate::render::json::Descriptions;

/// Rows are handed to stdout once this many bytes are buffered.
const FLUSH_AT: usize = 1 << 17;

/// The output of a batch.
pub(crate) struct Sink<'w> {
    buf: Vec<u8>,
    out: &'w mut dyn Write,
    /// Keep every row in `buf` (a worker's chunk), never writing to `out`.
    hold: bool,
    /// Whether rows carry [`VS_COLUMNS`] (`--vs-month`, `--vs-plans`).
    vs: bool,
    /// JSON Lines: the plans' line descriptions, made once per plan (the
    /// plans live in catalogs that outlive the sink).
    descriptions: Descriptions,
}

/// `00`, `01`, ... `99`: two ASCII digits for each number below 100.
const PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut n = 0;
    while n < 100 {
        #[allow(clippy::cast_possible_truncation)] // n < 100
        let (tens, ones) = ((n / 10) as u8, (n % 10) as u8);
        pairs[2 * n] = b'0' + tens;
        pairs[2 * n + 1] = b'0' + ones;
        n += 1;
    }
    pairs
};

/// Text written right to left into a stack buffer, two digits at a time:
/// the 20 digits of `u64::MAX`, a point and up to 27 zeros fit.
struct Digits {
    text: [u8; 48],
    start: usize,
}

impl Default for Digits {
    fn default() -> Self {
        Self {
            text: [0; 48],
            start: 48,
        }
    }
}

impl Digits {
    fn push(&mut self, byte: u8) {
        self.start -= 1;
        self.text[self.start] = byte;
    }

    /// Moves the last two digits of `rest` in front of the text.
    fn pair(&mut self, rest: &mut u64) {
        #[allow(clippy::cast_possible_truncation)] // < 100
        let at = (*rest % 100) as usize * 2;
        *rest /= 100;
        self.start -= 2;
        self.text[self.start..self.start + 2].copy_from_slice(&PAIRS[at..at + 2]);
    }

    /// Moves the last digit of `rest` in front of the text.
    fn single(&mut self, rest: &mut u64) {
        #[allow(clippy::cast_possible_truncation)] // < 10
        let digit = (*rest % 10) as u8;
        *rest /= 10;
        self.push(b'0' + digit);
    }

    fn text(&self) -> &[u8] {
        &self.text[self.start..]
    }
}

fn write_error(source: std::io::Error) -> Error {
    Error::Io {
        context: "cannot write the output".to_owned(),
        source,
    }
}

impl<'w> Sink<'w> {
    pub(crate) fn new(out: &'w mut dyn Write, vs: bool) -> Self {
        Self {
            buf: Vec::with_capacity(FLUSH_AT + (FLUSH_AT >> 2)),
            out,
            hold: false,
            vs,
            descriptions: Descriptions::default(),
        }
    }

    /// A sink that keeps its rows in its buffer, for [`Sink::buf`] to take.
    pub(crate) fn holding(nowhere: &'w mut dyn Write, vs: bool) -> Self {
        Self {
            buf: Vec::new(),
            out: nowhere,
            hold: true,
            vs,
            descriptions: Descriptions::default(),
        }
    }

    /// How many columns follow the input's: the amounts, with
    /// [`VS_COLUMNS`] when comparing.
    pub(crate) fn added_columns(&self) -> usize {
        AMOUNT_COLUMNS.len() + if self.vs { VS_COLUMNS.len() } else { 0 }
    }

    /// Bytes written as they are (the caller knows they need no quoting).
    pub(crate) fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// One CSV field, quoted when it has to be.
    pub(crate) fn field(&mut self, bytes: &[u8]) {
        if bytes
            .iter()
            .any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
        {
            self.buf.push(b'"');
            for &b in bytes {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// The separator between two CSV fields.
    pub(crate) fn comma(&mut self) {
        self.buf.push(b',');
    }

    /// An exact decimal as `Display` writes it (`65.00`), through
    /// [`Sink::minor`] when its mantissa fits (always, for bill amounts).
    pub(crate) fn decimal(&mut self, amount: Decimal) {
        match u64::try_from(amount.mantissa()) {
            Ok(mantissa) if !amount.is_sign_negative() => self.minor(mantissa, amount.scale()),
            // Writing into a Vec cannot fail.
            _ => drop(write!(self.buf, "{amount}")),
        }
    }

    /// An amount given in minor units, written with `scale` decimals:
    /// `(6500, 2)` → `65.00`, `(5, 2)` → `0.05`, `(7, 0)` → `7`. Writes the
    /// same text as `Decimal::new(value, scale).to_string()`.
    pub(crate) fn minor(&mut self, value: u64, scale: u32) {
        let mut digits = Digits::default();
        let mut rest = value;
        let scale = (scale as usize).min(27);
        for _ in 0..scale / 2 {
            digits.pair(&mut rest);
        }
        if scale % 2 == 1 {
            digits.single(&mut rest);
        }
        if scale > 0 {
            digits.push(b'.');
        }
        while rest >= 100 {
            digits.pair(&mut rest);
        }
        if rest >= 10 {
            digits.pair(&mut rest);
        } else {
            digits.single(&mut rest);
        }
        self.buf.extend_from_slice(digits.text());
    }

    /// The amount columns of a priced row, `currency,base,overage,
    /// fair_use_overage,meta,markup,total,error`, each preceded by a comma
    /// (amounts never add up across currencies); a column is empty
    /// when the bill has no such line (no fair use on a Connect plan, no
    /// Meta charges given), and `error` is empty. With `vs`, `vs_total`
    /// and `change` (total − `vs_total`) come before `error`.
    pub(crate) fn amounts(&mut self, bill: &Bill<'_>, vs: Option<&Bill<'_>>) {
        self.comma();
        self.raw(bill.currency().code().as_bytes());
        for kind in [LineKind::Base, LineKind::Overage, LineKind::FairUseOverage] {
            self.comma();
            if bill.lines.iter().any(|l| l.kind == kind) {
                self.decimal(bill.amount_of(kind));
            }
        }
        self.comma();
        if let Some(meta) = bill.meta_subtotal {
            self.decimal(meta);
        }
        self.comma();
        if bill.lines.iter().any(|l| l.kind == LineKind::Markup) {
            self.decimal(bill.amount_of(LineKind::Markup));
        }
        self.comma();
        self.decimal(bill.total);
        if let Some(vs) = vs {
            self.comma();
            self.decimal(vs.total);
            self.comma();
            self.decimal(bill.total.saturating_sub(vs.total));
        }
        self.comma();
    }

    /// The amount columns of a row priced on the fast path, exactly as
    /// [`Sink::amounts`] writes the same bill; `vs` is the vs bill's total.
    pub(crate) fn minor_amounts(&mut self, amounts: &Amounts, vs: Option<u64>) {
        let scale = amounts.currency.minor_units();
        self.comma();
        self.raw(amounts.currency.code().as_bytes());
        self.comma();
        self.minor(amounts.base, scale);
        self.comma();
        self.minor(amounts.overage, scale);
        self.comma();
        if let Some(fair_use) = amounts.fair_use_overage {
            self.minor(fair_use, scale);
        }
        self.comma();
        if let Some((meta, _)) = amounts.meta {
            self.minor(meta, scale);
        }
        self.comma();
        if let Some((_, markup)) = amounts.meta {
            self.minor(markup, scale);
        }
        self.comma();
        self.minor(amounts.total, scale);
        if let Some(vs) = vs {
            self.comma();
            self.minor(vs, scale);
            self.comma();
            if vs > amounts.total {
                self.buf.push(b'-');
            }
            self.minor(amounts.total.abs_diff(vs), scale);
        }
        self.comma();
    }

    /// The header row: the input's columns, then [`AMOUNT_COLUMNS`].
    pub(crate) fn header(&mut self, input: &[String]) -> Result<(), Error> {
        for (i, name) in input.iter().enumerate() {
            if i > 0 {
                self.comma();
            }
            self.field(name.as_bytes());
        }
        let (amounts, error) = AMOUNT_COLUMNS.split_at(AMOUNT_COLUMNS.len() - 1);
        let vs: &[&str] = if self.vs { &VS_COLUMNS } else { &[] };
        for name in amounts.iter().chain(vs).chain(error) {
            self.comma();
            self.raw(name.as_bytes());
        }
        self.end_row()
    }

    /// The amount columns of a bad row: every amount empty, then the error.
    pub(crate) fn error(&mut self, message: &str) {
        for _ in 0..self.added_columns() {
            self.comma();
        }
        self.field(message.as_bytes());
    }

    /// The output buffer and the remembered line descriptions, for the
    /// JSON Lines writer.
    pub(crate) fn json(&mut self) -> (&mut Vec<u8>, &mut Descriptions) {
        (&mut self.buf, &mut self.descriptions)
    }

    /// The output buffer, for a writer that appends a row itself.
    pub(crate) fn buf(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Whole rows made elsewhere (a chunk priced on another thread), each
    /// ending with its newline: written straight to stdout once the
    /// buffer ahead of them is.
    pub(crate) fn rows(&mut self, rows: &[u8]) -> Result<(), Error> {
        if self.hold || rows.len() < FLUSH_AT {
            self.raw(rows);
            return self.row_done();
        }
        self.out.write_all(&self.buf).map_err(write_error)?;
        self.buf.clear();
        self.out.write_all(rows).map_err(write_error)
    }

    /// Ends a row; hands the buffer to stdout once it is large.
    pub(crate) fn end_row(&mut self) -> Result<(), Error> {
        self.buf.push(b'\n');
        self.row_done()
    }

    /// Hands the buffer to stdout once it is large; call after a row's
    /// newline.
    pub(crate) fn row_done(&mut self) -> Result<(), Error> {
        if self.buf.len() >= FLUSH_AT && !self.hold {
            self.out.write_all(&self.buf).map_err(write_error)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes whatever is buffered and flushes stdout when the input is
    /// about to be read again (`input.drained()`): a slow producer's rows
    /// come out as they are priced, not once 128 KiB have gathered.
    pub(crate) fn before_read(&mut self, drained: bool) -> Result<(), Error> {
        if drained && !self.buf.is_empty() && !self.hold {
            self.finish()?;
        }
        Ok(())
    }

    /// Writes whatever is buffered and flushes stdout.
    pub(crate) fn finish(&mut self) -> Result<(), Error> {
        self.out.write_all(&self.buf).map_err(write_error)?;
        self.buf.clear();
        self.out.flush().map_err(write_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(f: impl FnOnce(&mut Sink<'_>)) -> String {
        let mut out = Vec::new();
        let mut sink = Sink::new(&mut out, false);
        f(&mut sink);
        sink.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let text = written(|s| {
            for (i, field) in ["a", "b,c", "say \"hi\"", "x\ny", "", " sp "]
                .iter()
                .enumerate()
            {
                if i > 0 {
                    s.comma();
                }
                s.field(field.as_bytes());
            }
        });
        assert_eq!(text, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",, sp ");
    }

    #[test]
    fn minor_units_write_like_decimal() {
        for (value, scale) in [
            (0, 2),
            (5, 2),
            (50, 2),
            (6500, 2),
            (7, 0),
            (1, 3),
            (123_456, 4),
            (u64::MAX, 2),
            (u64::MAX, 0),
            (10, 27),
        ] {
            let expected = Decimal::from_i128_with_scale(i128::from(value), scale).to_string();
            assert_eq!(written(|s| s.minor(value, scale)), expected);
            let amount = Decimal::from_i128_with_scale(i128::from(value), scale);
            assert_eq!(written(|s| s.decimal(amount)), expected);
            assert_eq!(written(|s| s.decimal(-amount)), (-amount).to_string());
        }
    }
}
