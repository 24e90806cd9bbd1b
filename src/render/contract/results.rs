//! The partner's results page: what `results.html` gets besides
//! [`super::PageContext`], made by `results::pages` from the build's results.
//!
//! Amounts are formatted for the page's language in the market's currency; counts are
//! plain numbers, for the template to put through Fluent plurals.

use serde::Serialize;

/// `results`: what the partner's links did, up to the day the data ends.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PartnerResults {
    /// The day the data ends, `YYYY-MM-DD`; `none` before any event was read.
    pub data_end: Option<String>,
    /// The same day in the language's long form.
    pub data_end_text: Option<String>,
    /// Clicks on the partner's links.
    pub clicks: u64,
    /// Sign-ups that came through them.
    pub signups: u64,
    /// Paying customers credited to the partner.
    pub customers: u64,
    /// Credited customers who still pay in the month the data ends.
    pub staying: u64,
    /// Clicks that became paying customers, as a percentage for people ("4.4").
    pub click_to_customer: Option<String>,
    /// Every reward earned so far, bonuses included, formatted ("$1,305").
    pub earned: String,
    /// The next payout after the data ends, if one is due.
    pub next_payout: Option<NextPayout>,
    /// Whole months since the partnership started.
    pub months: u32,
    /// The long-term bonus step reached, if any.
    pub bonus: Option<BonusStep>,
    /// The next bonus step, if there is one.
    pub next_bonus: Option<BonusStep>,
    /// Months until the next step.
    pub months_to_next_bonus: Option<u32>,
    /// True when the partner holds exclusive partner status.
    pub exclusive: bool,
    /// Root-relative URL of the partner's kit page in this language.
    pub kit_url: String,
}

/// `results.next_payout`: the rewards falling due on one day.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NextPayout {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The language's long form.
    pub date_text: String,
    /// The amount, formatted.
    pub amount: String,
    /// How many customers' rewards it pays.
    pub customers: u64,
}

/// `results.bonus` and `results.next_bonus`: a long-term bonus step.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BonusStep {
    /// Months of partnership it takes.
    pub after_months: u32,
    /// Extra reward, in percent.
    pub percent: u32,
}

/// What `results.html` gets besides the page variables.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ResultsValues {
    /// The partner's results.
    pub results: PartnerResults,
}
