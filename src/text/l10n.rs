//! Numbers, money and dates, written the way each language's readers expect.
//!
//! Incentives must read as their market expects: `$1,234.50` and `November 24, 2026`
//! in English, `1 234,50 ₽` and `24 ноября 2026 г.` in Russian. Digits, separators and
//! month names come from Unicode CLDR through ICU4X (`icu_decimal`, `icu_datetime`,
//! compiled data), never from hand-written tables, and nothing reads the clock: the
//! same input gives the same text on every machine.
//!
//! ICU4X has no stable currency formatter yet (it lives in `icu_experimental`), so
//! money is the CLDR decimal format plus the currency sign where CLDR's currency
//! pattern puts it: before the number in English (`¤#,##0.00`), after it with a
//! no-break space elsewhere (Russian `#,##0.00 ¤`). Whole amounts are written without
//! kopecks or cents (`$150`, `12 000 ₽`), other amounts with exactly two decimals.
//!
//! One [`Formatter`] per language is made when locales load; templates reach it
//! through the `number`, `money` and `date` filters, Fluent messages through every
//! number they print and the `MONEY` and `DATE` functions (see `locales`).

use fixed_decimal::{Decimal, Sign};
use icu_calendar::cal::Gregorian;
use icu_calendar::Date;
use icu_datetime::fieldsets::YMD;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;

/// Formats numbers, money and dates for one language.
pub(crate) struct Formatter {
    lang: String,
    decimal: DecimalFormatter,
    date: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
}

impl std::fmt::Debug for Formatter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Formatter")
            .field("lang", &self.lang)
            .finish()
    }
}

impl Formatter {
    /// A formatter for `lang`, a BCP 47 language tag such as `en` or `ru`.
    pub(crate) fn new(lang: &str) -> Result<Formatter, String> {
        let locale: Locale = lang
            .parse()
            .map_err(|_| format!("`{lang}` is not a language tag CLDR knows"))?;
        let decimal = DecimalFormatter::try_new((&locale).into(), Default::default())
            .map_err(|e| format!("no CLDR number format for `{lang}`: {e}"))?;
        let date = FixedCalendarDateTimeFormatter::try_new((&locale).into(), YMD::long())
            .map_err(|e| format!("no CLDR date format for `{lang}`: {e}"))?;
        Ok(Formatter {
            lang: lang.to_owned(),
            decimal,
            date,
        })
    }

    /// `value` with the language's digit grouping and decimal sign (`1,234.5`,
    /// `1 234,5`), rounded to at most `max_fraction` digits and padded to at least
    /// `min_fraction`.
    pub(crate) fn decimal(
        &self,
        value: &Decimal,
        min_fraction: Option<u8>,
        max_fraction: Option<u8>,
    ) -> String {
        let mut value = value.clone();
        if let Some(max) = max_fraction {
            value.round(-i16::from(max));
        }
        if let Some(min) = min_fraction {
            value.absolute.pad_end(-i16::from(min));
        }
        self.decimal.format(&value).to_string()
    }

    /// The language this formatter writes for.
    pub(crate) fn lang(&self) -> &str {
        &self.lang
    }

    /// A float as [`Formatter::decimal`] would write it; not-a-number and infinities
    /// are written as Rust writes them.
    pub(crate) fn number(
        &self,
        value: f64,
        min_fraction: Option<u8>,
        max_fraction: Option<u8>,
    ) -> String {
        match decimal_from_f64(value) {
            Some(d) => self.decimal(&d, min_fraction, max_fraction),
            None => value.to_string(),
        }
    }

    /// `amount` of `currency` (ISO 4217): `$1,234.50` in English, `1 234,50 ₽` in Russian.
    pub(crate) fn money(&self, amount: &Decimal, currency: &str) -> String {
        let mut value = amount.clone();
        value.round(-2);
        if value.absolute.nonzero_magnitude_end() >= 0 {
            value.absolute.trim_end();
        } else {
            value.absolute.pad_end(-2);
        }
        let negative = value.sign == Sign::Negative;
        value.sign = Sign::None;
        let number = self.decimal.format(&value).to_string();
        let minus = if negative { "-" } else { "" };
        let code = currency.trim().to_ascii_uppercase();
        let symbol = currency_symbol(&code);
        if self.sign_first() {
            let gap = if symbol.chars().all(|c| c.is_ascii_uppercase()) {
                "\u{a0}"
            } else {
                ""
            };
            format!("{minus}{symbol}{gap}{number}")
        } else {
            format!("{minus}{number}\u{a0}{symbol}")
        }
    }

    /// Whole units of `currency`: the reward amounts of `site.yaml`.
    pub(crate) fn money_units(&self, amount: u64, currency: &str) -> String {
        self.money(&Decimal::from(amount), currency)
    }

    /// A float amount of `currency`, as [`Formatter::money`] writes it.
    pub(crate) fn money_f64(&self, amount: f64, currency: &str) -> String {
        match decimal_from_f64(amount) {
            Some(d) => self.money(&d, currency),
            None => format!("{amount} {currency}"),
        }
    }

    /// `minor` units of `currency`, whose minor unit has `digits` decimals (2 for
    /// cents and kopecks), as [`Formatter::money`] writes it: the results' sums.
    pub(crate) fn money_minor(&self, minor: i64, digits: u32, currency: &str) -> String {
        let mut value = Decimal::from(minor);
        value
            .absolute
            .multiply_pow10(-i16::try_from(digits).unwrap_or(0));
        self.money(&value, currency)
    }

