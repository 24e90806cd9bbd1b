//! Tracked referral links.
//!
//! Every call to action a partner shares carries a link built from the referral scheme
//! in `site.yaml`: the market's landing URL, the partner's code and UTM tags for the
//! channel and the asset it came from, so the agency can attribute every referral to
//! its partner, market and channel. Every link emitted is recorded in a [`LinkLog`],
//! which becomes `manifest/links.csv`.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::scheme::{LinkParts, ReferralScheme};
use std::sync::Mutex;

/// One tracked link emitted somewhere in the output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct LinkRecord {
    /// Partner id.
    pub partner: String,
    /// Market id.
    pub market: String,
    /// Language of the page or kit.
    pub lang: String,
    /// `utm_medium`.
    pub channel: String,
    /// `utm_content`.
    pub asset: String,
    /// The full link.
    pub url: String,
}

/// Every link emitted during a build, collected from parallel renderers.
#[derive(Debug, Default)]
pub(crate) struct LinkLog {
    records: Mutex<BTreeSet<LinkRecord>>,
}

impl LinkLog {
    /// Builds the link for `parts` with `scheme` and records it.
    pub(crate) fn emit(&self, scheme: &ReferralScheme, parts: &LinkParts<'_>) -> String {
        let url = scheme.link(parts);
        let record = LinkRecord {
            partner: parts.partner.to_owned(),
            market: parts.market.to_owned(),
            lang: parts.lang.to_owned(),
            channel: parts.channel.to_owned(),
            asset: parts.asset.to_owned(),
            url: url.clone(),
        };
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(record);
        url
    }

    /// The recorded links in sorted order (partner, market, language, channel, asset).
    pub(crate) fn sorted(&self) -> Vec<LinkRecord> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }
}

/// What a partner's links are built from.
#[derive(Debug, Clone)]
pub(crate) struct PartnerRef {
    /// Referral code.
    pub code: String,
    /// Market id.
    pub market: String,
    /// The market's landing URL.
    pub landing: String,
}

/// Builds and records every tracked link of a build: the referral scheme, what each
/// partner's links are made of, and the log that becomes `manifest/links.csv`.
#[derive(Debug)]
pub(crate) struct Attribution {
    scheme: ReferralScheme,
    partners: BTreeMap<String, PartnerRef>,
    log: LinkLog,
}

impl Attribution {
    /// Prepares links for every partner of `project`.
    pub(crate) fn new(project: &crate::model::project::Project) -> Attribution {
        let partners = project
            .partners
            .iter()
            .filter_map(|p| {
                let market = project.settings.market(&p.market)?;
                Some((
                    p.id.clone(),
                    PartnerRef {
                        code: p.code.clone(),
                        market: p.market.clone(),
                        landing: market.landing.clone(),
                    },
                ))
            })
            .collect();
        Attribution {
            scheme: project.settings.referral.clone(),
            partners,
            log: LinkLog::default(),
        }
    }

    /// An attribution with no partners (for checking templates when content is broken).
    pub(crate) fn empty(settings: &crate::model::settings::Settings) -> Attribution {
        Attribution {
            scheme: settings.referral.clone(),
            partners: BTreeMap::new(),
            log: LinkLog::default(),
        }
    }

    /// The tracked link of `partner` for `channel` and `asset` in `lang`, recorded in
    /// the log. Fails when the partner is unknown or the asset is not a safe slug.
    pub(crate) fn link(
        &self,
        partner: &str,
        lang: &str,
        channel: &str,
        asset: &str,
    ) -> Result<String, String> {
        let p = self
            .partners
            .get(partner)
            .ok_or_else(|| format!("there is no partner `{partner}`"))?;
        if !crate::base::slug::is_slug(asset) {
            return Err(format!(
                "asset `{asset}` is not a safe slug: {}",
                crate::base::slug::SLUG_HELP
            ));
        }
        Ok(self.log.emit(
            &self.scheme,
            &LinkParts {
                landing: &p.landing,
                code: &p.code,
                partner,
                market: &p.market,
                lang,
                channel,
                asset,
            },
        ))
    }

    /// Every link recorded so far, sorted.
    pub(crate) fn records(&self) -> Vec<LinkRecord> {
        self.log.sorted()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scheme::tests::parts;
    use crate::model::scheme::DEFAULT_SCHEME;

    #[test]
    fn log_records_each_link_once_in_sorted_order() {
        let scheme = ReferralScheme::parse(DEFAULT_SCHEME, "c").unwrap();
        let log = LinkLog::default();
        log.emit(&scheme, &parts("b"));
        log.emit(&scheme, &parts("a"));
        log.emit(&scheme, &parts("b"));
        let records = log.sorted();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].asset, "a");
    }
}
