//! The command line: clap definitions only; each command's logic lives elsewhere.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// refkit: paired EN/RU partner microsites and pitch kits with tracked referral links.
#[derive(Debug, Parser)]
#[command(name = "refkit", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile the project into public/ (the site) and manifest/ (private, for the agency).
    Build(BuildArgs),
}

/// Options of `refkit build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// The project folder (holds site.yaml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Where to write the site [default: <root>/public].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Where to write the private manifest [default: <root>/manifest].
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// Override base_url from site.yaml (e.g. for a preview deployment).
    #[arg(long)]
    pub base_url: Option<String>,
}
