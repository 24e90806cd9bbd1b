//! Where every page lives: URLs and output paths in one place.
//!
//! All internal links are root-relative and start with the site's base path, so the
//! same output works at a domain's root or under a sub-path; permalinks (canonical,
//! hreflang) are absolute.

use crate::model::settings::Settings;

/// URL maker for one build.
#[derive(Debug, Clone)]
pub(crate) struct Urls {
    base_path: String,
    origin: String,
    /// `kits_base_url`: where kit files are served when not beside the site.
    kits: Option<String>,
}

impl Urls {
    /// URLs for `settings`' base URL.
    pub(crate) fn new(settings: &Settings) -> Urls {
        let origin = settings
            .base_url
            .strip_suffix(settings.base_path.trim_end_matches('/'))
            .unwrap_or(&settings.base_url)
            .to_owned();
        Urls {
            base_path: settings.base_path.clone(),
            origin,
            kits: settings.kits_base_url.clone(),
        }
    }

    /// The site's root: the language choice.
    pub(crate) fn entry(&self) -> String {
        self.base_path.clone()
    }

    /// Brand home in `lang`.
    pub(crate) fn home(&self, lang: &str) -> String {
        format!("{}{lang}/", self.base_path)
    }

    /// Brand story page.
    pub(crate) fn story(&self, lang: &str, slug: &str) -> String {
        format!("{}{lang}/stories/{slug}/", self.base_path)
    }

    /// Brand content page.
    pub(crate) fn page(&self, lang: &str, slug: &str) -> String {
        format!("{}{lang}/{slug}/", self.base_path)
    }

    /// A partner's landing page.
    pub(crate) fn partner_home(&self, partner: &str, lang: &str) -> String {
        format!("{}p/{partner}/{lang}/", self.base_path)
    }

    /// A story on a partner's microsite.
    pub(crate) fn partner_story(&self, partner: &str, lang: &str, slug: &str) -> String {
        format!("{}p/{partner}/{lang}/stories/{slug}/", self.base_path)
    }

    /// A file copied to the output, e.g. a banner.
    pub(crate) fn file(&self, rel: &str) -> String {
        format!("{}{rel}", self.base_path)
    }

    /// A kit file (zip, e-mail draft, image; `rel` under `public/`): beside the site,
    /// or absolute on the kits' host when `kits_base_url` is set.
    pub(crate) fn kit_file(&self, rel: &str) -> String {
        match &self.kits {
            Some(kits) => format!("{kits}/{rel}"),
            None => self.file(rel),
        }
    }

    /// The absolute URL of root-relative `url`; an absolute `url` (a kit file on its
    /// own host) is returned as it is.
    pub(crate) fn permalink(&self, url: &str) -> String {
        if url.starts_with("https://") || url.starts_with("http://") {
            return url.to_owned();
        }
        format!("{}{url}", self.origin)
    }

    /// The path inside the output folder (no leading `/`, fragment kept) that an
    /// internal link points at, or `None` for external and relative links.
    pub(crate) fn local_path(&self, link: &str) -> Option<String> {
        if link.starts_with('#') {
            return Some(link.to_owned());
        }
        let rooted = match link.strip_prefix(&self.origin) {
            Some(rest) if rest.starts_with('/') => rest,
            Some(_) => return None,
            None if link.starts_with('/') && !link.starts_with("//") => link,
            None => return None,
        };
        let inside = rooted.strip_prefix(&self.base_path)?;
        Some(inside.split('?').next().unwrap_or(inside).to_owned())
    }

    /// The output file (relative to public/) that serves `url`.
    pub(crate) fn output_file(&self, url: &str) -> String {
        let rel = url.strip_prefix(&self.base_path).unwrap_or(url);
        format!("{rel}index.html")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_path_sites_keep_the_prefix_everywhere() {
        let mut s = crate::model::settings::Settings::parse("title: T\nbase_url: https://e.com/kit\nlanguages: [en]\nmarkets:\n  us: {landing: 'https://e.com/us', language: en, currency: USD}\n").unwrap();
        let u = Urls::new(&s);
        assert_eq!(u.story("en", "a"), "/kit/en/stories/a/");
        assert_eq!(
            u.permalink(&u.story("en", "a")),
            "https://e.com/kit/en/stories/a/"
        );
        assert_eq!(
            u.output_file(&u.story("en", "a")),
            "en/stories/a/index.html"
        );
        assert_eq!(u.output_file(&u.entry()), "index.html");
        s.set_base_url("https://x.org/").unwrap();
        let u = Urls::new(&s);
        assert_eq!(u.permalink(&u.home("ru")), "https://x.org/ru/");
        assert_eq!(u.kit_file("kits/t/a.zip"), "/kits/t/a.zip");
    }

    #[test]
    fn kit_files_go_to_their_own_host_when_split() {
        let s = crate::model::settings::Settings::parse("title: T\nbase_url: https://e.com/kit\nkits_base_url: https://kits.e.com/p/\nlanguages: [en]\nmarkets:\n  us: {landing: 'https://e.com/us', language: en, currency: USD}\n").unwrap();
        let u = Urls::new(&s);
        let zip = u.kit_file("kits/t/a.zip");
        assert_eq!(zip, "https://kits.e.com/p/kits/t/a.zip");
        assert_eq!(u.permalink(&zip), zip);
        assert_eq!(u.file("kits/t/"), "/kit/kits/t/");
    }
}
