//! Tracked referral links.
//!
//! Every call to action a partner shares carries a link built from the referral scheme
//! in `site.yaml`: the market's landing URL, the partner's code and UTM tags for the
//! channel and the asset it came from, so the agency can attribute every referral to
//! its partner, market and channel. Every link emitted is recorded in a [`LinkLog`],
//! which becomes `manifest/links.csv`.
//!
//! A program of 10,000 partners emits a million links, so the log holds each as three
//! small numbers under its partner (the language, channel and asset, interned), and
//! the URLs are built again, partner by partner, when the manifest is written.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Mutex, PoisonError, RwLock};

use crate::model::scheme::{LinkParts, ReferralScheme};
use crate::render::short::Shorts;

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
    /// The short link that leads to it, absolute, if there is one.
    pub short: Option<String>,
}

/// Words (languages, channels, assets) as numbers: each is stored once for the
/// whole build.
#[derive(Debug, Default)]
struct Interner {
    ids: RwLock<Words>,
}

/// Word → number, and number → word.
#[derive(Debug, Default)]
struct Words(HashMap<Box<str>, u32>, Vec<Box<str>>);

impl Interner {
    fn id(&self, word: &str) -> u32 {
        if let Some(&id) = self
            .ids
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .get(word)
        {
            return id;
        }
        let mut ids = self.ids.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&id) = ids.0.get(word) {
            return id;
        }
        let ids = &mut *ids;
        let id = u32::try_from(ids.1.len()).unwrap_or(u32::MAX);
        ids.0.insert(word.into(), id);
        ids.1.push(word.into());
        id
    }

    /// Word → number, as interned so far.
    fn numbers(&self) -> HashMap<Box<str>, u32> {
        self.ids
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            .clone()
    }

    fn words(&self) -> Vec<Box<str>> {
        self.ids
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .clone()
    }
}

/// Every link emitted during a build, collected from parallel renderers: per
/// partner, the (language, channel, asset) of each, interned.
#[derive(Debug, Default)]
pub(crate) struct LinkLog {
    partners: Vec<Mutex<BTreeSet<[u32; 3]>>>,
    words: Interner,
}

impl LinkLog {
    fn with_partners(count: usize) -> LinkLog {
        LinkLog {
            partners: (0..count).map(|_| Mutex::default()).collect(),
            words: Interner::default(),
        }
    }

    /// Records that partner number `index` emitted a link of `parts`.
    fn record(&self, index: usize, parts: &LinkParts<'_>) {
        let key = [
            self.words.id(parts.lang),
            self.words.id(parts.channel),
            self.words.id(parts.asset),
        ];
        if let Some(set) = self.partners.get(index) {
            set.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key);
        }
    }

    /// (channel, asset) of every link of partner number `index`, whatever its language.
    fn channel_assets(&self, index: usize) -> HashSet<(u32, u32)> {
        self.partners.get(index).map_or_else(HashSet::new, |set| {
            set.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .map(|&[_, c, a]| (c, a))
                .collect()
        })
    }

    /// (language, channel, asset) of every link of partner number `index`, sorted.
    fn keys_of<'w>(&self, index: usize, words: &'w [Box<str>]) -> Vec<[&'w str; 3]> {
        let word = |id: u32| words.get(id as usize).map_or("", |w| &**w);
        let mut keys: Vec<[&str; 3]> = self.partners.get(index).map_or_else(Vec::new, |set| {
            set.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .map(|&[l, c, a]| [word(l), word(c), word(a)])
                .collect()
        });
        keys.sort_unstable();
        keys
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
    /// Where its links are kept in the log.
    index: usize,
}

/// How many links a build emitted, for the manifest and the summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct LinkCounts {
    /// Partner id → its links.
    pub by_partner: BTreeMap<String, usize>,
    /// Market id → channel → links.
    pub by_market: BTreeMap<String, BTreeMap<String, usize>>,
}

impl LinkCounts {
    /// Every link.
    pub(crate) fn total(&self) -> usize {
        self.by_partner.values().sum()
    }
}

/// Builds and records every tracked link of a build: the referral scheme, what each
/// partner's links are made of, and the log that becomes `manifest/links.csv`.
#[derive(Debug)]
pub(crate) struct Attribution {
    scheme: ReferralScheme,
    partners: BTreeMap<String, PartnerRef>,
    log: LinkLog,
    shorts: Shorts,
}

