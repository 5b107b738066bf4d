//! HTTP for the app: catalogs, WebDAV folders and network printers.
//!
//! Plain requests go through gloo-net. Two cases need the browser's own APIs, written here by
//! hand because gloo-net offers neither: an upload that reports its progress (XMLHttpRequest)
//! and a request to a printer on the local network from a page opened over HTTPS (`fetch` with
//! Chromium's Local Network Access option `targetAddressSpace`).

use crate::engine::printer::Request;
use crate::engine::printer::lan;
use gloo_net::http::{Method, RequestBuilder};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub use gloo_net::http::Response;

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

fn is_timeout(e: &JsValue) -> bool {
    js_sys::Reflect::get(e, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .as_deref()
        == Some("TimeoutError")
}

/// A request with a timeout: the response (of any status), or why there is none. Cached
/// answers are always checked with the server first: catalogs and printers change.
pub async fn fetch(f: Fetch<'_>) -> Result<Response, NetError> {
    if let Some(space) = f.address_space {
        return fetch_local(&f, space).await.map(Response::from);
    }
    let method = Method::from_bytes(f.method.as_bytes()).map_err(|_| NetError::Network)?;
    let signal = web_sys::AbortSignal::timeout_with_u32(f.timeout_ms);
    let mut b = RequestBuilder::new(f.url)
        .method(method)
        .cache(web_sys::RequestCache::NoCache)
        .abort_signal(Some(&signal));
    for (k, v) in f.headers {
        b = b.header(k, v);
    }
    let request = if f.body.is_empty() {
        b.build()
    } else {
        b.body(js_sys::Uint8Array::from(f.body))
    }
    .map_err(|_| NetError::Network)?;
    request.send().await.map_err(|e| match e {
        gloo_net::Error::JsError(e) if e.name == "TimeoutError" => NetError::Timeout,
        _ => NetError::Network,
    })
}

/// `fetch` with `targetAddressSpace`, which neither web-sys nor gloo-net can say yet.
async fn fetch_local(f: &Fetch<'_>, space: &str) -> Result<web_sys::Response, NetError> {
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
    let _ = js_sys::Reflect::set(&init, &"targetAddressSpace".into(), &space.into());
    match JsFuture::from(w.fetch_with_str_and_init(f.url, &init)).await {
        Ok(r) => Ok(r.unchecked_into()),
        Err(e) if is_timeout(&e) => Err(NetError::Timeout),
        Err(_) => Err(NetError::Network),
    }
}

/// The whole body of a response, or None where it broke off.
pub async fn body(r: &Response) -> Option<Vec<u8>> {
    r.binary().await.ok()
}

/// Whether this page was opened over HTTPS.
pub fn page_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}

/// Sends a printer's request to `base` + its path; `progress` hears the upload's share sent
/// (0–1). Only an upload that reports progress goes through XMLHttpRequest; the rest through
/// [`fetch`]. From an HTTPS page to a plain-HTTP printer every request goes through `fetch`
/// with Local Network Access's `targetAddressSpace` (the browser asks the user once;
/// XMLHttpRequest cannot say it, so such uploads show no progress until they are done).
pub async fn send(
    base: &str,
    r: &Request,
    timeout_ms: u32,
    progress: Option<Box<dyn Fn(f64)>>,
) -> Result<(u16, Vec<u8>), NetError> {
    let local = page_https() && base.starts_with("http://");
    if local || progress.is_none() {
        let url = format!("{base}{}", r.path);
        let response = fetch(Fetch {
            method: r.method,
            url: &url,
            headers: &r.headers,
            body: &r.body,
            timeout_ms,
            address_space: if local {
                lan::address_space(base)
            } else {
                None
            },
        })
        .await?;
        if let Some(p) = &progress {
            p(1.0);
        }
        return Ok((response.status(), body(&response).await.unwrap_or_default()));
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

/// Whether anything answers at `base` at all, for pages that may not read the answer
/// (`fetch` with `no-cors`): tells a printer that forbids other pages from one that is away.
pub async fn answers_at_all(base: &str) -> bool {
    let signal = web_sys::AbortSignal::timeout_with_u32(5000);
    RequestBuilder::new(&format!("{base}/"))
        .mode(web_sys::RequestMode::NoCors)
        .abort_signal(Some(&signal))
        .send()
        .await
        .is_ok()
}

/// Why a body could not be read whole.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReadError {
    BrokeOff,
    /// More than the limit came.
    TooLarge,
}

/// Reads a response's body as it arrives, telling `progress` the bytes received so far, and
/// stops once more than `limit` bytes came.
pub async fn read_body(
    r: &Response,
    limit: u64,
    progress: impl Fn(usize),
) -> Result<Vec<u8>, ReadError> {
    let Some(stream) = r.body() else {
        return body(r).await.ok_or(ReadError::BrokeOff);
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut out = Vec::new();
    loop {
        let chunk: web_sys::ReadableStreamReadResult = JsFuture::from(reader.read())
            .await
            .map_err(|_| ReadError::BrokeOff)?
            .unchecked_into();
        if chunk.get_done() == Some(true) {
            break;
        }
        let value: js_sys::Uint8Array = chunk.get_value().unchecked_into();
        let at = out.len();
        out.resize(at + value.length() as usize, 0);
        value.copy_to(&mut out[at..]);
        if out.len() as u64 > limit {
            let _ = reader.cancel();
            return Err(ReadError::TooLarge);
        }
        progress(out.len());
    }
    Ok(out)
}
