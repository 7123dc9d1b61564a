//! Meta's list rates, in either layout: the Market, Currency and category
//! columns, one rate per market and category, exact at the scale written.

use std::collections::HashMap;

use super::cells::{Row, column, is_market_key, key, parse_rate, required_columns};
use super::files::{CardFile, Ctx, MarketRates, RatesFile, SourceFormat, check_currency};
use rust_decimal::Decimal;

use super::category::Category;
use super::error::CardError;
use super::names;

// ---------------------------------------------------------------- rates (both layouts)

/// The Market and Currency columns and one optional column per category
/// (marketing, utility and authentication are required).
pub(super) type RateColumns = (usize, usize, [Option<usize>; 5]);

pub(super) fn rate_columns(label: &str, header: &Row) -> Result<RateColumns, Vec<CardError>> {
    let Some(market) = header.cells.iter().position(|c| is_market_key(&key(c))) else {
        return Err(vec![CardError::at(
            label,
            header.line,
            "the header has no Market column",
        )]);
    };
    let [currency, marketing, utility, authentication] = required_columns(
        label,
        header,
        ["currency", "marketing", "utility", "authentication"],
    )?;
    let optional = |name| column(header, name);
    Ok((
        market,
        currency,
        [
            Some(marketing),
            Some(utility),
            Some(authentication),
            optional("authenticationinternational"),
            optional("service"),
        ],
    ))
}

/// The rate cells of one market row; bad cells go to `errors`.
pub(super) fn row_rates(
    label: &str,
    row: &Row,
    name: &str,
    cols: &[Option<usize>; 5],
    errors: &mut Vec<CardError>,
) -> [Option<Decimal>; 5] {
    let mut rates = [None; 5];
    for (slot, (category, col)) in rates.iter_mut().zip(Category::ALL.iter().zip(cols)) {
        let Some(col) = col else { continue };
        let what = format!("{name} {category} rate");
        match parse_rate(label, row.line, &what, row.cell(*col)).map_err(|e| e.in_cell(*col)) {
            Ok(rate) => *slot = rate,
            Err(e) => errors.push(e),
        }
    }
    rates
}

pub(super) fn parse_rates(
    ctx: Ctx<'_>,
    header: &Row,
    data: &[&Row],
) -> Result<CardFile, Vec<CardError>> {
    let label = ctx.label;
    let (market_col, currency_col, cols) = rate_columns(label, header)?;
    let width = cols
        .iter()
        .flatten()
        .copied()
        .chain([market_col, currency_col])
        .max()
        .unwrap_or(0)
        + 1;
    let origin = match ctx.format {
        SourceFormat::MetaOriginal => "from the title row",
        SourceFormat::Normalized => "from the first data row",
    };
    let mut currency = ctx.currency;
    let mut errors = Vec::new();
    let mut markets: Vec<MarketRates> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for row in data {
        let name = row.cell(market_col);
        if name.is_empty() {
            errors.push(
                CardError::at(label, row.line, "the row has no market name").in_cell(market_col),
            );
            continue;
        }
        if row.cells.len() < width {
            errors.push(CardError::at(
                label,
                row.line,
                format!(
                    "{name}: the row has {} cells, the header {width}; the row looks cut short",
                    row.cells.len()
                ),
            ));
            continue;
        }
        if let Some(first) = seen.insert(names::normalize(name), row.line) {
            errors.push(
                CardError::at(
                    label,
                    row.line,
                    format!("market {name} appears twice (also on line {first})"),
                )
                .in_cell(market_col),
            );
            continue;
        }
        if let Err(e) = check_currency(label, row, currency_col, &mut currency, origin) {
            errors.push(e);
            continue;
        }
        let rates = row_rates(label, row, name, &cols, &mut errors);
        markets.push(MarketRates {
            name: name.to_owned(),
            rates,
            line: row.line,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(currency) = currency else {
        return Err(vec![CardError::file(
            label,
            "no data rows; the file looks truncated",
        )]);
    };
    Ok(CardFile::Rates(RatesFile {
        label: label.to_owned(),
        format: ctx.format,
        currency,
        effective: ctx.effective,
        provenance: ctx.provenance,
        markets,
    }))
}
