//! What a deploy does: the difference between the built files and the bucket, in the
//! order that never shows a reader a page linking to a missing file, and the headers
//! each object is stored with.

use std::collections::BTreeMap;

use super::local::LocalFile;
use crate::model::deploy::is_kit_file;

/// An object already in the bucket, under the target's prefix (key without it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RemoteObject {
    /// Size in bytes.
    pub(crate) size: u64,
    /// The ETag as listed, quotes removed, lowercase.
    pub(crate) etag: Option<String>,
}

/// Why a file is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    /// Not in the bucket.
    New,
    /// In the bucket with other bytes.
    Changed,
}

impl Reason {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::Changed => "changed",
        }
    }
}

/// One upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Upload {
    /// The file (its `rel` is the key under the prefix).
    pub(crate) file: LocalFile,
    /// New or changed.
    pub(crate) reason: Reason,
}

/// A deploy's work, in order: `assets`, then `pages`, then `deletes`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// New and changed files that pages link to: uploaded first.
    pub(crate) assets: Vec<Upload>,
    /// New and changed pages (and the sitemap): uploaded once every asset is there.
    pub(crate) pages: Vec<Upload>,
    /// Objects no longer built, removed last (only with `--delete`).
    pub(crate) deletes: Vec<String>,
    /// Objects no longer built that stay (without `--delete`).
    pub(crate) kept: Vec<String>,
    /// Files whose bytes the bucket already holds.
    pub(crate) unchanged: usize,
    /// Their bytes.
    pub(crate) unchanged_bytes: u64,
}

impl Plan {
    /// Compares `local` (sorted) with `remote`. An object is unchanged when its size
    /// and ETag match the file's size and MD5: S3, R2, B2 and MinIO give a
    /// single-part upload's MD5 as its ETag, and refkit uploads every file in one
    /// part. Where the listing gave no MD5 (a multipart upload, KMS encryption, a
    /// server that lists no ETags), the deploy asks each such object for the `md5`
    /// refkit stored in its metadata first; an object still without one counts as
    /// changed, so the file is uploaded again rather than trusted.
    pub(crate) fn new(
        local: &[LocalFile],
        remote: &BTreeMap<String, RemoteObject>,
        delete: bool,
    ) -> Plan {
        let mut plan = Plan::default();
        for file in local {
            let reason = match remote.get(&file.rel) {
                None => Reason::New,
                Some(object)
                    if object.size == file.size
                        && object.etag.as_deref() == Some(file.md5.as_str()) =>
                {
                    plan.unchanged += 1;
                    plan.unchanged_bytes += file.size;
                    continue;
                }
                Some(_) => Reason::Changed,
            };
            let upload = Upload {
                file: file.clone(),
                reason,
            };
            if is_page(&file.rel) {
                plan.pages.push(upload);
            } else {
                plan.assets.push(upload);
            }
        }
        let built: std::collections::BTreeSet<&str> =
            local.iter().map(|f| f.rel.as_str()).collect();
        for key in remote.keys() {
            if !built.contains(key.as_str()) {
                if delete {
                    plan.deletes.push(key.clone());
                } else {
                    plan.kept.push(key.clone());
                }
            }
        }
        plan
    }

    /// Uploads in their order: assets, then pages.
    pub(crate) fn uploads(&self) -> impl Iterator<Item = &Upload> {
        self.assets.iter().chain(&self.pages)
    }

    /// Bytes to upload.
    pub(crate) fn upload_bytes(&self) -> u64 {
        self.uploads().map(|u| u.file.size).sum()
    }
}

/// Pages go after the files they link to; the sitemap lists pages, so it goes with
/// them.
fn is_page(rel: &str) -> bool {
    rel.ends_with(".html") || rel == "sitemap.xml"
}

/// The normalised ETag of a listing: quotes and a weak prefix removed, lowercase.
pub(crate) fn normalise_etag(etag: &str) -> String {
    etag.trim_start_matches("W/")
        .trim_matches('"')
        .to_ascii_lowercase()
}

/// `Cache-Control` for the object `rel`:
/// - site pages, the sitemap and robots.txt: a minute, then revalidated, so a
///   deploy shows within a minute;
/// - kit and results pages (under `kits/`): `private, no-cache`. No shared cache
///   keeps a partner's own page or figures, and the browser checks for a new build
///   on every visit;
/// - files whose name carries a content hash (`app.3f9a2c1d.css`): a year, immutable;
/// - kit files (zips, drafts, images): five minutes, revalidated, because a build
///   gives a kit new bytes under the same name;
/// - other files (stylesheets, fonts, banners): an hour.
pub(crate) fn cache_control(rel: &str) -> &'static str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if rel.ends_with(".html") {
        if rel.starts_with("kits/") {
            "private, no-cache"
        } else {
            "public, max-age=60, must-revalidate"
        }
    } else if matches!(
        name,
        "sitemap.xml" | "robots.txt" | "_headers" | "_redirects"
    ) {
        "public, max-age=60, must-revalidate"
    } else if is_fingerprinted(name) {
        "public, max-age=31536000, immutable"
    } else if is_kit_file(rel) {
        "public, max-age=300, must-revalidate"
    } else {
        "public, max-age=3600"
    }
}

