//! Results: the events a tracking side (a referral platform, a CRM, web analytics)
//! exports, as refkit reads them back to attribute them to its own links.
//!
//! `site.yaml` names the files under `results:` ([`ResultsFile`]); `load::results`
//! reads them as streams into [`Event`]s, one at a time, so memory grows with the
//! customers a program has, never with the rows of its files; `results` attributes
//! them and computes the metrics. This module holds only the checked data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use crate::base::dates::Date;
use crate::base::diagnostics::{Diagnostic, Report};
use crate::base::vocab::SETTINGS_FILE;

/// What happened, in funnel order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum EventKind {
    /// A visit through a tracked link.
    Click,
    /// An account opened (a trial, a lead).
    Signup,
    /// A business became a paying customer (qualifies the partner's reward).
    Customer,
    /// Money received from a customer.
    Payment,
    /// Money given back to a customer.
    Refund,
}

impl EventKind {
    /// Every kind, in funnel order.
    pub(crate) const ALL: [EventKind; 5] = [
        EventKind::Click,
        EventKind::Signup,
        EventKind::Customer,
        EventKind::Payment,
        EventKind::Refund,
    ];

    /// The word refkit's own format spells it with.
    pub(crate) fn name(self) -> &'static str {
        match self {
            EventKind::Click => "click",
            EventKind::Signup => "signup",
            EventKind::Customer => "customer",
            EventKind::Payment => "payment",
            EventKind::Refund => "refund",
        }
    }

    /// The kind spelled `word` in refkit's own format.
    pub(crate) fn parse(word: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.name() == word)
    }
}

/// Where an event was read: the file (relative to the project root) and the line and
/// column of each field, for errors that point at the cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The result file, relative to the project root.
    pub(crate) file: PathBuf,
    /// 1-based line of the row.
    pub(crate) line: usize,
    /// 1-based column (in characters) of the currency cell, for currency errors.
    pub(crate) currency_column: usize,
    /// 1-based column of the referral code cell.
    pub(crate) code_column: usize,
}

/// An amount of money in minor units of `currency` (cents, kopecks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Money {
    /// Minor units; positive for payments and refunds alike (the kind says which).
    pub(crate) minor: i64,
    /// ISO 4217 code, as the file gives it (or the mapping's default).
    pub(crate) currency: String,
}

/// One event, read and checked for shape (a real date, a known kind, a number where
/// a number belongs). Whether its code, channel and asset were issued, its currency
/// is the market's and it falls in the attribution window is for `results` to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    /// The day it happened (UTC).
    pub(crate) day: Date,
    /// The referral code, in capitals. A row with none (organic or paid traffic in an
    /// analytics export) is no event: the reader counts it as "no partner".
    pub(crate) code: String,
    /// `utm_medium`, when the file gives it.
    pub(crate) channel: Option<String>,
    /// `utm_content`, when the file gives it.
    pub(crate) asset: Option<String>,
    /// What happened.
    pub(crate) kind: EventKind,
    /// The tracking side's customer (or visitor) id; events of one customer are tied
    /// by it. Clicks may have none.
    pub(crate) customer: Option<String>,
    /// For payments and refunds: how much.
    pub(crate) amount: Option<Money>,
    /// How many events this row stands for (an analytics export aggregates clicks by
    /// day); 1 for a row of single events.
    pub(crate) count: u64,
    /// Where it was read.
    pub(crate) origin: Origin,
}

/// The layout of a result file.
// A site lists a handful of files; boxing the map would only cost the reader a
// dereference and the other side a changed pattern.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Format {
    /// refkit's own: `date, code, channel, asset, event, customer, amount, currency`.
    Refkit,
    /// A platform's documented export, by its preset name (e.g. `rewardful`).
    Preset(String),
    /// Any other CSV: which column holds each field.
    Mapped(ColumnMap),
    /// The agency's own record of rewards paid, in refkit's format: `date, partner,
    /// customer` (the day paid, the partner's id, the customer whose reward it was).
    Paid,
}

