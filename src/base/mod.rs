//! The bottom layer: what every stage needs and nothing refkit-specific builds on.
//!
//! Errors a person can act on, reading files safely, YAML with limits, safe
//! identifiers and calendar dates. Nothing here knows about stories or partners.

pub(crate) mod dates;
pub(crate) mod diagnostics;
pub(crate) mod files;
pub(crate) mod slug;
pub(crate) mod vocab;
pub(crate) mod yaml;
