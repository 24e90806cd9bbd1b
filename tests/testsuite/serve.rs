//! `refkit serve` end to end: the real binary on a free port, asked over plain
//! HTTP/1.1 with raw request lines (so nothing normalises the paths on the way).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::common::{story, Fixture};

/// How long a rebuild may take to show.
const PATIENCE: Duration = Duration::from_secs(10);

const BROKEN_RU_STORY: &str =
    "---\ntitle: Первая\nsummary: [unclosed\ndate: 2026-05-01\n---\nТекст\n";

/// A running `refkit serve`, killed when dropped (also when a test fails).
struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    url: String,
    /// `127.0.0.1:PORT`
    addr: String,
    stderr: Arc<Mutex<String>>,
    _stdout: thread::JoinHandle<()>,
}

impl Server {
    fn start(f: &Fixture) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_refkit"))
            .args(["serve", "--port", "0", "--root"])
            .arg(f.root())
            .env("REFKIT_SECRET", "x")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start refkit serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut pipe = child.stderr.take().expect("stderr pipe");
        thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let (lines, stdout) = read_lines(child.stdout.take().expect("stdout pipe"));
        let mut server = Server {
            child,
            url: String::new(),
            addr: String::new(),
            stderr,
            _stdout: stdout,
        };
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no `Serving` line; stderr:\n{}", server.stderr()));
        let url = line
            .strip_prefix("Serving ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .trim()
            .to_owned();
        server.addr = url
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("not an http URL: {url}"))
            .to_owned();
        assert!(
            server.addr.starts_with("127.0.0.1:") && !server.addr.ends_with(":0"),
            "{url}"
        );
        server.url = url;
        server
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends `GET <target>` exactly as given.
    fn get(&self, target: &str) -> Reply {
        self.request(&format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        ))
    }

    fn request(&self, request: &str) -> Reply {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        stream.write_all(request.as_bytes()).expect("send request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read response");
        Reply::parse(&raw)
    }

    fn status(&self) -> serde_json::Value {
        let reply = self.get("/__refkit/status");
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.header("content-type").as_deref(),
            Some("application/json")
        );
        serde_json::from_str(&reply.body).expect("status is JSON")
    }

    /// Waits until stderr contains `needle` and returns all of stderr.
    fn stderr_with(&self, needle: &str) -> String {
        self.wait_for(needle, || self.stderr().contains(needle));
        self.stderr()
    }

    /// Polls `check` until it holds or `PATIENCE` runs out.
    fn wait_for(&self, what: &str, mut check: impl FnMut() -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if check() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
        panic!("timed out waiting for {what}; stderr:\n{}", self.stderr());
    }

    /// Sends SIGTERM (what Ctrl-C does, for a process without a terminal) and waits
    /// up to `PATIENCE` for the server to exit; `None` if it did not.
    #[cfg(unix)]
    fn terminate(&mut self) -> Option<ExitStatus> {
        if let Ok(Some(status)) = self.child.try_wait() {
            return Some(status);
        }
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !sent {
            return None;
        }
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    /// Stops the server the way a person would, so it removes its temporary output;
    /// kills it if that fails (a failing test must not leave it running).
    fn drop(&mut self) {
        #[cfg(unix)]
        if self.terminate().is_some() {
            return;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_lines(stdout: ChildStdout) -> (mpsc::Receiver<String>, thread::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (rx, handle)
}

/// An HTTP response, read whole.
#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw).into_owned();
        let (head, body) = text
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        Reply {
            status,
            head: head.to_owned(),
            body: body.to_owned(),
        }
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }
}

fn assert_no_output_in_project(f: &Fixture) {
    for folder in ["public", "manifest"] {
        assert!(
            !f.exists(folder),
            "refkit serve created {folder}/ in the project"
        );
    }
}

#[test]
fn pages_are_served_with_the_live_reload_script_and_rebuilt_on_save() {
    let f = Fixture::minimal();
    let server = Server::start(&f);

    let page = server.get("/en/stories/first/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));
    assert!(page.body.contains("<h1>First</h1>"), "{}", page.body);
    let script = page
        .body
        .find("<script data-refkit-serve>")
        .expect("the live-reload script");
    assert!(page.body[script..].contains("new EventSource(\"/__refkit/events\")"));
    assert!(
        script < page.body.rfind("</body>").expect("</body>"),
        "the script goes before </body>"
    );
    // Pages are built for the server's own origin, so their links work in the preview.
    assert!(
        page.body.contains(&format!(
            "<link rel=\"canonical\" href=\"{}/en/stories/first/\">",
            server.url
        )),
        "{}",
        page.body
    );
    let css = server.get("/assets/site.css");
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("content-type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert!(
        !css.body.contains("refkit-serve"),
        "only HTML gets the script"
    );
    let before = server.status()["build"].as_u64().expect("build number");

    f.write("content/stories/first.en.md", &story("Second draft", None));
    server.wait_for("the edited story", || {
        server
            .get("/en/stories/first/")
            .body
            .contains("<h1>Second draft</h1>")
    });
    // The new pages are swapped in just before the build is counted.
    server.wait_for("the next build number", || {
        server.status()["build"].as_u64().unwrap_or_default() > before
    });
    assert_eq!(server.status()["ok"], true);
    server.stderr_with("content/stories/first.en.md changed: built ");
    assert_no_output_in_project(&f);
}

/// Regression: the watcher reported the build's own reads of the sources as changes,
/// so every build started the next one.
#[test]
fn a_build_does_not_trigger_another_build() {
    let f = Fixture::minimal();
    let server = Server::start(&f);
    assert_eq!(server.get("/en/stories/first/").status, 200);
    // Several debounce periods: a build that triggered itself would have shown by now.
    thread::sleep(Duration::from_millis(1500));
    assert_eq!(server.status()["build"], 1, "{}", server.stderr());
    assert!(
        !server.stderr().contains(" changed: "),
        "{}",
        server.stderr()
    );
}

#[test]
fn a_broken_file_is_reported_with_file_and_line_while_the_last_good_pages_are_served() {
    let f = Fixture::minimal();
    let server = Server::start(&f);
    assert_eq!(server.status()["ok"], true);

    f.write("content/stories/first.ru.md", BROKEN_RU_STORY);
    server.wait_for("the error in /__refkit/status", || {
        server.status()["ok"] == false
    });
    let status = server.status();
    let diagnostic = &status["error"]["diagnostics"][0];
    assert_eq!(
        diagnostic["file"], "content/stories/first.ru.md",
        "{status}"
    );
    assert_eq!(diagnostic["line"], 3, "{status}");
    let message = status["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("content/stories/first.ru.md:3:"),
        "{message}"
    );
    assert!(message.contains("3 | summary: [unclosed"), "{message}");

    // The last good pages stay.
    let page = server.get("/ru/stories/first/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<h1>Первая</h1>"), "{}", page.body);

    f.write("content/stories/first.ru.md", &story("Исправлено", None));
    server.wait_for("the fixed build", || server.status()["ok"] == true);
    assert!(server
        .get("/ru/stories/first/")
        .body
        .contains("<h1>Исправлено</h1>"));
    assert!(server.status()["error"].is_null());
    assert_no_output_in_project(&f);
}

#[test]
fn requests_cannot_reach_anything_but_the_built_output() {
    let f = Fixture::minimal();
    let server = Server::start(&f);
    assert_eq!(server.get("/").status, 200);
    for target in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2E%2E/site.yaml",
        "/en/%2e%2e/%2e%2e/site.yaml",
        "/..%2fsite.yaml",
        "/..%5csite.yaml",
        "/%252e%252e/site.yaml",
        "/.refkit-output",
        "/%2Erefkit-output",
        "/content/partners.yaml",
        "/site.yaml",
        "/en/../../site.yaml",
        "/en/./stories/first/",
        "//etc/passwd",
        "/en/stories/first/%00",
    ] {
        let reply = server.get(target);
        assert_eq!(reply.status, 404, "{target}: {}", reply.head);
        for secret in ["referral:", "ALPHA26", "base_url", "root:"] {
            assert!(!reply.body.contains(secret), "{target} leaked {secret}");
        }
    }

    let folder = server.get("/en");
    assert_eq!(folder.status, 307);
    assert_eq!(folder.header("location").as_deref(), Some("/en/"));

    let post = server.request(&format!(
        "POST /en/ HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        server.addr
    ));
    assert_eq!(post.status, 405);

    let rebinding =
        server.request("GET /en/ HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
    assert_eq!(rebinding.status, 403, "foreign Host headers are refused");
    assert_no_output_in_project(&f);
}

#[test]
fn the_side_by_side_view_frames_a_page_and_its_translation() {
    let f = Fixture::minimal();
    let server = Server::start(&f);
    let view = server.get("/__refkit/compare?path=%2Fen%2Fstories%2Ffirst%2F");
    assert_eq!(view.status, 200, "{}", view.body);
    for expected in [
        "<strong>EN</strong>",
        "<strong>RU</strong>",
        "<iframe data-refkit-pane src=\"/en/stories/first/\"",
        "<iframe data-refkit-pane src=\"/ru/stories/first/\"",
        "var compare = true;",
    ] {
        assert!(
            view.body.contains(expected),
            "lacks {expected}:\n{}",
            view.body
        );
    }
    assert_eq!(
        server
            .get("/__refkit/compare?path=/en/stories/none/")
            .status,
        404
    );
    assert_eq!(
        server.get("/__refkit/compare?path=/../site.yaml").status,
        404
    );
}

#[test]
fn open_pages_are_told_about_every_rebuild_and_error() {
    let f = Fixture::minimal();
    let server = Server::start(&f);
    let mut events = TcpStream::connect(&server.addr).expect("connect");
    events
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        events,
        "GET /__refkit/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        server.addr
    )
    .unwrap();
    let mut seen = String::new();
    let mut read_until = |needle: &str| {
        let deadline = Instant::now() + PATIENCE;
        let mut buf = [0u8; 4096];
        while !seen.contains(needle) {
            assert!(
                Instant::now() < deadline,
                "no {needle:?} in the event stream:\n{seen}\nstderr:\n{}",
                server.stderr()
            );
            match events.read(&mut buf) {
                Ok(0) => panic!("the event stream closed:\n{seen}"),
                Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {}
            }
        }
        let at = seen.find(needle).unwrap_or_default();
        seen.drain(..at + needle.len());
    };
    read_until("text/event-stream");
    read_until("event: status");
    f.write("content/stories/first.en.md", &story("Live", None));
    read_until("event: reload");
    f.write("content/stories/first.ru.md", BROKEN_RU_STORY);
    read_until("event: error");
    read_until("content/stories/first.ru.md");
}

