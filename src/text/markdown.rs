//! Markdown to HTML, once per source file.
//!
//! Stories and pages are rendered here exactly once per language, never per partner:
//! partner pages reuse the same HTML. Rendering is CommonMark plus tables, footnotes,
//! strikethrough and heading ids. Two safety rules apply to text marketers paste from
//! anywhere: raw HTML is shown as text rather than passed through, and links or images
//! with `javascript:`, `vbscript:` or `data:` targets (entity-encoded forms included,
//! since the parser decodes entities first) are neutralised. Prose is typeset for the
//! document's language ([`crate::text::typography`]) before raw HTML becomes text, so what
//! an author typed as HTML is shown exactly as typed.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// A rendered Markdown document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The HTML fragment.
    pub html: String,
    /// Ids of the headings, in document order (targets for `#anchor` links).
    pub anchors: Vec<String>,
}

/// Rendered HTML, held once: every page that shows it (the brand page and each
/// partner's copy) shares these bytes instead of copying them. Reads as `&str`.
#[derive(Debug, Clone)]
pub struct Html(tera::Value);

impl Html {
    /// Takes a copy of `html`, exactly its size.
    pub fn new(html: &str) -> Html {
        Html(tera::Value::from(html))
    }

    /// The HTML as a template value, without copying it.
    pub fn value(&self) -> tera::Value {
        self.0.clone()
    }
}

impl std::ops::Deref for Html {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.as_str().unwrap_or_default()
    }
}

/// The Markdown extensions refkit reads, for HTML and plain text alike.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `markdown`, written in `lang`, to an HTML fragment.
pub(crate) fn render(markdown: &str, lang: &str) -> Rendered {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let anchors = render_into(markdown, lang, &mut html, None);
    Rendered { html, anchors }
}

/// The plain text of `markdown`, written in `lang` (see [`crate::text::plain`]).
///
/// Heading attributes stay off here: a heading ending in `{partner}` keeps its
/// placeholder.
pub(crate) fn plain(markdown: &str, lang: &str) -> String {
    let options = options() - Options::ENABLE_HEADING_ATTRIBUTES;
    let events = Parser::new_ext(markdown, options).collect();
    crate::text::plain::from_events(&crate::text::typography::typeset_events(events, lang))
}

/// Renders `markdown` as [`render`] does, into shared [`Html`], and returns it with
/// the heading ids and, when `plain` is asked for, the text as [`crate::text::plain`]
/// makes it, from the same parse. The HTML is built in a buffer each thread reuses, so
/// what stays in memory is exactly its size.
pub(crate) fn render_shared(
    markdown: &str,
    lang: &str,
    plain: bool,
) -> (Html, Vec<String>, Option<String>) {
    thread_local! {
        static BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    // `render_into` must not run rayon work: a worker stealing another render here
    // would borrow the buffer twice.
    BUFFER.with_borrow_mut(|html| {
        html.clear();
        let mut text = plain.then(String::new);
        let anchors = render_into(markdown, lang, html, text.as_mut());
        (Html::new(html), anchors, text)
    })
}

/// Renders `markdown` onto `html`, and its plain text onto `plain` when given;
/// returns the heading ids.
fn render_into(
    markdown: &str,
    lang: &str,
    html: &mut String,
    plain: Option<&mut String>,
) -> Vec<String> {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    let events = crate::text::typography::typeset_events(events, lang);
    if let Some(text) = plain {
        // A heading ending in `{…}` (a placeholder) lost it to heading attributes in
        // this parse; the plain text reads the Markdown without them.
        let attributes = markdown
            .lines()
            .any(|l| l.trim_start().starts_with('#') && l.trim_end().ends_with('}'));
        *text = if attributes {
            self::plain(markdown, lang)
        } else {
            crate::text::plain::from_events(&events)
        };
    }
    let mut events: Vec<Event<'_>> = events.into_iter().map(neutralise).collect();
    let anchors = assign_heading_ids(&mut events);
    pulldown_cmark::html::push_html(html, events.into_iter());
    anchors
}

/// Raw HTML becomes text; dangerous link targets become `#`.
fn neutralise(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        other => other,
    }
}

/// True when a link target would run script or embed data when followed.
pub(crate) fn is_dangerous_url(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| squeezed.starts_with(scheme))
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    if is_dangerous_url(&url) {
        CowStr::Borrowed("#")
    } else {
        url
    }
}

/// Gives every heading without an explicit `{#id}` an id made from its text, unique
/// within the document, and returns all heading ids.
fn assign_heading_ids(events: &mut [Event<'_>]) -> Vec<String> {
    let mut anchors: Vec<String> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id, .. }) = &events[i] {
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| anchor_from_text(&text));
            let mut unique = base.clone();
            let mut n = 1;
            while anchors.contains(&unique) {
                unique = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            anchors.push(unique);
            i = j;
        }
        i += 1;
    }
    anchors
}

