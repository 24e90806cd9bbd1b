//! Where `refkit deploy` publishes: the `deploy:` targets and `kits_base_url` of
//! `site.yaml`.
//!
//! A target is an S3-compatible bucket (AWS S3, Cloudflare R2, Backblaze B2, MinIO).
//! Its credentials never live in the project: they come from the environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), which CI fills
//! from its secrets. A key that looks like a credential in `site.yaml` is an error.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::base::diagnostics::{Diagnostic, Report};
use crate::base::vocab::SETTINGS_FILE;
use crate::model::scheme::check_absolute_url;

/// One entry of `deploy:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTarget {
    #[serde(default)]
    endpoint: Option<Spanned<String>>,
    #[serde(default)]
    region: Option<Spanned<String>>,
    bucket: Spanned<String>,
    #[serde(default)]
    prefix: Option<Spanned<String>>,
    #[serde(default)]
    path_style: Option<bool>,
    #[serde(default)]
    files: Option<Spanned<String>>,
    // Read only to refuse them: credentials come from the environment.
    #[serde(default)]
    access_key_id: Option<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    secret_access_key: Option<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    session_token: Option<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    access_key: Option<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    secret_key: Option<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    secret: Option<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    password: Option<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    token: Option<Spanned<serde::de::IgnoredAny>>,
    #[serde(default)]
    credentials: Option<Spanned<serde::de::IgnoredAny>>,
}

/// Which of the built files a target publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    /// Everything in `public/`.
    All,
    /// Everything but the kit files: what the site's host serves when
    /// `kits_base_url` puts kit files elsewhere.
    Site,
    /// The kit files alone: zips, e-mail drafts and images under `kits/`.
    Kits,
}

impl Files {
    /// The words `files:` and `--files` accept.
    pub const WORDS: [&'static str; 3] = ["all", "site", "kits"];

    /// The selection named `word`.
    pub fn parse(word: &str) -> Option<Files> {
        match word {
            "all" => Some(Files::All),
            "site" => Some(Files::Site),
            "kits" => Some(Files::Kits),
            _ => None,
        }
    }

    /// The word for this selection.
    pub fn word(self) -> &'static str {
        match self {
            Files::All => "all",
            Files::Site => "site",
            Files::Kits => "kits",
        }
    }

    /// Whether the output file `rel` (relative to `public/`, `/`-separated) belongs to
    /// this selection. Kit files are what `kits_base_url` serves: every file under
    /// `kits/` but the kit and results pages, which stay with the site's stylesheet.
    pub fn includes(self, rel: &str) -> bool {
        match self {
            Files::All => true,
            Files::Kits => is_kit_file(rel),
            Files::Site => !is_kit_file(rel),
        }
    }
}

/// Whether `rel` is a kit file: under `kits/` and not a page.
pub(crate) fn is_kit_file(rel: &str) -> bool {
    rel.starts_with("kits/") && !rel.ends_with(".html")
}

/// A checked deploy target.
#[derive(Debug, Clone)]
pub struct Target {
    /// Its name under `deploy:`, given to `--target`.
    pub name: String,
    /// The S3 endpoint, e.g. `https://<account>.r2.cloudflarestorage.com`; `None`
    /// for AWS S3 itself.
    pub endpoint: Option<String>,
    /// The signing region (`auto` for R2); `us-east-1` when not set.
    pub region: String,
    /// The bucket.
    pub bucket: String,
    /// The key prefix everything goes under, without slashes at either end; empty for
    /// the bucket's root.
    pub prefix: String,
    /// Path-style addressing (`endpoint/bucket/key`) instead of virtual-hosted
    /// (`bucket.endpoint/key`).
    pub path_style: bool,
    /// Which files it publishes.
    pub files: Files,
}

