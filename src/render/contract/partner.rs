//! The partner's values: `partner` (with its `contact`), `market` and `playbook`,
//! made from the registry entry and its resolved playbook.
//!
//! Partner pages and kit pages show the same three values, so they are made here once
//! for both; amounts are formatted for the page's language.

use serde::Serialize;

use crate::base::named::Named;
use crate::model::partners;
use crate::model::playbooks::{LocalContact, PartnerPlaybook};
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
    /// Funnel stage.
    pub stage: &'static str,
    /// Tier.
    pub tier: &'static str,
    /// The channels the partner shares on.
    pub channels: Vec<String>,
    /// Who the partner speaks to.
    pub audience: Option<String>,
    /// The partner's local ambassador as its playbook resolves it.
    pub contact: Option<Contact>,
}

impl Partner {
    /// The value of `p`; `contact` is the partner's local ambassador as `playbook`
    /// resolves it (the registry's `contact`, else the market's ambassador).
    pub(crate) fn new(p: &partners::Partner, playbook: &PartnerPlaybook) -> Partner {
        Partner {
            id: p.id.clone(),
            name: p.name.clone(),
            market: p.market.clone(),
            stage: p.stage.name(),
            tier: p.tier.name(),
            channels: p.channels.clone(),
            audience: p.audience.clone(),
            contact: playbook.contact.as_ref().map(Contact::new),
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

/// `market`: the headline figures of the partner's market, from its resolved playbook.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Market {
    /// Market id.
    pub id: String,
    /// The message the market's pages lead with.
    pub lead: String,
    /// The reward, formatted for the page's language (`$150`, `12 000 ₽`).
    pub reward: String,
    /// The reward as a bare number.
    pub reward_amount: u64,
    /// Days until a reward is paid.
    pub payout_days: u32,
    /// Currency code.
    pub currency: String,
}

impl Market {
    /// The value of `partner`'s market, or `None` when the market is unknown.
    pub(crate) fn new(
        settings: &Settings,
        partner: &partners::Partner,
        playbook: &PartnerPlaybook,
        formatter: &Formatter,
    ) -> Option<Market> {
        let m = settings.market(&partner.market)?;
        let terms = &playbook.terms;
        Some(Market {
            id: m.id.clone(),
            lead: terms.lead.as_str().to_owned(),
            reward: formatter.money_units(terms.incentives.reward, &m.currency),
            reward_amount: terms.incentives.reward,
            payout_days: terms.incentives.payout_days,
            currency: m.currency.clone(),
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
    /// `playbook`; `none` when the language has no formatter.
    pub playbook: Option<super::Prepared<Playbook>>,
}

impl PartnerValues {
    /// The values of `p` with its resolved `playbook` in `lang`; `formatter` formats
    /// amounts in `lang`.
    pub(crate) fn new(
        settings: &Settings,
        p: &partners::Partner,
        playbook: &PartnerPlaybook,
        lang: &str,
        formatter: Option<&Formatter>,
    ) -> PartnerValues {
        PartnerValues {
            partner: super::Prepared::new(&Partner::new(p, playbook)),
            market: formatter
                .and_then(|f| Market::new(settings, p, playbook, f))
                .map(|m| super::Prepared::new(&m)),
            playbook: formatter
                .map(|f| super::Prepared::new(&Playbook::new(settings, playbook, lang, f))),
        }
    }
}
