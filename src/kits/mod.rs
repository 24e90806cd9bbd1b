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
pub(crate) mod banners;
pub(crate) mod cadence;
mod content;
mod email;
mod eml;
pub(crate) mod images;
mod share;
pub(crate) mod text;
pub(crate) mod token;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::dates::Date;
use crate::base::diagnostics::{Diagnostic, Error, Report, Result};
use crate::base::vocab::QR;
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::output::{self, Staging};
use crate::render::contract::{
    Corner, Download, KitImage, KitPageValues, KitValues, PartnerValues, Prepared, Qr, ShortLink,
    Site, Translation,
};
use crate::render::links::Attribution;
use crate::render::locales::Locales;
use crate::render::templates::Templates;
use crate::render::urls::Urls;

use archive::Entry;
use images::{Resized, Size};
pub(crate) use token::Secret;

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
    project: &'a Project,
    urls: Urls,
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
    studio: &'a banners::Studio<'a>,
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
#[allow(clippy::too_many_arguments)]
pub(crate) fn build(
    project: &Project,
    templates: &Templates,
    locales: &Locales,
    attribution: &Attribution,
    staging: &Staging,
    options: &KitOptions,
    studio: &banners::Studio<'_>,
    pages: &KitPages<'_>,
    progress: &indicatif::ProgressBar,
) -> Result<Built> {
    if project.partners.is_empty() {
        return Ok(Built::default());
    }
    let shared = Shared::prepare(project, options, studio, templates, locales)?;
    for banner in &shared.banners {
        staging.write_public(
            &format!("kits/assets/{}", banner.file_name()),
            &banner.bytes,
            crate::base::vocab::BANNERS_DIR,
        )?;
    }
    let results: Vec<std::result::Result<Vec<KitRecord>, Error>> = project
        .partners
        .par_iter()
        .map(|partner| {
            let kits = partner_kits(
                &shared,
                partner,
                templates,
                locales,
                attribution,
                staging,
                &options.secret,
            )
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
        project: &'a Project,
        options: &KitOptions,
        studio: &'a banners::Studio<'a>,
        templates: &Templates,
        locales: &Locales,
    ) -> Result<Shared<'a>> {
        let sizes: Vec<Size> = project
            .settings
            .kit_sizes
            .iter()
            .map(|&(width, height)| Size { width, height })
            .collect();
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
        let urls = Urls::new(&project.settings);
        let settings = &project.settings;
        let site = Prepared::new(&Site::new(settings));
        // The kit page previews a banner with the QR code by drawing qr.svg over the
        // shared banner, so no per-partner copy of every banner is published.
        let image = |file: String, banner: &Resized, qr: bool| {
            let corner = images::QrCorner::of(banner.size);
            KitImage {
                file,
                url: urls.kit_file(&format!("kits/assets/{}", banner.file_name())),
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
            project,
            urls,
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

/// The root-relative URL of the kit page in `lang` of the kit at `token`: the
/// market's language at the kit's root, the others below it.
pub(crate) fn page_url(urls: &Urls, token: &str, lang: &str, market_lang: &str) -> String {
    if lang == market_lang {
        urls.file(&format!("kits/{token}/"))
    } else {
        urls.file(&format!("kits/{token}/{lang}/"))
    }
}

/// The root-relative URL of the partner's results page in `lang`, below its kit page.
pub(crate) fn results_url(urls: &Urls, token: &str, lang: &str, market_lang: &str) -> String {
    format!(
        "{}{RESULTS_FOLDER}/",
        page_url(urls, token, lang, market_lang)
    )
}

/// The folder of a partner's results page, below each kit page.
pub(crate) const RESULTS_FOLDER: &str = "results";

/// One partner's kits: the zips and QR code written to `staging`, their records, and
/// what the partner's kit page shows.
fn partner_kits<'a>(
    shared: &Shared<'a>,
    partner: &'a Partner,
    templates: &Templates,
    locales: &Locales,
    attribution: &Attribution,
    staging: &Staging,
    secret: &Secret,
) -> Result<(Vec<KitRecord>, PartnerKit<'a>)> {
    let project = shared.project;
    let settings = &project.settings;
    let urls = &shared.urls;
    let token = secret.token(&partner.id);
    let dir = format!("kits/{token}");
    let market_lang = settings
        .market(&partner.market)
        .map_or(settings.default_language(), |m| m.language.as_str());
    let source = format!("the kit of partner `{}`", partner.id);

    // One QR code per partner, in every language's kit and on every banner.
    let qr_link = attribution
        .link(&partner.id, market_lang, QR, "qr")
        .map_err(Diagnostic::project)?;
    // The code encodes the QR code's short link, which leads to `qr_link`: fewer
    // modules, so it prints smaller and scans more easily.
    let shorts = attribution.shorts();
    let qr_short = shorts
        .permalink(&partner.code, QR, QR)
        .unwrap_or_else(|| qr_link.clone());
    let qr = images::Qr::new(&qr_short)
        .map_err(|why| Diagnostic::error(crate::base::vocab::SETTINGS_FILE, why))?;
    // The partner's short links and the tracked links they lead to, for the kit's
    // links.csv and its page.
    let mut short_links = Vec::new();
    for short in shorts.of(partner) {
        let url = attribution
            .link(&partner.id, market_lang, &short.channel, short.asset)
            .map_err(Diagnostic::project)?;
        short_links.push(ShortLink {
            channel: short.channel,
            short: urls.permalink(&short.url),
            url,
        });
    }
    let started = std::time::Instant::now();
    let qr_png: Arc<[u8]> = Arc::from(qr.png(10));
    let qr_svg = qr.svg();
    let variants: Vec<(String, Arc<[u8]>)> = shared
        .banners
        .iter()
        .map(|b| (b.qr_file_name(), Arc::from(qr.stamp_onto(b))))
        .collect();
    let mut image_time = started.elapsed();
    staging.write_public(&format!("{dir}/images/qr.png"), &qr_png, &source)?;
    staging.write_public(&format!("{dir}/images/qr.svg"), qr_svg.as_bytes(), &source)?;

    let page_url = |lang: &str| page_url(urls, &token, lang, market_lang);

    let mut records = Vec::new();
    let mut downloads = Vec::new();
    let mut values = Vec::new();
    // The template banners first (they are made for the partner), then the photos.
    let mut images = Vec::new();
    let mut layers = banners::Layers::default();
    for lang in &settings.languages {
        let partner_values = PartnerValues::new(
            settings,
            partner,
            project.playbook(partner),
            lang,
            locales.formatter(lang).ok(),
            crate::model::audience::Audience::Partner,
        );
        let mut content = content::kit_content(
            shared,
            partner,
            &partner_values,
            lang,
            templates,
            locales,
            attribution,
            &qr_link,
            &short_links,
        )?;
        content
            .entries
            .push(Entry::stored("images/qr.png", qr_png.clone()));
        content
            .entries
            .push(Entry::text("images/qr.svg", qr_svg.clone()));
        for b in &shared.banners {
            content.entries.push(Entry::stored(
                format!("images/{}", b.file_name()),
                b.bytes.clone(),
            ));
        }
        for (name, bytes) in &variants {
            content
                .entries
                .push(Entry::stored(format!("images/{name}"), bytes.clone()));
        }
        // Template banners: in the kit's language, with the partner's name and QR code.
        for banner in shared.studio.templates() {
            for &size in &shared.sizes {
                let started = std::time::Instant::now();
                let (bytes, format) =
                    shared
                        .studio
                        .personal(banner, size, lang, partner, &qr, &mut layers)?;
                image_time += started.elapsed();
                let ext = format.extension();
                let file = format!("{}-{size}.{ext}", banner.slug());
                let public = format!("{dir}/images/{}-{lang}-{size}.{ext}", banner.slug());
                staging.write_public(&public, &bytes, &source)?;
                content
                    .entries
                    .push(Entry::stored(format!("images/{file}"), bytes));
                images.push(KitImage {
                    file,
                    url: urls.kit_file(&public),
                    width: size.width,
                    height: size.height,
                    qr: false,
                    lang: Some(lang.clone()),
                    corner: Corner {
                        x: 0,
                        y: 0,
                        side: 0,
                    },
                });
            }
        }
        // Every tracked link of the kit, and the short link that leads to it if any.
        let mut links_rows = vec![["channel", "asset", "url", "short_url"]
            .map(String::from)
            .to_vec()];
        let short_of = |channel: &str, asset: &str| {
            shorts
                .permalink(&partner.code, channel, asset)
                .unwrap_or_default()
        };
        links_rows.push(vec![
            QR.to_owned(),
            QR.to_owned(),
            qr_link.clone(),
            qr_short.clone(),
        ]);
        links_rows.extend(short_links.iter().filter(|s| s.channel != QR).map(|s| {
            vec![
                s.channel.clone(),
                crate::base::vocab::short_links::ASSET.to_owned(),
                s.url.clone(),
                s.short.clone(),
            ]
        }));
        links_rows.extend(content.links.iter().map(|[channel, asset, url]| {
            vec![
                channel.clone(),
                asset.clone(),
                url.clone(),
                short_of(channel, asset),
            ]
        }));
        content
            .entries
            .push(Entry::text("links.csv", output::csv(links_rows)));

        // The e-mail draft is published beside the zips, so the kit page can offer it
        // without a download and an unzip.
        if let Some(draft) = &content.draft {
            let public = format!("{dir}/{}-email-{lang}.eml", partner.id);
            staging.write_public(&public, draft, &source)?;
            let url = urls.kit_file(&public);
            for pitch in &mut content.kit.pitches {
                if pitch.channel == crate::base::vocab::channels::EMAIL {
                    pitch.draft = Some(url.clone());
                }
            }
        }
        let file = format!("{}-{lang}.zip", partner.id);
        let zip = archive::write(content.entries, shared.modified)
            .map_err(|why| Diagnostic::project(format!("{source}: {why}")))?;
        let sha256 = token::sha256_hex(&zip);
        staging.write_public(&format!("{dir}/{file}"), &zip, &source)?;
        let zip_url = urls.kit_file(&format!("{dir}/{file}"));
        downloads.push(Download {
            lang: lang.clone(),
            file,
            url: zip_url.clone(),
            bytes: zip.len() as u64,
            size: human_size(zip.len() as u64, lang, locales),
            sha256: sha256.clone(),
        });
        records.push(KitRecord {
            partner: partner.id.clone(),
            market: partner.market.clone(),
            lang: lang.clone(),
            page: urls.permalink(&page_url(lang)),
            zip: urls.permalink(&zip_url),
            bytes: zip.len() as u64,
            sha256,
        });
        values.push(content.kit);
    }
    shared.image_time.fetch_add(
        u64::try_from(image_time.as_nanos()).unwrap_or(u64::MAX),
        std::sync::atomic::Ordering::Relaxed,
    );
    let kit = PartnerKit {
        partner,
        market_lang,
        urls: settings
            .languages
            .iter()
            .map(|l| (l.as_str(), page_url(l)))
            .collect(),
        values,
        page: KitPageValues {
            downloads,
            results: if settings.results.is_empty()
                || !templates.has(crate::base::vocab::RESULTS_TEMPLATE)
            {
                Vec::new()
            } else {
                settings
                    .languages
                    .iter()
                    .map(|l| Translation {
                        lang: l.clone(),
                        url: results_url(urls, &token, l, market_lang),
                    })
                    .collect()
            },
            images: Prepared::new(&{
                images.extend(shared.images.iter().cloned());
                images
            }),
            qr: Qr {
                png: urls.kit_file(&format!("{dir}/images/qr.png")),
                svg: urls.kit_file(&format!("{dir}/images/qr.svg")),
                link: qr_link,
                short: qr_short,
            },
            short_links,
        },
    };
    Ok((records, kit))
}

/// A file size for people: "2.4 MB" in English, "2,4 МБ" in Russian.
fn human_size(bytes: u64, lang: &str, locales: &Locales) -> String {
    let (value, unit_en, unit_ru) = if bytes >= 1_000_000 {
        (bytes as f64 / 1_000_000.0, "MB", "МБ")
    } else {
        (bytes as f64 / 1_000.0, "KB", "КБ")
    };
    let unit = if lang == "ru" { unit_ru } else { unit_en };
    let number = match locales.formatter(lang) {
        Ok(f) => f.number(value, Some(1), Some(1)),
        Err(_) => format!("{value:.1}"),
    };
    format!("{number}\u{a0}{unit}")
}
