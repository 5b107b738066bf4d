//! Slicing off the page's thread. The page sends a `Job` (the settings whole, object names
//! and placements, through serde; each mesh as transferred bytes, unless the worker already
//! holds it); the worker answers with progress per stage, then the G-code and the toolpath
//! preview as transferred typed arrays. The worker keeps the meshes and the stage cache of
//! its last job (`pipeline::Cache`), so that a re-slice re-runs only what the change reaches.
//! Cancelling is terminating the worker: the page starts a fresh one, which holds nothing.

pub mod oom;

use crate::engine::assist::findings::Finding;
use crate::engine::gcode::{PrintStats, preview};
use crate::engine::mesh::{Mesh, RepairReport};
use crate::engine::model::calibration::HeightChange;
use crate::engine::model::{Instance, Markup, Object, Scene};
use crate::engine::pipeline::{Cache, Observer};
use crate::engine::settings::Settings;
use crate::engine::stage::Stage;
use glam::{DAffine3, DMat3, DVec3};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// What the page asks for. The meshes travel beside it, in the message's `meshes` array,
/// one `Mesh::to_bytes` buffer per object.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub id: u32,
    pub settings: Settings,
    /// (what, name) of the presets used, for the G-code header.
    pub presets: Vec<(String, String)>,
    pub objects: Vec<JobObject>,
    /// Values that change from a height up (a calibration's bands).
    #[serde(default)]
    pub changes: Vec<HeightChange>,
    /// Look for Assist's findings (Assist is on).
    pub checks: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JobObject {
    pub name: String,
    /// The mesh's `Mesh::fingerprint` in hex. The message's `meshes` slot for this object is
    /// null when the worker already holds the mesh from its last job.
    pub mesh_key: String,
    /// What repairing the mesh found when it was imported (the mesh arrives repaired).
    pub repair: RepairReport,
    /// Each copy's placement: a 3×3 matrix by columns, then the translation.
    pub instances: Vec<[f64; 12]>,
    /// Support paint and volumes.
    #[serde(default)]
    pub markup: Markup,
}

/// What the worker says, under the message's `reply`. Beside it, `Done` messages carry
/// `gcode` (Uint8Array), `extrusions` and `travels` (Float32Array) and `layers_data`
/// (Float32Array of z, first extrusion, first travel per layer).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Reply {
    Ready,
    Progress {
        id: u32,
        stage: String,
        step: u32,
        steps: u32,
    },
    Done {
        id: u32,
        stats: PrintStats,
        speed_range: (f32, f32),
        time_range: (f32, f32),
        warnings: Vec<String>,
        /// None when the job did not ask for them.
        findings: Option<Vec<Finding>>,
        /// Seconds spent in each stage, worker-side, in order.
        timings: Vec<(String, f64)>,
        /// The worker's memory (its module's linear memory) after the job, in MB.
        memory_mb: f64,
    },
    Failed {
        id: u32,
        message: String,
    },
}

fn to_affine(m: &[f64; 12]) -> DAffine3 {
    DAffine3 {
        matrix3: DMat3::from_cols_array(&[m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]]),
        translation: DVec3::new(m[9], m[10], m[11]),
    }
}

fn from_affine(t: &DAffine3) -> [f64; 12] {
    let c = t.matrix3.to_cols_array();
    [
        c[0],
        c[1],
        c[2],
        c[3],
        c[4],
        c[5],
        c[6],
        c[7],
        c[8],
        t.translation.x,
        t.translation.y,
        t.translation.z,
    ]
}

/// An object's copies as plain arrays, for messages and storage.
pub fn placements(o: &Object) -> Vec<[f64; 12]> {
    o.instances
        .iter()
        .map(|i| from_affine(&i.transform))
        .collect()
}

/// Copies back from plain arrays.
pub fn instances(placements: &[[f64; 12]]) -> Vec<Instance> {
    placements
        .iter()
        .map(|t| Instance {
            transform: to_affine(t),
        })
        .collect()
}

/// What the worker keeps between jobs: the meshes of its last job by key, and its stages.
#[derive(Default)]
struct Held {
    meshes: HashMap<String, Arc<Mesh>>,
    cache: Cache,
}

thread_local! {
    static HELD: RefCell<Held> = RefCell::new(Held::default());
}

/// This module's linear memory in MB (it only grows: the most it has needed), in the worker
/// or on the page.
pub fn memory_mb() -> f64 {
    #[cfg(target_arch = "wasm32")]
    let pages = core::arch::wasm32::memory_size::<0>();
    #[cfg(not(target_arch = "wasm32"))]
    let pages = 0;
    pages as f64 * 65536.0 / 1e6
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(reply: &Reply, extra: &[(&str, JsValue)], transfer: &js_sys::Array) {
    let Ok(value) = serde_wasm_bindgen::to_value(reply) else {
        return;
    };
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &JsValue::from_str("reply"), &value);
    for (k, v) in extra {
        let _ = js_sys::Reflect::set(&msg, &JsValue::from_str(k), v);
    }
    let _ = scope().post_message_with_transfer(&msg, transfer);
}

