//! What a build produced: counts per market, and the one line a person reads.

use std::collections::BTreeMap;

use crate::kits::KitRecord;
use crate::model::project::Project;
use crate::render::links::LinkCounts;
use crate::site;

/// What a build produced for one market.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarketCounts {
    /// Partners in the market.
    pub partners: usize,
    /// Microsite pages of the market's partners.
    pub pages: usize,
    /// Kit zips of the market's partners.
    pub kits: usize,
    /// Tracked links of the market's partners.
    pub links: usize,
}

/// The images a build's studio made and took from the image cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImageCounts {
    /// Images drawn (brand images, share cards, partner banners, photo crops).
    pub drawn: usize,
    /// Images taken from the image cache instead.
    pub from_cache: usize,
    /// Cache entries removed at the end of the build to keep the cache under its limit.
    pub evicted: usize,
}

/// What a build produced.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildSummary {
    /// HTML pages written.
    pub pages: usize,
    /// Files written to the public folder, pages included.
    pub files: usize,
    /// Tracked links in the manifest.
    pub links: usize,
    /// Bytes written to the public folder.
    pub bytes: u64,
    /// Partners with a microsite (the selected ones in a pilot build).
    pub partners: usize,
    /// Partners in the registry.
    pub registry: usize,
    /// Partners whose kits have no cadence dates (no `start`, `--start` or
    /// `SOURCE_DATE_EPOCH`), so no `cadence.ics`.
    pub undated: usize,
    /// Kit zips written.
    pub kits: usize,
    /// Things the user should know that did not stop the build.
    pub warnings: Vec<String>,
    /// Partners, partner pages, kits and tracked links per market (brand pages belong
    /// to no market).
    pub markets: BTreeMap<String, MarketCounts>,
    /// Seconds spent in each stage, in order: load, pages, kits, write.
    pub stages: Vec<(&'static str, f64)>,
    /// The images drawn and taken from the cache (zero for a build with nothing to do).
    pub images: ImageCounts,
}

impl BuildSummary {
    /// The summary as one line for the output marker.
    pub(super) fn record(&self) -> String {
        let markets: Vec<String> = self
            .markets
            .iter()
            .map(|(m, c)| format!("{m}={}:{}:{}:{}", c.partners, c.pages, c.kits, c.links))
            .collect();
        format!(
            "{} {} {} {} {} {} {} {} {}",
            self.undated,
            self.registry,
            self.pages,
            self.files,
            self.links,
            self.bytes,
            self.partners,
            self.kits,
            if markets.is_empty() {
                "-".to_owned()
            } else {
                markets.join(",")
            }
        )
    }

    /// Reads a summary written by [`BuildSummary::record`].
    pub(super) fn parse(line: &str) -> Option<BuildSummary> {
        let parts: Vec<&str> = line.split(' ').collect();
        let [undated, registry, pages, files, links, bytes, partners, kits, markets] =
            parts.as_slice()
        else {
            return None;
        };
        let mut by_market = BTreeMap::new();
        for pair in markets.split(',').filter(|p| *p != "-") {
            let (m, counts) = pair.split_once('=')?;
            let n: Vec<usize> = counts
                .split(':')
                .map(str::parse)
                .collect::<std::result::Result<_, _>>()
                .ok()?;
            let [partners, pages, kits, links] = n.as_slice() else {
                return None;
            };
            by_market.insert(
                m.to_owned(),
                MarketCounts {
                    partners: *partners,
                    pages: *pages,
                    kits: *kits,
                    links: *links,
                },
            );
        }
        Some(BuildSummary {
            pages: pages.parse().ok()?,
            files: files.parse().ok()?,
            links: links.parse().ok()?,
            bytes: bytes.parse().ok()?,
            partners: partners.parse().ok()?,
            registry: registry.parse().ok()?,
            undated: undated.parse().ok()?,
            kits: kits.parse().ok()?,
            markets: by_market,
            warnings: Vec::new(),
            stages: Vec::new(),
            images: ImageCounts::default(),
        })
    }

    /// "built 89 pages and 16 kits for 8 partners (…) in 0.42 s"; a pilot build says
    /// "for 2 of 8 partners".
    pub fn line(&self, seconds: f64) -> String {
        let undated = if self.undated > 0 {
            format!(
                "; the kits of {} partners have an undated cadence and no cadence.ics (set `start` in {}, --start or {})",
                self.undated,
                crate::base::vocab::REGISTRY_FILE,
                crate::base::env::SOURCE_DATE_EPOCH_VAR
            )
        } else {
            String::new()
        };
        self.said(
            &format!("{} pages and {} kits", self.pages, self.kits),
            seconds,
            &undated,
        )
    }

    /// The line of a build that skipped the kits on purpose: "built 89 pages for 8
    /// partners (…) in 0.42 s; kits skipped (`flag` builds them)", not "0 kits".
    pub(crate) fn line_without_kits(&self, seconds: f64, flag: &str) -> String {
        self.said(
            &format!("{} pages", self.pages),
            seconds,
            &format!("; kits skipped ({flag} builds them too)"),
        )
    }

    fn said(&self, built: &str, seconds: f64, after: &str) -> String {
        let partners = if self.partners < self.registry {
            format!("{} of {}", self.partners, self.registry)
        } else {
            self.partners.to_string()
        };
        format!(
            "built {built} for {partners} partners ({} files, {} tracked links, {:.1} MiB) in {seconds:.2} s{after}",
            self.files,
            self.links,
            self.bytes as f64 / (1024.0 * 1024.0),
        )
    }
}

/// Partners, microsite pages, kits and links per market, every market of the
/// settings listed (with zeros when it has no partners yet).
pub(super) fn market_counts(
    project: &Project,
    jobs: &[site::Job<'_>],
    kits: &[KitRecord],
    links: &LinkCounts,
) -> BTreeMap<String, MarketCounts> {
    let mut counts: BTreeMap<String, MarketCounts> = project
        .settings
        .markets
        .iter()
        .map(|m| (m.id.clone(), MarketCounts::default()))
        .collect();
    fn entry<'a>(
        counts: &'a mut BTreeMap<String, MarketCounts>,
        market: &str,
    ) -> &'a mut MarketCounts {
        counts.entry(market.to_owned()).or_default()
    }
    for p in &project.partners {
        entry(&mut counts, &p.market).partners += 1;
    }
    for p in jobs.iter().filter_map(site::Job::partner) {
        entry(&mut counts, &p.market).pages += 1;
    }
    for k in kits {
        entry(&mut counts, &k.market).kits += 1;
    }
    for (market, channels) in &links.by_market {
        entry(&mut counts, market).links += channels.values().sum::<usize>();
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_no_op_build_reports_the_same_counts_per_market() {
        let mut markets = BTreeMap::new();
        markets.insert(
            "ru".to_owned(),
            MarketCounts {
                partners: 4,
                pages: 32,
                kits: 8,
                links: 90,
            },
        );
        markets.insert("us".to_owned(), MarketCounts::default());
        let summary = BuildSummary {
            pages: 90,
            files: 154,
            links: 90,
            bytes: 1234,
            partners: 4,
            registry: 6,
            undated: 1,
            kits: 8,
            warnings: Vec::new(),
            markets,
            stages: Vec::new(),
            images: ImageCounts::default(),
        };
        assert_eq!(BuildSummary::parse(&summary.record()), Some(summary));
    }
}
