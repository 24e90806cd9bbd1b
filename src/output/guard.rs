//! Output folders that are safe to replace.
//!
//! refkit replaces its output folders wholesale, so a wrong `--out` could destroy
//! sources. Every folder is resolved (symlinks followed) before it is compared.

use std::path::{Path, PathBuf};

use crate::base::diagnostics::{Error, Result};

/// Refuses output folders whose replacement would destroy sources: the project or a
/// folder above it, a source folder, a folder holding a `.git`, the home folder.
/// Symlinks are resolved first, so a link to the project is refused like the project.
pub(crate) fn check_output_folder(root: &Path, dir: &Path, flag: &str) -> Result<()> {
    let root = resolve(root);
    let dir = resolve(dir);
    let refuse = |why: &str| Err(Error::Usage(format!("{flag} {}: {why}", dir.display())));
    if root.starts_with(&dir) {
        return refuse("it is the project or a folder above it; refkit replaces its output folder on every build");
    }
    for source in [
        "content",
        "templates",
        "themes",
        "locales",
        "static",
        ".git",
        "src",
    ] {
        if dir.starts_with(root.join(source)) {
            return refuse("it is inside a source folder of the project");
        }
    }
    if dir.join(".git").exists() {
        return refuse("it holds a .git folder");
    }
    if std::env::var_os("HOME").is_some_and(|h| resolve(Path::new(&h)) == dir) {
        return refuse("it is your home folder");
    }
    Ok(())
}

/// `path` made absolute with symlinks resolved, as far as it exists; the part that does
/// not exist yet is appended with `.` and `..` removed.
pub(crate) fn resolve(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let absolute = normalise(&absolute);
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            let mut out = real;
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Removes `.` and `..` components without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
