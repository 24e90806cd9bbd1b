//! The rows of a result file, read with the `csv` crate and decoded with
//! `encoding_rs`, as the exports people actually have write them: the delimiter found
//! from the header (`,`, `;` as Excel and Bitrix24 write in a Russian locale, or a
//! tab), quoted cells with doubled quotes, delimiters and line breaks, CRLF, a byte
//! order mark, a legacy one-byte encoding (`windows-1251` from a self-hosted CRM),
//! and, for analytics downloads, a `#` preamble above the header and further tables
//! below the first.
//!
//! The `csv` crate splits the records; a thin layer under it keeps the bytes of the
//! current record (and the few kilobytes `csv` has read ahead), so every record still
//! knows its line, and a cell its column, for the messages a person acts on. Nothing
//! else is kept: memory does not grow with the rows.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};

use encoding_rs_io::DecodeReaderBytesBuilder;

use crate::base::dates::Date;
use crate::model::results::TextEncoding;

/// The most bytes one record may span; a quote left open would otherwise swallow the
/// rest of the file into one cell.
const MAX_RECORD_BYTES: usize = 1 << 20;

/// The byte order marks a file may start with.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// One record: where it starts, its cells and its text (for positions and snippets).
#[derive(Debug, Default, Clone)]
pub(super) struct Record {
    /// 1-based line where the record starts.
    pub(super) line: usize,
    /// The cells in order.
    fields: csv::StringRecord,
    /// The record's text, from its first character to its end (line ending aside).
    text: String,
    /// The file's delimiter.
    delimiter: char,
}

impl Record {
    /// How many cells the record has.
    pub(super) fn len(&self) -> usize {
        self.fields.len()
    }

    /// The text of cell `i` (empty past the last cell).
    pub(super) fn get(&self, i: usize) -> &str {
        self.fields.get(i).unwrap_or("")
    }

    /// The cells in order.
    pub(super) fn cells(&self) -> impl Iterator<Item = &str> {
        self.fields.iter()
    }

    /// The record's first line, for the snippet under a message.
    pub(super) fn source(&self) -> &str {
        let first = self.text.split('\n').next().unwrap_or("");
        first.strip_suffix('\r').unwrap_or(first)
    }

    /// (line, column) where cell `i` starts (its opening quote, if quoted); the column
    /// counts characters from 1. Past the last cell: where the record ends.
    pub(super) fn position(&self, i: usize) -> (usize, usize) {
        let (starts, _) = scan(&self.text, self.delimiter);
        let (line, column) = starts.get(i).or(starts.last()).copied().unwrap_or((0, 1));
        (self.line + line, column)
    }
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
        /// The file had no byte order mark and no `encoding:`, so the whole file is
        /// in another encoding: reading stops, and this is the one refkit guesses.
        guess: Option<&'static str>,
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
    /// The file starts with a UTF-16 byte order mark but its entry names another
    /// encoding.
    Utf16,
    /// Reading the file failed.
    Io(String),
}

/// What came above the header of an analytics download.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Preamble {
    /// `# Start date: YYYYMMDD`, GA4's first day of the report.
    pub(super) start_date: Option<Date>,
}

/// How a file is split into rows.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Shape {
    /// `#` lines are comments (above the header: the report's name and dates).
    pub(super) comments: bool,
    /// Only the first table is read: a blank or `#` line after it ends the rows.
    pub(super) first_table: bool,
}

