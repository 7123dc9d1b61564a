//! Currencies, the one rounding rule, and how amounts are written.
//!
//! Every amount in ctbill is an exact [`Decimal`]. Amounts are computed at
//! full precision and rounded exactly once per bill line, by
//! [`round_line`], to the currency's ISO 4217 minor unit, half away from
//! zero. Nothing else in the crate rounds money; [`round_scaled_minor_units`]
//! is the same rule on integers, for the batch fast path.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// The rounding rule of the product contract: ties go away from zero
/// (`0.105 → 0.11`, `-0.105 → -0.11`), never to even.
pub const LINE_ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// An ISO 4217 currency: its alphabetic code and minor-unit exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: &'static str,
    minor_units: u32,
}

impl Currency {
    /// The three-letter code, e.g. `USD`.
    #[must_use]
    pub fn code(self) -> &'static str {
        self.code
    }

    /// Decimal places of the minor unit: 2 for USD, 0 for JPY, 3 for KWD.
    #[must_use]
    pub fn minor_units(self) -> u32 {
        self.minor_units
    }

    /// Looks a code up, case-insensitively.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        CURRENCIES
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(code))
            .map(|&(code, minor_units)| Self { code, minor_units })
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

/// An unknown currency code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 4217 currency code (e.g. USD, EUR, INR, JPY)")]
pub struct UnknownCurrency(pub String);

impl FromStr for Currency {
    type Err = UnknownCurrency;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Self::from_code(code).ok_or_else(|| UnknownCurrency(code.to_owned()))
    }
}

/// Rounds one bill line's exact amount to the currency's minor unit with
/// [`LINE_ROUNDING`]. This is the only place money is rounded.
///
/// # Example
///
/// ```
/// use ctbill::money::{round_line, Currency};
/// use rust_decimal::Decimal;
/// let usd = Currency::from_code("USD").unwrap();
/// assert_eq!(round_line(Decimal::new(105, 3), usd).to_string(), "0.11");
/// ```
#[must_use]
pub fn round_line(exact: Decimal, currency: Currency) -> Decimal {
    let mut rounded = exact.round_dp_with_strategy(currency.minor_units, LINE_ROUNDING);
    // Show every minor-unit digit: 35 USD is written 35.00.
    rounded.rescale(currency.minor_units);
    rounded
}

/// `a × b` when the product can be held exactly, `None` otherwise.
///
/// `Decimal::checked_mul` rounds a product that needs more than 28
/// significant digits instead of failing, which would break "compute
/// exactly, round once". This multiplies the mantissas in 128 bits and
/// keeps the scale of the factors (`5,000 × 0.0070 = 35.0000`), dropping
/// trailing zeros only when that is what it takes to fit; it fails when the
/// result still does not fit.
///
/// # Example
///
/// ```
/// use ctbill::money::exact_mul;
/// use rust_decimal::Decimal;
/// assert_eq!(exact_mul(Decimal::new(5000, 0), Decimal::new(70, 4)), Some(Decimal::new(350000, 4)));
/// let rate = Decimal::from_str_exact("0.2440243902439024390243902439").unwrap();
/// assert_eq!(exact_mul(Decimal::from(41), rate), None); // 31 significant digits
/// ```
#[must_use]
pub fn exact_mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    from_parts(
        a.mantissa().checked_mul(b.mantissa())?,
        a.scale() + b.scale(),
    )
}

/// `a + b` when the sum can be held exactly, `None` otherwise (where
/// `Decimal::checked_add` would round a sum needing more than 28 digits).
#[must_use]
pub fn exact_add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = a.scale().max(b.scale());
    let widen = |d: Decimal| {
        10_i128
            .checked_pow(scale - d.scale())
            .and_then(|factor| d.mantissa().checked_mul(factor))
    };
    from_parts(widen(a)?.checked_add(widen(b)?)?, scale)
}

