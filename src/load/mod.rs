//! Content loading: everything under `content/` becomes plain data.
//!
//! This is the first stage of the pipeline. It reads stories, pages, pitch copy, the
//! partner registry and banners into a [`Project`], renders each Markdown body once,
//! and checks the content as a whole (pairs complete, markets and banners known),
//! reporting every problem at once. Later stages only read the [`Project`].

mod documents;
pub(crate) mod front_matter;
pub(crate) mod pitch;
pub(crate) mod results;
pub(crate) mod sources;
pub(crate) mod testing;
pub(crate) mod translations;

use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::base::dates::is_date;
use crate::base::diagnostics::{Diagnostic, Report, Result};
use crate::base::files;
use crate::base::vocab::{BANNERS_DIR, PAGES_DIR, RESERVED_PAGE_SLUGS, STORIES_DIR};
use crate::model::audience::Audience;
use crate::model::documents::{Banner, Page, Story, Text};
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::model::settings::Settings;
use crate::model::terms::TermSheet;
use crate::text::typography::typeset;

use crate::base::diagnostics::push_error;
pub(crate) use documents::Parsed;

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
    /// `clients` (default: microsites and kits) or `prospects` (the brand's pages only).
    #[serde(default)]
    audience: Option<Spanned<String>>,
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

/// Loads the content of the project at `root`, reporting every problem at once.
pub(crate) fn project(root: &Path, settings: Settings) -> Result<Project> {
    project_with(root, settings, true)
}

/// Loads the project as [`project`] does; without `keep_source`, each story's and
/// page's Markdown is dropped once rendered (a build needs only its HTML, plain text
/// and front matter), so a large site's sources and HTML are never all in memory.
pub(crate) fn project_with(root: &Path, settings: Settings, keep_source: bool) -> Result<Project> {
    let mut report = Report::default();
    let banners = load_banners(root, &mut report);
    // Kits hold each story as plain text: with partners, it is made from the same
    // parse as the story's HTML.
    let partners = sources::partners(root, &settings);
    let kits = partners.as_ref().is_ok_and(|p| !p.is_empty());
    let mut pitches = pitch::load(root, &settings, &mut report);
    let partners = match partners {
        Ok(p) => p,
        Err(err) => {
            push_error(&mut report, err);
            Vec::new()
        }
    };
    // Playbooks before stories and pages: their `{{ terms.… }}` are the playbooks'.
    let playbooks = sources::playbooks(root, &settings, &pitches, &partners, &mut report);
    let terms = TermSheet::new(&settings, &playbooks);
    pitch::expand_terms(&mut pitches, &terms, root, &mut report);
    let stories = load_stories(
        root,
        &settings,
        &banners,
        kits,
        keep_source,
        &terms,
        &mut report,
    );
    let pages = load_pages(root, &settings, keep_source, &terms, &mut report);
    check_no_codes_in_shared_text(&stories, &pages, &partners, root, &mut report);
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
        shard: None,
    })
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
    let Some(shortest) = codes.keys().map(|c| c.len()).min() else {
        return;
    };
    let longest = codes.keys().map(|c| c.len()).max().unwrap_or(shortest);
    let texts: Vec<&Text> = stories
        .iter()
        .flat_map(|s| &s.texts)
        .chain(pages.iter().flat_map(|p| &p.texts))
        .collect();
    // Only words as long as some code are looked up: most words are not.
    let found: Vec<(&Text, &str, &str)> = texts
        .par_iter()
        .filter_map(|text| {
            let (code, partner) = text
                .html
                .split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit()))
                .filter(|w| (shortest..=longest).contains(&w.len()))
                .find_map(|w| codes.get_key_value(w))?;
            Some((*text, *code, *partner))
        })
        .collect();
    for (text, code, partner) in found {
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
            push_error(report, err);
            return Vec::new();
        }
    };
    let mut banners = Vec::new();
    let mut sidecars = Vec::new();
    for (path, shown) in files {
        let name = shown
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        let (stem, ext) = lower.rsplit_once('.').unwrap_or(("", ""));
        let ok_ext = ["png", "jpg", "jpeg", "svg", "yaml"].contains(&ext);
        if shown.parent() != Some(Path::new(BANNERS_DIR))
            || !ok_ext
            || !crate::base::slug::is_slug(stem)
            || lower != name
        {
            report.push(Diagnostic::error(&shown, format!("banners are SVG templates, PNG or JPEG photos named `<slug>.svg`, `<slug>.png` or `<slug>.jpg` directly in {BANNERS_DIR}/, with an optional `<slug>.yaml` beside a photo"))
                .help("rename the file with lowercase ASCII letters, digits and hyphens, or move it elsewhere"));
            continue;
        }
        if ext == "yaml" {
            sidecars.push((stem.to_owned(), path, shown));
            continue;
        }
        // A template that places a photo makes JPEG images; the kit and the pages need
        // to know the extension before anything is drawn.
        let photographic =
            ext == "svg" && std::fs::read_to_string(&path).is_ok_and(|svg| svg.contains("<image"));
        banners.push(Banner {
            name,
            path,
            focus: (0.5, 0.5),
            photographic,
            in_kits: true,
        });
    }
    for (stem, path, shown) in sidecars {
        let Some(banner) = banners
            .iter_mut()
            .find(|b| b.slug() == stem && !b.is_template())
        else {
            report.push(
                Diagnostic::error(&shown, format!("there is no photo `{stem}.png` or `{stem}.jpg` beside this file"))
                    .help("a banner's `.yaml` holds settings for the photo of the same name; rename it or remove it"),
            );
            continue;
        };
        match read_sidecar(&path, &shown) {
            Ok((focus, in_kits)) => {
                banner.focus = focus;
                banner.in_kits = in_kits;
            }
            Err(d) => report.push(d),
        }
    }
    let mut slugs: Vec<&str> = banners.iter().map(Banner::slug).collect();
    slugs.sort_unstable();
    for pair in slugs.windows(2) {
        if pair[0] == pair[1] {
            report.push(
                Diagnostic::error(BANNERS_DIR, format!("two banners are called `{}`", pair[0]))
                    .help("kit images are named by slug: keep one file per slug"),
            );
        }
    }
    banners
}

