//! Reading the project's files safely.
//!
//! Every file refkit reads goes through here: text must be UTF-8 (an error names the
//! byte offset), files have a size limit, and walking a folder yields paths in sorted
//! order so output never depends on directory order. Symlinks are not followed out of
//! the project.

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::base::diagnostics::{Diagnostic, Error, Result};

/// Largest text file refkit reads (Markdown, YAML, templates, locales).
pub(crate) const MAX_TEXT_BYTES: u64 = 4 * 1024 * 1024;

/// Reads `path` as UTF-8 text. `shown` is the path to name in errors (relative to the root).
pub(crate) fn read_text(path: &Path, shown: &Path) -> Result<String> {
    use std::io::Read as _;
    let io = |e| Error::io("read", shown, e);
    // One open; the size comes from the open file, not a second lookup of the path.
    let file = fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > MAX_TEXT_BYTES {
        return Err(Diagnostic::error(
            shown,
            format!("file is {len} bytes, more than the 4 MiB limit for text files"),
        )
        .help("split the file into smaller ones")
        .into());
    }
    // A file that grows while it is read still stops at the limit (plus one byte, so
    // the growth is noticed).
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_TEXT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(
            Diagnostic::error(shown, "file grew past the 4 MiB limit while it was read")
                .help("split the file into smaller ones")
                .into(),
        );
    }
    text_from_bytes(bytes, shown)
}

/// Turns `bytes` into text, naming the first byte that is not UTF-8.
pub(crate) fn text_from_bytes(bytes: Vec<u8>, shown: &Path) -> Result<String> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..offset]);
            let (line, column) = crate::base::diagnostics::line_column(&prefix, offset);
            let mut d = Diagnostic::error(
                shown,
                format!("the file is not UTF-8 text (invalid byte at offset {offset})"),
            )
            .help("save the file as UTF-8");
            d.line = Some(line);
            d.column = Some(column);
            Err(d.into())
        }
    }
}

/// Files under `dir` (recursively), sorted, as (absolute path, path relative to `root`).
/// A missing folder yields nothing. Symlinks are reported as errors rather than followed.
pub(crate) fn files_under(root: &Path, dir: &Path) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    // Sorted once at the end: comparing whole paths component by component gives
    // the same order as sorting each folder's names, and skips their common prefix.
    // The walk itself goes in the folder's own order, so of several problems the one
    // with the first path is reported, whatever that order was.
    let mut problem: Option<(PathBuf, Error)> = None;
    let mut report = |shown: PathBuf, error: Error| {
        if problem.as_ref().is_none_or(|(first, _)| shown < *first) {
            problem = Some((shown, error));
        }
    };
    for entry in WalkDir::new(dir).follow_links(false) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let shown = relative(root, e.path().unwrap_or(dir));
                let error = Error::io("list", &shown, e.into());
                report(shown, error);
                continue;
            }
        };
        let path = entry.path();
        let shown = relative(root, path);
        if entry.file_type().is_symlink() {
            if let Err(error) = check_symlink(root, path, &shown) {
                report(shown, error);
                continue;
            }
            if path.is_dir() {
                continue;
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        if is_hidden(&shown) {
            continue;
        }
        files.push((path.to_path_buf(), shown));
    }
    if let Some((_, error)) = problem {
        return Err(error);
    }
    files.sort_unstable_by(|a, b| a.1.cmp(&b.1));
    Ok(files)
}

/// A path that is, or passes through, a symlink is accepted only when it resolves
/// inside the project.
pub(crate) fn check_symlink(root: &Path, path: &Path, shown: &Path) -> Result<()> {
    let target = fs::canonicalize(path).map_err(|e| Error::io("resolve", shown, e))?;
    let root = fs::canonicalize(root).map_err(|e| Error::io("resolve", root, e))?;
    if target.starts_with(&root) {
        Ok(())
    } else {
        Err(
            Diagnostic::error(shown, "this symlink points outside the project")
                .help("copy the file into the project instead of linking to it")
                .into(),
        )
    }
}

/// Dotfiles and editor backups are never content.
fn is_hidden(shown: &Path) -> bool {
    shown.components().any(|c| {
        let name = c.as_os_str().as_encoded_bytes();
        name.first() == Some(&b'.') || name.last() == Some(&b'~')
    })
}

/// `path` relative to `root`, or `path` itself when it is not under `root`.
pub(crate) fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_the_byte_offset() {
        let err = text_from_bytes(b"ok\nbad \xff here".to_vec(), Path::new("a.md")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("offset 7"), "{text}");
        assert!(text.contains("a.md:2:5"), "{text}");
    }

    /// Of several bad symlinks, the one with the first path is named, whatever order
    /// the folder lists them in.
    #[cfg(unix)]
    #[test]
    fn the_first_problem_by_path_is_reported() {
        let outside = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("content");
        fs::create_dir_all(dir.join("b")).unwrap();
        fs::write(dir.join("b/ok.md"), "x").unwrap();
        for n in (0..20).rev() {
            std::os::unix::fs::symlink(outside.path(), dir.join(format!("{n:02}.md"))).unwrap();
        }
        let err = files_under(root.path(), &dir).unwrap_err().to_string();
        assert!(err.contains("content/00.md"), "{err}");
        fs::write(dir.join("a.md"), "x").unwrap();
        for n in 0..20 {
            fs::remove_file(dir.join(format!("{n:02}.md"))).unwrap();
        }
        let files: Vec<PathBuf> = files_under(root.path(), &dir)
            .unwrap()
            .into_iter()
            .map(|(_, shown)| shown)
            .collect();
        assert_eq!(
            files,
            [Path::new("content/a.md"), Path::new("content/b/ok.md")]
        );
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        let text = text_from_bytes("\u{feff}title".as_bytes().to_vec(), Path::new("a")).unwrap();
        assert_eq!(text, "title");
    }
}
