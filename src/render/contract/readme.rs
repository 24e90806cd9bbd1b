//! The README's "Templates" tables checked against the contract's structs.
//!
//! Each table follows a `<!-- contract: Name -->` comment naming the struct it
//! documents. A row is `` | `variable` | `shape` description | ``: the shape is the
//! first code span of the description when it starts with `{` or `[`
//! (`{ a, b: { c }, d: [{ e }] }`); a row without one has the shape the same variable
//! had in an earlier table, or none (a plain value). Every struct is serialised with
//! every optional value set, and the two trees must have the same fields.

use serde::Serialize;
use tera::Value;

use super::partner::{Bonus, Contact, Touch};
use super::*;

/// The fields of a value: a plain value, a map or a list of maps.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    Plain,
    Map(Vec<(String, Shape)>),
    List(Box<Shape>),
}

fn shape_of_json(value: &serde_json::Value) -> Shape {
    match value {
        serde_json::Value::Object(map) => Shape::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), shape_of_json(v)))
                .collect(),
        ),
        serde_json::Value::Array(items) => match items.first().map(shape_of_json) {
            Some(Shape::Plain) | None => Shape::Plain,
            Some(inner) => Shape::List(Box::new(inner)),
        },
        _ => Shape::Plain,
    }
}

fn shape_of<T: Serialize>(value: &T) -> Shape {
    let json = serde_json::to_value(value).expect("contract values serialise to JSON");
    shape_of_json(&json)
}

/// Parses `{ a, b: { c }, d: [{ e }] }` from the start of `text`; returns the rest.
fn parse_shape(text: &str) -> Result<(Shape, &str), String> {
    let text = text.trim_start();
    if let Some(rest) = text.strip_prefix('[') {
        let (inner, rest) = parse_shape(rest)?;
        let rest = rest.trim_start().strip_prefix(']').ok_or("missing `]`")?;
        return Ok((Shape::List(Box::new(inner)), rest));
    }
    let Some(mut rest) = text.strip_prefix('{') else {
        return Err(format!("expected `{{` or `[` at `{text}`"));
    };
    let mut fields = Vec::new();
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('}') {
            return Ok((Shape::Map(fields), after));
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            return Err(format!("expected a field name at `{rest}`"));
        }
        let name = rest[..end].to_owned();
        rest = rest[end..].trim_start();
        let shape = if let Some(after) = rest.strip_prefix(':') {
            let (shape, after) = parse_shape(after)?;
            rest = after;
            shape
        } else {
            Shape::Plain
        };
        fields.push((name, shape));
        rest = rest.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

/// The README's contract tables: struct name → its variables and their shapes.
fn readme_tables() -> Vec<(String, Shape)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md is readable");
    let mut tables: Vec<(String, Vec<(String, Shape)>)> = Vec::new();
    let mut known: Vec<(String, Shape)> = Vec::new();
    // In a contract table: `Some(started)` from its comment to the line after it.
    let mut inside: Option<bool> = None;
    for line in readme.lines() {
        if let Some(name) = line
            .strip_prefix("<!-- contract: ")
            .and_then(|l| l.strip_suffix(" -->"))
        {
            tables.push((name.to_owned(), Vec::new()));
            inside = Some(false);
            continue;
        }
        match (inside, line.starts_with('|')) {
            (None, _) | (Some(false), false) => continue,
            (Some(true), false) => {
                inside = None;
                continue;
            }
            (_, true) => inside = Some(true),
        }
        let Some((_, rows)) = tables.last_mut() else {
            continue;
        };
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 4 {
            continue;
        }
        let Some(variable) = cells[1].strip_prefix('`').and_then(|c| c.strip_suffix('`')) else {
            continue;
        };
        let description = cells[2];
        let span = description
            .strip_prefix('`')
            .and_then(|d| d.split('`').next())
            .filter(|d| d.starts_with('{') || d.starts_with('['));
        let shape = match span {
            Some(span) => match parse_shape(span) {
                Ok((shape, rest)) if rest.trim().is_empty() => shape,
                Ok((_, rest)) => panic!("README: `{variable}`: unexpected `{rest}`"),
                Err(why) => panic!("README: `{variable}`: {why}"),
            },
            None => known
                .iter()
                .rev()
                .find(|(name, _)| name == variable)
                .map_or(Shape::Plain, |(_, shape)| shape.clone()),
        };
        known.push((variable.to_owned(), shape.clone()));
        rows.push((variable.to_owned(), shape));
    }
    tables
        .into_iter()
        .map(|(name, rows)| (name, Shape::Map(rows)))
        .collect()
}

