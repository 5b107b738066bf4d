//! Network printers: a device list kept in IndexedDB (OctoPrint, Klipper/Moonraker,
//! PrusaLink), added by address since a browser cannot scan the network; status, temperatures
//! and job progress polled while the list is open; the current slice sent with an upload
//! progress bar; pause, resume and cancel. The APIs are the engine's
//! (`engine::printer::lan::Client`); this file sends their requests with XMLHttpRequest (the
//! one browser API that reports upload progress) to the printer's own address, the only place
//! its key goes. A failed call is explained: plain HTTP from an HTTPS page, a printer that does
//! not allow calls from other pages (with what to change on it), or no answer at all.

use super::Ctx;
use super::js::{self, NetError};
use crate::engine::gcode::format_duration;
use crate::engine::printer::Request;
use crate::engine::printer::creality::{self, Frames};
use crate::engine::printer::lan::{self, Action, Client, Command, Kind, Status, Upload};
use crate::storage::{self, Device};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How often the open list asks each printer for its status (ms).
const POLL_MS: i32 = 2500;
/// How long a status call may take (ms).
const STATUS_TIMEOUT_MS: u32 = 8000;
/// A status socket silent this long (ms) is taken for a printer gone away.
const SOCKET_SILENCE_MS: f64 = 10_000.0;

/// An open status socket (printers that push their status).
struct Socket {
    ws: web_sys::WebSocket,
    url: String,
    frames: Frames,
    opened: bool,
    closed: bool,
    /// When the last message came (ms).
    last: f64,
    /// Sent once the socket opens.
    pending: Vec<String>,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

/// What is known of one printer now.
#[derive(Clone, Default, PartialEq)]
struct Live {
    status: Option<Status>,
    error: Option<String>,
    /// 0–1 while an upload runs.
    upload: Option<f64>,
    /// A status call is under way.
    polling: bool,
}

#[derive(Clone, Copy)]
pub struct Lan {
    devices: RwSignal<Vec<Device>>,
    live: RwSignal<HashMap<String, Live>>,
    recent: RwSignal<Vec<String>>,
    /// The printer panel shows the network tab.
    pub shown: RwSignal<bool>,
    loaded: StoredValue<bool>,
    sockets: StoredValue<HashMap<String, Socket>, LocalStorage>,
}

/// Whether this page was opened over HTTPS.
fn page_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}

/// Sends a request to `base` + its path; `progress` hears the upload's share sent (0–1).
/// From an HTTPS page to a plain-HTTP printer the request goes through `fetch` with Local
/// Network Access's `targetAddressSpace` (the browser asks the user once; XMLHttpRequest
/// cannot say it, so such uploads show no progress until they are done).
async fn send(
    base: &str,
    r: &Request,
    timeout_ms: u32,
    progress: Option<Box<dyn Fn(f64)>>,
) -> Result<(u16, Vec<u8>), NetError> {
    if page_https() && base.starts_with("http://") {
        let answer = send_local(base, r, timeout_ms).await;
        if let (Some(p), Ok(_)) = (&progress, &answer) {
            p(1.0);
        }
        return answer;
    }
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| NetError::Network)?;
    xhr.open_with_async(r.method, &format!("{base}{}", r.path), true)
        .map_err(|_| NetError::Network)?;
    for (k, v) in &r.headers {
        let _ = xhr.set_request_header(k, v);
    }
    xhr.set_response_type(web_sys::XmlHttpRequestResponseType::Arraybuffer);
    xhr.set_timeout(timeout_ms);
    let on_progress = progress.map(|f| {
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                f(e.loaded() / e.total());
            }
        })
    });
    if let (Some(p), Ok(upload)) = (&on_progress, xhr.upload()) {
        upload.set_onprogress(Some(p.as_ref().unchecked_ref()));
    }
    // 0 loaded, 1 failed, 2 timed out.
    let done = js_sys::Promise::new(&mut |resolve, _| {
        let target: &web_sys::XmlHttpRequestEventTarget = xhr.as_ref();
        for (i, set) in [
            web_sys::XmlHttpRequestEventTarget::set_onload
                as fn(&web_sys::XmlHttpRequestEventTarget, Option<&js_sys::Function>),
            web_sys::XmlHttpRequestEventTarget::set_onerror,
            web_sys::XmlHttpRequestEventTarget::set_ontimeout,
        ]
        .into_iter()
        .enumerate()
        {
            let resolve = resolve.clone();
            let f = Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from(i as u32));
            });
            set(target, Some(f.unchecked_ref()));
        }
    });
    let body = (!r.body.is_empty()).then(|| js_sys::Uint8Array::from(&r.body[..]));
    xhr.send_with_opt_buffer_source(body.as_ref().map(|b| b.as_ref()))
        .map_err(|_| NetError::Network)?;
    let how = JsFuture::from(done).await.ok().and_then(|v| v.as_f64());
    drop(on_progress);
    match how {
        Some(0.0) => {
            let status = xhr.status().unwrap_or(0);
            let bytes = xhr
                .response()
                .ok()
                .filter(|b| b.is_instance_of::<js_sys::ArrayBuffer>())
                .map(|b| js_sys::Uint8Array::new(&b).to_vec())
                .unwrap_or_default();
            Ok((status, bytes))
        }
        Some(2.0) => Err(NetError::Timeout),
        _ => Err(NetError::Network),
    }
}

