//! One check per section of `site.yaml`: each reads its part of [`RawSettings`],
//! reports every problem at its line and returns the checked value, so
//! [`Settings::parse`] is the list of sections in order.

use std::collections::BTreeMap;
use std::path::Path;

use serde_saphyr::Spanned;

use super::*;

/// An error in site.yaml at `line`, `column`.
fn at_line(text: &str, line: u64, column: u64, message: String) -> Diagnostic {
    Diagnostic::error(Path::new(SETTINGS_FILE), message).at(text, line as usize, column as usize)
}

/// `base_url`, split into the address and its path.
pub(super) fn check_base_url(
    raw: &Spanned<String>,
    text: &str,
    report: &mut Report,
) -> (String, String) {
    let at = |line: u64, column: u64, message: String| at_line(text, line, column, message);
    match split_base_url(&raw.value) {
        Ok(parts) => parts,
        Err(why) => {
            let l = raw.referenced;
            report.push(at(l.line(), l.column(), why).help(
                "write the absolute address the site is published at, e.g. https://partners.example.com",
            ));
            (String::new(), "/".to_owned())
        }
    }
}

/// `languages`: codes, each once, at least one.
pub(super) fn check_languages(
    raw: &[Spanned<String>],
    text: &str,
    report: &mut Report,
) -> Vec<String> {
    let file = Path::new(SETTINGS_FILE);
    let at = |line: u64, column: u64, message: String| at_line(text, line, column, message);
    let mut languages = Vec::new();
    for lang in raw {
        let l = lang.referenced;
        if !is_language_code(&lang.value) {
            report.push(
                at(
                    l.line(),
                    l.column(),
                    format!("`{}` is not a language code", lang.value),
                )
                .help("use a lowercase ISO 639-1 code such as `en` or `ru`"),
            );
        } else if languages.contains(&lang.value) {
            report.push(at(
                l.line(),
                l.column(),
                format!("language `{}` is listed twice", lang.value),
            ));
        } else {
            languages.push(lang.value.clone());
        }
    }
    if raw.is_empty() {
        report.push(
            Diagnostic::error(file, "`languages` is empty")
                .help("list at least one language, e.g. [en, ru]"),
        );
    }
    languages
}

