//! `refkit check`: every problem in the project at once, without writing anything.
//!
//! Each stage is loaded on its own so a broken registry does not hide a broken
//! template: settings first (nothing can be checked without them), then content,
//! locales and templates side by side. When all of them load, the whole site and
//! every kit are built into a temporary folder, which finds rendering errors, posts
//! over their limits and unreadable images. Lints no build performs come on top:
//! stale translations, Fluent messages missing in a language, unused, or lacking the
//! plural forms Russian needs, internal links or anchors that point nowhere, and
//! figures written by hand that contradict the playbooks ([`drift`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};

use crate::base::diagnostics::{display_path, Diagnostic, Error, Report, Result};
use crate::base::env::Environment;
use crate::base::vocab::messages;
use crate::build::{build, BuildOptions};
use crate::load::translations::{self, State};
use crate::model::project::Project;
use crate::model::settings::Settings;
use crate::render::links::Attribution;
use crate::render::locales::{Locales, PLURAL_CATEGORIES};
use crate::render::templates::Templates;
use crate::render::urls::Urls;

mod audience;
mod drift;

/// Plural categories each language needs in a plural selector (CLDR).
fn required_plurals(lang: &str) -> &'static [&'static str] {
    match lang {
        "ru" | "uk" | "be" => &["one", "few", "many", "other"],
        "pl" => &["one", "few", "many", "other"],
        _ => &["one", "other"],
    }
}

/// Checks the project at `root`, returning every finding (errors and warnings); the
/// trial build sees `env`, as `refkit build` would.
pub(crate) fn check(root: &Path, env: &Environment) -> Result<Vec<Diagnostic>> {
    let settings = match crate::load::sources::settings(root) {
        Ok(s) => s,
        Err(Error::Content(d)) => return Ok(d),
        Err(other) => return Err(other),
    };
    let mut report = Report::default();
    let project = collect(&mut report, crate::load::project(root, settings.clone()));
    let locales = collect(&mut report, Locales::load(root, &settings)).map(Arc::new);
    let attribution = Arc::new(match &project {
        Some(p) => Attribution::new(p),
        None => Attribution::empty(&settings),
    });
    let templates = locales.as_ref().and_then(|l| {
        collect(
            &mut report,
            Templates::load(root, &settings.theme, l.clone(), attribution.clone()),
        )
    });

    report.extend(translation_findings(root, &settings)?);
    report.extend(crate::cms::drift(root, &settings));
    for file in &settings.results {
        collect(
            &mut report,
            crate::load::results::read(root, file, &mut |_| {}),
        );
    }
    if let Some(locales) = &locales {
        report.extend(locale_findings(
            root,
            &settings,
            locales,
            templates.as_ref(),
        )?);
    }
    if let Some(project) = &project {
        report.extend(markdown_link_findings(project));
        report.extend(pitch_limit_findings(project));
        report.extend(drift::drift_findings(root, project));
        report.extend(cadence_findings(root, project));
    }

    if !report.has_errors() && project.is_some() && templates.is_some() {
        let scratch = tempfile::tempdir()
            .map_err(|e| Error::io("create a temporary folder in", std::env::temp_dir(), e))?;
        let public = scratch.path().join("public");
        let result = build(&BuildOptions {
            root: root.to_path_buf(),
            out: Some(public.clone()),
            manifest: Some(scratch.path().join("manifest")),
            base_url: None,
            env: env.clone(),
            skip_kits: false,
            progress: false,
            preview: false,
            cache: None,
            ..BuildOptions::default()
        });
        if collect(&mut report, result).is_some() {
            report.extend(output_link_findings(&public, &Urls::new(&settings)));
            if let Some(project) = &project {
                report.extend(audience::audience_findings(&public, project));
            }
        }
    }
    let mut diagnostics = report.into_diagnostics();
    crate::base::diagnostics::sort(&mut diagnostics);
    diagnostics.dedup();
    Ok(diagnostics)
}

