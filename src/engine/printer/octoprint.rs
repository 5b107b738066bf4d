//! OctoPrint's REST API, as requests to send and answers to read, with no I/O of its own: the
//! app sends the requests with `fetch`, the tests with a plain HTTP client.
//!
//! - Upload and print: `POST /api/files/local`, multipart with `file`, `select=true` and
//!   `print=true`; 201 with the stored file.
//! - Job: `GET /api/job` → `state` ("Operational", "Printing", "Paused", "Cancelling",
//!   "Offline", "Error: …"), `job.file.name`, `progress.completion` (percent, null when idle),
//!   `progress.printTime` and `printTimeLeft` (seconds).
//! - Printer: `GET /api/printer` → `temperature.tool0/bed.{actual,target}` and `state.text`;
//!   409 when no printer is connected.
//! - Job commands: `POST /api/job` with `{"command":"pause","action":"pause"|"resume"}` or
//!   `{"command":"cancel"}`; 409 when no job is in that state.
//! - Every call carries `X-Api-Key` (401/403 without a valid one). A browser page can call it
//!   only when OctoPrint allows cross-origin requests (Settings → API → "Allow Cross Origin
//!   Resource Sharing", `api.allowCrossOrigin: true`).

pub use super::Request;
use super::multipart;
use serde_json::Value;

/// Why a call failed, in words for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    #[error("OctoPrint refused the API key (check it under Settings → Application Keys)")]
    Key,
    #[error("OctoPrint has no printer connected (connect it in OctoPrint's Connection panel)")]
    NotConnected,
    #[error("OctoPrint cannot do that now: {0}")]
    Conflict(String),
    #[error("OctoPrint answered {status}{text}")]
    Http { status: u16, text: String },
    #[error("This address is not an OctoPrint server: {0}")]
    NotServer(&'static str),
}

/// One OctoPrint server.
#[derive(Debug, Clone, PartialEq)]
pub struct OctoPrint {
    pub key: String,
}

/// A job command.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JobCommand {
    Pause,
    Resume,
    Cancel,
}

/// What `GET /api/job` says.
#[derive(Debug, Clone, PartialEq)]
pub struct JobStatus {
    pub state: String,
    pub file: Option<String>,
    /// 0–100, None when no job.
    pub completion: Option<f64>,
    pub print_time: Option<f64>,
    pub time_left: Option<f64>,
}

impl JobStatus {
    pub fn printing(&self) -> bool {
        self.state.starts_with("Printing") || self.state.starts_with("Starting")
    }
}

/// A heater's reading from `GET /api/printer`.
#[derive(Debug, Clone, PartialEq)]
pub struct Heater {
    pub name: String,
    pub actual: f64,
    pub target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrinterStatus {
    pub state: String,
    pub heaters: Vec<Heater>,
}

impl OctoPrint {
    pub fn new(key: &str) -> OctoPrint {
        OctoPrint {
            key: key.trim().to_string(),
        }
    }

    fn request(
        &self,
        method: &'static str,
        path: &str,
        body: Vec<u8>,
        kind: Option<&str>,
    ) -> Request {
        let kind = kind.map(|k| ("Content-Type", k));
        Request::new(method, path, Some(&self.key), kind.as_slice(), body)
    }

    /// Uploads G-code to OctoPrint's own storage, and starts it when `print` is set.
    pub fn upload(&self, file_name: &str, gcode: &[u8], print: bool) -> Request {
        let flag = if print { "true" } else { "false" };
        let (kind, body) = multipart(file_name, gcode, &[("select", flag), ("print", flag)]);
        self.request("POST", "/api/files/local", body, Some(&kind))
    }

    pub fn job(&self) -> Request {
        self.request("GET", "/api/job", Vec::new(), None)
    }

    pub fn printer(&self) -> Request {
        self.request("GET", "/api/printer", Vec::new(), None)
    }

    pub fn command(&self, c: JobCommand) -> Request {
        let body = match c {
            JobCommand::Pause => r#"{"command":"pause","action":"pause"}"#,
            JobCommand::Resume => r#"{"command":"pause","action":"resume"}"#,
            JobCommand::Cancel => r#"{"command":"cancel"}"#,
        };
        self.request(
            "POST",
            "/api/job",
            body.as_bytes().to_vec(),
            Some("application/json"),
        )
    }
}

/// Turns an answer's status into an error where it is one.
pub fn check(status: u16, body: &[u8]) -> Result<(), ClientError> {
    let text = || {
        let t = String::from_utf8_lossy(body);
        // OctoPrint answers errors as {"error": "..."} or as HTML.
        serde_json::from_str::<Value>(&t)
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string))
            // An HTML error page says nothing a person can use here.
            .unwrap_or_else(|| match t.trim_start().starts_with('<') {
                true => String::new(),
                false => t.chars().take(200).collect(),
            })
    };
    match status {
        200..=299 => Ok(()),
        401 | 403 => Err(ClientError::Key),
        409 => {
            let t = text();
            if t.to_ascii_lowercase().contains("not operational") {
                Err(ClientError::NotConnected)
            } else {
                Err(ClientError::Conflict(t))
            }
        }
        404 => Err(ClientError::NotServer("it has no OctoPrint API (404)")),
        _ => Err(ClientError::Http {
            status,
            text: Some(text())
                .filter(|t| !t.is_empty())
                .map_or(String::new(), |t| format!(": {t}")),
        }),
    }
}

