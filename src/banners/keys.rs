//! The image cache's keys: what each image the studio makes depends on, and the one
//! place that takes an image from the cache or makes and stores it.
//!
//! A key covers the SVG text as Tera rendered it (so every value a template reads),
//! the size, format and language layout uses, the font files, the QR code's modules
//! and, for each photo the SVG places, that photo's own key: a photo file's bytes,
//! focus and box, or the SVG text of the template drawn as a photo. An image whose
//! key cannot be made (a malformed SVG, an unknown photo) is never cached, so its
//! error is reported by drawing it as before.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::cache::{Key, KeyBuilder};
use super::images::{Qr, Size};
use super::{layout, Studio, Target};
use crate::base::diagnostics::Diagnostic;
use crate::model::documents::Banner;

impl Studio<'_> {
    /// The key of the image `what` rendered to `svg` (with `qr` painted in), of kind
    /// `kind`; `None` without a cache or when a photo it places cannot be named.
    pub(super) fn key(
        &self,
        kind: &str,
        what: &Target<'_>,
        svg: &str,
        qr: Option<&Qr>,
    ) -> Option<Key> {
        self.cache?;
        let photos = layout::photos_of(svg)?;
        let mut key = KeyBuilder::new(kind);
        key.field(what.format.extension().as_bytes())
            .field(&what.size.width.to_le_bytes())
            .field(&what.size.height.to_le_bytes())
            .field(what.lang.as_bytes())
            .field(svg.as_bytes())
            .field(self.fonts.digest());
        for (name, w, h) in photos {
            let photo = self.photo_key(&name, w, h, what.card.is_some())?;
            key.field(name.as_bytes()).field(photo.bytes());
        }
        key.field(&qr.map(Qr::modules_bytes).unwrap_or_default());
        Some(key.finish())
    }

    /// The key of the photo `name` cropped to `w` × `h`, as [`Studio::photo`] makes it.
    fn photo_key(&self, name: &str, w: u32, h: u32, card: bool) -> Option<Key> {
        let (banner, template) = self.placed(name, w, h, card).ok()?;
        let size = Size {
            width: w,
            height: h,
        };
        match template {
            Some(lang) => {
                let (what, base) = self.template_photo(banner, size, lang).ok()?;
                self.key("photo-template", &what, &base, None)
            }
            None => self.photo_file_key(banner, size),
        }
    }

    /// The key of the photo file `banner` cropped around its focus to `size`.
    pub(super) fn photo_file_key(&self, banner: &Banner, size: Size) -> Option<Key> {
        self.cache?;
        let known = self
            .photo_digests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&banner.name)
            .copied();
        let digest = match known {
            Some(d) => d,
            None => {
                let d: [u8; 32] = Sha256::digest(std::fs::read(&banner.path).ok()?).into();
                self.photo_digests
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(banner.name.clone(), d);
                d
            }
        };
        let mut key = KeyBuilder::new("photo");
        key.field(&digest)
            .field(&banner.focus.0.to_le_bytes())
            .field(&banner.focus.1.to_le_bytes())
            .field(&size.width.to_le_bytes())
            .field(&size.height.to_le_bytes());
        Some(key.finish())
    }

    /// The image under `key` in the cache, or made by `make` (and stored when there
    /// is a key). Every image made is counted in [`Studio::drawn`].
    pub(super) fn cached(
        &self,
        key: Option<Key>,
        make: impl FnOnce() -> Result<Arc<[u8]>, Diagnostic>,
    ) -> Result<Arc<[u8]>, Diagnostic> {
        let cache = self.cache.zip(key);
        if let Some((cache, key)) = &cache {
            if let Some(bytes) = cache.get(key) {
                return Ok(Arc::from(bytes));
            }
        }
        let bytes = make()?;
        self.drawn.fetch_add(1, Ordering::Relaxed);
        if let Some((cache, key)) = cache {
            cache.put(&key, &bytes);
        }
        Ok(bytes)
    }
}
