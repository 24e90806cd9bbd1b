//! One image being made: which template, at what size and in which language, for
//! which partner, story or share card, and how errors describe it.

use super::images::{Format, Size};
use crate::model::documents::Story;
use crate::model::partners::Partner;
use crate::render::contract::Card;

/// One image being made: which template, at what size, for whom.
#[derive(Clone)]
pub(super) struct Target<'b> {
    /// The template's Tera name.
    pub(super) template: String,
    pub(super) format: Format,
    pub(super) size: Size,
    pub(super) lang: &'b str,
    pub(super) partner: Option<&'b Partner>,
    pub(super) story: Option<&'b Story>,
    /// For a share card: what it shows.
    pub(super) card: Option<Card>,
    /// Whether its base is kept for other images: a story's share card is drawn once,
    /// so keeping it would hold every story's pixels until the build ends.
    pub(super) keep_base: bool,
    /// Whether its story reads as [`BannerStory::probe`] rather than as `story`: what
    /// the card of another story would show (see `Studio::story_card`).
    ///
    /// [`BannerStory::probe`]: crate::render::contract::BannerStory::probe
    pub(super) probe: bool,
}

impl Target<'_> {
    pub(super) fn describe(&self) -> String {
        let what = if self.card.is_some() {
            "share card"
        } else {
            "banner"
        };
        let template = self.template.rsplit('/').next().unwrap_or(&self.template);
        match self.partner {
            Some(p) => format!(
                "{what} {template} at {}, in `{}`, for partner `{}`",
                self.size, self.lang, p.id
            ),
            None => format!("{what} {template} at {}, in `{}`", self.size, self.lang),
        }
    }
}
