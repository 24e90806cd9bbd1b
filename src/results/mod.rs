//! Results: attribution and metrics, computed from the events a tracking side
//! exports.
//!
//! A reader (`load::results`) hands events over one at a time; the [`Ledger`] checks
//! each against what this build issued (`render::links::Issued`: the partner behind a
//! code, the channels and assets it was given), converts its money into the market's
//! currency, and keeps per customer only the few days and sums the rules need, so
//! memory grows with customers, never with rows. [`Ledger::finish`] applies the
//! attribution window, the rewards of each partner's resolved playbook and the
//! funnel arithmetic, and returns [`Results`]: sorted tables, written as CSV and as the
//! summary's figures by [`tables`]. The README ("Results: attribution and metrics")
//! defines every figure; this module is its implementation.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::Serialize;

use crate::base::dates::Date;
use crate::base::diagnostics::Diagnostic;
use crate::model::partners::{Stage, Tier};
use crate::model::playbooks::{Bonus, DEFAULT_HOLDING_DAYS};
use crate::model::project::Project;
use crate::model::results::{Event, EventKind, Money, Origin, ResultsFile};
use crate::render::links::{Attribution, Issued};

mod pages;
mod pilot;
mod report;
mod tables;
mod tally;
#[cfg(test)]
mod tests;

pub(crate) use pages::{partner_pages, PartnerPage};
pub(crate) use report::report;
pub(crate) use tables::{csv_tables, summary};
#[allow(unused_imports)]
pub(crate) use tally::{Dimension, Metrics, Payout, Quartiles, Results, RewardState, Row};

/// How many unattributed rows of each cause are listed by file and line; the rest are
/// only counted.
pub(crate) const LISTED_PER_CAUSE: usize = 20;

/// Why an event (or a customer's conversion) was not credited to a partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Cause {
    /// The row names no referral code at all: organic or paid traffic in an
    /// analytics export, not a partner's. Counted so the totals add up; never a
    /// warning.
    NoPartner,
    /// No partner of this build has the referral code.
    Code,
    /// The partner was never issued a link with the event's channel.
    Channel,
    /// The partner was never issued a link with the event's asset (with its channel,
    /// when the event names one).
    Asset,
    /// A sign-up, customer, payment or refund row names no customer, so it cannot be
    /// tied to a click or a conversion.
    Customer,
    /// A conversion outside the attribution window.
    Window,
    /// Payments or refunds of a customer who never converted (a refund alone).
    Conversion,
}

impl Cause {
    /// The word the tables spell it with.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Cause::NoPartner => "no_partner",
            Cause::Code => "code",
            Cause::Channel => "channel",
            Cause::Asset => "asset",
            Cause::Customer => "customer",
            Cause::Window => "window",
            Cause::Conversion => "conversion",
        }
    }
}

/// Where an unattributed row was read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Place {
    /// The result file, relative to the project root, with `/` separators.
    pub(crate) file: String,
    /// 1-based line.
    pub(crate) line: usize,
}

/// The rows of one cause: how many, and the first [`LISTED_PER_CAUSE`] by place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Unattributed {
    /// Rows (a conversion counts as one row).
    pub(crate) rows: u64,
    /// Events those rows stand for (the sum of their `count`).
    pub(crate) events: u64,
    /// The first rows, in file and line order.
    pub(crate) first: Vec<Place>,
}

/// What the ledger needs of one partner, resolved once.
#[derive(Debug)]
struct PartnerInfo {
    /// Partner id.
    id: String,
    /// Market id.
    market: String,
    /// The market's currency.
    currency: String,
    /// Relationship stage.
    stage: Stage,
    /// Deal-size tier.
    tier: Tier,
    /// The resolved playbook's attribution window, in days.
    attribution_days: u32,
    /// The reward in minor units of the market's currency.
    reward: i64,
    /// Days from qualification to payout.
    payout_days: u32,
    /// Long-term bonus steps, ascending.
    bonuses: Vec<Bonus>,
    /// The market's holding period, in days.
    holding_days: u32,
    /// The partner's contact e-mail.
    email: Option<String>,
    /// The registry's `start`, else (at the end) the partner's first attributed event.
    start: Option<Date>,
    /// The day of its earliest attributed event so far.
    first_day: Option<Date>,
}

