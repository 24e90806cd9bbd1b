//! The rasterizer: SVG text in, pixels out, with nothing taken from outside the project.
//!
//! Fonts are the ones the theme and the project ship, loaded explicitly into a font
//! database of our own; the system's fonts are never looked at, so a banner has the
//! same pixels on every machine. A family the template asks for but nobody ships, and
//! a character the fonts cannot draw, are errors rather than a silent fallback. Images
//! are only the photos refkit prepared for this render (see `layout`): every other
//! `href` has already been refused, and the resolvers here refuse it again.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb, ImageHrefResolver, ImageKind, Node};
use sha2::{Digest, Sha256};

use crate::base::diagnostics::{Diagnostic, Result};
use crate::base::files;
use crate::base::vocab::{STATIC_DIR, THEMES_DIR};

/// The family used where a template names none, or a generic one (`sans-serif`).
const PREFERRED_FAMILY: &str = "Inter";

/// Largest width or height of a font file refkit loads, in bytes.
const MAX_FONT_BYTES: u64 = 32 << 20;

/// The fonts banners are set in.
#[derive(Clone)]
pub(crate) struct Fonts {
    db: Arc<fontdb::Database>,
    /// Family names, sorted.
    families: Vec<String>,
    /// Where fonts come from, for messages.
    folders: String,
    /// A hash of every font file loaded (name and bytes, in load order): what the
    /// image cache's keys take from the fonts.
    digest: [u8; 32],
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("families", &self.families)
            .finish()
    }
}

impl Fonts {
    /// Loads every `.otf` and `.ttf` under `themes/<theme>/static/fonts/` and the
    /// project's `static/fonts/`, in path order.
    pub(crate) fn load(root: &Path, theme: &str) -> Result<Fonts> {
        let theme_dir = root
            .join(THEMES_DIR)
            .join(theme)
            .join(STATIC_DIR)
            .join("fonts");
        let project_dir = root.join(STATIC_DIR).join("fonts");
        let mut db = fontdb::Database::new();
        let mut digest = Sha256::new();
        for dir in [&theme_dir, &project_dir] {
            for (path, shown) in files::files_under(root, dir)? {
                let lower = path.to_string_lossy().to_ascii_lowercase();
                if !(lower.ends_with(".otf") || lower.ends_with(".ttf")) {
                    continue;
                }
                let bytes = std::fs::read(&path)
                    .map_err(|e| crate::base::diagnostics::Error::io("read", &shown, e))?;
                if bytes.len() as u64 > MAX_FONT_BYTES {
                    return Err(Diagnostic::error(&shown, "the font file is over 32 MB")
                        .help("use a font subset for the scripts your banners need")
                        .into());
                }
                let name = crate::base::diagnostics::display_path(&shown);
                digest.update((name.len() as u64).to_le_bytes());
                digest.update(name.as_bytes());
                digest.update((bytes.len() as u64).to_le_bytes());
                digest.update(&bytes);
                let before = db.len();
                db.load_font_data(bytes);
                if db.len() == before {
                    return Err(
                        Diagnostic::error(&shown, "this is not a font refkit can read")
                            .help("use an OpenType (.otf) or TrueType (.ttf) file")
                            .into(),
                    );
                }
            }
        }
        let mut families: Vec<String> = db
            .faces()
            .filter_map(|f| f.families.first().map(|(name, _)| name.clone()))
            .collect();
        families.sort();
        families.dedup();
        if let Some(first) = default_family(&families) {
            db.set_sans_serif_family(first);
            db.set_serif_family(first);
        }
        Ok(Fonts {
            db: Arc::new(db),
            families,
            folders: format!("{THEMES_DIR}/{theme}/{STATIC_DIR}/fonts/ and {STATIC_DIR}/fonts/"),
            digest: digest.finalize().into(),
        })
    }

    /// True when `family` (a name from `font-family`, unquoted) can be drawn: a shipped
    /// family, or a generic one (which means the first shipped family).
    pub(crate) fn knows(&self, family: &str) -> bool {
        const GENERIC: &[&str] = &[
            "serif",
            "sans-serif",
            "monospace",
            "cursive",
            "fantasy",
            "system-ui",
            "inherit",
        ];
        GENERIC.contains(&family.to_ascii_lowercase().as_str())
            || self.families.iter().any(|f| f == family)
    }

    /// The shipped families and where they come from, for messages.
    pub(crate) fn describe(&self) -> String {
        if self.families.is_empty() {
            format!("there are none in {}", self.folders)
        } else {
            format!("{} (from {})", self.families.join(", "), self.folders)
        }
    }

    /// A hash of the font files, for the image cache's keys.
    pub(crate) fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    fn default_family(&self) -> Option<&str> {
        default_family(&self.families)
    }
}

fn default_family(families: &[String]) -> Option<&str> {
    families
        .iter()
        .find(|f| f.as_str() == PREFERRED_FAMILY)
        .or(families.first())
        .map(String::as_str)
}

