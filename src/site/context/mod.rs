//! What templates see: the context of each planned page.
//!
//! Everything that does not depend on the page (the site, each language's navigation
//! and story list, each partner's values and story list per language, each story's
//! rendered HTML) is serialised once; a page's context is a handful of cheap,
//! reference-counted clones plus its own URLs. The values are the typed template
//! contract of [`crate::render::contract`], documented in the README ("Templates").

mod page;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;
use tera::{Context, Value};

use super::Job;
use crate::kits::PartnerKit;
use crate::model::audience::Audience;
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::render::contract::{
    context_of, Alternate, Market, NavItem, NotFoundValues, Page, PageContext, PartnerValues,
    Prepared, Share, Site, StoryCard, Translation,
};
use crate::render::json_ld::{json_ld, ArticleFacts};
use crate::render::locales::Locales;
use crate::render::urls;
use crate::render::urls::Urls;
use crate::results::PartnerPage;

/// Whom `job`'s page addresses: a microsite is read by the partner's clients, the
/// kit and results pages by the partner, the brand's pages by prospective partners.
pub(crate) fn audience_of(job: &Job<'_>) -> Audience {
    match job {
        Job::Story {
            partner: Some(_), ..
        }
        | Job::PartnerHome { .. } => Audience::Clients,
        Job::Kit { .. } | Job::Results { .. } => Audience::Partner,
        Job::Entry | Job::Home { .. } | Job::Page { .. } | Job::Story { .. } | Job::NotFound => {
            Audience::Prospects
        }
    }
}

/// A value made by the first page that needs it and freed after the last, so a build
/// holds the values of the partners being rendered, not of every partner. A later
/// render (the preview) makes it again.
#[derive(Debug, Default)]
struct Lent<T> {
    held: Mutex<Option<T>>,
    /// How many planned pages still need it.
    readers: AtomicUsize,
}

impl<T: Clone> Lent<T> {
    fn new(readers: usize) -> Lent<T> {
        Lent {
            held: Mutex::new(None),
            readers: AtomicUsize::new(readers),
        }
    }

    fn get(&self, make: impl FnOnce() -> T) -> T {
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let value = held.get_or_insert_with(make).clone();
        let before = self
            .readers
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
        if before == Ok(1) {
            *held = None;
        }
        value
    }
}

/// A partner's shared values in one language, made when a page first needs them.
#[derive(Debug)]
struct PartnerCache {
    /// `partner`, `market` and `playbook`: on the landing page and the story pages.
    values: Lent<PartnerValues>,
    /// The story list: on the landing page and the story pages.
    stories: Lent<Prepared<Vec<StoryCard>>>,
}

