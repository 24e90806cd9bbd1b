//! The bottom layer: what every stage needs and nothing refkit-specific builds on.
//!
//! Errors a person can act on, reading files safely, YAML with limits, safe
//! identifiers, calendar dates and the process environment, read once. Nothing here
//! knows about stories or partners.

pub(crate) mod dates;
pub(crate) mod diagnostics;
pub(crate) mod env;
pub(crate) mod files;
pub(crate) mod media;
pub(crate) mod named;
pub(crate) mod slug;
pub(crate) mod vocab;
pub(crate) mod yaml;
