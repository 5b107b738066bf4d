//! Model catalogs: the open format of Lamina's model library, before the model file in the
//! pipeline. A catalog is one JSON file that any static host can serve (GitHub Pages, S3, a
//! NAS); its URLs may be relative to the catalog's own address. This module reads and checks
//! catalogs, searches and sorts their models, checks downloaded files against them, and
//! builds a catalog from a folder of models (`lamina catalog build`).
//!
//! ```json
//! {
//!   "format": "lamina-catalog/1",
//!   "name": "Lamina calibration models",
//!   "report": "https://example.org/report?model={id}",
//!   "models": [{
//!     "id": "calibration-cube",
//!     "name": "Calibration cube",
//!     "author": "Lamina",
//!     "licence": "CC0-1.0",
//!     "tags": ["calibration"],
//!     "description": "A 20 mm cube.",
//!     "thumbnail": "thumbs/calibration-cube.png",
//!     "files": [{"url": "models/calibration-cube.stl", "size": 684, "sha256": "…"}],
//!     "created": "2026-11-30",
//!     "report": null
//!   }]
//! }
//! ```
//!
//! `report` (catalog-wide, or per model) is where copyright complaints go; `{id}` is
//! replaced by the model's id.

use crate::engine::mesh::{self, ImportError};
use crate::engine::model::thumbnail;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};

pub mod webdav;

pub const FORMAT: &str = "lamina-catalog/1";
/// Thumbnail size in pixels.
pub const THUMBNAIL: u32 = 256;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    pub format: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    pub models: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub author: String,
    pub licence: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub description: String,
    pub thumbnail: String,
    pub files: Vec<FileRef>,
    /// ISO 8601 date (`2026-11-30`).
    pub created: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRef {
    pub url: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CatalogError {
    #[error("not a model catalog: {0}")]
    NotJson(String),
    #[error("catalog format {0} is not one Lamina reads (it reads {FORMAT})")]
    Format(String),
    #[error("model {id}: {problem}")]
    Model { id: String, problem: String },
}

fn model_error(id: &str, problem: impl Into<String>) -> CatalogError {
    CatalogError::Model {
        id: id.to_string(),
        problem: problem.into(),
    }
}

/// Reads and checks a catalog.
/// What is wrong with a JSON file, for people: no parser positions.
fn json_words(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Data => {
            let m = e.to_string();
            let m = m.split(" at line ").next().unwrap_or(&m).replace('`', "'");
            format!("it lacks what a catalog holds ({m})")
        }
        _ => "it is not JSON".into(),
    }
}

pub fn parse(bytes: &[u8]) -> Result<Catalog, CatalogError> {
    let c: Catalog =
        serde_json::from_slice(bytes).map_err(|e| CatalogError::NotJson(json_words(&e)))?;
    if c.format != FORMAT {
        return Err(CatalogError::Format(c.format));
    }
    let mut ids = HashSet::new();
    for m in &c.models {
        if m.id.is_empty() || m.id.contains(['/', '?', '#', ' ']) {
            return Err(model_error(
                &m.id,
                "an id is one word of letters, digits, - and _",
            ));
        }
        if !ids.insert(&m.id) {
            return Err(model_error(&m.id, "the id appears twice"));
        }
        if m.name.trim().is_empty() {
            return Err(model_error(&m.id, "no name"));
        }
        if m.files.is_empty() {
            return Err(model_error(&m.id, "no model file"));
        }
        for f in &m.files {
            if f.url.trim().is_empty() {
                return Err(model_error(&m.id, "a file without a URL"));
            }
            if f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(model_error(
                    &m.id,
                    format!("{}: sha256 must be 64 hex digits", f.url),
                ));
            }
        }
    }
    Ok(c)
}

