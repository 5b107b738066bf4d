//! # Lamina
//!
//! A 3D-printing (FFF) slicer that runs in the browser. The slicing engine is pure Rust and
//! builds both natively (CLI, tests, benchmarks) and for `wasm32-unknown-unknown` (the app).
//!
//! Data flows one way, and the engine's modules are named after the steps:
//!
//! ```text
//!  model file ──► mesh ──► layers ──► toolpaths ──► gcode ──► printer
//!  (STL/OBJ/3MF)  (repair)  (slices,    (walls, infill,  (plan: travel,
//!                           regions)    support, skirt)   cooling; text)
//! ```
//!
//! `engine::pipeline` runs the steps in order with progress and cancellation; `engine::settings`
//! declares every setting once.
//!
//! In the browser (wasm32 only): `app` is the leptos user interface, `render` draws the bed,
//! models and toolpaths with wgpu, `storage` keeps projects and presets in IndexedDB,
//! `device` carries bytes to printers, catalogs and folders (HTTP, WebSocket, WebSerial), and
//! `worker` slices in a Web Worker so the page stays responsive. They depend on the engine;
//! the engine depends on none of them, and only `app` uses leptos.

pub mod engine;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod device;
#[cfg(target_arch = "wasm32")]
pub mod render;
#[cfg(target_arch = "wasm32")]
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// The standard allocator, watched: a worker that runs out of memory says so before it stops.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: worker::oom::Reporting = worker::oom::Reporting;
