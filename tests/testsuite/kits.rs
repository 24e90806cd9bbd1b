//! Pitch kits: contents, links, QR codes, determinism and the errors kits can raise.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::common::{self, failing_build, snapshot, Fixture};
use crate::kit_email::read_draft;
use refkit::Environment;
use refkit::{build, BuildOptions};

/// Every entry of a zip, by name: (compression method, bytes).
pub(crate) type Entries = BTreeMap<String, (zip::CompressionMethod, Vec<u8>)>;

/// Every entry of the zip at `path`.
fn unzip(path: &Path) -> Entries {
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

/// One row of `manifest/kits.csv`: one partner's kit in one language.
pub(crate) struct KitRow {
    pub(crate) partner: String,
    pub(crate) lang: String,
    /// The kit page's URL.
    pub(crate) page: String,
    /// The zip's URL.
    pub(crate) zip: String,
    /// The zip's size as the manifest states it.
    pub(crate) bytes: String,
    pub(crate) sha256: String,
}

/// The kits one build wrote, found as a partner would find them: the manifest's row,
/// then the zip or page its URL leads to. Every kit test starts here:
///
/// ```ignore
/// let kit = Kits::built(&Fixture::minimal()).open("alpha", "en");
/// assert!(kit.text("pitch/x.txt").contains("ref=ALPHA26"));
/// ```
///
/// `Kits` holds paths into the fixture's folder: keep the `Fixture` alive (in a
/// `let`) while a test reads more than one kit.
pub(crate) struct Kits {
    public: PathBuf,
    base: String,
    /// The manifest's rows, in its order (by partner, then language).
    pub(crate) rows: Vec<KitRow>,
}

impl Kits {
    /// Builds the fixture and reads the kits it wrote.
    pub(crate) fn built(f: &Fixture) -> Kits {
        f.build()
            .unwrap_or_else(|e| panic!("the fixture must build:\n{e}"));
        Kits::of(f)
    }

    /// The kits of the fixture's last build.
    pub(crate) fn of(f: &Fixture) -> Kits {
        Kits::read(f.root(), "https://partners.test/")
    }

    /// The kits of a build whose `public/` and `manifest/` are in `out`, with the
    /// site's base URL `base` (ending in `/`).
    pub(crate) fn read(out: &Path, base: &str) -> Kits {
        let csv = std::fs::read_to_string(out.join("manifest/kits.csv")).unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("partner,market,lang,kit_page,zip,bytes,sha256"),
            "the columns of kits.csv"
        );
        let rows = lines
            .map(|line| {
                let [partner, _market, lang, page, zip, bytes, sha256] =
                    <[&str; 7]>::try_from(line.split(',').collect::<Vec<_>>())
                        .unwrap_or_else(|_| panic!("kits.csv row: {line}"));
                KitRow {
                    partner: partner.to_owned(),
                    lang: lang.to_owned(),
                    page: page.to_owned(),
                    zip: zip.to_owned(),
                    bytes: bytes.to_owned(),
                    sha256: sha256.to_owned(),
                }
            })
            .collect();
        Kits {
            public: out.join("public"),
            base: base.to_owned(),
            rows,
        }
    }

    /// The row of `partner`'s kit in `lang`.
    pub(crate) fn row(&self, partner: &str, lang: &str) -> &KitRow {
        self.rows
            .iter()
            .find(|r| r.partner == partner && r.lang == lang)
            .unwrap_or_else(|| panic!("kits.csv has no {partner} kit in {lang}"))
    }

    /// The file in `public/` that the site's `url` serves.
    pub(crate) fn local(&self, url: &str) -> PathBuf {
        let rel = url
            .strip_prefix(&self.base)
            .unwrap_or_else(|| panic!("{url} is not under {}", self.base));
        self.public.join(rel)
    }

    /// The HTML of a row's kit page.
    pub(crate) fn page(&self, row: &KitRow) -> String {
        let path = self.local(&row.page).join("index.html");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// A row's kit, unzipped.
    pub(crate) fn kit(&self, row: &KitRow) -> Kit {
        let path = self.local(&row.zip);
        Kit {
            entries: unzip(&path),
            path,
        }
    }

    /// `partner`'s kit in `lang`, unzipped.
    pub(crate) fn open(&self, partner: &str, lang: &str) -> Kit {
        self.kit(self.row(partner, lang))
    }
}

/// One kit zip, read back.
pub(crate) struct Kit {
    /// Where the zip is.
    pub(crate) path: PathBuf,
    pub(crate) entries: Entries,
}

impl Kit {
    /// The entries' names, sorted.
    pub(crate) fn names(&self) -> Vec<&str> {
        self.entries.keys().map(String::as_str).collect()
    }

    /// The bytes of entry `name`.
    pub(crate) fn bytes(&self, name: &str) -> &[u8] {
        match self.entries.get(name) {
            Some((_, bytes)) => bytes,
            None => panic!("{} has no {name}: {:?}", self.path.display(), self.names()),
        }
    }

    /// Entry `name` as text.
    pub(crate) fn text(&self, name: &str) -> String {
        String::from_utf8(self.bytes(name).to_vec())
            .unwrap_or_else(|_| panic!("{name} is not UTF-8"))
    }

    /// The rows of the kit's `links.csv`: channel, asset, tracked link, short link.
    pub(crate) fn links(&self) -> Vec<[String; 4]> {
        let text = self.text("links.csv");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                [0, 1, 2, 3].map(|i| r.get(i).unwrap_or_default().to_owned())
            })
            .collect()
    }

    /// `text` with every short link of the kit replaced by the tracked link it leads
    /// to, as `links.csv` pairs them: what a reader who follows the links reaches.
    pub(crate) fn follow(&self, text: &str) -> String {
        let mut pairs: Vec<(String, String)> = self
            .links()
            .into_iter()
            .filter(|[.., short]| !short.is_empty())
            .map(|[_, _, url, short]| (short, url))
            .collect();
        // The partner's own short link starts every other one: replace the longest first.
        pairs.sort_by_key(|(short, _)| std::cmp::Reverse(short.len()));
        let mut out = text.to_owned();
        for (short, url) in pairs {
            out = out.replace(&short, &url);
        }
        out
    }
}

