//! The end of a ledger: the attribution window, rewards and payouts, and the funnel
//! arithmetic of every table.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{note, Cause, Customer, Ledger, PartnerInfo, Place, Touch, Unattributed};
use crate::base::dates::Date;
use crate::base::named::Named;
use crate::model::partners::Stage;

/// What a table groups by. Every table is also split by market, since money is
/// summed only in one market's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Dimension {
    /// The market alone (its unit economics).
    Market,
    /// `utm_medium` of the customer's first touch (of the click itself, for clicks).
    Channel,
    /// `utm_content`, likewise.
    Asset,
    /// The partner's id.
    Partner,
    /// The partner's stage.
    Stage,
    /// The partner's tier.
    Tier,
    /// `pilot` (stage `pilot`) or `rest`.
    Pilot,
    /// `YYYY-MM` of the day each figure happened.
    Month,
}

impl Dimension {
    /// Every dimension, in table order.
    pub(crate) const ALL: [Dimension; 8] = [
        Dimension::Market,
        Dimension::Channel,
        Dimension::Asset,
        Dimension::Partner,
        Dimension::Stage,
        Dimension::Tier,
        Dimension::Pilot,
        Dimension::Month,
    ];

    /// The word the tables and file names spell it with.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Dimension::Market => "market",
            Dimension::Channel => "channel",
            Dimension::Asset => "asset",
            Dimension::Partner => "partner",
            Dimension::Stage => "stage",
            Dimension::Tier => "tier",
            Dimension::Pilot => "pilot",
            Dimension::Month => "month",
        }
    }
}

/// The key of a channel or asset no event gave.
pub(crate) const NONE: &str = "(none)";

/// The channel of a customer that came with no click and whose first row names no
/// channel: a referral code typed at checkout, said on the phone or read in print.
pub(crate) const PROMO_CODE: &str = "promo-code";

/// Days from first click to first payment: quartiles by nearest rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Quartiles {
    /// How many customers were measured.
    pub(crate) count: usize,
    /// The 25th percentile.
    pub(crate) q1: i64,
    /// The 50th percentile.
    pub(crate) median: i64,
    /// The 75th percentile.
    pub(crate) q3: i64,
}

impl Quartiles {
    /// Nearest rank: the p-th percentile of n sorted values is the value at rank
    /// ⌈p·n/100⌉ (1-based); `None` for no values.
    pub(crate) fn of(mut days: Vec<i64>) -> Option<Quartiles> {
        days.sort_unstable();
        let n = days.len();
        let rank = |p: usize| days.get(((p * n).div_ceil(100)).max(1) - 1).copied();
        Some(Quartiles {
            count: n,
            q1: rank(25)?,
            median: rank(50)?,
            q3: rank(75)?,
        })
    }
}

/// The figures of one row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Metrics {
    /// Clicks: the sum of `count` over click rows.
    pub(crate) clicks: u64,
    /// Customers with a sign-up.
    pub(crate) signups: u64,
    /// Paying customers: conversions inside the window.
    pub(crate) customers: u64,
    /// Conversions outside the window (not credited).
    pub(crate) outside_window: u64,
    /// signups / clicks.
    pub(crate) signup_rate: Option<f64>,
    /// customers / signups.
    pub(crate) customer_rate: Option<f64>,
    /// customers / clicks.
    pub(crate) click_to_customer: Option<f64>,
    /// Time to decide.
    pub(crate) decide_days: Option<Quartiles>,
    /// Payments − refunds of paying customers, in minor units.
    pub(crate) revenue: i64,
    /// revenue / customers, rounded half away from zero.
    pub(crate) lifetime_value: Option<i64>,
    /// Rewards owed (bonuses included), in minor units.
    pub(crate) rewards: i64,
    /// revenue / signups, rounded half away from zero.
    pub(crate) revenue_per_referred: Option<i64>,
    /// (revenue − rewards) / rewards.
    pub(crate) roi: Option<f64>,
}

/// One row of a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Row {
    /// Market id.
    pub(crate) market: String,
    /// The market's currency, which every amount of the row is in.
    pub(crate) currency: String,
    /// The value of the table's dimension (the market id in the market table).
    pub(crate) key: String,
    /// The figures.
    pub(crate) metrics: Metrics,
}

/// Where a reward stands on the day the data ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RewardState {
    /// Inside the market's holding period: a refund may still cancel it.
    Held,
    /// Past the holding period and not yet paid: owed.
    Due,
    /// The agency's payouts file says it was paid.
    Paid,
    /// The customer was refunded inside the holding period: not owed.
    Cancelled,
}

