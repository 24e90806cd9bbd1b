//! The one writer that touches the output folders.
//!
//! A build writes into fresh staging folders beside `public/` and `manifest/`, and only
//! when every page, file and manifest is written does [`Staging::commit`] swap them in.
//! A failed build therefore leaves the previous output untouched, and a dropped
//! staging area is removed. Output folders carry a marker file; refkit replaces only
//! folders that have it (or that are empty), never a folder it did not create. Two
//! sources that would write the same output path are an error naming both.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

mod csv;
pub(crate) mod guard;
mod lock;

pub(crate) use csv::csv;
pub use lock::OutputLock;

use crate::base::diagnostics::{display_path, Diagnostic, Error, Result};

/// Name of the marker file refkit puts in every folder it creates.
pub(crate) const MARKER: &str = ".refkit-output";
const MARKER_TEXT: &str = "This folder is written by refkit. It is replaced on every build.\n";

/// One output folder being written: its final place and its staging place (the same
/// folder when the preview updates its own output in place).
#[derive(Debug)]
struct Target {
    final_dir: PathBuf,
    staging_dir: PathBuf,
    in_place: bool,
}

/// Staging folders for `public/` and `manifest/`.
#[derive(Debug)]
pub(crate) struct Staging {
    public: Target,
    manifest: Target,
    written: Mutex<BTreeMap<PathBuf, String>>,
    bytes: AtomicU64,
    committed: bool,
}

impl Staging {
    /// Creates empty staging folders beside `public` and `manifest`, after checking that
    /// both may be replaced.
    pub(crate) fn create(public: &Path, manifest: &Path) -> Result<Staging> {
        let public = Target::new(public)?;
        let manifest = Target::new(manifest)?;
        Ok(Staging {
            public,
            manifest,
            written: Mutex::new(BTreeMap::new()),
            bytes: AtomicU64::new(0),
            committed: false,
        })
    }

    /// Opens the preview's own output folders for an update where they are: the
    /// preview re-renders a few pages of a complete earlier build, and moving the
    /// whole folder for them would cost more than the pages. Writes go through the
    /// same checks as a build's (safe paths, one source per file); nothing is swapped
    /// or removed on drop, and [`Staging::commit`] clears the fingerprint in both
    /// markers, so no later build takes the folders for a complete one. Both folders
    /// must already carry refkit's marker.
    pub(crate) fn update_in_place(public: &Path, manifest: &Path) -> Result<Staging> {
        for dir in [public, manifest] {
            if !dir.join(MARKER).is_file() {
                return Err(Error::Usage(format!(
                    "`{}` is not a complete refkit output to update",
                    dir.display()
                )));
            }
        }
        let target = |dir: &Path| Target {
            final_dir: dir.to_path_buf(),
            staging_dir: dir.to_path_buf(),
            in_place: true,
        };
        Ok(Staging {
            public: target(public),
            manifest: target(manifest),
            written: Mutex::new(BTreeMap::new()),
            bytes: AtomicU64::new(0),
            committed: false,
        })
    }

