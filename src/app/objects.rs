//! The object list (name, triangles, size, repair notes) with the plate's actions, the
//! selection (one copy, or several with Ctrl- and Shift-click) and its context menu, and the
//! numeric placement of the selected copy (position, rotation, scale).

use super::{Ctx, ViewMode, browser};
use crate::engine::mesh::paint::PaintKind;
use glam::{DAffine3, DQuat, DVec3, EulerRot};
use leptos::prelude::*;

/// Every copy on the plate, in the list's order.
fn all_copies(ctx: &Ctx) -> Vec<(usize, usize)> {
    ctx.scene.with_untracked(|s| {
        s.objects
            .iter()
            .enumerate()
            .flat_map(|(o, ob)| (0..ob.instances.len()).map(move |i| (o, i)))
            .collect()
    })
}

impl Ctx {
    /// Every selected copy, the one Placement edits first.
    pub fn selection(&self) -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = self.selected.get_untracked().into_iter().collect();
        v.extend(self.also.get_untracked());
        v
    }

    /// Whether a copy is selected (tracked, for views).
    pub fn is_selected(&self, sel: (usize, usize)) -> bool {
        self.selected.get() == Some(sel) || self.also.with(|a| a.contains(&sel))
    }

    /// Selects one copy (or none), alone.
    pub fn select(&self, sel: Option<(usize, usize)>) {
        self.also.set(Vec::new());
        self.selected.set(sel);
    }

    /// Ctrl-click: adds a copy to the selection, or takes it out.
    pub fn toggle_selected(&self, sel: (usize, usize)) {
        if self.selected.get_untracked() == Some(sel) {
            let next = self.also.try_update(|a| a.pop()).flatten();
            self.selected.set(next);
        } else if self.also.with_untracked(|a| a.contains(&sel)) {
            self.also.update(|a| a.retain(|x| *x != sel));
        } else {
            if let Some(p) = self.selected.get_untracked() {
                self.also.update(|a| a.push(p));
            }
            self.selected.set(Some(sel));
        }
    }

    /// Makes a selected copy the one Placement edits, keeping the rest selected.
    pub fn make_primary(&self, sel: (usize, usize)) {
        if self.selected.get_untracked() == Some(sel) {
            return;
        }
        let old = self.selected.get_untracked();
        self.also.update(|a| {
            a.retain(|x| *x != sel);
            a.extend(old);
        });
        self.selected.set(Some(sel));
    }

    /// Shift-click: selects the run of the list from the selected copy to this one.
    pub fn select_range(&self, sel: (usize, usize)) {
        let Some(from) = self.selected.get_untracked() else {
            return self.select(Some(sel));
        };
        let all = all_copies(self);
        let (Some(a), Some(b)) = (
            all.iter().position(|x| *x == from),
            all.iter().position(|x| *x == sel),
        ) else {
            return;
        };
        let run = all[a.min(b)..=a.max(b)]
            .iter()
            .copied()
            .filter(|x| *x != sel)
            .collect();
        self.also.set(run);
        self.selected.set(Some(sel));
    }

    pub fn delete_selected(&self) {
        let mut sel = self.selection();
        if sel.is_empty() {
            return;
        }
        // From the last, so that the indices still to go stay valid.
        sel.sort_unstable_by(|a, b| b.cmp(a));
        self.edit(|s| {
            for (o, i) in sel {
                if s.objects[o].instances.len() > 1 {
                    s.objects[o].instances.remove(i);
                } else {
                    s.objects.remove(o);
                }
            }
        });
        self.select(None);
    }

    /// A copy of each selected copy beside it (or the plate arranged when there is no room);
    /// the copies become the selection.
    pub fn copy_selected(&self) {
        let sel = self.selection();
        if sel.is_empty() {
            return;
        }
        let (x0, y0, w, d, _) = self.bed();
        let mut made = Vec::new();
        self.edit(|s| {
            for &(o, i) in &sel {
                let mut t = s.objects[o].instances[i].transform;
                let width = s.objects[o].instance_bounds(i).map_or(10.0, |b| b.size().x);
                t = DAffine3::from_translation(DVec3::new(width + 6.0, 0.0, 0.0)) * t;
                s.objects[o]
                    .instances
                    .push(crate::engine::model::Instance { transform: t });
                made.push((o, s.objects[o].instances.len() - 1));
            }
            let off_bed = made.iter().any(|&(o, i)| {
                s.objects[o].instance_bounds(i).is_some_and(|b| {
                    b.min.x < x0 || b.max.x > x0 + w || b.min.y < y0 || b.max.y > y0 + d
                })
            });
            if off_bed {
                s.arrange(w, d, 6.0);
                s.center_at(x0 + w / 2.0, y0 + d / 2.0);
            }
        });
        self.selected.set(made.first().copied());
        self.also.set(made.into_iter().skip(1).collect());
    }

    /// Moves the selected copies together so that they sit in the middle of the bed.
    pub fn center_selected(&self) {
        let sel = self.selection();
        let (x0, y0, w, d, _) = self.bed();
        self.edit(|s| {
            let Some(b) = sel
                .iter()
                .filter_map(|&(o, i)| s.objects[o].instance_bounds(i))
                .reduce(|a, b| a.union(&b))
            else {
                return;
            };
            let c = b.center();
            let shift =
                DAffine3::from_translation(DVec3::new(x0 + w / 2.0 - c.x, y0 + d / 2.0 - c.y, 0.0));
            for &(o, i) in &sel {
                let t = &mut s.objects[o].instances[i].transform;
                *t = shift * *t;
            }
        });
    }

    /// Lays each selected copy flat on a large face, turning it the least.
    pub fn lay_flat_selected(&self) {
        let sel = self.selection();
        self.edit(|s| {
            for &(o, i) in &sel {
                s.lay_flat_auto(o, i);
            }
        });
    }

    /// Renames an object (all its copies).
    pub fn rename(&self, object: usize, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            self.say("A name cannot be empty.", true);
            return;
        }
        self.edit(|s| {
            if let Some(o) = s.objects.get_mut(object) {
                o.name = name.to_string();
            }
        });
    }
}

