//! Kit images: banners resized once for everyone, QR codes made per partner.
//!
//! Every banner is decoded once and resized once per configured size, with a cover
//! crop (fill the frame, crop the overflow around a focus point); those bytes go into
//! every partner's kit unchanged. Only the QR code and the banner variants with the QR
//! code in a corner depend on the partner. Dimensions are read from the header and
//! checked before anything is decoded. Resizing runs without CPU-specific SIMD paths so
//! the pixels, and therefore the kit bytes, are the same on every machine.

pub(crate) mod banded;
pub(crate) mod banded_jpeg;

use std::path::Path;

use fast_image_resize as fr;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageReader, Limits, RgbImage,
};
use qrcode::{Color, EcLevel, QrCode};

use crate::base::diagnostics::Diagnostic;
use crate::model::documents::Banner;

/// Longest side refkit decodes.
pub(crate) const MAX_SIDE: u32 = 12_000;
/// Most pixels refkit decodes (40 megapixels).
pub(crate) const MAX_PIXELS: u64 = 40_000_000;

/// An output size, e.g. 1200×630.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Size {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// The file format a banner keeps through resizing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Lossless, for flat graphics.
    Png,
    /// Lossy, for photographs.
    Jpeg,
}

impl Format {
    /// File extension without the dot.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpg",
        }
    }
}

/// A banner resized to one size: shared by every kit.
#[derive(Debug)]
pub(crate) struct Resized {
    /// The banner's slug (its file name without extension).
    pub banner: String,
    /// The size.
    pub size: Size,
    /// Kept format.
    pub format: Format,
    /// RGB pixels, row by row.
    pub pixels: Vec<u8>,
    /// The encoded file, shared by every kit.
    pub bytes: std::sync::Arc<[u8]>,
    /// For PNG banners: the rows outside the QR band, compressed once.
    pub banded: Option<banded::BandedPng>,
    /// For JPEG banners: the block rows outside the QR band, encoded once.
    pub jpeg: Option<banded_jpeg::BandedJpeg>,
}

impl Resized {
    /// File name inside a kit, e.g. `banner-growth-1200x630.png`.
    pub(crate) fn file_name(&self) -> String {
        format!("{}-{}.{}", self.banner, self.size, self.format.extension())
    }

    /// File name of the variant carrying a QR code.
    pub(crate) fn qr_file_name(&self) -> String {
        format!(
            "{}-{}-qr.{}",
            self.banner,
            self.size,
            self.format.extension()
        )
    }
}

/// Reads the dimensions from the header only and checks them against the limits.
pub(crate) fn check_header(path: &Path, shown: &Path) -> Result<(u32, u32), Diagnostic> {
    let reader = ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| Diagnostic::error(shown, format!("could not open the image: {e}")))?;
    let (width, height) = reader.into_dimensions().map_err(|e| {
        Diagnostic::error(
            shown,
            format!("the image is corrupt or not a PNG or JPEG: {e}"),
        )
        .help("re-export it as PNG or JPEG")
    })?;
    if width == 0
        || height == 0
        || width > MAX_SIDE
        || height > MAX_SIDE
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(Diagnostic::error(
            shown,
            format!("the image is {width}×{height} pixels; banners may be at most {MAX_SIDE} pixels a side and 40 megapixels"),
        )
        .help("scale it down before adding it; kits use at most 1080×1920"));
    }
    Ok((width, height))
}

/// Decodes a banner after checking its header.
pub(crate) fn decode(banner: &Banner, shown: &Path) -> Result<(RgbImage, Format), Diagnostic> {
    check_header(&banner.path, shown)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    let mut reader = ImageReader::open(&banner.path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| Diagnostic::error(shown, format!("could not open the image: {e}")))?;
    let format = match reader.format() {
        Some(image::ImageFormat::Png) => Format::Png,
        Some(image::ImageFormat::Jpeg) => Format::Jpeg,
        _ => {
            return Err(
                Diagnostic::error(shown, "the image is neither PNG nor JPEG")
                    .help("re-export it as PNG or JPEG"),
            )
        }
    };
    reader.limits(limits.clone());
    // A phone photo stores its pixels as the sensor saw them and says in EXIF which way
    // is up; the kit's banners must be upright, so the orientation is applied here.
    let image = reader
        .into_decoder()
        .and_then(|mut decoder| {
            let mut budget = limits;
            budget.reserve(decoder.total_bytes())?;
            let orientation = decoder.orientation()?;
            let mut image = DynamicImage::from_decoder(decoder)?;
            image.apply_orientation(orientation);
            Ok(image)
        })
        .map_err(|e| {
            Diagnostic::error(shown, format!("the image could not be decoded: {e}"))
                .help("re-export it as PNG or JPEG")
        })?;
    Ok((image.to_rgb8(), format))
}

