//! The kit's e-mail as HTML (`pitch/email.html`, and the HTML part of
//! `pitch/email.eml`), made once per piece of e-mail copy and stamped per partner.
//!
//! Mail clients do not render a page the way a browser does: Gmail and several
//! webmail clients drop a `<style>` block, and Outlook on Windows draws HTML with
//! Word. So the e-mail's CSS is inlined into `style` attributes (css-inline), and the
//! call to action is the theme's table-based button. The copy's own link paragraph (a
//! paragraph that is one link to `{link}`) becomes that button in place; copy without
//! one gets the button after its text. The document is rendered and inlined once, with
//! the `{partner}` and `{link}` placeholders still in it; per partner only they are
//! replaced, as in every other kit text.

use crate::base::diagnostics::{display_path, Diagnostic, Result};
use crate::base::vocab::{messages, LINK_PLACEHOLDER, LINK_PLACEHOLDER_ENCODED};
use crate::model::documents::Pitch;
use crate::render::contract::{context_of, Cta, DocumentContext};
use crate::render::locales::Locales;
use crate::render::templates::Templates;

/// The template every standalone kit document is rendered with.
const TEMPLATE: &str = "kit-document.html";

/// `kind` of an e-mail in [`DocumentContext`].
pub(super) const KIND: &str = "email";

/// The e-mail document of `pitch` (e-mail copy) with its CSS inlined, placeholders
/// kept; `subject` is its one-line subject, placeholders kept.
pub(super) fn document(
    templates: &Templates,
    locales: &Locales,
    pitch: &Pitch,
    subject: &str,
) -> Result<String> {
    let split = split_at_call(&pitch.html);
    let (before, text, after) = match split {
        Some(split) => (split.before, split.text, split.after),
        None => {
            let text = locales
                .format(&pitch.lang, messages::KIT_STORY_CTA, &[])
                .map_err(Diagnostic::project)?;
            (pitch.html.as_str(), text, "")
        }
    };
    let context = context_of(&DocumentContext {
        kind: KIND.to_owned(),
        lang: pitch.lang.clone(),
        title: subject.to_owned(),
        content: keep_line_breaks(before),
        cta: Some(Cta {
            text,
            url: LINK_PLACEHOLDER.to_owned(),
        }),
        after: keep_line_breaks(after),
    });
    let page = display_path(&pitch.file);
    let html = templates.render(TEMPLATE, &context, &page)?;
    inline(&html).map_err(|why| {
        let template = templates
            .source_path(TEMPLATE)
            .map_or_else(|| TEMPLATE.to_owned(), display_path);
        Diagnostic::error(
            template,
            format!("the e-mail made from {page} could not have its CSS inlined: {why}"),
        )
        .help("simplify the <style> block of kit-document.html: mail clients keep only the styles written on each element")
        .into()
    })
}

/// `html` with the rules of its `<style>` blocks written onto the elements they match
/// and the blocks removed. Nothing is fetched: `<link>` stylesheets are dropped unread.
/// `@media` and other at-rules are dropped too, as most mail clients would; the theme's
/// e-mail layout is fluid without them.
pub(super) fn inline(html: &str) -> std::result::Result<String, css_inline::InlineError> {
    css_inline::CSSInliner::options()
        .load_remote_stylesheets(false)
        .keep_style_tags(false)
        .keep_link_tags(false)
        .keep_at_rules(false)
        .resolve_css_variables(true)
        .apply_width_attributes(true)
        .build()
        .inline(html)
}

/// E-mail copy cut around its call to action.
#[derive(Debug, PartialEq, Eq)]
struct Split<'a> {
    /// The HTML before the link paragraph.
    before: &'a str,
    /// The link's text, as plain text.
    text: String,
    /// The HTML after the link paragraph.
    after: &'a str,
}

/// Finds the first paragraph that is nothing but a link to `{link}` (as Markdown
/// writes `[Start your free trial]({link})` on a line of its own).
fn split_at_call(html: &str) -> Option<Split<'_>> {
    let open = format!("<p><a href=\"{LINK_PLACEHOLDER_ENCODED}\">");
    let mut from = 0;
    while let Some(found) = html[from..].find(&open) {
        let start = from + found;
        let inner_start = start + open.len();
        let rest = &html[inner_start..];
        if let Some(close) = rest.find("</a></p>") {
            let inner = &rest[..close];
            // One link only: another link or paragraph inside means this is prose.
            if !inner.contains("<a") && !inner.contains("</p>") {
                let text = plain_text(inner);
                if !text.trim().is_empty() {
                    let end = inner_start + close + "</a></p>".len();
                    let after = html[end..].strip_prefix('\n').unwrap_or(&html[end..]);
                    return Some(Split {
                        before: &html[..start],
                        text: text.trim().to_owned(),
                        after,
                    });
                }
            }
        }
        from = inner_start;
    }
    None
}

