//! The bottom layer: what every stage needs and nothing refkit-specific builds on.
//!
//! Errors a person can act on, reading files safely, YAML with limits, safe
//! identifiers and calendar dates. Nothing here knows about stories or partners.

pub mod dates;
pub mod diagnostics;
pub mod files;
pub mod slug;
pub mod vocab;
pub mod yaml;
