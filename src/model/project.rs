//! The project: everything a build needs, loaded and checked.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::model::documents::{Banner, Page, Pitch, Story};
use crate::model::partners::Partner;
use crate::model::playbooks::{PartnerPlaybook, Playbook};
use crate::model::settings::Settings;

/// Everything the build needs, loaded and checked.
#[derive(Debug)]
pub struct Project {
    /// The project root.
    pub root: PathBuf,
    /// Checked settings.
    pub settings: Settings,
    /// Stories, newest first (ties by slug).
    pub stories: Vec<Story>,
    /// Pages by weight, then slug.
    pub pages: Vec<Page>,
    /// Pitch copy sorted by market, channel, language.
    pub pitches: Vec<Pitch>,
    /// Partners sorted by id.
    pub partners: Vec<Partner>,
    /// Banners sorted by name.
    pub banners: Vec<Banner>,
    /// Each market's playbook, by market id.
    pub playbooks: BTreeMap<String, Playbook>,
    /// Each partner's resolved playbook, by partner id (every partner has one).
    pub partner_playbooks: BTreeMap<String, PartnerPlaybook>,
    /// Partners in the registry, before any selection (`--partners`).
    pub registry_size: usize,
}

impl Project {
    /// The resolved playbook of `partner`.
    pub fn playbook(&self, partner: &Partner) -> &PartnerPlaybook {
        self.partner_playbooks
            .get(&partner.id)
            .expect("loading resolves a playbook for every partner")
    }

    /// Keeps only the partners `selection` matches (a pilot build); playbooks and
    /// ambassadors stay as resolved from the whole registry.
    pub fn select(&mut self, selection: &crate::model::selection::Selection) {
        self.partners.retain(|p| selection.matches(p));
        let kept: std::collections::BTreeSet<&str> =
            self.partners.iter().map(|p| p.id.as_str()).collect();
        self.partner_playbooks
            .retain(|id, _| kept.contains(id.as_str()));
    }

    /// Stories meant for partners of `market`.
    pub fn stories_for_market<'a>(&'a self, market: &'a str) -> impl Iterator<Item = &'a Story> {
        self.stories.iter().filter(move |s| s.is_for_market(market))
    }
}
