//! One source of truth for the program's terms (issue 29): both sides of the program
//! come from the playbooks, each output tells only its own audience, the market
//! decides the terms whatever the language, hand-written figures that contradict a
//! playbook fail `check`, and each outreach touch carries one link everywhere.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use rayon::prelude::*;

use crate::common::Fixture;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A built project: its public folder, manifest and each partner's kit token.
struct Built {
    public: PathBuf,
    manifest: PathBuf,
    tokens: BTreeMap<String, String>,
}

fn build(root: &Path, out: &Path) -> Built {
    refkit::build(&refkit::BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.join("public")),
        manifest: Some(out.join("manifest")),
        env: refkit::Environment::default().with_secret("terms-test-secret"),
        ..refkit::BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("the project must build:\n{e}"));
    let kits = fs::read_to_string(out.join("manifest/kits.csv")).unwrap();
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
    Built {
        public: out.join("public"),
        manifest: out.join("manifest"),
        tokens,
    }
}

/// The demo as it is, built once for the tests that only read it.
fn demo() -> &'static Built {
    static DEMO: OnceLock<(tempfile::TempDir, Built)> = OnceLock::new();
    &DEMO
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let built = build(&repo(), dir.path());
            (dir, built)
        })
        .1
}

/// Every text entry of `partner`'s kit zip in `lang`, by name.
fn kit_texts(built: &Built, partner: &str, lang: &str) -> BTreeMap<String, String> {
    let zip = built.public.join(format!(
        "kits/{}/{partner}-{lang}.zip",
        built.tokens[partner]
    ));
    let mut archive = zip::ZipArchive::new(fs::File::open(&zip).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if let Ok(text) = String::from_utf8(bytes) {
            out.insert(name, text);
        }
    }
    out
}

/// Text as a reader sees it: tags dropped, the entities Tera writes decoded, every
/// kind of space a plain one.
fn readable(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = &rest[open..open + close];
        // What a link preview shows is in `content` attributes.
        if let Some(i) = tag.find("content=\"") {
            let value = &tag[i + 9..];
            out.push(' ');
            out.push_str(&value[..value.find('"').unwrap_or(value.len())]);
        }
        out.push(' ');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    plain(
        &out.replace("&amp;", "&")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">"),
    )
}

fn plain(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
}

fn ocr(png: &Path) -> String {
    let out = Command::new("tesseract")
        .arg(png)
        .arg("-")
        .args(["-l", "eng+rus", "--psm", "11"])
        .output()
        .expect("tesseract must be installed: run scripts/install-ocr.sh");
    assert!(
        out.status.success(),
        "tesseract failed on {}",
        png.display()
    );
    plain(&String::from_utf8_lossy(&out.stdout))
}

/// What the clients of `partner` must never read: its reward as every language
/// writes it, its registry note, its playbook's messages to partners, and the
/// ambassador's stage word.
fn secrets(project: &refkit::Project, id: &str) -> Vec<String> {
    let partner = project.partners.iter().find(|p| p.id == id).unwrap();
    let playbook = &project.partner_playbooks[id];
    let reward = playbook.terms.incentives.reward;
    let mut out = match partner.market.as_str() {
        "us" => vec![format!("${reward}")],
        _ => vec![
            format!("{} {:03} ₽", reward / 1000, reward % 1000),
            format!("₽{},{:03}", reward / 1000, reward % 1000),
        ],
    };
    if let Some(note) = &partner.audience {
        out.push(note.clone());
    }
    out.extend(playbook.terms.message.values().cloned());
    if format!("{:?}", partner.stage) == "Ambassador" {
        out.extend(["ambassador".to_owned(), "амбассадор".to_owned()]);
    }
    out.into_iter().map(|s| plain(&s).to_lowercase()).collect()
}

