//! The report's charts: hand-written SVG, one `<figure>` each.
//!
//! Every chart names itself (`role="img"`, an `aria-label` and a `<title>`) and writes
//! its numbers as text beside the marks, so it reads without colour, in print and in a
//! screen reader. Coordinates are whole or one-decimal numbers from integer arithmetic
//! and `{:.1}` formatting, so the bytes never depend on the machine.

use std::fmt::Write as _;

use super::Words;
use crate::render::locales::Arg;
use crate::results::{Dimension, Row};

/// The drawing's width in user units; the page scales it to the column.
const WIDTH: f64 = 400.0;
/// Left and right margin.
const PAD: f64 = 8.0;
/// The bars' colour, dark enough for the labels beside them.
const BAR: &str = "#2b6cb0";

/// Opens a chart's figure and SVG of `height` units, titled `title`.
fn open(html: &mut String, title: &str, height: u32) {
    let _ = write!(
        html,
        "<figure>\n<figcaption>{title}</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
         role=\"img\" aria-label=\"{title}\" viewBox=\"0 0 {WIDTH} {height}\" \
         font-size=\"14\" fill=\"#1a1a1a\">\n<title>{title}</title>\n"
    );
}

/// Closes what [`open`] opened.
fn close(html: &mut String) {
    html.push_str("</svg>\n</figure>\n");
}

/// The width of a bar for `value` of `max`, at least a hairline for a non-zero value.
#[allow(clippy::cast_precision_loss)]
fn bar_width(value: u64, max: u64) -> f64 {
    if max == 0 || value == 0 {
        return 0.0;
    }
    ((WIDTH - 2.0 * PAD) * value as f64 / max as f64).max(1.0)
}

/// A labelled horizontal bar: `label` above it, the bar below, at row `n`.
fn bar(html: &mut String, n: u32, label: &str, width: f64) {
    let y = 20 + n * 44;
    let _ = writeln!(
        html,
        "<text x=\"{PAD}\" y=\"{y}\">{label}</text>\n\
         <rect x=\"{PAD}\" y=\"{}\" width=\"{width:.1}\" height=\"16\" fill=\"{BAR}\"/>",
        y + 6
    );
}

/// Clicks → sign-ups → customers of one market, with the rate of each step.
pub(super) fn funnel(html: &mut String, w: &Words<'_>, row: &Row) {
    let m = &row.metrics;
    open(html, &w.t("chart-funnel"), 3 * 44 + 4);
    let max = m.clicks.max(m.signups).max(m.customers);
    let steps = [
        ("clicks", m.clicks, None),
        ("signups", m.signups, m.signup_rate),
        ("customers", m.customers, m.customer_rate),
    ];
    for (n, (id, value, rate)) in (0u32..).zip(steps) {
        let mut label = format!("{}: {}", w.t(id), w.count(value));
        if let Some(rate) = rate {
            let _ = write!(label, " ({})", w.format.percent(rate, 1));
        }
        bar(html, n, &label, bar_width(value, max));
    }
    close(html);
}

/// Customers per channel of one market, with each channel's share.
pub(super) fn channels(html: &mut String, w: &Words<'_>, rows: &[&Row]) {
    if rows.is_empty() {
        return;
    }
    let total: u64 = rows.iter().map(|r| r.metrics.customers).sum();
    let max = rows.iter().map(|r| r.metrics.customers).max().unwrap_or(0);
    let count = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    open(
        html,
        &w.t("chart-channels"),
        count.saturating_mul(44).saturating_add(4),
    );
    for (n, row) in (0u32..).zip(rows) {
        let customers = row.metrics.customers;
        #[allow(clippy::cast_precision_loss)]
        let share = (total > 0).then(|| customers as f64 / total as f64);
        let label = format!(
            "{}: {} ({})",
            w.key(Dimension::Channel, &row.key),
            w.count(customers),
            w.percent(share)
        );
        bar(html, n, &label, bar_width(customers, max));
    }
    close(html);
}

/// The time to decide of one market as a box: first quartile to third, the median
/// marked, each labelled in days.
pub(super) fn decide(html: &mut String, w: &Words<'_>, row: &Row) {
    let Some(q) = row.metrics.decide_days else {
        return;
    };
    open(html, &w.t("chart-decide"), 112);
    let top = q.q3.max(1) + q.q3.max(1) / 5 + 1;
    #[allow(clippy::cast_precision_loss)]
    let x = |days: i64| PAD + (WIDTH - 2.0 * PAD) * days.max(0) as f64 / top as f64;
    let (x1, xm, x3) = (x(q.q1), x(q.median), x(q.q3));
    let _ = writeln!(
        html,
        "<text x=\"{xm:.1}\" y=\"18\" text-anchor=\"middle\">{}: {}</text>\n\
         <rect x=\"{x1:.1}\" y=\"28\" width=\"{:.1}\" height=\"32\" fill=\"#bee3f8\" \
         stroke=\"{BAR}\" stroke-width=\"2\"/>\n\
         <line x1=\"{xm:.1}\" y1=\"24\" x2=\"{xm:.1}\" y2=\"64\" stroke=\"#1a1a1a\" \
         stroke-width=\"3\"/>\n\
         <line x1=\"{PAD}\" y1=\"76\" x2=\"{:.1}\" y2=\"76\" stroke=\"#888\"/>\n\
         <text x=\"{PAD}\" y=\"92\">0</text>\n\
         <text x=\"{x1:.1}\" y=\"92\" text-anchor=\"end\">{}: {}</text>\n\
         <text x=\"{x3:.1}\" y=\"92\">{}: {}</text>\n\
         <text x=\"{PAD}\" y=\"108\" font-size=\"11\">{}</text>",
        w.t("median"),
        w.days(q.median),
        (x3 - x1).max(1.0),
        WIDTH - PAD,
        w.t("q1"),
        w.count(u64::try_from(q.q1).unwrap_or(0)),
        w.t("q3"),
        w.count(u64::try_from(q.q3).unwrap_or(0)),
        w.text(
            "decide-measured",
            &[(
                "count",
                Arg::Number(f64::from(u32::try_from(q.count).unwrap_or(u32::MAX)))
            )]
        ),
    );
    close(html);
}

/// Pilot partners against the rest of one market: the click-to-customer rate of each.
pub(super) fn pilot(html: &mut String, w: &Words<'_>, rows: &[&Row]) {
    if rows.is_empty() {
        return;
    }
    // Rates drawn in tenths of a percent, so the bars come from integers.
    let per_mille = |r: &Row| {
        r.metrics
            .click_to_customer
            .map_or(0, |v| (v * 1000.0).round().max(0.0) as u64)
    };
    let max = rows.iter().map(|r| per_mille(r)).max().unwrap_or(0);
    let count = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    open(
        html,
        &w.t("chart-pilot"),
        count.saturating_mul(44).saturating_add(4),
    );
    for (n, row) in (0u32..).zip(rows) {
        let label = format!(
            "{}: {} ({} / {})",
            w.key(Dimension::Pilot, &row.key),
            w.percent(row.metrics.click_to_customer),
            w.count(row.metrics.customers),
            w.count(row.metrics.clicks),
        );
        bar(html, n, &label, bar_width(per_mille(row), max));
    }
    close(html);
}
