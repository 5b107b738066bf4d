//! Printing over USB with WebSerial (Chromium on desktops and Chromebooks): connect with the
//! browser's port chooser, a console, home and jog, temperatures with a chart, and printing
//! the current slice with progress, pause, resume and cancel. The protocol is the engine's
//! (`engine::printer::serial::Host`); this file moves bytes. Data read from the port drives
//! the sending, so a background tab with throttled timers keeps printing; a slow timer only
//! checks for timeouts and temperatures. While printing, the page asks before it is closed
//! and keeps the screen awake.

use super::Ctx;
use super::browser::{call, call_await, get, now_ms};
use crate::device::serial::{self as webserial, Port};
use crate::engine::gcode::format_duration;
use crate::engine::printer::serial::{Event, Host, HostConfig, State, Status};
use crate::engine::settings::Key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Console lines kept.
const CONSOLE: usize = 300;
/// Temperature samples kept for the chart.
const SAMPLES: usize = 150;
const BAUD_RATES: [u32; 5] = [115200, 250000, 230400, 57600, 9600];

#[derive(Clone, Copy)]
pub struct Usb {
    host: StoredValue<Host>,
    pub status: RwSignal<Status>,
    console: RwSignal<Vec<(bool, String)>>,
    /// (seconds, hot end, bed) samples.
    samples: RwSignal<Vec<(f64, f64, f64)>>,
    port: StoredValue<Option<Port>, LocalStorage>,
    wake_lock: StoredValue<Option<JsValue>, LocalStorage>,
    pub open: RwSignal<bool>,
    /// Ports this site was allowed before (`getPorts()`), to reconnect without the chooser.
    known: RwSignal<usize>,
}

/// The printer preset's baud rate, or the user's value for it.
fn baud_rate(ctx: Ctx) -> u32 {
    ctx.settings
        .with_untracked(|s| s.as_ref().map(|s| s.serial_baud_rate).ok())
        .unwrap_or(115200)
}

/// Sets the baud rate as the user's value on top of the printer preset.
fn set_baud_rate(ctx: Ctx, b: u32) {
    let base = ctx
        .base
        .with_untracked(|s| s.as_ref().map(|s| s.serial_baud_rate).ok());
    ctx.overrides.update(|o| {
        if base == Some(b) {
            o.remove(Key::serial_baud_rate.name());
        } else {
            o.insert(Key::serial_baud_rate.name().into(), b.to_string());
        }
    });
}

fn seconds() -> f64 {
    now_ms() / 1000.0
}

impl Usb {
    pub fn new() -> Usb {
        let host = Host::new(HostConfig::default());
        Usb {
            status: RwSignal::new(host.status().clone()),
            host: StoredValue::new(host),
            console: RwSignal::new(Vec::new()),
            samples: RwSignal::new(Vec::new()),
            port: StoredValue::new_local(None),
            wake_lock: StoredValue::new_local(None),
            open: RwSignal::new(false),
            known: RwSignal::new(0),
        }
    }

    fn log(&self, from_printer: bool, text: String) {
        self.console.update(|c| {
            c.push((from_printer, text));
            let n = c.len();
            if n > CONSOLE {
                c.drain(..n - CONSOLE);
            }
        });
    }

