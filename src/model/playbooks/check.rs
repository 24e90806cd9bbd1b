//! Checking a market's playbook: the raw YAML shape, then every rule at once.

use super::*;
use crate::base::named::Named;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlaybook {
    lead: Lead,
    #[serde(default)]
    tone: Option<Spanned<String>>,
    message: Spanned<BTreeMap<String, String>>,
    #[serde(default)]
    offer: Option<Spanned<RawOffer>>,
    incentives: RawIncentives,
    /// Days a reward is held before it is due (a refund inside them cancels it).
    #[serde(default = "default_holding_days")]
    holding_days: u32,
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
    #[serde(default = "default_attribution_days")]
    attribution_days: u32,
    #[serde(default)]
    dashboard: bool,
    #[serde(default)]
    exclusive: bool,
    #[serde(default)]
    co_marketing: bool,
    #[serde(default)]
    bonuses: Vec<Bonus>,
}

/// `offer:` of a market: what a referred client gets.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffer {
    #[serde(default)]
    free_days: u32,
    #[serde(default)]
    discount_percent: u32,
    #[serde(default)]
    discount_months: u32,
    #[serde(default)]
    migration: bool,
    summary: Spanned<BTreeMap<String, String>>,
}

/// `offer:` of a tier or stage: only what changes.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOfferPatch {
    #[serde(default)]
    free_days: Option<u32>,
    #[serde(default)]
    discount_percent: Option<u32>,
    #[serde(default)]
    discount_months: Option<u32>,
    #[serde(default)]
    migration: Option<bool>,
    #[serde(default)]
    summary: Option<Spanned<BTreeMap<String, String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIncentivesPatch {
    #[serde(default)]
    reward: Option<u64>,
    #[serde(default)]
    payout_days: Option<u32>,
    #[serde(default)]
    attribution_days: Option<u32>,
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
    offer: Option<Spanned<RawOfferPatch>>,
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
    #[serde(default)]
    copy: Option<Spanned<BTreeMap<String, String>>>,
    #[serde(default)]
    reminder: bool,
}

/// `attribution_days` when a playbook leaves it out.
fn default_attribution_days() -> u32 {
    DEFAULT_ATTRIBUTION_DAYS
}

fn default_holding_days() -> u32 {
    DEFAULT_HOLDING_DAYS
}

/// Checks the text of one market's playbook; `None` when it has errors (reported).
pub(crate) fn parse(
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
        offer: raw.offer.as_ref().map(|o| check.offer(o, report)),
        incentives: Incentives {
            reward: raw.incentives.reward,
            payout_days: raw.incentives.payout_days,
            attribution_days: raw.incentives.attribution_days,
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
        holding_days: raw.holding_days,
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

    /// A market's offer: its numbers, and a summary per language whose `{…}` are the
    /// offer's own placeholders.
    fn offer(&self, raw: &Spanned<RawOffer>, report: &mut Report) -> Offer {
        let o = &raw.value;
        self.discount(o.discount_percent, &raw.referenced, report);
        Offer {
            free_days: o.free_days,
            discount_percent: o.discount_percent,
            discount_months: o.discount_months,
            migration: o.migration,
            summary: self.summary(&o.summary, report),
        }
    }

    fn offer_patch(&self, raw: &Spanned<RawOfferPatch>, report: &mut Report) -> OfferPatch {
        let o = &raw.value;
        if let Some(d) = o.discount_percent {
            self.discount(d, &raw.referenced, report);
        }
        OfferPatch {
            free_days: o.free_days,
            discount_percent: o.discount_percent,
            discount_months: o.discount_months,
            migration: o.migration,
            summary: o.summary.as_ref().map(|s| self.summary(s, report)),
        }
    }

    fn discount(&self, percent: u32, at: &Location, report: &mut Report) {
        if percent > 100 {
            report.push(
                self.at(
                    at,
                    format!("the offer's discount is {percent} %, more than the whole price"),
                )
                .help("write `discount_percent` as a number from 0 to 100"),
            );
        }
    }

    /// The offer's summary in every language, with only the offer's placeholders.
    fn summary(
        &self,
        texts: &Spanned<BTreeMap<String, String>>,
        report: &mut Report,
    ) -> BTreeMap<String, String> {
        let out = self.languages(texts, "offer's summary", report);
        for (lang, text) in &out {
            let mut rest = text.as_str();
            while let Some(start) = rest.find('{') {
                let after = &rest[start..];
                let end = after.find('}').map_or(after.len(), |e| e + 1);
                let name = &after[..end];
                if ![OFFER_DAYS, OFFER_DISCOUNT, OFFER_MONTHS].contains(&name) {
                    report.push(
                        self.at(
                            &texts.referenced,
                            format!("the offer's `{lang}` summary has `{name}`, which is not one of its placeholders"),
                        )
                        .help(format!("use {OFFER_DAYS}, {OFFER_DISCOUNT} or {OFFER_MONTHS}, so the numbers come from the offer")),
                    );
                }
                rest = &after[end..];
            }
        }
        out
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
            let copy = match &raw.copy {
                Some(c) => {
                    let copy = self.languages(c, &format!("copy of touch `{id}`"), report);
                    for (lang, text) in &copy {
                        if !text.contains(crate::base::vocab::LINK_PLACEHOLDER) {
                            report.push(
                                self.at(&c.referenced, format!("the `{lang}` copy of touch `{id}` has no `{}`, so its referrals could not be tracked", crate::base::vocab::LINK_PLACEHOLDER))
                                    .help("put `{link}` where the touch's tracked link belongs"),
                            );
                        }
                    }
                    copy
                }
                None => BTreeMap::new(),
            };
            out.push(Touch {
                id: id.clone(),
                day: raw.day,
                channel: channel.clone(),
                title: self.languages(&raw.title, &format!("title of touch `{id}`"), report),
                copy,
                reminder: raw.reminder,
                line: t.referenced.line() as usize,
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
            offer: raw
                .offer
                .as_ref()
                .map(|o| self.offer_patch(o, report))
                .unwrap_or_default(),
            reward: i.reward,
            payout_days: i.payout_days,
            attribution_days: i.attribution_days,
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
