//! The text of one partner's kit in one language: pitch copy and stories stamped with
//! the partner's name and links, standalone HTML files, the cadence and the READMEs,
//! with the kit's template values ([`KitValues`]) they are made from.

use std::sync::Arc;

use rayon::prelude::*;

use super::archive::Entry;
use super::{cadence, eml, share, text, Shared};
use crate::base::diagnostics::{display_path, Diagnostic, Report, Result};
use crate::base::vocab::KIT;
use crate::model::documents::Pitch as PitchCopy;
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::render::contract::{
    context_of, Cta, DocumentContext, KitLink, KitReadme, KitStory, KitValues, PartnerValues,
    Pitch, ShortLink,
};
use crate::render::templates::Templates;

/// Everything one partner's kit in one language holds, before zipping.
pub(super) struct KitContent {
    pub(super) entries: Vec<Entry>,
    pub(super) kit: KitValues,
    /// (channel, asset, url) of every tracked link in the kit.
    pub(super) links: Vec<[String; 3]>,
    /// The e-mail as a ready draft (`pitch/email.eml`), when the partner has e-mail.
    pub(super) draft: Option<Arc<[u8]>>,
}

/// Whom one kit is for: the partner, in one language, with the links made for it.
pub(super) struct Recipient<'a> {
    pub(super) partner: &'a Partner,
    /// The partner's template values in `lang`.
    pub(super) values: &'a PartnerValues,
    pub(super) lang: &'a str,
    /// The QR code's tracked link.
    pub(super) qr_link: &'a str,
    /// The partner's short links and the tracked links they lead to.
    pub(super) short_links: &'a [ShortLink],
}

/// What a kit's parts add to it as they are made.
#[derive(Default)]
struct Parts {
    entries: Vec<Entry>,
    /// (channel, asset, tracked url) of every link in the kit's copy.
    links: Vec<[String; 3]>,
    draft: Option<Arc<[u8]>>,
}

/// The text files of one partner's kit in one language, and their template values.
pub(super) fn kit_content(shared: &Shared<'_>, recipient: &Recipient<'_>) -> Result<KitContent> {
    let mut parts = Parts::default();
    let pitches = pitch_files(shared, recipient, &mut parts)?;
    let stories = kit_stories(shared, recipient, &mut parts.entries, &mut parts.links)?;
    let cadence = outreach_plan(shared, recipient)?;
    parts.entries.extend(cadence.entries);
    parts.links.extend(cadence.links);
    let urls = &shared.loaded.urls;
    let kit = KitValues {
        pitches,
        kit_stories: stories,
        links: parts
            .links
            .iter()
            .map(|[channel, asset, url]| KitLink {
                channel: channel.clone(),
                asset: asset.clone(),
                url: url.clone(),
            })
            .collect(),
        microsite: urls.permalink(&urls.partner_home(&recipient.partner.id, recipient.lang)),
        cadence: cadence.touches,
    };
    readmes(shared, recipient, &kit, &mut parts.entries)?;
    Ok(KitContent {
        entries: parts.entries,
        kit,
        links: parts.links,
        draft: parts.draft,
    })
}

/// The tracked link of the recipient for `channel` and `asset`, and what copy prints
/// for it: its short link, unless the site prints full links.
fn copy_link(
    shared: &Shared<'_>,
    recipient: &Recipient<'_>,
    channel: &str,
    asset: &str,
) -> Result<(String, String)> {
    let attribution = &*shared.loaded.attribution;
    let partner = recipient.partner;
    let tracked = attribution
        .link(&partner.id, recipient.lang, channel, asset)
        .map_err(Diagnostic::project)?;
    let printed = attribution
        .shorts()
        .in_copy(&partner.code, channel, asset, &tracked);
    Ok((tracked, printed))
}

/// `pitch/<channel>.txt` for each of the partner's channels (and the e-mail as HTML
/// and a draft); a channel without pitch copy in the partner's market is an error.
fn pitch_files(
    shared: &Shared<'_>,
    recipient: &Recipient<'_>,
    parts: &mut Parts,
) -> Result<Vec<Pitch>> {
    let (partner, lang) = (recipient.partner, recipient.lang);
    let mut report = Report::default();
    let mut pitches = Vec::new();
    for channel in &partner.channels {
        let found =
            shared.project.pitches.iter().enumerate().find(|(_, p)| {
                p.market == partner.market && &p.channel == channel && p.lang == lang
            });
        let Some((index, pitch)) = found else {
            report.push(
                Diagnostic::error(
                    format!(
                        "{}/{}/{channel}.{lang}.md",
                        crate::base::vocab::PITCH_DIR,
                        partner.market
                    ),
                    format!(
                        "partner `{}` shares on {channel}, but this pitch copy does not exist",
                        partner.id
                    ),
                )
                .help(format!(
                    "write the pitch copy, or remove the channel from the partner in {}",
                    crate::base::vocab::REGISTRY_FILE
                )),
            );
            continue;
        };
        pitches.push(pitch_file(
            shared,
            recipient,
            (index, pitch),
            parts,
            &mut report,
        )?);
    }
    report.into_result()?;
    Ok(pitches)
}