/// Every difference between the README's `documented` and the struct's `actual`.
fn differences(path: &str, documented: &Shape, actual: &Shape, out: &mut Vec<String>) {
    match (documented, actual) {
        (Shape::Map(doc), Shape::Map(real)) => {
            for (name, shape) in doc {
                let at = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                match real.iter().find(|(n, _)| n == name) {
                    Some((_, real_shape)) => differences(&at, shape, real_shape, out),
                    None => out.push(format!(
                        "the README documents `{at}`, the struct has no such field"
                    )),
                }
            }
            for (name, _) in real
                .iter()
                .filter(|(n, _)| !doc.iter().any(|(d, _)| d == n))
            {
                let at = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                out.push(format!(
                    "field `{at}` of the struct is missing from the README"
                ));
            }
        }
        (Shape::List(doc), Shape::List(real)) => differences(&format!("{path}[]"), doc, real, out),
        (doc, real) if doc == real => {}
        (doc, real) => out.push(format!(
            "`{path}`: the README says {}, the struct has {}",
            describe(doc),
            describe(real)
        )),
    }
}

fn describe(shape: &Shape) -> &'static str {
    match shape {
        Shape::Plain => "a plain value",
        Shape::Map(_) => "a map",
        Shape::List(_) => "a list of maps",
    }
}

fn s(text: &str) -> String {
    text.to_owned()
}

fn site() -> Prepared<Site> {
    Prepared::new(&Site {
        title: s("t"),
        base_url: s("u"),
        base_path: s("/"),
        search_engines: vec!["googlebot"],
    })
}

fn partner() -> Prepared<Partner> {
    Prepared::new(&Partner {
        id: s("p"),
        name: s("P"),
        market: s("m"),
        stage: Some("active"),
        tier: Some("gold"),
        channels: vec![s("email")],
        audience: Some(s("a")),
        contact: Some(contact()),
    })
}

fn contact() -> Contact {
    Contact {
        name: s("n"),
        organisation: Some(s("o")),
        email: Some(s("e")),
        telegram: Some(s("t")),
    }
}

fn market() -> Prepared<Market> {
    Prepared::new(&Market {
        id: s("m"),
        lead: s("l"),
        tone: Some(s("t")),
        currency: s("USD"),
        offer: Some(offer()),
        reward: Some(s("$1")),
        reward_amount: Some(1),
        payout_days: Some(1),
    })
}

fn offer() -> Offer {
    Offer {
        free_days: 1,
        discount_percent: 1,
        discount_months: 1,
        migration: true,
        summary: Some(s("o")),
    }
}

fn playbook() -> Prepared<Playbook> {
    Prepared::new(&Playbook {
        lead: s("l"),
        tone: Some(s("t")),
        message: Some(s("m")),
        offer: Some(offer()),
        reward: s("$1"),
        payout_days: 1,
        dashboard: true,
        exclusive: true,
        co_marketing: true,
        bonuses: vec![Bonus {
            after_months: 1,
            percent: 1,
        }],
        channels: vec![s("email")],
        cadence: vec![Touch {
            id: s("t"),
            day: 1,
            channel: s("email"),
            title: Some(s("t")),
        }],
        ambassador: Some(contact()),
    })
}

fn translation() -> Translation {
    Translation {
        lang: s("en"),
        url: s("/en/"),
    }
}

/// `ResultsValues` with every optional value set.
fn results_values() -> ResultsValues {
    let step = || BonusStep {
        after_months: 1,
        percent: 1,
    };
    ResultsValues {
        results: PartnerResults {
            data_end: Some(s("d")),
            data_end_text: Some(s("d")),
            clicks: 1,
            signups: 1,
            customers: 1,
            staying: 1,
            click_to_customer: Some(s("1")),
            earned: s("$1"),
            next_payout: Some(NextPayout {
                date: s("d"),
                date_text: s("d"),
                amount: s("$1"),
                customers: 1,
            }),
            months: 1,
            bonus: Some(step()),
            next_bonus: Some(step()),
            months_to_next_bonus: Some(1),
            exclusive: true,
            kit_url: s("/"),
        },
    }
}

