//! Watching the project's sources, so a save becomes a rebuild.
//!
//! The source folders (`content`, `templates`, `themes`, `locales`, `static`) are
//! watched recursively and the project folder itself non-recursively (for
//! `site.yaml`, and for a source folder that appears later). Watching folders rather
//! than files keeps working when an editor saves by writing a temporary file and
//! renaming it over the original. Events pass through notify's debouncer (~150 ms),
//! then a filter drops reads (the build's own reads would otherwise trigger the next
//! build) and everything that is not a source: output folders (`public/`,
//! `manifest/`, the preview's own temporary output), `target/`, `.git`, hidden files
//! and editors' temporary files. What is left reaches the build loop as one batch of
//! changed paths, relative to the project.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::{
    self, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
};
use notify_debouncer_full::{
    new_debouncer_opt, DebounceEventResult, DebouncedEvent, Debouncer, RecommendedCache,
};
use tokio::sync::mpsc::UnboundedSender;

use crate::base::diagnostics::{Error, Result};

use crate::base::vocab::SOURCE_FOLDERS;

/// The project's settings file, relative to its root.
pub(crate) const SETTINGS_FILE: &str = "site.yaml";

/// How long the debouncer waits for a burst of events to settle.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// How often `--poll` looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// How changes are noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum WatchMode {
    /// The operating system's file events (inotify, FSEvents, ReadDirectoryChangesW).
    #[default]
    Events,
    /// Scanning the files every half second: for network drives and containers,
    /// where events do not arrive.
    Poll,
}

enum Backend {
    Events(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, RecommendedCache>),
}

impl Backend {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Backend::Events(d) => d.watch(path, mode),
            Backend::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        match self {
            Backend::Events(d) => d.unwatch(path),
            Backend::Poll(d) => d.unwatch(path),
        }
    }
}

/// A running watch on one project. Dropping it stops watching.
pub(crate) struct Watcher {
    root: PathBuf,
    backend: Backend,
    watched: BTreeSet<&'static str>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher")
            .field("root", &self.root)
            .field("watched", &self.watched)
            .finish_non_exhaustive()
    }
}

impl Watcher {
    /// Starts watching the project at `root` (canonical). Changed source paths go to
    /// `changes`, a batch at a time; paths under any of `ignored` never do.
    pub(crate) fn start(
        root: &Path,
        ignored: Vec<PathBuf>,
        mode: WatchMode,
        changes: UnboundedSender<Vec<PathBuf>>,
    ) -> Result<Watcher> {
        let filter_root = root.to_path_buf();
        let handler = move |result: DebounceEventResult| match result {
            Ok(events) => {
                let paths = changed_paths(&filter_root, &ignored, &events);
                if !paths.is_empty() {
                    // The build loop is gone only while the server stops.
                    let _ = changes.send(paths);
                }
            }
            Err(errors) => {
                for error in errors {
                    eprintln!("warning: watching for changes: {error}");
                }
            }
        };
        let failed = |e: notify::Error| {
            Error::Usage(format!(
                "could not watch {} for changes: {e}{}",
                root.display(),
                match mode {
                    WatchMode::Events => "; try --poll",
                    WatchMode::Poll => "",
                }
            ))
        };
        let backend = match mode {
            WatchMode::Events => Backend::Events(
                new_debouncer_opt(
                    DEBOUNCE,
                    None,
                    handler,
                    RecommendedCache::new(),
                    notify::Config::default(),
                )
                .map_err(failed)?,
            ),
            WatchMode::Poll => Backend::Poll(
                new_debouncer_opt(
                    DEBOUNCE,
                    None,
                    handler,
                    RecommendedCache::new(),
                    notify::Config::default().with_poll_interval(POLL_INTERVAL),
                )
                .map_err(failed)?,
            ),
        };
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            backend,
            watched: BTreeSet::new(),
        };
        watcher
            .backend
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(failed)?;
        watcher.refresh();
        Ok(watcher)
    }

    /// Watches source folders that appeared since the last call and forgets those
    /// that went away (so they are watched again when they come back).
    pub(crate) fn refresh(&mut self) {
        for &folder in SOURCE_FOLDERS {
            let path = self.root.join(folder);
            let exists = path.is_dir();
            let watched = self.watched.contains(folder);
            if exists && !watched {
                match self.backend.watch(&path, RecursiveMode::Recursive) {
                    Ok(()) => {
                        self.watched.insert(folder);
                    }
                    Err(error) => {
                        eprintln!("warning: could not watch {folder}/ for changes: {error}")
                    }
                }
            } else if !exists && watched {
                let _ = self.backend.unwatch(&path);
                self.watched.remove(folder);
            }
        }
    }
}

