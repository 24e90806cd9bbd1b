//! `refkit build`: compile the project; one summary line, or a JSON report for CI.

use std::io::IsTerminal;
use std::time::Instant;

use crate::base::dates::Date;
use crate::base::diagnostics::{Error, Result};
use crate::base::env::Environment;
use crate::build::{build, BuildOptions, BuildSummary, ImageCacheOptions};
use crate::cli::{BuildArgs, CacheArgs};
use crate::model::selection::Selection;
use crate::model::shard::Shard;

/// Runs `refkit build`.
pub fn run(args: BuildArgs) -> Result<()> {
    let started = Instant::now();
    let partners = Selection::parse(&args.partners).map_err(Error::Usage)?;
    let start = match &args.start {
        None => None,
        Some(text) => Some(Date::parse(text).ok_or_else(|| {
            Error::Usage(format!(
                "--start: `{text}` is not a date; write YYYY-MM-DD, e.g. 2026-09-01"
            ))
        })?),
    };
    let shard = match &args.shard {
        None => None,
        Some(text) => Some(Shard::parse(text).map_err(|e| Error::Usage(format!("--shard: {e}")))?),
    };
    let env = Environment::from_process();
    let image_cache = image_cache(&args.cache, &args.root.root, &env)?;
    let summary = build(&BuildOptions {
        root: args.root.root,
        out: args.out,
        manifest: args.manifest,
        base_url: args.base_url,
        env,
        skip_kits: false,
        progress: std::io::stderr().is_terminal() && !args.json,
        preview: false,
        cache: None,
        partners: partners.clone(),
        start,
        shard,
        image_cache,
    })?;
    let seconds = started.elapsed().as_secs_f64();
    for warning in &summary.warnings {
        eprintln!("{warning}");
    }
    if args.json {
        println!("{}", json_report(&summary, &partners, seconds));
    } else {
        eprintln!("{}", summary.line(seconds));
    }
    Ok(())
}

/// The image cache `build` and `serve` use: `--cache-dir`, else `REFKIT_CACHE_DIR`,
/// else `.refkit-cache/` under the project; none with `--no-cache`. A size limit
/// that is not a size is a usage error.
pub(crate) fn image_cache(
    args: &CacheArgs,
    root: &std::path::Path,
    env: &Environment,
) -> Result<Option<ImageCacheOptions>> {
    let max_bytes = crate::deploy::parse_size(&args.cache_size)
        .map_err(|why| Error::Usage(format!("--cache-size: {why}")))?;
    if args.no_cache {
        return Ok(None);
    }
    let mut options = ImageCacheOptions::under(root);
    if let Some(dir) = args.cache_dir.clone().or_else(|| env.cache_dir.clone()) {
        options.dir = dir;
    }
    options.max_bytes = max_bytes;
    Ok(Some(options))
}

/// The `--json` report: one JSON document for CI.
pub(crate) fn json_report(summary: &BuildSummary, selection: &Selection, seconds: f64) -> String {
    let stages: serde_json::Map<String, serde_json::Value> = summary
        .stages
        .iter()
        .map(|(name, s)| ((*name).to_owned(), serde_json::json!(round(*s))))
        .collect();
    let markets: serde_json::Map<String, serde_json::Value> = summary
        .markets
        .iter()
        .map(|(id, c)| {
            let counts = serde_json::json!({
                "partners": c.partners,
                "pages": c.pages,
                "kits": c.kits,
                "links": c.links,
            });
            (id.clone(), counts)
        })
        .collect();
    let partner_pages: usize = summary.markets.values().map(|c| c.pages).sum();
    let links_by_market: serde_json::Map<String, serde_json::Value> = summary
        .markets
        .iter()
        .map(|(id, c)| (id.clone(), serde_json::json!(c.links)))
        .collect();
    let report = serde_json::json!({
        "pages": summary.pages,
        "brand_pages": summary.pages.saturating_sub(partner_pages),
        "kits": summary.kits,
        "partners": summary.partners,
        "registry": summary.registry,
        "undated_cadences": summary.undated,
        "selection": if selection.is_all() { serde_json::Value::Null } else { serde_json::Value::from(selection.to_string()) },
        "files": summary.files,
        "bytes": summary.bytes,
        "links": { "total": summary.links, "by_market": links_by_market },
        "markets": markets,
        "stages": stages,
        "images": {
            "drawn": summary.images.drawn,
            "from_cache": summary.images.from_cache,
            "evicted": summary.images.evicted,
        },
        "seconds": round(seconds),
        "warnings": summary.warnings,
    });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}

fn round(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}
