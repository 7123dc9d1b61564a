//! Where batch rows go: one reused output buffer, written to stdout in large
//! chunks that always end on a row boundary. CSV fields are escaped here
//! (RFC 4180: quoted when they hold `,`, `"`, CR or LF; `"` doubled), and
//! amounts are written without allocating.

use std::io::Write;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::bill::{Bill, LineKind};
use crate::error::Error;

/// Rows are handed to stdout once this many bytes are buffered.
const FLUSH_AT: usize = 1 << 17;

/// The output of a batch.
pub(crate) struct Sink<'w> {
    buf: Vec<u8>,
    out: &'w mut dyn Write,
}

fn write_error(source: std::io::Error) -> Error {
    Error::Io {
        context: "cannot write the output".to_owned(),
        source,
    }
}

impl<'w> Sink<'w> {
    pub(crate) fn new(out: &'w mut dyn Write) -> Self {
        Self {
            buf: Vec::with_capacity(FLUSH_AT + (FLUSH_AT >> 2)),
            out,
        }
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

    /// An exact decimal as `Display` writes it (`65.00`).
    pub(crate) fn decimal(&mut self, amount: Decimal) {
        // Writing into a Vec cannot fail.
        let _ = write!(self.buf, "{amount}");
    }

    /// An amount given in minor units, written with `scale` decimals:
    /// `(6500, 2)` → `65.00`, `(5, 2)` → `0.05`, `(7, 0)` → `7`. Writes the
    /// same text as `Decimal::new(value, scale).to_string()`.
    pub(crate) fn minor(&mut self, value: u64, scale: u32) {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = value;
        loop {
            start -= 1;
            #[allow(clippy::cast_possible_truncation)] // rest % 10 < 10
            let digit = (rest % 10) as u8;
            digits[start] = b'0' + digit;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        let digits = &digits[start..];
        let scale = scale as usize;
        if scale == 0 {
            self.buf.extend_from_slice(digits);
        } else if digits.len() > scale {
            let (int, frac) = digits.split_at(digits.len() - scale);
            self.buf.extend_from_slice(int);
            self.buf.push(b'.');
            self.buf.extend_from_slice(frac);
        } else {
            self.buf.extend_from_slice(b"0.");
            self.buf
                .extend(std::iter::repeat_n(b'0', scale - digits.len()));
            self.buf.extend_from_slice(digits);
        }
    }

    /// The amount columns of a priced row, `base,overage,fair_use_overage,
    /// meta,markup,total,error`, each preceded by a comma; a column is empty
    /// when the bill has no such line (no fair use on a Connect plan, no
    /// Meta charges given), and `error` is empty.
    pub(crate) fn amounts(&mut self, bill: &Bill<'_>) {
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
        self.comma();
    }

    /// The amount columns of a bad row: six empty amounts, then the error.
    pub(crate) fn error(&mut self, message: &str) {
        self.raw(b",,,,,,,");
        self.field(message.as_bytes());
    }

    /// One compact JSON value (a JSON Lines record, without its newline).
    pub(crate) fn json<T: Serialize>(&mut self, value: &T) {
        if let Err(err) = serde_json::to_writer(&mut self.buf, value) {
            // Our row types always serialize; were one not to, the row
            // still gets a line saying why.
            let _ = write!(self.buf, "{{\"error\":{:?}}}", err.to_string());
        }
    }

    /// Ends a row; hands the buffer to stdout once it is large.
    pub(crate) fn end_row(&mut self) -> Result<(), Error> {
        self.buf.push(b'\n');
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf).map_err(write_error)?;
            self.buf.clear();
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
        let mut sink = Sink::new(&mut out);
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
        ] {
            let expected = Decimal::from_i128_with_scale(i128::from(value), scale).to_string();
            assert_eq!(written(|s| s.minor(value, scale)), expected);
        }
    }
}
