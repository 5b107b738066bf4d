//! The move scrubber: a horizontal slider under the 3D view that plays the top layer of the
//! preview move by move, with the tool's position drawn in the view and the G-code line of
//! the move shown beside it.

use super::{Ctx, ViewMode};
use crate::engine::gcode::preview::{Preview, STRIDE, extruding_line, layer_starts};
use leptos::prelude::*;

/// Extrusion moves in layer `layer` of the preview.
fn moves_in(p: &Preview, layer: usize) -> u32 {
    let start = p.layers.get(layer).map_or(0, |l| l.1);
    let end = p
        .layers
        .get(layer + 1)
        .map_or(p.extrusion_count() as u32, |l| l.1);
    end.saturating_sub(start)
}

/// The first `k` extrusion moves of layer `layer` drawn, and where the tool is then (the end
/// of the k-th move, or the start of the first when k is 0).
pub fn tool_at(p: &Preview, layer: usize, k: u32) -> Option<(u32, [f32; 3])> {
    let n = moves_in(p, layer);
    if n == 0 {
        return None;
    }
    let k = k.min(n);
    let start = p.layers.get(layer)?.1 as usize;
    let (seg, end) = if k == 0 {
        (start, 0)
    } else {
        (start + k as usize - 1, 3)
    };
    let f = p
        .extrusions
        .get(seg * STRIDE + end..seg * STRIDE + end + 3)?;
    Some((k, [f[0], f[1], f[2]]))
}

#[component]
pub fn MoveScrubber() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let st = ctx.slicing;
    // The layers' places in the G-code, found once per slice.
    let starts: StoredValue<(u32, Vec<(usize, usize)>)> = StoredValue::new((u32::MAX, Vec::new()));
    // A new top layer or a new slice shows the whole layer again.
    Effect::new(move |_| {
        st.hi.track();
        st.preview_version.track();
        st.scrub.set(None);
    });
    let total = move || {
        st.preview_version.track();
        let hi = st.hi.get();
        st.preview
            .with_value(|p| p.as_ref().map_or(0, |p| moves_in(p, hi)))
    };
    let shown = move || st.scrub.get().unwrap_or_else(total).min(total());
    let line = move || {
        let k = st.scrub.get()?;
        let version = st.preview_version.get();
        let hi = st.hi.get();
        let gcode = st.gcode_bytes()?;
        if starts.with_value(|s| s.0 != version) {
            starts.set_value((version, layer_starts(&gcode.to_vec())));
        }
        let (from, first_line, to) = starts.with_value(|(_, s)| {
            let (from, line) = *s.get(hi)?;
            let to = s.get(hi + 1).map_or(gcode.length() as usize, |n| n.0);
            Some((from, line, to))
        })?;
        let bytes = gcode.subarray(from as u32, to as u32).to_vec();
        extruding_line(&String::from_utf8_lossy(&bytes), first_line, k.max(1))
    };
    view! {
        <Show when=move || ctx.mode.get() == ViewMode::Preview>
            <div class="scrubber">
                <label for="move-scrubber">"Move"</label>
                <input
                    id="move-scrubber"
                    type="range"
                    min="0"
                    max=total
                    prop:value=shown
                    aria-valuetext=move || format!("Move {} of {} in layer {}", shown(), total(), st.hi.get() + 1)
                    on:input=move |ev| {
                        let v: u32 = event_target_value(&ev).parse().unwrap_or(0);
                        st.scrub.set(Some(v));
                    }
                />
                <span class="move-count">{move || format!("{} / {}", shown(), total())}</span>
                <code id="gcode-line" class="gcode-line">
                    {move || match line() {
                        Some((n, text)) => format!("{n}: {text}"),
                        None => "Drag to play the top layer move by move".to_string(),
                    }}
                </code>
            </div>
        </Show>
    }
}