impl Attribution {
    /// Prepares links for every partner of `project`.
    pub(crate) fn new(project: &crate::model::project::Project) -> Attribution {
        let partners: BTreeMap<String, PartnerRef> = project
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
                        index: 0,
                    },
                ))
            })
            .enumerate()
            .map(|(index, (id, p))| (id, PartnerRef { index, ..p }))
            .collect();
        Attribution {
            scheme: project.settings.referral.clone(),
            log: LinkLog::with_partners(partners.len()),
            partners,
            shorts: Shorts::for_project(project),
        }
    }

    /// An attribution with no partners (for checking templates when content is broken).
    pub(crate) fn empty(settings: &crate::model::settings::Settings) -> Attribution {
        Attribution {
            scheme: settings.referral.clone(),
            partners: BTreeMap::new(),
            log: LinkLog::default(),
            shorts: Shorts::new(settings),
        }
    }

    fn parts<'a>(
        partner: &'a str,
        p: &'a PartnerRef,
        [lang, channel, asset]: [&'a str; 3],
    ) -> LinkParts<'a> {
        LinkParts {
            landing: &p.landing,
            code: &p.code,
            partner,
            market: &p.market,
            lang,
            channel,
            asset,
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
        let parts = Self::parts(partner, p, [lang, channel, asset]);
        self.log.record(p.index, &parts);
        Ok(self.scheme.link(&parts))
    }

    /// What this build issued, frozen for reading results back: which partner each
    /// code belongs to and which (channel, asset) pairs each partner was given.
    /// Built once (it reads the whole log); each question it answers then costs a few
    /// hash lookups, so a million events are attributed in well under a second.
    pub(crate) fn issued(&self) -> Issued {
        let mut ids = Vec::with_capacity(self.partners.len());
        let mut codes = HashMap::with_capacity(self.partners.len());
        let mut indexes = HashMap::with_capacity(self.partners.len());
        let mut links = Vec::with_capacity(self.partners.len());
        for (number, (id, p)) in self.partners.iter().enumerate() {
            ids.push(id.clone());
            codes.insert(p.code.clone().into_boxed_str(), number);
            indexes.insert(id.clone().into_boxed_str(), number);
            let pairs = self.log.channel_assets(p.index);
            links.push(IssuedLinks {
                channels: pairs.iter().map(|&(c, _)| c).collect(),
                assets: pairs.iter().map(|&(_, a)| a).collect(),
                pairs,
            });
        }
        Issued {
            words: self.log.words.numbers(),
            ids,
            codes,
            indexes,
            links,
        }
    }

    /// Where short links live.
    pub(crate) fn shorts(&self) -> &Shorts {
        &self.shorts
    }

    /// Calls `each` with every partner's links in turn, by partner id, each list sorted
    /// by language, channel and asset: only one partner's URLs exist at a time.
    pub(crate) fn for_each_partner<E>(
        &self,
        mut each: impl FnMut(&[LinkRecord]) -> Result<(), E>,
    ) -> Result<(), E> {
        let words = self.log.words.words();
        let mut records = Vec::new();
        for (id, p) in &self.partners {
            records.clear();
            records.extend(self.log.keys_of(p.index, &words).into_iter().map(|key| {
                let [lang, channel, asset] = key;
                LinkRecord {
                    partner: id.clone(),
                    market: p.market.clone(),
                    lang: lang.to_owned(),
                    channel: channel.to_owned(),
                    asset: asset.to_owned(),
                    url: self.scheme.link(&Self::parts(id, p, key)),
                    short: self.shorts.permalink(&p.code, channel, asset),
                }
            }));
            each(&records)?;
        }
        Ok(())
    }

    /// Every link recorded so far, sorted (for tests and small builds: a large
    /// build goes through [`Attribution::for_each_partner`]).
    #[cfg(test)]
    pub(crate) fn records(&self) -> Vec<LinkRecord> {
        let mut all = Vec::new();
        let _ = self.for_each_partner(|records| {
            all.extend_from_slice(records);
            Ok::<(), ()>(())
        });
        all
    }

    /// Links per partner, and per market and channel.
    pub(crate) fn counts(&self) -> LinkCounts {
        let words = self.log.words.words();
        let mut counts = LinkCounts::default();
        for (id, p) in &self.partners {
            let keys = self.log.keys_of(p.index, &words);
            counts.by_partner.insert(id.clone(), keys.len());
            let market = counts.by_market.entry(p.market.clone()).or_default();
            for [_, channel, _] in keys {
                *market.entry(channel.to_owned()).or_default() += 1;
            }
        }
        counts
    }
}

/// The links a build issued, by partner, for attributing results: a snapshot of the
/// log taken by [`Attribution::issued`].
#[derive(Debug, Default)]
pub(crate) struct Issued {
    /// Channel and asset words → the log's numbers.
    words: HashMap<Box<str>, u32>,
    /// Partner ids, by number (sorted).
    ids: Vec<String>,
    /// Referral code → partner number.
    codes: HashMap<Box<str>, usize>,
    /// Partner id → partner number.
    indexes: HashMap<Box<str>, usize>,
    /// Per partner number: what it has links for.
    links: Vec<IssuedLinks>,
}

