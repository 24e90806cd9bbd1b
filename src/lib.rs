//! refkit compiles a project of Markdown stories, pitch copy, templates and Fluent
//! messages into paired EN/RU partner microsites and pitch kits, every call to action
//! carrying the partner's tracked referral link.
//!
//! The folders are the pipeline, lowest layer first (see ARCHITECTURE.md); each
//! imports only from the layers listed before it, and a test in the suite keeps it so:
//!
//! `base` → `text` → `model` → `load` → `render` → `output` → `banners` → `kits` →
//! `results` → `site` → `build` → `cms` → `check`, `deploy`, `serve` → `cli`, `cmd`,
//! `fuzzing`.
//!
//! The library's public face is small: the commands ([`cmd`], parsed by [`cli`]) for
//! the binary, and the build with its options and results for the tests. Everything
//! else is `pub(crate)`; the `unreachable_pub` lint keeps it so.

mod banners;
mod base;
mod build;
mod check;
pub mod cli;
pub mod cmd;
mod cms;
mod deploy;
#[doc(hidden)]
pub mod fuzzing;
mod kits;
mod load;
mod model;
mod output;
mod render;
mod results;
mod serve;
mod site;
mod text;

pub use base::diagnostics::Error;
pub use base::env::Environment;
pub use build::{
    build, load_project, merge, BuildOptions, BuildSummary, ImageCacheOptions, ImageCounts,
    MarketCounts, MergeOptions,
};
pub use model::project::Project;
pub use model::shard::Shard;
pub use output::OutputLock;
pub use site::incremental::RenderCache;