/// `html` with every line break inside a paragraph made a `<br>`. A letter's lines
/// are meant as written (a sign-off above the name), and the plain-text part, made
/// from the same copy, keeps them, so the HTML part does too.
fn keep_line_breaks(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut in_paragraph = false;
    let mut in_tag = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            in_tag = true;
            if rest.starts_with("<p>") || rest.starts_with("<p ") {
                in_paragraph = true;
            } else if rest.starts_with("</p>") {
                in_paragraph = false;
            }
        } else if c == '>' {
            in_tag = false;
        } else if c == '\n' && in_paragraph && !in_tag {
            out.push_str("<br>");
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The text of an HTML fragment: tags dropped, character references decoded.
fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_references(&text)
}

/// Decodes the character references Markdown and typography write: the named ones
/// for markup characters and no-break space, and numeric ones. Anything else is kept.
fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markdown(text: &str) -> String {
        crate::text::markdown::render(text, "en").html
    }

    #[test]
    fn the_link_paragraph_is_cut_out_as_the_call_to_action() {
        let html = markdown(
            "Hi,\n\nRead [the terms](https://x.test) first.\n\n[Start your **free** trial & more]({link})\n\nSetup takes 10 minutes.\n",
        );
        let split = split_at_call(&html).expect("the link paragraph is found");
        assert_eq!(split.text, "Start your free trial & more");
        assert!(split.before.ends_with("first.</p>\n"), "{}", split.before);
        assert_eq!(split.after, "<p>Setup takes 10 minutes.</p>\n");
    }

    #[test]
    fn a_link_inside_a_sentence_is_not_a_call_to_action() {
        let html = markdown("Sign up [here]({link}) today.\n\n[Other](https://x.test)\n");
        assert_eq!(split_at_call(&html), None);
    }

    #[test]
    fn line_breaks_inside_paragraphs_become_br_and_nothing_else_changes() {
        let html = markdown("Best,\n{partner}\n\n```\ncode\nblock\n```\n\n- one\n- two\n");
        let kept = keep_line_breaks(&html);
        assert!(kept.starts_with("<p>Best,<br>\n{partner}</p>\n"), "{kept}");
        assert_eq!(kept.matches("<br>").count(), 1, "{kept}");
        assert_eq!(kept.replace("<br>", ""), html);
    }

    #[test]
    fn references_are_decoded_and_unknown_ones_kept() {
        assert_eq!(
            decode_references("a&amp;b&nbsp;c&#8212;d&#x2F;e &copy; &"),
            "a&b\u{a0}c—d/e &copy; &"
        );
    }

    #[test]
    fn inlining_removes_style_blocks_keeps_placeholders_and_never_fetches() {
        let html = "<!doctype html><html><head>\
            <link rel=\"stylesheet\" href=\"https://example.invalid/x.css\">\
            <style>p { color: #123456 } a { color: red } @media (max-width: 1px) { p { color: blue } }</style>\
            <style>}}} garbage {{{ :::</style></head><body>\
            <p>Hi {partner}</p><!--[if mso]><b>word</b><![endif]-->\
            <a href=\"{link}\" style=\"color: #000\">Go</a></body></html>";
        let inlined = inline(html).unwrap();
        assert!(!inlined.contains("<style"), "{inlined}");
        assert!(!inlined.contains("<link"), "{inlined}");
        assert!(
            inlined.contains("<p style=\"color: #123456;\">Hi {partner}</p>"),
            "{inlined}"
        );
        // The element's own style wins over the block's.
        assert!(
            inlined.contains("<a href=\"{link}\" style=\"color: #000\">"),
            "{inlined}"
        );
        assert!(inlined.contains("<!--[if mso]><b>word</b><![endif]-->"));
        assert_eq!(inlined, inline(html).unwrap());
    }
}
