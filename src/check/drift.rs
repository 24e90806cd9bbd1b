//! The drift guard: figures written by hand that contradict the playbooks.
//!
//! A money amount, a percentage or a day count typed into content, pitch copy, a
//! locale file or a banner template is a promise to someone. When the sentence it
//! stands in speaks of the program's terms (a reward, a bonus, a payout, a discount,
//! free days), `check` compares it with the playbook of every market the text is
//! shown for, and reports each one the playbook does not state, with the file, the
//! line and the playbook's own figures.
//!
//! Text every partner of a market is given (pitch copy, banner templates, locale
//! messages, stories on microsites) must hold for each of them: `$150` in a US banner
//! contradicts a large partner's resolved $250. Text for prospective partners (the
//! brand's pages, prospects' stories) speaks of a market in general, so any of its
//! segments' figures holds. Money is compared only in its own currency.

use std::path::{Path, PathBuf};

use crate::base::diagnostics::Diagnostic;
use crate::base::files;
use crate::base::vocab::{BANNERS_DIR, LOCALES_DIR};
use crate::model::audience::Audience;
use crate::model::playbooks::Terms;
use crate::model::project::Project;
use crate::model::terms::{figures, segments, Figure};
use crate::text::l10n::Formatter;

/// A figure found in a line: its kind and value, the currency of an amount, and
/// its byte range in the line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found {
    pub figure: Figure,
    pub currency: Option<&'static str>,
    pub start: usize,
    pub end: usize,
}

/// Words that make a sentence speak of the program's terms (lowercase prefixes).
const TERM_WORDS: &[&str] = &[
    "reward",
    "earn",
    "commission",
    "payout",
    "paid",
    "pay",
    "bonus",
    "off",
    "discount",
    "free",
    "trial",
    "refer",
    "вознагражд",
    "выплат",
    "заработ",
    "бонус",
    "скидк",
    "бесплатн",
    "пробн",
    "комисси",
    "получ",
    "платим",
    "плат",
];

