//! The product's words, each spelled once.
//!
//! Where sources live, the names of the templates a theme must have, the placeholders
//! pitch copy is stamped through, the link mediums refkit reserves, the channels it
//! treats specially and the Fluent messages it looks up itself. Loading, checking,
//! watching and fingerprinting all read these, so they cannot disagree. (Partner
//! stages and tiers are spelled once too, in their own name tables:
//! `model::partners::Stage::NAMES` and `Tier::NAMES`.)

/// Folder of the project's content: stories, pages, pitch copy, banners, playbooks
/// and the partner registry.
pub(crate) const CONTENT_DIR: &str = "content";
/// Folder of the project's own templates, which override the theme's.
pub(crate) const TEMPLATES_DIR: &str = "templates";
/// Folder of themes, one folder each.
pub(crate) const THEMES_DIR: &str = "themes";
/// Folder of Fluent messages, one folder per language.
pub(crate) const LOCALES_DIR: &str = "locales";
/// Folder of files copied to the site as they are.
pub(crate) const STATIC_DIR: &str = "static";

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
/// Where the exports of the tracking side live (`results:` in `site.yaml`).
pub(crate) const RESULTS_DIR: &str = "results";
/// The image cache's folder under the project root: drawn images kept between builds.
pub(crate) const CACHE_DIR: &str = ".refkit-cache";
/// Every folder a build reads (beside [`SETTINGS_FILE`]): what the fingerprint hashes,
/// the preview watches and an output folder may never be inside.
pub(crate) const SOURCE_FOLDERS: [&str; 6] = [
    CONTENT_DIR,
    TEMPLATES_DIR,
    THEMES_DIR,
    LOCALES_DIR,
    STATIC_DIR,
    RESULTS_DIR,
];

/// Page slugs the site's own paths use under `/<lang>/`.
pub(crate) const RESERVED_PAGE_SLUGS: &[&str] = &["stories"];

/// The template of a partner's results page: a theme needs it when `site.yaml` lists
/// result files.
pub(crate) const RESULTS_TEMPLATE: &str = "results.html";

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
/// [`LINK_PLACEHOLDER`] as Markdown leaves it in a link target: percent-encoded.
pub(crate) const LINK_PLACEHOLDER_ENCODED: &str = "%7Blink%7D";
/// [`PARTNER_PLACEHOLDER`] as Markdown leaves it in a link target: percent-encoded.
pub(crate) const PARTNER_PLACEHOLDER_ENCODED: &str = "%7Bpartner%7D";

/// `utm_medium` of the link behind a kit's QR code.
pub(crate) const QR: &str = "qr";
/// `utm_medium` of links in a kit's own pages.
pub(crate) const KIT: &str = "kit";
/// `utm_medium` of links on a partner's microsite.
pub(crate) const MICROSITE: &str = "microsite";
/// Mediums refkit sets itself, so no channel may be called so.
pub(crate) const RESERVED_MEDIUMS: &[&str] = &[MICROSITE, QR, KIT, short_links::MEDIUM];

/// Channels refkit treats specially, and the channels a project has when `site.yaml`
/// lists none. Each of them also has a share button on the kit page (`kits::share`).
pub(crate) mod channels {
    /// E-mail: its pitch copy has a subject and an HTML version.
    pub(crate) const EMAIL: &str = "email";
    /// LinkedIn.
    pub(crate) const LINKEDIN: &str = "linkedin";
    /// Telegram.
    pub(crate) const TELEGRAM: &str = "telegram";
    /// VK.
    pub(crate) const VK: &str = "vk";
    /// X: it counts every link as 23 characters, whatever its length.
    pub(crate) const X: &str = "x";
    /// WhatsApp: not a default channel, but a project that lists it gets a share
    /// button for it on the kit page.
    pub(crate) const WHATSAPP: &str = "whatsapp";
    /// The channels, with their length limits, of a project whose `site.yaml` lists none.
    pub(crate) const DEFAULTS: [(&str, Option<usize>); 5] = [
        (EMAIL, None),
        (LINKEDIN, Some(3000)),
        (TELEGRAM, Some(4096)),
        (VK, Some(4000)),
        (X, Some(280)),
    ];
}

/// The robots names of the search engines that partner pages, kits and short links
/// are kept from, each addressed on its own so that link-preview bots, which read
/// the generic `robots`, still show a preview (`site::deploy` says why).
pub(crate) const SEARCH_ENGINES: [&str; 3] = ["googlebot", "bingbot", "yandex"];

/// Short links: `<base>/r/<code>/`, one per channel below it, and the QR code's.
pub(crate) mod short_links {
    /// The folder of every short link in the output.
    pub(crate) const DIR: &str = "r";
    /// The QR code's segment: `/r/<code>/q/`.
    pub(crate) const QR_SEGMENT: &str = "q";
    /// The segment of the links in a kit's stories (channel `kit`): `/r/<code>/k/<tag>/`.
    pub(crate) const KIT_SEGMENT: &str = "k";
    /// Segments no channel may take.
    pub(crate) const RESERVED: &[&str] = &[QR_SEGMENT, KIT_SEGMENT];
    /// `utm_medium` of a partner's own short link, `/r/<code>/`: for places no
    /// channel names (said aloud, printed, pasted anywhere).
    pub(crate) const MEDIUM: &str = "link";
    /// `utm_content` of the links short links lead to.
    pub(crate) const ASSET: &str = "short-link";

