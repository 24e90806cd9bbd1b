//! Rendering: from the model to what a reader sees.
//!
//! Where pages live ([`urls`]), tracked referral links ([`links`]), interface
//! messages ([`locales`]), compiled templates ([`templates`]) and the values templates
//! are given ([`values`]).

pub mod links;
pub mod locales;
pub mod templates;
pub mod urls;
pub mod values;
