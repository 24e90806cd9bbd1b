//! Links partners share: every page's preview tags read back with an Open Graph
//! parser (the `webpage` crate), search engines kept out by name, and short links
//! that lead to the full tracked links.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use refkit::{build, BuildOptions};
use webpage::HTML;

use crate::common::{Fixture, TEST_SECRET};

fn demo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the demo into `dir` for the site at `base_url`, or at `site.yaml`'s.
fn build_demo(dir: &Path, base_url: Option<&str>) -> refkit::BuildSummary {
    build(&BuildOptions {
        root: demo_root(),
        out: Some(dir.join("public")),
        manifest: Some(dir.join("manifest")),
        base_url: base_url.map(str::to_owned),
        env: refkit::Environment::default().with_secret(TEST_SECRET),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("the demo must build:\n{e}"))
}

/// Every `index.html` under `public`, by path relative to it.
fn pages(public: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            let rel = e.path().strip_prefix(public).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

/// The file under `public` that serves absolute `url` of a site at `base`.
fn file_of(public: &Path, base: &str, url: &str) -> PathBuf {
    let rel = url
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{url} is not under {base}"));
    public.join(rel)
}

/// The `content` of every `<meta name="…">` in `html`, by name, in order.
fn named_metas(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for tag in html.split("<meta ").skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let attr = |name: &str| {
            let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
            let end = tag[start..].find('"')? + start;
            Some(tag[start..end].to_owned())
        };
        if let (Some(name), Some(content)) = (attr("name"), attr("content")) {
            found.push((name, content));
        }
    }
    found
}

#[test]
fn every_page_has_complete_share_metadata_with_absolute_urls_and_a_card_that_exists() {
    for base in [None, Some("https://preview.example.net/team/kit/")] {
        let out = tempfile::tempdir().unwrap();
        build_demo(out.path(), base);
        let public = out.path().join("public");
        let base = base.unwrap_or("https://partners.polarledger.example/");
        let mut checked = 0;
        for (rel, html) in pages(&public) {
            if rel.starts_with("r/") {
                continue; // Short links: checked below.
            }
            if rel.starts_with("admin/") {
                continue; // The browser editor: a tool, never shared.
            }
            let parsed = HTML::from_string(html.clone(), None).unwrap();
            let og = &parsed.opengraph;
            let property = |key: &str| {
                og.properties
                    .get(key)
                    .unwrap_or_else(|| panic!("{rel}: no og:{key}"))
                    .clone()
            };
            for key in ["title", "description", "site_name"] {
                assert!(!property(key).trim().is_empty(), "{rel}: empty og:{key}");
            }
            assert!(
                property("url").starts_with(base),
                "{rel}: og:url {}",
                property("url")
            );
            let (locale, alternate) = (property("locale"), property("locale:alternate"));
            let lang = if rel.contains("/ru/") || rel.starts_with("ru/") {
                "ru"
            } else {
                "en"
            };
            let expected = if lang == "ru" { "ru_RU" } else { "en_US" };
            if !rel.starts_with("kits/") {
                assert_eq!(locale, expected, "{rel}");
            }
            assert!(
                ["en_US", "ru_RU"].contains(&locale.as_str()),
                "{rel}: {locale}"
            );
            assert!(
                ["en_US", "ru_RU"].contains(&alternate.as_str()),
                "{rel}: {alternate}"
            );
            assert_ne!(
                locale, alternate,
                "{rel}: the alternate is the other language"
            );

            assert_eq!(og.images.len(), 1, "{rel}: one og:image");
            let image = &og.images[0];
            assert!(image.url.starts_with(base), "{rel}: og:image {}", image.url);
            assert_eq!(
                image.properties.get("width").map(String::as_str),
                Some("1200"),
                "{rel}"
            );
            assert_eq!(
                image.properties.get("height").map(String::as_str),
                Some("630"),
                "{rel}"
            );
            assert!(
                image
                    .properties
                    .get("alt")
                    .is_some_and(|a| !a.trim().is_empty()),
                "{rel}: og:image:alt"
            );
            // The card is there, at the size the page declares.
            let card = file_of(&public, base, &image.url);
            let (w, h) = image::image_dimensions(&card)
                .unwrap_or_else(|e| panic!("{rel}: card {}: {e}", card.display()));
            assert_eq!((w, h), (1200, 630), "{rel}: {}", card.display());
            let kind = if image.url.ends_with(".jpg") {
                "image/jpeg"
            } else {
                "image/png"
            };
            assert_eq!(
                image.properties.get("type").map(String::as_str),
                Some(kind),
                "{rel}"
            );

            assert_eq!(
                parsed.meta.get("twitter:card").map(String::as_str),
                Some("summary_large_image"),
                "{rel}"
            );
            // Partner pages are previewed but not listed: each engine by its name,
            // never the generic robots directive preview bots obey.
            let metas = named_metas(&html);
            assert!(
                metas.iter().all(|(name, _)| name != "robots"),
                "{rel}: a generic robots meta"
            );
            let noindex: Vec<&str> = metas
                .iter()
                .filter(|(_, content)| content.contains("noindex"))
                .map(|(name, _)| name.as_str())
                .collect();
            let private = rel.starts_with("p/") || rel.starts_with("kits/");
            let expected: &[&str] = if private {
                &["googlebot", "bingbot", "yandex"]
            } else {
                &[]
            };
            assert_eq!(noindex, expected, "{rel}");
            checked += 1;
        }
        assert!(checked > 80, "only {checked} pages checked");
    }
}

#[test]
fn partner_pages_are_previewed_with_the_partners_card_and_its_clients_offer() {
    let out = tempfile::tempdir().unwrap();
    build_demo(out.path(), None);
    let public = out.path().join("public");
    let html = std::fs::read_to_string(public.join("p/severny-uchet/ru/index.html")).unwrap();
    let parsed = HTML::from_string(html, None).unwrap();
    let og = &parsed.opengraph;
    assert_eq!(
        og.images[0].url,
        "https://partners.polarledger.example/share/p/severny-uchet-ru.png"
    );
    assert!(
        og.properties["title"].contains("Северный\u{a0}учёт"),
        "{:?}",
        og.properties
    );
    let project = refkit::load_project(&demo_root(), None).unwrap();
    let partner = project
        .partners
        .iter()
        .find(|p| p.id == "severny-uchet")
        .unwrap();
    // The preview is read by the partner's clients: their offer, not the
    // playbook's message to partners (here the ambassador's).
    let message = &project.playbook(partner).terms.message["ru"];
    assert_ne!(&og.properties["description"], message);
    assert!(
        og.properties["description"].starts_with("60 дней на\u{a0}знакомство"),
        "{:?}",
        og.properties
    );
    // The _headers file keeps the same pages, kits and short links out by name.
    let headers = std::fs::read_to_string(public.join("_headers")).unwrap();
    for path in ["/p/*", "/kits/*", "/r/*"] {
        let block = headers
            .split(&format!("{path}\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("{path}"));
        for engine in ["googlebot", "bingbot", "yandex"] {
            assert!(
                block
                    .lines()
                    .take(3)
                    .any(|l| l.trim() == format!("X-Robots-Tag: {engine}: noindex")),
                "{path} {engine}:\n{headers}"
            );
        }
    }
    assert!(!headers.to_lowercase().contains("x-robots-tag: noindex"));
}

/// `(partner, channel, asset) → (url, short_url)` of `manifest/links.csv`.
fn manifest_links(out: &Path) -> BTreeMap<(String, String, String), (String, String)> {
    let text = std::fs::read_to_string(out.join("manifest/links.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("partner,market,lang,channel,asset,url,short_url")
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 7, "{l}");
            (
                (f[0].into(), f[3].into(), f[4].into()),
                (f[5].into(), f[6].into()),
            )
        })
        .collect()
}

/// The meta refresh target, canonical and script target of a redirect page.
fn redirect_targets(html: &str) -> (String, String, String) {
    let between = |start: &str, end: &str| {
        let from = html.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
        html[from..from + html[from..].find(end).unwrap()].to_owned()
    };
    let unescape = |s: String| s.replace("&amp;", "&");
    (
        unescape(between(
            "<meta http-equiv=\"refresh\" content=\"0; url=",
            "\"",
        )),
        unescape(between("<link rel=\"canonical\" href=\"", "\"")),
        between("location.replace(\"", "\")"),
    )
}

#[test]
fn every_partner_has_short_links_that_lead_to_its_full_tracked_links() {
    let out = tempfile::tempdir().unwrap();
    build_demo(out.path(), None);
    let public = out.path().join("public");
    let base = "https://partners.polarledger.example/";
    let project = refkit::load_project(&demo_root(), None).unwrap();
    let links = manifest_links(out.path());
    let redirects = std::fs::read_to_string(public.join("_redirects")).unwrap();
    let rules: BTreeMap<&str, &str> = redirects
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split(' ').collect();
            assert_eq!((f.len(), f[2]), (3, "302"), "{l}");
            (f[0], f[1])
        })
        .collect();
    let mut codes = std::collections::BTreeSet::new();
    for partner in &project.partners {
        let code = partner.code.to_lowercase();
        assert!(codes.insert(code.clone()), "short code {code} twice");
        let segment = |c: &str| match c {
            "email" => "e/".to_owned(),
            "telegram" => "t/".to_owned(),
            "linkedin" => "in/".to_owned(),
            other => format!("{other}/"),
        };
        let wanted = std::iter::once(("link".to_owned(), "short-link", String::new()))
            .chain(std::iter::once(("qr".to_owned(), "qr", "q/".to_owned())))
            .chain(
                partner
                    .channels
                    .iter()
                    .map(|c| (c.clone(), "short-link", segment(c))),
            );
        for (channel, asset, segment) in wanted {
            let short = format!("{base}r/{code}/{segment}");
            let (url, listed) = links
                .get(&(partner.id.clone(), channel.clone(), asset.to_owned()))
                .unwrap_or_else(|| panic!("{}: no {channel}/{asset} link", partner.id));
            assert_eq!(listed, &short, "links.csv lists the short form");
            assert!(url.contains(&format!("ref={}", partner.code)), "{url}");
            assert!(url.contains(&format!("utm_medium={channel}")), "{url}");
            assert!(url.contains(&format!("utm_content={asset}")), "{url}");
            let html = std::fs::read_to_string(file_of(&public, base, &short).join("index.html"))
                .unwrap_or_else(|e| panic!("{short}: {e}"));
            let (refresh, canonical, script) = redirect_targets(&html);
            assert_eq!((&refresh, &canonical, &script), (url, url, url), "{short}");
            let path = &short[base.len() - 1..];
            assert_eq!(
                rules.get(path),
                Some(&url.as_str()),
                "_redirects for {path}"
            );
            // The page carries the partner's card, for bots that do not follow it.
            let parsed = HTML::from_string(html.clone(), None).unwrap();
            assert_eq!(parsed.opengraph.properties.get("url"), Some(&short));
            assert_eq!(
                parsed.opengraph.images[0].url,
                format!(
                    "{base}share/p/{}-{}.png",
                    partner.id,
                    if partner.market == "ru" { "ru" } else { "en" }
                )
            );
            assert_eq!(
                parsed.meta.get("twitter:card").map(String::as_str),
                Some("summary_large_image")
            );
            let names: Vec<String> = named_metas(&html)
                .into_iter()
                .filter(|(_, c)| c == "noindex")
                .map(|(n, _)| n)
                .collect();
            assert_eq!(names, ["googlebot", "bingbot", "yandex"], "{short}");
        }
    }
    assert_eq!(codes.len(), project.partners.len());
}

