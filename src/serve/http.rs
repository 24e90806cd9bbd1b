//! The preview's HTTP side: the routes, and the headers every answer carries.
//!
//! | route | answer |
//! |---|---|
//! | `/__refkit/events` | the live-reload event stream ([`super::reload`]) |
//! | `/__refkit/status` | `{ "ok", "error", "build" }` as JSON |
//! | `/__refkit/compare?path=…` | the side-by-side view ([`super::compare`]) |
//! | anything else | a file of the built output ([`super::files`]), HTML with the live-reload script |
//!
//! Every answer says `Cache-Control: no-store`, so a browser never shows a page from
//! before the last build. While the server listens on a loopback address it answers
//! only requests that name a local host: a page on the web cannot read the preview
//! through a DNS name that points at 127.0.0.1.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::compare;
use super::files::{self, Resolved};
use super::reload;
use super::respond;
use super::state::Shared;

/// The preview's router.
pub(crate) fn router(shared: Arc<Shared>, editor: Option<Arc<super::editor::Editor>>) -> Router {
    let mut routes = Router::new();
    if let Some(editor) = editor {
        routes = routes.merge(super::editor::routes(editor));
    }
    routes
        .route("/__refkit/events", get(reload::events))
        .route("/__refkit/status", get(status))
        .route("/__refkit/compare", get(compare_view))
        .fallback(file)
        .layer(middleware::from_fn_with_state(shared.clone(), guard))
        .with_state(shared)
}

/// Refuses foreign hosts and marks every answer as not to be cached.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST);
    let mut response = if shared.loopback_only && !is_local_host(host) {
        text(
            StatusCode::FORBIDDEN,
            "refkit serve answers only requests for localhost or a loopback address\n",
        )
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// True when a `Host` header names this machine (or is absent, as in HTTP/1.0).
fn is_local_host(value: Option<&HeaderValue>) -> bool {
    let Some(value) = value else {
        return true;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let host = match value.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => value.rsplit_once(':').map_or(value, |(host, _)| host),
    };
    host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `GET /__refkit/status`.
async fn status(State(shared): State<Arc<Shared>>) -> Response {
    respond(
        StatusCode::OK,
        "application/json",
        reload::status_json(&shared.status()).into_bytes(),
    )
}

#[derive(Debug, Deserialize)]
struct CompareQuery {
    path: Option<String>,
}

/// `GET /__refkit/compare?path=…`.
async fn compare_view(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<CompareQuery>,
) -> Response {
    let build = shared.status().build;
    let raw = query.path.unwrap_or_else(|| "/".into());
    match compare::panes(&shared.out, &shared.origin, &raw) {
        Some(panes) => html(
            StatusCode::OK,
            compare::render(&panes).as_bytes(),
            build,
            true,
        ),
        None => not_found(&raw, build),
    }
}

/// Every other path: a file of the built output.
async fn file(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    // Read the build number before the file: if a build lands in between, the page
    // is newer than its number and reloads once more, never the other way round.
    let build = shared.status().build;
    if build == 0 {
        return html(
            StatusCode::SERVICE_UNAVAILABLE,
            FIRST_BUILD_FAILED.as_bytes(),
            build,
            false,
        );
    }
    match files::resolve(&shared.out, uri.path()) {
        Resolved::File(path) => match tokio::fs::read(&path).await {
            Ok(bytes) => {
                let content_type = files::content_type(&path);
                if files::is_html(content_type) {
                    html(StatusCode::OK, &bytes, build, false)
                } else {
                    respond(StatusCode::OK, content_type, bytes)
                }
            }
            // Replaced by a build between the check and the read.
            Err(_) => not_found(uri.path(), build),
        },
        Resolved::Redirect(location) => match HeaderValue::from_str(&location) {
            Ok(location) => {
                let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
                response.headers_mut().insert(header::LOCATION, location);
                response
            }
            Err(_) => not_found(uri.path(), build),
        },
        Resolved::NotFound => not_found(uri.path(), build),
    }
}

const FIRST_BUILD_FAILED: &str = "<!doctype html>
<html lang=\"en\">
<head><meta charset=\"utf-8\"><title>Build failed · refkit serve</title></head>
<body style=\"font:16px/1.5 system-ui,sans-serif;margin:0;padding:45vh 2em 2em\">
<p>The project has not built yet. Fix the error shown above (it is also in the terminal) and save: this page loads by itself.</p>
</body>
</html>
";

fn not_found(raw: &str, build: u64) -> Response {
    let page = format!(
        "<!doctype html>
<html lang=\"en\">
<head><meta charset=\"utf-8\"><title>Not found · refkit serve</title></head>
<body style=\"font:16px/1.5 system-ui,sans-serif;padding:2em\">
<h1>Not found</h1>
<p>The built site has nothing at <code>{}</code>.</p>
<p><a href=\"/\">Go to the start page</a></p>
</body>
</html>
",
        compare::escape(raw)
    );
    html(StatusCode::NOT_FOUND, page.as_bytes(), build, false)
}

/// An HTML answer with the live-reload script.
fn html(status: StatusCode, page: &[u8], build: u64, compare: bool) -> Response {
    let body = reload::inject(page, &reload::script(build, compare));
    respond(status, "text/html; charset=utf-8", body)
}

fn text(status: StatusCode, message: &'static str) -> Response {
    respond(
        status,
        "text/plain; charset=utf-8",
        message.as_bytes().to_vec(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_hosts_pass_on_loopback() {
        for ok in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LOCALHOST",
            "[::1]:1111",
            "app.localhost:8080",
            "127.0.0.2",
        ] {
            assert!(is_local_host(Some(&HeaderValue::from_static(ok))), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "example.com",
            "10.0.0.1:1111",
            "[fe80::1]",
        ] {
            assert!(
                !is_local_host(Some(&HeaderValue::from_static(bad))),
                "{bad}"
            );
        }
        assert!(is_local_host(None));
    }
}
