//! YAML reading with positions and limits.
//!
//! Settings, the partner registry and front matter are all YAML written by people.
//! This module is the one place that parses it: with serde-saphyr (maintained, panic
//! free, reports line and column), duplicate keys refused, and a tight budget on
//! anchors, aliases, nesting and size so a hostile file fails fast with little memory.
//! Positions are turned into [`Diagnostic`]s counted from the top of the whole file,
//! even when the YAML is a front matter block further down.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, RenderOptions, SnippetMode};

use crate::base::diagnostics::Diagnostic;

/// Largest YAML document refkit reads (the registry of a big network is well under this).
pub(crate) const MAX_YAML_BYTES: usize = 8 * 1024 * 1024;

fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_reader_input_bytes = Some(MAX_YAML_BYTES);
    budget.max_aliases = 64;
    budget.max_anchors = 64;
    budget.max_recorded_anchor_events = 10_000;
    budget.max_recorded_anchor_bytes = 1024 * 1024;
    budget.max_depth = 32;
    budget.max_documents = 1;
    budget.max_nodes = 500_000;
    budget.max_total_scalar_bytes = MAX_YAML_BYTES;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    options
}

/// Parses `text`, which starts on line `first_line` (1-based) of `file` whose whole
/// text is `file_text`, into `T`.
pub(crate) fn parse<T: DeserializeOwned>(
    file: &Path,
    file_text: &str,
    text: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    if text.len() > MAX_YAML_BYTES {
        return Err(Diagnostic::error(file, "this YAML is larger than 8 MiB")
            .help("split the data or remove what is not needed"));
    }
    serde_saphyr::from_str_with_options::<T>(text, options())
        .map_err(|err| to_diagnostic(file, file_text, &err, first_line))
}

/// Parses a whole YAML file.
pub(crate) fn parse_file<T: DeserializeOwned>(file: &Path, text: &str) -> Result<T, Diagnostic> {
    parse(file, text, text, 1)
}

fn to_diagnostic(
    file: &Path,
    file_text: &str,
    err: &serde_saphyr::Error,
    first_line: usize,
) -> Diagnostic {
    let formatter = serde_saphyr::UserMessageFormatter;
    let mut options = RenderOptions::new(&formatter);
    options.snippets = SnippetMode::Off;
    let rendered = err.render_with_options(options);
    let location = err.location().filter(|l| l.line() > 0).map(|location| {
        (
            first_line + usize::try_from(location.line()).unwrap_or(1) - 1,
            usize::try_from(location.column()).unwrap_or(1),
        )
    });
    let message = clean_message(&rendered);
    // An empty value reads as null, and serde-saphyr's message does not say which key.
    if message.contains("null") {
        if let Some((key, line)) = location.and_then(|(line, _)| empty_key(file_text, line)) {
            return Diagnostic::error(file, format!("`{key}` is empty, but it needs a value"))
                .at(file_text, line, 1)
                .help(format!(
                    "write the value after `{key}:` on the same line, e.g. `{key}: {}`; the README lists what each key takes",
                    example_value(&key)
                ));
        }
    }
    let help = help_for(&message);
    let mut diagnostic = Diagnostic::error(file, message);
    if let Some((line, column)) = location {
        diagnostic = diagnostic.at(file_text, line, column);
    }
    match help {
        Some(help) => diagnostic.help(help),
        None => diagnostic,
    }
}

/// The key whose value is empty (`title:`, `title: ~` or `title: null`), on `line`
/// (1-based) of `file_text` or the closest line above it with a key: the parser may
/// report the null where the next line starts. Returns the key and its line.
fn empty_key(file_text: &str, line: usize) -> Option<(String, usize)> {
    let lines: Vec<&str> = file_text.lines().collect();
    let last = line.min(lines.len());
    (1..=last).rev().take(2).find_map(|n| {
        let text = lines[n - 1].trim_start();
        let text = text.strip_prefix("- ").unwrap_or(text).trim_start();
        let (key, value) = text.split_once(':')?;
        let value = value.split(" #").next().unwrap_or_default().trim();
        let is_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        (is_key && matches!(value, "" | "~" | "null" | "Null" | "NULL"))
            .then(|| (key.to_owned(), n))
    })
}

