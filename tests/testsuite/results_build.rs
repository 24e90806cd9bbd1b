//! Results in a build (issue 18): the demo's events attributed through the links the
//! build issued, the tables in `manifest/results/` and the figures in `summary.json`;
//! a payment in another market's currency fails the build naming the cell.

use std::path::PathBuf;

use refkit::{build, BuildOptions};

use crate::common::{self, Fixture, TEST_SECRET};

/// The demo, with its result files, built into a temporary folder.
fn build_demo() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    build(&BuildOptions {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        out: Some(out.path().join("public")),
        manifest: Some(out.path().join("manifest")),
        env: refkit::Environment::default().with_secret(TEST_SECRET),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("the demo must build:\n{e}"));
    out
}

#[test]
fn the_demo_report_shows_russian_partners_converting_better_and_deciding_slower() {
    let out = build_demo();
    let manifest = out.path().join("manifest");
    for table in [
        "by_market",
        "by_channel",
        "by_asset",
        "by_partner",
        "by_stage",
        "by_tier",
        "by_pilot",
        "by_month",
        "payouts",
        "unattributed",
    ] {
        let path = manifest.join(format!("results/{table}.csv"));
        assert!(path.is_file(), "{}", path.display());
    }
    assert!(
        !out.path().join("public/results").exists(),
        "the report is never public"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest.join("summary.json")).unwrap())
            .unwrap();
    let results = &summary["results"];
    let (ru, us) = (&results["markets"]["ru"], &results["markets"]["us"]);
    let rate = |m: &serde_json::Value| m["click_to_customer"].as_f64().unwrap();
    let median = |m: &serde_json::Value| m["decide_days"]["median"].as_f64().unwrap();
    // The demo's events were made with the shape the program's people described:
    // about 23% better conversion and about 40% longer to decide in Russia.
    assert!(rate(ru) > rate(us) * 1.1, "{ru}\n{us}");
    assert!(median(ru) > median(us) * 1.2, "{ru}\n{us}");
    assert_eq!(
        (ru["currency"].as_str(), us["currency"].as_str()),
        (Some("RUB"), Some("USD"))
    );
    // Every demo event is one refkit issued: none is unattributed.
    assert_eq!(results["unattributed"], serde_json::json!({}));
    let unattributed = std::fs::read_to_string(manifest.join("results/unattributed.csv")).unwrap();
    assert_eq!(unattributed.lines().count(), 1, "{unattributed}");
}

#[test]
fn a_theme_without_a_results_page_fails_a_build_that_lists_result_files() {
    let f = Fixture::minimal();
    f.remove("themes/harbor/templates/results.html");
    f.write(
        "results/events.csv",
        "date,code,channel,asset,event,customer,amount,currency\n",
    );
    f.write(
        "site.yaml",
        &format!(
            "{}results:\n  - file: results/events.csv\n    format: refkit\n",
            common::SITE
        ),
    );
    let (code, stderr) = common::failing_build(&f);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("has no results.html"), "{stderr}");
}

#[test]
fn the_demo_report_is_private_valid_html_in_each_language() {
    let out = build_demo();
    let results = out.path().join("manifest/results");
    let read = |name: &str| {
        std::fs::read_to_string(results.join(name))
            .unwrap_or_else(|e| panic!("manifest/results/{name}: {e}"))
    };
    let (en, ru) = (read("report.en.html"), read("report.ru.html"));
    assert_eq!(
        read("report.html"),
        en,
        "report.html is the first language's"
    );
    assert!(en.contains("<h1>Referral program results</h1>"));
    assert!(ru.contains("<h1>Итоги партнёрской программы</h1>"));
    for page in [&en, &ru] {
        assert!(page.contains("<svg ") && page.contains("role=\"img\""));
        assert!(!page.contains("<script") && !page.contains("src=\"http"));
    }
    let public = common::snapshot(&out.path().join("public"));
    assert!(
        public.iter().all(|(path, _)| !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("report"))),
        "the report is never public"
    );
    common::nu_html_checker(&results);
}

#[test]
fn a_payment_in_another_markets_currency_fails_the_build_naming_the_cell() {
    let f = Fixture::minimal();
    f.write(
        "themes/harbor/templates/results.html",
        r#"{% extends "base.html" %}{% block main %}{{ results.clicks }}{% endblock main %}"#,
    );
    f.build().unwrap();
    let before = common::snapshot(&f.root().join("public"));
    f.write(
        "results/events.csv",
        "date,code,channel,asset,event,customer,amount,currency\n\
         2026-06-01,ALPHA26,email,kit,click,c1,,\n\
         2026-06-03,ALPHA26,,,payment,c1,1490.00,RUB\n\
         2026-06-04,NOSUCH1,,,click,c2,,\n",
    );
    f.write(
        "site.yaml",
        &format!(
            "{}results:\n  - file: results/events.csv\n    format: refkit\n",
            common::SITE
        ),
    );
    let (code, stderr) = common::failing_build(&f);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("results/events.csv:3:"), "{stderr}");
    assert!(stderr.contains("RUB"), "{stderr}");
    assert_eq!(
        common::snapshot(&f.root().join("public")),
        before,
        "a failed build leaves the previous output as it was"
    );
}

