//! Live reload: the event stream open pages listen to, the status they ask for on
//! load, and the script that makes every served HTML page do both.
//!
//! `/__refkit/events` is a server-sent event stream. On connecting, a page gets a
//! `status` event (`{ "ok", "error", "build" }`, like `/__refkit/status`); after that,
//! `reload` (`{ "build": n }`) when a build succeeded and `error` (`{ "message",
//! "diagnostics": [...] }`) when one failed. The script compares the build number it
//! was served from with the current one, so a page opened or reconnected between
//! events still catches up. Error text reaches the page only through `textContent`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use serde::Serialize;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::state::{ErrorReport, Notice, Shared, Status};

/// The body of `/__refkit/status` and of the `status` event.
pub(crate) fn status_json(status: &Status) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        ok: bool,
        error: Option<&'a ErrorReport>,
        build: u64,
    }
    serde_json::to_string(&Body {
        ok: status.error.is_none(),
        error: status.error.as_deref(),
        build: status.build,
    })
    .unwrap_or_else(|_| String::from("{\"ok\":false,\"error\":null,\"build\":0}"))
}

fn event(notice: &Notice) -> Event {
    match notice {
        Notice::Reload { build } => Event::default()
            .event("reload")
            .data(format!("{{\"build\":{build}}}")),
        Notice::Error(report) => Event::default().event("error").data(
            serde_json::to_string(report.as_ref()).unwrap_or_else(|_| {
                String::from("{\"message\":\"the build failed\",\"diagnostics\":[]}")
            }),
        ),
    }
}

/// `GET /__refkit/events`: the stream of build notices.
pub(crate) async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let mut notices = shared.subscribe();
    let mut shutdown = shared.shutdown.clone();
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(8);
    let first = Event::default()
        .event("status")
        .retry(Duration::from_millis(500))
        .data(status_json(&shared.status()));
    tokio::spawn(async move {
        if tx.send(Ok(first)).await.is_err() {
            return;
        }
        loop {
            let next = tokio::select! {
                notice = notices.recv() => match notice {
                    Ok(notice) => event(&notice),
                    // Missed some: send where things stand now instead.
                    Err(broadcast::error::RecvError::Lagged(_)) => Event::default()
                        .event("status")
                        .data(status_json(&shared.status())),
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = shutdown.wait_for(|stop| *stop) => return,
                // The page went away.
                () = tx.closed() => return,
            };
            if tx.send(Ok(next)).await.is_err() {
                return;
            }
        }
    });
    Sse::new(ReceiverStream::new(rx)).keep_alive(KeepAlive::default())
}

/// The script for a page served from build `build`; `compare` for the side-by-side
/// view, which reloads its panes instead of itself.
pub(crate) fn script(build: u64, compare: bool) -> String {
    let code = include_str!("client.js")
        .replace("__REFKIT_BUILD__", &build.to_string())
        .replace("__REFKIT_COMPARE__", if compare { "true" } else { "false" });
    format!("<script data-refkit-serve>\n{code}</script>\n")
}

/// Inserts `script` before the last `</body>` of `html` (at the end when there is none).
pub(crate) fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let at = find_last_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::diagnostics::{Diagnostic, Error};

    #[test]
    fn the_script_goes_before_the_last_closing_body_tag() {
        let html = b"<html><body><p>x</p></BODY>\n</html>";
        let out = String::from_utf8(inject(html, "<script>s</script>")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script>s</script></BODY>\n</html>"
        );
        let out = String::from_utf8(inject(b"<p>no body", "<s>")).unwrap();
        assert_eq!(out, "<p>no body<s>");
    }

    #[test]
    fn the_script_knows_its_build_and_never_uses_inner_html() {
        let s = script(7, false);
        assert!(s.contains("var served = 7;"), "{s}");
        assert!(s.contains("var compare = false;"), "{s}");
        assert!(s.contains("/__refkit/events"));
        assert!(s.contains("/__refkit/status"));
        assert!(
            !s.contains("innerHTML ="),
            "error text must go through textContent"
        );
        assert!(!s[..s.len() - "</script>\n".len()].contains("</script"));
    }

    #[test]
    fn error_reports_name_file_line_and_help() {
        let source = "---\ntitle: x\nsummary: [unclosed\n";
        let d = Diagnostic::error("content/stories/first.ru.md", "bad front matter")
            .at(source, 3, 10)
            .help("close the bracket");
        let report = ErrorReport::from_error(&Error::content(vec![d]));
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(
            json["diagnostics"][0]["file"],
            "content/stories/first.ru.md"
        );
        assert_eq!(json["diagnostics"][0]["line"], 3);
        assert_eq!(json["diagnostics"][0]["column"], 10);
        assert_eq!(json["diagnostics"][0]["help"], "close the bracket");
        let message = json["message"].as_str().unwrap();
        assert!(
            message.contains("content/stories/first.ru.md:3:10"),
            "{message}"
        );
    }

    #[test]
    fn status_reports_ok_build_and_error() {
        let mut status = Status {
            build: 3,
            error: None,
        };
        let json: serde_json::Value = serde_json::from_str(&status_json(&status)).unwrap();
        assert_eq!(json["ok"], true);
        assert_eq!(json["build"], 3);
        assert!(json["error"].is_null());
        status.error = Some(Arc::new(ErrorReport::message("boom")));
        let json: serde_json::Value = serde_json::from_str(&status_json(&status)).unwrap();
        assert_eq!(json["ok"], false);
        assert_eq!(json["error"]["message"], "boom");
    }
}
