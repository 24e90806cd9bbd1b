//! `refkit serve`: build the project, serve the result on this machine, rebuild on
//! every save and reload open pages by themselves.
//!
//! ```text
//! watch (notify, debounced) ─▶ rebuild (one build at a time, on a blocking thread)
//!                                  │ build::build into a temporary folder
//!                                  ▼
//!                               Shared { build number, last error } ─▶ reload (SSE) ─▶ open pages
//!                                  │
//! http (axum) ─▶ files (safe paths inside the output only) + the injected script
//!              ├ /__refkit/status, /__refkit/events
//!              └ /__refkit/compare (side-by-side view)
//! ```
//!
//! The preview never writes into the project: it builds into a temporary folder (with
//! the server's own address as the base URL, so permalinks, canonical and hreflang
//! links work in the preview) and removes it on exit. Builds are atomic, so a build
//! that fails leaves the last good pages being served, with the error shown over them.

mod compare;
mod editor;
mod files;
mod http;
mod rebuild;
mod reload;
mod state;
mod watch;

use std::future::IntoFuture;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch as signal_watch};

pub(crate) use self::watch::WatchMode;
use crate::base::diagnostics::{Error, Result};
use crate::base::env::Environment;
use crate::build::BuildOptions;

/// What `refkit serve` does.
#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    /// The project folder (holds site.yaml).
    pub root: PathBuf,
    /// The address to listen on; anything but a loopback address exposes the preview.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// How changes are noticed.
    pub watch: WatchMode,
    /// Build the pitch kits too.
    pub kits: bool,
    /// Serve the browser editor at `/admin/`, saving into `content/` (loopback only).
    pub cms: bool,
    /// What the command read from the environment, for every build.
    pub env: Environment,
    /// The image cache every build uses, when any.
    pub image_cache: Option<crate::build::ImageCacheOptions>,
}

/// How long open connections get to finish once the server is told to stop.
const GRACE: Duration = Duration::from_secs(3);

/// Runs the preview until Ctrl-C (or SIGTERM).
pub(crate) fn serve(options: ServeOptions) -> Result<()> {
    let root = options
        .root
        .canonicalize()
        .map_err(|e| Error::io("open the project folder", &options.root, e))?;
    if !root.is_dir() {
        return Err(Error::Usage(format!(
            "--root {}: not a folder",
            options.root.display()
        )));
    }
    let temp = tempfile::Builder::new()
        .prefix("refkit-serve-")
        .tempdir()
        .map_err(|e| Error::io("create a temporary folder in", std::env::temp_dir(), e))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("could not start the preview server: {e}")))?;
    let result = runtime.block_on(run(&options, &root, temp.path()));
    // A build still running finishes (its staging folder is cleaned up) before the
    // temporary folder goes.
    runtime.shutdown_timeout(Duration::from_secs(30));
    let _ = temp.close();
    result
}

