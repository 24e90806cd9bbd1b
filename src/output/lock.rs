//! One build per output folder at a time.

use std::fs;
use std::path::Path;

use super::{split_folder, MARKER};
use crate::base::diagnostics::{display_path, Error, Result};

/// An exclusive lock on an output folder, held for a whole build so two builds never
/// write the same output at once. It is an advisory lock on a hidden file beside the
/// folder (`.public.refkit-lock`); the operating system releases it when the build
/// ends, however it ends, so a killed build never leaves a stale lock behind.
#[derive(Debug)]
pub struct OutputLock {
    _file: fs::File,
}

impl OutputLock {
    /// Locks `dir` (which need not exist yet), or says which build holds it.
    /// Staging folders left by a build that was killed are removed once the lock is held.
    pub fn acquire(dir: &Path) -> Result<OutputLock> {
        let (parent, name) = split_folder(dir)?;
        fs::create_dir_all(&parent).map_err(|e| Error::io("create", &parent, e))?;
        let path = parent.join(format!(".{name}.refkit-lock"));
        let mut file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io("open", &path, e))?;
        // A lock can look held for a moment after its build ended: a process that
        // another thread of the same program is starting shares the lock file until
        // it runs its program (which closes the file). So a held lock is tried again
        // for a short while before it is reported.
        let mut attempts = 0;
        let locked = loop {
            match file.try_lock() {
                Err(fs::TryLockError::WouldBlock) if attempts < LOCK_ATTEMPTS => {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                other => break other,
            }
        };
        match locked {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                return Err(Error::Usage(format!(
                    "another refkit build{} is writing `{}`; wait for it to finish, or build into another folder with --out",
                    if holder.is_empty() { String::new() } else { format!(" (process {holder})") },
                    display_path(dir)
                )));
            }
            Err(fs::TryLockError::Error(e)) => return Err(Error::io("lock", &path, e)),
        }
        use std::io::{Seek, Write};
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = write!(file, "{}", std::process::id());
        remove_leftovers(&parent, &name)?;
        Ok(OutputLock { _file: file })
    }
}

/// How many times a held output lock is tried again, 25 ms apart, before the build
/// reports it.
const LOCK_ATTEMPTS: u32 = 20;

/// Removes `.<name>.refkit-new-*` and `.<name>.refkit-old-*` folders: with the lock
/// held, they can only be what a killed build left behind.
fn remove_leftovers(parent: &Path, name: &str) -> Result<()> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let prefixes = [
        format!(".{name}.refkit-new-"),
        format!(".{name}.refkit-old-"),
    ];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str()))
            && entry.path().join(MARKER).is_file()
        {
            let path = entry.path();
            fs::remove_dir_all(&path).map_err(|e| Error::io("remove", &path, e))?;
        }
    }
    Ok(())
}
