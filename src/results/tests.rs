//! The ledger on a small fixture whose every figure is worked out by hand in the
//! comments.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::load::testing::TestProject;
use crate::model::results::Format;

/// Two markets: `us` (USD, reward 150, payout 14 days, window 90 days) with `acme`
/// (active) and `pilotco` (pilot); `ru` (RUB, reward 12,000, payout 30 days, window
/// 180 days, bonuses 10 % after 6 months and 20 % after 12) with `anna`, whose
/// partnership started on 2026-01-15.
fn project() -> (tempfile::TempDir, Project) {
    TestProject::new()
        .partners("  - {id: acme, name: Acme, market: us, code: ACME1, stage: active, tier: small, channels: []}\n  - {id: pilotco, name: Pilot, market: us, code: PILOT1, stage: pilot, tier: small, channels: []}\n  - {id: anna, name: Anna, market: ru, code: ANNA1, stage: active, tier: large, channels: [], start: \"2026-01-15\"}\n")
        // No holding in the US here, so its rewards fall due after `payout_days` alone;
        // the Russian market keeps the default 30 days.
        .write(
            "content/playbooks/us.yaml",
            "lead: reward\nmessage: {en: Join, ru: Присоединяйтесь}\nincentives: {reward: 150, payout_days: 14}\nholding_days: 0\nchannels: [email]\n",
        )
        .write(
            "content/playbooks/ru.yaml",
            "lead: trust\nmessage: {en: Join, ru: Присоединяйтесь}\nincentives:\n  reward: 12000\n  payout_days: 30\n  attribution_days: 180\n  bonuses: [{after_months: 12, percent: 20}, {after_months: 6, percent: 10}]\nchannels: [email]\n",
        )
        .load()
}

/// The links the build "issued".
fn attribution(project: &Project) -> Attribution {
    let attribution = Attribution::new(project);
    for (partner, channel, asset) in [
        ("acme", "email", "kit"),
        ("acme", "x", "story-a"),
        ("pilotco", "email", "kit"),
        ("anna", "telegram", "story-x"),
    ] {
        attribution.link(partner, "en", channel, asset).unwrap();
    }
    attribution
}

/// Builds events of one file, numbering lines from 2.
struct Rows {
    file: &'static str,
    line: usize,
}

impl Rows {
    /// An event of `kind` on `day` for `code`, with its channel and asset, and what it
    /// carries: the customer, the amount in minor units and its currency, the count.
    fn event(
        &mut self,
        day: &str,
        code: &str,
        medium: Option<(&str, &str)>,
        kind: EventKind,
        (customer, amount, count): (Option<&str>, Option<(i64, &str)>, u64),
    ) -> Event {
        self.line += 1;
        Event {
            day: Date::parse(day).unwrap(),
            code: code.into(),
            channel: medium.map(|m| m.0.into()),
            asset: medium.map(|m| m.1.into()),
            kind,
            customer: customer.map(Into::into),
            amount: amount.map(|(minor, currency)| Money {
                minor,
                currency: currency.into(),
            }),
            count,
            origin: Origin {
                file: PathBuf::from(self.file),
                line: self.line,
                currency_column: 8,
                code_column: 2,
            },
        }
    }
}

fn file(path: &str, rates: &[(&str, &str, f64)]) -> ResultsFile {
    let mut map: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for (from, to, rate) in rates {
        map.entry((*from).into())
            .or_default()
            .insert((*to).into(), *rate);
    }
    ResultsFile {
        path: PathBuf::from(path),
        format: Format::Refkit,
        currency: None,
        rates: map,
        encoding: crate::model::results::TextEncoding::Auto,
        skip_rows: Vec::new(),
        line: 1,
    }
}

use EventKind::{Click, Customer as Converted, Payment, Refund, Signup};

const KIT: Option<(&str, &str)> = Some(("email", "kit"));
const STORY_A: Option<(&str, &str)> = Some(("x", "story-a"));
const STORY_X: Option<(&str, &str)> = Some(("telegram", "story-x"));

