//! Pitch kits: contents, links, QR codes, determinism and the errors kits can raise.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::common::{self, failing_build, snapshot, Fixture};
use refkit::Environment;
use refkit::{build, BuildOptions};

/// Every entry of a zip: name → (compression method, bytes).
fn unzip(path: &Path) -> BTreeMap<String, (zip::CompressionMethod, Vec<u8>)> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut entries = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let name = entry.name().unwrap().into_owned();
        entries.insert(name, (entry.compression(), bytes));
    }
    entries
}

/// `manifest/kits.csv` rows as (partner, lang, page, zip, bytes, sha256).
fn kit_rows(manifest: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(manifest.join("kits.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn local(public: &Path, url: &str, base: &str) -> PathBuf {
    public.join(
        url.strip_prefix(base)
            .unwrap_or_else(|| panic!("{url} is not under {base}")),
    )
}

/// A kit's `pitch/email.eml` as an independent parser (mail-parser) reads it.
struct Draft {
    /// The decoded subject.
    subject: Option<String>,
    /// (`type/subtype; charset`, decoded text with LF line ends) of each leaf part.
    parts: Vec<(String, String)>,
    /// The `X-Unsent` header, trimmed.
    unsent: Option<String>,
    /// Whether the message has a `From`, `To` or `Date` header.
    addressed_or_dated: bool,
}

fn read_draft(bytes: &[u8]) -> Draft {
    use mail_parser::MimeHeaders;
    let message = mail_parser::MessageParser::default()
        .parse(bytes)
        .expect("the draft parses as a message");
    let root = message.root_part().content_type().unwrap();
    assert_eq!(
        (root.ctype(), root.subtype()),
        ("multipart", Some("alternative"))
    );
    let parts = message
        .parts
        .iter()
        .filter(|part| !part.is_multipart())
        .map(|part| {
            let kind = part.content_type().unwrap();
            let label = format!(
                "{}/{}; charset={}",
                kind.ctype(),
                kind.subtype().unwrap_or(""),
                kind.attribute("charset").unwrap_or("").to_ascii_lowercase()
            );
            let text = part.text_contents().unwrap().replace("\r\n", "\n");
            (label, text)
        })
        .collect();
    Draft {
        subject: message.subject().map(str::to_owned),
        parts,
        unsent: message.header_raw("X-Unsent").map(|v| v.trim().to_owned()),
        addressed_or_dated: message.from().is_some()
            || message.to().is_some()
            || message.date().is_some(),
    }
}

/// `pitch/email.txt` split into its subject and its body.
fn email_text(entries: &BTreeMap<String, (zip::CompressionMethod, Vec<u8>)>) -> (String, String) {
    let text = String::from_utf8(entries["pitch/email.txt"].1.clone()).unwrap();
    let (subject, body) = text
        .strip_prefix("Subject: ")
        .and_then(|t| t.split_once("\n\n"))
        .expect("email.txt starts with its subject");
    (subject.to_owned(), body.to_owned())
}

/// The kit's tracked link of the e-mail copy, from its `links.csv` (channel, asset,
/// URL, short URL): its first e-mail row but the short link's, which is the pitch's.
fn email_link(entries: &BTreeMap<String, (zip::CompressionMethod, Vec<u8>)>) -> String {
    String::from_utf8(entries["links.csv"].1.clone())
        .unwrap()
        .lines()
        .find_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0] == "email" && cells[1] != "short-link").then(|| cells[2].to_owned())
        })
        .expect("links.csv has the e-mail link")
}

