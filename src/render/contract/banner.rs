//! What a banner template (`content/banners/<slug>.svg`) and the share-card template
//! (`share.svg`) are given: the size being drawn, the language, and the partner, story
//! and card the image is for. The README's "Banner templates" table documents these
//! fields and a test compares the two.

use serde::Serialize;

use crate::model::documents::Story;
use crate::model::partners::Partner;

/// What a banner template gets.
#[derive(Debug, Serialize)]
pub(crate) struct BannerContext<'a> {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// The shorter side: a unit for sizes that suit every shape.
    pub(crate) short: u32,
    /// `landscape`, `square` or `portrait`.
    pub(crate) aspect: &'static str,
    pub(crate) lang: &'a str,
    /// `banner` for kit banners, `share` for share cards.
    pub(crate) purpose: &'a str,
    pub(crate) partner: Option<BannerPartner<'a>>,
    /// The terms of the partner's market its clients may read (the offer, never the
    /// reward), as pages' `market` for clients; `none` without a partner. `t()` passes
    /// them to every message, so banner copy states the market's own offer.
    pub(crate) market: Option<super::Market>,
    pub(crate) story: Option<BannerStory<'a>>,
    /// What a share card shows (`none` on banners).
    pub(crate) card: Option<&'a Card>,
    /// The site's title.
    pub(crate) site: SiteTitle<'a>,
}

/// `site` in a banner template.
#[derive(Debug, Serialize)]
pub(crate) struct SiteTitle<'a> {
    pub(crate) title: &'a str,
}

/// `partner` in a banner template. Banners are posted for the partner's clients, so
/// they get who recommends, never the partner's stage or tier.
#[derive(Debug, Serialize)]
pub(crate) struct BannerPartner<'a> {
    id: &'a str,
    name: &'a str,
    market: &'a str,
}

impl<'a> BannerPartner<'a> {
    pub(crate) fn of(partner: &'a Partner) -> BannerPartner<'a> {
        BannerPartner {
            id: &partner.id,
            name: &partner.name,
            market: &partner.market,
        }
    }
}

/// `story` in a banner template: the story the banner illustrates.
#[derive(Debug, Serialize)]
pub(crate) struct BannerStory<'a> {
    slug: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
}

impl<'a> BannerStory<'a> {
    /// `story` as it reads in `lang`.
    pub(crate) fn of(story: &'a Story, lang: &str) -> BannerStory<'a> {
        let text = story.text(lang);
        BannerStory {
            slug: &story.slug,
            title: &text.title,
            summary: text.summary.as_deref(),
        }
    }
}

impl BannerStory<'static> {
    /// A story no project has: what a share card reads for another story, so the
    /// studio can tell which parts of a story's card are its own.
    pub(crate) fn probe() -> BannerStory<'static> {
        BannerStory {
            slug: "refkit-probe-story",
            title: "Refkit probe story title",
            summary: Some("Refkit probe story summary"),
        }
    }
}

/// `card` in the share-card template.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Card {
    /// `story`, `partner`, `kit` or `site` (the brand's home and content pages).
    pub(crate) kind: &'static str,
    /// For a story: its banner as an `href` for `<image>` (a photo's file name, or a
    /// template's brand image at the size the `<image>` asks for).
    pub(crate) banner: Option<String>,
    /// For a partner: what its clients are offered, in one line in the card's
    /// language (the playbook's offer `summary`).
    pub(crate) message: Option<String>,
}

/// A banner context with every optional value set, as JSON, for the README check.
#[cfg(test)]
pub(super) fn sample_json() -> serde_json::Value {
    let card = Card {
        kind: "story",
        banner: Some("b".into()),
        message: Some("m".into()),
    };
    let context = BannerContext {
        width: 1,
        height: 1,
        short: 1,
        aspect: "square",
        lang: "en",
        purpose: "share",
        partner: Some(BannerPartner {
            id: "p",
            name: "P",
            market: "m",
        }),
        market: Some(super::Market {
            id: "m".into(),
            lead: "l".into(),
            tone: Some("t".into()),
            currency: "USD".into(),
            offer: Some(super::partner::Offer {
                free_days: 1,
                discount_percent: 1,
                discount_months: 1,
                migration: true,
                summary: Some("o".into()),
            }),
            reward: Some("$1".into()),
            reward_amount: Some(1),
            payout_days: Some(1),
        }),
        story: Some(BannerStory {
            slug: "s",
            title: "t",
            summary: Some("s"),
        }),
        card: Some(&card),
        site: SiteTitle { title: "t" },
    };
    serde_json::to_value(&context).expect("banner contexts serialise to JSON")
}
