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

pub mod manifest;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::base::dates::Date;
use crate::base::diagnostics::{Diagnostic, Error, Result};
use crate::kits::{self, Secret};
use crate::model::project::Project;
use crate::model::selection::Selection;
use crate::model::settings::Settings;
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
    /// The secret kit addresses derive from; `None` reads `REFKIT_SECRET`.
    pub secret: Option<Secret>,
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
    /// it, the day of `SOURCE_DATE_EPOCH`.
    pub start: Option<Date>,
}

/// What a build produced for one market.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarketCounts {
    /// Partners in the market.
    pub partners: usize,
    /// Microsite pages of the market's partners.
    pub pages: usize,
    /// Kit zips of the market's partners.
    pub kits: usize,
    /// Tracked links of the market's partners.
    pub links: usize,
}

/// What a build produced.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildSummary {
    /// HTML pages written.
    pub pages: usize,
    /// Files written to the public folder, pages included.
    pub files: usize,
    /// Tracked links in the manifest.
    pub links: usize,
    /// Bytes written to the public folder.
    pub bytes: u64,
    /// Partners with a microsite (the selected ones in a pilot build).
    pub partners: usize,
    /// Partners in the registry.
    pub registry: usize,
    /// Partners whose kits have no cadence dates (no `start`, `--start` or
    /// `SOURCE_DATE_EPOCH`), so no `cadence.ics`.
    pub undated: usize,
    /// Kit zips written.
    pub kits: usize,
    /// Things the user should know that did not stop the build.
    pub warnings: Vec<String>,
    /// Partners, partner pages, kits and tracked links per market (brand pages belong
    /// to no market).
    pub markets: BTreeMap<String, MarketCounts>,
    /// Seconds spent in each stage, in order: load, pages, kits, write.
    pub stages: Vec<(&'static str, f64)>,
}

impl BuildSummary {
    /// The summary as one line for the output marker.
    fn record(&self) -> String {
        let markets: Vec<String> = self
            .markets
            .iter()
            .map(|(m, c)| format!("{m}={}:{}:{}:{}", c.partners, c.pages, c.kits, c.links))
            .collect();
        format!(
            "{} {} {} {} {} {} {} {} {}",
            self.undated,
            self.registry,
            self.pages,
            self.files,
            self.links,
            self.bytes,
            self.partners,
            self.kits,
            if markets.is_empty() {
                "-".to_owned()
            } else {
                markets.join(",")
            }
        )
    }

    /// Reads a summary written by [`BuildSummary::record`].
    fn parse(line: &str) -> Option<BuildSummary> {
        let parts: Vec<&str> = line.split(' ').collect();
        let [undated, registry, pages, files, links, bytes, partners, kits, markets] =
            parts.as_slice()
        else {
            return None;
        };
        let mut by_market = BTreeMap::new();
        for pair in markets.split(',').filter(|p| *p != "-") {
            let (m, counts) = pair.split_once('=')?;
            let n: Vec<usize> = counts
                .split(':')
                .map(str::parse)
                .collect::<std::result::Result<_, _>>()
                .ok()?;
            let [partners, pages, kits, links] = n.as_slice() else {
                return None;
            };
            by_market.insert(
                m.to_owned(),
                MarketCounts {
                    partners: *partners,
                    pages: *pages,
                    kits: *kits,
                    links: *links,
                },
            );
        }
        Some(BuildSummary {
            pages: pages.parse().ok()?,
            files: files.parse().ok()?,
            links: links.parse().ok()?,
            bytes: bytes.parse().ok()?,
            partners: partners.parse().ok()?,
            registry: registry.parse().ok()?,
            undated: undated.parse().ok()?,
            kits: kits.parse().ok()?,
            markets: by_market,
            warnings: Vec::new(),
            stages: Vec::new(),
        })
    }

