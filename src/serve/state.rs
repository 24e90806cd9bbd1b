//! What the preview's handlers share: where the output is, the state of the last
//! build, and the channel that tells open pages to reload or show an error.
//!
//! The build loop is the only writer ([`Shared::succeeded`], [`Shared::failed`]);
//! request handlers only read. A build number counts the successful builds, so a
//! page can tell whether it was served from the output that is current now.

use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

use tokio::sync::{broadcast, watch};

use serde::Serialize;

use crate::base::diagnostics::{display_path, Error};

/// Where the last build left things.
#[derive(Debug, Clone, Default)]
pub(crate) struct Status {
    /// Successful builds so far; the output being served is from build number `build`
    /// (0: no build has succeeded yet, nothing to serve).
    pub(crate) build: u64,
    /// The last build's error, when it failed.
    pub(crate) error: Option<Arc<ErrorReport>>,
}

/// State shared by every request handler and the build loop.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The output folder being served (inside the preview's temporary folder).
    pub(crate) out: PathBuf,
    /// `http://host:port` the pages were built for (no trailing slash).
    pub(crate) origin: String,
    /// When the server listens on a loopback address, requests must name a local
    /// host, so a web page elsewhere cannot reach the preview by DNS rebinding.
    pub(crate) loopback_only: bool,
    /// Turns true once when the server stops; open event streams end then.
    pub(crate) shutdown: watch::Receiver<bool>,
    status: RwLock<Status>,
    notices: broadcast::Sender<Notice>,
}

impl Shared {
    /// State for a server that has not built yet.
    pub(crate) fn new(
        out: PathBuf,
        origin: String,
        loopback_only: bool,
        shutdown: watch::Receiver<bool>,
    ) -> Shared {
        let (notices, _) = broadcast::channel(16);
        Shared {
            out,
            origin,
            loopback_only,
            shutdown,
            status: RwLock::new(Status::default()),
            notices,
        }
    }

    /// The current status (a cheap clone).
    pub(crate) fn status(&self) -> Status {
        self.status
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Records a successful build and tells open pages to reload.
    pub(crate) fn succeeded(&self) -> u64 {
        let build = {
            let mut status = self.status.write().unwrap_or_else(PoisonError::into_inner);
            status.build += 1;
            status.error = None;
            status.build
        };
        // No open page is not an error.
        let _ = self.notices.send(Notice::Reload { build });
        build
    }

    /// Records a failed build (the last good output stays) and tells open pages.
    pub(crate) fn failed(&self, report: ErrorReport) {
        let report = Arc::new(report);
        self.status
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .error = Some(report.clone());
        let _ = self.notices.send(Notice::Error(report));
    }

    /// A receiver of every notice sent from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }
}

/// A failed build as the browser shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ErrorReport {
    /// The whole error as the terminal shows it (file, line, offending line, help).
    pub(crate) message: String,
    /// Each problem on its own, for tools.
    pub(crate) diagnostics: Vec<DiagnosticReport>,
}

/// One problem of a failed build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct DiagnosticReport {
    /// File relative to the project root, with `/` separators.
    pub(crate) file: Option<String>,
    /// 1-based line from the top of the file.
    pub(crate) line: Option<usize>,
    /// 1-based column.
    pub(crate) column: Option<usize>,
    /// What is wrong.
    pub(crate) message: String,
    /// What to do about it.
    pub(crate) help: Option<String>,
}

impl ErrorReport {
    /// The report for a build error.
    pub(crate) fn from_error(error: &Error) -> ErrorReport {
        let diagnostics = match error {
            Error::Content(diagnostics) => diagnostics
                .iter()
                .map(|d| DiagnosticReport {
                    file: d.file.as_deref().map(display_path),
                    line: d.line,
                    column: d.column,
                    message: d.message.clone(),
                    help: d.help.clone(),
                })
                .collect(),
            Error::Usage(_) | Error::Io { .. } => Vec::new(),
        };
        ErrorReport {
            message: error.to_string(),
            diagnostics,
        }
    }

    /// A report with only a message (a build that could not even run).
    pub(crate) fn message(message: impl Into<String>) -> ErrorReport {
        ErrorReport {
            message: message.into(),
            diagnostics: Vec::new(),
        }
    }
}

/// What the build loop tells open pages.
#[derive(Debug, Clone)]
pub(crate) enum Notice {
    /// Build number `build` succeeded: reload.
    Reload {
        /// The new build number.
        build: u64,
    },
    /// A build failed: show this, keep the page.
    Error(Arc<ErrorReport>),
}
