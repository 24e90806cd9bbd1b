use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;
use crate::model::results::TextEncoding;

fn entry(name: &str, format: Format) -> ResultsFile {
    ResultsFile {
        path: PathBuf::from(format!("results/{name}")),
        format,
        currency: None,
        rates: BTreeMap::new(),
        encoding: TextEncoding::Auto,
        skip_rows: Vec::new(),
        line: 7,
    }
}

/// Reads `bytes` as `results/<name>`, returning the events or the diagnostics.
fn run(
    bytes: &[u8],
    file: &ResultsFile,
) -> std::result::Result<(Stats, Vec<Event>), Vec<Diagnostic>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("results")).unwrap();
    std::fs::write(dir.path().join(&file.path), bytes).unwrap();
    let mut events = Vec::new();
    match read(dir.path(), file, &mut |e| events.push(e)) {
        Ok(stats) => Ok((stats, events)),
        Err(Error::Content(d)) => Err(d),
        Err(other) => panic!("{other}"),
    }
}

#[test]
fn refkit_format_reads_dates_amounts_and_optional_count() {
    let text = "date,code,channel,asset,event,customer,amount,currency,count\n\
        2026-06-01,anna10,telegram,story-a,click,,,,12\n\
        2026-06-02T23:30:00-05:00,ANNA10,telegram,story-a,payment,c1,149.00,usd,1\n";
    let (stats, events) = run(text.as_bytes(), &entry("a.csv", Format::Refkit)).unwrap();
    assert_eq!((stats.rows, stats.events), (2, 2));
    assert_eq!(events[0].code, "ANNA10");
    assert_eq!(events[0].count, 12);
    assert_eq!(events[0].amount, None);
    assert_eq!(events[1].day.to_string(), "2026-06-03");
    assert_eq!(
        events[1].amount,
        Some(Money {
            minor: 14_900,
            currency: "USD".to_owned()
        })
    );
    assert_eq!(events[1].origin.line, 3);
    assert_eq!(events[1].origin.code_column, 27);
}

#[test]
fn excel_russian_csv_is_read() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(
        "date;code;channel;asset;event;customer;amount;currency\r\n\
         01.06.2026;anna10;vk;\"пост; длинный\";payment;c1;1\u{a0}234,50;RUB\r\n"
            .as_bytes(),
    );
    let (_, events) = run(&bytes, &entry("ru.csv", Format::Refkit)).unwrap();
    assert_eq!(events[0].asset.as_deref(), Some("пост; длинный"));
    assert_eq!(events[0].amount.as_ref().unwrap().minor, 123_450);
}

#[test]
fn a_mapped_column_missing_from_the_header_names_it_at_line_one() {
    let map = ColumnMap {
        date: "Дата".to_owned(),
        code: "Код".to_owned(),
        event: Some("Событие".to_owned()),
        amount: Some("Сумма".to_owned()),
        ..ColumnMap::default()
    };
    let d = run(
        "Дата;Код;Событие\n".as_bytes(),
        &entry("m.csv", Format::Mapped(map)),
    )
    .unwrap_err();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].location(), "results/m.csv:1:1");
    assert!(d[0].message.contains("`Сумма`"), "{}", d[0]);
}

#[test]
fn every_bad_row_is_reported_with_its_cell() {
    let text = "date,code,channel,asset,event,customer,amount,currency,count\n\
        June 1,A,x,y,click,,,,1\n\
        2026-06-01,A,x,y,bought,,,,1\n\
        2026-06-01,A,x,y,click,,,,-5\n\
        2026-06-01,A,x,y,payment,c,12.3.4,USD,1\n\
        2026-06-01,A,x\n\
        2026-06-01,A,x,y,payment,c,\"5,USD,1\n";
    let d = run(text.as_bytes(), &entry("bad.csv", Format::Refkit)).unwrap_err();
    let at: Vec<String> = d.iter().map(Diagnostic::location).collect();
    assert_eq!(
        at,
        [
            "results/bad.csv:2:1",
            "results/bad.csv:3:18",
            "results/bad.csv:4:27",
            "results/bad.csv:5:28",
            "results/bad.csv:6:14",
            "results/bad.csv:7:28",
        ],
        "{d:#?}"
    );
    assert!(d.iter().all(|d| d.help.is_some()));
}

#[test]
fn a_missing_file_names_its_entry_in_site_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let err = read(dir.path(), &entry("gone.csv", Format::Refkit), &mut |_| {}).unwrap_err();
    let Error::Content(d) = err else {
        panic!("{err}")
    };
    assert_eq!(d[0].location(), "site.yaml:7");
    assert!(d[0].message.contains("results/gone.csv"), "{}", d[0]);
}

#[test]
fn ga4_rows_take_the_code_from_the_landing_page_query() {
    let text =
        "# ----------------------------------------\n# Referral visits\n# 20260601-20260630\n\
        Date,Session medium,Session manual ad content,Landing page + query string,Sessions\n\
        20260601,telegram,story-a,/us?ref=anna10&utm_medium=telegram,\"1,204\"\n";
    let (_, events) = run(
        text.as_bytes(),
        &entry("ga4.csv", Format::Preset("ga4".to_owned())),
    )
    .unwrap();
    assert_eq!(events[0].code, "ANNA10");
    assert_eq!(events[0].count, 1204);
    assert_eq!(events[0].kind, EventKind::Click);
    assert_eq!(events[0].origin.line, 5);
}

#[test]
fn problems_past_the_cap_are_counted_not_kept() {
    let mut text = String::from("date,code,channel,asset,event,customer,amount,currency\n");
    for _ in 0..(MAX_PROBLEMS + 50) {
        text.push_str("nope,A,x,y,click,,,\n");
    }
    let d = run(text.as_bytes(), &entry("many.csv", Format::Refkit)).unwrap_err();
    assert_eq!(d.len(), MAX_PROBLEMS + 1);
    assert!(d.iter().any(|d| d.message.contains("50 more problems")));
}

#[cfg(unix)]
#[test]
fn a_result_file_linked_from_outside_the_project_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.csv"), "date,code\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("results")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("x.csv"),
        dir.path().join("results/x.csv"),
    )
    .unwrap();
    let err = read(dir.path(), &entry("x.csv", Format::Refkit), &mut |_| {}).unwrap_err();
    assert!(
        err.to_string().contains("points outside the project"),
        "{err}"
    );
}
