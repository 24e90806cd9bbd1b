//! The files behind the model's checked types: `site.yaml`, the partner registry and
//! the markets' playbooks, read here and checked by [`crate::model`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::diagnostics::{push_error, Diagnostic, Report, Result};
use crate::base::files::{files_under, read_text};
use crate::base::vocab::{PLAYBOOKS_DIR, REGISTRY_FILE, SETTINGS_FILE};
use crate::model::documents::Pitch;
use crate::model::partners::{self, Partner};
use crate::model::playbooks::{self, Playbook};
use crate::model::settings::Settings;

/// Reads and checks `site.yaml` in `root`.
pub(crate) fn settings(root: &Path) -> Result<Settings> {
    let path = root.join(SETTINGS_FILE);
    let text = read_text(&path, Path::new(SETTINGS_FILE))?;
    Settings::parse(&text)
}

/// Reads and checks the registry in `root`. A project without one has no partners.
pub(crate) fn partners(root: &Path, settings: &Settings) -> Result<Vec<Partner>> {
    let path = root.join(REGISTRY_FILE);
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = read_text(&path, Path::new(REGISTRY_FILE))?;
    partners::parse(&text, settings)
}

/// Reads every market's playbook, reporting every problem at once. `partners` is the
/// whole registry (ambassadors are found there even when a build selects fewer).
pub(crate) fn playbooks(
    root: &Path,
    settings: &Settings,
    pitches: &[Pitch],
    partners: &[Partner],
    report: &mut Report,
) -> BTreeMap<String, Playbook> {
    let mut playbooks = BTreeMap::new();
    let dir = root.join(PLAYBOOKS_DIR);
    match files_under(root, &dir) {
        Ok(files) => {
            for (_, shown) in files {
                let known = shown.parent() == Some(Path::new(PLAYBOOKS_DIR))
                    && shown
                        .file_name()
                        .and_then(|n| n.to_str())
                        .and_then(|n| n.strip_suffix(".yaml"))
                        .is_some_and(|m| settings.market(m).is_some());
                if !known {
                    report.push(
                        Diagnostic::error(&shown, "this file is not the playbook of a market")
                            .help(format!(
                                "playbooks are {PLAYBOOKS_DIR}/<market>.yaml, one per market of site.yaml: {}",
                                settings.market_list()
                            )),
                    );
                }
            }
        }
        Err(err) => {
            push_error(report, err);
            return playbooks;
        }
    }
    for market in &settings.markets {
        let shown = PathBuf::from(format!("{PLAYBOOKS_DIR}/{}.yaml", market.id));
        let path = root.join(&shown);
        if !path.is_file() {
            report.push(
                Diagnostic::error(&shown, format!("market `{}` has no playbook", market.id))
                    .help("write its incentives, channels and cadence there; the README (\"Playbooks\") shows every key"),
            );
            continue;
        }
        let text = match read_text(&path, &shown) {
            Ok(t) => t,
            Err(err) => {
                push_error(report, err);
                continue;
            }
        };
        if let Some(p) = playbooks::parse(
            &shown, &text, &market.id, settings, pitches, partners, report,
        ) {
            playbooks.insert(market.id.clone(), p);
        }
    }
    playbooks
}
