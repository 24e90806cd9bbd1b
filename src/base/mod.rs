//! The bottom layer: what every stage needs and nothing refkit-specific builds on.
//!
//! Errors a person can act on, reading files safely, YAML with limits, safe
//! identifiers, calendar dates and the process environment, read once. Nothing here
//! knows about stories or partners.

pub mod dates;
pub mod diagnostics;
pub mod env;
pub mod files;
pub mod named;
pub mod slug;
pub mod vocab;
pub mod yaml;
