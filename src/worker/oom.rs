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

/// Writes `n` in decimal at `buf[at..]`; the position after it.
fn put_number(buf: &mut [u8], mut at: usize, n: u64) -> usize {
    let mut digits = [0u8; 20];
    let mut k = 0;
    let mut n = n;
    loop {
        digits[k] = b'0' + (n % 10) as u8;
        k += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    while k > 0 && at < buf.len() {
        k -= 1;
        buf[at] = digits[k];
        at += 1;
    }
    at
}

fn failed(size: usize) {
    if REPORTED.swap(true, Ordering::Relaxed) {
        return;
    }
    #[cfg(target_arch = "wasm32")]
    let held = core::arch::wasm32::memory_size::<0>() as u64 * 65536;
    #[cfg(not(target_arch = "wasm32"))]
    let held = 0;
    let mut buf = [0u8; 64];
    buf[..PREFIX.len()].copy_from_slice(PREFIX.as_bytes());
    let mut at = put_number(&mut buf, PREFIX.len(), size as u64);
    buf[at] = b':';
    at = put_number(&mut buf, at + 1, held);
    let Ok(text) = std::str::from_utf8(&buf[..at]) else {
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
