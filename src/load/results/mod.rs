//! Result files: the tracking side's exports read back as [`Event`]s.
//!
//! Each file named under `results:` in `site.yaml` is read as a stream, one record at
//! a time, so memory does not grow with its rows. Every problem (a malformed row, a
//! date, amount, count or event word refkit cannot read, a line that is not UTF-8) is
//! collected with its file, line and column and reported together; events are handed
//! to the caller as they are read. What the events mean (which partner, which market,
//! which window) is for the attribution side; this module only reads them.

mod cells;
mod presets;
mod rows;

use std::fs::File;
use std::io::ErrorKind;
use std::path::Path;

use crate::base::dates::Date;
use crate::base::diagnostics::{display_path, Diagnostic, Error, Report, Result};
use crate::base::vocab::SETTINGS_FILE;
use crate::model::results::{
    is_currency, ColumnMap, Event, EventKind, Format, Money, Origin, ResultsFile,
};
use cells::Marker;
use rows::{Problem, Record, Rows, Shape};

/// What one file held.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Stats {
    /// Data rows read (the header, blank lines and preamble aside).
    pub(crate) rows: usize,
    /// Events handed on.
    pub(crate) events: usize,
    /// Rows that name no partner at all (organic or paid traffic in an analytics
    /// export): counted, never errors.
    pub(crate) no_partner_rows: u64,
    /// The events those rows stand for (the sum of their counts).
    pub(crate) no_partner_events: u64,
    /// Rows passed over: totals, further lines of one record, and rows whose event or
    /// status word the format passes over.
    pub(crate) passed_over: usize,
    /// Reading stopped at a second table (an analytics download's further tables).
    pub(crate) more_tables: bool,
}

/// The columns of refkit's own format, in the order it writes them; `count` may follow.
const REFKIT_COLUMNS: [&str; 8] = [
    "date", "code", "channel", "asset", "event", "customer", "amount", "currency",
];

/// Cells analytics tools write for a missing value; read as empty.
const NOT_SET: [&str; 4] = ["(not set)", "(none)", "(не задано)", "(нет)"];

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
    let mut skip_rows: Vec<String> = file.skip_rows.iter().map(|l| l.to_lowercase()).collect();
    let (layouts, shape) = match &file.format {
        Format::Paid => {
            drop(handle);
            return read_paid(root, file, &mut |_| {});
        }
        Format::Refkit => (vec![refkit_columns()], Shape::default()),
        Format::Mapped(map) => (vec![map.clone()], Shape::default()),
        Format::Preset(name) => match presets::preset(name) {
            Some(p) => {
                skip_rows.extend(p.skip_rows.iter().map(|l| l.to_lowercase()));
                (p.layouts, p.shape)
            }
            None => {
                return Err(Diagnostic::error(
                    SETTINGS_FILE,
                    format!("refkit has no preset `{name}`"),
                )
                .into())
            }
        },
    };
    let lenient = matches!(file.format, Format::Preset(_));
    let mut sink = Sink {
        file: shown,
        report: Report::default(),
        left_out: 0,
    };
    let mut rows = match Rows::open(handle, file.encoding, shape) {
        Ok(rows) => rows,
        Err(problem) => {
            sink.problem(problem, file)?;
            return Err(sink.finish());
        }
    };
    let header: Record = match rows.next_record() {
        None => {
            sink.push(
                Diagnostic::error(shown, "the file has no header line")
                    .help(header_help(&file.format, &layouts[0])),
            );
            return Err(sink.finish());
        }
        Some(Ok(header)) => header.clone(),
        Some(Err(problem)) => {
            sink.problem(problem, file)?;
            return Err(sink.finish());
        }
    };
    let default_day = rows.preamble.start_date;
    let Some(layout) = Layout::choose(
        &header,
        layouts,
        &file.format,
        lenient,
        default_day,
        &mut sink,
    ) else {
        return Err(sink.finish());
    };
    let delimiter = match rows.delimiter() {
        '\t' => "tab".to_owned(),
        d => format!("`{d}`"),
    };
    let mut stats = Stats::default();
    let mut previous: Option<String> = None;
    while let Some(next) = rows.next_record() {
        stats.rows += 1;
        let record = match next {
            Ok(r) => r,
            Err(problem) => {
                sink.problem(problem, file)?;
                continue;
            }
        };
        let cells = record.len();
        // A `;` after the last cell (Bitrix24) makes one more, empty, cell.
        let trailing = cells == header.len() + 1 && record.get(cells - 1).is_empty();
        if cells != header.len() && !trailing {
            sink.cell(
                record,
                cells.saturating_sub(1),
                format!(
                    "the row has {cells} cells, the header has {}",
                    header.len()
                ),
                format!("every row needs one cell per column, separated by {delimiter}; quote a cell that holds {delimiter} (\"like{}this\")", rows_delimiter(&delimiter)),
            );
            continue;
        }
        if !skip_rows.is_empty()
            && record
                .cells()
                .any(|c| skip_rows.iter().any(|l| *l == c.trim().to_lowercase()))
        {
            stats.passed_over += 1;
            continue;
        }
        if let Some(i) = layout.continuation {
            let id = record.get(i).trim();
            if !id.is_empty() && previous.as_deref() == Some(id) {
                stats.passed_over += 1;
                continue;
            }
            previous = Some(id.to_owned());
        }
        match layout.event(record, file, &mut sink) {
            Read::Event(event) => {
                stats.events += 1;
                each(event);
            }
            Read::NoPartner(count) => {
                stats.no_partner_rows += 1;
                stats.no_partner_events = stats.no_partner_events.saturating_add(count);
            }
            Read::PassedOver => stats.passed_over += 1,
            Read::Bad => {}
        }
    }
    stats.more_tables = rows.more_tables;
    if sink.report.has_errors() {
        return Err(sink.finish());
    }
    Ok(stats)
}

