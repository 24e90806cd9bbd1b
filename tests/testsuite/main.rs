//! refkit's integration tests, as one test binary with a module per feature (the
//! layout mdBook and ripgrep use): the crate and its dependencies are linked once
//! instead of once per file. The modules share the fixture builder in `common`.
//!
//! The tests run in parallel threads of this one process, so none of them may change
//! process-wide state (environment variables, the current folder) or use a fixed
//! folder another module could use too: give each child process its own environment
//! with `Command::env`, and keep output in temporary folders.

mod common;

mod authoring;
mod banners;
mod cms;
mod demo;
mod deploy;
mod errors;
mod fuzz_regressions;
mod hostile;
mod image_cache;
mod kit_email;
mod kit_share;
mod kits;
mod layers;
mod microsite;
mod playbooks;
mod publish;
mod results_build;
mod results_exports;
mod results_import;
mod serve;
mod shards;
mod sharing;
mod terms;
mod tools;
mod typography;
