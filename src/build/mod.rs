//! The build pipeline, start to finish.
//!
//! ```text
//! site.yaml ─▶ Settings ─▶ Project (content, partners) ─▶ plan ─▶ render (parallel) ─▶ Staging ─▶ commit
//!                          Locales, Templates ──────────────────────▲
//! ```
//!
//! Each stage takes the previous stage's data and returns plain data; only the
//! [`Staging`] writer touches the disk, and only [`Staging::commit`] replaces the
//! previous output, so a failure anywhere leaves `public/` and `manifest/` as they were.

mod fingerprint;
pub(crate) mod manifest;
mod summary;

pub use summary::{BuildSummary, MarketCounts};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::base::dates::Date;
use crate::base::diagnostics::{Diagnostic, Error, Result};
use crate::base::env::Environment;
use crate::kits::{self, Secret};
use crate::model::project::Project;
use crate::model::selection::Selection;
use crate::output::{self, Staging};
use crate::render::links::Attribution;
use crate::render::locales::Locales;
use crate::render::templates::Templates;
use crate::site::incremental::{self, RenderCache};
use crate::site::{self, Contexts};

/// What to build and where.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The project root (holds site.yaml).
    pub root: PathBuf,
    /// The deployable output folder; default `<root>/public`.
    pub out: Option<PathBuf>,
    /// The private manifest folder; default `<root>/manifest`.
    pub manifest: Option<PathBuf>,
    /// Overrides `base_url` from site.yaml.
    pub base_url: Option<String>,
    /// What the commands read from the environment (`REFKIT_SECRET`,
    /// `SOURCE_DATE_EPOCH`, `HOME`); the default has nothing set.
    pub env: Environment,
    /// Leave kits out (the preview server builds them only when asked).
    pub skip_kits: bool,
    /// Show a progress bar on stderr (for terminals).
    pub progress: bool,
    /// Keys of the previous build's pages: with it, a build of the same preview
    /// re-renders only pages whose inputs changed (kits must be skipped).
    pub cache: Option<Arc<RenderCache>>,
    /// Render for the preview server: templates get `preview = true` and may show
    /// authoring hints such as stale translations.
    pub preview: bool,
    /// Build only these partners (`--partners`, a pilot build); default: all.
    pub partners: Selection,
    /// Cadence start of partners whose registry entry sets none (`--start`); without
    /// it, the day of `SOURCE_DATE_EPOCH` in [`BuildOptions::env`].
    pub start: Option<Date>,
}

