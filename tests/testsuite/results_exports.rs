//! The tracking tools' real exports (issue 32): each preset's fixture, in exactly the
//! shape its tool writes (`tests/testsuite/fixtures/tool-exports/`), built into the minimal project
//! and read back from `manifest/results/`, to figures worked out by hand from the
//! rows. The fixture's partners: ALPHA26 (US, USD, reward 150) and BETA26 (Russia,
//! RUB, reward 12 000, a pilot).

use crate::common::{self, Fixture};

/// The bytes of fixture `name`.
fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testsuite/fixtures/tool-exports")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The minimal project with `files` (fixture, file under `results/`) and `entries`
/// under `results:`, built.
fn built(files: &[(&str, &str)], entries: &str) -> Fixture {
    let f = Fixture::minimal();
    for (name, as_file) in files {
        f.write_bytes(&format!("results/{as_file}"), &fixture(name));
    }
    f.write("site.yaml", &format!("{}results:\n{entries}", common::SITE));
    if let Err(e) = f.build() {
        panic!("the build must succeed:\n{e}");
    }
    f
}

/// The cells of `table`'s row whose first cells are `key`, by header.
fn row(f: &Fixture, table: &str, key: &[&str]) -> std::collections::BTreeMap<String, String> {
    let text = f.read(&format!("manifest/results/{table}.csv"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let found = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|cells| cells.len() >= key.len() && cells[..key.len()] == *key)
        .unwrap_or_else(|| panic!("no row {key:?} in {table}:\n{text}"));
    header
        .iter()
        .zip(found)
        .map(|(h, c)| ((*h).to_owned(), c.to_owned()))
        .collect()
}

/// Asserts the cells named in `want` of `table`'s row `key`.
fn assert_row(f: &Fixture, table: &str, key: &[&str], want: &[(&str, &str)]) {
    let got = row(f, table, key);
    for (column, value) in want {
        assert_eq!(
            got.get(*column).map(String::as_str),
            Some(*value),
            "{table} {key:?} {column}: {got:?}"
        );
    }
}

/// The `rows,events` of cause `cause` in `unattributed.csv`, if listed.
fn unattributed(f: &Fixture, cause: &str) -> Option<(String, String)> {
    let text = f.read("manifest/results/unattributed.csv");
    text.lines().find_map(|l| {
        let cells: Vec<&str> = l.split(',').collect();
        (cells[0] == cause && !cells[1].is_empty())
            .then(|| (cells[1].to_owned(), cells[2].to_owned()))
    })
}

#[test]
fn results_dub_commissions_read_money_with_symbols_clawbacks_and_skip_what_did_not_stand() {
    let f = built(
        &[("dub-commissions.csv", "commissions.csv")],
        "  - { file: results/commissions.csv, format: dub-commissions }\n",
    );
    // US: 40 clicks (one click commission of quantity 40); cus_Ann signs up on 06-02
    // and pays $1,234.56 on 06-05, then a clawback of '-$5.00 is a refund: 123 456 −
    // 500 = 122 956 cents. The fraud and refunded sales did not stand. One reward of
    // 150 USD: ROI = (122 956 − 15 000) / 15 000 = 7.1971.
    assert_row(
        &f,
        "by_market",
        &["us"],
        &[
            ("clicks", "40"),
            ("signups", "1"),
            ("customers", "1"),
            ("click_to_customer", "0.0250"),
            ("revenue_minor", "122956"),
            ("rewards_minor", "15000"),
            ("roi", "7.1971"),
        ],
    );
    // Russia: RUB 2,990.00 with the cell `rub`: 299 000 kopecks; one reward of
    // 12 000 RUB: ROI = (299 000 − 1 200 000) / 1 200 000 = −0.7508.
    assert_row(
        &f,
        "by_market",
        &["ru"],
        &[
            ("customers", "1"),
            ("revenue_minor", "299000"),
            ("rewards_minor", "1200000"),
            ("roi", "-0.7508"),
        ],
    );
    // No click names cus_Ann: she came by her partner's code, under `promo-code`.
    assert_row(
        &f,
        "by_channel",
        &["us", "USD", "promo-code"],
        &[("customers", "1"), ("revenue_minor", "122956")],
    );
    // The sale with no tenant id names no partner: counted, not an error.
    assert_eq!(
        unattributed(&f, "no_partner"),
        Some(("1".to_owned(), "1".to_owned()))
    );
}

#[test]
fn results_dub_events_take_code_channel_and_asset_from_the_destination_url() {
    let f = built(
        &[
            ("dub-clicks.csv", "clicks.csv"),
            ("dub-leads.csv", "leads.csv"),
            ("dub-sales.csv", "sales.csv"),
        ],
        "  - { file: results/clicks.csv, format: dub-events }\n  - { file: results/leads.csv, format: dub-events }\n  - { file: results/sales.csv, format: dub-events }\n",
    );
    // Three clicks on ALPHA26's e-mail link (the fourth has no `ref`), two sign-ups
    // (Ann, and Bo whose name holds a comma), Ann pays $1,234.56 and $49.00: revenue
    // 128 356 cents, one reward: ROI = (128 356 − 15 000) / 15 000 = 7.5571.
    assert_row(
        &f,
        "by_market",
        &["us"],
        &[
            ("clicks", "3"),
            ("signups", "2"),
            ("customers", "1"),
            ("signup_rate", "0.6667"),
            ("customer_rate", "0.5000"),
            ("click_to_customer", "0.3333"),
            ("revenue_minor", "128356"),
            ("roi", "7.5571"),
        ],
    );
    assert_row(
        &f,
        "by_channel",
        &["us", "USD", "email"],
        &[("clicks", "3"), ("signups", "2"), ("customers", "1")],
    );
    assert_row(
        &f,
        "by_month",
        &["us", "USD", "2026-07"],
        &[("revenue_minor", "4900")],
    );
    assert_eq!(
        unattributed(&f, "no_partner"),
        Some(("1".to_owned(), "1".to_owned()))
    );
}

#[test]
fn results_firstpromoter_referrals_count_cancelled_as_customers_who_left() {
    let f = built(
        &[("firstpromoter-referrals.csv", "referrals.csv")],
        "  - { file: results/referrals.csv, format: firstpromoter-referrals }\n",
    );
    // ALPHA26: one sign-up (101), two customers (102 active, 103 cancelled: paid and
    // left); denied and refunded are passed over. No money in this export: two
    // rewards of 150 USD and ROI (0 − 30 000) / 30 000 = −1.
    assert_row(
        &f,
        "by_market",
        &["us"],
        &[
            ("signups", "1"),
            ("customers", "2"),
            ("revenue_minor", "0"),
            ("rewards_minor", "30000"),
            ("roi", "-1.0000"),
        ],
    );
    // BETA26: 106 active; 107 moved is passed over.
    assert_row(
        &f,
        "by_market",
        &["ru"],
        &[("customers", "1"), ("rewards_minor", "1200000")],
    );
}

#[test]
fn results_firstpromoter_commissions_read_sale_amounts_and_negative_sales_as_refunds() {
    let f = built(
        &[("firstpromoter-commissions.csv", "commissions.csv")],
        "  - { file: results/commissions.csv, format: firstpromoter-commissions }\n",
    );
    // cus_102 pays $1,490.00 and $149.00; the denied commission is passed over; the
    // −$149.00 sale is a refund: 149 000 + 14 900 − 14 900 = 149 000 cents.
    assert_row(
        &f,
        "by_market",
        &["us"],
        &[
            ("customers", "1"),
            ("revenue_minor", "149000"),
            ("rewards_minor", "15000"),
            ("roi", "8.9333"),
        ],
    );
}

#[test]
fn results_ga4_downloads_in_english_and_russian_read_past_preamble_totals_and_second_tables() {
    let f = built(
        &[("ga4.csv", "ga4.csv"), ("ga4-ru.csv", "ga4-ru.csv")],
        "  - { file: results/ga4.csv, format: ga4 }\n  - { file: results/ga4-ru.csv, format: ga4 }\n",
    );
    // English (BOM, CRLF): ALPHA26 1,204 e-mail sessions and 12 on the microsite's hero
    // link (`(not set)` medium and content: taken from the landing page's query), so
    // 1 216; BETA26 7. Russian: BETA26 1 204. The Grand total / Итого rows and the
    // second table are not read; /us/start (300) and /ru (50) name no partner.
    assert_row(&f, "by_market", &["us"], &[("clicks", "1216")]);
    assert_row(&f, "by_market", &["ru"], &[("clicks", "1211")]);
    assert_row(
        &f,
        "by_asset",
        &["us", "USD", "landing-hero"],
        &[("clicks", "12")],
    );
    assert_row(
        &f,
        "by_channel",
        &["us", "USD", "email"],
        &[("clicks", "1204")],
    );
    assert_eq!(
        unattributed(&f, "no_partner"),
        Some(("2".to_owned(), "350".to_owned()))
    );
}

#[test]
fn results_yandex_metrica_passes_over_its_totals_row() {
    let f = built(
        &[("yandex-metrica.csv", "metrica.csv")],
        "  - { file: results/metrica.csv, format: yandex-metrica }\n",
    );
    // «Итого и средние» (1 233) is not read: BETA26 1 200 + 30 visits; /ru names no
    // partner (3).
    assert_row(&f, "by_market", &["ru"], &[("clicks", "1230")]);
    assert_row(
        &f,
        "by_channel",
        &["ru", "RUB", "telegram"],
        &[("clicks", "1200")],
    );
    assert_eq!(
        unattributed(&f, "no_partner"),
        Some(("1".to_owned(), "3".to_owned()))
    );
}

#[test]
fn results_bitrix24_in_cp1251_imports_with_its_encoding_named() {
    let f = built(
        &[("bitrix24-cp1251.csv", "deals.csv")],
        "  - { file: results/deals.csv, format: bitrix24, encoding: windows-1251 }\n",
    );
    // Deal 17 (two product lines, read once) won: 35 880,00 «Российский рубль» on
    // Telegram; deal 20 won: 5 980,00 with no channel (a promo code); deal 18 is a
    // lead; deal 19 lost is passed over; deal 21 has no code. Revenue 4 186 000
    // kopecks, two rewards of 12 000 RUB: ROI = (4 186 000 − 2 400 000) / 2 400 000.
    assert_row(
        &f,
        "by_market",
        &["ru"],
        &[
            ("signups", "1"),
            ("customers", "2"),
            ("revenue_minor", "4186000"),
            ("rewards_minor", "2400000"),
            ("roi", "0.7442"),
        ],
    );
    assert_row(
        &f,
        "by_channel",
        &["ru", "RUB", "telegram"],
        &[("customers", "1"), ("revenue_minor", "3588000")],
    );
    assert_row(
        &f,
        "by_channel",
        &["ru", "RUB", "promo-code"],
        &[
            ("signups", "1"),
            ("customers", "1"),
            ("revenue_minor", "598000"),
        ],
    );
}

#[test]
fn results_a_cp1251_file_read_as_auto_fails_naming_the_file_and_the_encoding_to_set() {
    let f = Fixture::minimal();
    f.write_bytes("results/deals.csv", &fixture("bitrix24-cp1251.csv"));
    f.write(
        "site.yaml",
        &format!(
            "{}results:\n  - {{ file: results/deals.csv, format: bitrix24 }}\n",
            common::SITE
        ),
    );
    let out = f.run(&["check"]);
    let stderr = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("results/deals.csv:1:"), "{stderr}");
    assert!(stderr.contains("encoding: windows-1251"), "{stderr}");
    // One message for the file, not one per line.
    assert_eq!(stderr.matches("is not UTF-8").count(), 1, "{stderr}");
}

