//! The partner's values: `partner` (with its `contact`), `market` and `playbook`,
//! made from the registry entry and its resolved playbook.
//!
//! Partner pages and kit pages show the same three values, so they are made here once
//! for both; amounts are formatted for the page's language. What a value holds
//! depends on its [`Audience`]: for the partner's clients (the microsite) `partner`
//! has no stage, tier, note or contact, `market` states the offer but no reward, and
//! `playbook` is `none`; the partner and prospective partners see both sides.

use serde::Serialize;

use crate::base::named::Named;
use crate::model::audience::Audience;
use crate::model::partners;
use crate::model::playbooks::{self, LocalContact, PartnerPlaybook};
use crate::model::settings::Settings;
use crate::text::l10n::Formatter;

/// `partner`: the partner whose microsite or kit this is.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Partner {
    /// Registry id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Market id.
    pub market: String,
    /// Funnel stage (`none` for clients).
    pub stage: Option<&'static str>,
    /// Tier (`none` for clients).
    pub tier: Option<&'static str>,
    /// The channels the partner shares on.
    pub channels: Vec<String>,
    /// The registry's internal note on whom the partner reaches (`none` for clients).
    pub audience: Option<String>,
    /// The partner's local ambassador as its playbook resolves it (`none` for clients).
    pub contact: Option<Contact>,
}

impl Partner {
    /// The value of `p`; `contact` is the partner's local ambassador as `playbook`
    /// resolves it (the registry's `contact`, else the market's ambassador). For
    /// clients, only who the partner is.
    pub(crate) fn new(
        p: &partners::Partner,
        playbook: &PartnerPlaybook,
        audience: Audience,
    ) -> Partner {
        let internal = audience.sees_reward();
        Partner {
            id: p.id.clone(),
            name: p.name.clone(),
            market: p.market.clone(),
            stage: internal.then(|| p.stage.name()),
            tier: internal.then(|| p.tier.name()),
            channels: p.channels.clone(),
            audience: p.audience.clone().filter(|_| internal),
            contact: playbook
                .contact
                .as_ref()
                .filter(|_| internal)
                .map(Contact::new),
        }
    }
}

/// `partner.contact` and `playbook.ambassador`: a local contact.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Contact {
    /// The person to talk to.
    pub name: String,
    /// Their organisation.
    pub organisation: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Telegram handle.
    pub telegram: Option<String>,
}

impl Contact {
    /// The value of `c`.
    pub(crate) fn new(c: &LocalContact) -> Contact {
        Contact {
            name: c.name.clone(),
            organisation: c.organisation.clone(),
            email: c.email.clone(),
            telegram: c.telegram.clone(),
        }
    }
}

/// `market.offer` and `playbook.offer`: what a referred client gets, its numbers
/// as numbers (put them through Fluent plurals) and its one line in the page's language.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Offer {
    /// Free days before the first payment (0: none).
    pub free_days: u32,
    /// Discount after the free days, in percent (0: none).
    pub discount_percent: u32,
    /// Months the discount lasts.
    pub discount_months: u32,
    /// Whether the client's data is moved over for free.
    pub migration: bool,
    /// The offer in one line, numbers written for the language.
    pub summary: Option<String>,
}

impl Offer {
    /// The value of `offer` in `lang`.
    pub(crate) fn new(offer: &playbooks::Offer, lang: &str, formatter: &Formatter) -> Offer {
        Offer {
            free_days: offer.free_days,
            discount_percent: offer.discount_percent,
            discount_months: offer.discount_months,
            migration: offer.migration,
            summary: offer
                .summary_in(lang, |n| formatter.number(n as f64, None, None))
                .map(|s| crate::text::typography::typeset(&s, lang)),
        }
    }
}

/// `market` (and each of the brand pages' `markets`): the headline terms of a
/// market, from the partner's resolved playbook (or the market's own, on brand
/// pages). `t()` passes them to every message as Fluent arguments.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Market {
    /// Market id.
    pub id: String,
    /// What the market's pages lead with (`reward` or `trust`).
    pub lead: String,
    /// The tone of the market's copy.
    pub tone: Option<String>,
    /// Currency code.
    pub currency: String,
    /// What a referred client gets; `none` when the playbook states no offer.
    pub offer: Option<Offer>,
    /// The reward, formatted for the page's language (`$150`, `12 000 ₽`); `none` for clients.
    pub reward: Option<String>,
    /// The reward as a bare number; `none` for clients.
    pub reward_amount: Option<u64>,
    /// Days until a reward is paid; `none` for clients.
    pub payout_days: Option<u32>,
}

impl Market {
    /// The value of `partner`'s market, or `None` when the market is unknown.
    pub(crate) fn new(
        settings: &Settings,
        partner: &partners::Partner,
        playbook: &PartnerPlaybook,
        formatter: &Formatter,
        audience: Audience,
    ) -> Option<Market> {
        Market::of_terms(
            settings,
            &partner.market,
            &playbook.terms,
            formatter,
            audience,
        )
    }

