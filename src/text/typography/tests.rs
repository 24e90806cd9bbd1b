//! The typography rules, language by language, and the fast path against the
//! character-by-character definition.

use super::*;

/// (input, expected) pairs; `~` stands for a no-break space in the expectations.
fn table(lang: &str, cases: &[(&str, &str)]) {
    for (input, expected) in cases {
        let expected = expected.replace('~', "\u{a0}");
        let once = typeset(input, lang);
        assert_eq!(once, expected, "{lang}: {input:?}");
        assert_eq!(
            typeset(&once, lang),
            once,
            "{lang}: not idempotent on {input:?}"
        );
    }
}

#[test]
fn english_quotes_and_apostrophes_curl() {
    table(
        "en",
        &[
            (r#"She said "hello.""#, "She said “hello.”"),
            (r#""Fast payouts," he said."#, "“Fast payouts,” he said."),
            (
                "don't, it's, partners' links",
                "don’t, it’s, partners’ links",
            ),
            ("a 'quoted' word", "a ‘quoted’ word"),
            (r#""'Nested' quotes""#, "“‘Nested’ quotes”"),
            ("back in the '90s", "back in the ’90s"),
            (r#"("in brackets")"#, "(“in brackets”)"),
        ],
    );
}

#[test]
fn russian_quotes_nest_lapki_inside_yolochki() {
    table(
        "ru",
        &[
            (r#"Он сказал "привет""#, "Он сказал «привет»"),
            (
                r#""Компания "Северный учёт" растёт""#,
                "«Компания „Северный учёт“ растёт»",
            ),
            (r#"«Уже "частично" набрано»"#, "«Уже~„частично“~набрано»"),
            ("Д'Артаньян", "Д’Артаньян"),
            (r#"("в скобках")"#, "(«в~скобках»)"),
        ],
    );
}

#[test]
fn spaced_hyphens_become_dashes() {
    table(
        "en",
        &[
            ("fast - and fair", "fast~— and fair"),
            ("fast -- and fair", "fast~— and fair"),
            ("fast — and fair", "fast~— and fair"),
            ("pages 10 - 20", "pages 10–20"),
            ("a well-known e-mail", "a well-known e-mail"),
            ("on 2026-04-14", "on 2026-04-14"),
            ("from -5 to 5", "from -5 to 5"),
            ("- a leading hyphen", "- a leading hyphen"),
        ],
    );
    table(
        "ru",
        &[
            ("Выплата - через 14 дней", "Выплата~— через 14 дней"),
            ("Выплата — через 14 дней", "Выплата~— через 14 дней"),
            ("Выплата – через 14 дней", "Выплата~— через 14 дней"),
            ("с 10 - 20 числа", "с~10–20 числа"),
            ("кто-то", "кто-то"),
        ],
    );
}

#[test]
fn russian_one_letter_words_keep_their_next_word() {
    table(
        "ru",
        &[
            (
                "Мы работаем в Москве и в Казани",
                "Мы работаем в~Москве и~в~Казани",
            ),
            ("В 2026 году", "В~2026 году"),
            ("А вы? Я тоже. О нас", "А~вы? Я~тоже. О~нас"),
            ("к нам, с вами, у них", "к~нам, с~вами, у~них"),
            ("сервис в приложении", "сервис в~приложении"),
            ("пункт б и пункт ж", "пункт б и~пункт ж"),
        ],
    );
    table("en", &[("a cat and I went", "a cat and I went")]);
}

#[test]
fn russian_two_letter_words_keep_their_next_word() {
    table(
        "ru",
        &[
            (
                "Клиент закрепляется за вами на годы",
                "Клиент закрепляется за~вами на~годы",
            ),
            ("Партнёрство на годы", "Партнёрство на~годы"),
            (
                "Рекомендуйте тех, за кого ручаетесь",
                "Рекомендуйте тех, за~кого ручаетесь",
            ),
            (
                "по ссылке от партнёра до оплаты из рук",
                "по~ссылке от~партнёра до~оплаты из~рук",
            ),
            (
                "не раньше, ни разу, но позже",
                "не~раньше, ни~разу, но~позже",
            ),
            (
                "Ко мне, со всеми, во вторник, об этом",
                "Ко~мне, со~всеми, во~вторник, об~этом",
            ),
            // Not a word of its own: the two letters end a longer word.
            ("окно атрибуции", "окно атрибуции"),
            ("мы, вы, он", "мы, вы, он"),
        ],
    );
    table("en", &[("go on to it", "go on to it")]);
}

#[test]
fn russian_particles_keep_their_word_before() {
    table(
        "ru",
        &[
            ("Подходит ли вам", "Подходит~ли вам"),
            ("Так же быстро", "Так~же быстро"),
            ("Вы бы знали", "Вы~бы знали"),
            ("Сделал бы, если", "Сделал~бы, если"),
            // A word that only starts with the particle's letters.
            ("Дом либо офис, жена бывает", "Дом либо офис, жена бывает"),
        ],
    );
}

#[test]
fn russian_dash_never_starts_a_line() {
    table(
        "ru",
        &[
            ("Ссылки - ваши", "Ссылки~— ваши"),
            ("Ссылки — ваши", "Ссылки~— ваши"),
        ],
    );
}

#[test]
fn short_quoted_names_stay_on_one_line() {
    table(
        "ru",
        &[
            (
                "Рекомендует бюро «Северный учёт» из Казани",
                "Рекомендует бюро «Северный~учёт» из~Казани",
            ),
            (
                r#"Бюро "Северный учёт" рядом"#,
                "Бюро «Северный~учёт» рядом",
            ),
            (
                "Telegram-канал «Цифры без паники 📊» ведёт",
                "Telegram-канал «Цифры~без~паники~📊» ведёт",
            ),
            (
                "«Бюро „Северный учёт“» работает",
                "«Бюро~„Северный~учёт“» работает",
            ),
            // Longer than 30 characters: a quotation, free to wrap.
            (
                "Он написал «мы работаем с вами уже много лет подряд» вчера",
                "Он написал «мы работаем с~вами уже много лет подряд» вчера",
            ),
        ],
    );
}

#[test]
fn numbers_initials_and_signs_do_not_break() {
    table(
        "ru",
        &[
            ("12 000 ₽", "12~000~₽"),
            ("1 000 000 клиентов", "1~000~000 клиентов"),
            ("рост на 40 %", "рост на~40~%"),
            ("А. С. Пушкин", "А.~С.~Пушкин"),
            ("в 2026 150 партнёров", "в~2026 150 партнёров"),
            ("версия 1.5 000", "версия 1.5 000"),
        ],
    );
    table(
        "en",
        &[
            ("J. R. Smith wrote", "J.~R.~Smith wrote"),
            ("Plan B. Then", "Plan B.~Then"),
            ("150 $ or 20 %", "150~$ or 20~%"),
        ],
    );
}

#[test]
fn addresses_are_left_alone() {
    table(
        "en",
        &[
            (
                "see https://x.test/a--b?q=\"1\" - now",
                "see https://x.test/a--b?q=\"1\"~— now",
            ),
            ("www.example.com/don't", "www.example.com/don't"),
        ],
    );
}

/// The plain-run fast path writes what the character-by-character rules write,
/// and leaves the same state behind, on text made of the characters the rules
/// care about, fed in pieces with code and line breaks between them.
#[test]
fn plain_runs_match_the_rules_character_by_character() {
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "я",
        "Ё",
        "ж",
        "é",
        "ß",
        "中",
        "7",
        "0",
        " ",
        " ",
        "\u{a0}",
        "\t",
        "\"",
        "'",
        "-",
        "–",
        "—",
        ".",
        ",",
        "(",
        ")",
        "/",
        "[",
        "«",
        "»",
        "„",
        "“",
        "‘",
        "₽",
        "%",
        "https://x.test/a",
        "www.",
        "mailto:",
        "word",
        "слово",
        "в",
        "и",
        "на",
        "не",
        "ли",
        "же",
        "бы",
        "За",
        "J.",
        "150",
        "\u{2009}",
        "\u{301}",
        "_",
        "!",
        "?",
        ":",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for case in 0..20_000 {
        let style = if case % 2 == 0 {
            Style::English
        } else {
            Style::Russian
        };
        let mut fast = Typesetter::new(style);
        let mut slow = Typesetter::new(style);
        let (mut fast_out, mut slow_out) = (String::new(), String::new());
        let mut input = String::new();
        for _ in 0..1 + next(4) {
            let piece: String = (0..next(24)).map(|_| PIECES[next(PIECES.len())]).collect();
            input.push_str(&piece);
            let from = fast_out.len();
            let push = |t: &mut Typesetter, out: &mut String, runs: bool| {
                let unchanged = t.set(&piece, out, runs);
                if unchanged {
                    out.push_str(&piece);
                }
                unchanged
            };
            let fast_same = push(&mut fast, &mut fast_out, true);
            let slow_same = push(&mut slow, &mut slow_out, false);
            assert_eq!(fast_out, slow_out, "{style:?}: {input:?}");
            assert_eq!(fast_same, slow_same, "{style:?}: {input:?}");
            let unchanged = fast_out.as_bytes().get(from..) == Some(piece.as_bytes());
            assert_eq!(fast_same, unchanged, "{style:?}: {input:?}");
            match next(3) {
                0 => {
                    fast.opaque();
                    slow.opaque();
                }
                1 => {
                    fast.space();
                    slow.space();
                }
                _ => {}
            }
        }
        // The word's first letter and whether it stands free are read only
        // while a word is open.
        let state = |t: &Typesetter| {
            let word = (t.word_len > 0).then_some((t.word_first, t.word_free));
            let second = (t.word_len == 2).then_some(t.word_second);
            (t.prev, t.depth, t.word_len, word, second)
        };
        assert_eq!(state(&fast), state(&slow), "{style:?}: {input:?}");
    }
}

#[test]
fn other_languages_are_left_as_written() {
    assert_eq!(typeset(r#"a "b" - c"#, "de"), r#"a "b" - c"#);
}

#[test]
fn markup_keeps_tags_and_references() {
    let html = r#"Read <a href="/x" title="a - b">the "guide"</a> &amp; more - now"#;
    assert_eq!(
        typeset_markup(html, "en"),
        "Read <a href=\"/x\" title=\"a - b\">the “guide”</a> &amp; more\u{a0}— now"
    );
    assert_eq!(typeset_markup("5 < 6 and \"x\"", "en"), "5 < 6 and “x”");
}