#[test]
fn a_first_build_that_fails_still_serves_the_error_and_recovers() {
    let f = Fixture::minimal();
    f.write("content/stories/first.ru.md", BROKEN_RU_STORY);
    let server = Server::start(&f);
    server.stderr_with("content/stories/first.ru.md:3:");

    let page = server.get("/en/");
    assert_eq!(page.status, 503);
    assert!(
        page.body.contains("<script data-refkit-serve>"),
        "{}",
        page.body
    );
    let status = server.status();
    assert_eq!(status["ok"], false);
    assert_eq!(status["build"], 0);
    assert_eq!(
        status["error"]["diagnostics"][0]["file"],
        "content/stories/first.ru.md"
    );

    f.write("content/stories/first.ru.md", &story("Первая", None));
    server.wait_for("the first good build", || server.get("/en/").status == 200);
    assert_eq!(server.status()["ok"], true);
    assert_no_output_in_project(&f);
}

#[cfg(unix)]
#[test]
fn stopping_the_server_removes_its_temporary_output() {
    let f = Fixture::minimal();
    let mut server = Server::start(&f);
    let stderr = server.stderr_with("(removed on exit)");
    let temp = stderr
        .split_once("output in ")
        .and_then(|(_, rest)| rest.split_once(" (removed on exit)"))
        .map(|(path, _)| PathBuf::from(path))
        .unwrap_or_else(|| panic!("no output folder named:\n{stderr}"));
    assert!(
        temp.join("public/index.html").is_file(),
        "{}",
        temp.display()
    );
    assert!(!temp.starts_with(f.root()));

    let status = server
        .terminate()
        .unwrap_or_else(|| panic!("refkit serve did not stop; stderr:\n{}", server.stderr()));
    assert!(status.success(), "{status:?}\n{}", server.stderr());
    assert!(!temp.exists(), "{} is left behind", temp.display());
    assert_no_output_in_project(&f);
}

