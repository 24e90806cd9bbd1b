//! `refkit new`: scaffold a story in every language, or append a partner.

use std::fs;
use std::path::{Path, PathBuf};

use crate::base::diagnostics::{display_path, Diagnostic, Error, Result};
use crate::base::env::Environment;
use crate::base::slug;
use crate::base::vocab::channels::{EMAIL, LINKEDIN, TELEGRAM, VK, X};
use crate::base::vocab::REGISTRY_FILE;
use crate::cli::NewCommand;
use crate::load::translations::{SOURCE_HASH_KEY, UNTRANSLATED};
use crate::model::partners;

/// Runs `refkit new …`.
pub fn run(command: NewCommand) -> Result<()> {
    match command {
        NewCommand::Story { slug, root } => {
            let today = today(Environment::from_process().source_date_epoch);
            for file in new_story(&root.root, &slug, &today)? {
                println!("created {}", display_path(&file));
            }
        }
        NewCommand::Partner {
            id,
            market,
            name,
            root,
        } => {
            let code = new_partner(&root.root, &id, &market, name.as_deref())?;
            println!("added partner `{id}` to {REGISTRY_FILE} with referral code {code}");
        }
    }
    Ok(())
}

/// Today's date in UTC as `YYYY-MM-DD` (the day of `source_date_epoch` when set).
fn today(source_date_epoch: Option<i64>) -> String {
    let seconds = source_date_epoch.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
    });
    let (y, m, d) = crate::base::dates::civil_date(seconds.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Creates `content/stories/<slug>.<lang>.md` for every language: the source in the
/// default language, and in every other language a placeholder that says it awaits
/// its translation (`source_hash: untranslated`, which `check` reports) until a
/// translator writes it and runs `refkit translations --mark <slug>`.
pub(crate) fn new_story(root: &Path, slug: &str, date: &str) -> Result<Vec<PathBuf>> {
    if !slug::is_slug(slug) {
        return Err(Error::Usage(format!(
            "`{slug}` is not a safe slug: {}",
            slug::SLUG_HELP
        )));
    }
    let settings = crate::load::sources::settings(root)?;
    let files: Vec<(String, PathBuf)> = settings
        .languages
        .iter()
        .map(|lang| {
            (
                lang.clone(),
                PathBuf::from(format!(
                    "{}/{slug}.{lang}.md",
                    crate::base::vocab::STORIES_DIR
                )),
            )
        })
        .collect();
    if let Some((_, existing)) = files.iter().find(|(_, f)| root.join(f).exists()) {
        return Err(Error::Usage(format!(
            "{} already exists; choose another slug",
            display_path(existing)
        )));
    }
    let title = slug
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    for (lang, file) in &files {
        let (summary, body) = (summary_for(lang), body_for(lang));
        let mut text = if lang == settings.default_language() {
            format!("---\ntitle: \"{title}\"\nsummary: \"{summary}\"\ndate: {date}\n")
        } else {
            let title = untranslated_title(lang, &title);
            format!("---\ntitle: \"{title}\"\nsummary: \"{summary}\"\ndate: {date}\n{SOURCE_HASH_KEY}: {UNTRANSLATED}\n")
        };
        text.push_str("---\n");
        text.push_str(&body);
        let path = root.join(file);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        fs::write(&path, text).map_err(|e| Error::io("write", file, e))?;
    }
    Ok(files.into_iter().map(|(_, f)| f).collect())
}

/// A translation's title until it is translated: the source's, plainly marked.
fn untranslated_title(lang: &str, source: &str) -> String {
    match lang {
        "ru" => format!("Переведите заголовок: {source}"),
        _ => format!("Translate this title: {source}"),
    }
}

fn summary_for(lang: &str) -> &'static str {
    match lang {
        "ru" => "Одно-два предложения о\u{a0}сути истории: кто партнёр и\u{a0}чего он добился.",
        _ => "One or two sentences: who the partner is and what they achieved.",
    }
}

fn body_for(lang: &str) -> String {
    match lang {
        "ru" => "## С чего всё началось\n\nРасскажите, кто партнёр и\u{a0}с\u{a0}какой задачей пришёл.\n\n## Что получилось\n\nЦифры, сроки и\u{a0}слова самого партнёра.\n".to_owned(),
        _ => "## Where it started\n\nWho the partner is and what they set out to do.\n\n## What happened\n\nNumbers, timelines and the partner's own words.\n".to_owned(),
    }
}

