//! The platforms' exports refkit reads by name, each as the column maps a `mapped`
//! entry would spell, one per interface language whose labels the export uses, and
//! the shape of its file (a preamble, totals rows, further tables). Each preset is
//! written from the columns the tool's source or documentation shows; the README
//! ("Platform exports") names each export's source and how to download it.

use std::collections::{BTreeMap, BTreeSet};

use super::rows::Shape;
use crate::model::results::{ColumnMap, EventKind};

/// A preset: its layouts, its file's shape and the rows it passes over.
pub(super) struct Preset {
    /// Column maps to try in order (an interface language each): the first whose
    /// date and code columns are in the header is read.
    pub(super) layouts: Vec<ColumnMap>,
    /// How the file is split into rows.
    pub(super) shape: Shape,
    /// Labels of rows that are not events (totals).
    pub(super) skip_rows: &'static [&'static str],
}

/// The preset called `name` (one of [`crate::model::results::PRESETS`]).
pub(super) fn preset(name: &str) -> Option<Preset> {
    match name {
        "bitrix24" => Some(bitrix24()),
        "dub-commissions" => Some(dub_commissions()),
        "dub-events" => Some(dub_events()),
        "firstpromoter-commissions" => Some(firstpromoter_commissions()),
        "firstpromoter-referrals" => Some(firstpromoter_referrals()),
        "ga4" => Some(ga4()),
        "yandex-metrica" => Some(yandex_metrica()),
        _ => None,
    }
}

fn words(pairs: &[(&str, EventKind)]) -> BTreeMap<String, EventKind> {
    pairs.iter().map(|(w, k)| ((*w).to_owned(), *k)).collect()
}

fn set(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|w| (*w).to_owned()).collect()
}

fn some(name: &str) -> Option<String> {
    Some(name.to_owned())
}

/// A plain CSV: no preamble, one table.
const PLAIN: Shape = Shape {
    comments: false,
    first_table: false,
};

/// Dub's commissions export (Program → Commissions → Export; `GET
/// /api/commissions/export`): the header is the column ids, money is written as the
/// dashboard shows it (`$1,234.56`, `RUB 2,990.00`), currencies in lower case, and a
/// cell that starts with `-` gets a leading `'`. A `sale` is a payment, a `lead` a
/// sign-up, a `click` commission its `quantity` of clicks; a commission `refunded`,
/// `duplicate`, `fraud` or `canceled` is passed over (its sale did not stand), and a
/// negative amount (a clawback) is a refund. The partner is the enrollment's
/// tenant id (the partner's id in the agency's own system), which holds the partner's
/// referral code.
fn dub_commissions() -> Preset {
    use EventKind::{Click, Payment, Signup};
    Preset {
        layouts: vec![ColumnMap {
            date: "createdAt".to_owned(),
            code: "partnerTenantId".to_owned(),
            event: some("type"),
            event_names: words(&[("click", Click), ("lead", Signup), ("sale", Payment)]),
            event_skip: set(&["custom"]),
            status: some("status"),
            status_skip: set(&["refunded", "duplicate", "fraud", "canceled"]),
            customer: some("customerId"),
            amount: some("amount"),
            currency: some("currency"),
            count: some("quantity"),
            negative_refund: true,
            ..ColumnMap::default()
        }],
        shape: PLAIN,
        skip_rows: &[],
    }
}

/// Dub's events export (Analytics → Events → Export; `GET /api/events/export`), one
/// file per kind of event, with the columns' labels as header: `Date`, `Customer`
/// (`Name <address>`), `Destination URL` (the tracked link, which carries the code,
/// channel and asset) and `Sale Amount`. A row with a sale amount is a payment, one
/// with a customer a sign-up, any other a click.
fn dub_events() -> Preset {
    Preset {
        layouts: vec![ColumnMap {
            date: "Date".to_owned(),
            code: "Destination URL".to_owned(),
            code_param: some("ref"),
            channel_param: some("utm_medium"),
            asset_param: some("utm_content"),
            customer: some("Customer"),
            customer_address: true,
            amount: some("Sale Amount"),
            event_from_cells: true,
            ..ColumnMap::default()
        }],
        shape: PLAIN,
        skip_rows: &[],
    }
}

