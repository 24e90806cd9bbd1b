//! Interface strings: Fluent messages from `locales/<lang>/*.ftl`.
//!
//! Every string of the theme's interface comes from here, so a Russian reader sees
//! Russian grammar (plural categories one/few/many/other) and an English reader
//! English. Bundles are the concurrent kind, shared by all render threads, with Unicode
//! isolation marks off (the output is HTML and plain text, where the marks would show
//! up as invisible junk in copied text).
//!
//! Every number a message prints goes through the language's CLDR formatter
//! ([`crate::text::l10n::Formatter`], hooked in as the bundle's number formatter), so
//! `{ $count }` and `{ NUMBER($count) }` group digits (`12 000`) while plural selectors
//! still see a number. Two functions come on top of Fluent's own: `MONEY($amount,
//! $currency)` and `DATE($date)`. Formatted messages are typeset for their language
//! ([`crate::text::typography`]).

mod load;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::{FluentNumber, FluentNumberOptions, FluentNumberStyle};
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

use crate::base::diagnostics::{Diagnostic, Report, Result};
use crate::base::files;
use crate::model::settings::Settings;
use crate::text::l10n::Formatter;

/// Where a message is defined, and what `check` needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Definition {
    /// File relative to the project root.
    pub file: PathBuf,
    /// 1-based line of `id =`.
    pub line: usize,
    /// For each select expression that selects on a count (plural-category keys, or a
    /// `NUMBER()`/`MONEY()` selector): its variant keys.
    pub plural_selects: Vec<Vec<String>>,
    /// Messages this one refers to (`{ other-id }`).
    pub references: Vec<String>,
}

/// CLDR plural categories, the variant keys of a plural selector.
pub(crate) const PLURAL_CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

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
            // A count: variant keys that are plural categories, or a selector that
            // passes its value through NUMBER() or MONEY().
            let counts = matches!(
                selector,
                ast::InlineExpression::FunctionReference { id, .. }
                    if id.name == "NUMBER" || id.name == "MONEY"
            );
            if counts || keys.iter().any(|k| PLURAL_CATEGORIES.contains(&k.as_str())) {
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
        ast::InlineExpression::TermReference { id, .. } => {
            info.references.push(format!("-{}", id.name))
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for arg in &arguments.positional {
                walk_inline(arg, info);
            }
            for arg in &arguments.named {
                walk_inline(&arg.value, info);
            }
        }
        ast::InlineExpression::Placeable { expression } => walk_expression(expression, info),
        _ => {}
    }
}

/// Deepest nesting of placeables (`{ { … } }`) a message may use. Real messages nest
/// two or three deep; a limit keeps hostile files from exhausting the parser's stack.
pub(crate) const MAX_PLACEABLE_DEPTH: usize = 16;

/// The line and depth of the first point where placeables in `text` nest deeper than
/// [`MAX_PLACEABLE_DEPTH`]. Braces inside string literals and comments do not count.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    for (number, line) in text.lines().enumerate() {
        if depth == 0 && line.starts_with('#') {
            continue;
        }
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' if depth > 0 => in_string = !in_string,
                '{' if !in_string => {
                    depth += 1;
                    if depth > MAX_PLACEABLE_DEPTH {
                        return Some(number + 1);
                    }
                }
                '}' if !in_string => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        // String literals end with their line.
        in_string = false;
    }
    None
}

/// A chain of references from a message back to itself, as `a → b → a`.
fn find_cycle(graph: &BTreeMap<String, Vec<String>>, start: &str) -> Option<Vec<String>> {
    // Depth-first search with an explicit stack, so long chains cannot overflow.
    let mut path: Vec<(String, usize)> = vec![(start.to_owned(), 0)];
    let mut seen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    while let Some((node, next)) = path.last().cloned() {
        let edges = graph.get(&node).map(Vec::as_slice).unwrap_or(&[]);
        if next >= edges.len() {
            path.pop();
            continue;
        }
        if let Some(top) = path.last_mut() {
            top.1 += 1;
        }
        let target = &edges[next];
        if target == start {
            let mut cycle: Vec<String> = path.iter().map(|(n, _)| n.clone()).collect();
            cycle.push(start.to_owned());
            return Some(cycle);
        }
        if seen.insert(target.clone()) {
            path.push((target.clone(), 0));
        }
    }
    None
}

/// The folder under `locales/<lang>/` whose `<market>.ftl` files override messages
/// for one market's partners: the market decides the terms, the language the words.
pub(crate) const MARKETS_DIR: &str = "markets";

/// The messages of every language of the site.
pub(crate) struct Locales {
    bundles: BTreeMap<String, FluentBundle<FluentResource>>,
    /// (language, market) → the language's messages with the market's overrides.
    scoped: BTreeMap<(String, String), FluentBundle<FluentResource>>,
    formatters: BTreeMap<String, std::sync::Arc<Formatter>>,
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
pub(crate) enum Arg {
    /// Text.
    Text(String),
    /// A number; plural selectors choose their variant from it.
    Number(f64),
}

impl Locales {
    /// The number, money and date formatter of `lang`.
    pub(crate) fn formatter(&self, lang: &str) -> std::result::Result<&Formatter, String> {
        self.formatters
            .get(lang)
            .map(|f| &**f)
            .ok_or_else(|| format!("the site has no language `{lang}`"))
    }

