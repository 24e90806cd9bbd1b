//! Templates: the theme's and the project's, compiled once per build.
//!
//! Templates come from `themes/<theme>/templates/`; a file of the same name in the
//! project's `templates/` overrides the theme's. They are compiled once into one Tera
//! instance shared by all render threads. Two functions connect templates to the rest
//! of refkit: `t(key=…, …)` formats a Fluent message in the page's language, and
//! `referral_link(asset=…)` gives the partner's tracked link for a call to action and
//! records it for the manifest. Four filters write values for the page's language:
//! `number`, `money`, `date` (CLDR, through [`crate::text::l10n`]) and `typeset`
//! ([`crate::text::typography`]). Errors name the template file and line, and the page
//! being rendered.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Context, ErrorKind, Kwargs, State, Tera, Value};

use crate::base::diagnostics::{display_path, Diagnostic, Report, Result};
use crate::base::files;
use crate::base::vocab::MICROSITE;
use crate::render::links::Attribution;
use crate::render::locales::{Arg, Locales};

/// Templates every theme must provide.
pub(crate) const REQUIRED: &[&str] = &[
    "entry.html",
    "home.html",
    "page.html",
    "partner.html",
    "story.html",
];

/// The compiled templates of a build.
pub(crate) struct Templates {
    tera: Tera,
    /// Template name → (file relative to the root, its text).
    sources: BTreeMap<String, (PathBuf, String)>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("names", &self.sources.keys())
            .finish()
    }
}

impl Templates {
    /// Loads and compiles the templates of `theme` with the project's overrides.
    pub(crate) fn load(
        root: &Path,
        theme: &str,
        locales: Arc<Locales>,
        attribution: Arc<Attribution>,
    ) -> Result<Templates> {
        let theme_dir = root
            .join(crate::base::vocab::THEMES_DIR)
            .join(theme)
            .join(crate::base::vocab::TEMPLATES_DIR);
        if !theme_dir.is_dir() {
            return Err(Diagnostic::error(
                crate::base::vocab::SETTINGS_FILE,
                format!("theme `{theme}` not found: themes/{theme}/templates/ is missing"),
            )
            .help("set `theme` in site.yaml to a folder under themes/, or run `refkit init` for a project with the default theme")
            .into());
        }
        let mut sources: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
        for dir in [theme_dir, root.join(crate::base::vocab::TEMPLATES_DIR)] {
            for (path, shown) in files::files_under(root, &dir)? {
                let name = display_path(path.strip_prefix(&dir).unwrap_or(&path));
                let text = files::read_text(&path, &shown)?;
                sources.insert(name, (shown, text));
            }
        }
        // Banner templates are Tera too, named by their path: `content/banners/<slug>.svg`.
        let banners = root.join(crate::base::vocab::BANNERS_DIR);
        for (path, shown) in files::files_under(root, &banners)? {
            if path.extension().is_some_and(|e| e == "svg") {
                let text = files::read_text(&path, &shown)?;
                sources.insert(display_path(&shown), (shown, text));
            }
        }
        let mut report = Report::default();
        for required in REQUIRED.iter().chain(crate::base::vocab::KIT_TEMPLATES) {
            if !sources.contains_key(*required) {
                report.push(
                    Diagnostic::project(format!("template `{required}` is missing")).help(format!(
                        "add it to templates/ or to themes/{theme}/templates/"
                    )),
                );
            }
        }
        report.into_result()?;

        let mut tera = Tera::new();
        // Banner and share-card templates are SVG: what they print is escaped as in HTML.
        tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
        let filter_locales = locales.clone();
        tera.register_function("t", move |kwargs: Kwargs, state: &State| {
            translate(&locales, &kwargs, state)
        });
        register_filters(&mut tera, filter_locales);
        tera.register_function("referral_link", move |kwargs: Kwargs, state: &State| {
            referral_link(&attribution, &kwargs, state)
        });
        tera.add_raw_templates(
            sources
                .iter()
                .map(|(name, (_, text))| (name.as_str(), text.as_str())),
        )
        .map_err(|err| diagnostic(&sources, &err, None))?;
        Ok(Templates { tera, sources })
    }

    /// True when a template called `name` exists (in the theme or the project).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// The file of template `name`, relative to the project root.
    pub(crate) fn source_path(&self, name: &str) -> Option<&Path> {
        self.sources.get(name).map(|(path, _)| path.as_path())
    }

