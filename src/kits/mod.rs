//! Pitch kits: one zip per partner and language, every asset carrying the partner's link.
//!
//! Work that does not depend on the partner is done once: banners are decoded and
//! resized once per size, pitch copy and stories are turned into plain text once.
//! Per partner, only links are stamped into that text, one QR code is drawn and set
//! into the banners' corners, and the zips and the private kit page are written.
//! Partners are processed in parallel; every kit's bytes depend only on its inputs.

mod archive;
pub(crate) mod cadence;
pub(crate) mod images;
pub(crate) mod text;
pub(crate) mod token;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Value};

use crate::base::dates::Date;
use crate::base::diagnostics::{display_path, Diagnostic, Error, Report, Result};
use crate::base::vocab::{KIT, QR};
use crate::model::documents::Pitch;
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::output::{self, Staging};
use crate::render::links::Attribution;
use crate::render::locales::Locales;
use crate::render::templates::Templates;
use crate::render::urls::Urls;
use crate::render::values::{market_value, obj, opt, partner_value, playbook_value};

use archive::Entry;
use images::{Qr, Resized, Size};
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

/// Work shared by every partner's kit.
struct Shared<'a> {
    project: &'a Project,
    urls: Urls,
    banners: Vec<Resized>,
    /// (slug, lang) → the story as plain text, placeholders kept.
    story_text: BTreeMap<(&'a str, &'a str), String>,
    /// Index in `project.pitches` → the pitch as plain text, placeholders kept.
    pitch_text: Vec<String>,
    modified: zip::DateTime,
    /// Cadence start of partners whose registry entry sets none.
    default_start: Option<Date>,
    /// `SOURCE_DATE_EPOCH`, the stamp of calendars.
    source_date_epoch: Option<i64>,
}

/// What kits take from the command line and the environment rather than the project.
#[derive(Debug, Clone)]
pub(crate) struct KitOptions {
    /// The secret kit addresses derive from.
    pub secret: Secret,
    /// Where cadences start for partners whose registry entry sets no `start`
    /// (`--start`, else the day of `SOURCE_DATE_EPOCH`); never the clock.
    pub default_start: Option<Date>,
    /// `SOURCE_DATE_EPOCH`: the timestamp of every zip entry and calendar.
    pub source_date_epoch: Option<i64>,
}

