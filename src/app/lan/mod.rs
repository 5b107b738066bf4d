//! Network printers: a device list kept in IndexedDB (OctoPrint, Klipper/Moonraker,
//! PrusaLink), added by address since a browser cannot scan the network; status, temperatures
//! and job progress polled while the list is open; the current slice sent with an upload
//! progress bar; pause, resume and cancel. The APIs are the engine's
//! (`engine::printer::lan::Client`), the transports `device::http` and `device::socket`;
//! requests go to the printer's own address, the only place its key goes. A failed call is
//! explained: plain HTTP from an HTTPS page, a printer that does not allow calls from other
//! pages (with what to change on it), or no answer at all. This file holds the state and
//! what the buttons do; `view` draws it.

mod view;

pub use view::NetworkPrinters;

use super::Ctx;
use super::browser::now_ms;
use crate::device::http::{self, NetError};
use crate::device::socket;
use crate::engine::gcode::format_duration;
use crate::engine::printer::creality::{self, Frames};
use crate::engine::printer::lan::{self, Action, Client, Command, Status, Upload};
use crate::storage::{self, Device};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// How often the open list asks each printer for its status (ms).
const POLL_MS: i32 = 2500;
/// How long a status call may take (ms).
const STATUS_TIMEOUT_MS: u32 = 8000;
/// A status socket silent this long (ms) is taken for a printer gone away.
const SOCKET_SILENCE_MS: f64 = 10_000.0;

/// An open status socket (printers that push their status).
struct Socket {
    socket: socket::Socket,
    /// Which socket of this printer it is: events of an older one are ignored.
    generation: u32,
    url: String,
    frames: Frames,
    opened: bool,
    closed: bool,
    /// When the last message came (ms).
    last: f64,
}

/// A printer's socket, if it is still the one of `generation`.
fn current<'m>(
    sockets: &'m mut HashMap<String, Socket>,
    id: &str,
    generation: u32,
) -> Option<&'m mut Socket> {
    sockets.get_mut(id).filter(|s| s.generation == generation)
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

/// Explains a failed call: what happened and what to change.
async fn explain(device: &Device, e: NetError) -> String {
    let base = &device.address;
    if let NetError::Timeout = e {
        return format!(
            "{base} did not answer in time: is the printer on, and is this its address?"
        );
    }
    if http::page_https() && base.starts_with("http://") {
        return format!(
            "This page was opened over HTTPS and the printer answers plain HTTP at {base}. Chrome and Edge reach it only after you allow Lamina to use your local network (asked once; if you said no, allow it in the site settings, left of the address bar); other browsers refuse. Instead you can open Lamina from an http:// address on your network, open the printer's own page, or download the G-code."
        );
    }
    if http::answers_at_all(base).await {
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
        match http::send(&device.address, &r, STATUS_TIMEOUT_MS, None).await {
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
        let now = now_ms();
        let state = self.sockets.with_value(|m| {
            m.get(&d.id)
                .map(|s| (s.closed, s.opened, now - s.last, s.url.clone()))
        });
        match state {
            Some((false, opened, silent, url)) if silent > SOCKET_SILENCE_MS => {
                self.sockets.update_value(|m| {
                    if let Some(s) = m.get_mut(&d.id) {
                        s.closed = true;
                        s.socket.close();
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
        let lan = *self;
        let id = d.id.clone();
        let name = d.name.clone();
        let generation = self
            .sockets
            .with_value(|m| m.get(&d.id).map_or(0, |s| s.generation + 1));
        let on_event = {
            let url = url.clone();
            move |e: socket::Event| {
                match e {
                    socket::Event::Opened => lan.sockets.update_value(|m| {
                        if let Some(s) = current(m, &id, generation) {
                            s.opened = true;
                            s.last = now_ms();
                        }
                    }),
                    socket::Event::Message(text) => {
                        let status = lan.sockets.try_update_value(|m| {
                            let s = current(m, &id, generation)?;
                            s.last = now_ms();
                            s.frames.feed(&text).then(|| s.frames.status())
                        });
                        if let Some(Some(status)) = status {
                            lan.set_live(&id, |l| {
                                l.status = Some(Status { status, job: None });
                                l.error = None;
                            });
                        }
                    }
                    socket::Event::Closed => {
                        let was = lan.sockets.try_update_value(|m| {
                            let s = current(m, &id, generation)?;
                            let was = (s.opened, s.closed);
                            s.closed = true;
                            Some(was)
                        });
                        let text = match was {
                            // Closed on purpose after a silence (that error is already
                            // shown), or an older socket.
                            Some(Some((_, true))) | Some(None) | None => return,
                            Some(Some((true, false))) => format!(
                                "Lost the connection to {name} ({url}): is the printer on? Lamina tries again while this list is open."
                            ),
                            Some(Some((false, false))) => format!(
                                "No answer from the printer's status socket at {url}: check the address, that the printer is on, and that this computer is on the same network."
                            ),
                        };
                        lan.set_live(&id, |l| l.error = Some(text));
                    }
                }
            }
        };
        let socket = match socket::Socket::open(&url, on_event) {
            Ok(s) => s,
            Err(why) => {
                self.set_live(&d.id, |l| {
                    l.error = Some(format!(
                        "The browser would not open {url} ({why}). A page opened over HTTPS cannot reach a printer's plain socket: open Lamina from an http:// address on your network."
                    ))
                });
                return;
            }
        };
        // The printer tells everything once asked; sent as soon as the socket opens.
        socket.send(creality::request_all());
        let socket = Socket {
            socket,
            generation,
            url,
            frames: Frames::default(),
            opened: false,
            closed: false,
            last: now_ms(),
        };
        self.sockets.update_value(|m| {
            m.insert(d.id.clone(), socket);
        });
    }

    /// Sends a message on a printer's socket, opening it first where needed.
    fn socket_send(&self, d: &Device, text: String) {
        let sent = self.sockets.with_value(|m| match m.get(&d.id) {
            Some(s) if !s.closed => {
                s.socket.send(text.clone());
                true
            }
            _ => false,
        });
        if !sent && let Some(port) = socket_port(d) {
            self.open_socket(d, port);
            self.sockets.with_value(|m| {
                if let Some(s) = m.get(&d.id) {
                    s.socket.send(text);
                }
            });
        }
    }

    /// Carries out a command: an HTTP request or a socket message.
    async fn run(&self, d: &Device, client: &Client, c: Command) -> Result<(), String> {
        match c {
            Command::Http(request) => {
                match http::send(&d.address, &request, STATUS_TIMEOUT_MS, None).await {
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
            let answer = http::send(&d.address, &request, timeout, Some(Box::new(progress))).await;
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