    /// The text of template `name`, as written.
    pub(crate) fn source_text(&self, name: &str) -> Option<&str> {
        self.sources.get(name).map(|(_, text)| text.as_str())
    }

    /// A hash of every template's name and text.
    pub(crate) fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        for (name, (_, text)) in &self.sources {
            (name, text).hash(&mut h);
        }
        h.finish()
    }

    /// Fluent message ids the templates name literally (`t(key="id")`), and the
    /// prefixes of ids they build (`t(key="channel-" ~ name)`).
    pub(crate) fn message_keys(&self) -> (std::collections::BTreeSet<String>, Vec<String>) {
        let mut literal = std::collections::BTreeSet::new();
        let mut prefixes = Vec::new();
        for (_, text) in self.sources.values() {
            let mut rest = text.as_str();
            while let Some(i) = rest.find("key=") {
                rest = &rest[i + 4..];
                let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                    continue;
                };
                let body = &rest[1..];
                let Some(end) = body.find(quote) else { break };
                let id = &body[..end];
                if body[end + 1..].trim_start().starts_with('~') {
                    prefixes.push(id.to_owned());
                } else {
                    literal.insert(id.to_owned());
                }
                rest = &body[end + 1..];
            }
        }
        (literal, prefixes)
    }

    /// Renders template `name` with `context`; `page` names the source being rendered.
    pub(crate) fn render(
        &self,
        name: &str,
        context: &Context,
        page: &str,
    ) -> std::result::Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|err| diagnostic(&self.sources, &err, Some(page)))
    }

    /// Renders template `name` onto `out`, as [`Templates::render`] does; a page
    /// written as it is needs no `String` (and no second UTF-8 check).
    pub(crate) fn render_into(
        &self,
        name: &str,
        context: &Context,
        page: &str,
        out: &mut Vec<u8>,
    ) -> std::result::Result<(), Diagnostic> {
        self.tera
            .render_to(name, context, out)
            .map_err(|err| diagnostic(&self.sources, &err, Some(page)))
    }
}

/// Turns a Tera error into a diagnostic naming the template file, line and page.
fn diagnostic(
    sources: &BTreeMap<String, (PathBuf, String)>,
    err: &tera::Error,
    page: Option<&str>,
) -> Diagnostic {
    let while_rendering = page
        .map(|p| format!(" (while rendering {p})"))
        .unwrap_or_default();
    match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let message = format!("{}{while_rendering}", report.message().trim());
            let help = help_for(report.message());
            let d = match sources.get(report.filename()) {
                Some((file, text)) => {
                    let span = report.span();
                    Diagnostic::error(file, message).at(text, span.start_line, span.start_col + 1)
                }
                None => Diagnostic::project(format!("template `{}`: {message}", report.filename())),
            };
            match help {
                Some(h) => d.help(h),
                None => d,
            }
        }
        ErrorKind::MissingParent { current, parent } => match sources.get(current) {
            Some((file, _)) => {
                Diagnostic::error(file, format!("extends `{parent}`, which does not exist"))
                    .help("fix the name in `{% extends %}` or add the template")
            }
            None => Diagnostic::project(err.to_string()),
        },
        _ => Diagnostic::project(format!("template error: {err}{while_rendering}")),
    }
}

fn help_for(message: &str) -> Option<&'static str> {
    if message.contains("is not defined") {
        Some("templates can only use the variables refkit passes (see README, \"Templates\"); test optional values with `{% if x %}`")
    } else if message.contains("Fluent message") {
        Some("add the message to every language under locales/")
    } else {
        None
    }
}