/// The leaks of `secrets` in `text` (compared in lower case, an amount as a whole).
fn leaks(text: &str, secrets: &[String]) -> Vec<String> {
    let text = plain(text).to_lowercase();
    secrets
        .iter()
        .filter(|s| {
            text.match_indices(s.as_str()).any(|(i, _)| {
                !text[i + s.len()..].starts_with(|c: char| c.is_ascii_digit() || c == ',')
            })
        })
        .cloned()
        .collect()
}

fn html_under(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect()
}

#[test]
fn client_facing_outputs_carry_the_offer_and_never_the_partners_side() {
    let built = demo();
    let project = refkit::load_project(&repo(), None).unwrap();
    let mut problems = Vec::new();
    let mut images = Vec::new();
    for partner in &project.partners {
        let id = partner.id.as_str();
        let secrets = secrets(&project, id);
        let offer = project.partner_playbooks[id]
            .terms
            .offer
            .clone()
            .expect("an offer");
        let days = offer.free_days.to_string();
        // The microsite and the short links' previews.
        let mut pages = html_under(&built.public.join("p").join(id));
        pages.extend(html_under(
            &built
                .public
                .join("r")
                .join(partner.code.to_ascii_lowercase()),
        ));
        assert!(pages.len() > 2, "{id} has pages");
        for page in &pages {
            let text = readable(&fs::read_to_string(page).unwrap());
            for leak in leaks(&text, &secrets) {
                problems.push(format!("{}: «{leak}»", page.display()));
            }
        }
        for lang in ["en", "ru"] {
            let landing = readable(
                &fs::read_to_string(built.public.join(format!("p/{id}/{lang}/index.html")))
                    .unwrap(),
            );
            if !landing.contains(&days) {
                problems.push(format!(
                    "{id} {lang}: the landing page lacks the offer's {days} days"
                ));
            }
            // Pitch copy and the stories in the kit.
            for (name, text) in kit_texts(built, id, lang) {
                if name.starts_with("pitch/") || name.starts_with("stories/") {
                    for leak in leaks(&text, &secrets) {
                        problems.push(format!("{id} {lang} kit {name}: «{leak}»"));
                    }
                }
            }
            images.push((
                id.to_owned(),
                days.clone(),
                secrets.clone(),
                built.public.join(format!("share/p/{id}-{lang}.png")),
            ));
            for slug in ["banner-growth", "banner-trust"] {
                images.push((
                    id.to_owned(),
                    days.clone(),
                    secrets.clone(),
                    built.public.join(format!(
                        "kits/{}/images/{slug}-{lang}-1080x1080.png",
                        built.tokens[id]
                    )),
                ));
            }
        }
    }
    // Share cards and banners, read back: no reward, and the offer's days.
    let read: Vec<String> = images
        .par_iter()
        .filter_map(|(id, days, secrets, png)| {
            let text = ocr(png);
            let mut found = leaks(&text, secrets);
            if !text.contains(days.as_str()) {
                found.push(format!("no {days} (the offer's days)"));
            }
            (!found.is_empty()).then(|| format!("{id}: {}: {found:?} in {text:?}", png.display()))
        })
        .collect();
    problems.extend(read);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_russian_market_partners_english_kit_and_a_us_partners_russian_kit_state_their_markets_terms() {
    let built = demo();
    let ru_in_en = built.public.join(format!(
        "kits/{}/images/banner-trust-en-1080x1080.png",
        built.tokens["severny-uchet"]
    ));
    let us_in_ru = built.public.join(format!(
        "kits/{}/images/banner-trust-ru-1080x1080.png",
        built.tokens["harbor-accounting"]
    ));
    let en = ocr(&ru_in_en).to_lowercase();
    assert!(
        en.contains("60 days"),
        "the Russian market's 60 days, in English: {en}"
    );
    assert!(!en.contains("30 days") && !en.contains("50%"), "{en}");
    let ru = ocr(&us_in_ru).to_lowercase();
    assert!(
        ru.contains("30 дней") && ru.contains("50"),
        "the US offer, in Russian: {ru}"
    );
    assert!(!ru.contains("60 дней"), "{ru}");
    // The microsites and the copy say the same.
    let page = |id: &str, lang: &str| {
        readable(
            &fs::read_to_string(built.public.join(format!("p/{id}/{lang}/index.html"))).unwrap(),
        )
    };
    let severny = page("severny-uchet", "en");
    assert!(
        severny.contains("60 days") && severny.contains("Free data migration"),
        "{severny}"
    );
    assert!(!severny.contains("50% off"), "{severny}");
    let harbor = page("harbor-accounting", "ru");
    assert!(
        harbor.contains("30 дней бесплатно") && harbor.contains("50 %"),
        "{harbor}"
    );
    assert!(!harbor.contains("переезд"), "{harbor}");
    let email = plain(&kit_texts(built, "severny-uchet", "en")["pitch/email.txt"]);
    assert!(email.contains("60 days"), "{email}");
    let email = plain(&kit_texts(built, "harbor-accounting", "ru")["pitch/email.txt"]);
    assert!(
        email.contains("30 дней") || email.contains("30-дневн"),
        "{email}"
    );
}

#[test]
fn every_cadence_touch_has_one_link_in_its_checklist_calendar_and_copy() {
    let built = demo();
    let manifest = fs::read_to_string(built.manifest.join("links.csv")).unwrap();
    for (id, lang) in [("severny-uchet", "en"), ("harbor-accounting", "ru")] {
        let kit = kit_texts(built, id, lang);
        let checklist = &kit["cadence.txt"];
        let calendar = kit["cadence.ics"].replace("\r\n ", "");
        let kit_links = &kit["links.csv"];
        let copies: Vec<&String> = kit.keys().filter(|k| k.starts_with("cadence/")).collect();
        assert!(copies.len() >= 3, "{id}: {copies:?}");
        let mut texts = Vec::new();
        for file in copies {
            let touch = file.trim_start_matches("cadence/").trim_end_matches(".txt");
            let asset = format!("cadence-{touch}");
            // The touch's row in the kit's links.csv: its tracked link and the short
            // link its copy prints.
            let row: Vec<&str> = kit_links
                .lines()
                .map(|l| l.split(',').collect::<Vec<&str>>())
                .find(|cells| cells[1] == asset)
                .unwrap_or_else(|| panic!("{id}: no {asset} row in links.csv"));
            let (tracked, link) = (row[2], row[3]);
            assert!(link.contains("/r/"), "{id}: {asset} has a short link");
            let copy = &kit[file.as_str()];
            assert!(
                copy.split_whitespace().any(|w| w == link),
                "{id} {file} has no link of its own:\n{copy}"
            );
            assert!(
                checklist.contains(&format!("{file}\n")),
                "{id}: the checklist names {file}"
            );
            assert!(checklist.contains(link), "{id}: {link} in the checklist");
            assert!(
                calendar.contains(&format!("URL:{link}")),
                "{id}: {link} in the calendar"
            );
            assert_eq!(
                kit_links.matches(tracked).count(),
                1,
                "{id}: {tracked} once in the kit's links.csv"
            );
            let rows = manifest
                .lines()
                .filter(|l| l.contains(&format!(",{lang},")) && l.contains(tracked))
                .collect::<Vec<_>>();
            assert_eq!(rows.len(), 1, "{id}: {tracked} once in manifest/links.csv");
            assert!(
                rows[0].ends_with(link),
                "{id}: the manifest pairs {tracked} with {link}"
            );
            // Every other link the copy carries would not be the touch's.
            assert!(
                !copy
                    .split_whitespace()
                    .any(|w| (w.contains("utm_content=") || w.contains("/r/")) && w != link),
                "{id} {file} carries another touch's link"
            );
            texts.push(copy.replace(link, ""));
        }
        let mut distinct = texts.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            texts.len(),
            "{id}: every touch sends its own copy"
        );
    }
}

