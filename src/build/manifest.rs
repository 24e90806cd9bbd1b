//! The CRM export: `manifest/partners.csv` and `manifest/summary.json`; with results,
//! their tables and the agency's report under `manifest/results/`.
//!
//! Beside every tracked link (`links.csv`) and every kit (`kits.csv`), the agency
//! imports one row per partner into its CRM and reads a per-market summary: partners
//! by stage and tier, the channels they share through, and how many tracked links
//! each market and channel has. Both files list only the partners of this build
//! (all of them, or a pilot selection), sorted, so the same input gives the same bytes.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::base::diagnostics::{Diagnostic, Result};
use crate::base::named::Named;
use crate::kits::KitRecord;
use crate::model::partners::{Stage, Tier};
use crate::model::project::Project;
use crate::model::selection::Selection;
use crate::output::{csv, Staging};
use crate::render::links::{Attribution, LinkCounts};
use crate::render::locales::Locales;
use crate::results::Results;

/// Writes the four manifest files: every tracked link, every kit, the partners for
/// the CRM and the program's summary.
pub(crate) fn write(
    staging: &Staging,
    project: &Project,
    attribution: &Attribution,
    links: &LinkCounts,
    kits: &[KitRecord],
    selection: &Selection,
    results: Option<&Results>,
) -> Result<()> {
    // links.csv is written partner by partner: a large program has a million rows.
    staging.write_manifest_with("links.csv", |file| {
        let header = [
            "partner",
            "market",
            "lang",
            "channel",
            "asset",
            "url",
            "short_url",
        ]
        .map(String::from);
        file.write_all(csv([header.to_vec()]).as_bytes())?;
        attribution.for_each_partner(|records| {
            let rows = records.iter().map(|r| {
                vec![
                    r.partner.clone(),
                    r.market.clone(),
                    r.lang.clone(),
                    r.channel.clone(),
                    r.asset.clone(),
                    r.url.clone(),
                    r.short.clone().unwrap_or_default(),
                ]
            });
            file.write_all(csv(rows).as_bytes())
        })
    })?;
    let header = [
        "partner", "market", "lang", "kit_page", "zip", "bytes", "sha256",
    ]
    .map(String::from)
    .to_vec();
    let rows = std::iter::once(header).chain(kits.iter().map(|k| {
        vec![
            k.partner.clone(),
            k.market.clone(),
            k.lang.clone(),
            k.page.clone(),
            k.zip.clone(),
            k.bytes.to_string(),
            k.sha256.clone(),
        ]
    }));
    staging.write_manifest("kits.csv", csv(rows).as_bytes())?;
    staging.write_manifest(
        "partners.csv",
        partners_csv(project, links, kits).as_bytes(),
    )?;
    staging.write_manifest(
        "summary.json",
        summary_json(project, links, selection, results).as_bytes(),
    )?;
    // The results' tables: one CSV each, beside the other manifest files.
    if let Some(results) = results {
        for (name, text) in crate::results::csv_tables(results) {
            staging.write_manifest(&format!("results/{name}.csv"), text.as_bytes())?;
        }
    }
    Ok(())
}

/// Writes the agency's report, `results/report.<lang>.html` for every language of the
/// site and the first language's again as `results/report.html`, into the manifest
/// (never the public folder).
pub(crate) fn write_report(
    staging: &Staging,
    project: &Project,
    results: &Results,
    locales: &Locales,
) -> Result<()> {
    for (n, lang) in project.settings.languages.iter().enumerate() {
        let page = crate::results::report(results, locales, lang).map_err(Diagnostic::project)?;
        if n == 0 {
            staging.write_manifest("results/report.html", page.as_bytes())?;
        }
        staging.write_manifest(&format!("results/report.{lang}.html"), page.as_bytes())?;
    }
    Ok(())
}

/// `partners.csv`: one row per partner, with the CSV formula guard of [`crate::output::csv`].
pub(crate) fn partners_csv(project: &Project, links: &LinkCounts, kits: &[KitRecord]) -> String {
    let header = [
        "partner",
        "name",
        "market",
        "stage",
        "tier",
        "code",
        "channels",
        "ambassador",
        "start",
        "kit_page",
        "links",
    ]
    .map(String::from)
    .to_vec();
    let kit_pages: BTreeMap<(&str, &str), &str> = kits
        .iter()
        .map(|k| ((k.partner.as_str(), k.lang.as_str()), k.page.as_str()))
        .collect();
    let rows = project.partners.iter().map(|p| {
        let playbook = project.playbook(p);
        let ambassador = playbook
            .contact
            .as_ref()
            .filter(|c| c.partner.as_deref() != Some(p.id.as_str()))
            .map(|c| match &c.organisation {
                Some(org) if org != &c.name => format!("{} ({org})", c.name),
                _ => c.name.clone(),
            })
            .unwrap_or_default();
        let market_lang = project
            .settings
            .market(&p.market)
            .map_or("", |m| m.language.as_str());
        let kit_page = kit_pages
            .get(&(p.id.as_str(), market_lang))
            .map(|page| (*page).to_owned())
            .unwrap_or_default();
        let count = links.by_partner.get(&p.id).copied().unwrap_or(0);
        vec![
            p.id.clone(),
            p.name.clone(),
            p.market.clone(),
            p.stage.name().to_owned(),
            p.tier.name().to_owned(),
            p.code.clone(),
            p.channels.join(" "),
            ambassador,
            p.start.map(|d| d.to_string()).unwrap_or_default(),
            kit_page,
            count.to_string(),
        ]
    });
    crate::output::csv(std::iter::once(header).chain(rows))
}

/// `summary.json`: per market, partners by stage and tier, partners per channel, the
/// playbook's preferred channels and tracked links in total and per channel.
pub(crate) fn summary_json(
    project: &Project,
    links: &LinkCounts,
    selection: &Selection,
    results: Option<&Results>,
) -> String {
    let mut markets = serde_json::Map::new();
    for market in &project.settings.markets {
        let partners: Vec<_> = project
            .partners
            .iter()
            .filter(|p| p.market == market.id)
            .collect();
        let mut by_stage: BTreeMap<&str, usize> =
            Stage::ALL.iter().copied().map(|s| (s.name(), 0)).collect();
        let mut by_tier: BTreeMap<&str, usize> =
            Tier::ALL.iter().copied().map(|t| (t.name(), 0)).collect();
        let mut channels: BTreeMap<&str, usize> = BTreeMap::new();
        for p in &partners {
            *by_stage.entry(p.stage.name()).or_default() += 1;
            *by_tier.entry(p.tier.name()).or_default() += 1;
            for c in &p.channels {
                *channels.entry(c.as_str()).or_default() += 1;
            }
        }
        let by_channel = links.by_market.get(&market.id).cloned().unwrap_or_default();
        let total: usize = by_channel.values().sum();
        let preferred: Vec<&str> = project
            .playbooks
            .get(&market.id)
            .map(|p| p.base.channels.iter().map(String::as_str).collect())
            .unwrap_or_default();
        markets.insert(
            market.id.clone(),
            json!({
                "partners": partners.len(),
                "by_stage": by_stage,
                "by_tier": by_tier,
                "channels": channels,
                "preferred_channels": preferred,
                "links": { "total": total, "by_channel": by_channel },
            }),
        );
    }
    let report = json!({
        "selection": if selection.is_all() { Value::Null } else { Value::from(selection.to_string()) },
        "partners": project.partners.len(),
        "registry": project.registry_size,
        "markets": markets,
        "results": results.map(crate::results::summary),
    });
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