struct Reporter {
    id: u32,
    step: u32,
    checks: bool,
}

impl Observer for Reporter {
    fn checks(&self) -> bool {
        self.checks
    }

    fn stage(&mut self, stage: Stage) -> bool {
        self.step += 1;
        post(
            &Reply::Progress {
                id: self.id,
                stage: stage.name().to_string(),
                step: self.step,
                steps: Stage::ALL.len() as u32 + 1,
            },
            &[],
            &js_sys::Array::new(),
        );
        true
    }

    fn now(&self) -> f64 {
        scope().performance().map_or(0.0, |p| p.now() / 1000.0)
    }
}

/// Starts answering jobs (called in the worker once the module is loaded).
pub fn start() {
    console_error_panic_hook::set_once();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|ev: MessageEvent| {
        let data = ev.data();
        let job: Job = match serde_wasm_bindgen::from_value(data.clone()) {
            Ok(j) => j,
            Err(e) => {
                post(
                    &Reply::Failed {
                        id: 0,
                        message: format!("bad job: {e}"),
                    },
                    &[],
                    &js_sys::Array::new(),
                );
                return;
            }
        };
        let meshes = js_sys::Reflect::get(&data, &JsValue::from_str("meshes"))
            .ok()
            .map(|m| js_sys::Array::from(&m))
            .unwrap_or_default();
        run(job, &meshes);
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&Reply::Ready, &[], &js_sys::Array::new());
}

fn run(job: Job, meshes: &js_sys::Array) {
    HELD.with(|held| slice_job(job, meshes, &mut held.borrow_mut()));
}

/// Slices one job, or says why not. The meshes held change only once all of the job's are
/// at hand; a failed slice empties the stage cache (`Cache::slice`).
fn slice_job(job: Job, meshes: &js_sys::Array, held: &mut Held) {
    let id = job.id;
    let mut reporter = Reporter {
        id,
        step: 0,
        checks: job.checks,
    };
    let job_checks = job.checks;
    let started = reporter.now();
    let fail = |message: String| post(&Reply::Failed { id, message }, &[], &js_sys::Array::new());
    let mut scene = Scene {
        changes: job.changes.clone(),
        ..Default::default()
    };
    let mut kept: HashMap<String, Arc<Mesh>> = HashMap::new();
    for (i, o) in job.objects.iter().enumerate() {
        let slot = meshes.get(i as u32);
        let mesh = if slot.is_null() || slot.is_undefined() {
            match kept
                .get(&o.mesh_key)
                .or_else(|| held.meshes.get(&o.mesh_key))
            {
                Some(m) => m.clone(),
                None => {
                    return fail(format!(
                        "{}: the slicer no longer holds this model; slice again",
                        o.name
                    ));
                }
            }
        } else {
            let bytes = js_sys::Uint8Array::new(&slot).to_vec();
            match Mesh::from_bytes(&bytes) {
                Ok(m) => Arc::new(m),
                Err(e) => return fail(format!("{}: {e}", o.name)),
            }
        };
        kept.insert(o.mesh_key.clone(), mesh.clone());
        let mut object = Object {
            name: o.name.clone(),
            mesh,
            repair: o.repair,
            instances: instances(&o.instances),
            support_paint: Default::default(),
            seam_paint: Default::default(),
            volumes: Vec::new(),
            settings: Default::default(),
        };
        object.set_markup(o.markup.clone());
        scene.objects.push(object);
    }
    held.meshes = kept;
    let decoded = reporter.now();
    let out = match held
        .cache
        .slice(&scene, &job.settings, &job.presets, &mut reporter)
    {
        Ok(o) => o,
        Err(e) => return fail(e.for_people()),
    };
    let preview_started = reporter.now();
    let p = preview::build(&out.layers, &out.stats);
    let gcode = js_sys::Uint8Array::from(out.gcode.as_bytes());
    let extrusions = js_sys::Float32Array::from(&p.extrusions[..]);
    let travels = js_sys::Float32Array::from(&p.travels[..]);
    let layers: Vec<f32> = p
        .layers
        .iter()
        .flat_map(|(z, e, t)| [*z, *e as f32, *t as f32])
        .collect();
    let layers = js_sys::Float32Array::from(&layers[..]);
    let transfer = js_sys::Array::of4(
        &gcode.buffer(),
        &extrusions.buffer(),
        &travels.buffer(),
        &layers.buffer(),
    );
    let mut timings = vec![("read meshes".to_string(), decoded - started)];
    timings.extend(out.timings.iter().map(|(s, t)| (s.name().to_string(), *t)));
    timings.push(("preview".to_string(), reporter.now() - preview_started));
    post(
        &Reply::Done {
            id,
            stats: out.stats,
            speed_range: p.speed_range,
            time_range: p.time_range,
            warnings: out.warnings,
            findings: job_checks.then_some(out.findings),
            timings,
            memory_mb: memory_mb(),
        },
        &[
            ("gcode", gcode.into()),
            ("extrusions", extrusions.into()),
            ("travels", travels.into()),
            ("layers_data", layers.into()),
        ],
        &transfer,
    );
}
