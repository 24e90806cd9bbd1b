//! The checks every element of a rendered template passes before it is drawn:
//! references stay inside the SVG (`#id`) or name a photo of `content/banners/` on an
//! `<image>`, CSS fetches nothing, and every font family is one refkit ships.

use resvg::usvg::roxmltree::{Document, Node};

use super::at;
use crate::banners::engine::{Fonts, SvgError};

/// Refuses a `font-family` (attribute or style) naming a family nobody ships.
pub(super) fn check_fonts(
    doc: &Document<'_>,
    node: Node<'_, '_>,
    fonts: &Fonts,
) -> Result<(), SvgError> {
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

/// Refuses references out of the SVG: only `#id`, photos on `<image>`, and embedded
/// PNG or JPEG are allowed.
pub(super) fn check_references(doc: &Document<'_>, node: Node<'_, '_>) -> Result<(), SvgError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
