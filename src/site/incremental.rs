//! Re-rendering only what changed, for the preview server.
//!
//! Every page gets a key: a hash of everything the whole site shares (settings,
//! templates, messages, the registry, every story's and page's title, summary, date
//! and markets) and of the one body the page shows. Between two builds of the same
//! preview, pages whose key is unchanged are left as they are on disk; the rest are
//! rendered into memory and written only when all of them rendered, so a failure
//! still leaves the last good pages. Editing one story's text re-renders that story's
//! brand pages and its copy on every partner's microsite, nothing else.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use rayon::prelude::*;

use super::{Contexts, Job};
use crate::base::diagnostics::{Error, Result};
use crate::model::project::Project;
use crate::output::Staging;
use crate::render::templates::Templates;

/// Page keys of the previous build, by output path.
#[derive(Debug, Default)]
pub struct RenderCache {
    keys: Mutex<HashMap<String, u64>>,
}

impl RenderCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        self.keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// True before the first complete build.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Remembers the keys of a complete build.
    pub fn replace(&self, keys: HashMap<String, u64>) {
        *self.lock() = keys;
    }

    /// True when the key of the banner images and share cards (see [`IMAGES_KEY`])
    /// differs from the previous build's.
    pub(crate) fn images_changed(&self, keys: &HashMap<String, u64>) -> bool {
        self.lock().get(IMAGES_KEY) != keys.get(IMAGES_KEY)
    }

    /// Forgets everything (after a failed or partial build).
    pub fn clear(&self) {
        self.lock().clear();
    }
}

/// The entry of the keys that stands for the banner images and share cards: they
/// depend on everything shared, the banners' files and the theme's fonts.
pub(crate) const IMAGES_KEY: &str = "@images";

/// The key of every planned page, by output path, and [`IMAGES_KEY`].
pub(crate) fn keys(
    project: &Project,
    templates: &Templates,
    jobs: &[Job<'_>],
    contexts: &Contexts<'_>,
    extra: &str,
) -> Result<HashMap<String, u64>> {
    let mut shared = DefaultHasher::new();
    extra.hash(&mut shared);
    format!("{:?}", project.settings).hash(&mut shared);
    templates.fingerprint().hash(&mut shared);
    let fonts = std::path::Path::new(crate::base::vocab::THEMES_DIR)
        .join(&project.settings.theme)
        .join(crate::base::vocab::STATIC_DIR)
        .join("fonts");
    for dir in [
        std::path::Path::new(crate::base::vocab::LOCALES_DIR),
        std::path::Path::new(crate::base::vocab::STATIC_DIR),
        std::path::Path::new(crate::base::vocab::BANNERS_DIR),
        fonts.as_path(),
    ] {
        for (path, shown) in
            crate::base::files::files_under(&project.root, &project.root.join(dir))?
        {
            shown.hash(&mut shared);
            std::fs::read(&path)
                .map_err(|e| Error::io("read", &shown, e))?
                .hash(&mut shared);
        }
    }
    for p in &project.partners {
        format!("{p:?}").hash(&mut shared);
    }
    for s in &project.stories {
        (&s.slug, &s.date, &s.markets, &s.banner).hash(&mut shared);
        for t in &s.texts {
            (&t.lang, &t.title, &t.summary, t.stale).hash(&mut shared);
        }
    }
    for p in &project.pages {
        (&p.slug, p.weight).hash(&mut shared);
        for t in &p.texts {
            (&t.lang, &t.title, &t.summary, t.stale).hash(&mut shared);
        }
    }
    let shared = shared.finish();
    let mut keys: HashMap<String, u64> = jobs
        .par_iter()
        .map(|job| {
            let file = contexts.file_of(job);
            let mut h = DefaultHasher::new();
            shared.hash(&mut h);
            file.hash(&mut h);
            match job {
                Job::Page { lang, page } => page.text(lang).html.hash(&mut h),
                Job::Story { lang, story, .. } => story.text(lang).html.hash(&mut h),
                _ => {}
            }
            (file, h.finish())
        })
        .collect();
    keys.insert(IMAGES_KEY.to_owned(), shared);
    Ok(keys)
}

/// Renders the pages whose key changed and writes them through `staging` (an update
/// in place of the preview's output); removes pages no longer planned. Returns how
/// many pages were rendered.
pub(crate) fn update(
    staging: &Staging,
    jobs: &[Job<'_>],
    contexts: &Contexts<'_>,
    templates: &Templates,
    cache: &RenderCache,
    keys: HashMap<String, u64>,
) -> Result<usize> {
    let old = cache.lock().clone();
    let changed: Vec<&Job<'_>> = jobs
        .iter()
        .filter(|job| {
            let file = contexts.file_of(job);
            old.get(&file) != keys.get(&file)
        })
        .collect();
    let rendered: Vec<std::result::Result<(String, String), crate::base::diagnostics::Diagnostic>> =
        changed
            .par_iter()
            .map(|job| {
                let (_, context) = contexts.for_job(job);
                let html = templates.render(job.template(), &context, &job.describe())?;
                Ok((contexts.file_of(job), html))
            })
            .collect();
    let mut pages = Vec::with_capacity(rendered.len());
    let mut failures = Vec::new();
    for r in rendered {
        match r {
            Ok(page) => pages.push(page),
            Err(d) => failures.push(d),
        }
    }
    if !failures.is_empty() {
        return super::dedupe_template_errors(failures).map(|_| 0);
    }
    pages
        .par_iter()
        .try_for_each(|(file, html)| staging.write_public(file, html.as_bytes(), file))?;
    for file in old.keys().filter(|f| !keys.contains_key(*f)) {
        staging.remove_public(file)?;
    }
    cache.replace(keys);
    Ok(pages.len())
}
