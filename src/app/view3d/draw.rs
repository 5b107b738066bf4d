//! What the 3D view draws and holds between frames: the renderer's models kept in step with
//! the plate (selection colours, paint overlays, volumes, the face under the pointer), the
//! gizmo's lines, the pointer's state, and pictures of the view for project thumbnails.

use crate::app::gizmo::{self, GizmoDrag};
use crate::app::{Ctx, ViewMode, paint};
use crate::engine::mesh::VolumeKind;
use crate::engine::mesh::paint::{BLOCKER, ENFORCER, PaintKind};
use crate::engine::model::gizmo::Handle;
use crate::render::{ModelDraw, Renderer};
use glam::{DAffine3, DVec3, Mat4};
use leptos::prelude::*;
use std::collections::HashMap;
use wasm_bindgen::JsCast;

const COLOUR: [f32; 3] = [0.93, 0.55, 0.22];
const SELECTED: [f32; 3] = [1.0, 0.78, 0.35];
const OUTSIDE: [f32; 3] = [0.85, 0.18, 0.2];
/// The face under the pointer while laying on a face.
const FACE: [f32; 3] = [0.3, 0.85, 1.0];

/// What a pointer drag is doing.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Drag {
    None,
    Orbit,
    Pan,
    /// Painting supports on the selected copy.
    Paint,
    /// Moving the selected copies (placements then in `Input::starts`) from a bed point.
    Move {
        from: DVec3,
    },
    /// Dragging a gizmo handle (`Input::gizmo`).
    Gizmo,
}

pub(super) struct Input {
    pub(super) drag: Drag,
    pub(super) last: (f32, f32),
    /// Active touch/pen/mouse pointers (id → position), for pinch.
    pub(super) pointers: HashMap<i32, (f32, f32)>,
    pub(super) pinch: Option<f32>,
    pub(super) before_drag: Option<crate::engine::model::Scene>,
    pub(super) moved: bool,
    /// The selected copies' placements when a move began.
    pub(super) starts: Vec<((usize, usize), DAffine3)>,
    pub(super) gizmo: Option<GizmoDrag>,
}

pub(super) struct View3d {
    pub(super) renderer: Option<Renderer>,
    /// Mesh identity (Arc address) → GPU mesh index.
    pub(super) uploaded: HashMap<usize, usize>,
    /// (Object mesh identity, which paint) → (paint identity, GPU meshes of its enforcer and
    /// blocker paint).
    pub(super) overlays: HashMap<(usize, PaintKind), (usize, usize, usize)>,
    /// GPU meshes reused for volumes, one per volume drawn.
    pub(super) volume_slots: Vec<usize>,
    pub(super) frame_pending: bool,
    pub(super) input: Input,
    pub(super) preview_version: u32,
    /// The gizmo handle under the pointer.
    pub(super) hover: Option<Handle>,
    /// The face under the pointer while laying on a face: (object, copy, triangle), and the
    /// GPU mesh drawn over it.
    pub(super) face: Option<(usize, usize, usize)>,
    pub(super) face_slot: Option<usize>,
}

pub(super) type Shared = StoredValue<View3d, LocalStorage>;

thread_local! {
    /// The page's one view, for snapshots.
    pub(super) static VIEW: std::cell::RefCell<Option<(Shared, web_sys::HtmlCanvasElement)>> =
        const { std::cell::RefCell::new(None) };
}

/// A picture of the view as it is now, cropped to `width`×`height`, as a PNG data URL (for
/// project thumbnails). None until the view can draw.
pub fn snapshot(ctx: &Ctx, width: u32, height: u32) -> Option<String> {
    let (shared, canvas) = VIEW.with(|v| v.borrow().clone())?;
    // Draw the plate as it is now, framed on the models, and copy it in the same task,
    // while the frame is there; then the user's camera comes back.
    let bounds = ctx.scene.with_untracked(|s| s.bounds());
    let saved = shared
        .try_update_value(|s| {
            sync_models(ctx, s);
            let r = s.renderer.as_mut()?;
            let camera = r.camera;
            if let Some(b) = bounds {
                r.camera.fit(b.min.as_vec3(), b.max.as_vec3());
            }
            // The picture shows the models alone.
            r.set_overlay(&[]);
            r.render();
            Some(camera)
        })
        .flatten();
    let saved = saved?;
    let url = copy_canvas(&canvas, width, height);
    shared.update_value(|s| {
        if let Some(r) = &mut s.renderer {
            r.camera = saved;
        }
        sync_models(ctx, s);
    });
    request_frame(shared);
    url
}

