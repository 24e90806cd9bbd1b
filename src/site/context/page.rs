//! A page's own values: its title, description, language, alternates and audience
//! (`page` in every template), and its share metadata (`share`: the card and the Open
//! Graph and X values link previews read).

use super::*;

impl Contexts<'_> {
    pub(super) fn page_value(&self, job: &Job<'_>, lang: &str, url: &str) -> Page {
        let title = self.project.settings.title.as_str();
        let (kind, slug, title, summary, date, content, banner) = match *job {
            Job::Entry => ("entry", "", title, None, None, Value::from(""), None),
            Job::NotFound => ("not-found", "", title, None, None, Value::from(""), None),
            Job::Home { .. } => ("home", "", title, None, None, Value::from(""), None),
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
                (
                    "story",
                    story.slug.as_str(),
                    t.title.as_str(),
                    t.summary.as_deref(),
                    Some(story.date.as_str()),
                    t.html.value(),
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
            Job::Kit { kit, .. } => (
                "kit",
                "",
                kit.partner.name.as_str(),
                None,
                None,
                Value::from(""),
                None,
            ),
            Job::Results { page, .. } => (
                "results",
                "",
                page.partner.name.as_str(),
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
        // The not-found page answers for any address, so it has no address or title
        // of its own.
        let own = !matches!(job, Job::NotFound);
        let card = match *job {
            _ if !self.cards => None,
            Job::Story { story, .. } => Some(urls::story_card(self.project, story, lang)),
            Job::PartnerHome { partner, .. } => Some(urls::partner_card(partner, lang)),
            Job::Kit { .. } | Job::Results { .. } => Some(urls::kit_card(lang)),
            Job::Entry | Job::Home { .. } | Job::Page { .. } => Some(urls::site_card(lang)),
            Job::NotFound => None,
        };
        Page {
            kind,
            stale,
            url: url.to_owned(),
            permalink: own.then(|| self.urls.permalink(url)),
            title: own.then(|| title.to_owned()),
            summary: summary.map(str::to_owned),
            date: date.map(str::to_owned),
            content,
            slug: slug.to_owned(),
            banner: banner
                .and_then(|b| urls::banner_image(self.project, b, lang))
                .map(|path| self.urls.file(&path)),
            share_image: card.map(|path| self.urls.file(&path)),
        }
    }

    /// What a link preview shows of `page`, in `lang`, of a partner of `market`.
    pub(super) fn share(&self, page: &Page, lang: &str, market: Option<&str>) -> Share {
        let settings = &self.project.settings;
        let size = crate::banners::SHARE_SIZE;
        let image_type = page.share_image.as_deref().map(|url| {
            if url.ends_with(".jpg") {
                "image/jpeg"
            } else {
                "image/png"
            }
        });
        Share {
            image: page
                .share_image
                .as_deref()
                .map(|url| self.urls.permalink(url)),
            image_type,
            image_width: size.width,
            image_height: size.height,
            locale: settings.og_locale(lang, market),
            locale_alternates: settings
                .languages
                .iter()
                .filter(|l| l.as_str() != lang)
                .filter_map(|l| settings.og_locale(l, market))
                .collect(),
        }
    }
}
