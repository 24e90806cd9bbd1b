//! The editor's configuration (`config.yml`), made from the project's own schema:
//! the languages of `site.yaml`, its markets and channels, the banners in
//! `content/banners/`, the registry's words and patterns. Nothing here is kept by
//! hand, so the editor cannot drift from what `refkit check` accepts.

use super::yaml::{s, strings, Value};
use crate::base::named::Named;
use crate::base::vocab::{
    BANNERS_DIR, LINK_PLACEHOLDER, PAGES_DIR, PARTNER_PLACEHOLDER, PITCH_DIR, REGISTRY_FILE,
    STORIES_DIR,
};
use crate::model::cms::Cms;
use crate::model::partners::{Stage, Tier};
use crate::model::settings::Settings;

/// Where the editor saves.
#[derive(Debug, Clone)]
pub(crate) enum Saving<'a> {
    /// The git host of `site.yaml`'s `cms:` block.
    Git(&'a Cms),
    /// `refkit serve --cms`: the preview server's own endpoint on this machine.
    Local {
        /// The endpoint's path on the preview server.
        endpoint: &'a str,
    },
}

/// What the configuration reads from the project besides `site.yaml`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Found {
    /// File names in `content/banners/` a story can show, sorted.
    pub banners: Vec<String>,
    /// The theme's and the project's stylesheets, as site paths (`assets/harbor.css`).
    pub styles: Vec<String>,
}

/// A referral code as the registry accepts it (`model::partners::is_code`).
const CODE_PATTERN: &str = "^[A-Z0-9]{4,16}$";
/// A partner id: a slug (`base::slug::is_slug`).
const SLUG_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
/// A calendar day.
const DAY: &str = "YYYY-MM-DD";

fn field(name: &'static str, label: &str, widget: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("name", s(name)),
        ("label", s(label)),
        ("widget", s(widget)),
    ]
}

fn with(mut f: Vec<(&'static str, Value)>, extra: Vec<(&'static str, Value)>) -> Value {
    f.extend(extra);
    Value::Map(f)
}

fn translated() -> (&'static str, Value) {
    ("i18n", Value::Bool(true))
}

fn shared() -> (&'static str, Value) {
    ("i18n", s("duplicate"))
}

fn optional() -> (&'static str, Value) {
    ("required", Value::Bool(false))
}

fn day(name: &'static str, label: &str, extra: Vec<(&'static str, Value)>) -> Value {
    let mut more = vec![
        ("format", s(DAY)),
        ("date_format", s(DAY)),
        ("time_format", Value::Bool(false)),
    ];
    more.extend(extra);
    with(field(name, label, "datetime"), more)
}

fn title_and_summary(summary_required: bool) -> Vec<Value> {
    let mut summary = vec![
        translated(),
        (
            "hint",
            s("One or two sentences for cards and link previews."),
        ),
    ];
    if !summary_required {
        summary.push(optional());
    }
    vec![
        with(field("title", "Title", "string"), vec![translated()]),
        with(field("summary", "Summary", "text"), summary),
    ]
}

fn body(hint: &str) -> Value {
    with(
        field("body", "Body", "markdown"),
        vec![translated(), ("hint", s(hint))],
    )
}

/// A folder of `<slug>.<lang>.md` documents, every language written at once.
fn documents(name: &str, label: &str, folder: &str, fields: Vec<Value>, sort: &[&str]) -> Value {
    Value::Map(vec![
        ("name", s(name)),
        ("label", s(label)),
        ("folder", s(folder)),
        ("create", Value::Bool(true)),
        ("extension", s("md")),
        ("format", s("frontmatter")),
        ("slug", s("{{slug}}")),
        ("identifier_field", s("title")),
        ("sortable_fields", strings(sort.iter().copied())),
        translated(),
        ("fields", Value::List(fields)),
    ])
}

