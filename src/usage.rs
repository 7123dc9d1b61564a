//! Usage: what a customer consumed in one month, as validated input to the
//! engine. Parsing of counts, amounts and `CATEGORY:MARKET=COUNT` specs
//! lives here so the command line and batch rows share one set of rules
//! and one set of messages.

use rust_decimal::Decimal;

use std::sync::Arc;

use crate::calendar::Month;
use crate::meta::Category;
use crate::money::{self, Currency};
use crate::plan::Unit;
use crate::shown::shown;

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
    /// Business phone numbers sending the messages: each has Meta's free
    /// monthly tier of service messages (from 2026-10); 0 turns it off.
    pub phone_numbers: u64,
}

/// Business phone numbers when none are given: one, as most accounts have.
pub const DEFAULT_PHONE_NUMBERS: u64 = 1;

/// How Meta's charges are given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MetaUsage {
    /// No Meta charges on this bill.
    #[default]
    None,
    /// An amount read off WhatsApp Manager, passed through as is (once its
    /// currency, when written, is the plan's).
    Amount(Amount),
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

/// What a count counts, for the messages that refuse one.
#[derive(Debug, Clone, Copy)]
pub struct Counted {
    /// Why a fraction is wrong: "counts are whole messages".
    pub whole: &'static str,
    /// A count to show as an example: "15000".
    pub example: &'static str,
    /// The same written with a separator, if that helps: " or 15,000".
    pub grouped: &'static str,
}

/// Messages and notifications: what most counts are.
pub const MESSAGES: Counted = Counted {
    whole: "counts are whole messages",
    example: "15000",
    grouped: " or 15,000",
};

/// Business phone numbers (Meta's free service tier).
pub const PHONE_NUMBERS: Counted = Counted {
    whole: "give a whole number of business phone numbers",
    example: "2",
    grouped: "",
};

/// Parses a count of units: a whole number, zero or more, optionally
/// grouped with `,` or `_` (`15,000`). A leading `+` is accepted (`+15000`,
/// as TOML, `strtoul` and most tools read it), and so is `-0`, which is zero.
///
/// # Errors
///
/// Says what was wrong (empty, negative, fractional, not a number, too
/// large) and what a count looks like.
pub fn parse_count(text: &str) -> Result<u64, String> {
    parse_count_of(text, MESSAGES)
}