    /// The value of market `id` with `terms`, for `audience`.
    pub(crate) fn of_terms(
        settings: &Settings,
        id: &str,
        terms: &playbooks::Terms,
        formatter: &Formatter,
        audience: Audience,
    ) -> Option<Market> {
        let m = settings.market(id)?;
        let reward = audience.sees_reward();
        let i = &terms.incentives;
        Some(Market {
            id: m.id.clone(),
            lead: terms.lead.as_str().to_owned(),
            tone: terms.tone.clone(),
            currency: m.currency.clone(),
            offer: terms
                .offer
                .as_ref()
                .map(|o| Offer::new(o, formatter.lang(), formatter)),
            reward: reward.then(|| formatter.money_units(i.reward, &m.currency)),
            reward_amount: reward.then_some(i.reward),
            payout_days: reward.then_some(i.payout_days),
        })
    }
}

/// `playbook`: the partner's resolved playbook in the page's language.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Playbook {
    /// The message pages lead with.
    pub lead: String,
    /// The tone of the copy.
    pub tone: Option<String>,
    /// The market's message in the page's language.
    pub message: Option<String>,
    /// What a referred client gets.
    pub offer: Option<Offer>,
    /// The reward, formatted for the page's language.
    pub reward: String,
    /// Days until a reward is paid.
    pub payout_days: u32,
    /// Whether the partner gets a dashboard.
    pub dashboard: bool,
    /// Whether the partnership is exclusive.
    pub exclusive: bool,
    /// Whether co-marketing is offered.
    pub co_marketing: bool,
    /// Extra percentages after months of partnership.
    pub bonuses: Vec<Bonus>,
    /// The preferred channels.
    pub channels: Vec<String>,
    /// The touches of the cadence.
    pub cadence: Vec<Touch>,
    /// The local ambassador, as `partner.contact`.
    pub ambassador: Option<Contact>,
}

impl Playbook {
    /// The value of `playbook` in `lang`.
    pub(crate) fn new(
        settings: &Settings,
        playbook: &PartnerPlaybook,
        lang: &str,
        formatter: &Formatter,
    ) -> Playbook {
        let terms = &playbook.terms;
        let i = &terms.incentives;
        let currency = settings
            .market(&playbook.market)
            .map_or("", |m| m.currency.as_str());
        Playbook {
            lead: terms.lead.as_str().to_owned(),
            tone: terms.tone.clone(),
            message: terms.message.get(lang).cloned(),
            offer: terms.offer.as_ref().map(|o| Offer::new(o, lang, formatter)),
            reward: formatter.money_units(i.reward, currency),
            payout_days: i.payout_days,
            dashboard: i.dashboard,
            exclusive: i.exclusive,
            co_marketing: i.co_marketing,
            bonuses: i
                .bonuses
                .iter()
                .map(|b| Bonus {
                    after_months: b.after_months,
                    percent: b.percent,
                })
                .collect(),
            channels: terms.channels.clone(),
            cadence: terms
                .cadence
                .iter()
                .map(|t| Touch {
                    id: t.id.clone(),
                    day: t.day,
                    channel: t.channel.clone(),
                    title: t.title.get(lang).cloned(),
                })
                .collect(),
            ambassador: playbook.contact.as_ref().map(Contact::new),
        }
    }
}

/// One entry of `playbook.bonuses`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Bonus {
    /// Months of partnership before the bonus applies.
    pub after_months: u32,
    /// The extra percentage.
    pub percent: u32,
}

/// One entry of `playbook.cadence`: a touch at a day offset.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Touch {
    /// The touch's id.
    pub id: String,
    /// Days after the start.
    pub day: u32,
    /// The channel to post on.
    pub channel: String,
    /// What to do, in the page's language.
    pub title: Option<String>,
}

/// A partner's `partner`, `market` and `playbook` in one language, serialised once
/// and shared by every page of the partner in that language.
#[derive(Debug, Clone)]
pub(crate) struct PartnerValues {
    /// `partner`.
    pub partner: super::Prepared<Partner>,
    /// `market`; `none` when the market is unknown or the language has no formatter.
    pub market: Option<super::Prepared<Market>>,
    /// `playbook`; `none` for clients and when the language has no formatter.
    pub playbook: Option<super::Prepared<Playbook>>,
}

impl PartnerValues {
    /// The values of `p` with its resolved `playbook` in `lang` for `audience`;
    /// `formatter` formats amounts in `lang`.
    pub(crate) fn new(
        settings: &Settings,
        p: &partners::Partner,
        playbook: &PartnerPlaybook,
        lang: &str,
        formatter: Option<&Formatter>,
        audience: Audience,
    ) -> PartnerValues {
        PartnerValues {
            partner: super::Prepared::new(&Partner::new(p, playbook, audience)),
            market: formatter
                .and_then(|f| Market::new(settings, p, playbook, f, audience))
                .map(|m| super::Prepared::new(&m)),
            playbook: formatter
                .filter(|_| audience.sees_reward())
                .map(|f| super::Prepared::new(&Playbook::new(settings, playbook, lang, f))),
        }
    }
}