/// For a mapped CSV: the header of the column holding each field; `None` when the
/// file has no such column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ColumnMap {
    /// The date column (required). A preset may leave it empty when its export has
    /// the report's first day above the header (GA4's `# Start date`).
    pub(crate) date: String,
    /// The referral code column (required).
    pub(crate) code: String,
    /// The `utm_medium` column.
    pub(crate) channel: Option<String>,
    /// The `utm_content` column.
    pub(crate) asset: Option<String>,
    /// The event column (required unless `event_default` is set).
    pub(crate) event: Option<String>,
    /// The event every row stands for when the file has no event column.
    pub(crate) event_default: Option<EventKind>,
    /// The file's own words for each event (`Оплата` → payment).
    pub(crate) event_names: BTreeMap<String, EventKind>,
    /// The customer id column.
    pub(crate) customer: Option<String>,
    /// The amount column.
    pub(crate) amount: Option<String>,
    /// The currency column.
    pub(crate) currency: Option<String>,
    /// The count column (rows that aggregate events).
    pub(crate) count: Option<String>,
    /// When the code column holds an address (a landing page with its query string):
    /// the query parameter that carries the code (`ref`).
    pub(crate) code_param: Option<String>,
    /// Event words whose rows are not events refkit counts (a referral `denied` or
    /// `moved`): read, checked for shape, and passed over.
    pub(crate) event_skip: BTreeSet<String>,
    /// The event of a row whose word is none of the above (a CRM's own deal stages);
    /// `None` makes an unknown word an error.
    pub(crate) event_other: Option<EventKind>,
    /// A status column whose words can pass a row over whatever its event (a
    /// commission `canceled`, `fraud` or `refunded`: its sale did not stand).
    pub(crate) status: Option<String>,
    /// The status words that pass a row over.
    pub(crate) status_skip: BTreeSet<String>,
    /// With no event column: a row with an amount is a payment, one with a customer
    /// a sign-up, any other a click (an export made of one kind of event per file).
    pub(crate) event_from_cells: bool,
    /// A customer cell written `Name <address>` stands for the address.
    pub(crate) customer_address: bool,
    /// The file's names of currencies (`Российский рубль`), lower case, to their
    /// ISO 4217 codes.
    pub(crate) currency_names: BTreeMap<String, String>,
    /// When the code column holds an address: the query parameters that give the
    /// channel and the asset when their own cells are missing or empty.
    pub(crate) channel_param: Option<String>,
    /// See `channel_param`.
    pub(crate) asset_param: Option<String>,
    /// A negative amount on a payment row is a refund (a commission clawed back).
    pub(crate) negative_refund: bool,
    /// A row whose cell in this column repeats the row above is a further line of
    /// the same record (Bitrix24 writes one line per product of a deal): passed over.
    pub(crate) continuation: Option<String>,
}

/// How a result file's bytes become text (`encoding:` of an entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    /// A byte order mark says; without one the file must be UTF-8, and an entry whose
    /// file is not has to name its encoding.
    Auto,
    /// UTF-8 (a byte order mark is dropped).
    Utf8,
    /// A legacy encoding whose bytes below 0x80 are ASCII (`windows-1251`, `koi8-r`),
    /// as encoding_rs knows it.
    Legacy(&'static encoding_rs::Encoding),
}

impl TextEncoding {
    /// The encoding named `label` (a WHATWG label: `utf-8`, `windows-1251`, `cp1251`,
    /// `koi8-r`, …), or `auto`; `None` for a label refkit cannot read CSV in.
    pub(crate) fn parse(label: &str) -> Option<TextEncoding> {
        if label.eq_ignore_ascii_case("auto") {
            return Some(TextEncoding::Auto);
        }
        let found = encoding_rs::Encoding::for_label(label.trim().as_bytes())?;
        if found == encoding_rs::UTF_8 {
            Some(TextEncoding::Utf8)
        } else if found.is_single_byte() && found.is_ascii_compatible() {
            Some(TextEncoding::Legacy(found))
        } else {
            None
        }
    }
}

