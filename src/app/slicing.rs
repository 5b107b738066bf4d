//! Slicing in a Web Worker (the app's own module, started a second time), with progress per
//! stage and a Cancel that really stops the work (the worker is terminated and a fresh one
//! starts next time); then the preview controls, the figures, and the G-code download.

use super::browser::{self, now_ms, save_bytes};
use super::{Ctx, ViewMode};
use crate::engine::assist::findings::Finding;
use crate::engine::gcode::format_duration;
use crate::engine::gcode::preview::Preview;
use crate::engine::toolpaths::Role;
use crate::worker::{Job, JobObject, Reply, placements};
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
    job: StoredValue<u32>,
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
            job: StoredValue::new(0),
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
        self.job.update_value(|j| *j += 1);
    }

    /// Starts the slicer's worker if none is running, so that a slice does not wait for the
    /// module to compile.
    pub fn warm_up(&self, ctx: Ctx) -> Result<(), String> {
        if self.worker.with_value(|w| w.is_none()) {
            self.worker.set_value(Some(spawn_worker(ctx, *self)?));
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
        let job = Job {
            id,
            settings,
            presets,
            objects: scene
                .objects
                .iter()
                .map(|o| JobObject {
                    name: o.name.clone(),
                    repair: o.repair,
                    instances: placements(o),
                    markup: o.markup(),
                })
                .collect(),
            checks: ctx.assist.on.get_untracked(),
        };
        let Ok(msg) = serde_wasm_bindgen::to_value(&job) else {
            return;
        };
        let meshes = js_sys::Array::new();
        let transfer = js_sys::Array::new();
        for o in &scene.objects {
            let bytes = js_sys::Uint8Array::from(&o.mesh.to_bytes()[..]);
            transfer.push(&bytes.buffer());
            meshes.push(&bytes);
        }
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
            Reply::Failed { id, message } if id == current || id == 0 => {
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
    let on_error =
        Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |ev: web_sys::ErrorEvent| {
            let msg = format!("The slicer stopped: {}", ev.message());
            state.stop();
            state.status.set(Status::Failed(msg.clone()));
            ctx.say(msg, true);
        });
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

#[component]
pub fn PreviewPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let st = ctx.slicing;
    let count = move || st.layers_tracked();
    let z_of = move |i: usize| st.layer_z(i);
    let _keys = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if ctx.mode.get_untracked() != ViewMode::Preview {
            return;
        }
        if browser::typing(&ev) {
            return;
        }
        let n = st.layer_count();
        match ev.key().as_str() {
            "ArrowUp" => {
                ev.prevent_default();
                st.hi.update(|h| *h = (*h + 1).min(n.saturating_sub(1)));
            }
            "ArrowDown" => {
                ev.prevent_default();
                let lo = st.lo.get_untracked();
                st.hi.update(|h| *h = h.saturating_sub(1).max(lo));
            }
            _ => {}
        }
    });
    let legend = move || {
        let r = st.result.get()?;
        let colour = st.colour.get();
        Some(if colour == 0 {
            let used: Vec<Role> = Role::ALL
                .into_iter()
                .filter(|role| {
                    r.stats
                        .feature_times
                        .iter()
                        .any(|(n, _)| n == role.gcode_name())
                })
                .collect();
            let mut seen = Vec::new();
            let features = used
                .into_iter()
                .filter(|role| {
                    let name = role.gcode_name();
                    let fresh = !seen.contains(&name);
                    seen.push(name);
                    fresh
                })
                .map(|role| {
                    let c = crate::render::PALETTE
                        [Role::ALL.iter().position(|x| *x == role).unwrap_or(0)];
                    let css = format!(
                        "background: rgb({},{},{})",
                        (c[0] * 255.0) as u8,
                        (c[1] * 255.0) as u8,
                        (c[2] * 255.0) as u8
                    );
                    // Every role printed under this name.
                    let bits: u32 = Role::ALL
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.gcode_name() == role.gcode_name())
                        .map(|(i, _)| 1u32 << i)
                        .sum();
                    let shown = move || st.hidden.get() & bits == 0;
                    view! {
                        <li>
                            <button
                                class="legend-item"
                                class:off=move || !shown()
                                aria-pressed=move || shown().to_string()
                                title="Show or hide this feature"
                                on:click=move |_| st.hidden.update(|h| *h ^= bits)
                            >
                                <span class="swatch" style=css></span>
                                {role.gcode_name()}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            features.into_any()
        } else {
            let (lo, hi, unit) = st.preview.with_value(|p| {
                p.as_ref().map_or((0.0, 0.0, ""), |p| {
                    if colour == 1 {
                        (p.speed_range.0, p.speed_range.1, "mm/s")
                    } else {
                        (p.time_range.0, p.time_range.1, "s")
                    }
                })
            });
            // The scale with five values along it.
            let ticks = (0..5)
                .map(|k| {
                    let v = lo + (hi - lo) * k as f32 / 4.0;
                    let unit = if k == 4 { unit } else { "" };
                    view! { <span>{format!("{v:.0} {unit}")}</span> }
                })
                .collect_view();
            view! {
                <li class="ramp"><span class="gradient"></span></li>
                <li class="ticks">{ticks}</li>
            }
            .into_any()
        })
    };
    let travel_item = move || {
        let t = crate::render::PALETTE[crate::render::TRAVEL_COLOUR];
        let css = format!(
            "background: rgb({},{},{})",
            (t[0] * 255.0) as u8,
            (t[1] * 255.0) as u8,
            (t[2] * 255.0) as u8
        );
        view! {
            <li>
                <button
                    id="show-travel"
                    class="legend-item"
                    class:off=move || !st.travel.get()
                    aria-pressed=move || st.travel.get().to_string()
                    title="Show or hide travel moves"
                    on:click=move |_| st.travel.update(|t| *t = !*t)
                >
                    <span class="swatch" style=css></span>
                    "Travel"
                </button>
            </li>
        }
    };
    let figures = move || {
        let r = st.result.get()?;
        let total: f64 = r.timings.iter().map(|(_, t)| t).sum();
        let stages = r
            .timings
            .iter()
            .map(|(name, t)| format!("{name} {t:.2} s"))
            .collect::<Vec<_>>()
            .join(", ");
        let s = r.stats;
        Some(view! {
            <dl class="figures" id="figures">
                <dt>"Print time"</dt>
                <dd id="print-time">{format_duration(s.time_s)}</dd>
                <dt>"Filament"</dt>
                <dd>{format!("{:.2} m · {:.1} g", s.filament_mm / 1000.0, s.filament_g)}</dd>
                <dt>"Cost"</dt>
                <dd>{format!("{:.2}", s.cost)}</dd>
                <dt>"Layers"</dt>
                <dd id="layer-count">{s.layers}</dd>
                <dt>"Sliced in"</dt>
                <dd id="slice-time" title=stages>{format!("{total:.1} s")}</dd>
            </dl>
        })
    };
    // Time per feature as bars.
    let chart = move || {
        let r = st.result.get()?;
        let total: f64 = r
            .stats
            .feature_times
            .iter()
            .map(|(_, t)| t)
            .sum::<f64>()
            .max(1e-9);
        let mut rows = r.stats.feature_times.clone();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1));
        let height = rows.len() * 18 + 4;
        Some(view! {
            <svg class="chart" viewBox=format!("0 0 236 {height}") width="236" height=height role="img" aria-label="Time by feature">
                {rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, (name, t))| {
                        let w = 40.0 * t / total;
                        let y = i * 18 + 2;
                        view! {
                            <g>
                                <title>{format!("{name}: {} ({:.0}%)", format_duration(t), 100.0 * t / total)}</title>
                                <text x="0" y=y + 12 font-size="12">{name.clone()}</text>
                                <rect x="116" y=y + 2 width=format!("{w:.1}") height="11" rx="2"></rect>
                                <text x=format!("{:.1}", 119.0 + w) y=y + 12 font-size="12">{format!("{} {:.0}%", format_duration(t), 100.0 * t / total)}</text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
        })
    };
    // Time per layer, with the minimum layer time: layers that stay under it (the slowdown
    // could not reach it at the least print speed) are drawn red. A click picks the layer.
    let min_time = move || {
        ctx.settings
            .with(|s| s.as_ref().map_or(0.0, |s| s.slowdown_below_layer_time))
    };
    let layer_plot = move || {
        let r = st.result.get()?;
        let times = r.stats.layer_times.clone();
        (!times.is_empty()).then_some(())?;
        let min = min_time();
        let (w, h) = (236.0f64, 64.0f64);
        let top = times.iter().copied().fold(min * 1.25, f64::max).max(1e-9);
        let step = w / times.len() as f64;
        let (mut ok, mut under) = (String::new(), String::new());
        for (i, t) in times.iter().enumerate() {
            let bar = (t / top * h).max(0.5);
            let d = format!(
                "M{:.2} {:.2}h{:.2}V{h}h-{:.2}z",
                i as f64 * step,
                h - bar,
                step,
                step
            );
            // A tenth of a second of slack: the estimate rounds.
            if min > 0.0 && *t < min - 0.1 {
                &mut under
            } else {
                &mut ok
            }
            .push_str(&d);
        }
        let n_under = times
            .iter()
            .filter(|t| min > 0.0 && **t < min - 0.1)
            .count();
        let y_min = h - min / top * h;
        let note_class = if n_under > 0 { "note warn" } else { "note" };
        let n = times.len();
        let marker = move || {
            let x = (st.hi.get() as f64 + 0.5) * step;
            format!("M{x:.2} 0V{h}")
        };
        let summary = match n_under {
            0 => format!("No layer under the minimum layer time ({min:.0} s)"),
            1 => format!("1 layer under the minimum layer time ({min:.0} s)"),
            k => format!("{k} layers under the minimum layer time ({min:.0} s)"),
        };
        Some(view! {
            <figure class="layer-times">
                <figcaption>"Time per layer"</figcaption>
                <svg
                    id="layer-time-plot"
                    viewBox=format!("0 0 {w} {h}")
                    width=w
                    height=h
                    role="img"
                    aria-label=format!("Time per layer, up to {}; {summary}", format_duration(top))
                    on:click=move |ev: web_sys::MouseEvent| {
                        let k = (ev.offset_x() as f64 / step).floor().max(0.0) as usize;
                        let k = k.min(n - 1);
                        if k < st.lo.get_untracked() {
                            st.lo.set(k);
                        }
                        st.hi.set(k);
                    }
                >
                    <path class="ok" d=ok></path>
                    <path class="under" d=under></path>
                    <line class="min" x1="0" x2=w y1=y_min y2=y_min></line>
                    <path class="current" d=marker></path>
                </svg>
                <p class=note_class id="layer-time-summary">{summary}</p>
            </figure>
        })
    };
    view! {
        <Show when=move || ctx.mode.get() == ViewMode::Preview>
            <section class="panel preview-panel" aria-label="Preview">
                <h2>"Preview"</h2>
                <div class="layer-label" id="layer-label">
                    {move || format!("Layers {}–{} of {} · Z {:.2} mm", st.lo.get() + 1, st.hi.get() + 1, count(), z_of(st.hi.get()))}
                </div>
                <div class="options">
                    <label>
                        "Colour by "
                        <select id="colour-mode" on:change=move |ev| st.colour.set(event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="0">"feature"</option>
                            <option value="1">"speed"</option>
                            <option value="2">"layer time"</option>
                        </select>
                    </label>
                    <button on:click=move |_| ctx.mode.set(ViewMode::Models)>"Back to models"</button>
                </div>
                <ul class="legend" aria-label="Features: click one to show or hide it">{legend}{travel_item}</ul>
                {figures}
                {chart}
                {layer_plot}
                <super::pictures::GcodePictures/>
            </section>
        </Show>
    }
}

/// The layer range as two vertical sliders at the 3D view's right edge (the top layer and
/// the bottom one), as desktop slicers have it; beside the view, never over it.
#[component]
pub fn LayerSlider() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let st = ctx.slicing;
    let count = move || st.layers_tracked();
    let z_of = move |i: usize| st.layer_z(i);
    let text = move |i: usize| format!("Layer {} of {}, Z {:.2} mm", i + 1, count(), z_of(i));
    view! {
        <Show when=move || ctx.mode.get() == ViewMode::Preview>
            <div class="layer-strip">
                <span class="layer-top" aria-hidden="true">{move || format!("{:.2}", z_of(st.hi.get()))}</span>
                <div class="layer-ranges">
                    <input
                        id="layer-hi"
                        type="range"
                        class="vertical"
                        aria-label="Top layer"
                        aria-valuetext=move || text(st.hi.get())
                        min="0"
                        max=move || count().saturating_sub(1)
                        prop:value=move || st.hi.get()
                        on:input=move |ev| {
                            let v: usize = event_target_value(&ev).parse().unwrap_or(0);
                            st.hi.set(v.max(st.lo.get_untracked()));
                        }
                    />
                    <input
                        id="layer-lo"
                        type="range"
                        class="vertical"
                        aria-label="Bottom layer"
                        aria-valuetext=move || text(st.lo.get())
                        min="0"
                        max=move || count().saturating_sub(1)
                        prop:value=move || st.lo.get()
                        on:input=move |ev| {
                            let v: usize = event_target_value(&ev).parse().unwrap_or(0);
                            st.lo.set(v.min(st.hi.get_untracked()));
                        }
                    />
                </div>
                <span class="layer-bottom" aria-hidden="true">{move || format!("{:.2}", z_of(st.lo.get()))}</span>
            </div>
        </Show>
        <Show when=move || ctx.mode.get() == ViewMode::Models && st.result.get().is_some()>
            <button class="show-preview" on:click=move |_| ctx.mode.set(ViewMode::Preview)>"Show toolpaths"</button>
        </Show>
    }
}