/// Checks `deploy:` (and whether a target says which files it takes when
/// `kits_base_url` splits them).
pub(crate) fn check_targets(
    raw: &BTreeMap<String, Spanned<RawTarget>>,
    split: bool,
    text: &str,
    report: &mut Report,
) -> Vec<Target> {
    let at = |l: serde_saphyr::Location, message: String| at_location(text, l, message);
    let mut targets = Vec::new();
    for (name, entry) in raw {
        let t = &entry.value;
        let mut ok = true;
        if !crate::base::slug::is_slug(name) {
            report.push(
                at(
                    entry.referenced,
                    format!("deploy target name `{name}` is not a slug"),
                )
                .help("use lowercase ASCII letters, digits and hyphens, e.g. `r2`"),
            );
            ok = false;
        }
        if !refuse_credentials(name, t, text, report) {
            ok = false;
        }
        let endpoint = match &t.endpoint {
            None => None,
            Some(e) => match check_endpoint(&e.value) {
                Ok(url) => Some(url),
                Err(why) => {
                    report.push(
                        at(e.referenced, format!("endpoint of deploy target `{name}` {why}"))
                            .help("write the storage's S3 address, e.g. https://<account>.r2.cloudflarestorage.com; plain http is only for a server on this machine"),
                    );
                    ok = false;
                    None
                }
            },
        };
        let region = match &t.region {
            None => "us-east-1".to_owned(),
            Some(r) if is_region_word(&r.value) => r.value.clone(),
            Some(r) => {
                report.push(
                    at(
                        r.referenced,
                        format!("`{}` is not a storage region", r.value),
                    )
                    .help("write the region as the storage names it, e.g. us-east-1, or auto for Cloudflare R2"),
                );
                ok = false;
                String::new()
            }
        };
        if !is_bucket_name(&t.bucket.value) {
            report.push(
                at(
                    t.bucket.referenced,
                    format!("`{}` is not a bucket name", t.bucket.value),
                )
                .help("bucket names are 3 to 63 lowercase letters, digits, dots and hyphens"),
            );
            ok = false;
        }
        let prefix = match &t.prefix {
            None => String::new(),
            Some(p) => match check_prefix(&p.value) {
                Some(prefix) => prefix,
                None => {
                    report.push(
                        at(p.referenced, format!("`{}` is not a key prefix refkit accepts", p.value))
                            .help("use folder names of letters, digits, `-`, `_` and `.` separated by `/`, e.g. partners/kits; no `..`"),
                    );
                    ok = false;
                    String::new()
                }
            },
        };
        let files = match &t.files {
            None if split => {
                report.push(
                    at(entry.referenced, format!("deploy target `{name}` does not say which files it publishes, and kits_base_url puts kit files on their own host"))
                        .help("add `files: kits` for the kits' storage, or `files: site` or `files: all`"),
                );
                ok = false;
                Files::All
            }
            None => Files::All,
            Some(f) => match Files::parse(&f.value) {
                Some(files) => files,
                None => {
                    report.push(
                        at(
                            f.referenced,
                            format!("`{}` is not a choice of files", f.value),
                        )
                        .help(format!("use one of: {}", Files::WORDS.join(", "))),
                    );
                    ok = false;
                    Files::All
                }
            },
        };
        if ok {
            targets.push(Target {
                name: name.clone(),
                endpoint,
                region,
                bucket: t.bucket.value.clone(),
                prefix,
                path_style: t.path_style.unwrap_or(false),
                files,
            });
        }
    }
    targets
}

/// An error in site.yaml at `l`.
fn at_location(text: &str, l: serde_saphyr::Location, message: String) -> Diagnostic {
    Diagnostic::error(SETTINGS_FILE, message).at(text, l.line() as usize, l.column() as usize)
}

/// Reports every credential-looking key of target `name`, its line shown without its
/// value; true when there is none.
fn refuse_credentials(name: &str, t: &RawTarget, text: &str, report: &mut Report) -> bool {
    let mut clean = true;
    let secrets = [
        (
            "access_key_id",
            t.access_key_id.as_ref().map(|s| s.referenced),
        ),
        (
            "secret_access_key",
            t.secret_access_key.as_ref().map(|s| s.referenced),
        ),
        (
            "session_token",
            t.session_token.as_ref().map(|s| s.referenced),
        ),
        ("access_key", t.access_key.as_ref().map(|s| s.referenced)),
        ("secret_key", t.secret_key.as_ref().map(|s| s.referenced)),
        ("secret", t.secret.as_ref().map(|s| s.referenced)),
        ("password", t.password.as_ref().map(|s| s.referenced)),
        ("token", t.token.as_ref().map(|s| s.referenced)),
        ("credentials", t.credentials.as_ref().map(|s| s.referenced)),
    ];
    for (key, location) in secrets {
        if let Some(l) = location {
            let mut found = at_location(
                text,
                l,
                format!("deploy target `{name}` has `{key}`: credentials never go in site.yaml"),
            );
            // The line is shown without its value: the report may go to a CI log.
            found.snippet = found.snippet.map(|line| match line.split_once(':') {
                Some((before, _)) => format!("{before}: ***"),
                None => "***".to_owned(),
            });
            report.push(
                found
                    .help("delete it (and rotate the key: it is in your repository's history); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment or your CI's secrets instead"),
            );
            clean = false;
        }
    }
    clean
}

