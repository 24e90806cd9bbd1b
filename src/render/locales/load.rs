//! Loading the Fluent files: every language's `locales/<lang>/*.ftl` into one bundle,
//! each market's `locales/<lang>/markets/<market>.ftl` into a bundle of its own over
//! it, with syntax errors, duplicate messages and reference cycles reported at their
//! lines.

use super::*;

impl Locales {
    /// Loads `locales/<lang>/*.ftl` for every language of the site.
    pub(crate) fn load(root: &Path, settings: &Settings) -> Result<Locales> {
        let mut report = Report::default();
        let mut locales = Locales {
            bundles: BTreeMap::new(),
            scoped: BTreeMap::new(),
            formatters: BTreeMap::new(),
            definitions: BTreeMap::new(),
        };
        for lang in &settings.languages {
            let langid: LanguageIdentifier = lang.parse().map_err(|_| {
                Diagnostic::project(format!("`{lang}` is not a language Fluent knows"))
            })?;
            let formatter = std::sync::Arc::new(Formatter::new(lang).map_err(Diagnostic::project)?);
            locales.formatters.insert(lang.clone(), formatter.clone());
            let dir = root.join(crate::base::vocab::LOCALES_DIR).join(lang);
            let markets_dir = dir.join(MARKETS_DIR);
            let (market_files, ftl): (Vec<_>, Vec<_>) = files::files_under(root, &dir)?
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
            let mut loading = Loading::new(&langid, &formatter);
            for (path, shown) in ftl {
                let text = files::read_text(&path, &shown)?;
                loading.add_file(shown, text, &mut report);
            }
            loading.report_cycles(&mut report);
            for (path, shown) in market_files {
                let text = files::read_text(&path, &shown)?;
                let language = Language {
                    langid: &langid,
                    formatter: &formatter,
                    sources: &loading.sources,
                    defined: &loading.defined,
                };
                if let Some(bundle) = market_bundle(&language, settings, &shown, text, &mut report)
                {
                    let market = shown
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    locales.scoped.insert((lang.clone(), market), bundle);
                }
            }
            locales.bundles.insert(lang.clone(), loading.bundle);
            locales.definitions.insert(lang.clone(), loading.defined);
        }
        report.into_result()?;
        Ok(locales)
    }
}

/// One language's files on their way into its bundle.
struct Loading {
    bundle: FluentBundle<FluentResource>,
    /// Its messages, by id, with where each is defined.
    defined: BTreeMap<String, Definition>,
    /// Messages and terms with what they refer to, for finding reference cycles.
    graph: BTreeMap<String, Vec<String>>,
    /// Where each message or term is defined: an index into `sources` and a line.
    origins: BTreeMap<String, (usize, usize)>,
    /// Its files, shown path and text, in load order.
    sources: Vec<(PathBuf, String)>,
}

impl Loading {
    fn new(langid: &LanguageIdentifier, formatter: &std::sync::Arc<Formatter>) -> Loading {
        let mut bundle = FluentBundle::new_concurrent(vec![langid.clone()]);
        bundle.set_use_isolating(false);
        add_functions(&mut bundle, formatter);
        Loading {
            bundle,
            defined: BTreeMap::new(),
            graph: BTreeMap::new(),
            origins: BTreeMap::new(),
            sources: Vec::new(),
        }
    }

    /// Parses one file, records its messages and terms, and adds it to the bundle.
    fn add_file(&mut self, shown: PathBuf, text: String, report: &mut Report) {
        if let Some(line) = too_deep(&text) {
            report.push(
                Diagnostic::error(
                    &shown,
                    format!("placeables nest more than {MAX_PLACEABLE_DEPTH} deep"),
                )
                .at(&text, line, 1)
                .help("simplify the message; real messages nest placeables two or three deep"),
            );
            return;
        }
        let resource = match FluentResource::try_new(text.clone()) {
            Ok(r) => r,
            Err((r, errors)) => {
                for e in errors {
                    report.push(
                        Diagnostic::error(&shown, format!("Fluent syntax error: {}", e.kind))
                            .at_offset(&text, e.pos.start)
                            .help("see https://projectfluent.org/fluent/guide/ for the syntax"),
                    );
                }
                r
            }
        };
        let lines: BTreeMap<String, usize> = message_lines(&text).into_iter().collect();
        for entry in resource.entries() {
            match entry {
                ast::Entry::Term(term) => {
                    let mut info = Definition::default();
                    walk_pattern(&term.value, &mut info);
                    let id = format!("-{}", term.id.name);
                    let line = lines.get(&id).copied().unwrap_or(1);
                    self.origins
                        .entry(id.clone())
                        .or_insert((self.sources.len(), line));
                    self.graph.entry(id).or_insert(info.references);
                }
                ast::Entry::Message(message) => {
                    let line = lines.get(message.id.name).copied().unwrap_or(1);
                    self.add_message(message, &shown, &text, line, report);
                }
                _ => {}
            }
        }
        if let Err(errors) = self.bundle.add_resource(resource) {
            for e in errors {
                if !matches!(e, FluentError::Overriding { .. }) {
                    report.push(Diagnostic::error(&shown, format!("{e}")));
                }
            }
        }
        self.sources.push((shown, text));
    }

    /// Records one message, or reports it as a second definition of its id.
    fn add_message(
        &mut self,
        message: &ast::Message<&str>,
        shown: &Path,
        text: &str,
        line: usize,
        report: &mut Report,
    ) {
        let id = message.id.name.to_owned();
        if let Some(first) = self.defined.get(&id) {
            report.push(
                Diagnostic::error(
                    shown,
                    format!(
                        "message `{id}` is already defined in {}:{}",
                        crate::base::diagnostics::display_path(&first.file),
                        first.line
                    ),
                )
                .at(text, line, 1)
                .help("keep one definition per message and language"),
            );
            return;
        }
        let mut info = Definition {
            file: shown.to_path_buf(),
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
        self.graph.insert(id.clone(), refs);
        self.origins.insert(id.clone(), (self.sources.len(), line));
        self.defined.insert(id, info);
    }

    /// Reports each reference cycle once, at its alphabetically first member.
    fn report_cycles(&self, report: &mut Report) {
        let mut reported: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for id in self.graph.keys() {
            if reported.contains(id) {
                continue;
            }
            if let Some(cycle) = find_cycle(&self.graph, id) {
                reported.extend(cycle.iter().cloned());
                let (source, line) = self.origins[id];
                let (file, text) = &self.sources[source];
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
