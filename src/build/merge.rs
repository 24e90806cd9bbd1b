//! Sharded builds, joined: each shard's partial manifest (`shard.json`) and
//! `refkit merge`, which turns N of them into the project-wide files.
//!
//! A shard of `refkit build --shard I/N` writes into its manifest folder the same
//! files a whole build writes (`links.csv`, `kits.csv`, `partners.csv`,
//! `summary.json`), holding only its own partners, and two more: `shard.json`, which
//! says which shard of how many it is, the whole build's fingerprint, its partners and
//! its counts; and `shard-redirects.txt`, its part of `_redirects`. Partners are
//! sorted by id in every file of a whole build, and a partner's rows all come from
//! one shard, so the merge is a stable sort of every shard's records by their first
//! field. The counts add up, except the files every shard with partners writes alike
//! (`kits/assets/`), counted once. The result is byte for byte what the whole build
//! writes: a test in the suite builds a project whole and as 1, 3 and 7 shards and
//! compares every file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::summary::BuildSummary;
use crate::base::diagnostics::{Error, Result};
use crate::model::project::Project;
use crate::model::shard::{Shard, ShardOf};
use crate::output::{self, Staging};
use crate::site::short;

/// The partial manifest's description of itself, in its manifest folder.
pub(crate) const SHARD_FILE: &str = "shard.json";
/// The manifest files that hold one row (or more) per partner, partner id first.
const PARTNER_TABLES: [&str; 3] = ["links.csv", "kits.csv", "partners.csv"];
/// The summary of the program, added up over the shards.
const SUMMARY_FILE: &str = "summary.json";
/// The folder every shard with partners writes alike: its files count once.
const SHARED_PREFIX: &str = "kits/assets";

/// `shard.json`: what a shard's manifest folder holds.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShardFile {
    /// The refkit version that built it: shards of one build come from one version.
    refkit: String,
    /// `I/N`.
    shard: String,
    /// How partners are assigned, in words.
    hash: String,
    /// The whole build's fingerprint: shards of one build share it.
    build: String,
    /// True for the shard that built the brand pages.
    brand: bool,
    /// The shard's partners, sorted by id.
    partners: Vec<String>,
    /// The shard's build summary, as the output marker records it.
    summary: String,
    /// True when the project's own `static/_redirects` replaces the short-link rules.
    static_redirects: bool,
    /// Files every shard with partners writes alike, with their sizes.
    shared: Vec<(String, u64)>,
}

/// Writes `shard.json` into a shard's manifest staging folder.
pub(super) fn write_part(
    staging: &Staging,
    project: &Project,
    part: ShardOf,
    whole: &str,
    summary: &BuildSummary,
) -> Result<()> {
    let file = ShardFile {
        refkit: env!("CARGO_PKG_VERSION").to_owned(),
        shard: part.shard.to_string(),
        hash: "64-bit FNV-1a of the partner id's UTF-8 bytes, modulo N, plus 1".to_owned(),
        build: whole.to_owned(),
        brand: part.builds_brand(),
        partners: project.partners.iter().map(|p| p.id.clone()).collect(),
        summary: summary.record(),
        static_redirects: part.builds_brand() && staging.has_public(short::REDIRECTS),
        shared: staging.public_files_under(SHARED_PREFIX)?,
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    staging.write_manifest(SHARD_FILE, text.as_bytes())
}

/// What `refkit merge` joins and where it writes.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// The project folder: output folders are checked against it, as a build's are.
    pub root: PathBuf,
    /// The shards' manifest folders, one per shard, in any order.
    pub shards: Vec<PathBuf>,
    /// Where the project-wide public files go (`_redirects` and the output marker).
    pub out: PathBuf,
    /// Where the joined manifest goes.
    pub manifest: PathBuf,
    /// The home folder, never accepted as an output folder.
    pub home: Option<PathBuf>,
}

/// One shard's manifest folder, read.
struct Part {
    dir: PathBuf,
    shard: Shard,
    file: ShardFile,
    summary: BuildSummary,
}

/// Joins the shards' partial manifests into the whole build's manifest and its
/// project-wide public files; returns the whole build's summary. Shards of another
/// build, a missing or repeated shard, and a changed file are errors naming the
/// folder.
pub fn merge(options: &MergeOptions) -> Result<BuildSummary> {
    let parts = read_parts(&options.shards)?;
    let home = options.home.as_deref();
    output::guard::check_output_folder(&options.root, &options.out, "--out", home)?;
    output::guard::check_output_folder(&options.root, &options.manifest, "--manifest", home)?;
    let _locks = (
        output::OutputLock::acquire(&options.out)?,
        output::OutputLock::acquire(&options.manifest)?,
    );
    let staging = Staging::create(&options.out, &options.manifest)?;
    for name in PARTNER_TABLES {
        let table = join_tables(&parts, name)?;
        staging.write_manifest(name, &table)?;
    }
    staging.write_manifest(SUMMARY_FILE, join_summaries(&parts)?.as_bytes())?;
    let (redirects, mut warnings) = join_redirects(&parts)?;
    let mut summary = add_up(&parts);
    if let Some(text) = redirects {
        staging.write_public(short::REDIRECTS, text.as_bytes(), "the short links")?;
        summary.files += 1;
        summary.bytes += text.len() as u64;
    }
    staging.set_fingerprint(&parts[0].file.build, &summary.record())?;
    staging.commit()?;
    summary.warnings.append(&mut warnings);
    Ok(summary)
}

