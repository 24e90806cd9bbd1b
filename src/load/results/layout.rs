//! How a file's columns are laid out: which column holds what, read from its header
//! for the format or preset it is in, and each row turned into an event through it.

use super::*;

/// Where each field is in a file's rows.
pub(super) struct Layout {
    columns: ColumnMap,
    /// `None`: every row is on `default_day`.
    date: Option<usize>,
    default_day: Option<Date>,
    code: usize,
    channel: Option<usize>,
    asset: Option<usize>,
    event: Option<usize>,
    status: Option<usize>,
    customer: Option<usize>,
    amount: Option<usize>,
    currency: Option<usize>,
    count: Option<usize>,
    pub(super) continuation: Option<usize>,
}

/// The text of a cell, trimmed; `None` when empty or an analytics tool's "not set".
pub(super) fn value(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty() && !NOT_SET.iter().any(|n| n.eq_ignore_ascii_case(text))).then_some(text)
}

impl Layout {
    /// The first of `layouts` whose columns are all in `header` (a preset's optional
    /// ones aside); when none is, every missing column of the first is an error at
    /// the header's line, naming it.
    pub(super) fn choose(
        header: &Record,
        layouts: Vec<ColumnMap>,
        format: &Format,
        lenient: bool,
        default_day: Option<Date>,
        sink: &mut Sink<'_>,
    ) -> Option<Layout> {
        let names: Vec<&str> = header.cells().map(str::trim).collect();
        let mut first_missing = None;
        let count = layouts.len();
        let mut others = Vec::new();
        for (n, columns) in layouts.into_iter().enumerate() {
            match Layout::find(&names, columns, format, lenient, default_day) {
                Ok(layout) => return Some(layout),
                Err((missing, columns)) => {
                    if n == 0 {
                        first_missing = Some((missing, columns));
                    } else if !columns.date.is_empty() {
                        others.push(format!("`{}`, `{}`", columns.date, columns.code));
                    }
                }
            }
        }
        let (missing, columns) = first_missing?;
        let also = if count > 1 && !others.is_empty() {
            format!(" (in another interface language: {})", others.join("; "))
        } else {
            String::new()
        };
        for (field, name) in missing {
            let mut d = Diagnostic::error(
                sink.file,
                format!("the header has no column `{name}` (the {field})"),
            )
            .help(format!(
                "{}{also}; the header has: {}",
                header_help(format, &columns),
                names.join(", ")
            ));
            d.line = Some(header.line);
            d.column = Some(1);
            d.snippet = Some(header.source().to_owned());
            sink.push(d);
        }
        None
    }

    /// Finds each column `columns` names in `names`, or says which are missing.
    #[allow(clippy::type_complexity)]
    fn find(
        names: &[&str],
        mut columns: ColumnMap,
        format: &Format,
        lenient: bool,
        default_day: Option<Date>,
    ) -> std::result::Result<Layout, (Vec<(&'static str, String)>, ColumnMap)> {
        let find = |name: &str| {
            names.iter().position(|n| *n == name).or_else(|| {
                let lower = name.to_lowercase();
                names.iter().position(|n| n.to_lowercase() == lower)
            })
        };
        if matches!(format, Format::Refkit) && find("count").is_some() {
            columns.count = Some("count".to_owned());
        }
        let mut missing = Vec::new();
        let mut want = |field: &'static str, name: Option<&String>, optional: bool| {
            let name = name?;
            let found = find(name);
            if found.is_none() && !optional {
                missing.push((field, name.clone()));
            }
            found
        };
        let undated = columns.date.is_empty();
        let date = if undated {
            None
        } else {
            want("date", Some(&columns.date), false)
        };
        let code = want("referral code", Some(&columns.code), false);
        let event = want("event", columns.event.as_ref(), false);
        let channel = want("channel", columns.channel.as_ref(), lenient);
        let asset = want("asset", columns.asset.as_ref(), lenient);
        let status = want("status", columns.status.as_ref(), lenient);
        let customer = want("customer", columns.customer.as_ref(), lenient);
        let amount = want("amount", columns.amount.as_ref(), lenient);
        let currency = want("currency", columns.currency.as_ref(), lenient);
        let count = want("count", columns.count.as_ref(), lenient);
        let continuation = want("record id", columns.continuation.as_ref(), lenient);
        if undated && default_day.is_none() {
            missing.push(("date", "# Start date".to_owned()));
        }
        let Some(code) = code.filter(|_| missing.is_empty()) else {
            return Err((missing, columns));
        };
        Ok(Layout {
            date,
            default_day,
            code,
            channel,
            asset,
            event,
            status,
            customer,
            amount,
            currency,
            count,
            continuation,
            columns,
        })
    }