    /// Runs the protocol: feeds what was read, writes what it hands back, shows the rest.
    fn pump(&self, ctx: Ctx, bytes: Option<&[u8]>) {
        let now = seconds();
        let Some((lines, events, status)) = self.host.try_update_value(|h| {
            if let Some(b) = bytes {
                h.received(b, now);
            }
            let lines = h.poll(now);
            (lines, h.take_events(), h.status().clone())
        }) else {
            return;
        };
        if !lines.is_empty() {
            self.port.with_value(|p| {
                if let Some(port) = p {
                    for l in lines {
                        port.write(l.as_bytes());
                    }
                }
            });
        }
        for e in events {
            match e {
                // Temperature reports go to the chart; the `ok` of every job line is noise.
                Event::Received(t)
                    if !t.contains("T:")
                        && t != "wait"
                        && !(t == "ok" && status.state == State::Printing) =>
                {
                    self.log(true, t)
                }
                Event::Sent(t) if status.state != State::Printing && t != "M105" => {
                    self.log(false, t)
                }
                Event::Temperatures(t) => {
                    let hot = t.iter().find(|h| h.name == "T" || h.name == "T0");
                    let bed = t.iter().find(|h| h.name == "B");
                    if let Some(h) = hot {
                        self.samples.update(|s| {
                            s.push((now, h.current, bed.map_or(0.0, |b| b.current)));
                            let n = s.len();
                            if n > SAMPLES {
                                s.drain(..n - SAMPLES);
                            }
                        });
                    }
                }
                Event::JobDone => ctx.say("The print is done.", false),
                Event::JobCancelled => ctx.say("The print was cancelled.", false),
                Event::Error(e) => ctx.say(format!("Printer: {e}"), true),
                _ => {}
            }
        }
        let printing = matches!(status.state, State::Printing | State::Paused);
        self.status.set(status);
        self.keep_awake(printing);
    }

    /// Counts the ports the browser remembers for this site.
    pub fn refresh_known(&self) {
        if !webserial::available() {
            return;
        }
        let usb = *self;
        spawn_local(async move {
            usb.known.set(webserial::known_ports().await.len());
        });
    }

    /// Opens a port: the one used before (`remembered`), or one the user picks.
    pub fn connect(&self, ctx: Ctx, remembered: bool) {
        if !webserial::available() {
            return;
        }
        let usb = *self;
        let baud = baud_rate(ctx);
        spawn_local(async move {
            let port = if remembered {
                webserial::known_ports().await.into_iter().next()
            } else {
                webserial::choose_port().await
            };
            let Some(port) = port else {
                // The user closed the chooser, or the port is gone.
                if remembered {
                    ctx.say(
                        "The printer's port is not there any more: connect it and choose it again.",
                        true,
                    );
                    usb.known.set(0);
                } else {
                    ctx.say(
                        "No port was chosen. Plug the printer in by USB, switch it on, and choose its port (often \"USB Serial\" or \"CH340\") in the list.",
                        false,
                    );
                }
                return;
            };
            let port = match Port::open(port, baud).await {
                Ok(p) => p,
                Err(e) => {
                    ctx.say(
                        format!(
                            "Could not open the port: {e} (is another program, or another tab, using it?)"
                        ),
                        true,
                    );
                    return;
                }
            };
            usb.port.set_value(Some(port.clone()));
            usb.console.set(Vec::new());
            usb.samples.set(Vec::new());
            usb.host.update_value(|h| h.opened(seconds()));
            usb.pump(ctx, None);
            // Reading drives everything.
            loop {
                match port.read().await {
                    Ok(Some(bytes)) => usb.pump(ctx, Some(&bytes)),
                    Ok(None) => break,
                    Err(e) => {
                        ctx.say(format!("The printer's port closed: {e}"), true);
                        break;
                    }
                }
            }
            usb.host.update_value(|h| h.closed());
            usb.pump(ctx, None);
            if let Some(p) = usb.port.try_update_value(|p| p.take()).flatten() {
                p.close().await;
            }
            usb.refresh_known();
        });
    }

    pub fn disconnect(&self) {
        // Cancelling the read ends the reading loop, which closes the port.
        self.port.with_value(|p| {
            if let Some(p) = p {
                p.cancel();
            }
        });
    }

    fn command(&self, ctx: Ctx, text: &str) {
        self.host.update_value(|h| h.command(text));
        self.pump(ctx, None);
    }

    fn print(&self, ctx: Ctx) {
        let Some(bytes) = ctx.slicing.gcode_bytes() else {
            ctx.say("Slice first: there is no G-code to print.", true);
            return;
        };
        let text = String::from_utf8_lossy(&bytes.to_vec()).to_string();
        let result = self
            .host
            .try_update_value(|h| h.print(&text, seconds()))
            .unwrap_or_else(|| Err("no printer".into()));
        match result {
            Ok(n) => ctx.say(format!("Printing {n} lines over USB."), false),
            Err(e) => ctx.say(format!("Cannot print: {e}"), true),
        }
        self.pump(ctx, None);
    }