/// The fixture's result files and their events, in file order.
fn fixture() -> Vec<(ResultsFile, Vec<Event>)> {
    let mut files = Vec::new();

    // results/us.csv, no rates.
    let us_file = file("results/us.csv", &[]);
    let mut us = Rows {
        file: "results/us.csv",
        line: 1,
    };
    let events = [
        // Line 2: ten anonymous clicks in one row.
        us.event("2026-01-01", "ACME1", KIT, Click, (None, None, 10)),
        // c1: click, sign-up, conversion on day 9, pays 100.00, 20.00 refunded.
        us.event("2026-01-01", "ACME1", KIT, Click, (Some("c1"), None, 1)),
        us.event("2026-01-05", "ACME1", None, Signup, (Some("c1"), None, 1)),
        us.event(
            "2026-01-10",
            "ACME1",
            None,
            Converted,
            (Some("c1"), None, 1),
        ),
        us.event(
            "2026-01-11",
            "ACME1",
            None,
            Payment,
            (Some("c1"), Some((10_000, "USD")), 1),
        ),
        us.event(
            "2026-02-01",
            "ACME1",
            None,
            Refund,
            (Some("c1"), Some((2_000, "USD")), 1),
        ),
        // c2: converts 90 days after its click (2026-01-01 + 90 = 2026-04-01): inside.
        us.event("2026-01-01", "ACME1", KIT, Click, (Some("c2"), None, 1)),
        us.event("2026-01-02", "ACME1", None, Signup, (Some("c2"), None, 1)),
        us.event(
            "2026-04-01",
            "ACME1",
            None,
            Converted,
            (Some("c2"), None, 1),
        ),
        us.event(
            "2026-04-05",
            "ACME1",
            None,
            Payment,
            (Some("c2"), Some((5_000, "USD")), 1),
        ),
        // c3 (line 12..15): converts 91 days after its click: outside, its 70.00 not counted.
        us.event("2026-01-01", "ACME1", STORY_A, Click, (Some("c3"), None, 1)),
        us.event("2026-01-03", "ACME1", None, Signup, (Some("c3"), None, 1)),
        us.event(
            "2026-04-02",
            "ACME1",
            None,
            Converted,
            (Some("c3"), None, 1),
        ),
        us.event(
            "2026-04-02",
            "ACME1",
            None,
            Payment,
            (Some("c3"), Some((7_000, "USD")), 1),
        ),
        // c5 of the pilot partner: click, conversion and 30.00 on one day.
        us.event("2026-03-01", "PILOT1", KIT, Click, (Some("c5"), None, 1)),
        us.event(
            "2026-03-01",
            "PILOT1",
            None,
            Converted,
            (Some("c5"), None, 1),
        ),
        us.event(
            "2026-03-01",
            "PILOT1",
            None,
            Payment,
            (Some("c5"), Some((3_000, "USD")), 1),
        ),
        // Line 19: an unknown code (5 clicks); line 20: a channel acme was never given;
        // line 21: an asset acme has only on another channel; line 22: no customer.
        us.event("2026-01-01", "NOBODY1", KIT, Click, (None, None, 5)),
        us.event(
            "2026-01-01",
            "ACME1",
            Some(("vk", "kit")),
            Click,
            (None, None, 1),
        ),
        us.event(
            "2026-01-01",
            "ACME1",
            Some(("email", "story-a")),
            Click,
            (None, None, 1),
        ),
        us.event("2026-01-01", "ACME1", None, Signup, (None, None, 1)),
        // Line 23: pounds, and this file has no rate for them: an error.
        us.event(
            "2026-01-12",
            "ACME1",
            None,
            Payment,
            (Some("c1"), Some((500, "GBP")), 1),
        ),
    ];
    files.push((us_file, events.to_vec()));

    // results/eu.csv converts euros: 1 EUR is 1.1 USD.
    let eu_file = file("results/eu.csv", &[("EUR", "USD", 1.1)]);
    let mut eu = Rows {
        file: "results/eu.csv",
        line: 1,
    };
    let events = [
        // c4: decides in 30 days and pays 10.00 EUR = 11.00 USD.
        eu.event("2026-01-20", "ACME1", KIT, Click, (Some("c4"), None, 1)),
        eu.event("2026-01-21", "ACME1", None, Signup, (Some("c4"), None, 1)),
        eu.event(
            "2026-01-25",
            "ACME1",
            None,
            Converted,
            (Some("c4"), None, 1),
        ),
        eu.event(
            "2026-02-19",
            "ACME1",
            None,
            Payment,
            (Some("c4"), Some((1_000, "EUR")), 1),
        ),
    ];
    files.push((eu_file, events.to_vec()));

    // results/ru.csv: anna's partnership started 2026-01-15.
    let ru_file = file("results/ru.csv", &[]);
    let mut ru = Rows {
        file: "results/ru.csv",
        line: 1,
    };
    let events = [
        // r1 qualifies on 2026-07-14: 5 whole months, no bonus.
        ru.event("2026-07-01", "ANNA1", STORY_X, Click, (Some("r1"), None, 1)),
        ru.event(
            "2026-07-14",
            "ANNA1",
            None,
            Converted,
            (Some("r1"), None, 1),
        ),
        // r2 qualifies on 2026-07-15: 6 months, the 10 % step; pays 5,000.00 RUB.
        ru.event("2026-07-01", "ANNA1", STORY_X, Click, (Some("r2"), None, 1)),
        ru.event(
            "2026-07-15",
            "ANNA1",
            None,
            Converted,
            (Some("r2"), None, 1),
        ),
        ru.event(
            "2026-07-20",
            "ANNA1",
            None,
            Payment,
            (Some("r2"), Some((500_000, "RUB")), 1),
        ),
        // r3: 180 days after its click (inside the Russian window); r4: 181 (line 9).
        ru.event("2026-01-20", "ANNA1", STORY_X, Click, (Some("r3"), None, 1)),
        ru.event(
            "2026-07-19",
            "ANNA1",
            None,
            Converted,
            (Some("r3"), None, 1),
        ),
        ru.event("2026-01-20", "ANNA1", STORY_X, Click, (Some("r4"), None, 1)),
        ru.event(
            "2026-07-20",
            "ANNA1",
            None,
            Converted,
            (Some("r4"), None, 1),
        ),
        // r5 (line 11): a refund of a customer who never converted.
        ru.event(
            "2026-07-20",
            "ANNA1",
            None,
            Refund,
            (Some("r5"), Some((100, "RUB")), 1),
        ),
    ];
    files.push((ru_file, events.to_vec()));
    files
}