    /// "built 89 pages and 16 kits for 8 partners (…) in 0.42 s"; a pilot build says
    /// "for 2 of 8 partners".
    pub fn line(&self, seconds: f64) -> String {
        let partners = if self.partners < self.registry {
            format!("{} of {}", self.partners, self.registry)
        } else {
            self.partners.to_string()
        };
        let undated = if self.undated > 0 {
            format!(
                "; the kits of {} partners have an undated cadence and no cadence.ics (set `start` in content/partners.yaml, --start or SOURCE_DATE_EPOCH)",
                self.undated
            )
        } else {
            String::new()
        };
        format!(
            "built {} pages and {} kits for {partners} partners ({} files, {} tracked links, {:.1} MiB) in {seconds:.2} s{undated}",
            self.pages,
            self.kits,
            self.files,
            self.links,
            self.bytes as f64 / (1024.0 * 1024.0),
        )
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
    let mut settings = Settings::load(root)?;
    if let Some(url) = base_url {
        settings
            .set_base_url(url)
            .map_err(|why| Error::Usage(format!("--base-url: {why}")))?;
    }
    crate::load::project(root, settings)
}

/// Loads the project and keeps the partners `selection` matches; a selection naming
/// an unknown market or partner, or matching nobody, is a usage error.
pub fn load_selected(
    root: &Path,
    base_url: Option<&str>,
    selection: &Selection,
) -> Result<Project> {
    let mut project = load_project(root, base_url)?;
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
    check_output_folder(root, &public, "--out")?;
    check_output_folder(root, &manifest, "--manifest")?;
    if resolve(&manifest).starts_with(resolve(&public)) {
        return Err(Error::Usage(
            "the manifest lists partners and must not be inside the public folder".into(),
        ));
    }
    let _locks = (
        output::OutputLock::acquire(&public)?,
        output::OutputLock::acquire(&manifest)?,
    );

    let mut clock = Stages::start();
    let secret = options.secret.clone().unwrap_or_else(Secret::from_env);
    let fingerprint = fingerprint(root, options, &secret)?;
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
    let default_start = options.start.or_else(Date::from_source_date_epoch);
    project.settings.cadence_start = default_start;
    let locales = Arc::new(Locales::load(root, &project.settings)?);
    let attribution = Arc::new(Attribution::new(&project));
    let templates = Templates::load(
        root,
        &project.settings.theme,
        locales.clone(),
        attribution.clone(),
    )?;
    let warnings: Vec<String> = secret_warning(&secret, project.partners.len(), options.skip_kits)
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
    let contexts =
        Contexts::new(&project, &locales, options.preview).map_err(Diagnostic::project)?;
    let jobs = site::plan(&project);
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
            for (rel, path, _) in site::static_files(&project)? {
                let to = public.join(&rel);
                if let Some(parent) = to.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
                }
                std::fs::copy(&path, &to).map_err(|e| Error::io("copy", &path, e))?;
            }
            let rendered =
                incremental::update(&public, &jobs, &contexts, &templates, cache, keys.clone())?;
            output::clear_fingerprint(&[&public, &manifest])?;
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
    let staging = Staging::create(&public, &manifest)?;
    let kit_count = if options.skip_kits {
        0
    } else {
        project.partners.len()
    };
    let bar = progress_bar(options.progress, jobs.len() + kit_count);
    site::copy_files(&project, &staging)?;
    let pages = site::render_pages(&jobs, &contexts, &templates, &staging, &bar)?
        + site::deploy::write(&project, &jobs, &contexts, &templates, &staging)?;
    clock.lap("pages");
    let kits = if options.skip_kits {
        Vec::new()
    } else {
        bar.set_message("kits");
        kits::build(
            &project,
            &templates,
            &locales,
            &attribution,
            &staging,
            &secret,
            &bar,
        )?
    };
    bar.finish_and_clear();
    clock.lap("kits");

    let records = attribution.records();
    let header = ["partner", "market", "lang", "channel", "asset", "url"]
        .map(String::from)
        .to_vec();
    let rows = std::iter::once(header).chain(records.iter().map(|r| {
        vec![
            r.partner.clone(),
            r.market.clone(),
            r.lang.clone(),
            r.channel.clone(),
            r.asset.clone(),
            r.url.clone(),
        ]
    }));
    staging.write_manifest("links.csv", output::csv(rows).as_bytes())?;
    let header = [
        "partner", "market", "lang", "kit_page", "zip", "bytes", "sha256",
    ]
    .map(String::from)
    .to_vec();
    let rows = std::iter::once(header).chain(kits.iter().map(|k| {
        vec![
            k.partner.clone(),
            k.market.clone(),
            k.lang.clone(),
            k.page.clone(),
            k.zip.clone(),
            k.bytes.to_string(),
            k.sha256.clone(),
        ]
    }));
    staging.write_manifest("kits.csv", output::csv(rows).as_bytes())?;
    staging.write_manifest(
        "partners.csv",
        manifest::partners_csv(&project, &records, &kits).as_bytes(),
    )?;
    staging.write_manifest(
        "summary.json",
        manifest::summary_json(&project, &records, &options.partners).as_bytes(),
    )?;

