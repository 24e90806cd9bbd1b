//! Splitting a Markdown file into its YAML front matter and its body.
//!
//! Line numbers are kept so errors in either part are reported from the top of the
//! file, never from the top of the snippet.

/// A file split at its front matter fences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// 1-based line of the file where `yaml` starts.
    pub yaml_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// 1-based line of the file where `body` starts.
    pub body_line: usize,
}

/// Why a file could not be split: the line to point at and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SplitError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: &'static str,
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits `text`, which must start with a `---` line and have a closing `---` line.
pub(crate) fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end]) {
        return Err(SplitError {
            line: 1,
            message: "the file does not start with a `---` line opening its front matter",
        });
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if is_fence(&text[offset..end]) {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset = end + 1;
        line += 1;
    }
    Err(SplitError {
        line: 1,
        message: "the front matter opened on line 1 is never closed with a `---` line",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_keeps_line_numbers() {
        let s = split("---\ntitle: a\ndate: b\n---\n# Body\n").unwrap();
        assert_eq!(s.yaml, "title: a\ndate: b\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn handles_crlf_and_empty_body() {
        let s = split("---\r\ntitle: a\r\n---\r\n").unwrap();
        assert_eq!(s.yaml, "title: a\r\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn missing_fences_are_errors() {
        assert_eq!(split("title: a\n").unwrap_err().line, 1);
        assert!(split("---\ntitle: a\n")
            .unwrap_err()
            .message
            .contains("never closed"));
        assert!(split("").is_err());
    }
}
