//! The network tab's view: the printer list with each printer's state and buttons, and the
//! form that adds or edits a printer.

use super::{state_text, status_of, temps_text};
use crate::app::{Ctx, browser};
use crate::device::http::page_https;
use crate::engine::printer::lan::{self, Action, Kind};
use crate::storage::{self, Device};
use leptos::prelude::*;
use leptos::task::spawn_local;

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
                .unwrap_or_else(|| browser::new_id("printer")),
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
        let start = RwSignal::new(false);
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
                    <Show when=move || ctx.slicing.result.with(|r| r.is_none())>
                        <span class="note device-slice-first">"Slice first"</span>
                    </Show>
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
