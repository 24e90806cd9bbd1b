//! The hostile-input suite: one small breakage per case, across paths, YAML, Markdown,
//! templates, locales, images, the registry, links and concurrency.
//!
//! Every refused case goes through [`assert_refused`]: the real binary exits with the
//! expected code, stderr names the file (and line, where there is one), nothing
//! panicked, and the previous `public/` and `manifest/` are byte-identical. Cases that
//! are accepted on purpose (hostile text that is neutralised rather than refused)
//! check the output instead. The dev server's cases live in the `serve` module.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{self, assert_refused, banner_png, Fixture, PARTNERS};

/// A story with the given body, in both languages.
fn story_body(f: &Fixture, body: &str) {
    for (lang, title) in [("en", "Evil"), ("ru", "Злой")] {
        f.write(
            &format!("content/stories/evil.{lang}.md"),
            &format!("---\ntitle: {title}\nsummary: S.\ndate: 2026-05-01\n---\n{body}\n"),
        );
    }
}

/// The registry with its first partner's `field: value` line replaced.
fn partner_field(f: &Fixture, field: &str, value: &str) {
    let mut done = false;
    let text: String = PARTNERS
        .lines()
        .map(|line| {
            let bare = line.trim_start().trim_start_matches("- ");
            if !done && bare.starts_with(&format!("{field}:")) {
                done = true;
                let indent = &line[..line.len() - bare.len()];
                format!("{indent}{field}: {value}\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    assert!(done, "no `{field}` in the registry");
    f.write("content/partners.yaml", &text);
}

/// The line of the first partner's `field` in the registry.
fn partner_line(field: &str) -> usize {
    PARTNERS
        .lines()
        .position(|l| {
            l.trim_start()
                .trim_start_matches("- ")
                .starts_with(&format!("{field}:"))
        })
        .unwrap()
        + 1
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

// ── Paths ────────────────────────────────────────────────────────────────────────

#[cfg(unix)]
#[test]
fn a_symlinked_story_pointing_outside_the_project_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.md"), "---\ntitle: x\n---\n").unwrap();
    assert_refused(
        |f| {
            for lang in ["en", "ru"] {
                symlink(
                    &outside.path().join("secret.md"),
                    &f.root().join(format!("content/stories/leak.{lang}.md")),
                );
            }
        },
        &[],
        1,
        &["content/stories/leak.en.md", "outside the project"],
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_folder_pointing_outside_the_project_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("x.css"), "body{}").unwrap();
    assert_refused(
        |f| symlink(outside.path(), &f.root().join("static/ext")),
        &[],
        1,
        &["static/ext", "outside the project"],
    );
}

#[test]
fn out_pointing_at_the_project_is_refused() {
    let stderr = assert_refused(|_| {}, &["--out", "{root}"], 2, &["--out", "project"]);
    assert!(stderr.contains("above it"), "{stderr}");
}

#[test]
fn out_inside_a_source_folder_is_refused() {
    assert_refused(
        |_| {},
        &["--out", "{root}/content/public"],
        2,
        &["--out", "inside a source folder"],
    );
}

#[test]
fn out_holding_a_git_folder_is_refused() {
    assert_refused(
        |f| fs::create_dir_all(f.root().join("site/.git")).unwrap(),
        &["--out", "{root}/site"],
        2,
        &["--out", "holds a .git folder"],
    );
}

#[cfg(unix)]
#[test]
fn out_through_a_symlink_to_the_project_is_refused() {
    assert_refused(
        |f| symlink(f.root(), &f.root().join("alias")),
        &["--out", "{root}/alias"],
        2,
        &["--out", "project or a folder above it"],
    );
}

#[test]
fn out_holding_files_refkit_did_not_write_is_refused() {
    assert_refused(
        |f| f.write("docs/notes.txt", "mine"),
        &["--out", "{root}/docs"],
        2,
        &["docs", "was not created by refkit"],
    );
}

#[test]
fn manifest_inside_public_is_refused() {
    assert_refused(
        |_| {},
        &["--manifest", "{root}/public/manifest"],
        2,
        &["must not be inside the public folder"],
    );
}

#[test]
fn a_cyrillic_file_name_is_refused_with_advice_to_use_a_slug() {
    assert_refused(
        |f| {
            f.write("content/stories/привет.en.md", "---\ntitle: x\n---\n");
            f.write("content/stories/привет.ru.md", "---\ntitle: x\n---\n");
        },
        &[],
        1,
        &["content/stories/привет.en.md", "not a safe slug"],
    );
}

#[test]
fn two_sources_for_one_output_path_are_named() {
    assert_refused(
        |f| f.write("static/en/index.html", "<p>mine</p>"),
        &[],
        1,
        &[
            "public/en/index.html",
            "static/en/index.html",
            "the en home page",
        ],
    );
}

// ── YAML ─────────────────────────────────────────────────────────────────────────

#[test]
fn an_alias_bomb_in_the_registry_fails_fast() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    let started = Instant::now();
    assert_refused(
        |f| f.write("content/partners.yaml", &format!("{bomb}partners: []\n")),
        &[],
        1,
        &["content/partners.yaml"],
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn deeply_nested_yaml_is_refused_without_exhausting_the_stack() {
    let deep = format!("extra: {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
    assert_refused(
        |f| f.write("site.yaml", &format!("{}{deep}", common::SITE)),
        &[],
        1,
        &["site.yaml:"],
    );
}

#[test]
fn a_duplicate_key_in_site_yaml_names_its_line() {
    let lines = common::SITE.lines().count();
    assert_refused(
        |f| f.write("site.yaml", &format!("{}title: Again\n", common::SITE)),
        &[],
        1,
        &[&format!("site.yaml:{}", lines + 1)],
    );
}

#[test]
fn an_unknown_partner_key_names_its_line() {
    assert_refused(
        |f| partner_field(f, "tier", "large\n    password: hunter2"),
        &[],
        1,
        &[&format!(
            "content/partners.yaml:{}",
            partner_line("tier") + 1
        )],
    );
}

#[test]
fn broken_front_matter_yaml_names_the_story_line() {
    assert_refused(
        |f| {
            f.write(
                "content/stories/first.ru.md",
                "---\ntitle: Первая\nsummary: [unclosed\ndate: 2026-05-01\n---\nТекст\n",
            )
        },
        &[],
        1,
        &["content/stories/first.ru.md:"],
    );
}

#[test]
fn unclosed_front_matter_is_refused() {
    assert_refused(
        |f| {
            f.write(
                "content/stories/first.en.md",
                "---\ntitle: First\nsummary: S.\n\nno closing line\n",
            )
        },
        &[],
        1,
        &["content/stories/first.en.md:1"],
    );
}

#[test]
fn a_pair_whose_dates_differ_points_at_the_date_line() {
    assert_refused(
        |f| {
            f.write(
                "content/stories/first.ru.md",
                "---\ntitle: Первая\nsummary: О ней.\ndate: 2026-05-02\n---\nТекст\n",
            )
        },
        &[],
        1,
        &["content/stories/first.ru.md:4:7", "`date` differs"],
    );
}

// ── Markdown ─────────────────────────────────────────────────────────────────────

#[test]
fn an_oversized_markdown_file_is_refused() {
    assert_refused(
        |f| story_body(f, &"word ".repeat(1_000_000)),
        &[],
        1,
        &["content/stories/evil.en.md", "4 MiB limit"],
    );
}

#[test]
fn markdown_that_is_not_utf8_names_the_byte_offset() {
    assert_refused(
        |f| {
            story_body(f, "fine");
            f.write_bytes(
                "content/stories/evil.ru.md",
                b"---\ntitle: x\nsummary: s\ndate: 2026-05-01\n---\nbad \xd0 byte\n",
            );
        },
        &[],
        1,
        &["content/stories/evil.ru.md:6:5", "offset 49"],
    );
}

#[test]
fn a_partner_code_in_shared_content_is_refused() {
    assert_refused(
        |f| story_body(f, "Use code ALPHA26 to sign up."),
        &[],
        1,
        &["content/stories/evil.en.md", "ALPHA26"],
    );
}

#[test]
fn a_story_missing_its_translation_names_the_missing_file() {
    assert_refused(
        |f| {
            f.write(
                "content/stories/lonely.en.md",
                &common::story("Lonely", None),
            )
        },
        &[],
        1,
        &["content/stories/lonely.ru.md"],
    );
}

#[test]
fn pathological_markdown_nesting_builds_and_stays_escaped() {
    let f = Fixture::minimal();
    let body = format!(
        "{}deep\n\n{}\n\n{}x{}\n\n<script>alert(1)</script>\n\n[a](&#106;avascript:alert(1)) [b](java\tscript:x) [c](DATA:text/html,x)\n",
        ">".repeat(20_000),
        "*a **b ".repeat(5_000),
        "[".repeat(10_000),
        "](".repeat(5_000)
    );
    story_body(&f, &body);
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = f.read("public/en/stories/evil/index.html");
    assert!(!html.contains("<script>alert"), "raw HTML must be text");
    assert!(html.contains("&lt;script&gt;"));
    for bad in ["javascript:", "java\tscript:", "DATA:text"] {
        assert!(!html.contains(&format!("href=\"{bad}")), "{bad} link kept");
    }
}

// ── Templates ────────────────────────────────────────────────────────────────────

#[test]
fn an_include_cycle_is_refused() {
    assert_refused(
        |f| {
            f.write(
                "templates/page.html",
                r#"{% extends "base.html" %}{% block main %}{% include "loop.html" %}{% endblock main %}"#,
            );
            f.write("templates/loop.html", r#"{% include "loop.html" %}"#);
        },
        &[],
        1,
        &["loop.html", "ircular"],
    );
}

#[test]
fn an_endlessly_recursive_component_is_refused() {
    assert_refused(
        |f| {
            f.write(
                "templates/story.html",
                r#"{% extends "base.html" %}{% block main %}{{ <echo n={1} /> }}{% endblock main %}"#,
            );
            f.write(
                "templates/components.html",
                r#"{% component echo(n) %}{{ <echo n={n} /> }}{% endcomponent echo %}"#,
            );
        },
        &[],
        1,
        &["content/stories/first.en.md", "recursion"],
    );
}

#[test]
fn an_unknown_template_variable_names_the_template_line() {
    assert_refused(
        |f| {
            f.write(
                "templates/story.html",
                "{% extends \"base.html\" %}\n{% block main %}\n{{ secret.value }}\n{% endblock main %}",
            )
        },
        &[],
        1,
        &["templates/story.html:3"],
    );
}

#[test]
fn a_template_syntax_error_names_the_template() {
    assert_refused(
        |f| f.write("templates/home.html", "{% if %}\n"),
        &[],
        1,
        &["templates/home.html:1"],
    );
}

#[test]
fn a_template_reading_a_file_outside_the_project_is_refused() {
    assert_refused(
        |f| {
            f.write(
                "templates/home.html",
                r#"{% extends "../../../../../../etc/passwd" %}"#,
            )
        },
        &[],
        1,
        &["templates/home.html"],
    );
}

// ── Locales ──────────────────────────────────────────────────────────────────────

#[test]
fn a_fluent_reference_cycle_names_file_and_line() {
    assert_refused(
        |f| {
            f.write(
                "locales/ru/main.ftl",
                &format!("{}ping = {{ pong }}\npong = {{ ping }}\n", common::RU_FTL),
            )
        },
        &[],
        1,
        &[
            &format!("locales/ru/main.ftl:{}", common::RU_FTL.lines().count() + 1),
            "ping → pong → ping",
        ],
    );
}

#[test]
fn deeply_nested_fluent_placeables_are_refused() {
    assert_refused(
        |f| {
            f.write(
                "locales/en/main.ftl",
                &format!(
                    "{}deep = {}x{}\n",
                    common::EN_FTL,
                    "{ ".repeat(200_000),
                    " }".repeat(200_000)
                ),
            )
        },
        &[],
        1,
        &[
            &format!("locales/en/main.ftl:{}", common::EN_FTL.lines().count() + 1),
            "nest more than",
        ],
    );
}

#[test]
fn a_fluent_syntax_error_names_its_line() {
    assert_refused(
        |f| {
            f.write(
                "locales/en/main.ftl",
                &format!("{}broken = {{ $x\n", common::EN_FTL),
            )
        },
        &[],
        1,
        &["locales/en/main.ftl:"],
    );
}

#[test]
fn a_message_missing_in_one_language_names_the_language() {
    assert_refused(
        |f| {
            f.write(
                "locales/ru/main.ftl",
                &common::RU_FTL.replace("join =", "joinx ="),
            )
        },
        &[],
        1,
        &["`join`", "locales/ru/"],
    );
}

// ── Images ───────────────────────────────────────────────────────────────────────

/// A PNG header claiming `width` x `height`, with no pixel data behind it.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(b"IHDR");
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32fast::hash(&ihdr).to_be_bytes());
    // A tiny compressed stream follows, as in a real file: nothing near the pixels
    // the header promises.
    for (kind, data) in [
        (
            &b"IDAT"[..],
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01][..],
        ),
        (b"IEND", &[]),
    ] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(data);
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32fast::hash(&chunk).to_be_bytes());
    }
    png
}

#[test]
fn a_banner_claiming_huge_dimensions_is_refused_before_decoding() {
    let started = Instant::now();
    assert_refused(
        |f| f.write_bytes("content/banners/huge.png", &png_header(60_000, 60_000)),
        &[],
        1,
        &["content/banners/huge.png", "60000"],
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_truncated_banner_is_refused() {
    let mut png = banner_png(64, 64);
    png.truncate(png.len() / 2);
    assert_refused(
        |f| f.write_bytes("content/banners/half.png", &png),
        &[],
        1,
        &["content/banners/half.png"],
    );
}

#[test]
fn a_text_file_named_like_a_banner_is_refused() {
    assert_refused(
        |f| f.write("content/banners/fake.png", "<svg onload=alert(1)>"),
        &[],
        1,
        &["content/banners/fake.png"],
    );
}

// ── The registry and links ───────────────────────────────────────────────────────

#[test]
fn a_direction_changing_character_in_a_partner_name_is_refused() {
    assert_refused(
        |f| partner_field(f, "name", "\"Alpha \u{202E}snoS\""),
        &[],
        1,
        &[
            &format!("content/partners.yaml:{}", partner_line("name")),
            "U+202E",
        ],
    );
}

#[test]
fn a_zero_width_character_in_a_partner_name_is_refused() {
    assert_refused(
        |f| partner_field(f, "name", "\"Al\u{200B}pha\""),
        &[],
        1,
        &["content/partners.yaml:", "U+200B"],
    );
}

#[test]
fn a_referral_code_that_could_break_a_url_is_refused() {
    assert_refused(
        |f| partner_field(f, "code", "'AB\"><x&y=1'"),
        &[],
        1,
        &[
            &format!("content/partners.yaml:{}", partner_line("code")),
            "malformed",
        ],
    );
}

#[test]
fn a_partner_id_that_walks_out_of_its_folder_is_refused() {
    assert_refused(
        |f| partner_field(f, "id", "../../etc"),
        &[],
        1,
        &[
            &format!("content/partners.yaml:{}", partner_line("id")),
            "not a safe slug",
        ],
    );
}

#[test]
fn a_contact_email_that_breaks_out_of_mailto_is_refused() {
    assert_refused(
        |f| {
            partner_field(
                f,
                "tier",
                "large\n    contact: {name: Ann, email: 'a@b.co\"><script>'}",
            )
        },
        &[],
        1,
        &["content/partners.yaml:", "not an e-mail address"],
    );
}

#[test]
fn a_landing_page_with_a_script_url_is_refused() {
    assert_refused(
        |f| {
            f.write(
                "site.yaml",
                &common::SITE.replace("https://join.test/us", "javascript:alert(1)"),
            )
        },
        &[],
        1,
        &["site.yaml:6"],
    );
}

#[test]
fn a_duplicate_referral_code_names_both_partners() {
    assert_refused(
        |f| {
            f.write(
                "content/partners.yaml",
                &PARTNERS.replace("BETA26", "ALPHA26"),
            )
        },
        &[],
        1,
        &["content/partners.yaml:", "already used by partner `alpha`"],
    );
}

#[test]
fn hostile_registry_text_is_escaped_wherever_it_lands() {
    let f = Fixture::minimal();
    f.write(
        "content/partners.yaml",
        &PARTNERS.replace(
            "name: Alpha & Sons",
            "name: \"=HYPERLINK(\\\"http://x\\\") <b>\\\"'</b>\"",
        ),
    );
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = f.read("public/p/alpha/en/index.html");
    assert!(!html.contains("<b>"), "the name must be escaped in HTML");
    assert!(html.contains("&lt;b&gt;"));
    for line in f.read("manifest/links.csv").lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a CSV cell starts a formula: {line}"
            );
        }
    }
}

// ── Concurrency ──────────────────────────────────────────────────────────────────

#[test]
fn a_second_build_of_the_same_output_waits_its_turn_by_failing_cleanly() {
    let held = std::sync::Mutex::new(None);
    assert_refused(
        |f| {
            *held.lock().unwrap() =
                Some(refkit::OutputLock::acquire(&f.root().join("public")).unwrap());
        },
        &[],
        2,
        &["another refkit build", "public"],
    );
    drop(held);
}

#[test]
fn front_matter_cannot_break_out_of_structured_data() {
    let f = Fixture::minimal();
    f.write(
        "templates/base.html",
        &common::BASE.replace(
            "</head>",
            "{% if json_ld %}<script type=\"application/ld+json\">{{ json_ld | safe }}</script>{% endif %}</head>",
        ),
    );
    for lang in ["en", "ru"] {
        f.write(
            &format!("content/stories/first.{lang}.md"),
            "---\ntitle: \"</script><script>alert(1)</script>\"\nsummary: \"<!-- & -->\"\ndate: 2026-05-01\n---\nBody\n",
        );
    }
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = f.read("public/en/stories/first/index.html");
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    let start = html.find("application/ld+json\">").unwrap() + "application/ld+json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(data["headline"], "</script><script>alert(1)</script>");
    assert_eq!(data["url"], "https://partners.test/en/stories/first/");
}
