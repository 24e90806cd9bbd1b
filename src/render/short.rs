//! Short links: what a partner can say in a video, print on a flyer or fit into a post.
//!
//! Every partner has `<base>/r/<code>/` (its own link, for places no channel names),
//! one link below it per channel it shares on (`/r/<code>/t/` for Telegram, the
//! channel's `short` segment from `site.yaml`) and the QR code's (`/r/<code>/q/`).
//! Each leads to a full tracked link, built and logged by
//! [`crate::render::links::Attribution`] like any other, so a referral that came
//! through a short link is attributed to its partner, market and channel.
//!
//! The copy in a partner's kits (pitch files, outreach touches, stories) prints a
//! short link of its own for each channel and asset it carries, one level deeper:
//! `/r/<code>/<segment>/<tag>/`, where the tag is five characters drawn from the
//! SHA-256 of the asset's id. It leads to the tracked link of that channel *and*
//! asset, so a referral from a pasted post is still attributed to the post, and it
//! stays the same for as long as the asset's id does. `referral.links_in_copy: full`
//! prints the full links instead.
//!
//! A partner's short code is its referral code in lower case. Codes are unique and
//! made of capitals and digits only, so short codes are unique whatever the case a
//! reader types them in, and they stay the same from build to build for as long as
//! the code does: a printed flyer keeps working.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use crate::base::vocab::{short_links, KIT, QR};
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::model::settings::{CopyLinks, Settings};
use crate::render::urls::Urls;

/// One short link of a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShortLink {
    /// Root-relative URL (`/r/harbor26/t/`).
    pub url: String,
    /// `utm_medium` of the tracked link it leads to.
    pub channel: String,
    /// `utm_content` of that link.
    pub asset: String,
}

/// The letters of an asset's tag: lower case and digits without `l`, `o`, `0` and
/// `1`, which readers confuse.
const TAG_ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
/// Characters of an asset's tag; twice as many for assets whose short tags collide.
const TAG_LENGTH: usize = 5;

/// Where short links live and which segment stands for which channel.
#[derive(Debug, Clone)]
pub(crate) struct Shorts {
    urls: Urls,
    /// Channel id → its segment.
    segments: BTreeMap<String, String>,
    /// By partner code: the (channel, asset) pairs the copy of its kits prints, each
    /// with the segment and tag of its short link.
    printed: BTreeMap<String, BTreeMap<(String, String), String>>,
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
            printed: BTreeMap::new(),
        }
    }

    /// The short links of `project`, with one for every channel and asset that the
    /// copy of each partner's kits prints, unless the site prints full links.
    pub(crate) fn for_project(project: &Project) -> Shorts {
        let mut shorts = Shorts::new(&project.settings);
        if project.settings.copy_links == CopyLinks::Full {
            return shorts;
        }
        for partner in &project.partners {
            let pairs = printed_pairs(project, partner);
            let printed = shorts.tags(pairs);
            shorts.printed.insert(partner.code.clone(), printed);
        }
        shorts
    }

    /// The segment of `channel`'s links: its own, or the kit stories' for `kit`.
    fn segment(&self, channel: &str) -> Option<&str> {
        if channel == KIT {
            return Some(short_links::KIT_SEGMENT);
        }
        self.segments.get(channel).map(String::as_str)
    }

    /// The `<segment>/<tag>` of each pair whose channel has a segment. Tags are
    /// short; the few assets whose short tags meet under one segment get long ones.
    fn tags(&self, pairs: BTreeSet<(String, String)>) -> BTreeMap<(String, String), String> {
        let mut short: BTreeMap<(String, String), Vec<(String, String)>> = BTreeMap::new();
        for (channel, asset) in pairs {
            let Some(segment) = self.segment(&channel) else {
                continue;
            };
            short
                .entry((segment.to_owned(), tag(&asset, TAG_LENGTH)))
                .or_default()
                .push((channel, asset));
        }
        let mut tags = BTreeMap::new();
        for ((segment, tag_text), pairs) in short {
            let alone = pairs.len() == 1;
            for (channel, asset) in pairs {
                let t = if alone {
                    tag_text.clone()
                } else {
                    tag(&asset, 2 * TAG_LENGTH)
                };
                tags.insert((channel, asset), format!("{segment}/{t}"));
            }
        }
        tags
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
            (channel, asset) => self
                .printed
                .get(code)?
                .get(&(channel.to_owned(), asset.to_owned()))
                .map(|path| format!("{folder}{path}/")),
        }
    }

    /// What copy prints for the tracked link `tracked` of the partner with `code`:
    /// the short link of its channel and asset, or `tracked` itself when it has none.
    pub(crate) fn in_copy(&self, code: &str, channel: &str, asset: &str, tracked: &str) -> String {
        self.permalink(code, channel, asset)
            .unwrap_or_else(|| tracked.to_owned())
    }

    /// The absolute form of [`Shorts::url`].
    pub(crate) fn permalink(&self, code: &str, channel: &str, asset: &str) -> Option<String> {
        self.url(code, channel, asset)
            .map(|url| self.urls.permalink(&url))
    }

    /// The short links a partner says, prints and posts anywhere: its own first, then
    /// the QR code's, then one per channel it shares on that the site configures, in
    /// the registry's order.
    pub(crate) fn of(&self, partner: &Partner) -> Vec<ShortLink> {
        let own = (short_links::MEDIUM, short_links::ASSET);
        let qr = (QR, QR);
        let channels = partner
            .channels
            .iter()
            .filter(|c| self.segments.contains_key(c.as_str()))
            .map(|c| (c.as_str(), short_links::ASSET));
        let mut seen = BTreeSet::new();
        [own, qr]
            .into_iter()
            .chain(channels)
            .filter(|key| seen.insert(*key))
            .filter_map(|(channel, asset)| {
                Some(ShortLink {
                    url: self.url(&partner.code, channel, asset)?,
                    channel: channel.to_owned(),
                    asset: asset.to_owned(),
                })
            })
            .collect()
    }

    /// The short links the copy of `partner`'s kits prints, one per channel and
    /// asset, sorted by channel and asset.
    pub(crate) fn printed_of(&self, partner: &Partner) -> Vec<ShortLink> {
        let folder = self.folder(&partner.code);
        self.printed
            .get(&partner.code)
            .into_iter()
            .flatten()
            .map(|((channel, asset), path)| ShortLink {
                url: format!("{folder}{path}/"),
                channel: channel.clone(),
                asset: asset.clone(),
            })
            .collect()
    }
}