/// One partner's issued links: the (channel, asset) pairs, and each side alone so
/// that a question naming one is a single lookup too.
#[derive(Debug, Default)]
struct IssuedLinks {
    /// Every (channel, asset) pair.
    pairs: HashSet<(u32, u32)>,
    /// Every channel.
    channels: HashSet<u32>,
    /// Every asset.
    assets: HashSet<u32>,
}

impl Issued {
    /// The id of the partner whose referral code is `code`, if refkit knows it.
    pub(crate) fn partner(&self, code: &str) -> Option<&str> {
        self.codes
            .get(code)
            .and_then(|&n| self.ids.get(n))
            .map(String::as_str)
    }

    /// Whether refkit issued `partner` a link with `channel` and `asset` (in any
    /// language); `None` for either means "any". False for an unknown partner.
    pub(crate) fn issued(&self, partner: &str, channel: Option<&str>, asset: Option<&str>) -> bool {
        let Some(links) = self.indexes.get(partner).and_then(|&n| self.links.get(n)) else {
            return false;
        };
        let number = |word: Option<&str>| -> Option<Option<u32>> {
            match word {
                None => Some(None),
                Some(w) => self.words.get(w).map(|&n| Some(n)),
            }
        };
        let (Some(channel), Some(asset)) = (number(channel), number(asset)) else {
            return false;
        };
        match (channel, asset) {
            (Some(c), Some(a)) => links.pairs.contains(&(c, a)),
            (Some(c), None) => links.channels.contains(&c),
            (None, Some(a)) => links.assets.contains(&a),
            (None, None) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scheme::DEFAULT_SCHEME;

    fn attribution() -> Attribution {
        let p = |index| PartnerRef {
            code: format!("C{index}"),
            market: "us".into(),
            landing: "https://j.test".into(),
            index,
        };
        Attribution {
            scheme: ReferralScheme::parse(DEFAULT_SCHEME, "c").unwrap(),
            partners: [("a".to_owned(), p(0)), ("b".to_owned(), p(1))].into(),
            log: LinkLog::with_partners(2),
            shorts: Shorts::new(
                &crate::model::settings::Settings::parse("title: T\nbase_url: https://p.test\nlanguages: [en]\nmarkets:\n  us: {landing: 'https://j.test', language: en, currency: USD}\n").unwrap(),
            ),
        }
    }

    #[test]
    fn log_records_each_link_once_in_sorted_order_with_its_url() {
        let attribution = attribution();
        let b = attribution.link("b", "ru", "email", "story-x").unwrap();
        attribution.link("a", "en", "x", "landing").unwrap();
        attribution.link("b", "en", "email", "story-x").unwrap();
        attribution.link("b", "ru", "email", "story-x").unwrap();
        attribution.link("b", "en", "email", "kit").unwrap();
        let records = attribution.records();
        let keys: Vec<[&str; 4]> = records
            .iter()
            .map(|r| [r.partner.as_str(), &r.lang, &r.channel, &r.asset])
            .collect();
        assert_eq!(
            keys,
            [
                ["a", "en", "x", "landing"],
                ["b", "en", "email", "kit"],
                ["b", "en", "email", "story-x"],
                ["b", "ru", "email", "story-x"],
            ]
        );
        assert_eq!(records[3].url, b, "the URL is built again, the same");
        assert_eq!(
            records[3].short, None,
            "no short link leads to a story's link"
        );
        let counts = attribution.counts();
        assert_eq!(counts.total(), 4);
        assert_eq!(counts.by_partner["b"], 3);
        assert_eq!(counts.by_market["us"]["email"], 3);
        attribution.link("a", "en", "qr", "qr").unwrap();
        let qr = attribution
            .records()
            .into_iter()
            .find(|r| r.channel == "qr");
        assert_eq!(
            qr.and_then(|r| r.short).as_deref(),
            Some("https://p.test/r/c0/q/")
        );
        assert!(attribution.link("nobody", "en", "x", "a").is_err());

        let issued = attribution.issued();
        assert_eq!(issued.partner("C1"), Some("b"));
        assert_eq!(issued.partner("C9"), None);
        assert!(issued.issued("b", Some("email"), Some("kit")));
        assert!(issued.issued("b", Some("email"), None));
        assert!(issued.issued("b", None, Some("story-x")));
        assert!(
            !issued.issued("b", Some("email"), Some("landing")),
            "`landing` was issued to `a`, not to `b`"
        );
        assert!(!issued.issued("b", Some("x"), None));
        assert!(!issued.issued("b", Some("never"), None));
        assert!(!issued.issued("nobody", None, None));
        assert!(attribution.link("a", "en", "x", "Not A Slug").is_err());
    }
}
