//! Share cards: the 1200×630 images link previews show, drawn by the same studio
//! from the theme's `share.svg`. One kind per page: a story's card (its title over its
//! banner), a partner landing page's card, the kit pages' card and the brand's.
//!
//! A story's card is drawn in layers, whatever the template: it is rendered a second
//! time for a story no project has ([`BannerStory::probe`]), and the root elements
//! both renderings share at the start and at the end are drawn once for every story
//! whose card shares them (a [`Backdrop`]). Per story only the elements between are
//! laid out and rasterized, over the rows they draw on, and only those rows are
//! compressed; the rows above and below are the shared card's, compressed once.
//!
//! [`BannerStory::probe`]: crate::render::contract::BannerStory::probe

use std::sync::Arc;

use resvg::tiny_skia::Pixmap;

use super::images::banded_jpeg::BandedJpeg;
use super::images::Format;
use super::{engine, format_of, layout, Layers, Studio, Target, SHARE_SIZE, SHARE_TEMPLATE};
use crate::base::diagnostics::Diagnostic;
use crate::model::documents::Story;
use crate::model::partners::Partner;
use crate::render::contract::Card;

impl Studio<'_> {
    /// True when the theme (or the project) has a share-card template.
    pub(crate) fn has_cards(&self) -> bool {
        self.templates.has(SHARE_TEMPLATE)
    }

    fn card_target<'t>(&'t self, lang: &'t str, card: Card, format: Format) -> Target<'t> {
        Target {
            template: SHARE_TEMPLATE.to_owned(),
            format,
            size: SHARE_SIZE,
            lang,
            partner: None,
            story: None,
            card: Some(card),
            keep_base: true,
            probe: false,
        }
    }

    /// The share card of `story` in `lang`: its title over its banner.
    pub(crate) fn story_card(
        &self,
        story: &Story,
        lang: &str,
    ) -> Result<(Arc<[u8]>, Format), Diagnostic> {
        let banner = story
            .banner
            .as_deref()
            .and_then(|name| self.project.banners.iter().find(|b| b.name == name));
        let href = banner.map(|b| {
            if b.is_template() {
                format!("{}@{lang}", b.name)
            } else {
                b.name.clone()
            }
        });
        let format = banner.map_or(Format::Png, format_of);
        let mut what = self.card_target(
            lang,
            Card {
                kind: "story",
                banner: href,
                message: None,
            },
            format,
        );
        what.story = Some(story);
        what.keep_base = false;
        let svg = self.render(&what)?;
        let key = self.key("draw", &what, &svg, None);
        let bytes = self.cached(key, || self.draw_story_card(&what, &svg))?;
        Ok((bytes, format))
    }

    /// Draws the story card `what`, rendered to `svg`: its own elements over the
    /// backdrop it shares with other stories' cards, or whole when it shares none.
    fn draw_story_card(&self, what: &Target<'_>, svg: &str) -> Result<Arc<[u8]>, Diagnostic> {
        let probe = Target {
            probe: true,
            ..what.clone()
        };
        let other = self.render(&probe)?;
        let Some(cut) = layout::around(svg, &other) else {
            return self.draw_rendered(what, svg, None, &mut Layers::default());
        };
        let shared = Target {
            keep_base: true,
            ..what.clone()
        };
        let full = self.base(&shared, cut.both)?;
        let backdrop = self.backdrop(&shared, cut.under, cut.over)?;
        let drawn = self.draw_layer(what, &cut.layer, true)?;
        let Some(pixmap) = &drawn.pixmap else {
            return Ok(full.bytes.clone());
        };
        let (top, bottom) = (drawn.top as usize, drawn.bottom as usize);
        let width = what.size.width as usize;
        let mut band = backdrop.under[top * width * 3..bottom * width * 3].to_vec();
        engine::composite(&mut band, pixmap);
        let over = backdrop.over.data();
        for y in (top..bottom).filter(|&y| backdrop.inked[y]) {
            let row = y - top;
            engine::composite_rgba(
                &mut band[row * width * 3..(row + 1) * width * 3],
                &over[y * width * 4..(y + 1) * width * 4],
            );
        }
        let bytes = match full.format {
            Format::Png => full.banded(drawn.top, drawn.bottom).encode(&band),
            Format::Jpeg => full
                .jpeg
                .get_or_init(|| BandedJpeg::new(&full.pixels, what.size))
                .encode(&band, top, bottom),
        };
        Ok(Arc::from(bytes))
    }

    /// The backdrop of the cards whose shared elements read `under` and `over`,
    /// drawn once.
    fn backdrop(
        &self,
        what: &Target<'_>,
        under: String,
        over: String,
    ) -> Result<Arc<Backdrop>, Diagnostic> {
        let key = (
            what.template.clone(),
            what.size,
            what.lang.to_owned(),
            under,
            over,
        );
        let slot = {
            let mut backdrops = self.backdrops.lock().unwrap_or_else(|e| e.into_inner());
            backdrops.entry(key.clone()).or_default().clone()
        };
        slot.get_or_init(|| {
            let (width, height) = (what.size.width, what.size.height);
            let under = self.lay_out(what, &key.3)?;
            let over = self.lay_out(what, &key.4)?;
            let over = engine::rasterize_band(&over.parsed, width, 0, height);
            let inked = over
                .data()
                .chunks_exact(width as usize * 4)
                .map(|row| row.iter().skip(3).step_by(4).any(|&alpha| alpha != 0))
                .collect();
            Ok(Arc::new(Backdrop {
                under: engine::to_rgb(&engine::rasterize_band(&under.parsed, width, 0, height)),
                over,
                inked,
            }))
        })
        .clone()
    }

    /// The share card of `partner`'s landing page in `lang`: the partner's name and
    /// what its clients are offered (the card is the preview its clients see).
    pub(crate) fn partner_card(
        &self,
        partner: &Partner,
        lang: &str,
    ) -> Result<(Arc<[u8]>, Format), Diagnostic> {
        let offer = self.project.playbook(partner).terms.offer.as_ref();
        let message = offer.and_then(|o| {
            let f = crate::text::l10n::Formatter::new(lang).ok()?;
            o.summary_in(lang, |n| f.number(n as f64, None, None))
        });
        let mut what = self.card_target(
            lang,
            Card {
                kind: "partner",
                banner: None,
                message,
            },
            Format::Png,
        );
        what.partner = Some(partner);
        self.draw(&what, None, &mut Layers::default())
    }

    /// The share card of the kit pages in `lang`.
    pub(crate) fn kit_card(&self, lang: &str) -> Result<(Arc<[u8]>, Format), Diagnostic> {
        let what = self.card_target(
            lang,
            Card {
                kind: "kit",
                banner: None,
                message: None,
            },
            Format::Png,
        );
        self.draw(&what, None, &mut Layers::default())
    }

    /// The share card of the brand's home and content pages in `lang`.
    pub(crate) fn site_card(&self, lang: &str) -> Result<(Arc<[u8]>, Format), Diagnostic> {
        let what = self.card_target(
            lang,
            Card {
                kind: "site",
                banner: None,
                message: None,
            },
            Format::Png,
        );
        self.draw(&what, None, &mut Layers::default())
    }
}

