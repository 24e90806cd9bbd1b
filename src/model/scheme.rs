//! The referral scheme: how a tracked link is spelled.
//!
//! `site.yaml` gives a template such as `{landing}?ref={code}&utm_medium={channel}…`;
//! it is parsed and checked once, and [`ReferralScheme::link`] fills it for one
//! partner, channel and asset, percent-encoding every value. Building and logging the
//! links of a build is [`crate::render::links`]'s job.

/// The scheme used when `site.yaml` names none (the contract in DESIGN.md).
pub(crate) const DEFAULT_SCHEME: &str = "{landing}?ref={code}&utm_source=partner&utm_medium={channel}&utm_campaign={campaign}&utm_content={asset}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Var {
    Landing,
    Code,
    Channel,
    Campaign,
    Asset,
    Market,
    Lang,
    Partner,
}

impl Var {
    fn from_name(name: &str) -> Option<Var> {
        Some(match name {
            "landing" => Var::Landing,
            "code" => Var::Code,
            "channel" => Var::Channel,
            "campaign" => Var::Campaign,
            "asset" => Var::Asset,
            "market" => Var::Market,
            "lang" => Var::Lang,
            "partner" => Var::Partner,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Var(Var),
}

/// A parsed referral link template such as [`DEFAULT_SCHEME`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralScheme {
    segments: Vec<Segment>,
    campaign: String,
}

/// Everything a link is built from.
#[derive(Debug, Clone, Copy)]
pub struct LinkParts<'a> {
    /// The market's landing URL.
    pub landing: &'a str,
    /// The partner's referral code.
    pub code: &'a str,
    /// The partner's id.
    pub partner: &'a str,
    /// The partner's market id.
    pub market: &'a str,
    /// The language of the page or kit the link sits in.
    pub lang: &'a str,
    /// `utm_medium`: a channel id, `microsite` or `qr`.
    pub channel: &'a str,
    /// `utm_content`: which page, button or file the link came from.
    pub asset: &'a str,
}

impl ReferralScheme {
    /// Parses a template. Placeholders are `{landing}`, `{code}`, `{channel}`,
    /// `{campaign}`, `{asset}`, `{market}`, `{lang}` and `{partner}`; `{code}` is required.
    pub fn parse(template: &str, campaign: &str) -> Result<ReferralScheme, String> {
        let mut segments = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| {
                format!("referral URL `{template}` has a `{{` that is never closed")
            })?;
            let name = &after[..close];
            let var = Var::from_name(name).ok_or_else(|| {
                format!("referral URL uses `{{{name}}}`, which refkit does not know (known: landing, code, channel, campaign, asset, market, lang, partner)")
            })?;
            segments.push(Segment::Var(var));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_owned()));
        }
        if !segments.contains(&Segment::Var(Var::Code)) {
            return Err(
                "referral URL must contain `{code}`, or links cannot be attributed to partners"
                    .to_owned(),
            );
        }
        if !matches!(segments.first(), Some(Segment::Var(Var::Landing)))
            && check_absolute_url(template).is_err()
        {
            return Err(
                "referral URL must start with `{landing}` or an absolute https:// address"
                    .to_owned(),
            );
        }
        if template
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '<' | '>'))
        {
            return Err(
                "referral URL must not contain spaces, quotes or angle brackets".to_owned(),
            );
        }
        Ok(ReferralScheme {
            segments,
            campaign: campaign.to_owned(),
        })
    }

    /// The campaign name (`utm_campaign`).
    pub fn campaign(&self) -> &str {
        &self.campaign
    }

    /// Builds one link. Every value but the landing URL is percent-encoded.
    pub fn link(&self, parts: &LinkParts<'_>) -> String {
        let mut url = String::with_capacity(160);
        for segment in &self.segments {
            match segment {
                Segment::Text(text) => url.push_str(text),
                Segment::Var(Var::Landing) => url.push_str(parts.landing),
                Segment::Var(var) => {
                    let value = match var {
                        Var::Code => parts.code,
                        Var::Channel => parts.channel,
                        Var::Campaign => &self.campaign,
                        Var::Asset => parts.asset,
                        Var::Market => parts.market,
                        Var::Lang => parts.lang,
                        Var::Partner => parts.partner,
                        Var::Landing => unreachable!("handled above"),
                    };
                    percent_encode_into(value, &mut url);
                }
            }
        }
        url
    }
}

/// Appends `value` to `out`, encoding everything but RFC 3986 unreserved characters.
pub(crate) fn percent_encode_into(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// Checks that `url` is an absolute http(s) URL without spaces or quotes.
pub(crate) fn check_absolute_url(url: &str) -> std::result::Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("`{url}` must start with https:// or http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return Err(format!("`{url}` has no host"));
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`'))
    {
        return Err(format!(
            "`{url}` contains spaces, quotes or control characters"
        ));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The parts of a link of one partner, for tests of the scheme and of the log.
    pub(crate) fn parts<'a>(asset: &'a str) -> LinkParts<'a> {
        LinkParts {
            landing: "https://example.com/us",
            code: "HARBOR26",
            partner: "harbor",
            market: "us",
            lang: "en",
            channel: "microsite",
            asset,
        }
    }

    #[test]
    fn default_scheme_builds_the_documented_link() {
        let scheme = ReferralScheme::parse(DEFAULT_SCHEME, "spring").unwrap();
        assert_eq!(
            scheme.link(&parts("landing-hero")),
            "https://example.com/us?ref=HARBOR26&utm_source=partner&utm_medium=microsite&utm_campaign=spring&utm_content=landing-hero"
        );
    }

    #[test]
    fn values_are_percent_encoded() {
        let scheme = ReferralScheme::parse("{landing}?r={code}&a={asset}", "c").unwrap();
        assert_eq!(
            scheme.link(&parts("a&b=c d")),
            "https://example.com/us?r=HARBOR26&a=a%26b%3Dc%20d"
        );
    }

    #[test]
    fn scheme_without_code_or_with_unknown_placeholder_is_refused() {
        assert!(ReferralScheme::parse("{landing}?utm_source=x", "c")
            .unwrap_err()
            .contains("{code}"));
        assert!(
            ReferralScheme::parse("{landing}?ref={code}&x={colour}", "c")
                .unwrap_err()
                .contains("{colour}")
        );
        assert!(ReferralScheme::parse("javascript:{code}", "c").is_err());
    }
}
