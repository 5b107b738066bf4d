//! Slicing in a Web Worker (the app's own module, started a second time), with progress per
//! stage and a Cancel that really stops the work (the worker is terminated and a fresh one
//! starts next time), and the controls that start and stop it. The preview's own panel is
//! `preview_panel`.

use super::browser::{now_ms, save_bytes};
use super::{Ctx, ViewMode};
use crate::engine::assist::findings::Finding;
use crate::engine::gcode::preview::Preview;
use crate::worker::{Job, JobObject, Reply, oom, placements};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Idle,
    Running {
        stage: String,
        step: u32,
        steps: u32,
    },
    Done,
    Failed(String),
}

/// Figures of the last slice.
#[derive(Debug, Clone, PartialEq)]
pub struct Sliced {
    pub stats: crate::engine::gcode::PrintStats,
    pub warnings: Vec<String>,
    /// What will likely print badly, by layer (shown by Assist); None when Assist was off.
    pub findings: Option<Vec<Finding>>,
    pub file_name: String,
    /// Seconds per stage in the worker.
    pub timings: Vec<(String, f64)>,
    /// The worker's memory after the slice (MB).
    pub memory_mb: f64,
}

struct WorkerHandle {
    worker: web_sys::Worker,
    ready: bool,
    queued: Option<(JsValue, js_sys::Array)>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

#[derive(Clone, Copy)]
pub struct SlicingState {
    pub status: RwSignal<Status>,
    pub result: RwSignal<Option<Sliced>>,
    pub preview: StoredValue<Option<Preview>>,
    /// Bumped whenever `preview` changes (the view uploads it again).
    pub preview_version: RwSignal<u32>,
    gcode: StoredValue<Option<js_sys::Uint8Array>, LocalStorage>,
    worker: StoredValue<Option<WorkerHandle>, LocalStorage>,
    /// The meshes (by `Mesh::fingerprint`) the worker holds from the job last sent to it:
    /// those are not sent again.
    held: StoredValue<Vec<String>>,
    job: StoredValue<u32>,
    /// What the worker said when it ran out of memory: (bytes asked for, bytes held).
    out_of_memory: StoredValue<Option<(f64, f64)>>,
    /// The download's name for the running job.
    file_name: StoredValue<String>,
    /// How long turning the worker's arrays into the preview took (ms).
    pub preview_ms: StoredValue<f64>,
    pub lo: RwSignal<usize>,
    pub hi: RwSignal<usize>,
    pub travel: RwSignal<bool>,
    /// 0 feature, 1 speed, 2 layer time.
    pub colour: RwSignal<u32>,
    /// Features hidden from the legend: bit i for `Role::ALL[i]`.
    pub hidden: RwSignal<u32>,
    /// How many extrusion moves of the top layer are drawn (the move scrubber); None: all.
    pub scrub: RwSignal<Option<u32>>,
}

impl SlicingState {
    pub fn new() -> SlicingState {
        SlicingState {
            status: RwSignal::new(Status::Idle),
            result: RwSignal::new(None),
            preview: StoredValue::new(None),
            preview_version: RwSignal::new(0),
            gcode: StoredValue::new_local(None),
            worker: StoredValue::new_local(None),
            held: StoredValue::new(Vec::new()),
            job: StoredValue::new(0),
            out_of_memory: StoredValue::new(None),
            file_name: StoredValue::new(String::new()),
            preview_ms: StoredValue::new(0.0),
            lo: RwSignal::new(0),
            hi: RwSignal::new(0),
            travel: RwSignal::new(false),
            colour: RwSignal::new(0),
            hidden: RwSignal::new(0),
            scrub: RwSignal::new(None),
        }
    }

    /// The preview's layer count, tracked (for views that follow a new slice).
    pub fn layers_tracked(&self) -> usize {
        self.preview_version.track();
        self.layer_count()
    }

    /// The top of layer `i` of the preview (mm), 0 without one.
    pub fn layer_z(&self, i: usize) -> f32 {
        self.preview.with_value(|p| {
            p.as_ref()
                .and_then(|p| p.layers.get(i).map(|l| l.0))
                .unwrap_or(0.0)
        })
    }

    pub fn layer_count(&self) -> usize {
        self.preview
            .with_value(|p| p.as_ref().map_or(0, |p| p.layers.len()))
    }