/// A value to show in the help for an empty `key`: a realistic one for the keys
/// people write most, a placeholder otherwise.
fn example_value(key: &str) -> &'static str {
    match key {
        "title" => "\"How Anna found her first ten clients\"",
        "summary" => "\"One sentence on what the reader will learn.\"",
        "subject" => "\"A tool I recommend to my clients\"",
        "date" | "start" => "2026-05-01",
        "name" => "\"Harbor Accounting\"",
        "id" => "harbor-accounting",
        "code" => "HARBOR26",
        "market" => "us",
        "stage" => "pilot",
        "tier" => "small",
        "language" => "en",
        "currency" => "USD",
        "base_url" => "https://partners.example.com",
        "landing" => "https://example.com/start",
        "campaign" => "partners",
        _ => "<value>",
    }
}

/// serde-saphyr appends " at line L, column C" to plain messages; the diagnostic shows
/// the position itself, so the message keeps only what went wrong.
fn clean_message(rendered: &str) -> String {
    let first = rendered.lines().next().unwrap_or("invalid YAML").trim();
    let without_position = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    let trimmed = without_position.trim_end_matches(['.', ':']).trim();
    if trimmed.is_empty() {
        "invalid YAML".to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn help_for(message: &str) -> Option<&'static str> {
    let lower = message.to_lowercase();
    if lower.contains("unknown field") {
        Some("remove the key or fix its spelling; the README lists every key refkit reads")
    } else if lower.contains("missing field") {
        Some("add the key; the README lists the keys every entry needs")
    } else if lower.contains("duplicate") {
        Some("each key may appear once in a mapping; remove one of them")
    } else if lower.contains("alias") || lower.contains("anchor") || lower.contains("budget") {
        Some("write the values out instead of using YAML anchors and aliases")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Entry {
        name: String,
        count: u32,
    }

    #[test]
    fn unknown_key_names_the_line_counted_from_the_top_of_the_file() {
        let file_text = "---\nname: a\ncolour: red\ncount: 1\n---\nbody\n";
        let yaml = "name: a\ncolour: red\ncount: 1\n";
        let err = parse::<Entry>(Path::new("x.md"), file_text, yaml, 2).unwrap_err();
        assert_eq!(err.line, Some(3), "{err}");
        assert!(err.message.contains("colour"), "{err}");
        assert!(err.snippet.as_deref() == Some("colour: red"), "{err}");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_owned()
            } else {
                format!("l{}", i - 1)
            };
            yaml.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let result = parse_file::<serde_json::Value>(Path::new("bomb.yaml"), &yaml);
        assert!(result.is_err());
    }

    #[test]
    fn an_empty_required_value_names_its_key_and_line_and_what_to_write() {
        let file_text = "---\ntitle:\nsummary: S\n---\nbody\n";
        let err =
            parse::<Titled>(Path::new("s.md"), file_text, "title:\nsummary: S\n", 2).unwrap_err();
        assert_eq!(
            err.message, "`title` is empty, but it needs a value",
            "{err}"
        );
        assert_eq!(err.line, Some(2), "{err}");
        let help = err.help.as_deref().unwrap_or_default();
        assert!(help.contains("e.g. `title: \""), "{err}");
        // The last key of the block, and a `~`, are found as well.
        let yaml = "summary: S\ntitle: ~\n";
        let err = parse_file::<Titled>(Path::new("t.yaml"), yaml).unwrap_err();
        assert_eq!(
            (err.message.as_str(), err.line),
            ("`title` is empty, but it needs a value", Some(2)),
            "{err}"
        );
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Titled {
        title: String,
        summary: String,
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let yaml = "name: a\nname: b\ncount: 1\n";
        let err = parse_file::<Entry>(Path::new("d.yaml"), yaml).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
    }
}
