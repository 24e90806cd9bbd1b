//! The demo project at the repository root builds and keeps the product's promises.

use std::path::{Path, PathBuf};

use crate::common::{assert_alternates_resolve, hrefs, snapshot};
use refkit::{build, BuildOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build_demo_into(dir: &Path) -> refkit::BuildSummary {
    build(&BuildOptions {
        root: root(),
        out: Some(dir.join("public")),
        manifest: Some(dir.join("manifest")),
        env: refkit::Environment::default().with_secret("demo-test-secret"),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("the demo must build:\n{e}"))
}

#[test]
fn demo_builds_with_every_partner_in_both_languages() {
    let out = tempfile::tempdir().unwrap();
    let summary = build_demo_into(out.path());
    let project = refkit::load_project(&root(), None).unwrap();
    assert!(project.stories.len() >= 4);
    assert!(project.partners.len() >= 6);
    for partner in &project.partners {
        for lang in ["en", "ru"] {
            let landing = out
                .path()
                .join(format!("public/p/{}/{lang}/index.html", partner.id));
            assert!(landing.is_file(), "{}", landing.display());
        }
    }
    assert!(summary.pages > project.partners.len() * 2);
}

#[test]
fn demo_hreflang_alternates_resolve_to_files_that_exist() {
    let out = tempfile::tempdir().unwrap();
    build_demo_into(out.path());
    let project = refkit::load_project(&root(), None).unwrap();
    assert_alternates_resolve(
        &out.path().join("public"),
        &format!("{}/", project.settings.base_url),
    );
}

#[test]
fn demo_partner_pages_carry_only_their_own_code() {
    let out = tempfile::tempdir().unwrap();
    build_demo_into(out.path());
    let project = refkit::load_project(&root(), None).unwrap();
    let public = out.path().join("public");
    for partner in &project.partners {
        let dir = public.join("p").join(&partner.id);
        let pages = snapshot(&dir);
        assert!(!pages.is_empty());
        for (rel, bytes) in pages {
            let html = String::from_utf8(bytes).unwrap();
            let ctas: Vec<String> = hrefs(&html)
                .into_iter()
                .filter(|h| h.contains("utm_"))
                .collect();
            let minimum = if rel.starts_with("stories") || rel.components().count() > 2 {
                1
            } else {
                2
            };
            assert!(
                ctas.len() >= minimum,
                "{}/{}: a call to action is missing",
                partner.id,
                rel.display()
            );
            for cta in ctas {
                assert!(
                    cta.contains(&format!("ref={}&", partner.code)),
                    "{}: {cta}",
                    rel.display()
                );
                assert!(cta.contains("utm_medium=microsite"), "{cta}");
            }
            for other in project.partners.iter().filter(|o| o.id != partner.id) {
                assert!(
                    !html.contains(&other.code),
                    "{}/{} contains {}'s code",
                    partner.id,
                    rel.display(),
                    other.id
                );
            }
        }
    }
    for (rel, bytes) in snapshot(&public) {
        if rel.starts_with("p")
            || rel.starts_with("kits")
            || rel.starts_with("r")
            || rel.extension().is_none_or(|e| e != "html")
        {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(
            !html.contains("?ref="),
            "brand page {} has a referral link",
            rel.display()
        );
        for p in &project.partners {
            assert!(
                !html.contains(&p.code),
                "brand page {} names {}",
                rel.display(),
                p.code
            );
        }
    }
}

#[test]
fn demo_interface_strings_come_from_the_locale_files() {
    let out = tempfile::tempdir().unwrap();
    build_demo_into(out.path());
    let en = std::fs::read_to_string(out.path().join("public/en/index.html")).unwrap();
    let ru = std::fs::read_to_string(out.path().join("public/ru/index.html")).unwrap();
    let cyrillic = |s: &str| {
        s.chars()
            .filter(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(*c)))
            .count()
    };
    let text = |html: &str| -> String {
        let main = html.split("<main").nth(1).unwrap_or(html);
        main.split("</main>").next().unwrap_or(main).to_owned()
    };
    assert!(
        cyrillic(&text(&ru)) > 100,
        "the Russian home page is not Russian"
    );
    // The English home page shows no Cyrillic beyond the language switcher.
    assert!(
        cyrillic(&text(&en)) == 0,
        "the English home page contains Russian text"
    );
}

#[test]
fn demo_builds_to_the_same_bytes_with_one_thread_or_many() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    build_demo_into(a.path());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    pool.install(|| build_demo_into(b.path()));
    assert_eq!(
        snapshot(&a.path().join("public")),
        snapshot(&b.path().join("public"))
    );
    assert_eq!(
        snapshot(&a.path().join("manifest")),
        snapshot(&b.path().join("manifest"))
    );
}

/// Hashes every file under `dir` (path and SHA-256), sorted by path.
fn hashes(dir: &Path) -> Vec<(PathBuf, String)> {
    use sha2::{Digest, Sha256};
    snapshot(dir)
        .into_iter()
        .map(|(path, bytes)| (path, format!("{:x}", Sha256::digest(&bytes))))
        .collect()
}

#[test]
fn demo_builds_to_the_same_bytes_across_threads_time_zones_and_locales() {
    let work = tempfile::tempdir().unwrap();
    let run = |name: &str, env: &[(&str, &str)]| {
        let out = work.path().join(name);
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_refkit"));
        command
            .arg("build")
            .arg("--root")
            .arg(root())
            .arg("--out")
            .arg(out.join("public"))
            .arg("--manifest")
            .arg(out.join("manifest"))
            .env("REFKIT_SECRET", "demo-test-secret")
            .env_remove("SOURCE_DATE_EPOCH");
        for (k, v) in env {
            command.env(k, v);
        }
        let result = command.output().expect("run refkit");
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        (hashes(&out.join("public")), hashes(&out.join("manifest")))
    };
    let a = run(
        "a",
        &[
            ("RAYON_NUM_THREADS", "1"),
            ("TZ", "UTC"),
            ("LANG", "C"),
            ("LC_ALL", "C"),
        ],
    );
    let b = run(
        "b",
        &[
            ("RAYON_NUM_THREADS", "3"),
            ("TZ", "Asia/Vladivostok"),
            ("LANG", "ru_RU.UTF-8"),
            ("LC_ALL", "ru_RU.UTF-8"),
        ],
    );
    assert!(a.0.len() > 100, "the demo should publish many files");
    assert_eq!(a.0, b.0, "public/ differs between the two environments");
    assert_eq!(a.1, b.1, "manifest/ differs between the two environments");
}

#[test]
fn demo_playbooks_keep_the_attribution_window_their_stories_promise() {
    let project = refkit::load_project(&root(), None).unwrap();
    let days = |market: &str| project.playbooks[market].base.incentives.attribution_days;
    assert_eq!((days("ru"), days("us")), (180, 90));
    let story =
        std::fs::read_to_string(root().join("content/stories/tsifry-bez-paniki-trust-first.en.md"))
            .unwrap();
    // The story states the window through the playbook, so it cannot drift.
    assert!(
        story.contains("is {{ terms.ru.attribution_days }} days"),
        "the story's promise is written by hand again"
    );
}
