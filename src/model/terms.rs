//! The program's terms as words: every figure of every market's playbook, written
//! for each language, for the Markdown shortcode and the drift check.
//!
//! Stories and pages do not restate a term by hand: they write
//! `{{ terms.<market>.<name> }}` (or `{{ terms.<market>.<segment>.<name> }}` for a
//! tier or stage override, e.g. `{{ terms.us.large.reward }}`), and the loader puts
//! the playbook's value there, formatted for the document's language, before the
//! Markdown is rendered. So a brand page's table of terms cannot drift from the
//! playbooks. The same figures are what `refkit check` compares hand-written amounts,
//! percentages and day counts against.

use std::collections::BTreeMap;

use crate::base::named::Named;
use crate::model::partners::{Stage, Tier};
use crate::model::playbooks::{Playbook, Terms};
use crate::model::settings::Settings;
use crate::text::l10n::Formatter;

/// The names a shortcode may ask for, with what each is.
pub(crate) const NAMES: &[(&str, &str)] = &[
    ("offer", "the client's offer in one line"),
    ("offer_days", "the client's free days"),
    ("offer_discount", "the client's discount, as a percentage"),
    ("offer_months", "the months the client's discount lasts"),
    ("reward", "the partner's reward per paying client, as money"),
    ("payout_days", "days from qualification to payout"),
    (
        "attribution_days",
        "days a click is credited to the partner",
    ),
    (
        "bonus_percent",
        "the first long-term bonus, as a percentage",
    ),
    (
        "bonus_months",
        "months of partnership before the first bonus",
    ),
    (
        "top_bonus_percent",
        "the highest long-term bonus, as a percentage",
    ),
    (
        "top_bonus_months",
        "months of partnership before the highest bonus",
    ),
];

/// The opening of a terms shortcode.
pub(crate) const OPEN: &str = "{{";
/// Its close.
pub(crate) const CLOSE: &str = "}}";

/// Every market's terms by segment and language, as text.
#[derive(Debug, Clone, Default)]
pub(crate) struct TermSheet {
    /// (market, segment (`""` for the market's own), language) → name → text.
    values: BTreeMap<(String, String, String), BTreeMap<&'static str, String>>,
}

/// A figure of a playbook as a number, with its kind, for the drift check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Figure {
    /// An amount of the market's currency.
    Money(u64),
    /// A percentage.
    Percent(u32),
    /// A number of days.
    Days(u32),
}

impl TermSheet {
    /// The sheet of `playbooks` in every language of `settings`; languages without
    /// a CLDR formatter are left out (the build reports them elsewhere).
    pub(crate) fn new(settings: &Settings, playbooks: &BTreeMap<String, Playbook>) -> TermSheet {
        let mut values = BTreeMap::new();
        for lang in &settings.languages {
            let Ok(f) = Formatter::new(lang) else {
                continue;
            };
            for (market, playbook) in playbooks {
                let currency = settings.market(market).map_or("", |m| m.currency.as_str());
                for (segment, terms) in segments(playbook) {
                    values.insert(
                        (market.clone(), segment, lang.clone()),
                        words(&terms, lang, currency, &f),
                    );
                }
            }
        }
        TermSheet { values }
    }

    /// Replaces every `{{ terms.… }}` of `body` with its text in `lang`. An unknown
    /// market, segment or name is an `Err` with its byte offset in `body` and what
    /// is wrong.
    pub(crate) fn expand(&self, body: &str, lang: &str) -> Result<Option<String>, (usize, String)> {
        self.expand_for(body, lang, None)
    }

    /// [`TermSheet::expand`] in a text of one market (pitch copy under
    /// `content/pitch/<market>/`), where `{{ terms.<name> }}` is that market's.
    pub(crate) fn expand_for(
        &self,
        body: &str,
        lang: &str,
        market: Option<&str>,
    ) -> Result<Option<String>, (usize, String)> {
        if !body.contains("{{") {
            return Ok(None);
        }
        let mut out = String::with_capacity(body.len());
        let mut rest = body;
        let mut at = 0;
        let mut changed = false;
        while let Some(start) = rest.find(OPEN) {
            let Some(len) = rest[start..].find(CLOSE) else {
                break;
            };
            let inner = rest[start + OPEN.len()..start + len].trim();
            let Some(path) = inner.strip_prefix("terms.") else {
                out.push_str(&rest[..start + len + CLOSE.len()]);
                at += start + len + CLOSE.len();
                rest = &rest[start + len + CLOSE.len()..];
                continue;
            };
            let text = self
                .lookup(path, lang, market)
                .map_err(|why| (at + start, why))?;
            out.push_str(&rest[..start]);
            out.push_str(text);
            changed = true;
            at += start + len + CLOSE.len();
            rest = &rest[start + len + CLOSE.len()..];
        }
        out.push_str(rest);
        Ok(changed.then_some(out))
    }

    fn lookup(&self, path: &str, lang: &str, own: Option<&str>) -> Result<&str, String> {
        let parts: Vec<&str> = path.split('.').collect();
        let (market, segment, name) = match (parts.as_slice(), own) {
            ([n], Some(m)) => (m, "", *n),
            ([m, n], _) => (*m, "", *n),
            ([m, s, n], _) => (*m, *s, *n),
            _ => {
                return Err(format!(
                    "`terms.{path}` is not a term: write `terms.<market>.<name>` or `terms.<market>.<tier or stage>.<name>`"
                ))
            }
        };
        let Some(values) =
            self.values
                .get(&(market.to_owned(), segment.to_owned(), lang.to_owned()))
        else {
            let markets: Vec<&str> = self.markets().collect();
            return Err(if markets.contains(&market) {
                format!(
                    "`{segment}` is not a tier or stage (tiers: {}; stages: {})",
                    Tier::NAMES.join(", "),
                    Stage::NAMES.join(", ")
                )
            } else {
                format!(
                    "`{market}` is not a market with a playbook (markets: {})",
                    markets.join(", ")
                )
            });
        };
        values.get(name).map(String::as_str).ok_or_else(|| {
            if NAMES.iter().any(|(n, _)| *n == name) {
                format!("the playbook of `{market}` states no `{name}`")
            } else {
                format!(
                    "`{name}` is not a term; use one of: {}",
                    NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                )
            }
        })
    }

