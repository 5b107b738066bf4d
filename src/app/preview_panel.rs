//! The preview's panel beside the view (figures, legend, colours, the G-code download) and
//! the layer slider under it.

use super::browser;
use super::{Ctx, ViewMode};
use crate::engine::gcode::format_duration;
use crate::engine::toolpaths::Role;
use leptos::prelude::*;
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
            .join(", ")
            + &format!("; slicer memory {:.0} MB", r.memory_mb);
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
                <dd
                    id="slice-time"
                    title=stages
                    data-memory-mb=format!("{:.1}", r.memory_mb)
                    data-page-memory-mb=format!("{:.1}", crate::worker::memory_mb())
                >{format!("{total:.1} s")}</dd>
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
                <details class="resume" id="resume">
                    <summary>"Resume a failed print"</summary>
                    <p class="note">
                        "G-code that heats, homes X and Y only (the part stays on the bed), and goes on from a layer: the top layer shown. The printer must still know its Z."
                    </p>
                    <div class="resume-row">
                        <label>
                            "From layer "
                            <input
                                id="resume-layer"
                                type="number"
                                min="1"
                                max=move || count().to_string()
                                prop:value=move || (st.hi.get() + 1).to_string()
                                on:change=move |ev| {
                                    if let Ok(n) = event_target_value(&ev).parse::<usize>() {
                                        let n = n.clamp(1, count().max(1));
                                        st.lo.update(|lo| *lo = (*lo).min(n - 1));
                                        st.hi.set(n - 1);
                                    }
                                }
                            />
                        </label>
                        <button id="resume-download" on:click=move |_| st.download_from_layer(ctx, st.hi.get_untracked() + 1)>
                            "Download"
                        </button>
                    </div>
                </details>
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