/// Resizes `source` to `size`, filling the frame and cropping the overflow around
/// `focus`: a point given as fractions of the source's width and height, `(0.5, 0.5)`
/// being the centre. The kept window is centred on the focus as far as the image
/// allows, then pushed back inside it, so a focus near an edge keeps that edge.
pub(crate) fn resize_cover(source: &RgbImage, size: Size, focus: (f32, f32)) -> Vec<u8> {
    let src = fr::images::ImageRef::new(
        source.width(),
        source.height(),
        source.as_raw(),
        fr::PixelType::U8x3,
    )
    .expect("an RgbImage buffer has exactly width × height × 3 bytes");
    let mut dst = fr::images::Image::new(size.width, size.height, fr::PixelType::U8x3);
    let mut resizer = fr::Resizer::new();
    // The same pixels on every machine: no CPU-specific code paths.
    // SAFETY: `None` selects the portable implementation, available everywhere.
    unsafe { resizer.set_cpu_extensions(fr::CpuExtensions::None) };
    let alignment = cover_alignment((source.width(), source.height()), size, focus);
    let options = fr::ResizeOptions::new()
        .resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3))
        .fit_into_destination(Some(alignment));
    resizer
        .resize(&src, &mut dst, &options)
        .expect("source and destination are both U8x3 with non-zero sizes");
    dst.into_vec()
}

/// The alignment `fast_image_resize` takes for a cover crop that keeps `focus` in
/// the middle of the window where it can.
///
/// Its alignment works like CSS `object-position`: 0 keeps the left (top) edge, 1 the
/// right (bottom) one, and the window's offset is the alignment times the overflow. A
/// focus point instead asks for the window centred on it: offset = focus × side −
/// window / 2, clamped to [0, overflow]. With no overflow on an axis the alignment
/// does not matter and is 0.5.
fn cover_alignment(source: (u32, u32), size: Size, focus: (f32, f32)) -> (f64, f64) {
    // The window's size exactly as the library will compute it.
    let window =
        fr::CropBox::fit_src_into_dst_size(source.0, source.1, size.width, size.height, None);
    let axis = |side: u32, window: f64, focus: f32| {
        let side = f64::from(side);
        let overflow = side - window;
        if overflow <= f64::EPSILON * side {
            return 0.5;
        }
        let focus = if focus.is_finite() {
            f64::from(focus).clamp(0.0, 1.0)
        } else {
            0.5
        };
        let offset = (focus * side - window / 2.0).clamp(0.0, overflow);
        offset / overflow
    };
    (
        axis(source.0, window.width, focus.0),
        axis(source.1, window.height, focus.1),
    )
}

/// Encodes RGB pixels in `format`.
pub(crate) fn encode(pixels: &[u8], size: Size, format: Format) -> Vec<u8> {
    let mut out = Vec::with_capacity(pixels.len() / 4);
    match format {
        Format::Png => {
            PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Adaptive)
                .write_image(pixels, size.width, size.height, ExtendedColorType::Rgb8)
        }
        Format::Jpeg => return banded_jpeg::encode(pixels, size),
    }
    .expect("encoding into memory with matching dimensions cannot fail");
    out
}

/// A QR code's modules.
#[derive(Debug, Clone)]
pub(crate) struct Qr {
    width: usize,
    dark: Vec<bool>,
}

/// Modules of white border around a QR code, as the standard asks.
const QUIET: usize = 4;

