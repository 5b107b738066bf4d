//! PrusaLink (Prusa MK4, MINI, XL, MK3.9 and others) as requests to send and answers to read.
//!
//! - Upload (and print): `PUT /api/v1/files/{storage}/{name}` with the G-code as the body,
//!   `Content-Type: text/x.gcode`, `Print-After-Upload: ?1` and `Overwrite: ?1` (booleans are
//!   written `?1`, not `true`); 201, or 409 when the file exists and may not be replaced.
//! - Status: `GET /api/v1/status` → `printer.{state, temp_nozzle, target_nozzle, temp_bed,
//!   target_bed}` (state "IDLE", "PRINTING", "PAUSED", "FINISHED", "STOPPED", "ERROR",
//!   "ATTENTION", "BUSY", "READY") and, during a job, `job.{id, progress (percent),
//!   time_remaining, time_printing}`.
//! - `PUT /api/v1/job/{id}/pause`, `PUT /api/v1/job/{id}/resume`, `DELETE /api/v1/job/{id}`
//!   (stop); 204.
//! - Authentication: `X-Api-Key` (or HTTP digest). PrusaLink sends no CORS headers, so a page
//!   served from another origin cannot read its answers: the app says so and offers to open
//!   the printer's own page or download the file.

use super::{LanStatus, Request, url_encode};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrusaLinkError {
    #[error("PrusaLink refused the API key (see the printer's Settings → Network → PrusaLink)")]
    Key,
    #[error("a file of that name is already on the printer")]
    Exists,
    #[error("PrusaLink answered {0}")]
    Http(u16),
    #[error("This address is not a PrusaLink printer: {0}")]
    NotServer(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrusaLink {
    pub key: String,
    /// "usb" on most printers, "local" on some.
    pub storage: String,
}

impl PrusaLink {
    fn request(
        &self,
        method: &'static str,
        path: String,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Request {
        Request::new(method, path, Some(&self.key), extra, body)
    }

    pub fn upload(&self, file_name: &str, gcode: &[u8], print: bool) -> Request {
        self.request(
            "PUT",
            format!("/api/v1/files/{}/{}", self.storage, url_encode(file_name)),
            gcode.to_vec(),
            &[
                ("Content-Type", "text/x.gcode"),
                ("Print-After-Upload", if print { "?1" } else { "?0" }),
                ("Overwrite", "?1"),
            ],
        )
    }

    pub fn status(&self) -> Request {
        self.request("GET", "/api/v1/status".into(), Vec::new(), &[])
    }

    pub fn pause(&self, job: u64) -> Request {
        self.request("PUT", format!("/api/v1/job/{job}/pause"), Vec::new(), &[])
    }

    pub fn resume(&self, job: u64) -> Request {
        self.request("PUT", format!("/api/v1/job/{job}/resume"), Vec::new(), &[])
    }

    pub fn stop(&self, job: u64) -> Request {
        self.request("DELETE", format!("/api/v1/job/{job}"), Vec::new(), &[])
    }
}

pub fn check(status: u16) -> Result<(), PrusaLinkError> {
    match status {
        200..=299 => Ok(()),
        401 | 403 => Err(PrusaLinkError::Key),
        409 => Err(PrusaLinkError::Exists),
        s => Err(PrusaLinkError::Http(s)),
    }
}

/// The status, and the job's id (for pause, resume and stop).
pub fn parse_status(body: &[u8]) -> Result<(LanStatus, Option<u64>), PrusaLinkError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|_| PrusaLinkError::NotServer("its answer is not PrusaLink's (not JSON)"))?;
    let p = v
        .get("printer")
        .ok_or(PrusaLinkError::NotServer("its status names no printer"))?;
    let state = p
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or("UNKNOWN")
        .to_string();
    let num = |o: &Value, k: &str| o.get(k).and_then(Value::as_f64);
    let mut heaters = Vec::new();
    if let Some(t) = num(p, "temp_nozzle") {
        heaters.push(("nozzle".to_string(), t, num(p, "target_nozzle")));
    }
    if let Some(t) = num(p, "temp_bed") {
        heaters.push(("bed".to_string(), t, num(p, "target_bed")));
    }
    let job = v.get("job");
    Ok((
        LanStatus {
            printing: state == "PRINTING",
            paused: state == "PAUSED",
            file: None,
            progress: job.and_then(|j| num(j, "progress")).map(|p| p / 100.0),
            time_left: job.and_then(|j| num(j, "time_remaining")),
            heaters,
            state,
        },
        job.and_then(|j| j.get("id")).and_then(Value::as_u64),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_recorded_answers() {
        let l = PrusaLink {
            key: "abc".into(),
            storage: "usb".into(),
        };
        let r = l.upload("shape box.gcode", b"G28\n", true);
        assert_eq!(
            (r.method, r.path.as_str()),
            ("PUT", "/api/v1/files/usb/shape%20box.gcode")
        );
        assert!(
            r.headers
                .contains(&("Print-After-Upload".into(), "?1".into()))
        );
        assert_eq!(r.body, b"G28\n");
        assert_eq!(l.stop(297).method, "DELETE");
        assert_eq!(check(409), Err(PrusaLinkError::Exists));
        assert_eq!(check(401), Err(PrusaLinkError::Key));
        // As PrusaLink's OpenAPI description shows it.
        let body = br#"{"storage":{"path":"/usb/","name":"usb","read_only":false},"printer":{"state":"PRINTING","temp_bed":59.9,"target_bed":60.0,"temp_nozzle":214.9,"target_nozzle":215.0,"axis_z":2.4,"flow":100,"speed":100,"fan_hotend":3900,"fan_print":4200},"job":{"id":297,"progress":91.0,"time_remaining":360,"time_printing":3700}}"#;
        let (s, id) = parse_status(body).unwrap();
        assert!(s.printing);
        assert_eq!(id, Some(297));
        assert_eq!(s.progress, Some(0.91));
        assert_eq!(s.time_left, Some(360.0));
        assert_eq!(s.heaters[0], ("nozzle".to_string(), 214.9, Some(215.0)));
        let idle = br#"{"printer":{"state":"IDLE","temp_bed":22.0,"target_bed":0.0,"temp_nozzle":23.1,"target_nozzle":0.0}}"#;
        let (s, id) = parse_status(idle).unwrap();
        assert!(!s.printing && id.is_none() && s.progress.is_none());
        assert!(parse_status(b"<html>").is_err());
    }
}