/// What the cards of one template, size and language share, around each story's
/// own elements: the elements before them drawn as RGB, and the elements after them
/// drawn on a transparent canvas, to lay over each story's own.
pub(super) struct Backdrop {
    under: Vec<u8>,
    over: Pixmap,
    /// Per row of `over`: whether it draws anything there (rows it leaves clear are
    /// not laid over each card).
    inked: Vec<bool>,
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::banners::Fonts;
    use crate::load::testing::TestProject;
    use crate::render::loaded::Loaded;

    /// Copies the folder `from` into `to`, file by file.
    fn copy_tree(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy_tree(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }

    fn decode(png: &[u8]) -> Vec<u8> {
        image::load_from_memory(png).unwrap().to_rgb8().into_raw()
    }

    #[test]
    fn a_story_card_drawn_in_layers_shows_what_a_whole_drawing_shows() {
        let project = TestProject::new().stories(2);
        let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/harbor");
        copy_tree(&theme, &project.root().join("themes/harbor"));
        let root = project.root().to_owned();
        let (_dir, project) = project.load();
        let loaded = Loaded::new(&root, project).unwrap();
        let fonts = Fonts::load(&root, "harbor").unwrap();
        let studio = Studio::new(&loaded.project, &loaded.templates, fonts, None);
        let mut cards = Vec::new();
        for story in &loaded.project.stories {
            let (layered, _) = studio.story_card(story, "en").unwrap();
            // The same card drawn whole, as it was before layers.
            let what = Target {
                story: Some(story),
                keep_base: false,
                ..studio.card_target(
                    "en",
                    Card {
                        kind: "story",
                        banner: None,
                        message: None,
                    },
                    Format::Png,
                )
            };
            let svg = studio.render(&what).unwrap();
            let whole = studio
                .draw_rendered(&what, &svg, None, &mut Layers::default())
                .unwrap();
            let (layered, whole) = (decode(&layered), decode(&whole));
            assert_eq!(layered.len(), whole.len());
            let worst = layered
                .iter()
                .zip(&whole)
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap();
            assert!(worst <= 2, "a channel differs by {worst}");
            cards.push(layered);
        }
        // The two stories' cards differ (each shows its own title), over one backdrop.
        assert_ne!(cards[0], cards[1]);
        assert_eq!(studio.backdrops.lock().unwrap().len(), 1);
    }
}
