//! The template contract: one serialisable struct per value a template is given.
//!
//! Every kind of page (brand and partner pages, the not-found page, the kit page) and
//! every kit file gets its context from these structs, so a variable has one
//! definition, one field order and one doc comment. The README's "Templates" tables
//! list the same variables and fields; a test reads them and compares them with these
//! structs, so the two cannot drift. Optional values are `Option`s, which Tera sees
//! as `none`.
//!
//! Values shared by many pages (the site, a language's navigation and story list, a
//! partner's values in one language) are serialised once into a [`Prepared`] value
//! and cloned by reference into each page's context.

mod banner;
mod kit;
mod partner;
#[cfg(test)]
mod readme;
mod results;

use std::marker::PhantomData;

use serde::{Serialize, Serializer};
use tera::{Context, Value};

use crate::model::documents::Story;
use crate::render::urls::Urls;

pub(crate) use banner::{BannerContext, BannerPartner, BannerStory, Card, SiteTitle};
pub(crate) use kit::{
    Corner, Cta, DocumentContext, Download, KitImage, KitLink, KitPageValues, KitReadme, KitStory,
    KitTouch, KitValues, Pitch, Qr, ShareLink, ShortLink,
};
#[cfg(test)]
pub(crate) use partner::Offer;
pub(crate) use partner::{Market, Partner, PartnerValues, Playbook};
pub(crate) use results::{BonusStep, NextPayout, PartnerResults, ResultsValues};

/// A template value of type `T`, serialised once and shared: cloning it or putting it
/// into a context copies a reference, not the data.
pub(crate) struct Prepared<T> {
    value: Value,
    kind: PhantomData<fn() -> T>,
}

impl<T: Serialize> Prepared<T> {
    /// Serialises `value` once.
    pub(crate) fn new(value: &T) -> Prepared<T> {
        Prepared {
            value: Value::try_from_serializable(value).unwrap_or_else(|_| Value::none()),
            kind: PhantomData,
        }
    }
}

impl<T> Clone for Prepared<T> {
    fn clone(&self) -> Self {
        Prepared {
            value: self.value.clone(),
            kind: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Prepared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value.fmt(f)
    }
}

impl<T> Serialize for Prepared<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// The template context holding the fields of `values` (a struct) as variables.
///
/// The structs of this module always serialise to a map; a test checks it.
pub(crate) fn context_of<T: Serialize>(values: &T) -> Context {
    Context::from_serialize(values).unwrap_or_default()
}

/// `site`: the site's settings every page shows.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Site {
    /// The site's title.
    pub title: String,
    /// The absolute base URL, as configured.
    pub base_url: String,
    /// The path part of the base URL; ends with `/`.
    pub base_path: String,
    /// The robots names of the search engines a `noindex` page asks, each in a meta
    /// tag of its own, not to list it (`googlebot`, `bingbot`, `yandex`).
    pub search_engines: Vec<&'static str>,
}

impl Site {
    /// The value of `settings`.
    pub(crate) fn new(settings: &crate::model::settings::Settings) -> Site {
        Site {
            title: settings.title.clone(),
            base_url: settings.base_url.clone(),
            base_path: settings.base_path.clone(),
            search_engines: crate::base::vocab::SEARCH_ENGINES.to_vec(),
        }
    }
}

/// `page`: the page being rendered.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Page {
    /// `entry`, `home`, `page`, `story`, `partner-home`, `kit` or `not-found`.
    pub kind: &'static str,
    /// True on a translation made from an older source.
    pub stale: bool,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL (`none` on the not-found page).
    pub permalink: Option<String>,
    /// Title (`none` on the not-found page).
    pub title: Option<String>,
    /// Summary from the front matter.
    pub summary: Option<String>,
    /// `YYYY-MM-DD`, on stories.
    pub date: Option<String>,
    /// The body as HTML, shared with the loaded document (print it with `| safe`).
    pub content: Value,
    /// The slug of a page or story; empty elsewhere.
    pub slug: String,
    /// URL of the story's banner.
    pub banner: Option<String>,
    /// Root-relative URL of the page's share card (1200×630), when the theme has
    /// `share.svg`: a story's own, a partner landing page's, the kit pages', or the
    /// brand's (entry, home and content pages); none on the not-found page.
    pub share_image: Option<String>,
}

