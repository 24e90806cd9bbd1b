//! Templates: the theme's and the project's, compiled once per build.
//!
//! Templates come from `themes/<theme>/templates/`; a file of the same name in the
//! project's `templates/` overrides the theme's. They are compiled once into one Tera
//! instance shared by all render threads. Two functions connect templates to the rest
//! of refkit: `t(key=…, …)` formats a Fluent message in the page's language, and
//! `referral_link(asset=…)` gives the partner's tracked link for a call to action and
//! records it for the manifest. Errors name the template file and line, and the page
//! being rendered.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Context, ErrorKind, Kwargs, State, Tera, Value};

use crate::diagnostics::{display_path, Diagnostic, Report, Result};
use crate::fsutil;
use crate::links::{Attribution, MICROSITE};
use crate::locales::{Arg, Locales};

/// Templates every theme must provide.
pub const REQUIRED: &[&str] = &[
    "entry.html",
    "home.html",
    "page.html",
    "partner.html",
    "story.html",
];

/// The compiled templates of a build.
pub struct Templates {
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
    pub fn load(
        root: &Path,
        theme: &str,
        locales: Arc<Locales>,
        attribution: Arc<Attribution>,
    ) -> Result<Templates> {
        let theme_dir = root.join("themes").join(theme).join("templates");
        if !theme_dir.is_dir() {
            return Err(Diagnostic::error(
                crate::settings::SETTINGS_FILE,
                format!("theme `{theme}` not found: themes/{theme}/templates/ is missing"),
            )
            .help("set `theme` in site.yaml to a folder under themes/, or run `refkit init` for a project with the default theme")
            .into());
        }
        let mut sources: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
        for dir in [theme_dir, root.join("templates")] {
            for (path, shown) in fsutil::files_under(root, &dir)? {
                let name = display_path(path.strip_prefix(&dir).unwrap_or(&path));
                let text = fsutil::read_text(&path, &shown)?;
                sources.insert(name, (shown, text));
            }
        }
        let mut report = Report::default();
        for required in REQUIRED.iter().chain(crate::kits::TEMPLATES) {
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
        tera.register_function("t", move |kwargs: Kwargs, state: &State| {
            translate(&locales, &kwargs, state)
        });
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
    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// A hash of every template's name and text.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        for (name, (_, text)) in &self.sources {
            (name, text).hash(&mut h);
        }
        h.finish()
    }

    /// Fluent message ids the templates name literally (`t(key="id")`), and the
    /// prefixes of ids they build (`t(key="channel-" ~ name)`).
    pub fn message_keys(&self) -> (std::collections::BTreeSet<String>, Vec<String>) {
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
    pub fn render(
        &self,
        name: &str,
        context: &Context,
        page: &str,
    ) -> std::result::Result<String, Diagnostic> {
        self.tera
            .render(name, context)
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
        if name == "key" || name == "lang" {
            continue;
        }
        let arg = if value.is_number() {
            Arg::Number(value.as_f64().unwrap_or(0.0))
        } else if let Some(s) = value.as_str() {
            Arg::Text(s.to_owned())
        } else {
            Arg::Text(value.to_string())
        };
        args.push((name, arg));
    }
    locales
        .format(&lang, &key, &args)
        .map_err(tera::Error::message)
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