impl Qr {
    /// Encodes `text` (a URL) with medium error correction.
    pub(crate) fn new(text: &str) -> Result<Qr, String> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|e| format!("the link is too long for a QR code: {e}"))?;
        Ok(Qr {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// The modules as bytes (the width, then one byte a module): what the image
    /// cache's key of a banner carrying this code takes from it.
    pub(crate) fn modules_bytes(&self) -> Vec<u8> {
        let mut bytes = (self.width as u64).to_le_bytes().to_vec();
        bytes.extend(self.dark.iter().map(|&d| u8::from(d)));
        bytes
    }

    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }

    /// Side of the code with its quiet zone, in modules.
    fn modules(&self) -> usize {
        self.width + 2 * QUIET
    }

    /// A grayscale PNG, `scale` pixels per module.
    pub(crate) fn png(&self, scale: usize) -> Vec<u8> {
        let side = self.modules() * scale;
        let mut pixels = vec![255u8; side * side];
        for y in 0..self.width {
            for x in 0..self.width {
                if self.is_dark(x, y) {
                    for dy in 0..scale {
                        let row = (QUIET + y) * scale + dy;
                        let start = row * side + (QUIET + x) * scale;
                        pixels[start..start + scale].fill(0);
                    }
                }
            }
        }
        let mut out = Vec::new();
        PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::NoFilter)
            .write_image(&pixels, side as u32, side as u32, ExtendedColorType::L8)
            .expect("encoding into memory cannot fail");
        out
    }

    /// An SVG drawing, one path for all dark modules.
    pub(crate) fn svg(&self) -> String {
        let side = self.modules();
        let mut path = String::with_capacity(self.width * self.width * 4);
        for y in 0..self.width {
            for x in 0..self.width {
                if self.is_dark(x, y) {
                    path.push_str(&format!("M{} {}h1v1h-1z", x + QUIET, y + QUIET));
                }
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
<rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>\n"
        )
    }

    /// `base` with this code, on white, in its bottom-right corner. Only the rows of
    /// the band holding the corner are drawn and, for PNG banners, compressed.
    pub(crate) fn stamp_onto(&self, base: &Resized) -> Vec<u8> {
        let corner = QrCorner::of(base.size);
        let w = base.size.width as usize;
        let rows = match (&base.banded, &base.jpeg) {
            (Some(banded), _) => banded.rows(),
            (None, Some(jpeg)) => {
                let (top, bottom) = jpeg.rows_for(corner.top, corner.top + corner.side);
                top..bottom
            }
            (None, None) => corner.top..base.size.height as usize,
        };
        debug_assert!(rows.start <= corner.top && corner.top + corner.side <= rows.end);
        let mut band = base.pixels[rows.start * w * 3..rows.end * w * 3].to_vec();
        // The corner is sized for the code; at the smallest sizes a module is one pixel.
        let _ = self.paint(
            &mut band,
            w,
            corner.left,
            corner.top - rows.start,
            corner.side,
            1,
        );
        match (&base.banded, &base.jpeg) {
            (Some(banded), _) => banded.encode(&band),
            (None, Some(jpeg)) => jpeg.encode(&band, rows.start, rows.end),
            (None, None) => {
                let mut pixels = base.pixels.clone();
                pixels[rows.start * w * 3..rows.end * w * 3].copy_from_slice(&band);
                encode(&pixels, base.size, base.format)
            }
        }
    }
}

impl Qr {
    /// Paints the code, with its quiet zone, into the square at (`left`, `top`) of side
    /// `side` pixels of the RGB rows `rows`, `width` pixels wide: black on white, whole
    /// pixels per module, centred. `Err` when the square gives a module under
    /// `min_scale` pixels.
    pub(crate) fn paint(
        &self,
        rows: &mut [u8],
        width: usize,
        left: usize,
        top: usize,
        side: usize,
        min_scale: usize,
    ) -> Result<(), String> {
        let scale = side / self.modules();
        if scale < min_scale.max(1) {
            return Err(format!(
                "the QR code's slot is {side} px wide, but the code needs at least {} px ({} modules with its quiet zone, 2 px each)",
                self.modules() * 2,
                self.modules()
            ));
        }
        let drawn = self.modules() * scale;
        let inset = (side - drawn) / 2;
        // One row of pixels per row of modules, copied onto each of its `scale` rows.
        let mut line = vec![255u8; side * 3];
        for y in 0..side {
            let qy = y.wrapping_sub(inset);
            if y == 0 || qy % scale == 0 || qy >= drawn {
                line.fill(255);
                let my = qy / scale;
                if qy < drawn && (QUIET..QUIET + self.width).contains(&my) {
                    for mx in QUIET..QUIET + self.width {
                        if self.is_dark(mx - QUIET, my - QUIET) {
                            let x = inset + mx * scale;
                            line[x * 3..(x + scale) * 3].fill(0);
                        }
                    }
                }
            }
            let start = ((top + y) * width + left) * 3;
            let Some(row) = rows.get_mut(start..start + side * 3) else {
                break;
            };
            row.copy_from_slice(&line);
        }
        Ok(())
    }
}

