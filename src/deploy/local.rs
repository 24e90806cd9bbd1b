//! The built files a deploy publishes: `public/` read once, each file with its size
//! and MD5 (the digest S3-compatible stores give back as a single-part upload's ETag).

use std::path::Path;

use md5::{Digest, Md5};
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::base::diagnostics::{display_path, Error, Result};
use crate::model::deploy::Files;
use crate::output::MARKER;

/// One built file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LocalFile {
    /// Path under `public/`, `/`-separated.
    pub(crate) rel: String,
    /// Size in bytes.
    pub(crate) size: u64,
    /// MD5 of its bytes, lowercase hex.
    pub(crate) md5: String,
}

/// Files only a Pages-style host reads (Netlify, Cloudflare Pages); object storage
/// would serve them as plain files, and `_redirects` lists every partner's code.
pub(crate) const HOST_RULE_FILES: [&str; 2] = ["_headers", "_redirects"];

/// Lists the files of `public` that `files` selects, sorted by path, with their
/// digests (read on every core). `host_rules` keeps `_headers` and `_redirects`.
pub(crate) fn scan(public: &Path, files: Files, host_rules: bool) -> Result<Vec<LocalFile>> {
    if !public.join(MARKER).is_file() {
        return Err(Error::Usage(format!(
            "{} is not a folder refkit built; run `refkit build` first (or pass --public)",
            display_path(public)
        )));
    }
    let mut found = Vec::new();
    for entry in WalkDir::new(public).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(public).to_path_buf();
            Error::io("read", path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(public) else {
            continue;
        };
        let Some(rel) = rel.to_str() else {
            return Err(Error::Usage(format!(
                "{}: the name is not UTF-8, so it has no object key",
                display_path(entry.path())
            )));
        };
        let rel = rel.replace('\\', "/");
        if rel == MARKER || (!host_rules && HOST_RULE_FILES.contains(&rel.as_str())) {
            continue;
        }
        if files.includes(&rel) {
            found.push(rel);
        }
    }
    let mut scanned: Vec<LocalFile> = found
        .into_par_iter()
        .map(|rel| {
            let path = public.join(&rel);
            let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
            Ok(LocalFile {
                size: bytes.len() as u64,
                md5: hex(&Md5::digest(&bytes)),
                rel,
            })
        })
        .collect::<Result<_>>()?;
    scanned.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(scanned)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_only_a_built_folder_and_leaves_host_rules_and_the_marker_out() {
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path();
        assert!(scan(public, Files::All, false).is_err());
        std::fs::write(public.join(MARKER), "x").unwrap();
        std::fs::write(public.join("_redirects"), "/r/a/ /x 302\n").unwrap();
        std::fs::create_dir_all(public.join("kits/t")).unwrap();
        std::fs::write(public.join("kits/t/a.zip"), b"").unwrap();
        std::fs::write(public.join("kits/t/index.html"), b"<p>").unwrap();
        std::fs::write(public.join("index.html"), b"hello").unwrap();
        let all = scan(public, Files::All, false).unwrap();
        let names: Vec<&str> = all.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(names, ["index.html", "kits/t/a.zip", "kits/t/index.html"]);
        assert_eq!(all[0].md5, "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(all[1].md5, "d41d8cd98f00b204e9800998ecf8427e");
        let kits = scan(public, Files::Kits, false).unwrap();
        assert_eq!(kits.len(), 1);
        let site = scan(public, Files::Site, true).unwrap();
        let names: Vec<&str> = site.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(names, ["_redirects", "index.html", "kits/t/index.html"]);
    }
}
