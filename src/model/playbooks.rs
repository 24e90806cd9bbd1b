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
//! The playbook is the only source of a market's incentives; `site.yaml` keeps what a
//! market is (landing page, language, currency).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};

use crate::base::diagnostics::{Diagnostic, Report};
use crate::base::slug;
use crate::base::vocab::PLAYBOOKS_DIR;
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

/// What a partner earns and what comes with the partnership.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incentives {
    /// Fixed reward per referred business that becomes a paying customer, in whole
    /// units of the market's currency.
    pub reward: u64,
    /// Days from qualification to payout.
    pub payout_days: u32,
    /// Partners follow clicks, sign-ups and payouts on a live dashboard.
    pub dashboard: bool,
    /// Partners join by invitation and hold exclusive partner status.
    pub exclusive: bool,
    /// The brand runs co-marketing (webinars, publications) with partners.
    pub co_marketing: bool,
    /// Long-term bonuses, by months of partnership (ascending).
    pub bonuses: Vec<Bonus>,
}

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
    /// Incentives.
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
    reward: Option<u64>,
    payout_days: Option<u32>,
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
        let i = &mut terms.incentives;
        set(&mut i.reward, &self.reward);
        set(&mut i.payout_days, &self.payout_days);
        set(&mut i.dashboard, &self.dashboard);
        set(&mut i.exclusive, &self.exclusive);
        set(&mut i.co_marketing, &self.co_marketing);
        set(&mut i.bonuses, &self.bonuses);
        set(&mut terms.channels, &self.channels);
        set(&mut terms.cadence, &self.cadence);
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybook {
    lead: Lead,
    #[serde(default)]
    tone: Option<Spanned<String>>,
    message: Spanned<BTreeMap<String, String>>,
    incentives: RawIncentives,
    channels: Vec<Spanned<String>>,
    #[serde(default)]
    ambassador: Option<Spanned<String>>,
    #[serde(default)]
    cadence: Vec<Spanned<RawTouch>>,
    #[serde(default)]
    tiers: BTreeMap<Tier, RawOverride>,
    #[serde(default)]
    stages: BTreeMap<Stage, RawOverride>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIncentives {
    reward: u64,
    payout_days: u32,
    #[serde(default)]
    dashboard: bool,
    #[serde(default)]
    exclusive: bool,
    #[serde(default)]
    co_marketing: bool,
    #[serde(default)]
    bonuses: Vec<Bonus>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIncentivesPatch {
    #[serde(default)]
    reward: Option<u64>,
    #[serde(default)]
    payout_days: Option<u32>,
    #[serde(default)]
    dashboard: Option<bool>,
    #[serde(default)]
    exclusive: Option<bool>,
    #[serde(default)]
    co_marketing: Option<bool>,
    #[serde(default)]
    bonuses: Option<Vec<Bonus>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    #[serde(default)]
    lead: Option<Lead>,
    #[serde(default)]
    tone: Option<Spanned<String>>,
    #[serde(default)]
    message: Option<Spanned<BTreeMap<String, String>>>,
    #[serde(default)]
    incentives: Option<RawIncentivesPatch>,
    #[serde(default)]
    channels: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    cadence: Option<Vec<Spanned<RawTouch>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTouch {
    id: Spanned<String>,
    day: u32,
    channel: Spanned<String>,
    title: Spanned<BTreeMap<String, String>>,
}

/// Reads every market's playbook, reporting every problem at once. `partners` is the
/// whole registry (ambassadors are found there even when a build selects fewer).
pub fn load(
    root: &Path,
    settings: &Settings,
    pitches: &[Pitch],
    partners: &[Partner],
    report: &mut Report,
) -> BTreeMap<String, Playbook> {
    let mut playbooks = BTreeMap::new();
    let dir = root.join(PLAYBOOKS_DIR);
    match crate::base::files::files_under(root, &dir) {
        Ok(files) => {
            for (_, shown) in files {
                let known = shown.parent() == Some(Path::new(PLAYBOOKS_DIR))
                    && shown
                        .file_name()
                        .and_then(|n| n.to_str())
                        .and_then(|n| n.strip_suffix(".yaml"))
                        .is_some_and(|m| settings.market(m).is_some());
                if !known {
                    report.push(
                        Diagnostic::error(&shown, "this file is not the playbook of a market")
                            .help(format!(
                                "playbooks are {PLAYBOOKS_DIR}/<market>.yaml, one per market of site.yaml: {}",
                                settings.market_list()
                            )),
                    );
                }
            }
        }
        Err(err) => {
            crate::base::diagnostics::push_error(report, err);
            return playbooks;
        }
    }
    for market in &settings.markets {
        let shown = PathBuf::from(format!("{PLAYBOOKS_DIR}/{}.yaml", market.id));
        let path = root.join(&shown);
        if !path.is_file() {
            report.push(
                Diagnostic::error(&shown, format!("market `{}` has no playbook", market.id))
                    .help("write its incentives, channels and cadence there; the README (\"Playbooks\") shows every key"),
            );
            continue;
        }
        let text = match crate::base::files::read_text(&path, &shown) {
            Ok(t) => t,
            Err(err) => {
                crate::base::diagnostics::push_error(report, err);
                continue;
            }
        };
        if let Some(p) = parse(
            &shown, &text, &market.id, settings, pitches, partners, report,
        ) {
            playbooks.insert(market.id.clone(), p);
        }
    }
    playbooks
}

/// Checks the text of one market's playbook; `None` when it has errors (reported).
pub fn parse(
    file: &Path,
    text: &str,
    market: &str,
    settings: &Settings,
    pitches: &[Pitch],
    partners: &[Partner],
    report: &mut Report,
) -> Option<Playbook> {
    let raw: RawPlaybook = match yaml::parse_file(file, text) {
        Ok(r) => r,
        Err(d) => {
            report.push(d);
            return None;
        }
    };
    let before = errors(report);
    let check = Checker {
        file,
        text,
        market,
        settings,
        pitches,
    };
    let base = Terms {
        lead: raw.lead,
        tone: raw.tone.as_ref().map(|t| check.tone(t, report)),
        message: check.languages(&raw.message, "message", report),
        incentives: Incentives {
            reward: raw.incentives.reward,
            payout_days: raw.incentives.payout_days,
            dashboard: raw.incentives.dashboard,
            exclusive: raw.incentives.exclusive,
            co_marketing: raw.incentives.co_marketing,
            bonuses: check.bonuses(raw.incentives.bonuses),
        },
        channels: check.channels(&raw.channels, report),
        cadence: check.cadence(&raw.cadence, report),
    };
    let tiers = raw
        .tiers
        .into_iter()
        .map(|(k, o)| (k, check.override_(o, report)))
        .collect();
    let stages = raw
        .stages
        .into_iter()
        .map(|(k, o)| (k, check.override_(o, report)))
        .collect();
    let ambassador = check.ambassador(raw.ambassador.as_ref(), partners, report);
    (errors(report) == before).then(|| Playbook {
        market: market.to_owned(),
        file: file.to_path_buf(),
        base,
        tiers,
        stages,
        ambassador,
    })
}

/// Checks the parts of one playbook file.
struct Checker<'a> {
    file: &'a Path,
    text: &'a str,
    market: &'a str,
    settings: &'a Settings,
    pitches: &'a [Pitch],
}

impl Checker<'_> {
    fn at(&self, l: &Location, message: String) -> Diagnostic {
        Diagnostic::error(self.file, message).at(self.text, l.line() as usize, l.column() as usize)
    }

    fn tone(&self, tone: &Spanned<String>, report: &mut Report) -> String {
        if !slug::is_slug(&tone.value) {
            report.push(
                self.at(
                    &tone.referenced,
                    format!("tone `{}` is not a slug", tone.value),
                )
                .help("name the tone in one lowercase word, e.g. `direct` or `warm`"),
            );
        }
        tone.value.clone()
    }

    /// A text per site language, no more and no fewer.
    fn languages(
        &self,
        texts: &Spanned<BTreeMap<String, String>>,
        what: &str,
        report: &mut Report,
    ) -> BTreeMap<String, String> {
        for lang in &self.settings.languages {
            if texts.value.get(lang).is_none_or(|t| t.trim().is_empty()) {
                report.push(
                    self.at(
                        &texts.referenced,
                        format!("the {what} has no `{lang}` text"),
                    )
                    .help(format!(
                        "write it in every language of the site: {}",
                        self.settings.languages.join(", ")
                    )),
                );
            }
        }
        for lang in texts.value.keys() {
            if !self.settings.languages.contains(lang) {
                report.push(
                    self.at(
                        &texts.referenced,
                        format!("the {what} has a text in `{lang}`, which is not a site language"),
                    )
                    .help(format!("use: {}", self.settings.languages.join(", "))),
                );
            }
        }
        texts
            .value
            .iter()
            .map(|(k, v)| (k.clone(), v.trim().to_owned()))
            .collect()
    }

    fn bonuses(&self, mut bonuses: Vec<Bonus>) -> Vec<Bonus> {
        bonuses.sort_by_key(|b| b.after_months);
        bonuses
    }

    fn channels(&self, channels: &[Spanned<String>], report: &mut Report) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in channels {
            if self.settings.channel(&c.value).is_none() {
                report.push(
                    self.at(&c.referenced, format!("unknown channel `{}`", c.value))
                        .help(format!("use one of: {}", self.settings.channel_list())),
                );
            } else if out.contains(&c.value) {
                report.push(self.at(
                    &c.referenced,
                    format!("channel `{}` is listed twice", c.value),
                ));
            } else {
                out.push(c.value.clone());
            }
        }
        out
    }

    fn cadence(&self, touches: &[Spanned<RawTouch>], report: &mut Report) -> Vec<Touch> {
        let mut out: Vec<Touch> = Vec::new();
        for t in touches {
            let raw = &t.value;
            let id = &raw.id.value;
            if !slug::is_slug(id) {
                report.push(
                    self.at(&raw.id.referenced, format!("touch id `{id}` is not a slug"))
                        .help(slug::SLUG_HELP),
                );
            } else if out.iter().any(|o| &o.id == id) {
                report.push(
                    self.at(&raw.id.referenced, format!("touch id `{id}` is used twice"))
                        .help("give every touch of a cadence its own id; calendars identify touches by it"),
                );
            }
            let channel = &raw.channel.value;
            if self.settings.channel(channel).is_none() {
                report.push(
                    self.at(
                        &raw.channel.referenced,
                        format!("touch `{id}` uses unknown channel `{channel}`"),
                    )
                    .help(format!("use one of: {}", self.settings.channel_list())),
                );
            } else if !self
                .pitches
                .iter()
                .any(|p| p.market == self.market && &p.channel == channel)
            {
                report.push(
                    self.at(
                        &raw.channel.referenced,
                        format!(
                            "touch `{id}` uses channel `{channel}`, but market `{}` has no pitch copy for it",
                            self.market
                        ),
                    )
                    .help(format!(
                        "write {}/{}/{channel}.<lang>.md, or choose a channel the market has copy for",
                        crate::base::vocab::PITCH_DIR,
                        self.market
                    )),
                );
            }
            out.push(Touch {
                id: id.clone(),
                day: raw.day,
                channel: channel.clone(),
                title: self.languages(&raw.title, &format!("title of touch `{id}`"), report),
            });
        }
        // A stable sort: touches on the same day keep the order they are written in.
        out.sort_by_key(|t| t.day);
        out
    }

    fn override_(&self, raw: RawOverride, report: &mut Report) -> Override {
        let i = raw.incentives.unwrap_or_default();
        let cadence = raw.cadence.as_ref().map(|c| self.cadence(c, report));
        Override {
            lead: raw.lead,
            tone: raw.tone.as_ref().map(|t| self.tone(t, report)),
            message: raw
                .message
                .as_ref()
                .map(|m| self.languages(m, "message", report)),
            reward: i.reward,
            payout_days: i.payout_days,
            dashboard: i.dashboard,
            exclusive: i.exclusive,
            co_marketing: i.co_marketing,
            bonuses: i.bonuses.map(|b| self.bonuses(b)),
            channels: raw.channels.as_ref().map(|c| self.channels(c, report)),
            cadence,
        }
    }

    /// The market's ambassador: the partner the playbook names, else the market's
    /// only partner at the ambassador stage.
    fn ambassador(
        &self,
        named: Option<&Spanned<String>>,
        partners: &[Partner],
        report: &mut Report,
    ) -> Option<LocalContact> {
        let partner = match named {
            Some(id) => {
                let found = partners.iter().find(|p| p.id == id.value);
                match found {
                    Some(p) if p.market == self.market && p.stage == Stage::Ambassador => Some(p),
                    Some(p) => {
                        report.push(self.at(&id.referenced, format!(
                            "partner `{}` cannot be the ambassador of market `{}`: it is a {} partner of market `{}`",
                            p.id, self.market, p.stage.name(), p.market
                        )).help("name a partner of this market whose stage is `ambassador`"));
                        None
                    }
                    None => {
                        report.push(
                            self.at(
                                &id.referenced,
                                format!("there is no partner `{}`", id.value),
                            )
                            .help(format!(
                                "name a partner of {}",
                                crate::base::vocab::REGISTRY_FILE
                            )),
                        );
                        None
                    }
                }
            }
            None => {
                let ambassadors: Vec<&Partner> = partners
                    .iter()
                    .filter(|p| p.market == self.market && p.stage == Stage::Ambassador)
                    .collect();
                match ambassadors.as_slice() {
                    [] => None,
                    [one] => Some(*one),
                    many => {
                        let ids: Vec<&str> = many.iter().map(|p| p.id.as_str()).collect();
                        report.push(Diagnostic::error(self.file, format!(
                            "market `{}` has {} ambassadors ({}); refkit cannot tell which is the local contact",
                            self.market, many.len(), ids.join(", ")
                        )).help("name one with `ambassador: <partner id>` in this playbook"));
                        None
                    }
                }
            }
        }?;
        let person = partner.contact.as_ref();
        Some(LocalContact {
            partner: Some(partner.id.clone()),
            organisation: Some(partner.name.clone()),
            name: person.map_or_else(|| partner.name.clone(), |c| c.name.clone()),
            email: person.and_then(|c| c.email.clone()),
            telegram: person.and_then(|c| c.telegram.clone()),
        })
    }
}

/// Errors reported so far.
fn errors(report: &Report) -> usize {
    report.diagnostics().iter().filter(|d| d.is_error()).count()
}

#[cfg(test)]
mod tests;
