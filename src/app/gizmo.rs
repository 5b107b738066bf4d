//! The gizmo in the 3D view: the tool buttons (Move, Rotate, Scale), and a drag on a handle
//! turned into a change of the selected copies, live, as one undo step. The handles'
//! geometry and the arithmetic are the engine's (`engine::model::gizmo`).

use super::Ctx;
use crate::engine::model::Scene;
use crate::engine::model::gizmo::{self, Change, Gizmo, Handle, SCALE_SNAP, Tool};
use crate::render::Renderer;
use glam::{DAffine3, DVec3};
use leptos::prelude::*;

/// How near (CSS pixels) the pointer must pass a handle to grab it.
const GRAB_PX: f32 = 9.0;

/// A handle being dragged.
#[derive(Clone)]
pub struct GizmoDrag {
    handle: Handle,
    gizmo: Gizmo,
    from: (DVec3, DVec3),
    /// Each selected copy's placement when the drag began.
    starts: Vec<((usize, usize), DAffine3)>,
    pub before: Scene,
}

/// The handles around the selected copy, for the tool chosen.
pub fn current(ctx: &Ctx) -> Option<Gizmo> {
    let tool = ctx.gizmo.get_untracked()?;
    let (o, i) = ctx.selected.get_untracked()?;
    let b = ctx
        .scene
        .with_untracked(|s| s.objects.get(o).and_then(|ob| ob.instance_bounds(i)))?;
    Some(Gizmo::around(tool, &b))
}

/// The gizmo's lines for the renderer.
pub fn lines(g: Option<Gizmo>, hover: Option<Handle>) -> Vec<([[f32; 3]; 2], [f32; 4])> {
    g.map(|g| {
        g.segments(hover)
            .into_iter()
            .map(|([a, b], c)| ([a.as_vec3().to_array(), b.as_vec3().to_array()], c))
            .collect()
    })
    .unwrap_or_default()
}

/// The pointer's ray through the view at CSS pixel (x, y).
pub fn ray(r: &Renderer, x: f32, y: f32, dpr: f32) -> (DVec3, DVec3) {
    let (w, h) = r.size();
    let (o, d) = r.camera.ray(
        2.0 * x * dpr / w as f32 - 1.0,
        1.0 - 2.0 * y * dpr / h as f32,
    );
    (o.as_dvec3(), d.as_dvec3())
}

/// `GRAB_PX` as a distance (mm) at the gizmo's depth.
fn tolerance(r: &Renderer, x: f32, y: f32, dpr: f32, at: DVec3) -> f64 {
    let (o, d) = ray(r, x, y, dpr);
    let (_, d2) = ray(r, x + GRAB_PX, y, dpr);
    (at - o).length() * d.angle_between(d2)
}

/// The handle of `g` under the pointer, if any.
fn under(g: &Gizmo, r: &Renderer, x: f32, y: f32, dpr: f32) -> Option<Handle> {
    let (o, d) = ray(r, x, y, dpr);
    g.hit(o, d, tolerance(r, x, y, dpr, g.center))
}

/// The handle under the pointer, if any.
pub fn hover(ctx: &Ctx, r: &Renderer, x: f32, y: f32, dpr: f32) -> Option<Handle> {
    under(&current(ctx)?, r, x, y, dpr)
}

/// Starts a drag when the pointer grabs a handle.
pub fn grab(ctx: &Ctx, r: &Renderer, x: f32, y: f32, dpr: f32) -> Option<GizmoDrag> {
    let gizmo = current(ctx)?;
    let handle = under(&gizmo, r, x, y, dpr)?;
    let starts = ctx.scene.with_untracked(|s| {
        ctx.selection()
            .into_iter()
            .filter_map(|(o, i)| Some(((o, i), s.objects.get(o)?.instances.get(i)?.transform)))
            .collect()
    });
    Some(GizmoDrag {
        handle,
        gizmo,
        from: ray(r, x, y, dpr),
        starts,
        before: ctx.scene.get_untracked(),
    })
}

