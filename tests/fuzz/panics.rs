//! A target's panics, caught with where and why, and not printed: shared by the fuzzer
//! (`examples/fuzz.rs`) and the regression test (`tests/fuzz.rs`).

use std::sync::Mutex;

static LAST: Mutex<String> = Mutex::new(String::new());

/// From now on, a panic is recorded (`file:line: message`) instead of printed.
pub fn quiet() {
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map_or("unknown place".to_string(), |l| {
            format!("{}:{}", l.file(), l.line())
        });
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        *LAST.lock().unwrap_or_else(|e| e.into_inner()) = format!("{at}: {message}");
    }));
}

/// Runs `f`; where and why it panicked, if it did.
pub fn catch(f: impl FnOnce()) -> Result<(), String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|_| std::mem::take(&mut *LAST.lock().unwrap_or_else(|e| e.into_inner())))
}
