//! The cells of a result file as values: days in the formats exports use, amounts in
//! minor units whatever the locale wrote them in, counts. Each parser says what is
//! wrong in words a person can act on; the reader adds the file, line and column.

use crate::base::dates::Date;

/// Currencies without minor units (ISO 4217 exponent 0): an amount in them is whole.
pub(super) const ZERO_DECIMAL: [&str; 9] = [
    "CLP", "ISK", "JPY", "KRW", "PYG", "UGX", "VND", "XAF", "XOF",
];

/// Digits after the decimal separator in `currency`'s minor unit.
pub(super) fn decimals(currency: &str) -> u32 {
    if ZERO_DECIMAL.contains(&currency) {
        0
    } else {
        2
    }
}

/// Thousands separators spreadsheets write: a space, a no-break space (Excel in a
/// Russian locale) and a narrow no-break space (CLDR's Russian grouping).
const GROUPING: [char; 3] = [' ', '\u{a0}', '\u{202f}'];

/// Digits grouped by thousands (`1 234 567`, `1,234`): the first group one to three
/// digits, every later one three. `None` when `text` is not such a number.
fn grouped(text: &str, separators: &[char]) -> Option<String> {
    let groups: Vec<&str> = text.split(|c| separators.contains(&c)).collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match groups.as_slice() {
        [one] => digits(one),
        [first, rest @ ..] => {
            digits(first) && first.len() <= 3 && rest.iter().all(|g| g.len() == 3 && digits(g))
        }
        [] => false,
    };
    ok.then(|| groups.concat())
}

/// A decimal number as a sign and its digits: (negative, whole part, fraction digits).
/// With `whole`, a lone `,` or `.` before three digits groups thousands (`1,204`
/// visits); otherwise it is the decimal separator (`12,50`).
fn decimal(text: &str, whole: bool) -> Result<(bool, String, String), String> {
    let text = text.trim_matches(|c: char| c.is_whitespace() || GROUPING.contains(&c));
    let (negative, body) = match text.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if body.is_empty() {
        return Err("there is no number".to_owned());
    }
    let not_a_number = || "it is not a number".to_owned();
    if whole {
        let mut separators = GROUPING.to_vec();
        separators.extend([',', '.']);
        if let Some(digits) = grouped(body, &separators) {
            return Ok((negative, digits, String::new()));
        }
    }
    // The decimal separator is the last `.` or `,`; the other one, when both appear,
    // groups thousands (`1,234.50`, `1.234,50`). One of them repeated alone groups
    // thousands (`1,234,567`).
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let separator = match (dots, commas) {
        (0, 0) => None,
        (_, 0) if dots > 1 => None,
        (0, _) if commas > 1 => None,
        _ => body.rfind(['.', ',']),
    };
    let (int, fraction) = match separator {
        Some(i) => (&body[..i], &body[i + 1..]),
        None => (body, ""),
    };
    let mut separators = GROUPING.to_vec();
    separators.push(match separator.map(|i| &body[i..=i]) {
        Some(".") => ',',
        Some(",") => '.',
        _ if dots > 1 => '.',
        _ => ',',
    });
    let int = grouped(int, &separators).ok_or_else(not_a_number)?;
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || (separator.is_some() && fraction.is_empty())
    {
        return Err(not_a_number());
    }
    Ok((negative, int, fraction.to_owned()))
}

/// An amount in major units (`149.00`, `1 234,50`, `1,234.50`) as minor units of a
/// currency with `decimals` digits after the separator. Negative amounts are returned
/// negative; the caller decides whether they are allowed.
pub(super) fn amount(text: &str, decimals: u32) -> Result<i64, String> {
    let (negative, whole, fraction) = decimal(text, false)?;
    let significant = fraction.trim_end_matches('0');
    if significant.len() > decimals as usize {
        return Err(format!(
            "it has more digits after the decimal separator than the currency's {decimals}"
        ));
    }
    let too_large = || "it is too large".to_owned();
    let whole: i64 = whole.parse().map_err(|_| too_large())?;
    let mut minor = whole
        .checked_mul(10i64.pow(decimals))
        .ok_or_else(too_large)?;
    let mut scale = 10i64.pow(decimals);
    for digit in significant.bytes() {
        scale /= 10;
        minor = minor
            .checked_add(i64::from(digit - b'0') * scale)
            .ok_or_else(too_large)?;
    }
    Ok(if negative { -minor } else { minor })
}