/// The middle of a canvas, scaled to `width`×`height`, as a PNG data URL.
pub(super) fn copy_canvas(
    canvas: &web_sys::HtmlCanvasElement,
    width: u32,
    height: u32,
) -> Option<String> {
    if canvas.width() == 0 || canvas.height() == 0 {
        return None;
    }
    let document = web_sys::window()?.document()?;
    let out: web_sys::HtmlCanvasElement =
        document.create_element("canvas").ok()?.dyn_into().ok()?;
    out.set_width(width);
    out.set_height(height);
    let g: web_sys::CanvasRenderingContext2d = out.get_context("2d").ok()??.dyn_into().ok()?;
    let (cw, ch) = (canvas.width() as f64, canvas.height() as f64);
    let aspect = width as f64 / height as f64;
    let (sw, sh) = if cw / ch > aspect {
        (ch * aspect, ch)
    } else {
        (cw, cw / aspect)
    };
    g.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
        canvas,
        (cw - sw) / 2.0,
        (ch - sh) / 2.0,
        sw,
        sh,
        0.0,
        0.0,
        width as f64,
        height as f64,
    )
    .ok()?;
    out.to_data_url().ok()
}

pub(super) fn request_frame(v: Shared) {
    let pending = v
        .try_update_value(|s| std::mem::replace(&mut s.frame_pending, true))
        .unwrap_or(true);
    if pending {
        return;
    }
    request_animation_frame(move || {
        v.update_value(|s| {
            s.frame_pending = false;
            if let Some(r) = &mut s.renderer {
                r.render();
            }
        });
    });
}