impl RewardState {
    /// Every state, in the order the tables show them.
    pub(crate) const ALL: [RewardState; 4] = [
        RewardState::Held,
        RewardState::Due,
        RewardState::Paid,
        RewardState::Cancelled,
    ];

    /// The word the tables spell it with.
    pub(crate) fn name(self) -> &'static str {
        match self {
            RewardState::Held => "held",
            RewardState::Due => "due",
            RewardState::Paid => "paid",
            RewardState::Cancelled => "cancelled",
        }
    }
}

/// One reward: a paying customer credited to a partner.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Payout {
    /// The day it is payable: the later of qualification plus the playbook's
    /// `payout_days` and the end of the holding period.
    #[serde(serialize_with = "as_text")]
    pub(crate) due: Date,
    /// Partner id.
    pub(crate) partner: String,
    /// The tracking side's customer id.
    pub(crate) customer: String,
    /// Market id.
    pub(crate) market: String,
    /// The market's currency.
    pub(crate) currency: String,
    /// The day the customer converted.
    #[serde(serialize_with = "as_text")]
    pub(crate) qualified: Date,
    /// Whole months of partnership on that day.
    pub(crate) months: u32,
    /// The bonus step reached, in percent (0 for none).
    pub(crate) bonus_percent: u32,
    /// The reward with its bonus, in minor units.
    pub(crate) amount: i64,
    /// The last day of the holding period: qualification plus the market's
    /// `holding_days`.
    #[serde(serialize_with = "as_text")]
    pub(crate) released: Date,
    /// Where it stands when the data ends.
    pub(crate) state: RewardState,
    /// The day the payouts file says it was paid.
    #[serde(serialize_with = "as_optional_text")]
    pub(crate) paid_on: Option<Date>,
}

impl Payout {
    /// The amount owed for it: nothing once cancelled.
    pub(crate) fn owed(&self) -> i64 {
        if self.state == RewardState::Cancelled {
            0
        } else {
            self.amount
        }
    }
}

/// A day as `YYYY-MM-DD`.
fn as_text<S: serde::Serializer>(day: &Date, to: S) -> Result<S::Ok, S::Error> {
    to.collect_str(day)
}

/// Everything a ledger computed, sorted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Results {
    /// Per dimension: rows sorted by market, then key.
    pub(crate) tables: BTreeMap<Dimension, Vec<Row>>,
    /// Rewards owed, by due date, partner and customer.
    pub(crate) payouts: Vec<Payout>,
    /// What was not credited, by cause.
    pub(crate) unattributed: BTreeMap<Cause, Unattributed>,
    /// Per partner id: what its results page shows besides its table rows.
    pub(crate) partners: BTreeMap<String, PartnerFacts>,
    /// The day of the latest event in the files: the data ends there.
    #[serde(serialize_with = "as_optional_text")]
    pub(crate) data_end: Option<Date>,
    /// Per market: the days to decide of the pilot partners' customers and of the
    /// rest's, sorted, for the rank test of the pilot verdict.
    pub(crate) decide_by_group: BTreeMap<String, (Vec<i64>, Vec<i64>)>,
}

/// What a partner's results page needs beyond its rows and payouts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct PartnerFacts {
    /// The day the partnership counts from: the registry's `start`, else the partner's
    /// first attributed event.
    #[serde(serialize_with = "as_optional_text")]
    pub(crate) start: Option<Date>,
    /// Credited customers who still pay: net money above zero in the month the data
    /// ends.
    pub(crate) staying: u64,
    /// The partner's contact e-mail, where rewards are paid.
    pub(crate) email: Option<String>,
}

/// An optional day as `YYYY-MM-DD`, or `null`.
fn as_optional_text<S: serde::Serializer>(day: &Option<Date>, to: S) -> Result<S::Ok, S::Error> {
    match day {
        Some(day) => to.collect_str(day),
        None => to.serialize_none(),
    }
}

/// Sums for one row, before the arithmetic.
#[derive(Debug, Default)]
struct Tally {
    /// Clicks.
    clicks: u64,
    /// Customers with a sign-up.
    signups: u64,
    /// Credited conversions.
    customers: u64,
    /// Conversions outside the window.
    outside_window: u64,
    /// Net money of credited customers, minor units.
    revenue: i64,
    /// Rewards owed, minor units.
    rewards: i64,
    /// Days from first click to first payment, one per customer measured.
    decide_days: Vec<i64>,
}