/// `markets`: each one's id, language, landing page, currency and region.
pub(super) fn check_markets(
    raw: &BTreeMap<String, Spanned<RawMarket>>,
    languages: &[String],
    text: &str,
    report: &mut Report,
) -> Vec<Market> {
    let file = Path::new(SETTINGS_FILE);
    let at = |line: u64, column: u64, message: String| at_line(text, line, column, message);
    let mut markets = Vec::new();
    for (id, market) in raw {
        let m = &market.value;
        let l = market.referenced;
        if !slug::is_slug(id) {
            report.push(
                at(
                    l.line(),
                    l.column(),
                    format!("market id `{id}` is not a slug"),
                )
                .help("use lowercase ASCII letters, digits and hyphens, e.g. `us`"),
            );
        }
        if !languages.contains(&m.language.value) {
            let ll = m.language.referenced;
            report.push(
                at(
                    ll.line(),
                    ll.column(),
                    format!(
                        "market `{id}` uses language `{}`, which is not in `languages`",
                        m.language.value
                    ),
                )
                .help(format!("use one of: {}", languages.join(", "))),
            );
        }
        if let Err(why) = check_absolute_url(&m.landing.value) {
            let ll = m.landing.referenced;
            report.push(at(
                ll.line(),
                ll.column(),
                format!("landing URL of market `{id}` {why}"),
            ));
        }
        let currency = &m.currency.value;
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            let ll = m.currency.referenced;
            report.push(
                at(
                    ll.line(),
                    ll.column(),
                    format!("`{currency}` is not an ISO 4217 currency code"),
                )
                .help("use three capital letters, e.g. USD or RUB"),
            );
        }
        let moved: Vec<&str> = [
            ("lead", m.lead.is_some()),
            ("reward", m.reward.is_some()),
            ("payout_days", m.payout_days.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, present)| present.then_some(key))
        .collect();
        if !moved.is_empty() {
            report.push(
                at(
                    l.line(),
                    l.column(),
                    format!(
                        "market `{id}` sets {} here, but incentives now live in the market's playbook",
                        moved.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .help(format!(
                    "move them to {}/{id}.yaml (`lead`, and `reward` and `payout_days` under `incentives`); the README (\"Playbooks\") shows the file",
                    crate::base::vocab::PLAYBOOKS_DIR
                )),
            );
        }
        let region = match &m.region {
            Some(r) if is_region(&r.value) => Some(r.value.clone()),
            Some(r) => {
                let ll = r.referenced;
                report.push(
                    at(
                        ll.line(),
                        ll.column(),
                        format!("`{}` is not a region code", r.value),
                    )
                    .help("use the two capital letters of ISO 3166-1, e.g. US or RU"),
                );
                None
            }
            None => Some(id.to_ascii_uppercase()).filter(|r| is_region(r)),
        };
        markets.push(Market {
            id: id.clone(),
            landing: m.landing.value.clone(),
            language: m.language.value.clone(),
            currency: currency.clone(),
            region,
        });
    }
    if markets.is_empty() {
        report.push(
            Diagnostic::error(file, "`markets` is empty")
                .help("define at least one market, e.g. `us`"),
        );
    }
    markets
}

/// `channels`: their ids and short-link segments, or the default channels.
pub(super) fn check_channels(
    raw: Option<&BTreeMap<String, RawChannel>>,
    report: &mut Report,
) -> Vec<Channel> {
    let file = Path::new(SETTINGS_FILE);
    match raw {
        None => default_channels(),
        Some(map) => {
            let mut channels = Vec::new();
            for (id, channel) in map {
                if !slug::is_slug(id) || crate::base::vocab::RESERVED_MEDIUMS.contains(&id.as_str())
                {
                    report.push(Diagnostic::error(file, format!("`{id}` cannot be a channel id"))
                        .help("use lowercase ASCII letters, digits and hyphens; `microsite`, `qr`, `kit` and `link` are reserved"));
                }
                let short = channel
                    .short
                    .clone()
                    .unwrap_or_else(|| crate::base::vocab::short_links::segment(id).to_owned());
                if !slug::is_slug(&short)
                    || crate::base::vocab::short_links::RESERVED.contains(&short.as_str())
                {
                    report.push(Diagnostic::error(file, format!("`{short}` cannot be the short-link segment of channel `{id}`"))
                        .help(format!("set `short:` to lowercase ASCII letters, digits and hyphens, other than {}", crate::base::vocab::short_links::RESERVED.join(", "))));
                } else if let Some(other) = channels.iter().find(|c: &&Channel| c.short == short) {
                    report.push(Diagnostic::error(file, format!("channels `{}` and `{id}` both have the short-link segment `{short}`", other.id))
                        .help(format!("give one of them its own `short:` under `channels:` in {SETTINGS_FILE}")));
                }
                channels.push(Channel {
                    id: id.clone(),
                    limit: channel.limit,
                    short,
                });
            }
            channels
        }
    }
}

/// `referral`: the campaign and the link template, parsed.
pub(super) fn check_referral(
    raw: Option<&RawReferral>,
    text: &str,
    report: &mut Report,
) -> Option<ReferralScheme> {
    let file = Path::new(SETTINGS_FILE);
    let at = |line: u64, column: u64, message: String| at_line(text, line, column, message);
    let referral = match raw {
        None => ReferralScheme::parse(crate::model::scheme::DEFAULT_SCHEME, "partners")
            .map_err(|why| Diagnostic::error(file, why)),
        Some(r) => {
            if !slug::is_slug(&r.campaign.value) {
                let l = r.campaign.referenced;
                report.push(
                    at(
                        l.line(),
                        l.column(),
                        format!("campaign `{}` is not a slug", r.campaign.value),
                    )
                    .help("use lowercase ASCII letters, digits and hyphens"),
                );
            }
            let template = r
                .url
                .as_ref()
                .map_or(crate::model::scheme::DEFAULT_SCHEME, |u| u.value.as_str());
            ReferralScheme::parse(template, &r.campaign.value).map_err(|why| {
                let l = r.url.as_ref().map(|u| u.referenced);
                match l {
                    Some(l) => at(l.line(), l.column(), why),
                    None => Diagnostic::error(file, why),
                }
            })
        }
    };
    match referral {
        Ok(r) => Some(r),
        Err(d) => {
            report.push(d);
            None
        }
    }
}

/// `theme`: a folder name, `harbor` by default.
pub(super) fn check_theme(
    raw: Option<&Spanned<String>>,
    text: &str,
    report: &mut Report,
) -> String {
    let at = |line: u64, column: u64, message: String| at_line(text, line, column, message);
    match raw {
        None => "harbor".to_owned(),
        Some(t) => {
            if !slug::is_slug(&t.value) {
                let l = t.referenced;
                report.push(at(l.line(), l.column(), format!("theme `{}` is not a folder name refkit accepts", t.value))
                    .help("name a folder under themes/ with lowercase ASCII letters, digits and hyphens"));
            }
            t.value.clone()
        }
    }
}

/// `kits.sizes`: banner sizes, each once, or the defaults.
pub(super) fn check_kit_sizes(
    raw: Option<&Vec<Spanned<String>>>,
    text: &str,
    report: &mut Report,
) -> Vec<(u32, u32)> {
    let at = |line: u64, column: u64, message: String| at_line(text, line, column, message);
    let mut kit_sizes = Vec::new();
    match raw {
        None => kit_sizes.extend(DEFAULT_KIT_SIZES),
        Some(sizes) => {
            for size in sizes {
                match parse_size(&size.value) {
                    Some(wh) if !kit_sizes.contains(&wh) => kit_sizes.push(wh),
                    Some(_) => {}
                    None => {
                        let l = size.referenced;
                        report.push(
                            at(
                                l.line(),
                                l.column(),
                                format!("`{}` is not a banner size", size.value),
                            )
                            .help("write WIDTHxHEIGHT in pixels, each 16 to 4096, e.g. 1200x630"),
                        );
                    }
                }
            }
        }
    }
    kit_sizes
}

/// `kits_base_url`: where kit files are served, when not beside the site.
pub(super) fn check_kits_url(
    raw: Option<&Spanned<String>>,
    text: &str,
    report: &mut Report,
) -> Option<String> {
    let at = |line: u64, column: u64, message: String| at_line(text, line, column, message);
    match raw {
        None => None,
        Some(u) => match check_kits_base_url(&u.value) {
            Ok(url) => Some(url),
            Err(why) => {
                let l = u.referenced;
                report.push(at(l.line(), l.column(), why).help(
                    "write the absolute address the kits' storage is served at, e.g. https://kits.example.com",
                ));
                None
            }
        },
    }
}