/// Checks a kit's draft against its own `email.txt` and `email.html`: the subject, both
/// parts with their types, the text byte for byte, the tracked link in both parts, and
/// the shape of the file (CRLF, short lines, no sender or date, `X-Unsent: 1`).
/// Returns the decoded subject.
fn assert_draft_matches_kit(
    kit: &str,
    entries: &BTreeMap<String, (zip::CompressionMethod, Vec<u8>)>,
) -> String {
    let raw = &entries["pitch/email.eml"].1;
    let draft = read_draft(raw);
    let (subject, body) = email_text(entries);
    let html = String::from_utf8(entries["pitch/email.html"].1.clone()).unwrap();
    let link = email_link(entries);
    assert_eq!(draft.subject.as_deref(), Some(subject.as_str()), "{kit}");
    assert_eq!(draft.unsent.as_deref(), Some("1"), "{kit}");
    assert!(
        !draft.addressed_or_dated,
        "{kit}: a draft has no From, To or Date"
    );
    let kinds: Vec<&str> = draft.parts.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        ["text/plain; charset=utf-8", "text/html; charset=utf-8"],
        "{kit}"
    );
    assert_eq!(
        draft.parts[0].1, body,
        "{kit}: the text part is email.txt's body"
    );
    assert_eq!(draft.parts[1].1, html, "{kit}: the HTML part is email.html");
    assert!(
        draft.parts[0].1.contains(&link),
        "{kit}: {link} not in the text"
    );
    assert!(
        draft.parts[1]
            .1
            .contains(&format!("href=\"{}\"", link.replace('&', "&amp;"))),
        "{kit}: {link} not in the HTML"
    );
    let raw = std::str::from_utf8(raw).expect("the draft is ASCII");
    assert!(raw.is_ascii(), "{kit}");
    let lines: Vec<&str> = raw.split("\r\n").collect();
    assert_eq!(lines.last(), Some(&""), "{kit}: the last line ends in CRLF");
    for line in &lines {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "{kit}: a bare line end"
        );
        assert!(line.len() <= 78, "{kit}: a line of {}: {line}", line.len());
    }
    subject
}

fn decode_qr(png: &[u8]) -> String {
    let image = image::load_from_memory(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "expected exactly one QR code");
    grids[0].decode().unwrap().1
}

#[test]
fn kit_layout_is_as_documented() {
    let f = Fixture::minimal();
    f.build().unwrap();
    let rows = kit_rows(&f.root().join("manifest"));
    let alpha_en = rows
        .iter()
        .find(|r| r[0] == "alpha" && r[2] == "en")
        .unwrap();
    let zip = local(
        &f.root().join("public"),
        &alpha_en[4],
        "https://partners.test/",
    );
    let names: Vec<String> = unzip(&zip).into_keys().collect();
    assert_eq!(
        names,
        [
            "README.html",
            "README.txt",
            "cadence.txt",
            "images/qr.png",
            "images/qr.svg",
            "images/wide-1080x1080-qr.png",
            "images/wide-1080x1080.png",
            "images/wide-1080x1920-qr.png",
            "images/wide-1080x1920.png",
            "images/wide-1200x630-qr.png",
            "images/wide-1200x630.png",
            "links.csv",
            "pitch/email.eml",
            "pitch/email.html",
            "pitch/email.txt",
            "pitch/x.txt",
            "stories/first.html",
            "stories/first.txt",
        ]
    );
    assert!(zip.file_name().unwrap().to_str().unwrap() == "alpha-en.zip");
}

#[test]
fn images_are_stored_and_text_is_deflated() {
    let f = Fixture::minimal();
    f.build().unwrap();
    let rows = kit_rows(&f.root().join("manifest"));
    let zip = local(
        &f.root().join("public"),
        &rows[0][4],
        "https://partners.test/",
    );
    for (name, (method, bytes)) in unzip(&zip) {
        if name.ends_with(".png") {
            assert_eq!(method, zip::CompressionMethod::Stored, "{name}");
            assert!(
                image::load_from_memory(&bytes).is_ok(),
                "{name} is not an image"
            );
        } else {
            assert_eq!(method, zip::CompressionMethod::Deflated, "{name}");
        }
    }
}

#[test]
fn resized_banners_have_the_configured_sizes() {
    let f = Fixture::minimal();
    f.write(
        "site.yaml",
        &format!("{}kits:\n  sizes: [640x640, 300x500]\n", common::SITE),
    );
    f.build().unwrap();
    let rows = kit_rows(&f.root().join("manifest"));
    let zip = local(
        &f.root().join("public"),
        &rows[0][4],
        "https://partners.test/",
    );
    let entries = unzip(&zip);
    for (name, w, h) in [
        ("images/wide-640x640.png", 640, 640),
        ("images/wide-300x500-qr.png", 300, 500),
    ] {
        let image = image::load_from_memory(&entries[name].1).unwrap();
        assert_eq!((image.width(), image.height()), (w, h), "{name}");
    }
}

