//! The kit's e-mail: `pitch/email.html` with its CSS inlined and a button every client
//! draws, and `pitch/email.eml`, a ready draft read back with mail-parser.

use crate::common::Fixture;
use crate::kits::{demo_build, Entries, Kits};

/// A kit's `pitch/email.eml` as an independent parser (mail-parser) reads it.
pub(crate) struct Draft {
    /// The decoded subject.
    pub(crate) subject: Option<String>,
    /// (`type/subtype; charset`, decoded text with LF line ends) of each leaf part.
    pub(crate) parts: Vec<(String, String)>,
    /// The `X-Unsent` header, trimmed.
    pub(crate) unsent: Option<String>,
    /// Whether the message has a `From`, `To` or `Date` header.
    pub(crate) addressed_or_dated: bool,
}

pub(crate) fn read_draft(bytes: &[u8]) -> Draft {
    use mail_parser::MimeHeaders;
    let message = mail_parser::MessageParser::default()
        .parse(bytes)
        .expect("the draft parses as a message");
    let root = message.root_part().content_type().unwrap();
    assert_eq!(
        (root.ctype(), root.subtype()),
        ("multipart", Some("alternative"))
    );
    let parts = message
        .parts
        .iter()
        .filter(|part| !part.is_multipart())
        .map(|part| {
            let kind = part.content_type().unwrap();
            let label = format!(
                "{}/{}; charset={}",
                kind.ctype(),
                kind.subtype().unwrap_or(""),
                kind.attribute("charset").unwrap_or("").to_ascii_lowercase()
            );
            let text = part.text_contents().unwrap().replace("\r\n", "\n");
            (label, text)
        })
        .collect();
    Draft {
        subject: message.subject().map(str::to_owned),
        parts,
        unsent: message.header_raw("X-Unsent").map(|v| v.trim().to_owned()),
        addressed_or_dated: message.from().is_some()
            || message.to().is_some()
            || message.date().is_some(),
    }
}

/// `pitch/email.txt` split into its subject and its body. The subject's label is the
/// project's `kit-subject` message («Тема:» in the demo's Russian), "Subject:" where a
/// project has none.
fn email_text(entries: &Entries) -> (String, String) {
    let text = String::from_utf8(entries["pitch/email.txt"].1.clone()).unwrap();
    let (subject, body) = text
        .strip_prefix("Subject: ")
        .or_else(|| text.strip_prefix("Тема: "))
        .and_then(|t| t.split_once("\n\n"))
        .expect("email.txt starts with its subject");
    (subject.to_owned(), body.to_owned())
}

/// The link the e-mail copy prints, from the kit's `links.csv` (channel, asset, URL,
/// short URL): the short link of its first e-mail row but the channel's own, which is
/// the pitch's.
fn email_link(entries: &Entries) -> String {
    String::from_utf8(entries["links.csv"].1.clone())
        .unwrap()
        .lines()
        .find_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0] == "email" && cells[1] != "short-link" && !cells[3].is_empty())
                .then(|| cells[3].to_owned())
        })
        .expect("links.csv has the e-mail link with its short form")
}

/// Checks a kit's draft against its own `email.txt` and `email.html`: the subject, both
/// parts with their types, the text byte for byte, the copy's link in both parts, and
/// the shape of the file (CRLF, short lines, no sender or date, `X-Unsent: 1`).
/// Returns the decoded subject.
fn assert_draft_matches_kit(kit: &str, entries: &Entries) -> String {
    let raw = &entries["pitch/email.eml"].1;
    let draft = read_draft(raw);
    let (subject, body) = email_text(entries);
    let html = String::from_utf8(entries["pitch/email.html"].1.clone()).unwrap();
    let link = email_link(entries);
    assert_eq!(draft.subject.as_deref(), Some(subject.as_str()), "{kit}");
    assert_eq!(draft.unsent.as_deref(), Some("1"), "{kit}");
    assert!(
        !draft.addressed_or_dated,
        "{kit}: a draft has no From, To or Date"
    );
    let kinds: Vec<&str> = draft.parts.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        ["text/plain; charset=utf-8", "text/html; charset=utf-8"],
        "{kit}"
    );
    assert_eq!(
        draft.parts[0].1, body,
        "{kit}: the text part is email.txt's body"
    );
    assert_eq!(draft.parts[1].1, html, "{kit}: the HTML part is email.html");
    assert!(
        draft.parts[0].1.contains(&link),
        "{kit}: {link} not in the text"
    );
    assert!(
        draft.parts[1]
            .1
            .contains(&format!("href=\"{}\"", link.replace('&', "&amp;"))),
        "{kit}: {link} not in the HTML"
    );
    let raw = std::str::from_utf8(raw).expect("the draft is ASCII");
    assert!(raw.is_ascii(), "{kit}");
    let lines: Vec<&str> = raw.split("\r\n").collect();
    assert_eq!(lines.last(), Some(&""), "{kit}: the last line ends in CRLF");
    for line in &lines {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "{kit}: a bare line end"
        );
        assert!(line.len() <= 78, "{kit}: a line of {}: {line}", line.len());
    }
    subject
}

// The e-mail: inlined HTML and the ready draft.