fn stories(settings: &Settings, found: &Found) -> Value {
    let mut fields = title_and_summary(true);
    fields.push(day("date", "Date", vec![shared()]));
    fields.push(with(
        field("markets", "Markets", "select"),
        vec![
            ("multiple", Value::Bool(true)),
            (
                "options",
                strings(settings.markets.iter().map(|m| m.id.clone())),
            ),
            optional(),
            shared(),
            ("hint", s("Leave empty to show the story in every market.")),
        ],
    ));
    fields.push(with(
        field("banner", "Banner", "select"),
        vec![
            ("options", strings(found.banners.iter().cloned())),
            optional(),
            shared(),
            (
                "hint",
                s(format!("A banner template or photo from {BANNERS_DIR}/.")),
            ),
        ],
    ));
    fields.push(body(
        "Markdown. Write each language in its own column; the date, markets and banner are shared.",
    ));
    documents(
        "stories",
        "Stories",
        STORIES_DIR,
        fields,
        &["date", "title"],
    )
}

fn pages() -> Value {
    let mut fields = title_and_summary(false);
    fields.push(with(
        field("weight", "Weight", "number"),
        vec![
            ("value_type", s("int")),
            optional(),
            shared(),
            ("hint", s("Order in the navigation: lower comes first.")),
        ],
    ));
    fields.push(body("Markdown."));
    documents("pages", "Pages", PAGES_DIR, fields, &["weight", "title"])
}

fn limits_hint(settings: &Settings) -> String {
    let limits: Vec<String> = settings
        .channels
        .iter()
        .map(|c| match c.limit {
            Some(limit) if c.id == crate::base::vocab::channels::X => {
                format!("{} {limit} (a link counts as 23)", c.id)
            }
            Some(limit) => format!("{} {limit}", c.id),
            None => format!("{} none", c.id),
        })
        .collect();
    format!(
        "{PARTNER_PLACEHOLDER} becomes the partner's name and {LINK_PLACEHOLDER} their tracked link; every pitch needs {LINK_PLACEHOLDER}. Length limits once filled in, by channel (the file name): {}.",
        limits.join(", ")
    )
}

/// One collection per market: `<channel>.<lang>.md`, every language at once. The
/// editor cannot give one file of a folder its own fields, so the subject is shown
/// on every channel and `refkit check` requires it on e-mail only.
fn pitch(settings: &Settings) -> Vec<Value> {
    settings
        .markets
        .iter()
        .map(|market| {
            let fields = vec![
                with(
                    field("subject", "E-mail subject", "string"),
                    vec![
                        translated(),
                        optional(),
                        ("hint", s("E-mail only, and required there; leave it empty on other channels.")),
                    ],
                ),
                with(
                    field("asset", "Asset", "string"),
                    vec![
                        translated(),
                        optional(),
                        ("pattern", strings([SLUG_PATTERN, "lowercase letters, digits and hyphens"])),
                        ("hint", s("utm_content of this copy's links; empty means pitch-<channel>.")),
                    ],
                ),
                with(
                    field("body", "Text", "markdown"),
                    vec![
                        translated(),
                        ("modes", strings(["raw"])),
                        ("hint", s(limits_hint(settings))),
                    ],
                ),
            ];
            Value::Map(vec![
                ("name", s(format!("pitch-{}", market.id))),
                ("label", s(format!("Pitch copy: {}", market.id))),
                ("folder", s(format!("{PITCH_DIR}/{}", market.id))),
                ("create", Value::Bool(false)),
                ("extension", s("md")),
                ("format", s("frontmatter")),
                ("summary", s("{{filename}}")),
                translated(),
                ("fields", Value::List(fields)),
            ])
        })
        .collect()
}

