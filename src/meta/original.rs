//! Meta's own layout, as downloaded: the title row (currency and
//! effective date), Meta's notes, then the header row. Which of list rates
//! or volume tiers the file holds is read from the header.

use super::cells::{Row, column, is_market_key, key, squash};
use super::error::CardError;
use super::files::{CardFile, Ctx, SourceFormat};
use super::{rates, tiers};
use crate::calendar::Date;
use crate::money::Currency;

// ---------------------------------------------------------------- Meta's own files

/// Currency and effective date from Meta's title row.
pub(super) fn parse_title(label: &str, row: &Row) -> Result<(Currency, Date), CardError> {
    let title = squash(row.cell(0));
    let lower = title.to_ascii_lowercase();
    let example = "expected a title like \"Cost per message in USD on the WhatsApp Business Platform, effective April 1, 2026\"";
    let currency_text = lower
        .find("cost per message in ")
        .and_then(|at| {
            title[at + "cost per message in ".len()..]
                .split_whitespace()
                .next()
        })
        .ok_or_else(|| {
            CardError::at(
                label,
                row.line,
                format!("no currency in the title row `{title}`; {example}"),
            )
        })?;
    let currency = Currency::from_code(currency_text).ok_or_else(|| {
        CardError::at(
            label,
            row.line,
            format!(
                "`{currency_text}` in the title row is not an ISO 4217 currency code; {example}"
            ),
        )
    })?;
    let date_text = lower
        .find("effective ")
        .map(|at| &title[at + "effective ".len()..])
        .map(|rest| {
            rest.split(" - ")
                .next()
                .unwrap_or(rest)
                .trim()
                .trim_end_matches('.')
        })
        .ok_or_else(|| {
            CardError::at(
                label,
                row.line,
                format!("no effective date in the title row `{title}`; {example}"),
            )
        })?;
    let effective = Date::parse_long(date_text).ok_or_else(|| {
        CardError::at(
            label,
            row.line,
            format!(
                "`{date_text}` in the title row is not a date like \"April 1, 2026\"; {example}"
            ),
        )
    })?;
    Ok((currency, effective))
}

/// Meta's own layout: `rows[0]` is the title row.
pub(super) fn parse_original(label: &str, rows: &[Row]) -> Result<CardFile, Vec<CardError>> {
    let (currency, effective) = parse_title(label, &rows[0]).map_err(|e| vec![e.in_cell(0)])?;
    let Some(header_at) = rows.iter().position(|r| is_market_key(&key(r.cell(0)))) else {
        return Err(vec![CardError::file(
            label,
            "no header row starting with `Market` after the title; the file looks truncated",
        )]);
    };
    let header = &rows[header_at];
    // The title and Meta's notes (first cell filled); the tiers file's
    // category and sub-header rows start with an empty cell and are left out.
    let provenance: Vec<String> = rows[..header_at]
        .iter()
        .filter(|r| !r.cell(0).is_empty())
        .map(|r| {
            r.cells
                .iter()
                .map(|c| squash(c))
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let data: Vec<&Row> = rows[header_at + 1..]
        .iter()
        .filter(|r| !r.is_blank())
        .collect();
    if data.is_empty() {
        return Err(vec![CardError::at(
            label,
            header.line,
            "no data rows after the header; the file looks truncated",
        )]);
    }
    let ctx = Ctx {
        label,
        format: SourceFormat::MetaOriginal,
        currency: Some(currency),
        effective,
        provenance,
    };
    if column(header, "from").is_some() {
        tiers::parse_original_tiers(&ctx, &rows[1..header_at], header, &data)
    } else if column(header, "marketing").is_some() {
        rates::parse_rates(ctx, header, &data)
    } else {
        Err(vec![CardError::at(
            label,
            header.line,
            "the header has neither rate columns (Marketing, Utility, ...) nor tier columns (From, To, Rate)",
        )])
    }
}
