//! PNG banners whose QR band is re-encoded per partner, the rest once.
//!
//! A banner variant with a partner's QR code differs from the shared banner only in
//! a band of rows, `[top, bottom)`, that holds the code. The image data of a PNG is one
//! zlib stream, and a deflate stream may be cut into parts compressed separately as
//! long as every part but the last ends on a byte boundary without ending the stream
//! (a sync flush). So the stream is made of three parts:
//!
//! - the rows above the band, compressed once, sync-flushed;
//! - the band, compressed per partner: sync-flushed, or ending the stream when it
//!   reaches the bottom of the image;
//! - the rows below the band, compressed once, ending the stream.
//!
//! Every row uses the `Sub` filter, which looks only at its own row, so no row depends
//! on a row of another part. The zlib trailer is the Adler-32 checksum of all the
//! filtered rows: per partner it is continued from the state after the rows above and
//! then joined with the checksum of the rows below, computed once. The result is an
//! ordinary PNG that any decoder reads.

use std::ops::Range;

use flate2::{Compress, Compression, FlushCompress, Status};

use super::Size;

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// zlib header: deflate with a 32 KiB window, "maximum compression" level hint.
const ZLIB_HEADER: [u8; 2] = [0x78, 0xDA];

/// A banner prepared for per-partner bands.
#[derive(Debug, Clone)]
pub(crate) struct BandedPng {
    width: usize,
    /// The rows encoded per partner.
    rows: Range<usize>,
    /// Signature, IHDR and one IDAT holding the zlib header and the rows above the band.
    head: Vec<u8>,
    /// Adler-32 state after the rows above the band.
    above: Adler32,
    /// The rows below the band, if any.
    below: Option<Below>,
}

/// The rows below the band, compressed once.
#[derive(Debug, Clone)]
struct Below {
    /// A whole IDAT chunk holding their deflate part, which ends the stream.
    chunk: Vec<u8>,
    /// Adler-32 of their filtered bytes alone.
    adler: Adler32,
    /// How many filtered bytes they are.
    len: u64,
}

impl BandedPng {
    /// Prepares RGB `pixels` of `size`; rows `[top, bottom)` are encoded per partner.
    ///
    /// `top == 0` leaves nothing above the band and `bottom == size.height` nothing
    /// below it. An empty band (`top == bottom`) is allowed and yields the image
    /// itself; `bottom` is capped at the height and `top` at `bottom`.
    pub(crate) fn new(pixels: &[u8], size: Size, top: usize, bottom: usize) -> BandedPng {
        let width = size.width as usize;
        let height = size.height as usize;
        debug_assert!(
            top <= bottom && bottom <= height,
            "band {top}..{bottom} outside 0..{height}"
        );
        let bottom = bottom.min(height);
        let top = top.min(bottom);
        let row_bytes = width * 3;
        debug_assert_eq!(pixels.len(), height * row_bytes);

        let filtered = filter_rows(&pixels[..top * row_bytes], width);
        let mut above = Adler32::new();
        above.update(&filtered);
        let mut idat = Vec::with_capacity(filtered.len() / 4 + 16);
        idat.extend_from_slice(&ZLIB_HEADER);
        idat.extend_from_slice(&deflate(&filtered, Compression::default(), false));
        let mut head = Vec::with_capacity(idat.len() + 64);
        head.extend_from_slice(SIGNATURE);
        let mut ihdr = Vec::with_capacity(13);
        ihdr.extend_from_slice(&size.width.to_be_bytes());
        ihdr.extend_from_slice(&size.height.to_be_bytes());
        // 8 bits per channel, RGB, deflate, adaptive filtering, no interlace.
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut head, b"IHDR", &ihdr);
        chunk(&mut head, b"IDAT", &idat);

        let below = (bottom < height).then(|| {
            let filtered = filter_rows(&pixels[bottom * row_bytes..], width);
            let mut adler = Adler32::new();
            adler.update(&filtered);
            let mut chunk_bytes = Vec::new();
            chunk(
                &mut chunk_bytes,
                b"IDAT",
                &deflate(&filtered, Compression::default(), true),
            );
            Below {
                chunk: chunk_bytes,
                adler,
                len: filtered.len() as u64,
            }
        });