/// A touch that sends what an earlier touch of the same cadence sent, without being
/// marked as a reminder: the partner's clients would read the same letter twice.
fn cadence_findings(root: &Path, project: &Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for playbook in project.playbooks.values() {
        let text = std::fs::read_to_string(root.join(&playbook.file)).unwrap_or_default();
        let mut seen_touches = BTreeSet::new();
        for (_, terms) in crate::model::terms::segments(playbook) {
            let mut sent: BTreeMap<String, &str> = BTreeMap::new();
            for touch in &terms.cadence {
                let copy = if touch.copy.is_empty() {
                    format!("the {} pitch copy", touch.channel)
                } else {
                    format!("{:?}", touch.copy)
                };
                match sent.get(&copy) {
                    Some(first) if !touch.reminder => {
                        if seen_touches.insert((touch.id.clone(), touch.line)) {
                            let what = if touch.copy.is_empty() {
                                format!("{copy} (it has no `copy` of its own)")
                            } else {
                                "the same copy".to_owned()
                            };
                            out.push(
                                Diagnostic::error(
                                    &playbook.file,
                                    format!("touch `{}` sends {what}, as touch `{first}` does", touch.id),
                                )
                                .warning()
                                .at(&text, touch.line, 1)
                                .help("give the touch its own `copy: { en: …, ru: … }`, or mark it `reminder: true` if repeating is meant"),
                            );
                        }
                    }
                    Some(_) => {}
                    None => {
                        sent.insert(copy, touch.id.as_str());
                    }
                }
            }
        }
    }
    out
}

/// Keeps the value, or moves content errors into `report`; I/O errors become findings too.
fn collect<T>(report: &mut Report, result: Result<T>) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(Error::Content(d)) => {
            report.extend(d);
            None
        }
        Err(Error::Io {
            action,
            path,
            source,
        }) => {
            report.push(Diagnostic::error(
                path,
                format!("could not {action} the file: {source}"),
            ));
            None
        }
        Err(Error::Usage(message)) => {
            report.push(Diagnostic::project(message));
            None
        }
    }
}

fn translation_findings(root: &Path, settings: &Settings) -> Result<Vec<Diagnostic>> {
    let mut out = Vec::new();
    for pair in translations::status(root, settings)? {
        let text = std::fs::read_to_string(root.join(&pair.translation)).unwrap_or_default();
        let d = match &pair.state {
            State::Stale { .. } => Diagnostic::error(
                &pair.translation,
                format!(
                    "the translation is stale: {} changed since it was translated",
                    display_path(&pair.source)
                ),
            )
            .warning()
            .help(format!(
                "update it from {}, then run `refkit translations --mark {}`",
                display_path(&pair.source),
                pair.slug
            )),
            State::Untranslated => Diagnostic::error(
                &pair.translation,
                format!(
                    "the translation is a placeholder: {} has not been translated into it yet",
                    display_path(&pair.source)
                ),
            )
            .warning()
            .help(format!(
                "write the {} text of this {} (title, summary and body), then run `refkit translations --mark {}`",
                pair.lang, pair.kind, pair.slug
            )),
            State::Untracked => Diagnostic::error(
                &pair.translation,
                format!(
                    "the translation does not record which version of {} it was made from",
                    display_path(&pair.source)
                ),
            )
            .warning()
            .help(format!(
                "run `refkit translations --mark {}` once it is up to date",
                pair.slug
            )),
            State::Paired | State::Missing => continue,
        };
        out.push(match pair.hash_line {
            Some(line) => d.at(&text, line, 1),
            None => d.at(&text, 1, 1),
        });
    }
    Ok(out)
}

