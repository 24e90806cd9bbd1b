//! `refkit deploy`: publish the last build's `public/` to S3-compatible storage,
//! uploading only what changed, or gather the files one host serves into a folder
//! (the GitHub Pages artifact when kits live on their own host).
//!
//! A bucket deploy lists the objects under the target's prefix, compares each
//! built file's size and MD5 with the object's size and ETag ([`plan::Plan`]), and
//! then works in three steps, each finished before the next: new and changed assets
//! and kit files, then pages, then (with `--delete`) objects no longer built. A
//! reader therefore never gets a page linking to a file not uploaded yet. Every
//! upload is a single `PUT`, which the store applies whole or not at all, so a deploy
//! killed half-way leaves some objects new and some old, and the next deploy, which
//! compares again, uploads the rest.

mod folder;
mod local;
mod plan;
mod remote;

use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::base::diagnostics::{Error, Result};
use crate::model::deploy::{Files, Target};
use crate::model::settings::Settings;

/// What `refkit deploy` was asked.
#[derive(Debug)]
pub(crate) struct DeployOptions {
    /// The project folder.
    pub(crate) root: PathBuf,
    /// The built site [default: `<root>/public`].
    pub(crate) public: Option<PathBuf>,
    /// The target's name; may be left out when `site.yaml` has one target.
    pub(crate) target: Option<String>,
    /// Gather into this folder instead of a bucket.
    pub(crate) folder: Option<PathBuf>,
    /// Which files, overriding the target's `files:`.
    pub(crate) files: Option<Files>,
    /// Say what would happen; change nothing.
    pub(crate) dry_run: bool,
    /// Delete objects no longer built.
    pub(crate) delete: bool,
    /// Uploads at once.
    pub(crate) jobs: usize,
    /// Refuse when the selected files together exceed this many bytes.
    pub(crate) max_bytes: Option<u64>,
    /// Show a progress bar.
    pub(crate) progress: bool,
    /// Credentials from the environment.
    pub(crate) credentials: crate::base::env::StorageCredentials,
    /// `HOME`, which a `--folder` may not be.
    pub(crate) home: Option<PathBuf>,
}

/// What a deploy did (or, with `--dry-run`, would do).
#[derive(Debug, Default)]
pub(crate) struct DeployReport {
    /// The target's name, or `folder`.
    pub(crate) target: String,
    /// Where: `s3://bucket/prefix` or the folder.
    pub(crate) place: String,
    /// The files published.
    pub(crate) files: &'static str,
    /// Nothing was changed.
    pub(crate) dry_run: bool,
    /// Files built for this target.
    pub(crate) objects: usize,
    /// Their bytes.
    pub(crate) bytes: u64,
    /// Objects uploaded (or written to the folder).
    pub(crate) uploaded: usize,
    /// Their bytes.
    pub(crate) uploaded_bytes: u64,
    /// Objects left as they were.
    pub(crate) unchanged: usize,
    /// Their bytes.
    pub(crate) unchanged_bytes: u64,
    /// Objects deleted.
    pub(crate) deleted: usize,
    /// Objects no longer built, kept for want of `--delete`.
    pub(crate) kept: usize,
    /// Objects whose listing gave no MD5, so each was asked for its digest (a HEAD).
    pub(crate) asked: usize,
    /// One line per action (`upload new kits/…`), for `--dry-run`.
    pub(crate) actions: Vec<String>,
    /// Wall time.
    pub(crate) seconds: f64,
}

impl DeployReport {
    /// The summary line.
    pub(crate) fn line(&self) -> String {
        let verb = if self.dry_run {
            "would deploy"
        } else {
            "deployed"
        };
        let mut line = format!(
            "{verb} {} files to {} ({}): {} uploaded ({}), {} unchanged, {} deleted",
            self.files,
            self.target,
            self.place,
            self.uploaded,
            size(self.uploaded_bytes),
            self.unchanged,
            self.deleted,
        );
        if self.kept > 0 {
            line.push_str(&format!(
                ", {} no longer built kept (--delete removes them)",
                self.kept
            ));
        }
        line.push_str(&format!(" in {:.2} s", self.seconds));
        line
    }

