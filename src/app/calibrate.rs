//! The Calibrate menu. It makes a calibration print (a temperature tower, a pressure advance
//! tower) from the engine's generators (`model::calibration`) as a project of its own, so the
//! user's open project is kept. It shows how to read the printed result, and with one click
//! keeps the value the user reads off it in their own filament preset.

use super::{Ctx, browser, projects, settings_panel};
use crate::engine::model::Scene;
use crate::engine::model::calibration::{self, Calibration, Change, HeightChange};
use crate::engine::settings::{PresetKind, format_float};
use leptos::prelude::*;

/// A calibration's range as the form holds it (text, checked on use).
#[derive(Clone, Copy)]
struct RangeForm {
    start: RwSignal<String>,
    end: RwSignal<String>,
    step: RwSignal<String>,
}

impl RangeForm {
    /// The numbers typed, or which one is not a number.
    fn values(&self) -> Result<(f64, f64, f64), String> {
        let read = |what: &str, v: RwSignal<String>| {
            let text = v.get();
            text.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| format!("the {what} value \"{text}\" is not a number"))
        };
        Ok((
            read("start", self.start)?,
            read("end", self.end)?,
            read("step", self.step)?,
        ))
    }

    /// The form's three fields, `{prefix}-start`, `-end` and `-step`, with their labels.
    fn fields(self, prefix: &str, [start, end, step]: [&'static str; 3]) -> impl IntoView {
        view! {
            <div class="tower-fields">
                {field(format!("{prefix}-start"), start, self.start)}
                {field(format!("{prefix}-end"), end, self.end)}
                {field(format!("{prefix}-step"), step, self.step)}
            </div>
        }
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
            .filter_map(|c| match c.change {
                Change::NozzleTemperature(t) => Some(t),
                _ => None,
            })
            .collect()
    });
    (!bands.is_empty()).then(|| std::iter::once(first).chain(bands).collect())
}

/// The pressure advance changes of the tower on the plate, and the value it starts at.
fn plate_pa(ctx: Ctx) -> Option<(f64, Vec<HeightChange>)> {
    let first = ctx
        .settings
        .with(|s| s.as_ref().ok().map(|s| s.pressure_advance))?;
    let changes: Vec<HeightChange> = ctx.scene.with(|s| {
        s.changes
            .iter()
            .filter(|c| matches!(c.change, Change::PressureAdvance(_)))
            .cloned()
            .collect()
    });
    (!changes.is_empty()).then_some((first, changes))
}

