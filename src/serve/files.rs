//! Answering requests from the built output, and from nothing else.
//!
//! The preview serves the temporary output folder of its own builds. A request path
//! is percent-decoded exactly once and split into segments; any segment that could
//! step out of the folder or reach a hidden file (`..`, `.`, a leading dot, a
//! backslash, NUL, a `%` left after decoding, a drive colon, an empty segment in the
//! middle) is refused before the file system is touched. What remains is joined to
//! the output folder, a folder becomes its `index.html`, and the result is
//! canonicalised and must still lie inside the output folder (so a symlink cannot
//! lead out either). Anything else is "not found": the preview never says why.

use std::path::{Path, PathBuf};

/// Where a request path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A file inside the output folder (canonical path).
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect here so relative
    /// links in its `index.html` resolve.
    Redirect(String),
    /// Nothing to serve.
    NotFound,
}

/// Decodes `%XX` escapes once. Returns `None` for a malformed escape.
pub(crate) fn percent_decode(raw: &str) -> Option<Vec<u8>> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// A request path split into safe segments, with whether it ended in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SafePath {
    /// The decoded segments, each a plain file or folder name.
    pub(crate) segments: Vec<String>,
    /// True when the path ended in `/` (or was `/`).
    pub(crate) trailing_slash: bool,
}

impl SafePath {
    /// Checks a raw (still percent-encoded) request path such as `/en/stories/x/`.
    pub(crate) fn parse(raw: &str) -> Option<SafePath> {
        let decoded = String::from_utf8(percent_decode(raw)?).ok()?;
        let rest = decoded.strip_prefix('/')?;
        let trailing_slash = rest.is_empty() || rest.ends_with('/');
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        let mut segments = Vec::new();
        if !rest.is_empty() {
            for segment in rest.split('/') {
                if !safe_segment(segment) {
                    return None;
                }
                segments.push(segment.to_owned());
            }
        }
        Some(SafePath {
            segments,
            trailing_slash,
        })
    }

    /// The path as a URL path again (`/a/b/`), from the checked segments only.
    pub(crate) fn to_url_path(&self) -> String {
        let mut out = String::from("/");
        out.push_str(&self.segments.join("/"));
        if self.trailing_slash && !self.segments.is_empty() {
            out.push('/');
        }
        out
    }
}

/// One path segment that names an ordinary, visible file or folder.
fn safe_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment != "."
        && segment != ".."
        && !segment.starts_with('.')
        && !segment.contains(['\\', '\0', '%', ':'])
}

/// Resolves the raw request path `raw` against the output folder `root`.
pub(crate) fn resolve(root: &Path, raw: &str) -> Resolved {
    let Some(path) = SafePath::parse(raw) else {
        return Resolved::NotFound;
    };
    let mut target = root.to_path_buf();
    target.extend(&path.segments);
    let Ok(meta) = std::fs::metadata(&target) else {
        return Resolved::NotFound;
    };
    if meta.is_dir() {
        if !path.trailing_slash {
            // `raw` passed the checks above, so it cannot start with `//` (another host).
            return Resolved::Redirect(format!("{raw}/"));
        }
        target.push("index.html");
    } else if path.trailing_slash {
        return Resolved::NotFound;
    }
    let (Ok(root), Ok(file)) = (root.canonicalize(), target.canonicalize()) else {
        return Resolved::NotFound;
    };
    if file.starts_with(&root) && file.is_file() {
        Resolved::File(file)
    } else {
        Resolved::NotFound
    }
}

/// The `Content-Type` for a file, from its extension.
pub(crate) fn content_type(path: &Path) -> &'static str {
    crate::base::media::content_type(&path.to_string_lossy())
}

/// True for content types that get the live-reload script.
pub(crate) fn is_html(content_type: &str) -> bool {
    content_type.starts_with("text/html")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn output() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("public");
        fs::create_dir_all(root.join("en/stories/x")).unwrap();
        fs::write(root.join("index.html"), "entry").unwrap();
        fs::write(root.join("en/stories/x/index.html"), "story").unwrap();
        fs::write(root.join(".refkit-output"), "marker").unwrap();
        fs::write(dir.path().join("site.yaml"), "secret").unwrap();
        (dir, root)
    }

    #[test]
    fn folders_serve_their_index_and_files_themselves() {
        let (_dir, root) = output();
        let canonical = root.canonicalize().unwrap();
        assert_eq!(
            resolve(&root, "/"),
            Resolved::File(canonical.join("index.html"))
        );
        assert_eq!(
            resolve(&root, "/en/stories/x/"),
            Resolved::File(canonical.join("en/stories/x/index.html"))
        );
        assert_eq!(
            resolve(&root, "/en/stories/x/index.html"),
            Resolved::File(canonical.join("en/stories/x/index.html"))
        );
        assert_eq!(
            resolve(&root, "/%65n/stories/x/"),
            Resolved::File(canonical.join("en/stories/x/index.html"))
        );
    }

    #[test]
    fn a_folder_without_its_slash_redirects() {
        let (_dir, root) = output();
        assert_eq!(
            resolve(&root, "/en/stories/x"),
            Resolved::Redirect("/en/stories/x/".into())
        );
        assert_eq!(resolve(&root, "/index.html/"), Resolved::NotFound);
    }

    #[test]
    fn traversal_raw_or_encoded_is_not_found() {
        let (_dir, root) = output();
        for raw in [
            "/../site.yaml",
            "/%2e%2e/site.yaml",
            "/%2E%2E/site.yaml",
            "/en/%2e%2e/%2e%2e/site.yaml",
            "/..%2fsite.yaml",
            "/..%5csite.yaml",
            "/en/../../site.yaml",
            "/en/./stories/x/",
            "/%252e%252e/site.yaml",
            "//etc/passwd",
            "/%2f%2fexample.com",
            "/en//stories/x/",
            "/en/stories/x%00/",
            "/C:/Windows",
            "/%zz",
            "/%ff",
            "site.yaml",
            "*",
        ] {
            assert_eq!(resolve(&root, raw), Resolved::NotFound, "{raw}");
        }
    }

    #[test]
    fn hidden_files_are_not_found() {
        let (_dir, root) = output();
        for raw in ["/.refkit-output", "/%2Erefkit-output", "/en/.hidden"] {
            assert_eq!(resolve(&root, raw), Resolved::NotFound, "{raw}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_output_is_not_followed() {
        let (dir, root) = output();
        std::os::unix::fs::symlink(dir.path().join("site.yaml"), root.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        assert_eq!(resolve(&root, "/leak.txt"), Resolved::NotFound);
        assert_eq!(resolve(&root, "/up/site.yaml"), Resolved::NotFound);
    }

    #[test]
    fn safe_paths_print_back_from_their_segments() {
        let p = SafePath::parse("/en/stories/x/").unwrap();
        assert_eq!(p.to_url_path(), "/en/stories/x/");
        assert_eq!(SafePath::parse("/").unwrap().to_url_path(), "/");
        assert_eq!(
            SafePath::parse("/a%20b.png").unwrap().segments,
            vec!["a b.png".to_string()]
        );
    }
}