/// Keeps the bytes read through it since the end of the last record.
struct Tee {
    inner: Box<dyn Read>,
    kept: Vec<u8>,
    /// Offset (in what `csv` reads) of `kept[0]`.
    start: u64,
    /// A record grew past [`MAX_RECORD_BYTES`].
    too_long: bool,
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.kept.len() > MAX_RECORD_BYTES {
            self.too_long = true;
            return Err(std::io::Error::other("a record is longer than 1 MiB"));
        }
        let n = self.inner.read(buf)?;
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

impl Tee {
    /// Moves the bytes up to offset `end` into `into`.
    fn take(&mut self, end: u64, into: &mut Vec<u8>) {
        let cut = usize::try_from(end.saturating_sub(self.start))
            .unwrap_or(usize::MAX)
            .min(self.kept.len());
        into.clear();
        into.extend_from_slice(&self.kept[..cut]);
        self.kept.drain(..cut);
        self.start = end;
    }
}

/// Reads records one at a time.
pub(super) struct Rows {
    reader: csv::Reader<Tee>,
    record: Record,
    raw: Vec<u8>,
    shape: Shape,
    delimiter: char,
    /// Line endings before the bytes the tee holds.
    lines: usize,
    /// The last record's bytes ended with `\r` and no `\n` (yet).
    after_cr: bool,
    /// Records read (the header is the first).
    records: usize,
    /// Without a byte order mark or `encoding:`, bytes that are not UTF-8 end the read.
    strict_auto: bool,
    /// No more records will be read.
    ended: bool,
    /// Reading stopped at a second table.
    pub(super) more_tables: bool,
    /// What came above the header.
    pub(super) preamble: Preamble,
}

impl Rows {
    /// The rows of `file`, decoded as `encoding` says and split as `shape` says.
    pub(super) fn open(file: File, encoding: TextEncoding, shape: Shape) -> Result<Rows, Problem> {
        let io = |e: std::io::Error| Problem::Io(e.to_string());
        let mut input = BufReader::new(file);
        let head = input.fill_buf().map_err(io)?;
        let utf8_bom = head.starts_with(UTF8_BOM);
        let utf16_bom = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
        if utf8_bom {
            input.consume(UTF8_BOM.len());
        }
        let (reader, strict_auto): (Box<dyn Read>, bool) = match encoding {
            _ if utf8_bom => (Box::new(input), false),
            TextEncoding::Auto if utf16_bom => (
                Box::new(
                    DecodeReaderBytesBuilder::new()
                        .bom_sniffing(true)
                        .strip_bom(true)
                        .build(input),
                ),
                false,
            ),
            _ if utf16_bom => return Err(Problem::Utf16),
            TextEncoding::Auto => (Box::new(input), true),
            TextEncoding::Utf8 => (Box::new(input), false),
            TextEncoding::Legacy(legacy) => (
                Box::new(
                    DecodeReaderBytesBuilder::new()
                        .encoding(Some(legacy))
                        .bom_sniffing(false)
                        .build(input),
                ),
                false,
            ),
        };
        let mut text = BufReader::new(reader);
        let mut preamble = Preamble::default();
        let mut lines = 0;
        let mut header = Vec::new();
        loop {
            header.clear();
            if text.read_until(b'\n', &mut header).map_err(io)? == 0 {
                break;
            }
            let line = String::from_utf8_lossy(&header);
            let trimmed = line.trim();
            if trimmed.is_empty() {
                lines += 1;
                continue;
            }
            if shape.comments && trimmed.starts_with('#') {
                lines += 1;
                if let Some(day) = trimmed
                    .trim_start_matches('#')
                    .trim()
                    .strip_prefix("Start date:")
                    .and_then(|d| super::cells::day(d.trim()))
                {
                    preamble.start_date = Some(day);
                }
                continue;
            }
            break;
        }
        let delimiter = detect(&String::from_utf8_lossy(&header));
        let source: Box<dyn Read> = Box::new(Cursor::new(header).chain(text));
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(u8::try_from(delimiter).unwrap_or(b','))
            .comment(shape.comments.then_some(b'#'))
            .from_reader(Tee {
                inner: source,
                kept: Vec::new(),
                start: 0,
                too_long: false,
            });
        Ok(Rows {
            reader,
            record: Record {
                delimiter,
                ..Record::default()
            },
            raw: Vec::new(),
            shape,
            delimiter,
            lines,
            after_cr: false,
            records: 0,
            strict_auto,
            ended: false,
            more_tables: false,
            preamble,
        })
    }

    /// The delimiter found from the header.
    pub(super) fn delimiter(&self) -> char {
        self.delimiter
    }

