//! Sharded builds: `refkit build --shard I/N` on N runners and `refkit merge` give,
//! file for file and byte for byte, what one `refkit build` gives; every partner is
//! built by exactly one shard; and what cannot be joined is refused with a message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::common::{self, Fixture, TEST_SECRET};

/// Partners added to the minimal fixture, so that 7 shards each get some: both
/// markets, every stage and tier, each US partner on its own set of channels.
const GENERATED: usize = 40;

/// The minimal fixture with [`GENERATED`] more partners.
fn generated_project() -> Fixture {
    let f = Fixture::minimal();
    let mut registry = common::PARTNERS.to_owned();
    let stages = ["pilot", "active", "active"];
    let tiers = ["small", "medium", "large"];
    for n in 0..GENERATED {
        let (market, channels) = match n % 4 {
            0 => ("us", "[email, x]"),
            1 => ("ru", "[telegram]"),
            2 => ("us", "[x]"),
            _ => ("us", "[email]"),
        };
        registry.push_str(&format!(
            "  - id: partner-{n:03}\n    name: \"Partner {n} & Co\"\n    market: {market}\n    code: GEN{n:03}X\n    stage: {}\n    tier: {}\n    channels: {channels}\n",
            stages[n % 3],
            tiers[n % 3],
        ));
    }
    f.write("content/partners.yaml", &registry);
    f
}

fn options(f: &Fixture, out: &Path, shard: Option<refkit::Shard>) -> refkit::BuildOptions {
    refkit::BuildOptions {
        root: f.root().to_path_buf(),
        out: Some(out.join("public")),
        manifest: Some(out.join("manifest")),
        env: refkit::Environment::default().with_secret(TEST_SECRET),
        shard,
        ..refkit::BuildOptions::default()
    }
}

/// Every file under `dir` and the SHA-256 of its bytes.
fn hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    common::snapshot(dir)
        .into_iter()
        .map(|(path, bytes)| {
            let digest = Sha256::digest(&bytes);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            (path, hex)
        })
        .collect()
}

/// Builds `f` as `count` shards into `work/shard-<i>/` and merges them into
/// `work/merged/`; returns the shards' folders.
fn build_sharded(f: &Fixture, work: &Path, count: u32) -> Vec<PathBuf> {
    let dirs: Vec<PathBuf> = (1..=count)
        .map(|i| work.join(format!("shard-{i}")))
        .collect();
    // Shards run in any order: the last one first here.
    for (i, dir) in dirs.iter().enumerate().rev() {
        let shard = refkit::Shard::new(i as u32 + 1, count);
        refkit::build(&options(f, dir, shard))
            .unwrap_or_else(|e| panic!("shard {}/{count}:\n{e}", i + 1));
    }
    refkit::merge(&refkit::MergeOptions {
        root: f.root().to_path_buf(),
        shards: dirs.iter().map(|d| d.join("manifest")).collect(),
        out: work.join("merged/public"),
        manifest: work.join("merged/manifest"),
        home: None,
    })
    .unwrap_or_else(|e| panic!("merge of {count} shards:\n{e}"));
    dirs
}

/// The union of the shards' public folders (their own markers left out) and the
/// merge's; two shards writing one file differently fail.
fn union(shards: &[PathBuf], merged: &Path) -> BTreeMap<PathBuf, String> {
    let mut all: BTreeMap<PathBuf, String> = BTreeMap::new();
    for dir in shards {
        for (path, hash) in hashes(&dir.join("public")) {
            if path == Path::new(".refkit-output") {
                continue;
            }
            if let Some(other) = all.insert(path.clone(), hash.clone()) {
                assert_eq!(
                    other,
                    hash,
                    "two shards wrote {} differently",
                    path.display()
                );
                assert!(
                    path.starts_with("kits/assets"),
                    "two shards wrote {}",
                    path.display()
                );
            }
        }
    }
    for (path, hash) in hashes(merged) {
        all.insert(path, hash);
    }
    all
}

#[test]
fn shards_and_their_merge_are_byte_identical_to_the_whole_build() {
    let f = generated_project();
    let work = tempfile::tempdir().unwrap();
    let whole = work.path().join("whole");
    let summary = refkit::build(&options(&f, &whole, None)).unwrap();
    assert_eq!(summary.partners, GENERATED + 2);
    let public = hashes(&whole.join("public"));
    let manifest = hashes(&whole.join("manifest"));
    assert!(public.contains_key(Path::new("_redirects")));
    for count in [1, 3, 7] {
        let work = work.path().join(format!("n{count}"));
        let shards = build_sharded(&f, &work, count);
        let joined = union(&shards, &work.join("merged/public"));
        let differ: Vec<&PathBuf> = public
            .keys()
            .chain(joined.keys())
            .filter(|p| public.get(*p) != joined.get(*p))
            .collect();
        assert!(
            differ.is_empty(),
            "{count} shards: files differ: {differ:?}"
        );
        assert_eq!(
            hashes(&work.join("merged/manifest")),
            manifest,
            "{count} shards: the merged manifest"
        );
    }
}