/// The source paths (relative to `root`) that `events` changed. Reads are not
/// changes: notify reports every file the build opens, and counting those would make
/// each build trigger the next.
pub(crate) fn changed_paths(
    root: &Path,
    ignored: &[PathBuf],
    events: &[DebouncedEvent],
) -> Vec<PathBuf> {
    let paths: BTreeSet<PathBuf> = events
        .iter()
        .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
        .flat_map(|e| e.event.paths.iter())
        .filter_map(|path| relevant(root, ignored, path))
        .collect();
    paths.into_iter().collect()
}

/// The path relative to `root` when a change at `path` can change the build.
pub(crate) fn relevant(root: &Path, ignored: &[PathBuf], path: &Path) -> Option<PathBuf> {
    if ignored.iter().any(|i| path.starts_with(i)) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut names = Vec::new();
    for component in rel.components() {
        let Component::Normal(name) = component else {
            return None;
        };
        names.push(name.to_str()?);
    }
    let first = *names.first()?;
    if names.len() == 1 && first == SETTINGS_FILE {
        return Some(rel.to_path_buf());
    }
    if !SOURCE_FOLDERS.contains(&first) {
        return None;
    }
    if names.iter().any(|n| n.starts_with('.')) {
        return None;
    }
    let last = names.last().copied().unwrap_or_default();
    if is_editor_temporary(last) {
        return None;
    }
    Some(rel.to_path_buf())
}

/// Files editors write beside the one being saved (backups, swap files, lock files,
/// vim's write test `4913`); the real file's own event follows.
fn is_editor_temporary(name: &str) -> bool {
    name == "4913"
        || name.ends_with('~')
        || name.starts_with('#')
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            ".bak",
            ".kate-swp",
            ".crswap",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(rel: &str) -> Option<PathBuf> {
        let root = Path::new("/p");
        relevant(root, &[PathBuf::from("/p/content/.cache")], &root.join(rel))
    }

    fn event(kind: EventKind, rel: &str) -> DebouncedEvent {
        DebouncedEvent::new(
            notify::Event::new(kind).add_path(Path::new("/p").join(rel)),
            std::time::Instant::now(),
        )
    }

    #[test]
    fn the_builds_own_reads_do_not_trigger_a_rebuild() {
        use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
        let events = [
            event(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                "content/a.en.md",
            ),
            event(
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                "site.yaml",
            ),
            event(EventKind::Modify(ModifyKind::Any), "content/b.en.md"),
            event(EventKind::Create(CreateKind::File), "content/b.en.md"),
            event(EventKind::Modify(ModifyKind::Any), "public/index.html"),
        ];
        assert_eq!(
            changed_paths(Path::new("/p"), &[], &events),
            vec![PathBuf::from("content/b.en.md")]
        );
    }

    #[test]
    fn sources_and_settings_are_relevant() {
        for rel in [
            "site.yaml",
            "content/stories/x.en.md",
            "content/partners.yaml",
            "templates/story.html",
            "themes/harbor/static/assets/harbor.css",
            "locales/ru/main.ftl",
            "static/favicon.svg",
            "content",
        ] {
            assert_eq!(check(rel), Some(PathBuf::from(rel)), "{rel}");
        }
    }

    #[test]
    fn outputs_tools_and_editor_files_are_ignored() {
        for rel in [
            "public/index.html",
            "manifest/links.csv",
            ".public.refkit-new-12/en/index.html",
            "target/debug/refkit",
            ".git/index",
            "README.md",
            "content/stories/.x.en.md.swp",
            "content/stories/x.en.md~",
            "content/stories/.#x.en.md",
            "content/stories/#x.en.md#",
            "content/stories/4913",
            "content/stories/x.en.md.swp",
            "themes/harbor/.DS_Store",
            "content/.cache/file",
        ] {
            assert_eq!(check(rel), None, "{rel}");
        }
        assert_eq!(
            relevant(Path::new("/p"), &[], Path::new("/elsewhere/site.yaml")),
            None
        );
    }
}
