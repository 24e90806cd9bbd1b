//! The product's words, each spelled once.
//!
//! Where sources live, the names of the templates a theme must have, the placeholders
//! pitch copy is stamped through and the link mediums refkit reserves. Loading,
//! checking, watching and fingerprinting all read these, so they cannot disagree.

/// The site settings file, relative to the project root.
pub(crate) const SETTINGS_FILE: &str = "site.yaml";
/// The partner registry.
pub(crate) const REGISTRY_FILE: &str = "content/partners.yaml";
/// Folder of stories.
pub(crate) const STORIES_DIR: &str = "content/stories";
/// Folder of pages.
pub(crate) const PAGES_DIR: &str = "content/pages";
/// Folder of pitch copy.
pub(crate) const PITCH_DIR: &str = "content/pitch";
/// Folder of banner images.
pub(crate) const BANNERS_DIR: &str = "content/banners";
/// Folder of the markets' playbooks.
pub(crate) const PLAYBOOKS_DIR: &str = "content/playbooks";
/// Every folder a build reads (beside [`SETTINGS_FILE`]): what the fingerprint hashes,
/// the preview watches and an output folder may never be inside.
pub(crate) const SOURCE_FOLDERS: &[&str] = &["content", "templates", "themes", "locales", "static"];

/// Page slugs the site's own paths use under `/<lang>/`.
pub(crate) const RESERVED_PAGE_SLUGS: &[&str] = &["stories"];

/// Templates a theme needs for kits.
pub(crate) const KIT_TEMPLATES: &[&str] = &[
    "kit.html",
    "kit-readme.html",
    "kit-readme.txt",
    "kit-document.html",
];

/// The placeholder in pitch copy replaced by the partner's tracked link.
pub(crate) const LINK_PLACEHOLDER: &str = "{link}";
/// The placeholder in pitch copy replaced by the partner's name.
pub(crate) const PARTNER_PLACEHOLDER: &str = "{partner}";

/// `utm_medium` of the link behind a kit's QR code.
pub(crate) const QR: &str = "qr";
/// `utm_medium` of links in a kit's own pages.
pub(crate) const KIT: &str = "kit";
/// `utm_medium` of links on a partner's microsite.
pub(crate) const MICROSITE: &str = "microsite";
/// Mediums refkit sets itself, so no channel may be called so.
pub(crate) const RESERVED_MEDIUMS: &[&str] = &[MICROSITE, QR, KIT];
