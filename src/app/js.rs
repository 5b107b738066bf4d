//! Small helpers for calling JavaScript APIs that web-sys does not cover (or only behind
//! unstable flags): properties and methods by name, promises awaited.

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED)
}

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

pub fn describe(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| get(e, "message").as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Why a request got no answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NetError {
    /// The browser refused or could not connect; it does not say which.
    Network,
    Timeout,
}

/// A request for [`fetch`].
pub struct Fetch<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub timeout_ms: u32,
    /// Chromium's Local Network Access `targetAddressSpace` ("local", "loopback"), for a
    /// device on the LAN called from an HTTPS page.
    pub address_space: Option<&'static str>,
}

impl<'a> Fetch<'a> {
    pub fn get(url: &'a str, timeout_ms: u32) -> Fetch<'a> {
        Fetch {
            method: "GET",
            url,
            headers: &[],
            body: &[],
            timeout_ms,
            address_space: None,
        }
    }
}

/// `fetch` with a timeout: the response (of any status), or why there is none. Cached
/// answers are always checked with the server first: catalogs and printers change.
pub async fn fetch(f: Fetch<'_>) -> Result<web_sys::Response, NetError> {
    let w = web_sys::window().ok_or(NetError::Network)?;
    let init = web_sys::RequestInit::new();
    init.set_method(f.method);
    init.set_cache(web_sys::RequestCache::NoCache);
    let headers = web_sys::Headers::new().map_err(|_| NetError::Network)?;
    for (k, v) in f.headers {
        let _ = headers.set(k, v);
    }
    init.set_headers(&headers);
    if !f.body.is_empty() {
        init.set_body(&js_sys::Uint8Array::from(f.body));
    }
    init.set_signal(Some(&web_sys::AbortSignal::timeout_with_u32(f.timeout_ms)));
    if let Some(space) = f.address_space {
        // Not in web-sys yet: Chromium's Local Network Access option.
        let _ = Reflect::set(&init, &"targetAddressSpace".into(), &space.into());
    }
    match JsFuture::from(w.fetch_with_str_and_init(f.url, &init)).await {
        Ok(r) => Ok(r.unchecked_into()),
        Err(e) if get(&e, "name").as_string().as_deref() == Some("TimeoutError") => {
            Err(NetError::Timeout)
        }
        Err(_) => Err(NetError::Network),
    }
}

/// The whole body of a response, or None where it broke off.
pub async fn body(r: &web_sys::Response) -> Option<Vec<u8>> {
    let b = JsFuture::from(r.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&b).to_vec())
}