/// Reads every shard's `shard.json`, checks that they are the N shards of one build,
/// and returns them in shard order.
fn read_parts(dirs: &[PathBuf]) -> Result<Vec<Part>> {
    if dirs.is_empty() {
        return Err(Error::Usage(
            "merge: name the manifest folder of every shard (e.g. refkit merge shard-1/manifest shard-2/manifest)".into(),
        ));
    }
    let mut parts = Vec::new();
    for dir in dirs {
        let path = dir.join(SHARD_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::Usage(format!(
                "merge: {} is not a shard's manifest folder ({e}); give the --manifest folder of a `refkit build --shard I/N`",
                dir.display()
            ))
        })?;
        let file: ShardFile = serde_json::from_str(&text).map_err(|e| {
            Error::Usage(format!(
                "merge: {}:{}: {e}; rebuild that shard",
                path.display(),
                e.line()
            ))
        })?;
        let bad = |why: &str| {
            Error::Usage(format!(
                "merge: {}: {why}; rebuild that shard",
                path.display()
            ))
        };
        let shard = Shard::parse(&file.shard).map_err(|e| bad(&e))?;
        let summary = BuildSummary::parse(&file.summary)
            .ok_or_else(|| bad("its summary is not one refkit writes"))?;
        parts.push(Part {
            dir: dir.clone(),
            shard,
            file,
            summary,
        });
    }
    parts.sort_by_key(|p| p.shard);
    check_parts(&parts)?;
    Ok(parts)
}

/// The shards must be exactly 1..=N of one build made by one refkit.
fn check_parts(parts: &[Part]) -> Result<()> {
    let first = &parts[0];
    let count = first.shard.count();
    for part in parts {
        let other = |what: &str| {
            Error::Usage(format!(
                "merge: {} and {} are shards of different builds ({what}); build every shard from the same commit, options and secret",
                first.dir.display(),
                part.dir.display()
            ))
        };
        if part.shard.count() != count {
            return Err(other(&format!("{} and {}", first.shard, part.shard)));
        }
        if part.file.build != first.file.build {
            return Err(other("their inputs differ"));
        }
        if part.file.refkit != first.file.refkit {
            return Err(other(&format!(
                "refkit {} and {}",
                first.file.refkit, part.file.refkit
            )));
        }
    }
    for pair in parts.windows(2) {
        if pair[0].shard == pair[1].shard {
            return Err(Error::Usage(format!(
                "merge: {} and {} are both shard {}; give each shard's manifest folder once",
                pair[0].dir.display(),
                pair[1].dir.display(),
                pair[0].shard
            )));
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|i| !parts.iter().any(|p| p.shard.index() == *i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "merge: shard {} missing; every one of the {count} shards' manifest folders is needed",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// One CSV table of every shard, its records sorted by partner id (stable, so a
/// partner's rows keep their order), under the header they all share.
fn join_tables(parts: &[Part], name: &str) -> Result<Vec<u8>> {
    let mut header: Option<(Vec<u8>, &Path)> = None;
    let mut records: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for part in parts {
        let path = part.dir.join(name);
        let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
        let mut rows = split_records(&bytes, &path)?.into_iter();
        let Some((_, head)) = rows.next() else {
            return Err(Error::Usage(format!(
                "merge: {} is empty; rebuild that shard",
                path.display()
            )));
        };
        match &header {
            None => header = Some((head.to_vec(), &part.dir)),
            Some((first, dir)) if first.as_slice() != head => {
                return Err(Error::Usage(format!(
                    "merge: {name} of {} and of {} have different columns; build every shard with the same refkit",
                    dir.display(),
                    part.dir.display()
                )));
            }
            Some(_) => {}
        }
        records.extend(rows.map(|(id, raw)| (id, raw.to_vec())));
    }
    records.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = header.map(|(h, _)| h).unwrap_or_default();
    for (_, raw) in records {
        out.extend_from_slice(&raw);
    }
    Ok(out)
}

/// The records of a CSV file: each record's first field and its raw bytes (with its
/// line end), as the build wrote them.
fn split_records<'a>(bytes: &'a [u8], path: &Path) -> Result<Vec<(Vec<u8>, &'a [u8])>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut starts = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        // The reader stops a CRLF record at its CR: the LF starts the next position.
        let mut start = reader.position().byte() as usize;
        if bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => starts.push((record.get(0).unwrap_or_default().to_vec(), start)),
            Err(e) => {
                return Err(Error::Usage(format!(
                    "merge: {}: {e}; rebuild that shard",
                    path.display()
                )))
            }
        }
    }
    let mut out = Vec::with_capacity(starts.len());
    for (n, (id, start)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(bytes.len(), |(_, s)| *s);
        out.push((id.clone(), &bytes[*start..end]));
    }
    Ok(out)
}

/// `summary.json` of every shard added up: counts add, and what every shard states
/// alike (the registry's size, the selection, the preferred channels) must agree.
fn join_summaries(parts: &[Part]) -> Result<String> {
    let mut joined: Option<serde_json::Value> = None;
    for part in parts {
        let path = part.dir.join(SUMMARY_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            Error::Usage(format!(
                "merge: {}:{}: {e}; rebuild that shard",
                path.display(),
                e.line()
            ))
        })?;
        joined = Some(match joined {
            None => value,
            Some(sum) => add_values(sum, value, "").map_err(|at| {
                Error::Usage(format!(
                    "merge: {} disagrees with the shards before it at `{at}`; build every shard from the same commit and options",
                    path.display()
                ))
            })?,
        });
    }
    let mut text = serde_json::to_string_pretty(&joined.unwrap_or_default()).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

/// `a` and `b` added: numbers add (but `registry`, the whole registry's size, is
/// the same in every shard), objects join key by key, anything else must be equal.
/// The error is the path where they disagree.
fn add_values(
    a: serde_json::Value,
    b: serde_json::Value,
    at: &str,
) -> std::result::Result<serde_json::Value, String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if at != "registry" => {
            match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => Ok(Value::from(x + y)),
                _ => Err(at.to_owned()),
            }
        }
        (Value::Object(mut x), Value::Object(y)) => {
            for (key, value) in y {
                let path = if at.is_empty() {
                    key.clone()
                } else {
                    format!("{at}.{key}")
                };
                let sum = match x.remove(&key) {
                    Some(mine) => add_values(mine, value, &path)?,
                    None => value,
                };
                x.insert(key, sum);
            }
            Ok(Value::Object(x))
        }
        (x, y) if x == y => Ok(x),
        _ => Err(at.to_owned()),
    }
}