/// Prepared template values for one build.
#[derive(Debug)]
pub(crate) struct Contexts<'a> {
    project: &'a Project,
    urls: Urls,
    site: Prepared<Site>,
    nav: BTreeMap<&'a str, Prepared<Vec<NavItem>>>,
    brand_stories: BTreeMap<&'a str, Prepared<Vec<StoryCard>>>,
    /// Every market's own terms per language, for the brand pages.
    markets: BTreeMap<&'a str, Prepared<Vec<Market>>>,
    /// `markets` of pages that are not the brand's.
    no_markets: Prepared<Vec<Market>>,
    /// `nav` and `stories` of pages that list nothing.
    no_nav: Prepared<Vec<NavItem>>,
    no_stories: Prepared<Vec<StoryCard>>,
    /// Partner id → language → that partner's values in that language.
    partners: BTreeMap<&'a str, BTreeMap<&'a str, PartnerCache>>,
    /// Rendering for the preview server (shows authoring hints such as stale translations).
    preview: bool,
    /// Formats amounts per language.
    locales: &'a Locales,
    /// True when share cards are drawn (the theme has a share-card template).
    cards: bool,
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
        let site = Prepared::new(&Site::new(settings));
        let mut nav = BTreeMap::new();
        let mut brand_stories = BTreeMap::new();
        let mut partners = BTreeMap::new();
        let mut markets = BTreeMap::new();
        for lang in &settings.languages {
            let lang = lang.as_str();
            let formatter = locales.formatter(lang)?;
            let terms: Vec<Market> = project
                .playbooks
                .values()
                .filter_map(|p| {
                    Market::of_terms(settings, &p.market, &p.base, formatter, Audience::Prospects)
                })
                .collect();
            markets.insert(lang, Prepared::new(&terms));
            let items: Vec<NavItem> = project
                .pages
                .iter()
                .map(|p| NavItem {
                    title: p.text(lang).title.clone(),
                    url: urls.page(lang, &p.slug),
                })
                .collect();
            nav.insert(lang, Prepared::new(&items));
            let cards: Vec<StoryCard> = project
                .stories
                .par_iter()
                .map(|s| StoryCard::new(&urls, s, lang, urls.story(lang, &s.slug), project))
                .collect();
            brand_stories.insert(lang, Prepared::new(&cards));
            for p in &project.partners {
                // The landing page and each story page of the microsite show both;
                // the kit page, rendered later with the kits, makes its own values.
                let readers = 1 + project.stories_for_market(&p.market).count();
                let cache = PartnerCache {
                    values: Lent::new(readers),
                    stories: Lent::new(readers),
                };
                partners
                    .entry(p.id.as_str())
                    .or_insert_with(BTreeMap::new)
                    .insert(lang, cache);
            }
        }
        Ok(Contexts {
            project,
            preview,
            urls,
            site,
            nav,
            brand_stories,
            markets,
            no_markets: Prepared::new(&Vec::new()),
            no_nav: Prepared::new(&Vec::new()),
            no_stories: Prepared::new(&Vec::new()),
            partners,
            locales,
            cards: false,
        })
    }

    /// Gives stories, partner landing pages and kit pages a `page.share_image`:
    /// the build draws their share cards.
    pub(crate) fn with_share_cards(mut self, cards: bool) -> Self {
        self.cards = cards;
        self
    }

    /// The URL maker.
    pub(crate) fn urls(&self) -> &Urls {
        &self.urls
    }

    /// The page's root-relative URL.
    pub(crate) fn url_of(&self, job: &Job<'_>) -> String {
        match *job {
            Job::Entry => self.urls.entry(),
            Job::NotFound => self.urls.file(super::hosting::NOT_FOUND),
            Job::Home { lang }
            | Job::Page { lang, .. }
            | Job::Story { lang, .. }
            | Job::PartnerHome { lang, .. }
            | Job::Kit { lang, .. }
            | Job::Results { lang, .. } => self.url_in(job, lang),
        }
    }

    /// The page's file in the output folder.
    pub(crate) fn file_of(&self, job: &Job<'_>) -> String {
        match job {
            Job::NotFound => super::hosting::NOT_FOUND.to_owned(),
            _ => self.urls.output_file(&self.url_of(job)),
        }
    }

    /// The URL of the same page in language `lang` (for the entry page: that
    /// language's home; the not-found page is one page in every language).
    pub(crate) fn url_in(&self, job: &Job<'_>, lang: &str) -> String {
        let urls = &self.urls;
        match *job {
            Job::Entry | Job::Home { .. } => urls.home(lang),
            Job::NotFound => urls.file(super::hosting::NOT_FOUND),
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
            Job::Kit { kit, .. } => kit.page_url(lang).to_owned(),
            Job::Results { page, .. } => page.url(lang).to_owned(),
        }
    }

    /// The page's root-relative URL and its template context.
    pub(crate) fn for_job(&self, job: &Job<'_>) -> (String, Context) {
        let url = self.url_of(job);
        let context = match *job {
            Job::NotFound => self.not_found(url.clone()),
            Job::Kit { lang, kit } => {
                // The kit's own values and its downloads beside the page variables.
                let mut context = context_of(&self.page_context(job, &url));
                if let Some(values) = kit.values(lang) {
                    context.extend(context_of(values));
                }
                context.extend(context_of(&kit.page));
                context
            }
            Job::Results { lang, page } => {
                let mut context = context_of(&self.page_context(job, &url));
                if let Some(values) = page.values(lang) {
                    context.extend(context_of(values));
                }
                context
            }
            _ => context_of(&self.page_context(job, &url)),
        };
        (url, context)
    }

    fn page_context(&self, job: &Job<'_>, url: &str) -> PageContext {
        let urls = &self.urls;
        let settings = &self.project.settings;
        let (lang, partner): (&str, Option<&Partner>) = match *job {
            Job::Entry | Job::NotFound => (settings.default_language(), None),
            Job::Home { lang } | Job::Page { lang, .. } => (lang, None),
            Job::Story { lang, partner, .. } => (lang, partner),
            Job::PartnerHome { lang, partner }
            | Job::Kit {
                lang,
                kit: &PartnerKit { partner, .. },
            }
            | Job::Results {
                lang,
                page: &PartnerPage { partner, .. },
            } => (lang, Some(partner)),
        };
        // The same page in another language, and the brand page it repeats.
        let url_in = |l: &str| self.url_in(job, l);
        let canonical = match *job {
            Job::Story {
                story,
                partner: Some(_),
                ..
            } => urls.story(lang, &story.slug),
            Job::PartnerHome { .. } => urls.home(lang),
            _ => url.to_owned(),
        };
        // Every language's kit page is the partner's kit: its default is the page in
        // the market's language.
        let x_default = match job {
            Job::Entry => urls.entry(),
            Job::Kit { kit, .. } => kit.page_url(kit.market_lang).to_owned(),
            Job::Results { page, .. } => page.url(page.market_lang).to_owned(),
            _ => url_in(settings.default_language()),
        };
        let json_ld = match *job {
            Job::Story { story, .. } => {
                let t = story.text(lang);
                Some(json_ld(&ArticleFacts {
                    headline: &t.title,
                    description: t.summary.as_deref(),
                    date: &story.date,
                    lang,
                    url: &urls.permalink(&canonical),
                    publisher: &settings.title,
                }))
            }
            _ => None,
        };
        let (home_url, nav, stories, values) = match partner {
            None => (
                urls.home(lang),
                self.nav[lang].clone(),
                self.brand_stories[lang].clone(),
                None,
            ),
            Some(p) => (
                urls.partner_home(&p.id, lang),
                self.no_nav.clone(),
                match job {
                    Job::Kit { .. } | Job::Results { .. } => self.no_stories.clone(),
                    _ => self.partner_stories(p, lang),
                },
                Some(match job {
                    Job::Kit { .. } | Job::Results { .. } => {
                        self.make_partner_values(p, lang, Audience::Partner)
                    }
                    _ => self.partner_values(p, lang),
                }),
            ),
        };
        let page = self.page_value(job, lang, url);
        let share = self.share(&page, lang, partner.map(|p| p.market.as_str()));
        let audience = audience_of(job);
        PageContext {
            lang: lang.to_owned(),
            audience,
            // Kits are private pages, never shown with authoring hints.
            preview: self.preview && !matches!(job, Job::Kit { .. } | Job::Results { .. }),
            site: self.site.clone(),
            page,
            alternates: self.alternates(&url_in),
            translations: self.translations(lang, &url_in),
            x_default: Some(urls.permalink(&x_default)),
            canonical: Some(urls.permalink(&canonical)),
            noindex: partner.is_some(),
            share,
            json_ld,
            home_url,
            nav,
            stories,
            partner: values.as_ref().map(|v| v.partner.clone()),
            market: values.as_ref().and_then(|v| v.market.clone()),
            playbook: values.and_then(|v| v.playbook),
            markets: match audience {
                Audience::Prospects => self.markets[lang].clone(),
                _ => self.no_markets.clone(),
            },
        }
    }

    fn alternates(&self, url_in: &dyn Fn(&str) -> String) -> Vec<Alternate> {
        self.project
            .settings
            .languages
            .iter()
            .map(|l| {
                let url = url_in(l);
                Alternate {
                    lang: l.clone(),
                    permalink: self.urls.permalink(&url),
                    url,
                }
            })
            .collect()
    }

    fn translations(&self, lang: &str, url_in: &dyn Fn(&str) -> String) -> Vec<Translation> {
        self.project
            .settings
            .languages
            .iter()
            .filter(|l| l.as_str() != lang)
            .map(|l| Translation {
                lang: l.clone(),
                url: url_in(l),
            })
            .collect()
    }

    /// The context of the not-found page: one page in every language, so `lang` is
    /// the default language and `languages` lists each language with its home page
    /// (templates print each part with `t(key=…, lang=…)`). It has no canonical URL,
    /// alternates or switcher, and is never indexed.
    fn not_found(&self, url: String) -> Context {
        let urls = &self.urls;
        let settings = &self.project.settings;
        let page = self.page_value(&Job::NotFound, settings.default_language(), &url);
        let share = self.share(&page, settings.default_language(), None);
        let page = PageContext {
            lang: settings.default_language().to_owned(),
            audience: Audience::Prospects,
            preview: self.preview,
            site: self.site.clone(),
            page,
            alternates: Vec::new(),
            translations: Vec::new(),
            x_default: None,
            canonical: None,
            noindex: true,
            share,
            json_ld: None,
            home_url: urls.entry(),
            nav: self.no_nav.clone(),
            stories: self.no_stories.clone(),
            partner: None,
            market: None,
            playbook: None,
            markets: self.no_markets.clone(),
        };
        let languages = settings
            .languages
            .iter()
            .map(|l| Translation {
                lang: l.clone(),
                url: urls.home(l),
            })
            .collect();
        let mut context = context_of(&page);
        context.extend(context_of(&NotFoundValues { languages }));
        context
    }

    fn cache(&self, partner: &Partner, lang: &str) -> Option<&PartnerCache> {
        self.partners.get(partner.id.as_str())?.get(lang)
    }

    /// `partner`, `market` and `playbook` of `partner` in `lang`, as `audience` may
    /// see them.
    fn make_partner_values(
        &self,
        partner: &Partner,
        lang: &str,
        audience: Audience,
    ) -> PartnerValues {
        PartnerValues::new(
            &self.project.settings,
            partner,
            self.project.playbook(partner),
            lang,
            self.locales.formatter(lang).ok(),
            audience,
        )
    }

    /// [`Contexts::make_partner_values`] for the partner's clients, made once for
    /// the partner's microsite.
    fn partner_values(&self, partner: &Partner, lang: &str) -> PartnerValues {
        let make = || self.make_partner_values(partner, lang, Audience::Clients);
        match self.cache(partner, lang) {
            Some(cache) => cache.values.get(make),
            None => make(),
        }
    }

    /// The stories of `partner`'s market in `lang`, with microsite URLs, made once for
    /// all the pages of a build that show them.
    fn partner_stories(&self, partner: &Partner, lang: &str) -> Prepared<Vec<StoryCard>> {
        let make = || {
            let cards: Vec<StoryCard> = self
                .project
                .stories_for_market(&partner.market)
                .map(|s| {
                    StoryCard::new(
                        &self.urls,
                        s,
                        lang,
                        self.urls.partner_story(&partner.id, lang, &s.slug),
                        self.project,
                    )
                })
                .collect();
            Prepared::new(&cards)
        };
        match self.cache(partner, lang) {
            Some(cache) => cache.stories.get(make),
            None => make(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use tera::Value;

    use super::*;
    use crate::load::testing::TestProject;

    /// A project of `stories` stories in English and Russian with one US partner.
    fn project(stories: usize) -> (tempfile::TempDir, Project) {
        TestProject::new()
            .partners("  - {id: acme, name: Acme, market: us, code: ACME1, stage: active, tier: small, channels: []}\n")
            .stories(stories)
            .load()
    }

    /// Arrays and maps reachable from `value`, by address: a shared value is one
    /// allocation, whichever context holds it.
    fn allocations(value: &Value, into: &mut BTreeSet<usize>) {
        if let Some(items) = value.as_array() {
            if into.insert(items.as_ptr() as usize) {
                items.iter().for_each(|v| allocations(v, into));
            }
        } else if let Some(map) = value.as_map() {
            if into.insert(std::ptr::from_ref(map) as usize) {
                map.values().for_each(|v| allocations(v, into));
            }
        }
    }

    /// The values a context holds that are its own: everything but the allocations
    /// it shares with `shared`.
    fn own_values(value: &Value, shared: &BTreeSet<usize>) -> usize {
        let address = value
            .as_array()
            .map(|a| a.as_ptr() as usize)
            .or_else(|| value.as_map().map(|m| std::ptr::from_ref(m) as usize));
        if address.is_some_and(|a| shared.contains(&a)) {
            return 1;
        }
        let children: usize = match (value.as_array(), value.as_map()) {
            (Some(items), _) => items.iter().map(|v| own_values(v, shared)).sum(),
            (_, Some(map)) => map.values().map(|v| own_values(v, shared)).sum(),
            _ => 0,
        };
        1 + children
    }

    /// Values built for one page (`job`) besides those it shares with another page
    /// of the same site (`other`).
    fn own_values_of(contexts: &Contexts<'_>, job: Job<'_>, other: Job<'_>) -> usize {
        let page = |job: Job<'_>| {
            let url = contexts.url_of(&job);
            Value::try_from_serializable(&contexts.page_context(&job, &url)).unwrap()
        };
        let (page, other) = (page(job), page(other));
        let (mut shared, mut mine) = (BTreeSet::new(), BTreeSet::new());
        allocations(&other, &mut shared);
        allocations(&page, &mut mine);
        shared.retain(|a| mine.contains(a));
        own_values(&page, &shared)
    }

    /// Values built for a partner's story page, a partner's landing page and a brand
    /// story page, in a project of `stories` stories.
    fn values_built(stories: usize) -> (usize, usize, usize) {
        let (dir, project) = project(stories);
        let locales = Locales::load(dir.path(), &project.settings).unwrap();
        let contexts = Contexts::new(&project, &locales, false).unwrap();
        let partner = Some(&project.partners[0]);
        let story = |i: usize, partner| Job::Story {
            lang: "ru",
            story: &project.stories[i],
            partner,
        };
        let home = Job::PartnerHome {
            lang: "ru",
            partner: &project.partners[0],
        };
        let url = contexts.url_of(&home);
        let listed = Value::try_from_serializable(&contexts.page_context(&home, &url)).unwrap();
        let listed = listed.get_from_path("stories").and_then(Value::as_array);
        assert_eq!(listed.map(<[Value]>::len), Some(stories));
        (
            own_values_of(&contexts, story(0, partner), story(1, partner)),
            own_values_of(&contexts, home, story(1, partner)),
            own_values_of(&contexts, story(0, None), story(1, None)),
        )
    }

    #[test]
    fn a_partner_page_builds_the_same_values_whatever_the_number_of_stories() {
        let (story_few, home_few, brand_few) = values_built(8);
        let (story_many, home_many, brand_many) = values_built(300);
        assert_eq!(story_few, story_many, "a partner's story page");
        assert_eq!(home_few, home_many, "a partner's landing page");
        assert_eq!(brand_few, brand_many, "a brand story page");
        // A partner page holds what a brand page holds, with the partner's values
        // shared: it builds no more than a brand page, within 20%.
        assert!(
            story_many * 5 <= brand_many * 6,
            "partner page {story_many} values, brand page {brand_many}"
        );
    }
}
