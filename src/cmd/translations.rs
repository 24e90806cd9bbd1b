//! `refkit translations`: list every pair's state, or mark one as translated.

use crate::base::diagnostics::{display_path, Result};
use crate::cli::TranslationsArgs;
use crate::load::translations::{self, State};

/// Runs `refkit translations`.
pub fn run(args: TranslationsArgs) -> Result<()> {
    let root = args.root.root;
    let settings = crate::load::sources::settings(&root)?;
    if let Some(slug) = args.mark {
        let changed = translations::mark(&root, &settings, &slug)?;
        if changed.is_empty() {
            println!("{slug}: every translation already records the current source");
        }
        for file in changed {
            println!(
                "marked {} as translated from the current source",
                display_path(&file)
            );
        }
        return Ok(());
    }
    let pairs = translations::status(&root, &settings)?;
    let width = pairs.iter().map(|p| p.slug.len()).max().unwrap_or(4);
    for pair in &pairs {
        let detail = match &pair.state {
            State::Stale { .. } => format!(
                "{} changed since {} was translated",
                display_path(&pair.source),
                display_path(&pair.translation)
            ),
            State::Missing => format!("{} does not exist", display_path(&pair.translation)),
            State::Untranslated => format!(
                "{} is a placeholder: translate {}, then --mark it",
                display_path(&pair.translation),
                display_path(&pair.source)
            ),
            State::Untracked => {
                format!("{} records no source_hash", display_path(&pair.translation))
            }
            State::Paired => display_path(&pair.translation),
        };
        println!(
            "{:<5} {:<width$} {} {:<9} {detail}",
            pair.kind,
            pair.slug,
            pair.lang,
            pair.state.label()
        );
    }
    let count = |label: &str| pairs.iter().filter(|p| p.state.label() == label).count();
    println!(
        "{} paired, {} stale, {} untranslated, {} untracked, {} missing",
        count("paired"),
        count("stale"),
        count("untranslated"),
        count("untracked"),
        count("missing")
    );
    Ok(())
}
