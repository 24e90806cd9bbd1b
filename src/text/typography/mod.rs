//! Typography: straight quotes, spaced hyphens and breakable spaces turned into what
//! each language's readers expect.
//!
//! Authors type on ordinary keyboards; readers expect “curly quotes” in English and
//! «ёлочки» with „лапками“ inside in Russian, a real dash where a spaced hyphen stands,
//! and no line break between a short preposition and its word. Everything here is a
//! pure function of text and language, and idempotent: typesetting twice gives the
//! same text as typesetting once. The rules run on prose only. The Markdown renderer
//! feeds them `Event::Text` (never code, raw HTML, link targets or titles, see
//! [`typeset_events`]), kit copy goes through the same pass, and interface messages go
//! through [`typeset_markup`], which leaves anything that looks like an HTML tag alone.
//!
//! The rules, per language (other languages are left as written):
//!
//! | rule | English | Russian |
//! |---|---|---|
//! | double quotes | “ ” | « » outside, „ “ nested |
//! | apostrophe, single quotes | ’, ‘ ’ | ’ after a letter |
//! | spaced hyphen, ` -- `, spaced en dash | no-break space + em dash | no-break space + em dash |
//! | spaced hyphen between numbers (`10 - 20`) | en dash, closed up | en dash, closed up |
//! | one- and two-letter words (в, к, с, у, о, и, а, я; на, за, по, от, до, из, не, ни, но, ко, со, во, об, да) | – | no-break space after |
//! | particles ли, же, бы (ль, ж, б) | – | no-break space before |
//! | a quoted name of up to 30 characters («Бюро „Северный учёт“») | – | no-break spaces inside |
//! | initials (`А. С. Пушкин`, `J. R. Smith`) | no-break spaces | no-break spaces |
//! | digit groups (`150 000`), number + ₽ $ € £ % | no-break spaces | no-break spaces |
//!
//! An existing dash gets a no-break space before it, so a line never starts with one.
//! Words that look like addresses (`https://…`, `www.…`, `mailto:…`) are copied as
//! they are.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// No-break space (U+00A0).
pub(crate) const NBSP: char = '\u{a0}';

/// One-letter Russian prepositions and conjunctions that must not end a line.
const RUSSIAN_SHORT_WORDS: &[char] = &['в', 'к', 'с', 'у', 'о', 'и', 'а', 'я'];

/// Two-letter Russian prepositions, conjunctions and particles that must not end a
/// line, lowercased.
const RUSSIAN_TWO_LETTER_WORDS: &[[char; 2]] = &[
    ['н', 'а'],
    ['з', 'а'],
    ['п', 'о'],
    ['о', 'т'],
    ['д', 'о'],
    ['и', 'з'],
    ['н', 'е'],
    ['н', 'и'],
    ['н', 'о'],
    ['к', 'о'],
    ['с', 'о'],
    ['в', 'о'],
    ['о', 'б'],
    ['д', 'а'],
];

/// Signs that follow a number and must stay on its line.
const NUMBER_SIGNS: &[char] = &['₽', '$', '€', '£', '%', '‰'];

/// The typographic conventions of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// English: curly quotes, em dashes.
    English,
    /// Russian: «ёлочки» and „лапки“, no-break spaces after short words, before
    /// particles and inside short quoted names.
    Russian,
    /// Any other language: text is left as written.
    Unchanged,
}

impl Style {
    /// The style of language `lang` (an ISO 639-1 code).
    pub(crate) fn for_lang(lang: &str) -> Style {
        match lang {
            "en" => Style::English,
            "ru" => Style::Russian,
            _ => Style::Unchanged,
        }
    }
}

/// Typesets a run of prose in `lang`, starting with fresh state (a new block).
pub(crate) fn typeset(text: &str, lang: &str) -> String {
    let mut setter = Typesetter::new(Style::for_lang(lang));
    let mut out = String::with_capacity(text.len() + 8);
    setter.push(text, &mut out);
    out
}