    /// True when `key` is defined in `lang`.
    pub(crate) fn has(&self, lang: &str, key: &str) -> bool {
        self.bundles.get(lang).is_some_and(|b| b.has_message(key))
    }

    /// Where each message of `lang` is defined, by id.
    pub(crate) fn definitions(&self, lang: &str) -> Option<&BTreeMap<String, Definition>> {
        self.definitions.get(lang)
    }

    /// Formats message `key` of `lang` with `args`.
    pub(crate) fn format(
        &self,
        lang: &str,
        key: &str,
        args: &[(&str, Arg)],
    ) -> std::result::Result<String, String> {
        self.format_for(lang, None, key, args)
    }

    /// Formats message `key` of `lang` for a partner of `market`: the market's
    /// `locales/<lang>/markets/<market>.ftl` first, then the language's messages.
    pub(crate) fn format_for(
        &self,
        lang: &str,
        market: Option<&str>,
        key: &str,
        args: &[(&str, Arg)],
    ) -> std::result::Result<String, String> {
        let scoped = market.and_then(|m| self.scoped.get(&(lang.to_owned(), m.to_owned())));
        let bundle = match scoped {
            Some(b) => b,
            None => self
                .bundles
                .get(lang)
                .ok_or_else(|| format!("the site has no language `{lang}`"))?,
        };
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
        Ok(crate::text::typography::typeset_markup(&text, lang))
    }
}

impl intl_memoizer::Memoizable for Formatter {
    type Args = ();
    type Error = String;

    fn construct(lang: LanguageIdentifier, _: ()) -> std::result::Result<Self, String> {
        Formatter::new(&lang.to_string())
    }
}

/// Writes every number of a message with the language's CLDR formatter; money when
/// the number carries a currency. `None` leaves the value to Fluent (text, percent,
/// numbers that ask for no grouping).
fn format_number(
    value: &FluentValue<'_>,
    intls: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    let options = &number.options;
    if !options.use_grouping || options.style == FluentNumberStyle::Percent {
        return None;
    }
    let digits = |n: Option<usize>| n.map(|n| n.min(20) as u8);
    intls
        .with_try_get::<Formatter, _, _>((), |f| match (&options.style, &options.currency) {
            (FluentNumberStyle::Currency, Some(currency)) => f.money_f64(number.value, currency),
            _ => f.number(
                number.value,
                digits(options.minimum_fraction_digits),
                digits(options.maximum_fraction_digits),
            ),
        })
        .ok()
}

/// Registers the number formatter and the `MONEY` and `DATE` functions.
fn add_functions(bundle: &mut FluentBundle<FluentResource>, formatter: &std::sync::Arc<Formatter>) {
    bundle.set_formatter(Some(format_number));
    // Fluent's NUMBER, whose output the formatter above groups.
    let _ = bundle.add_builtins();
    // MONEY($amount, $currency) or MONEY($amount, currency: "RUB"): a number that
    // prints as money and still selects plural variants.
    let _ = bundle.add_function("MONEY", |positional, named| {
        let amount = match positional.first() {
            Some(FluentValue::Number(n)) => n.value,
            Some(FluentValue::String(s)) => match s.parse::<f64>() {
                Ok(n) => n,
                Err(_) => return FluentValue::Error,
            },
            _ => return FluentValue::Error,
        };
        let currency = match (positional.get(1), named.get("currency")) {
            (Some(FluentValue::String(c)), _) | (None, Some(FluentValue::String(c))) => {
                c.to_string()
            }
            _ => return FluentValue::Error,
        };
        FluentValue::Number(FluentNumber {
            value: amount,
            options: FluentNumberOptions {
                style: FluentNumberStyle::Currency,
                currency: Some(currency),
                ..FluentNumberOptions::default()
            },
        })
    });
    // DATE($date): a YYYY-MM-DD date in the language's long form.
    let dates = formatter.clone();
    let _ = bundle.add_function("DATE", move |positional, _named| match positional.first() {
        Some(FluentValue::String(s)) => match dates.date(s) {
            Ok(text) => FluentValue::from(text),
            Err(_) => FluentValue::Error,
        },
        _ => FluentValue::Error,
    });
}

/// Message ids and their lines: every line that starts with an identifier and `=`.
fn message_lines(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((id, _)) = line.split_once('=') else {
            continue;
        };
        let id = id.trim_end();
        let id_start = id.strip_prefix('-').unwrap_or(id);
        let mut chars = id_start.chars();
        let starts_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
        if starts_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            out.push((id.to_owned(), i + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests;
