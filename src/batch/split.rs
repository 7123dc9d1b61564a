//! Cutting the input into rows: lines for a plain list, records for a CSV.
//!
//! Every input line is accounted for:
//! - a line ends at CR, LF or CRLF (a file saved with old Mac line ends is
//!   as many lines as it looks);
//! - a row longer than [`MAX_ROW_BYTES`] is still one row (a bad one): it
//!   is skipped, not buffered, and reading goes on at the next line;
//! - a CSV record whose quote never closes runs to the end of the input,
//!   and says where it started and how many lines it took;
//! - a quoted CSV cell with text after its closing quote (`"acme"x`) is
//!   kept as written and marks its record bad.
//!
//! Memory is one read buffer and one record, whatever the input.

use std::io::{self, Read};
use std::ops::Range;

/// Bytes read from the input at a time.
pub(super) const CHUNK: usize = 1 << 16;

/// The zeros after a line kept by [`Input::next_plain_line`].
pub(super) const PADDING: usize = 32;

/// The longest row (line, or CSV record with its line ends) that is read:
/// 1 MiB. A longer one is a bad row, skipped without being held in memory.
pub(super) const MAX_ROW_BYTES: usize = 1 << 20;

/// How many bytes of a row too long to read are kept to quote in its error.
const KEPT_OF_LONG_ROW: usize = 40;

/// A row that could not be read whole: skipped, with what is known of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LongRow {
    /// Its length in bytes, line ends within it included.
    pub bytes: u64,
    /// Its first bytes, to quote.
    pub start: Vec<u8>,
}

/// One line of a plain list.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Line<'a> {
    /// The line without its line end.
    Text(&'a [u8]),
    /// A line longer than [`MAX_ROW_BYTES`].
    TooLong(LongRow),
}

/// Why a CSV record is bad as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Flaw {
    /// A quote opened at the start of cell `column` (from 0) on line
    /// `line` and never closed: the record runs to the end of the input.
    Unclosed { column: usize, line: u64 },
    /// Cell `column` is quoted, but text follows its closing quote; the
    /// cell is kept as written.
    AfterQuote { column: usize },
    /// The record is longer than [`MAX_ROW_BYTES`]: its cells are dropped.
    TooLong(LongRow),
}

/// One CSV record: its cells, the lines it spans, and what is wrong with
/// it as read. Reused from record to record.
#[derive(Debug, Default)]
pub(super) struct Record {
    /// The cells one after the other; when `line` is set, the line as
    /// written, commas and all.
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// The record is one line without quotes, kept as written in `bytes`
    /// (cell `i` ends at `ends[i]`, the next starts one byte later) and
    /// followed by [`PADDING`] zeros, so that a short cell can be copied
    /// as one block of fixed size ([`Record::cell_block`]).
    line: bool,
    /// Line of the input on which the record starts (from 1).
    pub first_line: u64,
    /// Line on which it ends.
    pub last_line: u64,
    /// The first flaw found, if any.
    pub flaw: Option<Flaw>,
}

impl Record {
    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Cell `i`, unquoted, or `None` past the last.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] + usize::from(self.line),
        };
        Some(&self.bytes[start..end])
    }

    /// The record as written, when it is one line without quotes: its
    /// cells joined by commas, exactly as CSV output writes them.
    pub fn as_written(&self) -> Option<&[u8]> {
        let end = self.ends.last().copied().unwrap_or_default();
        self.line.then_some(&self.bytes[..end])
    }

    /// Cell `i` of a line without quotes as a block of [`PADDING`] bytes
    /// starting with it, and its length; `None` when the cell is longer,
    /// or the record is not such a line.
    pub fn cell_block(&self, i: usize) -> Option<(&[u8; PADDING], usize)> {
        if !self.line {
            return None;
        }
        let end = *self.ends.get(i)?;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] + 1,
        };
        let block = self.bytes.get(start..)?.first_chunk::<PADDING>()?;
        (end - start <= PADDING).then_some((block, end - start))
    }

    /// The cells in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.line = false;
        self.flaw = None;
    }

    fn end_cell(&mut self) {
        self.ends.push(self.bytes.len());
    }

    /// The first [`KEPT_OF_LONG_ROW`] bytes of a record read cell by cell,
    /// its cells so far joined by commas as the line had them (the error
    /// of a row too long to keep quotes it).
    fn kept_start(&self) -> Vec<u8> {
        let mut start = Vec::with_capacity(KEPT_OF_LONG_ROW + 1);
        let mut from = 0;
        for (i, end) in self.ends.iter().chain([&self.bytes.len()]).enumerate() {
            if i > 0 {
                start.push(b',');
            }
            start.extend_from_slice(&self.bytes[from..*end]);
            from = *end;
            if start.len() >= KEPT_OF_LONG_ROW {
                break;
            }
        }
        start.truncate(KEPT_OF_LONG_ROW);
        start
    }
}

