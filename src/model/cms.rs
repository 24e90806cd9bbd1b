//! The `cms:` block of `site.yaml`: where the browser editor saves (the git host and
//! branch). Read with the other settings; checked here so [`Settings`] holds only a
//! backend that the editor can use.
//!
//! [`Settings`]: crate::model::settings::Settings

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::base::diagnostics::{Diagnostic, Report};
use crate::base::vocab::SETTINGS_FILE;

/// `cms:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCms {
    backend: Spanned<String>,
    #[serde(default)]
    repo: Option<Spanned<String>>,
    #[serde(default)]
    branch: Option<Spanned<String>>,
}

/// The git services the editor can save to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    /// GitHub, with the editor's own OAuth.
    Github,
    /// GitLab.
    Gitlab,
    /// Netlify Identity's git gateway (the repository is the site's).
    GitGateway,
}

impl Backend {
    /// Every backend, as spelled in `site.yaml` and in the editor's configuration.
    pub(crate) const NAMES: [(&'static str, Backend); 3] = [
        ("github", Backend::Github),
        ("gitlab", Backend::Gitlab),
        ("git-gateway", Backend::GitGateway),
    ];

    /// The backend's name.
    pub(crate) fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, b)| *b == self)
            .map_or("github", |(n, _)| n)
    }
}

/// The checked `cms:` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cms {
    /// Where the editor saves.
    pub backend: Backend,
    /// `owner/name` (GitLab: `group/…/name`); `None` for the git gateway.
    pub repo: Option<String>,
    /// The branch the editor commits to.
    pub branch: String,
}

/// The branch when `cms:` names none.
pub(crate) const DEFAULT_BRANCH: &str = "main";

/// Checks `cms:`, reporting every problem with its line in `site.yaml`.
pub(crate) fn check(raw: &RawCms, text: &str, report: &mut Report) -> Option<Cms> {
    let file = Path::new(SETTINGS_FILE);
    let at = |s: &serde_saphyr::Location, message: String| {
        Diagnostic::error(file, message).at(text, s.line() as usize, s.column() as usize)
    };
    let names = || {
        Backend::NAMES
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let before = report.diagnostics().len();
    let backend = Backend::NAMES
        .iter()
        .find(|(n, _)| *n == raw.backend.value)
        .map(|(_, b)| *b);
    if backend.is_none() {
        report.push(
            at(
                &raw.backend.referenced,
                format!("`{}` is not an editor backend", raw.backend.value),
            )
            .help(format!("use one of: {}", names())),
        );
    }
    let repo = raw.repo.as_ref().map(|r| r.value.clone());
    match (backend, &raw.repo) {
        (Some(Backend::GitGateway), Some(r)) => report.push(
            at(
                &r.referenced,
                "the git gateway saves to the site's own repository".to_owned(),
            )
            .help("remove `repo:`, or use `backend: github` or `gitlab`"),
        ),
        (Some(Backend::Github | Backend::Gitlab), None) => report.push(
            at(
                &raw.backend.referenced,
                format!("`backend: {}` needs `repo:`", raw.backend.value),
            )
            .help("add `repo: owner/name`, the repository the project lives in"),
        ),
        (_, Some(r)) if !is_repo(&r.value) => report.push(
            at(&r.referenced, format!("`{}` is not a repository", r.value))
                .help("write it as owner/name, e.g. polarledger/partners"),
        ),
        _ => {}
    }
    let branch = match &raw.branch {
        Some(b) if !is_branch(&b.value) => {
            report.push(
                at(&b.referenced, format!("`{}` is not a branch name", b.value))
                    .help("use letters, digits, `-`, `_`, `.` and `/`, e.g. main"),
            );
            String::new()
        }
        Some(b) => b.value.clone(),
        None => DEFAULT_BRANCH.to_owned(),
    };
    (report.diagnostics().len() == before).then(|| Cms {
        backend: backend.unwrap_or(Backend::Github),
        repo,
        branch,
    })
}

fn is_name_part(part: &str) -> bool {
    !part.is_empty()
        && !part.starts_with('.')
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `owner/name` or `group/subgroup/name`.
fn is_repo(repo: &str) -> bool {
    repo.split('/').count() >= 2 && repo.len() <= 200 && repo.split('/').all(is_name_part)
}

fn is_branch(branch: &str) -> bool {
    branch.len() <= 200 && !branch.contains("..") && branch.split('/').all(is_name_part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_and_branches_are_plain_names() {
        assert!(is_repo("polarledger/partners"));
        assert!(is_repo("group/sub/site.io"));
        assert!(!is_repo("partners"));
        assert!(!is_repo("a/../b"));
        assert!(!is_repo("a/b c"));
        assert!(is_branch("main"));
        assert!(is_branch("cms/drafts"));
        assert!(!is_branch("a..b"));
        assert!(!is_branch("main\nx"));
    }
}