#[test]
fn a_playbook_change_moves_every_surface_and_hand_written_figures_fail_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    fs::create_dir_all(&root).unwrap();
    crate::common::copy_demo(&root);
    let playbook = root.join("content/playbooks/us.yaml");
    let text = fs::read_to_string(&playbook).unwrap();
    let text = text
        .replace("free_days: 30 ", "free_days: 45 ")
        .replace("reward: 150 ", "reward: 175 ");
    fs::write(&playbook, text).unwrap();
    let out = dir.path().join("out");
    let built = build(&root, &out);

    let page = |rel: &str| readable(&fs::read_to_string(built.public.join(rel)).unwrap());
    // The client's side, on every client-facing surface of a US partner.
    let landing = page("p/copperline-creative/en/index.html");
    assert!(landing.contains("45 days free"), "{landing}");
    assert!(!landing.contains("30 days"), "{landing}");
    assert!(page("p/copperline-creative/ru/index.html").contains("45 дней"));
    let card = ocr(&built.public.join("share/p/copperline-creative-en.png"));
    assert!(card.contains("45"), "{card}");
    let banner = ocr(&built.public.join(format!(
        "kits/{}/images/banner-trust-en-1080x1080.png",
        built.tokens["copperline-creative"]
    )));
    assert!(banner.contains("45"), "{banner}");
    // Both sides on the brand's pages, and the partner's own on its kit page.
    let faq = page("en/faq/index.html");
    assert!(
        faq.contains("45 days free") && faq.contains("$175"),
        "{faq}"
    );
    assert!(!faq.contains("$150"), "{faq}");
    let program = page("ru/program/index.html");
    assert!(program.contains("175 $"), "{program}");
    let kit = page(&format!(
        "kits/{}/index.html",
        built.tokens["copperline-creative"]
    ));
    assert!(kit.contains("$175 for every business"), "{kit}");
    assert!(kit.contains("45 days free"), "{kit}");

    // Figures typed by hand that contradict the playbook fail `check`, each named.
    let faq_file = root.join("content/pages/faq.en.md");
    let faq_text = fs::read_to_string(&faq_file).unwrap();
    fs::write(
        &faq_file,
        format!("{faq_text}\nUS partners earn a fixed $150 per client.\n"),
    )
    .unwrap();
    let faq_line = faq_text.lines().count() + 2;
    let ftl = root.join("locales/en/banners.ftl");
    let ftl_text = fs::read_to_string(&ftl).unwrap();
    fs::write(
        &ftl,
        format!("{ftl_text}banner-extra = Get paid in 14 days.\n"),
    )
    .unwrap();
    let ftl_line = ftl_text.lines().count() + 1;
    let svg = root.join("content/banners/banner-trust.svg");
    let svg_text = fs::read_to_string(&svg).unwrap();
    let svg_text = svg_text.replacen(
        "</svg>",
        "  <text x=\"10\" y=\"10\" font-family=\"Inter\" font-size=\"10\">Start with 30 days free</text>\n</svg>",
        1,
    );
    let svg_line = svg_text
        .lines()
        .position(|l| l.contains("30 days free"))
        .unwrap()
        + 1;
    fs::write(&svg, &svg_text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_refkit"))
        .args(["check", "--root"])
        .arg(&root)
        .env("REFKIT_SECRET", "terms-test-secret")
        .output()
        .unwrap();
    // Findings go to stdout, the summary to stderr.
    let stderr = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for (file, line, figure, playbook) in [
        ("content/pages/faq.en.md", faq_line, "$150", "reward $175"),
        (
            "locales/en/banners.ftl",
            ftl_line,
            "14 days",
            "payout_days 30 days",
        ),
        (
            "content/banners/banner-trust.svg",
            svg_line,
            "30 days",
            "offer_days 45 days",
        ),
    ] {
        assert!(
            stderr.contains(&format!("{file}:{line}:")),
            "{file}:{line} is not named:\n{stderr}"
        );
        assert!(
            stderr.contains(&format!("`{figure}` is written by hand")),
            "{figure}:\n{stderr}"
        );
        assert!(
            stderr.contains(playbook),
            "the playbook's {playbook}:\n{stderr}"
        );
    }
}

