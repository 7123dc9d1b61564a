//! Cell parsing helpers shared by every layout: the grid of text cells a
//! CSV file (or a workbook sheet, see `xlsx`) becomes, header keys,
//! `n/a`, thousands separators, message counts and exact rates.

use rust_decimal::Decimal;

use super::error::CardError;
use crate::money;

/// A CSV record and the line it starts on.
pub(super) struct Row {
    pub(super) line: u64,
    pub(super) cells: Vec<String>,
}

impl Row {
    pub(super) fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", |c| c.trim())
    }

    pub(super) fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Reads every record as strings. Lines are physical lines of `text`,
/// counted from the record's byte offset (the csv crate does not count line
/// breaks inside quoted cells, such as Meta's two-line header cells).
pub(super) fn read_rows(label: &str, text: &str, comments: bool) -> Result<Vec<Row>, CardError> {
    let breaks: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let bytes = text.as_bytes();
    let line_at = |byte: u64| -> u64 {
        let mut byte = usize::try_from(byte).unwrap_or(usize::MAX);
        // After a CRLF record the csv crate reports the `\n` as the start
        // of the next record: step over line terminators.
        // Skipped `#` comment lines are reported the same way.
        loop {
            match bytes.get(byte) {
                Some(b'\r' | b'\n') => byte += 1,
                Some(b'#') if comments => {
                    byte = bytes[byte..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(bytes.len(), |at| byte + at);
                }
                _ => break,
            }
        }
        // Line breaks strictly before the offset, plus one.
        u64::try_from(breaks.partition_point(|&b| b < byte)).map_or(u64::MAX, |n| n + 1)
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(comments.then_some(b'#'))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CardError {
            file: label.to_owned(),
            line: e.position().map(|p| line_at(p.byte())),
            cell: None,
            message: format!("not valid CSV: {e}"),
        })?;
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        rows.push(Row {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    Ok(rows)
}

/// A header cell reduced to lowercase letters and digits, so that
/// `"Authentication-\nInternational"`, `authentication_international` and
/// `Authentication-International` compare equal.
pub(super) fn key(cell: &str) -> String {
    cell.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whitespace (including line breaks) collapsed to single spaces.
pub(super) fn squash(cell: &str) -> String {
    cell.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn is_market_key(k: &str) -> bool {
    k.starts_with("market") && !k.starts_with("marketing")
}

pub(super) fn is_na(cell: &str) -> bool {
    cell.is_empty() || cell.eq_ignore_ascii_case("n/a")
}

/// Finds a column by its key; the first match wins.
pub(super) fn column(header: &Row, name: &str) -> Option<usize> {
    header.cells.iter().position(|c| key(c) == name)
}

// ---------------------------------------------------------------- numbers

/// Strips thousands separators, accepting only well-formed groups
/// (`1,000,000`, not `1,00,0`).
pub(super) fn ungroup(text: &str) -> Option<String> {
    if !text.contains(',') {
        return Some(text.to_owned());
    }
    let (int, frac) = text
        .split_once('.')
        .map_or((text, None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |rest| ("-", rest));
    let mut groups = digits.split(',');
    let first = groups.next()?;
    let ok_first = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
    let ok_rest = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    if !(ok_first && ok_rest) {
        return None;
    }
    let mut out = format!("{sign}{}", digits.replace(',', ""));
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

/// A message count: digits, optionally grouped (`"100,001"`).
pub(super) fn parse_count(
    label: &str,
    line: u64,
    what: &str,
    cell: &str,
) -> Result<u64, CardError> {
    ungroup(cell)
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| {
            CardError::at(
                label,
                line,
                format!("{what} `{cell}` is not a message count; write a whole number such as 100000 or \"100,000\""),
            )
        })
}

/// A rate cell: `None` for `n/a` or empty, else an exact non-negative
/// decimal at the scale written.
pub(super) fn parse_rate(
    label: &str,
    line: u64,
    what: &str,
    cell: &str,
) -> Result<Option<Decimal>, CardError> {
    if is_na(cell) {
        return Ok(None);
    }
    let bad = |why: String| CardError::at(label, line, format!("{what}: {why}"));
    let plain = ungroup(cell).ok_or_else(|| {
        bad(format!(
            "`{cell}` has misplaced thousands separators; write e.g. 1,234.5678 or 1234.5678"
        ))
    })?;
    let rate = money::parse_exact(&plain).map_err(|e| bad(e.replace(&plain, cell)))?;
    if rate.is_sign_negative() && !rate.is_zero() {
        return Err(bad(format!(
            "`{cell}` is negative; rates cannot be negative"
        )));
    }
    Ok(Some(rate))
}

/// Finds required columns by name, or says which are missing.
pub(super) fn required_columns<const N: usize>(
    label: &str,
    header: &Row,
    names: [&str; N],
) -> Result<[usize; N], Vec<CardError>> {
    let cols = names.map(|n| column(header, n));
    let missing: Vec<&str> = names
        .iter()
        .zip(&cols)
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| *n)
        .collect();
    if missing.is_empty() {
        Ok(cols.map(Option::unwrap_or_default))
    } else {
        Err(vec![CardError::at(
            label,
            header.line,
            format!("the header has no {} column", missing.join(", ")),
        )])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ungroups_thousands() {
        assert_eq!(ungroup("100,001").as_deref(), Some("100001"));
        assert_eq!(ungroup("1,000,000").as_deref(), Some("1000000"));
        assert_eq!(ungroup("1,234.5678").as_deref(), Some("1234.5678"));
        assert_eq!(ungroup("0.0260").as_deref(), Some("0.0260"));
        assert_eq!(ungroup("1,00,000"), None);
        assert_eq!(ungroup(",100"), None);
        assert_eq!(ungroup("1000,"), None);
    }

    #[test]
    fn keys_ignore_case_punctuation_and_line_breaks() {
        assert_eq!(
            key("Authentication-\nInternational"),
            "authenticationinternational"
        );
        assert_eq!(
            key("authentication_international"),
            "authenticationinternational"
        );
        assert!(is_market_key(&key("Market\n(per rate card)")));
        assert!(!is_market_key(&key("Marketing")));
    }

    #[test]
    fn rates_keep_their_scale_and_reject_bad_cells() {
        let rate = parse_rate("f", 3, "x", "0.0260").unwrap().unwrap();
        assert_eq!(rate.to_string(), "0.0260");
        assert_eq!(parse_rate("f", 3, "x", "n/a").unwrap(), None);
        assert_eq!(parse_rate("f", 3, "x", "N/A").unwrap(), None);
        assert_eq!(parse_rate("f", 3, "x", "").unwrap(), None);
        let err = parse_rate("f", 3, "India utility rate", "0.0o14").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("India utility rate"), "{err}");
        assert!(err.message.contains("`0.0o14`"), "{err}");
        assert!(parse_rate("f", 3, "x", "-0.01").is_err());
        assert!(parse_count("f", 1, "x", "1.5").is_err());
        assert!(parse_count("f", 1, "x", "-1").is_err());
        assert_eq!(
            parse_count("f", 1, "x", "\"100,001\"".trim_matches('"')).unwrap(),
            100_001
        );
    }
}