    /// Removes `rel` from the public folder of an update in place (a page that is no
    /// longer planned); a file that is not there is no error.
    pub(crate) fn remove_public(&self, rel: &str) -> Result<()> {
        refuse_unsafe(rel, "a page no longer planned")?;
        let path = self.public.staging_dir.join(rel);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Error::io("remove", &path, e))
            }
            _ => Ok(()),
        }
    }

    /// Writes `bytes` to `rel` (a `/`-separated path) in the public folder;
    /// `source` names where the file comes from, for collision errors.
    pub(crate) fn write_public(&self, rel: &str, bytes: &[u8], source: &str) -> Result<()> {
        self.write(rel, bytes, source, false)
    }

    /// Writes `bytes` to `rel` in the public folder, creating its folder first: for
    /// files whose folder [`Staging::prepare_folders`] left to them.
    pub(crate) fn write_public_in_own_folder(
        &self,
        rel: &str,
        bytes: &[u8],
        source: &str,
    ) -> Result<()> {
        self.write(rel, bytes, source, true)
    }

    fn write(&self, rel: &str, bytes: &[u8], source: &str, make_folder: bool) -> Result<()> {
        self.claim(rel, source)?;
        if self.public.in_place {
            // The folders of an earlier build are there, but a new page's are not.
            create_parent(&self.public.staging_dir.join(rel))?;
        } else if let Some((folder, _)) = rel.rsplit_once('/').filter(|_| make_folder) {
            let path = self.public.staging_dir.join(folder);
            match fs::create_dir(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::io("create", &path, e)),
            }
        }
        write_file(&self.public.staging_dir, rel, bytes)?;
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Creates the folders `files` (paths in the public folder) will be written to,
    /// except each folder that holds exactly one of them and no other folder
    /// (`en/stories/<slug>/` for `index.html`): those are left to the writer of that
    /// file ([`Staging::write_public_in_own_folder`]), so they are made in parallel,
    /// one system call each. Returns, per file, whether its folder was left to it.
    ///
    /// The other folders are made level by level, each level in parallel.
    pub(crate) fn prepare_folders(&self, files: &[String]) -> Result<Vec<bool>> {
        fn folder_of(file: &str) -> Option<&str> {
            file.rsplit_once('/').map(|(folder, _)| folder)
        }
        // No folder is made for a path the writer would refuse.
        for file in files {
            refuse_unsafe(file, "a planned page")?;
        }
        let mut files_in: BTreeMap<&str, usize> = BTreeMap::new();
        for folder in files.iter().filter_map(|f| folder_of(f)) {
            *files_in.entry(folder).or_default() += 1;
        }
        let mut holders: BTreeSet<&str> = BTreeSet::new();
        for folder in files_in.keys() {
            let mut inner = *folder;
            while let Some((parent, _)) = inner.rsplit_once('/') {
                if !holders.insert(parent) {
                    break;
                }
                inner = parent;
            }
        }
        let mut alone: BTreeSet<&str> = BTreeSet::new();
        let mut made: BTreeSet<&str> = BTreeSet::new();
        for (folder, n) in files_in {
            if n == 1 && !holders.contains(folder) {
                alone.insert(folder);
                // Its parent must exist before the file's writer runs.
                if let Some((parent, _)) = folder.rsplit_once('/') {
                    made.insert(parent);
                }
            } else {
                made.insert(folder);
            }
        }
        let mut levels: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for folder in made {
            levels
                .entry(folder.matches('/').count())
                .or_default()
                .push(folder);
        }
        for level in levels.values() {
            level.par_iter().try_for_each(|folder| {
                let path = self.public.staging_dir.join(folder);
                fs::create_dir_all(&path).map_err(|e| Error::io("create", &path, e))
            })?;
        }
        Ok(files
            .iter()
            .map(|f| folder_of(f).is_some_and(|d| alone.contains(d)))
            .collect())
    }

    /// Copies the file at `from` to `rel` in the public folder.
    pub(crate) fn copy_public(&self, rel: &str, from: &Path, source: &str) -> Result<()> {
        self.claim(rel, source)?;
        let to = self.public.staging_dir.join(rel);
        create_parent(&to)?;
        let n = fs::copy(from, &to).map_err(|e| Error::io("copy", from, e))?;
        self.bytes.fetch_add(n, Ordering::Relaxed);
        Ok(())
    }

    /// Writes `bytes` to `rel` in the manifest folder.
    pub(crate) fn write_manifest(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        write_file(&self.manifest.staging_dir, rel, bytes)
    }

    /// Writes `rel` in the manifest folder through `fill`, buffered: for files too
    /// large to hold in memory at once.
    pub(crate) fn write_manifest_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let path = self.manifest.staging_dir.join(rel);
        create_parent(&path)?;
        let file = fs::File::create(&path).map_err(|e| Error::io("write", &path, e))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
        fill(&mut out)
            .and_then(|()| std::io::Write::flush(&mut out))
            .map_err(|e| Error::io("write", &path, e))
    }

    /// Bytes written to the public folder so far.
    pub(crate) fn public_bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Whether `rel` was already written to the public folder.
    pub(crate) fn has_public(&self, rel: &str) -> bool {
        self.lock().contains_key(Path::new(rel))
    }

    /// The files written under `prefix` in the public folder so far, sorted, with their
    /// sizes.
    pub(crate) fn public_files_under(&self, prefix: &str) -> Result<Vec<(String, u64)>> {
        let rels: Vec<PathBuf> = self
            .lock()
            .keys()
            .filter(|rel| rel.starts_with(prefix))
            .cloned()
            .collect();
        rels.into_iter()
            .map(|rel| {
                let path = self.public.staging_dir.join(&rel);
                let size = fs::metadata(&path)
                    .map_err(|e| Error::io("read", &path, e))?
                    .len();
                Ok((display_path(&rel), size))
            })
            .collect()
    }

    /// Files written to the public folder so far.
    pub(crate) fn public_files(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<PathBuf, String>> {
        self.written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn claim(&self, rel: &str, source: &str) -> Result<()> {
        refuse_unsafe(rel, source)?;
        let mut written = self.lock();
        if let Some(first) = written.get(Path::new(rel)) {
            return Err(Diagnostic::project(format!(
                "two sources map to the same output file public/{rel}: {first} and {source}"
            ))
            .help("rename one of them")
            .into());
        }
        written.insert(PathBuf::from(rel), source.to_owned());
        Ok(())
    }

    /// Records the build's input fingerprint and `summary` in both markers, so a later
    /// build of the same inputs can tell that there is nothing to do.
    pub(crate) fn set_fingerprint(&self, fingerprint: &str, summary: &str) -> Result<()> {
        let text = format!("{MARKER_TEXT}fingerprint: {fingerprint}\nsummary: {summary}\n");
        for dir in [&self.public.staging_dir, &self.manifest.staging_dir] {
            fs::write(dir.join(MARKER), &text).map_err(|e| Error::io("write", dir, e))?;
        }
        Ok(())
    }

    /// Swaps the staged folders in place of the old ones.
    pub(crate) fn commit(mut self) -> Result<()> {
        if self.public.in_place {
            self.committed = true;
            return clear_fingerprint(&[&self.public.final_dir, &self.manifest.final_dir]);
        }
        self.public.swap()?;
        self.manifest.swap()?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && !self.public.in_place {
            let _ = fs::remove_dir_all(&self.public.staging_dir);
            let _ = fs::remove_dir_all(&self.manifest.staging_dir);
        }
    }
}

impl Target {
    fn new(final_dir: &Path) -> Result<Target> {
        check_replaceable(final_dir)?;
        let (parent, name) = split_folder(final_dir)?;
        fs::create_dir_all(&parent).map_err(|e| Error::io("create", &parent, e))?;
        let staging_dir = parent.join(format!(".{name}.refkit-new-{}", std::process::id()));
        if staging_dir.exists() {
            fs::remove_dir_all(&staging_dir).map_err(|e| Error::io("clear", &staging_dir, e))?;
        }
        fs::create_dir_all(&staging_dir).map_err(|e| Error::io("create", &staging_dir, e))?;
        fs::write(staging_dir.join(MARKER), MARKER_TEXT)
            .map_err(|e| Error::io("write", &staging_dir, e))?;
        Ok(Target {
            final_dir: final_dir.to_path_buf(),
            staging_dir,
            in_place: false,
        })
    }

    fn swap(&self) -> Result<()> {
        let old = self.staging_dir.with_file_name(
            self.staging_dir
                .file_name()
                .map(|n| n.to_string_lossy().replace(".refkit-new-", ".refkit-old-"))
                .unwrap_or_default(),
        );
        let had_old = self.final_dir.exists();
        if had_old {
            check_replaceable(&self.final_dir)?;
            fs::rename(&self.final_dir, &old)
                .map_err(|e| Error::io("move aside", &self.final_dir, e))?;
        }
        if let Err(e) = fs::rename(&self.staging_dir, &self.final_dir) {
            if had_old {
                let _ = fs::rename(&old, &self.final_dir);
            }
            return Err(Error::io("move into place", &self.final_dir, e));
        }
        if had_old {
            fs::remove_dir_all(&old).map_err(|e| Error::io("remove", &old, e))?;
        }
        Ok(())
    }
}

/// Replaces `folder` with the files `rels` of the built folder `from` (hard links
/// where the file system allows, else copies), staged beside it and swapped in whole:
/// `refkit deploy --folder`. `folder` is replaced only if refkit wrote it (its
/// marker) or it is empty.
pub(crate) fn gather(folder: &Path, from: &Path, rels: &[String]) -> Result<()> {
    let target = Target::new(folder)?;
    let staged = (|| {
        for rel in rels {
            let source = from.join(rel);
            let to = target.staging_dir.join(rel);
            if let Some(dir) = to.parent() {
                fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
            }
            if fs::hard_link(&source, &to).is_err() {
                fs::copy(&source, &to).map_err(|e| Error::io("copy", &source, e))?;
            }
        }
        target.swap()
    })();
    if staged.is_err() {
        let _ = fs::remove_dir_all(&target.staging_dir);
    }
    staged
}

/// The summary recorded by the build that wrote `public` and `manifest`, when both
/// were written by one build of inputs with `fingerprint`.
pub(crate) fn previous_build(public: &Path, manifest: &Path, fingerprint: &str) -> Option<String> {
    let read = |dir: &Path| fs::read_to_string(dir.join(MARKER)).ok();
    let (a, b) = (read(public)?, read(manifest)?);
    if a != b || !a.contains(&format!("fingerprint: {fingerprint}\n")) {
        return None;
    }
    a.lines()
        .find_map(|l| l.strip_prefix("summary: "))
        .map(str::to_owned)
}

/// Removes the recorded fingerprint from the markers of folders changed in place
/// (by the preview), so no later build mistakes them for a complete build.
fn clear_fingerprint(dirs: &[&Path]) -> Result<()> {
    for dir in dirs {
        if dir.is_dir() {
            fs::write(dir.join(MARKER), MARKER_TEXT).map_err(|e| Error::io("write", dir, e))?;
        }
    }
    Ok(())
}

/// The parent folder and file name of an output folder.
fn split_folder(dir: &Path) -> Result<(PathBuf, String)> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = dir
        .file_name()
        .ok_or_else(|| {
            Error::Usage(format!(
                "`{}` is not a folder refkit can write",
                dir.display()
            ))
        })?
        .to_string_lossy()
        .into_owned();
    Ok((parent, name))
}

/// A folder may be replaced when it does not exist, is empty, or carries refkit's marker.
fn check_replaceable(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` exists and is not a folder",
            display_path(dir)
        )));
    }
    if dir.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries = fs::read_dir(dir).map_err(|e| Error::io("list", dir, e))?;
    if entries.next().is_none() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "`{}` was not created by refkit (it has no {MARKER} file), so refkit will not replace it; move it away or choose another output folder",
        display_path(dir)
    )))
}

/// Output paths are relative, with no empty, `.` or `..` component.
fn refuse_unsafe(rel: &str, source: &str) -> Result<()> {
    if rel.is_empty()
        || rel.starts_with('/')
        || rel
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
    {
        return Err(Diagnostic::project(format!(
            "refusing to write the unsafe output path `{rel}` (from {source})"
        ))
        .into());
    }
    Ok(())
}

fn create_parent(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
    }
    Ok(())
}

fn write_file(dir: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(rel);
    // Folders are usually made beforehand (`prepare_folders`): try the write first and
    // create the parent only when it is missing, saving system calls per file.
    match fs::write(&path, bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            create_parent(&path)?;
            fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))
        }
        other => other.map_err(|e| Error::io("write", &path, e)),
    }
}

#[cfg(test)]
mod tests;
