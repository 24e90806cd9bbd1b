//! Loading Fluent files, lookups, plurals and formatting per language.

use super::*;

fn load_ru(ru: &str) -> Result<Locales> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("locales/en")).unwrap();
    std::fs::create_dir_all(dir.path().join("locales/ru")).unwrap();
    std::fs::write(dir.path().join("locales/en/main.ftl"), "hello = Hello\n").unwrap();
    std::fs::write(dir.path().join("locales/ru/main.ftl"), ru).unwrap();
    let settings = Settings::parse("title: T\nbase_url: https://e.com\nlanguages: [en, ru]\nmarkets:\n  us: {landing: 'https://e.com/us', language: en, currency: USD}\n").unwrap();
    Locales::load(dir.path(), &settings)
}

#[test]
fn reference_cycles_are_found_through_messages_terms_and_attributes() {
    for (ftl, cycle, line) in [
        ("a = { a }\n", "a → a", 1),
        (
            "ok = fine\na = x { b }\nb = { c }\nc = { a }\n",
            "a → b → c → a",
            2,
        ),
        ("-t = { m }\nm = { -t }\n", "-t → m → -t", 1),
        ("m = x\n    .title = { n }\nn = { m }\n", "m → n → m", 1),
        ("f = { NUMBER(g) }\ng = { f }\n", "f → g → f", 1),
    ] {
        let text = load_ru(ftl).unwrap_err().to_string();
        assert!(text.contains(cycle), "{ftl:?}: {text}");
        assert!(
            text.contains(&format!("main.ftl:{line}:1")),
            "{ftl:?}: {text}"
        );
    }
    assert!(load_ru("a = { b }\nb = { c }\nc = end\n").is_ok());
}

#[test]
fn deeply_nested_placeables_are_refused_before_parsing() {
    let deep = "hello = { \"x\" }\n".to_owned();
    assert!(load_ru(&deep).is_ok(), "a string literal is fine");
    let braces_in_string = "hello = { \"{{{{{{{{{{{{{{{{{{{{{{{{\" }\n";
    assert!(load_ru(braces_in_string).is_ok());
    let hostile = format!(
        "# {}\nhello = {} 1 {}\n",
        "{".repeat(40),
        "{ ".repeat(100_000),
        " }".repeat(100_000)
    );
    let text = load_ru(&hostile).unwrap_err().to_string();
    assert!(
        text.contains("nest more than 16 deep") && text.contains("main.ftl:2:1"),
        "{text}"
    );
}

fn locales(ru: &str) -> Locales {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("locales/en")).unwrap();
    std::fs::create_dir_all(dir.path().join("locales/ru")).unwrap();
    std::fs::write(
        dir.path().join("locales/en/main.ftl"),
        "hello = Hello, { $name }!\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("locales/ru/main.ftl"), ru).unwrap();
    let settings = Settings::parse("title: T\nbase_url: https://e.com\nlanguages: [en, ru]\nmarkets:\n  us: {landing: 'https://e.com/us', language: en, currency: USD}\n").unwrap();
    Locales::load(dir.path(), &settings).unwrap()
}

#[test]
fn russian_plurals_pick_one_few_many_other() {
    let l = locales("stories = { $count ->\n    [one] { $count } история\n    [few] { $count } истории\n    [many] { $count } историй\n   *[other] { $count } истории\n}\n");
    let f = |n: f64| {
        l.format("ru", "stories", &[("count", Arg::Number(n))])
            .unwrap()
    };
    assert_eq!(f(1.0), "1 история");
    assert_eq!(f(2.0), "2 истории");
    assert_eq!(f(5.0), "5 историй");
    assert_eq!(f(11.0), "11 историй");
    assert_eq!(f(21.0), "21 история");
    assert_eq!(f(1.5), "1,5 истории");
}

#[test]
fn numbers_in_messages_group_digits_and_still_select_plurals() {
    let l = locales(concat!(
        "stories = { $count ->\n    [one] { $count } история\n    [few] { $count } истории\n",
        "    [many] { $count } историй\n   *[other] { $count } истории\n}\n",
        "partners = { NUMBER($count) } партнёров\n",
        "fixed = { NUMBER($n, minimumFractionDigits: 2) }\n",
        "reward = { MONEY($amount, $currency) } за клиента\n",
        "reward-rub = { MONEY($amount, currency: \"RUB\") }\n",
        "since = С { DATE($date) }\n",
        "bad-date = { DATE($date) }\n",
    ));
    let f = |key: &str, args: &[(&str, Arg)]| l.format("ru", key, args).unwrap();
    let n = |v: f64| Arg::Number(v);
    let t = |v: &str| Arg::Text(v.to_owned());
    assert_eq!(
        f("stories", &[("count", n(12_345.0))]),
        "12\u{a0}345 историй"
    );
    assert_eq!(f("stories", &[("count", n(1_001.0))]), "1\u{a0}001 история");
    assert_eq!(
        f("partners", &[("count", n(1_250.0))]),
        "1\u{a0}250 партнёров"
    );
    assert_eq!(f("fixed", &[("n", n(1_234.5))]), "1\u{a0}234,50");
    assert_eq!(
        f("reward", &[("amount", n(12_000.0)), ("currency", t("RUB"))]),
        "12\u{a0}000\u{a0}₽ за\u{a0}клиента"
    );
    assert_eq!(
        f("reward-rub", &[("amount", n(1_234.5))]),
        "1\u{a0}234,50\u{a0}₽"
    );
    assert_eq!(
        f("since", &[("date", t("2026-11-24"))]),
        "С\u{a0}24 ноября 2026\u{202f}г."
    );
    assert_eq!(
        l.format("en", "hello", &[("name", n(1_234_567.0))])
            .unwrap(),
        "Hello, 1,234,567!"
    );
    assert!(l
        .format("ru", "bad-date", &[("date", t("soon"))])
        .unwrap()
        .contains("DATE"));
}

#[test]
fn number_selectors_count_as_plural_selects() {
    let l = locales("a = { NUMBER($n) ->\n    [1] один\n   *[other] много\n}\nb = { $kind ->\n    [x] икс\n   *[y] игрек\n}\n");
    let defs = l.definitions("ru").unwrap();
    assert_eq!(defs["a"].plural_selects, [["1", "other"]]);
    assert!(defs["b"].plural_selects.is_empty());
}

#[test]
fn no_isolation_marks_around_arguments() {
    let l = locales("hello = Привет, { $name }!\n");
    let text = l
        .format("en", "hello", &[("name", Arg::Text("Ann".into()))])
        .unwrap();
    assert_eq!(text, "Hello, Ann!");
}

#[test]
fn missing_message_names_the_folder() {
    let l = locales("hello = Привет!\n");
    let err = l.format("ru", "bye", &[]).unwrap_err();
    assert!(
        err.contains("`bye`") && err.contains("locales/ru/"),
        "{err}"
    );
}
