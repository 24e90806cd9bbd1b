//! Layout: what refkit does to a rendered template before it is drawn.
//!
//! A banner template is Tera over SVG, so what it renders is checked and finished here:
//!
//! - **References.** Every `href`, `xlink:href`, `src` and CSS `url(…)` is either a
//!   fragment (`#id`) or, on `<image>`, the file name of a photo in `content/banners/`
//!   (or an embedded PNG or JPEG). Anything else, a path out of the folder or an
//!   address on the network, is refused: nothing is read or fetched.
//! - **Photos.** A photo is cropped around its focus point to the aspect of the box the
//!   template gives it, and resized to that many pixels, before the SVG is drawn.
//! - **Text boxes.** A `<text>` with `data-box="x y width height"` is set inside that
//!   box: its words are measured in the shipped fonts, wrapped onto at most
//!   `data-lines` lines and shrunk down to at most `data-min-size`, then placed by
//!   `text-anchor` and `data-align`. Text that cannot fit is an error, never a crop.
//! - **After layout** every text element is measured again as drawn: one outside its
//!   box or outside the canvas is an error.
//! - **Layers.** Direct children of the root marked `data-layer="partner"` carry the
//!   partner's name and QR code; [`split`] separates them from the rest so the rest is
//!   drawn once for every partner that shares it.
//!
//! This file walks the template and drives the layout; the checks live in
//! `references`, text boxes and their measuring in `text_box`, layers in `split`.

mod references;
mod split;
mod text_box;

use std::ops::Range;
use std::sync::Arc;

use resvg::usvg::roxmltree::{Document, Node};

use super::engine::{self, Fonts, Parsed, Photos, SvgError};
use crate::text::markdown::escape_html;
pub(crate) use split::{around, split};
pub(crate) use text_box::Measures;
use text_box::TextBox;

/// The attribute that marks a partner layer, and its value.
const LAYER: (&str, &str) = ("data-layer", "partner");
/// The attribute that marks the QR code's slot, and its value.
const QR_SLOT: (&str, &str) = ("data-slot", "qr");
/// The id refkit gives a QR slot that has none.
const QR_SLOT_ID: &str = "refkit-qr-slot";
/// How far (in pixels) drawn text may stray over its box before it is an error:
/// antialiasing, not layout.
const TOLERANCE: f32 = 1.0;
/// Most lines a text box may ask for.
const MAX_LINES: usize = 20;

/// A change to the SVG text: this range becomes this text.
type Edit = (Range<usize>, String);

/// Where a photo is looked up: file name, target width and height in pixels → a PNG.
pub(crate) type PhotoSource<'a> = dyn Fn(&str, u32, u32) -> Result<Arc<Vec<u8>>, String> + 'a;

fn parse_xml(svg: &str) -> Result<Document<'_>, SvgError> {
    Document::parse(svg).map_err(|e| {
        let pos = e.pos();
        SvgError {
            message: format!("the SVG is malformed: {e}"),
            at: Some((pos.row as usize, pos.col as usize)),
            near: None,
        }
    })
}

fn at(doc: &Document<'_>, offset: usize, message: impl Into<String>) -> SvgError {
    let pos = doc.text_pos_at(offset);
    SvgError {
        message: message.into(),
        at: Some((pos.row as usize, pos.col as usize)),
        near: None,
    }
}

/// `e` placed at the first occurrence of what it is about, when it has no place yet.
fn locate(doc: &Document<'_>, mut e: SvgError) -> SvgError {
    if e.at.is_none() {
        if let Some(offset) = e.near.as_deref().and_then(|n| doc.input_text().find(n)) {
            let pos = doc.text_pos_at(offset);
            e.at = Some((pos.row as usize, pos.col as usize));
        }
    }
    e
}

/// A laid-out SVG, parsed and checked.
pub(crate) struct Laid {
    /// The tree to draw.
    pub(crate) parsed: Parsed,
    /// The QR code's slot in canvas pixels: (left, top, side).
    pub(crate) qr_slot: Option<(u32, u32, u32)>,
    /// The union of the text boxes, in canvas pixels: what a layer may cover.
    pub(crate) boxes: Option<(f32, f32)>,
}

/// A text that cannot fit its box.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Overflow {
    /// The text.
    pub(crate) text: String,
    /// Why, in words.
    pub(crate) why: String,
}

/// What can go wrong in [`lay_out`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LayoutError {
    /// The SVG itself is wrong.
    Svg(SvgError),
    /// A text does not fit.
    Overflow(Overflow),
}

impl From<SvgError> for LayoutError {
    fn from(e: SvgError) -> Self {
        LayoutError::Svg(e)
    }
}

/// Checks and lays out `svg` for a canvas of `width` × `height` in `lang`.
pub(crate) fn lay_out(
    svg: &str,
    width: u32,
    height: u32,
    lang: &str,
    fonts: &Fonts,
    photo: &PhotoSource<'_>,
    measures: &Measures,
) -> Result<Laid, LayoutError> {
    let doc = parse_xml(svg)?;
    check_root(&doc, width, height)?;
    let found = Found::walk(&doc, lang, fonts, photo)?;
    let metrics = text_box::measure(svg, &doc, &found, fonts, measures)?;
    set_boxes(svg, &doc, &found, &metrics, (width, height), fonts)
}