pub(crate) fn decode_qr(png: &[u8]) -> String {
    let image = image::load_from_memory(png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "expected exactly one QR code");
    grids[0].decode().unwrap().1
}

#[test]
fn kit_layout_is_as_documented() {
    let kit = Kits::built(&Fixture::minimal()).open("alpha", "en");
    assert_eq!(
        kit.names(),
        [
            "README.html",
            "README.txt",
            "cadence.txt",
            "cadence/intro.txt",
            "cadence/post.txt",
            "cadence/reminder.txt",
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
    assert!(kit.path.file_name().unwrap().to_str().unwrap() == "alpha-en.zip");
}

#[test]
fn images_are_stored_and_text_is_deflated() {
    let kit = Kits::built(&Fixture::minimal()).open("alpha", "en");
    for (name, (method, bytes)) in kit.entries {
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
    let kit = Kits::built(&f).open("alpha", "en");
    for (name, w, h) in [
        ("images/wide-640x640.png", 640, 640),
        ("images/wide-300x500-qr.png", 300, 500),
    ] {
        let image = image::load_from_memory(kit.bytes(name)).unwrap();
        assert_eq!((image.width(), image.height()), (w, h), "{name}");
    }
}

/// The short link `kit`'s copy prints for `channel` and `asset`, checked against the
/// shape `/r/<code>/<segment>/<tag>/`, and the tracked link it leads to.
fn printed_link(kit: &Kit, channel: &str, asset: &str) -> (String, String) {
    let [.., url, short] = kit
        .links()
        .into_iter()
        .find(|[c, a, ..]| c == channel && a == asset)
        .unwrap_or_else(|| panic!("links.csv has no {channel}/{asset} row"));
    let tag = short
        .strip_suffix('/')
        .and_then(|s| s.rsplit_once('/'))
        .map(|(_, tag)| tag)
        .unwrap_or_default();
    assert!(
        tag.len() == 5
            && tag
                .bytes()
                .all(|b| b"abcdefghijkmnpqrstuvwxyz23456789".contains(&b)),
        "{short}: not a five-character tag"
    );
    (short, url)
}

#[test]
fn pitch_copy_is_stamped_with_the_partner_name_and_its_own_short_link() {
    let kit = Kits::built(&Fixture::minimal()).open("alpha", "ru");
    let (short, url) = printed_link(&kit, "x", "pitch-x");
    assert!(short.contains("/r/alpha26/x/"), "{short}");
    assert_eq!(
        url,
        "https://join.test/us?ref=ALPHA26&utm_source=partner&utm_medium=x&utm_campaign=test&utm_content=pitch-x"
    );
    assert_eq!(
        kit.text("pitch/x.txt"),
        format!("Hello from Alpha & Sons (ru).\n\nSign up: {short}\n")
    );
    let email = kit.text("pitch/email.txt");
    assert!(
        email.starts_with("Subject: Try it, from Alpha & Sons\n\n"),
        "{email}"
    );
    let (email_short, _) = printed_link(&kit, "email", "pitch-email");
    let html = kit.text("pitch/email.html");
    assert!(
        html.contains("Hello from <strong>Alpha &amp; Sons</strong>"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"{email_short}\"")), "{html}");
}

#[test]
fn every_short_link_a_kit_prints_is_a_page_that_leads_to_its_tracked_link() {
    let f = Fixture::minimal();
    let kits = Kits::built(&f);
    for lang in ["en", "ru"] {
        let kit = kits.open("alpha", lang);
        let printed: Vec<[String; 4]> = kit
            .links()
            .into_iter()
            .filter(|[_, asset, ..]| asset != "short-link" && asset != "qr")
            .collect();
        assert!(printed.len() >= 5, "{printed:?}");
        for [channel, asset, url, short] in printed {
            assert!(!short.is_empty(), "{channel}/{asset} has no short link");
            let path = short.split_once("/r/").map(|(_, p)| p).unwrap();
            let page = f.read(&format!("public/r/{path}index.html"));
            assert!(
                page.contains(&format!("url={}", url.replace('&', "&amp;"))),
                "{short} does not lead to {url}: {page}"
            );
            assert!(
                f.read("public/_redirects")
                    .contains(&format!("/r/{path} {url} 302")),
                "_redirects lacks {short}"
            );
        }
    }
}

#[test]
fn links_in_copy_full_prints_the_tracked_links_and_writes_no_copy_pages() {
    let f = Fixture::minimal();
    let site = f
        .read("site.yaml")
        .replace("referral:\n", "referral:\n  links_in_copy: full\n");
    assert!(
        site.contains("links_in_copy"),
        "the fixture has a referral section"
    );
    f.write("site.yaml", &site);
    let kit = Kits::built(&f).open("alpha", "ru");
    assert_eq!(
        kit.text("pitch/x.txt"),
        "Hello from Alpha & Sons (ru).\n\nSign up: https://join.test/us?ref=ALPHA26&utm_source=partner&utm_medium=x&utm_campaign=test&utm_content=pitch-x\n"
    );
    // The channel's own short link stays; no page deeper than it.
    let x = f.root().join("public/r/alpha26/x");
    let inside: Vec<String> = std::fs::read_dir(&x)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(inside, ["index.html"]);
    assert!(kit
        .links()
        .iter()
        .all(|[_, asset, _, short]| short.is_empty() || asset == "short-link" || asset == "qr"));
}

#[test]
fn kit_page_lists_each_zip_with_its_real_size_and_sha256() {
    let f = Fixture::minimal();
    let kits = Kits::built(&f);
    for row in &kits.rows {
        let zip = std::fs::read(kits.local(&row.zip)).unwrap();
        assert_eq!(row.bytes, zip.len().to_string());
        let page = kits.page(row);
        assert!(
            page.contains(&format!("{} {}", zip.len(), row.sha256)),
            "{} page lacks the size and hash",
            row.partner
        );
        assert!(page.contains("<meta name=\"robots\" content=\"noindex\">"));
    }
}

#[test]
fn kit_address_depends_on_the_secret_and_nothing_public_links_to_it() {
    let f = Fixture::minimal();
    let first = Kits::built(&f).rows[0].page.clone();
    build(&BuildOptions {
        root: f.root().to_path_buf(),
        env: Environment::default().with_secret("another secret"),
        ..BuildOptions::default()
    })
    .unwrap();
    let second = Kits::of(&f).rows[0].page.clone();
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
    let kits = Kits::of(&f);
    let file = std::fs::File::open(kits.local(&kits.rows[0].zip)).unwrap();
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

/// The demo built into a temporary folder, the project it was built from and its kits.
pub(crate) fn demo_build() -> (tempfile::TempDir, refkit::Project, Kits) {
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
    let kits = Kits::read(out.path(), &format!("{}/", project.settings.base_url));
    (out, project, kits)
}

#[test]
fn demo_kits_carry_only_their_partners_code_in_every_text_entry_with_a_link() {
    let (_out, project, kits) = demo_build();
    assert_eq!(kits.rows.len(), project.partners.len() * 2);
    for row in &kits.rows {
        let partner = project
            .partners
            .iter()
            .find(|p| p.id == row.partner)
            .unwrap();
        let kit = kits.kit(row);
        let mut with_links = 0;
        for (name, (_, bytes)) in &kit.entries {
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
            // Short links followed to the tracked links they lead to.
            let printed = text;
            let text = kit.follow(&printed);
            if !text.contains("utm_") {
                continue;
            }
            for other in project.partners.iter().filter(|o| o.id != partner.id) {
                let folder = format!("/r/{}/", other.code.to_ascii_lowercase());
                assert!(
                    !printed.contains(&folder),
                    "{}/{name} prints {}'s short link",
                    row.partner,
                    other.id
                );
            }
            with_links += 1;
            assert!(
                text.contains(&format!("ref={}&", partner.code)),
                "{}/{name} lacks the partner's code",
                row.partner
            );
            for other in project.partners.iter().filter(|o| o.id != partner.id) {
                assert!(
                    !text.contains(&other.code),
                    "{}/{name} contains {}'s code",
                    row.partner,
                    other.id
                );
            }
        }
        assert!(
            with_links >= 5,
            "{}: only {with_links} entries carry links",
            row.partner
        );
        for channel in &partner.channels {
            assert!(
                kit.entries.contains_key(&format!("pitch/{channel}.txt")),
                "{}: no pitch for {channel}",
                row.partner
            );
        }
    }
}

#[test]
fn demo_qr_codes_decode_to_the_partners_qr_link_byte_for_byte() {
    let (out, _project, kits) = demo_build();
    let links = std::fs::read_to_string(out.path().join("manifest/links.csv")).unwrap();
    for row in &kits.rows {
        // The code encodes the QR code's short link, which leads to the QR link.
        let line = links
            .lines()
            .find(|l| l.starts_with(&format!("{},", row.partner)) && l.contains(",qr,qr,"))
            .unwrap();
        let cells: Vec<&str> = line.split(',').collect();
        assert!(cells[5].contains("utm_medium=qr"), "{line}");
        let expected = cells[6].to_owned();
        assert!(expected.ends_with("/q/"), "{line}");
        let kit = kits.kit(row);
        assert_eq!(
            decode_qr(kit.bytes("images/qr.png")),
            expected,
            "{}",
            row.partner
        );
        let variant = kit
            .names()
            .into_iter()
            .find(|k| k.ends_with("1080x1080-qr.jpg"))
            .unwrap();
        assert_eq!(
            decode_qr(kit.bytes(variant)),
            expected,
            "{} {variant}",
            row.partner
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
