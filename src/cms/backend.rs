//! The editor's local backend, answered by refkit itself: the editor posts
//! `{ action, params }` and gets JSON back, as Decap's proxy backend expects. Every
//! path it names must lie under `content/`, be plain (no `..`, no hidden or empty
//! segments, no backslashes) and not pass through a symbolic link; anything else is
//! refused before a file is touched.
//!
//! The editor does not know about translation status, so saving keeps it: a
//! translation's `source_hash` is never shown in the editor, and each save writes back
//! the hash the file recorded before. A translation saved together with its source
//! for the first time (a new story in every language) records that source.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::base::vocab::{CONTENT_DIR, PAGES_DIR, STORIES_DIR};
use crate::load::front_matter;
use crate::load::translations::{source_hash, SOURCE_HASH_KEY};
use crate::model::settings::Settings;

/// Largest file the editor may save (a banner photo included).
const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Deepest folder listing the editor may ask for.
const MAX_DEPTH: usize = 8;

/// The local backend of one project.
#[derive(Debug, Clone)]
pub(crate) struct LocalBackend {
    /// The project root, canonical.
    root: PathBuf,
    /// The default language first.
    languages: Vec<String>,
}

/// An answer: the HTTP status and the JSON body.
pub(crate) type Answer = (u16, Value);

#[derive(Debug, Deserialize)]
struct Request {
    action: String,
    #[serde(default)]
    params: Value,
}

#[derive(Debug, Deserialize)]
struct DataFile {
    path: String,
    #[serde(default)]
    raw: String,
    #[serde(default, rename = "newPath")]
    new_path: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Asset {
    path: String,
    content: String,
    #[serde(default)]
    encoding: String,
}

fn refused(message: impl Into<String>) -> Answer {
    (422, json!({ "error": message.into() }))
}

impl LocalBackend {
    /// The backend for the project at `root` (canonical).
    pub(crate) fn new(root: &Path, settings: &Settings) -> Self {
        LocalBackend {
            root: root.to_path_buf(),
            languages: settings.languages.clone(),
        }
    }

    /// Answers one request body.
    pub(crate) fn answer(&self, body: &[u8]) -> Answer {
        let request: Request = match serde_json::from_slice(body) {
            Ok(r) => r,
            Err(e) => return refused(format!("not a request: {e}")),
        };
        match self.dispatch(&request.action, &request.params) {
            Ok(answer) => answer,
            Err(message) => refused(message),
        }
    }

    fn dispatch(&self, action: &str, p: &Value) -> Result<Answer, String> {
        let text = |key: &str| -> Result<String, String> {
            p.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("`{action}` needs `{key}`"))
        };
        Ok(match action {
            "info" => (
                200,
                json!({
                    "repo": self.root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    "publish_modes": ["simple"],
                    "type": "local_fs",
                }),
            ),
            "entriesByFolder" => {
                let folder = self.confine(&text("folder")?)?;
                let extension = p.get("extension").and_then(Value::as_str).unwrap_or("");
                let depth = p.get("depth").and_then(Value::as_u64).unwrap_or(1) as usize;
                let files = self.list(&folder, extension, depth.min(MAX_DEPTH));
                (
                    200,
                    Value::Array(files.iter().map(|f| self.entry(f)).collect()),
                )
            }
            "entriesByFiles" => {
                let files = p
                    .get("files")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut out = Vec::new();
                for f in files {
                    let path = f.get("path").and_then(Value::as_str).unwrap_or_default();
                    out.push(self.entry(&self.confine(path)?));
                }
                (200, Value::Array(out))
            }
            "getEntry" => (200, self.entry(&self.confine(&text("path")?)?)),
            "persistEntry" => {
                let mut files: Vec<DataFile> = match p.get("dataFiles") {
                    Some(v) => serde_json::from_value(v.clone()).map_err(|e| e.to_string())?,
                    None => Vec::new(),
                };
                if let Some(entry) = p.get("entry").filter(|_| files.is_empty()) {
                    files.push(serde_json::from_value(entry.clone()).map_err(|e| e.to_string())?);
                }
                let assets: Vec<Asset> = match p.get("assets") {
                    Some(v) => serde_json::from_value(v.clone()).map_err(|e| e.to_string())?,
                    None => Vec::new(),
                };
                self.persist(&files, &assets)?;
                (200, json!({ "message": "entry persisted" }))
            }
            "getMedia" => {
                let folder = self.confine(&text("mediaFolder")?)?;
                let files = self.list(&folder, "", 1);
                let mut out = Vec::new();
                for f in files {
                    out.push(self.media(&f)?);
                }
                (200, Value::Array(out))
            }
            "getMediaFile" => (200, self.media(&self.confine(&text("path")?)?)?),
            "persistMedia" => {
                let asset: Asset =
                    serde_json::from_value(p.get("asset").cloned().unwrap_or_default())
                        .map_err(|e| e.to_string())?;
                let path = self.confine(&asset.path)?;
                self.write(&path, &decode(&asset)?)?;
                (200, self.media(&path)?)
            }
            "deleteFile" => {
                let path = self.confine(&text("path")?)?;
                self.delete(&path)?;
                (200, json!({ "message": "deleted" }))
            }
            "deleteFiles" => {
                let paths = p
                    .get("paths")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let paths: Vec<PathBuf> = paths
                    .iter()
                    .map(|v| self.confine(v.as_str().unwrap_or_default()))
                    .collect::<Result<_, _>>()?;
                for path in &paths {
                    self.delete(path)?;
                }
                (200, json!({ "message": "deleted" }))
            }
            "getDeployPreview" => (200, Value::Null),
            other => return Err(format!("refkit's editor backend does not do `{other}`")),
        })
    }

