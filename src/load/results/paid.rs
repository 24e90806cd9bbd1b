//! The agency's payouts file (`format: paid`): which rewards it has paid, by date,
//! partner and customer.

use super::*;

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
pub(super) const PAID_COLUMNS: [&str; 3] = ["date", "partner", "customer"];

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
