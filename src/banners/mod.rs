//! Banner templates: SVG written like pages (Tera), laid out for every size and
//! language, personalised per partner, rasterized with resvg.
//!
//! A template renders once per banner × size × language without a partner: the brand
//! image, published beside the stories. With a partner it renders again; its partner
//! layers (`<g data-layer="partner">`, the name and the QR code's slot) are cut from
//! the rest ([`layout::split`]). The rest is drawn once for every partner whose rest
//! reads the same, and kept as pixels with its PNG compressed around a band. Per
//! partner only the layer is laid out and drawn, onto the rows it covers, the QR code
//! painted into its slot, and only that band of rows compressed.
//!
//! Every image the studio makes is also kept between builds in the image cache
//! ([`cache`]), under a key of everything it depends on ([`keys`]): a build draws only
//! the images whose inputs changed.

pub(crate) mod cache;
mod cards;
pub(crate) mod engine;
pub(crate) mod images;
mod keys;
pub(crate) mod layout;
mod target;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use image::RgbImage;
use tera::Context;

use crate::base::diagnostics::Diagnostic;
use crate::base::vocab::BANNERS_DIR;
use crate::model::documents::Banner;
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::render::contract::{BannerContext, BannerPartner, BannerStory, SiteTitle};
use crate::render::templates::Templates;

use cache::ImageCache;
pub(crate) use engine::Fonts;
use engine::SvgError;
use images::{banded::BandedPng, banded_jpeg::BandedJpeg, Format, Qr, Size};
use layout::LayoutError;
use target::Target;

/// The share-card template, in the theme's (or the project's) templates.
pub(crate) const SHARE_TEMPLATE: &str = "share.svg";

/// The size of share cards: what link previews show.
pub(crate) const SHARE_SIZE: Size = Size {
    width: 1200,
    height: 630,
};

/// Rows a partner band is rounded out to, so partners with names of different
/// lengths share one compressed prefix and suffix.
/// Also a JPEG block row, so a JPEG band splices in whole rows of blocks.
const BAND_ROWS: u32 = 16;

/// The shape of a size, for templates that compose differently per shape.
pub(crate) fn aspect(size: Size) -> &'static str {
    let (w, h) = (u64::from(size.width), u64::from(size.height));
    if w * 10 > h * 11 {
        "landscape"
    } else if h * 10 > w * 11 {
        "portrait"
    } else {
        "square"
    }
}

/// A partner layer laid out and rasterized over the rows it covers.
struct DrawnLayer {
    top: u32,
    bottom: u32,
    qr_slot: Option<(u32, u32, u32)>,
    /// `None` when the layer draws nothing.
    pixmap: Option<resvg::tiny_skia::Pixmap>,
}

/// One partner's layers drawn so far, by their SVG text and size: a layer that reads
/// the same in every language (the name and the QR slot) is laid out and rasterized
/// once. Keep one per partner: it holds pixels.
#[derive(Default)]
pub(crate) struct Layers(BTreeMap<(String, Size), Arc<DrawnLayer>>);

/// A banner drawn without its partner layer: shared by every partner whose template
/// rendered the same.
pub(crate) struct Base {
    size: Size,
    pixels: Vec<u8>,
    /// PNG for drawings; JPEG when the template places a photo, which PNG would
    /// store ten times larger.
    pub(crate) format: Format,
    /// The encoded image, as published and zipped when no partner layer is drawn over it.
    pub(crate) bytes: Arc<[u8]>,
    /// Compressed prefixes and suffixes, per band of rows (PNG).
    bands: Mutex<Vec<Band>>,
    /// The block rows, encoded once (JPEG).
    jpeg: OnceLock<BandedJpeg>,
}

impl Base {
    fn banded(&self, top: u32, bottom: u32) -> Arc<BandedPng> {
        let mut bands = self.bands.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, b)) = bands.iter().find(|(k, _)| *k == (top, bottom)) {
            return b.clone();
        }
        let b = Arc::new(BandedPng::new(
            &self.pixels,
            self.size,
            top as usize,
            bottom as usize,
        ));
        bands.push(((top, bottom), b.clone()));
        b
    }
}

type Slot<T> = Arc<OnceLock<Result<T, Diagnostic>>>;

