use super::*;
use crate::base::diagnostics::Report;
use crate::model::partners::Contact;

fn settings() -> Settings {
    Settings::parse("title: T\nbase_url: https://e.com\nlanguages: [en, ru]\nmarkets:\n  us: {landing: 'https://e.com/us', language: en, currency: USD}\n  ru: {landing: 'https://e.com/ru', language: ru, currency: RUB}\n").unwrap()
}

fn pitch(channel: &str) -> Pitch {
    Pitch {
        market: "us".into(),
        channel: channel.into(),
        lang: "en".into(),
        file: PathBuf::from(format!("content/pitch/us/{channel}.en.md")),
        subject: None,
        asset: format!("pitch-{channel}"),
        body: String::new(),
        html: String::new(),
    }
}

fn partner(id: &str, stage: Stage, tier: Tier) -> Partner {
    Partner {
        id: id.into(),
        name: format!("{id} name"),
        market: "us".into(),
        code: "CODE1234".into(),
        stage,
        tier,
        channels: vec!["email".into()],
        audience: None,
        contact: None,
        start: None,
    }
}

const BASE: &str = "\
lead: reward
message: {en: Numbers, ru: Цифры}
incentives:
  reward: 100
  payout_days: 14
channels: [email, x]
cadence:
  - {id: later, day: 7, channel: email, title: {en: Later, ru: Позже}}
  - {id: first, day: 0, channel: email, title: {en: First, ru: Сначала}}
tiers:
  large:
    incentives: {reward: 250, payout_days: 10}
stages:
  ambassador:
    message: {en: Ambassador pitch, ru: Питч амбассадора}
    incentives: {reward: 300}
";

fn parse_with(text: &str, partners: &[Partner]) -> (Option<Playbook>, Vec<Diagnostic>) {
    let mut report = Report::default();
    let p = parse(
        Path::new("content/playbooks/us.yaml"),
        text,
        "us",
        &settings(),
        &[pitch("email"), pitch("x")],
        partners,
        &mut report,
    );
    (p, report.into_diagnostics())
}

#[test]
fn cadence_is_sorted_by_day() {
    let (p, d) = parse_with(BASE, &[]);
    let p = p.unwrap_or_else(|| panic!("{d:?}"));
    let ids: Vec<&str> = p.base.cadence.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["first", "later"]);
}

#[test]
fn overrides_resolve_base_then_tier_then_stage_then_partner() {
    let mut ambassador = partner("amb", Stage::Ambassador, Tier::Small);
    ambassador.contact = Some(Contact {
        name: "Ann".into(),
        email: Some("ann@e.com".into()),
        telegram: None,
    });
    let partners = [ambassador.clone()];
    let (p, d) = parse_with(BASE, &partners);
    let p = p.unwrap_or_else(|| panic!("{d:?}"));

    let small_active = p.resolve(&partner("a", Stage::Active, Tier::Small));
    assert_eq!(small_active.terms.incentives.reward, 100, "base");
    let large_active = p.resolve(&partner("b", Stage::Active, Tier::Large));
    assert_eq!(large_active.terms.incentives.reward, 250, "tier over base");
    assert_eq!(large_active.terms.incentives.payout_days, 10);
    let large_ambassador = p.resolve(&partner("c", Stage::Ambassador, Tier::Large));
    assert_eq!(
        large_ambassador.terms.incentives.reward, 300,
        "stage over tier"
    );
    assert_eq!(
        large_ambassador.terms.incentives.payout_days, 10,
        "the tier's value stays where the stage sets none"
    );
    assert_eq!(large_ambassador.terms.message["en"], "Ambassador pitch");

    // The market's ambassador is every partner's contact, unless the registry names one.
    let contact = small_active.contact.unwrap();
    assert_eq!(contact.name, "Ann");
    assert_eq!(contact.partner.as_deref(), Some("amb"));
    assert_eq!(contact.organisation.as_deref(), Some("amb name"));
    let mut own = partner("d", Stage::Active, Tier::Small);
    own.contact = Some(Contact {
        name: "Bob".into(),
        email: None,
        telegram: None,
    });
    assert_eq!(p.resolve(&own).contact.unwrap().name, "Bob", "partner last");
    assert_eq!(
        p.resolve(&ambassador).contact.unwrap().partner.as_deref(),
        Some("amb")
    );
}

#[test]
fn unknown_key_names_its_line() {
    let text = BASE.replace("lead: reward\n", "lead: reward\ncolour: blue\n");
    let (p, d) = parse_with(&text, &[]);
    assert!(p.is_none());
    assert_eq!(d[0].line, Some(2), "{d:?}");
    assert!(d[0].message.contains("colour"), "{d:?}");
}

#[test]
fn cadence_channel_without_pitch_copy_or_unknown_is_refused_at_its_line() {
    let text = BASE
        .replace(
            "id: later, day: 7, channel: email",
            "id: later, day: 7, channel: vk",
        )
        .replace(
            "id: first, day: 0, channel: email",
            "id: first, day: 0, channel: myspace",
        );
    let (p, d) = parse_with(&text, &[]);
    assert!(p.is_none());
    assert!(
        d.iter()
            .any(|d| d.message.contains("no pitch copy") && d.line == Some(8)),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|d| d.message.contains("unknown channel `myspace`") && d.line == Some(9)),
        "{d:?}"
    );
}

