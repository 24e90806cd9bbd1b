//! Brand pages and partner microsites built from a small fixture project.

use crate::common::{self, hrefs, snapshot, Fixture};

#[test]
fn brand_and_partner_pages_are_written_where_the_contract_says() {
    let f = Fixture::minimal();
    let summary = f.build().unwrap();
    for path in [
        "public/index.html",
        "public/en/index.html",
        "public/ru/index.html",
        "public/en/stories/first/index.html",
        "public/ru/stories/first/index.html",
        "public/p/alpha/en/index.html",
        "public/p/alpha/ru/index.html",
        "public/p/alpha/en/stories/first/index.html",
        "public/p/beta/ru/stories/first/index.html",
        "public/assets/site.css",
        "public/.refkit-output",
        "manifest/links.csv",
    ] {
        assert!(f.exists(path), "{path} is missing");
    }
    assert_eq!(summary.pages, 1 + 2 * 2 + 2 * 2 * 2);
    assert!(
        !f.exists("public/manifest"),
        "the manifest must never be public"
    );
}

#[test]
fn every_page_has_lang_hreflang_pair_x_default_and_a_switcher() {
    let f = Fixture::minimal();
    f.build().unwrap();
    let en = f.read("public/en/stories/first/index.html");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(
        en.contains(r#"hreflang="en" href="https://partners.test/en/stories/first/""#),
        "{en}"
    );
    assert!(
        en.contains(r#"hreflang="ru" href="https://partners.test/ru/stories/first/""#),
        "{en}"
    );
    assert!(
        en.contains(r#"hreflang="x-default" href="https://partners.test/en/stories/first/""#),
        "{en}"
    );
    assert!(
        en.contains(r#"class="switch" hreflang="ru" href="/ru/stories/first/">Russian</a>"#),
        "{en}"
    );
    let ru = f.read("public/p/beta/ru/index.html");
    assert!(ru.contains("<html lang=\"ru\">"));
    assert!(ru.contains(r#"href="/p/beta/en/">English</a>"#), "{ru}");
}

#[test]
fn partner_pages_are_noindex_and_canonical_to_the_brand_page_they_repeat() {
    let f = Fixture::minimal();
    f.build().unwrap();
    let story = f.read("public/p/alpha/ru/stories/first/index.html");
    assert!(story.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(
        story.contains(r#"<link rel="canonical" href="https://partners.test/ru/stories/first/">"#),
        "{story}"
    );
    let landing = f.read("public/p/alpha/en/index.html");
    assert!(
        landing.contains(r#"<link rel="canonical" href="https://partners.test/en/">"#),
        "{landing}"
    );
    let brand = f.read("public/en/stories/first/index.html");
    assert!(!brand.contains("noindex"));
    assert!(
        brand.contains(r#"<link rel="canonical" href="https://partners.test/en/stories/first/">"#)
    );
}

#[test]
fn every_partner_call_to_action_has_its_code_and_no_other_partners() {
    let f = Fixture::minimal();
    f.build().unwrap();
    for (partner, code, other) in [
        ("alpha", "ALPHA26", "BETA26"),
        ("beta", "BETA26", "ALPHA26"),
    ] {
        for page in [
            format!("public/p/{partner}/en/index.html"),
            format!("public/p/{partner}/ru/stories/first/index.html"),
        ] {
            let html = f.read(&page);
            let ctas: Vec<String> = hrefs(&html)
                .into_iter()
                .filter(|h| h.starts_with("https://join.test"))
                .collect();
            assert!(!ctas.is_empty(), "{page} has no call to action");
            for cta in &ctas {
                assert!(cta.contains(&format!("ref={code}&")), "{page}: {cta}");
                assert!(
                    cta.contains("utm_source=partner&utm_medium=microsite&utm_campaign=test"),
                    "{page}: {cta}"
                );
            }
            assert!(
                !html.contains(other),
                "{page} contains another partner's code"
            );
        }
    }
    let landing = f.read("public/p/alpha/en/index.html");
    assert!(landing.contains("utm_content=landing-hero"));
    assert!(landing.contains("utm_content=landing-footer"));
    assert!(f
        .read("public/p/alpha/en/stories/first/index.html")
        .contains("utm_content=story-first"));
}

#[test]
fn brand_pages_carry_no_referral_code() {
    let f = Fixture::minimal();
    f.build().unwrap();
    for page in [
        "public/index.html",
        "public/en/index.html",
        "public/ru/stories/first/index.html",
    ] {
        let html = f.read(page);
        assert!(!html.contains("?ref=") && !html.contains("utm_"), "{page}");
        assert!(
            !html.contains("ALPHA26") && !html.contains("BETA26"),
            "{page}"
        );
    }
}

#[test]
fn manifest_lists_every_emitted_link_once() {
    let f = Fixture::minimal();
    let summary = f.build().unwrap();
    let csv = f.read("manifest/links.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("partner,market,lang,channel,asset,url,short_url")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(summary.links, rows.len());
    // Per partner and language: landing-hero, landing-footer, story-first.
    let microsite: Vec<&&str> = rows.iter().filter(|r| r.contains(",microsite,")).collect();
    assert_eq!(microsite.len(), 2 * 2 * 3);
    assert!(rows.contains(&"alpha,us,ru,microsite,story-first,https://join.test/us?ref=ALPHA26&utm_source=partner&utm_medium=microsite&utm_campaign=test&utm_content=story-first,"), "{csv}");
    // A short link's target is listed with it.
    assert!(rows.contains(&"alpha,us,en,x,short-link,https://join.test/us?ref=ALPHA26&utm_source=partner&utm_medium=x&utm_campaign=test&utm_content=short-link,https://partners.test/r/alpha26/x/"), "{csv}");
    // Every link on a page is in the manifest.
    let page = f.read("public/p/beta/en/index.html");
    for href in hrefs(&page).into_iter().filter(|h| h.contains("ref=")) {
        assert!(csv.contains(&href), "{href} is not in the manifest");
    }
}

#[test]
fn markets_lead_differently_in_both_languages() {
    let f = Fixture::minimal();
    f.build().unwrap();
    // The reward is the partner's: on its kit page, never on its microsite.
    assert!(crate::common::kit_page(&f, "alpha", "en").contains("Earn $150 per referral"));
    assert!(
        crate::common::kit_page(&f, "alpha", "ru").contains("150\u{a0}$ за\u{a0}каждого клиента")
    );
    assert!(f
        .read("public/p/alpha/en/index.html")
        .contains("Clear numbers"));
    assert!(!f.read("public/p/alpha/en/index.html").contains("$150"));
    assert!(f
        .read("public/p/beta/en/index.html")
        .contains("A partnership built on trust"));
    assert!(f
        .read("public/p/beta/ru/index.html")
        .contains("Партнёрство, построенное на\u{a0}доверии"));
}

#[test]
fn a_story_limited_to_one_market_reaches_only_that_markets_partners() {
    let f = Fixture::minimal();
    f.write(
        "content/stories/us-only.en.md",
        &common::story("US only", Some("us")),
    );
    f.write(
        "content/stories/us-only.ru.md",
        &common::story("Только США", Some("us")),
    );
    f.build().unwrap();
    assert!(f.exists("public/en/stories/us-only/index.html"));
    assert!(f.exists("public/p/alpha/en/stories/us-only/index.html"));
    assert!(!f.exists("public/p/beta/en/stories/us-only/index.html"));
    assert!(!f.read("public/p/beta/ru/index.html").contains("us-only"));
}

#[test]
fn russian_plurals_follow_one_few_many_for_1_2_5_11_21() {
    let f = Fixture::minimal();
    for (n, expected) in [
        (1, "1 история"),
        (2, "2 истории"),
        (5, "5 историй"),
        (11, "11 историй"),
        (21, "21 история"),
    ] {
        for i in 0..25 {
            let rel_en = format!("content/stories/s{i}.en.md");
            let rel_ru = format!("content/stories/s{i}.ru.md");
            if i < n - 1 {
                f.write(&rel_en, &common::story("S", None));
                f.write(&rel_ru, &common::story("С", None));
            } else if f.exists(&rel_en) {
                f.remove(&rel_en);
                f.remove(&rel_ru);
            }
        }
        f.build().unwrap();
        let home = f.read("public/ru/index.html");
        assert!(
            home.contains(&format!("<p class=\"count\">{expected}</p>")),
            "{n}: {home}"
        );
    }
}

#[test]
fn partner_names_are_escaped_in_html() {
    let f = Fixture::minimal();
    f.build().unwrap();
    let html = f.read("public/p/alpha/en/index.html");
    assert!(html.contains("<h1>Alpha &amp; Sons</h1>"), "{html}");
}

#[test]
fn sub_path_base_url_prefixes_every_internal_link() {
    let f = Fixture::minimal();
    f.write(
        "site.yaml",
        &common::SITE.replace("https://partners.test", "https://example.org/network/"),
    );
    f.build().unwrap();
    let html = f.read("public/en/stories/first/index.html");
    assert!(
        html.contains(r#"href="/network/ru/stories/first/""#),
        "{html}"
    );
    assert!(
        html.contains(r#"hreflang="ru" href="https://example.org/network/ru/stories/first/""#),
        "{html}"
    );
}

#[test]
fn the_same_project_builds_to_the_same_bytes() {
    let f = Fixture::minimal();
    f.build().unwrap();
    let first = snapshot(&f.root().join("public"));
    let first_manifest = snapshot(&f.root().join("manifest"));
    f.build().unwrap();
    assert_eq!(first, snapshot(&f.root().join("public")));
    assert_eq!(first_manifest, snapshot(&f.root().join("manifest")));
}

#[test]
fn hreflang_alternates_resolve_to_files_that_exist() {
    let f = Fixture::minimal();
    f.build().unwrap();
    common::assert_alternates_resolve(&f.root().join("public"), "https://partners.test/");
}

#[test]
fn an_unchanged_project_is_not_built_again_but_any_change_is() {
    let f = Fixture::minimal();
    let first = f.build().unwrap();
    let page = f.root().join("public/en/stories/first/index.html");
    let written = std::fs::metadata(&page).unwrap().modified().unwrap();
    let again = f.build().unwrap();
    assert_eq!(
        (again.pages, again.kits, again.links, again.bytes),
        (first.pages, first.kits, first.links, first.bytes)
    );
    assert!(
        again.stages.iter().any(|s| s.0 == "unchanged"),
        "{:?}",
        again.stages
    );
    assert_eq!(
        std::fs::metadata(&page).unwrap().modified().unwrap(),
        written,
        "output was rewritten"
    );
    f.write(
        "content/stories/first.en.md",
        &common::story("First, edited", None),
    );
    let third = f.build().unwrap();
    assert!(!third.stages.iter().any(|s| s.0 == "unchanged"));
    assert!(f
        .read("public/en/stories/first/index.html")
        .contains("First, edited"));
}

#[test]
fn the_preview_re_renders_only_the_pages_a_change_touches() {
    let f = Fixture::minimal();
    let cache = std::sync::Arc::new(refkit::RenderCache::default());
    let build = || {
        refkit::build(&refkit::BuildOptions {
            root: f.root().to_path_buf(),
            skip_kits: true,
            preview: true,
            cache: Some(cache.clone()),
            ..Default::default()
        })
    };
    assert_eq!(build().unwrap().pages, 13);
    assert!(build().unwrap().stages.iter().any(|s| s.0 == "unchanged"));
    // A body edit: the English story page and its copy on both partners' microsites.
    f.write(
        "content/stories/first.en.md",
        &common::story("First", None).replace("Some", "Brand-new"),
    );
    assert_eq!(build().unwrap().pages, 3);
    assert!(f
        .read("public/p/beta/en/stories/first/index.html")
        .contains("Brand-new"));
    // A title edit reaches every page that lists the story.
    f.write(
        "content/stories/first.en.md",
        &common::story("Renamed", None),
    );
    assert_eq!(build().unwrap().pages, 13);
    // A template error leaves the last good pages.
    f.write(
        "templates/story.html",
        "{% extends \"base.html\" %}{% block main %}{{ nope }}{% endblock main %}",
    );
    assert!(build().is_err());
    assert!(f
        .read("public/en/stories/first/index.html")
        .contains("Renamed"));
    // A new story appears, a removed one disappears.
    f.remove("templates/story.html");
    f.write(
        "content/stories/second.en.md",
        &common::story("Second", None),
    );
    f.write(
        "content/stories/second.ru.md",
        &common::story("Вторая", None),
    );
    build().unwrap();
    assert!(f.exists("public/p/alpha/ru/stories/second/index.html"));
    f.remove("content/stories/second.en.md");
    f.remove("content/stories/second.ru.md");
    build().unwrap();
    assert!(!f.exists("public/p/alpha/ru/stories/second/index.html"));
}