/// `fetch` with `targetAddressSpace`, for a printer on the local network from an HTTPS page.
async fn send_local(base: &str, r: &Request, timeout_ms: u32) -> Result<(u16, Vec<u8>), NetError> {
    let url = format!("{base}{}", r.path);
    let response = js::fetch(js::Fetch {
        method: r.method,
        url: &url,
        headers: &r.headers,
        body: &r.body,
        timeout_ms,
        address_space: lan::address_space(base),
    })
    .await?;
    Ok((
        response.status(),
        js::body(&response).await.unwrap_or_default(),
    ))
}

/// Whether anything answers at `base` at all, for pages that may not read the answer
/// (`fetch` with `no-cors`): tells a printer that forbids other pages from one that is away.
async fn answers_at_all(base: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let init = web_sys::RequestInit::new();
    init.set_mode(web_sys::RequestMode::NoCors);
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(5000)));
    JsFuture::from(w.fetch_with_str_and_init(&format!("{base}/"), &init))
        .await
        .is_ok()
}

/// Explains a failed call: what happened and what to change.
async fn explain(device: &Device, e: NetError) -> String {
    let base = &device.address;
    if let NetError::Timeout = e {
        return format!(
            "{base} did not answer in time: is the printer on, and is this its address?"
        );
    }
    if page_https() && base.starts_with("http://") {
        return format!(
            "This page was opened over HTTPS and the printer answers plain HTTP at {base}. Chrome and Edge reach it only after you allow Lamina to use your local network (asked once; if you said no, allow it in the site settings, left of the address bar); other browsers refuse. Instead you can open Lamina from an http:// address on your network, open the printer's own page, or download the G-code."
        );
    }
    if answers_at_all(base).await {
        format!(
            "{base} answered, but does not allow calls from this page (cross-origin requests are off). {}",
            device.kind.cross_origin_help()
        )
    } else {
        format!(
            "No answer from {base}: check the address, that the printer is on, and that this computer is on the same network."
        )
    }
}

/// Asks a printer for its status.
async fn status_of(device: &Device) -> Result<Status, String> {
    let client = Client::new(device.kind, &device.key);
    let mut answers = Vec::new();
    for r in client.status_requests() {
        match send(&device.address, &r, STATUS_TIMEOUT_MS, None).await {
            Ok(a) => answers.push(a),
            Err(e) => return Err(explain(device, e).await),
        }
    }
    client.read_status(&answers).map_err(|e| e.to_string())
}

/// The port of a printer's status socket, for kinds that push their status.
fn socket_port(d: &Device) -> Option<u16> {
    d.kind.socket().map(|p| d.socket_port.unwrap_or(p))
}

/// "Printing cube.gcode · 45% · about 3 min left".
fn state_text(s: &Status) -> String {
    let st = &s.status;
    let mut parts = vec![st.state.clone()];
    if st.printing || st.paused {
        if let Some(f) = &st.file {
            parts.push(f.clone());
        }
        if let Some(p) = st.progress {
            parts.push(format!("{:.0}%", 100.0 * p));
        }
        if let Some(t) = st.time_left.filter(|t| *t > 0.0) {
            parts.push(format!("about {} left", format_duration(t)));
        }
    }
    parts.join(" · ")
}

