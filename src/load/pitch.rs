//! Pitch copy: `content/pitch/<market>/<channel>.<lang>.md`.
//!
//! The text a partner pastes into an e-mail, a Telegram post or a LinkedIn update. It
//! is written once per market, channel and language, with `{partner}` and `{link}`
//! placeholders that kits stamp per partner.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::documents::{self, parse_document};
use crate::base::diagnostics::push_error;
use crate::base::diagnostics::{Diagnostic, Report};
use crate::base::files;
use crate::base::slug;
use crate::base::vocab::{LINK_PLACEHOLDER, PITCH_DIR};
use crate::model::documents::Pitch;
use crate::model::settings::Settings;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PitchFront {
    #[serde(default)]
    subject: Option<Spanned<String>>,
    #[serde(default)]
    asset: Option<Spanned<String>>,
}

pub(super) fn load(root: &Path, settings: &Settings, report: &mut Report) -> Vec<Pitch> {
    let dir = root.join(PITCH_DIR);
    let files = match files::files_under(root, &dir) {
        Ok(f) => f,
        Err(err) => {
            push_error(report, err);
            return Vec::new();
        }
    };
    let expected = format!("pitch copy lives in {PITCH_DIR}/<market>/<channel>.<lang>.md");
    let mut pitches = Vec::new();
    let mut seen = BTreeSet::new();
    for (path, shown) in files {
        let Some(place) = place(&shown, settings, &expected, report) else {
            continue;
        };
        seen.insert(place.clone());
        if let Some(pitch) = read_pitch(&path, &shown, place, report) {
            pitches.push(pitch);
        }
    }
    report_missing_translations(&pitches, &seen, settings, report);
    pitches.sort_by(|a, b| (&a.market, &a.channel, &a.lang).cmp(&(&b.market, &b.channel, &b.lang)));
    pitches
}

/// Where a pitch file says it belongs: (market, channel, language), from its path
/// `pitch/<market>/<channel>.<lang>.md`. None when that is wrong (reported).
fn place(
    shown: &Path,
    settings: &Settings,
    expected: &str,
    report: &mut Report,
) -> Option<(String, String, String)> {
    let Ok(inside) = shown.strip_prefix(PITCH_DIR) else {
        return None;
    };
    let parts: Vec<_> = inside.components().collect();
    if parts.len() != 2 {
        report.push(Diagnostic::error(
            shown,
            format!("unexpected file; {expected}"),
        ));
        return None;
    }
    let market = parts[0].as_os_str().to_string_lossy().into_owned();
    if settings.market(&market).is_none() {
        report.push(
            Diagnostic::error(shown, format!("`{market}` is not a market of the site")).help(
                format!(
                    "put pitch copy under a market folder: {}",
                    settings.market_list()
                ),
            ),
        );
        return None;
    }
    let (channel, lang) = match documents::parse_file_name(shown, settings, expected) {
        Ok(x) => x,
        Err(d) => {
            report.push(d);
            return None;
        }
    };
    if settings.channel(&channel).is_none() {
        report.push(
            Diagnostic::error(shown, format!("`{channel}` is not a channel of the site")).help(
                format!("name the file after one of: {}", settings.channel_list()),
            ),
        );
        return None;
    }
    Some((market, channel, lang))
}

