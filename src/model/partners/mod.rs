//! The partner registry: `content/partners.yaml`.
//!
//! Partners are the reason refkit exists: each gets a microsite and kits in every
//! language with its own tracked links. The registry is read into [`Partner`]s and
//! checked as a whole, reporting every problem at once: ids and codes unique and safe,
//! market and channels known, no invisible or direction-changing characters in the
//! free-text fields that land in pages, CSV files and kits.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::base::diagnostics::{Diagnostic, Report, Result};
use crate::base::slug;
use crate::base::vocab::REGISTRY_FILE;
use crate::base::yaml;
use crate::model::settings::Settings;

/// Relationship stage of a partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Trying the program with a small group.
    Pilot,
    /// A regular partner.
    Active,
    /// A senior partner who is the local contact for others in its market.
    Ambassador,
}

crate::named_enum!(Stage {
    Pilot => "pilot",
    Active => "active",
    Ambassador => "ambassador",
});

/// Deal-size tier of a partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Small deals.
    Small,
    /// Medium deals.
    Medium,
    /// Large deals.
    Large,
}

crate::named_enum!(Tier {
    Small => "small",
    Medium => "medium",
    Large => "large",
});

/// A partner's local ambassador contact.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The contact person's name.
    pub name: String,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Telegram handle.
    #[serde(default)]
    pub telegram: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    #[serde(default)]
    partners: Vec<Spanned<RawPartner>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartner {
    id: Spanned<String>,
    name: Spanned<String>,
    market: Spanned<String>,
    code: Spanned<String>,
    stage: Stage,
    tier: Tier,
    channels: Vec<Spanned<String>>,
    #[serde(default)]
    audience: Option<Spanned<String>>,
    #[serde(default)]
    contact: Option<Spanned<Contact>>,
    #[serde(default)]
    start: Option<Spanned<String>>,
}

/// A checked partner entry.
#[derive(Debug, Clone, Serialize)]
pub struct Partner {
    /// Safe id used in output paths.
    pub id: String,
    /// Display name (any text; escaped wherever it lands).
    pub name: String,
    /// Market id.
    pub market: String,
    /// Referral code: 4–16 uppercase ASCII letters and digits.
    pub code: String,
    /// Relationship stage.
    pub stage: Stage,
    /// Deal-size tier.
    pub tier: Tier,
    /// Channels the partner shares through, in registry order.
    pub channels: Vec<String>,
    /// Who the partner reaches.
    pub audience: Option<String>,
    /// The partner's local ambassador contact.
    pub contact: Option<Contact>,
    /// The day the partner's cadence starts (`start` in the registry).
    #[serde(skip)]
    pub start: Option<crate::base::dates::Date>,
}

/// True when `code` is a referral code refkit accepts.
pub(crate) fn is_code(code: &str) -> bool {
    (4..=16).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A plain e-mail address: one `@`, a dotted domain, nothing that could break out of
/// a `mailto:` link.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && text.chars().all(|c| {
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    '"' | '\''
                        | '<'
                        | '>'
                        | '('
                        | ')'
                        | ','
                        | ';'
                        | ':'
                        | '\\'
                        | '['
                        | ']'
                        | '?'
                        | '&'
                        | '/'
                )
        })
        && !domain.contains('@')
}

/// A Telegram username, with or without its leading `@`.
fn is_telegram(text: &str) -> bool {
    let name = text.strip_prefix('@').unwrap_or(text);
    (5..=32).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Characters that hide text or change its direction; refused in registry fields.
fn invisible_char(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        matches!(c,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}' | '\u{00AD}')
            || (c.is_control() && c != '\n' && c != '\t')
    })
}

