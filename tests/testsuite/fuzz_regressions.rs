//! Replays every fuzz seed and every input a fuzzer once broke refkit with through the
//! same entry points the fuzz targets call, so a finding stays fixed. Seeds are the
//! demo project's own sources (stories, pages, the registry) plus the hostile inputs
//! in `fuzz/seeds/<target>/`; findings are kept in `fuzz/regressions/<target>/`. See
//! "Fuzzing" in the README.

use std::path::{Path, PathBuf};

type Target = fn(&[u8]);

/// Each target with the demo folders (or files) that seed it.
const TARGETS: &[(&str, Target, &[&str])] = &[
    (
        "front_matter",
        refkit::fuzzing::front_matter,
        &["content/stories", "content/pages"],
    ),
    (
        "registry",
        refkit::fuzzing::registry,
        &["content/partners.yaml"],
    ),
    (
        "markdown",
        refkit::fuzzing::markdown,
        &["content/stories", "content/pages"],
    ),
    ("links", refkit::fuzzing::links, &[]),
];

/// The files in `path` (a folder, sorted) or `path` itself, skipping `.gitkeep`.
fn files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.file_name().is_some_and(|n| n != ".gitkeep"));
    files.sort();
    files
}

#[test]
fn every_seed_and_past_finding_passes_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut replayed = 0;
    for (name, target, demo) in TARGETS {
        let mut inputs: Vec<PathBuf> = demo.iter().flat_map(|d| files(&root.join(d))).collect();
        inputs.extend(files(&root.join("fuzz/seeds").join(name)));
        assert!(!inputs.is_empty(), "the {name} target has no seed");
        inputs.extend(files(&root.join("fuzz/regressions").join(name)));
        for path in &inputs {
            let data = std::fs::read(path).unwrap();
            let result = std::panic::catch_unwind(|| target(&data));
            assert!(result.is_ok(), "{name} fails on {}", path.display());
            replayed += 1;
        }
    }
    assert!(replayed >= TARGETS.len());
}

#[test]
fn the_markdown_invariants_reject_unsafe_html() {
    // The checker behind the markdown target must be able to fail.
    let unsafe_html = [
        ("<p><script>alert(1)</script></p>", vec![]),
        ("<a href=\"&#106;avascript:alert(1)\">a</a>", vec![]),
        ("<img src=\"data:text/html,x\">", vec![]),
        (
            "<h1 id=\"same\">a</h1><h1 id=\"same\">b</h1>",
            vec!["same", "same"],
        ),
    ];
    for (html, anchors) in unsafe_html {
        let rendered = refkit::fuzzing::Rendered {
            html: html.to_owned(),
            anchors: anchors.into_iter().map(String::from).collect(),
        };
        let caught = std::panic::catch_unwind(|| refkit::fuzzing::check_rendered("x", &rendered));
        assert!(caught.is_err(), "the checker let through {html}");
    }
    // What refkit renders from the same intentions passes.
    for input in [
        "[a](&#106;avascript:alert(1))",
        "<script>alert(1)</script>",
        "![i](data:text/html,x)",
        "# Same\n\n# Same\n",
    ] {
        refkit::fuzzing::markdown(input.as_bytes());
    }
}