/// `_redirects` from every shard's rules, as a whole build writes it; `None` with a
/// warning when a whole build writes none.
fn join_redirects(parts: &[Part]) -> Result<(Option<String>, Vec<String>)> {
    let partners: usize = parts.iter().map(|p| p.summary.partners).sum();
    if partners == 0 {
        return Ok((None, Vec::new()));
    }
    // (partner, is the copy's, rule)
    let mut rules: Vec<(String, bool, String)> = Vec::new();
    for part in parts {
        let path = part.dir.join(short::SHARD_REDIRECTS);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::io("read", &path, e)),
        };
        for (n, line) in text.lines().enumerate() {
            let mut cells = line.splitn(3, '\t');
            let (Some(id), Some(kind), Some(rule)) = (cells.next(), cells.next(), cells.next())
            else {
                return Err(Error::Usage(format!(
                    "merge: {}:{}: not a partner's short-link rule; rebuild that shard",
                    path.display(),
                    n + 1
                )));
            };
            if kind != short::OWN && kind != short::COPY {
                return Err(Error::Usage(format!(
                    "merge: {}:{}: `{kind}` is not a kind of short-link rule; rebuild that shard",
                    path.display(),
                    n + 1
                )));
            }
            rules.push((id.to_owned(), kind == short::COPY, rule.to_owned()));
        }
    }
    if parts.iter().any(|p| p.file.static_redirects) {
        return Ok((None, vec![format!(
            "warning: static/{} replaces the short-link rules refkit writes; the pages under /r/ still redirect",
            short::REDIRECTS
        )]));
    }
    // A stable sort: each partner's rules keep the order its shard wrote them in.
    rules.sort_by(|a, b| a.0.cmp(&b.0));
    let (printed, own): (Vec<_>, Vec<_>) = rules.into_iter().partition(|r| r.1);
    let (text, warning) = short::redirects_file(
        own.into_iter().map(|r| r.2).collect(),
        printed.into_iter().map(|r| r.2).collect(),
    );
    Ok((text, warning.into_iter().collect()))
}

/// The shards' summaries added up, each file every shard wrote alike counted once.
fn add_up(parts: &[Part]) -> BuildSummary {
    let mut sum = BuildSummary {
        registry: parts[0].summary.registry,
        ..BuildSummary::parse("0 0 0 0 0 0 0 0 -").unwrap_or_else(|| parts[0].summary.clone())
    };
    let mut shared: BTreeMap<&str, (u64, usize)> = BTreeMap::new();
    for part in parts {
        let s = &part.summary;
        sum.pages += s.pages;
        sum.files += s.files;
        sum.links += s.links;
        sum.bytes += s.bytes;
        sum.partners += s.partners;
        sum.undated += s.undated;
        sum.kits += s.kits;
        for (market, counts) in &s.markets {
            let m = sum.markets.entry(market.clone()).or_default();
            m.partners += counts.partners;
            m.pages += counts.pages;
            m.kits += counts.kits;
            m.links += counts.links;
        }
        for (rel, size) in &part.file.shared {
            shared.entry(rel).or_insert((*size, 0)).1 += 1;
        }
    }
    for (size, copies) in shared.values() {
        let extra = copies.saturating_sub(1);
        sum.files -= extra;
        sum.bytes -= size * extra as u64;
    }
    sum
}
