//! Result files: the tracking side's exports read back as [`Event`]s.
//!
//! Each file named under `results:` in `site.yaml` is read as a stream, one record at
//! a time, so memory does not grow with its rows. Every problem (a malformed row, a
//! date, amount, count or event word refkit cannot read, a line that is not UTF-8) is
//! collected with its file, line and column and reported together; events are handed
//! to the caller as they are read. What the events mean (which partner, which market,
//! which window) is for the attribution side; this module only reads them.

mod cells;
mod csv;
mod presets;

use std::fs::File;
use std::io::{BufReader, ErrorKind};
use std::path::Path;

use crate::base::diagnostics::{display_path, Diagnostic, Error, Report, Result};
use crate::base::vocab::SETTINGS_FILE;
use crate::model::results::{
    is_currency, ColumnMap, Event, EventKind, Format, Money, Origin, ResultsFile,
};
use csv::{Field, Problem, Record, Records};

/// What one file held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Stats {
    /// Data rows read (the header and blank lines aside).
    pub(crate) rows: usize,
    /// Events handed on (rows whose event word is to be passed over are not events).
    pub(crate) events: usize,
}

/// The columns of refkit's own format, in the order it writes them; `count` may follow.
const REFKIT_COLUMNS: [&str; 8] = [
    "date", "code", "channel", "asset", "event", "customer", "amount", "currency",
];

/// Problems reported in full per file; past this many, one more line says how many
/// were left out, so a broken million-row file does not fill memory with errors.
const MAX_PROBLEMS: usize = 200;

/// Reads the result file `file` of the project at `root`, handing each event to
/// `each` as it is read. Fails with every problem in the file at once; no event is
/// trustworthy then, so callers drop what they were handed.
pub(crate) fn read(root: &Path, file: &ResultsFile, each: &mut dyn FnMut(Event)) -> Result<Stats> {
    let shown = file.path.as_path();
    let path = root.join(shown);
    if path.exists() {
        // `results/` or the file may be a link; neither may lead out of the project.
        crate::base::files::check_symlink(root, &path, shown)?;
    }
    let handle = match File::open(&path) {
        Ok(f) if f.metadata().is_ok_and(|m| m.is_file()) => f,
        Ok(_) => return Err(missing(file, "is not a file").into()),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(missing(file, "does not exist").into())
        }
        Err(e) => return Err(Error::io("read", shown, e)),
    };
    let (columns, comments) = match &file.format {
        Format::Refkit => (refkit_columns(), false),
        Format::Mapped(map) => (map.clone(), false),
        Format::Preset(name) => match presets::preset(name) {
            Some(p) => (p.columns, p.comments),
            None => {
                return Err(Diagnostic::error(
                    SETTINGS_FILE,
                    format!("refkit has no preset `{name}`"),
                )
                .into())
            }
        },
    };
    let mut records = Records::new(BufReader::new(handle));
    if comments {
        records = records.skip_comments();
    }
    let mut sink = Sink {
        file: shown,
        report: Report::default(),
        left_out: 0,
    };
    let header = match records.next_record() {
        None => {
            sink.push(
                Diagnostic::error(shown, "the file has no header line")
                    .help(header_help(&file.format, &columns)),
            );
            return Err(sink.finish());
        }
        Some(Ok(header)) => header,
        Some(Err(problem)) => {
            sink.problem(problem)?;
            return Err(sink.finish());
        }
    };
    let Some(layout) = Layout::new(&header, columns, &file.format, &mut sink) else {
        return Err(sink.finish());
    };
    let mut stats = Stats::default();
    while let Some(next) = records.next_record() {
        let record = match next {
            Ok(r) => r,
            Err(problem) => {
                stats.rows += 1;
                sink.problem(problem)?;
                continue;
            }
        };
        stats.rows += 1;
        if record.fields.len() != header.fields.len() {
            let delimiter = records.delimiter().map_or(String::new(), |d| match d {
                '\t' => "tab".to_owned(),
                d => format!("`{d}`"),
            });
            let at = record.fields.last().cloned().unwrap_or(Field {
                text: String::new(),
                line: record.line,
                column: 1,
            });
            sink.cell(
                &record,
                &at,
                format!(
                    "the row has {} cells, the header has {}",
                    record.fields.len(),
                    header.fields.len()
                ),
                format!("every row needs one cell per column, separated by {delimiter}; quote a cell that holds {delimiter} (\"like{}this\")", records.delimiter().unwrap_or(',')),
            );
            continue;
        }
        if let Some(event) = layout.event(&record, file, &mut sink) {
            stats.events += 1;
            each(event);
        }
    }
    if sink.report.has_errors() {
        return Err(sink.finish());
    }
    Ok(stats)
}