fn temps_text(s: &Status) -> String {
    s.status
        .heaters
        .iter()
        .map(|(name, current, target)| {
            let mut n = name.clone();
            if let Some(c) = n.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            match target {
                Some(t) if *t > 0.0 => format!("{n} {current:.0} / {t:.0} °C"),
                _ => format!("{n} {current:.0} °C"),
            }
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

impl Lan {
    pub fn new() -> Lan {
        Lan {
            devices: RwSignal::new(Vec::new()),
            live: RwSignal::new(HashMap::new()),
            recent: RwSignal::new(Vec::new()),
            shown: RwSignal::new(false),
            loaded: StoredValue::new(false),
            sockets: StoredValue::new_local(HashMap::new()),
        }
    }

    fn set_live(&self, id: &str, f: impl FnOnce(&mut Live)) {
        self.live
            .update(|m| f(m.entry(id.to_string()).or_default()));
    }

    /// Reads the stored printers, once.
    fn load(&self, ctx: Ctx) {
        if self.loaded.get_value() {
            return;
        }
        self.loaded.set_value(true);
        let lan = *self;
        spawn_local(async move {
            match storage::db().await {
                Ok(db) => {
                    match db.devices().await {
                        Ok(d) => lan.devices.set(d),
                        Err(e) => ctx.say(format!("Could not read the printer list: {e}"), true),
                    }
                    lan.recent.set(db.recent_addresses().await);
                }
                Err(e) => ctx.say(format!("The printer list is not kept: {e}"), true),
            }
            lan.poll_all();
        });
        // Poll while the list is in view.
        let tick = Closure::<dyn FnMut()>::new(move || {
            if lan.shown.get_untracked() && ctx.usb.open.get_untracked() {
                lan.poll_all();
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                POLL_MS,
            );
        }
        tick.forget();
    }

    /// Asks every printer not already being asked.
    fn poll_all(&self) {
        for d in self.devices.get_untracked() {
            self.poll(d);
        }
    }

    fn poll(&self, d: Device) {
        if let Some(port) = socket_port(&d) {
            self.watch(&d, port);
            return;
        }
        let busy = self
            .live
            .with_untracked(|m| m.get(&d.id).is_some_and(|l| l.polling));
        if busy {
            return;
        }
        self.set_live(&d.id, |l| l.polling = true);
        let lan = *self;
        spawn_local(async move {
            let result = status_of(&d).await;
            lan.set_live(&d.id, |l| {
                l.polling = false;
                match result {
                    Ok(s) => {
                        l.status = Some(s);
                        l.error = None;
                    }
                    Err(e) => l.error = Some(e),
                }
            });
        });
    }

    /// Keeps a status socket open to a printer that pushes its status: opens it (again) when
    /// there is none or it closed, sends the heartbeat, and gives up on a silent one.
    fn watch(&self, d: &Device, port: u16) {
        let now = super::slicing::now_ms();
        let state = self.sockets.with_value(|m| {
            m.get(&d.id)
                .map(|s| (s.closed, s.opened, now - s.last, s.url.clone()))
        });
        match state {
            Some((false, opened, silent, url)) if silent > SOCKET_SILENCE_MS => {
                self.sockets.update_value(|m| {
                    if let Some(s) = m.get_mut(&d.id) {
                        s.closed = true;
                        let _ = s.ws.close();
                    }
                });
                self.set_live(&d.id, |l| {
                    l.error = Some(if opened {
                        format!(
                            "{} stopped answering on {url}: is it on? Lamina tries again while this list is open.",
                            d.name
                        )
                    } else {
                        format!(
                            "No answer from the printer's status socket at {url}: check the address, that the printer is on, and that this computer is on the same network."
                        )
                    })
                });
            }
            Some((false, true, _, _)) => {
                let beat = creality::heartbeat(
                    &js_sys::Date::new_0()
                        .to_iso_string()
                        .as_string()
                        .unwrap_or_default(),
                );
                self.socket_send(d, beat);
            }
            Some((false, false, _, _)) => {}
            _ => self.open_socket(d, port),
        }
    }

    fn open_socket(&self, d: &Device, port: u16) {
        let url = lan::socket_url(&d.address, port);
        let ws = match web_sys::WebSocket::new(&url) {
            Ok(ws) => ws,
            Err(e) => {
                let why = e
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .unwrap_or_default();
                self.set_live(&d.id, |l| {
                    l.error = Some(format!(
                        "The browser would not open {url} ({why}). A page opened over HTTPS cannot reach a printer's plain socket: open Lamina from an http:// address on your network."
                    ))
                });
                return;
            }
        };
        let lan = *self;
        let id = d.id.clone();
        let name = d.name.clone();
        let on_message = {
            let id = id.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
                let Some(text) = e
                    .dyn_ref::<web_sys::MessageEvent>()
                    .and_then(|m| m.data().as_string())
                else {
                    return;
                };
                let status = lan.sockets.try_update_value(|m| {
                    let s = m.get_mut(&id)?;
                    s.last = super::slicing::now_ms();
                    s.frames.feed(&text).then(|| s.frames.status())
                });
                if let Some(Some(status)) = status {
                    lan.set_live(&id, |l| {
                        l.status = Some(Status { status, job: None });
                        l.error = None;
                    });
                }
            })
        };
        let on_open = {
            let id = id.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| {
                let pending = lan.sockets.try_update_value(|m| {
                    let s = m.get_mut(&id)?;
                    s.opened = true;
                    s.last = super::slicing::now_ms();
                    let mut out = vec![creality::request_all()];
                    out.append(&mut s.pending);
                    Some((s.ws.clone(), out))
                });
                if let Some(Some((ws, out))) = pending {
                    for m in out {
                        let _ = ws.send_with_str(&m);
                    }
                }
            })
        };
        let on_close = {
            let url = url.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |_| {
                let was = lan.sockets.try_update_value(|m| {
                    let s = m.get_mut(&id)?;
                    let was = (s.opened, s.closed);
                    s.closed = true;
                    Some(was)
                });
                let text = match was {
                    // Closed on purpose after a silence: that error is already shown.
                    Some(Some((_, true))) => return,
                    Some(Some((true, false))) => format!(
                        "Lost the connection to {name} ({url}): is the printer on? Lamina tries again while this list is open."
                    ),
                    _ => format!(
                        "No answer from the printer's status socket at {url}: check the address, that the printer is on, and that this computer is on the same network."
                    ),
                };
                lan.set_live(&id, |l| l.error = Some(text));
            })
        };
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let socket = Socket {
            ws,
            url,
            frames: Frames::default(),
            opened: false,
            closed: false,
            last: super::slicing::now_ms(),
            pending: Vec::new(),
            _handlers: vec![on_message, on_open, on_close],
        };
        // An old, closed socket is dropped here, outside its own handlers.
        let old = self
            .sockets
            .try_update_value(|m| m.insert(d.id.clone(), socket))
            .flatten();
        drop(old);
    }

    /// Sends a message on a printer's socket, opening it first where needed.
    fn socket_send(&self, d: &Device, text: String) {
        let open = self.sockets.try_update_value(|m| match m.get_mut(&d.id) {
            Some(s) if s.opened && !s.closed => Some(s.ws.clone()),
            Some(s) if !s.closed => {
                s.pending.push(text.clone());
                None
            }
            _ => None,
        });
        match open.flatten() {
            Some(ws) => {
                let _ = ws.send_with_str(&text);
            }
            None => {
                let queued = self
                    .sockets
                    .with_value(|m| m.get(&d.id).is_some_and(|s| !s.closed));
                if !queued && let Some(port) = socket_port(d) {
                    self.open_socket(d, port);
                    self.sockets.update_value(|m| {
                        if let Some(s) = m.get_mut(&d.id) {
                            s.pending.push(text);
                        }
                    });
                }
            }
        }
    }

    /// Carries out a command: an HTTP request or a socket message.
    async fn run(&self, d: &Device, client: &Client, c: Command) -> Result<(), String> {
        match c {
            Command::Http(request) => {
                match send(&d.address, &request, STATUS_TIMEOUT_MS, None).await {
                    Ok((code, body)) => client.read_answer(code, &body).map_err(|e| e.to_string()),
                    Err(e) => Err(explain(d, e).await),
                }
            }
            Command::Socket(text) => {
                self.socket_send(d, text);
                Ok(())
            }
        }
    }

    /// Stores a printer (new or edited) and asks it for its status.
    async fn save(&self, ctx: Ctx, d: Device) -> bool {
        let result = storage::run(async {
            let db = storage::db().await?;
            db.put_device(&d).await?;
            Ok(db.recent_addresses().await)
        })
        .await;
        match result {
            Ok(recent) => {
                self.recent.set(recent);
                self.devices
                    .update(|all| match all.iter_mut().find(|x| x.id == d.id) {
                        Some(x) => *x = d.clone(),
                        None => all.push(d.clone()),
                    });
                self.set_live(&d.id, |l| *l = Live::default());
                self.poll(d);
                true
            }
            Err(e) => {
                ctx.say(format!("Could not keep the printer: {e}"), true);
                false
            }
        }
    }

    fn remove(&self, ctx: Ctx, d: &Device) {
        let sure = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(&format!(
                    "Remove the printer \"{}\" and its API key from this browser?",
                    d.name
                ))
                .ok()
            })
            .unwrap_or(false);
        if !sure {
            return;
        }
        let lan = *self;
        let id = d.id.clone();
        spawn_local(async move {
            let r = storage::run(async { storage::db().await?.delete_device(&id).await }).await;
            match r {
                Ok(()) => {
                    lan.devices.update(|all| all.retain(|x| x.id != id));
                    lan.live.update(|m| {
                        m.remove(&id);
                    });
                }
                Err(e) => ctx.say(format!("Could not remove the printer: {e}"), true),
            }
        });
    }

    /// Uploads the current slice, starting it when `start` is set.
    fn send_gcode(&self, ctx: Ctx, d: Device, start: bool) {
        let Some(bytes) = ctx.slicing.gcode_bytes() else {
            ctx.say("Slice first: there is no G-code to send.", true);
            return;
        };
        let name = ctx
            .slicing
            .result
            .get_untracked()
            .map_or("lamina.gcode".to_string(), |r| r.file_name);
        let lan = *self;
        lan.set_live(&d.id, |l| {
            l.upload = Some(0.0);
            l.error = None;
        });
        spawn_local(async move {
            let gcode = bytes.to_vec();
            let client = Client::new(d.kind, &d.key);
            let request = client.upload(&name, &gcode, start);
            drop(gcode);
            // A slow link gets time: 60 s, and a second for every 20 kB.
            let timeout = 60_000 + (request.body.len() / 20) as u32;
            let id = d.id.clone();
            let progress = move |f: f64| lan.set_live(&id, |l| l.upload = Some(f));
            let answer = send(&d.address, &request, timeout, Some(Box::new(progress))).await;
            drop(request);
            let result = match answer {
                Ok((code, body)) => client
                    .read_upload(code, &body, start)
                    .map_err(|e| e.to_string()),
                Err(e) => Err(explain(&d, e).await),
            };
            // Printers that do not start on upload get their start now.
            let result = match (
                result,
                start.then(|| client.start_after_upload(&name)).flatten(),
            ) {
                (Ok(_), Some(command)) => lan
                    .run(&d, &client, command)
                    .await
                    .map(|()| Upload::Started),
                (r, _) => r,
            };
            lan.set_live(&d.id, |l| {
                l.upload = None;
                if let Err(e) = &result {
                    l.error = Some(format!("Sending {name} failed: {e}"));
                }
            });
            let to = &d.name;
            match result {
                Ok(Upload::Started) => ctx.say(format!("Sent {name} to {to}: printing starts."), false),
                Ok(Upload::Queued) => ctx.say(
                    format!("Sent {name} to {to}: queued, it prints after the current job."),
                    false,
                ),
                Ok(Upload::Stored) if start => ctx.say(
                    format!("Sent {name} to {to}, but the printer did not start it: see its state here or in its own page."),
                    true,
                ),
                Ok(Upload::Stored) => ctx.say(format!("Sent {name} to {to}."), false),
                Err(e) => ctx.say(format!("Sending {name} to {to} failed: {e}"), true),
            }
            lan.poll(d);
        });
    }

    fn act(&self, ctx: Ctx, d: Device, a: Action) {
        let job = self
            .live
            .with_untracked(|m| m.get(&d.id).and_then(|l| l.status.as_ref()?.job));
        let client = Client::new(d.kind, &d.key);
        let command = match client.action(a, job) {
            Ok(c) => c,
            Err(e) => {
                ctx.say(format!("{}: {e}", d.name), true);
                return;
            }
        };
        let lan = *self;
        spawn_local(async move {
            if let Err(e) = lan.run(&d, &client, command).await {
                ctx.say(format!("{}: {e}", d.name), true);
            }
            lan.poll(d);
        });
    }
}

