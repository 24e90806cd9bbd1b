//! Content loading: everything under `content/` becomes plain data.
//!
//! This is the first stage of the pipeline. It reads stories, pages, pitch copy, the
//! partner registry and banners into a [`Project`], renders each Markdown body once,
//! and checks the content as a whole (pairs complete, markets and banners known),
//! reporting every problem at once. Later stages only read the [`Project`].

mod documents;
pub mod front_matter;
pub mod pitch;
pub mod translations;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::base::diagnostics::{Diagnostic, Report, Result};
use crate::base::files;
use crate::model::partners::{self, Partner};
use crate::model::playbooks::{self, PartnerPlaybook, Playbook};
use crate::model::settings::Settings;
use crate::text::typography::typeset;

pub use crate::text::markdown::Html;

pub(crate) use documents::push_error;
pub use documents::Parsed;
pub use pitch::Pitch;

/// Page slugs the site's own paths use under `/<lang>/`.
pub const RESERVED_PAGE_SLUGS: &[&str] = &["stories"];
/// Folder of stories, relative to the root.
pub const STORIES_DIR: &str = "content/stories";
/// Folder of pages.
pub const PAGES_DIR: &str = "content/pages";
/// Folder of pitch copy.
pub const PITCH_DIR: &str = "content/pitch";
/// Folder of banner images.
pub const BANNERS_DIR: &str = "content/banners";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoryFront {
    title: String,
    summary: String,
    date: Spanned<String>,
    #[serde(default)]
    markets: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    banner: Option<Spanned<String>>,
    #[serde(default)]
    source_hash: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFront {
    title: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    weight: Option<i64>,
    #[serde(default)]
    source_hash: Option<String>,
}

/// One language version of a story or page.
#[derive(Debug, Clone)]
pub struct Text {
    /// Language code.
    pub lang: String,
    /// Source file relative to the project root.
    pub file: PathBuf,
    /// Title.
    pub title: String,
    /// One or two sentences for cards and meta descriptions.
    pub summary: Option<String>,
    /// The whole source file as read (front matter included, a byte-order mark
    /// dropped); the body is its tail, and offsets into the file count in this text.
    pub source: String,
    /// Where the body starts in `source`.
    pub body_start: usize,
    /// The body as HTML.
    pub html: Html,
    /// Heading ids in the body.
    pub anchors: Vec<String>,
    /// A translation whose recorded `source_hash` no longer matches its source.
    pub stale: bool,
}

/// A case study, in every language of the site.
#[derive(Debug, Clone)]
pub struct Story {
    /// Safe slug shared by all versions.
    pub slug: String,
    /// Publication date, `YYYY-MM-DD`.
    pub date: String,
    /// Markets the story is meant for; `None` means every market.
    pub markets: Option<Vec<String>>,
    /// File name of a banner in `content/banners/`.
    pub banner: Option<String>,
    /// One version per site language, in the site's language order.
    pub texts: Vec<Text>,
}

impl Story {
    /// True when partners of `market` get this story.
    pub fn is_for_market(&self, market: &str) -> bool {
        self.markets
            .as_ref()
            .is_none_or(|m| m.iter().any(|id| id == market))
    }

    /// The version in `lang`.
    pub fn text(&self, lang: &str) -> &Text {
        text_in(&self.texts, lang)
    }
}

/// A page such as "About the program" or the FAQ, in every language.
#[derive(Debug, Clone)]
pub struct Page {
    /// Safe slug shared by all versions.
    pub slug: String,
    /// Order in navigation (lower first).
    pub weight: i64,
    /// One version per site language, in the site's language order.
    pub texts: Vec<Text>,
}

impl Page {
    /// The version in `lang`.
    pub fn text(&self, lang: &str) -> &Text {
        text_in(&self.texts, lang)
    }
}

impl Text {
    /// The body as Markdown, as written.
    pub fn markdown(&self) -> &str {
        self.source.get(self.body_start..).unwrap_or_default()
    }
}

fn text_in<'a>(texts: &'a [Text], lang: &str) -> &'a Text {
    texts
        .iter()
        .find(|t| t.lang == lang)
        .expect("loading guarantees a version in every site language")
}

