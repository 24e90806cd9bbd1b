//! The writer: staging, collisions, the swap, folders left to their file, updates
//! in place.

use super::*;

#[test]
fn folders_with_one_file_are_left_to_its_writer() {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    let s = Staging::create(&public, &dir.path().join("manifest")).unwrap();
    let files: Vec<String> = [
        "index.html",
        "a/b/index.html",
        "a/b-x/index.html",
        "a/b/c/index.html",
        "p/one/en/index.html",
        "p/one/en/stories/s/index.html",
        "d/e/f.html",
        "d/e/g.html",
    ]
    .map(str::to_owned)
    .to_vec();
    let escape = ["a/../../x/index.html".to_owned()];
    assert!(s.prepare_folders(&escape).is_err());
    assert!(!dir.path().join("x").exists());
    let own = s.prepare_folders(&files).unwrap();
    // `a/b` holds `a/b/c`; `d/e` holds two files; the rest hold one file each.
    assert_eq!(own, [false, false, true, true, false, true, false, false]);
    for (file, own) in files.iter().zip(own) {
        if own {
            s.write_public_in_own_folder(file, file.as_bytes(), file)
                .unwrap();
        } else {
            s.write_public(file, file.as_bytes(), file).unwrap();
        }
    }
    s.commit().unwrap();
    for file in &files {
        assert_eq!(fs::read_to_string(public.join(file)).unwrap(), *file);
    }
}

#[test]
fn failed_build_leaves_old_output_and_commit_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    let manifest = dir.path().join("manifest");
    let s = Staging::create(&public, &manifest).unwrap();
    s.write_public("a/index.html", b"one", "first").unwrap();
    s.commit().unwrap();
    assert_eq!(fs::read(public.join("a/index.html")).unwrap(), b"one");

    let s = Staging::create(&public, &manifest).unwrap();
    s.write_public("a/index.html", b"two", "second").unwrap();
    drop(s);
    assert_eq!(fs::read(public.join("a/index.html")).unwrap(), b"one");
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn a_folder_refkit_did_not_create_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let public = dir.path().join("public");
    fs::create_dir_all(&public).unwrap();
    fs::write(public.join("precious.txt"), "keep").unwrap();
    let err = Staging::create(&public, &dir.path().join("manifest")).unwrap_err();
    assert!(err.to_string().contains("not created by refkit"), "{err}");
}

#[test]
fn two_sources_for_one_path_are_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let s = Staging::create(&dir.path().join("p"), &dir.path().join("m")).unwrap();
    s.write_public("x.css", b"a", "static/x.css").unwrap();
    let err = s
        .write_public("x.css", b"b", "themes/t/static/x.css")
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("static/x.css") && text.contains("themes/t/static/x.css"),
        "{text}"
    );
}

#[test]
fn an_update_in_place_checks_paths_and_keeps_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let (public, manifest) = (dir.path().join("public"), dir.path().join("manifest"));
    let s = Staging::create(&public, &manifest).unwrap();
    s.write_public("a/index.html", b"one", "first").unwrap();
    s.write_public("b/index.html", b"gone", "second").unwrap();
    s.set_fingerprint("f", "summary").unwrap();
    s.commit().unwrap();

    let s = Staging::update_in_place(&public, &manifest).unwrap();
    s.write_public("a/index.html", b"two", "first").unwrap();
    s.write_public("new/deep/index.html", b"three", "third")
        .unwrap();
    s.remove_public("b/index.html").unwrap();
    assert!(s.write_public("../outside.html", b"x", "evil").is_err());
    assert!(s.write_public("a/index.html", b"x", "again").is_err());
    s.commit().unwrap();
    assert_eq!(fs::read(public.join("a/index.html")).unwrap(), b"two");
    assert_eq!(
        fs::read(public.join("new/deep/index.html")).unwrap(),
        b"three"
    );
    assert!(!public.join("b/index.html").exists());
    assert!(!dir.path().join("outside.html").exists());
    assert!(previous_build(&public, &manifest, "f").is_none());
    assert!(Staging::update_in_place(&dir.path().join("none"), &manifest).is_err());
}