fn locale_findings(
    root: &Path,
    settings: &Settings,
    locales: &Locales,
    templates: Option<&Templates>,
) -> Result<Vec<Diagnostic>> {
    let mut out = Vec::new();
    let empty = BTreeMap::new();
    let read = |file: &Path| std::fs::read_to_string(root.join(file)).unwrap_or_default();
    let all_ids: BTreeSet<&String> = settings
        .languages
        .iter()
        .flat_map(|l| locales.definitions(l).unwrap_or(&empty).keys())
        .collect();
    for lang in &settings.languages {
        let defined = locales.definitions(lang).unwrap_or(&empty);
        for id in &all_ids {
            if defined.contains_key(*id) {
                continue;
            }
            let (other_lang, def) = settings
                .languages
                .iter()
                .find_map(|l| {
                    locales
                        .definitions(l)
                        .and_then(|d| d.get(*id))
                        .map(|d| (l, d))
                })
                .expect("the id comes from some language");
            out.push(
                Diagnostic::error(&def.file, format!("message `{id}` is defined in `{other_lang}` but missing in locales/{lang}/"))
                    .at(&read(&def.file), def.line, 1)
                    .help(format!("add `{id} = …` to a .ftl file in locales/{lang}/")),
            );
        }
        for (id, def) in defined {
            for keys in &def.plural_selects {
                let missing: Vec<&str> = required_plurals(lang)
                    .iter()
                    .filter(|k| !keys.iter().any(|key| key == *k))
                    .copied()
                    .collect();
                if !missing.is_empty() {
                    out.push(
                        Diagnostic::error(&def.file, format!("message `{id}` selects on a count but lacks the plural forms {} that {lang} needs", missing.join(", ")))
                            .at(&read(&def.file), def.line, 1)
                            .help(format!("give it the variants {}", required_plurals(lang).iter().map(|k| format!("[{k}]")).collect::<Vec<_>>().join(" "))),
                    );
                }
            }
        }
    }
    if let Some(templates) = templates {
        let (literal, prefixes) = templates.message_keys();
        let referenced: BTreeSet<&str> = settings
            .languages
            .iter()
            .flat_map(|l| locales.definitions(l).unwrap_or(&empty).values())
            .flat_map(|d| d.references.iter().map(String::as_str))
            .collect();
        let lang = settings.default_language();
        for (id, def) in locales.definitions(lang).unwrap_or(&empty) {
            let used = literal.contains(id)
                || prefixes.iter().any(|p| id.starts_with(p.as_str()))
                || referenced.contains(id.as_str())
                || messages::ENGINE.contains(&id.as_str())
                || messages::ENGINE_PREFIXES.iter().any(|p| id.starts_with(p));
            if !used && !PLURAL_CATEGORIES.contains(&id.as_str()) {
                out.push(
                    Diagnostic::error(
                        &def.file,
                        format!("message `{id}` is not used by any template"),
                    )
                    .warning()
                    .at(&read(&def.file), def.line, 1)
                    .help("remove it from every language, or use it"),
                );
            }
        }
    }
    Ok(out)
}

/// The partner-name length a pitch is measured with in a market that has no
/// partner yet: longer than most company names, so copy that fits it fits them.
pub(crate) const NOMINAL_NAME_LENGTH: usize = 40;

/// Every pitch file measured against its channel's limit, whether or not a partner
/// of its market posts there today: stamped with the longest partner name of the
/// market (or a name of [`NOMINAL_NAME_LENGTH`] characters) and that partner's
/// tracked link (or one with a code as long as the longest in the registry), so the
/// first partner to add a channel cannot be the one who breaks the build.
fn pitch_limit_findings(project: &Project) -> Vec<Diagnostic> {
    let settings = &project.settings;
    let scheme = &settings.referral;
    let longest_code = project
        .partners
        .iter()
        .map(|p| p.code.as_str())
        .max_by_key(|c| c.chars().count())
        .unwrap_or("PARTNER0001");
    let mut findings = Vec::new();
    let shorts = crate::render::short::Shorts::for_project(project);
    for pitch in &project.pitches {
        let Some(market) = settings.market(&pitch.market) else {
            continue;
        };
        let longest = project
            .partners
            .iter()
            .filter(|p| p.market == pitch.market)
            .max_by_key(|p| (p.name.chars().count(), std::cmp::Reverse(p.id.as_str())));
        let nominal = "N".repeat(NOMINAL_NAME_LENGTH);
        let (name, code, id) = match longest {
            Some(p) => (p.name.as_str(), p.code.as_str(), p.id.as_str()),
            None => (nominal.as_str(), longest_code, "partner"),
        };
        let link = scheme.link(&crate::model::scheme::LinkParts {
            landing: &market.landing,
            code,
            partner: id,
            market: &market.id,
            lang: &pitch.lang,
            channel: &pitch.channel,
            asset: &pitch.asset,
        });
        // Measured with what the kit prints: the partner's short link for this copy,
        // or the full link (also for a market without partners, the longer of two).
        let link = shorts.in_copy(code, &pitch.channel, &pitch.asset, &link);
        let text = crate::kits::text::markdown_to_text(&pitch.body, &pitch.lang);
        let body = crate::kits::text::stamp_text(&text, name, &link);
        let Some(over) = crate::kits::text::overrun(settings, &pitch.channel, &body, &link) else {
            continue;
        };
        let with = match longest {
            Some(p) => format!(
                "the longest partner name of market `{}` (`{}`)",
                pitch.market, p.name
            ),
            None => format!(
                "a {NOMINAL_NAME_LENGTH}-character partner name (market `{}` has no partner yet)",
                pitch.market
            ),
        };
        findings.push(
            Diagnostic::error(
                &pitch.file,
                format!(
                    "the {} post is {} characters with {with}: {} over the limit of {}{}",
                    pitch.channel,
                    over.length,
                    over.length - over.limit,
                    over.limit,
                    over.note
                ),
            )
            .help("shorten the copy; the partner's name and link are part of the count"),
        );
    }
    findings
}