/// Typesets text that may hold HTML tags (interface messages): the tags and character
/// references are copied as they are, the text between them is typeset as one block.
pub(crate) fn typeset_markup(text: &str, lang: &str) -> String {
    let style = Style::for_lang(lang);
    if style == Style::Unchanged || !text.contains(['<', '&']) {
        return typeset(text, lang);
    }
    let mut setter = Typesetter::new(style);
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some((start, end)) = next_opaque(rest) {
        setter.push(&rest[..start], &mut out);
        out.push_str(&rest[start..end]);
        setter.opaque();
        rest = &rest[end..];
    }
    setter.push(rest, &mut out);
    out
}

/// The first tag (`<a …>`, `</a>`, `<!-- -->`) or character reference (`&amp;`) in
/// `text`, as a byte range.
fn next_opaque(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = text[from..].find(['<', '&']).map(|i| i + from) {
        let after = &text[i + 1..];
        let end = if text[i..].starts_with('<') {
            after
                .chars()
                .next()
                .filter(|c| c.is_ascii_alphabetic() || *c == '/' || *c == '!')
                .and_then(|_| after.find('>'))
        } else {
            after.find(';').filter(|&n| {
                n > 0
                    && n <= 10
                    && after[..n]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '#')
            })
        };
        match end {
            Some(n) => return Some((i, i + 1 + n + 1)),
            None => from = i + 1,
        }
    }
    None
}

/// Typesets the prose of a Markdown event stream in `lang`.
///
/// Only `Event::Text` changes, and not inside code blocks or autolinks (whose text is
/// the address itself). Adjacent text events are merged first (the parser splits text
/// at unmatched delimiters), and state carries across inline markup within a block,
/// so a quote opened before `*emphasis*` is closed after it. Image alt text is
/// typeset: it is what a reader hears or sees instead of the image. Link targets,
/// titles, code spans and raw HTML are never touched.
pub(crate) fn typeset_events<'a>(events: Vec<Event<'a>>, lang: &str) -> Vec<Event<'a>> {
    let style = Style::for_lang(lang);
    if style == Style::Unchanged {
        return events;
    }
    let mut setter = Typesetter::new(style);
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
    let mut verbatim = 0usize;
    // Text events waiting to be typeset as one: the first as it came, the others
    // appended to `joined` (the parser splits text only at unmatched delimiters, so
    // a second one is rare).
    let mut pending: Option<CowStr<'a>> = None;
    let mut joined = String::new();
    // Reused for every text: a typeset text is copied out only when it changed.
    let mut scratch = String::new();
    let mut flush = |pending: &mut Option<CowStr<'a>>,
                     joined: &mut String,
                     out: &mut Vec<Event<'a>>,
                     setter: &mut Typesetter| {
        let Some(first) = pending.take() else { return };
        let text: CowStr<'a> = if joined.is_empty() {
            first
        } else {
            joined.insert_str(0, &first);
            CowStr::Boxed(std::mem::take(joined).into_boxed_str())
        };
        scratch.clear();
        if setter.set(&text, &mut scratch, true) {
            out.push(Event::Text(text));
        } else {
            out.push(Event::Text(CowStr::Boxed(scratch.as_str().into())));
        }
    };
    for event in events {
        if let Event::Text(text) = event {
            if verbatim == 0 {
                match &pending {
                    None => pending = Some(text),
                    Some(_) => joined.push_str(&text),
                }
                continue;
            }
            out.push(Event::Text(text));
            continue;
        }
        flush(&mut pending, &mut joined, &mut out, &mut setter);
        match &event {
            Event::Start(Tag::CodeBlock(_))
            | Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                verbatim += 1;
                setter.opaque();
            }
            Event::End(TagEnd::CodeBlock) => {
                verbatim = verbatim.saturating_sub(1);
                setter.reset();
            }
            Event::End(TagEnd::Link) if verbatim > 0 => {
                verbatim -= 1;
                setter.opaque();
            }
            Event::Start(tag) if !is_inline(tag) => setter.reset(),
            Event::End(tag) if !is_inline_end(tag) => setter.reset(),
            Event::Code(_)
            | Event::InlineMath(_)
            | Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_) => setter.opaque(),
            Event::SoftBreak | Event::HardBreak => setter.space(),
            _ => {}
        }
        out.push(event);
    }
    flush(&mut pending, &mut joined, &mut out, &mut setter);
    out
}

fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

mod typesetter;

pub(crate) use typesetter::Typesetter;

#[cfg(test)]
mod tests;
