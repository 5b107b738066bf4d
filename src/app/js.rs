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
