//! Markdown as plain text, for partners to paste: no markup, links written out
//! (`text: url`), lists and quotes kept in shape, prose typeset for its language as on
//! the pages ([`crate::text::markdown::plain`] parses and typesets). Stories get theirs
//! from the same parse as their HTML, at load time.

use pulldown_cmark::{Event, Tag, TagEnd};

/// The plain text of typeset Markdown events.
pub(crate) fn from_events(events: &[Event<'_>]) -> String {
    let mut out = String::new();
    let mut link_stack: Vec<(String, usize)> = Vec::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quote_depth = 0usize;
    let mut footnote: Option<String> = None;
    for event in events {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. }) => {
                start_line(&mut out, quote_depth);
                if let Some(label) = footnote.take() {
                    out.push_str(&format!("[{label}]: "));
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => out.push_str("\n\n"),
            Event::Start(Tag::BlockQuote(_)) => quote_depth += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote_depth = quote_depth.saturating_sub(1),
            Event::Start(Tag::List(first)) => lists.push(*first),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                start_line(&mut out, quote_depth);
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("• "),
                }
            }
            Event::End(TagEnd::Item) => {
                trim_end_spaces(&mut out);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link_stack.push((dest_url.to_string(), out.len()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((dest, start)) = link_stack.pop() {
                    let text = out[start..].trim();
                    if text != dest && !dest.is_empty() {
                        out.push_str(": ");
                        out.push_str(&dest);
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => {
                out.push('\n');
                push_quote(&mut out, quote_depth);
            }
            Event::Rule => out.push_str("———\n\n"),
            Event::End(TagEnd::TableCell) => out.push_str(" | "),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                trim_end_spaces(&mut out);
                if out.ends_with('|') {
                    out.pop();
                }
                trim_end_spaces(&mut out);
                out.push('\n');
            }
            Event::End(TagEnd::Table) => out.push('\n'),
            Event::Html(t) | Event::InlineHtml(t) => out.push_str(t),
            Event::FootnoteReference(label) => {
                out.push('[');
                out.push_str(label);
                out.push(']');
            }
            // The label goes before the definition's first paragraph.
            Event::Start(Tag::FootnoteDefinition(label)) => footnote = Some(label.to_string()),
            _ => {}
        }
    }
    let mut text = out.trim_end().to_owned();
    text.push('\n');
    text
}

fn start_line(out: &mut String, quote_depth: usize) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    push_quote(out, quote_depth);
}

fn push_quote(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("> ");
    }
}

fn trim_end_spaces(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
}
