//! One face for every kind of network printer, so the app's device list treats them alike:
//! the requests that read a printer's status, upload (and start) a file and pause, resume or
//! cancel its job, and the answers read back as a [`LanStatus`] or an error in words. Each
//! kind's own API lives in its module (`octoprint`, `moonraker`, `prusalink`); this file only
//! chooses between them, checks addresses and says what to change on the printer when a
//! browser may not call it.

use super::creality;
use super::moonraker::{self, Moonraker};
use super::octoprint::{self, JobCommand, OctoPrint};
use super::prusalink::{self, PrusaLink};
use super::{LanStatus, Request};
use serde::{Deserialize, Serialize};

/// The kinds of network printer Lamina talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    OctoPrint,
    Moonraker,
    PrusaLink,
    /// Creality K1/K2/Ender-3 V3 family on stock firmware: HTTP upload, WebSocket status.
    Creality,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::OctoPrint,
        Kind::Moonraker,
        Kind::PrusaLink,
        Kind::Creality,
    ];

    /// The name people know it by.
    pub fn name(self) -> &'static str {
        match self {
            Kind::OctoPrint => "OctoPrint",
            Kind::Moonraker => "Klipper (Moonraker)",
            Kind::PrusaLink => "PrusaLink",
            Kind::Creality => "Creality (stock firmware)",
        }
    }

    /// The id stored and used in forms.
    pub fn id(self) -> &'static str {
        match self {
            Kind::OctoPrint => "octoprint",
            Kind::Moonraker => "moonraker",
            Kind::PrusaLink => "prusalink",
            Kind::Creality => "creality",
        }
    }

    pub fn from_id(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Whether calls need an API key (Moonraker's is optional: trusted clients need none).
    pub fn needs_key(self) -> bool {
        matches!(self, Kind::OctoPrint | Kind::PrusaLink)
    }

    /// Whether the kind has API keys at all.
    pub fn has_key(self) -> bool {
        self != Kind::Creality
    }

    /// Whether the printer pushes its status over a WebSocket (its port is then part of the
    /// printer's address) instead of answering status requests.
    pub fn socket(self) -> Option<u16> {
        match self {
            Kind::Creality => Some(creality::SOCKET_PORT),
            _ => None,
        }
    }

    /// Where the user finds the key.
    pub fn key_help(self) -> &'static str {
        match self {
            Kind::OctoPrint => {
                "OctoPrint: Settings → Application Keys (or Settings → API → Global API Key)"
            }
            Kind::Moonraker => {
                "Optional: only when Moonraker does not trust this computer (Mainsail/Fluidd: Settings → API key)"
            }
            Kind::PrusaLink => {
                "On the printer: Settings → Network → PrusaLink, or the printer's web page → Settings"
            }
            Kind::Creality => "No key: Creality's stock firmware has no login",
        }
    }

    /// What to change on the printer so that a page from another address may call it.
    pub fn cross_origin_help(self) -> &'static str {
        match self {
            Kind::OctoPrint => {
                "In OctoPrint: Settings → API → tick \"Allow Cross Origin Resource Sharing (CORS)\", save, and restart OctoPrint."
            }
            Kind::Moonraker => {
                "In moonraker.conf, under [authorization], add this page's address to cors_domains (for example cors_domains: *://lamina.example or *://192.168.*), then restart Moonraker."
            }
            Kind::PrusaLink => {
                "PrusaLink does not allow calls from other web pages. Download the G-code and upload it in the printer's own web page (Open printer page), or copy it to a USB stick."
            }
            Kind::Creality => {
                "Creality's stock firmware has no setting for this. Its status and controls still work (they use the printer's socket); to send the file, download the G-code and use a USB stick or Creality Print."
            }
        }
    }
}

/// Why talking to a network printer failed, in words for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct LanError(pub String);

fn err(e: impl std::fmt::Display) -> LanError {
    LanError(e.to_string())
}

/// A job command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Pause,
    Resume,
    Cancel,
}

/// What became of an uploaded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    /// On the printer, not printing.
    Stored,
    Started,
    /// Starts after the job now running.
    Queued,
}

/// A job command or start, as the printer takes it: an HTTP request, or a message on its
/// socket.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Http(Request),
    Socket(String),
}

/// One network printer: its kind and its key. The address is not here: every request's path
/// is relative to the printer's own address, and the key goes with it and nowhere else.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    pub kind: Kind,
    pub key: String,
}

/// A printer's status and, for PrusaLink, the job id its commands need.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Status {
    pub status: LanStatus,
    pub job: Option<u64>,
}