/// The root must be an `<svg>` of exactly the size being drawn.
fn check_root(doc: &Document<'_>, width: u32, height: u32) -> Result<(), SvgError> {
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err(at(
            doc,
            root.range().start,
            "the template must render an <svg> element",
        ));
    }
    for (name, want) in [("width", width), ("height", height)] {
        let got = root.attribute(name).and_then(number);
        if got != Some(want as f32) {
            return Err(at(
                doc,
                root.range().start,
                format!(
                    "the root <svg> has {name}=\"{}\" but this banner is {width}×{height}; write {name}=\"{{{{ {name} }}}}\"",
                    root.attribute(name).unwrap_or("")
                ),
            ));
        }
    }
    Ok(())
}

/// What one walk over a template's elements finds: the edits that place its photos
/// and name its QR slot, the photos themselves, its text boxes and the slot's id.
struct Found {
    edits: Vec<Edit>,
    photos: Photos,
    boxes: Vec<TextBox>,
    slot_id: Option<String>,
}

impl Found {
    /// Checks every element (references, fonts) and collects what layout needs.
    fn walk(
        doc: &Document<'_>,
        lang: &str,
        fonts: &Fonts,
        photo: &PhotoSource<'_>,
    ) -> Result<Found, SvgError> {
        let mut found = Found {
            edits: Vec::new(),
            photos: Photos::new(),
            boxes: Vec::new(),
            slot_id: None,
        };
        for node in doc.root_element().descendants().filter(Node::is_element) {
            references::check_references(doc, node)?;
            references::check_fonts(doc, node, fonts)?;
            let tag = node.tag_name().name();
            if tag == "image" {
                if let Some(edit) = place_photo(doc, node, photo, &mut found.photos)? {
                    found.edits.extend(edit);
                }
            }
            if node.attribute(QR_SLOT.0) == Some(QR_SLOT.1) {
                if tag != "rect" {
                    return Err(at(
                        doc,
                        node.range().start,
                        "the QR code's slot must be a <rect>",
                    ));
                }
                match node.attribute("id") {
                    Some(id) => found.slot_id = Some(id.to_owned()),
                    None => {
                        let insert = node.range().start + "<rect".len();
                        found
                            .edits
                            .push((insert..insert, format!(" id=\"{QR_SLOT_ID}\"")));
                        found.slot_id = Some(QR_SLOT_ID.to_owned());
                    }
                }
            }
            if node.attribute("data-box").is_some() {
                let index = found.boxes.len();
                found
                    .boxes
                    .push(text_box::text_box(doc, node, index, lang)?);
            }
        }
        Ok(found)
    }
}

/// Sets each box at the largest size that fits; if the drawn text still strays out
/// of its box (the estimate adds word widths), tries again one step smaller. Then
/// every text must lie on the canvas.
fn set_boxes(
    svg: &str,
    doc: &Document<'_>,
    found: &Found,
    metrics: &[text_box::Metrics],
    (width, height): (u32, u32),
    fonts: &Fonts,
) -> Result<Laid, LayoutError> {
    let boxes = &found.boxes;
    let mut start: Vec<f32> = boxes.iter().map(|b| b.size).collect();
    for _round in 0..8 {
        let mut round = found.edits.clone();
        let mut set = Vec::with_capacity(boxes.len());
        for (i, b) in boxes.iter().enumerate() {
            let fitted = text_box::fit(b, &metrics[i], start[i]).map_err(LayoutError::Overflow)?;
            round.push((b.range.clone(), fitted.markup(b)));
            set.push(fitted.size);
        }
        let parsed =
            engine::parse(&apply(svg, round), fonts, &found.photos).map_err(|e| locate(doc, e))?;
        let mut again = false;
        for (i, b) in boxes.iter().enumerate() {
            let Some(drawn) = engine::bounds_of(&parsed, &b.id) else {
                continue;
            };
            let inside = drawn.left() >= b.x - TOLERANCE
                && drawn.right() <= b.x + b.width + TOLERANCE
                && drawn.top() >= b.y - TOLERANCE
                && drawn.bottom() <= b.y + b.height + TOLERANCE;
            if !inside {
                start[i] = set[i] - text_box::step(b.size);
                again = true;
            }
        }
        if again {
            continue;
        }
        check_canvas(&parsed, boxes, width, height)?;
        let qr_slot = match &found.slot_id {
            Some(id) => Some(slot(&parsed, id, width, height)?),
            None => None,
        };
        let span = boxes.iter().fold(None, |acc: Option<(f32, f32)>, b| {
            let (top, bottom) = (b.y, b.y + b.height);
            Some(acc.map_or((top, bottom), |(t, bo)| (t.min(top), bo.max(bottom))))
        });
        return Ok(Laid {
            parsed,
            qr_slot,
            boxes: span,
        });
    }
    let b = &boxes[0];
    Err(LayoutError::Overflow(Overflow {
        text: b.words.join(" "),
        why: "its drawn width kept exceeding the box after shrinking".into(),
    }))
}

