//! The kit's values: what a partner's kit page, its READMEs and its standalone HTML
//! files are given.
//!
//! `kits` fills them while it writes the zips; the kit page is then rendered by
//! `site` as an ordinary planned page, with these values beside [`super::PageContext`].

use serde::Serialize;

use super::{Market, Partner, Playbook, Prepared, Site};

/// What a kit's page and its READMEs share: the kit's copy and links in one language.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KitValues {
    /// The pitch copy of every channel the partner has.
    pub pitches: Vec<Pitch>,
    /// The stories of the partner's market.
    pub kit_stories: Vec<KitStory>,
    /// Every tracked link in the kit but the QR code's.
    pub links: Vec<KitLink>,
    /// Absolute URL of the partner's microsite.
    pub microsite: String,
    /// The playbook's touches on the partner's channels.
    pub cadence: Vec<KitTouch>,
}

/// One entry of `pitches`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Pitch {
    /// The channel.
    pub channel: String,
    /// Its file in the zip.
    pub file: String,
    /// The e-mail subject, name and link in place.
    pub subject: Option<String>,
    /// The copy, name and link in place.
    pub text: String,
    /// The link it prints: its short link, or its tracked link with
    /// `links_in_copy: full`.
    pub link: String,
    /// Root-relative URL of the e-mail as a ready draft (`.eml`), published beside
    /// the kit page; `None` for other channels.
    pub draft: Option<String>,
    /// Share buttons for this copy, one per configured channel with a share service.
    pub share: Vec<ShareLink>,
}

/// One entry of a pitch's `share`: a service opened with the copy and that
/// channel's own tracked link.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ShareLink {
    /// `utm_medium` of its tracked link: the channel the copy is shared on.
    pub channel: String,
    /// The share service (`telegram`, `vk`, `linkedin`, `x`, `whatsapp`, `email`).
    pub service: String,
    /// The address that opens the service, prefilled.
    pub url: String,
    /// The tracked link it carries.
    pub link: String,
    /// True when the service is handed the copy itself; false when it takes only the
    /// link (and, for VK, a title), so the partner pastes the copy.
    pub with_copy: bool,
}

/// One entry of `kit_stories`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KitStory {
    /// The story's slug.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: Option<String>,
    /// Its text file in the zip.
    pub file: String,
    /// The link it prints (short, unless `links_in_copy: full`).
    pub link: String,
}

/// One entry of `links`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KitLink {
    /// `utm_medium`: the channel.
    pub channel: String,
    /// `utm_content`: the asset.
    pub asset: String,
    /// The tracked URL.
    pub url: String,
}

/// One entry of the kit's `cadence`: a touch on a day, with its copy and link.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KitTouch {
    /// The touch's id.
    pub id: String,
    /// Days after the start.
    pub day: u32,
    /// `YYYY-MM-DD`, when the kit has a start date.
    pub date: Option<String>,
    /// The date in the language's long form.
    pub date_text: Option<String>,
    /// The channel.
    pub channel: String,
    /// What to do.
    pub title: String,
    /// The pitch copy to use.
    pub file: String,
    /// The touch's link as its copy prints it (short, unless `links_in_copy: full`).
    pub link: String,
}

/// What the kit page gets besides [`super::PageContext`] and [`KitValues`].
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KitPageValues {
    /// The zips, one per language.
    pub downloads: Vec<Download>,
    /// The partner's results page in every language, when `site.yaml` lists result
    /// files; empty otherwise.
    pub results: Vec<super::Translation>,
    /// Every image in the zips.
    pub images: Prepared<Vec<KitImage>>,
    /// The partner's QR code.
    pub qr: Qr,
    /// The partner's short links: its own, the QR code's, then one per channel.
    pub short_links: Vec<ShortLink>,
}

/// One entry of `downloads`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Download {
    /// The zip's language.
    pub lang: String,
    /// Its file name.
    pub file: String,
    /// Root-relative URL.
    pub url: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Size for people, in the page's language ("2,4 МБ").
    pub size: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// One entry of `images`: an image of the zip, previewed on the page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KitImage {
    /// Its file name in the zip.
    pub file: String,
    /// Root-relative URL of the shared banner that shows it (for a QR variant, the
    /// page draws `qr.svg` over it, inside `corner`).
    pub url: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// True for a photo banner with the QR code drawn into its corner on the page;
    /// false for template banners, whose QR code and partner name are in the image.
    pub qr: bool,
    /// The language of a template banner's text; none for photos.
    pub lang: Option<String>,
    /// Where the QR code sits.
    pub corner: Corner,
}

/// `images[].corner`: the QR code's square in pixels from the top left.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Corner {
    /// Left edge.
    pub x: u64,
    /// Top edge.
    pub y: u64,
    /// Side length.
    pub side: u64,
}

/// `qr`: the partner's QR code.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Qr {
    /// Root-relative URL of the PNG.
    pub png: String,
    /// Root-relative URL of the SVG.
    pub svg: String,
    /// The tracked link it leads to.
    pub link: String,
    /// The short link it encodes, which redirects to `link`.
    pub short: String,
}

/// One entry of `short_links`: a short link of the partner and where it leads.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ShortLink {
    /// `utm_medium` of the tracked link: a channel, `link` for the partner's own
    /// short link or `qr` for the QR code's.
    pub channel: String,
    /// The short link, absolute (`https://…/r/harbor26/t/`).
    pub short: String,
    /// The tracked link it leads to.
    pub url: String,
}

/// What `kit-readme.html` and `kit-readme.txt` get besides [`KitValues`].
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KitReadme {
    /// The kit's language.
    pub lang: String,
    /// Always false: kits are never previewed.
    pub preview: bool,
    /// The site.
    pub site: Prepared<Site>,
    /// The partner.
    pub partner: Prepared<Partner>,
    /// The partner's market.
    pub market: Option<Prepared<Market>>,
    /// The partner's resolved playbook.
    pub playbook: Option<Prepared<Playbook>>,
    /// The tracked link behind the QR code (the code encodes its short link).
    pub qr_link: String,
    /// The partner's short links, as on the kit page.
    pub short_links: Vec<ShortLink>,
}

/// What `kit-document.html` (an e-mail or a story inside a kit) gets.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DocumentContext {
    /// `email` or `story`.
    pub kind: String,
    /// The document's language.
    pub lang: String,
    /// Its title.
    pub title: String,
    /// Its body as HTML.
    pub content: String,
    /// A call to action after `content`.
    pub cta: Option<Cta>,
    /// The body after the call to action, when the copy had it in the middle (an
    /// e-mail's link paragraph); empty otherwise.
    pub after: String,
}

/// `cta`: a call to action.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Cta {
    /// Its text.
    pub text: String,
    /// Its link.
    pub url: String,
}
