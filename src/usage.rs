//! Usage: what a customer consumed in one month, as validated input to the
//! engine. Parsing of counts, amounts and `CATEGORY:MARKET=COUNT` specs
//! lives here so the command line and batch rows share one set of rules
//! and one set of messages.

use rust_decimal::Decimal;

use std::sync::Arc;

use crate::calendar::Month;
use crate::meta::Category;
use crate::money;
use crate::plan::Unit;

/// One month of usage for one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// Notifications sent or conversations held, with which of the two it is
    /// (`None` when the user gave no unit, e.g. a bare count on stdin: the
    /// plan's own unit applies).
    pub unit: Option<Unit>,
    /// The count of units.
    pub count: u64,
    /// Meta charges to pass through (Direct plans only).
    pub meta: MetaUsage,
    /// Overrides the plan's markup percentage for this quote.
    pub markup_percent: Option<Decimal>,
    /// The billing month, which picks the Meta rate card.
    pub month: Month,
}

/// How Meta's charges are given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MetaUsage {
    /// No Meta charges on this bill.
    #[default]
    None,
    /// An amount read off WhatsApp Manager, passed through as is.
    Amount(Decimal),
    /// Delivered message counts, priced against the rate card in force.
    Messages(Vec<MetaCount>),
}

/// Delivered messages of one category to one market.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaCount {
    /// Pricing category.
    pub category: Category,
    /// Market, country name or ISO code as typed (`IN`, `India`, `Other`);
    /// shared, since a batch repeats its column's market on every row.
    pub market: Arc<str>,
    /// Messages delivered in the month.
    pub count: u64,
}

/// Parses a count of units: a whole number, zero or more, optionally
/// grouped with `,` or `_` (`15,000`).
///
/// # Errors
///
/// Says what was wrong (empty, negative, fractional, not a number, too
/// large) and what a count looks like.
pub fn parse_count(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    if let Some(count) = parse_digits(trimmed.as_bytes()) {
        return Ok(count);
    }
    if trimmed.is_empty() {
        return Err("the count is empty; expected a whole number such as 15000".to_owned());
    }
    let digits: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ',' | '_'))
        .collect();
    let grouped_well = trimmed == digits || is_grouped(trimmed);
    if digits.starts_with('-') && money::parse_exact(&digits).is_ok() {
        return Err(format!("`{trimmed}` is negative; a count is zero or more"));
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && grouped_well {
        return digits.parse::<u64>().map_err(|_| {
            format!(
                "`{trimmed}` is too large; a count is at most {}",
                money::group_count(u64::MAX)
            )
        });
    }
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "`{trimmed}` has misplaced digit separators; write {digits} or group by thousands"
        ));
    }
    if money::parse_exact(&digits).is_ok() {
        return Err(format!(
            "`{trimmed}` is not a whole number; counts are whole messages, e.g. 15000"
        ));
    }
    Err(format!(
        "`{trimmed}` is not a count; expected a whole number such as 15000 or 15,000"
    ))
}

/// The common case of a count, parsed without allocating: 1 to 19 ASCII
/// digits (always below `u64::MAX`), nothing else; `None` for any other
/// text, which [`parse_count`] then reads or explains.
#[must_use]
pub fn parse_digits(text: &[u8]) -> Option<u64> {
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let mut count = 0u64;
    for &b in text {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        count = count * 10 + u64::from(digit);
    }
    Some(count)
}

/// `15,000` or `1_000_000`: groups of three after the first, one separator kind.
fn is_grouped(text: &str) -> bool {
    let separator = if text.contains(',') { ',' } else { '_' };
    let mut groups = text.split(separator);
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses an amount of money or a percentage given by the user: exact, zero
/// or more.
///
/// # Errors
///
/// Says what was wrong and what an amount looks like.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    // As WhatsApp Manager shows it: `$1,234.56` is 1234.56.
    let bare = text.trim().trim_start_matches('$');
    let (whole, fraction) = bare
        .split_once('.')
        .map_or((bare, None), |(w, f)| (w, Some(f)));
    let ungrouped;
    let bare = if whole.contains(',') && is_grouped(whole.trim_start_matches(['-', '+'])) {
        ungrouped = format!(
            "{}{}",
            whole.replace(',', ""),
            fraction.map(|f| format!(".{f}")).unwrap_or_default()
        );
        ungrouped.as_str()
    } else {
        bare
    };
    let amount = money::parse_exact(bare).map_err(|m| {
        if text.contains(',') {
            format!("{m}; group thousands with commas only in threes, e.g. 1,234.56")
        } else {
            m
        }
    })?;
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(format!(
            "`{}` is negative; expected zero or more",
            text.trim()
        ));
    }
    Ok(amount)
}

