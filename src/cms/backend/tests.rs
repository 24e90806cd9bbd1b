//! The local backend: only plain paths under `content/`, and translation status kept.

use super::*;

fn project() -> (tempfile::TempDir, LocalBackend) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("content/stories")).unwrap();
    std::fs::write(root.join("site.yaml"), "secret").unwrap();
    let backend = LocalBackend {
        root,
        languages: vec!["en".into(), "ru".into()],
    };
    (dir, backend)
}

fn post(backend: &LocalBackend, request: Value) -> Answer {
    backend.answer(request.to_string().as_bytes())
}

fn persist(path: &str, raw: &str) -> Value {
    json!({ "path": path, "raw": raw })
}

#[test]
fn writes_outside_content_are_refused_and_touch_nothing() {
    let (_dir, backend) = project();
    for path in [
        "../escape.md",
        "content/../site.yaml",
        "content/stories/../../site.yaml",
        "/etc/passwd",
        "site.yaml",
        "content\\..\\site.yaml",
        "content/.git/config",
        "content//stories/a.en.md",
        "content/./stories/a.en.md",
        "C:/content/a.md",
    ] {
        let (status, body) = post(
            &backend,
            json!({ "action": "persistEntry", "params": { "dataFiles": [persist(path, "pwned")], "assets": [] } }),
        );
        assert_eq!(status, 422, "{path}: {body}");
        let (status, _) = post(
            &backend,
            json!({ "action": "deleteFile", "params": { "path": path } }),
        );
        assert_eq!(status, 422, "{path}");
        let (status, _) = post(
            &backend,
            json!({ "action": "getEntry", "params": { "path": path } }),
        );
        assert_eq!(status, 422, "{path}");
    }
    // One bad file in a save refuses the whole save.
    let (status, _) = post(
        &backend,
        json!({ "action": "persistEntry", "params": { "dataFiles": [
            persist("content/stories/ok.en.md", "---\ntitle: a\n---\n"),
            persist("content/../site.yaml", "pwned"),
        ], "assets": [] } }),
    );
    assert_eq!(status, 422);
    assert!(!backend.root.join("content/stories/ok.en.md").exists());
    assert_eq!(
        std::fs::read_to_string(backend.root.join("site.yaml")).unwrap(),
        "secret"
    );
    assert!(!backend.root.parent().unwrap().join("escape.md").exists());
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_content_is_not_followed() {
    let (_dir, backend) = project();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), backend.root.join("content/out")).unwrap();
    let (status, _) = post(
        &backend,
        json!({ "action": "persistEntry", "params": { "dataFiles": [persist("content/out/x.en.md", "x")], "assets": [] } }),
    );
    assert_eq!(status, 422);
    assert!(!outside.path().join("x.en.md").exists());
}

#[test]
fn a_new_story_saved_in_both_languages_is_paired_and_an_edit_of_the_source_makes_it_stale() {
    let (_dir, backend) = project();
    let en = "---\ntitle: A\n---\nEnglish body\n";
    let ru = "---\ntitle: Б\n---\nРусский текст\n";
    let save = |en: &str, ru: &str| {
        post(
            &backend,
            json!({ "action": "persistEntry", "params": { "dataFiles": [
                persist("content/stories/a.en.md", en),
                persist("content/stories/a.ru.md", ru),
            ], "assets": [] } }),
        )
    };
    assert_eq!(save(en, ru).0, 200);
    let saved = std::fs::read_to_string(backend.root.join("content/stories/a.ru.md")).unwrap();
    let first = source_hash("English body\n");
    assert_eq!(
        saved,
        format!("---\ntitle: Б\nsource_hash: {first}\n---\nРусский текст\n")
    );
    assert_eq!(
        std::fs::read_to_string(backend.root.join("content/stories/a.en.md")).unwrap(),
        en
    );

    // The editor never shows the hash, so it sends the translation without it (or
    // with whatever it read): the recorded hash stays, and the new source differs.
    assert_eq!(save("---\ntitle: A\n---\nNew English body\n", ru).0, 200);
    let saved = std::fs::read_to_string(backend.root.join("content/stories/a.ru.md")).unwrap();
    assert_eq!(recorded(&saved).as_deref(), Some(first.as_str()));
    assert_ne!(first, source_hash("New English body\n"));
    let tampered = format!(
        "---\ntitle: Б\nsource_hash: {}\n---\nРусский текст\n",
        source_hash("New English body\n")
    );
    assert_eq!(
        save("---\ntitle: A\n---\nNew English body\n", &tampered).0,
        200
    );
    let saved = std::fs::read_to_string(backend.root.join("content/stories/a.ru.md")).unwrap();
    assert_eq!(recorded(&saved).as_deref(), Some(first.as_str()));
}

#[test]
fn entries_are_listed_sorted_with_their_text() {
    let (_dir, backend) = project();
    std::fs::write(backend.root.join("content/stories/b.en.md"), "B").unwrap();
    std::fs::write(backend.root.join("content/stories/a.en.md"), "A").unwrap();
    std::fs::write(backend.root.join("content/stories/.hidden.md"), "H").unwrap();
    let (status, body) = post(
        &backend,
        json!({ "action": "entriesByFolder", "params": { "folder": "content/stories", "extension": "md", "depth": 1 } }),
    );
    assert_eq!(status, 200);
    let paths: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["content/stories/a.en.md", "content/stories/b.en.md"]
    );
    assert_eq!(body[0]["data"], "A");
    let (status, body) = post(&backend, json!({ "action": "info" }));
    assert_eq!((status, &body["type"]), (200, &json!("local_fs")));
    let (status, _) = post(
        &backend,
        json!({ "action": "unpublishedEntries", "params": {} }),
    );
    assert_eq!(status, 422);
}

#[test]
fn the_comments_that_open_the_registry_survive_a_save_from_the_editor() {
    let (_dir, backend) = project();
    std::fs::write(
        backend.root.join("content/partners.yaml"),
        "# The registry.\n#   id  a slug\n\npartners:\n  - id: a # inline\n",
    )
    .unwrap();
    let save = |raw: &str| {
        post(
            &backend,
            json!({ "action": "persistEntry", "params": { "dataFiles": [persist("content/partners.yaml", raw)], "assets": [] } }),
        )
    };
    assert_eq!(save("partners:\n  - id: b\n").0, 200);
    let saved = std::fs::read_to_string(backend.root.join("content/partners.yaml")).unwrap();
    assert_eq!(
        saved,
        "# The registry.\n#   id  a slug\n\npartners:\n  - id: b\n"
    );
    // Saved again, the header is not doubled.
    assert_eq!(save("partners:\n  - id: c\n").0, 200);
    let saved = std::fs::read_to_string(backend.root.join("content/partners.yaml")).unwrap();
    assert_eq!(
        saved,
        "# The registry.\n#   id  a slug\n\npartners:\n  - id: c\n"
    );
}
