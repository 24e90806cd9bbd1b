//! Calendar dates without a clock.
//!
//! Playbook cadences place touches at day offsets from a start date, and that date
//! must come from the project (the registry, `--start` or `SOURCE_DATE_EPOCH`), never
//! from the machine's clock, so the same input always gives the same calendar. A
//! [`Date`] is a day count since 1970-01-01 in the proleptic Gregorian calendar.

use std::fmt;

/// A calendar day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i64,
}

impl Date {
    /// Parses `YYYY-MM-DD` (a real calendar day, 1970 or later).
    pub fn parse(text: &str) -> Option<Date> {
        if !is_date(text) {
            return None;
        }
        let year: i64 = text[0..4].parse().ok()?;
        let month: i64 = text[5..7].parse().ok()?;
        let day: i64 = text[8..10].parse().ok()?;
        Some(Date {
            days: days_from_civil(year, month, day),
        })
    }

    /// The day that contains the Unix time `seconds` (UTC).
    pub fn from_unix_seconds(seconds: i64) -> Date {
        Date {
            days: seconds.div_euclid(86_400),
        }
    }

    /// The day of `SOURCE_DATE_EPOCH`, when it is set to a number.
    pub fn from_source_date_epoch() -> Option<Date> {
        std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .map(Date::from_unix_seconds)
    }

    /// The date `days` days later.
    pub fn add_days(self, days: u32) -> Date {
        Date {
            days: self.days + i64::from(days),
        }
    }

    /// Unix seconds at 00:00:00 UTC of this day.
    pub fn unix_seconds(self) -> i64 {
        self.days * 86_400
    }

    /// (year, month, day).
    pub fn parts(self) -> (i64, i64, i64) {
        civil_date(self.days)
    }

    /// `YYYYMMDD`, the iCalendar DATE form.
    pub fn compact(self) -> String {
        let (y, m, d) = self.parts();
        format!("{y:04}{m:02}{d:02}")
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.parts();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Days since 1970-01-01 of a civil date (the inverse of [`civil_date`]).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date (year, month, day) `days` after 1970-01-01, in the proleptic
/// Gregorian calendar (the days-to-civil algorithm by Howard Hinnant).
pub(crate) fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// True for a plausible `YYYY-MM-DD` date.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|p| p.parse().ok())
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1970 && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_add_days_across_months_and_leap_years() {
        let d = Date::parse("2028-02-27").unwrap();
        assert_eq!(d.to_string(), "2028-02-27");
        assert_eq!(d.add_days(2).to_string(), "2028-02-29");
        assert_eq!(d.add_days(3).to_string(), "2028-03-01");
        assert_eq!(
            Date::parse("2026-12-31").unwrap().add_days(1).compact(),
            "20270101"
        );
        assert_eq!(Date::parse("1970-01-01").unwrap().unix_seconds(), 0);
        assert_eq!(
            Date::from_unix_seconds(1_780_000_000).to_string(),
            "2026-05-28"
        );
        assert!(Date::parse("2026-02-30").is_none());
    }

    #[test]
    fn dates_are_checked_for_real_calendar_days() {
        assert!(is_date("2026-09-14"));
        assert!(is_date("2028-02-29"));
        assert!(!is_date("2026-02-29"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("14.09.2026"));
        assert!(!is_date("2026-9-14"));
    }
}
