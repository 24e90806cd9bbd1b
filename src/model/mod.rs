//! The model: checked plain data, no I/O.
//!
//! Site settings, the referral scheme, partners, playbooks, pilot selections and the
//! loaded project. Values are built from text that [`crate::load`] read; code past
//! that check never validates them again.

pub mod documents;
pub mod partners;
pub mod playbooks;
pub mod project;
pub mod scheme;
pub mod selection;
pub mod settings;