/// The (channel, asset) pairs whose links the copy of `partner`'s kits prints, in
/// any language: its pitch copy for each of its channels, its outreach touches and
/// the stories of its market. The kit writer prints the same pairs
/// ([`crate::kits`]); a test reads every short link a kit prints back from the site.
fn printed_pairs(project: &Project, partner: &Partner) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for pitch in &project.pitches {
        if pitch.market == partner.market && partner.channels.contains(&pitch.channel) {
            pairs.insert((pitch.channel.clone(), pitch.asset.clone()));
        }
    }
    for touch in &project.playbook(partner).terms.cadence {
        if partner.channels.contains(&touch.channel) {
            pairs.insert((touch.channel.clone(), touch.asset()));
        }
    }
    for story in project.stories_for_market(&partner.market) {
        pairs.insert((KIT.to_owned(), format!("story-{}", story.slug)));
    }
    pairs
}

/// `length` characters of [`TAG_ALPHABET`] drawn from the SHA-256 of `asset`, five
/// bits each.
fn tag(asset: &str, length: usize) -> String {
    let digest = Sha256::digest(asset.as_bytes());
    let mut bits: u128 = 0;
    for byte in &digest[..16] {
        bits = (bits << 8) | u128::from(*byte);
    }
    (0..length)
        .map(|i| {
            let index = ((bits >> (128 - 5 * (i + 1))) & 31) as usize;
            char::from(TAG_ALPHABET[index])
        })
        .collect()
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
    fn an_assets_tag_is_five_unambiguous_characters_fixed_by_its_id() {
        // Fixed values: a tag printed in a post must never change with the build.
        assert_eq!(
            tag("pitch-email", TAG_LENGTH),
            tag("pitch-email", TAG_LENGTH)
        );
        assert_eq!(tag("pitch-x", 5).len(), 5);
        assert_eq!(tag("pitch-x", 10).len(), 10);
        assert!(tag("pitch-x", 10).starts_with(&tag("pitch-x", 5)));
        for asset in ["pitch-email", "cadence-intro", "story-a", "numbers-post"] {
            let t = tag(asset, TAG_LENGTH);
            assert!(t.bytes().all(|b| TAG_ALPHABET.contains(&b)), "{t}");
            assert!(!t.contains(['l', 'o', '0', '1']), "{t}");
        }
        assert_ne!(tag("pitch-email", 5), tag("pitch-x", 5));
    }

    #[test]
    fn tags_that_meet_under_one_segment_get_long_ones_and_others_keep_theirs() {
        let shorts = Shorts::new(&settings());
        // Find two assets whose five-character tags collide, as a real project might.
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let (a, b) = (0..)
            .map(|i| format!("asset-{i}"))
            .find_map(|asset| {
                let t = tag(&asset, TAG_LENGTH);
                match seen.get(&t) {
                    Some(other) => Some((other.clone(), asset)),
                    None => {
                        seen.insert(t, asset);
                        None
                    }
                }
            })
            .unwrap();
        let pairs: BTreeSet<(String, String)> = [
            ("x".to_owned(), a.clone()),
            ("x".to_owned(), b.clone()),
            ("telegram".to_owned(), a.clone()),
            ("vk".to_owned(), a.clone()),
        ]
        .into_iter()
        .collect();
        let tags = shorts.tags(pairs);
        assert_eq!(
            tags[&("x".to_owned(), a.clone())],
            format!("x/{}", tag(&a, 10))
        );
        assert_eq!(
            tags[&("x".to_owned(), b.clone())],
            format!("x/{}", tag(&b, 10))
        );
        // Under another segment the same asset has its short tag.
        assert_eq!(
            tags[&("telegram".to_owned(), a.clone())],
            format!("t/{}", tag(&a, 5))
        );
        // A channel the site does not configure has no short link.
        assert!(!tags.contains_key(&("vk".to_owned(), a)));
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