/// Feeds `files` to a ledger; returns the results and the errors `add` gave.
fn feed(files: &[(ResultsFile, Vec<Event>)]) -> (Results, Vec<Diagnostic>) {
    let (_dir, project) = project();
    let attribution = attribution(&project);
    let mut ledger = Ledger::new(&project, &attribution);
    let mut errors = Vec::new();
    for (file, events) in files {
        ledger.begin_file(file);
        for event in events {
            if let Err(d) = ledger.add(event) {
                errors.push(d);
            }
        }
    }
    (ledger.finish(), errors)
}

/// The whole fixture, in order.
pub(super) fn run() -> (Results, Vec<Diagnostic>) {
    feed(&fixture())
}

#[test]
fn results_do_not_depend_on_the_order_of_files_or_rows() {
    let (forward, _) = run();
    let mut files = fixture();
    files.reverse();
    for (_, events) in &mut files {
        events.reverse();
    }
    let (backward, errors) = feed(&files);
    assert_eq!(errors.len(), 1);
    assert_eq!(forward, backward);
    assert_eq!(csv_tables(&forward), csv_tables(&backward));
}

fn row<'a>(results: &'a Results, dimension: Dimension, market: &str, key: &str) -> &'a Metrics {
    &results.tables[&dimension]
        .iter()
        .find(|r| r.market == market && r.key == key)
        .unwrap_or_else(|| panic!("no {dimension:?} row {market}/{key}"))
        .metrics
}