/// [`parse_count`] for a count of `counted`, whose messages say so.
///
/// # Errors
///
/// As [`parse_count`].
pub fn parse_count_of(text: &str, counted: Counted) -> Result<u64, String> {
    let Counted {
        whole,
        example,
        grouped,
    } = counted;
    let trimmed = text.trim();
    if let Some(count) = parse_digits(trimmed.as_bytes()) {
        return Ok(count);
    }
    if trimmed.is_empty() {
        return Err(format!(
            "the count is empty; expected a whole number such as {example}"
        ));
    }
    let quoted = shown(trimmed);
    let (negative, unsigned) = match trimmed.as_bytes()[0] {
        b'+' => (false, &trimmed[1..]),
        b'-' => (true, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let digits: String = unsigned
        .chars()
        .filter(|c| !matches!(c, ',' | '_'))
        .collect();
    let all_digits = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let grouped_well = unsigned == digits || is_grouped(unsigned);
    if all_digits && grouped_well {
        if negative && digits.bytes().any(|b| b != b'0') {
            return Err(format!("`{quoted}` is negative; a count is zero or more"));
        }
        return digits.parse::<u64>().map_err(|_| {
            format!(
                "`{quoted}` is too large; a count is at most {}",
                money::group_count(u64::MAX)
            )
        });
    }
    if all_digits {
        return Err(format!(
            "`{quoted}` has misplaced digit separators; write {} or group by thousands",
            shown(&digits)
        ));
    }
    let signed = if negative {
        format!("-{digits}")
    } else {
        digits
    };
    let parsed = if unsigned.starts_with(['+', '-']) {
        Err(String::new())
    } else {
        money::parse_exact(&signed)
    };
    match parsed {
        Ok(value) if value.is_sign_negative() && !value.is_zero() => {
            Err(format!("`{quoted}` is negative; a count is zero or more"))
        }
        Ok(value) if value.fract().is_zero() => Err(format!(
            "`{quoted}` is not written as a count; write the whole number in digits, e.g. {}",
            value.trunc().normalize()
        )),
        Ok(_) => Err(format!(
            "`{quoted}` is not a whole number; {whole}, e.g. {example}"
        )),
        Err(_) => Err(format!(
            "`{quoted}` is not a count; expected a whole number such as {example}{grouped}"
        )),
    }
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

/// An amount of money as the user wrote it: the exact value, and the
/// currency when one was written (`$100`, `USD 100`, `100 INR`, `₹100`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    /// The exact value, zero or more.
    pub value: Decimal,
    /// The currency written with it; `None` means the plan's currency.
    pub currency: Option<Currency>,
}

impl Amount {
    /// Whether the amount is zero (in any currency).
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.value.is_zero()
    }

    /// The value, once the amount is known to be in `currency` (the plan's):
    /// an amount written without a currency is in the plan's currency.
    ///
    /// # Errors
    ///
    /// The amount was written in another currency; the message names both
    /// and how to write it (the caller says which flag or cell it was).
    pub fn in_currency(&self, currency: Currency) -> Result<Decimal, String> {
        match self.currency {
            Some(written) if written != currency => Err(format!(
                "the amount is in {written}, but the plan bills in {currency}; \
                 give it in {currency} (e.g. {} or {currency} {})",
                self.value, self.value
            )),
            _ => Ok(self.value),
        }
    }
}

impl From<Decimal> for Amount {
    /// An amount in the plan's currency.
    fn from(value: Decimal) -> Self {
        Self {
            value,
            currency: None,
        }
    }
}

/// Currency symbols an amount may carry, longest first. `$` alone is the
/// US dollar, as WhatsApp Manager writes it; other dollars are written with
/// their code (`CAD 100`).
const SYMBOLS: &[(&str, &str)] = &[
    ("US$", "USD"),
    ("R$", "BRL"),
    ("$", "USD"),
    ("₹", "INR"),
    ("€", "EUR"),
    ("£", "GBP"),
];

/// What an amount looks like, for error messages.
const AMOUNT_SHAPE: &str = "expected an amount such as 1250.40, optionally with its currency \
    ($1250.40, USD 1250.40, 1250.40 INR)";

/// Parses an amount of money given by the user: exact, zero or more,
/// thousands grouped with commas or not (`$1,234.56` as WhatsApp Manager
/// shows it), with an optional currency before or after the number: a
/// symbol (`$`, `₹`, `€`, `£`, `US$`, `R$`) or an ISO 4217 code (`USD 100`,
/// `100 inr`). Whether the currency is the plan's is checked where the plan
/// is known ([`Amount::in_currency`]).
///
/// # Errors
///
/// Says what was wrong (empty, not a number, an unknown or ambiguous
/// currency, negative, too many digits) and what an amount looks like.
pub fn parse_amount(text: &str) -> Result<Amount, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!("the amount is empty; {AMOUNT_SHAPE}"));
    }
    let quoted = shown(trimmed);
    // A sign may come before the currency: `-$5`.
    let (sign, rest) = match trimmed.as_bytes()[0] {
        sign @ (b'-' | b'+') => (Some(sign), trimmed[1..].trim_start()),
        _ => (None, trimmed),
    };
    let (before, rest) = split_currency_prefix(rest);
    let (number, after) = split_currency_suffix(rest);
    let number = number.trim();
    if number.is_empty() {
        let named = [before, after].into_iter().flatten().next();
        return Err(if named.is_some_and(|c| currency_named(c).is_ok()) {
            format!("`{quoted}` has no number; {AMOUNT_SHAPE}")
        } else {
            format!("`{quoted}` is not an amount; {AMOUNT_SHAPE}")
        });
    }
    let mut currency = None;
    for written in [before, after].into_iter().flatten() {
        let found = currency_named(written).map_err(|m| format!("`{quoted}`: {m}"))?;
        if currency.is_some_and(|c| c != found) {
            return Err(format!(
                "`{quoted}` names two currencies; write one, e.g. 100 or USD 100"
            ));
        }
        currency = Some(found);
    }
    let signed = match sign {
        Some(b'-') => format!("-{number}"),
        _ => number.to_owned(),
    };
    let value = parse_number(&signed).map_err(|m| {
        if m.is_empty() {
            format!("`{quoted}` is not an amount; {AMOUNT_SHAPE}")
        } else {
            format!("`{quoted}` {m}")
        }
    })?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("`{quoted}` is negative; expected zero or more"));
    }
    Ok(Amount { value, currency })
}

/// A markup percentage as the user wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Markup {
    /// The percentage: `10` is ten percent.
    pub percent: Decimal,
    /// Written without `%` and between 0 and 1 (`0.10`): a tenth of a
    /// percent as written, but quite possibly meant as a fraction (ten
    /// percent). The caller warns once; see [`Markup::warning`].
    pub unmarked_fraction: bool,
}