#[test]
fn missing_language_and_duplicate_touch_ids_are_reported_together() {
    let text = BASE
        .replace(
            "message: {en: Numbers, ru: Цифры}",
            "message: {en: Numbers}",
        )
        .replace("id: later", "id: first");
    let (_, d) = parse_with(&text, &[]);
    assert!(
        d.iter().any(|d| d.message.contains("no `ru` text")),
        "{d:?}"
    );
    assert!(d.iter().any(|d| d.message.contains("used twice")), "{d:?}");
}

#[test]
fn two_ambassadors_need_the_playbook_to_name_one() {
    let partners = [
        partner("a", Stage::Ambassador, Tier::Small),
        partner("b", Stage::Ambassador, Tier::Small),
    ];
    let (p, d) = parse_with(BASE, &partners);
    assert!(p.is_none());
    assert!(d[0].message.contains("2 ambassadors"), "{d:?}");
    let (p, d) = parse_with(&format!("{BASE}ambassador: b\n"), &partners);
    let p = p.unwrap_or_else(|| panic!("{d:?}"));
    assert_eq!(p.ambassador.unwrap().partner.as_deref(), Some("b"));
    let (_, d) = parse_with(&format!("{BASE}ambassador: nobody\n"), &partners);
    assert!(d[0].message.contains("no partner `nobody`"), "{d:?}");
}

#[test]
fn attribution_days_default_to_ninety_and_segments_may_override_them() {
    let (p, d) = parse_with(BASE, &[]);
    let p = p.unwrap_or_else(|| panic!("{d:?}"));
    let active = p.resolve(&partner("a", Stage::Active, Tier::Small));
    assert_eq!(active.terms.incentives.attribution_days, 90);

    let text = BASE
        .replace(
            "  payout_days: 14\n",
            "  payout_days: 14\n  attribution_days: 180\n",
        )
        .replace(
            "incentives: {reward: 300}",
            "incentives: {reward: 300, attribution_days: 365}",
        );
    let (p, d) = parse_with(&text, &[]);
    let p = p.unwrap_or_else(|| panic!("{d:?}"));
    let active = p.resolve(&partner("a", Stage::Active, Tier::Small));
    assert_eq!(
        active.terms.incentives.attribution_days, 180,
        "the market's"
    );
    let ambassador = p.resolve(&partner("b", Stage::Ambassador, Tier::Small));
    assert_eq!(
        ambassador.terms.incentives.attribution_days, 365,
        "the stage's"
    );
}

const OFFER: &str = "\
offer:
  free_days: 30
  discount_percent: 50
  discount_months: 3
  summary: {en: '{offer_days} days free, then {offer_discount}% off', ru: '{offer_days} дней бесплатно'}
";

#[test]
fn the_offer_resolves_through_tier_and_stage_like_the_reward() {
    let text = format!("{OFFER}{BASE}").replace(
        "    incentives: {reward: 250, payout_days: 10}",
        "    incentives: {reward: 250, payout_days: 10}\n    offer: {free_days: 60, migration: true}",
    );
    let (p, d) = parse_with(&text, &[]);
    let p = p.unwrap_or_else(|| panic!("{d:?}"));
    let small = p.resolve(&partner("a", Stage::Active, Tier::Small));
    let offer = small.terms.offer.unwrap();
    assert_eq!(
        (
            offer.free_days,
            offer.discount_percent,
            offer.discount_months
        ),
        (30, 50, 3)
    );
    assert!(!offer.migration);
    assert_eq!(
        offer.summary_in("en", |n| n.to_string()).as_deref(),
        Some("30 days free, then 50% off")
    );
    let large = p
        .resolve(&partner("b", Stage::Active, Tier::Large))
        .terms
        .offer
        .unwrap();
    assert_eq!(large.free_days, 60, "the tier's days");
    assert_eq!(large.discount_percent, 50, "the market's discount stays");
    assert!(large.migration);
}

#[test]
fn a_playbook_without_an_offer_still_loads() {
    let (p, d) = parse_with(BASE, &[]);
    let p = p.unwrap_or_else(|| panic!("{d:?}"));
    assert!(p.base.offer.is_none());
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn an_offer_summary_with_an_unknown_placeholder_or_a_discount_over_100_is_refused() {
    let text = format!("{OFFER}{BASE}")
        .replace("{offer_discount}%", "{discount}%")
        .replace("discount_percent: 50", "discount_percent: 150");
    let (p, d) = parse_with(&text, &[]);
    assert!(p.is_none());
    assert!(
        d.iter()
            .any(|d| d.message.contains("`{discount}`") && d.line == Some(5)),
        "{d:?}"
    );
    assert!(d.iter().any(|d| d.message.contains("150 %")), "{d:?}");
}