#[test]
fn a_custom_theme_that_shows_the_reward_to_clients_gets_a_check_warning() {
    let f = Fixture::minimal();
    f.write(
        "templates/partner.html",
        r#"{% extends "base.html" %}{% block main %}<p>Earn $150 per referral</p><a href="{{ referral_link(asset="landing-hero") }}">{{ t(key="join") }}</a>{% endblock main %}"#,
    );
    let output = Command::new(env!("CARGO_BIN_EXE_refkit"))
        .args(["check", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    let stderr = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stderr.contains("public/p/alpha/en/index.html")
            && stderr.contains("read by the clients of `alpha`")
            && stderr.contains("the partner's reward"),
        "{stderr}"
    );
    // The harbor contract gives a client-facing page no reward to print at all.
    let values = r#"{% extends "base.html" %}{% block main %}[{{ market.reward }}|{{ partner.stage }}|{{ partner.audience }}|{{ playbook }}]<a href="{{ referral_link(asset="landing-hero") }}">x</a>{% endblock main %}"#;
    f.write("templates/partner.html", values);
    f.build().unwrap();
    let page = f.read("public/p/alpha/en/index.html");
    assert!(
        page.contains("[|||]") || page.contains("[none|none|none|none]"),
        "{page}"
    );
}

#[test]
fn a_story_for_prospective_partners_is_on_the_brand_pages_only() {
    let built = demo();
    assert!(built
        .public
        .join("en/stories/maya-chen-linkedin-ambassador/index.html")
        .is_file());
    assert!(!built
        .public
        .join("p/harbor-accounting/en/stories/maya-chen-linkedin-ambassador")
        .exists());
    assert!(built
        .public
        .join("p/harbor-accounting/en/stories/ridgeline-builders-stops-chasing-invoices/index.html")
        .is_file());
    let kit = kit_texts(built, "harbor-accounting", "en");
    assert!(!kit.contains_key("stories/maya-chen-linkedin-ambassador.txt"));
    assert!(kit.contains_key("stories/ridgeline-builders-stops-chasing-invoices.txt"));
}

#[test]
fn a_market_file_may_only_override_messages_the_language_defines() {
    let f = Fixture::minimal();
    f.write(
        "locales/en/markets/us.ftl",
        "join = Join us\nbrand-new = Nope\n",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_refkit"))
        .args(["build", "--root"])
        .arg(f.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("locales/en/markets/us.ftl:2"), "{stderr}");
    assert!(
        stderr.contains("`brand-new` is not defined for every market"),
        "{stderr}"
    );
    // A valid override words the message for that market's partners only.
    f.write("locales/en/markets/us.ftl", "join = Join us\n");
    f.build().unwrap();
    assert!(f.read("public/p/alpha/en/index.html").contains("Join us"));
    assert!(!f.read("public/p/beta/en/index.html").contains("Join us"));
}

#[test]
fn a_touch_repeating_an_earlier_touchs_copy_is_a_warning_unless_it_is_a_reminder() {
    let f = Fixture::minimal();
    let check = |f: &Fixture| {
        let output = Command::new(env!("CARGO_BIN_EXE_refkit"))
            .args(["check", "--root"])
            .arg(f.root())
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    };
    assert!(!check(&f).contains("as touch `intro` does"));
    f.write(
        "content/playbooks/us.yaml",
        &crate::common::US_PLAYBOOK.replace("    reminder: true\n", ""),
    );
    let out = check(&f);
    assert!(
        out.contains("touch `reminder` sends the email pitch copy")
            && out.contains("as touch `intro` does")
            && out.contains("content/playbooks/us.yaml:"),
        "{out}"
    );
}
