//! The kit page's share buttons: every piece of copy, each service with its own
//! channel's tracked link, logged in the manifest.

use std::collections::BTreeMap;

use crate::common::{self, Fixture};
use crate::kits::{demo_build, Kits};

/// A percent-encoded query value, decoded.
fn percent_decode(value: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = value.as_bytes();
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
}

/// The address and query of a share link: (everything before `?`, [(name, value)]).
fn share_query(href: &str) -> (&str, Vec<(String, String)>) {
    let (address, query) = href.split_once('?').unwrap_or((href, ""));
    let pairs = query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_owned(), percent_decode(value))
        })
        .collect();
    (address, pairs)
}

/// Every share link of each pitch card of a kit page: copy channel → [(service, raw
/// `<a …>` tag, href)].
fn share_links(html: &str) -> BTreeMap<String, Vec<(String, String, String)>> {
    let mut cards = BTreeMap::new();
    for card in html.split("<article class=\"kit-card\"").skip(1) {
        let card = &card[..card.find("</article>").unwrap()];
        let channel = card
            .split("aria-labelledby=\"pitch-title-")
            .nth(1)
            .and_then(|c| c.split('"').next())
            .unwrap()
            .to_owned();
        let links = card
            .split("<a class=\"share share-")
            .skip(1)
            .map(|a| {
                let tag = &a[..a.find('>').unwrap()];
                let service = tag[..tag.find('"').unwrap()].to_owned();
                let href = common::hrefs(tag).pop().unwrap();
                (service, tag.to_owned(), href)
            })
            .collect();
        cards.insert(channel, links);
    }
    cards
}

