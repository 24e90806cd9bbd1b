//! refkit compiles a project of Markdown stories, pitch copy, templates and Fluent
//! messages into paired EN/RU partner microsites and pitch kits, every call to action
//! carrying the partner's tracked referral link.
//!
//! The modules follow the pipeline (see ARCHITECTURE.md):
//! [`settings`] → [`content`] (with [`partners`], [`markdown`]) → [`locales`],
//! [`templates`] → [`site`] (planning and rendering) → [`output`] (the one writer),
//! driven by [`build`]. [`diagnostics`] carries errors a person can act on.

pub mod build;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod content;
pub mod dates;
pub mod diagnostics;
pub mod fsutil;
pub mod fuzzing;
pub mod kits;
pub mod l10n;
pub mod links;
pub mod locales;
pub mod manifest;
pub mod markdown;
pub mod output;
pub mod partners;
pub mod playbooks;
pub mod selection;
pub mod serve;
pub mod settings;
pub mod site;
pub mod slug;
pub mod templates;
pub mod translations;
pub mod typography;
pub mod yaml;

/// Page slugs the site's own paths use under `/<lang>/`.
pub const RESERVED_PAGE_SLUGS: &[&str] = &["stories"];
