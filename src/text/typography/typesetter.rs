//! The typesetter: one pass over a text, character by character in definition and a
//! plain run at a time in practice, carrying its state across Markdown events.

use super::*;

/// The state of typesetting one block of prose, fed in pieces.
#[derive(Debug, Clone)]
pub(crate) struct Typesetter {
    style: Style,
    /// The last character written (or a stand-in for code), `None` at a block start.
    pub(super) prev: Option<char>,
    /// Open Russian quotes: « and „ open, » and “ close.
    pub(super) depth: u8,
    /// Letters in the word that ends at `prev`: 0, 1, 2, or 3 for three or more (the
    /// rules only tell one- and two-letter words from others).
    pub(super) word_len: usize,
    /// The first letter of that word, lowercased.
    pub(super) word_first: char,
    /// Its second letter, lowercased (`' '` until there is one).
    pub(super) word_second: char,
    /// Whether that word starts the text or follows a space or an opening sign.
    pub(super) word_free: bool,
}

/// What code spans and tags look like to the rules: neither a letter, nor a space,
/// nor an opening sign (so a quote right after one closes).
const OPAQUE: char = '\u{fffc}';

impl Typesetter {
    /// A typesetter at the start of a block.
    pub(crate) fn new(style: Style) -> Typesetter {
        Typesetter {
            style,
            prev: None,
            depth: 0,
            word_len: 0,
            word_first: ' ',
            word_second: ' ',
            word_free: false,
        }
    }

    /// A new block starts: quotes and words do not carry over.
    pub(crate) fn reset(&mut self) {
        *self = Typesetter::new(self.style);
    }

    /// Something that is not prose (code, a tag) stands between two pieces of text.
    pub(crate) fn opaque(&mut self) {
        self.prev = Some(OPAQUE);
        self.word_len = 0;
    }

    /// A line break stands between two pieces of text.
    pub(crate) fn space(&mut self) {
        self.prev = Some('\n');
        self.word_len = 0;
    }

    /// Typesets `text`, continuing from what came before, onto `out`. Returns whether
    /// what it wrote is `text` itself (no rule changed anything).
    pub(crate) fn push(&mut self, text: &str, out: &mut String) -> bool {
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
    pub(super) fn set(&mut self, text: &str, out: &mut String, runs: bool) -> bool {
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
                    if self.depth > 0 || self.prev.is_some_and(|p| p == '.' || p.is_ascii_digit()) {
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
            if letters_from == 0 && self.word_len > 0 {
                // The run continues the word before it.
                for c in letters.chars().take(3) {
                    self.grow_word(c);
                }
            } else {
                // A word starts in the run. Inside it, the character before the word is
                // part of the run, so neither a space nor an opening sign nor a quote.
                self.word_free = letters_from == 0
                    && (self.opens_here() || matches!(self.prev, Some('"' | '\'')));
                self.word_len = 0;
                for c in letters.chars().take(3) {
                    self.grow_word(c);
                }
                if self.style == Style::Russian {
                    self.word_first = lowercase(first);
                }
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
        if self.style == Style::Russian && self.binds_russian(rest, out) {
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

    /// Adds letter `c` to the word that ends at `prev` (counting up to three letters).
    fn grow_word(&mut self, c: char) {
        if self.word_len == 1 && self.style == Style::Russian {
            self.word_second = lowercase(c);
        }
        self.word_len = (self.word_len + 1).min(3);
    }

    /// The Russian rules for the space about to be written before `rest`: after a short
    /// preposition, conjunction or particle, before a trailing particle, and inside a
    /// short quoted name.
    fn binds_russian(&self, rest: &str, out: &str) -> bool {
        if self.word_free {
            let short = match self.word_len {
                1 => RUSSIAN_SHORT_WORDS.contains(&self.word_first),
                2 => RUSSIAN_TWO_LETTER_WORDS.contains(&[self.word_first, self.word_second]),
                _ => false,
            };
            if short {
                return true;
            }
        }
        if self.word_len > 0 && starts_trailing_particle(rest) {
            return true;
        }
        self.depth > 0 && short_quote_around(self.depth, out, rest)
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
                self.grow_word(c);
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

/// Whether `rest` starts with a particle that leans on the word before it (ли, же, бы,
/// ль), followed by no further letter. The one-letter ж and б are left out: they are
/// as often letters named in a list («пункт б»).
fn starts_trailing_particle(rest: &str) -> bool {
    ["ли", "же", "бы", "ль"].iter().any(|p| {
        rest.strip_prefix(p)
            .is_some_and(|tail| !tail.chars().next().is_some_and(is_letter))
    })
}

/// The longest quoted name, in characters with its quotes, that is kept on one line.
const QUOTE_KEPT_WHOLE: usize = 30;

/// Whether the space about to be written between `out` and `rest` lies inside a quote
/// of at most [`QUOTE_KEPT_WHOLE`] characters (nested quotes included). `out` must hold
/// everything written since the block's quote opened; a quote opened in an earlier
/// piece of text is not looked back into and so is not kept whole.
fn short_quote_around(open: u8, out: &str, rest: &str) -> bool {
    // Back to the opening of the outermost of the `open` quotes.
    let (mut depth, mut unmatched, mut behind) = (0usize, 0u8, 0usize);
    for c in out.chars().rev() {
        behind += 1;
        if behind > QUOTE_KEPT_WHOLE {
            return false;
        }
        match c {
            '»' | '“' => depth += 1,
            '«' | '„' if depth > 0 => depth -= 1,
            '«' | '„' => unmatched += 1,
            _ => {}
        }
        if unmatched == open {
            break;
        }
    }
    if unmatched < open {
        return false;
    }
    // Forward to where all of them are closed (a straight quote after a letter closes).
    let (mut depth, mut need, mut prev) = (0usize, open, ' ');
    for (ahead, c) in rest.chars().enumerate() {
        if behind + ahead + 2 > QUOTE_KEPT_WHOLE {
            return false;
        }
        match c {
            '«' | '„' => depth += 1,
            '"' if prev.is_whitespace() => depth += 1,
            '»' | '“' | '"' if depth > 0 => depth -= 1,
            '»' | '“' | '"' => {
                need -= 1;
                if need == 0 {
                    return true;
                }
            }
            '\n' => return false,
            _ => {}
        }
        prev = c;
    }
    false
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
