//! Support and seam painting: a brush that marks where supports (or seams) are enforced or
//! blocked on the selected object, fill by overhang angle, clear, and support enforcer and
//! blocker volumes (box, cylinder, sphere) placed on the object. The paint lives in the
//! object (saved with the project and in 3MF as PrusaSlicer writes it); the view draws it
//! over the model.

use super::Ctx;
use super::objects::NumberField;
use crate::engine::geom::ExPolygon;
use crate::engine::mesh::paint::{BLOCKER, ENFORCER, NONE, PaintKind};
use crate::engine::mesh::{FacetPaint, Mesh, Volume, VolumeKind};
use crate::engine::model::shapes;
use glam::{DAffine3, DVec3};
use leptos::prelude::*;
use std::sync::Arc;

/// Colours of painted areas and volumes in the view.
pub const ENFORCER_COLOUR: [f32; 3] = [0.2, 0.55, 1.0];
pub const BLOCKER_COLOUR: [f32; 3] = [0.9, 0.15, 0.2];
pub const SEAM_ENFORCER_COLOUR: [f32; 3] = [0.15, 0.75, 0.35];
pub const SEAM_BLOCKER_COLOUR: [f32; 3] = [0.95, 0.55, 0.1];

/// The colours of a paint's enforced and blocked areas.
pub fn colours(kind: PaintKind) -> [[f32; 3]; 2] {
    match kind {
        PaintKind::Support => [ENFORCER_COLOUR, BLOCKER_COLOUR],
        PaintKind::Seam => [SEAM_ENFORCER_COLOUR, SEAM_BLOCKER_COLOUR],
    }
}

#[derive(Clone, Copy)]
pub struct PaintTool {
    /// The brush is on: a drag over the selected object paints.
    pub active: RwSignal<bool>,
    /// Which paint the brush lays: support or seam.
    pub kind: RwSignal<PaintKind>,
    /// What the brush paints: ENFORCER, BLOCKER or NONE (erase).
    pub state: RwSignal<u8>,
    /// Brush radius (mm on the bed).
    pub radius: RwSignal<f64>,
    /// Fill by angle: faces closer than this to facing straight down (°).
    pub angle: RwSignal<f64>,
}

impl PaintTool {
    pub fn new() -> PaintTool {
        PaintTool {
            active: RwSignal::new(false),
            kind: RwSignal::new(PaintKind::Support),
            state: RwSignal::new(ENFORCER),
            radius: RwSignal::new(2.0),
            angle: RwSignal::new(45.0),
        }
    }
}

/// The painted pieces of `state`, as a mesh lifted a little off the surface so that it
/// shows over the model.
pub fn overlay(mesh: &Mesh, paint: &FacetPaint, state: u8) -> Mesh {
    let mut out = Mesh::default();
    for [a, b, c] in paint.pieces(mesh, state) {
        let n = (b - a).cross(c - a).normalize_or_zero() * 0.03;
        let base = out.vertices.len() as u32;
        for p in [a + n, b + n, c + n] {
            out.vertices.push([p.x as f32, p.y as f32, p.z as f32]);
        }
        out.triangles.push([base, base + 1, base + 2]);
    }
    out
}

impl Ctx {
    /// Turns the brush on for `kind`'s paint, or off when it is on for it already.
    pub fn toggle_paint(&self, kind: PaintKind) {
        let on = self.paint.active.get_untracked() && self.paint.kind.get_untracked() == kind;
        self.paint.kind.set(kind);
        self.paint.active.set(!on);
        // Paint goes on the models, not on the toolpaths.
        if !on {
            self.mode.set(super::ViewMode::Models);
        }
    }

    /// Paints with the brush where a ray (bed coordinates) meets the selected copy; returns
    /// whether it met it.
    pub fn paint_at(&self, origin: DVec3, dir: DVec3) -> bool {
        let Some(sel) = self.selected.get_untracked() else {
            return false;
        };
        let hit = self.scene.with_untracked(|sc| sc.pick(origin, dir));
        let Some(hit) = hit.filter(|h| (h.object, h.instance) == sel) else {
            return false;
        };
        let point = origin + dir.normalize() * hit.distance;
        let (state, radius, kind) = (
            self.paint.state.get_untracked(),
            self.paint.radius.get_untracked(),
            self.paint.kind.get_untracked(),
        );
        self.scene.update(|sc| {
            let o = &mut sc.objects[sel.0];
            let t = o.instances[sel.1].transform;
            // The brush is round on the bed; in the object it is as large as the copy's
            // scale makes it.
            let scale = t.matrix3.determinant().abs().cbrt().max(1e-6);
            let mut paint = (**o.paint(kind)).clone();
            paint.paint_sphere(
                &o.mesh,
                t.inverse().transform_point3(point),
                radius / scale,
                state,
            );
            *o.paint_mut(kind) = Arc::new(paint);
        });
        true
    }