/// A banner image shared by every partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    /// File name, e.g. `banner-growth.png`.
    pub name: String,
    /// Absolute path of the source file.
    pub path: PathBuf,
}

/// Everything the build needs, loaded and checked.
#[derive(Debug)]
pub struct Project {
    /// The project root.
    pub root: PathBuf,
    /// Checked settings.
    pub settings: Settings,
    /// Stories, newest first (ties by slug).
    pub stories: Vec<Story>,
    /// Pages by weight, then slug.
    pub pages: Vec<Page>,
    /// Pitch copy sorted by market, channel, language.
    pub pitches: Vec<Pitch>,
    /// Partners sorted by id.
    pub partners: Vec<Partner>,
    /// Banners sorted by name.
    pub banners: Vec<Banner>,
    /// Each market's playbook, by market id.
    pub playbooks: BTreeMap<String, Playbook>,
    /// Each partner's resolved playbook, by partner id (every partner has one).
    pub partner_playbooks: BTreeMap<String, PartnerPlaybook>,
    /// Partners in the registry, before any selection (`--partners`).
    pub registry_size: usize,
}

impl Project {
    /// Loads the content of the project at `root`, reporting every problem at once.
    pub fn load(root: &Path, settings: Settings) -> Result<Project> {
        let mut report = Report::default();
        let banners = load_banners(root, &mut report);
        let stories = load_stories(root, &settings, &banners, &mut report);
        let pages = load_pages(root, &settings, &mut report);
        let pitches = pitch::load(root, &settings, &mut report);
        let partners = match partners::load(root, &settings) {
            Ok(p) => p,
            Err(err) => {
                documents::push_error(&mut report, err);
                Vec::new()
            }
        };
        check_no_codes_in_shared_text(&stories, &pages, &partners, root, &mut report);
        let playbooks = playbooks::load(root, &settings, &pitches, &partners, &mut report);
        report.into_result()?;
        let partner_playbooks = partners
            .iter()
            .filter_map(|p| Some((p.id.clone(), playbooks.get(&p.market)?.resolve(p))))
            .collect();
        Ok(Project {
            root: root.to_path_buf(),
            settings,
            stories,
            pages,
            pitches,
            registry_size: partners.len(),
            partners,
            banners,
            playbooks,
            partner_playbooks,
        })
    }

    /// The resolved playbook of `partner`.
    pub fn playbook(&self, partner: &Partner) -> &PartnerPlaybook {
        self.partner_playbooks
            .get(&partner.id)
            .expect("loading resolves a playbook for every partner")
    }

    /// Keeps only the partners `selection` matches (a pilot build); playbooks and
    /// ambassadors stay as resolved from the whole registry.
    pub fn select(&mut self, selection: &crate::model::selection::Selection) {
        self.partners.retain(|p| selection.matches(p));
        let kept: std::collections::BTreeSet<&str> =
            self.partners.iter().map(|p| p.id.as_str()).collect();
        self.partner_playbooks
            .retain(|id, _| kept.contains(id.as_str()));
    }

    /// Stories meant for partners of `market`.
    pub fn stories_for_market<'a>(&'a self, market: &'a str) -> impl Iterator<Item = &'a Story> {
        self.stories.iter().filter(move |s| s.is_for_market(market))
    }
}

/// Stories and pages are shared by every partner's microsite, so a referral code in
/// their text would show on other partners' pages and misattribute referrals.
fn check_no_codes_in_shared_text(
    stories: &[Story],
    pages: &[Page],
    partners: &[Partner],
    root: &Path,
    report: &mut Report,
) {
    let codes: std::collections::HashMap<&str, &str> = partners
        .iter()
        .map(|p| (p.code.as_str(), p.id.as_str()))
        .collect();
    if codes.is_empty() {
        return;
    }
    let texts = stories
        .iter()
        .flat_map(|s| &s.texts)
        .chain(pages.iter().flat_map(|p| &p.texts));
    for text in texts {
        let words = text
            .html
            .split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit()));
        let Some((code, partner)) = words.filter_map(|w| codes.get_key_value(w)).next() else {
            continue;
        };
        let mut d = Diagnostic::error(&text.file, format!("the text names referral code `{code}` of partner `{partner}`"))
            .help("stories and pages appear on every partner's microsite; refer to the partner by name and let refkit add the tracked links");
        if let Ok(source) = std::fs::read_to_string(root.join(&text.file)) {
            if let Some(offset) = source.find(code) {
                d = d.at_offset(&source, offset);
            }
        }
        report.push(d);
    }
}

