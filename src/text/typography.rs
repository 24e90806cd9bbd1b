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
//! | one-letter words (в, к, с, у, о, и, а, я) | – | no-break space after |
//! | initials (`А. С. Пушкин`, `J. R. Smith`) | no-break spaces | no-break spaces |
//! | digit groups (`150 000`), number + ₽ $ € £ % | no-break spaces | no-break spaces |
//!
//! An existing dash gets a no-break space before it, so a line never starts with one.
//! Words that look like addresses (`https://…`, `www.…`, `mailto:…`) are copied as
//! they are.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// No-break space (U+00A0).
pub const NBSP: char = '\u{a0}';

/// One-letter Russian prepositions and conjunctions that must not end a line.
const RUSSIAN_SHORT_WORDS: &[char] = &['в', 'к', 'с', 'у', 'о', 'и', 'а', 'я'];

/// Signs that follow a number and must stay on its line.
const NUMBER_SIGNS: &[char] = &['₽', '$', '€', '£', '%', '‰'];

/// The typographic conventions of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// English: curly quotes, em dashes.
    English,
    /// Russian: «ёлочки» and „лапки“, no-break spaces after one-letter words.
    Russian,
    /// Any other language: text is left as written.
    Unchanged,
}

impl Style {
    /// The style of language `lang` (an ISO 639-1 code).
    pub fn for_lang(lang: &str) -> Style {
        match lang {
            "en" => Style::English,
            "ru" => Style::Russian,
            _ => Style::Unchanged,
        }
    }
}

/// Typesets a run of prose in `lang`, starting with fresh state (a new block).
pub fn typeset(text: &str, lang: &str) -> String {
    let mut setter = Typesetter::new(Style::for_lang(lang));
    let mut out = String::with_capacity(text.len() + 8);
    setter.push(text, &mut out);
    out
}

/// Typesets text that may hold HTML tags (interface messages): the tags and character
/// references are copied as they are, the text between them is typeset as one block.
pub fn typeset_markup(text: &str, lang: &str) -> String {
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
pub fn typeset_events<'a>(events: Vec<Event<'a>>, lang: &str) -> Vec<Event<'a>> {
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

/// The state of typesetting one block of prose, fed in pieces.
#[derive(Debug, Clone)]
pub struct Typesetter {
    style: Style,
    /// The last character written (or a stand-in for code), `None` at a block start.
    prev: Option<char>,
    /// Open Russian quotes: « and „ open, » and “ close.
    depth: u8,
    /// Letters in the word that ends at `prev`: 0, 1, or 2 for two or more (the rules
    /// only tell one-letter words from others).
    word_len: usize,
    /// The first letter of that word, lowercased.
    word_first: char,
    /// Whether that word starts the text or follows a space or an opening sign.
    word_free: bool,
}

/// What code spans and tags look like to the rules: neither a letter, nor a space,
/// nor an opening sign (so a quote right after one closes).
const OPAQUE: char = '\u{fffc}';

impl Typesetter {
    /// A typesetter at the start of a block.
    pub fn new(style: Style) -> Typesetter {
        Typesetter {
            style,
            prev: None,
            depth: 0,
            word_len: 0,
            word_first: ' ',
            word_free: false,
        }
    }

    /// A new block starts: quotes and words do not carry over.
    pub fn reset(&mut self) {
        *self = Typesetter::new(self.style);
    }

    /// Something that is not prose (code, a tag) stands between two pieces of text.
    pub fn opaque(&mut self) {
        self.prev = Some(OPAQUE);
        self.word_len = 0;
    }

    /// A line break stands between two pieces of text.
    pub fn space(&mut self) {
        self.prev = Some('\n');
        self.word_len = 0;
    }

    /// Typesets `text`, continuing from what came before, onto `out`. Returns whether
    /// what it wrote is `text` itself (no rule changed anything).
    pub fn push(&mut self, text: &str, out: &mut String) -> bool {
        let unchanged = self.set(text, out, true);
        if unchanged {
            out.push_str(text);
        }
        unchanged
    }