    /// The `--json` report: the same figures, no credentials (there are none in it).
    pub(crate) fn json(&self) -> String {
        serde_json::json!({
            "target": self.target,
            "place": self.place,
            "files": self.files,
            "dry_run": self.dry_run,
            "objects": self.objects,
            "bytes": self.bytes,
            "uploaded": { "objects": self.uploaded, "bytes": self.uploaded_bytes },
            "unchanged": { "objects": self.unchanged, "bytes": self.unchanged_bytes },
            "deleted": { "objects": self.deleted },
            "kept": { "objects": self.kept },
            "asked": { "objects": self.asked },
            "seconds": (self.seconds * 1000.0).round() / 1000.0,
        })
        .to_string()
    }
}

/// Runs a deploy.
pub(crate) fn deploy(options: &DeployOptions) -> Result<DeployReport> {
    let started = Instant::now();
    let settings = crate::load::sources::settings(&options.root)?;
    let public = options
        .public
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    // No build may swap public/ while it is read.
    let _lock = crate::output::OutputLock::acquire(&public)?;
    let mut report = match &options.folder {
        Some(folder) => {
            let files = options
                .files
                .unwrap_or(if settings.kits_base_url.is_some() {
                    Files::Site
                } else {
                    Files::All
                });
            let local = local::scan(&public, files, true)?;
            check_size(&local, options.max_bytes, &settings, files)?;
            folder::gather(options, &public, folder, files, &local)?
        }
        None => {
            let target = pick_target(&settings, options.target.as_deref())?;
            let files = options.files.unwrap_or(target.files);
            let local = local::scan(&public, files, false)?;
            check_size(&local, options.max_bytes, &settings, files)?;
            to_bucket(options, &public, target, files, &local)?
        }
    };
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn pick_target<'a>(settings: &'a Settings, name: Option<&str>) -> Result<&'a Target> {
    let names = || {
        settings
            .deploy
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(name) => settings.deploy.iter().find(|t| t.name == name).ok_or_else(|| {
            Error::Usage(if settings.deploy.is_empty() {
                format!("--target {name}: site.yaml has no `deploy:` targets; the README (\"Publishing to object storage\") shows one")
            } else {
                format!("--target {name}: site.yaml has no such target; it has: {}", names())
            })
        }),
        None => match settings.deploy.as_slice() {
            [one] => Ok(one),
            [] => Err(Error::Usage(
                "site.yaml has no `deploy:` targets: add one (the README's \"Publishing to object storage\" shows how), or gather the files into a folder with --folder DIR".into(),
            )),
            _ => Err(Error::Usage(format!(
                "site.yaml has several deploy targets; choose one with --target: {}",
                names()
            ))),
        },
    }
}

/// Refuses a selection over `--max-size`, saying what to do instead.
fn check_size(
    local: &[local::LocalFile],
    max_bytes: Option<u64>,
    settings: &Settings,
    files: Files,
) -> Result<()> {
    let Some(max) = max_bytes else {
        return Ok(());
    };
    let total: u64 = local.iter().map(|f| f.size).sum();
    if total <= max {
        return Ok(());
    }
    let kits: u64 = local
        .iter()
        .filter(|f| crate::model::deploy::is_kit_file(&f.rel))
        .map(|f| f.size)
        .sum();
    let instead = match settings.deploy.iter().find(|t| t.files == Files::Kits) {
        Some(t) if settings.kits_base_url.is_some() => format!(
            "publish the kits with `refkit deploy --target {}` and this folder with --files site",
            t.name
        ),
        Some(t) => format!(
            "set kits_base_url in site.yaml to where target `{}` is served, so the site leaves its kits there",
            t.name
        ),
        None => "put the kits on object storage: set kits_base_url in site.yaml and add a deploy target with `files: kits` (README: \"Publishing to object storage\")".to_owned(),
    };
    Err(Error::Usage(format!(
        "the {} files come to {}, over the limit of {} (--max-size; GitHub Pages takes at most 1 GB); {} of it is kit files: {instead}",
        files.word(),
        size(total),
        size(max),
        size(kits),
    )))
}

