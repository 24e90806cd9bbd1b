//! Entry points for the fuzz targets in `fuzz/` and for their regression tests.
//!
//! Each function takes arbitrary bytes, runs one stage of refkit that reads what a
//! user wrote, and checks the stage's promises: no panic, errors that render, output
//! that keeps its safety invariants. A finding becomes a file under
//! `fuzz/regressions/<target>/`, which `tests/testsuite/fuzz_regressions.rs` replays on every
//! test run, so the same input can never break again.

pub use crate::text::markdown::Rendered;
use std::path::Path;

use crate::load::front_matter;
use crate::model::scheme::{LinkParts, ReferralScheme};
use crate::model::settings::Settings;

/// The settings the registry target checks partners against.
const SETTINGS: &str = "\
title: Fuzz
base_url: https://partners.test
languages: [en, ru]
markets:
  us: {landing: 'https://join.test/us', language: en, currency: USD}
  ru: {landing: 'https://join.test/ru', language: ru, currency: RUB}
";

/// Splits a Markdown file into front matter and body and parses the front matter.
pub fn front_matter(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        let _ = crate::base::files::text_from_bytes(data.to_vec(), Path::new("fuzz.md"))
            .map_err(|e| e.to_string());
        return;
    };
    match front_matter::split(text) {
        Ok(split) => {
            assert!(split.yaml_line >= 1 && split.body_line >= split.yaml_line);
            assert!(is_part_of(split.yaml, text) && is_part_of(split.body, text));
            let parsed: Result<serde_json::Value, _> =
                crate::base::yaml::parse(Path::new("fuzz.md"), text, split.yaml, split.yaml_line);
            if let Err(e) = parsed {
                let _ = e.to_string();
            }
        }
        Err(e) => {
            assert!(e.line >= 1);
            let _ = crate::base::diagnostics::Diagnostic::error(Path::new("fuzz.md"), e.message)
                .at(text, e.line, 1)
                .to_string();
        }
    }
}

/// Parses a partner registry.
pub fn registry(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let settings = Settings::parse(SETTINGS).expect("the fuzz settings are valid");
    match crate::model::partners::parse(text, &settings) {
        Ok(partners) => {
            for p in partners {
                assert!(crate::base::slug::is_slug(&p.id), "unsafe id {:?}", p.id);
                assert!(
                    crate::model::partners::is_code(&p.code),
                    "unsafe code {:?}",
                    p.code
                );
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// Renders Markdown and checks that nothing executable comes out.
pub fn markdown(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for lang in ["en", "ru"] {
        check_rendered(text, &crate::text::markdown::render(text, lang));
    }
}

/// The safety invariants of rendered Markdown (typography included): no raw tag that
/// runs or styles anything, no dangerous link or image target (entities decoded as a
/// browser would), no repeated heading id. Panics naming `text` when one is broken.
pub fn check_rendered(text: &str, rendered: &crate::text::markdown::Rendered) {
    let lower = rendered.html.to_ascii_lowercase();
    for tag in ["<script", "<iframe", "<object", "<embed", "<style", "<svg"] {
        assert!(!lower.contains(tag), "raw {tag} in {:?}", rendered.html);
    }
    for attribute in ["href=\"", "src=\""] {
        let mut rest = rendered.html.as_str();
        while let Some(at) = rest.find(attribute) {
            rest = &rest[at + attribute.len()..];
            let value = &rest[..rest.find('"').unwrap_or(rest.len())];
            let decoded = decode_entities(value);
            assert!(
                !crate::text::markdown::is_dangerous_url(&decoded),
                "dangerous {attribute}{value}\" from {text:?}"
            );
        }
    }
    let mut ids: Vec<&String> = rendered.anchors.iter().collect();
    let all = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all, "heading ids repeat");
}

/// Builds a referral link from a fuzzed scheme and fuzzed parts (NUL-separated:
/// scheme, code, channel, asset, partner, lang).
pub fn links(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut fields = text.split('\0');
    let template = fields.next().unwrap_or_default();
    let mut next = || fields.next().unwrap_or("x");
    let (code, channel, asset, partner, lang) = (next(), next(), next(), next(), next());
    let Ok(scheme) = ReferralScheme::parse(template, "fuzz") else {
        return;
    };
    let url = scheme.link(&LinkParts {
        landing: "https://join.test/us",
        code,
        partner,
        market: "us",
        lang,
        channel,
        asset,
    });
    assert!(
        !url.chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '<' | '>')),
        "a link a page cannot quote: {url:?}"
    );
    let mut encoded = String::new();
    crate::model::scheme::percent_encode_into(code, &mut encoded);
    assert!(url.contains(&encoded), "{url:?} lacks the code {code:?}");
}

/// True when `part` is a slice of `whole` (not a copy).
fn is_part_of(part: &str, whole: &str) -> bool {
    let (start, end) = (
        whole.as_ptr() as usize,
        whole.as_ptr() as usize + whole.len(),
    );
    let p = part.as_ptr() as usize;
    p >= start && p + part.len() <= end
}

/// Decodes the entities pulldown-cmark writes into attribute values, as a browser would.
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| match &rest[1..e] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "#39" | "apos" => Some('\''),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        });
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