    /// `raw` as a path relative to the root, if it is a plain path under `content/`
    /// whose existing part holds no symbolic link.
    fn confine(&self, raw: &str) -> Result<PathBuf, String> {
        let refuse = || {
            format!("`{raw}` is not a path under {CONTENT_DIR}/; the editor may change only the project's content")
        };
        let trimmed = raw.trim_end_matches('/');
        if trimmed.is_empty() || trimmed.contains(['\\', '\0', ':']) || trimmed.contains("//") {
            return Err(refuse());
        }
        // Segment by segment as written: `Path` would quietly drop a `.`.
        let mut segments = trimmed.split('/');
        if segments.next() != Some(CONTENT_DIR)
            || !segments.all(|s| !s.is_empty() && !s.starts_with('.'))
        {
            return Err(refuse());
        }
        let rel = PathBuf::from(trimmed);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(refuse());
        }
        let mut at = self.root.clone();
        for c in rel.components() {
            at.push(c);
            match at.symlink_metadata() {
                Ok(meta) if meta.file_type().is_symlink() => return Err(refuse()),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        Ok(rel)
    }

    /// Files under `folder` (relative), `depth` levels deep, ending in `extension`,
    /// sorted; links and hidden files are left out.
    fn list(&self, folder: &Path, extension: &str, depth: usize) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let walk = walkdir::WalkDir::new(self.root.join(folder))
            .max_depth(depth)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk.flatten() {
            if entry.file_type().is_file()
                && entry.file_name().to_string_lossy().ends_with(extension)
            {
                if let Ok(rel) = entry.path().strip_prefix(&self.root) {
                    out.push(rel.to_path_buf());
                }
            }
        }
        out
    }

    fn entry(&self, rel: &Path) -> Value {
        let shown = slashed(rel);
        match std::fs::read(self.root.join(rel)) {
            Ok(bytes) => json!({
                "data": String::from_utf8_lossy(&bytes),
                "file": { "path": shown, "id": sha256(&bytes) },
            }),
            Err(_) => json!({ "data": Value::Null, "file": { "path": shown, "id": Value::Null } }),
        }
    }

    fn media(&self, rel: &Path) -> Result<Value, String> {
        let bytes =
            std::fs::read(self.root.join(rel)).map_err(|e| format!("{}: {e}", slashed(rel)))?;
        Ok(json!({
            "id": sha256(&bytes),
            "content": base64::engine::general_purpose::STANDARD.encode(&bytes),
            "encoding": "base64",
            "path": slashed(rel),
            "name": rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        }))
    }

    /// Saves one entry's files (every language) and its assets. Every path is checked
    /// before anything is written.
    fn persist(&self, files: &[DataFile], assets: &[Asset]) -> Result<(), String> {
        let mut writes: Vec<(PathBuf, Vec<u8>)> = Vec::new();
        let mut moves = Vec::new();
        for file in files {
            let path = self.confine(&file.path)?;
            let raw = self.keep_translation_status(&path, &file.raw, files);
            let raw = self.keep_leading_comments(&path, raw);
            writes.push((path.clone(), raw.into_bytes()));
            if let Some(new) = &file.new_path {
                moves.push((path, self.confine(new)?));
            }
        }
        for asset in assets {
            writes.push((self.confine(&asset.path)?, decode(asset)?));
        }
        for (path, bytes) in &writes {
            self.write(path, bytes)?;
        }
        for (from, to) in moves {
            if self.root.join(&to).exists() {
                return Err(format!("{} exists already", slashed(&to)));
            }
            std::fs::rename(self.root.join(&from), self.root.join(&to))
                .map_err(|e| format!("{}: {e}", slashed(&from)))?;
        }
        Ok(())
    }