    /// Drops the last slice (the plate or the settings changed); stops one that is running.
    pub fn clear(&self, ctx: Ctx) {
        if matches!(self.status.get_untracked(), Status::Running { .. }) {
            self.stop();
        }
        if self.result.get_untracked().is_some() || self.preview.with_value(|p| p.is_some()) {
            self.result.set(None);
            self.preview.set_value(None);
            self.gcode.set_value(None);
            self.preview_version.update(|v| *v += 1);
        }
        self.status.set(Status::Idle);
        ctx.mode.set(ViewMode::Models);
    }

    fn stop(&self) {
        if let Some(h) = self.worker.try_update_value(|w| w.take()).flatten() {
            h.worker.terminate();
        }
        self.held.set_value(Vec::new());
        self.job.update_value(|j| *j += 1);
    }

    /// Starts the slicer's worker if none is running, so that a slice does not wait for the
    /// module to compile.
    pub fn warm_up(&self, ctx: Ctx) -> Result<(), String> {
        if self.worker.with_value(|w| w.is_none()) {
            self.worker.set_value(Some(spawn_worker(ctx, *self)?));
            self.held.set_value(Vec::new());
        }
        Ok(())
    }

    pub fn cancel(&self, ctx: Ctx) {
        self.stop();
        let _ = self.warm_up(ctx);
        self.status.set(Status::Idle);
        ctx.say("Slicing cancelled.", false);
    }

    pub fn start(&self, ctx: Ctx) {
        let settings = match ctx.settings.get_untracked() {
            Ok(s) => s,
            Err(e) => {
                ctx.say(format!("Cannot slice: {e}"), true);
                return;
            }
        };
        let scene = ctx.scene.get_untracked();
        if scene.objects.is_empty() {
            ctx.say("Add a model to slice first.", true);
            return;
        }
        self.job.update_value(|j| *j += 1);
        let id = self.job.get_value();
        let presets = ["printer", "filament", "process"]
            .into_iter()
            .map(str::to_string)
            .zip(ctx.preset_names())
            .collect();
        let keys: Vec<String> = scene
            .objects
            .iter()
            .map(|o| format!("{:016x}", o.mesh.fingerprint()))
            .collect();
        let job = Job {
            id,
            settings,
            presets,
            objects: scene
                .objects
                .iter()
                .zip(&keys)
                .map(|(o, key)| JobObject {
                    name: o.name.clone(),
                    mesh_key: key.clone(),
                    repair: o.repair,
                    instances: placements(o),
                    markup: o.markup(),
                })
                .collect(),
            changes: scene.changes.clone(),
            checks: ctx.assist.on.get_untracked(),
        };
        let Ok(msg) = serde_wasm_bindgen::to_value(&job) else {
            return;
        };
        // Each mesh the worker does not hold goes once; the others go as null.
        let meshes = js_sys::Array::new();
        let transfer = js_sys::Array::new();
        let mut held = self.held.get_value();
        for (o, key) in scene.objects.iter().zip(&keys) {
            if held.contains(key) {
                meshes.push(&JsValue::NULL);
            } else {
                let bytes = js_sys::Uint8Array::from(&o.mesh.to_bytes()[..]);
                transfer.push(&bytes.buffer());
                meshes.push(&bytes);
                held.push(key.clone());
            }
        }
        // The worker keeps exactly this job's meshes.
        held.retain(|k| keys.contains(k));
        self.held.set_value(held);
        let _ = js_sys::Reflect::set(&msg, &"meshes".into(), &meshes);
        // Named after the project once it has a name of its own, else after its first model.
        let project = ctx
            .projects
            .current
            .get_untracked()
            .map(|m| m.name)
            .filter(|n| !n.trim().is_empty() && n != super::projects::UNTITLED);
        let name = project
            .as_deref()
            .unwrap_or(&scene.objects[0].name)
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_");
        self.file_name.set_value(format!(
            "{name}_{}.gcode",
            ctx.choice.get_untracked().process
        ));
        self.status.set(Status::Running {
            stage: "starting".into(),
            step: 0,
            steps: 9,
        });
        if let Err(e) = self.warm_up(ctx) {
            self.status.set(Status::Failed(e.clone()));
            ctx.say(e, true);
            return;
        }
        self.worker.update_value(|w| {
            if let Some(h) = w {
                if h.ready {
                    let _ = h.worker.post_message_with_transfer(&msg, &transfer);
                } else {
                    h.queued = Some((msg, transfer));
                }
            }
        });
    }

