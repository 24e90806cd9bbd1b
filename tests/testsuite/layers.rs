//! The shape of `src/`: the folders are layers, each imports only from the layers
//! below it, and no modules import each other in a circle.
//!
//! A parent module and its own children may use each other (a folder's `mod.rs` and
//! its files are one unit). Everything else is read from the source text: every
//! `crate::…`, `super::…` and `self::…` path outside comments, including the names
//! inside `use crate::{…}` groups.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first. A module may import from its own layer's other folders
/// (when that closes no cycle) and from every layer before it.
const LAYERS: &[&[&str]] = &[
    &["base"],
    &["text"],
    &["model"],
    &["load"],
    &["render"],
    &["output"],
    &["banners"],
    &["kits"],
    &["results"],
    &["site"],
    &["build"],
    &["cms"],
    &["check", "deploy", "serve"],
    &["cli", "cmd", "fuzzing"],
];

/// A module's path from the crate root (`["load", "pitch"]`); the root is `[]`.
type ModulePath = Vec<String>;

fn module_of(file: &str) -> ModulePath {
    let rel = file.trim_start_matches("src/").trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

fn layer_of(module: &[String]) -> Option<usize> {
    let top = module.first()?;
    LAYERS.iter().position(|l| l.contains(&top.as_str()))
}

/// The source without comments and string literals, so doc links and messages that
/// name modules are not mistaken for imports.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if !escaped && c == '"' {
                        break;
                    }
                    escaped = !escaped && c == '\\';
                }
                out.push_str("\"\"");
            }
            // A char literal such as '"' or '\'' (lifetimes have no closing quote).
            '\'' => {
                let mut probe = chars.clone();
                let literal = match (probe.next(), probe.next(), probe.next()) {
                    (Some('\\'), Some(_), Some('\'')) => 3,
                    (Some(a), Some('\''), _) if a != '\\' => 2,
                    _ => 0,
                };
                for _ in 0..literal {
                    chars.next();
                }
                out.push('\'');
            }
            c => out.push(c),
        }
    }
    out
}

/// Every path the code names from `crate`, `super` or `self`, made absolute
/// (segments after the anchor, `{…}` groups expanded one path each).
fn paths_named(module: &[String], is_mod_file: bool, code: &str) -> Vec<ModulePath> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let word_start = |i: usize| {
        i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == b'_'
                || bytes[i - 1] == b':')
    };
    for anchor in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(anchor) {
            let start = from + at;
            from = start + anchor.len();
            if !word_start(start) {
                continue;
            }
            let base: ModulePath = match anchor {
                "crate::" => Vec::new(),
                // In `a/mod.rs` (module `a`), `super` is `a`'s parent; in `a/b.rs`
                // (module `a::b`) too: both mean "one module up".
                "super::" => module[..module.len().saturating_sub(1)].to_vec(),
                _ => module.to_vec(),
            };
            let _ = is_mod_file;
            let mut names = Vec::new();
            expand(&code[from..], base, &mut names);
            found.extend(names);
        }
    }
    found
}

/// Reads one path (or a `{…}` group of them) from the start of `rest`.
fn expand(rest: &str, mut path: ModulePath, out: &mut Vec<ModulePath>) {
    let mut i = 0;
    let bytes = rest.as_bytes();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'{' {
            // A group: split at top-level commas and read each member.
            let mut depth = 0;
            let mut member_start = i + 1;
            for (j, c) in rest[i..].char_indices() {
                let j = i + j;
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        expand(&rest[member_start..j], path.clone(), out);
                        member_start = j + 1;
                        if c == '}' {
                            return;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            return;
        }
        let len = rest[i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len() - i);
        if len == 0 {
            break;
        }
        let name = &rest[i..i + len];
        if name != "self" {
            path.push(name.to_owned());
        }
        i += len;
        if rest[i..].starts_with("::") {
            i += 2;
        } else {
            break;
        }
    }
    out.push(path);
}

/// Problems with the shape of the source tree given as (path under the crate, text).
fn shape_problems(files: &[(String, String)]) -> Vec<String> {
    let modules: BTreeMap<ModulePath, &str> = files
        .iter()
        .map(|(f, _)| (module_of(f), f.as_str()))
        .collect();
    let mut edges: BTreeMap<ModulePath, BTreeSet<ModulePath>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (file, text) in files {
        let from = module_of(file);
        let code = code_only(text);
        for named in paths_named(&from, file.ends_with("mod.rs"), &code) {
            // The module a path lands in: its longest prefix that is a module file.
            let Some(to) = (0..=named.len())
                .rev()
                .map(|n| named[..n].to_vec())
                .find(|p| modules.contains_key(p))
            else {
                continue;
            };
            if to.is_empty() || to.starts_with(&from) || from.starts_with(&to) {
                continue;
            }
            if let (Some(a), Some(b)) = (layer_of(&from), layer_of(&to)) {
                if b > a {
                    let line = format!(
                        "{file} imports `crate::{}` from {}, a layer above it",
                        named.join("::"),
                        modules[&to]
                    );
                    if !problems.contains(&line) {
                        problems.push(line);
                    }
                }
            }
            edges.entry(from.clone()).or_default().insert(to);
        }
    }
    for cycle in cycles(&edges) {
        let files: Vec<&str> = cycle.iter().map(|m| modules[m]).collect();
        problems.push(format!(
            "these modules import each other in a circle: {}",
            files.join(" → ")
        ));
    }
    problems
}

/// Each circle of imports once, found by a depth-first search in sorted order.
fn cycles(edges: &BTreeMap<ModulePath, BTreeSet<ModulePath>>) -> Vec<Vec<ModulePath>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &ModulePath,
        edges: &BTreeMap<ModulePath, BTreeSet<ModulePath>>,
        marks: &mut BTreeMap<ModulePath, Mark>,
        stack: &mut Vec<ModulePath>,
        found: &mut Vec<Vec<ModulePath>>,
    ) {
        marks.insert(node.clone(), Mark::Open);
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            match marks.get(next) {
                Some(Mark::Open) => {
                    let at = stack.iter().position(|m| m == next).unwrap_or(0);
                    let mut cycle = stack[at..].to_vec();
                    cycle.push(next.clone());
                    found.push(cycle);
                }
                Some(Mark::Done) => {}
                None => visit(next, edges, marks, stack, found),
            }
        }
        stack.pop();
        marks.insert(node.clone(), Mark::Done);
    }
    let mut marks = BTreeMap::new();
    let mut found = Vec::new();
    for node in edges.keys() {
        if !marks.contains_key(node) {
            visit(node, edges, &mut marks, &mut Vec::new(), &mut found);
        }
    }
    found
}

