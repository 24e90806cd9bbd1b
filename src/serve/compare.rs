//! The side-by-side view: a page and its translations next to each other.
//!
//! `/__refkit/compare?path=/en/stories/x/` reads the built page, finds its
//! `<link rel="alternate" hreflang="…">` tags (every page has one per language) and
//! shows each language in its own labelled frame. The alternates carry absolute URLs
//! built for the preview's own origin, which is stripped to get the local path. The
//! view's own script reloads the frames after each build, so a translator can keep
//! both languages in sight while editing either.

use std::path::Path;

use super::files::{self, Resolved, SafePath};

/// One language of a page in the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pane {
    /// The language code (`hreflang`).
    pub(crate) lang: String,
    /// The local URL path of the page in that language.
    pub(crate) path: String,
}

/// The panes for the page at the raw request path `raw`: the page itself first, then
/// its alternates in document order. `None` when there is no such page.
pub(crate) fn panes(out: &Path, origin: &str, raw: &str) -> Option<Vec<Pane>> {
    let safe = SafePath::parse(raw)?;
    let file = match files::resolve(out, raw) {
        Resolved::File(file) if files::is_html(files::content_type(&file)) => file,
        Resolved::Redirect(_) => {
            // `/en/stories/x` means the folder's page.
            let slashed = format!("{raw}/");
            return panes(out, origin, &slashed);
        }
        _ => return None,
    };
    let html = std::fs::read_to_string(file).ok()?;
    let own_path = safe.to_url_path();
    let own_lang = html_lang(&html).unwrap_or_default();
    let mut panes = vec![Pane {
        lang: own_lang.clone(),
        path: own_path.clone(),
    }];
    for (lang, href) in alternates(&html) {
        if lang.eq_ignore_ascii_case("x-default") {
            continue;
        }
        let Some(path) = local_path(origin, &href) else {
            continue;
        };
        if path == own_path || lang.eq_ignore_ascii_case(&own_lang) {
            if panes[0].lang.is_empty() && path == own_path {
                panes[0].lang = lang;
            }
            continue;
        }
        if panes.iter().all(|p| p.path != path) {
            panes.push(Pane { lang, path });
        }
    }
    Some(panes)
}