/// An anchor from heading text: letters and digits of any script, lowercased, words
/// joined by hyphens ("Как это работает" → "как-это-работает").
pub(crate) fn anchor_from_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.extend(c.to_lowercase());
        } else {
            pending_hyphen = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// Escapes text for HTML text and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_a_placeholder_ending_a_heading_and_numbers_footnotes() {
        let markdown = "## A word from {partner}\n\nJoin us[^1].\n\n[^1]: Terms apply.\n";
        let (_, _, shared) = render_shared(markdown, "en", true);
        for text in [plain(markdown, "en"), shared.unwrap()] {
            assert!(text.contains("A word from {partner}"), "{text}");
            assert!(text.contains("Join us[1]."), "{text}");
        }
        assert!(plain(markdown, "en").contains("[1]: Terms apply."));
        // Without such a heading, the shared parse gives the same text.
        let simple = "## Hello\n\nSome *text* with a [link](https://x.test).\n";
        assert_eq!(
            render_shared(simple, "en", true).2.unwrap(),
            plain(simple, "en")
        );
    }

    fn render_en(markdown: &str) -> Rendered {
        render(markdown, "en")
    }

    #[test]
    fn headings_get_unique_ids_in_any_script() {
        let r =
            render_en("## Как это работает\n\ntext\n\n## Как это работает\n\n## Custom {#mine}\n");
        assert_eq!(
            r.anchors,
            ["как-это-работает", "как-это-работает-1", "mine"]
        );
        assert!(
            r.html.contains("<h2 id=\"как-это-работает\">"),
            "{}",
            r.html
        );
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let r = render_en("Hello <script>alert(1)</script>\n\n<div>x</div>\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"), "{}", r.html);
    }

    #[test]
    fn script_links_are_neutralised_including_entity_encoded_ones() {
        for src in [
            "[a](javascript:alert(1))",
            "[a](JaVaScRiPt:alert(1))",
            "[a](&#106;avascript:alert(1))",
            "[a](vbscript:msgbox)",
            "![a](data:text/html;base64,AAAA)",
            "[a](<java\tscript:alert(1)>)",
        ] {
            let r = render_en(src);
            assert!(
                !r.html.to_lowercase().contains("script:"),
                "{src} -> {}",
                r.html
            );
            assert!(!r.html.contains("data:"), "{src} -> {}", r.html);
        }
        assert!(render_en("[a](https://example.com)")
            .html
            .contains("href=\"https://example.com\""));
    }

    #[test]
    fn prose_is_typeset_but_code_links_and_raw_html_are_not() {
        let md = concat!(
            "\"Quotes *around* emphasis\" - and `\"code\" - span`.\n\n",
            "[a \"link\"](https://x.test/a--b \"title - 'kept'\") and <https://x.test/don't>\n\n",
            "![the \"alt\" text](/b.png)\n\n",
            "```\nlet s = \"code - block\";\n```\n\n",
            "<span title=\"a - b\">raw</span>\n",
        );
        let html = render_en(md).html;
        for expected in [
            "<p>“Quotes <em>around</em> emphasis”\u{a0}— and <code>\"code\" - span</code>.</p>",
            "<a href=\"https://x.test/a--b\" title=\"title - &#39;kept&#39;\">a “link”</a>",
            "<a href=\"https://x.test/don&#x27;t\">https://x.test/don't</a>",
            "alt=\"the “alt” text\"",
            "let s = \"code - block\";",
            "&lt;span title=\"a - b\"&gt;raw&lt;/span&gt;",
        ] {
            assert!(html.contains(expected), "{expected}\nnot in\n{html}");
        }
    }

    #[test]
    fn russian_prose_gets_russian_quotes_and_bound_prepositions() {
        let html = render(
            "В \"Северном учёте\" **выплаты** - в срок и в рублях.\n",
            "ru",
        )
        .html;
        assert_eq!(
            html,
            "<p>В\u{a0}«Северном\u{a0}учёте» <strong>выплаты</strong>\u{a0}— в\u{a0}срок и\u{a0}в\u{a0}рублях.</p>\n"
        );
        let again = render(&html_to_markdownless(&html), "ru").html;
        assert_eq!(again, html, "typesetting twice changes nothing");
    }

    /// The paragraph's text with the tags put back as Markdown, to typeset it again.
    fn html_to_markdownless(html: &str) -> String {
        html.replace("<p>", "")
            .replace("</p>", "")
            .replace("<strong>", "**")
            .replace("</strong>", "**")
    }

    #[test]
    fn tables_render() {
        let r = render_en("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(r.html.contains("<table>"), "{}", r.html);
    }
}
