//! Share buttons of the kit page: which share service each channel has, and the
//! prefilled address that opens it with a piece of pitch copy.
//!
//! Every button carries its own tracked link (`utm_medium` is the button's channel,
//! `utm_content` is `share-<the copy's channel>`), so a post shared through the
//! Telegram button is credited to Telegram whichever channel the copy was written
//! for. The copy is stamped with that link in place of `{link}`, exactly as the copy
//! button would give it, and the link is never passed twice:
//!
//! - X, WhatsApp and e-mail take the whole copy as their text, the link where the
//!   author put it (X counts it as 23 characters, as the limit check did).
//! - Telegram puts its required `url` at the top of the message, so its `text` is the
//!   copy with the link taken out (a line left with nothing but an arrow goes too).
//! - LinkedIn takes only a URL and VK a URL and a title: the partner pastes the copy
//!   there with the copy button; `with_copy` tells the template so.
//!
//! The services' addresses are the documented ones: Telegram's share widget, VK's
//! `share.php` (`url`, `title`), LinkedIn's `share-offsite`, X's post web intent,
//! WhatsApp's click-to-chat and RFC 6068 `mailto:` (line breaks as `%0D%0A`).

use super::text;
use crate::base::diagnostics::Result;
use crate::base::vocab::{channels, LINK_PLACEHOLDER, PARTNER_PLACEHOLDER};
use crate::model::scheme::percent_encode_into;
use crate::model::settings::Settings;
use crate::render::contract::ShareLink;

/// A service a kit page has a share button for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// `t.me/share/url`.
    Telegram,
    /// `vk.com/share.php`.
    Vk,
    /// LinkedIn's `share-offsite`.
    LinkedIn,
    /// X's post web intent.
    X,
    /// WhatsApp's click-to-chat.
    WhatsApp,
    /// A `mailto:` address.
    Email,
}

impl Service {
    /// The share service of channel `channel`, if refkit knows one.
    pub(crate) fn of(channel: &str) -> Option<Service> {
        Some(match channel {
            channels::TELEGRAM => Service::Telegram,
            channels::VK => Service::Vk,
            channels::LINKEDIN => Service::LinkedIn,
            channels::X => Service::X,
            channels::WHATSAPP => Service::WhatsApp,
            channels::EMAIL => Service::Email,
            _ => return None,
        })
    }

    /// The service's name in templates: the channel id it belongs to.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Service::Telegram => channels::TELEGRAM,
            Service::Vk => channels::VK,
            Service::LinkedIn => channels::LINKEDIN,
            Service::X => channels::X,
            Service::WhatsApp => channels::WHATSAPP,
            Service::Email => channels::EMAIL,
        }
    }

    /// Whether the service is handed the copy itself, not only its link.
    pub(crate) fn takes_copy(self) -> bool {
        !matches!(self, Service::LinkedIn | Service::Vk)
    }

    /// The address that opens the service with `copy`, stamped with `link`.
    pub(crate) fn url(self, copy: &Copy<'_>, link: &str) -> String {
        match self {
            Service::Telegram => address(
                "https://t.me/share/url",
                &[("url", link), ("text", &copy.without_link())],
            ),
            Service::Vk => address(
                "https://vk.com/share.php",
                &[("url", link), ("title", &copy.headline(link))],
            ),
            Service::LinkedIn => address(
                "https://www.linkedin.com/sharing/share-offsite/",
                &[("url", link)],
            ),
            Service::X => address(
                "https://x.com/intent/tweet",
                &[("text", &copy.stamped(link))],
            ),
            Service::WhatsApp => address("https://wa.me/", &[("text", &copy.stamped(link))]),
            // RFC 6068: a line break in a header or body is CRLF, percent-encoded.
            Service::Email => address(
                "mailto:",
                &[
                    ("subject", &copy.headline(link)),
                    ("body", &copy.stamped(link).replace('\n', "\r\n")),
                ],
            ),
        }
    }
}

/// `base` with a query of `params`, every value percent-encoded (a space is `%20`,
/// never `+`, which `mailto:` would keep as a plus sign).
fn address(base: &str, params: &[(&str, &str)]) -> String {
    let length: usize = params.iter().map(|(n, v)| n.len() + 2 + v.len() * 3).sum();
    let mut url = String::with_capacity(base.len() + length);
    url.push_str(base);
    for (i, (name, value)) in params.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(name);
        url.push('=');
        percent_encode_into(value, &mut url);
    }
    url
}

/// A piece of pitch copy to share, as plain text with its placeholders kept.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Copy<'a> {
    /// The channel the copy was written for.
    pub channel: &'a str,
    /// The copy, `{partner}` and `{link}` in place.
    pub text: &'a str,
    /// Its e-mail subject, placeholders kept, if it has one.
    pub subject: Option<&'a str>,
    /// The partner's name.
    pub partner: &'a str,
}

