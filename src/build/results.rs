//! The results step: every result file `site.yaml` lists read one event at a time
//! into the ledger that attributes them through the links this build issued, then
//! each partner's results page rendered below its kit page.

use std::path::Path;

use indicatif::ProgressBar;

use super::{BuildOptions, SitePlan};
use crate::base::diagnostics::{Diagnostic, Error, Result};
use crate::model::project::Project;
use crate::output::Staging;
use crate::render::links::Attribution;
use crate::render::loaded::Loaded;
use crate::render::secret::Secret;
use crate::site;

/// The result files read and attributed, and each partner's results page (with the
/// kits); `None` when `site.yaml` lists no result files.
pub(super) fn write_results(
    loaded: &Loaded,
    plan: &SitePlan<'_>,
    staging: &Staging,
    secret: &Secret,
    options: &BuildOptions,
    warnings: &mut Vec<String>,
) -> Result<Option<crate::results::Results>> {
    let project = &loaded.project;
    let results = read_results(&options.root, project, &loaded.attribution)?;
    if let Some(results) = &results {
        warnings.extend(unattributed_warning(results));
    }
    if let Some(results) = results.as_ref().filter(|_| !options.skip_kits) {
        // Each partner's results page, below its kit page.
        let pages =
            crate::results::partner_pages(loaded, results, secret).map_err(Diagnostic::project)?;
        let jobs = site::plan_results(project, &pages);
        site::render_pages(
            &jobs,
            &plan.contexts,
            &loaded.templates,
            staging,
            &ProgressBar::hidden(),
        )?;
    }
    Ok(results)
}

/// The warning for result rows no partner was credited with, by cause; `None` when
/// every row was credited.
fn unattributed_warning(results: &crate::results::Results) -> Option<String> {
    let causes: Vec<String> = results
        .unattributed
        .iter()
        .filter(|(cause, _)| **cause != crate::results::Cause::NoPartner)
        .map(|(cause, u)| format!("{} {}", u.rows, cause.name()))
        .collect();
    (!causes.is_empty()).then(|| {
        format!(
            "warning: result rows not credited to any partner, by cause: {}; manifest/results/unattributed.csv lists where",
            causes.join(", ")
        )
    })
}

/// Problems reported for one result file before the rest are only counted.
const RESULT_PROBLEMS_SHOWN: usize = 200;

/// Reads every result file `site.yaml` lists, one event at a time, into the ledger
/// that attributes them through the links this build issued; `None` when it lists
/// none. Every problem of every file is reported at once (the first
/// [`RESULT_PROBLEMS_SHOWN`] of a file, then a count).
fn read_results(
    root: &Path,
    project: &Project,
    attribution: &Attribution,
) -> Result<Option<crate::results::Results>> {
    let files = &project.settings.results;
    if files.is_empty() {
        return Ok(None);
    }
    let mut ledger = crate::results::Ledger::new(project, attribution);
    let mut report = crate::base::diagnostics::Report::default();
    for file in files {
        ledger.begin_file(file);
        if file.format == crate::model::results::Format::Paid {
            // A partner a pilot build leaves out has no reward to mark.
            let read = crate::load::results::read_paid(root, file, &mut |paid| {
                let _ = ledger.paid(&paid.partner, &paid.customer, paid.day);
            });
            match read {
                Ok(_) => {}
                Err(Error::Content(problems)) => report.extend(problems),
                Err(other) => return Err(other),
            }
            continue;
        }
        let (mut shown, mut more) = (Vec::new(), 0usize);
        let read = crate::load::results::read(root, file, &mut |event| {
            if let Err(problem) = ledger.add(&event) {
                if shown.len() < RESULT_PROBLEMS_SHOWN {
                    shown.push(problem);
                } else {
                    more += 1;
                }
            }
        });
        match read {
            Ok(stats) => ledger.no_partner(stats.no_partner_rows, stats.no_partner_events),
            Err(Error::Content(problems)) => report.extend(problems),
            Err(other) => return Err(other),
        }
        report.extend(shown);
        if more > 0 {
            report.push(Diagnostic::error(
                &file.path,
                format!("{more} more rows of this file have the same kinds of problems"),
            ));
        }
    }
    report.into_result()?;
    Ok(Some(ledger.finish()))
}
