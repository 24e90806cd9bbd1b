//! Text in, text out: Markdown to HTML, typography per language, and numbers, money
//! and dates as each language writes them. Pure functions over strings; no files.

pub(crate) mod l10n;
pub(crate) mod markdown;
pub(crate) mod plain;
pub(crate) mod typography;