/// The network side of the printer panel: the list and the form that adds to it.
#[component]
pub fn NetworkPrinters() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let lan = ctx.lan;
    lan.load(ctx);
    // The form: adding a printer, or editing one (`editing` holds its id).
    let kind = RwSignal::new(Kind::OctoPrint);
    let address = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let port = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<String>);
    let test_result = RwSignal::new(None::<(bool, String)>);
    let testing = RwSignal::new(false);
    let form_device = move || -> Result<Device, String> {
        let address = lan::normalize_address(&address.get_untracked()).map_err(|e| e.0)?;
        let kind = kind.get_untracked();
        let key = if kind.has_key() {
            key.get_untracked().trim().to_string()
        } else {
            String::new()
        };
        if kind.needs_key() && key.is_empty() {
            return Err(format!(
                "{} needs an API key. {}",
                kind.name(),
                kind.key_help()
            ));
        }
        let typed = name.get_untracked().trim().to_string();
        let typed_port = port.get_untracked().trim().to_string();
        let socket_port = match (kind.socket(), typed_port.as_str()) {
            (None, _) | (Some(_), "") => None,
            (Some(_), p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("{p}: a port is a number from 1 to 65535"))?,
            ),
        };
        Ok(Device {
            id: editing
                .get_untracked()
                .unwrap_or_else(|| super::projects::new_id("printer")),
            name: if typed.is_empty() {
                format!(
                    "{} at {}",
                    kind.name(),
                    address.split("://").nth(1).unwrap_or(&address)
                )
            } else {
                typed
            },
            kind,
            address,
            key,
            added: storage::now(),
            socket_port,
        })
    };
    let clear_form = move || {
        address.set(String::new());
        key.set(String::new());
        name.set(String::new());
        port.set(String::new());
        editing.set(None);
        test_result.set(None);
    };
    let test = move |_| {
        let d = match form_device() {
            Ok(d) => d,
            Err(e) => {
                test_result.set(Some((false, e)));
                return;
            }
        };
        testing.set(true);
        test_result.set(None);
        spawn_local(async move {
            let r = status_of(&d).await;
            testing.set(false);
            test_result.set(Some(match r {
                Ok(s) => {
                    let temps = temps_text(&s);
                    (
                        true,
                        format!(
                            "Connected: {} says {}{}",
                            d.kind.name(),
                            state_text(&s),
                            if temps.is_empty() {
                                String::new()
                            } else {
                                format!(" · {temps}")
                            }
                        ),
                    )
                }
                Err(e) => (false, e),
            }));
        });
    };
    let add = move |_| match form_device() {
        Ok(mut d) => {
            if let Some(old) = lan
                .devices
                .get_untracked()
                .into_iter()
                .find(|x| Some(&x.id) == editing.get_untracked().as_ref())
            {
                d.added = old.added;
            }
            spawn_local(async move {
                if lan.save(ctx, d).await {
                    clear_form();
                }
            });
        }
        Err(e) => test_result.set(Some((false, e))),
    };

    let card = move |device: Device| {
        let id = device.id.clone();
        let (kind_id, heading, page) = (
            device.kind.id(),
            format!("{} · {}", device.kind.name(), device.address),
            device.address.clone(),
        );
        let name_text = device.name.clone();
        let d = StoredValue::new(device);
        // What the printer said last, unless it cannot be reached now.
        let live = Memo::new(move |_| {
            let mut l = lan.live.with(|m| m.get(&id).cloned().unwrap_or_default());
            if l.error.is_some() {
                l.status = None;
            }
            l
        });
        let printing = Memo::new(move |_| {
            live.with(|l| {
                l.status
                    .as_ref()
                    .is_some_and(|s| s.status.printing && !s.status.paused)
            })
        });
        let paused =
            Memo::new(move |_| live.with(|l| l.status.as_ref().is_some_and(|s| s.status.paused)));
        let start = RwSignal::new(true);
        let act = move |a: Action| move |_| lan.act(ctx, d.get_value(), a);
        view! {
            <li class="device" data-id=d.with_value(|d| d.id.clone()) data-kind=kind_id>
                <div class="device-head">
                    <strong class="device-name">{name_text}</strong>
                    <span class="device-kind">{heading}</span>
                </div>
                <div class="device-state">
                    {move || {
                        live.with(|l| match (&l.status, l.error.is_some()) {
                            (_, true) => "Not reachable".to_string(),
                            (Some(s), false) => state_text(s),
                            (None, false) => "Asking…".into(),
                        })
                    }}
                </div>
                <div class="device-temps temps">
                    {move || live.with(|l| l.status.as_ref().map(temps_text))}
                </div>
                {move || {
                    live.with(|l| {
                        l.status
                            .as_ref()
                            .filter(|s| s.status.printing || s.status.paused)
                            .and_then(|s| s.status.progress)
                    })
                        .map(|p| view! { <progress class="device-progress" max="1" value=p></progress> })
                }}
                {move || {
                    live.with(|l| l.upload)
                        .map(|f| {
                            view! {
                                <div class="job">
                                    <progress class="upload-progress" max="1" value=f></progress>
                                    <span class="upload-text">{format!("Uploading… {:.0}%", 100.0 * f)}</span>
                                </div>
                            }
                        })
                }}
                {move || {
                    live.with(|l| l.error.clone())
                        .map(|e| {
                            view! {
                                <p class="device-error error-text">{e}</p>
                                <div class="device-fallback print-row">
                                    <button
                                        class="device-download"
                                        title="Save the G-code, to upload it in the printer's own page or copy it to a card"
                                        disabled=move || ctx.slicing.result.with(|r| r.is_none())
                                        on:click=move |_| ctx.slicing.download(ctx)
                                    >
                                        "Download G-code"
                                    </button>
                                </div>
                            }
                        })
                }}
                <div class="device-actions print-row">
                    <button
                        class="device-send primary"
                        title="Send the current slice to this printer"
                        disabled=move || {
                            ctx.slicing.result.with(|r| r.is_none())
                                || live.with(|l| l.upload.is_some())
                                || printing.get()
                                || paused.get()
                        }
                        on:click=move |_| lan.send_gcode(ctx, d.get_value(), start.get_untracked())
                    >
                        "Send G-code"
                    </button>
                    <label class="device-start-label" title="Start printing once the file is on the printer">
                        <input
                            type="checkbox"
                            class="device-start"
                            prop:checked=move || start.get()
                            on:change=move |ev| start.set(event_target_checked(&ev))
                        />
                        "and print"
                    </label>
                    <Show when=move || printing.get()>
                        <button class="device-pause" on:click=act(Action::Pause)>"Pause"</button>
                    </Show>
                    <Show when=move || paused.get()>
                        <button class="device-resume" on:click=act(Action::Resume)>"Resume"</button>
                    </Show>
                    <Show when=move || printing.get() || paused.get()>
                        <button class="device-cancel" on:click=act(Action::Cancel)>"Cancel print"</button>
                    </Show>
                </div>
                <div class="device-manage">
                    <a class="device-open" href=page target="_blank" rel="noopener noreferrer">"Open printer page"</a>
                    <button
                        class="device-edit link"
                        on:click=move |_| {
                            let d = d.get_value();
                            kind.set(d.kind);
                            address.set(d.address);
                            key.set(d.key);
                            name.set(d.name);
                            port.set(d.socket_port.map(|p| p.to_string()).unwrap_or_default());
                            editing.set(Some(d.id));
                            test_result.set(None);
                        }
                    >
                        "Edit"
                    </button>
                    <button class="device-remove link" on:click=move |_| lan.remove(ctx, &d.get_value())>"Remove"</button>
                </div>
            </li>
        }
    };

    view! {
        <div class="network-printers">
            <ul id="lan-devices" class="devices">
                <For each=move || lan.devices.get() key=|d| (d.id.clone(), d.address.clone(), d.key.clone(), d.name.clone(), d.kind.id()) children=card/>
            </ul>
            <Show when=move || lan.devices.with(|d| d.is_empty())>
                <p class="note">"No network printers yet."</p>
            </Show>
            <form id="lan-form" class="lan-form" on:submit=move |ev| ev.prevent_default()>
                <h3>{move || if editing.get().is_some() { "Edit printer" } else { "Add a network printer" }}</h3>
                <p class="note" id="lan-no-scan">
                    "Browsers cannot search the network for printers: type the address you use to open the printer's own web page."
                </p>
                <label>
                    "Kind "
                    <select
                        id="lan-kind"
                        on:change=move |ev| {
                            if let Some(k) = Kind::from_id(&event_target_value(&ev)) {
                                kind.set(k);
                            }
                        }
                    >
                        {Kind::ALL
                            .into_iter()
                            .map(|k| view! { <option value=k.id() selected=move || kind.get() == k>{k.name()}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "Address "
                    <input
                        type="text"
                        id="lan-address"
                        list="lan-recent"
                        placeholder="192.168.1.50 or octopi.local"
                        autocomplete="off"
                        prop:value=move || address.get()
                        on:input=move |ev| address.set(event_target_value(&ev))
                    />
                </label>
                <datalist id="lan-recent">
                    {move || lan.recent.get().into_iter().map(|a| view! { <option value=a></option> }).collect_view()}
                </datalist>
                <Show when=move || page_https() && !address.get().trim().starts_with("https://")>
                    <p class="note" id="lan-lna-note">
                        "This page is on HTTPS and the printer on plain HTTP: the browser will ask whether Lamina may reach devices on your local network. Choose Allow, or Lamina cannot talk to the printer."
                    </p>
                </Show>
                <Show when=move || kind.get().has_key()>
                    <label>
                        "API key "
                        <input
                            type="password"
                            id="lan-key"
                            autocomplete="off"
                            placeholder=move || if kind.get().needs_key() { "required" } else { "optional" }
                            prop:value=move || key.get()
                            on:input=move |ev| key.set(event_target_value(&ev))
                        />
                    </label>
                </Show>
                <p class="note">
                    {move || kind.get().key_help()}
                    {move || kind.get().has_key().then_some(". The key stays in this browser and is sent only to this printer.")}
                </p>
                <Show when=move || kind.get().socket().is_some()>
                    <label>
                        "Status port "
                        <input
                            type="text"
                            inputmode="numeric"
                            id="lan-socket-port"
                            placeholder=move || kind.get().socket().map(|p| p.to_string()).unwrap_or_default()
                            prop:value=move || port.get()
                            on:input=move |ev| port.set(event_target_value(&ev))
                        />
                    </label>
                </Show>
                <label>
                    "Name "
                    <input
                        type="text"
                        id="lan-name"
                        placeholder="optional"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </label>
                <div class="print-row">
                    <button type="button" id="lan-test" disabled=move || testing.get() on:click=test>
                        {move || if testing.get() { "Testing…" } else { "Test connection" }}
                    </button>
                    <button type="submit" id="lan-add" class="primary" on:click=add>
                        {move || if editing.get().is_some() { "Save" } else { "Add printer" }}
                    </button>
                    <Show when=move || editing.get().is_some()>
                        <button type="button" on:click=move |_| clear_form()>"Cancel"</button>
                    </Show>
                </div>
                {move || {
                    test_result
                        .get()
                        .map(|(ok, text)| {
                            view! { <p id="lan-test-result" class:error-text=!ok class:ok-text=ok>{text}</p> }
                        })
                }}
                <p class="note">"So that this page may call the printer: "{move || kind.get().cross_origin_help()}</p>
            </form>
        </div>
    }
}