impl Markup {
    /// The warning to print on stderr when [`Markup::unmarked_fraction`]
    /// holds, `None` otherwise. `place` names where the value came from
    /// (`--markup`, or `column markup, row 7`). A batch should print it
    /// once, for the first such row, with how many rows had one, rather
    /// than once per row.
    #[must_use]
    pub fn warning(&self, place: &str) -> Option<String> {
        self.unmarked_fraction.then(|| {
            let percent = self.percent;
            let hundredfold = (percent * Decimal::ONE_HUNDRED).normalize();
            format!(
                "{place} {percent} is read as {percent} percent, not {hundredfold} percent; \
                 a markup is a percentage: write {hundredfold} or {hundredfold}% for {hundredfold} percent, \
                 or {percent}% to keep {percent} percent without this warning"
            )
        })
    }
}

/// Parses a markup percentage: `10` and `10%` both mean ten percent; `0.10`
/// means a tenth of a percent (flagged by [`Markup::unmarked_fraction`]).
///
/// # Errors
///
/// Says what was wrong (empty, an amount of money, not a number, negative)
/// and what a percentage looks like.
pub fn parse_markup(text: &str) -> Result<Markup, String> {
    const SHAPE: &str = "expected a percentage such as 10 or 10% (both ten percent)";
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!("the markup is empty; {SHAPE}"));
    }
    let quoted = shown(trimmed);
    let (number, percent_sign) = match trimmed.strip_suffix('%') {
        Some(number) => (number.trim_end(), true),
        None => (trimmed, false),
    };
    let unsigned = number.trim_start_matches(['-', '+']).trim_start();
    let (before, rest) = split_currency_prefix(unsigned);
    let (rest, after) = split_currency_suffix(rest);
    let money = [before, after]
        .into_iter()
        .flatten()
        .any(|c| currency_named(c).is_ok());
    if money && !rest.trim().is_empty() {
        return Err(format!(
            "`{quoted}` is an amount of money; a markup is a percentage of Meta's charges, {SHAPE}"
        ));
    }
    if number.is_empty() {
        return Err(format!("`{quoted}` has no number; {SHAPE}"));
    }
    let percent = parse_number(number).map_err(|m| {
        if m.is_empty() {
            format!("`{quoted}` is not a percentage; {SHAPE}")
        } else {
            format!("`{quoted}` {m}")
        }
    })?;
    if percent.is_sign_negative() && !percent.is_zero() {
        return Err(format!("`{quoted}` is negative; a markup is zero or more"));
    }
    Ok(Markup {
        percent,
        unmarked_fraction: !percent_sign && !percent.is_zero() && percent < Decimal::ONE,
    })
}

/// A currency symbol or a run of ASCII letters at the start, and the rest.
/// Letters count only as a three-letter run (an ISO code): `e5` is a
/// malformed number, not a currency.
fn split_currency_prefix(text: &str) -> (Option<&str>, &str) {
    if let Some((symbol, _)) = SYMBOLS.iter().find(|(s, _)| text.starts_with(s)) {
        return (Some(&text[..symbol.len()]), &text[symbol.len()..]);
    }
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    let next = text.as_bytes().get(letters);
    if letters == 3 && next.is_none_or(|b| !b.is_ascii_alphabetic()) && next.is_some() {
        return (Some(&text[..3]), &text[3..]);
    }
    if letters == 3 && next.is_none() {
        // A bare three-letter word (`ten`, `USD`): no number either way.
        return (Some(text), "");
    }
    (None, text)
}

/// The number and a currency symbol or three-letter code at the end.
fn split_currency_suffix(text: &str) -> (&str, Option<&str>) {
    if let Some((symbol, _)) = SYMBOLS.iter().find(|(s, _)| text.ends_with(s)) {
        let cut = text.len() - symbol.len();
        return (&text[..cut], Some(&text[cut..]));
    }
    let letters = text
        .bytes()
        .rev()
        .take_while(u8::is_ascii_alphabetic)
        .count();
    if letters == 3 && text.len() > 3 {
        let cut = text.len() - 3;
        // `1e5` ends in a digit; `100USD` and `100 USD` end in a code.
        return (&text[..cut], Some(&text[cut..]));
    }
    (text, None)
}