/// Links in stories and pages to other pages of the site, and to anchors in them.
fn markdown_link_findings(project: &Project) -> Vec<Diagnostic> {
    let urls = Urls::new(&project.settings);
    // Every brand page's URL, with the anchors it has.
    let mut targets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for lang in &project.settings.languages {
        targets.insert(urls.home(lang), Vec::new());
        for s in &project.stories {
            targets.insert(urls.story(lang, &s.slug), s.text(lang).anchors.clone());
        }
        for p in &project.pages {
            targets.insert(urls.page(lang, &p.slug), p.text(lang).anchors.clone());
        }
    }
    let mut out = Vec::new();
    let urls = &urls;
    let texts = project
        .stories
        .iter()
        .flat_map(|s| {
            s.texts
                .iter()
                .map(move |t| (t, urls.story(&t.lang, &s.slug)))
        })
        .chain(project.pages.iter().flat_map(|p| {
            p.texts
                .iter()
                .map(move |t| (t, urls.page(&t.lang, &p.slug)))
        }));
    for (text, own_url) in texts {
        let source = &text.source;
        let body_offset = text.body_start;
        for (event, range) in Parser::new(text.markdown()).into_offset_iter() {
            let Event::Start(Tag::Link { dest_url, .. }) = event else {
                continue;
            };
            let dest = dest_url.as_ref();
            if dest.contains("://")
                || dest.starts_with("mailto:")
                || dest.starts_with("tel:")
                || dest.is_empty()
            {
                continue;
            }
            let (path, anchor) = match dest.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (dest, None),
            };
            let page = if path.is_empty() {
                own_url.clone()
            } else {
                resolve(&own_url, path)
            };
            let problem = match targets.get(&page) {
                None if !path.is_empty() => Some(format!(
                    "the link `{dest}` points to {page}, which the site does not have"
                )),
                Some(anchors) if anchor.is_some_and(|a| !anchors.iter().any(|x| x == a)) => Some(
                    format!("the link `{dest}` points to an anchor that {page} does not have"),
                ),
                _ => None,
            };
            if let Some(message) = problem {
                out.push(
                    Diagnostic::error(&text.file, message)
                        .at_offset(source, body_offset + range.start)
                        .help("link to a story as /<lang>/stories/<slug>/ and to a heading as #its-id"),
                );
            }
        }
    }
    out
}

/// Resolves a link relative to the page at `base` (both root-relative URLs).
fn resolve(base: &str, link: &str) -> String {
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        base.trim_end_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect()
    };
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if !out.ends_with('/')
        && !out
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
    {
        out.push('/');
    }
    out
}

