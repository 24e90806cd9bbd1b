//! Deterministic zip files, written by refkit itself.
//!
//! The same entries always give the same bytes: entries are sorted by name, every
//! entry has the same timestamp (from `SOURCE_DATE_EPOCH`, or the DOS epoch) and
//! permissions, text is deflated by one backend at one level, and images, already
//! compressed, are stored as they are. Entry names are built from checked slugs only
//! and checked again here.
//!
//! The writer is ours rather than a zip library's because each entry is compressed
//! on its own: a kit's hundreds of stories are deflated on every core at once, and
//! the archive is then laid out around the compressed bytes. The layout is the plain
//! one of PKWARE's APPNOTE: a local header and the data per entry, then the central
//! directory, then its end record. No zip64: an archive that would need it (over
//! 65,535 entries or 4 GiB) is refused.

use std::borrow::Cow;
use std::io::Write;
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::dates::civil_date;

/// The deflate level of text entries. On a kit of 1,000 stories, level 2 made the zip
/// 14% larger than level 6 in half the time; kits are built on every publish and
/// downloaded once.
const LEVEL: u32 = 2;

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

    /// A file deflated, its bytes shared with another use (a file also published).
    pub(super) fn deflated(name: impl Into<String>, bytes: Arc<[u8]>) -> Entry {
        Entry {
            name: name.into(),
            bytes,
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

/// A timestamp as a zip stores it: local-time fields packed into two 16-bit words
/// (refkit writes UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DosTime {
    date: u16,
    time: u16,
}

impl Default for DosTime {
    /// 1980-01-01 00:00:00, the first moment a zip can hold.
    fn default() -> Self {
        DosTime {
            date: (1 << 5) | 1,
            time: 0,
        }
    }
}

impl DosTime {
    /// (year, month, day, hour, minute, second); seconds are stored halved.
    #[cfg(test)]
    fn fields(self) -> (u16, u16, u16, u16, u16, u16) {
        (
            1980 + (self.date >> 9),
            (self.date >> 5) & 0xf,
            self.date & 0x1f,
            self.time >> 11,
            (self.time >> 5) & 0x3f,
            (self.time & 0x1f) * 2,
        )
    }
}

/// The timestamp of every entry: `source_date_epoch` when set (and within the years
/// a zip can hold), else 1980-01-01 00:00.
pub(super) fn timestamp(source_date_epoch: Option<i64>) -> DosTime {
    source_date_epoch.and_then(dos_time).unwrap_or_default()
}

/// Converts Unix seconds to a ZIP (DOS) timestamp in UTC; `None` outside 1980–2107.
fn dos_time(seconds: i64) -> Option<DosTime> {
    let rest = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_date(seconds.div_euclid(86_400));
    if !(1980..=2107).contains(&year) {
        return None;
    }
    let year = u16::try_from(year - 1980).ok()?;
    let (month, day) = (u16::try_from(month).ok()?, u16::try_from(day).ok()?);
    let (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60);
    Some(DosTime {
        date: (year << 9) | (month << 5) | day,
        time: u16::try_from((hour << 11) | (minute << 5) | (second / 2)).ok()?,
    })
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

/// An entry ready to lay out: its CRC-32, method and the bytes the archive holds.
struct Packed<'a> {
    name: &'a str,
    crc: u32,
    method: u16,
    size: u32,
    data: Cow<'a, [u8]>,
}

const STORED: u16 = 0;
const DEFLATED: u16 = 8;
/// Version 2.0 of the format: deflate and directories, nothing newer.
const VERSION: u16 = 20;
/// "Made by" Unix (3), version 2.0: readers then apply the permissions below.
const MADE_BY_UNIX: u16 = (3 << 8) | VERSION;
/// A regular file, `rw-r--r--`, in the high half of the external attributes.
const FILE_MODE: u32 = 0o100_644 << 16;

fn pack(entry: &Entry) -> Result<Packed<'_>, String> {
    let too_big = || format!("the kit entry `{}` is over 4 GiB", entry.name);
    let size = below_zip64(entry.bytes.len()).ok_or_else(too_big)?;
    if u16::try_from(entry.name.len()).is_err() {
        return Err(format!("the kit entry name `{}` is too long", entry.name));
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(&entry.bytes);
    let (method, data) = if entry.compress {
        let mut encoder = flate2::write::DeflateEncoder::new(
            Vec::with_capacity(entry.bytes.len() / 3 + 64),
            flate2::Compression::new(LEVEL),
        );
        encoder
            .write_all(&entry.bytes)
            .and_then(|()| encoder.finish())
            .map(|data| (DEFLATED, Cow::Owned(data)))
            .map_err(|e| format!("could not compress `{}`: {e}", entry.name))?
    } else {
        (STORED, Cow::Borrowed(&entry.bytes[..]))
    };
    below_zip64(data.len()).ok_or_else(too_big)?;
    Ok(Packed {
        name: &entry.name,
        crc: crc.finalize(),
        method,
        size,
        data,
    })
}

/// `n` as a size or offset field; `None` from 0xFFFF_FFFF up, which means "see the
/// zip64 record" (refkit does not write one).
fn below_zip64(n: usize) -> Option<u32> {
    u32::try_from(n).ok().filter(|&n| n < u32::MAX)
}

/// Writes `entries` into a zip, sorted by name, deflating text entries in parallel.
pub(super) fn write(mut entries: Vec<Entry>, modified: DosTime) -> Result<Vec<u8>, String> {
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(w) = entries.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(format!("two kit entries are both named `{}`", w[0].name));
    }
    if let Some(bad) = entries.iter().find(|e| !is_safe_name(&e.name)) {
        return Err(format!("refusing the unsafe kit entry name `{}`", bad.name));
    }
    // 0xFFFF and 0xFFFF_FFFF mean "see the zip64 record", which refkit does not write.
    let count = u16::try_from(entries.len())
        .ok()
        .filter(|&n| n < u16::MAX)
        .ok_or_else(|| format!("a kit cannot hold {} files", entries.len()))?;
    let packed: Vec<Result<Packed<'_>, String>> =
        entries.par_iter().with_min_len(8).map(pack).collect();
    // The first failure in name order, whichever thread met it first.
    let packed: Vec<Packed<'_>> = packed.into_iter().collect::<Result<_, _>>()?;

    let header_bytes: usize = packed.iter().map(|p| 30 + 46 + 2 * p.name.len()).sum();
    let data_bytes: usize = packed.iter().map(|p| p.data.len()).sum();
    let mut out = Vec::with_capacity(header_bytes + data_bytes + 22);
    let offset_error = || "a kit over 4 GiB cannot be zipped".to_owned();
    let offset = below_zip64;
    let mut offsets = Vec::with_capacity(packed.len());
    for p in &packed {
        offsets.push(offset(out.len()).ok_or_else(offset_error)?);
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, VERSION);
        common_fields(&mut out, p, modified);
        put16(&mut out, 0); // no extra field
        out.extend_from_slice(p.name.as_bytes());
        out.extend_from_slice(&p.data);
    }
    let directory = offset(out.len()).ok_or_else(offset_error)?;
    for (p, offset) in packed.iter().zip(offsets) {
        put32(&mut out, 0x0201_4b50);
        put16(&mut out, MADE_BY_UNIX);
        put16(&mut out, VERSION);
        common_fields(&mut out, p, modified);
        put16(&mut out, 0); // extra field
        put16(&mut out, 0); // comment
        put16(&mut out, 0); // disk number
        put16(&mut out, 0); // internal attributes
        put32(&mut out, FILE_MODE);
        put32(&mut out, offset);
        out.extend_from_slice(p.name.as_bytes());
    }
    let directory_size = offset(out.len()).ok_or_else(offset_error)? - directory;
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0); // this disk
    put16(&mut out, 0); // the directory's disk
    put16(&mut out, count);
    put16(&mut out, count);
    put32(&mut out, directory_size);
    put32(&mut out, directory);
    put16(&mut out, 0); // comment
    Ok(out)
}