/// Where the CSV reader is within a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a cell.
    CellStart,
    /// In a cell that did not start with a quote.
    Unquoted,
    /// In a quoted cell.
    Quoted,
    /// Just after a quote inside a quoted cell: it closes the cell or,
    /// doubled, stands for one quote.
    QuoteInQuoted,
    /// After the text that follows a closing quote: taken as written.
    Verbatim,
}

/// The input, read through one reused buffer.
pub(super) struct Input<R> {
    reader: R,
    pub(super) buf: Vec<u8>,
    pub(super) start: usize,
    pub(super) end: usize,
    eof: bool,
    /// The last line ended with a CR: an LF right after it is part of
    /// that line end.
    after_cr: bool,
    /// Lines ended so far.
    line: u64,
    /// Read quote-free lines in one pass ([`Input::next_plain_line`]);
    /// off, every record goes through the state machine (the tests hold
    /// the two equal).
    plain_lines: bool,
}

impl<R: Read> Input<R> {
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            eof: false,
            after_cr: false,
            line: 0,
            plain_lines: true,
        }
    }

    /// Reads more into the buffer, keeping the unread bytes (moved to the
    /// front) and growing it up to a row's worth. `Ok(false)` at the end.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).min(MAX_ROW_BYTES + CHUNK);
            self.buf.resize(grown.max(self.end + CHUNK), 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Drops the LF of a CRLF whose CR ended the last line.
    fn skip_lf(&mut self) -> io::Result<()> {
        while self.after_cr {
            if self.start < self.end {
                if self.buf[self.start] == b'\n' {
                    self.start += 1;
                }
                self.after_cr = false;
            } else if !self.fill()? {
                self.after_cr = false;
            }
        }
        Ok(())
    }

    /// Starts the input: drops a UTF-8 byte-order mark, skips the lines
    /// that hold only spaces (counting them), and buffers the first other
    /// line (up to a row's worth). Returns the blank lines skipped and
    /// that line as far as buffered (empty at the end of the input).
    pub fn begin(&mut self) -> io::Result<(u64, &[u8])> {
        while self.end - self.start < 3 && self.fill()? {}
        if self.buf[self.start..self.end].starts_with(b"\xEF\xBB\xBF") {
            self.start += 3;
        }
        let mut blank = 0;
        // Offset of the current line's first byte and how far it is scanned.
        let mut scanned = self.start;
        loop {
            if scanned == self.end {
                let offset = scanned - self.start;
                let more = self.fill()?;
                scanned = self.start + offset;
                if !more {
                    break;
                }
                continue;
            }
            let b = self.buf[scanned];
            match b {
                b'\n' | b'\r' => {
                    blank += 1;
                    self.line += 1;
                    self.start = scanned + 1;
                    self.after_cr = b == b'\r';
                    self.skip_lf()?;
                    scanned = self.start;
                }
                b' ' | b'\t' | b'\x0b' | b'\x0c' => {
                    scanned += 1;
                    // A very long run of spaces is not kept whole.
                    if scanned - self.start > MAX_ROW_BYTES {
                        self.start = scanned;
                    }
                }
                _ => break,
            }
        }
        if scanned == self.end {
            // Only spaces to the end: a last blank line, if any.
            if self.start < self.end {
                blank += 1;
                self.line += 1;
                self.start = self.end;
            }
            return Ok((blank, &[]));
        }
        // Buffer the rest of the first line, to tell what the input is.
        loop {
            let line = &self.buf[scanned..self.end];
            if let Some(i) = memchr::memchr2(b'\n', b'\r', line) {
                return Ok((blank, &self.buf[self.start..scanned + i]));
            }
            if self.end - self.start > MAX_ROW_BYTES {
                break;
            }
            let offset = scanned - self.start;
            let searched = self.end - self.start;
            if !self.fill()? {
                break;
            }
            scanned = self.start + offset.max(searched);
        }
        Ok((blank, &self.buf[self.start..self.end]))
    }

    /// Whether every byte read so far has been consumed: the next read
    /// may wait for the producer (`tail -f`), so output pending should go
    /// out first.
    pub fn drained(&self) -> bool {
        self.start == self.end
    }

    /// The next line when it is 1 to 19 ASCII digits and its line end is
    /// buffered: the count and where the digits are. `None`, consuming
    /// nothing, for anything else. Splitting and parsing in one pass is
    /// the fast path of `seq ... | ctbill batch`.
    pub fn next_digits(&mut self) -> Option<(u64, Range<usize>)> {
        if self.after_cr {
            return None;
        }
        let mut count = 0u64;
        for (i, &b) in self.buf[self.start..self.end].iter().enumerate() {
            let digit = b.wrapping_sub(b'0');
            if digit <= 9 && i < 19 {
                count = count * 10 + u64::from(digit);
                continue;
            }
            if (b == b'\n' || b == b'\r') && i > 0 {
                let line = self.start..self.start + i;
                self.start += i + 1;
                self.after_cr = b == b'\r';
                self.line += 1;
                return Some((count, line));
            }
            return None;
        }
        None
    }

    /// The next line without its line end, or `None` at the end.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.skip_lf()?;
        // How far the buffered part of the line has been searched.
        let mut searched = 0;
        loop {
            let rest = &self.buf[self.start + searched..self.end];
            if let Some(i) = memchr::memchr2(b'\n', b'\r', rest) {
                let end = self.start + searched + i;
                let line = self.start..end;
                self.after_cr = self.buf[end] == b'\r';
                self.start = end + 1;
                self.line += 1;
                if line.len() > MAX_ROW_BYTES {
                    return Ok(Some(Line::TooLong(LongRow {
                        bytes: line.len() as u64,
                        start: self.buf[line.start..line.start + KEPT_OF_LONG_ROW].to_vec(),
                    })));
                }
                return Ok(Some(Line::Text(&self.buf[line])));
            }
            searched = self.end - self.start;
            if searched > MAX_ROW_BYTES {
                return self.skip_long_line().map(|long| Some(Line::TooLong(long)));
            }
            if !self.fill()? {
                if self.start == self.end {
                    return Ok(None);
                }
                let line = self.start..self.end;
                self.start = self.end;
                self.line += 1;
                return Ok(Some(Line::Text(&self.buf[line])));
            }
        }
    }

    /// Skips the rest of a line too long to read (its start is buffered,
    /// without a line end), holding no more of it than one buffer.
    fn skip_long_line(&mut self) -> io::Result<LongRow> {
        let buffered = &self.buf[self.start..self.end];
        let start = buffered[..buffered.len().min(KEPT_OF_LONG_ROW)].to_vec();
        let mut bytes = buffered.len() as u64;
        self.start = self.end;
        loop {
            if let Some(i) = memchr::memchr2(b'\n', b'\r', &self.buf[self.start..self.end]) {
                bytes += i as u64;
                self.after_cr = self.buf[self.start + i] == b'\r';
                self.start += i + 1;
                break;
            }
            bytes += (self.end - self.start) as u64;
            self.start = self.end;
            if !self.fill()? {
                break;
            }
        }
        self.line += 1;
        Ok(LongRow { bytes, start })
    }

    /// The common record, read in one pass: a whole buffered line, not
    /// empty, without quotes (so its cells are the text between commas).
    /// `false`, consuming nothing, for anything else.
    fn next_plain_line(&mut self, record: &mut Record) -> bool {
        let rest = &self.buf[self.start..self.end];
        let rest = &rest[..rest.len().min(MAX_ROW_BYTES + 1)];
        // One pass, eight bytes at a time: commas end cells, a quote
        // leaves the line to the state machine, CR or LF ends it.
        let mut at = 0;
        let end = 'line: loop {
            let Some(word) = rest[at..].first_chunk::<8>() else {
                // The last few bytes, one at a time.
                for (i, &b) in rest.iter().enumerate().skip(at) {
                    match b {
                        b',' => record.ends.push(i),
                        b'"' => break 'line None,
                        b'\r' | b'\n' => break 'line Some(i),
                        _ => {}
                    }
                }
                break None;
            };
            let mut hits = special_bytes(u64::from_le_bytes(*word));
            while hits != 0 {
                let i = at + (hits.trailing_zeros() / 8) as usize;
                match rest[i] {
                    b',' => record.ends.push(i),
                    b'"' => break 'line None,
                    _ => break 'line Some(i),
                }
                hits &= hits - 1;
            }
            at += 8;
        };
        let Some(end) = end.filter(|&end| end > 0) else {
            record.ends.clear();
            return false;
        };
        record.bytes.extend_from_slice(&rest[..end]);
        record.bytes.extend_from_slice(&[0; PADDING]);
        record.ends.push(end);
        record.line = true;
        self.after_cr = rest[end] == b'\r';
        self.start += end + 1;
        self.line += 1;
        record.last_line = self.line;
        true
    }

    /// Reads the next CSV record into `record`; `Ok(false)` at the end.
    /// Empty lines are not records (RFC 4180) and are skipped.
    pub fn next_record(&mut self, record: &mut Record) -> io::Result<bool> {
        record.clear();
        let mut state = State::CellStart;
        // Bytes of the record read, line ends included.
        let mut length: u64 = 0;
        let mut prev_cr = false;
        let mut after_line_end = false;
        let mut quote_line = 0;
        let mut cell_start = 0;
        let mut long_start: Option<Vec<u8>> = None;
        self.skip_lf()?;
        record.first_line = self.line + 1;
        if self.plain_lines && self.next_plain_line(record) {
            return Ok(true);
        }
        loop {
            if self.start == self.end && !self.fill()? {
                // The end of the input ends the record.
                if length == 0 {
                    return Ok(false);
                }
                if state == State::Quoted {
                    record.flaw = Some(Flaw::Unclosed {
                        column: record.ends.len(),
                        line: quote_line,
                    });
                }
                // The last line had no line end.
                self.line += u64::from(!after_line_end);
                record.last_line = self.line;
                break;
            }
            // Inside a cell, everything up to the next byte that matters
            // is taken at once.
            let rest = &self.buf[self.start..self.end];
            let run = match state {
                State::Unquoted | State::Verbatim => span(rest, b','),
                State::Quoted => span(rest, b'"'),
                State::CellStart | State::QuoteInQuoted => 0,
            };
            if run > 0 {
                if long_start.is_none() {
                    let bytes = &self.buf[self.start..self.start + run];
                    record.bytes.extend_from_slice(bytes);
                }
                self.start += run;
                length += run as u64;
                prev_cr = false;
                after_line_end = false;
                if long_start.is_none() && length > MAX_ROW_BYTES as u64 {
                    long_start = Some(record.kept_start());
                    record.bytes = Vec::new();
                }
                if self.start == self.end {
                    continue; // read more
                }
                // Else the byte that ended the run comes next.
            }
            let b = self.buf[self.start];
            self.start += 1;
            let line_end = b == b'\n' || b == b'\r';
            if line_end && matches!(state, State::QuoteInQuoted) {
                state = State::Verbatim; // the quote closed the cell
            }
            if line_end && state != State::Quoted {
                if length == 0 {
                    // An empty line: not a record.
                    self.line += 1;
                    record.first_line = self.line + 1;
                    self.after_cr = b == b'\r';
                    self.skip_lf()?;
                    continue;
                }
                self.line += 1;
                record.last_line = self.line;
                self.after_cr = b == b'\r';
                break;
            }
            length += 1;
            if b == b'\n' && !prev_cr || b == b'\r' {
                self.line += 1; // a line end inside a quoted cell
            }
            prev_cr = b == b'\r';
            after_line_end = line_end;
            if long_start.is_none() && length > MAX_ROW_BYTES as u64 {
                long_start = Some(record.kept_start());
                record.bytes = Vec::new();
            }
            if state == State::CellStart && b == b'"' {
                quote_line = self.line + 1;
            }
            state = step(state, b, record, long_start.is_none(), &mut cell_start);
        }
        if let Some(start) = long_start {
            record.bytes.clear();
            record.ends.clear();
            if !matches!(record.flaw, Some(Flaw::Unclosed { .. })) {
                record.flaw = Some(Flaw::TooLong(LongRow {
                    bytes: length,
                    start,
                }));
            }
        } else {
            record.end_cell();
        }
        Ok(true)
    }
}

