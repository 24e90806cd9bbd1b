//! What templates see: the context of each page.
//!
//! Everything that does not depend on the page (the site, each language's navigation
//! and story list, each story's rendered HTML) is turned into template values once;
//! a page's context is a handful of cheap, reference-counted clones plus its own URLs.
//! The variables are the theme contract documented in the README ("Templates").

use std::collections::BTreeMap;

use rayon::prelude::*;
use tera::{Context, Map, Value};

use super::{Job, Urls};
use crate::content::{Project, Story};
use crate::l10n::Formatter;
use crate::locales::Locales;
use crate::partners::Partner;
use crate::playbooks::{LocalContact, PartnerPlaybook};

/// Prepared template values for one build.
#[derive(Debug)]
pub struct Contexts<'a> {
    project: &'a Project,
    urls: Urls,
    site: Value,
    nav: BTreeMap<&'a str, Value>,
    brand_stories: BTreeMap<&'a str, Value>,
    /// Rendering for the preview server (shows authoring hints such as stale translations).
    preview: bool,
    /// Formats amounts per language.
    locales: &'a Locales,
}

/// A template map from key-value pairs, in order.
pub fn obj(pairs: Vec<(&'static str, Value)>) -> Value {
    let mut map = Map::new();
    for (k, v) in pairs {
        map.insert(k.into(), v);
    }
    Value::from(map)
}

/// A string value, or `none`.
pub fn opt(s: Option<&str>) -> Value {
    s.map_or_else(Value::none, Value::from)
}

impl<'a> Contexts<'a> {
    /// Prepares the shared values of `project`; `locales` formats amounts per language.
    pub fn new(
        project: &'a Project,
        locales: &'a Locales,
        preview: bool,
    ) -> std::result::Result<Contexts<'a>, String> {
        let settings = &project.settings;
        let urls = Urls::new(settings);
        let site = obj(vec![
            ("title", Value::from(settings.title.as_str())),
            ("base_url", Value::from(settings.base_url.as_str())),
            ("base_path", Value::from(settings.base_path.as_str())),
        ]);
        let mut nav = BTreeMap::new();
        let mut brand_stories = BTreeMap::new();
        for lang in &settings.languages {
            let lang = lang.as_str();
            locales.formatter(lang)?;
            let items: Vec<Value> = project
                .pages
                .iter()
                .map(|p| {
                    obj(vec![
                        ("title", Value::from(p.text(lang).title.as_str())),
                        ("url", Value::from(urls.page(lang, &p.slug))),
                    ])
                })
                .collect();
            nav.insert(lang, Value::from(items));
            let cards: Vec<Value> = project
                .stories
                .par_iter()
                .map(|s| story_card(&urls, s, lang, urls.story(lang, &s.slug)))
                .collect();
            brand_stories.insert(lang, Value::from(cards));
        }
        Ok(Contexts {
            project,
            preview,
            urls,
            site,
            nav,
            brand_stories,
            locales,
        })
    }

    /// The URL maker.
    pub fn urls(&self) -> &Urls {
        &self.urls
    }

    /// The page's root-relative URL.
    pub fn url_of(&self, job: &Job<'_>) -> String {
        match *job {
            Job::Entry => self.urls.entry(),
            Job::Home { lang }
            | Job::Page { lang, .. }
            | Job::Story { lang, .. }
            | Job::PartnerHome { lang, .. } => self.url_in(job, lang),
        }
    }

    /// The URL of the same page in language `lang` (for the entry page: that
    /// language's home).
    pub fn url_in(&self, job: &Job<'_>, lang: &str) -> String {
        let urls = &self.urls;
        match *job {
            Job::Entry | Job::Home { .. } => urls.home(lang),
            Job::Page { page, .. } => urls.page(lang, &page.slug),
            Job::Story {
                story,
                partner: None,
                ..
            } => urls.story(lang, &story.slug),
            Job::Story {
                story,
                partner: Some(p),
                ..
            } => urls.partner_story(&p.id, lang, &story.slug),
            Job::PartnerHome { partner, .. } => urls.partner_home(&partner.id, lang),
        }
    }

    /// The page's root-relative URL and its template context.
    pub fn for_job(&self, job: &Job<'_>) -> (String, Context) {
        let urls = &self.urls;
        let settings = &self.project.settings;
        let (lang, partner): (&str, Option<&Partner>) = match *job {
            Job::Entry => (settings.default_language(), None),
            Job::Home { lang } | Job::Page { lang, .. } => (lang, None),
            Job::Story { lang, partner, .. } => (lang, partner),
            Job::PartnerHome { lang, partner } => (lang, Some(partner)),
        };
        // The same page in another language, and the brand page it repeats.
        let url_in = |l: &str| self.url_in(job, l);
        let url = self.url_of(job);
        let canonical = match *job {
            Job::Story {
                story,
                partner: Some(_),
                ..
            } => urls.story(lang, &story.slug),
            Job::PartnerHome { .. } => urls.home(lang),
            _ => url.clone(),
        };
        let x_default = match job {
            Job::Entry => urls.entry(),
            _ => url_in(settings.default_language()),
        };
        let alternates: Vec<Value> = settings
            .languages
            .iter()
            .map(|l| {
                let u = url_in(l);
                obj(vec![
                    ("lang", Value::from(l.as_str())),
                    ("permalink", Value::from(urls.permalink(&u))),
                    ("url", Value::from(u)),
                ])
            })
            .collect();
        let translations: Vec<Value> = settings
            .languages
            .iter()
            .filter(|l| l.as_str() != lang)
            .map(|l| {
                obj(vec![
                    ("lang", Value::from(l.as_str())),
                    ("url", Value::from(url_in(l))),
                ])
            })
            .collect();

        let page = self.page_value(job, lang, &url);
        let mut context = Context::new();
        context.insert_value("lang", Value::from(lang));
        context.insert_value("preview", Value::from(self.preview));
        context.insert_value("site", self.site.clone());
        context.insert_value("page", page);
        context.insert_value("alternates", Value::from(alternates));
        context.insert_value("translations", Value::from(translations));
        context.insert_value("x_default", Value::from(urls.permalink(&x_default)));
        context.insert_value("canonical", Value::from(urls.permalink(&canonical)));
        context.insert_value("noindex", Value::from(partner.is_some()));
        let json_ld = match *job {
            Job::Story { story, .. } => {
                let t = story.text(lang);
                Value::from(json_ld(&ArticleFacts {
                    headline: &t.title,
                    description: t.summary.as_deref(),
                    date: &story.date,
                    lang,
                    url: &urls.permalink(&canonical),
                    publisher: &settings.title,
                }))
            }
            _ => Value::none(),
        };
        context.insert_value("json_ld", json_ld);
        match partner {
            None => {
                context.insert_value("home_url", Value::from(urls.home(lang)));
                context.insert_value("nav", self.nav[lang].clone());
                context.insert_value("stories", self.brand_stories[lang].clone());
                context.insert_value("partner", Value::none());
                context.insert_value("market", Value::none());
                context.insert_value("playbook", Value::none());
            }
            Some(p) => {
                context.insert_value("home_url", Value::from(urls.partner_home(&p.id, lang)));
                context.insert_value("nav", Value::from(Vec::<Value>::new()));
                context.insert_value("stories", self.partner_stories(p, lang));
                let playbook = self.project.playbook(p);
                context.insert_value("partner", partner_value(p, playbook));
                context.insert_value("market", self.market_value(p, lang));
                let value = match self.locales.formatter(lang) {
                    Ok(formatter) => {
                        playbook_value(&self.project.settings, playbook, lang, formatter)
                    }
                    Err(_) => Value::none(),
                };
                context.insert_value("playbook", value);
            }
        }
        (url, context)
    }

    /// The context of the not-found page: one page in every language, so `lang` is
    /// the default language and `languages` lists each language with its home page
    /// (templates print each part with `t(key=…, lang=…)`). It has no canonical URL,
    /// alternates or switcher, and is never indexed.
    pub fn for_not_found(&self) -> Context {
        let urls = &self.urls;
        let settings = &self.project.settings;
        let languages: Vec<Value> = settings
            .languages
            .iter()
            .map(|l| {
                obj(vec![
                    ("lang", Value::from(l.as_str())),
                    ("url", Value::from(urls.home(l))),
                ])
            })
            .collect();
        let page = obj(vec![
            ("kind", Value::from("not-found")),
            ("stale", Value::from(false)),
            ("url", Value::from(urls.file(super::deploy::NOT_FOUND))),
            ("permalink", Value::none()),
            ("title", Value::none()),
            ("summary", Value::none()),
            ("date", Value::none()),
            ("content", Value::from("")),
            ("slug", Value::from("")),
            ("banner", Value::none()),
        ]);
        let mut context = Context::new();
        context.insert_value("lang", Value::from(settings.default_language()));
        context.insert_value("preview", Value::from(self.preview));
        context.insert_value("site", self.site.clone());
        context.insert_value("page", page);
        context.insert_value("languages", Value::from(languages));
        context.insert_value("alternates", Value::from(Vec::<Value>::new()));
        context.insert_value("translations", Value::from(Vec::<Value>::new()));
        context.insert_value("x_default", Value::none());
        context.insert_value("canonical", Value::none());
        context.insert_value("noindex", Value::from(true));
        context.insert_value("home_url", Value::from(urls.entry()));
        context.insert_value("nav", Value::from(Vec::<Value>::new()));
        context.insert_value("stories", Value::from(Vec::<Value>::new()));
        context.insert_value("partner", Value::none());
        context.insert_value("market", Value::none());
        context
    }

    fn page_value(&self, job: &Job<'_>, lang: &str, url: &str) -> Value {
        let (kind, slug, title, summary, date, content, banner) = match *job {
            Job::Entry => (
                "entry",
                "",
                self.project.settings.title.as_str(),
                None,
                None,
                Value::from(""),
                None,
            ),
            Job::Home { .. } => (
                "home",
                "",
                self.project.settings.title.as_str(),
                None,
                None,
                Value::from(""),
                None,
            ),
            Job::Page { page, .. } => {
                let t = page.text(lang);
                (
                    "page",
                    page.slug.as_str(),
                    t.title.as_str(),
                    t.summary.as_deref(),
                    None,
                    t.html.value(),
                    None,
                )
            }
            Job::Story { story, .. } => {
                let t = story.text(lang);
                let html = t.html.value();
                (
                    "story",
                    story.slug.as_str(),
                    t.title.as_str(),
                    t.summary.as_deref(),
                    Some(story.date.as_str()),
                    html,
                    story.banner.as_deref(),
                )
            }
            Job::PartnerHome { partner, .. } => (
                "partner-home",
                "",
                partner.name.as_str(),
                None,
                None,
                Value::from(""),
                None,
            ),
        };
        let stale = match *job {
            Job::Page { page, .. } => page.text(lang).stale,
            Job::Story { story, .. } => story.text(lang).stale,
            _ => false,
        };
        obj(vec![
            ("kind", Value::from(kind)),
            ("stale", Value::from(stale)),
            ("url", Value::from(url)),
            ("permalink", Value::from(self.urls.permalink(url))),
            ("title", Value::from(title)),
            ("summary", opt(summary)),
            ("date", opt(date)),
            ("content", content),
            ("slug", Value::from(slug)),
            (
                "banner",
                banner.map_or_else(Value::none, |b| {
                    Value::from(self.urls.file(&format!("banners/{b}")))
                }),
            ),
        ])
    }

    fn partner_stories(&self, partner: &Partner, lang: &str) -> Value {
        let cards: Vec<Value> = self
            .project
            .stories_for_market(&partner.market)
            .map(|s| {
                story_card(
                    &self.urls,
                    s,
                    lang,
                    self.urls.partner_story(&partner.id, lang, &s.slug),
                )
            })
            .collect();
        Value::from(cards)
    }

    fn market_value(&self, partner: &Partner, lang: &str) -> Value {
        match self.locales.formatter(lang) {
            Ok(formatter) => market_value(
                &self.project.settings,
                partner,
                self.project.playbook(partner),
                formatter,
            ),
            Err(_) => Value::none(),
        }
    }
}