impl Copy<'_> {
    /// The copy with `link` in place, without the trailing line break.
    fn stamped(&self, link: &str) -> String {
        let mut text = text::stamp_text(self.text, self.partner, link);
        text.truncate(text.trim_end().len());
        text
    }

    /// The copy without its link: a line that held the link keeps the rest of its
    /// words, and goes if nothing but punctuation is left; no run of empty lines.
    fn without_link(&self) -> String {
        let mut out = String::with_capacity(self.text.len());
        let mut blank = true;
        for line in self.text.lines() {
            // The link is cut out before the name goes in, so no name can lose a word.
            let line = if line.contains(LINK_PLACEHOLDER) {
                let kept = join_around(line, LINK_PLACEHOLDER);
                if !kept.contains(char::is_alphanumeric) {
                    continue;
                }
                kept.replace(PARTNER_PLACEHOLDER, self.partner)
            } else {
                line.replace(PARTNER_PLACEHOLDER, self.partner)
            };
            let line = line.trim_end();
            if line.is_empty() {
                if !blank {
                    out.push('\n');
                    blank = true;
                }
                continue;
            }
            out.push_str(line);
            out.push('\n');
            blank = false;
        }
        out.truncate(out.trim_end().len());
        out
    }

    /// The copy's headline: its e-mail subject, or its first line without the link,
    /// cut to its first sentence when the line is long.
    fn headline(&self, link: &str) -> String {
        if let Some(subject) = self.subject {
            return text::one_line(&text::stamp_text(subject, self.partner, link));
        }
        let first = self
            .without_link()
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(text::one_line)
            .unwrap_or_default();
        if first.chars().count() <= HEADLINE_LENGTH {
            return first;
        }
        let sentence = first
            .char_indices()
            .find(|&(i, c)| {
                matches!(c, '.' | '!' | '?' | '…') && first[i + c.len_utf8()..].starts_with(' ')
            })
            .map(|(i, c)| first[..i + c.len_utf8()].to_owned());
        sentence.unwrap_or(first)
    }
}

/// Characters above which a headline is cut to its first sentence.
const HEADLINE_LENGTH: usize = 100;