#[test]
fn the_qr_code_encodes_its_short_link_and_the_kit_lists_both_forms() {
    let out = tempfile::tempdir().unwrap();
    build_demo(out.path(), None);
    let kits = std::fs::read_to_string(out.path().join("manifest/kits.csv")).unwrap();
    let row = kits
        .lines()
        .find(|l| l.starts_with("harbor-accounting,us,en,"))
        .unwrap();
    let page = row.split(',').nth(3).unwrap();
    let dir = file_of(
        &out.path().join("public"),
        "https://partners.polarledger.example/",
        page,
    );
    let png = image::open(dir.join("images/qr.png")).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(png);
    let grids = prepared.detect_grids();
    let (_, decoded) = grids[0].decode().unwrap();
    assert_eq!(
        decoded,
        "https://partners.polarledger.example/r/harbor26/q/"
    );

    let zip = std::fs::File::open(dir.join("harbor-accounting-en.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(zip).unwrap();
    let mut csv = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("links.csv").unwrap(), &mut csv).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("channel,asset,url,short_url"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let short = |channel: &str| {
        rows.iter()
            .find(|r| r[0] == channel && r[1] != "pitch-email" && !r[3].is_empty())
            .map(|r| (r[2], r[3]))
            .unwrap_or_else(|| panic!("no short link for {channel}:\n{csv}"))
    };
    assert_eq!(
        short("qr").1,
        "https://partners.polarledger.example/r/harbor26/q/"
    );
    assert_eq!(
        short("link").1,
        "https://partners.polarledger.example/r/harbor26/"
    );
    assert_eq!(
        short("email").1,
        "https://partners.polarledger.example/r/harbor26/e/"
    );
    assert!(short("email").0.contains("utm_medium=email"));
    // The pitch copy's own link has a short form one level deeper, which the copy prints.
    let pitch = rows
        .iter()
        .find(|r| r[1] == "pitch-email")
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(
        pitch[3].starts_with("https://partners.polarledger.example/r/harbor26/e/")
            && pitch[3].len() == "https://partners.polarledger.example/r/harbor26/e/".len() + 6,
        "{csv}"
    );
}

#[test]
fn short_links_beyond_cloudflare_limits_are_pages_only_and_the_build_says_so() {
    let f = Fixture::minimal();
    let long = format!("https://join.test/us?campaign={}", "x".repeat(1_000));
    let site = f.read("site.yaml").replace("https://join.test/us", &long);
    assert_ne!(
        site,
        f.read("site.yaml"),
        "the fixture's US landing URL changed"
    );
    f.write("site.yaml", &site);
    let summary = f.build().unwrap();
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.contains("more than the 1000 Cloudflare Pages reads")),
        "{:?}",
        summary.warnings
    );
    assert!(!f.exists("public/_redirects"));
    let pages = pages(&f.root().join("public"));
    assert!(
        pages.keys().any(|k| k.starts_with("r/")),
        "the pages still redirect"
    );
}

#[test]
fn a_static_redirects_file_replaces_refkits_and_the_build_says_so() {
    let f = Fixture::minimal();
    f.write("static/_redirects", "/old /new 301\n");
    let summary = f.build().unwrap();
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.contains("static/_redirects replaces")),
        "{:?}",
        summary.warnings
    );
    assert_eq!(f.read("public/_redirects"), "/old /new 301\n");
}