/// A running [`exact_add`] of many amounts (a Meta line's volume tiers) in
/// integers: the sum is kept as an `i128` count of `10^-scale` while it fits
/// a `Decimal` mantissa, so adding is one integer addition when the scales
/// agree (they do for a card's rates). Once a step would not fit, it goes
/// on with [`exact_add`] from exactly the value that chain would hold, so
/// [`ExactSum::value`] is always the fold of [`exact_add`] from zero, scale
/// included (a property test holds them together).
#[derive(Debug, Clone, Copy, Default)]
pub struct ExactSum {
    mantissa: i128,
    scale: u32,
    /// After the integer path gave up: the [`exact_add`] chain's value.
    slow: Slow,
}

/// Where an [`ExactSum`] is.
#[derive(Debug, Clone, Copy, Default)]
enum Slow {
    /// Still in integers.
    #[default]
    No,
    /// Going on with [`exact_add`] from this value.
    Yes(Decimal),
    /// Past what can be held exactly.
    Overflowed,
}

/// The largest mantissa a `Decimal` holds: 2^96 − 1.
const MAX_MANTISSA: i128 = (1 << 96) - 1;

impl ExactSum {
    /// Adds `amount`.
    pub fn add(&mut self, amount: Decimal) {
        match self.slow {
            Slow::No => {}
            Slow::Yes(sum) => {
                self.slow = exact_add(sum, amount).map_or(Slow::Overflowed, Slow::Yes);
                return;
            }
            Slow::Overflowed => return,
        }
        let scale = self.scale.max(amount.scale());
        let widen = |mantissa: i128, from: u32| {
            10_i128
                .checked_pow(scale - from)
                .and_then(|factor| mantissa.checked_mul(factor))
        };
        let sum = widen(self.mantissa, self.scale)
            .zip(widen(amount.mantissa(), amount.scale()))
            .and_then(|(a, b)| a.checked_add(b))
            .filter(|sum| sum.unsigned_abs() <= MAX_MANTISSA.unsigned_abs() && scale <= 28);
        if let Some(sum) = sum {
            self.mantissa = sum;
            self.scale = scale;
        } else {
            // The integer sum so far is a value `exact_add` held too.
            let so_far = from_parts(self.mantissa, self.scale);
            self.slow = so_far
                .and_then(|sum| exact_add(sum, amount))
                .map_or(Slow::Overflowed, Slow::Yes);
        }
    }

    /// Whether the sum no longer fits (every later value is `None`).
    #[must_use]
    pub fn overflowed(&self) -> bool {
        matches!(self.slow, Slow::Overflowed)
    }

    /// The sum, `None` when it cannot be held exactly.
    #[must_use]
    pub fn value(&self) -> Option<Decimal> {
        match self.slow {
            Slow::No => from_parts(self.mantissa, self.scale),
            Slow::Yes(sum) => Some(sum),
            Slow::Overflowed => None,
        }
    }
}

/// A decimal from a mantissa and scale, dropping trailing zeros only when
/// that is what it takes to fit; `None` when it cannot be held exactly.
fn from_parts(mut mantissa: i128, mut scale: u32) -> Option<Decimal> {
    loop {
        if let Ok(value) = Decimal::try_from_i128_with_scale(mantissa, scale) {
            return Some(value);
        }
        if scale == 0 || mantissa % 10 != 0 {
            return None;
        }
        mantissa /= 10;
        scale -= 1;
    }
}

/// [`LINE_ROUNDING`] for the integer fast path of `batch`: `value` counts
/// `1/divisor`-ths of a minor unit (`divisor` a power of ten, at least 10);
/// returns whole minor units, ties away from zero. Values are never
/// negative, so away from zero is up. Gives what [`round_line`] gives on the
/// same amount (a test holds them together).
#[must_use]
pub fn round_scaled_minor_units(value: u128, divisor: u128) -> u128 {
    // In 64 bits when both fit: a 128-bit division is a slow call.
    if let (Ok(value), Ok(divisor)) = (u64::try_from(value), u64::try_from(divisor)) {
        let (quotient, remainder) = (value / divisor, value % divisor);
        return u128::from(quotient + u64::from(remainder >= divisor / 2));
    }
    let (quotient, remainder) = (value / divisor, value % divisor);
    quotient + u128::from(remainder >= divisor / 2)
}

