//! Calendar dates and months, for rate-card effective dates and
//! `--month YYYY-MM`, over [`jiff::civil::Date`]: no time zones, no
//! arithmetic beyond "which is newer" and "how many months apart".
//!
//! Parsing is strict: exactly `YYYY-MM-DD` (or `YYYY-MM`), four-digit year,
//! two-digit month and day, ASCII digits only, and a day the month has.
//! `+026-10-01`, `2026-1-01` and `2026-02-30` are errors. Meta's long form
//! `October 1, 2026` is read by [`Date::parse_long`].
//!
//! The clock is read by [`today`] alone, which the core never calls: the
//! caller reads it once and passes the month in.

use std::fmt;
use std::str::FromStr;

use jiff::civil;
use jiff::tz::TimeZone;

/// A proleptic Gregorian calendar date, years 1 to 9999. Ordered
/// chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(civil::Date);

/// A calendar month, the billing period. Ordered chronologically. Held as
/// its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(civil::Date);

const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Today in UTC, from the system clock. Read once, by the caller.
#[must_use]
pub fn today() -> Date {
    Date(jiff::Timestamp::now().to_zoned(TimeZone::UTC).date())
}

/// Digits only, exactly `len` of them, as a number.
fn digits(text: &str, len: usize) -> Option<i16> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

impl Date {
    /// Builds a date, or `None` when the day does not exist (or the year is
    /// outside 1 to 9999).
    #[must_use]
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        let year = i16::try_from(year)
            .ok()
            .filter(|y| (1..=9999).contains(y))?;
        let month = i8::try_from(month).ok()?;
        let day = i8::try_from(day).ok()?;
        civil::Date::new(year, month, day).ok().map(Self)
    }

    /// The year, 1 to 9999.
    #[must_use]
    pub fn year(self) -> i32 {
        i32::from(self.0.year())
    }

    /// The month this date falls in.
    #[must_use]
    pub fn month(self) -> Month {
        Month(self.0.first_of_month())
    }

    /// The day of the month, from 1.
    #[must_use]
    pub fn day(self) -> u32 {
        u32::from(self.0.day().unsigned_abs())
    }

    /// The jiff date.
    #[must_use]
    pub fn civil(self) -> civil::Date {
        self.0
    }

    /// Parses Meta's long form, `April 1, 2026` (case-insensitive month
    /// name, a day of one or two digits, a four-digit year).
    #[must_use]
    pub fn parse_long(text: &str) -> Option<Self> {
        let text = text.trim();
        let (name, rest) = text.split_once(char::is_whitespace)?;
        let month = MONTH_NAMES
            .iter()
            .position(|m| m.eq_ignore_ascii_case(name))?;
        let (day, year) = rest.split_once(',')?;
        let day = digits(day.trim(), 1).or_else(|| digits(day.trim(), 2))?;
        let year = digits(year.trim(), 4)?;
        Self::new(
            year.into(),
            u32::try_from(month).ok()? + 1,
            u32::try_from(day).ok()?,
        )
    }
}

impl Month {
    /// Builds a month, or `None` when out of range.
    #[must_use]
    pub fn new(year: i32, month: u32) -> Option<Self> {
        Date::new(year, month, 1).map(Date::month)
    }

    /// Builds a month known to exist at compile time.
    ///
    /// # Panics
    ///
    /// When `month` is not 1 to 12 or `year` is outside jiff's range; in a
    /// `const` that is a compile error.
    #[must_use]
    pub const fn of(year: i16, month: i8) -> Self {
        Self(civil::date(year, month, 1))
    }

    /// The year, 1 to 9999.
    #[must_use]
    pub fn year(self) -> i32 {
        i32::from(self.0.year())
    }

    /// The month of the year, 1 to 12.
    #[must_use]
    pub fn number(self) -> u32 {
        u32::from(self.0.month().unsigned_abs())
    }

    /// Whole months from `earlier` to `self`; negative when `earlier` is
    /// later.
    #[must_use]
    pub fn months_since(self, earlier: Month) -> i64 {
        let index = |m: Month| i64::from(m.year()) * 12 + i64::from(m.number());
        index(self) - index(earlier)
    }