fn load_banners(root: &Path, report: &mut Report) -> Vec<Banner> {
    let files = match files::files_under(root, &root.join(BANNERS_DIR)) {
        Ok(files) => files,
        Err(err) => {
            documents::push_error(report, err);
            return Vec::new();
        }
    };
    let mut banners = Vec::new();
    for (path, shown) in files {
        let name = shown
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        let ok_ext = [".png", ".jpg", ".jpeg"].iter().any(|e| lower.ends_with(e));
        let stem = lower.rsplit_once('.').map_or("", |(s, _)| s);
        if shown.parent() != Some(Path::new(BANNERS_DIR))
            || !ok_ext
            || !crate::base::slug::is_slug(stem)
            || lower != name
        {
            report.push(Diagnostic::error(&shown, "banners are PNG or JPEG files named `<slug>.png` or `<slug>.jpg` directly in content/banners/")
                .help("rename the file with lowercase ASCII letters, digits and hyphens, or move it elsewhere"));
            continue;
        }
        banners.push(Banner { name, path });
    }
    banners
}

fn load_stories(
    root: &Path,
    settings: &Settings,
    banners: &[Banner],
    report: &mut Report,
) -> Vec<Story> {
    let groups =
        documents::load_translated::<StoryFront>(root, STORIES_DIR, "story", settings, report);
    let mut stories = Vec::with_capacity(groups.len());
    for (slug, versions) in groups {
        let first = &versions[0];
        let mut ok = true;
        for v in &versions {
            let f = &v.front;
            let at = |l: &serde_saphyr::Location, m: String| v.error_at(l, m);
            if !is_date(&f.date.value) {
                report.push(
                    at(
                        &f.date.referenced,
                        format!("`{}` is not a date", f.date.value),
                    )
                    .help("write the date as YYYY-MM-DD, e.g. 2026-09-14"),
                );
                ok = false;
            }
            for m in f.markets.iter().flatten() {
                if settings.market(&m.value).is_none() {
                    report.push(
                        at(&m.referenced, format!("unknown market `{}`", m.value)).help(format!(
                            "use one of the markets in site.yaml: {}",
                            settings.market_list()
                        )),
                    );
                    ok = false;
                }
            }
            if let Some(b) = &f.banner {
                if !banners.iter().any(|x| x.name == b.value) {
                    report.push(
                        at(
                            &b.referenced,
                            format!("banner `{}` is not in {BANNERS_DIR}/", b.value),
                        )
                        .help("add the image to content/banners/ or fix the file name"),
                    );
                    ok = false;
                }
            }
            if f.title.trim().is_empty() {
                report.push(Diagnostic::error(&v.file, "the title is empty").at(&v.text, 2, 1));
                ok = false;
            }
            if v.lang != first.lang {
                let same_markets = values(&f.markets) == values(&first.front.markets);
                let same_date = f.date.value == first.front.date.value;
                let same_banner = f.banner.as_ref().map(|b| &b.value)
                    == first.front.banner.as_ref().map(|b| &b.value);
                for (same, key, line) in [
                    (
                        same_markets,
                        "markets",
                        f.markets
                            .as_ref()
                            .and_then(|m| m.first())
                            .map(|m| m.referenced),
                    ),
                    (same_date, "date", Some(f.date.referenced)),
                    (
                        same_banner,
                        "banner",
                        f.banner.as_ref().map(|b| b.referenced),
                    ),
                ] {
                    if !same {
                        let d = Diagnostic::error(
                            &v.file,
                            format!(
                                "`{key}` differs from {}",
                                crate::base::diagnostics::display_path(&first.file)
                            ),
                        )
                        .help(format!(
                            "the versions of a story share one `{key}`; make them equal"
                        ));
                        report.push(match line {
                            Some(l) => {
                                let located = v.error_at(&l, String::new());
                                d.at(
                                    &v.text,
                                    located.line.unwrap_or(1),
                                    located.column.unwrap_or(1),
                                )
                            }
                            None => d.at(&v.text, 1, 1),
                        });
                        ok = false;
                    }
                }
            }
        }
        if !ok {
            continue;
        }
        stories.push(Story {
            slug,
            date: first.front.date.value.clone(),
            markets: first.front.markets.as_ref().map(|m| {
                let mut ids: Vec<String> = m.iter().map(|s| s.value.clone()).collect();
                ids.sort();
                ids.dedup();
                ids
            }),
            banner: first.front.banner.as_ref().map(|b| b.value.clone()),
            texts: texts(versions),
        });
    }
    stories.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    stories
}

