//! The platforms' documented exports refkit reads by name, each as the column map a
//! `mapped` entry would spell. The README ("Results") names each export's source.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::results::{ColumnMap, EventKind};

/// A preset: its columns, and whether its file opens with `#` comment lines.
pub(super) struct Preset {
    /// Which column holds each field.
    pub(super) columns: ColumnMap,
    /// The export writes `#` lines (report name, date range) above its header.
    pub(super) comments: bool,
}

/// The preset called `name` (one of [`crate::model::results::PRESETS`]).
pub(super) fn preset(name: &str) -> Option<Preset> {
    match name {
        "firstpromoter" => Some(firstpromoter()),
        "ga4" => Some(ga4()),
        _ => None,
    }
}

/// FirstPromoter's referrals export (`GET /api/v2/company/referrals/export`,
/// `text/csv`): one row per referral, with the fields of its documented referral
/// object. A referral's `state` says how far it got.
fn firstpromoter() -> Preset {
    use EventKind::{Customer, Refund, Signup};
    let names: BTreeMap<String, EventKind> = [
        ("signup", Signup),
        ("subscribed", Signup),
        ("pending", Signup),
        ("active", Customer),
        ("refunded", Refund),
    ]
    .into_iter()
    .map(|(w, k)| (w.to_owned(), k))
    .collect();
    let skip: BTreeSet<String> = ["cancelled", "denied", "moved"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    Preset {
        columns: ColumnMap {
            date: "created_at".to_owned(),
            code: "ref_id".to_owned(),
            event: Some("state".to_owned()),
            event_names: names,
            event_skip: skip,
            customer: Some("uid".to_owned()),
            ..ColumnMap::default()
        },
        comments: false,
    }
}

/// A GA4 exploration (free-form table) downloaded as CSV, with the dimensions Date,
/// Session medium, Session manual ad content and Landing page + query string, and the
/// metric Sessions: a row counts the day's visits through one link. The code is the
/// `ref` parameter of the landing page's query string.
fn ga4() -> Preset {
    Preset {
        columns: ColumnMap {
            date: "Date".to_owned(),
            code: "Landing page + query string".to_owned(),
            code_param: Some("ref".to_owned()),
            channel: Some("Session medium".to_owned()),
            asset: Some("Session manual ad content".to_owned()),
            event_default: Some(EventKind::Click),
            count: Some("Sessions".to_owned()),
            ..ColumnMap::default()
        },
        comments: true,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_preset_name_site_yaml_accepts_has_columns() {
        for name in crate::model::results::PRESETS {
            assert!(super::preset(name).is_some(), "{name}");
        }
    }
}
