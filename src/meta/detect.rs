//! Format detection: what kind of file this is. Meta's Excel workbook
//! (told by its content), Meta's rates or volume-tiers CSV as downloaded
//! (title row), or a normalized rates, tiers or mapping file (`#` comment
//! lines or a `market`/`iso2` header). File names never matter; the
//! layouts' own modules read the rest.

use super::cells::{Row, key, read_rows};
use super::error::CardError;
use super::files::CardFile;
use super::{normalized, original, xlsx};

/// Reads one file and tells what it is: Meta's rates or volume-tiers CSV as
/// downloaded, a normalized rates or tiers file, or the market mapping.
///
/// # Errors
///
/// The first problem found, with the file label and line. Use
/// `RateBook::from_files` to get all of them.
pub fn parse_card_file(label: &str, text: &str) -> Result<CardFile, CardError> {
    parse_all(label, text).map_err(|errors| {
        errors
            .into_iter()
            .next()
            .unwrap_or_else(|| CardError::file(label, "the file could not be read as a rate card"))
    })
}

/// Reads one file's bytes: Meta's Excel workbook (told by its content,
/// see [`xlsx`]), which may hold more than one card sheet, or a text file
/// for [`parse_all`]. Never returns an empty list.
pub(super) fn parse_data(label: &str, data: &[u8]) -> Vec<Result<CardFile, Vec<CardError>>> {
    if xlsx::is_workbook(data) {
        return xlsx::parse_workbook(label, data);
    }
    match std::str::from_utf8(data) {
        Ok(text) => vec![parse_all(label, text)],
        Err(_) => vec![Err(vec![CardError::file(
            label,
            "is neither UTF-8 text nor an Excel workbook (.xlsx); expected Meta's rates or volume-tiers file as downloaded (CSV or .xlsx), or the market mapping",
        )])],
    }
}

/// Like [`parse_card_file`], but reports every problem in the file. Never
/// returns an empty error list.
pub(super) fn parse_all(label: &str, text: &str) -> Result<CardFile, Vec<CardError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(first) = text.lines().find(|l| !l.trim().is_empty()) else {
        return Err(vec![CardError::file(
            label,
            "the file is empty; expected a Meta rates or volume-tiers CSV, or the market mapping",
        )]);
    };
    if first.trim_start().starts_with('#') {
        let comments: Vec<(u64, String)> = (1_u64..)
            .zip(text.lines().map(str::trim))
            .take_while(|(_, l)| l.is_empty() || l.starts_with('#'))
            .filter(|(_, l)| !l.is_empty())
            .map(|(n, l)| (n, l.trim_start_matches('#').trim().to_owned()))
            .collect();
        let rows = read_rows(label, text, true).map_err(|e| vec![e])?;
        return normalized::parse_normalized(label, &rows, comments);
    }
    let rows = read_rows(label, text, false).map_err(|e| vec![e])?;
    let Some(head) = rows.first() else {
        return Err(vec![CardError::file(label, "the file has no CSV records")]);
    };
    if head
        .cell(0)
        .to_ascii_lowercase()
        .contains("cost per message")
    {
        return original::parse_original(label, &rows);
    }
    if is_normalized_header(head) {
        return normalized::parse_normalized(label, &rows, Vec::new());
    }
    Err(vec![CardError::at(
        label,
        head.line,
        format!(
            "cannot tell what this file is: expected Meta's title row (\"Cost per message in USD on the WhatsApp Business Platform, effective April 1, 2026\"), \
             or `#` comment lines followed by a header such as `market,currency,marketing,utility,authentication,authentication_international,service`; found `{}`",
            head.cells.join(",")
        ),
    )])
}

pub(super) fn is_normalized_header(row: &Row) -> bool {
    let first = key(row.cell(0));
    first == "market" || first == "iso2"
}