/// The currency an amount's cell names beside its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Marker {
    /// An ISO 4217 code (`RUB 2,990.00`, `usd 5`) or a symbol with one meaning (`₽`,
    /// `€`, `руб.`).
    Code(String),
    /// `$` alone: USD unless the row or the entry names another dollar.
    Dollar,
}

/// Symbols and abbreviations written beside amounts, with the currency each names;
/// longer spellings first, so `US$` is not read as `$`.
const SYMBOLS: [(&str, Option<&str>); 13] = [
    ("US$", Some("USD")),
    ("руб.", Some("RUB")),
    ("руб", Some("RUB")),
    ("р.", Some("RUB")),
    ("₽", Some("RUB")),
    ("€", Some("EUR")),
    ("£", Some("GBP")),
    ("₸", Some("KZT")),
    ("₴", Some("UAH")),
    ("₹", Some("INR")),
    ("₺", Some("TRY")),
    ("Br", Some("BYN")),
    ("$", None),
];

/// Currencies a lone `$` may stand for, when the row or the entry names one of them.
pub(super) const DOLLARS: [&str; 8] = ["USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"];

/// Splits an amount cell into its number (sign kept) and the currency written beside
/// it, before or after, with or without a space: `$1,234.56`, `RUB 2,990.00`,
/// `2 990 ₽`, `1 234,50 руб.`, `'-$5.00` (the `'` a spreadsheet-safe export puts before
/// a leading `-`), `−5` (U+2212). The number itself is read by [`amount`].
pub(super) fn split_currency(text: &str) -> (String, Option<Marker>) {
    let trim = |s: &str| {
        s.trim_matches(|c: char| c.is_whitespace() || GROUPING.contains(&c))
            .to_owned()
    };
    let mut rest = trim(text);
    if let Some(unquoted) = rest.strip_prefix('\'') {
        rest = trim(unquoted);
    }
    let mut sign = "";
    if let Some(after) = rest.strip_prefix(['-', '\u{2212}']) {
        sign = "-";
        rest = trim(after);
    }
    let mut marker = None;
    for (symbol, code) in SYMBOLS {
        let lower = rest.to_lowercase();
        let found = if lower.starts_with(&symbol.to_lowercase()) {
            rest.get(symbol.len()..).map(str::to_owned)
        } else if lower.ends_with(&symbol.to_lowercase()) {
            rest.get(..rest.len() - symbol.len()).map(str::to_owned)
        } else {
            None
        };
        if let Some(number) = found.filter(|n| has_digit(n)) {
            marker = Some(code.map_or(Marker::Dollar, |c| Marker::Code(c.to_owned())));
            rest = trim(&number);
            break;
        }
    }
    if marker.is_none() {
        let letters = |s: &str| s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic());
        if let Some((code, number)) = rest
            .split_at_checked(3)
            .filter(|(c, n)| letters(c) && has_digit(n))
        {
            marker = Some(Marker::Code(code.to_ascii_uppercase()));
            rest = trim(number);
        } else if let Some((number, code)) = rest
            .len()
            .checked_sub(3)
            .and_then(|i| rest.split_at_checked(i))
            .filter(|(n, c)| letters(c) && has_digit(n))
        {
            marker = Some(Marker::Code(code.to_ascii_uppercase()));
            rest = trim(number);
        }
    }
    (format!("{sign}{rest}"), marker)
}