/// The fields local headers and directory entries share, from the flags to the
/// name's length.
fn common_fields(out: &mut Vec<u8>, p: &Packed<'_>, modified: DosTime) {
    put16(out, 0); // flags: names are ASCII, sizes known up front
    put16(out, p.method);
    put16(out, modified.time);
    put16(out, modified.date);
    put32(out, p.crc);
    // All three fit: `pack` checked them.
    put32(out, p.data.len() as u32);
    put32(out, p.size);
    put16(out, p.name.len() as u16);
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
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
        let t = DosTime::default();
        assert_eq!(write(a, t).unwrap(), write(b, t).unwrap());
    }

    #[test]
    fn entries_are_stamped_with_source_date_epoch_within_the_years_a_zip_holds() {
        let t = timestamp(Some(1_764_547_261));
        assert_eq!(t.fields(), (2025, 12, 1, 0, 1, 0));
        assert_eq!(timestamp(None), DosTime::default());
        assert_eq!(DosTime::default().fields(), (1980, 1, 1, 0, 0, 0));
        assert_eq!(
            timestamp(Some(0)),
            DosTime::default(),
            "1970 is before zip time"
        );
    }

    #[test]
    fn a_zip_reader_gets_back_every_entry_with_its_method_mode_and_time() {
        let long: String = "Партнёрство на годы. ".repeat(400);
        let entries = vec![
            Entry::text("stories/a.txt", long.clone()),
            Entry::stored("images/b.png", Arc::from(&b"\x89PNG not really"[..])),
            Entry::text("README.txt", String::new()),
        ];
        let bytes = write(entries, timestamp(Some(1_764_547_261))).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 3);
        let mut read = |name: &str| {
            let mut file = archive.by_name(name).unwrap();
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut body).unwrap();
            let t = file.last_modified().unwrap();
            (
                file.compression(),
                file.unix_mode(),
                (t.year(), t.month(), t.day(), t.minute()),
                body,
            )
        };
        let (method, mode, time, body) = read("stories/a.txt");
        assert_eq!(method, zip::CompressionMethod::Deflated);
        assert_eq!(mode, Some(0o100_644));
        assert_eq!(time, (2025, 12, 1, 1));
        assert_eq!(body, long.as_bytes());
        let (method, _, _, body) = read("images/b.png");
        assert_eq!(method, zip::CompressionMethod::Stored);
        assert_eq!(body, b"\x89PNG not really");
        assert!(read("README.txt").3.is_empty());
    }

    #[test]
    fn unsafe_or_duplicate_names_are_refused() {
        for bad in ["../x", "/x", "a//b", ".hidden", "a/../b", "a b", "ü.txt"] {
            assert!(!is_safe_name(bad), "{bad}");
            assert!(write(vec![Entry::text(bad, String::new())], DosTime::default()).is_err());
        }
        let dup = vec![
            Entry::text("a", String::new()),
            Entry::text("a", String::new()),
        ];
        assert!(write(dup, DosTime::default()).is_err());
    }

    #[test]
    fn source_date_epoch_converts_to_utc_calendar_time() {
        let t = dos_time(1_764_000_000).unwrap(); // 2025-11-24 16:00:00 UTC
        assert_eq!(t.fields(), (2025, 11, 24, 16, 0, 0));
        assert!(dos_time(0).is_none(), "1970 is before the ZIP epoch");
    }
}
