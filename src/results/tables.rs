//! [`Results`] as the integrator writes them: one formula-safe CSV text per table and
//! the headline figures per market for `summary.json`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{Dimension, Metrics, Results, RewardState};
use crate::output::csv;

/// A ratio with four decimals, or an empty cell when it is undefined.
fn ratio(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!("{v:.4}"))
}

/// An optional whole number, or an empty cell.
fn whole(value: Option<i64>) -> String {
    value.map_or_else(String::new, |v| v.to_string())
}

/// The metric columns, in order.
const METRIC_HEADER: [&str; 16] = [
    "clicks",
    "signups",
    "customers",
    "outside_window",
    "signup_rate",
    "customer_rate",
    "click_to_customer",
    "decide_count",
    "decide_q1_days",
    "decide_median_days",
    "decide_q3_days",
    "revenue_minor",
    "lifetime_value_minor",
    "rewards_minor",
    "revenue_per_referred_minor",
    "roi",
];

/// The cells of [`METRIC_HEADER`] for `m`.
fn metric_cells(m: &Metrics) -> Vec<String> {
    let q = m.decide_days;
    vec![
        m.clicks.to_string(),
        m.signups.to_string(),
        m.customers.to_string(),
        m.outside_window.to_string(),
        ratio(m.signup_rate),
        ratio(m.customer_rate),
        ratio(m.click_to_customer),
        q.map_or(0, |q| q.count).to_string(),
        whole(q.map(|q| q.q1)),
        whole(q.map(|q| q.median)),
        whole(q.map(|q| q.q3)),
        m.revenue.to_string(),
        whole(m.lifetime_value),
        m.rewards.to_string(),
        whole(m.revenue_per_referred),
        ratio(m.roi),
    ]
}

/// Every table as CSV text, by name: `by_market`, `by_channel`, `by_asset`,
/// `by_partner`, `by_stage`, `by_tier`, `by_pilot`, `by_month`, `rewards`, `payouts`
/// (totals by month and partner), `payout-batch-<currency>` and `unattributed`. Rows are sorted; cells that a spreadsheet would run as a formula
/// are neutralised by `output::csv`.
pub(crate) fn csv_tables(results: &Results) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for dimension in Dimension::ALL {
        let mut header = vec!["market".to_owned(), "currency".to_owned()];
        if dimension != Dimension::Market {
            header.push(dimension.name().to_owned());
        }
        header.extend(METRIC_HEADER.iter().map(|h| (*h).to_owned()));
        let rows = results
            .tables
            .get(&dimension)
            .into_iter()
            .flatten()
            .map(|r| {
                let mut cells = vec![r.market.clone(), r.currency.clone()];
                if dimension != Dimension::Market {
                    cells.push(r.key.clone());
                }
                cells.extend(metric_cells(&r.metrics));
                cells
            });
        out.insert(
            format!("by_{}", dimension.name()),
            csv(std::iter::once(header).chain(rows)),
        );
    }
    out.insert("rewards".to_owned(), rewards(results));
    out.insert("payouts".to_owned(), payout_totals(results));
    for (currency, text) in payout_batches(results) {
        out.insert(format!("payout-batch-{}", currency.to_lowercase()), text);
    }
    // One row per listed place, then one per cause for the rows not listed.
    let header = ["cause", "rows", "events", "file", "line"]
        .map(str::to_owned)
        .to_vec();
    let mut rows = Vec::new();
    for (cause, u) in &results.unattributed {
        let total = [
            cause.name().to_owned(),
            u.rows.to_string(),
            u.events.to_string(),
        ];
        rows.push(
            total
                .iter()
                .cloned()
                .chain([String::new(), String::new()])
                .collect(),
        );
        for place in &u.first {
            rows.push(vec![
                cause.name().to_owned(),
                String::new(),
                String::new(),
                place.file.clone(),
                place.line.to_string(),
            ]);
        }
    }
    out.insert(
        "unattributed".to_owned(),
        csv(std::iter::once(header).chain(rows)),
    );
    out
}

/// `rewards.csv`: every reward, by due date, partner and customer, with where it
/// stands when the data ends.
fn rewards(results: &Results) -> String {
    let header = [
        "due",
        "partner",
        "customer",
        "market",
        "currency",
        "qualified",
        "released",
        "state",
        "paid_on",
        "months",
        "bonus_percent",
        "amount_minor",
    ]
    .map(str::to_owned)
    .to_vec();
    let rows = results.payouts.iter().map(|p| {
        vec![
            p.due.to_string(),
            p.partner.clone(),
            p.customer.clone(),
            p.market.clone(),
            p.currency.clone(),
            p.qualified.to_string(),
            p.released.to_string(),
            p.state.name().to_owned(),
            p.paid_on.map(|d| d.to_string()).unwrap_or_default(),
            p.months.to_string(),
            p.bonus_percent.to_string(),
            p.amount.to_string(),
        ]
    });
    csv(std::iter::once(header).chain(rows))
}

