//! Text a partner pastes: Markdown turned into plain text, placeholders stamped, and
//! platform limits checked.
//!
//! Pitch copy and stories are converted to plain text once, with `{partner}` and
//! `{link}` left in place; per partner only those placeholders are replaced. HTML
//! versions get the same placeholders replaced with escaped values. The prose is
//! typeset for its language, as on the microsites; code and link targets are not.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::base::vocab::LINK_PLACEHOLDER;
pub(crate) use crate::base::vocab::PARTNER_PLACEHOLDER;

/// How many characters X counts for any link (its t.co wrapping).
pub(crate) const X_LINK_LENGTH: usize = 23;

/// Converts Markdown in `lang` to plain text for pasting: no markup, links written
/// out, prose typeset.
pub(crate) fn markdown_to_text(markdown: &str, lang: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut link_stack: Vec<(String, usize)> = Vec::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote_depth = 0usize;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events =
        crate::text::typography::typeset_events(Parser::new_ext(markdown, options).collect(), lang);
    for event in events {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. }) => start_line(&mut out, quote_depth),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => out.push_str("\n\n"),
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote_depth = quote_depth.saturating_sub(1),
            Event::Start(Tag::List(first)) => lists.push(first),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                start_line(&mut out, quote_depth);
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("• "),
                }
            }
            Event::End(TagEnd::Item) => {
                trim_end_spaces(&mut out);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link_stack.push((dest_url.to_string(), out.len()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((dest, start)) = link_stack.pop() {
                    let text = out[start..].trim();
                    if text != dest && !dest.is_empty() {
                        out.push_str(": ");
                        out.push_str(&dest);
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => {
                out.push('\n');
                push_quote(&mut out, quote_depth);
            }
            Event::Rule => out.push_str("———\n\n"),
            Event::End(TagEnd::TableCell) => out.push_str(" | "),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                trim_end_spaces(&mut out);
                if out.ends_with('|') {
                    out.pop();
                }
                trim_end_spaces(&mut out);
                out.push('\n');
            }
            Event::End(TagEnd::Table) => out.push('\n'),
            Event::Html(t) | Event::InlineHtml(t) => out.push_str(&t),
            _ => {}
        }
    }
    let mut text = out.trim_end().to_owned();
    text.push('\n');
    text
}

fn start_line(out: &mut String, quote_depth: usize) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    push_quote(out, quote_depth);
}

fn push_quote(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("> ");
    }
}

fn trim_end_spaces(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
}

/// Replaces the placeholders in plain text.
pub(crate) fn stamp_text(text: &str, partner: &str, link: &str) -> String {
    text.replace(PARTNER_PLACEHOLDER, partner)
        .replace(LINK_PLACEHOLDER, link)
}

/// Replaces the placeholders in HTML, escaping the values; a `{link}` used as a link
/// target was percent-encoded by the Markdown renderer, so that form is replaced too.
pub(crate) fn stamp_html(html: &str, partner: &str, link: &str) -> String {
    let partner = crate::text::markdown::escape_html(partner);
    let link = crate::text::markdown::escape_html(link);
    html.replace(PARTNER_PLACEHOLDER, &partner)
        .replace("%7Bpartner%7D", &partner)
        .replace(LINK_PLACEHOLDER, &link)
        .replace("%7Blink%7D", &link)
}

/// Length of a post as a platform counts it: characters, with every link counted as
/// `link_length` when given (X counts each link as 23).
pub(crate) fn post_length(text: &str, links: &[&str], link_length: Option<usize>) -> usize {
    let chars = text.trim_end().chars().count();
    match link_length {
        None => chars,
        Some(n) => {
            let mut total = chars;
            for link in links {
                let count = text.matches(link).count();
                total = total - count * link.chars().count() + count * n;
            }
            total
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_pasteable_text() {
        let md = "Hello **{partner}** friends!\n\n- one\n- two\n\n[Try it]({link})\n";
        let text = markdown_to_text(md, "en");
        assert_eq!(
            text,
            "Hello {partner} friends!\n\n• one\n• two\n\nTry it: {link}\n"
        );
        let stamped = stamp_text(&text, "Ann & Co", "https://x.test/?a=1&b=2");
        assert!(stamped.contains("Hello Ann & Co friends!"));
        assert!(stamped.contains("Try it: https://x.test/?a=1&b=2"));
    }

    #[test]
    fn html_placeholders_are_replaced_escaped_even_inside_link_targets() {
        let html = crate::text::markdown::render("[Join]({link}) with {partner}", "en").html;
        let stamped = stamp_html(&html, "<Ann>", "https://x.test/?a=1&b=2");
        assert!(
            stamped.contains("href=\"https://x.test/?a=1&amp;b=2\""),
            "{stamped}"
        );
        assert!(stamped.contains("with &lt;Ann&gt;"), "{stamped}");
    }

    #[test]
    fn x_counts_every_link_as_23_characters() {
        let link = "https://join.test/us?ref=ALPHA26&utm_source=partner&utm_medium=x";
        let text = format!("Go {link}\n");
        assert_eq!(post_length(&text, &[link], Some(X_LINK_LENGTH)), 3 + 23);
        assert_eq!(post_length(&text, &[link], None), 3 + link.len());
        assert_eq!(post_length("Привет", &[], None), 6);
    }

    #[test]
    fn ordered_lists_and_quotes_keep_their_shape() {
        let text = markdown_to_text("1. first\n2. second\n\n> quoted\n", "en");
        assert_eq!(text, "1. first\n2. second\n\n> quoted\n");
    }
}