#[test]
fn pitch_copy_is_stamped_with_the_partner_name_and_channel_link() {
    let f = Fixture::minimal();
    f.build().unwrap();
    let rows = kit_rows(&f.root().join("manifest"));
    let row = rows
        .iter()
        .find(|r| r[0] == "alpha" && r[2] == "ru")
        .unwrap();
    let entries = unzip(&local(
        &f.root().join("public"),
        &row[4],
        "https://partners.test/",
    ));
    let x = String::from_utf8(entries["pitch/x.txt"].1.clone()).unwrap();
    assert_eq!(
        x,
        "Hello from Alpha & Sons (ru).\n\nSign up: https://join.test/us?ref=ALPHA26&utm_source=partner&utm_medium=x&utm_campaign=test&utm_content=pitch-x\n"
    );
    let email = String::from_utf8(entries["pitch/email.txt"].1.clone()).unwrap();
    assert!(
        email.starts_with("Subject: Try it, from Alpha & Sons\n\n"),
        "{email}"
    );
    let html = String::from_utf8(entries["pitch/email.html"].1.clone()).unwrap();
    assert!(
        html.contains("Hello from <strong>Alpha &amp; Sons</strong>"),
        "{html}"
    );
    assert!(
        html.contains(
            "href=\"https://join.test/us?ref=ALPHA26&amp;utm_source=partner&amp;utm_medium=email"
        ),
        "{html}"
    );
}

#[test]
fn kit_page_lists_each_zip_with_its_real_size_and_sha256() {
    let f = Fixture::minimal();
    f.build().unwrap();
    let public = f.root().join("public");
    for row in kit_rows(&f.root().join("manifest")) {
        let zip = std::fs::read(local(&public, &row[4], "https://partners.test/")).unwrap();
        assert_eq!(row[5], zip.len().to_string());
        let page = std::fs::read_to_string(
            local(&public, &row[3], "https://partners.test/").join("index.html"),
        )
        .unwrap();
        assert!(
            page.contains(&format!("{} {}", zip.len(), row[6])),
            "{} page lacks the size and hash",
            row[0]
        );
        assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
    }
}

#[test]
fn kit_address_depends_on_the_secret_and_nothing_public_links_to_it() {
    let f = Fixture::minimal();
    f.build().unwrap();
    let first = kit_rows(&f.root().join("manifest"))[0][3].clone();
    build(&BuildOptions {
        root: f.root().to_path_buf(),
        env: Environment::default().with_secret("another secret"),
        ..BuildOptions::default()
    })
    .unwrap();
    let second = kit_rows(&f.root().join("manifest"))[0][3].clone();
    assert_ne!(first, second);
    let token = second
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    for (rel, bytes) in snapshot(&f.root().join("public")) {
        if rel.starts_with("kits") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        if rel == std::path::Path::new("_headers") {
            // It names the kits' folder, to keep search engines out, never a kit.
            assert!(!text.contains(&token));
            continue;
        }
        assert!(
            !text.contains(&token) && !text.contains("/kits/"),
            "{} links to a kit",
            rel.display()
        );
    }
}

#[test]
fn building_without_a_secret_warns_loudly() {
    let f = Fixture::minimal();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_refkit"))
        .args(["build", "--root"])
        .arg(f.root())
        .env_remove("REFKIT_SECRET")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("REFKIT_SECRET is not set"), "{stderr}");
}

#[test]
fn source_date_epoch_sets_every_entry_time() {
    let f = Fixture::minimal();
    let out = f.run_with_env(&["build"], &[("SOURCE_DATE_EPOCH", "1764000000")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = kit_rows(&f.root().join("manifest"));
    let file = std::fs::File::open(local(
        &f.root().join("public"),
        &rows[0][4],
        "https://partners.test/",
    ))
    .unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    for i in 0..archive.len() {
        let t = archive.by_index(i).unwrap().last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day(), t.hour()), (2025, 11, 24, 16));
    }
}

#[test]
fn an_over_long_x_post_fails_naming_its_file() {
    let f = Fixture::minimal();
    f.write(
        "content/pitch/us/x.en.md",
        &format!("---\n---\n{} {{link}}\n", "word ".repeat(60)),
    );
    let (code, stderr) = failing_build(&f);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("content/pitch/us/x.en.md"), "{stderr}");
    assert!(
        stderr.contains("over the limit of 280 (each link counts as 23)"),
        "{stderr}"
    );
}

#[test]
fn an_x_post_is_counted_with_links_as_23_characters() {
    let f = Fixture::minimal();
    // 250 characters of text plus a link: fine on X, where the link counts as 23.
    f.write(
        "content/pitch/us/x.en.md",
        &format!("---\n---\n{} {{link}}\n", "a".repeat(250)),
    );
    f.build().unwrap();
}

#[test]
fn an_oversized_image_fails_from_its_header_naming_the_file() {
    let f = Fixture::minimal();
    f.write_bytes("content/banners/huge.png", &png_header(50_000, 40_000));
    let (code, stderr) = failing_build(&f);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("content/banners/huge.png"), "{stderr}");
    assert!(stderr.contains("50000×40000"), "{stderr}");
}