/// An endpoint: `https://…`, or `http://` to this machine (a test server).
fn check_endpoint(url: &str) -> Result<String, String> {
    check_absolute_url(url)?;
    let url = url.trim_end_matches('/');
    if let Some(rest) = url.strip_prefix("http://") {
        let host = rest.split(['/', ':']).next().unwrap_or_default();
        let loopback = rest.starts_with("[::1]") || host == "localhost" || host == "127.0.0.1";
        if !loopback {
            return Err(
                "uses plain http, which would send the site and its kits unencrypted".to_owned(),
            );
        }
    } else if !url.starts_with("https://") {
        return Err("is not an http(s) address".to_owned());
    }
    Ok(url.to_owned())
}

fn is_region_word(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 40
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_bucket_name(text: &str) -> bool {
    (3..=63).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && !text.starts_with(['.', '-'])
        && !text.ends_with(['.', '-'])
}

/// The prefix without slashes at its ends, if every segment is a plain name.
fn check_prefix(text: &str) -> Option<String> {
    let trimmed = text.trim_matches('/');
    if trimmed.is_empty() {
        return Some(String::new());
    }
    trimmed
        .split('/')
        .all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        .then(|| trimmed.to_owned())
}

/// Checks `kits_base_url`: an absolute https address, no query; returned without a
/// trailing slash.
pub(crate) fn check_kits_base_url(url: &str) -> Result<String, String> {
    check_absolute_url(url).map_err(|why| format!("kits_base_url {why}"))?;
    if url.contains(['?', '#']) {
        return Err(format!(
            "kits_base_url `{url}` must not have a query or fragment"
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kit_files_are_everything_under_kits_but_pages() {
        assert!(is_kit_file("kits/abc/harbor-en.zip"));
        assert!(is_kit_file("kits/abc/images/qr.png"));
        assert!(is_kit_file("kits/assets/dusk-1200x630.jpg"));
        assert!(!is_kit_file("kits/abc/index.html"));
        assert!(!is_kit_file("kits/abc/ru/results/index.html"));
        assert!(!is_kit_file("banners/a.png"));
        assert!(Files::Site.includes("kits/abc/index.html"));
        assert!(!Files::Site.includes("kits/abc/a.zip"));
        assert!(Files::All.includes("kits/abc/a.zip"));
    }

    #[test]
    fn endpoints_are_https_or_loopback() {
        assert!(check_endpoint("https://acc.r2.cloudflarestorage.com/").is_ok());
        assert!(check_endpoint("http://127.0.0.1:9000").is_ok());
        assert!(check_endpoint("http://localhost:9000").is_ok());
        assert!(check_endpoint("http://storage.example.com").is_err());
        assert!(check_endpoint("http://127.0.0.1.evil.example").is_err());
        assert!(check_endpoint("ftp://x").is_err());
    }

    #[test]
    fn prefixes_stay_inside_the_bucket() {
        assert_eq!(check_prefix("/site/"), Some("site".to_owned()));
        assert_eq!(check_prefix("a/b.c"), Some("a/b.c".to_owned()));
        assert_eq!(check_prefix(""), Some(String::new()));
        assert_eq!(check_prefix("a/../b"), None);
        assert_eq!(check_prefix("a//b"), None);
        assert_eq!(check_prefix("a b"), None);
    }

    #[test]
    fn bucket_names_follow_s3_rules() {
        assert!(is_bucket_name("polar-kits"));
        assert!(!is_bucket_name("Polar"));
        assert!(!is_bucket_name("ab"));
        assert!(!is_bucket_name("-ab"));
    }
}
