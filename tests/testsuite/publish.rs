//! Publishing from CI: the workflow's own steps, run locally in order on the demo, and
//! what they publish: valid HTML (the Nu HTML Checker), internal links that resolve
//! under a sub-path, a sitemap of brand pages only, robots.txt and the 404 page.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::{nu_html_checker, snapshot, Fixture, TEST_SECRET};
use serde::Deserialize;

const WORKFLOW: &str = ".github/workflows/publish.yml";
/// The step that builds refkit from source; the tests put the already built binary on
/// PATH instead.
const INSTALL_STEP: &str = "install-refkit";
/// Where GitHub Pages would serve the demo: a project site under a sub-path.
const PAGES_URL: &str = "https://example.github.io/refkit-demo";
const BASE_PATH: &str = "/refkit-demo/";

#[derive(Debug, Deserialize)]
struct Workflow {
    on: Triggers,
    permissions: BTreeMap<String, String>,
    concurrency: BTreeMap<String, serde_json::Value>,
    jobs: BTreeMap<String, Job>,
}

#[derive(Debug, Deserialize)]
struct Triggers {
    push: Push,
}

#[derive(Debug, Deserialize)]
struct Push {
    paths: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Job {
    #[serde(default)]
    env: BTreeMap<String, String>,
    steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
struct Step {
    id: Option<String>,
    name: Option<String>,
    uses: Option<String>,
    run: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default)]
    with: BTreeMap<String, serde_json::Value>,
}

impl Step {
    fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.uses.clone())
            .unwrap_or_else(|| "a step".to_owned())
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workflow() -> Workflow {
    let text = fs::read_to_string(repo().join(WORKFLOW)).expect("the workflow exists");
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{WORKFLOW} is not valid YAML: {e}"))
}

/// The local stand-in for a `${{ … }}` value of the workflow, by variable name.
fn local_value(name: &str, secret: &str) -> String {
    match name {
        "REFKIT_SECRET" => secret.to_owned(),
        "BASE_URL" => PAGES_URL.to_owned(),
        other => panic!("the test has no local value for `{other}`; add one to local_value"),
    }
}

/// What running the build job's steps did.
struct Run {
    /// Names of the steps run, in order.
    ran: Vec<String>,
    /// The step that failed, with its exit code and output.
    failed: Option<(String, i32, String)>,
    runner_temp: PathBuf,
    step_summary: PathBuf,
}

/// Runs every `run:` step of the build job in order in `project`, as GitHub Actions
/// would (bash with -e and pipefail, the job's and the step's environment), with the
/// tested refkit on PATH in place of the install step. Stops at the first failure.
fn run_build_job(project: &Path, secret: &str) -> Run {
    let workflow = workflow();
    let job = &workflow.jobs["build"];
    let scratch = project.with_extension("runner");
    let _ = fs::remove_dir_all(&scratch);
    let runner_temp = scratch.join("temp");
    fs::create_dir_all(&runner_temp).unwrap();
    let step_summary = scratch.join("step-summary.md");
    let github_path = scratch.join("github-path");
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_refkit"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut run = Run {
        ran: Vec::new(),
        failed: None,
        runner_temp: runner_temp.clone(),
        step_summary: step_summary.clone(),
    };
    let mut skipped = 0;
    for step in &job.steps {
        let Some(script) = &step.run else { continue };
        if step.id.as_deref() == Some(INSTALL_STEP) {
            assert!(
                script.contains("cargo build") && script.contains("GITHUB_PATH"),
                "the install step must build refkit and put it on PATH:\n{script}"
            );
            skipped += 1;
            continue;
        }
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(project)
            .env_remove("REFKIT_SECRET")
            .env("PATH", &path)
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("RUNNER_TEMP", &runner_temp)
            .env("GITHUB_STEP_SUMMARY", &step_summary)
            .env("GITHUB_PATH", &github_path);
        for (name, value) in job.env.iter().chain(&step.env) {
            if value.contains("${{") {
                command.env(name, local_value(name, secret));
            } else {
                command.env(name, value);
            }
        }
        let out = command.output().expect("run bash");
        run.ran.push(step.label());
        if !out.status.success() {
            let output = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            run.failed = Some((step.label(), out.status.code().unwrap_or(-1), output));
            break;
        }
    }
    assert_eq!(skipped, 1, "the build job needs one `{INSTALL_STEP}` step");
    run
}

