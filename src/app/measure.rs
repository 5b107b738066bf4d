//! Measuring in the 3D view: with Measure on, a click on a model marks a point (the first,
//! then the second, then a new first) and names the flat face under it; the readout gives
//! the distance between the two points with its X, Y and Z parts, and the face's size.

use super::Ctx;
use crate::engine::model::FaceSize;
use glam::DVec3;
use leptos::prelude::*;

/// What has been measured.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Measure {
    pub on: bool,
    pub a: Option<DVec3>,
    pub b: Option<DVec3>,
    /// The face under the last point.
    pub face: Option<FaceSize>,
}

const MARK: [f32; 4] = [1.0, 0.95, 0.4, 1.0];

/// A click with Measure on: marks the point where the ray meets a model. False when it met
/// none (the click is then the view's, to orbit).
pub fn click(ctx: &Ctx, origin: DVec3, dir: DVec3) -> bool {
    let Some((point, face)) = ctx.scene.with_untracked(|s| {
        let hit = s.pick(origin, dir)?;
        Some((
            origin + dir.normalize() * hit.distance,
            s.face_size(hit.object, hit.instance, hit.triangle),
        ))
    }) else {
        return false;
    };
    ctx.measure.update(|m| {
        if m.a.is_none() || m.b.is_some() {
            m.a = Some(point);
            m.b = None;
        } else {
            m.b = Some(point);
        }
        m.face = face;
    });
    true
}

/// The marks and the line between them, for the view's overlay.
pub fn lines(m: &Measure) -> Vec<([[f32; 3]; 2], [f32; 4])> {
    let mut out = Vec::new();
    let f = |p: DVec3| p.as_vec3().to_array();
    for p in [m.a, m.b].into_iter().flatten() {
        for e in DVec3::AXES {
            out.push(([f(p - e * 1.5), f(p + e * 1.5)], MARK));
        }
    }
    if let (Some(a), Some(b)) = (m.a, m.b) {
        out.push(([f(a), f(b)], MARK));
    }
    out
}

/// The Measure button (key D) and the readout.
#[component]
pub fn MeasureTool() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let m = ctx.measure;
    let toggle = move || {
        m.update(|m| {
            *m = Measure {
                on: !m.on,
                ..Measure::default()
            }
        })
    };
    let _keys = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if !ctx.plate_key(&ev) {
            return;
        }
        match ev.key().as_str() {
            "d" | "D" => toggle(),
            "Escape" if m.get_untracked().on => m.set(Measure::default()),
            _ => {}
        }
    });
    let readout = move || {
        let m = m.get();
        let distance = match (m.a, m.b) {
            (Some(a), Some(b)) => {
                let d = b - a;
                format!(
                    "Distance {:.2} mm (X {:.2}, Y {:.2}, Z {:.2})",
                    d.length(),
                    d.x.abs(),
                    d.y.abs(),
                    d.z.abs()
                )
            }
            (Some(_), None) => "Click a second point.".into(),
            _ => "Click a point on a model.".into(),
        };
        let face = m.face.map(|f| {
            format!(
                "Face {:.2} × {:.2} mm, {:.1} mm²",
                f.width, f.height, f.area
            )
        });
        view! {
            <p id="measure-distance">{distance}</p>
            {face.map(|f| view! { <p id="measure-face">{f}</p> })}
        }
    };
    view! {
        <button
            class="gizmo-tool measure-tool"
            class:active=move || m.get().on
            aria-pressed=move || m.get().on.to_string()
            aria-keyshortcuts="D"
            title="Measure the distance between two points, and the size of a face (D)"
            on:click=move |_| toggle()
        >
            "Measure"
        </button>
        <Show when=move || m.get().on>
            <div class="measure-readout" role="status" aria-live="polite">{readout}</div>
        </Show>
    }
}
