//! A small streaming CSV reader for the exports people actually have: the delimiter
//! found from the header (`,`, `;` as Excel writes in a Russian locale, or a tab),
//! quoted fields with doubled quotes and embedded delimiters and line breaks, CRLF
//! line endings and a UTF-8 byte order mark. One record is in memory at a time.

use std::io::BufRead;

/// The most bytes one record may span; a quote left open would otherwise swallow the
/// rest of the file into one field.
const MAX_RECORD_BYTES: usize = 1 << 20;

/// One cell and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Field {
    /// The cell's text, quotes removed.
    pub(super) text: String,
    /// 1-based line where the cell starts.
    pub(super) line: usize,
    /// 1-based column (in characters) where the cell starts.
    pub(super) column: usize,
}

/// One record: its cells, and the line it starts on (kept for error snippets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Record {
    /// 1-based line where the record starts.
    pub(super) line: usize,
    /// The text of that line, without its line ending.
    pub(super) source: String,
    /// The cells in order.
    pub(super) fields: Vec<Field>,
}

/// What can go wrong below the level of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Problem {
    /// A line is not UTF-8: its 1-based number and the 1-based byte within it.
    NotUtf8 {
        /// The line.
        line: usize,
        /// The first invalid byte, counted from 1 within the line.
        byte: usize,
    },
    /// A quote opened at `line:column` is never closed.
    Unclosed {
        /// Line of the opening quote.
        line: usize,
        /// Column of the opening quote.
        column: usize,
        /// The text of that line.
        source: String,
    },
    /// Reading the file failed.
    Io(String),
}

/// Reads records one at a time from `input`.
pub(super) struct Records<R> {
    input: R,
    delimiter: Option<char>,
    line: usize,
    buffer: Vec<u8>,
    done: bool,
    comments: bool,
}

impl<R: BufRead> Records<R> {
    /// Records of `input`; the delimiter is found from the first record.
    pub(super) fn new(input: R) -> Self {
        Records {
            input,
            delimiter: None,
            line: 0,
            buffer: Vec::new(),
            done: false,
            comments: false,
        }
    }

    /// Skips lines starting with `#` before the header (GA4 writes the report's
    /// name and date range there).
    pub(super) fn skip_comments(mut self) -> Self {
        self.comments = true;
        self
    }

    /// The delimiter, once the header has been read.
    pub(super) fn delimiter(&self) -> Option<char> {
        self.delimiter
    }

    /// The next physical line as text without its line ending, `None` at the end.
    fn next_line(&mut self) -> Option<Result<String, Problem>> {
        if self.done {
            return None;
        }
        self.buffer.clear();
        match self.input.read_until(b'\n', &mut self.buffer) {
            Ok(0) => {
                self.done = true;
                return None;
            }
            Ok(_) => {}
            Err(e) => {
                self.done = true;
                return Some(Err(Problem::Io(e.to_string())));
            }
        }
        self.line += 1;
        let mut bytes: &[u8] = &self.buffer;
        if self.line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        Some(match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(e) => Err(Problem::NotUtf8 {
                line: self.line,
                byte: e.valid_up_to() + 1,
            }),
        })
    }

    /// The next record, skipping blank lines; `None` at the end of the input.
    pub(super) fn next_record(&mut self) -> Option<Result<Record, Problem>> {
        let first = loop {
            match self.next_line()? {
                Ok(text) if text.trim().is_empty() => continue,
                Ok(text) if self.comments && self.delimiter.is_none() && text.starts_with('#') => {
                    continue
                }
                other => break other,
            }
        };
        let text = match first {
            Ok(text) => text,
            Err(problem) => return Some(Err(problem)),
        };
        let delimiter = *self.delimiter.get_or_insert_with(|| detect(&text));
        let start = self.line;
        let mut splitter = Splitter::new(delimiter, start);
        splitter.feed(&text);
        let mut bytes = text.len();
        while let Some((line, column)) = splitter.open_quote {
            let unclosed = || Problem::Unclosed {
                line,
                column,
                source: text.clone(),
            };
            let next = match self.next_line() {
                None => return Some(Err(unclosed())),
                Some(Err(problem)) => return Some(Err(problem)),
                Some(Ok(next)) => next,
            };
            bytes += next.len() + 1;
            if bytes > MAX_RECORD_BYTES {
                return Some(Err(unclosed()));
            }
            splitter.new_line(self.line);
            splitter.feed(&next);
        }
        Some(Ok(Record {
            line: start,
            source: text,
            fields: splitter.finish(),
        }))
    }
}

/// The delimiter of a header line: whichever of `,`, `;` and tab occurs most outside
/// quotes (a comma on a tie, and when there is none).
pub(super) fn detect(header: &str) -> char {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let mut best = (',', counts[0]);
    for (c, n) in [(';', counts[1]), ('\t', counts[2])] {
        if n > best.1 {
            best = (c, n);
        }
    }
    best.0
}

