//! `refkit build`: compile the project, report one summary line.

use std::io::IsTerminal;
use std::time::Instant;

use crate::build::{build, BuildOptions, BuildSummary};
use crate::cli::BuildArgs;
use crate::diagnostics::Result;

/// Runs `refkit build`.
pub fn run(args: BuildArgs) -> Result<()> {
    let started = Instant::now();
    let progress = std::io::stderr().is_terminal() && !args.json;
    let summary = build(&BuildOptions {
        root: args.root.root,
        out: args.out,
        manifest: args.manifest,
        base_url: args.base_url,
        secret: None,
        skip_kits: false,
        progress,
        preview: false,
    })?;
    for warning in &summary.warnings {
        eprintln!("{warning}");
    }
    eprintln!(
        "{}",
        summary_line(&summary, started.elapsed().as_secs_f64())
    );
    Ok(())
}

/// "built 89 pages and 16 kits for 8 partners (…) in 0.42 s"
pub fn summary_line(summary: &BuildSummary, seconds: f64) -> String {
    format!(
        "built {} pages and {} kits for {} partners ({} files, {} tracked links, {:.1} MiB) in {seconds:.2} s",
        summary.pages,
        summary.kits,
        summary.partners,
        summary.files,
        summary.links,
        summary.bytes as f64 / (1024.0 * 1024.0),
    )
}
