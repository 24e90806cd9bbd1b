//! Regional playbooks: overrides, the cadence in kits, pilot builds and the CRM export.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{self, failing_build, Fixture};
use crate::kits::Kits;

/// The fixture's registry with a cadence start for each partner.
fn dated(f: &Fixture) {
    f.write(
        "content/partners.yaml",
        &common::PARTNERS
            .replace(
                "channels: [email, x]\n",
                "channels: [email, x]\n    start: 2026-06-01\n",
            )
            .replace(
                "channels: [telegram]\n",
                "channels: [telegram]\n    start: 2026-06-15\n",
            ),
    );
}

/// Every text entry of the partner's kit zip in `lang`, by name.
fn kit_texts(f: &Fixture, partner: &str, lang: &str) -> BTreeMap<String, String> {
    Kits::of(f)
        .open(partner, lang)
        .entries
        .into_iter()
        .filter_map(|(name, (_, bytes))| Some((name, String::from_utf8(bytes).ok()?)))
        .collect()
}

/// A minimal iCalendar reader: checks CRLF line ends and 75-octet lines, unfolds,
/// and returns each VEVENT as property name (without parameters) → value.
fn parse_ics(ics: &str) -> Vec<BTreeMap<String, String>> {
    assert!(ics.ends_with("\r\n"), "the last line ends with CRLF");
    assert!(
        !ics.replace("\r\n", "").contains(['\n', '\r']),
        "every line ends with CRLF"
    );
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "line over 75 octets: {line}");
    }
    let unfolded = ics.replace("\r\n ", "");
    let lines: Vec<&str> = unfolded.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0"));
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    let mut events = Vec::new();
    let mut current: Option<BTreeMap<String, String>> = None;
    for line in lines {
        match line {
            "BEGIN:VEVENT" => current = Some(BTreeMap::new()),
            "END:VEVENT" => events.push(current.take().expect("END without BEGIN")),
            _ => {
                if let Some(event) = current.as_mut() {
                    let (name, value) = line.split_once(':').expect("NAME:VALUE");
                    let name = name.split(';').next().unwrap();
                    event.insert(name.to_owned(), value.to_owned());
                }
            }
        }
    }
    events
}

/// Days since 1970-01-01 of `YYYYMMDD` (a test-side date calculation).
fn days(compact: &str) -> i64 {
    let y: i64 = compact[0..4].parse().unwrap();
    let m: i64 = compact[4..6].parse().unwrap();
    let d: i64 = compact[6..8].parse().unwrap();
    let (y, m) = if m <= 2 { (y - 1, m + 12) } else { (y, m) };
    365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d - 719_469
}

#[test]
fn overrides_resolve_base_then_tier_then_stage() {
    // alpha is an active partner of the large tier in the US.
    let f = Fixture::minimal();
    let page = || common::kit_page(&f, "alpha", "en");
    f.build().unwrap();
    assert!(page().contains("Earn $150 per referral"), "base");

    let tier = "tiers:\n  large:\n    incentives: { reward: 250 }\n";
    f.write(
        "content/playbooks/us.yaml",
        &format!("{}{tier}", common::US_PLAYBOOK),
    );
    f.build().unwrap();
    assert!(page().contains("Earn $250 per referral"), "tier over base");

    let stage = "stages:\n  active:\n    incentives: { reward: 300 }\n  pilot:\n    incentives: { reward: 1 }\n";
    f.write(
        "content/playbooks/us.yaml",
        &format!("{}{tier}{stage}", common::US_PLAYBOOK),
    );
    f.build().unwrap();
    assert!(page().contains("Earn $300 per referral"), "stage over tier");
}

