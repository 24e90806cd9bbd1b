//! The kit's e-mail as a ready draft (`pitch/email.eml`): an RFC 5322 message a
//! partner opens in a mail client, adds a recipient to and sends.
//!
//! The message is `multipart/alternative`: the plain text of `pitch/email.txt` and the
//! HTML of `pitch/email.html`, both UTF-8. It has no `From`, `To` or `Date` (it is a
//! draft, and a date would make kits differ from build to build) and carries
//! `X-Unsent: 1`, which makes Outlook open it as a new message to send; Apple Mail and
//! Thunderbird open it as a message. Every line ends in CRLF and none is longer than 78
//! characters. The writer is small and ours: a mail crate would bring far more than
//! one message shape needs, and every byte here has to be the same on every build.

use sha2::{Digest, Sha256};

/// Longest line of an encoded body, as RFC 2045 requires for quoted-printable and base64.
const BODY_LINE: usize = 76;
/// Longest header line we write (RFC 5322 recommends 78 before the CRLF).
const HEADER_LINE: usize = 78;
/// Longest encoded-word (RFC 2047, section 2).
const ENCODED_WORD: usize = 75;
/// What an encoded-word of UTF-8 in base64 adds around its payload: `=?UTF-8?B?` and `?=`.
const WORD_FRAME: usize = "=?UTF-8?B?".len() + "?=".len();

/// What the draft says.
#[derive(Debug, Clone, Copy)]
pub(super) struct Draft<'a> {
    /// The subject, on one line; `None` writes no `Subject:` header.
    pub subject: Option<&'a str>,
    /// The plain-text part.
    pub text: &'a str,
    /// The HTML part: a whole document.
    pub html: &'a str,
}

/// The draft as the bytes of an `.eml` file: ASCII only, CRLF line endings.
pub(super) fn write(draft: &Draft<'_>) -> String {
    let boundary = boundary(draft);
    let mut out = String::with_capacity(draft.text.len() * 2 + draft.html.len() * 2 + 512);
    out.push_str("MIME-Version: 1.0\r\n");
    if let Some(subject) = draft.subject.filter(|s| !s.trim().is_empty()) {
        out.push_str(&subject_header(subject));
    }
    out.push_str("X-Unsent: 1\r\n");
    out.push_str(&format!(
        "Content-Type: multipart/alternative;\r\n boundary=\"{boundary}\"\r\n"
    ));
    out.push_str("\r\n");
    for (kind, body) in [("text/plain", draft.text), ("text/html", draft.html)] {
        let (encoding, encoded) = encode_body(&crlf(body));
        out.push_str(&format!("--{boundary}\r\n"));
        out.push_str(&format!("Content-Type: {kind}; charset=utf-8\r\n"));
        out.push_str(&format!("Content-Transfer-Encoding: {encoding}\r\n\r\n"));
        out.push_str(&encoded);
        out.push_str("\r\n");
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out
}

/// The multipart boundary: fixed by the content, so a kit is the same on every build.
/// It starts with `=_`, which neither quoted-printable (where `=` is always followed by
/// a hex digit or a line break) nor base64 can produce, so no body line can match it.
fn boundary(draft: &Draft<'_>) -> String {
    let mut hash = Sha256::new();
    for part in [draft.subject.unwrap_or(""), draft.text, draft.html] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    let digest = hash.finalize();
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("=_refkit_{hex}")
}

/// Text with every line ending as CRLF, the canonical form of a text body.
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\n', "\r\n")
}

/// The body in the shorter of quoted-printable (readable, best for mostly ASCII text)
/// and base64 (a third longer than UTF-8, best for Cyrillic): (encoding name, lines).
fn encode_body(body: &str) -> (&'static str, String) {
    let qp = quoted_printable(body.as_bytes());
    let b64 = base64_lines(body.as_bytes());
    if qp.len() <= b64.len() {
        ("quoted-printable", qp)
    } else {
        ("base64", b64)
    }
}

/// Quoted-printable (RFC 2045, section 6.7) of CRLF-terminated text: CRLF stays a line
/// break, lines are cut with soft breaks (`=`) so none exceeds 76 characters, and an
/// escape (`=XX`) is never cut.
pub(super) fn quoted_printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    let mut lines = bytes.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        let last_line = lines.peek().is_none();
        // A line break is CRLF; a lone LF (never in `crlf` text) is written as one too.
        let (line, hard_break) = match line.strip_suffix(b"\r") {
            Some(line) if !last_line => (line, true),
            _ => (line, !last_line),
        };
        let mut width = 0;
        for (i, &byte) in line.iter().enumerate() {
            let at_end = i + 1 == line.len();
            let literal = match byte {
                b'=' => false,
                b' ' | b'\t' => !at_end,
                33..=126 => true,
                _ => false,
            };
            let token_width = if literal { 1 } else { 3 };
            // Room for the token, and for a soft break after it unless the line ends here.
            let room = if at_end { BODY_LINE } else { BODY_LINE - 1 };
            if width + token_width > room {
                out.push_str("=\r\n");
                width = 0;
            }
            if literal {
                out.push(char::from(byte));
            } else {
                out.push_str(&format!("={byte:02X}"));
            }
            width += token_width;
        }
        if hard_break {
            out.push_str("\r\n");
        }
    }
    out
}