/// A band of rows (top, bottom) and the PNG prepared around it.
type Band = ((u32, u32), Arc<BandedPng>);

/// Made once and shared, by key: each key's slot is filled by the first to ask.
type Once<K, T> = Mutex<BTreeMap<K, Slot<T>>>;

/// Renders banner templates and keeps what partners share.
pub(crate) struct Studio<'a> {
    project: &'a Project,
    templates: &'a Templates,
    fonts: Fonts,
    /// Banner name → the story it illustrates (the first that names it).
    stories: BTreeMap<&'a str, &'a crate::model::documents::Story>,
    /// (banner, size, lang, rendered base) → the base.
    bases: Once<(String, Size, String), Arc<Base>>,
    /// (template, size, lang, under, over) → a share card's backdrop.
    backdrops: Once<(String, Size, String, String, String), Arc<cards::Backdrop>>,
    /// Photo name → decoded pixels.
    decoded: Once<String, Arc<RgbImage>>,
    /// Words measured for text boxes, shared by every layout.
    measures: layout::Measures,
    /// (photo name, width, height) → the photo cropped around its focus, as PNG.
    cropped: Once<(String, u32, u32), Arc<Vec<u8>>>,
    /// Each language's number formatter, for the offer a banner states.
    formatters: BTreeMap<String, crate::text::l10n::Formatter>,
    /// Images kept between builds, when the build has a cache.
    cache: Option<&'a ImageCache>,
    /// Photo name → a hash of its file, for the cache's keys.
    photo_digests: Mutex<BTreeMap<String, [u8; 32]>>,
    /// Images made rather than taken from the cache.
    drawn: AtomicUsize,
}