    /// The first day of the month: a rate card applies to a month when it
    /// took effect on or before this day.
    #[must_use]
    pub fn first_day(self) -> Date {
        Date(self.0)
    }
}

/// Why a date or month did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a valid {what}; expected {expected}")]
pub struct ParseDateError {
    text: String,
    what: &'static str,
    expected: &'static str,
}

impl FromStr for Date {
    type Err = ParseDateError;

    /// Parses `YYYY-MM-DD`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || ParseDateError {
            text: text.to_owned(),
            what: "date",
            expected: "YYYY-MM-DD, e.g. 2026-04-01",
        };
        let mut parts = text.trim().splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err());
        };
        let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
            return Err(err());
        };
        let (Ok(m), Ok(d)) = (u32::try_from(m), u32::try_from(d)) else {
            return Err(err());
        };
        Self::new(y.into(), m, d).ok_or_else(err)
    }
}

impl FromStr for Month {
    type Err = ParseDateError;

    /// Parses `YYYY-MM`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || ParseDateError {
            text: text.to_owned(),
            what: "month",
            expected: "YYYY-MM, e.g. 2026-11",
        };
        let (y, m) = text.trim().split_once('-').ok_or_else(err)?;
        let (Some(y), Some(m)) = (digits(y, 4), digits(m, 2)) else {
            return Err(err());
        };
        let Ok(m) = u32::try_from(m) else {
            return Err(err());
        };
        Self::new(y.into(), m).ok_or_else(err)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.year(),
            self.month().number(),
            self.day()
        )
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn parses_iso_and_long_dates() {
        assert_eq!("2026-04-01".parse(), Ok(date(2026, 4, 1)));
        assert_eq!("2024-02-29".parse(), Ok(date(2024, 2, 29)));
        assert_eq!(Date::parse_long("April 1, 2026"), Date::new(2026, 4, 1));
        assert_eq!(Date::parse_long("october 1, 2026"), Date::new(2026, 10, 1));
        assert_eq!(Date::parse_long("October 01, 2026"), Date::new(2026, 10, 1));
        assert_eq!(Date::parse_long("Smarch 1, 2026"), None);
    }

    #[test]
    fn rejects_dates_that_are_not_strict_iso() {
        // `+026` is four characters and parsed as the number 26 by
        // `i32::from_str`; `2025-02-29` and `2026-02-30` do not exist;
        // `2100-02-29` does not either (2100 is not a leap year).
        for bad in [
            "+026-10-01",
            "2026-1-01",
            "2026-01-1",
            "2026-02-30",
            "2025-02-29",
            "2100-02-29",
            "2026-+1-01",
            "2026-01-+1",
            "20261001",
            "2026-10-01T00:00",
            "0000-01-01",
            "２０２６-10-01",
            "",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad} should not parse");
        }
        for bad in [
            "October 1, +026",
            "October +1, 2026",
            "October 1, 26",
            "October 100, 2026",
            "February 30, 2026",
        ] {
            assert_eq!(Date::parse_long(bad), None, "{bad} should not parse");
        }
    }

    #[test]
    fn parses_months() {
        assert_eq!("2026-11".parse(), Ok(Month::of(2026, 11)));
        for bad in [
            "2026-13", "2026-00", "26-11", "2026/11", "2026-1", "", "2026-+1", "+026-11",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn today_is_a_date_in_range() {
        assert!((1..=9999).contains(&today().year()));
        assert_eq!(today().month().first_day().day(), 1);
    }

    #[test]
    fn months_apart() {
        // 2026-01 is 3 months after 2025-10 and 12 after 2025-01.
        assert_eq!(Month::of(2026, 1).months_since(Month::of(2025, 10)), 3);
        assert_eq!(Month::of(2026, 1).months_since(Month::of(2025, 1)), 12);
        assert_eq!(Month::of(2025, 10).months_since(Month::of(2026, 1)), -3);
    }

    #[test]
    fn dates_order_chronologically_and_display_as_iso() {
        assert!(Date::new(2025, 12, 31) < Date::new(2026, 1, 1));
        assert!(Month::new(2026, 3).map(Month::first_day) < Date::new(2026, 4, 1));
        assert_eq!(date(987, 6, 5).to_string(), "0987-06-05");
        assert_eq!(Month::of(2026, 4).to_string(), "2026-04");
    }
}