/// The entry in `site.yaml` names a file that is not there.
fn missing(file: &ResultsFile, why: &str) -> Diagnostic {
    let mut d = Diagnostic::error(
        SETTINGS_FILE,
        format!("result file `{}` {why}", display_path(&file.path)),
    )
    .help("export the file to that path, or remove its entry from `results:`");
    d.line = Some(file.line);
    d
}

/// Refkit's own format as a column map (`count` is added when the header has it).
fn refkit_columns() -> ColumnMap {
    let name = |i: usize| Some(REFKIT_COLUMNS[i].to_owned());
    ColumnMap {
        date: REFKIT_COLUMNS[0].to_owned(),
        code: REFKIT_COLUMNS[1].to_owned(),
        channel: name(2),
        asset: name(3),
        event: name(4),
        customer: name(5),
        amount: name(6),
        currency: name(7),
        ..ColumnMap::default()
    }
}

fn header_help(format: &Format, columns: &ColumnMap) -> String {
    match format {
        Format::Refkit => format!(
            "refkit's format starts with the header `{}` (and optionally `,count`); the README (\"Results\") describes it",
            REFKIT_COLUMNS.join(",")
        ),
        Format::Preset(name) => format!(
            "`format: {name}` reads the platform's export as downloaded; its columns are listed in the README (\"Results\")"
        ),
        Format::Mapped(_) => format!(
            "the first line names the columns; `columns:` in {SETTINGS_FILE} expects `{}` among them",
            columns.date
        ),
    }
}

/// Collects a file's diagnostics, up to [`MAX_PROBLEMS`].
struct Sink<'a> {
    file: &'a Path,
    report: Report,
    left_out: usize,
}

