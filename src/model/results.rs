//! Results: the events a tracking side (a referral platform, a CRM, web analytics)
//! exports, as refkit reads them back to attribute them to its own links.
//!
//! `site.yaml` names the files under `results:` ([`ResultsFile`]); `load::results`
//! reads them as streams into [`Event`]s, one at a time, so memory grows with the
//! customers a program has, never with the rows of its files; `results` attributes
//! them and computes the metrics. This module holds only the checked data.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::base::dates::Date;

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
    /// The referral code, in capitals.
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
// One per result file, read once: its size does not matter, and boxing the map would
// change the type the reader builds.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Format {
    /// refkit's own: `date, code, channel, asset, event, customer, amount, currency`.
    Refkit,
    /// A platform's documented export, by its preset name (e.g. `rewardful`).
    Preset(String),
    /// Any other CSV: which column holds each field.
    Mapped(ColumnMap),
}

/// For a mapped CSV: the header of the column holding each field; `None` when the
/// file has no such column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ColumnMap {
    /// The date column (required).
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
}
