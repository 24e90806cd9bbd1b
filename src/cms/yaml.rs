//! A small block-style YAML writer for the editor's configuration: keys in the
//! order given, every string double-quoted, so the same project always gives the
//! same bytes and no value is read back as another type.

use std::fmt::Write as _;

/// One YAML value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A double-quoted string.
    Str(String),
    /// `true` or `false`.
    Bool(bool),
    /// A sequence, one item a line.
    List(Vec<Value>),
    /// A mapping, keys in this order.
    Map(Vec<(&'static str, Value)>),
}

/// A string value.
pub(crate) fn s(text: impl Into<String>) -> Value {
    Value::Str(text.into())
}

/// A list of strings.
pub(crate) fn strings<I, T>(items: I) -> Value
where
    I: IntoIterator<Item = T>,
    T: Into<String>,
{
    Value::List(items.into_iter().map(|t| Value::Str(t.into())).collect())
}

/// The document, ending in a newline.
pub(crate) fn to_string(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Map(entries) => map(&mut out, entries, 0),
        other => {
            scalar_or_flow(&mut out, other);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn map(out: &mut String, entries: &[(&'static str, Value)], depth: usize) {
    for (i, (key, value)) in entries.iter().enumerate() {
        // The first key of a list item follows its `- `.
        if i > 0 || depth == 0 || !out.ends_with("- ") {
            indent(out, depth);
        }
        out.push_str(key);
        out.push(':');
        nested(out, value, depth);
    }
}

fn nested(out: &mut String, value: &Value, depth: usize) {
    match value {
        Value::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            map(out, entries, depth + 1);
        }
        Value::List(items) if items.iter().any(|i| matches!(i, Value::Map(_))) => {
            out.push('\n');
            for item in items {
                indent(out, depth + 1);
                out.push_str("- ");
                match item {
                    Value::Map(entries) => map(out, entries, depth + 2),
                    other => {
                        scalar_or_flow(out, other);
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            out.push(' ');
            scalar_or_flow(out, other);
            out.push('\n');
        }
    }
}

/// Scalars, and lists of scalars on one line (`[a, b]`).
fn scalar_or_flow(out: &mut String, value: &Value) {
    match value {
        Value::Str(text) => quoted(out, text),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                scalar_or_flow(out, item);
            }
            out.push(']');
        }
        Value::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Value::Map(entries) => {
            out.push_str("{ ");
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push_str(": ");
                scalar_or_flow(out, item);
            }
            out.push_str(" }");
        }
    }
}

/// A YAML double-quoted scalar: `\` and `"` escaped, control characters as `\uXXXX`.
fn quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_maps_and_lists_are_written_in_block_style() {
        let doc = Value::Map(vec![
            ("backend", Value::Map(vec![("name", s("github"))])),
            (
                "collections",
                Value::List(vec![Value::Map(vec![
                    ("name", s("stories")),
                    ("create", Value::Bool(true)),
                    ("locales", strings(["en", "ru"])),
                    ("pattern", strings(["^a\\d$", "say \"no\""])),
                ])]),
            ),
            ("empty", Value::Map(vec![])),
        ]);
        assert_eq!(
            to_string(&doc),
            "backend:\n  name: \"github\"\ncollections:\n  - name: \"stories\"\n    create: true\n    locales: [\"en\", \"ru\"]\n    pattern: [\"^a\\\\d$\", \"say \\\"no\\\"\"]\nempty: {}\n"
        );
    }
}
