//! What templates see: the context of each planned page.
//!
//! Everything that does not depend on the page (the site, each language's navigation
//! and story list, each story's rendered HTML) is turned into template values once;
//! a page's context is a handful of cheap, reference-counted clones plus its own URLs.
//! The values themselves are made in [`crate::render::values`]; the variables are the
//! theme contract documented in the README ("Templates").

use std::collections::BTreeMap;

use rayon::prelude::*;
use tera::{Context, Value};

use super::Job;
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::render::locales::Locales;
use crate::render::urls::Urls;
use crate::render::values::{
    json_ld, market_value, obj, opt, partner_value, playbook_value, story_card, ArticleFacts,
};

/// Prepared template values for one build.
#[derive(Debug)]
pub(crate) struct Contexts<'a> {
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

impl<'a> Contexts<'a> {
    /// Prepares the shared values of `project`; `locales` formats amounts per language.
    pub(crate) fn new(
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
    pub(crate) fn urls(&self) -> &Urls {
        &self.urls
    }

    /// The page's root-relative URL.
    pub(crate) fn url_of(&self, job: &Job<'_>) -> String {
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
    pub(crate) fn url_in(&self, job: &Job<'_>, lang: &str) -> String {
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
    pub(crate) fn for_job(&self, job: &Job<'_>) -> (String, Context) {
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
    pub(crate) fn for_not_found(&self) -> Context {
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