fn registry(settings: &Settings) -> Value {
    let select = |name: &'static str, label: &str, options: Vec<String>, multiple: bool| {
        let mut extra = vec![("options", strings(options))];
        if multiple {
            extra.insert(0, ("multiple", Value::Bool(true)));
        }
        with(field(name, label, "select"), extra)
    };
    let partner = vec![
        with(
            field("id", "Id", "string"),
            vec![
                (
                    "pattern",
                    strings([SLUG_PATTERN, "lowercase letters, digits and hyphens"]),
                ),
                (
                    "hint",
                    s("Used in the partner's addresses; never change it once shared."),
                ),
            ],
        ),
        with(field("name", "Name", "string"), vec![]),
        select(
            "market",
            "Market",
            settings.markets.iter().map(|m| m.id.clone()).collect(),
            false,
        ),
        with(
            field("code", "Referral code", "string"),
            vec![(
                "pattern",
                strings([CODE_PATTERN, "4 to 16 capital letters (A-Z) and digits"]),
            )],
        ),
        select(
            "stage",
            "Stage",
            Stage::NAMES.iter().map(|n| (*n).to_owned()).collect(),
            false,
        ),
        select(
            "tier",
            "Tier",
            Tier::NAMES.iter().map(|n| (*n).to_owned()).collect(),
            false,
        ),
        select(
            "channels",
            "Channels",
            settings.channels.iter().map(|c| c.id.clone()).collect(),
            true,
        ),
        with(field("audience", "Audience", "text"), vec![optional()]),
        with(
            field("contact", "Contact", "object"),
            vec![
                optional(),
                ("collapsed", Value::Bool(true)),
                (
                    "fields",
                    Value::List(vec![
                        // Optional to the editor, which otherwise asks for it on a
                        // partner without a contact; `refkit check` requires it there.
                        with(
                            field("name", "Name", "string"),
                            vec![optional(), ("hint", s("Required when there is a contact."))],
                        ),
                        with(field("email", "E-mail", "string"), vec![optional()]),
                        with(field("telegram", "Telegram", "string"), vec![optional()]),
                    ]),
                ),
            ],
        ),
        day("start", "Start", vec![optional()]),
    ];
    Value::Map(vec![
        ("name", s("registry")),
        ("label", s("Partners")),
        (
            "files",
            Value::List(vec![Value::Map(vec![
                ("name", s("partners")),
                ("label", s("Partner registry")),
                ("file", s(REGISTRY_FILE)),
                ("format", s("yml")),
                (
                    "fields",
                    Value::List(vec![with(
                        field("partners", "Partners", "list"),
                        vec![
                            (
                                "summary",
                                s("{{fields.name}} ({{fields.market}}, {{fields.code}})"),
                            ),
                            ("fields", Value::List(partner)),
                        ],
                    )]),
                ),
            ])]),
        ),
    ])
}

/// The configuration's text.
pub(crate) fn config(settings: &Settings, found: &Found, saving: &Saving<'_>) -> String {
    let backend = match saving {
        Saving::Git(cms) => {
            let mut b = vec![("name", s(cms.backend.name()))];
            if let Some(repo) = &cms.repo {
                b.push(("repo", s(repo.clone())));
            }
            b.push(("branch", s(cms.branch.clone())));
            Value::Map(b)
        }
        Saving::Local { endpoint } => Value::Map(vec![
            ("name", s("proxy")),
            ("proxy_url", s(*endpoint)),
            ("branch", s("local")),
        ]),
    };
    let default = settings.default_language().to_owned();
    let mut collections = vec![stories(settings, found), pages()];
    collections.extend(pitch(settings));
    collections.push(registry(settings));
    let doc = Value::Map(vec![
        ("backend", backend),
        ("site_url", s(settings.base_url.clone())),
        ("media_folder", s(BANNERS_DIR)),
        ("public_folder", s(format!("{}banners", settings.base_path))),
        (
            "slug",
            Value::Map(vec![
                ("encoding", s("ascii")),
                ("clean_accents", Value::Bool(true)),
                ("sanitize_replacement", s("-")),
            ]),
        ),
        (
            "i18n",
            Value::Map(vec![
                ("structure", s("multiple_files")),
                ("locales", strings(settings.languages.iter().cloned())),
                ("default_locale", s(default)),
            ]),
        ),
        ("collections", Value::List(collections)),
    ]);
    let mut out = String::from(
        "# The browser editor's configuration, generated by `refkit cms` from site.yaml and\n# content/. Do not edit: run `refkit cms` again; `refkit check` fails when it is out of date.\n",
    );
    out.push_str(&super::yaml::to_string(&doc));
    out
}