#[test]
fn funnel_and_rates_count_clicks_signups_and_paying_customers() {
    let (results, _) = run();
    let acme = row(&results, Dimension::Partner, "us", "acme");
    // Clicks: 10 + c1 + c2 + c3 + c4 = 14; sign-ups c1..c4; customers c1, c2, c4.
    assert_eq!((acme.clicks, acme.signups, acme.customers), (14, 4, 3));
    assert_eq!(acme.signup_rate, Some(4.0 / 14.0));
    assert_eq!(acme.customer_rate, Some(0.75));
    assert_eq!(acme.click_to_customer, Some(3.0 / 14.0));
    let email = row(&results, Dimension::Channel, "us", "email");
    // Email: 13 clicks of acme, 1 of pilotco; sign-ups c1, c2, c4; customers c1, c2, c4, c5.
    assert_eq!((email.clicks, email.signups, email.customers), (14, 3, 4));
    let x = row(&results, Dimension::Asset, "us", "story-a");
    assert_eq!(
        (x.clicks, x.signups, x.customers, x.outside_window),
        (1, 1, 0, 1)
    );
    let pilot = row(&results, Dimension::Pilot, "us", "pilot");
    assert_eq!((pilot.clicks, pilot.signups, pilot.customers), (1, 0, 1));
    assert_eq!(pilot.customer_rate, None, "no sign-ups: no rate");
    let rest = row(&results, Dimension::Pilot, "us", "rest");
    assert_eq!(rest.customers, 3);
    let january = row(&results, Dimension::Month, "us", "2026-01");
    assert_eq!((january.clicks, january.customers), (14, 2));
    let april = row(&results, Dimension::Month, "us", "2026-04");
    assert_eq!((april.customers, april.outside_window), (1, 1));
}

#[test]
fn time_to_decide_is_nearest_rank_quartiles_of_click_to_payment() {
    let (results, _) = run();
    // c1 10 days, c4 30, c2 94: ranks ⌈0.75⌉ = 1, ⌈1.5⌉ = 2, ⌈2.25⌉ = 3.
    let acme = row(&results, Dimension::Partner, "us", "acme");
    assert_eq!(
        acme.decide_days,
        Some(Quartiles {
            count: 3,
            q1: 10,
            median: 30,
            q3: 94
        })
    );
    // Eight values 1..=8: ranks 2, 4 and 6.
    let q = Quartiles::of(vec![8, 7, 6, 5, 4, 3, 2, 1]).unwrap();
    assert_eq!((q.q1, q.median, q.q3), (2, 4, 6));
    let q = Quartiles::of(vec![5, 1, 4, 2, 3]).unwrap();
    assert_eq!((q.q1, q.median, q.q3), (2, 3, 4));
    assert_eq!(Quartiles::of(Vec::new()), None);
}

#[test]
fn window_credits_the_last_day_and_not_the_day_after() {
    let (results, _) = run();
    let us = row(&results, Dimension::Market, "us", "us");
    assert_eq!((us.customers, us.outside_window), (4, 1), "c2 in, c3 out");
    let ru = row(&results, Dimension::Market, "ru", "ru");
    assert_eq!((ru.customers, ru.outside_window), (3, 1), "r3 in, r4 out");
    let window = &results.unattributed[&Cause::Window];
    assert_eq!(window.rows, 2);
    let places: Vec<(&str, usize)> = window
        .first
        .iter()
        .map(|p| (p.file.as_str(), p.line))
        .collect();
    assert_eq!(places, [("results/ru.csv", 10), ("results/us.csv", 14)]);
}

#[test]
fn revenue_is_payments_less_refunds_and_converted_at_the_files_rate() {
    let (results, errors) = run();
    let acme = row(&results, Dimension::Partner, "us", "acme");
    // c1 10,000 − 2,000; c2 5,000; c4 1,000 EUR cents × 1.1 = 1,100; c3 not credited.
    assert_eq!(acme.revenue, 14_100);
    assert_eq!(acme.lifetime_value, Some(4_700));
    assert_eq!(acme.revenue_per_referred, Some(3_525));
    let february = row(&results, Dimension::Month, "us", "2026-02");
    assert_eq!(february.revenue, -2_000 + 1_100);
    // The pound payment is an error at its cell, and is not counted.
    assert_eq!(errors.len(), 1, "{errors:?}");
    let d = &errors[0];
    assert_eq!(
        d.file.as_deref(),
        Some(std::path::Path::new("results/us.csv"))
    );
    assert_eq!((d.line, d.column), (Some(23), Some(8)));
    assert!(
        d.message.contains("GBP") && d.message.contains("USD"),
        "{d:?}"
    );
    assert!(
        d.help.as_deref().unwrap_or_default().contains("rates"),
        "{d:?}"
    );
}

