//! The image cache: a warm build writes the bytes a cold one does, a damaged or
//! half-written entry is drawn again, an edit draws only the images it changed, and
//! a cache that cannot be used never fails a build.

use std::fs;
use std::path::{Path, PathBuf};

use refkit::{BuildOptions, BuildSummary, ImageCacheOptions};

use crate::common::{snapshot, Fixture, TEST_SECRET};

/// A copy of the demo's sources in a temporary folder: share cards, banner
/// templates, a photo and partners with kits.
fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_demo(&dir.path().join("project"));
    dir
}

fn project(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("project")
}

/// Builds the project in `dir` into `<dir>/<name>/` (public and manifest), with the
/// cache at `<dir>/cache` when `cached`.
fn build_into(dir: &tempfile::TempDir, name: &str, cached: bool, kits: bool) -> BuildSummary {
    let out = dir.path().join(name);
    refkit::build(&BuildOptions {
        root: project(dir),
        out: Some(out.join("public")),
        manifest: Some(out.join("manifest")),
        env: refkit::Environment::default()
            .with_secret(TEST_SECRET)
            .with_source_date_epoch(1_780_000_000),
        skip_kits: !kits,
        image_cache: cached.then(|| ImageCacheOptions {
            dir: dir.path().join("cache"),
            max_bytes: ImageCacheOptions::DEFAULT_MAX_BYTES,
        }),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("the demo copy must build:\n{e}"))
}

/// Asserts the two folders hold the same files with the same bytes, naming the first
/// that differs.
fn assert_same_files(a: &Path, b: &Path) {
    let (a_files, b_files) = (snapshot(a), snapshot(b));
    let names = |files: &[(PathBuf, Vec<u8>)]| -> Vec<PathBuf> {
        files.iter().map(|(p, _)| p.clone()).collect()
    };
    assert_eq!(
        names(&a_files),
        names(&b_files),
        "the two builds made different files"
    );
    for ((path, x), (_, y)) in a_files.iter().zip(&b_files) {
        assert!(x == y, "{} differs between the builds", path.display());
    }
}

/// Every entry file of the cache folder.
fn entries(cache: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(cache)
        .sort_by_file_name()
        .min_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn a_warm_build_writes_every_byte_a_cold_build_does() {
    let dir = demo_copy();
    let cold = build_into(&dir, "cold", true, true);
    assert!(cold.images.drawn > 20, "{:?}", cold.images);
    assert_eq!(cold.images.from_cache, 0);
    let warm = build_into(&dir, "warm", true, true);
    assert_eq!(
        warm.images.drawn, 0,
        "a warm build drew images: {:?}",
        warm.images
    );
    assert!(warm.images.from_cache > 0);
    let uncached = build_into(&dir, "uncached", false, true);
    assert_eq!(uncached.images.from_cache, 0);
    for built in ["warm", "uncached"] {
        for folder in ["public", "manifest"] {
            assert_same_files(
                &dir.path().join("cold").join(folder),
                &dir.path().join(built).join(folder),
            );
        }
    }
}

#[test]
fn a_half_written_or_damaged_cache_entry_is_drawn_again() {
    let dir = demo_copy();
    let cold = build_into(&dir, "cold", true, false);
    let cache = dir.path().join("cache");
    let found = entries(&cache);
    assert!(found.len() > 10, "{} entries", found.len());
    // Half the entries cut short, as a killed build's write would leave them, the
    // other half with one byte changed; and a killed build's temporary file.
    for (i, path) in found.iter().enumerate() {
        let mut bytes = fs::read(path).unwrap();
        if i % 2 == 0 {
            bytes.truncate(bytes.len() / 2);
        } else {
            let last = bytes.len() - 1;
            bytes[last] ^= 0x55;
        }
        fs::write(path, bytes).unwrap();
    }
    fs::write(cache.join(".tmp-99999-0"), b"RKIMG001 half").unwrap();
    let again = build_into(&dir, "again", true, false);
    assert_eq!(again.images.from_cache, 0, "a damaged entry was used");
    assert_eq!(again.images.drawn, cold.images.drawn);
    assert_same_files(
        &dir.path().join("cold/public"),
        &dir.path().join("again/public"),
    );
    // The entries are whole again.
    let warm = build_into(&dir, "warm", true, false);
    assert_eq!(warm.images.drawn, 0, "{:?}", warm.images);
}

#[test]
fn a_warm_build_after_editing_one_story_draws_only_that_storys_card() {
    let dir = demo_copy();
    build_into(&dir, "cold", true, false);
    let story = project(&dir).join("content/stories/maya-chen-linkedin-ambassador.en.md");
    let text = fs::read_to_string(&story).unwrap();
    fs::write(
        &story,
        text.replacen("title: \"Maya Chen:", "title: \"Maya Chen, edited:", 1),
    )
    .unwrap();
    let edited = build_into(&dir, "edited", true, false);
    // Its English share card; its Russian one, every other card and every brand
    // image come from the cache.
    assert_eq!(edited.images.drawn, 1, "{:?}", edited.images);
    assert!(edited.images.from_cache > 10);
    build_into(&dir, "fresh", false, false);
    assert_same_files(
        &dir.path().join("edited/public"),
        &dir.path().join("fresh/public"),
    );
}

#[test]
fn a_cache_folder_that_cannot_be_made_warns_and_the_build_draws_everything() {
    let f = Fixture::minimal();
    f.write("not-a-folder", "");
    let blocked = f.root().join("not-a-folder/cache");
    let out = f.run(&["build", "--cache-dir", blocked.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: the image cache is off"),
        "{stderr}"
    );
    assert!(stderr.contains("not-a-folder"), "{stderr}");
    assert!(f.exists("public/index.html"));
}

#[test]
fn a_cache_size_that_is_not_a_size_is_a_usage_error() {
    let f = Fixture::minimal();
    let out = f.run(&["build", "--cache-size", "lots"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--cache-size") && stderr.contains("`lots`"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn the_command_keeps_its_cache_under_the_project_or_where_refkit_cache_dir_says() {
    let f = Fixture::minimal();
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(f.exists(".refkit-cache"));
    let elsewhere = tempfile::tempdir().unwrap();
    let cache = elsewhere.path().join("images");
    f.write(
        "content/stories/second.en.md",
        &crate::common::story("Second", None),
    );
    f.write(
        "content/stories/second.ru.md",
        &crate::common::story("Вторая", None),
    );
    let out = f.run_with_env(&["build"], &[("REFKIT_CACHE_DIR", cache.to_str().unwrap())]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(cache.is_dir());
}