/// Writes an amount with thousands separators, e.g. `1,234,567.89`.
/// The amount is written at the scale it carries; rounded line amounts
/// carry the currency's minor unit.
#[must_use]
pub fn group_thousands(amount: Decimal) -> String {
    let text = amount.to_string();
    let (sign, digits) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |rest| ("-", rest));
    let (int, frac) = digits
        .split_once('.')
        .map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    out.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Writes a count with thousands separators, e.g. `15,000`.
#[must_use]
pub fn group_count(count: u64) -> String {
    group_thousands(Decimal::from(count))
}

/// Parses a decimal exactly as written: `"0.0070"` keeps its four places.
/// Accepts an optional sign, digits and one point, or an exponent form
/// (`7e-3`); anything else (digit separators included) is refused.
///
/// # Errors
///
/// Returns a message saying what a valid amount looks like when `text` is
/// empty, is not a plain decimal number, is too large, or has more digits
/// than can be kept exactly (see [`NotExact`]).
pub fn parse_exact(text: &str) -> Result<Decimal, String> {
    decimal_exact(text).map_err(|why| match why {
        NotExact::Empty => why.reason(),
        _ => format!("`{}` {}", crate::shown::shown(text.trim()), why.reason()),
    })
}

/// Why a text is not an exact decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotExact {
    /// Nothing but blanks.
    Empty,
    /// Not a decimal number at all (`abc`, `e5`, `1,000`, `1.2.3`).
    NotANumber,
    /// A number, but larger than the largest amount kept.
    TooLarge,
    /// A number, but with more significant digits than can be kept exactly.
    TooManyDigits,
}

impl NotExact {
    /// What was wrong and what would be right, to follow the quoted text
    /// (`is too large; ...`); for [`NotExact::Empty`], a whole sentence.
    #[must_use]
    pub fn reason(self) -> String {
        match self {
            Self::Empty => {
                "the number is empty; write digits with an optional point, e.g. 0.0070".to_owned()
            }
            Self::NotANumber => {
                "is not a decimal number; write digits with an optional point, e.g. 0.0070"
                    .to_owned()
            }
            Self::TooLarge => format!(
                "is too large; amounts are at most {}",
                group_thousands(Decimal::MAX)
            ),
            Self::TooManyDigits => "has more digits than can be kept exactly (28 significant digits at most), e.g. 0.0070".to_owned(),
        }
    }
}

/// [`parse_exact`] with the reason as a value, for callers that word their
/// own messages.
///
/// # Errors
///
/// See [`NotExact`].
pub fn decimal_exact(text: &str) -> Result<Decimal, NotExact> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(NotExact::Empty);
    }
    let (mantissa, exponent) = match trimmed.find(['e', 'E']) {
        Some(at) => (&trimmed[..at], Some(&trimmed[at + 1..])),
        None => (trimmed, None),
    };
    let unsigned = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) || !exponent_ok {
        return Err(NotExact::NotANumber);
    }
    let parsed = match exponent {
        None => Decimal::from_str_exact(trimmed),
        Some(_) => Decimal::from_scientific(trimmed),
    };
    parsed.map_err(|_| {
        // Digits before the point once the exponent is applied.
        let leading = i64::try_from(whole.trim_start_matches('0').len()).unwrap_or(i64::MAX);
        let shift = exponent.map_or(Some(0), |e| e.parse::<i64>().ok());
        let magnitude = match shift {
            Some(shift) => leading.saturating_add(shift),
            // An exponent too long to read: large or tiny by its sign.
            None if exponent.is_some_and(|e| e.starts_with('-')) => i64::MIN,
            None => i64::MAX,
        };
        if magnitude > 28 {
            NotExact::TooLarge
        } else {
            NotExact::TooManyDigits
        }
    })
}

