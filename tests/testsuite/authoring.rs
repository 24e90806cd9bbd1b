//! The authoring loop: check, translation status, scaffolding and init.

use crate::common::{self, Fixture};

/// A fixture with one problem of each kind `check` finds on its own.
fn project_with_known_problems() -> Fixture {
    let f = Fixture::minimal();
    // A stale translation: the source changed after the translation recorded it.
    f.write(
        "content/stories/first.ru.md",
        &common::story("Первая", None).replace(
            "date: 2026-05-01\n",
            "date: 2026-05-01\nsource_hash: 0000000000000000\n",
        ),
    );
    // A Russian plural message without [few] and [many].
    f.write(
        "locales/ru/main.ftl",
        &common::RU_FTL.replace(
            "    [few] { $count } истории\n    [many] { $count } историй\n",
            "",
        ),
    );
    // An unused message.
    f.write(
        "locales/en/main.ftl",
        &format!("{}unused-message = Nobody uses me\n", common::EN_FTL),
    );
    f.write(
        "locales/ru/main.ftl",
        &format!(
            "{}unused-message = Мной никто не пользуется\n",
            f.read("locales/ru/main.ftl")
        ),
    );
    // A link to a page that does not exist and one to a missing anchor.
    f.write(
        "content/stories/first.en.md",
        &common::story("First", None).replace(
            "Some *text*",
            "See [the FAQ](/en/faq/) and [details](#nowhere). Some *text*",
        ),
    );
    f
}

fn check(f: &Fixture, format: &str) -> (i32, String) {
    let out = f.run(&["check", "--format", format]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// Compares `actual` with `tests/testsuite/snapshots/<name>`; `REFKIT_BLESS=1` rewrites it.
fn assert_snapshot(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/testsuite/snapshots")
        .join(name);
    if std::env::var_os("REFKIT_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with REFKIT_BLESS=1",
            path.display()
        )
    });
    assert_eq!(
        actual, expected,
        "snapshot {name} differs; review and rerun with REFKIT_BLESS=1 to accept"
    );
}

#[test]
fn check_reports_every_known_problem_in_human_form() {
    let (code, out) = check(&project_with_known_problems(), "human");
    assert_eq!(code, 1, "{out}");
    assert_snapshot("check.human.txt", &out);
}

#[test]
fn check_prints_one_json_document() {
    let (code, out) = check(&project_with_known_problems(), "json");
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("stdout is one JSON document");
    assert_eq!(doc["errors"], 3);
    assert_snapshot("check.json", &out);
}

#[test]
fn check_prints_github_annotations() {
    let (code, out) = check(&project_with_known_problems(), "github");
    assert_eq!(code, 1);
    assert!(
        out.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{out}"
    );
    assert_snapshot("check.github.txt", &out);
}

#[test]
fn check_passes_a_clean_project_and_writes_nothing() {
    let f = Fixture::minimal();
    let (code, out) = check(&f, "human");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("0 errors, 1 warning\n") || out.ends_with("0 errors, 0 warnings\n"),
        "{out}"
    );
    assert!(!f.exists("public") && !f.exists("manifest"));
}

#[test]
fn check_finds_content_and_template_errors_together() {
    let f = Fixture::minimal();
    f.write(
        "content/partners.yaml",
        &common::PARTNERS.replace("market: ru", "market: eu"),
    );
    f.write(
        "templates/home.html",
        "{% extends \"base.html\" %}{% block main %}{% if %}{% endblock main %}",
    );
    let (code, out) = check(&f, "human");
    assert_eq!(code, 1);
    assert!(out.contains("unknown market `eu`"), "{out}");
    assert!(out.contains("templates/home.html:1:"), "{out}");
}

#[test]
fn translations_lists_paired_missing_and_stale_and_mark_records_the_source() {
    let f = Fixture::minimal();
    f.write(
        "content/stories/second.en.md",
        &common::story("Second", None),
    );
    f.write("content/stories/third.en.md", &common::story("Third", None));
    f.write(
        "content/stories/third.ru.md",
        &common::story("Третья", None),
    );
    let list = |f: &Fixture| String::from_utf8(f.run(&["translations"]).stdout).unwrap();
    let out = list(&f);
    assert!(out.contains("second") && out.contains("missing"), "{out}");
    assert!(
        out.contains("0 paired, 0 stale, 0 untranslated, 2 untracked, 1 missing"),
        "{out}"
    );

    let marked = f.run(&["translations", "--mark", "third"]);
    assert!(marked.status.success());
    assert!(f
        .read("content/stories/third.ru.md")
        .contains("source_hash: "));
    assert!(list(&f).contains("1 paired, 0 stale, 0 untranslated, 1 untracked, 1 missing"));

    f.write(
        "content/stories/third.en.md",
        &common::story("Third", None).replace("Some", "Changed"),
    );
    let out = list(&f);
    assert!(out.contains("stale") && out.contains("content/stories/third.en.md changed since content/stories/third.ru.md was translated"), "{out}");
}

