//! `refkit cms`: write the browser editor (`static/admin/`) from the project.

use crate::base::diagnostics::{display_path, Error, Result};
use crate::cli::CmsArgs;

/// Runs `refkit cms`.
pub fn run(args: CmsArgs) -> Result<()> {
    let root = args.root.root;
    let settings = crate::load::sources::settings(&root)?;
    let admin = crate::cms::committed(&root, &settings)?;
    for (file, text) in admin.files() {
        let path = root.join(&file);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            println!("{} is up to date", display_path(&file));
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io("write", &path, e))?;
        println!("wrote {}", display_path(&file));
    }
    Ok(())
}
