//! `refkit deploy --folder DIR`: the files one host serves, gathered into a folder
//! (the GitHub Pages artifact when `kits_base_url` puts kit files elsewhere).
//!
//! The folder is assembled beside its final place and swapped in whole, as a build's
//! output is; files are hard links into `public/` where the file system allows.

use std::fs;
use std::path::Path;

use super::local::LocalFile;
use super::{folder_place, DeployOptions, DeployReport};
use crate::base::diagnostics::{display_path, Error, Result};
use crate::model::deploy::Files;
use crate::output::MARKER;

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
    let exists = folder.exists();
    if exists && !folder.join(MARKER).is_file() && !is_empty(folder)? {
        return Err(Error::Usage(format!(
            "--folder {}: it holds files refkit did not write; name a new or empty folder",
            display_path(folder)
        )));
    }
    let bytes: u64 = local.iter().map(|f| f.size).sum();
    let mut report = DeployReport {
        target: "folder".to_owned(),
        place: folder_place(folder),
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
    let name = folder
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::Usage(format!("--folder {}: name a folder", folder.display())))?;
    let parent = match folder.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let staging = parent.join(format!(".{name}.refkit-partial"));
    let old = parent.join(format!(".{name}.refkit-old"));
    for leftover in [&staging, &old] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(|e| Error::io("remove", leftover, e))?;
        }
    }
    fs::create_dir_all(&staging).map_err(|e| Error::io("create", &staging, e))?;
    for file in local {
        let from = public.join(&file.rel);
        let to = staging.join(&file.rel);
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
        }
        if fs::hard_link(&from, &to).is_err() {
            fs::copy(&from, &to).map_err(|e| Error::io("copy", &from, e))?;
        }
    }
    fs::write(
        staging.join(MARKER),
        "This folder is written by refkit deploy --folder. It is replaced on every deploy.\n",
    )
    .map_err(|e| Error::io("write", staging.join(MARKER), e))?;
    if exists {
        fs::rename(folder, &old).map_err(|e| Error::io("move aside", folder, e))?;
    }
    fs::rename(&staging, folder).map_err(|e| Error::io("rename", &staging, e))?;
    if exists {
        fs::remove_dir_all(&old).map_err(|e| Error::io("remove", &old, e))?;
    }
    Ok(report)
}

fn is_empty(dir: &Path) -> Result<bool> {
    let mut entries = fs::read_dir(dir).map_err(|e| Error::io("read", dir, e))?;
    Ok(entries.next().is_none())
}
