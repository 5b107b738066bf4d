//! The object list (name, triangles, size, repair notes) with the plate's actions, and the
//! numeric placement of the selected copy (position, rotation, scale).

use super::{Ctx, ViewMode};
use glam::{DAffine3, DQuat, DVec3, EulerRot};
use leptos::prelude::*;

#[component]
pub fn ObjectList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let selected = ctx.selected;
    let rows = move || {
        let scene = ctx.scene.get();
        scene
            .objects
            .iter()
            .enumerate()
            .flat_map(|(oi, o)| {
                let notes = o.repair.lines();
                let triangles = o.mesh.triangles.len();
                let name = o.name.clone();
                (0..o.instances.len())
                    .map(|ii| {
                        let size = o
                            .instance_bounds(ii)
                            .map(|b| {
                                let s = b.size();
                                format!("{:.1} × {:.1} × {:.1} mm", s.x, s.y, s.z)
                            })
                            .unwrap_or_default();
                        // The original keeps its name; each copy has it with a number.
                        let title = if ii > 0 { format!("{name} ({})", ii + 1) } else { name.clone() };
                        let notes = notes.clone();
                        let is_sel = move || selected.get() == Some((oi, ii));
                        view! {
                            <li
                                class="object"
                                role="option"
                                tabindex="0"
                                aria-selected=move || is_sel().to_string()
                                class:selected=is_sel
                                on:click=move |_| selected.set(Some((oi, ii)))
                                on:focus=move |_| selected.set(Some((oi, ii)))
                            >
                                <div class="name">{title}</div>
                                <div class="meta">{format!("{triangles} triangles · {size}")}</div>
                                {(!notes.is_empty())
                                    .then(|| {
                                        view! {
                                            <ul class="repair" title="What repairing the mesh found">
                                                {notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                                            </ul>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .collect_view()
    };
    let has_sel = move || selected.get().is_some();
    let models = move || ctx.mode.get() == ViewMode::Models;
    view! {
        <section class="panel objects">
            <h2>"Objects"</h2>
            <ul class="object-list" role="listbox" aria-label="Objects on the plate">{rows}</ul>
            <div class="actions">
                <button on:click=move |_| ctx.copy_selected() disabled=move || !has_sel() || !models() title="Add a copy">
                    "Copy"
                </button>
                <button on:click=move |_| ctx.delete_selected() disabled=move || !has_sel() || !models() title="Delete (Del)">
                    "Delete"
                </button>
                <button on:click=move |_| ctx.arrange() disabled=move || !models() title="Arrange everything on the bed">
                    "Arrange"
                </button>
                <button on:click=move |_| ctx.undo() title="Undo (Ctrl+Z)">"Undo"</button>
                <button on:click=move |_| ctx.redo() title="Redo (Ctrl+Shift+Z)">"Redo"</button>
            </div>
        </section>
    }
}

/// Position, rotation and scale of a copy, read from its placement.
fn decompose(ctx: &Ctx, (o, i): (usize, usize)) -> Option<([f64; 3], [f64; 3], [f64; 3])> {
    ctx.scene.with(|s| {
        let ob = s.objects.get(o)?;
        let t = ob.instances.get(i)?.transform;
        let (scale, rot, _) = t.to_scale_rotation_translation();
        let (rx, ry, rz) = rot.to_euler(EulerRot::XYZ);
        let b = ob.instance_bounds(i)?;
        let c = b.center();
        Some((
            [c.x, c.y, b.min.z],
            [rx.to_degrees(), ry.to_degrees(), rz.to_degrees()],
            [scale.x * 100.0, scale.y * 100.0, scale.z * 100.0],
        ))
    })
}

/// Rebuilds a copy's placement from rotation and scale, keeping its footprint's centre and
/// putting it on the bed.
fn place(ctx: &Ctx, (o, i): (usize, usize), rotation: [f64; 3], scale: [f64; 3]) {
    ctx.edit(|s| {
        let Some(before) = s.objects[o].instance_bounds(i) else {
            return;
        };
        let t = s.objects[o].instances[i].transform;
        let (_, _, translation) = t.to_scale_rotation_translation();
        let q = DQuat::from_euler(
            EulerRot::XYZ,
            rotation[0].to_radians(),
            rotation[1].to_radians(),
            rotation[2].to_radians(),
        );
        let sc = DVec3::from_array(scale) / 100.0;
        s.objects[o].instances[i].transform =
            DAffine3::from_scale_rotation_translation(sc, q, translation);
        if let Some(after) = s.objects[o].instance_bounds(i) {
            let d = before.center() - after.center();
            s.objects[o].instances[i].transform =
                DAffine3::from_translation(DVec3::new(d.x, d.y, -after.min.z))
                    * s.objects[o].instances[i].transform;
        }
    });
}

/// A labelled number input with its unit, showing `value` and calling `on_set` with a valid
/// number typed into it.
#[component]
pub(super) fn NumberField(
    label: &'static str,
    unit: &'static str,
    value: Signal<f64>,
    on_set: impl Fn(f64) + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <label class="number">
            <span>{label}</span>
            <span class="field">
            <input
                type="number"
                step="any"
                prop:value=move || {
                    let v = value.get();
                    // No "-0.00".
                    format!("{:.2}", if v.abs() < 0.005 { 0.0 } else { v })
                }
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).trim().parse::<f64>()
                        && v.is_finite()
                    {
                        on_set(v);
                    }
                }
            />
            <span class="unit">{unit}</span>
            </span>
        </label>
    }
}

#[component]
pub fn TransformPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let uniform = RwSignal::new(true);
    let parts = Memo::new(move |_| ctx.selected.get().and_then(|sel| decompose(&ctx, sel)));
    let field = move |kind: usize, axis: usize| -> Signal<f64> {
        Signal::derive(move || {
            parts.get().map_or(0.0, |(p, r, s)| match kind {
                0 => p[axis],
                1 => r[axis],
                _ => s[axis],
            })
        })
    };
    let set_position = move |axis: usize, v: f64| {
        let (Some(sel), Some((p, _, _))) = (ctx.selected.get_untracked(), parts.get_untracked())
        else {
            return;
        };
        let mut d = DVec3::ZERO;
        d[axis] = v - p[axis];
        if axis == 2 {
            // Copies sit on the bed.
            return;
        }
        ctx.edit(|s| {
            let t = &mut s.objects[sel.0].instances[sel.1].transform;
            *t = DAffine3::from_translation(d) * *t;
        });
    };
    let set_rotation = move |axis: usize, v: f64| {
        let (Some(sel), Some((_, mut r, s))) =
            (ctx.selected.get_untracked(), parts.get_untracked())
        else {
            return;
        };
        r[axis] = v;
        place(&ctx, sel, r, s);
    };
    let set_scale = move |axis: usize, v: f64| {
        let (Some(sel), Some((_, r, mut s))) =
            (ctx.selected.get_untracked(), parts.get_untracked())
        else {
            return;
        };
        if v <= 0.0 || v > 10_000.0 {
            ctx.say("Scale must be between 0 and 10000%", true);
            return;
        }
        if uniform.get_untracked() {
            let k = v / s[axis];
            s = [s[0] * k, s[1] * k, s[2] * k];
        } else {
            s[axis] = v;
        }
        place(&ctx, sel, r, s);
    };
    // The copy's size on the bed (mm), and a size typed in: the scale that gives it.
    let size = move |axis: usize| -> Signal<f64> {
        Signal::derive(move || {
            ctx.selected
                .get()
                .and_then(|(o, i)| {
                    ctx.scene
                        .with(|s| s.objects.get(o).and_then(|ob| ob.instance_bounds(i)))
                })
                .map_or(0.0, |b| b.size()[axis])
        })
    };
    let set_size = move |axis: usize, v: f64| {
        let now = size(axis).get_untracked();
        let Some((_, _, s)) = parts.get_untracked() else {
            return;
        };
        if now <= 0.0 || v <= 0.0 {
            ctx.say("A size must be more than 0 mm", true);
            return;
        }
        set_scale(axis, s[axis] * v / now);
    };
    let lay_flat = ctx.lay_flat_mode;
    view! {
        <Show when=move || parts.get().is_some()>
            <section class="panel transform">
                <h2>"Placement"</h2>
                <div class="row">
                    <NumberField label="X" unit="mm" value=field(0, 0) on_set=move |v| set_position(0, v)/>
                    <NumberField label="Y" unit="mm" value=field(0, 1) on_set=move |v| set_position(1, v)/>
                </div>
                <div class="row">
                    <NumberField label="Rot X" unit="°" value=field(1, 0) on_set=move |v| set_rotation(0, v)/>
                    <NumberField label="Rot Y" unit="°" value=field(1, 1) on_set=move |v| set_rotation(1, v)/>
                    <NumberField label="Rot Z" unit="°" value=field(1, 2) on_set=move |v| set_rotation(2, v)/>
                </div>
                <div class="row">
                    <NumberField label="Scale X" unit="%" value=field(2, 0) on_set=move |v| set_scale(0, v)/>
                    <NumberField label="Scale Y" unit="%" value=field(2, 1) on_set=move |v| set_scale(1, v)/>
                    <NumberField label="Scale Z" unit="%" value=field(2, 2) on_set=move |v| set_scale(2, v)/>
                </div>
                <div class="row">
                    <NumberField label="Size X" unit="mm" value=size(0) on_set=move |v| set_size(0, v)/>
                    <NumberField label="Size Y" unit="mm" value=size(1) on_set=move |v| set_size(1, v)/>
                    <NumberField label="Size Z" unit="mm" value=size(2) on_set=move |v| set_size(2, v)/>
                </div>
                <label class="check">
                    <input type="checkbox" prop:checked=move || uniform.get() on:change=move |ev| uniform.set(event_target_checked(&ev))/>
                    "Uniform scale"
                </label>
                <div class="actions">
                    <button
                        class:active=move || lay_flat.get()
                        on:click=move |_| lay_flat.update(|m| *m = !*m)
                        title="Then click a face of the model: it turns to lie on that face"
                    >
                        "Lay on face"
                    </button>
                    <button
                        class:active=move || ctx.paint.active.get()
                        on:click=move |_| ctx.paint.active.update(|m| *m = !*m)
                        title="Paint where supports must or must not go, and place enforcer and blocker volumes"
                    >
                        "Paint supports"
                    </button>
                    <button
                        on:click=move |_| {
                            if let Some(sel) = ctx.selected.get_untracked() {
                                ctx.edit(|s| {
                                    if let Some(b) = s.objects[sel.0].instance_bounds(sel.1) {
                                        let t = &mut s.objects[sel.0].instances[sel.1].transform;
                                        *t = DAffine3::from_translation(DVec3::new(0.0, 0.0, -b.min.z)) * *t;
                                    }
                                });
                            }
                        }
                        title="Put the lowest point on the bed"
                    >
                        "Drop to bed"
                    </button>
                </div>
            </section>
        </Show>
    }
}