/// A file name with a part of at least eight hex digits, some of them letters and
/// some digits, between dots or after a hyphen before the extension: `app.3f9a2c1d.css`,
/// `font-8c2e5a1f09.woff2`.
fn is_fingerprinted(name: &str) -> bool {
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) => stem,
        None => return false,
    };
    let part = stem.rsplit(['.', '-']).next().unwrap_or_default();
    part.len() >= 8
        && part.len() < stem.len()
        && part
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && part.bytes().any(|b| b.is_ascii_digit())
        && part.bytes().any(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, body: &str) -> LocalFile {
        LocalFile {
            rel: rel.to_owned(),
            size: body.len() as u64,
            md5: format!("md5-of-{body}"),
        }
    }

    fn object(body: &str) -> RemoteObject {
        RemoteObject {
            size: body.len() as u64,
            etag: Some(format!("md5-of-{body}")),
        }
    }

    #[test]
    fn uploads_what_changed_assets_before_pages_and_deletes_only_when_asked() {
        let local = vec![
            file("a/index.html", "page"),
            file("assets/site.css", "css2"),
            file("kits/t/k.zip", "zip"),
            file("sitemap.xml", "map"),
        ];
        let mut remote = BTreeMap::new();
        remote.insert("assets/site.css".to_owned(), object("css1"));
        remote.insert("kits/t/k.zip".to_owned(), object("zip"));
        remote.insert("kits/gone/k.zip".to_owned(), object("old"));
        let plan = Plan::new(&local, &remote, false);
        let order: Vec<(&str, Reason)> = plan
            .uploads()
            .map(|u| (u.file.rel.as_str(), u.reason))
            .collect();
        assert_eq!(
            order,
            [
                ("assets/site.css", Reason::Changed),
                ("a/index.html", Reason::New),
                ("sitemap.xml", Reason::New),
            ]
        );
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.unchanged_bytes, 3);
        assert!(plan.deletes.is_empty());
        assert_eq!(plan.kept, ["kits/gone/k.zip"]);
        let plan = Plan::new(&local, &remote, true);
        assert_eq!(plan.deletes, ["kits/gone/k.zip"]);
        assert!(plan.kept.is_empty());
    }

    #[test]
    fn a_size_or_etag_that_differs_or_is_no_md5_means_upload() {
        let local = vec![file("a.png", "png")];
        for etag in [None, Some("0123-2".to_owned())] {
            let mut remote = BTreeMap::new();
            remote.insert("a.png".to_owned(), RemoteObject { size: 3, etag });
            assert_eq!(Plan::new(&local, &remote, false).assets.len(), 1);
        }
        let mut remote = BTreeMap::new();
        remote.insert(
            "a.png".to_owned(),
            RemoteObject {
                size: 4,
                etag: Some("md5-of-png".to_owned()),
            },
        );
        assert_eq!(Plan::new(&local, &remote, false).assets.len(), 1);
    }

    #[test]
    fn etags_lose_quotes_and_case() {
        assert_eq!(normalise_etag("\"D41D8CD9\""), "d41d8cd9");
        assert_eq!(normalise_etag("W/\"abc\""), "abc");
    }

    #[test]
    fn cache_control_is_short_for_pages_private_for_kits_and_long_for_hashed_names() {
        assert_eq!(
            cache_control("en/index.html"),
            "public, max-age=60, must-revalidate"
        );
        assert_eq!(cache_control("kits/t/index.html"), "private, no-cache");
        assert_eq!(
            cache_control("kits/t/ru/results/index.html"),
            "private, no-cache"
        );
        assert_eq!(
            cache_control("kits/t/k-en.zip"),
            "public, max-age=300, must-revalidate"
        );
        assert_eq!(
            cache_control("assets/app.3f9a2c1d.css"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("fonts/inter-8c2e5a1f09.woff2"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("assets/harbor.css"), "public, max-age=3600");
        assert_eq!(
            cache_control("banners/deadbeef.png"),
            "public, max-age=3600"
        );
        assert_eq!(
            cache_control("banners/banner-trust-en-1200x630.png"),
            "public, max-age=3600"
        );
        assert_eq!(
            cache_control("sitemap.xml"),
            "public, max-age=60, must-revalidate"
        );
    }
}