impl Sink<'_> {
    fn push(&mut self, d: Diagnostic) {
        if self.report.diagnostics().len() < MAX_PROBLEMS {
            self.report.push(d);
        } else {
            self.left_out += 1;
        }
    }

    /// An error at a cell of `record`.
    fn cell(&mut self, record: &Record, field: &Field, message: String, help: String) {
        let mut d = Diagnostic::error(self.file, message).help(help);
        d.line = Some(field.line);
        d.column = Some(field.column);
        if field.line == record.line {
            d.snippet = Some(record.source.clone());
        }
        self.push(d);
    }

    /// A problem below the cells; an I/O failure ends the read.
    fn problem(&mut self, problem: Problem) -> Result<()> {
        match problem {
            Problem::NotUtf8 { line, byte } => {
                let mut d = Diagnostic::error(
                    self.file,
                    format!("line {line} is not UTF-8 text (invalid byte {byte} of the line)"),
                )
                .help("save the file as UTF-8 (in Excel: Save As → CSV UTF-8)");
                d.line = Some(line);
                d.column = Some(byte);
                self.push(d);
            }
            Problem::Unclosed {
                line,
                column,
                source,
            } => {
                let d = Diagnostic::error(self.file, "a quote opened here is never closed")
                    .at(&source, 1, column)
                    .help("close the quoted cell with `\"`; a quote inside it is written twice (`\"\"`)");
                self.push(Diagnostic {
                    line: Some(line),
                    ..d
                });
            }
            Problem::Io(why) => {
                return Err(Error::io("read", self.file, std::io::Error::other(why)))
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Error {
        if self.left_out > 0 {
            let more = self.left_out;
            self.report.push(
                Diagnostic::error(
                    self.file,
                    format!("… and {more} more problems in this file"),
                )
                .help("fix the ones above first; they are often one cause repeated"),
            );
        }
        Error::content(self.report.into_diagnostics())
    }
}

/// Where each field is in a file's rows.
struct Layout {
    columns: ColumnMap,
    date: usize,
    code: usize,
    channel: Option<usize>,
    asset: Option<usize>,
    event: Option<usize>,
    customer: Option<usize>,
    amount: Option<usize>,
    currency: Option<usize>,
    count: Option<usize>,
}

impl Layout {
    /// Finds each column `columns` names in `header`; a missing one is an error at
    /// line 1 naming it.
    fn new(
        header: &Record,
        mut columns: ColumnMap,
        format: &Format,
        sink: &mut Sink<'_>,
    ) -> Option<Layout> {
        let names: Vec<&str> = header.fields.iter().map(|f| f.text.trim()).collect();
        let find = |name: &str| {
            names.iter().position(|n| *n == name).or_else(|| {
                names
                    .iter()
                    .position(|n| n.to_lowercase() == name.to_lowercase())
            })
        };
        if matches!(format, Format::Refkit) && find("count").is_some() {
            columns.count = Some("count".to_owned());
        }
        let mut ok = true;
        let mut want = |field: &str, name: Option<&String>| -> Option<usize> {
            let name = name?;
            let found = find(name);
            if found.is_none() {
                let mut d = Diagnostic::error(
                    sink.file,
                    format!("the header has no column `{name}` (the {field})"),
                )
                .help(format!(
                    "{}; the header has: {}",
                    header_help(format, &columns),
                    names.join(", ")
                ));
                d.line = Some(header.line);
                d.column = Some(1);
                d.snippet = Some(header.source.clone());
                sink.push(d);
                ok = false;
            }
            found
        };
        let date = want("date", Some(&columns.date));
        let code = want("referral code", Some(&columns.code));
        let channel = want("channel", columns.channel.as_ref());
        let asset = want("asset", columns.asset.as_ref());
        let event = want("event", columns.event.as_ref());
        let customer = want("customer", columns.customer.as_ref());
        let amount = want("amount", columns.amount.as_ref());
        let currency = want("currency", columns.currency.as_ref());
        let count = want("count", columns.count.as_ref());
        if !ok {
            return None;
        }
        Some(Layout {
            date: date?,
            code: code?,
            channel,
            asset,
            event,
            customer,
            amount,
            currency,
            count,
            columns,
        })
    }

    /// The event of one row, or `None` when it is passed over or has problems (which
    /// go to `sink`).
    fn event(&self, record: &Record, file: &ResultsFile, sink: &mut Sink<'_>) -> Option<Event> {
        let cell = |i: usize| &record.fields[i];
        let text = |i: Option<usize>| {
            i.map(|i| cell(i).text.trim())
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let mut ok = true;
        let date = cell(self.date);
        let day = cells::day(&date.text);
        if day.is_none() {
            sink.cell(
                record,
                date,
                format!("`{}` is not a date refkit reads", date.text.trim()),
                "write YYYY-MM-DD (also read: 2026-06-01T10:00:00Z, 20260601, 01.06.2026 day first, 06/01/2026 month first)".to_owned(),
            );
            ok = false;
        }
        let code_cell = cell(self.code);
        let code = match &self.columns.code_param {
            Some(param) => query_param(&code_cell.text, param),
            None => Some(code_cell.text.trim().to_owned()).filter(|c| !c.is_empty()),
        };
        if code.is_none() {
            let (message, help) = match &self.columns.code_param {
                Some(param) => (
                    format!("`{}` has no `{param}` parameter", code_cell.text.trim()),
                    "this visit did not come through a referral link; filter the report to addresses with the parameter".to_owned(),
                ),
                None => (
                    "the referral code is empty".to_owned(),
                    "every row names the partner's referral code".to_owned(),
                ),
            };
            sink.cell(record, code_cell, message, help);
            ok = false;
        }
        let kind = match self.event {
            None => self.columns.event_default,
            Some(i) => {
                let word = cell(i).text.trim();
                let lower = word.to_lowercase();
                if self
                    .columns
                    .event_skip
                    .iter()
                    .any(|w| w.to_lowercase() == lower)
                {
                    return None;
                }
                let kind = self
                    .columns
                    .event_names
                    .iter()
                    .find(|(w, _)| w.to_lowercase() == lower)
                    .map(|(_, k)| *k)
                    .or_else(|| EventKind::parse(&lower));
                if kind.is_none() {
                    let mut known: Vec<&str> = self
                        .columns
                        .event_names
                        .keys()
                        .map(String::as_str)
                        .collect();
                    known.extend(EventKind::ALL.iter().map(|k| k.name()));
                    sink.cell(
                        record,
                        cell(i),
                        format!("`{word}` is not an event refkit knows"),
                        format!(
                            "use one of: {}; for a mapped file, map the word under `events:` in {SETTINGS_FILE}",
                            known.join(", ")
                        ),
                    );
                    ok = false;
                }
                kind
            }
        };
        let currency = text(self.currency)
            .map(|c| c.to_uppercase())
            .or_else(|| file.currency.clone());
        if let (Some(i), Some(c)) = (self.currency, &currency) {
            if !is_currency(c) && text(Some(i)).is_some() {
                sink.cell(
                    record,
                    cell(i),
                    format!("`{c}` is not an ISO 4217 currency code"),
                    "use three letters, e.g. USD or RUB".to_owned(),
                );
                ok = false;
            }
        }
        let mut amount = None;
        if let (Some(i), Some(raw)) = (self.amount, text(self.amount)) {
            match &currency {
                None => {
                    sink.cell(
                        record,
                        cell(i),
                        "the amount has no currency".to_owned(),
                        format!("fill the currency column, or set `currency:` for this file in {SETTINGS_FILE}"),
                    );
                    ok = false;
                }
                Some(c) => {
                    match cells::amount(&raw, cells::decimals(c)) {
                        Ok(minor) if minor < 0 && kind != Some(EventKind::Refund) => {
                            sink.cell(
                                record,
                                cell(i),
                                format!("the amount `{raw}` is negative"),
                                "money given back is a `refund` event with the amount it returned"
                                    .to_owned(),
                            );
                            ok = false;
                        }
                        Ok(minor) => {
                            amount = Some(Money {
                                minor: minor.abs(),
                                currency: c.clone(),
                            })
                        }
                        Err(why) => {
                            sink.cell(
                            record,
                            cell(i),
                            format!("the amount `{raw}` cannot be read: {why}"),
                            format!("write the amount in major units of {c}, e.g. 149.00 or 1 234,50"),
                        );
                            ok = false;
                        }
                    }
                }
            }
        }
        let mut count = 1;
        if let Some(i) = self.count {
            match cells::count(&cell(i).text) {
                Ok(n) => count = n,
                Err(why) => {
                    sink.cell(
                        record,
                        cell(i),
                        format!("the count `{}` cannot be read: {why}", cell(i).text.trim()),
                        "a count is how many events the row stands for: 0, 1, 2, …".to_owned(),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        Some(Event {
            day: day?,
            code: code?.to_uppercase(),
            channel: text(self.channel),
            asset: text(self.asset),
            kind: kind?,
            customer: text(self.customer),
            amount,
            count,
            origin: Origin {
                file: file.path.clone(),
                line: record.line,
                currency_column: self.currency.or(self.amount).map_or(1, |i| cell(i).column),
                code_column: code_cell.column,
            },
        })
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

#[cfg(test)]
mod tests;
