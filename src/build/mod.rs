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
mod merge;
mod preview;
mod results;
mod summary;

pub use merge::{merge, MergeOptions};
pub use summary::{BuildSummary, ImageCounts, MarketCounts};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::banners::cache::ImageCache;
use crate::banners::{self, Fonts, Studio};
use crate::base::dates::Date;
use crate::base::diagnostics::{Diagnostic, Error, Result};
use crate::base::env::Environment;
use crate::kits;
use crate::model::project::Project;
use crate::model::selection::Selection;
use crate::model::shard::Shard;
use crate::output::{self, Staging};
use crate::render::loaded::Loaded;
use crate::render::secret::Secret;
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
    /// Build one shard of the partners (`--shard I/N`); shard 1 also builds the
    /// brand pages. `None` builds everything.
    pub shard: Option<Shard>,
    /// Where to keep drawn images between builds; `None` draws every image (the
    /// commands default to `<root>/.refkit-cache`). Never changes the output.
    pub image_cache: Option<ImageCacheOptions>,
}

/// The image cache of a build: its folder and size limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageCacheOptions {
    /// The cache folder (made when missing).
    pub dir: PathBuf,
    /// Entries beyond this many bytes are removed at the end of a build, least
    /// recently used first.
    pub max_bytes: u64,
}

impl ImageCacheOptions {
    /// The default size limit: 512 MiB.
    pub const DEFAULT_MAX_BYTES: u64 = banners::cache::DEFAULT_MAX_BYTES;

