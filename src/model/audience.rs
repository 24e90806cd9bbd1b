//! Audiences: whom an output addresses.
//!
//! A program has two sides, and each output is read by one of three people: the
//! partner's clients (the microsite, its share cards, short-link previews, banners,
//! pitch copy, stories in kits), the partner (the kit page, the kit README, the
//! outreach plan, the results page) or prospective partners (the brand's program and
//! FAQ pages). Each output kind declares its audience, and the template values of an
//! output hold only what its audience may see: a client never gets the partner's
//! reward, stage, tier, internal note or contact.

use serde::Serialize;

/// Whom an output addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// The partner's clients: they see the offer and who recommends it.
    Clients,
    /// The partner: the reward, payouts, bonuses and the ambassador's contact.
    Partner,
    /// Prospective partners: both sides of the program, per market.
    Prospects,
}

impl Audience {
    /// The words front matter and templates use.
    pub const NAMES: &'static [(&'static str, Audience)] = &[
        ("clients", Audience::Clients),
        ("partner", Audience::Partner),
        ("prospects", Audience::Prospects),
    ];

    /// The audience's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Clients => "clients",
            Audience::Partner => "partner",
            Audience::Prospects => "prospects",
        }
    }

    /// The audience named `word`.
    pub fn parse(word: &str) -> Option<Audience> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == word)
            .map(|(_, a)| *a)
    }

    /// True when this audience may see what the partner earns.
    pub fn sees_reward(self) -> bool {
        self != Audience::Clients
    }
}
