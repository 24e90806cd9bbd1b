//! The build loop: one build at a time, again after every batch of changes.
//!
//! Builds run on a blocking thread (they use rayon inside and touch the disk). Changes
//! that arrive while a build runs wait in the channel; when the build ends they are
//! taken together, so a burst of saves during a build costs exactly one more build.
//! Each build prints one line to stderr (the summary, or the error) and updates what
//! open pages see through [`Shared`].

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, watch};

use super::state::ErrorReport;
use super::state::Shared;
use super::watch::Watcher;
use crate::base::diagnostics::display_path;
use crate::build::{build, BuildOptions};

/// Runs builds and reports them.
#[derive(Debug)]
pub(crate) struct Builder {
    options: BuildOptions,
    shared: Arc<Shared>,
    warnings: Vec<String>,
}

impl Builder {
    /// A builder that builds with `options` and reports to `shared`.
    pub(crate) fn new(options: BuildOptions, shared: Arc<Shared>) -> Builder {
        Builder {
            options,
            shared,
            warnings: Vec::new(),
        }
    }

    /// Builds once; `reason` says what changed. Returns true on success.
    pub(crate) async fn build(&mut self, reason: Option<&str>) -> bool {
        let options = self.options.clone();
        let started = Instant::now();
        let outcome = tokio::task::spawn_blocking(move || build(&options)).await;
        let seconds = started.elapsed().as_secs_f64();
        let prefix = reason.map(|r| format!("{r}: ")).unwrap_or_default();
        match outcome {
            Ok(Ok(summary)) => {
                // Say each warning once, not on every save.
                if summary.warnings != self.warnings {
                    for warning in &summary.warnings {
                        eprintln!("{warning}");
                    }
                    self.warnings = summary.warnings.clone();
                }
                self.shared.succeeded();
                let line = if self.options.skip_kits {
                    summary.line_without_kits(seconds, "`refkit serve --kits`")
                } else {
                    summary.line(seconds)
                };
                eprintln!("{prefix}{line}");
                true
            }
            Ok(Err(error)) => {
                self.shared.failed(ErrorReport::from_error(&error));
                eprintln!("{prefix}the build failed; still serving the last good pages\n{error}");
                false
            }
            Err(join) => {
                let message =
                    format!("refkit: the build stopped unexpectedly ({join}); please report this");
                eprintln!("{prefix}{message}");
                self.shared.failed(ErrorReport::message(message));
                false
            }
        }
    }
}

/// Rebuilds after every batch of changes until `shutdown` turns true.
pub(crate) async fn run(
    mut builder: Builder,
    mut watcher: Watcher,
    mut changes: mpsc::UnboundedReceiver<Vec<PathBuf>>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let first = tokio::select! {
            batch = changes.recv() => match batch {
                Some(batch) => batch,
                None => return,
            },
            _ = shutdown.wait_for(|stop| *stop) => return,
        };
        let mut paths: BTreeSet<PathBuf> = first.into_iter().collect();
        while let Ok(more) = changes.try_recv() {
            paths.extend(more);
        }
        // A source folder may have been created or removed.
        watcher.refresh();
        builder.build(Some(&describe(&paths))).await;
    }
}

/// "content/stories/x.en.md changed", or "3 files changed".
fn describe(paths: &BTreeSet<PathBuf>) -> String {
    match paths.iter().next() {
        Some(path) if paths.len() == 1 => format!("{} changed", display_path(path)),
        _ => format!("{} files changed", paths.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_described_by_its_file_or_its_count() {
        let one: BTreeSet<PathBuf> = [PathBuf::from("content/stories/x.en.md")].into();
        assert_eq!(describe(&one), "content/stories/x.en.md changed");
        let two: BTreeSet<PathBuf> = [PathBuf::from("a"), PathBuf::from("b")].into();
        assert_eq!(describe(&two), "2 files changed");
    }
}