/// FirstPromoter's referrals export (Referrals → Export CSV; the API's `GET
/// https://api.firstpromoter.com/api/v2/affiliate/referrals/export`): one row per
/// referral with the referral object's fields, `state` saying how far it got, and no
/// money. `cancelled` is a customer who paid and left, so it counts as a customer.
/// The partner is the promoter's referral token (`ref_token`), set to the partner's
/// refkit code.
fn firstpromoter_referrals() -> Preset {
    use EventKind::{Customer, Signup};
    let layout = |customer: &str| ColumnMap {
        date: "created_at".to_owned(),
        code: "ref_token".to_owned(),
        event: some("state"),
        event_names: words(&[
            ("signup", Signup),
            ("subscribed", Signup),
            ("pending", Signup),
            ("active", Customer),
            ("cancelled", Customer),
        ]),
        event_skip: set(&["refunded", "denied", "moved"]),
        customer: some(customer),
        ..ColumnMap::default()
    };
    Preset {
        layouts: vec![layout("uid"), layout("email")],
        shape: PLAIN,
        skip_rows: &[],
    }
}

/// FirstPromoter's commissions export (Commissions → Export CSV; `GET
/// https://api.firstpromoter.com/api/v2/affiliate/commissions/export`): one row per
/// commission, with the sale it was earned on (`sale_amount`, `$`-prefixed) and its
/// `status`. A sale is a payment; a `denied` or `refunded` commission is passed over
/// (its sale did not stand), and a negative sale amount is a refund.
fn firstpromoter_commissions() -> Preset {
    let layout = |customer: &str| ColumnMap {
        date: "created_at".to_owned(),
        code: "ref_token".to_owned(),
        event_default: Some(EventKind::Payment),
        status: some("status"),
        status_skip: set(&["denied", "refunded"]),
        customer: some(customer),
        amount: some("sale_amount"),
        currency: some("currency"),
        negative_refund: true,
        ..ColumnMap::default()
    };
    Preset {
        layouts: vec![layout("uid"), layout("email")],
        shape: PLAIN,
        skip_rows: &[],
    }
}

/// A GA4 exploration (free-form table) downloaded as CSV: `#` lines above the header
/// (with `# Start date: YYYYMMDD`), sometimes further tables below the first, a
/// totals row, `(not set)` for missing values, and the column labels of the
/// interface's language. A row counts the day's visits through one landing address;
/// the code, and the channel and asset when their own columns are empty, come from
/// its query string. Without a Date dimension every row counts on the start date.
fn ga4() -> Preset {
    let layout = |[date, code, channel, asset, count]: [&str; 5]| ColumnMap {
        date: date.to_owned(),
        code: code.to_owned(),
        code_param: some("ref"),
        channel: some(channel),
        channel_param: some("utm_medium"),
        asset: some(asset),
        asset_param: some("utm_content"),
        event_default: Some(EventKind::Click),
        count: some(count),
        ..ColumnMap::default()
    };
    let english = [
        "Date",
        "Landing page + query string",
        "Session medium",
        "Session manual ad content",
        "Sessions",
    ];
    let russian = [
        "Дата",
        "Целевая страница + строка запроса",
        "Канал сеанса",
        "Содержание объявления сеанса, заданное вручную",
        "Сеансы",
    ];
    let undated = |[_, rest @ ..]: [&str; 5]| {
        let [code, channel, asset, count] = rest;
        layout(["", code, channel, asset, count])
    };
    Preset {
        layouts: vec![
            layout(english),
            layout(russian),
            undated(english),
            undated(russian),
        ],
        shape: Shape {
            comments: true,
            first_table: true,
        },
        skip_rows: &["Grand total", "Totals", "Итого", "Общий итог"],
    }
}