#[test]
fn ambassador_is_the_local_contact_without_its_referral_link() {
    let f = Fixture::minimal();
    f.write(
        "content/partners.yaml",
        &format!(
            "{}  - id: ann\n    name: Ann <Ambassador>\n    market: us\n    code: ANNAMB26\n    stage: ambassador\n    tier: small\n    channels: [email]\n    contact:\n      name: Ann Lee\n      email: ann@example.com\n",
            common::PARTNERS
        ),
    );
    // The contact and the reward are the partner's: its kit page shows them.
    f.write(
        "templates/kit.html",
        r#"{% extends "base.html" %}{% block main %}<p class="earn">{{ playbook.reward }} {{ playbook.payout_days }}</p>{% if partner.contact %}<p class="contact">{{ partner.contact.name }} / {{ partner.contact.organisation }} / {{ partner.contact.email }}</p>{% endif %}{% endblock main %}"#,
    );
    f.build().unwrap();
    for lang in ["en", "ru"] {
        let alpha = common::kit_page(&f, "alpha", lang);
        assert!(
            alpha.contains("Ann Lee / Ann &lt;Ambassador&gt; / ann@example.com"),
            "{alpha}"
        );
        assert!(!alpha.contains("ANNAMB26"), "the ambassador's code leaked");
        // The microsite is for the partner's clients: no contact, no reward.
        let microsite = f.read(&format!("public/p/alpha/{lang}/index.html"));
        assert!(!microsite.contains("Ann Lee"), "{microsite}");
        assert!(microsite.contains("ALPHA26"));
    }
    assert!(common::kit_page(&f, "alpha", "ru").contains("150\u{a0}$ 14"));
    // The Russian market has no ambassador: no contact.
    assert!(!common::kit_page(&f, "beta", "en").contains("class=\"contact\""));
}

#[test]
fn calendar_parses_and_its_dates_are_the_start_plus_the_offsets() {
    let f = Fixture::minimal();
    dated(&f);
    f.build().unwrap();
    let kit = kit_texts(&f, "alpha", "en");
    let events = parse_ics(&kit["cadence.ics"]);
    // Sorted by day; the partner has e-mail and X, so every touch applies.
    let expected = [
        ("intro", 0, "email"),
        ("post", 5, "x"),
        ("reminder", 12, "email"),
    ];
    assert_eq!(events.len(), expected.len());
    let start = days("20260601");
    let links = f.read("manifest/links.csv");
    for (event, (touch, offset, channel)) in events.iter().zip(expected) {
        assert_eq!(days(&event["DTSTART"]) - start, offset, "{event:?}");
        assert_eq!(
            event["UID"],
            format!("{touch}.alpha.us@partners.test"),
            "stable UID"
        );
        assert_eq!(event["DTSTAMP"], "20260601T000000Z");
        // The event's link is the touch's short link, which leads to its tracked link.
        let url = &event["URL"];
        let tracked = format!(
            "https://join.test/us?ref=ALPHA26&utm_source=partner&utm_medium={channel}&utm_campaign=test&utm_content=cadence-{touch}"
        );
        assert!(url.contains("/r/alpha26/"), "{url}");
        assert!(
            links.contains(&format!(
                "alpha,us,en,{channel},cadence-{touch},{tracked},{url}"
            )),
            "{url} leads to {tracked}: {links}"
        );
        assert!(event["DESCRIPTION"].contains(url.as_str()));
        assert!(event["DESCRIPTION"].contains(&format!("cadence/{touch}.txt")));
        // The copy the touch names carries the touch's own link.
        assert!(kit[&format!("cadence/{touch}.txt")].contains(url.as_str()));
    }
    // The checklist, in the kit's language, names the copy and the link.
    let checklist = &kit_texts(&f, "alpha", "ru")["cadence.txt"];
    // Dates read as Russian writes them, spaces as ICU and the typesetter give them.
    let plain = checklist.replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        plain.starts_with("План Test Network для Alpha & Sons\nНачало: 1 июня 2026 г.\n"),
        "{checklist}"
    );
    let post = links
        .lines()
        .find(|l| l.starts_with("alpha,us,ru,x,cadence-post,"))
        .and_then(|l| l.rsplit(',').next())
        .unwrap_or_else(|| panic!("{links}"));
    assert!(
        plain.contains(&format!("[ ] День 5 · 6 июня 2026 г. · x\n    Опубликуйте\n    Текст: cadence/post.txt\n    Ссылка: {post}\n")),
        "{checklist}"
    );
}