        BandedPng {
            width,
            rows: top..bottom,
            head,
            above,
            below,
        }
    }

    /// The rows `encode` expects, `[top, bottom)`.
    pub(crate) fn rows(&self) -> Range<usize> {
        self.rows.clone()
    }

    /// The whole PNG with `band` (the RGB rows `[top, bottom)`) in place.
    pub(crate) fn encode(&self, band: &[u8]) -> Vec<u8> {
        debug_assert_eq!(band.len(), self.rows.len() * self.width * 3);
        let filtered = filter_rows(band, self.width);
        let mut adler = self.above;
        adler.update(&filtered);
        let compressed = deflate(&filtered, Compression::fast(), self.below.is_none());
        let below_len = self.below.as_ref().map_or(0, |b| b.chunk.len());
        let mut out = Vec::with_capacity(self.head.len() + compressed.len() + below_len + 48);
        out.extend_from_slice(&self.head);
        chunk(&mut out, b"IDAT", &compressed);
        if let Some(below) = &self.below {
            out.extend_from_slice(&below.chunk);
            adler = adler.followed_by(below.adler, below.len);
        }
        // The zlib trailer may sit in a chunk of its own: decoders join all IDAT data.
        chunk(&mut out, b"IDAT", &adler.value().to_be_bytes());
        chunk(&mut out, b"IEND", &[]);
        out
    }
}

/// Raw deflate of `data` as one part of a longer stream: the last part ends the
/// stream, any other ends with a sync flush (byte-aligned, stream still open).
fn deflate(data: &[u8], level: Compression, last: bool) -> Vec<u8> {
    let mut deflater = Compress::new(level, false);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let read = usize::try_from(deflater.total_in()).expect("input is in memory");
        let status = deflater
            .compress_vec(&data[read..], &mut out, flush)
            .expect("deflating in memory cannot fail");
        let all_read =
            usize::try_from(deflater.total_in()).expect("input is in memory") == data.len();
        // A flush is complete once all input is read and the output was not filled up.
        let done = match status {
            Status::StreamEnd => true,
            Status::Ok | Status::BufError => !last && all_read && out.len() < out.capacity(),
        };
        if done {
            return out;
        }
        out.reserve(out.capacity().max(64));
    }
}

/// PNG rows with the `Sub` filter: each byte minus the same channel of the pixel to its left.
fn filter_rows(pixels: &[u8], width: usize) -> Vec<u8> {
    let row_bytes = width * 3;
    let rows = pixels.len() / row_bytes.max(1);
    let mut out = vec![0u8; rows * (row_bytes + 1)];
    for (dst, row) in out
        .chunks_exact_mut(row_bytes + 1)
        .zip(pixels.chunks_exact(row_bytes))
    {
        dst[0] = 1;
        let first = 3.min(row.len());
        dst[1..1 + first].copy_from_slice(&row[..first]);
        // Slices of equal length, so the compiler drops the bounds checks and
        // vectorises the subtraction.
        for ((d, now), left) in dst[1 + first..].iter_mut().zip(&row[first..]).zip(row) {
            *d = now.wrapping_sub(*left);
        }
    }
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// The zlib checksum, resumable and joinable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Adler32 {
    /// 1 plus the sum of the bytes, modulo `MOD`.
    a: u32,
    /// The sum of every value `a` took after a byte, modulo `MOD`.
    b: u32,
}

impl Adler32 {
    const MOD: u32 = 65_521;

    fn new() -> Adler32 {
        Adler32 { a: 1, b: 0 }
    }

    fn update(&mut self, bytes: &[u8]) {
        // 5552 is the most bytes that can be summed before `b` could overflow u32.
        for block in bytes.chunks(5552) {
            for &byte in block {
                self.a += u32::from(byte);
                self.b += self.a;
            }
            self.a %= Self::MOD;
            self.b %= Self::MOD;
        }
    }

    /// The checksum of this data followed by `len` more bytes whose own checksum is
    /// `next`, without seeing those bytes.
    ///
    /// Running the second part's bytes from this state instead of from (1, 0) adds
    /// `self.a - 1` to every value `a` takes there: `a` grows by that once, and `b`,
    /// which sums those `len` values of `a`, grows by `len` times it.
    fn followed_by(self, next: Adler32, len: u64) -> Adler32 {
        let m = u64::from(Self::MOD);
        let shift = (u64::from(self.a) + m - 1) % m;
        let a = (shift + u64::from(next.a)) % m;
        let b = (u64::from(self.b) + u64::from(next.b) + (len % m) * shift) % m;
        Adler32 {
            a: a as u32,
            b: b as u32,
        }
    }

