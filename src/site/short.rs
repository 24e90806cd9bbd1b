//! Short links in the output: a static page per short link that sends the reader on
//! to the full tracked link, and `_redirects` rules for hosts that read them.
//!
//! The page is what makes a short link work on any static host: a meta refresh, a
//! script for browsers that ignore it, a plain link for readers with neither, and a
//! canonical link to the full address. It also carries the partner's share card in
//! its own Open Graph and X tags, because X and other preview bots build a card from
//! the page they fetched and do not follow a meta refresh. Search engines are asked,
//! each by its own name, to keep it out of their results (see [`super::deploy`]).
//!
//! Netlify and Cloudflare Pages also read `_redirects` and answer a short link with
//! a redirect before any page is served. Cloudflare Pages accepts at most
//! [`CLOUDFLARE_RULES`] static rules of at most [`CLOUDFLARE_RULE_LENGTH`]
//! characters each; a site beyond either limit gets no `_redirects` (a file the host
//! would refuse in part helps nobody), the pages do the work alone, and the build
//! says so.

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::base::diagnostics::{Diagnostic, Report, Result};
use crate::base::vocab::messages;
use crate::model::partners::Partner;
use crate::output::Staging;
use crate::render::loaded::Loaded;
use crate::render::locales::Arg;
use crate::text::markdown::escape_html;

/// The redirect rules' file name in the output.
pub(crate) const REDIRECTS: &str = "_redirects";
/// A shard's part of `_redirects`, in its manifest folder: `<partner>\t<kind>\t<rule>`
/// per line, the kind [`OWN`] or [`COPY`].
pub(crate) const SHARD_REDIRECTS: &str = "shard-redirects.txt";
/// The first line of `_redirects`.
pub(crate) const REDIRECTS_HEADER: &str =
    "# Short links: each answered with a redirect to its full tracked link.\n";
/// Cloudflare Pages' limit on static redirect rules.
pub(crate) const CLOUDFLARE_RULES: usize = 2_000;
/// Cloudflare Pages' limit on the characters of one rule.
pub(crate) const CLOUDFLARE_RULE_LENGTH: usize = 1_000;

/// One partner's short links, each where it is and where it leads: those it says
/// and prints anywhere, then those its kits' copy prints.
#[derive(Default)]
struct Rules {
    own: Vec<(String, String)>,
    printed: Vec<(String, String)>,
}

/// Writes every partner's short-link pages and, within Cloudflare's limits and
/// unless a static file provides one, `_redirects`. Returns a warning when the
/// rules were left out.
pub(crate) fn write(loaded: &Loaded, cards: bool, staging: &Staging) -> Result<Option<String>> {
    let project = &loaded.project;
    if project.partners.is_empty() {
        return Ok(None);
    }
    let written: Vec<Result<Rules>> = project
        .partners
        .par_iter()
        .map(|p| partner_pages(loaded, p, cards, staging))
        .collect();
    let mut report = Report::default();
    let rules: Vec<Rules> = report.gather(written)?;
    report.into_result()?;
    let line = |(from, to): &(String, String)| format!("{from} {to} 302");
    if project.shard.is_some() {
        // A shard's rules are a part of the file `refkit merge` writes: each line
        // keeps its partner, by which the merge orders them, and its kind.
        let mut text = String::new();
        for (partner, rules) in project.partners.iter().zip(&rules) {
            for (kind, list) in [(OWN, &rules.own), (COPY, &rules.printed)] {
                for rule in list {
                    let _ = writeln!(text, "{}\t{kind}\t{}", partner.id, line(rule));
                }
            }
        }
        staging.write_manifest(SHARD_REDIRECTS, text.as_bytes())?;
        return Ok(None);
    }
    if staging.has_public(REDIRECTS) {
        return Ok(Some(format!(
            "warning: static/{REDIRECTS} replaces the short-link rules refkit writes; the pages under /r/ still redirect"
        )));
    }
    let own: Vec<String> = rules.iter().flat_map(|r| r.own.iter().map(line)).collect();
    let printed: Vec<String> = rules
        .iter()
        .flat_map(|r| r.printed.iter().map(line))
        .collect();
    let (text, warning) = redirects_file(own, printed);
    if let Some(text) = text {
        staging.write_public(REDIRECTS, text.as_bytes(), "the short links")?;
    }
    Ok(warning)
}

