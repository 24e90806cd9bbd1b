//! Errors a person can act on.
//!
//! Every stage reports problems in the user's files as [`Diagnostic`]s: the file
//! (relative to the project root), the line and column counted from the top of that
//! file, what is wrong, and what to do about it. Stages collect every diagnostic they
//! find instead of stopping at the first, so one run shows everything to fix.
//! [`Error`] is what a command returns; `main` prints it once and maps it to a stable
//! exit code (0 ok, 1 content errors, 2 usage or I/O errors).

use std::fmt::{self, Write as _};
use std::io;
use std::path::{Path, PathBuf};

/// How bad a finding is. Errors fail the build; warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build cannot produce correct output.
    Error,
    /// Worth fixing, but the output is still correct.
    Warning,
}

/// One problem in one of the user's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// File relative to the project root; `None` for project-wide problems.
    pub file: Option<PathBuf>,
    /// 1-based line counted from the top of `file`.
    pub line: Option<usize>,
    /// 1-based column (in characters).
    pub column: Option<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The offending source line, shown under the message.
    pub snippet: Option<String>,
}

impl Diagnostic {
    /// An error about `file` as a whole.
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: Some(file.into()),
            line: None,
            column: None,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    /// An error about the project as a whole, not tied to one file.
    pub fn project(message: impl Into<String>) -> Self {
        Diagnostic {
            file: None,
            ..Diagnostic::error(PathBuf::new(), message)
        }
    }

    /// Turns this diagnostic into a warning.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Points at `line` and `column` (both 1-based) of the file whose text is
    /// `source`, keeping that line as the snippet.
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = Some(line.max(1));
        self.column = Some(column.max(1));
        self.snippet = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(str::to_owned);
        self
    }

    /// Points at the byte `offset` of `source`.
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, column) = line_column(source, offset);
        self.at(source, line, column)
    }

    /// Adds advice on what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors, false for warnings.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` as far as known, for one-line reports.
    pub fn location(&self) -> String {
        let mut out = String::new();
        if let Some(file) = &self.file {
            out.push_str(&display_path(file));
            if let Some(line) = self.line {
                let _ = write!(out, ":{line}");
                if let Some(column) = self.column {
                    let _ = write!(out, ":{column}");
                }
            }
        }
        out
    }

    /// Sort key that groups findings by file and orders them by position.
    fn sort_key(&self) -> (Option<&PathBuf>, usize, usize, &str) {
        (
            self.file.as_ref(),
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            &self.message,
        )
    }
}

impl fmt::Display for Diagnostic {
    /// Renders in the style of rustc and miette: the message, the location, the
    /// offending line with a caret, and the advice.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        let location = self.location();
        let gutter = self.line.map(|l| l.to_string().len()).unwrap_or(1);
        let pad = " ".repeat(gutter);
        if !location.is_empty() {
            writeln!(f, "{pad}--> {location}")?;
        }
        if let (Some(line), Some(snippet)) = (self.line, &self.snippet) {
            let (shown, column) = window(snippet, self.column);
            writeln!(f, "{pad} |")?;
            writeln!(f, "{line} | {shown}")?;
            if let Some(column) = column {
                let indent: String = shown
                    .chars()
                    .take(column.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, "{pad} | {indent}^")?;
            }
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// Characters of a source line shown in a report; longer lines are cut around the
/// column, so a minified or hostile one-line file cannot flood the terminal.
const SNIPPET_CHARS: usize = 100;

/// The part of `line` to show and the column within it.
fn window(line: &str, column: Option<usize>) -> (String, Option<usize>) {
    let count = line.chars().count();
    if count <= SNIPPET_CHARS {
        return (line.to_owned(), column);
    }
    let at = column.unwrap_or(1).clamp(1, count + 1) - 1;
    let start = at
        .saturating_sub(SNIPPET_CHARS / 2)
        .min(count - SNIPPET_CHARS);
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(start).take(SNIPPET_CHARS));
    if start + SNIPPET_CHARS < count {
        shown.push('…');
    }
    let column = column.map(|_| at - start + 1 + usize::from(start > 0));
    (shown, column)
}

/// Sorts diagnostics by file and position so reports are stable across runs and threads.
pub(crate) fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
pub(crate) fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// A path as shown to users: forward slashes on every platform.
pub(crate) fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// What a command can fail with.
#[derive(Debug)]
pub enum Error {
    /// Problems in the project's files (exit code 1).
    Content(Vec<Diagnostic>),
    /// The command line or the environment is wrong (exit code 2).
    Usage(String),
    /// Reading or writing a file failed (exit code 2).
    Io {
        /// What refkit was doing.
        action: &'static str,
        /// The file or folder involved.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
}

impl Error {
    /// An I/O failure while doing `action` on `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The exit code `main` returns for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content(_) => 1,
            Error::Usage(_) | Error::Io { .. } => 2,
        }
    }