/// Photos prepared for one render: `href` token → PNG bytes.
pub(crate) type Photos = BTreeMap<String, Arc<Vec<u8>>>;

/// What went wrong while usvg read an SVG, gathered by the resolvers.
#[derive(Default)]
struct Problems(Mutex<Vec<String>>);

impl Problems {
    fn push(&self, problem: String) {
        let mut list = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if !list.contains(&problem) {
            list.push(problem);
        }
    }

    fn take(self) -> Vec<String> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// A parsed SVG, ready to rasterize.
pub(crate) struct Parsed {
    pub(crate) tree: usvg::Tree,
}

/// An SVG that cannot be drawn: what is wrong, and where in the SVG text if known.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SvgError {
    /// What is wrong.
    pub(crate) message: String,
    /// 1-based (line, column) in the SVG text.
    pub(crate) at: Option<(usize, usize)>,
    /// Text to look for in the SVG to find where, when `at` is not known.
    pub(crate) near: Option<String>,
}

impl SvgError {
    pub(crate) fn new(message: impl Into<String>) -> SvgError {
        SvgError {
            message: message.into(),
            at: None,
            near: None,
        }
    }
}

/// Reads `svg` with only `fonts` and `photos`: anything else it refers to is an error.
pub(crate) fn parse(
    svg: &str,
    fonts: &Fonts,
    photos: &Photos,
) -> std::result::Result<Parsed, SvgError> {
    let problems = Problems::default();
    let tree = {
        let options = options(fonts, photos, &problems);
        usvg::Tree::from_str(svg, &options)
    };
    let mut problems: Vec<(String, Option<String>)> =
        problems.take().into_iter().map(|p| (p, None)).collect();
    let tree = tree.map_err(|e| match e {
        usvg::Error::ParsingFailed(xml) => {
            let pos = xml.pos();
            SvgError {
                message: format!("the SVG is malformed: {xml}"),
                at: Some((pos.row as usize, pos.col as usize)),
                near: None,
            }
        }
        other => SvgError::new(format!("the SVG cannot be read: {other}")),
    })?;
    missing_glyphs(tree.root(), &mut problems);
    if problems.is_empty() {
        Ok(Parsed { tree })
    } else {
        let near = problems.iter().find_map(|(_, near)| near.clone());
        let message = problems
            .into_iter()
            .map(|(p, _)| p)
            .collect::<Vec<_>>()
            .join("; ");
        Err(SvgError {
            message,
            at: None,
            near,
        })
    }
}

fn options<'a>(fonts: &'a Fonts, photos: &'a Photos, problems: &'a Problems) -> usvg::Options<'a> {
    let fallback = fonts
        .default_family()
        .unwrap_or(PREFERRED_FAMILY)
        .to_owned();
    usvg::Options {
        resources_dir: None,
        font_family: fallback,
        languages: vec!["en".into(), "ru".into()],
        fontdb: fonts.db.clone(),
        image_href_resolver: ImageHrefResolver {
            resolve_data: Box::new(move |mime, data, _| match mime {
                "image/png" | "image/jpeg" | "image/jpg" if !within_limits(&data) => {
                    problems.push(format!(
                        "an embedded image is corrupt or over the limits ({} pixels a side, 40 megapixels)",
                        super::images::MAX_SIDE
                    ));
                    None
                }
                "image/png" => Some(ImageKind::PNG(data)),
                "image/jpeg" | "image/jpg" => Some(ImageKind::JPEG(data)),
                other => {
                    problems.push(format!(
                        "an embedded image of type `{other}` is not allowed (only PNG and JPEG)"
                    ));
                    None
                }
            }),
            resolve_string: Box::new(move |href, _| match photos.get(href) {
                Some(png) => Some(ImageKind::PNG(png.clone())),
                None => {
                    problems.push(format!(
                        "the image `{href}` is not a photo in content/banners/; nothing else is read or fetched"
                    ));
                    None
                }
            }),
        },
        font_resolver: usvg::FontResolver {
            select_font: Box::new(move |font, db| {
                let mut names: Vec<fontdb::Family<'_>> = Vec::new();
                let mut unknown = Vec::new();
                for family in font.families() {
                    match family {
                        usvg::FontFamily::Named(name) => {
                            if fonts.families.iter().any(|f| f == name) {
                                names.push(fontdb::Family::Name(name));
                            } else {
                                unknown.push(name.clone());
                            }
                        }
                        _ => names.push(fontdb::Family::SansSerif),
                    }
                }
                if names.is_empty() {
                    problems.push(format!(
                        "the font family `{}` is not shipped; banners use the fonts in {} ({})",
                        unknown.join("`, `"),
                        fonts.folders,
                        if fonts.families.is_empty() {
                            "there are none".to_owned()
                        } else {
                            fonts.families.join(", ")
                        }
                    ));
                    return None;
                }
                let style = match font.style() {
                    usvg::FontStyle::Normal => fontdb::Style::Normal,
                    usvg::FontStyle::Italic => fontdb::Style::Italic,
                    usvg::FontStyle::Oblique => fontdb::Style::Oblique,
                };
                db.query(&fontdb::Query {
                    families: &names,
                    weight: fontdb::Weight(font.weight()),
                    stretch: fontdb::Stretch::Normal,
                    style,
                })
            }),
            // No fallback: a character the chosen font lacks is reported, not drawn in
            // whatever other font happens to have it.
            select_fallback: Box::new(|_, _, _| None),
        },
        ..usvg::Options::default()
    }
}

