//! Transports: how the app's bytes reach printers, catalogs and folders. Each is a thin layer
//! over a browser API; what the bytes mean is the engine's (`engine::printer`,
//! `engine::catalog`). Nothing here knows the user interface.
//!
//! - `http`: requests with a timeout (gloo-net), uploads with progress (XMLHttpRequest, the
//!   one browser API that reports it), and Local Network Access's `targetAddressSpace` for a
//!   printer on the LAN called from an HTTPS page;
//! - `socket`: WebSockets (gloo-net) for printers that push their status;
//! - `serial`: WebSerial ports for printers on USB, through typed bindings.

pub mod http;
pub mod serial;
pub mod socket;