#[test]
fn rewards_take_the_bonus_step_reached_and_fall_due_after_payout_days() {
    let (results, _) = run();
    let anna: Vec<(String, String, u32, u32, i64)> = results
        .payouts
        .iter()
        .filter(|p| p.partner == "anna")
        .map(|p| {
            (
                p.customer.clone(),
                p.due.to_string(),
                p.months,
                p.bonus_percent,
                p.amount,
            )
        })
        .collect();
    assert_eq!(
        anna,
        [
            ("r1".into(), "2026-08-13".into(), 5, 0, 1_200_000),
            ("r2".into(), "2026-08-14".into(), 6, 10, 1_320_000),
            ("r3".into(), "2026-08-18".into(), 6, 10, 1_320_000),
        ]
    );
    let c1 = results.payouts.iter().find(|p| p.customer == "c1").unwrap();
    assert_eq!(
        (c1.qualified.to_string(), c1.due.to_string()),
        ("2026-01-10".into(), "2026-01-24".into())
    );
    assert_eq!(c1.amount, 15_000);
    // Payouts are sorted by due date: c1, c4, c5, c2 (April), then anna's.
    let order: Vec<&str> = results
        .payouts
        .iter()
        .map(|p| p.customer.as_str())
        .collect();
    assert_eq!(order, ["c1", "c4", "c5", "c2", "r1", "r2", "r3"]);
}

#[test]
fn a_refund_inside_the_holding_period_cancels_the_reward_and_payouts_show_held_due_and_paid() {
    let (_dir, project) = project();
    let attribution = attribution(&project);
    let mut ledger = Ledger::new(&project, &attribution);
    let ru_file = file("results/ru.csv", &[]);
    ledger.begin_file(&ru_file);
    let mut ru = Rows {
        file: "results/ru.csv",
        line: 1,
    };
    let money = Some((299_000, "RUB"));
    // Anna's market holds rewards 30 days (the default). k1 converts on 03-01 and is
    // refunded on 03-31, the last day held: cancelled. k2 is refunded on 04-01, a day
    // later: its reward stands and is due. k3 converts on 07-01, 19 days before the
    // data ends (07-20): held. k4 is in the payouts file: paid.
    for event in [
        ru.event("2026-03-01", "ANNA1", None, Payment, (Some("k1"), money, 1)),
        ru.event("2026-03-31", "ANNA1", None, Refund, (Some("k1"), money, 1)),
        ru.event("2026-03-01", "ANNA1", None, Payment, (Some("k2"), money, 1)),
        ru.event("2026-04-01", "ANNA1", None, Refund, (Some("k2"), money, 1)),
        ru.event("2026-07-01", "ANNA1", None, Payment, (Some("k3"), money, 1)),
        ru.event("2026-03-02", "ANNA1", None, Payment, (Some("k4"), money, 1)),
        ru.event("2026-07-20", "ANNA1", STORY_X, Click, (None, None, 1)),
    ] {
        ledger.add(&event).unwrap();
    }
    assert!(ledger.paid("anna", "k4", Date::parse("2026-04-15").unwrap()));
    assert!(!ledger.paid("nobody", "k4", Date::parse("2026-04-15").unwrap()));
    let results = ledger.finish();
    let state = |customer: &str| {
        let p = results
            .payouts
            .iter()
            .find(|p| p.customer == customer)
            .unwrap();
        (p.state, p.released.to_string(), p.due.to_string(), p.owed())
    };
    use super::RewardState::{Cancelled, Due, Held, Paid};
    assert_eq!(
        state("k1"),
        (Cancelled, "2026-03-31".into(), "2026-03-31".into(), 0)
    );
    assert_eq!(
        state("k2"),
        (Due, "2026-03-31".into(), "2026-03-31".into(), 1_200_000)
    );
    assert_eq!(
        state("k3"),
        (Held, "2026-07-31".into(), "2026-07-31".into(), 1_200_000)
    );
    assert_eq!(state("k4").0, Paid);
    // The cancelled reward is not owed: three rewards of 12,000 RUB.
    let ru_row = row(&results, Dimension::Market, "ru", "ru");
    assert_eq!(ru_row.rewards, 3_600_000);
}