/// Hostile-input suite, dev server: files keep changing while rebuilds run, some of
/// the versions broken. The server must survive, report errors without panicking, and
/// end up serving the last version written.
#[test]
fn files_changing_during_rebuilds_end_with_the_last_version_served() {
    let f = Fixture::minimal();
    let server = Server::start(&f);
    for round in 0..25 {
        if round % 3 == 1 {
            f.write("content/stories/first.ru.md", BROKEN_RU_STORY);
        } else {
            f.write(
                "content/stories/first.en.md",
                &story(&format!("Draft {round}"), None),
            );
            f.write(
                "content/stories/first.ru.md",
                &story(&format!("Черновик {round}"), None),
            );
        }
        thread::sleep(Duration::from_millis(15 + (round % 4) * 20));
    }
    f.write("content/stories/first.en.md", &story("Final", None));
    f.write("content/stories/first.ru.md", &story("Итог", None));
    server.wait_for("the final version", || {
        server
            .get("/en/stories/first/")
            .body
            .contains("<h1>Final</h1>")
            && server
                .get("/ru/stories/first/")
                .body
                .contains("<h1>Итог</h1>")
    });
    server.wait_for("a clean status", || server.status()["ok"] == true);
    let stderr = server.stderr();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_no_output_in_project(&f);
}

#[test]
fn the_preview_names_the_flag_that_builds_the_kits_it_skips() {
    let f = Fixture::minimal();
    let server = Server::start(&f);
    let stderr = server.stderr_with("kits skipped");
    assert!(
        stderr.contains("built 13 pages for 2 partners (")
            && stderr.contains("; kits skipped (`refkit serve --kits` builds them too)"),
        "{stderr}"
    );
    assert!(!stderr.contains("0 kits"), "{stderr}");
}