    /// The next record, blank lines skipped; `None` at the end of the rows.
    pub(super) fn next_record(&mut self) -> Option<Result<&Record, Problem>> {
        if self.ended {
            return None;
        }
        let read = self.reader.read_record(&mut self.record.fields);
        let utf8 = match read {
            Ok(false) => {
                self.ended = true;
                return None;
            }
            Ok(true) => true,
            Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => false,
            Err(e) => {
                self.ended = true;
                let tee = self.reader.get_ref();
                if tee.too_long {
                    let text = String::from_utf8_lossy(&tee.kept).into_owned();
                    let (_, open) = scan(&text, self.delimiter);
                    let (line, column) = open.unwrap_or((0, 1));
                    return Some(Err(Problem::Unclosed {
                        line: self.lines + 1 + line,
                        column,
                        source: text.split('\n').nth(line).unwrap_or("").to_owned(),
                    }));
                }
                return Some(Err(Problem::Io(e.to_string())));
            }
        };
        let end = self.reader.position().byte();
        self.reader.get_mut().take(end, &mut self.raw);
        let (skipped, content) = leading(&self.raw, self.shape.comments, self.after_cr);
        let line = self.lines + newlines(&self.raw[..content]) + 1;
        self.lines += newlines(&self.raw);
        self.after_cr = self.raw.ends_with(b"\r");
        self.records += 1;
        if self.shape.first_table && self.records > 1 && skipped > 0 {
            self.ended = true;
            self.more_tables = true;
            return None;
        }
        let body = &self.raw[content..];
        self.record.line = line;
        if !utf8 {
            let valid = std::str::from_utf8(body)
                .err()
                .map_or(body.len(), |e| e.valid_up_to());
            let line_start = body[..valid]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let guess = self.strict_auto.then(|| guess_encoding(body));
            if self.strict_auto {
                self.ended = true;
            }
            return Some(Err(Problem::NotUtf8 {
                line: line + newlines(&body[..valid]),
                byte: valid - line_start + 1,
                guess,
            }));
        }
        self.record.text.clear();
        self.record
            .text
            .push_str(&String::from_utf8_lossy(trim_line_end(body)));
        if body.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
            if let (_, Some((at, column))) = scan(&self.record.text, self.delimiter) {
                return Some(Err(Problem::Unclosed {
                    line: line + at,
                    column,
                    source: self.record.source().to_owned(),
                }));
            }
        }
        Some(Ok(&self.record))
    }
}

/// `bytes` without the line ending at their end.
fn trim_line_end(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes.strip_suffix(b"\r").unwrap_or(bytes)
}

/// How many `\n` `bytes` hold.
fn newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// The blank (and, with `comments`, `#`) lines `csv` passed over before a record's
/// first byte: (how many, where the record starts). A `\n` right after the `\r` that
/// ended the last record closes that record's line, not a blank one.
fn leading(raw: &[u8], comments: bool, after_cr: bool) -> (usize, usize) {
    let mut at = 0;
    let mut skipped = 0;
    if after_cr && raw.first() == Some(&b'\n') {
        at = 1;
    }
    loop {
        match raw.get(at) {
            Some(b'\n') => {
                skipped += 1;
                at += 1;
            }
            Some(b'\r') => at += 1,
            Some(b'#') if comments => {
                skipped += 1;
                at = raw[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(raw.len(), |i| at + i + 1);
            }
            _ => return (skipped, at),
        }
    }
}

/// A place in a record: (lines below its first, column in characters).
type Place = (usize, usize);

/// Where each cell of a record's `text` starts, and where a quote that never closes
/// opened.
fn scan(text: &str, delimiter: char) -> (Vec<Place>, Option<Place>) {
    let mut starts = vec![(0, 1)];
    let (mut line, mut column) = (0, 0);
    let mut quoted = false;
    let mut at_start = true;
    let mut open = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
            column = 0;
            if !quoted {
                break;
            }
            continue;
        }
        column += 1;
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    column += 1;
                } else {
                    quoted = false;
                }
            }
            continue;
        }
        if at_start && c == '"' {
            quoted = true;
            open = Some((line, column));
        } else if c == delimiter {
            starts.push((line, column + 1));
            at_start = true;
            continue;
        }
        at_start = false;
    }
    (starts, if quoted { open } else { None })
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

