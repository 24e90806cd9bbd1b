//! Documents: stories, pages, pitch copy and banners as plain data.
//!
//! A story or page exists in every language of the site, each version a [`Text`]
//! with its Markdown rendered once; pitch copy exists per market, channel and
//! language. [`crate::load`] builds them; every later stage only reads them.

use std::path::PathBuf;

use crate::text::markdown::Html;

/// One language version of a story or page.
#[derive(Debug, Clone)]
pub struct Text {
    /// Language code.
    pub lang: String,
    /// Source file relative to the project root.
    pub file: PathBuf,
    /// Title.
    pub title: String,
    /// One or two sentences for cards and meta descriptions.
    pub summary: Option<String>,
    /// The whole source file as read (front matter included, a byte-order mark
    /// dropped); the body is its tail, and offsets into the file count in this text.
    pub source: String,
    /// Where the body starts in `source`.
    pub body_start: usize,
    /// The body as HTML.
    pub html: Html,
    /// Heading ids in the body.
    pub anchors: Vec<String>,
    /// A translation whose recorded `source_hash` no longer matches its source.
    pub stale: bool,
}

/// A case study, in every language of the site.
#[derive(Debug, Clone)]
pub struct Story {
    /// Safe slug shared by all versions.
    pub slug: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: String,
    /// Markets the story is meant for; `None` means every market.
    pub markets: Option<Vec<String>>,
    /// File name of a banner in `content/banners/`.
    pub banner: Option<String>,
    /// One version per site language, in the site's language order.
    pub texts: Vec<Text>,
}

impl Story {
    /// True when partners of `market` get this story.
    pub fn is_for_market(&self, market: &str) -> bool {
        self.markets
            .as_ref()
            .is_none_or(|m| m.iter().any(|id| id == market))
    }

    /// The version in `lang`.
    pub fn text(&self, lang: &str) -> &Text {
        text_in(&self.texts, lang)
    }
}

/// A page such as "About the program" or the FAQ, in every language.
#[derive(Debug, Clone)]
pub struct Page {
    /// Safe slug shared by all versions.
    pub slug: String,
    /// Order in navigation (lower first).
    pub weight: i64,
    /// One version per site language, in the site's language order.
    pub texts: Vec<Text>,
}

impl Page {
    /// The version in `lang`.
    pub fn text(&self, lang: &str) -> &Text {
        text_in(&self.texts, lang)
    }
}

impl Text {
    /// The body as Markdown, as written.
    pub fn markdown(&self) -> &str {
        self.source.get(self.body_start..).unwrap_or_default()
    }
}

fn text_in<'a>(texts: &'a [Text], lang: &str) -> &'a Text {
    texts
        .iter()
        .find(|t| t.lang == lang)
        .expect("loading guarantees a version in every site language")
}

/// A banner image shared by every partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    /// File name, e.g. `banner-growth.png`.
    pub name: String,
    /// Absolute path of the source file.
    pub path: PathBuf,
}

/// One piece of pitch copy.
#[derive(Debug, Clone)]
pub struct Pitch {
    /// Market id.
    pub market: String,
    /// Channel id.
    pub channel: String,
    /// Language code.
    pub lang: String,
    /// Source file relative to the project root.
    pub file: PathBuf,
    /// E-mail subject line (e-mail only).
    pub subject: Option<String>,
    /// `utm_content` of the links in this copy.
    pub asset: String,
    /// The Markdown body with `{partner}` and `{link}` placeholders.
    pub body: String,
    /// The body rendered to HTML once, placeholders kept.
    pub html: String,
}
