//! The Calibrate menu. It makes a calibration print from the engine's generator
//! (`model::calibration`) as a project of its own, so the user's open project is kept. It
//! shows how to read the printed result, and with one click keeps the value the user picks
//! in their own filament preset.

use super::{Ctx, browser, projects, settings_panel};
use crate::engine::mesh::ImportedObject;
use crate::engine::model::Scene;
use crate::engine::model::calibration::{self, Change};
use crate::engine::settings::{PresetKind, format_float};
use glam::DAffine3;
use leptos::prelude::*;

/// The tower's temperatures as the form holds them (text, checked on use).
#[derive(Clone, Copy)]
struct TowerForm {
    start: RwSignal<String>,
    end: RwSignal<String>,
    step: RwSignal<String>,
}

impl TowerForm {
    /// The numbers typed, or which one is not a number.
    fn values(&self) -> Result<(f64, f64, f64), String> {
        let read = |what: &str, v: RwSignal<String>| {
            let text = v.get();
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("the {what} temperature \"{text}\" is not a number"))
        };
        Ok((
            read("start", self.start)?,
            read("end", self.end)?,
            read("step", self.step)?,
        ))
    }
}

/// The temperatures of the tower on the plate, bottom block first: the project's own
/// temperature, then each band's.
fn plate_tower(ctx: Ctx) -> Option<Vec<f64>> {
    let first = ctx
        .settings
        .with(|s| s.as_ref().ok().map(|s| s.temperature))?;
    let bands: Vec<f64> = ctx.scene.with(|s| {
        s.changes
            .iter()
            .map(|c| match c.change {
                Change::NozzleTemperature(t) => t,
            })
            .collect()
    });
    (!bands.is_empty()).then(|| std::iter::once(first).chain(bands).collect())
}

/// Makes the tower and opens it as a new project: centred on the bed, printed from the
/// first temperature (the project's own value), each band set where it starts.
fn make_tower(ctx: Ctx, form: TowerForm) {
    let made = form
        .values()
        .and_then(|(start, end, step)| calibration::temperature_tower(start, end, step));
    let cal = match made {
        Ok(c) => c,
        Err(e) => {
            ctx.say(format!("Temperature tower: {e}."), true);
            return;
        }
    };
    let mut scene = Scene::default();
    scene.add(vec![ImportedObject {
        name: cal.name.clone(),
        mesh: cal.mesh,
        instances: vec![DAffine3::IDENTITY],
        ..Default::default()
    }]);
    scene.drop_to_bed();
    let (x0, y0, w, d, _) = ctx.bed();
    scene.center_at(x0 + w / 2.0, y0 + d / 2.0);
    scene.changes = cal.changes;
    let mut overrides = ctx.overrides.get_untracked();
    for (key, value) in cal.start {
        overrides.insert(key.to_string(), value);
    }
    let mut title = cal.name;
    if let Some(first) = title.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    projects::open_as_project(ctx, &title, scene, None, overrides);
    ctx.calibrate.set(false);
    ctx.say(
        format!(
            "{title}: a new project. Slice and print it, then open Calibrate again to keep the best temperature."
        ),
        false,
    );
}

/// Keeps `t` as the nozzle temperature of the user's filament preset; the first layer keeps
/// its offset from the other layers.
fn keep_temperature(ctx: Ctx, t: f64) {
    let offset = ctx.base.with_untracked(|b| {
        b.as_ref()
            .map_or(0.0, |b| b.first_layer_temperature - b.temperature)
    });
    let values = [
        ("temperature", format_float(t)),
        ("first_layer_temperature", format_float(t + offset)),
    ];
    match settings_panel::keep_in_preset(ctx, PresetKind::Filament, &values) {
        Ok(name) => ctx.say(
            format!(
                "Kept {} °C in your filament preset \"{name}\" (first layer {} °C).",
                format_float(t),
                format_float(t + offset)
            ),
            false,
        ),
        Err(e) => ctx.say(format!("The temperature could not be kept: {e}"), true),
    }
}

/// How to read a temperature tower: a drawn tower, hottest block at the bottom, with what
/// too hot, too cold and right look like.
fn tower_picture(temps: Vec<f64>) -> impl IntoView {
    const BLOCK: f64 = 24.0;
    const GAP: f64 = 4.0;
    let n = temps.len().max(1);
    let height = n as f64 * (BLOCK + GAP) + 8.0;
    let y_of = |i: usize| height - 4.0 - (i + 1) as f64 * (BLOCK + GAP) + GAP;
    // Which ends are hot: the bottom when the tower cools upwards.
    let cools_up = temps.first() >= temps.last();
    let (hot, cold) = if cools_up { (0, n - 1) } else { (n - 1, 0) };
    let blocks = temps
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let y = y_of(i);
            // Strings from the hot end, fading over a third of the tower.
            let heat = if cools_up { i } else { n - 1 - i };
            let strings = (heat * 3 < n).then(|| {
                view! {
                    <path
                        d=format!("M 150 {y0} q 14 8 28 2 M 150 {y1} q 14 10 28 4", y0 = y + 6.0, y1 = y + 14.0)
                        class="tower-string"
                    />
                }
            });
            view! {
                <g>
                    <rect x="60" y=y width="90" height=BLOCK rx="2" class="tower-block"/>
                    {strings}
                    <text x="52" y=y + BLOCK / 2.0 + 4.0 text-anchor="end" class="tower-label">
                        {format!("{} °C", format_float(*t))}
                    </text>
                </g>
            }
        })
        .collect_view();
    let note = |i: usize, text: &'static str| {
        view! {
            <text x="198" y=y_of(i) + BLOCK / 2.0 + 4.0 class="tower-note">{text}</text>
        }
    };
    view! {
        <svg
            class="tower-picture"
            viewBox=format!("0 0 380 {height}")
            width="380"
            height=height
            role="img"
            aria-label="A temperature tower: the block with clean walls, sharp edges and no strings is the temperature to keep"
        >
            <rect x="178" y=y_of(n - 1) width="10" height=y_of(0) + BLOCK - y_of(n - 1) class="tower-post"/>
            {blocks}
            {note(hot, "too hot: strings, soft edges")}
            {note(cold, "too cold: rough, layers split")}
            {(n > 2).then(|| note(n / 2, "keep the cleanest block"))}
        </svg>
    }
}

