//! The agency's report: [`Results`] as one self-contained HTML page per language.
//!
//! The CSV tables are for spreadsheets; this page is for the people who run the
//! program. Per market it shows the headline figures, four charts (the funnel, the
//! channels' customers, the time to decide and pilot against the rest) drawn as inline
//! SVG with their numbers written beside them, so they read without colour, print
//! cleanly and need no script; then every table, the payouts due and what could not be
//! attributed. Words come from the project's Fluent messages (`report-…`), numbers,
//! money and dates from the language's CLDR formatter. Every name a user wrote is
//! escaped, and the same results give the same bytes. The build writes it to
//! `manifest/results/`, never to the public folder.

use std::fmt::Write as _;

use super::tally::NONE;
use super::{minor_digits, pilot, Dimension, Metrics, Results, RewardState, Row};
use crate::base::vocab::messages;
use crate::render::locales::{Arg, Locales};
use crate::text::l10n::Formatter;
use crate::text::markdown::escape_html;

mod charts;

/// The page's styles: readable on a phone, tables that scroll sideways on their own,
/// charts that keep together when printed.
const STYLE: &str = "\
body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1a1a1a;\
background:#fff;margin:0 auto;max-width:72rem;padding:1rem}\
h1{font-size:1.8rem;margin:.5rem 0}h2{font-size:1.4rem;margin:2.5rem 0 .5rem;\
border-bottom:2px solid #1a1a1a}h3{font-size:1.1rem;margin:1.5rem 0 .5rem}\
.headline{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));\
gap:.5rem;margin:0;padding:0}\
.headline div{border:1px solid #ccc;border-radius:4px;padding:.5rem}\
.headline dt{font-size:.85rem;color:#444}.headline dd{margin:0;font-size:1.2rem;\
font-weight:600}.headline dd small{display:block;font-size:.8rem;font-weight:400;color:#444}\
.charts{display:grid;align-items:start;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem;\
margin-top:1rem}\
figure{margin:0;border:1px solid #ccc;border-radius:4px;padding:.5rem;\
break-inside:avoid;page-break-inside:avoid}\
figcaption{font-weight:600;margin-bottom:.25rem}svg{display:block;width:100%;height:auto}\
.scroll{overflow-x:auto;margin-top:1rem}table{border-collapse:collapse;font-size:.9rem;min-width:100%}\
caption{text-align:left;font-weight:600;padding:.25rem 0}\
th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:right;white-space:nowrap}\
th:first-child,td:first-child{text-align:left}thead th{border-bottom:2px solid #1a1a1a}\
.muted{color:#555;white-space:normal}.verdict{max-width:48rem}\
@media print{body{max-width:none;padding:0;font-size:11pt}\
h2{break-before:page;page-break-before:always}h2.first{break-before:auto;\
page-break-before:auto}.scroll{overflow:visible}\
table,figure,.headline div{break-inside:avoid;page-break-inside:avoid}}";

/// The dimensions listed as tables under each market, in order: all but the market
/// itself, whose figures head the section.
fn tables() -> &'static [Dimension] {
    &Dimension::ALL[1..]
}
/// One language's words and number formats.
struct Words<'a> {
    /// The project's messages.
    locales: &'a Locales,
    /// The report's language.
    lang: &'a str,
    /// Its CLDR formatter.
    format: &'a Formatter,
}