    /// What one row is; its problems go to `sink`.
    pub(super) fn event(&self, record: &Record, file: &ResultsFile, sink: &mut Sink<'_>) -> Read {
        let text = |i: Option<usize>| i.and_then(|i| value(record.get(i)));
        let mut ok = true;
        let code_cell = record.get(self.code);
        let code = match &self.columns.code_param {
            Some(param) => query_param(code_cell, param),
            None => value(code_cell).map(str::to_owned),
        };
        let mut count = 1;
        if let Some(raw) = text(self.count) {
            match cells::count(raw) {
                Ok(n) => count = n,
                Err(why) => {
                    sink.cell(
                        record,
                        self.count.unwrap_or(0),
                        format!("the count `{raw}` cannot be read: {why}"),
                        "a count is how many events the row stands for: 0, 1, 2, … (an empty cell is 1)".to_owned(),
                    );
                    ok = false;
                }
            }
        }
        let Some(code) = code else {
            return if ok {
                Read::NoPartner(count)
            } else {
                Read::Bad
            };
        };
        let day = match self.date {
            None => self.default_day,
            Some(i) => {
                let day = cells::day(record.get(i));
                if day.is_none() {
                    sink.cell(
                        record,
                        i,
                        format!("`{}` is not a date refkit reads", record.get(i).trim()),
                        "write YYYY-MM-DD (also read: 2026-06-01T10:00:00Z, 20260601, 01.06.2026 day first, 06/01/2026 month first)".to_owned(),
                    );
                    ok = false;
                }
                day
            }
        };
        let mut kind = match self.kind(record, sink) {
            Ok(Some(kind)) => Some(kind),
            Ok(None) => return Read::PassedOver,
            Err(()) => {
                ok = false;
                None
            }
        };
        let currency = match (self.currency, text(self.currency)) {
            (Some(i), Some(c)) => {
                let named = self.columns.currency_names.get(&c.to_lowercase()).cloned();
                let code = named.unwrap_or_else(|| c.to_uppercase());
                if is_currency(&code) {
                    Some(code)
                } else {
                    sink.cell(
                        record,
                        i,
                        format!("`{c}` is not an ISO 4217 currency code"),
                        "use three letters, e.g. USD or RUB".to_owned(),
                    );
                    ok = false;
                    None
                }
            }
            _ => None,
        };
        let money = matches!(kind, Some(EventKind::Payment | EventKind::Refund));
        let mut amount = None;
        if let (true, Some(i), Some(raw)) = (money, self.amount, text(self.amount)) {
            match self.money(raw, currency.as_deref(), file.currency.as_deref()) {
                Ok(minor_and_currency) => {
                    let (minor, currency) = minor_and_currency;
                    if minor < 0 && kind == Some(EventKind::Payment) && self.columns.negative_refund
                    {
                        kind = Some(EventKind::Refund);
                    }
                    if minor < 0 && kind != Some(EventKind::Refund) {
                        sink.cell(
                            record,
                            i,
                            format!("the amount `{raw}` is negative"),
                            "money given back is a `refund` event with the amount it returned"
                                .to_owned(),
                        );
                        ok = false;
                    }
                    amount = Some(Money {
                        minor: minor.abs(),
                        currency,
                    });
                }
                Err((message, help)) => {
                    sink.cell(record, i, message, help);
                    ok = false;
                }
            }
        }
        if !ok {
            return Read::Bad;
        }
        let (Some(day), Some(kind)) = (day, kind) else {
            return Read::Bad;
        };
        let from_address = |field: Option<usize>, param: &Option<String>| {
            text(field).map(str::to_owned).or_else(|| {
                let param = param.as_deref()?;
                self.columns
                    .code_param
                    .as_ref()
                    .and_then(|_| query_param(code_cell, param))
            })
        };
        let customer = text(self.customer).map(|c| {
            let address = c
                .rsplit_once('<')
                .and_then(|(_, rest)| rest.strip_suffix('>'))
                .filter(|_| self.columns.customer_address);
            address.unwrap_or(c).trim().to_owned()
        });
        // Columns are counted only for rows whose money the ledger may question.
        let (currency_column, code_column) = if money {
            let column = |i: usize| record.position(i).1;
            (
                self.currency.or(self.amount).map_or(1, column),
                column(self.code),
            )
        } else {
            (1, 1)
        };
        Read::Event(Event {
            day,
            code: code.to_uppercase(),
            channel: from_address(self.channel, &self.columns.channel_param),
            asset: from_address(self.asset, &self.columns.asset_param),
            kind,
            customer,
            amount,
            count,
            origin: Origin {
                file: file.path.clone(),
                line: record.line,
                currency_column,
                code_column,
            },
        })
    }

