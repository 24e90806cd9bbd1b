//! Regional playbooks: `content/playbooks/<market>.yaml`.
//!
//! One network, two regional playbooks: each market states its incentives (what a
//! partner earns, when and how it is paid, what else comes with the partnership), the
//! message its pages lead with, the channels it prefers and a cadence of touches
//! (day offsets, channel, what to do). Segments refine it: a tier (deal size) and a
//! stage (pilot, active, ambassador) may override parts of the playbook. This stage
//! reads and checks every playbook once, finds each market's ambassador in the
//! registry, and resolves one [`PartnerPlaybook`] per partner in a fixed order:
//!
//! market playbook → tier override → stage override → the partner's own registry fields.
//!
//! A program has two sides, and so does a playbook: the [`Offer`] a referred client
//! gets (free days, a discount, a migration) and the reward a partner gets
//! ([`Incentives`]: the reward, bonuses, payout days). Both are numbers here, resolved
//! through the same chain, and every surface states them from here, never from prose.
//!
//! The playbook is the only source of a market's terms; `site.yaml` keeps what a
//! market is (landing page, language, currency).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};

use crate::base::diagnostics::{Diagnostic, Report};
use crate::base::slug;
use crate::base::yaml;
use crate::model::documents::Pitch;
use crate::model::partners::{Partner, Stage, Tier};
use crate::model::settings::Settings;

/// What a market's pages lead with: its regional playbook in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lead {
    /// Clear numbers: the fixed reward and how fast it is paid (the US playbook).
    Reward,
    /// Trust, exclusivity and the long-term relationship (the Russian-market playbook).
    Trust,
}

impl Lead {
    /// The word templates compare against.
    pub fn as_str(self) -> &'static str {
        match self {
            Lead::Reward => "reward",
            Lead::Trust => "trust",
        }
    }
}

/// A long-term bonus step: `percent` on top of every reward after `after_months`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bonus {
    /// Months of partnership after which the bonus applies.
    pub after_months: u32,
    /// Bonus on top of the reward, in percent.
    pub percent: u32,
}

/// Days a reward is held when a playbook names none.
pub(crate) const DEFAULT_HOLDING_DAYS: u32 = 30;

/// The attribution window when a playbook names none, in days.
pub(crate) const DEFAULT_ATTRIBUTION_DAYS: u32 = 90;

/// What a partner earns and what comes with the partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incentives {
    /// Fixed reward per referred business that becomes a paying customer, in whole
    /// units of the market's currency.
    pub reward: u64,
    /// Days from qualification to payout.
    pub payout_days: u32,
    /// Days after a customer's first click (or sign-up, without a click) within which
    /// its conversion is credited to the partner.
    pub attribution_days: u32,
    /// Partners follow clicks, sign-ups and payouts on a live dashboard.
    pub dashboard: bool,
    /// Partners join by invitation and hold exclusive partner status.
    pub exclusive: bool,
    /// The brand runs co-marketing (webinars, publications) with partners.
    pub co_marketing: bool,
    /// Long-term bonuses, by months of partnership (ascending).
    pub bonuses: Vec<Bonus>,
}

/// What a referred client gets: the client's side of the program.
///
/// Numbers are data, so every surface formats them for its language; the words are
/// the playbook's `summary` per language, with `{offer_days}`, `{offer_discount}`,
/// `{offer_months}` standing for the numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Offer {
    /// Free days before the first payment (0: none).
    pub free_days: u32,
    /// Discount on the price after the free days, in percent (0: none).
    pub discount_percent: u32,
    /// Months the discount lasts (0 with a discount: the first payment only).
    pub discount_months: u32,
    /// The brand moves the client's data over from its old tool, free.
    pub migration: bool,
    /// The offer in one line, per language, with placeholders for the numbers.
    pub summary: BTreeMap<String, String>,
}

impl Offer {
    /// The offer's one line in `lang` with its numbers written by `number`.
    pub fn summary_in(&self, lang: &str, number: impl Fn(u64) -> String) -> Option<String> {
        let text = self.summary.get(lang)?;
        Some(
            text.replace(OFFER_DAYS, &number(u64::from(self.free_days)))
                .replace(OFFER_DISCOUNT, &number(u64::from(self.discount_percent)))
                .replace(OFFER_MONTHS, &number(u64::from(self.discount_months))),
        )
    }
}

/// The placeholders an offer's `summary` may use.
pub(crate) const OFFER_DAYS: &str = "{offer_days}";
/// The discount in percent.
pub(crate) const OFFER_DISCOUNT: &str = "{offer_discount}";
/// The months the discount lasts.
pub(crate) const OFFER_MONTHS: &str = "{offer_months}";

/// One touch of the cadence: on day `day` after the start, share through `channel`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    /// Slug, unique in the cadence; part of the calendar UID and the link's asset.
    pub id: String,
    /// Days after the start date.
    pub day: u32,
    /// The channel (and so the pitch copy) to use.
    pub channel: String,
    /// What to do, per language.
    pub title: BTreeMap<String, String>,
    /// The touch's own copy per language, with `{partner}` and `{link}`; empty: the
    /// channel's pitch copy. Either way its link is the touch's own.
    pub copy: BTreeMap<String, String>,
    /// A reminder may repeat another touch's copy.
    pub reminder: bool,
    /// The line of the touch in its playbook.
    pub line: usize,
}

impl Touch {
    /// `utm_content` of the touch's tracked link.
    pub fn asset(&self) -> String {
        format!("cadence-{}", self.id)
    }
}