/// The demo published by the workflow's steps, once per test run (the later tests
/// read its output).
fn published_demo() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("publish-demo");
        let _ = fs::remove_dir_all(&dir);
        crate::common::copy_demo(&dir);
        let run = run_build_job(&dir, TEST_SECRET);
        if let Some((step, code, output)) = run.failed {
            panic!("workflow step `{step}` failed with exit code {code}:\n{output}");
        }
        dir
    })
}

#[test]
fn workflow_steps_check_build_and_report_on_the_demo_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo");
    crate::common::copy_demo(&project);
    let run = run_build_job(&project, TEST_SECRET);
    if let Some((step, code, output)) = &run.failed {
        panic!("workflow step `{step}` failed with exit code {code}:\n{output}");
    }
    let position = |needle: &str| {
        run.ran
            .iter()
            .position(|s| s.contains(needle))
            .unwrap_or_else(|| panic!("no step named `{needle}` in {:?}", run.ran))
    };
    assert!(position("Check") < position("Build the site"));
    assert!(position("Build the site") < position("leaky"));
    assert!(project.join("public/index.html").is_file());
    assert!(project.join("public/404.html").is_file());
    // The Pages artifact: the demo keeps its kits beside the site, so all of public/.
    assert!(position("Build the site") < position("Gather"));
    assert!(position("Gather") < position("leaky"));
    assert_eq!(
        snapshot(&project.join("_site")).len(),
        snapshot(&project.join("public")).len()
    );
    assert!(project.join("manifest/links.csv").is_file());

    let report = fs::read_to_string(run.runner_temp.join("refkit-build.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    for market in ["us", "ru"] {
        let counts = &report["markets"][market];
        for key in ["partners", "pages", "kits", "links"] {
            assert!(
                counts[key].as_u64().is_some_and(|n| n > 0),
                "{market}.{key} in {report}"
            );
        }
    }
    assert!(report["bytes"].as_u64().is_some_and(|b| b > 0));
    assert!(report["stages"]["pages"].is_number(), "{report}");
    assert_eq!(report["warnings"], serde_json::json!([]), "{report}");
    let summary = fs::read_to_string(&run.step_summary).unwrap();
    assert!(summary.contains("\"markets\""), "{summary}");

    // The site is built for the Pages address, so the sitemap names it.
    let sitemap = fs::read_to_string(project.join("public/sitemap.xml")).unwrap();
    assert!(sitemap.contains(&format!("<loc>{PAGES_URL}/en/</loc>")));
}

#[test]
fn workflow_refuses_to_publish_without_the_kit_secret() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo");
    crate::common::copy_demo(&project);
    let run = run_build_job(&project, "");
    let (step, _, output) = run.failed.expect("the steps must fail without a secret");
    assert!(step.contains("secret"), "{step}");
    assert!(output.contains("::error::REFKIT_SECRET"), "{output}");
    assert!(!project.join("public").exists());
}

#[test]
fn workflow_stops_at_the_check_when_content_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo");
    crate::common::copy_demo(&project);
    let story = fs::read_dir(project.join("content/stories"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".en.md"))
        .unwrap();
    fs::write(&story, "---\ntitle: [unclosed\n---\nBody\n").unwrap();
    let run = run_build_job(&project, TEST_SECRET);
    let (step, code, output) = run.failed.expect("a broken story must stop the steps");
    assert_eq!(step, "Check the project");
    assert_eq!(code, 1);
    assert!(output.contains("::error file=content/stories/"), "{output}");
    assert!(!project.join("public").exists());
}