#[test]
fn a_corrupt_image_fails_naming_the_file() {
    let f = Fixture::minimal();
    f.write_bytes(
        "content/banners/broken.png",
        b"\x89PNG\r\n\x1a\nthis is not really a png",
    );
    let (code, stderr) = failing_build(&f);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("content/banners/broken.png"), "{stderr}");
    assert!(stderr.contains("corrupt"), "{stderr}");
}

#[test]
fn a_channel_without_pitch_copy_fails_naming_the_missing_file() {
    let f = Fixture::minimal();
    f.remove("content/pitch/ru/telegram.en.md");
    f.remove("content/pitch/ru/telegram.ru.md");
    // A cadence on the channel would be refused first; this test is about the kit.
    let playbook = common::RU_PLAYBOOK;
    f.write(
        "content/playbooks/ru.yaml",
        &playbook[..playbook.find("cadence:").unwrap()],
    );
    let (code, stderr) = failing_build(&f);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("content/pitch/ru/telegram.en.md"),
        "{stderr}"
    );
    assert!(
        stderr.contains("partner `beta` shares on telegram"),
        "{stderr}"
    );
}

/// A PNG claiming `width`×`height` in its header, with (almost) no pixel data: what
/// an attacker would send to make a decoder allocate gigabytes.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], &ihdr[..]),
        (
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01][..],
        ),
        (b"IEND", &[][..]),
    ] {
        let mut chunk = kind.to_vec();
        chunk.extend_from_slice(data);
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

// The demo project's kits.

fn demo_build() -> (tempfile::TempDir, refkit::Project) {
    let out = tempfile::tempdir().unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    build(&BuildOptions {
        root: root.clone(),
        out: Some(out.path().join("public")),
        manifest: Some(out.path().join("manifest")),
        env: Environment::default().with_secret("demo kits"),
        ..BuildOptions::default()
    })
    .unwrap();
    let project = refkit::load_project(&root, None).unwrap();
    (out, project)
}

#[test]
fn demo_kits_carry_only_their_partners_code_in_every_text_entry_with_a_link() {
    let (out, project) = demo_build();
    let base = format!("{}/", project.settings.base_url);
    let rows = kit_rows(&out.path().join("manifest"));
    assert_eq!(rows.len(), project.partners.len() * 2);
    for row in rows {
        let partner = project.partners.iter().find(|p| p.id == row[0]).unwrap();
        let entries = unzip(&local(&out.path().join("public"), &row[4], &base));
        let mut with_links = 0;
        for (name, (_, bytes)) in &entries {
            if name.ends_with(".png") || name.ends_with(".jpg") {
                continue;
            }
            // The draft's parts are encoded: read them as a mail client would.
            let text = if name.ends_with(".eml") {
                let draft = read_draft(bytes);
                draft.parts.into_iter().map(|(_, text)| text).collect()
            } else {
                String::from_utf8(bytes.clone()).unwrap()
            };
            if !text.contains("utm_") {
                continue;
            }
            with_links += 1;
            assert!(
                text.contains(&format!("ref={}&", partner.code)),
                "{}/{name} lacks the partner's code",
                row[0]
            );
            for other in project.partners.iter().filter(|o| o.id != partner.id) {
                assert!(
                    !text.contains(&other.code),
                    "{}/{name} contains {}'s code",
                    row[0],
                    other.id
                );
            }
        }
        assert!(
            with_links >= 5,
            "{}: only {with_links} entries carry links",
            row[0]
        );
        for channel in &partner.channels {
            assert!(
                entries.contains_key(&format!("pitch/{channel}.txt")),
                "{}: no pitch for {channel}",
                row[0]
            );
        }
    }
}

#[test]
fn demo_qr_codes_decode_to_the_partners_qr_link_byte_for_byte() {
    let (out, project) = demo_build();
    let base = format!("{}/", project.settings.base_url);
    let links = std::fs::read_to_string(out.path().join("manifest/links.csv")).unwrap();
    for row in kit_rows(&out.path().join("manifest")) {
        // The code encodes the QR code's short link, which leads to the QR link.
        let line = links
            .lines()
            .find(|l| l.starts_with(&format!("{},", row[0])) && l.contains(",qr,qr,"))
            .unwrap();
        let cells: Vec<&str> = line.split(',').collect();
        assert!(cells[5].contains("utm_medium=qr"), "{line}");
        let expected = cells[6].to_owned();
        assert!(expected.ends_with("/q/"), "{line}");
        let entries = unzip(&local(&out.path().join("public"), &row[4], &base));
        assert_eq!(
            decode_qr(&entries["images/qr.png"].1),
            expected,
            "{}",
            row[0]
        );
        let variant = entries
            .keys()
            .find(|k| k.ends_with("1080x1080-qr.jpg"))
            .unwrap();
        assert_eq!(
            decode_qr(&entries[variant].1),
            expected,
            "{} {variant}",
            row[0]
        );
    }
}

#[test]
fn check_measures_a_pitch_no_partner_posts_yet_with_the_longest_name() {
    let f = Fixture::minimal();
    // Nobody in the Russian market posts on X: the build is fine, check is not.
    // "Бета" plus 262 characters and a 23-character link is 290 on X.
    f.write(
        "content/pitch/ru/x.en.md",
        &format!("---\n---\n{{partner}} {} {{link}}\n", "a".repeat(261)),
    );
    f.write("content/pitch/ru/x.ru.md", "---\n---\n{partner}: {link}\n");
    f.build().unwrap();
    // `refkit check`'s exit code and everything it printed.
    let check = || {
        let out = f.run(&["check"]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), all)
    };
    let (code, all) = check();
    assert_eq!(code, Some(1), "{all}");
    assert!(all.contains("content/pitch/ru/x.en.md"), "{all}");
    assert!(
        all.contains("the x post is 290 characters with the longest partner name of market `ru` (`Бета`): 10 over the limit of 280"),
        "{all}"
    );
    assert!(!all.contains("x.ru.md"), "the short copy fits: {all}");

    // A market with no partner is measured with a 40-character name.
    f.write(
        "content/partners.yaml",
        &common::PARTNERS.replace("market: ru", "market: us"),
    );
    f.write(
        "content/pitch/ru/x.en.md",
        &format!("---\n---\n{{partner}} {} {{link}}\n", "a".repeat(220)),
    );
    let (code, all) = check();
    assert_eq!(code, Some(1), "{all}");
    assert!(
        all.contains("the x post is 285 characters with a 40-character partner name (market `ru` has no partner yet): 5 over the limit of 280"),
        "{all}"
    );
}

