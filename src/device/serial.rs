//! WebSerial: USB serial ports in Chromium on desktops and Chromebooks. web-sys has these
//! bindings only behind its unstable-API flag, so the few calls Lamina makes are declared
//! here as typed imports.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, WritableStreamDefaultWriter};

#[wasm_bindgen]
extern "C" {
    /// `navigator.serial`.
    #[wasm_bindgen(extends = js_sys::Object)]
    type Serial;
    #[wasm_bindgen(method, js_name = requestPort)]
    fn request_port(this: &Serial) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = getPorts)]
    fn get_ports(this: &Serial) -> js_sys::Promise;

    /// A port the user allowed this site.
    #[wasm_bindgen(extends = js_sys::Object)]
    #[derive(Clone)]
    pub type SerialPort;
    #[wasm_bindgen(method, js_name = open)]
    fn open_with(this: &SerialPort, options: &js_sys::Object) -> js_sys::Promise;
    #[wasm_bindgen(method, js_name = close)]
    fn close_port(this: &SerialPort) -> js_sys::Promise;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &SerialPort) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &SerialPort) -> web_sys::WritableStream;
}

/// The words of a JavaScript error.
fn describe(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| js_sys::Reflect::get(e, &"message".into()).ok()?.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

fn serial() -> Option<Serial> {
    let nav = web_sys::window()?.navigator();
    let s = js_sys::Reflect::get(&nav, &"serial".into()).ok()?;
    (!s.is_undefined() && !s.is_null()).then(|| s.unchecked_into())
}

/// Whether this browser has WebSerial.
pub fn available() -> bool {
    serial().is_some()
}

/// The ports this site was allowed before (`getPorts()`), without asking.
pub async fn known_ports() -> Vec<SerialPort> {
    let Some(s) = serial() else {
        return Vec::new();
    };
    match JsFuture::from(s.get_ports()).await {
        Ok(list) => js_sys::Array::from(&list)
            .iter()
            .map(|p| p.unchecked_into())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Shows the browser's port chooser; None when the user closed it without a choice.
pub async fn choose_port() -> Option<SerialPort> {
    let s = serial()?;
    JsFuture::from(s.request_port())
        .await
        .ok()
        .map(|p| p.unchecked_into())
}

/// An open port with its reader and writer.
#[derive(Clone)]
pub struct Port {
    port: SerialPort,
    reader: ReadableStreamDefaultReader,
    writer: WritableStreamDefaultWriter,
}

impl Port {
    /// Opens a port at a baud rate; the error in the browser's words.
    pub async fn open(port: SerialPort, baud: u32) -> Result<Port, String> {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"baudRate".into(), &baud.into());
        JsFuture::from(port.open_with(&options))
            .await
            .map_err(|e| describe(&e))?;
        let reader: ReadableStreamDefaultReader = port.readable().get_reader().unchecked_into();
        let writer = port
            .writable()
            .get_writer()
            .map_err(|_| "the port opened but cannot be written".to_string())?;
        Ok(Port {
            port,
            reader,
            writer,
        })
    }

    /// The next bytes read; None once the reading ended (cancelled, or the port closed).
    pub async fn read(&self) -> Result<Option<Vec<u8>>, String> {
        let r = JsFuture::from(self.reader.read())
            .await
            .map_err(|e| describe(&e))?;
        let r: web_sys::ReadableStreamReadResult = r.unchecked_into();
        if r.get_done() == Some(true) {
            return Ok(None);
        }
        Ok(Some(js_sys::Uint8Array::new(&r.get_value()).to_vec()))
    }

    /// Queues bytes to write; writes go out in order.
    pub fn write(&self, bytes: &[u8]) {
        let p = self
            .writer
            .write_with_chunk(&js_sys::Uint8Array::from(bytes));
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(p).await;
        });
    }

    /// Ends the reading (its loop then sees the end).
    pub fn cancel(&self) {
        let _ = self.reader.cancel();
    }

    /// Lets go of the reader and writer and closes the port.
    pub async fn close(self) {
        self.reader.release_lock();
        self.writer.release_lock();
        let _ = JsFuture::from(self.port.close_port()).await;
    }
}