/// The base64 alphabet (RFC 4648, section 4).
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 of `bytes`, padded, on one line.
pub(super) fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(BASE64[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Base64 of `bytes` in lines of 76 characters joined by CRLF, as a body is written.
pub(super) fn base64_lines(bytes: &[u8]) -> String {
    let flat = base64(bytes);
    let mut out = String::with_capacity(flat.len() + flat.len() / BODY_LINE * 2);
    // Base64 is ASCII, so cutting at any byte is cutting between characters.
    for (i, line) in flat.as_bytes().chunks(BODY_LINE).enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
    }
    out
}

/// The `Subject:` header, folded, with its CRLF. A plain ASCII subject is written as it
/// is; any other (non-ASCII, control characters, a word too long to fold, or text that
/// would read as an encoded-word) is written as RFC 2047 encoded-words.
pub(super) fn subject_header(subject: &str) -> String {
    const NAME: &str = "Subject:";
    let plain = subject.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
        && !subject.contains("=?")
        && subject
            .split(' ')
            .all(|w| NAME.len() + " ".len() + w.len() <= HEADER_LINE);
    let words: Vec<String> = if plain {
        subject
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    } else {
        encoded_words(subject, HEADER_LINE - NAME.len() - 1)
    };
    let mut out = String::from(NAME);
    let mut width = NAME.len();
    for word in words {
        // The first word always goes on the header's own line, whatever its length.
        if width > NAME.len() && width + 1 + word.len() > HEADER_LINE {
            out.push_str("\r\n");
            width = 0;
        }
        out.push(' ');
        out.push_str(&word);
        width += 1 + word.len();
    }
    out.push_str("\r\n");
    out
}

/// `text` as RFC 2047 encoded-words (`=?UTF-8?B?…?=`), each a whole number of
/// characters (a character is never split between two words), the first at most
/// `first` characters long and the rest at most 75 (each will sit on its own folded
/// line after one space, so the lines stay within 78).
pub(super) fn encoded_words(text: &str, first: usize) -> Vec<String> {
    // How many bytes of UTF-8 fit in a word of `width` characters.
    let capacity = |width: usize| (width.min(ENCODED_WORD) - WORD_FRAME) / 4 * 3;
    let mut words = Vec::new();
    let mut start = 0;
    let mut limit = capacity(first);
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if i + c.len_utf8() - start > limit {
            words.push(&text[start..end]);
            start = end;
            limit = capacity(HEADER_LINE - 1);
        }
        end = i + c.len_utf8();
    }
    if end > start || words.is_empty() {
        words.push(&text[start..end]);
    }
    words
        .into_iter()
        .map(|chunk| format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes base64 as RFC 4648 defines it (the test's own reading, not the encoder's).
    fn unbase64(text: &str) -> Vec<u8> {
        let value = |c: u8| BASE64.iter().position(|&a| a == c).unwrap() as u32;
        let clean: Vec<u8> = text.bytes().filter(|b| !b" \r\n".contains(b)).collect();
        let mut out = Vec::new();
        for quad in clean.chunks(4) {
            let pad = quad.iter().filter(|&&b| b == b'=').count();
            let n = quad
                .iter()
                .map(|&b| if b == b'=' { 0 } else { value(b) })
                .fold(0u32, |n, v| (n << 6) | v);
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(&bytes[..3 - pad]);
        }
        out
    }

    /// Decodes quoted-printable: soft breaks removed, escapes turned back into bytes.
    fn unqp(text: &str) -> Vec<u8> {
        let joined = text.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        out
    }

    /// The words of a folded `Subject:` header decoded back to the subject.
    fn decode_subject(header: &str) -> String {
        let value = header
            .strip_prefix("Subject: ")
            .unwrap()
            .replace("\r\n ", " ");
        let value = value.trim_end();
        if !value.starts_with("=?") {
            return value.to_owned();
        }
        let mut bytes = Vec::new();
        for word in value.split(' ') {
            let payload = word
                .strip_prefix("=?UTF-8?B?")
                .and_then(|w| w.strip_suffix("?="))
                .unwrap_or_else(|| panic!("not an encoded-word: {word}"));
            // Each word must decode to whole characters on its own.
            let decoded = unbase64(payload);
            assert!(
                std::str::from_utf8(&decoded).is_ok(),
                "{word} splits a character"
            );
            bytes.extend(decoded);
        }
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn base64_matches_the_rfc_4648_test_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
    }

    #[test]
    fn base64_bodies_wrap_at_76_and_decode_back() {
        let text = "Здравствуйте! Мы редко что-то рекомендуем.\r\n".repeat(20);
        let lines = base64_lines(text.as_bytes());
        assert!(lines.split("\r\n").all(|l| l.len() <= 76), "{lines}");
        let widths: Vec<usize> = lines.split("\r\n").map(str::len).collect();
        assert!(widths[..widths.len() - 1].iter().all(|&w| w == 76));
        assert_eq!(unbase64(&lines), text.as_bytes());
    }

    #[test]
    fn quoted_printable_keeps_ascii_readable_and_lines_short() {
        let text = format!(
            "Hi there,\r\n\r\nSign up: https://join.test/us?ref=A&utm_source=partner {}\r\nBest, Ann \r\n",
            "long ".repeat(30)
        );
        let qp = quoted_printable(text.as_bytes());
        assert!(qp.starts_with("Hi there,\r\n\r\nSign up: https://join.test/us?ref=3DA&utm"));
        // A space ending a line is escaped, or a mail server could drop it.
        assert!(qp.contains("Best, Ann=20\r\n"), "{qp}");
        assert!(qp.split("\r\n").all(|l| l.len() <= 76), "{qp}");
        assert_eq!(unqp(&qp), text.as_bytes());
    }

    #[test]
    fn quoted_printable_never_cuts_an_escape_and_round_trips_utf8() {
        // Every width of prefix, so a soft break lands at every place in an escape.
        for pad in 0..4 {
            let text = format!("{}{}\r\n", "x".repeat(pad), "ёлка=Ж ".repeat(20));
            let qp = quoted_printable(text.as_bytes());
            for line in qp.split("\r\n") {
                assert!(line.len() <= 76, "{line}");
                let body = line.strip_suffix('=').unwrap_or(line);
                // Each `=` in what remains begins a whole escape.
                let bytes = body.as_bytes();
                for (i, _) in body.match_indices('=') {
                    assert!(
                        i + 2 < bytes.len()
                            && bytes[i + 1].is_ascii_hexdigit()
                            && bytes[i + 2].is_ascii_hexdigit(),
                        "cut escape in {line:?}"
                    );
                }
            }
            assert_eq!(String::from_utf8(unqp(&qp)).unwrap(), text);
        }
    }

    #[test]
    fn a_long_cyrillic_subject_is_folded_into_short_encoded_words_that_decode_back() {
        let subject = "Сервис, которому мы доверяем собственный учёт — и 60 дней на знакомство с ним для ваших клиентов";
        let header = subject_header(subject);
        assert!(header.ends_with("\r\n"));
        let lines: Vec<&str> = header.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(lines.len() > 3, "{header}");
        for (i, line) in lines.iter().enumerate() {
            assert!(line.len() <= 78, "line {i} is {} long: {line}", line.len());
            assert!(line.is_ascii());
            assert!(i == 0 || line.starts_with(' '), "{line}");
            for word in line.split(' ').filter(|w| w.starts_with("=?")) {
                assert!(word.len() <= 75, "{word}");
            }
        }
        assert_eq!(decode_subject(&header), subject);
    }

    #[test]
    fn characters_are_never_split_across_encoded_words() {
        // Four-byte characters at every offset against the word's byte capacity.
        for pad in 0..4 {
            let subject = format!("{}{}", "a".repeat(pad), "😀ё".repeat(25));
            let header = subject_header(&subject);
            assert_eq!(decode_subject(&header), subject, "pad {pad}");
        }
    }

    #[test]
    fn a_plain_ascii_subject_is_written_as_it_is_and_folded_at_spaces() {
        assert_eq!(
            subject_header("Invoices in 2 minutes, and 50% off"),
            "Subject: Invoices in 2 minutes, and 50% off\r\n"
        );
        let long = "word ".repeat(30);
        let header = subject_header(long.trim());
        assert!(header.contains("\r\n word"), "{header}");
        assert!(header.split("\r\n").all(|l| l.len() <= 78));
        assert_eq!(decode_subject(&header), long.trim());
        // Text that looks like an encoded-word is encoded, so it reads as written.
        assert!(subject_header("=?UTF-8?B?QQ==?=").contains("=?UTF-8?B?PT9VVEYtOD9CP1FRPT0/PQ==?="));
    }

    #[test]
    fn the_draft_is_a_deterministic_crlf_message_without_sender_or_date() {
        let draft = Draft {
            subject: Some("Привет"),
            text: "Hi,\nline two\n",
            html: "<!doctype html><p>Hi</p>",
        };
        let eml = write(&draft);
        assert_eq!(eml, write(&draft));
        assert!(eml.is_ascii());
        assert!(!eml.replace("\r\n", "").contains('\n'), "bare LF");
        assert!(eml.lines().all(|l| l.len() <= 78));
        let head = eml.split("\r\n\r\n").next().unwrap();
        assert!(head.contains("\r\nX-Unsent: 1\r\n"));
        assert!(head.contains("Subject: =?UTF-8?B?"));
        for absent in ["From:", "To:", "Date:"] {
            assert!(!head.contains(absent), "{absent} in {head}");
        }
        let other = write(&Draft {
            text: "Hi,\nline 2\n",
            ..draft
        });
        assert_ne!(boundary(&draft), boundary(&Draft { text: "x", ..draft }));
        assert!(other.contains("\r\nline 2\r\n"), "{other}");
    }
}