/// Resolves a URL found in a catalog against the catalog's own URL.
pub fn resolve(catalog_url: &str, url: &str) -> String {
    if url.contains("://") || url.starts_with("data:") {
        return url.to_string();
    }
    if let Some(rest) = url.strip_prefix("//") {
        let scheme = catalog_url.split("://").next().unwrap_or("https");
        return format!("{scheme}://{rest}");
    }
    let (origin, path) = match catalog_url.split_once("://") {
        Some((scheme, rest)) => {
            let cut = rest.find('/').unwrap_or(rest.len());
            (format!("{scheme}://{}", &rest[..cut]), &rest[cut..])
        }
        None => (String::new(), catalog_url),
    };
    if url.starts_with('/') {
        return format!("{origin}{url}");
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop(); // the catalog's own file name
    for seg in url.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                if parts.len() > 1 {
                    parts.pop();
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    let joined = if joined.starts_with('/') || origin.is_empty() {
        joined
    } else {
        format!("/{joined}")
    };
    format!("{origin}{joined}")
}

/// The report address of a model, with its id filled in. Only web and mail addresses: the
/// page makes a link of it, and a catalog is not trusted to put `javascript:` there.
pub fn report_url(c: &Catalog, m: &Entry) -> Option<String> {
    m.report
        .as_ref()
        .or(c.report.as_ref())
        .filter(|r| {
            let lower = r.trim_start().to_ascii_lowercase();
            ["https://", "http://", "mailto:"]
                .iter()
                .any(|s| lower.starts_with(s))
        })
        .map(|r| r.replace("{id}", &url_encode(&m.id)))
}

fn url_encode(s: &str) -> String {
    crate::engine::printer::url_encode(s)
}

/// How a list of models is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Name,
    Newest,
    Author,
}

/// The models whose name, tags, author or description hold every word of `query`, sorted:
/// their indices in `models`.
pub fn search(models: &[Entry], query: &str, sort: Sort) -> Vec<usize> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut out: Vec<usize> = (0..models.len())
        .filter(|&i| {
            let m = &models[i];
            let hay = format!(
                "{} {} {} {}",
                m.name,
                m.tags.join(" "),
                m.author,
                m.description
            )
            .to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect();
    match sort {
        Sort::Name => out.sort_by_key(|&i| models[i].name.to_lowercase()),
        Sort::Newest => out.sort_by(|&a, &b| models[b].created.cmp(&models[a].created)),
        Sort::Author => out.sort_by_key(|&i| {
            (
                models[i].author.to_lowercase(),
                models[i].name.to_lowercase(),
            )
        }),
    }
    out
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a downloaded file against its catalog entry and that it is a model: the objects it
/// holds, or why it is refused.
pub fn check_download(f: &FileRef, bytes: &[u8]) -> Result<Vec<mesh::ImportedObject>, String> {
    if bytes.len() as u64 != f.size {
        return Err(format!(
            "{}: {} bytes arrived, the catalog says {}",
            f.url,
            bytes.len(),
            f.size
        ));
    }
    let got = sha256_hex(bytes);
    if !got.eq_ignore_ascii_case(&f.sha256) {
        return Err(format!(
            "{}: the file is not the one the catalog describes (sha256 differs)",
            f.url
        ));
    }
    let name = f.url.rsplit('/').next().unwrap_or(&f.url);
    let name = name.split(['?', '#']).next().unwrap_or(name);
    mesh::import(name, bytes).map_err(|e| match e {
        ImportError::Unsupported(_) | ImportError::Garbage(_) => {
            format!("{name} is not a model Lamina can open: {e}")
        }
        e => format!("{name}: {e}"),
    })
}

/// What a folder's `catalog.toml` may say about the catalog and each model (keyed by file
/// stem); anything missing gets a sensible default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub report: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub licence: Option<String>,
    #[serde(default)]
    pub models: BTreeMap<String, ModelMeta>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelMeta {
    pub name: Option<String>,
    pub author: Option<String>,
    pub licence: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub description: Option<String>,
    pub created: Option<String>,
}

/// One file of a built catalog: its path inside the output folder and its bytes.
pub type Output = (String, Vec<u8>);

/// A catalog id made of a name: lower-case letters, digits, - and _.
fn slug(name: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() { "model".into() } else { s }
}

/// One model's entry and the files it brings (`models/<stored>`, `thumbs/<id>.png`).
fn entry(
    id: String,
    file: &str,
    stored: &str,
    bytes: &[u8],
    m: ModelMeta,
    defaults: &Meta,
    today: &str,
) -> Result<(Entry, Vec<Output>), String> {
    let objects = mesh::import(file, bytes).map_err(|e| format!("{file}: {e}"))?;
    let mut all = mesh::Mesh::default();
    for o in &objects {
        for t in &o.instances {
            all.append(&o.mesh.transformed(t));
        }
    }
    let stem = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file);
    let thumb = format!("thumbs/{id}.png");
    let url = format!("models/{stored}");
    let size = all.bounds().map(|b| b.size()).unwrap_or_default();
    let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let e = Entry {
        name: clean(m.name).unwrap_or_else(|| stem.replace(['_', '-'], " ")),
        author: clean(m.author)
            .or(defaults.author.clone())
            .unwrap_or_else(|| "unknown".into()),
        licence: clean(m.licence)
            .or(defaults.licence.clone())
            .unwrap_or_else(|| "unknown".into()),
        tags: m
            .tags
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        description: clean(m.description)
            .unwrap_or_else(|| format!("{:.0} × {:.0} × {:.0} mm", size.x, size.y, size.z)),
        thumbnail: thumb.clone(),
        files: vec![FileRef {
            url: url.clone(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        }],
        created: m.created.unwrap_or_else(|| today.to_string()),
        report: None,
        id,
    };
    let out = vec![
        (thumb, thumbnail::render_png(&all, THUMBNAIL)),
        (url, bytes.to_vec()),
    ];
    Ok((e, out))
}

/// Builds a catalog from model files (name, bytes) and their metadata: the catalog and the
/// files to write beside it (`models/…`, `thumbs/<id>.png`).
pub fn build(
    files: &[(String, Vec<u8>)],
    meta: &Meta,
    today: &str,
) -> Result<(Catalog, Vec<Output>), String> {
    let mut models = Vec::new();
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    for (file, bytes) in files {
        let stem = std::path::Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(file);
        let id = slug(stem);
        if !ids.insert(id.clone()) {
            return Err(format!("{file}: another file makes the same id '{id}'"));
        }
        let m = meta.models.get(stem).cloned().unwrap_or_default();
        let stored = file.rsplit('/').next().unwrap_or(file);
        let (e, files) = entry(id, file, stored, bytes, m, meta, today)?;
        models.push(e);
        out.extend(files);
    }
    let unknown: Vec<&String> = meta
        .models
        .keys()
        .filter(|k| {
            !files.iter().any(|(f, _)| {
                std::path::Path::new(f).file_stem().and_then(|s| s.to_str()) == Some(k.as_str())
            })
        })
        .collect();
    if let Some(k) = unknown.first() {
        return Err(format!(
            "catalog.toml describes '{k}', but no model file has that name"
        ));
    }
    models.sort_by(|a, b| a.id.cmp(&b.id));
    let catalog = Catalog {
        format: FORMAT.into(),
        name: meta.name.clone().unwrap_or_else(|| "Models".into()),
        description: meta.description.clone(),
        report: meta.report.clone(),
        models,
    };
    Ok((catalog, out))
}

/// Adds one model file to a catalog (a new one when `catalog` is None, named `new_name`):
/// the updated catalog and the files to store beside it. The id comes from the model's name,
/// made unique within the catalog; the file is stored under that id, so nothing already
/// published is overwritten.
pub fn add(
    catalog: Option<Catalog>,
    new_name: &str,
    file: &str,
    bytes: &[u8],
    m: ModelMeta,
    today: &str,
) -> Result<(Catalog, Vec<Output>), String> {
    let mut c = catalog.unwrap_or_else(|| Catalog {
        format: FORMAT.into(),
        name: new_name.into(),
        description: None,
        report: None,
        models: Vec::new(),
    });
    let stem = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file);
    let base = slug(
        m.name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(stem),
    );
    let taken = |id: &str| c.models.iter().any(|e| e.id == id);
    let id = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !taken(id))
        .unwrap_or(base);
    let ext = std::path::Path::new(file)
        .extension()
        .and_then(|s| s.to_str())
        .unwrap_or("stl")
        .to_ascii_lowercase();
    let (e, out) = entry(
        id.clone(),
        file,
        &format!("{id}.{ext}"),
        bytes,
        m,
        &Meta::default(),
        today,
    )?;
    c.models.push(e);
    Ok((c, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::mesh::write_binary_stl;
    use crate::engine::model::shapes;

    fn built() -> (Catalog, Vec<Output>) {
        let files = vec![
            (
                "Calibration cube.stl".to_string(),
                write_binary_stl(&shapes::shape("cube").unwrap()),
            ),
            (
                "overhang-test.stl".to_string(),
                write_binary_stl(&shapes::shape("overhang-test").unwrap()),
            ),
        ];
        let meta: Meta = toml::from_str(
            r#"
name = "Test library"
author = "Lamina"
licence = "CC0-1.0"
report = "https://example.org/report?model={id}"
[models.overhang-test]
name = "Overhang test"
tags = ["calibration", "overhang"]
created = "2026-01-02"
"#,
        )
        .unwrap();
        build(&files, &meta, "2026-11-30").unwrap()
    }

    #[test]
    fn a_built_catalog_reads_back_and_its_files_check() {
        let (c, out) = built();
        let json = serde_json::to_vec_pretty(&c).unwrap();
        let back = parse(&json).unwrap();
        assert_eq!(back, c);
        assert_eq!(c.models.len(), 2);
        let cube = &c.models[0];
        assert_eq!(
            (cube.id.as_str(), cube.name.as_str(), cube.licence.as_str()),
            ("calibration-cube", "Calibration cube", "CC0-1.0")
        );
        assert_eq!(cube.description, "20 × 20 × 20 mm");
        assert_eq!(cube.created, "2026-11-30");
        let (_, bytes) = out.iter().find(|(p, _)| *p == cube.files[0].url).unwrap();
        assert_eq!(check_download(&cube.files[0], bytes).unwrap().len(), 1);
        assert!(
            out.iter()
                .any(|(p, b)| *p == cube.thumbnail && b.starts_with(b"\x89PNG"))
        );
        assert_eq!(
            report_url(&c, &c.models[1]).as_deref(),
            Some("https://example.org/report?model=overhang-test")
        );
        let mut hostile = c.clone();
        hostile.models[1].report = Some(" JavaScript:window.ran=1".into());
        assert_eq!(report_url(&hostile, &hostile.models[1]), None);
        // A changed file, a short one and something that is no model are refused in words.
        let mut f = cube.files[0].clone();
        let mut wrong = bytes.clone();
        wrong[100] ^= 1;
        assert!(
            check_download(&f, &wrong)
                .unwrap_err()
                .contains("sha256 differs")
        );
        assert!(
            check_download(&f, &bytes[..10])
                .unwrap_err()
                .contains("10 bytes arrived")
        );
        let html = b"<html>not found</html>".to_vec();
        f.size = html.len() as u64;
        f.sha256 = sha256_hex(&html);
        f.url = "models/thing.stl".into();
        assert!(check_download(&f, &html).is_err());
    }

    #[test]
    fn bad_catalogs_are_named() {
        let e = parse(b"<html>").unwrap_err();
        assert_eq!(e.to_string(), "not a model catalog: it is not JSON");
        let e = parse(br#"{"format":"lamina-catalog/1"}"#)
            .unwrap_err()
            .to_string();
        assert!(!e.contains("line 1"), "{e}");
        assert!(matches!(
            parse(br#"{"format":"other/2","name":"x","models":[]}"#),
            Err(CatalogError::Format(_))
        ));
        let (c, _) = built();
        let mut twice = c.clone();
        twice.models[1].id = twice.models[0].id.clone();
        let e = parse(&serde_json::to_vec(&twice).unwrap()).unwrap_err();
        assert!(e.to_string().contains("appears twice"), "{e}");
        let mut short = c.clone();
        short.models[0].files[0].sha256 = "abc".into();
        let e = parse(&serde_json::to_vec(&short).unwrap()).unwrap_err();
        assert!(e.to_string().contains("64 hex digits"), "{e}");
    }

    #[test]
    fn search_and_sort() {
        let (c, _) = built();
        let names = |v: Vec<usize>| {
            v.iter()
                .map(|&i| c.models[i].name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(search(&c.models, "", Sort::Name)),
            ["Calibration cube", "Overhang test"]
        );
        assert_eq!(
            names(search(&c.models, "", Sort::Newest)),
            ["Calibration cube", "Overhang test"]
        );
        assert_eq!(
            names(search(&c.models, "OVERHANG calib", Sort::Name)),
            ["Overhang test"]
        );
        assert_eq!(names(search(&c.models, "lamina", Sort::Author)).len(), 2);
        assert!(search(&c.models, "benchy", Sort::Name).is_empty());
    }

    #[test]
    fn relative_urls_resolve_against_the_catalog() {
        let base = "https://example.org/lib/catalog.json?v=2";
        assert_eq!(
            resolve(base, "models/a.stl"),
            "https://example.org/lib/models/a.stl"
        );
        assert_eq!(resolve(base, "../x.stl"), "https://example.org/x.stl");
        assert_eq!(resolve(base, "/y.stl"), "https://example.org/y.stl");
        assert_eq!(
            resolve(base, "//cdn.example/z.stl"),
            "https://cdn.example/z.stl"
        );
        assert_eq!(resolve(base, "http://other/w.stl"), "http://other/w.stl");
        assert_eq!(
            resolve("library/catalog.json", "thumbs/a.png"),
            "library/thumbs/a.png"
        );
    }
}