/// Makes a calibration print and opens it as a new project: centred on the bed, printed
/// from the first value (the project's own), each change set where it starts, each patch
/// with its own settings.
fn make_print(ctx: Ctx, what: &str, made: Result<Calibration, String>) {
    let cal = match made {
        Ok(c) => c,
        Err(e) => {
            ctx.say(format!("{what}: {e}."), true);
            return;
        }
    };
    let mut scene = Scene::default();
    scene.add(cal.objects());
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
            "{title}: a new project. Slice and print it, then open Calibrate again to keep the best value."
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

/// Keeps `k` as the pressure advance of the user's filament preset, set at each print's start.
fn keep_pressure_advance(ctx: Ctx, k: f64) {
    let values = [
        ("enable_pressure_advance", "true".to_string()),
        ("pressure_advance", format_float(k)),
    ];
    match settings_panel::keep_in_preset(ctx, PresetKind::Filament, &values) {
        Ok(name) => ctx.say(
            format!(
                "Kept pressure advance {} in your filament preset \"{name}\".",
                format_float(k)
            ),
            false,
        ),
        Err(e) => ctx.say(format!("The pressure advance could not be kept: {e}"), true),
    }
}

/// Keeps `c` (mm) as the hole compensation of the user's process preset.
fn keep_hole_compensation(ctx: Ctx, c: f64) {
    let values = [("xy_hole_compensation", format_float(c))];
    match settings_panel::keep_in_preset(ctx, PresetKind::Process, &values) {
        Ok(name) => ctx.say(
            format!(
                "Kept hole compensation {} mm in your process preset \"{name}\".",
                format_float(c)
            ),
            false,
        ),
        Err(e) => ctx.say(
            format!("The hole compensation could not be kept: {e}"),
            true,
        ),
    }
}

/// Keeps the flow ratio read off a flow rate print: the filament's ratio it printed with
/// times the patch's label. Returns the new ratio.
fn keep_flow_ratio(ctx: Ctx, label: f64) -> Option<f64> {
    let now = ctx
        .settings
        .with_untracked(|s| s.as_ref().map_or(1.0, |s| s.extrusion_multiplier));
    let ratio = (now * label / 100.0 * 1000.0).round() / 1000.0;
    let values = [("extrusion_multiplier", format_float(ratio))];
    match settings_panel::keep_in_preset(ctx, PresetKind::Filament, &values) {
        Ok(name) => {
            ctx.say(
                format!(
                    "Kept flow ratio {} in your filament preset \"{name}\". For a finer reading, make the patches again from 0.96 to 1.04 by 0.01.",
                    format_float(ratio)
                ),
                false,
            );
            Some(ratio)
        }
        Err(e) => {
            ctx.say(format!("The flow ratio could not be kept: {e}"), true);
            None
        }
    }
}

/// A choice among a print's labels, as read off the printed part; `pick` holds the label
/// chosen ("" for none).
fn label_pick(
    id: &'static str,
    prompt: &'static str,
    pick: RwSignal<String>,
    labels: impl Fn() -> Vec<i64> + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{prompt}</span>
            <select id=id on:change=move |ev| pick.set(event_target_value(&ev))>
                <option value="" selected=move || pick.get().is_empty()>"Choose"</option>
                {move || {
                    labels()
                        .into_iter()
                        .map(|l| view! { <option value=l.to_string()>{l.to_string()}</option> })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

/// How to read a flow rate print: its patches with their labels, the smooth one marked.
fn flow_picture(labels: Vec<i64>) -> impl IntoView {
    let patches = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (x, y) = (40.0 + 62.0 * (i % 5) as f64, 10.0 + 52.0 * (i / 5) as f64);
            let best = *l == 100;
            view! {
                <rect x=x y=y width="52" height="42" rx="2" class="pa-tube" class:flow-best=best/>
                <text x=x + 26.0 y=y + 36.0 text-anchor="middle" class="tower-label">{l.to_string()}</text>
            }
        })
        .collect_view();
    view! {
        <svg
            class="tower-picture"
            viewBox="0 0 380 120"
            width="380"
            height="120"
            role="img"
            aria-label="Flow rate patches, each labelled with its flow ratio in percent: the one with the smoothest top, no gaps and no ridges, gives the ratio"
        >
            {patches}
        </svg>
    }
}

/// How to read a fit test: the plate's holes with their labels, and the peg that slides
/// into the tightest one it can.
fn fit_picture(labels: Vec<i64>) -> impl IntoView {
    let n = labels.len().max(1) as f64;
    let pitch = 300.0 / n;
    let holes = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let x = 40.0 + pitch * (i as f64 + 0.5);
            let r = 9.0 + *l as f64 / 10.0;
            view! {
                <circle cx=x cy="62" r=r class="fit-hole"/>
                <text x=x y="34" text-anchor="middle" class="tower-label">{l.to_string()}</text>
            }
        })
        .collect_view();
    view! {
        <svg
            class="tower-picture"
            viewBox="0 0 380 120"
            width="380"
            height="120"
            role="img"
            aria-label="A fit test: the label of the tightest hole the peg slides into is the clearance in hundredths of a millimetre"
        >
            <rect x="40" y="20" width="300" height="64" rx="3" class="pa-tube"/>
            {holes}
            <circle cx="60" cy="104" r="9" class="fit-peg"/>
            <text x="76" y="108" class="tower-note">"peg: try it in each hole, tightest first"</text>
        </svg>
    }
}