    /// The text to save for `path`: a story's or page's translation keeps the
    /// `source_hash` it recorded, whatever the editor sent; a new translation saved
    /// with its source records that source.
    fn keep_translation_status(&self, path: &Path, raw: &str, files: &[DataFile]) -> String {
        let Some((folder, slug, lang)) = document(path) else {
            return raw.to_owned();
        };
        let default = self
            .languages
            .first()
            .map(String::as_str)
            .unwrap_or_default();
        if lang == default || !self.languages.iter().any(|l| l == lang) {
            return raw.to_owned();
        }
        let on_disk = std::fs::read_to_string(self.root.join(path)).ok();
        let hash = match &on_disk {
            Some(text) => recorded(text),
            None => {
                let source = format!("{folder}/{slug}.{default}.md");
                let source_text = files
                    .iter()
                    .find(|f| f.path == source)
                    .map(|f| f.raw.clone())
                    .or_else(|| std::fs::read_to_string(self.root.join(&source)).ok());
                source_text.and_then(|t| front_matter::split(&t).ok().map(|s| source_hash(s.body)))
            }
        };
        with_source_hash(raw, hash.as_deref())
    }

    /// The editor writes YAML without comments; the block of comments that opens a
    /// file (the registry's field guide) is put back on top.
    fn keep_leading_comments(&self, path: &Path, raw: String) -> String {
        let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if !yaml || raw.trim_start().starts_with('#') {
            return raw;
        }
        let Ok(old) = std::fs::read_to_string(self.root.join(path)) else {
            return raw;
        };
        let head: String = old
            .split_inclusive('\n')
            .take_while(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
            .collect();
        if head.trim().is_empty() {
            return raw;
        }
        format!("{}\n\n{raw}", head.trim_end())
    }

    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<(), String> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(format!(
                "{} is larger than {MAX_FILE_BYTES} bytes",
                slashed(rel)
            ));
        }
        let path = self.root.join(rel);
        let fail = |e: std::io::Error| format!("could not save {}: {e}", slashed(rel));
        let parent = path.parent().ok_or_else(|| slashed(rel))?;
        std::fs::create_dir_all(parent).map_err(fail)?;
        // Written beside the file and renamed over it, so a reader never sees half.
        let mut temp = tempfile::NamedTempFile::new_in(parent).map_err(fail)?;
        temp.write_all(bytes).map_err(fail)?;
        temp.persist(&path).map_err(|e| fail(e.error))?;
        Ok(())
    }

    fn delete(&self, rel: &Path) -> Result<(), String> {
        match std::fs::remove_file(self.root.join(rel)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(format!("could not delete {}: {e}", slashed(rel))),
        }
    }
}

/// `(folder, slug, lang)` of a story or page file.
fn document(path: &Path) -> Option<(&'static str, &str, &str)> {
    let name = path.file_name()?.to_str()?;
    let parent = path.parent()?;
    let folder = [STORIES_DIR, PAGES_DIR]
        .into_iter()
        .find(|f| parent == Path::new(f))?;
    let (slug, lang) = name.strip_suffix(".md")?.rsplit_once('.')?;
    Some((folder, slug, lang))
}

/// The `source_hash` a file's front matter records.
fn recorded(text: &str) -> Option<String> {
    let split = front_matter::split(text).ok()?;
    split.yaml.lines().find_map(|line| {
        let value = line.strip_prefix(SOURCE_HASH_KEY)?.strip_prefix(':')?;
        Some(value.trim().trim_matches(['"', '\'']).to_owned()).filter(|v| !v.is_empty())
    })
}

/// `raw` with its `source_hash` line replaced by `hash` (or removed).
fn with_source_hash(raw: &str, hash: Option<&str>) -> String {
    let Ok(split) = front_matter::split(raw) else {
        return raw.to_owned();
    };
    let mut out = String::from("---\n");
    for line in split.yaml.lines() {
        let key = line.split(':').next().unwrap_or_default();
        if key.trim_end() != SOURCE_HASH_KEY {
            out.push_str(line);
            out.push('\n');
        }
    }
    if let Some(hash) = hash {
        out.push_str(&format!("{SOURCE_HASH_KEY}: {hash}\n"));
    }
    out.push_str("---\n");
    out.push_str(split.body);
    out
}

fn decode(asset: &Asset) -> Result<Vec<u8>, String> {
    if asset.encoding != "base64" {
        return Err(format!("{}: only base64 content is accepted", asset.path));
    }
    base64::engine::general_purpose::STANDARD
        .decode(asset.content.as_bytes())
        .map_err(|e| format!("{}: {e}", asset.path))
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests;