    fn value(self) -> u32 {
        (self.b << 16) | self.a
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    /// Bytes that look random enough for checksums and compression, the same every run.
    fn noise(len: usize, seed: u32) -> Vec<u8> {
        let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state >> 24) as u8
            })
            .collect()
    }

    /// A picture with smooth areas and noisy ones, so every part compresses differently.
    fn picture(size: Size) -> Vec<u8> {
        let (w, h) = (size.width as usize, size.height as usize);
        let grain = noise(w * h * 3, 7);
        (0..w * h * 3)
            .map(|i| {
                let (x, y) = ((i / 3) % w, (i / 3) / w);
                if (x / 8 + y / 8) % 2 == 0 {
                    (x * 5 + y * 3 + i % 3 * 60) as u8
                } else {
                    grain[i]
                }
            })
            .collect()
    }

    /// The zlib stream of a PNG: the data of its IDAT chunks, joined.
    fn zlib_stream(png: &[u8]) -> Vec<u8> {
        let mut stream = Vec::new();
        let mut at = SIGNATURE.len();
        while at < png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            if &png[at + 4..at + 8] == b"IDAT" {
                stream.extend_from_slice(&png[at + 8..at + 8 + len]);
            }
            at += 12 + len;
        }
        stream
    }

    fn check(size: Size, top: usize, bottom: usize) {
        let row_bytes = size.width as usize * 3;
        let pixels = picture(size);
        let banded = BandedPng::new(&pixels, size, top, bottom);
        assert_eq!(banded.rows(), top..bottom);
        let mut band = pixels[top * row_bytes..bottom * row_bytes].to_vec();
        // A partner's band: a patch of it changed.
        for byte in band.iter_mut().step_by(5) {
            *byte = !*byte;
        }
        let png = banded.encode(&band);
        assert_eq!(png, banded.encode(&band), "the same band, the same bytes");

        let mut expected = pixels.clone();
        expected[top * row_bytes..bottom * row_bytes].copy_from_slice(&band);
        let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(decoded.dimensions(), (size.width, size.height));
        assert!(
            decoded.as_raw() == &expected,
            "band {top}..{bottom}: decoded pixels differ"
        );

        // zlib itself checks the Adler-32 trailer, which not every PNG decoder does.
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(zlib_stream(&png).as_slice())
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated, filter_rows(&expected, size.width as usize));
    }

    #[test]
    fn banded_png_decodes_to_the_same_pixels_for_any_band() {
        let size = Size {
            width: 37,
            height: 23,
        };
        for (top, bottom) in [
            (15, 23),
            (5, 12),
            (0, 9),
            (0, 23),
            (22, 23),
            (0, 1),
            (10, 11),
        ] {
            check(size, top, bottom);
        }
    }

    #[test]
    fn an_empty_band_gives_the_image_itself() {
        let size = Size {
            width: 37,
            height: 23,
        };
        for at in [0, 9, 23] {
            check(size, at, at);
        }
    }

    #[test]
    fn parts_longer_than_the_checksum_blocks_join_correctly() {
        // 300 px rows are 901 filtered bytes: the parts span several 5552-byte blocks
        // and, below the band, more than 65521 bytes.
        let size = Size {
            width: 300,
            height: 120,
        };
        check(size, 7, 40);
        check(size, 90, 120);
    }

    #[test]
    fn adler_matches_the_known_value() {
        let mut a = Adler32::new();
        a.update(b"Wikipedia");
        assert_eq!(a.value(), 0x11E6_0398);
    }

    #[test]
    fn joined_checksums_equal_the_checksum_of_the_joined_data() {
        let lengths = [
            0, 1, 2, 100, 5551, 5552, 5553, 20_000, 65_520, 65_521, 65_522, 200_003,
        ];
        for (i, &first) in lengths.iter().enumerate() {
            for (j, &second) in lengths.iter().enumerate() {
                let data = noise(first + second, (i * 31 + j) as u32);
                let (head, tail) = data.split_at(first);
                let mut whole = Adler32::new();
                whole.update(&data);
                let mut a = Adler32::new();
                a.update(head);
                let mut b = Adler32::new();
                b.update(tail);
                assert_eq!(
                    a.followed_by(b, tail.len() as u64),
                    whole,
                    "{first} bytes then {second}"
                );
            }
        }
        // All 0xFF pushes `a` and `b` around the modulus as fast as bytes can.
        let data = vec![0xFF; 140_000];
        let (head, tail) = data.split_at(70_001);
        let (mut whole, mut a, mut b) = (Adler32::new(), Adler32::new(), Adler32::new());
        whole.update(&data);
        a.update(head);
        b.update(tail);
        assert_eq!(a.followed_by(b, tail.len() as u64), whole);
    }
}