/// A Yandex Metrica report (Reports → a report grouped by visit date and landing
/// page, with the UTM groupings → Export → CSV): UTF-8 with a byte order mark, the
/// labels of the interface's language, and the totals row «Итого и средние» (Total
/// and averages) as line 2. A row counts a day's visits through one landing address.
fn yandex_metrica() -> Preset {
    let layout = |[date, code, channel, asset, count]: [&str; 5]| ColumnMap {
        date: date.to_owned(),
        code: code.to_owned(),
        code_param: some("ref"),
        channel: some(channel),
        channel_param: some("utm_medium"),
        asset: some(asset),
        asset_param: some("utm_content"),
        event_default: Some(EventKind::Click),
        count: some(count),
        ..ColumnMap::default()
    };
    Preset {
        layouts: vec![
            layout([
                "Дата визита",
                "Страница входа",
                "UTM Medium",
                "UTM Content",
                "Визиты",
            ]),
            layout([
                "Date of visit",
                "Landing page",
                "UTM Medium",
                "UTM Content",
                "Sessions",
            ]),
        ],
        shape: PLAIN,
        skip_rows: &["Итого и средние", "Total and averages"],
    }
}

/// The currency names Bitrix24 writes in `Валюта` (and their English names), to ISO
/// 4217 codes.
const CURRENCY_NAMES: [(&str, &str); 14] = [
    ("российский рубль", "RUB"),
    ("рубль", "RUB"),
    ("доллар сша", "USD"),
    ("евро", "EUR"),
    ("белорусский рубль", "BYN"),
    ("тенге", "KZT"),
    ("казахстанский тенге", "KZT"),
    ("гривна", "UAH"),
    ("russian ruble", "RUB"),
    ("russian rouble", "RUB"),
    ("us dollar", "USD"),
    ("euro", "EUR"),
    ("belarusian ruble", "BYN"),
    ("kazakhstani tenge", "KZT"),
];

/// Bitrix24's deals list exported to CSV (CRM → Deals → ⚙ → Export to CSV): `;`,
/// every cell quoted, a `;` after the last cell, the interface's labels, `Валюта`
/// holding the currency's name, one line per product of a deal (the deal's own cells
/// repeated), and cp1251 on self-hosted installs (`encoding: windows-1251`). A won
/// deal is a payment of its amount, a lost one is passed over, any other stage is a
/// lead. The code is the deal's promo code field (`Промокод`, a field the agency adds
/// for codes typed at checkout or said on the phone); the UTM fields give the channel
/// and asset.
fn bitrix24() -> Preset {
    use EventKind::{Payment, Signup};
    let names: BTreeMap<String, String> = CURRENCY_NAMES
        .iter()
        .map(|(name, code)| ((*name).to_owned(), (*code).to_owned()))
        .collect();
    let layout = |[id, date, code, stage, amount, currency, channel, asset]: [&str; 8],
                  won: &[&str],
                  lost: &[&str]| ColumnMap {
        date: date.to_owned(),
        code: code.to_owned(),
        channel: some(channel),
        asset: some(asset),
        event: some(stage),
        event_names: won.iter().map(|w| ((*w).to_owned(), Payment)).collect(),
        event_skip: set(lost),
        event_other: Some(Signup),
        customer: some(id),
        amount: some(amount),
        currency: some(currency),
        currency_names: names.clone(),
        continuation: some(id),
        ..ColumnMap::default()
    };
    Preset {
        layouts: vec![
            layout(
                [
                    "ID",
                    "Дата создания",
                    "Промокод",
                    "Стадия сделки",
                    "Сумма",
                    "Валюта",
                    "Тип трафика",
                    "Содержание кампании",
                ],
                &["Сделка успешна"],
                &["Сделка провалена", "Анализ причины провала"],
            ),
            layout(
                [
                    "ID",
                    "Created",
                    "Promo code",
                    "Stage",
                    "Total",
                    "Currency",
                    "UTM Medium",
                    "UTM Content",
                ],
                &["Deal won"],
                &["Deal lost", "Analyze failure"],
            ),
        ],
        shape: PLAIN,
        skip_rows: &[],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_preset_name_site_yaml_accepts_has_columns() {
        for name in crate::model::results::PRESETS {
            let preset = super::preset(name).unwrap_or_else(|| panic!("{name}"));
            assert!(!preset.layouts.is_empty(), "{name}");
        }
    }
}
