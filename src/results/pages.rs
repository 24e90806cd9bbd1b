//! The partners' results pages: each partner's own row, rewards and facts, made into
//! the values `results.html` shows, in every language.
//!
//! A page holds only its partner's figures: its row of the partner table, its own
//! payouts and its own facts, looked up by its id, so nothing of one partner can reach
//! another's page.

use super::{Dimension, Results};
use crate::base::dates::Date;
use crate::model::partners::Partner;
use crate::model::project::Project;
use crate::render::contract::{BonusStep, NextPayout, PartnerResults, ResultsValues};
use crate::render::loaded::Loaded;
use crate::render::locales::{Arg, Locales};
use crate::render::secret::Secret;
use crate::text::l10n::Formatter;

/// One partner's results page in every language.
#[derive(Debug)]
pub(crate) struct PartnerPage<'a> {
    /// The partner.
    pub(crate) partner: &'a Partner,
    /// The language of the partner's market: the page's default.
    pub(crate) market_lang: &'a str,
    /// (language, root-relative URL, values), one per language.
    pages: Vec<(&'a str, String, ResultsValues)>,
}

impl PartnerPage<'_> {
    /// The root-relative URL of the page in `lang`.
    pub(crate) fn url(&self, lang: &str) -> &str {
        self.pages
            .iter()
            .find(|(l, _, _)| *l == lang)
            .map_or("", |(_, url, _)| url.as_str())
    }

    /// The page's values in `lang`.
    pub(crate) fn values(&self, lang: &str) -> Option<&ResultsValues> {
        self.pages
            .iter()
            .find(|(l, _, _)| *l == lang)
            .map(|(_, _, values)| values)
    }
}

/// The results page of every partner of `project`, below its kit page (whose address
/// comes from `secret`).
pub(crate) fn partner_pages<'a>(
    loaded: &'a Loaded,
    results: &Results,
    secret: &Secret,
) -> Result<Vec<PartnerPage<'a>>, String> {
    let Loaded {
        project,
        locales,
        urls,
        ..
    } = loaded;
    let settings = &project.settings;
    let mut pages = Vec::with_capacity(project.partners.len());
    for partner in &project.partners {
        let Some(market) = settings.market(&partner.market) else {
            continue;
        };
        let market_lang = market.language.as_str();
        let token = secret.token(&partner.id);
        let mut made = Vec::new();
        for lang in &settings.languages {
            let formatter = locales.formatter(lang)?;
            let mut values = partner_results(project, partner, results, formatter, locales, lang)?;
            values.kit_url = urls.kit_page(&token, lang, market_lang);
            made.push((
                lang.as_str(),
                urls.results_page(&token, lang, market_lang),
                ResultsValues { results: values },
            ));
        }
        pages.push(PartnerPage {
            partner,
            market_lang,
            pages: made,
        });
    }
    Ok(pages)
}

/// `partner`'s figures in `lang`.
fn partner_results(
    project: &Project,
    partner: &Partner,
    results: &Results,
    formatter: &Formatter,
    locales: &Locales,
    lang: &str,
) -> Result<PartnerResults, String> {
    let currency = project
        .settings
        .market(&partner.market)
        .map_or("", |m| m.currency.as_str());
    let money = |minor: i64| {
        let unit = 10_f64.powi(i32::try_from(super::minor_digits(currency)).unwrap_or(2));
        #[allow(clippy::cast_precision_loss)]
        formatter.money_f64(minor as f64 / unit, currency)
    };
    let long = |day: Date| formatter.date(&day.to_string());
    let row = results
        .tables
        .get(&Dimension::Partner)
        .and_then(|rows| rows.iter().find(|r| r.key == partner.id))
        .map(|r| &r.metrics);
    let payouts: Vec<_> = results
        .payouts
        .iter()
        .filter(|p| p.partner == partner.id)
        .collect();
    let earned: i64 = payouts.iter().map(|p| p.owed()).sum();
    let data_end = results.data_end;
    let next_day = payouts
        .iter()
        .map(|p| p.due)
        .filter(|due| data_end.is_none_or(|end| *due > end))
        .min();
    let next_payout = match next_day {
        Some(day) => {
            let due: Vec<_> = payouts.iter().filter(|p| p.due == day).collect();
            Some(NextPayout {
                date: day.to_string(),
                date_text: long(day)?,
                amount: money(due.iter().map(|p| p.amount).sum()),
                customers: due.len() as u64,
            })
        }
        None => None,
    };
    let facts = results.partners.get(&partner.id);
    let months = match (facts.and_then(|f| f.start), data_end) {
        (Some(start), Some(end)) if start <= end => super::tally::months_between(start, end),
        _ => 0,
    };
    let incentives = &project.playbook(partner).terms.incentives;
    let bonus = incentives
        .bonuses
        .iter()
        .rev()
        .find(|b| b.after_months <= months)
        .map(|b| BonusStep {
            after_months: b.after_months,
            percent: b.percent,
        });
    let next = incentives.bonuses.iter().find(|b| b.after_months > months);
    let percent = match row.and_then(|m| m.click_to_customer) {
        Some(rate) => Some(locales.format(
            lang,
            crate::base::vocab::messages::RESULTS_PERCENT,
            &[(
                "value",
                Arg::Text(formatter.number(rate * 100.0, Some(1), Some(1))),
            )],
        )?),
        None => None,
    };
    Ok(PartnerResults {
        data_end: data_end.map(|d| d.to_string()),
        data_end_text: data_end.map(long).transpose()?,
        clicks: row.map_or(0, |m| m.clicks),
        signups: row.map_or(0, |m| m.signups),
        customers: row.map_or(0, |m| m.customers),
        staying: facts.map_or(0, |f| f.staying),
        click_to_customer: percent,
        earned: money(earned),
        next_payout,
        months,
        bonus,
        next_bonus: next.map(|b| BonusStep {
            after_months: b.after_months,
            percent: b.percent,
        }),
        months_to_next_bonus: next.map(|b| b.after_months - months),
        exclusive: incentives.exclusive,
        kit_url: String::new(),
    })
}
