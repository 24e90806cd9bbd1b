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
    /// A build keeps only the front matter once the body is rendered (the body is
    /// then empty); `refkit check` keeps it all.
    pub source: String,
    /// Where the body starts in `source`.
    pub body_start: usize,
    /// The body as HTML.
    pub html: Html,
    /// Heading ids in the body.
    pub anchors: Vec<String>,
    /// The body as plain text, from the same parse as the HTML: made for stories when
    /// the project has partners, whose kits hold it.
    pub plain: Option<String>,
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
    /// Whom the story tells: partners' clients (on microsites and in kits) or
    /// prospective partners (on the brand's pages only).
    pub audience: crate::model::audience::Audience,
    /// One version per site language, in the site's language order.
    pub texts: Vec<Text>,
}

impl Story {
    /// True when partners of `market` get this story: it is meant for the market
    /// and tells their clients, not prospective partners.
    pub fn is_for_market(&self, market: &str) -> bool {
        self.audience == crate::model::audience::Audience::Clients
            && self
                .markets
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

/// A banner: an SVG template laid out per size, language and partner, or a photo
/// (PNG or JPEG) cropped to each size.
#[derive(Debug, Clone, PartialEq)]
pub struct Banner {
    /// File name, e.g. `banner-growth.svg`.
    pub name: String,
    /// Absolute path of the source file.
    pub path: PathBuf,
    /// For a photo: the point a crop keeps in view, as fractions of the width and
    /// height from the top left (`focus` in the photo's sidecar `<slug>.yaml`).
    pub focus: (f32, f32),
    /// For a template: true when it places a photo (an `<image>`), so its images are
    /// JPEG; drawings are PNG.
    pub photographic: bool,
    /// False for a photo that only templates place (`kit: false` in its sidecar):
    /// kits then carry the templates' images, not the photo on its own.
    pub in_kits: bool,
}

impl Banner {
    /// True for an SVG template.
    pub fn is_template(&self) -> bool {
        self.name.ends_with(".svg")
    }

    /// The extension of the images made from this banner: `png` for drawings, `jpg`
    /// for photos and templates that place one.
    pub fn image_extension(&self) -> &'static str {
        let lower = self.name.to_ascii_lowercase();
        if self.photographic || lower.ends_with(".jpg") || lower.ends_with(".jpeg") {
            "jpg"
        } else {
            "png"
        }
    }

    /// The file name without its extension.
    pub fn slug(&self) -> &str {
        self.name
            .rsplit_once('.')
            .map_or(self.name.as_str(), |(s, _)| s)
    }
}

/// Reads a focus point written as two numbers, horizontal then vertical, each a
/// percentage (`30%`, 0–100) or a fraction (`0.3`, 0–1): `"30% 60%"` or `"0.3 0.6"`.
pub(crate) fn parse_focus(text: &str) -> Result<(f32, f32), String> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [x, y] = parts[..] else {
        return Err(format!(
            "the focus \"{text}\" should be two numbers, across then down, such as \"30% 60%\" or \"0.3 0.6\""
        ));
    };
    let one = |part: &str, axis: &str| -> Result<f32, String> {
        let (number, percent) = match part.strip_suffix('%') {
            Some(number) => (number, true),
            None => (part, false),
        };
        let value: f32 = number
            .parse()
            .ok()
            .filter(|v: &f32| v.is_finite())
            .ok_or_else(|| {
                format!("the focus's {axis} part \"{part}\" is not a number such as 30% or 0.3")
            })?;
        let (value, max, unit) = if percent {
            (value / 100.0, "100", "%")
        } else {
            (value, "1", "")
        };
        if !(0.0..=1.0).contains(&value) {
            let hint = if percent {
                ""
            } else {
                "; for a percentage, add a % sign"
            };
            return Err(format!(
                "the focus's {axis} part \"{part}\" is outside 0{unit}–{max}{unit}{hint}"
            ));
        }
        // `-0` reads as negative zero; make it plain zero.
        Ok(value + 0.0)
    };
    Ok((one(x, "horizontal")?, one(y, "vertical")?))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_reads_percentages_and_fractions() {
        assert_eq!(parse_focus("30% 60%"), Ok((0.3, 0.6)));
        assert_eq!(parse_focus("0.3 0.6"), Ok((0.3, 0.6)));
        assert_eq!(parse_focus("  0   100% "), Ok((0.0, 1.0)));
        assert_eq!(parse_focus("50%\t1"), Ok((0.5, 1.0)));
        assert_eq!(parse_focus("-0 0"), Ok((0.0, 0.0)));
        assert!(parse_focus("-0 0").unwrap().0.is_sign_positive());
    }

    #[test]
    fn focus_explains_what_is_wrong() {
        let err = |text| parse_focus(text).unwrap_err();
        for text in ["", "30%", "30% 60% 10%", "30%,60%"] {
            assert!(
                err(text).contains("should be two numbers"),
                "{text}: {}",
                err(text)
            );
        }
        assert!(err("left 60%").contains("horizontal part \"left\" is not a number"));
        assert!(err("30% %").contains("vertical part \"%\" is not a number"));
        assert!(err("NaN 0.5").contains("is not a number"));
        assert!(err("inf 0.5").contains("is not a number"));
        assert!(err("150% 50%").contains("\"150%\" is outside 0%–100%"));
        assert!(err("0.5 -0.1").contains("\"-0.1\" is outside 0–1"));
        assert!(err("30 60").contains("add a % sign"));
    }
}
