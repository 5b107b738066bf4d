//! Publishing models to a library source over WebDAV (Nextcloud, ownCloud and most NAS boxes
//! speak it): the model file and its thumbnail are PUT into the folder first, then the updated
//! `catalog.json`, so a catalog never names a file that is not there. The catalog is replaced
//! only if nobody changed it since it was read (`If-Match` with its ETag, or `If-None-Match: *`
//! for a new one), so two people publishing at once cannot lose each other's models.
//!
//! This module only builds the requests and reads the answers; the app sends them.

use super::{Catalog, Output};
use base64::Engine as _;

/// One request of a publication, with what it does in words for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub what: String,
}

/// A WebDAV folder address, checked, ending in `/`.
pub fn folder(input: &str) -> Result<String, String> {
    let s = input.trim();
    let Some((scheme, rest)) = s.split_once("://") else {
        return Err(format!(
            "'{s}' is not a folder address (it starts with https:// or http://)"
        ));
    };
    if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return Err(format!("'{s}': WebDAV folders are reached over http(s)"));
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || s.contains(['?', '#', ' ']) {
        return Err(format!("'{s}' is not a folder address"));
    }
    Ok(if s.ends_with('/') {
        s.to_string()
    } else {
        format!("{s}/")
    })
}

/// Where a folder's catalog lives.
pub fn catalog_url(folder: &str) -> String {
    format!("{folder}catalog.json")
}

/// The `Authorization` header for a user and password (HTTP Basic), or None without a user.
pub fn authorization(user: &str, password: &str) -> Option<String> {
    (!user.trim().is_empty()).then(|| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{password}", user.trim()))
        )
    })
}

fn auth_headers(auth: Option<&str>) -> Vec<(String, String)> {
    auth.map(|a| vec![("Authorization".to_string(), a.to_string())])
        .unwrap_or_default()
}

/// The request that reads the folder's current catalog (it may not exist yet).
pub fn read_request(folder: &str, auth: Option<&str>) -> Step {
    Step {
        method: "GET",
        url: catalog_url(folder),
        headers: auth_headers(auth),
        body: Vec::new(),
        what: "reading the folder's catalog.json".into(),
    }
}

/// On what condition the catalog is replaced.
#[derive(Debug, Clone, PartialEq)]
pub enum Guard {
    /// The folder had no catalog: only if there is still none (`If-None-Match: *`).
    New,
    /// Only if it is still the version read (`If-Match`).
    Version(String),
    /// The server showed no ETag (or hid it from other pages): unconditionally.
    Unguarded,
}

/// Reads the answer to [`read_request`]: the catalog (None where the folder has none yet) and
/// how to guard its replacement.
pub fn read_answer(
    status: u16,
    etag: Option<String>,
    body: &[u8],
) -> Result<(Option<Catalog>, Guard), String> {
    match status {
        200..=299 => {
            let c = super::parse(body)
                .map_err(|e| format!("the folder's catalog.json cannot be extended: {e}"))?;
            let guard = etag.map_or(Guard::Unguarded, Guard::Version);
            Ok((Some(c), guard))
        }
        404 => Ok((None, Guard::New)),
        s => Err(problem(s, "reading the folder's catalog.json")),
    }
}

fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "stl" => "model/stl",
        "3mf" => "model/3mf",
        "obj" => "model/obj",
        "png" => "image/png",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

/// The requests that publish `files` and then `catalog` into `folder`: the sub-folders made
/// (an existing one is fine), the files put, the catalog put last and only over the version
/// that was read.
pub fn steps(
    folder: &str,
    auth: Option<&str>,
    catalog: &Catalog,
    guard: &Guard,
    files: Vec<Output>,
) -> Vec<Step> {
    let mut out = Vec::new();
    let mut dirs: Vec<&str> = files
        .iter()
        .filter_map(|(p, _)| p.rsplit_once('/').map(|(d, _)| d))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        out.push(Step {
            method: "MKCOL",
            url: format!("{folder}{d}/"),
            headers: auth_headers(auth),
            body: Vec::new(),
            what: format!("making the folder {d}/"),
        });
    }
    for (path, body) in files {
        let mut headers = auth_headers(auth);
        headers.push(("Content-Type".into(), content_type(&path).into()));
        out.push(Step {
            method: "PUT",
            url: format!("{folder}{path}"),
            headers,
            body,
            what: format!("storing {path}"),
        });
    }
    let mut headers = auth_headers(auth);
    headers.push(("Content-Type".into(), "application/json".into()));
    match guard {
        Guard::Version(e) => headers.push(("If-Match".into(), e.clone())),
        Guard::New => headers.push(("If-None-Match".into(), "*".into())),
        Guard::Unguarded => {}
    }
    out.push(Step {
        method: "PUT",
        url: catalog_url(folder),
        headers,
        body: serde_json::to_vec_pretty(catalog).unwrap_or_default(),
        what: "storing catalog.json".into(),
    });
    out
}

