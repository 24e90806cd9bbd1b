//! PNG banners whose QR corner is re-encoded per partner, the rest once.
//!
//! A banner variant with a partner's QR code differs from the shared banner only in
//! the band of rows that holds the code. The rows above it are filtered and deflated
//! once, ending with a sync flush so that a separately compressed band can follow in
//! the same zlib stream; every row uses the `Sub` filter, which looks only at its own
//! row, so no row depends on a row of the other band. Per partner, only the band is
//! compressed and the Adler-32 checksum continued from the shared state. The result is
//! an ordinary PNG that any decoder reads.

use std::io::Write;

use flate2::write::DeflateEncoder;
use flate2::Compression;

use super::Size;

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A banner prepared for per-partner bands.
#[derive(Debug, Clone)]
pub(crate) struct BandedPng {
    width: usize,
    /// Signature, IHDR and one IDAT holding the zlib header and the shared rows.
    head: Vec<u8>,
    /// Adler-32 state after the shared rows.
    adler: Adler32,
}

impl BandedPng {
    /// Prepares RGB `pixels` of `size`; rows from `split` on are encoded per partner.
    pub(crate) fn new(pixels: &[u8], size: Size, split: usize) -> BandedPng {
        let width = size.width as usize;
        let height = size.height as usize;
        let split = split.min(height);
        let filtered = filter_rows(&pixels[..split * width * 3], width);
        let mut adler = Adler32::new();
        adler.update(&filtered);
        let mut encoder =
            DeflateEncoder::new(Vec::with_capacity(filtered.len() / 4), Compression::best());
        encoder
            .write_all(&filtered)
            .expect("writing to memory cannot fail");
        // A sync flush ends the shared part on a byte boundary without ending the stream.
        encoder.flush().expect("writing to memory cannot fail");
        let shared = encoder.get_ref().clone();
        let mut idat = Vec::with_capacity(shared.len() + 2);
        idat.extend_from_slice(&[0x78, 0xDA]);
        idat.extend_from_slice(&shared);
        let mut head = Vec::with_capacity(idat.len() + 64);
        head.extend_from_slice(SIGNATURE);
        let mut ihdr = Vec::with_capacity(13);
        ihdr.extend_from_slice(&size.width.to_be_bytes());
        ihdr.extend_from_slice(&size.height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(&mut head, b"IHDR", &ihdr);
        chunk(&mut head, b"IDAT", &idat);
        BandedPng { width, head, adler }
    }

    /// The whole PNG with `band` (RGB rows from `split` to the bottom) in place.
    pub(crate) fn encode(&self, band: &[u8]) -> Vec<u8> {
        let filtered = filter_rows(band, self.width);
        let mut adler = self.adler;
        adler.update(&filtered);
        let mut encoder =
            DeflateEncoder::new(Vec::with_capacity(filtered.len() / 3), Compression::fast());
        encoder
            .write_all(&filtered)
            .expect("writing to memory cannot fail");
        let mut tail = encoder.finish().expect("writing to memory cannot fail");
        tail.extend_from_slice(&adler.value().to_be_bytes());
        let mut out = Vec::with_capacity(self.head.len() + tail.len() + 32);
        out.extend_from_slice(&self.head);
        chunk(&mut out, b"IDAT", &tail);
        chunk(&mut out, b"IEND", &[]);
        out
    }
}

/// PNG rows with the `Sub` filter: each byte minus the same channel of the pixel to its left.
fn filter_rows(pixels: &[u8], width: usize) -> Vec<u8> {
    let row_bytes = width * 3;
    let rows = pixels.len() / row_bytes.max(1);
    let mut out = Vec::with_capacity(rows * (row_bytes + 1));
    for row in pixels.chunks_exact(row_bytes) {
        out.push(1);
        out.extend_from_slice(&row[..3.min(row.len())]);
        for i in 3..row.len() {
            out.push(row[i].wrapping_sub(row[i - 3]));
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

/// The zlib checksum, resumable.
#[derive(Debug, Clone, Copy)]
struct Adler32 {
    a: u32,
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

    fn value(self) -> u32 {
        (self.b << 16) | self.a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banded_png_decodes_to_the_same_pixels() {
        let size = Size {
            width: 37,
            height: 23,
        };
        let pixels: Vec<u8> = (0..37 * 23 * 3).map(|i| (i * 7 % 251) as u8).collect();
        let banded = BandedPng::new(&pixels, size, 15);
        let mut band = pixels[15 * 37 * 3..].to_vec();
        band[5] = 0;
        let png = banded.encode(&band);
        let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
        let mut expected = pixels.clone();
        expected[15 * 37 * 3 + 5] = 0;
        assert_eq!(decoded.as_raw(), &expected);
    }

    #[test]
    fn adler_matches_the_known_value() {
        let mut a = Adler32::new();
        a.update(b"Wikipedia");
        assert_eq!(a.value(), 0x11E6_0398);
    }
}