#[test]
fn stale_translations_are_marked_in_the_preview_only() {
    let f = Fixture::minimal();
    f.write("templates/story.html", "{% extends \"base.html\" %}{% block main %}{% if preview and page.stale %}<p class=\"stale\">STALE</p>{% endif %}{{ page.content | safe }}{% endblock main %}");
    f.write(
        "content/stories/first.ru.md",
        &common::story("Первая", None).replace("date:", "source_hash: 0000000000000000\ndate:"),
    );
    let build = |preview| {
        refkit::build(&refkit::BuildOptions {
            root: f.root().to_path_buf(),
            env: refkit::Environment::default().with_secret("x"),
            preview,
            ..Default::default()
        })
        .unwrap()
    };
    build(true);
    assert!(f
        .read("public/ru/stories/first/index.html")
        .contains("STALE"));
    assert!(!f
        .read("public/en/stories/first/index.html")
        .contains("STALE"));
    build(false);
    assert!(!f
        .read("public/ru/stories/first/index.html")
        .contains("STALE"));
}

#[test]
fn new_story_scaffolds_every_language_and_builds() {
    let f = Fixture::minimal();
    let out = f.run_with_env(
        &["new", "story", "fresh-case"],
        &[("SOURCE_DATE_EPOCH", "1764000000")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let en = f.read("content/stories/fresh-case.en.md");
    assert!(
        en.contains("title: \"Fresh Case\"") && en.contains("date: 2025-11-24"),
        "{en}"
    );
    f.build().unwrap();
    assert!(f.exists("public/ru/stories/fresh-case/index.html"));
    let again = f.run(&["new", "story", "fresh-case"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(f.run(&["new", "story", "Bad Slug"]).status.code(), Some(2));
}

#[test]
fn new_story_leaves_the_other_languages_untranslated_until_marked() {
    let f = Fixture::minimal();
    assert!(f.run(&["new", "story", "fresh-case"]).status.success());
    let ru = f.read("content/stories/fresh-case.ru.md");
    // Not the English title, and not recorded as a translation of the source.
    assert!(
        ru.contains("title: \"Переведите заголовок: Fresh Case\"\n")
            && ru.contains("\nsource_hash: untranslated\n"),
        "{ru}"
    );
    let listed = String::from_utf8(f.run(&["translations"]).stdout).unwrap();
    assert!(
        listed.contains("story fresh-case ru untranslated content/stories/fresh-case.ru.md is a placeholder: translate content/stories/fresh-case.en.md, then --mark it"),
        "{listed}"
    );
    let (code, out) = check(&f, "human");
    assert_eq!(code, 0, "a placeholder is a warning, not an error:\n{out}");
    assert!(
        out.contains("content/stories/fresh-case.ru.md:5:1")
            && out.contains("the translation is a placeholder: content/stories/fresh-case.en.md has not been translated into it yet")
            && out.contains("then run `refkit translations --mark fresh-case`"),
        "{out}"
    );
    // Translated and marked, it is a pair like any other.
    f.write(
        "content/stories/fresh-case.ru.md",
        &ru.replace("Переведите заголовок: Fresh Case", "Новый случай"),
    );
    assert!(f
        .run(&["translations", "--mark", "fresh-case"])
        .status
        .success());
    let (code, out) = check(&f, "human");
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("fresh-case"), "{out}");
}

#[test]
fn new_partner_appends_a_valid_entry_with_a_fresh_unique_code() {
    let f = Fixture::minimal();
    let out = f.run(&["new", "partner", "gamma-group", "--market", "us"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = f.run(&[
        "new",
        "partner",
        "gamma-grove",
        "--market",
        "ru",
        "--name",
        "Гамма \"Роща\"",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let registry = f.read("content/partners.yaml");
    assert!(
        registry.starts_with(common::PARTNERS),
        "existing entries are kept as written"
    );
    assert!(registry.contains("code: GAMMAGROUP01"), "{registry}");
    assert!(registry.contains("code: GAMMAGROVE01"), "{registry}");
    f.build().unwrap();
    assert!(f.exists("public/p/gamma-grove/ru/index.html"));
    assert!(f
        .read("public/p/gamma-grove/ru/index.html")
        .contains("Гамма &quot;Роща&quot;"));
    assert_eq!(
        f.run(&["new", "partner", "gamma-group", "--market", "us"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        f.run(&["new", "partner", "delta", "--market", "eu"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn init_creates_a_project_that_builds_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("network");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_refkit"))
        .arg("init")
        .arg(&target)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let built = std::process::Command::new(env!("CARGO_BIN_EXE_refkit"))
        .args(["build", "--root"])
        .arg(&target)
        .env("REFKIT_SECRET", "x")
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    assert!(target
        .join("public/ru/stories/first-referral/index.html")
        .is_file());
    assert!(target
        .join("public/p/first-partner/en/index.html")
        .is_file());
    let checked = std::process::Command::new(env!("CARGO_BIN_EXE_refkit"))
        .args(["check", "--root"])
        .arg(&target)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_refkit"))
        .arg("init")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(2),
        "init refuses a folder that is not empty"
    );
}

#[test]
fn build_is_quiet_but_for_one_summary_line_when_not_on_a_terminal() {
    let f = Fixture::minimal();
    let out = f.run(&["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("built 13 pages and 4 kits for 2 partners"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// A new project made by `refkit init` in a temporary folder: (the folder, the project).
fn starter() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("network");
    let out = refkit_in(dir.path(), &["init", "network"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, root)
}

/// Runs the real binary in `folder` with `args`.
fn refkit_in(folder: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_refkit"))
        .args(args)
        .current_dir(folder)
        .env("REFKIT_SECRET", "x")
        .output()
        .unwrap()
}

#[test]
fn a_fresh_project_checks_clean_before_its_author_writes_a_word() {
    let (_dir, root) = starter();
    let out = refkit_in(&root, &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.ends_with("0 errors, 0 warnings\n"), "{stdout}");
}

#[test]
fn the_starter_gitignore_ignores_everything_a_build_leaves_behind() {
    let (_dir, root) = starter();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&root)
            .output()
            .expect("this test needs git (a clone of refkit has it)");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "--quiet"]);
    let status = || git(&["status", "--porcelain", "--untracked-files=all"]);
    let sources = status();
    assert!(sources.contains("?? site.yaml\n"), "{sources}");
    for args in [&["build"][..], &["check"]] {
        let out = refkit_in(&root, args);
        assert!(
            out.status.success(),
            "refkit {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // A build that was stopped leaves its staging folders (named as in output/).
    for leftover in [".public.refkit-new-4242", ".manifest.refkit-old-4242"] {
        std::fs::create_dir_all(root.join(leftover)).unwrap();
        std::fs::write(root.join(leftover).join("index.html"), "x").unwrap();
    }
    assert!(
        root.join(".public.refkit-lock").exists(),
        "the build's lock file"
    );
    assert!(
        root.join(".refkit-cache").is_dir(),
        "the build's image cache"
    );
    let after = status();
    let new: Vec<&str> = after
        .lines()
        .filter(|l| !sources.lines().any(|s| s == *l))
        .collect();
    assert!(
        new.is_empty(),
        "files a build or check left that git would offer to commit:\n{}",
        new.join("\n")
    );
}

#[test]
fn the_starter_copy_belongs_to_the_starter_brand_in_both_languages() {
    let (_dir, root) = starter();
    let out = refkit_in(&root, &["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let (en, ru) = (read("public/en/index.html"), read("public/ru/index.html"));
    assert!(
        en.contains(
            "<p class=\"lead\">Partners recommend My Brand to the businesses they work with."
        ),
        "{en}"
    );
    assert!(
        ru.contains(
            "<p class=\"lead\">Партнёры советуют My Brand компаниям, с\u{a0}которыми работают."
        ),
        "{ru}"
    );
    // No line of the demo brand's own copy reaches a new project, in its sources or
    // its pages.
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut demo_copy = vec!["Polar Ledger".to_owned()];
    for lang in ["en", "ru"] {
        let brand =
            std::fs::read_to_string(repo.join(format!("locales/{lang}/brand.ftl"))).unwrap();
        demo_copy.extend(
            brand
                .lines()
                .filter_map(|l| l.split_once(" = "))
                .flat_map(|(_, value)| value.split(['.', ':', '{', '}']))
                .map(str::trim)
                .filter(|phrase| phrase.chars().count() > 12)
                .map(str::to_owned),
        );
    }
    assert!(demo_copy.len() > 4, "{demo_copy:?}");
    for (rel, bytes) in common::snapshot(&root) {
        // Typeset pages have no-break spaces where the copy has spaces.
        let text = String::from_utf8_lossy(&bytes).replace('\u{a0}', " ");
        for phrase in &demo_copy {
            assert!(
                !text.contains(phrase.as_str()),
                "{} carries the demo's copy {phrase:?}",
                rel.display()
            );
        }
    }
}