#[component]
pub fn CalibrateButton() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <button
            id="calibrate-button"
            title="Calibration prints: find the best temperature for a filament"
            on:click=move |_| ctx.calibrate.update(|o| *o = !*o)
        >
            "Calibrate"
        </button>
    }
}

/// The Calibrate dialog.
#[component]
pub fn CalibratePanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = TowerForm {
        start: RwSignal::new(String::new()),
        end: RwSignal::new(String::new()),
        step: RwSignal::new("5".into()),
    };
    let pick = RwSignal::new(String::new());
    // Opening it proposes the filament preset's temperature ±10 °C, and the middle block to keep.
    Effect::new(move |prev: Option<bool>| {
        let open = ctx.calibrate.get();
        if open && prev != Some(true) {
            // The preset's own temperature (a tower project's start is the project's value).
            let t = ctx
                .base
                .with_untracked(|s| s.as_ref().map_or(210.0, |s| s.temperature));
            form.start.set(format_float(t + 10.0));
            form.end.set(format_float(t - 10.0));
            let bands = untrack(|| plate_tower(ctx)).unwrap_or_default();
            pick.set(
                bands
                    .get(bands.len() / 2)
                    .map_or(String::new(), |t| format_float(*t)),
            );
        }
        if prev.is_some_and(|p| p != open) {
            browser::dialog_focus(open, ".calibrate-panel", "calibrate-button");
        }
        open
    });
    let preview = move || {
        form.values()
            .and_then(|(s, e, st)| calibration::temperature_tower(s, e, st))
            .map(|c| {
                let first = form.values().map_or(0.0, |v| v.0);
                std::iter::once(first)
                    .chain(c.changes.iter().map(|h| h.change.value()))
                    .collect::<Vec<f64>>()
            })
    };
    let read_result = move || {
        plate_tower(ctx).map(|temps| {
            let options = temps
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let v = format_float(*t);
                    let selected = pick.get() == v;
                    view! { <option value=v.clone() selected=selected>{format!("Block {} from the bottom: {v} °C", i + 1)}</option> }
                })
                .collect_view();
            view! {
                <section class="calibrate-result">
                    <h3>"Read your tower"</h3>
                    <p class="note">"Find the block with the cleanest walls, the neatest edges over its groove and the fewest strings to the post, and keep its temperature."</p>
                    <label class="field">
                        <span>"Best block"</span>
                        <select id="tower-pick" on:change=move |ev| pick.set(event_target_value(&ev))>{options}</select>
                    </label>
                    <button
                        id="tower-keep"
                        class="primary"
                        on:click=move |_| {
                            if let Ok(t) = pick.get_untracked().parse::<f64>() {
                                keep_temperature(ctx, t);
                            }
                        }
                    >
                        {move || format!("Keep {} °C in my filament preset", pick.get())}
                    </button>
                </section>
            }
        })
    };
    let field = |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input
                    id=id
                    type="number"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <Show when=move || ctx.calibrate.get()>
            <div class="overlay" on:click=move |_| ctx.calibrate.set(false)>
                <section
                    class="calibrate-panel"
                    role="dialog"
                    aria-modal="true"
                    aria-label="Calibrate"
                    on:click=|ev| ev.stop_propagation()
                    on:keydown=move |ev| browser::trap_tab(&ev)
                >
                    <header>
                        <h2>"Calibrate"</h2>
                        <button class="close" title="Close" aria-label="Close Calibrate" on:click=move |_| ctx.calibrate.set(false)>"×"</button>
                    </header>
                    {read_result}
                    <section class="calibrate-make">
                        <h3>"Temperature tower"</h3>
                        <p class="note">
                            "One block per temperature, printed with the chosen printer and filament. The tower opens as a new project; your open project is kept."
                        </p>
                        <div class="tower-fields">
                            {field("tower-start", "Bottom block (°C)", form.start)}
                            {field("tower-end", "Top block (°C)", form.end)}
                            {field("tower-step", "Step (°C)", form.step)}
                        </div>
                        {move || match preview() {
                            Ok(temps) => tower_picture(temps).into_any(),
                            Err(e) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                        }}
                        <button id="tower-make" class="primary" on:click=move |_| make_tower(ctx, form)>
                            "Make the tower"
                        </button>
                    </section>
                </section>
            </div>
        </Show>
    }
}
