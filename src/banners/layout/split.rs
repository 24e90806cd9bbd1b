//! Splitting a rendered template in two: the partner layers (direct children of the
//! root marked `data-layer="partner"`) and the rest, which is drawn once for every
//! partner that shares it. Each half keeps the definitions a layer may need and as
//! many line breaks as it lost, so errors still point at the template's lines.

use std::ops::Range;

use resvg::usvg::roxmltree::Node;

use super::{at, parse_xml, LAYER, QR_SLOT};
use crate::banners::engine::SvgError;

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

/// A share card cut in three around what differs from another card of its template:
/// the drawn root children both share at the start (`under`) and at the end (`over`),
/// and the ones between (`layer`). Each keeps the definitions and line breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sandwich {
    pub(crate) under: String,
    pub(crate) layer: String,
    pub(crate) over: String,
    /// `under` and `over` together: the card as the rows outside the layer show it.
    pub(crate) both: String,
}

/// `svg` cut around the drawn root children it does not share with `other` (the same
/// template rendered for another card); `None` when none differ, when either does not
/// parse, or when `svg` has partner layers (those are split by [`split`]).
pub(crate) fn around(svg: &str, other: &str) -> Option<Sandwich> {
    let drawn = |text: &str| -> Option<Vec<Range<usize>>> {
        let doc = parse_xml(text).ok()?;
        let mut out = Vec::new();
        for child in doc.root_element().children().filter(Node::is_element) {
            if child.attribute(LAYER.0).is_some() {
                return None;
            }
            if !DEFINITIONS.contains(&child.tag_name().name()) {
                out.push(child.range());
            }
        }
        Some(out)
    };
    let (mine, theirs) = (drawn(svg)?, drawn(other)?);
    let same = |a: &Range<usize>, b: &Range<usize>| svg[a.clone()] == other[b.clone()];
    let most = mine.len().min(theirs.len());
    let head = mine
        .iter()
        .zip(&theirs)
        .take_while(|(a, b)| same(a, b))
        .count();
    let tail = mine
        .iter()
        .rev()
        .zip(theirs.iter().rev())
        .take(most - head)
        .take_while(|(a, b)| same(a, b))
        .count();
    let end = mine.len() - tail;
    if head >= end {
        return None;
    }
    Some(Sandwich {
        under: blank_out(svg, &mine[head..]),
        layer: blank_out(
            svg,
            &mine[..head]
                .iter()
                .chain(&mine[end..])
                .cloned()
                .collect::<Vec<_>>(),
        ),
        over: blank_out(svg, &mine[..end]),
        both: blank_out(svg, &mine[head..end]),
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn around_cuts_what_differs_keeping_order() {
        let card = |title: &str| {
            format!("<svg xmlns=\"http://www.w3.org/2000/svg\">\n<defs><linearGradient id=\"g\"/></defs>\n<rect id=\"bg\"/>\n<text>{title}</text>\n<circle/>\n<text>Brand</text>\n</svg>")
        };
        let (a, b) = (card("One"), card("Two"));
        let cut = around(&a, &b).unwrap();
        assert!(
            cut.under.contains("bg") && !cut.under.contains("One") && !cut.under.contains("Brand")
        );
        assert!(cut.layer.contains("One") && cut.layer.contains("linearGradient"));
        assert!(!cut.layer.contains("bg") && !cut.layer.contains("circle"));
        assert!(
            cut.over.contains("circle") && cut.over.contains("Brand") && !cut.over.contains("One")
        );
        assert!(cut.both.contains("bg") && cut.both.contains("Brand") && !cut.both.contains("One"));
        for part in [&cut.under, &cut.layer, &cut.over, &cut.both] {
            assert_eq!(part.lines().count(), a.lines().count());
        }
        assert_eq!(around(&a, &a), None);
        // A different number of children: the common ends still hold.
        let longer = a.replace("<circle/>", "<circle/><ellipse/>");
        let cut = around(&longer, &b).unwrap();
        assert!(cut.layer.contains("ellipse") && cut.layer.contains("One"));
        assert!(!cut.layer.contains("Brand") && cut.over.contains("Brand"));
    }

    #[test]
    fn a_layer_must_sit_directly_in_the_root() {
        let svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<g><g data-layer=\"partner\"/></g></svg>";
        let err = split(svg).unwrap_err();
        assert_eq!(err.at.map(|a| a.0), Some(2));
    }
}