fn source_tree() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(root.join("src"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .filter(|(rel, _)| rel != "src/main.rs")
        .collect();
    files.sort();
    files
}

#[test]
fn every_import_runs_down_the_layers_and_none_closes_a_circle() {
    let files = source_tree();
    assert!(files.len() > 40, "the source tree was not found");
    for (file, _) in &files {
        let module = module_of(file);
        assert!(
            module.is_empty() || layer_of(&module).is_some(),
            "{file} is in no layer: add its folder to LAYERS in this test and to ARCHITECTURE.md"
        );
    }
    let problems = shape_problems(&files);
    assert!(
        problems.is_empty(),
        "the layers are broken:\n{}",
        problems.join("\n")
    );
}

/// The layers as `LAYERS` groups them, one string per group (`check, deploy, serve`).
fn layer_groups() -> Vec<String> {
    LAYERS.iter().map(|group| group.join(", ")).collect()
}

/// The layer groups of ARCHITECTURE.md's "Layers" table: the first cell of each row,
/// its code spans without their trailing `/`.
fn architecture_groups(text: &str) -> Vec<String> {
    let table = text
        .split("\n## Layers\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_default();
    table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|line| {
            let cell = line.split(" |").next().unwrap_or_default();
            format!("`{cell}")
                .split(", ")
                .map(|name| name.trim_matches('`').trim_end_matches('/').to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

/// The layer groups of the line in `src/lib.rs`'s documentation that lists them:
/// `` `base` → `text` → … ``, groups between arrows.
fn lib_groups(text: &str) -> Vec<String> {
    let docs: String = text
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    let Some(start) = docs.find("`base` →") else {
        return Vec::new();
    };
    let list = docs[start..].split('.').next().unwrap_or_default();
    list.split('→')
        .map(|group| {
            group
                .split(',')
                .map(|name| name.trim().trim_matches(['`', '[', ']']).to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

#[test]
fn architecture_md_lib_rs_and_this_test_list_the_same_layers() {
    let root = env!("CARGO_MANIFEST_DIR");
    let read = |file: &str| std::fs::read_to_string(Path::new(root).join(file)).unwrap();
    let expected = layer_groups();
    assert!(expected.contains(&"banners".to_owned()));
    assert_eq!(
        architecture_groups(&read("ARCHITECTURE.md")),
        expected,
        "ARCHITECTURE.md's Layers table and LAYERS disagree"
    );
    assert_eq!(
        lib_groups(&read("src/lib.rs")),
        expected,
        "the layer line in src/lib.rs and LAYERS disagree"
    );
}

#[test]
fn a_disagreeing_layer_list_is_seen() {
    let table = "x\n## Layers\n\n| layer | owns |\n|---|---|\n| `base/` | a |\n| `check/`, `serve/` | b |\n\n## Next\n| `no` | c |\n";
    assert_eq!(architecture_groups(table), ["base", "check, serve"]);
    let lib = "//! The folders:\n//!\n//! `base` → `kits` → `check`, `serve` → [`cmd`].\n";
    assert_eq!(lib_groups(lib), ["base", "kits", "check, serve", "cmd"]);
    assert_ne!(lib_groups(lib), layer_groups());
}

#[test]
fn the_banner_engine_may_not_reach_up_into_kits() {
    let problems = shape_problems(&tree(&[
        ("src/lib.rs", "mod banners; mod kits;"),
        ("src/banners/mod.rs", "use crate::kits::KitRecord;\n"),
        (
            "src/kits/mod.rs",
            "use crate::banners::Studio;\npub struct KitRecord;",
        ),
    ]));
    assert_eq!(
        problems.first().map(String::as_str),
        Some("src/banners/mod.rs imports `crate::kits::KitRecord` from src/kits/mod.rs, a layer above it")
    );
}

fn tree(files: &[(&str, &str)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(f, t)| ((*f).to_owned(), (*t).to_owned()))
        .collect()
}

#[test]
fn an_import_up_the_layers_is_named_with_both_files() {
    // The import that joined two cycles before the layers existed: dates used a
    // helper of the kit archive.
    let problems = shape_problems(&tree(&[
        ("src/lib.rs", "pub mod base; pub mod kits;"),
        ("src/base/mod.rs", "pub mod dates;"),
        ("src/base/dates.rs", "use crate::kits::civil_date;\n"),
        (
            "src/kits/mod.rs",
            "pub fn civil_date() {}\nuse crate::base::dates;",
        ),
    ]));
    assert_eq!(
        problems.first().map(String::as_str),
        Some("src/base/dates.rs imports `crate::kits::civil_date` from src/kits/mod.rs, a layer above it")
    );
    assert!(
        problems.iter().any(|p| p.contains("circle")),
        "{problems:?}"
    );
}

#[test]
fn a_circle_inside_one_layer_is_named() {
    let problems = shape_problems(&tree(&[
        ("src/model/mod.rs", "pub mod a; pub mod b;"),
        ("src/model/a.rs", "use crate::{model::b::B, base::x};"),
        ("src/model/b.rs", "use super::a::A;"),
    ]));
    assert_eq!(
        problems,
        vec!["these modules import each other in a circle: src/model/a.rs → src/model/b.rs → src/model/a.rs"]
    );
}

#[test]
fn parents_and_children_may_use_each_other_and_comments_do_not_count() {
    let problems = shape_problems(&tree(&[
        (
            "src/kits/mod.rs",
            "mod text; use text::x; // see crate::site::y\n",
        ),
        (
            "src/kits/text.rs",
            "use super::Shared; /* crate::build */ const S: &str = \"crate::cmd\";",
        ),
        ("src/site/mod.rs", "use crate::kits::text;"),
    ]));
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn the_text_and_model_layers_do_no_io() {
    // Plain data and pure functions: reading files belongs to `load`, the clock and
    // the environment to the command that runs.
    let forbidden = [
        "std::fs",
        "fs::",
        "crate::base::files",
        "std::env",
        "File::",
        "SystemTime",
    ];
    let mut found = Vec::new();
    for (file, text) in source_tree() {
        let layer = file.starts_with("src/text/") || file.starts_with("src/model/");
        if !layer || file.ends_with("/tests.rs") {
            continue;
        }
        let code = code_only(&text);
        for word in forbidden {
            if code.contains(word) {
                found.push(format!("{file} uses `{word}`"));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn only_the_writer_touches_the_output() {
    // Pages, kits and the preview hand bytes to `output::Staging`; the commands that
    // scaffold sources (`init`, `new`, `translations --mark`) write into the project.
    let writes = [
        "fs::write",
        "fs::copy",
        "fs::create_dir",
        "fs::remove",
        "File::create",
        "fs::rename",
    ];
    // The editor's local backend (`serve --cms`) saves a marketer's edits into content/.
    // The image cache is not output: it keeps drawn images in its own folder between
    // builds (entries renamed into place, evicted at the end), and nothing there is
    // published; every other file of banners/ still writes through Staging.
    let may_write = [
        "src/output/",
        "src/cmd/",
        "src/load/translations.rs",
        "src/cms/backend.rs",
        "src/banners/cache.rs",
    ];
    let mut found = Vec::new();
    for (file, text) in source_tree() {
        if may_write.iter().any(|w| file.starts_with(w)) || file.ends_with("/tests.rs") {
            continue;
        }
        // Unit tests (at the end of a file, or a `tests.rs` of their own) and
        // test-only modules (`#![cfg(test)]`, such as `load::testing`) set up their
        // own folders.
        let code = code_only(&text);
        let code = code.split("#[cfg(test)]").next().unwrap_or_default();
        let code = code.split("#![cfg(test)]").next().unwrap_or_default();
        for word in writes {
            if code.contains(word) {
                found.push(format!("{file} uses `{word}`"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "write through output::Staging instead:\n{}",
        found.join("\n")
    );
}
