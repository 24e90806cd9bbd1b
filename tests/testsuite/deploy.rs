//! `refkit deploy` against a real S3-compatible server on loopback: s3s-fs, which
//! checks every request's signature, installed by `scripts/install-s3-server.sh`
//! the first time a test needs it (`crate::tools`).
//! What the bucket holds is read back through the S3 API, never from the server's
//! folder.

use std::collections::BTreeMap;
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};

use crate::common::{snapshot, Fixture};

const KEY: &str = "refkit-test-key";
const SECRET: &str = "refkit-test-secret-do-not-print";

/// An s3s-fs server on a free loopback port, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Server {
    fn start(buckets: &[&str]) -> Server {
        let bin = crate::tools::s3_server();
        let dir = tempfile::tempdir().unwrap();
        for bucket in buckets {
            fs::create_dir(dir.path().join(bucket)).unwrap();
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(bin)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", KEY, "--secret-key", SECRET])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start s3s-fs");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "s3s-fs did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port, dir }
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every object of `bucket` under `prefix`: key below it → (bytes, content type,
    /// cache control), read through the S3 API.
    fn objects(&self, bucket: &str, prefix: &str) -> BTreeMap<String, (Vec<u8>, String, String)> {
        let store = AmazonS3Builder::new()
            .with_endpoint(self.endpoint())
            .with_allow_http(true)
            .with_bucket_name(bucket)
            .with_region("us-east-1")
            .with_access_key_id(KEY)
            .with_secret_access_key(SECRET)
            .with_virtual_hosted_style_request(false)
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let prefix_path = (!prefix.is_empty()).then(|| object_store::path::Path::from(prefix));
            let listed: Vec<_> = store
                .list(prefix_path.as_ref())
                .try_collect()
                .await
                .unwrap();
            let mut found = BTreeMap::new();
            for meta in listed {
                let got = store.get(&meta.location).await.unwrap();
                let attr = |a: &Attribute| {
                    got.attributes
                        .get(a)
                        .map(|v| v.as_ref().to_owned())
                        .unwrap_or_default()
                };
                let content_type = attr(&Attribute::ContentType);
                let cache_control = attr(&Attribute::CacheControl);
                let bytes = got.bytes().await.unwrap().to_vec();
                let key = meta.location.as_ref();
                let rel = match prefix {
                    "" => key.to_owned(),
                    p => key.strip_prefix(&format!("{p}/")).unwrap().to_owned(),
                };
                found.insert(rel, (bytes, content_type, cache_control));
            }
            found
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The minimal project with a deploy target on `server`.
fn project(server: &Server, bucket: &str, prefix: &str) -> Fixture {
    let f = Fixture::minimal();
    let site = f.read("site.yaml");
    f.write(
        "site.yaml",
        &format!(
            "{site}deploy:\n  test:\n    endpoint: {}\n    bucket: {bucket}\n    prefix: {prefix}\n    path_style: true\n",
            server.endpoint()
        ),
    );
    f
}

fn deploy(f: &Fixture, args: &[&str]) -> Output {
    deploy_with(
        f,
        args,
        &[
            ("AWS_ACCESS_KEY_ID", KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ],
    )
}

fn deploy_with(f: &Fixture, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut all = vec!["deploy"];
    all.extend_from_slice(args);
    let out = f.run_with_env(&all, env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "refkit panicked:\n{stderr}");
    out
}

/// Runs a deploy that must succeed and returns its `--json` report.
fn deployed(f: &Fixture, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = deploy(f, &all);
    assert!(
        out.status.success(),
        "deploy failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("--json prints one JSON document")
}

fn build(f: &Fixture) {
    let out = f.run(&["build"]);
    assert!(
        out.status.success(),
        "build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The files of `public/` a bucket target publishes: all but the marker and the
/// Pages-only host rules.
fn published(public: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(public)
        .into_iter()
        .map(|(p, bytes)| (p.to_string_lossy().replace('\\', "/"), bytes))
        .filter(|(rel, _)| !matches!(rel.as_str(), ".refkit-output" | "_headers" | "_redirects"))
        .collect()
}

/// The content type each kind of file must be stored with.
fn expected_type(rel: &str) -> &'static str {
    match rel.rsplit_once('.').map(|(_, e)| e) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        Some("svg") => "image/svg+xml",
        Some("zip") => "application/zip",
        Some("eml") => "message/rfc822",
        Some("otf") => "font/otf",
        other => panic!("the test has no content type for {rel} ({other:?})"),
    }
}

fn assert_bucket_equals_public(server: &Server, bucket: &str, prefix: &str, public: &Path) {
    let objects = server.objects(bucket, prefix);
    let files = published(public);
    let keys: Vec<&String> = objects.keys().collect();
    let names: Vec<&String> = files.keys().collect();
    assert_eq!(keys, names, "the bucket holds other objects than public/");
    for (rel, bytes) in &files {
        let (stored, content_type, cache_control) = &objects[rel];
        assert!(
            stored == bytes,
            "{rel}: the bucket's bytes differ from public/"
        );
        assert_eq!(content_type, expected_type(rel), "{rel}: content type");
        assert!(!cache_control.is_empty(), "{rel}: no Cache-Control");
    }
}

fn figure(report: &serde_json::Value, path: &[&str]) -> u64 {
    let mut v = report;
    for p in path {
        v = &v[p];
    }
    v.as_u64()
        .unwrap_or_else(|| panic!("{path:?} missing in {report}"))
}

#[test]
fn deploys_everything_then_nothing_then_only_what_an_edit_changed() {
    let server = Server::start(&["site"]);
    let f = project(&server, "site", "partners");
    build(&f);
    let public = f.root().join("public");

    let first = deployed(&f, &[]);
    let files = published(&public);
    assert_eq!(figure(&first, &["objects"]), files.len() as u64);
    assert_eq!(figure(&first, &["uploaded", "objects"]), files.len() as u64);
    assert_eq!(
        figure(&first, &["uploaded", "bytes"]),
        files.values().map(|b| b.len() as u64).sum::<u64>()
    );
    assert_bucket_equals_public(&server, "site", "partners", &public);
    // Cache policy by kind of file.
    let objects = server.objects("site", "partners");
    let kit_page = objects
        .keys()
        .find(|k| k.starts_with("kits/") && k.ends_with("/index.html"))
        .expect("a kit page");
    assert_eq!(objects[kit_page].2, "private, no-cache");
    assert_eq!(
        objects["index.html"].2,
        "public, max-age=60, must-revalidate"
    );
    let zip = objects
        .keys()
        .find(|k| k.ends_with(".zip"))
        .expect("a kit zip");
    assert_eq!(objects[zip].2, "public, max-age=300, must-revalidate");

    let second = deployed(&f, &[]);
    assert_eq!(figure(&second, &["uploaded", "objects"]), 0);
    assert_eq!(
        figure(&second, &["unchanged", "objects"]),
        files.len() as u64
    );

    // Edit one story: exactly the files whose bytes changed are uploaded.
    let before = published(&public);
    let story = f.read("content/stories/first.en.md");
    f.write(
        "content/stories/first.en.md",
        &story.replace("Some *text*", "Some edited *text*"),
    );
    build(&f);
    let after = published(&public);
    let changed: Vec<&String> = after
        .iter()
        .filter(|(rel, bytes)| before.get(*rel) != Some(bytes))
        .map(|(rel, _)| rel)
        .collect();
    assert!(!changed.is_empty(), "the edit changed no file");
    assert!(
        changed.len() < after.len() / 2,
        "the edit changed most files"
    );
    let dry = deploy(&f, &["--dry-run"]);
    assert!(dry.status.success());
    let listed: Vec<String> = String::from_utf8_lossy(&dry.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("upload "))
        .map(|l| l.split_whitespace().nth(1).unwrap().to_owned())
        .collect();
    let mut expected: Vec<String> = changed.iter().map(|s| (*s).clone()).collect();
    let mut sorted = listed.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(
        sorted, expected,
        "--dry-run lists exactly the changed files"
    );
    // Pages go last: every asset listed comes before every page.
    let first_page = listed.iter().position(|l| l.ends_with(".html"));
    if let Some(first_page) = first_page {
        assert!(listed[first_page..]
            .iter()
            .all(|l| l.ends_with(".html") || l == "sitemap.xml"));
    }
    let third = deployed(&f, &[]);
    assert_eq!(
        figure(&third, &["uploaded", "objects"]),
        changed.len() as u64
    );
    assert_bucket_equals_public(&server, "site", "partners", &public);
}

#[test]
fn a_removed_partner_is_deleted_only_with_delete_and_nothing_outside_the_prefix() {
    let server = Server::start(&["site"]);
    let f = project(&server, "site", "live");
    build(&f);
    deployed(&f, &[]);
    // Someone else's object beside the prefix, and one in a look-alike prefix.
    let other = project(&server, "site", "live2");
    build(&other);
    deployed(&other, &[]);
    let neighbour = server.objects("site", "live2").len();

    let partners = f.read("content/partners.yaml");
    let cut = partners.find("  - id: beta").unwrap();
    f.write("content/partners.yaml", &partners[..cut]);
    build(&f);
    let public = f.root().join("public");

    let kept = deployed(&f, &[]);
    let stale = figure(&kept, &["kept", "objects"]);
    assert!(
        stale > 0,
        "removing a partner left nothing to delete: {kept}"
    );
    assert_eq!(figure(&kept, &["deleted", "objects"]), 0);
    assert_eq!(
        server.objects("site", "live").len() as u64,
        published(&public).len() as u64 + stale
    );

    let removed = deployed(&f, &["--delete"]);
    assert_eq!(figure(&removed, &["deleted", "objects"]), stale);
    assert_bucket_equals_public(&server, "site", "live", &public);
    assert_eq!(server.objects("site", "live2").len(), neighbour);
}

#[test]
fn a_deploy_killed_during_uploads_is_completed_by_the_next() {
    let server = Server::start(&["site"]);
    let f = project(&server, "site", "");
    // Enough bytes that one upload at a time takes a while: 40 files of 1 MiB.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for n in 0..40 {
        let text: String = (0..1 << 20)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                char::from(b'a' + (seed % 26) as u8)
            })
            .collect();
        f.write(&format!("static/filler/{n:02}.txt"), &text);
    }
    build(&f);
    let public = f.root().join("public");
    let total = published(&public).len();

    let mut child = Command::new(env!("CARGO_BIN_EXE_refkit"))
        .args(["deploy", "--jobs", "1", "--root"])
        .arg(f.root())
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        // Only a clock for the kill: the server's own folder, counted cheaply.
        let n = walkdir::WalkDir::new(server.dir().join("site"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .count();
        if n >= 5 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no upload began"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = server.objects("site", "").len();
    assert!(
        partial < total,
        "the deploy finished ({partial} of {total}) before it was killed; the test proves nothing"
    );

    let again = deployed(&f, &[]);
    // What the killed deploy finished is not sent again (the object being written
    // when it was killed may be: it has no headers yet).
    assert!(figure(&again, &["unchanged", "objects"]) >= 3, "{again}");
    assert_bucket_equals_public(&server, "site", "", &public);
}

#[test]
fn bad_credentials_a_missing_bucket_and_no_server_fail_cleanly_without_printing_secrets() {
    let server = Server::start(&["site"]);
    let f = project(&server, "site", "");
    build(&f);

    let check = |out: &Output, expect: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "exit code; stderr:\n{stderr}");
        assert!(stderr.contains(expect), "expected `{expect}` in:\n{stderr}");
        for secret in [SECRET, "wrong-secret-value"] {
            assert!(
                !stderr.contains(secret) && !stdout.contains(secret),
                "a secret was printed:\n{stderr}{stdout}"
            );
        }
    };
    let wrong = deploy_with(
        &f,
        &["--json"],
        &[
            ("AWS_ACCESS_KEY_ID", KEY),
            ("AWS_SECRET_ACCESS_KEY", "wrong-secret-value"),
        ],
    );
    check(&wrong, "refused the credentials");
    let unknown_key = deploy_with(
        &f,
        &[],
        &[
            ("AWS_ACCESS_KEY_ID", "nobody"),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ],
    );
    check(&unknown_key, "refused the credentials");
    let none = deploy_with(
        &f,
        &[],
        &[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")],
    );
    check(&none, "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    assert!(
        server.objects("site", "").is_empty(),
        "a refused deploy wrote objects"
    );

    let site = f.read("site.yaml");
    f.write(
        "site.yaml",
        &site.replace("bucket: site", "bucket: missing"),
    );
    check(&deploy(&f, &[]), "the bucket does not exist");

    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    f.write(
        "site.yaml",
        &site.replace(&server.endpoint(), &format!("http://127.0.0.1:{closed}")),
    );
    check(&deploy(&f, &[]), "could not be reached");
}

#[test]
fn credentials_in_site_yaml_are_refused_with_their_line() {
    let server = Server::start(&[]);
    let f = project(&server, "site", "");
    let site = f.read("site.yaml");
    f.write(
        "site.yaml",
        &format!("{site}    secret_access_key: abc123secretvalue\n"),
    );
    let out = f.run(&["check"]);
    let stderr = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let line = site.lines().count() + 1;
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("site.yaml:{line}:"))
            && stderr.contains("credentials never go in site.yaml"),
        "{stderr}"
    );
    assert!(!stderr.contains("abc123secretvalue"), "{stderr}");
    // The build refuses it too, before anything is written.
    let out = f.run(&["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("abc123secretvalue"));
    assert!(!f.exists("public"));
}

#[test]
fn kits_on_their_own_host_leave_the_pages_folder_without_zips() {
    let server = Server::start(&["kits"]);
    let f = Fixture::minimal();
    let site = f.read("site.yaml");
    f.write(
        "site.yaml",
        &format!(
            "{site}kits_base_url: https://kits.partners.test/\ndeploy:\n  kits:\n    endpoint: {}\n    bucket: kits\n    path_style: true\n    files: kits\n",
            server.endpoint()
        ),
    );
    build(&f);
    let public = f.root().join("public");

    // Every kit link of the kit pages and kits.csv is on the kits' host.
    let kits_csv = f.read("manifest/kits.csv");
    for row in kits_csv.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        assert!(cells[3].starts_with("https://partners.test/kits/"), "{row}");
        assert!(
            cells[4].starts_with("https://kits.partners.test/kits/"),
            "{row}"
        );
    }
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(public.join("kits"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.file_name().is_some_and(|n| n == "index.html"))
        .collect();
    assert!(!pages.is_empty());
    let mut kit_links = 0;
    for page in &pages {
        let html = fs::read_to_string(page).unwrap();
        for link in crate::common::hrefs(&html) {
            let file = link.rsplit('/').next().unwrap_or_default();
            if [".zip", ".eml", ".png", ".jpg", ".svg"]
                .iter()
                .any(|e| file.ends_with(e))
                && link.contains("/kits/")
            {
                assert!(
                    link.starts_with("https://kits.partners.test/kits/"),
                    "{}: {link}",
                    page.display()
                );
                kit_links += 1;
            }
        }
    }
    assert!(kit_links > 0, "the kit pages link no kit file");

    // The kits' bucket gets the kit files alone.
    deployed(&f, &[]);
    let objects = server.objects("kits", "");
    assert!(!objects.is_empty());
    assert!(objects
        .keys()
        .all(|k| k.starts_with("kits/") && !k.ends_with(".html")));
    let kit_files = published(&public)
        .into_keys()
        .filter(|k| k.starts_with("kits/") && !k.ends_with(".html"))
        .count();
    assert_eq!(objects.len(), kit_files);

    // The Pages folder: the site without kit files, host rules included.
    let pages_dir = f.root().join("_site");
    let out = deploy(&f, &["--folder", pages_dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let gathered: Vec<String> = snapshot(&pages_dir)
        .into_iter()
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert!(gathered.iter().any(|p| p == "index.html"));
    assert!(gathered.iter().any(|p| p == "_headers"));
    assert!(gathered
        .iter()
        .any(|p| p.starts_with("kits/") && p.ends_with("index.html")));
    assert!(!gathered
        .iter()
        .any(|p| p.ends_with(".zip") || p.ends_with(".eml")));

    // Over the size limit, the Pages job fails and says what to do.
    let out = deploy(
        &f,
        &[
            "--folder",
            pages_dir.to_str().unwrap(),
            "--files",
            "all",
            "--max-size",
            "1KB",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("over the limit of 1000 B")
            && stderr.contains("refkit deploy --target kits"),
        "{stderr}"
    );
}