// The e-mail: inlined HTML and the ready draft.

/// The entries of the fixture's kit of `partner` in `lang`.
fn fixture_kit(
    f: &Fixture,
    partner: &str,
    lang: &str,
) -> BTreeMap<String, (zip::CompressionMethod, Vec<u8>)> {
    let rows = kit_rows(&f.root().join("manifest"));
    let row = rows
        .iter()
        .find(|r| r[0] == partner && r[2] == lang)
        .unwrap();
    unzip(&local(
        &f.root().join("public"),
        &row[4],
        "https://partners.test/",
    ))
}

#[test]
fn email_draft_holds_the_kit_text_and_html_with_the_tracked_link() {
    let f = Fixture::minimal();
    f.build().unwrap();
    let entries = fixture_kit(&f, "alpha", "en");
    let subject = assert_draft_matches_kit("alpha/en", &entries);
    assert_eq!(subject, "Try it, from Alpha & Sons");
    assert!(email_link(&entries).contains("ref=ALPHA26&"));
    // Plain ASCII is written as it is: the header reads without decoding.
    let raw = String::from_utf8(entries["pitch/email.eml"].1.clone()).unwrap();
    assert!(
        raw.contains("\r\nSubject: Try it, from Alpha & Sons\r\n"),
        "{raw}"
    );
}