    /// The cache under `root` (`.refkit-cache/`) with the default size limit.
    pub fn under(root: &Path) -> ImageCacheOptions {
        ImageCacheOptions {
            dir: root.join(crate::base::vocab::CACHE_DIR),
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }
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

/// Builds the project described by `options`: each step below reads what the steps
/// before it made, and only the last one replaces the previous output.
pub fn build(options: &BuildOptions) -> Result<BuildSummary> {
    let out = Destination::of(options)?;
    let _locks = out.lock()?;
    let mut clock = Stages::start();
    let secret = Secret::from_env(&options.env);
    // The whole build's fingerprint; a shard's own is made from it and the shard.
    let whole = fingerprint::fingerprint(&options.root, options, &secret)?;
    let fingerprint = fingerprint::of_shard(&whole, options.shard);
    clock.lap("fingerprint");
    if let Some(summary) = out.unchanged(&fingerprint) {
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
    let loaded = load(options)?;
    let mut warnings: Vec<String> =
        secret_warning(&secret, loaded.project.partners.len(), options.skip_kits)
            .into_iter()
            .collect();
    clock.lap("load");
    let plan = SitePlan::new(&loaded, options)?;
    let cache = open_image_cache(options, &mut warnings);
    if let Some((pages, drawn)) = preview::update(&loaded, &plan, &out, options, cache.as_ref())? {
        clock.lap("pages");
        let images = finish_image_cache(cache.as_ref(), drawn);
        return Ok(preview::summary(
            &loaded, pages, warnings, clock.laps, images,
        ));
    }
    let studio = Studio::new(
        &loaded.project,
        &loaded.templates,
        Fonts::load(&options.root, &loaded.project.settings.theme)?,
        cache.as_ref(),
    );
    let staging = Staging::create(&out.public, &out.manifest)?;
    let bar = progress_bar(
        options.progress,
        plan.jobs.len() + kit_count(&loaded, options),
    );
    let pages = write_pages(&loaded, &plan, &staging, &bar, &mut warnings)?;
    clock.lap("pages");
    site::images::publish(&loaded.project, &studio, &staging)?;
    clock.lap("banners");
    let kits = write_kits(&loaded, &plan, &studio, &staging, &secret, options, &bar)?;
    bar.finish_and_clear();
    clock.lap("kits");
    // Not a lap: the CPU time of the partners' images, summed over the threads.
    clock.laps.push(("kit images (cpu)", kits.image_seconds));
    let results =
        results::write_results(&loaded, &plan, &staging, &secret, options, &mut warnings)?;
    clock.lap("results");
    let made = Made {
        pages,
        kits: kits.records,
        results,
        warnings,
    };
    let summary = write_manifest(&loaded, &plan, made, &staging, options)?;
    if let Some(part) = loaded.project.shard {
        merge::write_part(&staging, &loaded.project, part, &whole, &summary)?;
    }
    staging.set_fingerprint(&fingerprint, &summary.record())?;
    staging.commit()?;
    let images = finish_image_cache(cache.as_ref(), studio.drawn());
    if let (Some(cache), Some(keys)) = (&options.cache, plan.keys) {
        cache.replace(keys);
    }
    // Freeing every story and page of a large site takes a while: a pool thread does
    // it, so the build returns (and the command exits) without waiting for it.
    drop((plan.contexts, plan.jobs));
    rayon::spawn(move || drop(loaded));
    clock.lap("write");
    Ok(BuildSummary {
        stages: clock.laps,
        images,
        ..summary
    })
}

/// The build's image cache, when it has one; a folder that cannot be made or
/// written to gives a warning and a build that draws every image.
fn open_image_cache(options: &BuildOptions, warnings: &mut Vec<String>) -> Option<ImageCache> {
    let wanted = options.image_cache.as_ref()?;
    match ImageCache::open(&wanted.dir, wanted.max_bytes) {
        Ok(cache) => Some(cache),
        Err(why) => {
            warnings.push(format!(
                "warning: the image cache is off for this build ({why}); every image is drawn. Choose another folder with --cache-dir or {}, or turn it off with --no-cache",
                crate::base::env::CACHE_DIR_VAR
            ));
            None
        }
    }
}

/// Ends the build's use of the image cache (evicting beyond its limit) and counts
/// the images drawn and taken from it.
fn finish_image_cache(cache: Option<&ImageCache>, drawn: usize) -> ImageCounts {
    let stats = cache.map(ImageCache::finish).unwrap_or_default();
    ImageCounts {
        drawn,
        from_cache: stats.hits,
        evicted: stats.evicted,
    }
}

/// Where a build writes: the public and manifest folders, checked to be safe to
/// replace.
struct Destination {
    public: PathBuf,
    manifest: PathBuf,
}

impl Destination {
    fn of(options: &BuildOptions) -> Result<Destination> {
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
        Ok(Destination { public, manifest })
    }

    /// Both folders' locks, held for the whole build.
    fn lock(&self) -> Result<(output::OutputLock, output::OutputLock)> {
        Ok((
            output::OutputLock::acquire(&self.public)?,
            output::OutputLock::acquire(&self.manifest)?,
        ))
    }

    /// The summary of the output's build when it was made from the same inputs.
    fn unchanged(&self, fingerprint: &str) -> Option<BuildSummary> {
        output::previous_build(&self.public, &self.manifest, fingerprint)
            .and_then(|s| BuildSummary::parse(&s))
    }
}

/// The project with its messages, links and templates, and the checks that need all
/// of them.
fn load(options: &BuildOptions) -> Result<Loaded> {
    let mut project = load_selected(
        &options.root,
        options.base_url.as_deref(),
        &options.partners,
    )?;
    if options.preview {
        // The preview serves kit files itself, wherever they are published.
        project.settings.keep_kits_beside_site();
    }
    if let Some(shard) = options.shard {
        if !project.settings.results.is_empty() {
            return Err(Diagnostic::error(
                crate::base::vocab::SETTINGS_FILE,
                format!("--shard {shard}: `results:` lists result files, and a sharded build cannot attribute them yet (the agency's report reads every partner's links)"),
            )
            .help("build this project without --shard, or move `results:` to a separate unsharded build")
            .into());
        }
        project.keep_shard(shard);
    }
    let loaded = Loaded::new(&options.root, project)?;
    let settings = &loaded.project.settings;
    if !settings.results.is_empty()
        && !options.skip_kits
        && !loaded.templates.has(crate::base::vocab::RESULTS_TEMPLATE)
    {
        return Err(Diagnostic::error(
            crate::base::vocab::SETTINGS_FILE,
            format!(
                "`results:` lists result files, but theme `{}` has no {}",
                settings.theme,
                crate::base::vocab::RESULTS_TEMPLATE
            ),
        )
        .help("add the partners' results page template to the theme's templates/ (the harbor theme has one), or remove `results:`")
        .into());
    }
    Ok(loaded)
}

/// Partners whose kits get no cadence dates: no `start` of their own, and no
/// `--start` or `SOURCE_DATE_EPOCH` to fall back on.
fn undated(loaded: &Loaded, options: &BuildOptions) -> usize {
    if options.skip_kits
        || options
            .start
            .or_else(|| options.env.source_date())
            .is_some()
    {
        return 0;
    }
    loaded
        .project
        .partners
        .iter()
        .filter(|p| p.start.is_none())
        .count()
}

/// The site's pages planned: their shared template values, the static files and,
/// for the preview, each page's key.
struct SitePlan<'a> {
    contexts: Contexts<'a>,
    static_files: Vec<(String, PathBuf, String)>,
    jobs: Vec<site::Job<'a>>,
    keys: Option<std::collections::HashMap<String, u64>>,
}

impl<'a> SitePlan<'a> {
    fn new(loaded: &'a Loaded, options: &BuildOptions) -> Result<SitePlan<'a>> {
        let project = &loaded.project;
        let contexts = Contexts::new(project, &loaded.locales, options.preview)
            .map_err(Diagnostic::project)?
            .with_share_cards(loaded.templates.has(banners::SHARE_TEMPLATE));
        let static_files = site::static_files(project)?;
        let jobs = site::plan(
            project,
            site::hosting::plans_not_found(&loaded.templates, &static_files),
        );
        let keys = match &options.cache {
            Some(_) => Some(incremental::keys(
                project,
                &loaded.templates,
                &jobs,
                &contexts,
                &format!("{:?}", options.base_url),
            )?),
            None => None,
        };
        Ok(SitePlan {
            contexts,
            static_files,
            jobs,
            keys,
        })
    }
}

fn kit_count(loaded: &Loaded, options: &BuildOptions) -> usize {
    if options.skip_kits {
        0
    } else {
        loaded.project.partners.len()
    }
}

/// The static files, every planned page, the host's files and the short links;
/// returns the number of pages.
fn write_pages(
    loaded: &Loaded,
    plan: &SitePlan<'_>,
    staging: &Staging,
    bar: &ProgressBar,
    warnings: &mut Vec<String>,
) -> Result<usize> {
    if loaded.project.builds_brand() {
        site::copy_files(&plan.static_files, staging)?;
    }
    let pages = site::render_pages(&plan.jobs, &plan.contexts, &loaded.templates, staging, bar)?;
    site::hosting::write(&loaded.project, &plan.jobs, &plan.contexts, staging)?;
    warnings.extend(site::short::write(
        loaded,
        loaded.templates.has(banners::SHARE_TEMPLATE),
        staging,
    )?);
    Ok(pages)
}

/// Every partner's kit, each kit's pages rendered as soon as its zips are written.
fn write_kits(
    loaded: &Loaded,
    plan: &SitePlan<'_>,
    studio: &Studio<'_>,
    staging: &Staging,
    secret: &Secret,
    options: &BuildOptions,
    bar: &ProgressBar,
) -> Result<kits::Built> {
    if options.skip_kits {
        return Ok(kits::Built::default());
    }
    let project = &loaded.project;
    bar.set_message("kits");
    bar.inc_length((project.partners.len() * project.settings.languages.len()) as u64);
    let kit_pages = |kit: kits::PartnerKit<'_>| -> Result<()> {
        let jobs = site::plan_kits(project, std::slice::from_ref(&kit));
        site::render_pages(&jobs, &plan.contexts, &loaded.templates, staging, bar).map(|_| ())
    };
    let kit_options = kits::KitOptions {
        secret: secret.clone(),
        default_start: options.start.or_else(|| options.env.source_date()),
        source_date_epoch: options.env.source_date_epoch,
    };
    kits::build(loaded, staging, &kit_options, studio, &kit_pages, bar)
}

/// What the output steps made, for the manifest and the summary.
struct Made {
    /// Pages rendered before the kits (brand, partner and not-found pages).
    pages: usize,
    kits: Vec<kits::KitRecord>,
    results: Option<crate::results::Results>,
    warnings: Vec<String>,
}

/// The manifest's files and the agency's report; returns the build's summary.
fn write_manifest(
    loaded: &Loaded,
    plan: &SitePlan<'_>,
    made: Made,
    staging: &Staging,
    options: &BuildOptions,
) -> Result<BuildSummary> {
    let project = &loaded.project;
    let (kits, results) = (&made.kits, made.results.as_ref());
    let links = loaded.attribution.counts();
    manifest::write(
        staging,
        project,
        &loaded.attribution,
        &links,
        kits,
        &options.partners,
        results,
    )?;
    if let Some(results) = results {
        manifest::write_report(staging, project, results, &loaded.locales)?;
    }
    Ok(BuildSummary {
        pages: made.pages,
        files: staging.public_files(),
        links: links.total(),
        markets: summary::market_counts(project, &plan.jobs, kits, &links),
        bytes: staging.public_bytes(),
        partners: project.partners.len(),
        registry: project.registry_size,
        undated: undated(loaded, options),
        kits: kits.len(),
        warnings: made.warnings,
        stages: Vec::new(),
        images: ImageCounts::default(),
    })
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
