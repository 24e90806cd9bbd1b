//! Small projects for unit tests, loaded as a build loads them.
//!
//! Unit tests of the stages above `load` (site, kits, results) need a real
//! [`Project`]: settings checked, playbooks resolved per partner, Markdown rendered.
//! [`TestProject`] writes the smallest valid project into a temporary folder, two
//! markets and their playbooks but no partner and no story, and each test adds only
//! the files its case is about before loading it. (The integration tests have their
//! own, fuller fixture under `tests/testsuite/fixtures/`.)
#![cfg(test)]

use std::path::Path;

use crate::model::project::Project;

/// Two markets: `us` (English, USD) and `ru` (Russian, RUB).
const SITE: &str = "\
title: T
base_url: https://p.test
languages: [en, ru]
markets:
  us: {landing: \"https://j.test\", language: en, currency: USD}
  ru: {landing: \"https://j.test/ru\", language: ru, currency: RUB}
referral:
  campaign: c
";

/// A reward of 150 paid 14 days after a referral qualifies.
const US_PLAYBOOK: &str = "\
lead: reward
message: {en: Join, ru: Присоединяйтесь}
incentives: {reward: 150, payout_days: 14}
channels: [email]
";

/// A reward of 12,000 paid after 30 days.
const RU_PLAYBOOK: &str = "\
lead: trust
message: {en: Join, ru: Присоединяйтесь}
incentives: {reward: 12000, payout_days: 30}
channels: [email]
";

/// A project being written into its own temporary folder.
pub(crate) struct TestProject {
    dir: tempfile::TempDir,
}

impl TestProject {
    /// The two markets of [`SITE`] with their playbooks, one Fluent message per
    /// language, an empty partner registry and no stories or pages.
    pub(crate) fn new() -> TestProject {
        let project = TestProject {
            dir: tempfile::tempdir().expect("a temporary folder"),
        };
        project
            .write("site.yaml", SITE)
            .write("content/partners.yaml", "partners: []\n")
            .write("content/playbooks/us.yaml", US_PLAYBOOK)
            .write("content/playbooks/ru.yaml", RU_PLAYBOOK)
            .write("locales/en/main.ftl", "hello = Hello\n")
            .write("locales/ru/main.ftl", "hello = Привет\n")
    }

    /// Writes (or replaces) the file at `path`, relative to the project's root.
    pub(crate) fn write(self, path: &str, text: &str) -> TestProject {
        let path = self.dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a file in a folder"))
            .expect("create the folder");
        std::fs::write(path, text).expect("write the file");
        self
    }

    /// The registry: `entries` are the YAML list items under `partners:`.
    pub(crate) fn partners(self, entries: &str) -> TestProject {
        self.write("content/partners.yaml", &format!("partners:\n{entries}"))
    }

    /// `count` stories, `story-0000` on, each in English and Russian.
    pub(crate) fn stories(mut self, count: usize) -> TestProject {
        for i in 0..count {
            for lang in ["en", "ru"] {
                self = self.write(
                    &format!("content/stories/story-{i:04}.{lang}.md"),
                    &format!("---\ntitle: Story {i}\nsummary: About {i}\ndate: 2026-01-01\n---\nText {i}.\n"),
                );
            }
        }
        self
    }

    /// The project's root.
    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Loads the project as `build` does; panics with the diagnostics when it does
    /// not load. The folder lives as long as the returned guard.
    pub(crate) fn load(self) -> (tempfile::TempDir, Project) {
        let settings = crate::load::sources::settings(self.root())
            .unwrap_or_else(|e| panic!("the test project's settings:\n{e}"));
        let project = crate::load::project(self.root(), settings)
            .unwrap_or_else(|e| panic!("the test project:\n{e}"));
        (self.dir, project)
    }
}

#[test]
fn an_empty_test_project_loads_with_both_markets_and_nothing_else() {
    let (_dir, project) = TestProject::new().load();
    let mut markets: Vec<&str> = project
        .settings
        .markets
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    markets.sort_unstable();
    assert_eq!(markets, ["ru", "us"]);
    assert!(project.partners.is_empty() && project.stories.is_empty());
}
