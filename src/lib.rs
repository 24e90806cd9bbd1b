//! refkit compiles a project of Markdown stories, pitch copy, templates and Fluent
//! messages into paired EN/RU partner microsites and pitch kits, every call to action
//! carrying the partner's tracked referral link.
//!
//! The folders are the pipeline, lowest layer first (see ARCHITECTURE.md); each
//! imports only from the layers listed before it, and a test in the suite keeps it so:
//!
//! [`base`] → [`text`] → [`model`] → [`load`] → [`render`] → [`output`] →
//! [`kits`] → [`site`] → [`build`] → [`check`], [`serve`] → [`cmd`].

pub mod base;
pub mod build;
pub mod check;
pub mod cli;
pub mod cmd;
#[doc(hidden)]
pub mod fuzzing;
pub mod kits;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;
pub mod text;
