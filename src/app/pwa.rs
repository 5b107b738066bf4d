//! Offline use and installing: registers the service worker that the build writes (`sw.js`,
//! from `web/sw.js`), which caches the whole app, and shows "A new version of Lamina is
//! available" with a Reload button when a newer build has been fetched in the background.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

/// How often a long-open tab looks for a new version.
const CHECK_EVERY_MS: i32 = 15 * 60 * 1000;

#[derive(Clone, Copy)]
struct Update {
    /// A new version is installed and waiting.
    ready: RwSignal<bool>,
    waiting: StoredValue<Option<ServiceWorker>, LocalStorage>,
    /// The user asked for the new version: reload when it has taken over.
    reload: StoredValue<bool>,
}

/// Registers the service worker; `up` learns of waiting updates.
fn register(up: Update) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let protocol = window.location().protocol().unwrap_or_default();
    if !window.is_secure_context() || !(protocol == "https:" || protocol == "http:") {
        return;
    }
    let container = window.navigator().service_worker();
    let on_change = Closure::<dyn FnMut()>::new(move || {
        if up.reload.get_value()
            && let Some(w) = web_sys::window()
        {
            let _ = w.location().reload();
        }
    });
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();
    let promise = container.register("sw.js");
    leptos::task::spawn_local(async move {
        let reg: ServiceWorkerRegistration = match JsFuture::from(promise).await {
            Ok(r) => r.unchecked_into(),
            Err(e) => {
                web_sys::console::warn_2(&"Lamina works online only: ".into(), &e);
                return;
            }
        };
        let controlled = || {
            web_sys::window().is_some_and(|w| w.navigator().service_worker().controller().is_some())
        };
        // The first install is no update: only a worker replacing one that runs the page is.
        if let Some(w) = reg.waiting()
            && controlled()
        {
            offer(up, w);
        }
        let reg2 = reg.clone();
        let on_found = Closure::<dyn FnMut()>::new(move || {
            let Some(installing) = reg2.installing() else {
                return;
            };
            let worker = installing.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                if worker.state() == ServiceWorkerState::Installed && controlled() {
                    offer(up, worker.clone());
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
        let check = Closure::<dyn FnMut()>::new(move || {
            let _ = reg.update();
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_interval_with_callback_and_timeout_and_arguments_0(
                check.as_ref().unchecked_ref(),
                CHECK_EVERY_MS,
            );
        }
        check.forget();
    });
}

fn offer(up: Update, worker: ServiceWorker) {
    up.waiting.set_value(Some(worker));
    up.ready.set(true);
}

/// The "new version" prompt; registers the service worker when mounted.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let up = Update {
        ready: RwSignal::new(false),
        waiting: StoredValue::new_local(None),
        reload: StoredValue::new(false),
    };
    register(up);
    let take = move |_| {
        up.reload.set_value(true);
        match up.waiting.with_value(|w| w.clone()) {
            Some(w) => {
                let _ = w.post_message(&JsValue::from_str("take-over"));
            }
            None => {
                let _ = web_sys::window().map(|w| w.location().reload());
            }
        }
    };
    view! {
        <Show when=move || up.ready.get()>
            <div class="update-banner" role="alert" id="update-banner">
                <span>"A new version of Lamina is available."</span>
                <button class="primary" on:click=take>"Reload"</button>
                <button class="close" title="Later" aria-label="Update later" on:click=move |_| up.ready.set(false)>"×"</button>
            </div>
        </Show>
    }
}