#[test]
fn a_long_cyrillic_subject_and_text_round_trip_through_the_draft() {
    let f = Fixture::minimal();
    let subject = "Сервис, которому мы доверяем собственный учёт: {partner} советует Polar Ledger — 60 дней бесплатно";
    f.write(
        "content/pitch/us/email.ru.md",
        &format!("---\nsubject: \"{subject}\"\n---\nЗдравствуйте! Ёлки, щётки и «кавычки» от **{{partner}}**.\n\n[Попробовать]({{link}})\n\nС уважением,\n{{partner}}\n"),
    );
    f.build().unwrap();
    let entries = fixture_kit(&f, "alpha", "ru");
    let decoded = assert_draft_matches_kit("alpha/ru", &entries);
    // Typeset as the text is: a no-break space binds the dash to the word before it.
    assert_eq!(
        decoded,
        subject
            .replace("{partner}", "Alpha & Sons")
            .replace(" —", "\u{a0}—")
    );
    let draft = read_draft(&entries["pitch/email.eml"].1);
    // Typography's no-break spaces (two bytes each) come back too.
    let text = &draft.parts[0].1;
    assert!(
        text.contains("Здравствуйте! Ёлки, щётки и\u{a0}«кавычки»"),
        "{text}"
    );
    assert!(text.contains("Alpha & Sons"), "{text}");
    // The subject is encoded-words, each at most 75 characters, on folded lines.
    let raw = String::from_utf8(entries["pitch/email.eml"].1.clone()).unwrap();
    let header = &raw[raw.find("Subject:").unwrap()..raw.find("X-Unsent").unwrap()];
    let words: Vec<&str> = header
        .split_whitespace()
        .filter(|w| w.starts_with("=?"))
        .collect();
    assert!(words.len() >= 3, "{header}");
    assert!(
        words
            .iter()
            .all(|w| w.starts_with("=?UTF-8?B?") && w.len() <= 75),
        "{header}"
    );
}

#[test]
fn demo_email_is_inlined_with_a_bulletproof_button_and_offered_as_a_draft() {
    let (out, project) = demo_build();
    let base = format!("{}/", project.settings.base_url);
    let public = out.path().join("public");
    let mut kits = 0;
    let mut cyrillic = 0;
    for row in kit_rows(&out.path().join("manifest")) {
        let partner = project.partners.iter().find(|p| p.id == row[0]).unwrap();
        if !partner.channels.iter().any(|c| c == "email") {
            continue;
        }
        let kit = format!("{}/{}", row[0], row[2]);
        let entries = unzip(&local(&public, &row[4], &base));
        let subject = assert_draft_matches_kit(&kit, &entries);
        kits += 1;
        cyrillic += usize::from(!subject.is_ascii());

        let html = String::from_utf8(entries["pitch/email.html"].1.clone()).unwrap();
        // Conditional comments for Outlook are comments; no <style> element is left.
        let mut outside_comments = String::new();
        let mut rest = html.as_str();
        while let Some(start) = rest.find("<!--") {
            outside_comments.push_str(&rest[..start]);
            let end = rest[start..]
                .find("-->")
                .map_or(rest.len(), |e| start + e + 3);
            rest = &rest[end..];
        }
        outside_comments.push_str(rest);
        assert!(
            !outside_comments.contains("<style"),
            "{kit}: a <style> is left"
        );
        assert!(
            outside_comments.contains("<p style=\""),
            "{kit}: CSS not inlined"
        );
        // The button: a cell with bgcolor, holding a link styled on itself.
        let href = format!("<a href=\"{}\"", email_link(&entries).replace('&', "&amp;"));
        let at = outside_comments
            .find(&href)
            .unwrap_or_else(|| panic!("{kit}: no button to the tracked link"));
        let tag = &outside_comments[at..at + outside_comments[at..].find('>').unwrap()];
        assert!(
            tag.contains(" style=\"") && tag.contains("text-decoration: none"),
            "{kit}: {tag}"
        );
        let cell = &outside_comments[outside_comments[..at].rfind("<td").unwrap()..at];
        assert!(cell.contains("bgcolor=\"#"), "{kit}: {cell}");

        // The kit page offers the same draft, published beside it.
        let page =
            std::fs::read_to_string(local(&public, &row[3], &base).join("index.html")).unwrap();
        let name = format!("{}-email-{}.eml", row[0], row[2]);
        let url = row[4].replace(&format!("{}-{}.zip", row[0], row[2]), &name);
        let link = url.strip_prefix(&project.settings.base_url).unwrap();
        assert!(
            page.contains(&format!("href=\"{link}\" download")),
            "{kit}: no draft link to {link}"
        );
        assert_eq!(
            std::fs::read(local(&public, &url, &base)).unwrap(),
            entries["pitch/email.eml"].1,
            "{kit}"
        );
    }
    assert!(kits >= 2, "the demo has kits with e-mail");
    assert!(
        cyrillic >= 1,
        "the demo's Russian e-mail has a Cyrillic subject"
    );
}

/// A percent-encoded query value, decoded.
fn percent_decode(value: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = value.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(&tail[..2]).unwrap();
            bytes.push(u8::from_str_radix(hex, 16).unwrap());
            rest = &tail[2..];
        } else {
            bytes.push(b);
            rest = tail;
        }
    }
    String::from_utf8(bytes).unwrap()
}