impl Words<'_> {
    /// Message `report-<name>` with `args`, HTML-escaped; the id itself when the
    /// project does not define it, so a missing message shows instead of failing the
    /// build.
    fn text(&self, name: &str, args: &[(&str, Arg)]) -> String {
        let id = format!("{}{name}", messages::REPORT_PREFIX);
        self.locales
            .format(self.lang, &id, args)
            .map_or_else(|_| escape_html(&id), |t| escape_html(&t))
    }

    /// Message `report-<id>` without arguments.
    fn t(&self, id: &str) -> String {
        self.text(id, &[])
    }

    /// A count with the language's grouping.
    fn count(&self, n: u64) -> String {
        #[allow(clippy::cast_precision_loss)]
        self.format.number(n as f64, Some(0), Some(0))
    }

    /// A ratio as a percentage, or a dash.
    fn percent(&self, ratio: Option<f64>) -> String {
        ratio.map_or_else(|| "–".to_owned(), |r| self.format.percent(r, 1))
    }

    /// Minor units of `currency`.
    fn money(&self, minor: i64, currency: &str) -> String {
        self.format
            .money_minor(minor, minor_digits(currency), currency)
    }

    /// Optional minor units, or a dash.
    fn money_or_dash(&self, minor: Option<i64>, currency: &str) -> String {
        minor.map_or_else(|| "–".to_owned(), |m| self.money(m, currency))
    }

    /// A number of days, with its plural.
    fn days(&self, days: i64) -> String {
        #[allow(clippy::cast_precision_loss)]
        self.text("days", &[("count", Arg::Number(days as f64))])
    }

    /// A table key as shown: the words of `pilot` and `rest`, escaped names otherwise.
    fn key(&self, dimension: Dimension, key: &str) -> String {
        match (dimension, key) {
            (Dimension::Pilot, "pilot" | "rest") => self.t(&format!("pilot-{key}")),
            (_, k) if k == NONE => self.t("none"),
            _ => escape_html(key),
        }
    }
}

/// The report in `lang`: a complete HTML document. Fails only when the site has no
/// such language.
pub(crate) fn report(results: &Results, locales: &Locales, lang: &str) -> Result<String, String> {
    let words = Words {
        locales,
        lang,
        format: locales.formatter(lang)?,
    };
    let w = &words;
    let mut html = String::with_capacity(64 * 1024);
    let title = w.t("title");
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        lang = escape_html(lang),
    );
    let _ = writeln!(
        html,
        "<p>{}</p>",
        match results.data_end {
            Some(day) => w.text(
                "data-end",
                &[(
                    "date",
                    Arg::Text(w.format.date(&day.to_string()).unwrap_or_default())
                )]
            ),
            None => w.t("no-data"),
        }
    );
    let markets = results
        .tables
        .get(&Dimension::Market)
        .map_or(&[][..], Vec::as_slice);
    for (n, row) in markets.iter().enumerate() {
        market(&mut html, w, results, row, n == 0);
    }
    payouts(&mut html, w, results, markets.is_empty());
    unattributed(&mut html, w, results);
    html.push_str("</body>\n</html>\n");
    Ok(html)
}

/// The rows of `dimension` in `market`.
fn rows<'a>(results: &'a Results, dimension: Dimension, market: &str) -> Vec<&'a Row> {
    results
        .tables
        .get(&dimension)
        .into_iter()
        .flatten()
        .filter(|r| r.market == market)
        .collect()
}

/// One market: headline, charts and tables.
fn market(html: &mut String, w: &Words<'_>, results: &Results, row: &Row, first: bool) {
    let m = &row.metrics;
    let cur = row.currency.as_str();
    let _ = writeln!(
        html,
        "<section>\n<h2{}>{}</h2>",
        if first { " class=\"first\"" } else { "" },
        w.text(
            "market",
            &[
                ("market", Arg::Text(row.market.clone())),
                ("currency", Arg::Text(row.currency.clone())),
            ]
        )
    );
    let decide = m.decide_days.map_or_else(
        || ("–".to_owned(), String::new()),
        |q| {
            (
                w.days(q.median),
                w.text(
                    "decide-quartiles",
                    &[
                        ("q1", Arg::Text(w.count(u64::try_from(q.q1).unwrap_or(0)))),
                        ("q3", Arg::Text(w.count(u64::try_from(q.q3).unwrap_or(0)))),
                        ("count", Arg::Number(q.count as f64)),
                    ],
                ),
            )
        },
    );
    let cells = [
        ("clicks", w.count(m.clicks), String::new()),
        ("signups", w.count(m.signups), rate_note(w, m.signup_rate)),
        (
            "customers",
            w.count(m.customers),
            rate_note(w, m.customer_rate),
        ),
        (
            "click-to-customer",
            w.percent(m.click_to_customer),
            String::new(),
        ),
        ("decide", decide.0, decide.1),
        ("revenue", w.money(m.revenue, cur), String::new()),
        (
            "lifetime-value",
            w.money_or_dash(m.lifetime_value, cur),
            String::new(),
        ),
        ("rewards", w.money(m.rewards, cur), String::new()),
        (
            "revenue-per-referred",
            w.money_or_dash(m.revenue_per_referred, cur),
            String::new(),
        ),
        ("roi", w.percent(m.roi), String::new()),
    ];
    html.push_str("<dl class=\"headline\">\n");
    for (id, value, note) in cells {
        let note = if note.is_empty() {
            note
        } else {
            format!("<small>{note}</small>")
        };
        let _ = writeln!(
            html,
            "<div><dt>{}</dt><dd>{value}{note}</dd></div>",
            w.t(id)
        );
    }
    html.push_str("</dl>\n<div class=\"charts\">\n");
    charts::funnel(html, w, row);
    charts::channels(html, w, &rows(results, Dimension::Channel, &row.market));
    charts::decide(html, w, row);
    charts::pilot(html, w, &rows(results, Dimension::Pilot, &row.market));
    html.push_str("</div>\n");
    pilot_verdict(html, w, results, &row.market);
    for &dimension in tables() {
        table(
            html,
            w,
            dimension,
            &rows(results, dimension, &row.market),
            cur,
        );
    }
    html.push_str("</section>\n");
}