/// The view's HTML for `panes` (the live-reload script is added by the caller).
pub(crate) fn render(panes: &[Pane]) -> String {
    let langs: Vec<String> = panes.iter().map(|p| escape(&label(&p.lang))).collect();
    let title = format!(
        "{} · {} · refkit side by side",
        langs.join(" | "),
        escape(panes.first().map_or("/", |p| p.path.as_str()))
    );
    let mut out = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html, body {{ height: 100%; margin: 0; }}
body {{ display: flex; flex-direction: column; font: 14px/1.4 system-ui, sans-serif; background: #14171c; color: #f3f4f6; }}
.panes {{ flex: 1; display: flex; gap: 4px; min-height: 0; }}
.pane {{ flex: 1; display: flex; flex-direction: column; min-width: 0; }}
.pane header {{ display: flex; gap: 10px; align-items: baseline; padding: 6px 10px; }}
.pane header strong {{ font-size: 15px; letter-spacing: .04em; }}
.pane header a {{ color: #8ab4ff; text-decoration: none; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }}
.pane iframe {{ flex: 1; width: 100%; border: 0; background: #fff; }}
.note {{ padding: 8px 10px; color: #f5c451; }}
</style>
</head>
<body>
"#
    );
    if panes.len() < 2 {
        out.push_str(
            "<p class=\"note\">This page has no translation (no hreflang alternate); showing it alone.</p>\n",
        );
    }
    out.push_str("<div class=\"panes\">\n");
    for pane in panes {
        let lang = escape(&pane.lang);
        let path = escape(&pane.path);
        out.push_str(&format!(
            "<section class=\"pane\" lang=\"{lang}\">\n<header><strong>{label}</strong><a href=\"{path}\" target=\"_top\">{path}</a></header>\n<iframe data-refkit-pane src=\"{path}\" title=\"{label}\"></iframe>\n</section>\n",
            label = escape(&label(&pane.lang)),
        ));
    }
    out.push_str("</div>\n</body>\n</html>\n");
    out
}

fn label(lang: &str) -> String {
    if lang.is_empty() {
        "?".into()
    } else {
        lang.to_uppercase()
    }
}

/// `href` as a local path when it points at the preview itself.
fn local_path(origin: &str, href: &str) -> Option<String> {
    let rest = href.strip_prefix(origin)?;
    let path = if rest.is_empty() { "/" } else { rest };
    // Only paths that would be served are worth a frame.
    SafePath::parse(path.split(['?', '#']).next().unwrap_or(path))?;
    path.starts_with('/').then(|| path.to_owned())
}

/// The `lang` attribute of the `<html>` tag.
fn html_lang(html: &str) -> Option<String> {
    tags(html, "html")
        .next()
        .and_then(|attrs| attribute(attrs, "lang"))
}

/// `(hreflang, href)` of every `<link rel="alternate" hreflang=… href=…>`.
fn alternates(html: &str) -> Vec<(String, String)> {
    tags(html, "link")
        .filter(|attrs| {
            attribute(attrs, "rel").is_some_and(|rel| {
                rel.split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("alternate"))
            })
        })
        .filter_map(|attrs| Some((attribute(attrs, "hreflang")?, attribute(attrs, "href")?)))
        .collect()
}

/// The attribute text of every `<name …>` tag in `html`.
fn tags<'a>(html: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let mut rest = html;
    std::iter::from_fn(move || loop {
        let start = rest.find('<')?;
        rest = &rest[start + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        rest = &rest[end..];
        let Some(head) = tag.get(..name.len()) else {
            continue;
        };
        let after = tag[name.len()..].chars().next();
        if head.eq_ignore_ascii_case(name) && after.is_some_and(|c| c.is_ascii_whitespace()) {
            return Some(&tag[name.len()..]);
        }
    })
}

/// The value of attribute `name` in a tag's attribute text, entities decoded.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let key_end = rest
            .find(|c: char| c == '=' || c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    let end = inner.find(q).unwrap_or(inner.len());
                    (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = remaining;
            value
        } else {
            ""
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(unescape(value));
        }
    }
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Escapes text for HTML content and double-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    crate::text::markdown::escape_html(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const ORIGIN: &str = "http://127.0.0.1:4000";

    fn page(lang: &str, own: &str, other_lang: &str, other: &str) -> String {
        format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<link rel=\"canonical\" href=\"{ORIGIN}{own}\">\n<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{ORIGIN}{own}\">\n<link rel=\"alternate\" hreflang=\"{other_lang}\" href=\"{ORIGIN}{other}\">\n<link rel=\"alternate\" hreflang=\"x-default\" href=\"{ORIGIN}{own}\">\n</head><body></body></html>"
        )
    }

    fn output() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        for (lang, own, other_lang, other) in [
            ("en", "/en/stories/x/", "ru", "/ru/stories/x/"),
            ("ru", "/ru/stories/x/", "en", "/en/stories/x/"),
        ] {
            let file = out.join(own.trim_matches('/')).join("index.html");
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, page(lang, own, other_lang, other)).unwrap();
        }
        (dir, out)
    }

    #[test]
    fn a_page_is_paired_with_its_hreflang_alternate() {
        let (_dir, out) = output();
        let panes = panes(&out, ORIGIN, "/ru/stories/x/").unwrap();
        assert_eq!(
            panes,
            vec![
                Pane {
                    lang: "ru".into(),
                    path: "/ru/stories/x/".into()
                },
                Pane {
                    lang: "en".into(),
                    path: "/en/stories/x/".into()
                },
            ]
        );
        assert_eq!(panes, self::panes(&out, ORIGIN, "/ru/stories/x").unwrap());
    }

    #[test]
    fn missing_or_unsafe_pages_have_no_view() {
        let (_dir, out) = output();
        assert_eq!(panes(&out, ORIGIN, "/en/stories/none/"), None);
        assert_eq!(panes(&out, ORIGIN, "/../public/en/stories/x/"), None);
    }

    #[test]
    fn the_view_labels_each_frame_and_escapes_paths() {
        let html = render(&[
            Pane {
                lang: "en".into(),
                path: "/en/\"><script>".into(),
            },
            Pane {
                lang: "ru".into(),
                path: "/ru/".into(),
            },
        ]);
        assert!(html.contains("<strong>EN</strong>"), "{html}");
        assert!(html.contains("<strong>RU</strong>"), "{html}");
        assert!(html.contains("src=\"/ru/\""), "{html}");
        assert!(!html.contains("\"><script>"), "{html}");
    }

    #[test]
    fn attributes_are_read_in_any_quote_style() {
        let attrs = " rel=alternate hreflang='ru' href=\"http://x/a?b=1&amp;c=2\"";
        assert_eq!(attribute(attrs, "rel").as_deref(), Some("alternate"));
        assert_eq!(attribute(attrs, "hreflang").as_deref(), Some("ru"));
        assert_eq!(
            attribute(attrs, "href").as_deref(),
            Some("http://x/a?b=1&c=2")
        );
        assert_eq!(attribute(attrs, "title"), None);
    }

    #[test]
    fn links_elsewhere_are_not_framed() {
        assert_eq!(local_path(ORIGIN, "https://example.com/en/"), None);
        assert_eq!(local_path(ORIGIN, &format!("{ORIGIN}/../x")), None);
        assert_eq!(local_path(ORIGIN, ORIGIN).as_deref(), Some("/"));
    }
}
