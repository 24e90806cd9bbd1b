//! The image cache: every image the [`Studio`](super::Studio) draws, kept between
//! builds in a folder of its own (`.refkit-cache/` by default), so a build draws only
//! the images whose inputs changed.
//!
//! An entry is named by a [`Key`]: a SHA-256 of everything the image depends on (the
//! SVG text after Tera and layout's inputs, the font files, the keys of the photos it
//! places, the QR code, size, format, language and refkit's version), so an entry is
//! never stale, only unused. Images are deterministic functions of those inputs, so
//! taking one from the cache gives the output the bytes drawing it would.
//!
//! The cache is not output: it is written here, not through `output::Staging`. Each
//! entry is written to a temporary file and renamed into place, and carries its length
//! and its own SHA-256, checked on every read: an entry a killed build left half
//! written, or one damaged since, is ignored and drawn again. Every failure to read or
//! write is a miss, never an error: the cache can only make a build faster. At the end
//! of a build, the least recently used entries beyond the size limit are removed.

use std::collections::HashSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// Bump when drawing or encoding changes the bytes an unchanged input gives, so
/// entries of an older drawing are never taken (refkit's version is in every key too).
const DRAWING: &str = "refkit-images-1";
/// The first bytes of every entry.
const MAGIC: &[u8; 8] = b"RKIMG001";
/// Magic, length (8 bytes), SHA-256 of the image (32 bytes), then the image.
const HEADER: usize = 8 + 8 + 32;
/// Temporary files older than this are a killed build's and removed at the end of a build.
const STALE_TEMPORARY: Duration = Duration::from_secs(3600);
/// The prefix of temporary files.
const TEMPORARY: &str = ".tmp-";

/// The default size limit: 512 MiB.
pub(crate) const DEFAULT_MAX_BYTES: u64 = 512 << 20;

/// The name of an image in the cache: a hash of everything it depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Key([u8; 32]);

impl Key {
    fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The key as bytes, to go into the key of an image that places this one.
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Builds a [`Key`] field by field; each field is length-prefixed, so no two lists
/// of fields hash alike.
pub(crate) struct KeyBuilder(Sha256);

impl KeyBuilder {
    /// A key of kind `kind` (which function of its inputs the image is).
    pub(crate) fn new(kind: &str) -> KeyBuilder {
        let mut b = KeyBuilder(Sha256::new());
        b.field(DRAWING.as_bytes())
            .field(env!("CARGO_PKG_VERSION").as_bytes())
            .field(kind.as_bytes());
        b
    }

    /// Adds one field.
    pub(crate) fn field(&mut self, bytes: &[u8]) -> &mut KeyBuilder {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    /// The key.
    pub(crate) fn finish(self) -> Key {
        Key(self.0.finalize().into())
    }
}

/// A cache folder and its size limit, with what this build took from it and put in.
pub(crate) struct ImageCache {
    dir: PathBuf,
    max_bytes: u64,
    /// Entries this build read or wrote: never evicted at its end.
    used: Mutex<HashSet<Key>>,
    /// Numbers temporary files within this process.
    temporary: AtomicU64,
    hits: AtomicUsize,
    stored: AtomicUsize,
}

/// What the cache did in one build, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct CacheStats {
    /// Images taken from the cache.
    pub(crate) hits: usize,
    /// Images written to it.
    pub(crate) stored: usize,
    /// Entries removed to keep it under its limit.
    pub(crate) evicted: usize,
    /// Bytes it holds after eviction.
    pub(crate) bytes: u64,
}

impl ImageCache {
    /// Opens (and creates) the cache folder `dir`, holding at most `max_bytes`; `Err`
    /// with the reason when the folder cannot be made or written to.
    pub(crate) fn open(dir: &Path, max_bytes: u64) -> Result<ImageCache, String> {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let cache = ImageCache {
            dir: dir.to_path_buf(),
            max_bytes,
            used: Mutex::default(),
            temporary: AtomicU64::new(0),
            hits: AtomicUsize::new(0),
            stored: AtomicUsize::new(0),
        };
        // Prove the folder takes files before the build counts on it.
        let probe = cache.temporary_path();
        fs::write(&probe, b"")
            .and_then(|()| fs::remove_file(&probe))
            .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
        Ok(cache)
    }

