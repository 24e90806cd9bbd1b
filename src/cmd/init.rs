//! `refkit init`: a new project from the default theme and starter content, both
//! embedded in the binary, that builds at once.

use std::fs;
use std::path::Path;

use include_dir::{include_dir, Dir};

use crate::base::diagnostics::{display_path, Error, Result};
use crate::cli::InitArgs;

/// The starter project: settings, one story, one page, e-mail pitch copy, two partners.
static STARTER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/starter");
/// The default theme.
static THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/harbor");
/// The default theme's interface strings (`main.ftl` per language; the starter brings `brand.ftl`).
static LOCALES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/locales");

/// Runs `refkit init`.
pub fn run(args: InitArgs) -> Result<()> {
    let written = init(&args.dir)?;
    println!(
        "created a refkit project in {} ({written} files)",
        args.dir.display()
    );
    println!("next: cd {} && refkit serve", args.dir.display());
    Ok(())
}

/// Writes a new project into `dir`, which must not exist or be empty. Returns the number of files.
pub(crate) fn init(dir: &Path) -> Result<usize> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(|e| Error::io("list", dir, e))?;
        if entries.next().is_some() {
            return Err(Error::Usage(format!(
                "{} is not empty; choose a new folder",
                display_path(dir)
            )));
        }
    }
    let mut count = 0;
    count += write_dir(&STARTER, dir, &|_| true)?;
    count += write_dir(
        &THEME,
        &dir.join(crate::base::vocab::THEMES_DIR).join("harbor"),
        &|_| true,
    )?;
    count += write_dir(&LOCALES, &dir.join(crate::base::vocab::LOCALES_DIR), &|p| {
        p.ends_with("main.ftl")
    })?;
    Ok(count)
}

fn write_dir(source: &Dir<'_>, target: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<usize> {
    let mut count = 0;
    for file in source.files() {
        if !keep(file.path()) {
            continue;
        }
        let path = target.join(file.path());
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        fs::write(&path, file.contents()).map_err(|e| Error::io("write", &path, e))?;
        count += 1;
    }
    for sub in source.dirs() {
        count += write_dir(sub, target, keep)?;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use pulldown_cmark::{Event, Parser};

    use super::STARTER;
    use crate::text::typography::typeset;

    /// The language of a starter file from its name (`program.ru.md`, `ru/brand.ftl`).
    fn language(path: &Path) -> Option<&'static str> {
        let name = path.to_string_lossy();
        ["en", "ru"]
            .into_iter()
            .find(|lang| name.contains(&format!(".{lang}.")) || name.contains(&format!("/{lang}/")))
    }

    /// Every run of prose in a starter file: Fluent message values; the title,
    /// summary and subject of Markdown front matter; the text of Markdown bodies.
    fn prose(path: &Path, text: &str) -> Vec<String> {
        let name = path.to_string_lossy();
        if name.ends_with(".ftl") {
            return text
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once(" = ").map(|(_, v)| v.to_owned()))
                .collect();
        }
        if !name.ends_with(".md") {
            return Vec::new();
        }
        let split = crate::load::front_matter::split(text).expect("front matter");
        let mut runs: Vec<String> = split
            .yaml
            .lines()
            .filter_map(|l| {
                let (key, value) = l.split_once(": ")?;
                ["title", "summary", "subject"]
                    .contains(&key)
                    .then(|| value.trim_matches('"').to_owned())
            })
            .collect();
        runs.extend(Parser::new(split.body).filter_map(|event| match event {
            Event::Text(t) => Some(t.into_string()),
            _ => None,
        }));
        runs
    }

    #[test]
    fn the_starter_copy_is_already_typeset_for_its_language() {
        let mut files = Vec::new();
        let mut stack = vec![&STARTER];
        while let Some(dir) = stack.pop() {
            files.extend(dir.files());
            stack.extend(dir.dirs());
        }
        let mut untypeset = Vec::new();
        let mut checked = 0;
        for file in files {
            let (Some(lang), Some(text)) = (language(file.path()), file.contents_utf8()) else {
                continue;
            };
            for run in prose(file.path(), text) {
                checked += 1;
                let set = typeset(&run, lang);
                if set != run {
                    untypeset.push(format!(
                        "{}: {run:?}\n   should read {set:?}",
                        file.path().display()
                    ));
                }
            }
        }
        assert!(checked > 20, "only {checked} runs of prose found");
        assert!(untypeset.is_empty(), "{}", untypeset.join("\n"));
    }
}
