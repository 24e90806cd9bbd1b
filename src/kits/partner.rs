//! One partner's kits, in every language: its QR code, its banners drawn with its
//! name, its text stamped with its links, the zips and e-mail drafts written, their
//! records for `kits.csv`, and what its kit page shows ([`PartnerKit`]).

use std::sync::Arc;

use super::archive::{self, Entry};
use super::content::{self, Recipient};
use super::{KitRecord, PartnerKit, Shared};
use crate::banners::{images, Layers};
use crate::base::diagnostics::{Diagnostic, Result};
use crate::base::vocab::QR;
use crate::model::partners::Partner;
use crate::output::{self, Staging};
use crate::render::contract::{
    Corner, Download, KitImage, KitPageValues, KitValues, PartnerValues, Prepared, Qr, ShortLink,
    Translation,
};
use crate::render::locales::Locales;
use crate::render::secret::{self, Secret};
use crate::render::urls::KitPaths;

/// One partner's kits: the zips and QR code written to `staging`, their records, and
/// what the partner's kit page shows.
pub(super) fn kits<'a>(
    shared: &Shared<'a>,
    partner: &'a Partner,
    staging: &Staging,
    secret: &Secret,
) -> Result<(Vec<KitRecord>, PartnerKit<'a>)> {
    let settings = &shared.project.settings;
    let started = std::time::Instant::now();
    let stamp = Stamp::new(shared, partner, secret)?;
    let mut clock = Clock(started.elapsed());
    staging.write_public(&stamp.paths.qr_png(), &stamp.qr_png, &stamp.source)?;
    staging.write_public(
        &stamp.paths.qr_svg(),
        stamp.qr_svg.as_bytes(),
        &stamp.source,
    )?;

    let mut records = Vec::new();
    let mut downloads = Vec::new();
    let mut values = Vec::new();
    // The template banners first (they are made for the partner), then the photos.
    let mut images = Vec::new();
    let mut layers = Layers::default();
    for lang in &settings.languages {
        let made = stamp.language(shared, lang, staging, &mut layers, &mut clock)?;
        records.push(made.record);
        downloads.push(made.download);
        images.extend(made.images);
        values.push(made.values);
    }
    shared.image_time.fetch_add(
        u64::try_from(clock.0.as_nanos()).unwrap_or(u64::MAX),
        std::sync::atomic::Ordering::Relaxed,
    );
    images.extend(shared.images.iter().cloned());
    let kit = stamp.page(shared, values, downloads, images);
    Ok((records, kit))
}

/// Time spent drawing a partner's images.
struct Clock(std::time::Duration);

impl Clock {
    fn time<T>(&mut self, work: impl FnOnce() -> T) -> T {
        let started = std::time::Instant::now();
        let done = work();
        self.0 += started.elapsed();
        done
    }
}

/// What every language of one partner's kit shares: where its files go, its QR
/// code and its links.
struct Stamp<'a> {
    partner: &'a Partner,
    token: String,
    paths: KitPaths,
    /// The language of the partner's market: its kit page is at the kit's root.
    market_lang: &'a str,
    /// How errors name this kit.
    source: String,
    /// The QR code's tracked link, and the short link the code encodes.
    qr_link: String,
    qr_short: String,
    qr: images::Qr,
    qr_png: Arc<[u8]>,
    qr_svg: String,
    /// Every photo banner with the QR code in its corner: (file name, bytes).
    variants: Vec<(String, Arc<[u8]>)>,
    /// The partner's short links and the tracked links they lead to.
    short_links: Vec<ShortLink>,
}

/// One language's kit, made and written.
struct Made {
    record: KitRecord,
    download: Download,
    images: Vec<KitImage>,
    values: KitValues,
}