/// A shard's rule kinds in [`SHARD_REDIRECTS`]: a partner's own links, and its copy's.
pub(crate) const OWN: &str = "own";
pub(crate) const COPY: &str = "copy";

/// `_redirects` from every partner's own rules and then its copy's (each in partner
/// order), within Cloudflare's limits: past them, the copy's rules leave first (the
/// links partners type by hand keep theirs), and past them with the partners' own
/// alone there is no file. Returns the file, if any, and the build's warning.
pub(crate) fn redirects_file(
    own: Vec<String>,
    printed: Vec<String>,
) -> (Option<String>, Option<String>) {
    let mut lines = own.clone();
    lines.extend(printed);
    let mut warning = None;
    if let Some(why) = beyond_cloudflare(&lines) {
        if own.len() == lines.len() || beyond_cloudflare(&own).is_some() {
            return (None, Some(format!(
                "warning: {why}, so refkit wrote no {REDIRECTS}; every short link is still a page that redirects"
            )));
        }
        warning = Some(format!(
            "warning: {why}, so {REDIRECTS} lists only the partners' own, QR and channel links; the short links in kit copy are pages that redirect"
        ));
        lines = own;
    }
    let mut text = String::from(REDIRECTS_HEADER);
    for line in lines {
        text.push_str(&line);
        text.push('\n');
    }
    (Some(text), warning)
}

/// Why `lines` would not all be read by Cloudflare Pages, if they would not.
pub(crate) fn beyond_cloudflare(lines: &[String]) -> Option<String> {
    if lines.len() > CLOUDFLARE_RULES {
        return Some(format!(
            "{} short links are more than the {CLOUDFLARE_RULES} redirect rules Cloudflare Pages reads",
            lines.len()
        ));
    }
    let longest = lines.iter().max_by_key(|l| l.chars().count())?;
    let length = longest.chars().count();
    (length > CLOUDFLARE_RULE_LENGTH).then(|| {
        let from = longest.split(' ').next().unwrap_or_default();
        format!(
            "the rule for {from} is {length} characters, more than the {CLOUDFLARE_RULE_LENGTH} Cloudflare Pages reads"
        )
    })
}

/// Writes `partner`'s short-link pages; returns each link's root-relative address
/// and the full link it leads to.
fn partner_pages(
    loaded: &Loaded,
    partner: &Partner,
    cards: bool,
    staging: &Staging,
) -> Result<Rules> {
    let Loaded {
        project,
        locales,
        attribution,
        urls,
        ..
    } = loaded;
    let settings = &project.settings;
    let lang = settings
        .market(&partner.market)
        .map_or(settings.default_language(), |m| m.language.as_str());
    let message = |key: &str| {
        locales
            .format(
                lang,
                key,
                &[
                    ("partner", Arg::Text(partner.name.clone())),
                    ("brand", Arg::Text(settings.title.clone())),
                ],
            )
            .map_err(Diagnostic::project)
    };
    // The preview is read by the partner's clients: it states their offer, never the
    // playbook's message to partners.
    let offer = project
        .playbook(partner)
        .terms
        .offer
        .as_ref()
        .and_then(|o| {
            let f = locales.formatter(lang).ok()?;
            o.summary_in(lang, |n| f.number(n as f64, None, None))
                .map(|s| crate::text::typography::typeset(&s, lang))
        });
    let page = Page {
        lang,
        title: message(messages::SHORT_LINK_TITLE)?,
        proceed: message(messages::SHORT_LINK_CONTINUE)?,
        description: offer.as_deref(),
        site: &settings.title,
        locale: settings.og_locale(lang, Some(&partner.market)),
        card: cards
            .then(|| urls.permalink(&urls.file(&crate::render::urls::partner_card(partner, lang)))),
    };
    let source = format!("the short links of partner `{}`", partner.id);
    let mut rules = Rules::default();
    let shorts = attribution.shorts();
    for (short, printed) in shorts
        .of(partner)
        .into_iter()
        .map(|s| (s, false))
        .chain(shorts.printed_of(partner).into_iter().map(|s| (s, true)))
    {
        let target = attribution
            .link(&partner.id, lang, &short.channel, &short.asset)
            .map_err(Diagnostic::project)?;
        let html = page.html(&urls.permalink(&short.url), &target);
        staging.write_public(&urls.output_file(&short.url), html.as_bytes(), &source)?;
        let list = if printed {
            &mut rules.printed
        } else {
            &mut rules.own
        };
        list.push((short.url, target));
    }
    Ok(rules)
}