/// Brings the renderer's models in step with the scene.
pub(super) fn sync_models(ctx: &Ctx, s: &mut View3d) {
    let Some(r) = &mut s.renderer else { return };
    let (x0, y0, w, d, h) = ctx.bed();
    let selection = ctx.selection();
    let face = s.face;
    let pose = ctx.pose_preview.get_untracked();
    let mut ghosts = Vec::new();
    ctx.scene.with_untracked(|scene| {
        // Drop GPU meshes of removed objects.
        let live: Vec<usize> = scene
            .objects
            .iter()
            .map(|o| std::sync::Arc::as_ptr(&o.mesh) as usize)
            .collect();
        if s.uploaded.keys().any(|k| !live.contains(k)) {
            r.clear_meshes();
            s.uploaded.clear();
            s.overlays.clear();
            s.volume_slots.clear();
            s.face_slot = None;
        }
        // Volumes are small and change as they are edited: uploaded afresh each time, after
        // the models (they are see-through).
        let mut see_through = Vec::new();
        let mut draws = Vec::new();
        for (oi, o) in scene.objects.iter().enumerate() {
            let key = std::sync::Arc::as_ptr(&o.mesh) as usize;
            let mesh = *s.uploaded.entry(key).or_insert_with(|| r.add_mesh(&o.mesh));
            for (ii, inst) in o.instances.iter().enumerate() {
                let outside = o.instance_bounds(ii).is_some_and(|b| {
                    b.min.x < x0 - 1e-3
                        || b.min.y < y0 - 1e-3
                        || b.max.x > x0 + w + 1e-3
                        || b.max.y > y0 + d + 1e-3
                        || b.max.z > h + 1e-3
                });
                let colour = if outside {
                    OUTSIDE
                } else if selection.contains(&(oi, ii)) {
                    SELECTED
                } else {
                    COLOUR
                };
                let transform = mat4(inst.transform);
                // A pose Assist offers stands in the copy's place; the copy shows through.
                let pose = pose.filter(|p| p.0 == (oi, ii)).map(|p| p.1);
                if pose.is_none() {
                    draws.push(ModelDraw {
                        mesh,
                        transform,
                        colour,
                        alpha: 1.0,
                    });
                }
                if let Some(t) = pose {
                    draws.push(ModelDraw {
                        mesh,
                        transform: mat4(t),
                        colour: FACE,
                        alpha: 1.0,
                    });
                    ghosts.push(ModelDraw {
                        mesh,
                        transform,
                        colour,
                        alpha: 0.25,
                    });
                }
                if let Some((_, _, t)) = face.filter(|f| (f.0, f.1) == (oi, ii)) {
                    let slot = *s
                        .face_slot
                        .get_or_insert_with(|| r.add_mesh(&crate::engine::mesh::Mesh::default()));
                    r.set_mesh(slot, &o.mesh.face_of(t, 0.05));
                    draws.push(ModelDraw {
                        mesh: slot,
                        transform,
                        colour: FACE,
                        alpha: 1.0,
                    });
                }
                for kind in [PaintKind::Support, PaintKind::Seam] {
                    let p = o.paint(kind);
                    if p.is_empty() {
                        continue;
                    }
                    let paint_key = std::sync::Arc::as_ptr(p) as usize;
                    let slots = s.overlays.entry((key, kind)).or_insert_with(|| {
                        let empty = crate::engine::mesh::Mesh::default();
                        (0, r.add_mesh(&empty), r.add_mesh(&empty))
                    });
                    if slots.0 != paint_key {
                        r.set_mesh(slots.1, &paint::overlay(&o.mesh, p, ENFORCER));
                        r.set_mesh(slots.2, &paint::overlay(&o.mesh, p, BLOCKER));
                        slots.0 = paint_key;
                    }
                    let [enforced, blocked] = paint::colours(kind);
                    for (mesh, colour) in [(slots.1, enforced), (slots.2, blocked)] {
                        draws.push(ModelDraw {
                            mesh,
                            transform,
                            colour,
                            alpha: 1.0,
                        });
                    }
                }
                for v in &o.volumes {
                    let colour = match v.kind {
                        VolumeKind::SupportEnforcer => paint::ENFORCER_COLOUR,
                        VolumeKind::SupportBlocker => paint::BLOCKER_COLOUR,
                    };
                    see_through.push((&*v.mesh, transform, colour));
                }
            }
        }
        draws.append(&mut ghosts);
        for (k, (mesh, transform, colour)) in see_through.into_iter().enumerate() {
            if k == s.volume_slots.len() {
                s.volume_slots.push(r.add_mesh(mesh));
            } else {
                r.set_mesh(s.volume_slots[k], mesh);
            }
            draws.push(ModelDraw {
                mesh: s.volume_slots[k],
                transform,
                colour,
                alpha: 0.35,
            });
        }
        r.set_models(draws);
    });
    let mut lines = gizmo::lines(gizmo::current(ctx), s.hover);
    lines.extend(crate::app::measure::lines(&ctx.measure.get_untracked()));
    r.set_overlay(&lines);
}

/// A placement as the renderer takes it.
fn mat4(t: DAffine3) -> Mat4 {
    Mat4::from_cols_array(&glam::DMat4::from(t).to_cols_array().map(|v| v as f32))
}

/// Pointer over the view with no button down: the gizmo handle under it, or while laying on
/// a face, the face of the selected copy under it. True when what is drawn changed.
pub(super) fn hover(ctx: &Ctx, s: &mut View3d, x: f32, y: f32, dpr: f32) -> bool {
    let Some(r) = &s.renderer else { return false };
    let models = ctx.mode.get_untracked() == ViewMode::Models;
    let handle = models.then(|| gizmo::hover(ctx, r, x, y, dpr)).flatten();
    let face = (models && ctx.lay_flat_mode.get_untracked())
        .then(|| {
            let (o, d) = gizmo::ray(r, x, y, dpr);
            let hit = ctx.scene.with_untracked(|sc| sc.pick(o, d))?;
            (ctx.selected.get_untracked() == Some((hit.object, hit.instance))).then_some((
                hit.object,
                hit.instance,
                hit.triangle,
            ))
        })
        .flatten();
    if (handle, face) == (s.hover, s.face) {
        return false;
    }
    s.hover = handle;
    s.face = face;
    sync_models(ctx, s);
    true
}

pub(super) fn bed_point(r: &Renderer, x: f32, y: f32) -> Option<DVec3> {
    let (w, h) = r.size();
    let (o, d) = r
        .camera
        .ray(2.0 * x / w as f32 - 1.0, 1.0 - 2.0 * y / h as f32);
    if d.z.abs() < 1e-6 {
        return None;
    }
    let t = -o.z / d.z;
    (t > 0.0).then(|| (o + d * t).as_dvec3())
}
