//! Deterministic zip files.
//!
//! The same entries always give the same bytes: entries are sorted by name, every
//! entry has the same timestamp (from `SOURCE_DATE_EPOCH`, or the DOS epoch) and
//! permissions, text is deflated by one backend at one level, and images, already
//! compressed, are stored as they are. Entry names are built from checked slugs only
//! and checked again here.

use crate::base::dates::civil_date;
use std::io::{Cursor, Write};
use std::sync::Arc;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// One file in a kit.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// Path inside the zip, `/`-separated.
    pub name: String,
    /// Contents; shared entries (resized banners) are reference-counted, not copied.
    pub bytes: Arc<[u8]>,
    /// Deflate (text) or store (already compressed images).
    pub compress: bool,
}

impl Entry {
    /// A text file, deflated.
    pub(super) fn text(name: impl Into<String>, text: String) -> Entry {
        Entry {
            name: name.into(),
            bytes: Arc::from(text.into_bytes()),
            compress: true,
        }
    }

    /// An already compressed file (PNG, JPEG), stored.
    pub(super) fn stored(name: impl Into<String>, bytes: Arc<[u8]>) -> Entry {
        Entry {
            name: name.into(),
            bytes,
            compress: false,
        }
    }
}

/// The timestamp of every entry: `SOURCE_DATE_EPOCH` when set, else 1980-01-01 00:00.
pub(super) fn timestamp() -> DateTime {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(dos_time)
        .unwrap_or_default()
}

/// Converts Unix seconds to a ZIP (DOS) timestamp in UTC; `None` outside 1980–2107.
fn dos_time(seconds: i64) -> Option<DateTime> {
    let rest = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_date(seconds.div_euclid(86_400));
    DateTime::from_date_and_time(
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
        u8::try_from(rest / 3600).ok()?,
        u8::try_from(rest % 3600 / 60).ok()?,
        u8::try_from(rest % 60).ok()?,
    )
    .ok()
}

/// True for a safe entry name: `/`-separated parts of ASCII letters, digits, `-`, `_`, `.`.
pub(super) fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && !part.starts_with('.')
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

/// Writes `entries` into a zip, sorted by name.
pub(super) fn write(mut entries: Vec<Entry>, modified: DateTime) -> Result<Vec<u8>, String> {
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(w) = entries.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(format!("two kit entries are both named `{}`", w[0].name));
    }
    let capacity = entries.iter().map(|e| e.bytes.len() + 128).sum::<usize>();
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(capacity)));
    let base = SimpleFileOptions::default()
        .last_modified_time(modified)
        .unix_permissions(0o644);
    for entry in &entries {
        if !is_safe_name(&entry.name) {
            return Err(format!(
                "refusing the unsafe kit entry name `{}`",
                entry.name
            ));
        }
        let options = if entry.compress {
            base.compression_method(CompressionMethod::Deflated)
                .compression_level(Some(6))
        } else {
            base.compression_method(CompressionMethod::Stored)
        };
        zip.start_file(entry.name.as_str(), options)
            .map_err(|e| e.to_string())?;
        zip.write_all(&entry.bytes).map_err(|e| e.to_string())?;
    }
    Ok(zip.finish().map_err(|e| e.to_string())?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_entries_in_any_order_give_the_same_bytes() {
        let a = vec![
            Entry::text("b.txt", "b".into()),
            Entry::stored("a.png", Arc::from(&b"png"[..])),
        ];
        let b = vec![
            Entry::stored("a.png", Arc::from(&b"png"[..])),
            Entry::text("b.txt", "b".into()),
        ];
        let t = DateTime::default();
        assert_eq!(write(a, t).unwrap(), write(b, t).unwrap());
    }

    #[test]
    fn unsafe_or_duplicate_names_are_refused() {
        for bad in ["../x", "/x", "a//b", ".hidden", "a/../b", "a b", "ü.txt"] {
            assert!(!is_safe_name(bad), "{bad}");
            assert!(write(vec![Entry::text(bad, String::new())], DateTime::default()).is_err());
        }
        let dup = vec![
            Entry::text("a", String::new()),
            Entry::text("a", String::new()),
        ];
        assert!(write(dup, DateTime::default()).is_err());
    }

    #[test]
    fn source_date_epoch_converts_to_utc_calendar_time() {
        let t = dos_time(1_764_000_000).unwrap(); // 2025-11-24 16:00:00 UTC
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour(), t.minute()),
            (2025, 11, 24, 16, 0)
        );
        assert!(dos_time(0).is_none(), "1970 is before the ZIP epoch");
    }
}
