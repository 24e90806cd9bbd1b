//! CSV for the manifest, safe to open in a spreadsheet.

/// Writes CSV rows, neutralising cells that a spreadsheet would run as a formula.
pub(crate) fn csv(rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
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

fn csv_cell(cell: &str) -> String {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(cell);
    let guarded = if formula {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
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
