//! The command line: clap definitions only; each command's logic lives in `cmd`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// Build and preview on 127.0.0.1 with live reload.
    Serve(ServeArgs),
    /// Validate the project without writing anything; non-zero exit on errors.
    Check(CheckArgs),
    /// Join the manifests of the N shards of a sharded build (`build --shard I/N`)
    /// into the whole build's manifest and project-wide files.
    Merge(MergeArgs),
    /// Publish the last build's public/ to S3-compatible storage, uploading only what
    /// changed (or gather a host's files into a folder with --folder).
    Deploy(DeployArgs),
    /// List every translation pair's state, or mark a translation as up to date.
    Translations(TranslationsArgs),
    /// Write the browser editor (static/admin/: its page and configuration) from the project.
    Cms(CmsArgs),
    /// Scaffold a story or a partner.
    #[command(subcommand)]
    New(NewCommand),
    /// Create a new project with the default theme and starter content.
    Init(InitArgs),
}

/// The project folder, shared by most commands.
#[derive(Debug, Clone, clap::Args)]
pub struct RootArg {
    /// The project folder (holds site.yaml).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// The image cache, shared by `build` and `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct CacheArgs {
    /// Where to keep drawn images between builds [default: REFKIT_CACHE_DIR, or
    /// <root>/.refkit-cache].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// The image cache's size limit; the least recently used images beyond it are
    /// removed after each build (e.g. 512MiB, 2GB).
    #[arg(long, value_name = "SIZE", default_value = "512MiB")]
    pub cache_size: String,
    /// Draw every image; neither read nor write the image cache.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
}

/// Options of `refkit deploy`.
#[derive(Debug, clap::Args)]
pub struct DeployArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
    /// The target under `deploy:` in site.yaml; may be left out when there is one.
    #[arg(long)]
    pub target: Option<String>,
    /// Gather the files into this folder instead of a bucket (e.g. the GitHub Pages
    /// artifact); with kits_base_url set, the site's files without the kit files.
    #[arg(long, conflicts_with = "target", value_name = "DIR")]
    pub folder: Option<PathBuf>,
    /// Which files: all, site (all but kit files) or kits (kit files alone)
    /// [default: the target's `files:`].
    #[arg(long, value_name = "all|site|kits")]
    pub files: Option<String>,
    /// The built site to publish [default: <root>/public].
    #[arg(long, value_name = "DIR")]
    pub public: Option<PathBuf>,
    /// List what would be uploaded and deleted; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete objects under the target's prefix that the build no longer makes.
    #[arg(long)]
    pub delete: bool,
    /// Uploads at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Fail when the files come to more than this (e.g. 1GB, GitHub Pages' limit).
    #[arg(long, value_name = "SIZE")]
    pub max_size: Option<String>,
    /// Print a JSON report on stdout (objects and bytes uploaded, unchanged, deleted).
    #[arg(long)]
    pub json: bool,
}

/// Options of `refkit build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
    /// Where to write the site [default: <root>/public].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Where to write the private manifest [default: <root>/manifest].
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// Override base_url from site.yaml (e.g. for a preview deployment).
    #[arg(long)]
    pub base_url: Option<String>,
    /// Print a JSON report on stdout (counts, bytes, seconds per stage, warnings).
    #[arg(long)]
    pub json: bool,
    /// Build only some partners (a pilot): KEY=VALUE[,VALUE...] with KEY one of
    /// stage, tier, market, id. Values of one key are alternatives; keys combine (AND).
    /// Repeatable.
    #[arg(long, value_name = "KEY=VALUE")]
    pub partners: Vec<String>,
    /// Start date of every cadence whose partner sets no `start` (YYYY-MM-DD)
    /// [default: the day of SOURCE_DATE_EPOCH].
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
    /// Build shard I of N: the partners whose id hashes to I (64-bit FNV-1a of the
    /// id, modulo N, plus 1); shard 1 also builds the brand pages. Join the shards'
    /// manifests with `refkit merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub cache: CacheArgs,
}

/// Options of `refkit merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
    /// Where to write the project-wide public files (`_redirects`) [default:
    /// <root>/public-merged].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Where to write the joined manifest [default: <root>/manifest].
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// The manifest folder of every shard, in any order.
    #[arg(required = true, value_name = "SHARD_MANIFEST")]
    pub shards: Vec<PathBuf>,
    /// Print a JSON report on stdout, as `build --json` does.
    #[arg(long)]
    pub json: bool,
}

/// Options of `refkit serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; anything but 127.0.0.1 exposes the preview to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Poll for changes instead of using file system events (network drives, containers).
    #[arg(long)]
    pub poll: bool,
    /// Build the pitch kits too (slower; off by default in the preview).
    #[arg(long)]
    pub kits: bool,
    /// Let the browser editor at /admin/ save into content/ on this machine (loopback only).
    #[arg(long)]
    pub cms: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub cache: CacheArgs,
}

/// Report formats of `refkit check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text with the offending lines.
    Human,
    /// One JSON document on stdout.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

/// Options of `refkit check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
    /// How to report problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Options of `refkit cms`.
#[derive(Debug, clap::Args)]
pub struct CmsArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
}

/// Options of `refkit translations`.
#[derive(Debug, clap::Args)]
pub struct TranslationsArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub root: RootArg,
    /// Record the current source of this story or page as translated.
    #[arg(long, value_name = "SLUG")]
    pub mark: Option<String>,
}

/// What `refkit new` creates.
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// A story in every language of the site.
    Story {
        /// The story's slug (lowercase ASCII letters, digits, hyphens).
        slug: String,
        #[command(flatten)]
        #[allow(missing_docs)]
        root: RootArg,
    },
    /// A partner appended to content/partners.yaml, with a fresh unique code.
    Partner {
        /// The partner's id (lowercase ASCII letters, digits, hyphens).
        id: String,
        /// The partner's market.
        #[arg(long)]
        market: String,
        /// The partner's display name [default: from the id].
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        #[allow(missing_docs)]
        root: RootArg,
    },
}

/// Options of `refkit init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create (must not exist, or be empty).
    pub dir: PathBuf,
}