/// One dated touch of a customer: its day, channel, asset and where it was read.
#[derive(Debug, Clone, Copy)]
struct Touch {
    /// The day of the row.
    day: Date,
    /// Its channel, interned in the ledger.
    channel: Option<u32>,
    /// Its asset, interned in the ledger.
    asset: Option<u32>,
    /// Its file, by number in the ledger.
    file: u32,
    /// Its line.
    line: u32,
}

/// What is kept per customer: the first touch of each kind and net money by month.
#[derive(Debug, Default)]
struct Customer {
    /// The first click.
    click: Option<Touch>,
    /// The first sign-up.
    signup: Option<Touch>,
    /// The first `customer` event.
    conversion: Option<Touch>,
    /// The first payment.
    payment: Option<Touch>,
    /// The first refund.
    refund: Option<Touch>,
    /// (YYYYMM, payments − refunds in minor units of the market's currency), by month.
    money: Vec<(u32, i64)>,
}

impl Customer {
    /// Adds `minor` to the net money of `month`, saturating.
    fn add_money(&mut self, month: u32, minor: i64) {
        match self.money.binary_search_by_key(&month, |&(m, _)| m) {
            Ok(i) => self.money[i].1 = self.money[i].1.saturating_add(minor),
            Err(i) => self.money.insert(i, (month, minor)),
        }
    }
}

/// Keeps `touch` in `slot` unless the kept one is earlier (the first read wins a tie).
fn keep_first(slot: &mut Option<Touch>, touch: Touch) {
    if slot.is_none_or(|kept| touch.day < kept.day) {
        *slot = Some(touch);
    }
}

/// `YYYYMM` of `day`.
fn month_of(day: Date) -> u32 {
    let (y, m, _) = day.parts();
    u32::try_from(y * 100 + m).unwrap_or(0)
}