/// How to read a pressure advance tower: its front with the height marks, and a corner seen
/// from above at three heights (bulging, sharp, rounded).
fn pa_picture() -> impl IntoView {
    let corner = |y: f64, shape: &'static str, note: &'static str| {
        view! {
            <g>
                <path d=format!("M 150 {y} {shape}") class="pa-corner"/>
                <text x="200" y=y + 4.0 class="tower-note">{note}</text>
            </g>
        }
    };
    view! {
        <svg
            class="tower-picture"
            viewBox="0 0 380 170"
            width="380"
            height="170"
            role="img"
            aria-label="A pressure advance tower: measure the height where the corners are sharpest"
        >
            <rect x="40" y="10" width="70" height="150" class="pa-tube"/>
            {[40.0, 70.0, 100.0, 130.0]
                .into_iter()
                .enumerate()
                .map(|(i, y)| {
                    view! {
                        <text x="32" y=y + 4.0 text-anchor="end" class="pa-label">{format!("{}", 40 - 10 * i)}</text>
                        <line x1="40" y1=y x2="48" y2=y class="pa-mark"/>
                    }
                })
                .collect_view()}
            {corner(30.0, "m -20 12 h 20 q 8 0 6 -6 l 0 -18", "too much: corners rounded, gaps")}
            {corner(85.0, "m -20 12 h 20 v -18", "right: sharp corners")}
            {corner(140.0, "m -20 12 h 18 q 8 4 6 -4 v -18", "too little: corners bulge")}
        </svg>
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
            id="temp-picture"
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

/// A labelled number field of a form.
fn field(id: String, label: &'static str, value: RwSignal<String>) -> impl IntoView {
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
}

/// Reading the temperature tower on the plate: pick the best block, keep its temperature.
fn read_temperature_tower(ctx: Ctx, pick: RwSignal<String>) -> Option<impl IntoView> {
    let temps = plate_tower(ctx)?;
    let options = temps
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let v = format_float(*t);
            let selected = pick.get() == v;
            view! { <option value=v.clone() selected=selected>{format!("Block {} from the bottom: {v} °C", i + 1)}</option> }
        })
        .collect_view();
    Some(view! {
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
    })
}

/// Reading the pressure advance tower on the plate: the height measured gives the value.
fn read_pa_tower(ctx: Ctx, height: RwSignal<String>) -> Option<impl IntoView> {
    let (first, changes) = plate_pa(ctx)?;
    let top = changes.last().map_or(0.0, |c| c.z);
    let value = move || {
        height
            .get()
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|h| (0.0..=top + 1.0).contains(h))
            .map(|h| calibration::value_at(&changes, first, h))
    };
    Some(view! {
        <section class="calibrate-result">
            <h3>"Read your tower"</h3>
            <p class="note">"Measure from the bed to where the corners are sharpest, neither bulging nor rounded (the marks on the front are every 10 mm)."</p>
            {field("pa-height".into(), "Height (mm)", height)}
            {
                let value = value.clone();
                move || match value() {
                    Some(k) => view! { <p class="note" id="pa-value">{format!("Pressure advance there: {}", format_float(k))}</p> }.into_any(),
                    None => view! { <p class="field-error" role="alert">{format!("Type a height from 0 to {} mm.", format_float(top + 1.0))}</p> }.into_any(),
                }
            }
            <button
                id="pa-keep"
                class="primary"
                disabled={
                    let value = value.clone();
                    move || value().is_none()
                }
                on:click={
                    let value = value.clone();
                    move |_| {
                        if let Some(k) = value() {
                            keep_pressure_advance(ctx, k);
                        }
                    }
                }
            >
                "Keep it in my filament preset"
            </button>
        </section>
    })
}

