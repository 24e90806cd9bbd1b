//! `refkit check`: report every problem in one of three formats; exit 1 on any error.

use std::io::Write;

use crate::base::diagnostics::{display_path, Diagnostic, Error, Result, Severity};
use crate::cli::{CheckArgs, Format};

/// Runs `refkit check`.
pub fn run(args: CheckArgs) -> Result<()> {
    let diagnostics = crate::check::check(&args.root.root)?;
    let text = render(&diagnostics, args.format);
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::io("write to", "stdout", e))?;
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        // The findings are printed already; the exit code says they include errors.
        return Err(Error::Content(Vec::new()));
    }
    Ok(())
}

/// The report in `format`.
pub(crate) fn render(diagnostics: &[Diagnostic], format: Format) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match format {
        Format::Human => {
            let mut out = String::new();
            for d in diagnostics {
                out.push_str(&d.to_string());
                out.push('\n');
            }
            out.push_str(&format!(
                "{errors} error{}, {warnings} warning{}\n",
                plural(errors),
                plural(warnings)
            ));
            out
        }
        Format::Json => {
            let items: Vec<serde_json::Value> = diagnostics
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "severity": severity(d),
                        "file": d.file.as_deref().map(display_path),
                        "line": d.line,
                        "column": d.column,
                        "message": d.message,
                        "help": d.help,
                    })
                })
                .collect();
            let doc =
                serde_json::json!({ "errors": errors, "warnings": warnings, "diagnostics": items });
            let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
            out.push('\n');
            out
        }
        Format::Github => {
            let mut out = String::new();
            for d in diagnostics {
                let mut props = Vec::new();
                if let Some(file) = &d.file {
                    props.push(format!("file={}", escape_property(&display_path(file))));
                    if let Some(line) = d.line {
                        props.push(format!("line={line}"));
                    }
                    if let Some(column) = d.column {
                        props.push(format!("col={column}"));
                    }
                }
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str(&format!("\nhelp: {help}"));
                }
                let props = if props.is_empty() {
                    String::new()
                } else {
                    format!(" {}", props.join(","))
                };
                out.push_str(&format!(
                    "::{}{props}::{}\n",
                    severity(d),
                    escape_data(&message)
                ));
            }
            out
        }
    }
}

fn severity(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Escapes workflow command data (GitHub's rules: `%`, CR and LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