/// Builds every partner's kits into `staging`.
pub(crate) fn build(
    project: &Project,
    templates: &Templates,
    locales: &Locales,
    attribution: &Attribution,
    staging: &Staging,
    options: &KitOptions,
    progress: &indicatif::ProgressBar,
) -> Result<Vec<KitRecord>> {
    if project.partners.is_empty() {
        return Ok(Vec::new());
    }
    let shared = Shared::prepare(project, options)?;
    for banner in &shared.banners {
        staging.write_public(
            &format!("kits/assets/{}", banner.file_name()),
            &banner.bytes,
            "content/banners",
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
            );
            progress.inc(1);
            kits
        })
        .collect();
    let mut records = Vec::new();
    let mut report = Report::default();
    for result in results {
        match result {
            Ok(r) => records.extend(r),
            Err(Error::Content(d)) => report.extend(d),
            Err(other) => return Err(other),
        }
    }
    if report.has_errors() {
        return Err(Error::Content(first_per_file(report.into_diagnostics())));
    }
    Ok(records)
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
    fn prepare(project: &'a Project, options: &KitOptions) -> Result<Shared<'a>> {
        let sizes: Vec<Size> = project
            .settings
            .kit_sizes
            .iter()
            .map(|&(width, height)| Size { width, height })
            .collect();
        let decoded: Vec<std::result::Result<Vec<Resized>, Diagnostic>> = project
            .banners
            .par_iter()
            .map(|banner| {
                let shown =
                    std::path::PathBuf::from(crate::base::vocab::BANNERS_DIR).join(&banner.name);
                let (image, format) = images::decode(banner, &shown)?;
                let stem = banner
                    .name
                    .rsplit_once('.')
                    .map_or(banner.name.as_str(), |(s, _)| s)
                    .to_owned();
                Ok(sizes
                    .par_iter()
                    .map(|&size| {
                        let pixels = images::resize_cover(&image, size);
                        let bytes = Arc::from(images::encode(&pixels, size, format));
                        let banded = (format == images::Format::Png).then(|| {
                            images::banded::BandedPng::new(
                                &pixels,
                                size,
                                images::QrCorner::of(size).top,
                            )
                        });
                        Resized {
                            banner: stem.clone(),
                            size,
                            format,
                            pixels,
                            bytes,
                            banded,
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
        let mut story_text = BTreeMap::new();
        for story in &project.stories {
            for t in &story.texts {
                story_text.insert(
                    (story.slug.as_str(), t.lang.as_str()),
                    text::markdown_to_text(t.markdown(), &t.lang),
                );
            }
        }
        let pitch_text = project
            .pitches
            .iter()
            .map(|p| text::markdown_to_text(&p.body, &p.lang))
            .collect();
        Ok(Shared {
            project,
            urls: Urls::new(&project.settings),
            banners,
            story_text,
            pitch_text,
            modified: archive::timestamp(options.source_date_epoch),
            default_start: options.default_start,
            source_date_epoch: options.source_date_epoch,
        })
    }
}

/// Everything one partner's kit in one language holds, before zipping.
struct KitContent {
    entries: Vec<Entry>,
    kit: Vec<(&'static str, Value)>,
    /// (channel, asset, url) of every tracked link in the kit.
    links: Vec<[String; 3]>,
}

fn partner_kits(
    shared: &Shared<'_>,
    partner: &Partner,
    templates: &Templates,
    locales: &Locales,
    attribution: &Attribution,
    staging: &Staging,
    secret: &Secret,
) -> Result<Vec<KitRecord>> {
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
    let qr = Qr::new(&qr_link)
        .map_err(|why| Diagnostic::error(crate::base::vocab::SETTINGS_FILE, why))?;
    let qr_png: Arc<[u8]> = Arc::from(qr.png(10));
    let qr_svg = qr.svg();
    let variants: Vec<(String, Arc<[u8]>)> = shared
        .banners
        .iter()
        .map(|b| (b.qr_file_name(), Arc::from(qr.stamp_onto(b))))
        .collect();
    staging.write_public(&format!("{dir}/images/qr.png"), &qr_png, &source)?;
    staging.write_public(&format!("{dir}/images/qr.svg"), qr_svg.as_bytes(), &source)?;
    // The kit page previews a banner with the QR code by drawing qr.svg over the
    // shared banner, so no per-partner copy of every banner is published.
    let image_values: Vec<Value> = shared
        .banners
        .iter()
        .map(|b| {
            image_value(
                &b.file_name(),
                &urls.file(&format!("kits/assets/{}", b.file_name())),
                b,
                false,
            )
        })
        .chain(shared.banners.iter().map(|b| {
            image_value(
                &b.qr_file_name(),
                &urls.file(&format!("kits/assets/{}", b.file_name())),
                b,
                true,
            )
        }))
        .collect();
    let qr_value = obj(vec![
        (
            "png",
            Value::from(urls.file(&format!("{dir}/images/qr.png"))),
        ),
        (
            "svg",
            Value::from(urls.file(&format!("{dir}/images/qr.svg"))),
        ),
        ("link", Value::from(qr_link.as_str())),
    ]);

    let page_url = |lang: &str| -> String {
        if lang == market_lang {
            urls.file(&format!("{dir}/"))
        } else {
            urls.file(&format!("{dir}/{lang}/"))
        }
    };

    let mut records = Vec::new();
    let mut downloads = Vec::new();
    let mut contents = Vec::new();
    for lang in &settings.languages {
        let mut content = kit_content(
            shared,
            partner,
            lang,
            templates,
            locales,
            attribution,
            &qr_link,
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
        let mut links_rows = vec![vec![
            "channel".to_owned(),
            "asset".to_owned(),
            "url".to_owned(),
        ]];
        links_rows.push(vec![QR.to_owned(), "qr".to_owned(), qr_link.clone()]);
        links_rows.extend(content.links.iter().map(|l| l.to_vec()));
        content
            .entries
            .push(Entry::text("links.csv", output::csv(links_rows)));

        let file = format!("{}-{lang}.zip", partner.id);
        let zip = archive::write(content.entries.clone(), shared.modified)
            .map_err(|why| Diagnostic::project(format!("{source}: {why}")))?;
        let sha256 = token::sha256_hex(&zip);
        staging.write_public(&format!("{dir}/{file}"), &zip, &source)?;
        let zip_url = urls.file(&format!("{dir}/{file}"));
        downloads.push(obj(vec![
            ("lang", Value::from(lang.as_str())),
            ("file", Value::from(file.as_str())),
            ("url", Value::from(zip_url.as_str())),
            ("bytes", Value::from(zip.len() as u64)),
            (
                "size",
                Value::from(human_size(zip.len() as u64, lang, locales)),
            ),
            ("sha256", Value::from(sha256.as_str())),
        ]));
        records.push(KitRecord {
            partner: partner.id.clone(),
            market: partner.market.clone(),
            lang: lang.clone(),
            page: urls.permalink(&page_url(lang)),
            zip: urls.permalink(&zip_url),
            bytes: zip.len() as u64,
            sha256,
        });
        contents.push((lang, content));
    }

    for (lang, content) in contents {
        let mut context = kit_context(shared, partner, lang, locales, &content.kit);
        context.insert_value("downloads", Value::from(downloads.clone()));
        context.insert_value("images", Value::from(image_values.clone()));
        context.insert_value("qr", qr_value.clone());
        let url = page_url(lang);
        let alternates: Vec<Value> = settings
            .languages
            .iter()
            .map(|l| {
                obj(vec![
                    ("lang", Value::from(l.as_str())),
                    ("permalink", Value::from(urls.permalink(&page_url(l)))),
                    ("url", Value::from(page_url(l))),
                ])
            })
            .collect();
        let translations: Vec<Value> = settings
            .languages
            .iter()
            .filter(|l| *l != lang)
            .map(|l| {
                obj(vec![
                    ("lang", Value::from(l.as_str())),
                    ("url", Value::from(page_url(l))),
                ])
            })
            .collect();
        context.insert_value("alternates", Value::from(alternates));
        context.insert_value("translations", Value::from(translations));
        context.insert_value(
            "x_default",
            Value::from(urls.permalink(&page_url(market_lang))),
        );
        context.insert_value("canonical", Value::from(urls.permalink(&url)));
        context.insert_value("noindex", Value::from(true));
        context.insert_value(
            "home_url",
            Value::from(urls.partner_home(&partner.id, lang)),
        );
        context.insert_value("nav", Value::from(Vec::<Value>::new()));
        context.insert_value("stories", Value::from(Vec::<Value>::new()));
        context.insert_value(
            "page",
            obj(vec![
                ("kind", Value::from("kit")),
                ("stale", Value::from(false)),
                ("url", Value::from(url.as_str())),
                ("permalink", Value::from(urls.permalink(&url))),
                ("title", Value::from(partner.name.as_str())),
                ("summary", Value::none()),
                ("date", Value::none()),
                ("content", Value::from("")),
                ("slug", Value::from("")),
                ("banner", Value::none()),
            ]),
        );
        let html = templates.render(
            "kit.html",
            &context,
            &format!("the {lang} kit page of partner `{}`", partner.id),
        )?;
        let rel = url.strip_prefix(&settings.base_path).unwrap_or(&url);
        staging.write_public(&format!("{rel}index.html"), html.as_bytes(), &source)?;
    }
    Ok(records)
}

/// A kit image for the page: `url` shows it (for a QR variant, the shared banner the
/// page draws the code over, inside `corner`).
fn image_value(file: &str, url: &str, banner: &Resized, with_qr: bool) -> Value {
    let corner = images::QrCorner::of(banner.size);
    obj(vec![
        ("file", Value::from(file)),
        ("url", Value::from(url)),
        ("width", Value::from(banner.size.width)),
        ("height", Value::from(banner.size.height)),
        ("qr", Value::from(with_qr)),
        (
            "corner",
            obj(vec![
                ("x", Value::from(corner.left as u64)),
                ("y", Value::from(corner.top as u64)),
                ("side", Value::from(corner.side as u64)),
            ]),
        ),
    ])
}

/// The template context shared by a kit's README and its page.
fn kit_context(
    shared: &Shared<'_>,
    partner: &Partner,
    lang: &str,
    locales: &Locales,
    kit: &[(&'static str, Value)],
) -> Context {
    let settings = &shared.project.settings;
    let mut context = Context::new();
    context.insert_value("lang", Value::from(lang));
    context.insert_value("preview", Value::from(false));
    context.insert_value(
        "site",
        obj(vec![
            ("title", Value::from(settings.title.as_str())),
            ("base_url", Value::from(settings.base_url.as_str())),
            ("base_path", Value::from(settings.base_path.as_str())),
        ]),
    );
    let playbook = shared.project.playbook(partner);
    context.insert_value("partner", partner_value(partner, playbook));
    match locales.formatter(lang) {
        Ok(formatter) => {
            context.insert_value(
                "market",
                market_value(settings, partner, playbook, formatter),
            );
            context.insert_value(
                "playbook",
                playbook_value(settings, playbook, lang, formatter),
            );
        }
        Err(_) => {
            context.insert_value("market", Value::none());
            context.insert_value("playbook", Value::none());
        }
    }
    for (key, value) in kit {
        context.insert_value(*key, value.clone());
    }
    context
}

/// The text files of one partner's kit in one language, and their template values.
fn kit_content(
    shared: &Shared<'_>,
    partner: &Partner,
    lang: &str,
    templates: &Templates,
    locales: &Locales,
    attribution: &Attribution,
    qr_link: &str,
) -> Result<KitContent> {
    let project = shared.project;
    let urls = &shared.urls;
    let mut entries = Vec::new();
    let mut links = Vec::new();
    let mut report = Report::default();
    let link = |channel: &str, asset: &str| -> Result<String> {
        attribution
            .link(&partner.id, lang, channel, asset)
            .map_err(|why| Diagnostic::project(why).into())
    };
    let microsite = urls.permalink(&urls.partner_home(&partner.id, lang));

    let mut pitches = Vec::new();
    for channel in &partner.channels {
        let Some((index, pitch)) =
            project.pitches.iter().enumerate().find(|(_, p)| {
                p.market == partner.market && &p.channel == channel && p.lang == lang
            })
        else {
            report.push(
                Diagnostic::error(
                    format!("{}/{}/{channel}.{lang}.md", crate::base::vocab::PITCH_DIR, partner.market),
                    format!("partner `{}` shares on {channel}, but this pitch copy does not exist", partner.id),
                )
                .help("write the pitch copy, or remove the channel from the partner in content/partners.yaml"),
            );
            continue;
        };
        let url = link(channel, &pitch.asset)?;
        let body = text::stamp_text(&shared.pitch_text[index], &partner.name, &url);
        if let Some(d) = check_limit(project, pitch, partner, &body, &url) {
            report.push(d);
        }
        let subject = pitch
            .subject
            .as_deref()
            .map(|s| one_line(&text::stamp_text(s, &partner.name, &url)));
        let mut file_text = String::new();
        if let Some(subject) = &subject {
            file_text.push_str(&format!("Subject: {subject}\n\n"));
        }
        file_text.push_str(&body);
        entries.push(Entry::text(format!("pitch/{channel}.txt"), file_text));
        if channel == crate::base::vocab::channels::EMAIL {
            let html = text::stamp_html(&pitch.html, &partner.name, &url);
            let document = render_document(
                templates,
                lang,
                subject.as_deref().unwrap_or(""),
                &html,
                None,
                &pitch.file,
            )?;
            entries.push(Entry::text(format!("pitch/{channel}.html"), document));
        }
        links.push([channel.clone(), pitch.asset.clone(), url.clone()]);
        pitches.push(obj(vec![
            ("channel", Value::from(channel.as_str())),
            ("file", Value::from(format!("pitch/{channel}.txt"))),
            ("subject", opt(subject.as_deref())),
            ("text", Value::from(body)),
            ("link", Value::from(url)),
        ]));
    }

    let mut stories = Vec::new();
    for story in project.stories_for_market(&partner.market) {
        let t = story.text(lang);
        let asset = format!("story-{}", story.slug);
        let url = link(KIT, &asset)?;
        let cta = locales
            .format(lang, crate::base::vocab::messages::KIT_STORY_CTA, &[])
            .map_err(Diagnostic::project)?;
        let mut plain = format!("{}\n\n", t.title);
        if let Some(summary) = &t.summary {
            plain.push_str(&format!("{summary}\n\n"));
        }
        plain.push_str(&text::stamp_text(
            &shared.story_text[&(story.slug.as_str(), lang)],
            &partner.name,
            &url,
        ));
        plain.push_str(&format!("\n{cta}: {url}\n"));
        entries.push(Entry::text(format!("stories/{}.txt", story.slug), plain));
        let html = text::stamp_html(&t.html, &partner.name, &url);
        let document = render_document(
            templates,
            lang,
            &t.title,
            &html,
            Some((&cta, &url)),
            &t.file,
        )?;
        entries.push(Entry::text(
            format!("stories/{}.html", story.slug),
            document,
        ));
        links.push([KIT.to_owned(), asset.clone(), url.clone()]);
        stories.push(obj(vec![
            ("slug", Value::from(story.slug.as_str())),
            ("title", Value::from(t.title.as_str())),
            ("summary", opt(t.summary.as_deref())),
            ("file", Value::from(format!("stories/{}.txt", story.slug))),
            ("link", Value::from(url)),
        ]));
    }
    report.into_result()?;

    let start = partner.start.or(shared.default_start);
    let cadence = cadence::for_kit(
        project,
        partner,
        lang,
        start,
        shared.source_date_epoch,
        locales,
        attribution,
    )?;
    entries.extend(cadence.entries);
    links.extend(cadence.links);

    let link_values: Vec<Value> = links.iter().map(|[c, a, u]| link_value(c, a, u)).collect();
    let kit = vec![
        ("pitches", Value::from(pitches)),
        ("kit_stories", Value::from(stories)),
        ("links", Value::from(link_values)),
        ("microsite", Value::from(microsite)),
        ("cadence", cadence.value),
    ];
    let shared_context = kit_context(shared, partner, lang, locales, &kit);
    let describe = format!("the {lang} kit README of partner `{}`", partner.id);
    let mut readme_context = shared_context;
    readme_context.insert_value("qr_link", Value::from(qr_link));
    entries.push(Entry::text(
        "README.txt",
        templates.render("kit-readme.txt", &readme_context, &describe)?,
    ));
    entries.push(Entry::text(
        "README.html",
        templates.render("kit-readme.html", &readme_context, &describe)?,
    ));
    Ok(KitContent {
        entries,
        kit,
        links,
    })
}

fn link_value(channel: &str, asset: &str, url: &str) -> Value {
    obj(vec![
        ("channel", Value::from(channel)),
        ("asset", Value::from(asset)),
        ("url", Value::from(url)),
    ])
}

/// A standalone HTML file of the kit (an e-mail, a story) through `kit-document.html`.
fn render_document(
    templates: &Templates,
    lang: &str,
    title: &str,
    html: &str,
    cta: Option<(&str, &str)>,
    source: &std::path::Path,
) -> Result<String> {
    let mut context = Context::new();
    context.insert_value("lang", Value::from(lang));
    context.insert_value("title", Value::from(title));
    context.insert_value("content", Value::from(html));
    context.insert_value(
        "cta",
        cta.map_or_else(Value::none, |(text, url)| {
            obj(vec![("text", Value::from(text)), ("url", Value::from(url))])
        }),
    );
    Ok(templates.render("kit-document.html", &context, &display_path(source))?)
}

/// Checks a stamped post against its channel's limit.
fn check_limit(
    project: &Project,
    pitch: &Pitch,
    partner: &Partner,
    body: &str,
    url: &str,
) -> Option<Diagnostic> {
    let limit = project.settings.channel(&pitch.channel)?.limit?;
    let link_length =
        (pitch.channel == crate::base::vocab::channels::X).then_some(text::X_LINK_LENGTH);
    let length = text::post_length(body, &[url], link_length);
    if length <= limit {
        return None;
    }
    let how = if link_length.is_some() {
        " (each link counts as 23)"
    } else {
        ""
    };
    Some(
        Diagnostic::error(
            &pitch.file,
            format!("the {} post is {length} characters for partner `{}`, over the limit of {limit}{how}", pitch.channel, partner.id),
        )
        .help("shorten the copy; the partner's name and link are part of the count"),
    )
}

/// Subjects are one line: line breaks would split an e-mail header.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