/// The currency a symbol or code names.
fn currency_named(written: &str) -> Result<Currency, String> {
    if let Some((_, code)) = SYMBOLS.iter().find(|(s, _)| *s == written) {
        return Ok(Currency::from_code(code).expect("the symbol table holds ISO codes"));
    }
    Currency::from_code(written).ok_or_else(|| {
        format!(
            "`{}` is not an ISO 4217 currency code or a known symbol (e.g. USD, INR, EUR, $, ₹, €)",
            shown(written)
        )
    })
}

/// A decimal number, exactly as written, thousands optionally grouped with
/// commas. The error is the part of a message after the quoted input
/// (`is too large; ...`), or empty when the text is no number at all.
fn parse_number(text: &str) -> Result<Decimal, String> {
    let (whole, fraction) = text
        .split_once('.')
        .map_or((text, None), |(w, f)| (w, Some(f)));
    let unsigned = whole.trim_start_matches(['-', '+']);
    if whole.contains(',') {
        if !is_grouped(unsigned) {
            return Err(
                "has misplaced thousands separators; group with commas only in threes, e.g. 1,234.56"
                    .to_owned(),
            );
        }
        let ungrouped = format!(
            "{}{}",
            whole.replace(',', ""),
            fraction.map(|f| format!(".{f}")).unwrap_or_default()
        );
        return number_exact(&ungrouped);
    }
    number_exact(text)
}