    /// The row's event: `Ok(None)` when the format passes it over, `Err` (reported)
    /// when its word is unknown.
    fn kind(
        &self,
        record: &Record,
        sink: &mut Sink<'_>,
    ) -> std::result::Result<Option<EventKind>, ()> {
        let columns = &self.columns;
        if let Some(status) = self.status.and_then(|i| value(record.get(i))) {
            let lower = status.to_lowercase();
            if columns
                .status_skip
                .iter()
                .any(|w| w.to_lowercase() == lower)
            {
                return Ok(None);
            }
        }
        let Some(i) = self.event else {
            if columns.event_from_cells {
                let has = |i: Option<usize>| i.and_then(|i| value(record.get(i))).is_some();
                return Ok(Some(if has(self.amount) {
                    EventKind::Payment
                } else if has(self.customer) {
                    EventKind::Signup
                } else {
                    EventKind::Click
                }));
            }
            return Ok(columns.event_default);
        };
        let word = record.get(i).trim();
        let lower = word.to_lowercase();
        if columns.event_skip.iter().any(|w| w.to_lowercase() == lower) {
            return Ok(None);
        }
        let kind = columns
            .event_names
            .iter()
            .find(|(w, _)| w.to_lowercase() == lower)
            .map(|(_, k)| *k)
            .or_else(|| EventKind::parse(&lower))
            .or(columns.event_other);
        if kind.is_none() {
            let mut known: Vec<&str> = columns.event_names.keys().map(String::as_str).collect();
            known.extend(EventKind::ALL.iter().map(|k| k.name()));
            sink.cell(
                record,
                i,
                format!("`{word}` is not an event refkit knows"),
                format!(
                    "use one of: {}; for a mapped file, map the word under `events:` in {SETTINGS_FILE}",
                    known.join(", ")
                ),
            );
            return Err(());
        }
        Ok(kind)
    }

    /// An amount cell as minor units and its currency: the currency written beside
    /// the number must agree with the row's currency cell, else with the entry's
    /// `currency:`; `$` alone is USD unless one of those names another dollar.
    fn money(
        &self,
        raw: &str,
        row: Option<&str>,
        entry: Option<&str>,
    ) -> std::result::Result<(i64, String), (String, String)> {
        let (number, marker) = cells::split_currency(raw);
        let stated = row.or(entry);
        let written = match marker {
            None => None,
            Some(Marker::Code(code)) => Some(code),
            Some(Marker::Dollar) => Some(
                stated
                    .filter(|c| cells::DOLLARS.contains(c))
                    .unwrap_or("USD")
                    .to_owned(),
            ),
        };
        let currency = match (&written, stated) {
            (Some(w), Some(s)) if w != s => {
                let whose = if row.is_some() {
                    "the row's currency cell"
                } else {
                    "the entry's `currency:`"
                };
                return Err((
                    format!("the amount `{raw}` is written in {w}, but {whose} says {s}"),
                    "correct the currency, or the amount; refkit never guesses which of the two is right".to_owned(),
                ));
            }
            (Some(w), _) => w.clone(),
            (None, Some(s)) => s.to_owned(),
            (None, None) => {
                return Err((
                    "the amount has no currency".to_owned(),
                    format!(
                    "fill the currency column, or set `currency:` for this file in {SETTINGS_FILE}"
                ),
                ))
            }
        };
        if !is_currency(&currency) {
            return Err((
                format!("`{currency}` in the amount `{raw}` is not an ISO 4217 currency code"),
                "write the amount with a currency code such as USD or RUB, or none".to_owned(),
            ));
        }
        match cells::amount(&number, cells::decimals(&currency)) {
            Ok(minor) => Ok((minor, currency)),
            Err(why) => Err((
                format!("the amount `{raw}` cannot be read: {why}"),
                format!("write the amount in major units of {currency}, e.g. 149.00, 1 234,50, $1,234.56 or 2 990 ₽"),
            )),
        }
    }
}

/// The value of query parameter `name` in the address `url`, if not empty.
fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.trim().split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}