#[test]
fn email_draft_holds_the_kit_text_and_html_with_its_own_link() {
    let entries = Kits::built(&Fixture::minimal()).open("alpha", "en").entries;
    let subject = assert_draft_matches_kit("alpha/en", &entries);
    assert_eq!(subject, "Try it, from Alpha & Sons");
    assert!(email_link(&entries).contains("/r/alpha26/e/"));
    // Plain ASCII is written as it is: the header reads without decoding.
    let raw = String::from_utf8(entries["pitch/email.eml"].1.clone()).unwrap();
    assert!(
        raw.contains("\r\nSubject: Try it, from Alpha & Sons\r\n"),
        "{raw}"
    );
}

#[test]
fn a_long_cyrillic_subject_and_text_round_trip_through_the_draft() {
    let f = Fixture::minimal();
    let subject = "Сервис, которому мы доверяем собственный учёт: {partner} советует Polar Ledger — 60 дней бесплатно";
    f.write(
        "content/pitch/us/email.ru.md",
        &format!("---\nsubject: \"{subject}\"\n---\nЗдравствуйте! Ёлки, щётки и «кавычки» от **{{partner}}**.\n\n[Попробовать]({{link}})\n\nС уважением,\n{{partner}}\n"),
    );
    let entries = Kits::built(&f).open("alpha", "ru").entries;
    let decoded = assert_draft_matches_kit("alpha/ru", &entries);
    // Typeset as the text is: a no-break space binds the dash to the word before it.
    assert_eq!(
        decoded,
        subject
            .replace("{partner}", "Alpha & Sons")
            .replace(" —", "\u{a0}—")
    );
    let draft = read_draft(&entries["pitch/email.eml"].1);
    // Typography's no-break spaces (two bytes each) come back too.
    let text = &draft.parts[0].1;
    assert!(
        text.contains("Здравствуйте! Ёлки, щётки и\u{a0}«кавычки»"),
        "{text}"
    );
    assert!(text.contains("Alpha & Sons"), "{text}");
    // The subject is encoded-words, each at most 75 characters, on folded lines.
    let raw = String::from_utf8(entries["pitch/email.eml"].1.clone()).unwrap();
    let header = &raw[raw.find("Subject:").unwrap()..raw.find("X-Unsent").unwrap()];
    let words: Vec<&str> = header
        .split_whitespace()
        .filter(|w| w.starts_with("=?"))
        .collect();
    assert!(words.len() >= 3, "{header}");
    assert!(
        words
            .iter()
            .all(|w| w.starts_with("=?UTF-8?B?") && w.len() <= 75),
        "{header}"
    );
}

#[test]
fn demo_email_is_inlined_with_a_bulletproof_button_and_offered_as_a_draft() {
    let (_out, project, built) = demo_build();
    let mut kits = 0;
    let mut cyrillic = 0;
    for row in &built.rows {
        let partner = project
            .partners
            .iter()
            .find(|p| p.id == row.partner)
            .unwrap();
        if !partner.channels.iter().any(|c| c == "email") {
            continue;
        }
        let kit = format!("{}/{}", row.partner, row.lang);
        let entries = built.kit(row).entries;
        let subject = assert_draft_matches_kit(&kit, &entries);
        let label = if row.lang == "ru" {
            "Тема: "
        } else {
            "Subject: "
        };
        assert!(
            entries["pitch/email.txt"].1.starts_with(label.as_bytes()),
            "{kit}: email.txt starts with {label:?}"
        );
        kits += 1;
        cyrillic += usize::from(!subject.is_ascii());

        let html = String::from_utf8(entries["pitch/email.html"].1.clone()).unwrap();
        // Conditional comments for Outlook are comments; no <style> element is left.
        let mut outside_comments = String::new();
        let mut rest = html.as_str();
        while let Some(start) = rest.find("<!--") {
            outside_comments.push_str(&rest[..start]);
            let end = rest[start..]
                .find("-->")
                .map_or(rest.len(), |e| start + e + 3);
            rest = &rest[end..];
        }
        outside_comments.push_str(rest);
        assert!(
            !outside_comments.contains("<style"),
            "{kit}: a <style> is left"
        );
        assert!(
            outside_comments.contains("<p style=\""),
            "{kit}: CSS not inlined"
        );
        // The button: a cell with bgcolor, holding a link styled on itself.
        let href = format!("<a href=\"{}\"", email_link(&entries).replace('&', "&amp;"));
        let at = outside_comments
            .find(&href)
            .unwrap_or_else(|| panic!("{kit}: no button to the copy's link"));
        let tag = &outside_comments[at..at + outside_comments[at..].find('>').unwrap()];
        assert!(
            tag.contains(" style=\"") && tag.contains("text-decoration: none"),
            "{kit}: {tag}"
        );
        let cell = &outside_comments[outside_comments[..at].rfind("<td").unwrap()..at];
        assert!(cell.contains("bgcolor=\"#"), "{kit}: {cell}");

        // The kit page offers the same draft, published beside it.
        let page = built.page(row);
        let name = format!("{}-email-{}.eml", row.partner, row.lang);
        let url = row
            .zip
            .replace(&format!("{}-{}.zip", row.partner, row.lang), &name);
        let link = url.strip_prefix(&project.settings.base_url).unwrap();
        assert!(
            page.contains(&format!("href=\"{link}\" download")),
            "{kit}: no draft link to {link}"
        );
        assert_eq!(
            std::fs::read(built.local(&url)).unwrap(),
            entries["pitch/email.eml"].1,
            "{kit}"
        );
    }
    assert!(kits >= 2, "the demo has kits with e-mail");
    assert!(
        cyrillic >= 1,
        "the demo's Russian e-mail has a Cyrillic subject"
    );
}