impl Client {
    pub fn new(kind: Kind, key: &str) -> Client {
        Client {
            kind,
            key: key.trim().to_string(),
        }
    }

    fn octoprint(&self) -> OctoPrint {
        OctoPrint::new(&self.key)
    }

    fn moonraker(&self) -> Moonraker {
        Moonraker {
            key: (!self.key.is_empty()).then(|| self.key.clone()),
        }
    }

    fn prusalink(&self) -> PrusaLink {
        PrusaLink {
            key: self.key.clone(),
            storage: "usb".into(),
        }
    }

    /// The requests whose answers make one status (all are sent, then `read_status` reads
    /// their answers in the same order).
    pub fn status_requests(&self) -> Vec<Request> {
        match self.kind {
            Kind::OctoPrint => vec![self.octoprint().job(), self.octoprint().printer()],
            Kind::Moonraker => vec![self.moonraker().info(), self.moonraker().status()],
            Kind::PrusaLink => vec![self.prusalink().status()],
            // The status comes over the socket; /info says who answers.
            Kind::Creality => vec![creality::info()],
        }
    }

    /// Reads the answers (status code and body) to `status_requests`.
    pub fn read_status(&self, answers: &[(u16, Vec<u8>)]) -> Result<Status, LanError> {
        if answers.len() != self.status_requests().len() {
            return Err(LanError("missing answers".into()));
        }
        match self.kind {
            Kind::OctoPrint => {
                let (code, body) = &answers[0];
                octoprint::check(*code, body).map_err(err)?;
                let job = octoprint::parse_job(body).map_err(err)?;
                let (code, body) = &answers[1];
                // 409: no printer connected to OctoPrint; the job's state says "Offline".
                let heaters = match octoprint::check(*code, body) {
                    Ok(()) => octoprint::parse_printer(body)
                        .map_err(err)?
                        .heaters
                        .into_iter()
                        .map(|h| (heater_name(&h.name), h.actual, h.target))
                        .collect(),
                    Err(octoprint::ClientError::NotConnected) => Vec::new(),
                    Err(e) => return Err(err(e)),
                };
                Ok(Status {
                    status: LanStatus {
                        // "Pausing", "Resuming" and "Finishing" pass in a moment: still printing
                        // ("Cancelling" is not: nothing is left to pause or cancel).
                        printing: job.printing()
                            || matches!(job.state.as_str(), "Pausing" | "Resuming" | "Finishing"),
                        paused: job.state.starts_with("Paused"),
                        file: job.file.clone(),
                        progress: job.completion.map(|c| c / 100.0),
                        time_left: job.time_left,
                        heaters,
                        state: job.state,
                    },
                    job: None,
                })
            }
            Kind::Moonraker => {
                let info = moonraker::answer(answers[0].0, &answers[0].1).map_err(err)?;
                moonraker::ready(&info).map_err(err)?;
                let v = moonraker::answer(answers[1].0, &answers[1].1).map_err(err)?;
                Ok(Status {
                    status: moonraker::parse_status(&v).map_err(err)?,
                    job: None,
                })
            }
            Kind::PrusaLink => {
                let (code, body) = &answers[0];
                prusalink::check(*code).map_err(err)?;
                let (status, job) = prusalink::parse_status(body).map_err(err)?;
                Ok(Status { status, job })
            }
            Kind::Creality => {
                let (code, body) = &answers[0];
                if !(200..300).contains(code) {
                    return Err(LanError(format!("the printer answered {code} to /info")));
                }
                let model = creality::parse_info(body).map_err(LanError)?;
                Ok(Status {
                    status: LanStatus {
                        state: format!("Ready (model {model})"),
                        ..LanStatus::default()
                    },
                    job: None,
                })
            }
        }
    }

    /// Uploads G-code to the printer, starting it when `print` is set.
    pub fn upload(&self, file_name: &str, gcode: &[u8], print: bool) -> Request {
        match self.kind {
            Kind::OctoPrint => self.octoprint().upload(file_name, gcode, print),
            Kind::Moonraker => self.moonraker().upload(file_name, gcode, print),
            Kind::PrusaLink => self.prusalink().upload(file_name, gcode, print),
            Kind::Creality => creality::upload(file_name, gcode).1,
        }
    }

    /// What starts a file once uploaded, for printers that do not start on upload.
    pub fn start_after_upload(&self, file_name: &str) -> Option<Command> {
        match self.kind {
            Kind::Creality => Some(Command::Socket(creality::start(&creality::stored_name(
                file_name,
            )))),
            _ => None,
        }
    }