    /// Typesets `text`, continuing from what came before: appends the result to `out`
    /// and returns false, or, when no rule changes anything, leaves `out` as it was and
    /// returns true.
    ///
    /// Text is copied to `out` lazily: `text[done..i]` is known to come out unchanged
    /// and is written only when a rule changes something after it or needs to look
    /// back at what was written. `runs` turns the plain-run fast path on; without it,
    /// every character goes through the rules one by one, which is the definition the
    /// fast path is tested against.
    fn set(&mut self, text: &str, out: &mut String, runs: bool) -> bool {
        let start = out.len();
        if self.style == Style::Unchanged {
            return true;
        }
        let mut same = true;
        let mut done = 0;
        let sync = |out: &mut String, done: &mut usize, to: usize| {
            out.push_str(&text[*done..to]);
            *done = to;
        };
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            if self.word_len == 0 && self.opens_here() && starts_address(rest) {
                i += rest.find(char::is_whitespace).unwrap_or(rest.len());
                self.prev = Some(OPAQUE);
                continue;
            }
            if runs {
                // Most of prose is letters, digits and punctuation no rule changes.
                let (len, letters_from) = plain_run(rest);
                if len > 0 {
                    self.after_plain_run(&rest[..len], letters_from);
                    i += len;
                    continue;
                }
            }
            let Some(c) = rest.chars().next() else { break };
            let after = &rest[c.len_utf8()..];
            let next = i + c.len_utf8();
            match c {
                '"' => {
                    sync(out, &mut done, i);
                    let q = self.double_quote();
                    self.emit(q, out);
                    same = false;
                    done = next;
                }
                '\'' => {
                    let q = self.single_quote(after.chars().next());
                    if q == c {
                        self.note(c);
                    } else {
                        sync(out, &mut done, i);
                        self.emit(q, out);
                        same = false;
                        done = next;
                    }
                }
                '-' | '–' if self.prev == Some(' ') || self.prev == Some(NBSP) => {
                    // ` - `, ` -- ` and ` – ` between words or numbers.
                    let tail = match after.strip_prefix('-') {
                        Some(tail) if c == '-' => tail,
                        _ => after,
                    };
                    let Some(next_word) = tail.strip_prefix(' ') else {
                        self.note(c);
                        i = next;
                        continue;
                    };
                    sync(out, &mut done, i);
                    same = false;
                    let before_digit = out[start..]
                        .trim_end_matches([' ', NBSP])
                        .ends_with(|c: char| c.is_ascii_digit());
                    let after_digit = next_word.starts_with(|c: char| c.is_ascii_digit());
                    if before_digit && after_digit {
                        while out[start..].ends_with([' ', NBSP]) {
                            out.pop();
                        }
                        self.emit('–', out);
                        i = text.len() - next_word.len();
                    } else {
                        self.dash('—', out, start);
                        // The space after the dash is typeset on the next turn.
                        i = text.len() - tail.len();
                    }
                    done = i;
                    continue;
                }
                '—' if self.prev == Some(' ') => {
                    sync(out, &mut done, i);
                    same &= !self.dash('—', out, start);
                    done = next;
                }
                ' ' => {
                    // The rules for numbers and initials look back at what was written.
                    if self.prev.is_some_and(|p| p == '.' || p.is_ascii_digit()) {
                        sync(out, &mut done, i);
                    }
                    if self.binds(after, &out[start..]) {
                        sync(out, &mut done, i);
                        self.emit(NBSP, out);
                        same = false;
                        done = next;
                    } else {
                        self.note(c);
                    }
                }
                _ => self.note(c),
            }
            i = next;
        }
        if same {
            out.truncate(start);
        } else {
            sync(out, &mut done, text.len());
        }
        same
    }

    /// The state after a plain run (see [`plain_run`]) was written, as if each of its
    /// characters had gone through `emit`. `letters_from` is where the run's trailing
    /// letters start.
    fn after_plain_run(&mut self, run: &str, letters_from: usize) {
        let letters = &run[letters_from..];
        if let Some(first) = letters.chars().next() {
            let one = letters.len() == first.len_utf8();
            if letters_from == 0 && self.word_len > 0 {
                // The run continues the word before it.
                self.word_len = 2;
            } else {
                // A word starts in the run. Inside it, the character before the word is
                // part of the run, so neither a space nor an opening sign nor a quote.
                self.word_free = letters_from == 0
                    && (self.opens_here() || matches!(self.prev, Some('"' | '\'')));
                if self.style == Style::Russian {
                    self.word_first = lowercase(first);
                }
                self.word_len = if one { 1 } else { 2 };
            }
        } else {
            self.word_len = 0;
        }
        self.prev = run.chars().next_back();
    }

    /// True when the position after `prev` starts a word (block start, space, opening sign).
    fn opens_here(&self) -> bool {
        match self.prev {
            None => true,
            Some(p) => {
                p.is_whitespace()
                    || matches!(p, '(' | '[' | '{' | '«' | '„' | '—' | '–' | '-' | '/')
                    || (self.style == Style::English && matches!(p, '“' | '‘'))
            }
        }
    }

    fn double_quote(&self) -> char {
        let open = self.opens_here();
        match self.style {
            Style::English if open => '“',
            Style::English => '”',
            _ if open && self.depth == 0 => '«',
            _ if open => '„',
            _ if self.depth >= 2 => '“',
            _ => '»',
        }
    }

    fn single_quote(&self, next: Option<char>) -> char {
        let after_letter = self.prev.is_some_and(char::is_alphanumeric);
        match self.style {
            Style::English if after_letter => '’',
            // '90s: an apostrophe for omitted digits, not an opening quote.
            Style::English if self.opens_here() && next.is_some_and(|c| c.is_ascii_digit()) => '’',
            Style::English if self.opens_here() => '‘',
            Style::English => '’',
            _ if self.prev.is_some_and(char::is_alphabetic) => '’',
            _ => '\'',
        }
    }

    /// Writes a dash, turning the plain space before it (written since `start`) into a
    /// no-break one; returns whether it did.
    fn dash(&mut self, dash: char, out: &mut String, start: usize) -> bool {
        let replaced = out[start..].ends_with(' ');
        if replaced {
            out.pop();
            out.push(NBSP);
        }
        self.emit(dash, out);
        replaced
    }

    /// Whether the space about to be written (before `rest`) must not break.
    fn binds(&self, rest: &str, out: &str) -> bool {
        let Some(prev) = self.prev else { return false };
        let next = rest.chars().next();
        // One-letter prepositions and conjunctions.
        if self.style == Style::Russian
            && self.word_len == 1
            && self.word_free
            && RUSSIAN_SHORT_WORDS.contains(&self.word_first)
        {
            return true;
        }
        // Initials: `А. С. Пушкин`, `J. R. Smith`.
        if prev == '.' && next.is_some_and(char::is_uppercase) {
            let mut back = out.chars().rev();
            back.next();
            if back.next().is_some_and(char::is_uppercase)
                && back.next().is_none_or(|c| !c.is_alphanumeric())
            {
                return true;
            }
        }
        if prev.is_ascii_digit() {
            // A sign that belongs to the number: `150 ₽`, `20 %`.
            if next.is_some_and(|c| NUMBER_SIGNS.contains(&c)) {
                return true;
            }
            // Digit groups: `150 000`, `1 000 000` (groups of three, a lead of one to three).
            let lead = out.chars().rev().take_while(char::is_ascii_digit).count();
            let before = out.chars().rev().nth(lead);
            let bytes = rest.as_bytes();
            let group = bytes.len() >= 3
                && bytes[..3].iter().all(u8::is_ascii_digit)
                && bytes.get(3).is_none_or(|c| !c.is_ascii_digit());
            let clean =
                before.is_none_or(|c| !c.is_alphanumeric() && !matches!(c, '.' | ',' | '-'));
            if (1..=3).contains(&lead) && group && clean {
                return true;
            }
        }
        false
    }

    /// Writes `c` and takes note of it.
    fn emit(&mut self, c: char, out: &mut String) {
        out.push(c);
        self.note(c);
    }

    /// Updates the state for `c`, written (or to be written) as it is.
    fn note(&mut self, c: char) {
        if self.style == Style::Russian {
            match c {
                '«' | '„' => self.depth = self.depth.saturating_add(1),
                '»' | '“' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        if is_letter(c) {
            if self.word_len > 0 {
                self.word_len = 2;
            } else {
                self.word_free = self.opens_here() || matches!(self.prev, Some('"' | '\''));
                self.word_len = 1;
                // Only the Russian one-letter-word rule reads it.
                if self.style == Style::Russian {
                    self.word_first = lowercase(c);
                }
            }
        } else {
            self.word_len = 0;
        }
        self.prev = Some(c);
    }
}

/// Whether `c` is a letter, with the Latin and Cyrillic alphabets decided without a
/// Unicode table lookup (this runs for every character of every message).
fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || matches!(c, 'А'..='я' | 'ё' | 'Ё')
        || (!c.is_ascii() && c.is_alphabetic())
}

