//! Pitch kits: one zip per partner and language, every asset carrying the partner's link.
//!
//! Work that does not depend on the partner is done once: banners are decoded and
//! resized once per size, pitch copy and stories are turned into plain text once.
//! Per partner, only links are stamped into that text, one QR code is drawn and set
//! into the banners' corners, and the zips are written. Partners are processed in
//! parallel; every kit's bytes depend only on its inputs. The private kit page is an
//! ordinary planned page: [`build`] hands what it shows ([`PartnerKit`]) to its caller
//! as soon as a partner's kit is made, and `site` plans and renders it like any other
//! page. Handing it over at once, rather than collecting every kit first, keeps a
//! partner's kit values in memory only while its pages are rendered.

mod archive;
pub(crate) mod cadence;
mod content;
mod email;
mod eml;
mod partner;
mod share;
pub(crate) mod text;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::dates::Date;
use crate::base::diagnostics::{Diagnostic, Error, Report, Result};
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::output::Staging;
use crate::render::contract::{Corner, KitImage, KitPageValues, KitValues, Prepared, Site};
use crate::render::loaded::Loaded;
use crate::render::secret::Secret;
use crate::render::urls;

use crate::banners::images::{self, Resized, Size};
use crate::banners::Studio;

/// One kit zip, as listed in `manifest/kits.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KitRecord {
    /// Partner id.
    pub partner: String,
    /// Partner's market.
    pub market: String,
    /// Language of the kit.
    pub lang: String,
    /// Absolute URL of the kit page in this language.
    pub page: String,
    /// Absolute URL of the zip.
    pub zip: String,
    /// Size of the zip in bytes.
    pub bytes: u64,
    /// SHA-256 of the zip, hex.
    pub sha256: String,
}

/// One partner's kit as its page shows it, in every language.
#[derive(Debug)]
pub(crate) struct PartnerKit<'a> {
    /// The partner.
    pub partner: &'a Partner,
    /// The language of the partner's market: its page is at the kit's root.
    pub market_lang: &'a str,
    /// (language, root-relative URL of the kit page in it), one per language.
    urls: Vec<(&'a str, String)>,
    /// The kit's values in each language, in the order of `urls`.
    values: Vec<KitValues>,
    /// The zips, images and QR code, the same in every language.
    pub page: KitPageValues,
}

impl PartnerKit<'_> {
    /// The root-relative URL of the kit page in `lang`.
    pub(crate) fn page_url(&self, lang: &str) -> &str {
        self.urls
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or("", |(_, url)| url.as_str())
    }

    /// The kit's values in `lang`.
    pub(crate) fn values(&self, lang: &str) -> Option<&KitValues> {
        let i = self.urls.iter().position(|(l, _)| *l == lang)?;
        self.values.get(i)
    }
}

/// Work shared by every partner's kit.
struct Shared<'a> {
    loaded: &'a Loaded,
    project: &'a Project,
    site: Prepared<Site>,
    banners: Vec<Resized>,
    /// `images` of every kit page: the photo banners and their QR variants.
    images: Vec<KitImage>,
    /// (slug, lang) → the story as plain text, placeholders kept.
    story_text: BTreeMap<(&'a str, &'a str), std::borrow::Cow<'a, str>>,
    /// Index in `project.pitches` → the pitch as plain text, placeholders kept.
    pitch_text: Vec<String>,
    /// Index in `project.pitches` → for e-mail copy, its HTML document with the CSS
    /// inlined, placeholders kept (see [`email`]).
    emails: Vec<Option<String>>,
    /// The template banners and their sizes, drawn per partner by the studio.
    studio: &'a Studio<'a>,
    sizes: Vec<Size>,
    /// Nanoseconds the partners' images took, summed over threads.
    image_time: std::sync::atomic::AtomicU64,
    modified: archive::DosTime,
    /// Cadence start of partners whose registry entry sets none.
    default_start: Option<Date>,
    /// `SOURCE_DATE_EPOCH`, the stamp of calendars.
    source_date_epoch: Option<i64>,
}

