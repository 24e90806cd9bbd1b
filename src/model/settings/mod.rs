//! Site settings: `site.yaml`, read once, checked once.
//!
//! Two stages, as in ripgrep's arguments: [`RawSettings`] mirrors the file (unknown keys
//! are errors with file and line), and [`Settings`] is the checked form every later
//! stage relies on without re-validating: languages known, markets complete, the
//! referral scheme parsed, URLs normalised.

mod sections;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::base::diagnostics::{Diagnostic, Report, Result};
use crate::base::slug;
use crate::base::vocab::SETTINGS_FILE;
use crate::base::yaml;
use crate::model::cms::{Cms, RawCms};
use crate::model::deploy::{check_kits_base_url, check_targets, RawTarget, Target};
use crate::model::results::{check_entries, RawResultsFile, ResultsFile};
use crate::model::scheme::{check_absolute_url, ReferralScheme};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    title: String,
    base_url: Spanned<String>,
    languages: Vec<Spanned<String>>,
    markets: BTreeMap<String, Spanned<RawMarket>>,
    #[serde(default)]
    referral: Option<RawReferral>,
    #[serde(default)]
    channels: Option<BTreeMap<String, RawChannel>>,
    #[serde(default)]
    theme: Option<Spanned<String>>,
    #[serde(default)]
    kits: Option<RawKits>,
    #[serde(default)]
    results: Option<Vec<Spanned<RawResultsFile>>>,
    #[serde(default)]
    kits_base_url: Option<Spanned<String>>,
    #[serde(default)]
    deploy: Option<BTreeMap<String, Spanned<RawTarget>>>,
    #[serde(default)]
    cms: Option<RawCms>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKits {
    #[serde(default)]
    sizes: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarket {
    landing: Spanned<String>,
    language: Spanned<String>,
    currency: Spanned<String>,
    #[serde(default)]
    region: Option<Spanned<String>>,
    // Incentives moved to the market's playbook; these are read only to say so.
    #[serde(default)]
    lead: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    reward: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    payout_days: Option<serde::de::IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReferral {
    #[serde(default)]
    url: Option<Spanned<String>>,
    campaign: Spanned<String>,
    #[serde(default)]
    links_in_copy: Option<CopyLinks>,
}

/// Which form of a partner's link the copy in its kit prints (`referral.links_in_copy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CopyLinks {
    /// The short link of the copy's channel and asset, `/r/<code>/<segment>/<tag>/`,
    /// which leads to the full tracked link.
    #[default]
    Short,
    /// The full tracked link, for programs whose site cannot host short links.
    Full,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel {
    #[serde(default)]
    limit: Option<usize>,
    #[serde(default)]
    short: Option<String>,
}

/// One market of the network: where its links point, its language and currency. Its
/// incentives, message, channels and cadence are in its playbook
/// (`content/playbooks/<market>.yaml`, see [`crate::model::playbooks`]).
#[derive(Debug, Clone)]
pub struct Market {
    /// Market id, e.g. `us`.
    pub id: String,
    /// Landing URL that referral links point at.
    pub landing: String,
    /// The market's default language.
    pub language: String,
    /// ISO 4217 currency code of rewards.
    pub currency: String,
    /// ISO 3166-1 region of its audience (`US`), for `og:locale`: `region` in
    /// `site.yaml`, else the market id in capitals when it is two letters.
    pub region: Option<String>,
}

/// A channel partners share through, with its length limit for posts.
#[derive(Debug, Clone)]
pub struct Channel {
    /// Channel id as used in file names and `utm_medium`, e.g. `telegram`.
    pub id: String,
    /// Maximum post length in characters, if the platform has one.
    pub limit: Option<usize>,
    /// The channel's segment in a partner's short link (`/r/<code>/<short>/`).
    pub short: String,
}

/// Checked site settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The brand, shown in every page title.
    pub title: String,
    /// Absolute base URL without a trailing slash, e.g. `https://partners.example.com`.
    pub base_url: String,
    /// Path part of `base_url`, starting and ending with `/`.
    pub base_path: String,
    /// Languages in order; the first is the default.
    pub languages: Vec<String>,
    /// Markets sorted by id.
    pub markets: Vec<Market>,
    /// Channels sorted by id.
    pub channels: Vec<Channel>,
    /// How referral links are built.
    pub referral: ReferralScheme,
    /// Whether copy prints short links or full tracked links.
    pub copy_links: CopyLinks,
    /// The theme folder under `themes/`.
    pub theme: String,
    /// Banner sizes in kits, as (width, height).
    pub kit_sizes: Vec<(u32, u32)>,
    /// The tracking side's exports to read back (`results:`), in the order listed.
    pub(crate) results: Vec<ResultsFile>,
    /// Where kit files (zips, drafts, images) are served when not beside the site,
    /// without a trailing slash: `kits_base_url`.
    pub kits_base_url: Option<String>,
    /// `refkit deploy`'s targets, sorted by name.
    pub deploy: Vec<Target>,
    /// Where the browser editor saves (`cms:`), if the project uses it.
    pub(crate) cms: Option<Cms>,
}

impl Settings {
    /// The Open Graph locale of a page in `lang` (`en_US`, `ru_RU`): the language
    /// with the region of the market that speaks it, `market` (a partner's) first,
    /// then the first market by id; a language no market speaks takes
    /// `market`'s region, else the first market's. `None` when no market has a region.
    /// A US partner's Russian page is `ru_RU`: a locale the platforms know, and the
    /// readers it was written for.
    pub fn og_locale(&self, lang: &str, market: Option<&str>) -> Option<String> {
        let market = market.and_then(|m| self.market(m));
        let speaks = |m: &&Market| m.language == lang && m.region.is_some();
        let region = market
            .filter(speaks)
            .or_else(|| self.markets.iter().find(speaks))
            .or(market.filter(|m| m.region.is_some()))
            .or_else(|| self.markets.iter().find(|m| m.region.is_some()))
            .and_then(|m| m.region.as_deref())?;
        Some(format!("{lang}_{region}"))
    }

    /// The default language: the first one listed.
    pub fn default_language(&self) -> &str {
        &self.languages[0]
    }

    /// The market with id `id`.
    pub fn market(&self, id: &str) -> Option<&Market> {
        self.markets.iter().find(|m| m.id == id)
    }

    /// The channel with id `id`.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// Market ids, comma-separated, for error messages.
    pub fn market_list(&self) -> String {
        self.markets
            .iter()
            .map(|m| m.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Channel ids, comma-separated, for error messages.
    pub fn channel_list(&self) -> String {
        self.channels
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Replaces the base URL (for previews and CI deployments to another host).
    pub fn set_base_url(&mut self, url: &str) -> std::result::Result<(), String> {
        let (base_url, base_path) = split_base_url(url)?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }

    /// Serves kit files beside the site (for the preview, which serves them itself).
    pub fn keep_kits_beside_site(&mut self) {
        self.kits_base_url = None;
    }

    /// Checks the text of a `site.yaml`.
    pub fn parse(text: &str) -> Result<Settings> {
        let file = Path::new(SETTINGS_FILE);
        let raw: RawSettings = yaml::parse_file(file, text)?;
        let mut report = Report::default();

        use sections::*;
        let (base_url, base_path) = check_base_url(&raw.base_url, text, &mut report);
        let languages = check_languages(&raw.languages, text, &mut report);
        let markets = check_markets(&raw.markets, &languages, text, &mut report);
        let channels = check_channels(raw.channels.as_ref(), &mut report);
        let referral = check_referral(raw.referral.as_ref(), text, &mut report);
        let theme = check_theme(raw.theme.as_ref(), text, &mut report);
        let kit_sizes = check_kit_sizes(
            raw.kits.as_ref().and_then(|k| k.sizes.as_ref()),
            text,
            &mut report,
        );
        let results = check_entries(
            raw.results.as_deref().unwrap_or_default(),
            text,
            &mut report,
        );
        let cms = raw
            .cms
            .as_ref()
            .and_then(|c| crate::model::cms::check(c, text, &mut report));

        let kits_base_url = check_kits_url(raw.kits_base_url.as_ref(), text, &mut report);
        let deploy = check_targets(
            raw.deploy.as_ref().unwrap_or(&BTreeMap::new()),
            raw.kits_base_url.is_some(),
            text,
            &mut report,
        );

        report.into_result()?;
        Ok(Settings {
            title: raw.title,
            base_url,
            base_path,
            languages,
            markets,
            channels,
            referral: referral.expect("a scheme error is reported above"),
            copy_links: raw
                .referral
                .as_ref()
                .and_then(|r| r.links_in_copy)
                .unwrap_or_default(),
            theme,
            kit_sizes,
            results,
            kits_base_url,
            deploy,
            cms,
        })
    }
}

/// Banner sizes of kits when site.yaml names none: a link preview, a square post, a story.
pub(crate) const DEFAULT_KIT_SIZES: [(u32, u32); 3] = [(1200, 630), (1080, 1080), (1080, 1920)];

fn parse_size(text: &str) -> Option<(u32, u32)> {
    let (w, h) = text.split_once(['x', '×'])?;
    let w: u32 = w.trim().parse().ok()?;
    let h: u32 = h.trim().parse().ok()?;
    let ok = |n: u32| (16..=4096).contains(&n);
    (ok(w) && ok(h)).then_some((w, h))
}

/// Channels and limits used when `site.yaml` does not list its own.
fn default_channels() -> Vec<Channel> {
    crate::base::vocab::channels::DEFAULTS
        .into_iter()
        .map(|(id, limit)| Channel {
            id: id.to_owned(),
            limit,
            short: crate::base::vocab::short_links::segment(id).to_owned(),
        })
        .collect()
}

/// Two capital ASCII letters, as ISO 3166-1 region codes are.
fn is_region(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
}

/// Splits a base URL into the URL without a trailing slash and its path (`/…/`).
fn split_base_url(url: &str) -> std::result::Result<(String, String), String> {
    check_absolute_url(url).map_err(|why| format!("base_url {why}"))?;
    if url.contains(['?', '#']) {
        return Err(format!(
            "base_url `{url}` must not have a query or fragment"
        ));
    }
    let trimmed = url.trim_end_matches('/');
    let after_scheme = trimmed.split_once("://").map_or("", |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let base_path = format!("{path}/");
    Ok((trimmed.to_owned(), base_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOY_SITE: &str = "title: T\nbase_url: https://e.com\nlanguages: [en]\nmarkets:\n  us: {landing: 'https://e.com/us', language: en, currency: USD}\n";

    fn deploy_errors(extra: &str) -> String {
        match Settings::parse(&format!("{DEPLOY_SITE}{extra}")) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn targets_are_checked_with_their_lines() {
        let s = Settings::parse(&format!(
            "{DEPLOY_SITE}deploy:\n  r2:\n    endpoint: https://a.r2.cloudflarestorage.com/\n    region: auto\n    bucket: kits\n    prefix: /p/\n"
        ))
        .unwrap();
        let t = &s.deploy[0];
        assert_eq!(
            (
                t.name.as_str(),
                t.endpoint.as_deref(),
                t.region.as_str(),
                t.prefix.as_str()
            ),
            (
                "r2",
                Some("https://a.r2.cloudflarestorage.com"),
                "auto",
                "p"
            )
        );
        assert_eq!(
            (t.files, t.path_style),
            (crate::model::deploy::Files::All, false)
        );
        let e = deploy_errors(
            "deploy:\n  r2:\n    endpoint: http://storage.example\n    bucket: kits\n",
        );
        assert!(
            e.contains("site.yaml:8:") && e.contains("plain http"),
            "{e}"
        );
        let e = deploy_errors("deploy:\n  r2:\n    bucket: Kits\n    files: some\n");
        assert!(
            e.contains("not a bucket name") && e.contains("not a choice of files"),
            "{e}"
        );
        // With kits on their own host, a target says which files it takes.
        let e =
            deploy_errors("kits_base_url: https://kits.e.com\ndeploy:\n  r2:\n    bucket: kits\n");
        assert!(e.contains("does not say which files"), "{e}");
        assert!(deploy_errors("kits_base_url: https://kits.e.com\ndeploy:\n  r2:\n    bucket: kits\n    files: kits\n").is_empty());
        assert!(deploy_errors("kits_base_url: kits.e.com\n").contains("kits_base_url"));
    }

    const MINIMAL: &str = "title: Demo\nbase_url: https://example.com/kit/\nlanguages: [en, ru]\nmarkets:\n  us:\n    landing: https://example.com/us\n    language: en\n    currency: USD\n";

    #[test]
    fn minimal_settings_are_accepted_with_defaults() {
        let s = Settings::parse(MINIMAL).unwrap();
        assert_eq!(s.base_url, "https://example.com/kit");
        assert_eq!(s.base_path, "/kit/");
        assert_eq!(s.default_language(), "en");
        assert_eq!(s.theme, "harbor");
        assert!(s.channel("x").is_some_and(|c| c.limit == Some(280)));
    }

    #[test]
    fn open_graph_locales_pair_a_language_with_the_region_of_a_market_speaking_it() {
        let text = format!("{MINIMAL}  ru:\n    landing: https://example.com/ru\n    language: ru\n    currency: RUB\n  cis:\n    landing: https://example.com/cis\n    language: ru\n    currency: RUB\n    region: KZ\n");
        let s = Settings::parse(&text).unwrap();
        assert_eq!(s.og_locale("en", None).as_deref(), Some("en_US"));
        assert_eq!(s.og_locale("en", Some("ru")).as_deref(), Some("en_US"));
        assert_eq!(s.og_locale("ru", Some("ru")).as_deref(), Some("ru_RU"));
        assert_eq!(s.og_locale("ru", Some("cis")).as_deref(), Some("ru_KZ"));
        // A US partner's Russian page: the first market by id that speaks Russian.
        assert_eq!(s.og_locale("ru", Some("us")).as_deref(), Some("ru_KZ"));
        let bad = format!("{MINIMAL}    region: usa\n");
        let Err(crate::base::diagnostics::Error::Content(d)) = Settings::parse(&bad) else {
            panic!("expected a content error");
        };
        assert!(
            d[0].message.contains("`usa` is not a region code"),
            "{}",
            d[0]
        );
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let text = MINIMAL.replace("title: Demo\n", "title: Demo\ncolour: blue\n");
        let Err(crate::base::diagnostics::Error::Content(d)) = Settings::parse(&text) else {
            panic!("expected a content error");
        };
        assert_eq!(d[0].line, Some(2), "{}", d[0]);
        assert!(d[0].message.contains("colour"), "{}", d[0]);
    }

    #[test]
    fn market_language_must_be_listed() {
        let text = MINIMAL.replace("language: en", "language: de");
        let Err(crate::base::diagnostics::Error::Content(d)) = Settings::parse(&text) else {
            panic!("expected a content error");
        };
        assert!(d[0].message.contains("`de`"), "{}", d[0]);
        assert_eq!(d[0].line, Some(7), "{}", d[0]);
    }

    #[test]
    fn incentives_left_in_site_yaml_point_to_the_playbook() {
        let text = format!("{MINIMAL}    reward: 150\n    payout_days: 14\n");
        let Err(crate::base::diagnostics::Error::Content(d)) = Settings::parse(&text) else {
            panic!("expected a content error");
        };
        assert!(d[0].message.contains("`reward`, `payout_days`"), "{}", d[0]);
        assert!(
            d[0].help
                .as_deref()
                .unwrap()
                .contains("content/playbooks/us.yaml"),
            "{}",
            d[0]
        );
    }

    #[test]
    fn results_entries_are_checked_into_formats_with_their_lines() {
        let text = format!(
            "{MINIMAL}results:\n  - {{ file: results/a.csv, format: refkit, currency: USD }}\n  - file: results/crm.csv\n    format: mapped\n    columns: {{ date: Дата, code: Код, event: Событие }}\n    events: {{ Оплата: payment, Отказ: skip }}\n"
        );
        let s = Settings::parse(&text).unwrap();
        assert_eq!(s.results.len(), 2);
        assert_eq!(s.results[0].format, crate::model::results::Format::Refkit);
        assert_eq!(s.results[0].currency.as_deref(), Some("USD"));
        assert_eq!(s.results[0].line, 10);
        let crate::model::results::Format::Mapped(map) = &s.results[1].format else {
            panic!("{:?}", s.results[1].format);
        };
        assert_eq!(map.date, "Дата");
        assert_eq!(
            map.event_names.get("Оплата"),
            Some(&crate::model::results::EventKind::Payment)
        );
        assert!(map.event_skip.contains("Отказ"));
    }

    #[test]
    fn results_entries_outside_results_or_with_unknown_words_are_errors_at_their_line() {
        let text = format!(
            "{MINIMAL}results:\n  - {{ file: /etc/passwd, format: refkit }}\n  - {{ file: results/../x.csv, format: refkit }}\n  - {{ file: results/b.csv, format: mapped, columns: {{ date: D, code: C, event: E }}, events: {{ Paid: paid }} }}\n  - {{ file: results/c.csv, format: refkit, currency: usd }}\n"
        );
        let Err(crate::base::diagnostics::Error::Content(d)) = Settings::parse(&text) else {
            panic!("expected a content error");
        };
        let lines: Vec<Option<usize>> = d.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(10), Some(11), Some(12), Some(13)], "{d:#?}");
        assert!(d[2].message.contains("`paid` is not an event"), "{}", d[2]);
        assert!(d[3].message.contains("`usd`"), "{}", d[3]);
    }
}
