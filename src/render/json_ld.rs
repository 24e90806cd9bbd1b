//! schema.org `Article` data for story pages, written as JSON that is safe inside a
//! `<script type="application/ld+json">` element (the `json_ld` template variable).

/// What a story's structured data says about it.
pub(crate) struct ArticleFacts<'a> {
    /// The story's title.
    pub headline: &'a str,
    /// Its summary.
    pub description: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// The page's language.
    pub lang: &'a str,
    /// The brand page's absolute URL.
    pub url: &'a str,
    /// The site's title.
    pub publisher: &'a str,
}

/// schema.org `Article` data as JSON that is safe inside `<script type="application/ld+json">`:
/// every `<`, `>` and `&` (and the JavaScript line separators) is written as a `\u`
/// escape, so no front-matter text can close the script element or open a comment.
pub(crate) fn json_ld(facts: &ArticleFacts<'_>) -> String {
    // Written directly, keys in sorted order: this runs for every story page.
    let mut out = String::with_capacity(320);
    out.push_str(r#"{"@context":"https://schema.org","@type":"Article","datePublished":"#);
    json_string(facts.date, &mut out);
    if let Some(description) = facts.description {
        out.push_str(r#","description":"#);
        json_string(description, &mut out);
    }
    out.push_str(r#","headline":"#);
    json_string(facts.headline, &mut out);
    out.push_str(r#","inLanguage":"#);
    json_string(facts.lang, &mut out);
    out.push_str(r#","mainEntityOfPage":"#);
    json_string(facts.url, &mut out);
    out.push_str(r#","publisher":{"@type":"Organization","name":"#);
    json_string(facts.publisher, &mut out);
    out.push_str(r#"},"url":"#);
    json_string(facts.url, &mut out);
    out.push('}');
    out
}

/// `text` as a JSON string literal, with `<`, `>`, `&` and U+2028/2029 as `\u`
/// escapes besides the ones JSON requires.
fn json_string(text: &str, out: &mut String) {
    use std::fmt::Write as _;
    out.push('"');
    let mut rest = text;
    while let Some(i) = rest.find(|c: char| {
        matches!(c, '"' | '\\' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}') || c < ' '
    }) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().unwrap_or(' ');
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
    out.push('"');
}

#[cfg(test)]
mod json_ld_tests {
    use super::*;

    #[test]
    fn front_matter_cannot_close_the_script_element() {
        let text = json_ld(&ArticleFacts {
            headline: "</script><script>alert(1)</script> & <!--",
            description: Some("line\u{2028}break \"quoted\""),
            date: "2026-05-01",
            lang: "en",
            url: "https://partners.test/en/stories/a/",
            publisher: "Polar & Co",
        });
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert!(!text.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back["headline"],
            "</script><script>alert(1)</script> & <!--"
        );
        assert_eq!(back["description"], "line\u{2028}break \"quoted\"");
        assert_eq!(back["publisher"]["name"], "Polar & Co");
        assert_eq!(back["@type"], "Article");
    }

    /// The same bytes as the generic JSON writer produced before (keys sorted,
    /// then the script-safe escapes applied).
    #[test]
    fn output_matches_the_generic_json_writer() {
        let facts = ArticleFacts {
            headline: "«Цифры» & \"numbers\" <b>\u{2028}\t\u{1}",
            description: Some("a\\b\n/c"),
            date: "2026-05-01",
            lang: "ru",
            url: "https://partners.test/ru/stories/a/?x=1&y=<2>",
            publisher: "Polar & Co",
        };
        let generic = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": facts.headline,
            "datePublished": facts.date,
            "inLanguage": facts.lang,
            "url": facts.url,
            "mainEntityOfPage": facts.url,
            "publisher": { "@type": "Organization", "name": facts.publisher },
            "description": facts.description,
        })
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028");
        assert_eq!(json_ld(&facts), generic);
    }

    #[test]
    fn every_character_survives_a_round_trip() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let facts = ArticleFacts {
            headline: &all,
            description: None,
            date: "2026-05-01",
            lang: "ru",
            url: "https://partners.test/ru/stories/a/",
            publisher: "\\\"\u{0}\u{1f}\u{7f}",
        };
        let back: serde_json::Value = serde_json::from_str(&json_ld(&facts)).unwrap();
        assert_eq!(back["headline"], all.as_str());
        assert_eq!(back["publisher"]["name"], "\\\"\u{0}\u{1f}\u{7f}");
        assert!(back.get("description").is_none());
        assert_eq!(back["mainEntityOfPage"], back["url"]);
    }
}
