//! `refkit deploy`: publish the build (see [`crate::deploy`]); one summary line, or a
//! JSON report for CI.

use std::io::IsTerminal;

use crate::base::diagnostics::{Error, Result};
use crate::base::env::Environment;
use crate::cli::DeployArgs;
use crate::deploy::{deploy, parse_size, DeployOptions};
use crate::model::deploy::Files;

/// Runs `refkit deploy`.
pub fn run(args: DeployArgs) -> Result<()> {
    let files = match &args.files {
        None => None,
        Some(word) => Some(Files::parse(word).ok_or_else(|| {
            Error::Usage(format!(
                "--files {word}: choose one of {}",
                Files::WORDS.join(", ")
            ))
        })?),
    };
    let max_bytes = match &args.max_size {
        None => None,
        Some(text) => {
            Some(parse_size(text).map_err(|why| Error::Usage(format!("--max-size: {why}")))?)
        }
    };
    let env = Environment::from_process();
    let report = deploy(&DeployOptions {
        root: args.root.root,
        public: args.public,
        target: args.target,
        folder: args.folder,
        files,
        dry_run: args.dry_run,
        delete: args.delete,
        jobs: usize::from(args.jobs),
        max_bytes,
        progress: std::io::stderr().is_terminal() && !args.json,
        credentials: env.storage,
        home: env.home,
    })?;
    for action in &report.actions {
        if args.json {
            eprintln!("{action}");
        } else {
            println!("{action}");
        }
    }
    if args.json {
        println!("{}", report.json());
    } else {
        eprintln!("{}", report.line());
    }
    Ok(())
}