    /// Where the entry `key` lives: two levels, so no folder holds too many files.
    fn path(&self, key: &Key) -> PathBuf {
        let hex = key.hex();
        self.dir.join(&hex[..2]).join(&hex[2..])
    }

    fn temporary_path(&self) -> PathBuf {
        let n = self.temporary.fetch_add(1, Ordering::Relaxed);
        self.dir
            .join(format!("{TEMPORARY}{}-{n}", std::process::id()))
    }

    fn mark_used(&self, key: Key) {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key);
    }

    /// The image stored under `key`, when there is a whole, undamaged one.
    pub(crate) fn get(&self, key: &Key) -> Option<Vec<u8>> {
        let path = self.path(key);
        let entry = fs::read(&path).ok()?;
        let image = checked(&entry)?;
        // Least recently used is judged by the modification time; a failure to
        // update it only makes the entry look older.
        if let Ok(file) = fs::File::options().write(true).open(&path) {
            let _ = file.set_modified(SystemTime::now());
        }
        self.mark_used(*key);
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(image.to_vec())
    }

    /// Stores `image` under `key`: written whole to a temporary file, then renamed
    /// into place, so a reader sees the whole entry or none. Failures are ignored.
    pub(crate) fn put(&self, key: &Key, image: &[u8]) {
        let path = self.path(key);
        let temporary = self.temporary_path();
        let written = (|| -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)?;
            }
            let mut file = fs::File::create(&temporary)?;
            file.write_all(MAGIC)?;
            file.write_all(&(image.len() as u64).to_le_bytes())?;
            file.write_all(&Sha256::digest(image))?;
            file.write_all(image)?;
            drop(file);
            fs::rename(&temporary, &path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
            return;
        }
        self.mark_used(*key);
        self.stored.fetch_add(1, Ordering::Relaxed);
    }

    /// Ends the build's use of the cache: removes a killed build's temporary files
    /// and, while the cache holds more than its limit, the least recently used
    /// entries this build did not use.
    pub(crate) fn finish(&self) -> CacheStats {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let mut entries: Vec<(SystemTime, u64, PathBuf, bool)> = Vec::new();
        let now = SystemTime::now();
        for shard in read_dir(&self.dir) {
            let name = shard.file_name().to_string_lossy().into_owned();
            if name.starts_with(TEMPORARY) {
                let old = shard
                    .metadata()
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| now.duration_since(t).ok())
                    .is_some_and(|age| age > STALE_TEMPORARY);
                if old {
                    let _ = fs::remove_file(shard.path());
                }
                continue;
            }
            if !shard.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            for entry in read_dir(&shard.path()) {
                let Ok(meta) = entry.metadata() else { continue };
                let rest = entry.file_name().to_string_lossy().into_owned();
                let in_use = key_of(&name, &rest).is_some_and(|k| used.contains(&k));
                let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                entries.push((modified, meta.len(), entry.path(), in_use));
            }
        }
        let mut bytes: u64 = entries.iter().map(|e| e.1).sum();
        // Oldest first; the path breaks ties, so eviction does not depend on listing order.
        entries.sort_by(|a, b| (a.0, &a.2).cmp(&(b.0, &b.2)));
        let mut evicted = 0;
        for (_, len, path, in_use) in entries {
            if bytes <= self.max_bytes {
                break;
            }
            if in_use {
                continue;
            }
            if fs::remove_file(&path).is_ok() {
                bytes -= len;
                evicted += 1;
            }
        }
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            stored: self.stored.load(Ordering::Relaxed),
            evicted,
            bytes,
        }
    }
}