/// One entry of `results:` in `site.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResultsFile {
    /// The file, relative to the project root (under `results/`).
    pub(crate) path: PathBuf,
    /// Its layout.
    pub(crate) format: Format,
    /// The currency of amounts when the file names none.
    pub(crate) currency: Option<String>,
    /// Exchange rates into market currencies: `EUR → (USD → 1.08)` reads "1 EUR is
    /// 1.08 USD". A payment in a currency that is not its market's is an error unless
    /// a rate converts it.
    pub(crate) rates: BTreeMap<String, BTreeMap<String, f64>>,
    /// How its bytes become text.
    pub(crate) encoding: TextEncoding,
    /// Labels of rows that are not events (a totals row such as `Grand total` or
    /// «Итого и средние»): a row with a cell that reads one of them is passed over.
    /// The preset's own labels are added to these.
    pub(crate) skip_rows: Vec<String>,
    /// 1-based line of the entry in `site.yaml`, for errors about the entry itself
    /// (a file that does not exist).
    pub(crate) line: usize,
}

/// The platform exports refkit reads by name (`format:` in `site.yaml`); the columns
/// each one reads are in `load::results` and the README ("Results").
pub(crate) const PRESETS: [&str; 7] = [
    "bitrix24",
    "dub-commissions",
    "dub-events",
    "firstpromoter-commissions",
    "firstpromoter-referrals",
    "ga4",
    "yandex-metrica",
];

/// Where result files live, relative to the project root.
pub(crate) const RESULTS_DIR: &str = crate::base::vocab::RESULTS_DIR;

/// One entry of `results:` as `site.yaml` spells it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawResultsFile {
    file: Spanned<String>,
    format: Spanned<String>,
    #[serde(default)]
    currency: Option<Spanned<String>>,
    #[serde(default)]
    rates: Option<Spanned<BTreeMap<String, BTreeMap<String, f64>>>>,
    #[serde(default)]
    columns: Option<Spanned<RawColumns>>,
    #[serde(default)]
    events: Option<BTreeMap<String, Spanned<String>>>,
    #[serde(default)]
    encoding: Option<Spanned<String>>,
    #[serde(default)]
    skip_rows: Option<Vec<String>>,
}

/// `columns:` of a mapped entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumns {
    date: String,
    code: String,
    #[serde(default)]
    code_param: Option<String>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    asset: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    event_default: Option<Spanned<String>>,
    #[serde(default)]
    customer: Option<String>,
    #[serde(default)]
    amount: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    count: Option<String>,
}