/// The bytes of `word` (eight, little-endian) that are `,`, `"`, CR or
/// LF: `0x80` in each such byte, zero elsewhere (exactly: no carries
/// between bytes).
fn special_bytes(word: u64) -> u64 {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zero = |x: u64| !(((x & LOW) + LOW) | x | LOW);
    let each = |byte: u8| u64::from_ne_bytes([byte; 8]);
    zero(word ^ each(b','))
        | zero(word ^ each(b'"'))
        | zero(word ^ each(b'\r'))
        | zero(word ^ each(b'\n'))
}

/// How many bytes at the start of `bytes` are neither `stop`, CR nor LF.
/// (Cells are short: a plain loop is quicker here than a vector search.)
fn span(bytes: &[u8], stop: u8) -> usize {
    bytes
        .iter()
        .position(|&b| b == stop || b == b'\r' || b == b'\n')
        .unwrap_or(bytes.len())
}

/// Reads byte `b` of a record in `state` (not a line end outside quotes)
/// and returns the next state; the cell's bytes go to `record` when `keep`.
/// `cell_start` is where the current quoted cell's text starts.
fn step(state: State, b: u8, record: &mut Record, keep: bool, cell_start: &mut usize) -> State {
    match (state, b) {
        (State::CellStart, b'"') => {
            *cell_start = record.bytes.len();
            State::Quoted
        }
        (State::CellStart | State::Unquoted | State::Verbatim | State::QuoteInQuoted, b',') => {
            if keep {
                record.end_cell();
            }
            State::CellStart
        }
        (State::CellStart | State::Unquoted, _) => {
            if keep {
                record.bytes.push(b);
            }
            State::Unquoted
        }
        (State::Quoted, b'"') => State::QuoteInQuoted,
        (State::QuoteInQuoted, b'"') => {
            if keep {
                record.bytes.push(b'"');
            }
            State::Quoted
        }
        (State::QuoteInQuoted, _) => {
            // `"acme"x`: keep the cell exactly as written.
            if keep {
                let text = record.bytes.split_off(*cell_start);
                record.bytes.push(b'"');
                for &t in &text {
                    if t == b'"' {
                        record.bytes.push(b'"');
                    }
                    record.bytes.push(t);
                }
                record.bytes.extend_from_slice(&[b'"', b]);
            }
            if record.flaw.is_none() {
                record.flaw = Some(Flaw::AfterQuote {
                    column: record.ends.len(),
                });
            }
            State::Verbatim
        }
        (State::Quoted | State::Verbatim, _) => {
            if keep {
                record.bytes.push(b);
            }
            state
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes per read, to cut the
    /// input at every place a read can end.
    struct Trickle<'a> {
        text: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.text.len());
            buf[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    fn lines(text: &[u8], step: usize) -> Vec<String> {
        let mut input = Input::new(Trickle { text, step });
        let mut out = Vec::new();
        loop {
            // Alternate the two ways in, as the fast path does.
            if let Some((n, range)) = input.next_digits() {
                assert_eq!(n.to_string().as_bytes(), &input.buf[range]);
                out.push(n.to_string());
                continue;
            }
            match input.next_line().unwrap() {
                Some(Line::Text(t)) => out.push(String::from_utf8_lossy(t).into_owned()),
                Some(Line::TooLong(long)) => out.push(format!("long {}", long.bytes)),
                None => break,
            }
        }
        assert_eq!(input.line, out.len() as u64);
        out
    }

    #[test]
    fn cr_lf_and_crlf_each_end_one_line() {
        let text = b"1\r22\n\r\n333\r\r\n4\n\n55";
        for step in 1..=text.len() {
            assert_eq!(
                lines(text, step),
                ["1", "22", "", "333", "", "4", "", "55"],
                "step {step}"
            );
        }
        // A CR-only file: as many rows as lines (it was one row).
        assert_eq!(lines(b"0\r10000\r15000\r", 7), ["0", "10000", "15000"]);
        assert_eq!(lines(b"", 1), Vec::<String>::new());
        assert_eq!(lines(b"\r", 1), [""]);
    }

    #[test]
    fn a_line_past_the_limit_is_skipped_not_kept() {
        let mut text = vec![b'7'; MAX_ROW_BYTES];
        text.extend_from_slice(b"\r\n");
        text.extend(std::iter::repeat_n(b'8', 3 * MAX_ROW_BYTES));
        text.extend_from_slice(b"\n9");
        let expected = [
            "7".repeat(MAX_ROW_BYTES),
            format!("long {}", 3 * MAX_ROW_BYTES),
            "9".to_owned(),
        ];
        assert_eq!(lines(&text, CHUNK), expected);
        assert_eq!(lines(&text, 100_000), expected);
        let mut input = Input::new(&text[MAX_ROW_BYTES + 2..]);
        match input.next_line().unwrap() {
            Some(Line::TooLong(long)) => assert_eq!(long.start, vec![b'8'; KEPT_OF_LONG_ROW]),
            other => panic!("{other:?}"),
        }
        // The buffer never held the long line whole.
        assert!(input.buf.len() <= MAX_ROW_BYTES + CHUNK);
    }

    #[test]
    fn a_record_past_the_limit_is_quoted_with_its_commas() {
        // `a,b,,` then a cell of 2 MiB: the error shows `a,b,,999…`, the
        // cells as the line separated them, not `ab999…`.
        let mut text = b"a,\"b\",,".to_vec();
        text.extend(std::iter::repeat_n(b'9', 2 * MAX_ROW_BYTES));
        text.extend_from_slice(b"\nc,d\n");
        let mut input = Input::new(&text[..]);
        let mut record = Record::default();
        assert!(input.next_record(&mut record).unwrap());
        let mut want = b"a,b,,".to_vec();
        want.resize(KEPT_OF_LONG_ROW, b'9');
        match &record.flaw {
            Some(Flaw::TooLong(long)) => assert_eq!(long.start, want),
            other => panic!("{other:?}"),
        }
        assert!(input.next_record(&mut record).unwrap());
        assert_eq!(record.iter().collect::<Vec<_>>(), [b"c", b"d"]);
    }

    fn begin(text: &[u8], step: usize) -> (u64, String, u64) {
        let mut input = Input::new(Trickle { text, step });
        let (blank, first) = input.begin().unwrap();
        let first = String::from_utf8_lossy(first).into_owned();
        (blank, first, input.line)
    }

    #[test]
    fn begin_counts_blank_lines_and_keeps_the_first_line() {
        for step in 1..8 {
            assert_eq!(begin(b"", step), (0, String::new(), 0));
            assert_eq!(begin(b"\xEF\xBB\xBF", step), (0, String::new(), 0));
            assert_eq!(begin(b" \r\n\t\n\r  ", step), (4, String::new(), 4));
            assert_eq!(
                begin(b"\xEF\xBB\xBF\r\n\n  plan,sent\r1", step),
                (2, "  plan,sent".to_owned(), 2)
            );
            assert_eq!(begin(b"\r\r\r5", step), (3, "5".to_owned(), 3));
        }
    }

    #[test]
    fn leading_blank_lines_are_counted_not_buffered() {
        // 8 MB of blank lines: counted as they go, never held (nor rescanned).
        let text = vec![b'\n'; 8 << 20];
        let mut input = Input::new(&text[..]);
        assert_eq!(input.begin().unwrap().0, 8 << 20);
        assert!(input.buf.len() <= CHUNK);
    }

    /// The records of `text`, each as its cells joined by `|`, its lines
    /// and its flaw.
    fn records(text: &[u8], step: usize) -> Vec<(String, u64, u64, Option<Flaw>)> {
        records_with(text, step, true)
    }

    /// [`records`], with or without the one-pass reading of plain lines.
    fn records_with(
        text: &[u8],
        step: usize,
        plain_lines: bool,
    ) -> Vec<(String, u64, u64, Option<Flaw>)> {
        let mut input = Input::new(Trickle { text, step });
        input.plain_lines = plain_lines;
        let mut record = Record::default();
        let mut out = Vec::new();
        while input.next_record(&mut record).unwrap() {
            let cells: Vec<String> = record
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            out.push((
                cells.join("|"),
                record.first_line,
                record.last_line,
                record.flaw.clone(),
            ));
        }
        out
    }

    #[test]
    fn csv_records_quotes_and_line_ends() {
        let text = b"a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\r\n\n\"two\r\nlines\",\rlast,\"\"";
        for step in 1..=text.len() {
            assert_eq!(
                records(text, step),
                [
                    ("a|b".to_owned(), 1, 1, None),
                    ("x,1|say \"hi\"".to_owned(), 2, 2, None),
                    // Line 3 is empty: not a record.
                    ("two\r\nlines|".to_owned(), 4, 5, None),
                    ("last|".to_owned(), 6, 6, None),
                ],
                "step {step}"
            );
        }
        // A quote inside an unquoted cell is kept as written.
        assert_eq!(records(b"ab\"c,d", 3)[0].0, "ab\"c|d");
    }

    #[test]
    fn text_after_a_closing_quote_is_kept_verbatim_and_flagged() {
        let got = records(b"id,n\n\"acme\"x,5\n\"a\"\"b\"c\"d,6\n", 4);
        assert_eq!(got[1].0, "\"acme\"x|5");
        assert_eq!(got[1].3, Some(Flaw::AfterQuote { column: 0 }));
        assert_eq!(got[2].0, "\"a\"\"b\"c\"d|6");
        assert_eq!(got[2].3, Some(Flaw::AfterQuote { column: 0 }));
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end_and_says_where_it_began() {
        // Four lines after the header; the quote opens on line 3.
        let text = b"id,n\r\na,1\r\nb,\"2\r\nc,3\r\nd,4\r\n";
        for step in 1..=text.len() {
            let got = records(text, step);
            assert_eq!(got.len(), 3, "step {step}");
            assert_eq!(got[1], ("a|1".to_owned(), 2, 2, None));
            assert_eq!(
                (got[2].1, got[2].2, got[2].3.clone()),
                (3, 5, Some(Flaw::Unclosed { column: 1, line: 3 }))
            );
        }
        // Without a final line end, the last line still counts.
        let got = records(b"id\n\"x\ny", 1);
        assert_eq!((got[1].1, got[1].2), (2, 3));
    }

    #[test]
    fn a_record_past_the_limit_is_skipped_with_its_length() {
        let mut text = b"id,n\n\"".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_ROW_BYTES));
        text.extend_from_slice(b"\n\",1\nz,2\n");
        let got = records(&text, CHUNK);
        assert_eq!(got.len(), 3);
        match &got[1] {
            (cells, 2, 3, Some(Flaw::TooLong(long))) => {
                assert!(cells.is_empty());
                // The quote, the x's, the LF, the quote, `,1`.
                assert_eq!(long.bytes, MAX_ROW_BYTES as u64 + 5);
                assert_eq!(long.start, vec![b'x'; KEPT_OF_LONG_ROW]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(got[2], ("z|2".to_owned(), 4, 4, None));
    }

    proptest::proptest! {
        /// The one-pass reading of quote-free lines gives the records the
        /// state machine gives, whatever the bytes and however they
        /// arrive.
        #[test]
        fn plain_lines_read_as_the_state_machine_reads_them(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"ab,,,\"\r\n 1\0\x80\xac\xa2\x8a\x8d\xff\x0b\x7f".to_vec()), 0..300),
            step in 1usize..80,
        ) {
            proptest::prop_assert_eq!(
                records_with(&bytes, step, true),
                records_with(&bytes, step, false)
            );
        }
    }
}