    /// The request for a job command; PrusaLink needs the job's id from the status.
    pub fn action(&self, a: Action, job: Option<u64>) -> Result<Command, LanError> {
        Ok(Command::Http(match self.kind {
            Kind::OctoPrint => self.octoprint().command(match a {
                Action::Pause => JobCommand::Pause,
                Action::Resume => JobCommand::Resume,
                Action::Cancel => JobCommand::Cancel,
            }),
            Kind::Moonraker => self.moonraker().job(match a {
                Action::Pause => "pause",
                Action::Resume => "resume",
                Action::Cancel => "cancel",
            }),
            Kind::PrusaLink => {
                let job = job.ok_or_else(|| LanError("the printer reports no job".into()))?;
                let p = self.prusalink();
                match a {
                    Action::Pause => p.pause(job),
                    Action::Resume => p.resume(job),
                    Action::Cancel => p.stop(job),
                }
            }
            Kind::Creality => {
                return Ok(Command::Socket(match a {
                    Action::Pause => creality::pause(),
                    Action::Resume => creality::resume(),
                    Action::Cancel => creality::stop(),
                }));
            }
        }))
    }

    /// Reads the answer to an upload: whether the printer started (or queued) the file.
    pub fn read_upload(&self, code: u16, body: &[u8], print: bool) -> Result<Upload, LanError> {
        self.read_answer(code, body)?;
        // Printers started by a separate command (`start_after_upload`) only store the file.
        if !print || self.kind.socket().is_some() {
            return Ok(Upload::Stored);
        }
        Ok(match self.kind {
            // Moonraker stores the file even when Klipper cannot start it, and says so.
            Kind::Moonraker => {
                let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
                let flag = |k: &str| {
                    v.get(k)
                        .or_else(|| v.pointer(&format!("/result/{k}")))
                        .and_then(serde_json::Value::as_bool)
                        .unwrap_or(false)
                };
                if flag("print_started") {
                    Upload::Started
                } else if flag("print_queued") {
                    Upload::Queued
                } else {
                    Upload::Stored
                }
            }
            // OctoPrint and PrusaLink refuse the upload when they cannot print it.
            Kind::OctoPrint | Kind::PrusaLink | Kind::Creality => Upload::Started,
        })
    }

    /// Reads the answer to an upload or a job command.
    pub fn read_answer(&self, code: u16, body: &[u8]) -> Result<(), LanError> {
        match self.kind {
            Kind::OctoPrint => octoprint::check(code, body).map_err(err),
            Kind::Moonraker => moonraker::answer(code, body).map(|_| ()).map_err(err),
            Kind::PrusaLink => prusalink::check(code).map_err(err),
            Kind::Creality => match code {
                200..=299 => Ok(()),
                c => Err(LanError(format!(
                    "the printer answered {c}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(200)])
                ))),
            },
        }
    }
}

/// "tool0" → "nozzle", as the other kinds name them.
fn heater_name(n: &str) -> String {
    match n {
        "tool0" => "nozzle".into(),
        n if n.starts_with("tool") => format!("nozzle {}", &n[4..]),
        n => n.to_string(),
    }
}

/// A printer address as typed ("192.168.1.5", "octopi.local:5000/", "http://host/octoprint")
/// made into a base URL without a trailing slash: http:// is added where no scheme is given.
pub fn normalize_address(typed: &str) -> Result<String, LanError> {
    let t = typed.trim();
    if t.is_empty() {
        return Err(LanError(
            "type the printer's address, e.g. 192.168.1.50 or octopi.local".into(),
        ));
    }
    let (scheme, rest) = match t.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), t),
    };
    if scheme != "http" && scheme != "https" {
        return Err(LanError(format!(
            "{t}: a printer's address starts with http:// or https://"
        )));
    }
    let rest = rest.trim_end_matches('/');
    let host_port = rest.split('/').next().unwrap_or("");
    // "host", "host:port", "[v6]" or "[v6]:port".
    let (host, port) = match host_port.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':')),
            None => ("", None),
        },
        None => match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        },
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok());
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._:".contains(c));
    if !host_ok || !port_ok || rest.contains(char::is_whitespace) || rest.contains(['?', '#', '@'])
    {
        return Err(LanError(format!(
            "{t} is not a printer address (expected something like 192.168.1.50, octopi.local:5000 or http://printer/octoprint)"
        )));
    }
    Ok(format!("{scheme}://{rest}"))
}

/// The WebSocket URL of a printer at `address` (a normalized base URL) on `port`.
pub fn socket_url(address: &str, port: u16) -> String {
    let (scheme, rest) = address.split_once("://").unwrap_or(("http", address));
    let host_port = rest.split('/').next().unwrap_or(rest);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => format!("[{}]", v6.split(']').next().unwrap_or(v6)),
        None => host_port.split(':').next().unwrap_or(host_port).to_string(),
    };
    let ws = if scheme == "https" { "wss" } else { "ws" };
    format!("{ws}://{host}:{port}/")
}

