//! Tracked referral links.
//!
//! Every call to action a partner shares carries a link built from the referral scheme
//! in `site.yaml`: the market's landing URL, the partner's code and UTM tags for the
//! channel and the asset it came from, so the agency can attribute every referral to
//! its partner, market and channel. Every link emitted is recorded in a [`LinkLog`],
//! which becomes `manifest/links.csv`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// The scheme used when `site.yaml` names none (the contract in DESIGN.md).
pub const DEFAULT_SCHEME: &str = "{landing}?ref={code}&utm_source=partner&utm_medium={channel}&utm_campaign={campaign}&utm_content={asset}";

/// `utm_medium` values refkit uses itself; they cannot be channel ids.
pub const RESERVED_MEDIUMS: &[&str] = &["microsite", "qr", "kit"];

/// The medium of links in share-ready stories inside kits.
pub const KIT: &str = "kit";

/// The medium of links encoded in QR codes.
pub const QR: &str = "qr";

/// The medium of links on a partner's microsite pages.
pub const MICROSITE: &str = "microsite";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Var {
    Landing,
    Code,
    Channel,
    Campaign,
    Asset,
    Market,
    Lang,
    Partner,
}

impl Var {
    fn from_name(name: &str) -> Option<Var> {
        Some(match name {
            "landing" => Var::Landing,
            "code" => Var::Code,
            "channel" => Var::Channel,
            "campaign" => Var::Campaign,
            "asset" => Var::Asset,
            "market" => Var::Market,
            "lang" => Var::Lang,
            "partner" => Var::Partner,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Var(Var),
}

/// A parsed referral link template such as [`DEFAULT_SCHEME`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralScheme {
    segments: Vec<Segment>,
    campaign: String,
}

/// Everything a link is built from.
#[derive(Debug, Clone, Copy)]
pub struct LinkParts<'a> {
    /// The market's landing URL.
    pub landing: &'a str,
    /// The partner's referral code.
    pub code: &'a str,
    /// The partner's id.
    pub partner: &'a str,
    /// The partner's market id.
    pub market: &'a str,
    /// The language of the page or kit the link sits in.
    pub lang: &'a str,
    /// `utm_medium`: a channel id, `microsite` or `qr`.
    pub channel: &'a str,
    /// `utm_content`: which page, button or file the link came from.
    pub asset: &'a str,
}

impl ReferralScheme {
    /// Parses a template. Placeholders are `{landing}`, `{code}`, `{channel}`,
    /// `{campaign}`, `{asset}`, `{market}`, `{lang}` and `{partner}`; `{code}` is required.
    pub fn parse(template: &str, campaign: &str) -> Result<ReferralScheme, String> {
        let mut segments = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| {
                format!("referral URL `{template}` has a `{{` that is never closed")
            })?;
            let name = &after[..close];
            let var = Var::from_name(name).ok_or_else(|| {
                format!("referral URL uses `{{{name}}}`, which refkit does not know (known: landing, code, channel, campaign, asset, market, lang, partner)")
            })?;
            segments.push(Segment::Var(var));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_owned()));
        }
        if !segments.contains(&Segment::Var(Var::Code)) {
            return Err(
                "referral URL must contain `{code}`, or links cannot be attributed to partners"
                    .to_owned(),
            );
        }
        if !matches!(segments.first(), Some(Segment::Var(Var::Landing)))
            && crate::model::settings::check_absolute_url(template).is_err()
        {
            return Err(
                "referral URL must start with `{landing}` or an absolute https:// address"
                    .to_owned(),
            );
        }
        if template
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '<' | '>'))
        {
            return Err(
                "referral URL must not contain spaces, quotes or angle brackets".to_owned(),
            );
        }
        Ok(ReferralScheme {
            segments,
            campaign: campaign.to_owned(),
        })
    }

    /// The campaign name (`utm_campaign`).
    pub fn campaign(&self) -> &str {
        &self.campaign
    }

    /// Builds one link. Every value but the landing URL is percent-encoded.
    pub fn link(&self, parts: &LinkParts<'_>) -> String {
        let mut url = String::with_capacity(160);
        for segment in &self.segments {
            match segment {
                Segment::Text(text) => url.push_str(text),
                Segment::Var(Var::Landing) => url.push_str(parts.landing),
                Segment::Var(var) => {
                    let value = match var {
                        Var::Code => parts.code,
                        Var::Channel => parts.channel,
                        Var::Campaign => &self.campaign,
                        Var::Asset => parts.asset,
                        Var::Market => parts.market,
                        Var::Lang => parts.lang,
                        Var::Partner => parts.partner,
                        Var::Landing => unreachable!("handled above"),
                    };
                    percent_encode_into(value, &mut url);
                }
            }
        }
        url
    }
}

/// Appends `value` to `out`, encoding everything but RFC 3986 unreserved characters.
pub fn percent_encode_into(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// One tracked link emitted somewhere in the output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LinkRecord {
    /// Partner id.
    pub partner: String,
    /// Market id.
    pub market: String,
    /// Language of the page or kit.
    pub lang: String,
    /// `utm_medium`.
    pub channel: String,
    /// `utm_content`.
    pub asset: String,
    /// The full link.
    pub url: String,
}