fn to_bucket(
    options: &DeployOptions,
    public: &std::path::Path,
    target: &Target,
    files: Files,
    local: &[local::LocalFile],
) -> Result<DeployReport> {
    let bucket = remote::Bucket::open(target, &options.credentials)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("start", "the upload threads", e))?;
    runtime.block_on(async {
        let mut remote = bucket.list().await?;
        // Objects listed without an MD5 ETag, where a file of the same size is built:
        // their digest comes from a HEAD each.
        let sizes: std::collections::BTreeMap<&str, u64> =
            local.iter().map(|f| (f.rel.as_str(), f.size)).collect();
        let unsure: Vec<String> = remote
            .iter()
            .filter(|(rel, o)| {
                sizes.get(rel.as_str()) == Some(&o.size)
                    && !o.etag.as_deref().is_some_and(remote::is_md5)
            })
            .map(|(rel, _)| rel.clone())
            .collect();
        let asked = unsure.len();
        if !unsure.is_empty() {
            for (rel, digest) in bucket.digests(&unsure, options.jobs).await? {
                if let Some(object) = remote.get_mut(&rel) {
                    object.etag = Some(digest);
                }
            }
        }
        let plan = plan::Plan::new(local, &remote, options.delete);
        let mut report = DeployReport {
            target: target.name.clone(),
            place: bucket.place().to_owned(),
            files: files.word(),
            dry_run: options.dry_run,
            objects: local.len(),
            bytes: local.iter().map(|f| f.size).sum(),
            unchanged: plan.unchanged,
            unchanged_bytes: plan.unchanged_bytes,
            kept: plan.kept.len(),
            asked,
            uploaded: plan.assets.len() + plan.pages.len(),
            uploaded_bytes: plan.upload_bytes(),
            deleted: plan.deletes.len(),
            ..DeployReport::default()
        };
        if options.dry_run {
            for upload in plan.uploads() {
                report.actions.push(format!(
                    "upload {:<7} {} ({})",
                    upload.reason.word(),
                    upload.file.rel,
                    size(upload.file.size)
                ));
            }
            for key in &plan.deletes {
                report.actions.push(format!("delete          {key}"));
            }
            return Ok(report);
        }
        let bar = progress_bar(options.progress, plan.upload_bytes());
        let done = |bytes: u64| bar.inc(bytes);
        bar.set_message("assets");
        bucket
            .upload(public, &plan.assets, options.jobs, &done)
            .await?;
        bar.set_message("pages");
        bucket
            .upload(public, &plan.pages, options.jobs, &done)
            .await?;
        if !plan.deletes.is_empty() {
            bar.set_message("deleting");
            bucket.delete(&plan.deletes, &|_| {}).await?;
        }
        bar.finish_and_clear();
        Ok(report)
    })
}

fn progress_bar(show: bool, bytes: u64) -> ProgressBar {
    if !show || bytes == 0 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(bytes);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg:>9} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Bytes for people: `812 B`, `3.4 MiB`, `3.84 GiB`.
pub(crate) fn size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KIB {
        format!("{bytes} B")
    } else if b < KIB * KIB {
        format!("{:.1} KiB", b / KIB)
    } else if b < KIB * KIB * KIB {
        format!("{:.1} MiB", b / KIB / KIB)
    } else {
        format!("{:.2} GiB", b / KIB / KIB / KIB)
    }
}

/// Parses `--max-size`: a number of bytes with an optional unit (`1GB`, `1GiB`,
/// `500MB`, `750MiB`).
pub(crate) fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let digits = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write e.g. 1GB or 750MiB"))?;
    let unit = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => {
            return Err(format!(
                "`{text}`: the unit must be B, KB, MB, GB, KiB, MiB or GiB"
            ))
        }
    };
    Ok((number * unit).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_both_units() {
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("1 GiB"), Ok(1 << 30));
        assert_eq!(parse_size("750MiB"), Ok(750 << 20));
        assert_eq!(parse_size("42"), Ok(42));
        assert!(parse_size("big").is_err());
        assert!(parse_size("1TB").is_err());
        assert_eq!(size(3 << 30), "3.00 GiB");
        assert_eq!(size(1536), "1.5 KiB");
    }
}
