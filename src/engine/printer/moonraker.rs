//! Moonraker (Klipper's API server) as requests to send and answers to read.
//!
//! - Upload (and print): `POST /server/files/upload`, multipart with `file`, `root=gcodes`
//!   and `print=true`; 201 with `result.item.path` and `result.print_started`.
//! - Start an uploaded file: `POST /printer/print/start?filename=…` → `{"result":"ok"}`.
//! - Status: `GET /printer/objects/query?print_stats&virtual_sdcard&extruder&heater_bed` →
//!   `result.status.print_stats.{state,filename,print_duration}` (state is "standby",
//!   "printing", "paused", "complete", "cancelled" or "error"),
//!   `virtual_sdcard.progress` (0–1), `extruder`/`heater_bed.{temperature,target}`.
//! - `POST /printer/print/pause`, `/resume`, `/cancel` → `{"result":"ok"}`.
//! - `GET /server/info` → `result.klippy_state` ("ready", "startup", "shutdown", "error").
//! - Errors: `{"error":{"code":400,"message":"Move out of range"}}`.
//! - An API key, where the server asks for one, goes in `X-Api-Key`. A browser page can call
//!   Moonraker only when its origin is in `cors_domains` in moonraker.conf.

use super::{LanStatus, Request, multipart, url_encode};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MoonrakerError {
    #[error("Moonraker refused the request: an API key is needed (or this address is not trusted)")]
    Key,
    #[error("Moonraker: {0}")]
    Server(String),
    #[error("Klipper is not ready ({0}): check the printer in its own web page")]
    NotReady(String),
    #[error("This address is not a Moonraker (Klipper) server: {0}")]
    NotServer(&'static str),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Moonraker {
    pub key: Option<String>,
}

impl Moonraker {
    fn request(
        &self,
        method: &'static str,
        path: String,
        body: Vec<u8>,
        kind: Option<String>,
    ) -> Request {
        let kind = kind.as_deref().map(|k| ("Content-Type", k));
        Request::new(method, path, self.key.as_deref(), kind.as_slice(), body)
    }

    pub fn upload(&self, file_name: &str, gcode: &[u8], print: bool) -> Request {
        let flag = if print { "true" } else { "false" };
        let (kind, body) = multipart(file_name, gcode, &[("root", "gcodes"), ("print", flag)]);
        self.request("POST", "/server/files/upload".into(), body, Some(kind))
    }

    pub fn start(&self, file_name: &str) -> Request {
        self.request(
            "POST",
            format!("/printer/print/start?filename={}", url_encode(file_name)),
            Vec::new(),
            None,
        )
    }

    pub fn status(&self) -> Request {
        self.request(
            "GET",
            "/printer/objects/query?print_stats&virtual_sdcard&extruder&heater_bed".into(),
            Vec::new(),
            None,
        )
    }

    pub fn info(&self) -> Request {
        self.request("GET", "/server/info".into(), Vec::new(), None)
    }

    /// `pause`, `resume` or `cancel`.
    pub fn job(&self, action: &str) -> Request {
        self.request("POST", format!("/printer/print/{action}"), Vec::new(), None)
    }
}

/// The answer's JSON, or the server's error in words.
pub fn answer(status: u16, body: &[u8]) -> Result<Value, MoonrakerError> {
    let v: Option<Value> = serde_json::from_slice(body).ok();
    if status == 401 || status == 403 {
        return Err(MoonrakerError::Key);
    }
    if let Some(e) = v.as_ref().and_then(|v| v.get("error")) {
        let msg = e
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("error")
            .to_string();
        return Err(MoonrakerError::Server(msg));
    }
    if !(200..300).contains(&status) {
        return Err(MoonrakerError::Server(format!("HTTP {status}")));
    }
    v.ok_or(MoonrakerError::NotServer(
        "its answer is not Moonraker's (not JSON)",
    ))
}

/// Klipper's state from `/server/info`; an error unless it is ready.
pub fn ready(v: &Value) -> Result<(), MoonrakerError> {
    match v.pointer("/result/klippy_state").and_then(Value::as_str) {
        Some("ready") => Ok(()),
        Some(s) => Err(MoonrakerError::NotReady(s.to_string())),
        None => Err(MoonrakerError::NotServer(
            "its server info has no Klipper state",
        )),
    }
}

pub fn parse_status(v: &Value) -> Result<LanStatus, MoonrakerError> {
    let s = v
        .pointer("/result/status")
        .ok_or(MoonrakerError::NotServer(
            "its status answer has no printer status",
        ))?;
    let state = s
        .pointer("/print_stats/state")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    let progress = s
        .pointer("/virtual_sdcard/progress")
        .and_then(Value::as_f64);
    let duration = s
        .pointer("/print_stats/print_duration")
        .and_then(Value::as_f64);
    let mut heaters = Vec::new();
    for (key, name) in [("extruder", "nozzle"), ("heater_bed", "bed")] {
        if let Some(t) = s
            .pointer(&format!("/{key}/temperature"))
            .and_then(Value::as_f64)
        {
            let target = s.pointer(&format!("/{key}/target")).and_then(Value::as_f64);
            heaters.push((name.to_string(), t, target));
        }
    }
    Ok(LanStatus {
        printing: state == "printing",
        paused: state == "paused",
        file: s
            .pointer("/print_stats/filename")
            .and_then(Value::as_str)
            .filter(|f| !f.is_empty())
            .map(str::to_string),
        time_left: match (progress, duration) {
            (Some(p), Some(d)) if p > 0.01 => Some(d * (1.0 - p) / p),
            _ => None,
        },
        progress,
        heaters,
        state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests() {
        let m = Moonraker {
            key: Some("k".into()),
        };
        let r = m.upload("benchy.gcode", b"G28\n", true);
        assert_eq!(
            (r.method, r.path.as_str()),
            ("POST", "/server/files/upload")
        );
        let body = String::from_utf8(r.body).unwrap();
        assert!(
            body.contains("name=\"root\"\r\n\r\ngcodes")
                && body.contains("name=\"print\"\r\n\r\ntrue")
        );
        assert!(r.headers.contains(&("X-Api-Key".into(), "k".into())));
        assert_eq!(
            m.start("my part.gcode").path,
            "/printer/print/start?filename=my%20part.gcode"
        );
        assert_eq!(m.job("pause").path, "/printer/print/pause");
    }

    // Answers as Moonraker's API documentation shows them.
    #[test]
    fn recorded_answers() {
        let upload = br#"{"result":{"item":{"path":"benchy.gcode","root":"gcodes","modified":1676940082.8595376,"size":50,"permissions":"rw"},"print_started":true,"print_queued":false,"action":"create_file"}}"#;
        let v = answer(201, upload).unwrap();
        assert_eq!(v.pointer("/result/print_started"), Some(&Value::Bool(true)));
        assert_eq!(answer(200, br#"{"result":"ok"}"#).unwrap()["result"], "ok");
        assert_eq!(
            answer(400, br#"{"error":{"code":400,"message":"Move out of range: 0.000 0.000 -5.000 [0.000]","traceback":""}}"#),
            Err(MoonrakerError::Server("Move out of range: 0.000 0.000 -5.000 [0.000]".into()))
        );
        assert_eq!(answer(401, b"{}"), Err(MoonrakerError::Key));
        let info = answer(200, br#"{"result":{"klippy_connected":true,"klippy_state":"shutdown","components":["database"],"moonraker_version":"v0.8.0"}}"#).unwrap();
        assert_eq!(
            ready(&info),
            Err(MoonrakerError::NotReady("shutdown".into()))
        );
        let status = answer(200, br#"{"result":{"eventtime":578243.57824499,"status":{"print_stats":{"filename":"benchy.gcode","total_duration":3000.5,"print_duration":2400.0,"filament_used":1500.1,"state":"printing","message":""},"virtual_sdcard":{"progress":0.6,"is_active":true,"file_position":3000},"extruder":{"temperature":214.95,"target":215.0,"power":0.4},"heater_bed":{"temperature":59.9,"target":60.0,"power":0.2}}}}"#).unwrap();
        let s = parse_status(&status).unwrap();
        assert!(s.printing && !s.paused);
        assert_eq!(s.file.as_deref(), Some("benchy.gcode"));
        assert_eq!(s.progress, Some(0.6));
        assert!((s.time_left.unwrap() - 1600.0).abs() < 1e-6);
        assert_eq!(s.heaters[1], ("bed".to_string(), 59.9, Some(60.0)));
    }
}