/// Three capital letters, as ISO 4217 codes are.
pub(crate) fn is_currency(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// How `at` places a message at a location in `site.yaml`.
type At<'a> = &'a dyn Fn(&Location, String) -> Diagnostic;

/// Checks the entries of `results:` in `site.yaml` (whose text is `text`), reporting
/// every problem in `report`.
pub(crate) fn check_entries(
    raw: &[Spanned<RawResultsFile>],
    text: &str,
    report: &mut Report,
) -> Vec<ResultsFile> {
    let file = Path::new(SETTINGS_FILE);
    let at = |l: &Location, message: String| {
        Diagnostic::error(file, message).at(text, l.line() as usize, l.column() as usize)
    };
    let mut entries: Vec<ResultsFile> = Vec::new();
    for entry in raw {
        let e = &entry.value;
        let path = PathBuf::from(&e.file.value);
        let mut ok = check_path(e, &path, &entries, &at, report);
        let Some(format) = entry_format(e, &at, report, &mut ok) else {
            continue;
        };
        let currency = entry_currency(e, &at, report, &mut ok);
        let rates = e
            .rates
            .as_ref()
            .map(|r| r.value.clone())
            .unwrap_or_default();
        check_rates(e, &at, report, &mut ok);
        let encoding = entry_encoding(e, &at, report, &mut ok);
        let skip_rows: Vec<String> = e
            .skip_rows
            .iter()
            .flatten()
            .map(|label| label.trim().to_owned())
            .filter(|label| !label.is_empty())
            .collect();
        if ok {
            entries.push(ResultsFile {
                path,
                format,
                currency,
                rates,
                encoding,
                skip_rows,
                line: entry.referenced.line() as usize,
            });
        }
    }
    entries
}

/// Whether the entry's file is under the results folder and not listed before.
fn check_path(
    e: &RawResultsFile,
    path: &Path,
    entries: &[ResultsFile],
    at: At<'_>,
    report: &mut Report,
) -> bool {
    let mut ok = true;
    if !is_results_path(path) {
        report.push(
            at(
                &e.file.referenced,
                format!(
                    "result file `{}` is not a file under {RESULTS_DIR}/",
                    e.file.value
                ),
            )
            .help(format!(
                "put the export in {RESULTS_DIR}/ and name it relative to the project root, e.g. {RESULTS_DIR}/events.csv (no `..`, no absolute path)"
            )),
        );
        ok = false;
    } else if entries.iter().any(|r| r.path == *path) {
        report.push(
            at(
                &e.file.referenced,
                format!("result file `{}` is listed twice", e.file.value),
            )
            .help("list each file once; its events would be counted twice"),
        );
        ok = false;
    }
    ok
}

/// The entry's format, checked against `columns:` and `events:`; `None` when the
/// entry cannot be read at all.
fn entry_format(
    e: &RawResultsFile,
    at: At<'_>,
    report: &mut Report,
    ok: &mut bool,
) -> Option<Format> {
    let format = match e.format.value.as_str() {
        "refkit" => Some(Format::Refkit),
        "paid" => Some(Format::Paid),
        "mapped" => None,
        name if PRESETS.contains(&name) => Some(Format::Preset(name.to_owned())),
        "firstpromoter" => {
            report.push(
                at(
                    &e.format.referenced,
                    "`firstpromoter` is now two presets, one per export".to_owned(),
                )
                .help("use `firstpromoter-referrals` for the referrals export (states, no money) or `firstpromoter-commissions` for the commissions export (sale amounts)"),
            );
            return None;
        }
        other => {
            report.push(
                at(
                    &e.format.referenced,
                    format!("`{other}` is not a results format refkit reads"),
                )
                .help(format!(
                    "use `refkit`, `paid` (rewards paid), `mapped` or a platform's export: {}",
                    PRESETS.join(", ")
                )),
            );
            return None;
        }
    };
    let format = match (format, &e.columns) {
        (Some(f), None) => {
            if let Some((word, _)) = e.events.as_ref().and_then(|m| m.iter().next()) {
                report.push(
                    at(
                        &e.format.referenced,
                        format!("`events:` (`{word}`) is only for `format: mapped`"),
                    )
                    .help("refkit's format and the platforms' exports have their own event words; remove `events:`"),
                );
                *ok = false;
            }
            f
        }
        (Some(_), Some(c)) => {
            report.push(
                at(
                    &c.referenced,
                    "`columns:` is only for `format: mapped`".to_owned(),
                )
                .help("remove `columns:`, or set `format: mapped`"),
            );
            return None;
        }
        (None, None) => {
            report.push(
                at(
                    &e.format.referenced,
                    "`format: mapped` needs `columns:`".to_owned(),
                )
                .help("name the file's column for each field, e.g. `columns: { date: Date, code: Code, event: Event }`"),
            );
            return None;
        }
        (None, Some(c)) => match mapped(c, e.events.as_ref(), at, report) {
            Some(map) => Format::Mapped(map),
            None => {
                return None;
            }
        },
    };
    Some(format)
}

/// The entry's `currency:`, when it is an ISO 4217 code.
fn entry_currency(
    e: &RawResultsFile,
    at: At<'_>,
    report: &mut Report,
    ok: &mut bool,
) -> Option<String> {
    e.currency.as_ref().and_then(|c| {
        if is_currency(&c.value) {
            Some(c.value.clone())
        } else {
            report.push(
                at(
                    &c.referenced,
                    format!("`{}` is not an ISO 4217 currency code", c.value),
                )
                .help("use three capital letters, e.g. USD or RUB"),
            );
            *ok = false;
            None
        }
    })
}

/// Checks that every rate of `rates:` is between two currencies and positive.
fn check_rates(e: &RawResultsFile, at: At<'_>, report: &mut Report, ok: &mut bool) {
    if let Some(r) = &e.rates {
        for (from, to) in &r.value {
            for (into, rate) in to {
                if !(is_currency(from) && is_currency(into) && rate.is_finite() && *rate > 0.0) {
                    report.push(
                        at(&r.referenced, format!("rate `{from}` → `{into}`: {rate} is not an exchange rate refkit can use"))
                            .help("write `rates: { EUR: { USD: 1.08 } }`: ISO 4217 codes and a positive number, read as 1 EUR = 1.08 USD"),
                    );
                    *ok = false;
                }
            }
        }
    }
}

/// The entry's `encoding:` (`auto` when absent or not one refkit reads).
fn entry_encoding(
    e: &RawResultsFile,
    at: At<'_>,
    report: &mut Report,
    ok: &mut bool,
) -> TextEncoding {
    match &e.encoding {
        None => TextEncoding::Auto,
        Some(label) => TextEncoding::parse(&label.value).unwrap_or_else(|| {
            report.push(
                at(
                    &label.referenced,
                    format!("`{}` is not an encoding refkit reads CSV in", label.value),
                )
                .help("use `auto` (the default: a byte order mark, else UTF-8), `utf-8`, or a one-byte encoding such as `windows-1251` or `koi8-r`; save UTF-16 files as CSV UTF-8"),
            );
            *ok = false;
            TextEncoding::Auto
        }),
    }
}

/// A relative path whose first folder is [`RESULTS_DIR`], with no `..`.
fn is_results_path(path: &Path) -> bool {
    let mut parts = path.components();
    let first_is_results = matches!(parts.next(), Some(Component::Normal(p)) if p == RESULTS_DIR);
    let rest: Vec<Component<'_>> = parts.collect();
    first_is_results && !rest.is_empty() && rest.iter().all(|c| matches!(c, Component::Normal(_)))
}

/// The checked column map of a mapped entry.
fn mapped(
    columns: &Spanned<RawColumns>,
    events: Option<&BTreeMap<String, Spanned<String>>>,
    at: &dyn Fn(&Location, String) -> Diagnostic,
    report: &mut Report,
) -> Option<ColumnMap> {
    let c = &columns.value;
    let mut ok = true;
    let words = || {
        EventKind::ALL
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let event_default = match &c.event_default {
        None => None,
        Some(word) => {
            let kind = EventKind::parse(&word.value);
            if kind.is_none() {
                report.push(
                    at(
                        &word.referenced,
                        format!("`{}` is not an event", word.value),
                    )
                    .help(format!("use one of: {}", words())),
                );
                ok = false;
            }
            kind
        }
    };
    if c.event.is_none() && c.event_default.is_none() {
        report.push(
            at(
                &columns.referenced,
                "`columns:` names no `event` column and no `event_default`".to_owned(),
            )
            .help("name the column that says what happened, or set `event_default: click` when every row is one kind"),
        );
        ok = false;
    }
    let mut event_names = BTreeMap::new();
    let mut event_skip = BTreeSet::new();
    for (word, kind) in events.into_iter().flatten() {
        if kind.value == "skip" {
            event_skip.insert(word.clone());
            continue;
        }
        match EventKind::parse(&kind.value) {
            Some(k) => {
                event_names.insert(word.clone(), k);
            }
            None => {
                report.push(
                    at(
                        &kind.referenced,
                        format!("`{}` is not an event", kind.value),
                    )
                    .help(format!(
                        "use one of: {}, or `skip` for rows that are not events",
                        words()
                    )),
                );
                ok = false;
            }
        }
    }
    ok.then(|| ColumnMap {
        date: c.date.clone(),
        code: c.code.clone(),
        channel: c.channel.clone(),
        asset: c.asset.clone(),
        event: c.event.clone(),
        event_default,
        event_names,
        customer: c.customer.clone(),
        amount: c.amount.clone(),
        currency: c.currency.clone(),
        count: c.count.clone(),
        code_param: c.code_param.clone(),
        event_skip,
        ..ColumnMap::default()
    })
}