/// What kits take from the command line and the environment rather than the project.
#[derive(Debug, Clone)]
pub(crate) struct KitOptions {
    /// The secret kit addresses derive from.
    pub(crate) secret: Secret,
    /// Where cadences start for partners whose registry entry sets no `start`
    /// (`--start`, else the day of `SOURCE_DATE_EPOCH`); never the clock.
    pub(crate) default_start: Option<Date>,
    /// `SOURCE_DATE_EPOCH`: the timestamp of every zip entry and calendar.
    pub(crate) source_date_epoch: Option<i64>,
}

/// What [`build`] does with each partner's kit once its zips are written: renders its
/// pages (the caller plans and renders them with `site`).
pub(crate) type KitPages<'p> = dyn Fn(PartnerKit<'_>) -> Result<()> + Sync + 'p;

/// What [`build`] made: a record per zip, and the CPU time its images took.
#[derive(Debug, Default)]
pub(crate) struct Built {
    /// One record per kit zip.
    pub(crate) records: Vec<KitRecord>,
    /// Seconds spent making partners' images, summed over threads.
    pub(crate) image_seconds: f64,
}

/// Builds every partner's kits into `staging` and hands each kit to `pages`, which
/// renders its kit pages.
pub(crate) fn build(
    loaded: &Loaded,
    staging: &Staging,
    options: &KitOptions,
    studio: &Studio<'_>,
    pages: &KitPages<'_>,
    progress: &indicatif::ProgressBar,
) -> Result<Built> {
    let project = &loaded.project;
    if project.partners.is_empty() {
        return Ok(Built::default());
    }
    let shared = Shared::prepare(loaded, options, studio)?;
    for banner in &shared.banners {
        staging.write_public(
            &urls::kit_asset(&banner.file_name()),
            &banner.bytes,
            crate::base::vocab::BANNERS_DIR,
        )?;
    }
    let results: Vec<std::result::Result<Vec<KitRecord>, Error>> = project
        .partners
        .par_iter()
        .map(|partner| {
            let kits = partner::kits(&shared, partner, staging, &options.secret)
                .and_then(|(records, kit)| pages(kit).map(|()| records));
            progress.inc(1);
            kits
        })
        .collect();
    let mut report = Report::default();
    let records: Vec<KitRecord> = report.gather(results)?.into_iter().flatten().collect();
    if report.has_errors() {
        return Err(Error::Content(first_per_file(report.into_diagnostics())));
    }
    let nanos = shared.image_time.load(std::sync::atomic::Ordering::Relaxed);
    Ok(Built {
        records,
        image_seconds: nanos as f64 / 1e9,
    })
}

/// The same mistake in shared copy shows up once per partner; report it once per file.
fn first_per_file(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut by_file: BTreeMap<String, (Diagnostic, usize)> = BTreeMap::new();
    for d in diagnostics {
        let key = format!(
            "{}|{}",
            d.location(),
            d.message.split(" for partner").next().unwrap_or("")
        );
        by_file
            .entry(key)
            .and_modify(|(_, n)| *n += 1)
            .or_insert((d, 1));
    }
    by_file
        .into_values()
        .map(|(mut d, n)| {
            if n > 1 {
                d.message
                    .push_str(&format!(" (and {} more partners)", n - 1));
            }
            d
        })
        .collect()
}

