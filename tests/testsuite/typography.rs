//! Typography, numbers, money and dates per language, end to end: a tiny project is
//! built and its pages and kit copy are read back.

use crate::common::{self, Fixture};

const NBSP: &str = "\u{a0}";

/// A story whose prose needs typesetting, next to code, links and images that must
/// come out exactly as written.
const STORY_EN: &str = r#"---
title: 'The "Harbor" way - fast payouts'
summary: Partners said "it's simple".
date: 2026-11-24
---
We paid "every partner" - on time.

Run `refkit build --out "public"` or read [the guide](https://docs.test/a--b?q='x' "Guide - 'quoted'").

![A "banner" - wide](/banners/wide.png)

```
let quote = "not - typeset";
```
"#;

const STORY_RU: &str = r#"---
title: 'Путь "Гавани" - быстрые выплаты'
summary: Партнёры говорят "это просто".
date: 2026-11-24
---
Мы платим "каждому партнёру "Гавани"" - в срок и в рублях: 12 000 ₽ за клиента.

Запустите `refkit build --out "public"` или прочтите [руководство](https://docs.test/a--b?q='x' "Руководство - 'цитата'").

Письмо подписал А. С. Пушкин.

```
let quote = "не - типографируется";
```
"#;

const STORY_TEMPLATE: &str = r#"{% extends "base.html" %}{% block main %}<h1 data-title="{{ page.title }}">{{ page.title }}</h1><p class="summary">{{ page.summary }}</p><p class="date">{{ page.date | date }}</p><p class="number">{{ 1234.5 | number }}</p><p class="fixed">{{ 1234.5 | number(decimals=2) }}</p><p class="money">{{ 1234.5 | money(currency="USD") }} {{ 1234.5 | money(currency="RUB") }}</p><p class="message">{{ t(key="quoted") }}</p>{{ page.content | safe }}{% endblock main %}"#;

/// The kit page shows the partner its reward (a microsite, read by its clients, has none).
const KIT_TEMPLATE: &str = r#"{% extends "base.html" %}{% block main %}<p class="reward">{{ market.reward }} {{ market.reward_amount | money }}</p>{% endblock main %}"#;

fn project() -> Fixture {
    let f = Fixture::minimal();
    f.write("content/stories/first.en.md", STORY_EN);
    f.write("content/stories/first.ru.md", STORY_RU);
    f.write("templates/story.html", STORY_TEMPLATE);
    f.write(
        "locales/en/main.ftl",
        &format!(
            "{}quoted = Partners say \"it's fair\" - and it is.\n",
            common::EN_FTL
        ),
    );
    f.write(
        "locales/ru/main.ftl",
        &format!(
            "{}quoted = Партнёры говорят: \"это честно\" - и это так.\n",
            common::RU_FTL
        ),
    );
    for lang in ["en", "ru"] {
        f.write(
            &format!("content/pitch/us/x.{lang}.md"),
            "---\n---\n\"{partner}\" says - join at {link}. Code: `\"raw\" - kept`\n",
        );
    }
    f
}

/// The text of `<main>` of a built page.
fn main_of(f: &Fixture, rel: &str) -> String {
    let html = f.read(rel);
    let start = html.find("<main>").expect("a <main>");
    let end = html.find("</main>").expect("a </main>");
    html[start..end].to_owned()
}

#[test]
fn english_pages_get_curly_quotes_dashes_and_cldr_numbers() {
    let f = project();
    f.build().unwrap();
    let main = main_of(&f, "public/en/stories/first/index.html");
    for expected in [
        format!("<h1 data-title=\"The “Harbor” way{NBSP}— fast payouts\">"),
        "<p class=\"summary\">Partners said “it’s simple”.</p>".to_owned(),
        "<p class=\"date\">November 24, 2026</p>".to_owned(),
        "<p class=\"number\">1,234.5</p>".to_owned(),
        "<p class=\"fixed\">1,234.50</p>".to_owned(),
        "<p class=\"money\">$1,234.50 ₽1,234.50</p>".to_owned(),
        format!("<p class=\"message\">Partners say “it’s fair”{NBSP}— and it is.</p>"),
        format!("<p>We paid “every partner”{NBSP}— on time.</p>"),
        // Code spans, link targets and titles are left as written.
        "<code>refkit build --out \"public\"</code>".to_owned(),
        "href=\"https://docs.test/a--b?q=&#x27;x&#x27;\" title=\"Guide - &#39;quoted&#39;\">the guide</a>"
            .to_owned(),
        format!("alt=\"A “banner”{NBSP}— wide\""),
        "let quote = \"not - typeset\";".to_owned(),
    ] {
        assert!(main.contains(&expected), "{expected}\nnot in\n{main}");
    }
}

#[test]
fn russian_pages_get_yolochki_lapki_no_break_spaces_and_cldr_numbers() {
    let f = project();
    f.build().unwrap();
    let main = main_of(&f, "public/ru/stories/first/index.html");
    for expected in [
        format!("<h1 data-title=\"Путь «Гавани»{NBSP}— быстрые выплаты\">"),
        format!("<p class=\"summary\">Партнёры говорят «это{NBSP}просто».</p>"),
        "<p class=\"date\">24 ноября 2026\u{202f}г.</p>".to_owned(),
        format!("<p class=\"number\">1{NBSP}234,5</p>"),
        format!("<p class=\"fixed\">1{NBSP}234,50</p>"),
        format!("<p class=\"money\">1{NBSP}234,50{NBSP}$ 1{NBSP}234,50{NBSP}₽</p>"),
        format!("<p class=\"message\">Партнёры говорят: «это{NBSP}честно»{NBSP}— и{NBSP}это так.</p>"),
        format!(
            "<p>Мы платим «каждому{NBSP}партнёру{NBSP}„Гавани“»{NBSP}— в{NBSP}срок и{NBSP}в{NBSP}рублях: 12{NBSP}000{NBSP}₽ за{NBSP}клиента.</p>"
        ),
        format!("<p>Письмо подписал А.{NBSP}С.{NBSP}Пушкин.</p>"),
        "<code>refkit build --out \"public\"</code>".to_owned(),
        "href=\"https://docs.test/a--b?q=&#x27;x&#x27;\" title=\"Руководство - &#39;цитата&#39;\">руководство</a>"
            .to_owned(),
        "let quote = \"не - типографируется\";".to_owned(),
    ] {
        assert!(main.contains(&expected), "{expected}\nnot in\n{main}");
    }
}

#[test]
fn rewards_read_as_each_market_expects_in_both_languages() {
    let f = project();
    f.write(
        "content/playbooks/ru.yaml",
        &common::RU_PLAYBOOK.replace("reward: 12000", "reward: 1234"),
    );
    f.write("templates/kit.html", KIT_TEMPLATE);
    f.build().unwrap();
    let cases = [
        ("alpha", "en", "$150 $150".to_owned()),
        ("alpha", "ru", format!("150{NBSP}$ 150{NBSP}$")),
        ("beta", "ru", format!("1{NBSP}234{NBSP}₽ 1{NBSP}234{NBSP}₽")),
        ("beta", "en", "₽1,234 ₽1,234".to_owned()),
    ];
    for (partner, lang, reward) in cases {
        let page = format!("{partner} {lang} kit page");
        let main = common::kit_page(&f, partner, lang);
        let expected = format!("<p class=\"reward\">{reward}</p>");
        assert!(
            main.contains(&expected),
            "{page}: {expected}\nnot in\n{main}"
        );
    }
}

#[test]
fn kit_copy_is_typeset_but_links_and_code_are_not() {
    let f = project();
    f.build().unwrap();
    let kit_pages: Vec<String> = common::snapshot(&f.root().join("public/kits"))
        .into_iter()
        .filter(|(rel, _)| rel.ends_with("index.html"))
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .filter(|html| html.contains("Alpha &amp; Sons"))
        .collect();
    let en = kit_pages
        .iter()
        .find(|h| h.contains("<html lang=\"en\">"))
        .expect("the English kit page of alpha");
    let ru = kit_pages
        .iter()
        .find(|h| h.contains("<html lang=\"ru\">"))
        .expect("the Russian kit page of alpha");
    // The copy prints the short link of its channel and asset.
    let link = "/r/alpha26/x/";
    assert!(
        en.contains(&format!("“Alpha &amp; Sons” says{NBSP}— join at ")) && en.contains(link),
        "{en}"
    );
    assert!(
        ru.contains(&format!("«Alpha &amp; Sons» says{NBSP}— join at ")) && ru.contains(link),
        "{ru}"
    );
    for page in [en, ru] {
        assert!(page.contains("Code: &quot;raw&quot; - kept"), "{page}");
    }
}

#[test]
fn check_fails_on_a_russian_count_without_few_and_many() {
    let f = Fixture::minimal();
    f.write(
        "locales/ru/main.ftl",
        &format!(
            "{}partners-count = {{ NUMBER($count) ->\n    [one] {{ $count }} партнёр\n   *[other] {{ $count }} партнёров\n}}\n",
            common::RU_FTL
        ),
    );
    f.write(
        "locales/en/main.ftl",
        &format!(
            "{}partners-count = {{ NUMBER($count) ->\n    [one] {{ $count }} partner\n   *[other] {{ $count }} partners\n}}\n",
            common::EN_FTL
        ),
    );
    let out = f.run(&["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let all = format!("{stdout}{stderr}");
    assert!(
        all.contains("partners-count")
            && all.contains("few, many")
            && all.contains("locales/ru/main.ftl"),
        "{all}"
    );
    assert!(
        !all.contains("lacks the plural forms one"),
        "English needs only one and other: {all}"
    );
}
