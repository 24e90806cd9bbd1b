//! `refkit cms`: the browser editor is written from the project, and `refkit check`
//! fails once the project changes under a committed copy.

use crate::common::Fixture;

const CMS: &str = "cms:\n  backend: github\n  repo: polarledger/partners\n";

fn with_cms() -> Fixture {
    let f = Fixture::minimal();
    let site = f.read("site.yaml");
    f.write("site.yaml", &format!("{site}{CMS}"));
    f
}

fn said(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_editor_is_made_from_the_projects_languages_markets_channels_and_banners() {
    let f = with_cms();
    let out = f.run(&["cms"]);
    assert!(out.status.success(), "{}", said(&out));
    let config = f.read("static/admin/config.yml");
    for wanted in [
        "  name: \"github\"\n  repo: \"polarledger/partners\"\n  branch: \"main\"\n",
        "  structure: \"multiple_files\"\n  locales: [\"en\", \"ru\"]\n  default_locale: \"en\"\n",
        "    folder: \"content/stories\"\n",
        "        options: [\"ru\", \"us\"]\n",
        "        options: [\"wide.png\"]\n",
        "\"^[A-Z0-9]{4,16}$\"",
        "        options: [\"pilot\", \"active\", \"ambassador\"]\n",
        "    folder: \"content/pitch/us\"\n",
        "x 280 (a link counts as 23)",
    ] {
        assert!(config.contains(wanted), "missing {wanted:?} in:\n{config}");
    }
    assert!(!config.contains("source_hash"), "the hash is never shown");
    let index = f.read("static/admin/index.html");
    assert!(index.contains("integrity=\"sha384-"), "{index}");
    assert!(
        index.contains("CMS.registerPreviewStyle(\"/assets/site.css\")"),
        "{index}"
    );

    // Running it again changes nothing, and the build publishes it at /admin/.
    let again = f.run(&["cms"]);
    assert!(said(&again).contains("static/admin/config.yml is up to date"));
    let check = f.run(&["check"]);
    assert!(check.status.success(), "{}", said(&check));
    f.build().unwrap();
    assert_eq!(f.read("public/admin/config.yml"), config);
}

#[test]
fn check_fails_when_a_new_banner_is_missing_from_the_committed_editor() {
    let f = with_cms();
    assert!(f.run(&["cms"]).status.success());
    f.write_bytes(
        "content/banners/tall.png",
        &crate::common::banner_png(180, 320),
    );
    let out = f.run(&["check"]);
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("static/admin/config.yml:"), "{text}");
    assert!(text.contains("no longer matches the project"), "{text}");
    assert!(text.contains("run `refkit cms`"), "{text}");
    assert!(f.run(&["cms"]).status.success());
    assert!(f.run(&["check"]).status.success());
}

#[test]
fn a_hand_edit_of_the_editors_configuration_is_drift_too() {
    let f = with_cms();
    assert!(f.run(&["cms"]).status.success());
    let config = f.read("static/admin/config.yml");
    f.write(
        "static/admin/config.yml",
        &config.replace("\"main\"", "\"drafts\""),
    );
    let text = said(&f.run(&["check"]));
    assert!(text.contains("static/admin/config.yml:6:1"), "{text}");
}

#[test]
fn cms_without_a_cms_block_says_what_to_add() {
    let f = Fixture::minimal();
    let out = f.run(&["cms"]);
    assert_eq!(out.status.code(), Some(1));
    let text = said(&out);
    assert!(text.contains("site.yaml"), "{text}");
    assert!(text.contains("backend: github"), "{text}");
    assert!(!f.exists("static/admin/config.yml"));
    // Without the block and without a committed editor, check has nothing to say.
    assert!(f.run(&["check"]).status.success());
}

#[test]
fn a_wrong_cms_block_is_reported_at_its_line() {
    let f = Fixture::minimal();
    let site = f.read("site.yaml");
    let line = site.lines().count() + 2;
    f.write(
        "site.yaml",
        &format!("{site}cms:\n  backend: svn\n  branch: \"a..b\"\n"),
    );
    let text = said(&f.run(&["cms"]));
    assert!(text.contains(&format!("site.yaml:{line}")), "{text}");
    assert!(text.contains("`svn` is not an editor backend"), "{text}");
    assert!(text.contains("github, gitlab, git-gateway"), "{text}");
    assert!(text.contains("`a..b` is not a branch name"), "{text}");
}

#[test]
fn serve_cms_refuses_to_listen_beyond_this_machine() {
    let f = Fixture::minimal();
    let out = f.run(&["serve", "--cms", "--bind", "0.0.0.0", "--port", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(said(&out).contains("--cms saves files and must stay on this machine"));
}