#[test]
fn partners_without_start_use_the_start_option_then_source_date_epoch() {
    let f = Fixture::minimal();
    let first_date = |f: &Fixture| {
        let events = parse_ics(&kit_texts(f, "alpha", "en")["cadence.ics"]);
        events[0]["DTSTART"].clone()
    };
    let out = f.run(&["build", "--start", "2026-07-01"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(first_date(&f), "20260701");
    // 1 785 000 000 s is 2026-07-25 (UTC).
    let out = f.run_with_env(&["build"], &[("SOURCE_DATE_EPOCH", "1785000000")]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(first_date(&f), "20260725");
    let stamp = parse_ics(&kit_texts(&f, "alpha", "en")["cadence.ics"])[0]["DTSTAMP"].clone();
    assert_eq!(stamp, "20260725T172000Z");
    // Neither: no calendar, a checklist without dates and a warning saying what to set.
    let out = f.run(&["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("; the kits of 2 partners have an undated cadence and no cadence.ics"),
        "{stderr}"
    );
    let kit = kit_texts(&f, "alpha", "en");
    assert!(!kit.contains_key("cadence.ics"));
    assert!(kit["cadence.txt"].contains("No start date yet\n\n[ ] Day 0 · email\n"));
    // A malformed --start is a usage error.
    let out = f.run(&["build", "--start", "01.07.2026"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn pilot_build_contains_exactly_the_pilot_partners() {
    let f = Fixture::minimal();
    f.build().unwrap();
    assert!(f.exists("public/p/alpha/en/index.html"));
    let out = f.run(&["build", "--partners", "stage=pilot", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["partners"], 1);
    assert_eq!(report["registry"], 2);
    assert_eq!(report["selection"], "stage=pilot");
    // The filter is part of the fingerprint: the earlier full build is replaced.
    assert!(!f.exists("public/p/alpha"));
    assert!(f.exists("public/p/beta/en/index.html"));
    assert!(f.exists("public/en/index.html") && f.exists("public/ru/stories/first/index.html"));
    for file in ["links.csv", "kits.csv", "partners.csv"] {
        let text = f.read(&format!("manifest/{file}"));
        assert!(!text.contains("alpha"), "{file}: {text}");
        assert!(text.contains("\nbeta,"), "{file}: {text}");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&f.read("manifest/summary.json")).unwrap();
    assert_eq!(summary["markets"]["us"]["partners"], 0);
    assert_eq!(summary["markets"]["ru"]["by_stage"]["pilot"], 1);

    // Keys combine (AND), values of one key are alternatives (OR).
    let out = f.run(&[
        "build",
        "--partners",
        "stage=pilot,active",
        "--partners",
        "market=us",
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("for 1 of 2 partners"));
    assert!(f.exists("public/p/alpha") && !f.exists("public/p/beta"));
}

#[test]
fn unknown_selection_key_or_value_is_a_usage_error_listing_valid_ones() {
    let f = Fixture::minimal();
    for (arg, expected) in [
        ("colour=red", "stage, tier, market, id"),
        ("stage=beta", "pilot, active, ambassador"),
        ("tier=huge", "small, medium, large"),
        ("market=eu", "ru, us"),
        ("stage=ambassador", "no partner matches"),
    ] {
        let out = f.run(&["build", "--partners", arg]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{arg}: {stderr}");
        assert!(stderr.contains(expected), "{arg}: {stderr}");
    }
    assert!(!f.exists("public"));
}

#[test]
fn crm_export_has_one_row_per_partner_and_a_summary_per_market() {
    let f = Fixture::minimal();
    dated(&f);
    f.build().unwrap();
    let csv = f.read("manifest/partners.csv");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "partner,name,market,stage,tier,code,channels,ambassador,start,kit_page,links"
    );
    assert_eq!(rows.len(), 3);
    let links = f.read("manifest/links.csv");
    let alpha_links = links.lines().filter(|l| l.starts_with("alpha,")).count();
    assert!(rows[1].starts_with("alpha,Alpha & Sons,us,active,large,ALPHA26,email x,,2026-06-01,https://partners.test/kits/"));
    assert!(rows[1].ends_with(&format!(",{alpha_links}")), "{}", rows[1]);
    assert!(rows[2].starts_with("beta,Бета,ru,pilot,small,BETA26,telegram,,2026-06-15,"));

    let summary: serde_json::Value =
        serde_json::from_str(&f.read("manifest/summary.json")).unwrap();
    let us = &summary["markets"]["us"];
    assert_eq!(us["partners"], 1);
    assert_eq!(us["by_stage"]["active"], 1);
    assert_eq!(us["by_tier"]["large"], 1);
    assert_eq!(us["channels"]["x"], 1);
    assert_eq!(us["preferred_channels"], serde_json::json!(["email", "x"]));
    assert_eq!(us["links"]["total"], alpha_links);
    assert_eq!(
        us["links"]["by_channel"]["x"], 9,
        "pitch, cadence and the X share buttons under the e-mail and X copy, in two languages, and the short link"
    );
    assert!(summary["selection"].is_null());
}

#[test]
fn a_name_that_looks_like_a_formula_is_neutralised_in_partners_csv() {
    let f = Fixture::minimal();
    f.write(
        "content/partners.yaml",
        &common::PARTNERS.replace("name: Alpha & Sons", "name: \"=HYPERLINK(1)\""),
    );
    f.build().unwrap();
    let csv = f.read("manifest/partners.csv");
    assert!(!csv.contains(",=HYPERLINK"), "{csv}");
}

#[test]
fn unknown_playbook_key_names_the_file_and_line() {
    let f = Fixture::minimal();
    f.write(
        "content/playbooks/us.yaml",
        &common::US_PLAYBOOK.replace("tone: direct\n", "tone: direct\ncolour: blue\n"),
    );
    let (code, stderr) = failing_build(&f);
    assert_eq!(code, 1);
    assert!(stderr.contains("content/playbooks/us.yaml:3:1"), "{stderr}");
    assert!(stderr.contains("colour"), "{stderr}");
}

#[test]
fn cadence_channel_the_market_has_no_copy_for_is_an_error() {
    let f = Fixture::minimal();
    f.write(
        "content/playbooks/ru.yaml",
        &common::RU_PLAYBOOK.replace(
            "    day: 10\n    channel: telegram",
            "    day: 10\n    channel: vk",
        ),
    );
    let (code, stderr) = failing_build(&f);
    assert_eq!(code, 1);
    assert!(stderr.contains("content/playbooks/ru.yaml:"), "{stderr}");
    assert!(
        stderr
            .contains("touch `story` uses channel `vk`, but market `ru` has no pitch copy for it"),
        "{stderr}"
    );
}

#[test]
fn a_market_without_a_playbook_and_incentives_left_in_site_yaml_are_errors() {
    let f = Fixture::minimal();
    f.remove("content/playbooks/ru.yaml");
    let (code, stderr) = failing_build(&f);
    assert_eq!(code, 1);
    assert!(stderr.contains("content/playbooks/ru.yaml"), "{stderr}");
    assert!(stderr.contains("market `ru` has no playbook"), "{stderr}");

    let f = Fixture::minimal();
    f.write(
        "site.yaml",
        &common::SITE.replace("currency: USD\n", "currency: USD\n    reward: 150\n"),
    );
    let (code, stderr) = failing_build(&f);
    assert_eq!(code, 1);
    assert!(stderr.contains("content/playbooks/us.yaml"), "{stderr}");
}

#[test]
fn the_demo_playbooks_give_russian_partners_a_longer_cadence() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/playbooks");
    let count = |market: &str| {
        std::fs::read_to_string(root.join(format!("{market}.yaml")))
            .unwrap()
            .matches("\n  - id: ")
            .count()
    };
    assert!(
        count("ru") > count("us"),
        "ru {} vs us {}",
        count("ru"),
        count("us")
    );
}