/// The encoding a line that is not UTF-8 is most likely in: `windows-1251` when,
/// read so, most of its letters beyond ASCII are Cyrillic, else `windows-1252`.
fn guess_encoding(bytes: &[u8]) -> &'static str {
    let (text, _) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes);
    let (mut cyrillic, mut other) = (0, 0);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if ('\u{400}'..='\u{4ff}').contains(&c) {
            cyrillic += 1;
        } else {
            other += 1;
        }
    }
    if cyrillic >= other {
        "windows-1251"
    } else {
        "windows-1252"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(
        bytes: &[u8],
        encoding: TextEncoding,
        shape: Shape,
    ) -> Vec<Result<Vec<String>, Problem>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, bytes).unwrap();
        let mut rows = Rows::open(File::open(&path).unwrap(), encoding, shape).unwrap();
        std::iter::from_fn(|| {
            rows.next_record()
                .map(|r| r.map(|r| r.cells().map(str::to_owned).collect()))
        })
        .collect()
    }

    fn lines_of(bytes: &[u8], shape: Shape) -> Vec<usize> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, bytes).unwrap();
        let mut rows = Rows::open(File::open(&path).unwrap(), TextEncoding::Auto, shape).unwrap();
        std::iter::from_fn(|| rows.next_record().map(|r| r.map_or(0, |r| r.line))).collect()
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
        let all = rows(text.as_bytes(), TextEncoding::Auto, Shape::default());
        assert_eq!(all.len(), 3);
        assert_eq!(
            all[1].as_ref().unwrap(),
            &["x;1", "say \"hi\"", "two\r\nlines"]
        );
        assert_eq!(all[2].as_ref().unwrap(), &["1", "", "3"]);
        assert_eq!(lines_of(text.as_bytes(), Shape::default()), [1, 2, 4]);
    }

    #[test]
    fn cells_know_their_columns_and_blank_lines_keep_the_numbering() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "a;b;c\r\n\r\n\"x;1\";;3\r\n").unwrap();
        let mut rows = Rows::open(
            File::open(&path).unwrap(),
            TextEncoding::Auto,
            Shape::default(),
        )
        .unwrap();
        rows.next_record().unwrap().unwrap();
        let r = rows.next_record().unwrap().unwrap();
        assert_eq!(r.line, 3);
        assert_eq!(
            (0..3).map(|i| r.position(i)).collect::<Vec<_>>(),
            [(3, 1), (3, 7), (3, 8)]
        );
        assert_eq!(r.source(), "\"x;1\";;3");
    }

    #[test]
    fn a_byte_order_mark_and_crlf_are_dropped() {
        let all = rows(
            b"\xEF\xBB\xBFdate,code\r\n2026-06-01,ANNA\r\n",
            TextEncoding::Auto,
            Shape::default(),
        );
        assert_eq!(all[0].as_ref().unwrap(), &["date", "code"]);
        assert_eq!(all[1].as_ref().unwrap(), &["2026-06-01", "ANNA"]);
    }

    #[test]
    fn a_preamble_is_skipped_its_start_date_kept_and_a_second_table_ends_the_rows() {
        let text = b"# ----\n# Report\n# Start date: 20260601\n# End date: 20260630\nDate,Sessions\n20260601,3\n\n# ----\nSource,Users\nx,1\n";
        let shape = Shape {
            comments: true,
            first_table: true,
        };
        assert_eq!(lines_of(text, shape), [5, 6]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, text).unwrap();
        let mut rows = Rows::open(File::open(&path).unwrap(), TextEncoding::Auto, shape).unwrap();
        assert_eq!(
            rows.preamble.start_date.map(|d| d.to_string()).as_deref(),
            Some("2026-06-01")
        );
        while rows.next_record().is_some() {}
        assert!(rows.more_tables);
    }

    #[test]
    fn an_unclosed_quote_names_where_it_opened() {
        let all = rows(
            b"a,b\n1,\"open\n2,3\n",
            TextEncoding::Auto,
            Shape::default(),
        );
        assert_eq!(all.len(), 2);
        assert!(matches!(
            all[1],
            Err(Problem::Unclosed {
                line: 2,
                column: 3,
                ..
            })
        ));
    }

    #[test]
    fn a_line_that_is_not_utf8_names_its_byte_and_the_next_line_is_read() {
        let all = rows(b"a,b\n1,\xFF\n2,3\n", TextEncoding::Utf8, Shape::default());
        assert_eq!(
            all[1],
            Err(Problem::NotUtf8 {
                line: 2,
                byte: 3,
                guess: None
            })
        );
        assert_eq!(all[2].as_ref().unwrap(), &["2", "3"]);
    }

    #[test]
    fn windows_1251_is_decoded_when_named_and_guessed_when_not() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Дата;Сумма;\n01.06.2026;2990;\n");
        let named = rows(
            &bytes,
            TextEncoding::parse("windows-1251").unwrap(),
            Shape::default(),
        );
        assert_eq!(named[0].as_ref().unwrap(), &["Дата", "Сумма", ""]);
        let auto = rows(&bytes, TextEncoding::Auto, Shape::default());
        assert_eq!(auto.len(), 1);
        assert!(matches!(
            auto[0],
            Err(Problem::NotUtf8 {
                line: 1,
                byte: 1,
                guess: Some("windows-1251")
            })
        ));
    }
}