impl Tally {
    /// The row's figures, the ratios computed.
    fn metrics(self) -> Metrics {
        #[allow(clippy::cast_precision_loss)]
        let ratio = |a: i64, b: i64| (b != 0).then(|| a as f64 / b as f64);
        let share = |a: u64, b: u64| ratio(to_i64(a), to_i64(b));
        let per = |a: i64, b: u64| (b != 0).then(|| divide_rounded(a, to_i64(b)));
        Metrics {
            clicks: self.clicks,
            signups: self.signups,
            customers: self.customers,
            outside_window: self.outside_window,
            signup_rate: share(self.signups, self.clicks),
            customer_rate: share(self.customers, self.signups),
            click_to_customer: share(self.customers, self.clicks),
            decide_days: Quartiles::of(self.decide_days),
            revenue: self.revenue,
            lifetime_value: per(self.revenue, self.customers),
            rewards: self.rewards,
            revenue_per_referred: per(self.revenue, self.signups),
            roi: ratio(self.revenue.saturating_sub(self.rewards), self.rewards),
        }
    }
}

/// `n` as a signed count (saturating).
fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// a / b rounded half away from zero (b > 0).
fn divide_rounded(a: i64, b: i64) -> i64 {
    let (q, r) = (a / b, a % b);
    if r.abs() * 2 >= b {
        q + a.signum()
    } else {
        q
    }
}

/// Days from `from` to `to`.
fn days_between(from: Date, to: Date) -> i64 {
    (to.unix_seconds() - from.unix_seconds()) / 86_400
}

/// Whole months from `start` to `day` (0 when `day` is earlier).
pub(super) fn months_between(start: Date, day: Date) -> u32 {
    let (y1, m1, d1) = start.parts();
    let (y2, m2, d2) = day.parts();
    let months = (y2 - y1) * 12 + (m2 - m1) - i64::from(d2 < d1);
    u32::try_from(months.max(0)).unwrap_or(u32::MAX)
}

/// The tables being summed: (dimension, market, key) → sums.
struct Tables<'a> {
    /// (dimension, market, key) → sums.
    sums: BTreeMap<(Dimension, &'a str, String), Tally>,
    /// Channel and asset words, by number.
    words: &'a [Box<str>],
}

impl<'a> Tables<'a> {
    /// Applies `change` to every row `partner`'s figure of `month` belongs to.
    fn credit(
        &mut self,
        partner: &'a PartnerInfo,
        channel: Option<u32>,
        asset: Option<u32>,
        month: u32,
        change: impl Fn(&mut Tally),
    ) {
        let word = |n: Option<u32>| {
            n.and_then(|n| self.words.get(n as usize))
                .map_or(NONE, |w| &**w)
                .to_owned()
        };
        let keys = [
            (Dimension::Market, partner.market.clone()),
            (Dimension::Channel, word(channel)),
            (Dimension::Asset, word(asset)),
            (Dimension::Partner, partner.id.clone()),
            (Dimension::Stage, partner.stage.name().to_owned()),
            (Dimension::Tier, partner.tier.name().to_owned()),
            (
                Dimension::Pilot,
                if partner.stage == Stage::Pilot {
                    "pilot"
                } else {
                    "rest"
                }
                .to_owned(),
            ),
            (
                Dimension::Month,
                format!("{:04}-{:02}", month / 100, month % 100),
            ),
        ];
        for (dimension, key) in keys {
            change(
                self.sums
                    .entry((dimension, partner.market.as_str(), key))
                    .or_default(),
            );
        }
    }
}