    /// `ratio` (0.125) as a percentage with `fraction` decimals: `12.5%` in English,
    /// `12,5 %` (a no-break space) where CLDR's percent pattern puts a space.
    pub(crate) fn percent(&self, ratio: f64, fraction: u8) -> String {
        let number = self.number(ratio * 100.0, Some(fraction), Some(fraction));
        if self.sign_first() {
            format!("{number}%")
        } else {
            format!("{number}\u{a0}%")
        }
    }

    /// A `YYYY-MM-DD` date in the language's long form: `November 24, 2026`,
    /// `24 ноября 2026 г.`.
    pub(crate) fn date(&self, iso: &str) -> Result<String, String> {
        let not_a_date = || format!("`{iso}` is not a date written as YYYY-MM-DD");
        let mut parts = iso.trim().splitn(3, '-');
        let mut next = |len: usize| -> Result<&str, String> {
            parts
                .next()
                .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(not_a_date)
        };
        let year: i32 = next(4)?.parse().map_err(|_| not_a_date())?;
        let month: u8 = next(2)?.parse().map_err(|_| not_a_date())?;
        let day: u8 = next(2)?.parse().map_err(|_| not_a_date())?;
        let date = Date::try_new_gregorian(year, month, day).map_err(|_| not_a_date())?;
        Ok(self.date.format(&date).to_string())
    }

    /// Whether the currency sign precedes the number (CLDR's currency pattern).
    fn sign_first(&self) -> bool {
        let primary = self.lang.split(['-', '_']).next().unwrap_or_default();
        matches!(primary, "en" | "ja" | "ko" | "zh" | "he" | "th")
    }
}

/// The sign readers know for `currency`, or its ISO code.
fn currency_symbol(currency: &str) -> &str {
    match currency {
        "USD" => "$",
        "RUB" => "₽",
        "EUR" => "€",
        "GBP" => "£",
        other => other,
    }
}

/// An exact decimal from a float, through its shortest round-trip text (Rust never
/// writes floats in exponent form with `{}`).
pub(crate) fn decimal_from_f64(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    value.to_string().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en() -> Formatter {
        Formatter::new("en").unwrap()
    }

    fn ru() -> Formatter {
        Formatter::new("ru").unwrap()
    }

    /// `~` stands for a no-break space.
    fn nb(s: &str) -> String {
        s.replace('~', "\u{a0}")
    }

    #[test]
    fn numbers_group_digits_as_cldr_says() {
        let cases: &[(f64, Option<u8>, &str, &str)] = &[
            (5.0, None, "5", "5"),
            (1234.5, None, "1,234.5", "1~234,5"),
            (1234.5, Some(2), "1,234.50", "1~234,50"),
            (12000.0, None, "12,000", "12~000"),
            (1_000_000.0, None, "1,000,000", "1~000~000"),
            (-42.25, None, "-42.25", "-42,25"),
            (
                0.1 + 0.2,
                None,
                "0.30000000000000004",
                "0,30000000000000004",
            ),
        ];
        for (value, min, english, russian) in cases {
            assert_eq!(en().number(*value, *min, None), *english, "{value}");
            assert_eq!(ru().number(*value, *min, None), nb(russian), "{value}");
        }
        assert_eq!(en().number(2.0 / 3.0, None, Some(2)), "0.67");
        assert_eq!(en().number(f64::NAN, None, None), "NaN");
    }

    #[test]
    fn money_reads_as_each_market_expects() {
        let cases: &[(f64, &str, &str, &str)] = &[
            (1234.5, "USD", "$1,234.50", "1~234,50~$"),
            (1234.5, "RUB", "₽1,234.50", "1~234,50~₽"),
            (150.0, "USD", "$150", "150~$"),
            (12000.0, "RUB", "₽12,000", "12~000~₽"),
            (9.999, "EUR", "€10", "10~€"),
            (5.0, "CHF", "CHF~5", "5~CHF"),
            (7.0, "usd", "$7", "7~$"),
            (-20.5, "USD", "-$20.50", "-20,50~$"),
        ];
        for (amount, currency, english, russian) in cases {
            assert_eq!(
                en().money_f64(*amount, currency),
                nb(english),
                "{amount} {currency}"
            );
            assert_eq!(
                ru().money_f64(*amount, currency),
                nb(russian),
                "{amount} {currency}"
            );
        }
        assert_eq!(ru().money_units(12000, "RUB"), nb("12~000~₽"));
    }

    #[test]
    fn minor_units_and_percentages_read_as_each_language_expects() {
        assert_eq!(en().money_minor(123_450, 2, "USD"), "$1,234.50");
        assert_eq!(en().money_minor(-15_000, 2, "USD"), "-$150");
        assert_eq!(ru().money_minor(1_200_000, 2, "RUB"), nb("12~000~₽"));
        assert_eq!(en().money_minor(500, 0, "CHF"), nb("CHF~500"));
        assert_eq!(en().percent(0.125, 1), "12.5%");
        assert_eq!(ru().percent(0.125, 1), nb("12,5~%"));
    }

    #[test]
    fn dates_use_the_long_form() {
        assert_eq!(en().date("2026-11-24").unwrap(), "November 24, 2026");
        // CLDR puts a narrow no-break space (U+202F) before the year mark.
        assert_eq!(ru().date("2026-11-24").unwrap(), "24 ноября 2026\u{202f}г.");
        assert_eq!(en().date("2026-04-01").unwrap(), "April 1, 2026");
        assert_eq!(ru().date("2026-04-01").unwrap(), "1 апреля 2026\u{202f}г.");
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "24.11.2026",
            "2026-1-5",
            "",
            "2026-11-24-1",
        ] {
            assert!(en().date(bad).is_err(), "{bad}");
        }
    }
}
