//! [`Results`] as the integrator writes them: one formula-safe CSV text per table and
//! the headline figures per market for `summary.json`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{Dimension, Metrics, Results};
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
/// `by_partner`, `by_stage`, `by_tier`, `by_pilot`, `by_month`, `payouts` and
/// `unattributed`. Rows are sorted; cells that a spreadsheet would run as a formula
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
    let header = [
        "due",
        "partner",
        "customer",
        "market",
        "currency",
        "qualified",
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
            p.months.to_string(),
            p.bonus_percent.to_string(),
            p.amount.to_string(),
        ]
    });
    out.insert(
        "payouts".to_owned(),
        csv(std::iter::once(header).chain(rows)),
    );
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
