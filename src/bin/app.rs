//! The Lamina web app's entry: Trunk builds this for wasm32 (see index.html). The same
//! module also runs in the slicing Web Worker, which calls `worker_start`.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

#[cfg(target_arch = "wasm32")]
fn main() {
    lamina::app::start();
}

/// Entry of the slicing worker (the app starts it with this same module).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn worker_start() {
    lamina::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the Lamina app runs in the browser: start it with scripts/serve.sh");
    std::process::exit(2);
}