/// `share`: what a link preview shows of the page, for its Open Graph and X card
/// tags. Every URL in it is absolute.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Share {
    /// Absolute URL of the page's share card; none on the not-found page and where
    /// the theme draws no cards.
    pub image: Option<String>,
    /// The card's media type (`image/png` or `image/jpeg`).
    pub image_type: Option<&'static str>,
    /// The card's width in pixels.
    pub image_width: u32,
    /// The card's height in pixels.
    pub image_height: u32,
    /// `og:locale`: the page's language and its market's region (`en_US`, `ru_RU`).
    pub locale: Option<String>,
    /// `og:locale:alternate`: the page's other languages, in the same form.
    pub locale_alternates: Vec<String>,
}

/// One entry of `alternates`: the same page in a language, this one included.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Alternate {
    /// Language code.
    pub lang: String,
    /// Absolute URL.
    pub permalink: String,
    /// Root-relative URL.
    pub url: String,
}

/// One entry of `translations` (the language switcher) and of the not-found page's
/// `languages`: a language and where to read in it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Translation {
    /// Language code.
    pub lang: String,
    /// Root-relative URL.
    pub url: String,
}

/// One entry of `nav`: a content page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NavItem {
    /// The page's title.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
}

/// One entry of `stories`: a story as a card in a list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StoryCard {
    /// The story's slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Root-relative URL (on a microsite, the microsite's copy).
    pub url: String,
    /// URL of its banner.
    pub banner: Option<String>,
}

impl StoryCard {
    /// The card of `story` in `lang`, linking to `url`.
    pub(crate) fn new(
        urls: &Urls,
        story: &Story,
        lang: &str,
        url: String,
        project: &crate::model::project::Project,
    ) -> StoryCard {
        let t = story.text(lang);
        StoryCard {
            slug: story.slug.clone(),
            title: t.title.clone(),
            summary: t.summary.clone(),
            date: story.date.clone(),
            url,
            banner: story
                .banner
                .as_deref()
                .and_then(|b| crate::render::urls::banner_image(project, b, lang))
                .map(|path| urls.file(&path)),
        }
    }
}

/// The variables every page gets (the README's first table).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PageContext {
    /// The page's language code.
    pub lang: String,
    /// Whom the page addresses: `clients`, `partner` or `prospects`.
    pub audience: crate::model::audience::Audience,
    /// True when rendered by `refkit serve`.
    pub preview: bool,
    /// The site.
    pub site: Prepared<Site>,
    /// The page.
    pub page: Page,
    /// The page in every language.
    pub alternates: Vec<Alternate>,
    /// The page in the other languages.
    pub translations: Vec<Translation>,
    /// Absolute URL of the default-language version.
    pub x_default: Option<String>,
    /// Absolute canonical URL.
    pub canonical: Option<String>,
    /// True on partner, kit and not-found pages: search engines are asked, each by
    /// its name in `site.search_engines`, not to list them.
    pub noindex: bool,
    /// What a link preview shows.
    pub share: Share,
    /// schema.org data of a story page, escaped for a script element.
    pub json_ld: Option<String>,
    /// The brand home, or the partner's landing page.
    pub home_url: String,
    /// The content pages (empty on partner pages).
    pub nav: Prepared<Vec<NavItem>>,
    /// The stories listed on this page.
    pub stories: Prepared<Vec<StoryCard>>,
    /// The partner, on partner and kit pages.
    pub partner: Option<Prepared<Partner>>,
    /// The partner's market, on partner and kit pages.
    pub market: Option<Prepared<Market>>,
    /// The partner's resolved playbook, on kit and results pages.
    pub playbook: Option<Prepared<Playbook>>,
    /// Every market's own terms, both sides, on brand pages (for prospective
    /// partners); empty elsewhere.
    pub markets: Prepared<Vec<Market>>,
}

/// What the not-found page gets besides [`PageContext`].
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NotFoundValues {
    /// Every language with its home page.
    pub languages: Vec<Translation>,
}