/// Everything a playbook says, once overrides are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// What pages lead with.
    pub lead: Lead,
    /// Tone of voice (a slug, e.g. `direct` or `warm`); themes may style by it.
    pub tone: Option<String>,
    /// The lead message, per language.
    pub message: BTreeMap<String, String>,
    /// What a referred client gets; `None` in a playbook written before offers.
    pub offer: Option<Offer>,
    /// What the partner gets: the reward side.
    pub incentives: Incentives,
    /// Channels in order of preference.
    pub channels: Vec<String>,
    /// Touches sorted by day (file order within a day).
    pub cadence: Vec<Touch>,
}

/// What a tier or stage changes; `None` keeps the value it applies to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Override {
    lead: Option<Lead>,
    tone: Option<String>,
    message: Option<BTreeMap<String, String>>,
    offer: OfferPatch,
    reward: Option<u64>,
    payout_days: Option<u32>,
    attribution_days: Option<u32>,
    dashboard: Option<bool>,
    exclusive: Option<bool>,
    co_marketing: Option<bool>,
    bonuses: Option<Vec<Bonus>>,
    channels: Option<Vec<String>>,
    cadence: Option<Vec<Touch>>,
}

impl Override {
    /// Applies this override on top of `terms`.
    pub fn apply(&self, terms: &mut Terms) {
        fn set<T: Clone>(to: &mut T, from: &Option<T>) {
            if let Some(v) = from {
                *to = v.clone();
            }
        }
        set(&mut terms.lead, &self.lead);
        if let Some(t) = &self.tone {
            terms.tone = Some(t.clone());
        }
        set(&mut terms.message, &self.message);
        self.offer.apply(&mut terms.offer);
        let i = &mut terms.incentives;
        set(&mut i.reward, &self.reward);
        set(&mut i.payout_days, &self.payout_days);
        set(&mut i.attribution_days, &self.attribution_days);
        set(&mut i.dashboard, &self.dashboard);
        set(&mut i.exclusive, &self.exclusive);
        set(&mut i.co_marketing, &self.co_marketing);
        set(&mut i.bonuses, &self.bonuses);
        set(&mut terms.channels, &self.channels);
        set(&mut terms.cadence, &self.cadence);
    }
}

/// What a tier or stage changes in the offer; `None` keeps the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OfferPatch {
    free_days: Option<u32>,
    discount_percent: Option<u32>,
    discount_months: Option<u32>,
    migration: Option<bool>,
    summary: Option<BTreeMap<String, String>>,
}

impl OfferPatch {
    fn is_empty(&self) -> bool {
        *self == OfferPatch::default()
    }

    /// Applies the patch; an offer the market lacks starts empty.
    fn apply(&self, offer: &mut Option<Offer>) {
        if self.is_empty() {
            return;
        }
        let o = offer.get_or_insert_with(Offer::default);
        if let Some(v) = self.free_days {
            o.free_days = v;
        }
        if let Some(v) = self.discount_percent {
            o.discount_percent = v;
        }
        if let Some(v) = self.discount_months {
            o.discount_months = v;
        }
        if let Some(v) = self.migration {
            o.migration = v;
        }
        if let Some(v) = &self.summary {
            o.summary = v.clone();
        }
    }
}

/// A partner's local contact: its market's ambassador, or the contact its registry
/// entry names. It never carries the ambassador's referral code or links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalContact {
    /// The ambassador partner's id, when the contact is the market's ambassador.
    pub partner: Option<String>,
    /// The ambassador partner's display name (an organisation or a person).
    pub organisation: Option<String>,
    /// The person to talk to.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Telegram handle.
    pub telegram: Option<String>,
}

/// A market's playbook, checked.
#[derive(Debug, Clone)]
pub struct Playbook {
    /// Market id.
    pub market: String,
    /// Source file relative to the root.
    pub file: PathBuf,
    /// The market's terms before segment overrides.
    pub base: Terms,
    /// Overrides by deal-size tier.
    pub tiers: BTreeMap<Tier, Override>,
    /// Overrides by relationship stage (applied after the tier's).
    pub stages: BTreeMap<Stage, Override>,
    /// The market's ambassador, the local contact of its partners.
    pub ambassador: Option<LocalContact>,
    /// Days a reward is held after its customer converts (`holding_days`, default
    /// 30): a refund inside them cancels it; after them it is due.
    pub holding_days: u32,
}

/// One partner's playbook: its market's, with its segments' overrides and its own
/// registry fields applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerPlaybook {
    /// Market id.
    pub market: String,
    /// The resolved terms.
    pub terms: Terms,
    /// The partner's local contact: its registry `contact`, else the market's ambassador.
    pub contact: Option<LocalContact>,
}

impl Playbook {
    /// Resolves the playbook of `partner`: base → tier → stage → partner fields.
    pub fn resolve(&self, partner: &Partner) -> PartnerPlaybook {
        let mut terms = self.base.clone();
        if let Some(o) = self.tiers.get(&partner.tier) {
            o.apply(&mut terms);
        }
        if let Some(o) = self.stages.get(&partner.stage) {
            o.apply(&mut terms);
        }
        let own = partner.contact.as_ref().map(|c| LocalContact {
            partner: None,
            organisation: None,
            name: c.name.clone(),
            email: c.email.clone(),
            telegram: c.telegram.clone(),
        });
        // The ambassador's own contact block is how others reach it, not an override.
        let is_ambassador = self
            .ambassador
            .as_ref()
            .is_some_and(|a| a.partner.as_deref() == Some(partner.id.as_str()));
        let contact = if is_ambassador {
            self.ambassador.clone()
        } else {
            own.or_else(|| self.ambassador.clone())
        };
        PartnerPlaybook {
            market: self.market.clone(),
            terms,
            contact,
        }
    }
}

mod check;

pub(crate) use check::parse;

#[cfg(test)]
mod tests;
