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
    /// The shard this build makes, when it is one of several (`--shard I/N`).
    pub shard: Option<crate::model::shard::ShardOf>,
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

    /// Keeps only the partners of `shard` (after any selection), remembering how many
    /// the whole build has.
    pub fn keep_shard(&mut self, shard: crate::model::shard::Shard) {
        let partners = self.partners.len();
        self.partners.retain(|p| shard.owns(&p.id));
        let kept: std::collections::BTreeSet<&str> =
            self.partners.iter().map(|p| p.id.as_str()).collect();
        self.partner_playbooks
            .retain(|id, _| kept.contains(id.as_str()));
        self.shard = Some(crate::model::shard::ShardOf { shard, partners });
    }

    /// True when this build writes what belongs to no partner: always, unless it is
    /// a shard other than the first.
    pub fn builds_brand(&self) -> bool {
        self.shard.is_none_or(|s| s.builds_brand())
    }

    /// True when the whole build (every shard) has partners.
    pub fn has_partners(&self) -> bool {
        match self.shard {
            Some(s) => s.partners > 0,
            None => !self.partners.is_empty(),
        }
    }

    /// Stories meant for partners of `market`.
    pub fn stories_for_market<'a>(&'a self, market: &'a str) -> impl Iterator<Item = &'a Story> {
        self.stories.iter().filter(move |s| s.is_for_market(market))
    }
}
