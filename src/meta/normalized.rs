//! The normalized layout: `#` comment lines on top (one of them `#
//! Effective date: YYYY-MM-DD`), then one row per market (rates), per tier
//! (tiers) or per mapping change. Which one is read from the header.

use std::str::FromStr;

use super::category::Category;
use super::cells::{Row, column, key, parse_count, required_columns};
use super::error::CardError;
use super::files::{CardFile, Ctx, SourceFormat, check_currency};
use super::tiers::{TierCollector, TierColumns, finish_tiers, tier_from_row};
use super::{mapping, rates};
use crate::calendar::Date;

// ---------------------------------------------------------------- normalized files

pub(super) fn parse_normalized(
    label: &str,
    rows: &[Row],
    comments: Vec<(u64, String)>,
) -> Result<CardFile, Vec<CardError>> {
    let Some(header_at) = rows.iter().position(|r| !r.is_blank()) else {
        return Err(vec![CardError::file(
            label,
            "only comments, no header row; the file looks truncated",
        )]);
    };
    let header = &rows[header_at];
    let data: Vec<&Row> = rows[header_at + 1..]
        .iter()
        .filter(|r| !r.is_blank())
        .collect();
    let keys: Vec<String> = header.cells.iter().map(|c| key(c)).collect();
    let has = |k: &str| keys.iter().any(|c| c == k);
    let kind = if has("iso2") && has("effectivefrom") {
        let comments = comments.into_iter().map(|(_, c)| c).collect();
        return mapping::parse_mapping(label, header, &data, comments).map(CardFile::Mapping);
    } else if has("category") && has("from") {
        "tiers"
    } else if has("marketing") {
        "rates"
    } else {
        return Err(vec![CardError::at(
            label,
            header.line,
            format!(
                "unrecognised header `{}`; expected `market,currency,marketing,utility,authentication,authentication_international,service`, \
                 `market,currency,category,tier,from,to,rate,discount_vs_list` or `iso2,country,calling_code,effective_from,market`",
                header.cells.join(",")
            ),
        )]);
    };
    if data.is_empty() {
        return Err(vec![CardError::at(
            label,
            header.line,
            "no data rows after the header; the file looks truncated",
        )]);
    }
    let effective = effective_from_comments(label, &comments).map_err(|e| vec![e])?;
    let comments: Vec<String> = comments.into_iter().map(|(_, c)| c).collect();
    let ctx = Ctx {
        label,
        format: SourceFormat::Normalized,
        currency: None,
        effective,
        provenance: comments,
    };
    if kind == "rates" {
        rates::parse_rates(ctx, header, &data)
    } else {
        parse_normalized_tiers(ctx, header, &data)
    }
}

pub(super) fn effective_from_comments(
    label: &str,
    comments: &[(u64, String)],
) -> Result<Date, CardError> {
    let found = comments.iter().find_map(|(line, c)| {
        c.to_ascii_lowercase()
            .starts_with("effective date:")
            .then(|| (*line, c["effective date:".len()..].trim()))
    });
    let Some((line, rest)) = found else {
        return Err(CardError::file(
            label,
            "no `# Effective date: YYYY-MM-DD` comment line; add one above the header",
        ));
    };
    let token = rest
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_end_matches(['.', ',', ';']);
    token.parse().map_err(|e| {
        CardError::at(
            label,
            line,
            format!("in the `# Effective date:` comment: {e}"),
        )
    })
}

/// A tiered category named in a cell.
pub(super) fn tier_category(label: &str, line: u64, cell: &str) -> Result<Category, CardError> {
    match Category::from_str(cell) {
        Ok(c) if c.has_volume_tiers() => Ok(c),
        Ok(c) => Err(CardError::at(
            label,
            line,
            format!(
                "{c} messages have no volume tiers; tiers are for utility, authentication and authentication-international"
            ),
        )),
        Err(e) => Err(CardError::at(label, line, e.to_string())),
    }
}

pub(super) fn parse_normalized_tiers(
    ctx: Ctx<'_>,
    header: &Row,
    data: &[&Row],
) -> Result<CardFile, Vec<CardError>> {
    let label = ctx.label;
    let [market_col, currency_col, category_col, from, to, rate] = required_columns(
        label,
        header,
        ["market", "currency", "category", "from", "to", "rate"],
    )?;
    let tier_col = column(header, "tier");
    let cols = TierColumns {
        from,
        to,
        rate,
        discount: column(header, "discountvslist"),
    };
    let mut currency = None;
    let mut errors = Vec::new();
    let mut collector = TierCollector::default();
    for row in data {
        let market = row.cell(market_col);
        let parsed = (|| {
            if market.is_empty() {
                return Err(CardError::at(label, row.line, "the row has no market name"));
            }
            check_currency(
                label,
                row,
                currency_col,
                &mut currency,
                "from the first data row",
            )?;
            let category = tier_category(label, row.line, row.cell(category_col))?;
            let what = format!("{market} {category}");
            let ordinal = tier_col
                .map(|c| parse_count(label, row.line, &format!("{what} tier number"), row.cell(c)))
                .transpose()?;
            let tier = tier_from_row(label, row, &what, cols)?;
            Ok((category, ordinal, tier))
        })();
        match parsed {
            Ok((category, ordinal, tier)) => {
                collector.push(market, category, row.line, ordinal, tier);
            }
            Err(e) => errors.push(e),
        }
    }
    let ctx = Ctx { currency, ..ctx };
    finish_tiers(&ctx, collector, errors)
}