    /// Paints every face of the selected object that faces down more steeply than the fill
    /// angle (as placed), with the brush's state.
    fn paint_by_angle(&self) {
        let Some((oi, ii)) = self.selected.get_untracked() else {
            return;
        };
        let (state, angle, kind) = (
            self.paint.state.get_untracked(),
            self.paint.angle.get_untracked(),
            self.paint.kind.get_untracked(),
        );
        self.edit(|sc| {
            let o = &mut sc.objects[oi];
            let t = o.instances[ii].transform;
            let lowest = o.instance_bounds(ii).map_or(0.0, |b| b.min.z);
            let limit = angle.to_radians().cos();
            let faces: Vec<u32> = o
                .mesh
                .triangles
                .iter()
                .enumerate()
                .filter(|(_, tri)| {
                    let [a, b, c] = tri.map(|i| t.transform_point3(o.mesh.vertex(i)));
                    let n = (b - a).cross(c - a).normalize_or_zero();
                    // Faces on the bed need nothing under them.
                    -n.z >= limit && a.z.max(b.z).max(c.z) > lowest + 1e-3
                })
                .map(|(i, _)| i as u32)
                .collect();
            let mut paint = (**o.paint(kind)).clone();
            paint.fill(faces, state);
            *o.paint_mut(kind) = Arc::new(paint);
        });
    }

    fn clear_paint(&self) {
        let Some((oi, _)) = self.selected.get_untracked() else {
            return;
        };
        let kind = self.paint.kind.get_untracked();
        self.edit(|sc| *sc.objects[oi].paint_mut(kind) = Arc::default());
    }

    /// Adds a 10 mm volume of `shape` at the middle of the selected copy's underside.
    fn add_volume(&self, kind: VolumeKind, shape: &str) {
        let Some((oi, ii)) = self.selected.get_untracked() else {
            return;
        };
        self.edit(|sc| {
            let o = &mut sc.objects[oi];
            let Some(b) = o.mesh.bounds() else { return };
            let t = o.instances[ii].transform;
            let size = 10.0 / t.matrix3.determinant().abs().cbrt().max(1e-6);
            let centre = DVec3::new(b.center().x, b.center().y, b.min.z + size / 2.0);
            let mut mesh = unit_shape(shape);
            mesh.transform(
                &(DAffine3::from_translation(centre) * DAffine3::from_scale(DVec3::splat(size))),
            );
            let n = o.volumes.iter().filter(|v| v.kind == kind).count() + 1;
            o.volumes.push(Volume {
                name: format!("{} {n}", kind.label()),
                kind,
                mesh: Arc::new(mesh),
            });
        });
    }

    /// Moves and sizes volume `vi` of the selected copy so that its bounds on the bed have
    /// this centre and size.
    fn fit_volume(&self, vi: usize, centre: DVec3, size: DVec3) {
        let Some((oi, ii)) = self.selected.get_untracked() else {
            return;
        };
        self.edit(|sc| {
            let o = &mut sc.objects[oi];
            let t = o.instances[ii].transform;
            let Some(v) = o.volumes.get_mut(vi) else {
                return;
            };
            let mut m = v.mesh.transformed(&t);
            let Some(b) = m.bounds() else { return };
            let k = size.max(DVec3::splat(0.1)) / b.size().max(DVec3::splat(1e-6));
            m.transform(
                &(DAffine3::from_translation(centre)
                    * DAffine3::from_scale(k)
                    * DAffine3::from_translation(-b.center())),
            );
            m.transform(&t.inverse());
            v.mesh = Arc::new(m);
        });
    }
}

/// A box, cylinder or sphere 1 mm across, centred on the origin.
fn unit_shape(shape: &str) -> Mesh {
    let mut m = match shape {
        "cylinder" => shapes::extrude(
            &ExPolygon::new(shapes::circle(0.0, 0.0, 0.5, 48)),
            -0.5,
            0.5,
        ),
        "sphere" => shapes::sphere(0.5, 16, 32),
        _ => shapes::extrude(&shapes::rect(-0.5, -0.5, 0.5, 0.5), -0.5, 0.5),
    };
    crate::engine::mesh::repair(&mut m);
    m
}

