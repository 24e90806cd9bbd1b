//! `refkit merge`: join the shards of a sharded build; one summary line, or the same
//! JSON report as `build --json`.

use std::time::Instant;

use crate::base::diagnostics::Result;
use crate::base::env::Environment;
use crate::build::{merge, MergeOptions};
use crate::cli::MergeArgs;
use crate::model::selection::Selection;

/// The folder `merge` writes the project-wide public files into, under the root,
/// unless `--out` names one.
pub const MERGED_OUT: &str = "public-merged";

/// Runs `refkit merge`.
pub fn run(args: MergeArgs) -> Result<()> {
    let started = Instant::now();
    let root = args.root.root;
    let env = Environment::from_process();
    let summary = merge(&MergeOptions {
        out: args.out.unwrap_or_else(|| root.join(MERGED_OUT)),
        manifest: args.manifest.unwrap_or_else(|| root.join("manifest")),
        shards: args.shards,
        home: env.home.clone(),
        root,
    })?;
    let seconds = started.elapsed().as_secs_f64();
    for warning in &summary.warnings {
        eprintln!("{warning}");
    }
    if args.json {
        let selection = Selection::default();
        println!(
            "{}",
            super::build::json_report(&summary, &selection, seconds)
        );
    } else {
        eprintln!("merged: {}", summary.line(seconds));
    }
    Ok(())
}