impl<'a> Stamp<'a> {
    fn new(shared: &Shared<'a>, partner: &'a Partner, secret: &Secret) -> Result<Stamp<'a>> {
        let settings = &shared.project.settings;
        let loaded = shared.loaded;
        let attribution = &*loaded.attribution;
        let token = secret.token(&partner.id);
        let market_lang = settings
            .market(&partner.market)
            .map_or(settings.default_language(), |m| m.language.as_str());
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
                .link(&partner.id, market_lang, &short.channel, &short.asset)
                .map_err(Diagnostic::project)?;
            short_links.push(ShortLink {
                channel: short.channel,
                short: loaded.urls.permalink(&short.url),
                url,
            });
        }
        let variants = shared
            .banners
            .iter()
            .map(|b| (b.qr_file_name(), Arc::from(qr.stamp_onto(b))))
            .collect();
        Ok(Stamp {
            partner,
            paths: KitPaths::new(&token),
            token,
            market_lang,
            source: format!("the kit of partner `{}`", partner.id),
            qr_link,
            qr_short,
            qr_png: Arc::from(qr.png(10)),
            qr_svg: qr.svg(),
            qr,
            variants,
            short_links,
        })
    }

    /// The root-relative URL of the kit page in `lang`.
    fn page_url(&self, shared: &Shared<'_>, lang: &str) -> String {
        shared
            .loaded
            .urls
            .kit_page(&self.token, lang, self.market_lang)
    }

    /// The kit in `lang`: its text, images and links zipped, the e-mail draft and the
    /// banners published beside it.
    fn language(
        &self,
        shared: &Shared<'_>,
        lang: &str,
        staging: &Staging,
        layers: &mut Layers,
        clock: &mut Clock,
    ) -> Result<Made> {
        let project = shared.project;
        let urls = &shared.loaded.urls;
        let partner = self.partner;
        let partner_values = PartnerValues::new(
            &project.settings,
            partner,
            project.playbook(partner),
            lang,
            shared.loaded.locales.formatter(lang).ok(),
            crate::model::audience::Audience::Partner,
        );
        let recipient = Recipient {
            partner,
            values: &partner_values,
            lang,
            qr_link: &self.qr_link,
            short_links: &self.short_links,
        };
        let mut content = content::kit_content(shared, &recipient)?;
        content
            .entries
            .push(Entry::stored("images/qr.png", self.qr_png.clone()));
        content
            .entries
            .push(Entry::text("images/qr.svg", self.qr_svg.clone()));
        for b in &shared.banners {
            content.entries.push(Entry::stored(
                format!("images/{}", b.file_name()),
                b.bytes.clone(),
            ));
        }
        for (name, bytes) in &self.variants {
            content
                .entries
                .push(Entry::stored(format!("images/{name}"), bytes.clone()));
        }
        let images = self.banners(shared, lang, staging, layers, clock, &mut content.entries)?;
        let links = self.links_csv(shared, &content.links);
        content.entries.push(Entry::text("links.csv", links));

        // The e-mail draft is published beside the zips, so the kit page can offer it
        // without a download and an unzip.
        if let Some(draft) = &content.draft {
            let public = self.paths.email_draft(&partner.id, lang);
            staging.write_public(&public, draft, &self.source)?;
            let url = urls.kit_file(&public);
            for pitch in &mut content.kit.pitches {
                if pitch.channel == crate::base::vocab::channels::EMAIL {
                    pitch.draft = Some(url.clone());
                }
            }
        }
        let (file, zip_path) = self.paths.zip(&partner.id, lang);
        let zip = archive::write(content.entries, shared.modified)
            .map_err(|why| Diagnostic::project(format!("{}: {why}", self.source)))?;
        let sha256 = secret::sha256_hex(&zip);
        staging.write_public(&zip_path, &zip, &self.source)?;
        let zip_url = urls.kit_file(&zip_path);
        Ok(Made {
            download: Download {
                lang: lang.to_owned(),
                file,
                url: zip_url.clone(),
                bytes: zip.len() as u64,
                size: human_size(zip.len() as u64, lang, &shared.loaded.locales),
                sha256: sha256.clone(),
            },
            record: KitRecord {
                partner: partner.id.clone(),
                market: partner.market.clone(),
                lang: lang.to_owned(),
                page: urls.permalink(&self.page_url(shared, lang)),
                zip: urls.permalink(&zip_url),
                bytes: zip.len() as u64,
                sha256,
            },
            images,
            values: content.kit,
        })
    }

    /// Every banner template in `lang` with the partner's name and QR code, at every
    /// kit size: published for the kit page and added to the zip's `entries`.
    fn banners(
        &self,
        shared: &Shared<'_>,
        lang: &str,
        staging: &Staging,
        layers: &mut Layers,
        clock: &mut Clock,
        entries: &mut Vec<Entry>,
    ) -> Result<Vec<KitImage>> {
        let mut images = Vec::new();
        for banner in shared.studio.templates() {
            for &size in &shared.sizes {
                let (bytes, format) = clock.time(|| {
                    shared
                        .studio
                        .personal(banner, size, lang, self.partner, &self.qr, layers)
                })?;
                let ext = format.extension();
                let file = format!("{}-{size}.{ext}", banner.slug());
                let public = self
                    .paths
                    .banner(banner.slug(), lang, &size.to_string(), ext);
                staging.write_public(&public, &bytes, &self.source)?;
                entries.push(Entry::stored(format!("images/{file}"), bytes));
                images.push(KitImage {
                    file,
                    url: shared.loaded.urls.kit_file(&public),
                    width: size.width,
                    height: size.height,
                    qr: false,
                    lang: Some(lang.to_owned()),
                    corner: Corner {
                        x: 0,
                        y: 0,
                        side: 0,
                    },
                });
            }
        }
        Ok(images)
    }

    /// The kit's `links.csv`: every tracked link of the kit (the QR code's, the short
    /// links' and `links`, the text's), and the short link that leads to it if any.
    fn links_csv(&self, shared: &Shared<'_>, links: &[[String; 3]]) -> String {
        let shorts = shared.loaded.attribution.shorts();
        let short_of = |channel: &str, asset: &str| {
            shorts
                .permalink(&self.partner.code, channel, asset)
                .unwrap_or_default()
        };
        let mut rows = vec![["channel", "asset", "url", "short_url"]
            .map(String::from)
            .to_vec()];
        rows.push(vec![
            QR.to_owned(),
            QR.to_owned(),
            self.qr_link.clone(),
            self.qr_short.clone(),
        ]);
        rows.extend(
            self.short_links
                .iter()
                .filter(|s| s.channel != QR)
                .map(|s| {
                    vec![
                        s.channel.clone(),
                        crate::base::vocab::short_links::ASSET.to_owned(),
                        s.url.clone(),
                        s.short.clone(),
                    ]
                }),
        );
        rows.extend(links.iter().map(|[channel, asset, url]| {
            vec![
                channel.clone(),
                asset.clone(),
                url.clone(),
                short_of(channel, asset),
            ]
        }));
        output::csv(rows)
    }

    /// What the partner's kit page shows, in every language.
    fn page(
        self,
        shared: &Shared<'a>,
        values: Vec<KitValues>,
        downloads: Vec<Download>,
        images: Vec<KitImage>,
    ) -> PartnerKit<'a> {
        let settings = &shared.project.settings;
        let urls = &shared.loaded.urls;
        let results = if settings.results.is_empty()
            || !shared
                .loaded
                .templates
                .has(crate::base::vocab::RESULTS_TEMPLATE)
        {
            Vec::new()
        } else {
            settings
                .languages
                .iter()
                .map(|l| Translation {
                    lang: l.clone(),
                    url: urls.results_page(&self.token, l, self.market_lang),
                })
                .collect()
        };
        PartnerKit {
            partner: self.partner,
            market_lang: self.market_lang,
            urls: settings
                .languages
                .iter()
                .map(|l| (l.as_str(), self.page_url(shared, l)))
                .collect(),
            values,
            page: KitPageValues {
                downloads,
                results,
                images: Prepared::new(&images),
                qr: Qr {
                    png: urls.kit_file(&self.paths.qr_png()),
                    svg: urls.kit_file(&self.paths.qr_svg()),
                    link: self.qr_link,
                    short: self.qr_short,
                },
                short_links: self.short_links,
            },
        }
    }
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
