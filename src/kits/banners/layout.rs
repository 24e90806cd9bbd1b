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

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use resvg::usvg::roxmltree::{Document, Node};

use super::engine::{self, Fonts, Parsed, Photos, SvgError};
use crate::text::markdown::escape_html;
use crate::text::typography;

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

/// A rendered template cut in two: the part every partner shares and its partner layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Split {
    /// The SVG without its partner layers. Removed text is replaced by as many line
    /// breaks as it had, so line numbers still match the rendered template.
    pub(crate) base: String,
    /// The SVG with only its definitions and partner layers, if it has any.
    pub(crate) layer: Option<String>,
}

/// Root children that draw nothing and that a layer may need (gradients, styles).
const DEFINITIONS: &[&str] = &[
    "defs",
    "style",
    "linearGradient",
    "radialGradient",
    "pattern",
    "clipPath",
    "mask",
    "filter",
    "symbol",
    "title",
    "desc",
    "metadata",
];

/// Separates the partner layers of `svg` from the rest.
pub(crate) fn split(svg: &str) -> Result<Split, SvgError> {
    let doc = parse_xml(svg)?;
    let root = doc.root_element();
    let mut layers = Vec::new();
    let mut drawn = Vec::new();
    for child in root.children().filter(Node::is_element) {
        if child.attribute(LAYER.0) == Some(LAYER.1) {
            layers.push(child.range());
        } else if !DEFINITIONS.contains(&child.tag_name().name()) {
            drawn.push(child.range());
        }
    }
    for node in root.descendants().filter(Node::is_element) {
        if node.attribute(LAYER.0).is_some()
            && (node.parent_element() != Some(root) || node.attribute(LAYER.0) != Some(LAYER.1))
        {
            return Err(at(
                &doc,
                node.range().start,
                format!(
                    "`{}=\"{}\"` is only allowed on an element directly inside <svg>, with the value `{}`",
                    LAYER.0,
                    node.attribute(LAYER.0).unwrap_or_default(),
                    LAYER.1
                ),
            ));
        }
        if node.attribute(QR_SLOT.0) == Some(QR_SLOT.1) && !inside_layer(node) {
            return Err(at(
                &doc,
                node.range().start,
                "the QR code's slot must be inside the partner layer (`<g data-layer=\"partner\">`)",
            ));
        }
    }
    if layers.is_empty() {
        return Ok(Split {
            base: svg.to_owned(),
            layer: None,
        });
    }
    Ok(Split {
        base: blank_out(svg, &layers),
        layer: Some(blank_out(svg, &drawn)),
    })
}

fn inside_layer(node: Node<'_, '_>) -> bool {
    node.ancestors()
        .any(|a| a.is_element() && a.attribute(LAYER.0) == Some(LAYER.1))
}

/// `text` with `ranges` (sorted, disjoint) replaced by their line breaks.
fn blank_out(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for r in ranges {
        out.push_str(&text[from..r.start]);
        out.extend(text[r.clone()].chars().filter(|c| *c == '\n'));
        from = r.end;
    }
    out.push_str(&text[from..]);
    out
}

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