/// True when an embedded image's header gives a size within the decoding limits.
fn within_limits(data: &[u8]) -> bool {
    image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_dimensions().ok())
        .is_some_and(|(w, h)| {
            w > 0
                && h > 0
                && w <= super::images::MAX_SIDE
                && h <= super::images::MAX_SIDE
                && u64::from(w) * u64::from(h) <= super::images::MAX_PIXELS
        })
}

/// Reports every character drawn with the font's "missing glyph" box.
fn missing_glyphs(group: &usvg::Group, problems: &mut Vec<(String, Option<String>)>) {
    for node in group.children() {
        match node {
            Node::Group(g) => missing_glyphs(g, problems),
            Node::Text(text) => {
                let mut missing = String::new();
                for span in text.layouted() {
                    for glyph in &span.positioned_glyphs {
                        if glyph.id.0 == 0 && !glyph.text.trim().is_empty() {
                            for c in glyph.text.chars() {
                                if !missing.contains(c) {
                                    missing.push(c);
                                }
                            }
                        }
                    }
                }
                if let Some(first) = missing.chars().next() {
                    problems.push((
                        format!(
                            "the fonts have no glyph for «{missing}» in «{}»; use a font that has it, or other characters",
                            text_of(text)
                        ),
                        Some(first.to_string()),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// The characters of a text element, for messages.
pub(crate) fn text_of(text: &usvg::Text) -> String {
    text.chunks()
        .iter()
        .map(|c| c.text())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every text element's bounds in canvas pixels, with its id.
pub(crate) fn text_bounds(parsed: &Parsed) -> Vec<(String, String, usvg::Rect)> {
    let mut out = Vec::new();
    collect_text(parsed.tree.root(), &mut out);
    out
}

fn collect_text(group: &usvg::Group, out: &mut Vec<(String, String, usvg::Rect)>) {
    for node in group.children() {
        match node {
            Node::Group(g) => collect_text(g, out),
            Node::Text(text) => {
                out.push((text.id().to_owned(), text_of(text), text.abs_bounding_box()))
            }
            _ => {}
        }
    }
}

/// The bounds, in canvas pixels, of the element with `id`.
pub(crate) fn bounds_of(parsed: &Parsed, id: &str) -> Option<usvg::Rect> {
    parsed.tree.node_by_id(id).map(Node::abs_bounding_box)
}

/// Draws rows `top..bottom` of `parsed` onto a transparent pixmap of that band.
pub(crate) fn rasterize_band(parsed: &Parsed, width: u32, top: u32, bottom: u32) -> Pixmap {
    let mut pixmap = Pixmap::new(width, (bottom - top).max(1))
        .expect("banner sizes are checked to be non-zero and within the limits");
    resvg::render(
        &parsed.tree,
        Transform::from_translate(0.0, -(top as f32)),
        &mut pixmap.as_mut(),
    );
    pixmap
}

/// `pixmap` over white, as RGB bytes.
pub(crate) fn to_rgb(pixmap: &Pixmap) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixmap.data().len() / 4 * 3);
    for px in pixmap.data().chunks_exact(4) {
        let cover = 255 - px[3];
        // Premultiplied: colour + white × (1 − alpha).
        out.extend_from_slice(&[
            px[0].saturating_add(cover),
            px[1].saturating_add(cover),
            px[2].saturating_add(cover),
        ]);
    }
    out
}

/// Lays premultiplied `layer` over RGB `band` (the same width and height).
pub(crate) fn composite(band: &mut [u8], layer: &Pixmap) {
    composite_rgba(band, layer.data());
}

/// Lays premultiplied RGBA pixels over as many RGB pixels of `band`.
pub(crate) fn composite_rgba(band: &mut [u8], layer: &[u8]) {
    for (dst, src) in band.chunks_exact_mut(3).zip(layer.chunks_exact(4)) {
        match src[3] {
            0 => {}
            255 => dst.copy_from_slice(&src[..3]),
            a => {
                let keep = 255 - u16::from(a);
                for i in 0..3 {
                    let under = (u16::from(dst[i]) * keep + 127) / 255;
                    dst[i] = (u16::from(src[i]) + under).min(255) as u8;
                }
            }
        }
    }
}
