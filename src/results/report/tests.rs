//! The report of the ledger's hand-worked fixture (`results::tests`), read with the
//! demo's own messages in both languages.

use std::path::Path;

use super::report;
use crate::render::locales::Locales;
use crate::results::{Dimension, Results};

/// The fixture's results and the demo's locales (English and Russian).
fn fixture() -> (Results, Locales) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = crate::load::sources::settings(root).unwrap();
    let locales = Locales::load(root, &settings).unwrap();
    (crate::results::tests::run().0, locales)
}

/// `s` with `~` as a no-break space.
fn nb(s: &str) -> String {
    s.replace('~', "\u{a0}")
}

#[test]
fn the_english_report_has_the_figures_charts_and_tables() {
    let (results, locales) = fixture();
    let html = report(&results, &locales, "en").unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<h1>Referral program results</h1>"));
    // us: revenue 171.00, rewards 4 × 150, ROI (171 − 600) / 600; ru: rewards 38,400.
    for figure in ["$171", "$600", "-71.5%", "₽38,400", "₽5,000"] {
        assert!(html.contains(figure), "no {figure}");
    }
    assert!(html.contains("Market us (USD)") && html.contains("Market ru (RUB)"));
    let charts = html.matches("<svg ").count();
    assert!(charts >= 6, "{charts} charts");
    assert_eq!(html.matches("role=\"img\"").count(), charts);
    assert_eq!(html.matches("<title>").count(), charts + 1);
    for title in [
        "Funnel: clicks, sign-ups, customers",
        "Customers by channel",
        "Time to decide, in days",
        "Pilot partners and the rest: click to customer",
    ] {
        assert!(
            html.contains(&format!("aria-label=\"{title}\"")),
            "no chart {title}"
        );
    }
    for caption in ["By channel", "By partner", "By month", "Pilot and the rest"] {
        assert!(html.contains(&format!("<caption>{caption}</caption>")));
    }
    assert!(html.contains("Rewards: held, due and paid") && html.contains("Unknown referral code"));
    assert!(
        !html.contains("<script") && !html.contains("report-"),
        "{html}"
    );
}

#[test]
fn the_russian_report_reads_in_russian_with_its_numbers() {
    let (results, locales) = fixture();
    let html = report(&results, &locales, "ru").unwrap();
    assert!(html.contains("<html lang=\"ru\">"));
    assert!(html.contains("<h1>Итоги партнёрской программы</h1>"));
    assert!(html.contains(&nb("«Пилот» и~остальные")), "{html}");
    for figure in ["38~400~₽", "5~000~₽", "-71,5~%"] {
        assert!(html.contains(&nb(figure)), "no {figure}");
    }
    let end = html
        .lines()
        .find(|l| l.contains("Данные"))
        .unwrap_or_default();
    // CLDR's long date, with its narrow no-break space before «г.».
    assert_eq!(
        end,
        "<p>Данные по\u{a0}20 июля 2026\u{202f}г. включительно.</p>"
    );
    assert!(html.contains("Воронка: переходы, регистрации, клиенты"));
}

#[test]
fn names_from_the_data_are_escaped_and_the_bytes_repeat() {
    let (mut results, locales) = fixture();
    let rows = results.tables.get_mut(&Dimension::Partner).unwrap();
    rows[0].key = "<script>alert(\"x\")</script>&co".to_owned();
    // The rewards' summary names markets, not customers (those are in rewards.csv).
    results.payouts[0].market = "<b>m1</b>".to_owned();
    let html = report(&results, &locales, "en").unwrap();
    assert!(!html.contains("<script>") && !html.contains("<b>m1"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;co"));
    assert!(html.contains("&lt;b&gt;m1&lt;/b&gt;"));
    assert_eq!(html, report(&results, &locales, "en").unwrap());
}

#[test]
fn a_language_the_site_lacks_is_an_error_not_a_panic() {
    let (results, locales) = fixture();
    assert!(report(&results, &locales, "de").is_err());
}