#[test]
fn every_pitch_card_shares_its_copy_with_each_share_channels_own_tracked_link() {
    let (out, project, kits) = demo_build();
    let known = ["email", "linkedin", "telegram", "vk", "whatsapp", "x"];
    let services: Vec<&str> = project
        .settings
        .channels
        .iter()
        .map(|c| c.id.as_str())
        .filter(|c| known.contains(c))
        .collect();
    assert_eq!(
        services.len(),
        6,
        "the demo configures all six: {services:?}"
    );
    let links_csv = std::fs::read_to_string(out.path().join("manifest/links.csv")).unwrap();
    let mut checked = 0;
    for row in &kits.rows {
        let (id, lang) = (&row.partner, &row.lang);
        let partner = project.partners.iter().find(|p| &p.id == id).unwrap();
        let page = kits.page(row);
        let kit = kits.kit(row);
        let zip_links = kit.text("links.csv");
        let cards = share_links(&page);
        assert_eq!(
            cards.keys().collect::<Vec<_>>(),
            {
                let mut c: Vec<_> = partner.channels.iter().collect();
                c.sort();
                c
            },
            "{id}/{lang}"
        );
        for (copy, links) in &cards {
            // The copy as the zip has it, in this kit's language, with its own link.
            let file = kit.text(&format!("pitch/{copy}.txt"));
            let label = if lang == "ru" {
                "Тема: "
            } else {
                "Subject: "
            };
            let (subject, body) = match file.strip_prefix(label) {
                Some(rest) => {
                    let (subject, body) = rest.split_once("\n\n").unwrap();
                    (Some(subject.to_owned()), body.trim_end().to_owned())
                }
                None => (None, file.trim_end().to_owned()),
            };
            // The copy prints the short link of its own tracked link.
            let pitch_link = zip_links
                .lines()
                .map(|l| l.split(',').collect::<Vec<&str>>())
                .find(|r| {
                    r[1] != "short-link"
                        && r[2].contains(&format!("utm_medium={copy}&"))
                        && !r[3].is_empty()
                        && body.contains(r[3])
                })
                .map(|r| r[3].to_owned())
                .unwrap_or_else(|| panic!("{id}/{lang}/{copy}: no pitch link in the copy"));
            let got: Vec<&str> = links.iter().map(|(s, _, _)| s.as_str()).collect();
            assert_eq!(got, services, "{id}/{lang}/{copy}");
            for (service, tag, href) in links {
                let link = format!(
                    "{}?ref={}&utm_source=partner&utm_medium={service}&utm_campaign=partners-2026&utm_content=share-{copy}",
                    project.settings.market(&partner.market).unwrap().landing,
                    partner.code
                );
                assert!(
                    links_csv.lines().any(|l| l
                        == format!(
                            "{id},{},{lang},{service},share-{copy},{link},",
                            partner.market
                        )),
                    "{id}/{lang}/{copy}/{service}: {link} is not in manifest/links.csv"
                );
                let expected = body.replace(&pitch_link, &link);
                let (address, query) = share_query(href);
                let value = |name: &str| {
                    query
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.as_str())
                        .unwrap_or_else(|| panic!("{href} has no {name}"))
                };
                let names: Vec<&str> = query.iter().map(|(n, _)| n.as_str()).collect();
                match service.as_str() {
                    "telegram" => {
                        assert_eq!(address, "https://t.me/share/url");
                        assert_eq!(names, ["url", "text"]);
                        assert_eq!(value("url"), link);
                        let text = value("text");
                        assert!(!text.contains("http"), "the link once, as `url`: {text}");
                        let first = expected.lines().next().unwrap();
                        assert!(text.starts_with(first), "{id}/{lang}/{copy}: {text}");
                    }
                    "vk" => {
                        assert_eq!(address, "https://vk.com/share.php");
                        assert_eq!(names, ["url", "title"]);
                        assert_eq!(value("url"), link);
                        let title = value("title");
                        match &subject {
                            Some(subject) => assert_eq!(title, subject),
                            None => {
                                assert!(!title.is_empty() && expected.starts_with(title), "{title}")
                            }
                        }
                    }
                    "linkedin" => {
                        assert_eq!(address, "https://www.linkedin.com/sharing/share-offsite/");
                        assert_eq!(query, [("url".to_owned(), link.clone())]);
                    }
                    "x" | "whatsapp" => {
                        let want = if service == "x" {
                            "https://x.com/intent/tweet"
                        } else {
                            "https://wa.me/"
                        };
                        assert_eq!(address, want);
                        assert_eq!(
                            query,
                            [("text".to_owned(), expected.clone())],
                            "{id}/{lang}/{copy}/{service}"
                        );
                        assert_eq!(expected.matches(&link).count(), 1);
                    }
                    "email" => {
                        assert_eq!(address, "mailto:");
                        assert_eq!(names, ["subject", "body"]);
                        assert!(!href.contains('+') && !href.contains(' '), "{href}");
                        assert!(href.contains("%0D%0A"), "RFC 6068 line breaks: {href}");
                        assert_eq!(value("body"), expected.replace('\n', "\r\n"));
                        match &subject {
                            Some(subject) => assert_eq!(value("subject"), subject),
                            None => assert!(!value("subject").is_empty()),
                        }
                    }
                    other => panic!("unexpected service {other}"),
                }
                assert!(tag.contains("aria-label=\""), "{tag}");
                assert_eq!(
                    tag.contains("target=\"_blank\" rel=\"noopener\""),
                    service != "email",
                    "{tag}"
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 6 * 2 * project.partners.len(),
        "only {checked} share links"
    );
}

#[test]
fn only_configured_channels_with_a_share_service_get_share_buttons() {
    let f = Fixture::minimal();
    f.write(
        "site.yaml",
        &format!(
            "{}channels:\n  email: {{}}\n  x: {{ limit: 280 }}\n  telegram: {{}}\n  forum: {{}}\n",
            common::SITE
        ),
    );
    f.write(
        "themes/harbor/templates/kit.html",
        r#"{% extends "base.html" %}{% block main %}{% for p in pitches %}{% for s in p.share %}<a class="share" data-copy="{{ p.channel }}" data-channel="{{ s.channel }}" data-service="{{ s.service }}" data-with-copy="{{ s.with_copy }}" href="{{ s.url }}">{{ s.link }}</a>
{% endfor %}{% endfor %}{% endblock main %}"#,
    );
    let kits = Kits::built(&f);
    let page = kits.page(kits.row("alpha", "en"));
    let shares: Vec<String> = page
        .split("<a class=\"share\"")
        .skip(1)
        .map(|l| {
            let attr = |name: &str| {
                l.split(&format!("{name}=\""))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_owned()
            };
            format!(
                "{}>{}/{}",
                attr("data-copy"),
                attr("data-channel"),
                attr("data-service")
            )
        })
        .collect();
    // Settings order (sorted ids); `forum` has no share service.
    assert_eq!(
        shares,
        [
            "email>email/email",
            "email>telegram/telegram",
            "email>x/x",
            "x>email/email",
            "x>telegram/telegram",
            "x>x/x"
        ]
    );
    let links = f.read("manifest/links.csv");
    assert!(links.contains("alpha,us,en,telegram,share-x,https://join.test/us?ref=ALPHA26&utm_source=partner&utm_medium=telegram&utm_campaign=test&utm_content=share-x"), "{links}");
    assert!(!links.contains("utm_medium=forum"), "{links}");
}