fn json(body: &[u8]) -> Result<Value, ClientError> {
    serde_json::from_slice(body)
        .map_err(|_| ClientError::NotServer("its answer is not OctoPrint's (not JSON)"))
}

pub fn parse_job(body: &[u8]) -> Result<JobStatus, ClientError> {
    let v = json(body)?;
    let state = v
        .get("state")
        .and_then(Value::as_str)
        .ok_or(ClientError::NotServer("its job answer has no state"))?
        .to_string();
    let progress = v.get("progress");
    let num = |k: &str| progress.and_then(|p| p.get(k)).and_then(Value::as_f64);
    Ok(JobStatus {
        state,
        file: v
            .pointer("/job/file/name")
            .and_then(Value::as_str)
            .map(str::to_string),
        completion: num("completion"),
        print_time: num("printTime"),
        time_left: num("printTimeLeft"),
    })
}

pub fn parse_printer(body: &[u8]) -> Result<PrinterStatus, ClientError> {
    let v = json(body)?;
    let state = v
        .pointer("/state/text")
        .and_then(Value::as_str)
        .unwrap_or("Unknown")
        .to_string();
    let mut heaters = Vec::new();
    if let Some(t) = v.get("temperature").and_then(Value::as_object) {
        for (name, h) in t {
            if let Some(actual) = h.get("actual").and_then(Value::as_f64) {
                heaters.push(Heater {
                    name: name.clone(),
                    actual,
                    target: h.get("target").and_then(Value::as_f64),
                });
            }
        }
    }
    Ok(PrinterStatus { state, heaters })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_carry_the_key_and_a_multipart_upload() {
        let o = OctoPrint::new(" KEY ");
        let r = o.upload("cube \"1\".gcode", b"G28\nG1 X1\n", true);
        assert_eq!(r.method, "POST");
        assert_eq!(r.path, "/api/files/local");
        assert!(r.headers.contains(&("X-Api-Key".into(), "KEY".into())));
        let body = String::from_utf8(r.body).unwrap();
        assert!(body.contains("filename=\"cube _1_.gcode\""));
        assert!(body.contains("G28\nG1 X1\n\r\n"));
        assert!(body.contains("name=\"print\"\r\n\r\ntrue"));
        assert!(body.ends_with(&format!("--{}--\r\n", super::super::BOUNDARY)));
        assert_eq!(
            String::from_utf8(o.command(JobCommand::Resume).body).unwrap(),
            r#"{"command":"pause","action":"resume"}"#
        );
    }

    #[test]
    fn answers_from_the_api_docs_are_read() {
        let job = br#"{"job":{"file":{"name":"whistle_v2.gcode","origin":"local"},"estimatedPrintTime":8811},"progress":{"completion":0.2298468,"filepos":337942,"printTime":276,"printTimeLeft":912},"state":"Printing"}"#;
        let j = parse_job(job).unwrap();
        assert!(j.printing());
        assert_eq!(j.file.as_deref(), Some("whistle_v2.gcode"));
        assert_eq!(j.time_left, Some(912.0));
        let idle = br#"{"job":{"file":{"name":null}},"progress":{"completion":null,"printTime":null,"printTimeLeft":null},"state":"Operational"}"#;
        assert_eq!(parse_job(idle).unwrap().completion, None);
        let printer = br#"{"temperature":{"tool0":{"actual":214.8821,"target":220.0,"offset":0},"bed":{"actual":50.221,"target":70.0,"offset":5}},"state":{"text":"Operational","flags":{"operational":true}}}"#;
        let p = parse_printer(printer).unwrap();
        assert_eq!(p.state, "Operational");
        assert_eq!(p.heaters.len(), 2);
        assert!(
            p.heaters
                .iter()
                .any(|h| h.name == "bed" && h.target == Some(70.0))
        );
        assert_eq!(check(401, b""), Err(ClientError::Key));
        assert_eq!(
            check(409, br#"{"error":"Printer is not operational"}"#),
            Err(ClientError::NotConnected)
        );
        // Another server's page: said in words, without the JSON parser's message.
        let e = parse_job(b"<html>").unwrap_err().to_string();
        assert_eq!(
            e,
            "This address is not an OctoPrint server: its answer is not OctoPrint's (not JSON)"
        );
        let e = check(404, b"<html><body>Not Found</body></html>").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("This address is not an OctoPrint server")
        );
        let e = check(500, b"<!DOCTYPE html><p>boom</p>").unwrap_err();
        assert_eq!(e.to_string(), "OctoPrint answered 500");
    }
}