/// Appends a valid partner entry to the registry with a fresh unique code; returns the code.
pub(crate) fn new_partner(
    root: &Path,
    id: &str,
    market: &str,
    name: Option<&str>,
) -> Result<String> {
    if !slug::is_slug(id) {
        return Err(Error::Usage(format!(
            "`{id}` is not a safe partner id: {}",
            slug::SLUG_HELP
        )));
    }
    let settings = crate::load::sources::settings(root)?;
    if settings.market(market).is_none() {
        return Err(Error::Usage(format!(
            "`{market}` is not a market; use one of: {}",
            settings.market_list()
        )));
    }
    let path = root.join(REGISTRY_FILE);
    let original = if path.exists() {
        crate::base::files::read_text(&path, Path::new(REGISTRY_FILE))?
    } else {
        "partners:\n".to_owned()
    };
    let existing = partners::parse(&original, &settings)?;
    if existing.iter().any(|p| p.id == id) {
        return Err(Error::Usage(format!(
            "partner `{id}` already exists in {REGISTRY_FILE}"
        )));
    }
    let code = fresh_code(id, existing.iter().map(|p| p.code.as_str()));
    // A channel the market already has pitch copy for, so the partner's kit builds at once.
    let pitch_dir = root.join(crate::base::vocab::PITCH_DIR).join(market);
    let has_pitch = |channel: &str| {
        pitch_dir
            .join(format!("{channel}.{}.md", settings.default_language()))
            .is_file()
    };
    let channel = [EMAIL, TELEGRAM, LINKEDIN, X, VK]
        .into_iter()
        .chain(settings.channels.iter().map(|c| c.id.as_str()))
        .find(|c| settings.channel(c).is_some() && has_pitch(c))
        .or_else(|| settings.channels.first().map(|c| c.id.as_str()))
        .unwrap_or(EMAIL);
    let name = name.map(str::to_owned).unwrap_or_else(|| {
        id.split('-')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect::<Vec<_>>()
            .join(" ")
    });
    let indent = original
        .lines()
        .find_map(|l| {
            l.find("- id:")
                .filter(|&i| l[..i].trim().is_empty())
                .map(|i| " ".repeat(i))
        })
        .unwrap_or_else(|| "  ".to_owned());
    if original
        .lines()
        .any(|l| l.trim_start().starts_with("partners:") && l.contains('['))
    {
        return Err(Diagnostic::error(
            REGISTRY_FILE,
            "the partner list is written inline (`partners: [...]`), so refkit cannot append to it",
        )
        .help("write one entry per block, starting with `- id:`, as the README shows")
        .into());
    }
    let mut text = original.clone();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let quoted = format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""));
    text.push_str(&format!(
        "\n{indent}- id: {id}\n{indent}  name: {quoted}\n{indent}  market: {market}\n{indent}  code: {code}\n{indent}  stage: pilot\n{indent}  tier: small\n{indent}  channels: [{channel}]\n"
    ));
    // The result must be a valid registry, or nothing is written.
    partners::parse(&text, &settings)?;
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    fs::write(&path, text).map_err(|e| Error::io("write", REGISTRY_FILE, e))?;
    Ok(code)
}

/// A code from the id's letters and digits plus a number, unused by any partner.
fn fresh_code<'a>(id: &str, taken: impl Iterator<Item = &'a str>) -> String {
    let taken: std::collections::BTreeSet<&str> = taken.collect();
    let stem: String = id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(10)
        .collect();
    let stem = if stem.len() < 2 {
        format!("P{stem}")
    } else {
        stem
    };
    (1..)
        .map(|n| format!("{stem}{n:02}"))
        .find(|c| !taken.contains(c.as_str()))
        .expect("an unused number exists")
}

#[cfg(test)]
mod tests {
    use super::fresh_code;

    #[test]
    fn codes_are_made_from_the_id_and_never_reused() {
        assert_eq!(
            fresh_code("harbor-accounting", std::iter::empty()),
            "HARBORACCO01"
        );
        assert_eq!(fresh_code("a", ["PA01"].into_iter()), "PA02");
    }
}