#[test]
fn roi_is_revenue_less_rewards_over_rewards_per_market() {
    let (results, _) = run();
    let us = row(&results, Dimension::Market, "us", "us");
    // Revenue 14,100 + pilotco's 3,000; rewards 4 × 15,000.
    assert_eq!((us.revenue, us.rewards), (17_100, 60_000));
    assert_eq!(us.roi, Some((17_100.0 - 60_000.0) / 60_000.0));
    let ru = row(&results, Dimension::Market, "ru", "ru");
    assert_eq!((ru.revenue, ru.rewards), (500_000, 3_840_000));
    assert_eq!(ru.roi, Some((500_000.0 - 3_840_000.0) / 3_840_000.0));
    let json = summary(&results);
    assert_eq!(json["markets"]["ru"]["rewards_minor"], 3_840_000);
    assert_eq!(json["markets"]["us"]["currency"], "USD");
    assert_eq!(json["unattributed"]["code"], 1);
}

#[test]
fn unattributed_rows_are_counted_per_cause_with_their_lines() {
    let (results, _) = run();
    let by_cause: Vec<(Cause, u64, u64, Vec<usize>)> = results
        .unattributed
        .iter()
        .map(|(c, u)| {
            (
                *c,
                u.rows,
                u.events,
                u.first.iter().map(|p| p.line).collect(),
            )
        })
        .collect();
    assert_eq!(
        by_cause,
        [
            (Cause::Code, 1, 5, vec![19]),
            (Cause::Channel, 1, 1, vec![20]),
            (Cause::Asset, 1, 1, vec![21]),
            (Cause::Customer, 1, 1, vec![22]),
            (Cause::Window, 2, 2, vec![10, 14]),
            (Cause::Conversion, 1, 1, vec![11]),
        ]
    );
}

#[test]
fn only_the_first_places_of_a_cause_are_listed_but_all_are_counted() {
    let mut entry = Unattributed::default();
    for line in (1..=LISTED_PER_CAUSE + 5).rev() {
        let place = Place {
            file: "results/a.csv".into(),
            line,
        };
        note(&mut entry, place, 2);
    }
    assert_eq!(entry.rows as usize, LISTED_PER_CAUSE + 5);
    assert_eq!(entry.events as usize, 2 * (LISTED_PER_CAUSE + 5));
    let lines: Vec<usize> = entry.first.iter().map(|p| p.line).collect();
    assert_eq!(lines, (1..=LISTED_PER_CAUSE).collect::<Vec<_>>());
}

#[test]
fn tables_are_csv_with_a_header_and_sorted_rows() {
    let (results, _) = run();
    let tables = csv_tables(&results);
    let names: Vec<&str> = tables.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "by_asset",
            "by_channel",
            "by_market",
            "by_month",
            "by_partner",
            "by_pilot",
            "by_stage",
            "by_tier",
            "payout-batch-usd",
            "payouts",
            "rewards",
            "unattributed"
        ]
    );
    let partner: Vec<&str> = tables["by_partner"].lines().collect();
    assert!(partner[0].starts_with("market,currency,partner,clicks,signups,customers,"));
    assert_eq!(
        partner[1].split(',').take(3).collect::<Vec<_>>(),
        ["ru", "RUB", "anna"]
    );
    assert_eq!(
        partner[2].split(',').take(3).collect::<Vec<_>>(),
        ["us", "USD", "acme"]
    );
    // A negative figure stays a number: only a cell a spreadsheet would run is guarded.
    assert!(
        tables["by_month"].contains(",-900,"),
        "{}",
        tables["by_month"]
    );
    assert!(tables["unattributed"].contains("code,,,results/us.csv,19"));
    assert!(
        tables["rewards"]
            .contains("2026-01-24,acme,c1,us,USD,2026-01-10,2026-01-10,due,,0,0,15000"),
        "{}",
        tables["rewards"]
    );
    // Totals per month of qualification and partner: acme's two January rewards (c1 and
    // the EUR file's c4), both due.
    assert!(
        tables["payouts"].contains("2026-01,acme,us,USD,2,0,30000,0,0"),
        "{}",
        tables["payouts"]
    );
    // What is due, as a payment tool's batch: no e-mail in the registry, so the id.
    assert!(
        tables["payout-batch-usd"].starts_with("acme,"),
        "{}",
        tables["payout-batch-usd"]
    );
}

