//! Where everything lives: every page's URL and every output file's path, in one
//! place.
//!
//! All internal links are root-relative and start with the site's base path, so the
//! same output works at a domain's root or under a sub-path; permalinks (canonical,
//! hreflang) are absolute. Output paths (relative to `public/`, no leading `/`) are
//! the free functions and [`KitPaths`] below; [`Urls::file`] turns any of them into a
//! link. Short links (`/r/<code>/…`) are laid out by `render::short` on top of these.

use crate::model::documents::{Banner, Story};
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::model::settings::Settings;

/// The folder of a partner's results page, below each kit page.
const RESULTS_FOLDER: &str = "results";

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

    /// The root-relative URL of the kit page in `lang` of the kit at `token`: the
    /// market's language at the kit's root, the others below it.
    pub(crate) fn kit_page(&self, token: &str, lang: &str, market_lang: &str) -> String {
        if lang == market_lang {
            self.file(&format!("kits/{token}/"))
        } else {
            self.file(&format!("kits/{token}/{lang}/"))
        }
    }

    /// The root-relative URL of the partner's results page in `lang`, below its kit
    /// page.
    pub(crate) fn results_page(&self, token: &str, lang: &str, market_lang: &str) -> String {
        format!(
            "{}{RESULTS_FOLDER}/",
            self.kit_page(token, lang, market_lang)
        )
    }

    /// The output file (relative to public/) that serves `url`.
    pub(crate) fn output_file(&self, url: &str) -> String {
        let rel = url.strip_prefix(&self.base_path).unwrap_or(url);
        format!("{rel}index.html")
    }
}

/// The public path of `story`'s share card in `lang`: JPEG when its banner is a
/// photo or places one, PNG otherwise.
pub(crate) fn story_card(project: &Project, story: &Story, lang: &str) -> String {
    let ext = story
        .banner
        .as_deref()
        .and_then(|name| project.banners.iter().find(|b| b.name == name))
        .map_or("png", |b| b.image_extension());
    format!("share/stories/{}-{lang}.{ext}", story.slug)
}

/// The public path of the share card of `partner`'s landing page in `lang`.
pub(crate) fn partner_card(partner: &Partner, lang: &str) -> String {
    format!("share/p/{}-{lang}.png", partner.id)
}

/// The public path of the kit pages' share card in `lang`.
pub(crate) fn kit_card(lang: &str) -> String {
    format!("share/kit-{lang}.png")
}

/// The public path of the share card of the brand's home and content pages in `lang`.
pub(crate) fn site_card(lang: &str) -> String {
    format!("share/site-{lang}.png")
}

/// The public path of a photo banner, copied as it is.
pub(crate) fn photo(banner: &Banner) -> String {
    format!("banners/{}", banner.name)
}

/// The public path of the image that shows banner `name` on pages in `lang`: a photo
/// as it is; a template as its brand image in `lang` at the first landscape kit size
/// (or the first size), as [`brand_image`] names it. `None` for an unknown banner.
pub(crate) fn banner_image(project: &Project, name: &str, lang: &str) -> Option<String> {
    let banner = project.banners.iter().find(|b| b.name == name)?;
    Some(match banner.name.strip_suffix(".svg") {
        None => photo(banner),
        Some(_) => {
            let size = project
                .settings
                .kit_sizes
                .iter()
                .copied()
                .find(|(w, h)| w > h)
                .or(project.settings.kit_sizes.first().copied())
                .unwrap_or((1200, 630));
            brand_image(banner, lang, size)
        }
    })
}

/// The public path of a banner template's brand image (no partner) at one size.
pub(crate) fn brand_image(banner: &Banner, lang: &str, (width, height): (u32, u32)) -> String {
    format!(
        "banners/{}-{lang}-{width}x{height}.{}",
        banner.slug(),
        banner.image_extension()
    )
}

/// The public path of a photo banner resized for kits (`file` as the kit names it),
/// shared by every kit.
pub(crate) fn kit_asset(file: &str) -> String {
    format!("kits/assets/{file}")
}

/// Where one partner's kit files live: under `kits/<token>/`.
#[derive(Debug, Clone)]
pub(crate) struct KitPaths {
    dir: String,
}

impl KitPaths {
    /// The kit folder of the partner whose kit token is `token`.
    pub(crate) fn new(token: &str) -> KitPaths {
        KitPaths {
            dir: format!("kits/{token}"),
        }
    }

    /// The QR code as a PNG.
    pub(crate) fn qr_png(&self) -> String {
        format!("{}/images/qr.png", self.dir)
    }

    /// The QR code as an SVG.
    pub(crate) fn qr_svg(&self) -> String {
        format!("{}/images/qr.svg", self.dir)
    }

    /// A banner template drawn for the partner, in `lang` at `size` (`1200x630`).
    pub(crate) fn banner(&self, slug: &str, lang: &str, size: &str, ext: &str) -> String {
        format!("{}/images/{slug}-{lang}-{size}.{ext}", self.dir)
    }

    /// The e-mail copy in `lang` as a draft to open in a mail client.
    pub(crate) fn email_draft(&self, partner: &str, lang: &str) -> String {
        format!("{}/{partner}-email-{lang}.eml", self.dir)
    }

    /// The kit's zip in `lang`: its file name and its public path.
    pub(crate) fn zip(&self, partner: &str, lang: &str) -> (String, String) {
        let file = format!("{partner}-{lang}.zip");
        let path = format!("{}/{file}", self.dir);
        (file, path)
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