/// Applies a drag to the pointer's ray `to`: from the starting placements, so that nothing
/// drifts. Moves take every selected copy; turns and scales the one Placement shows.
/// `snapping`: steps of 1 mm, 15° and 5%.
pub fn drag_to(ctx: &Ctx, d: &GizmoDrag, to: (DVec3, DVec3), snapping: bool) {
    let Some(change) = d.gizmo.drag(d.handle, d.from, to, snapping) else {
        return;
    };
    ctx.scene.update(|s| {
        for &((o, i), t) in &d.starts {
            if let Some(inst) = s.objects.get_mut(o).and_then(|ob| ob.instances.get_mut(i)) {
                inst.transform = t;
            }
        }
        let Some(&((o, i), start)) = d.starts.first() else {
            return;
        };
        match change {
            Change::Move(v) => {
                for &((o, i), t) in &d.starts {
                    s.objects[o].instances[i].transform = DAffine3::from_translation(v) * t;
                }
            }
            Change::Rotate(axis, deg) => s.rotate_instance(o, i, gizmo::rotation(axis, deg)),
            Change::Scale(axis, f) => {
                let (scale, rot, _) = start.to_scale_rotation_translation();
                let mut k = DVec3::ONE;
                match axis {
                    Some(a) => k[a] = f,
                    None => k = DVec3::splat(f),
                }
                // Snapped on the copy's percentage, as the Scale fields show it.
                let mut pct = scale * k * 100.0;
                if snapping {
                    pct = match axis {
                        Some(a) => {
                            pct[a] = gizmo::snap(pct[a], SCALE_SNAP).max(SCALE_SNAP);
                            pct
                        }
                        None => {
                            let f = gizmo::snap(pct.x, SCALE_SNAP).max(SCALE_SNAP) / pct.x;
                            pct * f
                        }
                    };
                }
                s.set_placement(o, i, rot, pct / 100.0);
            }
        }
    });
}

/// The gizmo's tool buttons over the 3D view, and their keys (M, R, S).
#[component]
pub fn GizmoButtons() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // A tool's button or key shows its handles, or hides them when they are shown.
    let toggle = move |tool: Tool| {
        ctx.gizmo
            .update(|g| *g = if *g == Some(tool) { None } else { Some(tool) })
    };
    let button = move |tool: Tool, label: &'static str, key: &'static str, title: &'static str| {
        let on = move || ctx.gizmo.get() == Some(tool);
        view! {
            <button
                class="gizmo-tool"
                class:active=on
                aria-pressed=move || on().to_string()
                title=format!("{title} ({key})")
                aria-keyshortcuts=key
                disabled=move || ctx.selected.get().is_none()
                on:click=move |_| toggle(tool)
            >
                {label}
            </button>
        }
    };
    let _keys = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if !ctx.plate_key(&ev) || ctx.selected.get_untracked().is_none() {
            return;
        }
        let tool = match ev.key().as_str() {
            "m" | "M" => Tool::Move,
            "r" | "R" => Tool::Rotate,
            "s" | "S" => Tool::Scale,
            _ => return,
        };
        toggle(tool);
    });
    view! {
        <div class="gizmo-buttons" role="group" aria-label="Handles on the selected model">
            {button(Tool::Move, "Move", "M", "Arrows to drag the model along X or Y, in 1 mm steps")}
            {button(Tool::Rotate, "Rotate", "R", "Rings to turn the model about X, Y or Z, in 15° steps")}
            {button(Tool::Scale, "Scale", "S", "Boxes to scale the model along one axis or all three, in 5% steps")}
            <super::measure::MeasureTool/>
        </div>
        <Show when=move || ctx.gizmo.get().is_some() && ctx.selected.get().is_some()>
            <div class="hint gizmo-hint">"Drag a handle; hold Alt to move, turn or scale freely, without steps."</div>
        </Show>
    }
}
