//! Interface strings: Fluent messages from `locales/<lang>/*.ftl`.
//!
//! Every string of the theme's interface comes from here, so a Russian reader sees
//! Russian grammar (plural categories one/few/many/other) and an English reader
//! English. Bundles are the concurrent kind, shared by all render threads, with Unicode
//! isolation marks off (the output is HTML and plain text, where the marks would show
//! up as invisible junk in copied text).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

use crate::diagnostics::{Diagnostic, Report, Result};
use crate::fsutil;
use crate::settings::Settings;

/// Where a message is defined, and what `check` needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Definition {
    /// File relative to the project root.
    pub file: PathBuf,
    /// 1-based line of `id =`.
    pub line: usize,
    /// For each select expression: its variant keys, when it selects on a plural category.
    pub plural_selects: Vec<Vec<String>>,
    /// Messages this one refers to (`{ other-id }`).
    pub references: Vec<String>,
}

/// CLDR plural categories, the variant keys of a plural selector.
pub const PLURAL_CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

fn walk_pattern(pattern: &ast::Pattern<&str>, info: &mut Definition) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            walk_expression(expression, info);
        }
    }
}

fn walk_expression(expression: &ast::Expression<&str>, info: &mut Definition) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            walk_inline(selector, info);
            let keys: Vec<String> = variants
                .iter()
                .map(|v| match &v.key {
                    ast::VariantKey::Identifier { name } => (*name).to_owned(),
                    ast::VariantKey::NumberLiteral { value } => (*value).to_owned(),
                })
                .collect();
            if keys.iter().any(|k| PLURAL_CATEGORIES.contains(&k.as_str())) {
                info.plural_selects.push(keys);
            }
            for v in variants {
                walk_pattern(&v.value, info);
            }
        }
        ast::Expression::Inline(inline) => walk_inline(inline, info),
    }
}

fn walk_inline(inline: &ast::InlineExpression<&str>, info: &mut Definition) {
    match inline {
        ast::InlineExpression::MessageReference { id, .. } => {
            info.references.push(id.name.to_owned())
        }
        ast::InlineExpression::Placeable { expression } => walk_expression(expression, info),
        _ => {}
    }
}

/// The messages of every language of the site.
pub struct Locales {
    bundles: BTreeMap<String, FluentBundle<FluentResource>>,
    definitions: BTreeMap<String, BTreeMap<String, Definition>>,
}

impl std::fmt::Debug for Locales {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locales")
            .field("definitions", &self.definitions)
            .finish()
    }
}

/// A value passed to a message: `{ $name }`.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text.
    Text(String),
    /// A number; plural selectors choose their variant from it.
    Number(f64),
}

