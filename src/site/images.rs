//! The site's own images: each banner template's brand image (no partner) at every
//! kit size and in every language, which story pages show, and the share cards that
//! link previews of every page show. The [`Studio`] draws them; this module decides
//! which exist and where they are published.

use rayon::prelude::*;

use crate::banners::images::Size;
use crate::banners::{self, Studio, SHARE_TEMPLATE};
use crate::base::diagnostics::{Error, Report, Result};
use crate::model::documents::{Banner, Story};
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::output::Staging;
use crate::render::urls;

/// Draws and publishes the site's images: the brand images, then the share cards.
pub(crate) fn publish(project: &Project, studio: &Studio<'_>, staging: &Staging) -> Result<()> {
    if project.builds_brand() {
        publish_brand(project, studio, staging)?;
    }
    publish_cards(project, studio, staging)
}

/// Draws every template's brand image at every kit size and in every language, and
/// publishes them under `banners/`: the stories' pages show them.
fn publish_brand(project: &Project, studio: &Studio<'_>, staging: &Staging) -> Result<()> {
    let settings = &project.settings;
    let jobs: Vec<(&Banner, Size, &str)> = studio
        .templates()
        .flat_map(|b| {
            settings.kit_sizes.iter().flat_map(move |&(width, height)| {
                settings
                    .languages
                    .iter()
                    .map(move |l| (b, Size { width, height }, l.as_str()))
            })
        })
        .collect();
    let results: Vec<std::result::Result<(), Error>> = jobs
        .par_iter()
        .map(|&(banner, size, lang)| {
            let bytes = studio.brand_image(banner, size, lang)?;
            let path = urls::brand_image(banner, lang, (size.width, size.height));
            staging.write_public(&path, &bytes, &banners::template_name(banner))
        })
        .collect();
    let mut report = Report::default();
    report.gather(results)?;
    report.into_result().map(|_| ())
}

/// Draws the share cards (when the theme has a share-card template) and publishes
/// them under `share/`: one per story and language, shared by the brand story page
/// and every partner's copy of it; one per partner landing page and language; one
/// for the kit pages and one for the brand's other pages in each language.
fn publish_cards(project: &Project, studio: &Studio<'_>, staging: &Staging) -> Result<()> {
    if !studio.has_cards() {
        return Ok(());
    }
    enum Card<'j> {
        Story(&'j Story),
        Partner(&'j Partner),
        Kit,
        Site,
    }
    let mut jobs: Vec<(Card<'_>, &str)> = Vec::new();
    let brand = project.builds_brand();
    for lang in &project.settings.languages {
        let lang = lang.as_str();
        if brand {
            jobs.push((Card::Site, lang));
            jobs.extend(project.stories.iter().map(|s| (Card::Story(s), lang)));
        }
        jobs.extend(project.partners.iter().map(|p| (Card::Partner(p), lang)));
        if brand && project.has_partners() {
            jobs.push((Card::Kit, lang));
        }
    }
    let results: Vec<std::result::Result<(), Error>> = jobs
        .par_iter()
        .map(|(card, lang)| {
            let (path, drawn) = match card {
                Card::Story(s) => (
                    urls::story_card(project, s, lang),
                    studio.story_card(s, lang),
                ),
                Card::Partner(p) => (urls::partner_card(p, lang), studio.partner_card(p, lang)),
                Card::Kit => (urls::kit_card(lang), studio.kit_card(lang)),
                Card::Site => (urls::site_card(lang), studio.site_card(lang)),
            };
            let (bytes, _) = drawn?;
            staging.write_public(&path, &bytes, SHARE_TEMPLATE)
        })
        .collect();
    let mut report = Report::default();
    report.gather(results)?;
    report.into_result().map(|_| ())
}
