//! Translated Markdown documents: stories and pages.
//!
//! Both are `<slug>.<lang>.md` files with YAML front matter, paired across languages by
//! slug. Loading parses every file in parallel, renders its Markdown once, and checks
//! that each slug exists in every language of the site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use super::front_matter;
use crate::base::diagnostics::push_error;
use crate::base::diagnostics::{Diagnostic, Error, Report};
use crate::base::files;
use crate::base::slug;
use crate::model::settings::Settings;
use crate::model::terms::TermSheet;
use crate::text::markdown::{self, Html};

/// One language version of a document.
#[derive(Debug)]
pub(crate) struct Parsed<F> {
    /// Language code.
    pub lang: String,
    /// Path relative to the project root.
    pub file: PathBuf,
    /// The file's whole text (for pointing at lines in later checks).
    pub text: String,
    /// The front matter.
    pub front: F,
    /// Where the Markdown body starts in `text`.
    pub body_start: usize,
    /// The rendered body.
    pub html: Html,
    /// Heading ids in the body.
    pub anchors: Vec<String>,
    /// The body as plain text, when asked for.
    pub plain: Option<String>,
    /// The body's translation hash, when `text` was cut to the front matter.
    pub body_hash: Option<String>,
    /// Line of the file where the front matter's YAML starts.
    pub front_line: usize,
}

impl<F> Parsed<F> {
    /// The Markdown body.
    pub(crate) fn body(&self) -> &str {
        self.text.get(self.body_start..).unwrap_or_default()
    }

    /// An error in this file at `location`, a position inside the front matter
    /// (serde-saphyr counts from the start of the YAML block, not of the file).
    pub(crate) fn error_at(
        &self,
        location: &serde_saphyr::Location,
        message: String,
    ) -> Diagnostic {
        let line = self.front_line + (location.line() as usize).max(1) - 1;
        Diagnostic::error(&self.file, message).at(&self.text, line, location.column() as usize)
    }
}

/// Splits `name.lang.md` into its slug and language, checking both.
pub(super) fn parse_file_name(
    file: &Path,
    settings: &Settings,
    expected: &str,
) -> Result<(String, String), Diagnostic> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let stem = name.strip_suffix(".md").ok_or_else(|| {
        Diagnostic::error(file, format!("unexpected file here; {expected}"))
            .help("move the file elsewhere, or rename it")
    })?;
    let (slug, lang) = stem.rsplit_once('.').ok_or_else(|| {
        Diagnostic::error(file, format!("the file name has no language; {expected}")).help(format!(
            "rename it to e.g. `{stem}.{}.md`",
            settings.default_language()
        ))
    })?;
    if !slug::is_slug(slug) {
        return Err(
            Diagnostic::error(file, format!("`{slug}` is not a safe slug")).help(slug::SLUG_HELP),
        );
    }
    if !settings.languages.iter().any(|l| l == lang) {
        return Err(Diagnostic::error(
            file,
            format!("language `{lang}` is not one of the site's languages"),
        )
        .help(format!(
            "use one of: {} (listed under `languages` in site.yaml)",
            settings.languages.join(", ")
        )));
    }
    Ok((slug.to_owned(), lang.to_owned()))
}

/// Reads, splits and parses one document file.
pub(super) fn parse_document<F: DeserializeOwned>(
    path: &Path,
    file: &Path,
    lang: &str,
    plain: bool,
    keep_source: bool,
    hash: bool,
    terms: Option<&TermSheet>,
) -> Result<Parsed<F>, Error> {
    let mut text = files::read_text(path, file)?;
    let split = front_matter::split(&text).map_err(|e| {
        Diagnostic::error(file, e.message)
            .at(&text, e.line, 1)
            .help("start the file with `---`, the YAML front matter, and another `---` line")
    })?;
    let front: F = crate::base::yaml::parse(file, &text, split.yaml, split.yaml_line)?;
    let body_start = text.len() - split.body.len();
    // `{{ terms.<market>.<name> }}`: the playbook's figure, before the Markdown is read.
    let expanded = match terms.map(|t| t.expand(split.body, lang)) {
        Some(Err((offset, why))) => {
            return Err(Diagnostic::error(file, why)
                .at_offset(&text, body_start + offset)
                .help("terms come from content/playbooks/<market>.yaml; README, \"Terms in Markdown\", lists the names")
                .into())
        }
        Some(Ok(e)) => e,
        None => None,
    };
    let (html, anchors, plain) =
        markdown::render_shared(expanded.as_deref().unwrap_or(split.body), lang, plain);
    let front_line = split.yaml_line;
    // A build needs only the front matter afterwards (errors point into it): the
    // body goes, with the translation hash of a source (`hash`) kept.
    let body_hash =
        (!keep_source && hash).then(|| crate::load::translations::source_hash(&text[body_start..]));
    if !keep_source {
        text.truncate(body_start);
        text.shrink_to_fit();
    }
    Ok(Parsed {
        body_start,
        lang: lang.to_owned(),
        file: file.to_path_buf(),
        front,
        html,
        anchors,
        plain,
        body_hash,
        text,
        front_line,
    })
}

