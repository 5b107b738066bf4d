//! Sending G-code to a printer: the end of the pipeline. Everything here is protocol without
//! I/O, so that the browser (WebSerial, `fetch`) and native tests drive the same code:
//! `serial` is the host side of the USB protocol of Marlin-style firmware; `octoprint`,
//! `moonraker` (Klipper) and `prusalink` are those servers' HTTP APIs as requests to send and
//! answers to read, and `lan` puts those three behind one face for the app's device list.

pub mod creality;
pub mod lan;
pub mod moonraker;
pub mod octoprint;
pub mod prusalink;
pub mod serial;

/// An HTTP request to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: &'static str,
    /// Path and query, starting with `/`.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// A request carrying an API key (where the server has one) and more headers.
    pub fn new(
        method: &'static str,
        path: impl Into<String>,
        key: Option<&str>,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Request {
        let key = key.map(|k| ("X-Api-Key", k));
        Request {
            method,
            path: path.into(),
            headers: key
                .iter()
                .chain(headers)
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body,
        }
    }
}

/// What a network printer is doing, the same for every kind.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LanStatus {
    /// The server's own word for it ("Printing", "printing", "PRINTING"…).
    pub state: String,
    pub printing: bool,
    pub paused: bool,
    pub file: Option<String>,
    /// 0 to 1.
    pub progress: Option<f64>,
    /// Seconds.
    pub time_left: Option<f64>,
    /// (name, current, target) in °C.
    pub heaters: Vec<(String, f64, Option<f64>)>,
}

const BOUNDARY: &str = "----LaminaUploadBoundary7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body with one file and some fields: (content type, body).
pub fn multipart(file_name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let name: String = file_name
        .chars()
        .map(|c| {
            if c == '"' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut body = Vec::with_capacity(bytes.len() + 512);
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n");
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// Percent-encodes a file name for a URL path or query.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
