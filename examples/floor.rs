//! The floor of the peer benchmark (`bench/bench.py peer`): the least any generator
//! must do with the peer corpus. Reads every `content/stories/*.md` of a refkit peer
//! corpus, drops its YAML front matter, renders the Markdown with pulldown-cmark
//! (default options plus tables) and writes `OUT/<lang>/stories/<slug>/index.html`
//! in a minimal HTML wrapper, on every core (rayon). No templates, no links between
//! pages, no list pages.
//!
//!     cargo build --release --example floor
//!     target/release/examples/floor CORPUS_DIR OUT_DIR

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{html, Options, Parser};
use rayon::prelude::*;

fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, corpus, out] = &args[..] else {
        return Err("usage: floor CORPUS_DIR OUT_DIR".into());
    };
    let mut stories: Vec<PathBuf> =
        fs::read_dir(Path::new(corpus).join("content").join("stories"))?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
    stories.retain(|p| p.extension().is_some_and(|e| e == "md"));
    stories
        .par_iter()
        .try_for_each(|path| render(path, Path::new(out)))?;
    Ok(())
}

/// `story-0001.en.md` → `OUT/en/stories/story-0001/index.html`.
fn render(path: &Path, out: &Path) -> Result<(), Box<dyn Error + Send + Sync>> {
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or("file name is not UTF-8")?;
    let (slug, lang) = name
        .rsplit_once('.')
        .ok_or_else(|| format!("{name}: no language in the file name"))?;
    let text = fs::read_to_string(path)?;
    let (front, body) = split_front_matter(&text);
    let title = front
        .lines()
        .find_map(|l| l.strip_prefix("title:"))
        .map(|t| t.trim().trim_matches('"'))
        .unwrap_or(slug);
    let mut page = String::with_capacity(body.len() * 3 / 2 + 128);
    page.push_str("<!doctype html><html lang=\"");
    page.push_str(lang);
    page.push_str("\"><meta charset=\"utf-8\"><title>");
    escape(title, &mut page);
    page.push_str("</title>\n");
    html::push_html(&mut page, Parser::new_ext(body, Options::ENABLE_TABLES));
    page.push_str("</html>\n");
    let dir = out.join(lang).join("stories").join(slug);
    fs::create_dir_all(&dir)?;
    fs::write(dir.join("index.html"), page)?;
    Ok(())
}

/// The front matter between the opening and closing `---` lines, and the body after it.
fn split_front_matter(text: &str) -> (&str, &str) {
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            return (&rest[..end], &rest[end + 5..]);
        }
    }
    ("", text)
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}