/// Which translated documents [`load_translated`] reads, and what it keeps of them.
pub(super) struct Wanted<'w> {
    /// The folder under the project root (`content/stories`).
    pub(super) folder: &'w str,
    /// What its documents are called in messages (`story`).
    pub(super) kind: &'w str,
    /// Also make each document's plain text (for kits).
    pub(super) plain: bool,
    /// Keep the Markdown source once rendered.
    pub(super) keep_source: bool,
}

/// Loads every `<slug>.<lang>.md` file directly in `folder`, grouped by slug (sorted),
/// with each group's versions in the site's language order. Problems go to `report`;
/// a slug missing a language is reported against the versions that exist.
pub(super) fn load_translated<F: DeserializeOwned + Send>(
    root: &Path,
    wanted: &Wanted<'_>,
    settings: &Settings,
    terms: &TermSheet,
    report: &mut Report,
) -> BTreeMap<String, Vec<Parsed<F>>> {
    let &Wanted {
        folder,
        kind,
        plain,
        keep_source,
    } = wanted;
    let expected = format!("{kind} files are named `<slug>.<lang>.md` directly in {folder}/");
    let files = match files::files_under(root, &root.join(folder)) {
        Ok(files) => files,
        Err(err) => {
            push_error(report, err);
            return BTreeMap::new();
        }
    };
    let mut named = Vec::new();
    for (path, shown) in files {
        if shown.parent() != Some(Path::new(folder)) {
            report.push(
                Diagnostic::error(&shown, format!("unexpected nested file; {expected}"))
                    .help("move it directly into the folder"),
            );
            continue;
        }
        match parse_file_name(&shown, settings, &expected) {
            Ok((slug, lang)) => named.push((path, shown, slug, lang)),
            Err(d) => report.push(d),
        }
    }
    let parsed: Vec<_> = named
        .into_par_iter()
        .map(|(path, shown, slug, lang)| {
            // Translations are compared with the default language's version.
            let source = settings.languages.first() == Some(&lang);
            let parsed = parse_document::<F>(
                &path,
                &shown,
                &lang,
                plain,
                keep_source,
                source,
                Some(terms),
            );
            (slug, parsed)
        })
        .collect();

    let mut groups: BTreeMap<String, Vec<Parsed<F>>> = BTreeMap::new();
    let mut failed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (slug, result) in parsed {
        match result {
            Ok(doc) => groups.entry(slug).or_default().push(doc),
            Err(err) => {
                failed.entry(slug).or_default().push(String::new());
                push_error(report, err);
            }
        }
    }
    for (slug, versions) in &mut groups {
        versions.sort_by_key(|v| settings.languages.iter().position(|l| *l == v.lang));
        if failed.contains_key(slug) {
            continue;
        }
        for lang in &settings.languages {
            if versions.iter().any(|v| &v.lang == lang) {
                continue;
            }
            let missing = format!("{folder}/{slug}.{lang}.md");
            for v in versions.iter() {
                report.push(
                    Diagnostic::error(
                        &v.file,
                        format!("{kind} `{slug}` has no `{lang}` version: {missing} is missing"),
                    )
                    .at(&v.text, 1, 1)
                    .help(format!(
                        "translate it into {missing}; every {kind} needs a version in each language"
                    )),
                );
            }
        }
    }
    groups.retain(|slug, v| v.len() == settings.languages.len() && !failed.contains_key(slug));
    groups
}