#[test]
fn workflow_deploys_public_and_keeps_the_manifest_private() {
    let workflow = workflow();
    assert_eq!(workflow.permissions["pages"], "write");
    assert_eq!(workflow.permissions["id-token"], "write");
    assert!(workflow.concurrency.contains_key("group"));
    for path in [
        "site.yaml",
        "content/**",
        "templates/**",
        "themes/**",
        "locales/**",
        "static/**",
    ] {
        assert!(
            workflow.on.push.paths.iter().any(|p| p == path),
            "paths misses {path}"
        );
    }
    let build = &workflow.jobs["build"];
    assert!(build.env["REFKIT_SECRET"].contains("secrets.REFKIT_SECRET"));
    let uses = |prefix: &str| {
        build
            .steps
            .iter()
            .find(|s| s.uses.as_deref().is_some_and(|u| u.starts_with(prefix)))
            .unwrap_or_else(|| panic!("no {prefix} step"))
    };
    uses("actions/checkout@");
    uses("Swatinem/rust-cache@");
    uses("actions/configure-pages@");
    // The image cache is kept between runs, so a run draws only what changed.
    let cache = uses("actions/cache@");
    assert_eq!(cache.with["path"], serde_json::json!(".refkit-cache"));
    assert!(
        build.steps.iter().position(|s| s.uses == cache.uses)
            < build
                .steps
                .iter()
                .position(|s| s.name.as_deref() == Some("Build the site")),
        "the cache must be restored before the build"
    );
    assert_eq!(
        uses("actions/upload-pages-artifact@").with["path"],
        serde_json::json!("_site/")
    );
    // Object storage, when a target is configured: `refkit deploy` with the
    // repository's secrets, before Pages goes live.
    let storage = &workflow.jobs["storage"];
    assert!(storage.steps.iter().any(|s| s
        .run
        .as_deref()
        .is_some_and(|r| r.contains("refkit deploy --target"))));
    for secret in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
        assert!(
            storage.env[secret].contains("secrets."),
            "{secret} must come from the repository's secrets"
        );
    }
    let manifest = uses("actions/upload-artifact@");
    assert_eq!(manifest.with["path"], serde_json::json!("manifest/"));
    assert!(manifest.with.contains_key("retention-days"));
    let deploy = &workflow.jobs["deploy"];
    assert!(deploy.steps.iter().any(|s| s
        .uses
        .as_deref()
        .is_some_and(|u| u.starts_with("actions/deploy-pages@"))));
}

#[test]
fn published_html_passes_the_nu_html_checker() {
    let public = published_demo().join("public");
    let pages = snapshot(&public)
        .into_iter()
        .filter(|(rel, _)| rel.extension().is_some_and(|e| e == "html"))
        .count();
    assert!(pages > 80, "only {pages} pages to validate");
    nu_html_checker(&public);
}

/// Values of `attr="…"` in `html` (the output always quotes with `"`).
fn attribute_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').unwrap_or(rest.len());
        out.push(rest[..end].replace("&amp;", "&"));
        rest = &rest[end..];
    }
    out
}

/// The file in `public` that `link`, found on page `page` (relative to `public`),
/// points at; `None` for links that leave the site.
fn resolve(page: &Path, link: &str) -> Option<Result<PathBuf, String>> {
    // Absolute links to the site itself (a kit page shows the microsite's address)
    // resolve like root-relative ones; every other scheme leaves the site.
    let link = match link.strip_prefix(PAGES_URL) {
        Some(rest) => format!("{BASE_PATH}{}", rest.trim_start_matches('/')),
        None if link.contains(':') || link.starts_with("//") => return None,
        None => link.to_owned(),
    };
    let link = link.split(['#', '?']).next().unwrap_or_default();
    if link.is_empty() {
        return Some(Ok(page.to_path_buf()));
    }
    let mut path = match link.strip_prefix('/') {
        Some(_) => match link.strip_prefix(BASE_PATH) {
            Some(rest) => PathBuf::from(rest),
            None => return Some(Err("root-relative link outside the base path".into())),
        },
        None => page.parent().unwrap_or(Path::new("")).join(link),
    };
    if link.ends_with('/') {
        path.push("index.html");
    }
    let mut clean = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                if !clean.pop() {
                    return Some(Err("leaves the site's root".into()));
                }
            }
            std::path::Component::CurDir => {}
            other => clean.push(other),
        }
    }
    Some(Ok(clean))
}

