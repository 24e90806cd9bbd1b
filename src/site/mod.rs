//! Site output: plan every page, render them in parallel, hand bytes to the writer.
//!
//! Brand pages (`public/<lang>/…`) and each partner's microsite
//! (`public/p/<id>/<lang>/…`) are rendered from the same stories: the Markdown was
//! rendered once at load time, so per-partner work is only the template with the
//! partner's name and tracked links. Pages are independent jobs run on every core;
//! their order never reaches the output, so it is deterministic.

pub(crate) mod context;
pub(crate) mod hosting;
pub(crate) mod images;
pub(crate) mod incremental;
pub(crate) mod short;

use rayon::prelude::*;

use crate::base::diagnostics::{display_path, Diagnostic, Error, Report, Result};
use crate::kits::PartnerKit;
use crate::model::documents::{Page, Story};
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::output::Staging;
use crate::render::templates::Templates;
use crate::results::PartnerPage;

pub(crate) use context::Contexts;

/// One page to render.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Job<'a> {
    /// `public/index.html`: the language choice.
    Entry,
    /// A brand home page.
    Home {
        /// Language.
        lang: &'a str,
    },
    /// A brand content page.
    Page {
        /// Language.
        lang: &'a str,
        /// The page.
        page: &'a Page,
    },
    /// A story, on the brand site (`partner: None`) or a partner's microsite.
    Story {
        /// Language.
        lang: &'a str,
        /// The story.
        story: &'a Story,
        /// Whose microsite, if any.
        partner: Option<&'a Partner>,
    },
    /// A partner's landing page.
    PartnerHome {
        /// Language.
        lang: &'a str,
        /// The partner.
        partner: &'a Partner,
    },
    /// `404.html`: one page in every language.
    NotFound,
    /// A partner's private kit page, from the kit [`crate::kits::build`] made.
    Kit {
        /// Language.
        lang: &'a str,
        /// The partner's kit.
        kit: &'a PartnerKit<'a>,
    },
    /// A partner's private results page, below its kit page.
    Results {
        /// Language.
        lang: &'a str,
        /// The partner's results.
        page: &'a PartnerPage<'a>,
    },
}

impl Job<'_> {
    /// The template that renders this page.
    pub(crate) fn template(&self) -> &'static str {
        match self {
            Job::Entry => "entry.html",
            Job::Home { .. } => "home.html",
            Job::Page { .. } => "page.html",
            Job::Story { .. } => "story.html",
            Job::PartnerHome { .. } => "partner.html",
            Job::NotFound => hosting::NOT_FOUND,
            Job::Kit { .. } => "kit.html",
            Job::Results { .. } => RESULTS_TEMPLATE,
        }
    }

    /// The partner whose microsite the page belongs to; `None` for brand pages, the
    /// not-found page and kit pages (which belong to the partner's kit).
    pub(crate) fn partner(&self) -> Option<&Partner> {
        match *self {
            Job::Story { partner, .. } => partner,
            Job::PartnerHome { partner, .. } => Some(partner),
            _ => None,
        }
    }

    /// What is being rendered, for error messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Job::Entry => "the language choice page".to_owned(),
            Job::Home { lang } => format!("the {lang} home page"),
            Job::Page { lang, page } => display_path(&page.text(lang).file),
            Job::Story {
                lang,
                story,
                partner: None,
            } => display_path(&story.text(lang).file),
            Job::Story {
                lang,
                story,
                partner: Some(p),
            } => {
                format!(
                    "{} for partner `{}`",
                    display_path(&story.text(lang).file),
                    p.id
                )
            }
            Job::PartnerHome { lang, partner } => {
                format!("the {lang} landing page of partner `{}`", partner.id)
            }
            Job::NotFound => "the not-found page (404.html)".to_owned(),
            Job::Kit { lang, kit } => {
                format!("the {lang} kit page of partner `{}`", kit.partner.id)
            }
            Job::Results { lang, page } => {
                format!("the {lang} results page of partner `{}`", page.partner.id)
            }
        }
    }
}

/// Every page of the site, in a stable order; `not_found` adds the not-found page
/// (when the theme has its template and no static file replaces it). Kit pages are
/// planned by [`plan_kits`] once the kits are made.
pub(crate) fn plan(project: &Project, not_found: bool) -> Vec<Job<'_>> {
    let brand = project.builds_brand();
    let mut jobs = if brand { vec![Job::Entry] } else { Vec::new() };
    let languages = &project.settings.languages;
    // A shard other than the first builds its partners' pages alone.
    for lang in languages.iter().filter(|_| brand) {
        jobs.push(Job::Home { lang });
        jobs.extend(project.pages.iter().map(|page| Job::Page { lang, page }));
        jobs.extend(project.stories.iter().map(|story| Job::Story {
            lang,
            story,
            partner: None,
        }));
    }
    for partner in &project.partners {
        for lang in languages {
            jobs.push(Job::PartnerHome { lang, partner });
            jobs.extend(
                project
                    .stories_for_market(&partner.market)
                    .map(|story| Job::Story {
                        lang,
                        story,
                        partner: Some(partner),
                    }),
            );
        }
    }
    if not_found && brand {
        jobs.push(Job::NotFound);
    }
    jobs
}