#[test]
fn results_an_amount_whose_symbol_disagrees_with_the_row_is_an_error_at_the_cell() {
    let f = Fixture::minimal();
    f.write(
        "results/events.csv",
        "date,code,channel,asset,event,customer,amount,currency\n\
         2026-06-02,ALPHA26,,,payment,c1,2 990 ₽,USD\n\
         2026-06-03,ALPHA26,,,payment,c2,,USD\n\
         2026-06-03,,,,click,,,\n",
    );
    f.write(
        "site.yaml",
        &format!(
            "{}results:\n  - {{ file: results/events.csv, format: refkit }}\n",
            common::SITE
        ),
    );
    let out = f.run(&["check"]);
    let stderr = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("results/events.csv:2:33"), "{stderr}");
    assert!(stderr.contains("written in RUB"), "{stderr}");
    // The empty code of line 4 is no partner, not an error.
    assert!(!stderr.contains("events.csv:4"), "{stderr}");
}

#[test]
fn results_rewards_are_held_then_due_a_refund_inside_holding_cancels_and_the_payouts_file_marks_paid(
) {
    let f = Fixture::minimal();
    f.write(
        "results/events.csv",
        "date,code,channel,asset,event,customer,amount,currency\n\
         2026-06-01,ALPHA26,,,payment,c1,49.00,USD\n\
         2026-06-10,ALPHA26,,,payment,c2,49.00,USD\n\
         2026-06-20,ALPHA26,,,refund,c2,49.00,USD\n\
         2026-06-15,ALPHA26,,,payment,c3,49.00,USD\n\
         2026-07-20,ALPHA26,,,payment,c4,49.00,USD\n\
         2026-08-01,ALPHA26,email,,click,,,\n",
    );
    f.write(
        "results/paid.csv",
        "date,partner,customer\n2026-07-05,alpha,c1\n",
    );
    f.write(
        "site.yaml",
        &format!(
            "{}results:\n  - {{ file: results/events.csv, format: refkit }}\n  - {{ file: results/paid.csv, format: paid }}\n",
            common::SITE
        ),
    );
    if let Err(e) = f.build() {
        panic!("{e}");
    }
    // The US holds rewards 30 days (the default). c1 (06-01) is in the payouts file:
    // paid. c2 is refunded 10 days after it converts: cancelled. c3 (06-15) is released
    // on 07-15, before the data ends (08-01): due. c4 (07-20) is held until 08-19.
    let payouts = f.read("manifest/results/payouts.csv");
    assert_eq!(
        payouts,
        "month,partner,market,currency,rewards,held_minor,due_minor,paid_minor,cancelled_minor\r\n\
         2026-06,alpha,us,USD,3,0,15000,15000,15000\r\n\
         2026-07,alpha,us,USD,1,15000,0,0,0\r\n"
    );
    let rewards = f.read("manifest/results/rewards.csv");
    assert!(
        rewards.contains("2026-07-01,alpha,c1,us,USD,2026-06-01,2026-07-01,paid,2026-07-05,"),
        "{rewards}"
    );
    // What is due, in a payment tool's batch shape, one file per market currency.
    assert_eq!(
        f.read("manifest/results/payout-batch-usd.csv"),
        "alpha,150.00,USD,alpha-2026-08-01,Referral rewards due on 2026-08-01\r\n"
    );
    // The cancelled reward is not owed: three rewards of 150 USD.
    assert_row(&f, "by_market", &["us"], &[("rewards_minor", "45000")]);
}