    /// Wraps content diagnostics, keeping only the errors' order stable.
    pub fn content(mut diagnostics: Vec<Diagnostic>) -> Self {
        sort(&mut diagnostics);
        Error::Content(diagnostics)
    }
}

impl From<Diagnostic> for Error {
    fn from(diagnostic: Diagnostic) -> Self {
        Error::Content(vec![diagnostic])
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Content(diagnostics) => {
                for d in diagnostics {
                    writeln!(f, "{d}")?;
                }
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                write!(
                    f,
                    "refkit: {errors} error{} in the project; nothing was written",
                    if errors == 1 { "" } else { "s" }
                )
            }
            Error::Usage(message) => write!(f, "error: {message}"),
            Error::Io {
                action,
                path,
                source,
            } => write!(
                f,
                "error: could not {action} {}: {source}",
                display_path(path)
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Result type of refkit's stages.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

/// Collects diagnostics from independent checks so a stage can report them all.
#[derive(Debug, Default)]
pub(crate) struct Report {
    diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Records one finding.
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Records several findings.
    pub(crate) fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    /// True when at least one finding is an error.
    pub(crate) fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The findings so far.
    pub(crate) fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Fails with every finding when any is an error; otherwise hands back the warnings.
    pub(crate) fn into_result(self) -> Result<Vec<Diagnostic>> {
        if self.has_errors() {
            Err(Error::content(self.diagnostics))
        } else {
            Ok(self.diagnostics)
        }
    }

    /// Every finding, errors and warnings alike.
    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// The values of `results` (parallel jobs of one stage), keeping every content
    /// error in this report so all are reported at once; any other error ends it.
    pub(crate) fn gather<T>(&mut self, results: Vec<Result<T>>) -> Result<Vec<T>> {
        let mut values = Vec::with_capacity(results.len());
        for result in results {
            match result {
                Ok(v) => values.push(v),
                Err(Error::Content(d)) => self.extend(d),
                Err(other) => return Err(other),
            }
        }
        Ok(values)
    }
}

/// Adds a stage error to `report`.
pub(crate) fn push_error(report: &mut Report, err: Error) {
    match err {
        Error::Content(diagnostics) => report.extend(diagnostics),
        Error::Io {
            path,
            source,
            action,
        } => report.push(Diagnostic::error(
            path,
            format!("could not {action} the file: {source}"),
        )),
        Error::Usage(message) => report.push(Diagnostic::project(message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let text = "первая\nвторая строка";
        let offset = text.find("строка").unwrap();
        assert_eq!(line_column(text, offset), (2, 8));
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}ERROR{}", "a".repeat(500), "b".repeat(500));
        let d = Diagnostic::error(Path::new("x.yaml"), "bad").at(&line, 1, 501);
        let text = d.to_string();
        let shown = text.lines().nth(3).unwrap();
        let caret = text.lines().nth(4).unwrap();
        assert!(shown.chars().count() < 120, "{shown}");
        assert!(shown.contains("ERROR"));
        let at = caret.find('^').unwrap();
        let under: String = shown
            .chars()
            .skip(caret[..at].chars().count())
            .take(5)
            .collect();
        assert_eq!(under, "ERROR");
        let short = Diagnostic::error(Path::new("x.yaml"), "bad").at("key: value", 1, 6);
        assert!(
            short.to_string().contains("1 | key: value\n  |      ^"),
            "{short}"
        );
    }

    #[test]
    fn rendering_shows_file_line_snippet_and_help() {
        let source = "title: x\nmarket: eu\n";
        let d = Diagnostic::error("content/partners.yaml", "unknown market `eu`")
            .at(source, 2, 9)
            .help("use one of: us, ru");
        let text = d.to_string();
        assert!(text.contains("--> content/partners.yaml:2:9"), "{text}");
        assert!(text.contains("2 | market: eu"), "{text}");
        assert!(text.contains("        ^"), "{text}");
        assert!(text.contains("help: use one of: us, ru"), "{text}");
    }

    #[test]
    fn content_errors_exit_with_one_and_io_errors_with_two() {
        assert_eq!(Error::Content(vec![]).exit_code(), 1);
        let io = Error::io("read", "x", io::Error::other("boom"));
        assert_eq!(io.exit_code(), 2);
    }
}