/// One channel's pitch copy, stamped with the partner's name and the link its copy
/// prints, as files of the kit and as the kit page's copy card.
fn pitch_file(
    shared: &Shared<'_>,
    recipient: &Recipient<'_>,
    (index, pitch): (usize, &PitchCopy),
    parts: &mut Parts,
    report: &mut Report,
) -> Result<Pitch> {
    let partner = recipient.partner;
    let channel = &pitch.channel;
    let (tracked, url) = copy_link(shared, recipient, channel, &pitch.asset)?;
    let body = text::stamp_text(&shared.pitch_text[index], &partner.name, &url);
    if let Some(d) = check_limit(shared.project, pitch, partner, &body, &url) {
        report.push(d);
    }
    let subject = pitch
        .subject
        .as_deref()
        .map(|s| text::one_line(&text::stamp_text(s, &partner.name, &url)));
    let mut file_text = String::new();
    if let Some(subject) = &subject {
        // The label in the kit's language («Тема:»); a project without the message
        // gets the English one.
        let label = shared
            .loaded
            .locales
            .format(
                recipient.lang,
                crate::base::vocab::messages::KIT_SUBJECT,
                &[],
            )
            .unwrap_or_else(|_| "Subject:".to_owned());
        file_text.push_str(&format!("{} {subject}\n\n", label.trim_end()));
    }
    file_text.push_str(&body);
    parts
        .entries
        .push(Entry::text(format!("pitch/{channel}.txt"), file_text));
    if channel == crate::base::vocab::channels::EMAIL {
        let Some(document) = shared.emails.get(index).and_then(Option::as_deref) else {
            return Err(Diagnostic::project(format!(
                "internal error: the e-mail made from {} was not prepared",
                display_path(&pitch.file)
            ))
            .into());
        };
        let html = text::stamp_html(document, &partner.name, &url);
        let message = eml::write(&eml::Draft {
            subject: subject.as_deref(),
            text: &body,
            html: &html,
        });
        let message: Arc<[u8]> = Arc::from(message.into_bytes());
        parts
            .entries
            .push(Entry::text(format!("pitch/{channel}.html"), html));
        parts.entries.push(Entry::deflated(
            format!("pitch/{channel}.eml"),
            message.clone(),
        ));
        parts.draft = Some(message);
    }
    parts
        .links
        .push([channel.clone(), pitch.asset.clone(), tracked]);
    // Shown on the kit page only: their links are in the manifest, not the zip. A
    // share service puts its full tracked link in the composer, where the service
    // shows a preview or counts every link alike (X: 23 characters).
    let share = share::buttons(
        &shared.project.settings,
        &share::Copy {
            channel,
            text: &shared.pitch_text[index],
            subject: pitch.subject.as_deref(),
            partner: &partner.name,
        },
        |channel, asset| copy_link(shared, recipient, channel, asset).map(|(tracked, _)| tracked),
    )?;
    Ok(Pitch {
        channel: channel.clone(),
        file: format!("pitch/{channel}.txt"),
        subject,
        text: body,
        link: url,
        draft: None,
        share,
    })
}

/// The outreach plan of the partner's playbook in the recipient's language.
fn outreach_plan(shared: &Shared<'_>, recipient: &Recipient<'_>) -> Result<cadence::KitCadence> {
    let (partner, lang) = (recipient.partner, recipient.lang);
    let project = shared.project;
    let start = partner.start.or(shared.default_start);
    // A touch without copy of its own sends its channel's pitch, with its own link.
    let pitch_copy = |channel: &str| {
        project
            .pitches
            .iter()
            .position(|p| p.market == partner.market && p.channel == channel && p.lang == lang)
            .map(|i| shared.pitch_text[i].clone())
    };
    cadence::for_kit(
        shared.loaded,
        partner,
        lang,
        (start, shared.source_date_epoch),
        &pitch_copy,
    )
}