impl<'a> Shared<'a> {
    fn prepare(
        loaded: &'a Loaded,
        options: &KitOptions,
        studio: &'a Studio<'a>,
    ) -> Result<Shared<'a>> {
        let Loaded {
            project,
            templates,
            locales,
            urls,
            ..
        } = loaded;
        let sizes: Vec<Size> = project
            .settings
            .kit_sizes
            .iter()
            .map(|&(width, height)| Size { width, height })
            .collect();
        let banners = resize_photos(project, &sizes)?;
        // The loader makes each story's text whenever the registry has partners, so a
        // build (which drops the source) always has it; the source is read only for a
        // project loaded some other way.
        let story_text = project
            .stories
            .par_iter()
            .flat_map_iter(|story| {
                story.texts.iter().map(|t| {
                    let text = match &t.plain {
                        Some(plain) => std::borrow::Cow::Borrowed(plain.as_str()),
                        None => text::markdown_to_text(t.markdown(), &t.lang).into(),
                    };
                    ((story.slug.as_str(), t.lang.as_str()), text)
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        let pitch_text = project
            .pitches
            .iter()
            .map(|p| text::markdown_to_text(&p.body, &p.lang))
            .collect();
        let emails = project
            .pitches
            .par_iter()
            .map(|p| {
                if p.channel != crate::base::vocab::channels::EMAIL {
                    return Ok(None);
                }
                let subject = text::one_line(p.subject.as_deref().unwrap_or(""));
                email::document(templates, locales, p, &subject).map(Some)
            })
            .collect::<Vec<Result<Option<String>>>>()
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        let settings = &project.settings;
        let site = Prepared::new(&Site::new(settings));
        // The kit page previews a banner with the QR code by drawing qr.svg over the
        // shared banner, so no per-partner copy of every banner is published.
        let image = |file: String, banner: &Resized, qr: bool| {
            let corner = images::QrCorner::of(banner.size);
            KitImage {
                file,
                url: urls.kit_file(&urls::kit_asset(&banner.file_name())),
                width: banner.size.width,
                height: banner.size.height,
                qr,
                lang: None,
                corner: Corner {
                    x: corner.left as u64,
                    y: corner.top as u64,
                    side: corner.side as u64,
                },
            }
        };
        let images: Vec<KitImage> = banners
            .iter()
            .map(|b| image(b.file_name(), b, false))
            .chain(banners.iter().map(|b| image(b.qr_file_name(), b, true)))
            .collect();
        Ok(Shared {
            loaded,
            project,
            site,
            banners,
            images,
            story_text,
            pitch_text,
            emails,
            studio,
            sizes,
            image_time: std::sync::atomic::AtomicU64::new(0),
            modified: archive::timestamp(options.source_date_epoch),
            default_start: options.default_start,
            source_date_epoch: options.source_date_epoch,
        })
    }
}

/// Every photo banner that kits carry, decoded once and resized to every kit size,
/// with what stamping a QR code into its corner needs prepared.
fn resize_photos(project: &Project, sizes: &[Size]) -> Result<Vec<Resized>> {
    let decoded: Vec<std::result::Result<Vec<Resized>, Diagnostic>> = project
        .banners
        .par_iter()
        .filter(|banner| !banner.is_template() && banner.in_kits)
        .map(|banner| {
            let shown =
                std::path::PathBuf::from(crate::base::vocab::BANNERS_DIR).join(&banner.name);
            let (image, format) = images::decode(banner, &shown)?;
            let stem = banner.slug().to_owned();
            Ok(sizes
                .par_iter()
                .map(|&size| {
                    let pixels = images::resize_cover(&image, size, banner.focus);
                    let bytes = Arc::from(images::encode(&pixels, size, format));
                    let corner = images::QrCorner::of(size);
                    let banded = (format == images::Format::Png).then(|| {
                        images::banded::BandedPng::new(
                            &pixels,
                            size,
                            corner.top,
                            corner.top + corner.side,
                        )
                    });
                    let jpeg = (format == images::Format::Jpeg)
                        .then(|| images::banded_jpeg::BandedJpeg::new(&pixels, size));
                    Resized {
                        banner: stem.clone(),
                        size,
                        format,
                        pixels,
                        bytes,
                        banded,
                        jpeg,
                    }
                })
                .collect())
        })
        .collect();
    let mut report = Report::default();
    let mut banners = Vec::new();
    for result in decoded {
        match result {
            Ok(resized) => banners.extend(resized),
            Err(d) => report.push(d),
        }
    }
    report.into_result()?;
    Ok(banners)
}
