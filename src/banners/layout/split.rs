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
    fn a_layer_must_sit_directly_in_the_root() {
        let svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n<g><g data-layer=\"partner\"/></g></svg>";
        let err = split(svg).unwrap_err();
        assert_eq!(err.at.map(|a| a.0), Some(2));
    }
}