/// `README.txt` and `README.html`: how to use the kit, with its links.
fn readmes(
    shared: &Shared<'_>,
    recipient: &Recipient<'_>,
    kit: &KitValues,
    entries: &mut Vec<Entry>,
) -> Result<()> {
    let Recipient {
        partner,
        values,
        lang,
        qr_link,
        short_links,
    } = *recipient;
    let mut readme_context = context_of(&KitReadme {
        lang: lang.to_owned(),
        preview: false,
        site: shared.site.clone(),
        partner: values.partner.clone(),
        market: values.market.clone(),
        playbook: values.playbook.clone(),
        qr_link: qr_link.to_owned(),
        short_links: short_links.to_vec(),
    });
    readme_context.extend(context_of(kit));
    let describe = format!("the {lang} kit README of partner `{}`", partner.id);
    let templates = &shared.loaded.templates;
    entries.push(Entry::text(
        "README.txt",
        templates.render("kit-readme.txt", &readme_context, &describe)?,
    ));
    entries.push(Entry::text(
        "README.html",
        templates.render("kit-readme.html", &readme_context, &describe)?,
    ));
    Ok(())
}

/// The kit's stories in the recipient's language, each a text file and an HTML file
/// of its own with the story's tracked link, made on every core: their entries and
/// links are added to `entries` and `links`.
fn kit_stories(
    shared: &Shared<'_>,
    recipient: &Recipient<'_>,
    entries: &mut Vec<Entry>,
    links: &mut Vec<[String; 3]>,
) -> Result<Vec<KitStory>> {
    let (partner, lang) = (recipient.partner, recipient.lang);
    let project = shared.project;
    let loaded = shared.loaded;
    let (locales, templates) = (&*loaded.locales, &loaded.templates);
    let cta = locales
        .format(lang, crate::base::vocab::messages::KIT_STORY_CTA, &[])
        .map_err(Diagnostic::project)?;
    let market_stories: Vec<_> = project.stories_for_market(&partner.market).collect();
    type Made = (Entry, Entry, KitStory, String);
    let made: Vec<Result<Made>> = market_stories
        .par_iter()
        .map(|story| -> Result<Made> {
            let t = story.text(lang);
            let (tracked, url) =
                copy_link(shared, recipient, KIT, &format!("story-{}", story.slug))?;
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
            let html = text::stamp_html(&t.html, &partner.name, &url);
            let document = render_story(templates, lang, &t.title, &html, (&cta, &url), &t.file)?;
            Ok((
                Entry::text(format!("stories/{}.txt", story.slug), plain),
                Entry::text(format!("stories/{}.html", story.slug), document),
                KitStory {
                    slug: story.slug.clone(),
                    title: t.title.clone(),
                    summary: t.summary.clone(),
                    file: format!("stories/{}.txt", story.slug),
                    link: url,
                },
                tracked,
            ))
        })
        .collect();
    let mut stories = Vec::with_capacity(made.len());
    // The first failure in story order, whichever thread met it first.
    for made in made {
        let (plain, document, story, tracked) = made?;
        entries.push(plain);
        entries.push(document);
        links.push([KIT.to_owned(), format!("story-{}", story.slug), tracked]);
        stories.push(story);
    }
    Ok(stories)
}

/// A story of the kit as a standalone HTML file, through `kit-document.html`. Unlike
/// the e-mail, it keeps its `<style>` block: it is read in a browser or posted to a
/// blog, never sent from a mail client.
fn render_story(
    templates: &Templates,
    lang: &str,
    title: &str,
    html: &str,
    (text, url): (&str, &str),
    source: &std::path::Path,
) -> Result<String> {
    let context = context_of(&DocumentContext {
        kind: "story".to_owned(),
        lang: lang.to_owned(),
        title: title.to_owned(),
        content: html.to_owned(),
        cta: Some(Cta {
            text: text.to_owned(),
            url: url.to_owned(),
        }),
        after: String::new(),
    });
    Ok(templates.render("kit-document.html", &context, &display_path(source))?)
}

/// Checks a stamped post against its channel's limit.
fn check_limit(
    project: &Project,
    pitch: &PitchCopy,
    partner: &Partner,
    body: &str,
    url: &str,
) -> Option<Diagnostic> {
    let text::Overrun {
        length,
        limit,
        note: how,
    } = text::overrun(&project.settings, &pitch.channel, body, url)?;
    Some(
        Diagnostic::error(
            &pitch.file,
            format!("the {} post is {length} characters for partner `{}`, over the limit of {limit}{how}", pitch.channel, partner.id),
        )
        .help("shorten the copy; the partner's name and link are part of the count"),
    )
}