/// The pilot verdict of `market`: whether its pilot partners convert better than the
/// rest, with the 95 % intervals and the method, and how their time to decide
/// compares; nothing when either group has no clicks.
fn pilot_verdict(html: &mut String, w: &Words<'_>, results: &Results, market: &str) {
    let group = |key: &str| {
        rows(results, Dimension::Pilot, market)
            .into_iter()
            .find(|r| r.key == key)
            .map_or((0, 0), |r| (r.metrics.customers, r.metrics.clicks))
    };
    let (pilot_days, rest_days) = results
        .decide_by_group
        .get(market)
        .map_or((&[][..], &[][..]), |(p, r)| (p.as_slice(), r.as_slice()));
    let Some(v) = pilot::verdict(group("pilot"), group("rest"), pilot_days, rest_days) else {
        return;
    };
    let percent = |r: f64| w.format.percent(r, 1);
    let points = |d: f64| {
        let text = w.format.number(d * 100.0, Some(1), Some(1));
        if d > 0.0 {
            format!("+{text}")
        } else {
            // A true minus sign, as both languages set it in print.
            text.replacen('-', "\u{2212}", 1)
        }
    };
    let outcome = match v.outcome {
        pilot::Outcome::Better => "better",
        pilot::Outcome::Worse => "worse",
        pilot::Outcome::Unclear => "unclear",
    };
    #[allow(clippy::cast_precision_loss)]
    let more = v.more_customers.unwrap_or(0) as f64;
    let sentence = w.text(
        &format!("pilot-verdict-{outcome}"),
        &[
            ("pilot", Arg::Text(percent(v.pilot.value))),
            ("pilot-low", Arg::Text(percent(v.pilot.low))),
            ("pilot-high", Arg::Text(percent(v.pilot.high))),
            ("rest", Arg::Text(percent(v.rest.value))),
            ("rest-low", Arg::Text(percent(v.rest.low))),
            ("rest-high", Arg::Text(percent(v.rest.high))),
            ("difference", Arg::Text(points(v.difference.value))),
            ("low", Arg::Text(points(v.difference.low))),
            ("high", Arg::Text(points(v.difference.high))),
            ("more", Arg::Number(more)),
        ],
    );
    let decide = v.decide.map_or_else(
        || w.t("pilot-decide-none"),
        |t| {
            let which = if t.p < 0.05 {
                if t.z > 0.0 {
                    "pilot-decide-slower"
                } else {
                    "pilot-decide-faster"
                }
            } else {
                "pilot-decide-same"
            };
            w.text(
                which,
                &[("p", Arg::Text(w.format.number(t.p, Some(2), Some(2))))],
            )
        },
    );
    let _ = writeln!(
        html,
        "<p class=\"verdict\"><strong>{}</strong> {sentence} {decide}</p>",
        w.t("pilot-verdict")
    );
}

/// "38.5% of the step before", or nothing without a rate.
fn rate_note(w: &Words<'_>, rate: Option<f64>) -> String {
    rate.map_or_else(String::new, |r| {
        w.text(
            "of-previous",
            &[("rate", Arg::Text(w.format.percent(r, 1)))],
        )
    })
}