/// Refuses a `font-family` (attribute or style) naming a family nobody ships.
fn check_fonts(doc: &Document<'_>, node: Node<'_, '_>, fonts: &Fonts) -> Result<(), SvgError> {
    let mut lists: Vec<(usize, String)> = Vec::new();
    for attr in node.attributes() {
        if attr.name() == "font-family" {
            lists.push((attr.range().start, attr.value().to_owned()));
        }
        if attr.name() == "style" {
            for decl in attr.value().split(';') {
                if let Some((name, value)) = decl.split_once(':') {
                    if name.trim().eq_ignore_ascii_case("font-family") {
                        lists.push((attr.range().start, value.to_owned()));
                    }
                }
            }
        }
    }
    for (offset, list) in lists {
        let families: Vec<String> = list
            .split(',')
            .map(|f| f.trim().trim_matches(['"', '\'']).to_owned())
            .filter(|f| !f.is_empty())
            .collect();
        if !families.iter().any(|f| fonts.knows(f)) {
            return Err(at(
                doc,
                offset,
                format!(
                    "the font family `{}` is not shipped; banners use only the fonts the theme and the project ship: {}",
                    families.join("`, `"),
                    fonts.describe()
                ),
            ));
        }
    }
    Ok(())
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

/// One `<text data-box=…>` to set.
struct TextBox {
    /// The element's range in the SVG.
    range: Range<usize>,
    /// Its start tag's attributes, as written, but those refkit sets.
    attributes: Vec<String>,
    /// Its id: the element's own or one refkit gives it.
    id: String,
    /// What its measurements depend on: the start tags of the element and its
    /// ancestors, the document's style sheets, and the size; the key of the cache.
    context: String,
    words: Vec<String>,
    /// The box.
    x: f32,
    y: f32,
    width: f32,
    height: f32,
    size: f32,
    min_size: f32,
    lines: usize,
    line_height: f32,
    anchor: Anchor,
    align: Align,
}

#[derive(Clone, Copy)]
enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Clone, Copy)]
enum Align {
    Top,
    Middle,
    Bottom,
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
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err(at(
            &doc,
            root.range().start,
            "the template must render an <svg> element",
        )
        .into());
    }
    for (name, want) in [("width", width), ("height", height)] {
        let got = root.attribute(name).and_then(number);
        if got != Some(want as f32) {
            return Err(at(
                &doc,
                root.range().start,
                format!(
                    "the root <svg> has {name}=\"{}\" but this banner is {width}×{height}; write {name}=\"{{{{ {name} }}}}\"",
                    root.attribute(name).unwrap_or("")
                ),
            )
            .into());
        }
    }

    let mut edits: Vec<Edit> = Vec::new();
    let mut photos = Photos::new();
    let mut boxes = Vec::new();
    let mut slot_id = None;
    for node in root.descendants().filter(Node::is_element) {
        check_references(&doc, node)?;
        check_fonts(&doc, node, fonts)?;
        let tag = node.tag_name().name();
        if tag == "image" {
            if let Some(edit) = place_photo(&doc, node, photo, &mut photos)? {
                edits.extend(edit);
            }
        }
        if node.attribute(QR_SLOT.0) == Some(QR_SLOT.1) {
            if tag != "rect" {
                return Err(at(
                    &doc,
                    node.range().start,
                    "the QR code's slot must be a <rect>",
                )
                .into());
            }
            match node.attribute("id") {
                Some(id) => slot_id = Some(id.to_owned()),
                None => {
                    let insert = node.range().start + "<rect".len();
                    edits.push((insert..insert, format!(" id=\"{QR_SLOT_ID}\"")));
                    slot_id = Some(QR_SLOT_ID.to_owned());
                }
            }
        }
        if node.attribute("data-box").is_some() {
            boxes.push(text_box(&doc, node, boxes.len(), lang)?);
        }
    }

    // Measure every word of every box in one pass, at the box's own font size.
    // Measure, in one pass, every word of every box that no earlier layout measured
    // in the same context (partners share their layout's words but their names).
    let mut missing: Vec<Vec<String>> = Vec::with_capacity(boxes.len());
    for b in &boxes {
        let known = measures.lock().unwrap_or_else(|e| e.into_inner());
        let mut words: Vec<String> = SAMPLES
            .iter()
            .map(|s| (*s).to_owned())
            .chain(b.words.iter().cloned())
            .filter(|w| !known.contains_key(&key(b, w)))
            .collect();
        words.sort();
        words.dedup();
        missing.push(words);
    }
    if missing.iter().any(|m| !m.is_empty()) {
        let mut measure = edits.clone();
        for (i, b) in boxes.iter().enumerate() {
            measure.push((b.range.clone(), measuring_copies(b, i, &missing[i])));
        }
        let parsed =
            engine::parse(&apply(svg, measure), fonts, &photos).map_err(|e| locate(&doc, e))?;
        let mut known = measures.lock().unwrap_or_else(|e| e.into_inner());
        for (i, b) in boxes.iter().enumerate() {
            for (j, w) in missing[i].iter().enumerate() {
                let r = engine::bounds_of(&parsed, &format!("refkit-m{i}-{j}"));
                known.insert(key(b, w), r.map(|r| (r.width(), r.top(), r.bottom())));
            }
        }
    }
    let metrics = {
        let known = measures.lock().unwrap_or_else(|e| e.into_inner());
        boxes
            .iter()
            .map(|b| Metrics::read(&known, b))
            .collect::<Result<Vec<_>, _>>()?
    };

    // Set each box at the largest size that fits; if the drawn text still strays out
    // of its box (the estimate adds word widths), try again one step smaller.
    let mut start: Vec<f32> = boxes.iter().map(|b| b.size).collect();
    for _round in 0..8 {
        let mut round = edits.clone();
        let mut set = Vec::with_capacity(boxes.len());
        for (i, b) in boxes.iter().enumerate() {
            let fitted = fit(b, &metrics[i], start[i]).map_err(LayoutError::Overflow)?;
            round.push((b.range.clone(), fitted.markup(b)));
            set.push(fitted.size);
        }
        let parsed =
            engine::parse(&apply(svg, round), fonts, &photos).map_err(|e| locate(&doc, e))?;
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
                start[i] = set[i] - step(b.size);
                again = true;
            }
        }
        if again {
            continue;
        }
        for (id, text, drawn) in engine::text_bounds(&parsed) {
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
                        if boxed { "" } else { " (give it a `data-box` so refkit sets it inside one)" }
                    ),
                }));
            }
        }
        let qr_slot = match &slot_id {
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

/// The step by which a text shrinks: 2% of its size, at least one pixel.
fn step(size: f32) -> f32 {
    (size * 0.02).max(1.0)
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

/// Refuses references out of the SVG: only `#id`, photos on `<image>`, and embedded
/// PNG or JPEG are allowed.
fn check_references(doc: &Document<'_>, node: Node<'_, '_>) -> Result<(), SvgError> {
    let tag = node.tag_name().name();
    for attr in node.attributes() {
        let name = attr.name();
        let value = attr.value().trim();
        if name == "href" || name == "src" {
            if value.starts_with('#') {
                continue;
            }
            let embedded =
                value.starts_with("data:image/png") || value.starts_with("data:image/jpeg");
            if tag == "image" && (embedded || is_local_name(value)) {
                continue;
            }
            return Err(at(doc, attr.range().start, refused(value, tag)));
        }
        if name == "style" {
            check_css(doc, attr.range().start, value)?;
        }
    }
    if tag == "style" {
        let text: String = node.children().filter_map(|c| c.text()).collect();
        check_css(doc, node.range().start, &text)?;
    }
    Ok(())
}

fn check_css(doc: &Document<'_>, offset: usize, css: &str) -> Result<(), SvgError> {
    let lower = css.to_ascii_lowercase();
    if lower.contains("@import") {
        return Err(at(
            doc,
            offset,
            "`@import` is not allowed in a banner: nothing is fetched",
        ));
    }
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("url(") {
        rest = &rest[i + 4..];
        let target = rest.trim_start().trim_start_matches(['"', '\'']);
        if !target.starts_with('#') {
            let shown: String = target.chars().take_while(|c| *c != ')').collect();
            return Err(at(
                doc,
                offset,
                refused(shown.trim_end_matches(['"', '\'']), "style"),
            ));
        }
    }
    Ok(())
}

fn refused(value: &str, tag: &str) -> String {
    let shown: String = value.chars().take(80).collect();
    if tag == "image" {
        format!("the image `{shown}` is outside the project or on the network: refkit reads only photos in content/banners/, by file name, and fetches nothing")
    } else {
        format!("`{shown}` refers to something outside this SVG: only `#id` references are allowed here, and nothing is fetched")
    }
}

/// A plain file name: no folder, no scheme, nothing that could leave the folder.
fn is_local_name(value: &str) -> bool {
    !value.is_empty()
        && !value.contains(['/', '\\', ':', '?', '#', '%'])
        && value != "."
        && value != ".."
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

fn text_box(
    doc: &Document<'_>,
    node: Node<'_, '_>,
    index: usize,
    lang: &str,
) -> Result<TextBox, SvgError> {
    let start = node.range().start;
    let err = |m: String| at(doc, start, m);
    if node.tag_name().name() != "text" {
        return Err(err("`data-box` is for <text> elements".into()));
    }
    let parts: Vec<f32> = node
        .attribute("data-box")
        .unwrap_or_default()
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(number)
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    let [x, y, width, height] = parts[..] else {
        return Err(err("`data-box` takes four numbers: x y width height".into()));
    };
    if width <= 0.0 || height <= 0.0 {
        return Err(err(
            "the box in `data-box` must have a positive width and height".into(),
        ));
    }
    if node
        .attribute("style")
        .is_some_and(|s| s.to_ascii_lowercase().contains("font-size"))
    {
        return Err(err(
            "a text with `data-box` sets its size with the `font-size` attribute, not in `style`"
                .into(),
        ));
    }
    let Some(size) = node
        .attribute("font-size")
        .and_then(number)
        .filter(|s| *s > 0.0)
    else {
        return Err(err("a text with `data-box` needs `font-size` in pixels: the size it is set at when it fits".into()));
    };
    let min_size = match node.attribute("data-min-size") {
        None => size,
        Some(v) => number(v)
            .filter(|m| *m > 0.0 && *m <= size)
            .ok_or_else(|| err(format!("`data-min-size` must be a number of pixels up to the font-size ({size}), not `{v}`")))?,
    };
    let lines = match node.attribute("data-lines") {
        None => 1,
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LINES).contains(n))
            .ok_or_else(|| {
                err(format!(
                    "`data-lines` must be a whole number from 1 to {MAX_LINES}, not `{v}`"
                ))
            })?,
    };
    let line_height = match node.attribute("data-line-height") {
        None => 1.2,
        Some(v) => number(v)
            .filter(|n| (0.8..=3.0).contains(n))
            .ok_or_else(|| {
                err(format!(
                    "`data-line-height` must be a number from 0.8 to 3, not `{v}`"
                ))
            })?,
    };
    let anchor = match node.attribute("text-anchor").map(str::trim) {
        None | Some("start") => Anchor::Start,
        Some("middle") => Anchor::Middle,
        Some("end") => Anchor::End,
        Some(other) => {
            return Err(err(format!(
                "`text-anchor` must be start, middle or end, not `{other}`"
            )))
        }
    };
    let align = match node.attribute("data-align").map(str::trim) {
        None | Some("top") => Align::Top,
        Some("middle") => Align::Middle,
        Some("bottom") => Align::Bottom,
        Some(other) => {
            return Err(err(format!(
                "`data-align` must be top, middle or bottom, not `{other}`"
            )))
        }
    };
    if node.children().any(|c| c.is_element()) {
        return Err(err(
            "a text with `data-box` holds plain text only (no <tspan>): refkit makes the lines"
                .into(),
        ));
    }
    let raw: String = node.children().filter_map(|c| c.text()).collect();
    let text = typography::typeset(
        raw.split_ascii_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
        lang,
    );
    let words = text
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let skip = ["id", "x", "y", "dx", "dy", "font-size", "transform"];
    let input = doc.input_text();
    let attributes: Vec<String> = node
        .attributes()
        .filter(|a| {
            !(a.name().starts_with("data-") || a.namespace().is_none() && skip.contains(&a.name()))
        })
        .map(|a| input[a.range()].to_owned())
        .collect();
    let id = node
        .attribute("id")
        .map_or_else(|| format!("refkit-text-{index}"), str::to_owned);
    let mut context = format!("{size}|{}", attributes.join(" "));
    for ancestor in node.ancestors().skip(1).filter(|a| a.is_element()) {
        let end = ancestor
            .first_child()
            .map_or(ancestor.range().end, |c| c.range().start);
        context.push('|');
        context.push_str(&input[ancestor.range().start..end]);
    }
    for style in doc.descendants().filter(|n| n.has_tag_name("style")) {
        context.push('|');
        context.extend(style.children().filter_map(|c| c.text()));
    }
    if node.attribute("transform").is_some() {
        return Err(err(
            "a text with `data-box` cannot have its own `transform`; put it on a group around it"
                .into(),
        ));
    }
    Ok(TextBox {
        range: node.range(),
        attributes,
        id,
        context,
        words,
        x,
        y,
        width,
        height,
        size,
        min_size,
        lines,
        line_height,
        anchor,
        align,
    })
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

/// A sample with the tallest and deepest letters the texts use, for line metrics.
const REFERENCE: &str = "ÅЁЙÉHbdfhkl|gjpqyрудф";

fn start_tag(b: &TextBox, id: &str, extra: &str) -> String {
    let mut tag = String::from("<text");
    for a in &b.attributes {
        tag.push(' ');
        tag.push_str(a);
    }
    tag.push_str(&format!(" id=\"{id}\"{extra}>"));
    tag
}

/// Words measured earlier, by [`key`]: (width, top, bottom) of the drawn word at the
/// box's font size, or `None` when it draws nothing.
pub(crate) type Measures = Mutex<HashMap<String, Option<(f32, f32, f32)>>>;

/// The samples measured with every box's words: line metrics and the space.
const SAMPLES: [&str; 3] = [REFERENCE, "HH", "H H"];

fn key(b: &TextBox, word: &str) -> String {
    format!("{}\u{0}{word}", b.context)
}

/// `words` of the box, each a text of its own at the origin.
fn measuring_copies(b: &TextBox, i: usize, words: &[String]) -> String {
    let size = format!(" x=\"0\" y=\"0\" font-size=\"{}\"", b.size);
    let mut out = String::from("<g>");
    for (j, w) in words.iter().enumerate() {
        out.push_str(&start_tag(b, &format!("refkit-m{i}-{j}"), &size));
        out.push_str(&escape_html(w));
        out.push_str("</text>");
    }
    out.push_str("</g>");
    out
}

/// What the measuring pass found for one box, at its font size.
struct Metrics {
    words: Vec<f32>,
    space: f32,
    ascent: f32,
    descent: f32,
}

impl Metrics {
    fn read(
        known: &HashMap<String, Option<(f32, f32, f32)>>,
        b: &TextBox,
    ) -> Result<Metrics, SvgError> {
        let get = |w: &str| known.get(&key(b, w)).copied().flatten();
        let width = |w: &str| get(w).map_or(0.0, |(width, _, _)| width);
        let (_, top, bottom) = get(REFERENCE).ok_or_else(|| {
            SvgError::new("the text's font draws nothing: check `font-family` and `fill`")
        })?;
        let mut ascent = -top;
        let mut descent = bottom;
        let mut words = Vec::with_capacity(b.words.len());
        for w in &b.words {
            if let Some((_, top, bottom)) = get(w) {
                ascent = ascent.max(-top);
                descent = descent.max(bottom);
            }
            words.push(width(w));
        }
        let space = (width("H H") - width("HH")).max(0.0);
        Ok(Metrics {
            words,
            space,
            ascent,
            descent,
        })
    }
}

/// A box's text set at a size.
struct Fitted {
    size: f32,
    lines: Vec<String>,
    /// Baseline of the first line, and the distance between baselines.
    first: f32,
    leading: f32,
}

impl Fitted {
    fn markup(&self, b: &TextBox) -> String {
        let x = match b.anchor {
            Anchor::Start => b.x,
            Anchor::Middle => b.x + b.width / 2.0,
            Anchor::End => b.x + b.width,
        };
        let mut out = start_tag(b, &b.id, &format!(" font-size=\"{}\"", num(self.size)));
        for (i, line) in self.lines.iter().enumerate() {
            let y = self.first + self.leading * i as f32;
            out.push_str(&format!(
                "<tspan x=\"{}\" y=\"{}\">{}</tspan>",
                num(x),
                num(y),
                escape_html(line)
            ));
        }
        out.push_str("</text>");
        out
    }
}

fn num(n: f32) -> String {
    let s = format!("{n:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The largest size from `start` down to the box's minimum at which the words fit.
fn fit(b: &TextBox, m: &Metrics, start: f32) -> Result<Fitted, Overflow> {
    let text = b.words.join(" ");
    let mut size = start.min(b.size);
    while size >= b.min_size - 0.001 {
        let k = size / b.size;
        if let Some(lines) = wrap(&b.words, &m.words, m.space, b.width / k, b.lines) {
            let leading = b.line_height * size;
            let (ascent, descent) = (m.ascent * k, m.descent * k);
            let block = ascent + descent + leading * (lines.len().saturating_sub(1)) as f32;
            if block <= b.height {
                let top = match b.align {
                    Align::Top => b.y,
                    Align::Middle => b.y + (b.height - block) / 2.0,
                    Align::Bottom => b.y + b.height - block,
                };
                return Ok(Fitted {
                    size,
                    lines,
                    first: top + ascent,
                    leading,
                });
            }
        }
        if size <= b.min_size {
            break;
        }
        size = (size - step(b.size)).max(b.min_size);
    }
    let lines = if b.lines == 1 {
        "one line".to_owned()
    } else {
        format!("{} lines", b.lines)
    };
    let sizes = if b.min_size < b.size {
        format!("at {}–{} px", num(b.min_size), num(b.size))
    } else {
        format!("at {} px", num(b.size))
    };
    Err(Overflow {
        text,
        why: format!(
            "it does not fit its box of {}×{} px in {lines} {sizes}",
            num(b.width),
            num(b.height)
        ),
    })
}

/// Greedy line breaking at the measuring size: `None` when a word is wider than the
/// box or more than `max` lines are needed.
fn wrap(
    words: &[String],
    widths: &[f32],
    space: f32,
    width: f32,
    max: usize,
) -> Option<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut used = 0.0f32;
    for (w, &ww) in words.iter().zip(widths) {
        if ww > width {
            return None;
        }
        if current.is_empty() {
            current.push_str(w);
            used = ww;
        } else if used + space + ww <= width {
            current.push(' ');
            current.push_str(w);
            used += space + ww;
        } else {
            lines.push(std::mem::take(&mut current));
            current.push_str(w);
            used = ww;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    (lines.len() <= max).then_some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_greedily_and_keeps_no_break_spaces() {
        let words: Vec<String> = ["один", "в\u{a0}поле", "не", "воин"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let widths = [40.0, 60.0, 20.0, 40.0];
        assert_eq!(
            wrap(&words, &widths, 10.0, 110.0, 3).unwrap(),
            vec!["один в\u{a0}поле", "не воин"]
        );
        assert!(wrap(&words, &widths, 10.0, 110.0, 1).is_none());
        assert!(
            wrap(&words, &widths, 10.0, 50.0, 9).is_none(),
            "a word wider than the box"
        );
    }

    #[test]
    fn split_keeps_line_numbers_and_definitions() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\n<defs><linearGradient id=\"g\"/></defs>\n<rect width=\"10\" height=\"10\"/>\n<g data-layer=\"partner\">\n<text>Ann</text>\n</g>\n</svg>";
        let split = split(svg).unwrap();
        assert_eq!(split.base.lines().count(), svg.lines().count());
        assert!(!split.base.contains("Ann") && split.base.contains("<rect"));
        let layer = split.layer.unwrap();
        assert!(
            layer.contains("Ann") && layer.contains("linearGradient") && !layer.contains("<rect")
        );
        assert_eq!(layer.lines().count(), svg.lines().count());
    }

    #[test]
    fn a_layer_must_sit_directly_in_the_root() {
        let svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<g><g data-layer=\"partner\"/></g></svg>";
        let err = split(svg).unwrap_err();
        assert_eq!(err.at.map(|a| a.0), Some(2));
    }

    #[test]
    fn local_names_are_plain_file_names() {
        for ok in ["harbor-dusk.jpg", "a.png"] {
            assert!(is_local_name(ok), "{ok}");
        }
        for bad in [
            "../secret.png",
            "/etc/passwd",
            "http://x.test/a.png",
            "file:a.png",
            "a/b.png",
            "..",
            "C:\\a.png",
            "a%2F.png",
        ] {
            assert!(!is_local_name(bad), "{bad}");
        }
    }
}
