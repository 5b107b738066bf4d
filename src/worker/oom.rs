//! Running out of memory in the worker. A wasm module cannot catch a failed allocation: Rust
//! stops the module, and the page sees only that the worker died. This allocator (the
//! standard one, watched) tells the page first: when the browser will not grow the worker's
//! memory, it posts `out-of-memory:<bytes asked>:<bytes held>`, built on the stack because
//! nothing may allocate at that point. The page then explains the failure in words
//! (`app::slicing`), and its project is untouched. On the page's own thread it does nothing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DedicatedWorkerGlobalScope;

pub struct Reporting;

static REPORTED: AtomicBool = AtomicBool::new(false);

/// The message's prefix, which the page looks for.
pub const PREFIX: &str = "out-of-memory:";

unsafe impl GlobalAlloc for Reporting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            failed(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            failed(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            failed(new_size);
        }
        p
    }
}

/// Text in a buffer on the stack: formatting numbers into it allocates nothing.
struct StackText {
    buf: [u8; 64],
    len: usize,
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let to = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        to.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn failed(size: usize) {
    use std::fmt::Write;
    if REPORTED.swap(true, Ordering::Relaxed) {
        return;
    }
    let held = (super::memory_mb() * 1e6) as u64;
    let mut text = StackText {
        buf: [0; 64],
        len: 0,
    };
    if write!(text, "{PREFIX}{size}:{held}").is_err() {
        return;
    }
    let Ok(text) = std::str::from_utf8(&text.buf[..text.len]) else {
        return;
    };
    if let Some(scope) = js_sys::global().dyn_ref::<DedicatedWorkerGlobalScope>() {
        let _ = scope.post_message(&JsValue::from_str(text));
    }
}

/// Reads the message: (bytes asked for, bytes held).
pub fn read(text: &str) -> Option<(f64, f64)> {
    let (asked, held) = text.strip_prefix(PREFIX)?.split_once(':')?;
    Some((asked.parse().ok()?, held.parse().ok()?))
}
