//! `refkit serve --cms`: the browser editor at `/admin/`, saving into this project's
//! `content/` through refkit's own answer to the editor's local backend.
//!
//! | route | answer |
//! |---|---|
//! | `/admin/`, `/admin/index.html` | the editor's page, made from the project now |
//! | `/admin/config.yml` | its configuration, saving to [`ENDPOINT`] |
//! | `POST /__refkit/cms/api/v1` | the local backend ([`crate::cms::backend`]) |
//!
//! Saving is for this machine only: the server must listen on a loopback address
//! (checked when it starts), every request must name a local host (the router's
//! guard), and a save must come from a page of this very server: its `Origin` must
//! be the `Host` it was sent to, and its body JSON, which a form on another site
//! cannot send without the browser asking first (and being refused).

use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::state::Shared;
use crate::cms::backend::LocalBackend;
use crate::cms::{self, Saving};

/// Where the editor's page posts.
pub(crate) const ENDPOINT: &str = "/__refkit/cms/api/v1";
/// Largest request: a banner photo, base64-encoded, with room to spare.
const MAX_REQUEST_BYTES: usize = 32 * 1024 * 1024;

/// The project the editor edits.
#[derive(Debug)]
pub(crate) struct Editor {
    root: PathBuf,
}

impl Editor {
    /// The editor of the project at `root` (canonical).
    pub(crate) fn new(root: PathBuf) -> Self {
        Editor { root }
    }

    /// The page and configuration from the project as it is now (a new banner or
    /// market shows up on the next load).
    fn admin(&self) -> Result<cms::Admin, String> {
        let settings = crate::load::sources::settings(&self.root).map_err(|e| e.to_string())?;
        cms::admin(&self.root, &settings, &Saving::Local { endpoint: ENDPOINT })
            .map_err(|e| e.to_string())
    }
}

/// The editor's routes, to merge into the preview's router (under its guard).
pub(crate) fn routes(editor: Arc<Editor>) -> Router<Arc<Shared>> {
    let (page, index, config, api) = (editor.clone(), editor.clone(), editor.clone(), editor);
    Router::new()
        .route("/admin", get(|| async { Redirect::temporary("/admin/") }))
        .route("/admin/", get(move || async move { serve_page(&page, false) }))
        .route(
            "/admin/index.html",
            get(move || async move { serve_page(&index, false) }),
        )
        .route(
            "/admin/config.yml",
            get(move || async move { serve_page(&config, true) }),
        )
        .route(
            ENDPOINT,
            post(move |headers: HeaderMap, body: Bytes| async move { save(&api, &headers, body).await })
                .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES)),
        )
}

fn serve_page(editor: &Editor, config: bool) -> Response {
    match editor.admin() {
        Ok(admin) if config => answer(StatusCode::OK, "text/yaml; charset=utf-8", admin.config),
        Ok(admin) => answer(StatusCode::OK, "text/html; charset=utf-8", admin.index),
        Err(error) => answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/plain; charset=utf-8",
            format!("the editor cannot start until the project's settings load:\n{error}\n"),
        ),
    }
}

async fn save(editor: &Editor, headers: &HeaderMap, body: Bytes) -> Response {
    if let Err(why) = same_origin(headers) {
        return answer(
            StatusCode::FORBIDDEN,
            "application/json",
            serde_json::json!({ "error": why }).to_string(),
        );
    }
    let backend = match crate::load::sources::settings(&editor.root) {
        Ok(settings) => LocalBackend::new(&editor.root, &settings),
        Err(e) => {
            return answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                "application/json",
                serde_json::json!({ "error": e.to_string() }).to_string(),
            )
        }
    };
    let (status, value) = match tokio::task::spawn_blocking(move || backend.answer(&body)).await {
        Ok(answered) => answered,
        Err(e) => (500, serde_json::json!({ "error": e.to_string() })),
    };
    answer(
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        "application/json",
        value.to_string(),
    )
}

/// A save must be a JSON request from a page this server served.
fn same_origin(headers: &HeaderMap) -> Result<(), &'static str> {
    let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let host = get(header::HOST).ok_or("a save must name its host")?;
    let origin =
        get(header::ORIGIN).ok_or("a save must come from the editor's page (no Origin)")?;
    if origin != format!("http://{host}") {
        return Err(
            "a save must come from the editor's page on this server (Origin differs from Host)",
        );
    }
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() != b"same-origin")
    {
        return Err("a save must come from the editor's page on this server");
    }
    let json = get(header::CONTENT_TYPE).is_some_and(|t| {
        t.trim_start()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    if !json {
        return Err("a save must be sent as application/json");
    }
    Ok(())
}

fn answer(status: StatusCode, content_type: &'static str, body: String) -> Response {
    super::respond(status, content_type, body.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, axum::http::HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_json_from_the_servers_own_pages_may_save() {
        let ok = [
            ("host", "127.0.0.1:1111"),
            ("origin", "http://127.0.0.1:1111"),
            ("content-type", "application/json; charset=utf-8"),
        ];
        assert!(same_origin(&headers(&ok)).is_ok());
        let mut with_fetch_site = ok.to_vec();
        with_fetch_site.push(("sec-fetch-site", "same-origin"));
        assert!(same_origin(&headers(&with_fetch_site)).is_ok());
        for bad in [
            vec![ok[0], ok[2]],
            vec![ok[0], ("origin", "http://evil.example"), ok[2]],
            vec![ok[0], ("origin", "http://127.0.0.1:2222"), ok[2]],
            vec![ok[0], ("origin", "null"), ok[2]],
            vec![ok[0], ok[1], ("content-type", "text/plain")],
            vec![ok[0], ok[1], ok[2], ("sec-fetch-site", "cross-site")],
            vec![ok[1], ok[2]],
        ] {
            assert!(same_origin(&headers(&bad)).is_err(), "{bad:?}");
        }
    }
}