/// ISO 4217 active codes and their minor units (2024 list; funds codes
/// and precious metals left out).
#[rustfmt::skip]
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2), ("AFN", 2), ("ALL", 2), ("AMD", 2), ("ANG", 2), ("AOA", 2), ("ARS", 2),
    ("AUD", 2), ("AWG", 2), ("AZN", 2), ("BAM", 2), ("BBD", 2), ("BDT", 2), ("BGN", 2),
    ("BHD", 3), ("BIF", 0), ("BMD", 2), ("BND", 2), ("BOB", 2), ("BRL", 2), ("BSD", 2),
    ("BTN", 2), ("BWP", 2), ("BYN", 2), ("BZD", 2), ("CAD", 2), ("CDF", 2), ("CHF", 2),
    ("CLF", 4), ("CLP", 0), ("CNY", 2), ("COP", 2), ("CRC", 2), ("CUP", 2), ("CVE", 2),
    ("CZK", 2), ("DJF", 0), ("DKK", 2), ("DOP", 2), ("DZD", 2), ("EGP", 2), ("ERN", 2),
    ("ETB", 2), ("EUR", 2), ("FJD", 2), ("FKP", 2), ("GBP", 2), ("GEL", 2), ("GHS", 2),
    ("GIP", 2), ("GMD", 2), ("GNF", 0), ("GTQ", 2), ("GYD", 2), ("HKD", 2), ("HNL", 2),
    ("HTG", 2), ("HUF", 2), ("IDR", 2), ("ILS", 2), ("INR", 2), ("IQD", 3), ("IRR", 2),
    ("ISK", 0), ("JMD", 2), ("JOD", 3), ("JPY", 0), ("KES", 2), ("KGS", 2), ("KHR", 2),
    ("KMF", 0), ("KPW", 2), ("KRW", 0), ("KWD", 3), ("KYD", 2), ("KZT", 2), ("LAK", 2),
    ("LBP", 2), ("LKR", 2), ("LRD", 2), ("LSL", 2), ("LYD", 3), ("MAD", 2), ("MDL", 2),
    ("MGA", 2), ("MKD", 2), ("MMK", 2), ("MNT", 2), ("MOP", 2), ("MRU", 2), ("MUR", 2),
    ("MVR", 2), ("MWK", 2), ("MXN", 2), ("MYR", 2), ("MZN", 2), ("NAD", 2), ("NGN", 2),
    ("NIO", 2), ("NOK", 2), ("NPR", 2), ("NZD", 2), ("OMR", 3), ("PAB", 2), ("PEN", 2),
    ("PGK", 2), ("PHP", 2), ("PKR", 2), ("PLN", 2), ("PYG", 0), ("QAR", 2), ("RON", 2),
    ("RSD", 2), ("RUB", 2), ("RWF", 0), ("SAR", 2), ("SBD", 2), ("SCR", 2), ("SDG", 2),
    ("SEK", 2), ("SGD", 2), ("SHP", 2), ("SLE", 2), ("SOS", 2), ("SRD", 2), ("SSP", 2),
    ("STN", 2), ("SVC", 2), ("SYP", 2), ("SZL", 2), ("THB", 2), ("TJS", 2), ("TMT", 2),
    ("TND", 3), ("TOP", 2), ("TRY", 2), ("TTD", 2), ("TWD", 2), ("TZS", 2), ("UAH", 2),
    ("UGX", 0), ("USD", 2), ("UYU", 2), ("UYW", 4), ("UZS", 2), ("VED", 2), ("VES", 2),
    ("VND", 0), ("VUV", 0), ("WST", 2), ("XAF", 0), ("XCD", 2), ("XCG", 2), ("XOF", 0),
    ("XPF", 0), ("YER", 2), ("ZAR", 2), ("ZMW", 2), ("ZWG", 2),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    fn cur(code: &str) -> Currency {
        Currency::from_code(code).unwrap()
    }

    /// (exact amount, currency, expected line amount), worked by hand:
    /// ties go away from zero, never to the even neighbour.
    #[test]
    fn rounds_each_line_half_away_from_zero_to_the_minor_unit() {
        let cases = [
            ("0.105", "USD", "0.11"), // banker's rounding would give 0.10
            ("0.115", "USD", "0.12"),
            ("0.125", "USD", "0.13"), // banker's would give 0.12
            ("0.1049999", "USD", "0.10"),
            ("-0.105", "USD", "-0.11"),
            ("35", "USD", "35.00"),
            ("35.0000", "USD", "35.00"),
            ("2.5", "JPY", "3"), // banker's would give 2
            ("3.5", "JPY", "4"),
            ("1234.4999", "KRW", "1234"),
            ("0.0005", "KWD", "0.001"),
            ("1.23456", "INR", "1.23"),
        ];
        for (exact, code, expected) in cases {
            assert_eq!(
                round_line(dec(exact), cur(code)).to_string(),
                expected,
                "{exact} {code}"
            );
        }
    }

    #[test]
    fn the_integer_rounding_agrees_with_round_line() {
        let usd = cur("USD");
        // (value in 1/divisor-ths of a cent, divisor): 10.5 cents → 11; 10.49 → 10; 0.5 → 1.
        for (value, divisor) in [
            (105, 10),
            (1049, 100),
            (5, 10),
            (0, 10),
            (99_999, 1000),
            (u128::from(u64::MAX), 10),
            // Past 64 bits: 184467440737095516155 tenths of a cent is a tie,
            // 18446744073709551615.5 cents → 18446744073709551616.
            (u128::from(u64::MAX) * 10 + 5, 10),
            (u128::from(u64::MAX) * 10 + 4, 10),
        ] {
            let exact = Decimal::from(value) / Decimal::from(divisor) / Decimal::ONE_HUNDRED;
            let expected = round_line(exact, usd) * Decimal::ONE_HUNDRED;
            assert_eq!(
                Decimal::from(round_scaled_minor_units(value, divisor)),
                expected,
                "{value}/{divisor}"
            );
        }
    }

    #[test]
    fn products_are_exact_or_refused() {
        // 15 × 0.0070 = 0.1050, kept at four places; 2^64 × 0.0070 fits.
        assert_eq!(
            exact_mul(dec("15"), dec("0.0070")).unwrap().to_string(),
            "0.1050"
        );
        assert_eq!(
            exact_mul(Decimal::from(u64::MAX), dec("0.0070"))
                .unwrap()
                .to_string(),
            "129127208515966861.3050"
        );
        // Scale 30 does not fit, but the product has trailing zeros to drop:
        // 0.000000000000000000000000000100 (written 30 places) is 10^-28.
        let tiny = dec("0.00000000000000010"); // 17 places
        let small = dec("0.0000000000010"); // 13 places
        assert_eq!(
            exact_mul(tiny, small).unwrap().to_string(),
            "0.0000000000000000000000000001"
        );
        // 41 × 0.2440243902439024390243902439 = 10.0049999999999999999999999999 (30 digits).
        assert_eq!(
            exact_mul(dec("41"), dec("0.2440243902439024390243902439")),
            None
        );
        assert_eq!(exact_mul(Decimal::MAX, dec("2")), None);
        assert_eq!(exact_mul(dec("-1.5"), dec("2")), Some(dec("-3")));
    }

    #[test]
    fn sums_are_exact_or_refused() {
        assert_eq!(
            exact_add(dec("35.0000"), dec("30.00")).unwrap().to_string(),
            "65.0000"
        );
        assert_eq!(
            exact_add(dec("0.1"), dec("-0.1")).unwrap().to_string(),
            "0.0"
        );
        // 10^20 + 10^-9 needs 30 digits: checked_add would round it away.
        assert_eq!(
            exact_add(dec("100000000000000000000"), dec("0.000000001")),
            None
        );
        assert_eq!(exact_add(Decimal::MAX, Decimal::ONE), None);
    }

    #[test]
    fn rounding_twice_changes_nothing() {
        let usd = cur("USD");
        let once = round_line(dec("12.345"), usd);
        assert_eq!(round_line(once, usd), once);
    }

    #[test]
    fn knows_minor_units() {
        assert_eq!(cur("usd").minor_units(), 2);
        assert_eq!(cur("JPY").minor_units(), 0);
        assert_eq!(cur("CLP").minor_units(), 0);
        assert_eq!(cur("KRW").minor_units(), 0);
        assert_eq!(cur("BHD").minor_units(), 3);
        assert!(Currency::from_code("XYZ").is_none());
        assert!("usd".parse::<Currency>().is_ok());
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(dec("1234567.89")), "1,234,567.89");
        assert_eq!(group_thousands(dec("65.00")), "65.00");
        assert_eq!(group_thousands(dec("-1000")), "-1,000");
        assert_eq!(group_thousands(dec("100")), "100");
        assert_eq!(group_count(15_000), "15,000");
        assert_eq!(group_count(0), "0");
    }

    #[test]
    fn parses_exactly_as_written() {
        assert_eq!(parse_exact("0.0070").unwrap().to_string(), "0.0070");
        assert_eq!(parse_exact("30").unwrap().to_string(), "30");
        assert_eq!(parse_exact("7e-3").unwrap().to_string(), "0.007");
        // Each refusal names the right problem.
        for (bad, expected) in [
            ("", "the number is empty"),
            ("  ", "the number is empty"),
            ("e5", "`e5` is not a decimal number"),
            ("1e", "`1e` is not a decimal number"),
            ("-", "`-` is not a decimal number"),
            (".", "`.` is not a decimal number"),
            ("1e40", "`1e40` is too large"),
            ("1e999999999999999999999", "is too large"),
            ("123456789012345678901234567890", "is too large"),
            ("1e-40", "more digits than can be kept exactly"),
            (
                "0.00000000000000000000000000001",
                "more digits than can be kept exactly",
            ),
        ] {
            let err = parse_exact(bad).unwrap_err();
            assert!(err.contains(expected), "{bad:?}: {err}");
        }
        for bad in [
            "",
            "abc",
            "1,000",
            "0x10",
            "1.2.3",
            "NaN",
            "inf",
            "0.00000000000000000000000000001",
        ] {
            assert!(parse_exact(bad).is_err(), "{bad} should be rejected");
        }
    }

    proptest::proptest! {
        /// The integer running sum is the fold of `exact_add` from zero:
        /// the same value and scale, and `None` exactly when it is.
        #[test]
        fn exact_sum_is_the_exact_add_fold(
            parts in proptest::collection::vec(
                (proptest::prelude::any::<i64>(), 0u32..=28, 0u32..=3, proptest::prelude::any::<bool>()),
                0..12,
            ),
        ) {
            let mut sum = ExactSum::default();
            let mut fold = Some(Decimal::ZERO);
            for (mantissa, scale, widen, small) in parts {
                // Small rates as on a card, or values near the edge of Decimal.
                let mantissa = if small {
                    i128::from(mantissa % 100_000)
                } else {
                    i128::from(mantissa) << (32 * widen)
                };
                let Ok(amount) = Decimal::try_from_i128_with_scale(mantissa, scale) else {
                    continue;
                };
                sum.add(amount);
                fold = fold.and_then(|f| exact_add(f, amount));
                proptest::prop_assert_eq!(sum.overflowed(), fold.is_none());
            }
            let (a, b) = (sum.value(), fold);
            proptest::prop_assert_eq!(a, b);
            proptest::prop_assert_eq!(a.map(|d| d.scale()), b.map(|d| d.scale()));
        }
    }
}
