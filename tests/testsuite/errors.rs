//! Bad input fails the build with a message naming the file and line, a non-zero
//! exit, no panic, and the previous output left exactly as it was.

use crate::common::{self, assert_refused, failing_build, Fixture};

/// Builds once successfully, breaks the project with `breakage`, and checks that the
/// build fails with exit code 1 naming every one of `expected`, with the previous
/// output unchanged.
fn assert_fails(breakage: impl FnOnce(&Fixture), expected: &[&str]) -> String {
    assert_refused(breakage, &[], 1, expected)
}

#[test]
fn broken_front_matter_names_file_and_line() {
    let stderr = assert_fails(
        |f| {
            f.write(
                "content/stories/first.ru.md",
                "---\ntitle: Первая\nsummary: [unclosed\ndate: 2026-05-01\n---\nТекст\n",
            )
        },
        &["content/stories/first.ru.md:3:"],
    );
    assert!(stderr.contains("3 | summary: [unclosed"), "{stderr}");
}

#[test]
fn unknown_front_matter_key_is_counted_from_the_top_of_the_file() {
    assert_fails(
        |f| {
            f.write(
                "content/stories/first.en.md",
                "---\ntitle: First\nsummary: S\ndate: 2026-05-01\nauthor: Ann\n---\nBody\n",
            )
        },
        &["content/stories/first.en.md:5:1", "author", "help:"],
    );
}

#[test]
fn an_empty_title_names_the_key_its_line_and_what_to_write() {
    // `title:` with nothing after it reads as null; the message used to be only
    // "null is not allowed here".
    let stderr = assert_fails(
        |f| {
            f.write(
                "content/stories/first.en.md",
                "---\ntitle:\nsummary: S\ndate: 2026-05-01\n---\nBody\n",
            )
        },
        &[
            "content/stories/first.en.md:2:1",
            "`title` is empty, but it needs a value",
            "write the value after `title:` on the same line, e.g. `title: \"",
        ],
    );
    assert!(stderr.contains("2 | title:"), "{stderr}");
}

#[test]
fn an_empty_partner_name_in_the_registry_is_named_with_its_line() {
    assert_fails(
        |f| {
            f.write(
                "content/partners.yaml",
                &common::PARTNERS.replace("name: Бета", "name:"),
            )
        },
        &[
            "content/partners.yaml:10:",
            "`name` is empty, but it needs a value",
            "e.g. `name: \"Harbor Accounting\"`",
        ],
    );
}

#[test]
fn missing_front_matter_is_an_error() {
    assert_fails(
        |f| f.write("content/stories/first.en.md", "# Just markdown\n"),
        &[
            "content/stories/first.en.md:1:1",
            "does not start with a `---` line",
        ],
    );
}

#[test]
fn story_missing_its_russian_pair_names_the_missing_file() {
    assert_fails(
        |f| f.remove("content/stories/first.ru.md"),
        &[
            "content/stories/first.en.md:1:1",
            "content/stories/first.ru.md is missing",
        ],
    );
}

#[test]
fn unknown_template_variable_names_template_line_and_page() {
    assert_fails(
        |f| {
            f.write(
                "content/pages/about.en.md",
                "---\ntitle: About\n---\nText\n",
            );
            f.write(
                "content/pages/about.ru.md",
                "---\ntitle: О программе\n---\nТекст\n",
            );
            f.write("templates/page.html", "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title }}\n{{ colour }}\n{% endblock main %}\n");
        },
        &[
            "templates/page.html:4:",
            "`colour` is not defined",
            "while rendering content/pages/about.en.md",
        ],
    );
}

#[test]
fn missing_fluent_message_names_template_and_language() {
    assert_fails(
        |f| {
            f.write(
                "locales/ru/main.ftl",
                &common::RU_FTL.replace("join = Присоединиться\n", ""),
            )
        },
        &[
            "themes/harbor/templates/",
            "Fluent message `join` is missing in locales/ru/",
        ],
    );
}

