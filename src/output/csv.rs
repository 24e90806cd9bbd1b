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

fn csv_cell(cell: &str) -> String {
    let guarded = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
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
}