async fn run(options: &ServeOptions, root: &Path, temp: &Path) -> Result<()> {
    if options.cms && !options.bind.is_loopback() {
        return Err(Error::Usage(format!(
            "--cms saves files and must stay on this machine, but --bind {} is not a loopback address; use --bind 127.0.0.1",
            options.bind
        )));
    }
    let wanted = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(wanted).await.map_err(|e| {
        Error::Usage(format!(
            "could not listen on {wanted}: {e}; choose another --port (0 picks a free one)"
        ))
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("could not listen on {wanted}: {e}")))?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {addr}: the preview is exposed to the network, and anyone who can reach this machine can read every page{}; use --bind 127.0.0.1 to keep it on this machine",
            if options.kits { " and every partner's kit" } else { "" }
        );
    }
    let stop = stop_signal();
    let origin = format!("http://{}", browsable(addr));
    let out = temp.join("public");
    let (stop_tx, stop_rx) = signal_watch::channel(false);
    let shared = Arc::new(state::Shared::new(
        out.clone(),
        origin.clone(),
        options.bind.is_loopback(),
        stop_rx.clone(),
    ));

    // Watch before the first build, so a save during it is not missed.
    let (changes_tx, changes_rx) = mpsc::unbounded_channel();
    let ignored = vec![temp.canonicalize().unwrap_or_else(|_| temp.to_path_buf())];
    let watcher = watch::Watcher::start(root, ignored, options.watch, changes_tx)?;

    let mut builder = rebuild::Builder::new(
        BuildOptions {
            root: root.to_path_buf(),
            out: Some(out),
            manifest: Some(temp.join("manifest")),
            base_url: Some(origin.clone()),
            env: options.env.clone(),
            skip_kits: !options.kits,
            progress: false,
            preview: true,
            // Re-render only what a save changed (kits, when asked for, rebuild fully).
            cache: (!options.kits)
                .then(|| std::sync::Arc::new(crate::site::incremental::RenderCache::default())),
            image_cache: options.image_cache.clone(),
            ..BuildOptions::default()
        },
        shared.clone(),
    );
    builder.build(None).await;

    // Tests and scripts read this line to learn the address.
    println!("Serving {origin}");
    let _ = std::io::stdout().flush();
    eprintln!(
        "refkit serve: watching {} for changes{}, output in {} (removed on exit); press Ctrl-C to stop",
        root.display(),
        match options.watch {
            WatchMode::Events => "",
            WatchMode::Poll => " (polling)",
        },
        temp.display(),
    );

    let rebuilds = tokio::spawn(rebuild::run(builder, watcher, changes_rx, stop_rx.clone()));
    let editor = options
        .cms
        .then(|| Arc::new(editor::Editor::new(root.to_path_buf())));
    if editor.is_some() {
        eprintln!("refkit serve: the browser editor is at {origin}/admin/ and saves into content/");
    }
    let server = axum::serve(listener, http::router(shared, editor))
        .with_graceful_shutdown(async move {
            stop.await;
            // Ends the open event streams, so the graceful shutdown can finish.
            let _ = stop_tx.send(true);
        })
        .into_future();
    let mut stopped = stop_rx;
    let served = tokio::select! {
        served = server => served,
        () = async {
            let _ = stopped.wait_for(|stop| *stop).await;
            tokio::time::sleep(GRACE).await;
        } => Ok(()),
    };
    let _ = tokio::time::timeout(Duration::from_secs(30), rebuilds).await;
    served.map_err(|e| Error::Usage(format!("the preview server stopped: {e}")))
}

/// The address a browser on this machine can open: a wildcard bind is reached
/// through loopback.
fn browsable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// A future that resolves on Ctrl-C or, on Unix, SIGTERM. The handlers are installed
/// when this is called, not when the future is first polled: a signal that arrives
/// while the first build runs, or right after the address is printed, must stop the
/// server cleanly (removing its temporary output) rather than kill it.
#[cfg(unix)]
fn stop_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, Signal, SignalKind};
    async fn next(signal: Option<Signal>) {
        match signal {
            Some(mut signal) => {
                signal.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    }
    let interrupt = signal(SignalKind::interrupt()).ok();
    let terminate = signal(SignalKind::terminate()).ok();
    async move {
        tokio::select! {
            () = next(interrupt) => {}
            () = next(terminate) => {}
        }
    }
}

/// A future that resolves on Ctrl-C.
#[cfg(not(unix))]
fn stop_signal() -> impl std::future::Future<Output = ()> {
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Parses `--bind`: an IP address (`127.0.0.1`, `::1`, `[::1]`, `0.0.0.0`) or `localhost`.
pub(crate) fn parse_bind(text: &str) -> Result<IpAddr> {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let bare = trimmed
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(trimmed);
    bare.parse().map_err(|_| {
        Error::Usage(format!(
            "--bind {text}: expected an IP address such as 127.0.0.1, ::1 or 0.0.0.0, or localhost"
        ))
    })
}

/// A response with `status`, `content_type` and `body`: how the preview and the
/// editor answer.
fn respond(
    status: axum::http::StatusCode,
    content_type: &'static str,
    body: Vec<u8>,
) -> axum::response::Response {
    let mut response = axum::response::Response::new(axum::body::Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(content_type),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_accepts_addresses_and_localhost_only() {
        assert_eq!(
            parse_bind("127.0.0.1").unwrap(),
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        );
        assert_eq!(
            parse_bind("localhost").unwrap(),
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        );
        assert_eq!(
            parse_bind("[::1]").unwrap(),
            IpAddr::V6(Ipv6Addr::LOCALHOST)
        );
        assert!(parse_bind("0.0.0.0").unwrap().is_unspecified());
        assert!(parse_bind("example.com").is_err());
    }

    #[test]
    fn a_wildcard_bind_is_browsed_through_loopback() {
        let any: SocketAddr = "0.0.0.0:4000".parse().unwrap();
        assert_eq!(browsable(any), "127.0.0.1:4000".parse().unwrap());
        let lan: SocketAddr = "192.168.1.5:4000".parse().unwrap();
        assert_eq!(browsable(lan), lan);
    }
}