#[test]
fn partner_with_unknown_market_names_registry_line() {
    assert_fails(
        |f| {
            f.write(
                "content/partners.yaml",
                &common::PARTNERS.replace("market: ru", "market: eu"),
            )
        },
        &[
            "content/partners.yaml:11:13",
            "unknown market `eu`",
            "use one of the markets in site.yaml: ru, us",
        ],
    );
}

#[test]
fn duplicate_partner_id_and_code_are_both_reported() {
    let text = common::PARTNERS
        .replace("id: beta", "id: alpha")
        .replace("code: BETA26", "code: ALPHA26");
    assert_fails(
        |f| f.write("content/partners.yaml", &text),
        &[
            "content/partners.yaml:9:9",
            "partner id `alpha` is already used on line 2",
            "content/partners.yaml:12:11",
            "referral code `ALPHA26` is already used by partner `alpha` on line 5",
        ],
    );
}

#[test]
fn unknown_key_in_site_yaml_is_an_error_with_its_line() {
    assert_fails(
        |f| {
            f.write(
                "site.yaml",
                &common::SITE.replace("languages:", "colour: blue\nlanguages:"),
            )
        },
        &["site.yaml:3:1", "colour"],
    );
}

#[test]
fn template_syntax_error_names_the_template_file() {
    assert_fails(
        |f| {
            f.write(
                "templates/home.html",
                "{% extends \"base.html\" %}\n{% block main %}\n{% if %}\n{% endblock main %}\n",
            )
        },
        &["templates/home.html:3:"],
    );
}

#[test]
fn referral_link_on_a_brand_page_is_an_error() {
    assert_fails(
        |f| {
            f.write("templates/home.html", "{% extends \"base.html\" %}{% block main %}{{ referral_link(asset=\"x\") }}{% endblock main %}")
        },
        &["templates/home.html:1:", "only available on partner pages"],
    );
}

#[test]
fn fluent_syntax_error_names_its_line() {
    assert_fails(
        |f| {
            f.write(
                "locales/en/main.ftl",
                &format!("{}broken = {{ $count ->\n", common::EN_FTL),
            )
        },
        &["locales/en/main.ftl:", "Fluent syntax error"],
    );
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let f = Fixture::minimal();
    f.build().unwrap();
    std::fs::write(
        f.root().join("content/stories/first.en.md"),
        b"---\ntitle: \xff\n---\n",
    )
    .unwrap();
    let (code, stderr) = failing_build(&f);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("content/stories/first.en.md:2:8"),
        "{stderr}"
    );
    assert!(stderr.contains("offset 11"), "{stderr}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let stderr = assert_fails(
        |f| {
            f.remove("content/stories/first.ru.md");
            f.write(
                "content/partners.yaml",
                &common::PARTNERS.replace("market: ru", "market: eu"),
            );
            f.write("content/pages/bad.en.md", "no front matter\n");
        },
        &[
            "first.ru.md is missing",
            "unknown market `eu`",
            "content/pages/bad.en.md",
        ],
    );
    assert!(
        stderr.contains("errors in the project; nothing was written"),
        "{stderr}"
    );
}

#[test]
fn output_folder_not_made_by_refkit_is_refused_with_exit_code_2() {
    let f = Fixture::minimal();
    f.write("public/keep.txt", "mine");
    let (code, stderr) = failing_build(&f);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not created by refkit"), "{stderr}");
    assert_eq!(f.read("public/keep.txt"), "mine");
}

#[test]
fn a_story_naming_a_partners_referral_code_is_refused() {
    assert_fails(
        |f| {
            f.write(
                "content/stories/first.en.md",
                "---\ntitle: First\nsummary: S\ndate: 2026-05-01\n---\nUse code ALPHA26 today.\n",
            )
        },
        &[
            "content/stories/first.en.md:6:10",
            "referral code `ALPHA26` of partner `alpha`",
        ],
    );
}