/// One table of a market's rows by `dimension`.
fn table(html: &mut String, w: &Words<'_>, dimension: Dimension, rows: &[&Row], currency: &str) {
    if rows.is_empty() {
        return;
    }
    let name = dimension.name();
    let _ = write!(
        html,
        "<div class=\"scroll\"><table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th>",
        w.t(&format!("by-{name}")),
        w.t(&format!("dimension-{name}")),
    );
    for id in [
        "clicks",
        "signups",
        "customers",
        "click-to-customer",
        "decide-median",
        "revenue",
        "lifetime-value",
        "rewards",
        "roi",
    ] {
        let _ = write!(html, "<th scope=\"col\">{}</th>", w.t(id));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        let m: &Metrics = &row.metrics;
        let median = m
            .decide_days
            .map_or_else(|| "–".to_owned(), |q| w.days(q.median));
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{median}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            w.key(dimension, &row.key),
            w.count(m.clicks),
            w.count(m.signups),
            w.count(m.customers),
            w.percent(m.click_to_customer),
            w.money(m.revenue, currency),
            w.money_or_dash(m.lifetime_value, currency),
            w.money(m.rewards, currency),
            w.percent(m.roi),
        );
    }
    html.push_str("</tbody>\n</table></div>\n");
}

/// The payouts due, by due date.
fn payouts(html: &mut String, w: &Words<'_>, results: &Results, first: bool) {
    let _ = writeln!(
        html,
        "<section>\n<h2{}>{}</h2>",
        if first { " class=\"first\"" } else { "" },
        w.t("payouts")
    );
    if results.payouts.is_empty() {
        let _ = writeln!(html, "<p>{}</p>\n</section>", w.t("no-payouts"));
        return;
    }
    // A summary per market and state; every reward is in rewards.csv, the totals
    // per partner and month in payouts.csv.
    html.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    let _ = write!(
        html,
        "<th scope=\"col\">{}</th><th scope=\"col\">{}</th>",
        w.t("dimension-market"),
        w.t("reward-state")
    );
    for id in ["rows", "amount"] {
        let _ = write!(html, "<th scope=\"col\">{}</th>", w.t(id));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    let mut sums: std::collections::BTreeMap<(&str, &str, usize), (u64, i64)> =
        std::collections::BTreeMap::new();
    for p in &results.payouts {
        let order = RewardState::ALL
            .iter()
            .position(|s| *s == p.state)
            .unwrap_or(0);
        let sum = sums
            .entry((p.market.as_str(), p.currency.as_str(), order))
            .or_default();
        sum.0 += 1;
        sum.1 = sum.1.saturating_add(p.amount);
    }
    for ((market, currency, order), (n, amount)) in sums {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(market),
            w.t(&format!("reward-{}", RewardState::ALL[order].name())),
            w.count(n),
            w.money(amount, currency),
        );
    }
    let _ = writeln!(
        html,
        "</tbody>\n</table></div>\n<p class=\"muted\">{}</p>\n</section>",
        w.t("payouts-details")
    );
}

/// What was not credited: per cause its rows, events and first places.
fn unattributed(html: &mut String, w: &Words<'_>, results: &Results) {
    let _ = writeln!(html, "<section>\n<h2>{}</h2>", w.t("unattributed"));
    if results.unattributed.is_empty() {
        let _ = writeln!(html, "<p>{}</p>\n</section>", w.t("all-attributed"));
        return;
    }
    html.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for id in ["cause", "rows", "events", "first-places"] {
        let _ = write!(html, "<th scope=\"col\">{}</th>", w.t(id));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for (cause, u) in &results.unattributed {
        let places: Vec<String> = u
            .first
            .iter()
            .map(|p| format!("{}:{}", escape_html(&p.file), p.line))
            .collect();
        let _ = writeln!(
            html,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"muted\">{}</td></tr>",
            w.t(&format!("cause-{}", cause.name())),
            w.count(u.rows),
            w.count(u.events),
            places.join(", "),
        );
    }
    html.push_str("</tbody>\n</table></div>\n</section>\n");
}

#[cfg(test)]
mod tests;
