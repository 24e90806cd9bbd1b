//! Translation status: which translations exist and which lag behind their source.
//!
//! The source of a story or page is its version in the site's default language. A
//! translation records the version it was made from as `source_hash` in its front
//! matter: a hash of the source's Markdown body. When the source changes, the hash no
//! longer matches and the translation is stale. A translation that records
//! `source_hash: untranslated` is a placeholder nobody has translated yet (what
//! `refkit new story` writes for every language but the default).
//! `refkit translations --mark <slug>` records the current source as translated. This
//! works from file names and front matter alone, so it reports even on a project that
//! does not build.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::base::diagnostics::{Diagnostic, Error, Result};
use crate::base::files;
use crate::load::front_matter;
use crate::model::settings::Settings;

/// The front matter key that records the translated source version.
pub(crate) const SOURCE_HASH_KEY: &str = "source_hash";

/// The value of [`SOURCE_HASH_KEY`] in a placeholder that is not translated yet.
pub(crate) const UNTRANSLATED: &str = "untranslated";

/// Where one translation stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum State {
    /// Made from the current source.
    Paired,
    /// Made from an older source.
    Stale {
        /// The hash the translation records.
        recorded: String,
        /// The hash of the source now.
        current: String,
    },
    /// A placeholder waiting for its translation (`source_hash: untranslated`).
    Untranslated,
    /// Exists but records no source version.
    Untracked,
    /// Does not exist.
    Missing,
}

impl State {
    /// One word for listings.
    pub(crate) fn label(&self) -> &'static str {
        match self {
            State::Paired => "paired",
            State::Stale { .. } => "stale",
            State::Untranslated => "untranslated",
            State::Untracked => "untracked",
            State::Missing => "missing",
        }
    }
}

/// One translation of one story or page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pair {
    /// `story` or `page`.
    pub kind: &'static str,
    /// The slug.
    pub slug: String,
    /// The source file (default language), relative to the root.
    pub source: PathBuf,
    /// The translation file (which may not exist), relative to the root.
    pub translation: PathBuf,
    /// The translation's language.
    pub lang: String,
    /// Its state.
    pub state: State,
    /// 1-based line of `source_hash:` in the translation, if present.
    pub hash_line: Option<usize>,
}