#[test]
fn memory_is_kept_per_customer_not_per_event() {
    let (_dir, project) = project();
    let attribution = attribution(&project);
    let mut ledger = Ledger::new(&project, &attribution);
    // A million events take about half a second here (measured once, not asserted).
    const N: usize = 2_000;
    let mut rows = Rows {
        file: "results/big.csv",
        line: 1,
    };
    for i in 0..N {
        let customer = format!("k{}", i % 10);
        let kind = if i % 2 == 0 { Click } else { Payment };
        let amount = (kind == Payment).then_some((100, "USD"));
        let event = rows.event(
            "2026-01-01",
            "ACME1",
            KIT,
            kind,
            (Some(&customer), amount, 1),
        );
        ledger.add(&event).unwrap();
    }
    assert_eq!(ledger.customers.len(), 10);
    assert_eq!(ledger.clicks.len(), 1);
    let results = ledger.finish();
    let acme = row(&results, Dimension::Partner, "us", "acme");
    // The odd customers only pay: a payment without a customer event converts them,
    // on its own day, inside the window.
    assert_eq!(
        (acme.clicks, acme.customers, acme.revenue),
        (1_000, 5, 100_000)
    );
}

#[test]
fn extreme_amounts_saturate_instead_of_panicking() {
    let (_dir, project) = project();
    let attribution = attribution(&project);
    let mut ledger = Ledger::new(&project, &attribution);
    let mut rows = Rows {
        file: "results/odd.csv",
        line: 1,
    };
    let events = [
        rows.event(
            "2026-01-01",
            "ACME1",
            KIT,
            Click,
            (Some("z"), None, u64::MAX),
        ),
        rows.event("2026-01-01", "ACME1", KIT, Click, (None, None, u64::MAX)),
        rows.event(
            "2026-01-02",
            "ACME1",
            None,
            Payment,
            (Some("z"), Some((i64::MAX, "USD")), 1),
        ),
        rows.event(
            "2026-01-02",
            "ACME1",
            None,
            Payment,
            (Some("z"), Some((i64::MAX, "USD")), 1),
        ),
        rows.event(
            "2026-01-03",
            "ACME1",
            None,
            Refund,
            (Some("y"), Some((i64::MIN, "USD")), 1),
        ),
    ];
    for event in &events {
        ledger.add(event).unwrap();
    }
    let results = ledger.finish();
    let acme = row(&results, Dimension::Partner, "us", "acme");
    assert_eq!((acme.clicks, acme.revenue), (u64::MAX, i64::MAX));
}

#[test]
fn a_payment_naming_no_customer_is_unattributed_before_its_currency_is_checked() {
    let (_dir, project) = project();
    let attribution = attribution(&project);
    let mut ledger = Ledger::new(&project, &attribution);
    let mut rows = Rows {
        file: "results/x.csv",
        line: 1,
    };
    let event = rows.event(
        "2026-01-01",
        "ACME1",
        None,
        Payment,
        (None, Some((5, "GBP")), 1),
    );
    assert_eq!(ledger.add(&event), Ok(()));
    let results = ledger.finish();
    assert_eq!(results.unattributed[&Cause::Customer].first[0].line, 2);
}