/// Parses `CATEGORY:MARKET=COUNT`, e.g. `marketing:IN=20000` or
/// `utility:Rest of Latin America=500`.
///
/// # Errors
///
/// Says which part is missing or wrong and shows the expected shape.
pub fn parse_meta_spec(text: &str) -> Result<MetaCount, String> {
    const SHAPE: &str = "expected CATEGORY:MARKET=COUNT, e.g. marketing:IN=20000";
    let (key, count) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("there is no `=COUNT`; {SHAPE}"))?;
    let (category, market) = parse_meta_key(key)?;
    let count = parse_count(count)?;
    Ok(MetaCount {
        category,
        market,
        count,
    })
}

/// Parses the `CATEGORY:MARKET` part (also a batch column header).
///
/// # Errors
///
/// Says which half is missing, or that the category is unknown (with the
/// closest category).
pub fn parse_meta_key(key: &str) -> Result<(Category, Arc<str>), String> {
    let (category, market) = key.split_once(':').ok_or(
        "there is no `:` between category and market (CATEGORY:MARKET, e.g. marketing:IN)",
    )?;
    let (category, market) = (category.trim(), market.trim());
    if category.is_empty() {
        return Err("the category is empty".to_owned());
    }
    if market.is_empty() {
        return Err("the market is empty".to_owned());
    }
    let category = category.parse::<Category>().map_err(|e| {
        let hint = crate::suggest::closest(category, Category::ALL.map(Category::name))
            .map(|c| format!(" (did you mean {c}?)"))
            .unwrap_or_default();
        format!("{e}{hint}")
    })?;
    Ok((category, market.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(parse_count("15000"), Ok(15_000));
        assert_eq!(parse_count(" 15,000\n"), Ok(15_000));
        assert_eq!(parse_count("1_000_000"), Ok(1_000_000));
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            parse_digits(b"9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(parse_digits(b"18446744073709551615"), None);
        assert_eq!(parse_digits(b"15,000"), None);
        assert_eq!(parse_digits(b""), None);
        let cases = [
            ("", "empty"),
            ("-5", "negative"),
            ("15000.5", "not a whole number"),
            ("1e3", "not a whole number"),
            ("abc", "not a count"),
            ("1,50,000", "misplaced digit separators"),
            ("18446744073709551616", "too large"),
            ("99999999999999999999999999999999", "too large"),
        ];
        for (text, expected) in cases {
            let err = parse_count(text).unwrap_err();
            assert!(err.contains(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn amounts_are_exact_and_not_negative() {
        assert_eq!(parse_amount("12.50").unwrap().to_string(), "12.50");
        assert_eq!(parse_amount("$1,234.56").unwrap().to_string(), "1234.56");
        assert_eq!(parse_amount("1,234,567").unwrap().to_string(), "1234567");
        assert!(parse_amount("1,23.4").is_err());
        assert_eq!(parse_amount("$3835.00").unwrap().to_string(), "3835.00");
        assert!(parse_amount("-1").unwrap_err().contains("negative"));
        assert!(parse_amount("ten").is_err());
    }

    #[test]
    fn meta_specs_split_on_the_first_colon_and_last_equals() {
        let spec = parse_meta_spec("utility:Rest of Latin America=500").unwrap();
        assert_eq!(
            (spec.category, &*spec.market, spec.count),
            (Category::Utility, "Rest of Latin America", 500)
        );
        for (bad, expected) in [
            ("marketing:IN", "no `=COUNT`"),
            ("marketingIN=5", "no `:`"),
            (":IN=5", "category is empty"),
            ("marketing:=5", "market is empty"),
            ("marketing:IN=-5", "negative"),
            ("marketting:IN=5", "(did you mean marketing?)"),
        ] {
            let err = parse_meta_spec(bad).unwrap_err();
            assert!(err.contains(expected), "{bad}: {err}");
        }
    }
}