/// Whether `text` holds a digit (what is left beside a currency is a number).
fn has_digit(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

/// How many events a row stands for: a whole number, 0 or more.
pub(super) fn count(text: &str) -> Result<u64, String> {
    let (negative, whole, fraction) = decimal(text, true)?;
    if negative && whole.bytes().any(|b| b != b'0') {
        return Err("a count cannot be negative".to_owned());
    }
    if fraction.bytes().any(|b| b != b'0') {
        return Err("a count is a whole number".to_owned());
    }
    whole.parse().map_err(|_| "it is too large".to_owned())
}

/// The day of a date or date-time in any of the forms exports use:
/// `2026-06-01`, `2026-06-01T10:00:00Z` (and other offsets: the UTC day),
/// `2026-06-01 10:00:00` (taken as UTC), `20260601` (GA4), `01.06.2026` (day first,
/// as Russian software writes it) and `06/01/2026` (month first, as US software
/// writes it), each optionally followed by a time of day.
pub(super) fn day(text: &str) -> Option<Date> {
    let text = text.trim();
    let b = text.as_bytes();
    let ymd = |y: &str, m: &str, d: &str| Date::parse(&format!("{y}-{m}-{d}"));
    let two = |s: &str| s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit());
    let four = |s: &str| s.len() == 4 && s.bytes().all(|c| c.is_ascii_digit());
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        return ymd(&text[0..4], &text[4..6], &text[6..8]);
    }
    if b.len() >= 10 && b[4] == b'-' {
        let date = Date::parse(text.get(..10)?)?;
        let rest = &text[10..];
        if rest.is_empty() {
            return Some(date);
        }
        let time = rest.strip_prefix(['T', ' '])?;
        return Some(Date::from_unix_seconds(
            date.unix_seconds() + seconds_in_day(time)?,
        ));
    }
    let (date, _time) = text.split_once([' ', 'T']).unwrap_or((text, ""));
    if let Some((d, rest)) = date.split_once('.') {
        let (m, y) = rest.split_once('.')?;
        return (two(d) && two(m) && four(y)).then(|| ymd(y, m, d))?;
    }
    if let Some((m, rest)) = date.split_once('/') {
        let (d, y) = rest.split_once('/')?;
        let pad = |s: &str| {
            (!s.is_empty() && s.len() <= 2 && s.bytes().all(|c| c.is_ascii_digit()))
                .then(|| format!("{s:0>2}"))
        };
        let (m, d) = (pad(m)?, pad(d)?);
        return four(y).then(|| ymd(y, &m, &d))?;
    }
    None
}