fn number_exact(text: &str) -> Result<Decimal, String> {
    money::decimal_exact(text).map_err(|why| match why {
        money::NotExact::NotANumber | money::NotExact::Empty => String::new(),
        other => other.reason(),
    })
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
        // A sign on a count, as TOML and most tools read it: `+` is
        // positive, and minus zero is zero.
        assert_eq!(parse_count("+15000"), Ok(15_000));
        assert_eq!(parse_count("+15,000"), Ok(15_000));
        assert_eq!(parse_count("-0"), Ok(0));
        assert_eq!(parse_count("-000"), Ok(0));
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
            ("-1,000", "negative"),
            ("15000.5", "not a whole number"),
            ("-0.5", "negative"),
            ("1e3", "write the whole number in digits, e.g. 1000"),
            ("1.0", "write the whole number in digits, e.g. 1"),
            ("+-5", "not a count"),
            ("++5", "not a count"),
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

    fn amount(text: &str) -> (String, Option<&'static str>) {
        let a = parse_amount(text).unwrap();
        (a.value.to_string(), a.currency.map(Currency::code))
    }

    #[test]
    fn amounts_are_exact_and_not_negative() {
        assert_eq!(amount("12.50"), ("12.50".into(), None));
        assert_eq!(amount("1,234,567"), ("1234567".into(), None));
        assert_eq!(amount("+5"), ("5".into(), None));
        assert!(parse_amount("1,23.4").is_err());
        assert!(parse_amount("-1").unwrap_err().contains("negative"));
        assert!(parse_amount("-$1").unwrap_err().contains("negative"));
        assert!(parse_amount("$-1").unwrap_err().contains("negative"));
        assert!(parse_amount("ten").unwrap_err().contains("not an amount"));
    }

    #[test]
    fn amounts_carry_their_currency_when_written() {
        // As WhatsApp Manager shows it: `$1,234.56` is 1234.56 US dollars.
        assert_eq!(amount("$1,234.56"), ("1234.56".into(), Some("USD")));
        assert_eq!(amount("$3835.00"), ("3835.00".into(), Some("USD")));
        assert_eq!(amount("USD 100"), ("100".into(), Some("USD")));
        assert_eq!(amount("usd100"), ("100".into(), Some("USD")));
        assert_eq!(amount("100 INR"), ("100".into(), Some("INR")));
        assert_eq!(amount("₹100"), ("100".into(), Some("INR")));
        assert_eq!(amount("₹ 100,000"), ("100000".into(), Some("INR")));
        assert_eq!(amount("€12.5"), ("12.5".into(), Some("EUR")));
        assert_eq!(amount("12.5€"), ("12.5".into(), Some("EUR")));
        assert_eq!(amount("US$ 7"), ("7".into(), Some("USD")));
        assert_eq!(amount("$100 USD"), ("100".into(), Some("USD")));
        // Exponent forms are numbers, not currencies.
        assert_eq!(amount("1e3"), ("1000".into(), None));
        for (bad, expected) in [
            ("", "the amount is empty"),
            ("  ", "the amount is empty"),
            ("e5", "`e5` is not an amount"),
            ("$", "`$` has no number"),
            ("100 XYZ", "`XYZ` is not an ISO 4217 currency code"),
            ("$100 INR", "names two currencies"),
            ("1e40", "`1e40` is too large"),
            (
                "0.00000000000000000000000000001",
                "more digits than can be kept exactly",
            ),
            ("12..5", "is not an amount"),
            ("1,2345", "misplaced thousands separators"),
        ] {
            let err = parse_amount(bad).unwrap_err();
            assert!(err.contains(expected), "{bad:?}: {err}");
        }
    }

    #[test]
    fn an_amount_in_another_currency_than_the_plans_is_refused() {
        let inr = Currency::from_code("INR").unwrap();
        let err = parse_amount("$100").unwrap().in_currency(inr).unwrap_err();
        assert!(err.contains("in USD, but the plan bills in INR"), "{err}");
        assert_eq!(
            parse_amount("₹100").unwrap().in_currency(inr),
            Ok(Decimal::ONE_HUNDRED)
        );
        assert_eq!(
            parse_amount("100").unwrap().in_currency(inr),
            Ok(Decimal::ONE_HUNDRED)
        );
    }

    #[test]
    fn a_markup_is_a_percentage_with_or_without_its_sign() {
        let ten = Decimal::TEN;
        assert_eq!(parse_markup("10").unwrap().percent, ten);
        assert_eq!(parse_markup("10%").unwrap().percent, ten);
        assert_eq!(parse_markup(" 10 % ").unwrap().percent, ten);
        assert!(!parse_markup("10").unwrap().unmarked_fraction);
        // 0.10 is a tenth of a percent, as written, with a warning.
        let tenth = parse_markup("0.10").unwrap();
        assert_eq!(tenth.percent.to_string(), "0.10");
        assert!(tenth.unmarked_fraction);
        let warning = tenth.warning("--markup").unwrap();
        assert!(
            warning.contains("--markup 0.10 is read as 0.10 percent, not 10 percent"),
            "{warning}"
        );
        // With `%`, or zero, or 1 and more: no warning.
        for quiet in ["0.10%", "0", "0.0", "1", "25.5"] {
            let markup = parse_markup(quiet).unwrap();
            assert_eq!(markup.warning("--markup"), None, "{quiet}");
        }
        for (bad, expected) in [
            ("", "the markup is empty"),
            ("%", "has no number"),
            ("-5", "negative"),
            ("-5%", "negative"),
            ("$10", "is an amount of money"),
            ("10 USD", "is an amount of money"),
            ("ten", "is not a percentage"),
            ("10%%", "is not a percentage"),
        ] {
            let err = parse_markup(bad).unwrap_err();
            assert!(err.contains(expected), "{bad:?}: {err}");
        }
    }

    #[test]
    fn quoted_input_is_escaped() {
        let err = parse_count("1\u{1b}[2J").unwrap_err();
        assert!(err.contains("1\\u{1b}[2J"), "{err}");
        let err = parse_amount("\u{1b}]0;x\u{7}5").unwrap_err();
        assert!(!err.contains('\u{1b}'), "{err}");
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

    proptest::proptest! {
        /// However a value is dressed (a `%` on a markup, the plan's currency
        /// on an amount, a `+` on a count, blank space around), it reads as
        /// the same exact number.
        #[test]
        fn dressed_values_read_as_the_bare_number(
            mantissa in 0u64..=9_999_999_999,
            scale in 0u32..=6,
            count in proptest::num::u64::ANY,
        ) {
            let bare = Decimal::new(i64::try_from(mantissa).unwrap(), scale).to_string();
            let markup = parse_markup(&bare).unwrap();
            proptest::prop_assert_eq!(markup.percent.to_string(), bare.clone());
            for dressed in [format!("{bare}%"), format!(" {bare} % ")] {
                let with_sign = parse_markup(&dressed).unwrap();
                proptest::prop_assert_eq!(with_sign.percent, markup.percent);
                proptest::prop_assert!(!with_sign.unmarked_fraction);
            }
            proptest::prop_assert_eq!(
                markup.unmarked_fraction,
                !markup.percent.is_zero() && markup.percent < Decimal::ONE
            );
            let usd = Currency::from_code("USD").unwrap();
            for dressed in [format!("${bare}"), format!("USD {bare}"), format!("{bare} usd"), format!("+{bare}")] {
                let amount = parse_amount(&dressed).unwrap();
                proptest::prop_assert_eq!(amount.value.to_string(), bare.clone());
                proptest::prop_assert_eq!(amount.in_currency(usd), Ok(amount.value));
            }
            proptest::prop_assert_eq!(parse_count(&format!("+{count}")), Ok(count));
            proptest::prop_assert_eq!(parse_count(&format!(" {count}\n")), Ok(count));
        }
    }
}
