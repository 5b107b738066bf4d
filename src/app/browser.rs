//! Small page helpers the app's files share: the clock, downloads, ids and file names,
//! waiting, and calling the few browser APIs that web-sys does not bind (by name).

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Milliseconds on the page's monotonic clock.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Offers bytes to the user as a download.
pub fn save_bytes(bytes: &js_sys::Uint8Array, name: &str, mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(bytes);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// A new id that no other in this browser has: `prefix-` and base-36 time and chance.
pub fn new_id(prefix: &str) -> String {
    let t = js_sys::Date::now() as u64;
    let r = (js_sys::Math::random() * 1e9) as u64;
    format!("{prefix}-{}{}", base36(t), base36(r))
}

fn base36(mut n: u64) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A name that every system takes as a file name.
pub fn safe_file_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_ .()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim().to_string();
    if s.is_empty() { "lamina".into() } else { s }
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(p).await;
}

/// Resolves on the next animation frame, so progress notes show.
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window().map(|w| w.request_animation_frame(&resolve));
    });
    let _ = JsFuture::from(promise).await;
}

/// A URL made absolute against the page's address.
pub fn absolute_url(url: &str) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    web_sys::Url::new_with_base(url, &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| url.to_string())
}

/// A property by name (for APIs web-sys does not bind: Web Locks, Wake Lock).
pub fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED)
}

/// A method by name.
pub fn call(o: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: js_sys::Function = get(o, method).dyn_into()?;
    let a = js_sys::Array::new();
    for x in args {
        a.push(x);
    }
    f.apply(o, &a)
}

/// Calls a method that returns a promise, and waits for it.
pub async fn call_await(o: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let p = call(o, method, args)?;
    JsFuture::from(js_sys::Promise::from(p)).await
}

/// Clicks the element with this id (a hidden file input, from a button that can take focus).
/// Whether a key press goes to a text field, a number field or a list (not a shortcut).
pub fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// The window's inner size in CSS pixels.
pub fn window_size() -> (i32, i32) {
    let w = web_sys::window();
    let px = |v: Option<wasm_bindgen::JsValue>| v.and_then(|v| v.as_f64()).unwrap_or(0.0) as i32;
    (
        px(w.as_ref().and_then(|w| w.inner_width().ok())),
        px(w.as_ref().and_then(|w| w.inner_height().ok())),
    )
}

/// Focuses the first element matching a CSS selector, if any.
pub fn focus_selector(selector: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = el.focus();
    }
}

pub fn click_element(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        el.click();
    }
}

/// Keeps Tab inside a dialog (the event's current target): from its last control to its
/// first, and back with Shift.
pub fn trap_tab(ev: &web_sys::KeyboardEvent) {
    if ev.key() != "Tab" {
        return;
    }
    let Some(panel) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(list) = panel.query_selector_all(FOCUSABLE) else {
        return;
    };
    let n = list.length();
    let (Some(first), Some(last)) = (list.get(0), n.checked_sub(1).and_then(|k| list.get(k)))
    else {
        return;
    };
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .map(web_sys::Node::from);
    let to = if ev.shift_key() && active.as_ref() == Some(&first) {
        last
    } else if !ev.shift_key() && active.as_ref() == Some(&last) {
        first
    } else {
        return;
    };
    if let Ok(el) = to.dyn_into::<web_sys::HtmlElement>() {
        ev.prevent_default();
        let _ = el.focus();
    }
}

/// What can take focus in a dialog.
const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]):not([tabindex='-1']), select:not([disabled]), textarea, [tabindex='0']";

/// Moves focus into a dialog that opened (its first control), or back to the button that
/// opened it when it closed. Call from an effect on the dialog's open signal.
pub fn dialog_focus(open: bool, dialog: &'static str, opener: &'static str) {
    // After the dialog is drawn (or gone).
    leptos::prelude::set_timeout(
        move || {
            let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let target = if open {
                doc.query_selector(dialog)
                    .ok()
                    .flatten()
                    .and_then(|d| d.query_selector(FOCUSABLE).ok().flatten())
            } else {
                doc.get_element_by_id(opener)
            };
            if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = el.focus();
            }
        },
        std::time::Duration::from_millis(0),
    );
}