/// Reads one pitch file at its place: its front matter checked, its link placeholder
/// required. None when it cannot be used (reported).
fn read_pitch(
    path: &Path,
    shown: &Path,
    (market, channel, lang): (String, String, String),
    report: &mut Report,
) -> Option<Pitch> {
    let doc = match parse_document::<PitchFront>(path, shown, &lang, false, true, false, None) {
        Ok(d) => d,
        Err(err) => {
            push_error(report, err);
            return None;
        }
    };
    let at_line = |l: &serde_saphyr::Location, m: String| doc.error_at(l, m);
    let is_email = channel == crate::base::vocab::channels::EMAIL;
    match (&doc.front.subject, is_email) {
        (None, true) => report.push(
            Diagnostic::error(shown, "e-mail pitch copy needs a `subject`")
                .at(&doc.text, 1, 1)
                .help("add `subject: …` to the front matter"),
        ),
        (Some(s), false) => report.push(
            at_line(
                &s.referenced,
                format!("`subject` only applies to e-mail, not to `{channel}`"),
            )
            .help("remove the key"),
        ),
        _ => {}
    }
    let asset = match &doc.front.asset {
        Some(a) if !slug::is_slug(&a.value) => {
            report.push(
                at_line(
                    &a.referenced,
                    format!("asset `{}` is not a safe slug", a.value),
                )
                .help(slug::SLUG_HELP),
            );
            return None;
        }
        Some(a) => a.value.clone(),
        None => format!("pitch-{channel}"),
    };
    let split = super::front_matter::split(&doc.text).expect("parse_document split it already");
    if !split.body.contains(LINK_PLACEHOLDER) {
        report.push(
            Diagnostic::error(
                shown,
                format!("this pitch has no `{LINK_PLACEHOLDER}`, so the partner's referrals could not be tracked"),
            )
            .at(&doc.text, split.body_line, 1)
            .help(format!("put `{LINK_PLACEHOLDER}` where the partner's tracked link belongs")),
        );
    }
    let subject = doc
        .front
        .subject
        .map(|s| crate::text::typography::typeset(&s.value, &lang));
    Some(Pitch {
        market,
        channel,
        lang,
        subject,
        asset,
        body: split.body.to_owned(),
        html: doc.html.to_string(),
        file: shown.to_path_buf(),
    })
}

/// Reports pitch copy that lacks a language of the site.
fn report_missing_translations(
    pitches: &[Pitch],
    seen: &BTreeSet<(String, String, String)>,
    settings: &Settings,
    report: &mut Report,
) {
    for p in pitches {
        for lang in &settings.languages {
            if !seen.contains(&(p.market.clone(), p.channel.clone(), lang.clone())) {
                report.push(
                    Diagnostic::error(
                        &p.file,
                        format!(
                "pitch copy for {}/{} has no `{lang}` version: {}/{}/{}.{lang}.md is missing",
                p.market, p.channel, PITCH_DIR, p.market, p.channel),
                    )
                    .help("write the missing translation"),
                );
            }
        }
    }
}

/// Puts the playbooks' figures in place of `{{ terms.… }}` in pitch copy (the
/// market's own when the market is left out), once the playbooks are read: the
/// playbooks' cadences are checked against the pitch copy, so it is read first.
pub(super) fn expand_terms(
    pitches: &mut [Pitch],
    terms: &crate::model::terms::TermSheet,
    root: &Path,
    report: &mut Report,
) {
    for p in pitches.iter_mut() {
        let market = Some(p.market.as_str());
        let file = p.file.clone();
        let body_len = p.body.len();
        let located = |offset_in_body: Option<usize>, why: String| {
            let text = std::fs::read_to_string(root.join(&file)).unwrap_or_default();
            let d = Diagnostic::error(&file, why).help(
                "terms come from content/playbooks/<market>.yaml; README, \"Terms in Markdown\", lists the names",
            );
            match offset_in_body {
                Some(o) => d.at_offset(&text, text.len().saturating_sub(body_len) + o),
                None => d.at(&text, 2, 1),
            }
        };
        match terms.expand_for(&p.body, &p.lang, market) {
            Ok(Some(body)) => {
                let (html, _, _) = crate::text::markdown::render_shared(&body, &p.lang, false);
                p.html = html.to_string();
                p.body = body;
            }
            Ok(None) => {}
            Err((offset, why)) => report.push(located(Some(offset), why)),
        }
        if let Some(subject) = &p.subject {
            match terms.expand_for(subject, &p.lang, market) {
                Ok(Some(s)) => p.subject = Some(crate::text::typography::typeset(&s, &p.lang)),
                Ok(None) => {}
                Err((_, why)) => report.push(located(None, why)),
            }
        }
    }
}