    fn on_reply(&self, ctx: Ctx, data: JsValue) {
        if let Some(oom) = data.as_string().as_deref().and_then(oom::read) {
            // The worker stops right after this (its error event follows).
            self.out_of_memory.set_value(Some(oom));
            return;
        }
        let reply = js_sys::Reflect::get(&data, &"reply".into()).unwrap_or(JsValue::UNDEFINED);
        let reply: Reply = match serde_wasm_bindgen::from_value(reply) {
            Ok(r) => r,
            Err(e) => {
                ctx.say(format!("The slicer sent something unexpected: {e}"), true);
                return;
            }
        };
        let current = self.job.get_value();
        match reply {
            Reply::Ready => {
                self.worker.update_value(|w| {
                    if let Some(h) = w {
                        h.ready = true;
                        if let Some((msg, transfer)) = h.queued.take() {
                            let _ = h.worker.post_message_with_transfer(&msg, &transfer);
                        }
                    }
                });
            }
            Reply::Progress {
                id,
                stage,
                step,
                steps,
            } if id == current => {
                self.status.set(Status::Running { stage, step, steps });
            }
            Reply::Failed { id, .. } if id != current && id != 0 => {
                // Whatever the worker holds now, the next job sends every mesh.
                self.held.set_value(Vec::new());
            }
            Reply::Failed { id: _, message } => {
                self.held.set_value(Vec::new());
                self.status.set(Status::Failed(message.clone()));
                ctx.say(format!("Slicing failed: {message}"), true);
            }
            Reply::Done {
                id,
                stats,
                speed_range,
                time_range,
                warnings,
                findings,
                timings,
                memory_mb,
            } if id == current => {
                let started = now_ms();
                let get =
                    |k: &str| js_sys::Reflect::get(&data, &k.into()).unwrap_or(JsValue::UNDEFINED);
                let floats = |k: &str| js_sys::Float32Array::new(&get(k)).to_vec();
                let layers_data = floats("layers_data");
                let preview = Preview {
                    extrusions: floats("extrusions"),
                    travels: floats("travels"),
                    layers: layers_data
                        .chunks_exact(3)
                        .map(|c| (c[0], c[1] as u32, c[2] as u32))
                        .collect(),
                    speed_range,
                    time_range,
                };
                let n = preview.layers.len();
                // A slice that worked answers the failures before it.
                ctx.messages
                    .update(|v| v.retain(|m| !(m.error && m.text.starts_with("Slicing failed"))));
                self.preview_ms.set_value(now_ms() - started);
                self.gcode
                    .set_value(Some(js_sys::Uint8Array::new(&get("gcode"))));
                self.preview.set_value(Some(preview));
                self.preview_version.update(|v| *v += 1);
                self.lo.set(0);
                self.hi.set(n.saturating_sub(1));
                for w in &warnings {
                    ctx.say(w.clone(), false);
                }
                let sliced = Sliced {
                    stats,
                    warnings,
                    findings,
                    file_name: self.file_name.get_value(),
                    timings,
                    memory_mb,
                };
                if let Some(g) = self.gcode.with_value(|g| g.clone()) {
                    super::projects::record_slice(ctx, &sliced, g);
                }
                self.result.set(Some(sliced));
                self.status.set(Status::Done);
                ctx.mode.set(ViewMode::Preview);
            }
            _ => {}
        }
    }

    /// The G-code of the last slice.
    pub fn gcode_bytes(&self) -> Option<js_sys::Uint8Array> {
        self.gcode.with_value(|g| g.clone())
    }

    /// Downloads the last slice cut to resume a failed print from `layer` (1-based).
    pub fn download_from_layer(&self, ctx: Ctx, layer: usize) {
        use crate::engine::gcode::resume::{From, resume};
        let Some(bytes) = self.gcode.with_value(|g| g.clone()) else {
            return;
        };
        let text = String::from_utf8_lossy(&bytes.to_vec()).into_owned();
        let resumed = match resume(&text, From::Layer(layer)) {
            Ok(r) => r,
            Err(e) => return ctx.say(format!("Cannot resume: {e}"), true),
        };
        let name = self
            .result
            .get_untracked()
            .map_or("lamina.gcode".to_string(), |r| r.file_name);
        let name = format!(
            "{}_from-layer-{layer}.gcode",
            name.trim_end_matches(".gcode")
        );
        let out = js_sys::Uint8Array::from(resumed.as_bytes());
        if let Err(e) = save_bytes(&out, &name, "text/x.gcode") {
            ctx.say(format!("Could not save the file: {e:?}"), true);
        }
    }