/// Everything after the last event: see the README for each rule.
pub(super) fn finish(mut ledger: Ledger) -> Results {
    for p in &mut ledger.partners {
        p.start = p.start.or(p.first_day);
    }
    let ledger_last = ledger.last_day;
    let Ledger {
        partners,
        mut word_list,
        files,
        clicks,
        customers,
        mut unattributed,
        paid,
        ..
    } = ledger;
    let promo_code = u32::try_from(word_list.len()).ok();
    word_list.push(PROMO_CODE.into());
    let mut tables = Tables {
        sums: BTreeMap::new(),
        words: &word_list,
    };
    for ((number, channel, asset, month), count) in clicks {
        tables.credit(&partners[number], channel, asset, month, |t| {
            t.clicks = t.clicks.saturating_add(count);
        });
    }
    let place = |touch: &Touch| Place {
        file: files
            .get(touch.file as usize)
            .map(|f| crate::base::diagnostics::display_path(f))
            .unwrap_or_default(),
        line: touch.line as usize,
    };
    let last_month = ledger_last.map(super::month_of);
    let mut facts: BTreeMap<String, PartnerFacts> = partners
        .iter()
        .map(|p| {
            let facts = PartnerFacts {
                start: p.start,
                staying: 0,
                email: p.email.clone(),
            };
            (p.id.clone(), facts)
        })
        .collect();
    let mut payouts = Vec::new();
    let mut decide_by_group: BTreeMap<String, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for ((number, id), customer) in customers {
        let partner = &partners[number];
        let Customer {
            click,
            signup,
            conversion,
            payment,
            refund,
            money,
        } = customer;
        // The customer's first touch names its channel and asset.
        let first = click.or(signup).or(conversion).or(payment);
        let (mut channel, asset) = first.map_or((None, None), |t| (t.channel, t.asset));
        if click.is_none() && channel.is_none() {
            channel = promo_code;
        }
        if let Some(s) = signup {
            tables.credit(partner, channel, asset, super::month_of(s.day), |t| {
                t.signups += 1;
            });
        }
        let Some(converted) = conversion.or(payment) else {
            if let Some(refund) = refund {
                note(
                    unattributed.entry(Cause::Conversion).or_default(),
                    place(&refund),
                    1,
                );
            }
            continue;
        };
        let start = click.or(signup).map_or(converted.day, |t| t.day);
        let waited = days_between(start, converted.day);
        let month = super::month_of(converted.day);
        if !(0..=i64::from(partner.attribution_days)).contains(&waited) {
            tables.credit(partner, channel, asset, month, |t| t.outside_window += 1);
            note(
                unattributed.entry(Cause::Window).or_default(),
                place(&converted),
                1,
            );
            continue;
        }
        let decide = click
            .zip(payment)
            .map(|(c, p)| days_between(c.day, p.day))
            .filter(|d| *d >= 0);
        let months = partner
            .start
            .map_or(0, |s| months_between(s, converted.day));
        let bonus_percent = partner
            .bonuses
            .iter()
            .rev()
            .find(|b| b.after_months <= months)
            .map_or(0, |b| b.percent);
        let reward = divide_rounded(
            partner
                .reward
                .saturating_mul(100 + i64::from(bonus_percent)),
            100,
        );
        let released = converted.day.add_days(partner.holding_days);
        let refunded_in_holding =
            refund.is_some_and(|r| (converted.day..=released).contains(&r.day));
        let paid_on = paid.get(&(number, id.clone())).copied();
        let state = if refunded_in_holding {
            RewardState::Cancelled
        } else if paid_on.is_some() {
            RewardState::Paid
        } else if ledger_last.is_some_and(|end| end > released) {
            RewardState::Due
        } else {
            RewardState::Held
        };
        let owed = if state == RewardState::Cancelled {
            0
        } else {
            reward
        };
        tables.credit(partner, channel, asset, month, |t| {
            t.customers += 1;
            t.rewards = t.rewards.saturating_add(owed);
            t.decide_days.extend(decide);
        });
        if let Some(days) = decide {
            let groups = decide_by_group.entry(partner.market.clone()).or_default();
            if partner.stage == Stage::Pilot {
                groups.0.push(days);
            } else {
                groups.1.push(days);
            }
        }
        let pays_still = money
            .last()
            .is_some_and(|&(m, net)| Some(m) == last_month && net > 0);
        if pays_still {
            if let Some(f) = facts.get_mut(&partner.id) {
                f.staying += 1;
            }
        }
        for (money_month, minor) in money {
            tables.credit(partner, channel, asset, money_month, |t| {
                t.revenue = t.revenue.saturating_add(minor);
            });
        }
        payouts.push(Payout {
            due: converted.day.add_days(partner.payout_days).max(released),
            partner: partner.id.clone(),
            customer: id.into(),
            market: partner.market.clone(),
            currency: partner.currency.clone(),
            qualified: converted.day,
            months,
            bonus_percent,
            amount: reward,
            released,
            state,
            paid_on,
        });
    }
    payouts.sort();
    let currency: BTreeMap<&str, &str> = partners
        .iter()
        .map(|p| (p.market.as_str(), p.currency.as_str()))
        .collect();
    let mut out: BTreeMap<Dimension, Vec<Row>> =
        Dimension::ALL.iter().map(|&d| (d, Vec::new())).collect();
    for ((dimension, market, key), tally) in tables.sums {
        out.entry(dimension).or_default().push(Row {
            market: market.to_owned(),
            currency: currency.get(market).copied().unwrap_or_default().to_owned(),
            key,
            metrics: tally.metrics(),
        });
    }
    Results {
        tables: out,
        payouts,
        unattributed,
        partners: facts,
        data_end: ledger_last,
        decide_by_group: decide_by_group
            .into_iter()
            .map(|(market, (mut pilot, mut rest))| {
                pilot.sort_unstable();
                rest.sort_unstable();
                (market, (pilot, rest))
            })
            .collect(),
    }
}
