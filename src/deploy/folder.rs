//! `refkit deploy --folder DIR`: the files one host serves, gathered into a folder
//! (the GitHub Pages artifact when `kits_base_url` puts kit files elsewhere).
//!
//! The folder is assembled beside its final place and swapped in whole, as a build's
//! output is (`output::gather`); files are hard links into `public/` where the file
//! system allows. Like an output folder, it is replaced only if refkit wrote it or it
//! is empty.

use std::path::Path;

use super::local::LocalFile;
use super::{DeployOptions, DeployReport};
use crate::base::diagnostics::{display_path, Error, Result};
use crate::model::deploy::Files;

pub(super) fn gather(
    options: &DeployOptions,
    public: &Path,
    folder: &Path,
    files: Files,
    local: &[LocalFile],
) -> Result<DeployReport> {
    crate::output::guard::check_output_folder(
        &options.root,
        folder,
        "--folder",
        options.home.as_deref(),
    )?;
    let resolved = crate::output::guard::resolve(folder);
    let public_resolved = crate::output::guard::resolve(public);
    if resolved.starts_with(&public_resolved) || public_resolved.starts_with(&resolved) {
        return Err(Error::Usage(format!(
            "--folder {}: it overlaps the built site {}; name a folder of its own, e.g. _site",
            display_path(folder),
            display_path(public)
        )));
    }
    let bytes: u64 = local.iter().map(|f| f.size).sum();
    let mut report = DeployReport {
        target: "folder".to_owned(),
        place: display_path(folder),
        files: files.word(),
        dry_run: options.dry_run,
        objects: local.len(),
        bytes,
        uploaded: local.len(),
        uploaded_bytes: bytes,
        ..DeployReport::default()
    };
    if options.dry_run {
        report.actions = local.iter().map(|f| format!("write  {}", f.rel)).collect();
        return Ok(report);
    }
    let rels: Vec<String> = local.iter().map(|f| f.rel.clone()).collect();
    crate::output::gather(folder, public, &rels)?;
    Ok(report)
}
