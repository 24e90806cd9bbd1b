//! Files a static host expects beside the pages: `sitemap.xml`, `robots.txt`,
//! `_headers` and `404.html`.
//!
//! They are made from the same plan and URLs as the pages, so they can never
//! disagree with the site. The sitemap lists brand pages only, each with its
//! `hreflang` alternates; partner microsites (which carry `noindex`) and kit pages
//! (private by address) are left out, and `robots.txt` names neither: a `Disallow`
//! line would publish the very paths that are meant to stay unlisted. The 404 page is
//! one file in every language, because a static host serves one 404 file for the whole
//! site at any depth; its links are therefore rooted at the base URL, never relative.
//! A file of the same name in the project's or the theme's `static/` replaces the
//! generated one.
//!
//! Partner microsites, kits and short links must stay out of search results and
//! still be previewed when a partner pastes a link into a chat. The generic
//! `<meta name="robots" content="noindex">` does the first but not the second:
//! Telegram's preview bot is reported to honour it (and to remember it), and other
//! preview bots may too. So those pages name each search engine's own crawler
//! instead ([`SEARCH_ENGINES`]: Google, Bing, Yandex), in a meta tag per engine and,
//! for hosts that read a `_headers` file (Netlify, Cloudflare Pages), in an
//! `X-Robots-Tag` header per engine on their paths, which also covers the kits'
//! images and zips. `robots.txt` blocks nothing: a crawler that may not fetch a page
//! never sees its `noindex`, and X's bot, which obeys `robots.txt`, could not build
//! a card.

use std::fmt::Write as _;

use rayon::prelude::*;

use super::{Contexts, Job};
use crate::base::diagnostics::Result;
use crate::model::project::Project;
use crate::output::Staging;
use crate::render::templates::Templates;

/// The sitemap's file name in the output.
pub(crate) const SITEMAP: &str = "sitemap.xml";
/// The robots file's name in the output.
pub(crate) const ROBOTS: &str = "robots.txt";
/// The not-found page's file name in the output, and its template's name.
pub(crate) const NOT_FOUND: &str = "404.html";
/// The headers file's name in the output.
pub(crate) const HEADERS: &str = "_headers";
pub(crate) use crate::base::vocab::SEARCH_ENGINES;
/// The folders, under the base path, whose pages search engines are asked not to
/// list: partner microsites, kits and short links.
pub(crate) const UNLISTED: [&str; 3] = ["p", "kits", crate::base::vocab::short_links::DIR];

/// Writes the sitemap and robots.txt, skipping any that a static file provides (so
/// it runs after [`super::copy_files`]). The not-found page is a planned page
/// ([`Job::NotFound`]), rendered with the others.
pub(crate) fn write(
    project: &Project,
    jobs: &[Job<'_>],
    contexts: &Contexts<'_>,
    staging: &Staging,
) -> Result<()> {
    if !project.builds_brand() {
        return Ok(());
    }
    if !staging.has_public(SITEMAP) {
        staging.write_public(
            SITEMAP,
            sitemap(project, jobs, contexts).as_bytes(),
            "the sitemap",
        )?;
    }
    if !staging.has_public(ROBOTS) {
        staging.write_public(ROBOTS, robots(contexts).as_bytes(), "robots.txt")?;
    }
    if project.has_partners() && !staging.has_public(HEADERS) {
        staging.write_public(HEADERS, headers(contexts).as_bytes(), "the headers file")?;
    }
    Ok(())
}

/// `_headers` (Netlify, Cloudflare Pages): on every unlisted folder, an
/// `X-Robots-Tag` for each search engine by name.
pub(crate) fn headers(contexts: &Contexts<'_>) -> String {
    let urls = contexts.urls();
    let mut text = String::from(
        "# Partner pages, kits and short links: out of search results, still previewed.\n",
    );
    for folder in UNLISTED {
        let _ = writeln!(text, "{}{folder}/*", urls.file(""));
        for engine in SEARCH_ENGINES {
            let _ = writeln!(text, "  X-Robots-Tag: {engine}: noindex");
        }
    }
    text
}

/// Whether to plan the not-found page: the theme has its template and no static
/// file (`static_files`, output path first) replaces it.
pub(crate) fn plans_not_found(
    templates: &Templates,
    static_files: &[(String, std::path::PathBuf, String)],
) -> bool {
    templates.has(NOT_FOUND) && !static_files.iter().any(|(rel, _, _)| rel == NOT_FOUND)
}

/// Brand pages only, sorted by address, each with an alternate per language and the
/// default language's version as `x-default`.
pub(crate) fn sitemap(project: &Project, jobs: &[Job<'_>], contexts: &Contexts<'_>) -> String {
    let urls = contexts.urls();
    let languages = &project.settings.languages;
    let default = project.settings.default_language();
    let mut entries: Vec<(String, String)> = jobs
        .par_iter()
        .filter(|job| {
            matches!(
                job,
                Job::Home { .. } | Job::Page { .. } | Job::Story { partner: None, .. }
            )
        })
        .map(|job| {
            let mut links = String::new();
            let alternates = languages
                .iter()
                .map(|l| (l.as_str(), contexts.url_in(job, l)))
                .chain(std::iter::once((
                    "x-default",
                    contexts.url_in(job, default),
                )));
            for (hreflang, url) in alternates {
                let _ = writeln!(
                    links,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{hreflang}\" href=\"{}\"/>",
                    xml_escape(&urls.permalink(&url))
                );
            }
            (urls.permalink(&contexts.url_of(job)), links)
        })
        .collect();
    entries.sort();
    entries.dedup();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (loc, links) in entries {
        let _ = write!(
            xml,
            "  <url>\n    <loc>{}</loc>\n{links}  </url>\n",
            xml_escape(&loc)
        );
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Every crawler may read everything; the sitemap is named by its absolute address.
/// Partner and kit paths are deliberately not mentioned (see the module comment).
pub(crate) fn robots(contexts: &Contexts<'_>) -> String {
    let urls = contexts.urls();
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        urls.permalink(&urls.file(SITEMAP))
    )
}

/// XML text and attribute escaping: the five special characters, as for HTML.
fn xml_escape(text: &str) -> String {
    crate::text::markdown::escape_html(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_covers_the_five_entities() {
        assert_eq!(xml_escape("a&b<c>\"'"), "a&amp;b&lt;c&gt;&quot;&#39;");
    }
}