/// Every link emitted during a build, collected from parallel renderers.
#[derive(Debug, Default)]
pub struct LinkLog {
    records: Mutex<BTreeSet<LinkRecord>>,
}

impl LinkLog {
    /// Builds the link for `parts` with `scheme` and records it.
    pub fn emit(&self, scheme: &ReferralScheme, parts: &LinkParts<'_>) -> String {
        let url = scheme.link(parts);
        let record = LinkRecord {
            partner: parts.partner.to_owned(),
            market: parts.market.to_owned(),
            lang: parts.lang.to_owned(),
            channel: parts.channel.to_owned(),
            asset: parts.asset.to_owned(),
            url: url.clone(),
        };
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(record);
        url
    }

    /// The recorded links in sorted order (partner, market, language, channel, asset).
    pub fn sorted(&self) -> Vec<LinkRecord> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }
}

/// What a partner's links are built from.
#[derive(Debug, Clone)]
pub struct PartnerRef {
    /// Referral code.
    pub code: String,
    /// Market id.
    pub market: String,
    /// The market's landing URL.
    pub landing: String,
}

/// Builds and records every tracked link of a build: the referral scheme, what each
/// partner's links are made of, and the log that becomes `manifest/links.csv`.
#[derive(Debug)]
pub struct Attribution {
    scheme: ReferralScheme,
    partners: BTreeMap<String, PartnerRef>,
    log: LinkLog,
}

impl Attribution {
    /// Prepares links for every partner of `project`.
    pub fn new(project: &crate::load::Project) -> Attribution {
        let partners = project
            .partners
            .iter()
            .filter_map(|p| {
                let market = project.settings.market(&p.market)?;
                Some((
                    p.id.clone(),
                    PartnerRef {
                        code: p.code.clone(),
                        market: p.market.clone(),
                        landing: market.landing.clone(),
                    },
                ))
            })
            .collect();
        Attribution {
            scheme: project.settings.referral.clone(),
            partners,
            log: LinkLog::default(),
        }
    }

    /// An attribution with no partners (for checking templates when content is broken).
    pub fn empty(settings: &crate::model::settings::Settings) -> Attribution {
        Attribution {
            scheme: settings.referral.clone(),
            partners: BTreeMap::new(),
            log: LinkLog::default(),
        }
    }

    /// The tracked link of `partner` for `channel` and `asset` in `lang`, recorded in
    /// the log. Fails when the partner is unknown or the asset is not a safe slug.
    pub fn link(
        &self,
        partner: &str,
        lang: &str,
        channel: &str,
        asset: &str,
    ) -> Result<String, String> {
        let p = self
            .partners
            .get(partner)
            .ok_or_else(|| format!("there is no partner `{partner}`"))?;
        if !crate::base::slug::is_slug(asset) {
            return Err(format!(
                "asset `{asset}` is not a safe slug: {}",
                crate::base::slug::SLUG_HELP
            ));
        }
        Ok(self.log.emit(
            &self.scheme,
            &LinkParts {
                landing: &p.landing,
                code: &p.code,
                partner,
                market: &p.market,
                lang,
                channel,
                asset,
            },
        ))
    }

    /// Every link recorded so far, sorted.
    pub fn records(&self) -> Vec<LinkRecord> {
        self.log.sorted()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(asset: &'a str) -> LinkParts<'a> {
        LinkParts {
            landing: "https://example.com/us",
            code: "HARBOR26",
            partner: "harbor",
            market: "us",
            lang: "en",
            channel: "microsite",
            asset,
        }
    }

    #[test]
    fn default_scheme_builds_the_documented_link() {
        let scheme = ReferralScheme::parse(DEFAULT_SCHEME, "spring").unwrap();
        assert_eq!(
            scheme.link(&parts("landing-hero")),
            "https://example.com/us?ref=HARBOR26&utm_source=partner&utm_medium=microsite&utm_campaign=spring&utm_content=landing-hero"
        );
    }

    #[test]
    fn values_are_percent_encoded() {
        let scheme = ReferralScheme::parse("{landing}?r={code}&a={asset}", "c").unwrap();
        assert_eq!(
            scheme.link(&parts("a&b=c d")),
            "https://example.com/us?r=HARBOR26&a=a%26b%3Dc%20d"
        );
    }

    #[test]
    fn scheme_without_code_or_with_unknown_placeholder_is_refused() {
        assert!(ReferralScheme::parse("{landing}?utm_source=x", "c")
            .unwrap_err()
            .contains("{code}"));
        assert!(
            ReferralScheme::parse("{landing}?ref={code}&x={colour}", "c")
                .unwrap_err()
                .contains("{colour}")
        );
        assert!(ReferralScheme::parse("javascript:{code}", "c").is_err());
    }

    #[test]
    fn log_records_each_link_once_in_sorted_order() {
        let scheme = ReferralScheme::parse(DEFAULT_SCHEME, "c").unwrap();
        let log = LinkLog::default();
        log.emit(&scheme, &parts("b"));
        log.emit(&scheme, &parts("a"));
        log.emit(&scheme, &parts("b"));
        let records = log.sorted();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].asset, "a");
    }
}