/// The address space a printer's address is in, as Chromium's Local Network Access names it
/// (`targetAddressSpace` of `fetch`): "loopback" for this machine, "local" for private
/// addresses and for host names (which a printer on the LAN has), None for public addresses.
pub fn address_space(address: &str) -> Option<&'static str> {
    let rest = address.split_once("://").map_or(address, |(_, r)| r);
    let host_port = rest.split('/').next().unwrap_or(rest);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => host_port.split(':').next().unwrap_or(host_port),
    };
    if host.eq_ignore_ascii_case("localhost") || host.ends_with(".localhost") {
        return Some("loopback");
    }
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return match ip {
            std::net::IpAddr::V4(v4) if v4.is_loopback() => Some("loopback"),
            std::net::IpAddr::V4(v4)
                if v4.is_private()
                    || v4.is_link_local()
                    || v4.octets()[0] == 100 && (64..128).contains(&v4.octets()[1]) =>
            {
                Some("local")
            }
            std::net::IpAddr::V6(v6) if v6.is_loopback() => Some("loopback"),
            // Unique local (fc00::/7) and link-local (fe80::/10) addresses.
            std::net::IpAddr::V6(v6)
                if (v6.segments()[0] & 0xfe00) == 0xfc00
                    || (v6.segments()[0] & 0xffc0) == 0xfe80 =>
            {
                Some("local")
            }
            _ => None,
        };
    }
    Some("local")
}

