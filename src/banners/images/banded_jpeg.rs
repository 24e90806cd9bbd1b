//! JPEG banners whose partner band is encoded per partner, the rest once.
//!
//! The JPEG counterpart of [`super::banded`]. The image is encoded with a restart
//! marker after every row of 16×16 blocks (4:2:0 sampling): at a restart the DC
//! predictions start over, so each block row's entropy-coded bytes depend on that
//! row's pixels alone. The shared image is encoded once and cut at its restart markers;
//! per partner only the block rows the band touches are encoded (as a small image of
//! their own, with the same tables) and spliced in, the markers numbered again. The
//! result is byte for byte the JPEG a whole encode of the partner's image would give.

use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

use super::Size;

/// Quality of every JPEG refkit writes.
pub(crate) const QUALITY: u8 = 88;
/// Height of a block row with 4:2:0 sampling.
const ROW: usize = 16;

/// Encodes RGB `pixels` of `size` as refkit's JPEG: quality [`QUALITY`], 4:2:0,
/// standard tables, a restart marker after every block row, no metadata.
pub(crate) fn encode(pixels: &[u8], size: Size) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixels.len() / 8);
    let mut encoder = Encoder::new(&mut out, QUALITY);
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    let per_row = (size.width as usize).div_ceil(ROW);
    encoder.set_restart_interval(u16::try_from(per_row).unwrap_or(u16::MAX));
    let (w, h) = (
        u16::try_from(size.width).expect("kit sizes are at most 4,096 pixels"),
        u16::try_from(size.height).expect("kit sizes are at most 4,096 pixels"),
    );
    encoder
        .encode(pixels, w, h, ColorType::Rgb)
        .expect("RGB pixels of the stated size encode");
    out
}

/// A JPEG cut at its restart markers.
#[derive(Debug, Clone)]
pub(crate) struct BandedJpeg {
    size: Size,
    /// Everything up to and including the start-of-scan header.
    head: Vec<u8>,
    /// The entropy-coded bytes of each block row, without markers.
    rows: Vec<Vec<u8>>,
}

impl BandedJpeg {
    /// Encodes `pixels` once and cuts the result into block rows.
    pub(crate) fn new(pixels: &[u8], size: Size) -> BandedJpeg {
        let (head, rows) = cut(&encode(pixels, size));
        BandedJpeg { size, head, rows }
    }

    /// The block rows (in pixel rows) that cover pixel rows `top..bottom`.
    pub(crate) fn rows_for(&self, top: usize, bottom: usize) -> (usize, usize) {
        let height = self.size.height as usize;
        let first = (top / ROW) * ROW;
        let last = (bottom.div_ceil(ROW) * ROW).min(height);
        (first.min(height), last.max(first))
    }

    /// The whole JPEG with pixel rows `top..bottom` replaced by `band` (RGB rows),
    /// where `top..bottom` is what [`BandedJpeg::rows_for`] returned.
    pub(crate) fn encode(&self, band: &[u8], top: usize, bottom: usize) -> Vec<u8> {
        debug_assert_eq!(top % ROW, 0);
        let band_size = Size {
            width: self.size.width,
            height: u32::try_from(bottom - top).unwrap_or(0),
        };
        if band_size.height == 0 {
            return self.join(&self.rows.iter().map(Vec::as_slice).collect::<Vec<_>>());
        }
        let (_, fresh) = cut(&encode(band, band_size));
        let first = top / ROW;
        let mut rows: Vec<&[u8]> = Vec::with_capacity(self.rows.len());
        rows.extend(self.rows[..first].iter().map(Vec::as_slice));
        rows.extend(fresh.iter().map(Vec::as_slice));
        let after = first + fresh.len();
        rows.extend(
            self.rows[after.min(self.rows.len())..]
                .iter()
                .map(Vec::as_slice),
        );
        self.join(&rows)
    }

    fn join(&self, rows: &[&[u8]]) -> Vec<u8> {
        let total: usize = rows.iter().map(|r| r.len() + 2).sum();
        let mut out = Vec::with_capacity(self.head.len() + total + 2);
        out.extend_from_slice(&self.head);
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                // RST0 … RST7, in turn.
                out.extend_from_slice(&[0xFF, 0xD0 + ((i - 1) % 8) as u8]);
            }
            out.extend_from_slice(row);
        }
        out.extend_from_slice(&[0xFF, 0xD9]);
        out
    }
}

/// Splits a JPEG from [`encode`] into its headers (through the scan header) and the
/// entropy-coded bytes between its restart markers.
fn cut(jpeg: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    // Walk the marker segments to the start of scan (FFDA) and past its header.
    let mut i = 2;
    while i + 4 <= jpeg.len() {
        let marker = jpeg[i + 1];
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        i += 2 + len;
        if marker == 0xDA {
            break;
        }
    }
    let head = jpeg[..i].to_vec();
    let mut rows = Vec::new();
    let mut start = i;
    let mut j = i;
    while j + 1 < jpeg.len() {
        if jpeg[j] == 0xFF {
            let next = jpeg[j + 1];
            if (0xD0..=0xD7).contains(&next) || next == 0xD9 {
                rows.push(jpeg[start..j].to_vec());
                start = j + 2;
                if next == 0xD9 {
                    break;
                }
            }
            // FF 00 is a stuffed data byte; skip both.
            j += 2;
        } else {
            j += 1;
        }
    }
    (head, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(size: Size, seed: u32) -> Vec<u8> {
        let (w, h) = (size.width as usize, size.height as usize);
        let mut px = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                let v = (x * 7 + y * 13) as u32 ^ seed.wrapping_mul(2_654_435_761);
                px.extend_from_slice(&[
                    (v % 251) as u8,
                    ((x * 3) % 256) as u8,
                    ((y * 5 + seed as usize) % 256) as u8,
                ]);
            }
        }
        px
    }

    #[test]
    fn a_spliced_band_gives_the_bytes_of_a_whole_encode() {
        for (w, h) in [(200u32, 120u32), (1080, 203)] {
            let size = Size {
                width: w,
                height: h,
            };
            let base = picture(size, 1);
            let banded = BandedJpeg::new(&base, size);
            assert_eq!(
                banded.join(&banded.rows.iter().map(Vec::as_slice).collect::<Vec<_>>()),
                encode(&base, size)
            );
            for (top, bottom) in [(0, 10), (40, 90), (100, h as usize), (17, 33)] {
                let (top, bottom) = banded.rows_for(top, bottom);
                let row = w as usize * 3;
                let mut changed = base.clone();
                let other = picture(size, 9);
                changed[top * row..bottom * row].copy_from_slice(&other[top * row..bottom * row]);
                let spliced = banded.encode(&changed[top * row..bottom * row], top, bottom);
                assert_eq!(
                    spliced,
                    encode(&changed, size),
                    "{w}x{h} rows {top}..{bottom}"
                );
                let decoded = image::load_from_memory(&spliced).unwrap();
                assert_eq!((decoded.width(), decoded.height()), (w, h));
            }
        }
    }
}