/// The `market` template value of `partner`'s market, amounts formatted by
/// `formatter`: the headline figures of the partner's resolved playbook.
pub fn market_value(
    settings: &crate::settings::Settings,
    partner: &Partner,
    playbook: &PartnerPlaybook,
    formatter: &Formatter,
) -> Value {
    let Some(m) = settings.market(&partner.market) else {
        return Value::none();
    };
    let terms = &playbook.terms;
    obj(vec![
        ("id", Value::from(m.id.as_str())),
        ("lead", Value::from(terms.lead.as_str())),
        (
            "reward",
            Value::from(formatter.money_units(terms.incentives.reward, &m.currency)),
        ),
        ("reward_amount", Value::from(terms.incentives.reward)),
        (
            "payout_days",
            Value::from(u64::from(terms.incentives.payout_days)),
        ),
        ("currency", Value::from(m.currency.as_str())),
    ])
}

/// The `playbook` template value: the partner's resolved playbook in `lang`.
pub fn playbook_value(
    settings: &crate::settings::Settings,
    playbook: &PartnerPlaybook,
    lang: &str,
    formatter: &Formatter,
) -> Value {
    let terms = &playbook.terms;
    let i = &terms.incentives;
    let currency = settings
        .market(&playbook.market)
        .map_or("", |m| m.currency.as_str());
    let bonuses: Vec<Value> = i
        .bonuses
        .iter()
        .map(|b| {
            obj(vec![
                ("after_months", Value::from(u64::from(b.after_months))),
                ("percent", Value::from(u64::from(b.percent))),
            ])
        })
        .collect();
    let cadence: Vec<Value> = terms
        .cadence
        .iter()
        .map(|t| {
            obj(vec![
                ("id", Value::from(t.id.as_str())),
                ("day", Value::from(u64::from(t.day))),
                ("channel", Value::from(t.channel.as_str())),
                ("title", opt(t.title.get(lang).map(String::as_str))),
            ])
        })
        .collect();
    obj(vec![
        ("lead", Value::from(terms.lead.as_str())),
        ("tone", opt(terms.tone.as_deref())),
        ("message", opt(terms.message.get(lang).map(String::as_str))),
        (
            "reward",
            Value::from(formatter.money_units(i.reward, currency)),
        ),
        ("payout_days", Value::from(u64::from(i.payout_days))),
        ("dashboard", Value::from(i.dashboard)),
        ("exclusive", Value::from(i.exclusive)),
        ("co_marketing", Value::from(i.co_marketing)),
        ("bonuses", Value::from(bonuses)),
        (
            "channels",
            Value::from(
                terms
                    .channels
                    .iter()
                    .map(|c| Value::from(c.as_str()))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("cadence", Value::from(cadence)),
        ("ambassador", contact_value(playbook.contact.as_ref())),
    ])
}

/// A local contact as a template value: `{ name, organisation, email, telegram }`.
fn contact_value(contact: Option<&LocalContact>) -> Value {
    contact.map_or_else(Value::none, |c| {
        obj(vec![
            ("name", Value::from(c.name.as_str())),
            ("organisation", opt(c.organisation.as_deref())),
            ("email", opt(c.email.as_deref())),
            ("telegram", opt(c.telegram.as_deref())),
        ])
    })
}

fn story_card(urls: &Urls, story: &Story, lang: &str, url: String) -> Value {
    let t = story.text(lang);
    obj(vec![
        ("slug", Value::from(story.slug.as_str())),
        ("title", Value::from(t.title.as_str())),
        ("summary", opt(t.summary.as_deref())),
        ("date", Value::from(story.date.as_str())),
        ("url", Value::from(url)),
        (
            "banner",
            story.banner.as_deref().map_or_else(Value::none, |b| {
                Value::from(urls.file(&format!("banners/{b}")))
            }),
        ),
    ])
}

/// The `partner` template value; `contact` is the partner's local ambassador as its
/// playbook resolves it (the registry's `contact`, else the market's ambassador).
pub fn partner_value(p: &Partner, playbook: &PartnerPlaybook) -> Value {
    let contact = contact_value(playbook.contact.as_ref());
    let stage = crate::playbooks::stage_name(p.stage);
    let tier = crate::playbooks::tier_name(p.tier);
    obj(vec![
        ("id", Value::from(p.id.as_str())),
        ("name", Value::from(p.name.as_str())),
        ("market", Value::from(p.market.as_str())),
        ("stage", Value::from(stage)),
        ("tier", Value::from(tier)),
        (
            "channels",
            Value::from(
                p.channels
                    .iter()
                    .map(|c| Value::from(c.as_str()))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("audience", opt(p.audience.as_deref())),
        ("contact", contact),
    ])
}

/// What a story's structured data says about it.
pub struct ArticleFacts<'a> {
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
pub fn json_ld(facts: &ArticleFacts<'_>) -> String {
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
