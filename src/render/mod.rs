//! Rendering: from the model to what a reader sees.
//!
//! Where pages live ([`urls`]), tracked referral links ([`links`]), interface
//! messages ([`locales`]), compiled templates ([`templates`]), the typed values
//! templates are given ([`contract`]) and story pages' structured data ([`json_ld`]).

pub mod contract;
pub mod json_ld;
pub mod links;
pub mod locales;
pub mod templates;
pub mod urls;
