//! Rendering: from the model to what a reader sees.
//!
//! Where pages live ([`urls`]), tracked referral links ([`links`]), interface
//! messages ([`locales`]), compiled templates ([`templates`]) and the values templates
//! are given ([`values`]).

pub(crate) mod links;
pub(crate) mod locales;
pub(crate) mod templates;
pub(crate) mod urls;
pub(crate) mod values;