/// Where a text is shown, and so which figures hold for it.
enum Scope<'a> {
    /// Every partner of these markets reads it as their own.
    Partners(Vec<&'a str>),
    /// It speaks of these markets in general (any segment's figure holds).
    Markets(Vec<&'a str>),
}

/// Every hand-written figure of the project that contradicts its playbooks.
pub(crate) fn drift_findings(root: &Path, project: &Project) -> Vec<Diagnostic> {
    let all: Vec<&str> = project.playbooks.keys().map(String::as_str).collect();
    let mut out = Vec::new();
    let mut scan = |file: &Path, text: &str, first_line: usize, scope: Scope<'_>| {
        out.extend(scan_text(project, file, text, first_line, &scope));
    };
    for story in &project.stories {
        let markets: Vec<&str> = match &story.markets {
            Some(m) => m.iter().map(String::as_str).collect(),
            None => all.clone(),
        };
        for t in &story.texts {
            let scope = match story.audience {
                Audience::Clients => Scope::Partners(markets.clone()),
                _ => Scope::Markets(markets.clone()),
            };
            let (line, body) = body_of(&t.source, t.body_start);
            scan(&t.file, body, line, scope);
        }
    }
    for page in &project.pages {
        for t in &page.texts {
            let (line, body) = body_of(&t.source, t.body_start);
            scan(&t.file, body, line, Scope::Markets(all.clone()));
        }
    }
    for pitch in &project.pitches {
        if let Ok(text) = std::fs::read_to_string(root.join(&pitch.file)) {
            scan(&pitch.file, &text, 1, Scope::Partners(vec![&pitch.market]));
        }
    }
    let locales = root.join(LOCALES_DIR);
    for (path, shown) in files::files_under(root, &locales).unwrap_or_default() {
        if shown.extension().is_none_or(|e| e != "ftl") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // Comments explain; only messages are shown.
        let text: String = text
            .lines()
            .map(|l| {
                if l.trim_start().starts_with('#') {
                    ""
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let market = market_of_locale(&shown);
        let scope = match market {
            Some(m) => match all.iter().find(|a| **a == m) {
                Some(a) => Scope::Partners(vec![a]),
                None => continue,
            },
            None => Scope::Partners(all.clone()),
        };
        scan(&shown, &text, 1, scope);
    }
    for (path, shown) in files::files_under(root, &root.join(BANNERS_DIR)).unwrap_or_default() {
        if shown.extension().is_some_and(|e| e == "svg") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                scan(&shown, &text, 1, Scope::Partners(all.clone()));
            }
        }
    }
    out
}

/// The market of `locales/<lang>/markets/<market>.ftl`, or `None` for the
/// language's messages.
fn market_of_locale(shown: &Path) -> Option<String> {
    let parent = shown.parent()?;
    (parent.file_name()? == crate::render::locales::MARKETS_DIR)
        .then(|| shown.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .flatten()
}

/// The body of a document and the line it starts on.
fn body_of(source: &str, body_start: usize) -> (usize, &str) {
    let start = body_start.min(source.len());
    let line = source[..start].matches('\n').count() + 1;
    (line, &source[start..])
}

fn scan_text(
    project: &Project,
    file: &Path,
    text: &str,
    first_line: usize,
    scope: &Scope<'_>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let full = std::fs::read_to_string(project.root.join(file)).unwrap_or_else(|_| text.to_owned());
    for (i, line) in text.lines().enumerate() {
        for found in figures_in(line) {
            if !near_terms(sentence_around(line, found.start, found.end), line, &found) {
                continue;
            }
            if let Some(why) = contradiction(project, scope, &found) {
                let written = &line[found.start..found.end];
                let column = line[..found.start].chars().count() + 1;
                out.push(
                    Diagnostic::error(
                        PathBuf::from(file),
                        format!("`{written}` is written by hand and contradicts {why}"),
                    )
                    .at(&full, first_line + i, column)
                    .help(help_for(file)),
                );
            }
        }
    }
    out
}

fn help_for(file: &Path) -> String {
    let shown = crate::base::diagnostics::display_path(file);
    if shown.ends_with(".ftl") {
        "use the market's arguments instead of a figure: `{ $reward }`, `{ $payout_days }`, `{ $offer_days }`, `{ $offer_discount }` (README, \"Market-scoped messages\")".to_owned()
    } else if shown.ends_with(".md") {
        "write the playbook's figure as a shortcode, e.g. `{{ terms.us.reward }}` or `{{ terms.ru.offer_days }}` (README, \"Terms in Markdown\")".to_owned()
    } else {
        "take the figure from the playbook: `t()` messages get `$reward`, `$offer_days` … as arguments (README, \"Market-scoped messages\")".to_owned()
    }
}

/// The sentence of `line` around `start..end`.
fn sentence_around(line: &str, start: usize, end: usize) -> &str {
    let is_stop = |c: char| matches!(c, '.' | '!' | '?' | ';' | '•' | '|');
    // A full stop between digits (1.5) or right after one digit group is not an end.
    let begin = line[..start]
        .char_indices()
        .rev()
        .find(|(i, c)| is_stop(*c) && line[i + c.len_utf8()..].starts_with(char::is_whitespace))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let finish = line[end..]
        .char_indices()
        .find(|(i, c)| {
            is_stop(*c)
                && line[end + i + c.len_utf8()..]
                    .chars()
                    .next()
                    .is_none_or(char::is_whitespace)
        })
        .map_or(line.len(), |(i, _)| end + i);
    &line[begin..finish]
}

/// How many words on each side of a figure may name the term it states.
const NEAR: usize = 4;

/// True when a word of the program's terms stands within [`NEAR`] words of the
/// figure, in its sentence: "a fixed $150 for every business" is a reward, "a 74%
/// rate" in a sentence that ends in rewards is not.
fn near_terms(sentence: &str, line: &str, found: &Found) -> bool {
    let offset = sentence.as_ptr() as usize - line.as_ptr() as usize;
    let (start, end) = (
        found.start.saturating_sub(offset).min(sentence.len()),
        found.end.saturating_sub(offset).min(sentence.len()),
    );
    let words = |text: &str| -> Vec<String> {
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let before = words(&sentence[..start]);
    let after = words(&sentence[end..]);
    let near: Vec<&String> = before
        .iter()
        .rev()
        .take(NEAR)
        .chain(after.iter().take(NEAR))
        .collect();
    near.iter()
        .any(|w| TERM_WORDS.iter().any(|t| w.starts_with(t)))
}

#[cfg(test)]
fn speaks_of_terms(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| TERM_WORDS.iter().any(|t| w.starts_with(t)))
}

/// Which playbook figure `found` contradicts, as a sentence part; `None` when some
/// playbook in scope states it.
fn contradiction(project: &Project, scope: &Scope<'_>, found: &Found) -> Option<String> {
    // The terms each reader in scope holds: one set per partner, or per market.
    let mut readers: Vec<(String, &str, Vec<Terms>)> = Vec::new();
    match scope {
        Scope::Partners(markets) => {
            for m in markets {
                let partners: Vec<_> = project.partners.iter().filter(|p| p.market == *m).collect();
                if partners.is_empty() {
                    if let Some(p) = project.playbooks.get(*m) {
                        readers.push((format!("market `{m}`"), m, vec![p.base.clone()]));
                    }
                }
                for p in partners {
                    let terms = project.playbook(p).terms.clone();
                    readers.push((format!("partner `{}` (market `{m}`)", p.id), m, vec![terms]));
                }
            }
        }
        Scope::Markets(markets) => {
            for m in markets {
                if let Some(p) = project.playbooks.get(*m) {
                    let all = segments(p).into_iter().map(|(_, t)| t).collect();
                    readers.push((format!("market `{m}`"), m, all));
                }
            }
        }
    }
    // Money speaks of the markets paid in its currency; without one in scope, every
    // market in scope is contradicted.
    if let Some(currency) = found.currency {
        let paid_in: Vec<_> = readers
            .iter()
            .filter(|(_, m, _)| currency_of(project, m) == Some(currency))
            .collect();
        if paid_in.is_empty() {
            let (who, m, terms) = readers.first()?;
            return Some(format!(
                "the playbook of {who}, which pays in {}: {}",
                currency_of(project, m).unwrap_or("?"),
                stated(project, m, terms, found.figure)
            ));
        }
        readers.retain(|(_, m, _)| currency_of(project, m) == Some(currency));
    }
    let holds = |terms: &[Terms]| {
        terms
            .iter()
            .any(|t| figures(t).iter().any(|(_, f)| same(*f, found.figure)))
    };
    let (who, m, terms) = match scope {
        // Text every partner reads must hold for each of them.
        Scope::Partners(_) => readers.iter().find(|(_, _, t)| !holds(t))?,
        // Text about the markets must hold for one of them.
        Scope::Markets(_) => {
            if readers.iter().any(|(_, _, t)| holds(t)) {
                return None;
            }
            readers.first()?
        }
    };
    Some(format!(
        "the playbook of {who}: {}",
        stated(project, m, terms, found.figure)
    ))
}

fn same(a: Figure, b: Figure) -> bool {
    match (a, b) {
        (Figure::Money(x), Figure::Money(y)) => x == y,
        (Figure::Percent(x), Figure::Percent(y)) => x == y,
        (Figure::Days(x), Figure::Days(y)) => x == y,
        _ => false,
    }
}

fn currency_of<'a>(project: &'a Project, market: &str) -> Option<&'a str> {
    project.settings.market(market).map(|m| m.currency.as_str())
}