/// What stories and pages share in their front matter.
trait TextFront {
    fn title(&self) -> &str;
    fn summary(&self) -> Option<&str>;
    fn source_hash(&self) -> Option<&str>;
}

impl TextFront for StoryFront {
    fn title(&self) -> &str {
        &self.title
    }
    fn summary(&self) -> Option<&str> {
        Some(&self.summary)
    }
    fn source_hash(&self) -> Option<&str> {
        self.source_hash.as_deref()
    }
}

impl TextFront for PageFront {
    fn title(&self) -> &str {
        &self.title
    }
    fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }
    fn source_hash(&self) -> Option<&str> {
        self.source_hash.as_deref()
    }
}

/// The versions of one story or page as `Text`s; the first version is the source. A
/// translation is stale when it records a source version other than the current one
/// (the source is hashed only when some translation records a version).
fn texts<F: TextFront>(versions: Vec<Parsed<F>>) -> Vec<Text> {
    let current = if versions.iter().any(|v| v.front.source_hash().is_some()) {
        crate::load::translations::source_hash(versions[0].body())
    } else {
        String::new()
    };
    versions
        .into_iter()
        .map(|v| Text {
            stale: v.front.source_hash().is_some_and(|h| h != current),
            title: typeset(v.front.title().trim(), &v.lang),
            summary: v.front.summary().map(|s| typeset(s.trim(), &v.lang)),
            lang: v.lang,
            file: v.file,
            source: v.text,
            body_start: v.body_start,
            html: v.html,
            anchors: v.anchors,
        })
        .collect()
}

fn values(markets: &Option<Vec<Spanned<String>>>) -> Option<Vec<&str>> {
    markets.as_ref().map(|m| {
        let mut v: Vec<&str> = m.iter().map(|s| s.value.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

fn load_pages(root: &Path, settings: &Settings, report: &mut Report) -> Vec<Page> {
    let groups = documents::load_translated::<PageFront>(root, PAGES_DIR, "page", settings, report);
    let mut pages: Vec<Page> = groups
        .into_iter()
        .map(|(slug, versions)| Page {
            slug,
            weight: versions.iter().find_map(|v| v.front.weight).unwrap_or(0),
            texts: texts(versions),
        })
        .collect();
    for page in &pages {
        if RESERVED_PAGE_SLUGS.contains(&page.slug.as_str()) {
            let t = &page.texts[0];
            report.push(
                Diagnostic::error(
                    &t.file,
                    format!(
                        "a page cannot be called `{}`: the site uses that path itself",
                        page.slug
                    ),
                )
                .help(format!(
                    "rename the page; reserved names: {}",
                    RESERVED_PAGE_SLUGS.join(", ")
                )),
            );
        }
    }
    pages.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.slug.cmp(&b.slug)));
    pages
}

/// True for a plausible `YYYY-MM-DD` date.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|p| p.parse().ok())
    };
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1970 && (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::is_date;

    #[test]
    fn dates_are_checked_for_real_calendar_days() {
        assert!(is_date("2026-09-14"));
        assert!(is_date("2028-02-29"));
        assert!(!is_date("2026-02-29"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("14.09.2026"));
        assert!(!is_date("2026-9-14"));
    }
}