/// Per (month of qualification, partner): the rewards, and their amounts by state.
type Totals = BTreeMap<(String, String), (String, String, u64, [i64; 4])>;

/// The rewards summed by month and partner.
pub(crate) fn totals(results: &Results) -> Totals {
    let mut totals: Totals = BTreeMap::new();
    for p in &results.payouts {
        let (y, m, _) = p.qualified.parts();
        let entry = totals
            .entry((format!("{y:04}-{m:02}"), p.partner.clone()))
            .or_insert_with(|| (p.market.clone(), p.currency.clone(), 0, [0; 4]));
        entry.2 += 1;
        let at = RewardState::ALL
            .iter()
            .position(|s| *s == p.state)
            .unwrap_or(0);
        entry.3[at] = entry.3[at].saturating_add(p.amount);
    }
    totals
}

/// `payouts.csv`: the rewards of each partner and month (of qualification), with
/// the amounts held, due, paid and cancelled.
fn payout_totals(results: &Results) -> String {
    let mut header: Vec<String> = ["month", "partner", "market", "currency", "rewards"]
        .map(str::to_owned)
        .to_vec();
    header.extend(
        RewardState::ALL
            .iter()
            .map(|s| format!("{}_minor", s.name())),
    );
    let rows =
        totals(results)
            .into_iter()
            .map(|((month, partner), (market, currency, n, sums))| {
                let mut cells = vec![month, partner, market, currency, n.to_string()];
                cells.extend(sums.iter().map(i64::to_string));
                cells
            });
    csv(std::iter::once(header).chain(rows))
}

/// One payment batch per market currency, for what is due: PayPal Payouts' bulk
/// upload CSV (no header; recipient, amount, currency, reference, note), one line per
/// partner. The recipient is the partner's contact e-mail, else its id for the agency
/// to fill in; the reference is the partner's id and the day the data ends.
fn payout_batches(results: &Results) -> BTreeMap<String, String> {
    let mut due: BTreeMap<(String, String), i64> = BTreeMap::new();
    for p in results
        .payouts
        .iter()
        .filter(|p| p.state == RewardState::Due)
    {
        let sum = due
            .entry((p.currency.clone(), p.partner.clone()))
            .or_default();
        *sum = sum.saturating_add(p.amount);
    }
    let end = results.data_end.map(|d| d.to_string()).unwrap_or_default();
    let mut rows: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for ((currency, partner), minor) in due {
        let recipient = results
            .partners
            .get(&partner)
            .and_then(|f| f.email.clone())
            .unwrap_or_else(|| partner.clone());
        let digits = super::minor_digits(&currency);
        rows.entry(currency.clone()).or_default().push(vec![
            recipient,
            major(minor, digits),
            currency,
            format!("{partner}-{end}"),
            format!("Referral rewards due on {end}"),
        ]);
    }
    rows.into_iter().map(|(c, r)| (c, csv(r))).collect()
}

/// `minor` units as a decimal with `digits` digits after the point (`149.00`).
fn major(minor: i64, digits: u32) -> String {
    if digits == 0 {
        return minor.to_string();
    }
    let unit = 10_i64.pow(digits);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let unit = unit.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        abs / unit,
        abs % unit,
        width = digits as usize
    )
}

/// The headline figures per market, and the unattributed counts, for
/// `summary.json`: `{"markets": {id: {...}}, "unattributed": {cause: rows}}`.
pub(crate) fn summary(results: &Results) -> Value {
    let markets: serde_json::Map<String, Value> = results
        .tables
        .get(&Dimension::Market)
        .into_iter()
        .flatten()
        .map(|r| {
            let m = &r.metrics;
            (
                r.market.clone(),
                json!({
                    "currency": r.currency,
                    "clicks": m.clicks,
                    "signups": m.signups,
                    "customers": m.customers,
                    "outside_window": m.outside_window,
                    "signup_rate": m.signup_rate,
                    "customer_rate": m.customer_rate,
                    "click_to_customer": m.click_to_customer,
                    "decide_days": m.decide_days,
                    "revenue_minor": m.revenue,
                    "lifetime_value_minor": m.lifetime_value,
                    "rewards_minor": m.rewards,
                    "revenue_per_referred_minor": m.revenue_per_referred,
                    "roi": m.roi,
                }),
            )
        })
        .collect();
    let mut markets = markets;
    for p in &results.payouts {
        if let Some(Value::Object(m)) = markets.get_mut(&p.market) {
            let key = format!("rewards_{}_minor", p.state.name());
            let sum = m.get(&key).and_then(Value::as_i64).unwrap_or(0);
            m.insert(key, json!(sum.saturating_add(p.amount)));
        }
    }
    let unattributed: serde_json::Map<String, Value> = results
        .unattributed
        .iter()
        .map(|(cause, u)| (cause.name().to_owned(), json!(u.rows)))
        .collect();
    json!({
        "data_end": results.data_end.map(|d| d.to_string()),
        "markets": markets,
        "unattributed": unattributed,
    })
}