/// A photo's sidecar: `focus: 30% 60%` and `kit: false`.
fn read_sidecar(path: &Path, shown: &Path) -> std::result::Result<((f32, f32), bool), Diagnostic> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sidecar {
        focus: Option<Spanned<String>>,
        kit: Option<bool>,
    }
    let text =
        files::read_text(path, shown).map_err(|e| Diagnostic::error(shown, e.to_string()))?;
    let sidecar: Sidecar = crate::base::yaml::parse_file(shown, &text)?;
    let in_kits = sidecar.kit.unwrap_or(true);
    match sidecar.focus {
        None => Ok(((0.5, 0.5), in_kits)),
        Some(f) => crate::model::documents::parse_focus(&f.value)
            .map(|focus| (focus, in_kits))
            .map_err(|why| {
                let l = f.referenced;
                Diagnostic::error(shown, why)
                    .at(&text, l.line() as usize, l.column() as usize)
                    .help("the focus is the point a crop keeps in view: `50% 50%` is the centre")
            }),
    }
}

/// The stories; `plain` makes each one's plain text too (see [`Text::plain`]).
fn load_stories(
    root: &Path,
    settings: &Settings,
    banners: &[Banner],
    plain: bool,
    keep_source: bool,
    terms: &TermSheet,
    report: &mut Report,
) -> Vec<Story> {
    let groups = documents::load_translated::<StoryFront>(
        root,
        &documents::Wanted {
            folder: STORIES_DIR,
            kind: "story",
            plain,
            keep_source,
        },
        settings,
        terms,
        report,
    );
    let mut stories = Vec::with_capacity(groups.len());
    for (slug, versions) in groups {
        let first = &versions[0];
        let mut ok = true;
        for v in &versions {
            ok &= check_story_version(v, settings, banners, report);
            if v.lang != first.lang {
                ok &= check_story_agrees(v, first, report);
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
            audience: first
                .front
                .audience
                .as_ref()
                .and_then(|a| Audience::parse(&a.value))
                .unwrap_or(Audience::Clients),
            texts: texts(versions),
        });
    }
    stories.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    stories
}

/// Checks what one version of a story says of itself: its date, markets, banner,
/// title and audience. False when something is reported.
fn check_story_version(
    v: &documents::Parsed<StoryFront>,
    settings: &Settings,
    banners: &[Banner],
    report: &mut Report,
) -> bool {
    let mut ok = true;
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
                .help(format!(
                    "add the image to {BANNERS_DIR}/ or fix the file name"
                )),
            );
            ok = false;
        }
    }
    if f.title.trim().is_empty() {
        report.push(Diagnostic::error(&v.file, "the title is empty").at(&v.text, 2, 1));
        ok = false;
    }
    if let Some(a) = &f.audience {
        if !matches!(
            Audience::parse(&a.value),
            Some(Audience::Clients | Audience::Prospects)
        ) {
            report.push(
                at(&a.referenced, format!("`{}` is not an audience a story can have", a.value))
                    .help("write `audience: clients` for a story partners' clients read (microsites and kits), or `audience: prospects` for one about what partners earn (the brand's pages only)"),
            );
            ok = false;
        }
    }
    ok
}

/// Checks that a version of a story agrees with the first on what the versions
/// share. False when something is reported.
fn check_story_agrees(
    v: &documents::Parsed<StoryFront>,
    first: &documents::Parsed<StoryFront>,
    report: &mut Report,
) -> bool {
    let mut ok = true;
    let f = &v.front;
    let same_markets = values(&f.markets) == values(&first.front.markets);
    let same_date = f.date.value == first.front.date.value;
    let same_banner =
        f.banner.as_ref().map(|b| &b.value) == first.front.banner.as_ref().map(|b| &b.value);
    let same_audience =
        f.audience.as_ref().map(|a| &a.value) == first.front.audience.as_ref().map(|a| &a.value);
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
        (
            same_audience,
            "audience",
            f.audience.as_ref().map(|a| a.referenced),
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
    ok
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
        versions[0]
            .body_hash
            .clone()
            .unwrap_or_else(|| crate::load::translations::source_hash(versions[0].body()))
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
            plain: v.plain,
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

fn load_pages(
    root: &Path,
    settings: &Settings,
    keep_source: bool,
    terms: &TermSheet,
    report: &mut Report,
) -> Vec<Page> {
    let groups = documents::load_translated::<PageFront>(
        root,
        &documents::Wanted {
            folder: PAGES_DIR,
            kind: "page",
            plain: false,
            keep_source,
        },
        settings,
        terms,
        report,
    );
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
