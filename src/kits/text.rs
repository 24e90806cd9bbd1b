//! Text a partner pastes: Markdown turned into plain text, placeholders stamped, and
//! platform limits checked.
//!
//! Pitch copy and stories are converted to plain text once, with `{partner}` and
//! `{link}` left in place; per partner only those placeholders are replaced. HTML
//! versions get the same placeholders replaced with escaped values. The prose is
//! typeset for its language, as on the microsites; code and link targets are not.

use crate::base::vocab::{
    LINK_PLACEHOLDER, LINK_PLACEHOLDER_ENCODED, PARTNER_PLACEHOLDER, PARTNER_PLACEHOLDER_ENCODED,
};

/// How many characters X counts for any link (its t.co wrapping).
pub(crate) const X_LINK_LENGTH: usize = 23;

/// Converts Markdown in `lang` to plain text for pasting: no markup, links written
/// out, prose typeset (see [`crate::text::plain`]).
pub(crate) fn markdown_to_text(markdown: &str, lang: &str) -> String {
    crate::text::markdown::plain(markdown, lang)
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
        .replace(PARTNER_PLACEHOLDER_ENCODED, &partner)
        .replace(LINK_PLACEHOLDER, &link)
        .replace(LINK_PLACEHOLDER_ENCODED, &link)
}

/// Text folded to one line, as subjects and titles are: line breaks would split an
/// e-mail header. Only ASCII whitespace is folded, so the typesetter's no-break
/// spaces stay.
pub(crate) fn one_line(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

/// A stamped post longer than its channel allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overrun {
    /// Characters as the platform counts them.
    pub length: usize,
    /// The channel's limit.
    pub limit: usize,
    /// How links were counted, for the message: empty, or " (each link counts as 23)".
    pub note: &'static str,
}

/// Measures `body`, holding `link`, against the limit of `channel` in `settings`;
/// `None` when the channel has no limit or the post fits. X counts every link as
/// [`X_LINK_LENGTH`].
pub(crate) fn overrun(
    settings: &crate::model::settings::Settings,
    channel: &str,
    body: &str,
    link: &str,
) -> Option<Overrun> {
    let limit = settings.channel(channel)?.limit?;
    let x = channel == crate::base::vocab::channels::X;
    let length = post_length(body, &[link], x.then_some(X_LINK_LENGTH));
    (length > limit).then_some(Overrun {
        length,
        limit,
        note: if x { " (each link counts as 23)" } else { "" },
    })
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