#[test]
fn every_internal_link_resolves_under_a_sub_path() {
    let public = published_demo().join("public");
    let mut checked = 0;
    let mut broken = Vec::new();
    for (rel, bytes) in snapshot(&public) {
        if rel.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href", "src"] {
            for link in attribute_values(&html, attr) {
                let Some(target) = resolve(&rel, &link) else {
                    continue;
                };
                checked += 1;
                match target {
                    Ok(file) if public.join(&file).is_file() => {}
                    Ok(file) => {
                        broken.push(format!("{}: {link} -> {}", rel.display(), file.display()))
                    }
                    Err(why) => broken.push(format!("{}: {link}: {why}", rel.display())),
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links that point nowhere:\n{}",
        broken.join("\n")
    );
    assert!(checked > 1000, "only {checked} links checked");
}

#[test]
fn the_404_page_links_from_the_base_path_and_speaks_every_language() {
    let html = fs::read_to_string(published_demo().join("public/404.html")).unwrap();
    for link in attribute_values(&html, "href")
        .into_iter()
        .chain(attribute_values(&html, "src"))
    {
        assert!(
            link.starts_with(BASE_PATH) || link.starts_with('#'),
            "the 404 page is served at any depth, so `{link}` must start with {BASE_PATH}"
        );
    }
    assert!(html.contains(&format!("href=\"{BASE_PATH}assets/harbor.css\"")));
    assert!(html.contains("lang=\"en\"") && html.contains("lang=\"ru\""));
    assert!(html.contains("Page not found"), "{html}");
    assert!(html.contains("Страница не\u{a0}найдена"), "{html}");
    assert!(html.contains("«Истории\u{a0}партнёров»"), "{html}");
    for engine in ["googlebot", "bingbot", "yandex"] {
        assert!(html.contains(&format!("name=\"{engine}\" content=\"noindex\"")));
    }
    assert!(!html.contains("name=\"robots\""));
    assert!(!html.contains("rel=\"canonical\""));
}

#[test]
fn sitemap_lists_brand_pages_with_alternates_and_every_address_resolves() {
    let public = published_demo().join("public");
    let sitemap = fs::read_to_string(public.join("sitemap.xml")).unwrap();
    let project = refkit::load_project(&repo(), None).unwrap();
    let brand_pages = 2 * (1 + project.stories.len() + project.pages.len());
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert_eq!(locs.len(), brand_pages, "{sitemap}");
    let mut sorted = locs.clone();
    sorted.sort();
    assert_eq!(locs, sorted, "the sitemap is sorted");
    for entry in sitemap.split("<url>").skip(1) {
        for hreflang in ["en", "ru", "x-default"] {
            assert!(
                entry.contains(&format!("hreflang=\"{hreflang}\"")),
                "{hreflang} missing in {entry}"
            );
        }
    }
    for url in attribute_values(&sitemap, "href")
        .iter()
        .map(String::as_str)
        .chain(locs)
    {
        let rel = url
            .strip_prefix(PAGES_URL)
            .and_then(|u| u.strip_prefix('/'))
            .unwrap_or_else(|| panic!("{url} is not under {PAGES_URL}"));
        assert!(public.join(rel).join("index.html").is_file(), "{url}");
    }
    assert!(!sitemap.contains("/p/") && !sitemap.contains("/kits/"));
    let robots = fs::read_to_string(public.join("robots.txt")).unwrap();
    assert!(
        robots.contains(&format!("Sitemap: {PAGES_URL}/sitemap.xml")),
        "{robots}"
    );
    assert!(
        !robots.contains("/p/") && !robots.contains("/kits"),
        "{robots}"
    );
}

#[test]
fn base_url_option_reaches_the_sitemap_and_robots_of_a_fixture() {
    let f = Fixture::minimal();
    let out = f.run(&["build", "--base-url", "https://preview.test/pr-7/"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sitemap = f.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://preview.test/pr-7/ru/stories/first/</loc>"));
    assert!(!sitemap.contains("partners.test"), "{sitemap}");
    assert!(f
        .read("public/robots.txt")
        .contains("Sitemap: https://preview.test/pr-7/sitemap.xml"));
    // The fixture's theme has no 404.html template: no 404 page, no error.
    assert!(!f.exists("public/404.html"));
}

#[test]
fn static_files_replace_the_generated_robots_and_404() {
    let f = Fixture::minimal();
    f.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    f.write("static/404.html", "<!doctype html><title>gone</title>");
    f.write(
        "themes/harbor/templates/404.html",
        r#"{% extends "base.html" %}{% block main %}{% for l in languages %}<p lang="{{ l.lang }}">{{ t(key="join", lang=l.lang) }}</p>{% endfor %}{% endblock main %}"#,
    );
    f.build().unwrap();
    assert_eq!(f.read("public/robots.txt"), "User-agent: *\nDisallow: /\n");
    assert!(f.read("public/404.html").contains("gone"));
    assert!(f.exists("public/sitemap.xml"));
}

#[test]
fn the_404_template_prints_each_language_in_its_own_words() {
    let f = Fixture::minimal();
    f.write(
        "themes/harbor/templates/404.html",
        r#"{% extends "base.html" %}{% block main %}{% for l in languages %}<a href="{{ l.url }}" lang="{{ l.lang }}">{{ t(key="join", lang=l.lang) }}</a>{% endfor %}{% endblock main %}"#,
    );
    f.build().unwrap();
    let html = f.read("public/404.html");
    assert!(
        html.contains(r#"<a href="/en/" lang="en">Join</a>"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="/ru/" lang="ru">Присоединиться</a>"#),
        "{html}"
    );
}