/// `c` in lower case; only the first letter of each word needs it. ASCII and the
/// Russian alphabet are handled without a Unicode table lookup.
fn lowercase(c: char) -> char {
    match c {
        _ if c.is_ascii() => c.to_ascii_lowercase(),
        'А'..='Я' => char::from_u32(c as u32 + 32).unwrap_or(c),
        'Ё' => 'ё',
        'а'..='я' | 'ё' => c,
        _ => c.to_lowercase().next().unwrap_or(c),
    }
}

/// The length of the plain run `text` starts with, and where its trailing letters
/// start (the run's length when it ends in something else).
///
/// A plain run holds no character any rule reads before writing it: no quote, hyphen,
/// dash, space or opening sign. Those are ASCII, or start with one of the bytes
/// 0xC2, 0xE1, 0xE2 and 0xE3 in UTF-8 (`«`, no-break and other spaces, `—`, `“`, `„`),
/// so the scan stops at those bytes and decodes only other non-ASCII characters.
/// Cyrillic letters (lead bytes 0xD0 and 0xD1) are taken without decoding.
fn plain_run(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut letters_from = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' | b'\'' | b'-' | b'(' | b'[' | b'{' | b'/' => break,
            _ if b.is_ascii_whitespace() || b == 0x0b => break,
            _ if b.is_ascii_alphabetic() => i += 1,
            _ if b.is_ascii() => {
                i += 1;
                letters_from = i;
            }
            0xC2 | 0xE1 | 0xE2 | 0xE3 => break,
            0xD0 | 0xD1 => i += 2,
            _ => {
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                i += c.len_utf8();
                if !is_letter(c) {
                    letters_from = i;
                }
            }
        }
    }
    (i, letters_from.min(i))
}

