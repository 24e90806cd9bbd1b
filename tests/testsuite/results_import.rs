//! Result files (issue 18): the tracking side's exports listed under `results:` in
//! `site.yaml`, read by `refkit check` in refkit's format, the platforms' documented
//! exports and Excel's Russian CSV; every problem named by file, line and column, all
//! in one run; and a changed export rebuilds while an unchanged one does not.

use crate::common::{self, Fixture};

/// The fixture's site.yaml with `entries` under `results:`.
fn with_results(f: &Fixture, entries: &str) {
    f.write("site.yaml", &format!("{}results:\n{entries}", common::SITE));
}

/// `refkit check`'s exit code and everything it printed.
fn check(f: &Fixture) -> (Option<i32>, String) {
    let out = f.run(&["check"]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("panicked"), "{all}");
    // The report's own count is the last word: no "0 errors" line after it.
    assert!(!all.contains("0 errors in the project"), "{all}");
    (out.status.code(), all)
}

const REFKIT_HEADER: &str = "date,code,channel,asset,event,customer,amount,currency";

#[test]
fn every_format_refkit_reads_passes_the_check() {
    // One export of each kind: refkit's own CSV, FirstPromoter's referrals, a GA4
    // exploration (comment lines before the table) and a CRM's Russian CSV.
    let f = Fixture::minimal();
    f.add("results-exports");
    with_results(
        &f,
        "  - { file: results/events.csv, format: refkit }\n  - { file: results/firstpromoter.csv, format: firstpromoter-referrals }\n  - { file: results/ga4.csv, format: ga4 }\n  - file: results/crm.csv\n    format: mapped\n    currency: RUB\n    columns: { date: Дата, code: Партнёр, event: Событие, amount: Сумма }\n    events: { Оплата: payment }\n",
    );
    let (code, all) = check(&f);
    assert_eq!(code, Some(0), "{all}");
    assert!(!all.contains("results/"), "{all}");
}

#[test]
fn excel_russian_csv_with_bom_semicolons_crlf_and_decimal_commas_passes() {
    let f = Fixture::minimal();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(
        "date;code;channel;asset;event;customer;amount;currency\r\n\
         01.06.2026;anna10;telegram;\"пост; \"\"длинный\"\"\";payment;cus_1;1\u{a0}234,50;RUB\r\n\
         02.06.2026;anna10;telegram;\"две\r\nстроки\";refund;cus_1;\u{2212}1\u{202f}234,50;RUB\r\n"
            .as_bytes(),
    );
    f.write_bytes("results/excel.csv", &bytes);
    with_results(&f, "  - { file: results/excel.csv, format: refkit }\n");
    let (code, all) = check(&f);
    assert_eq!(code, Some(0), "{all}");
}

#[test]
fn every_bad_input_is_named_by_file_line_and_column_in_one_run() {
    let f = Fixture::minimal();
    f.write(
        "results/bad.csv",
        &format!(
            "{REFKIT_HEADER},count\n\
             June 1,A,x,y,click,,,,1\n\
             2026-06-01,A,x,y,bought,,,,1\n\
             2026-06-01,A,x,y,click,,,,-5\n\
             2026-06-01,A,x,y,payment,c,12.3.4,USD,1\n\
             2026-06-01,A,x\n\
             2026-06-01,A,x,y,payment,c,\"5,USD,1\n"
        ),
    );
    let mut latin1 = format!("{REFKIT_HEADER}\n").into_bytes();
    latin1.extend(b"2026-06-01,A,x,caf\xE9,click,,,\n");
    f.write_bytes("results/latin1.csv", &latin1);
    f.write("results/mapped.csv", "Дата;Код\n01.06.2026;A\n");
    with_results(
        &f,
        "  - { file: results/bad.csv, format: refkit }\n  - { file: results/latin1.csv, format: refkit }\n  - file: results/mapped.csv\n    format: mapped\n    columns: { date: Дата, code: Код, event: Событие }\n  - { file: results/gone.csv, format: refkit }\n",
    );
    let (code, all) = check(&f);
    assert_eq!(code, Some(1), "{all}");
    for (at, what) in [
        ("results/bad.csv:2:1", "`June 1` is not a date"),
        ("results/bad.csv:3:18", "`bought` is not an event"),
        ("results/bad.csv:4:27", "cannot be negative"),
        ("results/bad.csv:5:28", "the amount `12.3.4` cannot be read"),
        (
            "results/bad.csv:6:14",
            "the row has 3 cells, the header has 9",
        ),
        (
            "results/bad.csv:7:28",
            "a quote opened here is never closed",
        ),
        ("results/latin1.csv:2:19", "not UTF-8 text (invalid byte 19"),
        ("results/mapped.csv:1:1", "no column `Событие`"),
        ("site.yaml:21", "`results/gone.csv` does not exist"),
    ] {
        assert!(all.contains(&format!("--> {at}\n")), "{at} missing:\n{all}");
        assert!(all.contains(what), "{what} missing:\n{all}");
    }
    assert!(all.contains("help:"), "{all}");
}

#[test]
fn a_results_entry_outside_the_results_folder_is_refused_with_its_line() {
    let f = Fixture::minimal();
    with_results(
        &f,
        "  - { file: ../secrets.csv, format: refkit }\n  - { file: results/a.csv, format: rewardfull }\n  - { file: results/b.csv, format: mapped }\n",
    );
    let (code, all) = check(&f);
    assert_eq!(code, Some(1), "{all}");
    assert!(all.contains("--> site.yaml:16:13"), "{all}");
    assert!(all.contains("is not a file under results/"), "{all}");
    assert!(
        all.contains("`rewardfull` is not a results format"),
        "{all}"
    );
    assert!(all.contains("`format: mapped` needs `columns:`"), "{all}");
}

#[test]
fn a_changed_result_file_rebuilds_and_an_unchanged_one_does_not() {
    let f = Fixture::minimal();
    f.write(
        "results/events.csv",
        &format!("{REFKIT_HEADER}\n2026-06-01,ANNA10,telegram,x,click,,,\n"),
    );
    with_results(&f, "  - { file: results/events.csv, format: refkit }\n");
    f.write(
        "themes/harbor/templates/results.html",
        r#"{% extends "base.html" %}{% block main %}{{ results.clicks }}{% endblock main %}"#,
    );
    f.build().unwrap();
    let unchanged = |s: &refkit::BuildSummary| s.stages.iter().any(|s| s.0 == "unchanged");
    assert!(unchanged(&f.build().unwrap()));
    f.write(
        "results/events.csv",
        &format!("{REFKIT_HEADER}\n2026-06-02,ANNA10,telegram,x,click,,,\n"),
    );
    assert!(!unchanged(&f.build().unwrap()));
    assert!(unchanged(&f.build().unwrap()));
}