/// Adds an address to the front of a recent-address list, keeping `keep` of them.
pub fn remember(recent: &mut Vec<String>, address: &str, keep: usize) {
    recent.retain(|a| a != address);
    recent.insert(0, address.to_string());
    recent.truncate(keep);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_normalized_or_refused_in_words() {
        for (typed, base) in [
            ("192.168.1.5", "http://192.168.1.5"),
            (" octopi.local:5000/ ", "http://octopi.local:5000"),
            ("HTTPS://printer/octoprint/", "https://printer/octoprint"),
            ("http://[fe80::1]:7125", "http://[fe80::1]:7125"),
            ("k1-max.lan", "http://k1-max.lan"),
        ] {
            assert_eq!(normalize_address(typed).unwrap(), base, "{typed}");
        }
        for bad in [
            "",
            "ftp://printer",
            "my printer",
            "host:port",
            "http://",
            "user@host",
            "host/?a=1",
        ] {
            let e = normalize_address(bad).unwrap_err().to_string();
            assert!(!e.is_empty(), "{bad}");
        }
    }

    #[test]
    fn address_spaces_follow_local_network_access() {
        for (a, space) in [
            ("http://127.0.0.1:5000", Some("loopback")),
            ("http://localhost", Some("loopback")),
            ("http://[::1]:80", Some("loopback")),
            ("http://192.168.1.5", Some("local")),
            ("http://10.0.0.7:7125", Some("local")),
            ("http://172.20.1.1", Some("local")),
            ("http://[fe80::1]", Some("local")),
            ("http://octopi.local", Some("local")),
            ("http://k1-max.lan/", Some("local")),
            ("http://8.8.8.8", None),
        ] {
            assert_eq!(address_space(a), space, "{a}");
        }
    }

    #[test]
    fn recent_addresses_are_unique_newest_first() {
        let mut r = vec!["a".to_string(), "b".into()];
        remember(&mut r, "b", 8);
        assert_eq!(r, ["b", "a"]);
        remember(&mut r, "c", 2);
        assert_eq!(r, ["c", "b"]);
    }

    #[test]
    fn every_kind_reads_its_status_into_one_shape() {
        let o = Client::new(Kind::OctoPrint, "K");
        assert_eq!(o.status_requests().len(), 2);
        let s = o
            .read_status(&[
                (200, br#"{"job":{"file":{"name":"cube.gcode"}},"progress":{"completion":50.0,"printTime":10,"printTimeLeft":10},"state":"Printing"}"#.to_vec()),
                (200, br#"{"temperature":{"tool0":{"actual":210.0,"target":210.0},"bed":{"actual":60.0,"target":60.0}},"state":{"text":"Printing"}}"#.to_vec()),
            ])
            .unwrap();
        assert!(s.status.printing);
        assert_eq!(s.status.progress, Some(0.5));
        assert!(
            s.status
                .heaters
                .contains(&("nozzle".into(), 210.0, Some(210.0)))
        );
        // No printer connected to OctoPrint: a status without heaters, not an error.
        let s = o
            .read_status(&[
                (200, br#"{"job":{"file":{"name":null}},"progress":{"completion":null},"state":"Offline"}"#.to_vec()),
                (409, br#"{"error":"Printer is not operational"}"#.to_vec()),
            ])
            .unwrap();
        assert_eq!(
            (s.status.state.as_str(), s.status.heaters.len()),
            ("Offline", 0)
        );
        let e = o
            .read_status(&[(403, Vec::new()), (403, Vec::new())])
            .unwrap_err();
        assert!(e.0.contains("API key"), "{e}");

        let m = Client::new(Kind::Moonraker, "");
        assert!(
            !m.status_requests()[0]
                .headers
                .iter()
                .any(|(k, _)| k == "X-Api-Key")
        );
        let not_ready = m
            .read_status(&[
                (200, br#"{"result":{"klippy_state":"error"}}"#.to_vec()),
                (200, b"{}".to_vec()),
            ])
            .unwrap_err();
        assert!(not_ready.0.contains("not ready"), "{not_ready}");

        let p = Client::new(Kind::PrusaLink, "k");
        let s = p
            .read_status(&[(200, br#"{"printer":{"state":"PAUSED","temp_nozzle":200.0},"job":{"id":7,"progress":20.0}}"#.to_vec())])
            .unwrap();
        assert!(s.status.paused);
        assert_eq!(s.job, Some(7));
        assert!(
            matches!(p.action(Action::Cancel, s.job), Ok(Command::Http(r)) if r.method == "DELETE")
        );
        assert!(p.action(Action::Pause, None).is_err());
        assert!(p.read_answer(409, b"").unwrap_err().0.contains("already"));
        assert!(o.read_answer(201, b"{}").is_ok());
        assert_eq!(o.read_upload(201, b"{}", true), Ok(Upload::Started));
        // Moonraker 0.11 with Klipper away: stored, not started (as answered on loopback).
        let m = Client::new(Kind::Moonraker, "");
        let stored = br#"{"action":"create_file","item":{"path":"t.gcode","root":"gcodes"},"print_started":false,"print_queued":false}"#;
        assert_eq!(m.read_upload(201, stored, true), Ok(Upload::Stored));
        let queued =
            br#"{"result":{"item":{"path":"t.gcode"},"print_started":false,"print_queued":true}}"#;
        assert_eq!(m.read_upload(201, queued, true), Ok(Upload::Queued));
    }

    #[test]
    fn uploads_and_commands_go_to_each_kinds_api() {
        let paths: Vec<_> = Kind::ALL
            .into_iter()
            .map(|k| Client::new(k, "k").upload("a b.gcode", b"G28\n", true).path)
            .collect();
        assert_eq!(
            paths,
            [
                "/api/files/local",
                "/server/files/upload",
                "/api/v1/files/usb/a%20b.gcode",
                "/upload/a_b.gcode"
            ]
        );
        let m = Client::new(Kind::Moonraker, "");
        assert!(matches!(
            m.action(Action::Resume, None),
            Ok(Command::Http(r)) if r.path == "/printer/print/resume"
        ));
        // Creality: upload over HTTP, start and commands on the socket.
        let c = Client::new(Kind::Creality, "");
        assert_eq!(
            c.upload("a b.gcode", b"G28\n", true).path,
            "/upload/a_b.gcode"
        );
        assert_eq!(c.read_upload(200, b"{}", true), Ok(Upload::Stored));
        assert!(matches!(
            c.start_after_upload("a b.gcode"),
            Some(Command::Socket(m)) if m.contains("printprt:/usr/data/printer_data/gcodes/a_b.gcode")
        ));
        assert!(
            matches!(c.action(Action::Pause, None), Ok(Command::Socket(m)) if m.contains("\"pause\":1"))
        );
        let s = c
            .read_status(&[(200, br#"{"model":"F001"}"#.to_vec())])
            .unwrap();
        assert_eq!(s.status.state, "Ready (model F001)");
        assert_eq!(
            socket_url("http://192.168.1.7", 9999),
            "ws://192.168.1.7:9999/"
        );
        assert_eq!(
            socket_url("http://[fe80::1]:80/x", 9999),
            "ws://[fe80::1]:9999/"
        );
        assert_eq!(
            socket_url("https://k1.lan:8443", 9999),
            "wss://k1.lan:9999/"
        );
        for k in Kind::ALL {
            assert_eq!(Kind::from_id(k.id()), Some(k));
            assert!(!k.cross_origin_help().is_empty());
        }
    }
}