#[test]
fn every_partner_is_built_by_exactly_one_shard() {
    let f = generated_project();
    let work = tempfile::tempdir().unwrap();
    let ids: Vec<String> = ["alpha", "beta"]
        .into_iter()
        .map(String::from)
        .chain((0..GENERATED).map(|n| format!("partner-{n:03}")))
        .collect();
    for count in [2, 5] {
        let work = work.path().join(format!("n{count}"));
        let shards = build_sharded(&f, &work, count);
        for id in &ids {
            let builders: Vec<usize> = shards
                .iter()
                .enumerate()
                .filter(|(_, dir)| dir.join(format!("public/p/{id}/en/index.html")).exists())
                .map(|(i, _)| i + 1)
                .collect();
            let expected = refkit::Shard::of(id, count).index() as usize;
            assert_eq!(builders, [expected], "{id} in {count} shards");
            let listed: Vec<usize> = shards
                .iter()
                .enumerate()
                .filter(|(_, dir)| {
                    let text = std::fs::read_to_string(dir.join("manifest/shard.json")).unwrap();
                    text.contains(&format!("\"{id}\""))
                })
                .map(|(i, _)| i + 1)
                .collect();
            assert_eq!(listed, [expected], "{id}: shard.json of {count} shards");
        }
        // The brand pages are shard 1's alone.
        let homes: Vec<bool> = shards
            .iter()
            .map(|dir| dir.join("public/en/index.html").exists())
            .collect();
        assert!(homes[0], "shard 1 builds the brand home");
        assert!(homes[1..].iter().all(|h| !h), "{homes:?}");
    }
}

#[test]
fn merge_refuses_a_missing_or_foreign_shard() {
    let f = Fixture::minimal();
    let work = tempfile::tempdir().unwrap();
    let dir = |name: &str| work.path().join(name);
    for (i, name) in ["a", "b"].iter().enumerate() {
        let shard = refkit::Shard::new(i as u32 + 1, 2);
        refkit::build(&options(&f, &dir(name), shard)).unwrap();
    }
    let merge = |shards: &[&str]| {
        let mut args: Vec<String> = vec!["merge".into(), "--out".into()];
        args.push(dir("m/public").display().to_string());
        args.push("--manifest".into());
        args.push(dir("m/manifest").display().to_string());
        args.extend(
            shards
                .iter()
                .map(|s| dir(s).join("manifest").display().to_string()),
        );
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = f.run(&args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = merge(&["a"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("shard 2/2 missing"), "{stderr}");
    let (code, stderr) = merge(&["a", "a"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("are both shard 1/2"), "{stderr}");
    // A shard built from other content belongs to another build.
    f.write(
        "content/stories/first.en.md",
        &common::story("Changed", None),
    );
    refkit::build(&options(&f, &dir("b"), refkit::Shard::new(2, 2))).unwrap();
    let (code, stderr) = merge(&["a", "b"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("shards of different builds (their inputs differ)"),
        "{stderr}"
    );
    assert!(!dir("m/manifest").exists(), "a refused merge wrote nothing");
}

#[test]
fn a_shard_that_is_not_i_of_n_is_a_usage_error() {
    let f = Fixture::minimal();
    for wrong in ["0/3", "4/3", "3", "two/3"] {
        let out = f.run(&["build", "--shard", wrong]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{wrong}: {stderr}");
        assert!(stderr.contains("--shard: `"), "{wrong}: {stderr}");
        assert!(stderr.contains("write I/N"), "{wrong}: {stderr}");
    }
    assert!(!f.exists("public"));
}

#[test]
fn a_sharded_build_of_a_project_with_results_is_refused() {
    let f = Fixture::minimal();
    f.add("results-exports");
    f.write(
        "site.yaml",
        &format!(
            "{}results:\n  - file: results/events.csv\n    format: refkit\n",
            common::SITE
        ),
    );
    let out = f.run(&["build", "--shard", "1/2"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("site.yaml"), "{stderr}");
    assert!(
        stderr.contains("a sharded build cannot attribute them yet"),
        "{stderr}"
    );
}