/// Where the QR code goes on a banner of a given size: a white square in the
/// bottom-right corner, 24% of the short side, 4% from the edges. Fixed per size, so
/// the rows above it are the same for every partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QrCorner {
    /// Left edge in pixels.
    pub left: usize,
    /// Top edge in pixels: the first row that differs between partners.
    pub top: usize,
    /// Side of the square in pixels.
    pub side: usize,
}

impl QrCorner {
    /// The corner of a banner of `size`.
    pub(crate) fn of(size: Size) -> QrCorner {
        let (w, h) = (size.width as usize, size.height as usize);
        let short = w.min(h);
        let side = short * 24 / 100;
        let margin = short * 4 / 100;
        QrCorner {
            left: w - margin - side,
            top: h - margin - side,
            side,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG of `image` whose EXIF says "rotate 90° clockwise to show it" (orientation
    /// 6), as a phone held upright writes it.
    fn jpeg_turned_on_its_side(image: &RgbImage) -> Vec<u8> {
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                ExtendedColorType::Rgb8,
            )
            .unwrap();
        // APP1 "Exif": a big-endian TIFF header and one IFD entry, Orientation = 6.
        let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
        tiff.extend([
            0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x06, 0, 0, 0, 0, 0, 0,
        ]);
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend(u16::try_from(2 + 6 + tiff.len()).unwrap().to_be_bytes());
        app1.extend(b"Exif\0\0");
        app1.extend(tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend(app1);
        out.extend(&jpeg[2..]);
        out
    }

    #[test]
    fn a_photo_with_an_exif_orientation_comes_out_upright() {
        // Stored 80×40, red on the left: shown upright it is 40×80, red on top.
        let stored = RgbImage::from_fn(80, 40, |x, _| {
            image::Rgb(if x < 40 { [220, 20, 20] } else { [20, 20, 220] })
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("phone.jpg");
        std::fs::write(&path, jpeg_turned_on_its_side(&stored)).unwrap();
        let banner = Banner {
            name: "phone.jpg".into(),
            path,
            focus: (0.5, 0.5),
            photographic: false,
            in_kits: true,
        };
        let (image, format) = decode(&banner, Path::new("content/banners/phone.jpg")).unwrap();
        assert_eq!(format, Format::Jpeg);
        assert_eq!(image.dimensions(), (40, 80));
        let top = image.get_pixel(20, 10).0;
        let bottom = image.get_pixel(20, 70).0;
        assert!(top[0] > 150 && top[2] < 100, "the top is {top:?}, not red");
        assert!(
            bottom[2] > 150 && bottom[0] < 100,
            "the bottom is {bottom:?}, not blue"
        );
    }

    #[test]
    fn cover_crop_fills_the_frame() {
        let mut source = RgbImage::new(400, 100);
        for (x, _, p) in source.enumerate_pixels_mut() {
            *p = image::Rgb(if !(150..250).contains(&x) {
                [255, 0, 0]
            } else {
                [0, 0, 255]
            });
        }
        let size = Size {
            width: 50,
            height: 50,
        };
        let pixels = resize_cover(&source, size, (0.5, 0.5));
        assert_eq!(pixels.len(), 50 * 50 * 3);
        // The centre of the wide source fills the square: blue in the middle.
        let mid = (25 * 50 + 25) * 3;
        assert!(
            pixels[mid + 2] > 200 && pixels[mid] < 50,
            "{:?}",
            &pixels[mid..mid + 3]
        );
    }

    #[test]
    fn cover_crop_keeps_the_window_around_the_focus() {
        // 400×100 with a red stripe at x 20..40; the rest grey.
        let source = RgbImage::from_fn(400, 100, |x, _| {
            image::Rgb(if (20..40).contains(&x) {
                [255, 0, 0]
            } else {
                [128, 128, 128]
            })
        });
        let size = Size {
            width: 50,
            height: 50,
        };
        let red_pixels = |pixels: &[u8]| {
            pixels
                .chunks_exact(3)
                .filter(|p| p[0] > 200 && p[1] < 60 && p[2] < 60)
                .count()
        };
        // Focus at x = 40: a 100-wide window centred there would start at -10, so it
        // is pushed to the left edge and keeps the stripe (source x 20..40 → 10..20).
        let left = resize_cover(&source, size, (0.1, 0.5));
        assert!(
            red_pixels(&left) >= 8 * 50,
            "{} red pixels",
            red_pixels(&left)
        );
        let stripe = (25 * 50 + 15) * 3;
        assert!(
            left[stripe] > 200 && left[stripe + 1] < 60,
            "{:?}",
            &left[stripe..stripe + 3]
        );
        let centre = resize_cover(&source, size, (0.5, 0.5));
        assert_eq!(red_pixels(&centre), 0);
    }

    #[test]
    fn cover_alignment_centres_the_window_on_the_focus_and_clamps_it() {
        let square = Size {
            width: 50,
            height: 50,
        };
        // 400×100 into a square: a 100×100 window, 300 pixels of overflow across.
        let align = |focus| cover_alignment((400, 100), square, focus);
        assert_eq!(align((0.5, 0.5)), (0.5, 0.5));
        assert_eq!(align((0.1, 0.5)), (0.0, 0.5));
        assert_eq!(align((0.0, 0.0)), (0.0, 0.5));
        assert_eq!(align((1.0, 0.9)), (1.0, 0.5));
        // Focus at x = 200 + 75: the window starts at 225, three quarters of 300.
        assert_eq!(align((0.6875, 0.5)), (0.75, 0.5));
        // Out-of-range and non-finite focus values stay usable.
        assert_eq!(align((f32::NAN, 7.0)), (0.5, 0.5));
        // Tall source: the overflow is down.
        let (x, y) = cover_alignment((100, 400), square, (0.2, 0.25));
        assert_eq!(x, 0.5);
        assert!((y - 50.0 / 300.0).abs() < 1e-6, "{y}");
        // Same ratio: nothing to crop.
        assert_eq!(cover_alignment((100, 100), square, (0.1, 0.9)), (0.5, 0.5));
    }

    #[test]
    fn qr_code_is_readable_from_png_and_stamped_banner() {
        let url = "https://join.test/us?ref=ALPHA26&utm_medium=qr";
        let qr = Qr::new(url).unwrap();
        let png = image::load_from_memory(&qr.png(8)).unwrap().to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(png);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].decode().unwrap().1, url);

        let size = Size {
            width: 600,
            height: 400,
        };
        let pixels = vec![40; 600 * 400 * 3];
        for banded in [
            None,
            Some(banded::BandedPng::new(
                &pixels,
                size,
                QrCorner::of(size).top,
                400,
            )),
            // A band that stops at the corner's last row, with rows below it shared.
            Some(banded::BandedPng::new(
                &pixels,
                size,
                QrCorner::of(size).top,
                QrCorner::of(size).top + QrCorner::of(size).side,
            )),
        ] {
            let base = Resized {
                banner: "b".into(),
                size,
                format: Format::Png,
                pixels: pixels.clone(),
                bytes: std::sync::Arc::from(Vec::new()),
                banded,
                jpeg: None,
            };
            let stamped = image::load_from_memory(&qr.stamp_onto(&base))
                .unwrap()
                .to_luma8();
            assert_eq!(stamped.dimensions(), (600, 400));
            let mut prepared = rqrr::PreparedImage::prepare(stamped);
            let grids = prepared.detect_grids();
            assert_eq!(grids[0].decode().unwrap().1, url);
        }
    }

    #[test]
    fn svg_has_one_path_and_a_white_background() {
        let svg = Qr::new("https://e.com").unwrap().svg();
        assert!(svg.starts_with("<svg") && svg.matches("<path").count() == 1);
    }
}