impl<'a> Studio<'a> {
    /// A studio for `project`'s banners, set in `fonts`, keeping its images in
    /// `cache` when given.
    pub(crate) fn new(
        project: &'a Project,
        templates: &'a Templates,
        fonts: Fonts,
        cache: Option<&'a ImageCache>,
    ) -> Studio<'a> {
        let mut stories = BTreeMap::new();
        for story in &project.stories {
            if let Some(b) = &story.banner {
                stories.entry(b.as_str()).or_insert(story);
            }
        }
        Studio {
            project,
            templates,
            fonts,
            stories,
            bases: Mutex::default(),
            backdrops: Mutex::default(),
            decoded: Mutex::default(),
            measures: Mutex::default(),
            cropped: Mutex::default(),
            formatters: project
                .settings
                .languages
                .iter()
                .filter_map(|l| Some((l.clone(), crate::text::l10n::Formatter::new(l).ok()?)))
                .collect(),
            cache,
            photo_digests: Mutex::default(),
            drawn: AtomicUsize::new(0),
        }
    }

    /// How many images this studio made rather than took from the cache (every
    /// image, when there is no cache): brand images, share cards, partner banners
    /// and photo crops.
    pub(crate) fn drawn(&self) -> usize {
        self.drawn.load(Ordering::Relaxed)
    }

    /// The template banners.
    pub(crate) fn templates(&self) -> impl Iterator<Item = &'a Banner> + 'a {
        self.project.banners.iter().filter(|b| b.is_template())
    }

    /// `banner` at `size` in `lang` with no partner: the brand image, encoded.
    pub(crate) fn brand_image(
        &self,
        banner: &Banner,
        size: Size,
        lang: &str,
    ) -> Result<Arc<[u8]>, Diagnostic> {
        let what = self.banner_target(banner, size, lang, None);
        let svg = self.render(&what)?;
        let split = layout::split(&svg).map_err(|e| self.svg_error(&what, e))?;
        let key = self.key("brand", &what, &split.base, None);
        self.cached(key, || Ok(self.base(&what, split.base)?.bytes.clone()))
    }

    fn banner_target<'t>(
        &'t self,
        banner: &Banner,
        size: Size,
        lang: &'t str,
        partner: Option<&'t Partner>,
    ) -> Target<'t> {
        Target {
            template: template_name(banner),
            format: format_of(banner),
            size,
            lang,
            partner,
            story: self.stories.get(banner.name.as_str()).copied(),
            card: None,
            keep_base: true,
            probe: false,
        }
    }

    /// `banner` at `size` in `lang` with `partner`'s name and QR code: the encoded
    /// image and its format.
    pub(crate) fn personal(
        &self,
        banner: &Banner,
        size: Size,
        lang: &str,
        partner: &Partner,
        qr: &Qr,
        layers: &mut Layers,
    ) -> Result<(Arc<[u8]>, Format), Diagnostic> {
        let what = self.banner_target(banner, size, lang, Some(partner));
        self.draw(&what, Some(qr), layers)
    }

    /// `what`, from the cache or drawn (see [`Studio::draw_rendered`]).
    fn draw(
        &self,
        what: &Target<'_>,
        qr: Option<&Qr>,
        layers: &mut Layers,
    ) -> Result<(Arc<[u8]>, Format), Diagnostic> {
        let svg = self.render(what)?;
        let key = self.key("draw", what, &svg, qr);
        let bytes = self.cached(key, || self.draw_rendered(what, &svg, qr, layers))?;
        Ok((bytes, what.format))
    }

    /// Draws `what`, rendered to `svg`: its base once for every partner that shares
    /// it, the partner layer over it (drawn once for every language whose layer reads
    /// the same, kept in `layers`), and the QR code (when given) into its slot.
    fn draw_rendered(
        &self,
        what: &Target<'_>,
        svg: &str,
        qr: Option<&Qr>,
        layers: &mut Layers,
    ) -> Result<Arc<[u8]>, Diagnostic> {
        let size = what.size;
        let split = layout::split(svg).map_err(|e| self.svg_error(what, e))?;
        let base = self.base(what, split.base)?;
        let unchanged = Ok(base.bytes.clone());
        let Some(layer) = split.layer else {
            return unchanged;
        };
        let key = (layer, size);
        let drawn = match layers.0.get(&key) {
            Some(drawn) => drawn.clone(),
            None => {
                let drawn = Arc::new(self.draw_layer(what, &key.0, false)?);
                layers.0.insert(key, drawn.clone());
                drawn
            }
        };
        let Some(pixmap) = &drawn.pixmap else {
            return unchanged;
        };
        let (top, bottom) = (drawn.top, drawn.bottom);
        let w = size.width;
        let row = w as usize * 3;
        let mut band = base.pixels[top as usize * row..bottom as usize * row].to_vec();
        engine::composite(&mut band, pixmap);
        if let (Some((left, t, side)), Some(qr)) = (drawn.qr_slot, qr) {
            qr.paint(
                &mut band,
                w as usize,
                left as usize,
                (t - top) as usize,
                side as usize,
                2,
            )
            .map_err(|why| {
                self.error(what, why, None)
                    .help("make the QR slot's <rect> larger")
            })?;
        }
        let bytes = match base.format {
            Format::Png => base.banded(top, bottom).encode(&band),
            Format::Jpeg => base
                .jpeg
                .get_or_init(|| BandedJpeg::new(&base.pixels, size))
                .encode(&band, top as usize, bottom as usize),
        };
        Ok(Arc::from(bytes))
    }

    /// Lays out and rasterizes a partner layer over the rows it covers: its text boxes
    /// whole, so partners share a band, or (`tight`) only the rows it draws on.
    fn draw_layer(
        &self,
        what: &Target<'_>,
        layer: &str,
        tight: bool,
    ) -> Result<DrawnLayer, Diagnostic> {
        let laid = self.lay_out(what, layer)?;
        let (w, h) = (what.size.width, what.size.height);
        let mut top = h as f32;
        let mut bottom = 0f32;
        let drawn = laid.parsed.tree.root().abs_layer_bounding_box();
        if laid.parsed.tree.root().has_children() {
            top = top.min(drawn.top());
            bottom = bottom.max(drawn.bottom());
        }
        if let Some((t, b)) = laid.boxes.filter(|_| !tight) {
            top = top.min(t);
            bottom = bottom.max(b);
        }
        if let Some((_, t, side)) = laid.qr_slot {
            top = top.min(t as f32);
            bottom = bottom.max((t + side) as f32);
        }
        if bottom <= top {
            return Ok(DrawnLayer {
                top: 0,
                bottom: 0,
                qr_slot: None,
                pixmap: None,
            });
        }
        let top = ((top.max(0.0) as u32) / BAND_ROWS * BAND_ROWS).min(h - 1);
        let bottom = (((bottom.ceil() as u32).div_ceil(BAND_ROWS)) * BAND_ROWS).clamp(top + 1, h);
        Ok(DrawnLayer {
            top,
            bottom,
            qr_slot: laid.qr_slot,
            pixmap: Some(engine::rasterize_band(&laid.parsed, w, top, bottom)),
        })
    }

    /// The base for `svg`, drawn once per distinct text.
    fn base(&self, what: &Target<'_>, svg: String) -> Result<Arc<Base>, Diagnostic> {
        let key = (what.template.clone(), what.size, svg);
        let slot = if what.keep_base {
            let mut bases = self.bases.lock().unwrap_or_else(|e| e.into_inner());
            bases.entry(key.clone()).or_default().clone()
        } else {
            Arc::default()
        };
        slot.get_or_init(|| {
            let laid = self.lay_out(what, &key.2)?;
            let Size { width, height } = what.size;
            let pixmap = engine::rasterize_band(&laid.parsed, width, 0, height);
            let pixels = engine::to_rgb(&pixmap);
            let format = what.format;
            let bytes = Arc::from(images::encode(&pixels, what.size, format));
            Ok(Arc::new(Base {
                size: what.size,
                pixels,
                format,
                bytes,
                bands: Mutex::default(),
                jpeg: OnceLock::new(),
            }))
        })
        .clone()
    }

    fn render(&self, what: &Target<'_>) -> Result<String, Diagnostic> {
        let story = match what.story {
            Some(_) if what.probe => Some(BannerStory::probe()),
            s => s.map(|s| BannerStory::of(s, what.lang)),
        };
        let context = BannerContext {
            width: what.size.width,
            height: what.size.height,
            short: what.size.width.min(what.size.height),
            aspect: aspect(what.size),
            lang: what.lang,
            purpose: if what.card.is_some() {
                "share"
            } else {
                "banner"
            },
            partner: what.partner.map(BannerPartner::of),
            market: what.partner.and_then(|p| {
                crate::render::contract::Market::new(
                    &self.project.settings,
                    p,
                    self.project.playbook(p),
                    self.formatters.get(what.lang)?,
                    crate::model::audience::Audience::Clients,
                )
            }),
            story,
            card: what.card.as_ref(),
            site: SiteTitle {
                title: &self.project.settings.title,
            },
        };
        let context =
            Context::from_serialize(&context).map_err(|e| Diagnostic::project(e.to_string()))?;
        self.templates
            .render(&what.template, &context, &what.describe())
    }

    fn lay_out(&self, what: &Target<'_>, svg: &str) -> Result<layout::Laid, Diagnostic> {
        let photo = |name: &str, w: u32, h: u32| self.photo(name, w, h, what.card.is_some());
        layout::lay_out(
            svg,
            what.size.width,
            what.size.height,
            what.lang,
            &self.fonts,
            &photo,
            &self.measures,
        )
        .map_err(|e| match e {
            LayoutError::Svg(e) => self.svg_error(what, e),
            LayoutError::Overflow(o) => self
                .error(what, format!("the text «{}» overflows: {}", o.text, o.why), None)
                .help("shorten the text, or let the template wrap it (`data-lines`) or shrink it (`data-min-size`) within limits it sets"),
        })
    }

    /// The photo `name` cropped around its focus to `w` × `h`, as PNG; for
    /// `<template>.svg@<lang>`, that template's brand image drawn at `w` × `h`.
    fn photo(&self, name: &str, w: u32, h: u32, card: bool) -> Result<Arc<Vec<u8>>, String> {
        let (banner, template) = self.placed(name, w, h, card)?;
        let slot = {
            let mut cropped = self.cropped.lock().unwrap_or_else(|e| e.into_inner());
            cropped.entry((name.to_owned(), w, h)).or_default().clone()
        };
        slot.get_or_init(|| {
            let size = Size {
                width: w,
                height: h,
            };
            let png = match template {
                Some(lang) => {
                    let (what, base) = self.template_photo(banner, size, lang)?;
                    let key = self.key("photo-template", &what, &base, None);
                    self.cached(key, || {
                        let base = self.base(&what, base)?;
                        Ok(Arc::from(images::encode(&base.pixels, size, Format::Png)))
                    })?
                }
                None => self.cached(self.photo_file_key(banner, size), || {
                    let image = self.decoded(banner)?;
                    let pixels = images::resize_cover(&image, size, banner.focus);
                    Ok(Arc::from(images::encode(&pixels, size, Format::Png)))
                })?,
            };
            Ok(Arc::new(png.to_vec()))
        })
        .clone()
        .map_err(|d| d.message)
    }

    /// What `name`, placed in a box of `w` × `h` by a share card (`card`) or a banner,
    /// names: a photo, or a template and the language of its brand image.
    fn placed<'n>(
        &self,
        name: &'n str,
        w: u32,
        h: u32,
        card: bool,
    ) -> Result<(&'a Banner, Option<&'n str>), String> {
        // `<template>.svg@<lang>`: a template's brand image in that language. Only
        // share cards place one, so no template can end up placing itself.
        let template = name
            .split_once('@')
            .filter(|(_, lang)| self.project.settings.languages.iter().any(|l| l == lang));
        if template.is_some() && !card {
            return Err(format!(
                "`{name}`: a banner template cannot place another template's image (share cards can)"
            ));
        }
        let found = match template {
            Some((file, _)) => self.templates().find(|b| b.name == file),
            None => self
                .project
                .banners
                .iter()
                .find(|b| b.name == name && !b.is_template()),
        };
        let Some(banner) = found else {
            return Err(format!(
                "`{name}` is neither a PNG or JPEG photo in {BANNERS_DIR}/ nor `<template>.svg@<language>`"
            ));
        };
        if w > images::MAX_SIDE || h > images::MAX_SIDE {
            return Err(format!(
                "the photo's box is {w}×{h} pixels; at most {} a side",
                images::MAX_SIDE
            ));
        }
        Ok((banner, template.map(|(_, lang)| lang)))
    }

    /// A template placed as a photo: its brand image's target at `size` in `lang`,
    /// and the SVG text of its base.
    fn template_photo<'t>(
        &'t self,
        banner: &Banner,
        size: Size,
        lang: &'t str,
    ) -> Result<(Target<'t>, String), Diagnostic> {
        let what = self.banner_target(banner, size, lang, None);
        let svg = self.render(&what)?;
        let split = layout::split(&svg).map_err(|e| self.svg_error(&what, e))?;
        Ok((what, split.base))
    }

    fn decoded(&self, banner: &Banner) -> Result<Arc<RgbImage>, Diagnostic> {
        let slot = {
            let mut decoded = self.decoded.lock().unwrap_or_else(|e| e.into_inner());
            decoded.entry(banner.name.clone()).or_default().clone()
        };
        slot.get_or_init(|| {
            let shown = PathBuf::from(BANNERS_DIR).join(&banner.name);
            images::decode(banner, &shown).map(|(image, _)| Arc::new(image))
        })
        .clone()
    }

    fn svg_error(&self, what: &Target<'_>, e: SvgError) -> Diagnostic {
        self.error(what, e.message, e.at)
    }

    /// An error about `what`'s template, at `at` (line, column of the rendered SVG)
    /// when the template renders to as many lines as it has, so lines correspond.
    fn error(&self, what: &Target<'_>, message: String, at: Option<(usize, usize)>) -> Diagnostic {
        let name = &what.template;
        let file = self.templates.source_path(name).unwrap_or(Path::new(name));
        let mut d = Diagnostic::error(file, format!("{message} ({})", what.describe()));
        if let (Some((line, column)), Some(text)) = (at, self.templates.source_text(name)) {
            if line <= text.lines().count() {
                d = d.at(text, line, column);
            }
        }
        d
    }
}

/// The Tera name of a banner template: its path.
pub(crate) fn template_name(banner: &Banner) -> String {
    format!("{BANNERS_DIR}/{}", banner.name)
}

/// The format of the images made from `banner`.
fn format_of(banner: &Banner) -> Format {
    if banner.image_extension() == "jpg" {
        Format::Jpeg
    } else {
        Format::Png
    }
}
