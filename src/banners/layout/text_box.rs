//! Text boxes: a `<text data-box="x y width height">` set inside its box. Its words
//! are measured in the shipped fonts (once per context, shared by every layout that
//! reads the same), wrapped greedily onto at most `data-lines` lines and shrunk step
//! by step to at most `data-min-size`, then placed by `text-anchor` and `data-align`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;

use resvg::usvg::roxmltree::{Document, Node};

use super::{at, number, Overflow, MAX_LINES};
use crate::banners::engine::{self, SvgError};
use crate::text::markdown::escape_html;
use crate::text::typography;

/// One `<text data-box=…>` to set.
pub(super) struct TextBox {
    /// The element's range in the SVG.
    pub(super) range: Range<usize>,
    /// Its start tag's attributes, as written, but those refkit sets.
    pub(super) attributes: Vec<String>,
    /// Its id: the element's own or one refkit gives it.
    pub(super) id: String,
    /// What its measurements depend on: the start tags of the element and its
    /// ancestors, the document's style sheets, and the size; the key of the cache.
    pub(super) context: String,
    pub(super) words: Vec<String>,
    /// The box.
    pub(super) x: f32,
    pub(super) y: f32,
    pub(super) width: f32,
    pub(super) height: f32,
    pub(super) size: f32,
    pub(super) min_size: f32,
    pub(super) lines: usize,
    pub(super) line_height: f32,
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

/// The step by which a text shrinks: 2% of its size, at least one pixel.
pub(super) fn step(size: f32) -> f32 {
    (size * 0.02).max(1.0)
}

pub(super) fn text_box(
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
    let Setting {
        size,
        min_size,
        lines,
        line_height,
        anchor,
        align,
    } = Setting::read(node, &err)?;
    if node.children().any(|c| c.is_element()) {
        return Err(err(
            "a text with `data-box` holds plain text only (no <tspan>): refkit makes the lines"
                .into(),
        ));
    }
    let raw: String = node.children().filter_map(|c| c.text()).collect();
    let words = box_words(&raw, lang);
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
    let context = measuring_context(doc, node, size, &attributes);
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

/// How a box's text is set: its size and limits, read from the element's attributes.
struct Setting {
    size: f32,
    min_size: f32,
    lines: usize,
    line_height: f32,
    anchor: Anchor,
    align: Align,
}

impl Setting {
    fn read(node: Node<'_, '_>, err: &dyn Fn(String) -> SvgError) -> Result<Setting, SvgError> {
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
        Ok(Setting {
            size,
            min_size,
            lines,
            line_height,
            anchor,
            align,
        })
    }
}

/// What the measurements of a box's words depend on: its size and attributes, the
/// start tags of its ancestors and the document's style sheets.
fn measuring_context(
    doc: &Document<'_>,
    node: Node<'_, '_>,
    size: f32,
    attributes: &[String],
) -> String {
    let input = doc.input_text();
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
    context
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
pub(super) struct Metrics {
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
pub(super) struct Fitted {
    pub(super) size: f32,
    lines: Vec<String>,
    /// Baseline of the first line, and the distance between baselines.
    first: f32,
    leading: f32,
}

impl Fitted {
    pub(super) fn markup(&self, b: &TextBox) -> String {
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
pub(super) fn fit(b: &TextBox, m: &Metrics, start: f32) -> Result<Fitted, Overflow> {
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

/// Measures, in one pass, every word of every box that no earlier layout measured in
/// the same context (partners share their layout's words but their names), at the
/// box's own font size; returns each box's metrics.
pub(super) fn measure(
    svg: &str,
    doc: &Document<'_>,
    found: &super::Found,
    fonts: &crate::banners::engine::Fonts,
    measures: &Measures,
) -> Result<Vec<Metrics>, SvgError> {
    let boxes = &found.boxes;
    let mut missing: Vec<Vec<String>> = Vec::with_capacity(boxes.len());
    for b in boxes {
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
        let mut edits = found.edits.clone();
        for (i, b) in boxes.iter().enumerate() {
            edits.push((b.range.clone(), measuring_copies(b, i, &missing[i])));
        }
        let parsed = engine::parse(&super::apply(svg, edits), fonts, &found.photos)
            .map_err(|e| super::locate(doc, e))?;
        let mut known = measures.lock().unwrap_or_else(|e| e.into_inner());
        for (i, b) in boxes.iter().enumerate() {
            for (j, w) in missing[i].iter().enumerate() {
                let r = engine::bounds_of(&parsed, &format!("refkit-m{i}-{j}"));
                known.insert(key(b, w), r.map(|r| (r.width(), r.top(), r.bottom())));
            }
        }
    }
    let known = measures.lock().unwrap_or_else(|e| e.into_inner());
    boxes.iter().map(|b| Metrics::read(&known, b)).collect()
}

/// The words a text box may break between: the text typeset in `lang`, split at plain
/// spaces only, so every no-break space the typography rules set (after short words,
/// before a dash or a particle, inside a short quoted name) keeps its words on one line.
fn box_words(raw: &str, lang: &str) -> Vec<String> {
    let text = typography::typeset(
        raw.split_ascii_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str(),
        lang,
    );
    text.split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_banner_text_breaks_only_where_an_editor_would() {
        let words = box_words(
            "Клиент закрепляется за вами на годы — рекомендует бюро «Северный учёт», и не ли это \
             лучше",
            "ru",
        );
        let nbsp = |s: &str| s.replace('~', "\u{a0}");
        for bound in ["за~вами", "на~годы~—", "«Северный~учёт»,", "и~не~ли"]
        {
            assert!(
                words.contains(&nbsp(bound)),
                "{bound} is one unbreakable word in {words:?}"
            );
        }
        let quoted = box_words(r#"Рекомендует Бюро "Северный учёт""#, "ru");
        assert_eq!(quoted.last(), Some(&nbsp("«Северный~учёт»")));
    }

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
}