/// The demo built with results into a temporary folder: (folder, kits.csv rows as
/// partner → (lang → kit page URL)).
fn demo_with_results() -> (
    tempfile::TempDir,
    std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
) {
    let out = build_demo();
    let kits = std::fs::read_to_string(out.path().join("manifest/kits.csv")).unwrap();
    let mut pages: std::collections::BTreeMap<_, std::collections::BTreeMap<_, _>> =
        std::collections::BTreeMap::new();
    for row in kits.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        pages
            .entry(cells[0].to_owned())
            .or_default()
            .insert(cells[2].to_owned(), cells[3].to_owned());
    }
    (out, pages)
}

#[test]
fn each_partner_has_a_results_page_in_both_languages_leading_as_its_market_leads() {
    let (out, kits) = demo_with_results();
    let public = out.path().join("public");
    let base = "https://partners.polarledger.example/";
    let page = |partner: &str, lang: &str| {
        let kit = &kits[partner][lang];
        let rel = kit.strip_prefix(base).unwrap();
        let html = std::fs::read_to_string(public.join(rel).join("results/index.html"))
            .unwrap_or_else(|e| panic!("{partner} {lang}: {e}"));
        let kit_page = std::fs::read_to_string(public.join(rel).join("index.html")).unwrap();
        assert!(
            kit_page.contains(&format!("href=\"/{rel}results/\"")),
            "{partner} {lang}: the kit page links its results page"
        );
        html
    };
    // A US partner: the numbers first, in dollars; a Russian-market partner: the
    // relationship first, in roubles; both in both languages.
    let us_en = page("harbor-accounting", "en");
    let us_ru = page("harbor-accounting", "ru");
    let ru_ru = page("severny-uchet", "ru");
    let ru_en = page("severny-uchet", "en");
    let before = |html: &str, a: &str, b: &str| {
        html.find(a).unwrap_or_else(|| panic!("no {a}"))
            < html.find(b).unwrap_or_else(|| panic!("no {b}"))
    };
    for html in [&us_en, &us_ru] {
        assert!(before(html, "results-numbers", "results-relationship"));
        assert!(html.contains('$'), "US amounts are in dollars");
        assert!(!html.contains('₽'));
    }
    for html in [&ru_ru, &ru_en] {
        assert!(before(html, "results-relationship", "results-numbers"));
        assert!(html.contains('₽'), "Russian-market amounts are in roubles");
    }
    assert!(us_en.contains("Figures up to November 30, 2026"), "{us_en}");
    assert!(ru_ru.contains("Данные по\u{a0}30 ноября 2026"), "{ru_ru}");
    // Counts through Fluent plurals.
    assert!(
        ["переход", "перехода", "переходов"]
            .iter()
            .any(|w| ru_ru.contains(&format!("\u{a0}{w}<"))),
        "{ru_ru}"
    );
    assert!(
        us_en.contains(" clicks<") || us_en.contains(" click<"),
        "{us_en}"
    );
    // Private: kept from search engines by name, never the generic robots.
    for html in [&us_en, &ru_ru] {
        assert!(html.contains("<meta name=\"googlebot\" content=\"noindex\">"));
        assert!(!html.contains("name=\"robots\""));
    }
    // Nothing of one partner on another's page.
    let project = refkit::load_project(&PathBuf::from(env!("CARGO_MANIFEST_DIR")), None).unwrap();
    for partner in &project.partners {
        for lang in ["en", "ru"] {
            let html = page(&partner.id, lang);
            for other in project.partners.iter().filter(|o| o.id != partner.id) {
                assert!(
                    !html.contains(&other.name) && !html.contains(&other.code),
                    "{} {lang} names {}",
                    partner.id,
                    other.id
                );
            }
        }
    }
}

#[test]
fn rows_no_partner_is_credited_with_are_counted_by_cause_and_the_build_says_so() {
    let f = Fixture::minimal();
    f.write(
        "themes/harbor/templates/results.html",
        r#"{% extends "base.html" %}{% block main %}{{ results.clicks }}{% endblock main %}"#,
    );
    f.write(
        "results/events.csv",
        "date,code,channel,asset,event,customer,amount,currency\n\
         2026-06-01,NOSUCH1,,,click,c1,,\n\
         2026-06-01,ALPHA26,fax,,click,c2,,\n\
         2026-06-02,ALPHA26,email,nothing-issued,click,c3,,\n\
         2026-06-02,NOSUCH2,,,click,c4,,\n",
    );
    f.write(
        "site.yaml",
        &format!(
            "{}results:\n  - file: results/events.csv\n    format: refkit\n",
            common::SITE
        ),
    );
    let summary = f.build().unwrap();
    let warning = summary
        .warnings
        .iter()
        .find(|w| w.contains("not credited"))
        .unwrap_or_else(|| panic!("{:?}", summary.warnings));
    assert!(warning.contains("2 code, 1 channel, 1 asset"), "{warning}");
    let listed = f.read("manifest/results/unattributed.csv");
    assert!(listed.contains("code,,,results/events.csv,2"), "{listed}");
    assert!(listed.contains("asset,,,results/events.csv,4"), "{listed}");
}