#[component]
pub fn ObjectList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let selected = ctx.selected;
    // A press on a row is under way: its focus is not a keyboard selection.
    let pointing = StoredValue::new(false);
    let rows = move || {
        let scene = ctx.scene.get();
        scene
            .objects
            .iter()
            .enumerate()
            .flat_map(|(oi, o)| {
                let notes = o.repair.lines();
                let own = (!o.settings.is_empty())
                    .then(|| super::object_settings::summary(&o.settings));
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
                        let own = own.clone();
                        let is_sel = move || ctx.is_selected((oi, ii));
                        let sel = (oi, ii);
                        view! {
                            <li
                                class="object"
                                role="option"
                                tabindex="0"
                                aria-selected=move || is_sel().to_string()
                                aria-haspopup="menu"
                                class:selected=is_sel
                                class:primary=move || selected.get() == Some(sel)
                                on:pointerdown=move |_| pointing.set_value(true)
                                on:click=move |ev: web_sys::MouseEvent| {
                                    pointing.set_value(false);
                                    if ev.ctrl_key() || ev.meta_key() {
                                        ctx.toggle_selected(sel);
                                    } else if ev.shift_key() {
                                        ctx.select_range(sel);
                                    } else {
                                        ctx.select(Some(sel));
                                    }
                                }
                                // Tab selects; a click says how itself.
                                on:focus=move |_| {
                                    if !pointing.get_value() && !ctx.is_selected(sel) {
                                        ctx.select(Some(sel));
                                    }
                                }
                                on:contextmenu=move |ev: web_sys::MouseEvent| {
                                    ev.prevent_default();
                                    pointing.set_value(false);
                                    if !ctx.is_selected(sel) {
                                        ctx.select(Some(sel));
                                    }
                                    ctx.object_menu.set(Some((ev.client_x(), ev.client_y())));
                                }
                                on:keydown=move |ev: web_sys::KeyboardEvent| {
                                    let key = ev.key();
                                    if key == "ContextMenu" || (key == "F10" && ev.shift_key()) {
                                        ev.prevent_default();
                                        open_menu_at_element(ctx, &ev);
                                    } else if key == " " && (ev.ctrl_key() || ev.meta_key()) {
                                        ev.prevent_default();
                                        ctx.toggle_selected(sel);
                                    }
                                }
                            >
                                <div class="name">{title}</div>
                                <div class="meta">{format!("{triangles} triangles · {size}")}</div>
                                {own.map(|text| {
                                    view! {
                                        // Not a button inside the option: the row's menu
                                        // (Shift+F10) has Own settings… for the keyboard.
                                        <div
                                            class="own-settings"
                                            title=format!("Its own settings: {text}. Click to edit them.")
                                            on:click=move |ev| {
                                                ev.stop_propagation();
                                                ctx.edit_object_settings(oi);
                                            }
                                        >
                                            {format!("◆ {text}")}
                                        </div>
                                    }
                                })}
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

/// Opens the context menu under the focused row (keyboard).
fn open_menu_at_element(ctx: Ctx, ev: &web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let r = el.get_bounding_client_rect();
    ctx.object_menu
        .set(Some(((r.left() + 24.0) as i32, (r.bottom() - 4.0) as i32)));
}

/// The selection's context menu (right-click on a row or on a model, or Shift+F10): rename,
/// copy, delete, center and lay flat.
#[component]
pub fn ObjectMenu() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let renaming = RwSignal::new(false);
    let close = move || {
        renaming.set(false);
        ctx.object_menu.set(None);
    };
    let name = move || {
        ctx.selected.get().and_then(|(o, _)| {
            ctx.scene
                .with(|s| s.objects.get(o).map(|ob| ob.name.clone()))
        })
    };
    let count = move || ctx.selected.get().map_or(0, |_| 1) + ctx.also.with(Vec::len);
    // Focus goes into the menu as it opens (and back to the list as it closes).
    Effect::new(move |prev: Option<bool>| {
        let open = ctx.object_menu.get().is_some();
        if prev.is_some_and(|p| p != open) {
            browser::dialog_focus(open, ".object-menu", "");
            if !open {
                browser::focus_selector(".object-list .object.primary");
            }
        }
        open
    });
    let act = move |f: fn(&Ctx)| {
        move |_| {
            f(&ctx);
            close();
        }
    };
    view! {
        <Show when=move || ctx.object_menu.get().is_some() && ctx.selected.get().is_some()>
            <div class="menu-catcher" on:click=move |_| close() on:contextmenu=move |ev| {
                ev.prevent_default();
                close();
            }></div>
            <div
                class="object-menu"
                // A menu of commands; while a name is typed, a small dialog.
                role=move || if renaming.get() { "dialog" } else { "menu" }
                aria-label=move || match renaming.get() {
                    true => "Rename".to_string(),
                    false => format!("{} selected", count()),
                }
                style=move || {
                    let (x, y) = ctx.object_menu.get().unwrap_or_default();
                    // Kept inside the window.
                    let (w, h) = browser::window_size();
                    format!("left: {}px; top: {}px", x.min(w - 210).max(0), y.min(h - 262).max(0))
                }
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        ev.stop_propagation();
                        close();
                    } else {
                        browser::trap_tab(&ev);
                    }
                }
            >
                <Show
                    when=move || renaming.get()
                    fallback=move || {
                        view! {
                            <button role="menuitem" class="menu-rename" disabled=move || { count() > 1 } on:click=move |_| renaming.set(true)>"Rename…"</button>
                            <button role="menuitem" class="menu-copy" on:click=act(Ctx::copy_selected)>"Copy"</button>
                            <button role="menuitem" class="menu-delete" on:click=act(Ctx::delete_selected)>"Delete"</button>
                            <button role="menuitem" class="menu-center" on:click=act(Ctx::center_selected)>"Center on the bed"</button>
                            <button role="menuitem" class="menu-lay-flat" on:click=act(Ctx::lay_flat_selected)>"Lay flat"</button>
                            <button
                                role="menuitem"
                                class="menu-own-settings"
                                disabled=move || { count() > 1 }
                                title="Settings this object prints with instead of the plate's"
                                on:click=move |_| {
                                    if let Some((o, _)) = ctx.selected.get_untracked() {
                                        ctx.edit_object_settings(o);
                                    }
                                    close();
                                }
                            >
                                "Own settings…"
                            </button>
                        }
                    }
                >
                    <label class="menu-name">
                        "Name"
                        <input
                            id="rename-input"
                            type="text"
                            prop:value=move || name().unwrap_or_default()
                            on:keydown=move |ev: web_sys::KeyboardEvent| {
                                if ev.key() == "Enter" {
                                    if let Some((o, _)) = ctx.selected.get_untracked() {
                                        ctx.rename(o, &event_target_value(&ev));
                                    }
                                    close();
                                }
                            }
                        />
                    </label>
                </Show>
            </div>
        </Show>
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
    let q = DQuat::from_euler(
        EulerRot::XYZ,
        rotation[0].to_radians(),
        rotation[1].to_radians(),
        rotation[2].to_radians(),
    );
    ctx.edit(|s| s.set_placement(o, i, q, DVec3::from_array(scale) / 100.0));
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
    // The brush for one paint: lit while it paints that one.
    let paint_button = move |kind: PaintKind, label: &'static str, title: &'static str| {
        view! {
            <button
                class:active=move || ctx.paint.active.get() && ctx.paint.kind.get() == kind
                on:click=move |_| ctx.toggle_paint(kind)
                title=title
            >
                {label}
            </button>
        }
    };
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
                    {paint_button(PaintKind::Support, "Paint supports", "Paint where supports must or must not go, and place enforcer and blocker volumes")}
                    {paint_button(PaintKind::Seam, "Paint seams", "Paint where loops must or must not start (their seams)")}
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