/// The image in `entry` when its header says it is whole and its hash matches.
fn checked(entry: &[u8]) -> Option<&[u8]> {
    let (header, image) = (entry.get(..HEADER)?, entry.get(HEADER..)?);
    if &header[..8] != MAGIC {
        return None;
    }
    let len = u64::from_le_bytes(header[8..16].try_into().ok()?);
    if len != image.len() as u64 || header[16..] != Sha256::digest(image)[..] {
        return None;
    }
    Some(image)
}

/// The key an entry's folder and file name spell.
fn key_of(shard: &str, rest: &str) -> Option<Key> {
    let hex = format!("{shard}{rest}");
    if hex.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(Key(key))
}

fn read_dir(dir: &Path) -> Vec<fs::DirEntry> {
    match fs::read_dir(dir) {
        Ok(list) => list.filter_map(Result::ok).collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> Key {
        let mut k = KeyBuilder::new("test");
        k.field(text.as_bytes());
        k.finish()
    }

    #[test]
    fn an_entry_comes_back_as_it_was_stored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ImageCache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
        assert_eq!(cache.get(&key("a")), None);
        cache.put(&key("a"), b"image bytes");
        assert_eq!(cache.get(&key("a")).as_deref(), Some(&b"image bytes"[..]));
        assert_eq!(cache.get(&key("b")), None);
    }

    #[test]
    fn a_truncated_or_damaged_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ImageCache::open(dir.path(), DEFAULT_MAX_BYTES).unwrap();
        cache.put(&key("a"), &[7u8; 1000]);
        let path = cache.path(&key("a"));
        let whole = fs::read(&path).unwrap();
        fs::write(&path, &whole[..whole.len() - 10]).unwrap();
        assert_eq!(cache.get(&key("a")), None, "a truncated entry was used");
        let mut damaged = whole.clone();
        damaged[HEADER + 5] ^= 1;
        fs::write(&path, &damaged).unwrap();
        assert_eq!(cache.get(&key("a")), None, "a damaged entry was used");
        fs::write(&path, b"").unwrap();
        assert_eq!(cache.get(&key("a")), None);
        // Stored again, it is whole.
        cache.put(&key("a"), &[7u8; 1000]);
        assert_eq!(cache.get(&key("a")), Some(vec![7u8; 1000]));
    }

    #[test]
    fn keys_differ_when_any_field_differs_or_fields_split_differently() {
        let mut a = KeyBuilder::new("k");
        a.field(b"ab").field(b"c");
        let mut b = KeyBuilder::new("k");
        b.field(b"a").field(b"bc");
        assert_ne!(a.finish(), b.finish());
        assert_ne!(key("x"), key("y"));
        assert_eq!(key("x"), key("x"));
        assert_eq!(
            key_of(&key("x").hex()[..2], &key("x").hex()[2..]),
            Some(key("x"))
        );
    }

    #[test]
    fn eviction_removes_the_least_recently_used_entries_beyond_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let old = ImageCache::open(dir.path(), u64::MAX).unwrap();
        for (name, age) in [("oldest", 300), ("older", 200), ("recent", 100)] {
            old.put(&key(name), &[1u8; 1000]);
            let file = fs::File::options()
                .write(true)
                .open(old.path(&key(name)))
                .unwrap();
            file.set_modified(SystemTime::now() - Duration::from_secs(age))
                .unwrap();
        }
        // A later build with room for two entries, using only "oldest".
        let cache = ImageCache::open(dir.path(), 2 * (1000 + HEADER as u64)).unwrap();
        assert!(cache.get(&key("oldest")).is_some());
        let stats = cache.finish();
        assert_eq!(stats.evicted, 1);
        assert!(
            cache.path(&key("oldest")).is_file(),
            "an entry in use was evicted"
        );
        assert!(!cache.path(&key("older")).exists());
        assert!(cache.path(&key("recent")).is_file());
    }

    #[test]
    fn an_unwritable_folder_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        fs::write(&file, b"").unwrap();
        let why = ImageCache::open(&file.join("cache"), DEFAULT_MAX_BYTES)
            .err()
            .expect("a folder inside a file cannot be made");
        assert!(why.contains("a-file"), "{why}");
    }
}