/// One reward the agency paid, as its payouts file records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Paid {
    /// The day it was paid.
    pub(crate) day: Date,
    /// The partner's id.
    pub(crate) partner: String,
    /// The customer whose reward it was.
    pub(crate) customer: String,
}

/// The columns of a payouts file (`format: paid`).
const PAID_COLUMNS: [&str; 3] = ["date", "partner", "customer"];

/// Reads the agency's payouts file `file` (`format: paid`), handing each reward paid
/// to `each`; every bad row is reported with its line and column.
pub(crate) fn read_paid(
    root: &Path,
    file: &ResultsFile,
    each: &mut dyn FnMut(Paid),
) -> Result<Stats> {
    let shown = file.path.as_path();
    let path = root.join(shown);
    if path.exists() {
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
    let mut sink = Sink {
        file: shown,
        report: Report::default(),
        left_out: 0,
    };
    let mut rows = match Rows::open(handle, file.encoding, Shape::default()) {
        Ok(rows) => rows,
        Err(problem) => {
            sink.problem(problem, file)?;
            return Err(sink.finish());
        }
    };
    let help = format!(
        "a payouts file starts with the header `{}`: the day paid, the partner's id and the customer whose reward it was",
        PAID_COLUMNS.join(",")
    );
    let header = match rows.next_record() {
        Some(Ok(header)) => header.clone(),
        None => {
            sink.push(Diagnostic::error(shown, "the file has no header line").help(help));
            return Err(sink.finish());
        }
        Some(Err(problem)) => {
            sink.problem(problem, file)?;
            return Err(sink.finish());
        }
    };
    let names: Vec<String> = header.cells().map(|c| c.trim().to_lowercase()).collect();
    let mut columns = Vec::new();
    for name in PAID_COLUMNS {
        match names.iter().position(|n| n == name) {
            Some(i) => columns.push(i),
            None => {
                let mut d = Diagnostic::error(shown, format!("the header has no column `{name}`"))
                    .help(help.clone());
                d.line = Some(header.line);
                d.column = Some(1);
                d.snippet = Some(header.source().to_owned());
                sink.push(d);
            }
        }
    }
    let [date, partner, customer] = columns[..] else {
        return Err(sink.finish());
    };
    let mut stats = Stats::default();
    while let Some(next) = rows.next_record() {
        stats.rows += 1;
        let record = match next {
            Ok(r) => r,
            Err(problem) => {
                sink.problem(problem, file)?;
                continue;
            }
        };
        let Some(day) = cells::day(record.get(date)) else {
            sink.cell(
                record,
                date,
                format!("`{}` is not a date refkit reads", record.get(date).trim()),
                "write the day the reward was paid as YYYY-MM-DD".to_owned(),
            );
            continue;
        };
        let (Some(who), Some(whose)) = (value(record.get(partner)), value(record.get(customer)))
        else {
            let i = if value(record.get(partner)).is_none() {
                partner
            } else {
                customer
            };
            sink.cell(
                record,
                i,
                "a paid reward names its partner and its customer".to_owned(),
                "fill the partner's id (as in content/partners.yaml) and the customer id of the reward (as in manifest/results/rewards.csv)".to_owned(),
            );
            continue;
        };
        stats.events += 1;
        each(Paid {
            day,
            partner: who.to_owned(),
            customer: whose.to_owned(),
        });
    }
    if sink.report.has_errors() {
        return Err(sink.finish());
    }
    Ok(stats)
}

/// The delimiter itself, for an example (`tab` is written as a tab).
fn rows_delimiter(shown: &str) -> String {
    if shown == "tab" {
        "\t".to_owned()
    } else {
        shown.trim_matches('`').to_owned()
    }
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
        Format::Paid => format!("a payouts file starts with `{}`", PAID_COLUMNS.join(",")),
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

    /// An error at cell `i` of `record`.
    fn cell(&mut self, record: &Record, i: usize, message: String, help: String) {
        let (line, column) = record.position(i);
        let mut d = Diagnostic::error(self.file, message).help(help);
        d.line = Some(line);
        d.column = Some(column);
        if line == record.line {
            d.snippet = Some(record.source().to_owned());
        }
        self.push(d);
    }

    /// A problem below the cells; an I/O failure ends the read.
    fn problem(&mut self, problem: Problem, file: &ResultsFile) -> Result<()> {
        match problem {
            Problem::NotUtf8 { line, byte, guess } => {
                let (message, help) = match guess {
                    Some(guess) => (
                        format!("line {line} is not UTF-8 text (invalid byte {byte} of the line), and the file has no byte order mark that names its encoding"),
                        format!("the file looks like {guess}: set `encoding: {guess}` on its entry under `results:` in {SETTINGS_FILE} (entry at line {}), or save it as UTF-8 (in Excel: Save As → CSV UTF-8)", file.line),
                    ),
                    None => (
                        format!("line {line} is not UTF-8 text (invalid byte {byte} of the line)"),
                        format!("save the file as UTF-8 (in Excel: Save As → CSV UTF-8), or name its encoding with `encoding:` on its entry in {SETTINGS_FILE}, e.g. `encoding: windows-1251`"),
                    ),
                };
                let mut d = Diagnostic::error(self.file, message).help(help);
                d.line = Some(line);
                d.column = Some(byte);
                self.push(d);
            }
            Problem::Utf16 => {
                self.push(
                    Diagnostic::error(self.file, "the file is UTF-16 text, but its entry names another encoding")
                        .help(format!("remove `encoding:` from its entry in {SETTINGS_FILE} (refkit reads UTF-16 by its byte order mark), or save it as CSV UTF-8")),
                );
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

/// What one row is.
enum Read {
    /// An event.
    Event(Event),
    /// A row that names no partner, standing for this many events.
    NoPartner(u64),
    /// A row the format passes over (its event or status word says so).
    PassedOver,
    /// A row with problems, reported to the sink.
    Bad,
}

/// Where each field is in a file's rows.
struct Layout {
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
    continuation: Option<usize>,
}

/// The text of a cell, trimmed; `None` when empty or an analytics tool's "not set".
fn value(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty() && !NOT_SET.iter().any(|n| n.eq_ignore_ascii_case(text))).then_some(text)
}

impl Layout {
    /// The first of `layouts` whose columns are all in `header` (a preset's optional
    /// ones aside); when none is, every missing column of the first is an error at
    /// the header's line, naming it.
    fn choose(
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
    fn event(&self, record: &Record, file: &ResultsFile, sink: &mut Sink<'_>) -> Read {
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

#[cfg(test)]
mod tests;