/// The Calibrate dialog.
#[component]
pub fn CalibratePanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let temp = RangeForm {
        start: RwSignal::new(String::new()),
        end: RwSignal::new(String::new()),
        step: RwSignal::new("5".into()),
    };
    // A direct-drive extruder's range (a Bowden one needs about ten times it).
    let pa = RangeForm {
        start: RwSignal::new("0".into()),
        end: RwSignal::new("0.1".into()),
        step: RwSignal::new("0.002".into()),
    };
    let fit = RangeForm {
        start: RwSignal::new("0".into()),
        end: RwSignal::new("0.3".into()),
        step: RwSignal::new("0.05".into()),
    };
    let pick = RwSignal::new(String::new());
    let height = RwSignal::new(String::new());
    let fit_pick = RwSignal::new(String::new());
    let flow = RangeForm {
        start: RwSignal::new("0.8".into()),
        end: RwSignal::new("1.2".into()),
        step: RwSignal::new("0.05".into()),
    };
    let flow_pick = RwSignal::new(String::new());
    // The patches' labels (percent), from the form.
    let flow_labels = move || {
        flow.values().and_then(|(s, e, st)| {
            let ratios = calibration::flow_ratios(s, e, st)?;
            Ok(ratios
                .iter()
                .map(|r| (r * 100.0).round() as i64)
                .collect::<Vec<i64>>())
        })
    };
    // Opening it proposes the filament preset's temperature ±10 °C, and the middle block to
    // keep.
    Effect::new(move |prev: Option<bool>| {
        let open = ctx.calibrate.get();
        if open && prev != Some(true) {
            // The preset's own temperature (a tower project's start is the project's value).
            let t = ctx
                .base
                .with_untracked(|s| s.as_ref().map_or(210.0, |s| s.temperature));
            temp.start.set(format_float(t + 10.0));
            temp.end.set(format_float(t - 10.0));
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
    let temp_preview = move || {
        temp.values()
            .and_then(|(s, e, st)| calibration::temperature_tower(s, e, st))
            .map(|c| {
                let first = temp.values().map_or(0.0, |v| v.0);
                std::iter::once(first)
                    .chain(c.changes.iter().map(|h| h.change.value()))
                    .collect::<Vec<f64>>()
            })
    };
    // The tower's height and top value, or why there is none.
    let pa_summary = move || {
        pa.values()
            .and_then(|(s, e, st)| calibration::pressure_advance_tower(s, e, st))
            .map(|c| {
                let top = c.changes.last().map_or(0.0, |h| h.change.value());
                format!(
                    "{} mm tall, from {} at the bed to {} at the top.",
                    c.changes.len() + 1,
                    pa.start.get(),
                    format_float(top)
                )
            })
    };
    // The holes' clearances, from the form.
    let fit_clearances = move || {
        fit.values().and_then(|(s, e, st)| {
            calibration::fit_test(s, e, st)?;
            let n = ((e - s) / st + 1e-9).floor() as usize + 1;
            Ok((0..n)
                .map(|i| ((s + st * i as f64) * 100.0).round() as i64)
                .collect::<Vec<i64>>())
        })
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
                    {move || read_temperature_tower(ctx, pick)}
                    {move || read_pa_tower(ctx, height)}
                    <p class="note">
                        "Each print uses the chosen printer and filament and opens as a new project; your open project is kept."
                    </p>
                    <details class="calibrate-make" open>
                        <summary>"Temperature tower"</summary>
                        <p class="note">"One block per temperature, labelled with it, and a post beside them for strings."</p>
                        {temp.fields("tower", ["Bottom block (°C)", "Top block (°C)", "Step (°C)"])}
                        {move || match temp_preview() {
                            Ok(temps) => tower_picture(temps).into_any(),
                            Err(e) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                        }}
                        <button
                            id="tower-make"
                            class="primary"
                            on:click=move |_| {
                                let made = temp
                                    .values()
                                    .and_then(|(s, e, st)| calibration::temperature_tower(s, e, st));
                                make_print(ctx, "Temperature tower", made);
                            }
                        >
                            "Make the tower"
                        </button>
                    </details>
                    <details class="calibrate-make">
                        <summary>"Pressure advance tower"</summary>
                        <p class="note">"A thin square tube whose pressure advance rises with height; its corners show the value that suits this filament. For a Bowden extruder, try an end of 1 and a step of 0.02."</p>
                        {pa.fields("pa", ["At the bed", "At the top", "Rise per mm"])}
                        {move || match pa_summary() {
                            Ok(text) => view! { <p class="note" id="pa-summary">{text}</p> }.into_any(),
                            Err(e) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                        }}
                        {pa_picture()}
                        <button
                            id="pa-make"
                            class="primary"
                            on:click=move |_| {
                                let made = pa
                                    .values()
                                    .and_then(|(s, e, st)| calibration::pressure_advance_tower(s, e, st));
                                make_print(ctx, "Pressure advance tower", made);
                            }
                        >
                            "Make the tower"
                        </button>
                    </details>
                    <details class="calibrate-make">
                        <summary>"Flow rate"</summary>
                        <p class="note">"A patch per flow ratio, each labelled with it in percent and printed with it on top of the filament's. The one with the smoothest top, no gaps between its lines and no ridges, gives the ratio. Make it coarse first, then from 0.96 to 1.04 by 0.01."</p>
                        {flow.fields("flow", ["Lowest ratio", "Highest ratio", "Step"])}
                        {move || match flow_labels() {
                            Ok(labels) => flow_picture(labels).into_any(),
                            Err(e) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                        }}
                        <button
                            id="flow-make"
                            class="primary"
                            on:click=move |_| {
                                let made = flow
                                    .values()
                                    .and_then(|(s, e, st)| calibration::flow_rate(s, e, st));
                                make_print(ctx, "Flow rate", made);
                            }
                        >
                            "Make the patches"
                        </button>
                        {label_pick("flow-pick", "Printed? The label of the smoothest patch", flow_pick, move || flow_labels().unwrap_or_default())}
                        <button
                            id="flow-keep"
                            disabled=move || flow_pick.get().is_empty()
                            on:click=move |_| {
                                if let Ok(l) = flow_pick.get_untracked().parse::<f64>()
                                    && keep_flow_ratio(ctx, l).is_some()
                                {
                                    // The finer pass is around the ratio just kept.
                                    flow.start.set("0.96".into());
                                    flow.end.set("1.04".into());
                                    flow.step.set("0.01".into());
                                    flow_pick.set(String::new());
                                }
                            }
                        >
                            "Keep it in my filament preset"
                        </button>
                    </details>
                    <details class="calibrate-make">
                        <summary>"Fit test"</summary>
                        <p class="note">"A plate with a 10 mm hole per clearance around two 10 mm pegs, printed without hole compensation; each hole is labelled with its clearance in hundredths of a millimetre."</p>
                        {fit.fields("fit", ["Least clearance (mm)", "Most clearance (mm)", "Step (mm)"])}
                        {move || match fit_clearances() {
                            Ok(labels) => fit_picture(labels).into_any(),
                            Err(e) => view! { <p class="field-error" role="alert">{e}</p> }.into_any(),
                        }}
                        <button
                            id="fit-make"
                            class="primary"
                            on:click=move |_| {
                                let made = fit
                                    .values()
                                    .and_then(|(s, e, st)| calibration::fit_test(s, e, st));
                                make_print(ctx, "Fit test", made);
                            }
                        >
                            "Make the fit test"
                        </button>
                        {label_pick("fit-pick", "Printed? The label of the tightest hole a peg slides into", fit_pick, move || fit_clearances().unwrap_or_default())}
                        <button
                            id="fit-keep"
                            disabled=move || fit_pick.get().is_empty()
                            on:click=move |_| {
                                if let Ok(l) = fit_pick.get_untracked().parse::<f64>() {
                                    keep_hole_compensation(ctx, l / 100.0);
                                }
                            }
                        >
                            {move || match fit_pick.get().parse::<f64>() {
                                Ok(l) => format!("Keep hole compensation {} mm in my process preset", format_float(l / 100.0)),
                                Err(_) => "Keep it in my process preset".to_string(),
                            }}
                        </button>
                    </details>
                </section>
            </div>
        </Show>
    }
}