/// The address and query of a share link: (everything before `?`, [(name, value)]).
fn share_query(href: &str) -> (&str, Vec<(String, String)>) {
    let (address, query) = href.split_once('?').unwrap_or((href, ""));
    let pairs = query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_owned(), percent_decode(value))
        })
        .collect();
    (address, pairs)
}

/// Every share link of each pitch card of a kit page: copy channel → [(service, raw
/// `<a …>` tag, href)].
fn share_links(html: &str) -> BTreeMap<String, Vec<(String, String, String)>> {
    let mut cards = BTreeMap::new();
    for card in html.split("<article class=\"kit-card\"").skip(1) {
        let card = &card[..card.find("</article>").unwrap()];
        let channel = card
            .split("aria-labelledby=\"pitch-title-")
            .nth(1)
            .and_then(|c| c.split('"').next())
            .unwrap()
            .to_owned();
        let links = card
            .split("<a class=\"share share-")
            .skip(1)
            .map(|a| {
                let tag = &a[..a.find('>').unwrap()];
                let service = tag[..tag.find('"').unwrap()].to_owned();
                let href = common::hrefs(tag).pop().unwrap();
                (service, tag.to_owned(), href)
            })
            .collect();
        cards.insert(channel, links);
    }
    cards
}

#[test]
fn every_pitch_card_shares_its_copy_with_each_share_channels_own_tracked_link() {
    let (out, project) = demo_build();
    let base = format!("{}/", project.settings.base_url);
    let known = ["email", "linkedin", "telegram", "vk", "whatsapp", "x"];
    let services: Vec<&str> = project
        .settings
        .channels
        .iter()
        .map(|c| c.id.as_str())
        .filter(|c| known.contains(c))
        .collect();
    assert_eq!(
        services.len(),
        6,
        "the demo configures all six: {services:?}"
    );
    let links_csv = std::fs::read_to_string(out.path().join("manifest/links.csv")).unwrap();
    let mut checked = 0;
    for row in kit_rows(&out.path().join("manifest")) {
        let (id, lang) = (&row[0], &row[2]);
        let partner = project.partners.iter().find(|p| &p.id == id).unwrap();
        let page = std::fs::read_to_string(
            local(&out.path().join("public"), &row[3], &base).join("index.html"),
        )
        .unwrap();
        let entries = unzip(&local(&out.path().join("public"), &row[4], &base));
        let zip_links = String::from_utf8(entries["links.csv"].1.clone()).unwrap();
        let cards = share_links(&page);
        assert_eq!(
            cards.keys().collect::<Vec<_>>(),
            {
                let mut c: Vec<_> = partner.channels.iter().collect();
                c.sort();
                c
            },
            "{id}/{lang}"
        );
        for (copy, links) in &cards {
            // The copy as the zip has it, in this kit's language, with its own link.
            let file = String::from_utf8(entries[&format!("pitch/{copy}.txt")].1.clone()).unwrap();
            let (subject, body) = match file.strip_prefix("Subject: ") {
                Some(rest) => {
                    let (subject, body) = rest.split_once("\n\n").unwrap();
                    (Some(subject.to_owned()), body.trim_end().to_owned())
                }
                None => (None, file.trim_end().to_owned()),
            };
            let pitch_link = zip_links
                .lines()
                .filter_map(|l| l.split(',').nth(2))
                .find(|url| body.contains(url) && url.contains(&format!("utm_medium={copy}&")))
                .unwrap_or_else(|| panic!("{id}/{lang}/{copy}: no pitch link in the copy"))
                .to_owned();
            let got: Vec<&str> = links.iter().map(|(s, _, _)| s.as_str()).collect();
            assert_eq!(got, services, "{id}/{lang}/{copy}");
            for (service, tag, href) in links {
                let link = format!(
                    "{}?ref={}&utm_source=partner&utm_medium={service}&utm_campaign=partners-2026&utm_content=share-{copy}",
                    project.settings.market(&partner.market).unwrap().landing,
                    partner.code
                );
                assert!(
                    links_csv.lines().any(|l| l
                        == format!(
                            "{id},{},{lang},{service},share-{copy},{link},",
                            partner.market
                        )),
                    "{id}/{lang}/{copy}/{service}: {link} is not in manifest/links.csv"
                );
                let expected = body.replace(&pitch_link, &link);
                let (address, query) = share_query(href);
                let value = |name: &str| {
                    query
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.as_str())
                        .unwrap_or_else(|| panic!("{href} has no {name}"))
                };
                let names: Vec<&str> = query.iter().map(|(n, _)| n.as_str()).collect();
                match service.as_str() {
                    "telegram" => {
                        assert_eq!(address, "https://t.me/share/url");
                        assert_eq!(names, ["url", "text"]);
                        assert_eq!(value("url"), link);
                        let text = value("text");
                        assert!(!text.contains("http"), "the link once, as `url`: {text}");
                        let first = expected.lines().next().unwrap();
                        assert!(text.starts_with(first), "{id}/{lang}/{copy}: {text}");
                    }
                    "vk" => {
                        assert_eq!(address, "https://vk.com/share.php");
                        assert_eq!(names, ["url", "title"]);
                        assert_eq!(value("url"), link);
                        let title = value("title");
                        match &subject {
                            Some(subject) => assert_eq!(title, subject),
                            None => {
                                assert!(!title.is_empty() && expected.starts_with(title), "{title}")
                            }
                        }
                    }
                    "linkedin" => {
                        assert_eq!(address, "https://www.linkedin.com/sharing/share-offsite/");
                        assert_eq!(query, [("url".to_owned(), link.clone())]);
                    }
                    "x" | "whatsapp" => {
                        let want = if service == "x" {
                            "https://x.com/intent/tweet"
                        } else {
                            "https://wa.me/"
                        };
                        assert_eq!(address, want);
                        assert_eq!(
                            query,
                            [("text".to_owned(), expected.clone())],
                            "{id}/{lang}/{copy}/{service}"
                        );
                        assert_eq!(expected.matches(&link).count(), 1);
                    }
                    "email" => {
                        assert_eq!(address, "mailto:");
                        assert_eq!(names, ["subject", "body"]);
                        assert!(!href.contains('+') && !href.contains(' '), "{href}");
                        assert!(href.contains("%0D%0A"), "RFC 6068 line breaks: {href}");
                        assert_eq!(value("body"), expected.replace('\n', "\r\n"));
                        match &subject {
                            Some(subject) => assert_eq!(value("subject"), subject),
                            None => assert!(!value("subject").is_empty()),
                        }
                    }
                    other => panic!("unexpected service {other}"),
                }
                assert!(tag.contains("aria-label=\""), "{tag}");
                assert_eq!(
                    tag.contains("target=\"_blank\" rel=\"noopener\""),
                    service != "email",
                    "{tag}"
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 6 * 2 * project.partners.len(),
        "only {checked} share links"
    );
}

#[test]
fn only_configured_channels_with_a_share_service_get_share_buttons() {
    let f = Fixture::minimal();
    f.write(
        "site.yaml",
        &format!(
            "{}channels:\n  email: {{}}\n  x: {{ limit: 280 }}\n  telegram: {{}}\n  forum: {{}}\n",
            common::SITE
        ),
    );
    f.write(
        "themes/harbor/templates/kit.html",
        r#"{% extends "base.html" %}{% block main %}{% for p in pitches %}{% for s in p.share %}<a class="share" data-copy="{{ p.channel }}" data-channel="{{ s.channel }}" data-service="{{ s.service }}" data-with-copy="{{ s.with_copy }}" href="{{ s.url }}">{{ s.link }}</a>
{% endfor %}{% endfor %}{% endblock main %}"#,
    );
    f.build().unwrap();
    let row = kit_rows(&f.root().join("manifest"))
        .into_iter()
        .find(|r| r[0] == "alpha" && r[2] == "en")
        .unwrap();
    let page = f.read(&format!(
        "public/{}index.html",
        row[3].strip_prefix("https://partners.test/").unwrap()
    ));
    let shares: Vec<String> = page
        .split("<a class=\"share\"")
        .skip(1)
        .map(|l| {
            let attr = |name: &str| {
                l.split(&format!("{name}=\""))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_owned()
            };
            format!(
                "{}>{}/{}",
                attr("data-copy"),
                attr("data-channel"),
                attr("data-service")
            )
        })
        .collect();
    // Settings order (sorted ids); `forum` has no share service.
    assert_eq!(
        shares,
        [
            "email>email/email",
            "email>telegram/telegram",
            "email>x/x",
            "x>email/email",
            "x>telegram/telegram",
            "x>x/x"
        ]
    );
    let links = f.read("manifest/links.csv");
    assert!(links.contains("alpha,us,en,telegram,share-x,https://join.test/us?ref=ALPHA26&utm_source=partner&utm_medium=telegram&utm_campaign=test&utm_content=share-x"), "{links}");
    assert!(!links.contains("utm_medium=forum"), "{links}");
}