/// `line` with every `gap` taken out, the words on either side joined by one space.
fn join_around(line: &str, gap: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for (i, piece) in line.split(gap).enumerate() {
        if i == 0 {
            out.push_str(piece);
            continue;
        }
        let piece = piece.trim_start();
        if piece.is_empty() {
            continue;
        }
        if !out.trim().is_empty() {
            out.truncate(out.trim_end().len());
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

/// The share buttons of `copy`: one per channel of `settings` that has a share
/// service, in the settings' order, each with the tracked link `link` makes for
/// (its channel, its asset).
pub(crate) fn buttons(
    settings: &Settings,
    copy: &Copy<'_>,
    mut link: impl FnMut(&str, &str) -> Result<String>,
) -> Result<Vec<ShareLink>> {
    let asset = asset(copy.channel);
    let mut out = Vec::new();
    for channel in &settings.channels {
        let Some(service) = Service::of(&channel.id) else {
            continue;
        };
        let tracked = link(&channel.id, &asset)?;
        out.push(ShareLink {
            channel: channel.id.clone(),
            service: service.id().to_owned(),
            url: service.url(copy, &tracked),
            link: tracked,
            with_copy: service.takes_copy(),
        });
    }
    Ok(out)
}

/// `utm_content` of the links of the share buttons under the copy for `channel`.
pub(crate) fn asset(channel: &str) -> String {
    format!("share-{channel}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://join.test/us?ref=ALPHA26&utm_medium=telegram";

    fn copy<'a>(text: &'a str, subject: Option<&'a str>) -> Copy<'a> {
        Copy {
            channel: "linkedin",
            text,
            subject,
            partner: "Alpha & Sons",
        }
    }

    /// The query of `url` as (name, value) pairs, percent-decoded.
    fn query(url: &str) -> Vec<(String, String)> {
        let decode = |s: &str| {
            let mut bytes = Vec::new();
            let mut rest = s.as_bytes();
            while let Some((&b, tail)) = rest.split_first() {
                if b == b'%' {
                    let hex = std::str::from_utf8(&tail[..2]).unwrap();
                    bytes.push(u8::from_str_radix(hex, 16).unwrap());
                    rest = &tail[2..];
                } else {
                    bytes.push(b);
                    rest = tail;
                }
            }
            String::from_utf8(bytes).unwrap()
        };
        let (_, query) = url.split_once('?').unwrap();
        query
            .split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap();
                (name.to_owned(), decode(value))
            })
            .collect()
    }

    const TEXT: &str =
        "Hello from {partner}.\n\nSign up: {link} today\n\n→ {link}\n\n— {partner}\n";

    #[test]
    fn x_whatsapp_and_email_take_the_copy_with_the_link_in_place_once() {
        let c = copy(TEXT, None);
        let stamped = format!(
            "Hello from Alpha & Sons.\n\nSign up: {LINK} today\n\n→ {LINK}\n\n— Alpha & Sons"
        );
        let x = Service::X.url(&c, LINK);
        assert!(x.starts_with("https://x.com/intent/tweet?text="), "{x}");
        assert_eq!(query(&x), [("text".to_owned(), stamped.clone())]);
        let wa = Service::WhatsApp.url(&c, LINK);
        assert!(wa.starts_with("https://wa.me/?text="), "{wa}");
        assert_eq!(query(&wa), [("text".to_owned(), stamped.clone())]);
        let mail = Service::Email.url(&c, LINK);
        assert!(mail.starts_with("mailto:?subject="), "{mail}");
        assert!(
            mail.contains("Hello%20from%20Alpha%20%26%20Sons.%0D%0A%0D%0ASign%20up"),
            "{mail}"
        );
        assert!(!mail.contains('+') && !mail.contains(' '), "{mail}");
        assert_eq!(
            query(&mail),
            [
                ("subject".to_owned(), "Hello from Alpha & Sons.".to_owned()),
                ("body".to_owned(), stamped.replace('\n', "\r\n")),
            ]
        );
    }

    #[test]
    fn telegram_takes_the_link_as_its_url_and_the_copy_without_it() {
        let url = Service::Telegram.url(&copy(TEXT, None), LINK);
        assert!(url.starts_with("https://t.me/share/url?url="), "{url}");
        assert_eq!(
            query(&url),
            [
                ("url".to_owned(), LINK.to_owned()),
                (
                    "text".to_owned(),
                    "Hello from Alpha & Sons.\n\nSign up: today\n\n— Alpha & Sons".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_name_that_looks_like_a_placeholder_is_not_cut_out() {
        let c = Copy {
            partner: "{link} Ltd",
            ..copy("By {partner}: {link}\n", None)
        };
        assert_eq!(c.without_link(), "By {link} Ltd:");
    }

    #[test]
    fn linkedin_and_vk_take_the_link_and_vk_a_title() {
        let c = copy(
            "**Big news** for you. More words.\n\n{link}\n",
            Some("Try it, {partner}"),
        );
        let linkedin = Service::LinkedIn.url(&c, LINK);
        assert_eq!(
            linkedin,
            format!(
                "https://www.linkedin.com/sharing/share-offsite/?url={}",
                "https%3A%2F%2Fjoin.test%2Fus%3Fref%3DALPHA26%26utm_medium%3Dtelegram"
            )
        );
        let vk = Service::Vk.url(&c, LINK);
        assert!(vk.starts_with("https://vk.com/share.php?url="), "{vk}");
        assert_eq!(
            query(&vk),
            [
                ("url".to_owned(), LINK.to_owned()),
                ("title".to_owned(), "Try it, Alpha & Sons".to_owned()),
            ]
        );
        assert!(!Service::LinkedIn.takes_copy() && !Service::Vk.takes_copy());
        assert!(Service::Telegram.takes_copy() && Service::Email.takes_copy());
    }

    #[test]
    fn a_headline_is_the_subject_or_the_first_line_cut_to_a_sentence_when_long() {
        let long = format!(
            "{} Second sentence here. Third.\n\n{{link}}\n",
            "Word ".repeat(20).trim_end().to_owned() + "."
        );
        assert_eq!(
            copy(&long, None).headline(LINK),
            format!("{}.", "Word ".repeat(20).trim_end())
        );
        assert_eq!(
            copy("Short. Line.\n{link}\n", None).headline(LINK),
            "Short. Line."
        );
        assert_eq!(
            copy("{link}\n\nAfter the link\n", None).headline(LINK),
            "After the link"
        );
        assert_eq!(
            copy("x\n{link}", Some("Multi\n  line")).headline(LINK),
            "Multi line"
        );
        // Folding a headline to one line keeps the typesetter's no-break spaces.
        let spaced = copy("Скидка 50\u{a0}% на\u{a0}3 месяца.\n{link}\n", None);
        assert_eq!(spaced.headline(LINK), "Скидка 50\u{a0}% на\u{a0}3 месяца.");
    }

    #[test]
    fn buttons_follow_the_configured_channels_that_have_a_service() {
        let settings = Settings::parse(
            "title: T\nbase_url: https://e.com\nlanguages: [en]\nmarkets:\n  us: {landing: 'https://e.com/us', language: en, currency: USD}\nchannels:\n  x: {}\n  email: {}\n  forum: {}\n  whatsapp: {}\n",
        )
        .unwrap();
        let mut asked = Vec::new();
        let buttons = buttons(&settings, &copy(TEXT, None), |channel, asset| {
            asked.push(format!("{channel}/{asset}"));
            Ok(format!("https://j.test/?m={channel}&c={asset}"))
        })
        .unwrap();
        assert_eq!(
            asked,
            [
                "email/share-linkedin",
                "whatsapp/share-linkedin",
                "x/share-linkedin"
            ]
        );
        let services: Vec<&str> = buttons.iter().map(|b| b.service.as_str()).collect();
        assert_eq!(services, ["email", "whatsapp", "x"]);
        for b in &buttons {
            assert_eq!(b.channel, b.service);
            assert_eq!(
                b.link,
                format!("https://j.test/?m={}&c=share-linkedin", b.channel)
            );
            assert!(
                query(&b.url).iter().any(|(_, v)| v.contains(&b.link)),
                "{}",
                b.url
            );
        }
        assert_eq!(Service::of("forum"), None);
    }
}