impl Locales {
    /// Loads `locales/<lang>/*.ftl` for every language of the site.
    pub fn load(root: &Path, settings: &Settings) -> Result<Locales> {
        let mut report = Report::default();
        let mut bundles = BTreeMap::new();
        let mut definitions = BTreeMap::new();
        for lang in &settings.languages {
            let langid: LanguageIdentifier = lang.parse().map_err(|_| {
                Diagnostic::project(format!("`{lang}` is not a language Fluent knows"))
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            let mut defined: BTreeMap<String, Definition> = BTreeMap::new();
            let dir = root.join("locales").join(lang);
            let files = fsutil::files_under(root, &dir)?;
            let ftl: Vec<_> = files
                .into_iter()
                .filter(|(_, shown)| shown.extension().is_some_and(|e| e == "ftl"))
                .collect();
            if ftl.is_empty() {
                report.push(
                    Diagnostic::project(format!(
                        "no Fluent messages for `{lang}`: locales/{lang}/ has no .ftl file"
                    ))
                    .help(format!(
                        "create locales/{lang}/main.ftl with the theme's messages"
                    )),
                );
                continue;
            }
            for (path, shown) in ftl {
                let text = fsutil::read_text(&path, &shown)?;
                let resource = match FluentResource::try_new(text.clone()) {
                    Ok(r) => r,
                    Err((r, errors)) => {
                        for e in errors {
                            report.push(
                                Diagnostic::error(
                                    &shown,
                                    format!("Fluent syntax error: {}", e.kind),
                                )
                                .at_offset(&text, e.pos.start)
                                .help("see https://projectfluent.org/fluent/guide/ for the syntax"),
                            );
                        }
                        r
                    }
                };
                let lines: BTreeMap<String, usize> = message_lines(&text).into_iter().collect();
                for entry in resource.entries() {
                    let ast::Entry::Message(message) = entry else {
                        continue;
                    };
                    let id = message.id.name.to_owned();
                    let line = lines.get(&id).copied().unwrap_or(1);
                    if let Some(first) = defined.get(&id) {
                        report.push(
                            Diagnostic::error(
                                &shown,
                                format!(
                                    "message `{id}` is already defined in {}:{}",
                                    crate::diagnostics::display_path(&first.file),
                                    first.line
                                ),
                            )
                            .at(&text, line, 1)
                            .help("keep one definition per message and language"),
                        );
                        continue;
                    }
                    let mut info = Definition {
                        file: shown.clone(),
                        line,
                        ..Definition::default()
                    };
                    if let Some(value) = &message.value {
                        walk_pattern(value, &mut info);
                    }
                    defined.insert(id, info);
                }
                if let Err(errors) = bundle.add_resource(resource) {
                    for e in errors {
                        if !matches!(e, FluentError::Overriding { .. }) {
                            report.push(Diagnostic::error(&shown, format!("{e}")));
                        }
                    }
                }
            }
            bundles.insert(lang.clone(), bundle);
            definitions.insert(lang.clone(), defined);
        }
        report.into_result()?;
        Ok(Locales {
            bundles,
            definitions,
        })
    }

    /// True when `key` is defined in `lang`.
    pub fn has(&self, lang: &str, key: &str) -> bool {
        self.bundles.get(lang).is_some_and(|b| b.has_message(key))
    }

    /// Where each message of `lang` is defined, by id.
    pub fn definitions(&self, lang: &str) -> Option<&BTreeMap<String, Definition>> {
        self.definitions.get(lang)
    }

    /// Formats message `key` of `lang` with `args`.
    pub fn format(
        &self,
        lang: &str,
        key: &str,
        args: &[(&str, Arg)],
    ) -> std::result::Result<String, String> {
        let bundle = self
            .bundles
            .get(lang)
            .ok_or_else(|| format!("the site has no language `{lang}`"))?;
        let message = bundle.get_message(key).ok_or_else(|| {
            format!("Fluent message `{key}` is missing in locales/{lang}/: add `{key} = …` to a .ftl file there")
        })?;
        let pattern = message.value().ok_or_else(|| {
            format!("Fluent message `{key}` in locales/{lang}/ has no value, only attributes")
        })?;
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            let value = match value {
                Arg::Text(s) => FluentValue::from(s.as_str()),
                Arg::Number(n) => FluentValue::from(*n),
            };
            fluent_args.set(*name, value);
        }
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
        if let Some(e) = errors.first() {
            return Err(format!(
                "Fluent message `{key}` in locales/{lang}/ failed: {e}"
            ));
        }
        Ok(text.into_owned())
    }
}

/// Message ids and their lines: every line that starts with an identifier and `=`.
fn message_lines(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((id, _)) = line.split_once('=') else {
            continue;
        };
        let id = id.trim_end();
        let mut chars = id.chars();
        let starts_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
        if starts_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            out.push((id.to_owned(), i + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locales(ru: &str) -> Locales {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("locales/en")).unwrap();
        std::fs::create_dir_all(dir.path().join("locales/ru")).unwrap();
        std::fs::write(
            dir.path().join("locales/en/main.ftl"),
            "hello = Hello, { $name }!\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("locales/ru/main.ftl"), ru).unwrap();
        let settings = Settings::parse("title: T\nbase_url: https://e.com\nlanguages: [en, ru]\nmarkets:\n  us: {landing: 'https://e.com/us', language: en, currency: USD}\n").unwrap();
        Locales::load(dir.path(), &settings).unwrap()
    }

    #[test]
    fn russian_plurals_pick_one_few_many_other() {
        let l = locales("stories = { $count ->\n    [one] { $count } история\n    [few] { $count } истории\n    [many] { $count } историй\n   *[other] { $count } истории\n}\n");
        let f = |n: f64| {
            l.format("ru", "stories", &[("count", Arg::Number(n))])
                .unwrap()
        };
        assert_eq!(f(1.0), "1 история");
        assert_eq!(f(2.0), "2 истории");
        assert_eq!(f(5.0), "5 историй");
        assert_eq!(f(11.0), "11 историй");
        assert_eq!(f(21.0), "21 история");
        assert_eq!(f(1.5), "1.5 истории");
    }

    #[test]
    fn no_isolation_marks_around_arguments() {
        let l = locales("hello = Привет, { $name }!\n");
        let text = l
            .format("en", "hello", &[("name", Arg::Text("Ann".into()))])
            .unwrap();
        assert_eq!(text, "Hello, Ann!");
    }

    #[test]
    fn missing_message_names_the_folder() {
        let l = locales("hello = Привет!\n");
        let err = l.format("ru", "bye", &[]).unwrap_err();
        assert!(
            err.contains("`bye`") && err.contains("locales/ru/"),
            "{err}"
        );
    }
}