/// Digits after the decimal point of `currency`'s minor unit (ISO 4217).
pub(crate) fn minor_digits(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// Reads events one at a time and keeps what the metrics need.
#[derive(Debug)]
pub(crate) struct Ledger {
    /// What this build issued.
    issued: Issued,
    /// The project's partners, by number (sorted by id).
    partners: Vec<PartnerInfo>,
    /// Partner id → number.
    by_id: HashMap<String, usize>,
    /// Channel and asset words → numbers.
    words: HashMap<Box<str>, u32>,
    /// Numbers → words.
    word_list: Vec<Box<str>>,
    /// Result files seen, by number.
    files: Vec<PathBuf>,
    /// The number of the file of the last event.
    file: u32,
    /// The current file's exchange rates.
    rates: BTreeMap<String, BTreeMap<String, f64>>,
    /// (partner, channel, asset, YYYYMM) → clicks.
    clicks: HashMap<(usize, Option<u32>, Option<u32>, u32), u64>,
    /// (partner, customer id) → what is kept of it.
    customers: HashMap<(usize, Box<str>), Customer>,
    /// Rows not credited, by cause.
    unattributed: BTreeMap<Cause, Unattributed>,
    /// The day of the latest event read, credited or not: where the data ends.
    last_day: Option<Date>,
    /// (partner, customer id) → the day the agency's payouts file says its reward
    /// was paid.
    paid: HashMap<(usize, Box<str>), Date>,
}

impl Ledger {
    /// A ledger for the partners of `project`, checking events against the links
    /// `attribution` issued (call it after the build has made every link).
    pub(crate) fn new(project: &Project, attribution: &Attribution) -> Ledger {
        let partners: Vec<PartnerInfo> = project
            .partners
            .iter()
            .filter_map(|p| {
                let market = project.settings.market(&p.market)?;
                let incentives = &project.partner_playbooks.get(&p.id)?.terms.incentives;
                let unit = 10_i64.pow(minor_digits(&market.currency));
                Some(PartnerInfo {
                    id: p.id.clone(),
                    market: p.market.clone(),
                    currency: market.currency.clone(),
                    stage: p.stage,
                    tier: p.tier,
                    attribution_days: incentives.attribution_days,
                    reward: i64::try_from(incentives.reward)
                        .unwrap_or(i64::MAX)
                        .saturating_mul(unit),
                    payout_days: incentives.payout_days,
                    bonuses: incentives.bonuses.clone(),
                    email: p.contact.as_ref().and_then(|c| c.email.clone()),
                    holding_days: project
                        .playbooks
                        .get(&p.market)
                        .map_or(DEFAULT_HOLDING_DAYS, |b| b.holding_days),
                    start: p.start,
                    first_day: None,
                })
            })
            .collect();
        let by_id = partners
            .iter()
            .enumerate()
            .map(|(n, p)| (p.id.clone(), n))
            .collect();
        Ledger {
            issued: attribution.issued(),
            partners,
            by_id,
            words: HashMap::new(),
            word_list: Vec::new(),
            files: Vec::new(),
            file: 0,
            rates: BTreeMap::new(),
            clicks: HashMap::new(),
            customers: HashMap::new(),
            unattributed: BTreeMap::new(),
            last_day: None,
            paid: HashMap::new(),
        }
    }

    /// Starts reading `file`: its rates convert the events that follow.
    pub(crate) fn begin_file(&mut self, file: &ResultsFile) {
        self.rates.clone_from(&file.rates);
    }

    /// Counts the rows of a file that named no partner at all (`rows` of them,
    /// standing for `events` events): listed as unattributed with cause
    /// `no_partner`, without places, since they are expected.
    pub(crate) fn no_partner(&mut self, rows: u64, events: u64) {
        if rows == 0 {
            return;
        }
        let entry = self.unattributed.entry(Cause::NoPartner).or_default();
        entry.rows = entry.rows.saturating_add(rows);
        entry.events = entry.events.saturating_add(events);
    }

    /// Records that the reward for `customer` of partner `partner` (an id) was paid
    /// on `day`; `false` when the build has no such partner.
    #[must_use = "a partner the build does not have has no reward to mark"]
    pub(crate) fn paid(&mut self, partner: &str, customer: &str, day: Date) -> bool {
        let Some(&number) = self.by_id.get(partner) else {
            return false;
        };
        let kept = self.paid.entry((number, customer.into())).or_insert(day);
        *kept = (*kept).min(day);
        true
    }

    /// Adds one event. An event whose money cannot be expressed in its partner's
    /// market currency is an error naming its file, line and currency column, and is
    /// not counted; every other event is either credited or counted as unattributed.
    pub(crate) fn add(&mut self, event: &Event) -> Result<(), Diagnostic> {
        self.file = self.file_number(&event.origin);
        self.last_day = self.last_day.max(Some(event.day));
        let Some(number) = self
            .issued
            .partner(&event.code)
            .and_then(|id| self.by_id.get(id).copied())
        else {
            self.unattributed(Cause::Code, &event.origin, event.count);
            return Ok(());
        };
        let id = self.partners[number].id.as_str();
        let channel = event.channel.as_deref().filter(|c| !c.is_empty());
        let asset = event.asset.as_deref().filter(|a| !a.is_empty());
        if channel.is_some() && !self.issued.issued(id, channel, None) {
            self.unattributed(Cause::Channel, &event.origin, event.count);
            return Ok(());
        }
        if asset.is_some() && !self.issued.issued(id, channel, asset) {
            self.unattributed(Cause::Asset, &event.origin, event.count);
            return Ok(());
        }
        let customer_id = event.customer.as_deref().filter(|c| !c.is_empty());
        if event.kind != EventKind::Click && customer_id.is_none() {
            self.unattributed(Cause::Customer, &event.origin, event.count);
            return Ok(());
        }
        let money = match event.kind {
            EventKind::Payment | EventKind::Refund => {
                let minor = self.market_money(number, event)?;
                Some(if event.kind == EventKind::Refund {
                    minor.saturating_neg()
                } else {
                    minor
                })
            }
            _ => None,
        };
        let touch = Touch {
            day: event.day,
            channel: channel.map(|c| self.word(c)),
            asset: asset.map(|a| self.word(a)),
            file: self.file,
            line: u32::try_from(event.origin.line).unwrap_or(u32::MAX),
        };
        let partner = &mut self.partners[number];
        if partner.first_day.is_none_or(|d| event.day < d) {
            partner.first_day = Some(event.day);
        }
        if event.kind == EventKind::Click {
            let clicks = self
                .clicks
                .entry((number, touch.channel, touch.asset, month_of(event.day)))
                .or_default();
            *clicks = clicks.saturating_add(event.count);
        }
        let Some(customer_id) = customer_id else {
            return Ok(());
        };
        let customer = self
            .customers
            .entry((number, customer_id.into()))
            .or_default();
        match event.kind {
            EventKind::Click => keep_first(&mut customer.click, touch),
            EventKind::Signup => keep_first(&mut customer.signup, touch),
            EventKind::Customer => keep_first(&mut customer.conversion, touch),
            EventKind::Payment => {
                keep_first(&mut customer.payment, touch);
                customer.add_money(month_of(event.day), money.unwrap_or(0));
            }
            EventKind::Refund => {
                keep_first(&mut customer.refund, touch);
                customer.add_money(month_of(event.day), money.unwrap_or(0));
            }
        }
        Ok(())
    }

    /// The event's amount in minor units of partner `number`'s market currency.
    fn market_money(&self, number: usize, event: &Event) -> Result<i64, Diagnostic> {
        let partner = &self.partners[number];
        let at = |message: String, column: usize| {
            let mut d = Diagnostic::error(&event.origin.file, message);
            d.line = Some(event.origin.line.max(1));
            d.column = Some(column.max(1));
            d
        };
        let Some(money) = &event.amount else {
            return Err(at(
                format!("this {} has no amount", event.kind.name()),
                event.origin.code_column,
            )
            .help("give every payment and refund its amount"));
        };
        convert(money, &partner.currency, &self.rates).ok_or_else(|| {
            at(
                format!(
                    "this {} is in {}, but partner `{}` is in market `{}`, which is paid in {}",
                    event.kind.name(),
                    money.currency,
                    partner.id,
                    partner.market,
                    partner.currency
                ),
                event.origin.currency_column,
            )
            .help(format!(
                "give this file's entry under `results:` in site.yaml a rate, e.g. `rates: {{{}: {{{}: 1.0}}}}` (1 {} in {}), or correct the currency",
                money.currency, partner.currency, money.currency, partner.currency
            ))
        })
    }

    /// The number of `origin`'s file, numbering it on first sight.
    fn file_number(&mut self, origin: &Origin) -> u32 {
        if let Some(current) = self.files.get(self.file as usize) {
            if *current == origin.file {
                return self.file;
            }
        }
        let found = self.files.iter().position(|f| *f == origin.file);
        let n = found.unwrap_or_else(|| {
            self.files.push(origin.file.clone());
            self.files.len() - 1
        });
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The number of `word`, interning it on first sight.
    fn word(&mut self, word: &str) -> u32 {
        if let Some(&n) = self.words.get(word) {
            return n;
        }
        let n = u32::try_from(self.word_list.len()).unwrap_or(u32::MAX);
        self.words.insert(word.into(), n);
        self.word_list.push(word.into());
        n
    }

    /// Counts the row at `origin` as unattributed for `cause`.
    fn unattributed(&mut self, cause: Cause, origin: &Origin, count: u64) {
        let place = Place {
            file: crate::base::diagnostics::display_path(&origin.file),
            line: origin.line,
        };
        note(self.unattributed.entry(cause).or_default(), place, count);
    }

    /// Applies the window and the rewards, and computes every table.
    pub(crate) fn finish(self) -> Results {
        tally::finish(self)
    }
}

/// Counts one unattributed row, keeping the first [`LISTED_PER_CAUSE`] places in
/// file and line order.
fn note(entry: &mut Unattributed, place: Place, count: u64) {
    entry.rows = entry.rows.saturating_add(1);
    entry.events = entry.events.saturating_add(count);
    let at = entry.first.binary_search(&place).unwrap_or_else(|i| i);
    if at < LISTED_PER_CAUSE {
        entry.first.insert(at, place);
        entry.first.truncate(LISTED_PER_CAUSE);
    }
}

/// `money` in minor units of `to`: as is when it is already in `to`, else through
/// `rates[from][to]` (major units of `from` times the rate, rounded half away from
/// zero to `to`'s minor unit); `None` without a usable rate.
fn convert(
    money: &Money,
    to: &str,
    rates: &BTreeMap<String, BTreeMap<String, f64>>,
) -> Option<i64> {
    if money.currency == to {
        return Some(money.minor);
    }
    let rate = *rates.get(&money.currency)?.get(to)?;
    if !rate.is_finite() || rate <= 0.0 {
        return None;
    }
    let from_unit = 10_f64.powi(i32::try_from(minor_digits(&money.currency)).ok()?);
    let to_unit = 10_f64.powi(i32::try_from(minor_digits(to)).ok()?);
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    let minor = (money.minor as f64 / from_unit * rate * to_unit).round() as i64;
    Some(minor)
}
