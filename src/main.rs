//! The `refkit` binary: parse arguments, run the command, print the error once.

use std::process::ExitCode;

use clap::Parser;
use refkit::build::{build, BuildOptions};
use refkit::cli::{Cli, Command};
use refkit::diagnostics::Error;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => run_build(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
        }
    }
}

fn run_build(args: refkit::cli::BuildArgs) -> Result<(), Error> {
    let started = std::time::Instant::now();
    let summary = build(&BuildOptions {
        root: args.root,
        out: args.out,
        manifest: args.manifest,
        base_url: args.base_url,
        secret: None,
        skip_kits: false,
    })?;
    for warning in &summary.warnings {
        eprintln!("{warning}");
    }
    eprintln!(
        "built {} pages and {} kits for {} partners ({} files, {} tracked links, {:.1} MiB) in {:.2} s",
        summary.pages,
        summary.kits,
        summary.partners,
        summary.files,
        summary.links,
        summary.bytes as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