    pub fn download(&self, ctx: Ctx) {
        let Some(bytes) = self.gcode.with_value(|g| g.clone()) else {
            return;
        };
        let name = self
            .result
            .get_untracked()
            .map_or("lamina.gcode".to_string(), |r| r.file_name);
        if let Err(e) = save_bytes(&bytes, &name, "text/x.gcode") {
            ctx.say(format!("Could not save the file: {e:?}"), true);
        }
    }
}

/// Starts the app's own module again in a module worker, which then runs `worker_start`.
fn spawn_worker(ctx: Ctx, state: SlicingState) -> Result<WorkerHandle, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let href = |selector: &str| -> Option<String> {
        let el = document.query_selector(selector).ok().flatten()?;
        el.dyn_into::<web_sys::HtmlLinkElement>()
            .ok()
            .map(|l| l.href())
    };
    let js = href("link[rel=modulepreload]")
        .ok_or("cannot find the app's script to start the slicer")?;
    let wasm = href("link[rel=preload][type='application/wasm']")
        .ok_or("cannot find the app's module to start the slicer")?;
    let source = format!(
        "import init, {{ worker_start }} from {js:?};\nawait init({{ module_or_path: {wasm:?} }});\nworker_start();\n"
    );
    let parts = js_sys::Array::of1(&JsValue::from_str(&source));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|e| format!("{e:?}"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(&url, &options)
        .map_err(|e| format!("cannot start the slicer: {e:?}"))?;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            state.on_reply(ctx, ev.data());
        });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(
        move |ev: web_sys::ErrorEvent| {
            let what = ev.message();
            state.stop();
            state
                .status
                .set(Status::Failed(format!("The slicer stopped: {what}")));
            // The worker's last word (out of memory) may come just after its error: wait a
            // moment for it before saying what happened.
            set_timeout(
                move || {
                    let msg = match state.out_of_memory.try_update_value(|m| m.take()).flatten() {
                        Some((asked, held)) => format!(
                            "Slicing stopped: the slicer ran out of memory. It held {:.0} MB and the browser would not give it {} more. Your project is safe. Slice fewer or smaller objects, use a larger layer height, or close other tabs, and slice again.",
                            held / 1e6,
                            if asked >= 1e6 {
                                format!("the {:.0} MB it asked for", asked / 1e6)
                            } else {
                                "any".to_string()
                            }
                        ),
                        None => format!("The slicer stopped: {what}"),
                    };
                    state.status.set(Status::Failed(msg.clone()));
                    ctx.say(msg, true);
                },
                std::time::Duration::from_millis(200),
            );
        },
    );
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(WorkerHandle {
        worker,
        ready: false,
        queued: None,
        _on_message: on_message,
    })
}

#[component]
pub fn SliceControls() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let st = ctx.slicing;
    let running = move || matches!(st.status.get(), Status::Running { .. });
    let can_slice = move || {
        !running()
            && ctx.settings.with(|s| s.is_ok())
            && ctx.scene.with(|s| !s.objects.is_empty())
            && ctx.busy.get().is_none()
    };
    // The status has a slot of its own, as wide in every state, so that nothing after it in
    // the top bar moves while slicing, after a failure or when the slice is done.
    view! {
        <div class="slice-controls">
            <button id="slice-button" class="primary" disabled=move || !can_slice() on:click=move |_| st.start(ctx)>
                "Slice"
            </button>
            <div class="slice-status">
                {move || match st.status.get() {
                    Status::Running { stage, step, steps } => view! {
                        <progress id="slice-progress" max=steps value=step aria-label="Slicing progress"></progress>
                        <span class="stage">{format!("{stage}…")}</span>
                        <button id="cancel-button" on:click=move |_| st.cancel(ctx)>"Cancel"</button>
                    }
                    .into_any(),
                    Status::Done => view! {
                        <button id="download-button" class="primary" on:click=move |_| st.download(ctx)>
                            "Download G-code"
                        </button>
                    }
                    .into_any(),
                    // The whole message is in the messages; here only that it failed.
                    Status::Failed(e) => view! { <span class="error-text" title=e>"Slicing failed"</span> }.into_any(),
                    Status::Idle => ().into_any(),
                }}
            </div>
        </div>
    }
}
