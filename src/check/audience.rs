//! Client-facing pages that say what only the partner may read.
//!
//! The template contract already keeps the reward, the stage, the internal note and
//! the contact away from client-facing templates; what can still leak is text
//! written by hand (a message that names the reward, a custom theme's copy). After
//! the trial build, `check` reads every partner microsite page and short-link page
//! and warns, naming the page, where one shows the partner's reward, its registry
//! note, the playbook's message to partners (the ambassador's among them) or its
//! stage word.

use std::path::{Path, PathBuf};

use crate::base::diagnostics::Diagnostic;
use crate::base::files;
use crate::model::partners::{Partner, Stage};
use crate::model::project::Project;
use crate::text::l10n::Formatter;

/// What a client of `partner` must not read, each with what it is: the reward in
/// every language's form, the registry note, the playbook's message and the stage
/// word (for the stages whose name is not an everyday word).
fn secrets(project: &Project, partner: &Partner) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let playbook = project.playbook(partner);
    let currency = project
        .settings
        .market(&partner.market)
        .map_or("", |m| m.currency.as_str());
    for lang in &project.settings.languages {
        if let Ok(f) = Formatter::new(lang) {
            out.push((
                f.money_units(playbook.terms.incentives.reward, currency),
                "the partner's reward",
            ));
        }
    }
    if let Some(note) = &partner.audience {
        out.push((note.clone(), "the registry's internal `audience` note"));
    }
    // The playbook's message (the ambassador pitch among them) speaks to partners.
    for text in playbook.terms.message.values() {
        out.push((text.clone(), "the playbook's message to partners"));
    }
    match partner.stage {
        Stage::Ambassador => {
            out.push(("ambassador".to_owned(), "the stage word"));
            out.push(("амбассадор".to_owned(), "the stage word"));
        }
        Stage::Pilot => {
            out.push(("pilot partner".to_owned(), "the stage word"));
            out.push(("пилотн".to_owned(), "the stage word"));
        }
        Stage::Active => {}
    }
    out.retain(|(s, _)| !s.trim().is_empty());
    out
}

/// The text of an HTML page as a reader and a link preview see it: tags dropped,
/// attribute values of `content` and `alt` kept, the few entities Tera writes
/// decoded, spaces made plain.
fn readable(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open..open + close];
        for attr in ["content=\"", "alt=\"", "title=\""] {
            if let Some(i) = tag.find(attr) {
                let value = &tag[i + attr.len()..];
                if let Some(end) = value.find('"') {
                    out.push(' ');
                    out.push_str(&value[..end]);
                    out.push(' ');
                }
            }
        }
        out.push(' ');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace(['\u{a0}', '\u{202f}'], " ")
}

/// Where `text` (a client-facing output) shows one of `secrets`, as the secret
/// and what it is.
fn leaks<'a>(text: &str, secrets: &'a [(String, &'static str)]) -> Vec<&'a (String, &'static str)> {
    let plain = text.replace(['\u{a0}', '\u{202f}'], " ").to_lowercase();
    secrets
        .iter()
        .filter(|(s, _)| {
            let s = s.replace(['\u{a0}', '\u{202f}'], " ").to_lowercase();
            // An amount is a whole figure, not the start of a longer one.
            plain.match_indices(&s).any(|(i, _)| {
                !plain[i + s.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit())
            })
        })
        .collect()
}

/// Warnings for every client-facing page of the built `public` folder that shows
/// what only its partner may read.
pub(crate) fn audience_findings(public: &Path, project: &Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for partner in &project.partners {
        let secrets = secrets(project, partner);
        let mut folders = vec![public.join("p").join(&partner.id)];
        folders.push(public.join("r").join(partner.code.to_ascii_lowercase()));
        for folder in folders {
            for (path, shown) in files::files_under(public, &folder).unwrap_or_default() {
                if shown.extension().is_none_or(|e| e != "html") {
                    continue;
                }
                let Ok(html) = std::fs::read_to_string(&path) else {
                    continue;
                };
                for (secret, what) in leaks(&readable(&html), &secrets) {
                    out.push(
                        Diagnostic::error(
                            PathBuf::from("public").join(&shown),
                            format!(
                                "this page is read by the clients of `{}`, yet shows {what}: “{secret}”",
                                partner.id
                            ),
                        )
                        .warning()
                        .help("client-facing pages state the client's offer and who recommends it; the reward, stage, notes and contact belong on the kit page (README, \"Audiences\")"),
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_text_keeps_what_a_preview_shows_and_drops_markup() {
        let html = r#"<meta property="og:description" content="Earn $250 &amp; more"><p class="x">Hi <b>there</b></p>"#;
        let text = readable(html);
        assert!(text.contains("Earn $250 & more"), "{text}");
        assert!(text.contains("Hi  there"), "{text}");
        assert!(!text.contains("class"), "{text}");
    }

    #[test]
    fn an_amount_leaks_only_as_a_whole_figure() {
        let secrets = vec![("$150".to_owned(), "the partner's reward")];
        assert_eq!(leaks("Get $150 now", &secrets).len(), 1);
        assert!(leaks("Get $1500 now", &secrets).is_empty());
        let note = vec![("Baltimore firm".to_owned(), "note")];
        assert_eq!(leaks("a baltimore\u{a0}firm", &note).len(), 1);
    }
}
