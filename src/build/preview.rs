//! The preview's quick path: when `refkit serve` rebuilds into the output it built
//! before (kits skipped), only the pages whose key changed are rendered again and
//! written in place, and the site's images are drawn again only when an input of
//! theirs changed. Everything else of a full build is skipped.

use std::collections::BTreeMap;

use crate::banners::cache::ImageCache;
use crate::banners::{Fonts, Studio};
use crate::base::diagnostics::Result;
use crate::output::{self, Staging};
use crate::render::loaded::Loaded;
use crate::site::{self, incremental};

use super::{BuildOptions, BuildSummary, Destination, SitePlan};

/// Updates the previous preview output in place; returns the number of pages
/// rendered again and of images drawn, or `None` when this build must be a full one
/// (no earlier preview output, an empty cache, or kits asked for).
pub(super) fn update(
    loaded: &Loaded,
    plan: &SitePlan<'_>,
    out: &Destination,
    options: &BuildOptions,
    images: Option<&ImageCache>,
) -> Result<Option<(usize, usize)>> {
    let (Some(cache), Some(keys)) = (&options.cache, &plan.keys) else {
        return Ok(None);
    };
    if cache.is_empty() || !options.skip_kits || !out.public.join(output::MARKER).is_file() {
        return Ok(None);
    }
    let staging = Staging::update_in_place(&out.public, &out.manifest)?;
    site::copy_files(&plan.static_files, &staging)?;
    let mut drawn = 0;
    if cache.images_changed(keys) {
        let project = &loaded.project;
        let fonts = Fonts::load(&options.root, &project.settings.theme)?;
        let studio = Studio::new(project, &loaded.templates, fonts, images);
        site::images::publish(project, &studio, &staging)?;
        drawn = studio.drawn();
    }
    let rendered = incremental::update(
        &staging,
        &plan.jobs,
        &plan.contexts,
        &loaded.templates,
        cache,
        keys.clone(),
    )?;
    staging.commit()?;
    Ok(Some((rendered, drawn)))
}

/// The summary of a quick preview update of `pages` pages.
pub(super) fn summary(
    loaded: &Loaded,
    pages: usize,
    warnings: Vec<String>,
    stages: Vec<(&'static str, f64)>,
    images: super::ImageCounts,
) -> BuildSummary {
    BuildSummary {
        pages,
        files: pages,
        links: 0,
        markets: BTreeMap::new(),
        bytes: 0,
        partners: loaded.project.partners.len(),
        registry: loaded.project.registry_size,
        undated: 0,
        kits: 0,
        warnings,
        stages,
        images,
    }
}
