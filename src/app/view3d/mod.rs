//! The 3D view: owns the renderer, keeps its buffers in step with the plate and the preview
//! (rebuilt only when those change), and turns pointer, wheel, touch and keys into camera
//! moves, picking, dragging copies across the bed and laying them on a face.

use super::browser::now_ms;
use super::gizmo;
use super::{Ctx, ViewMode, files};
use crate::render::{Mode, Renderer, View};
use glam::{DAffine3, DVec3, Vec3};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;

mod draw;

pub use draw::snapshot;
use draw::*;

#[component]
pub fn Viewport() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let shared: Shared = StoredValue::new_local(View3d {
        renderer: None,
        uploaded: HashMap::new(),
        overlays: HashMap::new(),
        volume_slots: Vec::new(),
        frame_pending: false,
        input: Input {
            drag: Drag::None,
            last: (0.0, 0.0),
            pointers: HashMap::new(),
            pinch: None,
            before_drag: None,
            moved: false,
            starts: Vec::new(),
            gizmo: None,
        },
        preview_version: 0,
        hover: None,
        face: None,
        face_slot: None,
    });
    let backend = RwSignal::new(String::new());
    let dragging_file = RwSignal::new(false);

    // Size the drawing buffer to the element (device pixels).
    let fit_canvas = move || {
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        let dpr = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .min(2.0);
        let (w, h) = (
            (c.client_width() as f64 * dpr) as u32,
            (c.client_height() as f64 * dpr) as u32,
        );
        if w == 0 || h == 0 {
            return;
        }
        if c.width() != w || c.height() != h {
            c.set_width(w);
            c.set_height(h);
        }
        shared.update_value(|s| {
            if let Some(r) = &mut s.renderer {
                r.resize(w, h);
            }
        });
        request_frame(shared);
    };

    Effect::new(move |_| {
        let Some(c) = canvas.get() else { return };
        VIEW.with(|v| *v.borrow_mut() = Some((shared, c.clone())));
        fit_canvas();
        spawn_local(async move {
            match Renderer::new(c).await {
                Ok(mut r) => {
                    let (x0, y0, w, d, h) = ctx.bed();
                    r.set_bed(x0 as f32, y0 as f32, w as f32, d as f32, h as f32);
                    r.camera.fit(
                        Vec3::new(x0 as f32, y0 as f32, 0.0),
                        Vec3::new((x0 + w) as f32, (y0 + d) as f32, 40.0),
                    );
                    backend.set(r.backend.to_string());
                    shared.update_value(|s| s.renderer = Some(r));
                    // Expose the backend for tests and bug reports.
                    if let Some(el) = canvas.get_untracked() {
                        let _ = el.set_attribute("data-backend", &backend.get_untracked());
                        let _ = el.set_attribute("data-ready", "true");
                    }
                    shared.update_value(|s| {
                        sync_models(&ctx, s);
                        // On first open the camera frames what is on the plate.
                        if let (Some(r), Some(b)) =
                            (&mut s.renderer, ctx.scene.with_untracked(|sc| sc.bounds()))
                        {
                            r.camera.fit(b.min.as_vec3(), b.max.as_vec3());
                        }
                    });
                    request_frame(shared);
                }
                Err(e) => ctx.say(format!("3D view unavailable: {e}"), true),
            }
        });
    });
    let _resize = window_event_listener(leptos::ev::resize, move |_| fit_canvas());
    // The view's size also changes without the window's (the layer slider appears beside it).
    Effect::new(move |_| {
        let Some(c) = canvas.get() else { return };
        let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(fit_canvas);
        if let Ok(obs) =
            web_sys::ResizeObserver::new(wasm_bindgen::JsCast::unchecked_ref(cb.as_ref()))
        {
            obs.observe(&c);
        }
        // Lives as long as the page's one view.
        cb.forget();
    });

    // Plate, selection and bed → models.
    Effect::new(move |_| {
        ctx.scene.track();
        ctx.selected.track();
        ctx.also.track();
        ctx.gizmo.track();
        ctx.pose_preview.track();
        ctx.measure.track();
        ctx.mode.track();
        let laying = ctx.lay_flat_mode.get();
        let bed = ctx.bed_tracked();
        shared.update_value(|s| {
            if !laying {
                s.face = None;
            }
            if let Some(r) = &mut s.renderer {
                r.set_bed(
                    bed.0 as f32,
                    bed.1 as f32,
                    bed.2 as f32,
                    bed.3 as f32,
                    bed.4 as f32,
                );
            }
            sync_models(&ctx, s);
        });
        request_frame(shared);
    });
    // Preview data and what of it to show.
    Effect::new(move |_| {
        let version = ctx.slicing.preview_version.get();
        let mode = match ctx.mode.get() {
            ViewMode::Models => Mode::Models,
            ViewMode::Preview => Mode::Preview {
                lo: ctx.slicing.lo.get(),
                hi: ctx.slicing.hi.get(),
                travel: ctx.slicing.travel.get(),
                colour: ctx.slicing.colour.get(),
                hidden: ctx.slicing.hidden.get(),
                upto: ctx.slicing.scrub.get().and_then(|k| {
                    let hi = ctx.slicing.hi.get();
                    ctx.slicing
                        .preview
                        .with_value(|p| p.as_ref().and_then(|p| super::scrubber::tool_at(p, hi, k)))
                }),
            },
        };
        shared.update_value(|s| {
            let Some(r) = &mut s.renderer else { return };
            if s.preview_version != version {
                s.preview_version = version;
                let started = now_ms();
                let shown = ctx.slicing.preview.with_value(|p| {
                    r.set_preview(p.as_ref());
                    p.is_some()
                });
                // Time from the worker's reply to buffers on the GPU, for the app benchmark.
                let ms = ctx.slicing.preview_ms.get_value() + now_ms() - started;
                if let Some(el) = canvas.get_untracked() {
                    let _ = match shown {
                        true => el.set_attribute("data-preview-ms", &format!("{ms:.1}")),
                        false => el.remove_attribute("data-preview-ms"),
                    };
                }
            }
            r.mode = mode;
        });
        request_frame(shared);
    });

    let camera_do = move |f: &dyn Fn(&mut crate::render::Camera)| {
        shared.update_value(|s| {
            if let Some(r) = &mut s.renderer {
                f(&mut r.camera);
            }
        });
        request_frame(shared);
    };
    let fit = move || {
        let b = ctx.scene.with_untracked(|s| s.bounds());
        let (x0, y0, w, d, _) = ctx.bed();
        camera_do(&|c| match b {
            Some(b) => c.fit(b.min.as_vec3(), b.max.as_vec3()),
            None => c.fit(
                Vec3::new(x0 as f32, y0 as f32, 0.0),
                Vec3::new((x0 + w) as f32, (y0 + d) as f32, 40.0),
            ),
        });
    };

    // Iso, Top and Front turn the camera and frame the content.
    let turn = move |v: View| {
        camera_do(&|c| c.set_view(v));
        fit();
    };
    // Frame the content when asked (import, reload) and when the bed changes.
    Effect::new(move |prev: Option<u32>| {
        let n = ctx.fit_request.get();
        if prev.is_some() {
            fit();
        }
        n
    });
    Effect::new(move |prev: Option<(f64, f64, f64, f64, f64)>| {
        let bed = ctx.bed_tracked();
        if prev.is_some_and(|p| p != bed) {
            fit();
        }
        bed
    });

    let on_pointer_down = move |ev: web_sys::PointerEvent| {
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        let _ = c.set_pointer_capture(ev.pointer_id());
        let (x, y) = (ev.offset_x() as f32, ev.offset_y() as f32);
        let dpr = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .min(2.0) as f32;
        let mode = ctx.mode.get_untracked();
        shared.update_value(|s| {
            s.input.pointers.insert(ev.pointer_id(), (x, y));
            s.input.last = (x, y);
            s.input.moved = false;
            if s.input.pointers.len() >= 2 {
                s.input.drag = Drag::None;
                s.input.pinch = None;
                return;
            }
            let pan = ev.button() == 2 || ev.button() == 1 || ev.shift_key();
            s.input.drag = if pan { Drag::Pan } else { Drag::Orbit };
            if pan || mode != ViewMode::Models {
                return;
            }
            let Some(r) = &s.renderer else { return };
            if ctx.measure.get_untracked().on {
                let (o, d) = gizmo::ray(r, x, y, dpr);
                if super::measure::click(&ctx, o, d) {
                    s.input.drag = Drag::None;
                    return;
                }
            }
            if let Some(g) = gizmo::grab(&ctx, r, x, y, dpr) {
                s.input.gizmo = Some(g);
                s.input.drag = Drag::Gizmo;
                return;
            }
            let (w, h) = r.size();
            let (o, d) = r.camera.ray(
                2.0 * x * dpr / w as f32 - 1.0,
                1.0 - 2.0 * y * dpr / h as f32,
            );
            if ctx.paint.active.get_untracked() {
                let before = ctx.scene.get_untracked();
                if ctx.paint_at(o.as_dvec3(), d.as_dvec3()) {
                    s.input.before_drag = Some(before);
                    s.input.drag = Drag::Paint;
                    return;
                }
            }
            let hit = ctx
                .scene
                .with_untracked(|sc| sc.pick(o.as_dvec3(), d.as_dvec3()));
            if let Some(hit) = hit {
                if ctx.lay_flat_mode.get_untracked()
                    && ctx.selected.get_untracked() == Some((hit.object, hit.instance))
                {
                    ctx.lay_flat_mode.set(false);
                    ctx.edit(|sc| sc.lay_flat(hit.object, hit.instance, hit.triangle));
                    s.input.drag = Drag::None;
                    return;
                }
                let sel = (hit.object, hit.instance);
                if ev.ctrl_key() || ev.meta_key() {
                    // Ctrl-click adds to the selection or takes out; it moves nothing.
                    ctx.toggle_selected(sel);
                    s.input.drag = Drag::None;
                    return;
                }
                if !ctx.selection().contains(&sel) {
                    ctx.select(Some(sel));
                } else {
                    // Grabbing another selected copy makes it the one Placement shows.
                    ctx.make_primary(sel);
                }
                if let Some(from) = bed_point(r, x * dpr, y * dpr) {
                    s.input.starts = ctx.scene.with_untracked(|sc| {
                        ctx.selection()
                            .into_iter()
                            .map(|(o, i)| ((o, i), sc.objects[o].instances[i].transform))
                            .collect()
                    });
                    s.input.before_drag = Some(ctx.scene.get_untracked());
                    s.input.drag = Drag::Move { from };
                }
            }
        });
    };
    let on_pointer_move = move |ev: web_sys::PointerEvent| {
        let (x, y) = (ev.offset_x() as f32, ev.offset_y() as f32);
        let dpr = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .min(2.0) as f32;
        let mut changed = false;
        shared.update_value(|s| {
            if !s.input.pointers.contains_key(&ev.pointer_id()) {
                // No button down: show what a press would take (a handle, or a face).
                changed = hover(&ctx, s, x, y, dpr);
                return;
            }
            s.input.pointers.insert(ev.pointer_id(), (x, y));
            let (dx, dy) = (x - s.input.last.0, y - s.input.last.1);
            s.input.last = (x, y);
            if dx.abs() + dy.abs() > 0.5 {
                s.input.moved = true;
            }
            // Two fingers: pinch to zoom.
            if s.input.pointers.len() >= 2 {
                let p: Vec<(f32, f32)> = s.input.pointers.values().copied().collect();
                let dist = ((p[0].0 - p[1].0).powi(2) + (p[0].1 - p[1].1).powi(2)).sqrt();
                if let (Some(prev), Some(r)) = (s.input.pinch, &mut s.renderer)
                    && dist > 1.0
                {
                    r.camera.zoom(prev / dist);
                }
                s.input.pinch = Some(dist);
                changed = true;
                return;
            }
            let Some(r) = &mut s.renderer else { return };
            match s.input.drag {
                Drag::Orbit => {
                    r.camera.orbit(dx, dy);
                    changed = true;
                }
                Drag::Pan => {
                    let h = r.size().1 as f32 / dpr;
                    r.camera.pan(dx, dy, h);
                    changed = true;
                }
                Drag::Paint => {
                    let (w, h) = r.size();
                    let (o, d) = r.camera.ray(
                        2.0 * x * dpr / w as f32 - 1.0,
                        1.0 - 2.0 * y * dpr / h as f32,
                    );
                    ctx.paint_at(o.as_dvec3(), d.as_dvec3());
                }
                Drag::Move { from } => {
                    if let Some(to) = bed_point(r, x * dpr, y * dpr) {
                        let d = DAffine3::from_translation(DVec3::new(
                            to.x - from.x,
                            to.y - from.y,
                            0.0,
                        ));
                        let starts = &s.input.starts;
                        ctx.scene.update(|sc| {
                            for &((o, i), start) in starts {
                                if let Some(inst) =
                                    sc.objects.get_mut(o).and_then(|ob| ob.instances.get_mut(i))
                                {
                                    inst.transform = d * start;
                                }
                            }
                        });
                    }
                }
                Drag::Gizmo => {
                    if let Some(g) = &s.input.gizmo {
                        let to = gizmo::ray(r, x, y, dpr);
                        gizmo::drag_to(&ctx, g, to, !ev.alt_key());
                    }
                }
                Drag::None => {}
            }
        });
        if changed {
            request_frame(shared);
            // What a press would take, on the canvas for tests and bug reports.
            let (handle, face) = shared.with_value(|s| (s.hover, s.face));
            if let Some(el) = canvas.get_untracked() {
                let _ = match handle {
                    Some(h) => el.set_attribute("data-hover", &h.name()),
                    None => el.remove_attribute("data-hover"),
                };
                let _ = match face {
                    Some(f) => el.set_attribute("data-face", &f.2.to_string()),
                    None => el.remove_attribute("data-face"),
                };
            }
        }
    };
    let on_pointer_up = move |ev: web_sys::PointerEvent| {
        let (x, y) = (ev.offset_x() as f32, ev.offset_y() as f32);
        let dpr = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .min(2.0) as f32;
        shared.update_value(|s| {
            s.input.pointers.remove(&ev.pointer_id());
            s.input.pinch = None;
            if let Some(g) = s.input.gizmo.take() {
                if s.input.moved {
                    ctx.checkpoint(g.before);
                }
            } else if ev.button() == 2
                && !s.input.moved
                && ctx.mode.get_untracked() == ViewMode::Models
            {
                // A right-click on a model opens its menu (a right-drag pans).
                if let Some(r) = &s.renderer {
                    let (o, d) = gizmo::ray(r, x, y, dpr);
                    if let Some(hit) = ctx.scene.with_untracked(|sc| sc.pick(o, d)) {
                        let sel = (hit.object, hit.instance);
                        if !ctx.selection().contains(&sel) {
                            ctx.select(Some(sel));
                        }
                        ctx.object_menu.set(Some((ev.client_x(), ev.client_y())));
                    }
                }
            } else if let (Drag::Move { .. } | Drag::Paint, Some(before)) =
                (s.input.drag, s.input.before_drag.take())
            {
                if s.input.moved || s.input.drag == Drag::Paint {
                    ctx.checkpoint(before);
                }
            } else if !s.input.moved
                && matches!(s.input.drag, Drag::Orbit)
                && ctx.mode.get_untracked() == ViewMode::Models
                && !ctx.paint.active.get_untracked()
            {
                // A click on empty space clears the selection.
                ctx.select(None);
            }
            s.input.drag = Drag::None;
        });
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let factor = (ev.delta_y() as f32 * 0.0015).exp();
        camera_do(&|c| c.zoom(factor));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let step = 12.0;
        let key = ev.key();
        let preview = ctx.mode.get_untracked() == ViewMode::Preview;
        match key.as_str() {
            "ArrowLeft" if ev.shift_key() => camera_do(&|c| c.pan(-step, 0.0, 600.0)),
            "ArrowRight" if ev.shift_key() => camera_do(&|c| c.pan(step, 0.0, 600.0)),
            "ArrowUp" if ev.shift_key() => camera_do(&|c| c.pan(0.0, -step, 600.0)),
            "ArrowDown" if ev.shift_key() => camera_do(&|c| c.pan(0.0, step, 600.0)),
            "ArrowLeft" => camera_do(&|c| c.orbit(-step, 0.0)),
            "ArrowRight" => camera_do(&|c| c.orbit(step, 0.0)),
            "ArrowUp" if !preview => camera_do(&|c| c.orbit(0.0, step)),
            "ArrowDown" if !preview => camera_do(&|c| c.orbit(0.0, -step)),
            "+" | "=" => camera_do(&|c| c.zoom(0.85)),
            "-" | "_" => camera_do(&|c| c.zoom(1.18)),
            "f" | "F" => fit(),
            "Escape" if ctx.paint.active.get_untracked() => ctx.paint.active.set(false),
            _ => return,
        }
        ev.prevent_default();
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging_file.set(false);
        if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
            files::import_files(ctx, files::files_of(&files));
        }
    };

    view! {
        <div
            class="viewport"
            class:dropping=move || dragging_file.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging_file.set(true);
            }
            on:dragleave=move |_| dragging_file.set(false)
            on:drop=on_drop
        >
            <canvas
                node_ref=canvas
                id="view"
                tabindex="0"
                aria-label="3D view of the bed: drag to orbit, right-drag or shift-drag to pan, wheel to zoom"
                on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move
                on:pointerup=on_pointer_up
                on:pointercancel=on_pointer_up
                on:wheel=on_wheel
                on:keydown=on_key
                on:contextmenu=|ev| ev.prevent_default()
            ></canvas>
            <div class="view-buttons">
                <button on:click=move |_| turn(View::Iso) title="Iso view">"Iso"</button>
                <button on:click=move |_| turn(View::Top) title="Top view">"Top"</button>
                <button on:click=move |_| turn(View::Front) title="Front view">"Front"</button>
                <button on:click=move |_| fit() title="Fit the models in view (F)">"Fit"</button>
            </div>
            <Show when=move || ctx.mode.get() == ViewMode::Models>
                <super::gizmo::GizmoButtons/>
            </Show>
            <div class="backend" title="How the 3D view is drawn">{move || backend.get()}</div>
            <Show when=move || ctx.paint.active.get() && ctx.selected.get().is_none()>
                <div class="hint">
                    {move || {
                        format!(
                            "Click a model to paint {} on it.",
                            if ctx.paint.kind.get() == crate::engine::mesh::paint::PaintKind::Seam {
                                "seams"
                            } else {
                                "supports"
                            },
                        )
                    }}
                </div>
            </Show>
            <Show when=move || ctx.lay_flat_mode.get()>
                <div class="hint">"Click a face of the selected model to lay it on the bed."</div>
            </Show>
            <Show when=move || dragging_file.get()>
                <div class="drop-hint">"Drop STL, OBJ or 3MF files to add them"</div>
            </Show>
            <Show when=move || !dragging_file.get() && ctx.scene.with(|s| s.objects.is_empty())>
                <div class="empty-hint" id="empty-hint">
                    <p>"The plate is empty."</p>
                    <button class="primary" on:click=move |_| super::files::open_picker()>"Open models…"</button>
                    <p>"or drop STL, OBJ or 3MF files here, or add one from the Library."</p>
                </div>
            </Show>
        </div>
    }
}

impl Ctx {
    /// The bed, tracked (for effects that redraw it).
    fn bed_tracked(&self) -> (f64, f64, f64, f64, f64) {
        self.settings.track();
        self.bed()
    }
}
