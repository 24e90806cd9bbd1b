//! Loading the Fluent files: every language's `locales/<lang>/*.ftl` into one bundle,
//! each market's `locales/<lang>/markets/<market>.ftl` into a bundle of its own over
//! it, with syntax errors, duplicate messages and reference cycles reported at their
//! lines.

use super::*;

impl Locales {
    /// Loads `locales/<lang>/*.ftl` for every language of the site.
    pub(crate) fn load(root: &Path, settings: &Settings) -> Result<Locales> {
        let mut report = Report::default();
        let mut bundles = BTreeMap::new();
        let mut scoped = BTreeMap::new();
        let mut definitions = BTreeMap::new();
        let mut formatters = BTreeMap::new();
        for lang in &settings.languages {
            let langid: LanguageIdentifier = lang.parse().map_err(|_| {
                Diagnostic::project(format!("`{lang}` is not a language Fluent knows"))
            })?;
            let formatter = std::sync::Arc::new(Formatter::new(lang).map_err(Diagnostic::project)?);
            let mut bundle = FluentBundle::new_concurrent(vec![langid.clone()]);
            bundle.set_use_isolating(false);
            add_functions(&mut bundle, &formatter);
            formatters.insert(lang.clone(), formatter.clone());
            let mut defined: BTreeMap<String, Definition> = BTreeMap::new();
            let dir = root.join(crate::base::vocab::LOCALES_DIR).join(lang);
            let files = files::files_under(root, &dir)?;
            let markets_dir = dir.join(MARKETS_DIR);
            let (market_files, ftl): (Vec<_>, Vec<_>) = files
                .into_iter()
                .filter(|(_, shown)| shown.extension().is_some_and(|e| e == "ftl"))
                .partition(|(path, _)| path.starts_with(&markets_dir));
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
            // Messages and terms with what they refer to, for finding reference cycles.
            let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut origins: BTreeMap<String, (usize, usize)> = BTreeMap::new();
            let mut sources: Vec<(PathBuf, String)> = Vec::new();
            for (path, shown) in ftl {
                let text = files::read_text(&path, &shown)?;
                if let Some(line) = too_deep(&text) {
                    report.push(
                        Diagnostic::error(
                            &shown,
                            format!("placeables nest more than {MAX_PLACEABLE_DEPTH} deep"),
                        )
                        .at(&text, line, 1)
                        .help(
                            "simplify the message; real messages nest placeables two or three deep",
                        ),
                    );
                    continue;
                }
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
                    if let ast::Entry::Term(term) = entry {
                        let mut info = Definition::default();
                        walk_pattern(&term.value, &mut info);
                        let id = format!("-{}", term.id.name);
                        let line = lines.get(&id).copied().unwrap_or(1);
                        origins.entry(id.clone()).or_insert((sources.len(), line));
                        graph.entry(id).or_insert(info.references);
                        continue;
                    }
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
                                    crate::base::diagnostics::display_path(&first.file),
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
                    let mut refs = info.references.clone();
                    for attribute in &message.attributes {
                        let mut inner = Definition::default();
                        walk_pattern(&attribute.value, &mut inner);
                        refs.extend(inner.references);
                    }
                    graph.insert(id.clone(), refs);
                    origins.insert(id.clone(), (sources.len(), line));
                    defined.insert(id, info);
                }
                if let Err(errors) = bundle.add_resource(resource) {
                    for e in errors {
                        if !matches!(e, FluentError::Overriding { .. }) {
                            report.push(Diagnostic::error(&shown, format!("{e}")));
                        }
                    }
                }
                sources.push((shown, text));
            }
            // Each cycle is reported once, at its alphabetically first member.
            let mut reported: std::collections::BTreeSet<String> =
                std::collections::BTreeSet::new();
            for id in graph.keys() {
                if reported.contains(id) {
                    continue;
                }
                if let Some(cycle) = find_cycle(&graph, id) {
                    reported.extend(cycle.iter().cloned());
                    let (source, line) = origins[id];
                    let (file, text) = &sources[source];
                    report.push(
                        Diagnostic::error(
                            file,
                            format!("message `{id}` refers to itself: {}", cycle.join(" → ")),
                        )
                        .at(text, line, 1)
                        .help("break the cycle: one of these messages must not refer back"),
                    );
                }
            }
            for (path, shown) in market_files {
                let text = files::read_text(&path, &shown)?;
                let language = Language {
                    langid: &langid,
                    formatter: &formatter,
                    sources: &sources,
                    defined: &defined,
                };
                if let Some(bundle) = market_bundle(&language, settings, &shown, text, &mut report)
                {
                    let market = shown
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    scoped.insert((lang.clone(), market), bundle);
                }
            }
            bundles.insert(lang.clone(), bundle);
            definitions.insert(lang.clone(), defined);
        }
        report.into_result()?;
        Ok(Locales {
            bundles,
            scoped,
            formatters,
            definitions,
        })
    }
}

/// One language as loaded, for the market bundles made over it.
struct Language<'l> {
    langid: &'l LanguageIdentifier,
    formatter: &'l std::sync::Arc<Formatter>,
    /// Its files, shown path and text, in load order.
    sources: &'l [(PathBuf, String)],
    /// Its messages, by id.
    defined: &'l BTreeMap<String, Definition>,
}

/// The bundle of `lang` for one market: every message of the language, with those
/// of the market's file in their place. A market file may only override messages the
/// language defines, so every message still exists for every market.
fn market_bundle(
    language: &Language<'_>,
    settings: &Settings,
    shown: &Path,
    text: String,
    report: &mut Report,
) -> Option<FluentBundle<FluentResource>> {
    let Language {
        langid,
        formatter,
        sources,
        defined,
    } = *language;
    let market = shown.file_stem()?.to_string_lossy().into_owned();
    if settings.market(&market).is_none() {
        report.push(
            Diagnostic::error(shown, format!("`{market}` is not a market of site.yaml")).help(
                format!(
                    "name the file after a market ({}), or move it out of `{MARKETS_DIR}/`",
                    settings
                        .markets
                        .iter()
                        .map(|m| m.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        );
        return None;
    }
    if let Some(line) = too_deep(&text) {
        report.push(
            Diagnostic::error(
                shown,
                format!("placeables nest more than {MAX_PLACEABLE_DEPTH} deep"),
            )
            .at(&text, line, 1),
        );
        return None;
    }
    let before = report.diagnostics().len();
    for (id, line) in message_lines(&text) {
        if !id.starts_with('-') && !defined.contains_key(&id) {
            report.push(
                Diagnostic::error(
                    shown,
                    format!("message `{id}` is not defined for every market of this language"),
                )
                .at(&text, line, 1)
                .help("a market's file only overrides messages: define the message in a .ftl file beside `markets/` first"),
            );
        }
    }
    let resource = match FluentResource::try_new(text.clone()) {
        Ok(r) => r,
        Err((_, errors)) => {
            for e in errors {
                report.push(
                    Diagnostic::error(shown, format!("Fluent syntax error: {}", e.kind))
                        .at_offset(&text, e.pos.start),
                );
            }
            return None;
        }
    };
    if report.diagnostics().len() != before {
        return None;
    }
    let mut bundle = FluentBundle::new_concurrent(vec![langid.clone()]);
    bundle.set_use_isolating(false);
    add_functions(&mut bundle, formatter);
    for (_, source) in sources {
        // Parsed again: a bundle owns its resources. Errors were reported above.
        let r = FluentResource::try_new(source.clone()).unwrap_or_else(|(r, _)| r);
        let _ = bundle.add_resource(r);
    }
    bundle.add_resource_overriding(resource);
    Some(bundle)
}