/// The hash of a source body as recorded in translations: 16 hex digits of SHA-256
/// over the body with line endings normalised and outer whitespace trimmed.
pub(crate) fn source_hash(body: &str) -> String {
    let normalised = body.replace("\r\n", "\n");
    let digest = Sha256::digest(normalised.trim().as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The state of every translation of every story and page, sorted by kind and slug.
pub(crate) fn status(root: &Path, settings: &Settings) -> Result<Vec<Pair>> {
    let mut pairs = Vec::new();
    for (kind, folder) in [
        ("page", crate::base::vocab::PAGES_DIR),
        ("story", crate::base::vocab::STORIES_DIR),
    ] {
        let mut slugs = std::collections::BTreeSet::new();
        for (_, shown) in files::files_under(root, &root.join(folder))? {
            let name = shown
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some((slug, lang)) = name.strip_suffix(".md").and_then(|s| s.rsplit_once('.')) {
                if settings.languages.iter().any(|l| l == lang)
                    && shown.parent() == Some(Path::new(folder))
                {
                    slugs.insert(slug.to_owned());
                }
            }
        }
        let default = settings.default_language();
        for slug in slugs {
            let source = PathBuf::from(format!("{folder}/{slug}.{default}.md"));
            let current = match fs_body(root, &source)? {
                Some(body) => source_hash(&body),
                None => String::new(),
            };
            for lang in settings.languages.iter().filter(|l| l.as_str() != default) {
                let translation = PathBuf::from(format!("{folder}/{slug}.{lang}.md"));
                let (state, hash_line) = if current.is_empty() {
                    (State::Untracked, None)
                } else {
                    match recorded_hash(root, &translation)? {
                        None => (State::Missing, None),
                        Some(None) => (State::Untracked, None),
                        Some(Some((recorded, line))) if recorded == current => {
                            (State::Paired, Some(line))
                        }
                        Some(Some((recorded, line))) if recorded == UNTRANSLATED => {
                            (State::Untranslated, Some(line))
                        }
                        Some(Some((recorded, line))) => (
                            State::Stale {
                                recorded,
                                current: current.clone(),
                            },
                            Some(line),
                        ),
                    }
                };
                pairs.push(Pair {
                    kind,
                    slug: slug.clone(),
                    source: source.clone(),
                    translation,
                    lang: lang.clone(),
                    state,
                    hash_line,
                });
            }
        }
    }
    Ok(pairs)
}

/// The Markdown body of `file`, or `None` when it does not exist.
fn fs_body(root: &Path, file: &Path) -> Result<Option<String>> {
    let path = root.join(file);
    if !path.exists() {
        return Ok(None);
    }
    let text = files::read_text(&path, file)?;
    Ok(Some(match front_matter::split(&text) {
        Ok(split) => split.body.to_owned(),
        Err(_) => text,
    }))
}

/// `None` when the file does not exist; `Some(None)` when it records no hash.
fn recorded_hash(root: &Path, file: &Path) -> Result<Option<Option<(String, usize)>>> {
    let path = root.join(file);
    if !path.exists() {
        return Ok(None);
    }
    let text = files::read_text(&path, file)?;
    let Ok(split) = front_matter::split(&text) else {
        return Ok(Some(None));
    };
    Ok(Some(find_key(split.yaml, split.yaml_line)))
}

/// The value and line of a top-level `source_hash:` line in front matter.
fn find_key(yaml: &str, first_line: usize) -> Option<(String, usize)> {
    yaml.lines().enumerate().find_map(|(i, line)| {
        let value = line
            .strip_prefix(SOURCE_HASH_KEY)?
            .trim_start()
            .strip_prefix(':')?;
        let value = value.trim().trim_matches(['"', '\'']).to_owned();
        Some((value, first_line + i))
    })
}

/// Records the current source of `slug` in every translation of it. Returns the files changed.
pub(crate) fn mark(root: &Path, settings: &Settings, slug: &str) -> Result<Vec<PathBuf>> {
    let pairs: Vec<Pair> = status(root, settings)?
        .into_iter()
        .filter(|p| p.slug == slug)
        .collect();
    if pairs.is_empty() {
        return Err(Error::Usage(format!(
            "no story or page has the slug `{slug}`"
        )));
    }
    let mut changed = Vec::new();
    for pair in pairs {
        if pair.state == State::Missing {
            return Err(Diagnostic::error(
                &pair.translation,
                format!("cannot mark `{slug}`: the translation does not exist"),
            )
            .help("translate it first (refkit new story creates every language's file)")
            .into());
        }
        let Some(body) = fs_body(root, &pair.source)? else {
            return Err(
                Diagnostic::error(&pair.source, "cannot mark: the source does not exist").into(),
            );
        };
        let hash = source_hash(&body);
        let path = root.join(&pair.translation);
        let text = files::read_text(&path, &pair.translation)?;
        let updated = set_hash(&text, &hash)
            .map_err(|why| Diagnostic::error(&pair.translation, why).at(&text, 1, 1))?;
        if updated != text {
            std::fs::write(&path, updated).map_err(|e| Error::io("write", &pair.translation, e))?;
            changed.push(pair.translation);
        }
    }
    Ok(changed)
}

/// Sets `source_hash` in the front matter of `text`, keeping every other line as it is.
fn set_hash(text: &str, hash: &str) -> std::result::Result<String, &'static str> {
    let split = front_matter::split(text).map_err(|e| e.message)?;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let new_line = format!("{SOURCE_HASH_KEY}: {hash}");
    let mut lines: Vec<&str> = split.yaml.lines().collect();
    let owned;
    match lines.iter().position(|l| find_key(l, 1).is_some()) {
        Some(i) => {
            owned = new_line;
            lines[i] = &owned;
        }
        None => {
            owned = new_line;
            lines.push(&owned);
        }
    }
    let first = text.lines().next().unwrap_or("---");
    let mut out = String::with_capacity(text.len() + 40);
    out.push_str(first.trim_end_matches('\r'));
    out.push_str(newline);
    for line in lines {
        out.push_str(line.trim_end_matches('\r'));
        out.push_str(newline);
    }
    out.push_str("---");
    out.push_str(newline);
    out.push_str(split.body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_line_endings_and_outer_whitespace() {
        assert_eq!(source_hash("a\r\nb\n"), source_hash("\na\nb"));
        assert_ne!(source_hash("a"), source_hash("b"));
        assert_eq!(source_hash("x").len(), 16);
    }

    #[test]
    fn setting_the_hash_replaces_or_appends_one_line_and_keeps_the_rest() {
        let text = "---\ntitle: Т\nsummary: С\n---\nТекст\n";
        let once = set_hash(text, "abc").unwrap();
        assert_eq!(
            once,
            "---\ntitle: Т\nsummary: С\nsource_hash: abc\n---\nТекст\n"
        );
        let twice = set_hash(&once, "def").unwrap();
        assert_eq!(
            twice,
            "---\ntitle: Т\nsummary: С\nsource_hash: def\n---\nТекст\n"
        );
    }
}
