//! Creality printers on stock firmware (K1, K1C, K1 Max, K2 family, Ender-3 V3 family with
//! Creality OS): an HTTP upload endpoint and a WebSocket for everything else, as requests and
//! messages with no I/O of their own.
//!
//! Sources: OrcaSlicer's Creality Print host (`CrealityPrint.cpp`: `/info`, `/upload/`, the
//! start message and the K1 socket closing after it) and the field lists of open-source
//! clients of the printer's socket (Home Assistant's Creality integrations). None of it has
//! been checked against a real printer here; the tests run against `tests/creality_sim.py`,
//! which implements exactly what is written below.
//!
//! HTTP, port 80:
//! - `GET /info` → JSON with `model` (a code such as "F001" K1, "F008" K2 Plus) and more.
//! - `POST /upload/<name>`: multipart with the file in `file` (and the folder in `path`);
//!   Creality's client names files with `_` for spaces and adds an `MD5` header with the
//!   file's hex digest. Files land in `/usr/data/printer_data/gcodes/` (K2 family:
//!   `/mnt/UDISK/printer_data/gcodes/`).
//!
//! WebSocket, `ws://<ip>:9999/`, JSON text messages:
//! - the client sends `{"ModeCode":"heart_beat","msg":"<time>"}` every few seconds and the
//!   printer answers the bare text `ok`;
//! - `{"method":"get","params":{"ReqPrinterPara":1}}` asks for every field at once;
//! - the printer pushes objects holding only the fields that changed, so a status is the sum
//!   of everything received since connecting. Numbers may come as numbers or as strings.
//!   Fields: `state` (0 idle or finished, 1 printing, 2 self-test, 4 stopped, 5 paused),
//!   `deviceState`, `printProgress` (percent), `printJobTime` and `printLeftTime` (seconds),
//!   `printFileName` (full path on the printer), `nozzleTemp`/`targetNozzleTemp`,
//!   `bedTemp0`/`targetBedTemp0`, `boxTemp` (chamber), `err.errcode` (0 when fine),
//!   `model`, `hostname`;
//! - commands: start `{"method":"set","params":{"opGcodeFile":"printprt:<path>"}}`, pause
//!   `{"pause":1}`, resume `{"pause":0}`, stop `{"stop":1}` (all as `set` params). K1
//!   firmware may close the socket right after a start; reconnecting is normal.
//! - No authentication; CORS on the upload endpoint is unknown (a WebSocket is not subject
//!   to CORS).

use super::{LanStatus, Request, multipart, url_encode};
use serde_json::{Map, Value, json};

/// The printer's WebSocket port.
pub const SOCKET_PORT: u16 = 9999;
/// Where uploads land on K1-family printers.
pub const GCODE_DIR: &str = "/usr/data/printer_data/gcodes/";

/// The name the printer stores a file under: spaces become `_`, as Creality's client does.
pub fn stored_name(file_name: &str) -> String {
    file_name
        .chars()
        .map(|c| if c == ' ' || c == '/' { '_' } else { c })
        .collect()
}

pub fn info() -> Request {
    Request::new("GET", "/info", None, &[], Vec::new())
}

/// The model code from `GET /info`.
pub fn parse_info(body: &[u8]) -> Result<String, String> {
    let v: Value = serde_json::from_slice(body).map_err(|_| {
        "This address is not a Creality printer: its /info answer is not JSON".to_string()
    })?;
    v.get("model")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| {
            "This address is not a Creality printer: its /info answer names no model".into()
        })
}

/// Uploads G-code: the request and the name the printer will know it by.
pub fn upload(file_name: &str, gcode: &[u8]) -> (String, Request) {
    let name = stored_name(file_name);
    let digest = format!("{:x}", md5::compute(gcode));
    let (kind, body) = multipart(&name, gcode, &[("path", GCODE_DIR.trim_end_matches('/'))]);
    let r = Request::new(
        "POST",
        format!("/upload/{}", url_encode(&name)),
        None,
        &[("Content-Type", &kind), ("MD5", &digest)],
        body,
    );
    (name, r)
}

fn set(params: Value) -> String {
    json!({"method": "set", "params": params}).to_string()
}

/// Starts a file uploaded before.
pub fn start(stored: &str) -> String {
    set(json!({"opGcodeFile": format!("printprt:{GCODE_DIR}{stored}")}))
}

pub fn pause() -> String {
    set(json!({"pause": 1}))
}

pub fn resume() -> String {
    set(json!({"pause": 0}))
}

pub fn stop() -> String {
    set(json!({"stop": 1}))
}

/// Asks for every field.
pub fn request_all() -> String {
    json!({"method": "get", "params": {"ReqPrinterPara": 1}}).to_string()
}

/// Keeps the socket alive; `now` is any time text (the printer does not read it).
pub fn heartbeat(now: &str) -> String {
    json!({"ModeCode": "heart_beat", "msg": now}).to_string()
}