/// Checks the text of a registry.
pub(crate) fn parse(text: &str, settings: &Settings) -> Result<Vec<Partner>> {
    let file = Path::new(REGISTRY_FILE);
    let raw: RawRegistry = yaml::parse_file(file, text)?;
    let mut report = Report::default();
    let at = |s: &serde_saphyr::Location, message: String| {
        Diagnostic::error(file, message).at(text, s.line() as usize, s.column() as usize)
    };
    let mut ids: BTreeMap<String, u64> = BTreeMap::new();
    let mut codes: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut partners = Vec::with_capacity(raw.partners.len());

    for entry in raw.partners {
        let p = entry.value;
        let id = &p.id.value;
        if !slug::is_slug(id) {
            report.push(
                at(
                    &p.id.referenced,
                    format!("partner id `{id}` is not a safe slug"),
                )
                .help(slug::SLUG_HELP),
            );
        } else if let Some(first) = ids.get(id) {
            report.push(
                at(
                    &p.id.referenced,
                    format!("partner id `{id}` is already used on line {first}"),
                )
                .help("give every partner its own id"),
            );
        } else {
            ids.insert(id.clone(), p.id.referenced.line());
        }

        let code = &p.code.value;
        if !is_code(code) {
            report.push(
                at(
                    &p.code.referenced,
                    format!("referral code `{code}` of partner `{id}` is malformed"),
                )
                .help("use 4 to 16 uppercase ASCII letters and digits, e.g. HARBOR26"),
            );
        } else if let Some((other, line)) = codes.get(code) {
            report.push(at(&p.code.referenced, format!("referral code `{code}` is already used by partner `{other}` on line {line}"))
                .help("every partner needs its own code, or referrals cannot be attributed"));
        } else {
            codes.insert(code.clone(), (id.clone(), p.code.referenced.line()));
        }

        if settings.market(&p.market.value).is_none() {
            report.push(
                at(
                    &p.market.referenced,
                    format!("partner `{id}` has unknown market `{}`", p.market.value),
                )
                .help(format!(
                    "use one of the markets in site.yaml: {}",
                    settings.market_list()
                )),
            );
        }

        let mut channels: Vec<String> = Vec::with_capacity(p.channels.len());
        for channel in &p.channels {
            if settings.channel(&channel.value).is_none() {
                report.push(
                    at(
                        &channel.referenced,
                        format!("partner `{id}` has unknown channel `{}`", channel.value),
                    )
                    .help(format!("use one of: {}", settings.channel_list())),
                );
            } else if channels.contains(&channel.value) {
                report.push(at(
                    &channel.referenced,
                    format!("channel `{}` is listed twice", channel.value),
                ));
            } else {
                channels.push(channel.value.clone());
            }
        }

        check_texts(&p, id, &at, &mut report);

        let start = p.start.as_ref().and_then(|s| {
            let date = crate::base::dates::Date::parse(&s.value);
            if date.is_none() {
                report.push(
                    at(
                        &s.referenced,
                        format!("start `{}` of partner `{id}` is not a date", s.value),
                    )
                    .help(
                        "write the day the partner's cadence starts as YYYY-MM-DD, e.g. 2026-09-01",
                    ),
                );
            }
            date
        });
        partners.push(Partner {
            id: p.id.value,
            name: p.name.value.trim().to_owned(),
            market: p.market.value,
            code: p.code.value,
            stage: p.stage,
            tier: p.tier,
            channels,
            audience: p.audience.map(|a| a.value.trim().to_owned()),
            contact: p.contact.map(|c| c.value),
            start,
        });
    }

    report.into_result()?;
    partners.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(partners)
}

/// Reports empty texts, invisible characters and malformed contact details of
/// partner `id`.
fn check_texts(
    p: &RawPartner,
    id: &str,
    at: &dyn Fn(&serde_saphyr::Location, String) -> Diagnostic,
    report: &mut Report,
) {
    let mut texts: Vec<(&serde_saphyr::Location, &str, &str)> =
        vec![(&p.name.referenced, "name", &p.name.value)];
    if let Some(a) = &p.audience {
        texts.push((&a.referenced, "audience", &a.value));
    }
    if let Some(c) = &p.contact {
        texts.push((&c.referenced, "contact name", &c.value.name));
        for value in [&c.value.email, &c.value.telegram].into_iter().flatten() {
            texts.push((&c.referenced, "contact", value));
        }
    }
    for (location, field, value) in texts {
        if value.trim().is_empty() {
            report.push(at(
                location,
                format!("the {field} of partner `{id}` is empty"),
            ));
        } else if let Some(c) = invisible_char(value) {
            report.push(at(location, format!("the {field} of partner `{id}` contains the invisible or direction-changing character U+{:04X}", c as u32))
                .help("retype the text without it; such characters can disguise names and links"));
        }
    }

    if let Some(c) = &p.contact {
        if let Some(email) = c.value.email.as_deref().filter(|e| !is_email(e)) {
            report.push(
                at(
                    &c.referenced,
                    format!("`{email}` in the contact of partner `{id}` is not an e-mail address"),
                )
                .help("write it as name@example.com"),
            );
        }
        if let Some(handle) = c.value.telegram.as_deref().filter(|t| !is_telegram(t)) {
            report.push(
                at(
                    &c.referenced,
                    format!(
                        "`{handle}` in the contact of partner `{id}` is not a Telegram username"
                    ),
                )
                .help("write it as @username: 5 to 32 letters, digits or underscores"),
            );
        }
    }
}

#[cfg(test)]
mod tests;