/// Internal links in the built HTML (from templates) that point at nothing.
fn output_link_findings(public: &Path, urls: &Urls) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut ids_cache: BTreeMap<PathBuf, Vec<String>> = BTreeMap::new();
    for (path, shown) in crate::base::files::files_under(public, public).unwrap_or_default() {
        if shown.extension().is_none_or(|e| e != "html") || shown.starts_with("kits") {
            continue;
        }
        let Ok(html) = std::fs::read_to_string(&path) else {
            continue;
        };
        for attr in ["href=\"", "src=\""] {
            for value in attribute_values(&html, attr) {
                let Some(local) = urls.local_path(&value) else {
                    continue;
                };
                let (file_part, anchor) = match local.split_once('#') {
                    Some((f, a)) => (f.to_owned(), Some(a.to_owned())),
                    None => (local, None),
                };
                let mut target = public.join(file_part.trim_start_matches('/'));
                if file_part.is_empty() || file_part.ends_with('/') {
                    target = if file_part.is_empty() {
                        path.clone()
                    } else {
                        target.join("index.html")
                    };
                }
                if !target.is_file() {
                    out.push(
                        Diagnostic::project(format!(
                            "public/{} links to {value}, which the build does not produce",
                            display_path(&shown)
                        ))
                        .help("fix the link in the template that renders this page"),
                    );
                    continue;
                }
                if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                    let ids = ids_cache.entry(target.clone()).or_insert_with(|| {
                        std::fs::read_to_string(&target)
                            .map(|t| attribute_values(&t, "id=\""))
                            .unwrap_or_default()
                    });
                    if !ids.contains(&anchor) {
                        out.push(Diagnostic::project(format!(
                            "public/{} links to {value}, but that page has no element with id `{anchor}`",
                            display_path(&shown)
                        )));
                    }
                }
            }
        }
    }
    out
}

fn attribute_values(html: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(attr) {
        rest = &rest[i + attr.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(rest[..end].replace("&amp;", "&"));
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn relative_links_resolve_against_the_page() {
        assert_eq!(resolve("/en/stories/a/", "../b/"), "/en/stories/b/");
        assert_eq!(resolve("/en/stories/a/", "/ru/faq"), "/ru/faq/");
        assert_eq!(resolve("/en/faq/", "../../banners/x.png"), "/banners/x.png");
    }

    /// The code of every file under `src/` but `base/vocab.rs`, without tests and comments.
    fn code_outside_vocab() -> Vec<(String, String)> {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut out = Vec::new();
        let mut dirs = vec![src.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("base/vocab.rs")
                    && !path.ends_with("tests.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let code = text.split("#[cfg(test)]").next().unwrap_or("");
                    let code: Vec<&str> = code
                        .lines()
                        .filter(|l| !l.trim_start().starts_with("//"))
                        .collect();
                    let code = code.join("\n");
                    out.push((path.display().to_string(), code));
                }
            }
        }
        out
    }

    #[test]
    fn engine_message_ids_are_spelled_only_in_the_vocabulary() {
        use crate::base::vocab::messages::{ENGINE, ENGINE_PREFIXES};
        let files = code_outside_vocab();
        assert!(
            files.iter().any(|(f, _)| f.ends_with("cadence.rs")),
            "src/ was read"
        );
        for (file, code) in files {
            for id in ENGINE.iter().chain(ENGINE_PREFIXES) {
                assert!(
                    !code.contains(&format!("\"{id}")),
                    "{file} spells the message id `{id}`; use base::vocab::messages"
                );
            }
        }
    }

    #[test]
    fn the_shipped_locales_define_every_engine_message_and_default_channel() {
        use crate::base::vocab::{channels, messages};
        for (lang, ftl) in [
            ("en", include_str!("../../locales/en/main.ftl")),
            ("ru", include_str!("../../locales/ru/main.ftl")),
        ] {
            let ids = messages::ENGINE.iter().map(|id| (*id).to_owned()).chain(
                channels::DEFAULTS
                    .iter()
                    .map(|(c, _)| format!("{}{c}", messages::CHANNEL_PREFIX)),
            );
            for id in ids {
                assert!(
                    ftl.lines().any(|l| l.starts_with(&format!("{id} ="))),
                    "locales/{lang}/main.ftl lacks `{id}`"
                );
            }
        }
    }
}