/// What every short-link page of one partner shows.
struct Page<'a> {
    lang: &'a str,
    title: String,
    /// The link text for readers whose browser neither refreshes nor runs scripts.
    proceed: String,
    description: Option<&'a str>,
    site: &'a str,
    locale: Option<String>,
    /// Absolute URL of the partner's share card, when the theme draws them.
    card: Option<String>,
}

impl Page<'_> {
    /// The page at `permalink` that leads to `target`.
    fn html(&self, permalink: &str, target: &str) -> String {
        let e = escape_html;
        let to = e(target);
        let mut head = String::new();
        let mut meta = |attribute: &str, name: &str, content: &str| {
            let _ = writeln!(
                head,
                "<meta {attribute}=\"{name}\" content=\"{}\">",
                e(content)
            );
        };
        for engine in super::hosting::SEARCH_ENGINES {
            meta("name", engine, "noindex");
        }
        meta("property", "og:type", "website");
        meta("property", "og:site_name", self.site);
        meta("property", "og:title", &self.title);
        if let Some(description) = self.description {
            meta("name", "description", description);
            meta("property", "og:description", description);
        }
        meta("property", "og:url", permalink);
        if let Some(locale) = &self.locale {
            meta("property", "og:locale", locale);
        }
        if let Some(card) = &self.card {
            let size = crate::banners::SHARE_SIZE;
            let (width, height) = (size.width, size.height);
            meta("property", "og:image", card);
            meta("property", "og:image:type", "image/png");
            meta("property", "og:image:width", &width.to_string());
            meta("property", "og:image:height", &height.to_string());
            meta("property", "og:image:alt", &self.title);
            meta("name", "twitter:card", "summary_large_image");
        }
        // The address as a script string: JSON, with `<` escaped so it cannot end
        // the script element.
        let script = serde_json::to_string(target)
            .unwrap_or_default()
            .replace('<', "\\u003c");
        format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n<link rel=\"canonical\" href=\"{to}\">\n{head}<script>location.replace({script});</script>\n</head>\n<body>\n<p><a href=\"{to}\">{proceed}</a></p>\n</body>\n</html>\n",
            lang = self.lang,
            title = e(&self.title),
            proceed = e(&self.proceed),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloudflare_limits_are_checked_on_count_and_length() {
        let rule = |n: usize| format!("/r/c{n}/ https://j.test/?ref=C{n} 302");
        let fits: Vec<String> = (0..CLOUDFLARE_RULES).map(rule).collect();
        assert_eq!(beyond_cloudflare(&fits), None);
        let many: Vec<String> = (0..=CLOUDFLARE_RULES).map(rule).collect();
        let why = beyond_cloudflare(&many).unwrap();
        assert!(why.starts_with("2001 short links"), "{why}");
        let long = vec![format!(
            "/r/long/ https://j.test/?q={} 302",
            "a".repeat(990)
        )];
        let why = beyond_cloudflare(&long).unwrap();
        assert!(why.contains("/r/long/ is 1021 characters"), "{why}");
    }

    #[test]
    fn a_short_link_page_escapes_the_address_everywhere_it_is_written() {
        let page = Page {
            lang: "ru",
            title: "«Полярный учёт» — рекомендует Anna & Co".into(),
            proceed: "Перейти".into(),
            description: None,
            site: "S",
            locale: Some("ru_RU".into()),
            card: None,
        };
        let html = page.html("https://p.test/r/c/", "https://j.test/?a=1&b=</script>");
        assert!(html.contains("content=\"0; url=https://j.test/?a=1&amp;b=&lt;/script&gt;\""));
        assert!(html.contains("location.replace(\"https://j.test/?a=1&b=\\u003c/script>\")"));
        assert!(html.contains("Anna &amp; Co"));
        assert!(
            !html.contains("twitter:card"),
            "no card, no large-image card"
        );
    }
}