/// Seconds from midnight UTC of a time `HH:MM[:SS[.fff]]` with an optional zone
/// (`Z`, `+03:00`, `-0500`); may fall on the day before or after.
fn seconds_in_day(time: &str) -> Option<i64> {
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => (&time[..i], &time[i..]),
        None => (time, ""),
    };
    let mut parts = clock.split(':');
    let number = |s: Option<&str>, max: i64| -> Option<i64> {
        let s = s?;
        let s = s.split_once('.').map_or(s, |(whole, _)| whole);
        let n: i64 =
            (s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit())).then(|| s.parse().ok())??;
        (n <= max).then_some(n)
    };
    let h = number(parts.next(), 23)?;
    let m = number(parts.next(), 59)?;
    let s = match parts.next() {
        Some(s) => number(Some(s), 60)?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    let shift = match offset {
        "" | "Z" | "z" => 0,
        zone => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let oh: i64 = digits[..2].parse().ok()?;
            let om: i64 = digits[2..].parse().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(h * 3600 + m * 60 + s - shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_every_locale_become_minor_units() {
        assert_eq!(amount("149.00", 2), Ok(14_900));
        assert_eq!(amount("149", 2), Ok(14_900));
        assert_eq!(amount("1 234,50", 2), Ok(123_450));
        assert_eq!(amount("1\u{a0}234,50", 2), Ok(123_450));
        assert_eq!(amount("1\u{202f}234,5", 2), Ok(123_450));
        assert_eq!(amount("1,234.50", 2), Ok(123_450));
        assert_eq!(amount("1.234,50", 2), Ok(123_450));
        assert_eq!(amount("1,234,567", 2), Ok(123_456_700));
        assert_eq!(amount("-5", 2), Ok(-500));
        assert_eq!(amount("12000", 0), Ok(12_000));
        assert_eq!(amount("0.10", 2), Ok(10));
    }

    #[test]
    fn bad_amounts_say_why() {
        assert!(amount("12,345", 2).unwrap_err().contains("more digits"));
        assert!(amount("1.5", 0).unwrap_err().contains("more digits"));
        assert!(amount("abc", 2).unwrap_err().contains("not a number"));
        assert!(amount("12.3.4", 2).unwrap_err().contains("not a number"));
        assert!(amount("12 3,50", 2).unwrap_err().contains("not a number"));
        assert!(amount("", 2).unwrap_err().contains("no number"));
        assert!(amount("99999999999999999999", 2)
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn amounts_with_symbols_and_codes_split_into_number_and_currency() {
        let code = |c: &str| Some(Marker::Code(c.to_owned()));
        let cases = [
            ("$1,234.56", ("1,234.56", Some(Marker::Dollar))),
            ("RUB 2,990.00", ("2,990.00", code("RUB"))),
            ("2\u{a0}990\u{a0}₽", ("2\u{a0}990", code("RUB"))),
            ("1 234,50 руб.", ("1 234,50", code("RUB"))),
            ("'-$5.00", ("-5.00", Some(Marker::Dollar))),
            ("\u{2212}2 990 ₽", ("-2 990", code("RUB"))),
            ("usd 5", ("5", code("USD"))),
            ("12.50EUR", ("12.50", code("EUR"))),
            ("€9", ("9", code("EUR"))),
            ("US$3", ("3", code("USD"))),
            ("149.00", ("149.00", None)),
            ("abc", ("abc", None)),
        ];
        for (text, (number, marker)) in cases {
            assert_eq!(split_currency(text), (number.to_owned(), marker), "{text}");
        }
        let (number, _) = split_currency("2 990 ₽");
        assert_eq!(amount(&number, 2), Ok(299_000));
        let (number, _) = split_currency("'-$5.00");
        assert_eq!(amount(&number, 2), Ok(-500));
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(count("1 204"), Ok(1204));
        assert_eq!(count("3"), Ok(3));
        assert_eq!(count("7,00"), Ok(7));
        assert_eq!(count("1,204"), Ok(1204));
        assert!(count("12,5").unwrap_err().contains("whole"));
        assert!(count("-5").unwrap_err().contains("negative"));
        assert!(count("1,5").unwrap_err().contains("whole"));
    }

    #[test]
    fn dates_in_the_forms_exports_write_them() {
        let d = |s: &str| day(s).map(|d| d.to_string());
        assert_eq!(d("2026-06-01").as_deref(), Some("2026-06-01"));
        assert_eq!(d("2026-06-01T10:00:00Z").as_deref(), Some("2026-06-01"));
        assert_eq!(
            d("2026-06-01T01:00:00+03:00").as_deref(),
            Some("2026-05-31")
        );
        assert_eq!(
            d("2026-06-01T23:30:00.123-0500").as_deref(),
            Some("2026-06-02")
        );
        assert_eq!(d("2026-06-01 10:00:00").as_deref(), Some("2026-06-01"));
        assert_eq!(d("20260601").as_deref(), Some("2026-06-01"));
        assert_eq!(d("01.06.2026").as_deref(), Some("2026-06-01"));
        assert_eq!(d("01.06.2026 10:00").as_deref(), Some("2026-06-01"));
        assert_eq!(d("06/01/2026").as_deref(), Some("2026-06-01"));
        assert_eq!(d("6/1/2026 10:00 AM").as_deref(), Some("2026-06-01"));
        for bad in [
            "2026-02-30",
            "June 1, 2026",
            "2026/06/01",
            "31.02.2026",
            "",
            "2026-06-01T25:00",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }
}