    let markets = market_counts(&project, &jobs, &kits, &records);
    let summary = BuildSummary {
        pages,
        files: staging.public_files(),
        links: records.len(),
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

/// Partners, microsite pages, kits and links per market, every market of the
/// settings listed (with zeros when it has no partners yet).
fn market_counts(
    project: &Project,
    jobs: &[site::Job<'_>],
    kits: &[kits::KitRecord],
    links: &[crate::render::links::LinkRecord],
) -> BTreeMap<String, MarketCounts> {
    let mut counts: BTreeMap<String, MarketCounts> = project
        .settings
        .markets
        .iter()
        .map(|m| (m.id.clone(), MarketCounts::default()))
        .collect();
    fn entry<'a>(
        counts: &'a mut BTreeMap<String, MarketCounts>,
        market: &str,
    ) -> &'a mut MarketCounts {
        counts.entry(market.to_owned()).or_default()
    }
    for p in &project.partners {
        entry(&mut counts, &p.market).partners += 1;
    }
    for p in jobs.iter().filter_map(site::Job::partner) {
        entry(&mut counts, &p.market).pages += 1;
    }
    for k in kits {
        entry(&mut counts, &k.market).kits += 1;
    }
    for l in links {
        entry(&mut counts, &l.market).links += 1;
    }
    counts
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
            crate::kits::token::SECRET_VAR
        )
    })
}

/// A hash of everything a build reads: every source file (path and bytes), the
/// options, the kit secret, `SOURCE_DATE_EPOCH` and refkit's version. Equal
/// fingerprints mean equal output, so a build whose output already carries its
/// fingerprint has nothing to do.
fn fingerprint(root: &Path, options: &BuildOptions, secret: &Secret) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(
        format!(
            "{:?} {} {} {} {:?}",
            options.base_url, options.skip_kits, options.preview, options.partners, options.start
        )
        .as_bytes(),
    );
    field(secret.token("refkit-fingerprint").as_bytes());
    field(
        std::env::var("SOURCE_DATE_EPOCH")
            .unwrap_or_default()
            .as_bytes(),
    );
    field(&std::fs::read(root.join(crate::base::vocab::SETTINGS_FILE)).unwrap_or_default());
    let mut files = Vec::new();
    for dir in ["content", "templates", "themes", "locales", "static"] {
        files.extend(crate::base::files::files_under(root, &root.join(dir))?);
    }
    // Each file is hashed on its own, in parallel; the fingerprint hashes those hashes in order.
    use rayon::prelude::*;
    let digests: Vec<Result<[u8; 32]>> = files
        .par_iter()
        .map(|(path, shown)| {
            let bytes = std::fs::read(path).map_err(|e| Error::io("read", shown, e))?;
            let mut h = Sha256::new();
            h.update(crate::base::diagnostics::display_path(shown).as_bytes());
            h.update([0]);
            h.update(&bytes);
            Ok(h.finalize().into())
        })
        .collect();
    for digest in digests {
        field(&digest?);
    }
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Refuses output folders whose replacement would destroy sources: the project or a
/// folder above it, a source folder, a folder holding a `.git`, the home folder.
/// Symlinks are resolved first, so a link to the project is refused like the project.
fn check_output_folder(root: &Path, dir: &Path, flag: &str) -> Result<()> {
    let root = resolve(root);
    let dir = resolve(dir);
    let refuse = |why: &str| Err(Error::Usage(format!("{flag} {}: {why}", dir.display())));
    if root.starts_with(&dir) {
        return refuse("it is the project or a folder above it; refkit replaces its output folder on every build");
    }
    for source in [
        "content",
        "templates",
        "themes",
        "locales",
        "static",
        ".git",
        "src",
    ] {
        if dir.starts_with(root.join(source)) {
            return refuse("it is inside a source folder of the project");
        }
    }
    if dir.join(".git").exists() {
        return refuse("it holds a .git folder");
    }
    if std::env::var_os("HOME").is_some_and(|h| resolve(Path::new(&h)) == dir) {
        return refuse("it is your home folder");
    }
    Ok(())
}

/// `path` made absolute with symlinks resolved, as far as it exists; the part that does
/// not exist yet is appended with `.` and `..` removed.
fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let absolute = normalise(&absolute);
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Removes `.` and `..` components without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_no_op_build_reports_the_same_counts_per_market() {
        let mut markets = BTreeMap::new();
        markets.insert(
            "ru".to_owned(),
            MarketCounts {
                partners: 4,
                pages: 32,
                kits: 8,
                links: 90,
            },
        );
        markets.insert("us".to_owned(), MarketCounts::default());
        let summary = BuildSummary {
            pages: 90,
            files: 154,
            links: 90,
            bytes: 1234,
            partners: 4,
            registry: 6,
            undated: 1,
            kits: 8,
            warnings: Vec::new(),
            markets,
            stages: Vec::new(),
        };
        assert_eq!(BuildSummary::parse(&summary.record()), Some(summary));
    }
}