/// `t(key="…", name=value, …)`: the Fluent message in the page's language, or in
/// `lang="…"` when given (a page in several languages, such as the 404 page).
///
/// The message is the one of the page's market (`market.id`, or `market="…"` on
/// brand pages, which pick the market from `markets`) when
/// `locales/<lang>/markets/<market>.ftl` overrides it, and it gets the market's terms
/// as arguments ([`term_args`]); arguments named in the call come first.
fn translate(locales: &Locales, kwargs: &Kwargs, state: &State) -> tera::TeraResult<String> {
    let key: String = kwargs.must_get("key")?;
    let lang: String = match kwargs.get::<String>("lang")? {
        Some(lang) => lang,
        None => state
            .get("lang")?
            .ok_or_else(|| tera::Error::message("t() needs `lang` in the page context"))?,
    };
    let mut args: Vec<(&str, Arg)> = Vec::new();
    for (name, value) in kwargs.iter() {
        let Some(name) = name.as_str() else { continue };
        if name == "key" || name == "lang" || name == "market" {
            continue;
        }
        args.push((name, arg_of(value)));
    }
    let terms = terms_of(kwargs, state)?;
    let market = terms
        .as_ref()
        .and_then(|m| m.get_from_path("id"))
        .and_then(|v| v.as_str().map(str::to_owned));
    let mut extra = Vec::new();
    if let Some(terms) = &terms {
        term_args(terms, &mut extra);
    }
    for (name, arg) in &extra {
        if !args.iter().any(|(n, _)| n == name) {
            args.push((name, arg.clone()));
        }
    }
    locales
        .format_for(&lang, market.as_deref(), &key, &args)
        .map_err(tera::Error::message)
}

/// A template value as a Fluent argument: numbers stay numbers, for plurals.
fn arg_of(value: &Value) -> Arg {
    if value.is_number() {
        Arg::Number(value.as_f64().unwrap_or(0.0))
    } else if let Some(s) = value.as_str() {
        Arg::Text(s.to_owned())
    } else {
        Arg::Text(value.to_string())
    }
}

/// The market whose terms a message states: `market="…"` picks one of the brand
/// pages' `markets` (or the page's own `market`); without it, the page's `market`.
fn terms_of(kwargs: &Kwargs, state: &State) -> tera::TeraResult<Option<Value>> {
    let own: Option<Value> = state.get("market")?;
    let Some(id) = kwargs.get::<String>("market")? else {
        return Ok(own.filter(|m| !m.is_none()));
    };
    let same = |m: &Value| {
        m.get_from_path("id")
            .and_then(|v| v.as_str().map(str::to_owned))
            == Some(id.clone())
    };
    if let Some(m) = own.filter(|m| same(m)) {
        return Ok(Some(m));
    }
    let markets: Option<Value> = state.get("markets")?;
    let found = markets
        .as_ref()
        .and_then(|v| v.as_array())
        .and_then(|list| list.iter().find(|m| same(m)).cloned());
    match found {
        Some(m) => Ok(Some(m)),
        None => Err(tera::Error::message(format!(
            "t(market=\"{id}\"): this page has no terms for market `{id}` (brand pages have every market's; partner pages only their own)"
        ))),
    }
}