/// Each documented struct, with every optional value set.
fn samples() -> Vec<(&'static str, Shape)> {
    let page = PageContext {
        lang: s("en"),
        audience: crate::model::audience::Audience::Clients,
        preview: false,
        site: site(),
        page: Page {
            kind: "story",
            stale: false,
            url: s("/"),
            permalink: Some(s("u")),
            title: Some(s("t")),
            summary: Some(s("s")),
            date: Some(s("d")),
            content: Value::from("<p>"),
            slug: s("s"),
            banner: Some(s("b")),
            share_image: Some(s("c")),
        },
        alternates: vec![Alternate {
            lang: s("en"),
            permalink: s("u"),
            url: s("/"),
        }],
        translations: vec![translation()],
        x_default: Some(s("u")),
        canonical: Some(s("u")),
        noindex: false,
        share: Share {
            image: Some(s("u")),
            image_type: Some("image/png"),
            image_width: 1,
            image_height: 1,
            locale: Some(s("en_US")),
            locale_alternates: vec![s("ru_RU")],
        },
        json_ld: Some(s("{}")),
        home_url: s("/"),
        nav: Prepared::new(&vec![NavItem {
            title: s("t"),
            url: s("/"),
        }]),
        stories: Prepared::new(&vec![StoryCard {
            slug: s("s"),
            title: s("t"),
            summary: Some(s("s")),
            date: s("d"),
            url: s("/"),
            banner: Some(s("b")),
        }]),
        partner: Some(partner()),
        market: Some(market()),
        playbook: Some(playbook()),
        markets: Prepared::new(&vec![Market {
            id: s("m"),
            lead: s("l"),
            tone: None,
            currency: s("USD"),
            offer: Some(offer()),
            reward: Some(s("$1")),
            reward_amount: Some(1),
            payout_days: Some(1),
        }]),
    };
    let kit = KitValues {
        pitches: vec![Pitch {
            channel: s("email"),
            file: s("f"),
            subject: Some(s("s")),
            text: s("t"),
            link: s("l"),
            draft: Some(s("d")),
            share: vec![ShareLink {
                channel: s("telegram"),
                service: s("telegram"),
                url: s("u"),
                link: s("l"),
                with_copy: true,
            }],
        }],
        kit_stories: vec![KitStory {
            slug: s("s"),
            title: s("t"),
            summary: Some(s("s")),
            file: s("f"),
            link: s("l"),
        }],
        links: vec![KitLink {
            channel: s("c"),
            asset: s("a"),
            url: s("u"),
        }],
        microsite: s("u"),
        cadence: vec![KitTouch {
            id: s("t"),
            day: 1,
            date: Some(s("d")),
            date_text: Some(s("d")),
            channel: s("c"),
            title: s("t"),
            file: s("f"),
            link: s("l"),
        }],
    };
    let kit_page = KitPageValues {
        results: vec![translation()],
        downloads: vec![Download {
            lang: s("en"),
            file: s("f"),
            url: s("u"),
            bytes: 1,
            size: s("1 KB"),
            sha256: s("h"),
        }],
        images: Prepared::new(&vec![KitImage {
            file: s("f"),
            url: s("u"),
            width: 1,
            height: 1,
            qr: true,
            lang: Some(s("en")),
            corner: Corner {
                x: 1,
                y: 1,
                side: 1,
            },
        }]),
        qr: Qr {
            png: s("p"),
            svg: s("s"),
            link: s("l"),
            short: s("s"),
        },
        short_links: vec![ShortLink {
            channel: s("c"),
            short: s("s"),
            url: s("u"),
        }],
    };
    let readme = KitReadme {
        lang: s("en"),
        preview: false,
        site: site(),
        partner: partner(),
        market: Some(market()),
        playbook: Some(playbook()),
        qr_link: s("l"),
        short_links: vec![ShortLink {
            channel: s("c"),
            short: s("s"),
            url: s("u"),
        }],
    };
    let document = DocumentContext {
        kind: s("email"),
        lang: s("en"),
        title: s("t"),
        content: s("<p>"),
        cta: Some(Cta {
            text: s("t"),
            url: s("u"),
        }),
        after: s("<p>"),
    };
    vec![
        ("PageContext", shape_of(&page)),
        (
            "NotFoundValues",
            shape_of(&NotFoundValues {
                languages: vec![translation()],
            }),
        ),
        ("KitValues", shape_of(&kit)),
        ("KitPageValues", shape_of(&kit_page)),
        ("KitReadme", shape_of(&readme)),
        ("DocumentContext", shape_of(&document)),
        ("ResultsValues", shape_of(&results_values())),
        (
            "BannerContext",
            shape_of_json(&super::banner::sample_json()),
        ),
    ]
}

#[test]
fn the_readme_documents_every_field_of_the_template_contract() {
    let tables = readme_tables();
    let mut problems = Vec::new();
    for (name, actual) in samples() {
        match tables.iter().find(|(n, _)| n == name) {
            Some((_, documented)) => {
                let mut found = Vec::new();
                differences("", documented, &actual, &mut found);
                problems.extend(found.into_iter().map(|p| format!("{name}: {p}")));
            }
            None => problems.push(format!(
                "the README has no table after `<!-- contract: {name} -->`"
            )),
        }
    }
    for (name, _) in &tables {
        if !samples().iter().any(|(n, _)| n == name) {
            problems.push(format!(
                "the README documents `{name}`, which is no contract struct"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_missing_or_extra_field_is_named() {
    let (documented, _) = parse_shape("{ a, b: [{ c, d }] }").unwrap();
    let (actual, _) = parse_shape("{ a, b: [{ c, e }], f }").unwrap();
    let mut found = Vec::new();
    differences("", &documented, &actual, &mut found);
    assert_eq!(
        found,
        [
            "the README documents `b[].d`, the struct has no such field",
            "field `b[].e` of the struct is missing from the README",
            "field `f` of the struct is missing from the README",
        ]
    );
}

#[test]
fn every_contract_struct_becomes_a_context() {
    for (name, shape) in samples() {
        assert!(matches!(shape, Shape::Map(_)), "{name} is not a map");
    }
    let context = context_of(&NotFoundValues {
        languages: vec![translation()],
    });
    assert!(context.contains_key("languages"));
}