/// Every text as drawn must lie on the canvas.
fn check_canvas(
    parsed: &Parsed,
    boxes: &[TextBox],
    width: u32,
    height: u32,
) -> Result<(), LayoutError> {
    for (id, text, drawn) in engine::text_bounds(parsed) {
        let inside = drawn.left() >= -TOLERANCE
            && drawn.top() >= -TOLERANCE
            && drawn.right() <= width as f32 + TOLERANCE
            && drawn.bottom() <= height as f32 + TOLERANCE;
        if !inside {
            let boxed = boxes.iter().any(|b| b.id == id);
            return Err(LayoutError::Overflow(Overflow {
                text,
                why: format!(
                    "it is drawn at {:.0},{:.0}–{:.0},{:.0}, outside the {width}×{height} canvas{}",
                    drawn.left(),
                    drawn.top(),
                    drawn.right(),
                    drawn.bottom(),
                    if boxed {
                        ""
                    } else {
                        " (give it a `data-box` so refkit sets it inside one)"
                    }
                ),
            }));
        }
    }
    Ok(())
}

fn slot(parsed: &Parsed, id: &str, width: u32, height: u32) -> Result<(u32, u32, u32), SvgError> {
    let rect = engine::bounds_of(parsed, id).ok_or_else(|| {
        SvgError::new("the QR code's slot draws nothing; give the <rect> a width and height")
    })?;
    let side = rect.width().min(rect.height()).floor();
    let left = (rect.left() + (rect.width() - side) / 2.0).round();
    let top = (rect.top() + (rect.height() - side) / 2.0).round();
    if left < 0.0 || top < 0.0 || left + side > width as f32 || top + side > height as f32 {
        return Err(SvgError::new(format!(
            "the QR code's slot ({left:.0},{top:.0}, {side:.0} px) is outside the {width}×{height} canvas"
        )));
    }
    Ok((left as u32, top as u32, side as u32))
}

/// A number with an optional `px`.
fn number(text: &str) -> Option<f32> {
    let t = text.trim();
    let t = t.strip_suffix("px").unwrap_or(t).trim();
    t.parse::<f32>().ok().filter(|n| n.is_finite())
}

/// The photos `svg` places, as layout will ask for them: (name, width, height) of
/// every `<image>` naming a file, in document order. `None` when the SVG is malformed
/// or a box has no size: layout reports that, and such an image is never cached.
pub(crate) fn photos_of(svg: &str) -> Option<Vec<(String, u32, u32)>> {
    let doc = Document::parse(svg).ok()?;
    let mut found = Vec::new();
    for node in doc.root_element().descendants().filter(Node::is_element) {
        if node.tag_name().name() != "image" {
            continue;
        }
        let Some(attr) = node
            .attributes()
            .find(|a| a.name() == "href" && !a.value().trim().starts_with("data:"))
        else {
            continue;
        };
        let size = |what: &str| node.attribute(what).and_then(number).filter(|n| *n >= 1.0);
        let (w, h) = (size("width")?, size("height")?);
        found.push((
            attr.value().trim().to_owned(),
            w.round() as u32,
            h.round() as u32,
        ));
    }
    Some(found)
}

/// Crops the photo an `<image>` names to its box, and points the element at the crop.
fn place_photo(
    doc: &Document<'_>,
    node: Node<'_, '_>,
    photo: &PhotoSource<'_>,
    photos: &mut Photos,
) -> Result<Option<Vec<Edit>>, SvgError> {
    let Some(attr) = node
        .attributes()
        .find(|a| a.name() == "href" && !a.value().trim().starts_with("data:"))
    else {
        return Ok(None);
    };
    let name = attr.value().trim();
    let size = |what: &str| node.attribute(what).and_then(number).filter(|n| *n >= 1.0);
    let (Some(w), Some(h)) = (size("width"), size("height")) else {
        return Err(at(
            doc,
            node.range().start,
            format!("the photo `{name}` needs `width` and `height` in pixels, the box it fills"),
        ));
    };
    let (w, h) = (w.round() as u32, h.round() as u32);
    let png = photo(name, w, h).map_err(|why| at(doc, attr.range().start, why))?;
    let token = format!("refkit-photo:{name}:{w}x{h}");
    photos.insert(token.clone(), png);
    let qname = &doc.input_text()[attr.range_qname()];
    let mut edits = vec![(attr.range(), format!("{qname}=\"{}\"", escape_html(&token)))];
    match node
        .attributes()
        .find(|a| a.name() == "preserveAspectRatio")
    {
        Some(par) => edits.push((par.range(), "preserveAspectRatio=\"none\"".into())),
        None => {
            let insert = node.range().start + "<image".len();
            edits.push((insert..insert, " preserveAspectRatio=\"none\"".into()));
        }
    }
    Ok(Some(edits))
}

fn apply(svg: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(svg.len() + 256);
    let mut from = 0;
    for (r, text) in edits {
        if r.start < from {
            continue;
        }
        out.push_str(&svg[from..r.start]);
        out.push_str(&text);
        from = r.end;
    }
    out.push_str(&svg[from..]);
    out
}
