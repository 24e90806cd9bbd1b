//! Banner templates: read back with OCR, scanned for their QR codes, and broken on
//! purpose. Tesseract (with English and Russian data) is installed by
//! `scripts/install-ocr.sh` the first time a test here needs it (`crate::tools`);
//! these tests fail, not skip, when it cannot be installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::common::{assert_refused, Fixture};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The demo, built once for every test here.
struct Demo {
    _dir: tempfile::TempDir,
    public: PathBuf,
    /// partner id → kit token.
    tokens: BTreeMap<String, String>,
    /// partner id → the link its QR code carries.
    qr_links: BTreeMap<String, String>,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        refkit::build(&refkit::BuildOptions {
            root: repo(),
            out: Some(dir.path().join("public")),
            manifest: Some(dir.path().join("manifest")),
            env: refkit::Environment::default().with_secret("banner-test-secret"),
            ..refkit::BuildOptions::default()
        })
        .unwrap_or_else(|e| panic!("the demo must build:\n{e}"));
        let kits = std::fs::read_to_string(dir.path().join("manifest/kits.csv")).unwrap();
        let mut tokens = BTreeMap::new();
        for line in kits.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let token = cells[3]
                .split("/kits/")
                .nth(1)
                .unwrap()
                .split('/')
                .next()
                .unwrap();
            tokens.insert(cells[0].to_owned(), token.to_owned());
        }
        let links = std::fs::read_to_string(dir.path().join("manifest/links.csv")).unwrap();
        let header: Vec<&str> = links.lines().next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        // A QR code encodes its short link, which leads to the tracked QR link.
        let (partner, channel, url) = (col("partner"), col("channel"), col("short_url"));
        let mut qr_links = BTreeMap::new();
        for line in links.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            if cells[channel] == "qr" {
                qr_links.insert(cells[partner].to_owned(), cells[url].to_owned());
            }
        }
        Demo {
            public: dir.path().join("public"),
            _dir: dir,
            tokens,
            qr_links,
        }
    })
}

/// The template banners of the demo, by slug.
fn template_slugs() -> Vec<String> {
    let mut slugs: Vec<String> = std::fs::read_dir(repo().join("content/banners"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".svg").map(str::to_owned)
        })
        .collect();
    slugs.sort();
    slugs
}

/// The image `stem` in `dir`: PNG for drawings, JPEG for templates that place a photo.
fn image_file(dir: &Path, stem: &str) -> PathBuf {
    ["png", "jpg"]
        .iter()
        .map(|ext| dir.join(format!("{stem}.{ext}")))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("no {stem}.png or .jpg in {}", dir.display()))
}

/// The message `key` in `lang`, from the demo's locale files.
fn message(lang: &str, key: &str) -> String {
    let text = std::fs::read_to_string(repo().join(format!("locales/{lang}/banners.ftl"))).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in {lang}"))
        .to_owned()
}

/// Lowercase letters and digits of every word, for comparing with OCR output.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('ё', "е"))
        .collect()
}

