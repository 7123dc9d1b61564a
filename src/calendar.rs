//! Calendar dates and months, just enough for rate-card effective dates and
//! `--month YYYY-MM`: no time zones, no arithmetic beyond "which is newer".

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

/// A proleptic Gregorian calendar date. Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Four-digit year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, 1 to 31 (checked against the month's length).
    pub day: u32,
}

/// A calendar month, the billing period. Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// Four-digit year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
}

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

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl Date {
    /// Builds a date, or `None` when the day does not exist.
    #[must_use]
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day))
        .then_some(Self { year, month, day })
    }

    /// Today in UTC, from the system clock.
    #[must_use]
    pub fn today_utc() -> Self {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let days = i64::try_from(secs / 86_400).unwrap_or(0);
        civil_from_days(days)
    }

    /// The month this date falls in.
    #[must_use]
    pub fn month(self) -> Month {
        Month {
            year: self.year,
            month: self.month,
        }
    }

    /// Parses Meta's long form, `April 1, 2026` (case-insensitive month name).
    #[must_use]
    pub fn parse_long(text: &str) -> Option<Self> {
        let text = text.trim();
        let (name, rest) = text.split_once(char::is_whitespace)?;
        let month = MONTH_NAMES
            .iter()
            .position(|m| m.eq_ignore_ascii_case(name))?;
        let (day, year) = rest.split_once(',')?;
        let day: u32 = day.trim().parse().ok()?;
        let year: i32 = year.trim().parse().ok()?;
        Self::new(year, u32::try_from(month).ok()? + 1, day)
    }
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to a date.
fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date {
        year: i32::try_from(year).unwrap_or(i32::MAX),
        month: u32::try_from(month).unwrap_or(1),
        day: u32::try_from(day).unwrap_or(1),
    }
}

impl Month {
    /// Builds a month, or `None` when out of range.
    #[must_use]
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// The first day of the month: a rate card applies to a month when it
    /// took effect on or before this day.
    #[must_use]
    pub fn first_day(self) -> Date {
        Date {
            year: self.year,
            month: self.month,
            day: 1,
        }
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
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(err());
        }
        let (Ok(y), Ok(m), Ok(d)) = (y.parse(), m.parse(), d.parse()) else {
            return Err(err());
        };
        Self::new(y, m, d).ok_or_else(err)
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
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let (Ok(y), Ok(m)) = (y.parse(), m.parse()) else {
            return Err(err());
        };
        Self::new(y, m).ok_or_else(err)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_and_long_dates() {
        assert_eq!(
            "2026-04-01".parse(),
            Ok(Date {
                year: 2026,
                month: 4,
                day: 1
            })
        );
        assert_eq!(Date::parse_long("April 1, 2026"), Date::new(2026, 4, 1));
        assert_eq!(Date::parse_long("october 1, 2026"), Date::new(2026, 10, 1));
        assert!("2026-02-30".parse::<Date>().is_err());
        assert!("2026-4-1".parse::<Date>().is_err());
        assert_eq!(Date::parse_long("Smarch 1, 2026"), None);
    }

    #[test]
    fn parses_months() {
        assert_eq!(
            "2026-11".parse(),
            Ok(Month {
                year: 2026,
                month: 11
            })
        );
        for bad in [
            "2026-13", "2026-00", "26-11", "2026/11", "2026-1", "", "2026-+1",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn civil_from_days_matches_known_dates() {
        // 1970-01-01 is day 0; 2000-03-01 is day 11017; 2026-11-25 is day 20782.
        assert_eq!(
            civil_from_days(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(
            civil_from_days(11_017),
            Date {
                year: 2000,
                month: 3,
                day: 1
            }
        );
        assert_eq!(
            civil_from_days(20_782),
            Date {
                year: 2026,
                month: 11,
                day: 25
            }
        );
    }

    #[test]
    fn dates_order_chronologically() {
        assert!(Date::new(2025, 12, 31) < Date::new(2026, 1, 1));
        assert!(Month::new(2026, 3).map(Month::first_day) < Date::new(2026, 4, 1));
    }
}