    /// The segment of channel `id` when `site.yaml` sets none: a short, familiar
    /// abbreviation for the usual channels, the id itself for any other.
    pub(crate) fn segment(id: &str) -> &str {
        match id {
            "email" => "e",
            "telegram" => "t",
            "linkedin" => "in",
            "whatsapp" => "wa",
            "facebook" => "fb",
            "instagram" => "ig",
            other => other,
        }
    }
}

/// Fluent message ids refkit looks up itself, beside the ones templates name. `check`
/// reads [`messages::ENGINE`] and [`messages::ENGINE_PREFIXES`], so a message the
/// engine needs is never reported as unused.
pub(crate) mod messages {
    /// The label before an e-mail's subject ("Subject:", «Тема:»), on the kit page and
    /// at the top of a kit's plain-text e-mail.
    pub(crate) const KIT_SUBJECT: &str = "kit-subject";
    /// The call to action under a story in a kit ("Read it on our site").
    pub(crate) const KIT_STORY_CTA: &str = "kit-story-cta";
    /// The title of a kit's cadence (`$brand`, `$partner`).
    pub(crate) const CADENCE_TITLE: &str = "cadence-title";
    /// The line naming the cadence's start date (`$date`).
    pub(crate) const CADENCE_START: &str = "cadence-start";
    /// The line saying the cadence has no start date yet.
    pub(crate) const CADENCE_NO_START: &str = "cadence-no-start";
    /// A touch's day in the cadence (`$day`).
    pub(crate) const CADENCE_DAY: &str = "cadence-day";
    /// The label before the file of pitch copy to use.
    pub(crate) const CADENCE_COPY: &str = "cadence-copy";
    /// The label before the touch's tracked link.
    pub(crate) const CADENCE_LINK: &str = "cadence-link";
    /// The title of a short-link page (`$partner`, `$brand`).
    pub(crate) const SHORT_LINK_TITLE: &str = "short-link-title";
    /// The link on a short-link page for browsers that neither refresh nor run
    /// scripts (`$partner`, `$brand`).
    pub(crate) const SHORT_LINK_CONTINUE: &str = "short-link-continue";
    /// A percentage on a partner's results page (`$value`, a number already
    /// formatted for the language).
    pub(crate) const RESULTS_PERCENT: &str = "results-percent";
    /// Prefix of a channel's display name (`channel-email`), used in cadences when the
    /// language defines it.
    pub(crate) const CHANNEL_PREFIX: &str = "channel-";
    /// Prefix of the agency report's words (`report-title`, `report-by-channel`, …);
    /// a missing one shows as its id in the report.
    pub(crate) const REPORT_PREFIX: &str = "report-";

    /// Every id the engine looks up.
    pub(crate) const ENGINE: &[&str] = &[
        KIT_STORY_CTA,
        KIT_SUBJECT,
        CADENCE_TITLE,
        CADENCE_START,
        CADENCE_NO_START,
        CADENCE_DAY,
        CADENCE_COPY,
        CADENCE_LINK,
        SHORT_LINK_TITLE,
        SHORT_LINK_CONTINUE,
        RESULTS_PERCENT,
    ];
    /// Every prefix of ids the engine builds.
    pub(crate) const ENGINE_PREFIXES: &[&str] = &[CHANNEL_PREFIX, REPORT_PREFIX];
}

#[cfg(test)]
mod tests {
    /// `(name, value)` of every `pub(crate) const NAME: &str = "value";` in `module` of
    /// this file.
    fn string_consts(module: &str) -> Vec<(String, String)> {
        let source = include_str!("vocab.rs");
        let start = source
            .find(&format!("mod {module} {{"))
            .expect("the module is in this file");
        let body = &source[start..];
        let body = &body[..body.find("\n}\n").expect("the module ends")];
        body.lines()
            .filter_map(|l| {
                let l = l.trim();
                l.strip_prefix("pub(crate) const ")
                    .or_else(|| l.strip_prefix("pub const "))
            })
            .filter_map(|l| l.split_once(": &str = \""))
            .map(|(name, rest)| (name.to_owned(), rest.trim_end_matches("\";").to_owned()))
            .collect()
    }

    #[test]
    fn the_engine_list_names_every_message_id_the_engine_defines() {
        let consts = string_consts("messages");
        assert!(consts.len() >= 8, "{consts:?}");
        for (name, id) in consts {
            let listed = if name.ends_with("_PREFIX") {
                super::messages::ENGINE_PREFIXES.contains(&id.as_str())
            } else {
                super::messages::ENGINE.contains(&id.as_str())
            };
            assert!(listed, "{name} = {id:?} is missing from the engine lists");
        }
    }

    #[test]
    fn encoded_placeholders_are_the_placeholders_percent_encoded() {
        let encode = |p: &str| p.replace('{', "%7B").replace('}', "%7D");
        assert_eq!(
            super::LINK_PLACEHOLDER_ENCODED,
            encode(super::LINK_PLACEHOLDER)
        );
        assert_eq!(
            super::PARTNER_PLACEHOLDER_ENCODED,
            encode(super::PARTNER_PLACEHOLDER)
        );
    }

    #[test]
    fn every_named_channel_is_a_default_channel_but_whatsapp() {
        let consts = string_consts("channels");
        assert_eq!(
            consts.len(),
            super::channels::DEFAULTS.len() + 1,
            "{consts:?}"
        );
        for (name, id) in consts {
            assert!(
                id == super::channels::WHATSAPP
                    || super::channels::DEFAULTS.iter().any(|(c, _)| *c == id),
                "{name}"
            );
        }
        assert!(!super::channels::DEFAULTS
            .iter()
            .any(|(c, _)| *c == super::channels::WHATSAPP));
    }
}