/// The kit page of every partner's kit in every language.
pub(crate) fn plan_kits<'a>(project: &'a Project, kits: &'a [PartnerKit<'a>]) -> Vec<Job<'a>> {
    kits.iter()
        .flat_map(|kit| {
            project
                .settings
                .languages
                .iter()
                .map(move |lang| Job::Kit { lang, kit })
        })
        .collect()
}

/// The results pages of `pages`, one per partner and language.
pub(crate) fn plan_results<'a>(project: &'a Project, pages: &'a [PartnerPage<'a>]) -> Vec<Job<'a>> {
    pages
        .iter()
        .flat_map(|page| {
            project
                .settings
                .languages
                .iter()
                .map(move |lang| Job::Results { lang, page })
        })
        .collect()
}

pub(crate) use crate::base::vocab::RESULTS_TEMPLATE;

/// Renders every planned page into `staging`, in parallel, reporting every failure.
pub(crate) fn render_pages(
    jobs: &[Job<'_>],
    contexts: &Contexts<'_>,
    templates: &Templates,
    staging: &Staging,
    progress: &indicatif::ProgressBar,
) -> Result<usize> {
    let files: Vec<String> = jobs.iter().map(|job| contexts.file_of(job)).collect();
    let own_folder = staging.prepare_folders(&files)?;
    let failures: Vec<Error> = jobs
        .par_iter()
        .zip(files.par_iter().zip(own_folder.par_iter()))
        // One output buffer per worker, reused for every page it renders.
        .map_init(Vec::new, |html, (job, (file, &own_folder))| {
            progress.inc(1);
            let (_, context) = contexts.for_job(job);
            let source = job.describe();
            html.clear();
            if let Err(d) = templates.render_into(job.template(), &context, &source, html) {
                return Some(Error::from(d));
            }
            let written = if own_folder {
                staging.write_public_in_own_folder(file, html, &source)
            } else {
                staging.write_public(file, html, &source)
            };
            written.err()
        })
        .flatten()
        .collect();
    if failures.is_empty() {
        return Ok(jobs.len());
    }
    let mut report = Report::default();
    for failure in failures {
        match failure {
            Error::Content(d) => report.extend(d),
            other => return Err(other),
        }
    }
    dedupe_template_errors(report.into_diagnostics())
}

/// One template mistake fails every page that uses it; report it once.
pub(crate) fn dedupe_template_errors(mut diagnostics: Vec<Diagnostic>) -> Result<usize> {
    let total = diagnostics.len();
    crate::base::diagnostics::sort(&mut diagnostics);
    let mut kept: Vec<Diagnostic> = Vec::new();
    for d in diagnostics {
        let key = |x: &Diagnostic| {
            (
                x.file.clone(),
                x.line,
                x.column,
                x.message
                    .split(" (while rendering")
                    .next()
                    .map(str::to_owned),
            )
        };
        if kept.iter().any(|k| key(k) == key(&d)) {
            continue;
        }
        kept.push(d);
    }
    if kept.len() < total {
        kept.push(
            Diagnostic::project(format!(
                "{total} pages failed to render; each distinct error is shown once above"
            ))
            .warning(),
        );
    }
    Err(Error::Content(kept))
}

/// Copies `files` (the [`static_files`]) into the output.
pub(crate) fn copy_files(
    files: &[(String, std::path::PathBuf, String)],
    staging: &Staging,
) -> Result<()> {
    files
        .par_iter()
        .try_for_each(|(rel, path, source)| staging.copy_public(rel, path, source))
}

/// Files copied as they are: (output path, source path, source shown to users).
pub(crate) fn static_files(project: &Project) -> Result<Vec<(String, std::path::PathBuf, String)>> {
    let root = &project.root;
    let theme_static = root
        .join(crate::base::vocab::THEMES_DIR)
        .join(&project.settings.theme)
        .join(crate::base::vocab::STATIC_DIR);
    let project_static = root.join(crate::base::vocab::STATIC_DIR);
    let mut files: Vec<(String, std::path::PathBuf, String)> = Vec::new();
    let mut theme_files = std::collections::BTreeMap::new();
    for (path, shown) in crate::base::files::files_under(root, &theme_static)? {
        let rel = display_path(path.strip_prefix(&theme_static).unwrap_or(&path));
        theme_files.insert(rel, (path, shown));
    }
    // A project file of the same name overrides the theme's, as templates do.
    for (path, shown) in crate::base::files::files_under(root, &project_static)? {
        let rel = display_path(path.strip_prefix(&project_static).unwrap_or(&path));
        theme_files.remove(&rel);
        files.push((rel, path, display_path(&shown)));
    }
    for (rel, (path, shown)) in theme_files {
        files.push((rel, path, display_path(&shown)));
    }
    // Templates are rendered, not copied; a photo's sidecar is settings.
    for banner in project.banners.iter().filter(|b| !b.is_template()) {
        files.push((
            crate::render::urls::photo(banner),
            banner.path.clone(),
            format!("{}/{}", crate::base::vocab::BANNERS_DIR, banner.name),
        ));
    }
    Ok(files)
}