/// True when `text` starts with something that looks like an address.
fn starts_address(text: &str) -> bool {
    const PREFIXES: &[&str] = &["http://", "https://", "www.", "mailto:"];
    // Most words start with another letter: decide those without comparing prefixes.
    if !text
        .as_bytes()
        .first()
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), b'h' | b'w' | b'm'))
    {
        return false;
    }
    PREFIXES.iter().any(|p| {
        text.len() >= p.len() && text.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, expected) pairs; `~` stands for a no-break space in the expectations.
    fn table(lang: &str, cases: &[(&str, &str)]) {
        for (input, expected) in cases {
            let expected = expected.replace('~', "\u{a0}");
            let once = typeset(input, lang);
            assert_eq!(once, expected, "{lang}: {input:?}");
            assert_eq!(
                typeset(&once, lang),
                once,
                "{lang}: not idempotent on {input:?}"
            );
        }
    }

    #[test]
    fn english_quotes_and_apostrophes_curl() {
        table(
            "en",
            &[
                (r#"She said "hello.""#, "She said “hello.”"),
                (r#""Fast payouts," he said."#, "“Fast payouts,” he said."),
                (
                    "don't, it's, partners' links",
                    "don’t, it’s, partners’ links",
                ),
                ("a 'quoted' word", "a ‘quoted’ word"),
                (r#""'Nested' quotes""#, "“‘Nested’ quotes”"),
                ("back in the '90s", "back in the ’90s"),
                (r#"("in brackets")"#, "(“in brackets”)"),
            ],
        );
    }

    #[test]
    fn russian_quotes_nest_lapki_inside_yolochki() {
        table(
            "ru",
            &[
                (r#"Он сказал "привет""#, "Он сказал «привет»"),
                (
                    r#""Компания "Северный учёт" растёт""#,
                    "«Компания „Северный учёт“ растёт»",
                ),
                (r#"«Уже "частично" набрано»"#, "«Уже „частично“ набрано»"),
                ("Д'Артаньян", "Д’Артаньян"),
                (r#"("в скобках")"#, "(«в~скобках»)"),
            ],
        );
    }

    #[test]
    fn spaced_hyphens_become_dashes() {
        table(
            "en",
            &[
                ("fast - and fair", "fast~— and fair"),
                ("fast -- and fair", "fast~— and fair"),
                ("fast — and fair", "fast~— and fair"),
                ("pages 10 - 20", "pages 10–20"),
                ("a well-known e-mail", "a well-known e-mail"),
                ("on 2026-04-14", "on 2026-04-14"),
                ("from -5 to 5", "from -5 to 5"),
                ("- a leading hyphen", "- a leading hyphen"),
            ],
        );
        table(
            "ru",
            &[
                ("Выплата - через 14 дней", "Выплата~— через 14 дней"),
                ("Выплата — через 14 дней", "Выплата~— через 14 дней"),
                ("Выплата – через 14 дней", "Выплата~— через 14 дней"),
                ("с 10 - 20 числа", "с~10–20 числа"),
                ("кто-то", "кто-то"),
            ],
        );
    }

    #[test]
    fn russian_one_letter_words_keep_their_next_word() {
        table(
            "ru",
            &[
                (
                    "Мы работаем в Москве и в Казани",
                    "Мы работаем в~Москве и~в~Казани",
                ),
                ("В 2026 году", "В~2026 году"),
                ("А вы? Я тоже. О нас", "А~вы? Я~тоже. О~нас"),
                ("к нам, с вами, у них", "к~нам, с~вами, у~них"),
                ("сервис в приложении", "сервис в~приложении"),
                ("пункт б и пункт ж", "пункт б и~пункт ж"),
            ],
        );
        table("en", &[("a cat and I went", "a cat and I went")]);
    }

    #[test]
    fn numbers_initials_and_signs_do_not_break() {
        table(
            "ru",
            &[
                ("12 000 ₽", "12~000~₽"),
                ("1 000 000 клиентов", "1~000~000 клиентов"),
                ("рост на 40 %", "рост на 40~%"),
                ("А. С. Пушкин", "А.~С.~Пушкин"),
                ("в 2026 150 партнёров", "в~2026 150 партнёров"),
                ("версия 1.5 000", "версия 1.5 000"),
            ],
        );
        table(
            "en",
            &[
                ("J. R. Smith wrote", "J.~R.~Smith wrote"),
                ("Plan B. Then", "Plan B.~Then"),
                ("150 $ or 20 %", "150~$ or 20~%"),
            ],
        );
    }

    #[test]
    fn addresses_are_left_alone() {
        table(
            "en",
            &[
                (
                    "see https://x.test/a--b?q=\"1\" - now",
                    "see https://x.test/a--b?q=\"1\"~— now",
                ),
                ("www.example.com/don't", "www.example.com/don't"),
            ],
        );
    }

    /// The plain-run fast path writes what the character-by-character rules write,
    /// and leaves the same state behind, on text made of the characters the rules
    /// care about, fed in pieces with code and line breaks between them.
    #[test]
    fn plain_runs_match_the_rules_character_by_character() {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "я",
            "Ё",
            "ж",
            "é",
            "ß",
            "中",
            "7",
            "0",
            " ",
            " ",
            "\u{a0}",
            "\t",
            "\"",
            "'",
            "-",
            "–",
            "—",
            ".",
            ",",
            "(",
            ")",
            "/",
            "[",
            "«",
            "»",
            "„",
            "“",
            "‘",
            "₽",
            "%",
            "https://x.test/a",
            "www.",
            "mailto:",
            "word",
            "слово",
            "в",
            "и",
            "J.",
            "150",
            "\u{2009}",
            "\u{301}",
            "_",
            "!",
            "?",
            ":",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for case in 0..20_000 {
            let style = if case % 2 == 0 {
                Style::English
            } else {
                Style::Russian
            };
            let mut fast = Typesetter::new(style);
            let mut slow = Typesetter::new(style);
            let (mut fast_out, mut slow_out) = (String::new(), String::new());
            let mut input = String::new();
            for _ in 0..1 + next(4) {
                let piece: String = (0..next(24)).map(|_| PIECES[next(PIECES.len())]).collect();
                input.push_str(&piece);
                let from = fast_out.len();
                let push = |t: &mut Typesetter, out: &mut String, runs: bool| {
                    let unchanged = t.set(&piece, out, runs);
                    if unchanged {
                        out.push_str(&piece);
                    }
                    unchanged
                };
                let fast_same = push(&mut fast, &mut fast_out, true);
                let slow_same = push(&mut slow, &mut slow_out, false);
                assert_eq!(fast_out, slow_out, "{style:?}: {input:?}");
                assert_eq!(fast_same, slow_same, "{style:?}: {input:?}");
                let unchanged = fast_out.as_bytes().get(from..) == Some(piece.as_bytes());
                assert_eq!(fast_same, unchanged, "{style:?}: {input:?}");
                match next(3) {
                    0 => {
                        fast.opaque();
                        slow.opaque();
                    }
                    1 => {
                        fast.space();
                        slow.space();
                    }
                    _ => {}
                }
            }
            // The word's first letter and whether it stands free are read only
            // while a word is open.
            let state = |t: &Typesetter| {
                let word = (t.word_len > 0).then_some((t.word_first, t.word_free));
                (t.prev, t.depth, t.word_len, word)
            };
            assert_eq!(state(&fast), state(&slow), "{style:?}: {input:?}");
        }
    }

    #[test]
    fn other_languages_are_left_as_written() {
        assert_eq!(typeset(r#"a "b" - c"#, "de"), r#"a "b" - c"#);
    }

    #[test]
    fn markup_keeps_tags_and_references() {
        let html = r#"Read <a href="/x" title="a - b">the "guide"</a> &amp; more - now"#;
        assert_eq!(
            typeset_markup(html, "en"),
            "Read <a href=\"/x\" title=\"a - b\">the “guide”</a> &amp; more\u{a0}— now"
        );
        assert_eq!(typeset_markup("5 < 6 and \"x\"", "en"), "5 < 6 and “x”");
    }
}