/// The brush, fill and volume controls, shown while painting.
#[component]
pub fn PaintPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let tool = ctx.paint;
    let seams = move || tool.kind.get() == PaintKind::Seam;
    let brush = move |state: u8, label: &'static str, title: &'static str| {
        view! {
            <button
                class:active=move || tool.state.get() == state
                on:click=move |_| tool.state.set(state)
                title=title
            >
                {label}
            </button>
        }
    };
    // Each volume's name, kind and bounds on the bed (under the selected copy).
    let volumes = move || {
        let Some((oi, ii)) = ctx.selected.get() else {
            return Vec::new();
        };
        ctx.scene.with(|sc| {
            let Some(o) = sc.objects.get(oi) else {
                return Vec::new();
            };
            let t = o
                .instances
                .get(ii)
                .map_or(DAffine3::IDENTITY, |i| i.transform);
            o.volumes
                .iter()
                .map(|v| (v.name.clone(), v.kind, v.mesh.transformed(&t).bounds()))
                .collect()
        })
    };
    let volume_rows = move || {
        volumes()
            .into_iter()
            .enumerate()
            .map(|(vi, (name, kind, bounds))| {
                let b = bounds.map(|b| (b.center(), b.size())).unwrap_or_default();
                let field =
                    move |label: &'static str, value: f64, set: fn(&mut (DVec3, DVec3), f64)| {
                        view! {
                            <NumberField
                                label=label
                                unit="mm"
                                value=Signal::derive(move || value)
                                on_set=move |v| {
                                    let mut cs = b;
                                    set(&mut cs, v);
                                    ctx.fit_volume(vi, cs.0, cs.1);
                                }
                            />
                        }
                    };
                let colour = match kind {
                    VolumeKind::SupportEnforcer => "enforcer",
                    VolumeKind::SupportBlocker => "blocker",
                };
                view! {
                    <li class=format!("volume {colour}")>
                        <div class="name">
                            {name}
                            <button
                                class="remove"
                                title="Remove this volume"
                                aria-label="Remove this volume"
                                on:click=move |_| {
                                    if let Some((oi, _)) = ctx.selected.get_untracked() {
                                        ctx.edit(|sc| {
                                            if vi < sc.objects[oi].volumes.len() {
                                                sc.objects[oi].volumes.remove(vi);
                                            }
                                        });
                                    }
                                }
                            >
                                "×"
                            </button>
                        </div>
                        <div class="row">
                            {field("X", b.0.x, |c, v| c.0.x = v)}
                            {field("Y", b.0.y, |c, v| c.0.y = v)}
                            {field("Z", b.0.z, |c, v| c.0.z = v)}
                        </div>
                        <div class="row">
                            {field("W", b.1.x, |c, v| c.1.x = v)}
                            {field("D", b.1.y, |c, v| c.1.y = v)}
                            {field("H", b.1.z, |c, v| c.1.z = v)}
                        </div>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || tool.active.get()>
            <section
                class="panel paint"
                aria-label=move || {
                    if seams() { "Seam painting" } else { "Support painting" }
                }
            >
                <h2>{move || if seams() { "Paint seams" } else { "Paint supports" }}</h2>
                <p class="paint-note">
                    {move || {
                        if seams() {
                            "Drag over the selected model to paint. Loops start in enforced areas (in the middle of the painted stretch), never in blocked ones, whatever the seam position."
                        } else {
                            "Drag over the selected model to paint. Enforced areas get support even with supports off; blocked areas never do."
                        }
                    }}
                </p>
                <div class="actions brush">
                    {brush(ENFORCER, "Enforce", "Paint where it must go")}
                    {brush(BLOCKER, "Block", "Paint where it must not go")}
                    {brush(NONE, "Erase", "Remove paint")}
                </div>
                <label class="number">
                    <span>"Brush"</span>
                    <input
                        type="range"
                        min="0.5"
                        max="20"
                        step="0.5"
                        prop:value=move || tool.radius.get().to_string()
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                                tool.radius.set(v);
                            }
                        }
                    />
                    <span class="value">{move || format!("{:.1} mm", tool.radius.get())}</span>
                </label>
                <div class="row" style:display=move || if seams() { "none" } else { "" }>
                    <NumberField
                        label="Angle"
                        unit="°"
                        value=Signal::derive(move || tool.angle.get())
                        on_set=move |v| tool.angle.set(v.clamp(0.0, 90.0))
                    />
                    <button
                        on:click=move |_| ctx.paint_by_angle()
                        title="Paint every face that faces down more steeply than the angle from horizontal"
                    >
                        "Fill overhangs"
                    </button>
                </div>
                <div class="actions">
                    <button on:click=move |_| ctx.clear_paint() title="Remove all of this paint from this object">
                        "Clear paint"
                    </button>
                    <button on:click=move |_| tool.active.set(false) title="Stop painting (Esc)">
                        "Done"
                    </button>
                </div>
                <h3 style:display=move || if seams() { "none" } else { "" }>"Volumes"</h3>
                <div class="actions" style:display=move || if seams() { "none" } else { "" }>
                    {["box", "cylinder", "sphere"]
                        .into_iter()
                        .map(|shape| {
                            view! {
                                <button
                                    on:click=move |_| ctx.add_volume(VolumeKind::SupportBlocker, shape)
                                    title=format!("Add a support blocker {shape}")
                                >
                                    {format!("Block {shape}")}
                                </button>
                                <button
                                    on:click=move |_| ctx.add_volume(VolumeKind::SupportEnforcer, shape)
                                    title=format!("Add a support enforcer {shape}")
                                >
                                    {format!("Enforce {shape}")}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                <ul class="volume-list" style:display=move || if seams() { "none" } else { "" }>{volume_rows}</ul>
            </section>
        </Show>
    }
}