    /// Starts what runs while the app is open: timeouts and temperature polls (the data read
    /// drives the rest), and a question before a tab that is printing closes.
    pub fn start(&self, ctx: Ctx) {
        let usb = *self;
        let tick = Closure::<dyn FnMut()>::new(move || {
            if !matches!(usb.status.get_untracked().state, State::Closed) {
                usb.pump(ctx, None);
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                250,
            );
        }
        tick.forget();
        // Closing the tab mid-print would stop the printer in the middle of a part.
        // (The handle is dropped: the listener stays for the page's life.)
        let _ = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if matches!(
                usb.status.get_untracked().state,
                State::Printing | State::Paused
            ) {
                ev.prevent_default();
                ev.set_return_value("A print is running from this tab.");
            }
        });
    }

    /// Whether a port is open (or opening).
    pub fn connected(&self) -> bool {
        !matches!(
            self.status.with(|s| s.state.clone()),
            State::Closed | State::Error(_)
        )
    }

    /// The top bar's word for the USB printer.
    pub fn label(&self) -> &'static str {
        match self.status.with(|s| s.state.clone()) {
            State::Printing => "Print: printing",
            State::Idle => "Print: ready",
            _ => "Print",
        }
    }

    /// Holds a screen wake lock while printing, so a sleeping Chromebook does not starve the
    /// printer.
    fn keep_awake(&self, printing: bool) {
        let held = self.wake_lock.with_value(|w| w.is_some());
        if printing && !held {
            let nav = match web_sys::window() {
                Some(w) => w.navigator(),
                None => return,
            };
            let wl = get(&nav, "wakeLock");
            if wl.is_undefined() {
                return;
            }
            self.wake_lock.set_value(Some(JsValue::NULL));
            let usb = *self;
            spawn_local(async move {
                if let Ok(lock) = call_await(&wl, "request", &["screen".into()]).await {
                    usb.wake_lock.set_value(Some(lock));
                }
            });
        } else if !printing
            && held
            && let Some(lock) = self.wake_lock.try_update_value(|w| w.take()).flatten()
            && !lock.is_null()
        {
            let _ = call(&lock, "release", &[]);
        }
    }
}