/// Splits the lines of one record into cells.
struct Splitter {
    delimiter: char,
    fields: Vec<Field>,
    current: String,
    start: (usize, usize),
    /// Where the quote of the current cell opened, while it is open.
    open_quote: Option<(usize, usize)>,
    /// The current cell was quoted and its quote has closed.
    closed: bool,
    at_start: bool,
    line: usize,
}

impl Splitter {
    fn new(delimiter: char, line: usize) -> Self {
        Splitter {
            delimiter,
            fields: Vec::new(),
            current: String::new(),
            start: (line, 1),
            open_quote: None,
            closed: false,
            at_start: true,
            line,
        }
    }

    /// A line break inside a quoted cell: kept as `\n`.
    fn new_line(&mut self, line: usize) {
        self.current.push('\n');
        self.line = line;
    }

    fn feed(&mut self, text: &str) {
        let mut chars = text.chars().peekable();
        let mut column = 0;
        while let Some(c) = chars.next() {
            column += 1;
            if self.open_quote.is_some() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        column += 1;
                        self.current.push('"');
                    } else {
                        self.open_quote = None;
                        self.closed = true;
                    }
                } else {
                    self.current.push(c);
                }
                continue;
            }
            if self.at_start {
                self.start = (self.line, column);
                self.at_start = false;
                if c == '"' {
                    self.open_quote = Some((self.line, column));
                    continue;
                }
            }
            if c == self.delimiter {
                self.push_field();
                self.at_start = true;
                // An empty last cell starts right after the delimiter.
                self.start = (self.line, column + 1);
            } else if !self.closed {
                self.current.push(c);
            } else if !c.is_whitespace() {
                // Text after a closing quote (`"a"b`): kept, as spreadsheets do.
                self.current.push(c);
            }
        }
    }

    fn push_field(&mut self) {
        self.fields.push(Field {
            text: std::mem::take(&mut self.current),
            line: self.start.0,
            column: self.start.1,
        });
        self.closed = false;
    }

    fn finish(mut self) -> Vec<Field> {
        self.push_field();
        self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &[u8]) -> Vec<Result<Record, Problem>> {
        let mut r = Records::new(text);
        std::iter::from_fn(|| r.next_record()).collect()
    }

    fn cells(record: &Result<Record, Problem>) -> Vec<&str> {
        record
            .as_ref()
            .unwrap()
            .fields
            .iter()
            .map(|f| f.text.as_str())
            .collect()
    }

    #[test]
    fn the_delimiter_is_found_from_the_header() {
        assert_eq!(detect("date,code,event"), ',');
        assert_eq!(detect("Дата;Код;\"a,b\";Событие"), ';');
        assert_eq!(detect("date\tcode\tevent"), '\t');
        assert_eq!(detect("date"), ',');
    }

    #[test]
    fn quoted_cells_keep_delimiters_doubled_quotes_and_line_breaks() {
        let text = "a;b;c\r\n\"x;1\";\"say \"\"hi\"\"\";\"two\r\nlines\"\r\n1;;3\r\n";
        let rows = records(text.as_bytes());
        assert_eq!(rows.len(), 3);
        assert_eq!(cells(&rows[1]), ["x;1", "say \"hi\"", "two\nlines"]);
        assert_eq!(cells(&rows[2]), ["1", "", "3"]);
        let r = rows[2].as_ref().unwrap();
        assert_eq!(r.line, 4);
        assert_eq!(
            r.fields.iter().map(|f| f.column).collect::<Vec<_>>(),
            [1, 3, 4]
        );
    }

    #[test]
    fn a_byte_order_mark_and_crlf_are_dropped() {
        let rows = records(b"\xEF\xBB\xBFdate,code\r\n2026-06-01,ANNA\r\n");
        assert_eq!(cells(&rows[0]), ["date", "code"]);
        assert_eq!(cells(&rows[1]), ["2026-06-01", "ANNA"]);
    }

    #[test]
    fn comment_lines_before_the_header_are_skipped_when_asked() {
        let mut r =
            Records::new(&b"# Report\n# 20260601-20260630\n\nDate,Sessions\n"[..]).skip_comments();
        let header = r.next_record().unwrap().unwrap();
        assert_eq!(header.line, 4);
        assert_eq!(header.fields[1].text, "Sessions");
    }

    #[test]
    fn an_unclosed_quote_names_where_it_opened() {
        let rows = records(b"a,b\n1,\"open\n2,3\n");
        assert_eq!(rows.len(), 2);
        assert!(matches!(
            rows[1],
            Err(Problem::Unclosed {
                line: 2,
                column: 3,
                ..
            })
        ));
    }

    #[test]
    fn a_line_that_is_not_utf8_names_its_byte_and_the_next_line_is_read() {
        let rows = records(b"a,b\n1,\xFF\n2,3\n");
        assert_eq!(rows[1], Err(Problem::NotUtf8 { line: 2, byte: 3 }));
        assert_eq!(cells(&rows[2]), ["2", "3"]);
    }
}
