//! The model: checked plain data, no I/O.
//!
//! Site settings, the referral scheme, partners, playbooks, pilot selections and the
//! loaded project. Values are built from text that [`crate::load`] read; code past
//! that check never validates them again.

pub(crate) mod audience;
pub(crate) mod cms;
pub(crate) mod deploy;
pub(crate) mod documents;
pub(crate) mod partners;
pub(crate) mod playbooks;
pub(crate) mod project;
pub(crate) mod results;
pub(crate) mod scheme;
pub(crate) mod selection;
pub(crate) mod settings;
pub(crate) mod shard;
pub(crate) mod terms;