/// What the playbook states of the figure's kind, e.g. `reward $250`.
fn stated(project: &Project, market: &str, terms: &[Terms], like: Figure) -> String {
    let lang = project
        .settings
        .market(market)
        .map_or("en", |m| m.language.as_str());
    let Ok(f) = Formatter::new(lang) else {
        return String::new();
    };
    let currency = currency_of(project, market).unwrap_or("");
    let mut parts: Vec<String> = Vec::new();
    for t in terms {
        for (name, figure) in figures(t) {
            let kind_matches = matches!(
                (figure, like),
                (Figure::Money(_), Figure::Money(_))
                    | (Figure::Percent(_), Figure::Percent(_))
                    | (Figure::Days(_), Figure::Days(_))
            );
            if !kind_matches {
                continue;
            }
            let value = match figure {
                Figure::Money(n) => f.money_units(n, currency),
                Figure::Percent(p) => format!("{p} %"),
                Figure::Days(d) => format!("{d} days"),
            };
            let part = format!("{name} {value}");
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
    }
    if parts.is_empty() {
        "it states no such figure".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Money amounts, percentages and day counts in `line`.
pub(crate) fn figures_in(line: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let starts = c.is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'));
        if !starts {
            i += 1;
            continue;
        }
        let (value, end) = number_at(line, i);
        let mut start = i;
        i = end.max(i + 1);
        let Some(value) = value else { continue };
        // `$150`, `$ 150`.
        let before = line[..start].trim_end_matches([' ', '\u{a0}']);
        if before.ends_with('$') {
            start = before.len() - 1;
            out.push(Found {
                figure: Figure::Money(value),
                currency: Some("USD"),
                start,
                end,
            });
            continue;
        }
        let after = &line[end..];
        let rest = after.trim_start_matches([' ', '\u{a0}', '\u{202f}', '-']);
        let skipped = after.len() - rest.len();
        let lower: String = rest.chars().take(12).collect::<String>().to_lowercase();
        let unit = |len: usize| end + skipped + len;
        let found = if rest.starts_with('%') {
            Some((Figure::Percent(value as u32), None, unit(1)))
        } else if rest.starts_with('₽') {
            Some((Figure::Money(value), Some("RUB"), unit('₽'.len_utf8())))
        } else if rest.starts_with('$') {
            Some((Figure::Money(value), Some("USD"), unit(1)))
        } else if let Some(w) = ["руб", "rub", "usd"]
            .iter()
            .find(|w| lower.starts_with(**w))
        {
            let currency = if *w == "usd" { "USD" } else { "RUB" };
            Some((Figure::Money(value), Some(currency), unit(w.len())))
        } else if let Some(w) = ["percent", "процент"]
            .iter()
            .find(|w| lower.starts_with(**w))
        {
            Some((Figure::Percent(value as u32), None, unit(w.len())))
        } else {
            ["days", "day", "дней", "дня", "день", "дн"]
                .iter()
                .find(|w| lower.starts_with(**w))
                .map(|w| (Figure::Days(value as u32), None, unit(w.len())))
        };
        if let Some((figure, currency, end)) = found {
            out.push(Found {
                figure,
                currency,
                start,
                end,
            });
        }
    }
    out
}

/// The whole number starting at `i` (digit groups separated by `,`, a space, a
/// no-break or narrow no-break space); `None` for a number with a fraction.
fn number_at(line: &str, i: usize) -> (Option<u64>, usize) {
    let digits_from = |from: usize| line[from..].bytes().take_while(u8::is_ascii_digit).count();
    let first = digits_from(i);
    let mut end = i + first;
    let mut value: String = line[i..end].to_owned();
    if first <= 3 {
        loop {
            let rest = &line[end..];
            let sep = [",", " ", "\u{a0}", "\u{202f}"]
                .iter()
                .find(|s| rest.starts_with(**s))
                .map(|s| s.len());
            let Some(sep) = sep else { break };
            let n = digits_from(end + sep);
            let next = line[end + sep + n..].bytes().next();
            if n == 3 && !next.is_some_and(|b| b.is_ascii_digit()) {
                value.push_str(&line[end + sep..end + sep + n]);
                end += sep + n;
            } else {
                break;
            }
        }
    }
    // 1.5 or 2,50: a fraction is not a term the playbook states in whole units.
    let rest = &line[end..];
    if (rest.starts_with('.') || rest.starts_with(','))
        && rest[1..].bytes().next().is_some_and(|b| b.is_ascii_digit())
    {
        let n = digits_from(end + 1);
        return (None, end + 1 + n);
    }
    (value.parse().ok(), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(Figure, Option<&'static str>, &str)> {
        figures_in(line)
            .into_iter()
            .map(|f| (f.figure, f.currency, &line[f.start..f.end]))
            .collect()
    }

    #[test]
    fn money_percentages_and_days_are_found_as_written() {
        assert_eq!(
            kinds("$150 for every business, 12\u{a0}000 ₽ per client, 18 000 руб."),
            [
                (Figure::Money(150), Some("USD"), "$150"),
                (Figure::Money(12000), Some("RUB"), "12\u{a0}000 ₽"),
                (Figure::Money(18000), Some("RUB"), "18 000 руб"),
            ]
        );
        assert_eq!(
            kinds("50% off, 20 % в первый год, a 30-day trial, 60 дней, paid in 14 days"),
            [
                (Figure::Percent(50), None, "50%"),
                (Figure::Percent(20), None, "20 %"),
                (Figure::Days(30), None, "30-day"),
                (Figure::Days(60), None, "60 дней"),
                (Figure::Days(14), None, "14 days"),
            ]
        );
    }

    #[test]
    fn other_numbers_are_not_figures() {
        assert!(kinds("Invoices in 2 minutes, 380 clients, version 1.5%, 2026-04-14").is_empty());
    }

    #[test]
    fn only_figures_next_to_a_term_count() {
        let line = "For 17 sign-ups, a 74% rate, for $2,550 in rewards. Clients get 50% off.";
        let near: Vec<(String, bool)> = figures_in(line)
            .iter()
            .map(|f| {
                let s = sentence_around(line, f.start, f.end);
                (line[f.start..f.end].to_owned(), near_terms(s, line, f))
            })
            .collect();
        assert_eq!(
            near,
            [
                ("74%".to_owned(), false),
                ("$2,550".to_owned(), true),
                ("50%".to_owned(), true)
            ]
        );
    }

    #[test]
    fn only_sentences_about_the_terms_count() {
        let line = "Harbor grew 40% this year. Clients get 50% off.";
        let found = figures_in(line);
        let sentences: Vec<bool> = found
            .iter()
            .map(|f| speaks_of_terms(sentence_around(line, f.start, f.end)))
            .collect();
        assert_eq!(sentences, [false, true]);
    }
}