/// The USB tab of the printer panel.
#[component]
pub fn UsbTab() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let usb = ctx.usb;
    let supported = webserial::available();
    let input = RwSignal::new(String::new());
    let state = move || usb.status.with(|s| s.state.clone());
    let connected = move || !matches!(state(), State::Closed | State::Error(_));
    let idle = move || state() == State::Idle;
    let state_text = move || match state() {
        State::Closed => "Not connected".to_string(),
        State::Connecting => "Connecting…".into(),
        State::Idle => "Ready".into(),
        State::Printing => "Printing".into(),
        State::Paused => "Paused".into(),
        State::Cancelling => "Cancelling…".into(),
        State::Error(e) => format!("Stopped: {e}"),
    };
    let temps = move || {
        usb.status.with(|s| {
            s.temperatures
                .iter()
                .map(|t| {
                    let name = match t.name.as_str() {
                        "B" => "Bed".to_string(),
                        "C" => "Chamber".into(),
                        n => format!("Nozzle {}", n.trim_start_matches('T'))
                            .trim()
                            .to_string(),
                    };
                    match t.target {
                        Some(target) if target > 0.0 => {
                            format!("{name} {:.0} / {target:.0} °C", t.current)
                        }
                        _ => format!("{name} {:.0} °C", t.current),
                    }
                })
                .collect::<Vec<_>>()
                .join(" · ")
        })
    };
    let chart = move || {
        let s = usb.samples.get();
        let (Some(first), Some(last)) = (s.first(), s.last()) else {
            return None;
        };
        let span = (last.0 - first.0).max(1.0);
        let max = s.iter().map(|x| x.1.max(x.2)).fold(50.0f64, f64::max) * 1.1;
        let line = |pick: fn(&(f64, f64, f64)) -> f64| {
            s.iter()
                .map(|x| {
                    format!(
                        "{:.1},{:.1}",
                        280.0 * (x.0 - first.0) / span,
                        80.0 - 80.0 * pick(x) / max
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        Some(view! {
            <svg class="temp-chart" viewBox="0 0 280 80" width="280" height="80" aria-label="Temperatures">
                <polyline class="hot" points=line(|x| x.1) fill="none"></polyline>
                <polyline class="bed" points=line(|x| x.2) fill="none"></polyline>
            </svg>
        })
    };
    let progress = move || {
        let s = usb.status.get();
        let j = s.job?;
        let f = j.fraction();
        let elapsed = seconds() - j.started;
        let left = if f > 0.02 {
            elapsed * (1.0 - f) / f
        } else {
            f64::NAN
        };
        Some(view! {
            <div class="job">
                <progress id="usb-progress" max="1" value=f></progress>
                <span id="usb-progress-text">
                    {format!(
                        "{} of {} lines ({:.0}%) · {} elapsed{}",
                        j.done,
                        j.total,
                        100.0 * f,
                        format_duration(elapsed),
                        if left.is_finite() { format!(" · about {} left", format_duration(left)) } else { String::new() }
                    )}
                </span>
            </div>
        })
    };
    let jog = move |axis: &'static str, d: f64| {
        move |_| {
            usb.command(
                ctx,
                &format!(
                    "G91\nG1 {axis}{d} F{}\nG90",
                    if axis == "Z" { 600 } else { 3000 }
                ),
            )
        }
    };
    let set_temp = move |code: &'static str| {
        move |ev: web_sys::Event| {
            let v = event_target_value(&ev);
            match v.trim().parse::<f64>() {
                Ok(t) if (0.0..=350.0).contains(&t) => usb.command(ctx, &format!("{code} S{t:.0}")),
                _ => ctx.say(format!("{v}: a temperature from 0 to 350 °C"), true),
            }
        }
    };
    view! {
                {if !supported {
                    view! {
                        <p class="error-text" id="no-webserial">
                            "This browser has no WebSerial (it exists in Chrome, Edge and on Chromebooks, not in Firefox or Safari). Download the G-code and print it from a card, or send it to a printer on the network (Network tab)."
                        </p>
                    }
                    .into_any()
                } else {
                    view! {
                        <div class="connect-row">
                            <select
                                id="baud-rate"
                                title="USB baud rate, from the printer preset (most Marlin printers: 115200; some: 250000)"
                                disabled=connected
                                on:change=move |ev| {
                                    if let Ok(b) = event_target_value(&ev).parse::<u32>() {
                                        set_baud_rate(ctx, b);
                                    }
                                }
                            >
                                {move || {
                                    let current = ctx.settings.with(|s| s.as_ref().map(|s| s.serial_baud_rate).unwrap_or(115200));
                                    let mut rates = BAUD_RATES.to_vec();
                                    if !rates.contains(&current) {
                                        rates.insert(0, current);
                                    }
                                    rates
                                        .into_iter()
                                        .map(|b| view! { <option value=b.to_string() selected=b == current>{b.to_string()}</option> })
                                        .collect_view()
                                }}
                            </select>
                            <Show
                                when=connected
                                fallback=move || {
                                    view! {
                                        <Show when=move || { usb.known.get() > 0 }>
                                            <button id="usb-reconnect" class="primary" title="The port used before" on:click=move |_| usb.connect(ctx, true)>
                                                "Reconnect"
                                            </button>
                                        </Show>
                                        <button id="usb-connect" class:primary=move || usb.known.get() == 0 title="Choose the printer's port" on:click=move |_| usb.connect(ctx, false)>
                                            "Connect…"
                                        </button>
                                    }
                                }
                            >
                                <button id="usb-disconnect" on:click=move |_| usb.disconnect()>"Disconnect"</button>
                            </Show>
                            <span id="usb-state" class="usb-state">{state_text}</span>
                        </div>
                        <div class="firmware">{move || usb.status.with(|s| s.firmware.clone())}</div>
                        <div id="usb-temps" class="temps">{temps}</div>
                        {chart}
                        <div class="heat-row">
                            <label>"Nozzle °C" <input type="text" inputmode="numeric" id="usb-nozzle" disabled=move || !connected() on:change=set_temp("M104")/></label>
                            <label>"Bed °C" <input type="text" inputmode="numeric" id="usb-bed" disabled=move || !connected() on:change=set_temp("M140")/></label>
                        </div>
                        <div class="jog" aria-label="Move">
                            <button on:click=move |_| usb.command(ctx, "G28") disabled=move || !idle()>"Home"</button>
                            <button on:click=jog("X", -10.0) disabled=move || !idle()>"X−10"</button>
                            <button on:click=jog("X", 10.0) disabled=move || !idle()>"X+10"</button>
                            <button on:click=jog("Y", -10.0) disabled=move || !idle()>"Y−10"</button>
                            <button on:click=jog("Y", 10.0) disabled=move || !idle()>"Y+10"</button>
                            <button on:click=jog("Z", -1.0) disabled=move || !idle()>"Z−1"</button>
                            <button on:click=jog("Z", 1.0) disabled=move || !idle()>"Z+1"</button>
                            <button on:click=move |_| usb.command(ctx, "M84") disabled=move || !idle()>"Motors off"</button>
                        </div>
                        <div class="print-row">
                            <button
                                id="usb-print"
                                class="primary"
                                disabled=move || !idle() || ctx.slicing.result.with(|r| r.is_none())
                                title="Print the current slice"
                                on:click=move |_| usb.print(ctx)
                            >
                                "Print"
                            </button>
                            <Show when=move || ctx.slicing.result.with(|r| r.is_none())>
                                <span class="note" id="usb-slice-first">"Slice first"</span>
                            </Show>
                            <Show when=move || state() == State::Printing>
                                <button id="usb-pause" on:click=move |_| { usb.host.update_value(|h| h.pause()); usb.pump(ctx, None) }>"Pause"</button>
                            </Show>
                            <Show when=move || state() == State::Paused>
                                <button id="usb-resume" on:click=move |_| { usb.host.update_value(|h| h.resume()); usb.pump(ctx, None) }>"Resume"</button>
                            </Show>
                            <Show when=move || matches!(state(), State::Printing | State::Paused)>
                                <button id="usb-cancel" on:click=move |_| { usb.host.update_value(|h| h.cancel()); usb.pump(ctx, None) }>"Cancel print"</button>
                            </Show>
                            <button
                                class="danger"
                                title="Emergency stop (M112): the printer halts at once and needs a reset"
                                disabled=move || !connected()
                                on:click=move |_| {
                                    let line = usb.host.try_update_value(|h| h.emergency_stop()).unwrap_or_default();
                                    usb.port.with_value(|p| {
                                        if let Some(p) = p {
                                            p.write(line.as_bytes());
                                        }
                                    });
                                    usb.pump(ctx, None);
                                }
                            >
                                "Stop!"
                            </button>
                        </div>
                        {progress}
                        <pre class="console" id="usb-console">
                            {move || {
                                // Newest first, so the latest reply is in view.
                                usb.console
                                    .get()
                                    .into_iter()
                                    .rev()
                                    .map(|(from, t)| format!("{} {t}\n", if from { "<" } else { ">" }))
                                    .collect::<String>()
                            }}
                        </pre>
                        <input
                            type="text"
                            id="usb-command"
                            placeholder="Send a command, e.g. M503"
                            disabled=move || !connected()
                            prop:value=move || input.get()
                            on:input=move |ev| input.set(event_target_value(&ev))
                            on:keydown=move |ev: web_sys::KeyboardEvent| {
                                if ev.key() == "Enter" {
                                    let c = input.get_untracked();
                                    if !c.trim().is_empty() {
                                        usb.command(ctx, &c);
                                        input.set(String::new());
                                    }
                                }
                            }
                        />
                    }
                    .into_any()
                }}
    }
}
