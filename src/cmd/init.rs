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
    count += write_dir(&THEME, &dir.join("themes/harbor"), &|_| true)?;
    count += write_dir(&LOCALES, &dir.join("locales"), &|p| p.ends_with("main.ftl"))?;
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
