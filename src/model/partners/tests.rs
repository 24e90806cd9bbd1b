//! The registry: every rule, every problem reported at once, and the stage and tier
//! words read exactly as before.

use super::*;
use crate::base::diagnostics::Error;
use crate::base::named::Named;

fn settings() -> Settings {
    Settings::parse("title: T\nbase_url: https://e.com\nlanguages: [en, ru]\nmarkets:\n  us: {landing: 'https://e.com/us', language: en, currency: USD}\n  ru: {landing: 'https://e.com/ru', language: ru, currency: RUB}\n").unwrap()
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match parse(text, &settings()) {
        Err(Error::Content(d)) => d,
        other => panic!("expected content errors, got {other:?}"),
    }
}

const ONE: &str = "partners:\n  - id: harbor\n    name: Harbor\n    market: us\n    code: HARBOR26\n    stage: active\n    tier: large\n    channels: [email, x]\n";

#[test]
fn stage_and_tier_words_round_trip_through_their_one_table() {
    for (i, stage) in Stage::ALL.iter().copied().enumerate() {
        assert_eq!(stage.name(), Stage::NAMES[i]);
        assert_eq!(Stage::parse(stage.name()), Some(stage));
    }
    for (i, tier) in Tier::ALL.iter().copied().enumerate() {
        assert_eq!(tier.name(), Tier::NAMES[i]);
        assert_eq!(Tier::parse(tier.name()), Some(tier));
    }
    assert_eq!(Stage::parse("Pilot"), None);
    assert_eq!(Tier::parse("huge"), None);
}

/// What `#[derive]` with `rename_all = "lowercase"` made of these enums before
/// their words moved into one table: the reference for what YAML is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum DerivedStage {
    Pilot,
    Active,
    Ambassador,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum DerivedTier {
    Small,
    Medium,
    Large,
}

/// `Ok(word)` or the error text, for comparing two readers of the same YAML.
fn read<T: serde::de::DeserializeOwned + Serialize>(
    yaml: &str,
) -> std::result::Result<String, String> {
    serde_saphyr::from_str::<T>(yaml)
        .map(|v| serde_json::to_string(&v).unwrap())
        .map_err(|e| {
            e.to_string()
                .replace("DerivedStage", "Stage")
                .replace("DerivedTier", "Tier")
        })
}

#[test]
fn stage_and_tier_accept_exactly_what_serde_derive_accepted() {
    let inputs = [
        "pilot",
        "active",
        "ambassador",
        "small",
        "medium",
        "large",
        "Pilot",
        "PILOT",
        "\"pilot\"",
        "'large'",
        "0",
        "1",
        "2",
        "3",
        "-1",
        "~",
        "",
        "true",
        "1.5",
        "[pilot]",
        "{pilot: ~}",
        "{pilot: 1}",
        "!pilot",
        "!pilot ~",
        "pilot # c",
        "&a pilot",
        "huge",
        "pilots",
        " active ",
    ];
    for yaml in inputs {
        assert_eq!(read::<Stage>(yaml), read::<DerivedStage>(yaml), "{yaml:?}");
        assert_eq!(read::<Tier>(yaml), read::<DerivedTier>(yaml), "{yaml:?}");
        let map = format!("{yaml}: 1");
        assert_eq!(
            read::<BTreeMap<Stage, u8>>(&map),
            read::<BTreeMap<DerivedStage, u8>>(&map),
            "{map:?}"
        );
        assert_eq!(
            read::<BTreeMap<Tier, u8>>(&map),
            read::<BTreeMap<DerivedTier, u8>>(&map),
            "{map:?}"
        );
    }
}

#[test]
fn a_valid_entry_is_read() {
    let partners = parse(ONE, &settings()).unwrap();
    assert_eq!(partners[0].code, "HARBOR26");
    assert_eq!(partners[0].channels, ["email", "x"]);
}

#[test]
fn duplicate_id_and_code_name_both_lines() {
    let text = format!("{ONE}{}", &ONE["partners:\n".len()..]);
    let d = errors(&text);
    assert!(
        d.iter()
            .any(|d| d.message.contains("already used on line 2") && d.line == Some(9)),
        "{d:?}"
    );
    assert!(
        d.iter().any(|d| d
            .message
            .contains("already used by partner `harbor` on line 5")
            && d.line == Some(12)),
        "{d:?}"
    );
}

#[test]
fn unknown_market_and_channel_are_reported_together() {
    let text = ONE
        .replace("market: us", "market: eu")
        .replace("[email, x]", "[email, myspace]");
    let d = errors(&text);
    assert!(
        d.iter()
            .any(|d| d.message.contains("unknown market `eu`") && d.line == Some(4)),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|d| d.message.contains("unknown channel `myspace`") && d.line == Some(8)),
        "{d:?}"
    );
}

#[test]
fn contact_email_and_telegram_must_be_well_formed() {
    let text = format!("{ONE}    contact:\n      name: Ann\n      email: \"ann@example.com?cc=x\"\n      telegram: \"@a b\"\n");
    let d = errors(&text);
    assert!(
        d.iter()
            .any(|d| d.message.contains("not an e-mail address")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|d| d.message.contains("not a Telegram username")),
        "{d:?}"
    );
    let ok = format!("{ONE}    contact:\n      name: Ann\n      email: ann@example.com\n      telegram: \"@ann_smith\"\n");
    assert!(parse(&ok, &settings()).is_ok());
}

#[test]
fn malformed_code_and_bidi_name_are_refused() {
    let text = ONE
        .replace("HARBOR26", "harbor 26")
        .replace("name: Harbor", "name: \"Har\u{202E}bor\"");
    let d = errors(&text);
    assert!(d.iter().any(|d| d.message.contains("malformed")), "{d:?}");
    assert!(d.iter().any(|d| d.message.contains("U+202E")), "{d:?}");
}