fn ocr(png: &Path) -> String {
    let out = crate::tools::tesseract()
        .arg(png)
        .arg("-")
        .args(["-l", "eng+rus", "--psm", "11"])
        .output()
        .expect("run tesseract");
    assert!(
        out.status.success(),
        "tesseract failed on {}",
        png.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_banner_reads_in_the_kit_language_and_names_its_partner() {
    let demo = demo();
    let project = refkit::load_project(&repo(), None).unwrap();
    let mut cases = Vec::new();
    for id in ["harbor-accounting", "severny-uchet"] {
        let partner = project.partners.iter().find(|p| p.id == id).unwrap();
        for slug in template_slugs() {
            for lang in ["en", "ru"] {
                for size in ["1200x630", "1080x1080", "1080x1920"] {
                    let png = image_file(
                        &demo.public.join(format!("kits/{}/images", demo.tokens[id])),
                        &format!("{slug}-{lang}-{size}"),
                    );
                    cases.push((partner.name.clone(), slug.clone(), lang, png));
                }
            }
        }
    }
    assert_eq!(
        cases.len(),
        2 * 3 * 2 * 3,
        "three template banners in the demo"
    );
    let failures: Vec<String> = cases
        .par_iter()
        .filter_map(|(name, slug, lang, png)| {
            let read = words(&ocr(png));
            let other = if *lang == "en" { "ru" } else { "en" };
            // Words of one or two letters are left out: OCR reads Russian «на» as
            // Latin "ha" when it may choose either script.
            let headline: Vec<String> = words(&message(lang, &format!("{slug}-headline")))
                .into_iter()
                .filter(|w| w.chars().count() >= 3)
                .collect();
            let found = headline.iter().filter(|w| read.contains(w)).count();
            let mut problems = Vec::new();
            // OCR misreads a letter now and then: most words, not every one.
            if found * 4 < headline.len() * 3 {
                problems.push(format!(
                    "found {found} of the headline's {} words",
                    headline.len()
                ));
            }
            let name_words = words(name);
            let missing: Vec<&String> = name_words.iter().filter(|w| !read.contains(w)).collect();
            if !missing.is_empty() {
                problems.push(format!("the partner's name is missing {missing:?}"));
            }
            let foreign: Vec<String> = words(&message(other, &format!("{slug}-headline")))
                .into_iter()
                .filter(|w| w.chars().count() >= 4 && read.contains(w) && !name_words.contains(w))
                .collect();
            if !foreign.is_empty() {
                problems.push(format!("words of the {other} headline: {foreign:?}"));
            }
            (!problems.is_empty()).then(|| {
                format!(
                    "{}: {}; OCR read {read:?}",
                    png.display(),
                    problems.join("; ")
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_banner_variant_carries_the_partners_link_in_its_qr_code() {
    let demo = demo();
    let mut checked = 0;
    for id in ["harbor-accounting", "severny-uchet"] {
        let dir = demo.public.join(format!("kits/{}/images", demo.tokens[id]));
        let mut pngs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension().is_some_and(|e| e == "png" || e == "jpg") && !p.ends_with("qr.png")
            })
            .collect();
        pngs.sort();
        assert_eq!(pngs.len(), 18, "three banners, three sizes, two languages");
        let decoded: Vec<(PathBuf, Vec<String>)> = pngs
            .par_iter()
            .map(|png| {
                let image = image::open(png).unwrap().to_luma8();
                let mut prepared = rqrr::PreparedImage::prepare(image);
                let found = prepared
                    .detect_grids()
                    .into_iter()
                    .filter_map(|g| g.decode().ok().map(|(_, text)| text))
                    .collect();
                (png.clone(), found)
            })
            .collect();
        for (png, found) in decoded {
            assert_eq!(found, vec![demo.qr_links[id].clone()], "{}", png.display());
            checked += 1;
        }
    }
    assert_eq!(checked, 36);
}

#[test]
fn brand_banners_are_published_for_the_story_pages_without_a_partner() {
    let demo = demo();
    for slug in template_slugs() {
        for lang in ["en", "ru"] {
            let png = image_file(
                &demo.public.join("banners"),
                &format!("{slug}-{lang}-1200x630"),
            );
            let image = image::open(&png).unwrap();
            assert_eq!((image.width(), image.height()), (1200, 630));
            let mut prepared = rqrr::PreparedImage::prepare(image.to_luma8());
            assert!(
                prepared.detect_grids().is_empty(),
                "no QR code on a brand banner"
            );
        }
    }
    let story = std::fs::read_to_string(
        demo.public
            .join("ru/stories/severny-uchet-exclusive-partner/index.html"),
    )
    .unwrap();
    assert!(
        story.contains("/banners/banner-trust-ru-1200x630.png\""),
        "the Russian story page shows the Russian brand image of its banner"
    );
    assert!(
        !story.contains("banner-trust.svg"),
        "pages never point at the template itself"
    );
    assert!(
        !demo.public.join("banners/banner-trust.svg").exists(),
        "templates are not published"
    );
}

#[test]
fn the_kit_page_shows_the_banners_of_its_own_language() {
    let demo = demo();
    let token = &demo.tokens["severny-uchet"];
    // The market's language (Russian) at the kit's root, English under en/.
    for (page, lang, other) in [("index.html", "ru", "en"), ("en/index.html", "en", "ru")] {
        let html =
            std::fs::read_to_string(demo.public.join(format!("kits/{token}/{page}"))).unwrap();
        for slug in template_slugs() {
            assert!(
                html.contains(&format!("/images/{slug}-{lang}-1080x1920.")),
                "{page} shows {slug} in {lang}"
            );
            assert!(
                !html.contains(&format!("/images/{slug}-{other}-")),
                "{page} shows no {other} {slug}"
            );
        }
    }
}

#[test]
fn share_cards_are_drawn_once_per_story_and_partner_and_name_the_partner() {
    let demo = demo();
    let project = refkit::load_project(&repo(), None).unwrap();
    let count = |dir: &str| std::fs::read_dir(demo.public.join(dir)).unwrap().count();
    // One card per story and language serves the brand page and every partner's copy.
    assert_eq!(count("share/stories"), project.stories.len() * 2);
    assert_eq!(count("share/p"), project.partners.len() * 2);
    for lang in ["en", "ru"] {
        assert!(demo.public.join(format!("share/kit-{lang}.png")).is_file());
    }
    let card = demo.public.join("share/p/severny-uchet-ru.png");
    let image = image::open(&card).unwrap();
    assert_eq!((image.width(), image.height()), (1200, 630));
    let read = words(&ocr(&card));
    for w in words("Рекомендует Бюро «Северный учёт»") {
        assert!(read.contains(&w), "{w:?} missing from {read:?}");
    }
}

/// A fixture project with the harbor fonts and a banner template.
fn with_template(svg: &str) -> Fixture {
    let f = Fixture::minimal();
    for font in ["Inter-Regular.otf", "Inter-Bold.otf"] {
        let bytes = std::fs::read(repo().join("themes/harbor/static/fonts").join(font)).unwrap();
        f.write_bytes(&format!("themes/harbor/static/fonts/{font}"), &bytes);
    }
    f.write("content/banners/card.svg", svg);
    f
}

/// A square card whose partner name sits in a box `box_width` wide; `extra` goes on
/// the name's <text>.
fn card(box_width: u32, extra: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{{{{ width }}}}" height="{{{{ height }}}}">
<rect width="{{{{ width }}}}" height="{{{{ height }}}}" fill="#0B2545"/>
{{% if partner %}}<g data-layer="partner">
<text data-box="20 20 {box_width} 120" font-family="Inter" font-size="60" fill="#fff"{extra}>{{{{ partner.name }}}}</text>
<rect data-slot="qr" x="{{{{ width - 320 }}}}" y="{{{{ height - 320 }}}}" width="300" height="300" fill="#fff"/>
</g>{{% endif %}}
</svg>
"##
    )
}

#[test]
fn a_partner_name_too_long_for_its_box_fails_naming_template_size_language_and_partner() {
    let f = with_template(&card(300, ""));
    let (code, stderr) = crate::common::failing_build(&f);
    assert_ne!(code, 0);
    for part in [
        "content/banners/card.svg",
        "overflows",
        "1200x630",
        "partner `",
    ] {
        assert!(stderr.contains(part), "missing {part:?} in:\n{stderr}");
    }
    assert!(
        stderr.contains("in `en`") || stderr.contains("in `ru`"),
        "{stderr}"
    );
}

#[test]
fn a_template_that_allows_shrinking_and_wrapping_fits_the_same_name() {
    let f = with_template(&card(300, r#" data-min-size="14" data-lines="3""#));
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Breaks a fixture's banner with `svg` and checks the build refuses it naming the file.
fn refused(svg: &str, expected: &[&str]) {
    let svg = svg.to_owned();
    let mut all = vec!["content/banners/card.svg"];
    all.extend_from_slice(expected);
    assert_refused(
        move |f| {
            for font in ["Inter-Regular.otf", "Inter-Bold.otf"] {
                let bytes =
                    std::fs::read(repo().join("themes/harbor/static/fonts").join(font)).unwrap();
                f.write_bytes(&format!("themes/harbor/static/fonts/{font}"), &bytes);
            }
            f.write("content/banners/card.svg", &svg);
        },
        &[],
        1,
        &all,
    );
}

const HEAD: &str =
    r#"<svg xmlns="http://www.w3.org/2000/svg" width="{{ width }}" height="{{ height }}">"#;

#[test]
fn a_malformed_template_fails_with_its_line() {
    refused(
        &format!("{HEAD}\n<rect width=\"10\">\n<g></rect>\n</svg>\n"),
        &["malformed", "card.svg:3"],
    );
}

#[test]
fn a_font_nobody_ships_fails() {
    refused(
        &format!("{HEAD}\n<text x=\"10\" y=\"50\" font-family=\"Comic Sans MS\" font-size=\"20\">Hi</text>\n</svg>\n"),
        &["`Comic Sans MS` is not shipped", "card.svg:2"],
    );
}

#[test]
fn references_outside_the_project_or_to_the_network_are_refused() {
    for href in [
        "../../site.yaml",
        "/etc/passwd",
        "https://example.com/a.png",
        "file:///etc/passwd",
    ] {
        refused(
            &format!("{HEAD}\n<image href=\"{href}\" width=\"10\" height=\"10\"/>\n</svg>\n"),
            &["card.svg:2", "fetches nothing"],
        );
    }
    refused(
        &format!("{HEAD}\n<rect width=\"10\" height=\"10\" style=\"fill:url(https://example.com/x)\"/>\n</svg>\n"),
        &["card.svg:2", "nothing is fetched"],
    );
}

#[test]
fn a_character_the_fonts_cannot_draw_fails_with_its_line() {
    refused(
        &format!("{HEAD}\n<text x=\"10\" y=\"50\" font-family=\"Inter\" font-size=\"20\">Hi 𓀀</text>\n</svg>\n"),
        &["no glyph for «𓀀»", "card.svg:2"],
    );
}

#[test]
fn an_embedded_image_over_the_limits_is_refused() {
    // A PNG header claiming 100,000 × 100,000 pixels, with no pixels behind it.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend(100_000u32.to_be_bytes());
    png.extend(100_000u32.to_be_bytes());
    png.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    let data = base64(&png);
    refused(
        &format!("{HEAD}\n<image href=\"data:image/png;base64,{data}\" width=\"10\" height=\"10\"/>\n</svg>\n"),
        &["over the limits"],
    );
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn a_banner_template_cannot_place_a_template() {
    refused(
        &format!("{HEAD}\n<image href=\"card.svg@en\" width=\"10\" height=\"10\"/>\n</svg>\n"),
        &["card.svg:2", "cannot place another template"],
    );
}

#[test]
fn a_template_error_names_its_line() {
    refused(
        &format!("{HEAD}\n<text>{{{{ nope.name }}}}</text>\n</svg>\n"),
        &["card.svg:2"],
    );
}

#[test]
fn a_template_that_ignores_its_size_is_refused() {
    refused(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1600\" height=\"900\"></svg>\n",
        &["width=\"{{ width }}\""],
    );
}

#[test]
fn sizes_over_the_limits_are_refused() {
    assert_refused(
        |f| {
            let site = f.read("site.yaml");
            f.write(
                "site.yaml",
                &format!("{site}\nkits:\n  sizes: [20000x20000]\n"),
            );
        },
        &[],
        1,
        &["site.yaml"],
    );
}

#[test]
fn a_photo_sidecar_with_a_bad_focus_fails_with_its_line() {
    assert_refused(
        |f| {
            f.write(
                "content/banners/wide.yaml",
                "# where crops centre\nfocus: 150% 20%\n",
            )
        },
        &[],
        1,
        &["content/banners/wide.yaml:2", "\"150%\" is outside"],
    );
}

#[test]
fn a_sidecar_without_its_photo_fails() {
    assert_refused(
        |f| f.write("content/banners/nothing.yaml", "focus: 50% 50%\n"),
        &[],
        1,
        &[
            "content/banners/nothing.yaml",
            "no photo `nothing.png` or `nothing.jpg`",
        ],
    );
}
