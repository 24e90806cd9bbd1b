//! Locale-aware formatting of numbers and money.
//!
//! Incentives must read the way each market expects: `$1,500` in English,
//! `1 500 $` in Russian (CLDR uses a no-break space to group digits in Russian and
//! puts the currency sign after the number).

/// Groups the digits of `n` with the separator `lang` uses.
pub fn integer(n: u64, lang: &str) -> String {
    let digits = n.to_string();
    let sep = if lang == "ru" { "\u{a0}" } else { "," };
    // Russian does not group four-digit numbers (CLDR minimumGroupingDigits = 2).
    if lang == "ru" && digits.len() <= 4 {
        return digits;
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// `amount` whole units of `currency`, written for readers of `lang`.
pub fn money(amount: u64, currency: &str, lang: &str) -> String {
    let symbol = match currency {
        "USD" => "$",
        "RUB" => "₽",
        "EUR" => "€",
        "GBP" => "£",
        other => other,
    };
    let number = integer(amount, lang);
    if lang == "ru" {
        format!("{number}\u{a0}{symbol}")
    } else if symbol.len() == 3 && symbol.is_ascii() {
        format!("{symbol}\u{a0}{number}")
    } else {
        format!("{symbol}{number}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_as_each_market_expects() {
        assert_eq!(money(150, "USD", "en"), "$150");
        assert_eq!(money(1500, "USD", "en"), "$1,500");
        assert_eq!(money(12000, "RUB", "ru"), "12\u{a0}000\u{a0}₽");
        assert_eq!(money(1500, "RUB", "ru"), "1500\u{a0}₽");
        assert_eq!(money(150, "USD", "ru"), "150\u{a0}$");
        assert_eq!(money(12000, "RUB", "en"), "₽12,000");
        assert_eq!(money(5, "CHF", "en"), "CHF\u{a0}5");
    }
}