/// The Fluent arguments a market value gives every message, as far as the page's
/// audience may see them: `$market`, `$offer_days`, `$offer_discount`,
/// `$offer_months`, `$offer_migration` (`yes` or `no`), `$offer` (its one line),
/// and for the partner and prospective partners `$reward`, `$reward_amount` and
/// `$payout_days`.
pub(crate) fn term_args(market: &Value, out: &mut Vec<(&'static str, Arg)>) {
    let text = |path: &str| {
        market
            .get_from_path(path)
            .and_then(|v| v.as_str().map(str::to_owned))
    };
    let number = |path: &str| market.get_from_path(path).and_then(|v| v.as_f64());
    if let Some(id) = text("id") {
        out.push(("market", Arg::Text(id)));
    }
    for (name, path) in [
        ("offer_days", "offer.free_days"),
        ("offer_discount", "offer.discount_percent"),
        ("offer_months", "offer.discount_months"),
        ("reward_amount", "reward_amount"),
        ("payout_days", "payout_days"),
    ] {
        if let Some(n) = number(path) {
            out.push((name, Arg::Number(n)));
        }
    }
    if let Some(m) = market
        .get_from_path("offer.migration")
        .and_then(|v| v.as_bool())
    {
        out.push((
            "offer_migration",
            Arg::Text(if m { "yes" } else { "no" }.to_owned()),
        ));
    }
    if let Some(s) = text("offer.summary") {
        out.push(("offer", Arg::Text(s)));
    }
    if let Some(r) = text("reward") {
        out.push(("reward", Arg::Text(r)));
    }
}

/// The page's language: `lang=` when given, else the context's `lang`.
fn page_lang(kwargs: &Kwargs, state: &State, filter: &str) -> tera::TeraResult<String> {
    if let Some(lang) = kwargs.get::<String>("lang")? {
        return Ok(lang);
    }
    state.get("lang")?.ok_or_else(|| {
        tera::Error::message(format!(
            "the `{filter}` filter needs `lang` in the page context, or a `lang=` argument"
        ))
    })
}

/// A number from a template value: a number, or text holding one.
fn number_of(value: &Value, filter: &str) -> tera::TeraResult<f64> {
    let parsed = if value.is_number() {
        value.as_f64()
    } else {
        value.as_str().and_then(|s| s.trim().parse::<f64>().ok())
    };
    parsed.filter(|n| n.is_finite()).ok_or_else(|| {
        tera::Error::message(format!(
            "the `{filter}` filter formats numbers, but got `{value}`"
        ))
    })
}

/// `number`, `money`, `date` and `typeset`: values written for the page's language.
fn register_filters(tera: &mut Tera, locales: Arc<Locales>) {
    let l = locales.clone();
    // {{ 1234.5 | number }} → 1,234.5 / 1 234,5; `decimals=2` fixes the fraction digits.
    tera.register_filter(
        "number",
        move |value: &Value, kwargs: Kwargs, state: &State| {
            let n = number_of(value, "number")?;
            let lang = page_lang(&kwargs, state, "number")?;
            let decimals: Option<u8> = kwargs.get::<u8>("decimals")?;
            let f = l.formatter(&lang).map_err(tera::Error::message)?;
            Ok::<_, tera::Error>(f.number(n, decimals, decimals))
        },
    );
    let l = locales.clone();
    // {{ 1234.5 | money(currency="RUB") }} → 1 234,50 ₽; without `currency`, the
    // partner's market currency.
    tera.register_filter("money", move |value: &Value, kwargs: Kwargs, state: &State| {
        let n = number_of(value, "money")?;
        let lang = page_lang(&kwargs, state, "money")?;
        let currency = match kwargs.get::<String>("currency")? {
            Some(c) => c,
            None => state
                .get::<Value>("market")?
                .and_then(|m| m.get_from_path("currency").and_then(|c| c.as_str().map(str::to_owned)))
                .ok_or_else(|| {
                    tera::Error::message(
                        "the `money` filter needs `currency=\"USD\"` (or another ISO 4217 code) outside partner pages",
                    )
                })?,
        };
        let f = l.formatter(&lang).map_err(tera::Error::message)?;
        Ok::<_, tera::Error>(f.money_f64(n, &currency))
    });
    let l = locales.clone();
    // {{ page.date | date }} → November 24, 2026 / 24 ноября 2026 г.
    tera.register_filter("date", move |value: &str, kwargs: Kwargs, state: &State| {
        let lang = page_lang(&kwargs, state, "date")?;
        let f = l.formatter(&lang).map_err(tera::Error::message)?;
        f.date(value).map_err(tera::Error::message)
    });
    // {{ partner.audience | typeset }}: quotes, dashes and no-break spaces for the language.
    tera.register_filter(
        "typeset",
        move |value: &str, kwargs: Kwargs, state: &State| {
            let lang = page_lang(&kwargs, state, "typeset")?;
            Ok::<_, tera::Error>(crate::text::typography::typeset(value, &lang))
        },
    );
}

/// `referral_link(asset="…")`: the current partner's tracked link for this page.
fn referral_link(
    attribution: &Attribution,
    kwargs: &Kwargs,
    state: &State,
) -> tera::TeraResult<String> {
    let asset: String = kwargs.must_get("asset")?;
    let channel: Option<String> = kwargs.get("channel")?;
    let lang: String = state.get("lang")?.unwrap_or_default();
    let partner: Option<Value> = state.get("partner")?;
    let id = partner
        .as_ref()
        .and_then(|p| p.get_from_path("id"))
        .and_then(|v| v.as_str().map(str::to_owned))
        .ok_or_else(|| {
            tera::Error::message(
                "referral_link() is only available on partner pages; brand pages carry no referral code (guard it with `{% if partner %}`)",
            )
        })?;
    let channel = channel.as_deref().unwrap_or(MICROSITE);
    attribution
        .link(&id, &lang, channel, &asset)
        .map_err(tera::Error::message)
}
