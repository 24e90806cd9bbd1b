//! The build fingerprint: equal fingerprints mean equal output.

use std::path::Path;

use super::BuildOptions;
use crate::base::diagnostics::{Error, Result};
use crate::render::secret::Secret;

/// A hash of everything a build reads: every source file (path and bytes), the
/// options, the kit secret, `SOURCE_DATE_EPOCH` and refkit's version. Equal
/// fingerprints mean equal output, so a build whose output already carries its
/// fingerprint has nothing to do.
pub(super) fn fingerprint(root: &Path, options: &BuildOptions, secret: &Secret) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(env!("CARGO_PKG_VERSION").as_bytes());
    field(
        format!(
            "{:?} {} {} {} {:?}",
            options.base_url, options.skip_kits, options.preview, options.partners, options.start
        )
        .as_bytes(),
    );
    field(secret.token("refkit-fingerprint").as_bytes());
    let epoch = options.env.source_date_epoch;
    field(epoch.map(|s| s.to_string()).unwrap_or_default().as_bytes());
    field(&std::fs::read(root.join(crate::base::vocab::SETTINGS_FILE)).unwrap_or_default());
    let mut files = Vec::new();
    for dir in crate::base::vocab::SOURCE_FOLDERS {
        files.extend(crate::base::files::files_under(root, &root.join(dir))?);
    }
    // Each file is hashed on its own, in parallel; the fingerprint hashes those hashes in order.
    use rayon::prelude::*;
    let digests: Vec<Result<[u8; 32]>> = files
        .par_iter()
        .map(|(path, shown)| {
            let bytes = std::fs::read(path).map_err(|e| Error::io("read", shown, e))?;
            let mut h = Sha256::new();
            h.update(crate::base::diagnostics::display_path(shown).as_bytes());
            h.update([0]);
            h.update(&bytes);
            Ok(h.finalize().into())
        })
        .collect();
    for digest in digests {
        field(&digest?);
    }
    Ok(hex(&hash.finalize()))
}

/// The fingerprint of one shard of the build whose fingerprint is `whole`; the whole
/// build's own without a shard.
pub(super) fn of_shard(whole: &str, shard: Option<crate::model::shard::Shard>) -> String {
    use sha2::{Digest, Sha256};
    match shard {
        None => whole.to_owned(),
        Some(shard) => hex(&Sha256::digest(format!("{whole} shard {shard}").as_bytes())),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