/// The printer's state, put together from the partial objects it pushes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frames {
    fields: Map<String, Value>,
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Frames {
    /// Takes one message; false when it was not a status (`ok`, other answers, garbage).
    pub fn feed(&mut self, text: &str) -> bool {
        let Ok(Value::Object(m)) = serde_json::from_str::<Value>(text) else {
            return false;
        };
        if !m.contains_key("state") && !m.keys().any(|k| STATUS_KEYS.contains(&k.as_str())) {
            return false;
        }
        self.fields.extend(m);
        true
    }

    /// Whether anything was received yet.
    pub fn known(&self) -> bool {
        !self.fields.is_empty()
    }

    fn num(&self, k: &str) -> Option<f64> {
        number(self.fields.get(k))
    }

    pub fn model(&self) -> Option<&str> {
        self.fields.get("model").and_then(Value::as_str)
    }

    /// The printer's error code, when it reports one.
    pub fn error(&self) -> Option<i64> {
        number(self.fields.get("err").and_then(|e| e.get("errcode")))
            .map(|c| c as i64)
            .filter(|c| *c != 0)
    }

    pub fn status(&self) -> LanStatus {
        let code = self.num("state").map(|s| s as i64);
        let progress = self
            .num("printProgress")
            .map(|p| (p / 100.0).clamp(0.0, 1.0));
        let file = self
            .fields
            .get("printFileName")
            .and_then(Value::as_str)
            .filter(|f| !f.is_empty())
            .map(|f| f.rsplit('/').next().unwrap_or(f).to_string());
        let state = match (self.error(), code) {
            (Some(e), _) => format!("Error {e}"),
            (None, Some(1)) => "Printing".into(),
            (None, Some(2)) => "Self-test".into(),
            (None, Some(4)) => "Stopped".into(),
            (None, Some(5)) => "Paused".into(),
            (None, Some(0)) if file.is_some() && progress == Some(1.0) => "Finished".into(),
            (None, Some(0)) => "Idle".into(),
            (None, Some(c)) => format!("State {c}"),
            (None, None) => "Connecting".into(),
        };
        let mut heaters = Vec::new();
        for (name, now, target) in [
            ("nozzle", "nozzleTemp", "targetNozzleTemp"),
            ("bed", "bedTemp0", "targetBedTemp0"),
            ("chamber", "boxTemp", "targetBoxTemp"),
        ] {
            if let Some(t) = self.num(now) {
                heaters.push((name.to_string(), t, self.num(target)));
            }
        }
        let active = matches!(code, Some(1 | 2 | 5));
        LanStatus {
            printing: matches!(code, Some(1 | 2)),
            paused: code == Some(5),
            file,
            progress,
            time_left: self.num("printLeftTime").filter(|_| active),
            heaters,
            state,
        }
    }
}

/// Fields that mark a message as a status push.
const STATUS_KEYS: [&str; 8] = [
    "printProgress",
    "nozzleTemp",
    "bedTemp0",
    "printFileName",
    "printLeftTime",
    "deviceState",
    "err",
    "model",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_and_commands_are_what_creality_clients_send() {
        let (name, r) = upload("cube part.gcode", b"G28\n");
        assert_eq!(name, "cube_part.gcode");
        assert_eq!(
            (r.method, r.path.as_str()),
            ("POST", "/upload/cube_part.gcode")
        );
        assert!(
            r.headers
                .contains(&("MD5".into(), "bed3f671261ea5abc6be16b782d1c47b".into()))
        );
        let body = String::from_utf8(r.body).unwrap();
        assert!(body.contains("filename=\"cube_part.gcode\"") && body.contains("G28\n"));
        let s: Value = serde_json::from_str(&start(&name)).unwrap();
        assert_eq!(
            s["params"]["opGcodeFile"],
            "printprt:/usr/data/printer_data/gcodes/cube_part.gcode"
        );
        assert_eq!(pause(), r#"{"method":"set","params":{"pause":1}}"#);
        assert_eq!(resume(), r#"{"method":"set","params":{"pause":0}}"#);
        assert_eq!(stop(), r#"{"method":"set","params":{"stop":1}}"#);
        assert_eq!(
            parse_info(br#"{"model":"F001","hostname":"K1-1234"}"#).unwrap(),
            "F001"
        );
        assert!(parse_info(b"<html>").is_err());
    }

    #[test]
    fn partial_pushes_add_up_to_a_status() {
        let mut f = Frames::default();
        assert!(!f.feed("ok"));
        assert!(!f.feed("{not json"));
        assert!(f.feed(r#"{"model":"F001","state":0,"nozzleTemp":"25.10","bedTemp0":24.5,"targetNozzleTemp":0,"err":{"errcode":0,"key":0}}"#));
        let s = f.status();
        assert_eq!((s.state.as_str(), s.printing), ("Idle", false));
        assert_eq!(s.heaters[0], ("nozzle".into(), 25.1, Some(0.0)));
        assert!(f.feed(r#"{"state":1,"printFileName":"/usr/data/printer_data/gcodes/cube.gcode","printProgress":42,"printLeftTime":"300"}"#));
        assert!(f.feed(r#"{"nozzleTemp":219.5,"targetNozzleTemp":220}"#));
        let s = f.status();
        assert!(s.printing);
        assert_eq!(s.file.as_deref(), Some("cube.gcode"));
        assert_eq!((s.progress, s.time_left), (Some(0.42), Some(300.0)));
        assert_eq!(s.heaters[0], ("nozzle".into(), 219.5, Some(220.0)));
        f.feed(r#"{"state":5}"#);
        assert!(f.status().paused && !f.status().printing);
        f.feed(r#"{"state":0,"printProgress":100}"#);
        assert_eq!(f.status().state, "Finished");
        assert_eq!(f.status().time_left, None);
        f.feed(r#"{"err":{"errcode":2001,"key":1}}"#);
        assert_eq!(f.status().state, "Error 2001");
    }
}
