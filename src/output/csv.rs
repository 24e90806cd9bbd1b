//! CSV for the manifest, safe to open in a spreadsheet: written by the `csv` crate
//! (RFC 4180 quoting, CRLF), with every cell a spreadsheet would run as a formula
//! neutralised first.

/// Writes CSV rows, neutralising cells that a spreadsheet would run as a formula.
pub(crate) fn csv(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        // Writing into memory cannot fail.
        for cell in &row {
            let _ = writer.write_field(guard(cell).as_bytes());
        }
        let _ = writer.write_record(std::iter::empty::<&[u8]>());
    }
    let bytes = writer.into_inner().unwrap_or_default();
    // Every cell was a `String`, so the bytes are UTF-8.
    String::from_utf8(bytes).unwrap_or_default()
}

/// True for a plain decimal number such as `-900` or `-0.4789`: a spreadsheet reads it
/// as the number it is, never as a formula, so it needs no guard.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// `cell` with a leading `'` when a spreadsheet would run it as a formula.
fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']) && !is_plain_number(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let text = csv([vec![
            "=HYPERLINK(\"x\")".into(),
            "a,b".into(),
            "plain".into(),
        ]]);
        assert_eq!(text, "\"'=HYPERLINK(\"\"x\"\")\",\"a,b\",plain\r\n");
    }

    #[test]
    fn negative_numbers_stay_numbers_but_a_dash_formula_is_guarded() {
        let text = csv([vec![
            "-900".into(),
            "-0.4789".into(),
            "-1+2".into(),
            "-".into(),
            "-.5".into(),
        ]]);
        assert_eq!(text, "-900,-0.4789,'-1+2,'-,'-.5\r\n");
    }
}