    /// The markets on the sheet.
    fn markets(&self) -> impl Iterator<Item = &str> {
        let mut seen: Vec<&str> = self.values.keys().map(|(m, _, _)| m.as_str()).collect();
        seen.dedup();
        seen.into_iter()
    }
}

/// A market's own terms (segment `""`) and each tier's and stage's on top of them.
pub(crate) fn segments(playbook: &Playbook) -> Vec<(String, Terms)> {
    let mut out = vec![(String::new(), playbook.base.clone())];
    for (tier, o) in &playbook.tiers {
        let mut t = playbook.base.clone();
        o.apply(&mut t);
        out.push((tier.name().to_owned(), t));
    }
    for (stage, o) in &playbook.stages {
        let mut t = playbook.base.clone();
        o.apply(&mut t);
        out.push((stage.name().to_owned(), t));
    }
    out
}

/// Every figure of `terms` by name, as the drift check compares them.
pub(crate) fn figures(terms: &Terms) -> Vec<(&'static str, Figure)> {
    let i = &terms.incentives;
    let mut out = vec![
        ("reward", Figure::Money(i.reward)),
        ("payout_days", Figure::Days(i.payout_days)),
        ("attribution_days", Figure::Days(i.attribution_days)),
    ];
    for b in &i.bonuses {
        out.push(("bonus_percent", Figure::Percent(b.percent)));
    }
    if let Some(o) = &terms.offer {
        if o.free_days > 0 {
            out.push(("offer_days", Figure::Days(o.free_days)));
        }
        if o.discount_percent > 0 {
            out.push(("offer_discount", Figure::Percent(o.discount_percent)));
        }
    }
    out
}

fn words(
    terms: &Terms,
    lang: &str,
    currency: &str,
    f: &Formatter,
) -> BTreeMap<&'static str, String> {
    let number = |n: u64| f.number(n as f64, None, None);
    let percent = |p: u32| f.percent(f64::from(p) / 100.0, 0);
    let i = &terms.incentives;
    let mut out = BTreeMap::new();
    out.insert("reward", f.money_units(i.reward, currency));
    out.insert("payout_days", number(u64::from(i.payout_days)));
    out.insert("attribution_days", number(u64::from(i.attribution_days)));
    if let (Some(first), Some(top)) = (i.bonuses.first(), i.bonuses.last()) {
        out.insert("bonus_percent", percent(first.percent));
        out.insert("bonus_months", number(u64::from(first.after_months)));
        out.insert("top_bonus_percent", percent(top.percent));
        out.insert("top_bonus_months", number(u64::from(top.after_months)));
    }
    if let Some(o) = &terms.offer {
        out.insert("offer_days", number(u64::from(o.free_days)));
        out.insert("offer_discount", percent(o.discount_percent));
        out.insert("offer_months", number(u64::from(o.discount_months)));
        if let Some(s) = o.summary_in(lang, number) {
            out.insert("offer", s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> TermSheet {
        let mut values = BTreeMap::new();
        let mut us = BTreeMap::new();
        us.insert("reward", "$150".to_owned());
        us.insert("offer_days", "30".to_owned());
        values.insert(("us".into(), String::new(), "en".into()), us);
        let mut large = BTreeMap::new();
        large.insert("reward", "$250".to_owned());
        values.insert(("us".into(), "large".into(), "en".into()), large);
        TermSheet { values }
    }

    #[test]
    fn a_shortcode_becomes_the_playbooks_figure_for_its_market_and_segment() {
        let out = sheet()
            .expand("Try {{ terms.us.offer_days }} days; partners earn {{terms.us.reward}}, large ones {{ terms.us.large.reward }}.", "en")
            .unwrap();
        assert_eq!(
            out.as_deref(),
            Some("Try 30 days; partners earn $150, large ones $250.")
        );
    }

    #[test]
    fn text_without_shortcodes_and_other_braces_stay_as_written() {
        assert_eq!(sheet().expand("No terms here.", "en"), Ok(None));
        assert_eq!(sheet().expand("{{ other }} {x}", "en"), Ok(None));
    }

    #[test]
    fn an_unknown_market_or_name_is_refused_at_its_offset() {
        let (at, why) = sheet()
            .expand("ab {{ terms.de.reward }}", "en")
            .unwrap_err();
        assert_eq!(at, 3);
        assert!(why.contains("`de` is not a market"), "{why}");
        let (_, why) = sheet().expand("{{ terms.us.prize }}", "en").unwrap_err();
        assert!(why.contains("`prize` is not a term"), "{why}");
        let (_, why) = sheet()
            .expand("{{ terms.us.huge.reward }}", "en")
            .unwrap_err();
        assert!(why.contains("`huge` is not a tier or stage"), "{why}");
    }

    #[test]
    fn pitch_copy_of_one_market_may_leave_the_market_out() {
        let out = sheet().expand_for("{{ terms.offer_days }} days", "en", Some("us"));
        assert_eq!(out, Ok(Some("30 days".to_owned())));
        assert!(sheet().expand("{{ terms.offer_days }}", "en").is_err());
    }
}