/// Whether a step's answer means it worked; if not, what went wrong in words.
pub fn check(step: &Step, status: u16) -> Result<(), String> {
    match (step.method, status) {
        (_, 200..=299) => Ok(()),
        // MKCOL on a folder that exists.
        ("MKCOL", 405) => Ok(()),
        (_, s) => Err(problem(s, &step.what)),
    }
}

fn problem(status: u16, what: &str) -> String {
    let why = match status {
        401 => "the user name or password is wrong (Nextcloud wants an app password)".into(),
        403 => "this user may not write to that folder".into(),
        404 | 409 => "the folder does not exist on the server".into(),
        405 => "the address is not a WebDAV folder".into(),
        412 => {
            "someone changed the catalog meanwhile; publish again to add to their version".into()
        }
        413 => "the server refuses files this large".into(),
        507 => "the server is full".into(),
        s => format!("the server answered {s}"),
    };
    format!("{what}: {why}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::catalog::{ModelMeta, add, parse};
    use crate::engine::mesh::write_binary_stl;
    use crate::engine::model::shapes;

    #[test]
    fn folders_are_checked_and_end_in_a_slash() {
        assert_eq!(
            folder(" https://nas.local/dav/lamina ").unwrap(),
            "https://nas.local/dav/lamina/"
        );
        assert_eq!(folder("http://h/x/").unwrap(), "http://h/x/");
        assert!(folder("nas.local/dav").unwrap_err().contains("https://"));
        assert!(folder("ftp://nas/dav").is_err());
        assert!(folder("https:///x").is_err());
    }

    #[test]
    fn basic_authorization() {
        assert_eq!(
            authorization("maker", "lamina").as_deref(),
            Some("Basic bWFrZXI6bGFtaW5h")
        );
        assert_eq!(authorization(" ", "x"), None);
    }

    #[test]
    fn a_publication_puts_files_before_the_catalog_and_guards_it() {
        let stl = write_binary_stl(&shapes::shape("cube").unwrap());
        let m = ModelMeta {
            name: Some("Test cube".into()),
            licence: Some("CC-BY-4.0".into()),
            tags: vec!["calibration".into(), " ".into()],
            ..Default::default()
        };
        let (c, files) = add(None, "My models", "cube.stl", &stl, m.clone(), "2026-11-30").unwrap();
        let auth = authorization("maker", "lamina");
        let s = steps("https://nas/dav/", auth.as_deref(), &c, &Guard::New, files);
        let line: Vec<String> = s
            .iter()
            .map(|s| format!("{} {}", s.method, s.url))
            .collect();
        assert_eq!(
            line,
            [
                "MKCOL https://nas/dav/models/",
                "MKCOL https://nas/dav/thumbs/",
                "PUT https://nas/dav/thumbs/test-cube.png",
                "PUT https://nas/dav/models/test-cube.stl",
                "PUT https://nas/dav/catalog.json",
            ]
        );
        let last = s.last().unwrap();
        assert!(last.headers.contains(&("If-None-Match".into(), "*".into())));
        assert!(s.iter().all(|s| s.headers[0].0 == "Authorization"));
        let back = parse(&last.body).unwrap();
        assert_eq!(back.models[0].tags, ["calibration"]);
        assert_eq!(back.models[0].licence, "CC-BY-4.0");

        // Adding the same name again keeps the first model and gets its own id and file.
        let (c2, files2) = add(Some(back), "", "cube.stl", &stl, m, "2026-11-30").unwrap();
        assert_eq!(
            c2.models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["test-cube", "test-cube-2"]
        );
        let s2 = steps(
            "https://nas/dav/",
            None,
            &c2,
            &Guard::Version("\"e1\"".into()),
            files2,
        );
        assert!(s2.iter().any(|s| s.url.ends_with("models/test-cube-2.stl")));
        assert!(
            s2.last()
                .unwrap()
                .headers
                .contains(&("If-Match".into(), "\"e1\"".into()))
        );
    }

    #[test]
    fn answers_in_words() {
        let mk = &steps(
            "https://h/d/",
            None,
            &parse(br#"{"format":"lamina-catalog/1","name":"x","models":[]}"#).unwrap(),
            &Guard::Unguarded,
            vec![("models/a.stl".into(), vec![1])],
        )[0];
        assert!(check(mk, 405).is_ok());
        assert!(check(mk, 201).is_ok());
        assert!(check(mk, 401).unwrap_err().contains("password"));
        assert_eq!(read_answer(404, None, b"").unwrap(), (None, Guard::New));
        assert!(
            read_answer(200, None, b"<html>")
                .unwrap_err()
                .contains("cannot be extended")
        );
        assert!(read_answer(403, None, b"").unwrap_err().contains("may not"));
    }
}
