//! Safe identifiers.
//!
//! Partner ids, story slugs, market and channel ids and asset names become parts of
//! output paths, URLs and zip entry names, so they are limited to one safe pattern:
//! lowercase ASCII letters, digits and single hyphens, starting with a letter or digit.

/// Longest slug refkit accepts.
pub(crate) const MAX_SLUG_LEN: usize = 80;

/// True when `s` is a non-empty run of `[a-z0-9]` groups joined by single hyphens.
pub(crate) fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG_LEN
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What to tell a person whose slug was refused.
pub(crate) const SLUG_HELP: &str =
    "use lowercase ASCII letters, digits and single hyphens (Cyrillic titles need an explicit ASCII slug)";

#[cfg(test)]
mod tests {
    use super::is_slug;

    #[test]
    fn accepts_plain_slugs_and_refuses_everything_else() {
        for ok in ["us", "harbor-accounting", "story-2026", "a1"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A",
            "a_b",
            "a/b",
            "..",
            "a.b",
            "история",
            "a b",
        ] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