/// Wall-clock time per stage, for `--json` reports and the benchmark (never written
/// into the output).
struct Stages {
    last: std::time::Instant,
    laps: Vec<(&'static str, f64)>,
}

impl Stages {
    fn start() -> Stages {
        Stages {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((name, (now - self.last).as_secs_f64()));
        self.last = now;
    }
}

/// Loads the project at `root` and applies command-line overrides to its settings.
pub fn load_project(root: &Path, base_url: Option<&str>) -> Result<Project> {
    load_project_with(root, base_url, true)
}

/// [`load_project`]; without `keep_source`, the Markdown sources are dropped once
/// rendered (see `load::project_with`).
fn load_project_with(root: &Path, base_url: Option<&str>, keep_source: bool) -> Result<Project> {
    let mut settings = crate::load::sources::settings(root)?;
    if let Some(url) = base_url {
        settings
            .set_base_url(url)
            .map_err(|why| Error::Usage(format!("--base-url: {why}")))?;
    }
    crate::load::project_with(root, settings, keep_source)
}

/// Loads the project and keeps the partners `selection` matches; a selection naming
/// an unknown market or partner, or matching nobody, is a usage error.
pub(crate) fn load_selected(
    root: &Path,
    base_url: Option<&str>,
    selection: &Selection,
) -> Result<Project> {
    // A build reads no source again once rendered.
    let mut project = load_project_with(root, base_url, false)?;
    if !selection.is_all() {
        selection
            .check(&project.settings, &project.partners)
            .map_err(Error::Usage)?;
        project.select(selection);
    }
    Ok(project)
}

/// Builds the project described by `options`.
pub fn build(options: &BuildOptions) -> Result<BuildSummary> {
    let root = &options.root;
    let public = options.out.clone().unwrap_or_else(|| root.join("public"));
    let manifest = options
        .manifest
        .clone()
        .unwrap_or_else(|| root.join("manifest"));
    let home = options.env.home.as_deref();
    output::guard::check_output_folder(root, &public, "--out", home)?;
    output::guard::check_output_folder(root, &manifest, "--manifest", home)?;
    if output::guard::resolve(&manifest).starts_with(output::guard::resolve(&public)) {
        return Err(Error::Usage(
            "the manifest lists partners and must not be inside the public folder".into(),
        ));
    }
    let _locks = (
        output::OutputLock::acquire(&public)?,
        output::OutputLock::acquire(&manifest)?,
    );

    let mut clock = Stages::start();
    let secret = Secret::from_env(&options.env);
    let fingerprint = fingerprint::fingerprint(root, options, &secret)?;
    clock.lap("fingerprint");
    if let Some(summary) = output::previous_build(&public, &manifest, &fingerprint)
        .and_then(|s| BuildSummary::parse(&s))
    {
        clock.lap("unchanged");
        let warnings = secret_warning(&secret, summary.partners, options.skip_kits)
            .into_iter()
            .collect();
        return Ok(BuildSummary {
            stages: clock.laps,
            warnings,
            ..summary
        });
    }
    let mut project = load_selected(root, options.base_url.as_deref(), &options.partners)?;
    if options.preview {
        // The preview serves kit files itself, wherever they are published.
        project.settings.keep_kits_beside_site();
    }
    let default_start = options.start.or_else(|| options.env.source_date());
    let locales = Arc::new(Locales::load(root, &project.settings)?);
    let attribution = Arc::new(Attribution::new(&project));
    let templates = Templates::load(
        root,
        &project.settings.theme,
        locales.clone(),
        attribution.clone(),
    )?;
    if !project.settings.results.is_empty()
        && !options.skip_kits
        && !templates.has(crate::base::vocab::RESULTS_TEMPLATE)
    {
        return Err(Diagnostic::error(
            crate::base::vocab::SETTINGS_FILE,
            format!(
                "`results:` lists result files, but theme `{}` has no {}",
                project.settings.theme,
                crate::base::vocab::RESULTS_TEMPLATE
            ),
        )
        .help("add the partners' results page template to the theme's templates/ (the harbor theme has one), or remove `results:`")
        .into());
    }
    let mut warnings: Vec<String> =
        secret_warning(&secret, project.partners.len(), options.skip_kits)
            .into_iter()
            .collect();
    let undated = if default_start.is_none() && !options.skip_kits {
        project
            .partners
            .iter()
            .filter(|p| p.start.is_none())
            .count()
    } else {
        0
    };

    clock.lap("load");
    let contexts = Contexts::new(&project, &locales, options.preview)
        .map_err(Diagnostic::project)?
        .with_share_cards(templates.has(kits::banners::SHARE_TEMPLATE));
    let static_files = site::static_files(&project)?;
    let jobs = site::plan(
        &project,
        site::deploy::plans_not_found(&templates, &static_files),
    );
    let keys = match &options.cache {
        Some(_) => Some(incremental::keys(
            &project,
            &templates,
            &jobs,
            &contexts,
            &format!("{:?}", options.base_url),
        )?),
        None => None,
    };
    if let (Some(cache), Some(keys)) = (&options.cache, &keys) {
        if !cache.is_empty() && options.skip_kits && public.join(output::MARKER).is_file() {
            let staging = Staging::update_in_place(&public, &manifest)?;
            site::copy_files(&static_files, &staging)?;
            if cache.images_changed(keys) {
                let fonts = kits::banners::Fonts::load(root, &project.settings.theme)?;
                let studio = kits::banners::Studio::new(&project, &templates, fonts);
                kits::banners::publish_brand(&studio, &staging)?;
                kits::banners::publish_cards(&studio, &staging)?;
            }
            let rendered =
                incremental::update(&staging, &jobs, &contexts, &templates, cache, keys.clone())?;
            staging.commit()?;
            clock.lap("pages");
            return Ok(BuildSummary {
                pages: rendered,
                files: rendered,
                links: 0,
                markets: BTreeMap::new(),
                bytes: 0,
                partners: project.partners.len(),
                registry: project.registry_size,
                undated: 0,
                kits: 0,
                warnings,
                stages: clock.laps,
            });
        }
    }
    let fonts = kits::banners::Fonts::load(root, &project.settings.theme)?;
    let studio = kits::banners::Studio::new(&project, &templates, fonts);
    let staging = Staging::create(&public, &manifest)?;
    let kit_count = if options.skip_kits {
        0
    } else {
        project.partners.len()
    };
    let bar = progress_bar(options.progress, jobs.len() + kit_count);
    site::copy_files(&static_files, &staging)?;
    let pages = site::render_pages(&jobs, &contexts, &templates, &staging, &bar)?;
    site::deploy::write(&project, &jobs, &contexts, &staging)?;
    warnings.extend(site::short::write(
        &project,
        &attribution,
        &locales,
        templates.has(kits::banners::SHARE_TEMPLATE),
        &staging,
    )?);
    clock.lap("pages");
    kits::banners::publish_brand(&studio, &staging)?;
    kits::banners::publish_cards(&studio, &staging)?;
    clock.lap("banners");
    let kits = if options.skip_kits {
        kits::Built::default()
    } else {
        bar.set_message("kits");
        bar.inc_length((kit_count * project.settings.languages.len()) as u64);
        // Each kit's pages are planned and rendered as soon as its zips are written.
        let kit_pages = |kit: kits::PartnerKit<'_>| -> Result<()> {
            let jobs = site::plan_kits(&project, std::slice::from_ref(&kit));
            site::render_pages(&jobs, &contexts, &templates, &staging, &bar).map(|_| ())
        };
        kits::build(
            &project,
            &templates,
            &locales,
            &attribution,
            &staging,
            &kits::KitOptions {
                secret: secret.clone(),
                default_start,
                source_date_epoch: options.env.source_date_epoch,
            },
            &studio,
            &kit_pages,
            &bar,
        )?
    };
    bar.finish_and_clear();
    clock.lap("kits");
    // Not a lap: the CPU time of the partners' images, summed over the threads.
    clock.laps.push(("kit images (cpu)", kits.image_seconds));
    let kits = kits.records;

