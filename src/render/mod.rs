//! Rendering: from the model to what a reader sees.
//!
//! The project ready to render ([`loaded`]), where pages and files live ([`urls`]),
//! kit addresses ([`secret`]), tracked referral links ([`links`]), interface
//! messages ([`locales`]), short links ([`short`]), compiled templates ([`templates`]), the typed values
//! templates are given ([`contract`]) and story pages' structured data ([`json_ld`]).

pub(crate) mod contract;
pub(crate) mod json_ld;
pub(crate) mod links;
pub(crate) mod loaded;
pub(crate) mod locales;
pub(crate) mod secret;
pub(crate) mod short;
pub(crate) mod templates;
pub(crate) mod urls;
