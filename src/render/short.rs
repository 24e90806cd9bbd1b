//! Short links: what a partner can say in a video, print on a flyer or fit into a post.
//!
//! Every partner has `<base>/r/<code>/` (its own link, for places no channel names),
//! one link below it per channel it shares on (`/r/<code>/t/` for Telegram, the
//! channel's `short` segment from `site.yaml`) and the QR code's (`/r/<code>/q/`).
//! Each leads to a full tracked link, built and logged by
//! [`crate::render::links::Attribution`] like any other, so a referral that came
//! through a short link is attributed to its partner, market and channel.
//!
//! A partner's short code is its referral code in lower case. Codes are unique and
//! made of capitals and digits only, so short codes are unique whatever the case a
//! reader types them in, and they stay the same from build to build for as long as
//! the code does: a printed flyer keeps working.

use std::collections::BTreeMap;

use crate::base::vocab::{short_links, QR};
use crate::model::partners::Partner;
use crate::model::settings::Settings;
use crate::render::urls::Urls;

/// One short link of a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShortLink {
    /// Root-relative URL (`/r/harbor26/t/`).
    pub url: String,
    /// `utm_medium` of the tracked link it leads to.
    pub channel: String,
    /// `utm_content` of that link.
    pub asset: &'static str,
}

/// Where short links live and which segment stands for which channel.
#[derive(Debug, Clone)]
pub(crate) struct Shorts {
    urls: Urls,
    /// Channel id → its segment.
    segments: BTreeMap<String, String>,
}

impl Shorts {
    /// The short links of a site with `settings`.
    pub(crate) fn new(settings: &Settings) -> Shorts {
        Shorts {
            urls: Urls::new(settings),
            segments: settings
                .channels
                .iter()
                .map(|c| (c.id.clone(), c.short.clone()))
                .collect(),
        }
    }

    /// The short code of a partner whose referral code is `code`.
    pub(crate) fn code(code: &str) -> String {
        code.to_ascii_lowercase()
    }

    /// The root-relative folder of every short link of the partner with `code`.
    pub(crate) fn folder(&self, code: &str) -> String {
        self.urls
            .file(&format!("{}/{}/", short_links::DIR, Self::code(code)))
    }

    /// The root-relative short link that leads to the partner's tracked link for
    /// `channel` and `asset`, if there is one.
    pub(crate) fn url(&self, code: &str, channel: &str, asset: &str) -> Option<String> {
        let folder = self.folder(code);
        match (channel, asset) {
            (short_links::MEDIUM, short_links::ASSET) => Some(folder),
            (QR, QR) => Some(format!("{folder}{}/", short_links::QR_SEGMENT)),
            (channel, short_links::ASSET) => self
                .segments
                .get(channel)
                .map(|segment| format!("{folder}{segment}/")),
            _ => None,
        }
    }

    /// The absolute form of [`Shorts::url`].
    pub(crate) fn permalink(&self, code: &str, channel: &str, asset: &str) -> Option<String> {
        self.url(code, channel, asset)
            .map(|url| self.urls.permalink(&url))
    }

    /// Every short link of `partner`: its own first, then the QR code's, then one per
    /// channel it shares on that the site configures, in the registry's order.
    pub(crate) fn of(&self, partner: &Partner) -> Vec<ShortLink> {
        let own = (short_links::MEDIUM, short_links::ASSET);
        let qr = (QR, QR);
        let channels = partner
            .channels
            .iter()
            .filter(|c| self.segments.contains_key(c.as_str()))
            .map(|c| (c.as_str(), short_links::ASSET));
        let mut seen = std::collections::BTreeSet::new();
        [own, qr]
            .into_iter()
            .chain(channels)
            .filter(|key| seen.insert(*key))
            .filter_map(|(channel, asset)| {
                Some(ShortLink {
                    url: self.url(&partner.code, channel, asset)?,
                    channel: channel.to_owned(),
                    asset,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::parse("title: T\nbase_url: https://p.test/kit/\nlanguages: [en]\nmarkets:\n  us: {landing: 'https://j.test', language: en, currency: USD}\nchannels:\n  telegram: {}\n  x: {limit: 280}\n  newsletter: {short: n}\n").unwrap()
    }

    #[test]
    fn every_partner_has_its_own_its_qr_and_one_short_link_per_channel() {
        let shorts = Shorts::new(&settings());
        let partner = Partner {
            id: "acme".into(),
            name: "Acme".into(),
            market: "us".into(),
            code: "ACME26".into(),
            stage: crate::model::partners::Stage::Active,
            tier: crate::model::partners::Tier::Small,
            channels: vec!["x".into(), "telegram".into(), "newsletter".into()],
            audience: None,
            contact: None,
            start: None,
        };
        let urls: Vec<(String, String)> = shorts
            .of(&partner)
            .into_iter()
            .map(|s| (s.url, s.channel))
            .collect();
        let expected = [
            ("/kit/r/acme26/", "link"),
            ("/kit/r/acme26/q/", "qr"),
            ("/kit/r/acme26/x/", "x"),
            ("/kit/r/acme26/t/", "telegram"),
            ("/kit/r/acme26/n/", "newsletter"),
        ]
        .map(|(u, c)| (u.to_owned(), c.to_owned()));
        assert_eq!(urls, expected);
        assert_eq!(
            shorts
                .permalink("ACME26", "telegram", short_links::ASSET)
                .as_deref(),
            Some("https://p.test/kit/r/acme26/t/")
        );
        // Only the links short links lead to have one.
        assert_eq!(shorts.url("ACME26", "telegram", "pitch-telegram"), None);
        assert_eq!(shorts.url("ACME26", "vk", short_links::ASSET), None);
    }

    #[test]
    fn two_channels_cannot_share_a_segment_and_none_takes_the_qr_codes() {
        let text = "title: T\nbase_url: https://p.test\nlanguages: [en]\nmarkets:\n  us: {landing: 'https://j.test', language: en, currency: USD}\nchannels:\n  telegram: {}\n  tiktok: {short: t}\n  quora: {short: q}\n";
        let Err(crate::base::diagnostics::Error::Content(d)) = Settings::parse(text) else {
            panic!("expected a content error");
        };
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("`q` cannot be")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`telegram` and `tiktok` both")),
            "{messages:?}"
        );
    }
}
