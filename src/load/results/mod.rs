//! Result files: the tracking side's exports read back as [`Event`]s.
//!
//! Each file named under `results:` in `site.yaml` is read as a stream, one record at
//! a time, so memory does not grow with its rows. Every problem (a malformed row, a
//! date, amount, count or event word refkit cannot read, a line that is not UTF-8) is
//! collected with its file, line and column and reported together; events are handed
//! to the caller as they are read. What the events mean (which partner, which market,
//! which window) is for the attribution side; this module only reads them.

mod cells;
mod layout;
mod paid;
mod presets;
mod rows;

use layout::{value, Layout};
pub(crate) use paid::read_paid;
use paid::PAID_COLUMNS;

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

#[cfg(test)]
mod tests;
