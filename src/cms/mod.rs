//! The browser editor: `refkit cms` writes `static/admin/` (the editor's page and its
//! configuration, made from the project), `refkit check` fails when a committed copy
//! no longer matches, and `refkit serve --cms` answers the editor's local backend.
//!
//! The editor is Decap CMS, loaded at a pinned version with a Subresource Integrity
//! hash. Its `multiple_files` layout saves `<slug>.<lang>.md`, refkit's own pairing,
//! so the editor needs no adapter: only a configuration that says what the project
//! already knows (languages, markets, channels, banners, the registry's rules).

pub(crate) mod backend;
mod config;
mod yaml;

use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Diagnostic, Error, Result};
use crate::base::files;
use crate::base::vocab::{BANNERS_DIR, STATIC_DIR, THEMES_DIR};
use crate::model::settings::Settings;

pub(crate) use self::config::Saving;

/// Where `refkit cms` writes, relative to the project root; the build copies it to
/// `/admin/` like any static file.
pub(crate) const ADMIN_DIR: &str = "static/admin";
/// The editor's page.
pub(crate) const INDEX_FILE: &str = "index.html";
/// The editor's configuration.
pub(crate) const CONFIG_FILE: &str = "config.yml";
/// The Decap CMS release the page loads.
pub(crate) const DECAP_VERSION: &str = "3.16.3";
/// The release's `dist/decap-cms.js`, as npm's tarball holds it: SHA-384, base64.
pub(crate) const DECAP_INTEGRITY: &str =
    "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p";

/// The address the page loads the editor from.
pub(crate) fn decap_url() -> String {
    format!("https://unpkg.com/decap-cms@{DECAP_VERSION}/dist/decap-cms.js")
}

/// The editor's two files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Admin {
    /// `index.html`.
    pub index: String,
    /// `config.yml`.
    pub config: String,
}

impl Admin {
    /// The files with their paths relative to the project root.
    pub(crate) fn files(&self) -> [(PathBuf, &str); 2] {
        [
            (Path::new(ADMIN_DIR).join(INDEX_FILE), self.index.as_str()),
            (Path::new(ADMIN_DIR).join(CONFIG_FILE), self.config.as_str()),
        ]
    }
}

/// The editor for the project at `root`, saving as `saving` says.
pub(crate) fn admin(root: &Path, settings: &Settings, saving: &Saving<'_>) -> Result<Admin> {
    let found = find(root, settings)?;
    Ok(Admin {
        index: index_html(settings, &found),
        config: config::config(settings, &found, saving),
    })
}

/// The editor as `refkit cms` writes it: saving to the git host of `cms:`.
pub(crate) fn committed(root: &Path, settings: &Settings) -> Result<Admin> {
    let cms = settings.cms.as_ref().ok_or_else(|| {
        Error::Content(vec![Diagnostic::error(
            Path::new(crate::base::vocab::SETTINGS_FILE),
            "site.yaml has no `cms:` block, so the editor would not know where to save",
        )
        .help("add `cms:` with `backend: github` and `repo: owner/name` (README, \"Editing in the browser\"); `refkit serve --cms` works without it")])
    })?;
    admin(root, settings, &Saving::Git(cms))
}

/// Banners a story can show, and the stylesheets the preview uses.
fn find(root: &Path, settings: &Settings) -> Result<config::Found> {
    let mut found = config::Found::default();
    let banners = root.join(BANNERS_DIR);
    for (path, _) in files::files_under(root, &banners)? {
        let rel = path.strip_prefix(&banners).unwrap_or(&path);
        let name = rel.to_string_lossy().replace('\\', "/");
        let ext = name
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !name.contains('/') && matches!(ext.as_str(), "svg" | "png" | "jpg" | "jpeg") {
            found.banners.push(name);
        }
    }
    let mut styles = std::collections::BTreeSet::new();
    let theme_static = root.join(THEMES_DIR).join(&settings.theme).join(STATIC_DIR);
    let project_static = root.join(STATIC_DIR);
    for dir in [&theme_static, &project_static] {
        for (path, _) in files::files_under(root, dir)? {
            let rel = path.strip_prefix(dir).unwrap_or(&path);
            let rel = rel.to_string_lossy().replace('\\', "/");
            if rel.ends_with(".css") && !rel.starts_with("admin/") {
                styles.insert(rel);
            }
        }
    }
    found.styles = styles
        .into_iter()
        .map(|rel| format!("{}{rel}", settings.base_path))
        .collect();
    Ok(found)
}

/// Text for an HTML attribute or element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn index_html(settings: &Settings, found: &config::Found) -> String {
    let mut styles = String::new();
    for style in &found.styles {
        // JSON string escapes are valid in a script; `<` is escaped so no `</script>`.
        let quoted = serde_json::to_string(style)
            .unwrap_or_default()
            .replace('<', "\\u003c");
        styles.push_str(&format!("      CMS.registerPreviewStyle({quoted});\n"));
    }
    format!(
        r#"<!doctype html>
<!-- The browser editor, generated by `refkit cms`. Do not edit: run `refkit cms` again. -->
<html lang="{lang}">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>{title}: editor</title>
  </head>
  <body>
    <script src="{url}" integrity="{integrity}" crossorigin="anonymous"></script>
    <script>
{styles}    </script>
  </body>
</html>
"#,
        lang = escape(settings.default_language()),
        title = escape(&settings.title),
        url = decap_url(),
        integrity = DECAP_INTEGRITY,
    )
}

/// `refkit check`'s findings: each committed editor file that differs from what
/// `refkit cms` would write now, at its first differing line.
pub(crate) fn drift(root: &Path, settings: &Settings) -> Vec<Diagnostic> {
    let present: Vec<PathBuf> = [INDEX_FILE, CONFIG_FILE]
        .iter()
        .map(|f| Path::new(ADMIN_DIR).join(f))
        .filter(|p| root.join(p).exists())
        .collect();
    if present.is_empty() && settings.cms.is_none() {
        return Vec::new();
    }
    let admin = match committed(root, settings) {
        Ok(admin) => admin,
        Err(Error::Content(found)) => return found,
        Err(other) => {
            return vec![Diagnostic::error(Path::new(ADMIN_DIR), other.to_string())];
        }
    };
    let mut found = Vec::new();
    for (file, wanted) in admin.files() {
        let help = "run `refkit cms` to write it again from the project, and commit it";
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            found.push(Diagnostic::error(&file, "the browser editor's file is missing").help(help));
            continue;
        };
        if text != wanted {
            let line = text
                .lines()
                .zip(wanted.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| text.lines().count().min(wanted.lines().count()))
                + 1;
            found.push(
                Diagnostic::error(
                    &file,
                    "the browser editor's file no longer matches the project (site.yaml or content/ changed since `refkit cms`)",
                )
                .at(&text, line, 1)
                .help(help),
            );
        }
    }
    found
}
