//! Sending G-code to a printer: the end of the pipeline. `serial` is the host side of the
//! USB protocol of Marlin-style firmware, with no I/O of its own, so that the browser
//! (WebSerial) and native tests drive the same code; `octoprint` is OctoPrint's REST API as
//! requests and answers, likewise without I/O.

pub mod octoprint;
pub mod serial;
