//! Share cards: the 1200×630 images link previews show, drawn by the same studio
//! from the theme's `share.svg`. One kind per page: a story's card (its title over its
//! banner), a partner landing page's card, the kit pages' card and the brand's.

use std::sync::Arc;

use super::images::Format;
use super::{format_of, Layers, Studio, Target, SHARE_SIZE, SHARE_TEMPLATE};
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
        self.draw(&what, None, &mut Layers::default())
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