    let links = attribution.counts();
    let results = read_results(root, &project, &attribution)?;
    if let Some(results) = &results {
        warnings.extend(unattributed_warning(results));
    }
    if let Some(results) = results.as_ref().filter(|_| !options.skip_kits) {
        // Each partner's results page, below its kit page.
        let pages = crate::results::partner_pages(&project, results, &locales, &secret)
            .map_err(Diagnostic::project)?;
        let jobs = site::plan_results(&project, &pages);
        site::render_pages(
            &jobs,
            &contexts,
            &templates,
            &staging,
            &ProgressBar::hidden(),
        )?;
    }
    clock.lap("results");
    manifest::write(
        &staging,
        &project,
        &attribution,
        &links,
        &kits,
        &options.partners,
        results.as_ref(),
    )?;
    if let Some(results) = &results {
        manifest::write_report(&staging, &project, results, &locales)?;
    }

    let markets = summary::market_counts(&project, &jobs, &kits, &links);
    let summary = BuildSummary {
        pages,
        files: staging.public_files(),
        links: links.total(),
        markets,
        bytes: staging.public_bytes(),
        partners: project.partners.len(),
        registry: project.registry_size,
        undated,
        kits: kits.len(),
        warnings,
        stages: Vec::new(),
    };
    staging.set_fingerprint(&fingerprint, &summary.record())?;
    staging.commit()?;
    if let (Some(cache), Some(keys)) = (&options.cache, keys) {
        cache.replace(keys);
    }
    // Freeing every story and page of a large site takes a while: a pool thread does
    // it, so the build returns (and the command exits) without waiting for it.
    drop((contexts, jobs));
    rayon::spawn(move || drop(project));
    clock.lap("write");
    Ok(BuildSummary {
        stages: clock.laps,
        ..summary
    })
}

/// The warning for result rows no partner was credited with, by cause; `None` when
/// every row was credited.
fn unattributed_warning(results: &crate::results::Results) -> Option<String> {
    let causes: Vec<String> = results
        .unattributed
        .iter()
        .filter(|(cause, _)| **cause != crate::results::Cause::NoPartner)
        .map(|(cause, u)| format!("{} {}", u.rows, cause.name()))
        .collect();
    (!causes.is_empty()).then(|| {
        format!(
            "warning: result rows not credited to any partner, by cause: {}; manifest/results/unattributed.csv lists where",
            causes.join(", ")
        )
    })
}

/// Problems reported for one result file before the rest are only counted.
const RESULT_PROBLEMS_SHOWN: usize = 200;

/// Reads every result file `site.yaml` lists, one event at a time, into the ledger
/// that attributes them through the links this build issued; `None` when it lists
/// none. Every problem of every file is reported at once (the first
/// [`RESULT_PROBLEMS_SHOWN`] of a file, then a count).
fn read_results(
    root: &Path,
    project: &Project,
    attribution: &Attribution,
) -> Result<Option<crate::results::Results>> {
    let files = &project.settings.results;
    if files.is_empty() {
        return Ok(None);
    }
    let mut ledger = crate::results::Ledger::new(project, attribution);
    let mut report = crate::base::diagnostics::Report::default();
    for file in files {
        ledger.begin_file(file);
        if file.format == crate::model::results::Format::Paid {
            // A partner a pilot build leaves out has no reward to mark.
            let read = crate::load::results::read_paid(root, file, &mut |paid| {
                let _ = ledger.paid(&paid.partner, &paid.customer, paid.day);
            });
            match read {
                Ok(_) => {}
                Err(Error::Content(problems)) => report.extend(problems),
                Err(other) => return Err(other),
            }
            continue;
        }
        let (mut shown, mut more) = (Vec::new(), 0usize);
        let read = crate::load::results::read(root, file, &mut |event| {
            if let Err(problem) = ledger.add(&event) {
                if shown.len() < RESULT_PROBLEMS_SHOWN {
                    shown.push(problem);
                } else {
                    more += 1;
                }
            }
        });
        match read {
            Ok(stats) => ledger.no_partner(stats.no_partner_rows, stats.no_partner_events),
            Err(Error::Content(problems)) => report.extend(problems),
            Err(other) => return Err(other),
        }
        report.extend(shown);
        if more > 0 {
            report.push(Diagnostic::error(
                &file.path,
                format!("{more} more rows of this file have the same kinds of problems"),
            ));
        }
    }
    report.into_result()?;
    Ok(Some(ledger.finish()))
}

/// A progress bar on stderr, or a hidden one that costs nothing.
fn progress_bar(visible: bool, len: usize) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30.cyan/blue} {pos}/{len} {msg} ({elapsed})")
    {
        bar.set_style(style);
    }
    bar.set_message("pages");
    bar
}

/// The loud warning for kit addresses made from the public development secret.
fn secret_warning(secret: &Secret, partners: usize, skip_kits: bool) -> Option<String> {
    (secret.is_development() && partners > 0 && !skip_kits).then(|| {
        format!(
            "warning: {} is not set, so kit addresses come from the public development secret and can be guessed; set it before publishing",
            crate::base::env::SECRET_VAR
        )
    })
}
